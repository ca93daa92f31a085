"""MMD and KID: exact values between Gaussian mixtures, the estimators and the permutation test.

Truths: the V-statistic of point masses (exact MMD between discrete laws is
that finite sum), the factorization of the Gaussian kernel over coordinates,
1-D quadrature of the Gaussian integral, the distance kernel against
brute-force distance matrices, SciPy's 1-D energy distance and the Rice
mean (isotropic 2-D normals), brute-force permutations, and the estimators' means over seeds
against the exact value with a tolerance from their spread. The 2-D
spectral route (Bochner) against the Gaussian-mixture closed form, the
inverse multiquadric as a scale mixture of Gaussian kernels, and seeded
Monte Carlo of the U-statistic.
"""

import math
import tracemalloc

import numpy as np
import pytest
import scipy
from hypothesis import given, settings
from hypothesis import strategies as st

import gantheory as gt
from gantheory.divergences import _mmd_exact
from gantheory.divergences._kernels import median_bandwidth
from gantheory.divergences._laws import gaussian_mixture


def _kernel_mean_1d_quad(mu, var, ell):
    """E exp(-Z^2 / 2 ell^2), Z ~ N(mu, var), by quadrature."""
    s = math.sqrt(var)
    f = lambda z: math.exp(-0.5 * z * z / ell**2 - 0.5 * ((z - mu) / s) ** 2) / (s * math.sqrt(2 * math.pi))
    return scipy.integrate.quad(f, mu - 40 * s, mu + 40 * s, epsabs=0, epsrel=1e-13, limit=200)[0]


def test_exact_gaussian_kernel_mmd_between_normals_matches_quadrature():
    P, Q, ell = gt.Normal(0.3, 1.2), gt.Normal(-1.0, 0.7), 0.8
    expected = (
        _kernel_mean_1d_quad(0, 2 * 1.44, ell)
        + _kernel_mean_1d_quad(0, 2 * 0.49, ell)
        - 2 * _kernel_mean_1d_quad(1.3, 1.44 + 0.49, ell)
    )
    assert gt.mmd(P, Q, bandwidth=ell) == pytest.approx(expected, rel=1e-11)


def test_exact_gaussian_kernel_mmd_factorizes_over_independent_coordinates():
    # k(x, y) = k1(x1, y1) k1(x2, y2) and independent coordinates: each E k is a product of 1-D kernel means
    ell = 1.3
    P = gt.Product(gt.Normal(0.0, 1.0), gt.Normal(1.0, 0.5))
    Q = gt.MultivariateNormal([0.5, -0.5], [[0.3, 0.0], [0.0, 2.0]])

    def ek(m1, v1, m2, v2):  # 1-D E k(X, Y)
        return ell / math.sqrt(ell**2 + v1 + v2) * math.exp(-0.5 * (m1 - m2) ** 2 / (ell**2 + v1 + v2))

    pp = ek(0, 1, 0, 1) * ek(1, 0.25, 1, 0.25)
    qq = ek(0.5, 0.3, 0.5, 0.3) * ek(-0.5, 2, -0.5, 2)
    pq = ek(0, 1, 0.5, 0.3) * ek(1, 0.25, -0.5, 2)
    assert gt.mmd(P, Q, bandwidth=ell) == pytest.approx(pp + qq - 2 * pq, rel=1e-13)


@pytest.mark.parametrize("kernel", ["gaussian", "cubic", "distance"])
def test_exact_mmd_between_point_masses_is_the_v_statistic(kernel):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(7, 2)), rng.normal(1.0, 1.0, size=(5, 2))
    bandwidth = 0.9 if kernel == "gaussian" else None
    exact = gt.mmd(gt.PointMasses(x), gt.PointMasses(y), kernel=kernel, bandwidth=bandwidth)
    assert exact == pytest.approx(gt.empirical.mmd(x, y, kernel, bandwidth, unbiased=False), rel=1e-12)


def _rice_mean(nu, sigma):
    """E||Z||, Z ~ N(mu, sigma^2 I_2), |mu| = nu: the Rice mean sigma sqrt(pi/2) L_1/2(-nu^2 / 2 sigma^2), through scaled Bessel functions."""
    y = nu * nu / (4 * sigma * sigma)
    return sigma * math.sqrt(math.pi / 2) * ((1 + 2 * y) * scipy.special.i0e(y) + 2 * y * scipy.special.i1e(y))


