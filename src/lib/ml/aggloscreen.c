/* aggloscreen.c — 16-bit screens for the nearest-neighbour scans (see
 * aggloscreen.h). */
#include "ml/aggloscreen.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define U32 5.9604644775390625e-08 /* 2^-24: float32's unit roundoff */

/* where pair k of slot s is in the blocks (int16 units) */
static inline size_t
loc(size_t np, size_t s, size_t k)
{
	return ((s / SCREEN_LANES) * np + k) * (2 * SCREEN_LANES) + (s % SCREEN_LANES) * 2;
}

/* ---- the kernels: ts[s] = sum_k ((q_s,2k - x_2k)^2 + (q_s,2k+1 - x_2k+1)^2) (in
 * units of scale^2: no overflow), the pair sums exact in int32, added in float32 in
 * pair order: the same bits in all three versions ---- */

static void
blocks_plain(const int16_t *q, const int32_t *qx, size_t np, size_t nblk, float *ts)
{
	size_t b, k, r;
	int32_t u, v;
	float acc;

	for (b = 0; b < nblk; b++)
		for (r = 0; r < SCREEN_LANES; r++) {
			acc = 0;
			for (k = 0; k < np; k++) {
				u = q[loc(np, b * SCREEN_LANES + r, k)] - (int16_t)(qx[k] & 0xffff);
				v = q[loc(np, b * SCREEN_LANES + r, k) + 1] - (int16_t)((uint32_t)qx[k] >> 16);
				acc += (float)(u * u + v * v);
			}
			ts[b * SCREEN_LANES + r] = acc;
		}
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_SIMD 1

/* two blocks side by side: two independent chains of additions */
__attribute__((target("avx512f,avx512bw"))) static void
blocks_avx512(const int16_t *q, const int32_t *qx, size_t np, size_t nblk, float *ts)
{
	size_t b = 0, k, w = np * 2 * SCREEN_LANES;
	__m512 a0, a1;
	__m512i x, d0, d1;

	for (; b + 2 <= nblk; b += 2) {
		const int16_t *p = q + b * w;
		a0 = a1 = _mm512_setzero_ps();
		for (k = 0; k < np; k++) {
			x = _mm512_set1_epi32(qx[k]);
			d0 = _mm512_sub_epi16(_mm512_loadu_si512(p + k * 32), x);
			d1 = _mm512_sub_epi16(_mm512_loadu_si512(p + w + k * 32), x);
			a0 = _mm512_add_ps(a0, _mm512_cvtepi32_ps(_mm512_madd_epi16(d0, d0)));
			a1 = _mm512_add_ps(a1, _mm512_cvtepi32_ps(_mm512_madd_epi16(d1, d1)));
		}
		_mm512_storeu_ps(ts + b * 16, a0);
		_mm512_storeu_ps(ts + b * 16 + 16, a1);
	}
	if (b < nblk)
		blocks_plain(q + b * w, qx, np, nblk - b, ts + b * 16);
}

/* one block as two halves of 8 lanes */
__attribute__((target("avx2"))) static void
blocks_avx2(const int16_t *q, const int32_t *qx, size_t np, size_t nblk, float *ts)
{
	size_t b, k, w = np * 2 * SCREEN_LANES;
	__m256 a0, a1;
	__m256i x, d0, d1;

	for (b = 0; b < nblk; b++) {
		const int16_t *p = q + b * w;
		a0 = a1 = _mm256_setzero_ps();
		for (k = 0; k < np; k++) {
			x = _mm256_set1_epi32(qx[k]);
			d0 = _mm256_sub_epi16(_mm256_loadu_si256((const __m256i *)(p + k * 32)), x);
			d1 = _mm256_sub_epi16(_mm256_loadu_si256((const __m256i *)(p + k * 32 + 16)), x);
			a0 = _mm256_add_ps(a0, _mm256_cvtepi32_ps(_mm256_madd_epi16(d0, d0)));
			a1 = _mm256_add_ps(a1, _mm256_cvtepi32_ps(_mm256_madd_epi16(d1, d1)));
		}
		_mm256_storeu_ps(ts + b * 16, a0);
		_mm256_storeu_ps(ts + b * 16 + 8, a1);
	}
}
#endif

typedef void Kernel(const int16_t *, const int32_t *, size_t, size_t, float *);

static Kernel *
pick_kernel(void)
{
#ifdef HAVE_SIMD
	if (__builtin_cpu_supports("avx512bw"))
		return blocks_avx512;
	if (__builtin_cpu_supports("avx2"))
		return blocks_avx2;
#endif
	return blocks_plain;
}

/* ---- the copies ---- */

/* mid and scale: the bounding box of the points, its widest side over 2 QMAX */
static void
frame(AggloScreen *S, const double *x)
{
	size_t i, f, n = S->n, d = S->d;
	double lo, hi, w = 0;

	S->mid = ecalloc(d ? d : 1, sizeof(double));
	for (f = 0; f < d; f++) {
		lo = hi = x[f];
		for (i = 1; i < n; i++) {
			lo = x[i * d + f] < lo ? x[i * d + f] : lo;
			hi = x[i * d + f] > hi ? x[i * d + f] : hi;
		}
		S->mid[f] = lo + (hi - lo) / 2;
		w = hi - lo > w ? hi - lo : w;
	}
	S->scale = w > 0 ? w / (2.0 * SCREEN_QMAX) * (1 + 1e-9) : 1;
	S->s2 = S->scale * S->scale;
}

void
aggloscreen_init(AggloScreen *S, const double *x, size_t n, size_t d, size_t rows)
{
	size_t i, nblk = (n + SCREEN_LANES - 1) / SCREEN_LANES;

	memset(S, 0, sizeof *S);
	S->n = n, S->d = d, S->np = (d + 1) / 2;
	frame(S, x);
	S->q = ecalloc(nblk * (S->np ? S->np : 1), 2 * SCREEN_LANES * sizeof(int16_t));
	S->qx = ecalloc(S->np ? S->np : 1, sizeof(int32_t));
	S->slot = ereallocarray(NULL, n, sizeof(size_t));
	S->who = ereallocarray(NULL, n, sizeof(size_t));
	S->ts = ereallocarray(NULL, nblk * SCREEN_LANES, sizeof(float));
	for (i = 0; i < n; i++)
		S->slot[i] = S->who[i] = i;
	S->nslot = S->nlive = n;
	S->err = ecalloc(n, sizeof(double));
	S->t = ereallocarray(NULL, n, sizeof(double));
	/* np conversions and additions; the product by s2 in double */
	S->shrink = 1 - 2 * ((double)S->np + 3) * U32;
	S->set = ecalloc(n, sizeof(unsigned long));
	S->nrows = rows;
	S->rwho = ecalloc(rows ? rows : 1, sizeof(size_t));
	S->when = ecalloc(rows ? rows : 1, sizeof(unsigned long));
	S->row = ecalloc(rows ? rows : 1, sizeof(float *));
	for (i = 0; i < rows; i++) {
		S->row[i] = ereallocarray(NULL, n, sizeof(float));
		S->rwho[i] = SIZE_MAX;
	}
	for (i = 0; i < n; i++)
		aggloscreen_set(S, i, x + i * d);
}

void
aggloscreen_set(AggloScreen *S, size_t i, const double *c)
{
	size_t f, d = S->d, s = S->slot[i];
	double e = 0, t, v, big = 0;
	long k;

	for (f = 0; f < d; f++) {
		v = (c[f] - S->mid[f]) / S->scale;
		k = lrint(v < -SCREEN_QMAX ? -SCREEN_QMAX : v > SCREEN_QMAX ? SCREEN_QMAX : v);
		S->q[loc(S->np, s, f / 2) + f % 2] = (int16_t)k;
		t = c[f] - (S->mid[f] + S->scale * (double)k);
		e += t * t;
		big += fabs(S->mid[f]) + fabs(c[f]);
	}
	/* slack for the rounding of this sum and of the copies' values in double */
	S->err[i] = sqrt(e) * (1 + 1e-6) + big * 1e-15;
	S->emax = S->err[i] > S->emax ? S->err[i] : S->emax;
	S->set[i] = ++S->clock;
}

/* the live slots moved to the front, in the same order */
static void
compact(AggloScreen *S)
{
	size_t s, j = 0, k, p, np = S->np, nblk = (S->nlive + SCREEN_LANES - 1) / SCREEN_LANES;
	int16_t *q = ecalloc(nblk * (np ? np : 1), 2 * SCREEN_LANES * sizeof(int16_t));

	for (s = 0; s < S->nslot; s++) {
		if ((p = S->who[s]) == SIZE_MAX)
			continue;
		for (k = 0; k < np; k++)
			memcpy(q + loc(np, j, k), S->q + loc(np, s, k), 2 * sizeof(int16_t));
		S->who[j] = p, S->slot[p] = j++;
	}
	free(S->q);
	S->q = q, S->nslot = j;
}

void
aggloscreen_remove(AggloScreen *S, size_t i)
{
	S->who[S->slot[i]] = SIZE_MAX;
	S->slot[i] = SIZE_MAX;
	S->nlive--;
	if ((S->nslot - S->nlive) * 4 > S->nlive + 4 * SCREEN_LANES)
		compact(S);
}

void
aggloscreen_scan_slots(AggloScreen *S, size_t x)
{
	static Kernel *kern;
	size_t k, s = S->slot[x];

	if (!kern)
		kern = pick_kernel();
	for (k = 0; k < S->np; k++)
		memcpy(&S->qx[k], S->q + loc(S->np, s, k), sizeof(int32_t));
	kern(S->q, S->qx, S->np, (S->nslot + SCREEN_LANES - 1) / SCREEN_LANES, S->ts);
}

/* the squared distance of the copies of x and i in units of scale^2 (exact
 * integers, then rounded) */
static float
pair_dist(const AggloScreen *S, size_t x, size_t i)
{
	size_t f, a = S->slot[x], b = S->slot[i];
	int64_t sum = 0, u;

	for (f = 0; f < S->d; f++) {
		u = (int64_t)S->q[loc(S->np, a, f / 2) + f % 2] - S->q[loc(S->np, b, f / 2) + f % 2];
		sum += u * u;
	}
	return (float)sum;
}

/* a kept scan of x still valid for x itself, or the least recently made one
 * (*hit = 0) */
static size_t
kept_row(const AggloScreen *S, size_t x, int *hit)
{
	size_t r, old = 0;

	for (r = 0; r < S->nrows; r++) {
		if (S->rwho[r] == x && S->when[r] >= S->set[x]) {
			*hit = 1;
			return r;
		}
		if (S->when[r] < S->when[old])
			old = r;
	}
	*hit = 0;
	return old;
}

void
aggloscreen_scan(AggloScreen *S, size_t x, const size_t *idx, size_t cnt)
{
	size_t q, r = 0, i;
	int hit = 0;
	float *row = NULL;

	if (S->nrows) {
		r = kept_row(S, x, &hit);
		row = S->row[r];
	}
	if (!hit) {
		aggloscreen_scan_slots(S, x);
		for (q = 0; q < cnt; q++)
			S->t[q] = (double)S->ts[S->slot[idx[q]]] * S->s2;
		if (row)
			for (q = 0; q < cnt; q++)
				row[idx[q]] = S->ts[S->slot[idx[q]]];
	} else {
		for (q = 0; q < cnt; q++) {
			i = idx[q];
			if (S->set[i] > S->when[r]) /* set since: computed again */
				row[i] = pair_dist(S, x, i);
			S->t[q] = (double)row[i] * S->s2;
		}
	}
	if (row) {
		S->rwho[r] = x;
		S->when[r] = ++S->clock;
	}
}

void
del_aggloscreen(AggloScreen *S)
{
	size_t r;

	for (r = 0; r < S->nrows; r++)
		free(S->row[r]);
	free(S->mid), free(S->q), free(S->qx), free(S->slot), free(S->who), free(S->ts);
	free(S->err), free(S->t), free(S->set), free(S->rwho), free(S->when), free(S->row);
	memset(S, 0, sizeof *S);
}
