#!/usr/bin/python3
"""Oracle for tests/knn.test and tests/dbscan.test: scikit-learn 1.2.1 on the same
data, in float64 (the values of the TSV streams are float32, read exactly).

  gen N D SEED [DUP]          clustered data as a TSV stream (keys s00000..), DUP rows
                              repeated (ties)
  split FILE EVERY            records i % EVERY == 0 (queries) to stdout
  knn DATA OUT K METRIC [REFS]  our neighbour table against NearestNeighbors(metric,
                              algorithm='brute'): same ids (ties aside), scores 1e-6
  mmr DATA OUT K LAMBDA POOL  our MMR lists against Carbonell & Goldstein's definition
                              on sklearn's cosine_similarity
  radio REFS SEEDS OUT LEN [LAMBDA POOL]  our playlist against the walk in numpy
  centroids DATA LABELS OUT TABLE  centroids, similarities 1e-6, predictions,
                              intra/inter table (every pair visited) 1e-6
  dbscan DATA OUT EPS MIN METRIC  sklearn.cluster.DBSCAN: labels equal, core equal
  recall EXACT APPROX MIN     recall@k of an approximate table (a tie with the exact
                              k-th counts as found) >= MIN, scores of the found = exact
Exit 1 with a message on the first difference."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kmeans_oracle  # noqa: E402

TOL = 1e-6


def read_vec(path):
    """keys and the float32 values (what the tools read), in float64"""
    keys, X = kmeans_oracle.read_vec(path)
    return keys, X.astype(np.float64)


def read_table(path):
    out = {}
    for line in open(path):
        if line.startswith('#'):
            continue
        q, r, n, s = line.rstrip('\n').split('\t')
        out.setdefault(q, []).append((int(r), n, float(s)))
    return out


def fail(msg):
    print(msg)
    sys.exit(1)


def gen(n, d, seed, dup=0):
    rng = np.random.default_rng(seed)
    nc = max(2, int(np.sqrt(n) / 2))
    cen = rng.standard_normal((nc, d)) * 2
    c = rng.integers(0, nc, n)
    X = (cen[c] + rng.standard_normal((n, d))).astype(np.float32)
    for i in range(dup):
        X[n - 1 - i] = X[i * 3]
    print(f"#songvec dim={d}")
    for i in range(n):
        print(f"s{i:05d}\t" + "\t".join("%.9g" % v for v in X[i]))


def scores(Q, R, metric):
    from sklearn.metrics.pairwise import cosine_similarity, euclidean_distances
    if metric == 'cosine':
        return cosine_similarity(Q, R)
    if metric == 'inner':
        return Q @ R.T
    return np.sqrt(np.maximum(((Q[:, None, :] - R[None, :, :]) ** 2).sum(-1), 0)) \
        if len(Q) * len(R) * Q.shape[1] < 5e7 else euclidean_distances(Q, R)


def sk_neighbours(Q, R, k, metric, self_idx):
    """sklearn's ids: NearestNeighbors brute, k + 1 asked, the query itself dropped"""
    from sklearn.neighbors import NearestNeighbors
    if metric == 'inner':  # no sklearn metric: the argsort of the products
        S = Q @ R.T
        return [[j for j in np.argsort(-S[i], kind='stable') if j != self_idx[i]][:k]
                for i in range(len(Q))]
    nn = NearestNeighbors(n_neighbors=min(k + 1, len(R)), metric=metric, algorithm='brute')
    nn.fit(R)
    _, I = nn.kneighbors(Q)
    return [[j for j in row if j != self_idx[i]][:k] for i, row in enumerate(I)]


