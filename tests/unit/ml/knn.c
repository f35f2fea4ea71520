/* unit test for src/lib/ml/knn.c: knn_query and knn_range against a brute force in
 * double precision on random data with duplicates (ties), every metric, the self
 * exclusion, k larger than the set, any thread count giving the same answer; under
 * cosine both the bfloat16 candidates (knnbf.h) and the sgemm fallback; knn_pairs
 * with and without its leaf screen (knnscreen.h), on clustered data where the
 * screen drops most leaf pairs.
 * Prints "not ok N what" lines; exit 1 on failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/util.h"
#include "ml/knn.h"
#include "ml/knnbf.h"
#include "ml/knnscreen.h"

static int fails, count;

static void
check(int cond, const char *what, int metric)
{
	count++;
	if (!cond) {
		fails++;
		printf("not ok %d %s (metric %d)\n", count, what, metric);
	}
}

/* score of x against y in double, as knn.h defines it */
static double
ref_score(const float *x, const float *y, size_t d, int metric)
{
	double xy = 0, xx = 0, yy = 0;
	size_t j;

	for (j = 0; j < d; j++) {
		xy += (double)x[j] * y[j];
		xx += (double)x[j] * x[j];
		yy += (double)y[j] * y[j];
	}
	if (metric == KNN_INNER)
		return xy;
	if (metric == KNN_COSINE)
		return xx == 0 || yy == 0 ? 0 : xy / sqrt(xx * yy);
	return sqrt(fmax(0, xx + yy - 2 * xy));
}

/* the brute-force rank of reference r's score among all (for tie-aware checks) */
static int
better(double a, double b, int metric)
{
	return metric == KNN_EUCLIDEAN ? a < b : a > b;
}

static void
test_query(const float *x, size_t n, size_t d, int metric, size_t k, int nt)
{
	Knn *kn = new_knn(x, n, d, metric, nt);
	long *idx = ecalloc(n * k, sizeof *idx), *ex = ecalloc(n, sizeof *ex);
	float *sc = ecalloc(n * k, sizeof *sc);
	size_t i, j, r, nless;
	double s, kth, tol = 1e-6; /* scores are recomputed in double: float32 output rounding */

	for (i = 0; i < n; i++)
		ex[i] = (long)i;
	knn_query(kn, x, n, k, ex, idx, sc);
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++) {
			if (j >= n - 1) {
				check(idx[i * k + j] == -1 && isnan(sc[i * k + j]), "padding", metric);
				continue;
			}
			r = (size_t)idx[i * k + j];
			check(r < n && r != i, "index", metric);
			s = ref_score(x + i * d, x + r * d, d, metric);
			check(fabs(s - sc[i * k + j]) <= tol * (1 + fabs(s)), "score", metric);
			if (j)
				check(!better(sc[i * k + j], sc[i * k + j - 1], metric), "order", metric);
		}
		/* the k-th score: no reference outside the list is clearly better */
		if (n - 1 < k)
			continue;
		kth = ref_score(x + i * d, x + idx[i * k + k - 1] * d, d, metric);
		for (r = 0, nless = 0; r < n; r++)
			if (r != i && better(ref_score(x + i * d, x + r * d, d, metric) +
			    (metric == KNN_EUCLIDEAN ? tol : -tol), kth, metric))
				nless++;
		check(nless <= k, "completeness", metric);
	}
	del_knn(kn);
	free(idx);
	free(ex);
	free(sc);
}

typedef struct { const float *x; size_t d, n, seen; int metric; double eps; int bad; } RangeCtx;

static int
range_fn(void *p, size_t q, const long *idx, const float *score, size_t cnt)
{
	RangeCtx *c = p;
	size_t r, j = 0;
	double s;
	int in;

	if (q != c->seen++)
		c->bad = 1;
	for (r = 0; r < c->n; r++) {
		s = ref_score(c->x + q * c->d, c->x + r * c->d, c->d, c->metric);
		in = c->metric == KNN_EUCLIDEAN ? s <= c->eps : s >= c->eps;
		if (fabs(s - c->eps) < 1e-9 * (1 + fabs(s)))
			continue; /* membership is decided in double: only summation order differs */
		while (j < cnt && (size_t)idx[j] < r)
			j++;
		if (in != (j < cnt && (size_t)idx[j] == r))
			c->bad = 1;
	}
	for (j = 1; j < cnt; j++)
		if (idx[j] <= idx[j - 1])
			c->bad = 1;
	(void)score;
	return 0;
}

typedef struct { const float *x; size_t d, n; int metric; double eps; unsigned char *seen; int bad; } PairCtx;

