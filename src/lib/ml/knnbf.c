/* knnbf.c — cosine candidates by bfloat16 dot products (see knnbf.h).
 *
 * The references are packed in tiles of TILE (32) rows: for each pair of
 * coordinates, the 32 references' pairs side by side (one 64-byte vector), so one
 * vdpbf16ps adds a pair of products to 16 scores.  A group of QGROUP (8) queries
 * runs over a tile with 16 accumulators in registers; the tile stays in L1 while
 * every group of the block passes over it, the block's queries stay in L2.  The
 * estimates are compared with each query's candidate threshold as they leave the
 * registers: no score matrix is written. */
#include "ml/knnbf.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TILE 32    /* references per tile: two vectors of 16 */
#define QGROUP 8   /* queries sharing the registers over a tile */
#define CAND0 64   /* first capacity of a query's candidates */
#define MAXDIM 4096  /* the error bound assumes d < 2^12 */

struct KnnBf {
	size_t n, d, dp;  /* dp: pairs of coordinates (d rounded up to even, halved) */
	uint32_t *pk;     /* tiles: (n / TILE rounded up) x dp x TILE pairs */
};

struct KnnBfWork {
	size_t qblock, k;
	uint32_t *q;      /* the block's queries: qblock (rounded up to QGROUP) x dp pairs */
	float *best;      /* per query its k best estimates, descending */
	size_t *nbest;
	float *lo;        /* per query the candidate threshold (+inf: full or padding) */
	long *ex;         /* per query the excluded reference, or -1 */
	long **cidx;      /* per query its candidates, their estimates */
	float **cest;
	size_t *cn, *ccap;
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HAVE_BF16 1
#include <immintrin.h>
#endif

/* f rounded to the nearest bfloat16 (ties to even), as its 16 bits; f is finite */
static uint32_t
bf16(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	u += 0x7fff + ((u >> 16) & 1);
	return u >> 16;
}

/* the rows x[0..n) normalised and rounded, row i's pair p at out[i * stride + p *
 * step] (low half coordinate 2p, high half 2p + 1); zero rows stay zero.  Returns
 * the number of zero rows among them. */
static size_t
pack_rows(const float *x, size_t n, size_t d, uint32_t *out, size_t stride, size_t step)
{
	size_t i, j, zero = 0;
	double s;
	uint32_t lo, hi;

	for (i = 0; i < n; i++) {
		const float *r = x + i * d;
		for (s = 0, j = 0; j < d; j++)
			s += (double)r[j] * r[j];
		zero += s == 0;
		s = s > 0 ? 1 / sqrt(s) : 0;
		for (j = 0; j < d; j += 2) {
			lo = bf16((float)(r[j] * s));
			hi = j + 1 < d ? bf16((float)(r[j + 1] * s)) : 0;
			out[i * stride + j / 2 * step] = lo | hi << 16;
		}
	}
	return zero;
}

#ifdef HAVE_BF16
#define PROBE_ROUNDS 4000  /* of 8 independent instructions: about 10 us each */

static double
probe_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* PROBE(op): seconds for PROBE_ROUNDS rounds of 8 independent op(acc) in named
 * registers (an array would live in memory; equal starts would be merged into
 * one chain); the sum goes to sink */
#define PROBE(op)							\
	__m512 a0 = _mm512_set1_ps(0), a1 = _mm512_set1_ps(1);		\
	__m512 a2 = _mm512_set1_ps(2), a3 = _mm512_set1_ps(3);		\
	__m512 a4 = _mm512_set1_ps(4), a5 = _mm512_set1_ps(5);		\
	__m512 a6 = _mm512_set1_ps(6), a7 = _mm512_set1_ps(7);		\
	double t = probe_now();						\
	int i;								\
	for (i = 0; i < PROBE_ROUNDS; i++) {				\
		__asm__ volatile("" : "+v"(x), "+v"(y));		\
		a0 = op(a0), a1 = op(a1), a2 = op(a2), a3 = op(a3);	\
		a4 = op(a4), a5 = op(a5), a6 = op(a6), a7 = op(a7);	\
	}								\
	t = probe_now() - t;						\
	a0 = _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)); \
	a4 = _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)); \
	_mm512_storeu_ps(sink, _mm512_add_ps(a0, a4));			\
	return t;

#define DPBF(a) _mm512_dpbf16_ps(a, x, y)
#define FMA(a) _mm512_fmadd_ps(x, y, a)

/* the probe of vdpbf16ps */
__attribute__((target("avx512f,avx512bf16"))) static double
probe_bf16(float *sink)
{
	__m512bh x = (__m512bh)_mm512_set1_epi32(0x3f803f80);
	__m512bh y = (__m512bh)_mm512_set1_epi32(0x3f003f00);

	PROBE(DPBF)
}

