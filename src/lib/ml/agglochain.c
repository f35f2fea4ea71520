/* agglochain.c — nearest-neighbour chain and Prim for agglomerative clustering
 * (see agglochain.h and agglo.h). */
#include "ml/agglochain.h"
#include "ml/aggloscreen.h"
#include "ml/dvec.h"
#include "core/hugebuf.h"
#include "core/pool.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the active clusters ---- */

#define MAT_ROWS 32 /* complete, average: matrix rows kept dense */

typedef struct RowCache {
	size_t who[MAT_ROWS];       /* the cluster of each row; SIZE_MAX: none */
	unsigned long when[MAT_ROWS], clock;
	double *row[MAT_ROWS];      /* n entries, by cluster index */
} RowCache;

typedef struct Chain {
	size_t n, d;
	int linkage;
	size_t *size;        /* records in the cluster of each index; 0 = merged away */
	size_t *act, nact;   /* the active indices, increasing */
	const double *x;
	double *cent;        /* ward: n x d centroids */
	AggloScreen scr;     /* ward: their 16-bit screens */
	double *inv;         /* ward: 1 / (2 size) per cluster */
	double *ainv;        /* ward: the same in the order of act */
	double *ratio;       /* ward: n scan values */
	double *D;           /* complete, average: condensed n x n distances */
	RowCache rows;       /* complete, average: rows kept dense */
} Chain;

static void
chain_init(Chain *C, const double *x, size_t n, size_t d, int linkage)
{
	size_t i;

	memset(C, 0, sizeof *C);
	C->n = n, C->d = d, C->x = x, C->linkage = linkage;
	C->size = ereallocarray(NULL, n, sizeof(size_t));
	C->act = ereallocarray(NULL, n, sizeof(size_t));
	for (i = 0; i < n; i++)
		C->size[i] = 1, C->act[i] = i;
	C->nact = n;
}

