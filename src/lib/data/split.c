/* split.c — stratified splits (see split.h). */
#include "data/split.h"
#include "core/rng.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fisher–Yates shuffle of a[0..n) */
static void
shuffle(Rng *r, size_t *a, size_t n)
{
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = (size_t)rng_below(r, i);
		t = a[i - 1], a[i - 1] = a[j], a[j] = t;
	}
}

static int
desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* sklearn's _approximate_mode(cnt, draws): out[k] counts summing to draws */
static void
approximate_mode(const size_t *cnt, size_t k, size_t draws, Rng *r, size_t *out)
{
	double *rem = ecalloc(k, sizeof *rem), *vals = ecalloc(k, sizeof *vals), c;
	size_t *inds = ecalloc(k, sizeof *inds), total = 0, sum = 0, need, i, v, m, nv;

	for (i = 0; i < k; i++)
		total += cnt[i];
	for (i = 0; i < k; i++) {
		c = (double)cnt[i] / (double)total * (double)draws;
		out[i] = (size_t)floor(c);
		rem[i] = vals[i] = c - floor(c);
		sum += out[i];
	}
	need = draws - sum;
	qsort(vals, k, sizeof *vals, desc);
	for (v = 0; v < k && need > 0; v++) {
		if (v > 0 && vals[v] == vals[v - 1])
			continue;
		for (m = i = 0; i < k; i++)
			if (rem[i] == vals[v])
				inds[m++] = i;
		nv = m < need ? m : need;
		shuffle(r, inds, m);
		for (i = 0; i < nv; i++)
			out[inds[i]]++;
		need -= nv;
	}
	free(rem), free(vals), free(inds);
}

/* members of each class, in input order: idx[start[c] .. start[c+1]) */
static void
by_class(const int *y, size_t n, size_t k, size_t *cnt, size_t *start, size_t *idx)
{
	size_t i, c, *pos = ecalloc(k, sizeof *pos);

	memset(cnt, 0, k * sizeof *cnt);
	for (i = 0; i < n; i++)
		cnt[y[i]]++;
	for (start[0] = 0, c = 0; c < k; c++)
		start[c + 1] = start[c] + cnt[c];
	for (i = 0; i < n; i++)
		idx[start[y[i]] + pos[y[i]]++] = i;
	free(pos);
}

int
split_stratified(const int *y, size_t n, size_t k, double frac, uint64_t seed,
    unsigned char *val, size_t *bad)
{
	size_t *cnt = ecalloc(k, sizeof *cnt), *start = ecalloc(k + 1, sizeof *start);
	size_t *idx = ecalloc(n ? n : 1, sizeof *idx), *ntr = ecalloc(k, sizeof *ntr);
	size_t nval = (size_t)ceil(frac * (double)n), c, i;
	int rc = SPLIT_OK;
	Rng r;

	by_class(y, n, k, cnt, start, idx);
	for (c = 0; c < k && rc == SPLIT_OK; c++)
		if (cnt[c] < 2)
			*bad = c, rc = SPLIT_SMALL_CLASS;
	if (rc == SPLIT_OK && (nval == 0 || nval >= n))
		rc = SPLIT_EMPTY;
	else if (rc == SPLIT_OK && n - nval < k)
		rc = SPLIT_TRAIN_SMALL;
	else if (rc == SPLIT_OK && nval < k)
		rc = SPLIT_VAL_SMALL;
	if (rc == SPLIT_OK) {
		rng_seed(&r, seed, 0);
		approximate_mode(cnt, k, n - nval, &r, ntr);
		for (c = 0; c < k; c++) {
			shuffle(&r, idx + start[c], cnt[c]);
			for (i = 0; i < cnt[c]; i++)
				val[idx[start[c] + i]] = i >= ntr[c];
		}
	}
	free(cnt), free(start), free(idx), free(ntr);
	return rc;
}

int
split_folds(const int *y, size_t n, size_t k, int nfolds, int shuffle_, uint64_t seed,
    int *fold, size_t *minclass)
{
	size_t *first = ecalloc(k, sizeof *first), *enc = ecalloc(k, sizeof *enc);
	size_t *cnt = ecalloc(k, sizeof *cnt), *alloc = ecalloc(k * (size_t)nfolds, sizeof *alloc);
	size_t *lab = NULL, i, c, e, f, m, pos, big = 0;
	int *ye = ecalloc(n ? n : 1, sizeof *ye), rc = SPLIT_OK;
	Rng r;

	/* classes present, numbered in order of first appearance */
	for (c = 0; c < k; c++)
		first[c] = (size_t)-1;
	for (i = 0; i < n; i++)
		if (first[y[i]] == (size_t)-1)
			first[y[i]] = i;
	for (m = i = 0; i < n; i++)
		if (first[y[i]] == i)
			enc[y[i]] = m++;
	for (i = 0; i < n; i++)
		cnt[ye[i] = (int)enc[y[i]]]++;
	for (*minclass = (size_t)-1, e = 0; e < m; e++) {
		*minclass = cnt[e] < *minclass ? cnt[e] : *minclass;
		big += cnt[e] >= (size_t)nfolds;
	}
	if (big == 0 || (size_t)nfolds > n)
		rc = SPLIT_FOLDS_LARGE;
	/* y sorted: item j of the sorted order goes to fold j % nfolds */
	for (pos = 0, e = 0; rc == SPLIT_OK && e < m; e++)
		for (i = 0; i < cnt[e]; i++, pos++)
			alloc[e * nfolds + pos % nfolds]++;
	rng_seed(&r, seed, 1);
	lab = ecalloc(n ? n : 1, sizeof *lab);
	for (e = 0; rc == SPLIT_OK && e < m; e++) {
		for (pos = 0, f = 0; f < (size_t)nfolds; f++)
			for (i = 0; i < alloc[e * nfolds + f]; i++)
				lab[pos++] = f;
		if (shuffle_)
			shuffle(&r, lab, pos);
		for (pos = 0, i = 0; i < n; i++)
			if ((size_t)ye[i] == e)
				fold[i] = (int)lab[pos++];
	}
	free(first), free(enc), free(cnt), free(alloc), free(lab), free(ye);
	return rc;
}
