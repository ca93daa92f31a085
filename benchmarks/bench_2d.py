"""Benchmark the 2-D sample estimators against POT, SciPy and dcor, side by side in one run.

Times (best of a few repeats for the fast calls, one run for the slow ones):

* exact 2-D W1 (``gt.empirical.w1``) against ``ot.emd2`` (its cost matrix
  ``ot.dist`` included, as ours includes ``cdist``; the two timed in turn,
  best of 5, so that both see the same machine load) and
  ``scipy.stats.wasserstein_distance_nd`` (only up to n = 300: it is an LP
  over all n^2 pairs), on shifted Gaussian clouds N(0, I) vs N(0.5, 1.3^2 I)
  and on uniform clouds in the unit square;
* energy distance against ``dcor.energy_distance`` and a plain
  ``scipy.spatial.distance.cdist`` of the three full matrices, with the peak
  of traced memory (tracemalloc). dcor runs at n = 1,000 and 5,000 only; at
  20,000 its time is extrapolated as n^2 from 5,000 (its three full matrices
  would take about 9 GiB, so it is not run there);
* exact 2-D W1 with unequal sizes or weights: the no-POT fallback
  (``solver="lp"``, forced even where POT is installed) against ``ot.emd2``,
  in one BLAS thread (uniform clouds in the unit square, 500 x 333 and 1500 x
  1000 uniform weights, 300 x 300 and 1000 x 1000 random weights; the shifted
  Gaussian clouds at 500 x 333, 1500 x 1000 and 1000 x 1000 random weights);
* exact 2-D KL/JSD/TV by cubature on the issue-12 cases (thin ridges, the
  ring against a normal, rings and grids) with the error against closed
  forms where there is one, time, traced memory and any AccuracyWarning;
* kNN KL (and kNN JSD) at n = 10^4 and 10^5.

Usage: ``python benchmarks/bench_2d.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from scipy.spatial.distance import cdist
from scipy.stats import wasserstein_distance_nd

import gantheory as gt

try:
    import ot
except ImportError:  # POT is in the "bench" extra
    ot = None
try:
    import dcor
except ImportError:
    dcor = None


def timed(f, repeat=1):
    """(value, best wall time over ``repeat`` runs)."""
    best, value = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        value = f()
        best = min(best, time.perf_counter() - t)
    return value, best


def traced(f):
    """(value, time, peak traced memory in MiB) of one run."""
    tracemalloc.start()
    try:
        value, t = timed(f)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return value, t, peak


def clouds(kind, n, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "gauss":
        return rng.standard_normal((n, 2)), 0.5 + 1.3 * rng.standard_normal((n, 2))
    return rng.random((n, 2)), rng.random((n, 2))


def interleaved(fs, repeat):
    """Values and best wall times of the calls ``fs``, timed in turn ``repeat`` times.

    Alternating the contenders within each round exposes them to the same
    load on a shared machine, so their ratio is fairer than that of two
    separate best-of runs.
    """
    values, best = [None] * len(fs), [float("inf")] * len(fs)
    for _ in range(repeat):
        for k, f in enumerate(fs):
            t = time.perf_counter()
            values[k] = f()
            best[k] = min(best[k], time.perf_counter() - t)
    return values, best


def bench_w1(sizes):
    print("\n## exact 2-D W1 (seconds, best of 5 interleaved runs; ratio = ours / ot.emd2)\n")
    print("| clouds | n | gantheory | ot.emd2 | ratio | scipy nd | W1 | |ours - emd2| |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in ("gauss", "uniform"):
        for n in sizes:
            x, y = clouds(kind, n)
            a = np.full(n, 1.0 / n)
            calls = [lambda: gt.empirical.w1(x, y)]
            if ot is not None:
                calls.append(lambda: ot.emd2(a, a, ot.dist(x, y, metric="euclidean")))
            values, times = interleaved(calls, 5)
            ours, t_ours = values[0], times[0]
            if ot is not None:
                ot_cols = f"{times[1]:.3f} | {t_ours / times[1]:.2f}"
                diff = f"{abs(ours - values[1]):.1e}"
            else:
                ot_cols, diff = "n/a | n/a", "n/a"
            if n <= 300:
                ref_nd, t_nd = timed(lambda: wasserstein_distance_nd(x, y))
                nd = f"{t_nd:.3f}"
            else:
                nd = "not run (LP on n^2 pairs)"
            print(f"| {kind} | {n} | {t_ours:.3f} | {ot_cols} | {nd} | {ours:.6f} | {diff} |")


def bench_w1_general(cases):
    """Exact W1 with unequal sizes or weights: the no-POT fallback (column generation over HiGHS) against ot.emd2.

    ``solver="lp"`` forces the fallback even where POT is installed (with POT,
    ``solver="auto"`` takes ot.emd2 itself); BLAS runs on one thread
    (threadpoolctl), so that the ratio does not depend on the core count.
    """
    from threadpoolctl import threadpool_limits

    print("\n## exact 2-D W1, unequal sizes or weights, one BLAS thread (seconds, best of the interleaved runs;")
    print("ratio = the no-POT fallback / ot.emd2)\n")
    print("| clouds | weights | n x m | fallback (lp) | auto (POT) | ot.emd2 | ratio | W1 | relative difference |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, n, m, weighted, repeat in cases:
        rng = np.random.default_rng(n + m)
        if kind == "gauss":
            x, y = rng.standard_normal((n, 2)), 0.5 + 1.3 * rng.standard_normal((m, 2))
        else:
            x, y = rng.random((n, 2)), rng.random((m, 2))
        a, b = (rng.random(n), rng.random(m)) if weighted else (np.ones(n), np.ones(m))
        a, b = a / a.sum(), b / b.sum()
        wa, wb = (a, b) if weighted else (None, None)
        calls = [lambda: gt.empirical.w1(x, y, wa, wb, solver="lp")]
        if ot is not None:
            calls += [lambda: gt.empirical.w1(x, y, wa, wb), lambda: ot.emd2(a, b, ot.dist(x, y, metric="euclidean"))]
        with threadpool_limits(1):
            values, times = interleaved(calls, repeat)
        label = "random" if weighted else "uniform"
        if ot is None:
            print(f"| {kind} | {label} | {n} x {m} | {times[0]:.3f} | n/a | n/a | n/a | {values[0]:.9f} | n/a |")
            continue
        rel = abs(values[0] - values[2]) / values[2]
        print(
            f"| {kind} | {label} | {n} x {m} | {times[0]:.3f} | {times[1]:.3f} | {times[2]:.3f} | {times[0] / times[2]:.0f} | {values[0]:.9f} | {rel:.1e} |"
        )


def bench_cubature():
    """Exact 2-D divergences between Gaussian mixtures (the cubature of divergences._cubature)."""
    import math
    import warnings

    rho = 0.99999
    A = gt.MultivariateNormal([-50.0, 0.0], [[1.0, rho], [rho, 1.0]])
    B = gt.MultivariateNormal([50.0, 0.0], [[1.0, rho], [rho, 1.0]])
    wide = gt.MultivariateNormal([0.0, 0.0], [[2500.0, 0.0], [0.0, 1.0]])
    N = gt.MultivariateNormal([0.0, 0.0], np.eye(2))
    R8, R32, G5 = gt.ring_of_gaussians(8), gt.ring_of_gaussians(32), gt.grid_of_gaussians(5)
    jsd_32_8 = 0.5 * math.log(8 / 5) + 0.5 * (0.25 * math.log(2 / 5) + 0.75 * math.log(2))
    cases = [
        (
            "kl(Mixture([A]), MVN(0, diag(2500, 1))), ridge rho = 0.99999",
            lambda: gt.kl(gt.Mixture([A], [1.0]), wide),
            9.322114647639537,
        ),
        ("tv(A/2 + B/2, A), ridges 100 apart", lambda: gt.tv(gt.Mixture([A, B], [0.5, 0.5]), A), 0.5),
        ("kl(N(0, I), ring(8))", lambda: gt.kl(N, R8), 1386.510662581996),  # nested polar quadrature, 16-fold symmetry
        ("kl(ring(8), ring(32))", lambda: gt.kl(R8, R32), math.log(4.0)),
        ("js(ring(32), ring(8))", lambda: gt.js_divergence(R32, R8), jsd_32_8),
        ("tv(ring(32), ring(8))", lambda: gt.tv(R32, R8), 0.75),
        ("kl(ring(32), ring(8))", lambda: gt.kl(R32, R8), None),
        ("kl(ring(8), grid(5))", lambda: gt.kl(R8, G5), None),
        ("js(ring(8), grid(5))", lambda: gt.js_divergence(R8, G5), None),
        ("tv(ring(8), grid(5))", lambda: gt.tv(R8, G5), None),
        ("kl(ring(1000), ring(8))", lambda: gt.kl(gt.ring_of_gaussians(1000), R8), None),
    ]
    print("\n## exact 2-D divergences by cubature (seconds, one run, peak traced MiB)\n")
    print("| case | value | truth | error | time | MiB | AccuracyWarning |")
    print("|---|---|---|---|---|---|---|")
    for label, f, truth in cases:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value, t, peak = traced(f)
        warned = "; ".join(str(w.message).split(" after")[0] for w in caught) or "none"
        error = f"{abs(value - truth):.1e}" if truth is not None else "n/a"
        print(
            f"| {label} | {value:.12g} | {truth if truth is not None else 'n/a'} | {error} | {t:.2f} | {peak:.0f} | {warned} |"
        )


def bench_energy(sizes):
    print("\n## energy distance (seconds, peak traced MiB)\n")
    print("| n | gantheory | MiB | dcor | MiB | dcor / ours | full cdist | MiB | cdist / ours | |ours - ref| |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    t_dcor_5000 = None
    for n in sizes:
        x, y = clouds("gauss", n, seed=1)
        ours, t_ours, m_ours = traced(lambda: gt.empirical.energy_distance(x, y))

        def full():
            return 2 * cdist(x, y).mean() - cdist(x, x).mean() - cdist(y, y).mean()

        ref, t_full, m_full = traced(full)
        if dcor is not None and n <= 5000:
            dval, t_dcor, m_dcor = traced(lambda: dcor.energy_distance(x, y))
            if n == 5000:
                t_dcor_5000 = t_dcor
            dcor_cols = f"{t_dcor:.2f} | {m_dcor:.0f} | {t_dcor / t_ours:.1f}"
            ref = dval
        elif t_dcor_5000 is not None:
            est = t_dcor_5000 * (n / 5000) ** 2
            dcor_cols = f"~{est:.0f} (n^2 from 5,000, not run) | ~{3 * 8 * n * n / 2**20:.0f} (3 matrices) | ~{est / t_ours:.0f}"
        else:
            dcor_cols = "n/a | n/a | n/a"
        print(
            f"| {n} | {t_ours:.3f} | {m_ours:.0f} | {dcor_cols} | {t_full:.2f} | {m_full:.0f} | {t_full / t_ours:.1f} | {abs(ours - ref):.1e} |"
        )


def bench_knn(sizes):
    print("\n## kNN estimators in 2-D (seconds), N(0, I) vs N((1, 0), I): KL = 0.5\n")
    print("| n | kl (k=1) | time | js_divergence (knn, k=5) | time |")
    print("|---|---|---|---|---|")
    for n in sizes:
        rng = np.random.default_rng(2)
        x, y = rng.standard_normal((n, 2)), rng.standard_normal((n, 2)) + [1.0, 0.0]
        gt.empirical.kl(x[:50], y[:50])  # warm the k-d tree code
        kl, t_kl = timed(lambda: gt.empirical.kl(x, y), 3)
        js, t_js = timed(lambda: gt.empirical.js_divergence(x, y), 3)
        print(f"| {n} | {kl:.4f} | {t_kl:.3f} | {js:.4f} | {t_js:.3f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        bench_w1([100, 300])
        bench_w1_general([("uniform", 500, 333, False, 1), ("uniform", 300, 300, True, 1)])
        bench_energy([1000])
        bench_knn([10**4])
    else:
        bench_w1([100, 300, 1000, 2000])
        bench_w1_general(
            [
                ("uniform", 500, 333, False, 3),
                ("uniform", 1500, 1000, False, 2),
                ("uniform", 300, 300, True, 3),
                ("uniform", 1000, 1000, True, 2),
                ("gauss", 500, 333, False, 3),
                ("gauss", 1500, 1000, False, 1),
                ("gauss", 1000, 1000, True, 1),
            ]
        )
        bench_cubature()
        bench_energy([1000, 5000, 20000])
        bench_knn([10**4, 10**5])


if __name__ == "__main__":
    main()
