/* dvec.c — double-precision vector kernels (see dvec.h). */
#include "ml/dvec.h"

/* the kernels are loops over d whose trip count is only known at run time: GCC -O2
 * (very-cheap cost model) leaves them scalar */
#pragma GCC optimize("O3")

#define CLONES __attribute__((target_clones("avx2,fma", "default")))

/* the 8 partial sums of a reduction, added pairwise in a fixed order */
static inline double
add8(const double *s)
{
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

CLONES double
dvec_sqdist(const double *a, const double *b, size_t d)
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

CLONES double
dvec_wsqdist(const double *a, const double *b, const double *w, size_t d)
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

CLONES void
dvec_from_float(double *out, const float *x, size_t d)
{
	size_t f;

	for (f = 0; f < d; f++)
		out[f] = x[f];
}
