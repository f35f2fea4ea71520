/* zscore.h — standardisation as scikit-learn 1.2.1's StandardScaler: per column
 * (x - mean) / scale, mean and population variance in double, scale = sqrt(var),
 * 1 for a column sklearn deems constant (var <= n eps var + (n mean eps)^2). */
#ifndef SV_ZSCORE_H
#define SV_ZSCORE_H
#include <stddef.h>

/* Fit mean[d] and scale[d] on n rows of x (n x d, row-major, n >= 1).  Cannot fail. */
void zscore_fit(const double *x, size_t n, size_t d, double *mean, double *scale);
/* x[i] = (x[i] - mean[i]) / scale[i] for one row of d values.  Cannot fail. */
void zscore_do(const double *mean, const double *scale, double *x, size_t d);

#endif
