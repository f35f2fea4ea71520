/* gmmfit.c — fitting a Gaussian mixture by EM from k-means initialisations, as
 * scikit-learn 1.2.1's BaseMixture.fit_predict (see gmm.h). */
#include "ml/gmmfit.h"
#include "ml/dvec.h"
#include "ml/gmmstep.h"
#include "ml/kmeans.h"
#include "core/hugebuf.h"
#include "core/pool.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void
gmm_defaults(GmmOpt *o)
{
	memset(o, 0, sizeof *o);
	o->k = 5;
	o->cov = GMM_FULL;
	o->n_init = 1;
	o->max_iter = 100;
	o->tol = 1e-3;
	o->reg_covar = 1e-6;
	o->init = GMM_INIT_KMEANS;
	o->nthreads = 1;
	o->name = "<stdin>";
}

typedef struct Fit {
	const GmmOpt *o;
	const float *xf;     /* the caller's rows */
	size_t n, d, k;
	double *x;           /* n x d: the rows minus their column means (full, tied) */
	GmmRows rows;        /* x, or (diag, spherical) xf - shift */
	double *shift;       /* d column means */
	double *xtx;         /* tied: X^T X of x */
	double *resp;        /* n x k */
	Progress *prog;      /* EM iterations of all initialisations */
	unsigned long iters; /* so far */
	float *xk;           /* n x d copy for the k-means (centred in place there) */
	double *part;        /* per block of GMM_SUMROWS rows: d column sums */
	const int *lab;      /* init_resp: the k-means labels */
} Fit;

/* rows b * GMM_SUMROWS.. : the float32 copy xk for the k-means and the block's
 * column sums (in row order) into part + b d */
static void
copy_block(void *arg, size_t b, int tid)
{
	Fit *F = arg;
	size_t d = F->d, r0 = b * GMM_SUMROWS;
	size_t r1 = F->n - r0 < GMM_SUMROWS ? F->n : r0 + GMM_SUMROWS;

	(void)tid;
	memcpy(F->xk + r0 * d, F->xf + r0 * d, (r1 - r0) * d * sizeof(float));
	dvec_colsums_f(F->part + b * d, F->xf + r0 * d, r1 - r0, d);
}

/* rows b * GMM_SUMROWS.. of x: the rows minus the column means, in double */
static void
centre_block(void *arg, size_t b, int tid)
{
	Fit *F = arg;
	size_t r0 = b * GMM_SUMROWS;
	size_t r1 = F->n - r0 < GMM_SUMROWS ? F->n : r0 + GMM_SUMROWS;

	(void)tid;
	dvec_from_float_sub(F->x + r0 * F->d, F->xf + r0 * F->d, F->shift, r1 - r0, F->d);
}

/* the column means (block sums added in block order: the same whatever the
 * threads), the k-means copy, the centred doubles (full, tied), X^T X (tied) */
static void
fit_setup(Fit *F)
{
	size_t i, f, b, n = F->n, d = F->d, nb = (n + GMM_SUMROWS - 1) / GMM_SUMROWS;

	F->shift = ecalloc(d ? d : 1, sizeof(double));
	F->part = ecalloc(nb, (d ? d : 1) * sizeof(double));
	F->xk = ehugebuf(n, d * sizeof(float));
	pool_run(F->o->nthreads, nb, copy_block, F);
	for (b = 0; b < nb; b++)
		for (f = 0; f < d; f++)
			F->shift[f] += F->part[b * d + f];
	for (f = 0; f < d; f++)
		F->shift[f] /= (double)n;
	if (F->o->cov == GMM_FULL || F->o->cov == GMM_TIED) {
		F->x = ehugebuf(n, d * sizeof(double));
		pool_run(F->o->nthreads, nb, centre_block, F);
	}
	F->rows = (GmmRows){ F->x, F->xf, F->shift, n };
	F->resp = ehugebuf(n, F->k * sizeof(double));
	if (F->o->cov == GMM_TIED) {
		F->xtx = ecalloc(d, d * sizeof(double));
		cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)d, (int)n, 1.0, F->x, (int)d,
		    0.0, F->xtx, (int)d);
		for (i = 0; i < d; i++)
			for (f = 0; f < i; f++)
				F->xtx[f * d + i] = F->xtx[i * d + f];
	}
}

static void
fit_free(Fit *F)
{
	free(F->shift), free(F->x), free(F->resp), free(F->xk), free(F->xtx), free(F->part);
}

/* rows b * GMM_SUMROWS.. of resp: one-hot from the labels */
static void
onehot_block(void *arg, size_t b, int tid)
{
	Fit *F = arg;
	size_t i, k = F->k, r0 = b * GMM_SUMROWS;
	size_t r1 = F->n - r0 < GMM_SUMROWS ? F->n : r0 + GMM_SUMROWS;

	(void)tid;
	memset(F->resp + r0 * k, 0, (r1 - r0) * k * sizeof(double));
	for (i = r0; i < r1; i++)
		F->resp[i * k + (size_t)F->lab[i]] = 1;
}

/* One-hot responsibilities from KMeans(n_clusters=k, n_init=1) labels, run r. */
static void
init_resp(Fit *F, int r)
{
	const GmmOpt *o = F->o;
	KMeansOpt ko;
	KMeans *km;
	Rng g;

	kmeans_defaults(&ko);
	ko.k = F->k;
	ko.n_init = 1;
	ko.max_iter = 300; /* sklearn KMeans' defaults, as GaussianMixture calls it */
	ko.tol = 1e-4;
	ko.progress = F->prog; /* a part of the EM progress line */
	ko.nthreads = o->nthreads;
	rng_seed(&g, o->seed, 0x676d6d00u + (uint64_t)r);
	ko.seed = rng_next(&g) >> 1;
	if (o->init == GMM_INIT_GIVEN) {
		ko.init = KM_GIVEN;
		ko.init_centers = o->init_centers;
	}
	if (r) /* the k-means centres xk in place; fit_setup made the first copy */
		memcpy(F->xk, F->xf, F->n * F->d * sizeof(float));
	km = new_kmeans(F->xk, F->n, F->d, &ko);
	kmeans_do(km);
	F->lab = km->labels;
	pool_run(o->nthreads, (F->n + GMM_SUMROWS - 1) / GMM_SUMROWS, onehot_block, F);
	del_kmeans(km);
}

