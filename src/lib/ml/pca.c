/* pca.c — PCA fit, transform and model files (see pca.h). */
#include "ml/pca.h"
#include "core/dtable.h"
#include "core/progress.h"
#include "core/util.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* T (rows x k) = (x - mean) * comp^T, in double; D is a rows x d work buffer */
static void
project(const PcaModel *pm, const float *x, size_t rows, double *D, double *T)
{
	size_t i, j, d = pm->d;

	for (i = 0; i < rows; i++)
		for (j = 0; j < d; j++)
			D[i * d + j] = (double)x[i * d + j] - pm->mean[j];
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)pm->k, (int)d, 1.0,
	    D, (int)d, pm->comp, (int)d, 0.0, T, (int)pm->k);
}

static void
alloc_model(PcaModel *pm, size_t d, size_t k)
{
	pm->d = d;
	pm->k = k;
	pm->mean = ecalloc(d, sizeof(double));
	pm->var = ecalloc(d, sizeof(double));
	pm->comp = ecalloc(k * d, sizeof(double));
	pm->scale = ecalloc(k, sizeof(double));
}

/* The column means of the rows of src in double and their number (*n); NULL after
 * a message (a read error, the first value that is not finite). */
static double *
column_means(PcaSource *src, size_t *n)
{
	size_t d = src->d, i, j;
	double *mean = ecalloc(d, sizeof(double));
	const float *x, *row;
	long rows;

	*n = 0;
	if (src->rewind(src->arg))
		return free(mean), NULL;
	while ((rows = src->next(src->arg, &x)) > 0) {
		for (i = 0; i < (size_t)rows; i++) {
			row = x + i * d;
			for (j = 0; j < d; j++) {
				if (!isfinite(row[j])) {
					weprintf("%s: record %zu (%s): value %zu%s%s%s is not finite (clean it with weight)",
					    src->name, *n + i + 1, src->key(src->arg, i), j + 1, src->cols ? " (" : "",
					    src->cols ? src->cols[j] : "", src->cols ? ")" : "");
					free(mean);
					return NULL;
				}
				mean[j] += row[j];
			}
		}
		*n += (size_t)rows;
	}
	if (rows < 0)
		return free(mean), NULL;
	for (j = 0; j < d; j++)
		mean[j] /= (double)*n;
	return mean;
}

/* The covariance (upper triangle, d x d) of the n rows of src: sum of D^T D over
 * blocks of centred rows (D: PCA_BLOCK x d of scratch), over n - 1; NULL after a
 * message (a read error). */
static double *
covariance(PcaSource *src, size_t n, const double *mean, double *D, Progress *pg)
{
	size_t d = src->d, i, j, done = 0;
	double *C = ecalloc(d * d, sizeof(double));
	const float *x;
	long rows;

	if (src->rewind(src->arg))
		return free(C), NULL;
	while ((rows = src->next(src->arg, &x)) > 0) {
		for (i = 0; i < (size_t)rows; i++)
			for (j = 0; j < d; j++)
				D[i * d + j] = (double)x[i * d + j] - mean[j];
		cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)rows, 1.0, D,
		    (int)d, 1.0, C, (int)d);
		progress_do(pg, done += (size_t)rows);
	}
	if (rows < 0)
		return free(C), NULL;
	for (i = 0; i < d * d; i++)
		C[i] /= (double)(n - 1);
	return C;
}

/* Eigenvalues (ascending, w[d]) and eigenvectors (columns of Z, d x d) of the
 * symmetric C (destroyed); 0, or -1 after a message. */
static int
eigen(double *C, size_t d, double *w, double *Z, const char *name)
{
	int *isuppz = emallocarray(2 * d, sizeof(int)), nev, rc = 0;

	if (LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'U', (lapack_int)d, C, (lapack_int)d, 0, 0,
	    0, 0, 0.0, &nev, w, Z, (lapack_int)d, isuppz) != 0 || (size_t)nev != d) {
		weprintf("%s: eigen-decomposition failed (LAPACK dsyevr)", name);
		rc = -1;
	}
	free(isuppz);
	return rc;
}

