/* gmmkern.h — AVX-512 kernels of the full-covariance EM steps (gmmkern.c), used
 * in place of BLAS dtrmm and dsyrk when the CPU has AVX-512F: no packing copies,
 * the triangular product and its squared norm in registers.  Rows are padded to
 * gmmk_pad(d) doubles (a multiple of 8) with zeros.  The sums are in another
 * order than BLAS's: the results differ by rounding only. */
#ifndef SV_GMMKERN_H
#define SV_GMMKERN_H
#include <stddef.h>

/* 1 when the kernels can run (AVX-512F, and SV_GMM_ISA is not "generic").  This
 * function can't fail. */
int gmmk_avx512(void);
/* d rounded up to a multiple of 8 */
size_t gmmk_pad(size_t d);
/* cp (dp x dp) += z^T z of q rows z (stride dp), the 8 x 8 tiles on and below the
 * diagonal only (the upper triangle of the diagonal tiles too).  Can't fail. */
void gmmk_syrk(const double *z, size_t q, size_t dp, double *cp);
/* out[r * stride] = |z_r P|^2 for m rows z (stride dp), P upper triangular (dp x dp,
 * zeros below the diagonal and in the padding).  Can't fail. */
void gmmk_maha(const double *z, size_t m, size_t dp, const double *pp, double *out,
    size_t stride);
/* out[r * stride] = |x_i P - o|^2 for the m rows i = idx[r] (or r when idx is NULL)
 * of x (stride dp, d == dp: no padding), P as above, o = mu P (dp): sklearn's
 * X P - mu P, without the copies of x - mu.  Can't fail. */
void gmmk_maha_off(const double *x, const size_t *idx, size_t m, size_t dp, const double *pp,
    const double *o, double *out, size_t stride);
/* The m x k values c_j + sum_f x_if (x_if P_jf + B_jf) of m rows x (stride d)
 * into out (stride k): diag, sklearn's sum mu^2 p - 2 x (mu p) + x^2 p with
 * P = p, B = -2 mu p, c = sum mu^2 p; spherical, |x - mu|^2 with P = 1,
 * B = -2 mu, c = |mu|^2.  qt: P (d x kp, kp = gmmk_pad(k), component-minor,
 * zero padded), then B (the same), then c (kp).  Needs gmmk_avx512().  Can't
 * fail. */
void gmmk_quad_rows(const double *x, size_t m, size_t d, const double *qt, size_t k,
    double *out);
/* gmmk_quad_rows for spherical components: |x - mu|^2 as sklearn's
 * |x|^2 - 2 x mu + |mu|^2, c_j + sum_f x_if B_jf + |x_i|^2 (the P of qt unused): one
 * fma per feature and component.  Needs gmmk_avx512().  Can't fail. */
void gmmk_sph_rows(const double *x, size_t m, size_t d, const double *qt, size_t k,
    double *out);
/* dvec_wsums (ml/dvec.h: s[j d + f] += r_ij x_if, q[j d + f] += r_ij x_if^2 over the
 * m rows in order, q not NULL) by fma: the sums of each element in row order, so
 * the same bits for any tiling or thread count (but not dvec_wsums' bits: it
 * rounds the products).  Needs gmmk_avx512().  Can't fail. */
void gmmk_wsums(const double *x, const double *r, size_t m, size_t k, size_t d, double *s,
    double *q);
/* v[0 .. n) = exp(v), or log(v): with gmmk_avx512(), glibc's vector functions
 * (libmvec, within 4 ulp of the scalar ones, the same bits whatever the grouping
 * of the calls); else exp and log.  Can't fail. */
void gmmk_exp(double *v, size_t n);
void gmmk_log(double *v, size_t n);

#endif
