/* lyrics.h — the lyrics table (DESIGN §8: song_id, source, text; the schema string
 * is in db.c): dbload(1)'s `lyrics` loader and `text` writer.  The text stored is
 * normalised (text/lyrics.h); source is the file it came from. */
#ifndef SV_LYRICS_STORE_H
#define SV_LYRICS_STORE_H
#include <stdio.h>

#include "store/db.h"
#include "store/load.h"

#define LYRICS_MAXBYTES (1u << 20) /* a song's lyrics file: more is not lyrics */

/* Load lyrics: path is a directory (every *.txt file in it, the song id its name
 * without .txt, in name order), a file named *.txt (one song), or any other file
 * of text lines (key<TAB>text, textline.h; "-" = stdin).  Songs whose text normalises to nothing
 * are not stored (their number is reported).  0, or 1 after saying what went wrong
 * and what stays committed (as load.h). */
int load_lyrics(Db *db, const char *path, LoadOpt *o);
/* Every song of the songs table, in `dbload export` order, as a text line with its
 * lyrics (a bare key without).  0, or -1 after a message. */
int lyrics_export(Db *db, FILE *out, const char *outname);

#endif
