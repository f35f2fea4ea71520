/* kmeans.c — k-means as scikit-learn 1.2.1 (see kmeans.h). */
#include "ml/kmeans.h"
#include "core/hot.h"
#include "core/hugebuf.h"
#include "core/util.h"
#include "core/pool.h"
#include "core/rng.h"
#include "ml/blas.h"
#include "ml/kmbound.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* what the fit keeps beside the public results */
struct KMeansFit {
	float *xsq;          /* ||x||^2 of every row (k-means++) */
	double tolabs;       /* tol * mean of the per-feature variances */
};

/* ---- blocks ---- */

/* Rows per block: fixed for given (n, k), independent of the thread count, so the
 * block partial sums (and so every result) do not depend on -j. */
static size_t
block_rows(size_t k)
{
	size_t br = 64 * k;

	return br < 1024 ? 1024 : br;
}

/* the end of sqdist: features f.. into s[0], then the 4 partial sums added */
static double
sqdist_finish(double *s, const float *a, const float *b, size_t f, size_t d)
{
	double t;

	for (; f < d; f++) {
		t = (double)a[f] - b[f];
		s[0] += t * t;
	}
	return (s[0] + s[1]) + (s[2] + s[3]);
}

/* squared distance in double, 4 interleaved partial sums (vectorisable) */
HOT static double
sqdist(const float *a, const float *b, size_t d)
{
	double s[4] = { 0, 0, 0, 0 }, t;
	size_t f, j;

	for (f = 0; f + 4 <= d; f += 4)
		for (j = 0; j < 4; j++) {
			t = (double)a[f + j] - b[f + j];
			s[j] += t * t;
		}
	return sqdist_finish(s, a, b, f, d);
}

/* rows at a time in sqdist_many's AVX-512 path; rows per sqdist_many call of
 * its callers (their stack arrays) */
#define SQ_GROUP 8
#define SQ_CHUNK 64

HOT static void
add_row(double *restrict acc, const float *restrict x, size_t d)
{
	size_t f;

	for (f = 0; f < d; f++)
		acc[f] += x[f];
}

HOT static void
sub_row(double *restrict acc, const float *restrict x, size_t d)
{
	size_t f;

	for (f = 0; f < d; f++)
		acc[f] -= x[f];
}

static void
row_sqnorms(const float *c, size_t k, size_t d, float *out)
{
	size_t j, f;
	double s;

	for (j = 0; j < k; j++) {
		s = 0;
		for (f = 0; f < d; f++)
			s += (double)c[j * d + f] * c[j * d + f];
		out[j] = (float)s;
	}
}

/* ---- the distance kernel ----
 * D[i][j] = ||c_j||^2 - 2 x_i.c_j in float32 for a tile of rows against m packed
 * columns.  Every dot product is ONE sequential fma chain over the features
 * (f = 0, 1, ..., d-1, starting from 0), then fma(-2, dot, ||c_j||^2) (-2 dot is
 * exact: one rounding, as sklearn's sgemm with alpha -2, beta 1).  So a column's
 * value does not depend on the other columns beside it, on the tiling, on the SIMD
 * width or on the machine: a run gives the same labels alone or in a batch of runs
 * (kmeans_do's lockstep), and -a (kmeans_assign) labels the training data as the fit.
 * The columns are packed f-major in panels of at most KP columns (a multiple of 16,
 * zero padded); a tile is at most KROWS rows. */

#define KP 80
#define KROWS 24
/* rows per tile of lanes_labels (k <= 8, AVX-512) */
#define LROWS 32

static size_t
padded(size_t m)
{
	return (m + 15) & ~(size_t)15;
}

/* panel p (columns p*KP ..) starts at ct + p*KP*d and is w = min(KP, mp - p*KP) wide */
static void
pack_cols(const float *c, size_t m, size_t d, float *ct)
{
	size_t mp = padded(m), p, w, f, j;
	float *P;

	for (p = 0; p < mp; p += KP) {
		w = mp - p < KP ? mp - p : KP;
		P = ct + p * d;
		for (f = 0; f < d; f++)
			for (j = 0; j < w; j++)
				P[f * w + j] = p + j < m ? c[(p + j) * d + f] : 0.0f;
	}
}

/* generic: fmaf (libm uses the fma instruction where there is one) */
static void
dist_tile_generic(const float *x, size_t rows, size_t d, const float *ct, const float *csq,
    size_t mp, float *out)
{
	size_t p, w, i, j, f;
	const float *P;
	float a;

	for (p = 0; p < mp; p += KP) {
		w = mp - p < KP ? mp - p : KP;
		P = ct + p * d;
		for (i = 0; i < rows; i++)
			for (j = 0; j < w; j++) {
				a = 0.0f;
				for (f = 0; f < d; f++)
					a = fmaf(x[i * d + f], P[f * w + j], a);
				out[i * mp + p + j] = fmaf(-2.0f, a, csq[p + j]);
			}
	}
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define KM_X86 1
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f")
#pragma GCC optimize("O3")
/* MR rows x NV vectors of 16 columns; all loops have constant trip counts except f */
#define K512(MR, NV)                                                                 \
	static void k512_##MR##_##NV(const float *x, size_t d, const float *P, size_t w, \
	    const float *csq, float *out, size_t ldo)                                    \
	{                                                                                \
		__m512 acc[MR][NV], b[NV], a, m2 = _mm512_set1_ps(-2.0f);                    \
		size_t f;                                                                    \
		int i, v;                                                                    \
		_Pragma("GCC unroll 8") for (i = 0; i < MR; i++)                              \
		_Pragma("GCC unroll 8") for (v = 0; v < NV; v++)                              \
			acc[i][v] = _mm512_setzero_ps();                                     \
		for (f = 0; f < d; f++) {                                                    \
			_Pragma("GCC unroll 8") for (v = 0; v < NV; v++)                      \
				b[v] = _mm512_loadu_ps(P + f * w + 16 * v);                  \
			_Pragma("GCC unroll 8") for (i = 0; i < MR; i++) {                    \
				a = _mm512_set1_ps(x[i * d + f]);                            \
				_Pragma("GCC unroll 8") for (v = 0; v < NV; v++)              \
					acc[i][v] = _mm512_fmadd_ps(a, b[v], acc[i][v]);     \
			}                                                                    \
		}                                                                            \
		_Pragma("GCC unroll 8") for (i = 0; i < MR; i++)                              \
		_Pragma("GCC unroll 8") for (v = 0; v < NV; v++)                              \
			_mm512_storeu_ps(out + i * ldo + 16 * v,                             \
			    _mm512_fmadd_ps(m2, acc[i][v], _mm512_loadu_ps(csq + 16 * v)));  \
	}
K512(8, 1) K512(1, 1)
K512(8, 2) K512(1, 2)
K512(6, 3) K512(1, 3)
K512(6, 4) K512(1, 4)
K512(4, 5) K512(1, 5)

static void
dist_tile_avx512(const float *x, size_t rows, size_t d, const float *ct, const float *csq,
    size_t mp, float *out)
{
	static void (*const big[5])(const float *, size_t, const float *, size_t, const float *,
	    float *, size_t) = { k512_8_1, k512_8_2, k512_6_3, k512_6_4, k512_4_5 };
	static void (*const one[5])(const float *, size_t, const float *, size_t, const float *,
	    float *, size_t) = { k512_1_1, k512_1_2, k512_1_3, k512_1_4, k512_1_5 };
	static const size_t mr[5] = { 8, 8, 6, 6, 4 };
	size_t p, w, i, nv;

	for (p = 0; p < mp; p += KP) {
		w = mp - p < KP ? mp - p : KP;
		nv = w / 16;
		for (i = 0; i + mr[nv - 1] <= rows; i += mr[nv - 1])
			big[nv - 1](x + i * d, d, ct + p * d, w, csq + p, out + i * mp + p, mp);
		for (; i < rows; i++)
			one[nv - 1](x + i * d, d, ct + p * d, w, csq + p, out + i * mp + p, mp);
	}
}

