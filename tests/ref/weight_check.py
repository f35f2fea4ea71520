"""weight_check.py FIT OUT [--apply NEW] [--range LO:HI] [--groups default|none|SPEC] [--clip]
                [--standard]

Oracle for weight(1): scikit-learn's MinMaxScaler(feature_range) on FIT after the
documented cleaning (non-finite values -> the column mean of the finite values,
rounded to float32; 0 when none), times the group weights; OUT must hold the same
keys, column names and values within 1e-6 (absolute).  With --apply, OUT is
`weight -a MODEL NEW` and the reference is the scaler fitted on FIT transforming NEW
(cleaned with FIT's column means; clipped to the range when --clip).
SPEC: comma-separated LO:HI*W index ranges (half-open), later ones override.
--standard: weight -z against StandardScaler fitted on the finite values (NaN are
ignored by its fit), non-finite values then 0 (the mean), times the group weights.
"""
import sys
import argparse
import numpy as np
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from common import read

TOL = 1e-6
SEED = '3:11*1.1,11:31*0.85,31:83*1.05,95:223*1.2'  # songvec DESIGN §3

ap = argparse.ArgumentParser()
ap.add_argument('fit')
ap.add_argument('out')
ap.add_argument('--apply')
ap.add_argument('--range', default='1:10')
ap.add_argument('--groups', default='default')
ap.add_argument('--clip', action='store_true')
ap.add_argument('--standard', action='store_true')
a = ap.parse_args()

keys, X, cols = read(a.fit)
X = X.astype(np.float64)
n, d = X.shape
finite = np.isfinite(X)
cnt = finite.sum(axis=0)
fill = np.where(cnt > 0, np.where(finite, X, 0).sum(axis=0) / np.maximum(cnt, 1), 0)
fill = fill.astype(np.float32).astype(np.float64)


def clean(A):
    A = A.copy()
    bad = ~np.isfinite(A)
    A[bad] = np.broadcast_to(fill, A.shape)[bad]
    return A


lo, hi = (float(v) for v in a.range.split(':'))
w = np.ones(d)
spec = SEED if a.groups == 'default' and d == 223 else ('' if a.groups in ('none', 'default') else a.groups)
for g in filter(None, spec.split(',')):
    rng, wt = g.split('*')
    l, h = rng.split(':')
    w[int(l or 0):int(h or d)] = float(wt)

def nonfinite_nan(A):
    A = A.copy()
    A[~np.isfinite(A)] = np.nan
    return A


if a.standard:
    sc = StandardScaler().fit(nonfinite_nan(X))
    if a.apply:
        keys, N, cols = read(a.apply)
        X = N.astype(np.float64)
    ref = np.nan_to_num(sc.transform(nonfinite_nan(X)), nan=0.0) * w
    a.apply = None
elif a.apply:
    sc = MinMaxScaler(feature_range=(lo, hi), clip=a.clip).fit(clean(X))
    keys, N, cols = read(a.apply)
    ref = sc.transform(clean(N.astype(np.float64))) * w
else:
    sc = MinMaxScaler(feature_range=(lo, hi), clip=a.clip).fit(clean(X))
    ref = sc.transform(clean(X)) * w

okeys, O, ocols = read(a.out)
fail = []
if okeys != keys:
    fail.append('keys differ')
if ocols != cols:
    fail.append('column names differ')
if O.shape != ref.shape:
    fail.append('shape %s, expected %s' % (O.shape, ref.shape))
else:
    err = (np.abs(O.astype(np.float64) - ref) / np.maximum(1, np.abs(ref))).max()
    print('max |weight - sklearn| / max(1, |sklearn|) = %.3g (tolerance %g) on %d x %d' % (err, TOL, *ref.shape))
    if not err <= TOL:
        fail.append('values differ by %.3g' % err)
if fail:
    sys.exit('weight_check: ' + '; '.join(fail))
