/* logregk.c — the fused multinomial loss and gradient on AVX-512F (see logregk.h). */
#include "ml/logregk.h"
#include "core/util.h"

#include <stdlib.h>

#define CGMAX 10 /* classes per register tile: 2 x 10 accumulators */
#define BCG 5    /* the same in X' G: 4 x 5 */
/* elements from one panel to the next: a cache line more than its d x 8, so that
 * X' G's walk down a column of panels does not map every panel to one L1 set */
#define PSTRIDE(d, es) ((d) * 8 + 64 / (es))

size_t
lrk_scratch(size_t nb, size_t k)
{
	return ((nb + 15) / 16) * 16 * (k ? k : 1);
}

void
del_lrpanels(LrPanels *p)
{
	if (!p)
		return;
	free(p->x);
	free(p);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f")
#pragma GCC optimize("O3")

#define LDF(q) _mm512_cvtps_pd(_mm256_loadu_ps(q))
#define LDD(q) _mm512_loadu_pd(q)

/* raw predictions of two panels (x0 and the next) for CG classes (rows of w,
 * stride dd, intercept at d) into z0, z1 (CG x 8 each) */
#define FWD(N, TY, LD, CG)                                                               \
	static void fwd_##N##CG(const void *xv, size_t d, const double *w, size_t dd,     \
	    double *z0, double *z1)                                                       \
	{                                                                                 \
		const TY *x0 = xv, *x1 = x0 + PSTRIDE(d, sizeof(TY));                   \
		size_t pf = 2 * PSTRIDE(d, sizeof(TY));                                   \
		__m512d a0[CG], a1[CG], u0, u1, b;                                        \
		size_t j;                                                                 \
		int c;                                                                    \
		_Pragma("GCC unroll 10") for (c = 0; c < CG; c++)                          \
			a0[c] = a1[c] = _mm512_setzero_pd();                              \
		for (j = 0; j < d; j++) {                                                 \
			u0 = LD(x0 + j * 8);                                              \
			u1 = LD(x1 + j * 8);                                              \
			_mm_prefetch((const char *)(x0 + pf + j * 8), _MM_HINT_T0);       \
			_mm_prefetch((const char *)(x1 + pf + j * 8), _MM_HINT_T0);       \
			_Pragma("GCC unroll 10") for (c = 0; c < CG; c++) {                \
				b = _mm512_set1_pd(w[c * dd + j]);                        \
				a0[c] = _mm512_fmadd_pd(u0, b, a0[c]);                    \
				a1[c] = _mm512_fmadd_pd(u1, b, a1[c]);                    \
			}                                                                 \
		}                                                                         \
		_Pragma("GCC unroll 10") for (c = 0; c < CG; c++) {                        \
			b = _mm512_set1_pd(w[c * dd + d]);                                \
			_mm512_storeu_pd(z0 + c * 8, _mm512_add_pd(a0[c], b));            \
			_mm512_storeu_pd(z1 + c * 8, _mm512_add_pd(a1[c], b));            \
		}                                                                         \
	}

/* g's CG rows (stride dd) = G' X over np panels from x, G from gz (CG x 8 per
 * panel, panel stride k * 8): BJ features at a time, the 8 lanes summed last */