/* Where index i is (or would go) in the sorted active list. */
static size_t
position(const size_t *act, size_t nact, size_t i)
{
	size_t lo = 0, hi = nact, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (act[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Remove index i from the sorted active list; returns where it was. */
static size_t
deactivate(size_t *act, size_t *nact, size_t i)
{
	size_t lo = position(act, *nact, i);

	memmove(act + lo, act + lo + 1, (*nact - lo - 1) * sizeof(size_t));
	(*nact)--;
	return lo;
}

/* index of (i, j), i != j, in the lower triangle by rows: row i holds its
 * entries j < i, consecutive (scipy's condensed matrix is the upper triangle; the
 * lower one makes the merged row, whose index is the higher of the two, mostly
 * consecutive entries) */
static inline size_t
cidx(size_t i, size_t j)
{
	if (i < j) {
		size_t t = i;
		i = j, j = t;
	}
	return i * (i - 1) / 2 + j;
}

/* ---- distances between clusters ---- */

#define FAST_ETA 1e-3 /* ward: the margin of the bound without its square root */

/* ward: whether a cluster screened at t with s = 1/(2|A|) + 1/(2|B|) has a ward
 * value provably above bnd, when the quick test (ward_nearest) could not tell
 * (strictly: bnd may be 0, the value of the cluster that gave it) */
static int
ward_far(const Chain *C, size_t x, double t, double s, double bnd)
{
	return aggloscreen_lb(&C->scr, x, t) / s * (1 - 1e-15) > bnd;
}

/* ward: the nearest active cluster of x (prev, if any, kept on ties), by
 * 2 |A| |B| / (|A| + |B|) |c_A - c_B|^2 (the square of scipy's distance), that is
 * |c_A - c_B|^2 / s with s = 1/(2|A|) + 1/(2|B|).  A cluster whose screened lower
 * bound (aggloscreen_lb / s) is at least the best exact value cur (1 + 1e-12)
 * cannot beat it (1e-12: the rounding of the exact values) and is skipped.  Two
 * passes: the bounds of all clusters, then in index order (as scipy's scan) the
 * exact values of those not provably above the exact value of the cluster with
 * the smallest bound. */
static size_t
ward_nearest(Chain *C, size_t x, size_t prev, int haveprev, double *best)
{
	size_t q, i, y = prev, d = C->d, nx = C->size[x], qmin = SIZE_MAX;
	const double *cx = C->cent + x * d;
	double cur = INFINITY, b, t, bnd, fast, slim, e, invx = C->inv[x], *r = C->ratio;
	double rmin = INFINITY;

	aggloscreen_scan(&C->scr, x, C->act, C->nact);
	for (q = 0; q < C->nact; q++) { /* r = t / s: the screened ward values */
		r[q] = C->scr.t[q] / (C->ainv[q] + invx);
		if (r[q] < rmin && C->act[q] != x)
			rmin = r[q], qmin = q;
	}
	if (haveprev)
		cur = 2.0 * (double)nx * (double)C->size[prev] / (double)(nx + C->size[prev]) *
		    dvec_sqdist(cx, C->cent + prev * d, d);
	/* b: an exact value, that of the most promising cluster, bounds the minimum */
	i = qmin < C->nact ? C->act[qmin] : x;
	b = i == x ? cur : 2.0 * (double)nx * (double)C->size[i] / (double)(nx + C->size[i]) *
	    dvec_sqdist(cx, C->cent + i * d, d);
	/* provably above b: not the minimum.  Quick test: t shrink >= bnd s (1 + eta)
	 * and sqrt(bnd s) eta / 2.01 >= e_x + e_max imply the bound (sqrt(1 + eta) - 1
	 * >= eta / 2.01): r >= fast and s >= slim */
	bnd = (b < cur ? b : cur) * (1 + 1e-12);
	e = C->scr.err[x] + C->scr.emax;
	fast = bnd * (1 + FAST_ETA) / C->scr.shrink;
	slim = bnd < 1e300 && bnd > 0 ? e * e / (bnd * (FAST_ETA / 2.01) * (FAST_ETA / 2.01)) : INFINITY;
	for (q = 0; q < C->nact; q++) {
		if ((i = C->act[q]) == x || (r[q] >= fast && C->ainv[q] + invx >= slim) ||
		    ward_far(C, x, C->scr.t[q], C->ainv[q] + invx, bnd))
			continue;
		t = 2.0 * (double)nx * (double)C->size[i] / (double)(nx + C->size[i]) *
		    dvec_sqdist(cx, C->cent + i * d, d);
		if (t < cur)
			cur = t, y = i;
	}
	*best = cur;
	return y;
}

static void
ward_merge(Chain *C, size_t x, size_t y)
{
	size_t f, d = C->d;
	double nx = (double)C->size[x], ny = (double)C->size[y];
	double *cx = C->cent + x * d, *cy = C->cent + y * d;

	for (f = 0; f < d; f++)
		cy[f] = (nx * cx[f] + ny * cy[f]) / (nx + ny);
	C->size[y] += C->size[x];
	C->size[x] = 0;
	C->inv[y] = 0.5 / (double)C->size[y];
	C->ainv[position(C->act, C->nact, y)] = C->inv[y];
	aggloscreen_set(&C->scr, y, cy);
}

#define PF_AHEAD 64 /* matrix scans: prefetch this many entries ahead */

/* ---- kept matrix rows: the chain scans the same clusters again, and merges the
 * two it scanned last; a row of the condensed matrix is half column entries (a
 * cache miss each), a kept row is dense by cluster index.  Kept entries are
 * copies of the matrix's: the same values. ---- */

static void
rows_init(RowCache *R, size_t n)
{
	size_t r;

	memset(R, 0, sizeof *R);
	for (r = 0; r < MAT_ROWS; r++) {
		R->who[r] = SIZE_MAX;
		R->row[r] = ereallocarray(NULL, n, sizeof(double));
	}
}

/* the kept row of cluster x, or NULL */
static double *
rows_find(RowCache *R, size_t x)
{
	size_t r;

	for (r = 0; r < MAT_ROWS; r++)
		if (R->who[r] == x) {
			R->when[r] = ++R->clock;
			return R->row[r];
		}
	return NULL;
}

/* the least recently used row, now x's (its entries to be filled) */
static double *
rows_take(RowCache *R, size_t x)
{
	size_t r, old = 0;

	for (r = 1; r < MAT_ROWS; r++)
		if (R->when[r] < R->when[old])
			old = r;
	R->who[old] = x;
	R->when[old] = ++R->clock;
	return R->row[old];
}

static void
rows_free(RowCache *R)
{
	size_t r;

	for (r = 0; r < MAT_ROWS; r++)
		free(R->row[r]);
}

/* the first nearest of x from a kept row (scipy's scan: strict <, from prev) */
static size_t
row_nearest(const Chain *C, const double *row, size_t x, size_t y, double *cur)
{
	size_t q, i;

	for (q = 0; q < C->nact; q++)
		if ((i = C->act[q]) != x && row[i] < *cur)
			*cur = row[i], y = i;
	return y;
}

/* complete, average: the nearest active cluster of x in the matrix (its row
 * kept on the way) */
static size_t
mat_nearest(Chain *C, size_t x, size_t prev, int haveprev, double *best)
{
	size_t q, i, y = prev;
	double *row = rows_find(&C->rows, x), *fill, cur = INFINITY, t;

	if (row) {
		cur = haveprev ? row[prev] : INFINITY;
		y = row_nearest(C, row, x, y, &cur);
		*best = cur;
		return y;
	}
	fill = rows_take(&C->rows, x);
	cur = haveprev ? C->D[cidx(x, prev)] : INFINITY;
	for (q = 0; q < C->nact; q++) {
		if (q + PF_AHEAD < C->nact && C->act[q + PF_AHEAD] > x) /* a column entry: a miss */
			__builtin_prefetch(&C->D[cidx(x, C->act[q + PF_AHEAD])]);
		if ((i = C->act[q]) == x)
			continue;
		fill[i] = t = C->D[cidx(x, i)];
		if (t < cur)
			cur = t, y = i;
	}
	*best = cur;
	return y;
}

/* scipy's Lance-Williams update for the cluster x + y kept at y (x already
 * removed from the active list); the kept rows follow */
static void
mat_merge(Chain *C, size_t x, size_t y)
{
	size_t q, i, r;
	double nx = (double)C->size[x], ny = (double)C->size[y], dx, dy, v;
	double *rx = rows_find(&C->rows, x), *ry = rows_find(&C->rows, y);
	double *out = ry ? ry : rows_take(&C->rows, y); /* not rx: just used */

	for (q = 0; q < C->nact; q++) {
		if (q + PF_AHEAD < C->nact && (i = C->act[q + PF_AHEAD]) > y) {
			if (!rx)
				__builtin_prefetch(&C->D[cidx(i, x)]);
			__builtin_prefetch(&C->D[cidx(i, y)], 1);
		}
		if ((i = C->act[q]) == y)
			continue;
		dx = rx ? rx[i] : C->D[cidx(i, x)];
		dy = ry ? ry[i] : C->D[cidx(i, y)];
		v = C->linkage == AGGLO_COMPLETE ? (dx > dy ? dx : dy) : (nx * dx + ny * dy) / (nx + ny);
		C->D[cidx(i, y)] = out[i] = v;
	}
	for (r = 0; r < MAT_ROWS; r++) {
		if (C->rows.who[r] == x)
			C->rows.who[r] = SIZE_MAX, C->rows.when[r] = 0;
		else if (C->rows.who[r] != SIZE_MAX && C->rows.who[r] != y)
			C->rows.row[r][y] = out[C->rows.who[r]];
	}
}

/* ---- the chain (scipy's nn_chain) ---- */

static void
chain_run(Chain *C, Progress *p, AggloMerge *z)
{
	size_t *chain = ereallocarray(NULL, C->n, sizeof(size_t)), len = 0, k, x = 0, y = 0, t, q;
	int ward = C->linkage == AGGLO_WARD;
	double dist = 0;

	for (k = 0; k + 1 < C->n; k++) {
		if (len == 0)
			chain[len++] = C->act[0];
		for (;;) {
			x = chain[len - 1];
			y = ward ? ward_nearest(C, x, len > 1 ? chain[len - 2] : 0, len > 1, &dist) :
			    mat_nearest(C, x, len > 1 ? chain[len - 2] : 0, len > 1, &dist);
			if (len > 1 && y == chain[len - 2])
				break;
			chain[len++] = y;
		}
		len -= 2;
		if (x > y)
			t = x, x = y, y = t;
		z[k].a = x, z[k].b = y, z[k].dist = ward ? sqrt(dist) : dist;
		q = deactivate(C->act, &C->nact, x);
		if (ward) {
			memmove(C->ainv + q, C->ainv + q + 1, (C->nact - q) * sizeof(double));
			aggloscreen_remove(&C->scr, x);
			ward_merge(C, x, y);
		} else {
			mat_merge(C, x, y);
			C->size[y] += C->size[x];
			C->size[x] = 0;
		}
		progress_do(p, k + 1);
	}
	free(chain);
}

void
agglochain_ward(const double *x, size_t n, size_t d, Progress *p, AggloMerge *z)
{
	Chain C;
	size_t i;

	chain_init(&C, x, n, d, AGGLO_WARD);
	C.cent = ereallocarray(NULL, n, d * sizeof(double));
	memcpy(C.cent, x, n * d * sizeof(double));
	C.inv = ereallocarray(NULL, n, sizeof(double));
	C.ainv = ereallocarray(NULL, n, sizeof(double));
	C.ratio = ereallocarray(NULL, n, sizeof(double));
	for (i = 0; i < n; i++)
		C.inv[i] = C.ainv[i] = 0.5;
	aggloscreen_init(&C.scr, x, n, d, SCREEN_ROWS);
	chain_run(&C, p, z);
	del_aggloscreen(&C.scr);
	free(C.cent), free(C.inv), free(C.ainv), free(C.ratio), free(C.size), free(C.act);
}

/* ---- the condensed matrix ---- */

#define PD_ROWS 16   /* rows of a task */
#define PD_BLKS 32   /* packed blocks of 8 columns in a tile: kept in cache for the
                      * task's rows */

typedef struct Pdist {
	const double *pk;    /* the rows packed by 8 (dvec_pack8) */
	const double *x;
	size_t n, d;
	double *D;
} Pdist;

/* rows b*PD_ROWS.. of the condensed matrix, a tile of PD_BLKS blocks at a time:
 * the distances of row i to the 8 rows of a block, those before i stored (a
 * row's entries are consecutive in the condensed matrix) */
static void
pdist_block(void *arg, size_t b, int tid)
{
	Pdist *P = arg;
	size_t i, k, k0, k1, l, cnt, n = P->n, d = P->d, r0 = b * PD_ROWS, r1 = r0 + PD_ROWS;
	size_t nb;
	double out[8], *dst;

	r1 = r1 < n ? r1 : n;
	nb = (r1 - 1 + 7) / 8; /* the blocks of the columns before the task's last row */
	for (k0 = 0; k0 < nb; k0 += PD_BLKS) {
		k1 = k0 + PD_BLKS < nb ? k0 + PD_BLKS : nb;
		for (i = r0 > 1 ? r0 : 1; i < r1; i++)
			for (k = k0; k < k1 && 8 * k < i; k++) {
				dvec_dist_pack8(P->x + i * d, P->pk + k * 8 * d, d, out);
				cnt = 8 * k + 8 < i ? 8 : i - 8 * k;
				dst = &P->D[cidx(i, 8 * k)];
				for (l = 0; l < cnt; l++)
					dst[l] = out[l];
			}
	}
}

int
agglochain_matrix(const double *x, size_t n, size_t d, int linkage, int nthreads,
    const char *name, Progress *p, AggloMerge *z)
{
	Chain C;
	Pdist P;
	size_t npair = n * (n - 1) / 2;
	double *pk;
	void *mem;

	if (n > ((size_t)1 << 31) || !(mem = hugebuf_alloc(npair, sizeof(double)))) {
		weprintf("%s: %s linkage of %zu records needs %.1f GB for their distance matrix "
		    "(n (n - 1) / 2 doubles), more than this machine can give; ward and single "
		    "linkage need none", name, agglo_linkage_name(linkage), n,
		    (double)npair * 8 / 1e9);
		return -1;
	}
	chain_init(&C, x, n, d, linkage);
	rows_init(&C.rows, n);
	C.D = mem;
	pk = ereallocarray(NULL, (n + 7) / 8, 8 * (d ? d : 1) * sizeof(double));
	dvec_pack8(x, n, d, pk);
	P.pk = pk, P.x = x, P.n = n, P.d = d, P.D = C.D;
	pool_run(nthreads, (n + PD_ROWS - 1) / PD_ROWS, pdist_block, &P);
	free(pk);
	chain_run(&C, p, z);
	rows_free(&C.rows);
	free(C.D), free(C.size), free(C.act);
	return 0;
}

/* ---- single linkage: Prim (sklearn's mst_linkage_core) ---- */

/* the float32 bound, in units of s2, below which a screened distance must be
 * computed in double, for cur[j]: a candidate screened at t >= it is at squared
 * distance >= cur (1 + 1e-12) (aggloscreen_lb, e_x + e_max <= 2 e_max; 1e-12: the
 * rounding of the exact values); an infinite bound when it is beyond float32.
 * Not inlined: the scan loop that calls it rarely keeps its registers. */
static __attribute__((noinline)) float
mst_lim(const AggloScreen *S, double cur)
{
	double r = sqrt(cur * (1 + 1e-12)) * (1 + 1e-15) + 2 * S->emax * (1 + 1e-15);

	if (!(r < 1e150))
		return INFINITY;
	return nextafterf((float)(r * r * (1 + 1e-12) / (S->shrink * S->s2)), INFINITY);
}

/* One step from node (removed from the screen after): cur[j] lowered to the
 * distance to node, in double where the screen cannot tell; returns the next node,
 * the first of the smallest cur (scan in index order: the slots are). */
static size_t
mst_step(AggloScreen *S, const double *x, size_t d, size_t node, double *cur, float *lim,
    double *best)
{
	size_t s, j, next = 0;
	double t, b = INFINITY;

	aggloscreen_scan_slots(S, node);
	for (s = 0; s < S->nslot; s++) {
		if ((j = S->who[s]) == SIZE_MAX || j == node)
			continue;
		if (S->ts[s] < lim[j]) {
			t = dvec_sqdist(x + node * d, x + j * d, d);
			if (t < cur[j])
				cur[j] = t, lim[j] = mst_lim(S, t);
		}
		if (cur[j] < b)
			b = cur[j], next = j;
	}
	*best = b;
	return next;
}

void
agglochain_mst(const double *x, size_t n, size_t d, Progress *p, AggloMerge *z)
{
	AggloScreen S;
	double *cur = ereallocarray(NULL, n, sizeof(double)), best;
	float *lim = ereallocarray(NULL, n, sizeof(float));
	size_t i, node = 0, next;

	aggloscreen_init(&S, x, n, d, 0);
	for (i = 0; i < n; i++)
		cur[i] = INFINITY, lim[i] = INFINITY;
	for (i = 0; i + 1 < n; i++) {
		next = mst_step(&S, x, d, node, cur, lim, &best);
		aggloscreen_remove(&S, node);
		z[i].a = node, z[i].b = next, z[i].dist = sqrt(best);
		node = next;
		progress_do(p, i + 1);
	}
	del_aggloscreen(&S);
	free(cur), free(lim);
}
