/* dataset.c — genre folders to a labelled dataset (see dataset.h). */
#include "data/dataset.h"
#include "audio/audio.h"
#include "core/progress.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Names {
	size_t n, cap;
	char **v;
} Names;

static void
names_add(Names *s, const char *v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = ereallocarray(s->v, s->cap, sizeof *s->v);
	}
	s->v[s->n++] = estrdup(v);
}

static void
names_free(Names *s)
{
	while (s->n)
		free(s->v[--s->n]);
	free(s->v);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = emalloc(la + lb + 2);

	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

/* the sorted entries of a folder, hidden ones left out; -1 after a message */
static int
list_dir(const char *path, Names *out)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		weprintf("%s:", path);
		return -1;
	}
	while ((errno = 0, e = readdir(d)))
		if (e->d_name[0] != '.')
			names_add(out, e->d_name);
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, by_name);
	return 0;
}

/* 1 when a name can be part of a key and a labels table row */
static int
usable_name(const char *s)
{
	return !strpbrk(s, "\t\n\r");
}

/* every file below dir (relative name rel), depth first in name order */
static void
walk(const char *root, const char *rel, Names *files, Names *skip, Names *why)
{
	char *abs = join(root, rel), *sub;
	Names ents = { 0 };
	struct stat st;
	size_t i;

	if (list_dir(abs, &ents) == 0)
		for (i = 0; i < ents.n; i++) {
			sub = join(rel, ents.v[i]);
			free(abs);
			abs = join(root, sub);
			if (!usable_name(ents.v[i])) {
				names_add(skip, sub);
				names_add(why, "the name holds a tab or newline (not usable as a key)");
			} else if (stat(abs, &st) < 0) {
				names_add(skip, sub);
				names_add(why, strerror(errno));
			} else if (S_ISDIR(st.st_mode)) {
				walk(root, sub, files, skip, why);
			} else if (S_ISREG(st.st_mode)) {
				names_add(files, sub);
			} else {
				names_add(skip, sub);
				names_add(why, "not a regular file");
			}
			free(sub);
		}
	names_free(&ents);
	free(abs);
}

/* decode to the end; frames read at the file's own rate, or -1 */
static long long
count_frames(AudioIn *a)
{
	float *buf = ereallocarray(NULL, 16384, sizeof *buf);
	long long n = 0;
	long k;

	while ((k = audio_read(a, buf, 16384)) > 0)
		n += k;
	free(buf);
	return k < 0 ? -1 : n;
}

/* the last message audio.h printed into the capture file fp, without the
 * "prog: PATH: " it starts with, into why */
