/* gmmstep.c — E-step, M-step and prediction of a Gaussian mixture (see gmmstep.h). */
#include "ml/gmmstep.h"
#include "ml/dvec.h"
#include "ml/gmmkern.h"
#include "core/pool.h"
#include "core/util.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* -0.5 (d log 2 pi + maha) + log det + log w, in sklearn's order of operations */
static inline double
wlogp(const Gmm *g, size_t j, double maha)
{
	return -0.5 * ((double)g->d * log(2 * M_PI) + maha) + g->logdet[j] + g->logw[j];
}

/* ---- E-step ---- */

typedef struct Scratch {
	double *xb;          /* GMM_BLOCK x d: float32 rows in double */
	double *y;           /* GMM_BLOCK x d: (x - mu) P */
	double *w;           /* GMM_BLOCK x k: log responsibilities (no resp array) */
	double *ub, *out;    /* bounded: GMM_BLOCK x k bounds, GMM_BLOCK distances */
	double *mx;          /* 2 x GMM_BLOCK: normalise_rows' maxima and log-sums */
	size_t *idx, *best;  /* bounded: GMM_BLOCK rows each */
	const double *pp;    /* full, gmmkern: k padded P_j (dp x dp), or NULL */
	const double *mpp;   /* full, gmmkern, d == dp: the k x d mu_j P_j, or NULL */
	const double *qt;    /* diag, spherical, gmmkern: gmmk_quad_rows' terms, or NULL */
	size_t dp;           /* their padded dimension; y's row stride */
} Scratch;

/* Squared Mahalanobis distances of cnt rows of x (rows idx[r], or r when idx is
 * NULL) to full component j into out[r * stride]; S->y: cnt x d (x dp) scratch. */
static void
maha_full(const Gmm *g, size_t j, const double *x, const size_t *idx, size_t cnt, Scratch *S,
    double *out, size_t stride)
{
	size_t r, d = g->d, dy = S->pp ? S->dp : d;
	double *y = S->y;

	if (!cnt)
		return;
	if (S->mpp) {
		gmmk_maha_off(x, idx, cnt, d, S->pp + j * d * d, S->mpp + j * d, out, stride);
		return;
	}
	for (r = 0; r < cnt; r++)
		dvec_scaled_sub(y + r * dy, 1.0, x + (idx ? idx[r] : r) * d, g->mean + j * d, d);
	if (S->pp) {
		gmmk_maha(y, cnt, dy, S->pp + j * dy * dy, out, stride);
		return;
	}
	cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, (int)cnt,
	    (int)d, 1.0, g->pchol + j * d * d, (int)d, y, (int)d);
	for (r = 0; r < cnt; r++)
		out[r * stride] = dvec_sumsq(y + r * d, d);
}

/* Weighted log-probabilities of m rows xb to every component into w (m x k).
 * mp: tied only, the k x d products mu_j P. */
static void
wlogp_rows(const Gmm *g, const double *xb, size_t m, const double *mp, Scratch *S, double *w)
{
	size_t i, j, d = g->d, k = g->k;

	if (g->cov == GMM_FULL)
		for (j = 0; j < k; j++)
			maha_full(g, j, xb, NULL, m, S, w + j, k);
	if (g->cov == GMM_TIED) { /* sklearn: X P - mu P */
		memcpy(S->y, xb, m * d * sizeof(double));
		cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, (int)m,
		    (int)d, 1.0, g->pchol, (int)d, S->y, (int)d);
	}
	if (S->qt && g->cov == GMM_SPHERICAL)
		gmmk_sph_rows(xb, m, d, S->qt, k, w);
	else if (S->qt)
		gmmk_quad_rows(xb, m, d, S->qt, k, w);
	for (i = 0; !S->qt && i < m; i++) {
		if (g->cov == GMM_DIAG)
			dvec_wsqdist_rows(xb + i * d, g->mean, g->pchol, k, d, w + i * k);
		else if (g->cov == GMM_SPHERICAL)
			dvec_sqdist_rows(xb + i * d, g->mean, k, d, w + i * k);
		for (j = 0; g->cov == GMM_TIED && j < k; j++)
			w[i * k + j] = dvec_sqdist(S->y + i * d, mp + j * d, d);
		for (j = 0; g->cov == GMM_FULL && j < k; j++)
			w[i * k + j] = wlogp(g, j, w[i * k + j]);
	}
	if (g->cov != GMM_FULL) /* wlogp's operations */
		dvec_wlogp(w, m, k, (double)g->d * log(2 * M_PI), g->logdet, g->logw,
		    g->cov == GMM_SPHERICAL ? g->pchol : NULL);
}

