/* sptree.c — Barnes-Hut quad/octree for t-SNE (see sptree.h). */
#include "ml/sptree.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 32 bytes: the cells of 10000 points fit in the L2 cache (float centres change
 * a summary by about 1e-7 relative, far below the Barnes-Hut approximation) */
typedef struct Cell {
	float com[3];    /* centre of mass */
	float w2;        /* squared largest width of the cell; -1 for a leaf */
	float count;
	unsigned next;   /* the cell after this subtree */
	unsigned first;  /* a leaf's first point, as a position in ord */
	unsigned pad;
} Cell;

struct SpTree {
	int dims, nchild;
	const double *y;
	Cell *c;
	size_t nc, cap;
	unsigned *ord, *tmp, *pos; /* pos[i]: where point i is in ord */
	size_t n, ordcap;
};

SpTree *
new_sptree(int dims)
{
	SpTree *t = ecalloc(1, sizeof *t);

	t->dims = dims;
	t->nchild = 1 << dims;
	return t;
}

void
del_sptree(SpTree *t)
{
	if (!t)
		return;
	free(t->c);
	free(t->ord);
	free(t->tmp);
	free(t->pos);
	free(t);
}

const unsigned *
sptree_order(const SpTree *t)
{
	return t->ord;
}

static size_t
new_cell(SpTree *t)
{
	if (t->nc == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->c = ereallocarray(t->c, t->cap, sizeof *t->c);
	}
	memset(&t->c[t->nc], 0, sizeof *t->c);
	return t->nc++;
}

/* the child of a point in the cell centred at mid */
static int
child_of(const SpTree *t, unsigned i, const double *mid)
{
	const double *p = t->y + (size_t)i * t->dims;
	int k, c = 0;

	for (k = 0; k < t->dims; k++)
		c |= (p[k] >= mid[k]) << k;
	return c;
}

/* split ord[a..b) by child (a counting sort); off[0..nchild] gets the boundaries */
static void
split(SpTree *t, size_t a, size_t b, const double *mid, size_t *off)
{
	size_t cnt[8] = { 0 }, i;
	int c;

	for (i = a; i < b; i++)
		cnt[child_of(t, t->ord[i], mid)]++;
	off[0] = a;
	for (c = 0; c < t->nchild; c++)
		off[c + 1] = off[c] + cnt[c];
	memcpy(cnt, off, sizeof cnt);
	for (i = a; i < b; i++)
		t->tmp[cnt[child_of(t, t->ord[i], mid)]++] = t->ord[i];
	memcpy(t->ord + a, t->tmp + a, (b - a) * sizeof *t->ord);
}

/* the cell of ord[a..b) with bounds lo, hi and its subtree; sum gets the sum of
 * the points' coordinates (centres of mass are built bottom-up, in double) */
static void
build(SpTree *t, size_t a, size_t b, const double *lo, const double *hi, int depth, double *sum)
{
	size_t id = new_cell(t), off[9], i;
	double mid[3], clo[3], chi[3], w, w2 = 0, cs[3];
	int k, c;

	for (k = 0; k < t->dims; k++) {
		w = hi[k] - lo[k];
		w2 = w * w > w2 ? w * w : w2;
		mid[k] = (lo[k] + hi[k]) / 2;
		sum[k] = 0;
	}
	t->c[id].count = (float)(b - a);
	t->c[id].w2 = (float)w2;
	/* a leaf: one point, or a cell too small to split further (its points are
	 * within SPTREE_EPS of each other: merged, as sklearn merges duplicates) */
	if (b - a == 1 || depth >= SPTREE_MAXDEPTH || w2 <= SPTREE_EPS * SPTREE_EPS) {
		for (i = a; i < b; i++)
			for (k = 0; k < t->dims; k++)
				sum[k] += t->y[(size_t)t->ord[i] * t->dims + k];
		t->c[id].w2 = -1;
		t->c[id].first = (unsigned)a;
	} else {
		split(t, a, b, mid, off);
		for (c = 0; c < t->nchild; c++) {
			if (off[c + 1] == off[c])
				continue;
			for (k = 0; k < t->dims; k++) {
				clo[k] = c >> k & 1 ? mid[k] : lo[k];
				chi[k] = c >> k & 1 ? hi[k] : mid[k];
			}
			build(t, off[c], off[c + 1], clo, chi, depth + 1, cs);
			for (k = 0; k < t->dims; k++)
				sum[k] += cs[k];
		}
	}
	for (k = 0; k < t->dims; k++) /* t->c may have moved: index, not pointer */
		t->c[id].com[k] = (float)(sum[k] / (double)(b - a));
	t->c[id].next = (unsigned)t->nc;
}

