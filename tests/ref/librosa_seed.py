"""librosa_seed.py — the seed features (what `feat -m seed` computes) with librosa
0.10.1: per 10 s segment, then [mean, std] across segments and the whole-song tempo.
Shared by the benchmark references feat_librosa_seed.py and pipeline_librosa.py."""
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
