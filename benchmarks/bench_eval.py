"""Benchmark the GAN evaluation distances: the Fréchet distance (FID formula) and the MMD U-statistic.

* Fréchet distance ``gt.frechet_distance`` against two anchors, in one run:
  pytorch-fid's formula (written out below from its published
  ``calculate_frechet_distance``, on SciPy: ``sqrtm`` of the non-symmetric
  product, complex parts dropped, ``eps = 1e-6`` on the diagonal when the
  square root is not finite) and POT's ``ot.gaussian.bures_wasserstein_distance``
  (squared). Time at d = 2, 64, 2048 on sample covariances of n = 4d
  points (well conditioned) and of n = d/2 points (numerically rank
  deficient), on A A^T / d with a square Gaussian A (full rank, condition
  number ~1e7) and on the exactly rank-deficient integer covariances below; accuracy against mpmath at 50 digits (symmetric
  eigendecompositions) at d = 8 on random, near-singular and exactly
  rank-deficient covariances (integer factors of rank d/4 and d/2, so the
  float matrices are exactly singular), with the anchors' complex, negative
  or NaN results counted.
* The ratio table of issue 29, each row ours against its anchor in the same
  run on the same data: ``gt.frechet_distance`` at d = 2048 against the
  ``sqrtm`` route (pytorch-fid's formula) on a well-conditioned full-rank
  pair (sample covariances, n = 4d), a full-rank pair of condition ~1e7
  (A Aᵀ/d), a nearly singular pair (eigenvalues 1 to 1e-14), sample
  covariances of n = d/2 points (numerically rank d/2 - 1) and an exactly
  rank-300 pair; ``gt.empirical.kid`` at 5,000 x 2,048 features (100 subsets
  of 1,000) against a plain per-subset NumPy loop over the same subsets;
  ``gt.empirical.mmd_test`` at n = m = 2,000 (2-D, 500 permutations) against
  the same test recomputing the kernel sums for every permutation (timed on
  ``--anchor-permutations`` of them and scaled: it is linear in their
  number). Columns: our CPU time (``time.process_time``: on a shared
  machine the wall clock also counts the time other processes hold the
  cores), the anchor's, their ratio, the ratio of wall-clock times, the value
  difference (relative to tr Σ1 + tr Σ2 for the Fréchet rows). Both are
  timed once each, one after the other.
* MMD U-statistic (Gaussian kernel) in 2-D at n = m = 2·10⁴: ``gt.empirical.mmd``
  (blocks of rows) against a plain implementation with
  ``scipy.spatial.distance.cdist`` of the three full matrices (one at a time),
  time and peak traced memory (tracemalloc).

BLAS threads: ``--threads`` (default 1, set with threadpoolctl), printed
first with the machine (``lscpu``'s model name, ``os.cpu_count()``).

Usage: ``python benchmarks/bench_eval.py [--quick] [--threads N] [--only ratios]``
(``--quick``: d up to 64, n = 5000, the ratio table at d = 1024 and 2,000 x 512 features).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import tracemalloc
import warnings

import numpy as np
import scipy.linalg
from scipy.spatial.distance import cdist

import gantheory as gt

try:
    import ot
except ImportError:  # POT is in the "bench"/"ot" extras
    ot = None
try:
    import mpmath as mp
except ImportError:
    mp = None


def pytorch_fid_formula(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid's ``calculate_frechet_distance`` on SciPy; returns (value, max |imaginary part| dropped)."""
    diff = mu1 - mu2
    covmean = scipy.linalg.sqrtm(sigma1.dot(sigma2))
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    imag = 0.0
    if np.iscomplexobj(covmean):
        imag = float(np.max(np.abs(covmean.imag)))
        covmean = covmean.real  # pytorch-fid raises only when the diagonal's imaginary part exceeds 1e-3
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)), imag


