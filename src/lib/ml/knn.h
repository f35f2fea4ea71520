/* knn.h — exact nearest neighbours: the engine behind knn(1), DBSCAN and UMAP's
 * neighbour graph.
 *
 *	Knn *kn = new_knn(ref, n, d, KNN_COSINE, nthreads);
 *	knn_query(kn, q, nq, k, exclude, idx, score);    // k best per query
 *	knn_range(kn, q, nq, eps, fn, ctx);              // every reference within eps
 *	del_knn(kn);
 *
 * Method: scores of a block of queries against a block of references in one sgemm
 * (OpenBLAS, on the calling thread), then a streaming top-k per query; memory is
 * bounded by a block of queries x a block of references (KNN_QBLOCK x KNN_RBLOCK
 * floats per thread), never queries x references.  Query blocks run on the
 * threads of core/pool.h; results do not depend on the thread count.
 *
 * Metrics and scores (the score is what the caller gets back):
 *   KNN_COSINE     cosine similarity of the L2-normalised vectors (sklearn's
 *                  normalize + dot: a zero vector has similarity 0 with everything);
 *                  larger is nearer.
 *   KNN_INNER      the inner product; larger is nearer.
 *   KNN_EUCLIDEAN  the Euclidean distance; smaller is nearer.  Candidates are
 *                  ranked by ||y||^2 - 2 x.y (the sgemm), then the distances of
 *                  the kept ones (k <= KNN_MAXK_EXACT) and of range candidates are
 *                  recomputed from the coordinates in double, so small distances do
 *                  not suffer the cancellation of the sgemm form.
 * Ties are broken by reference order (the lower index first), so results are
 * deterministic. */
#ifndef SV_KNN_H
#define SV_KNN_H
#include <stddef.h>

enum { KNN_COSINE, KNN_INNER, KNN_EUCLIDEAN };

#define KNN_QBLOCK 256
#define KNN_RBLOCK 2048
#define KNN_MAXK_EXACT 4096  /* Euclidean distances of up to this k are exact */

typedef struct Knn Knn;

/* Prepare n references of dimension d (copied; normalised for cosine).  The metric
 * is one of KNN_*.  Exits only when memory runs out. */
Knn *new_knn(const float *ref, size_t n, size_t d, int metric, int nthreads);
/* The metric named s ("cosine", "inner" or "ip", "euclidean"), or -1. */
int knn_metric(const char *s);
size_t knn_size(const Knn *kn);

/* For each of nq queries (rows of q, nq x d), the k nearest references, nearest
 * first: idx[i*k + j] and score[i*k + j].  exclude[i] (when exclude is not NULL) is
 * a reference index never returned for query i (the query itself), or -1.  When
 * fewer than k references qualify, the rest of the row is idx -1 and score NaN.
 * This function can't fail. */
void knn_query(const Knn *kn, const float *q, size_t nq, size_t k, const long *exclude,
    long *idx, float *score);

/* Called once per query, in query order, with the references within eps (score >=
 * eps for cosine and inner product, distance <= eps for Euclidean), in reference
 * order, and their scores.  A non-zero return stops knn_range. */
typedef int (*KnnRangeFn)(void *ctx, size_t query, const long *idx, const float *score,
    size_t n);
/* Range queries.  Returns 0, or what fn returned to stop it. */
int knn_range(const Knn *kn, const float *q, size_t nq, double eps, KnnRangeFn fn, void *ctx);

/* NULL is a no-op. */
void del_knn(Knn *kn);

#endif
