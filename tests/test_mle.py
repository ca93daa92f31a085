"""Maximum likelihood and projections: identities, SciPy's fits, standard errors, mode seeking.

Statistical tests are seeded; every tolerance is 5 standard errors of the
estimator (derived beside each test), so a correct implementation fails with
probability below about 6e-7 per quantity, whatever the seed.
"""

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.optimize
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gantheory as gt
from gantheory import mle
from gantheory._rng import Stream
from gantheory.strategies import gaussian_params, probability_vectors

N_LARGE = 100_000
Z = 5.0  # tolerance in standard errors


# -- discrete data: average NLL = H(P_hat) + KL(P_hat || Q) ------------------------------------


@st.composite
def categorical_data_and_model(draw, allow_zeros=False):
    """Integer data on {0, ..., k-1} and a categorical model on the same points."""
    k = draw(st.integers(2, 8))
    x = draw(hnp.arrays(np.int64, st.integers(1, 60), elements=st.integers(0, k - 1)))
    theta = draw(probability_vectors(k, allow_zeros=allow_zeros))
    return x, theta / theta.sum()


@given(categorical_data_and_model())
def test_average_nll_minus_entropy_is_kl_for_discrete_data(data):
    x, theta = data
    Q = gt.PointMasses(np.arange(theta.size), theta)
    p_hat = np.bincount(x, minlength=theta.size) / x.size
    reference_kl = scipy.stats.entropy(p_hat, theta)  # SciPy: sum p log(p / q)
    nll = mle.average_nll(Q, x)
    assert abs(nll - mle.entropy(mle.empirical_distribution(x)) - reference_kl) <= 1e-12
    # the decomposition's KL comes from gantheory.kl between point masses
    parts = mle.likelihood_decomposition(Q, x)
    assert abs(parts.kl - reference_kl) <= 1e-12
    assert abs(parts.average_nll - parts.entropy - parts.kl) <= 1e-12
    assert abs(mle.cross_entropy(mle.empirical_distribution(x), Q) - nll) <= 1e-12


def test_average_nll_is_infinite_when_the_model_misses_an_observed_value():
    Q = gt.PointMasses([0.0, 1.0], [1.0, 0.0])
    assert mle.average_nll(Q, [0, 1]) == math.inf
    assert mle.likelihood_decomposition(Q, [0, 1]).kl == math.inf


@given(categorical_data_and_model())
def test_categorical_mle_is_the_frequencies_and_beats_any_other_model(data):
    x, theta = data
    fitted = mle.fit(gt.PointMasses, x, support=np.arange(theta.size))
    np.testing.assert_array_equal(fitted.weights, np.bincount(x, minlength=theta.size) / x.size)
    # NLL(theta) - NLL(theta_hat) = KL(P_hat || Q_theta) >= 0
    other = gt.PointMasses(np.arange(theta.size), theta)
    assert mle.average_nll(fitted, x) <= mle.average_nll(other, x) + 1e-12


def test_bernoulli_mle_is_the_fraction_of_ones_even_when_all_are_zero():
    assert mle.fit(gt.PointMasses, [1, 0, 1, 1, 1], support=[0, 1]).weights.tolist() == [0.2, 0.8]
    assert mle.fit(gt.PointMasses, [0, 0], support=[0, 1]).weights.tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match="outside support"):
        mle.fit(gt.PointMasses, [0, 2], support=[0, 1])


# -- closed-form fits against SciPy and NumPy ---------------------------------------------------

samples = hnp.arrays(np.float64, st.integers(3, 50), elements=st.floats(-100, 100)).filter(lambda x: np.ptp(x) > 1e-3)


