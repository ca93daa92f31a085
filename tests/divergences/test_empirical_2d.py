"""Estimators from samples in d dimensions (mostly 2-D): exact W1, energy, sliced, kNN KL/JSD, histograms.

Truths are independent of our code: SciPy's wasserstein_distance_nd and
(1-D) wasserstein_distance, POT's emd2, dcor's energy_distance, direct
pairwise formulas, closed-form Gaussian KL, quadrature, and identities.
"""

import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from scipy.spatial.distance import cdist

import gantheory as gt
from gantheory.divergences._knn import log_ratio
from gantheory.divergences._sliced import projected_cramer_squared, random_directions
from gantheory.strategies import samples_2d, weights_for

emp = gt.empirical  # POT and dcor are optional: the tests that need them import them with importorskip


def _cloud(n, seed, shift=0.0, scale=1.0, d=2):
    return shift + scale * np.random.default_rng(seed).standard_normal((n, d))


def _direct_energy(x, y, wx=None, wy=None):
    """E = 2 E|X - Y| - E|X - X'| - E|Y - Y'| from the full distance matrices (V-statistic)."""
    wx = np.full(len(x), 1 / len(x)) if wx is None else wx / wx.sum()
    wy = np.full(len(y), 1 / len(y)) if wy is None else wy / wy.sum()
    return 2 * wx @ cdist(x, y) @ wy - wx @ cdist(x, x) @ wx - wy @ cdist(y, y) @ wy


# --------------------------------------------------------------------------- exact W1


def test_w1_matches_scipy_wasserstein_distance_nd_with_weights_and_unequal_sizes():
    # scipy's LP is slow: small clouds only.
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(9, 2)), rng.normal(1.0, 2.0, size=(7, 2))
    wx, wy = rng.random(9), rng.random(7)
    assert emp.w1(x, y, wx, wy) == pytest.approx(stats.wasserstein_distance_nd(x, y, wx, wy), abs=1e-9)
    x8, y8 = rng.normal(size=(8, 2)), rng.normal(size=(8, 2))  # the assignment path
    assert emp.w1(x8, y8) == pytest.approx(stats.wasserstein_distance_nd(x8, y8), abs=1e-9)


@pytest.mark.parametrize("n", [40, 300, 700])
def test_w1_assignment_matches_pot_emd2(n):
    # n = 300 and 700 go through one and two coarse levels of the warm start.
    ot = pytest.importorskip("ot")
    x, y = _cloud(n, 1), _cloud(n, 2, shift=0.5, scale=1.3)
    a = np.full(n, 1 / n)
    assert emp.w1(x, y) == pytest.approx(ot.emd2(a, a, ot.dist(x, y, metric="euclidean")), abs=1e-9)


def _degenerate_clouds(case):
    rng = np.random.default_rng(7)
    if case == "odd":
        return _cloud(301, 3), _cloud(301, 4, shift=0.5, scale=1.3)
    if case == "3d":
        return _cloud(300, 5, d=3), _cloud(300, 6, shift=0.5, d=3)
    if case == "duplicates":  # every point twice: ties in the k-d splits and zero costs
        x, y = _cloud(150, 8), _cloud(150, 9, shift=1.0)
        return np.repeat(x, 2, axis=0), rng.permutation(np.repeat(y, 2, axis=0))
    # collinear: every split along the second axis is a tie
    return np.c_[rng.random(300), np.zeros(300)], np.c_[rng.random(300) + 0.3, np.zeros(300)]


@pytest.mark.parametrize("case", ["odd", "3d", "duplicates", "collinear"])
def test_w1_assignment_matches_pot_emd2_on_odd_sizes_3d_duplicates_and_ties(case):
    # Sizes above the coarsest level (256): the paired-midpoint warm start runs,
    # with an unpaired point (odd n), three coordinates, repeated points and tied splits.
    ot = pytest.importorskip("ot")
    x, y = _degenerate_clouds(case)
    a = np.full(len(x), 1 / len(x))
    assert emp.w1(x, y) == pytest.approx(ot.emd2(a, a, ot.dist(x, y, metric="euclidean")), abs=1e-9)


