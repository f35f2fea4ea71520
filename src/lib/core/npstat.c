/* npstat.c — NumPy reductions and quickselect (see npstat.h). */
#include "core/npstat.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>

/* numpy/core/src/umath/loops_utils.h.src pairwise_sum, one body for both types */
#define PAIRWISE(name, T)                                                        \
static T                                                                         \
name(const T *a, size_t n)                                                       \
{                                                                                \
	size_t i, j, n2;                                                         \
	T r[8], res;                                                             \
                                                                                 \
	if (n < 8) {                                                             \
		res = 0;                                                         \
		for (i = 0; i < n; i++)                                          \
			res += a[i];                                             \
		return res;                                                      \
	}                                                                        \
	if (n <= 128) {                                                          \
		for (j = 0; j < 8; j++)                                          \
			r[j] = a[j];                                             \
		for (i = 8; i < n - n % 8; i += 8)                               \
			for (j = 0; j < 8; j++)                                  \
				r[j] += a[i + j];                                \
		res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
		for (; i < n; i++)                                               \
			res += a[i];                                             \
		return res;                                                      \
	}                                                                        \
	n2 = n / 2;                                                              \
	n2 -= n2 % 8;                                                            \
	return name(a, n2) + name(a + n2, n - n2);                               \
}

PAIRWISE(pairwise32, float)
PAIRWISE(pairwise64, double)

float
sv_np_sum32(const float *x, size_t n)
{
	return 0.0f + pairwise32(x, n);
}

double
sv_np_sum64(const double *x, size_t n)
{
	return 0.0 + pairwise64(x, n);
}

float
sv_np_mean32(const float *x, size_t n)
{
	return sv_np_sum32(x, n) / (float)n;
}

float
sv_np_std32(const float *x, size_t n)
{
	float m = sv_np_mean32(x, n), *d = emalloc(n * sizeof *d), v;
	size_t i;

	for (i = 0; i < n; i++) {
		d[i] = x[i] - m;
		d[i] = d[i] * d[i];
	}
	v = sv_np_sum32(d, n) / (float)n;
	free(d);
	return sqrtf(v);
}

double
sv_np_mean64(const double *x, size_t n)
{
	return sv_np_sum64(x, n) / (double)n;
}

void
sv_np_meanstd64(const double *x, size_t n, double *d, double *mean, double *std)
{
	double m = sv_np_mean64(x, n);
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (x[i] - m) * (x[i] - m);
	*mean = m;
	*std = sqrt(sv_np_mean64(d, n));
}

void
sv_select_k(float *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (hi > lo) {
		size_t i = lo, j = hi, mid = lo + (hi - lo) / 2;
		float pv, x;
		/* median of three as pivot */
		if (a[mid] < a[lo]) x = a[mid], a[mid] = a[lo], a[lo] = x;
		if (a[hi] < a[lo]) x = a[hi], a[hi] = a[lo], a[lo] = x;
		if (a[hi] < a[mid]) x = a[hi], a[hi] = a[mid], a[mid] = x;
		pv = a[mid];
		while (i <= j) {
			while (a[i] < pv)
				i++;
			while (a[j] > pv)
				j--;
			if (i <= j) {
				x = a[i], a[i] = a[j], a[j] = x;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

float
sv_inf_norm(const float *v, int n)
{
	float m = 0;
	int i;

	for (i = 0; i < n; i++)
		if (fabsf(v[i]) > m)
			m = fabsf(v[i]);
	return m < 1.17549435e-38f ? 1 : m;
}
