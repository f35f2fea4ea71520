#!/usr/bin/python3
"""full_librosa.py [-t] FILE — the 634-d whole-file profile (DESIGN.md §4, what
`feat -m full` computes) with librosa 0.10.1; run through tests/ref/librosa-python.

Prints `index<TAB>name<TAB>value` lines as tests/data/golden/*.full.tsv.  With -t,
prints only the CPU seconds spent computing the profile (after a warm-up on 1 s of
audio that compiles numba), for the benchmark.

Debian has no python-soxr, and librosa's CQT resamples with soxr 'soxr_hq' between
octaves, so this installs a stand-in `soxr` module that calls the system libsoxr
through ctypes exactly as python-soxr 0.3.7's resample() does (soxr_create with the
default float32 io spec and HQ quality, input in chunks of int(48000*in/out)
samples, one flush call, output cut at ceil(n*out/in)).  Float32 input only."""
import ctypes
import sys
import time
import types

import numpy as np

_lib = ctypes.CDLL('libsoxr.so.0')
_lib.soxr_create.restype = ctypes.c_void_p
_lib.soxr_create.argtypes = [ctypes.c_double, ctypes.c_double, ctypes.c_uint,
                             ctypes.POINTER(ctypes.c_char_p), ctypes.c_void_p,
                             ctypes.c_void_p, ctypes.c_void_p]
_lib.soxr_process.restype = ctypes.c_char_p
_lib.soxr_process.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                              ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                              ctypes.POINTER(ctypes.c_size_t)]
_lib.soxr_delete.argtypes = [ctypes.c_void_p]


def _resample(x, in_rate, out_rate, quality='soxr_hq'):
    assert quality in ('soxr_hq', 'HQ'), quality
    x = np.ascontiguousarray(x, dtype=np.float32)
    ilen = x.shape[0]
    olen = int(np.ceil(ilen * out_rate / in_rate))
    chunk = int(48000 * in_rate / out_rate)
    err = ctypes.c_char_p()
    s = _lib.soxr_create(float(in_rate), float(out_rate), 1, ctypes.byref(err), None, None, None)
    if err.value:
        raise RuntimeError(err.value)
    y = np.zeros(olen, dtype=np.float32)
    odone = ctypes.c_size_t()
    pos = idx = 0
    xp, yp = x.ctypes.data, y.ctypes.data
    while idx + chunk < ilen:
        _lib.soxr_process(s, xp + 4 * idx, chunk, None, yp + 4 * pos, olen - pos, ctypes.byref(odone))
        pos += odone.value
        idx += chunk
    if idx < ilen:
        _lib.soxr_process(s, xp + 4 * idx, ilen - idx, None, yp + 4 * pos, olen - pos, ctypes.byref(odone))
        pos += odone.value
    if pos < olen:
        _lib.soxr_process(s, None, 0, None, yp + 4 * pos, olen - pos, ctypes.byref(odone))
        pos += odone.value
    _lib.soxr_delete(s)
    return y[:pos]


_soxr = types.ModuleType('soxr')
_soxr.resample = _resample
sys.modules['soxr'] = _soxr

import librosa  # noqa: E402
import soundfile as sf  # noqa: E402


def names():
    n = []
    n += ['mfcc_mean%d' % i for i in range(20)]
    n += ['mfcc_std%d' % i for i in range(20)]
    n += ['mfcc_delta_mean%d' % i for i in range(20)]
    n += ['chroma_cqt_mean%d' % i for i in range(12)]
    n += ['chroma_cqt_std%d' % i for i in range(12)]
    n += ['centroid_mean', 'centroid_std', 'rolloff_mean', 'rolloff_std',
          'bandwidth_mean', 'bandwidth_std']
    n += ['contrast_mean%d' % i for i in range(7)]
    n += ['contrast_std%d' % i for i in range(7)]
    n += ['flatness_mean', 'zcr_mean', 'zcr_std', 'tempo', 'rms_mean', 'rms_std']
    n += ['tonnetz_mean%d' % i for i in range(6)]
    n += ['tonnetz_std%d' % i for i in range(6)]
    for p in ('mel_mean', 'mel_p25_', 'mel_p50_', 'mel_p75_'):
        n += ['%s%d' % (p, i) for i in range(128)]
    return n


def profile(y, sr):
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20)
    delta = librosa.feature.delta(mfcc)
    chroma = librosa.feature.chroma_cqt(y=y, sr=sr)
    cen = librosa.feature.spectral_centroid(y=y, sr=sr)
    rol = librosa.feature.spectral_rolloff(y=y, sr=sr)
    bw = librosa.feature.spectral_bandwidth(y=y, sr=sr)
    con = librosa.feature.spectral_contrast(y=y, sr=sr)
    flat = librosa.feature.spectral_flatness(y=y)
    zcr = librosa.feature.zero_crossing_rate(y)
    tempo = librosa.beat.beat_track(y=y, sr=sr)[0]
    rms = librosa.feature.rms(y=y)
    ton = librosa.feature.tonnetz(y=y, sr=sr)
    mel = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr), ref=np.max)
    v = []
    v += list(np.mean(mfcc, axis=1)) + list(np.std(mfcc, axis=1)) + list(np.mean(delta, axis=1))
    v += list(np.mean(chroma, axis=1)) + list(np.std(chroma, axis=1))
    v += [np.mean(cen), np.std(cen), np.mean(rol), np.std(rol), np.mean(bw), np.std(bw)]
    v += list(np.mean(con, axis=1)) + list(np.std(con, axis=1))
    v += [np.mean(flat), np.mean(zcr), np.std(zcr), tempo, np.mean(rms), np.std(rms)]
    v += list(np.mean(ton, axis=1)) + list(np.std(ton, axis=1))
    v += list(np.mean(mel, axis=1))
    for q in (25, 50, 75):
        v += list(np.percentile(mel, q, axis=1))
    return v


def main():
    args = sys.argv[1:]
    timing = args and args[0] == '-t'
    if timing:
        args = args[1:]
    y, sr = sf.read(args[0], dtype='float32')
    if y.ndim > 1:
        y = y.mean(axis=1)
    if timing:
        profile(y[:sr], sr)
        t0 = time.process_time()
        profile(y, sr)
        print('%.4f' % (time.process_time() - t0))
        return
    print('index\tname\tvalue')
    for i, (n, x) in enumerate(zip(names(), profile(y, sr))):
        print('%d\t%s\t%.9g' % (i, n, float(x)))


if __name__ == "__main__":
    main()
