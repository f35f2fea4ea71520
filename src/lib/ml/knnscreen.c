/* knnscreen.c — leaves of nearby points and the leaf pairs that can hold a pair
 * within a radius (see knnscreen.h). */
#include "ml/knnscreen.h"
#include "ml/knn.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/util.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_SIZE 64      /* points per k-means cell, on average */
#define MAX_CELLS 1024
#define SAMPLE_PER_CELL 12 /* the k-means sample */
#define ROUNDS 4          /* of Lloyd's iterations on the sample */
#define GIVE_UP 0.5       /* no screen when its partners hold more of the pairs */
#define LEAF 256          /* points per leaf at most (more when n is large) */
#define ROWS 512          /* rows per sgemm of the assignment */
#define SEED 0x5c7ee9     /* the sample's: fixed, the leaves change only the speed */
#define U (FLT_EPSILON / 2)
#define MODERATE 1e15f    /* the largest coordinate screened (squares of sums stay finite) */

typedef struct Work {
	const float *y;
	size_t n, d, k;
	const float *c;     /* k x d centres (assignment) or leaf centroids (bounds) */
	float *half;        /* assignment: ||c||^2 / 2 */
	size_t (*nearest)(const float *, const float *, size_t);
	size_t *label;
	float **buf;        /* per thread: ROWS x k scores (bounds: a leaf x nl) */
	const size_t *lo;   /* bounds: the leaves of y (y permuted) */
	float *h;           /* bounds: nl x nl, h[A][B] = max over x in A of x.(cB - cA) */
} Work;

/* the first c maximising s[c] - half[c], c < k */
static size_t
nearest_generic(const float *s, const float *half, size_t k)
{
	float bv = -INFINITY, v;
	size_t c, best = 0;

	for (c = 0; c < k; c++)
		if ((v = s[c] - half[c]) > bv)
			bv = v, best = c;
	return best;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
/* nearest_generic by 16 lanes, each keeping its first maximum */
__attribute__((target("avx512f"))) static size_t
nearest_avx512(const float *s, const float *half, size_t k)
{
	__m512 bv = _mm512_set1_ps(-INFINITY), v;
	__m512i bi = _mm512_setzero_si512(), ix = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7,
	    8, 9, 10, 11, 12, 13, 14, 15), step = _mm512_set1_epi32(16);
	__mmask16 m;
	float lv[16];
	int li[16], l;
	size_t c, best = 0;
	float b = -INFINITY;

	for (c = 0; c + 16 <= k; c += 16) { /* k <= MAX_CELLS: the lanes count in int */
		v = _mm512_sub_ps(_mm512_loadu_ps(s + c), _mm512_loadu_ps(half + c));
		m = _mm512_cmp_ps_mask(v, bv, _CMP_GT_OQ);
		bv = _mm512_mask_mov_ps(bv, m, v);
		bi = _mm512_mask_mov_epi32(bi, m, ix);
		ix = _mm512_add_epi32(ix, step);
	}
	_mm512_storeu_ps(lv, bv);
	_mm512_storeu_si512(li, bi);
	for (l = 0; l < 16; l++)
		if (lv[l] > b || (lv[l] == b && (size_t)li[l] < best))
			b = lv[l], best = (size_t)li[l];
	for (; c < k; c++)
		if (s[c] - half[c] > b)
			b = s[c] - half[c], best = c;
	return best;
}
#endif

typedef size_t NearestFn(const float *s, const float *half, size_t k);

/* the nearest-centre scan for this CPU (both give the same cells);
 * SV_KNNSCREEN_GENERIC forces the generic one (tests) */
static NearestFn *
nearest_pick(void)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && !getenv("SV_KNNSCREEN_GENERIC"))
		return nearest_avx512;
#endif
	return nearest_generic;
}

/* rows b * ROWS.. of y to their nearest centre (largest y.c - ||c||^2 / 2) */
static void
assign_block(void *arg, size_t b, int tid)
{
	Work *w = arg;
	size_t r0 = b * ROWS, nr = w->n - r0 < ROWS ? w->n - r0 : ROWS, i;
	float *s = w->buf[tid];
	NearestFn *nearest = w->nearest;

	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr, (int)w->k, (int)w->d,
	    1.0f, w->y + r0 * w->d, (int)w->d, w->c, (int)w->d, 0.0f, s, (int)w->k);
	for (i = 0; i < nr; i++)
		w->label[r0 + i] = nearest(s + i * w->k, w->half, w->k);
}

