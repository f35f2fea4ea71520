/* fuzzy.h — UMAP's fuzzy simplicial set, as umap-learn 0.5's fuzzy_simplicial_set
 * (smooth_knn_dist, compute_membership_strengths, the fuzzy union).
 *
 *	fuzzy_sigmas(dist, n, k, 1.0, sigma, rho);          // per point
 *	fuzzy_memberships(idx, dist, n, k, sigma, rho, 0, val);
 *	fuzzy_union(&g, idx, val, n, k);                     // symmetric graph
 *
 * Input: the k nearest neighbours of each point, nearest first, the point itself
 * first at distance 0 (umap-learn's kNN includes it); idx -1 marks a missing one.
 * Arithmetic in float32 as umap-learn's numba code (its float32 locals): rho is
 * the local_connectivity-th nonzero distance, sigma the bisection (64 steps,
 * tolerance 1e-5) where sum over neighbours 2..k of exp(-max(d - rho, 0) / sigma)
 * equals log2(k), floored at 1e-3 x the mean distance of the point (of all
 * points when rho is 0); membership exp(-(d - rho) / sigma), 1 when d <= rho or
 * sigma is 0, 0 for the point itself; the union a + b - a b. */
#ifndef SV_FUZZY_H
#define SV_FUZZY_H
#include <stddef.h>

typedef struct FuzzyGraph {
	size_t n;
	size_t *ptr;      /* n + 1 row offsets */
	unsigned *col;    /* columns, increasing within a row */
	float *w;         /* membership strengths (> 0) */
} FuzzyGraph;

/* sigma and rho of n points from their k distances.  This function can't fail. */
void fuzzy_sigmas(const float *dist, size_t n, size_t k, double local_connectivity, float *sigma,
    float *rho);
/* The n x k membership strengths; bipartite: the neighbours are another point set
 * (transform), so no entry is the point itself.  This function can't fail. */
void fuzzy_memberships(const long *idx, const float *dist, size_t n, size_t k, const float *sigma,
    const float *rho, int bipartite, float *val);
/* The fuzzy union of the n local sets: a symmetric graph without zero entries.
 * Exits only when memory runs out. */
void fuzzy_union(FuzzyGraph *g, const long *idx, const float *val, size_t n, size_t k);
/* Set entries below max / n_epochs to 0 and drop them (umap-learn's pruning before
 * the layout).  This function can't fail. */
void fuzzy_prune(FuzzyGraph *g, int n_epochs);
void del_fuzzy(FuzzyGraph *g);

#endif
