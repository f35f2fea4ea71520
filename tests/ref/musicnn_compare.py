#!/usr/bin/python3
"""musicnn_compare.py OURS ORACLE TOL OURS_COLS ORACLE_COLS [MIN_ROWS]

Compare two songvec TSV streams (ours: musicnn; the oracle: musicnn_oracle.js) row by
row on the keys of ORACLE, all of which OURS must have: the columns OURS_COLS of ours
against ORACLE_COLS of the oracle ("a:b" = the half-open range, or "i,j,..." indices,
counted from 0 after the key).  Passes when every absolute difference is <= TOL and at
least MIN_ROWS rows (default 1) were compared; prints the largest difference."""
import sys

import numpy as np


def read(path):
    rows = {}
    order = []
    with open(path) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            k, *v = line.rstrip('\n').split('\t')
            rows[k] = np.array([float(x) for x in v])
            order.append(k)
    return rows, order


def cols(spec):
    if ':' in spec:
        a, b = spec.split(':')
        return list(range(int(a), int(b)))
    return [int(x) for x in spec.split(',')]


def main():
    ours, _ = read(sys.argv[1])
    ref, order = read(sys.argv[2])
    tol = float(sys.argv[3])
    co, cr = cols(sys.argv[4]), cols(sys.argv[5])
    need = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    if len(co) != len(cr):
        sys.exit('column lists of different lengths')
    worst, where = 0.0, None
    for k in order:
        if k not in ours:
            sys.exit('%s: no row %s' % (sys.argv[1], k))
        d = np.abs(ours[k][co] - ref[k][cr])
        if d.max() > worst:
            worst, where = d.max(), (k, co[int(d.argmax())])
    print('%d rows, %d columns: max |diff| %.3g%s (tolerance %g)' % (
        len(order), len(co), worst, ' at %s column %d' % where if where else '', tol))
    if len(order) < need:
        sys.exit('only %d rows compared, expected at least %d' % (len(order), need))
    sys.exit(0 if worst <= tol else 1)


main()
