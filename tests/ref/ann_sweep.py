#!/usr/bin/python3
"""Choosing knn -a's defaults: recall@10 and search time of hnswlib's HNSW (the
library knn -a uses, Debian python3-hnswlib, the same 0.6.2 as libhnswlib-dev) over
M and ef_search, against an exact table, one thread.

  ann_sweep.py REFS QUERIES EXACT M[,M...] EF[,EF...] [EFC [SEED]]

REFS, QUERIES: songvec streams (as scripts/bench.d/47-knn.sh writes them); EXACT:
knn's exact table for them (k = 10, cosine).  One graph per M (ef_construction EFC,
default 100 as knn -a; inserted in order on one thread as knn -a -j 1 does), then
every ef on it.  Prints 'M m efc e ef f build B search S recall R', B and S in CPU
seconds (search: all the queries)."""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import read_matrix  # noqa: E402


def exact_ids(path, nq, k):
    """Exact neighbour indices (nq x k) from knn's table (ids p0000123)."""
    G = np.full((nq, k), -1, dtype=np.int64)
    rank = {}
    q = -1
    last = None
    for line in open(path):
        if line[0] == '#':
            continue
        qk, _, n, _ = line.rstrip('\n').split('\t')
        if qk != last:
            q, last = q + 1, qk
            rank[q] = 0
        G[q, rank[q]] = int(n[1:])
        rank[q] += 1
    return G


def unit(x):
    n = np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)
    n[n == 0] = 1
    return (x / n).astype(np.float32)


def main():
    import hnswlib
    refs, queries, exact, ms, efs = sys.argv[1:6]
    efc = int(sys.argv[6]) if len(sys.argv) > 6 else 100
    seed = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    X, Q = unit(read_matrix(refs)), unit(read_matrix(queries))
    G = exact_ids(exact, len(Q), 10)
    for m in map(int, ms.split(',')):
        p = hnswlib.Index(space='ip', dim=X.shape[1])
        p.init_index(max_elements=len(X), ef_construction=efc, M=m, random_seed=seed)
        c = time.process_time()
        p.add_items(X, np.arange(len(X)), num_threads=1)
        tb = time.process_time() - c
        for ef in map(int, efs.split(',')):
            p.set_ef(ef)
            c = time.process_time()
            I, _ = p.knn_query(Q, k=10, num_threads=1)
            ts = time.process_time() - c
            r = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, G)])
            print(f"M {m} efc {efc} ef {ef} build {tb:.1f} search {ts:.2f} recall {r:.4f}",
                  flush=True)


if __name__ == '__main__':
    main()
