/* sptree.c — Barnes-Hut quad/octree for t-SNE (see sptree.h). */
#include "ml/sptree.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SP_X86 1
#include <immintrin.h>
#endif

/* 32 bytes: the cells of 10000 points fit in the L2 cache (float centres change
 * a summary by about 1e-7 relative, far below the Barnes-Hut approximation) */
typedef struct Cell {
	float com[3];    /* centre of mass */
	float w2;        /* squared largest width of the cell; -1 for a leaf */
	float count;
	unsigned next;   /* the cell after this subtree */
	unsigned first;  /* a leaf's points: positions [first, lim) in ord; */
	unsigned lim;    /* 0, 0 for an inner cell */
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

/* split src[a..b) by child into dst[a..b) (a counting sort), D fixed;
 * off[0..2^D] gets the boundaries */
static inline __attribute__((always_inline)) void
split_d(SpTree *t, int D, const unsigned *src, unsigned *dst, size_t a, size_t b,
    const double *mid, size_t *off)
{
	size_t cnt[8] = { 0 }, i;
	const double *p;
	int c, k;

	for (i = a; i < b; i++) {
		p = t->y + (size_t)src[i] * D;
		for (c = 0, k = 0; k < D; k++)
			c |= (p[k] >= mid[k]) << k;
		cnt[t->code[i] = (unsigned char)c]++;
	}
	off[0] = a;
	for (c = 0; c < 1 << D; c++)
		off[c + 1] = off[c] + cnt[c];
	memcpy(cnt, off, sizeof cnt);
	for (i = a; i < b; i++)
		dst[cnt[t->code[i]]++] = src[i];
}

/* split_d for t's dimension */
static void
split(SpTree *t, const unsigned *src, unsigned *dst, size_t a, size_t b, const double *mid,
    size_t *off)
{
	if (t->dims == 2)
		split_d(t, 2, src, dst, a, b, mid, off);
	else if (t->dims == 3)
		split_d(t, 3, src, dst, a, b, mid, off);
	else
		split_d(t, 1, src, dst, a, b, mid, off);
}

/* the leaf of src[a..b) (copied into ord, where they end): sum gets the sum
 * of their coordinates */
static void
leaf(SpTree *t, size_t id, const unsigned *src, size_t a, size_t b, double *sum)
{
	size_t i;
	int k;

	for (i = a; i < b; i++) {
		t->ord[i] = src[i];
		for (k = 0; k < t->dims; k++)
			sum[k] += t->y[(size_t)src[i] * t->dims + k];
	}
	t->c[id].w2 = -1;
	t->c[id].first = (unsigned)a;
	t->c[id].lim = (unsigned)b;
}

/* the leaf cell of the one point src[a]: sum gets its coordinates (the
 * common case, kept short: no bounds, no division) */
static void
point_leaf(SpTree *t, const unsigned *src, size_t a, double *sum)
{
	size_t id = new_cell(t);
	int k;

	t->ord[a] = src[a];
	for (k = 0; k < t->dims; k++) {
		sum[k] = t->y[(size_t)src[a] * t->dims + k];
		t->c[id].com[k] = (float)sum[k];
	}
	t->c[id].count = 1;
	t->c[id].w2 = -1;
	t->c[id].first = (unsigned)a;
	t->c[id].lim = (unsigned)a + 1;
	t->c[id].next = (unsigned)t->nc;
}

/* the cell of src[a..b) with bounds lo, hi and its subtree (the children
 * split into dst, and so on alternately); sum gets the sum of the points'
 * coordinates (centres of mass are built bottom-up, in double) */
static void
build(SpTree *t, unsigned *src, unsigned *dst, size_t a, size_t b, const double *lo,
    const double *hi, int depth, double *sum)
{
	size_t id, off[9];
	double mid[3], clo[3], chi[3], w, w2 = 0, cs[3];
	int k, c;

	if (b - a == 1) {
		point_leaf(t, src, a, sum);
		return;
	}
	id = new_cell(t);
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
		leaf(t, id, src, a, b, sum);
	} else {
		split(t, src, dst, a, b, mid, off);
		for (c = 0; c < t->nchild; c++) {
			if (off[c + 1] == off[c])
				continue;
			for (k = 0; k < t->dims; k++) {
				clo[k] = c >> k & 1 ? mid[k] : lo[k];
				chi[k] = c >> k & 1 ? hi[k] : mid[k];
			}
			build(t, dst, src, off[c], off[c + 1], clo, chi, depth + 1, cs);
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
		t->tmp[i] = (unsigned)i;
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
	build(t, t->tmp, t->ord, 0, n, lo, hi, 0, sum);
	for (i = 0; i < n; i++)
		t->pos[t->ord[i]] = (unsigned)i;
}

/* the terms of cell c at d, fd2 (float) in the sums f, *s (double), as every
 * walk adds them: q = kernel(fd2), count q and count q^2 d[k], in float up to
 * 2-D (1e-7 relative, as the float centres), in double in 3-D (q q^(1/2) in
 * float loses too much where the forces cancel) */
static inline void
cell_terms(int D, const Cell *c, const float *d, float fd2, double *f, double *s)
{
	float q, cq;
	double w;
	int k;

	if (D == 3) {
		w = 2 / (2 + (double)fd2);
		w *= sqrt(w);
		*s += c->count * w;
		w = c->count * w * w;
		for (k = 0; k < D; k++)
			f[k] += w * d[k];
		return;
	}
	q = 1 / (1 + fd2);
	cq = c->count * q;
	*s += cq;
	q *= cq;
	for (k = 0; k < D; k++)
		f[k] += q * d[k];
}

/* point pt's walk (float coordinates p, position at in ord) over the cells
 * for a fixed dimension D (the compiler unrolls the loops), adding to f and
 * *sq; the leaf holding the point itself (and its duplicates) is skipped */
static inline __attribute__((always_inline)) void
walk_d(const SpTree *t, int D, const float *p, unsigned at, float th2, double *f, double *sq)
{
	const Cell *c;
	size_t i = 0;
	float d[3], fd2;
	int k;

	while (i < t->nc) {
		c = &t->c[i];
		for (fd2 = 0, k = 0; k < D; k++) {
			d[k] = p[k] - c->com[k];
			fd2 += d[k] * d[k];
		}
		if (at >= c->first && at < c->lim) {
			i = c->next;
		} else if (!(c->w2 < th2 * fd2)) {
			i++; /* open the cell: its first child follows it */
		} else {
			cell_terms(D, c, d, fd2, f, sq);
			i = c->next;
		}
	}
}

/* walk_d for pt, D fixed: neg[0..D) and *sumq from 0 (no fused multiply-adds:
 * the group walks round as this does) */
#define WALK_PT(D)							\
	float p[3];							\
	int k;								\
									\
	for (k = 0; k < D; k++) {					\
		p[k] = (float)t->y[pt * D + k];				\
		neg[k] = 0;						\
	}								\
	*sumq = 0;							\
	walk_d(t, D, p, t->pos[pt], th2, neg, sumq);

#if defined(__GNUC__) && !defined(__clang__)
#define PLAIN __attribute__((optimize("fp-contract=off")))
#else
#define PLAIN
#endif

PLAIN static void
walk1(const SpTree *t, size_t pt, float th2, double *neg, double *sumq)
{
	WALK_PT(1)
}

PLAIN static void
walk2(const SpTree *t, size_t pt, float th2, double *neg, double *sumq)
{
	WALK_PT(2)
}

PLAIN static void
walk3(const SpTree *t, size_t pt, float th2, double *neg, double *sumq)
{
	WALK_PT(3)
}

void
sptree_repulsion(const SpTree *t, size_t pt, double theta, double *neg, double *sumq)
{
	float th2 = (float)(theta * theta);

	if (t->dims == 2)
		walk2(t, pt, th2, neg, sumq);
	else if (t->dims == 3)
		walk3(t, pt, th2, neg, sumq);
	else
		walk1(t, pt, th2, neg, sumq);
}

#ifdef SP_X86
/* name1, name2, name3: impl with D fixed to 1, 2, 3 (one clone each) */
#define SP_BY_DIMS(name, impl) \
	SP_DIM(name, impl, 1) SP_DIM(name, impl, 2) SP_DIM(name, impl, 3)
#define SP_DIM(name, impl, D) \
	static void name##D(const SpTree *t, size_t a, size_t b, double theta, double *neg, \
	    double *sumq) { impl(t, D, a, b, theta, neg, sumq); }

/* the coordinates (p[k * w + l], float) and tree positions of the points
 * a..b of tree order in w lanes; spare lanes copy the first point; cannot fail */
static void
group_in(const SpTree *t, int D, size_t a, size_t b, size_t w, float *p, int *at)
{
	size_t l, pt;
	int k;

	for (l = 0; l < w; l++) {
		pt = t->ord[a + (l < b - a ? l : 0)];
		for (k = 0; k < D; k++)
			p[k * w + l] = (float)t->y[pt * D + k];
		at[l] = (int)(a + l);
	}
}

/* the forces (f[k * w + l]) and sums of q of the lanes of points a..b
 * into neg (by point) and sumq (by lane); cannot fail */
static void
group_out(const SpTree *t, int D, size_t a, size_t b, size_t w, const double *f,
    const double *s, double *neg, double *sumq)
{
	size_t l, pt;
	int k;

	for (l = 0; l < b - a; l++) {
		for (pt = t->ord[a + l], k = 0; k < D; k++)
			neg[pt * D + k] = f[k * w + l];
		sumq[l] = s[l];
	}
}

#pragma GCC push_options
#pragma GCC target("avx2")
#pragma GCC optimize("O3", "fp-contract=off")

/* the lanes of a group walk */
typedef struct Lanes {
	__m256 P[3];
	__m256i at;
	__m256d F[3][2], S[2]; /* lanes 0-3 and 4-7 */
} Lanes;

/* x (float lanes) added to s[0..2) (double lanes) */
static inline __attribute__((always_inline)) void
add_pd(__m256d *s, __m256 x)
{
	s[0] = _mm256_add_pd(s[0], _mm256_cvtps_pd(_mm256_castps256_ps128(x)));
	s[1] = _mm256_add_pd(s[1], _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)));
}

