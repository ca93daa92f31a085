"""Divergences between pmfs: agreement with SciPy and the identities they satisfy."""

import math

import numpy as np
import pytest
import scipy.spatial.distance
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

import gantheory as gt
from gantheory.backend import to_numpy
from gantheory.strategies import pmf_pairs, probability_vectors

RTOL = 1e-10
LOG2 = math.log(2.0)


def _normalized(p):
    return np.asarray(p, float) / np.sum(p)


# -- agreement with SciPy --------------------------------------------------------------


@given(pmf_pairs(), st.sampled_from([None, 2.0, 10.0]))
def test_kl_matches_scipy_entropy(pq, base):
    p, q = pq
    expected = scipy.stats.entropy(p, q, base=base)
    assert gt.discrete.kl(p, q, base=base) == pytest.approx(expected, rel=RTOL, abs=1e-14)


@given(pmf_pairs())
def test_kl_is_the_sum_of_rel_entr(pq):
    p, q = pq
    expected = np.sum(scipy.special.rel_entr(_normalized(p), _normalized(q)))
    assert gt.discrete.kl(p, q) == pytest.approx(expected, rel=RTOL, abs=1e-14)


@given(pmf_pairs(), st.sampled_from([None, 2.0]))
def test_js_distance_matches_scipy_jensenshannon(pq, base):
    p, q = pq
    expected = scipy.spatial.distance.jensenshannon(p, q, base=base)
    # scipy returns NaN when round-off makes the divergence slightly negative; ours clips at 0.
    expected = 0.0 if np.isnan(expected) else expected
    assert gt.discrete.js_distance(p, q, base=base) == pytest.approx(expected, rel=RTOL, abs=1e-7)


@given(pmf_pairs())
def test_js_divergence_is_the_square_of_scipy_distance(pq):
    p, q = pq
    expected = np.nan_to_num(scipy.spatial.distance.jensenshannon(p, q)) ** 2
    assert gt.discrete.js_divergence(p, q) == pytest.approx(expected, rel=RTOL, abs=1e-14)


@given(pmf_pairs(), st.data())
def test_w1_matches_scipy_wasserstein(pq, data):
    p, q = pq
    support = data.draw(st.lists(st.integers(-20, 20).map(float), min_size=len(p), max_size=len(p)))
    expected = scipy.stats.wasserstein_distance(support, support, p, q)
    assert gt.discrete.w1(p, q, support) == pytest.approx(expected, rel=RTOL, abs=1e-12)


@given(pmf_pairs(), st.data())
def test_energy_distance_is_the_square_of_scipy_energy(pq, data):
    p, q = pq
    support = data.draw(st.lists(st.floats(-50, 50), min_size=len(p), max_size=len(p)))
    expected = scipy.stats.energy_distance(support, support, p, q) ** 2
    assert gt.discrete.energy_distance(p, q, support) == pytest.approx(expected, rel=RTOL, abs=1e-12)


def test_batches_along_an_axis_match_scipy_entropy():
    rng = np.random.default_rng(0)
    p, q = rng.random((5, 7)), rng.random((5, 7))
    np.testing.assert_allclose(gt.discrete.kl(p, q, axis=0), scipy.stats.entropy(p, q, axis=0), rtol=RTOL)
    np.testing.assert_allclose(gt.discrete.kl(p, q, axis=1), scipy.stats.entropy(p, q, axis=1), rtol=RTOL)
    jsd_rows = gt.discrete.js_divergence(p, q, axis=1)
    np.testing.assert_allclose(jsd_rows, [gt.discrete.js_divergence(a, b) for a, b in zip(p, q)], rtol=RTOL)


def test_kl_on_a_2d_grid_is_kl_of_the_flattened_pmf():
    rng = np.random.default_rng(1)
    p, q = rng.random((6, 4)), rng.random((6, 4))
    assert gt.discrete.kl(p, q) == pytest.approx(scipy.stats.entropy(p.ravel(), q.ravel()), rel=RTOL)
    assert gt.discrete.js_divergence(p, q) == pytest.approx(
        scipy.spatial.distance.jensenshannon(p.ravel(), q.ravel()) ** 2, rel=RTOL
    )