#define BJ 4
#define BWD(N, TY, LD, CG)                                                               \
	static void bwd_##N##CG(const void *xv, size_t np, size_t d, const double *gz,    \
	    size_t k, double *g, size_t dd)                                               \
	{                                                                                 \
		__m512d a[BJ][CG], e, u[BJ];                                              \
		const TY *x = xv, *xq;                                                    \
		const double *gq;                                                         \
		size_t j, q, nj;                                                          \
		int c, t;                                                                 \
		for (j = 0; j < d; j += BJ) {                                             \
			nj = d - j < BJ ? d - j : BJ;                                     \
			_Pragma("GCC unroll 4") for (t = 0; t < BJ; t++)                   \
			_Pragma("GCC unroll 10") for (c = 0; c < CG; c++)                  \
				a[t][c] = _mm512_setzero_pd();                            \
			for (q = 0; q < np; q++) {                                        \
				xq = x + q * PSTRIDE(d, sizeof(TY)) + j * 8;              \
				gq = gz + q * k * 8;                                      \
				_Pragma("GCC unroll 4") for (t = 0; t < BJ; t++)           \
					u[t] = (size_t)t < nj ? LD(xq + t * 8) :          \
					    _mm512_setzero_pd();                          \
				_Pragma("GCC unroll 10") for (c = 0; c < CG; c++) {        \
					e = _mm512_loadu_pd(gq + c * 8);                  \
					__asm__("" : "+v"(e)); /* one load, BJ uses */   \
					_Pragma("GCC unroll 4") for (t = 0; t < BJ; t++)   \
						a[t][c] = _mm512_fmadd_pd(e, u[t], a[t][c]); \
				}                                                         \
			}                                                                 \
			_Pragma("GCC unroll 4") for (t = 0; t < BJ; t++)                   \
			_Pragma("GCC unroll 10") for (c = 0; c < CG; c++)                  \
				if ((size_t)t < nj)                                       \
					g[c * dd + j + t] = _mm512_reduce_add_pd(a[t][c]); \
		}                                                                         \
	}

#define KERNELS(N, TY, LD)                                                               \
	FWD(N, TY, LD, 1) FWD(N, TY, LD, 2) FWD(N, TY, LD, 3) FWD(N, TY, LD, 4)           \
	FWD(N, TY, LD, 5) FWD(N, TY, LD, 6) FWD(N, TY, LD, 7) FWD(N, TY, LD, 8)           \
	FWD(N, TY, LD, 9) FWD(N, TY, LD, 10)                                              \
	BWD(N, TY, LD, 1) BWD(N, TY, LD, 2) BWD(N, TY, LD, 3) BWD(N, TY, LD, 4)           \
	BWD(N, TY, LD, 5)
KERNELS(f, float, LDF)
KERNELS(d, double, LDD)

typedef void (*FwdFn)(const void *, size_t, const double *, size_t, double *, double *);
typedef void (*BwdFn)(const void *, size_t, size_t, const double *, size_t, double *, size_t);
static const FwdFn fwd_f[CGMAX] = { fwd_f1, fwd_f2, fwd_f3, fwd_f4, fwd_f5, fwd_f6, fwd_f7,
	fwd_f8, fwd_f9, fwd_f10 };
static const FwdFn fwd_d[CGMAX] = { fwd_d1, fwd_d2, fwd_d3, fwd_d4, fwd_d5, fwd_d6, fwd_d7,
	fwd_d8, fwd_d9, fwd_d10 };
static const BwdFn bwd_f[BCG] = { bwd_f1, bwd_f2, bwd_f3, bwd_f4, bwd_f5 };
static const BwdFn bwd_d[BCG] = { bwd_d1, bwd_d2, bwd_d3, bwd_d4, bwd_d5 };

/* exp(x) for finite x: 2^k e^r with r = x - k ln 2 (ln 2 in two parts, k ln2hi
 * exact for |k| < 2^21), e^r by its Taylor polynomial to degree 13 (truncation
 * below 1e-17 on |r| <= ln 2 / 2), 2^k by vscalefpd (subnormals and underflow
 * to 0 as exp does) */
static __m512d
exp512(__m512d x)
{
	static const double c[14] = { 1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120,
		1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800,
		1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0 };
	__m512d k, r, p;
	int i;

	k = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(1.4426950408889634)),
	    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	r = _mm512_fnmadd_pd(k, _mm512_set1_pd(6.93147180369123816490e-01), x);
	r = _mm512_fnmadd_pd(k, _mm512_set1_pd(1.90821492927058770002e-10), r);
	p = _mm512_set1_pd(c[13]);
	for (i = 12; i >= 0; i--)
		p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(c[i]));
	return _mm512_scalef_pd(p, k);
}

