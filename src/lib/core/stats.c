/* stats.c — descriptive statistics in double precision (see stats.h). */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

#define STATS_FUNCS(T, SUF)                                                    \
double                                                                         \
sv_mean##SUF(const T *x, size_t n)                                             \
{                                                                              \
	double s = 0;                                                          \
	size_t i;                                                              \
	if (!n)                                                                \
		return NAN;                                                    \
	for (i = 0; i < n; i++)                                                \
		s += x[i];                                                     \
	return s / (double)n;                                                  \
}                                                                              \
double                                                                         \
sv_std##SUF(const T *x, size_t n)                                              \
{                                                                              \
	double m = sv_mean##SUF(x, n), s = 0, d;                               \
	size_t i;                                                              \
	if (!n)                                                                \
		return NAN;                                                    \
	for (i = 0; i < n; i++) {                                              \
		d = x[i] - m;                                                  \
		s += d * d;                                                    \
	}                                                                      \
	return sqrt(s / (double)n);                                            \
}                                                                              \
double                                                                         \
sv_min##SUF(const T *x, size_t n)                                              \
{                                                                              \
	double m = n ? x[0] : NAN;                                             \
	size_t i;                                                              \
	for (i = 0; i < n; i++) {                                              \
		if (isnan(x[i]))                                               \
			return NAN;                                            \
		if (x[i] < m)                                                  \
			m = x[i];                                              \
	}                                                                      \
	return m;                                                              \
}                                                                              \
double                                                                         \
sv_max##SUF(const T *x, size_t n)                                              \
{                                                                              \
	double m = n ? x[0] : NAN;                                             \
	size_t i;                                                              \
	for (i = 0; i < n; i++) {                                              \
		if (isnan(x[i]))                                               \
			return NAN;                                            \
		if (x[i] > m)                                                  \
			m = x[i];                                              \
	}                                                                      \
	return m;                                                              \
}

STATS_FUNCS(float, f)
STATS_FUNCS(double, )

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

void
sv_sort(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp);
}

double
sv_percentile(const double *a, size_t n, double p)
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
sv_dropnan(double *x, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!isnan(x[i]))
			x[k++] = x[i];
	return k;
}