def test_results_stay_on_the_input_backend(xp):
    p, q = xp.asarray([1.0, 2.0, 3.0]), xp.asarray([3.0, 2.0, 1.0])
    batch = gt.discrete.kl(xp.stack([p, q]), xp.stack([q, p]), axis=1)
    assert type(batch) is type(p)
    np.testing.assert_allclose(
        to_numpy(batch), scipy.stats.entropy([[1, 2, 3], [3, 2, 1]], [[3, 2, 1], [1, 2, 3]], axis=1)
    )
    assert isinstance(gt.discrete.w1(p, q, xp.asarray([0.0, 1.0, 2.0])), float)


# -- infinite and boundary cases ---------------------------------------------------------


def test_kl_is_inf_when_p_is_not_absolutely_continuous():
    assert gt.discrete.kl([0.5, 0.5], [1.0, 0.0]) == math.inf
    # The other direction is finite: q's mass sits where p has mass.
    assert gt.discrete.kl([1.0, 0.0], [0.5, 0.5]) == pytest.approx(LOG2)


def test_disjoint_supports_give_log2_jsd_and_unit_tv():
    p, q = [0.2, 0.8, 0.0, 0.0], [0.0, 0.0, 0.3, 0.7]
    assert gt.discrete.js_divergence(p, q) == pytest.approx(LOG2, rel=1e-15)
    assert gt.discrete.js_divergence(p, q, base=2) == pytest.approx(1.0, rel=1e-15)
    assert gt.discrete.tv(p, q) == pytest.approx(1.0)
    assert gt.discrete.kl(p, q) == math.inf


# -- identities (property tests) -------------------------------------------------------------


@given(pmf_pairs())
def test_divergences_are_non_negative(pq):
    p, q = pq
    assert gt.discrete.kl(p, q) >= 0
    assert gt.discrete.js_divergence(p, q) >= 0
    assert gt.discrete.tv(p, q) >= 0


@given(probability_vectors())
def test_divergences_vanish_for_identical_pmfs(p):
    support = np.arange(len(p), dtype=float)
    assert gt.discrete.kl(p, p) == pytest.approx(0.0, abs=1e-14)
    assert gt.discrete.js_divergence(p, p) == pytest.approx(0.0, abs=1e-14)
    assert gt.discrete.tv(p, p) == 0.0
    assert gt.discrete.w1(p, p, support) == pytest.approx(0.0, abs=1e-12)
    assert gt.discrete.cramer(p, 3 * p, support) == pytest.approx(0.0, abs=1e-7)  # scale-free: normalized


@given(pmf_pairs())
def test_jsd_is_symmetric_and_bounded_by_log2(pq):
    p, q = pq
    jsd = gt.discrete.js_divergence(p, q)
    assert jsd == pytest.approx(gt.discrete.js_divergence(q, p), rel=1e-12, abs=1e-15)
    assert 0.0 <= jsd <= LOG2


@given(pmf_pairs(), st.data())
def test_w1_and_cramer_are_symmetric(pq, data):
    p, q = pq
    support = np.arange(len(p), dtype=float) * data.draw(st.floats(0.1, 10))
    assert gt.discrete.w1(p, q, support) == pytest.approx(gt.discrete.w1(q, p, support), rel=1e-12, abs=1e-14)
    assert gt.discrete.cramer(p, q, support) == pytest.approx(gt.discrete.cramer(q, p, support), rel=1e-12, abs=1e-14)


@settings(max_examples=40)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(*[probability_vectors(n)] * 3)))
def test_triangle_inequality_for_js_distance_w1_and_cramer(pqr):
    p, q, r = pqr
    support = np.linspace(-3.0, 5.0, len(p))
    slack = 1e-12
    for dist in (gt.discrete.js_distance, gt.discrete.tv):
        assert dist(p, r) <= dist(p, q) + dist(q, r) + slack
    for dist in (gt.discrete.w1, gt.discrete.cramer):
        assert dist(p, r, support) <= dist(p, q, support) + dist(q, r, support) + slack


