#!/usr/bin/python3
"""The PyTorch reference of vae(1): the same dense (conditional) VAE, loss and Adam,
on Debian's python3-torch, and its songvec weight files (vggish-weights(5) layout).

  vae_ref.py init D Z K H1,H2.. SEED OUT.svw [LABEL ...]
      torch's default initialisation (torch.manual_seed(SEED)) saved as a vae model
  vae_ref.py noise ROWS Z SEED OUT.tsv
      standard normal rows (torch.randn) as a songvec TSV stream, for SONGVEC_VAE_NOISE
  vae_ref.py steps DATA INIT.svw NOISE ORDER BETA LR [LABELS]
      replay training: batches as listed in ORDER (SONGVEC_VAE_ORDER's file), eps rows
      from NOISE, Adam; prints one line per step: step<TAB>loss<TAB>recon<TAB>kl
  vae_ref.py compare C_CURVE TORCH_STEPS NSTEPS RTOL
      vae -T's curve against the steps above: |loss_c/loss_t - 1| <= RTOL per step
  vae_ref.py fit DATA EPOCHS BATCH H1,H2.. Z BETA LR SEED [LABELS]
      train like vae train (shuffled mini-batches, own init and noise); prints
      "elbo -X recon R kl K wall_per_epoch S cpu_per_epoch S" (per song, z = mu
      evaluation; times of the training loop only, no start-up or loading)
  vae_ref.py encode DATA MODEL.svw OUT [LABELS]  the latent means, to compare with
      vae encode (prints the max relative error against OUT)
  vae_ref.py decode LATENT MODEL.svw OUT [LABELS]  the reconstructions, to compare
      with vae decode (max relative error, 1e-4)
  vae_ref.py elbo-compare C_STDERR TORCH_FIT_OUT RTOL
      vae train's summary (recon, KL per song) against fit's: |elbo_c/elbo_t - 1|
  vae_ref.py sparse N DENSE SPARSE SEED OUT.tsv  hybrid-like data: DENSE normal
      columns, SPARSE columns with 2 % non-zero values in [0, 1)
"""
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
MAXH, LABELMAX = 8, 64


# ---- songvec weight files -----------------------------------------------------
def fletcher(buf):
    """weights_sum: a += w; b += a over little-endian u32 words, mod 2^64 (numpy's
    uint64 arithmetic wraps, and sums mod 2^64 do not depend on the order)"""
    w = np.frombuffer(buf, dtype="<u4").astype(np.uint64)
    if not len(w):
        return 0, 0
    acc = np.cumsum(w, dtype=np.uint64)
    return int(acc[-1]), int(acc.sum(dtype=np.uint64))


def svw_write(path, tensors):
    hdr, ent = 64, 128
    off = hdr + ent * len(tensors)
    layout = []
    for name, arr in tensors:
        off = (off + 63) & ~63
        layout.append(off)
        off += arr.size * 4
    size = (off + 63) & ~63
    buf = bytearray(size)
    buf[0:8] = b"SVWEIGHT"
    struct.pack_into("<IIQ", buf, 8, 1, len(tensors), size)
    for i, ((name, arr), o) in enumerate(zip(tensors, layout)):
        e = hdr + i * ent
        nb = name.encode()
        buf[e:e + len(nb)] = nb
        dims = list(arr.shape) + [1] * (4 - arr.ndim)
        struct.pack_into("<II4IQQ", buf, e + 64, 0, arr.ndim, *dims, o, arr.size)
        buf[o:o + arr.size * 4] = np.ascontiguousarray(arr, dtype="<f4").tobytes()
    a, b = fletcher(bytes(buf[hdr:]))
    struct.pack_into("<QQ", buf, 24, a, b)
    open(path, "wb").write(buf)


def svw_read(path):
    buf = open(path, "rb").read()
    assert buf[:8] == b"SVWEIGHT"
    n = struct.unpack_from("<I", buf, 12)[0]
    out = {}
    for i in range(n):
        e = 64 + i * 128
        name = buf[e:e + 64].split(b"\0")[0].decode()
        _, nd, d0, d1, d2, d3, off, cnt = struct.unpack_from("<II4IQQ", buf, e + 64)
        a = np.frombuffer(buf, dtype="<f4", count=cnt, offset=off)
        out[name] = a.reshape([d0, d1, d2, d3][:nd]).copy()
    return out


