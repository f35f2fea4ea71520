/* gmmkern.c — the AVX-512 kernels of the EM steps: full covariances, diag and
 * spherical distances, exp and log (see gmmkern.h). */
#include "ml/gmmkern.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GK_X86 1
#include <immintrin.h>
#endif

int
gmmk_avx512(void)
{
	static int have = -1;
	const char *e;

	if (have < 0) {
		have = 0;
#ifdef GK_X86
		__builtin_cpu_init();
		/* SV_GMM_ISA=generic: the BLAS path (the tests compare both) */
		have = __builtin_cpu_supports("avx512f") &&
		    !((e = getenv("SV_GMM_ISA")) && !strcmp(e, "generic"));
#else
		(void)e;
#endif
	}
	return have;
}

size_t
gmmk_pad(size_t d)
{
	return (d + 7) & ~(size_t)7;
}

/* rows at a time in gmmk_wsums: 16 KB of x at d = 64, in L1 for all the feature
 * chunks and components */
#define GK_WROWS 32

#ifdef GK_X86
#pragma GCC push_options
#pragma GCC target("avx512f")
#pragma GCC optimize("O3")

/* the 8 x 8 tile (f0, g0) of cp (stride dp) += z^T z over q rows of z */
static void
syrk_tile(const double *z, size_t q, size_t dp, size_t f0, size_t g0, double *cp)
{
	__m512d acc[8], b;
	size_t i;
	int r;

	for (r = 0; r < 8; r++)
		acc[r] = _mm512_loadu_pd(cp + (f0 + r) * dp + g0);
	for (i = 0; i < q; i++, z += dp) {
		b = _mm512_loadu_pd(z + g0);
		_Pragma("GCC unroll 8") for (r = 0; r < 8; r++)
			acc[r] = _mm512_fmadd_pd(_mm512_set1_pd(z[f0 + r]), b, acc[r]);
	}
	for (r = 0; r < 8; r++)
		_mm512_storeu_pd(cp + (f0 + r) * dp + g0, acc[r]);
}

void
gmmk_syrk(const double *z, size_t q, size_t dp, double *cp)
{
	size_t f0, g0;

	for (f0 = 0; f0 < dp; f0 += 8)
		for (g0 = 0; g0 <= f0; g0 += 8)
			syrk_tile(z, q, dp, f0, g0, cp);
}

/* |x_r P - o|^2 (o NULL: |x_r P|^2) of the 8 rows z[0..8) into out[r * stride] */
static void
maha8_off(const double *const *z, size_t dp, const double *pp, const double *o, double *out,
    size_t stride)
{
	__m512d acc[8], tot[8], p;
	size_t f, g0;
	int r;

	for (r = 0; r < 8; r++)
		tot[r] = _mm512_setzero_pd();
	for (g0 = 0; g0 < dp; g0 += 8) {
		for (r = 0; r < 8; r++)
			acc[r] = _mm512_setzero_pd();
		for (f = 0; f < g0 + 8; f++) { /* P upper triangular: rows f > g0 + 7 are 0 */
			p = _mm512_loadu_pd(pp + f * dp + g0);
			_Pragma("GCC unroll 8") for (r = 0; r < 8; r++)
				acc[r] = _mm512_fmadd_pd(_mm512_set1_pd(z[r][f]), p, acc[r]);
		}
		if (o) {
			p = _mm512_loadu_pd(o + g0);
			for (r = 0; r < 8; r++)
				acc[r] = _mm512_sub_pd(acc[r], p);
		}
		for (r = 0; r < 8; r++)
			tot[r] = _mm512_fmadd_pd(acc[r], acc[r], tot[r]);
	}
	for (r = 0; r < 8; r++)
		out[r * stride] = _mm512_reduce_add_pd(tot[r]);
}

/* the same for one row */
static double
maha1(const double *z, size_t dp, const double *pp)
{
	__m512d acc, tot = _mm512_setzero_pd();
	size_t f, g0;

	for (g0 = 0; g0 < dp; g0 += 8) {
		acc = _mm512_setzero_pd();
		for (f = 0; f < g0 + 8; f++)
			acc = _mm512_fmadd_pd(_mm512_set1_pd(z[f]), _mm512_loadu_pd(pp + f * dp + g0), acc);
		tot = _mm512_fmadd_pd(acc, acc, tot);
	}
	return _mm512_reduce_add_pd(tot);
}