/* the probe of float32 vfmadd231ps (the sgemm's instruction) */
__attribute__((target("avx512f,fma"))) static double
probe_fma(float *sink)
{
	__m512 x = _mm512_set1_ps(1.0f), y = _mm512_set1_ps(0.5f);

	PROBE(FMA)
}

/* Whether bfloat16 pays here: a vdpbf16ps does twice a float32 FMA's multiply-adds,
 * which is a gain only where it issues nearly as often.  CPUs with one 512-bit FMA
 * unit issue both once a cycle; with two FMA units the float32 FMA issues twice as
 * often and the sgemm is faster.  The best of 3 short probes of each (about 0.1 ms
 * in all).  SV_KNN_BF16 forces the bfloat16 path (tests).  Cannot fail. */
static int
bf16_pays(void)
{
	float sink[16];
	double b = 1e9, f = 1e9, t;
	int r;

	if (getenv("SV_KNN_BF16"))
		return 1;
	for (r = 0; r < 3; r++) {
		if ((t = probe_bf16(sink)) < b)
			b = t;
		if ((t = probe_fma(sink)) < f)
			f = t;
	}
	return b < 1.5 * f;
}
#endif

KnnBf *
new_knnbf(const float *ref, size_t n, size_t d)
{
	KnnBf *bf;
	size_t t, nt;

#ifndef HAVE_BF16
	(void)ref;
	return NULL;
#else
	__builtin_cpu_init();
	if (!n || !d || d > MAXDIM || !__builtin_cpu_supports("avx512bf16") ||
	    getenv("SV_KNN_NOBF16") || !bf16_pays())
		return NULL;
	bf = ecalloc(1, sizeof *bf);
	bf->n = n;
	bf->d = d;
	bf->dp = (d + 1) / 2;
	nt = (n + TILE - 1) / TILE;
	bf->pk = ecalloc(nt * TILE, bf->dp * sizeof *bf->pk);
	for (t = 0; t < nt; t++)
		pack_rows(ref + t * TILE * d, n - t * TILE < TILE ? n - t * TILE : TILE, d,
		    bf->pk + t * TILE * bf->dp, 1, TILE);
	return bf;
#endif
}

KnnBfWork *
new_knnbf_work(const KnnBf *bf, size_t qblock, size_t k)
{
	KnnBfWork *w = ecalloc(1, sizeof *w);
	size_t qb = (qblock + QGROUP - 1) / QGROUP * QGROUP;

	w->qblock = qblock;
	w->k = k ? k : 1;
	w->q = ereallocarray(NULL, qb, bf->dp * sizeof *w->q);
	w->best = ereallocarray(NULL, qblock, w->k * sizeof *w->best);
	w->nbest = ecalloc(qblock, sizeof *w->nbest);
	w->lo = ereallocarray(NULL, qb, sizeof *w->lo);
	w->ex = ereallocarray(NULL, qblock, sizeof *w->ex);
	w->cidx = ecalloc(qblock, sizeof *w->cidx);
	w->cest = ecalloc(qblock, sizeof *w->cest);
	w->cn = ecalloc(qblock, sizeof *w->cn);
	w->ccap = ecalloc(qblock, sizeof *w->ccap);
	return w;
}

void
del_knnbf_work(KnnBfWork *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->qblock; i++) {
		free(w->cidx[i]);
		free(w->cest[i]);
	}
	free(w->q), free(w->best), free(w->nbest), free(w->lo), free(w->ex);
	free(w->cidx), free(w->cest), free(w->cn), free(w->ccap);
	free(w);
}

void
del_knnbf(KnnBf *bf)
{
	if (!bf)
		return;
	free(bf->pk);
	free(bf);
}

size_t
knnbf_cand(const KnnBfWork *w, size_t i, const long **idx)
{
	*idx = w->cidx[i];
	return w->cn[i];
}

/* drop query i's candidates below its threshold; when half the room is still taken,
 * double it, or report the query full at KNNBF_MAX */
static void
cand_room(KnnBfWork *w, size_t i)
{
	size_t a, b;

	for (a = b = 0; a < w->cn[i]; a++)
		if (w->cest[i][a] >= w->lo[i]) {
			w->cidx[i][b] = w->cidx[i][a];
			w->cest[i][b++] = w->cest[i][a];
		}
	w->cn[i] = b;
	if (b < w->ccap[i] / 2)
		return;
	if (w->ccap[i] >= KNNBF_MAX) {
		w->cn[i] = KNNBF_FULL;
		w->lo[i] = INFINITY;
		return;
	}
	w->ccap[i] = w->ccap[i] ? 2 * w->ccap[i] : CAND0;
	w->cidx[i] = ereallocarray(w->cidx[i], w->ccap[i], sizeof **w->cidx);
	w->cest[i] = ereallocarray(w->cest[i], w->ccap[i], sizeof **w->cest);
}

