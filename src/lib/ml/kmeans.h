/* kmeans.h — k-means (Lloyd) as scikit-learn 1.2.1 KMeans(algorithm='lloyd').
 *
 *	KMeansOpt o; kmeans_defaults(&o); o.k = 8;
 *	KMeans *km = new_kmeans(x, n, d, &o);   // x is centred in place (see below)
 *	kmeans_do(km);                          // n_init runs, keeps the best
 *	... km->centers (k x d, original coordinates), km->labels, km->inertia ...
 *	del_kmeans(km);
 *
 * What is replicated from scikit-learn 1.2.1 (sklearn/cluster/_kmeans.py,
 * _k_means_lloyd.pyx, _k_means_common.pyx):
 *  - the data are centred on their column means, computed like numpy's float32
 *    X.mean(axis=0) (sequential float32 sums, divided in float32); the centres are
 *    moved back at the end.  new_kmeans() centres x IN PLACE (no copy); the caller
 *    may use km->mean to restore it.
 *  - tol is relative: tol * mean of the per-feature variances.
 *  - k-means++ is the greedy variant: first centre uniform, then for each further
 *    centre 2 + floor(ln k) candidates drawn with probability proportional to the
 *    squared distance to the nearest chosen centre; the candidate giving the
 *    smallest potential wins.  "random" picks k distinct points.
 *  - Lloyd iteration: squared distances as ||c||^2 - 2 x.c in float32 (the
 *    ||x||^2 term does not change the argmin), first minimum wins; centres are
 *    means of their points; empty clusters are relocated to the points farthest
 *    from their centre (ties: lower index first), no relocation when every point
 *    sits on its centre (duplicates); convergence when the labels do not change
 *    (strict) or when the sum of squared centre shifts <= tol, then a final
 *    assignment step; inertia = sum of squared distances to the assigned centre.
 *  - best run: the lowest inertia (the first one on ties).
 * Differences: centre sums and inertia are accumulated in double (scikit-learn:
 * float32; the sums are updated by the rows that change cluster, not recomputed), and the random numbers come from the project's generator (core/rng.h), so
 * seeds do not give numpy's choices.  Results are bitwise identical for any
 * thread count: the data are cut into fixed blocks whose partial sums are added
 * in block order.
 * Speed: x.c comes from an own kernel (AVX-512, AVX2+FMA or fmaf, picked at run
 * time; SV_KMEANS_ISA=avx2|generic caps it) in which each dot product is one
 * sequential fma chain over the features, so the bits do not depend on the ISA or
 * on the other columns; the runs of a batch (up to d/4 runs, 256 centres) iterate
 * in lockstep, one pass over the data per iteration for all runs still going, and
 * a run gives the same result alone as in a batch. */
#ifndef SV_KMEANS_H
#define SV_KMEANS_H
#include <stddef.h>
#include <stdint.h>

#include "core/progress.h"

enum { KM_PLUSPLUS, KM_RANDOM, KM_GIVEN };

typedef struct KMeansOpt {
	size_t k;            /* clusters (5) */
	int n_init;          /* runs (10; 1 with KM_GIVEN) */
	int max_iter;        /* per run (100) */
	double tol;          /* relative tolerance (1e-4) */
	int init;            /* KM_PLUSPLUS, KM_RANDOM or KM_GIVEN */
	const float *init_centers; /* k x d, original coordinates, for KM_GIVEN */
	uint64_t seed;       /* (0) */
	int nthreads;        /* worker threads (1) */
	int verbose;         /* per-run lines on stderr */
	const float *premean; /* non-NULL: x is already centred on these d means
	                       * (a previous KMeans's mean, e.g. elbow's next k) */
	Progress *progress;  /* NULL: the runs and their iterations as a progress line
	                      * of their own; else shown as a part of this one */
} KMeansOpt;

typedef struct KMeans {
	KMeansOpt o;
	size_t n, d, k;
	float *x;            /* the caller's data, centred in place */
	float *mean;         /* d column means subtracted from x */
	float *centers;      /* k x d best centres, original coordinates */
	float *ccenters;     /* the same, centred like x */
	int *labels;         /* n */
	double inertia;      /* of the best run */
	int n_iter;          /* iterations of the best run */
	int best_run;        /* 0-based */
	size_t distinct;     /* distinct labels of the best run */
	struct KMeansFit *priv; /* kmeans.c's own */
} KMeans;

/* The defaults above.  This function can't fail. */
void kmeans_defaults(KMeansOpt *o);
/* Threads for -j nt: o->nthreads workers over row blocks, nt or, for 0, blas.h's
 * automatic count (OPENBLAS_NUM_THREADS, 1 under GNU parallel, one per core).
 * OpenBLAS itself is left on one thread: the workers are the parallelism (the fit
 * uses its own kernel; elbow's silhouette calls OpenBLAS from each worker).  Under
 * o->verbose, the BLAS set-up on stderr.  Returns the worker count. */
int kmeans_threads(KMeansOpt *o, int nt);
/* -i NAME: "kmeans++" (or "k-means++") or "random"; -1 after a message otherwise. */
int kmeans_parse_init(KMeansOpt *o, const char *name);
/* The fit's set-up (centres x in place); exits only when memory runs out. */
KMeans *new_kmeans(float *x, size_t n, size_t d, const KMeansOpt *o);
/* n_init runs, the best kept; progress (runs done, the iterations of the runs
 * going) on stderr, see o->progress.  Exits only when memory runs out. */
void kmeans_do(KMeans *km);
/* NULL is a no-op. */
void del_kmeans(KMeans *km);

/* Assign rows to the nearest of k centres (any coordinates, nothing centred):
 * label by the float32 rule of the fit (as sklearn predict), dist = exact
 * Euclidean distance to that centre (double arithmetic), conf = 1 - dist/d2 with
 * d2 the distance to the nearest other centre, clipped to [0, 1] (0 when d2 = 0,
 * 1 when k = 1).  Any output pointer may be NULL. */
void kmeans_assign(const float *x, size_t n, size_t d, const float *c, size_t k, int nthreads,
    int *label, float *dist, float *conf);

/* kmeans_assign() for given labels: only dist and conf. */
void kmeans_measure(const float *x, size_t n, size_t d, const float *c, size_t k, int nthreads,
    const int *label, float *dist, float *conf);

#endif
