#!/usr/bin/python3
"""scikit-learn 1.2.1 oracle for kmeans(1) and elbow(1).

  blobs N D K SEED [DUP]        make_blobs data (float32) as a songvec TSV stream;
                                DUP > 0: only DUP distinct points, repeated
  init DATA K SEED [far]        K rows of DATA picked at random (initial centres);
                                far: the last two moved far away (empty clusters)
  (max_iter=100 everywhere: songvec's default, sklearn's is 300)
  check-init DATA INIT OUT ERR MODEL
                                sklearn KMeans(init=INIT, n_init=1, algorithm='lloyd')
                                on the same float32 data: labels identical, inertia
                                within 1e-6 relative, centres within 1e-5 relative
  check-ninit DATA K ERR [INIT]  sklearn KMeans(K, n_init=10, init=INIT): our inertia
                                <= sklearn's x 1.001
  check-metrics DATA OUT ELBOW_OUT_LINE
                                silhouette_score and davies_bouldin_score of our
                                labels equal ours within 1e-6 relative
  check-knee ELBOW_OUT          the '# knee=K' line is Kneedle's knee of the curve
                                (max of (1 - y_n) - x_n over the normalised curve)
  check-elbow DATA ELBOW_OUT KT for k <= KT (the number of blobs: one optimum) our
                                inertia <= sklearn KMeans(k, n_init=10)'s x 1.001;
                                for k > KT (blobs split: many local minima, the
                                result of 10 runs varies by ~0.5 % with the seed in
                                sklearn as in ours) <= the worst of sklearn's
                                random_state 0..4, x 1.001
  check-assign MODEL DATA OUT   KMeans.predict with the model's centres and
                                transform() distances: labels identical, distances
                                and confidence within 1e-5
Inertia reference: sklearn accumulates inertia in float32 (relative error ~1e-7 *
sqrt(n)); we compare with the inertia of sklearn's labels and centres recomputed in
float64, the exact value for sklearn's result.
"""
import re
import sys

import numpy as np

from common import read, write_tsv


def read_vec(path):
    keys, X, _ = read(path)
    return keys, X


def write_vec(keys, X):
    write_tsv(sys.stdout, keys, X)