/* |z_r P|^2 of 8 rows (stride dp) into out[r * stride] */
static void
maha8(const double *z, size_t dp, const double *pp, double *out, size_t stride)
{
	const double *zr[8];
	int r;

	for (r = 0; r < 8; r++)
		zr[r] = z + r * dp;
	maha8_off(zr, dp, pp, NULL, out, stride);
}

void
gmmk_maha(const double *z, size_t m, size_t dp, const double *pp, double *out, size_t stride)
{
	size_t r;

	for (r = 0; r + 8 <= m; r += 8)
		maha8(z + r * dp, dp, pp, out + r * stride, stride);
	for (; r < m; r++)
		out[r * stride] = maha1(z + r * dp, dp, pp);
}

void
gmmk_maha_off(const double *x, const size_t *idx, size_t m, size_t dp, const double *pp,
    const double *o, double *out, size_t stride)
{
	const double *z[8];
	size_t r, q, c;

	for (r = 0; r < m; r += 8) {
		c = m - r < 8 ? m - r : 8;
		for (q = 0; q < 8; q++) /* a short group repeats its last row */
			z[q] = x + (idx ? idx[r + (q < c ? q : c - 1)] : r + (q < c ? q : c - 1)) * dp;
		if (c == 8) {
			maha8_off(z, dp, pp, o, out + r * stride, stride);
		} else {
			double t[8];

			maha8_off(z, dp, pp, o, t, 1);
			for (q = 0; q < c; q++)
				out[(r + q) * stride] = t[q];
		}
	}
}

/* gmmk_quad_rows for R rows from row x and the 8 components from column jb of
 * the terms; R constant once inlined (R independent chains of fmas) */
static inline __attribute__((always_inline)) void
quad_block(const double *x, size_t d, const double *qt, size_t kp, size_t jb, int R,
    __mmask8 mask, double *out, size_t k)
{
	const double *pt = qt + jb, *bt = qt + d * kp + jb;
	__m512d acc[8], p, b, xv, c = _mm512_loadu_pd(qt + 2 * d * kp + jb);
	size_t f;
	int r;

	for (r = 0; r < R; r++)
		acc[r] = _mm512_setzero_pd();
	for (f = 0; f < d; f++, pt += kp, bt += kp) {
		p = _mm512_loadu_pd(pt);
		b = _mm512_loadu_pd(bt);
		_Pragma("GCC unroll 8") for (r = 0; r < R; r++) {
			xv = _mm512_set1_pd(x[r * d + f]);
			acc[r] = _mm512_fmadd_pd(xv, _mm512_fmadd_pd(xv, p, b), acc[r]);
		}
	}
	for (r = 0; r < R; r++)
		_mm512_mask_storeu_pd(out + r * k + jb, mask, _mm512_add_pd(acc[r], c));
}

static void
quad_rows512(const double *x, size_t m, size_t d, const double *qt, size_t k, double *out)
{
	size_t i, jb, kp = gmmk_pad(k);
	__mmask8 mask;

	for (jb = 0; jb < kp; jb += 8) {
		mask = k - jb >= 8 ? 0xff : (__mmask8)((1u << (k - jb)) - 1);
		for (i = 0; i + 8 <= m; i += 8)
			quad_block(x + i * d, d, qt, kp, jb, 8, mask, out + i * k, k);
		for (; i < m; i++)
			quad_block(x + i * d, d, qt, kp, jb, 1, mask, out + i * k, k);
	}
}

/* gmmk_sph_rows for R rows from row x and the 8 components from column jb: the
 * cross terms in registers, then + c + |x|^2 (xsq) */
