"""W2, Wp and the Fréchet distance: exact values, the sample versions, POT and bad input.

Truths: mpmath at 50 digits (symmetric eigendecompositions there), the 1-D
closed form of W2 between normals, the quantile form of W_p between uniforms,
POT's ``ot.emd2`` on the squared Euclidean cost, and SciPy's 1-D W1.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gantheory as gt
from gantheory.divergences.exact import COV_RTOL, CovarianceWarning

mp = pytest.importorskip("mpmath")


def mp_frechet(mu1, cov1, mu2, cov2):
    """||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2) at 50 digits, square roots from mpmath's symmetric eigensolver."""
    with mp.workdps(50):
        A, B = mp.matrix(cov1.tolist()), mp.matrix(cov2.tolist())
        E, V = mp.eigsy(A)
        S = V * mp.diag([mp.sqrt(max(e, 0)) for e in E]) * V.T
        M = S * B * S
        E2, _ = mp.eigsy((M + M.T) / 2)
        value = sum((mp.mpf(a) - mp.mpf(b)) ** 2 for a, b in zip(mu1, mu2))
        value += sum(A[i, i] + B[i, i] for i in range(A.rows)) - 2 * sum(mp.sqrt(max(e, 0)) for e in E2)
        return float(value)


def _rotation(rng, d):
    return np.linalg.qr(rng.normal(size=(d, d)))[0]


def _covariances(kind, seed, d=5):
    rng = np.random.default_rng(seed)
    if kind == "random":
        A, B = rng.normal(size=(d, d)), rng.normal(size=(d, d))
        c1, c2 = A @ A.T / d, B @ B.T / d
    elif kind == "near_singular":
        Q1, Q2 = _rotation(rng, d), _rotation(rng, d)
        c1 = Q1 @ np.diag([1.0, 0.5, 1e-6, 1e-10, 1e-13][:d]) @ Q1.T
        c2 = Q2 @ np.diag([2.0, 1.0, 1e-8, 1e-11, 1e-14][:d]) @ Q2.T
    else:  # rank_deficient, exactly: integer factors give exact integer covariances of rank 2 and 3
        A, B = rng.integers(-3, 4, size=(d, 2)).astype(float), rng.integers(-3, 4, size=(d, 3)).astype(float)
        c1, c2 = A @ A.T, B @ B.T
    return 0.5 * (c1 + c1.T), 0.5 * (c2 + c2.T), rng.normal(size=d), rng.normal(size=d)


