/* ann.c — knn -a: faiss's IVF-Flat, rescored by the exact engine (see ann.h). */
#include "ml/ann.h"
#include "ml/annfaiss.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TRAIN_PER_LIST 64 /* k-means training points per list (faiss's minimum is 39) */
#define MIN_LIST 39       /* faiss's minimum of training points per list */

struct Ann {
	const Knn *kn;
	void *ix;
	size_t nlist, nprobe;
};

/* "ivf[:NLIST[:NPROBE]]" with the defaults for n references; -1 after a message */
static int
parse_spec(const char *spec, size_t n, size_t *nlist, size_t *nprobe)
{
	const char *p = spec;
	size_t most = n / MIN_LIST;
	char *end;
	long v;

	if (strncmp(spec, "ivf", 3) || (spec[3] && spec[3] != ':'))
		goto bad;
	if (most == 0) {
		weprintf("-a %s: %zu references: an index needs at least %d", spec, n, MIN_LIST);
		return -1;
	}
	*nlist = (size_t)(4 * sqrt((double)n));
	*nlist = *nlist > most ? most : *nlist ? *nlist : 1;
	*nprobe = 0;
	p += 3;
	if (*p == ':' && p[1] != ':') {
		if ((v = strtol(p + 1, &end, 10)) < 1 || (size_t)v > most || (*end && *end != ':'))
			goto bad;
		*nlist = (size_t)v;
		p = end;
	}
	if (*p == ':') {
		if ((v = strtol(p + 1, &end, 10)) < 1 || *end)
			goto bad;
		*nprobe = (size_t)v;
	}
	if (!*nprobe)
		*nprobe = (size_t)ceil(2 * sqrt((double)*nlist));
	*nprobe = *nprobe > *nlist ? *nlist : *nprobe;
	return 0;
bad:
	weprintf("-a: '%s': expected ivf[:NLIST[:NPROBE]] with NLIST in 1..%zu (%d references "
	    "per list at least)", spec, most, MIN_LIST);
	return -1;
}

/* rows r0.. of x, normalised when the metric is cosine (a copy), else x itself */
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

Ann *
new_ann(const char *spec, const Knn *kn, const float *ref, int nthreads, uint64_t seed,
    int verbose)
{
	Ann *a = ecalloc(1, sizeof *a);
	size_t n = knn_size(kn);
	float *own, *x;
	char err[512];

	a->kn = kn;
	if (parse_spec(spec, n, &a->nlist, &a->nprobe)) {
		free(a);
		return NULL;
	}
	x = prepared(kn, ref, n, &own);
	a->ix = annfaiss_new_ivf(x, n, knn_dim(kn), knn_metric_of(kn) != KNN_EUCLIDEAN, a->nlist,
	    TRAIN_PER_LIST, seed, nthreads, err, sizeof err);
	free(own);
	if (!a->ix) {
		weprintf("-a %s: faiss: %s", spec, err);
		free(a);
		return NULL;
	}
	if (verbose)
		fprintf(stderr, "%s: faiss IVF-Flat: %zu lists, %zu visited per query\n", argv0,
		    a->nlist, a->nprobe);
	return a;
}

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

int
ann_query(const Ann *a, const float *q, size_t nq, size_t k, const long *exclude,
    long *idx, float *score)
{
	size_t n = knn_size(a->kn), d = knn_dim(a->kn), kq = k + 1 < n ? k + 1 : n, i;
	int64_t *lab = ereallocarray(NULL, nq ? nq : 1, kq * sizeof *lab);
	float *dist = ereallocarray(NULL, nq ? nq : 1, kq * sizeof *dist), *own, *x;
	double *s = ecalloc(kq, sizeof *s);
	char err[512];
	int rc = 0;

	x = prepared(a->kn, q, nq, &own);
	if (annfaiss_search(a->ix, x, nq, kq, a->nprobe, lab, dist, err, sizeof err)) {
		weprintf("-a: faiss: %s", err);
		rc = -1;
	}
	for (i = 0; i < nq && !rc; i++)
		rescore(a, q + i * d, lab + i * kq, kq, k, exclude ? exclude[i] : -1, idx + i * k,
		    score + i * k, s);
	free(own);
	free(lab);
	free(dist);
	free(s);
	return rc;
}

void
del_ann(Ann *a)
{
	if (!a)
		return;
	annfaiss_free(a->ix);
	free(a);
}
