/* audiodir.c — the explorer's audio folder (see audiodir.h). */
#include "web/audiodir.h"
#include "core/json.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct AudioDir {
	char *real;  /* realpath of the folder */
	size_t len;
};

static const char *const EXTENSIONS[] = { "", ".wav", ".flac", ".ogg", ".mp3", ".opus", ".m4a" };

AudioDir *
new_audiodir(const char *dir)
{
	struct stat st;
	AudioDir *a;
	char *r;

	if (!(r = realpath(dir, NULL)) || stat(r, &st) || !S_ISDIR(st.st_mode)) {
		weprintf("%s: %s", dir, r ? "not a folder" : strerror(errno));
		free(r);
		return NULL;
	}
	a = emalloc(sizeof *a);
	a->real = r;
	a->len = strlen(r);
	return a;
}

void
del_audiodir(AudioDir *a)
{
	if (!a)
		return;
	free(a->real);
	free(a);
}

/* 1 when name is one acceptable path component */
static int
good_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= AUDIO_NAME_MAX && name[0] != '.' && !strchr(name, '/');
}

int
audiodir_open(const AudioDir *a, const char *name, struct stat *st)
{
	char path[PATH_MAX], *r;
	int fd;

	if (!good_name(name))
		return -2;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", a->real, name) >= sizeof path)
		return -2;
	if (!(r = realpath(path, NULL)))
		return -1;
	if (strncmp(r, a->real, a->len) || r[a->len] != '/') {
		free(r);
		return -2;
	}
	fd = open(r, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(r);
	if (fd < 0)
		return errno == ENOENT ? -1 : -2;
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		return -2;
	}
	return fd;
}

int
audiodir_find(const AudioDir *a, const char *id, char *out)
{
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < sizeof EXTENSIONS / sizeof *EXTENSIONS; i++) {
		if ((size_t)snprintf(out, AUDIO_NAME_MAX + 1, "%s%s", id, EXTENSIONS[i]) > AUDIO_NAME_MAX)
			continue;
		if ((fd = audiodir_open(a, out, &st)) >= 0) {
			close(fd);
			return 1;
		}
	}
	*out = 0;
	return 0;
}

void
audiodir_json_url(FILE *fp, const char *prefix, const char *name)
{
	static const char HEX[] = "0123456789ABCDEF";
	char buf[3 * (AUDIO_NAME_MAX + 1) + PATH_MAX], *p = buf;
	const unsigned char *s;
	const char *parts[2] = { prefix, name };
	int k;

	for (k = 0; k < 2; k++)
		for (s = (const unsigned char *)parts[k]; *s && p < buf + sizeof buf - 4; s++) {
			if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || strchr("-._~/", *s)) {
				*p++ = (char)*s;
			} else {
				*p++ = '%';
				*p++ = HEX[*s >> 4];
				*p++ = HEX[*s & 15];
			}
		}
	*p = 0;
	json_string(fp, buf);
}