def test_sibling_pairs_are_disjoint_and_cover_all_but_one_point_of_an_odd_cloud():
    from gantheory.divergences._transport import _sibling_pairs

    for n in (2, 7, 300, 301):
        first, second = _sibling_pairs(_cloud(n, n))
        paired = np.concatenate([first, second])
        assert len(first) == n // 2
        assert len(np.unique(paired)) == 2 * (n // 2)


def test_w1_lp_matches_pot_emd2_with_weights_unequal_sizes_and_duplicates():
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(3)
    x = rng.integers(-2, 3, size=(30, 2)).astype(float)  # a small grid: many duplicate points
    y = rng.integers(-1, 4, size=(22, 2)).astype(float)
    wx, wy = rng.random(30), rng.random(22)
    wx[:3] = 0.0  # zero weights are allowed
    M = ot.dist(x, y, metric="euclidean")
    assert emp.w1(x, y, wx, wy) == pytest.approx(ot.emd2(wx / wx.sum(), wy / wy.sum(), M), abs=1e-9)
    assert emp.w1(x, y) == pytest.approx(ot.emd2(np.full(30, 1 / 30), np.full(22, 1 / 22), M), abs=1e-9)
    # duplicates on the assignment path too
    y2 = rng.integers(-1, 4, size=(30, 2)).astype(float)
    assert emp.w1(x, y2) == pytest.approx(
        ot.emd2(np.full(30, 1 / 30), np.full(30, 1 / 30), ot.dist(x, y2, metric="euclidean")), abs=1e-9
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_w1_coupling_has_the_marginals_and_the_cost(weighted):
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(20, 2)), rng.normal(size=(20 if not weighted else 15, 2))
    wx = rng.random(20) if weighted else None
    wy = rng.random(15) if weighted else None
    value, plan = emp.w1(x, y, wx, wy, return_coupling=True)
    a = np.full(20, 1 / 20) if wx is None else wx / wx.sum()
    b = np.full(len(y), 1 / len(y)) if wy is None else wy / wy.sum()
    assert plan.min() >= 0
    np.testing.assert_allclose(plan.sum(axis=1), a, atol=1e-12)
    np.testing.assert_allclose(plan.sum(axis=0), b, atol=1e-12)
    assert np.sum(plan * cdist(x, y)) == pytest.approx(value, abs=1e-12)


def test_w1_of_one_coordinate_points_equals_the_1d_sorting_kernel():
    rng = np.random.default_rng(5)
    x, y, w = rng.normal(size=25), rng.normal(size=17), rng.random(25)
    expected = stats.wasserstein_distance(x, y, w)
    assert emp.w1(x[:, None], y[:, None], w) == pytest.approx(expected, abs=1e-12)
    assert emp.w1(x[:, None], y[:, None], w, return_coupling=True)[0] == pytest.approx(expected, abs=1e-9)
    # a 1-D sample against (m, 1) points is the same problem
    assert emp.w1(x, y[:, None], w) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=25)
@given(data=st.data())
def test_w1_is_a_translation_invariant_homogeneous_symmetric_metric_value(data):
    x = data.draw(samples_2d(max_size=12))
    y = data.draw(samples_2d(max_size=12))
    wx = data.draw(weights_for(len(x))) if data.draw(st.booleans()) else None
    value = emp.w1(x, y, wx)
    scale = 1.0 + np.abs(x).max() + np.abs(y).max()
    assert value >= 0  # non-negativity
    assert emp.w1(x, x) == 0.0  # zero on identical samples
    assert emp.w1(y, x, None, wx) == pytest.approx(value, abs=1e-9 * scale)  # symmetry
    shift = np.array([3.0, -7.0])
    assert emp.w1(x + shift, y + shift, wx) == pytest.approx(value, abs=1e-9 * scale)  # translation invariance
    assert emp.w1(-2.0 * x, -2.0 * y, wx) == pytest.approx(2.0 * value, abs=1e-9 * scale)  # |a|-homogeneity


@settings(max_examples=20)
@given(data=st.data())
def test_w1_dominates_sliced_w1_direction_by_direction(data):
    # Projections are 1-Lipschitz, so every projected W1 is at most W1: the mean is too.
    x, y = data.draw(samples_2d(max_size=12)), data.draw(samples_2d(max_size=12))
    scale = 1.0 + np.abs(x).max() + np.abs(y).max()
    assert emp.sliced_w1(x, y, n_projections=32) <= emp.w1(x, y) + 1e-9 * scale


# --------------------------------------------------------------------------- energy distance


