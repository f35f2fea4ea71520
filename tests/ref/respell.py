#!/usr/bin/python3
"""respell.py LOG TEST... — carry golden outputs over to the shortest round-trip
number spelling (songvec(5), NUMBERS), checking that only the spelling changed.

LOG is the output of tests/run (or of one test file).  For every failure whose
only problem is "stdout differs", each pair of expected/actual lines of its diff
is split into numbers and the text between them; the pair is accepted only when
the text is identical and every changed number reads as the same float32 (NaN as
NaN).  The accepted substitutions (old spelling -> new) are applied, as whole
numbers, to the lines of that test's `t NAME ...` call in the TEST files given
(up to the next t/ok/skip line, comment or blank line).
Prints what it changed and every failure it left alone, with the reason."""
import re
import sys

import numpy as np

NUM = re.compile(r'(?<![\w.+-])[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)(?![\w.])')


def f32(s):
    v = np.float32(float(s))
    return 'nan' if np.isnan(v) else v.tobytes()


def pairs(block):
    """(old, new) line pairs of a diff in a log block, or None when not 1:1"""
    old, new, out = [], [], []
    for ln in block + ['  END']:
        ln = ln[2:] if ln.startswith('  ') else ln
        if ln.startswith('< '):
            old.append(ln[2:])
        elif ln.startswith('> '):
            new.append(ln[2:])
        elif ln == '---':
            continue
        else:
            if len(old) != len(new):
                return None
            out += zip(old, new)
            old, new = [], []
    return out


def subs(old, new):
    """{old number: new number} turning line old into new, or None"""
    if NUM.sub('#', old) != NUM.sub('#', new):
        return None
    m = {}
    for a, b in zip(NUM.findall(old), NUM.findall(new)):
        if a != b:
            if f32(a) != f32(b):
                return None
            m[a] = b
    return m


def failures(log):
    name, block, out = None, [], []
    for ln in open(log).read().split('\n') + ['PASS']:
        if ln.startswith(('PASS ', 'FAIL ', 'SKIP ', '== ')) or re.match(r'^\d+ passed', ln):
            if name is not None:
                out.append((name, block))
            name, block = None, []
            if ln.startswith('FAIL '):
                name, block = ln[5:], []
        elif name is not None:
            block.append(ln)
    return out


def apply(tests, name, m):
    for path in tests:
        lines = open(path).read().split('\n')
        for i, ln in enumerate(lines):
            if not re.match(r'^t ["\']?%s["\']? ' % re.escape(name), ln):
                continue
            j = i + 1
            while j < len(lines) and j < i + 30 and lines[j].strip() and \
                    not re.match(r'^(t|ok|skip|man_examples) |^# |^#$', lines[j]):
                j += 1  # the call's continuation lines and quoted multi-line goldens
            for k in range(i, j):
                for a, b in m.items():
                    lines[k] = re.sub(r'(?:(?<=\\[tn])|(?<![\w.+-]))%s(?![\w.])' % re.escape(a), b, lines[k])
            open(path, 'w').write('\n'.join(lines))
            return path
    return None


def main():
    log, tests = sys.argv[1], sys.argv[2:]
    for fail, block in failures(log):
        if not fail.endswith(': ; stdout differs'):
            print('left: %s (not only stdout)' % fail)
            continue
        name = fail[:-len(': ; stdout differs')]
        ps = pairs(block[block.index('  --- stdout diff:') + 1:block.index('  --- stderr:')])
        m = {}
        for old, new in ps or []:
            s = subs(old, new)
            if s is None:
                ps = None
                break
            m.update(s)
        if not ps or not m:
            print('left: %s (not only the spelling of numbers)' % name)
            continue
        where = apply(tests, name, m)
        print('%s: %s: %s' % (where or 'NOT FOUND', name,
                              ', '.join('%s -> %s' % kv for kv in sorted(m.items()))))


if __name__ == '__main__':
    main()
