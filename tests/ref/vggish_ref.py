#!/usr/bin/python3
"""vggish_ref.py — the torch/numpy VGGish oracle for tests/vggish.test and the bench.

  vggish_ref.py check STATE.pth PCA.npz INPUT CLOGMEL CRAW CPOST [CRAWN]
      INPUT: a songvec TSV stream of 16 kHz audio records, or a .wav (soundfile).
      C*: vggish TSV outputs of -m logmel, -m raw, -m post (and -m raw -n).
      Compares per example: log-mel max abs diff <= 1e-4; raw embeddings
      max|c - t| <= 1e-3 * max|t| per example; postprocessed: equal or +-1 on
      < 0.5 % of the values, never more.  Exit 1 when a tolerance is missed.
  vggish_ref.py time STATE.pth INPUT THREADS
      prints "examples wall-seconds CPU-seconds" of the torch network on the examples
      of INPUT (batches of 128).

Front end: a transcription of mel_features.py / vggish_input.waveform_to_examples
(AudioSet VGGish, tensorflow/models research/audioset/vggish); network: torchvggish's
VGG (make_layers + transpose(1,3), transpose(1,2) before flattening)."""
import sys
import time

import numpy as np
import torch
import torch.nn as nn


# ---- mel_features.py (verbatim algorithm) ----
def frame(data, window_length, hop_length):
    num_samples = data.shape[0]
    num_frames = 1 + int(np.floor((num_samples - window_length) / hop_length))
    shape = (num_frames, window_length) + data.shape[1:]
    strides = (data.strides[0] * hop_length,) + data.strides
    return np.lib.stride_tricks.as_strided(data, shape=shape, strides=strides)


def periodic_hann(window_length):
    return 0.5 - (0.5 * np.cos(2 * np.pi / window_length * np.arange(window_length)))


def stft_magnitude(signal, fft_length, hop_length=None, window_length=None):
    frames = frame(signal, window_length, hop_length)
    window = periodic_hann(window_length)
    windowed_frames = frames * window
    return np.abs(np.fft.rfft(windowed_frames, int(fft_length)))


def hertz_to_mel(frequencies_hertz):
    return 1127.0 * np.log(1.0 + (frequencies_hertz / 700.0))


def spectrogram_to_mel_matrix(num_mel_bins=20, num_spectrogram_bins=129, audio_sample_rate=8000,
                              lower_edge_hertz=125.0, upper_edge_hertz=3800.0):
    nyquist_hertz = audio_sample_rate / 2.
    spectrogram_bins_hertz = np.linspace(0.0, nyquist_hertz, num_spectrogram_bins)
    spectrogram_bins_mel = hertz_to_mel(spectrogram_bins_hertz)
    band_edges_mel = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz),
                                 num_mel_bins + 2)
    mel_weights_matrix = np.empty((num_spectrogram_bins, num_mel_bins))
    for i in range(num_mel_bins):
        lower_edge_mel, center_mel, upper_edge_mel = band_edges_mel[i:i + 3]
        lower_slope = ((spectrogram_bins_mel - lower_edge_mel) / (center_mel - lower_edge_mel))
        upper_slope = ((upper_edge_mel - spectrogram_bins_mel) / (upper_edge_mel - center_mel))
        mel_weights_matrix[:, i] = np.maximum(0.0, np.minimum(lower_slope, upper_slope))
    mel_weights_matrix[0, :] = 0.0
    return mel_weights_matrix


def log_mel_spectrogram(data, audio_sample_rate=8000, log_offset=0.0, window_length_secs=0.025,
                        hop_length_secs=0.010, **kwargs):
    window_length_samples = int(round(audio_sample_rate * window_length_secs))
    hop_length_samples = int(round(audio_sample_rate * hop_length_secs))
    fft_length = 2 ** int(np.ceil(np.log(window_length_samples) / np.log(2.0)))
    spectrogram = stft_magnitude(data, fft_length=fft_length, hop_length=hop_length_samples,
                                 window_length=window_length_samples)
    mel_spectrogram = np.dot(spectrogram, spectrogram_to_mel_matrix(
        num_spectrogram_bins=spectrogram.shape[1], audio_sample_rate=audio_sample_rate, **kwargs))
    return np.log(mel_spectrogram + log_offset)


def waveform_to_examples(data):
    """vggish_input.waveform_to_examples for 16 kHz mono input."""
    log_mel = log_mel_spectrogram(np.asarray(data, np.float64), audio_sample_rate=16000,
                                  log_offset=0.01, window_length_secs=0.025,
                                  hop_length_secs=0.010, num_mel_bins=64,
                                  lower_edge_hertz=125, upper_edge_hertz=7500)
    return frame(log_mel, window_length=96, hop_length=96)