void
sptree_build(SpTree *t, const double *y, size_t n)
{
	double lo[3], hi[3], w, sum[3];
	size_t i;
	int k;

	t->y = y;
	t->n = n;
	t->nc = 0;
	if (n > t->ordcap) {
		t->ordcap = n;
		t->ord = ereallocarray(t->ord, n, sizeof *t->ord);
		t->tmp = ereallocarray(t->tmp, n, sizeof *t->tmp);
		t->pos = ereallocarray(t->pos, n, sizeof *t->pos);
	}
	if (!n)
		return;
	for (k = 0; k < t->dims; k++)
		lo[k] = hi[k] = y[k];
	for (i = 0; i < n; i++) {
		t->ord[i] = (unsigned)i;
		for (k = 0; k < t->dims; k++) {
			lo[k] = fmin(lo[k], y[i * t->dims + k]);
			hi[k] = fmax(hi[k], y[i * t->dims + k]);
		}
	}
	/* a margin, so no point lies on the outer boundary (sklearn: 1e-3 relative) */
	for (k = 0; k < t->dims; k++) {
		w = fmax(hi[k] - lo[k], SPTREE_EPS) * 1e-3;
		lo[k] -= w;
		hi[k] += w;
	}
	build(t, 0, n, lo, hi, 0, sum);
	for (i = 0; i < n; i++)
		t->pos[t->ord[i]] = (unsigned)i;
}

/* the traversal for a fixed dimension D (the compiler unrolls the loops); the
 * leaf holding the point itself (and its duplicates) is skipped */
#define REPULSION(D)								\
	const Cell *c;								\
	const double *y = t->y + pt * D;					\
	double d2, w, sq = 0, f[3] = { 0, 0, 0 };				\
	float p[3], d[3], th2 = (float)(theta * theta), fd2;			\
	size_t i = 0, at = t->pos[pt];						\
	int k;									\
										\
	for (k = 0; k < D; k++)							\
		p[k] = (float)y[k];						\
	while (i < t->nc) {							\
		c = &t->c[i];							\
		for (fd2 = 0, k = 0; k < D; k++) {				\
			d[k] = p[k] - c->com[k];				\
			fd2 += d[k] * d[k];					\
		}								\
		if (c->w2 < 0) {						\
			if (at >= c->first && at < c->first + (size_t)c->count) { \
				i = c->next;					\
				continue;					\
			}							\
		} else if (!(c->w2 < th2 * fd2)) {				\
			i++; /* open the cell: its first child follows it */	\
			continue;						\
		}								\
		d2 = fd2;							\
		w = sptree_kernel(d2, D);						\
		sq += c->count * w;						\
		w = c->count * w * w;						\
		for (k = 0; k < D; k++)						\
			f[k] += w * d[k];					\
		i = c->next;							\
	}									\
	for (k = 0; k < D; k++)							\
		neg[k] = f[k];							\
	*sumq = sq;

static void
repulsion1(const SpTree *t, size_t pt, double theta, double *neg, double *sumq)
{
	REPULSION(1)
}

static void
repulsion2(const SpTree *t, size_t pt, double theta, double *neg, double *sumq)
{
	REPULSION(2)
}

static void
repulsion3(const SpTree *t, size_t pt, double theta, double *neg, double *sumq)
{
	REPULSION(3)
}

void
sptree_repulsion(const SpTree *t, size_t i, double theta, double *neg, double *sumq)
{
	if (t->dims == 2)
		repulsion2(t, i, theta, neg, sumq);
	else if (t->dims == 3)
		repulsion3(t, i, theta, neg, sumq);
	else
		repulsion1(t, i, theta, neg, sumq);
}
