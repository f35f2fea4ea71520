#!/usr/bin/python3
"""Timing references for scripts/bench.d/55-maps.sh (one thread: the caller sets
OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and NUMBA_NUM_THREADS to 1).

  tsne DATA            sklearn TSNE() (Barnes-Hut, the defaults map uses) timed
                       around fit_transform: 'wall W cpu C kl K trust T'
  umap DATA            umap.UMAP(random_state=0) timed around fit_transform after
                       a warm-up fit on 300 points (numba compiles once per
                       process; the cold time is printed too): 'wall W cpu C
                       trust T cold C'
  trust DATA MAP       trustworthiness (10 neighbours) of a map"""
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings('ignore')
sys.path.insert(0, __file__.rsplit('/', 1)[0])
from map_oracle import read_vec, trust  # noqa: E402


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    r = fn()
    return r, time.perf_counter() - w, time.process_time() - c


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    _, X = read_vec(a[0])
    if cmd == 'tsne':
        from sklearn.manifold import TSNE
        ts = TSNE(random_state=0)
        E, w, c = timed(lambda: ts.fit_transform(X))
        print('wall %.3f cpu %.3f kl %.6f trust %.6f' % (w, c, ts.kl_divergence_, trust(X, E, 'euclidean')))
    elif cmd == 'umap':
        import umap
        _, cold, _ = timed(lambda: umap.UMAP(random_state=0, n_epochs=5).fit_transform(X[:300]))
        E, w, c = timed(lambda: umap.UMAP(random_state=0).fit_transform(X))
        print('wall %.3f cpu %.3f trust %.6f cold %.3f' % (w, c, trust(X, E, 'euclidean'), cold))
    elif cmd == 'trust':
        _, E = read_vec(a[1])
        print('%.6f' % trust(X, E, 'euclidean'))


if __name__ == '__main__':
    main()