static inline __attribute__((always_inline)) void
sph_block(const double *x, size_t d, const double *qt, size_t kp, size_t jb, int R,
    __mmask8 mask, const double *xsq, double *out, size_t k)
{
	const double *bt = qt + d * kp + jb;
	__m512d acc[8], b, c = _mm512_loadu_pd(qt + 2 * d * kp + jb);
	size_t f;
	int r;

	for (r = 0; r < R; r++)
		acc[r] = _mm512_setzero_pd();
	for (f = 0; f < d; f++, bt += kp) {
		b = _mm512_loadu_pd(bt);
		_Pragma("GCC unroll 8") for (r = 0; r < R; r++)
			acc[r] = _mm512_fmadd_pd(_mm512_set1_pd(x[r * d + f]), b, acc[r]);
	}
	for (r = 0; r < R; r++)
		_mm512_mask_storeu_pd(out + r * k + jb, mask,
		    _mm512_add_pd(_mm512_add_pd(acc[r], c), _mm512_set1_pd(xsq[r])));
}

/* |x|^2 of a row: 8 lanes of fma, added in a fixed order */
static double
row_sumsq(const double *x, size_t d)
{
	__m512d a = _mm512_setzero_pd(), v;
	size_t f;

	for (f = 0; f < d; f += 8) {
		v = _mm512_maskz_loadu_pd(d - f >= 8 ? 0xff : (__mmask8)((1u << (d - f)) - 1), x + f);
		a = _mm512_fmadd_pd(v, v, a);
	}
	return _mm512_reduce_add_pd(a);
}

static void
sph_rows512(const double *x, size_t m, size_t d, const double *qt, size_t k, double *out)
{
	size_t i, jb, kp = gmmk_pad(k);
	double xsq[8];
	__mmask8 mask;
	int r;

	for (i = 0; i < m; i += 8) {
		for (r = 0; r < 8 && i + r < m; r++)
			xsq[r] = row_sumsq(x + (i + r) * d, d);
		for (jb = 0; jb < kp; jb += 8) {
			mask = k - jb >= 8 ? 0xff : (__mmask8)((1u << (k - jb)) - 1);
			if (i + 8 <= m)
				sph_block(x + i * d, d, qt, kp, jb, 8, mask, xsq, out + i * k, k);
			else
				for (r = 0; i + r < m; r++)
					sph_block(x + (i + r) * d, d, qt, kp, jb, 1, mask, xsq + r,
					    out + (i + r) * k, k);
		}
	}
}

/* the sums of gmmk_wsums for the components j0 .. j0 + G - 1 and the features
 * f .. f + 7 (mask: those below d) of m rows, in registers */
static inline __attribute__((always_inline)) void
wsums_tile(const double *x, const double *r, size_t m, size_t k, size_t d, size_t j0, int G,
    size_t f, __mmask8 mask, double *s, double *q)
{
	__m512d as[8], aq[8], xv, x2, w;
	size_t i;
	int g;

	for (g = 0; g < G; g++) {
		as[g] = _mm512_maskz_loadu_pd(mask, s + (j0 + g) * d + f);
		aq[g] = _mm512_maskz_loadu_pd(mask, q + (j0 + g) * d + f);
	}
	for (i = 0; i < m; i++) {
		xv = _mm512_maskz_loadu_pd(mask, x + i * d + f);
		x2 = _mm512_mul_pd(xv, xv);
		_Pragma("GCC unroll 8") for (g = 0; g < G; g++) {
			w = _mm512_set1_pd(r[i * k + j0 + g]);
			as[g] = _mm512_fmadd_pd(w, xv, as[g]);
			aq[g] = _mm512_fmadd_pd(w, x2, aq[g]);
		}
	}
	for (g = 0; g < G; g++) {
		_mm512_mask_storeu_pd(s + (j0 + g) * d + f, mask, as[g]);
		_mm512_mask_storeu_pd(q + (j0 + g) * d + f, mask, aq[g]);
	}
}

