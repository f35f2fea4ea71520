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

typedef struct AggloScreen {
	size_t n, d;
	float *f;            /* n x d float32 copies */
	double *err;         /* n: |point - copy| bounds */
	double emax;         /* the largest err so far */
	float *t;            /* n: squared distances of the current scan */
	double shrink;       /* 1 - 2 DVEC_F32_ERR(d) */
} AggloScreen;

/* n x d points in double.  Exits only when memory runs out. */
void aggloscreen_init(AggloScreen *S, const double *x, size_t n, size_t d);
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

#endif
