/* matrix.c — load a vector stream into one float32 matrix. */
#include "core/matrix.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
matrix_push(Matrix *m, const char *key, const float *v)
{
	size_t kl = strlen(key) + 1;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->x = ereallocarray(m->x, m->cap, m->d ? m->d * sizeof(float) : 1);
		m->keyoff = ereallocarray(m->keyoff, m->cap, sizeof(size_t));
	}
	if (m->keylen + kl > m->keycap) {
		m->keycap = (m->keylen + kl) * 2;
		m->keybuf = erealloc(m->keybuf, m->keycap);
	}
	memcpy(m->keybuf + m->keylen, key, kl);
	m->keyoff[m->n] = m->keylen;
	m->keylen += kl;
	memcpy(m->x + m->n * m->d, v, m->d * sizeof(float));
	m->n++;
}

const char *
matrix_key(const Matrix *m, size_t i)
{
	return m->keybuf + m->keyoff[i];
}

int
matrix_read(VReader *r, Matrix *m)
{
	unsigned i;
	int e;

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
	while ((e = vreader_next(r)) > 0)
		matrix_push(m, r->key, r->val);
	if (e < 0) {
		del_matrix(m);
		return -1;
	}
	/* give back the slack of the geometric growth */
	if (m->n && m->cap > m->n) {
		m->x = ereallocarray(m->x, m->n, m->d ? m->d * sizeof(float) : 1);
		m->cap = m->n;
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
	free(m->keybuf);
	free(m->keyoff);
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
	if (matrix_check_finite(m)) {
		del_matrix(m);
		return -1;
	}
	return 0;
}

int
matrix_check_finite(const Matrix *m)
{
	size_t i, f;

	for (i = 0; i < m->n; i++)
		for (f = 0; f < m->d; f++)
			if (!isfinite(m->x[i * m->d + f])) {
				weprintf("%s: record %zu (%s): field %zu: %s value (clean the data, e.g. with weight)",
				    m->name, i + 1, matrix_key(m, i), f + 2,
				    isnan(m->x[i * m->d + f]) ? "NaN" : "infinite");
				return -1;
			}
	return 0;
}