/* label[i] the nearest of the k centres c to point i of y (n x d) */
static void
assign(Work *w, const float *y, size_t n, const float *c, size_t *label, int nt)
{
	size_t j, t;
	double s;

	w->y = y, w->n = n, w->c = c, w->label = label;
	for (j = 0; j < w->k; j++) {
		for (s = 0, t = 0; t < w->d; t++)
			s += (double)c[j * w->d + t] * c[j * w->d + t];
		w->half[j] = (float)(s / 2);
	}
	pool_run(nt, (n + ROWS - 1) / ROWS, assign_block, w);
}

/* c[j] the mean of the points of y labelled j (kept where there are none) */
static void
means(const float *y, size_t n, size_t d, const size_t *label, size_t k, float *c)
{
	double *acc = ecalloc(k * d, sizeof *acc);
	size_t *cnt = ecalloc(k, sizeof *cnt), i, t;

	for (i = 0; i < n; i++) {
		cnt[label[i]]++;
		for (t = 0; t < d; t++)
			acc[label[i] * d + t] += y[i * d + t];
	}
	for (i = 0; i < k; i++)
		for (t = 0; cnt[i] && t < d; t++)
			c[i * d + t] = (float)(acc[i * d + t] / cnt[i]);
	free(acc);
	free(cnt);
}

static int partners(const Work *w, size_t a, size_t b, const double *cn, const double *rn,
    double radius);

/* the share of the pairs that partner cells would hold, judged on the sample sm (m
 * points in the cells lab, the centres c standing for the centroids): optimistic
 * (the sample's extremes lie inside the whole set's), to give up early */
static double
estimate(Work *w, const float *sm, size_t m, const size_t *lab, double radius)
{
	size_t k = w->k, d = w->d, r0, nr, i, a, b, *cnt = ecalloc(k, sizeof *cnt);
	double *zero = ecalloc(k, sizeof *zero), work = 0;
	float *s = w->buf[0], *h, v;

	w->h = ereallocarray(NULL, k, k * sizeof *w->h);
	for (i = 0; i < k * k; i++)
		w->h[i] = -INFINITY;
	for (r0 = 0; r0 < m; r0 += nr) {
		nr = m - r0 < ROWS ? m - r0 : ROWS;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr, (int)k, (int)d,
		    1.0f, sm + r0 * d, (int)d, w->c, (int)d, 0.0f, s, (int)k);
		for (i = 0; i < nr; i++)
			for (a = lab[r0 + i], h = w->h + a * k, cnt[a]++, b = 0; b < k; b++) {
				v = s[i * k + b] - s[i * k + a];
				h[b] = v > h[b] ? v : h[b];
			}
	}
	for (a = 0; a < k; a++)
		for (b = a; cnt[a] && b < k; b++)
			if (b == a || (cnt[b] && partners(w, a, b, zero, zero, radius)))
				work += b == a ? cnt[a] * (cnt[a] - 1.0) / 2 : (double)cnt[a] * cnt[b];
	free(w->h);
	free(cnt);
	free(zero);
	return m > 1 ? work / (m * (m - 1.0) / 2) : 0;
}

/* the cell of every point: Lloyd's iterations on a random sample, then all points
 * assigned to its centres.  Returns 0, or -1 when the sample says the screen
 * would keep more than half the pairs (unless force). */
static int
cells(Work *w, const float *y, size_t *label, double radius, int force, int nt)
{
	size_t n = w->n, d = w->d, k = w->k, m = k * SAMPLE_PER_CELL < n ? k * SAMPLE_PER_CELL : n;
	size_t *idx = ereallocarray(NULL, n, sizeof *idx), i, r, t;
	float *sm = ereallocarray(NULL, m, d * sizeof *sm), *c = ereallocarray(NULL, k, d * sizeof *c);
	int rc = 0;
	Rng g;

	rng_seed(&g, SEED, 0);
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = 0; i < m; i++) { /* a partial Fisher-Yates shuffle */
		r = i + (size_t)rng_below(&g, n - i);
		t = idx[i], idx[i] = idx[r], idx[r] = t;
		memcpy(sm + i * d, y + idx[i] * d, d * sizeof *sm);
	}
	memcpy(c, sm, k * d * sizeof *c);
	for (r = 0; r <= ROUNDS; r++) {
		assign(w, sm, m, c, idx, nt);
		if (r < ROUNDS)
			means(sm, m, d, idx, k, c);
	}
	if (!force && estimate(w, sm, m, idx, radius) > GIVE_UP)
		rc = -1;
	else
		assign(w, y, n, c, label, nt);
	w->n = n;
	free(idx);
	free(sm);
	free(c);
	return rc;
}