def our_inertia(errpath):
    m = re.search(r'inertia ([-+0-9.eE]+)', open(errpath).read())
    if not m:
        sys.exit('no inertia in ' + errpath)
    return float(m.group(1))


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def exact_inertia(X, C, labels):
    X = X.astype(np.float64)
    C = C.astype(np.float64)
    return float(((X - C[labels]) ** 2).sum())


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'blobs':
        from sklearn.datasets import make_blobs
        n, d, k, seed = map(int, a[:4])
        dup = int(a[4]) if len(a) > 4 else 0
        X, _ = make_blobs(n_samples=dup or n, n_features=d, centers=k, cluster_std=2.0,
                          random_state=seed)
        if dup:
            X = X[np.arange(n) % dup]
        write_vec(['p%d' % i for i in range(n)], X.astype(np.float32))
        return
    if cmd == 'init':
        _, X = read_vec(a[0])
        k, seed = int(a[1]), int(a[2])
        idx = np.random.RandomState(seed).permutation(len(X))[:k]
        C = X[idx].copy()
        if len(a) > 3 and a[3] == 'far':  # two centres far away: empty clusters to relocate
            C[-2:] = C[-2:] + np.float32(1000)
        write_vec(['c%d' % i for i in range(k)], C)
        return
    from sklearn.cluster import KMeans
    if cmd == 'check-init':
        _, X = read_vec(a[0])
        _, C0 = read_vec(a[1])
        _, out = read_vec(a[2])
        _, model = read_vec(a[4])
        km = KMeans(len(C0), init=C0, n_init=1, max_iter=100, algorithm='lloyd').fit(X)
        ours = out[:, 0].astype(int)
        nd = int((ours != km.labels_).sum())
        ref = exact_inertia(X, km.cluster_centers_, km.labels_)
        mine = our_inertia(a[3])
        cr = np.abs(model - km.cluster_centers_).max() / np.abs(km.cluster_centers_).max()
        print('labels differing: %d of %d; inertia ours %.10g sklearn %.10g (float32 %.10g) '
              'rel %.2e; centres max rel %.2e; n_iter %d'
              % (nd, len(X), mine, ref, km.inertia_, rel(mine, ref), cr, km.n_iter_))
        ok = nd == 0 and rel(mine, ref) <= 1e-6 and cr <= 1e-5
        # our distances are exact: check them against the labels and centres too
        dist = np.sqrt(((X.astype(np.float64) - model.astype(np.float64)[ours]) ** 2).sum(1))
        ok = ok and np.allclose(out[:, 1], dist, rtol=1e-5, atol=1e-5)
        sys.exit(0 if ok else 1)
    if cmd == 'check-ninit':
        _, X = read_vec(a[0])
        init = a[3] if len(a) > 3 else 'k-means++'
        km = KMeans(int(a[1]), init=init, n_init=10, max_iter=100, algorithm='lloyd',
                    random_state=0).fit(X)
        ref = exact_inertia(X, km.cluster_centers_, km.labels_)
        mine = our_inertia(a[2])
        print('inertia ours %.10g sklearn %.10g ratio %.6f' % (mine, ref, mine / ref))
        sys.exit(0 if mine <= ref * 1.001 else 1)
    if cmd == 'check-metrics':
        from sklearn.metrics import davies_bouldin_score, silhouette_score
        _, X = read_vec(a[0])
        _, out = read_vec(a[1])
        sil, db = float(a[2]), float(a[3])
        lab = out[:, 0].astype(int)
        # float64 copy of the same float32 points: sklearn's most accurate result
        X = X.astype(np.float64)
        rs, rd = silhouette_score(X, lab), davies_bouldin_score(X, lab)
        print('silhouette ours %.10g sklearn %.10g rel %.2e; davies_bouldin ours %.10g '
              'sklearn %.10g rel %.2e' % (sil, rs, rel(sil, rs), db, rd, rel(db, rd)))
        # our values are printed as float32 (%.9g): 6e-8 relative
        sys.exit(0 if rel(sil, rs) <= 1e-6 and rel(db, rd) <= 1e-6 else 1)
    if cmd == 'check-knee':
        lines = open(a[0]).read().splitlines()
        knee = lines[0].split('=')[1]
        rows = np.array([[float(v) for v in l.split('\t')[:2]] for l in lines
                         if not l.startswith('#')])
        x, y = rows[:, 0], rows[:, 1]
        xn = (x - x.min()) / (x.max() - x.min())
        yn = (y - y.min()) / (y.max() - y.min())
        diff = (1 - yn) - xn
        want = '%d' % x[int(np.argmax(diff))] if diff.max() > 0 else 'none'
        print('knee ours %s, Kneedle %s' % (knee, want))
        sys.exit(0 if knee == want else 1)
    if cmd == 'check-elbow':
        _, X = read_vec(a[0])
        kt = int(a[2])
        bad = 0
        for l in open(a[1]):
            if l.startswith('#'):
                continue
            k, mine = l.split('\t')[:2]
            k, mine = int(k), float(mine)
            refs = []
            for rs in range(1 if k <= kt else 5):
                km = KMeans(k, n_init=10, max_iter=100, algorithm='lloyd',
                            random_state=rs).fit(X)
                refs.append(exact_inertia(X, km.cluster_centers_, km.labels_))
            if k <= kt:
                print('k=%d inertia ours %.9g sklearn %.9g ratio %.6f' % (k, mine, refs[0],
                      mine / refs[0]))
                bad += mine > refs[0] * 1.001
            else:
                print('k=%d inertia ours %.9g sklearn random_state 0..4: %s; %d of 5 better'
                      % (k, mine, ' '.join('%.9g' % r for r in refs),
                         sum(r < mine for r in refs)))
                bad += mine > max(refs) * 1.001
        sys.exit(1 if bad else 0)
    if cmd == 'check-assign':
        _, C = read_vec(a[0])
        _, X = read_vec(a[1])
        _, out = read_vec(a[2])
        km = KMeans(len(C), init=C, n_init=1).fit(C)  # fitted object; centres set below
        km.cluster_centers_ = C
        lab = km.predict(X)
        T = np.sort(km.transform(X.astype(np.float64)), axis=1)
        d1 = np.sqrt(((X.astype(np.float64) - C.astype(np.float64)[lab]) ** 2).sum(1))
        conf = np.clip(1 - T[:, 0] / T[:, 1], 0, 1) if len(C) > 1 else np.ones(len(X))
        nd = int((out[:, 0].astype(int) != lab).sum())
        print('labels differing %d; max |dist| err %.2e; max |conf| err %.2e'
              % (nd, np.abs(out[:, 1] - d1).max(), np.abs(out[:, 2] - conf).max()))
        ok = nd == 0 and np.allclose(out[:, 1], d1, rtol=1e-5, atol=1e-5) \
            and np.allclose(out[:, 2], conf, rtol=1e-5, atol=1e-5)
        sys.exit(0 if ok else 1)
    sys.exit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
