"""Measure the spread of ``gt.gan.vanishing_gradient`` over many runs: the numbers its docstring, chapter 4 and the tests quote.

For each setting it prints, over ``--runs`` runs (``rng=0``, runs seeded by
``np.random.SeedSequence(0).spawn(runs)``, so the first 3 are the default
runs), the range of

* the factor by which each cost's gradient norm changed over the run
  (last / first), as log10 for the collapsing costs;
* the largest norm along the run over the first (the non-saturating growth);
* the final mean D(G(z));
* the clipped critic's norm after step 50: the ratio of its largest to its smallest value;

and the wall time. Settings: the default (target N(0, 0.1²), generator
N(2, 0.1²): nearly disjoint supports), the same with Adam's lr = 1e-3 (the
discriminator does not get near-perfect in 500 steps), and overlapping laws
(generator N(0.1, 0.1²) and N(0.2, 0.1²): one and two standard deviations from the target).

Run: ``python benchmarks/vanishing_gradient_spread.py [--runs 20]`` (about 10 s a setting).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gantheory.gan.gradients import vanishing_gradient

SETTINGS = {
    "disjoint (default)": {},
    "disjoint, lr = 1e-3": dict(lr=1e-3),
    "overlapping, generator N(0.1, 0.1²)": dict(generator_loc=0.1),
    "overlapping, generator N(0.2, 0.1²)": dict(generator_loc=0.2),
}


def report(name, runs, **kwargs):
    start = time.perf_counter()
    run = vanishing_gradient(rng=0, n_runs=runs, **kwargs)
    seconds = time.perf_counter() - start
    print(f"== {name}: {runs} runs, {seconds:.1f} s")
    for cost in run.norms:
        decay = run.decay(cost)
        peak = run.norms[cost].max(axis=1) / run.norms[cost][:, 0]
        low = run.norms[cost].min(axis=1) / run.norms[cost][:, 0]
        print(
            f"  {cost:18s} last/first {decay.min():.3g} .. {decay.max():.3g}  (log10 {np.log10(decay).min():+.2f} .. {np.log10(decay).max():+.2f});"
            f"  max/first {peak.min():.3g} .. {peak.max():.3g};  min/first {low.min():.3g} .. {low.max():.3g}"
        )
        print(f"  {'':18s} first 3 runs: last/first {np.array2string(decay[:3], precision=3)}")
    late = np.log10(run.norms["wgan"][:, run.steps >= 50])
    print(
        f"  wgan after step 50: max/min per run {10 ** (late.max(axis=1) - late.min(axis=1)).min():.3g} .. {10 ** (late.max(axis=1) - late.min(axis=1)).max():.3g}"
    )
    at50 = np.searchsorted(run.steps, 50)
    growth = np.log10(run.norms["non_saturating"][:, at50] / run.norms["non_saturating"][:, 0]) / np.log10(
        run.decay("non_saturating")
    )
    print(f"  non-saturating: share of its log growth done by step 50: {growth.min():.2f} .. {growth.max():.2f}")
    print(
        f"  D(G(z)) first {run.d_fake[:, 0].min():.3g} .. {run.d_fake[:, 0].max():.3g}; last {run.d_fake[:, -1].min():.3g} .. {run.d_fake[:, -1].max():.3g}"
    )
    ratio = run.norms["maximum_likelihood"][:, -1] / run.norms["minimax"][:, -1]
    print(f"  maximum-likelihood / minimax norm at the end: {ratio.min():.6g} .. {ratio.max():.6g}")
    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    for name, kwargs in SETTINGS.items():
        report(name, args.runs, **kwargs)


if __name__ == "__main__":
    main()
