/* pool.c — fork/join over blocks (see pool.h). */
#include "core/pool.h"

#include <pthread.h>

typedef struct Pool {
	void (*fn)(void *, size_t, int);
	void *arg;
	size_t nblocks, next;
	pthread_mutex_t mu;
} Pool;

typedef struct PoolThread {
	Pool *p;
	int tid;
} PoolThread;

static void *
pool_worker(void *a)
{
	PoolThread *t = a;
	Pool *p = t->p;
	size_t b;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		b = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (b >= p->nblocks)
			break;
		p->fn(p->arg, b, t->tid);
	}
	return NULL;
}

/* This function can't fail: a thread that does not start leaves its blocks to the
 * others (at worst the caller runs them all). */
void
pool_run(int nthreads, size_t nblocks, void (*fn)(void *, size_t, int), void *arg)
{
	pthread_t th[POOL_MAX];
	PoolThread pt[POOL_MAX];
	int started[POOL_MAX];
	Pool p;
	int i, nt;
	size_t b;

	nt = nthreads < 1 ? 1 : nthreads > POOL_MAX ? POOL_MAX : nthreads;
	if ((size_t)nt > nblocks)
		nt = (int)nblocks;
	if (nt <= 1) {
		for (b = 0; b < nblocks; b++)
			fn(arg, b, 0);
		return;
	}
	p.fn = fn;
	p.arg = arg;
	p.nblocks = nblocks;
	p.next = 0;
	pthread_mutex_init(&p.mu, NULL);
	for (i = 0; i < nt; i++)
		pt[i] = (PoolThread){&p, i};
	for (i = 1; i < nt; i++)
		started[i] = !pthread_create(&th[i], NULL, pool_worker, &pt[i]);
	pool_worker(&pt[0]);
	for (i = 1; i < nt; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
}