def test_distance_kernel_gives_the_energy_distance_exactly():
    # samples: 2 E|X - Y| - E|X - X'| - E|Y - Y'| from the full distance matrices (V: all pairs; U: distinct pairs)
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(300, 2)), rng.normal(0.5, 1.0, size=(200, 2))
    dist = lambda a, b: np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    dxx, dyy, dxy = dist(x, x), dist(y, y), dist(x, y)
    v_stat = 2 * dxy.mean() - dxx.mean() - dyy.mean()
    u_stat = 2 * dxy.mean() - dxx.sum() / (300 * 299) - dyy.sum() / (200 * 199)
    for unbiased, truth in ((False, v_stat), (True, u_stat)):
        assert gt.empirical.mmd(x, y, "distance", unbiased=unbiased) == pytest.approx(truth, rel=1e-12)
        assert gt.empirical.energy_distance(x, y, unbiased=unbiased) == pytest.approx(truth, rel=1e-12)
    # 1-D: SciPy's energy_distance is the square root of the V-statistic
    assert gt.empirical.mmd(x[:, 0], y[:, 0], "distance", unbiased=False) == pytest.approx(
        scipy.stats.energy_distance(x[:, 0], y[:, 0]) ** 2, rel=1e-12
    )
    # exact, between mixtures of isotropic 2-D normals: every difference of components is N(m, s^2 I), ||.|| a Rice law
    P, Q = gt.ring_of_gaussians(4), gt.MultivariateNormal([0.0, 0.0], np.eye(2))
    modes, var = [c.mean for c in P.components], 0.02**2
    assert _rice_mean(1.0, 1.0) == pytest.approx(
        scipy.stats.rice(1.0).mean(), rel=1e-14
    )  # the Bessel form, where SciPy's is accurate
    pq = np.mean([_rice_mean(np.linalg.norm(m), math.sqrt(var + 1.0)) for m in modes])
    pp = np.mean([[_rice_mean(np.linalg.norm(a - b), math.sqrt(2 * var)) for b in modes] for a in modes])
    qq = _rice_mean(0.0, math.sqrt(2.0))  # Rayleigh: sqrt(pi)
    truth = 2 * pq - pp - qq
    assert gt.mmd(P, Q, kernel="distance") == pytest.approx(truth, rel=1e-12)
    assert gt.energy_distance(P, Q) == pytest.approx(truth, rel=1e-12)


def test_cubic_kernel_sees_only_the_first_three_moments():
    # N(0, 1) and the two-point law +-1 share E X, E X^2 and E X^3: MMD 0 under the cubic kernel, not under the Gaussian one
    P, Q = gt.Normal(0.0, 1.0), gt.PointMasses([-1.0, 1.0])
    assert gt.mmd(P, Q, kernel="cubic") == 0.0
    # Gaussian kernel, l = 1: E k(X, X') = 1/sqrt(3), E k(Y, Y') = (1 + e^-2)/2, E k(X, +-1) = e^(-1/4)/sqrt(2)
    expected = 1 / math.sqrt(3) + (1 + math.exp(-2)) / 2 - 2 * math.exp(-0.25) / math.sqrt(2)
    assert gt.mmd(P, Q, kernel="gaussian", bandwidth=1.0) == pytest.approx(expected, rel=1e-13) and expected > 0.04
    # the moment formula against the expansion E(XY + 1)^3 = 1 + 3 EX EY + 3 EX^2 EY^2 + EX^3 EY^3 in 1-D
    A, B = gt.Normal(0.5, 1.0), gt.Normal(-0.2, 2.0)
    m = lambda mu, s: (mu, mu**2 + s**2, mu**3 + 3 * mu * s**2)
    (a1, a2, a3), (b1, b2, b3) = m(0.5, 1.0), m(-0.2, 2.0)
    K = lambda u, v: 1 + 3 * u[0] * v[0] + 3 * u[1] * v[1] + u[2] * v[2]
    assert gt.mmd(A, B, kernel="cubic") == pytest.approx(
        K((a1, a2, a3), (a1, a2, a3)) + K((b1, b2, b3), (b1, b2, b3)) - 2 * K((a1, a2, a3), (b1, b2, b3)), rel=1e-12
    )


