/* npstat.h — NumPy 1.24's reductions on contiguous float32 / float64 arrays, bit for
 * bit: pairwise summation (blocks of 8 lanes up to 128, then halves), identity 0;
 * np.mean = sum / n; np.std (ddof 0) = sqrt(mean((x - mean)^2)) in the array's type.
 * And a quickselect for medians and percentiles. */
#ifndef SV_NPSTAT_H
#define SV_NPSTAT_H
#include <stddef.h>

float sv_np_sum32(const float *x, size_t n);
double sv_np_sum64(const double *x, size_t n);
float sv_np_mean32(const float *x, size_t n);
float sv_np_std32(const float *x, size_t n);
double sv_np_mean64(const double *x, size_t n);
/* np.mean and np.std of x[0..n), n >= 1; d: n doubles of scratch. */
void sv_np_meanstd64(const double *x, size_t n, double *d, double *mean, double *std);
/* Reorder a[0..n) (n >= 1, no NaN) so that a[k] is its k-th smallest value,
 * a[0..k) <= a[k] <= a(k..n). */
void sv_select_k(float *a, size_t n, size_t k);
/* util.normalize(norm=inf)'s divisor of v[0..n): max |v|, or 1 below FLT_MIN. */
float sv_inf_norm(const float *v, int n);

#endif
