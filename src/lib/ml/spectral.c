/* spectral.c — UMAP's spectral initialisation (see spectral.h). */
#include "ml/spectral.h"
#include "core/stats.h"
#include "core/util.h"
#include "ml/knn.h"
#include "ml/lanczos.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LZ_TOL 1e-6
#define LZ_CYCLES 500
#define LZ_MEM (1u << 25)  /* doubles of Lanczos basis at most, beyond the minimum */

typedef struct Op {
	const FuzzyGraph *g;
	const double *isd;   /* 1 / sqrt(degree) */
	const double *u0;    /* the known top eigenvector, unit */
	double *t;
} Op;

/* y = P M P x, M = D^-1/2 W D^-1/2, P the projection off u0 */
static void
op_apply(void *ctx, const double *x, double *y)
{
	Op *o = ctx;
	const FuzzyGraph *g = o->g;
	size_t n = g->n, i, m;
	double c = stats_dot64(o->u0, x, n), s;

	for (i = 0; i < n; i++)
		o->t[i] = (x[i] - c * o->u0[i]) * o->isd[i];
	for (i = 0; i < n; i++) {
		for (s = 0, m = g->ptr[i]; m < g->ptr[i + 1]; m++)
			s += (double)g->w[m] * o->t[g->col[m]];
		y[i] = s * o->isd[i];
	}
	c = stats_dot64(o->u0, y, n);
	for (i = 0; i < n; i++)
		y[i] -= c * o->u0[i];
}

static void
degrees(const FuzzyGraph *g, double *deg)
{
	size_t i, m;

	for (i = 0; i < g->n; i++)
		for (deg[i] = 0, m = g->ptr[i]; m < g->ptr[i + 1]; m++)
			deg[i] += g->w[m];
}

/* dense: eigenvectors 2 .. dim + 1 of L, out n x dim */
static int
embed_dense(const FuzzyGraph *g, const double *deg, int dim, double *out)
{
	size_t n = g->n, i, m;
	double *L = ecalloc(n, n * sizeof *L), *ev = ereallocarray(NULL, n, sizeof *ev);
	double *Z = ereallocarray(NULL, n, (size_t)dim * sizeof *Z);
	lapack_int found, *sup = ereallocarray(NULL, 2 * n, sizeof *sup);
	int rc;

	for (i = 0; i < n; i++) {
		L[i * n + i] = 1;
		for (m = g->ptr[i]; m < g->ptr[i + 1]; m++)
			L[i * n + g->col[m]] -= g->w[m] / sqrt(deg[i] * deg[g->col[m]]);
	}
	rc = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)n, L, (lapack_int)n, 0, 0, 2,
	    dim + 1, 0, &found, ev, Z, dim, sup);
	if (!rc && found == dim)
		memcpy(out, Z, n * (size_t)dim * sizeof *out);
	free(L);
	free(ev);
	free(Z);
	free(sup);
	return !rc && found == dim ? 0 : -1;
}

/* Lanczos: the dim largest of the deflated M, out n x dim */
static int
embed_lanczos(const FuzzyGraph *g, const double *deg, int dim, double *out)
{
	size_t n = g->n, i, c, m = 2 * (size_t)dim + 30;
	double *isd = ereallocarray(NULL, n, sizeof *isd), *u0 = ereallocarray(NULL, n, sizeof *u0);
	double *v0 = ereallocarray(NULL, n, sizeof *v0), *vec, val[8], nrm, a;
	Op o = { g, isd, u0, ereallocarray(NULL, n, sizeof *o.t) };
	int rc;

	if (m * n > LZ_MEM && LZ_MEM / n > 2 * (size_t)dim + 2)
		m = LZ_MEM / n;
	if (m >= n)
		m = n - 1;
	for (nrm = 0, i = 0; i < n; i++) {
		isd[i] = 1 / sqrt(deg[i]);
		u0[i] = sqrt(deg[i]);
		nrm += deg[i];
	}
	for (a = 0, i = 0; i < n; i++)
		a += (u0[i] /= sqrt(nrm));
	for (i = 0; i < n; i++)
		v0[i] = 1 - a * u0[i];
	vec = ereallocarray(NULL, (size_t)dim, n * sizeof *vec);
	rc = lanczos_top(n, (size_t)dim, m, op_apply, &o, v0, LZ_TOL, LZ_CYCLES, val, vec);
	for (i = 0; i < n; i++)
		for (c = 0; c < (size_t)dim; c++)
			out[i * dim + c] = vec[c * n + i];
	free(isd);
	free(u0);
	free(v0);
	free(vec);
	free(o.t);
	return rc;
}

