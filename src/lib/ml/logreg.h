/* logreg.h — L2-regularised logistic regression as scikit-learn 1.2.1's
 * LogisticRegression(solver='lbfgs', penalty='l2', C, tol, max_iter,
 * multi_class='auto', fit_intercept=True) on float64 data:
 *
 *   - k >= 3 classes: multinomial, minimising sum_i (logsumexp(z_i) - z_i[y_i])
 *     + 1/(2C) ||W||^2 (intercepts not penalised), z_i = W x_i + b;
 *   - k == 2: one binomial model (sklearn's coef_ of shape (1, d)) for class 1,
 *     kept here as row 1 with row 0 zero, so the softmax of the two rows is
 *     sklearn's expit;
 *
 * from zeros with lbfgs.h (scipy's L-BFGS-B path: gtol = tol, ftol left at
 * scipy's default 2.2e-9, maxiter = max_iter).  The loss and gradient run in
 * blocks of rows on the pool (core/pool.h), OpenBLAS dgemm within each block,
 * partial sums combined in block order: the same result at any thread count.
 * Multinomial fits on AVX-512F take logregk.h's fused pass instead. */
#ifndef SV_LOGREG_H
#define SV_LOGREG_H
#include <stddef.h>

typedef struct LogRegOpt {
	double C;       /* inverse regularisation strength (1) */
	double tol;     /* gradient tolerance (1e-4) */
	int max_iter;   /* iterations (100) */
	int nthreads;   /* pool threads (1) */
} LogRegOpt;

typedef struct LogReg {
	size_t d, k;    /* features, classes (k >= 2) */
	double *w;      /* k rows of d coefficients and the intercept: w[c*(d+1) + j] */
	int n_iter;     /* iterations of the fit (sklearn's n_iter_) */
	int converged;  /* 0: max_iter reached or the line search failed */
} LogReg;

void logreg_defaults(LogRegOpt *o);
/* Fit on n rows of x (n x d, row-major) with labels y[i] in [0, k), k >= 2.
 * Returns a model (del_logreg); cannot fail but for memory. */
LogReg *logreg_fit(const double *x, size_t n, size_t d, const int *y, size_t k,
    const LogRegOpt *o);
/* A model with zero coefficients, to be filled (loading). */
LogReg *new_logreg(size_t d, size_t k);
/* Class probabilities p[k] of one row x[d] (sklearn's predict_proba). */
void logreg_proba(const LogReg *m, const double *x, double *p);
void del_logreg(LogReg *m);

#endif
