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
import numpy as np


def seg_features(y, sr):
    tempo = librosa.beat.beat_track(y=y, sr=sr)[0]
    chroma = np.mean(librosa.feature.chroma_stft(y=y, sr=sr))
    c = np.mean(librosa.feature.spectral_centroid(y=y, sr=sr))
    b = np.mean(librosa.feature.spectral_bandwidth(y=y, sr=sr))
    r = np.mean(librosa.feature.spectral_rolloff(y=y, sr=sr))
    z = np.mean(librosa.feature.zero_crossing_rate(y))
    rms = librosa.feature.rms(y=y)
    m = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=13)
    env = librosa.onset.onset_strength(y=y, sr=sr)
    on = len(librosa.onset.onset_detect(onset_envelope=env, sr=sr))
    loud = np.mean(librosa.amplitude_to_db(rms))
    return [tempo, chroma, c, b, r, z, np.mean(rms), *np.mean(m, axis=1),
            *np.std(m, axis=1), np.mean(env), on, loud]


def seed(y, sr):
    n = 10 * sr
    segs = [y[i:i + n] for i in range(0, len(y), n) if len(y[i:i + n]) >= sr]
    f = np.array([seg_features(s, sr) for s in segs], dtype=np.float64)
    gbpm = librosa.beat.beat_track(y=y, sr=sr)[0]
    return len(y) / sr, len(segs), gbpm, f.mean(axis=0), f.std(axis=0)


path = sys.argv[1]
y, sr = librosa.load(path, sr=22050, res_type='polyphase', duration=1.0)
seed(y, sr)  # warm-up: numba compilation
t0 = time.process_time()
y, sr = librosa.load(path, sr=22050, res_type='polyphase')
t1 = time.process_time()
seed(y, sr)
t2 = time.process_time()
print('%.4f %.4f' % (t1 - t0, t2 - t0))
