#!/usr/bin/python3
"""Which approximate index for knn -a: faiss (IVF-Flat, HNSW) against hnswlib, one
thread, recall@10 against exact search, on clustered data shaped like song vectors.

  ann_compare.py N D NQ [SEED]

Data: N references + NQ queries, D dimensions, drawn around sqrt(N) centres with
per-centre spreads (a mixture, as embeddings of songs of many styles are), cosine
(normalised, inner product).  Prints one line per index and setting: build seconds,
search seconds for the NQ queries, recall@10 (the fraction of the exact 10 nearest
found), all CPU time of one thread."""
import sys
import time

import numpy as np


def data(n, d, nq, seed):
    rng = np.random.default_rng(seed)
    nc = int(np.sqrt(n))
    cen = rng.standard_normal((nc, d)).astype(np.float32)
    spread = rng.uniform(0.3, 1.0, nc).astype(np.float32)
    def draw(m):
        c = rng.integers(0, nc, m)
        return cen[c] + spread[c, None] * rng.standard_normal((m, d), dtype=np.float32)
    X, Q = draw(n), draw(nq)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    Q /= np.linalg.norm(Q, axis=1, keepdims=True)
    return X, Q


def recall(I, G):
    return np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, G)])


def timed(f):
    c = time.process_time()
    r = f()
    return r, time.process_time() - c


def main():
    import faiss
    faiss.omp_set_num_threads(1)
    n, d, nq = map(int, sys.argv[1:4])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    X, Q = data(n, d, nq, seed)
    flat = faiss.IndexFlatIP(d)
    flat.add(X)
    (_, G), t = timed(lambda: flat.search(Q, 10))
    print(f"exact IndexFlatIP: search {t:.2f}s", flush=True)
    nlist = int(4 * np.sqrt(n))
    quant = faiss.IndexFlatIP(d)
    ivf = faiss.IndexIVFFlat(quant, d, nlist, faiss.METRIC_INNER_PRODUCT)
    _, tb = timed(lambda: (ivf.train(X), ivf.add(X)))
    for nprobe in (8, 16, 32, 64):
        ivf.nprobe = nprobe
        (_, I), t = timed(lambda: ivf.search(Q, 10))
        print(f"faiss IVF-Flat nlist {nlist} nprobe {nprobe}: build {tb:.2f}s search {t:.2f}s recall@10 {recall(I, G):.4f}", flush=True)
    hn = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
    hn.hnsw.efConstruction = 80
    _, tb = timed(lambda: hn.add(X))
    for ef in (32, 64, 128):
        hn.hnsw.efSearch = ef
        (_, I), t = timed(lambda: hn.search(Q, 10))
        print(f"faiss HNSW32 efC 80 efSearch {ef}: build {tb:.2f}s search {t:.2f}s recall@10 {recall(I, G):.4f}", flush=True)
    try:
        import hnswlib
    except ImportError:
        print("hnswlib: not installed (Debian python3-hnswlib)")
        return
    p = hnswlib.Index(space='ip', dim=d)
    p.init_index(max_elements=n, ef_construction=80, M=16, random_seed=seed)
    p.set_num_threads(1)
    _, tb = timed(lambda: p.add_items(X, np.arange(n), num_threads=1))
    for ef in (32, 64, 128):
        p.set_ef(ef)
        (I, _), t = timed(lambda: p.knn_query(Q, k=10, num_threads=1))
        print(f"hnswlib M 16 efC 80 ef {ef}: build {tb:.2f}s search {t:.2f}s recall@10 {recall(I, G):.4f}", flush=True)


if __name__ == '__main__':
    main()
