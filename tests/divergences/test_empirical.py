"""Distances between 1-D (weighted) samples: agreement with SciPy and the identities they satisfy."""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

import gantheory as gt
from gantheory.strategies import samples_1d, weights_for

RTOL = 1e-10


@st.composite
def weighted_pairs(draw, weighted=None):
    """Two 1-D samples (unequal sizes, ties) and optional weights for each."""
    x, y = draw(samples_1d()), draw(samples_1d())
    use = draw(st.booleans()) if weighted is None else weighted
    wx = draw(weights_for(len(x))) if use else None
    wy = draw(weights_for(len(y))) if use and draw(st.booleans()) else None
    return x, y, wx, wy


# -- agreement with SciPy --------------------------------------------------------------


@given(weighted_pairs())
def test_w1_matches_scipy_wasserstein_distance(pair):
    x, y, wx, wy = pair
    expected = scipy.stats.wasserstein_distance(x, y, wx, wy)
    assert gt.empirical.w1(x, y, wx, wy) == pytest.approx(expected, rel=RTOL, abs=1e-12)


@given(st.integers(1, 50).flatmap(lambda n: st.tuples(samples_1d(n, n), samples_1d(n, n))))
def test_w1_fast_path_for_equal_sizes_matches_scipy(xy):
    x, y = xy
    assert gt.empirical.w1(x, y) == pytest.approx(scipy.stats.wasserstein_distance(x, y), rel=RTOL, abs=1e-12)


@given(weighted_pairs())
def test_energy_distance_is_the_square_of_scipy_energy_distance(pair):
    # SciPy returns sqrt(E); we return E (the squared form, as dcor).
    x, y, wx, wy = pair
    expected = scipy.stats.energy_distance(x, y, wx, wy) ** 2
    assert gt.empirical.energy_distance(x, y, wx, wy) == pytest.approx(expected, rel=RTOL, abs=1e-12)


@given(weighted_pairs())
def test_cramer_matches_scipy_energy_over_root_two(pair):
    # scipy's energy distance is sqrt(2) * l2 (Szekely's identity E = 2 l2^2).
    x, y, wx, wy = pair
    expected = scipy.stats.energy_distance(x, y, wx, wy) / np.sqrt(2)
    assert gt.empirical.cramer(x, y, wx, wy) == pytest.approx(expected, rel=RTOL, abs=1e-12)


@settings(max_examples=30)
@given(weighted_pairs())
def test_energy_equals_the_pairwise_expectation_form(pair):
    # E = 2 E|X - Y| - E|X - X'| - E|Y - Y'| by brute force over all pairs.
    x, y, wx, wy = pair
    px = np.full(len(x), 1 / len(x)) if wx is None else wx / wx.sum()
    py = np.full(len(y), 1 / len(y)) if wy is None else wy / wy.sum()
    expected = (
        2 * px @ np.abs(x[:, None] - y) @ py - px @ np.abs(x[:, None] - x) @ px - py @ np.abs(y[:, None] - y) @ py
    )
    scale = max(1.0, np.abs(np.concatenate([x, y])).max())
    assert gt.empirical.energy_distance(x, y, wx, wy) == pytest.approx(expected, rel=1e-9, abs=1e-12 * scale)


def test_weighted_w1_at_half_a_million_points_is_exact_to_a_few_ulps():
    # y = x + c moves every point right, in order: the monotone coupling x_i -> y_i is optimal, so
    # W1 = sum_i w_i (y_i - x_i) / sum_i w_i exactly. With c = 1e-6 every CDF gap is ~1e-6 over a range of ~10:
    # a plain running sum of the normalized weights put W1 2.8e-13 off (relative) here, SciPy 1e-15.
    rng = np.random.default_rng(0)
    n = 5 * 10**5
    x = rng.normal(size=n)
    y = x + 1e-6
    w = rng.random(n)
    exact = math.fsum(w * (y - x)) / math.fsum(w)
    assert gt.empirical.w1(x, y, w, w) == pytest.approx(exact, rel=1e-14)
    assert scipy.stats.wasserstein_distance(x, y, w, w) == pytest.approx(exact, rel=1e-14)  # SciPy agrees


def test_weights_equal_to_repetitions():
    # Integer weights are the same measure as repeating the points.
    x, wx = np.array([0.0, 1.5, 4.0]), np.array([1, 3, 2])
    y = np.array([0.5, 2.0])
    repeated = np.repeat(x, wx)
    for dist in (gt.empirical.w1, gt.empirical.cramer, gt.empirical.energy_distance):
        assert dist(x, y, x_weights=wx) == pytest.approx(dist(repeated, y), rel=1e-13)