static void
captured_reason(FILE *fp, const char *path, char *why, size_t whysz)
{
	char buf[2048], *s = buf, *e;
	size_t n, pre = strlen(argv0) + 2;

	rewind(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if ((e = strrchr(buf, '\n')))
		s = e + 1;
	if (!strncmp(s, argv0, pre - 2) && !strncmp(s + pre - 2, ": ", 2))
		s += pre;
	if (!strncmp(s, path, strlen(path)) && !strncmp(s + strlen(path), ": ", 2))
		s += strlen(path) + 2;
	snprintf(why, whysz, "%.*s", (int)(whysz - 1), *s ? s : "cannot be decoded");
}

/* Check one file: 0 with its duration, or -1 with the decoder's reason.  The
 * decoder reports on stderr; its words are caught in a temporary file (which is
 * why files are checked one at a time). */
static int
check_file(const char *path, int decode_all, double *duration, char *why, size_t whysz)
{
	FILE *cap = tmpfile();
	int saved = -1, rc = -1;
	long long frames = -1;
	AudioIn *a;

	fflush(stderr);
	if (cap && (saved = dup(2)) >= 0)
		dup2(fileno(cap), 2);
	if ((a = new_audio(path, 0, AQ_DEFAULT))) {
		frames = audio_frames(a);
		if (decode_all || frames < 0)
			frames = count_frames(a);
		if (frames >= 0) {
			*duration = (double)frames / audio_inrate(a);
			rc = 0;
		}
		del_audio(a);
	}
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (rc < 0 && cap)
		captured_reason(cap, path, why, whysz);
	else if (rc < 0)
		snprintf(why, whysz, "cannot be decoded");
	if (cap)
		fclose(cap);
	return rc;
}

/* the genre folders of root, sorted; files at the top level go to skip */
static int
genre_dirs(const char *root, Names *genres, Names *skip, Names *why)
{
	Names ents = { 0 };
	struct stat st;
	char *abs;
	size_t i;

	if (list_dir(root, &ents) < 0)
		return -1;
	for (i = 0; i < ents.n; i++) {
		abs = join(root, ents.v[i]);
		if (stat(abs, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!usable_name(ents.v[i]) || ents.v[i][0] == '#')
				weprintf("%s: genre folder left out: its name starts with '#' or "
				    "holds a tab or newline", abs);
			else
				names_add(genres, ents.v[i]);
		} else {
			names_add(skip, ents.v[i]);
			names_add(why, "not in a genre folder");
		}
		free(abs);
	}
	names_free(&ents);
	return 0;
}

/* check every file of one genre; the good ones become songs with label g */
static void
check_genre(Dataset *ds, const Names *files, size_t g, int decode_all, Progress *p,
    unsigned long *done, Names *skip, Names *why)
{
	char reason[1024], *abs;
	double dur;
	size_t i;

	for (i = 0; i < files->n; i++) {
		abs = join(ds->root, files->v[i]);
		if (check_file(abs, decode_all, &dur, reason, sizeof reason) == 0) {
			ds->songs = ereallocarray(ds->songs, ds->n + 1, sizeof *ds->songs);
			ds->songs[ds->n].path = estrdup(files->v[i]);
			ds->songs[ds->n].genre = g;
			ds->songs[ds->n++].duration = dur;
		} else {
			names_add(skip, files->v[i]);
			names_add(why, reason);
		}
		free(abs);
		progress_do(p, ++*done);
	}
}

int
dataset_scan(const char *root, int decode_all, Dataset *ds)
{
	Names genres = { 0 }, skip = { 0 }, why = { 0 }, *files;
	unsigned long total = 0, done = 0;
	Progress *p;
	size_t g, n0;

	memset(ds, 0, sizeof *ds);
	ds->root = estrdup(root);
	if (genre_dirs(root, &genres, &skip, &why) < 0)
		goto fail;
	if (genres.n == 0) {
		weprintf("%s: no genre sub-folders (expected %s/GENRE/FILE)", root, root);
		goto fail;
	}
	files = ecalloc(genres.n, sizeof *files);
	for (g = 0; g < genres.n; g++) {
		walk(root, genres.v[g], &files[g], &skip, &why);
		total += files[g].n;
	}
	p = new_progress("files", total);
	ds->genres = ecalloc(genres.n, sizeof *ds->genres);
	for (g = 0; g < genres.n; g++) {
		n0 = ds->n;
		check_genre(ds, &files[g], ds->ngenres, decode_all, p, &done, &skip, &why);
		if (ds->n > n0)
			ds->genres[ds->ngenres++] = estrdup(genres.v[g]);
		else
			weprintf("%s/%s: no decodable audio file: genre left out", root, genres.v[g]);
		names_free(&files[g]);
	}
	del_progress(p);
	free(files);
	ds->nskip = skip.n, ds->skip_path = skip.v;
	ds->skip_why = why.v;
	names_free(&genres);
	if (ds->n == 0) {
		weprintf("%s: no decodable audio file in any genre folder", root);
		del_dataset(ds);
		return -1;
	}
	return 0;
fail:
	names_free(&genres), names_free(&skip), names_free(&why);
	del_dataset(ds);
	return -1;
}

void
del_dataset(Dataset *ds)
{
	size_t i;

	for (i = 0; i < ds->ngenres; i++)
		free(ds->genres[i]);
	for (i = 0; i < ds->n; i++)
		free(ds->songs[i].path);
	for (i = 0; i < ds->nskip; i++)
		free(ds->skip_path[i]), free(ds->skip_why[i]);
	free(ds->genres), free(ds->songs), free(ds->skip_path), free(ds->skip_why);
	free(ds->root);
	memset(ds, 0, sizeof *ds);
}