/* The explained variances (w descending, the rounding noise of a rank-deficient
 * matrix clamped to 0) and k: kfix, or the smallest k whose cumulative ratio
 * exceeds frac.  0, or -1 after a message (no variance, kfix too large). */
static int
variances(PcaModel *pm, const double *w, size_t n, double frac, size_t kfix, const char *name)
{
	size_t d = pm->d, nvar = n < d ? n : d, j, k;
	double cum;

	pm->nvar = nvar;
	for (j = 0; j < nvar; j++) {
		pm->var[j] = w[d - 1 - j] > 0 ? w[d - 1 - j] : 0;
		pm->total += pm->var[j];
	}
	if (!(pm->total > 0)) {
		weprintf("%s: the records have no variance (all equal)", name);
		return -1;
	}
	if (kfix) {
		if (kfix > nvar) {
			weprintf("%s: -k %zu: %zu records of dimension %zu have only %zu components",
			    name, kfix, n, d, nvar);
			return -1;
		}
		k = kfix;
	} else {
		for (k = 1, cum = 0, j = 0; j < nvar; j++) {
			cum += pm->var[j] / pm->total;
			if (cum <= frac)
				k++;
		}
		if (k > nvar)
			k = nvar;
	}
	pm->k = k;
	return 0;
}

/* The k components (the eigenvectors of the largest eigenvalues, columns of Z) and
 * their scales; 0, or -1 after a message (whitening a component of no variance). */
static int
components(PcaModel *pm, const double *Z, int whiten, const char *name)
{
	size_t d = pm->d, k = pm->k, i, j;

	pm->comp = ereallocarray(pm->comp, k * d, sizeof(double));
	pm->scale = ereallocarray(pm->scale, k, sizeof(double));
	for (j = 0; j < k; j++) {
		for (i = 0; i < d; i++)
			pm->comp[j * d + i] = Z[i * d + (d - 1 - j)];
		pm->scale[j] = whiten ? sqrt(pm->var[j]) : 1;
		if (!(pm->scale[j] > 0)) {
			weprintf("%s: component %zu has no variance: cannot whiten", name, j + 1);
			return -1;
		}
	}
	return 0;
}

/* sklearn's signs being found: the largest |score| of each component so far */
typedef struct Signs {
	size_t k;
	double *best;
	int *neg;       /* 1 when that score is negative */
} Signs;

static void
signs_init(Signs *s, size_t k)
{
	size_t j;

	s->k = k;
	s->best = emallocarray(k, sizeof(double));
	s->neg = ecalloc(k, sizeof(int));
	for (j = 0; j < k; j++)
		s->best[j] = -1;
}

/* see rows x k scores T (first such row on ties) */
static void
signs_see(Signs *s, const double *T, size_t rows)
{
	size_t i, j, k = s->k;

	for (i = 0; i < rows; i++)
		for (j = 0; j < k; j++)
			if (fabs(T[i * k + j]) > s->best[j]) {
				s->best[j] = fabs(T[i * k + j]);
				s->neg[j] = T[i * k + j] < 0;
			}
}

/* turn the components whose largest score is negative; s keeps its flags */
static void
signs_apply(const Signs *s, PcaModel *pm)
{
	size_t i, j;

	for (j = 0; j < pm->k; j++)
		for (i = 0; s->neg[j] && i < pm->d; i++)
			pm->comp[j * pm->d + i] = -pm->comp[j * pm->d + i];
}

static void
signs_free(Signs *s)
{
	free(s->best);
	free(s->neg);
}

/* The scores, written over the input (row b+i of k values never overtakes the
 * unread input), and sklearn's sign: the largest |score| of each component > 0.
 * m becomes n x k. */
