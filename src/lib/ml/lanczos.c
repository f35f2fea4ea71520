/* lanczos.c — thick-restart Lanczos for a few eigenpairs (see lanczos.h). */
#include "ml/lanczos.h"
#include "core/util.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct Lz {
	size_t n, m;
	double *V;       /* (m + 1) x n, row j = basis vector j */
	double *H;       /* m x m projected matrix (row-major, symmetric) */
	double *h, *w;
	double beta;     /* norm of the residual after the last extension */
} Lz;

/* orthogonalise w against V[0..j] twice; h gets the coefficients; returns ||w|| */
static double
orthogonalise(Lz *z, size_t j, double *h)
{
	double *c = z->h + z->m;
	size_t i;
	int pass;

	for (i = 0; i <= j; i++)
		h[i] = 0;
	for (pass = 0; pass < 2; pass++) {
		cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)j + 1, (int)z->n, 1, z->V, (int)z->n, z->w, 1, 0, c, 1);
		cblas_dgemv(CblasRowMajor, CblasTrans, (int)j + 1, (int)z->n, -1, z->V, (int)z->n, c, 1, 1, z->w, 1);
		for (i = 0; i <= j; i++)
			h[i] += c[i];
	}
	return cblas_dnrm2((int)z->n, z->w, 1);
}

/* extend the basis from vector k to m; 0, or -1 at an invariant subspace with
 * nothing left to add */
static int
extend(Lz *z, size_t k, LanczosOp op, void *ctx)
{
	size_t j, i, n = z->n;
	double b;

	for (j = k; j < z->m; j++) {
		op(ctx, z->V + j * n, z->w);
		b = orthogonalise(z, j, z->h);
		for (i = 0; i <= j; i++)
			z->H[i * z->m + j] = z->H[j * z->m + i] = z->h[i];
		if (b < 1e-12) { /* invariant subspace: go on from any orthogonal vector */
			for (i = 0; i < n; i++)
				z->w[i] = (double)((i * 2654435761u + j) % 1000) / 1000 - 0.5;
			if ((b = orthogonalise(z, j, z->h + z->m + z->m)) < 1e-12)
				return -1;
			z->beta = 0;
		} else {
			z->beta = b;
		}
		for (i = 0; i < n; i++)
			z->V[(j + 1) * n + i] = z->w[i] / b;
	}
	return 0;
}

/* Ritz values theta (decreasing) and vectors Y (m x m, column i for theta i) */
static int
ritz(const Lz *z, double *theta, double *Y)
{
	size_t m = z->m, i, l;
	double *ev = ereallocarray(NULL, m, sizeof *ev), *A = ereallocarray(NULL, m, m * sizeof *A);
	int rc;

	memcpy(A, z->H, m * m * sizeof *A);
	rc = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)m, A, (lapack_int)m, ev);
	for (i = 0; i < m && !rc; i++) { /* dsyev: increasing; reverse */
		theta[i] = ev[m - 1 - i];
		for (l = 0; l < m; l++)
			Y[l * m + i] = A[l * m + (m - 1 - i)];
	}
	free(ev);
	free(A);
	return rc ? -1 : 0;
}

/* restart with the k best Ritz vectors and the residual vector */
static void
restart(Lz *z, size_t k, const double *theta, const double *Y)
{
	size_t m = z->m, n = z->n, i, l;
	double *Yk = ereallocarray(NULL, k, m * sizeof *Yk), *X = ereallocarray(NULL, k, n * sizeof *X);

	for (i = 0; i < k; i++)
		for (l = 0; l < m; l++)
			Yk[i * m + l] = Y[l * m + i];
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)n, (int)m, 1, Yk, (int)m,
	    z->V, (int)n, 0, X, (int)n);
	memcpy(z->V, X, k * n * sizeof *X);
	memmove(z->V + k * n, z->V + m * n, n * sizeof *z->V);
	memset(z->H, 0, m * m * sizeof *z->H);
	for (i = 0; i < k; i++) {
		z->H[i * m + i] = theta[i];
		z->H[i * m + k] = z->H[k * m + i] = z->beta * Y[(m - 1) * m + i];
	}
	free(Yk);
	free(X);
}

int
lanczos_top(size_t n, size_t nev, size_t m, LanczosOp op, void *ctx, const double *v0,
    double tol, int maxcycles, double *val, double *vec)
{
	Lz z = { n, m, NULL, NULL, NULL, NULL, 0 };
	double *theta = ereallocarray(NULL, m, sizeof *theta), *Y = ereallocarray(NULL, m, m * sizeof *Y), nrm;
	size_t i, k = 0, keep = nev + (m - nev) / 2;
	int cycle, rc = -1, conv, have = 0;

	z.V = ereallocarray(NULL, m + 1, n * sizeof *z.V);
	z.H = ecalloc(m, m * sizeof *z.H);
	z.h = ereallocarray(NULL, 3 * m + 3, sizeof *z.h);
	z.w = ereallocarray(NULL, n, sizeof *z.w);
	nrm = cblas_dnrm2((int)n, v0, 1);
	for (i = 0; i < n; i++)
		z.V[i] = v0[i] / nrm;
	if (keep > m - 1)
		keep = m - 1;
	for (cycle = 0; cycle <= maxcycles; cycle++) {
		if (extend(&z, k, op, ctx) || ritz(&z, theta, Y))
			break;
		have = 1;
		for (conv = 1, i = 0; i < nev; i++)
			conv &= fabs(z.beta * Y[(m - 1) * m + i]) <= tol;
		if (conv || cycle == maxcycles) {
			rc = conv ? 0 : 1;
			break;
		}
		restart(&z, k = keep, theta, Y);
		have = 0;
	}
	if (have) { /* the Ritz vectors of the last cycle */
		restart(&z, nev, theta, Y);
		memcpy(vec, z.V, nev * n * sizeof *vec);
		memcpy(val, theta, nev * sizeof *val);
	}
	free(theta);
	free(Y);
	free(z.V);
	free(z.H);
	free(z.h);
	free(z.w);
	return rc;
}
