#!/usr/bin/env python3
"""The NumPy peer of tausweep's cells: the same experiment, budget and methods, hand-written.

Foundation (784-128-128-10 MLP, PyTorch-style init, Adam) on 1,000 MNIST images at 0 deg plus
1,000 others at the angle, 3 epochs, batch 64; then each method specialises a copy on 1,000 further
images at the angle for 5 epochs, batch 64, and is evaluated on the first 10,000 test images at 0
deg and at the angle. After every epoch, accuracy on the training images (one forward pass), as
tausweep's Trainer does. Methods as in PAPER-NOTES: Frozen; BitFit (biases only); TauGate
(h = gamma * relu(z) * sigmoid(s (z - tau)) on both hidden layers, + lambda * mean(gate); its
evaluation adds the hard gate 1[z > tau] on both test sets and per-unit firing counts, overall and
per class, on both); LoRA (W x + b + (alpha/r) B A x on all three layers, A uniform +-1/sqrt(fan_in), B 0);
Full FT. float32 throughout, one BLAS thread (set before numpy is imported).

Subsets and shuffles come from NumPy's own generator, so accuracies are in the same range as
tausweep's but not equal to them: they check that the peer does the same work, nothing more.

Usage: OPENBLAS_NUM_THREADS=1 python3 bench/peer/peer.py --data-dir DIR --out FILE.json [--reps 3]
Timings: best (minimum) of --reps rounds after one warm-up round, wall clock and thread CPU clock.
"""
import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

WIDTHS = (784, 128, 128, 10)
F32 = np.float32


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist(d):
    return (read_idx(os.path.join(d, "train-images-idx3-ubyte")), read_idx(os.path.join(d, "train-labels-idx1-ubyte")),
            read_idx(os.path.join(d, "t10k-images-idx3-ubyte")), read_idx(os.path.join(d, "t10k-labels-idx1-ubyte")))


def rotate(images, angle_deg):
    """Bilinear rotation about the centre, counter-clockwise as displayed, zero fill; pixels / 255."""
    n, rows, cols = images.shape
    t = np.deg2rad(angle_deg)
    cos, sin = np.cos(t), np.sin(t)
    cy, cx = (rows - 1) / 2.0, (cols - 1) / 2.0
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    sr = cy + (c - cx) * sin + (r - cy) * cos
    sc = cx + (c - cx) * cos - (r - cy) * sin
    r0, c0 = np.floor(sr), np.floor(sc)
    fr, fc = sr - r0, sc - c0
    padded = np.zeros((n, rows + 2, cols + 2), dtype=F32)
    padded[:, 1:-1, 1:-1] = images
    ri = np.clip(r0.astype(int) + 1, 0, rows)
    ci = np.clip(c0.astype(int) + 1, 0, cols)
    inside = (r0 >= -1) & (r0 <= rows - 1) & (c0 >= -1) & (c0 <= cols - 1)
    out = ((1 - fr) * (1 - fc) * padded[:, ri, ci] + (1 - fr) * fc * padded[:, ri, ci + 1]
           + fr * (1 - fc) * padded[:, ri + 1, ci] + fr * fc * padded[:, ri + 1, ci + 1])
    out = np.where(inside, np.minimum(out, 255.0), 0.0) / 255.0
    return out.reshape(n, rows * cols).astype(F32)


def uniform(rng, shape, fan_in):
    b = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-b, b, size=shape).astype(F32)


