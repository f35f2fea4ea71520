/* dtable.c — double-precision model tables in songvec TSV syntax (see dtable.h). */
#include "core/dtable.h"
#include "core/fpconv.h"
#include "core/key.h"
#include "core/util.h"
#include "core/vreader.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* what dtable_load keeps while it reads */
typedef struct Loading {
	DTable *t;
	FILE *fp;
	char *line;
	size_t cap, rowcap;
	unsigned long lineno;
	int havedim;
	long rows;           /* rows= of the header, -1 absent */
	KeySet *seen;        /* row keys, tagged with their line */
} Loading;

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

/* "#songvec dim=N model=X rows=R"; 0, or -1 after a message */
static int
meta(Loading *l, const char *s)
{
	DTable *t = l->t;
	const char *p;
	char *end;
	unsigned long v;
	size_t len;

	for (p = s; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "dim=", 4) || !strncmp(p, "rows=", 5)) {
			len = p[0] == 'd' ? 4 : 5;
			errno = 0;
			v = isdigit((unsigned char)p[len]) ? strtoul(p + len, &end, 10) : 0;
			if (!v || errno || v > (len == 4 ? VS_MAXCOLS : DT_MAXROWS))
				return dtable_error(t->name, l->lineno, "bad %.*s in header", (int)len - 1, p);
			if (len == 4 && l->havedim && v != t->d)
				return dtable_error(t->name, l->lineno, "second header with another dim");
			if (len == 4)
				t->d = v, l->havedim = 1;
			else
				l->rows = (long)v;
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

/* "#key<TAB>name..." (before any row); 0, or -1 after a message */
static int
colnames(Loading *l, char *s)
{
	DTable *t = l->t;
	size_t nf = nfields(s), i;
	const char *why;
	char *p, *tab;

	if (!l->havedim)
		return dtable_error(t->name, l->lineno, "missing '#songvec dim=N' header");
	if (t->cols || t->n)
		return dtable_error(t->name, l->lineno, "column names repeated or after the rows");
	if (nf != t->d)
		return dtable_error(t->name, l->lineno, "%zu column names for dimension %zu", nf, t->d);
	t->cols = ecalloc(nf, sizeof *t->cols);
	for (i = 0, p = s; i < nf; i++, p = tab + 1) {
		if ((tab = strchr(p, '\t')))
			*tab = 0;
		t->cols[i] = estrdup(p);
		if ((why = key_name_problem(p, strlen(p))))
			return dtable_error(t->name, l->lineno, "column %zu: %s", i + 1, why);
	}
	return 0;
}

/* the values of a row: each field whole a number (fpconv_parse_d); 0, or -1 after
 * a message */
static int
values(Loading *l, char *p, double *v)
{
	DTable *t = l->t;
	char *fe, buf[200];
	const char *end;
	size_t i;
	int ov;

	for (i = 0; i < t->d; i++, p = fe + 1) {
		fe = p + strcspn(p, "\t");
		if (!(end = fpconv_parse_d(p, fe, &v[i], &ov)) || end != fe || ov)
			return dtable_error(t->name, l->lineno, "field %zu: not a number: '%s'", i + 2,
			    key_show(buf, sizeof buf, p, (size_t)(fe - p)));
	}
	return 0;
}

/* one row "key<TAB>v1...": 0, or -1 after a message */
static int
row(Loading *l, char *line)
{
	DTable *t = l->t;
	char *tab = strchr(line, '\t'), buf[200];
	const char *why;
	unsigned long first;
	size_t nf;

	if (!l->havedim)
		return dtable_error(t->name, l->lineno, "missing '#songvec dim=N' header");
	if (!tab)
		return dtable_error(t->name, l->lineno, "no values after the key");
	*tab = 0;
	if ((why = key_problem(line, strlen(line))))
		return dtable_error(t->name, l->lineno, "%s: '%s'", why,
		    key_show(buf, sizeof buf, line, strlen(line)));
	if ((nf = nfields(tab + 1)) != t->d)
		return dtable_error(t->name, l->lineno, "%zu values, expected %zu", nf, t->d);
	if (t->n >= DT_MAXROWS)
		return dtable_error(t->name, l->lineno, "too many rows");
	if ((first = keyset_add(l->seen, line, l->lineno)))
		return dtable_error(t->name, l->lineno, "row '%s' repeated (first at line %lu)",
		    key_show(buf, sizeof buf, line, strlen(line)), first);
	if (t->n == l->rowcap) {
		l->rowcap = l->rowcap ? 2 * l->rowcap : 16;
		t->keys = ereallocarray(t->keys, l->rowcap, sizeof *t->keys);
		t->v = ereallocarray(t->v, l->rowcap, t->d * sizeof(double));
	}
	if (values(l, tab + 1, t->v + t->n * t->d))
		return -1;
	t->keys[t->n++] = estrdup(line);
	return 0;
}

/* why a line read by getline (len bytes, newline included) is not a line of a
 * table, or NULL */
static const char *
line_problem(const char *line, size_t len)
{
	if (len != strlen(line))
		return "NUL byte in a text file";
	if (memchr(line, '\r', len))
		return "carriage return in a line (the file was converted to CRLF or CR line ends)";
	if (line[len - 1] != '\n')
		return "truncated line (no newline at the end)";
	return NULL;
}

/* the next line, without its newline: 1, 0 at the end, -1 after a message */
static int
next_line(Loading *l)
{
	ssize_t len = getline(&l->line, &l->cap, l->fp);

	if (len < 0) {
		if (ferror(l->fp))
			return dtable_error(l->t->name, 0, "read error: %s", strerror(errno));
		return 0;
	}
	l->lineno++;
	if (line_problem(l->line, (size_t)len))
		return dtable_error(l->t->name, l->lineno, "%s", line_problem(l->line, (size_t)len));
	l->line[len - 1] = 0;
	return 1;
}

/* every line of the file into l->t; 0, or -1 after a message */
static int
read_lines(Loading *l)
{
	DTable *t = l->t;
	char *s;
	int e;

	while ((e = next_line(l)) > 0) {
		s = l->line;
		if (s[0] != '#')
			e = row(l, s);
		else if (!strncmp(s, "#songvec", 8))
			e = meta(l, s + 8);
		else if (!strncmp(s, "#key\t", 5))
			e = colnames(l, s + 5);
		else
			e = 0; /* a comment */
		if (e)
			return -1;
	}
	if (e < 0)
		return -1;
	if (!l->havedim)
		return dtable_error(t->name, 0, "empty file (no '#songvec dim=N' header)");
	if (l->rows >= 0 && (size_t)l->rows != t->n)
		return dtable_error(t->name, 0, "truncated or damaged: %zu rows, the header says %ld",
		    t->n, l->rows);
	return 0;
}

int
dtable_load(const char *path, DTable *t)
{
	Loading l = { .t = t, .rows = -1 };
	int rc;

	memset(t, 0, sizeof *t);
	if (!(l.fp = fopen(path, "r"))) {
		weprintf("%s:", path);
		return -1;
	}
	t->name = estrdup(path);
	l.seen = new_keyset();
	rc = read_lines(&l);
	free(l.line);
	fclose(l.fp);
	del_keyset(l.seen);
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

int
dtable_match_cols(const char *model, char *const *mcols, const char *input,
    char *const *icols, size_t d)
{
	size_t j;

	if (!mcols || !icols)
		return 0;
	for (j = 0; j < d; j++)
		if (strcmp(mcols[j], icols[j])) {
			weprintf("%s: column %zu is '%s', but '%s' in the model %s: not the layout "
			    "the model was fitted on", input, j + 1, icols[j], mcols[j], model);
			return -1;
		}
	return 0;
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
dtable_put_header(FILE *fp, size_t d, const char *model, char *const *cols, size_t rows)
{
	size_t i;

	fprintf(fp, "#songvec dim=%zu model=%s rows=%zu\n", d, model, rows);
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
