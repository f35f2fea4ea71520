/* agreement.h — how well two labelings of the same records agree: the supervised
 * scores of scikit-learn 1.2.1 sklearn.metrics.cluster (agreement.c).
 *
 *	Agreement a;
 *	new_agreement(&a, truth, R, pred, C, n);  // labels in [0, R) and [0, C)
 *	double ari = agreement_ari(&a);
 *	del_agreement(&a);
 *
 * Everything comes from the sparse contingency table n_ij (classes i of the
 * first labeling, clusters j of the second), in sklearn's formulas and order of
 * operations: adjusted Rand index from the pair confusion matrix (exact integers:
 * 128-bit, as Python's), mutual information from the nonzero n_ij, entropies,
 * the expected mutual information of the hypergeometric model
 * (_expected_mutual_info_fast, lgamma), NMI and AMI with the arithmetic mean of
 * the entropies (sklearn's default), homogeneity, completeness and V-measure
 * (beta 1), and purity (the share of records in the majority class of their
 * cluster).  Empty classes or clusters do not count (sklearn sees only the labels
 * present). */
#ifndef SV_AGREEMENT_H
#define SV_AGREEMENT_H
#include <stddef.h>

typedef struct Agreement {
	size_t n;            /* records */
	size_t R, C;         /* classes and clusters present */
	size_t nnz;          /* nonzero cells */
	size_t *a, *b;       /* R row sums (class sizes), C column sums (cluster sizes) */
	size_t *ri, *cj, *v; /* the nonzero cells, row-major (CSR order) */
} Agreement;

/* Exits only when memory runs out. */
void new_agreement(Agreement *t, const int *truth, size_t R, const int *pred, size_t C, size_t n);
void del_agreement(Agreement *t);

/* These cannot fail. */
double agreement_ari(const Agreement *t);
double agreement_mi(const Agreement *t);
/* entropy of the classes (which = 0) or of the clusters (which = 1) */
double agreement_entropy(const Agreement *t, int which);
double agreement_emi(const Agreement *t);
double agreement_nmi(const Agreement *t);
double agreement_ami(const Agreement *t);
void agreement_vmeasure(const Agreement *t, double *homogeneity, double *completeness,
    double *v_measure);
double agreement_purity(const Agreement *t);

#endif
