#!/usr/bin/python3
"""Compare a seed vector (feat -m seed, TSV on stdin, one record) with a golden
seed223.tsv, by the rule of golden/README.md:

  |v - g| <= tol * max(|g|, s), s = |mean| of the block for a *_std entry of a
  [mean, std, min, max] block, else 0; tempo dims (global_bpm, bpm_segments_*)
  within 1e-6 relative (same tempo-grid value); NaN only where the golden is NaN.

  seed_compare.py GOLDEN TOL [-v]    exit 1 listing the failing dims
  seed_compare.py GOLDEN report      print the worst scaled error (non-tempo dims)
                                     and the number of tempo mismatches
"""
import math
import sys

from common import read_text


def read_golden(path):
    names, vals = [], []
    with open(path) as f:
        next(f)
        for line in f:
            _, name, v = line.rstrip('\n').split('\t')
            names.append(name)
            vals.append(float(v))
    return names, vals


def read_stream(fp):
    cols, keys, X = read_text(fp)
    if len(keys) > 1:
        sys.exit('seed_compare: more than one record')
    if not keys:
        sys.exit('seed_compare: no record')
    return cols, (keys[0], list(X[0]))


def main():
    golden, mode = sys.argv[1], sys.argv[2]
    names, g = read_golden(golden)
    cols, (key, v) = read_stream(sys.stdin)
    if cols is not None and cols[:len(names)] != names:
        sys.exit('seed_compare: column names differ from the golden: %s' %
                 [(a, b) for a, b in zip(cols, names) if a != b][:3])
    if len(v) < len(names):
        sys.exit('seed_compare: %d values, golden has %d' % (len(v), len(names)))
    tol = 0.0 if mode == 'report' else float(mode)
    bad, worst, worst_name, tempo_bad = [], 0.0, '', 0
    for i, name in enumerate(names):
        gi, vi = g[i], v[i]
        tempo = name == 'global_bpm' or name.startswith('bpm_segments')
        s = 0.0
        if name.endswith('_std') and i >= 1 and names[i - 1].endswith('_mean'):
            s = abs(g[i - 1])
        if math.isnan(gi) or math.isnan(vi):
            ok = math.isnan(gi) and math.isnan(vi)
            err = 0.0 if ok else math.inf
        else:
            scale = max(abs(gi), s)
            err = abs(vi - gi) / scale if scale > 0 else abs(vi - gi) * math.inf if vi != gi else 0.0
            ok = err <= (1e-6 if tempo else tol)
        if tempo:
            if not ok:
                tempo_bad += 1
        elif err > worst:
            worst, worst_name = err, name
        if not ok:
            bad.append('%3d %-24s got %.9g golden %.9g (scaled error %.3g)' % (i, name, vi, gi, err))
    if mode == 'report':
        print('%.4f%% (%s) tempo mismatches %d' % (100 * worst, worst_name, tempo_bad))
        return 0
    if bad:
        print('%s: %d of %d dims off (tolerance %g, tempo 1e-6):' % (golden, len(bad), len(names), tol))
        print('\n'.join(bad))
        return 1
    if '-v' in sys.argv:
        print('ok: worst non-tempo scaled error %.3g (%s)' % (worst, worst_name))
    return 0


if __name__ == '__main__':
    sys.exit(main())