# ---- the network ---------------------------------------------------------------
class VAE(nn.Module):
    def __init__(self, d, z, k, h):
        super().__init__()
        self.d, self.z, self.k, self.h = d, z, k, list(h)
        w, enc = d + k, []
        for hi in h:
            enc.append(nn.Linear(w, hi))
            w = hi
        self.enc = nn.ModuleList(enc)
        self.mu = nn.Linear(w, z)
        self.lv = nn.Linear(w, z)
        w, dec = z + k, []
        for hi in reversed(h):
            dec.append(nn.Linear(w, hi))
            w = hi
        self.dec = nn.ModuleList(dec)
        self.out = nn.Linear(w, d)

    def layers(self):
        named = [("enc.%d" % i, l) for i, l in enumerate(self.enc)]
        named += [("enc.mu", self.mu), ("enc.logvar", self.lv)]
        named += [("dec.%d" % i, l) for i, l in enumerate(self.dec)]
        return named + [("dec.out", self.out)]

    def onehot(self, lab, n):
        return nn.functional.one_hot(lab, self.k).float() if self.k else torch.zeros(n, 0)

    def encode(self, x, c):
        h = torch.cat([x, c], 1)
        for l in self.enc:
            h = torch.relu(l(h))
        return self.mu(h), self.lv(h)

    def decode(self, z, c):
        h = torch.cat([z, c], 1)
        for l in self.dec:
            h = torch.relu(l(h))
        return self.out(h)

    def loss(self, x, c, eps, beta):
        mu, lv = self.encode(x, c)
        z = mu + eps * torch.exp(0.5 * lv) if eps is not None else mu
        xh = self.decode(z, c)
        recon = ((xh - x) ** 2).sum()
        kl = -0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp())
        return (recon + beta * kl) / x.shape[0], recon, kl


def save(model, path, beta, labels=()):
    conf = np.zeros(6 + MAXH, dtype=np.float32)
    conf[:6] = [1, model.d, model.z, model.k, len(model.h), beta]
    conf[6:6 + len(model.h)] = model.h
    t = [("vae.config", conf)]
    if model.k:
        lab = np.zeros((model.k, LABELMAX), dtype=np.float32)
        for i, s in enumerate(labels):
            b = s.encode()
            lab[i, :len(b)] = list(b)
        t.append(("vae.labels", lab))
    for name, l in model.layers():
        t.append((name + ".weight", l.weight.detach().numpy()))
        t.append((name + ".bias", l.bias.detach().numpy()))
    svw_write(path, t)


def load(path):
    w = svw_read(path)
    c = w["vae.config"]
    d, z, k, nh, beta = int(c[1]), int(c[2]), int(c[3]), int(c[4]), float(c[5])
    m = VAE(d, z, k, [int(x) for x in c[6:6 + nh]])
    with torch.no_grad():
        for name, l in m.layers():
            l.weight.copy_(torch.from_numpy(w[name + ".weight"]))
            l.bias.copy_(torch.from_numpy(w[name + ".bias"]))
    labels = []
    if k:
        labels = [bytes(int(v) for v in row if v).decode() for row in w["vae.labels"]]
    return m, beta, labels


# ---- data ----------------------------------------------------------------------
def read_stream(path):
    keys, vals = [], []
    with open(path, "rb") as f:
        head = f.read(4)
    if head == b"\0SVB":
        sys.exit("binary streams: convert with vcat")
    for line in open(path, encoding="utf-8"):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        keys.append(f[0])
        vals.append([float(v) for v in f[1:]])
    return keys, torch.tensor(np.array(vals, dtype=np.float32))


