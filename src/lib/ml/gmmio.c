/* gmmio.c — a Gaussian mixture as a model file (a dtable, see gmm.h). */
#include "ml/gmmio.h"
#include "core/dtable.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where row r of component j's covariance starts in g->covar. */
static size_t
covar_row(const Gmm *g, size_t j, size_t r)
{
	return g->cov == GMM_FULL ? (j * g->d + r) * g->d : g->cov == GMM_TIED ? r * g->d : j * g->d;
}

/* The rows of the covariances: component j (tied: 0 only), row r (full and tied:
 * 0..d-1, else 0), their key and where they start in g->covar. */
static size_t
ncovrows(const Gmm *g, size_t *rows)
{
	*rows = g->cov == GMM_FULL || g->cov == GMM_TIED ? g->d : 1;
	return g->cov == GMM_TIED ? 1 : g->k;
}

static void
covar_key(const Gmm *g, size_t j, size_t r, char *key, size_t len)
{
	if (g->cov == GMM_FULL)
		snprintf(key, len, "cov.%zu.%zu", j, r);
	else if (g->cov == GMM_TIED)
		snprintf(key, len, "cov.%zu", r);
	else
		snprintf(key, len, "var.%zu", j);
}

/* A scalar written in every column, so that every row has d values. */
static void
put_repeated(FILE *fp, const char *key, double v, size_t d, double *row)
{
	size_t f;

	for (f = 0; f < d; f++)
		row[f] = v;
	dtable_put_row(fp, key, row, d);
}

void
gmm_save(const Gmm *g, FILE *fp, char *const *cols)
{
	char model[32], key[64];
	size_t j, r, nr, d = g->d, nj = ncovrows(g, &nr);
	double *row = ecalloc(d, sizeof(double));

	snprintf(model, sizeof model, "gmm-%s", gmm_cov_name(g->cov));
	dtable_put_header(fp, d, model, cols, 2 * g->k + nj * nr);
	for (j = 0; j < g->k; j++) {
		snprintf(key, sizeof key, "weight.%zu", j);
		put_repeated(fp, key, g->weight[j], d, row);
	}
	for (j = 0; j < g->k; j++) {
		snprintf(key, sizeof key, "mean.%zu", j);
		dtable_put_row(fp, key, g->mean + j * d, d);
	}
	for (j = 0; j < nj; j++)
		for (r = 0; r < nr; r++) {
			covar_key(g, j, r, key, sizeof key);
			if (g->cov == GMM_SPHERICAL)
				put_repeated(fp, key, g->covar[j], d, row);
			else
				dtable_put_row(fp, key, g->covar + covar_row(g, j, r), d);
		}
	free(row);
}

static int
corrupt(const char *path, const char *what, size_t j)
{
	weprintf("%s: corrupt gmm model: %s (component %zu)", path, what, j);
	return -1;
}

/* The row KEY (d values, all finite; all equal when rep); NULL after a message. */
static const double *
get_row(const DTable *t, const char *key, int rep, size_t j)
{
	const double *v = dtable_row(t, key);
	size_t f;

	if (!v) {
		corrupt(t->name, "a row is missing", j);
		return NULL;
	}
	for (f = 0; f < t->d; f++)
		if (!isfinite(v[f]) || (rep && v[f] != v[0])) {
			corrupt(t->name, rep ? "a repeated value differs" : "a value is not finite", j);
			return NULL;
		}
	return v;
}

/* Read the covariances of g (k, d and type set) from t. */
static int
load_covar(Gmm *g, const DTable *t)
{
	char key[64];
	size_t j, r, nj, nr, d = g->d;
	const double *v;

	for (j = 0, nj = ncovrows(g, &nr); j < nj; j++)
		for (r = 0; r < nr; r++) {
			covar_key(g, j, r, key, sizeof key);
			if (!(v = get_row(t, key, g->cov == GMM_SPHERICAL, j)))
				return -1;
			if (g->cov == GMM_SPHERICAL)
				g->covar[j] = v[0];
			else
				memcpy(g->covar + covar_row(g, j, r), v, d * sizeof(double));
		}
	return 0;
}

/* Weights and means of k components. */
static int
load_means(Gmm *g, const DTable *t)
{
	char key[64];
	size_t j;
	const double *v;
	double s = 0;

	for (j = 0; j < g->k; j++) {
		snprintf(key, sizeof key, "weight.%zu", j);
		if (!(v = get_row(t, key, 1, j)))
			return -1;
		if (!(v[0] > 0))
			return corrupt(t->name, "a weight is not positive", j);
		g->weight[j] = v[0];
		s += v[0];
		snprintf(key, sizeof key, "mean.%zu", j);
		if (!(v = get_row(t, key, 0, j)))
			return -1;
		memcpy(g->mean + j * g->d, v, g->d * sizeof(double));
	}
	if (!(fabs(s - 1) <= 1e-9))
		return corrupt(t->name, "the weights do not sum to 1", 0);
	return 0;
}

Gmm *
gmm_load(const char *path)
{
	DTable t;
	Gmm *g = NULL;
	char key[64];
	size_t k, bad;
	int cov = -1;

	if (dtable_load(path, &t))
		return NULL;
	if (t.model && !strncmp(t.model, "gmm-", 4))
		cov = gmm_parse_cov(t.model + 4);
	if (cov < 0) {
		weprintf("%s: not a gmm model (model=%s)", path, t.model ? t.model : "missing");
		goto out;
	}
	for (k = 0;; k++) {
		snprintf(key, sizeof key, "weight.%zu", k);
		if (dtable_find(&t, key) < 0)
			break;
	}
	if (k == 0) {
		weprintf("%s: corrupt gmm model: no weight.0 row", path);
		goto out;
	}
	g = new_gmm(k, t.d, cov);
	if (load_means(g, &t) || load_covar(g, &t))
		goto bad;
	if ((bad = gmm_precompute(g))) {
		corrupt(path, "covariance not positive definite", bad - 1);
		goto bad;
	}
	goto out;
bad:
	del_gmm(g);
	g = NULL;
out:
	del_dtable(&t);
	return g;
}
