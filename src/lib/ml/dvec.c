/* dvec.c — double-precision vector kernels (see dvec.h). */
#include "ml/dvec.h"

#include <math.h>
#include <string.h>

/* the kernels are loops over d whose trip count is only known at run time: GCC -O2
 * (very-cheap cost model) leaves them scalar */
#pragma GCC optimize("O3")

#define CLONES __attribute__((target_clones("avx512f", "avx2,fma", "default")))

/* the 8 partial sums of a reduction, added pairwise in a fixed order */
static inline double
add8(const double *s)
{
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

static inline double
sqdist(const double *a, const double *b, size_t d)
{
	double s[8] = { 0 }, t, r = 0;
	size_t f, q, d8 = d & ~(size_t)7;

	for (f = 0; f < d8; f += 8)
		for (q = 0; q < 8; q++) {
			t = a[f + q] - b[f + q];
			s[q] += t * t;
		}
	for (; f < d; f++) {
		t = a[f] - b[f];
		r += t * t;
	}
	return add8(s) + r;
}

CLONES double
dvec_sumsq(const double *a, size_t d)
{
	double s[8] = { 0 }, r = 0;
	size_t f, q, d8 = d & ~(size_t)7;

	for (f = 0; f < d8; f += 8)
		for (q = 0; q < 8; q++)
			s[q] += a[f + q] * a[f + q];
	for (; f < d; f++)
		r += a[f] * a[f];
	return add8(s) + r;
}

static inline double
wsqdist(const double *a, const double *b, const double *w, size_t d)
{
	double s[8] = { 0 }, t, r = 0;
	size_t f, q, d8 = d & ~(size_t)7;

	for (f = 0; f < d8; f += 8)
		for (q = 0; q < 8; q++) {
			t = (a[f + q] - b[f + q]) * w[f + q];
			s[q] += t * t;
		}
	for (; f < d; f++) {
		t = (a[f] - b[f]) * w[f];
		r += t * t;
	}
	return add8(s) + r;
}

CLONES double
dvec_wsqdist(const double *a, const double *b, const double *w, size_t d)
{
	return wsqdist(a, b, w, d);
}

CLONES void
dvec_addsq(double *v, double s, const double *a, const double *b, size_t d)
{
	size_t f;
	double t;

	for (f = 0; f < d; f++) {
		t = a[f] - b[f];
		v[f] += s * t * t;
	}
}

CLONES void
dvec_scaled_sub(double *out, double s, const double *a, const double *b, size_t d)
{
	size_t f;

	for (f = 0; f < d; f++)
		out[f] = s * (a[f] - b[f]);
}

CLONES void
dvec_axpy(double *y, double s, const double *x, size_t d)
{
	size_t f;

	for (f = 0; f < d; f++)
		y[f] += s * x[f];
}

/* float32 kernels in GCC vector extensions (8 lanes: two SSE registers, or one
 * AVX register in the avx2 clone) */
typedef float v8f __attribute__((vector_size(32)));
/* an unaligned load of 8 floats, and the sum of the lanes in a fixed order (macros:
 * vectors passed to functions would change the ABI between the clones) */
typedef float v8fu __attribute__((vector_size(32), aligned(4), may_alias));
#define LOAD8(p) (*(const v8fu *)(p))
#define HSUM8(v) (((v)[0] + (v)[4]) + ((v)[1] + (v)[5])) + (((v)[2] + (v)[6]) + ((v)[3] + (v)[7]))

static inline float
sqdist_f32(const float *a, const float *b, size_t d)
{
	v8f s = { 0 }, t;
	float r = 0, u;
	size_t f, d8 = d & ~(size_t)7;

	for (f = 0; f < d8; f += 8) {
		t = LOAD8(a + f) - LOAD8(b + f);
		s += t * t;
	}
	for (; f < d; f++) {
		u = a[f] - b[f];
		r += u * u;
	}
	return (HSUM8(s)) + r;
}

CLONES double
dvec_sqdist(const double *a, const double *b, size_t d)
{
	return sqdist(a, b, d);
}

CLONES float
dvec_sqdist_f32(const float *a, const float *b, size_t d)
{
	return sqdist_f32(a, b, d);
}

/* four candidates side by side: four independent chains of additions */
static inline void
sqdist_f32_x4(const float *a, const float *const *b, size_t d, float *out)
{
	v8f s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 }, t, va;
	size_t f, q, d8 = d & ~(size_t)7;

	for (f = 0; f < d8; f += 8) {
		va = LOAD8(a + f);
		t = va - LOAD8(b[0] + f);
		s0 += t * t;
		t = va - LOAD8(b[1] + f);
		s1 += t * t;
		t = va - LOAD8(b[2] + f);
		s2 += t * t;
		t = va - LOAD8(b[3] + f);
		s3 += t * t;
	}
	out[0] = (HSUM8(s0)), out[1] = (HSUM8(s1)), out[2] = (HSUM8(s2)), out[3] = (HSUM8(s3));
	for (q = 0; q < 4; q++)
		for (f = d8; f < d; f++)
			out[q] += (a[f] - b[q][f]) * (a[f] - b[q][f]);
}

