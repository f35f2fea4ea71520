/* metrics.c — silhouette, Davies–Bouldin, Kneedle (see metrics.h). */
#include "ml/metrics.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIL_R 256   /* rows per block */
#define SIL_C 1024  /* columns per block */

typedef struct Sil {
	const float *x;
	const double *mean;
	size_t n, d, L, ktot;
	const int *const *labels;
	const size_t *k, *koff;
	double **cnt;       /* per labeling: k cluster sizes */
	double *sil;        /* L x n per-sample coefficients */
	double **xr, **xc, **g, **s, **nr, **nc; /* per thread buffers */
} Sil;

static void
to_double(const Sil *S, size_t r0, size_t r1, double *out, double *sq)
{
	size_t i, f, d = S->d;
	double t, a;

	for (i = r0; i < r1; i++) {
		a = 0;
		for (f = 0; f < d; f++) {
			t = (double)S->x[i * d + f] - S->mean[f];
			out[(i - r0) * d + f] = t;
			a += t * t;
		}
		sq[i - r0] = a;
	}
}

static void
sil_block(void *arg, size_t b, int tid)
{
	Sil *S = arg;
	size_t r0 = b * SIL_R, r1 = r0 + SIL_R, c0, c1, m, w, i, j, l, a, q, d = S->d;
	double *xr = S->xr[tid], *xc = S->xc[tid], *g = S->g[tid], *s = S->s[tid];
	double *nr = S->nr[tid], *nc = S->nc[tid], dist, A, B, t;
	const int *lab;

	if (r1 > S->n)
		r1 = S->n;
	m = r1 - r0;
	to_double(S, r0, r1, xr, nr);
	memset(s, 0, m * S->ktot * sizeof(double));
	for (c0 = 0; c0 < S->n; c0 += SIL_C) {
		c1 = c0 + SIL_C < S->n ? c0 + SIL_C : S->n;
		w = c1 - c0;
		to_double(S, c0, c1, xc, nc);
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)w, (int)d, -2.0,
		    xr, (int)d, xc, (int)d, 0.0, g, (int)w);
		for (i = 0; i < m; i++)
			for (j = 0; j < w; j++) {
				t = nr[i] + nc[j] + g[i * w + j];
				g[i * w + j] = r0 + i == c0 + j || t <= 0 ? 0 : sqrt(t);
			}
		for (l = 0; l < S->L; l++) {
			lab = S->labels[l] + c0;
			for (i = 0; i < m; i++) {
				double *si = s + i * S->ktot + S->koff[l];
				const double *gi = g + i * w;
				for (j = 0; j < w; j++)
					si[lab[j]] += gi[j];
			}
		}
	}
	for (l = 0; l < S->L; l++)
		for (i = 0; i < m; i++) {
			const double *si = s + i * S->ktot + S->koff[l];
			a = (size_t)S->labels[l][r0 + i];
			if (S->cnt[l][a] <= 1) { /* a cluster of one: 0 */
				S->sil[l * S->n + r0 + i] = 0;
				continue;
			}
			A = si[a] / (S->cnt[l][a] - 1);
			B = INFINITY;
			for (q = 0; q < S->k[l]; q++)
				if (q != a && S->cnt[l][q] > 0 && si[q] / S->cnt[l][q] < B)
					B = si[q] / S->cnt[l][q];
			t = A > B ? A : B;
			/* sklearn: (b - a) / max(a, b), NaN (0/0) -> 0 */
			S->sil[l * S->n + r0 + i] = t > 0 ? (B - A) / t : 0;
		}
	(void)dist;
}

