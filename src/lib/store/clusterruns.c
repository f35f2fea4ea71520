/* clusterruns.c — the song_cluster_runs table (see clusterruns.h). */
#include "store/clusterruns.h"
#include "store/dbint.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

enum { RUN_MAX = 64 };

struct ClusterRuns {
	Db *db;
	char *run;
	long k;
	int assigned;
	sqlite3_stmt *put, *has;
};

const char *
clusterruns_bad_run(const char *run)
{
	size_t n = strlen(run);

	if (n < 1 || n > RUN_MAX)
		return "a run name has 1 to 64 characters";
	if (strspn(run, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n ||
	    run[0] == '-')
		return "a run name is letters, digits, '.', '_' and '-', not starting with '-'";
	return NULL;
}

/* The song_clusters row's values, whichever algorithm wrote them: the cluster
 * (kmeans_cluster_id, gmm_cluster_id, hier_level1_id or dbscan_cluster_id, the
 * others being NULL), the k-means distance, the gmm probabilities, the second
 * hierarchical level, the confidence. */
static const char PUT[] =
    "INSERT INTO song_cluster_runs(song_id, run, algorithm, k, cluster_id, distance,\n"
    "  probabilities, level2_id, confidence, assigned, created_at)\n"
    "SELECT song_id, ?2, algorithm, ?3, coalesce(kmeans_cluster_id, gmm_cluster_id,\n"
    "  hier_level1_id, dbscan_cluster_id), kmeans_distance, gmm_probabilities,\n"
    "  hier_level2_id, confidence, ?5, CURRENT_TIMESTAMP\n"
    "FROM song_clusters WHERE song_id = ?1 AND algorithm = ?4\n"
    "ON CONFLICT(song_id, run, algorithm) DO UPDATE SET k=excluded.k,\n"
    "  cluster_id=excluded.cluster_id, distance=excluded.distance,\n"
    "  probabilities=excluded.probabilities, level2_id=excluded.level2_id,\n"
    "  confidence=excluded.confidence, assigned=excluded.assigned,\n"
    "  created_at=excluded.created_at";
static const char HAS[] =
    "SELECT 1 FROM song_cluster_runs WHERE song_id = ?1 AND run = ?2 AND algorithm = ?3";

ClusterRuns *
new_clusterruns(Db *db, const char *run, long k, int assigned)
{
	ClusterRuns *cr = ecalloc(1, sizeof *cr);

	cr->db = db;
	cr->run = estrdup(run);
	cr->k = k;
	cr->assigned = assigned;
	if (!(cr->put = db_prepare(db, PUT)) || !(cr->has = db_prepare(db, HAS))) {
		del_clusterruns(cr);
		return NULL;
	}
	return cr;
}

int
clusterruns_has(ClusterRuns *cr, const char *id, const char *alg)
{
	/* db_has_row binds ?1 and resets, which keeps these */
	sqlite3_bind_text(cr->has, 2, cr->run, -1, SQLITE_STATIC);
	sqlite3_bind_text(cr->has, 3, alg, -1, SQLITE_STATIC);
	return db_has_row(cr->db, cr->has, id, "song_cluster_runs");
}

int
clusterruns_put(ClusterRuns *cr, const char *id, const char *alg)
{
	sqlite3_stmt *st = cr->put;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cr->run, -1, SQLITE_STATIC);
	if (cr->k > 0)
		sqlite3_bind_int64(st, 3, cr->k);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, alg, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, cr->assigned);
	return db_step_done(cr->db, st, "song_cluster_runs");
}

void
del_clusterruns(ClusterRuns *cr)
{
	if (!cr)
		return;
	sqlite3_finalize(cr->put);
	sqlite3_finalize(cr->has);
	free(cr->run);
	free(cr);
}
