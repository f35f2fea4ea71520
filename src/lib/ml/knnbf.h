/* knnbf.h — the cosine candidates of the exact kNN (knn.h) by bfloat16 dot
 * products, on CPUs with AVX-512 BF16 (vdpbf16ps does twice the multiply-adds of
 * a float32 FMA a cycle, so this scan is about twice as fast as the sgemm).
 *
 *	KnnBf *bf = new_knnbf(ref, n, d);      // NULL: no AVX-512 BF16, use the sgemm
 *	KnnBfWork *w = new_knnbf_work(bf, KNN_QBLOCK, k);
 *	knnbf_run(bf, w, q, nb, k, exclude);   // nb <= the work's block
 *	m = knnbf_cand(w, i, &idx);            // query i's candidates, or KNNBF_FULL
 *	del_knnbf_work(w), del_knnbf(bf);
 *
 * The references and queries are normalised, rounded to bfloat16 (8 significant
 * bits) and their dot products summed in float32: each estimate of a cosine is
 * within KNNBF_ERR of the exact one (the bound below).  A query's candidates are
 * every reference whose estimate is at least its k-th best estimate minus twice
 * that bound, so they hold the k nearest references by exact cosine (ties
 * included): knn.c rescores them in double and keeps the k best.  A query whose
 * candidates would exceed KNNBF_MAX (a zero vector, many near-duplicates) is
 * reported full: the caller searches it with the sgemm. */
#ifndef SV_KNNBF_H
#define SV_KNNBF_H
#include <stddef.h>

/* Bound on |estimate - cosine| for unit vectors: the bfloat16 roundings of x and y
 * (2 x 2^-8 relative on each product, |x||y| summing to at most 1), the float32
 * sums (d 2^-24, d < 2^12) and the normalisations, rounded up. */
#define KNNBF_ERR (1.0 / 128 + 1.0 / 2048)
#define KNNBF_MAX 4096     /* candidates per query before it is reported full */
#define KNNBF_FULL ((size_t)-1)

typedef struct KnnBf KnnBf;
typedef struct KnnBfWork KnnBfWork;

/* The packed bfloat16 copy of n unit-normalised references of dimension d, or NULL
 * when the CPU has no AVX-512 BF16 (or n or d is 0, or d > 4096).  Exits only when
 * memory runs out. */
KnnBf *new_knnbf(const float *ref, size_t n, size_t d);
/* Scratch for blocks of up to qblock queries and k neighbours (one per thread). */
KnnBfWork *new_knnbf_work(const KnnBf *bf, size_t qblock, size_t k);
/* The candidates of nb queries (rows of q): exclude[i] (when exclude is not NULL)
 * is never one of query i's.  This function can't fail. */
void knnbf_run(const KnnBf *bf, KnnBfWork *w, const float *q, size_t nb, size_t k,
    const long *exclude);
/* Query i's candidates (reference indices, in no order) in *idx and their number, or
 * KNNBF_FULL when there were too many.  This function can't fail. */
size_t knnbf_cand(const KnnBfWork *w, size_t i, const long **idx);
/* NULL is a no-op. */
void del_knnbf_work(KnnBfWork *w);
void del_knnbf(KnnBf *bf);

#endif
