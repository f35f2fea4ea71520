/* load.h — dbload(1)'s loaders: one input (a path, "-" = stdin) into the database,
 * in batches (batch.h).  Each returns 0, or 1 after saying what went wrong and what
 * stays committed (exit status 1), and never exits. */
#ifndef SV_LOAD_H
#define SV_LOAD_H

#include "core/vreader.h"
#include "store/db.h"

typedef struct LoadOpt {
	long batch;             /* records per transaction (-n; 0: one per input) */
	int pathkeys;           /* -p: keys are file paths, the song id is key_from_path */
	const char *algorithm;  /* -a, for clusters */
	const char *method;     /* -m, for projections (NULL: from the column names) */
} LoadOpt;

/* Song lists (playlist.h formats) into songs_from_playlists. */
int load_import(Db *db, const char *path, const LoadOpt *o);
/* Song vectors into songs (artist profiles follow). */
int load_songs(Db *db, const char *path, const LoadOpt *o);
/* Clustering records into song_clusters (o->algorithm). */
int load_clusters(Db *db, const char *path, const LoadOpt *o);

/* Map coordinates (map(1), pca(1)) into projections (projections.c). */
int load_projections(Db *db, const char *path, const LoadOpt *o);

/* The song id of a record key (malloc'd into *own with -p, else the key itself);
 * NULL after a message naming the record when it is not a valid id. */
char *load_song_id(VReader *r, const char *key, unsigned long recno, unsigned long lineno,
    const LoadOpt *o, char **own);

#endif
