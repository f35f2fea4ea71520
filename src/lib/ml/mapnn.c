/* mapnn.c — distances from the kNN engine for the maps (see mapnn.h). */
#include "ml/mapnn.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
mapnn_metric(const char *s)
{
	int m = knn_metric(s);

	return m == KNN_EUCLIDEAN || m == KNN_COSINE ? m : -1;
}

const char *
mapnn_metric_name(int metric)
{
	return metric == KNN_COSINE ? "cosine" : "euclidean";
}

/* engine scores to distances, in place (score and distance share the array) */
static void
to_distance(int metric, const long *idx, float *s, size_t m)
{
	size_t i;

	for (i = 0; i < m; i++) {
		if (idx[i] < 0)
			s[i] = INFINITY;
		else if (metric == KNN_COSINE)
			s[i] = fminf(fmaxf(1.0f - s[i], 0.0f), 2.0f);
	}
}

void
mapnn_query_from(const Knn *kn, int metric, const float *q, size_t nq, size_t first, size_t k,
    long *idx, float *dist)
{
	long *ex = ereallocarray(NULL, nq ? nq : 1, sizeof *ex);
	size_t i;

	for (i = 0; i < nq; i++)
		ex[i] = (long)(first + i);
	knn_query(kn, q, nq, k, ex, idx, dist);
	to_distance(metric, idx, dist, nq * k);
	free(ex);
}

void
mapnn_query(const Knn *kn, int metric, const float *q, size_t nq, size_t k, int mode,
    long *idx, float *dist)
{
	size_t i, j, kk = k - 1;
	long *ti;
	float *td;

	if (mode == MAPNN_NEW) {
		knn_query(kn, q, nq, k, NULL, idx, dist);
		to_distance(metric, idx, dist, nq * k);
		return;
	}
	if (mode == MAPNN_OTHERS) {
		mapnn_query_from(kn, metric, q, nq, 0, k, idx, dist);
		return;
	}
	ti = ereallocarray(NULL, nq ? nq : 1, (kk ? kk : 1) * sizeof *ti);
	td = ereallocarray(NULL, nq ? nq : 1, (kk ? kk : 1) * sizeof *td);
	if (kk)
		mapnn_query_from(kn, metric, q, nq, 0, kk, ti, td);
	for (i = 0; i < nq; i++) {
		idx[i * k] = (long)i;
		dist[i * k] = 0;
		for (j = 0; j < kk; j++) {
			idx[i * k + 1 + j] = ti[i * kk + j];
			dist[i * k + 1 + j] = td[i * kk + j];
		}
	}
	free(ti);
	free(td);
}

static int
cmppair(const void *x, const void *y)
{
	unsigned p = ((const MapnnPair *)x)->col, q = ((const MapnnPair *)y)->col;

	return p < q ? -1 : p > q;
}

/* both directions of every edge, by row, unsorted; counts into ptr */
static MapnnPair *
directed(const long *idx, const float *val, size_t n, size_t k, size_t *ptr)
{
	size_t i, j, *fill;
	MapnnPair *e;
	long c;

	memset(ptr, 0, (n + 1) * sizeof *ptr);
	for (i = 0; i < n * k; i++)
		if (idx[i] >= 0 && val[i] != 0) {
			ptr[i / k + 1]++;
			ptr[idx[i] + 1]++;
		}
	for (i = 0; i < n; i++)
		ptr[i + 1] += ptr[i];
	e = ereallocarray(NULL, ptr[n] ? ptr[n] : 1, sizeof *e);
	fill = ereallocarray(NULL, n ? n : 1, sizeof *fill);
	memcpy(fill, ptr, n * sizeof *fill);
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++) {
			c = idx[i * k + j];
			if (c < 0 || val[i * k + j] == 0)
				continue;
			e[fill[i]++] = (MapnnPair){ (unsigned)c, val[i * k + j], 0 };
			e[fill[c]++] = (MapnnPair){ (unsigned)i, 0, val[i * k + j] };
		}
	free(fill);
	return e;
}

void
mapnn_pairs(const long *idx, const float *val, size_t n, size_t k, size_t *ptr, MapnnPair **pairs)
{
	MapnnPair *e = directed(idx, val, n, k, ptr);
	size_t i, j, m = 0, start;

	for (i = 0; i < n; i++) { /* sort each row, merge the two halves of a pair */
		qsort(e + ptr[i], ptr[i + 1] - ptr[i], sizeof *e, cmppair);
		start = m;
		for (j = ptr[i]; j < ptr[i + 1]; j++) {
			if (m > start && e[m - 1].col == e[j].col) {
				e[m - 1].ij += e[j].ij;
				e[m - 1].ji += e[j].ji;
				continue;
			}
			e[m++] = e[j];
		}
		ptr[i] = start;
	}
	ptr[n] = m;
	*pairs = e;
}

static const float *sort_x;
static size_t sort_d;

static int
cmprow(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = memcmp(sort_x + a * sort_d, sort_x + b * sort_d, sort_d * sizeof(float));

	if (c)
		return c;
	return a < b ? -1 : a > b;
}

int
mapnn_duplicate(const float *x, size_t n, size_t d, size_t *a, size_t *b)
{
	size_t *ord = ereallocarray(NULL, n ? n : 1, sizeof *ord), i, first = 0;
	int found = 0;

	for (i = 0; i < n; i++)
		ord[i] = i;
	/* bytes order rows only up to equality, which is all this needs (-0 and 0
	 * differ bytewise: both count as distinct points, a harmless miss) */
	sort_x = x;
	sort_d = d;
	qsort(ord, n, sizeof *ord, cmprow);
	for (i = 1; i < n; i++) {
		if (memcmp(x + ord[i] * d, x + ord[i - 1] * d, d * sizeof(float))) {
			first = i;
			continue;
		}
		/* ord[first] is the group's lowest index; report the earliest repeat */
		if (!found || ord[i] < *b) {
			*a = ord[first];
			*b = ord[i];
			found = 1;
		}
	}
	free(ord);
	return found;
}
