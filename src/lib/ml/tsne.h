/* tsne.h — t-SNE as scikit-learn 1.2's TSNE(perplexity=30, early_exaggeration=12,
 * learning_rate='auto', n_iter=1000, init='pca').
 *
 *	TsneOpt o; tsne_defaults(&o);
 *	if (tsne_fit(x, n, d, &o, y, &info)) ...     // y: n x o.dims doubles
 *
 * Method.  Input similarities P (tsnep.h) from squared distances: every pair
 * (method exact) or the int(3 x perplexity + 1) nearest neighbours from the kNN
 * engine (Barnes-Hut); Euclidean, or cosine distance (1 - cosine similarity).
 * Initial map: the data's first dims principal components (ml/pca.h, sklearn's
 * sign convention), scaled so the first has standard deviation 1e-4; or
 * 1e-4 x standard normal values from core/rng.h (init random, -s SEED).
 * Gradient descent (sklearn's _gradient_descent): 250 iterations with P x 12 and
 * momentum 0.5, then momentum 0.8 up to max_iter; per-coordinate gains (+0.2 when
 * the gradient changes sign against the update, x0.8 otherwise, at least 0.01);
 * learning rate max(n / 12 / 4, 50) for 'auto'; every 50 iterations the KL
 * divergence is measured and the run stops after 300 iterations without
 * progress (250 in the first stage) or when the gradient norm falls to 1e-7;
 * updates and gains restart with the second stage, as in sklearn.
 * Memory: exact holds P as n x n float32 (TSNE_EXACT_MAX points at most);
 * Barnes-Hut O(n x perplexity). */
#ifndef SV_TSNE_H
#define SV_TSNE_H
#include <stddef.h>
#include <stdint.h>

#include "ml/tsnep.h"

enum { TSNE_AUTO, TSNE_EXACT, TSNE_BH };
enum { TSNE_INIT_PCA, TSNE_INIT_RANDOM };

#define TSNE_EXACT_AUTO 1000   /* method auto: exact up to this many points */
#define TSNE_EXACT_MAX 10000   /* exact at most (P is n x n float32: 400 MB) */

typedef struct TsneOpt {
	int dims;              /* 1..3 */
	double perplexity;
	double exaggeration;
	double learning_rate;  /* <= 0: 'auto' */
	int max_iter;          /* >= 250 */
	int metric;            /* KNN_EUCLIDEAN or KNN_COSINE */
	int method;            /* TSNE_AUTO, TSNE_EXACT or TSNE_BH */
	double theta;
	int init;
	uint64_t seed;
	int nthreads;
} TsneOpt;

typedef struct TsneInfo {
	double kl;             /* the final KL divergence */
	int n_iter;            /* sklearn's n_iter_: the last iteration (from 0) */
	int exact;             /* the method used */
	double learning_rate;  /* the rate used */
	double sigma;          /* mean sigma of the calibration */
} TsneInfo;

/* sklearn's defaults, 2-D, Euclidean, seed 0, one thread.  This function can't fail. */
void tsne_defaults(TsneOpt *o);
/* Map the n x d rows of x (finite, distinct; n > 3 x perplexity) into y.  0, or -1
 * after a message (the PCA of the initial map failed).  Progress on stderr
 * (core/progress.h). */
int tsne_fit(const float *x, size_t n, size_t d, const TsneOpt *o, double *y, TsneInfo *info);

/* The pieces, for tests: P by the method of o (dense n x n into *pd, or sparse
 * into *ps) and the initial map.  Exits only when memory runs out; tsne_init
 * returns -1 after a message. */
void tsne_p(const float *x, size_t n, size_t d, const TsneOpt *o, int exact, float **pd,
    TsneP *ps, double *sigma);
int tsne_init(const float *x, size_t n, size_t d, const TsneOpt *o, double *y);
/* One iteration of sklearn's update on m coordinates: gains (+0.2 where update
 * and grad differ in sign, else x0.8, at least 0.01), grad *= gains, update =
 * momentum update - lr grad, y += update.  This function can't fail. */
void tsne_step(double *y, double *grad, double *update, double *gains, size_t m, double momentum,
    double lr);

#endif