normals_2d = st.builds(
    lambda m0, m1, s0, s1, r: gt.MultivariateNormal([m0, m1], [[s0 * s0, r * s0 * s1], [r * s0 * s1, s1 * s1]]),
    st.floats(-3, 3),
    st.floats(-3, 3),
    st.floats(0.2, 2),
    st.floats(0.2, 2),
    st.floats(-0.9, 0.9),
)


@settings(max_examples=40)
@given(P=normals_2d, Q=normals_2d, R=normals_2d, ell=st.floats(0.3, 3.0))
def test_exact_mmd_is_a_metric_on_gaussians(P, Q, R, ell):
    pq, qp = gt.mmd(P, Q, bandwidth=ell), gt.mmd(Q, P, bandwidth=ell)
    assert pq >= 0.0 and pq == pytest.approx(qp, rel=1e-12, abs=1e-15)
    assert gt.mmd(P, P, bandwidth=ell) == 0.0
    if not np.allclose(P.mean, Q.mean, atol=1e-3) or not np.allclose(P.cov, Q.cov, atol=1e-3):
        assert pq > 0.0  # characteristic kernel: distinct laws are at positive distance
    d = lambda A, B: math.sqrt(gt.mmd(A, B, bandwidth=ell))
    assert d(P, R) <= d(P, Q) + d(Q, R) + 1e-7


def test_estimators_converge_to_the_exact_value_within_their_spread():
    P, Q, ell, n, runs = (
        gt.MultivariateNormal([0, 0], np.eye(2)),
        gt.MultivariateNormal([0.5, 0], [[1.0, 0.3], [0.3, 0.8]]),
        1.0,
        400,
        30,
    )
    exact = gt.mmd(P, Q, bandwidth=ell)
    u, v, lin = [], [], []
    for seed in range(runs):
        x, y = P.sample(n, rng=seed), Q.sample(n, rng=1000 + seed)
        u.append(gt.empirical.mmd(x, y, bandwidth=ell))
        v.append(gt.empirical.mmd(x, y, bandwidth=ell, unbiased=False))
        lin.append(gt.empirical.mmd(x, y, bandwidth=ell, linear_time=True))
    for values in (u, lin):  # unbiased: the mean within 4 standard errors
        assert abs(np.mean(values) - exact) < 4 * np.std(values) / math.sqrt(runs)
    # the V-statistic's bias (E k(X,X) - E k(X,X'))/n + (same for Y)/n, E k(X,X) = 1
    bias = (
        (1 - _mmd_exact._gaussian_kernel_mean(*[gaussian_mixture(P)] * 2, ell))
        + (1 - _mmd_exact._gaussian_kernel_mean(*[gaussian_mixture(Q)] * 2, ell))
    ) / n
    assert abs(np.mean(v) - exact - bias) < 4 * np.std(v) / math.sqrt(runs)
    assert np.std(lin) > np.std(u)  # the linear-time estimator pays in variance


def test_kid_is_the_mean_of_subset_u_statistics_and_unbiased_for_the_cubic_mmd():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(300, 2)), rng.normal(0.3, 1.0, size=(300, 2))
    result = gt.empirical.kid(x, y, n_subsets=5, subset_size=100, rng=9)
    gen = np.random.default_rng(9)
    values = []
    for _ in range(5):
        xs, ys = x[gen.choice(300, 100, replace=False)], y[gen.choice(300, 100, replace=False)]
        values.append(gt.empirical.mmd(xs, ys, "cubic"))
    assert result.value == pytest.approx(np.mean(values), rel=1e-12)
    assert result.std == pytest.approx(np.std(values), rel=1e-12) and result.std_error == pytest.approx(
        np.std(values) / math.sqrt(5), rel=1e-12
    )
    # unbiased at small n: the mean of KIDs of n = 50 samples over seeds vs the exact cubic MMD
    P, Q = gt.MultivariateNormal([0, 0], np.eye(2)), gt.MultivariateNormal([0.3, 0.0], np.eye(2))
    exact = gt.mmd(P, Q, kernel="cubic")
    kids = [
        gt.empirical.kid(P.sample(50, rng=s), Q.sample(50, rng=100 + s), n_subsets=1, subset_size=50).value
        for s in range(200)
    ]
    assert abs(np.mean(kids) - exact) < 4 * np.std(kids) / math.sqrt(200)