@given(samples)
def test_normal_uniform_laplace_fits_match_scipy(x):
    scale = max(1.0, np.abs(x).max())
    for family, dist in [(gt.Normal, scipy.stats.norm), (gt.Laplace, scipy.stats.laplace)]:
        fitted = mle.fit(family, x)
        loc, sd = dist.fit(x)  # SciPy's closed-form MLEs
        assert abs(fitted.loc - loc) <= 1e-12 * scale and abs(fitted.scale - sd) <= 1e-12 * scale
    low, width = scipy.stats.uniform.fit(x)
    fitted = mle.fit(gt.Uniform, x)
    assert abs(fitted.low - low) <= 1e-12 * scale and abs(fitted.high - (low + width)) <= 1e-12 * scale


@given(hnp.arrays(np.float64, st.tuples(st.integers(3, 40), st.just(2)), elements=st.floats(-10, 10)))
def test_multivariate_normal_fit_is_mean_and_biased_covariance(x):
    cov = np.cov(x.T, bias=True)
    assume(np.linalg.eigvalsh(cov).min() > 1e-6)  # degenerate samples: see the next test
    fitted = mle.fit(gt.MultivariateNormal, x)
    np.testing.assert_allclose(fitted.mean, x.mean(axis=0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fitted.cov, cov, rtol=1e-12, atol=1e-12)


def test_multivariate_normal_fit_rejects_a_sample_on_a_line():
    # collinear points: the MLE covariance is singular, so no Gaussian density fits them
    with pytest.raises(ValueError, match="lies on a line"):
        mle.fit(gt.MultivariateNormal, [[0.0, 0.0], [1.0, 2.0], [2.0, 4.0]])


def test_numerical_fit_of_a_callable_family_finds_the_closed_form_mle():
    x = gt.Normal(1.0, 2.0).sample(500, rng=3)
    numeric = mle.fit(lambda loc, scale: gt.Normal(loc, scale), x, x0=[0.0, 1.0])
    closed = mle.fit(gt.Normal, x)
    # Nelder-Mead stops when the simplex is 1e-9 wide; the NLL is flat to second order there
    assert abs(numeric.loc - closed.loc) < 1e-6 and abs(numeric.scale - closed.scale) < 1e-6


def test_fit_rejects_degenerate_and_mismatched_input():
    with pytest.raises(ValueError, match="no spread"):
        mle.fit(gt.Normal, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        mle.fit(gt.Normal, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="x0 is required"):
        mle.fit(lambda m: gt.Normal(m, 1.0), [0.0, 1.0])
    with pytest.raises(TypeError, match="no closed-form fit"):
        mle.fit(gt.Mixture, [0.0, 1.0])
    with pytest.raises(ValueError, match="support is only used"):
        mle.fit(gt.Normal, [0.0, 1.0], support=[0, 1])


# -- MLE on 10^5 samples: within 5 standard errors ----------------------------------------------


def test_normal_mle_on_large_sample_is_within_standard_errors():
    mu, sigma = 1.5, 2.0
    fitted = mle.fit(gt.Normal, gt.Normal(mu, sigma).sample(N_LARGE, rng=11))
    # mean: SE = sigma / sqrt(n). sigma_hat^2 has variance 2 sigma^4 / n, so by
    # the delta method SE(sigma_hat) = sigma / sqrt(2 n).
    assert abs(fitted.loc - mu) <= Z * sigma / math.sqrt(N_LARGE)
    assert abs(fitted.scale - sigma) <= Z * sigma / math.sqrt(2 * N_LARGE)


def test_laplace_mle_on_large_sample_is_within_standard_errors():
    mu, b = -1.0, 0.5
    fitted = mle.fit(gt.Laplace, gt.Laplace(mu, b).sample(N_LARGE, rng=12))
    # median: SE = 1 / (2 f(mu) sqrt(n)) with f(mu) = 1 / (2b), i.e. b / sqrt(n).
    # b_hat = mean |x - median|: Var|X - mu| = E(X - mu)^2 - b^2 = 2b^2 - b^2, so SE = b / sqrt(n)
    # (estimating the median costs nothing to first order: d/dm E|X - m| = 0 at the median).
    assert abs(fitted.loc - mu) <= Z * b / math.sqrt(N_LARGE)
    assert abs(fitted.scale - b) <= Z * b / math.sqrt(N_LARGE)


def test_uniform_mle_on_large_sample_is_within_its_order_one_over_n_error():
    low, high = -2.0, 3.0
    fitted = mle.fit(gt.Uniform, gt.Uniform(low, high).sample(N_LARGE, rng=13))
    # min - low >= 0 with P(min - low > t) = (1 - t/(high - low))^n <= exp(-n t / (high - low));
    # t = 15 (high - low) / n makes that e^-15 ~ 3e-7 (likewise for the max).
    t = 15 * (high - low) / N_LARGE
    assert low <= fitted.low <= low + t
    assert high - t <= fitted.high <= high


def test_multivariate_normal_mle_on_large_sample_is_within_standard_errors():
    mean, cov = np.array([1.0, -1.0]), np.array([[2.0, 0.6], [0.6, 1.0]])
    fitted = mle.fit(gt.MultivariateNormal, gt.MultivariateNormal(mean, cov).sample(N_LARGE, rng=14))
    # mean_i: SE = sqrt(cov_ii / n); for Gaussian data Var(cov_hat_ij) = (cov_ii cov_jj + cov_ij^2) / n (Isserlis)
    se_mean = np.sqrt(np.diag(cov) / N_LARGE)
    se_cov = np.sqrt((np.outer(np.diag(cov), np.diag(cov)) + cov**2) / N_LARGE)
    assert (np.abs(fitted.mean - mean) <= Z * se_mean).all()
    assert (np.abs(fitted.cov - cov) <= Z * se_cov).all()


# -- forward KL projection: moment matching; the MLE converges to it ----------------------------

COMPONENTS = [
    (gt.Normal(-2.0, 0.5), scipy.stats.norm(-2.0, 0.5)),
    (gt.Normal(1.0, 1.5), scipy.stats.norm(1.0, 1.5)),
    (gt.Laplace(4.0, 1.0), scipy.stats.laplace(4.0, 1.0)),
]
WEIGHTS = [0.2, 0.5, 0.3]
MIXTURE = gt.Mixture([c for c, _ in COMPONENTS], WEIGHTS)


def mixture_moments():
    """Mean and variance of MIXTURE from SciPy's component moments (law of total variance)."""
    means = np.array([s.mean() for _, s in COMPONENTS])
    variances = np.array([s.var() for _, s in COMPONENTS])
    mean = WEIGHTS @ means
    return mean, WEIGHTS @ (variances + means**2) - mean**2


def test_forward_kl_projection_of_a_mixture_matches_its_mean_and_variance():
    mean, var = mixture_moments()
    proj = mle.kl_projection(MIXTURE, gt.Normal, "forward")
    assert abs(proj.fitted.loc - mean) <= 1e-12 * (1 + abs(mean))
    assert abs(proj.fitted.scale**2 - var) <= 1e-12 * var
    assert proj.criterion == "kl_forward" and len(proj.optima) == 1


@settings(max_examples=6)  # each example is two quadratures
@given(gaussian_params())
def test_forward_kl_projection_satisfies_the_pythagorean_identity(params):
    # for the moment-matched Q* and any normal Q: KL(P||Q) = KL(P||Q*) + KL(Q*||Q)
    Q = gt.Normal(*params)
    Q_star = mle.kl_projection(MIXTURE).fitted
    m1, s1, m2, s2 = Q_star.loc, Q_star.scale, Q.loc, Q.scale
    gauss_kl = math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    lhs = gt.kl(MIXTURE, Q)
    # both sides' quadratures are kept within RTOL = 1e-8 relative (exact.py)
    assert abs(lhs - gt.kl(MIXTURE, Q_star) - gauss_kl) <= 2e-8 * max(1.0, lhs)


def test_mle_on_growing_samples_approaches_the_kl_projection():
    P = gt.Mixture([gt.Normal(-3.0, 1.0), gt.Normal(3.0, 1.0)], [0.5, 0.5])
    run = mle.mle_convergence(P, sizes=[100, 1_000, 10_000, 100_000], rng=21)
    # Q* = N(0, 10). Sample mean: SE = sqrt(10 / n). Sample variance (ddof 0):
    # SE ~ sqrt((mu4 - sigma^4) / n) with mu4 = E X^4 = m^4 + 6 m^2 s^2 + 3 s^4 = 81 + 54 + 3 = 138.
    var, mu4 = 10.0, 138.0
    for n, Q in zip(run.sizes, run.fits):
        assert abs(Q.loc) <= Z * math.sqrt(var / n)
        assert abs(Q.scale**2 - var) <= Z * math.sqrt((mu4 - var**2) / n)
    # excess KL = Gaussian KL(Q* || Q_n): check it against the closed form, and its 1/n decay
    for Q, excess in zip(run.fits, run.excess_kl):
        closed = math.log(Q.scale / math.sqrt(var)) + (var + Q.loc**2) / (2 * Q.scale**2) - 0.5
        assert abs(excess - closed) <= 1e-12
    assert run.excess_kl[-1] < run.excess_kl[0]


# -- reverse KL: mode seeking; JSD and W1 projections -------------------------------------------

BIMODAL = gt.Mixture([gt.Normal(-5.0, 1.0), gt.Normal(5.0, 1.0)], [0.3, 0.7])


def test_reverse_kl_optima_each_sit_on_one_mode():
    proj = mle.kl_projection(BIMODAL, gt.Normal, "reverse", polish=False)
    # modes 10 sd apart. For mu_k = 5 (mirror for -5): KL(N(5, 1) || P) = -log w_k
    # - E log(1 + c e^{-10 X}), X ~ N(5, 1), c = w_j / w_k (n_j / n_k = e^{-10x}). Completing
    # the square, E[e^{-10 X}; X > 0] = Phi(-5) = 2.9e-7, and P(X < 0) = Phi(-5) where the
    # log term is about log c + 10|X|; so the overlap term is about (c + 3) Phi(-5) < 2e-6.
    # N(mu_k, 1) is thus a local optimum with KL = -log w_k up to that; we allow 1e-3 in the
    # parameters and 1e-5 in the value.
    found = sorted(((Q.loc, Q.scale, v) for Q, v in proj.optima))
    assert len(found) == 2
    for (loc, scale, value), mode, w in zip(found, [-5.0, 5.0], [0.3, 0.7]):
        assert abs(loc - mode) < 1e-3 and abs(scale - 1.0) < 1e-3
        assert abs(value + math.log(w)) < 1e-5
    # the global optimum is the heavier mode, and the forward fit covers both instead
    assert proj.fitted.loc > 0 and proj.divergence == min(v for _, v in proj.optima)
    forward = mle.kl_projection(BIMODAL).fitted
    assert -5 < forward.loc < 5 and forward.scale > 4


@pytest.mark.parametrize("polish", [False, True])
def test_projections_of_a_normal_return_it(polish):
    P = gt.Normal(0.7, 1.3)
    # the exact divergences at the fit: closed forms for reverse KL and W1, a quadrature for JSD
    projections = [
        mle.kl_projection(P, direction="reverse", n_starts=1, polish=polish),
        mle.w1_projection(P, n_starts=1, polish=polish),
        mle.js_projection(P, n_starts=1, polish=polish),
    ]
    for proj in projections:
        assert abs(proj.fitted.loc - 0.7) < 1e-5 and abs(proj.fitted.scale - 1.3) < 1e-5
        assert proj.divergence < 1e-8


def test_js_projection_beats_the_kl_fits_at_jsd():
    js = mle.js_projection(BIMODAL, n_starts=4, polish=False)
    candidates = [mle.kl_projection(BIMODAL).fitted] + [
        Q for Q, _ in mle.kl_projection(BIMODAL, direction="reverse", n_starts=4, polish=False).optima
    ]
    for Q in candidates:
        assert js.divergence <= gt.js_divergence(BIMODAL, Q) + 1e-9
    assert all(0 <= v <= math.log(2) for _, v in js.optima)


def test_projection_fits_are_the_four_projections_side_by_side():
    fits = mle.projection_fits(polish=False)
    assert list(fits) == ["forward KL(P‖Q)", "reverse KL(Q‖P)", "JSD", "W1"]
    # the default target 0.4 N(-3, 1) + 0.6 N(3, 1): the forward fit is the moment match N(0.6, 9.64)
    assert mle.DEFAULT_BIMODAL.mean == pytest.approx(0.6, rel=1e-12) and mle.DEFAULT_BIMODAL.var == pytest.approx(
        9.64, rel=1e-12
    )
    forward = fits["forward KL(P‖Q)"].fitted
    assert forward.loc == pytest.approx(0.6, rel=1e-9) and forward.scale == pytest.approx(math.sqrt(9.64), rel=1e-9)
    # reverse KL seeks the heavier mode; each fit is judged by its own exact divergence
    assert abs(fits["reverse KL(Q‖P)"].fitted.loc - 3.0) < 0.1
    assert fits["JSD"].divergence == pytest.approx(gt.js_divergence(mle.DEFAULT_BIMODAL, fits["JSD"].fitted), rel=1e-9)
    assert fits["W1"].divergence == pytest.approx(gt.w1(mle.DEFAULT_BIMODAL, fits["W1"].fitted), rel=1e-9)
    # a given target, and polish passed on: the same as calling the projections one by one
    js = mle.projection_fits(BIMODAL, polish=False)["JSD"]
    assert js.fitted == mle.js_projection(BIMODAL, polish=False).fitted


def _w1_by_quadrature(loc, scale):
    """W1(BIMODAL, N(loc, scale)) = integral of |F - G|, with SciPy's CDFs and scipy.integrate.quad."""

    def gap(x):
        f = 0.3 * scipy.stats.norm.cdf(x, -5, 1) + 0.7 * scipy.stats.norm.cdf(x, 5, 1)
        return abs(f - scipy.stats.norm.cdf(x, loc, scale))

    return scipy.integrate.quad(gap, -40, 40, points=[-5, 0, 5, loc], limit=400, epsabs=1e-12)[0]


@pytest.mark.slow
def test_w1_projection_is_a_minimum_of_an_independent_w1():
    proj = mle.w1_projection(BIMODAL, n_starts=2)  # polished with the exact W1
    loc, scale = proj.fitted.loc, proj.fitted.scale
    assert abs(proj.divergence - _w1_by_quadrature(loc, scale)) < 1e-8
    # W1 is convex in (loc, scale): beating the 4 neighbours at distance 1e-3 within
    # the quadrature's 1e-10 shows the minimum up to O(1e-3)
    best = _w1_by_quadrature(loc, scale)
    for dl, ds in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert best <= _w1_by_quadrature(loc + dl, scale + ds) + 1e-10
    assert len(proj.optima) == 1  # convexity: one minimum


def test_projections_reject_bad_input():
    with pytest.raises(ValueError, match="direction must be one of"):
        mle.kl_projection(BIMODAL, direction="sideways")
    with pytest.raises(TypeError, match="only family=Normal"):
        mle.kl_projection(BIMODAL, family=gt.Laplace)
    with pytest.raises(ValueError, match="infinite"):
        mle.kl_projection(gt.PointMasses([0.0, 1.0]))


# -- the projections' search: Gauss-Legendre sums and analytic gradients -------------------------

SYMMETRIC = gt.Mixture([gt.Normal(-3.0, 1.0), gt.Normal(3.0, 1.0)], [0.5, 0.5])
CRITERIA = {
    "kl_reverse": lambda P, Q: gt.kl(Q, P),
    "js": gt.js_divergence,
    "w1": gt.w1,
}


@settings(max_examples=5)  # five adaptive quadratures per example
@given(st.sampled_from(sorted(CRITERIA)), st.floats(-6, 6), st.floats(0.2, 6))
def test_search_sums_and_gradients_match_the_exact_divergence(name, loc, scale):
    # the sums against the adaptive quadrature of exact.py (estimate below 1e-8 relative, actual error
    # ~1e-13 on these smooth pieces); the analytic gradient against central differences of it with
    # h = 1e-3: truncation h^2 |third derivative| / 6 ~ 2e-7 here, quadrature noise ~1e-13 / h = 1e-10
    P = MIXTURE if name != "kl_reverse" else SYMMETRIC  # reverse KL needs p > 0 everywhere
    criterion = mle._Criterion(P, name)
    value, grad = criterion(loc, math.log(scale))
    exact = CRITERIA[name](P, gt.Normal(loc, scale))
    assert abs(value - exact) <= 1e-9 * max(1.0, exact)
    h = 1e-3
    d_loc = (CRITERIA[name](P, gt.Normal(loc + h, scale)) - CRITERIA[name](P, gt.Normal(loc - h, scale))) / (2 * h)
    d_log_scale = (
        CRITERIA[name](P, gt.Normal(loc, scale * math.exp(h))) - CRITERIA[name](P, gt.Normal(loc, scale * math.exp(-h)))
    ) / (2 * h)
    assert abs(grad[0] - d_loc) <= 1e-5 * (1 + abs(exact)) and abs(grad[1] - d_log_scale) <= 1e-5 * (1 + abs(exact))


def _phi(x, loc, scale):
    return math.exp(-0.5 * ((x - loc) / scale) ** 2) / (scale * math.sqrt(2 * math.pi))


def _Phi(x, loc, scale):
    return 0.5 * math.erfc(-(x - loc) / (scale * math.sqrt(2)))


def _independent(name, loc, scale):
    """Each criterion for SYMMETRIC by scipy.integrate.quad on densities and CDFs from the math module (none of gantheory's code)."""

    def p(x):
        return 0.5 * _phi(x, -3, 1) + 0.5 * _phi(x, 3, 1)

    def f(x):
        px, qx = p(x), _phi(x, loc, scale)
        if name == "kl_reverse":
            return qx * math.log(qx / px) if qx > 0 else 0.0
        if name == "js":
            mx = 0.5 * (px + qx)
            return 0.5 * ((px * math.log(px / mx) if px > 0 else 0.0) + (qx * math.log(qx / mx) if qx > 0 else 0.0))
        return abs(0.5 * _Phi(x, -3, 1) + 0.5 * _Phi(x, 3, 1) - _Phi(x, loc, scale))

    lo, hi = min(-15.0, loc - 15 * scale), max(15.0, loc + 15 * scale)
    return scipy.integrate.quad(f, lo, hi, points=sorted({-3.0, 0.0, 3.0, loc}), limit=500, epsabs=1e-13, epsrel=1e-12)[
        0
    ]


@pytest.mark.parametrize(
    "name, projection, n_optima",
    [
        # reverse KL: each mode, and the broad fit over both (a local minimum for modes 6 sd apart)
        ("kl_reverse", lambda P: mle.kl_projection(P, direction="reverse"), 3),
        # JSD: each mode and the broad fit (Huszar 2015); W1: convex, one minimum
        ("js", mle.js_projection, 3),
        ("w1", mle.w1_projection, 1),
    ],
)
def test_projections_of_a_symmetric_bimodal_find_every_local_minimum(name, projection, n_optima):
    proj = projection(SYMMETRIC)
    assert len(proj.optima) == n_optima
    for Q, value in proj.optima:
        best = _independent(name, Q.loc, Q.scale)
        assert abs(value - best) <= 1e-9 * max(1.0, best)
        # a minimum of the independent integral: no neighbour 1e-3 away (in loc and log scale) is lower
        # beyond the integral's 1e-12; the search stops at a gradient of 1e-10, so the optimum is
        # within ~1e-9 / curvature of the true one and the neighbours are higher by ~curvature * 1e-6
        for dl, ds in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
            assert best <= _independent(name, Q.loc + dl * Q.scale, Q.scale * math.exp(ds)) + 1e-12
    locs = sorted(Q.loc for Q, _ in proj.optima)
    # symmetry: optima come in mirror pairs around 0
    np.testing.assert_allclose(locs, [-loc for loc in locs[::-1]], atol=1e-6)


def test_reverse_kl_of_a_law_with_bounded_support_is_refused():
    with pytest.raises(ValueError, match="infinite for every normal"):
        mle.kl_projection(gt.Uniform(0.0, 1.0), direction="reverse")


# -- the expected excess KL of the normal MLE: (1/2 + (kappa - 1)/4) / n -------------------------


@pytest.mark.parametrize(
    "P, kappa",
    [
        (gt.Normal(1.0, 2.0), 3.0),
        # 0.5 N(-3, 1) + 0.5 N(3, 1): variance 10, E X^4 = 3^4 + 6 * 3^2 + 3 = 138
        (mle.SYMMETRIC_BIMODAL, 138.0 / 100.0),
        (gt.Uniform(-1.0, 1.0), 9.0 / 5.0),  # E X^4 = 1/5, Var = 1/3
        (gt.Laplace(0.0, 1.0), 6.0),  # E X^4 = 4! b^4 = 24, Var = 2 b^2
    ],
)
def test_excess_kl_constant_is_one_half_plus_kurtosis_minus_one_over_four(P, kappa):
    assert mle.excess_kl_constant(P) == pytest.approx(0.5 + (kappa - 1) / 4, rel=1e-7)


@pytest.mark.parametrize("P", [mle.SYMMETRIC_BIMODAL, gt.Normal(0.0, 3.0)])
def test_mean_excess_kl_of_many_runs_matches_the_constant_over_n(P):
    # Monte Carlo: 2000 independent samples of n = 1000; n * KL(Q* || Q_n) has a standard deviation of
    # order one, so its mean is within 4 standard errors of c = 1/2 + (kappa - 1)/4 up to the O(1/n) rest
    n, n_runs = 1000, 2000
    run = mle.mle_convergence(P, sizes=[n], rng=31, n_runs=n_runs)
    scaled = n * run.runs[:, 0]
    se = scaled.std(ddof=1) / math.sqrt(n_runs)
    assert abs(scaled.mean() - mle.excess_kl_constant(P)) <= 4 * se + 5.0 / n


def test_each_run_is_the_mle_of_its_own_sample():
    P = mle.SYMMETRIC_BIMODAL
    run = mle.mle_convergence(P, sizes=[10, 100, 1000], rng=5, n_runs=3)
    assert run.runs.shape == (3, 3) and run.target is P
    np.testing.assert_array_equal(run.runs[0], run.excess_kl)
    # the runs draw one after the other from the generator: refit the third sample with fit and gt.kl
    stream = Stream(np.random.default_rng(5))
    samples = [P.sample(1000, rng=stream) for _ in range(3)]
    for n, value in zip(run.sizes, run.runs[2]):
        assert value == pytest.approx(
            gt.kl(run.projection.fitted, mle.fit(gt.Normal, samples[2][:n])), rel=1e-8, abs=1e-14
        )
    with pytest.raises(ValueError, match="n_runs"):
        mle.mle_convergence(P, sizes=[10, 100], n_runs=0)
    with pytest.raises(ValueError, match="fourth moment|infinite|atoms"):
        mle.excess_kl_constant(gt.PointMasses([0.0, 1.0]))