@pytest.mark.slow  # dcor's first call compiles with numba (a few seconds)
def test_energy_matches_dcor_v_and_u_statistics():
    dcor = pytest.importorskip("dcor")
    x, y = _cloud(300, 6), _cloud(200, 7, shift=0.5, scale=1.3)
    assert emp.energy_distance(x, y) == pytest.approx(dcor.energy_distance(x, y), abs=1e-12)
    u = dcor.energy_distance(x, y, estimation_stat="u_statistic")
    assert emp.energy_distance(x, y, unbiased=True) == pytest.approx(u, abs=1e-12)
    # 1-D U-statistic (sorting route) against dcor too
    u1 = dcor.energy_distance(x[:, 0], y[:, 0], estimation_stat="u_statistic")
    assert emp.energy_distance(x[:, 0], y[:, 0], unbiased=True) == pytest.approx(u1, abs=1e-12)


@pytest.mark.parametrize("chunk_size", [1, 7, None])
def test_energy_weighted_chunked_matches_the_direct_formula(chunk_size):
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(23, 3))
    wx, wy = rng.random(40), rng.random(23)
    expected = _direct_energy(x, y, wx, wy)
    assert emp.energy_distance(x, y, wx, wy, chunk_size=chunk_size) == pytest.approx(expected, abs=1e-12)
    assert emp.energy_distance(x, y, chunk_size=chunk_size) == pytest.approx(_direct_energy(x, y), abs=1e-12)


def test_energy_of_points_on_a_line_equals_the_1d_energy_distance():
    # The 2-D chunked kernel on points (t, 0) against the foundation's 1-D sorting kernel.
    rng = np.random.default_rng(9)
    x, y, w = rng.normal(size=31), rng.normal(0.3, 2.0, size=18), rng.random(31)
    on_line = lambda t: np.column_stack([t, np.zeros_like(t)])  # noqa: E731
    e1 = emp.energy_distance(x, y, w)
    assert emp.energy_distance(on_line(x), on_line(y), w) == pytest.approx(e1, abs=1e-12)
    assert emp.energy_distance(x[:, None], y[:, None], w) == pytest.approx(e1, abs=1e-12)
    # and the 1-D value is 2 * cramer**2 = scipy's energy_distance squared
    assert e1 == pytest.approx(stats.energy_distance(x, y, w) ** 2, abs=1e-12)


def test_cramer_in_2d_is_the_root_of_half_the_energy_distance():
    x, y = _cloud(50, 10), _cloud(60, 11, shift=1.0)
    assert emp.cramer(x, y) == pytest.approx(math.sqrt(_direct_energy(x, y) / 2), abs=1e-12)
    assert emp.cramer(x[:, 0], y[:, 0]) ** 2 == pytest.approx(emp.energy_distance(x[:, 0], y[:, 0]) / 2, abs=1e-12)


