/* knn.c — exact nearest neighbours by blocked sgemm and a streaming top-k (see knn.h). */
#include "ml/knn.h"
#include "core/pool.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct Knn {
	int metric, nt;
	size_t n, d;
	float *ref;      /* n x d, normalised for cosine */
	double *rsq;     /* euclidean: ||y||^2 */
};

/* per-thread scratch */
typedef struct Scratch {
	float *q;        /* KNN_QBLOCK x d queries (normalised for cosine) */
	double *qsq;     /* their squared norms (euclidean) */
	float *s;        /* KNN_QBLOCK x KNN_RBLOCK scores */
	double *key;     /* top-k keys, larger is nearer: KNN_QBLOCK x k */
	long *idx;       /* top-k reference indices */
	size_t *cnt;     /* entries held per query */
	size_t *rq;      /* range: pairs (query, reference, score) of a block, grown */
	long *rr;
	float *rs;
	long *ridx;      /* the same pairs by query: query i's at roff[i] .. roff[i+1] */
	float *rsc;
	size_t *roff, rcap;
	double *dist;    /* one query's exact distances (KNN_MAXK_EXACT) */
} Scratch;

int
knn_metric(const char *s)
{
	if (!strcmp(s, "cosine"))
		return KNN_COSINE;
	if (!strcmp(s, "inner") || !strcmp(s, "ip"))
		return KNN_INNER;
	if (!strcmp(s, "euclidean"))
		return KNN_EUCLIDEAN;
	return -1;
}

/* v /= ||v|| as sklearn.preprocessing.normalize (float32; zero rows stay zero) */
static void
normalise(float *v, size_t d)
{
	double s = 0;
	size_t j;

	for (j = 0; j < d; j++)
		s += (double)v[j] * v[j];
	if (s == 0)
		return;
	s = sqrt(s);
	for (j = 0; j < d; j++)
		v[j] = (float)(v[j] / s);
}

static double
sqnorm(const float *v, size_t d)
{
	double s = 0;
	size_t j;

	for (j = 0; j < d; j++)
		s += (double)v[j] * v[j];
	return s;
}

Knn *
new_knn(const float *ref, size_t n, size_t d, int metric, int nthreads)
{
	Knn *kn = ecalloc(1, sizeof *kn);
	size_t i;

	kn->metric = metric;
	kn->nt = nthreads < 1 ? 1 : nthreads;
	kn->n = n;
	kn->d = d;
	kn->ref = ereallocarray(NULL, n && d ? n : 1, d ? d * sizeof(float) : 1);
	if (n && d)
		memcpy(kn->ref, ref, n * d * sizeof(float));
	if (metric == KNN_COSINE)
		for (i = 0; i < n; i++)
			normalise(kn->ref + i * d, d);
	if (metric == KNN_EUCLIDEAN) {
		kn->rsq = ereallocarray(NULL, n ? n : 1, sizeof *kn->rsq);
		for (i = 0; i < n; i++)
			kn->rsq[i] = sqnorm(kn->ref + i * d, d);
	}
	return kn;
}

size_t
knn_size(const Knn *kn)
{
	return kn->n;
}

void
del_knn(Knn *kn)
{
	if (!kn)
		return;
	free(kn->ref);
	free(kn->rsq);
	free(kn);
}

static Scratch *
new_scratch(const Knn *kn, size_t k)
{
	Scratch *sc = ecalloc((size_t)kn->nt, sizeof *sc);
	int t;

	for (t = 0; t < kn->nt; t++) {
		sc[t].q = ereallocarray(NULL, KNN_QBLOCK, (kn->d ? kn->d : 1) * sizeof(float));
		sc[t].qsq = ereallocarray(NULL, KNN_QBLOCK, sizeof(double));
		sc[t].s = ereallocarray(NULL, KNN_QBLOCK, KNN_RBLOCK * sizeof(float));
		sc[t].key = ereallocarray(NULL, KNN_QBLOCK, (k ? k : 1) * sizeof(double));
		sc[t].idx = ereallocarray(NULL, KNN_QBLOCK, (k ? k : 1) * sizeof(long));
		sc[t].cnt = ereallocarray(NULL, KNN_QBLOCK, sizeof(size_t));
		sc[t].roff = ereallocarray(NULL, KNN_QBLOCK + 1, sizeof(size_t));
		sc[t].dist = ereallocarray(NULL, k < KNN_MAXK_EXACT ? k + 1 : KNN_MAXK_EXACT, sizeof(double));
	}
	return sc;
}