/* the leaves: each cell's points (in index order) cut into pieces of at most leaf */
static void
leaves(KnnScreen *s, const size_t *label, size_t k, size_t leaf)
{
	size_t *start = ecalloc(k + 1, sizeof *start), i, c, p;

	for (i = 0; i < s->n; i++)
		start[label[i] + 1]++;
	for (c = 0; c < k; c++)
		start[c + 1] += start[c];
	s->lo = ereallocarray(NULL, s->n + 1, sizeof *s->lo);
	for (s->nl = 0, c = 0; c < k; c++)
		for (p = start[c]; p < start[c + 1]; p += leaf)
			s->lo[s->nl++] = p;
	s->lo[s->nl] = s->n;
	for (i = 0; i < s->n; i++)
		s->perm[start[label[i]]++] = i;
	free(start);
}

/* row A of h from the sgemm of leaf A's points against every centroid */
static void
bound_leaf(void *arg, size_t a, int tid)
{
	Work *w = arg;
	size_t lo = w->lo[a], nr = w->lo[a + 1] - lo, nl = w->k, i, b;
	float *s = w->buf[tid], *h = w->h + a * nl, v;

	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr, (int)nl, (int)w->d,
	    1.0f, w->y + lo * w->d, (int)w->d, w->c, (int)w->d, 0.0f, s, (int)nl);
	for (b = 0; b < nl; b++)
		h[b] = -INFINITY;
	for (i = 0; i < nr; i++)
		for (b = 0; b < nl; b++) {
			v = s[i * nl + b] - s[i * nl + a];
			h[b] = v > h[b] ? v : h[b];
		}
}

/* the centroids of the leaves of yp (the points in leaf order), their norms and
 * the largest norm of their points */
static void
centroids(const KnnScreen *s, const float *yp, size_t d, float *c, double *cn, double *rn)
{
	size_t a, i, t;
	double v, *acc = ereallocarray(NULL, d, sizeof *acc);

	for (a = 0; a < s->nl; a++) {
		memset(acc, 0, d * sizeof *acc);
		for (rn[a] = 0, i = s->lo[a]; i < s->lo[a + 1]; i++) {
			for (v = 0, t = 0; t < d; t++) {
				acc[t] += yp[i * d + t];
				v += (double)yp[i * d + t] * yp[i * d + t];
			}
			rn[a] = fmax(rn[a], sqrt(v));
		}
		for (cn[a] = 0, t = 0; t < d; t++) {
			c[a * d + t] = (float)(acc[t] / (double)(s->lo[a + 1] - s->lo[a]));
			cn[a] += (double)c[a * d + t] * c[a * d + t];
		}
		cn[a] = sqrt(cn[a]) * (1 + 1e-12);
		rn[a] *= 1 + 1e-12;
	}
	free(acc);
}

/* whether leaves a < b can hold a pair within radius: the bound of knnscreen.h,
 * less the sgemm's rounding (d 2^-24 of ||x|| ||c|| a product, 2^-24 more for the
 * difference, on both sides) and the copy's (2^-24 ||x|| a point) */
static int
partners(const Work *w, size_t a, size_t b, const double *cn, const double *rn,
    double radius)
{
	size_t nl = w->k, d = w->d, t;
	double g = d * U / (1 - d * U), num, e, w2 = 0, x;

	num = -(double)w->h[b * nl + a] - (double)w->h[a * nl + b];
	e = (g + 1.01 * U) * (rn[a] + rn[b]) * (cn[a] + cn[b]) + 1e-12 * fabs(num);
	if (!(num - e > 0))
		return 1;
	for (t = 0; t < d; t++) {
		x = (double)w->c[b * d + t] - w->c[a * d + t];
		w2 += x * x;
	}
	return !(num - e > (radius + 1.01 * U * (rn[a] + rn[b])) * sqrt(w2) * (1 + 1e-12));
}