/* The labels of LROWS rows of transposed tiles xt (d x LROWS, row r's feature f at
 * f * LROWS + r) against the first k <= 8 of the packed columns ct (one panel, 16
 * wide): the rows in the lanes, each column's dot product the same fma chain as
 * in k512_*, argmin by the same strict comparison in column order, so the labels
 * are those of dist_tile and argmin.  With v: the values too, row i's of centre j
 * at v[j * LROWS + i]. */
static void
lanes_labels(const float *xt, size_t d, const float *ct, const float *csq, size_t k, int *lab,
    float *v)
{
	__m512 acc[8][2], x0, x1, cb, best0, best1, v0, v1, m2 = _mm512_set1_ps(-2.0f);
	__m512i l0 = _mm512_setzero_si512(), l1 = l0;
	__mmask16 lt0, lt1;
	size_t f;
	int j;

	_Pragma("GCC unroll 8") for (j = 0; j < 8; j++)
		acc[j][0] = acc[j][1] = _mm512_setzero_ps();
	for (f = 0; f < d; f++) {
		x0 = _mm512_loadu_ps(xt + f * LROWS);
		x1 = _mm512_loadu_ps(xt + f * LROWS + 16);
		_Pragma("GCC unroll 8") for (j = 0; j < 8; j++) {
			cb = _mm512_set1_ps(ct[f * 16 + (size_t)j]);
			acc[j][0] = _mm512_fmadd_ps(x0, cb, acc[j][0]);
			acc[j][1] = _mm512_fmadd_ps(x1, cb, acc[j][1]);
		}
	}
	best0 = _mm512_fmadd_ps(m2, acc[0][0], _mm512_set1_ps(csq[0]));
	best1 = _mm512_fmadd_ps(m2, acc[0][1], _mm512_set1_ps(csq[0]));
	if (v) {
		_mm512_storeu_ps(v, best0);
		_mm512_storeu_ps(v + 16, best1);
	}
	_Pragma("GCC unroll 8") for (j = 1; j < 8; j++) {
		if ((size_t)j >= k)
			break;
		v0 = _mm512_fmadd_ps(m2, acc[j][0], _mm512_set1_ps(csq[j]));
		v1 = _mm512_fmadd_ps(m2, acc[j][1], _mm512_set1_ps(csq[j]));
		if (v) {
			_mm512_storeu_ps(v + j * LROWS, v0);
			_mm512_storeu_ps(v + j * LROWS + 16, v1);
		}
		lt0 = _mm512_cmp_ps_mask(v0, best0, _CMP_LT_OQ);
		lt1 = _mm512_cmp_ps_mask(v1, best1, _CMP_LT_OQ);
		best0 = _mm512_mask_mov_ps(best0, lt0, v0);
		best1 = _mm512_mask_mov_ps(best1, lt1, v1);
		l0 = _mm512_mask_mov_epi32(l0, lt0, _mm512_set1_epi32(j));
		l1 = _mm512_mask_mov_epi32(l1, lt1, _mm512_set1_epi32(j));
	}
	_mm512_storeu_si512(lab, l0);
	_mm512_storeu_si512(lab + 16, l1);
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
#pragma GCC optimize("O3")
/* MR rows x 16 columns (2 vectors of 8) */
#define K256(MR)                                                                        \
	static void k256_##MR(const float *x, size_t d, const float *P, size_t w,           \
	    const float *csq, float *out, size_t ldo)                                       \
	{                                                                                   \
		__m256 acc[MR][2], b0, b1, a, m2 = _mm256_set1_ps(-2.0f);                       \
		size_t f;                                                                       \
		int i;                                                                          \
		_Pragma("GCC unroll 8") for (i = 0; i < MR; i++)                                 \
			acc[i][0] = acc[i][1] = _mm256_setzero_ps();                            \
		for (f = 0; f < d; f++) {                                                       \
			b0 = _mm256_loadu_ps(P + f * w);                                        \
			b1 = _mm256_loadu_ps(P + f * w + 8);                                    \
			_Pragma("GCC unroll 8") for (i = 0; i < MR; i++) {                       \
				a = _mm256_set1_ps(x[i * d + f]);                               \
				acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);                  \
				acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);                  \
			}                                                                       \
		}                                                                               \
		_Pragma("GCC unroll 8") for (i = 0; i < MR; i++) {                               \
			_mm256_storeu_ps(out + i * ldo,                                         \
			    _mm256_fmadd_ps(m2, acc[i][0], _mm256_loadu_ps(csq)));              \
			_mm256_storeu_ps(out + i * ldo + 8,                                     \
			    _mm256_fmadd_ps(m2, acc[i][1], _mm256_loadu_ps(csq + 8)));          \
		}                                                                               \
	}
K256(6) K256(1)

static void
dist_tile_avx2(const float *x, size_t rows, size_t d, const float *ct, const float *csq,
    size_t mp, float *out)
{
	size_t p, w, i, j;

	for (p = 0; p < mp; p += KP) {
		w = mp - p < KP ? mp - p : KP;
		for (j = 0; j < w; j += 16) {
			for (i = 0; i + 6 <= rows; i += 6)
				k256_6(x + i * d, d, ct + p * d + j, w, csq + p + j, out + i * mp + p + j, mp);
			for (; i < rows; i++)
				k256_1(x + i * d, d, ct + p * d + j, w, csq + p + j, out + i * mp + p + j, mp);
		}
	}
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
#pragma GCC optimize("O3")
/* sqdist of a to SQ_GROUP rows c[0..) at once, each exactly as sqdist: the two
 * halves of a vector are the 4 partial sums of two rows, the same subtraction,
 * product and sum per lane in the same order (no fma) */
static void
sqdist_group512(const float *a, const float *const *c, size_t d, double *out)
{
	__m512d acc[SQ_GROUP / 2], xa, t;
	double s[8];
	size_t f, g, h;

	for (g = 0; g < SQ_GROUP / 2; g++)
		acc[g] = _mm512_setzero_pd();
	for (f = 0; f + 4 <= d; f += 4) {
		__m128 a4 = _mm_loadu_ps(a + f);
		xa = _mm512_cvtps_pd(_mm256_set_m128(a4, a4));
		for (g = 0; g < SQ_GROUP / 2; g++) {
			t = _mm512_sub_pd(xa, _mm512_cvtps_pd(_mm256_set_m128(
			    _mm_loadu_ps(c[2 * g + 1] + f), _mm_loadu_ps(c[2 * g] + f))));
			acc[g] = _mm512_add_pd(acc[g], _mm512_mul_pd(t, t));
		}
	}
	for (g = 0; g < SQ_GROUP / 2; g++) {
		_mm512_storeu_pd(s, acc[g]);
		for (h = 0; h < 2; h++)
			out[2 * g + h] = sqdist_finish(s + 4 * h, a, c[2 * g + h], f, d);
	}
}
#pragma GCC pop_options
#endif

typedef void DistTile(const float *, size_t, size_t, const float *, const float *, size_t, float *);

static DistTile *
dist_tile_pick(void)
{
	static DistTile *fn;
	const char *e;

	if (!fn) {
		/* SV_KMEANS_ISA=generic|avx2 caps the choice (the tests check that every
		 * kernel gives the same bits) */
		if ((e = getenv("SV_KMEANS_ISA")) && !*e)
			e = NULL;
		fn = dist_tile_generic;
#ifdef KM_X86
		__builtin_cpu_init();
		if (__builtin_cpu_supports("avx512f") && !e)
			fn = dist_tile_avx512;
		else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
		    (!e || strcmp(e, "generic")))
			fn = dist_tile_avx2;
#endif
	}
	return fn;
}

/* out[j] = sqdist(a, c[j], d) for j < m, the same bits (SQ_GROUP rows at a time
 * with AVX-512 when the distance kernel is the AVX-512 one) */
static void
sqdist_many(const float *a, const float *const *c, size_t m, size_t d, double *out)
{
	size_t j = 0;

#ifdef KM_X86
	if (dist_tile_pick() == dist_tile_avx512)
		for (; j + SQ_GROUP <= m; j += SQ_GROUP)
			sqdist_group512(a, c + j, d, out + j);
#endif
	for (; j < m; j++)
		out[j] = sqdist(a, c[j], d);
}

