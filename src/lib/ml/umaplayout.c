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

/* ln x for normal x > 0 (Cephes' logf: range reduction to [sqrt(1/2), sqrt(2)), a
 * degree-9 polynomial; about 1 ulp).  Inline: libm's logf and expf took 40 % of
 * the layout's time through the PLT. */
static inline float
fast_logf(float x)
{
	uint32_t u;
	float z, y;
	int e;

	memcpy(&u, &x, 4);
	e = (int)(u >> 23) - 126;
	u = (u & 0x7fffffu) | 0x3f000000u; /* [0.5, 1) */
	memcpy(&x, &u, 4);
	if (x < 0.70710678f) {
		e--;
		x = x + x - 1;
	} else {
		x = x - 1;
	}
	z = x * x;
	y = ((((((((7.0376836292e-2f * x - 1.1514610310e-1f) * x + 1.1676998740e-1f) * x -
	    1.2420140846e-1f) * x + 1.4249322787e-1f) * x - 1.6668057665e-1f) * x +
	    2.0000714765e-1f) * x - 2.4999993993e-1f) * x + 3.3333331174e-1f) * x * z;
	y += -2.12194440e-4f * (float)e - 0.5f * z;
	return x + y + 0.693359375f * (float)e;
}

/* e^x for |x| < 87 (Cephes' expf; about 1 ulp) */
static inline float
fast_expf(float x)
{
	float n = floorf(x * 1.44269504088896341f + 0.5f), z, y, p;
	uint32_t u;

	x -= n * 0.693359375f;
	x -= n * -2.12194440e-4f;
	z = x * x;
	y = (((((1.9875691500e-4f * x + 1.3981999507e-3f) * x + 8.3334519073e-3f) * x +
	    4.1665795894e-2f) * x + 1.6666665459e-1f) * x + 5.0000001201e-1f) * z + x + 1;
	u = (uint32_t)((int)n + 127) << 23;
	memcpy(&p, &u, 4);
	return y * p;
}

/* d2^b for d2 > 0 */
static inline float
powb(float d2, float b)
{
	float t;

	if (d2 < FLT_MIN || d2 > 1e30f)
		return powf(d2, b);
	t = b * fast_logf(d2);
	return t > -87 && t < 87 ? fast_expf(t) : expf(t);
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
			k = draw(r, ntail);
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