/* every pair once, i < j, within eps by the double brute force */
static int
pair_fn(void *p, const long *i, const long *j, size_t cnt)
{
	PairCtx *c = p;
	size_t q, a, b;

	for (q = 0; q < cnt; q++) {
		a = (size_t)i[q], b = (size_t)j[q];
		if (a >= b || b >= c->n || c->seen[a * c->n + b]++)
			c->bad = 1;
	}
	return 0;
}

/* knn_pairs against the brute force: the pairs found are exactly those within eps
 * (pairs within 1e-9 of the boundary excused: only the summation order differs) */
static void
test_pairs(const float *x, size_t n, size_t d, int m, double eps, int nt)
{
	PairCtx c = { x, d, n, m, eps, ecalloc(n * n, 1), 0 };
	Knn *kn = new_knn(x, n, d, m, nt);
	size_t a, b;
	double s;
	int in;

	knn_pairs(kn, eps, pair_fn, &c);
	for (a = 0; a < n; a++)
		for (b = a + 1; b < n; b++) {
			s = ref_score(x + a * d, x + b * d, d, m);
			in = m == KNN_EUCLIDEAN ? s <= eps : s >= eps;
			if (fabs(s - eps) >= 1e-9 * (1 + fabs(s)) && in != c.seen[a * n + b])
				c.bad = 1;
		}
	check(!c.bad, "pairs", m);
	del_knn(kn);
	free(c.seen);
}

/* whether every pair of x within eps (Euclidean) lies in partner leaves of s */
static int
screen_holds(const KnnScreen *s, const float *x, size_t n, size_t d, double eps)
{
	size_t *leaf = ecalloc(n, sizeof *leaf), a, b, p, la, lb;
	int bad = 0;

	for (a = 0; a < s->nl; a++)
		for (p = s->lo[a]; p < s->lo[a + 1]; p++)
			leaf[s->perm[p]] = a;
	for (a = 0; a < n; a++)
		for (b = a + 1; b < n; b++)
			if (ref_score(x + a * d, x + b * d, d, KNN_EUCLIDEAN) <= eps) {
				la = leaf[a] < leaf[b] ? leaf[a] : leaf[b], lb = leaf[a] ^ leaf[b] ^ la;
				for (p = s->off[la]; p < s->off[la + 1] && s->near[p] != lb; p++)
					;
				bad |= p == s->off[la + 1];
			}
	free(leaf);
	return !bad;
}

/* clustered data (60 centres): the screen (by itself from KNNSCREEN_MIN points)
 * keeps few leaf pairs and every pair within eps lies in partner leaves; on data
 * without clusters it gives up; knn_pairs with the screen forced finds exactly the
 * pairs within eps, on one thread and three */
static void
test_screen(Rng *rng)
{
	size_t n = KNNSCREEN_MIN + 900, d = 16, i, t, a;
	float *x = ecalloc(n * d, sizeof *x), *cen = ecalloc(60 * d, sizeof *cen);
	KnnScreen *s, *g;
	int m;

	for (i = 0; i < n * d; i++)
		x[i] = (float)rng_normal(rng);
	s = new_knnscreen(x, n, d, 4.0, 2, 0);
	check(!s, "screen: none without clusters", KNN_EUCLIDEAN);
	del_knnscreen(s);
	for (i = 0; i < 60 * d; i++)
		cen[i] = (float)(3 * rng_normal(rng));
	for (i = 0; i < n; i++)
		for (t = 0, a = (size_t)rng_below(rng, 60); t < d; t++)
			x[i * d + t] = cen[a * d + t] + (float)rng_normal(rng);
	s = new_knnscreen(x, n, d, 4.0, 2, 0);
	check(s && s->work < 0.2 && screen_holds(s, x, n, d, 4.0), "screen: few pairs, all held",
	    KNN_EUCLIDEAN);
	setenv("SV_KNNSCREEN_GENERIC", "1", 1); /* the scalar nearest-centre scan */
	g = new_knnscreen(x, n, d, 4.0, 1, 0);
	unsetenv("SV_KNNSCREEN_GENERIC");
	check(s && g && s->nl == g->nl && !memcmp(s->perm, g->perm, n * sizeof *s->perm) &&
	    s->off[s->nl] == g->off[g->nl] && !memcmp(s->near, g->near, s->off[s->nl] * sizeof *s->near),
	    "screen: the same leaves by either scan", KNN_EUCLIDEAN);
	del_knnscreen(s);
	del_knnscreen(g);
	setenv("SV_KNN_SCREEN", "1", 1);
	for (m = KNN_COSINE; m <= KNN_EUCLIDEAN; m += 2) {
		test_pairs(x, 3000, d, m, m == KNN_EUCLIDEAN ? 4.0 : 0.05, 1);
		test_pairs(x, 3000, d, m, m == KNN_EUCLIDEAN ? 6.5 : 0.2, 3);
	}
	unsetenv("SV_KNN_SCREEN");
	free(cen);
	free(x);
}