/* lanes_terms in 3-D: in double, 4 lanes a time (h: which 4) */
static inline __attribute__((always_inline)) void
lanes_terms3(Lanes *g, const __m128 *d, __m128 fd2, __m128 cnt, int h)
{
	__m256d w, two = _mm256_set1_pd(2), c = _mm256_cvtps_pd(cnt);
	int k;

	w = _mm256_div_pd(two, _mm256_add_pd(two, _mm256_cvtps_pd(fd2)));
	w = _mm256_mul_pd(w, _mm256_sqrt_pd(w));
	g->S[h] = _mm256_add_pd(g->S[h], _mm256_mul_pd(c, w));
	w = _mm256_mul_pd(_mm256_mul_pd(c, w), w);
	for (k = 0; k < 3; k++)
		g->F[k][h] = _mm256_add_pd(g->F[k][h], _mm256_mul_pd(w, _mm256_cvtps_pd(d[k])));
}

/* cell_terms in the lanes, cnt the count in the lanes that summarise the cell
 * and 0 in the others (they add zeros) */
static inline __attribute__((always_inline)) void
lanes_terms(int D, Lanes *g, const __m256 *d, __m256 fd2, __m256 cnt)
{
	__m256 q, one = _mm256_set1_ps(1);
	__m128 lo[3], hi[3];
	int k;

	if (D == 3) {
		for (k = 0; k < 3; k++) {
			lo[k] = _mm256_castps256_ps128(d[k]);
			hi[k] = _mm256_extractf128_ps(d[k], 1);
		}
		lanes_terms3(g, lo, _mm256_castps256_ps128(fd2), _mm256_castps256_ps128(cnt), 0);
		lanes_terms3(g, hi, _mm256_extractf128_ps(fd2, 1), _mm256_extractf128_ps(cnt, 1), 1);
		return;
	}
	q = _mm256_div_ps(one, _mm256_add_ps(one, fd2));
	cnt = _mm256_mul_ps(cnt, q);
	add_pd(g->S, cnt);
	q = _mm256_mul_ps(q, cnt);
	for (k = 0; k < D; k++)
		add_pd(g->F[k], _mm256_mul_ps(q, d[k]));
}

