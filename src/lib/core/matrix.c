/* matrix.c — load a vector stream into one float32 matrix. */
#include "core/matrix.h"
#include "core/hot.h"
#include "core/hugebuf.h"
#include "core/progress.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int nonfinite_from(const Matrix *m, size_t i0);

/* the keys, NUL-separated in one arena, and the capacities */
struct MatrixBuf {
	char *keybuf;    /* key i at keybuf + keyoff[i] */
	size_t *keyoff;
	size_t cap;      /* rows allocated */
	size_t keylen, keycap;
	size_t nonfinite; /* 1 + the first row pushed with a value not finite, or 0 */
};

/* 1 when one of the d values is NaN or infinite (all exponent bits set): a
 * branch-free pass the compiler vectorises.  Cannot fail. */
HOT static int
row_nonfinite(const float *v, size_t d)
{
	uint32_t u, bad = 0;
	size_t f;

	for (f = 0; f < d; f++) {
		memcpy(&u, v + f, sizeof u);
		bad |= (u & 0x7f800000u) == 0x7f800000u;
	}
	return bad != 0;
}

/* room for cap rows (cap > m->n) */
static void
matrix_grow(Matrix *m, size_t cap)
{
	struct MatrixBuf *b = m->priv;

	m->x = ereallocarray(m->x, cap, m->d ? m->d * sizeof(float) : 1);
	b->keyoff = ereallocarray(b->keyoff, cap, sizeof(size_t));
	b->cap = cap;
}

void
matrix_push(Matrix *m, const char *key, const float *v)
{
	struct MatrixBuf *b = m->priv;
	size_t kl = strlen(key) + 1;

	if (!b)
		b = m->priv = ecalloc(1, sizeof *b);
	if (m->n == b->cap)
		matrix_grow(m, b->cap ? b->cap * 2 : 256);
	if (b->keylen + kl > b->keycap) {
		b->keycap = (b->keylen + kl) * 2;
		b->keybuf = erealloc(b->keybuf, b->keycap);
	}
	memcpy(b->keybuf + b->keylen, key, kl);
	b->keyoff[m->n] = b->keylen;
	b->keylen += kl;
	memcpy(m->x + m->n * m->d, v, m->d * sizeof(float));
	if (!b->nonfinite && row_nonfinite(v, m->d))
		b->nonfinite = m->n + 1;
	m->n++;
}

void
matrix_clear(Matrix *m)
{
	m->n = 0;
	if (m->priv)
		m->priv->keylen = 0, m->priv->nonfinite = 0;
}

const char *
matrix_key(const Matrix *m, size_t i)
{
	return m->priv->keybuf + m->priv->keyoff[i];
}

static const char *readwhat; /* matrix_progress's label, NULL: no progress */
static int readthreads = 1; /* matrix_read_threads */

void
matrix_read_threads(int n)
{
	readthreads = n < 1 ? 1 : n;
}

/* the rows vreader_bulk took, in stream order */
static void
push_bulk(Matrix *m, const VBulk *b)
{
	const VBulkPiece *P;
	size_t p, i;

	for (p = 0; p < b->npiece; p++)
		for (P = &b->piece[p], i = 0; i < P->n; i++)
			matrix_push(m, P->keys + P->koff[i], P->val + i * m->d);
}

/* Bytes a record takes at least in the stream: binary, a key length, a 1-byte
 * key, a value count and d float32 values; TSV, a 1-byte key, d values of 1 digit
 * after their tabs and the newline. */
static size_t
min_record(const VReader *r, size_t d)
{
	return r->binary ? 4 + 1 + 4 + 4 * d : 1 + 2 * d + 1;
}

/* A regular file as input: room for as many rows as its size can hold, allocated
 * once on huge pages (core/hugebuf.h; no copies as the matrix grows, and the pages
 * never touched cost nothing).  Pipes, or no memory for that much: the rows grow
 * by doubling.  Cannot fail. */
