#!/usr/bin/python3
"""feat_compare.py KIND GOLDEN OURS — compare feat output with a librosa golden file.

KIND: frames | mel100 | segments | seed.  OURS is feat's TSV output (header lines
start with '#').  Tolerances (issue text; comparison rule of golden/README.md):
  frames:   centroid bandwidth rolloff zcr rms onset_env within 1e-4 relative, with
            scale = the column's RMS over the file (|v-g| <= 1e-4*max(|g|, rms)),
            mfcc* and chroma* within 1e-3 absolute
  mel100:   every value within 1e-3 absolute (dB)
  segments: tempo equal (1e-6 relative), onsetcount equal, the rest 1e-3 relative
            (scale 0) except mfccstd* and chroma whose scale is their column mean...
            no: all within 1e-3 relative with the column RMS as scale
  seed:     all 95 dims within 1e-3 relative (scale |mean| of the block for _std
            entries), bpm values (global_bpm, bpm_segments_*) to 1e-6 relative,
            NaN where the golden is NaN.
Prints the worst offenders; exit 1 on any failure."""
import math
import sys

import numpy as np

from common import read_text


def read_ours(path):
    with open(path) as f:
        return read_text(f)


def read_golden(path):
    lines = open(path).read().rstrip('\n').split('\n')
    cols = lines[0].split('\t')
    rows = [[float(x) for x in l.split('\t')] for l in lines[1:]]
    return cols, np.array(rows, dtype=np.float64)


def main():
    kind, gpath, opath = sys.argv[1:4]
    bad = []
    if kind == 'seed':
        glines = open(gpath).read().rstrip('\n').split('\n')[1:]
        names = [l.split('\t')[1] for l in glines]
        gv = np.array([float(l.split('\t')[2]) for l in glines])
        cols, keys, ov = read_ours(opath)
        if cols != names or len(keys) != 1:
            print('columns or record count differ', cols[:5], names[:5], len(keys))
            return 1
        ov = ov[0]
        for i, n in enumerate(names):
            g, v = gv[i], ov[i]
            if math.isnan(g) or math.isnan(v):
                if not (math.isnan(g) and math.isnan(v)):
                    bad.append((n, v, g, 'nan'))
                continue
            s = 0.0
            if n.endswith(('_std',)) or '_std' in n[-6:]:
                pass
            base = n.rstrip('0123456789')
            if base.endswith('_std'):
                # the block's mean entry: same name with _mean
                j = names.index(base[:-4] + '_mean' + n[len(base):])
                s = abs(gv[j])
            tol = 1e-6 if 'bpm' in n else 1e-3
            if abs(v - g) > tol * max(abs(g), s):
                bad.append((n, v, g, abs(v - g) / max(abs(g), s, 1e-300)))
        ntested = len(names)
    else:
        gcols, g = read_golden(gpath)
        cols, keys, o = read_ours(opath)
        gcols = gcols[1:]
        g = g[:, 1:]
        if kind == 'mel100':
            o = o[:g.shape[0]]
        if o.shape != g.shape or cols != gcols:
            print('shape/columns differ', o.shape, g.shape, cols[:4], gcols[:4])
            return 1
        for j, c in enumerate(cols):
            rms = math.sqrt(np.mean(g[:, j] ** 2))
            for i in range(g.shape[0]):
                gv, v = g[i, j], o[i, j]
                if kind == 'mel100' or c.startswith(('mfcc', 'chroma')) and kind == 'frames':
                    ok = abs(v - gv) <= 1e-3
                    err = abs(v - gv)
                elif kind == 'segments' and c in ('tempo', 'onsetcount'):
                    ok = abs(v - gv) <= 1e-6 * abs(gv)
                    err = abs(v - gv)
                else:
                    tol = 1e-4 if kind == 'frames' else 1e-3
                    ok = abs(v - gv) <= tol * max(abs(gv), rms)
                    err = abs(v - gv) / max(abs(gv), rms, 1e-300)
                if not ok:
                    bad.append(('%s[%d]' % (c, i), v, gv, err))
        ntested = g.size
    for b in sorted(bad, key=lambda b: -b[3] if b[3] != 'nan' else 0)[:15]:
        print('%-28s ours %.9g golden %.9g err %s' % b)
    print('%s: %d values, %d out of tolerance' % (kind, ntested, len(bad)))
    return 1 if bad else 0


sys.exit(main())
