#!/usr/bin/python3
"""scikit-learn 1.2.1 oracle for clmetrics(1) (sklearn.metrics).

  truth DATA K SEED             a key<TAB>label file: K classes (strings g0..) drawn
                                at random for the records of DATA
  noisy LABELS P SEED COL       the cluster ids of LABELS (value column COL), a
                                fraction P of them replaced at random: a labeling
                                that partly agrees, as key<TAB>label
  check LABELS DATA TRUTH OUT [COL [SAMPLE SEED]]
                                silhouette_score, davies_bouldin_score and
                                calinski_harabasz_score (on the float64 copy of
                                the float32 points), adjusted_rand_score,
                                normalized_mutual_info_score,
                                adjusted_mutual_info_score,
                                homogeneity_completeness_v_measure and purity
                                (contingency_matrix: sum of column maxima / n) of
                                the same labels equal ours within 1e-9 relative
                                (1e-12 absolute near 0).  SAMPLE: the silhouette of
                                the records our generator draws (xoshiro256**, the
                                partial Fisher-Yates of metrics_silhouette_sampled,
                                replicated here), as silhouette_score(sample_size)
                                would with the same sample.
Either DATA or TRUTH may be '-' (not given).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kmeans_oracle import read_vec  # noqa: E402

M64 = (1 << 64) - 1


def splitmix64(s):
    s = (s + 0x9e3779b97f4a7c15) & M64
    z = s
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return s, z ^ (z >> 31)


class Rng:
    """core/rng.c: xoshiro256** seeded by splitmix64 from (seed, stream)"""

    def __init__(self, seed, stream=0):
        s = (seed ^ ((stream * 0xd1b54a32d192ed03) & M64)) & M64
        s, _ = splitmix64(s)
        self.s = []
        for _ in range(4):
            s, z = splitmix64(s)
            self.s.append(z)

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & M64  # noqa: E731
        res = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return res

    def below(self, n):
        if n <= 1:
            return 0
        lim = ((1 << 64) - n) % n
        while True:
            v = self.next()
            if v >= lim:
                return v % n


def sample_indices(n, size, seed):
    r = Rng(seed)
    idx = list(range(n))
    for i in range(size):
        j = i + r.below(n - i)
        idx[i], idx[j] = idx[j], idx[i]
    return np.array(idx[:size])


def read_tsv_labels(path):
    d = {}
    for line in open(path):
        if line.startswith('#') or not line.strip():
            continue
        p = line.rstrip('\n').split('\t')
        d[p[0]] = p[1]
    return d


def close(ours, ref):
    return abs(ours - ref) <= max(1e-9 * abs(ref), 1e-12)


def check(a):
    from sklearn import metrics
    from sklearn.metrics.cluster import contingency_matrix
    keys, L = read_vec(a[0])
    ours = {}
    for line in open(a[3]):
        name, v = line.split('\t')
        ours[name] = float(v)
    col = int(a[4]) - 1 if len(a) > 4 else 0
    lab = L[:, col].astype(int)
    ref = {}
    if a[1] != '-':
        _, X = read_vec(a[1])
        X = X.astype(np.float64)
        if len(a) > 5:
            idx = sample_indices(len(X), int(a[5]), int(a[6]))
            ref['silhouette'] = metrics.silhouette_score(X[idx], lab[idx])
        else:
            ref['silhouette'] = metrics.silhouette_score(X, lab)
        ref['davies_bouldin'] = metrics.davies_bouldin_score(X, lab)
        ref['calinski_harabasz'] = metrics.calinski_harabasz_score(X, lab)
    if a[2] != '-':
        t = read_tsv_labels(a[2])
        truth = np.array([t[k] for k in keys])
        ref['ari'] = metrics.adjusted_rand_score(truth, lab)
        ref['nmi'] = metrics.normalized_mutual_info_score(truth, lab)
        ref['ami'] = metrics.adjusted_mutual_info_score(truth, lab)
        h, c, v = metrics.homogeneity_completeness_v_measure(truth, lab)
        ref['homogeneity'], ref['completeness'], ref['v_measure'] = h, c, v
        cm = contingency_matrix(truth, lab)
        ref['purity'] = np.sum(np.amax(cm, axis=0)) / np.sum(cm)
    bad = 0
    for name, r in ref.items():
        o = ours.get(name)
        ok = o is not None and close(o, r)
        print('%-18s ours %.17g sklearn %.17g%s' % (name, o if o is not None else float('nan'),
                                                  r, '' if ok else '  <- DIFFERS'))
        bad += not ok
    if set(ours) != set(ref):
        print('metrics ours %s, expected %s' % (sorted(ours), sorted(ref)))
        bad += 1
    sys.exit(1 if bad else 0)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'truth':
        keys, _ = read_vec(a[0])
        rs = np.random.RandomState(int(a[2]))
        for k, c in zip(keys, rs.randint(0, int(a[1]), len(keys))):
            print('%s\tg%d' % (k, c))
        return
    if cmd == 'noisy':
        keys, L = read_vec(a[0])
        lab = L[:, int(a[3]) - 1].astype(int)
        rs = np.random.RandomState(int(a[2]))
        flip = rs.random_sample(len(lab)) < float(a[1])
        lab[flip] = rs.randint(0, lab.max() + 1, flip.sum())
        for k, c in zip(keys, lab):
            print('%s\t%d' % (k, c))
        return
    if cmd == 'check':
        check(a)
        return
    sys.exit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
