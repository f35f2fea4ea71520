/* kmeansfit.c — k-means as scikit-learn 1.2.1 (see kmeansfit.h). */
#include "kmeansfit.h"
#include "util.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers: xoshiro256** (Blackman & Vigna), seeded by splitmix64 ---- */

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
km_rng_seed(KmRng *r, uint64_t seed, uint64_t stream)
{
	uint64_t s = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	int i;

	splitmix64(&s);
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&s);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
km_rng_next(KmRng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double
km_rng_uniform(KmRng *r)
{
	return (double)(km_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t
km_rng_below(KmRng *r, uint64_t n)
{
	uint64_t lim, v;

	if (n <= 1)
		return 0;
	lim = -n % n; /* 2^64 mod n: reject the first lim values */
	do
		v = km_rng_next(r);
	while (v < lim);
	return v % n;
}

/* ---- a tiny fork/join over blocks ---- */

typedef struct Par {
	void (*fn)(void *, size_t, int);
	void *arg;
	size_t nblocks, next;
	pthread_mutex_t mu;
} Par;

typedef struct ParThread {
	Par *p;
	int tid;
} ParThread;

static void *
par_worker(void *a)
{
	ParThread *t = a;
	Par *p = t->p;
	size_t b;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		b = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (b >= p->nblocks)
			break;
		p->fn(p->arg, b, t->tid);
	}
	return NULL;
}

void
km_parallel(int nthreads, size_t nblocks, void (*fn)(void *, size_t, int), void *arg)
{
	pthread_t th[256];
	ParThread pt[256];
	Par p;
	int i, nt;
	size_t b;

	nt = nthreads < 1 ? 1 : nthreads > 256 ? 256 : nthreads;
	if ((size_t)nt > nblocks)
		nt = (int)nblocks;
	if (nt <= 1) {
		for (b = 0; b < nblocks; b++)
			fn(arg, b, 0);
		return;
	}
	p.fn = fn;
	p.arg = arg;
	p.nblocks = nblocks;
	p.next = 0;
	pthread_mutex_init(&p.mu, NULL);
	for (i = 0; i < nt; i++) {
		pt[i].p = &p;
		pt[i].tid = i;
	}
	for (i = 1; i < nt; i++)
		if (pthread_create(&th[i], NULL, par_worker, &pt[i]))
			eprintf("pthread_create:");
	par_worker(&pt[0]);
	for (i = 1; i < nt; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
}

/* ---- blocks ---- */

/* Rows per block: fixed for given (n, k), independent of the thread count, so the
 * block partial sums (and so every result) do not depend on -j. */
static size_t
block_rows(size_t k)
{
	size_t br = 64 * k;

	return br < 1024 ? 1024 : br;
}

/* Rows per sgemm call inside a block.  OpenBLAS 0.3.21 on SkylakeX-class cores
 * runs X.C^T through a "small matrix" kernel that does not pack X when beta = 0,
 * k * rows <= 1200, k * rows * d <= 1e6 and d >= 32 (sgemm_small_kernel_permit);
 * the packing path costs more than the product itself for small k.  Elsewhere the
 * whole block is one call. */
static size_t
gemm_rows(size_t k, size_t d, size_t br)
{
	size_t sb;

	if (d < 32)
		return br;
	sb = 1200 / k;
	if (sb * k * d > 1000000)
		sb = 1000000 / (k * d);
	return sb < 16 ? br : sb;
}

/* D (m x k) = -2 X C^T, in calls of sb rows */
static void
neg2_xct(const float *x, size_t m, size_t d, const float *c, size_t k, size_t sb, float *D)
{
	size_t s, r;

	for (s = 0; s < m; s += sb) {
		r = m - s < sb ? m - s : sb;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)r, (int)k, (int)d, -2.0f,
		    x + s * d, (int)d, c, (int)d, 0.0f, D + s * k, (int)k);
	}
}

/* Hot loops, compiled for AVX2 too (chosen at load time; same results: the
 * per-element order of operations is fixed). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define HOT __attribute__((target_clones("avx2", "default"), optimize("O3")))
#else
#define HOT
#endif

/* squared distance in double, 4 interleaved partial sums (vectorisable) */
HOT static double
sqdist(const float *a, const float *b, size_t d)
{
	double s[4] = { 0, 0, 0, 0 }, t;
	size_t f, j;

	for (f = 0; f + 4 <= d; f += 4)
		for (j = 0; j < 4; j++) {
			t = (double)a[f + j] - b[f + j];
			s[j] += t * t;
		}
	for (; f < d; f++) {
		t = (double)a[f] - b[f];
		s[0] += t * t;
	}
	return (s[0] + s[1]) + (s[2] + s[3]);
}

HOT static void
add_row(double *restrict acc, const float *restrict x, size_t d)
{
	size_t f;

	for (f = 0; f < d; f++)
		acc[f] += x[f];
}

static void
row_sqnorms(const float *c, size_t k, size_t d, float *out)
{
	size_t j, f;
	double s;

	for (j = 0; j < k; j++) {
		s = 0;
		for (f = 0; f < d; f++)
			s += (double)c[j * d + f] * c[j * d + f];
		out[j] = (float)s;
	}
}

/* Rows per chunk of a block whose distances sit in the per-thread scratch at once:
 * a whole number of sgemm calls, scratch <= 64K floats (or 16 rows) for large k. */
static size_t
chunk_rows(size_t k, size_t d, size_t br)
{
	size_t sb = gemm_rows(k, d, br), cap = 65536 / k, c;

	if (cap < 16)
		cap = 16;
	if (sb >= br)
		return cap < br ? cap : br;
	c = sb * (cap / sb ? cap / sb : 1);
	return c < br ? c : br;
}

/* ---- the assignment (E) step, fused with the centre sums (M step) ---- */

typedef struct Lloyd {
	const float *x, *c, *csq;
	size_t n, d, k, br;
	int *labels;
	float **scratch;    /* per thread: br x k */
	double *psum;       /* per block: k x d sums */
	double *pcnt;       /* per block: k counts */
	char *changed;      /* per block */
	int update;
} Lloyd;

static void
lloyd_block(void *arg, size_t b, int tid)
{
	Lloyd *L = arg;
	size_t s = b * L->br, e = s + L->br, m, i, j, k = L->k, d = L->d;
	float *D = L->scratch[tid], best;
	double *ps = L->psum + b * k * d, *pc = L->pcnt + b * k;
	const float *xi;
	int lab, ch = 0;

	size_t cr = chunk_rows(k, d, L->br), s0;

	if (e > L->n)
		e = L->n;
	if (L->update) {
		memset(ps, 0, k * d * sizeof(double));
		memset(pc, 0, k * sizeof(double));
	}
	for (s0 = s; s0 < e; s0 += cr) {
	s = s0;
	m = e - s < cr ? e - s : cr;
	/* -2 x.c, then + ||c||^2: the same float32 value as sklearn's beta=1 sgemm on a
	 * ||c||^2-filled buffer (-2 acc is exact, so fma(-2, acc, csq) rounds once
	 * either way), but beta=0 lets OpenBLAS take its small-matrix kernel that
	 * does not pack X */
	neg2_xct(L->x + s * d, m, d, L->c, k, gemm_rows(k, d, L->br), D);
	for (i = 0; i < m; i++) {
		float *Di = D + i * k;
		best = Di[0] + L->csq[0];
		lab = 0;
		for (j = 1; j < k; j++)
			if (Di[j] + L->csq[j] < best) {
				best = Di[j] + L->csq[j];
				lab = (int)j;
			}
		if (L->labels[s + i] != lab) {
			L->labels[s + i] = lab;
			ch = 1;
		}
		if (L->update) {
			xi = L->x + (s + i) * d;
			pc[lab] += 1;
			add_row(ps + (size_t)lab * d, xi, d);
		}
	}
	}
	L->changed[b] = (char)ch;
}

typedef struct Far {
	const float *x, *c;
	const int *labels;
	size_t n, d, br;
	double *dist;
} Far;

static void
far_block(void *arg, size_t b, int tid)
{
	Far *F = arg;
	size_t s = b * F->br, e = s + F->br, i;

	if (e > F->n)
		e = F->n;
	for (i = s; i < e; i++)
		F->dist[i] = sqdist(F->x + i * F->d, F->c + (size_t)F->labels[i] * F->d, F->d);
}

typedef struct Run {
	KMeans *km;
	size_t nb, br;
	float *c, *cnew, *csq;
	int *labels;
	double *sum, *cnt;   /* k x d, k */
	double *dist;        /* n, for relocation and k-means++ */
	Lloyd L;
	double *pbuf;        /* per block partials (k-means++) */
} Run;

/* _relocate_empty_clusters_dense: sums/counts in r->sum/cnt, old centres r->c */
static void
relocate_empty(Run *r)
{
	KMeans *km = r->km;
	size_t k = km->k, d = km->d, n = km->n, j, i, f, nempty = 0, *empty, far;
	double mx;
	Far F;
	int old;

	for (j = 0; j < k; j++)
		nempty += r->cnt[j] == 0;
	if (!nempty)
		return;
	F.x = km->x;
	F.c = r->c;
	F.labels = r->labels;
	F.n = n;
	F.d = d;
	F.br = r->br;
	F.dist = r->dist;
	km_parallel(km->o.nthreads, r->nb, far_block, &F);
	mx = 0;
	for (i = 0; i < n; i++)
		if (r->dist[i] > mx)
			mx = r->dist[i];
	if (mx == 0) /* more clusters than distinct points: nothing to gain */
		return;
	empty = emalloc(nempty * sizeof *empty);
	for (j = 0, nempty = 0; j < k; j++)
		if (r->cnt[j] == 0)
			empty[nempty++] = j;
	for (j = 0; j < nempty; j++) {
		/* the next farthest point (ties: lowest index); -1 marks used ones */
		far = 0;
		mx = -1;
		for (i = 0; i < n; i++)
			if (r->dist[i] > mx) {
				mx = r->dist[i];
				far = i;
			}
		if (mx < 0)
			break;
		r->dist[far] = -1;
		old = r->labels[far];
		for (f = 0; f < d; f++) {
			r->sum[(size_t)old * d + f] -= km->x[far * d + f];
			r->sum[empty[j] * d + f] = km->x[far * d + f];
		}
		r->cnt[empty[j]] = 1;
		r->cnt[old] -= 1;
	}
	free(empty);
}

/* one Lloyd iteration: labels from r->c, new centres in r->cnew; returns the
 * squared centre shift; *changed = some label changed */
static double
lloyd_iter(Run *r, int *changed)
{
	KMeans *km = r->km;
	size_t k = km->k, d = km->d, b, j, f;
	double shift = 0, t;

	row_sqnorms(r->c, k, d, r->csq);
	r->L.c = r->c;
	r->L.update = 1;
	km_parallel(km->o.nthreads, r->nb, lloyd_block, &r->L);
	memset(r->sum, 0, k * d * sizeof(double));
	memset(r->cnt, 0, k * sizeof(double));
	*changed = 0;
	for (b = 0; b < r->nb; b++) { /* block order: independent of the threads */
		const double *ps = r->L.psum + b * k * d, *pc = r->L.pcnt + b * k;
		for (j = 0; j < k * d; j++)
			r->sum[j] += ps[j];
		for (j = 0; j < k; j++)
			r->cnt[j] += pc[j];
		*changed |= r->L.changed[b];
	}
	relocate_empty(r);
	for (j = 0; j < k; j++)
		for (f = 0; f < d; f++) {
			t = r->sum[j * d + f];
			if (r->cnt[j] > 0)
				t /= r->cnt[j];
			r->cnew[j * d + f] = (float)t;
			t = (double)r->cnew[j * d + f] - r->c[j * d + f];
			shift += t * t;
		}
	return shift;
}

static void
assign_only(Run *r)
{
	row_sqnorms(r->c, r->km->k, r->km->d, r->csq);
	r->L.c = r->c;
	r->L.update = 0;
	km_parallel(r->km->o.nthreads, r->nb, lloyd_block, &r->L);
}

/* ---- k-means++, all runs at once ----
 * The runs are independent, so their candidate distances are computed in the
 * same passes over the data: one sgemm with t candidates of every run, then one
 * that updates each run's closest distances.  Each run draws from its own
 * generator in the same order as a lone run would. */

typedef struct PP {
	const float *x, *xsq, *cand;
	size_t n, d, br, nc;
	const size_t *owner; /* run of each candidate */
	double *csq;         /* nc */
	float **scratch;     /* per thread: br x nc */
	double *closest;     /* runs x n */
	double *pbuf;        /* per block: nc potentials */
	int update;          /* closest[owner] = min(closest, distance) */
} PP;

static void
pp_block(void *arg, size_t b, int tid)
{
	PP *P = arg;
	size_t s = b * P->br, e = s + P->br, m, i, c, nc = P->nc, d = P->d;
	float *D = P->scratch[tid];
	double dd, *pot = P->pbuf + b * nc, *cl;

	size_t cr = chunk_rows(nc, d, P->br), s0;

	if (e > P->n)
		e = P->n;
	for (c = 0; c < nc; c++)
		pot[c] = 0;
	for (s0 = s; s0 < e; s0 += cr) {
		s = s0;
		m = e - s < cr ? e - s : cr;
		neg2_xct(P->x + s * d, m, d, P->cand, nc, gemm_rows(nc, d, P->br), D);
		for (i = 0; i < m; i++)
			for (c = 0; c < nc; c++) {
				dd = (double)P->xsq[s + i] + P->csq[c] + D[i * nc + c];
				if (dd < 0)
					dd = 0;
				cl = P->closest + P->owner[c] * P->n + s + i;
				if (dd > *cl)
					dd = *cl;
				pot[c] += dd;
				if (P->update)
					*cl = dd;
			}
	}
}

static void
pp_pass(PP *P, KMeans *km, size_t nb, const float *cand, size_t nc, const size_t *owner,
    int update, double *pots)
{
	size_t b, c, f;

	P->cand = cand;
	P->nc = nc;
	P->owner = owner;
	P->update = update;
	for (c = 0; c < nc; c++) {
		P->csq[c] = 0;
		for (f = 0; f < P->d; f++)
			P->csq[c] += (double)cand[c * P->d + f] * cand[c * P->d + f];
	}
	km_parallel(km->o.nthreads, nb, pp_block, P);
	for (c = 0; c < nc; c++) {
		pots[c] = 0;
		for (b = 0; b < nb; b++)
			pots[c] += P->pbuf[b * nc + c];
	}
}

/* centres of runs r0..r0+R-1 into cen (R x k x d) */
static void
init_plusplus_all(Run *r, size_t R, KmRng *rng, float *cen)
{
	KMeans *km = r->km;
	size_t n = km->n, d = km->d, k = km->k, t, c, i, j, q, best, nc;
	size_t *owner, *own1;
	float *cand, *sel;
	double *pot, *pots, *cl, rv, cum;
	double *pbuf;
	PP P;
	int tid;

	t = 2 + (size_t)log((double)k);
	nc = R * t;
	cand = emalloc(nc * d * sizeof(float));
	sel = emalloc(R * d * sizeof(float));
	owner = emalloc(nc * sizeof *owner);
	own1 = emalloc(R * sizeof *own1);
	pot = emalloc(R * sizeof(double));
	pots = emalloc(nc * sizeof(double));
	pbuf = emalloc(r->nb * nc * sizeof(double));
	for (q = 0; q < R; q++) {
		own1[q] = q;
		for (j = 0; j < t; j++)
			owner[q * t + j] = q;
	}
	memset(&P, 0, sizeof P);
	P.x = km->x;
	P.xsq = km->xsq;
	P.n = n;
	P.d = d;
	P.br = r->br;
	P.pbuf = pbuf;
	P.csq = emalloc(nc * sizeof(double));
	P.closest = emalloc(R * n * sizeof(double));
	P.scratch = ecalloc(km->o.nthreads, sizeof(float *));
	for (tid = 0; tid < km->o.nthreads; tid++)
		P.scratch[tid] = emalloc(chunk_rows(nc, d, r->br) * nc * sizeof(float));
	for (i = 0; i < R * n; i++)
		P.closest[i] = INFINITY;
	for (q = 0; q < R; q++) {
		i = km_rng_below(&rng[q], n);
		memcpy(cen + q * k * d, km->x + i * d, d * sizeof(float));
		memcpy(sel + q * d, km->x + i * d, d * sizeof(float));
	}
	pp_pass(&P, km, r->nb, sel, R, own1, 1, pot);
	for (c = 1; c < k; c++) {
		for (q = 0; q < R; q++) {
			cl = P.closest + q * n;
			for (j = 0; j < t; j++) {
				rv = km_rng_uniform(&rng[q]) * pot[q];
				/* searchsorted(cumsum(closest), rv), side left, clipped */
				cum = 0;
				for (i = 0; i < n; i++) {
					cum += cl[i];
					if (cum >= rv)
						break;
				}
				if (i >= n)
					i = n - 1;
				memcpy(cand + (q * t + j) * d, km->x + i * d, d * sizeof(float));
			}
		}
		pp_pass(&P, km, r->nb, cand, nc, owner, 0, pots);
		for (q = 0; q < R; q++) {
			best = 0;
			for (j = 1; j < t; j++)
				if (pots[q * t + j] < pots[q * t + best])
					best = j;
			memcpy(cen + (q * k + c) * d, cand + (q * t + best) * d, d * sizeof(float));
			memcpy(sel + q * d, cand + (q * t + best) * d, d * sizeof(float));
		}
		pp_pass(&P, km, r->nb, sel, R, own1, 1, pot);
	}
	for (tid = 0; tid < km->o.nthreads; tid++)
		free(P.scratch[tid]);
	free(P.scratch);
	free(P.closest);
	free(P.csq);
	free(cand), free(sel), free(owner), free(own1), free(pot), free(pots), free(pbuf);
}

static void
init_random(Run *r, KmRng *rng, float *cen)
{
	KMeans *km = r->km;
	size_t *id = emalloc(km->k * sizeof *id), c, j, i;

	for (c = 0; c < km->k; c++) {
	again:
		i = km_rng_below(rng, km->n);
		for (j = 0; j < c; j++)
			if (id[j] == i)
				goto again;
		id[c] = i;
		memcpy(cen + c * km->d, km->x + i * km->d, km->d * sizeof(float));
	}
	free(id);
}

/* ---- inertia ---- */

typedef struct In {
	const float *x, *c;
	const int *labels;
	size_t n, d, br;
	double *pbuf;
} In;

static void
inertia_block(void *arg, size_t b, int tid)
{
	In *In_ = arg;
	size_t s = b * In_->br, e = s + In_->br, i;
	double acc = 0;

	if (e > In_->n)
		e = In_->n;
	for (i = s; i < e; i++)
		acc += sqdist(In_->x + i * In_->d, In_->c + (size_t)In_->labels[i] * In_->d, In_->d);
	In_->pbuf[b] = acc;
}

static double
inertia(Run *r)
{
	In In_;
	size_t b;
	double s = 0;

	In_.x = r->km->x;
	In_.c = r->c;
	In_.labels = r->labels;
	In_.n = r->km->n;
	In_.d = r->km->d;
	In_.br = r->br;
	In_.pbuf = r->pbuf;
	km_parallel(r->km->o.nthreads, r->nb, inertia_block, &In_);
	for (b = 0; b < r->nb; b++)
		s += In_.pbuf[b];
	return s;
}

/* ---- the fit ---- */

void
km_defaults(KMeansOpt *o)
{
	memset(o, 0, sizeof *o);
	o->k = 5;
	o->n_init = 10;
	o->max_iter = 100;
	o->tol = 1e-4;
	o->init = KM_PLUSPLUS;
	o->nthreads = 1;
}

KMeans *
new_kmeans(float *x, size_t n, size_t d, const KMeansOpt *o)
{
	KMeans *km = ecalloc(1, sizeof *km);
	size_t i, f;
	float *sum;
	double *acc, t, vs = 0;

	km->o = *o;
	if (km->o.nthreads < 1)
		km->o.nthreads = 1;
	if (km->o.init == KM_GIVEN)
		km->o.n_init = 1;
	if (km->o.n_init < 1)
		km->o.n_init = 1;
	km->n = n;
	km->d = d;
	km->k = o->k;
	km->x = x;
	/* numpy's float32 X.mean(axis=0): sequential float32 sums, float32 division */
	km->mean = ecalloc(d ? d : 1, sizeof(float));
	if (o->premean) {
		memcpy(km->mean, o->premean, d * sizeof(float));
	} else {
		sum = km->mean;
		for (i = 0; i < n; i++)
			for (f = 0; f < d; f++)
				sum[f] += x[i * d + f];
		for (f = 0; f < d; f++)
			km->mean[f] = sum[f] / (float)n;
		for (i = 0; i < n; i++)
			for (f = 0; f < d; f++)
				x[i * d + f] -= km->mean[f];
	}
	km->o.premean = NULL;
	/* tol * mean of per-feature variances (of the centred data) */
	/* two passes row by row (cache friendly), d double accumulators */
	acc = ecalloc(2 * (d ? d : 1), sizeof(double));
	for (i = 0; i < n; i++)
		for (f = 0; f < d; f++)
			acc[f] += x[i * d + f];
	for (f = 0; f < d; f++)
		acc[f] /= (double)n;
	for (i = 0; i < n; i++)
		for (f = 0; f < d; f++) {
			t = x[i * d + f] - acc[f];
			acc[d + f] += t * t;
		}
	for (f = 0; f < d; f++)
		vs += acc[d + f] / (double)n;
	free(acc);
	km->tolabs = d ? vs / (double)d * o->tol : 0;
	km->xsq = emalloc(n * sizeof(float));
	row_sqnorms(x, n, d, km->xsq);
	km->centers = ecalloc(km->k * d, sizeof(float));
	km->ccenters = ecalloc(km->k * d, sizeof(float));
	km->labels = emalloc(n * sizeof(int));
	km->inertia = INFINITY;
	return km;
}

static void
run_once(Run *r, int run, const float *init)
{
	KMeans *km = r->km;
	size_t k = km->k, d = km->d, i;
	int it, strict = 0, changed, why = 0;
	double shift = 0, in;
	float *tmp;

	memcpy(r->c, init, k * d * sizeof(float));
	for (i = 0; i < km->n; i++)
		r->labels[i] = -1;
	for (it = 0; it < km->o.max_iter; it++) {
		shift = lloyd_iter(r, &changed);
		tmp = r->c;
		r->c = r->cnew;
		r->cnew = tmp;
		if (!changed) {
			strict = 1;
			why = 1;
			break;
		}
		if (shift <= km->tolabs) {
			why = 2;
			break;
		}
	}
	if (it == km->o.max_iter)
		it--;
	if (!strict)
		assign_only(r);
	in = inertia(r);
	if (km->o.verbose)
		fprintf(stderr, "%s: k=%zu run %d: inertia %.9g, %d iterations (%s)\n", argv0, k,
		    run + 1, in, it + 1,
		    why == 1 ? "labels unchanged" : why == 2 ? "centre shift within tol" : "max_iter");
	if (in < km->inertia) {
		km->inertia = in;
		km->n_iter = it + 1;
		km->best_run = run;
		memcpy(km->labels, r->labels, km->n * sizeof(int));
		memcpy(km->ccenters, r->c, k * d * sizeof(float));
	}
}

void
kmeans_do(KMeans *km)
{
	Run r;
	size_t k = km->k, d = km->d, n = km->n, i, f, nb, R, nr, q;
	int run, tid;
	char *seen;
	KmRng *rng;
	float *cen;

	memset(&r, 0, sizeof r);
	r.km = km;
	r.br = block_rows(k);
	r.nb = nb = (n + r.br - 1) / r.br;
	r.c = emalloc(k * d * sizeof(float));
	r.cnew = emalloc(k * d * sizeof(float));
	r.csq = emalloc(k * sizeof(float));
	r.labels = emalloc(n * sizeof(int));
	r.sum = emalloc(k * d * sizeof(double));
	r.cnt = emalloc(k * sizeof(double));
	r.dist = emalloc(n * sizeof(double));
	r.pbuf = emalloc(nb * 64 * sizeof(double));
	r.L.x = km->x;
	r.L.csq = r.csq;
	r.L.n = n;
	r.L.d = d;
	r.L.k = k;
	r.L.br = r.br;
	r.L.labels = r.labels;
	r.L.scratch = ecalloc(km->o.nthreads, sizeof(float *));
	for (tid = 0; tid < km->o.nthreads; tid++)
		r.L.scratch[tid] = emalloc(chunk_rows(k, d, r.br) * k * sizeof(float));
	r.L.psum = emalloc(nb * k * d * sizeof(double));
	r.L.pcnt = emalloc(nb * k * sizeof(double));
	r.L.changed = emalloc(nb);
	/* initial centres for a batch of runs, then the runs one by one */
	R = km->d / 4 < 1 ? 1 : km->d / 4;
	if (R > (size_t)km->o.n_init)
		R = (size_t)km->o.n_init;
	rng = emalloc(R * sizeof *rng);
	cen = emalloc(R * k * d * sizeof(float));
	for (run = 0; run < km->o.n_init; run += (int)R) {
		nr = (size_t)km->o.n_init - (size_t)run < R ? (size_t)km->o.n_init - (size_t)run : R;
		for (q = 0; q < nr; q++)
			km_rng_seed(&rng[q], km->o.seed, (uint64_t)run + q);
		if (km->o.init == KM_GIVEN) {
			for (i = 0; i < k; i++)
				for (f = 0; f < d; f++)
					cen[i * d + f] = km->o.init_centers[i * d + f] - km->mean[f];
		} else if (km->o.init == KM_RANDOM) {
			for (q = 0; q < nr; q++)
				init_random(&r, &rng[q], cen + q * k * d);
		} else {
			init_plusplus_all(&r, nr, rng, cen);
		}
		for (q = 0; q < nr; q++)
			run_once(&r, run + (int)q, cen + q * k * d);
	}
	free(rng);
	free(cen);
	for (i = 0; i < k; i++)
		for (f = 0; f < d; f++)
			km->centers[i * d + f] = km->ccenters[i * d + f] + km->mean[f];
	seen = ecalloc(k, 1);
	km->distinct = 0;
	for (i = 0; i < n; i++)
		if (!seen[km->labels[i]]) {
			seen[km->labels[i]] = 1;
			km->distinct++;
		}
	free(seen);
	for (tid = 0; tid < km->o.nthreads; tid++)
		free(r.L.scratch[tid]);
	free(r.L.scratch);
	free(r.L.psum);
	free(r.L.pcnt);
	free(r.L.changed);
	free(r.c);
	free(r.cnew);
	free(r.csq);
	free(r.labels);
	free(r.sum);
	free(r.cnt);
	free(r.dist);
	free(r.pbuf);
}

void
del_kmeans(KMeans *km)
{
	if (!km)
		return;
	free(km->mean);
	free(km->centers);
	free(km->ccenters);
	free(km->labels);
	free(km->xsq);
	free(km);
}

/* ---- assigning and measuring ---- */

typedef struct Asg {
	const float *x, *c;
	size_t n, d, k, br;
	float *csq;
	float **scratch;
	int *label;
	const int *given;
	float *dist, *conf;
} Asg;

static void
assign_block(void *arg, size_t b, int tid)
{
	Asg *A = arg;
	size_t s = b * A->br, e = s + A->br, m, i, j, k = A->k, d = A->d;
	float *D, best;
	double d1, d2, t;
	int lab;

	size_t cr = chunk_rows(k, d, A->br), s0;

	if (e > A->n)
		e = A->n;
	for (s0 = s; !A->given && s0 < e; s0 += cr) {
		m = e - s0 < cr ? e - s0 : cr;
		D = A->scratch[tid];
		neg2_xct(A->x + s0 * d, m, d, A->c, k, gemm_rows(k, d, A->br), D);
		for (i = 0; i < m; i++) {
			best = D[i * k] + A->csq[0];
			lab = 0;
			for (j = 1; j < k; j++)
				if (D[i * k + j] + A->csq[j] < best) {
					best = D[i * k + j] + A->csq[j];
					lab = (int)j;
				}
			if (A->label)
				A->label[s0 + i] = lab;
		}
	}
	if (!A->dist && !A->conf)
		return;
	for (i = s; i < e; i++) {
		lab = A->given ? A->given[i] : A->label[i];
		d1 = sqrt(sqdist(A->x + i * d, A->c + (size_t)lab * d, d));
		d2 = INFINITY;
		for (j = 0; j < k; j++)
			if ((int)j != lab && (t = sqdist(A->x + i * d, A->c + j * d, d)) < d2)
				d2 = t;
		d2 = sqrt(d2);
		if (A->dist)
			A->dist[i] = (float)d1;
		if (A->conf) {
			if (k == 1)
				t = 1;
			else if (d2 == 0)
				t = 0;
			else
				t = 1 - d1 / d2;
			A->conf[i] = (float)(t < 0 ? 0 : t > 1 ? 1 : t);
		}
	}
}

static void
assign_run(Asg *A, int nthreads)
{
	int tid;

	if (nthreads < 1)
		nthreads = 1;
	A->br = block_rows(A->k);
	A->csq = emalloc(A->k * sizeof(float));
	row_sqnorms(A->c, A->k, A->d, A->csq);
	A->scratch = ecalloc(nthreads, sizeof(float *));
	if (!A->given)
		for (tid = 0; tid < nthreads; tid++)
			A->scratch[tid] = emalloc(chunk_rows(A->k, A->d, A->br) * A->k * sizeof(float));
	km_parallel(nthreads, (A->n + A->br - 1) / A->br, assign_block, A);
	for (tid = 0; tid < nthreads; tid++)
		free(A->scratch[tid]);
	free(A->scratch);
	free(A->csq);
}

void
km_assign(const float *x, size_t n, size_t d, const float *c, size_t k, int nthreads,
    int *label, float *dist, float *conf)
{
	Asg A;
	int *own = NULL;

	memset(&A, 0, sizeof A);
	if (!label && (dist || conf))
		label = own = emalloc(n * sizeof(int));
	A.x = x;
	A.c = c;
	A.n = n;
	A.d = d;
	A.k = k;
	A.label = label;
	A.dist = dist;
	A.conf = conf;
	assign_run(&A, nthreads);
	free(own);
}

void
km_measure(const float *x, size_t n, size_t d, const float *c, size_t k, int nthreads,
    const int *label, float *dist, float *conf)
{
	Asg A;

	memset(&A, 0, sizeof A);
	A.x = x;
	A.c = c;
	A.n = n;
	A.d = d;
	A.k = k;
	A.given = label;
	A.dist = dist;
	A.conf = conf;
	assign_run(&A, nthreads);
}
