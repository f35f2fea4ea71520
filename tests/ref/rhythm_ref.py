"""rhythm_ref.py OUTDIR WAV... — librosa 0.10.1 oracle for src/lib/dsp/beat.c and chroma.c.

Run with tests/ref/librosa-python.  For each clip (loaded with sr=None), per 10 s
segment (220500 samples; a last partial one kept if >= 1 s) and for the whole clip,
writes into OUTDIR raw little-endian float32 files and lines of OUTDIR/manifest that
tests/unit/rhythm.c checks:

  tempo   ENV.f32 SR HOP EXPECTED              beat_track(y=y, sr=sr)[0]; ENV is its
                                               median onset envelope
  tuning  S.f32 NFRAMES NFFT SR EXPECTED       estimate_tuning(S=|stft|^2, sr=sr),
                                               S frame-major
  chroma  FB.f32 SR NFFT TUNING                filters.chroma(sr, n_fft, tuning), 12 x bins
  golden  KIND VALUE ENV.f32 SR HOP            tempo vs a value of tests/data/golden

plus synthetic envelopes (random, sparse, short) and spectra (detuned tones).
"""
import os
import sys
import warnings

import numpy as np
import librosa

warnings.filterwarnings("ignore")
out = sys.argv[1]
wavs = sys.argv[2:]
golden_dir = os.environ.get("GOLDEN", "")
man = open(os.path.join(out, "manifest"), "w")
nfile = [0]


def dump(arr, tag):
    nfile[0] += 1
    name = "%s%d.f32" % (tag, nfile[0])
    np.ascontiguousarray(arr, dtype="<f4").tofile(os.path.join(out, name))
    return name


def tempo_case(y, sr, label):
    env = librosa.onset.onset_strength(y=y, sr=sr, aggregate=np.median)
    tempo = librosa.beat.beat_track(y=y, sr=sr)[0]
    name = dump(env, "env")
    man.write("tempo %s %r 512 %r %s\n" % (name, float(sr), float(tempo), label))
    return name


def tempo_env(env, sr, label, hop=512):
    env = np.asarray(env, dtype=np.float32)
    # beat_track's own steps (its beat tracker, which we do not need, fails on n=1)
    if not env.any():
        tempo = 0
    else:
        tempo = librosa.feature.tempo(onset_envelope=env, sr=sr, hop_length=hop)[0]
    name = dump(env, "env")
    man.write("tempo %s %r %d %r %s\n" % (name, float(sr), hop, float(tempo), label))


def tuning_S(S, sr, label):
    S = np.asarray(S, dtype=np.float32)
    n_fft = 2 * (S.shape[0] - 1)
    tun = librosa.estimate_tuning(S=S, sr=sr, n_fft=n_fft, bins_per_octave=12)
    name = dump(S.T, "S")
    man.write("tuning %s %d %d %r %r %s\n" % (name, S.shape[1], n_fft, float(sr), float(tun), label))
    return tun


def tuning_case(y, sr, label, n_fft=2048):
    S = np.abs(librosa.stft(y, n_fft=n_fft)) ** 2
    return tuning_S(S, sr, label)


def chroma_case(sr, n_fft, tuning):
    fb = librosa.filters.chroma(sr=sr, n_fft=n_fft, tuning=tuning, n_chroma=12)
    name = dump(fb, "fb")
    man.write("chroma %s %r %d %r\n" % (name, float(sr), n_fft, float(tuning)))


def golden_col(path, col):
    rows = [l.rstrip("\n").split("\t") for l in open(path)]
    i = rows[0].index(col)
    return [float(r[i]) for r in rows[1:]]


def golden_val(path, key):
    for l in open(path):
        f = l.rstrip("\n").split("\t")
        if len(f) == 3 and f[1] == key:
            return float(f[2])
    raise KeyError(key)


