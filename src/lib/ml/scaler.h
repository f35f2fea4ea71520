/* scaler.h — weight's preprocessing of a vector stream:
 *   1. non-finite values (NaN, +-inf) are replaced by the column's fill value
 *      (the mean of its finite values, rounded to float32; 0 when it has none);
 *   2. min-max scaling to [lo, hi] with scikit-learn's MinMaxScaler arithmetic
 *      (x*scale + off with scale = (hi-lo)/(max-min), off = lo - min*scale; a column
 *      whose range is below 10*DBL_EPSILON counts as constant: range 1);
 *   3. optional clipping to [lo, hi];
 *   4. multiplication by a per-column weight (feature groups, see groups.h).
 * All arithmetic in double, the result rounded to float32.  A fitted scaler is saved
 * and loaded as a dtable(model=weight) with rows min, max, fill, lo, hi, weight.
 *
 * Standardisation (scaler_fit_standard) replaces step 2 by scikit-learn's
 * StandardScaler: (x - mean) / sd, mean and population sd of the finite values
 * (two passes in double, as sklearn's _incremental_mean_and_var), sd 1 for a column
 * sklearn's _is_constant_feature calls constant; step 3 does not apply.  Saved as
 * a dtable(model=standard) with rows mean, sd, fill, weight. */
#ifndef SV_SCALER_H
#define SV_SCALER_H
#include <stddef.h>
#include <stdio.h>

#include "core/matrix.h"

typedef struct Scaler {
	size_t d;
	double *min, *max;  /* fitted range of the finite values */
	double *fill;       /* replacement for NaN/inf */
	double *lo, *hi;    /* output range before weighting */
	double *weight;     /* per-column multiplier */
	int standard;       /* 1: (x - mean) / sd instead of the min-max range */
	double *mean, *sd;  /* standardisation */
	char **cols;        /* d column names or NULL */
	/* derived by scaler_prepare() */
	double *scale, *off;
} Scaler;

/* what scaler_do() replaced */
typedef struct ScalerCount {
	size_t nan, inf;    /* values replaced */
	size_t *percol;     /* d counters (allocated by scaler_count_init) */
} ScalerCount;

/* New scaler for d columns (weights 1, range [lo, hi]); cols copied if not NULL. */
void scaler_init(Scaler *s, size_t d, double lo, double hi, char *const *cols);
/* Fit min, max, fill on every row of m (non-finite values ignored). */
void scaler_fit(Scaler *s, const Matrix *m);
/* Fit mean, sd, fill for standardisation (sets s->standard). */
void scaler_fit_standard(Scaler *s, const Matrix *m);
/* Compute scale and off from min, max, lo, hi (call after fit/load, before do). */
void scaler_prepare(Scaler *s);
/* Transform one record of d values in place; counts replacements in c (may be NULL). */
void scaler_do(const Scaler *s, float *x, int clip, ScalerCount *c);
void del_scaler(Scaler *s);

void scaler_count_init(ScalerCount *c, size_t d);
/* "prog: NAME: replaced N non-finite values (a NaN, b infinite) in C column(s)"
 * when anything was replaced; frees the counters. */
void scaler_count_report(ScalerCount *c, size_t d, const char *name);

/* Save as a dtable; errors are left to fshut(fp). */
void scaler_save(const Scaler *s, FILE *fp);
/* Load and validate a saved scaler, min-max or standard (then prepared).  0 ok, -1
 * after a message. */
int scaler_load(Scaler *s, const char *path);

#endif
