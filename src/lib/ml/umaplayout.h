/* umaplayout.h — UMAP's layout optimisation, as umap-learn 0.5's
 * optimize_layout_euclidean (single-threaded, its deterministic mode): for n_epochs
 * epochs, every edge (head j, tail k) of the pruned fuzzy graph is sampled every
 * max_w / w_jk epochs; a sample pulls j and k together (gradient
 * -2ab d^(2(b-1)) / (1 + a d^(2b)), clipped to +-4 per coordinate, times alpha;
 * k moves too when move_other) and pushes j from negative_sample_rate uniformly
 * drawn vertices (2 gamma b / ((0.001 + d^2)(1 + a d^(2b)))); alpha decreases
 * linearly from alpha0.  Unlike umap-learn's graph order, the edges are visited as
 * eight interleaved runs of the graph's edge list, each drawing its negative samples
 * from its own core/rng.h stream seeded from r (umap-learn's tau_rand: another
 * generator, the same distribution): the order depends on the graph alone, so the
 * layout is deterministic.  The embedding is float32 as in umap-learn. */
#ifndef SV_UMAPLAYOUT_H
#define SV_UMAPLAYOUT_H
#include <stddef.h>

#include "core/rng.h"
#include "ml/fuzzy.h"

typedef struct UmapLayout {
	int dim, n_epochs;
	double a, b, gamma, alpha0, negative_rate;
	int move_other;        /* 1: fit (tails move); 0: transform (tails fixed) */
} UmapLayout;

/* Optimise head (g->n x dim) against tail (ntail x dim; head itself for a fit) along
 * the edges of g (rows: heads, columns: tails).  This function can't fail. */
void umap_layout(const UmapLayout *L, const FuzzyGraph *g, float *head, float *tail, size_t ntail,
    Rng *r);

#endif
