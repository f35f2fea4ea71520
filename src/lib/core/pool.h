/* pool.h — the one fork/join: run fn(arg, b, tid) for the blocks b = 0..nblocks-1
 * on up to nthreads threads (the caller is thread 0; tid in [0, nthreads)).
 * Blocks are taken in order by whichever thread is free, so results must not depend
 * on which thread ran a block (keep per-block partial results, combine them in block
 * order).  A thread that cannot be started is no error: the threads that run take
 * its blocks.  Threads are capped at POOL_MAX.
 *
 *	pool_run(nt, nblocks, fn, arg);        // returns when every block is done */
#ifndef SV_POOL_H
#define SV_POOL_H
#include <stddef.h>

#define POOL_MAX 256

/* This function can't fail. */
void pool_run(int nthreads, size_t nblocks, void (*fn)(void *arg, size_t b, int tid), void *arg);

#endif
