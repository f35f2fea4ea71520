/* tsnegrad.h — the t-SNE objective: KL(P || Q) and its gradient, as scikit-learn
 * 1.2's _kl_divergence (exact, dense P) and _kl_divergence_bh (Barnes-Hut,
 * sparse P, theta).
 *
 * Q is Student t with dof = max(dims - 1, 1) degrees of freedom:
 * w_ij = (1 + d2_ij / dof)^(-(dof + 1) / 2), Z = sum over ordered pairs i != j of
 * w_ij, q_ij = w_ij / Z (floored at DBL_EPSILON in the exact KL);
 * grad_i = 2 (dof + 1) / dof * sum_j (p_ij - q_ij) w_ij (y_i - y_j).
 * Barnes-Hut: the attractive part over the stored p_ij, the repulsive part and Z
 * from the tree (sptree.h); its KL sums p log(max(p, FLT_MIN) / max(q, FLT_MIN))
 * over the stored entries.  Positions and gradients are doubles.
 *
 * Work is split over points in fixed blocks on the threads of core/pool.h and
 * partial sums are added in block order: results do not depend on the thread
 * count. */
#ifndef SV_TSNEGRAD_H
#define SV_TSNEGRAD_H
#include <stddef.h>

#include "ml/sptree.h"
#include "ml/tsnep.h"

typedef struct TsneObj {
	size_t n;
	int dims;
	double dof;
	const float *pd;      /* dense P (n x n), or NULL */
	const TsneP *ps;      /* sparse P, when pd is NULL */
	double exag;          /* P is used times this (early exaggeration) */
	double theta;         /* Barnes-Hut opening angle */
	int nthreads;
	/* private */
	SpTree *tree;
	double *neg, *part;
} TsneObj;

/* Set up o for n points in dims dimensions over dense pd or sparse ps (the other
 * NULL).  Exits only when memory runs out. */
void tsnegrad_init(TsneObj *o, size_t n, int dims, const float *pd, const TsneP *ps,
    double theta, int nthreads);
/* grad (n x dims) at y; returns the KL divergence when error is non-zero, else NaN.
 * This function can't fail. */
double tsnegrad_do(TsneObj *o, const double *y, double *grad, int error);
void tsnegrad_free(TsneObj *o);

#endif