/* the exact weighted log-probabilities of the cnt rows idx for component j */
static void
bounded_exact(const Gmm *g, size_t j, const double *xb, Scratch *S, size_t cnt, double *w)
{
	size_t r;

	maha_full(g, j, xb, S->idx, cnt, S, S->out, 1);
	for (r = 0; r < cnt; r++)
		w[S->idx[r] * g->k + j] = wlogp(g, j, S->out[r]);
}

/* wlogp_rows for full covariances, leaving out (-inf) the components whose upper
 * bound is more than GMM_PRUNE below an exact value of the row (gmmstep.h). */
static void
bounded_rows(const Gmm *g, const double *xb, size_t m, Scratch *S, double *w)
{
	size_t i, j, cnt, d = g->d, k = g->k;
	double *ub = S->ub;

	for (i = 0; i < m; i++) {
		S->best[i] = 0;
		for (j = 0; j < k; j++) { /* maha >= lmin |x - mu|^2 */
			ub[i * k + j] = wlogp(g, j, g->lmin[j] * dvec_sqdist(xb + i * d, g->mean + j * d, d));
			w[i * k + j] = -INFINITY;
			if (ub[i * k + j] > ub[i * k + S->best[i]])
				S->best[i] = j;
		}
	}
	for (j = 0; j < k; j++) {
		for (i = 0, cnt = 0; i < m; i++)
			if (S->best[i] == j)
				S->idx[cnt++] = i;
		bounded_exact(g, j, xb, S, cnt, w);
	}
	for (j = 0; j < k; j++) {
		for (i = 0, cnt = 0; i < m; i++)
			if (w[i * k + j] == -INFINITY &&
			    ub[i * k + j] >= w[i * k + S->best[i]] - GMM_PRUNE)
				S->idx[cnt++] = i;
		bounded_exact(g, j, xb, S, cnt, w);
	}
}

/* Weighted log-probabilities (m x k, -inf: left out) to log responsibilities
 * (sklearn: minus logsumexp of the row); returns the sum of the rows' log p(x).
 * e (m x k), s (m): the row's exp(w - max) and their sum, so that the
 * responsibilities are e / s without a second exp.  The exp and log of the
 * block at once (gmmk_exp, gmmk_log: vectorised). */
static double
normalise_rows(double *w, size_t m, size_t k, double *e, double *s, double *mx)
{
	size_t i, j;
	double tot = 0;

	for (i = 0; i < m; i++) {
		for (j = 0, mx[i] = -INFINITY; j < k; j++)
			mx[i] = w[i * k + j] > mx[i] ? w[i * k + j] : mx[i];
		if (!isfinite(mx[i]))
			mx[i] = 0;
		for (j = 0; j < k; j++)
			e[i * k + j] = w[i * k + j] - mx[i];
	}
	gmmk_exp(e, m * k);
	for (i = 0; i < m; i++)
		for (j = 0, s[i] = 0; j < k; j++)
			s[i] += e[i * k + j];
	memcpy(mx + m, s, m * sizeof(double)); /* log s + max */
	gmmk_log(mx + m, m);
	for (i = 0; i < m; i++) {
		mx[m + i] += mx[i];
		for (j = 0; j < k; j++)
			w[i * k + j] -= mx[m + i];
		tot += mx[m + i];
	}
	return tot;
}

typedef struct Estep {
	const Gmm *g;
	const double *x;     /* n x d doubles, or NULL */
	const float *xf;     /* or float32 rows */
	const double *shift; /* NULL, or d values subtracted from the rows xf */
	size_t n, nb;
	int bounded;
	double *mp;          /* tied: k x d */
	double *pp;          /* full, gmmkern: k x dp x dp, the padded P_j */
	double *qt;          /* diag, spherical, gmmkern: quad_terms */
	double *resp;        /* n x k responsibilities, or NULL */
	int *label;
	float *prob;
	double *part;        /* nb: sums of log p(x) per block */
	double *sums;        /* or NULL: the M-step's sums per block of GMM_SUMROWS rows
	                      * (as sums_block, from the rows xf - shift) */
	Scratch *sc;         /* per thread */
} Estep;

