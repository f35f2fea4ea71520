#!/usr/bin/python3
"""full_compare.py GOLDEN OURS [TOL] — compare `feat -m full` output (TSV, one record)
with a librosa golden NAME.full.tsv (index, name, value).  TOL defaults to 1e-3.

Rule (golden/README.md: |v - g| <= TOL * max(|g|, s), s the entry's scale):
  tempo                     exact grid value: s = 0 and tolerance 1e-6
  X_meanK and X_stdK pairs  (mfcc, chroma_cqt, centroid, rolloff, bandwidth,
                            contrast, zcr, rms, tonnetz): s = sqrt(mean^2 + std^2)
                            of the golden pair, i.e. the RMS of that frame feature over
                            the file (README: "for frame features the scale is the
                            column's RMS"; for a std entry it is >= |mean|, the README
                            block rule, and keeps std/mean pairs near 0 judged on the
                            feature's own size)
  mfcc_delta_meanK          s = RMS of MFCC K over the file / number of frames: the mean
                            of a Savitzky-Golay delta is a telescoped sum of a few edge
                            frames divided by the frame count, so that is its size
                            (frames = 1 + samples // 512, from OURS' wav via -n)
  flatness_mean             s = 0 (plain relative)
  mel_*                     s = RMS of the file's 512 golden mel dB entries (dB
                            relative to the file's max: entries near 0 dB are judged on
                            the file's dB scale)
Output must have the golden's column names in order and no NaN/inf where the golden
is finite.  Prints the worst entries; exit 1 on any failure."""
import math
import sys


def main():
    args = sys.argv[1:]
    frames = None
    if args[0] == '-n':
        frames = int(args[1])
        args = args[2:]
    gpath, opath = args[0], args[1]
    tol = float(args[2]) if len(args) > 2 else 1e-3
    gl = open(gpath).read().rstrip('\n').split('\n')[1:]
    names = [l.split('\t')[1] for l in gl]
    g = {l.split('\t')[1]: float(l.split('\t')[2]) for l in gl}
    cols, recs = None, []
    for line in open(opath):
        f = line.rstrip('\n').split('\t')
        if f[0] == '#key':
            cols = f[1:]
        elif not f[0].startswith('#'):
            recs.append([float(x) for x in f[1:]])
    if cols != names or len(recs) != 1:
        print('columns or record count differ: %d records, %s' % (len(recs), (cols or [])[:3]))
        return 1
    v = dict(zip(cols, recs[0]))
    mel = [g[n] for n in names if n.startswith('mel_')]
    melrms = math.sqrt(sum(x * x for x in mel) / len(mel))
    bad, worst = [], []
    for n in names:
        gv, ov = g[n], v[n]
        t = tol
        if n == 'tempo':
            s, t = 0.0, 1e-6
        elif n.startswith('mel_'):
            s = melrms
        elif n.startswith('mfcc_delta_mean'):
            k = n[len('mfcc_delta_mean'):]
            s = math.hypot(g['mfcc_mean' + k], g['mfcc_std' + k]) / (frames or 1)
        elif n == 'flatness_mean':
            s = 0.0
        elif '_mean' in n or '_std' in n:
            i = n.rfind('_mean') if '_mean' in n else n.rfind('_std')
            base, rest = n[:i], n[i:]
            k = rest.lstrip('_meanstd')
            s = math.hypot(g[base + '_mean' + k], g[base + '_std' + k])
        if not math.isfinite(ov) or not math.isfinite(gv):
            ok = math.isnan(ov) and math.isnan(gv) or ov == gv
            err = float('inf') if not ok else 0
        else:
            err = abs(ov - gv) / max(abs(gv), s, 1e-300)
            ok = abs(ov - gv) <= t * max(abs(gv), s)
        worst.append((err / t, n, ov, gv, err))
        if not ok:
            bad.append(n)
    worst.sort(reverse=True)
    for w in worst[:8]:
        print('%-20s ours %-14.9g golden %-14.9g err %.3g (of tol)' % (w[1], w[2], w[3], w[0]))
    print('full: %d values, %d out of tolerance' % (len(names), len(bad)))
    return 1 if bad else 0


sys.exit(main())