/* rows (<= KROWS) of x against the packed columns: out is rows x mp */
static void
dist_tile(const float *x, size_t rows, size_t d, const float *ct, const float *csq, size_t mp,
    float *out)
{
	dist_tile_pick()(x, rows, d, ct, csq, mp, out);
}

/* first minimum of k values (as a scan with strict <) */
static int
argmin(const float *v, size_t k)
{
	float best = v[0];
	int lab = 0;
	size_t j;

	for (j = 1; j < k; j++) {
		int lt = v[j] < best;
		lab = lt ? (int)j : lab;
		best = lt ? v[j] : best;
	}
	return lab;
}

/* ---- Lloyd, the runs of a batch in lockstep ----
 * One pass over the data per iteration serves every run still going: the
 * distances to all their centres come from one kernel call per tile of rows
 * (the tile stays in L1 for the argmins and the centre sums of all runs).  Each
 * run's arithmetic is exactly that of the run alone (see the kernel; the centre
 * sums are per run and per block, added in block order), so batching changes
 * the speed only.  The block sums are kept from pass to pass: a row moves its
 * values from its old centre's sum to its new one's only when its label changes
 * (late iterations move few rows), which depends on the labels alone, not on
 * the threads. */

enum { R_RUN, R_FINAL, R_DONE };

typedef struct LRun {
	float *c, *cnew;     /* k x d, centred coordinates */
	int *labels;         /* n */
	double *sum, *cnt;   /* k x d, k */
	double *psum, *pcnt; /* per block: k x d, k */
	char *changed;       /* per block */
	size_t off;          /* its first column in the current pass */
	int state, it, why, update;
	double inertia;
	float *ub, *lb;      /* kmbound.h's bounds: n, G x n; or NULL */
	double *drift;       /* k: how far each centre moved in the last update */
	double *gdrift;      /* G: the largest drift of each group of centres */
	double cmax;         /* max ||c_j|| of the current centres */
	int bnd;             /* ub, lb hold for the centres before the last update */
} LRun;

/* Ask for a tile's rows in address order before the kernel reads them 8 rows at a
 * time (512-byte strides inside a page, which the hardware prefetcher does not
 * follow).  prefetcht2 (locality 1): prefetcht0 and prefetching further ahead
 * measured slower. */
static void
prefetch_rows(const float *x, size_t s, size_t e, size_t d)
{
	const char *p = (const char *)(x + s * d), *q = (const char *)(x + e * d);

	for (; p < q; p += 64)
		__builtin_prefetch(p, 0, 1);
}

/* groups of centres for the bounds (kmbound.h): k <= KMB_G, one bound per centre */
#define KMB_G 1

/* per thread: what a pass works in */
typedef struct PassTmp {
	float *D;            /* KROWS x mp values of the kernel */
	float *G;            /* KROWS x d: rows gathered for the kernel */
	size_t *idx;         /* block rows: the rows to compute */
	int *keep;           /* block rows: no label can change */
	int *nl;             /* runs x block rows (br apart): the new labels */
} PassTmp;

typedef struct Pass {
	const float *x;
	size_t n, d, k, br;
	LRun **act;          /* the runs in this pass */
	size_t na;
	const float *ct, *csq;
	size_t mp;
	PassTmp *tmp;        /* per thread */
	const float *xt;     /* x in tiles of LROWS rows for lanes_labels, or NULL */
	const double *xn;    /* n row norms for the bounds, or NULL: no bounds */
	const KmBound *kb;
} Pass;

/* row xi's label in run r becomes lab: its centre sums follow when r updates */
static void
relabel(LRun *r, size_t b, size_t k, size_t d, size_t i, const float *xi, int lab)
{
	int old = r->labels[i];

	r->labels[i] = lab;
	r->changed[b] = 1;
	if (!r->update)
		return;
	if (old >= 0) {
		r->pcnt[b * k + (size_t)old] -= 1;
		sub_row(r->psum + (b * k + (size_t)old) * d, xi, d);
	}
	r->pcnt[b * k + (size_t)lab] += 1;
	add_row(r->psum + (b * k + (size_t)lab) * d, xi, d);
}

/* the rows s .. e - 1 whose label may change in some run (all without bounds)
 * into T->idx (ascending), the old labels into T->nl; returns their count */
static size_t
select_rows(const Pass *P, PassTmp *T, size_t s, size_t e)
{
	int on = P->xn && P->act[0]->bnd; /* the runs of a batch start together */
	size_t i, q, nc = 0;
	LRun *r;

	for (i = 0; i < e - s; i++)
		T->keep[i] = on;
	for (q = 0; q < P->na; q++) {
		r = P->act[q];
		memcpy(T->nl + q * P->br, r->labels + s, (e - s) * sizeof(int));
		if (on)
			kmbound_keep(P->kb, e - s, P->xn + s, r->labels + s, r->drift, r->gdrift,
			    r->cmax, T->keep, r->ub + s, r->lb + s, P->n);
	}
	for (i = s; i < e; i++) { /* no branch: keep is unpredictable */
		T->idx[nc] = i;
		nc += !T->keep[i - s];
	}
	return nc;
}

/* The m rows idx[0 .. m) of the block starting at row s, their values in T->D
 * (row j's of run r at T->D + j * P->mp + r->off): their new labels into T->nl,
 * the bounds refreshed */
static void
tile_labels(const Pass *P, PassTmp *T, size_t s, const size_t *idx, size_t m)
{
	float u[KROWS], l[KMB_G * KROWS];
	double xn[KROWS];
	size_t q, j, g, G = P->kb->G;
	int lab[KROWS];
	LRun *r;

	for (j = 0; P->xn && j < m; j++)
		xn[j] = P->xn[idx[j]];
	for (q = 0; q < P->na; q++) {
		r = P->act[q];
		for (j = 0; j < m; j++)
			lab[j] = T->nl[q * P->br + idx[j] - s] = argmin(T->D + j * P->mp + r->off, P->k);
		if (!P->xn)
			continue;
		kmbound_fresh(P->kb, m, xn, r->cmax, lab, T->D + r->off, P->mp, 1, u, l, KROWS);
		for (j = 0; j < m; j++) {
			r->ub[idx[j]] = u[j];
			for (g = 0; g < G; g++)
				r->lb[g * P->n + idx[j]] = l[g * KROWS + j];
		}
	}
}

/* the kernel on the rows idx[0 .. nc) (ascending) of the block starting at row s,
 * KROWS at a time: consecutive rows read in place, others gathered first */
static void
compute_rows(const Pass *P, PassTmp *T, size_t s, const size_t *idx, size_t nc)
{
	size_t g, m, j, d = P->d;
	const float *xr;

	for (g = 0; g < nc; g += m) {
		m = nc - g < KROWS ? nc - g : KROWS;
		if (idx[g + m - 1] - idx[g] == m - 1) {
			xr = P->x + idx[g] * d;
			prefetch_rows(P->x, idx[g], idx[g] + m, d);
		} else {
			for (j = 0; j < m; j++)
				memcpy(T->G + j * d, P->x + idx[g + j] * d, d * sizeof(float));
			xr = T->G;
		}
		dist_tile(xr, m, d, P->ct, P->csq, P->mp, T->D);
		tile_labels(P, T, s, idx + g, m);
	}
}

/* rows to compute in a tile of LROWS from which lanes_labels does the whole tile
 * (below: they go to compute_rows, about twice its cost a row) */
#define LMIN 8

/* One run of k <= 8: the tiles of LROWS rows (block rows s .. e - 1) holding at
 * least LMIN of the nc rows T->idx by lanes_labels, all their rows; the other
 * rows compacted into T->idx, their count returned */
