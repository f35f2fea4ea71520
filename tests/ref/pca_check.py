"""pca_check.py FIT OUT [--k K | --v V] [--whiten] [--model M] [--table T] [--apply NEW]

Oracle for pca(1): scikit-learn's PCA(n_components, svd_solver='full', whiten) fitted
on FIT (the float32 values widened to float64).  Checks, with these tolerances:
  - the number of components equals n_components_ (exactly);
  - OUT (pca's scores of FIT, or of NEW with --apply) equals fit_transform / transform
    within 1e-4 absolute, signs included;
  - the table (-e) ratios equal explained_variance_ratio_ of all min(n,d) components
    within 1e-6 absolute, and its kept column matches;
  - the model (-m): mean within 1e-9, components within 1e-6, variances within 1e-6
    relative to the largest.
"""
import sys
import argparse
import numpy as np
from sklearn.decomposition import PCA
from common import read, read_model

ap = argparse.ArgumentParser()
ap.add_argument('fit')
ap.add_argument('out')
ap.add_argument('--k', type=int)
ap.add_argument('--v', type=float, default=0.93)
ap.add_argument('--whiten', action='store_true')
ap.add_argument('--model')
ap.add_argument('--table')
ap.add_argument('--apply')
a = ap.parse_args()

keys, X, cols = read(a.fit)
X = X.astype(np.float64)
n, d = X.shape
p = PCA(n_components=a.k if a.k else a.v, svd_solver='full', whiten=a.whiten)
ref = p.fit_transform(X.copy())
if a.apply:
    keys, N, _ = read(a.apply)
    ref = p.transform(N.astype(np.float64))
k = p.n_components_
fail = []
report = ['n=%d d=%d k=%d' % (n, d, k)]

okeys, O, ocols = read(a.out)
if O.shape[1] != k:
    fail.append('%d components, sklearn keeps %d' % (O.shape[1], k))
elif O.shape[0] != ref.shape[0] or okeys != keys:
    fail.append('keys or record count differ')
else:
    err = np.abs(O - ref).max()
    report.append('scores %.3g (tol 1e-4)' % err)
    if not err <= 1e-4:
        fail.append('scores differ by %.3g' % err)
    if ocols != ['pc%d' % (j + 1) for j in range(k)]:
        fail.append('output columns are not pc1..pc%d' % k)

if a.table:
    full = PCA(svd_solver='full').fit(X.copy())
    T = np.loadtxt(a.table, comments='#', ndmin=2)
    if T.shape[0] != len(full.explained_variance_ratio_):
        fail.append('table has %d rows, expected %d' % (T.shape[0], len(full.explained_variance_ratio_)))
    else:
        err = np.abs(T[:, 1] - full.explained_variance_ratio_).max()
        cerr = np.abs(T[:, 2] - np.cumsum(full.explained_variance_ratio_)).max()
        report.append('ratio %.3g cumulative %.3g (tol 1e-6)' % (err, cerr))
        if not (err <= 1e-6 and cerr <= 1e-6):
            fail.append('explained variance ratio differs by %.3g' % max(err, cerr))
        if T[:, 4].sum() != k or not np.all(T[:k, 4] == 1):
            fail.append('kept column disagrees with k=%d' % k)

if a.model:
    rows, model = read_model(a.model)
    if model != 'pca':
        fail.append('model= is %r' % model)
    C = np.array([rows.get('pc%d' % (j + 1), np.zeros(d)) for j in range(k)])
    if 'pc%d' % (k + 1) in rows:
        fail.append('model has more than %d components' % k)
    merr = np.abs(rows['mean'] - p.mean_).max()
    cerr = np.abs(C - p.components_).max()
    verr = np.abs(rows['variance'][:k] - p.explained_variance_).max() / p.explained_variance_[0]
    report.append('model mean %.3g components %.3g variance %.3g' % (merr, cerr, verr))
    if not merr <= 1e-9 * max(1, np.abs(p.mean_).max()):
        fail.append('mean differs by %.3g' % merr)
    if not cerr <= 1e-6:
        fail.append('components differ by %.3g' % cerr)
    if not verr <= 1e-6:
        fail.append('variances differ by %.3g' % verr)
print('; '.join(report))
if fail:
    sys.exit('pca_check: ' + '; '.join(fail))
