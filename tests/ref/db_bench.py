#!/usr/bin/python3
"""Helper of scripts/bench.d/50-db.sh: the input and the Python way of loading it.

  db_bench.py gen N D OUT          N songs (song0000000 ...) x D float32 values,
                                   standard normal x 10 (seed 1), as a binary stream
  db_bench.py part IN D N I OUT    part I of 8 of IN (N songs of D values): the
                                   header and records I*ceil(N/8) .. (one per writer)
  db_bench.py load DB IN           the Python way: read the binary stream, json.dumps
                                   each vector, executemany in one transaction (WAL)
  db_bench.py export DB            read every song back: json.loads -> numpy; prints
                                   the shape"""
import json
import sqlite3
import struct
import sys

import numpy as np

import common


def gen(n, d, out):
    X = (np.random.default_rng(1).standard_normal((n, d)) * 10).astype('<f4')
    common.write_bin(out, ['song%07d' % i for i in range(n)], X)


def part(path, d, n, i, out):
    b = open(path, 'rb').read()
    rec = 4 + 11 + 4 + 4 * d
    per = (n + 7) // 8
    s = 24 + i * per * rec
    with open(out, 'wb') as f:
        f.write(b[:24] + b[s:s + per * rec])


def connect(db):
    con = sqlite3.connect(db)
    con.execute('PRAGMA journal_mode=WAL')
    con.execute('PRAGMA synchronous=NORMAL')
    return con


def load(db, path):
    con = connect(db)
    con.execute('CREATE TABLE IF NOT EXISTS songs (song_id TEXT PRIMARY KEY, artist_id TEXT, '
                'feature_vector TEXT, song_name TEXT, artist_name TEXT)')
    buf = open(path, 'rb').read()
    off, rows = 24, []
    while off < len(buf):
        kl = struct.unpack_from('<I', buf, off)[0]
        off += 4
        key = buf[off:off + kl].decode()
        off += kl
        n = struct.unpack_from('<I', buf, off)[0]
        off += 4
        v = np.frombuffer(buf, '<f4', n, off)
        off += 4 * n
        rows.append((key, json.dumps([float(x) for x in v])))
    with con:
        con.executemany('INSERT INTO songs(song_id, feature_vector) VALUES(?, ?) '
                        'ON CONFLICT(song_id) DO UPDATE SET feature_vector=excluded.feature_vector',
                        rows)


def export(db):
    keys, vecs = [], []
    for k, fv in connect(db).execute('SELECT song_id, feature_vector FROM songs ORDER BY song_id'):
        keys.append(k)
        vecs.append(json.loads(fv))
    X = np.asarray(vecs, dtype=np.float32)
    sys.stdout.write('%d %d\n' % X.shape)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'gen':
        gen(int(a[0]), int(a[1]), a[2])
    elif cmd == 'part':
        part(a[0], int(a[1]), int(a[2]), int(a[3]), a[4])
    elif cmd == 'load':
        load(a[0], a[1])
    elif cmd == 'export':
        export(a[0])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
