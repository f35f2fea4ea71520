#!/usr/bin/python3
"""scikit-learn 1.2.1 oracle for gmm(1) (GaussianMixture).

  mix N D K SEED BOX            K Gaussian blobs (std 1, centres in [-BOX, BOX]^D)
                                through a random linear map (anisotropic,
                                overlapping clusters: EM needs many iterations),
                                float32, as a songvec TSV stream
  check-init DATA INIT COV OUT MODEL ERR
                                sklearn GaussianMixture(covariance_type=COV) whose
                                k-means initialisation starts from INIT
                                (KMeans(init=INIT, n_init=1) on the float32 data,
                                as GaussianMixture runs it), EM on the float64 copy:
                                labels identical, weights, means and covariances
                                within 1e-5 relative (max |diff| / max |value|),
                                probabilities within 1e-5, EM iterations equal,
                                lower bound within 1e-7 relative (printed %.9g)
  check-ninit DATA K COV ERR    our lower bound >= sklearn's (random_state=0, its
                                own k-means++) - 2 tol (tol = 1e-3, the stopping
                                rule on the lower bound)
  check-assign MODEL DATA OUT   predict_proba / predict of a GaussianMixture
                                holding the model's parameters: labels identical,
                                probabilities within 1e-6
  check-bic MODEL DATA ERR      sklearn's bic(X), aic(X) and score(X) for the
                                model's parameters = the values on our stderr,
                                1e-7 relative
  check-sweep DATA OUT COV      for each k of a -k KMIN:KMAX sweep, sklearn
                                GaussianMixture(k, random_state=0)'s bic and aic
                                within 1e-5 relative (independent fits: both stop
                                within tol of the same optimum; give k no larger
                                than the number of clusters, where there is one)
"""
import os
import re
import sys
import types

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kmeans_oracle import read_vec, write_vec  # noqa: E402


def read_model(path):
    """gmm model file: weights, means, covariances in sklearn's shapes"""
    rows, cov = {}, None
    for line in open(path):
        if line.startswith('#songvec'):
            cov = re.search(r'model=gmm-(\w+)', line).group(1)
            continue
        if line.startswith('#'):
            continue
        p = line.rstrip('\n').split('\t')
        rows[p[0]] = np.array([float(v) for v in p[1:]])
    k = sum(1 for r in rows if r.startswith('weight.'))
    d = len(rows['mean.0'])
    w = np.array([rows['weight.%d' % j][0] for j in range(k)])
    m = np.array([rows['mean.%d' % j] for j in range(k)])
    if cov == 'full':
        c = np.array([[rows['cov.%d.%d' % (j, r)] for r in range(d)] for j in range(k)])
    elif cov == 'tied':
        c = np.array([rows['cov.%d' % r] for r in range(d)])
    elif cov == 'diag':
        c = np.array([rows['var.%d' % j] for j in range(k)])
    else:
        c = np.array([rows['var.%d' % j][0] for j in range(k)])
    return cov, w, m, c


def with_params(cov, w, m, c):
    from sklearn.mixture import GaussianMixture
    from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky
    gm = GaussianMixture(len(w), covariance_type=cov)
    gm.weights_, gm.means_, gm.covariances_ = w, m, c
    gm.precisions_cholesky_ = _compute_precision_cholesky(c, cov)
    gm.n_features_in_ = m.shape[1]
    return gm


def given_kmeans_init(gm, C0, X32):
    """Make gm's k-means initialisation start from the centres C0, on the float32
    records X32 (KMeans(init=C0, n_init=1), as GaussianMixture runs it): gmm -I C0"""
    from sklearn.cluster import KMeans
    k = len(C0)

    def init(self, X, random_state):
        lab = KMeans(k, init=C0, n_init=1).fit(X32).labels_
        resp = np.zeros((len(X), k))
        resp[np.arange(len(X)), lab] = 1
        self._initialize(X, resp)
    gm._initialize_parameters = types.MethodType(init, gm)
    return gm


def relmax(a, b):
    return float(np.abs(np.asarray(a) - b).max() / max(np.abs(b).max(), 1e-300))


def stderr_value(path, name):
    m = re.search(name + r' ([-+0-9.eEinfa]+)', open(path).read())
    if not m:
        sys.exit('no %s in %s' % (name, path))
    return float(m.group(1))


