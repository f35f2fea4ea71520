"""Bench references for classify (scripts/bench.d/60-classify.sh), /usr/bin/python3.

  gen N D K SEED PREFIX          PREFIX.vec (songvec TSV) and PREFIX.labels
  logreg PREFIX C MAXITER        fit LogisticRegression(lbfgs); prints wall cpu n_iter
  xgb PREFIX ROUNDS THREADS P..  fit XGBClassifier(n_estimators=ROUNDS, n_jobs=THREADS,
                                 random_state=0, **P); prints wall cpu
Only the fit is timed (no interpreter start, no reading)."""
import sys
import time
import warnings

import numpy as np

warnings.simplefilter("ignore")


def load(prefix):
    X = np.loadtxt(prefix + ".vec", comments="#", delimiter="\t", usecols=None, dtype=str)
    y = np.loadtxt(prefix + ".labels", comments="#", delimiter="\t", dtype=str)[:, 1]
    return X[:, 1:].astype(np.float64), y


def main():
    cmd = sys.argv[1]
    if cmd == "gen":
        from sklearn.datasets import make_classification
        n, d, k, seed, prefix = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
        X, y = make_classification(n_samples=n, n_features=d, n_informative=d // 2, n_redundant=0,
                                   n_classes=k, n_clusters_per_class=1, random_state=seed)
        X = X.astype(np.float32)
        with open(prefix + ".vec", "w") as f:
            f.write("#songvec dim=%d\n" % d)
            for i in range(n):
                f.write("s%d\t%s\n" % (i, "\t".join("%.9g" % v for v in X[i])))
        with open(prefix + ".labels", "w") as f:
            f.write("#path\tgenre\n")
            for i in range(n):
                f.write("s%d\tg%02d\n" % (i, y[i]))
        return
    X, y = load(sys.argv[2])
    t, c = time.time(), time.process_time()
    if cmd == "logreg":
        from sklearn.linear_model import LogisticRegression
        m = LogisticRegression(C=float(sys.argv[3]), max_iter=int(sys.argv[4])).fit(X, y)
        extra = " %d" % m.n_iter_[0]
    else:
        import xgboost as xgbm
        kw = {}
        for p in sys.argv[5:]:
            k, v = p.split("=", 1)
            kw[k] = int(v) if v.isdigit() else v
        enc = np.searchsorted(np.unique(y), y)
        Xf = X.astype(np.float32)
        t, c = time.time(), time.process_time()
        xgbm.XGBClassifier(n_estimators=int(sys.argv[3]), n_jobs=int(sys.argv[4]), random_state=0,
                           **kw).fit(Xf, enc)
        extra = ""
    print("%.4f %.4f%s" % (time.time() - t, time.process_time() - c, extra))


main()
