#!/usr/bin/python3
"""Oracle for tests/segment.test: what librosa.load + the 10 s segment rule give.

  segment_ref.py lengths AUDIO RATE SECONDS < stream.tsv
      the TSV output of `segment` for AUDIO has librosa's keys and segment lengths:
      n = ceil(frames * RATE / file rate) samples (soundfile's frame count, or the
      ffmpeg s16 decode for Opus), cut into SECONDS windows, a last partial one kept
      when >= 1 s.
  segment_ref.py exact AUDIO < stream.tsv
      no resampling (-r 0): samples equal librosa's mono (mean of channels, float32)
      bit for bit; Opus/unknown formats through ffmpeg s16le as audioread does.
  segment_ref.py soxr AUDIO RATE < stream.tsv
      resampled samples (segment -l 0) against python-soxr's soxr.resample(y, sr,
      RATE, 'soxr_hq') as librosa calls it, i.e. libsoxr's SOXR_HQ on float32,
      reproduced here with ctypes on libsoxr.so.0 and cut/padded to
      ceil(n * RATE / sr); prints the largest difference, fails above 1e-6.
  segment_ref.py write NAME RATE CHANNELS FRAMES
      a 16-bit WAV of FRAMES frames of noise (seeded), each channel different.
"""
import math
import subprocess
import sys

import numpy as np
import soundfile as sf


def read_tsv(fp):
    rate, recs = None, []
    for line in fp:
        line = line.rstrip('\n')
        if line.startswith('#songvec'):
            for f in line.split()[1:]:
                if f.startswith('rate='):
                    rate = float(f[5:])
            continue
        if line.startswith('#'):
            continue
        f = line.split('\t')
        recs.append((f[0], np.array(f[1:], dtype=np.float32)))
    return rate, recs


def librosa_mono(path):
    """(samples float32 mono, rate) as librosa.load(sr=None) reads them."""
    try:
        if path.endswith('.opus'):
            raise RuntimeError('libsndfile 1.2.0 fails on Opus')
        y, sr = sf.read(path, dtype='float32', always_2d=True)
        y = y.T
    except Exception:  # audioread's ffmpeg path: s16le at the native rate
        info = subprocess.run(['ffprobe', '-v', 'error', '-select_streams', 'a:0',
                               '-show_entries', 'stream=sample_rate,channels',
                               '-of', 'csv=p=0', path], capture_output=True,
                              text=True, check=True).stdout.strip().split(',')
        sr, ch = int(info[0]), int(info[1])
        raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-f', 's16le', '-'],
                             capture_output=True, check=True).stdout
        y = (np.frombuffer(raw, '<i2').astype(np.float32) * (1 / 32768)).reshape(-1, ch).T
    return np.mean(y, axis=0), sr


def soxr_hq(y, sr, rate):
    import ctypes as C

    lib = C.CDLL('libsoxr.so.0')

    class IoSpec(C.Structure):
        _fields_ = [('itype', C.c_int), ('otype', C.c_int), ('scale', C.c_double),
                    ('e', C.c_void_p), ('flags', C.c_ulong)]

    class QSpec(C.Structure):
        _fields_ = [('precision', C.c_double), ('phase_response', C.c_double),
                    ('passband_end', C.c_double), ('stopband_begin', C.c_double),
                    ('e', C.c_void_p), ('flags', C.c_ulong)]

    lib.soxr_io_spec.restype = IoSpec
    lib.soxr_quality_spec.restype = QSpec
    lib.soxr_quality_spec.argtypes = [C.c_ulong, C.c_ulong]
    lib.soxr_oneshot.restype = C.c_char_p
    io = lib.soxr_io_spec(0, 0)
    q = lib.soxr_quality_spec(4, 0)  # SOXR_HQ
    x = np.ascontiguousarray(y, dtype=np.float32)
    olen = math.ceil(len(x) * rate / sr)
    out = np.zeros(olen, np.float32)
    odone = C.c_size_t(0)
    err = lib.soxr_oneshot(C.c_double(sr), C.c_double(rate), C.c_uint(1),
                           x.ctypes.data_as(C.c_void_p), C.c_size_t(len(x)), None,
                           out.ctypes.data_as(C.c_void_p), C.c_size_t(olen), C.byref(odone),
                           C.byref(io), C.byref(q), None)
    if err:
        raise RuntimeError(err)
    return out  # librosa's fix_length: zeros past odone, cut at ceil


def main():
    mode = sys.argv[1]
    if mode == 'write':
        name, rate, ch, frames = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        rng = np.random.default_rng(frames + ch)
        sf.write(name, rng.uniform(-0.9, 0.9, (frames, ch)), rate, subtype='PCM_16')
        return 0
    path = sys.argv[2]
    rate, recs = read_tsv(sys.stdin)
    y, sr = librosa_mono(path)
    stem = path.rsplit('/', 1)[-1].rsplit('.', 1)[0]
    if mode == 'soxr':
        want = soxr_hq(y, sr, float(sys.argv[3]))
        got = np.concatenate([v for _, v in recs])
        if len(got) != len(want):
            print(f'{len(got)} samples, soxr gives {len(want)}')
            return 1
        d = np.max(np.abs(got - want))
        print(f'max |diff| {d:.3g} over {len(got)} samples')
        return 0 if d <= 1e-6 else 1
    if mode == 'exact':
        got = np.concatenate([v for _, v in recs]) if recs else np.zeros(0, np.float32)
        if rate != sr or len(got) != len(y) or not np.array_equal(got, y):
            bad = np.flatnonzero(got[:len(y)] != y[:len(got)])
            print(f'rate {rate} vs {sr}, {len(got)} vs {len(y)} samples, first diff at',
                  bad[:5], got[bad[:3]] if len(bad) else '', y[bad[:3]] if len(bad) else '')
            return 1
        return 0
    want_rate, seconds = float(sys.argv[3]), float(sys.argv[4])
    n = math.ceil(len(y) * want_rate / sr)
    seg = int(round(seconds * want_rate))
    if seg == 0:  # -l 0: the whole file
        lens = [n]
    else:
        lens = [seg] * (n // seg)
        if n % seg >= want_rate:
            lens.append(n % seg)
    want = [(f'{stem}#{i}', k) for i, k in enumerate(lens)]
    got = [(k, len(v)) for k, v in recs]
    if rate != want_rate or got != want:
        print('rate', rate, 'want', want_rate)
        print('got ', got)
        print('want', want)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
