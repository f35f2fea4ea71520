"""pca_bench.py FILE REPS — time scikit-learn on a songvec stream, in process (the
load is not timed, which favours Python): MinMaxScaler(feature_range=(1, 10))
.fit_transform and PCA(n_components=0.93, svd_solver='full').fit_transform, both on
the values widened to float64.  Prints 'minmax SECONDS', 'pca SECONDS K' (medians)."""
import sys
import time
import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler
from common import read

path, reps = sys.argv[1], int(sys.argv[2])
_, X, _ = read(path)
X = X.astype(np.float64)


def med(f):
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        r = f()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)), r


t, _ = med(lambda: MinMaxScaler(feature_range=(1, 10)).fit_transform(X))
print('minmax %.4f' % t)
t, Y = med(lambda: PCA(n_components=0.93, svd_solver='full').fit_transform(X))
print('pca %.4f %d' % (t, Y.shape[1]))
