/* ann.c — knn -a: hnswlib's HNSW graph, rescored by the exact engine (see ann.h). */
#include "ml/ann.h"
#include "ml/annhnsw.h"
#include "core/pool.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EF_CONSTRUCTION 100
#define ADD_BLOCK 1024 /* points inserted per pool block */

struct Ann {
	const Knn *kn;
	void *ix;
	size_t m, ef;
	int nt;
};

/* "hnsw[:M[:EF]]"; -1 after a message */
static int
parse_spec(const char *spec, size_t *m, size_t *ef)
{
	const char *p = spec + 4;
	char *end;
	long v;

	*m = 16;
	*ef = 96; /* recall@10 >= 0.95 at a million songs (bench 47-knn) */
	if (strncmp(spec, "hnsw", 4) || (*p && *p != ':'))
		goto bad;
	if (*p == ':' && p[1] != ':') {
		if ((v = strtol(p + 1, &end, 10)) < 2 || v > 512 || (*end && *end != ':'))
			goto bad;
		*m = (size_t)v;
		p = end;
	}
	if (*p == ':') {
		if ((v = strtol(p + 1, &end, 10)) < 1 || v > 1L << 20 || *end)
			goto bad;
		*ef = (size_t)v;
	}
	return 0;
bad:
	weprintf("-a: '%s': expected hnsw[:M[:EF]] (M 2..512 links per song, EF candidates "
	    "per query)", spec);
	return -1;
}

/* rows of x, normalised when the metric is cosine (a copy), else x itself */
static float *
prepared(const Knn *kn, const float *x, size_t n, float **own)
{
	size_t i, j, d = knn_dim(kn);
	double s;

	*own = NULL;
	if (knn_metric_of(kn) != KNN_COSINE)
		return (float *)x;
	*own = ereallocarray(NULL, n ? n : 1, d * sizeof **own);
	for (i = 0; i < n; i++) {
		for (s = 0, j = 0; j < d; j++)
			s += (double)x[i * d + j] * x[i * d + j];
		s = s > 0 ? 1 / sqrt(s) : 0;
		for (j = 0; j < d; j++)
			(*own)[i * d + j] = (float)(x[i * d + j] * s);
	}
	return *own;
}

typedef struct AddJob {
	void *ix;
	const float *x;
	size_t n;
	int failed;
	char err[512];
} AddJob;

static void
add_block(void *arg, size_t b, int tid)
{
	AddJob *j = arg;
	size_t first = b * ADD_BLOCK, last = first + ADD_BLOCK < j->n ? first + ADD_BLOCK : j->n;
	char err[512];

	(void)tid;
	/* the first thread to fail keeps its message (atomic: threads fail at once) */
	if (annhnsw_add(j->ix, j->x, first, last, err, sizeof err) &&
	    !__atomic_exchange_n(&j->failed, 1, __ATOMIC_ACQ_REL))
		memcpy(j->err, err, sizeof err);
}

Ann *
new_ann(const char *spec, const Knn *kn, const float *ref, int nthreads, uint64_t seed,
    int verbose)
{
	Ann *a = ecalloc(1, sizeof *a);
	size_t n = knn_size(kn);
	AddJob j = { NULL, NULL, n, 0, "" };
	float *own;
	clock_t t0 = clock();

	a->kn = kn;
	a->nt = nthreads < 1 ? 1 : nthreads;
	if (parse_spec(spec, &a->m, &a->ef)) {
		free(a);
		return NULL;
	}
	a->ix = j.ix = annhnsw_new(n, knn_dim(kn), knn_metric_of(kn) != KNN_EUCLIDEAN, a->m,
	    EF_CONSTRUCTION, seed, j.err, sizeof j.err);
	if (a->ix) {
		j.x = prepared(kn, ref, n, &own);
		pool_run(a->nt, (n + ADD_BLOCK - 1) / ADD_BLOCK, add_block, &j);
		free(own);
	}
	if (!a->ix || j.failed) {
		weprintf("-a %s: hnswlib: %s", spec, j.err);
		del_ann(a);
		return NULL;
	}
	if (verbose)
		fprintf(stderr, "%s: hnswlib HNSW: M %zu, ef_construction %d, ef %zu: built in %.2f s "
		    "of CPU\n", argv0, a->m, EF_CONSTRUCTION, a->ef, (double)(clock() - t0) / CLOCKS_PER_SEC);
	return a;
}