static void
scores(PcaModel *pm, Matrix *m, Progress *pg)
{
	size_t n = m->n, d = m->d, k = pm->k, i, j, b, rows;
	double *T = emallocarray(PCA_BLOCK * k, sizeof(double));
	double *D = emallocarray(PCA_BLOCK * d, sizeof(double));
	Signs s;

	signs_init(&s, k);
	for (b = 0; b < n; b += PCA_BLOCK) {
		rows = n - b < PCA_BLOCK ? n - b : PCA_BLOCK;
		project(pm, m->x + b * d, rows, D, T);
		signs_see(&s, T, rows);
		for (i = 0; i < rows; i++)
			for (j = 0; j < k; j++)
				m->x[(b + i) * k + j] = (float)(T[i * k + j] / pm->scale[j]) + 0.0f;
		progress_do(pg, b + rows);
	}
	signs_apply(&s, pm);
	for (j = 0; j < k; j++)
		for (i = 0; s.neg[j] && i < n; i++)
			m->x[i * k + j] = 0.0f - m->x[i * k + j]; /* no -0 */
	signs_free(&s);
	free(T);
	free(D);
	m->x = ereallocarray(m->x, n, k * sizeof(float));
	pm->cols = m->cols; /* the input names move to the model */
	m->cols = pca_names(k);
	m->d = k;
}

/* The model of src without its signs: means, covariance, eigenvectors, k; 0, or
 * -1 after a message (pm is then freed).  Steps 1 and 2 of pg done, the rows of
 * the covariance pass in rows. */
static int
fit_model(PcaModel *pm, PcaSource *src, double frac, size_t kfix, int whiten,
    Progress *pg, Progress *rows)
{
	size_t n, d = src->d;
	double *C = NULL, *w = NULL, *Z = NULL, *D = NULL, *mean;
	int rc = -1;

	memset(pm, 0, sizeof *pm);
	if (!(mean = column_means(src, &n)))
		return -1;
	if (n < 2) {
		weprintf("%s: PCA needs at least 2 records, got %zu", src->name, n);
		free(mean);
		return -1;
	}
	D = emallocarray(PCA_BLOCK * d, sizeof(double));
	C = covariance(src, n, mean, D, rows);
	progress_do(pg, 1);
	w = emallocarray(d, sizeof(double));
	Z = emallocarray(d * d, sizeof(double));
	if (!C || eigen(C, d, w, Z, src->name))
		goto out;
	progress_do(pg, 2);
	alloc_model(pm, d, 1);
	memcpy(pm->mean, mean, d * sizeof(double));
	if (variances(pm, w, n, frac, kfix, src->name) || components(pm, Z, whiten, src->name))
		goto out;
	rc = 0;
out:
	if (rc)
		del_pca(pm);
	free(mean);
	free(C);
	free(D);
	free(w);
	free(Z);
	return rc;
}

/* a matrix as a PcaSource: blocks of PCA_BLOCK rows */
typedef struct MatrixSource {
	const Matrix *m;
	size_t at, last;  /* the next block's first row, the last block's */
} MatrixSource;

static long
matrix_next(void *arg, const float **x)
{
	MatrixSource *ms = arg;
	size_t rows = ms->m->n - ms->at < PCA_BLOCK ? ms->m->n - ms->at : PCA_BLOCK;

	*x = ms->m->x + ms->at * ms->m->d;
	ms->last = ms->at;
	ms->at += rows;
	return (long)rows;
}

static int
matrix_rewind(void *arg)
{
	((MatrixSource *)arg)->at = 0;
	return 0;
}

static const char *
matrix_row_key(void *arg, size_t i)
{
	const MatrixSource *ms = arg;

	return matrix_key(ms->m, ms->last + i);
}

int
pca_fit(PcaModel *pm, Matrix *m, double frac, size_t kfix, int whiten)
{
	MatrixSource ms = { m, 0, 0 };
	PcaSource src = { m->name, m->d, m->cols, &ms, matrix_next, matrix_rewind, matrix_row_key };
	Progress *pg, *rows;
	int rc;

	if (m->n < 2) {
		memset(pm, 0, sizeof *pm);
		weprintf("%s: PCA needs at least 2 records, got %zu", m->name, m->n);
		return -1;
	}
	/* steps: the covariance (a pass over the rows), the eigenvectors, the scores
	 * (another pass) */
	pg = new_progress("fit steps", 3);
	rows = new_subprogress(pg, "rows", m->n);
	rc = fit_model(pm, &src, frac, kfix, whiten, pg, rows);
	if (!rc) {
		scores(pm, m, rows);
		progress_do(pg, 3);
	}
	del_progress(rows);
	del_progress(pg);
	return rc;
}

