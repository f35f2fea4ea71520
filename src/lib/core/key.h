/* key.h — record keys (songvec(5)): the one place their rules live.
 *
 * A song's key names it in every stream and in the database; a segment of a song is
 * "<song>#<n>" (n from 0), a VGGish example within a segment "<song>#<n>.<m>". */
#ifndef SV_KEY_H
#define SV_KEY_H
#include <stddef.h>

/* Length of the song part of a record key: up to its last '#', or the whole key.
 * This function can't fail. */
size_t key_song_len(const char *key);
/* 1 when keys a and b belong to the same song (key_song_len of each). */
int key_same_song(const char *a, const char *b);
/* The song key of an audio file path (malloc'd): the file name without directory
 * and last extension; "stdin" for "-".  Exits only when memory runs out. */
char *key_from_path(const char *path);

#endif
