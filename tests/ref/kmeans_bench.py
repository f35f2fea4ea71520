#!/usr/bin/python3
"""Benchmark helper for scripts/bench.d/45-kmeans.sh.

  gen N D K SEED FILE     make_blobs float32 data as a binary songvec stream
  kmeans FILE K NINIT [SEED]  time sklearn KMeans(K, n_init=NINIT, max_iter=100,
                          random_state=SEED (0)).fit
  elbow FILE KMIN KMAX    time the sklearn loop over k (n_init=10, max_iter=100)
Prints 'seconds inertia cpu_seconds iterations' (the fit only: loading is not timed;
cpu = process time of all threads, fairer than wall time on a loaded machine;
iterations = Lloyd iterations summed over all runs of all fits)."""
import struct
import sys
import time

import numpy as np


def write_bin(path, X, prefix=b'p'):
    n, d = X.shape
    with open(path, 'wb') as f:
        f.write(b'\0SVB' + struct.pack('<IIdI', 1, d, 0.0, 0))
        rec = np.empty(n, dtype=[('kl', '<u4'), ('key', 'S8'), ('n', '<u4'), ('v', '<f4', d)])
        rec['kl'] = 8
        rec['key'] = [prefix + b'%07d' % i for i in range(n)]
        rec['n'] = d
        rec['v'] = X
        f.write(rec.tobytes())


def read_bin(path):
    b = open(path, 'rb').read()
    assert b[:4] == b'\0SVB'
    _, d, _, nc = struct.unpack('<IIdI', b[4:24])
    assert nc == 0
    dt = np.dtype([('kl', '<u4'), ('key', 'S8'), ('n', '<u4'), ('v', '<f4', d)])
    return np.frombuffer(b[24:], dtype=dt)['v'].copy()


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'gen':
        from sklearn.datasets import make_blobs
        n, d, k, seed = map(int, a[:4])
        X, _ = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=4.0,
                          random_state=seed)
        write_bin(a[4], X.astype(np.float32))
        return
    from sklearn.cluster import KMeans
    import sklearn.cluster._kmeans as skk
    iters = [0]
    lloyd = skk._kmeans_single_lloyd

    def counted(*args, **kw):
        r = lloyd(*args, **kw)
        iters[0] += r[3]
        return r
    skk._kmeans_single_lloyd = counted
    X = read_bin(a[0])
    t, c = time.perf_counter(), time.process_time()
    if cmd == 'kmeans':
        km = KMeans(int(a[1]), n_init=int(a[2]), max_iter=100, algorithm='lloyd',
                    random_state=int(a[3]) if len(a) > 3 else 0).fit(X)
    elif cmd == 'elbow':
        for k in range(int(a[1]), int(a[2]) + 1):
            km = KMeans(k, n_init=10, max_iter=100, algorithm='lloyd', random_state=0).fit(X)
    print('%.4f %.9g %.4f %d' % (time.perf_counter() - t, km.inertia_, time.process_time() - c,
                                 iters[0]))


if __name__ == '__main__':
    main()
