/* unit test for src/lib/ml/lbfgs.c: the Rosenbrock function from scipy's usual
 * starts takes exactly the iterations and evaluations of scipy 1.10's
 * minimize(method='L-BFGS-B') and lands on its x (goldens printed by scipy,
 * within 1e-9), including a run stopped by maxiter.  Prints "not ok N what" on a
 * failure; exit 1 then. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "ml/lbfgs.h"
#include "../unit.h"

/* scipy.optimize.rosen and rosen_der */
static double
rosen(void *arg, const double *x, double *g)
{
	size_t n = *(size_t *)arg, i;
	double f = 0;

	for (i = 0; i < n; i++)
		g[i] = 0;
	for (i = 0; i + 1 < n; i++) {
		double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];

		f += 100 * a * a + b * b;
		g[i] += -400 * x[i] * a - 2 * b;
		g[i + 1] += 200 * a;
	}
	return f;
}

static void
run(size_t n, const double *x0, int maxiter, int nit, long nfev, const double *want, int status,
    const char *what)
{
	double x[8];
	LbfgsOpt o;
	LbfgsResult r;
	size_t i;
	int close = 1;

	for (i = 0; i < n; i++)
		x[i] = x0[i];
	lbfgs_defaults(&o);
	o.maxiter = maxiter;
	lbfgs_minimize(n, x, rosen, &n, &o, &r);
	for (i = 0; i < n; i++)
		close &= fabs(x[i] - want[i]) <= 1e-9;
	check(r.nit == nit, what);
	check(r.nfev == nfev, what);
	check(close, what);
	check(r.status == status, what);
	if (r.nit != nit || r.nfev != nfev || !close)
		printf("# %s: nit %d (scipy %d), nfev %ld (scipy %ld), x0 %.17g (scipy %.17g)\n", what,
		    r.nit, nit, r.nfev, nfev, x[0], want[0]);
}

int
main(int argc, char **argv)
{
	static const double a0[] = { -1.2, 1 }, aw[] = { 0.99999894534927636, 0.99999802090572276 };
	static const double b0[] = { 0.5, -0.3, 2.0, 1.5 }, bw[] = { 0.99999999044370969,
		0.99999997758868564, 0.99999995381739193, 0.99999990996913657 };
	static const double cw[] = { -0.67783215152239751, 0.42585440520596279 };

	util_init(argc, argv);
	run(2, a0, 15000, 36, 44, aw, LBFGS_CONVERGED, "rosenbrock 2-d");
	run(4, b0, 15000, 45, 54, bw, LBFGS_CONVERGED, "rosenbrock 4-d");
	run(2, a0, 10, 10, 12, cw, LBFGS_MAXITER, "rosenbrock 2-d, maxiter 10");
	return unit_done();
}
