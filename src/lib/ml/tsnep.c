/* tsnep.c — t-SNE's P: perplexity calibration and symmetrisation (see tsnep.h). */
#include "ml/tsnep.h"
#include "core/util.h"

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

typedef struct Ent { unsigned col; float v; } Ent;

static int
cmpent(const void *a, const void *b)
{
	unsigned x = ((const Ent *)a)->col, y = ((const Ent *)b)->col;

	return x < y ? -1 : x > y;
}

/* the entries of P + P^T by row: row i holds (j, p_j|i) and (j, p_i|j) pairs */
static Ent *
mirror(const float *p, const long *idx, size_t n, size_t k, size_t *ptr)
{
	size_t i, j, *fill;
	Ent *e;

	memset(ptr, 0, (n + 1) * sizeof *ptr);
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++)
			if (idx[i * k + j] >= 0) {
				ptr[i + 1]++;
				ptr[idx[i * k + j] + 1]++;
			}
	for (i = 0; i < n; i++)
		ptr[i + 1] += ptr[i];
	e = ereallocarray(NULL, ptr[n] ? ptr[n] : 1, sizeof *e);
	fill = ereallocarray(NULL, n ? n : 1, sizeof *fill);
	memcpy(fill, ptr, n * sizeof *fill);
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++) {
			long c = idx[i * k + j];
			if (c < 0)
				continue;
			e[fill[i]++] = (Ent){ (unsigned)c, p[i * k + j] };
			e[fill[c]++] = (Ent){ (unsigned)i, p[i * k + j] };
		}
	free(fill);
	return e;
}

void
tsnep_joint_sparse(TsneP *P, const float *p, const long *idx, size_t n, size_t k)
{
	size_t *ptr = ereallocarray(NULL, n + 1, sizeof *ptr), i, j, m = 0;
	Ent *e = mirror(p, idx, n, k, ptr);
	double sum = 0;
	float s;

	P->n = n;
	P->ptr = ereallocarray(NULL, n + 1, sizeof *P->ptr);
	P->col = ereallocarray(NULL, ptr[n] ? ptr[n] : 1, sizeof *P->col);
	P->val = ereallocarray(NULL, ptr[n] ? ptr[n] : 1, sizeof *P->val);
	P->ptr[0] = 0;
	for (i = 0; i < n; i++) {
		qsort(e + ptr[i], ptr[i + 1] - ptr[i], sizeof *e, cmpent);
		for (j = ptr[i]; j < ptr[i + 1]; j++) {
			if (m > P->ptr[i] && P->col[m - 1] == e[j].col) {
				P->val[m - 1] += e[j].v; /* both directions: p_j|i + p_i|j */
				continue;
			}
			P->col[m] = e[j].col;
			P->val[m++] = e[j].v;
		}
		P->ptr[i + 1] = m;
	}
	for (j = 0; j < m; j++)
		sum += P->val[j];
	s = (float)sum;
	if (!(s > DBL_EPSILON))
		s = (float)DBL_EPSILON;
	for (j = 0; j < m; j++)
		P->val[j] /= s;
	free(ptr);
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
