/* subs.c — subtitles and captions to plain text (see subs.h). */
#include "fetch/subs.h"
#include "fetch/spawn.h"
#include "core/util.h"
#include "text/lyrics.h"
#include "text/textline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *
join(const char *dir, const char *name)
{
	char *p = emalloc(strlen(dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", dir, name);
	return p;
}

char *
subs_path(const SubsOpts *o, const char *id)
{
	char *name = emalloc(strlen(id) + 5), *p;

	sprintf(name, "%s.txt", id);
	p = join(o->dir, name);
	free(name);
	return p;
}

/* remove the temporary directory and what yt-dlp left in it */
static void
clear(const char *tmp)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	char *p;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			unlink(p = join(tmp, e->d_name));
			free(p);
		}
	if (d)
		closedir(d);
	rmdir(tmp);
}

/* the .vtt yt-dlp wrote in tmp (malloc'd), or NULL */
static char *
find_vtt(const char *tmp)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	char *found = NULL;
	size_t n;

	while (d && !found && (e = readdir(d)))
		if ((n = strlen(e->d_name)) > 4 && !strcmp(e->d_name + n - 4, ".vtt"))
			found = join(tmp, e->d_name);
	if (d)
		closedir(d);
	return found;
}

/* yt-dlp's "ERROR: ..." line (malloc'd) or a status */
static char *
failure(const SpawnResult *r)
{
	const char *e = strstr(r->err, "ERROR: ");
	char *m;
	size_t n;

	if (!e) {
		m = emalloc(48);
		snprintf(m, 48, "yt-dlp exited with status %d", r->status);
		return m;
	}
	e += 7;
	n = strcspn(e, "\r\n");
	n = n > 300 ? 300 : n;
	m = emalloc(n + 1);
	memcpy(m, e, n);
	m[n] = 0;
	return m;
}

/* the caption text of vtt, normalised; *msg on failure (not UTF-8) */
static int
convert(const char *vtt, Lyrics *l, char **msg)
{
	FILE *fp = fopen(vtt, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	const char *why;
	int rc = 0;

	if (!fp) {
		*msg = estrdup(strerror(errno));
		return -1;
	}
	while (!rc && (n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (*(why = textline_problem(line, (size_t)n))) {
			*msg = emalloc(strlen(why) + 32);
			sprintf(*msg, "subtitles line %lu: %s", lineno, why);
			rc = -1;
		} else {
			lyrics_line(l, line, (size_t)n);
		}
	}
	free(line);
	fclose(fp);
	return rc;
}

/* text into tmp/out.txt, synced, renamed to the song's file */
static int
publish(const SubsOpts *o, const char *tmp, const char *id, const char *text, size_t len,
    char **msg)
{
	char *part = join(tmp, "out.txt"), *path = subs_path(o, id);
	FILE *fp = fopen(part, "w");
	int rc = -1;

	if (fp && fwrite(text, 1, len, fp) == len && putc('\n', fp) != EOF && !fflush(fp) &&
	    !fsync(fileno(fp)) && !fclose(fp)) {
		fp = NULL;
		if (!rename(part, path))
			rc = 0;
	}
	if (rc)
		*msg = emalloc(strlen(path) + 64), sprintf(*msg, "%s: %s", path, strerror(errno));
	if (fp)
		fclose(fp);
	free(part);
	free(path);
	return rc;
}

int
subs_fetch(const SubsOpts *o, const char *target, const char *id, char **msg)
{
	char *tmp = join(o->dir, ".ytfetch-subs.XXXXXX"), *vtt = NULL;
	char *argv[] = { (char *)o->ytdlp, "--ignore-config", "--no-update", "--no-playlist",
		"--no-cache-dir", "--no-progress", "--socket-timeout", "30", "--skip-download",
		"--write-subs", "--write-auto-subs", "--sub-format", "vtt", "-P", tmp,
		"-o", "subs.%(ext)s", "--", (char *)target, NULL };
	Lyrics *l = new_lyrics(LYRICS_CAPTIONS);
	SpawnResult r = { 0 };
	const char *text = "";
	size_t len = 0;
	int rc = -1;

	*msg = NULL;
	if (!mkdtemp(tmp)) {
		*msg = emalloc(strlen(tmp) + 64), sprintf(*msg, "%s: %s", tmp, strerror(errno));
		free(tmp);
		del_lyrics(l);
		return -1;
	}
	if (spawn_run(argv, o->timeout, &r))
		*msg = emalloc(64), snprintf(*msg, 64, "cannot run yt-dlp: %s", strerror(errno));
	else if (r.timedout)
		*msg = estrdup("yt-dlp timed out");
	else if (r.status)
		*msg = failure(&r);
	else if (!(vtt = find_vtt(tmp)))
		*msg = estrdup("no subtitles or captions"), rc = 1;
	else if (!convert(vtt, l, msg) && !*(text = lyrics_text(l, &len)))
		*msg = estrdup("subtitles without text"), rc = 1;
	else if (!*msg)
		rc = publish(o, tmp, id, text, len, msg);
	del_spawn(&r);
	clear(tmp);
	free(tmp);
	free(vtt);
	del_lyrics(l);
	return rc;
}