static size_t
lanes_tiles(const Pass *P, PassTmp *T, size_t s, size_t e, size_t nc)
{
#ifdef KM_X86
	size_t a = 0, c, out = 0, r0, m, d = P->d;
	float v[8 * LROWS];
	int lab[LROWS];
	LRun *r = P->act[0];

	for (r0 = s; r0 < e && a < nc; r0 += LROWS) {
		for (c = a; c < nc && T->idx[c] < r0 + LROWS; c++)
			;
		if (c - a < LMIN) {
			while (a < c)
				T->idx[out++] = T->idx[a++];
			continue;
		}
		a = c;
		m = e - r0 < LROWS ? e - r0 : LROWS;
		lanes_labels(P->xt + r0 * d, d, P->ct, P->csq, P->k, lab, P->xn ? v : NULL);
		memcpy(T->nl + r0 - s, lab, m * sizeof(int));
		if (P->xn)
			kmbound_fresh(P->kb, m, P->xn + r0, r->cmax, lab, v, 1, LROWS, r->ub + r0,
			    r->lb + r0, P->n);
	}
	return out;
#else
	(void)P, (void)T, (void)s, (void)e;
	return nc;
#endif
}

/* the new labels into the runs, in row order (the order of the centre sums) */
static void
apply_labels(const Pass *P, const PassTmp *T, size_t b, size_t s, size_t e)
{
	size_t i, q;
	LRun *r;
	int lab;

	for (i = s; i < e; i++)
		for (q = 0; q < P->na; q++) {
			r = P->act[q];
			lab = T->nl[q * P->br + i - s];
			if (r->labels[i] != lab)
				relabel(r, b, P->k, P->d, i, P->x + i * P->d, lab);
		}
}

/* block b's rows s .. e - 1 into P->xt (tiles of LROWS rows, feature-major, the
 * rows past n zero) */
static void
transpose_block(void *arg, size_t b, int tid)
{
	Pass *P = arg;
	size_t s = b * P->br, e = s + P->br, i, f, r0, d = P->d;
	float *t;

	(void)tid;
	for (r0 = s; r0 < e && r0 < P->n; r0 += LROWS)
		for (t = (float *)P->xt + r0 * d, i = 0; i < LROWS; i++)
			for (f = 0; f < d; f++)
				t[f * LROWS + i] = r0 + i < P->n ? P->x[(r0 + i) * d + f] : 0.0f;
}

/* pass_block without bounds: every row of s .. e - 1 through the kernel (by
 * lanes_labels for one run of k <= 8), the new labels applied as they come */
static void
pass_all(const Pass *P, PassTmp *T, size_t b, size_t s, size_t e)
{
	size_t r0, i, m, q, k = P->k, d = P->d, mp = P->mp, lr = P->xt && P->na == 1 ? LROWS : KROWS;
	int lab[LROWS];
	LRun *r;

	for (r0 = s; r0 < e; r0 += lr) {
		m = e - r0 < lr ? e - r0 : lr;
		if (lr == LROWS) {
			lanes_labels(P->xt + r0 * d, d, P->ct, P->csq, k, lab, NULL);
		} else {
			prefetch_rows(P->x, r0, r0 + m, d);
			dist_tile(P->x + r0 * d, m, d, P->ct, P->csq, mp, T->D);
		}
		for (i = 0; i < m; i++)
			for (q = 0; q < P->na; q++) {
				r = P->act[q];
				if (lr != LROWS)
					lab[0] = argmin(T->D + i * mp + r->off, k);
				if (r->labels[r0 + i] != lab[lr == LROWS ? i : 0])
					relabel(r, b, k, d, r0 + i, P->x + (r0 + i) * d, lab[lr == LROWS ? i : 0]);
			}
	}
}

/* A pass over block b: the rows whose labels may change (all without bounds)
 * through the kernel, then their new labels applied in row order. */
static void
pass_block(void *arg, size_t b, int tid)
{
	Pass *P = arg;
	PassTmp *T = &P->tmp[tid];
	size_t s = b * P->br, e = s + P->br, q, nc;

	if (e > P->n)
		e = P->n;
	for (q = 0; q < P->na; q++)
		P->act[q]->changed[b] = 0;
	if (!P->xn) {
		pass_all(P, T, b, s, e);
		return;
	}
	nc = select_rows(P, T, s, e);
	if (P->xt && P->na == 1)
		nc = lanes_tiles(P, T, s, e, nc);
	compute_rows(P, T, s, T->idx, nc);
	apply_labels(P, T, b, s, e);
}

typedef struct Far {
	const float *x, *c;
	const int *labels;
	size_t n, d, br;
	double *dist;
} Far;

static void
far_block(void *arg, size_t b, int tid)
{
	Far *F = arg;
	size_t s = b * F->br, e = s + F->br, i;

	if (e > F->n)
		e = F->n;
	for (i = s; i < e; i++)
		F->dist[i] = sqdist(F->x + i * F->d, F->c + (size_t)F->labels[i] * F->d, F->d);
}

/* _relocate_empty_clusters_dense: sums/counts in r->sum/cnt, old centres r->c;
 * dist: n doubles of scratch */
static void
relocate_empty(KMeans *km, LRun *r, size_t br, size_t nb, double *dist)
{
	size_t k = km->k, d = km->d, n = km->n, j, i, f, nempty = 0, *empty, far;
	double mx;
	Far F;
	int old;

	for (j = 0; j < k; j++)
		nempty += r->cnt[j] == 0;
	if (!nempty)
		return;
	F = (Far){ .x = km->x, .c = r->c, .labels = r->labels, .n = n, .d = d, .br = br, .dist = dist };
	pool_run(km->o.nthreads, nb, far_block, &F);
	mx = 0;
	for (i = 0; i < n; i++)
		if (dist[i] > mx)
			mx = dist[i];
	if (mx == 0) /* more clusters than distinct points: nothing to gain */
		return;
	empty = emallocarray(nempty, sizeof *empty);
	for (j = 0, nempty = 0; j < k; j++)
		if (r->cnt[j] == 0)
			empty[nempty++] = j;
	for (j = 0; j < nempty; j++) {
		/* the next farthest point (ties: lowest index); -1 marks used ones */
		far = 0;
		mx = -1;
		for (i = 0; i < n; i++)
			if (dist[i] > mx) {
				mx = dist[i];
				far = i;
			}
		if (mx < 0)
			break;
		dist[far] = -1;
		old = r->labels[far];
		for (f = 0; f < d; f++) {
			r->sum[(size_t)old * d + f] -= km->x[far * d + f];
			r->sum[empty[j] * d + f] = km->x[far * d + f];
		}
		r->cnt[empty[j]] = 1;
		r->cnt[old] -= 1;
	}
	free(empty);
}

/* the M step of a run after a pass: new centres, shift, convergence; with kb,
 * the centres' drifts for the bounds */
static void
run_update(KMeans *km, LRun *r, size_t br, size_t nb, double *dist, const KmBound *kb)
{
	size_t k = km->k, d = km->d, b, j, f;
	double shift = 0, t;
	int changed = 0;
	float *tmp;

	memset(r->sum, 0, k * d * sizeof(double));
	memset(r->cnt, 0, k * sizeof(double));
	for (b = 0; b < nb; b++) { /* block order: independent of the threads */
		const double *ps = r->psum + b * k * d, *pc = r->pcnt + b * k;
		for (j = 0; j < k * d; j++)
			r->sum[j] += ps[j];
		for (j = 0; j < k; j++)
			r->cnt[j] += pc[j];
		changed |= r->changed[b];
	}
	relocate_empty(km, r, br, nb, dist);
	for (j = 0; j < k; j++)
		for (f = 0; f < d; f++) {
			t = r->sum[j * d + f];
			if (r->cnt[j] > 0)
				t /= r->cnt[j];
			r->cnew[j * d + f] = (float)t;
			t = (double)r->cnew[j * d + f] - r->c[j * d + f];
			shift += t * t;
		}
	if (kb)
		kmbound_drifts(kb, r->c, r->cnew, d, r->drift, r->gdrift);
	tmp = r->c;
	r->c = r->cnew;
	r->cnew = tmp;
	r->it++;
	if (!changed) {
		r->why = 1; /* strict convergence: no final assignment */
		r->state = R_DONE;
	} else if (shift <= km->priv->tolabs) {
		r->why = 2;
		r->state = R_FINAL;
	} else if (r->it >= km->o.max_iter) {
		r->state = R_FINAL;
	}
}

