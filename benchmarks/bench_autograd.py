"""Benchmark: a tiny GAN trained with gantheory.autograd and with PyTorch on the CPU.

Generator MLP 2->64->64->2, discriminator MLP 2->64->64->1, ReLU, Adam
(lr 1e-4, betas (0.5, 0.999)), non-saturating loss, one discriminator and one
generator step per iteration, at batch sizes 256 and 4096. Prints iterations
per second for PyTorch float32, ours float32 and ours float64, and the ratios.

Both frameworks see the same pre-drawn batches (a ring of 8 Gaussians and
standard normal noise), so random-number generation is not timed. PyTorch is
an optional bench dependency: ``pip install torch==2.13.0`` (CPU build).

Run: ``python benchmarks/bench_autograd.py`` (about two minutes).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import gantheory.autograd as ag
from gantheory.autograd import nn, optim

LR, BETAS = 1e-4, (0.5, 0.999)
N_POOL = 8  # distinct pre-drawn batches, cycled


def make_batches(batch, dtype, seed=0):
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * rng.integers(0, 8, size=(N_POOL, batch)) / 8
    centers = np.stack([np.cos(angles), np.sin(angles)], axis=-1) * 2.0
    x = (centers + 0.05 * rng.standard_normal((N_POOL, batch, 2))).astype(dtype)
    z = rng.standard_normal((N_POOL, batch, 2)).astype(dtype)
    return x, z


# -- ours -------------------------------------------------------------------------
def ours_setup(batch, dtype):
    G = nn.MLP([2, 64, 64, 2], rng=1, dtype=dtype)
    D = nn.MLP([2, 64, 64, 1], rng=2, dtype=dtype)
    opt_g, opt_d = optim.Adam(G.parameters(), lr=LR, betas=BETAS), optim.Adam(D.parameters(), lr=LR, betas=BETAS)
    x, z = make_batches(batch, dtype)

    def iteration(k):
        xb, zb = x[k % N_POOL], z[k % N_POOL]
        # discriminator: -log D(x) - log(1 - D(G(z))) = softplus(-D(x)) + softplus(D(G(z)))
        fake = G(zb).detach()
        d_loss = ag.softplus(-D(xb)).mean() + ag.softplus(D(fake)).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        # generator, non-saturating: -log D(G(z)) = softplus(-D(G(z)))
        g_loss = ag.softplus(-D(G(zb))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

    return iteration


# -- PyTorch ----------------------------------------------------------------------
def torch_setup(batch, dtype):
    import torch

    def mlp(sizes):
        layers = []
        for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(torch.nn.Linear(a, b))
            if k < len(sizes) - 2:
                layers.append(torch.nn.ReLU())
        return torch.nn.Sequential(*layers).to(dtype)

    torch.manual_seed(0)
    G, D = mlp([2, 64, 64, 2]), mlp([2, 64, 64, 1])
    opt_g = torch.optim.Adam(G.parameters(), lr=LR, betas=BETAS)
    opt_d = torch.optim.Adam(D.parameters(), lr=LR, betas=BETAS)
    np_dtype = np.float32 if dtype == torch.float32 else np.float64
    xs, zs = make_batches(batch, np_dtype)
    x, z = torch.from_numpy(xs), torch.from_numpy(zs)
    softplus = torch.nn.functional.softplus

    def iteration(k):
        xb, zb = x[k % N_POOL], z[k % N_POOL]
        fake = G(zb).detach()
        d_loss = softplus(-D(xb)).mean() + softplus(D(fake)).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = softplus(-D(G(zb))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

    return iteration


def iterations_per_second(iteration, seconds, repeats):
    for k in range(20):  # warm-up
        iteration(k)
    best = 0.0
    for _ in range(repeats):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            iteration(n)
            n += 1
        best = max(best, n / (time.perf_counter() - start))
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one timed run")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per entry (the best is kept)")
    parser.add_argument("--batches", type=int, nargs="+", default=[256, 4096])
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (pip install torch==2.13.0): timing ours only")
    header = f"{'batch':>6} | {'torch f32':>10} | {'ours f32':>10} | {'ours f64':>10} | {'f32 ours/torch':>14} | {'f64 ours/torch f32':>18}"
    print(f"tiny GAN (G 2-64-64-2, D 2-64-64-1, ReLU, Adam, 1 D + 1 G step), iterations/s, best of {args.repeats} x {args.seconds:g} s")
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else "") + f", {platform.processor() or platform.machine()}")
    print(header)
    print("-" * len(header))
    for batch in args.batches:
        ours32 = iterations_per_second(ours_setup(batch, np.float32), args.seconds, args.repeats)
        ours64 = iterations_per_second(ours_setup(batch, np.float64), args.seconds, args.repeats)
        if torch is not None:
            ref = iterations_per_second(torch_setup(batch, torch.float32), args.seconds, args.repeats)
            print(f"{batch:>6} | {ref:>10.0f} | {ours32:>10.0f} | {ours64:>10.0f} | {ours32 / ref:>14.2f} | {ours64 / ref:>18.2f}")
        else:
            print(f"{batch:>6} | {'-':>10} | {ours32:>10.0f} | {ours64:>10.0f} | {'-':>14} | {'-':>18}")


if __name__ == "__main__":
    main()
