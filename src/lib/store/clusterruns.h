/* clusterruns.h — song_cluster_runs: clustering results kept side by side, one row
 * per song, named run and algorithm (dbload(1)'s -r), while song_clusters (DESIGN §6)
 * holds each song's latest result per algorithm.  A run is one fit (for k-means one
 * k), later extended by assignments of new songs with the fit's saved models (-N).
 *
 *	ClusterRuns *cr = new_clusterruns(db, "k5", 5, 0);
 *	db_put_cluster(db, id, "kmeans", v, n, &why);   // song_clusters first
 *	clusterruns_put(cr, id, "kmeans");              // then copied into the run
 *	del_clusterruns(cr);
 *
 * The loader is load_clusters (load.h); this is the table's own access. */
#ifndef SV_CLUSTERRUNS_H
#define SV_CLUSTERRUNS_H

#include "store/db.h"

typedef struct ClusterRuns ClusterRuns;

/* A valid run name ([A-Za-z0-9._-], 1 to 64 characters, not starting with '-'):
 * NULL, or what is wrong.  This function can't fail. */
const char *clusterruns_bad_run(const char *run);
/* Rows of run `run` (k clusters, k <= 0: unknown, stored as NULL) for the songs
 * loaded next, marked assigned when `assigned` (placed by a saved model, not
 * fitted).  NULL after a message. */
ClusterRuns *new_clusterruns(Db *db, const char *run, long k, int assigned);
/* 1 when the song has a row of algorithm alg in the run, 0 when not, -1 after a
 * message. */
int clusterruns_has(ClusterRuns *cr, const char *id, const char *alg);
/* The song's song_clusters row of algorithm alg, just written, copied into the
 * run (an upsert).  0, or -1 after a message. */
int clusterruns_put(ClusterRuns *cr, const char *id, const char *alg);
/* NULL is a no-op. */
void del_clusterruns(ClusterRuns *cr);

#endif