CLONES void
dvec_sqdist_f32_idx(const float *a, const float *base, const size_t *idx, size_t cnt,
    size_t d, float *out)
{
	size_t r;

	const float *b[4];

	for (r = 0; r + 4 <= cnt; r += 4) {
		b[0] = base + idx[r] * d, b[1] = base + idx[r + 1] * d;
		b[2] = base + idx[r + 2] * d, b[3] = base + idx[r + 3] * d;
		sqdist_f32_x4(a, b, d, out + r);
	}
	for (; r < cnt; r++)
		out[r] = sqdist_f32(a, base + idx[r] * d, d);
}

/* sqdist of four rows side by side (four independent chains of additions, in
 * registers), each with the operations of sqdist in its order: the same bits */
typedef double v8d __attribute__((vector_size(64)));
typedef double v8du __attribute__((vector_size(64), aligned(8), may_alias));
#define LOAD8D(p) (*(const v8du *)(p))
#define ADD8D(v) ((((v)[0] + (v)[4]) + ((v)[1] + (v)[5])) + (((v)[2] + (v)[6]) + ((v)[3] + (v)[7])))

static inline __attribute__((always_inline)) void
sqdist_x4(const double *a, const double *b, size_t d, double *out)
{
	v8d s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 }, va, t;
	double r[4] = { 0 }, u;
	size_t f, k, d8 = d & ~(size_t)7;

	for (f = 0; f < d8; f += 8) {
		va = LOAD8D(a + f);
		t = va - LOAD8D(b + f);
		s0 += t * t;
		t = va - LOAD8D(b + d + f);
		s1 += t * t;
		t = va - LOAD8D(b + 2 * d + f);
		s2 += t * t;
		t = va - LOAD8D(b + 3 * d + f);
		s3 += t * t;
	}
	for (k = 0; k < 4; k++)
		for (f = d8; f < d; f++) {
			u = a[f] - b[k * d + f];
			r[k] += u * u;
		}
	out[0] = ADD8D(s0) + r[0], out[1] = ADD8D(s1) + r[1];
	out[2] = ADD8D(s2) + r[2], out[3] = ADD8D(s3) + r[3];
}

/* dvec_wsums of m rows for the components j0 .. j0 + G - 1 and the features f ..
 * f + 7, the sums in registers (sq: the squares too; fl: the rows are xf - sh) */
static inline __attribute__((always_inline)) void
wsums_tile(const double *x, const float *xf, const double *sh, const double *r, size_t m,
    size_t k, size_t d, size_t j0, int G, size_t f, double *s, double *q, int sq, int fl)
{
	v8d as[8], aq[8], xv, x2, shv = { 0 };
	double w;
	size_t i;
	int g;

	if (fl)
		shv = LOAD8D(sh + f);
	for (g = 0; g < G; g++) {
		as[g] = LOAD8D(s + (j0 + g) * d + f);
		aq[g] = as[g];
		if (sq)
			aq[g] = LOAD8D(q + (j0 + g) * d + f);
	}
	for (i = 0; i < m; i++) {
		if (fl)
			xv = __builtin_convertvector(LOAD8(xf + i * d + f), v8d) - shv;
		else
			xv = LOAD8D(x + i * d + f);
		x2 = xv * xv;
		for (g = 0; g < G; g++) {
			w = r[i * k + j0 + g];
			as[g] += w * xv;
			if (sq)
				aq[g] += w * x2;
		}
	}
	for (g = 0; g < G; g++) {
		*(v8du *)(s + (j0 + g) * d + f) = as[g];
		if (sq)
			*(v8du *)(q + (j0 + g) * d + f) = aq[g];
	}
}