/* log(x) for 1 <= x < 2^1023 (the softmax sums): x = 2^e m with m in [0.75,
 * 1.5) (vgetmantpd; x / m is exactly 2^e), log m = 2 atanh t, t = (m - 1) /
 * (m + 1), |t| <= 0.2, by its series to t^21 (truncation below 2e-17 of the
 * result), e ln 2 in two parts */
static __m512d
log512(__m512d x)
{
	__m512d m, e, t, t2, p, one = _mm512_set1_pd(1);
	int i;

	m = _mm512_getmant_pd(x, _MM_MANT_NORM_p75_1p5, _MM_MANT_SIGN_zero);
	e = _mm512_getexp_pd(_mm512_div_pd(x, m));
	t = _mm512_div_pd(_mm512_sub_pd(m, one), _mm512_add_pd(m, one));
	t2 = _mm512_mul_pd(t, t);
	p = _mm512_set1_pd(2.0 / 21);
	for (i = 19; i >= 1; i -= 2)
		p = _mm512_fmadd_pd(p, t2, _mm512_set1_pd(2.0 / i));
	p = _mm512_fmadd_pd(e, _mm512_set1_pd(1.90821492927058770002e-10), _mm512_mul_pd(p, t));
	return _mm512_fmadd_pd(e, _mm512_set1_pd(6.93147180369123816490e-01), p);
}

/* one panel's z (k x 8) becomes softmax - onehot (0 past the nv valid rows);
 * returns the valid rows' loss logsumexp(z) - z[y] (as logreg.c's multinomial) */
static double
softmax_panel(double *z, size_t k, const int *y, size_t nv)
{
	__m512d m = _mm512_loadu_pd(z), s = _mm512_setzero_pd(), e;
	double zy[8], sv[8], loss = 0;
	size_t c, r;

	for (c = 1; c < k; c++)
		m = _mm512_max_pd(m, _mm512_loadu_pd(z + c * 8));
	for (r = 0; r < nv; r++)
		zy[r] = z[(size_t)y[r] * 8 + r];
	for (c = 0; c < k; c++) {
		e = exp512(_mm512_sub_pd(_mm512_loadu_pd(z + c * 8), m));
		_mm512_storeu_pd(z + c * 8, e);
		s = _mm512_add_pd(s, e);
	}
	_mm512_storeu_pd(sv, _mm512_add_pd(log512(s), m));
	for (r = 0; r < nv; r++)
		loss += -zy[r] + sv[r];
	s = _mm512_div_pd(_mm512_set1_pd(1), s);
	for (c = 0; c < k; c++)
		_mm512_storeu_pd(z + c * 8, _mm512_mul_pd(_mm512_loadu_pd(z + c * 8), s));
	for (r = 0; r < nv; r++)
		z[(size_t)y[r] * 8 + r] -= 1;
	for (r = nv; r < 8; r++)
		for (c = 0; c < k; c++)
			z[c * 8 + r] = 0;
	return loss;
}

/* the intercepts' gradient: g[c * dd] = sum of G's class c over np panels */
static void
intercepts(const double *z, size_t np, size_t k, double *g, size_t dd)
{
	__m512d s;
	size_t c, q;

	for (c = 0; c < k; c++) {
		s = _mm512_setzero_pd();
		for (q = 0; q < np; q++)
			s = _mm512_add_pd(s, _mm512_loadu_pd(z + (q * k + c) * 8));
		g[c * dd] = _mm512_reduce_add_pd(s);
	}
}

