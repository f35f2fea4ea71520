/* ann.h — the opt-in approximate index of knn -a, for collections of a million
 * songs and more: faiss's IVF-Flat (annfaiss.h), whose candidates are rescored
 * exactly by the engine (knn.h), so the scores are the exact search's and only
 * the set can miss true neighbours.
 *
 *	Ann *a = new_ann("ivf", kn, ref, n, d, nthreads, seed, verbose);
 *	ann_query(a, q, nq, k, exclude, idx, score);   // as knn_query
 *	del_ann(a);
 *
 * The spec is ivf[:NLIST[:NPROBE]]: NLIST inverted lists (default 4 sqrt(n), at
 * most n / 39 so that each list has faiss's minimum of training points), NPROBE of
 * them visited per query (default 2 sqrt(NLIST) ... see knn(1) for the recall it
 * gives).  The coarse quantizer is trained by faiss's k-means on at most 64 points
 * per list (seeded: the same index for the same seed). */
#ifndef SV_ANN_H
#define SV_ANN_H
#include <stddef.h>
#include <stdint.h>

#include "ml/knn.h"

typedef struct Ann Ann;

/* Build the index of the engine's references (ref: the same n x d rows).  NULL
 * after a message (a bad spec, faiss's error).  kn must outlive the index. */
Ann *new_ann(const char *spec, const Knn *kn, const float *ref, int nthreads, uint64_t seed,
    int verbose);
/* As knn_query (exclude, padding with -1 / NaN when fewer are found), scores exact.
 * Returns 0, or -1 after a message (faiss's error). */
int ann_query(const Ann *a, const float *q, size_t nq, size_t k, const long *exclude,
    long *idx, float *score);
void del_ann(Ann *a);

#endif
