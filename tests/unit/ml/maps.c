/* unit test and oracle driver for the maps (src/lib/ml/tsne*.c, sptree.c, fuzzy.c,
 * lanczos.c, spectral.c, umapab.c).
 *
 * Without arguments: self-checks that need no reference (Barnes-Hut with theta 0
 * equals the exact repulsion, Lanczos equals dense eigenvalues, duplicate
 * detection); prints "not ok N what" lines, exit 1 on failure.
 * With arguments, prints internals for tests/ref/map_oracle.py to compare with
 * scikit-learn and umap-learn:
 *	maps p DATA PERPLEXITY METRIC EXACT     joint P: "i j p" lines (i < j dense, all sparse)
 *	maps grad DATA Y EXAG LR MOMENTUM      exact gradient at Y, then one descent step:
 *	                                       "grad ..." and "step ..." rows
 *	maps gradbh DATA Y THETA               the Barnes-Hut gradient at Y ("grad" rows)
 *	maps fuzzy DATA K METRIC               "knn i j dist" lines, then "graph i j w"
 *	maps ab SPREAD MIN_DIST                "a b" */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/matrix.h"
#include "core/rng.h"
#include "core/util.h"
#include "ml/lanczos.h"
#include "ml/mapnn.h"
#include "ml/sptree.h"
#include "ml/tsne.h"
#include "ml/tsnegrad.h"
#include "ml/umap.h"
#include "ml/umapab.h"
#include "../unit.h"

#include <lapacke.h>

static void
load(const char *path, Matrix *m)
{
	if (matrix_load_nonempty(path, m, "empty"))
		exit(1);
}

/* Y as doubles */
static double *
load_y(const char *path, size_t n, int *dims)
{
	Matrix m;
	double *y;
	size_t i;

	load(path, &m);
	if (m.n != n)
		eprintf("%s: %zu rows, expected %zu", path, m.n, n);
	*dims = (int)m.d;
	y = ereallocarray(NULL, m.n, m.d * sizeof *y);
	for (i = 0; i < m.n * m.d; i++)
		y[i] = m.x[i];
	del_matrix(&m);
	return y;
}

static void
print_rows(const char *tag, const double *v, size_t n, int dims)
{
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		printf("%s", tag);
		for (k = 0; k < dims; k++)
			printf(" %.17g", v[i * dims + k]);
		printf("\n");
	}
}

static int
cmd_p(char **a)
{
	TsneOpt o;
	TsneP ps = { 0 };
	float *pd = NULL;
	double sigma;
	Matrix m;
	size_t i, j;

	tsne_defaults(&o);
	load(a[0], &m);
	o.perplexity = atof(a[1]);
	o.metric = mapnn_metric(a[2]);
	tsne_p(m.x, m.n, m.d, &o, atoi(a[3]), &pd, &ps, &sigma);
	for (i = 0; i < m.n; i++) {
		if (pd)
			for (j = i + 1; j < m.n; j++)
				printf("%zu %zu %.9g\n", i, j, pd[i * m.n + j]);
		else
			for (j = ps.ptr[i]; j < ps.ptr[i + 1]; j++)
				printf("%zu %u %.9g\n", i, ps.col[j], ps.val[j]);
	}
	free(pd);
	del_tsnep(&ps);
	del_matrix(&m);
	return 0;
}

