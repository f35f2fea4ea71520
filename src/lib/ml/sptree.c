/* sptree.c — Barnes-Hut quad/octree for t-SNE (see sptree.h). */
#include "ml/sptree.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
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
	unsigned char *code;       /* split's children of ord[a..b) */
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
	free(t->code);
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
		cnt[t->code[i] = (unsigned char)child_of(t, t->ord[i], mid)]++;
	off[0] = a;
	for (c = 0; c < t->nchild; c++)
		off[c + 1] = off[c] + cnt[c];
	memcpy(cnt, off, sizeof cnt);
	for (i = a; i < b; i++)
		t->tmp[cnt[t->code[i]]++] = t->ord[i];
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
		t->code = ereallocarray(t->code, n, sizeof *t->code);
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

/* point pt's walk (float coordinates p, position at in ord) over the cells
 * [i, end) for a fixed dimension D (the compiler unrolls the loops), adding
 * to f and *sq; the leaf holding the point itself (and its duplicates) is skipped */
#define WALK(D)								\
	const Cell *c;								\
	double w, s = 0;							\
	float d[3], fd2;							\
	int k;									\
										\
	while (i < end) {							\
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
		w = sptree_kernel(fd2, D);					\
		s += c->count * w;						\
		w = c->count * w * w;						\
		for (k = 0; k < D; k++)						\
			f[k] += w * d[k];					\
		i = c->next;							\
	}									\
	*sq += s;

static void
walk1(const SpTree *t, const float *p, size_t at, float th2, size_t i, size_t end, double *f,
    double *sq)
{
	WALK(1)
}

static void
walk2(const SpTree *t, const float *p, size_t at, float th2, size_t i, size_t end, double *f,
    double *sq)
{
	WALK(2)
}

static void
walk3(const SpTree *t, const float *p, size_t at, float th2, size_t i, size_t end, double *f,
    double *sq)
{
	WALK(3)
}

static void
walk(const SpTree *t, const float *p, size_t at, float th2, size_t i, size_t end, double *f,
    double *sq)
{
	if (t->dims == 2)
		walk2(t, p, at, th2, i, end, f, sq);
	else if (t->dims == 3)
		walk3(t, p, at, th2, i, end, f, sq);
	else
		walk1(t, p, at, th2, i, end, f, sq);
}

void
sptree_repulsion(const SpTree *t, size_t pt, double theta, double *neg, double *sumq)
{
	float p[3];
	int k;

	for (k = 0; k < t->dims; k++) {
		p[k] = (float)t->y[pt * t->dims + k];
		neg[k] = 0;
	}
	*sumq = 0;
	walk(t, p, t->pos[pt], (float)(theta * theta), 0, t->nc, neg, sumq);
}

typedef float V8f __attribute__((vector_size(32)));
typedef int V8i __attribute__((vector_size(32)));
typedef double V8d __attribute__((vector_size(64)));

/* the 8 lanes of a group: coordinates, positions in ord, sums */
typedef struct Group {
	V8f P[3];
	V8i at;
	V8d F[3], S;
} Group;

typedef signed char V8c __attribute__((vector_size(8)));

/* lanes (-1 or 0) as 8 bytes: nonzero if any is set, equal for equal lanes */
static inline uint64_t
lanes(const V8i *m)
{
	V8c c = __builtin_convertvector(*m, V8c);
	uint64_t u;

	memcpy(&u, &c, sizeof u);
	return u;
}

/* the terms of WALK for a cell at d, fd2 from the lanes, lane by lane: cnt its
 * count in the lanes that summarise it, 0 in the others */
static inline __attribute__((always_inline)) void
group_add(int D, const V8f *d, const V8f *fd2, const V8d *cnt, V8d *F, V8d *S)
{
	V8d w = __builtin_convertvector(*fd2, V8d);
	int k, l;

	if (D < 3) {
		w = 1 / (1 + w);
	} else {
		w = 2 / (2 + w);
		for (l = 0; l < 8; l++)
			w[l] *= sqrt(w[l]);
	}
	*S += *cnt * w;
	w = *cnt * w * w;
	for (k = 0; k < D; k++)
		F[k] += w * __builtin_convertvector(d[k], V8d);
}

