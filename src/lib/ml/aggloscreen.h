/* aggloscreen.h — telling, cheaply and exactly, that a candidate is farther than a
 * threshold, for the nearest-neighbour scans of ward and single linkage
 * (aggloscreen.c).  Points (ward: centroids) are kept in double (the exact
 * values, the caller's) and in float32, half the memory a scan reads.  A scan
 * computes the float32 squared distances t from x to all candidates, four side
 * by side; aggloscreen_far() then tests a candidate against a squared-distance
 * threshold thr: float arithmetic errs by at most DVEC_F32_ERR(d) relative and
 * each copy is within a recorded distance e of its point, so the candidate is
 * provably at least sqrt(thr) away when
 *	t (1 - 2 eps) >= thr (1 + eta)  and  sqrt(thr) eta / 2.01 >= e_x + e_max
 * (eta = 1e-5; sqrt(1 + eta) - 1 >= eta / 2.01).  Otherwise the caller computes
 * the distance in double: results are those of the scan in double.  Float32
 * input points have exact float32 copies (e = 0). */
#ifndef SV_AGGLOSCREEN_H
#define SV_AGGLOSCREEN_H
#include <stddef.h>

#include "ml/dvec.h"

#define SCREEN_ETA 1e-5
#define SCREEN_ROWS 32  /* scans kept for reuse (aggloscreen_init's rows) */

typedef struct AggloScreen {
	size_t n, d;
	float *f;            /* n x d float32 copies */
	double *err;         /* n: |point - copy| bounds */
	double emax;         /* the largest err so far */
	float *t;            /* n: squared distances of the current scan */
	double shrink;       /* 1 - 2 DVEC_F32_ERR(d) */
	/* kept scans: the distances from point who[r] to every point, by point,
	 * valid for the points not set since when[r] */
	size_t nrows, *who;
	unsigned long *when, clock, *set; /* set[i]: when point i was last set */
	float **row;
} AggloScreen;

/* n x d points in double.  rows: keep the scans of that many points (0 or
 * SCREEN_ROWS) and reuse them, so that a point scanned again costs only the
 * distances to the points set since (the nearest-neighbour chain scans the same
 * clusters again after each merge).  Exits only when memory runs out. */
void aggloscreen_init(AggloScreen *S, const double *x, size_t n, size_t d, size_t rows);
/* point i is now c (ward: a merged centroid) */
void aggloscreen_set(AggloScreen *S, size_t i, const double *c);
/* S->t[q] = float32 squared distances from x to the candidates idx[0..cnt) */
void aggloscreen_scan(AggloScreen *S, size_t x, const size_t *idx, size_t cnt);
void del_aggloscreen(AggloScreen *S);

/* 1 when the q-th candidate of the scan from x is provably at squared distance
 * >= thr (see above); 0 when the double distance must decide. */
static inline int
aggloscreen_far(const AggloScreen *S, size_t x, size_t q, double thr)
{
	double e = S->err[x] + S->emax;

	return (double)S->t[q] * S->shrink >= thr * (1 + SCREEN_ETA) &&
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
