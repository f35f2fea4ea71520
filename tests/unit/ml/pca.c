/* unit test for src/lib/ml/pca.c: the streamed fit (pca_fit_source, blocks of
 * PCA_BLOCK rows) gives the model of pca_fit on the same rows in memory, the same
 * scores through pca_apply (sklearn's signs included), over several blocks; its
 * errors (a value not finite, named by record and key; fewer than 2 records).
 * "not ok N what" per failure; exit 1 on any. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml/pca.h"
#include "core/rng.h"
#include "core/util.h"
#include "../unit.h"

#define N 5000 /* rows: three blocks, the last one short */
#define D 7

/* rows [0, n) of x (n x D) as a PcaSource */
typedef struct Rows {
	const float *x;
	size_t n, at, last;
	char key[32];
} Rows;

static long
rows_next(void *arg, const float **x)
{
	Rows *r = arg;
	size_t k = r->n - r->at < PCA_BLOCK ? r->n - r->at : PCA_BLOCK;

	*x = r->x + r->at * D;
	r->last = r->at;
	r->at += k;
	return (long)k;
}

static int
rows_rewind(void *arg)
{
	((Rows *)arg)->at = 0;
	return 0;
}

static const char *
rows_key(void *arg, size_t i)
{
	Rows *r = arg;

	snprintf(r->key, sizeof r->key, "r%zu", r->last + i);
	return r->key;
}

/* correlated rows with a decaying spectrum and an offset per column */
static float *
data(size_t n)
{
	float *x = ecalloc(n * D, sizeof *x);
	Rng g;
	size_t i, j;
	double z;

	rng_seed(&g, 7, 0);
	for (i = 0; i < n; i++) {
		z = rng_normal(&g);
		for (j = 0; j < D; j++)
			x[i * D + j] = (float)(z * (j + 1) + rng_normal(&g) / (j + 1) + 3.0 * j);
	}
	return x;
}

static int
fit_rows(PcaModel *pm, const float *x, size_t n)
{
	Rows r = { x, n, 0, 0, "" };
	PcaSource src = { "rows", D, NULL, &r, rows_next, rows_rewind, rows_key };

	return pca_fit_source(pm, &src, 2);
}

static void
same_model(void)
{
	float *x = data(N), *out = ecalloc(N * 2, sizeof *out);
	PcaModel a, b;
	Matrix m = { .d = D };
	size_t i, bad = 0;
	char key[32];

	for (i = 0; i < N; i++) {
		snprintf(key, sizeof key, "r%zu", i);
		matrix_push(&m, key, x + i * D);
	}
	check(pca_fit(&a, &m, 0, 2, 0) == 0, "pca_fit");
	check(fit_rows(&b, x, N) == 0, "pca_fit_source");
	check(a.k == 2 && b.k == 2 && a.nvar == b.nvar, "k %zu %zu, nvar %zu %zu", a.k, b.k, a.nvar, b.nvar);
	check(!memcmp(a.mean, b.mean, D * sizeof(double)), "same means");
	check(!memcmp(a.var, b.var, D * sizeof(double)), "same variances");
	check(!memcmp(a.comp, b.comp, 2 * D * sizeof(double)), "same components and signs");
	pca_apply(&b, x, N, out);
	for (i = 0; i < 2 * N; i++)
		bad += fabsf(out[i] - m.x[i]) > 1e-5f * (1 + fabsf(m.x[i]));
	check(bad == 0, "pca_apply of the streamed model = pca_fit's scores (%zu differ)", bad);
	del_pca(&a);
	del_pca(&b);
	del_matrix(&m);
	free(out);
	free(x);
}

static void
errors(void)
{
	float *x = data(N);
	PcaModel pm;

	fprintf(stderr, "unit: expect two messages:\n");
	x[3000 * D + 4] = NAN;
	check(fit_rows(&pm, x, N) == -1, "a NaN is refused (rows: record 3001 (r3000): value 5)");
	check(fit_rows(&pm, x, 1) == -1, "one record is refused");
	free(x);
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	same_model();
	errors();
	return unit_done();
}
