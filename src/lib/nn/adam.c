/* adam.c — torch.optim.Adam's update (see adam.h). */
#include "nn/adam.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>

void
adam_init(Adam *a, size_t n, double lr)
{
	a->n = n;
	a->lr = lr;
	a->b1 = 0.9;
	a->b2 = 0.999;
	a->eps = 1e-8;
	a->step = 0;
	a->simd = 0;
	a->m = ecalloc(n, sizeof *a->m);
	a->v = ecalloc(n, sizeof *a->v);
}

typedef AdamCoef Coef;

/* elements [i, n) one at a time */
static void
update(const Coef *k, float *p, const float *g, float *am, float *av, size_t i, size_t n)
{
	float m, v, d;

	for (; i < n; i++) {
		m = am[i] * k->b1;
		v = av[i] * k->b2;
		m = m + k->c1 * g[i];
		v = v + k->c2 * g[i] * g[i];
		d = sqrtf(v) / k->bc2s + k->eps;
		am[i] = m;
		av[i] = v;
		p[i] = p[i] + k->neg * m / d;
	}
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_SIMD 1
/* The same operations 16 (8) lanes at a time; sqrt, division, products and sums are
 * correctly rounded in every lane, so the bits are those of update().  Returns the
 * elements done. */
__attribute__((target("avx512f"))) static size_t
update16(const Coef *k, float *p, const float *g, float *am, float *av, size_t n)
{
	__m512 b1 = _mm512_set1_ps(k->b1), c1 = _mm512_set1_ps(k->c1), b2 = _mm512_set1_ps(k->b2);
	__m512 c2 = _mm512_set1_ps(k->c2), s = _mm512_set1_ps(k->bc2s), e = _mm512_set1_ps(k->eps);
	__m512 st = _mm512_set1_ps(k->neg), m, v, gi, d;
	size_t i;

	for (i = 0; i + 16 <= n; i += 16) {
		gi = _mm512_loadu_ps(g + i);
		m = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(am + i), b1), _mm512_mul_ps(c1, gi));
		v = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(av + i), b2),
		    _mm512_mul_ps(_mm512_mul_ps(c2, gi), gi));
		d = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(v), s), e);
		_mm512_storeu_ps(am + i, m);
		_mm512_storeu_ps(av + i, v);
		_mm512_storeu_ps(p + i, _mm512_add_ps(_mm512_loadu_ps(p + i),
		    _mm512_div_ps(_mm512_mul_ps(st, m), d)));
	}
	return i;
}

__attribute__((target("avx"))) static size_t
update8(const Coef *k, float *p, const float *g, float *am, float *av, size_t n)
{
	__m256 b1 = _mm256_set1_ps(k->b1), c1 = _mm256_set1_ps(k->c1), b2 = _mm256_set1_ps(k->b2);
	__m256 c2 = _mm256_set1_ps(k->c2), s = _mm256_set1_ps(k->bc2s), e = _mm256_set1_ps(k->eps);
	__m256 st = _mm256_set1_ps(k->neg), m, v, gi, d;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		gi = _mm256_loadu_ps(g + i);
		m = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(am + i), b1), _mm256_mul_ps(c1, gi));
		v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(av + i), b2),
		    _mm256_mul_ps(_mm256_mul_ps(c2, gi), gi));
		d = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(v), s), e);
		_mm256_storeu_ps(am + i, m);
		_mm256_storeu_ps(av + i, v);
		_mm256_storeu_ps(p + i, _mm256_add_ps(_mm256_loadu_ps(p + i),
		    _mm256_div_ps(_mm256_mul_ps(st, m), d)));
	}
	return i;
}
#endif

/* One pass where torch makes five; the scalars are the Python floats torch computes,
 * rounded to float32 as its CPU kernels round them.  Can't fail. */
void
adam_begin(Adam *a)
{
	double bc1, bc2;

	a->step++;
	bc1 = 1 - pow(a->b1, (double)a->step);
	bc2 = 1 - pow(a->b2, (double)a->step);
	a->k.b1 = (float)a->b1;
	a->k.c1 = (float)(1 - a->b1);
	a->k.b2 = (float)a->b2;
	a->k.c2 = (float)(1 - a->b2);
	a->k.bc2s = (float)sqrt(bc2);
	a->k.eps = (float)a->eps;
	a->k.neg = (float)-(a->lr / bc1);
	a->simd = 0;
#ifdef HAVE_SIMD
	if (__builtin_cpu_supports("avx512f") && !getenv("SV_ADAM_GENERIC"))
		a->simd = 16;
	else if (__builtin_cpu_supports("avx") && !getenv("SV_ADAM_GENERIC"))
		a->simd = 8;
#endif
}

/* This function can't fail. */
void
adam_part(const Adam *a, size_t off, float *p, const float *g, size_t n)
{
	size_t i = 0;
	float *am = a->m + off, *av = a->v + off;

#ifdef HAVE_SIMD
	if (a->simd == 16)
		i = update16(&a->k, p, g, am, av, n);
	else if (a->simd == 8)
		i = update8(&a->k, p, g, am, av, n);
#endif
	update(&a->k, p, g, am, av, i, n);
}

void
adam_do(Adam *a, float *p, const float *g)
{
	adam_begin(a);
	adam_part(a, 0, p, g, a->n);
}

void
del_adam(Adam *a)
{
	free(a->m);
	free(a->v);
	a->m = a->v = NULL;
}
