/* gmmio.h — Gaussian mixture models (ml/gmm.h) as model files (gmmio.c). */
#ifndef SV_GMMIO_H
#define SV_GMMIO_H
#include <stdio.h>

#include "ml/gmm.h"

/* The model as a dtable (model=gmm-TYPE, dimension d, %.17g): rows weight.J (the
 * weight in every column), mean.J, then cov.J.R (full), cov.R (tied), var.J
 * (diag; spherical: the variance in every column).  cols: d names or NULL. */
void gmm_save(const Gmm *g, FILE *fp, char *const *cols);
/* NULL after "prog: FILE: ..." (not a gmm model, missing rows, weights that do not
 * sum to 1, covariances not positive definite). */
Gmm *gmm_load(const char *path);

#endif