/* the spectral layout of one connected graph */
static int
embed(const FuzzyGraph *g, int dim, double *out)
{
	double *deg = ereallocarray(NULL, g->n, sizeof *deg);
	int rc;

	degrees(g, deg);
	rc = g->n <= SPECTRAL_DENSE ? embed_dense(g, deg, dim, out) : embed_lanczos(g, deg, dim, out);
	free(deg);
	return rc;
}

/* connected components: label[i] in 0..return-1, numbered by first vertex */
static size_t
components(const FuzzyGraph *g, long *label)
{
	size_t n = g->n, i, m, nc = 0, head, tail, *queue = ereallocarray(NULL, n ? n : 1, sizeof *queue);

	for (i = 0; i < n; i++)
		label[i] = -1;
	for (i = 0; i < n; i++) {
		if (label[i] >= 0)
			continue;
		label[i] = (long)nc;
		queue[0] = i;
		for (head = 0, tail = 1; head < tail; head++)
			for (m = g->ptr[queue[head]]; m < g->ptr[queue[head] + 1]; m++)
				if (label[g->col[m]] < 0) {
					label[g->col[m]] = (long)nc;
					queue[tail++] = g->col[m];
				}
		nc++;
	}
	free(queue);
	return nc;
}

/* the subgraph of component c (local indices) */
static void
subgraph(const FuzzyGraph *g, const long *label, long c, const long *loc, FuzzyGraph *s)
{
	size_t i, m, k = 0, cnt = 0;

	for (i = 0; i < g->n; i++)
		cnt += label[i] == c;
	s->n = cnt;
	s->ptr = ereallocarray(NULL, cnt + 1, sizeof *s->ptr);
	s->ptr[0] = 0;
	for (i = 0; i < g->n; i++)
		if (label[i] == c)
			s->ptr[k + 1] = s->ptr[k] + (g->ptr[i + 1] - g->ptr[i]), k++;
	s->col = ereallocarray(NULL, s->ptr[cnt] ? s->ptr[cnt] : 1, sizeof *s->col);
	s->w = ereallocarray(NULL, s->ptr[cnt] ? s->ptr[cnt] : 1, sizeof *s->w);
	for (k = 0, i = 0; i < g->n; i++)
		if (label[i] == c)
			for (m = g->ptr[i]; m < g->ptr[i + 1]; m++, k++) {
				s->col[k] = (unsigned)loc[g->col[m]];
				s->w[k] = g->w[m];
			}
}

/* the nc x d centroids of the components */
static double *
centroids(const float *x, size_t n, size_t d, const long *label, size_t nc)
{
	double *c = ecalloc(nc, d * sizeof *c);
	size_t *cnt = ecalloc(nc, sizeof *cnt), i, j;

	for (i = 0; i < n; i++) {
		cnt[label[i]]++;
		for (j = 0; j < d; j++)
			c[label[i] * d + j] += x[i * d + j];
	}
	for (i = 0; i < nc; i++)
		for (j = 0; j < d; j++)
			c[i * d + j] /= (double)cnt[i];
	free(cnt);
	return c;
}

static double
distance(const double *a, const double *b, size_t d, int metric)
{
	double s = 0, aa = 0, bb = 0;
	size_t j;

	for (j = 0; j < d; j++) {
		s += metric == KNN_COSINE ? a[j] * b[j] : (a[j] - b[j]) * (a[j] - b[j]);
		aa += a[j] * a[j];
		bb += b[j] * b[j];
	}
	if (metric != KNN_COSINE)
		return sqrt(s);
	return aa == 0 || bb == 0 ? 1 : fmin(fmax(1 - s / sqrt(aa * bb), 0), 2);
}

/* sklearn's SpectralEmbedding(dim, affinity='precomputed') of exp(-D^2) between
 * the centroids, divided by its largest entry (umap-learn's component_layout) */
