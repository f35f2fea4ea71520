/* metrics.c — silhouette, Davies–Bouldin, Kneedle (see metrics.h). */
#include "ml/metrics.h"
#include "core/hot.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- silhouette ----
 * The distances are symmetric: only the tiles (rb, cb), cb >= rb, of SIL_B x SIL_B
 * distances are computed (BLAS: |x|^2 + |y|^2 - 2 x.y, in double, on the centred
 * data), each giving the sums per cluster of its rows and, off the diagonal, of its
 * columns.  The records are taken in the order of the first labeling's clusters,
 * so that its sums run over contiguous stretches.  Tiles run a batch at a time on
 * the pool, into per-tile buffers added in tile order: the sums do not depend on
 * the threads. */

#define SIL_B 256        /* rows and columns of a tile */
#define SIL_PER_THREAD 8 /* tiles of a batch per thread */

typedef struct Sil {
	size_t n, d, L, ktot, batch;
	double *x;          /* n x d centred doubles, in the order of perm */
	double *sq;         /* their squared norms */
	int *lab;           /* L x n: koff[l] + label, in the order of perm */
	size_t *perm;       /* perm[p]: the record at place p */
	size_t *tr, *tc;    /* the batch's tiles (row and column block) */
	double *part;       /* batch x 2 SIL_B x ktot: the row, then column sums */
	double *acc;        /* n x ktot: the sums of distances per record and cluster */
	double **g, **tmp;  /* per thread: a tile; ktot x SIL_B column sums */
	size_t **run;       /* per thread: the starts of runs of equal labels */
} Sil;

/* g[j] = sqrt(a + b[j] + g[j]), 0 when that is not positive (vectorised: this file
 * is built with -fno-math-errno, see the Makefile) */
HOT static void
tile_sqrt(double *restrict g, double a, const double *restrict b, size_t w)
{
	size_t j;
	double t;

	for (j = 0; j < w; j++) {
		t = a + b[j] + g[j];
		g[j] = sqrt(t > 0 ? t : 0);
	}
}

/* g = the m x w distances of the records r0.., c0.. (0 from a record to itself) */
static void
tile_dist(const Sil *S, size_t r0, size_t m, size_t c0, size_t w, double *g)
{
	size_t i, d = S->d;

	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)w, (int)d, -2.0,
	    S->x + r0 * d, (int)d, S->x + c0 * d, (int)d, 0.0, g, (int)w);
	for (i = 0; i < m; i++)
		tile_sqrt(g + i * w, S->sq[r0 + i], S->sq + c0, w);
	if (r0 == c0)
		for (i = 0; i < m; i++)
			g[i * w + i] = 0;
}

/* the starts of the runs of equal labels in lab[0..w), then w; returns their count */
static size_t
runs(const int *lab, size_t w, size_t *start)
{
	size_t j, r = 0;

	for (j = 0; j < w; j++)
		if (j == 0 || lab[j] != lab[j - 1])
			start[r++] = j;
	start[r] = w;
	return r;
}

/* s[lab[j]] += g[j], a run of equal labels at a time (start: runs()) */
HOT static void
row_sums(const double *restrict g, const int *restrict lab, const size_t *restrict start,
    size_t nrun, double *restrict s)
{
	size_t r, j, e;
	double a0, a1, a2, a3;

	for (r = 0; r < nrun; r++) {
		a0 = a1 = a2 = a3 = 0;
		for (j = start[r], e = start[r + 1]; j + 4 <= e; j += 4)
			a0 += g[j], a1 += g[j + 1], a2 += g[j + 2], a3 += g[j + 3];
		for (; j < e; j++)
			a0 += g[j];
		s[lab[start[r]]] += (a0 + a1) + (a2 + a3);
	}
}

/* t[j] += g[j] */
HOT static void
add_row(double *restrict t, const double *restrict g, size_t w)
{
	size_t j;

	for (j = 0; j < w; j++)
		t[j] += g[j];
}

/* cols (w x ktot) = the sums per cluster of the m rows r0.. of the tile g */
static void
col_sums(const Sil *S, const double *g, size_t r0, size_t m, size_t w, double *t, double *cols)
{
	size_t l, i, j, q;

	memset(t, 0, S->ktot * w * sizeof(double));
	for (l = 0; l < S->L; l++)
		for (i = 0; i < m; i++)
			add_row(t + (size_t)S->lab[l * S->n + r0 + i] * w, g + i * w, w);
	for (j = 0; j < w; j++)
		for (q = 0; q < S->ktot; q++)
			cols[j * S->ktot + q] = t[q * w + j];
}

