/* split.h — stratified splits with scikit-learn 1.2.1's counts.
 *
 * split_stratified: train_test_split(stratify=y, test_size=frac): n_val =
 * ceil(frac n), and per class the train count of StratifiedShuffleSplit
 * (_approximate_mode: floor of the class's share of n_train, the remaining
 * draws to the largest remainders); the rest of the class is validation.
 * split_folds: StratifiedKFold(nfolds): classes in order of first appearance,
 * fold sizes per class dealt round-robin over the sorted labels, each class's
 * members assigned to folds in input order.  The random parts (ties between
 * equal remainders, which members go where, shuffle=True) use core/rng.h, so the
 * counts equal scikit-learn's but the members chosen are not numpy's. */
#ifndef SV_SPLIT_H
#define SV_SPLIT_H
#include <stddef.h>
#include <stdint.h>

enum {
	SPLIT_OK = 0,
	SPLIT_SMALL_CLASS = -1,   /* a class with fewer than 2 members (*bad) */
	SPLIT_TRAIN_SMALL = -2,   /* n_train < number of classes */
	SPLIT_VAL_SMALL = -3,     /* n_val < number of classes */
	SPLIT_EMPTY = -4,         /* no train or no validation item at all */
	SPLIT_FOLDS_LARGE = -5    /* nfolds > every class count, or > n */
};

/* y[i] in [0, k).  val[i] = 1 for validation, 0 for training.  SPLIT_OK or an
 * error code (*bad: the class at fault). */
int split_stratified(const int *y, size_t n, size_t k, double frac, uint64_t seed,
    unsigned char *val, size_t *bad);
/* fold[i] in [0, nfolds): the test fold of item i.  shuffle: permute each class's
 * fold labels (sklearn's shuffle=True, with our generator).  *minclass: the
 * smallest class count (sklearn warns when it is below nfolds). */
int split_folds(const int *y, size_t n, size_t k, int nfolds, int shuffle, uint64_t seed,
    int *fold, size_t *minclass);

#endif
