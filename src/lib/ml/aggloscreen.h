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
 * aggloscreen_lb() then bounds a candidate's distance from below: each copy is
 * within a recorded distance e of its point, so the points are at least
 * sqrt(t shrink) - e_x - e_max apart; when that bound is above the threshold
 * (the best value so far), the candidate cannot win, otherwise the caller
 * computes the distance in double: results are those of the scan in double.
 * The bound is exact (no margin to tune): it adapts to any precision of the
 * copies, and only candidates within about 2 e of the threshold reach double. */
#ifndef SV_AGGLOSCREEN_H
#define SV_AGGLOSCREEN_H
#include <stddef.h>
#include <math.h>
#include <stdint.h>

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

/* A lower bound of the squared distance from x to a candidate screened at t
 * (S->t: squared distances): (sqrt(t shrink) - e_x - e_max)^2, or 0, lowered by
 * the rounding of this arithmetic. */
static inline double
aggloscreen_lb(const AggloScreen *S, size_t x, double t)
{
	double r = sqrt(t * S->shrink) * (1 - 4e-16) - (S->err[x] + S->emax) * (1 + 4e-16);

	return r > 0 ? r * r * (1 - 1e-15) : 0;
}

#endif
