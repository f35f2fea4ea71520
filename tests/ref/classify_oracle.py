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


def xgb(vec, labels, probs, contribs, glob, rounds, seed, *params):
    """python3-xgboost on the train rows, XGBClassifier and xgb.train with the same
    parameters and seed; compare apply -P probabilities, explain contributions
    (for the predicted class) and explain -g means on every record."""
    import xgboost as xgbm
    keys, X, _ = read_vec(vec)
    _, Xtr, ytr = split_rows(vec, labels, "train")
    classes = np.unique(ytr)
    enc = np.searchsorted(classes, ytr)
    kw = {}
    for p in params:
        k, v = p.split("=", 1)
        kw[k] = int(v) if v.lstrip("-").isdigit() else (float(v) if v.replace(".", "", 1).replace("e-", "", 1).isdigit() else v)
    clf = xgbm.XGBClassifier(n_estimators=int(rounds), random_state=int(seed), n_jobs=1, **kw)
    clf.fit(Xtr.astype(np.float32), enc)
    P = clf.predict_proba(X.astype(np.float32))
    booster = clf.get_booster()
    C = booster.predict(xgbm.DMatrix(X.astype(np.float32)), pred_contribs=True)
    bad = []
    _, Pc, _ = read_vec(probs)
    dp = np.abs(Pc - P).max()
    if dp > 1e-6:
        bad.append("probabilities differ by %g (tolerance 1e-6)" % dp)
    if len(classes) == 2:
        C = np.stack([-C, C], axis=1)
    best = P.argmax(1)
    _, Cc, _ = read_vec(contribs)
    ref = C[np.arange(len(best)), best]
    dc = np.abs(Cc - ref).max()
    if dc > 1e-5:
        bad.append("contributions differ by %g (tolerance 1e-5)" % dc)
    _, G, _ = read_vec(glob)
    g = np.abs(C[:, :, :-1]).mean(0).T
    gref = np.hstack([g, g.mean(1, keepdims=True)])
    dg = np.abs(G - gref).max()
    if dg > 1e-5:
        bad.append("global mean |contribution| differs by %g (tolerance 1e-5)" % dg)
    print("xgboost: probabilities within %.3g, contributions within %.3g, global within %.3g"
          % (dp, dc, dg))
    if bad:
        print("\n".join(bad))
        sys.exit(1)


def truth_pred(labels, pred, which="val"):
    cols, rows = read_labels(labels)
    isp = cols.index("split") if "split" in cols else None
    lab = {r[0]: r[1] for r in rows if isp is None or r[isp] == which}
    pc, prow = read_labels(pred)
    ip = pc.index("predicted")
    keys = [r[0] for r in prow if r[0] in lab]
    pm = {r[0]: r[ip] for r in prow}
    return keys, [lab[k] for k in keys], [pm[k] for k in keys]


def report(labels, pred, ours, digits, tsv):
    """eval's text (and -t TSV) against sklearn's classification_report and
    confusion_matrix on the same predictions"""
    from sklearn.metrics import classification_report
    _, yt, yp = truth_pred(labels, pred)
    ref = classification_report(yt, yp, digits=int(digits), zero_division=0)
    got = open(ours).read()
    bad = []
    if got != ref + "\n" and got != ref:
        bad.append("report differs:\n--- sklearn\n%s\n--- ours\n%s" % (ref, got))
    d = classification_report(yt, yp, output_dict=True, zero_division=0)
    worst = 0.0
    for line in open(tsv):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        name = f[0]
        if name == "accuracy":
            worst = max(worst, abs(float(f[3]) - d["accuracy"]))
            continue
        ref_row = d[name]
        for j, key in enumerate(["precision", "recall", "f1-score"]):
            worst = max(worst, abs(float(f[1 + j]) - ref_row[key]))
        if int(f[4]) != ref_row["support"]:
            bad.append("support of %s differs" % name)
    if worst > 1e-12:
        bad.append("TSV numbers differ by %g (tolerance 1e-12)" % worst)
    print("report: %d songs, TSV within %.3g" % (len(yt), worst))
    if bad:
        print("\n".join(bad))
        sys.exit(1)


