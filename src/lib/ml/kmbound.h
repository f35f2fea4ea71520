/* kmbound.h — bounds for kmeans.c's Lloyd passes (Elkan 2003, Hamerly 2010; the
 * centres in groups as Yinyang, Ding et al. 2015), rigorous under rounding: a row
 * whose label provably cannot change skips the distance kernel.
 *
 *	KmBound kb; kmbound_init(&kb, d, k, G);
 *	xn[i] = kmbound_norm(x + i * d, d);               // once per row
 *	cmax = kmbound_cmax(&kb, c, d);                   // the centres of a pass
 *	kmbound_fresh(&kb, m, xn, cmax, lab, v, rs, cs, u, l);  // after the kernel
 *	kmbound_drifts(&kb, cold, cnew, d, drift, gdrift);     // after an update
 *	kmbound_keep(&kb, m, xn, lab, drift, gdrift, cmax, u, l, keep);
 *
 * The fit's label of a row is the first argmin over j of the float values
 *	v_j = fl(fma(-2, fl(x.c_j), csq_j)),  csq_j = (float)||c_j||^2 (double sum),
 * x.c_j one sequential fma chain over the d features.  With e_j = ||c_j||^2 -
 * 2 x.c_j exact (x and c_j the floats), |v_j - e_j| <= E =
 *	2 gamma_{d+2} (2 ||x|| cmax + cmax^2) + (4d + 16) 2^-149,
 * gamma_m = m 2^-24 / (1 - m 2^-24), cmax >= every ||c_j||: the fma chain's
 * error (gamma_d sum |x_f c_f| <= gamma_d ||x|| ||c_j||, Cauchy-Schwarz), the
 * final rounding and that of csq_j, the absolute errors of underflow, and a factor
 * 2 of safety; E is infinite when a float value might overflow (then no skip).
 * The k centres are cut into G groups of ceil(k / G) consecutive ones (G = k:
 * Elkan's bound per centre; G = 1: Hamerly's).  The bounds of a row labelled a:
 * u >= ||x - c_a||, l_g <= min ||x - c_j|| over the centres j != a of group g
 * (exact real distances).  From the kernel's values: u^2 <= v_a + E + ||x||^2,
 * l_g^2 >= min v_j - E + ||x||^2.  When the centres move by at most drift_j
 * (gdrift_g the largest in group g): u += drift_a, l_g -= gdrift_g (triangle
 * inequality).  The label cannot change when u^2 + 2E < min_g l_g^2: then
 * v_a < v_j for every j != a (so ties and their order do not matter).  All of it
 * is computed in double, each result moved outwards by a relative slack far above
 * the double rounding ((d + 16) 2^-51), so the bounds stay bounds; NaN anywhere
 * fails the test.  The bounds are floats (rounded outwards): 1 + G per row. */
#ifndef SV_KMBOUND_H
#define SV_KMBOUND_H
#include <stddef.h>

#define KMBOUND_ROWS 32      /* rows at most per kmbound_fresh call */

typedef struct KmBound {
	double g;            /* 2 gamma_{d+2} (infinite for absurd d) */
	double eta;          /* (4d + 16) 2^-149 */
	double rel;          /* (d + 16) 2^-51 */
	double vmax;         /* FLT_MAX / 8: larger magnitudes might overflow */
	size_t k, G, gs;     /* centres; groups of gs (the last one may be smaller) */
} KmBound;

/* The constants for d features and k centres in G (1 .. k) groups.  This
 * function can't fail. */
void kmbound_init(KmBound *kb, size_t d, size_t k, size_t G);
/* ||v|| of d floats in double (to within kb->rel).  Cannot fail. */
double kmbound_norm(const float *v, size_t d);
/* An upper bound of max_j ||c_j|| over the k centres c (k x d).  Cannot fail. */
double kmbound_cmax(const KmBound *kb, const float *c, size_t d);
/* drift[j] >= ||cnew_j - cold_j|| for the k centres, gdrift[g] >= the largest of
 * group g.  Cannot fail. */
void kmbound_drifts(const KmBound *kb, const float *cold, const float *cnew, size_t d,
    double *drift, double *gdrift);
/* Moves the bounds u[i], l[g * ls + i] (group g) of m rows by the drifts (u by
 * that of their centre lab[i]), then clears keep[i] unless row i's label cannot
 * change (xn: the rows' norms; cmax: kmbound_cmax of the moved centres).  Cannot
 * fail. */
void kmbound_keep(const KmBound *kb, size_t m, const double *xn, const int *lab,
    const double *drift, const double *gdrift, double cmax, int *keep, float *u, float *l,
    size_t ls);
/* The bounds u[i], l[g * ls + i] of m <= KMBOUND_ROWS rows labelled lab[i] from
 * their values, row i's of centre j at v[i * rs + j * cs]; xn, cmax as for
 * kmbound_keep.  Cannot fail. */
void kmbound_fresh(const KmBound *kb, size_t m, const double *xn, double cmax, const int *lab,
    const float *v, size_t rs, size_t cs, float *u, float *l, size_t ls);

#endif
