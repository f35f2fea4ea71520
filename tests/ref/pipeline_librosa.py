#!/usr/bin/python3
"""pipeline_librosa.py FILE — librosa 0.10.1 doing what `segment FILE | feat -m seed`
does, for scripts/bench.d/10-pipeline.sh: librosa.load(FILE, sr=22050, mono=True,
res_type='polyphase') (soxr is not installed here; polyphase is scipy's
resample_poly), then the seed features per 10 s segment and the whole-song tempo.
Run through tests/ref/librosa-python.  Prints "LOAD_CPU_S TOTAL_CPU_S" (process
time after imports and a numba warm-up on 1 s of audio)."""
import sys
import time

import librosa

from librosa_seed import seed


path = sys.argv[1]
y, sr = librosa.load(path, sr=22050, res_type='polyphase', duration=1.0)
seed(y, sr)  # warm-up: numba compilation
t0 = time.process_time()
y, sr = librosa.load(path, sr=22050, res_type='polyphase')
t1 = time.process_time()
seed(y, sr)
t2 = time.process_time()
print('%.4f %.4f' % (t1 - t0, t2 - t0))