/* ---- inertia ---- */

typedef struct In {
	const float *x;
	size_t n, d, br;
	LRun **runs;
	size_t nr;
	double *pbuf;        /* per block and run */
} In;

static void
inertia_block(void *arg, size_t b, int tid)
{
	In *Ia = arg;
	size_t s = b * Ia->br, e = s + Ia->br, i, q, q0, m;
	const float *xi, *cp[SQ_CHUNK];
	double dv[SQ_CHUNK];
	LRun *r;

	if (e > Ia->n)
		e = Ia->n;
	for (q = 0; q < Ia->nr; q++)
		Ia->pbuf[b * Ia->nr + q] = 0;
	for (i = s; i < e; i++) {
		xi = Ia->x + i * Ia->d;
		for (q0 = 0; q0 < Ia->nr; q0 += m) {
			m = Ia->nr - q0 < SQ_CHUNK ? Ia->nr - q0 : SQ_CHUNK;
			for (q = 0; q < m; q++) {
				r = Ia->runs[q0 + q];
				cp[q] = r->c + (size_t)r->labels[i] * Ia->d;
			}
			sqdist_many(xi, cp, m, Ia->d, dv);
			for (q = 0; q < m; q++)
				Ia->pbuf[b * Ia->nr + q0 + q] += dv[q];
		}
	}
}

/* inertia of nr runs in one pass (block partial sums added in block order) */
static void
inertia_all(KMeans *km, LRun **runs, size_t nr, size_t br, size_t nb)
{
	In Ia = { .x = km->x, .n = km->n, .d = km->d, .br = br, .runs = runs, .nr = nr };
	size_t b, q;

	Ia.pbuf = emallocarray(nb * nr, sizeof(double));
	pool_run(km->o.nthreads, nb, inertia_block, &Ia);
	for (q = 0; q < nr; q++) {
		runs[q]->inertia = 0;
		for (b = 0; b < nb; b++)
			runs[q]->inertia += Ia.pbuf[b * nr + q];
	}
	free(Ia.pbuf);
}

/* What kmeans_do works in: R runs at a time (their generators, initial centres
 * cen R x k x d, Lloyd state), the packed centres of a pass (ct, csq, cbuf; mpmax
 * columns), n doubles for the relocation, per-thread pass scratch; for the bounds
 * (unless SV_KMEANS_NOBOUNDS is set), the row norms xn and kmbound's constants. */
typedef struct Work {
	size_t R, mpmax, br, nb;
	Rng *rng;
	float *cen, *ct, *csq, *cbuf;
	PassTmp *tmp;
	double *dist, *xn;
	KmBound kb;
	int force;           /* SV_KMEANS_BOUNDS set: bounds on the lanes path too */
	LRun *runs;
} Work;

/* One pass of lloyd_batch over the data for the runs not done (into P->act, with
 * their packed centres); 0 when every run is done. */
static int
lloyd_pass(KMeans *km, Work *w, Pass *P, size_t nr)
{
	size_t k = km->k, d = km->d, q, i, na;
	LRun *r;

	for (q = 0, na = 0; q < nr; q++) {
		r = &w->runs[q];
		if (r->state == R_DONE)
			continue;
		r->off = na * k;
		r->update = r->state == R_RUN;
		if (w->xn)
			r->cmax = kmbound_cmax(&w->kb, r->c, d);
		memcpy(w->cbuf + na * k * d, r->c, k * d * sizeof(float));
		P->act[na++] = r;
	}
	if (!na)
		return 0;
	P->na = na;
	P->mp = padded(na * k);
	pack_cols(w->cbuf, na * k, d, w->ct);
	row_sqnorms(w->cbuf, na * k, d, w->csq);
	for (i = na * k; i < P->mp; i++)
		w->csq[i] = 0;
	pool_run(km->o.nthreads, w->nb, pass_block, P);
	return 1;
}

/* 1 when a batch of nr runs takes lanes_labels' path (one run, k <= 8, AVX-512).
 * This function can't fail. */
static int
lanes_path(const KMeans *km, size_t nr, size_t br)
{
#ifdef KM_X86
	return nr == 1 && km->k <= 8 && dist_tile_pick() == dist_tile_avx512 && br % LROWS == 0;
#else
	(void)km, (void)nr, (void)br;
	return 0;
#endif
}

/* Lloyd for the runs w->runs[0..nr-1] (initial centres in their c) in lockstep */
static void
lloyd_batch(KMeans *km, Work *w, size_t nr, Progress *pg)
{
	size_t k = km->k, d = km->d, n = km->n, q, i;
	LRun **act = emallocarray(nr, sizeof *act), *runs = w->runs;
	unsigned long it = 0;
	float *xt = NULL;
	Pass P;

	for (q = 0; q < nr; q++) {
		runs[q].state = km->o.max_iter > 0 ? R_RUN : R_FINAL;
		runs[q].it = 0;
		runs[q].why = 0;
		runs[q].bnd = 0;
		for (i = 0; i < n; i++)
			runs[q].labels[i] = -1;
		memset(runs[q].psum, 0, w->nb * k * d * sizeof(double));
		memset(runs[q].pcnt, 0, w->nb * k * sizeof(double));
	}
	P = (Pass){ .x = km->x, .n = n, .d = d, .k = k, .br = w->br, .act = act, .ct = w->ct,
	    .csq = w->csq, .tmp = w->tmp, .xn = w->xn, .kb = &w->kb };
	if (lanes_path(km, nr, w->br)) {
		xt = ehugebuf(w->nb * w->br, d * sizeof(float));
		P.xt = xt;
		pool_run(km->o.nthreads, w->nb, transpose_block, &P);
		if (!w->force)
			P.xn = NULL;
	}
	while (lloyd_pass(km, w, &P, nr)) {
		for (q = 0; q < P.na && !act[q]->update; q++)
			;
		if (q < P.na) /* an iteration, not only the final assignment */
			progress_do(pg, ++it);
		for (q = 0; q < P.na; q++) {
			act[q]->bnd = P.xn != NULL;
			if (act[q]->state == R_FINAL)
				act[q]->state = R_DONE;
			else
				run_update(km, act[q], w->br, w->nb, w->dist, w->xn ? &w->kb : NULL);
		}
	}
	for (q = 0; q < nr; q++)
		act[q] = &runs[q];
	inertia_all(km, act, nr, w->br, w->nb);
	free(act), free(xt);
}

/* ---- k-means++, all runs at once ----
 * The runs are independent, so their candidate distances are computed in the
 * same passes over the data: one kernel pass with the t candidates of every run,
 * then one that updates each run's closest distances.  Each run draws from its
 * own generator in the same order as a lone run would. */

typedef struct PP {
	const float *x, *xsq, *cand;
	size_t n, d, br, nc;
	const size_t *owner; /* run of each candidate */
	double *csq;         /* nc */
	float *ct, *zero;    /* packed candidates, mp zeros */
	size_t mp;
	float **scratch;     /* per thread: KROWS x mp */
	double *closest;     /* runs x n */
	double *pbuf;        /* per block: nc potentials */
	int update;          /* closest[owner] = min(closest, distance) */
} PP;

static void
pp_block(void *arg, size_t b, int tid)
{
	PP *P = arg;
	size_t s = b * P->br, e = s + P->br, m, i, c, nc = P->nc, d = P->d, mp = P->mp, s0;
	float *D = P->scratch[tid];
	double dd, *pot = P->pbuf + b * nc, *cl;

	if (e > P->n)
		e = P->n;
	for (c = 0; c < nc; c++)
		pot[c] = 0;
	for (s0 = s; s0 < e; s0 += KROWS) {
		s = s0;
		m = e - s < KROWS ? e - s : KROWS;
		prefetch_rows(P->x, s, s + m, d);
		dist_tile(P->x + s * d, m, d, P->ct, P->zero, mp, D); /* -2 x.c */
		for (i = 0; i < m; i++)
			for (c = 0; c < nc; c++) {
				dd = (double)P->xsq[s + i] + P->csq[c] + D[i * mp + c];
				if (dd < 0)
					dd = 0;
				cl = P->closest + P->owner[c] * P->n + s + i;
				if (dd > *cl)
					dd = *cl;
				pot[c] += dd;
				if (P->update)
					*cl = dd;
			}
	}
}

