#!/usr/bin/python3
"""vggish_gen.py OUT.pth — a deterministic VGGish state dict for the tests.

Same tensor names and shapes as the published torchvggish vggish-10086976.pth
(features.0.weight ... embeddings.4.bias), He-initialised (normal, std sqrt(2/fan_in))
so activations keep a realistic range through the ReLU layers, small random biases.
Seeded numpy generator: the same file on every run."""
import collections
import sys

import numpy as np
import torch

CONV = [(0, 1, 64), (3, 64, 128), (6, 128, 256), (8, 256, 256), (11, 256, 512), (13, 512, 512)]
FC = [(0, 12288, 4096), (2, 4096, 4096), (4, 4096, 128)]


def state_dict(seed=20240601):
    rng = np.random.default_rng(seed)
    sd = collections.OrderedDict()
    for i, cin, cout in CONV:
        fan = cin * 9
        sd["features.%d.weight" % i] = rng.standard_normal((cout, cin, 3, 3), np.float32) * np.float32(np.sqrt(2.0 / fan))
        sd["features.%d.bias" % i] = rng.standard_normal(cout, np.float32) * np.float32(0.05)
    for i, nin, nout in FC:
        # the last layer scaled down so raw embeddings are O(0.1..1) like the real
        # model's and the PCA postprocessing spreads them over 0..255
        scale = np.sqrt(2.0 / nin) * (0.1 if i == 4 else 1.0)
        sd["embeddings.%d.weight" % i] = rng.standard_normal((nout, nin), np.float32) * np.float32(scale)
        sd["embeddings.%d.bias" % i] = rng.standard_normal(nout, np.float32) * np.float32(0.05)
    return collections.OrderedDict((k, torch.from_numpy(v)) for k, v in sd.items())


if __name__ == "__main__":
    torch.save(state_dict(), sys.argv[1])
