/* annfaiss.h — a C interface to the few faiss calls knn -a needs (annfaiss.cc, C++:
 * Debian's libfaiss.a ships the headers of faiss's C API without its
 * implementation).  Every function catches faiss's exceptions: on error it returns
 * NULL or -1 with faiss's message in err. */
#ifndef SV_ANNFAISS_H
#define SV_ANNFAISS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An IVF-Flat index of n vectors (inner product when ip, else squared L2) with nlist
 * lists, its coarse quantizer trained by faiss's k-means (seeded) on at most
 * per_list points per list. */
void *annfaiss_new_ivf(const float *x, size_t n, size_t d, int ip, size_t nlist,
    size_t per_list, uint64_t seed, int nthreads, char *err, size_t errlen);
/* The k best of nq queries: faiss's labels (-1 when fewer) and distances. */
int annfaiss_search(void *ix, const float *q, size_t nq, size_t k, size_t nprobe,
    int64_t *labels, float *dist, char *err, size_t errlen);
void annfaiss_free(void *ix);

#ifdef __cplusplus
}
#endif
#endif
