/* gmmstep.h — the EM steps of a Gaussian mixture (ml/gmm.h) and prediction, on
 * n x d rows in double, GMM_BLOCK rows per task of the thread pool (gmmstep.c).
 *
 * E-step: log_resp = weighted log-probabilities - logsumexp over components
 * (sklearn's _estimate_log_prob_resp).  Full covariances: (x - mu) times the
 * precision factor (dtrmm), squared norm; with gmmkern and d a multiple of 8,
 * sklearn's x P - mu P on the rows in place.  The bounded E-step of the fit leaves out
 * the components that cannot reach a responsibility of e^-GMM_PRUNE (4e-18) of a
 * row: it computes the row's most likely component (by a bound) first, then every
 * component whose upper bound on the weighted log-probability, from the squared
 * Euclidean distance times the precision's smallest eigenvalue, is within
 * GMM_PRUNE of it.  The others get a responsibility of 0: they would change the
 * lower bound by less than 1e-16 relative and the M-step sums by less than their
 * rounding.  Predictions compute every component.
 * M-step: nk = sum of resp + 10 eps, means = resp^T X / nk (dvec_wsums, or with
 * gmmkern gmmk_wsums by fma in the fused diag/spherical step, row by row over blocks
 * of GMM_SUMROWS rows, added in block order); covariances:
 * full by dsyrk over chunks of sqrt(r) (x - mu) (the rows with r > 0, two-pass as
 * sklearn), diag and spherical by sklearn's resp^T X^2 / nk - 2 mu^2 + mu^2, tied
 * by sklearn's (X^T X - sum nk mu mu^T) / sum nk (one-pass formulas: the data are
 * centred on their means first, see gmm.h); reg on the diagonal.  Weights are
 * left as nk. */
#ifndef SV_GMMSTEP_H
#define SV_GMMSTEP_H
#include <stddef.h>

#include "ml/gmm.h"

#define GMM_BLOCK 256   /* rows per E-step task */
#define GMM_CHUNK 4096  /* rows per dsyrk of the M-step */
#define GMM_KCHUNK 256  /* rows per gmmk_syrk (ml/gmmkern.h) of the M-step */
#define GMM_SUMROWS 2048 /* rows per task of the M-step's sums (nk, means, x^2) */
#define GMM_PRUNE 40.0  /* bounded E-step: log-responsibility left out below -this */

/* the n x d rows of the EM steps: x, or (x NULL) xf - shift computed in double
 * where used (the same values; full and tied need x) */
typedef struct GmmRows {
	const double *x;
	const float *xf;
	const double *shift;
	size_t n;
} GmmRows;

/* Responsibilities into resp (n x k); returns the sum over rows of log p(x)
 * (sklearn's log_prob_norm).  bounded: see above (full covariances only). */
double gmm_estep(const Gmm *g, const GmmRows *x, int nthreads, int bounded, double *resp);
/* weights (= nk), means, covariances from resp; xtx = X^T X (d x d) for tied, else
 * unused (NULL). */
void gmm_mstep(Gmm *g, const GmmRows *x, const double *resp, double reg, const double *xtx,
    int nthreads);

/* diag and spherical, rows xf - shift (x NULL): gmm_estep (not bounded), then
 * gmm_mstep into g from the same pass over the rows; the same results as the two
 * calls.  Returns the E-step's sum of log p(x). */
double gmm_emstep(Gmm *g, const GmmRows *x, int nthreads, double *resp, double reg);

/* Component (argmax of the responsibilities, the first on ties), responsibilities
 * (n x k, may be NULL) and the sum of the per-row log-likelihoods (may be NULL) of
 * n float32 rows.  This function can't fail. */
void gmm_predict(const Gmm *g, const float *x, size_t n, int nthreads, int *label, float *prob,
    double *loglik);

#endif
