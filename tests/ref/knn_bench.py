#!/usr/bin/python3
"""Benchmark helper for scripts/bench.d/47-knn.sh (one thread everywhere: run with
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1).

  gen N D SEED FILE [KEYPREFIX [DRAW]]  clustered float32 data (sqrt(N) centres,
                          spreads 0.5..1.5, from SEED) as a binary songvec stream;
                          DRAW: other points around the same centres (queries
                          from the distribution of the references)
  sklearn REFS QUERIES K  NearestNeighbors(metric='cosine', algorithm='brute')
                          .fit(refs).kneighbors(queries, K)
  faiss REFS QUERIES K    faiss IndexFlatIP on the L2-normalised vectors, add + search
  dbscan FILE EPS MIN     sklearn.cluster.DBSCAN(eps, min_samples).fit
  same OURS REFS QUERIES K  fraction of our neighbour ids equal to faiss's exact ones
                          (a tie within 1e-6 of the k-th counts as equal)
  recall EXACT APPROX     recall@k of knn -a against the exact table
  labels OURS FILE EPS MIN  1 when dbscan's labels equal sklearn's, else 0
Timings: 'wall cpu' seconds of the call only (no interpreter start, no loading)."""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import read_matrix as read_bin, write_matrix as write_bin  # noqa: E402


def gen(n, d, seed, path, prefix=b'p', draw=0, nc=None):
    rng = np.random.default_rng(seed)
    nc = nc or int(np.sqrt(n))
    cen = rng.standard_normal((nc, d)).astype(np.float32) * 2
    spread = rng.uniform(0.5, 1.5, nc).astype(np.float32)
    if draw:
        rng = np.random.default_rng([seed, draw])
    c = rng.integers(0, nc, n)
    X = cen[c] + spread[c, None] * rng.standard_normal((n, d), dtype=np.float32)
    write_bin(path, X, prefix)


def timed(f):
    """Time f on one thread: every BLAS/OpenMP pool of the process (numpy's
    OpenBLAS, faiss's OpenMP) limited to 1 and checked; CPU time is the whole
    process's (user + sys of all its threads)."""
    from threadpoolctl import threadpool_info, threadpool_limits
    with threadpool_limits(1):
        pools = [p for p in threadpool_info() if p['num_threads'] != 1]
        if pools:
            sys.exit('knn_bench: not single-threaded: %r' % pools)
        t, c = time.perf_counter(), time.process_time()
        r = f()
        print('%.4f %.4f' % (time.perf_counter() - t, time.process_time() - c))
    return r


def table(path):
    out = {}
    for line in open(path):
        if line[0] != '#':
            q, _, n, s = line.rstrip('\n').split('\t')
            out.setdefault(q, []).append((n, float(s)))
    return out


def faiss_flat(R, Q, k):
    import faiss
    faiss.omp_set_num_threads(1)
    R, Q = R.copy(), Q.copy()
    def run():
        faiss.normalize_L2(R)
        faiss.normalize_L2(Q)
        ix = faiss.IndexFlatIP(R.shape[1])
        ix.add(R)
        return ix.search(Q, k)
    return run


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'gen':
        gen(int(a[0]), int(a[1]), int(a[2]), a[3], a[4].encode() if len(a) > 4 else b'p',
            int(a[5]) if len(a) > 5 else 0, int(a[6]) if len(a) > 6 else None)
    elif cmd == 'sklearn':
        from sklearn.neighbors import NearestNeighbors
        R, Q = read_bin(a[0]), read_bin(a[1])
        nn = NearestNeighbors(metric='cosine', algorithm='brute', n_jobs=1)
        timed(lambda: nn.fit(R).kneighbors(Q, int(a[2])))
    elif cmd == 'faiss':
        timed(faiss_flat(read_bin(a[0]), read_bin(a[1]), int(a[2])))
    elif cmd == 'dbscan':
        from sklearn.cluster import DBSCAN
        X = read_bin(a[0])
        timed(lambda: DBSCAN(eps=float(a[1]), min_samples=int(a[2]), n_jobs=1).fit(X))
    elif cmd == 'same':
        k = int(a[3])
        D, I = faiss_flat(read_bin(a[1]), read_bin(a[2]), k)()
        T = table(a[0])
        same = 0
        for i, q in enumerate(sorted(T)):
            ours = {n for n, _ in T[q]}
            theirs = {'p%07d' % j for j in I[i]}
            kth = D[i][-1]
            same += len(ours & theirs) + sum(1 for n, s in T[q] if n not in theirs and abs(s - kth) < 1e-6)
        print('%.6f' % (same / (k * len(T))))
    elif cmd == 'recall':
        E, A = table(a[0]), table(a[1])
        found = sum(len({n for n, _ in E[q]} & {n for n, _ in A.get(q, [])}) for q in E)
        print('%.4f' % (found / sum(len(E[q]) for q in E)))
    elif cmd == 'labels':
        from sklearn.cluster import DBSCAN
        X = read_bin(a[1])
        lab = DBSCAN(eps=float(a[2]), min_samples=int(a[3]), n_jobs=1).fit(X).labels_
        ours = [int(float(line.split('\t')[1])) for line in open(a[0]) if line[0] != '#']
        print(int(list(lab) == ours))


if __name__ == '__main__':
    main()
