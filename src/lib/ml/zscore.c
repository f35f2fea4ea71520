/* zscore.c — StandardScaler (see zscore.h). */
#include "ml/zscore.h"
#include "core/util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

void
zscore_fit(const double *x, size_t n, size_t d, double *mean, double *scale)
{
	double *corr = ecalloc(d ? d : 1, sizeof *corr), t;
	size_t i, j;

	for (j = 0; j < d; j++)
		mean[j] = scale[j] = 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < d; j++)
			mean[j] += x[i * d + j];
	for (j = 0; j < d; j++)
		mean[j] /= (double)n;
	/* sklearn's _incremental_mean_and_var: sum of squares of (x - mean) minus the
	 * squared sum of (x - mean) / n */
	for (i = 0; i < n; i++)
		for (j = 0; j < d; j++) {
			t = x[i * d + j] - mean[j];
			corr[j] += t;
			scale[j] += t * t;
		}
	for (j = 0; j < d; j++) {
		double var = (scale[j] - corr[j] * corr[j] / (double)n) / (double)n;
		double bound = (double)n * DBL_EPSILON * var +
		    ((double)n * mean[j] * DBL_EPSILON) * ((double)n * mean[j] * DBL_EPSILON);

		scale[j] = var <= bound ? 1 : sqrt(var);
	}
	free(corr);
}

void
zscore_do(const double *mean, const double *scale, double *x, size_t d)
{
	size_t j;

	for (j = 0; j < d; j++)
		x[j] = (x[j] - mean[j]) / scale[j];
}