/* tile b of the batch: its distances, row and column sums into its part */
static void
sil_tile(void *arg, size_t b, int tid)
{
	Sil *S = arg;
	size_t r0 = S->tr[b] * SIL_B, c0 = S->tc[b] * SIL_B, m, w, i, l, nrun, *run = S->run[tid];
	double *g = S->g[tid], *rows = S->part + b * 2 * SIL_B * S->ktot;
	const int *lab;

	m = S->n - r0 < SIL_B ? S->n - r0 : SIL_B;
	w = S->n - c0 < SIL_B ? S->n - c0 : SIL_B;
	tile_dist(S, r0, m, c0, w, g);
	memset(rows, 0, m * S->ktot * sizeof(double));
	for (l = 0; l < S->L; l++) {
		lab = S->lab + l * S->n + c0;
		nrun = runs(lab, w, run);
		for (i = 0; i < m; i++)
			row_sums(g + i * w, lab, run, nrun, rows + i * S->ktot);
	}
	if (r0 != c0)
		col_sums(S, g, r0, m, w, S->tmp[tid], rows + SIL_B * S->ktot);
}

/* acc += tile b's row and column sums */
static void
sil_add(Sil *S, size_t b)
{
	size_t r0 = S->tr[b] * SIL_B, c0 = S->tc[b] * SIL_B, m, w, i, kt = S->ktot;
	const double *rows = S->part + b * 2 * SIL_B * kt, *cols = rows + SIL_B * kt;

	m = S->n - r0 < SIL_B ? S->n - r0 : SIL_B;
	w = S->n - c0 < SIL_B ? S->n - c0 : SIL_B;
	for (i = 0; i < m * kt; i++)
		S->acc[r0 * kt + i] += rows[i];
	if (r0 != c0)
		for (i = 0; i < w * kt; i++)
			S->acc[c0 * kt + i] += cols[i];
}

/* S->acc: every tile, a batch at a time */
static void
sil_sums(Sil *S, int nthreads)
{
	size_t nb = (S->n + SIL_B - 1) / SIL_B, rb = 0, cb = 0, cnt, b;

	while (rb < nb) {
		for (cnt = 0; cnt < S->batch && rb < nb; cnt++) {
			S->tr[cnt] = rb, S->tc[cnt] = cb;
			if (++cb == nb)
				cb = ++rb;
		}
		pool_run(nthreads, cnt, sil_tile, S);
		for (b = 0; b < cnt; b++)
			sil_add(S, b);
	}
}

/* S->perm: the records by the clusters of labels (a stable counting sort) */
static void
sil_order(Sil *S, const int *labels, size_t k)
{
	size_t *start = ecalloc(k + 1, sizeof(size_t)), i, q;

	for (i = 0; i < S->n; i++)
		start[labels[i] + 1]++;
	for (q = 0; q < k; q++)
		start[q + 1] += start[q];
	for (i = 0; i < S->n; i++)
		S->perm[start[labels[i]]++] = i;
	free(start);
}

/* the centred doubles, squared norms and offset labels in the order of perm */
static void
sil_data(Sil *S, const float *x, const int *const *labels, const size_t *koff)
{
	size_t i, f, l, p, d = S->d;
	double *mean = ecalloc(d ? d : 1, sizeof(double)), t, a;

	for (i = 0; i < S->n; i++)
		for (f = 0; f < d; f++)
			mean[f] += x[i * d + f];
	for (f = 0; f < d; f++)
		mean[f] /= (double)(S->n ? S->n : 1);
	for (p = 0; p < S->n; p++) {
		i = S->perm[p];
		for (f = 0, a = 0; f < d; f++) {
			t = (double)x[i * d + f] - mean[f];
			S->x[p * d + f] = t;
			a += t * t;
		}
		S->sq[p] = a;
		for (l = 0; l < S->L; l++)
			S->lab[l * S->n + p] = (int)koff[l] + labels[l][i];
	}
	free(mean);
}

