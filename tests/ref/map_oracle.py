#!/usr/bin/python3
"""scikit-learn 1.2.1 and umap-learn 0.5 oracle for map(1).

  blobs N D K SEED              make_blobs (float32) as a songvec TSV stream
  tsne DATA DIMS METHOD METRIC  sklearn TSNE(dims, method, metric, init='pca',
                                random_state=0): prints 'kl T trust T seconds T'
  umap DATA DIMS METRIC         umap.UMAP(n_components=dims, metric, random_state=0)
                                (after a warm-up fit, so numba's compilation is not
                                timed): prints 'trust T seconds T'
  trust DATA MAP METRIC         trustworthiness (10 neighbours) of our map
  check-tsne DATA MAP ERR DIMS METHOD METRIC
                                our trustworthiness within 0.01 of sklearn's and
                                our final KL (from ERR) within 5 % of sklearn's
  check-umap DATA MAP DIMS METRIC
                                our trustworthiness within 0.01 of umap-learn's
  check-p DATA OURP PERPLEXITY METRIC EXACT
                                our joint P = sklearn's (_joint_probabilities or
                                _joint_probabilities_nn on its own distances)
                                within 1e-4 x max P
  check-grad DATA OURP OUT Y EXAG LR MOMENTUM
                                sklearn's _kl_divergence on our P at Y (times EXAG):
                                gradient within 1e-6 x max |grad|, KL within 1e-9
                                relative; _gradient_descent's first step from Y
                                within 1e-6 x max |step|
  check-gradbh DATA OURP OUT Y THETA
                                _kl_divergence_bh on our sparse P: gradient within
                                1e-5 x max |grad| for theta 0 (every cell opened:
                                float32 there, doubles here), 2e-3 for theta > 0
                                (the cells' bounds differ slightly, so do the
                                summaries)
  check-fuzzy DATA OUT K METRIC umap-learn's fuzzy_simplicial_set on our kNN: the
                                same edges, strengths within 1e-5
  check-ab OUT                  find_ab_params(1, 0.1) = ours within 1e-6
  check-transform TRAIN NEW TRAINMAP NEWMAP
                                placing new points (-a, umap-learn's transform):
                                the trustworthiness of fitted and placed points
                                together, ours within 0.01 of umap-learn's (fit
                                then transform, random_state=0)
The trustworthiness uses the input metric (Euclidean or cosine), as TSNE does."""
import re
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from kmeans_oracle import read_vec  # noqa: E402

warnings.filterwarnings('ignore')


def trust(X, E, metric):
    from sklearn.manifold import trustworthiness
    return trustworthiness(X, E, n_neighbors=10, metric=metric)


def sk_tsne(X, dims, method, metric):
    from sklearn.manifold import TSNE
    t = time.perf_counter()
    ts = TSNE(n_components=dims, method=method, metric=metric, init='pca',
              learning_rate='auto', perplexity=30.0, random_state=0)
    E = ts.fit_transform(X)
    return ts.kl_divergence_, E, time.perf_counter() - t


def sk_umap(X, dims, metric, warm=True):
    import umap
    if warm:
        umap.UMAP(n_components=dims, metric=metric, random_state=0,
                  n_epochs=5).fit_transform(X[:300])
    t = time.perf_counter()
    E = umap.UMAP(n_components=dims, metric=metric, random_state=0).fit_transform(X)
    return E, time.perf_counter() - t


def our_kl(errpath):
    m = re.search(r'KL divergence ([-+0-9.eE]+)', open(errpath).read())
    if not m:
        sys.exit('no KL divergence in ' + errpath)
    return float(m.group(1))


def read_p(path, n, dense):
    P = np.zeros((n, n))
    for line in open(path):
        i, j, p = line.split()
        P[int(i), int(j)] = float(p)
    if dense:
        P = P + P.T
    return P


def read_rows(path, tag):
    return np.array([[float(v) for v in l.split()[1:]] for l in open(path)
                     if l.startswith(tag + ' ')])


def check(cond, what):
    print(('ok   ' if cond else 'FAIL ') + what)
    return cond


