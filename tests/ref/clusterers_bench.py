#!/usr/bin/python3
"""Benchmark helper for scripts/bench.d/60-clusterers.sh (gmm, hclust, clmetrics).

  gen N D K SEED BOX FILE   K Gaussian blobs (std 1, centres in [-BOX, BOX]^D) through
                            a random linear map (overlapping anisotropic clusters),
                            float32, as a binary songvec stream
  init FILE K SEED OUT      K rows picked at random: the k-means' initial centres
  gmm FILE INIT COV         time sklearn GaussianMixture(covariance_type=COV) whose
                            k-means initialisation (KMeans(init=INIT, n_init=1))
                            starts from INIT, as gmm -I INIT does; prints
                            'seconds cpu_seconds n_iter lower_bound'
  agglo FILE K LINKAGE      time AgglomerativeClustering(K, linkage=LINKAGE).fit;
                            prints 'seconds cpu_seconds'
  metrics FILE LABELS TRUTH time silhouette_score, davies_bouldin_score and
                            calinski_harabasz_score of LABELS (a TSV stream) on the
                            data, and adjusted_rand, NMI, AMI, V-measure against
                            TRUTH (key<TAB>label); prints 'seconds cpu_seconds'
The fits only: loading is not timed; cpu = process time of all threads."""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gmm_oracle import given_kmeans_init  # noqa: E402
from common import read_matrix as read_bin, write_matrix as write_bin  # noqa: E402


def timed(fn):
    t, c = time.perf_counter(), time.process_time()
    r = fn()
    return time.perf_counter() - t, time.process_time() - c, r


def gmm(a):
    from sklearn.mixture import GaussianMixture
    X = read_bin(a[0])
    C0 = read_bin(a[1])
    gm = given_kmeans_init(GaussianMixture(len(C0), covariance_type=a[2]), C0, X)
    w, c, _ = timed(lambda: gm.fit(X))
    print('%.4f %.4f %d %.9g' % (w, c, gm.n_iter_, gm.lower_bound_))


def metrics(a):
    from sklearn import metrics as m
    X = read_bin(a[0])
    lab = np.array([int(float(l.split('\t')[1])) for l in open(a[1]) if not l.startswith('#')])
    truth = np.array([l.rstrip('\n').split('\t')[1] for l in open(a[2])])

    def run():
        m.silhouette_score(X, lab)
        m.davies_bouldin_score(X, lab)
        m.calinski_harabasz_score(X, lab)
        m.adjusted_rand_score(truth, lab)
        m.normalized_mutual_info_score(truth, lab)
        m.adjusted_mutual_info_score(truth, lab)
        m.homogeneity_completeness_v_measure(truth, lab)
    w, c, _ = timed(run)
    print('%.4f %.4f' % (w, c))


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'gen':
        from sklearn.datasets import make_blobs
        n, d, k, seed = map(int, a[:4])
        X, _ = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=1.0,
                          center_box=(-float(a[4]), float(a[4])), random_state=seed)
        A = np.random.RandomState(seed).normal(size=(d, d))
        write_bin(a[5], (X @ A).astype(np.float32))
    elif cmd == 'init':
        X = read_bin(a[0])
        idx = np.random.RandomState(int(a[2])).permutation(len(X))[:int(a[1])]
        write_bin(a[3], X[idx])
    elif cmd == 'gmm':
        gmm(a)
    elif cmd == 'agglo':
        from sklearn.cluster import AgglomerativeClustering
        X = read_bin(a[0])
        w, c, _ = timed(lambda: AgglomerativeClustering(int(a[1]), linkage=a[2]).fit(X))
        print('%.4f %.4f' % (w, c))
    elif cmd == 'metrics':
        metrics(a)
    else:
        sys.exit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