int
pca_fit_source(PcaModel *pm, PcaSource *src, size_t k)
{
	double *D = emallocarray(PCA_BLOCK * src->d, sizeof(double)), *T;
	const float *x;
	long rows;
	Signs s;
	Progress *pg = new_progress("PCA steps", 3), *prows = new_subprogress(pg, "rows", 0);

	if (fit_model(pm, src, 0, k, 0, pg, prows)) {
		del_progress(prows);
		del_progress(pg);
		return free(D), -1;
	}
	T = emallocarray(PCA_BLOCK * pm->k, sizeof(double));
	signs_init(&s, pm->k);
	rows = src->rewind(src->arg) ? -1 : src->next(src->arg, &x);
	for (; rows > 0; rows = src->next(src->arg, &x)) {
		project(pm, x, (size_t)rows, D, T);
		signs_see(&s, T, (size_t)rows);
	}
	signs_apply(&s, pm);
	signs_free(&s);
	free(T);
	free(D);
	if (rows == 0)
		progress_do(pg, 3);
	del_progress(prows);
	del_progress(pg);
	if (rows < 0)
		del_pca(pm);
	return rows < 0 ? -1 : 0;
}

char **
pca_names(size_t k)
{
	char **names = ecalloc(k, sizeof(char *)), buf[32];
	size_t j;

	for (j = 0; j < k; j++) {
		snprintf(buf, sizeof buf, "pc%zu", j + 1);
		names[j] = estrdup(buf);
	}
	return names;
}

void
pca_free_names(char **names, size_t k)
{
	size_t j;

	for (j = 0; names && j < k; j++)
		free(names[j]);
	free(names);
}

void
pca_apply(const PcaModel *pm, const float *x, size_t nrows, float *out)
{
	double *D = emallocarray(nrows * pm->d, sizeof(double));
	double *T = emallocarray(nrows * pm->k, sizeof(double));
	size_t i, j, k = pm->k;

	project(pm, x, nrows, D, T);
	for (i = 0; i < nrows; i++)
		for (j = 0; j < k; j++)
			out[i * k + j] = (float)(T[i * k + j] / pm->scale[j]) + 0.0f; /* no -0 */
	free(D);
	free(T);
}

void
pca_table(const PcaModel *pm, FILE *fp)
{
	size_t j;
	double cum = 0, r;

	fprintf(fp, "# component\tratio\tcumulative\tvariance\tkept\n");
	for (j = 0; j < pm->nvar; j++) {
		r = pm->var[j] / pm->total;
		cum += r;
		fprintf(fp, "%zu\t%.9g\t%.9g\t%.9g\t%d\n", j + 1, r, cum, pm->var[j], j < pm->k);
	}
}

void
pca_save(const PcaModel *pm, FILE *fp)
{
	double *row = ecalloc(pm->d, sizeof(double));
	char key[32];
	size_t j;

	dtable_put_header(fp, pm->d, "pca", pm->cols, 3 + pm->k);
	dtable_put_row(fp, "mean", pm->mean, pm->d);
	dtable_put_row(fp, "variance", pm->var, pm->d);
	memcpy(row, pm->scale, pm->k * sizeof(double));
	dtable_put_row(fp, "scale", row, pm->d);
	for (j = 0; j < pm->k; j++) {
		snprintf(key, sizeof key, "pc%zu", j + 1);
		dtable_put_row(fp, key, pm->comp + j * pm->d, pm->d);
	}
	free(row);
}

/* The rows of a pca model: exactly mean, variance, scale and pc1..pcK (K >= 1),
 * K the number of positive scales (pca_save writes zeros after them), so that a
 * missing, renamed or extra row is found.  K, or 0 after a message. */
