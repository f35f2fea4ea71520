"""rhythm_bench.py OUTDIR WAV N — librosa side of scripts/bench.d/30-rhythm.sh.

Writes OUTDIR/env.f32 (beat_track's median onset envelope of WAV), OUTDIR/S.f32 (the
power spectrogram of its first 10 s, frame-major) and prints the median CPU times
of librosa's tempo on the envelope tiled to N frames and of estimate_tuning on S:
    py_tempo SECONDS
    py_tuning SECONDS
"""
import sys
import time
import warnings

import numpy as np
import librosa

warnings.filterwarnings("ignore")
out, wav, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
y, sr = librosa.load(wav, sr=None)
env = librosa.onset.onset_strength(y=y, sr=sr, aggregate=np.median)
env.astype("<f4").tofile(out + "/env.f32")
S = np.abs(librosa.stft(y[:220500])) ** 2
np.ascontiguousarray(S.T, dtype="<f4").tofile(out + "/S.f32")
big = np.resize(env, n)


def med(f, reps):
    ts = []
    for _ in range(reps):
        t0 = time.process_time()
        f()
        ts.append(time.process_time() - t0)
    return float(np.median(ts))


librosa.feature.tempo(onset_envelope=big[:1000], sr=sr)  # warm caches
librosa.estimate_tuning(S=S, sr=sr)
print("py_tempo %.6f" % med(lambda: librosa.feature.tempo(onset_envelope=big, sr=sr), 3))
print("py_tuning %.6f" % med(lambda: librosa.estimate_tuning(S=S, sr=sr, bins_per_octave=12), 7))