def test_results_on_each_backend_agree_with_scipy(xp):
    rng = np.random.default_rng(3)
    x, y, w = rng.normal(size=500), rng.normal(0.5, 2.0, size=300), rng.random(500)
    expected = scipy.stats.wasserstein_distance(x, y, w)
    assert gt.empirical.w1(xp.asarray(x), xp.asarray(y), xp.asarray(w)) == pytest.approx(expected, rel=RTOL)
    expected_e = scipy.stats.energy_distance(x, y) ** 2
    assert gt.empirical.energy_distance(xp.asarray(x), xp.asarray(y)) == pytest.approx(expected_e, rel=RTOL)


# -- identities (property tests) ----------------------------------------------------------


@given(weighted_pairs())
def test_distances_are_non_negative_and_symmetric(pair):
    x, y, wx, wy = pair
    for dist in (gt.empirical.w1, gt.empirical.cramer, gt.empirical.energy_distance):
        d = dist(x, y, wx, wy)
        assert d >= 0
        assert d == pytest.approx(dist(y, x, wy, wx), rel=1e-12, abs=1e-12)


@given(samples_1d(), st.data())
def test_distances_vanish_between_a_sample_and_itself(x, data):
    w = data.draw(weights_for(len(x)))
    for dist in (gt.empirical.w1, gt.empirical.cramer, gt.empirical.energy_distance):
        assert dist(x, x) == 0.0
        assert dist(x, x, w, 2.5 * w) == pytest.approx(0.0, abs=1e-9)  # weights are normalized


@settings(max_examples=40)
@given(samples_1d(), samples_1d(), samples_1d())
def test_triangle_inequality_for_w1_and_cramer(x, y, z):
    for dist in (gt.empirical.w1, gt.empirical.cramer):
        scale = max(1.0, np.abs(np.concatenate([x, y, z])).max())
        assert dist(x, z) <= dist(x, y) + dist(y, z) + 1e-12 * scale


@given(weighted_pairs(), st.floats(-20, 20).filter(lambda a: abs(a) > 1e-3), st.floats(-100, 100))
def test_affine_maps_scale_w1_by_abs_a_and_cramer_squared_by_abs_a(pair, a, b):
    x, y, wx, wy = pair
    w1, l2sq = gt.empirical.w1(x, y, wx, wy), gt.empirical.cramer(x, y, wx, wy) ** 2
    scale = max(1.0, np.abs(np.concatenate([x, y])).max())
    tol = 1e-9 * scale * abs(a) + 1e-9 * abs(b)
    assert gt.empirical.w1(a * x + b, a * y + b, wx, wy) == pytest.approx(abs(a) * w1, rel=1e-9, abs=tol)
    assert gt.empirical.cramer(a * x + b, a * y + b, wx, wy) ** 2 == pytest.approx(
        abs(a) * l2sq, rel=1e-9, abs=tol * scale
    )


@given(weighted_pairs())
def test_energy_is_twice_cramer_squared(pair):
    x, y, wx, wy = pair
    assert gt.empirical.energy_distance(x, y, wx, wy) == pytest.approx(
        2 * gt.empirical.cramer(x, y, wx, wy) ** 2, rel=1e-12
    )


@settings(max_examples=30)
@given(weighted_pairs())
def test_w1_equals_the_integral_of_the_cdf_gap(pair):
    # |F - G| is a step function: evaluated (by searchsorted) at the midpoint of each
    # interval between consecutive distinct points, times its width, it integrates exactly.
    x, y, wx, wy = pair
    wx = np.ones(len(x)) if wx is None else wx
    wy = np.ones(len(y)) if wy is None else wy
    ox, oy = np.argsort(x), np.argsort(y)
    cx, cy = np.cumsum(wx[ox]) / wx.sum(), np.cumsum(wy[oy]) / wy.sum()

    def gap(t):
        ix, iy = np.searchsorted(x[ox], t, "right"), np.searchsorted(y[oy], t, "right")
        return abs((cx[ix - 1] if ix else 0.0) - (cy[iy - 1] if iy else 0.0))

    knots = np.unique(np.concatenate([x, y]))
    expected = sum(gap(0.5 * (a + b)) * (b - a) for a, b in zip(knots[:-1], knots[1:]))
    assert gt.empirical.w1(x, y, wx, wy) == pytest.approx(expected, rel=1e-10, abs=1e-12)


