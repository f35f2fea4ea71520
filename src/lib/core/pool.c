/* pool.c — fork/join over blocks (see pool.h).
 *
 * The worker threads are created once, by the first pool_run that needs them, and
 * park on a condition variable between calls (a gmm fit makes some 70 calls; a
 * thread created and joined for each cost more than many of the calls' work).  A
 * call posts its job (a new generation), runs blocks as thread 0 and waits until
 * every worker of the job has left it.  One job at a time: a call made while the
 * pool is busy (from a block, or from another thread) runs on threads of its own,
 * created and joined as before.  The parked workers end with the process (no
 * fork without exec follows a pool_run in songvec). */
#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct Job {
	void (*fn)(void *, size_t, int);
	void *arg;
	size_t nblocks;
	atomic_size_t next;
	int nt; /* the threads of the job: the caller and workers 1 .. nt - 1 */
} Job;

/* the parked workers; job, gen and active under mu */
static struct {
	pthread_mutex_t busy; /* held by the call that owns the workers */
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	Job *job;             /* read only by the workers of the job (tid < jobnt) */
	int jobnt;
	unsigned long gen;
	int active;           /* workers still in the job */
	int nworkers;         /* started: tids 1 .. nworkers */
	struct Worker {
		int tid;
		unsigned long gen; /* the generation when it was created */
	} w[POOL_MAX];
} P = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	PTHREAD_COND_INITIALIZER, NULL, 0, 0, 0, 0, { { 0, 0 } } };

/* the blocks of j, in order, to whichever thread asks.  This function can't fail. */
static void
job_blocks(Job *j, int tid)
{
	size_t b;

	while ((b = atomic_fetch_add(&j->next, 1)) < j->nblocks)
		j->fn(j->arg, b, tid);
}

/* A parked worker: each new job whose threads include it.  Never returns. */
static void *
parked_worker(void *a)
{
	const struct Worker *w = a;
	int tid = w->tid;
	unsigned long seen = w->gen;
	Job *j;

	pthread_mutex_lock(&P.mu);
	for (;;) {
		while (P.gen == seen)
			pthread_cond_wait(&P.work, &P.mu);
		seen = P.gen;
		if (tid >= P.jobnt) /* not in this job (which may be over) */
			continue;
		j = P.job;
		pthread_mutex_unlock(&P.mu);
		job_blocks(j, tid);
		pthread_mutex_lock(&P.mu);
		if (--P.active == 0)
			pthread_cond_signal(&P.done);
	}
	return NULL;
}

/* Workers 1 .. nt - 1 started (with P.busy held); returns the threads available,
 * the caller included: nt, or fewer if a thread could not be started.  This
 * function can't fail. */
static int
pool_grow(int nt)
{
	pthread_t th;
	pthread_attr_t at;

	if (P.nworkers >= nt - 1 || pthread_attr_init(&at))
		return P.nworkers + 1 < nt ? P.nworkers + 1 : nt;
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	while (P.nworkers < nt - 1) {
		/* it waits for the next generation (only P.busy's holder changes P.gen) */
		P.w[P.nworkers + 1] = (struct Worker){ P.nworkers + 1, P.gen };
		if (pthread_create(&th, &at, parked_worker, &P.w[P.nworkers + 1]))
			break;
		P.nworkers++;
	}
	pthread_attr_destroy(&at);
	return P.nworkers + 1 < nt ? P.nworkers + 1 : nt;
}

/* j on the parked workers (P.busy held).  This function can't fail. */
static void
run_parked(Job *j)
{
	j->nt = pool_grow(j->nt);
	if (j->nt > 1) {
		pthread_mutex_lock(&P.mu);
		P.job = j;
		P.jobnt = j->nt;
		P.active = j->nt - 1;
		P.gen++;
		pthread_cond_broadcast(&P.work);
		pthread_mutex_unlock(&P.mu);
	}
	job_blocks(j, 0);
	if (j->nt > 1) {
		pthread_mutex_lock(&P.mu);
		while (P.active)
			pthread_cond_wait(&P.done, &P.mu);
		P.job = NULL;
		P.jobnt = 0;
		pthread_mutex_unlock(&P.mu);
	}
}

typedef struct Own {
	Job *j;
	int tid;
} Own;

static void *
own_worker(void *a)
{
	Own *o = a;

	job_blocks(o->j, o->tid);
	return NULL;
}

/* j on threads created for it and joined (the pool is busy).  This function can't
 * fail: a thread that does not start leaves its blocks to the others. */
static void
run_own(Job *j)
{
	pthread_t th[POOL_MAX];
	Own o[POOL_MAX];
	int started[POOL_MAX], i;

	for (i = 1; i < j->nt; i++) {
		o[i] = (Own){ j, i };
		started[i] = !pthread_create(&th[i], NULL, own_worker, &o[i]);
	}
	job_blocks(j, 0);
	for (i = 1; i < j->nt; i++)
		if (started[i])
			pthread_join(th[i], NULL);
}

/* This function can't fail: a thread that does not start leaves its blocks to the
 * others (at worst the caller runs them all). */
void
pool_run(int nthreads, size_t nblocks, void (*fn)(void *, size_t, int), void *arg)
{
	Job j;
	int nt;
	size_t b;

	nt = nthreads < 1 ? 1 : nthreads > POOL_MAX ? POOL_MAX : nthreads;
	if ((size_t)nt > nblocks)
		nt = (int)nblocks;
	if (nt <= 1) {
		for (b = 0; b < nblocks; b++)
			fn(arg, b, 0);
		return;
	}
	j.fn = fn, j.arg = arg, j.nblocks = nblocks, j.nt = nt;
	atomic_init(&j.next, 0);
	if (pthread_mutex_trylock(&P.busy)) {
		run_own(&j);
		return;
	}
	run_parked(&j);
	pthread_mutex_unlock(&P.busy);
}
