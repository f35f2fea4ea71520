/* exdata.h — the explorer's document: everything the page shows, read from the
 * database as one JSON object (songs, 2-D maps, colourings by cluster, label and
 * tag, neighbour lists, chosen features, artist profiles, the elbow curve).
 *
 * Layout (arrays in song order, songs sorted by id; null where a song has no
 * value):
 *   {"total": songs in the database, "songs": {"id", "name", "artist",
 *    "artist_id", "audio": [url|""|null]}, "maps": [{"method", "x", "y"[,
 *    "computed": true]}], "colourings": [{"name", "kind", "values",
 *    "classes", "score", "score_name"}], "tags": {"model", "dataset", "names",
 *    "values": [[0..1000 per tag]|null]} | null, "neighbors": {"metric",
 *    "lists": [[[index or id, similarity], ...]|null]} | null,
 *    "features": {"names", "values"}, "artists": [{"id", "name", "profile"}],
 *    "elbow": [[k, inertia], ...] | null}
 * An audio entry is "" when the folder was given but holds no file of the song.
 *
 * Songs: all of them, or when there are more than ExOpt.max, a deterministic
 * sample of max: the songs whose ids have the smallest 64-bit FNV-1a hash
 * (exdata_sample_key; ties by id), so the same database gives the same sample
 * and a song added later displaces at most one.  Neighbours outside the sample
 * are given by id.  Memory: the sample's ids (SQLite's ORDER BY ... LIMIT keeps
 * max rows), one song's rows, and for a computed map (expca.h) 2 floats a song
 * of the sample.
 *
 * Maps: the stored 2-D projections; when there are none, the PCA-2 computed on
 * the fly (expca.h), marked "computed". */
#ifndef SV_EXDATA_H
#define SV_EXDATA_H
#include <sqlite3.h>
#include <stdio.h>

#include "web/audiodir.h"

typedef struct ExOpt {
	const AudioDir *audio;     /* the audio folder, NULL: none */
	const char *audiourl;   /* URL prefix of audio files in the page */
	const char *elbow;      /* elbow(1) output file, NULL: none */
	const char *metric;     /* neighbour metric, NULL: cosine or the first stored */
	const char *model, *dataset; /* the taggrams (musicnn, msd) */
	const char *features;   /* comma-separated column names, NULL: default */
	size_t max;             /* songs in the document at most (a sample), 0: all */
	int quiet;              /* no messages (the server) */
	int api;                /* the page is served with the JSON API (api.h) */
} ExOpt;

/* 1 when a column name of a stored model output is a tag: not embeddingN,
 * danceability or mood_* (dbload(1) embeddings).  Cannot fail. */
int exdata_is_tag(const char *name);
/* The sample's order of song id: FNV-1a 64 of its bytes (offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3), unsigned.  Cannot fail. */
unsigned long long exdata_sample_key(const char *id);
/* Write the document to fp.  0, or -1 after a message (unless quiet). */
int exdata_write(sqlite3 *h, FILE *fp, const ExOpt *o);

#endif