/* cell c for the lanes m: adds the terms of the lanes that summarise it;
 * returns the lanes that open it */
static inline __attribute__((always_inline)) __m256
lanes_cell(int D, Lanes *g, const Cell *c, __m256 th2, __m256 m)
{
	__m256 d[3], fd2 = _mm256_setzero_ps(), acc, self;
	int k;

	for (k = 0; k < D; k++) {
		d[k] = _mm256_sub_ps(g->P[k], _mm256_broadcast_ss(&c->com[k]));
		fd2 = _mm256_add_ps(fd2, _mm256_mul_ps(d[k], d[k]));
	}
	self = _mm256_castsi256_ps(_mm256_andnot_si256(
	    _mm256_cmpgt_epi32(_mm256_set1_epi32((int)c->first), g->at),
	    _mm256_cmpgt_epi32(_mm256_set1_epi32((int)c->lim), g->at)));
	acc = _mm256_cmp_ps(_mm256_broadcast_ss(&c->w2), _mm256_mul_ps(th2, fd2), _CMP_LT_OQ);
	acc = _mm256_andnot_ps(self, acc);
	lanes_terms(D, g, d, fd2, _mm256_and_ps(_mm256_and_ps(acc, m),
	    _mm256_broadcast_ss(&c->count)));
	return _mm256_andnot_ps(_mm256_or_ps(acc, self), m);
}

