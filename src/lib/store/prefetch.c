/* prefetch.c — a reader thread and a ring of records (see prefetch.h). */
#include "store/prefetch.h"
#include "core/json.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NSLOT 256

/* a record and the capacity of its buffers */
typedef struct Slot {
	PRec rec;
	size_t keycap, valcap, jsoncap;
} Slot;

struct Prefetch {
	VReader *r;
	Slot slot[NSLOT];
	size_t head, tail;   /* produced, consumed (counters; slot = counter % NSLOT) */
	int status;          /* 0 reading, 1 end, -1 error */
	int stop, started, held;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	pthread_t th;
};

/* the current record of r into slot sl, its values as JSON too */
static void
fill(Slot *sl, VReader *r)
{
	PRec *s = &sl->rec;
	size_t kl = strlen(r->key) + 1;

	if (kl > sl->keycap) {
		sl->keycap = kl;
		s->key = erealloc(s->key, kl);
	}
	memcpy(s->key, r->key, kl);
	if (r->n > sl->valcap) {
		sl->valcap = r->n;
		s->val = ereallocarray(s->val, r->n, sizeof(float));
	}
	if (r->n) /* s->val is NULL until a record has values */
		memcpy(s->val, r->val, r->n * sizeof(float));
	s->n = r->n;
	json_reserve(&s->json, &sl->jsoncap, r->n);
	s->jlen = json_floats(s->json, s->val, s->n);
	s->recno = r->recno;
	s->lineno = r->lineno;
}

static void *
reader(void *arg)
{
	Prefetch *p = arg;
	Slot *s;
	int e;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->head - p->tail >= NSLOT && !p->stop)
			pthread_cond_wait(&p->freed, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		s = &p->slot[p->head % NSLOT];
		pthread_mutex_unlock(&p->mu);
		/* the slot is ours: the consumer does not touch slots at or after head */
		e = vreader_next(p->r);
		if (e > 0)
			fill(s, p->r);
		pthread_mutex_lock(&p->mu);
		if (e > 0)
			p->head++;
		else
			p->status = e < 0 ? -1 : 1;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->mu);
		if (e <= 0)
			return NULL;
	}
}

Prefetch *
new_prefetch(VReader *r)
{
	Prefetch *p = ecalloc(1, sizeof *p);

	p->r = r;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->started = !pthread_create(&p->th, NULL, reader, p);
	return p;
}

int
prefetch_next(Prefetch *p, PRec **rec)
{
	int rc;

	if (!p->started) { /* no reader thread: read here */
		if ((rc = vreader_next(p->r)) <= 0)
			return rc < 0 ? -1 : 0;
		fill(&p->slot[0], p->r);
		*rec = &p->slot[0].rec;
		return 1;
	}
	pthread_mutex_lock(&p->mu);
	if (p->held) { /* give back the record returned last time */
		p->tail++;
		p->held = 0;
		pthread_cond_signal(&p->freed);
	}
	while (p->head == p->tail && p->status == 0)
		pthread_cond_wait(&p->filled, &p->mu);
	if (p->head != p->tail) {
		*rec = &p->slot[p->tail % NSLOT].rec;
		p->held = 1;
		rc = 1;
	} else {
		rc = p->status < 0 ? -1 : 0;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
del_prefetch(Prefetch *p)
{
	size_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->freed);
	pthread_mutex_unlock(&p->mu);
	if (p->started)
		pthread_join(p->th, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->filled);
	pthread_cond_destroy(&p->freed);
	for (i = 0; i < NSLOT; i++) {
		free(p->slot[i].rec.key);
		free(p->slot[i].rec.val);
		free(p->slot[i].rec.json);
	}
	free(p);
}
