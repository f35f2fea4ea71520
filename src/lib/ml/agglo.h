/* agglo.h — agglomerative (hierarchical) clustering as scikit-learn 1.2.1
 * AgglomerativeClustering (Euclidean; ward, complete, average, single linkage).
 *
 *	AggloMerge *z = ecalloc(n - 1, sizeof *z);
 *	agglo_tree(x, n, d, AGGLO_WARD, nt, z);   // -1 after a message
 *	agglo_cut(z, n, 8, labels);                // sklearn's labels for 8 clusters
 *
 * The tree is what sklearn builds with connectivity=None:
 *  - ward, complete, average: scipy.cluster.hierarchy.linkage (nearest-neighbour
 *    chain, scipy's _hierarchy.nn_chain: the chain starts at the first active
 *    cluster, each step scans the active clusters in index order and keeps the
 *    previous chain element on ties, the merged cluster takes the higher index),
 *    then merges sorted by distance (stable) and renumbered by union-find
 *    (scipy's label: node n + i is merge i, children as (smaller, larger));
 *  - single: sklearn's mst_linkage_core (Prim from record 0, the first of equal
 *    distances), edges sorted by distance (stable), _single_linkage_label
 *    (children in the order found).
 * Distances are computed in double precision from the float32 records.  Ward
 * needs no distance matrix: a cluster is its centroid and size, the distance of
 * two clusters sqrt(2 |A| |B| / (|A| + |B|)) |c_A - c_B| (the value scipy's
 * Lance-Williams update gives, to rounding); single linkage none either (Prim:
 * O(n) memory).  Complete and average linkage depend on every pairwise distance,
 * which no per-cluster summary preserves: they keep a condensed matrix of
 * n (n - 1) / 2 doubles (1.6 GB for 20 000 records; the lower triangle by rows,
 * where scipy's is the upper one: the same values) and update it as scipy does
 * (complete: max; average: size-weighted mean).  Time O(n^2 d) for all four. */
#ifndef SV_AGGLO_H
#define SV_AGGLO_H
#include <stddef.h>

enum { AGGLO_WARD, AGGLO_COMPLETE, AGGLO_AVERAGE, AGGLO_SINGLE };

/* One merge: a row of scipy's linkage matrix. */
typedef struct AggloMerge {
	size_t a, b;         /* the merged nodes: records 0..n-1, merge i is node n + i */
	double dist;         /* the linkage distance */
	size_t size;         /* records under the new node */
} AggloMerge;

/* "ward", "complete", "average", "single": the AGGLO_ constant, or -1. */
int agglo_parse_linkage(const char *name);
const char *agglo_linkage_name(int linkage);

/* The n - 1 merges of n >= 2 finite float32 rows into z (sorted by distance).
 * Progress on stderr (core/progress.h).  -1 after a message naming `name` when
 * the distance matrix of complete or average linkage does not fit in memory. */
int agglo_tree(const float *x, size_t n, size_t d, int linkage, int nthreads,
    const char *name, AggloMerge *z);

/* sklearn's _hc_cut: labels of n records cut into k clusters (1 <= k <= n),
 * numbered as sklearn numbers them.  This function can't fail. */
void agglo_cut(const AggloMerge *z, size_t n, size_t k, int *labels);

/* The number of clusters sklearn cuts at a distance threshold t: the merges at a
 * distance >= t, plus one. */
size_t agglo_nclusters(const AggloMerge *z, size_t n, double t);

#endif