/* the walk of the lanes of g together, D fixed, lanes m active: each lane
 * visits, summarises and opens the cells of its own walk_d; the cells after
 * a subtree only some lanes open wait on a stack (cells nest at most
 * SPTREE_MAXDEPTH + 1 deep) */
static inline __attribute__((always_inline)) void
lanes_walk(const SpTree *t, Lanes *g, int D, float th2, __m256 m)
{
	struct { size_t i, end; __m256 m; } st[SPTREE_MAXDEPTH + 2];
	size_t i = 0, end = t->nc, sp = 0;
	__m256 open, vth2 = _mm256_set1_ps(th2);
	int um = _mm256_movemask_ps(m), uo;

	for (;;) {
		if (i >= end) {
			if (!sp)
				break;
			sp--;
			i = st[sp].i, end = st[sp].end, m = st[sp].m;
			um = _mm256_movemask_ps(m);
			continue;
		}
		open = lanes_cell(D, g, &t->c[i], vth2, m);
		uo = _mm256_movemask_ps(open);
		if (!uo) {
			i = t->c[i].next;
		} else if (uo == um) {
			i++; /* all open it: its children follow, then next, same lanes */
		} else {
			st[sp].i = t->c[i].next, st[sp].end = end, st[sp].m = m, sp++;
			end = t->c[i].next, m = open, um = uo, i++;
		}
	}
}

/* sptree_repulsion_group for D fixed, AVX2 */
static inline __attribute__((always_inline)) void
group(const SpTree *t, int D, size_t a, size_t b, double theta, double *neg, double *sumq)
{
	Lanes g;
	float p[3][8];
	int at[8], m[8];
	double s[8], f[3][8];
	size_t l;
	int k;

	group_in(t, D, a, b, 8, p[0], at);
	for (l = 0; l < 8; l++)
		m[l] = l < b - a ? -1 : 0;
	for (k = 0; k < D; k++) {
		g.P[k] = _mm256_loadu_ps(p[k]);
		g.F[k][0] = g.F[k][1] = _mm256_setzero_pd();
	}
	g.S[0] = g.S[1] = _mm256_setzero_pd();
	g.at = _mm256_loadu_si256((const __m256i *)at);
	lanes_walk(t, &g, D, (float)(theta * theta), _mm256_loadu_ps((const float *)m));
	_mm256_storeu_pd(s, g.S[0]);
	_mm256_storeu_pd(s + 4, g.S[1]);
	for (k = 0; k < D; k++) {
		_mm256_storeu_pd(f[k], g.F[k][0]);
		_mm256_storeu_pd(f[k] + 4, g.F[k][1]);
	}
	group_out(t, D, a, b, 8, f[0], s, neg, sumq);
}

