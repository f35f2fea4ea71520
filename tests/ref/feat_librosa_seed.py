#!/usr/bin/python3
"""feat_librosa_seed.py FILE... — the seed features (what `feat -m seed` computes)
with librosa 0.10.1, for the benchmark; run through tests/ref/librosa-python.
Prints the CPU seconds spent computing (after import and a warm-up on 1 s of audio
that compiles numba), summed over the files, on stdout."""
import sys
import time

import soundfile as sf

from librosa_seed import seed


y, sr = sf.read(sys.argv[1], dtype='float32')
seed(y[:sr], sr)  # warm-up: numba compilation
total = 0.0
for path in sys.argv[1:]:
    y, sr = sf.read(path, dtype='float32')
    if y.ndim > 1:
        y = y.mean(axis=1)
    t0 = time.process_time()
    seed(y, sr)
    total += time.process_time() - t0
print('%.4f' % total)
