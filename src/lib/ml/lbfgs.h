/* lbfgs.h — unconstrained minimisation with the path scipy 1.10's L-BFGS-B
 * (Nocedal & Morales, version 3.0) takes when no variable has a bound, so that
 * scikit-learn's lbfgs solvers can be reproduced iteration for iteration:
 *
 *   - the first direction (and the one after a restart) is -g; later ones -H g with
 *     the m most recent (s, y) pairs and H0 = (s'y / y'y) I of the newest pair
 *     (the compact form's subspace Newton step, which without bounds is this);
 *   - the Moré–Thuente line search of MINPACK-2 (dcsrch, ftol 1e-3, gtol 0.9,
 *     xtol 0.1, stpmax 1e10), first trial step 1/||d|| on the very first
 *     iteration and 1 afterwards, at most maxls evaluations; a failed search
 *     restores the iterate and restarts from -g, or stops when the memory was
 *     already empty;
 *   - an update is skipped when s'y <= eps * (-g's);
 *   - stops when max |g_i| <= pgtol, when (f_old - f) / max(|f_old|, |f|, 1) <=
 *     factr * eps, or after maxiter iterations (scipy's driver counts them).
 *
 *	LbfgsOpt o; lbfgs_defaults(&o); o.pgtol = 1e-4; o.maxiter = 100;
 *	LbfgsResult r;
 *	lbfgs_minimize(n, x, fn, arg, &o, &r);   // x: start in, solution out */
#ifndef SV_LBFGS_H
#define SV_LBFGS_H
#include <stddef.h>

/* The objective: returns f(x) and writes its gradient into g (n values). */
typedef double (*LbfgsFn)(void *arg, const double *x, double *g);

typedef struct LbfgsOpt {
	int m;          /* corrections kept (scipy maxcor, 10) */
	int maxiter;    /* iterations (15000) */
	int maxls;      /* evaluations per line search (20) */
	long maxfun;    /* evaluations in all (15000) */
	double pgtol;   /* gradient tolerance (scipy gtol, 1e-5) */
	double factr;   /* relative reduction tolerance in units of eps (1e7) */
} LbfgsOpt;

enum { LBFGS_CONVERGED = 0, LBFGS_MAXITER = 1, LBFGS_ABNORMAL = 2 };

typedef struct LbfgsResult {
	int status;     /* LBFGS_* (scipy's warnflag) */
	int nit;        /* iterations done (scipy's nit) */
	long nfev;      /* objective evaluations */
	double f;       /* f at the returned x */
	const char *msg;/* why it stopped, in scipy's words */
} LbfgsResult;

/* scipy.optimize.minimize(method='L-BFGS-B')'s defaults.  Cannot fail. */
void lbfgs_defaults(LbfgsOpt *o);
/* Minimise fn from x (n values, overwritten by the result).  Cannot fail (but for
 * memory); a non-finite objective ends the run as LBFGS_ABNORMAL. */
void lbfgs_minimize(size_t n, double *x, LbfgsFn fn, void *arg, const LbfgsOpt *o,
    LbfgsResult *r);

#endif