SP_BY_DIMS(group, group)

#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
#pragma GCC optimize("O3", "fp-contract=off")

/* Lanes with 16 lanes (AVX-512), two a group: a group of 32 points visits
 * 12 cells a point where groups of 8 visit 34 (the union of its points'
 * walks) */
typedef struct Lanes16 {
	__m512 P[3];
	__m512i at;
	__m512d F[3][2], S[2]; /* lanes 0-7 and 8-15 */
} Lanes16;

/* the lower (h 0) or upper 8 float lanes of x as doubles */
static inline __attribute__((always_inline)) __m512d
half_pd(__m512 x, int h)
{
	return _mm512_cvtps_pd(h ? _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1)) :
	    _mm512_castps512_ps256(x));
}

/* lanes_terms for 16 lanes */
static inline __attribute__((always_inline)) void
terms16(int D, Lanes16 *g, const __m512 *d, __m512 fd2, __m512 cnt)
{
	__m512 q, one = _mm512_set1_ps(1);
	__m512d w, c, two = _mm512_set1_pd(2);
	int k, h;

	if (D == 3) {
		for (h = 0; h < 2; h++) {
			c = half_pd(cnt, h);
			w = _mm512_div_pd(two, _mm512_add_pd(two, half_pd(fd2, h)));
			w = _mm512_mul_pd(w, _mm512_sqrt_pd(w));
			g->S[h] = _mm512_add_pd(g->S[h], _mm512_mul_pd(c, w));
			w = _mm512_mul_pd(_mm512_mul_pd(c, w), w);
			for (k = 0; k < 3; k++)
				g->F[k][h] = _mm512_add_pd(g->F[k][h], _mm512_mul_pd(w, half_pd(d[k], h)));
		}
		return;
	}
	q = _mm512_div_ps(one, _mm512_add_ps(one, fd2));
	cnt = _mm512_mul_ps(cnt, q);
	q = _mm512_mul_ps(q, cnt);
	for (h = 0; h < 2; h++) {
		g->S[h] = _mm512_add_pd(g->S[h], half_pd(cnt, h));
		for (k = 0; k < D; k++)
			g->F[k][h] = _mm512_add_pd(g->F[k][h], half_pd(_mm512_mul_ps(q, d[k]), h));
	}
}

/* lanes_cell for 16 lanes */
static inline __attribute__((always_inline)) __mmask16
cell16(int D, Lanes16 *g, const Cell *c, __m512 th2, __mmask16 m)
{
	__m512 d[3], fd2 = _mm512_setzero_ps();
	__mmask16 acc, self;
	int k;

	for (k = 0; k < D; k++) {
		d[k] = _mm512_sub_ps(g->P[k], _mm512_set1_ps(c->com[k]));
		fd2 = _mm512_add_ps(fd2, _mm512_mul_ps(d[k], d[k]));
	}
	self = _mm512_cmpgt_epi32_mask(_mm512_set1_epi32((int)c->lim), g->at) &
	    ~_mm512_cmpgt_epi32_mask(_mm512_set1_epi32((int)c->first), g->at);
	acc = _mm512_cmp_ps_mask(_mm512_set1_ps(c->w2), _mm512_mul_ps(th2, fd2), _CMP_LT_OQ) &
	    ~self;
	terms16(D, g, d, fd2, _mm512_maskz_mov_ps(acc & m, _mm512_set1_ps(c->count)));
	return m & ~(acc | self);
}

/* lanes_walk for 32 lanes: two Lanes16, each cell visited for the halves
 * with lanes in m */
