/* knn.c — exact nearest neighbours by blocked sgemm and a streaming top-k (see knn.h).
 *
 * Where the time goes (100 000 x 128 references, 10 000 queries, k = 10, one
 * thread): the sgemm is 256 GFLOP, the rest is reading its output once.  So the
 * blocks are shaped for OpenBLAS (a tall block of queries against a short block of
 * references, whose scores stay in L2 until they are scanned) and the scan is a
 * vectorised comparison of 64 keys at a time against the query's k-th best key:
 * almost every chunk is rejected by it, and only the chunks holding a candidate are
 * looked at one by one. */
#include "ml/knn.h"
#include "ml/knnbf.h"
#include "ml/knnscreen.h"
#include "core/pool.h"
#include "core/util.h"

#include <cblas.h>
#include <float.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The hot scans, compiled for AVX-512 and AVX2 too (chosen at load time). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define HOT __attribute__((target_clones("avx512f", "avx2", "default"), optimize("O3")))
#else
#define HOT
#endif

#define CHUNK 64 /* keys compared at once by the scans */
#define SCREEN_SLOT 8 /* screened knn_pairs: leaves per block of pairs */

/* The scans (scan_pick: the versions for this CPU).  first: the offset of
 * the first chunk of CHUNK keys of s[0..n) holding a key above thr (keys s[r],
 * s[r] * a[r] or s[r] - b[r]), or n: one branch a chunk, one call per chunk found
 * (the kNN threshold rejects almost all).  mask: the bits r of the keys of s[0..n)
 * (n <= 64) above thr. */
typedef size_t FirstFn(const float *s, const float *a, const float *b, size_t n, float thr);
typedef uint64_t MaskFn(const float *s, const float *a, const float *b, size_t n, float thr);

struct Knn {
	int metric, nt;
	size_t n, d;
	float *ref;      /* n x d, as given */
	double *rsq;     /* ||y||^2 */
	float *a;        /* cosine: the ranking key is s * a[r], a = 1 / ||y|| (0 for 0) */
	float *h;        /* euclidean: the ranking key is s - h[r], h = ||y||^2 / 2 */
	KnnBf *bf;       /* cosine: bfloat16 candidates (NULL: the sgemm ranks them) */
};

/* per-thread scratch */
typedef struct Scratch {
	float *q;        /* KNN_QBLOCK x d queries, as given */
	double *qsq;     /* their squared norms */
	float *s;        /* KNN_QBLOCK x KNN_RBLOCK scores */
	float *key;      /* top-k keys, larger is nearer: KNN_QBLOCK x k */
	long *idx;       /* top-k reference indices */
	size_t *cnt;     /* entries held per query */
	long **ridx;     /* range: query i's neighbours so far, in reference order */
	float **rsc;
	size_t *rn, *rcap;
	double *ex;      /* one query's exact scores */
	long *exi;
	FirstFn *first;  /* the scans */
	MaskFn *mask;
	KnnBfWork *bw;   /* the bfloat16 candidates of a block */
	size_t *rows;    /* the queries the sgemm searches */
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

const char *
knn_metric_name(int metric)
{
	return metric == KNN_COSINE ? "cosine" : metric == KNN_INNER ? "inner" : "euclidean";
}

long
knn_zero_row(const float *x, size_t n, size_t d)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < d && x[i * d + j] == 0; j++)
			;
		if (j == d)
			return (long)i;
	}
	return -1;
}

/* x.y in double (4 partial sums) */
HOT static double
dot_d(const float *x, const float *y, size_t d)
{
	double s[4] = { 0, 0, 0, 0 };
	size_t j;

	for (j = 0; j + 4 <= d; j += 4) {
		s[0] += (double)x[j] * y[j];
		s[1] += (double)x[j + 1] * y[j + 1];
		s[2] += (double)x[j + 2] * y[j + 2];
		s[3] += (double)x[j + 3] * y[j + 3];
	}
	for (; j < d; j++)
		s[0] += (double)x[j] * y[j];
	return (s[0] + s[1]) + (s[2] + s[3]);
}

/* ||x - y||^2 in double, from the coordinates (no cancellation) */
HOT static double
sqdist_d(const float *x, const float *y, size_t d)
{
	double s[4] = { 0, 0, 0, 0 }, t[4];
	size_t j;

	for (j = 0; j + 4 <= d; j += 4) {
		t[0] = (double)x[j] - y[j];
		t[1] = (double)x[j + 1] - y[j + 1];
		t[2] = (double)x[j + 2] - y[j + 2];
		t[3] = (double)x[j + 3] - y[j + 3];
		s[0] += t[0] * t[0];
		s[1] += t[1] * t[1];
		s[2] += t[2] * t[2];
		s[3] += t[3] * t[3];
	}
	for (; j < d; j++) {
		t[0] = (double)x[j] - y[j];
		s[0] += t[0] * t[0];
	}
	return (s[0] + s[1]) + (s[2] + s[3]);
}