/* the buffers of n records, L labelings of ktot clusters in all, nthreads threads */
static void
new_sil(Sil *S, size_t n, size_t d, size_t L, size_t ktot, int nthreads)
{
	int t;

	memset(S, 0, sizeof *S);
	S->n = n, S->d = d, S->L = L, S->ktot = ktot ? ktot : 1;
	S->batch = (size_t)nthreads * SIL_PER_THREAD;
	S->x = ereallocarray(NULL, n ? n : 1, (d ? d : 1) * sizeof(double));
	S->sq = ereallocarray(NULL, n ? n : 1, sizeof(double));
	S->lab = ereallocarray(NULL, n ? n : 1, (L ? L : 1) * sizeof(int));
	S->perm = ereallocarray(NULL, n ? n : 1, sizeof(size_t));
	S->tr = ereallocarray(NULL, S->batch, sizeof(size_t));
	S->tc = ereallocarray(NULL, S->batch, sizeof(size_t));
	S->part = ereallocarray(NULL, S->batch, 2 * SIL_B * S->ktot * sizeof(double));
	S->acc = ecalloc(n ? n : 1, S->ktot * sizeof(double));
	S->g = ecalloc(nthreads, sizeof(double *));
	S->tmp = ecalloc(nthreads, sizeof(double *));
	S->run = ecalloc(nthreads, sizeof(size_t *));
	for (t = 0; t < nthreads; t++) {
		S->g[t] = ereallocarray(NULL, SIL_B, SIL_B * sizeof(double));
		S->tmp[t] = ereallocarray(NULL, S->ktot, SIL_B * sizeof(double));
		S->run[t] = ereallocarray(NULL, SIL_B + 1, sizeof(size_t));
	}
}

static void
del_sil(Sil *S, int nthreads)
{
	int t;

	for (t = 0; t < nthreads; t++)
		free(S->g[t]), free(S->tmp[t]), free(S->run[t]);
	free(S->g), free(S->tmp), free(S->run);
	free(S->x), free(S->sq), free(S->lab), free(S->perm), free(S->tr), free(S->tc);
	free(S->part), free(S->acc);
}

/* sklearn's coefficient of a record from its sums s of distances per cluster:
 * (b - a) / max(a, b), 0 for a cluster of one and for 0/0 */
static double
sil_coef(const double *s, const double *cnt, size_t k, size_t a)
{
	double A, B = INFINITY, t;
	size_t q;

	if (cnt[a] <= 1)
		return 0;
	A = s[a] / (cnt[a] - 1);
	for (q = 0; q < k; q++)
		if (q != a && cnt[q] > 0 && s[q] / cnt[q] < B)
			B = s[q] / cnt[q];
	t = A > B ? A : B;
	return t > 0 ? (B - A) / t : 0;
}

/* out[l]: the mean coefficient of labeling l (summed in record order), NaN unless
 * it has 2 to n - 1 distinct labels */
static void
sil_scores(const Sil *S, const int *const *labels, const size_t *k, const size_t *koff,
    double *out)
{
	double *cnt = ecalloc(S->ktot, sizeof(double)), *c, *sil, acc;
	size_t l, p, i, q, nlab;

	sil = ereallocarray(NULL, S->n ? S->n : 1, sizeof(double));
	for (l = 0; l < S->L; l++) {
		c = cnt + koff[l];
		for (i = 0; i < S->n; i++)
			c[labels[l][i]] += 1;
		for (q = 0, nlab = 0; q < k[l]; q++)
			nlab += c[q] > 0;
		for (p = 0; p < S->n; p++)
			sil[S->perm[p]] = sil_coef(S->acc + p * S->ktot + koff[l], c, k[l],
			    (size_t)labels[l][S->perm[p]]);
		for (i = 0, acc = 0; i < S->n; i++)
			acc += sil[i];
		out[l] = nlab >= 2 && nlab <= S->n - 1 ? acc / (double)S->n : NAN;
	}
	free(sil), free(cnt);
}

void
metrics_silhouette_multi(const float *x, size_t n, size_t d, size_t L, const int *const *labels,
    const size_t *k, int nthreads, double *out)
{
	Sil S;
	size_t l, ktot = 0, *koff = emallocarray(L + 1, sizeof *koff);

	if (nthreads < 1)
		nthreads = 1;
	for (l = 0; l < L; l++)
		koff[l] = ktot, ktot += k[l];
	new_sil(&S, n, d, L, ktot, nthreads);
	if (L)
		sil_order(&S, labels[0], k[0]);
	else
		for (l = 0; l < n; l++)
			S.perm[l] = l;
	sil_data(&S, x, labels, koff);
	if (n && L)
		sil_sums(&S, nthreads);
	sil_scores(&S, labels, k, koff, out);
	del_sil(&S, nthreads);
	free(koff);
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