/* offer reference r with estimate v to query i: its k best estimates (for the
 * threshold) and its candidates */
static void
offer(KnnBfWork *w, size_t i, long r, float v)
{
	float *b = w->best + i * w->k;
	size_t k = w->k, p;

	if (r == w->ex[i] || v < w->lo[i])
		return;
	if (w->nbest[i] < k || v > b[k - 1]) {
		p = w->nbest[i] < k ? w->nbest[i]++ : k - 1;
		for (; p > 0 && b[p - 1] < v; p--)
			b[p] = b[p - 1];
		b[p] = v;
		if (w->nbest[i] == k)
			w->lo[i] = (float)(b[k - 1] - 2 * KNNBF_ERR);
	}
	if (w->cn[i] == w->ccap[i])
		cand_room(w, i);
	if (w->cn[i] == KNNBF_FULL || v < w->lo[i])
		return;
	w->cidx[i][w->cn[i]] = r;
	w->cest[i][w->cn[i]++] = v;
}

#ifdef HAVE_BF16
/* the estimates of queries g * QGROUP.. against tile t, offered where they reach a
 * query's threshold */
__attribute__((target("avx512f,avx512bf16"), optimize("O3"))) static void
tile_group(const KnnBf *bf, KnnBfWork *w, size_t g, size_t t)
{
	const uint32_t *rp = bf->pk + t * TILE * bf->dp, *qp = w->q + g * QGROUP * bf->dp;
	__m512 acc[QGROUP][2];
	__m512bh r0, r1, b;
	size_t p, i, dp = bf->dp, r;
	uint32_t m;
	float v[TILE];

	for (i = 0; i < QGROUP; i++)
		acc[i][0] = acc[i][1] = _mm512_setzero_ps();
	for (p = 0; p < dp; p++) {
		r0 = (__m512bh)_mm512_loadu_si512(rp + p * TILE);
		r1 = (__m512bh)_mm512_loadu_si512(rp + p * TILE + 16);
		for (i = 0; i < QGROUP; i++) {
			b = (__m512bh)_mm512_set1_epi32((int)qp[i * dp + p]);
			acc[i][0] = _mm512_dpbf16_ps(acc[i][0], r0, b);
			acc[i][1] = _mm512_dpbf16_ps(acc[i][1], r1, b);
		}
	}
	for (i = 0; i < QGROUP; i++) {
		__m512 lo = _mm512_set1_ps(w->lo[g * QGROUP + i]);
		m = _mm512_cmp_ps_mask(acc[i][0], lo, _CMP_GE_OQ) |
		    (uint32_t)_mm512_cmp_ps_mask(acc[i][1], lo, _CMP_GE_OQ) << 16;
		if (!m)
			continue;
		_mm512_storeu_ps(v, acc[i][0]);
		_mm512_storeu_ps(v + 16, acc[i][1]);
		for (; m; m &= m - 1) {
			r = t * TILE + (size_t)__builtin_ctz(m);
			if (r < bf->n)
				offer(w, g * QGROUP + i, (long)r, v[__builtin_ctz(m)]);
		}
	}
}
#endif

void
knnbf_run(const KnnBf *bf, KnnBfWork *w, const float *q, size_t nb, size_t k,
    const long *exclude)
{
	size_t i, t, g, ng = (nb + QGROUP - 1) / QGROUP, nt = (bf->n + TILE - 1) / TILE;

	memset(w->q, 0, ng * QGROUP * bf->dp * sizeof *w->q);
	for (i = 0; i < nb; i++) {
		/* a zero query has no direction: the sgemm finds its ties in order */
		w->lo[i] = pack_rows(q + i * bf->d, 1, bf->d, w->q + i * bf->dp, 0, 1) ? INFINITY : -INFINITY;
		w->cn[i] = w->lo[i] == INFINITY ? KNNBF_FULL : 0;
		w->nbest[i] = 0;
		w->ex[i] = exclude ? exclude[i] : -1;
	}
	for (; i < ng * QGROUP; i++)
		w->lo[i] = INFINITY;
	w->k = k ? k : 1;
#ifdef HAVE_BF16
	for (t = 0; t < nt; t++)
		for (g = 0; g < ng; g++)
			tile_group(bf, w, g, t);
#else
	(void)t, (void)g, (void)nt;
#endif
}
