/* exdata.h — the explorer's document: everything the page shows, read from the
 * database as one JSON object (songs, 2-D maps, colourings by cluster, label and
 * tag, neighbour lists, chosen features, artist profiles, the elbow curve).
 *
 * Layout (arrays in song order, songs sorted by id; null where a song has no
 * value):
 *   {"songs": {"id", "name", "artist", "artist_id", "audio": [url|""|null]},
 *    "maps": [{"method", "x", "y"}], "colourings": [{"name", "kind", "values",
 *    "classes", "score", "score_name"}], "tags": {"model", "dataset", "names",
 *    "values": [[0..1000 per tag]|null]} | null, "neighbors": {"metric",
 *    "lists": [[[index or id, similarity], ...]|null]} | null,
 *    "features": {"names", "values"}, "artists": [{"id", "name", "profile"}],
 *    "elbow": [[k, inertia], ...] | null}
 * An audio entry is "" when the folder was given but holds no file of the song. */
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
	int quiet;              /* no messages (the server) */
} ExOpt;

/* 1 when a column name of a stored model output is a tag: not embeddingN,
 * danceability or mood_* (dbload(1) embeddings).  Cannot fail. */
int exdata_is_tag(const char *name);
/* Write the document to fp.  0, or -1 after a message (unless quiet). */
int exdata_write(sqlite3 *h, FILE *fp, const ExOpt *o);

#endif