static size_t
pca_rows(const DTable *t, const char *path)
{
	size_t k = 0, i, j;
	const double *scale = dtable_row(t, "scale");
	char key[32], *end;
	unsigned long n;

	if (!dtable_row(t, "mean") || !dtable_row(t, "variance") || !scale) {
		weprintf("%s: corrupt pca model: missing the mean, variance or scale row", path);
		return 0;
	}
	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->keys[i], "mean") || !strcmp(t->keys[i], "variance") ||
		    !strcmp(t->keys[i], "scale"))
			continue;
		n = strncmp(t->keys[i], "pc", 2) ? 0 : strtoul(t->keys[i] + 2, &end, 10);
		snprintf(key, sizeof key, "pc%lu", n);
		if (!n || strcmp(key, t->keys[i])) {
			weprintf("%s: corrupt pca model: unknown row '%s'", path, t->keys[i]);
			return 0;
		}
		k++;
	}
	for (j = 0; j < t->d && scale[j] > 0; j++)
		;
	if (k == 0 || k > t->d || j != k) {
		weprintf("%s: corrupt pca model: %zu component rows, %zu component scales, "
		    "dimension %zu", path, k, j, t->d);
		return 0;
	}
	for (j = 0; j < k; j++) {
		snprintf(key, sizeof key, "pc%zu", j + 1);
		if (!dtable_row(t, key)) {
			weprintf("%s: corrupt pca model: no row '%s'", path, key);
			return 0;
		}
	}
	for (j = k; j < t->d; j++)
		if (scale[j] != 0) {
			weprintf("%s: corrupt pca model: bad scale of column %zu", path, j + 1);
			return 0;
		}
	return k;
}

/* mean and variance into pm (d columns); 0, or -1 after a message */
static int
pca_moments(PcaModel *pm, const DTable *t, const char *path)
{
	const double *mean = dtable_row(t, "mean"), *var = dtable_row(t, "variance");
	size_t j;

	for (j = 0; j < pm->d; j++) {
		pm->mean[j] = mean[j];
		pm->var[j] = var[j];
		if (!isfinite(mean[j]) || !(var[j] >= 0) || !isfinite(var[j]) ||
		    (j && var[j] > var[j - 1])) {
			weprintf("%s: corrupt pca model: bad mean or variance in column %zu", path, j + 1);
			return -1;
		}
		if (var[j] > 0)
			pm->nvar = j + 1;
		pm->total += var[j];
	}
	if (pm->nvar < pm->k)
		pm->nvar = pm->k;
	if (!(pm->total > 0)) {
		weprintf("%s: corrupt pca model: no variance", path);
		return -1;
	}
	return 0;
}

/* the k components, unit vectors, and their scales; 0, or -1 after a message */
static int
pca_components(PcaModel *pm, const DTable *t, const char *path)
{
	const double *scale = dtable_row(t, "scale"), *pc;
	char key[32];
	size_t j, i, d = pm->d;
	double norm;

	for (j = 0; j < pm->k; j++) {
		snprintf(key, sizeof key, "pc%zu", j + 1);
		pc = dtable_row(t, key);
		pm->scale[j] = scale[j];
		if (!isfinite(scale[j])) {
			weprintf("%s: corrupt pca model: bad scale of component %zu", path, j + 1);
			return -1;
		}
		for (i = 0, norm = 0; i < d; i++) {
			pm->comp[j * d + i] = pc[i];
			norm += pc[i] * pc[i];
		}
		if (!(fabs(norm - 1) < 1e-6)) {
			weprintf("%s: corrupt pca model: component %zu is not a unit vector", path, j + 1);
			return -1;
		}
	}
	return 0;
}

int
pca_load(PcaModel *pm, const char *path)
{
	DTable t;
	size_t k;

	memset(pm, 0, sizeof *pm);
	if (dtable_load(path, &t))
		return -1;
	if (!t.model || strcmp(t.model, "pca")) {
		weprintf("%s: not a pca model (model=%s)", path, t.model ? t.model : "missing");
		goto bad;
	}
	if (!(k = pca_rows(&t, path)))
		goto bad;
	alloc_model(pm, t.d, k);
	if (pca_moments(pm, &t, path) || pca_components(pm, &t, path))
		goto bad;
	pm->cols = t.cols;
	t.cols = NULL;
	del_dtable(&t);
	return 0;
bad:
	del_dtable(&t);
	del_pca(pm);
	return -1;
}

void
del_pca(PcaModel *pm)
{
	size_t j;

	if (pm->cols)
		for (j = 0; j < pm->d; j++)
			free(pm->cols[j]);
	free(pm->cols);
	free(pm->mean);
	free(pm->var);
	free(pm->comp);
	free(pm->scale);
	memset(pm, 0, sizeof *pm);
}
