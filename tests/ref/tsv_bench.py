#!/usr/bin/python3
"""Benchmark helper for scripts/bench.d/15-tsv.sh: the Python side of TSV streams.

  loadtxt FILE           np.loadtxt(FILE, float32) of a songvec TSV stream
  pca FILE OUT           loadtxt + PCA(n_components=0.93, svd_solver='full')
                         .fit_transform + np.savetxt(OUT, '%.9g')
  kmeans FILE OUT        loadtxt + KMeans(8, n_init=10, max_iter=100, tol=1e-4)
                         .fit + labels and distances + np.savetxt(OUT)
Prints 'seconds cpu_seconds [k]': wall and process time of all threads from the
first byte read to the last written (imports and interpreter start not counted,
which favours Python)."""
import sys
import time

import numpy as np


def load(path):
    with open(path) as f:  # the key column and the header lines are skipped
        for line in f:
            if not line.startswith('#'):
                d = line.count('\t')
                break
    return np.loadtxt(path, dtype=np.float32, delimiter='\t', comments='#',
                      usecols=range(1, d + 1))


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'pca':
        from sklearn.decomposition import PCA
    elif cmd == 'kmeans':
        from sklearn.cluster import KMeans
    t, c = time.perf_counter(), time.process_time()
    X = load(a[0])
    extra = ''
    if cmd == 'pca':
        Y = PCA(n_components=0.93, svd_solver='full').fit_transform(X)
        np.savetxt(a[1], Y, fmt='%.9g', delimiter='\t')
        extra = ' %d' % Y.shape[1]
    elif cmd == 'kmeans':
        km = KMeans(8, n_init=10, max_iter=100, tol=1e-4, random_state=0).fit(X)
        dist = km.transform(X).min(axis=1)
        np.savetxt(a[1], np.column_stack([km.labels_, dist]), fmt='%.9g', delimiter='\t')
    print('%.4f %.4f%s' % (time.perf_counter() - t, time.process_time() - c, extra))


if __name__ == '__main__':
    main()
