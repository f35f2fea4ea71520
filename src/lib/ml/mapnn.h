/* mapnn.h — what the maps (t-SNE, UMAP) need from the nearest-neighbour engine
 * (knn.h, the only way they search): distances rather than scores, the self
 * handling each reference expects, and the check for duplicate points.
 *
 *	Knn *kn = new_knn(x, n, d, metric, nt);          // KNN_EUCLIDEAN or KNN_COSINE
 *	mapnn_query(kn, metric, x, n, k, MAPNN_SELF_FIRST, idx, dist);
 *
 * Distances: Euclidean as knn.h returns it; cosine 1 - similarity clipped to
 * [0, 2], as sklearn.metrics.pairwise.cosine_distances. */
#ifndef SV_MAPNN_H
#define SV_MAPNN_H
#include <stddef.h>

#include "ml/knn.h"

enum {
	MAPNN_OTHERS,      /* queries are the references: the k nearest others */
	MAPNN_SELF_FIRST,  /* queries are the references: self at distance 0, then k - 1 others
	                    * (umap-learn's kNN, self included) */
	MAPNN_NEW          /* queries are new points: the k nearest references */
};

/* The k nearest references (metric: the one kn was made with) of nq queries, nearest first: idx[i*k + j], dist[i*k + j]
 * (idx -1, dist INFINITY where fewer qualify).  This function can't fail. */
void mapnn_query(const Knn *kn, int metric, const float *q, size_t nq, size_t k, int mode,
    long *idx, float *dist);

/* MAPNN_OTHERS for nq queries that are the references first .. first + nq - 1. */
void mapnn_query_from(const Knn *kn, int metric, const float *q, size_t nq, size_t first,
    size_t k, long *idx, float *dist);

/* The metric named s: KNN_EUCLIDEAN ("euclidean") or KNN_COSINE ("cosine"); -1 for
 * any other name. */
int mapnn_metric(const char *s);
const char *mapnn_metric_name(int metric);

/* A pair of points in a symmetrised kNN graph, in row i: j, the value of j as i's
 * neighbour (0 if it is not one) and of i as j's. */
typedef struct MapnnPair { unsigned col; float ij, ji; } MapnnPair;

/* Every pair (i, j) where j is one of the k neighbours of i (idx[i*k + l], with
 * value val[i*k + l]; idx -1 or value 0 left out) or i one of j's, by row i and
 * increasing j: row i's pairs at (*pairs)[ptr[i] .. ptr[i + 1]).  The union
 * pattern of t-SNE's P + P^T and UMAP's fuzzy union.  Exits only when memory runs
 * out. */
void mapnn_pairs(const long *idx, const float *val, size_t n, size_t k, size_t *ptr,
    MapnnPair **pairs);

/* 1 when two of the n rows of x (d values each) are equal, with their indices
 * (*a < *b, the first such pair in row order of b); 0 when all rows differ.
 * Exits only when memory runs out. */
int mapnn_duplicate(const float *x, size_t n, size_t d, size_t *a, size_t *b);

#endif
