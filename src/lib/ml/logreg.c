/* logreg.c — scikit-learn's lbfgs logistic regression (see logreg.h). */
#include "ml/logreg.h"
#include "ml/lbfgs.h"
#include "ml/logregk.h"
#include "core/hot.h"
#include "core/pool.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 256 /* rows per block of the loss */

/* what the objective needs, and per-block scratch */
typedef struct Problem {
	const double *x;
	const int *y;
	size_t n, d, k, nblocks;
	int binary;           /* one column of raw predictions (HalfBinomialLoss) */
	double l2;            /* 1 / C */
	int nthreads;
	const double *w;      /* the point being evaluated */
	double *wt;           /* its coefficients transposed, d x kk */
	double *raw;          /* n x kk raw predictions, then pointwise gradients */
	double *rawt;         /* the same per block, transposed */
	double *part;         /* nblocks x kk x (d+1) partial gradients */
	double *loss;         /* nblocks partial losses */
	LrPanels *xp;         /* x for logregk.h (multinomial on AVX-512F), or NULL */
	double *zs;           /* its scratch, lrk_scratch(BLOCK, k) per block */
} Problem;

void
logreg_defaults(LogRegOpt *o)
{
	o->C = 1;
	o->tol = 1e-4;
	o->max_iter = 100;
	o->nthreads = 1;
}

/* sklearn's HalfBinomialLoss (_loss.pyx): loss and d loss / d raw for y in {0,1} */
static double
binomial(double y, double raw, double *grad)
{
	double e;

	if (raw > -37) {
		e = exp(-raw);
		*grad = ((1 - y) - y * e) / (1 + e);
	} else {
		*grad = exp(raw) - y;
	}
	if (raw <= 0)
		return log1p(exp(raw)) - y * raw;
	if (raw <= 18)
		return log1p(exp(-raw)) + (1 - y) * raw;
	return exp(-raw) + (1 - y) * raw;
}

/* sklearn's HalfMultinomialLoss: logsumexp(z) - z[y]; z becomes softmax - onehot */
static double
multinomial(int y, double *z, size_t k)
{
	double max = z[0], sum = 0, loss = -z[y];
	size_t c;

	for (c = 1; c < k; c++)
		if (z[c] > max)
			max = z[c];
	for (c = 0; c < k; c++)
		sum += (z[c] = exp(z[c] - max));
	loss += log(sum) + max;
	for (c = 0; c < k; c++)
		z[c] /= sum;
	z[y] -= 1;
	return loss;
}

/* one block of rows: raw predictions, pointwise loss and gradient, and the
 * block's share of X' G (kk x (d+1), intercept last) */
static void
block_do(void *arg, size_t b, int tid)
{
	Problem *p = arg;
	size_t i0 = b * BLOCK, nb = p->n - i0 < BLOCK ? p->n - i0 : BLOCK;
	size_t kk = p->binary ? 1 : p->k, d = p->d, i, c, dd = d + 1;
	const double *x = p->x + i0 * d, *w = p->w;
	double *z = p->raw + i0 * kk, *g = p->part + b * kk * dd, loss = 0, gr;
	double *zt = p->rawt + i0 * kk;

	if (p->xp) {
		p->loss[b] = lrk_block(p->xp, p->y, i0, nb, kk, w, g,
		    p->zs + b * lrk_scratch(BLOCK, kk));
		return;
	}
	/* X Wt with Wt d x k and beta 0 (intercepts added after): no operand
	 * transposed, so OpenBLAS takes its small-matrix kernel instead of packing X */
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nb, (int)kk, (int)d, 1.0, x,
	    (int)d, p->wt, (int)kk, 0.0, z, (int)kk);
	for (i = 0; i < nb; i++) {
		for (c = 0; c < kk; c++)
			z[i * kk + c] += w[c * dd + d];
		if (p->binary) {
			loss += binomial(p->y[i0 + i] == 1, z[i], &gr);
			z[i] = gr;
		} else {
			loss += multinomial(p->y[i0 + i], z + i * kk, kk);
		}
	}
	/* G' X with G' laid out k x nb: both operands untransposed, which lets
	 * OpenBLAS use its small-matrix kernel instead of packing X */
	for (c = 0; c < kk; c++) {
		g[c * dd + d] = 0;
		for (i = 0; i < nb; i++) {
			zt[c * nb + i] = z[i * kk + c];
			g[c * dd + d] += z[i * kk + c];
		}
	}
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)kk, (int)d, (int)nb, 1.0, zt,
	    (int)nb, x, (int)d, 0.0, g, (int)dd);
	p->loss[b] = loss;
	(void)tid;
}

