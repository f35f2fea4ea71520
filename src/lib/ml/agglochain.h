/* agglochain.h — the merges of agglomerative clustering in the order the
 * algorithms find them, before agglo.c sorts and renumbers them (agglochain.c):
 * scipy's nearest-neighbour chain (nn_chain) over ward centroids or over a
 * condensed distance matrix (complete, average), sklearn's Prim
 * (mst_linkage_core) for single linkage.  Rows are n x d doubles.  Each merge is
 * (a, b, distance) in record indices: for the chain, the merged cluster keeps the
 * index b (a < b), as in scipy.  Ward and Prim screen candidates on 16-bit copies
 * (aggloscreen.h) and compute in double those that can still win. */
#ifndef SV_AGGLOCHAIN_H
#define SV_AGGLOCHAIN_H
#include <stddef.h>

#include "core/progress.h"
#include "ml/agglo.h"

/* These cannot fail (memory aside: they exit when it runs out). */
void agglochain_ward(const double *x, size_t n, size_t d, Progress *p, AggloMerge *z);
void agglochain_mst(const double *x, size_t n, size_t d, Progress *p, AggloMerge *z);
/* complete or average linkage; -1 after a message naming `name` when the matrix
 * does not fit in memory */
int agglochain_matrix(const double *x, size_t n, size_t d, int linkage, int nthreads,
    const char *name, Progress *p, AggloMerge *z);

#endif
