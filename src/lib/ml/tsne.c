/* tsne.c — t-SNE: P, initial map, gradient descent (see tsne.h). */
#include "ml/tsne.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/util.h"
#include "ml/mapnn.h"
#include "ml/pca.h"
#include "ml/tsnegrad.h"
#include "ml/tsnep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EXPLORATION 250    /* iterations with early exaggeration */
#define CHECK_EVERY 50     /* iterations between KL measurements */
#define NO_PROGRESS 300
#define MIN_GAIN 0.01
#define MIN_GRAD_NORM 1e-7

void
tsne_defaults(TsneOpt *o)
{
	memset(o, 0, sizeof *o);
	o->dims = 2;
	o->perplexity = 30;
	o->exaggeration = 12;
	o->max_iter = 1000;
	o->metric = KNN_EUCLIDEAN;
	o->method = TSNE_AUTO;
	o->theta = 0.5;
	o->init = TSNE_INIT_PCA;
	o->nthreads = 1;
}

/* squared distances as TSNE squares them (Euclidean, or the cosine distance) */
static void
square(float *d, size_t m)
{
	size_t i;

	for (i = 0; i < m; i++)
		d[i] *= d[i];
}

/* every pair's squared distance, n x n with a zero diagonal, in blocks of rows */
static float *
all_pairs(const Knn *kn, const float *x, size_t n, size_t d, int metric)
{
	size_t k = n - 1, b, nb, i, j;
	float *full = ecalloc(n, n * sizeof *full), *dist;
	long *idx;

	idx = ereallocarray(NULL, KNN_QBLOCK, (k ? k : 1) * sizeof *idx);
	dist = ereallocarray(NULL, KNN_QBLOCK, (k ? k : 1) * sizeof *dist);
	for (b = 0; b < n; b += KNN_QBLOCK) {
		nb = n - b < KNN_QBLOCK ? n - b : KNN_QBLOCK;
		if (k)
			mapnn_query_from(kn, metric, x + b * d, nb, b, k, idx, dist);
		for (i = 0; i < nb; i++)
			for (j = 0; j < k; j++)
				full[(b + i) * n + idx[i * k + j]] = dist[i * k + j] * dist[i * k + j];
	}
	free(idx);
	free(dist);
	return full;
}

void
tsne_p(const float *x, size_t n, size_t d, const TsneOpt *o, int exact, float **pd, TsneP *ps,
    double *sigma)
{
	Knn *kn = new_knn(x, n, d, o->metric, o->nthreads);
	size_t k = (size_t)(3 * o->perplexity + 1);
	long *idx;
	float *dist, *p;

	if (exact) { /* conditional P in place over the distances, then joint */
		p = all_pairs(kn, x, n, d, o->metric);
		*sigma = tsnep_conditional(p, n, n, 1, o->perplexity, p);
		tsnep_joint_dense(p, n);
		*pd = p;
		del_knn(kn);
		return;
	}
	if (k > n - 1)
		k = n - 1;
	idx = ereallocarray(NULL, n, k * sizeof *idx);
	dist = ereallocarray(NULL, n, k * sizeof *dist);
	mapnn_query(kn, o->metric, x, n, k, MAPNN_OTHERS, idx, dist);
	del_knn(kn);
	square(dist, n * k);
	p = ereallocarray(NULL, n, k * sizeof *p);
	*sigma = tsnep_conditional(dist, n, k, 0, o->perplexity, p);
	tsnep_joint_sparse(ps, p, idx, n, k);
	free(p);
	free(idx);
	free(dist);
}

int
tsne_init(const float *x, size_t n, size_t d, const TsneOpt *o, double *y)
{
	size_t i, k, dims = (size_t)o->dims;
	double m = 0, s = 0;
	PcaModel pm;
	Matrix mx;
	Rng r;

	if (o->init == TSNE_INIT_RANDOM) {
		rng_seed(&r, o->seed, 0);
		for (i = 0; i < n * dims; i++)
			y[i] = 1e-4 * (double)(float)rng_normal(&r);
		return 0;
	}
	memset(&mx, 0, sizeof mx);
	mx.d = d;
	for (i = 0; i < n; i++)
		matrix_push(&mx, "", x + i * d);
	mx.name = estrdup("t-SNE initial map");
	if (pca_fit(&pm, &mx, 0.5, dims, 0)) {
		del_matrix(&mx);
		return -1;
	}
	/* sklearn: float32 scores, divided by the float32 std of the first, x 1e-4 */
	for (i = 0; i < n; i++)
		m += mx.x[i * dims];
	m /= (double)n;
	for (i = 0; i < n; i++)
		s += (mx.x[i * dims] - m) * (mx.x[i * dims] - m);
	s = (float)sqrt(s / (double)n);
	for (i = 0; i < n; i++)
		for (k = 0; k < dims; k++)
			y[i * dims + k] = (double)(float)(mx.x[i * dims + k] / s * 1e-4);
	del_pca(&pm);
	del_matrix(&mx);
	return 0;
}