static void
pp_pass(PP *P, KMeans *km, size_t nb, const float *cand, size_t nc, const size_t *owner,
    int update, double *pots)
{
	size_t b, c, f;

	P->cand = cand;
	P->nc = nc;
	P->owner = owner;
	P->update = update;
	P->mp = padded(nc);
	pack_cols(cand, nc, P->d, P->ct);
	for (c = 0; c < nc; c++) {
		P->csq[c] = 0;
		for (f = 0; f < P->d; f++)
			P->csq[c] += (double)cand[c * P->d + f] * cand[c * P->d + f];
	}
	pool_run(km->o.nthreads, nb, pp_block, P);
	for (c = 0; c < nc; c++) {
		pots[c] = 0;
		for (b = 0; b < nb; b++)
			pots[c] += P->pbuf[b * nc + c];
	}
}

/* The buffers of k-means++ for R runs of t candidates each (nc = R t): the
 * candidates, each run's chosen centre (sel), the run of each candidate (owner;
 * own1: run q for q < R), potentials per run and per candidate, and the pass's
 * own (PP). */
typedef struct PlusPlus {
	size_t R, t, nc;
	size_t *owner, *own1;
	float *cand, *sel;
	double *pot, *pots;
	PP P;
} PlusPlus;

static void
pp_init(PlusPlus *pp, KMeans *km, size_t br, size_t nb, size_t R)
{
	size_t n = km->n, d = km->d, t, nc, q, j, i;
	int tid;

	pp->R = R;
	pp->t = t = 2 + (size_t)log((double)km->k);
	pp->nc = nc = R * t;
	pp->cand = emallocarray(nc * d, sizeof(float));
	pp->sel = emallocarray(R * d, sizeof(float));
	pp->owner = emallocarray(nc, sizeof *pp->owner);
	pp->own1 = emallocarray(R, sizeof *pp->own1);
	pp->pot = emallocarray(R, sizeof(double));
	pp->pots = emallocarray(nc, sizeof(double));
	for (q = 0; q < R; q++) {
		pp->own1[q] = q;
		for (j = 0; j < t; j++)
			pp->owner[q * t + j] = q;
	}
	pp->P = (PP){ .x = km->x, .xsq = km->priv->xsq, .n = n, .d = d, .br = br };
	pp->P.pbuf = emallocarray(nb * nc, sizeof(double));
	pp->P.csq = emallocarray(nc, sizeof(double));
	pp->P.closest = emallocarray(R * n, sizeof(double));
	pp->P.scratch = ecalloc(km->o.nthreads, sizeof(float *));
	for (tid = 0; tid < km->o.nthreads; tid++)
		pp->P.scratch[tid] = emallocarray(KROWS * padded(nc), sizeof(float));
	pp->P.ct = emallocarray(padded(nc) * d, sizeof(float));
	pp->P.zero = ecalloc(padded(nc), sizeof(float));
	for (i = 0; i < R * n; i++)
		pp->P.closest[i] = INFINITY;
}

static void
pp_free(PlusPlus *pp, int nthreads)
{
	int tid;

	for (tid = 0; tid < nthreads; tid++)
		free(pp->P.scratch[tid]);
	free(pp->P.scratch);
	free(pp->P.ct);
	free(pp->P.zero);
	free(pp->P.closest);
	free(pp->P.csq);
	free(pp->P.pbuf);
	free(pp->cand), free(pp->sel), free(pp->owner), free(pp->own1);
	free(pp->pot), free(pp->pots);
}

/* the t candidates of each run: points drawn with probability proportional to
 * their squared distance to the run's nearest centre (searchsorted(cumsum(closest),
 * rv), side left, clipped) */
static void
pp_draw(PlusPlus *pp, KMeans *km, Rng *rng)
{
	size_t n = km->n, d = km->d, q, j, i;
	const double *cl;
	double rv, cum;

	for (q = 0; q < pp->R; q++) {
		cl = pp->P.closest + q * n;
		for (j = 0; j < pp->t; j++) {
			rv = rng_uniform(&rng[q]) * pp->pot[q];
			cum = 0;
			for (i = 0; i < n; i++) {
				cum += cl[i];
				if (cum >= rv)
					break;
			}
			if (i >= n)
				i = n - 1;
			memcpy(pp->cand + (q * pp->t + j) * d, km->x + i * d, d * sizeof(float));
		}
	}
}

/* centres of R runs into cen (R x k x d): the greedy k-means++ of each */
static void
init_plusplus_all(KMeans *km, size_t br, size_t nb, size_t R, Rng *rng, float *cen)
{
	size_t d = km->d, k = km->k, c, i, j, q, best;
	PlusPlus pp;

	pp_init(&pp, km, br, nb, R);
	for (q = 0; q < R; q++) { /* the first centre: uniform */
		i = rng_below(&rng[q], km->n);
		memcpy(cen + q * k * d, km->x + i * d, d * sizeof(float));
		memcpy(pp.sel + q * d, km->x + i * d, d * sizeof(float));
	}
	pp_pass(&pp.P, km, nb, pp.sel, R, pp.own1, 1, pp.pot);
	for (c = 1; c < k; c++) {
		pp_draw(&pp, km, rng);
		pp_pass(&pp.P, km, nb, pp.cand, pp.nc, pp.owner, 0, pp.pots);
		for (q = 0; q < R; q++) { /* the candidate of the smallest potential */
			const float *win;
			best = 0;
			for (j = 1; j < pp.t; j++)
				if (pp.pots[q * pp.t + j] < pp.pots[q * pp.t + best])
					best = j;
			win = pp.cand + (q * pp.t + best) * d;
			memcpy(cen + (q * k + c) * d, win, d * sizeof(float));
			memcpy(pp.sel + q * d, win, d * sizeof(float));
		}
		pp_pass(&pp.P, km, nb, pp.sel, R, pp.own1, 1, pp.pot);
	}
	pp_free(&pp, km->o.nthreads);
}

static void
init_random(KMeans *km, Rng *rng, float *cen)
{
	size_t *id = emallocarray(km->k, sizeof *id), c, j, i;

	for (c = 0; c < km->k; c++) {
	again:
		i = rng_below(rng, km->n);
		for (j = 0; j < c; j++)
			if (id[j] == i)
				goto again;
		id[c] = i;
		memcpy(cen + c * km->d, km->x + i * km->d, km->d * sizeof(float));
	}
	free(id);
}

/* ---- the fit ---- */

void
kmeans_defaults(KMeansOpt *o)
{
	memset(o, 0, sizeof *o);
	o->k = 5;
	o->n_init = 10;
	o->max_iter = 100;
	o->tol = 1e-4;
	o->init = KM_PLUSPLUS;
	o->nthreads = 1;
}

/* numpy's float32 X.mean(axis=0) of x (n x d) into mean: sequential float32 sums,
 * float32 division */
HOT static void
col_means(const float *x, size_t n, size_t d, float *mean)
{
	size_t i, f;

	for (i = 0; i < n; i++)
		for (f = 0; f < d; f++)
			mean[f] += x[i * d + f];
	for (f = 0; f < d; f++)
		mean[f] = mean[f] / (float)n;
}

/* x -= sub row by row (sub NULL: x is centred already), then of the centred x:
 * ||x_i||^2 into xsq (unless NULL) and tol * the mean of the per-feature
 * variances, returned.  The centring, the column sums of the variance's mean and
 * the norms share one pass over the rows (the data are read twice in all, not
 * four times); d double accumulators. */
