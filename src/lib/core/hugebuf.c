/* hugebuf.c — large buffers on transparent huge pages (see hugebuf.h). */
#include "core/hugebuf.h"
#include "core/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

void *
hugebuf_alloc(size_t n, size_t m)
{
	size_t bytes;
	void *p;
	int e;

	if (m && n > SIZE_MAX / m) {
		errno = ENOMEM;
		return NULL;
	}
	bytes = n * m;
	if (!bytes)
		bytes = 1;
	if (bytes < HUGEBUF_MIN)
		return malloc(bytes);
	if (bytes > SIZE_MAX - HUGEBUF_PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	bytes = (bytes + HUGEBUF_PAGE - 1) & ~(HUGEBUF_PAGE - 1);
	if ((e = posix_memalign(&p, HUGEBUF_PAGE, bytes))) {
		errno = e;
		return NULL;
	}
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE); /* a hint: may fail (no THP), still a buffer */
#endif
	return p;
}

void *
ehugebuf(size_t n, size_t m)
{
	void *p = hugebuf_alloc(n, m);

	if (!p)
		eprintf("out of memory (%zu x %zu bytes)", n, m);
	return p;
}