static int
ill_defined(const Fit *F, size_t comp, int r, int it)
{
	char when[64];

	if (it)
		snprintf(when, sizeof when, "initialisation %d, EM iteration %d", r + 1, it);
	else
		snprintf(when, sizeof when, "initialisation %d (k-means labels)", r + 1);
	weprintf("%s: k=%zu, %s: component %zu has an ill-defined covariance: not positive "
	    "definite even with reg_covar %g added to its diagonal (collapsed points or "
	    "values too large for it); use a smaller -k or a larger -r",
	    F->o->name, F->k, when, comp - 1, F->o->reg_covar);
	return -1;
}

/* EM from the responsibilities in F->resp (sklearn's _initialize, then the loop).
 * 0 ok (*lb, *iters, *conv set), -1 after a message. */
static int
em_run(Fit *F, Gmm *g, int r, double *lb, int *iters, int *conv)
{
	const GmmOpt *o = F->o;
	double prev, cur = -INFINITY, tot;
	size_t j, bad;
	int it;

	gmm_mstep(g, &F->rows, F->resp, o->reg_covar, F->xtx, o->nthreads);
	for (j = 0; j < g->k; j++)
		g->weight[j] /= (double)F->n;
	if ((bad = gmm_precompute(g)))
		return ill_defined(F, bad, r, 0);
	*conv = 0;
	for (it = 1; it <= o->max_iter; it++) {
		prev = cur;
		if (F->x) {
			cur = gmm_estep(g, &F->rows, o->nthreads, 1, F->resp) / (double)F->n;
			gmm_mstep(g, &F->rows, F->resp, o->reg_covar, F->xtx, o->nthreads);
		} else {
			cur = gmm_emstep(g, &F->rows, o->nthreads, F->resp, o->reg_covar) / (double)F->n;
		}
		for (j = 0, tot = 0; j < g->k; j++)
			tot += g->weight[j];
		for (j = 0; j < g->k; j++)
			g->weight[j] /= tot;
		if ((bad = gmm_precompute(g)))
			return ill_defined(F, bad, r, it);
		progress_do(F->prog, ++F->iters);
		if (fabs(cur - prev) < o->tol) {
			*conv = 1;
			break;
		}
	}
	*lb = cur;
	*iters = it > o->max_iter ? o->max_iter : it;
	return 0;
}

/* Components whose covariance is singular but for reg_covar: a Cholesky pivot (or
 * a variance) within twice reg_covar. */
static void
count_singular(const Gmm *g, double reg, GmmFit *fit)
{
	size_t j, f, d = g->d, nj = g->cov == GMM_TIED ? 1 : g->k;
	double p, v;
	int sing;

	fit->singular = 0;
	fit->first_singular = -1;
	for (j = 0; j < nj; j++) {
		for (f = 0, sing = 0; f < (g->cov == GMM_SPHERICAL ? 1 : d); f++) {
			if (g->cov == GMM_FULL || g->cov == GMM_TIED)
				p = g->pchol[j * d * d + f * d + f];
			else
				p = g->pchol[g->cov == GMM_DIAG ? j * d + f : j];
			v = 1 / (p * p);
			sing |= v <= 2 * reg;
		}
		if (sing && !fit->singular++)
			fit->first_singular = (long)j;
	}
}

Gmm *
gmm_fit(const float *x, size_t n, size_t d, const GmmOpt *o, GmmFit *fit)
{
	Fit F;
	Gmm *g, *best;
	double lb, bestlb = -INFINITY;
	int r, iters, conv, ninit = o->init == GMM_INIT_GIVEN ? 1 : o->n_init;
	size_t j, f;

	memset(&F, 0, sizeof F);
	memset(fit, 0, sizeof *fit);
	F.o = o, F.xf = x, F.n = n, F.d = d, F.k = o->k;
	fit_setup(&F);
	F.prog = new_progress("EM iterations", 0);
	g = new_gmm(o->k, d, o->cov);
	best = new_gmm(o->k, d, o->cov);
	for (r = 0; r < (ninit < 1 ? 1 : ninit); r++) {
		init_resp(&F, r);
		if (em_run(&F, g, r, &lb, &iters, &conv)) {
			del_gmm(g), del_gmm(best), fit_free(&F), del_progress(F.prog);
			return NULL;
		}
		if (o->verbose)
			fprintf(stderr, "%s: k=%zu init %d: lower bound %.9g, %d EM iterations (%s)\n",
			    argv0, o->k, r + 1, lb, iters, conv ? "converged" : "max_iter");
		fit->converged |= conv;
		if (lb > bestlb || bestlb == -INFINITY) {
			bestlb = lb;
			fit->lower_bound = lb, fit->n_iter = iters, fit->best_init = r;
			gmm_copy(best, g);
		}
	}
	for (j = 0; j < best->k; j++)
		for (f = 0; f < d; f++)
			best->mean[j * d + f] += F.shift[f];
	count_singular(best, o->reg_covar, fit);
	del_progress(F.prog);
	del_gmm(g);
	fit_free(&F);
	return best;
}
