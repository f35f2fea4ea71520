#!/usr/bin/python3
"""damage_gen.py OUTDIR FILE... -- damaged copies of audio files for tests/damage.test.

For each FILE: 32 truncations (the first k/33 of the bytes, k = 1..32) named
trunc-<k>-<name>, and 32 copies with one byte changed (XOR 0x55 at a position
drawn uniformly from the whole file, random.Random(1)) named flip-<k>-<name>."""
import os
import random
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(1)
for path in sys.argv[2:]:
    data = open(path, 'rb').read()
    name = os.path.basename(path)
    for k in range(1, 33):
        with open(os.path.join(out, 'trunc-%02d-%s' % (k, name)), 'wb') as f:
            f.write(data[:len(data) * k // 33])
    for k in range(1, 33):
        b = bytearray(data)
        b[rng.randrange(len(b))] ^= 0x55
        with open(os.path.join(out, 'flip-%02d-%s' % (k, name)), 'wb') as f:
            f.write(bytes(b))
