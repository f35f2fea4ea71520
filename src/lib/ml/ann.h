/* ann.h — the opt-in approximate index of knn -a, for collections of a million
 * songs and more: hnswlib's HNSW graph (annhnsw.h), whose candidates are rescored
 * exactly by the engine (knn.h), so the scores are the exact search's and only the
 * set can miss true neighbours.
 *
 *	Ann *a = new_ann("hnsw", kn, ref, nthreads, seed, verbose);
 *	ann_query(a, q, nq, k, exclude, idx, score);   // as knn_query
 *	del_ann(a);
 *
 * The spec is hnsw[:M[:EF]]: M links per song (default 16), EF candidates per query
 * (default 96, at least k + 1); ef_construction 100.  Cosine searches the inner
 * product of normalised copies.  Built on nthreads threads (with more than one the
 * graph depends on the insertion order the threads take, so the rare misses can
 * differ between runs); queries are searched in parallel too. */
#ifndef SV_ANN_H
#define SV_ANN_H
#include <stddef.h>
#include <stdint.h>

#include "ml/knn.h"

typedef struct Ann Ann;

/* Build the index of the engine's references (ref: the same n x d rows).  NULL
 * after a message (a bad spec, hnswlib's error).  kn must outlive the index. */
Ann *new_ann(const char *spec, const Knn *kn, const float *ref, int nthreads, uint64_t seed,
    int verbose);
/* As knn_query (exclude, padding with -1 / NaN when fewer are found), scores exact.
 * Returns 0, or -1 after a message (hnswlib's error). */
int ann_query(const Ann *a, const float *q, size_t nq, size_t k, const long *exclude,
    long *idx, float *score);
void del_ann(Ann *a);

#endif
