/* api.h — the explorer's JSON API (seed 004's endpoints), answered from a read-only
 * connection with bound parameters only:
 *
 *   /api                                   the endpoints
 *   /songs[?q=TEXT][&limit=N]              songs (id, name, artist), q: a substring,
 *                                          the first N by id
 *   /song?id=ID                            one song: clusters, labels, audio
 *   /projections?method=M&dims=D           a stored map (also /embeddings?red=&
 *                                          dataset=&metodo=&dimensiones=)
 *   /taggrams?red=MODEL&dataset=DS[&id=ID] tag names and taggrams
 *   /clusters?algorithm=A                  song_clusters of one algorithm
 *   /neighbors?id=ID[&metric=M]            a song's stored neighbours
 *   /audios                                songs whose audio file is in the folder
 *
 * A parameter that is unknown, repeated, malformed or names nothing stored gives
 * 400; a song that is not there, or data that is not stored yet, 404; both with
 * {"error": message, "status": code}. */
#ifndef SV_API_H
#define SV_API_H
#include <sqlite3.h>
#include <stdio.h>

#include "web/audiodir.h"

#define API_MAXARGS 8

typedef struct ApiArg {
	const char *key, *val;
} ApiArg;

typedef struct ApiReq {
	const char *path;
	ApiArg arg[API_MAXARGS];
	int narg;
	int toomany;         /* more than API_MAXARGS arguments came */
	const AudioDir *audio;  /* NULL: no audio folder */
} ApiReq;

/* Answer r from h into fp (JSON), a file open for update (tmpfile(3)) and empty:
 * the rows are streamed to it, and an error answer replaces what was written.
 * Returns the HTTP status (200, 400, 404, 500; 500 with fp unusable when it
 * cannot be truncated). */
int api_do(sqlite3 *h, const ApiReq *r, FILE *fp);
/* Write {"error": msg, "status": status} to fp; returns status.  Cannot fail. */
int api_error(FILE *fp, int status, const char *msg);

#endif