def confusion(labels, pred, ours):
    from sklearn.metrics import confusion_matrix
    _, yt, yp = truth_pred(labels, pred)
    keys, M, cols = read_vec(ours)
    ref = confusion_matrix(yt, yp, labels=cols)
    if keys != cols or not np.array_equal(M, ref):
        print("confusion matrix differs:\n%s\nsklearn:\n%s" % (M, ref))
        sys.exit(1)
    print("confusion matrix equal (%d classes)" % len(cols))


def cv(vec, labels, ours, C, z, folds):
    """cv's per-fold accuracy and macro F1 against cross_validate with
    StratifiedKFold(folds) (no shuffle) on the train rows"""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    _, X, y = split_rows(vec, labels, "train")
    m = LogisticRegression(C=float(C))
    if z == "1":
        m = make_pipeline(StandardScaler(), m)
    r = cross_validate(m, X, y, cv=StratifiedKFold(int(folds)), scoring=["accuracy", "f1_macro"])
    keys, V, _ = read_vec(ours)
    acc, f1 = r["test_accuracy"], r["test_f1_macro"]
    k = int(folds)
    d = max(np.abs(V[:k, 0] - acc).max(), np.abs(V[:k, 1] - f1).max(),
            abs(V[k, 0] - acc.mean()), abs(V[k + 1, 0] - acc.std()))
    print("cv: %d folds, accuracy %.4f +- %.4f, within %.3g" % (k, acc.mean(), acc.std(), d))
    if d > 1e-6:
        print("cv differs by %g (tolerance 1e-6; float32 output)\nsklearn %s %s\nours\n%s"
              % (d, acc, f1, V))
        sys.exit(1)


def boundary(vec, model_probs, ours, count):
    """boundary's songs: the COUNT smallest top-2 margins of apply -P's probabilities"""
    keys, P, _ = read_vec(model_probs)
    s = np.sort(P, 1)
    margin = s[:, -1] - s[:, -2]
    order = np.argsort(margin, kind="stable")[: int(count)]
    _, rows = read_labels(ours)
    got = [r[0] for r in rows]
    want = [keys[i] for i in order]
    if got != want:
        print("boundary songs differ:\nwant %s\ngot  %s" % (want, got))
        sys.exit(1)
    print("boundary: %d songs, margins %.3g .. %.3g" % (len(got), margin[order[0]], margin[order[-1]]))


def split_counts(labels, frac):
    """dataset split's per-class validation counts against train_test_split; when
    classes tie for the extra draws (sklearn breaks ties with its random_state),
    the counts must be one of the outcomes sklearn gives for random_state 0..63"""
    from sklearn.model_selection import train_test_split
    cols, rows = read_labels(labels)
    isp = cols.index("split")
    y = np.array([r[1] for r in rows])
    classes = list(np.unique(y))
    got = tuple(sum(1 for r in rows if r[1] == c and r[isp] == "val") for c in classes)
    outcomes = set()
    for rs in range(64):
        _, yv = train_test_split(y, test_size=float(frac), stratify=y, random_state=rs)
        outcomes.add(tuple(int((yv == c).sum()) for c in classes))
    print("split: %d songs, validation per class %s; sklearn: %s" % (len(y), got, sorted(outcomes)))
    if got not in outcomes:
        sys.exit(1)


def booster(model, vec, probs):
    """our xgboost model file read by python's xgb.Booster"""
    import xgboost as xgbm
    _, X, _ = read_vec(vec)
    b = xgbm.Booster(model_file=model)
    P = b.predict(xgbm.DMatrix(X.astype(np.float32)))
    _, Pc, _ = read_vec(probs)
    if P.ndim == 1:
        P = np.stack([1 - P, P], 1)
    d = np.abs(P - Pc).max()
    print("Booster(model_file=) probabilities within %.3g; attributes %s" % (d, sorted(b.attributes())))
    if d > 1e-6:
        sys.exit(1)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif cmd == "logreg":
        logreg(*sys.argv[2:9])
    elif cmd in ("report", "confusion", "cv", "boundary", "split_counts", "booster"):
        globals()[cmd](*sys.argv[2:])
    elif cmd == "xgb":
        xgb(*sys.argv[2:])
    else:
        sys.exit("unknown mode " + cmd)