typedef struct QueryJob {
	const Ann *a;
	const float *q;
	size_t nq, k, kq;
	const long *exclude;
	long *idx;
	float *score;
	int64_t *lab;     /* kq per thread */
	double *s;        /* kq per thread */
	float *x;         /* d per thread: the query, normalised for cosine */
	int failed;
	char err[512];
} QueryJob;

/* query i's candidates lab[0..kq) as its k exact results */
static void
rescore(const Ann *a, const float *x, const int64_t *lab, size_t kq, size_t k, long ex,
    long *idx, float *score, double *s)
{
	size_t j, m = 0, d = knn_dim(a->kn);
	double xsq = 0;

	for (j = 0; j < d; j++)
		xsq += (double)x[j] * x[j];
	for (j = 0; j < kq && m < k; j++)
		if (lab[j] >= 0 && lab[j] != ex) {
			idx[m] = (long)lab[j];
			s[m++] = knn_score(a->kn, x, xsq, (size_t)lab[j]);
		}
	knn_sort(knn_metric_of(a->kn), s, idx, m);
	for (j = 0; j < k; j++) {
		score[j] = j < m ? (float)s[j] : NAN;
		if (j >= m)
			idx[j] = -1;
	}
}

#define QUERY_BLOCK 64

static void
query_block(void *arg, size_t b, int tid)
{
	QueryJob *j = arg;
	size_t d = knn_dim(j->a->kn), i, last = (b + 1) * QUERY_BLOCK < j->nq ? (b + 1) * QUERY_BLOCK : j->nq;
	int64_t *lab = j->lab + (size_t)tid * j->kq;
	float *x = j->x + (size_t)tid * d, *own, *p;
	char err[512];

	for (i = b * QUERY_BLOCK; i < last; i++) {
		p = prepared(j->a->kn, j->q + i * d, 1, &own);
		memcpy(x, p, d * sizeof *x);
		free(own);
		if (annhnsw_search(j->a->ix, x, j->kq, lab, err, sizeof err)) {
			if (!__atomic_exchange_n(&j->failed, 1, __ATOMIC_ACQ_REL))
				memcpy(j->err, err, sizeof err);
			return;
		}
		rescore(j->a, j->q + i * d, lab, j->kq, j->k, j->exclude ? j->exclude[i] : -1,
		    j->idx + i * j->k, j->score + i * j->k, j->s + (size_t)tid * j->kq);
	}
}

int
ann_query(const Ann *a, const float *q, size_t nq, size_t k, const long *exclude,
    long *idx, float *score)
{
	size_t n = knn_size(a->kn), d = knn_dim(a->kn), kq = k + 1 < n ? k + 1 : n;
	QueryJob j = { a, q, nq, k, kq, exclude, idx, score, NULL, NULL, NULL, 0, "" };

	j.lab = ereallocarray(NULL, (size_t)a->nt, kq * sizeof *j.lab);
	j.s = ereallocarray(NULL, (size_t)a->nt, kq * sizeof *j.s);
	j.x = ereallocarray(NULL, (size_t)a->nt, (d ? d : 1) * sizeof *j.x);
	annhnsw_set_ef(a->ix, a->ef > kq ? a->ef : kq);
	pool_run(a->nt, (nq + QUERY_BLOCK - 1) / QUERY_BLOCK, query_block, &j);
	if (j.failed)
		weprintf("-a: hnswlib: %s", j.err);
	free(j.lab);
	free(j.s);
	free(j.x);
	return j.failed ? -1 : 0;
}

void
del_ann(Ann *a)
{
	if (!a)
		return;
	annhnsw_free(a->ix);
	free(a);
}
