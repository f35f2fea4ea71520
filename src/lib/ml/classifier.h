/* classifier.h — the models of classify(1): logistic regression (logreg.h) or
 * gradient-boosted trees (xgb.h) over named classes, with an optional
 * standardisation (zscore.h) fitted on the training rows only, saved to and
 * loaded from one file:
 *
 *   logreg:  a dtable (core/dtable.h): "#songvec dim=D+1 model=logreg set=SET
 *            classes=K standardize=0|1", rows @mean and @scale (standardisation;
 *            intercept column 0 / 1), then one row per class, named by the class:
 *            D coefficients and the intercept;
 *   xgboost: xgboost's JSON model, the metadata as attributes songvec_set,
 *            songvec_classes (tab-separated), songvec_dim, songvec_columns,
 *            songvec_mean, songvec_scale. */
#ifndef SV_CLASSIFIER_H
#define SV_CLASSIFIER_H
#include <stddef.h>

#include "ml/logreg.h"
#include "ml/xgb.h"

enum { CLF_LOGREG, CLF_XGB };

typedef struct ClfOpt {
	int kind;            /* CLF_LOGREG or CLF_XGB */
	int standardize;     /* fit a StandardScaler on the training rows */
	LogRegOpt lr;
	int rounds;          /* xgboost rounds (n_estimators, 100) */
	char **params;       /* xgboost "name=value" parameters */
	int npar;
	Progress *progress;  /* the training's progress as a part of this line (NULL:
	                      * a line of its own) */
} ClfOpt;

typedef struct Classifier {
	int kind;
	size_t d, k;
	char *set;           /* label set name */
	char **classes;      /* k names, sorted */
	char **cols;         /* d column names, or NULL */
	double *mean, *scale;/* standardisation (NULL: none) */
	LogReg *lr;
	Xgb *xgb;
} Classifier;

void clf_defaults(ClfOpt *o);
/* Fit on n rows of x (n x d) with labels y in [0, k); names copied.  NULL after
 * a message (xgboost errors). */
Classifier *clf_train(const float *x, size_t n, size_t d, const int *y, size_t k,
    char *const *classes, const char *set, char *const *cols, const ClfOpt *o);
/* Probabilities out[n x k]; 0, or -1 after a message. */
int clf_proba(const Classifier *c, const float *x, size_t n, double *out);
/* xgboost only: TreeSHAP contributions out[n x kk x (d + 1)], kk = k (1 when
 * k == 2: class 1); 0, or -1 after a message. */
int clf_contribs(const Classifier *c, const float *x, size_t n, float *out);
/* 0, or -1 after a message; the file is written whole or not at all. */
int clf_save(const Classifier *c, const char *path);
/* NULL after "prog: FILE: ..." */
Classifier *clf_load(const char *path);
/* The index of a class name, or -1. */
long clf_class(const Classifier *c, const char *name);
void del_clf(Classifier *c);

#endif
