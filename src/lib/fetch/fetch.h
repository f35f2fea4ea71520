/* fetch.h — one song from a search or a URL to an audio file: yt-dlp downloads
 * into a private temporary directory, ffprobe checks the duration, ffmpeg converts
 * in the same directory, then an atomic rename to DIR/<song_id>.<format>. */
#ifndef SV_FETCH_H
#define SV_FETCH_H
#include <stdio.h>

#include "fetch/playlist.h"

#define FETCH_MAXQUERY 4096 /* bytes of an expanded search query (a longer one fails) */

typedef struct FetchOpts {
	const char *dir;      /* output directory */
	const char *format;   /* file extension: wav, flac, ogg, mp3, ... */
	const char *query;    /* search template: {song}, {artist}, {id} */
	const char *ytdlp, *ffmpeg, *ffprobe; /* programs */
	double maxdur;        /* seconds; longer songs are skipped */
	int rate, channels;
	int retries;          /* extra attempts after a transient error */
	double backoff;       /* seconds before the first retry, doubled each time */
	double timeout;       /* seconds per child process */
} FetchOpts;

typedef struct Fetch Fetch;

Fetch *new_fetch(const FetchOpts *o);
/* The final path of a song (valid until the next call). */
const char *fetch_path(Fetch *f, const Song *s);
/* 0: fetched into fetch_path(); -1: failed, *stage and *msg describe it
 * (valid until the next call).  File names reach ffprobe and ffmpeg as file: URLs
 * with only the file and pipe protocols allowed; the URL or query reaches yt-dlp
 * after "--". */
int fetch_do(Fetch *f, const Song *s, const char **stage, const char **msg);
void del_fetch(Fetch *f);

/* The yt-dlp target of a song: its URL, or the query with {song}, {artist} and {id}
 * replaced (malloc'd). */
char *fetch_target(const FetchOpts *o, const Song *s);

/* One JSON line {"time","song","stage","message"} appended to fp (flushed). */
int fetch_log(FILE *fp, const char *song, const char *stage, const char *msg);

#endif