double
knn_score(const Knn *kn, const float *x, double xsq, size_t r)
{
	const float *y = kn->ref + r * kn->d;

	if (kn->metric == KNN_EUCLIDEAN)
		return sqrt(sqdist_d(x, y, kn->d));
	if (kn->metric == KNN_INNER)
		return dot_d(x, y, kn->d);
	return xsq == 0 || kn->rsq[r] == 0 ? 0 : dot_d(x, y, kn->d) / sqrt(xsq * kn->rsq[r]);
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
	kn->rsq = ereallocarray(NULL, n ? n : 1, sizeof *kn->rsq);
	for (i = 0; i < n; i++)
		kn->rsq[i] = dot_d(kn->ref + i * d, kn->ref + i * d, d);
	if (metric == KNN_COSINE) {
		kn->a = ereallocarray(NULL, n ? n : 1, sizeof *kn->a);
		for (i = 0; i < n; i++)
			kn->a[i] = kn->rsq[i] > 0 ? (float)(1 / sqrt(kn->rsq[i])) : 0;
		kn->bf = new_knnbf(kn->ref, n, d);
	}
	if (metric == KNN_EUCLIDEAN) {
		kn->h = ereallocarray(NULL, n ? n : 1, sizeof *kn->h);
		for (i = 0; i < n; i++)
			kn->h[i] = (float)(kn->rsq[i] / 2);
	}
	return kn;
}

size_t
knn_size(const Knn *kn)
{
	return kn->n;
}

size_t
knn_dim(const Knn *kn)
{
	return kn->d;
}

int
knn_metric_of(const Knn *kn)
{
	return kn->metric;
}

void
del_knn(Knn *kn)
{
	if (!kn)
		return;
	free(kn->ref);
	free(kn->rsq);
	free(kn->a);
	free(kn->h);
	del_knnbf(kn->bf);
	free(kn);
}

static Scratch *
new_scratch(const Knn *kn, size_t k, int range)
{
	Scratch *sc = ecalloc((size_t)kn->nt, sizeof *sc);
	size_t kk = k ? k : 1;
	int t;

	for (t = 0; t < kn->nt; t++) {
		sc[t].q = ereallocarray(NULL, KNN_QBLOCK, (kn->d ? kn->d : 1) * sizeof(float));
		sc[t].qsq = ereallocarray(NULL, KNN_QBLOCK, sizeof(double));
		sc[t].s = ereallocarray(NULL, KNN_QBLOCK, KNN_RBLOCK * sizeof(float));
		if (range) {
			sc[t].ridx = ecalloc(KNN_QBLOCK, sizeof *sc[t].ridx);
			sc[t].rsc = ecalloc(KNN_QBLOCK, sizeof *sc[t].rsc);
			sc[t].rn = ecalloc(KNN_QBLOCK, sizeof *sc[t].rn);
			sc[t].rcap = ecalloc(KNN_QBLOCK, sizeof *sc[t].rcap);
			continue;
		}
		sc[t].key = ereallocarray(NULL, KNN_QBLOCK, kk * sizeof(float));
		sc[t].idx = ereallocarray(NULL, KNN_QBLOCK, kk * sizeof(long));
		sc[t].cnt = ereallocarray(NULL, KNN_QBLOCK, sizeof(size_t));
		sc[t].ex = ereallocarray(NULL, kk, sizeof(double));
		sc[t].exi = ereallocarray(NULL, kk, sizeof(long));
		sc[t].rows = ereallocarray(NULL, KNN_QBLOCK, sizeof(size_t));
		if (kn->bf)
			sc[t].bw = new_knnbf_work(kn->bf, KNN_QBLOCK, kk);
	}
	return sc;
}

static void
del_scratch(Scratch *sc, int nt)
{
	int t;
	size_t i;

	for (t = 0; t < nt; t++) {
		free(sc[t].q);
		free(sc[t].qsq);
		free(sc[t].s);
		free(sc[t].key);
		free(sc[t].idx);
		free(sc[t].cnt);
		for (i = 0; sc[t].ridx && i < KNN_QBLOCK; i++) {
			free(sc[t].ridx[i]);
			free(sc[t].rsc[i]);
		}
		free(sc[t].ridx);
		free(sc[t].rsc);
		free(sc[t].rn);
		free(sc[t].rcap);
		free(sc[t].ex);
		free(sc[t].exi);
		free(sc[t].rows);
		del_knnbf_work(sc[t].bw);
	}
	free(sc);
}

/* copy queries q0..q0+nb into the scratch with their squared norms */
static void
load_queries(const Knn *kn, Scratch *sc, const float *q, size_t q0, size_t nb)
{
	size_t i, d = kn->d;

	memcpy(sc->q, q + q0 * d, nb * d * sizeof(float));
	for (i = 0; i < nb; i++)
		sc->qsq[i] = dot_d(sc->q + i * d, sc->q + i * d, d);
}