def check_knn(data, out, k, metric, refs=None):
    qk, Q = read_vec(data)
    rk, R = read_vec(refs) if refs else (qk, Q)
    pos = {key: i for i, key in enumerate(rk)}
    self_idx = [pos.get(key, -1) for key in qk]
    T = read_table(out)
    S = scores(Q, R, metric)
    sk = sk_neighbours(Q, R, k, metric, self_idx)
    sign = 1 if metric == 'euclidean' else -1
    worst = 0
    for i, key in enumerate(qk):
        rows = T.get(key, [])
        if [r for r, _, _ in rows] != list(range(1, k + 1)):
            fail(f"{key}: ranks {[r for r, _, _ in rows]}")
        ours = [pos[n] for _, n, _ in rows]
        if self_idx[i] in ours:
            fail(f"{key}: the query is its own neighbour")
        for (_, n, s), j in zip(rows, ours):
            worst = max(worst, abs(s - S[i, j]))
            if abs(s - S[i, j]) > TOL * max(1, abs(S[i, j])):
                fail(f"{key} -> {n}: score {s}, sklearn {S[i, j]}")
        sc = [S[i, j] for j in ours]
        if any(sign * (sc[t + 1] - sc[t]) < -TOL for t in range(k - 1)):
            fail(f"{key}: not sorted {sc}")
        kth = sc[-1]
        for j in set(sk[i]) ^ set(ours):  # a difference must be a tie at the k-th
            if abs(S[i, j] - kth) > TOL * max(1, abs(kth)):
                fail(f"{key}: sklearn's {rk[j]} ({S[i, j]}) vs ours {[rk[t] for t in ours]} (k-th {kth})")
        for t in range(k - 1):  # equal scores: reference order
            if S[i, ours[t]] == S[i, ours[t + 1]] and ours[t] > ours[t + 1]:
                fail(f"{key}: tie not in reference order")
    print(f"{len(qk)} queries, k={k}, {metric}: ids = sklearn's (ties aside), max score error {worst:.3g}")


def sim_matrix(A, B, metric):
    from sklearn.metrics.pairwise import cosine_similarity, euclidean_distances
    if metric == 'cosine':
        return cosine_similarity(A, B)
    if metric == 'inner':
        return A @ B.T
    return -euclidean_distances(A, B)


def mmr_ref(rel, red, k, lam):
    """Carbonell & Goldstein: argmax lam rel - (1 - lam) max over chosen of red"""
    chosen = []
    for _ in range(min(k, len(rel))):
        best, bv = None, None
        for c in range(len(rel)):
            if c in chosen:
                continue
            v = lam * rel[c] - (1 - lam) * (max(red[c, s] for s in chosen) if chosen else 0)
            if bv is None or v > bv + 1e-12:
                best, bv = c, v
        chosen.append(best)
    return chosen


def check_mmr(data, out, k, lam, pool):
    keys, X = read_vec(data)
    pos = {key: i for i, key in enumerate(keys)}
    S = sim_matrix(X, X, 'cosine')
    T = read_table(out)
    for i, key in enumerate(keys):
        order = [j for j in np.argsort(-S[i], kind='stable') if j != i][:pool]
        cand = np.array(order)
        want = [keys[cand[c]] for c in mmr_ref(S[i, cand], S[np.ix_(cand, cand)], k, lam)]
        got = [n for _, n, _ in T.get(key, [])]
        if got != want:
            fail(f"{key}: MMR {got}, expected {want}")
        for _, n, s in T[key]:
            if abs(s - S[i, pos[n]]) > TOL:
                fail(f"{key} -> {n}: relevance {s}, sklearn {S[i, pos[n]]}")
    print(f"{len(keys)} queries: MMR lists = the definition's (lambda {lam}, pool {pool})")


def check_radio(refs, seeds, out, length, lam=None, pool=None):
    rk, R = read_vec(refs)
    sk, Q = read_vec(seeds)
    pos = {key: i for i, key in enumerate(rk)}
    played = {pos[s] for s in sk if s in pos}
    before = [Q[i] for i in range(len(sk) - 1)]
    cur = Q[-1]
    want = []
    for _ in range(length):
        rel = sim_matrix(cur[None, :], R, 'cosine')[0]
        order = [j for j in np.argsort(-rel, kind='stable') if j not in played]
        if lam is None:
            nxt = order[0]
        else:
            cand = order[:pool]
            red = sim_matrix(np.array(before), R[cand], 'cosine').max(0) if before else np.zeros(len(cand))
            v = lam * rel[cand] - (1 - lam) * red
            nxt = cand[int(np.argmax(v))]
        want.append((rk[nxt], rel[nxt]))
        played.add(nxt)
        before.append(cur)
        cur = R[nxt]
    rows = read_table(out)
    got = [(n, s) for q in rows for _, n, s in rows[q]]
    got = sorted([(r, n, s) for q in rows for r, n, s in rows[q]])
    if [n for _, n, _ in got] != [n for n, _ in want]:
        fail(f"radio {[n for _, n, _ in got]}, expected {[n for n, _ in want]}")
    for (_, n, s), (_, w) in zip(got, want):
        if abs(s - w) > TOL:
            fail(f"radio {n}: similarity {s}, expected {w}")
    print(f"radio of {length} = the walk's")