tunings = set()
for w in wavs:
    base = os.path.basename(w)
    y, sr = librosa.load(w, sr=None)
    seg = 220500
    starts = list(range(0, len(y), seg))
    segs = [y[s:s + seg] for s in starts if len(y[s:s + seg]) >= 22050]
    gseg = gname = None
    stem = base[:-4]
    if golden_dir and os.path.exists(os.path.join(golden_dir, stem + ".segments.tsv")):
        gseg = golden_col(os.path.join(golden_dir, stem + ".segments.tsv"), "tempo")
        gname = os.path.join(golden_dir, stem + ".seed223.tsv")
    for i, s in enumerate(segs):
        name = tempo_case(s, sr, "%s:seg%d" % (base, i))
        if gseg is not None:
            man.write("golden %s:seg%d %r %s %r 512\n" % (base, i, gseg[i], name, float(sr)))
        tunings.add(tuning_case(s, sr, "%s:seg%d" % (base, i)))
    name = tempo_case(y, sr, "%s:whole" % base)
    if gname:
        man.write("golden %s:global_bpm %r %s %r 512\n"
                  % (base, golden_val(gname, "global_bpm"), name, float(sr)))
    tunings.add(tuning_case(y, sr, "%s:whole" % base))

# synthetic envelopes: random dense, sparse spikes, short, constant, one spike
rng = np.random.default_rng(223)
for n in (1, 2, 3, 10, 100, 171, 172, 173, 343, 344, 345, 700, 2000):
    tempo_env(rng.random(n), 22050, "rand%d" % n)
    e = np.zeros(n)
    e[rng.integers(0, n, max(1, n // 20))] = rng.random(max(1, n // 20)) * 5
    tempo_env(e, 22050, "sparse%d" % n)
tempo_env(np.ones(500), 22050, "const500")
e = np.zeros(800); e[400] = 1
tempo_env(e, 22050, "spike800")
e = np.zeros(3000); e[::25] = 1; e[1000:1200] = 0
tempo_env(e, 22050, "period25")
tempo_env(rng.random(1500) * 1e-30, 22050, "tiny1500")
tempo_env(rng.random(900), 16000, "sr16k", hop=256)
tempo_env(rng.random(900), 44100, "sr44k", hop=1024)
# other window sizes W (beat.c's FFT size N): 689 (1536), 31 (64), 15 (32), 4 (8),
# 3 (6), 2 (4), 1 (none: bpms[0])
for sr, hop in ((44100, 512), (2000, 512), (1000, 512), (300, 512), (192, 512),
                (128, 512), (64, 512)):
    for n in (1, 5, 300):
        tempo_env(rng.random(n), sr, "sr%d-hop%d-n%d" % (sr, hop, n), hop=hop)

# tuning: detuned tones, noise, other sizes
for cents in (-0.43, -0.17, 0.0, 0.05, 0.23, 0.49):
    t = np.arange(3 * 22050) / 22050.0
    f = 440.0 * 2 ** (cents / 12)
    y = (0.3 * np.sin(2 * np.pi * f * t) + 0.2 * np.sin(2 * np.pi * 1.5 * f * t)
         + 0.01 * rng.standard_normal(len(t))).astype(np.float32)
    tunings.add(tuning_case(y, 22050, "tone%+.2f" % cents))
y = rng.standard_normal(44100).astype(np.float32)
tunings.add(tuning_case(y, 22050, "noise-nfft1024", n_fft=1024))
tunings.add(tuning_case(y, 16000, "noise-sr16k-nfft512", n_fft=512))
tunings.add(tuning_case(y, 44100, "noise-sr44k-nfft4096", n_fft=4096))
S = np.abs(librosa.stft(y[:22050])) ** 2
S[:, 3] = np.nan
tuning_S(S, 22050, "nanframe")
tuning_S(np.zeros((1025, 5)), 22050, "zeros")
tuning_S(np.zeros((1025, 0)), 22050, "noframes")

for sr, n_fft in ((22050, 2048), (16000, 512), (44100, 4096), (22050, 1024)):
    for tun in sorted(tunings | {0.0, -0.5, 0.49, -0.07, 0.31}):
        chroma_case(sr, n_fft, tun)
man.close()
