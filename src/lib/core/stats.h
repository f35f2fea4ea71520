/* stats.h — descriptive statistics in double precision (numpy semantics).
 *
 * Array functions take float or double input and accumulate in double.
 * sv_std is the population standard deviation (ddof 0) computed in two passes like
 * numpy (mean first, then the mean of squared deviations).  sv_percentile
 * interpolates linearly between order statistics like numpy.percentile's default
 * ('linear'): position p/100*(n-1) in the sorted data.
 *
 * NaN: these functions propagate NaN as numpy does (any NaN gives NaN, except
 * sv_min/sv_max which also return NaN).  Callers wanting nanmean-style behaviour
 * drop NaNs first (sv_dropnan). */
#ifndef SV_STATS_H
#define SV_STATS_H
#include <stddef.h>

double sv_meanf(const float *x, size_t n);   /* NaN when n == 0 */
double sv_stdf(const float *x, size_t n);    /* population; NaN when n == 0 */
double sv_minf(const float *x, size_t n);
double sv_maxf(const float *x, size_t n);

double sv_mean(const double *x, size_t n);
double sv_std(const double *x, size_t n);
double sv_min(const double *x, size_t n);
double sv_max(const double *x, size_t n);

/* Sort x ascending in place (NaNs last). */
void sv_sort(double *x, size_t n);
/* Percentile p in [0,100] of sorted data (sv_sort first); NaN when n == 0. */
double sv_percentile(const double *sorted, size_t n, double p);
/* Move the non-NaN values to the front; returns their count. */
size_t sv_dropnan(double *x, size_t n);

#endif
