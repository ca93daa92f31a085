"""Benchmark: training iterations per second of ``gt.gan.train`` against the same GAN in PyTorch (CPU).

The GAN is the one of ``bench_autograd.py``: generator MLP 2->64->64->2,
discriminator MLP 2->64->64->1, ReLU, Adam, non-saturating loss, one
discriminator and one generator step per iteration, on the ring of 8
Gaussians, at batch sizes 256 and 4096. The PyTorch side is
``bench_autograd.torch_setup`` itself (pre-drawn batches, so it pays no
sampling), while ``gt.gan.train`` runs its whole loop with its defaults for
the non-saturating loss (Adam, lr 1e-3, betas (0.5, 0.999), one critic step):
it samples the analytic ring (2**16 points at a time, whatever ``steps`` is)
and the noise every step, checks every cost, gradient, parameter and generated
batch for NaN/inf, keeps a copy of the parameters at the start of each step
(to undo a stopped step), and records both costs and both gradient norms. Each is timed in float32 and in float64 (our default).

Columns: ``train`` in float64 with logging off (``log_every=0``, two
snapshots) and with ``log_every=100`` (sliced W1, energy distance and kNN JSD
on 256 points), the logging overhead, ``train`` in float32, the bare
float32 loop of ``bench_autograd.ours_setup`` (what the training loop costs
on top of the autograd), PyTorch float64 and float32, and the ratios
ours / PyTorch at the same dtype. Contenders are interleaved and each keeps its best of
``--repeats`` rounds, so all see the same background load. With one thread
the clock is the process's CPU time (``time.process_time``, ``--clock cpu``,
the default): on a shared machine it leaves out the time the process waits
for a core, which wall-clock time (``--clock wall``) includes.

Threads: ``--threads 1`` (default) for NumPy's BLAS and ``torch.set_num_threads``
alike. PyTorch is an optional bench dependency (``pip install torch==2.13.0``,
CPU build); without it only ours is timed.

Run: ``python benchmarks/bench_gan.py`` (a few minutes on a busy machine).

``--defaults`` measures instead what :data:`gantheory.gan.training.LOSS_DEFAULTS`
give: for each loss, with its defaults (2000 steps, batch 256), the sliced W1
between 256 generated and 256 target points at step 0 and at the end, seeds
0, 1, 2, on the ring of 8 Gaussians and on the 5x5 grid (about 10 min).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

if __name__ == "__main__":  # NumPy's BLAS fixes its thread pool when it loads: set it first
    _threads = argparse.ArgumentParser(add_help=False)
    _threads.add_argument("--threads", default="1")
    _THREADS = _threads.parse_known_args()[0].threads
    if _THREADS != "default":
        for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[_var] = _THREADS

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_autograd import ours_setup, torch_setup  # noqa: E402  (the same GAN, shared)

import gantheory as gt  # noqa: E402

TARGET = gt.ring_of_gaussians(8)


def ours(batch, steps, log_every, dtype=np.float64):
    """One call of ``gt.gan.train`` for ``steps`` steps."""
    return lambda: gt.gan.train(
        TARGET, batch_size=batch, steps=steps, log_every=log_every, snapshot_every=0, dtype=dtype, progress=False
    )


def reference(iteration, steps):
    def run():
        for k in range(steps):
            iteration(k)

    return run


def best_rates(contenders, steps, repeats, clock=time.process_time):
    """Iterations per second of each ``run()`` (which does ``steps`` iterations), best of ``repeats``, interleaved."""
    for run in contenders:  # warm-up: imports, caches, first allocations
        run()
    best = [0.0] * len(contenders)
    for _ in range(repeats):
        for j, run in enumerate(contenders):
            start = clock()
            run()
            best[j] = max(best[j], steps / (clock() - start))
    return best


def defaults_table(steps=2000, batch_size=256, seeds=(0, 1, 2)):
    """Print the sliced W1 at step 0 -> the end for each loss with its defaults, per seed, with the CPU time per run."""
    print(
        f"each loss with its defaults (gt.gan.LOSS_DEFAULTS), {steps} steps, batch {batch_size}: sliced W1 step 0 -> {steps}"
    )
    for name, target in (("ring", gt.ring_of_gaussians(8)), ("grid", gt.grid_of_gaussians(5))):
        for loss in gt.gan.LOSSES:
            cells, cpu = [], 0.0
            for rng in seeds:
                start = time.process_time()
                h = gt.gan.train(
                    target,
                    loss=loss,
                    steps=steps,
                    batch_size=batch_size,
                    log_every=steps,
                    snapshot_every=0,
                    grid_size=4,
                    rng=rng,
                    progress=False,
                )
                cpu += time.process_time() - start
                first, last = h.metrics["sliced_w1"][[0, -1]]
                cells.append(f"{first:.3f} -> {last:.3f}" + ("" if h.stopped == "completed" else f" ({h.stopped})"))
            print(f"{name:5} {loss:19} " + " | ".join(cells) + f" | {cpu / len(seeds):.1f} s CPU per run", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed rounds per entry (the best is kept)")
    parser.add_argument("--batches", type=int, nargs="+", default=[256, 4096])
    parser.add_argument(
        "--steps", type=int, nargs="+", default=[1000, 100], help="steps per timed run, one per batch size"
    )
    parser.add_argument(
        "--threads", default="1", help="threads for NumPy's BLAS and for PyTorch (both the same), or 'default'"
    )
    parser.add_argument(
        "--clock", choices=["cpu", "wall"], default=None, help="cpu (process time; default with one thread) or wall"
    )
    parser.add_argument(
        "--defaults",
        action="store_true",
        help="measure what each loss's defaults reach on the ring and the grid instead",
    )
    args = parser.parse_args(argv)
    if args.defaults:
        defaults_table()
        return
    clock_name = args.clock or ("cpu" if args.threads == "1" else "wall")
    clock = time.process_time if clock_name == "cpu" else time.perf_counter
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (pip install torch==2.13.0): timing ours only")
    if torch is not None and os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    print(
        f"gt.gan.train on ring_of_gaussians(8) (G 2-64-64-2, D 2-64-64-1, ReLU, Adam, non-saturating), iterations/s, best of {args.repeats}, {clock_name} clock"
    )
    print(
        f"numpy {np.__version__}"
        + (f", torch {torch.__version__}" if torch else "")
        + f"; threads: {args.threads} (torch uses {torch.get_num_threads() if torch else '-'}); {os.cpu_count()} CPUs, {platform.machine()}"
    )
    header = (
        f"{'batch':>6} | {'ours f64':>8} | {'f64 log100':>10} | {'log cost':>8} | {'ours f32':>8} | {'bare f32':>8} | "
        f"{'torch f64':>9} | {'torch f32':>9} | {'f64 ours/torch':>14} | {'f32 ours/torch':>14}"
    )
    print(header)
    print("-" * len(header))
    for batch, steps in zip(args.batches, args.steps * len(args.batches)):
        contenders = [
            ours(batch, steps, 0),
            ours(batch, steps, 100),
            ours(batch, steps, 0, np.float32),
            reference(ours_setup(batch, np.float32), steps),
        ]
        if torch is not None:
            contenders += [reference(torch_setup(batch, dt), steps) for dt in (torch.float64, torch.float32)]
        rates = best_rates(contenders, steps, args.repeats, clock)
        plain, logged, ours32, bare32 = rates[:4]
        line = f"{batch:>6} | {plain:>8.0f} | {logged:>10.0f} | {1 - logged / plain:>8.1%} | {ours32:>8.0f} | {bare32:>8.0f}"
        if torch is not None:
            f64, f32 = rates[4:]
            line += f" | {f64:>9.0f} | {f32:>9.0f} | {plain / f64:>14.2f} | {ours32 / f32:>14.2f}"
        print(line)


if __name__ == "__main__":
    main()
