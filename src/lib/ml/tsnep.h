/* tsnep.h — t-SNE's input similarities P, as scikit-learn 1.2's TSNE computes them.
 *
 * Conditional P (sklearn.manifold._utils._binary_search_perplexity): per point a
 * Gaussian over the squared distances, its precision beta found by bisection (at
 * most 100 steps, from beta 1, doubling or halving until bracketed) until the
 * entropy ln(sum) + beta * sum(d p) is within 1e-5 of ln(perplexity); double
 * precision, float32 results.
 *
 * Joint P: (P + P^T) / sum, summing to 1 over ordered pairs.  Dense (method
 * 'exact', sklearn's _joint_probabilities): every pair, floored at DBL_EPSILON,
 * diagonal 0.  Sparse (Barnes-Hut, _joint_probabilities_nn): the k nearest
 * neighbours of each point and their mirror entries, CSR with columns in
 * increasing order. */
#ifndef SV_TSNEP_H
#define SV_TSNEP_H
#include <stddef.h>

typedef struct TsneP {
	size_t n;
	size_t *ptr;      /* n + 1 row offsets */
	unsigned *col;    /* columns of the stored entries */
	float *val;       /* their probabilities */
} TsneP;

/* Conditional probabilities of n rows of k squared distances (sqd, row-major) into
 * p (n x k).  dense: the rows are complete (k == n) and entry i of row i is left
 * out (p 0).  p may be sqd (rows are replaced one by one).  Returns the mean of the found sigmas, sqrt(n / sum beta) as sklearn
 * prints it.  This function can't fail. */
double tsnep_conditional(const float *sqd, size_t n, size_t k, int dense, double perplexity,
    float *p);

/* Dense joint P (n x n, in place over the conditional probabilities).  This
 * function can't fail. */
void tsnep_joint_dense(float *p, size_t n);

/* Sparse joint P from the conditional probabilities p of the k neighbours idx of
 * each of n points (idx[i*k + j] != i).  Exits only when memory runs out. */
void tsnep_joint_sparse(TsneP *P, const float *p, const long *idx, size_t n, size_t k);
void del_tsnep(TsneP *P);

#endif
