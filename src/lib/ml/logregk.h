/* logregk.h — logreg.c's multinomial loss and gradient on AVX-512F, one pass per
 * block of rows: raw predictions, softmax and X' G without leaving the block.
 * The rows are copied once, at the start of a fit, into panels of 8 rows stored
 * column by column ([j][8]: the 8 rows' feature j side by side), as float32 when
 * every value is one (songvec's vectors are: half the bytes to stream on each
 * evaluation, the same numbers), else as double.  Sums run in double in a fixed
 * order per block, so the result does not depend on threads; it differs from
 * the BLAS path in the last bits (order of the sums; exp within 1 ulp of libm's,
 * log within 3).
 *
 *	LrPanels *xp = new_lrpanels(x, n, d);   // NULL: no AVX-512F, use BLAS
 *	loss = lrk_block(xp, y, i0, nb, k, w, grad, scratch); */
#ifndef SV_LOGREGK_H
#define SV_LOGREGK_H
#include <stddef.h>

#define LRK_ROWS 16 /* blocks start at multiples of this */

typedef struct LrPanels {
	size_t n, d, npan;  /* rows, features, panels (of 8 rows, an even count) */
	int f32;            /* values stored as float */
	void *x;            /* npan x d x 8, rows past n zero */
} LrPanels;

/* The rows x (n x d) as panels; NULL when this CPU has no AVX-512F or the build
 * is not for x86-64 with GCC (memory errors exit, as ecalloc). */
LrPanels *new_lrpanels(const double *x, size_t n, size_t d);
void del_lrpanels(LrPanels *p);
/* doubles of scratch lrk_block needs for nb rows and k classes */
size_t lrk_scratch(size_t nb, size_t k);
/* rows i0 .. i0 + nb - 1 (i0 a multiple of LRK_ROWS) with labels y (indexed from
 * row 0) and coefficients w (k rows of d + 1, intercept last): returns the sum
 * of the rows' losses logsumexp(z) - z[y] and writes their share of the
 * gradient (k x (d + 1), intercepts last, no penalty) into g.  Cannot fail. */
double lrk_block(const LrPanels *p, const int *y, size_t i0, size_t nb, size_t k,
    const double *w, double *g, double *scratch);

#endif
