/* unit test for src/lib/core/pool.c: every block runs exactly once, on a thread id
 * in range, for any thread count (0, 1, a few, more than blocks, beyond POOL_MAX)
 * and any number of blocks (0 included); the same when the parked workers are
 * busy: a pool_run from inside a block, and two threads calling pool_run at
 * once.  "not ok N what" per failure; exit 1 on any. */
#include <pthread.h>
#include <stdlib.h>

#include "core/pool.h"
#include "core/util.h"
#include "../unit.h"

typedef struct Count {
	int *runs;       /* per block */
	int maxtid, nt;  /* the largest thread id seen; the threads that may run */
	int badtid;
} Count;

static void
block(void *arg, size_t b, int tid)
{
	Count *c = arg;

	__atomic_fetch_add(&c->runs[b], 1, __ATOMIC_RELAXED);
	if (tid < 0 || tid >= c->nt)
		__atomic_store_n(&c->badtid, 1, __ATOMIC_RELAXED);
	if (tid > __atomic_load_n(&c->maxtid, __ATOMIC_RELAXED))
		__atomic_store_n(&c->maxtid, tid, __ATOMIC_RELAXED);
}

/* pool_run(nt, nb) with a fresh count: 1 when every block ran once on a thread
 * id in range */
static int
run_count(int nt, size_t nb)
{
	Count c = { ecalloc(nb ? nb : 1, sizeof(int)), 0, nt, 0 };
	size_t b;
	int once = !c.badtid;

	pool_run(nt, nb, block, &c);
	for (b = 0; b < nb; b++)
		once &= c.runs[b] == 1;
	free(c.runs);
	return once && !c.badtid;
}

static void
nested(void *arg, size_t b, int tid)
{
	if (!run_count(3, 50 + b))
		__atomic_store_n((int *)arg, 1, __ATOMIC_RELAXED);
}

static void *
caller(void *arg)
{
	int i;

	for (i = 0; i < 200; i++)
		if (!run_count(1 + i % 4, (size_t)(i % 37)))
			__atomic_store_n((int *)arg, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* nested and concurrent calls */
static void
busy_pool(void)
{
	pthread_t th;
	int bad = 0, bad2 = 0, i;

	pool_run(2, 10, nested, &bad);
	check(!bad, "pool_run inside a block: every block once");
	check(!pthread_create(&th, NULL, caller, &bad2), "a second caller started");
	caller(&bad);
	pthread_join(th, NULL);
	check(!bad && !bad2, "two threads calling pool_run at once: every block once");
	for (i = 0, bad = 0; i < 500; i++) /* growing and shrinking thread counts */
		bad |= !run_count(1 + (i * 7) % 9, (size_t)(i % 13));
	check(!bad, "500 calls of 1 to 9 threads: every block once");
}

int
main(int argc, char **argv)
{
	static const int threads[] = { 0, 1, 2, 3, 8, POOL_MAX + 44 };
	static const size_t blocks[] = { 0, 1, 2, 7, 100, 5000 };
	size_t i, j, b;
	Count c;
	int once;

	util_init(argc, argv);
	for (i = 0; i < sizeof threads / sizeof *threads; i++)
		for (j = 0; j < sizeof blocks / sizeof *blocks; j++) {
			c = (Count){ ecalloc(blocks[j], sizeof(int)), 0, 0, 0 };
			c.nt = threads[i] < 1 ? 1 : threads[i] > POOL_MAX ? POOL_MAX : threads[i];
			pool_run(threads[i], blocks[j], block, &c);
			for (once = 1, b = 0; b < blocks[j]; b++)
				once &= c.runs[b] == 1;
			check(once, "%d threads, %zu blocks: every block once", threads[i], blocks[j]);
			check(!c.badtid, "%d threads, %zu blocks: thread ids in range", threads[i], blocks[j]);
			check(blocks[j] == 0 || (size_t)c.maxtid < blocks[j],
			    "%d threads, %zu blocks: no more threads than blocks", threads[i], blocks[j]);
			free(c.runs);
		}
	busy_pool();
	return unit_done();
}
