/* umap.c — UMAP fit and transform (see umap.h); the model file is umapmodel.c. */
#include "ml/umap.h"
#include "core/rng.h"
#include "core/util.h"
#include "ml/knn.h"
#include "ml/mapnn.h"
#include "ml/spectral.h"
#include "ml/umapab.h"
#include "ml/umaplayout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_EPOCHS 500   /* up to UMAP_SMALL points */
#define LARGE_EPOCHS 200
#define UMAP_SMALL 10000
#define COSINE_DISCONNECT 2.0f /* umap-learn's disconnection distance for cosine */

void
umap_defaults(UmapOpt *o)
{
	memset(o, 0, sizeof *o);
	o->dims = 2;
	o->n_neighbors = 15;
	o->min_dist = 0.1;
	o->spread = 1;
	o->metric = KNN_EUCLIDEAN;
	o->init = UMAP_INIT_SPECTRAL;
	o->nthreads = 1;
}

/* neighbours of q among the references of kn; cosine pairs at distance 2 are
 * disconnected, as umap-learn does */
static void
neighbours(const Knn *kn, int metric, const float *q, size_t nq, size_t k, int mode, long *idx,
    float *dist)
{
	size_t i;

	mapnn_query(kn, metric, q, nq, k, mode, idx, dist);
	if (metric == KNN_COSINE)
		for (i = 0; i < nq * k; i++)
			if (dist[i] >= COSINE_DISCONNECT) {
				idx[i] = -1;
				dist[i] = INFINITY;
			}
}

void
umap_graph(const float *x, size_t n, size_t d, const UmapOpt *o, long *idx, float *dist,
    FuzzyGraph *g)
{
	size_t k = (size_t)o->n_neighbors;
	Knn *kn = new_knn(x, n, d, o->metric, o->nthreads);
	float *sigma = ereallocarray(NULL, n, sizeof *sigma), *rho = ereallocarray(NULL, n, sizeof *rho);
	float *val = ereallocarray(NULL, n, k * sizeof *val);

	neighbours(kn, o->metric, x, n, k, MAPNN_SELF_FIRST, idx, dist);
	del_knn(kn);
	fuzzy_sigmas(dist, n, k, 1.0, sigma, rho);
	fuzzy_memberships(idx, dist, n, k, sigma, rho, 0, val);
	fuzzy_union(g, idx, val, n, k);
	free(sigma);
	free(rho);
	free(val);
}

/* each coordinate to [0, 10], in float32 as umap-learn */
static void
rescale(float *e, size_t n, int dims)
{
	size_t i;
	int k;
	float lo, hi;

	for (k = 0; k < dims; k++) {
		lo = INFINITY;
		hi = -INFINITY;
		for (i = 0; i < n; i++) {
			lo = fminf(lo, e[i * dims + k]);
			hi = fmaxf(hi, e[i * dims + k]);
		}
		for (i = 0; i < n; i++)
			e[i * dims + k] = 10.0f * (e[i * dims + k] - lo) / (hi - lo);
	}
}

/* the initial map: spectral (scaled to 10, plus noise) or uniform random */
static void
initial(const FuzzyGraph *g, const float *x, size_t d, const UmapOpt *o, Rng *r, float *emb,
    UmapInfo *info)
{
	size_t n = g->n, i, m = n * (size_t)o->dims;
	double *init, mx = 0;

	if (o->init == UMAP_INIT_RANDOM) {
		for (i = 0; i < m; i++)
			emb[i] = (float)(20 * rng_uniform(r) - 10);
		return;
	}
	init = ereallocarray(NULL, n, (size_t)o->dims * sizeof *init);
	info->init_failed = spectral_layout(g, x, d, o->metric, o->dims, r, init, &info->ncomp) < 0;
	for (i = 0; i < m; i++)
		mx = fmax(mx, fabs(init[i]));
	for (i = 0; i < m; i++)
		emb[i] = (float)(init[i] * (10 / mx)) + (float)(1e-4 * rng_normal(r));
	free(init);
}