/* copy queries rows[0..nb) into the scratch with their squared norms */
static void
gather_queries(const Knn *kn, Scratch *sc, const float *q, const size_t *rows, size_t nb)
{
	size_t i, d = kn->d;

	for (i = 0; i < nb; i++) {
		memcpy(sc->q + i * d, q + rows[i] * d, d * sizeof(float));
		sc->qsq[i] = dot_d(sc->q + i * d, sc->q + i * d, d);
	}
}

/* raw inner products of nb queries against references r0..r0+rb into sc->s */
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

/* first for any CPU */

HOT static size_t
first_generic(const float *s, const float *a, const float *b, size_t n, float thr)
{
	size_t c, r, e;
	int m;

	for (c = 0; c < n; c += CHUNK) {
		e = n - c < CHUNK ? n : c + CHUNK;
		m = 0;
		if (a)
			for (r = c; r < e; r++)
				m |= s[r] * a[r] > thr;
		else if (b)
			for (r = c; r < e; r++)
				m |= s[r] - b[r] > thr;
		else
			for (r = c; r < e; r++)
				m |= s[r] > thr;
		if (m)
			return c;
	}
	return n;
}


static uint64_t
mask_generic(const float *s, const float *a, const float *b, size_t n, float thr)
{
	uint64_t m = 0;
	size_t r;

	for (r = 0; r < n; r++)
		m |= (uint64_t)((a ? s[r] * a[r] : b ? s[r] - b[r] : s[r]) > thr) << r;
	return m;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
__attribute__((target("avx512f"))) static uint64_t
mask_avx512(const float *s, const float *a, const float *b, size_t n, float thr)
{
	__m512 t = _mm512_set1_ps(thr), v;
	uint64_t m = 0;
	size_t c;

	for (c = 0; c + 16 <= n; c += 16) {
		v = _mm512_loadu_ps(s + c);
		if (a)
			v = _mm512_mul_ps(v, _mm512_loadu_ps(a + c));
		else if (b)
			v = _mm512_sub_ps(v, _mm512_loadu_ps(b + c));
		m |= (uint64_t)_mm512_cmp_ps_mask(v, t, _CMP_GT_OQ) << c;
	}
	if (c < n)
		m |= mask_generic(s + c, a ? a + c : NULL, b ? b + c : NULL, n - c, thr) << c;
	return m;
}

/* the maximum of the keys of s[c..c + CHUNK) as first_generic computes them */
#define KEYS4(op, w) \
	_mm512_max_ps(_mm512_max_ps(op(_mm512_loadu_ps(s + c), _mm512_loadu_ps(w + c)), \
	    op(_mm512_loadu_ps(s + c + 16), _mm512_loadu_ps(w + c + 16))), \
	    _mm512_max_ps(op(_mm512_loadu_ps(s + c + 32), _mm512_loadu_ps(w + c + 32)), \
	    op(_mm512_loadu_ps(s + c + 48), _mm512_loadu_ps(w + c + 48))))
#define KEEP(x, y) (x)

/* first_generic with the maximum of each chunk's 64 keys in four vectors, one
 * comparison a chunk */
__attribute__((target("avx512f"))) static size_t
first_avx512(const float *s, const float *a, const float *b, size_t n, float thr)
{
	__m512 t = _mm512_set1_ps(thr), v;
	size_t c;

	for (c = 0; c + CHUNK <= n; c += CHUNK) {
		if (a)
			v = KEYS4(_mm512_mul_ps, a);
		else if (b)
			v = KEYS4(_mm512_sub_ps, b);
		else
			v = KEYS4(KEEP, s);
		if (_mm512_cmp_ps_mask(v, t, _CMP_GT_OQ))
			return c;
	}
	return c < n ? c + first_generic(s + c, a ? a + c : NULL, b ? b + c : NULL, n - c, thr) : n;
}
#undef KEYS4
#undef KEEP
#endif

/* the scan functions for this CPU, chosen once */
static void
scan_pick(MaskFn **mask, FirstFn **first)
{
	static MaskFn *mfn;
	static FirstFn *ffn;

	if (!mfn) {
		ffn = first_generic;
		mfn = mask_generic;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
		__builtin_cpu_init();
		if (__builtin_cpu_supports("avx512f")) {
			ffn = first_avx512;
			mfn = mask_avx512;
		}
#endif
	}
	if (mask)
		*mask = mfn;
	if (first)
		*first = ffn;
}

/* the ranking key of score s against reference r (the scans compute the same) */
static float
rank_key(const Knn *kn, float s, size_t r)
{
	return kn->a ? s * kn->a[r] : kn->h ? s - kn->h[r] : s;
}

/* insert (kv, r) into a descending top-k list of *cnt entries; on equal keys the
 * earlier reference stays first (references arrive in increasing order) */
static void
topk_insert(float *key, long *idx, size_t *cnt, size_t k, float kv, long r)
{
	size_t lo = 0, hi = *cnt, mid;

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

/* offer the scores row[0..rb) of references r0.. to query i's top-k: chunks whose
 * keys are all at most the k-th best are skipped by one vector comparison */
static void
scan_row(const Knn *kn, Scratch *sc, size_t i, size_t k, const float *row, size_t r0,
    size_t rb, long ex)
{
	float *key = sc->key + i * k, thr = sc->cnt[i] == k ? key[k - 1] : -INFINITY, kv;
	long *idx = sc->idx + i * k;
	const float *a = kn->a ? kn->a + r0 : NULL, *b = kn->h ? kn->h + r0 : NULL;
	size_t c, r, e;
	uint64_t m;

	for (c = 0; c < rb; c += CHUNK) {
		c += sc->first(row + c, a ? a + c : NULL, b ? b + c : NULL, rb - c, thr);
		if (c >= rb)
			break;
		e = rb - c < CHUNK ? rb : c + CHUNK;
		m = sc->mask(row + c, a ? a + c : NULL, b ? b + c : NULL, e - c, thr);
		for (; m; m &= m - 1) {
			r = c + (size_t)__builtin_ctzll(m);
			kv = rank_key(kn, row[r], r0 + r);
			if (kv > thr && (long)(r0 + r) != ex) {
				topk_insert(key, idx, &sc->cnt[i], k, kv, (long)(r0 + r));
				if (sc->cnt[i] == k)
					thr = key[k - 1];
			}
		}
	}
}

/* order of two exact results: nearer first, then the lower reference */
static int
nearer(int metric, double s1, long i1, double s2, long i2)
{
	if (s1 != s2)
		return metric == KNN_EUCLIDEAN ? s1 < s2 : s1 > s2;
	return i1 < i2;
}

/* an insertion sort: the lists come nearly sorted from the float32 ranking */
void
knn_sort(int metric, double *s, long *ix, size_t cnt)
{
	size_t r, p;
	double t;
	long ti;

	for (r = 1; r < cnt; r++) {
		t = s[r];
		ti = ix[r];
		for (p = r; p > 0 && nearer(metric, t, ti, s[p - 1], ix[p - 1]); p--) {
			s[p] = s[p - 1];
			ix[p] = ix[p - 1];
		}
		s[p] = t;
		ix[p] = ti;
	}
}

/* query i's kept list as the caller's scores: recomputed in double from the
 * coordinates (the sgemm's float32 scores rank the candidates; they lose the small
 * Euclidean distances to cancellation and carry ~1e-7 errors), re-sorted by them,
 * equal scores in reference order, then padded with -1 / NaN */
static void
final_scores(const Knn *kn, const Scratch *sc, size_t i, size_t k, long *idx, float *out)
{
	size_t r, cnt = sc->cnt[i];
	const float *x = sc->q + i * kn->d;

	for (r = 0; r < cnt; r++) {
		sc->exi[r] = sc->idx[i * k + r];
		sc->ex[r] = knn_score(kn, x, sc->qsq[i], (size_t)sc->exi[r]);
	}
	knn_sort(kn->metric, sc->ex, sc->exi, cnt);
	for (r = 0; r < cnt; r++) {
		idx[r] = sc->exi[r];
		out[r] = (float)sc->ex[r];
	}
	for (r = cnt; r < k; r++) {
		idx[r] = -1;
		out[r] = NAN;
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

/* the top-k rows of queries rows[0..nb) by the sgemm */
static void
sgemm_rows(const QueryJob *j, Scratch *sc, const size_t *rows, size_t nb)
{
	const Knn *kn = j->kn;
	size_t r0, rb, i, k = j->k;

	gather_queries(kn, sc, j->q, rows, nb);
	memset(sc->cnt, 0, nb * sizeof *sc->cnt);
	for (r0 = 0; r0 < kn->n; r0 += rb) {
		rb = kn->n - r0 < KNN_RBLOCK ? kn->n - r0 : KNN_RBLOCK;
		score_block(kn, sc, nb, r0, rb);
		for (i = 0; i < nb; i++)
			scan_row(kn, sc, i, k, sc->s + i * rb, r0, rb, j->exclude ? j->exclude[rows[i]] : -1);
	}
	for (i = 0; i < nb; i++)
		final_scores(kn, sc, i, k, j->idx + rows[i] * k, j->score + rows[i] * k);
}

/* query x's k nearest among its m bfloat16 candidates c[]: scored in double from
 * the coordinates, sorted as final_scores sorts, padded with -1 / NaN */
static void
bf_final(const Knn *kn, Scratch *sc, const float *x, const long *c, size_t m, size_t k,
    long *idx, float *out)
{
	double xsq = dot_d(x, x, kn->d), v;
	size_t a, p, cnt = 0;

	for (a = 0; a < m; a++) {
		v = knn_score(kn, x, xsq, (size_t)c[a]);
		if (cnt == k && !nearer(kn->metric, v, c[a], sc->ex[k - 1], sc->exi[k - 1]))
			continue;
		p = cnt < k ? cnt++ : k - 1;
		for (; p > 0 && nearer(kn->metric, v, c[a], sc->ex[p - 1], sc->exi[p - 1]); p--) {
			sc->ex[p] = sc->ex[p - 1];
			sc->exi[p] = sc->exi[p - 1];
		}
		sc->ex[p] = v;
		sc->exi[p] = c[a];
	}
	for (a = 0; a < k; a++) {
		idx[a] = a < cnt ? sc->exi[a] : -1;
		out[a] = a < cnt ? (float)sc->ex[a] : NAN;
	}
}

/* the top-k rows of one block of queries: bfloat16 candidates rescored, the sgemm
 * for the queries they cannot serve (or for all without them) */
static void
query_block(void *arg, size_t b, int tid)
{
	QueryJob *j = arg;
	const Knn *kn = j->kn;
	Scratch *sc = &j->sc[tid];
	size_t q0 = b * KNN_QBLOCK, nb = j->nq - q0 < KNN_QBLOCK ? j->nq - q0 : KNN_QBLOCK;
	size_t i, m, nr = 0, k = j->k;
	const long *c;

	if (kn->bf)
		knnbf_run(kn->bf, sc->bw, j->q + q0 * kn->d, nb, k, j->exclude ? j->exclude + q0 : NULL);
	for (i = 0; i < nb; i++) {
		if (kn->bf && (m = knnbf_cand(sc->bw, i, &c)) != KNNBF_FULL)
			bf_final(kn, sc, j->q + (q0 + i) * kn->d, c, m, k, j->idx + (q0 + i) * k,
			    j->score + (q0 + i) * k);
		else
			sc->rows[nr++] = q0 + i;
	}
	if (nr)
		sgemm_rows(j, sc, sc->rows, nr);
}

void
knn_query(const Knn *kn, const float *q, size_t nq, size_t k, const long *exclude,
    long *idx, float *score)
{
	QueryJob j = { kn, NULL, q, nq, k, exclude, idx, score };
	int t;

	if (!nq || !k)
		return;
	j.sc = new_scratch(kn, k, 0);
	for (t = 0; t < kn->nt; t++)
		scan_pick(&j.sc[t].mask, &j.sc[t].first);
	pool_run(kn->nt, (nq + KNN_QBLOCK - 1) / KNN_QBLOCK, query_block, &j);
	del_scratch(j.sc, kn->nt);
}

/* ---- range queries ----
 * A pair is a candidate when its float32 key passes a threshold loosened by the
 * sgemm's error bound (d * 2^-24 of the norms, doubled, with ||x|| ||y|| <=
 * (||x||^2 + ||y||^2) / 2); a candidate well inside is a member with the sgemm's
 * score, one near the boundary is decided on the score recomputed in double
 * (knn_score), so membership is exact (and symmetric). */

typedef struct RangeJob {
	const Knn *kn;
	Scratch *sc;
	const float *q;
	size_t nq, first;   /* query blocks first.. of this round */
	double eps, slack;  /* slack: relative error bound of the sgemm */
	const float *a, *b; /* the candidate keys: s * a[r] or s - b[r] (or s) */
	const float *hb;    /* the sure-member keys s - hb[r] (Euclidean, inner) */
	MaskFn *mask;
	int pairs;          /* knn_pairs: queries are the references, pairs r > i only */
	size_t *pn, *pcap;  /* knn_pairs: per slot, pairs (i, r) found */
	long **pi, **pr;
	const KnnScreen *scr; /* knn_pairs screened: kn is the points in leaf order */
} RangeJob;

/* append reference r (score s) to query i's list */
static void
range_push(Scratch *sc, size_t i, long r, float s)
{
	if (sc->rn[i] == sc->rcap[i]) {
		sc->rcap[i] = sc->rcap[i] ? 2 * sc->rcap[i] : 16;
		sc->ridx[i] = ereallocarray(sc->ridx[i], sc->rcap[i], sizeof **sc->ridx);
		sc->rsc[i] = ereallocarray(sc->rsc[i], sc->rcap[i], sizeof **sc->rsc);
	}
	sc->ridx[i][sc->rn[i]] = r;
	sc->rsc[i][sc->rn[i]++] = s;
}

/* append the pair (i, r) to slot b's list */
static void
pair_push(RangeJob *j, size_t b, long i, long r)
{
	long t;

	if (j->scr) { /* back to the caller's order, the lower index first */
		i = (long)j->scr->perm[i];
		r = (long)j->scr->perm[r];
		if (i > r)
			t = i, i = r, r = t;
	}
	if (j->pn[b] == j->pcap[b]) {
		j->pcap[b] = j->pcap[b] ? 2 * j->pcap[b] : 4096;
		j->pi[b] = ereallocarray(j->pi[b], j->pcap[b], sizeof **j->pi);
		j->pr[b] = ereallocarray(j->pr[b], j->pcap[b], sizeof **j->pr);
	}
	j->pi[b][j->pn[b]] = i;
	j->pr[b][j->pn[b]++] = r;
}

/* the candidate threshold of query i for the vector filter: every member has a
 * key >= it */
static float
range_lo(const RangeJob *j, double qsq)
{
	double e = j->eps, sl = j->slack;

	if (j->kn->metric == KNN_COSINE) /* key s / ||y||, member: x.y / ||y|| >= e ||x|| */
		return qsq == 0 ? (e <= 0 ? -INFINITY : INFINITY) : (float)((e - sl) * sqrt(qsq));
	if (j->kn->metric == KNN_INNER)  /* key s + sl ||y||^2 / 2 */
		return (float)(e - sl * qsq / 2);
	return (float)(((1 - sl) * qsq - e * e) / 2); /* key s - (1 - sl) ||y||^2 / 2 */
}

/* 1 when candidate r (sgemm score s, key kv) of the query x is within eps, its
 * score in *out (when out is not NULL): decided on the sgemm's score when that is
 * farther from the boundary than its error bound, else on the exact score */
static int
range_member(const RangeJob *j, const float *x, double qsq, size_t r, float s, float kv,
    float *out)
{
	const Knn *kn = j->kn;
	double rsq = kn->rsq[r], e = j->eps, err = j->slack * (qsq + rsq) / 2, v;

	if (kn->metric == KNN_EUCLIDEAN) {
		v = qsq + rsq - 2.0 * s;
		if (v + 2 * err <= e * e) {
			if (out)
				*out = (float)sqrt(fmax(0, v));
			return 1;
		}
		if (v - 2 * err > e * e)
			return 0;
	} else if (kn->metric == KNN_INNER) {
		if (s - err >= e) {
			if (out)
				*out = s;
			return 1;
		}
		if (s + err < e)
			return 0;
	} else if (qsq > 0 && rsq > 0 && kv >= (e + j->slack) * sqrt(qsq)) {
		if (out)
			*out = (float)(kv / sqrt(qsq));
		return 1;
	}
	v = knn_score(kn, x, qsq, r);
	if (out)
		*out = (float)v;
	return kn->metric == KNN_EUCLIDEAN ? v <= j->eps : v >= j->eps;
}

/* the key above which a candidate of query i is a member without recomputing:
 * Euclidean s - (1 + sl) ||y||^2 / 2 >= ((1 + sl) ||x||^2 - e^2) / 2, inner
 * s - sl ||y||^2 / 2 >= e + sl ||x||^2 / 2, cosine s / ||y|| >= (e + sl) ||x||
 * (rounded up: float32 rounding of the keys is within the doubled bound) */
static float
range_hi(const RangeJob *j, double qsq)
{
	double e = j->eps, sl = j->slack, h;

	if (j->kn->metric == KNN_COSINE)
		h = qsq == 0 ? INFINITY : (e + sl) * sqrt(qsq);
	else if (j->kn->metric == KNN_INNER)
		h = e + sl * qsq / 2;
	else
		h = ((1 + sl) * qsq - e * e) / 2;
	return nextafterf((float)h, INFINITY);
}

/* the candidates among the scores row[0..rb) of references r0.. for query i (q0 + i
 * overall; knn_pairs keeps r > q0 + i only) */
static void
range_row(RangeJob *j, Scratch *sc, size_t slot, size_t q0, size_t i, const float *row,
    size_t r0, size_t rb)
{
	const float *a = j->a ? j->a + r0 : NULL, *b = j->b ? j->b + r0 : NULL;
	const float *x = sc->q + i * j->kn->d;
	const float *hb = j->hb ? j->hb + r0 : NULL;
	float lo = range_lo(j, sc->qsq[i]), hi = range_hi(j, sc->qsq[i]), kv, kh, s;
	uint64_t m;
	size_t c, r, e, from = j->pairs && q0 + i + 1 > r0 ? q0 + i + 1 - r0 : 0;

	lo = nextafterf(lo, -INFINITY); /* the masks are strict: a key equal to lo passes */
	for (c = from - from % CHUNK; c < rb; c += CHUNK) {
		e = rb - c < CHUNK ? rb : c + CHUNK;
		m = j->mask(row + c, a ? a + c : NULL, b ? b + c : NULL, e - c, lo);
		if (c < from)
			m &= ~(uint64_t)0 << (from - c);
		for (; m; m &= m - 1) {
			r = c + (size_t)__builtin_ctzll(m);
			kv = a ? row[r] * a[r] : b ? row[r] - b[r] : row[r];
			kh = hb ? row[r] - hb[r] : kv;
			if (j->pairs && kh >= hi) { /* a sure member: no score needed */
				pair_push(j, slot, (long)(q0 + i), (long)(r0 + r));
				continue;
			}
			if (j->pairs) {
				if (range_member(j, x, sc->qsq[i], r0 + r, row[r], kv, NULL))
					pair_push(j, slot, (long)(q0 + i), (long)(r0 + r));
			} else if (range_member(j, x, sc->qsq[i], r0 + r, row[r], kv, &s))
				range_push(sc, i, (long)(r0 + r), s);
		}
	}
}

/* the neighbours of one block of queries (slot b of the round) */
static void
range_block(void *arg, size_t b, int tid)
{
	RangeJob *j = arg;
	const Knn *kn = j->kn;
	Scratch *sc = &j->sc[tid];
	size_t q0 = (j->first + b) * KNN_QBLOCK, nb = j->nq - q0 < KNN_QBLOCK ? j->nq - q0 : KNN_QBLOCK;
	size_t i, r0, rb, nr, start = j->pairs ? q0 - q0 % KNN_RBLOCK : 0;

	if (!j->pairs)
		sc = &j->sc[b]; /* the lists are read after the round */
	load_queries(kn, sc, j->q, q0, nb);
	if (!j->pairs)
		memset(sc->rn, 0, nb * sizeof *sc->rn);
	for (r0 = start; r0 < kn->n; r0 += rb) {
		rb = kn->n - r0 < KNN_RBLOCK ? kn->n - r0 : KNN_RBLOCK;
		/* pairs: in the diagonal square only the queries before r0 + rb need it */
		nr = j->pairs && r0 + rb < q0 + nb ? r0 + rb - q0 : nb;
		score_block(kn, sc, nr, r0, rb);
		for (i = 0; i < nr; i++)
			range_row(j, sc, b, q0, i, sc->s + i * rb, r0, rb);
	}
}

/* the keys of a metric: b[r] for s - b[r] (NULL for cosine: s * kn->a[r]); the
 * candidate keys (hi 0: loosened by the error bound) or the sure-member keys */
static float *
range_keys(const Knn *kn, double sl, int hi)
{
	float *b;
	size_t r;
	double f = hi ? sl : -sl;

	if (kn->metric == KNN_COSINE)
		return NULL;
	b = ereallocarray(NULL, kn->n ? kn->n : 1, sizeof *b);
	for (r = 0; r < kn->n; r++)
		b[r] = (float)(kn->metric == KNN_INNER ? f * kn->rsq[r] / 2 : (1 + f) * kn->rsq[r] / 2);
	return b;
}

static void
range_setup(RangeJob *j, const Knn *kn, const float *q, size_t nq, double eps)
{
	memset(j, 0, sizeof *j);
	j->kn = kn;
	j->q = q;
	j->nq = nq;
	j->eps = eps;
	j->slack = (2.0 * kn->d + 8) * FLT_EPSILON / 2;
	j->a = kn->a;
	j->b = range_keys(kn, j->slack, 0);
	j->hb = range_keys(kn, j->slack, 1);
	scan_pick(&j->mask, NULL);
	j->sc = new_scratch(kn, 1, 1);
}

int
knn_range(const Knn *kn, const float *q, size_t nq, double eps, KnnRangeFn fn, void *ctx)
{
	RangeJob j;
	size_t nblocks = (nq + KNN_QBLOCK - 1) / KNN_QBLOCK, round, b, i, q0, nb;
	int rc = 0;

	range_setup(&j, kn, q, nq, eps);
	for (j.first = 0; j.first < nblocks && !rc; j.first += round) {
		round = nblocks - j.first < (size_t)kn->nt ? nblocks - j.first : (size_t)kn->nt;
		pool_run(kn->nt, round, range_block, &j);
		for (b = 0; b < round && !rc; b++) {
			Scratch *sc = &j.sc[b];
			q0 = (j.first + b) * KNN_QBLOCK;
			nb = nq - q0 < KNN_QBLOCK ? nq - q0 : KNN_QBLOCK;
			for (i = 0; i < nb && !rc; i++)
				rc = fn(ctx, q0 + i, sc->ridx[i], sc->rsc[i], sc->rn[i]);
		}
	}
	del_scratch(j.sc, kn->nt);
	free((float *)j.b);
	free((float *)j.hb);
	return rc;
}

/* the pairs of the leaves of slot b (SCREEN_SLOT leaves) with their partners: one
 * sgemm per run of consecutive partners (their points are consecutive) */
static void
screen_block(void *arg, size_t b, int tid)
{
	RangeJob *j = arg;
	const KnnScreen *s = j->scr;
	Scratch *sc = &j->sc[tid];
	size_t a = (j->first + b) * SCREEN_SLOT, end = a + SCREEN_SLOT, p, e, q0, nb, i;
	size_t r0, r1, rb;

	for (; a < end && a < s->nl; a++) {
		q0 = s->lo[a];
		nb = s->lo[a + 1] - q0;
		load_queries(j->kn, sc, j->kn->ref, q0, nb);
		for (p = s->off[a]; p < s->off[a + 1]; p = e) {
			for (e = p + 1; e < s->off[a + 1] && s->near[e] == s->near[e - 1] + 1; e++)
				;
			r1 = s->lo[s->near[e - 1] + 1];
			for (r0 = s->lo[s->near[p]]; r0 < r1; r0 += rb) {
				rb = r1 - r0 < KNN_RBLOCK ? r1 - r0 : KNN_RBLOCK;
				score_block(j->kn, sc, nb, r0, rb);
				for (i = 0; i < nb; i++)
					range_row(j, sc, b, q0, i, sc->s + i * rb, r0, rb);
			}
		}
	}
}

/* the copy the screen bounds distances in (one rounding of each coordinate away from
 * the exact points): Euclidean centred, cosine normalised (NULL: no screen) */
static float *
screen_copy(const Knn *kn)
{
	size_t i, t, n = kn->n, d = kn->d;
	double *m = ecalloc(d ? d : 1, sizeof *m), v;
	float *y = ereallocarray(NULL, n ? n : 1, (d ? d : 1) * sizeof *y);

	for (i = 0; kn->metric == KNN_EUCLIDEAN && i < n; i++)
		for (t = 0; t < d; t++)
			m[t] += kn->ref[i * d + t] / (double)n;
	for (i = 0; i < n; i++) {
		v = kn->metric == KNN_COSINE ? sqrt(kn->rsq[i]) : 1;
		for (t = 0; t < d; t++)
			y[i * d + t] = (float)((kn->ref[i * d + t] - m[t]) / v);
	}
	free(m);
	return y;
}

/* the screen of knn_pairs (knnscreen.h), or NULL: Euclidean and cosine (without
 * zero vectors) on finite data, unless SV_KNN_NOSCREEN; SV_KNN_SCREEN forces it
 * (tests).  The radius is loosened by 1e-9 so that knn_score's double rounding
 * cannot take a pair the screen dropped back inside eps. */
static KnnScreen *
screen_of(const Knn *kn, double eps)
{
	KnnScreen *s;
	float *y;
	double r;
	size_t i;

	if (getenv("SV_KNN_NOSCREEN") || kn->metric == KNN_INNER || kn->n < 2 ||
	    (kn->metric == KNN_COSINE && knn_zero_row(kn->ref, kn->n, kn->d) >= 0))
		return NULL;
	for (i = 0; i < kn->n; i++)
		if (!isfinite(kn->rsq[i]))
			return NULL;
	r = kn->metric == KNN_EUCLIDEAN ? eps * (1 + 1e-9) : sqrt(fmax(0, 2 - 2 * (eps - 1e-9)));
	y = screen_copy(kn);
	s = new_knnscreen(y, kn->n, kn->d, r, kn->nt, getenv("SV_KNN_SCREEN") != NULL);
	free(y);
	return s;
}

/* kn's points in the screen's leaf order (same rows, same norms and keys) */
static Knn *
screen_knn(const Knn *kn, const KnnScreen *s)
{
	Knn *p = ecalloc(1, sizeof *p);
	size_t i, d = kn->d;

	*p = *kn;
	p->bf = NULL;
	p->ref = ereallocarray(NULL, kn->n, d * sizeof *p->ref);
	p->rsq = ereallocarray(NULL, kn->n, sizeof *p->rsq);
	p->a = kn->a ? ereallocarray(NULL, kn->n, sizeof *p->a) : NULL;
	p->h = kn->h ? ereallocarray(NULL, kn->n, sizeof *p->h) : NULL;
	for (i = 0; i < kn->n; i++) {
		memcpy(p->ref + i * d, kn->ref + s->perm[i] * d, d * sizeof *p->ref);
		p->rsq[i] = kn->rsq[s->perm[i]];
		if (p->a)
			p->a[i] = kn->a[s->perm[i]];
		if (p->h)
			p->h[i] = kn->h[s->perm[i]];
	}
	return p;
}

int
knn_pairs(const Knn *kn, double eps, KnnPairFn fn, void *ctx)
{
	RangeJob j;
	KnnScreen *scr = screen_of(kn, eps);
	Knn *kp = scr ? screen_knn(kn, scr) : NULL;
	size_t nblocks = scr ? (scr->nl + SCREEN_SLOT - 1) / SCREEN_SLOT : (kn->n + KNN_QBLOCK - 1) / KNN_QBLOCK;
	size_t round = 4 * (size_t)kn->nt, b;
	int rc = 0;

	range_setup(&j, kp ? kp : kn, kp ? kp->ref : kn->ref, kn->n, eps);
	j.pairs = 1;
	j.scr = scr;
	j.pn = ecalloc(round, sizeof *j.pn);
	j.pcap = ecalloc(round, sizeof *j.pcap);
	j.pi = ecalloc(round, sizeof *j.pi);
	j.pr = ecalloc(round, sizeof *j.pr);
	for (j.first = 0; j.first < nblocks && !rc; j.first += round) {
		size_t nr = nblocks - j.first < round ? nblocks - j.first : round;
		memset(j.pn, 0, round * sizeof *j.pn);
		pool_run(kn->nt, nr, scr ? screen_block : range_block, &j);
		for (b = 0; b < nr && !rc; b++)
			rc = fn(ctx, j.pi[b], j.pr[b], j.pn[b]);
	}
	for (b = 0; b < round; b++) {
		free(j.pi[b]);
		free(j.pr[b]);
	}
	free(j.pn), free(j.pcap), free(j.pi), free(j.pr);
	del_scratch(j.sc, kn->nt);
	free((float *)j.b);
	free((float *)j.hb);
	del_knn(kp);
	del_knnscreen(scr);
	return rc;
}
