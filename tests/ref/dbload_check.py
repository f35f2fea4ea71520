#!/usr/bin/python3
"""Oracle for tests/dbload.test (run with /usr/bin/python3).

  dbload_check.py gen N DIM SEED NFILES PREFIX   write NFILES TSV vector files
        PREFIX1.vec.. with N songs in all, and PREFIX.tsv, a song list giving song i
        the artist "artist <i mod A>" for uneven artist sizes (1..9 songs)
  dbload_check.py vectors DB INPUT.vec     every song of INPUT is in DB with JSON and
        blob equal to the input float32 values exactly (NaN <-> null)
  dbload_check.py artists DB               artists_vector == mean over finite values
        of the artist's songs (computed here from the JSON), relative tolerance 1e-6
        (float32 rounding of the stored mean), for artists with >= 5 songs, and no
        row for the others
"""
import json, math, sqlite3, struct, sys
import numpy as np


def gen(n, dim, seed, nfiles, prefix):
    rng = np.random.default_rng(seed)
    X = (rng.standard_normal((n, dim)) * 10).astype(np.float32)
    X[rng.random((n, dim)) < 0.01] = np.nan
    # artist sizes 1..9 cycling, so some artists have < 5 songs
    artist, a, left = [], 0, 1
    for i in range(n):
        if left == 0:
            a += 1
            left = a % 9 + 1
        artist.append(a)
        left -= 1
    order = rng.permutation(n)  # artists' songs spread over the files
    with open(prefix + ".tsv", "w") as f:
        for i in range(n):
            f.write("s%06d\tsong %d \"q\" $(x)\tartist %d\n" % (i, i, artist[i]))
    per = (n + nfiles - 1) // nfiles
    for k in range(nfiles):
        with open("%s%d.vec" % (prefix, k + 1), "w") as f:
            for i in order[k * per:(k + 1) * per]:
                f.write("s%06d\t" % i + "\t".join("%.9g" % v for v in X[i]) + "\n")


def read_tsv(path):
    out = {}
    for line in open(path):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        out[f[0]] = np.array([float(x) for x in f[1:]], dtype=np.float32)
    return out


def same(a, b):
    return a.shape == b.shape and np.array_equal(np.isnan(a), np.isnan(b)) and \
        np.array_equal(a[~np.isnan(a)], b[~np.isnan(b)])


def vectors(db, path):
    want = read_tsv(path)
    con = sqlite3.connect(db)
    bad = 0
    for k, v in want.items():
        row = con.execute("SELECT feature_vector, feature_blob FROM songs WHERE song_id=?",
                          (k,)).fetchone()
        if row is None:
            print("missing", k); bad += 1; continue
        j = np.array([math.nan if x is None else x for x in json.loads(row[0])], dtype=np.float32)
        b = np.frombuffer(row[1], dtype="<f4")
        if not same(j, v) or not same(b, v):
            print("differs", k); bad += 1
    print(len(want), "songs checked,", bad, "bad")
    return bad == 0


def artists(db):
    con = sqlite3.connect(db)
    songs = {}
    for a, fv in con.execute("SELECT artist_id, feature_vector FROM songs"):
        songs.setdefault(a, []).append([math.nan if x is None else x for x in json.loads(fv)])
    stored = {a: (json.loads(fv), c) for a, fv, c in
              con.execute("SELECT artist_id, feature_vector, song_count FROM artists_vector")}
    bad = checked = 0
    for a, rows in songs.items():
        if len(rows) < 5:
            if a in stored:
                print("unexpected profile for", a, len(rows)); bad += 1
            continue
        if a not in stored:
            print("missing profile", a); bad += 1; continue
        X = np.array(rows, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            m = np.nanmean(X, axis=0)
        got = np.array([math.nan if x is None else x for x in stored[a][0]])
        if stored[a][1] != len(rows) or not np.array_equal(np.isnan(m), np.isnan(got)) or \
                not np.allclose(got[~np.isnan(m)], m[~np.isnan(m)], rtol=1e-6, atol=1e-6):
            print("profile differs", a); bad += 1
        checked += 1
    for a in stored:
        if a not in songs:
            print("profile of unknown artist", a); bad += 1
    print(checked, "profiles checked,", bad, "bad")
    return bad == 0 and checked > 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
        sys.exit(0)
    ok = vectors(sys.argv[2], sys.argv[3]) if cmd == "vectors" else artists(sys.argv[2])
    sys.exit(0 if ok else 1)
