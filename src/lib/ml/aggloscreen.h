/* aggloscreen.h — telling, cheaply and exactly, that a candidate is farther than a
 * threshold, for the nearest-neighbour scans of ward and single linkage
 * (aggloscreen.c).  Points (ward: centroids) are kept in double (the exact
 * values, the caller's) and as 16-bit integer copies mid + scale q (|q| <=
 * SCREEN_QMAX, one scale for every coordinate, so distances keep their order up
 * to the copy errors): a quarter of the memory a scan reads, which then stays in
 * the second-level cache.  Copies are stored in blocks of SCREEN_LANES points,
 * coordinate pairs of the block side by side, so that a scan computes the
 * squared distances of SCREEN_LANES points at once, exactly in integers for each
 * pair of coordinates and summed in float32 (relative error at most 1 - shrink,
 * the same bits on every CPU; kept in units of scale^2, so they cannot overflow).
 * aggloscreen_far() then tests a candidate against
 * a squared-distance threshold thr: each copy is within a recorded distance e of
 * its point, so the candidate is provably at least sqrt(thr) away when
 *	t shrink >= thr (1 + eta)  and  sqrt(thr) eta / 2.01 >= e_x + e_max
 * (eta = SCREEN_ETA; sqrt(1 + eta) - 1 >= eta / 2.01).  Otherwise the caller
 * computes the distance in double: results are those of the scan in double. */
#ifndef SV_AGGLOSCREEN_H
#define SV_AGGLOSCREEN_H
#include <stddef.h>
#include <stdint.h>

#define SCREEN_ETA 1e-3
#define SCREEN_ROWS 32    /* scans kept for reuse (aggloscreen_init's rows) */
#define SCREEN_LANES 16   /* points of a block */
#define SCREEN_QMAX 16383 /* differences fit in int16, a pair of their squares in int32 */

typedef struct AggloScreen {
	size_t n, d, np;     /* np: coordinate pairs, (d + 1) / 2 */
	double *mid, scale;  /* the copy of point i is mid + scale q_i */
	double s2;           /* scale^2 */
	int16_t *q;          /* blocks: [pair][lane][2] */
	int32_t *qx;         /* the scanned point's copy, one pair per entry */
	size_t nslot, nlive; /* slots in use (live or removed), live points */
	size_t *slot, *who;  /* slot of each point (SIZE_MAX: removed), point of each slot */
	float *ts;           /* by slot: squared distances of the last scan / s2 */
	double *err;         /* n: |point - copy| bounds */
	double emax;         /* the largest err so far */
	double *t;           /* squared distances of the current scan, by candidate */
	double shrink;       /* 1 - the relative error of t */
	/* kept scans: the distances from point who[r] to every point, by point,
	 * valid for the points not set since when[r] */
	size_t nrows, *rwho;
	unsigned long *when, clock, *set; /* set[i]: when point i was last set */
	float **row;
} AggloScreen;

/* n x d points in double.  rows: keep the scans of that many points (0 or
 * SCREEN_ROWS) and reuse them, so that a point scanned again costs only the
 * distances to the points set since (the nearest-neighbour chain scans the same
 * clusters again after each merge).  Exits only when memory runs out. */
void aggloscreen_init(AggloScreen *S, const double *x, size_t n, size_t d, size_t rows);
/* point i is now c (ward: a merged centroid, inside the points' bounding box) */
void aggloscreen_set(AggloScreen *S, size_t i, const double *c);
/* point i is no longer a candidate (nor scanned from) */
void aggloscreen_remove(AggloScreen *S, size_t i);
/* S->ts[s] = squared distances / s2 from x to the point of every slot s <
 * S->nslot (removed ones: any value) */
void aggloscreen_scan_slots(AggloScreen *S, size_t x);
/* S->t[q] = squared distances from x to the live candidates idx[0..cnt) */
void aggloscreen_scan(AggloScreen *S, size_t x, const size_t *idx, size_t cnt);
void del_aggloscreen(AggloScreen *S);

/* 1 when a candidate at screened squared distance t from x is provably at
 * squared distance >= thr (see above); 0 when the double distance must decide. */
static inline int
aggloscreen_far(const AggloScreen *S, size_t x, double t, double thr)
{
	double e = S->err[x] + S->emax;

	return (double)t * S->shrink >= thr * (1 + SCREEN_ETA) &&
	    thr * (SCREEN_ETA / 2.01) * (SCREEN_ETA / 2.01) >= e * e && thr < 1e300;
}

/* The same test for thresholds thr = base s, s >= 0 varying by candidate: the
 * q-th candidate is provably far when t[q] >= lim[0] s and s >= lim[1]. */
static inline void
aggloscreen_lim(const AggloScreen *S, size_t x, double base, double *lim)
{
	double e = S->err[x] + S->emax, kk = (SCREEN_ETA / 2.01) * (SCREEN_ETA / 2.01);

	lim[0] = lim[1] = 1.0 / 0.0;
	if (base < 1e300 && base > 0) {
		lim[0] = base * (1 + SCREEN_ETA) / S->shrink;
		lim[1] = e * e / (kk * base);
	}
}

#endif