static inline __attribute__((always_inline)) void
walk32(const SpTree *t, Lanes16 *g, int D, float th2, uint32_t m)
{
	struct { size_t i, end; uint32_t m; } st[SPTREE_MAXDEPTH + 2];
	size_t i = 0, end = t->nc, sp = 0;
	__m512 vth2 = _mm512_set1_ps(th2);
	uint32_t open;

	for (;;) {
		if (i >= end) {
			if (!sp)
				break;
			sp--;
			i = st[sp].i, end = st[sp].end, m = st[sp].m;
			continue;
		}
		open = 0;
		if (m & 0xffff)
			open = cell16(D, g, &t->c[i], vth2, (__mmask16)m);
		if (m >> 16)
			open |= (uint32_t)cell16(D, g + 1, &t->c[i], vth2, (__mmask16)(m >> 16)) << 16;
		if (!open) {
			i = t->c[i].next;
		} else if (open == m) {
			i++; /* all open it: its children follow, then next, same lanes */
		} else {
			st[sp].i = t->c[i].next, st[sp].end = end, st[sp].m = m, sp++;
			end = t->c[i].next, m = open, i++;
		}
	}
}

/* group for 32 lanes */
static inline __attribute__((always_inline)) void
group32(const SpTree *t, int D, size_t a, size_t b, double theta, double *neg, double *sumq)
{
	Lanes16 g[2];
	float p[3][32];
	int at[32];
	double s[32], f[3][32];
	int k, h, v;

	group_in(t, D, a, b, 32, p[0], at);
	for (v = 0; v < 2; v++) {
		for (k = 0; k < D; k++) {
			g[v].P[k] = _mm512_loadu_ps(p[k] + 16 * v);
			g[v].F[k][0] = g[v].F[k][1] = _mm512_setzero_pd();
		}
		g[v].S[0] = g[v].S[1] = _mm512_setzero_pd();
		g[v].at = _mm512_loadu_si512(at + 16 * v);
	}
	walk32(t, g, D, (float)(theta * theta), b - a == 32 ? ~0u : (1u << (b - a)) - 1);
	for (v = 0; v < 2; v++)
		for (h = 0; h < 2; h++) {
			_mm512_storeu_pd(s + 16 * v + 8 * h, g[v].S[h]);
			for (k = 0; k < D; k++)
				_mm512_storeu_pd(f[k] + 16 * v + 8 * h, g[v].F[k][h]);
		}
	group_out(t, D, a, b, 32, f[0], s, neg, sumq);
}

SP_BY_DIMS(group32_, group32)

#pragma GCC pop_options

/* the widest group walks the CPU can run: 32 (AVX-512), 8 (AVX2) or 1;
 * SV_SPTREE_LANES=8 or 1 takes a narrower one (the tests run every width) */
static int
lanes_width(void)
{
	static int w = -1;
	const char *e;
	int cap;

	if (w < 0) {
		e = getenv("SV_SPTREE_LANES");
		cap = e && *e == '1' ? 1 : e && *e == '8' ? 8 : 32;
		__builtin_cpu_init();
		w = __builtin_cpu_supports("avx512f") ? 32 : __builtin_cpu_supports("avx2") ? 8 : 1;
		w = w < cap ? w : cap;
	}
	return w;
}

#endif

void
sptree_repulsion_group(const SpTree *t, size_t a, size_t b, double theta, double *neg,
    double *sumq)
{
	size_t l;
#ifdef SP_X86
	size_t e;

	if (lanes_width() == 32) {
		if (t->dims == 2)
			group32_2(t, a, b, theta, neg, sumq);
		else if (t->dims == 3)
			group32_3(t, a, b, theta, neg, sumq);
		else
			group32_1(t, a, b, theta, neg, sumq);
		return;
	}
	for (; lanes_width() == 8 && a < b; a = e) {
		e = b - a < 8 ? b : a + 8;
		if (t->dims == 2)
			group2(t, a, e, theta, neg, sumq);
		else if (t->dims == 3)
			group3(t, a, e, theta, neg, sumq);
		else
			group1(t, a, e, theta, neg, sumq);
		sumq += e - a;
	}
#endif
	for (l = a; l < b; l++) /* one point at a time: the same numbers */
		sptree_repulsion(t, t->ord[l], theta, neg + (size_t)t->ord[l] * t->dims,
		    sumq + (l - a));
}
