/* xgb.h — gradient-boosted trees through Debian's libxgboost C API (1.7), set
 * up exactly as python3-xgboost's XGBClassifier does, so that the same data,
 * parameters and seed give the same trees: a dense float32 DMatrix (NaN =
 * missing), objective multi:softprob with num_class (binary:logistic for two
 * classes), the parameters in the order given, one XGBoosterUpdateOneIter per
 * round.  Models are xgboost's own JSON, which python's xgb.Booster(model_file=)
 * reads; songvec's metadata rides along as booster attributes. */
#ifndef SV_XGB_H
#define SV_XGB_H
#include <stddef.h>

#include "core/progress.h"

typedef struct Xgb Xgb;

/* Train on n rows of x (n x d) with labels y in [0, k), the rounds shown as a part
 * of the progress line parent (NULL: a line of their own, core/progress.h).  params: npar "name=value"
 * strings (xgboost's parameter names: max_depth, eta, lambda, alpha, subsample,
 * colsample_bytree, min_child_weight, gamma, tree_method, seed, nthread, ...).
 * NULL after "prog: xgboost: message" (a bad parameter, ...). */
Xgb *xgb_train(const float *x, size_t n, size_t d, const float *y, size_t k, int rounds,
    char *const *params, int npar, Progress *parent);
/* Probabilities out[n x k]; 0, or -1 after a message. */
int xgb_proba(Xgb *m, const float *x, size_t n, size_t d, double *out);
/* TreeSHAP contributions (pred_contribs): out[n x k x (d + 1)], the last of each
 * d + 1 the bias, in margin (log-odds) units; for k == 2 the k dimension holds
 * class 1 only (out[n x 1 x (d + 1)]).  0, or -1 after a message. */
int xgb_contribs(Xgb *m, const float *x, size_t n, size_t d, float *out);
/* String attributes kept in the model file (NULL when absent; free the result). */
int xgb_set_attr(Xgb *m, const char *name, const char *value);
char *xgb_get_attr(Xgb *m, const char *name);
/* Save as xgboost JSON; load such a file (or a buffer from it).  0 / a model, or
 * -1 / NULL after a message. */
int xgb_save(Xgb *m, const char *path);
Xgb *xgb_load_buffer(const char *buf, size_t len, const char *name);
/* The class count of a loaded model (its objective's num_class, or 2). */
void xgb_set_classes(Xgb *m, size_t k);
/* Rounds boosted. */
int xgb_rounds(Xgb *m);
void del_xgb(Xgb *m);

#endif