/* the partner lists from h; the share of the pairs they hold in s->work */
static void
partner_lists(KnnScreen *s, const Work *w, const double *cn, const double *rn,
    double radius)
{
	size_t a, b, cap = 4 * s->nl, m = 0, na;
	double work = 0, n = (double)s->n;

	s->off = ereallocarray(NULL, s->nl + 1, sizeof *s->off);
	s->near = ereallocarray(NULL, cap, sizeof *s->near);
	for (a = 0; a < s->nl; a++) {
		s->off[a] = m;
		na = s->lo[a + 1] - s->lo[a];
		for (b = a; b < s->nl; b++) {
			if (b > a && !partners(w, a, b, cn, rn, radius))
				continue;
			if (m == cap)
				s->near = ereallocarray(s->near, cap *= 2, sizeof *s->near);
			s->near[m++] = b;
			work += b > a ? (double)na * (s->lo[b + 1] - s->lo[b]) : na * (na - 1.0) / 2;
		}
	}
	s->off[s->nl] = m;
	s->work = n > 1 ? work / (n * (n - 1) / 2) : 0;
}

/* the leaf bounds h (w->k = nl leaves of w->y = yp), then the partner lists */
static void
bounds(KnnScreen *s, Work *w, const float *yp, double radius, size_t leaf, int nt)
{
	float *c = ereallocarray(NULL, s->nl, w->d * sizeof *c);
	double *cn = ereallocarray(NULL, s->nl, sizeof *cn);
	double *rn = ereallocarray(NULL, s->nl, sizeof *rn);
	int t;

	centroids(s, yp, w->d, c, cn, rn);
	w->y = yp, w->c = c, w->k = s->nl, w->lo = s->lo;
	w->h = ereallocarray(NULL, s->nl, s->nl * sizeof *w->h);
	for (t = 0; t < nt; t++)
		w->buf[t] = ereallocarray(w->buf[t], leaf, s->nl * sizeof **w->buf);
	pool_run(nt, s->nl, bound_leaf, w);
	partner_lists(s, w, cn, rn, radius);
	free(w->h);
	free(c);
	free(cn);
	free(rn);
}

/* whether the m values of y are all well inside float32's range, so that no
 * product of the screen's sgemms can overflow */
static int
moderate(const float *y, size_t m)
{
	size_t i;

	for (i = 0; i < m; i++)
		if (!(fabsf(y[i]) < MODERATE))
			return 0;
	return 1;
}

/* the leaves and their partners, the cells labelled */
static KnnScreen *
build(Work *w, const float *y, const size_t *label, double radius, size_t leaf, int nt)
{
	KnnScreen *s = ecalloc(1, sizeof *s);
	size_t i, n = w->n, d = w->d;
	float *yp = ereallocarray(NULL, n, d * sizeof *yp);

	s->n = n;
	s->perm = ereallocarray(NULL, n, sizeof *s->perm);
	leaves(s, label, w->k, leaf);
	for (i = 0; i < n; i++)
		memcpy(yp + i * d, y + s->perm[i] * d, d * sizeof *yp);
	bounds(s, w, yp, radius, leaf, nt);
	free(yp);
	return s;
}

KnnScreen *
new_knnscreen(const float *y, size_t n, size_t d, double radius, int nthreads, int force)
{
	size_t k = n / CELL_SIZE, leaf = LEAF, *label;
	Work w = { .y = y, .n = n, .d = d };
	KnnScreen *s = NULL;
	int t, nt = nthreads < 1 ? 1 : nthreads;

	k = k < 2 ? 2 : k > MAX_CELLS ? MAX_CELLS : k;
	if (n < (force ? 2 : KNNSCREEN_MIN) || !d || k > n || !moderate(y, n * d))
		return NULL;
	if (leaf * (KNNSCREEN_MAXLEAVES - k) < n)
		leaf = (n + KNNSCREEN_MAXLEAVES - k - 1) / (KNNSCREEN_MAXLEAVES - k);
	if (leaf > KNN_QBLOCK)
		return NULL;
	w.k = k;
	w.nearest = nearest_pick();
	w.half = ereallocarray(NULL, k, sizeof *w.half);
	w.buf = ecalloc((size_t)nt, sizeof *w.buf);
	for (t = 0; t < nt; t++)
		w.buf[t] = ereallocarray(NULL, ROWS, k * sizeof **w.buf);
	label = ereallocarray(NULL, n, sizeof *label);
	if (cells(&w, y, label, radius, force, nt) == 0)
		s = build(&w, y, label, radius, leaf, nt);
	free(label);
	free(w.half);
	for (t = 0; t < nt; t++)
		free(w.buf[t]);
	free(w.buf);
	if (s && s->work > GIVE_UP && !force) {
		del_knnscreen(s);
		s = NULL;
	}
	return s;
}

void
del_knnscreen(KnnScreen *s)
{
	if (!s)
		return;
	free(s->perm);
	free(s->lo);
	free(s->off);
	free(s->near);
	free(s);
}