static int
component_layout(const double *cen, size_t nc, size_t d, int metric, int dim, double *meta)
{
	double *A = ereallocarray(NULL, nc, nc * sizeof *A), *dd = ecalloc(nc, sizeof *dd);
	double *ev = ereallocarray(NULL, nc, sizeof *ev), *Z = ereallocarray(NULL, nc, (size_t)(dim + 1) * sizeof *Z), mx;
	lapack_int found, *sup = ereallocarray(NULL, 2 * nc, sizeof *sup);
	size_t i, j, best;
	int c, rc;

	for (i = 0; i < nc; i++)
		for (j = 0; j < nc; j++) {
			A[i * nc + j] = i == j ? 0 : exp(-pow(distance(cen + i * d, cen + j * d, d, metric), 2));
			dd[i] += A[i * nc + j];
		}
	for (i = 0; i < nc; i++)
		dd[i] = dd[i] > 0 ? sqrt(dd[i]) : 1;
	for (i = 0; i < nc; i++)
		for (j = 0; j < nc; j++)
			A[i * nc + j] = i == j ? 1 : -A[i * nc + j] / (dd[i] * dd[j]);
	rc = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)nc, A, (lapack_int)nc, 0, 0, 1,
	    dim + 1, 0, &found, ev, Z, dim + 1, sup);
	for (c = 1; !rc && c <= dim; c++) { /* drop the first; u = x / dd; sign flip */
		for (best = 0, i = 0; i < nc; i++) {
			Z[i * (dim + 1) + c] /= dd[i];
			if (fabs(Z[i * (dim + 1) + c]) > fabs(Z[best * (dim + 1) + c]))
				best = i;
		}
		for (i = 0; i < nc; i++)
			meta[i * dim + c - 1] = Z[best * (dim + 1) + c] < 0 ? -Z[i * (dim + 1) + c] : Z[i * (dim + 1) + c];
	}
	for (mx = -INFINITY, i = 0; i < nc * (size_t)dim; i++)
		mx = fmax(mx, meta[i]);
	for (i = 0; i < nc * (size_t)dim; i++)
		meta[i] /= mx;
	free(A), free(dd), free(ev), free(Z), free(sup);
	return rc ? -1 : 0;
}

/* component c laid out around meta[c] within half the distance to the nearest other */
static int
place_component(const FuzzyGraph *g, const long *label, const long *loc, long c, const double *meta,
    size_t nc, int dim, Rng *r, double *init)
{
	FuzzyGraph s;
	double range = INFINITY, t, mx = 0, *e;
	size_t i, j, k;
	int rc = 0, small;

	for (i = 0; i < nc; i++) {
		for (t = 0, k = 0; k < (size_t)dim; k++)
			t += (meta[i * dim + k] - meta[c * dim + k]) * (meta[i * dim + k] - meta[c * dim + k]);
		if (t > 0 && sqrt(t) < range)
			range = sqrt(t);
	}
	range /= 2;
	subgraph(g, label, c, loc, &s);
	small = s.n < 2 * (size_t)dim || s.n <= (size_t)dim + 1;
	e = ereallocarray(NULL, s.n, (size_t)dim * sizeof *e);
	if (!small && (rc = embed(&s, dim, e)) < 0)
		small = 1;
	for (i = 0; small && i < s.n * (size_t)dim; i++)
		e[i] = (2 * rng_uniform(r) - 1) * range;
	for (i = 0; !small && i < s.n * (size_t)dim; i++)
		mx = fmax(mx, fabs(e[i]));
	for (j = 0, i = 0; i < g->n; i++)
		if (label[i] == c) {
			for (k = 0; k < (size_t)dim; k++)
				init[i * dim + k] = (small ? e[j * dim + k] : e[j * dim + k] * range / mx) + meta[c * dim + k];
			j++;
		}
	free(e);
	del_fuzzy(&s);
	return rc;
}

/* umap-learn's multi_component_layout */
static int
multi_component(const FuzzyGraph *g, const float *x, size_t d, int metric, int dim, Rng *r,
    const long *label, size_t nc, double *init)
{
	double *meta = ecalloc(nc, (size_t)dim * sizeof *meta), *cen;
	long *loc = ereallocarray(NULL, g->n, sizeof *loc), *cnt = ecalloc(nc, sizeof *cnt);
	size_t i, k, half = (nc + 1) / 2;
	int rc = 0;

	if (nc > 2 * (size_t)dim) {
		cen = centroids(x, g->n, d, label, nc);
		rc = component_layout(cen, nc, d, metric, dim, meta);
		free(cen);
	} else { /* +-e_1, +-e_2, ... */
		for (i = 0; i < nc; i++)
			for (k = 0; k < (size_t)dim; k++)
				meta[i * dim + k] = k == i % half ? (i < half ? 1 : -1) : 0;
	}
	for (i = 0; i < g->n; i++)
		loc[i] = cnt[label[i]]++;
	for (i = 0; i < nc && rc >= 0; i++)
		rc = place_component(g, label, loc, (long)i, meta, nc, dim, r, init);
	free(meta);
	free(loc);
	free(cnt);
	return rc;
}

int
spectral_layout(const FuzzyGraph *g, const float *x, size_t d, int metric, int dim, Rng *r,
    double *init, size_t *ncomp)
{
	long *label = ereallocarray(NULL, g->n ? g->n : 1, sizeof *label);
	size_t nc = components(g, label), i;
	int rc;

	*ncomp = nc;
	rc = nc > 1 ? multi_component(g, x, d, metric, dim, r, label, nc, init) : embed(g, dim, init);
	free(label);
	if (rc < 0)
		for (i = 0; i < g->n * (size_t)dim; i++)
			init[i] = 20 * rng_uniform(r) - 10;
	return rc < 0 ? -1 : 0;
}
