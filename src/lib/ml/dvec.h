/* dvec.h — double-precision vector kernels shared by the fits that work in double
 * (gmm, agglo): AVX2+FMA or plain C, picked when the program loads (GCC
 * target_clones).  Sums use 8 partial sums added in a fixed order, so results do
 * not depend on threads or alignment; they differ in the last bits between the two
 * versions (FMA), not between runs.  None of these can fail. */
#ifndef SV_DVEC_H
#define SV_DVEC_H
#include <stddef.h>

/* sum of (a - b)^2 */
double dvec_sqdist(const double *a, const double *b, size_t d);
/* sum of a^2 */
double dvec_sumsq(const double *a, size_t d);
/* sum of ((a - b) w)^2 */
double dvec_wsqdist(const double *a, const double *b, const double *w, size_t d);
/* v += s (a - b)^2, elementwise */
void dvec_addsq(double *v, double s, const double *a, const double *b, size_t d);
/* out = s * (a - b) */
void dvec_scaled_sub(double *out, double s, const double *a, const double *b, size_t d);
/* y += s * x */
void dvec_axpy(double *y, double s, const double *x, size_t d);
/* sum of (a - b)^2 in float32 arithmetic, 8 partial sums: relative error at most
 * DVEC_F32_ERR(d) (for screening candidates before an exact double test) */
float dvec_sqdist_f32(const float *a, const float *b, size_t d);
#define DVEC_F32_ERR(d) (((double)(d) / 8 + 8) * 5.9604644775390625e-08)
/* out[r] = dvec_sqdist_f32(a, base + idx[r] * d, d) for r < cnt (candidates
 * computed side by side) */
void dvec_sqdist_f32_idx(const float *a, const float *base, const size_t *idx, size_t cnt,
    size_t d, float *out);
/* out[r] = dvec_sqdist(a, b + r * d, d) for r < cnt (consecutive rows) */
void dvec_sqdist_rows(const double *a, const double *b, size_t cnt, size_t d, double *out);
/* s[j d + f] += r[i k + j] x[i d + f] and (q not NULL) q[j d + f] += r[i k + j]
 * x[i d + f]^2 over the m rows i in order; the same bits in every version (no
 * fma) */
void dvec_wsums(const double *x, const double *r, size_t m, size_t k, size_t d, double *s,
    double *q);
/* dvec_wsums of the rows xf - sh (in double), the same bits as of those rows */
void dvec_wsums_f(const float *xf, const double *sh, const double *r, size_t m, size_t k,
    size_t d, double *s, double *q);
/* dvec_wsums (of x, or x NULL: of xf - sh) for responsibilities that are 1 in
 * column lab[i] of row i and 0 elsewhere: the same bits (the zero terms add
 * nothing), a row's values added to its component's sums only */
void dvec_label_sums(const double *x, const float *xf, const double *sh, const int *lab,
    size_t m, size_t d, double *s, double *q);
/* out[r] = dvec_wsqdist(a, b + r * d, w + r * d, d) for r < cnt */
void dvec_wsqdist_rows(const double *a, const double *b, const double *w, size_t cnt, size_t d,
    double *out);
/* w[i k + j] = -0.5 (c + w[i k + j] (sc: sc[j] sc[j])) + ld[j] + lw[j] for m rows
 * of k (a mixture's weighted log-probabilities from squared distances) */
void dvec_wlogp(double *w, size_t m, size_t k, double c, const double *ld, const double *lw,
    const double *sc);
/* w[i k + j] = e[i k + j] / s[i] for m rows of k */
void dvec_rows_div(double *w, const double *e, const double *s, size_t m, size_t k);
/* acc[f] += x[i d + f] for the n rows i in order */
void dvec_colsums_f(double *acc, const float *x, size_t n, size_t d);
/* out = (double)x - sh for m rows of d */
void dvec_from_float_sub(double *out, const float *x, const double *sh, size_t m, size_t d);
/* n rows packed by 8 for dvec_dist_pack8: block k holds rows 8k..8k+7 as d
 * groups of 8 (row 8k + l at [k][f][l]; rows past n as zeros): (n + 7) / 8
 * blocks of 8 d doubles */
void dvec_pack8(const double *x, size_t n, size_t d, double *pk);
/* out[l] = sqrt(dvec_sqdist(a, row l of the packed block blk, d)) for l < 8,
 * the same bits (the operations of dvec_sqdist in its order, the 8 rows side
 * by side) */
void dvec_dist_pack8(const double *a, const double *blk, size_t d, double *out);
/* out = (double)x (float32 rows into doubles) */
void dvec_from_float(double *out, const float *x, size_t d);

#endif