static void
estep_block(void *arg, size_t b, int tid)
{
	Estep *E = arg;
	Scratch *S = &E->sc[tid];
	const Gmm *g = E->g;
	size_t r0 = b * GMM_BLOCK, m = E->n - r0 < GMM_BLOCK ? E->n - r0 : GMM_BLOCK, i, j, best;
	size_t d = g->d, k = g->k;
	const double *x = E->x ? E->x + r0 * d : S->xb;
	double *w = E->resp ? E->resp + r0 * k : S->w;

	if (!E->x && E->shift)
		dvec_from_float_sub(S->xb, E->xf + r0 * d, E->shift, m, d);
	for (i = 0; !E->x && !E->shift && i < m; i++)
		dvec_from_float(S->xb + i * d, E->xf + (r0 + i) * d, d);
	if (E->bounded && g->cov == GMM_FULL)
		bounded_rows(g, x, m, S, w);
	else
		wlogp_rows(g, x, m, E->mp, S, w);
	E->part[b] = normalise_rows(w, m, k, S->ub, S->out, S->mx);
	for (i = 0; E->label && i < m; i++) {
		for (j = 1, best = 0; j < k; j++) /* numpy argmax: the first maximum */
			if (w[i * k + j] > w[i * k + best])
				best = j;
		E->label[r0 + i] = (int)best;
	}
	dvec_rows_div(w, S->ub, S->out, m, k);
	for (i = 0; E->prob && i < m * k; i++)
		E->prob[r0 * k + i] = (float)w[i];
}

/* the E-step of the rows of block b of GMM_SUMROWS rows (GMM_SUMROWS / GMM_BLOCK
 * of its blocks), each block's M-step sums taken from its rows while they are
 * in cache: the sums of sums_block in the same order */
static void
estep_sums_block(void *arg, size_t b, int tid)
{
	Estep *E = arg;
	size_t e, e1, r0, m, i, j, k = E->g->k, d = E->g->d;
	double *p = E->sums + b * k * (1 + 2 * d);
	const double *resp;

	e1 = (b + 1) * (GMM_SUMROWS / GMM_BLOCK);
	for (e = b * (GMM_SUMROWS / GMM_BLOCK); e < e1 && e < E->nb; e++) {
		estep_block(E, e, tid);
		r0 = e * GMM_BLOCK;
		m = E->n - r0 < GMM_BLOCK ? E->n - r0 : GMM_BLOCK;
		resp = E->resp + r0 * k;
		for (i = 0; i < m; i++)
			for (j = 0; j < k; j++)
				p[j] += resp[i * k + j];
		if (gmmk_avx512())
			gmmk_wsums(E->sc[tid].xb, resp, m, k, d, p + k, p + k + k * d);
		else
			dvec_wsums(E->sc[tid].xb, resp, m, k, d, p + k, p + k + k * d);
	}
}

static void
scratch_alloc(Scratch *S, size_t d, size_t k)
{
	S->xb = ecalloc(GMM_BLOCK, d * sizeof(double));
	S->y = ecalloc(GMM_BLOCK, gmmk_pad(d) * sizeof(double)); /* the padding stays 0 */
	S->w = ecalloc(GMM_BLOCK, k * sizeof(double));
	S->ub = ecalloc(GMM_BLOCK, k * sizeof(double));
	S->out = ecalloc(GMM_BLOCK, sizeof(double));
	S->mx = ecalloc(GMM_BLOCK, 2 * sizeof(double));
	S->idx = ecalloc(GMM_BLOCK, sizeof(size_t));
	S->best = ecalloc(GMM_BLOCK, sizeof(size_t));
}

static void
scratch_free(Scratch *S)
{
	free(S->xb), free(S->y), free(S->w), free(S->ub), free(S->out), free(S->mx), free(S->idx);
	free(S->best);
}

