/* dbscan.h — DBSCAN as sklearn.cluster.DBSCAN (1.2.1): a core point has at least
 * min_samples points within eps (itself included; Euclidean distance, or cosine
 * distance 1 - cosine similarity); clusters are the connected components of core
 * points, each border point (not core, within eps of a core point) joins the cluster
 * sklearn gives it, and the rest is noise (-1).
 *
 * sklearn numbers the clusters in the order of their first core point and gives a
 * border point the first cluster that reaches it, i.e. the lowest-numbered cluster
 * among its core neighbours; the same rule here gives the same labels, not only the
 * same partition.
 *
 * Neighbourhoods come from the engine's exact search of the pairs within eps
 * (knn_pairs: each pair once, half the products of a range query per point): one
 * pass counts the neighbours (core flags) and keeps the pairs, then core pairs are
 * joined (union-find) and each border point keeps its core neighbours (fewer than
 * min_samples).  When the pairs exceed DBSCAN_PAIRS (dense data, a large eps) they
 * are not kept but found again by a second pass.  Memory: O(n min_samples) and at
 * most DBSCAN_PAIRS pairs beyond the data and the engine's blocks, never n x n. */
#ifndef SV_DBSCAN_H
#define SV_DBSCAN_H
#include <stddef.h>

typedef struct DbscanOpt {
	double eps;          /* > 0 */
	size_t min_samples;  /* >= 1 */
	int metric;          /* KNN_EUCLIDEAN or KNN_COSINE */
	int nthreads;
} DbscanOpt;

typedef struct DbscanStats {
	size_t clusters, core, border, noise;
} DbscanStats;

/* Cluster the n rows of x (n x d): label[i] the cluster (0..) or -1, core[i] 1 for a
 * core point.  This function can't fail (but for memory). */
void dbscan_do(const float *x, size_t n, size_t d, const DbscanOpt *o, long *label,
    unsigned char *core, DbscanStats *st);

#endif