def test_permutation_test_matches_brute_force_relabellings():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(12, 2)), rng.normal(0.4, 1.0, size=(9, 2))
    result = gt.empirical.mmd_test(x, y, n_permutations=60, rng=11)
    assert result.statistic == pytest.approx(gt.empirical.mmd(x, y), rel=1e-12)
    z, gen, exceed = np.vstack([x, y]), np.random.default_rng(11), 0
    for _ in range(60):
        idx = gen.permutation(21)[:12]
        xs, ys = z[np.sort(idx)], z[np.setdiff1d(np.arange(21), idx)]
        exceed += gt.empirical.mmd(xs, ys, bandwidth=result.bandwidth) >= result.statistic - 1e-15
    assert result.p_value == pytest.approx((1 + exceed) / 61)


def test_permutation_test_p_values_are_valid_under_the_null_and_small_under_a_shift():
    p_null = [
        gt.empirical.mmd_test(*np.random.default_rng(s).normal(size=(2, 40, 2)), n_permutations=99, rng=s).p_value
        for s in range(40)
    ]
    assert np.mean(np.array(p_null) <= 0.1) <= 0.1 + 3 * math.sqrt(
        0.09 / 40
    )  # P(p <= 0.1) <= 0.1, up to 3 binomial s.d.
    rng = np.random.default_rng(6)
    assert (
        gt.empirical.mmd_test(rng.normal(size=(60, 2)), rng.normal(1.0, 1.0, size=(60, 2)), n_permutations=99).p_value
        == 0.01
    )


def test_chunks_bound_the_memory_and_do_not_change_the_value():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(3000, 2)), rng.normal(size=(2500, 2))
    whole = gt.empirical.mmd(x, y, bandwidth=1.0, chunk_size=3000)
    tracemalloc.start()
    chunked = gt.empirical.mmd(x, y, bandwidth=1.0, chunk_size=100)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert chunked == pytest.approx(whole, rel=1e-10, abs=1e-15)
    assert peak < 4 * 8 * 100 * 3000  # a few blocks of 100 x 3000, never the 3000 x 3000 matrix (72 MB)


def test_median_heuristic_is_the_median_pairwise_distance():
    x, y = np.array([[0.0], [1.0]]), np.array([[3.0], [7.0]])
    assert median_bandwidth(np.vstack([x, y])) == np.median([1, 3, 7, 2, 6, 4])
    assert gt.empirical.mmd(x, y) == gt.empirical.mmd(x, y, bandwidth=3.5)


def test_median_heuristic_on_integer_data_is_over_distinct_points_and_scales_with_the_units():
    # counts in 2-D with ~80% of the pairs tied at distance 0: the median over all pairs would be 0
    rng = np.random.default_rng(3)
    x, y = rng.binomial(2, 0.05, size=(150, 2)).astype(float), rng.binomial(2, 0.1, size=(150, 2)).astype(float)
    z = np.vstack([x, y])
    full = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=-1))  # brute force, every ordered pair
    upper = full[np.triu_indices(len(z), k=1)]
    assert np.mean(upper == 0) > 0.5
    expected = np.median(upper[upper > 0])  # the median over pairs of distinct points
    assert expected > 0
    assert median_bandwidth(z) == pytest.approx(expected, rel=1e-15)
    assert median_bandwidth(10.0 * z) == pytest.approx(10.0 * expected, rel=1e-15)  # centimetres to millimetres: x10
    assert gt.empirical.mmd(x, y) == pytest.approx(gt.empirical.mmd(x, y, bandwidth=float(expected)), rel=1e-12)
    assert median_bandwidth(np.full((5, 2), 7.0)) == 1.0  # all points equal: the fallback


