/* pca.h — principal component analysis equal to scikit-learn 1.2's
 * PCA(svd_solver='full') (components, explained variance, number of components for a
 * variance fraction, sign convention, whitening).
 *
 * Method: mean and covariance in double precision (dsyrk over blocks of centred rows),
 * eigen-decomposition with LAPACKE_dsyevr; the eigenvalues are sklearn's
 * explained_variance_ (S^2/(n-1)), the eigenvectors its components_.  Signs follow
 * sklearn's svd_flip(u_based_decision=True): each component is oriented so that the
 * projected fit data (= U*S) has its entry of largest magnitude positive (first such
 * row on ties).  Fit data must be finite.  Memory: the n x d float32 input (reused
 * for the n x k output) + d x d doubles + one block of rows in double.
 *
 * A model is saved as a dtable (model=pca, dim d, the input column names) with rows
 *	mean       the d column means
 *	variance   explained variance of components 1..min(n,d), then zeros (d values)
 *	scale      divisor of each kept component's score: 1, or sqrt(variance) when
 *	           whitened; zeros past k (d values)
 *	pc1..pck   the components (unit vectors of d values) */
#ifndef SV_PCA_H
#define SV_PCA_H
#include <stddef.h>
#include <stdio.h>

#include "core/matrix.h"

#define PCA_BLOCK 2048 /* rows per block (fit and apply) */

typedef struct PcaModel {
	size_t d, k;    /* input dimension, components kept */
	size_t nvar;    /* explained variances known: min(n, d) at fit time */
	double *mean;   /* d */
	double *var;    /* d (entries past nvar are 0) */
	double total;   /* sum of var: the total variance */
	double *comp;   /* k x d, row j = component j */
	double *scale;  /* k */
	char **cols;    /* d input column names, or NULL */
} PcaModel;

/* Fit on the n x d matrix m and replace its contents by the scores (n x k, columns
 * pc1..pck).  k = kfix when > 0, else the smallest k whose cumulative explained
 * variance ratio exceeds frac (sklearn's searchsorted(..., side='right') + 1).
 * Progress on stderr (core/progress.h): the steps, the rows of each pass.
 * 0 ok, -1 after a message (fewer than 2 records, non-finite value, no variance,
 * kfix > min(n, d)). */
int pca_fit(PcaModel *pm, Matrix *m, double frac, size_t kfix, int whiten);

/* Fit data read block by block, for data not held in memory.  next gives the
 * next block of rows (d floats each) in *x, PCA_BLOCK rows but the last block,
 * and returns their number: 0 at the end, -1 after a message; rewind starts again
 * at the first row (the same rows in the same order each time): 0 or -1 after a
 * message; key names row i of the last block (for messages). */
typedef struct PcaSource {
	const char *name;   /* for messages */
	size_t d;
	char **cols;        /* d column names, or NULL (for messages) */
	void *arg;
	long (*next)(void *arg, const float **x);
	int (*rewind)(void *arg);
	const char *(*key)(void *arg, size_t i);
} PcaSource;

/* Fit k components on src in three passes (means, covariance, signs) holding
 * d x d doubles and a block of rows: the model pca_fit gives for the same rows
 * in memory (apply it with pca_apply).  0, or -1 after a message (pca_fit's). */
int pca_fit_source(PcaModel *pm, PcaSource *src, size_t k);

/* Scores of nrows records (x: nrows x d) into out (nrows x k).  Exits only when
 * memory runs out. */
void pca_apply(const PcaModel *pm, const float *x, size_t nrows, float *out);
/* The score columns' names "pc1".."pck" (malloc'd); pca_free_names frees them. */
char **pca_names(size_t k);
void pca_free_names(char **names, size_t k);

/* The explained-variance table (TSV for gnuplot): component, ratio, cumulative,
 * variance, kept (1/0), one line per component 1..nvar, after a '#' header. */
void pca_table(const PcaModel *pm, FILE *fp);

void pca_save(const PcaModel *pm, FILE *fp);
/* 0 ok, -1 after "prog: FILE: ..." */
int pca_load(PcaModel *pm, const char *path);
void del_pca(PcaModel *pm);

#endif