/* the features f .. f + 7 of m rows for all k components */
static inline __attribute__((always_inline)) void
wsums_chunk(const double *x, const float *xf, const double *sh, const double *r, size_t m,
    size_t k, size_t d, size_t f, double *s, double *q, int sq, int fl)
{
	size_t j = 0;

	for (; j + 8 <= k; j += 8)
		wsums_tile(x, xf, sh, r, m, k, d, j, 8, f, s, q, sq, fl);
	for (; j + 4 <= k; j += 4)
		wsums_tile(x, xf, sh, r, m, k, d, j, 4, f, s, q, sq, fl);
	for (; j < k; j++)
		wsums_tile(x, xf, sh, r, m, k, d, j, 1, f, s, q, sq, fl);
}

/* rows at a time in wsums_chunk: 32 KB of x at d = 64, which stay in L1 for all
 * the chunks and components; the next rows are asked for in address order first
 * (the chunks read them 8 values a row at a row's stride, which the hardware
 * prefetcher does not follow) */
#define WSUMS_ROWS 64

/* dvec_wsums (fl: of the rows xf - sh), each element one sequential sum over the
 * rows in order (so the grouping into tiles does not change the bits) */
static inline __attribute__((always_inline)) void
wsums(const double *x, const float *xf, const double *sh, const double *r, size_t m, size_t k,
    size_t d, double *s, double *q, int fl)
{
	size_t i0, mm, i, j, f, nx, d8 = d & ~(size_t)7;
	const char *next;
	const double *xr;
	const float *xfr;
	double v;

	for (i0 = 0; i0 < m; i0 += WSUMS_ROWS) {
		mm = m - i0 < WSUMS_ROWS ? m - i0 : WSUMS_ROWS;
		nx = i0 + mm >= m ? 0 : (m - i0 - mm < mm ? m - i0 - mm : mm) * d;
		next = fl ? (const char *)(xf + (i0 + mm) * d) : (const char *)(x + (i0 + mm) * d);
		for (f = 0; f < nx * (fl ? sizeof(float) : sizeof(double)); f += 64)
			__builtin_prefetch(next + f, 0, 1);
		xr = fl ? NULL : x + i0 * d;
		xfr = fl ? xf + i0 * d : NULL;
		for (f = 0; f < d8; f += 8)
			if (q)
				wsums_chunk(xr, xfr, sh, r + i0 * k, mm, k, d, f, s, q, 1, fl);
			else
				wsums_chunk(xr, xfr, sh, r + i0 * k, mm, k, d, f, s, q, 0, fl);
		for (i = i0; i < i0 + mm; i++)
			for (f = d8; f < d; f++) {
				v = fl ? xf[i * d + f] - sh[f] : x[i * d + f];
				for (j = 0; j < k; j++) {
					s[j * d + f] += r[i * k + j] * v;
					if (q)
						q[j * d + f] += r[i * k + j] * (v * v);
				}
			}
	}
}

CLONES void
dvec_wsums(const double *x, const double *r, size_t m, size_t k, size_t d, double *s,
    double *q)
{
	wsums(x, NULL, NULL, r, m, k, d, s, q, 0);
}

CLONES void
dvec_wsums_f(const float *xf, const double *sh, const double *r, size_t m, size_t k, size_t d,
    double *s, double *q)
{
	wsums(NULL, xf, sh, r, m, k, d, s, q, 1);
}

CLONES void
dvec_label_sums(const double *x, const float *xf, const double *sh, const int *lab, size_t m,
    size_t d, double *s, double *q)
{
	size_t i, f;
	double v, *si, *qi;

	for (i = 0; i < m; i++) {
		si = s + (size_t)lab[i] * d;
		qi = q ? q + (size_t)lab[i] * d : NULL;
		for (f = 0; f < d; f++) {
			v = x ? x[i * d + f] : xf[i * d + f] - sh[f];
			si[f] += v;
			if (qi)
				qi[f] += v * v;
		}
	}
}

