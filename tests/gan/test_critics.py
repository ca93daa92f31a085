"""Wasserstein vs Cramér critics (gantheory.gan.critics) against closed forms, SciPy quadrature and Monte Carlo."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

import gantheory as gt
from gantheory.gan.critics import _batch_gradients

# Monte Carlo tolerances: the mean of n i.i.d. batches is off by Z standard
# errors (the sample std / sqrt(n), reported by the functions) with Z ~ N(0, 1)
# for n in the thousands; 4.5 SE gives a per-entry false-failure rate below 1e-5,
# and the seeds are fixed.
Z = 4.5


def bernoulli(q):
    return gt.PointMasses([0.0, 1.0], [1.0 - q, q])


# -- the Bernoulli example: exact enumeration ----------------------------------


def test_bernoulli_m1_matches_the_paper_closed_form():
    # m = 1: E|X - theta| = p(1 - theta) + (1 - p) theta, slope 1 - 2p (Bellemare et al., Theorem 1)
    p, theta = 0.3, np.linspace(0, 1, 11)
    r = gt.gan.bernoulli_sample_losses(p, 1, theta)
    np.testing.assert_allclose(r.w1[0], p * (1 - theta) + (1 - p) * theta, atol=1e-14)
    inner = (theta > 0) & (theta < 1)  # the kinks of m = 1 are theta = 0 and 1
    np.testing.assert_allclose(r.w1_grad[0][inner], 1 - 2 * p, atol=1e-14)


@pytest.mark.parametrize("m", [1, 3, 10, 1000])
def test_cramer2_sample_loss_is_variance_plus_true_loss_and_its_gradient_is_unbiased(m):
    # E (K/m - theta)^2 = Var(K/m) + (p - theta)^2; the gradient 2(theta - p) is the true one
    p, theta = 0.37, np.linspace(0, 1, 41)
    r = gt.gan.bernoulli_sample_losses(p, m, theta)
    np.testing.assert_allclose(r.cramer2[0], (theta - p) ** 2 + p * (1 - p) / m, atol=1e-13)
    np.testing.assert_allclose(r.cramer2_grad[0], r.cramer2_true_grad, atol=1e-13)


@pytest.mark.parametrize("m", [7, 100, 1000])
def test_expected_w1_at_p_is_de_moivres_mean_absolute_deviation(m):
    # De Moivre: E|K - mp| = 2 (k0 + 1) C(m, k0 + 1) p^(k0 + 1) (1 - p)^(m - k0), k0 = floor(mp)
    p = 0.3
    k0 = math.floor(m * p)
    log_mad = (
        math.log(2 * (k0 + 1))
        + special.gammaln(m + 1)
        - special.gammaln(k0 + 2)
        - special.gammaln(m - k0)
        + (k0 + 1) * math.log(p)
        + (m - k0) * math.log(1 - p)
    )
    r = gt.gan.bernoulli_sample_losses(p, m, [p])
    assert r.w1[0, 0] == pytest.approx(math.exp(log_mad) / m, rel=1e-11)


def test_true_distances_match_the_exact_functions():
    p, theta = 0.3, np.array([0.0, 0.1, 0.3, 0.65, 1.0])
    r = gt.gan.bernoulli_sample_losses(p, 5, theta)
    P = bernoulli(p)
    for i, t in enumerate(theta):
        assert r.w1_true[i] == pytest.approx(gt.w1(P, bernoulli(t)), abs=1e-14)
        assert r.cramer2_true[i] == pytest.approx(gt.cramer(P, bernoulli(t)) ** 2, abs=1e-14)
        # between Bernoullis l2 = W1: the unsquared Cramér distance is as biased as W1
        assert gt.cramer(P, bernoulli(t)) == pytest.approx(gt.w1(P, bernoulli(t)), abs=1e-14)


def test_per_batch_losses_are_the_empirical_distances_to_the_model():
    # a batch x of 0/1 samples against Q_theta = B(theta) as the weighted sample {0, 1}
    rng = np.random.default_rng(1)
    for m in (1, 4, 9):
        x = (rng.random(m) < 0.3).astype(float)
        for t in (0.0, 0.25, 0.8):
            y_w = [1 - t, t] if 0 < t < 1 else None
            y = [0.0, 1.0] if y_w else [t]
            w1 = gt.empirical.w1(x, y, y_weights=y_w)
            l2 = gt.empirical.cramer(x, y, y_weights=y_w)
            assert w1 == pytest.approx(abs(x.mean() - t), abs=1e-14)
            assert l2**2 == pytest.approx((x.mean() - t) ** 2, abs=1e-14)


@pytest.mark.slow
def test_exact_enumeration_agrees_with_monte_carlo():
    theta = np.linspace(0, 1, 21)
    exact = gt.gan.bernoulli_sample_losses(0.3, [1, 3, 10, 50], theta)
    mc = gt.gan.bernoulli_sample_losses(0.3, [1, 3, 10, 50], theta, method="monte_carlo", n_batches=10_000, rng=2)
    for key in ("w1", "w1_grad", "cramer2", "cramer2_grad"):
        # Outcomes rarer than ~1/n_batches may be missing from every batch (SE 0 in the far tails):
        # P(an outcome of probability q >= 12/n is never drawn) <= e^-12, and it moves the mean by
        # at most q times the range of the per-batch values (<= 2 here), hence the 24/n term.
        err = np.abs(getattr(mc, key) - getattr(exact, key))
        assert (err <= Z * getattr(mc, f"{key}_se") + 24 / 10_000).all(), key
    assert np.all(exact.w1_se == 0) and np.all(mc.w1_se[2:] > 0)


@settings(max_examples=30)
@given(p=st.floats(0, 1), m=st.integers(1, 300), theta=st.floats(0, 1))
def test_expected_sample_w1_is_at_least_w1_and_cramer2_gradient_is_unbiased(p, m, theta):
    r = gt.gan.bernoulli_sample_losses(p, m, [theta])
    assert r.w1[0, 0] >= r.w1_true[0] - 1e-12  # Jensen: E|K/m - theta| >= |E K/m - theta|
    assert -1 - 1e-12 <= r.w1_grad[0, 0] <= 1 + 1e-12
    assert r.cramer2_grad[0, 0] == pytest.approx(r.cramer2_true_grad[0], abs=1e-11)


# -- minimizers ----------------------------------------------------------------


@pytest.mark.parametrize("p", [0.3, 0.8, 0.55])
def test_cramer2_minimizer_is_p_for_every_m(p):
    sizes = [1, 2, 5, 10, 100, 1000]
    assert gt.gan.bernoulli_minimizers(p, sizes).cramer2.tolist() == [p] * 6
    # and the expected loss on a fine grid is smallest there
    grid = np.linspace(0, 1, 1001)  # p is on the grid
    r = gt.gan.bernoulli_sample_losses(p, sizes, grid)
    np.testing.assert_allclose(grid[np.argmin(r.cramer2, axis=1)], p, atol=1e-12)


def test_w1_minimizer_moves_away_from_p():
    p, sizes = 0.3, [1, 2, 3, 4, 5, 7, 11]  # m p is never an integer here
    r = gt.gan.bernoulli_minimizers(p, sizes)
    assert r.w1_low[0] == 0.0  # m = 1: the loss p(1 - theta) + (1 - p) theta is smallest at 0 (p < 1/2)
    assert np.all(np.abs(r.w1_low - p) > 0.01) and np.all(r.w1_low == r.w1_high)
    # the median of Binomial(m, p) is floor(mp) or ceil(mp) (Kaas & Buhrman 1980): within 1/m of p
    assert np.all(np.abs(r.w1_low - p) < 1 / np.array(sizes))
    # independent check: scipy's binomial median, and the grid minimum of the exact expected loss
    np.testing.assert_allclose(r.w1_low, stats.binom.median(sizes, p) / np.array(sizes))
    grid = np.linspace(0, 1, 4621)  # contains every k/m for these m (4620 = lcm(1..5, 7, 11) * 3)
    losses = gt.gan.bernoulli_sample_losses(p, sizes, grid).w1
    np.testing.assert_allclose(grid[np.argmin(losses, axis=1)], r.w1_low, atol=1e-12)


def test_w1_minimizer_interval_when_the_median_is_not_unique():
    # p = 1/2, m odd: F((m - 1)/2) = 1/2 exactly, every theta between the two middle outcomes is optimal
    r = gt.gan.bernoulli_minimizers(0.5, [1, 3, 11])
    np.testing.assert_allclose(r.w1_low, [0, 1 / 3, 5 / 11])
    np.testing.assert_allclose(r.w1_high, [1, 2 / 3, 6 / 11])


def test_bernoulli_bad_input():
    with pytest.raises(ValueError, match="p must lie"):
        gt.gan.bernoulli_sample_losses(1.5, 3)
    with pytest.raises(ValueError, match="m must be >= 1"):
        gt.gan.bernoulli_sample_losses(0.3, [3, 0])
    with pytest.raises(TypeError, match="m must be"):
        gt.gan.bernoulli_minimizers(0.3, 2.5)
    with pytest.raises(ValueError, match="theta must lie"):
        gt.gan.bernoulli_sample_losses(0.3, 3, [0.5, 1.2])
    with pytest.raises(ValueError, match="method"):
        gt.gan.bernoulli_sample_losses(0.3, 3, method="mc")


# -- the location family -------------------------------------------------------


def test_batch_gradients_are_derivatives_of_the_empirical_distances():
    # central differences of gt.empirical.w1 and gt.empirical.cramer ** 2 (both exact for the clouds)
    rng = np.random.default_rng(3)
    x, z = rng.normal(size=(4, 6)), rng.laplace(size=(4, 6))
    h = 1e-7  # smaller than every gap between the points, so no crossing inside the difference
    for t in (-0.4, 0.3):
        w1, cramer2 = _batch_gradients(x, z, t)
        for b in range(4):
            fd_w1 = (gt.empirical.w1(x[b], z[b] + t + h) - gt.empirical.w1(x[b], z[b] + t - h)) / (2 * h)
            fd_c2 = (gt.empirical.cramer(x[b], z[b] + t + h) ** 2 - gt.empirical.cramer(x[b], z[b] + t - h) ** 2) / (
                2 * h
            )
            assert w1[b] == pytest.approx(fd_w1, abs=1e-6)
            assert cramer2[b] == pytest.approx(fd_c2, abs=1e-6)


def test_location_true_gradients_match_closed_forms():
    # P = N(0, 1), Q_theta = N(theta, 1): W1 = |theta|; l2^2 = E|X - Y| - E|X - X'|/2 - E|Y - Y'|/2
    # has slope E sign(Y - X) = 2 Phi(theta / sqrt 2) - 1 (Y - X ~ N(theta, 2))
    theta = np.array([-0.8, -0.1, 0.2, 1.5])
    r = gt.gan.location_sample_gradients(gt.Normal(0, 1), gt.Normal(0, 1), theta, m=2, n_batches=2, rng=0)
    np.testing.assert_allclose(r.w1_true_grad, np.sign(theta), atol=1e-8)
    np.testing.assert_allclose(r.cramer2_true_grad, 2 * stats.norm.cdf(theta / np.sqrt(2)) - 1, atol=1e-6)


@pytest.mark.parametrize(
    "P, base",
    [
        (gt.Normal(0, 1), gt.Normal(0, 1)),
        (gt.Normal(0.5, 1), gt.Laplace(0, 0.7)),
        (gt.Uniform(-1, 1), gt.Mixture([gt.Normal(-1, 0.5), gt.Uniform(0, 1)])),
    ],
)
def test_cramer2_sample_gradient_is_unbiased_and_w1_is_not(P, base):
    theta = np.array([-0.6, 0.3, 0.9])
    r = gt.gan.location_sample_gradients(P, base, theta, m=4, n_batches=4000, rng=4)
    assert np.all(np.abs(r.cramer2_grad - r.cramer2_true_grad) <= Z * r.cramer2_grad_se)
    # the W1 batch gradient is off by many standard errors: biased, not noisy
    assert np.max(np.abs(r.w1_grad - r.w1_true_grad) / r.w1_grad_se) > 10


def test_location_bad_input():
    with pytest.raises(TypeError, match="base must be"):
        gt.gan.location_sample_gradients(gt.Normal(0, 1), gt.Dirac(0.0), [0.0], m=3)
    with pytest.raises(TypeError, match="P must be"):
        gt.gan.location_sample_gradients(gt.MultivariateNormal([0, 0], np.eye(2)), gt.Normal(0, 1), [0.0], m=3)
    with pytest.raises(ValueError, match="n_batches"):
        gt.gan.location_sample_gradients(gt.Normal(0, 1), gt.Normal(0, 1), [0.0], m=3, n_batches=1)
    with pytest.raises(TypeError, match="theta is None"):
        gt.gan.location_sample_gradients(gt.Normal(0, 1), gt.Normal(0, 1), None, m=3)


# -- the parallel lines --------------------------------------------------------


def energy_by_quadrature(theta):
    # E = 2 E sqrt(theta^2 + D^2) - 2 E|D|, D = Z - Z' with the triangular density 1 - |d| on [-1, 1]
    value, _ = integrate.quad(lambda d: 2 * (1 - d) * math.sqrt(theta**2 + d * d), 0, 1, epsabs=1e-14, epsrel=1e-13)
    return 2 * value - 2 / 3


THETA = np.array([-1.0, -0.37, -0.01, 0.0, 0.002, 0.25, 1.0])


def test_parallel_lines_match_the_closed_forms():
    s = gt.gan.parallel_lines_sweep(THETA)
    off = THETA != 0
    np.testing.assert_allclose(s.w1, np.abs(THETA), atol=1e-15)
    np.testing.assert_allclose(s.js_divergence, np.where(off, math.log(2), 0.0), atol=1e-15)
    np.testing.assert_array_equal(s.kl, np.where(off, np.inf, 0.0))
    np.testing.assert_array_equal(s.reverse_kl, np.where(off, np.inf, 0.0))
    np.testing.assert_allclose(s.tv, np.where(off, 1.0, 0.0), atol=1e-15)
    energy = np.array([energy_by_quadrature(t) for t in THETA])
    np.testing.assert_allclose(s.energy_distance, energy, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(s.cramer, np.sqrt(np.maximum(energy, 0) / 2), rtol=1e-9, atol=1e-7)  # quad: E to 1e-14


def test_parallel_lines_sweep_is_the_exact_functions_point_by_point():
    s = gt.gan.parallel_lines_sweep(THETA)
    P0 = gt.ParallelLines(0.0)
    for i, t in enumerate(THETA):
        Q = gt.ParallelLines(t)
        assert (s.kl[i], s.reverse_kl[i]) == (gt.kl(P0, Q), gt.kl(Q, P0))
        assert (s.js_divergence[i], s.w1[i], s.tv[i]) == (gt.js_divergence(P0, Q), gt.w1(P0, Q), gt.tv(P0, Q))
        assert (s.cramer[i], s.energy_distance[i]) == (gt.cramer(P0, Q), gt.energy_distance(P0, Q))


def test_parallel_lines_derivatives_match_central_differences():
    theta = np.array([-0.9, -0.3, 0.05, 0.5])
    s = gt.gan.parallel_lines_sweep(theta)
    h = 1e-5
    P0 = gt.ParallelLines(0.0)
    for name, f in [
        ("w1", gt.w1),
        ("js_divergence", gt.js_divergence),
        ("tv", gt.tv),
        ("cramer", gt.cramer),
        ("energy_distance", gt.energy_distance),
    ]:
        fd = np.array([(f(P0, gt.ParallelLines(t + h)) - f(P0, gt.ParallelLines(t - h))) / (2 * h) for t in theta])
        np.testing.assert_allclose(getattr(s, f"d_{name}"), fd, rtol=1e-6, atol=1e-9, err_msg=name)
    assert np.isnan(s.slope_kl).all() and np.isnan(s.slope_reverse_kl).all()  # KL: infinite, no gradient at all


def test_parallel_lines_derivatives_at_zero():
    s = gt.gan.parallel_lines_sweep([0.0])
    for name in ("d_w1", "d_js_divergence", "d_tv", "d_cramer"):
        assert np.isnan(getattr(s, name)[0]), name
    assert s.slope_energy_distance[0] == 0.0  # E ~ theta^2 log(1/theta) is differentiable at 0
    # one-sided slopes of W1 at 0 are -1 and +1: a kink, not a derivative
    assert gt.w1(gt.ParallelLines(0.0), gt.ParallelLines(1e-6)) / 1e-6 == pytest.approx(1.0)


def test_parallel_lines_energy_is_stable_near_zero():
    # series E = t^2 (2 log(2/t) - 1 + 4t/3) + O(t^4): the exact value keeps full relative accuracy at tiny t
    for t in (1e-9, 1e-6):
        series = t**2 * (2 * np.log(2 / t) - 1 + 4 / 3 * t)
        assert gt.energy_distance(gt.ParallelLines(0.0), gt.ParallelLines(t)) == pytest.approx(series, rel=1e-10)


def test_parallel_lines_default_grid():
    s = gt.gan.parallel_lines_sweep()
    assert s.theta.shape == (201,) and s.theta[0] == -1 and s.theta[-1] == 1
    assert np.isfinite(s.slope_w1[s.theta != 0]).all()


def test_parallel_lines_cramer_slope_diverges_like_sqrt_log():
    # E = t^2 (2L - 1) + 4t^3/3 + O(t^4), L = log(2/t) (series of the closed form; SymPy in chapter 6), so
    # l2' = E' / (2 sqrt(2E)) = (L - 1) / sqrt(L - 1/2) (1 + O(t)): unbounded, like sqrt(log(1/t)), as t -> 0
    t = 10.0 ** -np.array([2.0, 4.0, 8.0, 20.0, 50.0, 100.0])
    s = gt.gan.parallel_lines_sweep(np.concatenate([-t, t]))
    slope = s.slope_cramer[t.size :]
    np.testing.assert_array_equal(s.slope_cramer[: t.size], -slope)  # odd in theta
    L = np.log(2 / t)
    assert np.all(np.abs(slope / ((L - 1) / np.sqrt(L - 0.5)) - 1) <= t + 1e-13)
    ratio = slope / np.sqrt(np.log(1 / t))
    assert np.all(np.diff(ratio) > 0) and 0.998 < ratio[-1] < 1 and ratio[0] < 0.92
    assert slope[-1] > 15  # no finite limit: W1's slope is 1 everywhere off 0
    # and the closed-form slope is the derivative of gt.cramer near 0 too (central differences, step 1e-3 t)
    for theta in (1e-3, 1e-6):
        h = 1e-3 * theta
        fd = (
            gt.cramer(gt.ParallelLines(0.0), gt.ParallelLines(theta + h))
            - gt.cramer(gt.ParallelLines(0.0), gt.ParallelLines(theta - h))
        ) / (2 * h)
        assert gt.gan.parallel_lines_sweep([theta]).slope_cramer[0] == pytest.approx(fd, rel=1e-5)


@pytest.mark.parametrize("p", [0.3, 1 - 2**-0.5, 0.5])
@pytest.mark.parametrize("m", [1, 2, 5])
def test_expected_w1_gradient_is_biased_at_every_theta_but_p(p, m):
    # E d/dθ |K/m - θ| = P(K/m < θ) - P(K/m > θ) misses sign(θ - p) by at least P(K = 0) or P(K = m)
    theta = np.linspace(0.0, 1.0, 41)
    r = gt.gan.bernoulli_sample_losses(p, m, theta=theta)
    off = np.abs(theta - p) > 1e-12
    gap = np.abs(r.w1_grad[0] - np.sign(theta - p))[off]
    assert np.all(gap >= min(p, 1 - p) ** m - 1e-12)


def test_the_d_names_of_the_slopes_are_deprecated_aliases():
    s = gt.gan.parallel_lines_sweep([-0.5, 0.5])
    for name in ("kl", "reverse_kl", "js_divergence", "w1", "cramer", "energy_distance", "tv"):
        assert getattr(s, "d_" + name) is getattr(s, "slope_" + name)


# -- WGAN's Theorem 3 and a finite n_critic -------------------------------------


def test_theorem3_gradient_matches_the_closed_forms_for_normals():
    # W1(N(0, 1), N(theta, sigma^2)) = E|theta + (sigma - 1) Z|: gradient sign(theta) for sigma = 1, else 2 Phi(theta / |sigma - 1|) - 1
    theta = np.array([-3.0, -0.7, 0.2, 1.5])
    r = gt.gan.wgan_gradients.w1_location_gradient(gt.Normal(0, 1), gt.Normal(0, 1), theta)
    np.testing.assert_allclose(r.through_critic, np.sign(theta), rtol=0, atol=1e-14)
    np.testing.assert_allclose(r.w1, np.abs(theta), rtol=1e-12)
    for sigma in (0.3, 2.0):
        r = gt.gan.wgan_gradients.w1_location_gradient(gt.Normal(0, 1), gt.Normal(0, sigma), theta)
        closed = 2 * stats.norm.cdf(theta / abs(sigma - 1)) - 1
        np.testing.assert_allclose(r.through_critic, closed, atol=1e-12)
        np.testing.assert_allclose(r.finite_difference, closed, atol=1e-7)


@pytest.mark.parametrize(
    "P, base",
    [
        (gt.Mixture([gt.Normal(-2.0, 0.5), gt.Normal(2.0, 0.5)], [0.5, 0.5]), gt.Normal(0.5, 1.0)),
        (gt.Laplace(0.0, 1.0), gt.Uniform(-1.0, 2.0)),
        (gt.Normal(1.0, 0.5), gt.Mixture([gt.Normal(-1.0, 0.3), gt.Normal(1.0, 0.6)], [0.3, 0.7])),
    ],
    ids=["bimodal-normal", "laplace-uniform", "normal-mixture"],
)
def test_theorem3_gradient_matches_central_differences_of_the_exact_w1(P, base):
    theta = np.array([-2.5, -0.6, 0.3, 1.1, 3.0])
    r = gt.gan.wgan_gradients.w1_location_gradient(P, base, theta)
    assert r.error < 1e-6, (r.through_critic, r.finite_difference)
    assert np.all(np.abs(r.through_critic) <= 1.0 + 1e-12)  # W1 is 1-Lipschitz in a shift
    # and the SciPy route: -int q_theta(x) sign(F_Q - F_P) dx
    for t, g in zip(theta, r.through_critic):
        Q = gt.gan.critics.shifted(base, t)
        value = integrate.quad(lambda x: Q.pdf(x) * np.sign(Q.cdf(x) - P.cdf(x)), -30, 30, limit=400, points=[t])[0]
        assert abs(-value - g) < 1e-7


def test_theorem3_bad_input():
    with pytest.raises(TypeError, match="base"):
        gt.gan.wgan_gradients.w1_location_gradient(gt.Normal(0, 1), gt.PointMasses([0.0, 1.0]), 0.5)
    with pytest.raises(ValueError, match="h must be"):
        gt.gan.wgan_gradients.w1_location_gradient(gt.Normal(0, 1), gt.Normal(0, 1), 0.5, h=0.0)


def test_a_trained_critic_approaches_theorem3s_gradient():
    # W1 = |theta| between N(0, 1) and N(theta, 1): Theorem 3 gives -1 at theta = -2
    r = gt.gan.wgan_gradients.critic_gradient_bias(
        gt.Normal(0, 1), gt.Normal(0, 1), -2.0, [0, 1, 100], constraint="one_sided_penalty", n_seeds=3, rng=1
    )
    assert r.optimal == -1.0 and r.gradient.shape == r.lipschitz.shape == (3, 3)
    assert r.seeds.tolist() == [1, 2, 3] and r.config["rng"] == 1
    np.testing.assert_allclose(r.relative, r.gradient / -1.0)
    np.testing.assert_allclose(r.bias, r.gradient.mean(axis=0) + 1.0)
    assert abs(r.bias[-1]) < 0.15 and abs(r.bias[-1]) < abs(
        r.bias[0]
    )  # 100 steps: within 15%, closer than the initial critic
    assert r.wrong_sign[-1] == 0.0
    again = gt.gan.wgan_gradients.critic_gradient_bias(
        gt.Normal(0, 1), gt.Normal(0, 1), -2.0, [0, 1, 100], constraint="one_sided_penalty", n_seeds=3, rng=1
    )
    np.testing.assert_array_equal(again.gradient, r.gradient)  # seeded: the same numbers


def test_the_gradient_through_a_critic_is_minus_its_mean_slope_on_the_generators_mass():
    # with no step taken the critic is its initialization: g_0 = -E_Q f_0', checked against samples of Q
    r = gt.gan.wgan_gradients.critic_gradient_bias(
        gt.Normal(0, 1), gt.Normal(0, 1), 1.0, [0], constraint="none", n_seeds=1
    )
    critic = gt.autograd.nn.MLP([1, 16, 16, 1], activation="relu", rng=gt._rng.Stream(gt._rng.as_generator(0)))
    y = gt.Normal(1.0, 1.0).sample(200_000, rng=5).reshape(-1, 1)
    slopes = gt.autograd.grad(lambda t: gt.autograd.ops.sum(critic(t)))(y).reshape(-1)
    assert abs(r.gradient[0, 0] + slopes.mean()) < 5 * slopes.std() / math.sqrt(y.size) + 1e-3


def test_critic_gradient_bias_bad_input():
    P, base = gt.Normal(0, 1), gt.Normal(0, 1)
    with pytest.raises(ValueError, match="increasing"):
        gt.gan.wgan_gradients.critic_gradient_bias(P, base, -1.0, [5, 2])
    with pytest.raises(ValueError, match="constraint"):
        gt.gan.wgan_gradients.critic_gradient_bias(P, base, -1.0, [1], constraint="clip")
    with pytest.raises(ValueError, match="is 0"):
        gt.gan.wgan_gradients.critic_gradient_bias(P, base, 0.0, [1])
    with pytest.raises(TypeError, match="theta"):
        gt.gan.wgan_gradients.critic_gradient_bias(P, base, [1.0], [1])