static void
del_scratch(Scratch *sc, int nt)
{
	int t;

	for (t = 0; t < nt; t++) {
		free(sc[t].q);
		free(sc[t].qsq);
		free(sc[t].s);
		free(sc[t].key);
		free(sc[t].idx);
		free(sc[t].cnt);
		free(sc[t].rq);
		free(sc[t].rr);
		free(sc[t].rs);
		free(sc[t].ridx);
		free(sc[t].rsc);
		free(sc[t].roff);
		free(sc[t].dist);
	}
	free(sc);
}

/* copy queries q0..q0+nb into the scratch, prepared for the metric */
static void
load_queries(const Knn *kn, Scratch *sc, const float *q, size_t q0, size_t nb)
{
	size_t i, d = kn->d;

	memcpy(sc->q, q + q0 * d, nb * d * sizeof(float));
	for (i = 0; i < nb; i++) {
		if (kn->metric == KNN_COSINE)
			normalise(sc->q + i * d, d);
		else if (kn->metric == KNN_EUCLIDEAN)
			sc->qsq[i] = sqnorm(sc->q + i * d, d);
	}
}

/* scores of nb prepared queries against references r0..r0+rb into sc->s */
static void
score_block(const Knn *kn, Scratch *sc, size_t nb, size_t r0, size_t rb)
{
	if (kn->d == 0) {
		memset(sc->s, 0, nb * rb * sizeof(float));
		return;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nb, (int)rb, (int)kn->d,
	    1.0f, sc->q, (int)kn->d, kn->ref + r0 * kn->d, (int)kn->d, 0.0f, sc->s, (int)rb);
}

/* the ranking key of a score: larger is nearer (euclidean: -(||y||^2 - 2 x.y)) */
static double
rank_key(const Knn *kn, float s, size_t r)
{
	return kn->metric == KNN_EUCLIDEAN ? 2.0 * s - kn->rsq[r] : s;
}

/* insert (key, r) into a descending top-k list of *cnt entries; on equal keys the
 * earlier reference stays first (references arrive in increasing order) */
static void
topk_insert(double *key, long *idx, size_t *cnt, size_t k, double kv, long r)
{
	size_t lo = 0, hi = *cnt, mid;

	if (*cnt == k && !(kv > key[k - 1]))
		return;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (key[mid] >= kv)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (*cnt < k)
		(*cnt)++;
	memmove(key + lo + 1, key + lo, (*cnt - 1 - lo) * sizeof *key);
	memmove(idx + lo + 1, idx + lo, (*cnt - 1 - lo) * sizeof *idx);
	key[lo] = kv;
	idx[lo] = r;
}

/* the Euclidean distance in double, from the coordinates (no cancellation) */
static double
exact_dist(const float *x, const float *y, size_t d)
{
	double s = 0, t;
	size_t j;

	for (j = 0; j < d; j++) {
		t = (double)x[j] - y[j];
		s += t * t;
	}
	return sqrt(s);
}

/* query i's kept list as the caller's scores.  Euclidean: the distances are
 * recomputed from the coordinates (||x||^2 - 2 x.y + ||y||^2 in float32 loses the
 * small distances to cancellation), and the list re-sorted by them (stable, so
 * equal distances keep reference order). */
static void
final_scores(const Knn *kn, const Scratch *sc, size_t i, size_t k, size_t cnt, long *idx,
    float *out)
{
	size_t r, p;
	double *dist = sc->dist, t;

	for (r = 0; r < cnt; r++) {
		idx[r] = sc->idx[i * k + r];
		if (kn->metric != KNN_EUCLIDEAN || cnt > KNN_MAXK_EXACT) {
			out[r] = kn->metric != KNN_EUCLIDEAN ? (float)sc->key[i * k + r] :
			    (float)sqrt(fmax(0, sc->qsq[i] - sc->key[i * k + r]));
			continue;
		}
		t = exact_dist(sc->q + i * kn->d, kn->ref + idx[r] * kn->d, kn->d);
		for (p = r; p > 0 && dist[p - 1] > t; p--) { /* insertion sort, stable */
			dist[p] = dist[p - 1];
			idx[p] = idx[p - 1];
		}
		dist[p] = t;
		idx[p] = sc->idx[i * k + r];
	}
	if (kn->metric == KNN_EUCLIDEAN && cnt <= KNN_MAXK_EXACT)
		for (r = 0; r < cnt; r++)
			out[r] = (float)dist[r];
	for (r = cnt; r < k; r++) {
		idx[r] = -1;
		out[r] = NAN;
	}
}

