/* hugebuf.h — large buffers on transparent huge pages (hugebuf.c).
 *
 * A buffer of HUGEBUF_MIN bytes or more is 2 MiB aligned, rounded up to whole
 * 2 MiB pages and madvise(MADV_HUGEPAGE)d (Linux THP in "madvise" mode): its first
 * touch costs a page fault per 2 MiB instead of one per 4 KiB, and its TLB misses
 * fewer.  Smaller ones come from malloc.  Either kind is freed with free() and
 * may be given to realloc().
 *
 *	float *x = ehugebuf(n, d * sizeof(float));   // uninitialised
 *	...
 *	free(x); */
#ifndef SV_HUGEBUF_H
#define SV_HUGEBUF_H
#include <stddef.h>

#define HUGEBUF_PAGE ((size_t)2 << 20)
#define HUGEBUF_MIN ((size_t)1 << 20) /* below: malloc (a huge page would be half empty) */

/* n x m bytes, uninitialised; NULL when the product overflows or memory runs out
 * (errno set).  Cannot fail otherwise. */
void *hugebuf_alloc(size_t n, size_t m);
/* hugebuf_alloc, exiting with "out of memory (N x M bytes)" instead of NULL. */
void *ehugebuf(size_t n, size_t m);

#endif
