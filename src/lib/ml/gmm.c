/* gmm.c — a Gaussian mixture's parameters: allocation, precision factors,
 * parameter counts and information criteria (see gmm.h). */
#include "ml/gmm.h"
#include "core/util.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *covnames[] = { "full", "tied", "diag", "spherical" };

int
gmm_parse_cov(const char *name)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(name, covnames[i]))
			return i;
	return -1;
}

const char *
gmm_cov_name(int cov)
{
	return cov >= 0 && cov < 4 ? covnames[cov] : "?";
}

size_t
gmm_ncovar(const Gmm *g)
{
	switch (g->cov) {
	case GMM_FULL: return g->k * g->d * g->d;
	case GMM_TIED: return g->d * g->d;
	case GMM_DIAG: return g->k * g->d;
	default: return g->k;
	}
}

Gmm *
new_gmm(size_t k, size_t d, int cov)
{
	Gmm *g = ecalloc(1, sizeof *g);
	size_t nc;

	g->k = k;
	g->d = d;
	g->cov = cov;
	nc = gmm_ncovar(g);
	g->weight = ecalloc(k, sizeof(double));
	g->mean = ecalloc(k, d * sizeof(double));
	g->covar = ecalloc(nc ? nc : 1, sizeof(double));
	g->pchol = ecalloc(nc ? nc : 1, sizeof(double));
	g->logdet = ecalloc(k, sizeof(double));
	g->logw = ecalloc(k, sizeof(double));
	g->lmin = ecalloc(k, sizeof(double));
	return g;
}

void
del_gmm(Gmm *g)
{
	if (!g)
		return;
	free(g->weight);
	free(g->mean);
	free(g->covar);
	free(g->pchol);
	free(g->logdet);
	free(g->logw);
	free(g->lmin);
	free(g);
}

void
gmm_copy(Gmm *dst, const Gmm *src)
{
	size_t nc = gmm_ncovar(src);

	memcpy(dst->weight, src->weight, src->k * sizeof(double));
	memcpy(dst->mean, src->mean, src->k * src->d * sizeof(double));
	memcpy(dst->covar, src->covar, nc * sizeof(double));
	memcpy(dst->pchol, src->pchol, nc * sizeof(double));
	memcpy(dst->logdet, src->logdet, src->k * sizeof(double));
	memcpy(dst->logw, src->logw, src->k * sizeof(double));
	memcpy(dst->lmin, src->lmin, src->k * sizeof(double));
}

/* P = L^-T of a d x d covariance c (sklearn: solve_triangular(cholesky(c), I).T),
 * into p (upper triangular, zeros below), its log-determinant in *logdet and a
 * lower bound of the precision's smallest eigenvalue (1 / the covariance's
 * largest, less 1e-9 of it) in *lmin; -1 when c is not positive definite.
 * a: 2 d x d + 1 doubles of scratch. */
static int
chol_precision(const double *c, size_t d, double *p, double *logdet, double *lmin, double *a)
{
	size_t r, q;
	double s = 0, *ev = a + d * d; /* dsyevr: d eigenvalue slots, 1 for z */
	lapack_int m, isup[2];

	memcpy(a, c, d * d * sizeof(double));
	if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)d, a, (lapack_int)d) != 0)
		return -1;
	if (LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'L', 'N', (lapack_int)d, a, (lapack_int)d) != 0)
		return -1;
	for (r = 0; r < d; r++)
		for (q = 0; q < d; q++)
			p[r * d + q] = q >= r ? a[q * d + r] : 0;
	for (r = 0; r < d; r++)
		s += log(p[r * d + r]);
	*logdet = s;
	memcpy(a, c, d * d * sizeof(double));
	if (LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'N', 'I', 'L', (lapack_int)d, a, (lapack_int)d, 0, 0,
	    (lapack_int)d, (lapack_int)d, 0, &m, ev, ev + d, 1, isup) != 0 || m != 1 || !(ev[0] > 0))
		*lmin = 0; /* no bound: every component is computed */
	else
		*lmin = (1 - 1e-9) / ev[0];
	return 0;
}

size_t
gmm_precompute(Gmm *g)
{
	size_t j, f, d = g->d, dd = d * d;
	double *a, s;

	for (j = 0; j < g->k; j++)
		g->logw[j] = log(g->weight[j]);

	if (g->cov == GMM_FULL || g->cov == GMM_TIED) {
		a = ereallocarray(NULL, (2 * dd + 1), sizeof(double));
		for (j = 0; j < (g->cov == GMM_FULL ? g->k : 1); j++)
			if (chol_precision(g->covar + j * dd, d, g->pchol + j * dd, &g->logdet[j],
			    &g->lmin[j], a)) {
				free(a);
				return j + 1;
			}
		free(a);
		for (j = 1; g->cov == GMM_TIED && j < g->k; j++)
			g->logdet[j] = g->logdet[0];
		return 0;
	}
	for (j = 0; j < g->k; j++) {
		if (g->cov == GMM_SPHERICAL) {
			if (!(g->covar[j] > 0))
				return j + 1;
			g->pchol[j] = 1 / sqrt(g->covar[j]);
			g->logdet[j] = (double)d * log(g->pchol[j]);
			continue;
		}
		for (f = 0, s = 0; f < d; f++) {
			if (!(g->covar[j * d + f] > 0))
				return j + 1;
			g->pchol[j * d + f] = 1 / sqrt(g->covar[j * d + f]);
			s += log(g->pchol[j * d + f]);
		}
		g->logdet[j] = s;
	}
	return 0;
}

/* ---- model selection ---- */

size_t
gmm_n_parameters(const Gmm *g)
{
	size_t k = g->k, d = g->d, cov;

	switch (g->cov) {
	case GMM_FULL: cov = k * d * (d + 1) / 2; break;
	case GMM_TIED: cov = d * (d + 1) / 2; break;
	case GMM_DIAG: cov = k * d; break;
	default: cov = k;
	}
	return cov + d * k + k - 1;
}

double
gmm_bic(const Gmm *g, double loglik, size_t n)
{
	return -2 * (loglik / (double)n) * (double)n + (double)gmm_n_parameters(g) * log((double)n);
}

double
gmm_aic(const Gmm *g, double loglik, size_t n)
{
	return -2 * (loglik / (double)n) * (double)n + 2 * (double)gmm_n_parameters(g);
}