/* the k precision factors P_j of full g padded to dp x dp (zeros) */
static double *
padded_pchol(const Gmm *g)
{
	size_t j, f, d = g->d, dp = gmmk_pad(d);
	double *pp = ecalloc(g->k, dp * dp * sizeof(double));

	for (j = 0; j < g->k; j++)
		for (f = 0; f < d; f++)
			memcpy(pp + (j * dp + f) * dp, g->pchol + (j * d + f) * d, d * sizeof(double));
	return pp;
}

/* full: the k x d products mu_j P_j (P_j upper triangular) */
static double *
mu_pchol(const Gmm *g)
{
	size_t j, f, q, d = g->d;
	double *mp = ecalloc(g->k, d * sizeof(double));
	const double *p;

	for (j = 0; j < g->k; j++)
		for (p = g->pchol + j * d * d, f = 0; f < d; f++)
			for (q = 0; q <= f; q++)
				mp[j * d + f] += g->mean[j * d + q] * p[q * d + f];
	return mp;
}

/* diag, spherical: gmmk_quad_rows' terms (P, B, c) of g's components */
static double *
quad_terms(const Gmm *g)
{
	size_t j, f, d = g->d, k = g->k, kp = gmmk_pad(k);
	double *qt = ecalloc(2 * d + 1, kp * sizeof(double)), p, mu;

	for (j = 0; j < k; j++)
		for (f = 0; f < d; f++) {
			p = g->cov == GMM_DIAG ? g->pchol[j * d + f] * g->pchol[j * d + f] : 1;
			mu = g->mean[j * d + f];
			qt[f * kp + j] = p;
			qt[(d + f) * kp + j] = -2 * (mu * p);
			qt[2 * d * kp + j] += mu * mu * p;
		}
	return qt;
}

/* The E-step over n rows (doubles x, or float32 xf): responsibilities into resp
 * (n x k), or labels and probabilities; returns the sum of log p(x). */
static double
estep_run(Estep *E, int nthreads)
{
	const Gmm *g = E->g;
	size_t b, j, f, q, d = g->d;
	int t;
	double tot = 0;

	E->nb = (E->n + GMM_BLOCK - 1) / GMM_BLOCK;
	E->part = ecalloc(E->nb ? E->nb : 1, sizeof(double));
	nthreads = nthreads < 1 ? 1 : nthreads;
	E->sc = ecalloc((size_t)nthreads, sizeof(Scratch));
	for (t = 0; t < nthreads; t++)
		scratch_alloc(&E->sc[t], d, g->k);
	if (g->cov == GMM_TIED) { /* mu_j P, P upper triangular */
		E->mp = ecalloc(g->k, d * sizeof(double));
		for (j = 0; j < g->k; j++)
			for (f = 0; f < d; f++)
				for (q = 0; q <= f; q++)
					E->mp[j * d + f] += g->mean[j * d + q] * g->pchol[q * d + f];
	}
	if (g->cov == GMM_FULL && gmmk_avx512())
		E->pp = padded_pchol(g);
	if (E->pp && gmmk_pad(d) == d)
		E->mp = mu_pchol(g);
	if ((g->cov == GMM_DIAG || g->cov == GMM_SPHERICAL) && gmmk_avx512())
		E->qt = quad_terms(g);
	for (t = 0; t < nthreads; t++) {
		E->sc[t].pp = E->pp, E->sc[t].dp = gmmk_pad(d), E->sc[t].mpp = E->mp;
		E->sc[t].qt = E->qt;
	}
	if (E->sums)
		pool_run(nthreads, (E->n + GMM_SUMROWS - 1) / GMM_SUMROWS, estep_sums_block, E);
	else
		pool_run(nthreads, E->nb, estep_block, E);
	for (b = 0; b < E->nb; b++)
		tot += E->part[b];
	for (t = 0; t < nthreads; t++)
		scratch_free(&E->sc[t]);
	free(E->sc), free(E->part), free(E->mp), free(E->pp), free(E->qt);
	return tot;
}

