/* stats.c — descriptive statistics: double-precision accumulations and NumPy's own
 * float32/float64 reductions, bit for bit (see stats.h). */
#include "core/stats.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>

double
stats_mean(const double *x, size_t n)
{
	double s = 0;
	size_t i;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++)
		s += x[i];
	return s / (double)n;
}

double
stats_std(const double *x, size_t n)
{
	double m = stats_mean(x, n), s = 0, d;
	size_t i;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++) {
		d = x[i] - m;
		s += d * d;
	}
	return sqrt(s / (double)n);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

void
stats_sort(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp);
}

double
stats_percentile(const double *a, size_t n, double p)
{
	double pos, t, lo, hi;
	size_t i;

	if (!n || isnan(p))
		return NAN;
	pos = p / 100.0 * (double)(n - 1);
	if (pos <= 0)
		return a[0];
	if (pos >= (double)(n - 1))
		return a[n - 1];
	i = (size_t)floor(pos);
	t = pos - (double)i;
	lo = a[i], hi = a[i + 1];
	/* numpy's _lerp: exact at both ends */
	return t >= 0.5 ? hi - (hi - lo) * (1 - t) : lo + (hi - lo) * t;
}

size_t
stats_dropnan(double *x, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!isnan(x[i]))
			x[k++] = x[i];
	return k;
}

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
stats_np_sum32(const float *x, size_t n)
{
	return 0.0f + pairwise32(x, n);
}

double
stats_np_sum64(const double *x, size_t n)
{
	return 0.0 + pairwise64(x, n);
}

float
stats_np_mean32(const float *x, size_t n)
{
	return stats_np_sum32(x, n) / (float)n;
}

float
stats_np_std32(const float *x, size_t n)
{
	float m = stats_np_mean32(x, n), *d = emallocarray(n, sizeof *d), v;
	size_t i;

	for (i = 0; i < n; i++) {
		d[i] = x[i] - m;
		d[i] = d[i] * d[i];
	}
	v = stats_np_sum32(d, n) / (float)n;
	free(d);
	return sqrtf(v);
}

double
stats_np_mean64(const double *x, size_t n)
{
	return stats_np_sum64(x, n) / (double)n;
}

void
stats_np_meanstd64(const double *x, size_t n, double *d, double *mean, double *std)
{
	double m = stats_np_mean64(x, n);
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (x[i] - m) * (x[i] - m);
	*mean = m;
	*std = sqrt(stats_np_mean64(d, n));
}

void
stats_select_k(float *a, size_t n, size_t k)
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

/* sum of a[i] * b[i] in index order, one accumulator: the rounding of a plain
 * loop, which the fits built on it (ml/lbfgs, ml/spectral, ml/centroid) were checked with.
 * Cannot fail. */
double
stats_dot64(const double *a, const double *b, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}