# -- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("dist", [gt.empirical.w1, gt.empirical.cramer, gt.empirical.energy_distance])
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(x=[], y=[1.0]), ValueError, "x is empty"),
        (dict(x=[1.0], y=[]), ValueError, "y is empty"),
        (dict(x=[1.0, np.nan], y=[1.0]), ValueError, "x contains NaN or inf"),
        (dict(x=[1.0], y=[-np.inf]), ValueError, "y contains NaN or inf"),
        (dict(x=[[[1.0]]], y=[1.0]), ValueError, "x must have shape"),
        (dict(x=["a"], y=[1.0]), TypeError, "x must hold real numbers"),
        (dict(x=None, y=[1.0]), TypeError, "x is None"),
        (dict(x=[1.0, 2.0], y=[1.0], x_weights=[1.0]), ValueError, r"x_weights must have shape \(2,\)"),
        (dict(x=[1.0, 2.0], y=[1.0], x_weights=[1.0, -1.0]), ValueError, "x_weights contains negative"),
        (dict(x=[1.0, 2.0], y=[1.0], y_weights=[0.0]), ValueError, "y_weights sums to zero"),
        (dict(x=[1.0, 2.0], y=[1.0], y_weights=[np.nan]), ValueError, "y_weights contains NaN"),
    ],
)
def test_bad_samples_raise_clear_errors(dist, kwargs, error, match):
    with pytest.raises(error, match=match):
        dist(**kwargs)


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend must be one of"):
        gt.empirical.w1([1.0], [2.0], backend="torch")


# -- weights at the ends of the float range --------------------------------------------


def test_weights_whose_sum_overflows_give_the_normalized_answer():
    # The reproduction: x = {0, 1} with equal weights against y = {1}: half the mass moves 1.
    assert gt.empirical.w1([0, 1], [1], x_weights=[1e308, 1e308]) == 0.5
    # and at the other end, subnormal weights: [1, 3] * 5e-324 is [5e-324, 1.5e-323] exactly
    assert gt.empirical.w1([0, 4], [0], x_weights=[5e-324, 1.5e-323]) == 3.0  # 3/4 of the mass moves 4


@given(weighted_pairs(weighted=True), st.integers(0, 308))
def test_scaling_all_weights_by_powers_of_ten_leaves_every_distance_unchanged(pair, k):
    # The distances depend on w / sum(w) only (checked against the unscaled weights).
    x, y, wx, wy = pair
    wxs = wx / wx.max() * 10.0**k
    wys = None if wy is None else wy / wy.max() * 10.0**k
    scale = max(1.0, np.abs(np.concatenate([x, y])).max())
    for dist in (gt.empirical.w1, gt.empirical.cramer, gt.empirical.energy_distance):
        assert dist(x, y, wxs, wys) == pytest.approx(dist(x, y, wx, wy), rel=1e-12, abs=1e-12 * scale)


# -- kNN distances in 1-D by sorting -----------------------------------------------------


@given(samples_1d(min_size=2), samples_1d(), st.sets(st.integers(1, 6), min_size=1, max_size=3))
def test_sorted_1d_neighbour_distances_equal_brute_force_and_the_kdtree(x, y, ks):
    # Truth: all |x_i - x_j| sorted per row (the point itself is the 0-th, at distance 0), ties
    # included; and scipy's k-d tree, up to its squared distances underflowing below ~1e-154.
    from scipy.spatial import cKDTree

    from gantheory.divergences._knn import NeighbourIndex

    ks = sorted(k for k in ks if k < len(x)) or [1]
    index = NeighbourIndex(x[:, None])
    self_all = np.sort(np.abs(x[:, None] - x[None, :]), axis=1)
    np.testing.assert_array_equal(index.kth_self(ks), self_all[:, ks])
    cross_all = np.sort(np.abs(y[:, None] - x[None, :]), axis=1)
    np.testing.assert_array_equal(index.kth(y[:, None], ks), cross_all[:, [k - 1 for k in ks]])
    tree = cKDTree(x[:, None])
    np.testing.assert_allclose(
        index.kth_self(ks), tree.query(x[:, None], k=[k + 1 for k in ks])[0], rtol=1e-15, atol=1e-150
    )
