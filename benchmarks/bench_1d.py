"""Benchmark: 1-D sample distances against SciPy and the sort floor, measured in one run.

For each size n it times, on two Gaussian samples:

* the floor: ``np.sort`` of both samples (no exact method can avoid it);
* ``gt.empirical.w1``, ``gt.empirical.cramer`` and ``gt.empirical.energy_distance``;
* ``scipy.stats.wasserstein_distance`` and ``scipy.stats.energy_distance``;

for equal-size unweighted samples, unequal sizes (n and 0.7 n), and weighted
samples, and prints the ratios ``ours / floor`` and ``scipy / ours`` with the
relative difference of the results. Run: ``python benchmarks/bench_1d.py``
(``--max-exp 6`` to stop at 10^6).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.stats

import gantheory as gt


def best_time(f, repeats):
    """Best wall time of ``repeats`` calls, in seconds, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def cases(n, rng):
    """The three input cases at size n: (name, x, y, x_weights, y_weights)."""
    x, y = rng.normal(size=n), rng.normal(0.3, 1.2, size=n)
    yield "equal", x, y, None, None
    yield "unequal", x, y[: int(0.7 * n)], None, None
    yield "weighted", x, y, rng.random(n), rng.random(n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-exp", type=int, default=7, help="largest size is 10**max_exp (default 7)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    ours = {"w1": gt.empirical.w1, "cramer": gt.empirical.cramer, "energy": gt.empirical.energy_distance}
    header = f"{'n':>9} {'case':>8} {'metric':>7} {'floor ms':>9} {'ours ms':>9} {'scipy ms':>9} {'ours/floor':>10} {'scipy/ours':>10} {'rel diff':>9}"
    print(header)
    print("-" * len(header))
    for exp in range(4, args.max_exp + 1):
        n = 10**exp
        repeats = 7 if n <= 10**5 else (3 if n <= 10**6 else 2)
        for case, x, y, wx, wy in cases(n, rng):
            floor, _ = best_time(lambda: (np.sort(x), np.sort(y)), max(repeats, 3))  # cheap: never from one cold run
            for metric, f in ours.items():
                t_ours, value = best_time(lambda: f(x, y, wx, wy), repeats)
                if metric == "w1":
                    t_ref, ref = best_time(lambda: scipy.stats.wasserstein_distance(x, y, wx, wy), repeats)
                else:
                    t_ref, ref = best_time(lambda: scipy.stats.energy_distance(x, y, wx, wy), repeats)
                    ref = ref**2 if metric == "energy" else ref / np.sqrt(2)
                rel = abs(value - ref) / abs(ref)
                print(
                    f"{n:>9} {case:>8} {metric:>7} {floor * 1e3:9.2f} {t_ours * 1e3:9.2f} {t_ref * 1e3:9.2f}"
                    f" {t_ours / floor:10.2f} {t_ref / t_ours:10.2f} {rel:9.1e}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