int
main(void)
{
	size_t n = 700, d = 13, i, j;
	float *x = ecalloc(n * d, sizeof *x);
	Rng rng;
	int m, nt;

	util_init(1, (char *[]){ "unit_knn", NULL });
	rng_seed(&rng, 42, 0);
	for (i = 0; i < n * d; i++)
		x[i] = (float)rng_normal(&rng);
	for (i = 0; i < 40; i++) /* duplicates: ties */
		memcpy(x + (n - 1 - i) * d, x + i * d, d * sizeof *x);
	memset(x + 100 * d, 0, d * sizeof *x); /* a zero vector */
	for (m = KNN_COSINE; m <= KNN_EUCLIDEAN; m++)
		for (nt = 1; nt <= 3; nt += 2) {
			test_query(x, n, d, m, 10, nt);
			test_query(x, 8, d, m, 10, nt); /* k > n - 1 */
		}
	for (m = KNN_COSINE; m <= KNN_EUCLIDEAN; m++) {
		RangeCtx c = { x, d, n, 0, m, m == KNN_EUCLIDEAN ? 3.5 : m == KNN_COSINE ? 0.5 : 4.0, 0 };
		Knn *kn = new_knn(x, n, d, m, 2);
		knn_range(kn, x, n, c.eps, range_fn, &c);
		check(!c.bad && c.seen == n, "range", m);
		del_knn(kn);
	}
	/* several query and reference blocks (KNN_QBLOCK, KNN_RBLOCK), k beyond a scan
	 * chunk, range thresholds that keep many neighbours and that keep none */
	{
		size_t n2 = 2 * KNN_QBLOCK + 37, d2 = 24;
		float *x2 = ecalloc(n2 * d2, sizeof *x2);
		for (i = 0; i < n2 * d2; i++)
			x2[i] = (float)rng_normal(&rng) + (i % d2 == 0 ? 3 : 0);
		for (i = 0; i < 60; i++)
			memcpy(x2 + (n2 - 1 - i) * d2, x2 + i * 7 * d2, d2 * sizeof *x2);
		for (m = KNN_COSINE; m <= KNN_EUCLIDEAN; m++) {
			test_query(x2, n2, d2, m, 3, 2);
			test_query(x2, n2, d2, m, 150, 1);
		}
		for (m = KNN_COSINE; m <= KNN_EUCLIDEAN; m++) {
			double e[3][3] = { { 0.2, 0.9, 1.5 }, { 0, 30, 1e9 }, { 1, 5.5, 0 } };
			for (j = 0; j < 3; j++) {
				RangeCtx c = { x2, d2, n2, 0, m, e[m][j], 0 };
				Knn *kn = new_knn(x2, n2, d2, m, 3);
				knn_range(kn, x2, n2, c.eps, range_fn, &c);
				check(!c.bad && c.seen == n2, "range, several blocks", m);
				del_knn(kn);
			}
		}
		for (m = KNN_COSINE; m <= KNN_EUCLIDEAN; m++) {
			double e[3][2] = { { 0.3, 0.95 }, { 10, 1e9 }, { 4.5, 0 } };
			for (j = 0; j < 2; j++)
				test_pairs(x2, n2, d2, m, e[m][j], j ? 1 : 3);
		}
		free(x2);
	}
	/* near-duplicates: more bfloat16 candidates than KNNBF_MAX, so the queries fall
	 * back to the sgemm (as a zero query does, above) */
	{
		size_t n3 = KNNBF_MAX + 300, d3 = 6;
		float *x3 = ecalloc(n3 * d3, sizeof *x3);
		for (i = 0; i < n3 * d3; i++)
			x3[i] = (float)(i % d3 + 1) + 1e-3f * (float)rng_normal(&rng);
		test_query(x3, n3, d3, KNN_COSINE, 4, 2);
		free(x3);
	}
	/* ties: the lower reference index first */
	{
		float y[4 * 2] = { 1, 0, 1, 0, 1, 0, 0, 1 };
		long idx[3];
		float sc[3];
		Knn *kn = new_knn(y, 4, 2, KNN_COSINE, 1);
		knn_query(kn, y + 6, 1, 3, NULL, idx, sc);
		check(idx[0] == 3 && idx[1] == 0 && idx[2] == 1, "tie order", KNN_COSINE);
		del_knn(kn);
	}
	test_screen(&rng);
	free(x);
	(void)j;
	if (fails)
		printf("%d of %d checks failed\n", fails, count);
	return fails != 0;
}
