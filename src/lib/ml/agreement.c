/* agreement.c — supervised clustering scores from the contingency table (see
 * agreement.h). */
#include "ml/agreement.h"
#include "core/util.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct Cell {
	size_t i, j;
} Cell;

static int
cellcmp(const void *p, const void *q)
{
	const Cell *a = p, *b = q;

	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

/* Renumber the nonempty entries of counts (k of them) 0, 1, ...; map[old] = new. */
static size_t
compact(size_t *counts, size_t k, size_t *map)
{
	size_t q, m = 0;

	for (q = 0; q < k; q++)
		if (counts[q]) {
			map[q] = m;
			counts[m++] = counts[q];
		}
	return m;
}

void
new_agreement(Agreement *t, const int *truth, size_t R, const int *pred, size_t C, size_t n)
{
	Cell *c = ereallocarray(NULL, (n ? n : 1), sizeof *c);
	size_t *mr = ereallocarray(NULL, R ? R : 1, sizeof(size_t));
	size_t *mc = ereallocarray(NULL, C ? C : 1, sizeof(size_t));
	size_t k;

	memset(t, 0, sizeof *t);
	t->n = n;
	t->a = ecalloc(R ? R : 1, sizeof(size_t));
	t->b = ecalloc(C ? C : 1, sizeof(size_t));
	for (k = 0; k < n; k++)
		t->a[truth[k]]++, t->b[pred[k]]++;
	t->R = compact(t->a, R, mr);
	t->C = compact(t->b, C, mc);
	for (k = 0; k < n; k++)
		c[k].i = mr[truth[k]], c[k].j = mc[pred[k]];
	qsort(c, n, sizeof *c, cellcmp);
	t->ri = ereallocarray(NULL, (n ? n : 1), sizeof(size_t));
	t->cj = ereallocarray(NULL, (n ? n : 1), sizeof(size_t));
	t->v = ereallocarray(NULL, (n ? n : 1), sizeof(size_t));
	for (k = 0; k < n; k++) {
		if (!t->nnz || c[k].i != t->ri[t->nnz - 1] || c[k].j != t->cj[t->nnz - 1]) {
			t->ri[t->nnz] = c[k].i, t->cj[t->nnz] = c[k].j, t->v[t->nnz] = 0;
			t->nnz++;
		}
		t->v[t->nnz - 1]++;
	}
	free(c), free(mr), free(mc);
}

void
del_agreement(Agreement *t)
{
	free(t->a), free(t->b), free(t->ri), free(t->cj), free(t->v);
	memset(t, 0, sizeof *t);
}

/* sklearn's pair_confusion_matrix and adjusted_rand_score, in exact integers;
 * the two conversions to double and the division round once each, as Python's
 * 2.0 * int / int does. */
double
agreement_ari(const Agreement *t)
{
	__int128 n = (__int128)t->n, sq = 0, ck = 0, cc = 0, tn, fp, fn, tp, num, den;
	size_t q;

	for (q = 0; q < t->nnz; q++) {
		sq += (__int128)t->v[q] * t->v[q];
		ck += (__int128)t->v[q] * t->b[t->cj[q]];
		cc += (__int128)t->v[q] * t->a[t->ri[q]];
	}
	tp = sq - n;
	fp = ck - sq;
	fn = cc - sq;
	tn = n * n - fp - fn - sq;
	if (fn == 0 && fp == 0)
		return 1.0;
	num = tp * tn - fn * fp;
	den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
	return 2.0 * (double)num / (double)den;
}

/* sklearn's mutual_info_score from the nonzero cells */
double
agreement_mi(const Agreement *t)
{
	double sum = (double)t->n, lsum = log(sum), mi = 0, nm, term, lo;
	size_t q;

	if (t->R == 1 || t->C == 1)
		return 0.0;
	for (q = 0; q < t->nnz; q++) {
		nm = (double)t->v[q] / sum;
		lo = -log((double)((int64_t)t->a[t->ri[q]] * (int64_t)t->b[t->cj[q]])) + lsum + lsum;
		term = nm * (log((double)t->v[q]) - lsum) + nm * lo;
		mi += fabs(term) < DBL_EPSILON ? 0.0 : term;
	}
	return mi > 0 ? mi : 0.0;
}

double
agreement_entropy(const Agreement *t, int which)
{
	const size_t *c = which ? t->b : t->a;
	size_t k = which ? t->C : t->R, q;
	double sum = 0, s = 0;

	if (t->n == 0)
		return 1.0;
	if (k == 1)
		return 0.0;
	for (q = 0; q < k; q++)
		sum += (double)c[q];
	for (q = 0; q < k; q++)
		s += ((double)c[q] / sum) * (log((double)c[q]) - log(sum));
	return -s;
}

/* one (i, j) term of sklearn's expected_mutual_information */
static double
emi_cell(double N, double ai, double bj, double glpart)
{
	double emi = 0, term2, gln, lo = ai + bj - N, nij;
	double hi = ai < bj ? ai : bj;

	for (nij = lo > 1 ? lo : 1; nij <= hi; nij++) {
		term2 = (log(N) + log(nij)) - log(ai) - log(bj);
		gln = glpart - lgamma(nij + 1) - lgamma(ai - nij + 1) - lgamma(bj - nij + 1) -
		    lgamma(N - ai - bj + nij + 1);
		emi += (nij / N) * term2 * exp(gln);
	}
	return emi;
}

double
agreement_emi(const Agreement *t)
{
	double N = (double)t->n, emi = 0, ai, bj, glN = lgamma(N + 1);
	size_t i, j;

	if (t->R == 1 || t->C == 1)
		return 0.0;
	for (i = 0; i < t->R; i++)
		for (j = 0; j < t->C; j++) {
			ai = (double)t->a[i], bj = (double)t->b[j];
			emi += emi_cell(N, ai, bj, lgamma(ai + 1) + lgamma(bj + 1) + lgamma(N - ai + 1) +
			    lgamma(N - bj + 1) - glN);
		}
	return emi;
}

double
agreement_nmi(const Agreement *t)
{
	double mi;

	if ((t->R == 1 && t->C == 1) || t->n == 0)
		return 1.0;
	if ((mi = agreement_mi(t)) == 0)
		return 0.0;
	return mi / ((agreement_entropy(t, 0) + agreement_entropy(t, 1)) / 2);
}

double
agreement_ami(const Agreement *t)
{
	double mi, emi, den;

	if ((t->R == 1 && t->C == 1) || t->n == 0)
		return 1.0;
	mi = agreement_mi(t);
	emi = agreement_emi(t);
	den = (agreement_entropy(t, 0) + agreement_entropy(t, 1)) / 2 - emi;
	if (den < 0)
		den = den < -DBL_EPSILON ? den : -DBL_EPSILON;
	else
		den = den > DBL_EPSILON ? den : DBL_EPSILON;
	return (mi - emi) / den;
}

void
agreement_vmeasure(const Agreement *t, double *homogeneity, double *completeness,
    double *v_measure)
{
	double hc, hk, mi, h, c;

	if (t->n == 0) {
		*homogeneity = *completeness = *v_measure = 1.0;
		return;
	}
	hc = agreement_entropy(t, 0);
	hk = agreement_entropy(t, 1);
	mi = agreement_mi(t);
	h = hc != 0 ? mi / hc : 1.0;
	c = hk != 0 ? mi / hk : 1.0;
	*homogeneity = h, *completeness = c;
	*v_measure = h + c == 0.0 ? 0.0 : (1 + 1.0) * h * c / (1.0 * h + c);
}

double
agreement_purity(const Agreement *t)
{
	size_t *best = ecalloc(t->C ? t->C : 1, sizeof(size_t)), q, s = 0;

	for (q = 0; q < t->nnz; q++)
		if (t->v[q] > best[t->cj[q]])
			best[t->cj[q]] = t->v[q];
	for (q = 0; q < t->C; q++)
		s += best[q];
	free(best);
	return t->n ? (double)s / (double)t->n : 1.0;
}