def test_bad_input_raises_naming_the_argument():
    x, y = np.zeros((5, 2)), np.ones((5, 2))
    with pytest.raises(ValueError, match="bandwidth must be finite and > 0"):
        gt.empirical.mmd(x, y, bandwidth=0.0)
    with pytest.raises(ValueError, match="bandwidth must be finite and > 0"):
        gt.mmd(gt.Normal(0, 1), gt.Normal(1, 1), bandwidth=-1.0)
    with pytest.raises(ValueError, match="kernel must be one of"):
        gt.empirical.mmd(x, y, kernel="laplacian")
    with pytest.raises(ValueError, match="bandwidth applies to the kernels"):
        gt.empirical.mmd(x, y, kernel="cubic", bandwidth=1.0)
    with pytest.raises(ValueError, match="x has 1 point; the unbiased MMD"):
        gt.empirical.mmd(x[:1], y)
    assert gt.empirical.mmd(x[:1], y, unbiased=False) >= 0
    with pytest.raises(ValueError, match="same dimension"):
        gt.empirical.mmd(x, np.ones((5, 3)))
    with pytest.raises(ValueError, match="bandwidth is required"):
        gt.mmd(gt.Normal(0, 1), gt.Normal(1, 1))
    with pytest.raises(NotImplementedError, match="exact routes cover"):
        gt.mmd(gt.Product(gt.Uniform(0, 1), gt.Uniform(0, 1)), gt.MultivariateNormal([0, 0], np.eye(2)), kernel="cubic")
    with pytest.raises(ValueError, match="linear-time estimator is unbiased"):
        gt.empirical.mmd(x, y, unbiased=False, linear_time=True)
    with pytest.raises(ValueError, match="KID needs at least 2 points"):
        gt.empirical.kid(x[:1], y)


def test_witness_integrates_to_mmd_squared_and_mode_collapse_exact_columns():
    from gantheory.divergences import evaluation

    P, Q = gt.Mixture([gt.Normal(-2, 0.5), gt.Normal(2, 0.5)]), gt.Normal(0.5, 1.0)
    curves = evaluation.witness_curves(P, Q, [0.0], bandwidth=1.0)
    f = lambda u: evaluation.witness_curves(P, Q, [u], 1.0).witness[0] * curves.mmd * (P.pdf(u) - Q.pdf(u))
    assert scipy.integrate.quad(f, -12, 12, limit=200)[0] == pytest.approx(gt.mmd(P, Q, bandwidth=1.0), rel=1e-9)
    table = evaluation.dropped_modes_table(n=50, dropped=(2,), repeats=2, rng=0)
    G = evaluation.collapsed_ring(2)
    assert len(G.components) == 6 and np.allclose(G.weights, 1 / 6)
    # FID between the mixtures' Gaussian fits: the ring's fit is N(0, (2 + 0.02^2) I) by symmetry
    assert table.exact["FID"][0] == 0.0
    assert table.exact["FID"][1] == pytest.approx(
        gt.frechet_distance(np.zeros(2), (4 / 2 + 0.02**2) * np.eye(2), G.mean, G.cov), rel=1e-12
    )
    assert table.exact["MMD"][1] == gt.mmd(gt.ring_of_gaussians(8), G, bandwidth=0.5)
    assert np.isnan(table.exact["W1"]).all() and table.samples["W2"].shape == (2, 2)


def test_spectral_route_matches_the_gaussian_closed_form_and_double_quadrature():
    # Bochner: MMD^2 = int |phi_P - phi_Q|^2 Lambda; against the Gaussian-mixture closed form (a normal and an atom)
    M, Q = gt.Mixture([gt.Normal(-1.0, 0.3), gt.PointMasses([2.0])], [0.4, 0.6]), gt.Normal(-1.0, 0.7)
    assert _mmd_exact._mmd_spectral_1d(M, Q, "gaussian", 0.5) == pytest.approx(gt.mmd(M, Q, bandwidth=0.5), rel=1e-10)
    # the inverse multiquadric between a uniform and a Laplace law, against scipy's dblquad of E k
    U, V, ell = gt.Uniform(0.0, 1.0), gt.Laplace(0.5, 0.3), 0.7
    k = lambda x, y: 1.0 / math.sqrt(1.0 + (x - y) ** 2 / ell**2)
    dbl = lambda f, a, b, c, d: scipy.integrate.dblquad(f, a, b, c, d, epsabs=1e-13)[0]
    uu = dbl(lambda y, x: k(x, y), 0, 1, 0, 1)
    vv = dbl(lambda y, x: k(x, y) * V.pdf(x) * V.pdf(y), -12, 13, -12, 13)
    uv = dbl(lambda y, x: k(x, y) * V.pdf(y), 0, 1, -12, 13)
    assert gt.mmd(U, V, kernel="imq", bandwidth=ell) == pytest.approx(uu + vv - 2 * uv, rel=1e-9)
    # and the Gaussian kernel between uniforms: the closed form of E exp(-(X - Y)^2 / 2l^2) by dblquad
    W = gt.Uniform(0.5, 2.0)
    g = lambda x, y: math.exp(-0.5 * (x - y) ** 2)
    expected = (
        dbl(lambda y, x: g(x, y), 0, 1, 0, 1)
        + dbl(lambda y, x: g(x, y) / 2.25, 0.5, 2, 0.5, 2)
        - 2 * dbl(lambda y, x: g(x, y) / 1.5, 0, 1, 0.5, 2)
    )
    assert gt.mmd(U, W, bandwidth=1.0) == pytest.approx(expected, rel=1e-9)


