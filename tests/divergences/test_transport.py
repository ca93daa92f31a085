"""Exact 2-D W1 with weights or unequal sizes (column generation in ``_transport.lp_w1``).

Truths: POT's network simplex ``ot.emd2`` (an independent exact solver), the
marginal constraints of a coupling, and the 1-D order statistics for a cloud
on a line.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

import gantheory as gt
from gantheory.divergences._transport import _north_west_corner, lp_w1

ot = pytest.importorskip("ot")


def _emd2(x, y, a, b):
    return ot.emd2(a / a.sum(), b / b.sum(), ot.dist(x, y, metric="euclidean"))


@settings(max_examples=40)
@given(
    n=st.integers(1, 25),
    m=st.integers(1, 25),
    seed=st.integers(0, 2**32 - 1),
    zeros=st.booleans(),
    grid=st.booleans(),
)
def test_lp_w1_equals_pot_emd2_on_random_weighted_clouds(n, m, seed, zeros, grid):
    # grid: integer points, hence many duplicates and tied costs (degenerate LPs)
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(n, 2)).astype(float) if grid else rng.normal(size=(n, 2))
    y = rng.integers(-2, 3, size=(m, 2)).astype(float) if grid else rng.normal(1.0, 2.0, size=(m, 2))
    a, b = rng.random(n) + 0.01, rng.random(m) + 0.01
    if zeros and n > 1:
        a[: n // 2] = 0.0
    a, b = a / a.sum(), b / b.sum()
    value, plan = lp_w1(x, y, a, b)
    assert value == pytest.approx(_emd2(x, y, a, b), rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(plan.sum(axis=1), a, atol=1e-12)
    np.testing.assert_allclose(plan.sum(axis=0), b, atol=1e-12)
    assert plan.min() >= 0.0 and plan[a == 0].sum() == 0.0
    assert np.sum(plan * cdist(x, y)) == pytest.approx(value, rel=1e-12, abs=1e-15)


@pytest.mark.slow
@pytest.mark.parametrize("n, m, weighted", [(500, 333, False), (300, 300, True)])
def test_w1_with_unequal_sizes_or_weights_matches_pot_at_the_benchmark_sizes(n, m, weighted):
    # sizes where the start set is far from optimal: several pricing rounds run
    rng = np.random.default_rng(n + m)
    x, y = rng.random((n, 2)), rng.normal(0.5, 0.4, size=(m, 2))
    a = rng.random(n) if weighted else np.ones(n)
    b = rng.random(m) if weighted else np.ones(m)
    ours = gt.empirical.w1(x, y, a if weighted else None, b if weighted else None)
    assert ours == pytest.approx(_emd2(x, y, a, b), rel=1e-9)


def test_points_on_a_line_give_the_1d_value():
    # W1 of clouds on a line equals the 1-D W1 (scipy's sorting formula), whatever the weights
    rng = np.random.default_rng(5)
    s, t = rng.normal(size=40), rng.normal(0.7, 1.5, size=23)
    wx, wy = rng.random(40), rng.random(23)
    from scipy.stats import wasserstein_distance

    x, y = np.c_[s, 2 * s], np.c_[t, 2 * t]  # the line y = 2x: distances are sqrt(5) |s - t|
    expected = np.sqrt(5) * wasserstein_distance(s, t, wx, wy)
    assert gt.empirical.w1(x, y, wx, wy) == pytest.approx(expected, rel=1e-12)


def test_north_west_corner_is_a_feasible_staircase():
    rng = np.random.default_rng(6)
    a, b = rng.random(7), rng.random(5)
    a, b = a / a.sum(), b / b.sum()
    rows, cols = _north_west_corner(a, b)
    assert len(rows) <= len(a) + len(b) - 1
    assert np.all(np.diff(rows) >= 0) and np.all(np.diff(cols) >= 0)  # a staircase from (0, 0)
    assert set(rows) == set(range(7)) and set(cols) == set(range(5))  # every point ships or receives
