/* umaplayout.c — UMAP's stochastic gradient descent (see umaplayout.h). */
#include "ml/umaplayout.h"
#include "core/progress.h"
#include "core/util.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct Sched {
	size_t m;
	unsigned *head;       /* edge heads (the graph's rows) */
	double *eps, *epns;   /* epochs per sample, per negative sample */
	double *next, *nextneg;
} Sched;

static inline float
clip4(float v)
{
	return v > 4.0f ? 4.0f : v < -4.0f ? -4.0f : v;
}

/* umap-learn's make_epochs_per_sample and the epoch counters */
static void
schedule(const FuzzyGraph *g, int n_epochs, double negrate, Sched *s)
{
	size_t i, e;
	float mx = 0, ns;

	s->m = g->ptr[g->n];
	s->head = ereallocarray(NULL, s->m ? s->m : 1, sizeof *s->head);
	s->eps = ereallocarray(NULL, s->m ? s->m : 1, 4 * sizeof *s->eps);
	s->epns = s->eps + s->m;
	s->next = s->epns + s->m;
	s->nextneg = s->next + s->m;
	for (e = 0; e < s->m; e++)
		if (g->w[e] > mx)
			mx = g->w[e];
	for (i = 0; i < g->n; i++)
		for (e = g->ptr[i]; e < g->ptr[i + 1]; e++) {
			s->head[e] = (unsigned)i;
			ns = (float)n_epochs * (g->w[e] / mx); /* float32 there */
			s->eps[e] = ns > 0 ? (double)n_epochs / ns : -1;
			s->epns[e] = s->eps[e] / negrate;
			s->next[e] = s->eps[e];
			s->nextneg[e] = s->epns[e];
		}
}

/* d2^b for d2 > 0 as 2^(b log2 d2), with short polynomials evaluated by Estrin's
 * scheme: log2 of the mantissa by a degree-5 least-squares fit on [1, 2) (2.9e-5
 * absolute), 2^f by a degree-4 fit on [0, 1) (7.3e-6 relative): d2^b to about 3e-5
 * relative.  Each sample's update depends on the previous one, so this chain's
 * latency, not its instruction count, sets the layout's speed: libm's logf and
 * expf (Horner, ~1 ulp) took twice as long, and the descent's noise dwarfs 3e-5. */
static inline float
powb(float d2, float b)
{
	float m, t, t2, l, x, fi, f, f2, p, s;
	uint32_t u;

	memcpy(&u, &d2, 4);
	if (!(d2 >= FLT_MIN && d2 < INFINITY))
		return powf(d2, b);
	l = (float)((int)(u >> 23) - 127);
	u = (u & 0x7fffffu) | 0x3f800000u;
	memcpy(&m, &u, 4);
	t = m - 1;
	t2 = t * t;
	l += t * ((1.4418258f - 0.708682101f * t) + t2 * ((0.415421949f - 0.194422672f * t) +
	    t2 * 0.0458855267f));
	x = b * l;
	if (!(x > -125 && x < 125))
		return powf(d2, b);
	fi = floorf(x);
	f = x - fi;
	f2 = f * f;
	p = (1.00000728f + 0.692931289f * f) + f2 * ((0.241710262f + 0.0516668774f * f) +
	    f2 * 0.0136765311f);
	u = (uint32_t)((int)fi + 127) << 23;
	memcpy(&s, &u, 4);
	return p * s;
}

static void
attract(const UmapLayout *L, float *cur, float *oth, float alpha)
{
	float d2 = 0, t, pb, c = 0, a = (float)L->a;
	int k;

	for (k = 0; k < L->dim; k++) {
		t = cur[k] - oth[k];
		d2 += t * t;
	}
	if (d2 > 0) { /* -2 a b d^(2(b-1)) / (1 + a d^(2b)) */
		pb = powb(d2, (float)L->b);
		c = (float)(-2.0 * L->a * L->b) * pb / (d2 * (a * pb + 1.0f));
	}
	for (k = 0; k < L->dim; k++) {
		t = clip4(c * (cur[k] - oth[k])) * alpha;
		cur[k] += t;
		if (L->move_other)
			oth[k] -= t;
	}
}

