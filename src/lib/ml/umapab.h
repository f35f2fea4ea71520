/* umapab.h — the a, b of UMAP's low-dimensional similarity 1 / (1 + a d^(2b)), as
 * umap-learn's find_ab_params: the least-squares fit (scipy's curve_fit, from
 * a = b = 1) of that curve to 1 for d < min_dist and exp(-(d - min_dist) / spread)
 * beyond, at 300 points evenly spaced on [0, 3 spread].  Fitted here by
 * Levenberg-Marquardt with the exact Jacobian until the step is below 1e-14
 * relative (scipy stops at 1.49e-8: the two agree to about 1e-8). */
#ifndef SV_UMAPAB_H
#define SV_UMAPAB_H

/* 0, or -1 when the fit did not converge (a, b hold the last estimate).  Prints
 * nothing. */
int umap_find_ab(double spread, double min_dist, double *a, double *b);

#endif
