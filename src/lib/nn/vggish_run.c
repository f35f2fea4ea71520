/* vggish_run.c — batching and aggregation of VGGish examples (see vggish_run.h). */
#include "nn/vggish_run.h"
#include "nn/vggish_front.h"
#include "core/key.h"
#include "core/util.h"
#include "core/vwriter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct Rec {
	char *key;
	size_t nex, done;   /* examples made, examples embedded */
	int closed;
	double sum[VN_DIM];
} Rec;

struct VggishRun {
	VggishNet *net;
	int post, agg;
	VWriter *out;
	Rec *q;                 /* records in flight, q[qhead..qn) */
	size_t qhead, qn, qcap;
	float *exbuf, *emb;     /* VN_BATCH examples and their embeddings */
	size_t exrec[VN_BATCH], exm[VN_BATCH], nbuf;
	char *song;             /* VRUN_SONG: the song being summed */
	double songsum[VN_DIM];
	size_t songseg;
	unsigned long nexamples;
	double wall, cpu;
	char *kbuf;
	size_t kcap;
	int failed;             /* a write failed (the writer printed why) */
};

VggishRun *
new_vggish_run(VggishNet *net, int post, int agg, VWriter *out)
{
	VggishRun *r = ecalloc(1, sizeof *r);

	r->net = net;
	r->post = post;
	r->agg = agg;
	r->out = out;
	if (net) {
		r->exbuf = ereallocarray(NULL, (size_t)VN_BATCH * VF_EXAMPLE, sizeof *r->exbuf);
		r->emb = ereallocarray(NULL, (size_t)VN_BATCH * VN_DIM, sizeof *r->emb);
	}
	return r;
}

static const char *
example_key(VggishRun *r, const char *key, size_t m)
{
	size_t need = strlen(key) + 24;

	if (need > r->kcap)
		r->kbuf = erealloc(r->kbuf, r->kcap = need);
	snprintf(r->kbuf, r->kcap, "%s.%zu", key, m);
	return r->kbuf;
}

/* one output record; a failure is remembered for vggish_run_close/flush */
static void
emit(VggishRun *r, const char *key, const float *v, size_t n)
{
	if (!r->failed && vwriter_write(r->out, key, v, n))
		r->failed = 1;
}

static void
write_mean(VggishRun *r, const char *key, const double *sum, size_t n)
{
	float v[VN_DIM];
	int i;

	for (i = 0; i < VN_DIM; i++)
		v[i] = n ? (float)(sum[i] / n) : NAN;
	emit(r, key, v, VN_DIM);
}

static void
flush_song(VggishRun *r)
{
	if (!r->song)
		return;
	write_mean(r, r->song, r->songsum, r->songseg); /* NaN row when no example */
	free(r->song);
	r->song = NULL;
}

static void
finish(VggishRun *r, Rec *c)
{
	size_t len;
	int i;

	if (r->agg == VRUN_SEGMENT && c->nex)
		write_mean(r, c->key, c->sum, c->nex);
	if (r->agg == VRUN_SONG) {
		len = key_song_len(c->key);
		if (!r->song || strlen(r->song) != len || strncmp(r->song, c->key, len)) {
			flush_song(r);
			r->song = estrdup(c->key);
			r->song[len] = 0;
			memset(r->songsum, 0, sizeof r->songsum);
			r->songseg = 0;
		}
		if (c->nex) {
			for (i = 0; i < VN_DIM; i++)
				r->songsum[i] += c->sum[i] / c->nex;
			r->songseg++;
		}
	}
	free(c->key);
}

static void
pop_finished(VggishRun *r)
{
	while (r->qhead < r->qn && r->q[r->qhead].closed && r->q[r->qhead].done == r->q[r->qhead].nex)
		finish(r, &r->q[r->qhead++]);
	if (r->qhead == r->qn)
		r->qhead = r->qn = 0;
}

static double
seconds(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void
run_batch(VggishRun *r)
{
	float post[VN_DIM], *e;
	double w0, c0;
	size_t i;
	int j;
	Rec *c;

	if (!r->nbuf)
		return;
	w0 = seconds(CLOCK_MONOTONIC);
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	vggish_net_do(r->net, r->exbuf, r->nbuf, r->emb);
	r->cpu += seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
	r->wall += seconds(CLOCK_MONOTONIC) - w0;
	for (i = 0; i < r->nbuf; i++) {
		c = &r->q[r->exrec[i]];
		e = r->emb + i * VN_DIM;
		if (r->post) {
			vggish_net_postprocess(r->net, e, post);
			e = post;
		}
		if (r->agg == VRUN_EXAMPLES)
			emit(r, example_key(r, c->key, r->exm[i]), e, VN_DIM);
		else
			for (j = 0; j < VN_DIM; j++)
				c->sum[j] += e[j];
		c->done++;
	}
	r->nexamples += r->nbuf;
	r->nbuf = 0;
	pop_finished(r);
}

void
vggish_run_example(void *ctx, const float *ex)
{
	VggishRun *r = ctx;
	Rec *c = &r->q[r->qn - 1];

	if (!r->net) {
		emit(r, example_key(r, c->key, c->nex++), ex, VF_EXAMPLE);
		return;
	}
	memcpy(r->exbuf + r->nbuf * VF_EXAMPLE, ex, VF_EXAMPLE * sizeof *ex);
	r->exrec[r->nbuf] = r->qn - 1;
	r->exm[r->nbuf++] = c->nex++;
	if (r->nbuf == VN_BATCH)
		run_batch(r);
}

void
vggish_run_open(VggishRun *r, const char *key)
{
	if (r->qn == r->qcap)
		r->q = ereallocarray(r->q, r->qcap = r->qcap ? 2 * r->qcap : 64, sizeof *r->q);
	memset(&r->q[r->qn], 0, sizeof *r->q);
	r->q[r->qn++].key = estrdup(key);
}

int
vggish_run_close(VggishRun *r)
{
	Rec *c = &r->q[r->qn - 1];

	c->closed = 1;
	if (!r->net) {
		free(c->key);
		r->qn--;
	} else {
		pop_finished(r);
	}
	return r->failed ? -1 : 0;
}

int
vggish_run_flush(VggishRun *r)
{
	if (r->net) {
		run_batch(r);
		flush_song(r);
	}
	return r->failed ? -1 : 0;
}

unsigned long
vggish_run_stats(const VggishRun *r, double *wall, double *cpu)
{
	*wall = r->wall;
	*cpu = r->cpu;
	return r->nexamples;
}

void
del_vggish_run(VggishRun *r)
{
	if (!r)
		return;
	while (r->qhead < r->qn)
		free(r->q[r->qhead++].key);
	free(r->q);
	free(r->song);
	free(r->exbuf);
	free(r->emb);
	free(r->kbuf);
	free(r);
}
