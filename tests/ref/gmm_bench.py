#!/usr/bin/python3
"""Benchmark helper for scripts/bench.d/60-clusterers.sh: gmm.

  gen N D K SEED BOX FILE   K Gaussian blobs (std 1, centres in [-BOX, BOX]^D) through
                            a random linear map (overlapping anisotropic clusters),
                            float32, as a binary songvec stream
  init FILE K SEED OUT      K rows picked at random: the k-means' initial centres
  fit FILE INIT COV         time sklearn GaussianMixture(covariance_type=COV) whose
                            k-means initialisation (KMeans(init=INIT, n_init=1))
                            starts from INIT, as gmm -I INIT does
Prints 'seconds cpu_seconds n_iter lower_bound' (the fit only, k-means included;
cpu = process time of all threads)."""
import os
import sys
import time
import types

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kmeans_bench import read_bin, write_bin  # noqa: E402


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'gen':
        from sklearn.datasets import make_blobs
        n, d, k, seed = map(int, a[:4])
        X, _ = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=1.0,
                          center_box=(-float(a[4]), float(a[4])), random_state=seed)
        A = np.random.RandomState(seed).normal(size=(d, d))
        write_bin(a[5], (X @ A).astype(np.float32))
        return
    if cmd == 'init':
        X = read_bin(a[0])
        idx = np.random.RandomState(int(a[2])).permutation(len(X))[:int(a[1])]
        write_bin(a[3], X[idx])
        return
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture
    X = read_bin(a[0])
    C0 = read_bin(a[1])
    k = len(C0)

    def init(self, Xf, random_state):
        lab = KMeans(k, init=C0, n_init=1).fit(Xf).labels_
        resp = np.zeros((len(Xf), k))
        resp[np.arange(len(Xf)), lab] = 1
        self._initialize(Xf, resp)
    gm = GaussianMixture(k, covariance_type=a[2])
    gm._initialize_parameters = types.MethodType(init, gm)
    t, c = time.perf_counter(), time.process_time()
    gm.fit(X)
    print('%.4f %.4f %d %.9g' % (time.perf_counter() - t, time.process_time() - c, gm.n_iter_,
                                 gm.lower_bound_))


if __name__ == '__main__':
    main()
