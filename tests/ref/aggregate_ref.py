#!/usr/bin/python3
"""Oracle for tests/aggregate.test.

  aggregate_ref.py make N_SONGS DIM SEED > in.tsv
      random segment records song<i>#<n> (1..7 segments), some NaN and repeated values
  aggregate_ref.py check STATS in.tsv < out.tsv
      aggregate's output equals NumPy's nan-aware statistics per song (float64, then
      float32): mean, std (ddof 0), min, max, median, pNN (linear), count; compared
      within 2 float32 ulps (relative 2.4e-7) or exactly for NaN.
"""
import sys

import numpy as np

from common import read_text as read


def make(n, dim, seed):
    rng = np.random.default_rng(seed)
    print('#key\t' + '\t'.join('f%d' % j for j in range(dim)))
    for i in range(n):
        for s in range(rng.integers(1, 8)):
            v = rng.normal(0, 10, dim).astype(np.float32)
            v[rng.random(dim) < 0.1] = np.nan
            if rng.random() < 0.3:
                v[0] = 1.5
            print('song%d#%d\t' % (i, s) + '\t'.join('%.9g' % x for x in v))


def stat(name, x):
    x = x[~np.isnan(x)]
    if name == 'count':
        return len(x)
    if len(x) == 0:
        return np.nan
    if name == 'mean':
        return np.mean(x)
    if name == 'std':
        return np.std(x)
    if name == 'min':
        return np.min(x)
    if name == 'max':
        return np.max(x)
    if name == 'median':
        return np.median(x)
    return np.percentile(x, float(name[1:]))


def check(stats, path):
    stats = stats.split(',')
    with open(path) as f:
        icols, ikeys, x = read(f)
    ocols, okeys, y = read(sys.stdin)
    songs = []
    for k in ikeys:
        s = k.rsplit('#', 1)[0]
        if not songs or songs[-1] != s:
            songs.append(s)
    if okeys != songs:
        print('keys', okeys[:5], 'want', songs[:5])
        return 1
    want_cols = ['%s_%s' % (c, s) for c in icols for s in stats]
    if ocols != want_cols:
        print('columns', ocols[:5], 'want', want_cols[:5])
        return 1
    bad = 0
    for r, song in enumerate(songs):
        rows = x[[i for i, k in enumerate(ikeys) if k.rsplit('#', 1)[0] == song]]
        for j in range(x.shape[1]):
            for si, s in enumerate(stats):
                w = np.float32(stat(s, rows[:, j]))
                g = np.float32(y[r, j * len(stats) + si])
                if np.isnan(w) and np.isnan(g):
                    continue
                if not abs(g - w) <= 2.4e-7 * abs(w) + 1e-30 * (w == 0) and g != w:
                    if bad < 10:
                        print(song, icols[j], s, 'got', g, 'want', w)
                    bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        make(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        sys.exit(0)
    sys.exit(check(sys.argv[2], sys.argv[3]))
