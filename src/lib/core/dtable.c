/* dtable.c — double-precision model tables in songvec TSV syntax (see dtable.h). */
#include "core/dtable.h"
#include "core/util.h"
#include "core/vreader.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int dtable_error(const char *name, unsigned long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int
dtable_error(const char *name, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (line)
		fprintf(stderr, "%s: %s:%lu: ", argv0, name, line);
	else
		fprintf(stderr, "%s: %s: ", argv0, name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static size_t
nfields(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\t';
	return n;
}

/* "#songvec dim=N model=X" */
static int
meta(DTable *t, const char *s, unsigned long line, int *havedim)
{
	const char *p;
	char *end;
	unsigned long d;
	size_t len;

	for (p = s; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "dim=", 4)) {
			errno = 0;
			d = strtoul(p + 4, &end, 10);
			if (errno || end == p + 4 || d == 0 || d > VS_MAXCOLS)
				return dtable_error(t->name, line, "bad dim in header");
			if (*havedim && d != t->d)
				return dtable_error(t->name, line, "second header with another dim");
			t->d = d;
			*havedim = 1;
			p = end;
		} else if (!strncmp(p, "model=", 6)) {
			len = strcspn(p + 6, " \t");
			free(t->model);
			t->model = emalloc(len + 1);
			memcpy(t->model, p + 6, len);
			t->model[len] = 0;
			p += 6 + len;
		} else {
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
	}
	return 0;
}

int
dtable_load(const char *path, DTable *t)
{
	FILE *fp;
	char *line = NULL, *p, *tab, *end;
	size_t cap = 0, nf, i, rowcap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int havedim = 0, rc = -1;

	memset(t, 0, sizeof *t);
	t->name = estrdup(path);
	if (!(fp = fopen(path, "r"))) {
		weprintf("%s:", path);
		free(t->name);
		t->name = NULL;
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n') {
			line[--len] = 0;
		} else {
			dtable_error(path, lineno, "truncated line (no newline at the end)");
			goto out;
		}
		if ((size_t)len != strlen(line)) {
			dtable_error(path, lineno, "NUL byte in a text file");
			goto out;
		}
		if (line[0] == '#') {
			if (!strncmp(line, "#songvec", 8)) {
				if (meta(t, line + 8, lineno, &havedim))
					goto out;
			} else if (!strncmp(line, "#key\t", 5) && !t->cols && !t->n) {
				nf = nfields(line + 5);
				if (!havedim) {
					dtable_error(path, lineno, "missing '#songvec dim=N' header");
					goto out;
				}
				if (nf != t->d) {
					dtable_error(path, lineno, "%zu column names for dimension %zu", nf, t->d);
					goto out;
				}
				t->cols = ecalloc(nf, sizeof *t->cols);
				for (i = 0, p = line + 5; i < nf; i++, p = tab + 1) {
					if ((tab = strchr(p, '\t')))
						*tab = 0;
					t->cols[i] = estrdup(p);
				}
			}
			continue;
		}
		if (!havedim) {
			dtable_error(path, lineno, "missing '#songvec dim=N' header");
			goto out;
		}
		if (!(tab = strchr(line, '\t'))) {
			dtable_error(path, lineno, "no values after the key");
			goto out;
		}
		*tab = 0;
		nf = nfields(tab + 1);
		if (nf != t->d) {
			dtable_error(path, lineno, "%zu values, expected %zu", nf, t->d);
			goto out;
		}
		if (t->n >= DT_MAXROWS) {
			dtable_error(path, lineno, "too many rows");
			goto out;
		}
		if (t->n == rowcap) {
			rowcap = rowcap ? 2 * rowcap : 16;
			t->keys = ereallocarray(t->keys, rowcap, sizeof *t->keys);
			t->v = ereallocarray(t->v, rowcap, t->d * sizeof(double));
		}
		t->keys[t->n] = estrdup(line);
		for (i = 0, p = tab + 1; i < nf; i++, p = end + 1) {
			errno = 0;
			t->v[t->n * t->d + i] = strtod(p, &end);
			if (end == p || (*end && *end != '\t')) {
				if ((tab = strchr(p, '\t')))
					*tab = 0;
				t->n++;
				dtable_error(path, lineno, "field %zu: not a number: '%s'", i + 2, p);
				goto out;
			}
		}
		t->n++;
	}
	if (ferror(fp)) {
		dtable_error(path, 0, "read error: %s", strerror(errno));
		goto out;
	}
	if (!havedim) {
		dtable_error(path, 0, "empty file (no '#songvec dim=N' header)");
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(fp);
	if (rc)
		del_dtable(t);
	return rc;
}

long
dtable_find(const DTable *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->keys[i], key))
			return (long)i;
	return -1;
}

const double *
dtable_row(const DTable *t, const char *key)
{
	long i = dtable_find(t, key);

	return i < 0 ? NULL : t->v + (size_t)i * t->d;
}

void
del_dtable(DTable *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->keys[i]);
	if (t->cols)
		for (i = 0; i < t->d; i++)
			free(t->cols[i]);
	free(t->cols);
	free(t->keys);
	free(t->v);
	free(t->model);
	free(t->name);
	memset(t, 0, sizeof *t);
}

void
dtable_put_header(FILE *fp, size_t d, const char *model, char *const *cols)
{
	size_t i;

	fprintf(fp, "#songvec dim=%zu model=%s\n", d, model);
	if (cols) {
		fputs("#key", fp);
		for (i = 0; i < d; i++)
			fprintf(fp, "\t%s", cols[i]);
		fputc('\n', fp);
	}
}

void
dtable_put_row(FILE *fp, const char *key, const double *v, size_t n)
{
	size_t i;

	fputs(key, fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "\t%.17g", v[i]);
	fputc('\n', fp);
}