# ---- torchvggish vggish.py ----
class VGG(nn.Module):
    def __init__(self, features, final_relu=True):
        super().__init__()
        self.features = features
        layers = [nn.Linear(512 * 4 * 6, 4096), nn.ReLU(True), nn.Linear(4096, 4096),
                  nn.ReLU(True), nn.Linear(4096, 128)]
        if final_relu:
            layers.append(nn.ReLU(True))
        self.embeddings = nn.Sequential(*layers)

    def forward(self, x):
        x = self.features(x)
        x = torch.transpose(x, 1, 3)
        x = torch.transpose(x, 1, 2)
        x = x.contiguous()
        x = x.view(x.size(0), -1)
        return self.embeddings(x)


def make_layers():
    layers = []
    in_channels = 1
    for v in [64, "M", 128, "M", 256, 256, "M", 512, 512, "M"]:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            layers += [nn.Conv2d(in_channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


def model(state, final_relu=True):
    m = VGG(make_layers(), final_relu)
    m.load_state_dict(torch.load(state))
    m.eval()
    return m


def postprocess(emb, pca):
    """vggish_postprocess.Postprocessor.postprocess (official: uint8 truncation)."""
    p = np.dot(pca["pca_eigen_vectors"], (emb.T - pca["pca_means"].reshape(-1, 1))).T
    p = np.clip(p, -2.0, 2.0)
    return ((p - -2.0) * (255.0 / 4.0)).astype(np.uint8)


# ---- inputs ----
def read_records(path):
    """[(key, float32 samples)] of a TSV stream or a whole .wav file"""
    if path.endswith(".wav"):
        import soundfile
        x, sr = soundfile.read(path, dtype="float32", always_2d=True)
        assert sr == 16000, sr
        return [("wav", x.mean(axis=1, dtype=np.float32))]
    recs = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            k, *v = line.rstrip("\n").split("\t")
            recs.append((k, np.array(v, dtype=np.float32)))
    return recs


def read_tsv(path):
    rows = [l.rstrip("\n").split("\t") for l in open(path) if not l.startswith("#")]
    return [r[0] for r in rows], np.array([r[1:] for r in rows], dtype=np.float64)


def examples_of(path):
    keys, exs = [], []
    for k, x in read_records(path):
        e = waveform_to_examples(x) if len(x) >= 15600 else np.zeros((0, 96, 64))
        for m in range(e.shape[0]):
            keys.append("%s.%d" % (k, m))
        exs.append(np.asarray(e, np.float32))
    return keys, np.concatenate(exs) if exs else np.zeros((0, 96, 64), np.float32)


def check(state, pcafile, inp, clog, craw, cpost, crawn=None):
    torch.set_num_threads(2)
    keys, ex = examples_of(inp)
    bad = 0
    k, c = read_tsv(clog)
    print("examples: ref %d, C %d" % (len(keys), len(k)))
    if len(k) != len(keys):
        return 1
    d = np.abs(c - ex.reshape(len(keys), -1)).max()
    print("logmel max abs diff %.3g (tolerance 1e-4)" % d)
    bad |= not d <= 1e-4
    pca = dict(np.load(pcafile))
    m = model(state, True)
    with torch.no_grad():
        x = torch.from_numpy(ex[:, None, :, :])
        x = m.features(x)
        x = torch.transpose(x, 1, 3)
        x = torch.transpose(x, 1, 2).contiguous().view(x.size(0), -1)
        pre = m.embeddings[:5](x)  # the last Linear, before torchvggish's final ReLU
    for relu, cfile in ((True, craw), (False, crawn)):
        if cfile is None:
            continue
        t = (torch.relu(pre) if relu else pre).numpy().astype(np.float64)
        k, c = read_tsv(cfile)
        rel = (np.abs(c - t).max(axis=1) / np.abs(t).max(axis=1)).max()
        print("raw%s: max per-example relative diff %.3g (tolerance 1e-3), |t| max %.3g" %
              ("" if relu else " (no final ReLU)", rel, np.abs(t).max()))
        bad |= not rel <= 1e-3
        if relu:
            q = postprocess(t.astype(np.float32), pca).astype(np.int64)
            k, c = read_tsv(cpost)
            diff = np.abs(c - q)
            frac = (diff > 0).mean()
            print("post: %d of %d values differ (%.3f %%), max diff %d; spread %d..%d, mean %.1f" %
                  ((diff > 0).sum(), diff.size, 100 * frac, diff.max(), q.min(), q.max(), q.mean()))
            bad |= not (diff.max() <= 1 and frac < 0.005)
    return 1 if bad else 0


def timeit(state, inp, threads):
    torch.set_num_threads(int(threads))
    keys, ex = examples_of(inp)
    m = model(state)
    x = torch.from_numpy(ex[:, None, :, :])
    with torch.no_grad():
        m(x[:2])
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, len(x), 128):
            m(x[i:i + 128])
        t, c = time.perf_counter() - t0, time.process_time() - c0
    print(len(keys), "%.4f %.4f" % (t, c))
    return 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    sys.exit(check(*sys.argv[2:]) if cmd == "check" else timeit(*sys.argv[2:]))