static void
matrix_presize(Matrix *m, VReader *r)
{
	struct stat st;
	int fd = r->fp ? fileno(r->fp) : -1;
	size_t rows, *off;
	float *x;

	if (fd < 0 || !m->d || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return;
	rows = (size_t)st.st_size / min_record(r, m->d) + 1;
	if (rows <= 256 || !(x = hugebuf_alloc(rows, m->d * sizeof(float))))
		return;
	if (!(off = reallocarray(NULL, rows, sizeof(size_t)))) {
		free(x);
		return;
	}
	m->priv = ecalloc(1, sizeof *m->priv);
	m->x = x;
	m->priv->keyoff = off;
	m->priv->cap = rows;
}

void
matrix_progress(const char *what)
{
	readwhat = what;
}

int
matrix_read(VReader *r, Matrix *m)
{
	Progress *pg;
	unsigned i;
	int e;
	VBulk b;

	memset(m, 0, sizeof *m);
	m->name = estrdup(r->name);
	if (r->dim == 0 && (r->dimknown || r->rate > 0)) {
		weprintf("%s: variable-length records (audio?) where vectors of one dimension are expected",
		    r->name);
		del_matrix(m);
		return -1;
	}
	m->d = r->dim;
	m->rate = r->rate;
	if (r->ncols) {
		m->cols = ecalloc(r->ncols, sizeof *m->cols);
		for (i = 0; i < r->ncols; i++)
			m->cols[i] = estrdup(r->cols[i]);
	}
	matrix_presize(m, r);
	pg = readwhat ? new_progress(readwhat, 0) : NULL;
	memset(&b, 0, sizeof b);
	while ((e = vreader_next(r)) > 0) {
		matrix_push(m, r->key, r->val);
		if (pg && m->n % 64 == 0) /* a clock read per 64 records */
			progress_do(pg, m->n);
		while (readthreads > 1 && vreader_bulk(r, readthreads, &b) > 0) {
			push_bulk(m, &b);
			if (pg)
				progress_do(pg, m->n);
		}
	}
	del_vbulk(&b);
	if (pg)
		progress_do(pg, m->n);
	del_progress(pg);
	if (e < 0) {
		del_matrix(m);
		return -1;
	}
	/* give back the slack of the geometric growth */
	if (m->n && m->priv->cap > m->n) {
		m->x = ereallocarray(m->x, m->n, m->d ? m->d * sizeof(float) : 1);
		m->priv->cap = m->n;
	}
	return 0;
}

int
matrix_load(const char *path, Matrix *m)
{
	VReader *r = new_vreader(path);
	int rc;

	if (!r) {
		memset(m, 0, sizeof *m);
		return -1;
	}
	rc = matrix_read(r, m);
	del_vreader(r);
	return rc;
}

void
del_matrix(Matrix *m)
{
	size_t i;

	if (m->cols)
		for (i = 0; i < m->d; i++)
			free(m->cols[i]);
	free(m->cols);
	free(m->x);
	if (m->priv) {
		free(m->priv->keybuf);
		free(m->priv->keyoff);
		free(m->priv);
	}
	free(m->name);
	memset(m, 0, sizeof *m);
}

int
matrix_load_nonempty(const char *path, Matrix *m, const char *empty)
{
	if (matrix_load(path, m))
		return -1;
	if (m->n == 0) {
		weprintf("%s: %s", m->name, empty);
		del_matrix(m);
		return -1;
	}
	return 0;
}

int
matrix_load_finite(const char *path, Matrix *m, const char *empty)
{
	if (matrix_load_nonempty(path, m, empty))
		return -1;
	/* matrix_push saw every row: the message for its first bad one, no second pass */
	if (m->priv->nonfinite && nonfinite_from(m, m->priv->nonfinite - 1)) {
		del_matrix(m);
		return -1;
	}
	return 0;
}

int
matrix_check_finite(const Matrix *m)
{
	return nonfinite_from(m, 0);
}

/* matrix_check_finite from row i0 on */
static int
nonfinite_from(const Matrix *m, size_t i0)
{
	size_t i, f;

	for (i = i0; i < m->n; i++) {
		if (!row_nonfinite(m->x + i * m->d, m->d))
			continue;
		for (f = 0; isfinite(m->x[i * m->d + f]); f++)
			;
		weprintf("%s: record %zu (%s): field %zu: %s value (clean the data, e.g. with weight)",
		    m->name, i + 1, matrix_key(m, i), f + 2,
		    isnan(m->x[i * m->d + f]) ? "NaN" : "infinite");
		return -1;
	}
	return 0;
}
