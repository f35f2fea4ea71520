/* lanczos.h — a few extreme eigenpairs of a large sparse symmetric operator:
 * thick-restart Lanczos with full reorthogonalisation (Wu & Simon 2000; the
 * restarted Krylov-Schur scheme of ARPACK's eigsh, which umap-learn calls, in its
 * simplest symmetric form).
 *
 * Each cycle extends an orthonormal Krylov basis V to m vectors (classical
 * Gram-Schmidt, twice), takes the Ritz pairs of the projected matrix V^T A V
 * (LAPACKE_dsyev, m x m), and stops when the nev largest have residual
 * |beta_m y_m| <= tol; otherwise it keeps the best nev + (m - nev) / 2 Ritz vectors
 * and the residual vector and extends again.  Memory: (m + 1) x n doubles.
 * Deterministic: the start vector is the caller's. */
#ifndef SV_LANCZOS_H
#define SV_LANCZOS_H
#include <stddef.h>

/* y = A x for vectors of n doubles. */
typedef void (*LanczosOp)(void *ctx, const double *x, double *y);

/* The nev algebraically largest eigenvalues of A (val, decreasing) and unit
 * eigenvectors (vec: nev rows of n), from the start vector v0 (not all zero), with
 * m basis vectors (nev < m < n) and at most maxcycles restarts.  0; 1 when they
 * did not converge in time (val, vec hold the last estimates); -1 when the
 * projected eigenproblem failed (nothing in val, vec).  Exits only when memory
 * runs out. */
int lanczos_top(size_t n, size_t nev, size_t m, LanczosOp op, void *ctx, const double *v0,
    double tol, int maxcycles, double *val, double *vec);

#endif
