"""explore_doc.py — explore(1)'s data document (the page's JSON script element)
checked against the database and the toolkit, without a browser.

  explore_doc.py pca PAGE PCA.vec        the computed map: one map, "computed",
                                         its x, y = PCA.vec (dbload export |
                                         pca -k 2) within 1e-5 for every song
  explore_doc.py sample PAGE DB MAX      the sample: MAX of the database's songs,
                                         exactly those whose ids have the smallest
                                         FNV-1a 64 hash (ties by id), sorted by id;
                                         "total" = the database's songs

PAGE is a file or an http:// URL.  Prints one line per check; exits 1 on the first
failure.
"""
import json
import os
import re
import sqlite3
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from common import read  # noqa: E402

TOL = 1e-5


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (": " + str(detail) if detail and not cond else ""))
    if not cond:
        raise SystemExit(1)


def document(page):
    if page.startswith("http://"):
        html = urllib.request.urlopen(page, timeout=60).read().decode()
    else:
        with open(page, encoding="utf-8") as f:
            html = f.read()
    m = re.search(r'<script type="application/json" id="songvec-data">(.*?)</script>', html, re.S)
    check("page has its data document", m is not None)
    return json.loads(m.group(1))


def pca(page, vec):
    d = document(page)["data"]
    keys, X, _ = read(vec)
    want = {k: (float(X[i, 0]), float(X[i, 1])) for i, k in enumerate(keys)}
    maps = d["maps"]
    check("one map, computed PCA", len(maps) == 1 and maps[0]["method"] == "pca"
          and maps[0].get("computed") is True, [(m["method"], m.get("computed")) for m in maps])
    ids = d["songs"]["id"]
    got = {i: (x, y) for i, x, y in zip(ids, maps[0]["x"], maps[0]["y"]) if x is not None and y is not None}
    check("a point for every song (%d)" % len(ids), len(got) == len(ids) and set(got) <= set(want),
          "%d of %d" % (len(got), len(ids)))
    err = max(max(abs(got[k][0] - want[k][0]), abs(got[k][1] - want[k][1])) for k in got)
    check("coordinates = dbload export | pca -k 2 (max |diff| %.2g <= %g)" % (err, TOL), err <= TOL, err)


def fnv1a(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def sample(page, db, mx):
    d = document(page)["data"]
    ids = [r[0] for r in sqlite3.connect(db).execute("SELECT song_id FROM songs")]
    want = sorted(sorted(ids, key=lambda s: (fnv1a(s), s.encode()))[:mx], key=lambda s: s.encode())
    check("total = the database's songs (%d)" % len(ids), d["total"] == len(ids), d["total"])
    check("the sample: the %d smallest FNV-1a hashes, by id" % mx, d["songs"]["id"] == want)
    n = len(want)
    arrays = [d["songs"][k] for k in ("name", "artist", "audio")] + [m[c] for m in d["maps"] for c in "xy"]
    arrays += [c["values"] for c in d["colourings"]] + [d["features"]["values"]]
    check("every per-song array has the sample's length", all(len(a) == n for a in arrays))


if __name__ == "__main__":
    if sys.argv[1] == "pca":
        pca(sys.argv[2], sys.argv[3])
    else:
        sample(sys.argv[2], sys.argv[3], int(sys.argv[4]))