/* the walk of the 8 lanes of g together, D fixed, lanes of m0 active: each lane
 * visits, summarises and opens the cells of its own WALK (a leaf: every lane
 * but its own points' summarises it; w2 < 0 < th2 fd2); the cells after a
 * subtree only some lanes open wait on a stack (cells nest at most
 * SPTREE_MAXDEPTH + 1 deep) */
static inline __attribute__((always_inline)) void
group_walk(const SpTree *t, Group *g, int D, float th2, const V8i *m0)
{
	struct { size_t i, end; V8i m; uint64_t u; } st[SPTREE_MAXDEPTH + 2];
	size_t i = 0, end = t->nc, sp = 0;
	V8i m = *m0, acc, open, at = g->at;
	V8f d[3], fd2, P[3];
	V8d F[3] = { { 0 } }, S = { 0 }, cnt;
	uint64_t um = lanes(&m), uo;
	const Cell *c;
	int k;

	for (k = 0; k < D; k++)
		P[k] = g->P[k];
	for (;;) {
		if (i >= end) {
			if (!sp)
				break;
			sp--;
			i = st[sp].i, end = st[sp].end, m = st[sp].m, um = st[sp].u;
			continue;
		}
		c = &t->c[i];
		for (fd2 = (V8f){ 0 }, k = 0; k < D; k++) {
			d[k] = P[k] - c->com[k];
			fd2 += d[k] * d[k];
		}
		acc = (V8f){ 0 } + c->w2 < th2 * fd2;
		open = m & ~acc;
		acc &= m & ~((at >= (int)c->first) & (at < (int)c->first + (int)c->count) &
		    ((V8i){ 0 } - (c->w2 < 0)));
		cnt = __builtin_convertvector(-acc, V8d) * c->count;
		group_add(D, d, &fd2, &cnt, F, &S);
		uo = lanes(&open);
		if (!uo) {
			i = c->next;
		} else if (uo == um) {
			i++; /* all open it: its children follow, then c->next, same lanes */
		} else {
			st[sp].i = c->next, st[sp].end = end, st[sp].m = m, st[sp].u = um, sp++;
			end = c->next, m = open, um = uo, i++;
		}
	}
	for (k = 0; k < D; k++)
		g->F[k] = F[k];
	g->S = S;
}

/* sptree_repulsion_group for D fixed */
static inline __attribute__((always_inline)) void
group(const SpTree *t, int D, size_t a, size_t b, double theta, double *neg, double *sumq)
{
	Group g;
	V8i m0;
	size_t l, pt;
	int k;

	memset(&g, 0, sizeof g);
	for (l = 0; l < 8; l++) { /* spare lanes: copies of the first point, inactive */
		pt = t->ord[a + (l < b - a ? l : 0)];
		for (k = 0; k < D; k++)
			g.P[k][l] = (float)t->y[pt * D + k];
		g.at[l] = (int)(a + l);
		m0[l] = l < b - a ? -1 : 0;
	}
	group_walk(t, &g, D, (float)(theta * theta), &m0);
	for (l = 0; l < b - a; l++) {
		for (pt = t->ord[a + l], k = 0; k < D; k++)
			neg[pt * D + k] = g.F[k][l];
		sumq[l] = g.S[l];
	}
}

/* the group walks compiled for AVX-512 and AVX2 too (chosen at load time),
 * without fused multiply-adds: the lanes round as sptree_repulsion does */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define HOT __attribute__((target_clones("avx2", "default"), optimize("O3", "fp-contract=off")))
#else
#define HOT
#endif

HOT static void
group1(const SpTree *t, size_t a, size_t b, double theta, double *neg, double *sumq)
{
	group(t, 1, a, b, theta, neg, sumq);
}

HOT static void
group2(const SpTree *t, size_t a, size_t b, double theta, double *neg, double *sumq)
{
	group(t, 2, a, b, theta, neg, sumq);
}

HOT static void
group3(const SpTree *t, size_t a, size_t b, double theta, double *neg, double *sumq)
{
	group(t, 3, a, b, theta, neg, sumq);
}

void
sptree_repulsion_group(const SpTree *t, size_t a, size_t b, double theta, double *neg,
    double *sumq)
{
	if (t->dims == 2)
		group2(t, a, b, theta, neg, sumq);
	else if (t->dims == 3)
		group3(t, a, b, theta, neg, sumq);
	else
		group1(t, a, b, theta, neg, sumq);
}