def read_labels(path, keys, names=None):
    lab = {}
    for line in open(path, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            k, v = line.rstrip("\n").split("\t")[:2]
            lab[k] = v
    names = names or sorted(set(lab.values()))
    return names, torch.tensor([names.index(lab[k]) for k in keys])


def labels_of(model, argv, keys):
    if not model.k:
        return None, torch.zeros(len(keys), 0)
    names, lab = read_labels(argv[0], keys)
    return names, model.onehot(lab, len(keys))


# ---- commands ------------------------------------------------------------------
def cmd_init(a):
    d, z, k, seed = int(a[0]), int(a[1]), int(a[2]), int(a[4])
    h = [int(x) for x in a[3].split(",") if x]
    torch.manual_seed(seed)
    save(VAE(d, z, k, h), a[5], 1.0, a[6:])


def cmd_noise(a):
    rows, z, seed = int(a[0]), int(a[1]), int(a[2])
    g = torch.Generator().manual_seed(seed)
    e = torch.randn(rows, z, generator=g).numpy()
    with open(a[3], "w") as f:
        f.write("#songvec dim=%d\n" % z)
        for i, r in enumerate(e):
            f.write("e%d\t%s\n" % (i, "\t".join("%.9g" % v for v in r)))


def cmd_steps(a):
    keys, x = read_stream(a[0])
    model, _, _ = load(a[1])
    _, eps = read_stream(a[2])
    beta, lr = float(a[4]), float(a[5])
    names, c = labels_of(model, a[6:], keys)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    used = 0
    for step, line in enumerate(open(a[3]), 1):
        idx = torch.tensor([int(v) for v in line.split()])
        e = eps[used:used + len(idx)]
        used += len(idx)
        opt.zero_grad()
        loss, recon, kl = model.loss(x[idx], c[idx], e, beta)
        loss.backward()
        opt.step()
        n = len(idx)
        print("%d\t%.9g\t%.9g\t%.9g" % (step, loss.item(), recon.item() / n, kl.item() / n))


def cmd_compare(a):
    c = [l.split("\t") for l in open(a[0]) if not l.startswith("#")]
    t = [l.split("\t") for l in open(a[1])]
    n, rtol = int(a[2]), float(a[3])
    if len(c) < n or len(t) < n:
        sys.exit("fewer than %d steps (C %d, torch %d)" % (n, len(c), len(t)))
    worst = 0.0
    for i in range(n):
        lc, lt = float(c[i][2]), float(t[i][1])
        r = abs(lc / lt - 1)
        worst = max(worst, r)
        if not r <= rtol:
            sys.exit("step %d: loss %.9g, torch %.9g: relative error %.3g > %g" % (i + 1, lc, lt, r, rtol))
    print("%d steps: max relative loss error %.3g (first %s, last %s)" % (n, worst, t[0][1], t[n - 1][1]))


def evaluate(model, x, c, beta):
    with torch.no_grad():
        _, recon, kl = model.loss(x, c, None, beta)
    n = x.shape[0]
    return recon.item() / n, kl.item() / n


def cmd_fit(a):
    keys, x = read_stream(a[0])
    epochs, batch = int(a[1]), int(a[2])
    h = [int(v) for v in a[3].split(",") if v]
    z, beta, lr, seed = int(a[4]), float(a[5]), float(a[6]), int(a[7])
    torch.manual_seed(seed)
    k = 0
    if a[8:]:
        names, lab = read_labels(a[8], keys)
        k = len(names)
    model = VAE(x.shape[1], z, k, h)
    c = model.onehot(lab, len(keys)) if k else torch.zeros(len(keys), 0)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = x.shape[0]
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        perm = torch.randperm(n)
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            opt.zero_grad()
            loss, _, _ = model.loss(x[idx], c[idx], torch.randn(len(idx), z), beta)
            loss.backward()
            opt.step()
    sec = (time.perf_counter() - t0) / epochs
    cpu = (time.process_time() - c0) / epochs
    recon, kl = evaluate(model, x, c, beta)
    print("elbo %.9g recon %.9g kl %.9g wall_per_epoch %.6g cpu_per_epoch %.6g"
          % (-(recon + kl), recon, kl, sec, cpu))


def run_model(a, what):
    """encode (DATA = songs) or decode (DATA = latent vectors) with torch, against OUT"""
    keys, x = read_stream(a[0])
    model, _, names = load(a[1])
    _, got = read_stream(a[2])
    c = torch.zeros(len(keys), 0)
    if model.k:
        _, lab = read_labels(a[3], keys, names)
        c = model.onehot(lab, len(keys))
    with torch.no_grad():
        want = model.encode(x, c)[0] if what == "encode" else model.decode(x, c)
    err = (torch.abs(got - want) / (torch.abs(want) + 1e-3)).max().item()
    if not err <= 1e-4:
        sys.exit("%s: max relative error %.3g" % (what, err))
    print("%s: %d songs, max relative error %.3g" % (what, len(keys), err))


def cmd_encode(a):
    run_model(a, "encode")


def cmd_decode(a):
    run_model(a, "decode")


def cmd_elbo_compare(a):
    import re
    m = re.search(r"recon ([^,]+), KL ([^,]+),", open(a[0]).read())
    if not m:
        sys.exit("no summary line in %s" % a[0])
    ec = -(float(m.group(1)) + float(m.group(2)))
    et = float(open(a[1]).read().split()[1])
    r = abs(ec / et - 1)
    if not r <= float(a[2]):
        sys.exit("ELBO per song %.6g, torch %.6g: relative difference %.3g > %s" % (ec, et, r, a[2]))
    print("ELBO per song %.6g, torch %.6g: relative difference %.3g" % (ec, et, r))


def cmd_sparse(a):
    n, dn, sn, seed = int(a[0]), int(a[1]), int(a[2]), int(a[3])
    r = np.random.default_rng(seed)
    x = np.zeros((n, dn + sn), dtype=np.float32)
    x[:, :dn] = r.standard_normal((n, dn))
    mask = r.random((n, sn)) < 0.02
    x[:, dn:][mask] = r.random(mask.sum())
    with open(a[4], "w") as f:
        f.write("#songvec dim=%d\n" % (dn + sn))
        for i, row in enumerate(x):
            f.write("s%d\t%s\n" % (i, "\t".join("%.9g" % v for v in row)))


def main():
    cmds = {"init": cmd_init, "noise": cmd_noise, "steps": cmd_steps, "compare": cmd_compare,
            "fit": cmd_fit, "encode": cmd_encode, "decode": cmd_decode, "sparse": cmd_sparse,
            "elbo-compare": cmd_elbo_compare}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])


main()