typedef struct Descent {
	TsneObj *obj;
	double *y, *grad, *update, *gains;
	size_t m;              /* n x dims */
	double lr;
	Progress *pg;
	int done;              /* iterations so far, for the progress line */
} Descent;

void
tsne_step(double *y, double *grad, double *update, double *gains, size_t m, double momentum,
    double lr)
{
	size_t i;

	for (i = 0; i < m; i++) {
		if (update[i] * grad[i] < 0)
			gains[i] += 0.2;
		else
			gains[i] *= 0.8;
		if (gains[i] < MIN_GAIN)
			gains[i] = MIN_GAIN;
		grad[i] *= gains[i];
		update[i] = momentum * update[i] - lr * grad[i];
		y[i] += update[i];
	}
}

/* sklearn's _gradient_descent from iteration it to n_iter: the last iteration
 * run, its KL in *kl */
static int
descend(Descent *g, int it, int n_iter, double momentum, int patience, double *kl)
{
	double err = NAN, best = INFINITY, norm;
	int i, best_i = it, check;
	size_t j;

	for (j = 0; j < g->m; j++) {
		g->update[j] = 0;
		g->gains[j] = 1;
	}
	for (i = it; i < n_iter; i++) {
		check = (i + 1) % CHECK_EVERY == 0;
		err = tsnegrad_do(g->obj, g->y, g->grad, check || i == n_iter - 1);
		tsne_step(g->y, g->grad, g->update, g->gains, g->m, momentum, g->lr);
		progress_do(g->pg, (unsigned long)++g->done);
		if (!check)
			continue;
		for (norm = 0, j = 0; j < g->m; j++)
			norm += g->grad[j] * g->grad[j];
		norm = sqrt(norm);
		if (err < best) {
			best = err;
			best_i = i;
		} else if (i - best_i > patience) {
			break;
		}
		if (norm <= MIN_GRAD_NORM)
			break;
	}
	*kl = err;
	return i < n_iter ? i : n_iter - 1;
}

int
tsne_fit(const float *x, size_t n, size_t d, const TsneOpt *o, double *y, TsneInfo *info)
{
	int exact = o->method == TSNE_EXACT || (o->method == TSNE_AUTO && n <= TSNE_EXACT_AUTO);
	TsneP ps = { 0 };
	float *pd = NULL;
	TsneObj obj;
	Descent g;
	size_t m = n * (size_t)o->dims;
	int it;

	memset(info, 0, sizeof *info);
	info->exact = exact;
	if (tsne_init(x, n, d, o, y))
		return -1;
	tsne_p(x, n, d, o, exact, &pd, &ps, &info->sigma);
	tsnegrad_init(&obj, n, o->dims, pd, exact ? NULL : &ps, o->theta, o->nthreads);
	memset(&g, 0, sizeof g);
	g.obj = &obj;
	g.y = y;
	g.m = m;
	g.grad = ereallocarray(NULL, m, sizeof *g.grad);
	g.update = ereallocarray(NULL, m, sizeof *g.update);
	g.gains = ereallocarray(NULL, m, sizeof *g.gains);
	g.lr = o->learning_rate > 0 ? o->learning_rate : fmax((double)n / o->exaggeration / 4, 50);
	g.pg = new_progress("t-SNE iterations", (unsigned long)o->max_iter);
	obj.exag = o->exaggeration;
	it = descend(&g, 0, EXPLORATION, 0.5, EXPLORATION, &info->kl);
	obj.exag = 1;
	if (it < EXPLORATION || o->max_iter > EXPLORATION)
		it = descend(&g, it + 1, o->max_iter, 0.8, NO_PROGRESS, &info->kl);
	del_progress(g.pg);
	info->n_iter = it;
	info->learning_rate = g.lr;
	tsnegrad_free(&obj);
	free(g.grad);
	free(g.update);
	free(g.gains);
	free(pd);
	del_tsnep(&ps);
	return 0;
}
