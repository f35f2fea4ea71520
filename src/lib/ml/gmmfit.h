/* gmmfit.h — fitting a Gaussian mixture (ml/gmm.h) by EM from k-means
 * initialisations, as scikit-learn 1.2.1 GaussianMixture.fit_predict (gmmfit.c).
 *
 *	GmmOpt o; gmm_defaults(&o); o.k = 4;
 *	GmmFit f;
 *	Gmm *g = gmm_fit(x, n, d, &o, &f);      // NULL after a message */
#ifndef SV_GMMFIT_H
#define SV_GMMFIT_H
#include <stddef.h>
#include <stdint.h>

#include "ml/gmm.h"

enum { GMM_INIT_KMEANS, GMM_INIT_GIVEN };

typedef struct GmmOpt {
	size_t k;            /* components (5; sklearn: 1) */
	int cov;             /* GMM_FULL (default) ... */
	int n_init;          /* initialisations (1) */
	int max_iter;        /* EM iterations per initialisation (100) */
	double tol;          /* on the change of the lower bound (1e-3) */
	double reg_covar;    /* added to covariance diagonals (1e-6) */
	int init;            /* GMM_INIT_KMEANS or GMM_INIT_GIVEN */
	const float *init_centers; /* k x d: the k-means' initial centres (GIVEN) */
	uint64_t seed;       /* (0) */
	int nthreads;        /* (1) */
	int verbose;         /* per-initialisation lines on stderr */
	const char *name;    /* the input, for messages */
} GmmOpt;

typedef struct GmmFit {
	double lower_bound;  /* of the best initialisation */
	int n_iter;          /* its EM iterations */
	int best_init;       /* 0-based */
	int converged;       /* some initialisation converged (sklearn's converged_) */
	size_t singular;     /* components whose covariance is singular but for reg_covar */
	long first_singular; /* the first of them, or -1 */
} GmmFit;

void gmm_defaults(GmmOpt *o);
/* Fit on n x d float32 rows (finite; 2 <= n, k <= n).  NULL after a message
 * naming o->name: an ill-defined covariance (not positive definite even with
 * reg_covar added), given centres that k-means cannot use. */
Gmm *gmm_fit(const float *x, size_t n, size_t d, const GmmOpt *o, GmmFit *fit);

#endif