static void
wsums512(const double *x, const double *r, size_t m, size_t k, size_t d, double *s, double *q)
{
	size_t i0, mm, f, j;
	__mmask8 mask;

	for (i0 = 0; i0 < m; i0 += GK_WROWS) {
		mm = m - i0 < GK_WROWS ? m - i0 : GK_WROWS;
		for (f = 0; f < d; f += 8) {
			mask = d - f >= 8 ? 0xff : (__mmask8)((1u << (d - f)) - 1);
			for (j = 0; j + 8 <= k; j += 8)
				wsums_tile(x + i0 * d, r + i0 * k, mm, k, d, j, 8, f, mask, s, q);
			for (; j + 4 <= k; j += 4)
				wsums_tile(x + i0 * d, r + i0 * k, mm, k, d, j, 4, f, mask, s, q);
			for (; j < k; j++)
				wsums_tile(x + i0 * d, r + i0 * k, mm, k, d, j, 1, f, mask, s, q);
		}
	}
}

/* glibc's libmvec: 8 exp or log at a time (at most 4 ulp from the scalar ones) */
__m512d _ZGVeN8v_exp(__m512d);
__m512d _ZGVeN8v_log(__m512d);

/* v[0 .. n) = exp(v) (lg: log(v)), 8 at a time; a short tail through a padded
 * vector, so that every value takes the same path */
static void
vmath8(double *v, size_t n, int lg)
{
	__m512d t;
	double pad[8];
	size_t i, r;

	for (i = 0; i + 8 <= n; i += 8) {
		t = _mm512_loadu_pd(v + i);
		_mm512_storeu_pd(v + i, lg ? _ZGVeN8v_log(t) : _ZGVeN8v_exp(t));
	}
	if (i == n)
		return;
	for (r = 0; r < 8; r++)
		pad[r] = i + r < n ? v[i + r] : 1.0;
	t = _mm512_loadu_pd(pad);
	_mm512_storeu_pd(pad, lg ? _ZGVeN8v_log(t) : _ZGVeN8v_exp(t));
	for (r = 0; i + r < n; r++)
		v[i + r] = pad[r];
}
#pragma GCC pop_options

void
gmmk_quad_rows(const double *x, size_t m, size_t d, const double *qt, size_t k, double *out)
{
	quad_rows512(x, m, d, qt, k, out);
}

void
gmmk_sph_rows(const double *x, size_t m, size_t d, const double *qt, size_t k, double *out)
{
	sph_rows512(x, m, d, qt, k, out);
}

void
gmmk_wsums(const double *x, const double *r, size_t m, size_t k, size_t d, double *s, double *q)
{
	wsums512(x, r, m, k, d, s, q);
}
#else
void
gmmk_quad_rows(const double *x, size_t m, size_t d, const double *qt, size_t k, double *out)
{
	abort(); /* gmmk_avx512() is 0 */
}

void
gmmk_sph_rows(const double *x, size_t m, size_t d, const double *qt, size_t k, double *out)
{
	abort(); /* gmmk_avx512() is 0 */
}

void
gmmk_wsums(const double *x, const double *r, size_t m, size_t k, size_t d, double *s, double *q)
{
	abort(); /* gmmk_avx512() is 0 */
}

void
gmmk_syrk(const double *z, size_t q, size_t dp, double *cp)
{
	abort(); /* gmmk_avx512() is 0 */
}

void
gmmk_maha(const double *z, size_t m, size_t dp, const double *pp, double *out, size_t stride)
{
	abort();
}

void
gmmk_maha_off(const double *x, const size_t *idx, size_t m, size_t dp, const double *pp,
    const double *o, double *out, size_t stride)
{
	abort();
}
#endif

/* v[0 .. n) = exp(v), or log(v) when lg: libmvec 8 at a time (vmath8) with
 * gmmk_avx512(), else the scalar functions.  Can't fail. */
static void
vmath(double *v, size_t n, int lg)
{
	size_t i;

#ifdef GK_X86
	if (gmmk_avx512()) {
		vmath8(v, n, lg);
		return;
	}
#endif
	for (i = 0; i < n; i++)
		v[i] = lg ? log(v[i]) : exp(v[i]);
}

void
gmmk_exp(double *v, size_t n)
{
	vmath(v, n, 0);
}

void
gmmk_log(double *v, size_t n)
{
	vmath(v, n, 1);
}