double
gmm_estep(const Gmm *g, const GmmRows *x, int nthreads, int bounded, double *resp)
{
	Estep E;

	memset(&E, 0, sizeof E);
	E.g = g, E.x = x->x, E.xf = x->xf, E.shift = x->shift, E.n = x->n, E.bounded = bounded;
	E.resp = resp;
	return estep_run(&E, nthreads);
}

void
gmm_predict(const Gmm *g, const float *x, size_t n, int nthreads, int *label, float *prob,
    double *loglik)
{
	Estep E;
	double ll;

	memset(&E, 0, sizeof E);
	E.g = g, E.xf = x, E.n = n, E.label = label, E.prob = prob;
	ll = estep_run(&E, nthreads);
	if (loglik)
		*loglik = ll;
}

/* ---- M-step ---- */

typedef struct Mstep {
	Gmm *g;
	const double *x, *resp;
	size_t n;
	double reg;
	double **buf;        /* per thread: GMM_CHUNK x d, or (gmmkern) GMM_KCHUNK x dp */
	double *cp;          /* gmmkern: k x dp x dp sums; else NULL */
	size_t dp, ntask;    /* gmmkern: ntask tasks of components j = task + ntask i */
} Mstep;

/* the sums of one block of GMM_SUMROWS rows: nk, resp^T x and (diag, spherical)
 * resp^T x^2 */
typedef struct Sums {
	const GmmRows *x;
	const double *resp;
	size_t n, k, d;
	int sq;              /* the sums of x^2 too */
	double *part;        /* per block: k nk, k x d of x, k x d of x^2 (sq only) */
} Sums;

/* sums_block's sums of x (and x^2) of the m rows from r0 when each of their
 * responsibilities is one-hot (the k-means start), by dvec_label_sums: the same
 * bits.  0: not one-hot, p left as it was. */
static int
onehot_sums(const Sums *S, size_t r0, size_t m, double *p)
{
	int lab[GMM_SUMROWS];
	size_t i, j, k = S->k, d = S->d, ones;
	const GmmRows *x = S->x;
	const double *resp = S->resp + r0 * k;

	for (i = 0; i < m; i++) {
		for (j = 0, ones = 0; j < k; j++) {
			if (resp[i * k + j] == 1)
				lab[i] = (int)j, ones++;
			else if (resp[i * k + j] != 0)
				return 0;
		}
		if (ones != 1)
			return 0;
	}
	dvec_label_sums(x->x ? x->x + r0 * d : NULL, x->x ? NULL : x->xf + r0 * d, x->shift, lab,
	    m, d, p + k, S->sq ? p + k + k * d : NULL);
	return 1;
}

static void
sums_block(void *arg, size_t b, int tid)
{
	Sums *S = arg;
	size_t i, j, k = S->k, d = S->d, r0 = b * GMM_SUMROWS;
	size_t m = S->n - r0 < GMM_SUMROWS ? S->n - r0 : GMM_SUMROWS;
	double *p = S->part + b * k * (1 + 2 * d);
	const double *resp = S->resp + r0 * k;

	(void)tid;
	for (i = 0; i < m; i++)
		for (j = 0; j < k; j++)
			p[j] += resp[i * k + j];
	if (onehot_sums(S, r0, m, p))
		return;
	if (S->x->x)
		dvec_wsums(S->x->x + r0 * d, resp, m, k, d, p + k, S->sq ? p + k + k * d : NULL);
	else
		dvec_wsums_f(S->x->xf + r0 * d, S->x->shift, resp, m, k, d, p + k,
		    S->sq ? p + k + k * d : NULL);
}

static void mstep_finish(Gmm *g, const double *part, size_t nb, double *v);

/* nk (sklearn: resp.sum(0) + 10 eps) into weight, means = resp^T x / nk; v not
 * NULL (diag, spherical): resp^T x^2 into v (k x d).  Blocks of GMM_SUMROWS rows on the pool,
 * their sums added in block order (the same whatever the thread count). */
static void
mstep_means(Gmm *g, const GmmRows *x, const double *resp, double *v, int nthreads)
{
	size_t k = g->k, d = g->d, w = k * (1 + 2 * d), n = x->n;
	Sums S = {x, resp, n, k, d, v != NULL, NULL};
	size_t nb = (n + GMM_SUMROWS - 1) / GMM_SUMROWS;

	S.part = ecalloc(nb ? nb : 1, w * sizeof(double));
	pool_run(nthreads, nb, sums_block, &S);
	mstep_finish(g, S.part, nb, v);
	free(S.part);
}