@given(pmf_pairs())
def test_pinsker_bounds_tv_by_root_half_kl(pq):
    p, q = pq
    assert gt.discrete.tv(p, q) <= math.sqrt(gt.discrete.kl(p, q) / 2) + 1e-12


@given(pmf_pairs(), st.floats(0.1, 100), st.floats(-100, 100))
def test_w1_and_cramer_scale_with_the_support(pq, a, b):
    p, q = pq
    support = np.arange(len(p), dtype=float)
    w, l2sq = gt.discrete.w1(p, q, support), gt.discrete.cramer(p, q, support) ** 2
    assert gt.discrete.w1(p, q, a * support + b) == pytest.approx(a * w, rel=1e-9, abs=1e-12)
    assert gt.discrete.cramer(p, q, a * support + b) ** 2 == pytest.approx(a * l2sq, rel=1e-9, abs=1e-12)


@given(pmf_pairs())
def test_energy_is_twice_cramer_squared(pq):
    p, q = pq
    support = np.cumsum(np.arange(len(p)) % 3 + 0.5)
    assert gt.discrete.energy_distance(p, q, support) == pytest.approx(
        2 * gt.discrete.cramer(p, q, support) ** 2, rel=1e-12
    )


@given(pmf_pairs())
def test_energy_equals_the_pairwise_expectation_form(pq):
    # E = 2 E|X - Y| - E|X - X'| - E|Y - Y'|, summed directly over all pairs of atoms.
    p, q = _normalized(pq[0]), _normalized(pq[1])
    t = np.linspace(-2.0, 7.0, len(p)) ** 3
    dist = np.abs(t[:, None] - t[None, :])
    expected = 2 * p @ dist @ q - p @ dist @ p - q @ dist @ q
    assert gt.discrete.energy_distance(p, q, t) == pytest.approx(expected, rel=1e-9, abs=1e-10)


@given(pmf_pairs(min_size=2))
def test_w1_equals_the_integral_of_the_cdf_gap(pq):
    # W1 = int |F - G| dt, with F, G the step CDFs: a midpoint rule on a fine grid is exact
    # between atoms (integer support, grid spacing dividing 1).
    p, q = _normalized(pq[0]), _normalized(pq[1])
    support = np.arange(len(p), dtype=float)
    h = 0.25
    mids = np.arange(0, len(p) - 1, h) + h / 2
    gap = np.cumsum(p)[np.floor(mids).astype(int)] - np.cumsum(q)[np.floor(mids).astype(int)]
    assert gt.discrete.w1(p, q, support) == pytest.approx(np.sum(np.abs(gap)) * h, rel=1e-10, abs=1e-12)


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "q", "error", "match"),
    [
        ([0.5, -0.5], [0.5, 0.5], ValueError, "p contains negative"),
        ([0.0, 0.0], [0.5, 0.5], ValueError, "p sums to zero"),
        ([0.5, np.nan], [0.5, 0.5], ValueError, "p contains NaN or inf"),
        ([0.5, 0.5], [np.inf, 0.5], ValueError, "q contains NaN or inf"),
        ([0.5, 0.5], [0.2, 0.3, 0.5], ValueError, "same shape"),
        ([], [], ValueError, "p is empty"),
        (["a", "b"], [0.5, 0.5], TypeError, "p must hold real numbers"),
        ([1 + 1j, 1], [0.5, 0.5], TypeError, "complex"),
        ([True, False], [0.5, 0.5], TypeError, "booleans"),
        (None, [0.5, 0.5], TypeError, "p is None"),
    ],
)
def test_bad_pmfs_raise_clear_errors(p, q, error, match):
    for divergence in (gt.discrete.kl, gt.discrete.js_divergence, gt.discrete.js_distance, gt.discrete.tv):
        with pytest.raises(error, match=match):
            divergence(p, q)