def pot_formula(mu1, sigma1, mu2, sigma2):
    """POT's Bures-Wasserstein distance, squared; NaN where it fails (NaN square roots reach its eigh: LinAlgError)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(ot.gaussian.bures_wasserstein_distance(mu1, mu2, sigma1, sigma2)) ** 2
        except np.linalg.LinAlgError:
            return np.nan


def mp_frechet(mu1, cov1, mu2, cov2):
    with mp.workdps(50):
        A, B = mp.matrix(cov1.tolist()), mp.matrix(cov2.tolist())
        E, V = mp.eigsy(A)
        S = V * mp.diag([mp.sqrt(max(e, 0)) for e in E]) * V.T
        M = S * B * S
        E2, _ = mp.eigsy((M + M.T) / 2)
        value = sum((mp.mpf(a) - mp.mpf(b)) ** 2 for a, b in zip(mu1, mu2))
        value += sum(A[i, i] + B[i, i] for i in range(A.rows)) - 2 * sum(mp.sqrt(max(e, 0)) for e in E2)
        return float(value)


def covariances(kind, d, rng):
    if kind == "sample, n = 4d":  # well conditioned (condition number about 9)
        return tuple(
            np.cov(rng.normal(size=(4 * d, d)) @ np.diag(np.linspace(1.0, 2.0, d)), rowvar=False) for _ in range(2)
        )
    if kind == "sample, n = d/2":  # numerically rank deficient, as FID from fewer images than features
        return tuple(np.cov(rng.normal(size=(max(2, d // 2), d)), rowvar=False) for _ in range(2))
    if kind == "full rank":
        A, B = rng.normal(size=(d, d)), rng.normal(size=(d, d))
        return A @ A.T / d, B @ B.T / d
    if kind == "near singular":
        Q1, Q2 = (np.linalg.qr(rng.normal(size=(d, d)))[0] for _ in range(2))
        l1, l2 = np.logspace(0, -14, d), np.logspace(0.3, -13, d)
        c1, c2 = Q1 @ np.diag(l1) @ Q1.T, Q2 @ np.diag(l2) @ Q2.T
        return 0.5 * (c1 + c1.T), 0.5 * (c2 + c2.T)
    if kind == "rank 300":  # exactly rank 300 each (integer factors)
        A, B = rng.integers(-3, 4, size=(d, 300)).astype(float), rng.integers(-3, 4, size=(d, 300)).astype(float)
        return A @ A.T, B @ B.T
    # rank deficient, exactly: integer factors
    A, B = (
        rng.integers(-3, 4, size=(d, max(1, d // 4))).astype(float),
        rng.integers(-3, 4, size=(d, max(1, d // 2))).astype(float),
    )
    return A @ A.T, B @ B.T


def timed(f, repeat):
    best, value = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        value = f()
        best = min(best, time.perf_counter() - t)
    return value, best


def timed_cpu(f):
    """One call: (value, wall-clock seconds, CPU seconds of this process).

    On a shared machine the wall clock also counts the time other processes hold the cores; with one BLAS thread the
    process's CPU time is the time the computation itself took (threads the library starts are counted in it too).
    """
    wall, cpu = time.perf_counter(), time.process_time()
    value = f()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def bench_frechet_accuracy(d=8, seeds=5):
    print(
        f"\nFréchet distance: relative error against mpmath (50 digits), d = {d}, {seeds} seeds each (max over seeds)"
    )
    print(f"{'covariances':>15} {'ours':>10} {'pytorch-fid':>12} {'POT':>10}  anchors' failures")
    for kind in ("full rank", "near singular", "rank deficient"):
        errs = {"ours": [], "fid": [], "pot": []}
        failures = []
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            c1, c2 = covariances(kind, d, rng)
            mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
            ref = mp_frechet(mu1, c1, mu2, c2)
            ours = gt.frechet_distance(mu1, c1, mu2, c2)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fid, imag = pytorch_fid_formula(mu1, c1, mu2, c2)
            pot = pot_formula(mu1, c1, mu2, c2) if ot is not None else np.nan
            if imag > 0:
                failures.append("fid complex")
            for name, v in (("fid", fid), ("pot", pot)):
                if not np.isfinite(v):
                    failures.append(f"{name} nan")
                elif v < 0:
                    failures.append(f"{name} negative")
            assert ours >= 0.0 and np.isfinite(ours)
            for name, v in (("ours", ours), ("fid", fid), ("pot", pot)):
                errs[name].append(abs(v - ref) / ref if np.isfinite(v) else np.inf)
        print(
            f"{kind:>15} {max(errs['ours']):10.1e} {max(errs['fid']):12.1e} {max(errs['pot']):10.1e}  {', '.join(sorted(set(failures))) or '-'}"
        )


def bench_frechet_time(dims):
    print("\nFréchet distance: time (s, best of repeats), ours vs pytorch-fid's sqrtm formula vs POT")
    print(
        f"{'d':>6} {'covariances':>16} {'ours':>9} {'pytorch-fid':>12} {'POT':>9} {'fid/ours':>9}  values (ours, fid, POT)"
    )
    for d in dims:
        repeat = 3 if d <= 64 else 2
        for kind in ("sample, n = 4d", "full rank", "sample, n = d/2", "rank deficient"):
            rng = np.random.default_rng(d)
            c1, c2 = covariances(kind, d, rng)
            mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
            ours, t_ours = timed(lambda: gt.frechet_distance(mu1, c1, mu2, c2), repeat)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                (fid, _), t_fid = timed(lambda: pytorch_fid_formula(mu1, c1, mu2, c2), repeat)
            pot, t_pot = timed(lambda: pot_formula(mu1, c1, mu2, c2), repeat) if ot is not None else (np.nan, np.nan)
            print(
                f"{d:>6} {kind:>16} {t_ours:9.4f} {t_fid:12.4f} {t_pot:9.4f} {t_fid / t_ours:9.1f}  {ours:.10g}, {fid:.10g}, {pot:.10g}"
            )


def plain_mmd_u(x, y, bandwidth):
    """The U-statistic from the three full kernel matrices (cdist), one at a time."""
    n, m = len(x), len(y)
    total = 0.0
    for a, b, w, same in (
        (x, x, 1.0 / (n * (n - 1)), True),
        (y, y, 1.0 / (m * (m - 1)), True),
        (x, y, -2.0 / (n * m), False),
    ):
        K = cdist(a, b, "sqeuclidean")
        K *= -0.5 / bandwidth**2
        np.exp(K, out=K)
        s = K.sum() - (np.trace(K) if same else 0.0)
        del K
        total += w * s
    return total


def traced(f):
    tracemalloc.start()
    t = time.perf_counter()
    value = f()
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return value, elapsed, peak


def bench_mmd(n):
    print(f"\nMMD U-statistic, Gaussian kernel (l = 1), 2-D, n = m = {n}: time and peak traced memory")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(n, 2)), rng.normal(0.3, 1.0, size=(n, 2))
    ours, t_ours, m_ours = traced(lambda: gt.empirical.mmd(x, y, bandwidth=1.0))
    plain, t_plain, m_plain = traced(lambda: plain_mmd_u(x, y, 1.0))
    print(f"{'':>22} {'time (s)':>9} {'peak (MiB)':>11}  value")
    print(f"{'gt.empirical.mmd':>22} {t_ours:9.2f} {m_ours:11.1f}  {ours:.12g}")
    print(f"{'plain cdist':>22} {t_plain:9.2f} {m_plain:11.1f}  {plain:.12g}")
    print(
        f"relative difference {abs(ours - plain) / abs(plain):.1e}; memory goal <= 256 MiB: {'met' if m_ours <= 256 else 'MISSED'}"
    )


def plain_kid_loop(x, y, n_subsets, size, seed):
    """The anchor: a plain NumPy loop over subsets (drawn as gt.empirical.kid draws them), three cubic-kernel matrices each.

    The cube as two products, as gantheory computes it: ``** 3`` (as clean-fid writes it) calls pow() per entry and would slow the anchor.
    """
    gen, d, values = np.random.default_rng(seed), x.shape[1], np.empty(n_subsets)
    for k in range(n_subsets):
        xs, ys = x[gen.choice(len(x), size, replace=False)], y[gen.choice(len(y), size, replace=False)]
        kxx, kyy, kxy = ((a @ b.T / d + 1.0) for a, b in ((xs, xs), (ys, ys), (xs, ys)))
        kxx, kyy, kxy = kxx * kxx * kxx, kyy * kyy * kyy, kxy * kxy * kxy
        values[k] = (kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (size * (size - 1)) - 2.0 * kxy.mean()
    return float(values.mean())


def recomputing_mmd_test(x, y, bandwidth, n_permutations, seed):
    """The anchor: the permutation test recomputing the U-statistic's kernel sums for every relabelling (returns the count of T_b >= T)."""
    z, n = np.vstack([x, y]), len(x)
    observed = gt.empirical.mmd(x, y, bandwidth=bandwidth)
    gen = np.random.default_rng(seed)
    exceed = 0
    for _ in range(n_permutations):
        perm = gen.permutation(len(z))
        exceed += gt.empirical.mmd(z[perm[:n]], z[perm[n:]], bandwidth=bandwidth) >= observed
    return observed, exceed