HOT static double
centre_stats(float *x, size_t n, size_t d, const float *sub, double tol, float *xsq)
{
	double *acc = ecalloc(2 * d, sizeof(double)), t, vs = 0, q;
	size_t i, f;
	float *xi;

	for (i = 0; i < n; i++) {
		xi = x + i * d;
		for (f = 0; sub && f < d; f++)
			xi[f] -= sub[f];
		for (f = 0; f < d; f++)
			acc[f] += xi[f];
		for (f = 0, q = 0; xsq && f < d; f++)
			q += (double)xi[f] * xi[f];
		if (xsq)
			xsq[i] = (float)q;
	}
	for (f = 0; f < d; f++)
		acc[f] /= (double)n;
	for (i = 0; i < n; i++)
		for (f = 0; f < d; f++) {
			t = x[i * d + f] - acc[f];
			acc[d + f] += t * t;
		}
	for (f = 0; f < d; f++)
		vs += acc[d + f] / (double)n;
	free(acc);
	return d ? vs / (double)d * tol : 0;
}

KMeans *
new_kmeans(float *x, size_t n, size_t d, const KMeansOpt *o)
{
	KMeans *km = ecalloc(1, sizeof *km);

	km->priv = ecalloc(1, sizeof *km->priv);
	km->o = *o;
	if (km->o.nthreads < 1)
		km->o.nthreads = 1;
	if (km->o.init == KM_GIVEN)
		km->o.n_init = 1;
	if (km->o.n_init < 1)
		km->o.n_init = 1;
	km->n = n;
	km->d = d;
	km->k = o->k;
	km->x = x;
	km->mean = ecalloc(d, sizeof(float));
	if (o->premean)
		memcpy(km->mean, o->premean, d * sizeof(float));
	else
		col_means(x, n, d, km->mean);
	km->o.premean = NULL;
	if (km->o.init == KM_PLUSPLUS) /* the norms are k-means++'s */
		km->priv->xsq = emallocarray(n, sizeof(float));
	km->priv->tolabs = centre_stats(x, n, d, o->premean ? NULL : km->mean, o->tol,
	    km->priv->xsq);
	km->centers = ecalloc(km->k * d, sizeof(float));
	km->ccenters = ecalloc(km->k * d, sizeof(float));
	km->labels = emallocarray(n, sizeof(int));
	km->inertia = INFINITY;
	dist_tile_pick(); /* before the threads */
	return km;
}

/* Runs per batch: initialised together (k-means++ keeps n doubles per run), then
 * Lloyd in lockstep (k x d doubles per run and block of partial sums); at most
 * d/4 runs and 256 centres, partial sums under 256 MiB.  This function can't fail. */
static size_t
batch_runs(const KMeans *km, size_t nb)
{
	size_t R = km->d / 4 < 1 ? 1 : km->d / 4, k = km->k, d = km->d;

	if (R > (size_t)km->o.n_init)
		R = (size_t)km->o.n_init;
	while (R > 1 && (R * k > 256 || R * nb * k * d * sizeof(double) > ((size_t)256 << 20)))
		R--;
	return R;
}

typedef struct Norms {
	const float *x;
	size_t n, d, br;
	double *xn;
} Norms;

static void
norms_block(void *arg, size_t b, int tid)
{
	Norms *N = arg;
	size_t i, e = (b + 1) * N->br < N->n ? (b + 1) * N->br : N->n;

	(void)tid;
	for (i = b * N->br; i < e; i++)
		N->xn[i] = kmbound_norm(N->x + i * N->d, N->d);
}

/* The bounds' row norms and constants; w->xn NULL: no bounds, when
 * SV_KMEANS_NOBOUNDS is set and not empty, or when every batch takes the lanes path
 * (one run, k <= 8, AVX-512), unless SV_KMEANS_BOUNDS is set and not empty: there,
 * at 20000 x 64, k = 8 (gmm -I's k-means), the bounds measured slower (37 against
 * 31 ms): the lanes kernel costs about 16 cycles a row, no more than the bounds'
 * own work on the rows computed, and on such overlapping data a third of the rows
 * fail the test in mid-run, each computed alone at twice its share of a tile.
 * Exits only when memory runs out. */
static void
work_bounds(Work *w, const KMeans *km)
{
	const char *e = getenv("SV_KMEANS_NOBOUNDS"), *f = getenv("SV_KMEANS_BOUNDS");
	Norms N;

	w->xn = NULL;
	w->force = f && *f;
	if ((e && *e) || (!w->force && lanes_path(km, w->R, w->br)))
		return;
	kmbound_init(&w->kb, km->d, km->k, KMB_G);
	w->xn = emallocarray(km->n, sizeof(double));
	N = (Norms){ .x = km->x, .n = km->n, .d = km->d, .br = w->br, .xn = w->xn };
	pool_run(km->o.nthreads, w->nb, norms_block, &N);
}

static void
work_init(Work *w, const KMeans *km)
{
	size_t k = km->k, d = km->d, n = km->n, q, R;
	int tid;
	LRun *r;

	w->br = block_rows(k);
	w->nb = (n + w->br - 1) / w->br;
	w->R = R = batch_runs(km, w->nb);
	w->mpmax = padded(R * k);
	w->rng = emallocarray(R, sizeof *w->rng);
	w->cen = emallocarray(R * k * d, sizeof(float));
	w->ct = emallocarray(w->mpmax * d, sizeof(float));
	w->csq = emallocarray(w->mpmax, sizeof(float));
	w->cbuf = emallocarray(R * k * d, sizeof(float));
	w->dist = emallocarray(n, sizeof(double));
	w->tmp = ecalloc(km->o.nthreads, sizeof *w->tmp);
	for (tid = 0; tid < km->o.nthreads; tid++) {
		w->tmp[tid].D = emallocarray(KROWS * w->mpmax, sizeof(float));
		w->tmp[tid].G = emallocarray(KROWS * d, sizeof(float));
		w->tmp[tid].idx = emallocarray(w->br, sizeof(size_t));
		w->tmp[tid].keep = emallocarray(w->br, sizeof(int));
		w->tmp[tid].nl = emallocarray(w->br * R, sizeof(int));
	}
	work_bounds(w, km);
	w->runs = ecalloc(R, sizeof *w->runs);
	for (q = 0; q < R; q++) {
		r = &w->runs[q];
		r->c = emallocarray(k * d, sizeof(float));
		r->cnew = emallocarray(k * d, sizeof(float));
		r->labels = emallocarray(n, sizeof(int));
		r->sum = emallocarray(k * d, sizeof(double));
		r->cnt = emallocarray(k, sizeof(double));
		r->psum = emallocarray(w->nb * k * d, sizeof(double));
		r->pcnt = emallocarray(w->nb * k, sizeof(double));
		r->changed = emalloc(w->nb);
		if (w->xn) {
			r->ub = emallocarray(n, sizeof(float));
			r->lb = emallocarray(n, w->kb.G * sizeof(float));
			r->drift = emallocarray(k, sizeof(double));
			r->gdrift = emallocarray(w->kb.G, sizeof(double));
		}
	}
}

static void
work_free(Work *w, int nthreads)
{
	size_t q;
	int tid;
	LRun *r;

	for (q = 0; q < w->R; q++) {
		r = &w->runs[q];
		free(r->c), free(r->cnew), free(r->labels), free(r->sum), free(r->cnt);
		free(r->psum), free(r->pcnt), free(r->changed);
		free(r->ub), free(r->lb), free(r->drift), free(r->gdrift);
	}
	free(w->runs);
	for (tid = 0; tid < nthreads; tid++) {
		free(w->tmp[tid].D), free(w->tmp[tid].G), free(w->tmp[tid].idx);
		free(w->tmp[tid].keep), free(w->tmp[tid].nl);
	}
	free(w->tmp);
	free(w->rng), free(w->cen), free(w->ct), free(w->csq), free(w->cbuf), free(w->dist);
	free(w->xn);
}

/* initial centres of runs run .. run+nr-1 into their LRuns */
static void
init_runs(KMeans *km, Work *w, int run, size_t nr)
{
	size_t k = km->k, d = km->d, q, i, f;

	for (q = 0; q < nr; q++)
		rng_seed(&w->rng[q], km->o.seed, (uint64_t)run + q);
	if (km->o.init == KM_GIVEN) {
		for (i = 0; i < k; i++)
			for (f = 0; f < d; f++)
				w->cen[i * d + f] = km->o.init_centers[i * d + f] - km->mean[f];
	} else if (km->o.init == KM_RANDOM) {
		for (q = 0; q < nr; q++)
			init_random(km, &w->rng[q], w->cen + q * k * d);
	} else {
		init_plusplus_all(km, w->br, w->nb, nr, w->rng, w->cen);
	}
	for (q = 0; q < nr; q++)
		memcpy(w->runs[q].c, w->cen + q * k * d, k * d * sizeof(float));
}

