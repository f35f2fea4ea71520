#!/usr/bin/python3
"""synth.py DIR — the synthetic test signals of tests/data/audio/SOURCES.txt, written
into DIR as 32-bit float mono WAV (soundfile): the same samples, bit for bit, as the
files the librosa goldens of tests/data/golden were computed on."""
import os
import sys

import numpy as np
import soundfile as sf


def main(d):
    sr = 22050
    t = np.arange(10 * sr) / sr
    sf.write(os.path.join(d, 'sine440.22k.wav'),
             np.float32(0.5 * np.sin(2 * np.pi * 440 * t)), sr, subtype='FLOAT')
    n = int(0.010 * sr)
    b = np.arange(n) / sr
    burst = 0.8 * np.exp(-b / 0.002) * np.sin(2 * np.pi * 1000 * b)
    c = np.zeros(10 * sr)
    for k in range(20):
        c[k * sr // 2:k * sr // 2 + n] += burst
    sf.write(os.path.join(d, 'clicks120.22k.wav'), np.float32(c), sr, subtype='FLOAT')
    sf.write(os.path.join(d, 'silence.22k.wav'), np.zeros(10 * sr, dtype=np.float32),
             sr, subtype='FLOAT')
    t16 = np.arange(48000) / 16000
    sf.write(os.path.join(d, 'sine1k.16k.wav'),
             np.float32(np.sin(2 * np.pi * 1000 * t16)), 16000, subtype='FLOAT')


main(sys.argv[1])