/* offer the scores row[0..rb) of references r0.. to query i's top-k; the k-th key
 * is a threshold checked inline, so most scores cost one comparison */
static void
scan_row(const Knn *kn, Scratch *sc, size_t i, size_t k, const float *row, size_t r0,
    size_t rb, long ex)
{
	double *key = sc->key + i * k, thr = sc->cnt[i] == k ? key[k - 1] : -INFINITY, kv;
	long *idx = sc->idx + i * k;
	size_t r;

	for (r = 0; r < rb; r++) {
		kv = rank_key(kn, row[r], r0 + r);
		if (kv > thr && (long)(r0 + r) != ex) {
			topk_insert(key, idx, &sc->cnt[i], k, kv, (long)(r0 + r));
			if (sc->cnt[i] == k)
				thr = key[k - 1];
		}
	}
}

typedef struct QueryJob {
	const Knn *kn;
	Scratch *sc;
	const float *q;
	size_t nq, k;
	const long *exclude;
	long *idx;
	float *score;
} QueryJob;

/* the top-k rows of one block of queries */
static void
query_block(void *arg, size_t b, int tid)
{
	QueryJob *j = arg;
	const Knn *kn = j->kn;
	Scratch *sc = &j->sc[tid];
	size_t q0 = b * KNN_QBLOCK, nb = j->nq - q0 < KNN_QBLOCK ? j->nq - q0 : KNN_QBLOCK;
	size_t r0, rb, i, k = j->k;

	load_queries(kn, sc, j->q, q0, nb);
	memset(sc->cnt, 0, nb * sizeof *sc->cnt);
	for (r0 = 0; r0 < kn->n; r0 += rb) {
		rb = kn->n - r0 < KNN_RBLOCK ? kn->n - r0 : KNN_RBLOCK;
		score_block(kn, sc, nb, r0, rb);
		for (i = 0; i < nb; i++)
			scan_row(kn, sc, i, k, sc->s + i * rb, r0, rb, j->exclude ? j->exclude[q0 + i] : -1);
	}
	for (i = 0; i < nb; i++)
		final_scores(kn, sc, i, k, sc->cnt[i], j->idx + (q0 + i) * k, j->score + (q0 + i) * k);
}

void
knn_query(const Knn *kn, const float *q, size_t nq, size_t k, const long *exclude,
    long *idx, float *score)
{
	QueryJob j = { kn, NULL, q, nq, k, exclude, idx, score };

	if (!nq || !k)
		return;
	j.sc = new_scratch(kn, k);
	pool_run(kn->nt, (nq + KNN_QBLOCK - 1) / KNN_QBLOCK, query_block, &j);
	del_scratch(j.sc, kn->nt);
}

/* ---- range queries ---- */

typedef struct RangeJob {
	const Knn *kn;
	Scratch *sc;
	const float *q;
	size_t nq, first;   /* query blocks first.. of this round */
	double eps;
} RangeJob;

/* 1 when reference r is within eps of query i (score s from the sgemm); *out gets
 * the caller's score.  Euclidean: decided on the distance recomputed from the
 * coordinates whenever the sgemm's value is near enough to matter. */
static int
within(const Knn *kn, const Scratch *sc, size_t i, float s, size_t r, double eps, float *out)
{
	double d2, slack;

	if (kn->metric != KNN_EUCLIDEAN) {
		*out = s;
		return s >= eps;
	}
	d2 = sc->qsq[i] + kn->rsq[r] - 2.0 * s;
	slack = 1e-5 * (sc->qsq[i] + kn->rsq[r]) + 1e-30;
	if (d2 > eps * eps + slack)
		return 0;
	*out = (float)exact_dist(sc->q + i * kn->d, kn->ref + r * kn->d, kn->d);
	return *out <= eps;
}