def cmd_check_p(a):
    from scipy.spatial.distance import squareform
    from sklearn.manifold import _t_sne
    from sklearn.metrics import pairwise_distances
    from sklearn.neighbors import NearestNeighbors
    _, X = read_vec(a[0])
    n, perp, metric, exact = X.shape[0], float(a[2]), a[3], a[4] == '1'
    ours = read_p(a[1], n, exact)
    if exact:
        if metric == 'euclidean':
            D = pairwise_distances(X, metric=metric, squared=True)
        else:
            D = pairwise_distances(X, metric=metric) ** 2
        ref = squareform(_t_sne._joint_probabilities(D, perp, 0))
    else:
        k = min(n - 1, int(3 * perp + 1))
        G = NearestNeighbors(n_neighbors=k, metric=metric).fit(X).kneighbors_graph(mode='distance')
        G.data **= 2
        ref = _t_sne._joint_probabilities_nn(G, perp, 0).toarray()
    err = np.abs(ours - ref).max() / ref.max()
    return check(err <= 1e-4, 'P: max |ours - sklearn| = %.3g x max P (tolerance 1e-4)' % err)


def cmd_check_grad(a):
    from scipy.spatial.distance import squareform
    from sklearn.manifold import _t_sne
    _, X = read_vec(a[0])
    n = X.shape[0]
    P = squareform(read_p(a[1], n, True), checks=False) * float(a[4])
    _, Y = read_vec(a[3])
    dims = Y.shape[1]
    dof = max(dims - 1, 1)
    y0 = Y.astype(np.float64).ravel()
    kl, g = _t_sne._kl_divergence(y0.copy(), P, dof, n, dims)
    og = read_rows(a[2], 'grad').ravel()
    okl = float(next(l.split()[1] for l in open(a[2]) if l.startswith('kl ')))
    e1 = np.abs(og - g).max() / np.abs(g).max()
    e2 = abs(okl - kl) / abs(kl)
    p1, _, _ = _t_sne._gradient_descent(_t_sne._kl_divergence, y0.copy(), 0, 1, momentum=float(a[6]),
                                        learning_rate=float(a[5]), args=[P, dof, n, dims])
    st = read_rows(a[2], 'step').ravel()
    e3 = np.abs(st - p1).max() / np.abs(p1 - y0).max()
    ok = check(e1 <= 1e-6, 'exact gradient: max |ours - sklearn| = %.3g x max |grad| (tolerance 1e-6)' % e1)
    ok &= check(e2 <= 1e-9, 'exact KL: %.12g vs %.12g (relative %.3g, tolerance 1e-9)' % (okl, kl, e2))
    ok &= check(e3 <= 1e-6, 'one descent step: max |ours - sklearn| = %.3g x max |step| (tolerance 1e-6)' % e3)
    return ok


def cmd_check_gradbh(a):
    import scipy.sparse
    from sklearn.manifold import _t_sne
    _, X = read_vec(a[0])
    n = X.shape[0]
    P = scipy.sparse.csr_matrix(read_p(a[1], n, False).astype(np.float32))
    _, Y = read_vec(a[3])
    dims = Y.shape[1]
    _, g = _t_sne._kl_divergence_bh(Y.ravel().copy(), P, max(dims - 1, 1), n, dims,
                                     angle=float(a[4]), num_threads=1)
    og = read_rows(a[2], 'grad').ravel()
    e = np.abs(og - g).max() / np.abs(g).max()
    tol = 1e-5 if float(a[4]) == 0 else 2e-3
    return check(e <= tol, 'Barnes-Hut gradient (theta %s): max |ours - sklearn| = %.3g x max |grad| '
                 '(tolerance %g)' % (a[4], e, tol))


def cmd_check_fuzzy(a):
    import umap.umap_ as U
    _, X = read_vec(a[0])
    n, k, metric = X.shape[0], int(a[2]), a[3]
    rows = [l.split() for l in open(a[1]) if l.startswith('knn ')]
    idx = np.array([int(r[2]) for r in rows]).reshape(n, k)
    dist = np.array([float(r[3]) for r in rows], dtype=np.float32).reshape(n, k)
    G, _, _ = U.fuzzy_simplicial_set(X, k, np.random.RandomState(0), metric,
                                     knn_indices=idx, knn_dists=dist)
    G = G.tocsr()
    G.eliminate_zeros()
    ours = np.zeros((n, n))
    cnt = 0
    for l in open(a[1]):
        if l.startswith('graph '):
            _, i, j, w = l.split()
            ours[int(i), int(j)] = float(w)
            cnt += 1
    ref = G.toarray()
    same = cnt == G.nnz and np.array_equal(ours > 0, ref > 0)
    e = np.abs(ours - ref).max()
    ok = check(same, 'fuzzy graph: %d edges, umap-learn %d, same pattern' % (cnt, G.nnz))
    return check(e <= 1e-5, 'fuzzy graph: max |ours - umap-learn| = %.3g (tolerance 1e-5)' % e) and ok


