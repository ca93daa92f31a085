"""Benchmark: the optional CuPy backend against NumPy, in one run, on a CUDA machine.

Three hot loops, each timed on the same data with NumPy (host) and CuPy (device):

* 1-D W1 between two samples of 10^7 points (sorting kernel);
* 2-D energy distance between two samples of 2*10^4 points (chunked pairwise sums);
* one training iteration of the tiny GAN of ``bench_autograd.py`` (G 2-64-64-2,
  D 2-64-64-1, Adam, 1 D + 1 G step) at batch 4096, float32, on
  ``gantheory.autograd``.

Each entry is the best of a few runs after a warm-up, with the device
synchronized before the clock stops; data already lives where it is used
(transfers are not timed), and the two values of each distance are compared.

Run: ``python benchmarks/bench_gpu.py`` (needs CuPy and a CUDA device; a minute).
"""

from __future__ import annotations

import sys
import time

import numpy as np

import gantheory as gt
from gantheory.backend import available_backends


def best_time(f, repeats=5, sync=lambda: None):
    f()
    sync()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        sync()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    if "cupy" not in available_backends():
        print("CuPy with a CUDA device is not available here: nothing to compare")
        return 1
    import cupy as cp

    sync = cp.cuda.Device().synchronize
    print(
        f"numpy {np.__version__}, cupy {cp.__version__}, device {cp.cuda.runtime.getDeviceProperties(0)['name'].decode()}"
    )
    print(f"{'what':<32} | {'numpy s':>9} | {'cupy s':>9} | {'numpy/cupy':>10} | agreement")
    rng = np.random.default_rng(0)

    x, y = rng.standard_normal(10**7), rng.standard_normal(10**7) + 0.5
    xd, yd = cp.asarray(x), cp.asarray(y)
    a, b = gt.empirical.w1(x, y), gt.empirical.w1(xd, yd)
    t_np, t_cp = best_time(lambda: gt.empirical.w1(x, y)), best_time(lambda: gt.empirical.w1(xd, yd), sync=sync)
    print(
        f"{'1-D W1, n = 10^7':<32} | {t_np:>9.4f} | {t_cp:>9.4f} | {t_np / t_cp:>10.1f} | {abs(a - b) / abs(a):.1e} rel"
    )

    x, y = rng.standard_normal((20_000, 2)), rng.standard_normal((20_000, 2)) + 0.5
    xd, yd = cp.asarray(x), cp.asarray(y)
    a, b = gt.empirical.energy_distance(x, y), gt.empirical.energy_distance(xd, yd)
    t_np = best_time(lambda: gt.empirical.energy_distance(x, y), repeats=2)
    t_cp = best_time(lambda: gt.empirical.energy_distance(xd, yd), sync=sync)
    print(
        f"{'2-D energy distance, n = 2*10^4':<32} | {t_np:>9.4f} | {t_cp:>9.4f} | {t_np / t_cp:>10.1f} | {abs(a - b) / abs(a):.1e} rel"
    )

    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from bench_autograd import ours_setup

    def on_device(iteration):
        """Move the closure's parameters and batches to the device (they live in its cells)."""
        for cell in iteration.__closure__:
            value = cell.cell_contents
            if isinstance(value, np.ndarray):
                cell.cell_contents = cp.asarray(value)
            elif hasattr(value, "parameters"):
                for p in value.parameters():
                    p.data = cp.asarray(p.data)
            elif hasattr(value, "m") and hasattr(value, "v"):  # Adam's moments
                value.m, value.v = [cp.asarray(m) for m in value.m], [cp.asarray(v) for v in value.v]
        return iteration

    host, device = ours_setup(4096, np.float32), on_device(ours_setup(4096, np.float32))
    count = iter(range(10**9))
    t_np = best_time(lambda: [host(next(count)) for _ in range(10)]) / 10
    t_cp = best_time(lambda: [device(next(count)) for _ in range(10)], sync=sync) / 10
    print(f"{'tiny GAN step, batch 4096, f32':<32} | {t_np:>9.4f} | {t_cp:>9.4f} | {t_np / t_cp:>10.1f} | -")
    return 0


if __name__ == "__main__":
    sys.exit(main())