def bench_ratios(quick, anchor_permutations):
    d = 1024 if quick else 2048
    print(
        "\nIssue 29's ratio table (one run; the anchor on the same data in the same run; CPU time of this process in s,"
        " and the ratio of wall-clock times beside it: on a shared machine the wall clock also counts other processes)"
    )
    print(f"{'what':>44} {'ours':>8} {'anchor':>8} {'ratio':>7} {'wall':>7}  value difference")

    def row(what, ours, anchor, note):
        (_, wall_ours, cpu_ours), (_, wall_anchor, cpu_anchor) = ours, anchor
        print(
            f"{what:>44} {cpu_ours:8.2f} {cpu_anchor:8.2f} {cpu_anchor / cpu_ours:6.1f}x {wall_anchor / wall_ours:6.1f}x  {note}"
        )

    warm = covariances("full rank", 256, np.random.default_rng(0))  # load and warm both routes' LAPACK paths first
    gt.frechet_distance(np.zeros(256), *warm[:1], np.zeros(256), warm[1])
    pytorch_fid_formula(np.zeros(256), warm[0], np.zeros(256), warm[1])
    for kind in ("sample, n = 4d", "full rank", "near singular", "sample, n = d/2", "rank 300"):
        rng = np.random.default_rng(d)
        c1, c2 = covariances(kind, d, rng)
        mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
        ours = timed_cpu(lambda: gt.frechet_distance(mu1, c1, mu2, c2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            anchor = timed_cpu(lambda: pytorch_fid_formula(mu1, c1, mu2, c2))
        (fid, imag), scale = anchor[0], np.trace(c1) + np.trace(c2)
        note = f" (sqrtm's imaginary part {imag:.1e} dropped)" if imag else ""
        row(f"Fréchet d = {d}, {kind}", ours, anchor, f"{abs(ours[0] - fid) / scale:.1e} of tr S1 + tr S2{note}")
    n, dim, n_subsets, size = (2000, 512, 50, 500) if quick else (5000, 2048, 100, 1000)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(n, dim)), rng.normal(0.05, 1.0, size=(n, dim))
    ours = timed_cpu(lambda: gt.empirical.kid(x, y, n_subsets=n_subsets, subset_size=size, rng=3).value)
    anchor = timed_cpu(lambda: plain_kid_loop(x, y, n_subsets, size, 3))
    row(
        f"KID {n} x {dim}, {n_subsets} subsets of {size}",
        ours,
        anchor,
        f"{abs(ours[0] - anchor[0]) / abs(anchor[0]):.1e} relative ({ours[0]:.10g})",
    )
    n, permutations = (1000, 200) if quick else (2000, 500)
    x, y = rng.normal(size=(n, 2)), rng.normal(0.05, 1.0, size=(n, 2))
    ours = timed_cpu(lambda: gt.empirical.mmd_test(x, y, n_permutations=permutations, rng=3))
    result = ours[0]
    (observed, _), wall, cpu = timed_cpu(lambda: recomputing_mmd_test(x, y, result.bandwidth, anchor_permutations, 3))
    scale = permutations / anchor_permutations  # linear in the number of permutations
    row(
        f"mmd_test n = m = {n}, {permutations} permutations",
        ours,
        (None, wall * scale, cpu * scale),
        f"statistic {abs(result.statistic - observed) / abs(observed):.1e} relative (anchor timed on {anchor_permutations} permutations, scaled)",
    )


def machine():
    """The CPU model (lscpu) and os.cpu_count()."""
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout.splitlines()
        model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("Model name")), "unknown CPU")
    except OSError:
        model = "unknown CPU"
    return f"machine: {model}, os.cpu_count() = {os.cpu_count()}"


def blas_threads():
    """The BLAS libraries and their thread counts, as threadpoolctl reports them (every timing uses them as found)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS threads: unknown (threadpoolctl not installed)"
    found = sorted(
        {f"{i['internal_api']} {i['num_threads']} threads" for i in threadpool_info() if i.get("user_api") == "blas"}
    )
    return "BLAS: " + (", ".join(found) or "none found")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="d up to 64 and n = 5000; the ratio table at smaller sizes"
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (threadpoolctl; default 1)")
    parser.add_argument("--only", choices=("ratios",), help="only the ratio table of issue 29")
    parser.add_argument(
        "--anchor-permutations", type=int, default=50, help="permutations the recomputing mmd_test anchor is timed on"
    )
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(args.threads):
        print(machine())
        print(blas_threads())
        bench_ratios(args.quick, args.anchor_permutations)
        if args.only:
            return
        if mp is not None:
            bench_frechet_accuracy()
        bench_frechet_time((2, 64) if args.quick else (2, 64, 2048))
        bench_mmd(5000 if args.quick else 20000)


if __name__ == "__main__":
    main()