@pytest.mark.parametrize("kind", ["random", "near_singular", "rank_deficient"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_frechet_distance_matches_mpmath_at_50_digits(kind, seed):
    c1, c2, mu1, mu2 = _covariances(kind, seed)
    expected = mp_frechet(mu1, c1, mu2, c2)
    assert gt.frechet_distance(mu1, c1, mu2, c2) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("d, conditioning, gram", [(8, 1.0, True), (8, 1e-8, False), (901, 1.0, False)])
def test_frechet_route_choice_bounds_the_smallest_singular_value_and_agrees_with_the_svd(d, conditioning, gram):
    from gantheory.divergences._gaussian_ot import (
        _gram_can_pass,
        _nuclear_norm,
        _smallest_singular_value_bound,
        bures_squared,
    )

    rng = np.random.default_rng(d)
    Q = _rotation(rng, d)
    c1 = Q @ np.diag(np.geomspace(1.0, conditioning, d) * (1.0 + 0.1 * rng.random(d))) @ Q.T
    c1 = 0.5 * (c1 + c1.T)
    c2 = np.diag(1.0 + rng.random(d))
    L1, L2 = np.linalg.cholesky(c1), np.linalg.cholesky(c2)
    C = L1.T @ L2
    smallest = np.linalg.svd(C, compute_uv=False)[-1]
    assert _smallest_singular_value_bound(L1, L2) >= smallest * (
        1 - 1e-12
    )  # an upper bound: ||C v|| / ||v|| for a unit v
    assert _gram_can_pass(C, L1, L2) is gram
    by_svd = np.sum(np.trace(c1) + np.trace(c2)) - 2.0 * _nuclear_norm(C, try_gram=False)
    assert bures_squared(c1, c2) == pytest.approx(max(0.0, by_svd), rel=1e-12, abs=1e-12 * np.trace(c1 + c2))


def test_frechet_distance_of_equal_rank_deficient_gaussians_is_zero_to_rounding():
    c1, _, mu, _ = _covariances("rank_deficient", 3)
    value = gt.frechet_distance(mu, c1, mu, c1)
    assert 0.0 <= value <= 1e-13 * np.trace(c1)


def test_frechet_distance_in_one_dimension_is_the_normal_closed_form():
    assert gt.frechet_distance(1.0, 4.0, -2.0, 9.0) == pytest.approx(9.0 + 1.0, rel=1e-15)
    assert gt.w2(gt.Normal(1.0, 2.0), gt.Normal(-2.0, 3.0)) == pytest.approx(math.sqrt(10.0), rel=1e-15)


def test_w2_between_bivariate_normals_is_the_frechet_formula_and_matches_pot():
    ot = pytest.importorskip("ot")
    P = gt.MultivariateNormal([0.5, -1.0], [[2.0, 0.6], [0.6, 1.0]])
    Q = gt.MultivariateNormal([1.0, 2.0], [[0.5, -0.2], [-0.2, 3.0]])
    value = gt.w2(P, Q)
    assert value**2 == pytest.approx(gt.frechet_distance(P.mean, P.cov, Q.mean, Q.cov), rel=1e-15)
    assert value == pytest.approx(
        float(ot.gaussian.bures_wasserstein_distance(P.mean, Q.mean, P.cov, Q.cov)), rel=1e-12
    )
    assert value**2 == pytest.approx(mp_frechet(P.mean, P.cov, Q.mean, Q.cov), rel=1e-13)
    # a product of normals is a bivariate normal with diagonal covariance
    R = gt.Product(gt.Normal(0.0, 1.0), gt.Normal(1.0, 2.0))
    assert gt.w2(R, Q) == pytest.approx(
        gt.w2(gt.MultivariateNormal([0.0, 1.0], [[1.0, 0.0], [0.0, 4.0]]), Q), rel=1e-15
    )


def test_w2_and_wp_by_quantile_quadrature_match_closed_forms():
    # quantile quadrature (Laplace is not a Normal, so no closed form route) vs Uniform's exact quantiles
    P, Q = gt.Uniform(0.0, 1.0), gt.Uniform(0.5, 3.0)  # F^-1 - G^-1 = -0.5 - 1.5 u
    for p in (1.5, 2.0, 3.0):
        expected = (((2.0 ** (p + 1)) - 0.5 ** (p + 1)) / (1.5 * (p + 1))) ** (1 / p)  # int_0^1 (0.5 + 1.5u)^p du
        assert gt.wp(P, Q, p) == pytest.approx(expected, rel=1e-9)
    # normals: the quadrature route (Laplace at scale 0 is not allowed, so compare two Normals through a mixture of one)
    P, Q = gt.Normal(0.0, 1.0), gt.Mixture([gt.Normal(1.0, 2.0)])
    assert gt.w2(P, Q) == pytest.approx(math.sqrt(2.0), rel=1e-8)
    assert gt.wp(gt.Normal(0, 1), gt.Normal(0, 2), 4) ** 4 == pytest.approx(3.0, rel=1e-8)  # E Z^4


def test_wp_between_point_masses_is_exact_in_1d_and_2d():
    P, Q = gt.PointMasses([0.0, 1.0, 5.0], [0.2, 0.3, 0.5]), gt.PointMasses([2.0, 3.0], [0.6, 0.4])
    from scipy.stats import wasserstein_distance

    assert gt.wp(P, Q, 1) == pytest.approx(
        wasserstein_distance([0, 1, 5], [2, 3], [0.2, 0.3, 0.5], [0.6, 0.4]), rel=1e-12
    )
    # W2^2 by hand: quantile pieces [0, .2): 0->2, [.2, .5): 1->2, [.5, .6): 5->2, [.6, 1): 5->3
    assert gt.w2(P, Q) ** 2 == pytest.approx(0.2 * 4 + 0.3 * 1 + 0.1 * 9 + 0.4 * 4, rel=1e-12)
    ot = pytest.importorskip("ot")
    a, b = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]]), np.array([[1.0, 1.0], [2.0, 0.0]])
    wa, wb = np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.4])
    expected = ot.emd2(wa, wb, ot.dist(a, b))
    assert gt.w2(gt.PointMasses(a, wa), gt.PointMasses(b, wb)) ** 2 == pytest.approx(expected, rel=1e-12)
    assert gt.wp(gt.PointMasses(a, wa), gt.PointMasses(b, wb), 3) ** 3 == pytest.approx(
        ot.emd2(wa, wb, ot.dist(a, b, "euclidean") ** 3), rel=1e-9
    )


