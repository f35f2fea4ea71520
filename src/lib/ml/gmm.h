/* gmm.h — Gaussian mixtures as scikit-learn 1.2.1 GaussianMixture (EM).
 *
 *	GmmOpt o; gmm_defaults(&o); o.k = 4; o.cov = GMM_FULL;
 *	GmmFit f;
 *	Gmm *g = gmm_fit(x, n, d, &o, &f);       // NULL after a message
 *	gmm_predict(g, x, n, nt, label, prob, &ll);  // component, probabilities
 *	del_gmm(g);
 *
 * What is replicated from sklearn/mixture/_base.py and _gaussian_mixture.py:
 *  - initialisation (init_params='kmeans'): KMeans(n_clusters=k, n_init=1) labels
 *    (ml/kmeans.h: max_iter 300, tol 1e-4 as sklearn's KMeans defaults; k-means++
 *    from the project's generator, or given centres with GMM_INIT_GIVEN), as
 *    one-hot responsibilities; weights = nk / n, means and covariances from them;
 *  - EM: E-step log_resp = weighted log probabilities - logsumexp; M-step
 *    nk = sum of resp + 10 eps, means = resp^T X / nk, covariances per type plus
 *    reg_covar on the diagonal, weights = nk / sum nk; the precision Cholesky
 *    factor (L^-T of the covariance's Cholesky factor L; 1/sqrt for diag and
 *    spherical); lower bound = mean log-likelihood of the E-step; stop when
 *    |change| < tol; the best of n_init runs by lower bound (the first on ties);
 *    labels and probabilities from a final E-step with the best parameters.
 * Everything is computed in double precision on the data minus their column means
 * (the model is translation equivariant; the saved means are moved back), so
 * results equal sklearn's on a float64 copy of the points to rounding (sklearn on
 * float32 input computes X*X and X^T X in float32).  Covariances are two-pass sums
 * of r (x - mu)(x - mu)^T (sklearn: the same for full; E[x^2] - mu^2 for diag).
 * Memory: the n x d data in double, n x k responsibilities, k covariances, one
 * block of rows per thread; the float32 input is copied once for the k-means. */
#ifndef SV_GMM_H
#define SV_GMM_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { GMM_FULL, GMM_TIED, GMM_DIAG, GMM_SPHERICAL };
typedef struct Gmm {
	size_t k, d;
	int cov;
	double *weight;      /* k */
	double *mean;        /* k x d */
	double *covar;       /* full: k x d x d; tied: d x d; diag: k x d; spherical: k */
	double *pchol;       /* precision Cholesky factor, the same shape (upper triangular) */
	double *logdet;      /* k: log det of pchol */
	double *logw;        /* k: log weight */
	double *lmin;        /* k, full only: a lower bound of each precision's smallest
	                      * eigenvalue (0: none), for the bounded E-step */
} Gmm;

/* "full", "tied", "diag", "spherical": the GMM_ constant, or -1. */
int gmm_parse_cov(const char *name);
const char *gmm_cov_name(int cov);

/* Free parameters (sklearn's _n_parameters). */
size_t gmm_n_parameters(const Gmm *g);
/* BIC and AIC from the total log-likelihood of n rows (sklearn's bic, aic). */
double gmm_bic(const Gmm *g, double loglik, size_t n);
double gmm_aic(const Gmm *g, double loglik, size_t n);

/* Allocate a model (parameters zeroed).  Exits only when memory runs out. */
Gmm *new_gmm(size_t k, size_t d, int cov);
/* Values in g->covar. */
size_t gmm_ncovar(const Gmm *g);
/* Precision Cholesky factors, log-determinants, log-weights (and lmin) from
 * g->covar and g->weight.  0, or the 1-based index of the first component whose
 * covariance is not positive definite. */
size_t gmm_precompute(Gmm *g);
void del_gmm(Gmm *g);
/* Copy the parameters of src into dst (same k, d, type). */
void gmm_copy(Gmm *dst, const Gmm *src);

#endif
