/* metrics.h — choosing k without plotting: silhouette, Davies–Bouldin, the knee.
 * Same definitions as scikit-learn 1.2.1 sklearn.metrics.silhouette_score and
 * davies_bouldin_score (Euclidean), computed in double precision on data centred
 * on their column means.  Labels are in [0, k); empty labels are ignored, as
 * sklearn (which only sees the labels present) does. */
#ifndef SV_METRICS_H
#define SV_METRICS_H
#include <stddef.h>
#include <stdint.h>

/* Mean silhouette coefficient of L labelings of the same n x d data, in one pass
 * over the pairwise distances, each pair once (exact, O(n^2 d) time; memory: the
 * data in double, n sums per cluster of each labeling, a tile per thread).
 * labels[l] has n entries in [0, k[l]).  out[l] = NaN when labeling l has fewer
 * than 2 or more than n - 1 distinct labels (sklearn raises ValueError). */
void metrics_silhouette_multi(const float *x, size_t n, size_t d, size_t L, const int *const *labels,
    const size_t *k, int nthreads, double *out);
double metrics_silhouette(const float *x, size_t n, size_t d, const int *labels, size_t k, int nthreads);

/* Davies–Bouldin index; NaN when fewer than 2 distinct labels or n < 2 labels ... */
double metrics_davies_bouldin(const float *x, size_t n, size_t d, const int *labels, size_t k);

/* Calinski-Harabasz index (sklearn calinski_harabasz_score), in double; NaN when
 * fewer than 2 or more than n - 1 distinct labels (sklearn raises ValueError). */
double metrics_calinski_harabasz(const float *x, size_t n, size_t d, const int *labels, size_t k);

/* metrics_silhouette of `sample` records drawn without replacement (a partial
 * Fisher-Yates shuffle with core/rng.h, stream 0 of seed): sklearn's
 * silhouette_score(sample_size=...), with the project's generator instead of
 * numpy's.  chosen (sample entries, may be NULL): the records drawn, in order. */
double metrics_silhouette_sampled(const float *x, size_t n, size_t d, const int *labels, size_t k,
    size_t sample, uint64_t seed, int nthreads, size_t *chosen);

/* Kneedle (Satopää et al. 2011) on a decreasing convex curve y(x), x increasing:
 * normalise x and y to [0, 1], take the difference curve (1 - y_n) - x_n, the knee
 * is the point where it is largest (the first on ties).  -1 when n < 3 or the
 * curve never rises above its chord (no knee). */
long metrics_knee(const double *x, const double *y, size_t n);

#endif
