"""Oracles for classify(1) and dataset(1) (run with /usr/bin/python3):

  gen N D K SEED PREFIX   PREFIX.vec (songvec TSV stream, float32 values) and
                          PREFIX.labels (labels table, genres g0..) from
                          sklearn's make_classification
  logreg VEC LABELS MODEL PRED C MAXITER Z
                          fit LogisticRegression(lbfgs, C, max_iter) (after a
                          StandardScaler when Z=1) on the train rows, compare
                          with MODEL (coefficients, intercepts) and PRED (apply's
                          table: predictions, probabilities of the top class)
  ...
Exit 1 with the differences when a tolerance is exceeded."""
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")


def read_vec(path):
    keys, rows, cols = [], [], None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("#key\t"):
            cols = line.split("\t")[1:]
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        keys.append(f[0])
        rows.append([float(v) for v in f[1:]])
    return keys, np.array(rows, dtype=np.float64), cols


def read_labels(path):
    cols, rows = None, []
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("#songvec labels") or line.startswith("# "):
            continue
        if line.startswith("#"):
            cols = line[1:].split("\t")
            continue
        if line:
            rows.append(line.split("\t"))
    return cols, rows


def gen(n, d, k, seed, prefix):
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=n, n_features=d, n_informative=max(2, min(d, d // 2)),
                               n_redundant=0, n_classes=k, n_clusters_per_class=1,
                               random_state=seed, class_sep=0.8)
    X = (X * 3 + 5).astype(np.float32)
    with open(prefix + ".vec", "w") as f:
        f.write("#songvec dim=%d\n#key\t%s\n" % (d, "\t".join("x%d" % j for j in range(d))))
        for i in range(n):
            f.write("s%05d\t%s\n" % (i, "\t".join("%.9g" % v for v in X[i])))
    with open(prefix + ".labels", "w") as f:
        f.write("#songvec labels set=genre\n#path\tgenre\n")
        for i in range(n):
            f.write("s%05d\tg%d\n" % (i, y[i]))


def split_rows(vec, labels, which):
    keys, X, _ = read_vec(vec)
    cols, rows = read_labels(labels)
    isp = cols.index("split") if "split" in cols else None
    lab = {r[0]: (r[1], r[isp] if isp is not None else "train") for r in rows}
    idx = [i for i, k in enumerate(keys) if k in lab and lab[k][1] == which]
    return [keys[i] for i in idx], X[idx], np.array([lab[keys[i]][0] for i in idx])


def logreg(vec, labels, model, pred, C, maxiter, z):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    _, Xtr, ytr = split_rows(vec, labels, "train")
    kte, Xte, yte = split_rows(vec, labels, "val")
    if z == "1":
        sc = StandardScaler().fit(Xtr)
        Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    m = LogisticRegression(C=float(C), max_iter=int(maxiter)).fit(Xtr, ytr)
    rows = {}
    for line in open(model):
        if line.startswith("#") or line.startswith("@"):
            continue
        f = line.rstrip("\n").split("\t")
        rows[f[0]] = np.array([float(v) for v in f[1:]])
    W = np.array([rows[c] for c in m.classes_])
    if len(m.classes_) == 2:
        W = W[1:2]
    ref = np.hstack([m.coef_, m.intercept_[:, None]])
    bad = []
    dc = np.abs(W - ref).max()
    if dc > 1e-4:
        bad.append("coefficients differ by %g (tolerance 1e-4)" % dc)
    cols, prow = read_labels(pred)
    ip, iq = cols.index("predicted"), cols.index("probability")
    pm = {r[0]: (r[ip], float(r[iq])) for r in prow}
    P = m.predict_proba(Xte)
    yp = m.classes_[P.argmax(1)]
    wrong = sum(pm[k][0] != yp[i] for i, k in enumerate(kte))
    dp = max(abs(pm[k][1] - P[i].max()) for i, k in enumerate(kte))
    if wrong:
        bad.append("%d predictions differ" % wrong)
    if dp > 1e-5:
        bad.append("probabilities differ by %g (tolerance 1e-5)" % dp)
    print("logreg: n_iter %d, coefficients within %.3g, probabilities within %.3g, %d of %d "
          "predictions differ" % (m.n_iter_[0], dc, dp, wrong, len(kte)))
    if bad:
        print("\n".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif cmd == "logreg":
        logreg(*sys.argv[2:9])
    else:
        sys.exit("unknown mode " + cmd)