def test_u_statistic_error_falls_as_n_to_the_minus_half():
    # P != Q: the U-statistic is unbiased with variance O(1/n), so its RMS error falls like n^-1/2
    from gantheory.divergences.rates import loglog_slope

    P, Q, ell = gt.Normal(0.0, 1.0), gt.Normal(0.5, 1.0), 1.0
    exact = gt.mmd(P, Q, bandwidth=ell)
    sizes, rms = (100, 400, 1600), []
    for n in sizes:
        errors = [
            gt.empirical.mmd(P.sample(n, rng=s), Q.sample(n, rng=500 + s), bandwidth=ell) - exact for s in range(12)
        ]
        rms.append(math.sqrt(np.mean(np.square(errors))))
    assert -0.75 < loglog_slope(sizes, rms) < -0.3


# -- the 2-D spectral route (Bochner's theorem in polar coordinates) ------------------------------------------------------

_GAUSSIAN_PAIRS = [
    (
        gt.Product(gt.Normal(0.0, 1.0), gt.Normal(0.5, 2.0)),
        gt.MultivariateNormal([0.3, -0.2], [[1.0, 0.4], [0.4, 2.0]]),
        1.0,
    ),
    (gt.ring_of_gaussians(4), gt.MultivariateNormal([0.0, 0.0], np.eye(2)), 0.5),
    (
        gt.Mixture([gt.Dirac([1.0, 2.0]), gt.Product(gt.Normal(-1.0, 0.3), gt.Normal(0.0, 1.0))], [0.3, 0.7]),
        gt.PointMasses([[0.0, 0.0], [2.0, -1.0]]),
        2.0,
    ),
]


@pytest.mark.parametrize("P, Q, ell", _GAUSSIAN_PAIRS)
def test_2d_spectral_route_matches_the_gaussian_mixture_closed_form_both_ways(P, Q, ell):
    closed = gt.mmd(P, Q, bandwidth=ell)  # Gaussian mixtures: the closed form
    for A, B in ((P, Q), (Q, P)):
        value, error = _mmd_exact._mmd_spectral_2d(A, B, "gaussian", ell)
        assert value == pytest.approx(closed, rel=1e-10)
        assert error < 1e-8 * value  # the estimate is small here, and the true error smaller still


def _imq_by_gaussian_scales(P, Q, ell):
    """(1 + s^2/l^2)^-1/2 = int_0^inf exp(-u^2 s^2/l^2) 2 e^-u^2 / sqrt(pi) du: the IMQ MMD^2 as a mixture of Gaussian-kernel closed forms (bandwidth l / (sqrt(2) u))."""
    f = lambda u: gt.mmd(P, Q, bandwidth=ell / (math.sqrt(2.0) * u)) * 2.0 * math.exp(-u * u) / math.sqrt(math.pi)
    return scipy.integrate.quad(f, 1e-300, 40.0, epsabs=0.0, epsrel=1e-12, limit=400)[0]


@pytest.mark.parametrize("P, Q, ell", _GAUSSIAN_PAIRS)
def test_2d_imq_mmd_is_the_scale_mixture_of_gaussian_kernels(P, Q, ell):
    assert gt.mmd(P, Q, kernel="imq", bandwidth=ell) == pytest.approx(_imq_by_gaussian_scales(P, Q, ell), rel=1e-9)


