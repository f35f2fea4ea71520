/* annhnsw.h — a C interface to the few hnswlib calls knn -a needs (annhnsw.cc, C++
 * over Debian's header-only libhnswlib-dev).  Every function catches hnswlib's
 * exceptions: on error it returns NULL or -1 with the message in err. */
#ifndef SV_ANNHNSW_H
#define SV_ANNHNSW_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An empty HNSW graph for n vectors of dimension d (inner product when ip, else
 * squared L2), M links per node, ef_construction candidates per insertion. */
void *annhnsw_new(size_t n, size_t d, int ip, size_t m, size_t efc, uint64_t seed,
    char *err, size_t errlen);
/* Insert vectors first..last-1 of x (labels = their indices); safe to call from
 * several threads at once for different ranges. */
int annhnsw_add(void *ix, const float *x, size_t first, size_t last, char *err, size_t errlen);
/* Candidates searched per query (set before searching). */
void annhnsw_set_ef(void *ix, size_t ef);
/* The k nearest labels found for query q, nearest first (fewer when the graph has
 * fewer: the rest -1).  Safe from several threads at once. */
int annhnsw_search(const void *ix, const float *q, size_t k, int64_t *labels, char *err,
    size_t errlen);
void annhnsw_free(void *ix);

#ifdef __cplusplus
}
#endif
#endif