static void
repel(const UmapLayout *L, float *cur, const float *oth, int self, float alpha)
{
	float d2 = 0, t, c;
	int k;

	for (k = 0; k < L->dim; k++) {
		t = cur[k] - oth[k];
		d2 += t * t;
	}
	if (d2 > 0) { /* 2 gamma b / ((0.001 + d^2)(1 + a d^(2b))) */
		c = (float)(2.0 * L->gamma * L->b) /
		    ((0.001f + d2) * ((float)L->a * powb(d2, (float)L->b) + 1.0f));
		for (k = 0; k < L->dim; k++)
			cur[k] += clip4(c * (cur[k] - oth[k])) * alpha;
	} else if (!self) {
		for (k = 0; k < L->dim; k++)
			cur[k] += 4.0f * alpha;
	}
}

/* uniform in [0, n) (Lemire's multiply-shift with rejection: unbiased like
 * rng_below, without its two divisions per draw in this hot loop) */
static inline size_t
draw(Rng *r, size_t n)
{
	unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
	uint64_t l = (uint64_t)m, t;

	if (l < n) {
		t = -(uint64_t)n % n;
		while (l < t) {
			m = (unsigned __int128)rng_next(r) * n;
			l = (uint64_t)m;
		}
	}
	return (size_t)(m >> 64);
}

/* The edges are walked as UMAP_RUNS runs side by side, each run drawing its negative
 * samples from its own stream, and the runs' updates interleaved sample by sample:
 * each sample of an edge depends on the previous one's update (a chain of powb
 * and a random row's memory latency), so a single walk waits on every link, while
 * independent runs' chains overlap.  The order is fixed by m alone, so the layout
 * is the same on any machine and for any -j. */
enum { UMAP_RUNS = 8 };

typedef struct Due {
	int q;          /* run */
	size_t j;       /* head row */
	long nneg;      /* negative samples due */
} Due;

/* attraction of edge e in epoch n; returns the negative samples it is due (cannot fail) */
static long
edge_attract(const UmapLayout *L, const FuzzyGraph *g, Sched *s, size_t e, float *head,
    float *tail, int n, float alpha)
{
	long nneg;

	attract(L, head + s->head[e] * L->dim, tail + g->col[e] * L->dim, alpha);
	s->next[e] += s->eps[e];
	nneg = (long)((n - s->nextneg[e]) / s->epns[e]);
	s->nextneg[e] += (double)nneg * s->epns[e];
	return nneg;
}

/* the negative samples of the nd due edges of one step, round robin (cannot fail) */
static void
step_repel(const UmapLayout *L, const Due *d, int nd, float *head, const float *tail,
    size_t ntail, float alpha, Rng *r)
{
	long p, most = 0;
	size_t k;
	int i;

	for (i = 0; i < nd; i++)
		if (d[i].nneg > most)
			most = d[i].nneg;
	for (p = 0; p < most; p++)
		for (i = 0; i < nd; i++)
			if (p < d[i].nneg) {
				k = draw(&r[d[i].q], ntail);
				repel(L, head + d[i].j * L->dim, tail + k * L->dim, d[i].j == k, alpha);
			}
}

/* one epoch n over every edge due, r[UMAP_RUNS] the runs' streams */
static void
epoch(const UmapLayout *L, const FuzzyGraph *g, Sched *s, float *head, float *tail, size_t ntail,
    int n, float alpha, Rng *r)
{
	size_t len = (s->m + UMAP_RUNS - 1) / UMAP_RUNS, i, e;
	Due d[UMAP_RUNS];
	int q, nd;

	for (i = 0; i < len; i++) {
		for (q = nd = 0; q < UMAP_RUNS; q++) {
			e = (size_t)q * len + i;
			if (e < s->m && s->next[e] <= n) {
				d[nd].q = q;
				d[nd].j = s->head[e];
				d[nd++].nneg = edge_attract(L, g, s, e, head, tail, n, alpha);
			}
		}
		step_repel(L, d, nd, head, tail, ntail, alpha, r);
	}
}

void
umap_layout(const UmapLayout *L, const FuzzyGraph *g, float *head, float *tail, size_t ntail,
    Rng *r)
{
	Progress *pg = new_progress("UMAP epochs", (unsigned long)L->n_epochs);
	float alpha = (float)L->alpha0;
	Rng run[UMAP_RUNS];
	Sched s;
	int n, q;

	for (q = 0; q < UMAP_RUNS; q++)
		rng_seed(&run[q], rng_next(r), (uint64_t)q);
	schedule(g, L->n_epochs, L->negative_rate, &s);
	for (n = 0; n < L->n_epochs; n++) {
		epoch(L, g, &s, head, tail, ntail, n, alpha, run);
		alpha = (float)(L->alpha0 * (1.0 - (double)n / (double)L->n_epochs));
		progress_do(pg, (unsigned long)n + 1);
	}
	del_progress(pg);
	free(s.head);
	free(s.eps);
}
