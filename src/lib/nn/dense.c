/* dense.c — fully connected layers on OpenBLAS (see dense.h). */
#include "nn/dense.h"
#include "core/util.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

/* The elementwise loops, vectorised for the CPU at hand (the project builds for
 * x86-64-v2); each lane computes what the scalar code computes. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define VECTOR __attribute__((optimize("O3"), target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR
#endif

VECTOR static void
relu(float *y, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		y[i] = y[i] > 0 ? y[i] : 0.0f;
}

/* db = the column sums of dy (b rows of o) */
VECTOR static void
colsum(float *db, const float *dy, size_t b, size_t o)
{
	size_t i, j;

	memset(db, 0, o * sizeof *db);
	for (i = 0; i < b; i++)
		for (j = 0; j < o; j++)
			db[j] += dy[i * o + j];
}

size_t
dense_size(unsigned in, unsigned out)
{
	return (size_t)out * in + out;
}

/* This function can't fail. */
void
dense_bind(Dense *l, unsigned in, unsigned out, float *p, float *g)
{
	l->in = in;
	l->out = out;
	l->w = p;
	l->b = p + (size_t)out * in;
	l->dw = g;
	l->db = g ? g + (size_t)out * in : NULL;
}

void
dense_forward(const Dense *l, const float *x, size_t b, float *y, int act)
{
	size_t i, o = l->out;

	for (i = 0; i < b; i++) /* the bias first, then y += x W^T as torch's addmm */
		memcpy(y + i * o, l->b, o * sizeof *y);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)o, (int)l->in, 1.0f,
	    x, (int)l->in, l->w, (int)l->in, 1.0f, y, (int)o);
	if (act)
		relu(y, b * o);
}

void
dense_backward(const Dense *l, const float *x, const float *dy, size_t b, float *dx)
{
	size_t o = l->out;

	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)o, (int)l->in, (int)b, 1.0f,
	    dy, (int)o, x, (int)l->in, 0.0f, l->dw, (int)l->in);
	colsum(l->db, dy, b, o);
	if (dx)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)l->in, (int)o,
		    1.0f, dy, (int)o, l->w, (int)l->in, 0.0f, dx, (int)l->in);
}

VECTOR void
dense_relu_mask(float *dy, const float *y, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) /* a select, so that it vectorises */
		dy[i] = y[i] > 0 ? dy[i] : 0.0f;
}

/* Exits only when memory runs out. */
void
dense_split(Dense *l, unsigned from, int split)
{
	size_t o = l->out, in = l->in, k, j, n = o * in;
	float *t = ereallocarray(NULL, n ? n : 1, sizeof *t);

	memcpy(t, l->w, n * sizeof *t);
	for (k = 0; k < o; k++)
		for (j = 0; j < in; j++) {
			size_t at = j < from ? k * from + j : o * from + (j - from) * o + k;

			if (split)
				l->w[at] = t[k * in + j];
			else
				l->w[k * in + j] = t[at];
		}
	free(t);
}

/* s's entries by column (ncol sparse columns): cptr, crow, cval, each column's
 * entries in batch row order */
static void
by_column(DenseSparse *s, size_t b, size_t ncol)
{
	size_t i, e, c, nnz = s->ptr[b];

	if (ncol + 1 > s->ccols) {
		s->ccols = ncol + 1;
		s->cptr = ereallocarray(s->cptr, s->ccols, sizeof *s->cptr);
	}
	if (nnz > s->ccap) {
		s->ccap = nnz;
		s->crow = ereallocarray(s->crow, nnz, sizeof *s->crow);
		s->cval = ereallocarray(s->cval, nnz, sizeof *s->cval);
	}
	memset(s->cptr, 0, (ncol + 1) * sizeof *s->cptr);
	for (e = 0; e < nnz; e++)
		s->cptr[s->idx[e] + 1]++;
	for (c = 0; c < ncol; c++)
		s->cptr[c + 1] += s->cptr[c];
	for (i = 0; i < b; i++) /* cptr[c] moves to the end of column c */
		for (e = s->ptr[i]; e < s->ptr[i + 1]; e++) {
			c = s->cptr[s->idx[e]]++;
			s->crow[c] = (unsigned)i;
			s->cval[c] = s->val[e];
		}
	for (c = ncol; c > 0; c--)
		s->cptr[c] = s->cptr[c - 1];
	s->cptr[0] = 0;
}

/* Exits only when memory runs out. */
void
dense_sparse_build(DenseSparse *s, const float *x, size_t b, unsigned in)
{
	size_t i, n = 0, need = b * (in - s->from);
	unsigned j;

	if (b + 1 > s->rows) {
		s->rows = b + 1;
		s->ptr = ereallocarray(s->ptr, s->rows, sizeof *s->ptr);
	}
	if (need > s->cap) {
		s->cap = need;
		s->idx = ereallocarray(s->idx, need, sizeof *s->idx);
		s->val = ereallocarray(s->val, need, sizeof *s->val);
	}
	for (i = 0; i < b; i++) {
		s->ptr[i] = n;
		for (j = s->from; j < in; j++)
			if (x[i * in + j] != 0) {
				s->idx[n] = j - s->from;
				s->val[n++] = x[i * in + j];
			}
	}
	s->ptr[b] = n;
	by_column(s, b, in - s->from);
}

