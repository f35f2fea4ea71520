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
/* out = (double)x (float32 rows into doubles) */
void dvec_from_float(double *out, const float *x, size_t d);

#endif