class Adam:
    """Adam as DL4J applies it: lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)."""

    def __init__(self, params, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps = params, lr, b1, b2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        a = self.lr * np.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * (g * g)
            p -= F32(a) * m / (np.sqrt(v) + F32(self.eps))


def softmax_xent(logits, y):
    """Mean cross-entropy and its gradient w.r.t. the logits."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    b = logits.shape[0]
    loss = -np.log(np.maximum(p[np.arange(b), y], 1e-10)).mean()
    d = p
    d[np.arange(b), y] -= 1
    d /= b
    return float(loss), d


class Mlp:
    """The plain MLP (foundation, Frozen, BitFit, Full FT)."""

    def __init__(self, W, b, train_w, train_b):
        self.W, self.b = [w.copy() for w in W], [x.copy() for x in b]
        self.train_w, self.train_b = train_w, train_b

    def trainable(self):
        return ([w for w in self.W] if self.train_w else []) + ([x for x in self.b] if self.train_b else [])

    def forward(self, x):
        h1 = np.maximum(x @ self.W[0] + self.b[0], 0)
        h2 = np.maximum(h1 @ self.W[1] + self.b[1], 0)
        return h2 @ self.W[2] + self.b[2]

    def loss_and_grads(self, x, y):
        h1 = np.maximum(x @ self.W[0] + self.b[0], 0)
        h2 = np.maximum(h1 @ self.W[1] + self.b[1], 0)
        loss, d3 = softmax_xent(h2 @ self.W[2] + self.b[2], y)
        d2 = (d3 @ self.W[2].T) * (h2 > 0)
        d1 = (d2 @ self.W[1].T) * (h1 > 0)
        gw = [x.T @ d1, h1.T @ d2, h2.T @ d3] if self.train_w else []
        gb = [d1.sum(0), d2.sum(0), d3.sum(0)] if self.train_b else []
        return loss, gw + gb


class TauGateNet:
    """Frozen MLP with a per-unit threshold and gain on both hidden layers."""

    def __init__(self, W, b, s=5.0, tau0=-0.1, gamma0=1.0, lam=0.0):
        self.W, self.b, self.s, self.lam = W, b, F32(s), lam
        self.tau = [np.full(WIDTHS[i + 1], tau0, dtype=F32) for i in range(2)]
        self.gamma = [np.full(WIDTHS[i + 1], gamma0, dtype=F32) for i in range(2)]
        self.hard = False

    def trainable(self):
        return self.tau + self.gamma

    def gate(self, z, i):
        if self.hard:
            return (z > self.tau[i]).astype(F32)
        return 1 / (1 + np.exp(-self.s * (z - self.tau[i])))

    def forward(self, x, keep_z=False):
        z1 = x @ self.W[0] + self.b[0]
        h1 = self.gamma[0] * np.maximum(z1, 0) * self.gate(z1, 0)
        z2 = h1 @ self.W[1] + self.b[1]
        h2 = self.gamma[1] * np.maximum(z2, 0) * self.gate(z2, 1)
        out = h2 @ self.W[2] + self.b[2]
        return (out, z1, z2) if keep_z else out

    def loss_and_grads(self, x, y):
        z = [x @ self.W[0] + self.b[0], None]
        g, r, h = [None, None], [None, None], [None, None]
        g[0] = 1 / (1 + np.exp(-self.s * (z[0] - self.tau[0])))
        r[0] = np.maximum(z[0], 0)
        h[0] = self.gamma[0] * r[0] * g[0]
        z[1] = h[0] @ self.W[1] + self.b[1]
        g[1] = 1 / (1 + np.exp(-self.s * (z[1] - self.tau[1])))
        r[1] = np.maximum(z[1], 0)
        h[1] = self.gamma[1] * r[1] * g[1]
        loss, d = softmax_xent(h[1] @ self.W[2] + self.b[2], y)
        n_gated = 2 * WIDTHS[1]
        b = x.shape[0]
        loss += self.lam * float(g[0].sum() + g[1].sum()) / (b * n_gated)
        gtau, ggamma = [None, None], [None, None]
        dh = d @ self.W[2].T
        for i in (1, 0):
            ggamma[i] = (dh * r[i] * g[i]).sum(0)
            dg = dh * self.gamma[i] * r[i] + F32(self.lam / (b * n_gated))
            dgz = dg * self.s * g[i] * (1 - g[i])
            gtau[i] = -dgz.sum(0)
            if i == 1:
                dz = dh * self.gamma[i] * g[i] * (z[i] > 0) + dgz
                dh = dz @ self.W[1].T
        return loss, gtau + ggamma


class LoRANet:
    """Frozen MLP plus (alpha / r) B A on every linear layer."""

    def __init__(self, W, b, rng, r=8, alpha=16.0):
        self.W, self.b, self.scale = W, b, F32(alpha / r)
        self.A = [uniform(rng, (WIDTHS[i], r), WIDTHS[i]) for i in range(3)]
        self.B = [np.zeros((r, WIDTHS[i + 1]), dtype=F32) for i in range(3)]

    def trainable(self):
        return self.A + self.B

    def forward(self, x):
        h = x
        for i in range(3):
            z = h @ self.W[i] + self.b[i] + self.scale * ((h @ self.A[i]) @ self.B[i])
            h = np.maximum(z, 0) if i < 2 else z
        return h

    def loss_and_grads(self, x, y):
        hs, xas = [x], []
        h = x
        for i in range(3):
            xa = h @ self.A[i]
            xas.append(xa)
            z = h @ self.W[i] + self.b[i] + self.scale * (xa @ self.B[i])
            h = np.maximum(z, 0) if i < 2 else z
            hs.append(h)
        loss, d = softmax_xent(h, y)
        ga, gb = [None] * 3, [None] * 3
        for i in (2, 1, 0):
            if i < 2:
                d = d * (hs[i + 1] > 0)
            gb[i] = self.scale * (xas[i].T @ d)
            dbt = d @ self.B[i].T
            ga[i] = self.scale * (hs[i].T @ dbt)
            if i > 0:
                d = d @ self.W[i].T + self.scale * (dbt @ self.A[i].T)
        return loss, ga + gb


def train(model, x, y, epochs, lr, rng, batch=64, eval_batch=2000):
    opt = Adam(model.trainable(), lr)
    n = len(y)
    for _ in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            loss, grads = model.loss_and_grads(x[idx], y[idx])
            if not np.isfinite(loss):
                raise RuntimeError("non-finite loss")
            opt.step(grads)
        accuracy(model, x, y, eval_batch)  # the per-epoch training accuracy tausweep records


def accuracy(model, x, y, batch=2000):
    correct = 0
    for s in range(0, len(y), batch):
        correct += int((model.forward(x[s:s + batch]).argmax(1) == y[s:s + batch]).sum())
    return correct / len(y)


def firing(model, x, y, batch=2000):
    """Per gate layer: how many images open each unit's gate (z > tau), overall and per class."""
    per_unit = [np.zeros(WIDTHS[1]), np.zeros(WIDTHS[2])]
    per_class = [np.zeros((10, WIDTHS[1])), np.zeros((10, WIDTHS[2]))]
    for s in range(0, len(x), batch):
        _, z1, z2 = model.forward(x[s:s + batch], keep_z=True)
        onehot = np.eye(10, dtype=F32)[y[s:s + batch]]
        for i, z in enumerate((z1, z2)):
            open_ = (z > model.tau[i]).astype(F32)
            per_unit[i] += open_.sum(0)
            per_class[i] += onehot.T @ open_
    return per_unit, per_class


class Clock:
    def __init__(self):
        self.w, self.c = time.perf_counter(), time.thread_time()

    def lap(self):
        w, c = time.perf_counter(), time.thread_time()
        out = (w - self.w, c - self.c)
        self.w, self.c = w, c
        return out


def run_round(data, seed, angle):
    xf, yf, xs, ys, t0, t0y, tt, tty = data
    rng = np.random.default_rng(seed)
    W = [uniform(rng, (WIDTHS[i], WIDTHS[i + 1]), WIDTHS[i]) for i in range(3)]
    b = [uniform(rng, (WIDTHS[i + 1],), WIDTHS[i]) for i in range(3)]
    out = {}
    clock = Clock()
    foundation = Mlp(W, b, True, True)
    train(foundation, xf, yf, 3, 3e-3, rng)
    tr = clock.lap()
    a0, at = accuracy(foundation, t0, t0y), accuracy(foundation, tt, tty)
    ev = clock.lap()
    out["foundation"] = (tr, ev, a0, at)
    Wf, bf = foundation.W, foundation.b
    makers = {
        "frozen": lambda: (Mlp(Wf, bf, False, False), None),
        "bitfit": lambda: (Mlp(Wf, bf, False, True), 3e-3),
        "taugate": lambda: (TauGateNet(Wf, bf), 3e-3),
        "lora": lambda: (LoRANet(Wf, bf, np.random.default_rng(seed + 1)), 5e-4),
        "full_ft": lambda: (Mlp(Wf, bf, True, True), 5e-4),
    }
    for name, make in makers.items():
        model, lr = make()
        clock = Clock()
        if lr is not None:
            train(model, xs, ys, 5, lr, np.random.default_rng(seed + 2))
        tr = clock.lap()
        a0, at = accuracy(model, t0, t0y), accuracy(model, tt, tty)
        if name == "taugate":
            model.hard = True
            accuracy(model, t0, t0y)
            accuracy(model, tt, tty)
            model.hard = False
            firing(model, t0, t0y)
            firing(model, tt, tty)
        ev = clock.lap()
        out[name] = (tr, ev, a0, at)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default="data/mnist")
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--angle", type=float, default=45.0)
    a = ap.parse_args()

    xtr, ytr, xte, yte = load_mnist(a.data_dir)
    perm = np.random.default_rng(a.seed).permutation(len(ytr))
    f0, f1, sp = perm[:1000], perm[1000:2000], perm[2000:3000]
    xf = np.concatenate([rotate(xtr[f0], 0.0), rotate(xtr[f1], a.angle)])
    yf = np.concatenate([ytr[f0], ytr[f1]]).astype(np.int64)
    data = (xf, yf, rotate(xtr[sp], a.angle), ytr[sp].astype(np.int64), rotate(xte[:10000], 0.0),
            yte[:10000].astype(np.int64), rotate(xte[:10000], a.angle), yte[:10000].astype(np.int64))

    rounds = []
    for rep in range(-1, a.reps):
        r = run_round(data, a.seed, a.angle)
        if rep >= 0:
            rounds.append(r)
    cells = []
    for name in rounds[0]:
        rs = [r[name] for r in rounds]
        cells.append({
            "method": name,
            "train_s": min(r[0][0] for r in rs), "eval_s": min(r[1][0] for r in rs),
            "train_cpu_s": min(r[0][1] for r in rs), "eval_cpu_s": min(r[1][1] for r in rs),
            "acc_0": rs[0][2], "acc_theta": rs[0][3],
        })
        print("peer: %-10s train %.3f s (cpu %.3f)  eval %.3f s (cpu %.3f)  acc %.4f / %.4f" % (
            name, cells[-1]["train_s"], cells[-1]["train_cpu_s"], cells[-1]["eval_s"], cells[-1]["eval_cpu_s"],
            cells[-1]["acc_0"], cells[-1]["acc_theta"]), flush=True)
    blas = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    with open(a.out, "w") as f:
        json.dump({"numpy": np.__version__, "threads": blas, "reps": a.reps, "cells": cells}, f, indent=2)


if __name__ == "__main__":
    main()
