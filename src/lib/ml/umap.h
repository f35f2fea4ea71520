/* umap.h — UMAP as umap-learn 0.5's UMAP(n_neighbors=15, min_dist=0.1, spread=1,
 * init='spectral', negative_sample_rate=5, random_state=SEED): fit, and transform
 * (placing new points into a fitted map).
 *
 *	UmapOpt o; umap_defaults(&o);
 *	umap_fit(x, n, d, &o, emb, &info);           // emb: n x o.dims floats
 *	umap_transform(&model, q, nq, &o, out);
 *
 * Fit: the exact n_neighbors nearest neighbours, the point itself first (knn.h,
 * through mapnn.h), Euclidean or cosine (umap-learn computes exact neighbours
 * below 4096 points and NN-descent above); the fuzzy graph (fuzzy.h); edges
 * weaker than max / n_epochs dropped; the spectral layout (spectral.h) scaled to
 * 10 / max |.|, plus N(0, 1e-4) noise, then each coordinate rescaled to [0, 10];
 * n_epochs (500 up to 10000 points, else 200) of umaplayout.h, learning rate 1.
 * Points without any edge get NaN coordinates, as in umap-learn.
 * Transform: each new point's n_neighbors nearest fitted points, memberships with
 * local_connectivity 0 (no rho), the initial position their weighted mean; then
 * n_epochs / 3 epochs (100 up to 10000 new points, else 30, by default) at
 * learning rate 1/4 with the fitted map fixed.
 * Memory: the data, n x n_neighbors neighbours, the graph (about 2 n x
 * n_neighbors edges) and the Lanczos basis (spectral.h). */
#ifndef SV_UMAP_H
#define SV_UMAP_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ml/fuzzy.h"
#include "ml/umapmodel.h"

enum { UMAP_INIT_SPECTRAL, UMAP_INIT_RANDOM };

typedef struct UmapOpt {
	int dims;
	int n_neighbors;
	double min_dist, spread;
	int n_epochs;          /* 0: by size */
	int metric;            /* KNN_EUCLIDEAN or KNN_COSINE */
	int init;
	uint64_t seed;
	int nthreads;          /* for the neighbour search only */
} UmapOpt;

typedef struct UmapInfo {
	double a, b;
	int n_epochs;
	size_t ncomp;          /* connected components of the graph */
	size_t edges;          /* edges after pruning (both directions) */
	int init_failed;       /* spectral layout failed: random initialisation */
	size_t isolated;       /* points without an edge (NaN) */
} UmapInfo;

/* umap-learn's defaults, 2-D, Euclidean, seed 0, one thread.  Can't fail. */
void umap_defaults(UmapOpt *o);
/* Map the n x d rows of x (finite, distinct, n > n_neighbors) into emb.  0, or -1
 * after a message (a, b could not be fitted).  Progress on stderr. */
int umap_fit(const float *x, size_t n, size_t d, const UmapOpt *o, float *emb, UmapInfo *info);
/* Place nq new rows q (d values each, d = m->d) into the map of m (umapmodel.h): out nq x m->dims.
 * o gives the seed and threads.  Can't fail (but for memory). */
void umap_transform(const UmapModel *m, const float *q, size_t nq, const UmapOpt *o, float *out);

/* The neighbours and fuzzy graph of a fit, for tests: idx, dist n x n_neighbors. */
void umap_graph(const float *x, size_t n, size_t d, const UmapOpt *o, long *idx, float *dist,
    FuzzyGraph *g);

#endif