def test_discrete_w2_and_wp_on_a_shared_support():
    p, q, support = [0.2, 0.3, 0.5, 0.0], [0.0, 0.6, 0.0, 0.4], [0.0, 1.0, 5.0, 3.0]
    assert gt.discrete.w2(p, q, support) == pytest.approx(
        gt.w2(gt.PointMasses([0.0, 1.0, 5.0], [0.2, 0.3, 0.5]), gt.PointMasses([1.0, 3.0], [0.6, 0.4])), rel=1e-14
    )
    assert gt.discrete.wp(p, q, support, 1) == pytest.approx(gt.discrete.w1(p, q, support), rel=1e-14)


@settings(max_examples=40)
@given(
    locs=st.tuples(*[st.floats(-5, 5)] * 2),
    scales=st.tuples(*[st.floats(0.1, 5)] * 2),
    p=st.floats(1.0, 4.0),
)
def test_wp_grows_with_p_and_w1_is_at_most_w2(locs, scales, p):
    P, Q = gt.Normal(locs[0], scales[0]), gt.Normal(locs[1], scales[1])
    w1, w2 = gt.w1(P, Q), gt.w2(P, Q)
    assert w1 <= w2 * (1 + 1e-12) + 1e-15
    if p <= 2:
        assert gt.wp(P, Q, p) <= w2 * (1 + 1e-7) + 1e-12


@settings(max_examples=30)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 30), m=st.integers(2, 30), d=st.sampled_from([1, 2]))
def test_empirical_w1_at_most_w2_and_w2_matches_pot(seed, n, m, d):
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(n, d)), rng.normal(0.5, 2.0, size=(m, d))
    w2 = gt.empirical.w2(x, y)
    assert gt.empirical.w1(x, y) <= w2 * (1 + 1e-12)
    assert w2**2 == pytest.approx(ot.emd2(np.full(n, 1 / n), np.full(m, 1 / m), ot.dist(x, y)), rel=1e-10, abs=1e-13)


def test_empirical_w2_equal_sizes_is_an_assignment_and_1d_is_sorting():
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(300, 2)), rng.normal(1.0, 0.5, size=(300, 2))
    value, plan = gt.empirical.w2(x, y, return_coupling=True)
    assert value**2 == pytest.approx(ot.emd2([], [], ot.dist(x, y)), rel=1e-12)
    assert np.allclose(plan.sum(axis=0), 1 / 300) and np.allclose(plan.sum(axis=1), 1 / 300)
    s, t = rng.normal(size=200), rng.normal(size=200)
    assert gt.empirical.w2(s, t) == pytest.approx(np.sqrt(np.mean((np.sort(s) - np.sort(t)) ** 2)), rel=1e-14)


@pytest.mark.parametrize("f", [gt.empirical.w1, gt.empirical.w2])
def test_pot_and_column_generation_routes_agree_to_1e_12(f):
    pytest.importorskip("ot")
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(60, 2)), rng.normal(1.0, 1.5, size=(45, 2))
    a, b = rng.random(60), rng.random(45)
    for weights in ((None, None), (a, b)):
        pot, lp = f(x, y, *weights, solver="pot"), f(x, y, *weights, solver="lp")
        assert pot == pytest.approx(lp, rel=1e-12)


def test_frechet_from_samples_is_the_formula_on_sample_moments_and_its_bias_is_positive():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(400, 3)), rng.normal(size=(400, 3)) @ np.diag([1.0, 2.0, 0.5])
    expected = gt.frechet_distance(x.mean(0), np.cov(x.T), y.mean(0), np.cov(y.T))
    assert gt.empirical.frechet_distance(x, y) == expected
    # P = Q: the exact value is 0, every estimate is >= 0 and their mean is about (2 d / n) and more (mean term alone: 2 tr/n)
    values = [gt.empirical.frechet_distance(rng.normal(size=(100, 3)), rng.normal(size=(100, 3))) for _ in range(50)]
    assert min(values) >= 0.0 and np.mean(values) > 2 * 3 / 100


def test_the_old_name_of_the_sample_frechet_distance_still_works_with_a_deprecation_warning():
    x, y = [[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]], [[5.0, 0.0], [7.0, 0.0], [5.0, 2.0]]
    with pytest.warns(DeprecationWarning, match="use gantheory.empirical.frechet_distance"):
        old = gt.empirical.frechet_distance_from_samples
    assert old(x, y) == gt.empirical.frechet_distance(x, y)