/* nk into weight (+ 10 eps), means and (v not NULL) resp^T x^2 from the sums of
 * nb blocks (sums_block's), added in block order */
static void
mstep_finish(Gmm *g, const double *part, size_t nb, double *v)
{
	size_t b, i, j, f, k = g->k, d = g->d, w = k * (1 + 2 * d);
	const double *p;

	memset(g->weight, 0, k * sizeof(double));
	memset(g->mean, 0, k * d * sizeof(double));
	for (b = 0; b < nb; b++) {
		p = part + b * w;
		for (j = 0; j < k; j++)
			g->weight[j] += p[j];
		for (i = 0; i < k * d; i++)
			g->mean[i] += p[k + i];
		for (i = 0; v && i < k * d; i++)
			v[i] += p[k + k * d + i];
	}
	for (j = 0; j < k; j++)
		g->weight[j] += 10 * DBL_EPSILON;
	for (j = 0; j < k; j++)
		for (f = 0; f < d; f++)
			g->mean[j * d + f] /= g->weight[j];
}

/* c (d x d): the lower triangle of its sums / nk, mirrored, + reg on the diagonal */
static void
cov_finish(double *c, size_t d, double nk, double reg)
{
	size_t f, q;

	for (f = 0; f < d; f++) {
		for (q = 0; q <= f; q++) {
			c[f * d + q] /= nk;
			c[q * d + f] = c[f * d + q];
		}
		c[f * d + f] += reg;
	}
}

/* sum of r (x - mu)(x - mu)^T / nk + reg I, by dsyrk over chunks of sqrt(r)(x - mu) */
static void
mstep_full(Mstep *M, size_t j, double *buf)
{
	Gmm *g = M->g;
	size_t i, q = 0, d = g->d, k = g->k;
	double *c = g->covar + j * d * d, *mu = g->mean + j * d, r;

	memset(c, 0, d * d * sizeof(double));
	for (i = 0; i < M->n; i++) {
		if ((r = M->resp[i * k + j]) != 0)
			dvec_scaled_sub(buf + q++ * d, sqrt(r), M->x + i * d, mu, d);
		if (q && (q == GMM_CHUNK || i == M->n - 1)) {
			cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)d, (int)q, 1.0, buf, (int)d,
			    1.0, c, (int)d);
			q = 0;
		}
	}
	cov_finish(c, d, g->weight[j], M->reg);
}

/* mstep_full for the components j0, j0 + step, ... by gmmk_syrk, GMM_KCHUNK rows
 * of x at a time for all of them (the chunk stays in cache); each component's
 * sums in row order, whatever the grouping */
static void
mstep_full_k(Mstep *M, size_t j0, size_t step, double *buf)
{
	Gmm *g = M->g;
	size_t i, i0, i1, j, q, f, d = g->d, k = g->k, dp = M->dp;
	double *cp, r;

	for (j = j0; j < k; j += step)
		memset(M->cp + j * dp * dp, 0, dp * dp * sizeof(double));
	for (i0 = 0; i0 < M->n; i0 += GMM_KCHUNK) {
		i1 = M->n - i0 < GMM_KCHUNK ? M->n : i0 + GMM_KCHUNK;
		for (j = j0; j < k; j += step) {
			for (i = i0, q = 0; i < i1; i++)
				if ((r = M->resp[i * k + j]) != 0)
					dvec_scaled_sub(buf + q++ * dp, sqrt(r), M->x + i * d, g->mean + j * d, d);
			if (q)
				gmmk_syrk(buf, q, dp, M->cp + j * dp * dp);
		}
	}
	for (j = j0; j < k; j += step) {
		cp = M->cp + j * dp * dp;
		for (f = 0; f < d; f++)
			memcpy(g->covar + (j * d + f) * d, cp + f * dp, (f + 1) * sizeof(double));
		cov_finish(g->covar + j * d * d, d, g->weight[j], M->reg);
	}
}