def check_init(a):
    from sklearn.mixture import GaussianMixture
    _, X32 = read_vec(a[0])
    _, C0 = read_vec(a[1])
    cov = a[2]
    _, out = read_vec(a[3])
    _, w, m, c = read_model(a[4])
    gm = given_kmeans_init(GaussianMixture(len(C0), covariance_type=cov, max_iter=100,
                                           tol=1e-3, reg_covar=1e-6), C0, X32)
    X = X32.astype(np.float64)
    lab = gm.fit_predict(X)
    prob = gm.predict_proba(X)
    nd = int((out[:, 0].astype(int) != lab).sum())
    ew, em, ec = relmax(w, gm.weights_), relmax(m, gm.means_), relmax(c, gm.covariances_)
    ep = float(np.abs(out[:, 1:] - prob).max())
    it = int(re.search(r'(\d+) EM iterations', open(a[5]).read()).group(1))
    lb = stderr_value(a[5], 'lower bound')
    elb = abs(lb - gm.lower_bound_) / abs(gm.lower_bound_)
    print('%s: labels differing %d of %d; weights %.2e means %.2e covariances %.2e (max rel); '
          'probabilities %.2e; EM iterations ours %d sklearn %d; lower bound rel %.2e'
          % (cov, nd, len(X), ew, em, ec, ep, it, gm.n_iter_, elb))
    ok = nd == 0 and max(ew, em, ec, ep) <= 1e-5 and it == gm.n_iter_ and elb <= 1e-7
    sys.exit(0 if ok else 1)


def check_ninit(a):
    from sklearn.mixture import GaussianMixture
    _, X32 = read_vec(a[0])
    gm = GaussianMixture(int(a[1]), covariance_type=a[2], random_state=0).fit(
        X32.astype(np.float64))
    lb = stderr_value(a[3], 'lower bound')
    print('lower bound ours %.9g sklearn %.9g' % (lb, gm.lower_bound_))
    sys.exit(0 if lb >= gm.lower_bound_ - 2e-3 else 1)


def check_assign(a):
    gm = with_params(*read_model(a[0]))
    _, X32 = read_vec(a[1])
    _, out = read_vec(a[2])
    X = X32.astype(np.float64)
    lab, prob = gm.predict(X), gm.predict_proba(X)
    nd = int((out[:, 0].astype(int) != lab).sum())
    ep = float(np.abs(out[:, 1:] - prob).max())
    print('labels differing %d of %d; probabilities max |diff| %.2e' % (nd, len(X), ep))
    sys.exit(0 if nd == 0 and ep <= 1e-6 else 1)


def check_bic(a):
    gm = with_params(*read_model(a[0]))
    _, X32 = read_vec(a[1])
    X = X32.astype(np.float64)
    bad = 0
    for name, ref in (('BIC', gm.bic(X)), ('AIC', gm.aic(X)),
                      ('log-likelihood', gm.score(X))):
        ours = stderr_value(a[2], name)
        r = abs(ours - ref) / abs(ref)
        print('%s ours %.9g sklearn %.12g rel %.2e' % (name, ours, ref, r))
        bad += r > 1e-7
    sys.exit(1 if bad else 0)


def check_sweep(a):
    from sklearn.mixture import GaussianMixture
    _, X32 = read_vec(a[0])
    X = X32.astype(np.float64)
    bad = 0
    for line in open(a[1]):
        if line.startswith('#'):
            continue
        k, bic, aic = line.split('\t')[:3]
        k, bic, aic = int(k), float(bic), float(aic)
        gm = GaussianMixture(k, covariance_type=a[2], random_state=0).fit(X)
        rb = abs(bic - gm.bic(X)) / abs(gm.bic(X))
        ra = abs(aic - gm.aic(X)) / abs(gm.aic(X))
        print('k=%d BIC ours %.9g sklearn %.9g rel %.2e; AIC rel %.2e' % (k, bic, gm.bic(X), rb, ra))
        bad += rb > 1e-5 or ra > 1e-5
    sys.exit(1 if bad else 0)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'mix':
        from sklearn.datasets import make_blobs
        n, d, k, seed = map(int, a[:4])
        box = float(a[4])
        X, _ = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=1.0,
                          center_box=(-box, box), random_state=seed)
        A = np.random.RandomState(seed).normal(size=(d, d))
        write_vec(['s%d' % i for i in range(n)], (X @ A).astype(np.float32))
        return
    {'check-init': check_init, 'check-ninit': check_ninit, 'check-assign': check_assign,
     'check-bic': check_bic, 'check-sweep': check_sweep}[cmd](a)


if __name__ == '__main__':
    main()