@pytest.mark.parametrize(
    ("base", "error"), [(1, ValueError), (0, ValueError), (-2, ValueError), ("2", TypeError), (np.inf, ValueError)]
)
def test_bad_base_raises(base, error):
    with pytest.raises(error, match="base"):
        gt.discrete.kl([0.5, 0.5], [0.3, 0.7], base=base)


def test_support_must_match_the_pmfs():
    with pytest.raises(ValueError, match="support must give one position per entry"):
        gt.discrete.w1([0.5, 0.5], [0.3, 0.7], support=[0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="support contains NaN"):
        gt.discrete.cramer([0.5, 0.5], [0.3, 0.7], support=[0.0, np.nan])
    with pytest.raises(ValueError, match="support must give one position per entry"):
        gt.discrete.energy_distance(np.ones((2, 2)), np.ones((2, 2)), support=[0.0, 1.0])


# -- weights at the ends of the float range ----------------------------------------------


def test_weights_whose_sum_overflows_are_normalized_by_their_maximum_first():
    # The reproductions; truths by hand: [1e308, 1e308] is the pmf [1/2, 1/2].
    assert gt.discrete.w1([1e308, 1e308], [1, 0], [0, 1]) == 0.5  # half the mass moves by 1
    # JSD([1/2, 1/2], [1, 0]) = 1/2 KL(p||m) + 1/2 KL(q||m), m = [3/4, 1/4]
    m = np.array([0.75, 0.25])
    expected = 0.5 * scipy.stats.entropy([0.5, 0.5], m) + 0.5 * scipy.stats.entropy([1.0, 0.0], m)
    assert gt.discrete.js_divergence([1e308, 1e308], [1, 0]) == pytest.approx(expected, rel=1e-14)
    assert gt.discrete.kl([1e308, 1e308], [1e-300, 3e-300]) == pytest.approx(
        scipy.stats.entropy([1, 1], [1, 3]), rel=1e-14
    )


def _scaled_up(p, k):
    """``p`` rescaled so that its largest entry is 10**k (k <= 308: every entry stays finite)."""
    return p / p.max() * 10.0**k


@given(pmf_pairs(), st.integers(0, 308), st.integers(0, 308))
def test_scaling_the_weights_by_powers_of_ten_leaves_every_divergence_unchanged(pq, k, j):
    # Every divergence depends on p / sum(p) only: scale invariance, up to the largest floats.
    p, q = pq
    support = np.arange(len(p), dtype=float)
    ps, qs = _scaled_up(p, k), _scaled_up(q, j)
    for f in (gt.discrete.kl, gt.discrete.js_divergence, gt.discrete.tv):
        assert f(ps, qs) == pytest.approx(f(p, q), rel=1e-12, abs=1e-14)
    # the distance is a square root: compare its square (sqrt turns 1e-17 of round-off into 3e-9)
    assert gt.discrete.js_distance(ps, qs) ** 2 == pytest.approx(
        gt.discrete.js_distance(p, q) ** 2, rel=1e-12, abs=1e-14
    )
    for f in (gt.discrete.w1, gt.discrete.cramer, gt.discrete.energy_distance):
        assert f(ps, qs, support) == pytest.approx(f(p, q, support), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("axis", [5, -4, 2])
def test_an_axis_out_of_range_names_the_argument(axis):
    p = np.ones((2, 3))
    for f in (gt.discrete.kl, gt.discrete.js_divergence, gt.discrete.js_distance, gt.discrete.tv):
        with pytest.raises(ValueError, match=f"axis={axis} is out of range for arrays of dimension 2"):
            f(p, p, axis=axis)


def test_a_non_integer_axis_is_a_type_error():
    with pytest.raises(TypeError, match="axis must be an int or None"):
        gt.discrete.kl(np.ones((2, 3)), np.ones((2, 3)), axis=1.0)