def cmd_check_ab(a):
    import umap.umap_ as U
    ra, rb = U.find_ab_params(1.0, 0.1)
    oa, ob = map(float, open(a[0]).read().split())
    return check(abs(oa - ra) <= 1e-6 and abs(ob - rb) <= 1e-6,
                 'a, b: ours %.9g %.9g, umap-learn %.9g %.9g (tolerance 1e-6)' % (oa, ob, ra, rb))


def cmd_check_transform(a):
    import umap
    _, Xtr = read_vec(a[0])
    _, Xnew = read_vec(a[1])
    _, Etr = read_vec(a[2])
    _, Enew = read_vec(a[3])
    u = umap.UMAP(random_state=0).fit(Xtr)
    X = np.vstack([Xtr, Xnew])
    ref = trust(X, np.vstack([u.embedding_, u.transform(Xnew)]), 'euclidean')
    ours = trust(X, np.vstack([Etr, Enew]), 'euclidean')
    return check(abs(ours - ref) <= 0.01, 'transform: trustworthiness of fitted + placed points %.4f, '
                 'umap-learn %.4f (tolerance 0.01)' % (ours, ref))


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'blobs':
        from sklearn.datasets import make_blobs
        n, d, k, seed = map(int, a[:4])
        X, _ = make_blobs(n, d, centers=k, random_state=seed)
        out = sys.stdout
        out.write('#songvec dim=%d\n' % d)
        for i, r in enumerate(X.astype(np.float32)):
            out.write('s%d\t' % i + '\t'.join('%.9g' % v for v in r) + '\n')
        return True
    if cmd == 'tsne':
        _, X = read_vec(a[0])
        kl, E, t = sk_tsne(X, int(a[1]), a[2], a[3])
        print('kl %.9g trust %.6f seconds %.3f' % (kl, trust(X, E, a[3]), t))
        return True
    if cmd == 'umap':
        _, X = read_vec(a[0])
        E, t = sk_umap(X, int(a[1]), a[2])
        print('trust %.6f seconds %.3f' % (trust(X, E, a[2]), t))
        return True
    if cmd == 'trust':
        _, X = read_vec(a[0])
        _, E = read_vec(a[1])
        print('%.6f' % trust(X, E, a[2]))
        return True
    if cmd == 'check-tsne':
        _, X = read_vec(a[0])
        _, E = read_vec(a[1])
        kl, R, _ = sk_tsne(X, int(a[3]), a[4], a[5])
        to, tr, ko = trust(X, E, a[5]), trust(X, R, a[5]), our_kl(a[2])
        ok = check(abs(to - tr) <= 0.01, 'trustworthiness %.4f, sklearn %.4f (tolerance 0.01)' % (to, tr))
        return check(abs(ko - kl) <= 0.05 * kl, 'KL %.5f, sklearn %.5f (%+.2f %%, tolerance 5 %%)'
                     % (ko, kl, 100 * (ko - kl) / kl)) and ok
    if cmd == 'check-umap':
        _, X = read_vec(a[0])
        _, E = read_vec(a[1])
        R, _ = sk_umap(X, int(a[2]), a[3], warm=False)
        to, tr = trust(X, E, a[3]), trust(X, R, a[3])
        return check(abs(to - tr) <= 0.01, 'trustworthiness %.4f, umap-learn %.4f (tolerance 0.01)' % (to, tr))
    fn = {'check-p': cmd_check_p, 'check-grad': cmd_check_grad, 'check-gradbh': cmd_check_gradbh,
          'check-fuzzy': cmd_check_fuzzy, 'check-ab': cmd_check_ab,
          'check-transform': cmd_check_transform}.get(cmd)
    if not fn:
        sys.exit('map_oracle: unknown command ' + cmd)
    return fn(a)


if __name__ == '__main__':
    sys.exit(0 if main() else 1)
