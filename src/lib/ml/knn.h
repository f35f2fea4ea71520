/* knn.h — exact nearest neighbours: the engine behind knn(1), DBSCAN and UMAP's
 * neighbour graph.
 *
 *	Knn *kn = new_knn(ref, n, d, KNN_COSINE, nthreads);
 *	knn_query(kn, q, nq, k, exclude, idx, score);    // k best per query
 *	knn_range(kn, q, nq, eps, fn, ctx);              // every reference within eps
 *	del_knn(kn);
 *
 * Method: raw inner products of a block of queries against a block of references
 * in one sgemm (OpenBLAS, on the calling thread: set OpenBLAS to one thread with
 * blas_threads(1), the parallelism is over query blocks), then a streaming top-k
 * per query; memory is bounded by a block of queries x a block of references
 * (KNN_QBLOCK x KNN_RBLOCK floats per thread), never queries x references.  Query
 * blocks run on the threads of core/pool.h; results do not depend on the thread
 * count.  Under cosine, on CPUs with AVX-512 BF16, bfloat16 products of normalised
 * copies choose the candidates instead of the sgemm (knnbf.h: twice as fast, a
 * superset of the k nearest by an error bound, all rescored in double: the k best
 * by the double scores, where the sgemm could swap two within float32 rounding).
 *
 * Metrics and scores (the score is what the caller gets back):
 *   KNN_COSINE     cosine similarity x.y / (||x|| ||y||) (sklearn's normalize + dot:
 *                  a zero vector has similarity 0 with everything); larger is nearer.
 *   KNN_INNER      the inner product; larger is nearer.
 *   KNN_EUCLIDEAN  the Euclidean distance; smaller is nearer.
 * The float32 sgemm ranks the candidates (cosine by s / ||y||, Euclidean by
 * s - ||y||^2 / 2); the scores of the k kept are then recomputed in double from the
 * coordinates (knn_score: no cancellation for small distances, no float32 rounding)
 * and the list sorted by them.  Ties are broken by reference order (the lower index
 * first), so results are deterministic. */
#ifndef SV_KNN_H
#define SV_KNN_H
#include <stddef.h>

enum { KNN_COSINE, KNN_INNER, KNN_EUCLIDEAN };

#ifndef KNN_QBLOCK
#define KNN_QBLOCK 1024  /* queries per sgemm */
#endif
#ifndef KNN_RBLOCK
#define KNN_RBLOCK 256   /* references per sgemm: its scores stay in L2 for the scan */
#endif

typedef struct Knn Knn;

/* Prepare n references of dimension d (copied; normalised for cosine).  The metric
 * is one of KNN_*.  Exits only when memory runs out. */
Knn *new_knn(const float *ref, size_t n, size_t d, int metric, int nthreads);
/* The metric named s ("cosine", "inner" or "ip", "euclidean"), or -1. */
int knn_metric(const char *s);
/* The name of a metric ("cosine", "inner", "euclidean"). */
const char *knn_metric_name(int metric);
size_t knn_size(const Knn *kn);
size_t knn_dim(const Knn *kn);
int knn_metric_of(const Knn *kn);
/* The first row of x (n x d) whose values are all 0 (no direction: no cosine), or
 * -1.  This function can't fail. */
long knn_zero_row(const float *x, size_t n, size_t d);

/* For each of nq queries (rows of q, nq x d), the k nearest references, nearest
 * first: idx[i*k + j] and score[i*k + j].  exclude[i] (when exclude is not NULL) is
 * a reference index never returned for query i (the query itself), or -1.  When
 * fewer than k references qualify, the rest of the row is idx -1 and score NaN.
 * This function can't fail. */
void knn_query(const Knn *kn, const float *q, size_t nq, size_t k, const long *exclude,
    long *idx, float *score);

/* The score of x (squared norm xsq) against reference r, in double from the
 * coordinates.  This function can't fail. */
double knn_score(const Knn *kn, const float *x, double xsq, size_t r);
/* Sort n results (scores s[], references ix[]) nearer first under the metric,
 * equal scores by reference.  This function can't fail. */
void knn_sort(int metric, double *s, long *ix, size_t n);

/* Called once per query, in query order, with the references within eps (score >=
 * eps for cosine and inner product, distance <= eps for Euclidean), in reference
 * order, and their scores.  Membership is exact (a pair near the boundary is decided
 * on knn_score); the scores of the others are the sgemm's (float32: errors of
 * d * 2^-24 of the norms).  A non-zero return stops knn_range.  Memory: the
 * neighbours of KNN_QBLOCK queries per thread. */
typedef int (*KnnRangeFn)(void *ctx, size_t query, const long *idx, const float *score,
    size_t n);
/* Range queries.  Returns 0, or what fn returned to stop it. */
int knn_range(const Knn *kn, const float *q, size_t nq, double eps, KnnRangeFn fn, void *ctx);

/* Called with blocks of pairs: i[p] < j[p] are references within eps of each other. */
typedef int (*KnnPairFn)(void *ctx, const long *i, const long *j, size_t n);
/* Every pair of references within eps of each other (as knn_range of the references
 * against themselves, without the pairs of a reference with itself), each pair
 * once: half the work of knn_range.  Euclidean and cosine (without zero vectors)
 * from KNNSCREEN_MIN references on, a screen (knnscreen.h) groups the references
 * into leaves of nearby points and proves most pairs of leaves farther apart than
 * eps, so the sgemm runs only on the others (on clustered data a few per cent of
 * the pairs); the membership of a pair is decided as without it (SV_KNN_NOSCREEN
 * turns it off, SV_KNN_SCREEN forces it: tests).  Pairs come in blocks (of
 * reference blocks, or of leaves), in no particular order: the set is the same
 * for any thread count and CPU, the blocks the same for any thread count.  Returns
 * 0, or what fn returned to stop it.  Memory: the pairs of 4 x nthreads blocks of
 * KNN_QBLOCK references; with the screen, a second copy of the references, two
 * more during its set-up, and its leaf x leaf tables (at most 128 MiB). */
int knn_pairs(const Knn *kn, double eps, KnnPairFn fn, void *ctx);

/* NULL is a no-op. */
void del_knn(Knn *kn);

#endif
