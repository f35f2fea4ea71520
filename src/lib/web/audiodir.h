/* audiodir.h — the audio folder the explorer may serve: finding a song's file and
 * opening a requested name without ever leaving the folder.
 *
 * A name is one path component (no '/', not starting with '.', at most 255 bytes);
 * it is resolved with realpath(3) and must lie inside the folder's own real path,
 * so neither ".." nor a symbolic link can lead outside; only regular files open. */
#ifndef SV_AUDIODIR_H
#define SV_AUDIODIR_H
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#define AUDIO_NAME_MAX 255

typedef struct AudioDir AudioDir;

/* The folder dir; NULL after a message when it is not a readable folder. */
AudioDir *new_audiodir(const char *dir);
void del_audiodir(AudioDir *a);
/* Open the file name of the folder: a descriptor (st filled), or -1 when there is
 * no such file, -2 when the name is refused (bad name, outside the folder, not a
 * regular file).  No message. */
int audiodir_open(const AudioDir *a, const char *name, struct stat *st);
/* The file of song id: its name copied to out (AUDIO_NAME_MAX + 1 bytes) and 1, or
 * 0 when none of id, id.wav, id.flac, id.ogg, id.mp3, id.opus, id.m4a is there.
 * Cannot fail. */
int audiodir_find(const AudioDir *a, const char *id, char *out);
/* Write prefix and name as a JSON string, name percent-encoded (a URL path).
 * Cannot fail. */
void audiodir_json_url(FILE *fp, const char *prefix, const char *name);

#endif