/* diag (sklearn's formula): resp^T (x * x) / nk - 2 mu^2 + mu^2 + reg per feature;
 * spherical: their mean.  v: resp^T (x * x) (k x d), overwritten. */
static void
mstep_diag(Gmm *g, double *v, double reg)
{
	size_t j, f, k = g->k, d = g->d;
	double mu, s;

	for (j = 0; j < k; j++) {
		for (f = 0, s = 0; f < d; f++) {
			mu = g->mean[j * d + f];
			v[j * d + f] = v[j * d + f] / g->weight[j] - 2 * (mu * mu) + mu * mu + reg;
			s += v[j * d + f];
		}
		if (g->cov == GMM_SPHERICAL)
			g->covar[j] = s / (double)d;
	}
	if (g->cov == GMM_DIAG)
		memcpy(g->covar, v, k * d * sizeof(double));
}

static void
mstep_comp(void *arg, size_t j, int tid)
{
	Mstep *M = arg;

	if (M->cp)
		mstep_full_k(M, j, M->ntask, M->buf[tid]);
	else
		mstep_full(M, j, M->buf[tid]);
}

/* tied (sklearn's formula): (X^T X - sum_j nk_j mu_j mu_j^T) / sum nk + reg I */
static void
mstep_tied(Gmm *g, const double *xtx, double reg)
{
	size_t j, f, q, d = g->d;
	double tot = 0, s;

	for (j = 0; j < g->k; j++)
		tot += g->weight[j];
	for (f = 0; f < d; f++)
		for (q = 0; q < d; q++) {
			for (j = 0, s = 0; j < g->k; j++)
				s += g->weight[j] * g->mean[j * d + f] * g->mean[j * d + q];
			g->covar[f * d + q] = (xtx[f * d + q] - s) / tot + (f == q ? reg : 0);
		}
}

void
gmm_mstep(Gmm *g, const GmmRows *x, const double *resp, double reg, const double *xtx,
    int nthreads)
{
	Mstep M;
	int t, dg = g->cov == GMM_DIAG || g->cov == GMM_SPHERICAL;
	double *v = dg ? ecalloc(g->k, g->d * sizeof(double)) : NULL;

	nthreads = nthreads < 1 ? 1 : nthreads;
	mstep_means(g, x, resp, v, nthreads);
	if (g->cov == GMM_TIED)
		mstep_tied(g, xtx, reg);
	if (dg)
		mstep_diag(g, v, reg);
	free(v);
	if (g->cov != GMM_FULL)
		return;
	M.g = g, M.x = x->x, M.n = x->n, M.resp = resp, M.reg = reg;
	M.dp = gmmk_pad(g->d);
	M.ntask = (size_t)nthreads < g->k ? (size_t)nthreads : g->k;
	M.cp = gmmk_avx512() ? ecalloc(g->k, M.dp * M.dp * sizeof(double)) : NULL;
	M.buf = ecalloc((size_t)nthreads, sizeof(double *));
	for (t = 0; t < nthreads; t++) /* the padding of the gmmkern rows stays 0 */
		M.buf[t] = M.cp ? ecalloc(GMM_KCHUNK, M.dp * sizeof(double)) :
		    ecalloc(GMM_CHUNK, g->d * sizeof(double));
	pool_run(nthreads, M.cp ? M.ntask : g->k, mstep_comp, &M);
	for (t = 0; t < nthreads; t++)
		free(M.buf[t]);
	free(M.buf), free(M.cp);
}

double
gmm_emstep(Gmm *g, const GmmRows *x, int nthreads, double *resp, double reg)
{
	Estep E;
	size_t nb = (x->n + GMM_SUMROWS - 1) / GMM_SUMROWS;
	double ll, *v = ecalloc(g->k, g->d * sizeof(double));

	memset(&E, 0, sizeof E);
	E.g = g, E.xf = x->xf, E.shift = x->shift, E.n = x->n, E.resp = resp;
	E.sums = ecalloc(nb ? nb : 1, g->k * (1 + 2 * g->d) * sizeof(double));
	ll = estep_run(&E, nthreads);
	mstep_finish(g, E.sums, nb, v);
	mstep_diag(g, v, reg);
	free(E.sums), free(v);
	return ll;
}
