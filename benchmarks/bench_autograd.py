"""Benchmark: a tiny GAN trained with gantheory.autograd and with PyTorch on the CPU.

Generator MLP 2->64->64->2, discriminator MLP 2->64->64->1, ReLU, Adam
(lr 1e-4, betas (0.5, 0.999)), non-saturating loss, one discriminator and one
generator step per iteration, at batch sizes 256 and 4096. Prints iterations
per second for PyTorch float32, ours float32 and ours float64, and the ratios.

Both frameworks see the same pre-drawn batches (a ring of 8 Gaussians and
standard normal noise), so random-number generation is not timed. PyTorch is
an optional bench dependency: ``pip install torch==2.13.0`` (CPU build).

Both use one thread by default (``--threads 1``: NumPy's BLAS and PyTorch's
intra-op pool), which measures each framework's own cost; ``--threads 2`` or
``--threads default`` lets both use the machine's cores.

Run: ``python benchmarks/bench_autograd.py`` (about a minute and a half).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time


def _threads_from_argv(argv):
    """``--threads N`` read before NumPy loads OpenBLAS (it fixes its pool at import)."""
    for k, arg in enumerate(argv):
        if arg == "--threads" and k + 1 < len(argv):
            return argv[k + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return "1"


if __name__ == "__main__":
    _THREADS = _threads_from_argv(sys.argv[1:])
    if _THREADS != "default":
        for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[_var] = _THREADS

import numpy as np  # noqa: E402

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

    threads = os.environ.get("OMP_NUM_THREADS")
    if threads:
        torch.set_num_threads(int(threads))

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


def iterations_per_second(iterations, seconds, repeats):
    """Best rate of each iteration function over ``repeats`` rounds, interleaved.

    Interleaving (A, B, C, A, B, C, ...) exposes every contender to the same
    background load; the best round is the least disturbed one.
    """
    for iteration in iterations:
        for k in range(10):  # warm-up
            iteration(k)
    best = [0.0] * len(iterations)
    for _ in range(repeats):
        for j, iteration in enumerate(iterations):
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds:
                iteration(n)
                n += 1
            best[j] = max(best[j], n / (time.perf_counter() - start))
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one timed run")
    parser.add_argument("--repeats", type=int, default=4, help="timed rounds per entry (the best is kept)")
    parser.add_argument("--batches", type=int, nargs="+", default=[256, 4096])
    parser.add_argument(
        "--threads", default="1", help="threads for NumPy's BLAS and for PyTorch (both the same), or 'default'"
    )
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (pip install torch==2.13.0): timing ours only")
    header = f"{'batch':>6} | {'torch f32':>10} | {'ours f32':>10} | {'ours f64':>10} | {'f32 ours/torch':>14} | {'f64 ours/torch f32':>18}"
    print(
        f"tiny GAN (G 2-64-64-2, D 2-64-64-1, ReLU, Adam, 1 D + 1 G step), iterations/s, best of {args.repeats} x {args.seconds:g} s"
    )
    if torch is not None and os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    print(
        f"numpy {np.__version__}"
        + (f", torch {torch.__version__}" if torch else "")
        + f"; threads: {args.threads} (torch uses {torch.get_num_threads() if torch else '-'}); "
        + f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    print(header)
    print("-" * len(header))
    for batch in args.batches:
        contenders = [ours_setup(batch, np.float32), ours_setup(batch, np.float64)]
        if torch is not None:
            contenders.append(torch_setup(batch, torch.float32))
        rates = iterations_per_second(contenders, args.seconds, args.repeats)
        ours32, ours64 = rates[:2]
        if torch is not None:
            ref = rates[2]
            print(
                f"{batch:>6} | {ref:>10.0f} | {ours32:>10.0f} | {ours64:>10.0f} | {ours32 / ref:>14.2f} | {ours64 / ref:>18.2f}"
            )
        else:
            print(f"{batch:>6} | {'-':>10} | {ours32:>10.0f} | {ours64:>10.0f} | {'-':>14} | {'-':>18}")


if __name__ == "__main__":
    main()
