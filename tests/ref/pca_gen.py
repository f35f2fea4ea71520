"""pca_gen.py KIND N D SEED OUT — test data sets for pca/weight (TSV unless OUT ends
in .vec: binary).  Keys are r000000...; columns c0..c{D-1} (KIND 'song' uses D=223).
KIND: gauss  correlated Gaussian with a decaying spectrum (full rank)
      lowrank rank min(8, D-1) plus a constant offset per column
      song   positive, song-vector-like scales, (use with weight)
      dirty  like song with NaN/+inf/-inf sprinkled (1 %) and a column all NaN
"""
import sys
import numpy as np
from common import write_bin, write_tsv

kind, n, d, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rng = np.random.default_rng(seed)
if kind == 'gauss':
    spec = np.exp(-np.arange(d) / max(d / 6, 1.0)) * 10 + 0.05
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    X = rng.normal(size=(n, d)) * np.sqrt(spec) @ Q.T + rng.normal(size=d) * 3
elif kind == 'lowrank':
    r = min(8, d - 1)
    X = rng.normal(size=(n, r)) * np.linspace(3, 1, r) @ rng.normal(size=(r, d)) + rng.normal(size=d) * 5
elif kind in ('song', 'dirty'):
    scales = np.exp(rng.uniform(-3, 6, size=d))
    latent = rng.normal(size=(n, 12)) @ rng.normal(size=(12, d))
    X = np.abs(latent + rng.normal(size=(n, d))) * scales + scales
    X[:, d // 2] = 7.25  # a constant column
    if kind == 'dirty':
        m = rng.random(size=(n, d))
        X[m < 0.006] = np.nan
        X[(m >= 0.006) & (m < 0.008)] = np.inf
        X[(m >= 0.008) & (m < 0.01)] = -np.inf
        X[:, 1] = np.nan  # no finite value at all
else:
    sys.exit('pca_gen.py: unknown kind ' + kind)
keys = ['r%06d' % i for i in range(n)]
cols = ['c%d' % j for j in range(d)]
(write_bin if out.endswith('.vec') else write_tsv)(out, keys, X.astype(np.float32), cols)
