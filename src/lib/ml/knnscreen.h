/* knnscreen.h — which blocks of points can hold a pair within a radius: the screen
 * of knn_pairs (knn.h), so that its sgemm runs only on the blocks that can.
 *
 *	KnnScreen *s = new_knnscreen(y, n, d, radius, nthreads, 0);  // NULL: no gain
 *	leaf A: points s->perm[s->lo[A] .. s->lo[A + 1]);
 *	its partners B >= A: s->near[s->off[A] .. s->off[A + 1]) (ascending, A first)
 *	del_knnscreen(s);
 *
 * The points are grouped into cells by a few rounds of k-means on a sample (a fixed
 * seed; about 64 points a cell, at most 1024 cells), the cells cut into leaves of
 * at most 256 points (more when n passes 768 000, so that the leaves stay within
 * KNNSCREEN_MAXLEAVES).  Two leaves A, B with centroids cA, cB hold no pair
 * within the radius when
 *	(min_{y in B} w.y - max_{x in A} w.x) / ||w|| > radius,  w = cB - cA
 * (||x - y|| >= w.(y - x) / ||w||); the products come from an sgemm whose rounding
 * is bounded (d 2^-24 of the norms) and taken off the left side, and y may be one
 * float rounding away from the exact points (each coordinate within 2^-24 of its
 * own size: a centred or normalised copy): that too is taken off.  So a pair at a
 * distance <= radius always lies in a pair of partner leaves; how the points fall
 * into leaves changes only the speed.  A sample of the points first estimates the
 * share of the pairs the partners would hold; above half, no screen.  Memory: a
 * copy of the points in leaf order, the leaves' centroids, a leaf x leaf matrix of
 * floats and the partner lists (each at most KNNSCREEN_MAXLEAVES squared). */
#ifndef SV_KNNSCREEN_H
#define SV_KNNSCREEN_H
#include <stddef.h>

#define KNNSCREEN_MIN 4096       /* fewer points: no screen (unless forced) */
#define KNNSCREEN_MAXLEAVES 4096 /* more leaves would be needed: no screen */

typedef struct KnnScreen {
	size_t n, nl;
	size_t *perm;   /* the points leaf by leaf */
	size_t *lo;     /* nl + 1 leaf bounds into perm */
	size_t *off;    /* nl + 1 bounds into near */
	size_t *near;   /* per leaf its partners B >= A */
	double work;    /* pairs of points in partner leaves, over n (n - 1) / 2 */
} KnnScreen;

/* The screen of the n points y (n x d, finite) for pairs within radius (>= 0), or
 * NULL when it would not pay: fewer than KNNSCREEN_MIN points (force: any n >= 2),
 * or the partners would hold more than half the pairs (by the sample or in fact;
 * not when forced), or coordinates beyond 1e15, or more than 3 million points.  The sgemms run on
 * nthreads threads of core/pool.h.  Exits only when memory runs out. */
KnnScreen *new_knnscreen(const float *y, size_t n, size_t d, double radius, int nthreads,
    int force);
/* NULL is a no-op. */
void del_knnscreen(KnnScreen *s);

#endif
