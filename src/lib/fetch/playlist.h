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
 * and database ids.  A missing artist_id is the artist name.
 *
 * Every entry is checked the same way, whatever the format: every field valid
 * UTF-8, the song id by key_id_problem(), a URL (URL lists and CSV URL columns
 * alike) http:// or https:// only unless playlist_any_url() was called, and
 * never with a space or a control character.  An entry repeating an earlier one
 * exactly is skipped; a song id repeated with other details is a bad entry. */
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
/* Accept URLs of any scheme (scheme:...), not only http(s): the user's explicit
 * choice (ytfetch -U). */
void playlist_any_url(Playlist *p);
/* 1: an entry in *s (valid until the next call); 0: end; -1: bad entry, message in
 * playlist_error() ("FILE:LINE: ..."), reading may go on; -2: read error (message
 * in playlist_error()), stop. */
int playlist_next(Playlist *p, Song *s);
const char *playlist_error(const Playlist *p);
/* "tsv", "csv" or "url" once the first entry was read */
const char *playlist_format(const Playlist *p);
void del_playlist(Playlist *p);

#endif
