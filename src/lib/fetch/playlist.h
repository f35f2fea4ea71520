/* playlist.h — read song lists: TSV, playlist CSV exports, plain URLs.
 *
 * Formats (detected from the first non-empty line):
 *   URL list   lines starting with http:// or https://, optionally "URL<TAB>song_id";
 *              the id is derived from the URL when absent (YouTube v= parameter, or
 *              the last path component without its extension).
 *   TSV        song_id<TAB>song name<TAB>artist[<TAB>artist_id]; '#' lines are comments.
 *   CSV        RFC 4180 (quoted fields, "" escapes, embedded newlines) with a header
 *              row naming the columns (e.g. the Spotify exports' "Track URI",
 *              "Track Name", "Artist Name(s)", "Artist URI(s)"); see ytfetch(1).
 * Song ids follow key_id_problem() (core/key.h): usable as file names, record keys
 * and database ids.  A missing artist_id is the artist name. */
#ifndef SV_PLAYLIST_H
#define SV_PLAYLIST_H
#include <stdio.h>

typedef struct Song {
	char *id;
	char *name;      /* "" when unknown */
	char *artist;    /* "" when unknown */
	char *artist_id; /* "" when unknown */
	char *url;       /* NULL unless the entry is a URL */
	unsigned long line; /* line where the entry starts */
} Song;

typedef struct Playlist Playlist;

Playlist *new_playlist(FILE *fp, const char *name);
/* 1: an entry in *s (valid until the next call); 0: end; -1: bad entry, message in
 * playlist_error() ("FILE:LINE: ..."), reading may go on; -2: read error (message
 * in playlist_error()), stop. */
int playlist_next(Playlist *p, Song *s);
const char *playlist_error(const Playlist *p);
/* "tsv", "csv" or "url" once the first entry was read */
const char *playlist_format(const Playlist *p);
void del_playlist(Playlist *p);

#endif