def test_energy_memory_stays_bounded_by_its_blocks():
    # Full matrices at n = m = 3000 would take 3 * 72 MB; one block of distances at a time
    # takes at most 32 MiB, and the rest is O(n) (1 MiB of slack for small temporaries).
    x, y = _cloud(3000, 12), _cloud(3000, 13, shift=0.5)
    tracemalloc.start()
    try:
        emp.energy_distance(x, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 33 * 2**20


@settings(max_examples=25)
@given(data=st.data())
def test_energy_is_nonnegative_symmetric_translation_invariant_and_homogeneous(data):
    x, y = data.draw(samples_2d(max_size=15)), data.draw(samples_2d(max_size=15))
    value = emp.energy_distance(x, y)
    scale = 1.0 + np.abs(x).max() + np.abs(y).max()
    assert value >= -1e-12 * scale  # non-negative (up to round-off in the three means)
    assert emp.energy_distance(x, x) == pytest.approx(0.0, abs=1e-12 * scale)
    assert emp.energy_distance(y, x) == pytest.approx(value, abs=1e-12 * scale)
    assert emp.energy_distance(x + [5.0, -1.0], y + [5.0, -1.0]) == pytest.approx(value, abs=1e-9 * scale)
    assert emp.energy_distance(-2.0 * x, -2.0 * y) == pytest.approx(2.0 * value, abs=1e-9 * scale)


def test_extreme_scales_neither_overflow_nor_underflow():
    # The reproductions; truths by hand (one point each: E = 2|x - y|, W1 = |x - y|).
    assert emp.energy_distance([[1e300, 0]], [[0, 0]]) == pytest.approx(2e300, rel=1e-15)
    assert emp.energy_distance([[1e-200, 0]], [[0, 0]]) == pytest.approx(2e-200, rel=1e-15)
    assert emp.w1([[1e-200, 0]], [[0, 0]]) == pytest.approx(1e-200, rel=1e-15)
    assert emp.w1([[1e200, 0], [0, 1e200]], [[0, 0]]) == pytest.approx(1e200, rel=1e-15)  # the LP route
    assert emp.w1([[3e200, 4e200]], [[0, 0]], x_weights=[2.0]) == pytest.approx(5e200, rel=1e-15)
    # beyond the largest float the true value is inf, and so is the answer
    assert emp.energy_distance([[1.5e308, 0]], [[-1.5e308, 0]]) == math.inf
    # sliced distances at the ends of the float range: W1 of degree 1, Cramer of degree 1/2 in the scale
    a, o = np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros((1, 2))
    for c in (1e308, 1e-300):
        assert emp.sliced_w1(c * a, o) == pytest.approx(c * emp.sliced_w1(a, o), rel=1e-14)
        assert emp.sliced_cramer(c * a, o) == pytest.approx(math.sqrt(c) * emp.sliced_cramer(a, o), rel=1e-14)


@settings(max_examples=30)
@given(data=st.data())
def test_scaling_both_samples_by_c_multiplies_every_distance_by_c(data):
    # W1, the energy distance, sliced W1 and Cramer squared (E / 2) are homogeneous of degree 1,
    # for every c in [1e-200, 1e200]. Tolerance: 1e-12 relative, or 1e-12 of c times the data's
    # extent for values that are themselves a cancellation (energy of nearby clouds).
    x, y = data.draw(samples_2d(max_size=10)), data.draw(samples_2d(max_size=10))
    wx = data.draw(weights_for(len(x))) if data.draw(st.booleans()) else None
    c = 10.0 ** data.draw(st.floats(-200, 200))
    extent = 1.0 + np.abs(x).max() + np.abs(y).max()

    def cramer_squared(x, y, wx):
        return emp.cramer(x, y, wx) ** 2

    def sliced_cramer_squared(x, y, wx):
        return emp.sliced_cramer(x, y, wx, n_projections=16) ** 2

    for dist in (emp.w1, emp.energy_distance, cramer_squared, emp.sliced_w1, sliced_cramer_squared):
        expected = c * dist(x, y, wx)
        assert dist(c * x, c * y, wx) == pytest.approx(expected, rel=1e-12, abs=1e-12 * c * extent)


@pytest.mark.parametrize("c", [1e-200, 1e200])
def test_knn_estimates_are_scale_invariant_at_extreme_scales(c):
    x, y = _cloud(300, 40), _cloud(300, 41, shift=1.0)
    assert emp.kl(c * x, c * y) == pytest.approx(emp.kl(x, y), abs=1e-9)
    assert emp.js_divergence(c * x, c * y) == pytest.approx(emp.js_divergence(x, y), abs=1e-9)


# --------------------------------------------------------------------------- sliced distances


def test_sliced_cramer_squared_is_energy_over_pi_in_2d():
    # Monte Carlo over K random directions: the per-direction values have sample standard
    # deviation s, so the mean's standard error is s / sqrt(K); allow 4 standard errors
    # (a two-sided 4-sigma miss has probability 6e-5 under the normal approximation).
    x, y = _cloud(200, 14), _cloud(150, 15, shift=0.7, scale=1.3)
    K = 4000
    per_direction = projected_cramer_squared(
        x, y, None, None, random_directions(2, K, np.random.default_rng(16), np), np
    )
    target = _direct_energy(x, y) / math.pi
    se = per_direction.std(ddof=1) / math.sqrt(K)
    assert abs(per_direction.mean() - target) < 4 * se
    # the public function returns the square root of the same mean, for the same directions
    assert emp.sliced_cramer(x, y, n_projections=K, rng=16) ** 2 == pytest.approx(per_direction.mean(), rel=1e-12)


def test_sliced_values_equal_the_1d_distances_of_the_projections():
    # The batched kernel against a loop of the foundation's 1-D w1/cramer, weighted and unequal sizes.
    rng = np.random.default_rng(17)
    x, y, wx, wy = rng.normal(size=(30, 2)), rng.normal(size=(21, 2)), rng.random(30), rng.random(21)
    theta = random_directions(2, 5, np.random.default_rng(18), np)
    w1s = [emp.w1(x @ t, y @ t, wx, wy) for t in theta.T]
    l2s = [emp.cramer(x @ t, y @ t, wx, wy) ** 2 for t in theta.T]
    assert emp.sliced_w1(x, y, wx, wy, n_projections=5, rng=18) == pytest.approx(np.mean(w1s), abs=1e-12)
    assert emp.sliced_cramer(x, y, wx, wy, n_projections=5, rng=18) ** 2 == pytest.approx(np.mean(l2s), abs=1e-12)
    z = rng.normal(size=(30, 2))  # equal sizes, unweighted: the quantile path
    assert emp.sliced_w1(x, z, n_projections=5, rng=18) == pytest.approx(
        np.mean([emp.w1(x @ t, z @ t) for t in theta.T]), abs=1e-12
    )


def test_sliced_w1_in_1d_is_w1():
    x, y = np.random.default_rng(19).normal(size=(2, 40))
    assert emp.sliced_w1(x, y, n_projections=3) == pytest.approx(stats.wasserstein_distance(x, y), abs=1e-12)


def test_sliced_is_reproducible_from_its_seed():
    x, y = _cloud(30, 20), _cloud(30, 21, shift=1.0)
    assert emp.sliced_w1(x, y, rng=5) == emp.sliced_w1(x, y, rng=np.int64(5))
    assert emp.sliced_w1(x, y, rng=5) != emp.sliced_w1(x, y, rng=6)
    with pytest.raises(TypeError, match="rng must be an int seed"):
        emp.sliced_w1(x, y, rng=np.random.default_rng(5))


def test_sliced_backend_arrays_agree_with_numpy(xp):
    x, y = _cloud(25, 22), _cloud(20, 23, shift=0.5)
    expected = emp.sliced_w1(x, y, n_projections=16)
    assert emp.sliced_w1(xp.asarray(x), xp.asarray(y), n_projections=16) == pytest.approx(expected, abs=1e-12)


def test_energy_backend_arrays_agree_with_numpy(xp):
    # the chunked pairwise sums run where the data lives (broadcast distances on a device)
    x, y = _cloud(25, 22), _cloud(20, 23, shift=0.5)
    w = np.linspace(1.0, 2.0, 25)
    for wx in (None, w):
        expected = emp.energy_distance(x, y, wx, chunk_size=7)
        got = emp.energy_distance(xp.asarray(x), xp.asarray(y), None if wx is None else xp.asarray(wx), chunk_size=7)
        assert got == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- kNN KL


def _gaussian_kl(mu, s, d=2):
    """KL(N(0, I) || N(mu, s^2 I)) in closed form."""
    return 0.5 * (d / s**2 + mu @ mu / s**2 - d + 2 * d * math.log(s))


def test_knn_kl_matches_the_gaussian_closed_form_at_n_1e4():
    # The estimate is the mean of n per-point terms d log(nu/rho) + log(m/(n-1)); their sample
    # standard deviation s (about 2 here: 4 psi'(1) = 6.6 from each of the two log-distances)
    # gives the standard error s / sqrt(n) ~ 0.02. Allow 4 standard errors; the smoothing bias
    # of WKV's estimator at n = 1e4 for these smooth densities is of order 1e-3, well inside.
    mu, s, n = np.array([1.0, 0.0]), 1.5, 10**4
    x, y = _cloud(n, 24), _cloud(n, 25, shift=mu, scale=s)
    terms = log_ratio(x, y, 1)
    se = terms.std(ddof=1) / math.sqrt(n)
    estimate = emp.kl(x, y)
    assert estimate == pytest.approx(terms.mean(), abs=1e-12)
    assert abs(estimate - _gaussian_kl(mu, s)) < 4 * se


def test_knn_kl_in_1d_matches_the_gaussian_closed_form():
    # KL(N(0,1) || N(1, 2^2)) = log 2 + (1 + 1) / 8 - 1/2; same 4-standard-error rule, k = 3.
    n = 10**4
    x, y = _cloud(n, 26, d=1)[:, 0], _cloud(n, 27, shift=1.0, scale=2.0, d=1)[:, 0]
    terms = log_ratio(x[:, None], y[:, None], 3)
    truth = math.log(2.0) + 2.0 / 8.0 - 0.5
    assert abs(emp.kl(x, y, k=3) - truth) < 4 * terms.std(ddof=1) / math.sqrt(n)


def test_knn_kl_error_shrinks_with_n():
    # Root-mean-square error over 6 seeds: the standard deviation falls like n^{-1/2}
    # (about 0.14 at n = 200 and 0.02 at n = 1e4), so a factor 2 is a safe bound.
    mu, s = np.array([1.0, 0.0]), 1.5
    truth = _gaussian_kl(mu, s)

    def rmse(n):
        errors = [emp.kl(_cloud(n, 100 + r), _cloud(n, 200 + r, shift=mu, scale=s)) - truth for r in range(6)]
        return math.sqrt(np.mean(np.square(errors)))

    assert rmse(10**4) < rmse(200) / 2


def test_knn_kl_is_invariant_under_translation_and_scaling():
    # The estimator only sees ratios of distances: exact invariances (scaling by 2 is exact in floats).
    x, y = _cloud(500, 28), _cloud(400, 29, shift=1.0)
    value = emp.kl(x, y, k=2)
    assert emp.kl(2.0 * x, 2.0 * y, k=2) == pytest.approx(value, abs=1e-12)
    assert emp.kl(x + 10.0, y + 10.0, k=2) == pytest.approx(value, abs=1e-9)


def test_knn_kl_base_2_is_nats_over_log_2():
    x, y = _cloud(300, 30), _cloud(300, 31, shift=1.0)
    assert emp.kl(x, y, base=2) == pytest.approx(emp.kl(x, y) / math.log(2), rel=1e-12)


def test_knn_kl_repeated_points_raise_a_clear_error_unless_k_exceeds_the_repeats():
    x = np.repeat(_cloud(50, 32), 2, axis=0)  # every point twice
    y = _cloud(60, 33)
    with pytest.raises(ValueError, match="distance 0.*pass a k above"):
        emp.kl(x, y, k=1)
    assert np.isfinite(emp.kl(x, y, k=2))
    with pytest.raises(ValueError, match=r"in y"):
        emp.kl(y, y[:10].copy(), k=1)  # points of x lying on points of y


# --------------------------------------------------------------------------- JSD and histograms


def _gaussian_jsd_1d(shift):
    """JSD(N(0,1), N(shift,1)) by quadrature."""
    p, q = stats.norm(0, 1), stats.norm(shift, 1)

    def integrand(t):
        a, b = p.pdf(t), q.pdf(t)
        m = 0.5 * (a + b)
        return 0.5 * (a * math.log(a / m) + b * math.log(b / m)) if m > 0 else 0.0

    return integrate.quad(integrand, -12, 12 + shift, epsabs=1e-12)[0]


def test_knn_jsd_matches_quadrature_for_gaussians():
    # Kozachenko-Leonenko entropies: standard deviation of the estimate at n = 1e4, k = 5 is
    # about 0.006 (measured spread over seeds; each entropy term has per-point variance ~psi'(k)
    # and the three are positively correlated). 4 such deviations: 0.025.
    n = 10**4
    x, y = _cloud(n, 34, d=1), _cloud(n, 35, shift=1.0, d=1)
    assert abs(emp.js_divergence(x, y) - _gaussian_jsd_1d(1.0)) < 0.025


def test_jsd_estimates_are_bounded_by_log2_and_reach_it_on_disjoint_supports():
    rng = np.random.default_rng(36)
    x, y = rng.uniform(0, 1, size=(2000, 2)), rng.uniform(5, 6, size=(2000, 2))
    for method in ("knn", "histogram"):
        value = emp.js_divergence(x, y, method=method)
        assert 0.0 <= value <= math.log(2)
    assert emp.js_divergence(x, y, method="histogram") == pytest.approx(math.log(2), abs=1e-12)
    assert emp.js_divergence(x, x, method="histogram") == 0.0
    assert emp.js_divergence(x, y, method="histogram", base=2) == pytest.approx(1.0, abs=1e-12)


def test_histogram_jsd_bias_under_equal_distributions_is_the_chi2_formula():
    # For P = Q with B equiprobable-ish bins, 8 n m / (n + m) * JSD ~ chi^2 with B - 1 dof, so
    # E JSD ~ (B - 1)(1/n + 1/m) / 8 = 9/8000 here, and its standard deviation is sqrt(2 (B - 1))
    # times the same scale / (B - 1): 0.00053. Over R = 40 seeds the mean's standard error is
    # 8.4e-5; allow 4 of them.
    B, n, R = 10, 2000, 40
    values = [
        emp.js_divergence(
            _cloud(n, 300 + r, d=1)[:, 0], _cloud(n, 400 + r, d=1)[:, 0], method="histogram", bins=B, range=(-3, 3)
        )
        for r in range(R)
    ]
    expected = (B - 1) * (2 / n) / 8
    assert abs(np.mean(values) - expected) < 4 * expected * math.sqrt(2 / (B - 1)) / math.sqrt(R)


def test_histogram_pmfs_match_numpy_and_feed_the_discrete_divergences():
    rng = np.random.default_rng(37)
    x, y = rng.normal(size=500), rng.normal(1.0, 1.0, size=300)
    p, q, edges = emp.histogram(x, y, bins="fd")
    np.testing.assert_array_equal(edges, np.histogram_bin_edges(np.concatenate([x, y]), bins="fd"))
    np.testing.assert_allclose(p, np.histogram(x, bins=edges)[0] / 500)
    assert emp.js_divergence(x, y, method="histogram", bins="fd") == gt.discrete.js_divergence(p, q)
    x2, y2 = rng.normal(size=(400, 2)), rng.normal(size=(300, 2))
    p2, q2, (ex, ey) = emp.histogram(x2, y2, bins=(5, 7))
    assert p2.shape == (5, 7)
    expected = np.histogram2d(x2[:, 0], x2[:, 1], bins=[ex, ey])[0] / 400
    np.testing.assert_allclose(p2, expected)
    assert q2.sum() == pytest.approx(1.0)


def test_histogram_weights_are_weighted_counts():
    x, y = np.array([0.1, 0.9]), np.array([0.2, 0.8])
    p, q, _ = emp.histogram(x, y, x_weights=[3.0, 1.0], bins=2, range=(0, 1))
    np.testing.assert_allclose(p, [0.75, 0.25])
    np.testing.assert_allclose(q, [0.5, 0.5])


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: emp.w1(np.zeros((3, 2)), np.zeros((3, 3))), ValueError, "same dimension"),
        (lambda: emp.w1(np.zeros((3, 2, 1)), np.zeros((3, 2))), ValueError, "shape"),
        (lambda: emp.energy_distance([[0.0, np.nan]], [[0.0, 0.0]]), ValueError, "NaN"),
        (
            lambda: emp.energy_distance([[0, 0], [1, 1]], [[0, 1], [1, 0]], [1, 1], unbiased=True),
            ValueError,
            "unweighted",
        ),
        (lambda: emp.energy_distance([[0, 0]], [[0, 1], [1, 0]], unbiased=True), ValueError, "at least 2"),
        (lambda: emp.energy_distance(np.zeros((3, 2)), np.ones((3, 2)), chunk_size=0), ValueError, "chunk_size"),
        (lambda: emp.w1(np.zeros((3, 2)), np.ones((3, 2)), x_weights=[1, -1, 1]), ValueError, "x_weights"),
        (lambda: emp.sliced_w1(np.zeros((3, 2)), np.ones((3, 2)), n_projections=0), ValueError, "n_projections"),
        (lambda: emp.sliced_w1(np.zeros((3, 2)), np.ones((3, 2)), rng="seed"), TypeError, "rng"),
        (lambda: emp.kl(np.zeros((3, 2)), np.ones((3, 2)), k=0), ValueError, "k must be"),
        (lambda: emp.kl(_cloud(3, 0), _cloud(10, 1), k=3), ValueError, "k \\+ 1"),
        (lambda: emp.kl(_cloud(5, 0), _cloud(5, 1), base=1), ValueError, "base"),
        (lambda: emp.js_divergence(_cloud(5, 0), _cloud(5, 1), method="kde"), ValueError, "method"),
        (lambda: emp.histogram(_cloud(5, 0, d=3), _cloud(5, 1, d=3)), ValueError, "dimension 3"),
        (lambda: emp.histogram([0.0, 1.0], [0.5], bins="bogus"), ValueError, "bins"),
        (lambda: emp.histogram([0.0, 1.0], [0.5], bins=2, range=(5, 6)), ValueError, "range"),
    ],
)
def test_bad_inputs_raise_documented_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