void
metrics_silhouette_multi(const float *x, size_t n, size_t d, size_t L, const int *const *labels,
    const size_t *k, int nthreads, double *out)
{
	Sil S;
	size_t l, i, f, q, nlab, *koff;
	double *mean, acc;
	int *valid, tid;

	if (nthreads < 1)
		nthreads = 1;
	memset(&S, 0, sizeof S);
	mean = ecalloc(d ? d : 1, sizeof(double));
	for (i = 0; i < n; i++)
		for (f = 0; f < d; f++)
			mean[f] += x[i * d + f];
	for (f = 0; f < d; f++)
		mean[f] /= (double)(n ? n : 1);
	koff = emallocarray(L + 1, sizeof *koff);
	valid = emallocarray(L, sizeof(int));
	S.cnt = emallocarray(L, sizeof(double *));
	S.ktot = 0;
	for (l = 0; l < L; l++) {
		koff[l] = S.ktot;
		S.ktot += k[l];
		S.cnt[l] = ecalloc(k[l], sizeof(double));
		for (i = 0; i < n; i++)
			S.cnt[l][labels[l][i]] += 1;
		for (q = 0, nlab = 0; q < k[l]; q++)
			nlab += S.cnt[l][q] > 0;
		valid[l] = nlab >= 2 && nlab <= n - 1;
	}
	S.x = x;
	S.mean = mean;
	S.n = n;
	S.d = d;
	S.L = L;
	S.labels = labels;
	S.k = k;
	S.koff = koff;
	S.sil = emallocarray(L * n, sizeof(double));
	S.xr = ecalloc(nthreads, sizeof(double *));
	S.xc = ecalloc(nthreads, sizeof(double *));
	S.g = ecalloc(nthreads, sizeof(double *));
	S.s = ecalloc(nthreads, sizeof(double *));
	S.nr = ecalloc(nthreads, sizeof(double *));
	S.nc = ecalloc(nthreads, sizeof(double *));
	for (tid = 0; tid < nthreads; tid++) {
		S.xr[tid] = emallocarray(SIL_R * (d ? d : 1), sizeof(double));
		S.xc[tid] = emallocarray(SIL_C * (d ? d : 1), sizeof(double));
		S.g[tid] = emallocarray((size_t)SIL_R * SIL_C, sizeof(double));
		S.s[tid] = emallocarray(SIL_R * (S.ktot ? S.ktot : 1), sizeof(double));
		S.nr[tid] = emallocarray(SIL_R, sizeof(double));
		S.nc[tid] = emallocarray(SIL_C, sizeof(double));
	}
	if (n)
		pool_run(nthreads, (n + SIL_R - 1) / SIL_R, sil_block, &S);
	for (l = 0; l < L; l++) {
		acc = 0;
		for (i = 0; i < n; i++)
			acc += S.sil[l * n + i];
		out[l] = valid[l] ? acc / (double)n : NAN;
	}
	for (tid = 0; tid < nthreads; tid++) {
		free(S.xr[tid]);
		free(S.xc[tid]);
		free(S.g[tid]);
		free(S.s[tid]);
		free(S.nr[tid]);
		free(S.nc[tid]);
	}
	free(S.xr);
	free(S.xc);
	free(S.g);
	free(S.s);
	free(S.nr);
	free(S.nc);
	for (l = 0; l < L; l++)
		free(S.cnt[l]);
	free(S.cnt);
	free(S.sil);
	free(valid);
	free(koff);
	free(mean);
}

double
metrics_silhouette(const float *x, size_t n, size_t d, const int *labels, size_t k, int nthreads)
{
	double out;

	metrics_silhouette_multi(x, n, d, 1, &labels, &k, nthreads, &out);
	return out;
}

double
metrics_davies_bouldin(const float *x, size_t n, size_t d, const int *labels, size_t k)
{
	double *cen = ecalloc(k * (d ? d : 1), sizeof(double)), *cnt = ecalloc(k, sizeof(double));
	double *intra = ecalloc(k, sizeof(double)), *cd, t, a, r, best, score = 0;
	size_t i, j, q, f, nlab = 0, *id = emallocarray(k, sizeof *id);
	int allzero;

	for (i = 0; i < n; i++) {
		cnt[labels[i]] += 1;
		for (f = 0; f < d; f++)
			cen[(size_t)labels[i] * d + f] += x[i * d + f];
	}
	for (q = 0; q < k; q++)
		if (cnt[q] > 0) {
			id[nlab++] = q;
			for (f = 0; f < d; f++)
				cen[q * d + f] /= cnt[q];
		}
	if (nlab < 2 || nlab >= n) {
		free(cen), free(cnt), free(intra), free(id);
		return NAN;
	}
	for (i = 0; i < n; i++) {
		a = 0;
		for (f = 0; f < d; f++) {
			t = x[i * d + f] - cen[(size_t)labels[i] * d + f];
			a += t * t;
		}
		intra[labels[i]] += sqrt(a);
	}
	for (q = 0; q < k; q++)
		if (cnt[q] > 0)
			intra[q] /= cnt[q];
	cd = emallocarray(nlab * nlab, sizeof(double));
	for (i = 0; i < nlab; i++)
		for (j = 0; j < nlab; j++) {
			a = 0;
			for (f = 0; f < d; f++) {
				t = cen[id[i] * d + f] - cen[id[j] * d + f];
				a += t * t;
			}
			cd[i * nlab + j] = sqrt(a);
		}
	/* sklearn: 0 when all intra distances or all centroid distances are ~0
	 * (np.allclose(v, 0): |v| <= 1e-8) */
	for (i = 0, allzero = 1; i < nlab; i++)
		allzero &= fabs(intra[id[i]]) <= 1e-8;
	if (!allzero)
		for (i = 0, allzero = 1; i < nlab * nlab; i++)
			allzero &= fabs(cd[i]) <= 1e-8;
	if (allzero) {
		score = 0;
		goto out;
	}
	for (i = 0; i < nlab; i++) {
		best = -INFINITY;
		for (j = 0; j < nlab; j++) {
			t = cd[i * nlab + j] == 0 ? INFINITY : cd[i * nlab + j];
			r = (intra[id[i]] + intra[id[j]]) / t;
			if (r > best)
				best = r;
		}
		score += best;
	}
	score /= (double)nlab;
out:
	free(cd);
	free(cen), free(cnt), free(intra), free(id);
	return score;
}

