"""The public hypothesis strategies (gantheory.strategies): valid objects, reachable edge cases, optional import."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from scipy import integrate

import gantheory as gt
from gantheory import strategies as gs

# -- the objects are valid -----------------------------------------------------


@given(gs.pmfs())
def test_pmfs_are_nonnegative_and_sum_to_one(p):
    assert p.dtype == np.float64 and p.ndim == 1 and np.all(p >= 0)
    assert abs(p.sum() - 1.0) <= 1e-12


@given(gs.pmf_tuples(3, min_size=2, max_size=5, zeros=False))
def test_pmf_tuples_share_a_support(pqr):
    assert len(pqr) == 3 and len({p.shape for p in pqr}) == 1
    assert all(np.all(p > 0) for p in pqr)


def test_pmfs_reach_zeros_and_ties():
    assert any((p == 0).any() and (p > 0).sum() >= 2 for p in drawn(gs.pmfs()))
    assert any(len(np.unique(p)) < len(p) for p in drawn(gs.pmfs(zeros=False)))
    assert all(p.min() > 0 for p in drawn(gs.pmfs(zeros=False, ties=False)))


@given(gs.weighted_samples_1d())
def test_weighted_samples_1d_are_valid(xw):
    x, w = xw
    assert x.ndim == 1 and w.shape == x.shape and np.isfinite(x).all()
    assert np.all(w > 0)
    gt.empirical.w1(x, x[::-1], x_weights=w)  # the estimators accept them


@given(gs.weighted_samples_2d(zero_weights=True))
def test_weighted_samples_2d_are_valid(xw):
    x, w = xw
    assert x.ndim == 2 and x.shape[1] == 2 and w.shape == (x.shape[0],)
    assert np.all(w >= 0) and w.sum() > 0


def test_weighted_samples_reach_ties_and_zero_weights():
    assert any(len(np.unique(x)) < len(x) for x, _ in drawn(gs.weighted_samples_1d()))
    assert any(len(np.unique(x, axis=0)) < len(x) for x, _ in drawn(gs.weighted_samples_2d()))
    assert any((w == 0).any() for _, w in drawn(gs.weighted_samples_1d(zero_weights=True)))


@settings(max_examples=25)
@given(gs.distributions(dim=1))
def test_1d_distributions_have_a_density_integrating_to_one(P):
    assert P.dim == 1 and P.reference == "lebesgue"
    lo, hi = P.ppf(1e-12), P.ppf(1 - 1e-12)
    edges = np.unique(np.clip(P._breakpoints(), lo, hi))
    mass = sum(integrate.quad(lambda t: float(P.pdf(t)), a, b, limit=200)[0] for a, b in zip(edges[:-1], edges[1:]))
    assert mass == pytest.approx(1.0, abs=1e-8)


@settings(max_examples=25)
@given(gs.distributions(dim=2))
def test_2d_distributions_sample_inside_their_support(P):
    x = P.sample(50, rng=0)
    assert P.dim == 2 and x.shape == (50, 2)
    assert np.isfinite(P.logpdf(x)).all() and np.isfinite(P.mean).all()


@given(gs.continuous_1d_dists())
def test_scales_stay_in_the_documented_range(P):
    for c in getattr(P, "components", [P]):
        width = c.high - c.low if isinstance(c, gt.Uniform) else c.scale
        assert 0.2 <= width <= 5


def drawn(strategy, n=60):
    """``n`` derandomized draws of ``strategy`` (no shrinking, unlike hypothesis.find)."""
    seen = []

    @settings(max_examples=n, database=None, derandomize=True)
    @given(strategy)
    def record(value):
        seen.append(value)

    record()
    return seen


def test_every_family_is_reachable():
    assert {type(P) for P in drawn(gs.distributions(dim=1))} == {gt.Normal, gt.Laplace, gt.Uniform, gt.Mixture}
    assert {type(P) for P in drawn(gs.distributions(dim=2))} == {gt.MultivariateNormal, gt.Product, gt.Mixture}
    with pytest.raises(ValueError, match="dim must be 1 or 2"):
        gs.distributions(dim=3)


# -- a student's property tests, written with them -----------------------------


@given(gs.pmf_tuples(2))
def test_pinsker_on_pmfs(pq):
    # Pinsker: 2 TV^2 <= KL; KL = inf (a zero of q under mass of p) satisfies it trivially. Squared, not through
    # sqrt(KL / 2): KL's rounding (a few eps) would move sqrt(KL) by ~1e-8 near 0, where the bound is tight
    p, q = pq
    assert 2 * gt.discrete.tv(p, q) ** 2 <= gt.discrete.kl(p, q) + 1e-15


@settings(max_examples=30)
@given(gs.normal_dists(), gs.laplace_dists())
def test_pinsker_on_distributions(P, Q):
    assert gt.tv(P, Q) <= math.sqrt(gt.kl(P, Q) / 2) + 1e-9


@given(gs.pmf_tuples(3))
def test_sqrt_jsd_is_a_metric_triangle_inequality(pqr):
    p, q, r = pqr
    d = gt.discrete.js_distance
    assert d(p, r) <= d(p, q) + d(q, r) + 1e-12


# -- hypothesis stays optional -------------------------------------------------


@pytest.mark.slow
def test_hypothesis_is_optional():
    # one fresh interpreter: import gantheory, look for hypothesis in sys.modules, then block it
    # (sys.modules[name] = None makes "import name" fail as if it were not installed) and import the strategies
    code = """
import sys, gantheory
print(any(m.split('.')[0] == 'hypothesis' for m in sys.modules))
sys.modules['hypothesis'] = None
try:
    import gantheory.strategies
except ImportError as exc:
    print(exc)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    imported, message = out.stdout.strip().splitlines()
    assert imported == "False"
    assert message == 'gantheory.strategies needs hypothesis; install it with: pip install "gantheory[test]"'