int
umap_fit(const float *x, size_t n, size_t d, const UmapOpt *o, float *emb, UmapInfo *info)
{
	size_t k = (size_t)o->n_neighbors, i;
	long *idx = ereallocarray(NULL, n, k * sizeof *idx);
	float *dist = ereallocarray(NULL, n, k * sizeof *dist);
	UmapLayout L = { o->dims, 0, 0, 0, 1.0, 1.0, 5.0, 1 };
	FuzzyGraph g;
	Rng r;
	int k0;

	memset(info, 0, sizeof *info);
	if (umap_find_ab(o->spread, o->min_dist, &L.a, &L.b)) {
		weprintf("UMAP: cannot fit a, b for min_dist %g, spread %g", o->min_dist, o->spread);
		free(idx), free(dist);
		return -1;
	}
	umap_graph(x, n, d, o, idx, dist, &g);
	free(idx), free(dist);
	L.n_epochs = o->n_epochs ? o->n_epochs : n <= UMAP_SMALL ? SMALL_EPOCHS : LARGE_EPOCHS;
	for (i = 0; i < n; i++)
		info->isolated += g.ptr[i + 1] == g.ptr[i];
	fuzzy_prune(&g, L.n_epochs > 10 ? L.n_epochs : n <= UMAP_SMALL ? SMALL_EPOCHS : LARGE_EPOCHS);
	rng_seed(&r, o->seed, 0);
	initial(&g, x, d, o, &r, emb, info);
	rescale(emb, n, o->dims);
	rng_seed(&r, o->seed, 1);
	umap_layout(&L, &g, emb, emb, n, &r);
	for (i = 0; i < n; i++)
		if (g.ptr[i + 1] == g.ptr[i])
			for (k0 = 0; k0 < o->dims; k0++)
				emb[i * o->dims + k0] = NAN;
	info->a = L.a;
	info->b = L.b;
	info->n_epochs = L.n_epochs;
	info->edges = g.ptr[n];
	del_fuzzy(&g);
	return 0;
}

/* the bipartite graph of new points: rows in neighbour order, zeros dropped */
static void
transform_graph(const long *idx, const float *val, size_t nq, size_t k, FuzzyGraph *g)
{
	size_t i, j, m = 0;

	g->n = nq;
	g->ptr = ereallocarray(NULL, nq + 1, sizeof *g->ptr);
	g->col = ereallocarray(NULL, nq ? nq : 1, (k ? k : 1) * sizeof *g->col);
	g->w = ereallocarray(NULL, nq ? nq : 1, (k ? k : 1) * sizeof *g->w);
	g->ptr[0] = 0;
	for (i = 0; i < nq; i++) {
		for (j = 0; j < k; j++)
			if (idx[i * k + j] >= 0 && val[i * k + j] != 0) {
				g->col[m] = (unsigned)idx[i * k + j];
				g->w[m++] = val[i * k + j];
			}
		g->ptr[i + 1] = m;
	}
}

/* umap-learn's init_graph_transform: the weighted mean of the neighbours' places,
 * a neighbour's place when its weight is 1, NaN without neighbours */
static void
transform_init(const FuzzyGraph *g, const float *emb, int dims, float *out)
{
	size_t i, m;
	float s;
	int k;

	for (i = 0; i < g->n; i++) {
		for (k = 0; k < dims; k++)
			out[i * dims + k] = g->ptr[i + 1] > g->ptr[i] ? 0 : NAN;
		for (s = 0, m = g->ptr[i]; m < g->ptr[i + 1]; m++)
			s += g->w[m];
		for (m = g->ptr[i]; m < g->ptr[i + 1]; m++) {
			if (g->w[m] == 1) {
				for (k = 0; k < dims; k++)
					out[i * dims + k] = emb[(size_t)g->col[m] * dims + k];
				break;
			}
			for (k = 0; k < dims; k++)
				out[i * dims + k] += g->w[m] / s * emb[(size_t)g->col[m] * dims + k];
		}
	}
}

void
umap_transform(const UmapModel *mo, const float *q, size_t nq, const UmapOpt *o, float *out)
{
	size_t k = (size_t)mo->n_neighbors;
	long *idx = ereallocarray(NULL, nq ? nq : 1, k * sizeof *idx);
	float *dist = ereallocarray(NULL, nq ? nq : 1, k * sizeof *dist);
	float *sigma = ereallocarray(NULL, nq ? nq : 1, sizeof *sigma), *rho = ereallocarray(NULL, nq ? nq : 1, sizeof *rho);
	float *val = ereallocarray(NULL, nq ? nq : 1, k * sizeof *val), *tail;
	Knn *kn = new_knn(mo->x, mo->n, mo->d, mo->metric, o->nthreads);
	UmapLayout L = { mo->dims, 0, mo->a, mo->b, 1.0, 0.25, 5.0, 0 };
	FuzzyGraph g;
	Rng r;

	neighbours(kn, mo->metric, q, nq, k, MAPNN_NEW, idx, dist);
	del_knn(kn);
	fuzzy_sigmas(dist, nq, k, 0.0, sigma, rho);
	fuzzy_memberships(idx, dist, nq, k, sigma, rho, 1, val);
	transform_graph(idx, val, nq, k, &g);
	transform_init(&g, mo->emb, mo->dims, out);
	L.n_epochs = mo->n_epochs ? mo->n_epochs / 3 : nq <= UMAP_SMALL ? 100 : 30;
	if (L.n_epochs < 1)
		L.n_epochs = 1;
	fuzzy_prune(&g, L.n_epochs);
	tail = ereallocarray(NULL, mo->n, (size_t)mo->dims * sizeof *tail);
	memcpy(tail, mo->emb, mo->n * (size_t)mo->dims * sizeof *tail);
	rng_seed(&r, o->seed, 2);
	umap_layout(&L, &g, out, tail, mo->n, &r);
	free(tail), free(idx), free(dist), free(sigma), free(rho), free(val);
	del_fuzzy(&g);
}
