/* key.h — record keys, column names and song ids (songvec(5)): the one place
 * their rules live.  Every reader and writer of a stream, the playlist parser and
 * the database loaders call these; nothing else decides what a key may hold.
 *
 * A song's key names it in every stream and in the database; a segment of a song is
 * "<song>#<n>" (n from 0), a VGGish example within a segment "<song>#<n>.<m>".
 *
 * The alphabet, and why:
 *   record key   1..VS_MAXKEY bytes; no NUL, tab, LF or CR (TSV separators and line
 *                ends); does not start with '#' (a TSV line starting with '#' is a
 *                header or a comment, so such a record would vanish in TSV).
 *   column name  1..VS_MAXKEY bytes; no NUL, tab, LF or CR.
 *   song id      a record key that is also a file name and a database id:
 *                at most KEY_MAXID bytes, valid UTF-8, no control character, no '/',
 *                not starting with '.' (ytfetch writes DIR/<id>.<format>). */
#ifndef SV_KEY_H
#define SV_KEY_H
#include <stddef.h>

#define KEY_MAXID 200   /* bytes in a song id */
#define KEY_SUFFIX 24   /* room a song key keeps for "#<n>.<m>" within VS_MAXKEY */

/* NULL when key[0 .. len) is a valid record key, else the reason (a constant
 * string).  This function can't fail. */
const char *key_problem(const char *key, size_t len);
/* The same for a column name. */
const char *key_name_problem(const char *name, size_t len);
/* The same for the song key of an audio file, which must leave room for the
 * segment suffix (KEY_SUFFIX bytes). */
const char *key_song_problem(const char *key);
/* The same for a song id (playlists, ytfetch's file names, the database). */
const char *key_id_problem(const char *id);
/* 1 when s[0 .. n) is valid UTF-8 (no overlong forms, no surrogates), else 0. */
int key_utf8_valid(const char *s, size_t n);

/* s[0 .. len) for a message, in out (outsz >= 16): at most 40 bytes, then "...";
 * control bytes and '\\' as \xNN, so that a message never runs past the text it
 * names or moves the terminal's cursor.  Returns out; this function can't fail. */
const char *key_show(char *out, size_t outsz, const char *s, size_t len);

/* Length of the song part of a record key: up to its last '#', or the whole key.
 * This function can't fail. */
size_t key_song_len(const char *key);
/* 1 when keys a and b belong to the same song (key_song_len of each). */
int key_same_song(const char *a, const char *b);
/* The song key of an audio file path (malloc'd): the file name without directory
 * and last extension; "stdin" for "-".  Exits only when memory runs out. */
char *key_from_path(const char *path);

/* A set of keys, to find duplicates (a song loaded twice, two files with one key).
 * keyset_add: 0 when key is new (it is copied in), else the `tag` it was added
 * with first (tags are non-zero, e.g. a line or record number).  Exits only when
 * memory runs out. */
typedef struct KeySet KeySet;
KeySet *new_keyset(void);
unsigned long keyset_add(KeySet *s, const char *key, unsigned long tag);
void del_keyset(KeySet *s);

#endif
