/* fuzzy.c — UMAP's fuzzy simplicial set (see fuzzy.h). */
#include "ml/fuzzy.h"
#include "core/util.h"
#include "ml/mapnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SMOOTH_K_TOLERANCE 1e-5
#define MIN_K_DIST_SCALE 1e-3
#define SIGMA_STEPS 64

/* rho: the local_connectivity-th nonzero distance, interpolated */
static float
local_rho(const float *d, size_t k, double lc)
{
	size_t j, nz = 0, index = (size_t)floor(lc);
	float nzd[2] = { 0, 0 }, maxnz = 0, rho = 0;
	double interp = lc - (double)index;

	for (j = 0; j < k; j++) {
		if (!(d[j] > 0))
			continue;
		if (nz == (index ? index - 1 : 0))
			nzd[0] = d[j];
		if (nz == index)
			nzd[1] = d[j];
		if (d[j] > maxnz)
			maxnz = d[j];
		nz++;
	}
	if ((double)nz >= lc) {
		if (index > 0) {
			rho = nzd[0];
			if (interp > SMOOTH_K_TOLERANCE)
				rho += (float)(interp * (nzd[1] - nzd[0]));
		} else {
			rho = (float)(interp * nzd[0]);
		}
	} else if (nz > 0) {
		rho = maxnz;
	}
	return rho;
}

/* the bisection for sigma of one row */
static float
row_sigma(const float *d, size_t k, float rho, double target)
{
	float lo = 0, hi = INFINITY, mid = 1, psum, t;
	size_t j;
	int it;

	for (it = 0; it < SIGMA_STEPS; it++) {
		psum = 0;
		for (j = 1; j < k; j++) {
			t = d[j] - rho;
			psum += t > 0 ? expf(-(t / mid)) : 1.0f;
		}
		if (fabs((double)psum - target) < SMOOTH_K_TOLERANCE)
			break;
		if (psum > target) {
			hi = mid;
			mid = (lo + hi) / 2.0f;
		} else {
			lo = mid;
			mid = hi == INFINITY ? mid * 2 : (lo + hi) / 2.0f;
		}
	}
	return mid;
}

void
fuzzy_sigmas(const float *dist, size_t n, size_t k, double local_connectivity, float *sigma,
    float *rho)
{
	double target = log2((double)k), all = 0, mean;
	size_t i, j;

	for (i = 0; i < n * k; i++)
		all += dist[i];
	if (n && k)
		all /= (double)(n * k);
	for (i = 0; i < n; i++) {
		const float *d = dist + i * k;
		rho[i] = local_rho(d, k, local_connectivity);
		sigma[i] = row_sigma(d, k, rho[i], target);
		for (mean = 0, j = 0; j < k; j++)
			mean += d[j];
		mean /= (double)k;
		if (rho[i] > 0) {
			if (sigma[i] < MIN_K_DIST_SCALE * mean)
				sigma[i] = (float)(MIN_K_DIST_SCALE * mean);
		} else if (sigma[i] < MIN_K_DIST_SCALE * all) {
			sigma[i] = (float)(MIN_K_DIST_SCALE * all);
		}
	}
}

void
fuzzy_memberships(const long *idx, const float *dist, size_t n, size_t k, const float *sigma,
    const float *rho, int bipartite, float *val)
{
	size_t i, j;
	float t;

	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++) {
			t = dist[i * k + j] - rho[i];
			if (idx[i * k + j] < 0 || (!bipartite && idx[i * k + j] == (long)i))
				val[i * k + j] = 0;
			else if (t <= 0 || sigma[i] == 0)
				val[i * k + j] = 1;
			else
				val[i * k + j] = expf(-(t / sigma[i]));
		}
}

void
fuzzy_union(FuzzyGraph *g, const long *idx, const float *val, size_t n, size_t k)
{
	size_t *ptr = ereallocarray(NULL, n + 1, sizeof *ptr), i, j, m = 0;
	MapnnPair *e;
	float s;

	mapnn_pairs(idx, val, n, k, ptr, &e);
	g->n = n;
	g->ptr = ereallocarray(NULL, n + 1, sizeof *g->ptr);
	g->col = ereallocarray(NULL, ptr[n] ? ptr[n] : 1, sizeof *g->col);
	g->w = ereallocarray(NULL, ptr[n] ? ptr[n] : 1, sizeof *g->w);
	g->ptr[0] = 0;
	for (i = 0; i < n; i++) {
		for (j = ptr[i]; j < ptr[i + 1]; j++) {
			s = (e[j].ij + e[j].ji) - e[j].ij * e[j].ji; /* float32, as scipy's sparse sums */
			if (s == 0)
				continue;
			g->col[m] = e[j].col;
			g->w[m++] = s;
		}
		g->ptr[i + 1] = m;
	}
	free(ptr);
	free(e);
}

void
fuzzy_prune(FuzzyGraph *g, int n_epochs)
{
	size_t i, j, m = 0, start;
	float mx = 0;
	double lim;

	for (j = 0; j < g->ptr[g->n]; j++)
		if (g->w[j] > mx)
			mx = g->w[j];
	lim = (double)mx / (double)n_epochs;
	for (i = 0; i < g->n; i++) {
		start = m;
		for (j = g->ptr[i]; j < g->ptr[i + 1]; j++)
			if (!((double)g->w[j] < lim)) {
				g->col[m] = g->col[j];
				g->w[m++] = g->w[j];
			}
		g->ptr[i] = start;
	}
	g->ptr[g->n] = m;
}

void
del_fuzzy(FuzzyGraph *g)
{
	if (!g)
		return;
	free(g->ptr);
	free(g->col);
	free(g->w);
	memset(g, 0, sizeof *g);
}
