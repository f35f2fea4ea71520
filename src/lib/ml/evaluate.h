/* evaluate.h — scoring predictions as scikit-learn 1.2.1 does:
 * classification_report (per class precision, recall, F1 and support, accuracy,
 * macro and support-weighted averages, over the labels present in the truth or
 * the predictions; 0 where a ratio is 0/0, as zero_division="warn" gives),
 * confusion_matrix, and the margin between the two most likely classes. */
#ifndef SV_EVALUATE_H
#define SV_EVALUATE_H
#include <stddef.h>
#include <stdio.h>

typedef struct Report {
	size_t n;            /* classes reported */
	size_t *cls;         /* their indices, ascending */
	double *prec, *rec, *f1;
	unsigned long *support;
	double accuracy, macro[3], weighted[3];
	unsigned long total;
	int undefined;       /* some precision or recall was 0/0 (sklearn warns) */
} Report;

/* y[i] in [0, k).  Cannot fail (but for memory). */
void eval_report(const int *ytrue, const int *ypred, size_t n, size_t k, Report *r);
void del_report(Report *r);
/* sklearn's text layout, digits after the point (2 by default there). */
void eval_print(FILE *fp, const Report *r, char *const *names, int digits);
/* The same numbers as TSV (%.17g): class, precision, recall, f1-score, support. */
void eval_print_tsv(FILE *fp, const Report *r, char *const *names);
/* cm[t * k + p]: items of class t predicted p.  Cannot fail. */
void eval_confusion(const int *ytrue, const int *ypred, size_t n, size_t k, double *cm);
/* The most likely class of p[k] (the first on ties, as argmax), its probability,
 * the runner-up and the margin between the two. */
size_t eval_top2(const double *p, size_t k, size_t *second, double *margin);

#endif