CLONES void
dvec_sqdist_rows(const double *a, const double *b, size_t cnt, size_t d, double *out)
{
	size_t r;

	for (r = 0; r + 4 <= cnt; r += 4)
		sqdist_x4(a, b + r * d, d, out + r);
	for (; r < cnt; r++)
		out[r] = sqdist(a, b + r * d, d);
}

/* wsqdist of a to four rows b (weights w) side by side, each with the operations
 * of dvec_wsqdist in its order: the same bits */
static inline __attribute__((always_inline)) void
wsqdist_x4(const double *a, const double *b, const double *w, size_t d, double *out)
{
	v8d s[4] = { { 0 } }, va, t;
	double r[4] = { 0 }, u;
	size_t f, k, d8 = d & ~(size_t)7;

	for (f = 0; f < d8; f += 8) {
		va = LOAD8D(a + f);
		for (k = 0; k < 4; k++) {
			t = (va - LOAD8D(b + k * d + f)) * LOAD8D(w + k * d + f);
			s[k] += t * t;
		}
	}
	for (k = 0; k < 4; k++) {
		for (f = d8; f < d; f++) {
			u = (a[f] - b[k * d + f]) * w[k * d + f];
			r[k] += u * u;
		}
		out[k] = ADD8D(s[k]) + r[k];
	}
}

CLONES void
dvec_wsqdist_rows(const double *a, const double *b, const double *w, size_t cnt, size_t d,
    double *out)
{
	size_t r;

	for (r = 0; r + 4 <= cnt; r += 4)
		wsqdist_x4(a, b + r * d, w + r * d, d, out + r);
	for (; r < cnt; r++)
		out[r] = wsqdist(a, b + r * d, w + r * d, d);
}

CLONES void
dvec_wlogp(double *w, size_t m, size_t k, double c, const double *ld, const double *lw,
    const double *sc)
{
	size_t i, j;

	for (i = 0; sc && i < m; i++)
		for (j = 0; j < k; j++)
			w[i * k + j] = w[i * k + j] * sc[j] * sc[j];
	for (i = 0; i < m; i++)
		for (j = 0; j < k; j++)
			w[i * k + j] = -0.5 * (c + w[i * k + j]) + ld[j] + lw[j];
}

CLONES void
dvec_rows_div(double *w, const double *e, const double *s, size_t m, size_t k)
{
	size_t i, j;

	for (i = 0; i < m; i++)
		for (j = 0; j < k; j++)
			w[i * k + j] = e[i * k + j] / s[i];
}

CLONES void
dvec_colsums_f(double *acc, const float *x, size_t n, size_t d)
{
	size_t i, f;

	for (i = 0; i < n; i++)
		for (f = 0; f < d; f++)
			acc[f] += x[i * d + f];
}

CLONES void
dvec_from_float_sub(double *out, const float *x, const double *sh, size_t m, size_t d)
{
	size_t i, f;

	for (i = 0; i < m; i++)
		for (f = 0; f < d; f++)
			out[i * d + f] = x[i * d + f] - sh[f];
}

void
dvec_pack8(const double *x, size_t n, size_t d, double *pk)
{
	size_t k, f, l, nb = (n + 7) / 8;

	for (k = 0; k < nb; k++)
		for (f = 0; f < d; f++)
			for (l = 0; l < 8; l++)
				pk[(k * d + f) * 8 + l] = 8 * k + l < n ? x[(8 * k + l) * d + f] : 0;
}

/* the lanes are the 8 rows; s[q] the partial sums of the coordinates f = q mod 8
 * (dvec_sqdist's s[q]), r that of the tail */
CLONES void
dvec_dist_pack8(const double *a, const double *blk, size_t d, double *out)
{
	v8d s[8] = { { 0 } }, r = { 0 }, t, v;
	size_t f, q, l, d8 = d & ~(size_t)7;

	for (f = 0; f < d8; f += 8)
		for (q = 0; q < 8; q++) {
			t = a[f + q] - LOAD8D(blk + (f + q) * 8);
			s[q] += t * t;
		}
	for (; f < d; f++) {
		t = a[f] - LOAD8D(blk + f * 8);
		r += t * t;
	}
	v = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])) + r;
	for (l = 0; l < 8; l++)
		out[l] = sqrt(v[l]);
}

CLONES void
dvec_from_float(double *out, const float *x, size_t d)
{
	size_t f;

	for (f = 0; f < d; f++)
		out[f] = x[f];
}