/* the gradient at Y over P of the method, and one first descent step */
static int
cmd_grad(char **a, int exact)
{
	TsneOpt o;
	TsneObj obj;
	TsneP ps = { 0 };
	float *pd = NULL;
	double sigma, *y, *g, *up, *gains, kl;
	Matrix m;
	size_t i;
	int dims;

	tsne_defaults(&o);
	load(a[0], &m);
	y = load_y(a[1], m.n, &dims);
	tsne_p(m.x, m.n, m.d, &o, exact, &pd, &ps, &sigma);
	tsnegrad_init(&obj, m.n, dims, pd, exact ? NULL : &ps, exact ? 0.5 : atof(a[2]), 2);
	obj.exag = exact ? atof(a[2]) : 1;
	g = ereallocarray(NULL, m.n, (size_t)dims * sizeof *g);
	kl = tsnegrad_do(&obj, y, g, 1);
	printf("kl %.17g\n", kl);
	print_rows("grad", g, m.n, dims);
	if (exact) {
		up = ecalloc(m.n, (size_t)dims * sizeof *up);
		gains = ereallocarray(NULL, m.n, (size_t)dims * sizeof *gains);
		for (i = 0; i < m.n * (size_t)dims; i++)
			gains[i] = 1;
		tsne_step(y, g, up, gains, m.n * (size_t)dims, atof(a[4]), atof(a[3]));
		print_rows("step", y, m.n, dims);
		free(up);
		free(gains);
	}
	tsnegrad_free(&obj);
	free(g), free(y), free(pd);
	del_tsnep(&ps);
	del_matrix(&m);
	return 0;
}

static int
cmd_fuzzy(char **a)
{
	UmapOpt o;
	FuzzyGraph g;
	Matrix m;
	long *idx;
	float *dist;
	size_t i, j, k;

	umap_defaults(&o);
	load(a[0], &m);
	o.n_neighbors = atoi(a[1]);
	o.metric = mapnn_metric(a[2]);
	k = (size_t)o.n_neighbors;
	idx = ereallocarray(NULL, m.n, k * sizeof *idx);
	dist = ereallocarray(NULL, m.n, k * sizeof *dist);
	umap_graph(m.x, m.n, m.d, &o, idx, dist, &g);
	for (i = 0; i < m.n; i++)
		for (j = 0; j < k; j++)
			printf("knn %zu %ld %.9g\n", i, idx[i * k + j], dist[i * k + j]);
	for (i = 0; i < g.n; i++)
		for (j = g.ptr[i]; j < g.ptr[i + 1]; j++)
			printf("graph %zu %u %.9g\n", i, g.col[j], g.w[j]);
	free(idx), free(dist);
	del_fuzzy(&g);
	del_matrix(&m);
	return 0;
}

/* whether sptree_repulsion_group, in groups of 1 to SPTREE_GROUP points, gives
 * other numbers than sptree_repulsion */
static int
group_differs(const SpTree *t, size_t n, int dims, double theta)
{
	const unsigned *ord = sptree_order(t);
	double *neg = ereallocarray(NULL, n, (size_t)dims * sizeof *neg), sq[SPTREE_GROUP], one[3], s1;
	size_t a, g, l;
	int k, bad = 0;

	for (a = 0, g = 1; a < n; a += g, g = g % SPTREE_GROUP + 1) {
		if (g > n - a)
			g = n - a;
		sptree_repulsion_group(t, a, a + g, theta, neg, sq);
		for (l = 0; l < g; l++) {
			sptree_repulsion(t, ord[a + l], theta, one, &s1);
			bad |= s1 != sq[l];
			for (k = 0; k < dims; k++)
				bad |= one[k] != neg[ord[a + l] * dims + k];
		}
	}
	free(neg);
	return bad;
}

/* Barnes-Hut with theta 0 opens every cell: the exact repulsion */
static void
test_sptree(int dims)
{
	size_t n = 300, i, j;
	double *y = ereallocarray(NULL, n, (size_t)dims * sizeof *y), neg[3], sq, ref[3], rs, d2, w, dof = dims > 2 ? dims - 1 : 1;
	SpTree *t = new_sptree(dims);
	Rng r;
	int k, bad = 0;

	rng_seed(&r, 7, (uint64_t)dims);
	for (i = 0; i < n * (size_t)dims; i++)
		y[i] = rng_normal(&r) * (i % 3 ? 1 : 1e-3);
	sptree_build(t, y, n);
	for (i = 0; i < n; i++) {
		sptree_repulsion(t, i, 0, neg, &sq);
		for (k = 0; k < dims; k++)
			ref[k] = 0;
		for (rs = 0, j = 0; j < n; j++) {
			if (j == i)
				continue;
			for (d2 = 0, k = 0; k < dims; k++)
				d2 += (y[i * dims + k] - y[j * dims + k]) * (y[i * dims + k] - y[j * dims + k]);
			w = pow(1 + d2 / dof, -(dof + 1) / 2);
			rs += w;
			for (k = 0; k < dims; k++)
				ref[k] += w * w * (y[i * dims + k] - y[j * dims + k]);
		}
		bad |= fabs(sq - rs) > 1e-5 * rs;
		for (k = 0; k < dims; k++)
			bad |= fabs(neg[k] - ref[k]) > 1e-5 * (fabs(ref[k]) + 1e-9);
	}
	check(!bad, dims == 2 ? "sptree theta 0 = exact repulsion (2-D)" : "sptree theta 0 = exact repulsion (3-D)");
	check(!group_differs(t, n, dims, 0) && !group_differs(t, n, dims, 0.5),
	    dims == 2 ? "sptree groups = one point at a time (2-D)" : "sptree groups = one point at a time (3-D)");
	del_sptree(t);
	free(y);
}