long
metrics_knee(const double *x, const double *y, size_t n)
{
	double xmin, xmax, ymin, ymax, diff, best = 0;
	size_t i;
	long knee = -1;

	if (n < 3)
		return -1;
	xmin = xmax = x[0];
	ymin = ymax = y[0];
	for (i = 1; i < n; i++) {
		xmin = x[i] < xmin ? x[i] : xmin;
		xmax = x[i] > xmax ? x[i] : xmax;
		ymin = y[i] < ymin ? y[i] : ymin;
		ymax = y[i] > ymax ? y[i] : ymax;
	}
	if (!(xmax > xmin) || !(ymax > ymin))
		return -1;
	for (i = 0; i < n; i++) {
		diff = (1 - (y[i] - ymin) / (ymax - ymin)) - (x[i] - xmin) / (xmax - xmin);
		if (diff > best) {
			best = diff;
			knee = (long)i;
		}
	}
	return knee;
}

double
metrics_calinski_harabasz(const float *x, size_t n, size_t d, const int *labels, size_t k)
{
	double *cen = ecalloc(k, (d ? d : 1) * sizeof(double)), *cnt = ecalloc(k, sizeof(double));
	double *mean = ecalloc(d ? d : 1, sizeof(double)), extra = 0, intra = 0, t, s;
	size_t i, q, f, nlab = 0;

	for (i = 0; i < n; i++) {
		cnt[labels[i]] += 1;
		for (f = 0; f < d; f++) {
			cen[(size_t)labels[i] * d + f] += x[i * d + f];
			mean[f] += x[i * d + f];
		}
	}
	for (f = 0; f < d; f++)
		mean[f] /= (double)n;
	for (q = 0; q < k; q++) {
		if (!(cnt[q] > 0))
			continue;
		nlab++;
		for (f = 0, s = 0; f < d; f++) {
			cen[q * d + f] /= cnt[q];
			t = cen[q * d + f] - mean[f];
			s += t * t;
		}
		extra += cnt[q] * s;
	}
	for (i = 0; i < n; i++)
		for (f = 0; f < d; f++) {
			t = x[i * d + f] - cen[(size_t)labels[i] * d + f];
			intra += t * t;
		}
	free(cen), free(cnt), free(mean);
	if (nlab < 2 || nlab > n - 1)
		return NAN;
	/* sklearn: 1.0 when every point sits on its cluster's mean */
	return intra == 0.0 ? 1.0 : extra * (double)(n - nlab) / (intra * ((double)nlab - 1.0));
}

double
metrics_silhouette_sampled(const float *x, size_t n, size_t d, const int *labels, size_t k,
    size_t sample, uint64_t seed, int nthreads, size_t *chosen)
{
	size_t *idx = ereallocarray(NULL, n ? n : 1, sizeof(size_t)), i, j, t;
	float *xs;
	int *ls;
	Rng r;
	double s;

	if (sample > n)
		sample = n;
	for (i = 0; i < n; i++)
		idx[i] = i;
	rng_seed(&r, seed, 0);
	for (i = 0; i < sample; i++) { /* partial Fisher-Yates */
		j = i + (size_t)rng_below(&r, n - i);
		t = idx[i], idx[i] = idx[j], idx[j] = t;
	}
	xs = ereallocarray(NULL, sample ? sample : 1, (d ? d : 1) * sizeof(float));
	ls = ereallocarray(NULL, sample ? sample : 1, sizeof(int));
	for (i = 0; i < sample; i++) {
		memcpy(xs + i * d, x + idx[i] * d, d * sizeof(float));
		ls[i] = labels[idx[i]];
		if (chosen)
			chosen[i] = idx[i];
	}
	s = metrics_silhouette(xs, sample, d, ls, k, nthreads);
	free(idx), free(xs), free(ls);
	return s;
}
