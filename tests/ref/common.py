"""common.py — what the Python oracles share: songvec streams (songvec(5)) in and out.

read(path) -> (keys, X float32 n x d, column names or None); TSV or binary.
read_text(fp, dtype) -> (column names or None, keys, X) of a TSV stream already open
    (stdin, a pipe), fixed dimension.
write_bin(path, keys, X, cols=None) writes the binary encoding (core/vwriter.c):
    "\\0SVB", u32 version 1, u32 dim, f64 rate, u32 ncols, names as (u32 len,
    bytes); records (u32 key length, key, u32 count, float32 values), LE.
write_tsv(path_or_file, keys, X, cols=None) writes TSV (%.9g).
read_model(path) -> ({key: float64 row}, model name) of a dtable model file.
"""
import struct
import numpy as np


def read(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] == b'\0SVB':
        return _read_bin(data)
    cols, keys, X = read_text(data.decode().split('\n'), np.float32)
    return keys, X, cols


def read_text(lines, dtype=np.float64):
    keys, rows, cols = [], [], None
    for line in lines:
        line = line.rstrip('\n')
        if not line:
            continue
        if line.startswith('#'):
            if line.startswith('#key\t'):
                cols = line.split('\t')[1:]
            continue
        f = line.split('\t')
        keys.append(f[0])
        rows.append([float(v) for v in f[1:]])
    return cols, keys, np.array(rows, dtype=dtype)


def _read_bin(b):
    ver, dim = struct.unpack_from('<II', b, 4)
    ncols, = struct.unpack_from('<I', b, 20)
    off = 24
    cols = []
    for _ in range(ncols):
        n, = struct.unpack_from('<I', b, off)
        cols.append(b[off + 4:off + 4 + n].decode())
        off += 4 + n
    if off < len(b):  # records of one key length: one structured array
        kl, = struct.unpack_from('<I', b, off)
        rec = np.dtype([('kl', '<u4'), ('k', 'S%d' % max(kl, 1)), ('c', '<u4'), ('v', '<f4', (dim,))])
        if kl and dim and (len(b) - off) % rec.itemsize == 0:
            a = np.frombuffer(b, dtype=rec, offset=off)
            if (a['kl'] == kl).all() and (a['c'] == dim).all():
                return [k.decode() for k in a['k']], a['v'].copy(), cols or None
    keys, rows = [], []
    while off < len(b):
        kl, = struct.unpack_from('<I', b, off)
        keys.append(b[off + 4:off + 4 + kl].decode())
        off += 4 + kl
        cnt, = struct.unpack_from('<I', b, off)
        rows.append(np.frombuffer(b, dtype='<f4', count=cnt, offset=off + 4))
        off += 4 + 4 * cnt
    X = np.array(rows, dtype=np.float32).reshape(len(rows), dim)
    return keys, X, cols or None


def write_bin(path, keys, X, cols=None):
    X = np.ascontiguousarray(X, dtype='<f4')
    n, d = X.shape
    with open(path, 'wb') as f:
        f.write(b'\0SVB' + struct.pack('<IIdI', 1, d, 0.0, len(cols) if cols else 0))
        for c in cols or []:
            c = c.encode()
            f.write(struct.pack('<I', len(c)) + c)
        # records: interleave key headers and values with one structured array
        klen = max(len(k) for k in keys)
        assert all(len(k) == klen for k in keys), 'write_bin wants keys of one length'
        rec = np.dtype([('kl', '<u4'), ('k', 'S%d' % klen), ('c', '<u4'), ('v', '<f4', (d,))])
        a = np.empty(n, dtype=rec)
        a['kl'] = klen
        a['k'] = [k.encode() for k in keys]
        a['c'] = d
        a['v'] = X
        f.write(a.tobytes())


def write_matrix(path, X, prefix='p'):
    """X as a binary stream keyed prefix0000000, prefix0000001, ... (the benches)"""
    if isinstance(prefix, bytes):
        prefix = prefix.decode()
    write_bin(path, ['%s%07d' % (prefix, i) for i in range(len(X))], X)


def read_matrix(path):
    """the values of a binary stream whose keys share one length, without columns
    (write_matrix's): one structured read instead of a loop per record"""
    b = open(path, 'rb').read()
    assert b[:4] == b'\0SVB'
    _, d, _, nc = struct.unpack('<IIdI', b[4:24])
    if nc or len(b) == 24:
        return read(path)[1]
    kl, = struct.unpack_from('<I', b, 24)
    dt = np.dtype([('kl', '<u4'), ('k', 'S%d' % kl), ('c', '<u4'), ('v', '<f4', (d,))])
    if (len(b) - 24) % dt.itemsize:
        return read(path)[1]
    a = np.frombuffer(b, dtype=dt, offset=24)
    if (a['kl'] != kl).any() or (a['c'] != d).any():
        return read(path)[1]
    return a['v'].copy()


def write_tsv(path, keys, X, cols=None):
    f = open(path, 'w') if isinstance(path, str) else path
    f.write('#songvec dim=%d\n' % X.shape[1])
    if cols:
        f.write('#key\t' + '\t'.join(cols) + '\n')
    for k, r in zip(keys, X):
        f.write(k + '\t' + '\t'.join('%.9g' % v for v in r) + '\n')
    if f is not path:
        f.close()


def read_model(path):
    """a dtable model file: {key: float64 row}, model name"""
    rows, model = {}, None
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('#songvec'):
            for kv in line.split()[1:]:
                if kv.startswith('model='):
                    model = kv[6:]
            continue
        if not line or line.startswith('#'):
            continue
        f = line.split('\t')
        rows[f[0]] = np.array([float(v) for v in f[1:]])
    return rows, model
