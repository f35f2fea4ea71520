/* key.c — record keys (see key.h). */
#include "core/key.h"
#include "core/util.h"

#include <string.h>

size_t
key_song_len(const char *key)
{
	const char *h = strrchr(key, '#');

	return h ? (size_t)(h - key) : strlen(key);
}

int
key_same_song(const char *a, const char *b)
{
	size_t n = key_song_len(a);

	return key_song_len(b) == n && !strncmp(a, b, n);
}

char *
key_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	char *k, *dot;

	if (!strcmp(path, "-"))
		return estrdup("stdin");
	k = estrdup(b ? b + 1 : path);
	if ((dot = strrchr(k, '.')) && dot != k)
		*dot = '\0';
	return k;
}
