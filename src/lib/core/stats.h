/* stats.h — descriptive statistics, two kinds:
 *
 * 1. stats_mean ... stats_dropnan: sequential double-precision accumulations.
 * stats_std is the population standard deviation (ddof 0) computed in two passes like
 * numpy (mean first, then the mean of squared deviations).  stats_percentile
 * interpolates linearly between order statistics like numpy.percentile's default
 * ('linear'): position p/100*(n-1) in the sorted data.
 *
 * NaN: these functions propagate NaN (any NaN gives NaN).  Callers wanting
 * nanmean-style behaviour drop NaNs first (stats_dropnan).
 *
 * 2. stats_np_*: NumPy 1.24's reductions on contiguous float32 / float64 arrays, bit
 * for bit: pairwise summation (blocks of 8 lanes up to 128, then halves), identity 0;
 * np.mean = sum / n; np.std (ddof 0) = sqrt(mean((x - mean)^2)) in the array's type.
 * And a quickselect for medians and percentiles (stats_select_k). */
#ifndef SV_STATS_H
#define SV_STATS_H
#include <stddef.h>

/* None of these can fail, but stats_np_std32 may run out of memory (then it exits
 * like emalloc). */
double stats_mean(const double *x, size_t n);   /* NaN when n == 0 */
double stats_std(const double *x, size_t n);    /* population; NaN when n == 0 */

/* Sort x ascending in place (NaNs last). */
void stats_sort(double *x, size_t n);
/* Percentile p in [0,100] of sorted data (stats_sort first); NaN when n == 0. */
double stats_percentile(const double *sorted, size_t n, double p);
/* Move the non-NaN values to the front; returns their count. */
size_t stats_dropnan(double *x, size_t n);

/* np.sum, np.mean, np.std of contiguous arrays (mean and std: n >= 1). */
float stats_np_sum32(const float *x, size_t n);
double stats_np_sum64(const double *x, size_t n);
/* sum of a[i] * b[i] in index order (no pairwise or partial sums); cannot fail */
double stats_dot64(const double *a, const double *b, size_t n);
float stats_np_mean32(const float *x, size_t n);
float stats_np_std32(const float *x, size_t n);
double stats_np_mean64(const double *x, size_t n);
/* np.mean and np.std of x[0..n), n >= 1; d: n doubles of scratch. */
void stats_np_meanstd64(const double *x, size_t n, double *d, double *mean, double *std);
/* Reorder a[0..n) (n >= 1, no NaN) so that a[k] is its k-th smallest value,
 * a[0..k) <= a[k] <= a(k..n). */
void stats_select_k(float *a, size_t n, size_t k);

#endif