/* y[0..n) += a * w[0..n) */
VECTOR static void
axpy(float *y, float a, const float *w, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		y[k] += a * w[k];
}

void
dense_forward_sparse(const Dense *l, const float *x, const DenseSparse *s, size_t b,
    float *y, int act)
{
	size_t i, e, c, o = l->out;
	const float *wt = l->w + o * s->from; /* the transposed rows */

	for (i = 0; i < b; i++)
		memcpy(y + i * o, l->b, o * sizeof *y);
	if (s->from)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)o, (int)s->from,
		    1.0f, x, (int)l->in, l->w, (int)s->from, 1.0f, y, (int)o);
	for (c = 0; c < l->in - s->from; c++) /* each row of weights read once */
		for (e = s->cptr[c]; e < s->cptr[c + 1]; e++)
			axpy(y + (size_t)s->crow[e] * o, s->cval[e], wt + c * o, o);
	if (act)
		relu(y, b * o);
}

/* y[0..n) = a * w[0..n) */
VECTOR static void
scale(float *y, float a, const float *w, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		y[k] = a * w[k];
}

/* The first value to reach a row this pass sets it, the others add to it; rows the
 * last pass wrote and this one did not are cleared: no pass over all of dw. */
void
dense_backward_sparse(const Dense *l, const float *x, DenseSparse *s, const float *dy,
    size_t b)
{
	size_t i, e, o = l->out, rows = l->in - s->from, n = 0;
	float *dwt = l->dw + o * s->from, *row;
	unsigned r, *t;

	if (s->from)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)o, (int)s->from, (int)b,
		    1.0f, dy, (int)o, x, (int)l->in, 0.0f, l->dw, (int)s->from);
	if (s->nrows < rows) {
		s->touched = ereallocarray(s->touched, rows, sizeof *s->touched);
		s->now = ereallocarray(s->now, rows, sizeof *s->now);
		s->gen = ecalloc(rows, sizeof *s->gen);
		s->nrows = rows;
		s->ntouched = 0;
	}
	s->pass++;
	for (i = 0; i < b; i++)
		for (e = s->ptr[i]; e < s->ptr[i + 1]; e++) {
			row = dwt + (size_t)(r = s->idx[e]) * o;
			if (s->gen[r] == s->pass) {
				axpy(row, s->val[e], dy + i * o, o);
				continue;
			}
			scale(row, s->val[e], dy + i * o, o);
			s->gen[r] = s->pass;
			s->now[n++] = r;
		}
	for (i = 0; i < s->ntouched; i++)
		if (s->gen[s->touched[i]] != s->pass)
			memset(dwt + (size_t)s->touched[i] * o, 0, o * sizeof *dwt);
	t = s->touched, s->touched = s->now, s->now = t;
	s->ntouched = n;
	colsum(l->db, dy, b, o);
}

/* the gradient rows of the sparse columns of a split layer, block by block to up */
static void
sparse_rows(const Dense *l, const DenseSparse *s, const float *dy, float *g,
    DenseUpdate *up, void *ctx)
{
	size_t o = l->out, rows = l->in - s->from, n = DENSE_BLOCK / o, q, k, e, end;
	float *row;

	n = n ? n : 1;
	for (q = 0; q < rows; q += n) {
		end = rows - q < n ? rows : q + n;
		for (k = q; k < end; k++) { /* the sums of dense_backward_sparse, in its order */
			row = g + (k - q) * o;
			if ((e = s->cptr[k]) == s->cptr[k + 1]) {
				memset(row, 0, o * sizeof *row);
				continue;
			}
			scale(row, s->cval[e], dy + (size_t)s->crow[e] * o, o);
			for (e++; e < s->cptr[k + 1]; e++)
				axpy(row, s->cval[e], dy + (size_t)s->crow[e] * o, o);
		}
		up(ctx, l->w + o * s->from + q * o, g, (end - q) * o);
	}
}

/* Blocks of output rows: dx += dy[:, rows] W[rows] with the old weights, then the
 * rows' gradient into g and to up.  A split layer's dense block has rows of `from`
 * weights. */
void
dense_backward_update(const Dense *l, const float *x, DenseSparse *s, const float *dy,
    size_t b, float *dx, float *g, DenseUpdate *up, void *ctx)
{
	size_t o = l->out, in = l->in, from = s ? s->from : in, n, r, e;

	n = from ? DENSE_BLOCK / from : o;
	n = n ? n : 1;
	for (r = 0; from && r < o; r += n) {
		e = o - r < n ? o : r + n;
		if (dx)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)in,
			    (int)(e - r), 1.0f, dy + r, (int)o, l->w + r * in, (int)in, r ? 1.0f : 0.0f,
			    dx, (int)in);
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)(e - r), (int)from, (int)b,
		    1.0f, dy + r, (int)o, x, (int)in, 0.0f, g, (int)from);
		up(ctx, l->w + r * from, g, (e - r) * from);
	}
	if (s)
		sparse_rows(l, s, dy, g, up, ctx);
	colsum(g, dy, b, o);
	up(ctx, l->b, g, o);
}

void
del_dense_sparse(DenseSparse *s)
{
	free(s->cptr);
	free(s->crow);
	free(s->cval);
	free(s->ptr);
	free(s->idx);
	free(s->val);
	free(s->touched);
	free(s->now);
	free(s->gen);
	memset(s, 0, sizeof *s);
}