def check_centroids(data, labels, out, table):
    keys, X = read_vec(data)
    lab = dict(line.rstrip('\n').split('\t') for line in open(labels) if not line.startswith('#'))
    groups = sorted(set(lab[k] for k in keys if k in lab))
    g = {name: i for i, name in enumerate(groups)}
    y = np.array([g.get(lab.get(k), -1) for k in keys])
    C = np.array([X[y == a].mean(0) for a in range(len(groups))])
    S = sim_matrix(X, C, 'cosine')
    ok_, ov = read_vec(out)
    if ok_ != keys:
        fail("keys differ")
    if np.abs(ov[:, 2:] - S).max() > TOL:
        fail(f"similarity to centroids: max error {np.abs(ov[:, 2:] - S).max()}")
    if (ov[:, 0] != y).any() or (ov[:, 1] != np.argmax(S, 1)).any():
        fail("labels or predictions differ")
    P = sim_matrix(X, X, 'cosine')
    tk, tv = read_vec(table)
    for a in range(len(groups)):
        for b in range(len(groups)):
            blk = P[np.ix_(y == a, y == b)]
            m = (blk.sum() - np.trace(blk)) / (blk.size - len(blk)) if a == b else blk.mean()
            if abs(tv[a, b + 1] - m) > TOL:
                fail(f"table {groups[a]} x {groups[b]}: {tv[a, b + 1]}, pairs give {m}")
    agree = np.mean(np.argmax(S, 1)[y >= 0] == y[y >= 0])
    print(f"{len(groups)} groups: similarities, predictions and table as sklearn's; agreement {agree:.4f}")


def check_dbscan(data, out, eps, min_samples, metric):
    from sklearn.cluster import DBSCAN
    keys, X = read_vec(data)
    db = DBSCAN(eps=eps, min_samples=min_samples, metric=metric, algorithm='brute').fit(X)
    ok_, ov = read_vec(out)
    core = np.zeros(len(X), bool)
    core[db.core_sample_indices_] = True
    if ok_ != keys:
        fail("keys differ")
    if (ov[:, 1].astype(bool) != core).any():
        fail(f"core points differ: {np.flatnonzero(ov[:, 1].astype(bool) != core)[:10]}")
    if (ov[:, 0] != db.labels_).any():
        bad = np.flatnonzero(ov[:, 0] != db.labels_)
        fail(f"labels differ at {bad[:10]}: ours {ov[bad[:10], 0]}, sklearn {db.labels_[bad[:10]]}")
    n = len(set(db.labels_)) - (1 if -1 in db.labels_ else 0)
    print(f"{len(X)} points, eps {eps}, min_samples {min_samples}, {metric}: {n} clusters, "
          f"{core.sum()} core, {(db.labels_ == -1).sum()} noise: labels and core = sklearn's")


def recall(exact, approx, least):
    E, A = read_table(exact), read_table(approx)
    found = total = 0
    for q, rows in E.items():
        es = {n: s for _, n, s in rows}
        kth = rows[-1][2]
        for _, n, s in A.get(q, []):
            if n in es and es[n] != s:
                fail(f"{q} -> {n}: score {s}, exact {es[n]}")
            found += n in es or abs(s - kth) <= 1e-7
        total += len(rows)
    r = found / total
    print(f"recall@{len(rows)} {r:.4f} over {len(E)} queries")
    if r < least:
        fail(f"recall {r} < {least}")


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'gen':
        gen(int(a[0]), int(a[1]), int(a[2]), int(a[3]) if len(a) > 3 else 0)
    elif cmd == 'split':
        every = int(a[1])
        i = 0
        for line in open(a[0]):
            if line.startswith('#'):
                print(line, end='')
                continue
            if i % every == 0:
                print(line, end='')
            i += 1
    elif cmd == 'knn':
        check_knn(a[0], a[1], int(a[2]), a[3], a[4] if len(a) > 4 else None)
    elif cmd == 'mmr':
        check_mmr(a[0], a[1], int(a[2]), float(a[3]), int(a[4]))
    elif cmd == 'radio':
        check_radio(a[0], a[1], a[2], int(a[3]), float(a[4]) if len(a) > 4 else None,
                    int(a[5]) if len(a) > 5 else None)
    elif cmd == 'centroids':
        check_centroids(*a)
    elif cmd == 'recall':
        recall(a[0], a[1], float(a[2]))
    elif cmd == 'dbscan':
        check_dbscan(a[0], a[1], float(a[2]), int(a[3]), a[4])
    else:
        fail(__doc__)


if __name__ == '__main__':
    main()
