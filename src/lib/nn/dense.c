/* dense.c — fully connected layers on OpenBLAS (see dense.h). */
#include "nn/dense.h"
#include "core/util.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

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
dense_forward(const Dense *l, const float *x, size_t b, float *y, int relu)
{
	size_t i, o = l->out;

	for (i = 0; i < b; i++) /* the bias first, then y += x W^T as torch's addmm */
		memcpy(y + i * o, l->b, o * sizeof *y);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)o, (int)l->in, 1.0f,
	    x, (int)l->in, l->w, (int)l->in, 1.0f, y, (int)o);
	if (relu)
		for (i = 0; i < b * o; i++)
			y[i] = y[i] > 0 ? y[i] : 0;
}

void
dense_backward(const Dense *l, const float *x, const float *dy, size_t b, float *dx)
{
	size_t i, j, o = l->out;

	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)o, (int)l->in, (int)b, 1.0f,
	    dy, (int)o, x, (int)l->in, 0.0f, l->dw, (int)l->in);
	memset(l->db, 0, o * sizeof *l->db);
	for (i = 0; i < b; i++)
		for (j = 0; j < o; j++)
			l->db[j] += dy[i * o + j];
	if (dx)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)l->in, (int)o,
		    1.0f, dy, (int)o, l->w, (int)l->in, 0.0f, dx, (int)l->in);
}

void
dense_relu_mask(float *dy, const float *y, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(y[i] > 0))
			dy[i] = 0;
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
				s->idx[n] = j;
				s->val[n++] = x[i * in + j];
			}
	}
	s->ptr[b] = n;
}

void
dense_forward_sparse(const Dense *l, const float *x, const DenseSparse *s, size_t b,
    float *y, int relu)
{
	size_t i, e, o = l->out, k;
	const float *w;
	float acc;

	for (i = 0; i < b; i++)
		memcpy(y + i * o, l->b, o * sizeof *y);
	if (s->from)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)o, (int)s->from,
		    1.0f, x, (int)l->in, l->w, (int)l->in, 1.0f, y, (int)o);
	for (k = 0; k < o; k++) { /* a weight row stays in cache for the whole batch */
		w = l->w + k * l->in;
		for (i = 0; i < b; i++) {
			for (acc = 0, e = s->ptr[i]; e < s->ptr[i + 1]; e++)
				acc += w[s->idx[e]] * s->val[e];
			y[i * o + k] += acc;
		}
	}
	if (relu)
		for (i = 0; i < b * o; i++)
			y[i] = y[i] > 0 ? y[i] : 0;
}

void
dense_backward_sparse(const Dense *l, const float *x, const DenseSparse *s,
    const float *dy, size_t b)
{
	size_t i, j, e, o = l->out, k;
	float *dw, g;

	if (s->from)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)o, (int)s->from, (int)b,
		    1.0f, dy, (int)o, x, (int)l->in, 0.0f, l->dw, (int)l->in);
	for (k = 0; k < o; k++) {
		dw = l->dw + k * l->in;
		memset(dw + s->from, 0, (l->in - s->from) * sizeof *dw);
		for (i = 0; i < b; i++) {
			if ((g = dy[i * o + k]) == 0)
				continue;
			for (e = s->ptr[i]; e < s->ptr[i + 1]; e++)
				dw[s->idx[e]] += g * s->val[e];
		}
	}
	memset(l->db, 0, o * sizeof *l->db);
	for (i = 0; i < b; i++)
		for (j = 0; j < o; j++)
			l->db[j] += dy[i * o + j];
}

void
del_dense_sparse(DenseSparse *s)
{
	free(s->ptr);
	free(s->idx);
	free(s->val);
	memset(s, 0, sizeof *s);
}