/* g += a (n values): one block's partial gradient into the sum.  Cannot fail. */
HOT static void
add_to(double *restrict g, const double *restrict a, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++)
		g[j] += a[j];
}

/* the objective of lbfgs.h at w (kk rows of d + 1: one row for a binary
 * problem): loss + penalty, and the gradient */
static double
objective(void *arg, const double *w, double *grad)
{
	Problem *p = arg;
	size_t kk = p->binary ? 1 : p->k, dd = p->d + 1, nv = kk * dd, b, j;
	double loss = 0, pen = 0;

	p->w = w;
	for (b = 0; b < kk && !p->xp; b++)
		for (j = 0; j < p->d; j++)
			p->wt[j * kk + b] = w[b * dd + j];
	pool_run(p->nthreads, p->nblocks, block_do, p);
	memset(grad, 0, nv * sizeof *grad);
	for (b = 0; b < p->nblocks; b++) {
		loss += p->loss[b];
		add_to(grad, p->part + b * nv, nv);
	}
	for (j = 0; j < nv; j++)
		if (j % dd != p->d) {
			pen += w[j] * w[j];
			grad[j] += p->l2 * w[j];
		}
	return loss + 0.5 * p->l2 * pen;
}

LogReg *
new_logreg(size_t d, size_t k)
{
	LogReg *m = ecalloc(1, sizeof *m);

	m->d = d;
	m->k = k;
	m->w = ecalloc(k * (d + 1), sizeof *m->w);
	return m;
}

void
del_logreg(LogReg *m)
{
	if (!m)
		return;
	free(m->w);
	free(m);
}

LogReg *
logreg_fit(const double *x, size_t n, size_t d, const int *y, size_t k, const LogRegOpt *o)
{
	LogReg *m = new_logreg(d, k);
	Problem p = { .x = x, .y = y, .n = n, .d = d, .k = k, .binary = k == 2,
		.l2 = 1 / o->C, .nthreads = o->nthreads };
	size_t kk = p.binary ? 1 : k, dd = d + 1;
	LbfgsOpt lo;
	LbfgsResult r;

	p.nblocks = (n + BLOCK - 1) / BLOCK;
	p.raw = ereallocarray(NULL, n ? n : 1, kk * sizeof(double));
	p.rawt = ereallocarray(NULL, n ? n : 1, kk * sizeof(double));
	p.wt = ereallocarray(NULL, d ? d : 1, kk * sizeof(double));
	p.part = ereallocarray(NULL, p.nblocks ? p.nblocks : 1, kk * dd * sizeof(double));
	p.loss = ecalloc(p.nblocks ? p.nblocks : 1, sizeof(double));
	if (!p.binary && (p.xp = new_lrpanels(x, n, d)))
		p.zs = ereallocarray(NULL, p.nblocks, lrk_scratch(BLOCK, kk) * sizeof(double));
	lbfgs_defaults(&lo);
	lo.pgtol = o->tol;
	lo.maxiter = o->max_iter;
	lbfgs_minimize(kk * dd, p.binary ? m->w + dd : m->w, objective, &p, &lo, &r);
	m->n_iter = r.nit;
	m->converged = r.status == LBFGS_CONVERGED;
	free(p.raw), free(p.rawt), free(p.wt), free(p.part), free(p.loss), free(p.zs);
	del_lrpanels(p.xp);
	return m;
}

void
logreg_proba(const LogReg *m, const double *x, double *p)
{
	size_t c, j, dd = m->d + 1;
	double max = -INFINITY, sum = 0;

	for (c = 0; c < m->k; c++) {
		p[c] = m->w[c * dd + m->d];
		for (j = 0; j < m->d; j++)
			p[c] += m->w[c * dd + j] * x[j];
		if (p[c] > max)
			max = p[c];
	}
	if (m->k == 2) { /* sklearn: expit(z1) for class 1, 1 - that for class 0 */
		p[1] = 1 / (1 + exp(-p[1]));
		p[0] = 1 - p[1];
		return;
	}
	for (c = 0; c < m->k; c++)
		sum += (p[c] = exp(p[c] - max));
	for (c = 0; c < m->k; c++)
		p[c] /= sum;
}
