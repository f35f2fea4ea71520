/* sptree.h — the Barnes-Hut space-partitioning tree of t-SNE (a quadtree in 2-D,
 * an octree in 3-D), as scikit-learn's _QuadTree: cells halve their parent
 * around its centre, a leaf holds one point (or the points of a cell narrower
 * than SPTREE_EPS, merged), each cell knows its centre of mass,
 * point count and squared largest width.
 *
 *	SpTree *t = new_sptree(dims);
 *	sptree_build(t, y, n);                      // once per iteration
 *	sptree_repulsion(t, i, theta, neg, &sumq);
 *
 * Cells are stored in depth-first order with the index of the cell after each
 * subtree, so a traversal needs no stack.  sptree_order() gives the points in
 * the order of the leaves (nearby points together: the traversals of
 * consecutive points touch the same cells, or walk it together). */
#ifndef SV_SPTREE_H
#define SV_SPTREE_H
#include <math.h>
#include <stddef.h>

#define SPTREE_EPS 1e-6  /* sklearn's EPSILON: coordinates closer are duplicates */
#define SPTREE_MAXDEPTH 64
#define SPTREE_GROUP 32  /* points per sptree_repulsion_group call, at most */

typedef struct SpTree SpTree;

/* t-SNE's Student t kernel in a map of D dimensions: dof = max(D - 1, 1) and
 * w = (1 + d2 / dof)^(-(dof + 1) / 2), which is 1 / (1 + d2) up to 2-D and
 * (2 / (2 + d2))^1.5 in 3-D.  Inline: the inner loops here and in tsnegrad.c
 * evaluate it for every pair.  It can't fail. */
static inline double
sptree_kernel(double d2, int D)
{
	double w, dof = D > 2 ? D - 1 : 1;

	if (D < 3)
		return 1 / (1 + d2);
	if (D == 3) {
		w = 2 / (2 + d2);
		return w * sqrt(w);
	}
	return pow(dof / (dof + d2), (dof + 1) / 2);
}

/* dims is 1, 2 or 3.  Exits only when memory runs out. */
SpTree *new_sptree(int dims);
/* Build over n points y (n x dims, row-major).  This function can't fail. */
void sptree_build(SpTree *t, const double *y, size_t n);
/* The points in leaf order (n indices). */
const unsigned *sptree_order(const SpTree *t);
/* The repulsive (negative) t-SNE force on point i of the built tree, with t-SNE's
 * Student t kernel w(d2) = (dof / (dof + d2))^((dof + 1) / 2), dof = max(dims - 1, 1):
 * neg[0..dims) = sum over summary cells of count * w^2 * (p - centre), and *sumq
 * gets sum of count * w.  A cell summarises when it is a leaf or its squared
 * width / squared distance < theta^2; the leaf holding point i itself (with its
 * duplicates within SPTREE_EPS) is skipped.  Cells keep float32 centres and,
 * up to 2-D, each summary is computed in float (sums in double): exact to
 * about 1e-7 relative.  This function can't fail. */
void sptree_repulsion(const SpTree *t, size_t i, double theta, double *neg, double *sumq);
/* sptree_repulsion for the points ord[a..b) of sptree_order(), b - a <= SPTREE_GROUP,
 * nearby points: one walk of the tree for them all (32 points a time with AVX-512,
 * 8 with AVX2, else one point at a time; SV_SPTREE_LANES=8 or 1 caps it), each
 * point visiting, summarising and opening the cells it does in sptree_repulsion
 * and adding the same terms in the same order (the same results):
 * neg[ord[i] * dims ..] gets point ord[i]'s force, sumq[i - a] its sum of q.
 * This function can't fail. */
void sptree_repulsion_group(const SpTree *t, size_t a, size_t b, double theta, double *neg,
    double *sumq);
/* NULL is a no-op. */
void del_sptree(SpTree *t);

#endif
