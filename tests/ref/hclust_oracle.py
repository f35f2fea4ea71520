#!/usr/bin/python3
"""scikit-learn 1.2.1 oracle for hclust(1) (AgglomerativeClustering).

  check DATA LINKAGE OUT TREE K1 K2
        sklearn AgglomerativeClustering(n_clusters=K, linkage=LINKAGE) on the same
        float32 records for K1 (level1) and K2 (level2): labels identical (sklearn's
        numbering, hence also equal as partitions); the merge tree = sklearn's
        children_ (as unordered pairs) and distances (linkage_tree / ward_tree,
        return_distance=True) within 1e-6 relative (the stream is float32), sizes
        equal, children ordered as in scipy's linkage (smaller first)
  check-threshold DATA LINKAGE OUT T1 T2
        AgglomerativeClustering(n_clusters=None, distance_threshold=T): labels
        identical for T1 (level1) and T2 (level2)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kmeans_oracle import read_vec  # noqa: E402


def partitions_equal(a, b):
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def sklearn_tree(X, linkage):
    from sklearn.cluster._agglomerative import linkage_tree, ward_tree
    if linkage == 'ward':
        children, _, _, _, dist = ward_tree(X, return_distance=True)
    else:
        children, _, _, _, dist = linkage_tree(X, linkage=linkage, return_distance=True)
    return children, dist


def check_labels(X, linkage, out, col, **kw):
    from sklearn.cluster import AgglomerativeClustering
    ref = AgglomerativeClustering(linkage=linkage, **kw).fit(X).labels_
    ours = out[:, col].astype(int)
    nd = int((ours != ref).sum())
    part = partitions_equal(ours, ref)
    print('%s %s: %d clusters, labels differing %d of %d, partitions %s'
          % (linkage, kw, len(set(ref.tolist())), nd, len(X), 'equal' if part else 'DIFFER'))
    return nd == 0 and part


def check(a):
    _, X = read_vec(a[0])
    linkage = a[1]
    _, out = read_vec(a[2])
    _, tree = read_vec(a[3])
    ok = check_labels(X, linkage, out, 0, n_clusters=int(a[4]))
    ok &= check_labels(X, linkage, out, 1, n_clusters=int(a[5]))
    children, dist = sklearn_tree(X, linkage)
    ours = tree[:, :2].astype(int)
    same = np.array_equal(np.sort(ours, 1), np.sort(children, 1))
    ordered = bool((ours[:, 0] < ours[:, 1]).all())
    rd = float(np.abs(tree[:, 2] - dist).max() / np.abs(dist).max())
    n = len(X)
    size = np.ones(2 * n - 1)
    for i, (p, q) in enumerate(children):
        size[n + i] = size[p] + size[q]
    sizes = np.array_equal(tree[:, 3], size[n:])
    print('%s tree: children %s, smaller first %s, distances max rel %.2e, sizes %s'
          % (linkage, 'equal' if same else 'DIFFER', ordered, rd, 'equal' if sizes else 'DIFFER'))
    sys.exit(0 if ok and same and ordered and rd <= 1e-6 and sizes else 1)


def check_threshold(a):
    _, X = read_vec(a[0])
    _, out = read_vec(a[2])
    ok = check_labels(X, a[1], out, 0, n_clusters=None, distance_threshold=float(a[3]))
    ok &= check_labels(X, a[1], out, 1, n_clusters=None, distance_threshold=float(a[4]))
    sys.exit(0 if ok else 1)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    {'check': check, 'check-threshold': check_threshold}[cmd](a)


if __name__ == '__main__':
    main()