def test_empirical_wp_is_exact_for_the_clouds():
    # 1-D: the quantile sum, the same as between the point masses (exact.wp) and on a shared support (discrete.wp)
    x, y, wx = np.array([0.0, 1.0, 5.0]), np.array([2.0, 3.0]), np.array([0.2, 0.3, 0.5])
    expected = gt.wp(gt.PointMasses(x, wx), gt.PointMasses(y), 3)
    assert gt.empirical.wp(x, y, 3, x_weights=wx) == pytest.approx(expected, rel=1e-14)
    assert gt.discrete.wp(
        [0.2, 0.3, 0.5, 0, 0], [0, 0, 0, 0.5, 0.5], [0.0, 1.0, 5.0, 2.0, 3.0], order=3
    ) == pytest.approx(expected, rel=1e-14)
    # d-D: POT's exact transport cost with the cost |x - y|^3 (equal sizes: assignment; weights: the LP)
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(30, 2)), rng.normal(size=(30, 2)) + 1.0
    u = np.full(30, 1 / 30)
    assert gt.empirical.wp(a, b, 3) ** 3 == pytest.approx(ot.emd2(u, u, ot.dist(a, b, "euclidean") ** 3), rel=1e-9)
    wa, wb = rng.random(30), rng.random(25)
    cost = ot.dist(a, b[:25], "euclidean") ** 3
    assert gt.empirical.wp(a, b[:25], 3, wa, wb) ** 3 == pytest.approx(
        ot.emd2(wa / wa.sum(), wb / wb.sum(), cost), rel=1e-9
    )
    # orders 1 and 2 are w1 and w2; W_p grows with p (Jensen)
    assert gt.empirical.wp(a, b, 1) == gt.empirical.w1(a, b) and gt.empirical.wp(a, b, 2) == gt.empirical.w2(a, b)
    assert gt.empirical.w2(a, b) <= gt.empirical.wp(a, b, 3) * (1 + 1e-12)
    with pytest.raises(ValueError, match="order must be finite and >= 1"):
        gt.empirical.wp(a, b, 0.5)


def test_bad_covariances_dimensions_and_orders_raise_naming_the_argument():
    with pytest.raises(ValueError, match="cov2 must be symmetric"):
        gt.frechet_distance([0, 0], np.eye(2), [0, 0], [[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="cov1 must be positive semidefinite"):
        gt.frechet_distance([0, 0], [[1.0, 0.0], [0.0, -0.1]], [0, 0], np.eye(2))
    with pytest.raises(ValueError, match="mu1 and mu2 must have the same dimension"):
        gt.frechet_distance([0, 0], np.eye(2), [0, 0, 0], np.eye(3))
    with pytest.raises(ValueError, match="cov1 shape"):
        gt.frechet_distance([0, 0], np.eye(3), [0, 0], np.eye(2))
    with pytest.raises(ValueError, match="order must be finite and >= 1"):
        gt.wp(gt.Normal(0, 1), gt.Normal(1, 1), 0.5)
    with pytest.raises(ValueError, match="x has 1 point"):
        gt.empirical.frechet_distance([[0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="same dimension"):
        gt.empirical.w2(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="solver must be one of"):
        gt.empirical.w2([0.0], [1.0], solver="simplex")


def test_negative_eigenvalues_within_the_tolerance_are_clipped_with_a_warning():
    Q = _rotation(np.random.default_rng(1), 3)
    cov = Q @ np.diag([1.0, 0.5, -1e-10]) @ Q.T
    cov = 0.5 * (cov + cov.T)
    assert 1e-10 < COV_RTOL
    with pytest.warns(CovarianceWarning, match="set to 0"):
        value = gt.frechet_distance(np.zeros(3), cov, np.zeros(3), np.eye(3))
    # the clipped covariance has eigenvalues 1, 1/2, 0; against the identity tr((S1^1/2 I S1^1/2)^1/2) = tr S1^1/2
    expected = 1.5 + 3.0 - 2.0 * (1.0 + math.sqrt(0.5))
    assert value == pytest.approx(expected, rel=1e-14)


def test_w2_refuses_2d_pairs_without_an_exact_route():
    with pytest.raises(NotImplementedError, match="empirical.w2"):
        gt.w2(gt.ring_of_gaussians(4), gt.MultivariateNormal([0, 0], np.eye(2)))


def test_sample_w2_in_1d_converges_to_the_exact_value():
    # N(0, 1) vs N(1, 2): W2 = sqrt(1 + 1); sorting W2 of n points each, RMS error over seeds shrinks with n
    P, Q = gt.Normal(0.0, 1.0), gt.Normal(1.0, 2.0)
    exact = gt.w2(P, Q)
    rms = []
    for n in (100, 1000, 10000):
        errors = [gt.empirical.w2(P.sample(n, rng=s), Q.sample(n, rng=100 + s)) - exact for s in range(10)]
        rms.append(math.sqrt(np.mean(np.square(errors))))
    assert exact == pytest.approx(math.sqrt(2.0), rel=1e-15)
    assert rms[2] < rms[1] < rms[0] and rms[2] < 0.05
