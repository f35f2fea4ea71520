#!/usr/bin/python3
"""librosa_ref.py MODE AUDIO NAME [DIR] — regenerate the librosa goldens of
tests/data/golden (tests/data/golden/README.md) with librosa 0.10.1; run through
tests/ref/librosa-python, which needs librosa's source in $SHARED/reference.

  frames   DIR/NAME.frames.tsv (frame features of the whole clip) and
           DIR/NAME.mel100.tsv (the first 100 frames of the dB mel spectrogram)
  seed223  DIR/NAME.seed223.tsv (dims 0..94 of the song vector) and
           DIR/NAME.segments.tsv (the per-segment features)
  full     DIR/NAME.full.tsv (the 634-d whole-file profile)

AUDIO is loaded as librosa.load(AUDIO, sr=22050, mono=True); resampling goes through
the libsoxr stand-in of full_librosa.py (python-soxr 0.3.7's calls).  DIR defaults to
the current directory.  All of tests/data/golden:

  for n in stk-xeon6 stk-egypt sine440 clicks120 silence; do
    for m in frames seed223 full; do librosa_ref.py $m $AUDIO/$n.22k.wav $n.22k; done
  done
  for f in stk-*.ogg stk-xeon6.{wav,flac,mp3,opus}; do      # then drop their .segments.tsv
    librosa_ref.py seed223 $AUDIO/$f $f
  done"""
import os
import sys

import numpy as np

import full_librosa  # installs the soxr stand-in before librosa is imported
import librosa
from librosa_seed import seg_features

SR = 22050
STATS = ('mean', 'std', 'min', 'max')


def write(path, header, rows):
    """Writes a TSV of a header and rows of (int, values...) as %.9g."""
    with open(path, 'w') as f:
        f.write('\t'.join(header) + '\n')
        for r in rows:
            f.write('\t'.join([str(r[0])] + ['%.9g' % float(v) for v in r[1:]]) + '\n')


def frames(y, out):
    cols = [librosa.feature.spectral_centroid(y=y, sr=SR)[0],
            librosa.feature.spectral_bandwidth(y=y, sr=SR)[0],
            librosa.feature.spectral_rolloff(y=y, sr=SR)[0],
            librosa.feature.zero_crossing_rate(y)[0],
            librosa.feature.rms(y=y)[0],
            librosa.onset.onset_strength(y=y, sr=SR)]
    cols += list(librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13))
    cols += list(librosa.feature.chroma_stft(y=y, sr=SR))
    head = ['frame', 'centroid', 'bandwidth', 'rolloff', 'zcr', 'rms', 'onset_env']
    head += ['mfcc%d' % i for i in range(13)] + ['chroma%d' % i for i in range(12)]
    write(out + '.frames.tsv', head, [[t] + [c[t] for c in cols] for t in range(len(cols[0]))])
    mel = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR))
    write(out + '.mel100.tsv', ['frame'] + ['mel%d' % i for i in range(mel.shape[0])],
          [[t] + list(mel[:, t]) for t in range(min(100, mel.shape[1]))])


def stats(x):
    x = np.asarray(x, dtype=np.float64)
    if len(x) == 0:
        return [np.nan] * 4
    return [x.mean(), x.std(), x.min(), x.max()]


def seed223(y, out):
    n = 10 * SR
    segs = [y[i:i + n] for i in range(0, len(y), n) if len(y[i:i + n]) >= SR]
    f = np.array([seg_features(s, SR) for s in segs], dtype=np.float64)
    head = ['segment', 'tempo', 'chroma', 'centroid', 'bandwidth', 'rolloff', 'zcr', 'rms']
    head += ['mfccmean%d' % i for i in range(13)] + ['mfccstd%d' % i for i in range(13)]
    head += ['onsetenv', 'onsetcount', 'loudness']
    write(out + '.segments.tsv', head, [[i] + list(r) for i, r in enumerate(f)])
    v = [('duration_sec', len(y) / SR), ('segments', len(segs)),
         ('global_bpm', librosa.beat.beat_track(y=y, sr=SR)[0])]
    blocks = [('bpm_segments', f[f[:, 6] >= 0.01, 0])]
    for i, name in enumerate(['chroma_stft', 'spectral_centroid', 'spectral_bandwidth',
                              'rolloff', 'zero_crossing_rate', 'rms'], 1):
        blocks.append((name, f[:, i]))
    for name, x in blocks:
        v += [('%s_%s' % (name, s), x) for s, x in zip(STATS, stats(x))]
    for name, lo in (('mfcc_mean', 7), ('mfcc_std', 20)):
        m = f[:, lo:lo + 13]
        v += [('%s_mean%d' % (name, i), x) for i, x in enumerate(m.mean(axis=0))]
        v += [('%s_std%d' % (name, i), x) for i, x in enumerate(m.std(axis=0))]
    for name, i in (('onset_env', 33), ('onset_count', 34), ('loudness', 35)):
        v += [('%s_%s' % (name, s), x) for s, x in zip(STATS, stats(f[:, i]))]
    with open(out + '.seed223.tsv', 'w') as o:
        o.write('index\tname\tvalue\n')
        for i, (name, x) in enumerate(v):
            o.write('%d\t%s\t%.9g\n' % (i, name, float(x)))


def full(y, out):
    with open(out + '.full.tsv', 'w') as o:
        o.write('index\tname\tvalue\n')
        for i, (n, x) in enumerate(zip(full_librosa.names(), full_librosa.profile(y, SR))):
            o.write('%d\t%s\t%.9g\n' % (i, n, float(x)))


def main(argv):
    if len(argv) not in (3, 4) or argv[0] not in ('frames', 'seed223', 'full'):
        sys.exit(__doc__.split('\n\n')[0])
    y, _ = librosa.load(argv[1], sr=SR, mono=True)
    out = os.path.join(argv[3] if len(argv) == 4 else '.', argv[2])
    {'frames': frames, 'seed223': seed223, 'full': full}[argv[0]](y, out)


if __name__ == '__main__':
    main(sys.argv[1:])
