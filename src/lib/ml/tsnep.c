/* tsnep.c — t-SNE's P: perplexity calibration and symmetrisation (see tsnep.h). */
#include "ml/tsnep.h"
#include "core/util.h"
#include "ml/mapnn.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PERP_STEPS 100
#define PERP_TOL 1e-5
#define PERP_EPS_SUM 1e-8 /* sklearn's EPSILON_DBL (a float there) */

/* one row's bisection; p gets the normalised probabilities (double), returns beta */
static double
calibrate(const float *d, size_t k, long self, double want, double *p)
{
	double beta = 1, lo = -INFINITY, hi = INFINITY, sum, sdp, h;
	size_t j;
	int l;

	for (l = 0; l < PERP_STEPS; l++) {
		sum = 0;
		for (j = 0; j < k; j++) {
			p[j] = (long)j == self ? 0 : exp(-(double)d[j] * beta);
			sum += p[j];
		}
		if (sum == 0)
			sum = (double)(float)PERP_EPS_SUM;
		sdp = 0;
		for (j = 0; j < k; j++) {
			p[j] /= sum;
			sdp += (double)d[j] * p[j];
		}
		h = log(sum) + beta * sdp - want;
		if (fabs(h) <= PERP_TOL)
			break;
		if (h > 0) {
			lo = beta;
			beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2;
		} else {
			hi = beta;
			beta = lo == -INFINITY ? beta / 2 : (beta + lo) / 2;
		}
	}
	return beta;
}

double
tsnep_conditional(const float *sqd, size_t n, size_t k, int dense, double perplexity, float *p)
{
	double *row = ereallocarray(NULL, k ? k : 1, sizeof *row), bsum = 0, want = log(perplexity);
	size_t i, j;

	for (i = 0; i < n; i++) {
		bsum += calibrate(sqd + i * k, k, dense ? (long)i : -1, want, row);
		for (j = 0; j < k; j++)
			p[i * k + j] = (float)row[j];
	}
	free(row);
	return n ? sqrt((double)n / bsum) : 0;
}

void
tsnep_joint_dense(float *p, size_t n)
{
	size_t i, j;
	float s = 0, v;

	/* sklearn: P = C + C^T in float32, its float32 sum (numpy's pairwise sum: the
	 * same value to a few ulps), then max(P / sum, DBL_EPSILON) off the diagonal */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			v = p[i * n + j] + p[j * n + i];
			p[i * n + j] = p[j * n + i] = v;
		}
	{
		double ds = 0;
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				ds += p[i * n + j];
		s = (float)(2 * ds);
	}
	if (!(s > DBL_EPSILON))
		s = (float)DBL_EPSILON;
	for (i = 0; i < n; i++) {
		p[i * n + i] = 0;
		for (j = i + 1; j < n; j++) {
			v = p[i * n + j] / s;
			if (v < DBL_EPSILON)
				v = (float)DBL_EPSILON;
			p[i * n + j] = p[j * n + i] = v;
		}
	}
}

void
tsnep_joint_sparse(TsneP *P, const float *p, const long *idx, size_t n, size_t k)
{
	size_t *ptr = ereallocarray(NULL, n + 1, sizeof *ptr), j, m;
	MapnnPair *e;
	double sum = 0;
	float s;

	mapnn_pairs(idx, p, n, k, ptr, &e);
	m = ptr[n];
	P->n = n;
	P->ptr = ptr;
	P->col = ereallocarray(NULL, m ? m : 1, sizeof *P->col);
	P->val = ereallocarray(NULL, m ? m : 1, sizeof *P->val);
	for (j = 0; j < m; j++) {
		P->col[j] = e[j].col;
		P->val[j] = e[j].ij + e[j].ji; /* p_j|i + p_i|j */
		sum += P->val[j];
	}
	s = (float)sum;
	if (!(s > DBL_EPSILON))
		s = (float)DBL_EPSILON;
	for (j = 0; j < m; j++)
		P->val[j] /= s;
	free(e);
}

void
del_tsnep(TsneP *P)
{
	if (!P)
		return;
	free(P->ptr);
	free(P->col);
	free(P->val);
	memset(P, 0, sizeof *P);
}