/* after a batch: each run's line under -v; the best (lowest inertia, the first on
 * ties) so far kept in km */
static void
keep_best(KMeans *km, const Work *w, int run, size_t nr)
{
	const LRun *r;
	size_t q;

	for (q = 0; q < nr; q++) {
		r = &w->runs[q];
		if (km->o.verbose) {
			progress_clear();
			fprintf(stderr, "%s: k=%zu run %d: inertia %.9g, %d iterations (%s)\n", argv0,
			    km->k, run + (int)q + 1, r->inertia, r->it,
			    r->why == 1 ? "labels unchanged" :
			    r->why == 2 ? "centre shift within tol" : "max_iter");
		}
		if (r->inertia < km->inertia) {
			km->inertia = r->inertia;
			km->n_iter = r->it;
			km->best_run = run + (int)q;
			memcpy(km->labels, r->labels, km->n * sizeof(int));
			memcpy(km->ccenters, r->c, km->k * km->d * sizeof(float));
		}
	}
}

/* the best run's centres in the original coordinates, its distinct labels */
static void
finish(KMeans *km)
{
	size_t k = km->k, d = km->d, i, f;
	char *seen = ecalloc(k, 1);

	for (i = 0; i < k; i++)
		for (f = 0; f < d; f++)
			km->centers[i * d + f] = km->ccenters[i * d + f] + km->mean[f];
	km->distinct = 0;
	for (i = 0; i < km->n; i++)
		if (!seen[km->labels[i]]) {
			seen[km->labels[i]] = 1;
			km->distinct++;
		}
	free(seen);
}

void
kmeans_do(KMeans *km)
{
	Work w;
	size_t nr;
	int run, n_init = km->o.n_init;
	Progress *runs = new_subprogress(km->o.progress, "runs", (unsigned long)n_init), *its;

	work_init(&w, km);
	for (run = 0; run < n_init; run += (int)w.R) {
		nr = (size_t)(n_init - run) < w.R ? (size_t)(n_init - run) : w.R;
		init_runs(km, &w, run, nr);
		/* the runs of a batch iterate in lockstep: one count for them all */
		its = new_subprogress(runs, "iterations", (unsigned long)km->o.max_iter);
		lloyd_batch(km, &w, nr, its);
		del_progress(its);
		keep_best(km, &w, run, nr);
		progress_do(runs, (unsigned long)run + nr);
	}
	del_progress(runs);
	finish(km);
	work_free(&w, km->o.nthreads);
}

void
del_kmeans(KMeans *km)
{
	if (!km)
		return;
	free(km->mean);
	free(km->centers);
	free(km->ccenters);
	free(km->labels);
	free(km->priv->xsq);
	free(km->priv);
	free(km);
}

/* ---- assigning and measuring ---- */

typedef struct Asg {
	const float *x, *c;
	size_t n, d, k, br, mp;
	float *csq, *ct;     /* packed centres for the kernel */
	float **scratch;     /* per thread: KROWS x mp */
	int *label;
	const int *given;
	float *dist, *conf;
} Asg;

/* the squared distances of x to centre lab (*d1) and to the nearest other one of
 * the k (*d2; INFINITY for k = 1) */
static void
nearest_two(const float *x, const float *c, size_t k, size_t d, int lab, double *d1, double *d2)
{
	const float *cp[SQ_CHUNK];
	double dv[SQ_CHUNK];
	size_t j0, j, m;

	*d2 = INFINITY;
	for (j0 = 0; j0 < k; j0 += m) {
		m = k - j0 < SQ_CHUNK ? k - j0 : SQ_CHUNK;
		for (j = 0; j < m; j++)
			cp[j] = c + (j0 + j) * d;
		sqdist_many(x, cp, m, d, dv);
		for (j = 0; j < m; j++)
			if ((int)(j0 + j) == lab)
				*d1 = dv[j];
			else if (dv[j] < *d2)
				*d2 = dv[j];
	}
}

static void
assign_block(void *arg, size_t b, int tid)
{
	Asg *A = arg;
	size_t s = b * A->br, e = s + A->br, m, i, k = A->k, d = A->d, s0;
	float *D = A->scratch[tid];
	double d1, d2, t;
	int lab;

	if (e > A->n)
		e = A->n;
	for (s0 = s; !A->given && s0 < e; s0 += KROWS) {
		m = e - s0 < KROWS ? e - s0 : KROWS;
		prefetch_rows(A->x, s0, s0 + m, d);
		dist_tile(A->x + s0 * d, m, d, A->ct, A->csq, A->mp, D);
		for (i = 0; i < m; i++) {
			lab = argmin(D + i * A->mp, k);
			if (A->label)
				A->label[s0 + i] = lab;
		}
	}
	if (!A->dist && !A->conf)
		return;
	for (i = s; i < e; i++) {
		lab = A->given ? A->given[i] : A->label[i];
		nearest_two(A->x + i * d, A->c, k, d, lab, &d1, &d2);
		d1 = sqrt(d1);
		d2 = sqrt(d2);
		if (A->dist)
			A->dist[i] = (float)d1;
		if (A->conf) {
			if (k == 1)
				t = 1;
			else if (d2 == 0)
				t = 0;
			else
				t = 1 - d1 / d2;
			A->conf[i] = (float)(t < 0 ? 0 : t > 1 ? 1 : t);
		}
	}
}

static void
assign_run(Asg *A, int nthreads)
{
	int tid;

	if (nthreads < 1)
		nthreads = 1;
	dist_tile_pick(); /* before the threads */
	A->br = block_rows(A->k);
	A->mp = padded(A->k);
	A->csq = ecalloc(A->mp, sizeof(float));
	row_sqnorms(A->c, A->k, A->d, A->csq);
	A->scratch = ecalloc(nthreads, sizeof(float *));
	if (!A->given) {
		A->ct = emallocarray(A->mp * A->d, sizeof(float));
		pack_cols(A->c, A->k, A->d, A->ct);
		for (tid = 0; tid < nthreads; tid++)
			A->scratch[tid] = emallocarray(KROWS * A->mp, sizeof(float));
	}
	pool_run(nthreads, (A->n + A->br - 1) / A->br, assign_block, A);
	for (tid = 0; tid < nthreads; tid++)
		free(A->scratch[tid]);
	free(A->scratch);
	free(A->csq);
	free(A->ct);
}

void
kmeans_assign(const float *x, size_t n, size_t d, const float *c, size_t k, int nthreads,
    int *label, float *dist, float *conf)
{
	Asg A = { .x = x, .c = c, .n = n, .d = d, .k = k, .dist = dist, .conf = conf };
	int *own = NULL;

	if (!label && (dist || conf))
		label = own = emallocarray(n, sizeof(int));
	A.label = label;
	assign_run(&A, nthreads);
	free(own);
}

void
kmeans_measure(const float *x, size_t n, size_t d, const float *c, size_t k, int nthreads,
    const int *label, float *dist, float *conf)
{
	Asg A = { .x = x, .c = c, .n = n, .d = d, .k = k, .given = label, .dist = dist,
	    .conf = conf };

	assign_run(&A, nthreads);
}

int
kmeans_parse_init(KMeansOpt *o, const char *name)
{
	if (!strcmp(name, "kmeans++") || !strcmp(name, "k-means++"))
		o->init = KM_PLUSPLUS;
	else if (!strcmp(name, "random"))
		o->init = KM_RANDOM;
	else {
		weprintf("-i: invalid value '%s' (kmeans++ or random)", name);
		return -1;
	}
	return 0;
}

int
kmeans_threads(KMeansOpt *o, int nt)
{
	nt = blas_threads(nt);
	if (o->verbose)
		blas_report(stderr);
	blas_single(); /* its server threads would spin beside the workers */
	o->nthreads = nt;
	return nt;
}