/* append a pair to the block's list */
static void
range_push(Scratch *sc, size_t *n, size_t i, long r, float s)
{
	if (*n == sc->rcap) {
		sc->rcap = sc->rcap ? 2 * sc->rcap : 4096;
		sc->rq = ereallocarray(sc->rq, sc->rcap, sizeof *sc->rq);
		sc->rr = ereallocarray(sc->rr, sc->rcap, sizeof *sc->rr);
		sc->rs = ereallocarray(sc->rs, sc->rcap, sizeof *sc->rs);
		sc->ridx = ereallocarray(sc->ridx, sc->rcap, sizeof *sc->ridx);
		sc->rsc = ereallocarray(sc->rsc, sc->rcap, sizeof *sc->rsc);
	}
	sc->rq[*n] = i;
	sc->rr[*n] = r;
	sc->rs[(*n)++] = s;
}

/* order the n pairs by query, stably (a counting sort), so each query's references
 * stay in reference order: query i's at ridx[roff[i] .. roff[i+1]) */
static void
range_sort(Scratch *sc, size_t n, size_t nb)
{
	size_t *pos = sc->roff, p, i, to;

	memset(pos, 0, (nb + 1) * sizeof *pos);
	for (p = 0; p < n; p++)
		pos[sc->rq[p] + 1]++;
	for (i = 0; i < nb; i++)
		pos[i + 1] += pos[i];
	for (p = 0; p < n; p++) {
		to = pos[sc->rq[p]]++;
		sc->ridx[to] = sc->rr[p];
		sc->rsc[to] = sc->rs[p];
	}
	for (i = nb; i > 0; i--)
		pos[i] = pos[i - 1];
	pos[0] = 0;
}

/* the neighbours of one block of queries (slot b of the round) */
static void
range_block(void *arg, size_t b, int tid)
{
	RangeJob *j = arg;
	const Knn *kn = j->kn;
	Scratch *sc = &j->sc[b];
	size_t q0 = (j->first + b) * KNN_QBLOCK, nb = j->nq - q0 < KNN_QBLOCK ? j->nq - q0 : KNN_QBLOCK;
	size_t i, r0, r, rb, n = 0;
	float s;

	load_queries(kn, sc, j->q, q0, nb);
	for (r0 = 0; r0 < kn->n; r0 += rb) {
		rb = kn->n - r0 < KNN_RBLOCK ? kn->n - r0 : KNN_RBLOCK;
		score_block(kn, sc, nb, r0, rb);
		for (i = 0; i < nb; i++)
			for (r = 0; r < rb; r++)
				if (within(kn, sc, i, sc->s[i * rb + r], r0 + r, j->eps, &s))
					range_push(sc, &n, i, (long)(r0 + r), s);
	}
	range_sort(sc, n, nb);
}

int
knn_range(const Knn *kn, const float *q, size_t nq, double eps, KnnRangeFn fn, void *ctx)
{
	RangeJob j = { kn, NULL, q, nq, 0, eps };
	size_t nblocks = (nq + KNN_QBLOCK - 1) / KNN_QBLOCK, round, b, i, q0, nb;
	int rc = 0;

	j.sc = new_scratch(kn, 1);
	for (j.first = 0; j.first < nblocks && !rc; j.first += round) {
		round = nblocks - j.first < (size_t)kn->nt ? nblocks - j.first : (size_t)kn->nt;
		pool_run(kn->nt, round, range_block, &j);
		for (b = 0; b < round && !rc; b++) {
			Scratch *sc = &j.sc[b];
			q0 = (j.first + b) * KNN_QBLOCK;
			nb = nq - q0 < KNN_QBLOCK ? nq - q0 : KNN_QBLOCK;
			for (i = 0; i < nb && !rc; i++)
				rc = fn(ctx, q0 + i, sc->ridx + sc->roff[i], sc->rsc + sc->roff[i],
				    sc->roff[i + 1] - sc->roff[i]);
		}
	}
	del_scratch(j.sc, kn->nt);
	return rc;
}