double
lrk_block(const LrPanels *p, const int *y, size_t i0, size_t nb, size_t k, const double *w,
    double *g, double *scratch)
{
	size_t d = p->d, dd = d + 1, np = lrk_scratch(nb, 1) / 8, q, c0, cg;
	size_t es = p->f32 ? sizeof(float) : sizeof(double);
	const char *x = (const char *)p->x + (i0 / 8) * PSTRIDE(d, es) * es;
	const FwdFn *fwd = p->f32 ? fwd_f : fwd_d;
	const BwdFn *bwd = p->f32 ? bwd_f : bwd_d;
	double loss = 0, *z = scratch;

	for (q = 0; q < np; q += 2)
		for (c0 = 0; c0 < k; c0 += cg) {
			cg = k - c0 < CGMAX ? k - c0 : CGMAX;
			fwd[cg - 1](x + q * PSTRIDE(d, es) * es, d, w + c0 * dd, dd, z + (q * k + c0) * 8,
			    z + ((q + 1) * k + c0) * 8);
		}
	for (q = 0; q < np; q++)
		loss += softmax_panel(z + q * k * 8, k, y + i0 + q * 8,
		    nb > q * 8 ? (nb - q * 8 < 8 ? nb - q * 8 : 8) : 0);
	for (c0 = 0; c0 < k; c0 += cg) {
		cg = k - c0 < BCG ? k - c0 : BCG;
		bwd[cg - 1](x, np, d, z + c0 * 8, k, g + c0 * dd, dd);
	}
	intercepts(z, np, k, g + d, dd);
	return loss;
}
/* copy x into p's panels, 8 rows' feature j by one gather: as float while every
 * value is one (returns 1), else (returns 0 at the first that is not) as double
 * when !f32 */
static int
fill_panels(LrPanels *p, const double *x, int f32)
{
	size_t i, j, d = p->d, ps = PSTRIDE(d, f32 ? sizeof(float) : sizeof(double));
	long long dl = (long long)d;
	__m512i idx = _mm512_set_epi64(7 * dl, 6 * dl, 5 * dl, 4 * dl, 3 * dl, 2 * dl, dl, 0);
	__m512d v;
	__m256 f;
	__mmask8 m;

	for (i = 0; i < p->n; i += 8) {
		m = p->n - i >= 8 ? 0xff : (__mmask8)((1u << (p->n - i)) - 1);
		for (j = 0; j < d; j++) {
			v = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, idx, x + i * d + j, 8);
			if (!f32) {
				_mm512_storeu_pd((double *)p->x + (i / 8) * ps + j * 8, v);
				continue;
			}
			f = _mm512_cvtpd_ps(v);
			if (_mm512_cmp_pd_mask(_mm512_cvtps_pd(f), v, _CMP_EQ_OQ) != 0xff)
				return 0;
			_mm256_storeu_ps((float *)p->x + (i / 8) * ps + j * 8, f);
		}
	}
	return 1;
}
#pragma GCC pop_options

LrPanels *
new_lrpanels(const double *x, size_t n, size_t d)
{
	LrPanels *p;

	if (!__builtin_cpu_supports("avx512f") || getenv("SV_LOGREG_NOSIMD") || !n || !d)
		return NULL;
	p = ecalloc(1, sizeof *p);
	p->n = n;
	p->d = d;
	p->npan = lrk_scratch(n, 1) / 8;
	p->f32 = 1;
	p->x = ecalloc(p->npan, PSTRIDE(d, sizeof(float)) * sizeof(float));
	if (fill_panels(p, x, 1))
		return p;
	free(p->x);
	p->f32 = 0;
	p->x = ecalloc(p->npan, PSTRIDE(d, sizeof(double)) * sizeof(double));
	fill_panels(p, x, 0);
	return p;
}
#else
LrPanels *
new_lrpanels(const double *x, size_t n, size_t d)
{
	(void)x, (void)n, (void)d;
	return NULL;
}

double
lrk_block(const LrPanels *p, const int *y, size_t i0, size_t nb, size_t k, const double *w,
    double *g, double *scratch)
{
	(void)p, (void)y, (void)i0, (void)nb, (void)k, (void)w, (void)g, (void)scratch;
	return 0;
}
#endif
