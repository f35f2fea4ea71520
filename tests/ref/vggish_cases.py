#!/usr/bin/python3
"""Inputs and checks of tests/vggish.test that need Python.

  vggish_cases.py short                 write short.tsv (records of 15599, 0 and
                                        15600 samples at 16 kHz) and empty.wav
  vggish_cases.py bad-weights CONVERTER write part.svw, shape.svw, bad.svw (a
                                        missing tensor, a wrong shape, one to corrupt),
                                        wino.svw and winoshape.svw (wrong Winograd
                                        kernels, kernels of another shape)
  vggish_cases.py tf-mapping CONVERTER SD.pth
                                        the converter's TF checkpoint mapping (HWIO
                                        -> OIHW, fc transposes) gives the torch state
                                        dict back
  vggish_cases.py agg-segment EX SEG    SEG's records are the means of EX's examples
                                        <seg>.<m>: 10 per segment, 3 segments
  vggish_cases.py agg-song SEG SONG KEY SONG's one record KEY is the mean of SEG's 3
                                        segments
Means within 1e-4 absolute.  Exit 1 on a failed check."""
import importlib.machinery
import sys

import numpy as np

from common import read_text


def converter(path):
    return importlib.machinery.SourceFileLoader('c', path).load_module()


def short():
    x = np.sin(np.arange(15600) * 0.3).astype(np.float32)
    with open('short.tsv', 'w') as f:
        f.write('#songvec dim=0 rate=16000\n')
        f.write('s#0\t' + '\t'.join('%.9g' % v for v in x[:15599]) + '\n')
        f.write('e#0\n')
        f.write('one#0\t' + '\t'.join('%.9g' % v for v in x) + '\n')
    import soundfile
    soundfile.write('empty.wav', np.zeros(0, np.float32), 16000)


def bad_weights(conv):
    c = converter(conv)
    c.write('part.svw', {'features.0.weight': np.zeros((64, 3, 3, 1))})
    c.write('shape.svw', {'features.0.weight': np.zeros((64, 1, 3, 2))})
    c.write('bad.svw', {'features.0.weight': np.ones((64, 3, 3, 1))})
    r = np.random.default_rng(1)
    t = {k: r.standard_normal(c.SHAPES[k]) for k in ('features.0.weight', 'features.0.bias',
                                                       'features.3.weight', 'features.3.bias')}
    u = c.winograd4(t['features.3.weight'])
    u[3, 2, 127, 63] += 1e-3 * abs(u).max()
    c.write('wino.svw', dict(t, **{'features.3.winograd4': u}))
    c.write('winoshape.svw', dict(t, **{'features.3.winograd4': u[:4, :4]}))


def tf_mapping(conv, sdpath):
    import torch
    c = converter(conv)
    sd = {k: v.numpy() for k, v in torch.load(sdpath).items()}
    tf = {}
    for i, s in c.CONV:
        tf['vggish/%s/weights' % s] = sd['features.%d.weight' % i].transpose(2, 3, 1, 0)
        tf['vggish/%s/biases' % s] = sd['features.%d.bias' % i]
    for i, s in c.FC:
        tf['vggish/%s/weights' % s] = sd['embeddings.%d.weight' % i].T
        tf['vggish/%s/biases' % s] = sd['embeddings.%d.bias' % i]
    t = c.from_tf(tf.__getitem__)
    return sorted(t) == sorted(sd) and all(np.array_equal(t[k], sd[k]) for k in sd)


def groups(path, cut):
    """{coarse key: [rows]} of a stream, keys cut at the last `cut` character"""
    with open(path) as f:
        _, keys, X = read_text(f)
    g = {}
    for k, row in zip(keys, X):
        g.setdefault(k.rsplit(cut, 1)[0], []).append(row)
    return g


def agg(fine, coarse, cut, per, count, key=None):
    """coarse holds count records (key: just that one), each the mean of its per
    records in fine"""
    g = groups(fine, cut)
    with open(coarse) as f:
        _, keys, X = read_text(f)
    if len(keys) != count or (key is not None and keys != [key]):
        print('%s: %d records %s, expected %d' % (coarse, len(keys), keys, count))
        return False
    for k, row in zip(keys, X):
        rows = g.get(k, [])
        if len(rows) != per:
            print('%s: %d parts, expected %d' % (k, len(rows), per))
            return False
        err = np.abs(row - np.mean(rows, axis=0)).max()
        if not err <= 1e-4:
            print('%s: off the mean by %g' % (k, err))
            return False
    return True


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'short':
        short()
    elif cmd == 'bad-weights':
        bad_weights(a[0])
    elif cmd == 'tf-mapping':
        return 0 if tf_mapping(a[0], a[1]) else 1
    elif cmd == 'agg-segment':
        return 0 if agg(a[0], a[1], '.', 10, 3) else 1
    elif cmd == 'agg-song':
        return 0 if agg(a[0], a[1], '#', 3, 1, a[2]) else 1
    else:
        sys.exit(__doc__)
    return 0


if __name__ == '__main__':
    sys.exit(main())