def test_2d_imq_mmd_between_point_masses_is_the_v_statistic():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(4, 2)), rng.normal(0.5, 1.0, size=(3, 2))
    exact = gt.mmd(gt.PointMasses(x), gt.PointMasses(y), kernel="imq", bandwidth=0.8)
    assert exact == pytest.approx(gt.empirical.mmd(x, y, "imq", 0.8, unbiased=False), rel=1e-10)


@pytest.mark.parametrize("kernel", ["gaussian", "imq"])
def test_2d_mmd_of_uniform_and_laplace_products_matches_monte_carlo_within_its_spread(kernel):
    # the U-statistic is unbiased: its mean over 12 seeded replicates (n = 800 each) is within 4 standard errors of the exact value
    P = gt.Product(gt.Uniform(0.0, 1.0), gt.Laplace(0.0, 0.5))
    Q = gt.Mixture([gt.Product(gt.Normal(0.3, 0.5), gt.Uniform(-0.5, 1.0)), gt.Dirac([1.0, 1.0])], [0.8, 0.2])
    exact = gt.mmd(P, Q, kernel=kernel, bandwidth=0.7)
    estimates = [gt.empirical.mmd(P.sample(800, rng=s), Q.sample(800, rng=100 + s), kernel, 0.7) for s in range(12)]
    spread = np.std(estimates, ddof=1) / math.sqrt(len(estimates))
    assert exact > 10 * spread  # the comparison can fail: the value is well resolved by the replicates
    assert abs(np.mean(estimates) - exact) < 4 * spread


def test_2d_spectral_mmd_is_symmetric_nonnegative_and_zero_for_one_law_written_two_ways():
    P = gt.Product(gt.Normal(0.0, 1.0), gt.Normal(1.0, 2.0))
    same = gt.MultivariateNormal([0.0, 1.0], [[1.0, 0.0], [0.0, 4.0]])  # the same law, another object
    assert P != same
    assert 0.0 <= gt.mmd(P, same, kernel="imq", bandwidth=0.9) < 1e-13
    U = gt.Product(gt.Uniform(-1.0, 1.0), gt.Laplace(0.0, 1.0))
    for kernel in ("gaussian", "imq"):
        a, b = gt.mmd(U, P, kernel=kernel, bandwidth=0.9), gt.mmd(P, U, kernel=kernel, bandwidth=0.9)
        assert a > 0 and a == pytest.approx(b, rel=1e-12)
        assert gt.mmd(U, gt.Product(gt.Uniform(-1.0, 1.0), gt.Laplace(0.0, 1.0)), kernel=kernel, bandwidth=0.9) == 0.0


def test_2d_spectral_route_warns_when_its_error_estimate_exceeds_the_tolerance(monkeypatch):
    # far-apart atoms oscillate fast in the angle: too few angular points leave an error estimate above the tolerance
    monkeypatch.setattr(_mmd_exact, "_ANGLES_MAX", 32)
    with pytest.warns(gt.exact.AccuracyWarning, match="spectral cubature error estimate"):
        gt.mmd(gt.Dirac([20.0, 0.0]), gt.PointMasses([[0.0, 20.0], [1.0, 1.0]]), kernel="imq", bandwidth=1.0)


def test_2d_gaussian_kernel_mmd_between_parallel_lines_is_the_closed_form():
    # P_0 = (0, Z), P_t = (t, Z'): E k factorizes, MMD^2 = 2 (1 - exp(-t^2 / 2l^2)) E exp(-(Z - Z')^2 / 2l^2), Z, Z' ~ U[0, 1] independent
    t, ell = 0.5, 0.7
    a = 1.0 / (math.sqrt(2.0) * ell)
    uniform_mean = math.sqrt(math.pi) / a * math.erf(a) - (1.0 - math.exp(-a * a)) / (
        a * a
    )  # int_0^1 int_0^1 exp(-a^2 (x - y)^2)
    expected = 2.0 * (1.0 - math.exp(-0.5 * t * t / ell**2)) * uniform_mean
    assert gt.mmd(gt.ParallelLines(0.0), gt.ParallelLines(t), bandwidth=ell) == pytest.approx(expected, rel=1e-10)