typedef struct Dense { size_t n; const double *a; } Dense;

static void
dense_op(void *ctx, const double *x, double *y)
{
	const Dense *d = ctx;
	size_t i, j;

	for (i = 0; i < d->n; i++)
		for (y[i] = 0, j = 0; j < d->n; j++)
			y[i] += d->a[i * d->n + j] * x[j];
}

/* the 3 largest eigenvalues of a random symmetric matrix: Lanczos = dsyev */
static void
test_lanczos(void)
{
	size_t n = 300, i, j;
	double *a = ereallocarray(NULL, n, n * sizeof *a), *b = ereallocarray(NULL, n, n * sizeof *b);
	double *ev = ereallocarray(NULL, n, sizeof *ev), *v0 = ereallocarray(NULL, n, sizeof *v0);
	double *vec = ereallocarray(NULL, 3, n * sizeof *vec), val[3];
	Dense d = { n, a };
	Rng r;
	int rc;

	rng_seed(&r, 3, 0);
	for (i = 0; i < n; i++)
		for (j = 0; j <= i; j++)
			a[i * n + j] = a[j * n + i] = rng_uniform(&r) - 0.5 + (i == j ? (double)i / n : 0);
	for (i = 0; i < n; i++)
		v0[i] = 1;
	rc = lanczos_top(n, 3, 40, dense_op, &d, v0, 1e-10, 500, val, vec);
	memcpy(b, a, n * n * sizeof *b);
	LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)n, b, (lapack_int)n, ev);
	check(rc == 0, "lanczos converges");
	for (i = 0; i < 3; i++)
		check(fabs(val[i] - ev[n - 1 - i]) < 1e-8, "lanczos eigenvalue = dsyev's");
	free(a), free(b), free(ev), free(v0), free(vec);
}

static void
test_duplicate(void)
{
	float x[] = { 1, 2, 3, 4, 1, 2, 5, 6, 3, 4 };
	size_t a = 0, b = 0;

	check(mapnn_duplicate(x, 5, 2, &a, &b) && a == 0 && b == 2, "duplicate: first repeat found");
	check(!mapnn_duplicate(x, 2, 2, &a, &b), "duplicate: none");
}

int
main(int argc, char **argv)
{
	double a, b;

	util_init(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "p") && argc == 6)
		return cmd_p(argv + 2);
	if (argc > 1 && !strcmp(argv[1], "grad") && argc == 7)
		return cmd_grad(argv + 2, 1);
	if (argc > 1 && !strcmp(argv[1], "gradbh") && argc == 5)
		return cmd_grad(argv + 2, 0);
	if (argc > 1 && !strcmp(argv[1], "fuzzy") && argc == 5)
		return cmd_fuzzy(argv + 2);
	if (argc > 1 && !strcmp(argv[1], "ab") && argc == 4) {
		if (umap_find_ab(atof(argv[2]), atof(argv[3]), &a, &b))
			return 1;
		printf("%.17g %.17g\n", a, b);
		return 0;
	}
	if (argc > 1)
		eprintf("usage: maps [p|grad|gradbh|fuzzy|ab args]");
	test_sptree(2);
	test_sptree(3);
	test_lanczos();
	test_duplicate();
	return unit_done();
}
