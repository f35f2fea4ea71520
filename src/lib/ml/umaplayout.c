/* umaplayout.c — UMAP's stochastic gradient descent (see umaplayout.h). */
#include "ml/umaplayout.h"
#include "core/progress.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>

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

/* d^(2b) and d^(2(b-1)) from the squared distance, by one log and one exp */
static inline void
powers(float d2, double b, float *pb, float *pb1)
{
	float t = expf((float)b * logf(d2));

	*pb = t;
	*pb1 = t / d2;
}

static void
attract(const UmapLayout *L, float *cur, float *oth, float alpha)
{
	float d2 = 0, t, pb, pb1, c = 0;
	int k;

	for (k = 0; k < L->dim; k++) {
		t = cur[k] - oth[k];
		d2 += t * t;
	}
	if (d2 > 0) {
		powers(d2, L->b, &pb, &pb1);
		c = (float)(-2.0 * L->a * L->b * pb1 / (L->a * pb + 1.0));
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
	float d2 = 0, t, pb, pb1, c;
	int k;

	for (k = 0; k < L->dim; k++) {
		t = cur[k] - oth[k];
		d2 += t * t;
	}
	if (d2 > 0) {
		powers(d2, L->b, &pb, &pb1);
		c = (float)(2.0 * L->gamma * L->b / ((0.001 + d2) * (L->a * pb + 1.0)));
		for (k = 0; k < L->dim; k++)
			cur[k] += clip4(c * (cur[k] - oth[k])) * alpha;
	} else if (!self) {
		for (k = 0; k < L->dim; k++)
			cur[k] += 4.0f * alpha;
	}
}

/* one epoch n over every edge due */
static void
epoch(const UmapLayout *L, const FuzzyGraph *g, Sched *s, float *head, float *tail, size_t ntail,
    int n, float alpha, Rng *r)
{
	size_t e, j, k;
	long p, nneg;

	for (e = 0; e < s->m; e++) {
		if (!(s->next[e] <= n))
			continue;
		j = s->head[e];
		k = g->col[e];
		attract(L, head + j * L->dim, tail + k * L->dim, alpha);
		s->next[e] += s->eps[e];
		nneg = (long)((n - s->nextneg[e]) / s->epns[e]);
		for (p = 0; p < nneg; p++) {
			k = (size_t)rng_below(r, ntail);
			repel(L, head + j * L->dim, tail + k * L->dim, j == k, alpha);
		}
		s->nextneg[e] += (double)nneg * s->epns[e];
	}
}

void
umap_layout(const UmapLayout *L, const FuzzyGraph *g, float *head, float *tail, size_t ntail,
    Rng *r)
{
	Progress *pg = new_progress("UMAP epochs", (unsigned long)L->n_epochs);
	float alpha = (float)L->alpha0;
	Sched s;
	int n;

	schedule(g, L->n_epochs, L->negative_rate, &s);
	for (n = 0; n < L->n_epochs; n++) {
		epoch(L, g, &s, head, tail, ntail, n, alpha, r);
		alpha = (float)(L->alpha0 * (1.0 - (double)n / (double)L->n_epochs));
		progress_do(pg, (unsigned long)n + 1);
	}
	del_progress(pg);
	free(s.head);
	free(s.eps);
}
