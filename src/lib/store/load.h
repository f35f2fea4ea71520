/* load.h — dbload(1)'s loaders: one input (a path, "-" = stdin) into the database,
 * in batches (batch.h).  Each returns 0, or 1 after saying what went wrong and what
 * stays committed (exit status 1), and never exits. */
#ifndef SV_LOAD_H
#define SV_LOAD_H

#include <stdio.h>

#include "core/vreader.h"
#include "store/db.h"

typedef struct LoadOpt {
	long batch;             /* records per transaction (-n; 0: one per input) */
	int pathkeys;           /* -p: keys are file paths, the song id is key_from_path */
	const char *algorithm;  /* -a, for clusters */
	FILE *errlog;           /* -e: import logs and skips bad entries (JSON lines) */
	const char *errpath;
	struct KeySet *seen;    /* songs, clusters: song ids of this run (a repeat is an error) */
	unsigned ninput;        /* inputs read so far (for the messages about repeats) */
	const char *model, *dataset; /* -m model[:dataset], for embeddings */
	const char *method;     /* -m, for projections (NULL: from the column names) */
	const char *run; long k; int newonly; /* -r, -k, -N, for clusters (clusterruns.h) */
} LoadOpt;

/* Song lists (playlist.h formats) into songs_from_playlists.  A bad entry is an
 * error, or with o->errlog reported, logged and skipped. */
int load_import(Db *db, const char *path, LoadOpt *o);
/* Song vectors into songs (artist profiles follow): not audio records, at least
 * one value, no infinities (NaN allowed), no song twice in one run. */
int load_songs(Db *db, const char *path, LoadOpt *o);
/* Clustering records into song_clusters (o->algorithm); no song twice in one run.
 * With o->run also into song_cluster_runs (k = o->k); with o->newonly only the songs
 * the run lacks (the others are left as they are, and counted on stderr). */
int load_clusters(Db *db, const char *path, LoadOpt *o);

/* Map coordinates (map(1), pca(1)) into projections (projections.c). */
int load_projections(Db *db, const char *path, LoadOpt *o);

/* The song id of a record key (malloc'd into *own with -p, else the key itself);
 * NULL after a message naming the record when it is not a valid id or was loaded
 * already by this run (keys derived from file names collide: a/track6.ogg,
 * b/track6.ogg). */
char *load_song_id(VReader *r, const char *key, unsigned long recno, unsigned long lineno,
    LoadOpt *o, char **own);

#endif
