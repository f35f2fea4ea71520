"""export_check.py — dbload -f csv / -f jsonl against the default export.

usage: export_check.py DB STREAM CSV JSONL [artists]

STREAM is `dbload export` (or `artists`), CSV and JSONL the same command with
-f csv and -f jsonl.  Checks, exactly: pandas.read_csv (its defaults, but the id
column read as text, as dbload(1) says) gives the stream's ids, column names
(f0.. when the stream has none) and float32 values bit for bit (NaN where NaN);
python's json gives the same per line, and the metadata of each song as the
database holds it.  Exit 0 when all agree, else 1 with what differs.
"""
import json
import sqlite3
import sys

import numpy as np
import pandas

sys.path.insert(0, __file__.rsplit('/', 1)[0])
import common  # noqa: E402


def same_floats(a, b):
    """a, b float32 arrays: equal bit for bit, any NaN matching any NaN"""
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    if a.shape != b.shape:
        return False
    na, nb = np.isnan(a), np.isnan(b)
    return bool((na == nb).all() and (a.view(np.uint32)[~na] == b.view(np.uint32)[~nb]).all())


def check_csv(path, idcol, keys, X, cols):
    df = pandas.read_csv(path, dtype={idcol: str})
    want = [idcol] + (cols if cols else ['f%d' % i for i in range(X.shape[1])])
    bad = []
    if list(df.columns) != want:
        bad.append('csv columns %r, expected %r' % (list(df.columns)[:5], want[:5]))
    if list(df[idcol]) != keys:
        bad.append('csv ids %r, expected %r' % (list(df[idcol])[:5], keys[:5]))
    vals = df.drop(columns=[idcol]).to_numpy(np.float64).astype(np.float32)
    if not same_floats(vals, X):
        bad.append('csv values differ from the stream')
    return bad


def check_jsonl(path, db, artists, keys, X):
    bad, rows = [], []
    with open(path, encoding='utf-8') as f:
        rows = [json.loads(line) for line in f]
    idcol = 'artist_id' if artists else 'song_id'
    if [r[idcol] for r in rows] != keys:
        bad.append('jsonl ids differ')
    vec = [[np.nan if v is None else v for v in r['vector']] for r in rows]
    if not same_floats(np.array(vec, np.float64).astype(np.float32).reshape(X.shape), X):
        bad.append('jsonl vectors differ from the stream')
    if artists:
        return bad
    con = sqlite3.connect(db)
    meta = {r[0]: r[1:] for r in con.execute(
        'SELECT song_id, artist_id, song_name, artist_name FROM songs')}
    for r in rows:
        got = (r['artist_id'], r['song_name'], r['artist_name'])
        if got != meta[r['song_id']]:
            bad.append('jsonl %r: metadata %r, database %r' % (r['song_id'], got, meta[r['song_id']]))
    return bad


def main():
    db, stream, csv, jsonl = sys.argv[1:5]
    artists = len(sys.argv) > 5 and sys.argv[5] == 'artists'
    keys, X, cols = common.read(stream)
    if not keys:
        X = np.zeros((0, 0), np.float32)
    bad = check_csv(csv, 'artist_id' if artists else 'song_id', keys, X, cols)
    bad += check_jsonl(jsonl, db, artists, keys, X)
    for b in bad:
        print(b)
    if not bad:
        print('ok: %d rows of %d values' % X.shape)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
