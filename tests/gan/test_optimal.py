"""The optimal discriminator, V(D*, G) and a trained discriminator, against closed forms, SymPy and the JSD."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.special import expit, log_expit

import gantheory as gt
from gantheory import symbolic
from gantheory.autograd import nn, optim
from gantheory.gan import losses
from gantheory.strategies import dist_locs, dist_scales, normal_dists

LOG4 = math.log(4.0)


@st.composite
def normal_mixtures(draw):
    """A 2-component mixture of normals, weights in [0.1, 0.9]."""
    w = draw(st.floats(0.1, 0.9))
    return gt.Mixture(
        [gt.Normal(draw(dist_locs), draw(dist_scales)), gt.Normal(draw(dist_locs), draw(dist_scales))], [w, 1.0 - w]
    )


normals_or_mixtures = st.one_of(normal_dists(), normal_mixtures())


# -- the optimal discriminator -------------------------------------------------


@settings(max_examples=12)  # each example: two 1-D quadratures of mixtures (~0.3 s)
@given(normals_or_mixtures, normals_or_mixtures)
def test_value_at_optimal_discriminator_is_minus_log4_plus_twice_jsd(P, Q):
    # Goodfellow et al. (2014), Theorem 1; both sides are quadratures to 1e-8 relative
    V = gt.gan.value_at_optimal_discriminator(P, Q)
    assert V == pytest.approx(-LOG4 + 2.0 * gt.js_divergence(P, Q), rel=1e-7, abs=1e-9)


def test_value_matches_the_symbolic_integrand_integrated():
    # the SymPy integrand p log D*(p, q) + q log(1 - D*(p, q)), integrated by plain quad: an independent route
    P, Q = gt.Normal(0.0, 1.0), gt.Normal(1.5, 0.7)
    integrand = symbolic.value_at_optimal_discriminator().numeric()
    V_sympy, _ = integrate.quad(lambda x: integrand(P.pdf(x), Q.pdf(x)), -12.0, 12.0, points=[0.0, 1.5], epsabs=1e-13)
    assert gt.gan.value_at_optimal_discriminator(P, Q) == pytest.approx(V_sympy, rel=1e-9)


def test_optimal_discriminator_matches_symbolic_and_its_pointwise_integrand():
    P, Q = gt.Mixture([gt.Normal(-1, 0.5), gt.Normal(2, 1)], [0.3, 0.7]), gt.Laplace(0.5, 1.5)
    D = gt.gan.optimal_discriminator(P, Q)
    x = np.linspace(-6.0, 6.0, 97)
    p, q = P.pdf(x), Q.pdf(x)
    np.testing.assert_allclose(D(x), symbolic.optimal_discriminator().numeric()(p, q), rtol=1e-13)
    np.testing.assert_allclose(
        D.value_integrand(x), symbolic.value_at_optimal_discriminator().numeric()(p, q), rtol=1e-12, atol=1e-15
    )  # SymPy works from p, q: its tails are less exact
    # log D* and log(1 - D*) against SciPy's log_expit of the logit, and D* + (1 - D*) = 1
    np.testing.assert_allclose(D.log_d(x), np.log(p / (p + q)), rtol=1e-13)
    np.testing.assert_allclose(np.exp(D.log_d(x)) + np.exp(D.log_one_minus_d(x)), 1.0, rtol=1e-15)


def test_optimal_discriminator_of_equal_distributions_is_one_half_everywhere():
    for P in (gt.Normal(0.3, 2.0), gt.Mixture([gt.Normal(-2, 0.5), gt.Laplace(1, 1)], [0.4, 0.6])):
        D = gt.gan.optimal_discriminator(P, P)
        x = np.array([-1e4, -40.0, -1.0, 0.0, 0.7, 55.0, 1e4])  # far tails included: densities underflow to 0 there
        assert (D(x) == 0.5).all() and (D.logit(x) == 0.0).all()
        assert gt.gan.value_at_optimal_discriminator(P, P) == pytest.approx(-LOG4, rel=1e-10)
    ring = gt.ring_of_gaussians(4)
    assert (gt.gan.optimal_discriminator(ring, ring)(np.array([[0.0, 0.0], [2.0, 0.0], [30.0, -30.0]])) == 0.5).all()


def test_logit_is_exact_far_in_the_tails():
    # N(0, 1) vs N(1, 1): log p - log q = 1/2 - x exactly; at |x| = 1000 both densities are 0 in float64
    D = gt.gan.optimal_discriminator(gt.Normal(0, 1), gt.Normal(1, 1))
    x = np.array([-1000.0, -30.0, 0.5, 30.0, 1000.0])
    np.testing.assert_allclose(D.logit(x), 0.5 - x, rtol=1e-15)
    np.testing.assert_allclose(D(x), expit(0.5 - x), rtol=1e-15)
    np.testing.assert_allclose(D.log_d(x), log_expit(0.5 - x), rtol=1e-15)
    np.testing.assert_allclose(D.log_one_minus_d(x), log_expit(x - 0.5), rtol=1e-15)
    assert D.log_d(1000.0) == -999.5  # not log(0) = -inf


def test_disjoint_supports_give_a_perfect_discriminator_and_zero_value():
    # mutually singular laws: V(D*, G) = -log 4 + 2 log 2 = 0
    P, Q = gt.Uniform(0, 1), gt.Uniform(2, 3)
    D = gt.gan.optimal_discriminator(P, Q)
    np.testing.assert_array_equal(D([0.5, 2.5]), [1.0, 0.0])
    np.testing.assert_array_equal(D.logit([0.5, 2.5]), [np.inf, -np.inf])
    assert np.isnan(D(1.5)) and np.isnan(D.logit(1.5))  # both densities 0: undefined, NaN (documented)
    assert D.value_integrand(1.5) == 0.0
    assert gt.gan.value_at_optimal_discriminator(P, Q) == 0.0 == -LOG4 + 2 * math.log(2)


def test_partly_overlapping_uniforms_match_the_closed_form():
    # U(0, 2) vs U(1, 3): D* = 1, 1/2, 0 on the thirds; V = 1/2 log 1 + 1/2 log(1/2) + 1/2 log(1/2) = -log 2
    V = gt.gan.value_at_optimal_discriminator(gt.Uniform(0, 2), gt.Uniform(1, 3))
    assert V == pytest.approx(-math.log(2), rel=1e-10)


def test_optimal_discriminator_in_2d_matches_the_density_ratio():
    P = gt.MultivariateNormal([0.0, 0.0], [[1.0, 0.3], [0.3, 0.5]])
    Q = gt.Mixture(
        [gt.MultivariateNormal([1.0, 0.0], np.eye(2)), gt.MultivariateNormal([-1.0, 1.0], 0.5 * np.eye(2))], [0.5, 0.5]
    )
    x = np.random.default_rng(0).normal(size=(50, 2)) * 2.0
    p, q = P.pdf(x), Q.pdf(x)
    np.testing.assert_allclose(gt.gan.optimal_discriminator(P, Q)(x), p / (p + q), rtol=1e-13)
    # plane cubature of the value function against the JSD's whitened Gauss-Hermite route (Theorem 1)
    expected = -math.log(4) + 2 * gt.js_divergence(P, Q)
    assert gt.gan.value_at_optimal_discriminator(P, Q) == pytest.approx(expected, rel=1e-8)
    # 2-D point masses: the exact sum; a shared atom (1, 1) carries all the overlap
    A, B = gt.PointMasses([[0.0, 0.0], [1.0, 1.0]], [0.5, 0.5]), gt.PointMasses([[1.0, 1.0], [2.0, 0.0]], [0.5, 0.5])
    assert gt.gan.value_at_optimal_discriminator(A, B) == pytest.approx(2 * 0.5 * math.log(0.5), rel=1e-15)


@pytest.mark.slow  # about 1.5 s an example (plane cubature around the ring's eight modes)
@settings(max_examples=4)
@given(st.floats(-2, 2), st.floats(-2, 2), st.floats(0.5, 2), st.floats(-0.8, 0.8))
def test_value_in_2d_is_minus_log4_plus_twice_the_jsd(mx, my, s, rho):
    # 2-D Gaussians, and the ring of 8 against a normal: V(D*, G) by plane cubature of p log D* + q log(1 - D*)
    Q = gt.MultivariateNormal([mx, my], [[s * s, rho * s], [rho * s, 1.0]])
    for P in (gt.MultivariateNormal([0.0, 0.0], np.eye(2)), gt.ring_of_gaussians(8)):
        V = gt.gan.value_at_optimal_discriminator(P, Q)
        assert V == pytest.approx(-math.log(4) + 2 * gt.js_divergence(P, Q), rel=1e-8, abs=1e-10)


def test_value_for_point_masses_is_the_exact_sum():
    P, Q = gt.PointMasses([0.0, 1.0, 2.0], [0.2, 0.3, 0.5]), gt.PointMasses([1.0, 2.0, 3.0])
    p, q = np.array([0.2, 0.3, 0.5, 0.0]), np.array([0.0, 1 / 3, 1 / 3, 1 / 3])
    expected = sum(pi * math.log(pi / (pi + qi)) for pi, qi in zip(p, q) if pi > 0) + sum(
        qi * math.log(qi / (pi + qi)) for pi, qi in zip(p, q) if qi > 0
    )
    assert gt.gan.value_at_optimal_discriminator(P, Q) == pytest.approx(expected, rel=1e-14)


def test_optimal_discriminator_refuses_bad_input():
    with pytest.raises(TypeError, match="P must be a gantheory distribution"):
        gt.gan.optimal_discriminator(np.zeros(3), gt.Normal(0, 1))
    with pytest.raises(TypeError, match="Q must be a gantheory distribution"):
        gt.gan.value_at_optimal_discriminator(gt.Normal(0, 1), "normal")
    with pytest.raises(ValueError, match="same dim"):
        gt.gan.optimal_discriminator(gt.Normal(0, 1), gt.ring_of_gaussians(8))
    with pytest.raises(NotImplementedError, match="two densities or two discrete laws"):
        gt.gan.value_at_optimal_discriminator(gt.Dirac(0.0), gt.Normal(0, 1))


# -- a trained discriminator against D* ----------------------------------------


def test_trained_discriminator_approaches_the_optimal_value_from_below():
    P, Q = gt.Normal(0.0, 1.0), gt.Normal(1.5, 0.6)  # D*'s logit is quadratic in x
    run = gt.gan.discriminator_convergence(P, Q, steps=400, log_every=50, n_eval=10_000, rng=0)
    assert run.steps.tolist() == list(range(0, 401, 50))
    assert run.value_optimal == pytest.approx(-LOG4 + 2 * gt.js_divergence(P, Q), rel=1e-7)
    # V(D, G) <= V(D*, G) for every D (Goodfellow et al. 2014, Prop. 1), and D never saw the evaluation
    # points: the estimates can exceed V(D*, G) by sampling error only. Standard errors from the per-point
    # variances; 4 of them at 9 log points leave a false-alarm chance below 6e-4 (normal approximation).
    assert (run.value <= run.value_optimal + 4 * run.value_se).all()
    assert (run.gap <= 4 * run.gap_se).all()  # the paired difference on the same points, much tighter
    # it climbs: the final gap is a tenth of the initial one and within 0.025 nats (approximation and SGD noise)
    assert run.gap[0] < -0.1 and run.gap[-1] > max(run.gap[0] / 10, -0.025)
    assert run.value[-1] > run.value[0]
    # value - gap = V^(D*, G) on the evaluation sample: the same at every step (value comes from
    # losses.discriminator_cost, gap from log D and log(1 - D) per point), unbiased for the quadrature value
    v_star = run.value - run.gap
    assert np.ptp(v_star) < 1e-12
    assert abs(v_star[0] - run.value_optimal) < 4 * run.value_se[-1]


def test_discriminator_convergence_runs_in_2d():
    P, Q = gt.MultivariateNormal([0.0, 0.0], np.eye(2)), gt.MultivariateNormal([1.0, 1.0], 0.5 * np.eye(2))
    run = gt.gan.discriminator_convergence(P, Q, steps=60, log_every=30, n_eval=4000, hidden=16, rng=1)
    assert run.value_optimal == pytest.approx(-LOG4 + 2 * gt.js_divergence(P, Q), rel=1e-12)
    assert (run.gap <= 4 * run.gap_se).all() and run.value[-1] > run.value[0]


def test_discriminator_convergence_refuses_bad_input():
    P = gt.Normal(0, 1)
    with pytest.raises(TypeError, match="P must be a gantheory distribution"):
        gt.gan.discriminator_convergence(np.zeros(10), P)
    for name in ("steps", "batch_size", "log_every", "n_eval"):
        with pytest.raises(ValueError, match=f"{name} must be >= 1"):
            gt.gan.discriminator_convergence(P, P, **{name: 0})
    with pytest.raises(ValueError, match="hidden must be >= 1"):
        gt.gan.discriminator_convergence(P, P, hidden=(16, 0))
    with pytest.raises(ValueError, match="lr must be > 0"):
        gt.gan.discriminator_convergence(P, P, lr=-1.0)
    # a recorded run takes an int seed only, so that it can be repeated
    for rng in (None, np.random.default_rng(0), 1.5, True):
        with pytest.raises(TypeError, match="rng must be an int seed"):
            gt.gan.discriminator_convergence(P, P, steps=1, rng=rng)
    with pytest.raises(ValueError, match="rng must be an int seed >= 0"):
        gt.gan.discriminator_convergence(P, P, steps=1, rng=-1)


def test_discriminator_convergence_is_repeatable_from_its_int_seed():
    P, Q = gt.Normal(0, 1), gt.Normal(2, 1)
    a, b, c = (
        gt.gan.discriminator_convergence(P, Q, steps=10, log_every=5, n_eval=200, rng=r) for r in (3, np.int64(3), 4)
    )
    np.testing.assert_array_equal(a.value, b.value)
    assert not np.array_equal(a.value, c.value)


# -- value_estimate: V̂(D, G) of any discriminator, a lower bound on the JSD --------------------------------------


def test_value_estimate_of_the_optimal_discriminator_is_v_star_within_its_error():
    P, Q = gt.Mixture([gt.Normal(-2.0, 0.5), gt.Normal(2.0, 0.5)]), gt.Normal(0.5, 1.0)
    star = gt.gan.optimal_discriminator(P, Q)
    exact_value = -math.log(4) + 2 * gt.js_divergence(P, Q)
    for seed in range(3):
        value, se = gt.gan.optimal.value_estimate(lambda x: star.logit(x[:, 0]), P, Q, n=20_000, rng=seed)
        assert 0 < se < 0.02 and abs(value - exact_value) < 4 * se


def test_value_estimate_of_a_constant_discriminator_is_exact():
    # D = sigma(c) everywhere: V = log sigma(c) + log(1 - sigma(c)) for every sample, so the standard error is 0
    c = 0.7
    value, se = gt.gan.optimal.value_estimate(
        lambda x: np.full(len(x), c), gt.Normal(0, 1), gt.Normal(3, 2), n=50, rng=1
    )
    assert se < 1e-15 and value == pytest.approx(math.log(expit(c)) + math.log(expit(-c)), abs=1e-14)


def test_a_trained_discriminators_value_is_a_lower_bound_on_the_jsd():
    P, Q = gt.Normal(0.0, 1.0), gt.Normal(1.5, 0.7)
    D = nn.MLP([1, 16, 16, 1], rng=0)
    opt = optim.Adam(D.parameters(), lr=1e-2)
    for step in range(200):  # independent batches: a seed each
        opt.zero_grad()
        real, fake = P.sample(128, rng=2 * step).reshape(-1, 1), Q.sample(128, rng=2 * step + 1).reshape(-1, 1)
        losses.discriminator_cost(D(real), D(fake)).backward()
        opt.step()
    value, se = gt.gan.optimal.value_estimate(D, P, Q, n=20_000, rng=1)
    jsd = gt.js_divergence(P, Q)
    assert value <= -math.log(4) + 2 * jsd + 3 * se  # Theorem 1: V(D, G) <= V(D*, G)
    assert (value + math.log(4)) / 2 > 0.5 * jsd  # and a trained D gets most of the way


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(D="D"), TypeError, "D must be a callable"),
        (dict(P=np.zeros(3)), TypeError, "P must be a gantheory Distribution"),
        (dict(Q=gt.ring_of_gaussians(8)), ValueError, "one dimension"),
        (dict(n=1), ValueError, "at least 2"),
        (dict(D=lambda x: np.zeros(3)), ValueError, "one logit per point"),
    ],
)
def test_value_estimate_refuses_bad_input(kwargs, error, message):
    args = dict(D=lambda x: np.zeros(len(x)), P=gt.Normal(0, 1), Q=gt.Normal(1, 1), n=10)
    args.update(kwargs)
    with pytest.raises(error, match=message):
        gt.gan.optimal.value_estimate(args.pop("D"), args.pop("P"), args.pop("Q"), **args)


def test_smoothed_discriminator_approaches_the_soft_target_optimum_from_scipy_densities():
    import scipy.stats

    P, Q = gt.Normal(0.0, 1.0), gt.Normal(2.0, 1.0)
    for alpha, beta in ((0.9, 0.0), (0.8, 0.2)):
        fit = gt.gan.smoothed_discriminator(P, Q, real_label=alpha, fake_label=beta, steps=400, rng=1)
        p, q = scipy.stats.norm(0, 1).pdf(fit.x), scipy.stats.norm(2, 1).pdf(fit.x)
        assert np.allclose(fit.optimal, (alpha * p + beta * q) / (p + q), atol=1e-12, rtol=0)  # the formula
        assert fit.max_error < 0.06  # the trained MLP approaches it
        assert np.max(np.abs(fit.trained - p / (p + q))) > 0.08  # and not the unsmoothed p / (p + q)
        assert fit.optimal.min() >= beta and fit.optimal.max() <= alpha
    with pytest.raises(ValueError, match="real_label"):
        gt.gan.smoothed_discriminator(P, Q, real_label=1.5)


def test_perfect_discriminator_separates_parallel_lines_and_is_flat_on_both_supports():
    # independent truth: the supports' distances in closed form; D is 1 / 0 on them and constant nearby
    def to_segment(c):
        return lambda x: np.hypot(x[:, 0] - c, np.clip(x[:, 1], 0.0, 1.0) - x[:, 1])

    for theta in (0.05, 0.5, 2.0):
        D = gt.gan.perfect_discriminator(to_segment(0.0), to_segment(theta), margin=theta / 2)
        real, fake = gt.ParallelLines(0.0).sample(2000, rng=0), gt.ParallelLines(theta).sample(2000, rng=1)
        assert np.all(D(real) == 1.0) and np.all(D(fake) == 0.0)
        step = np.array([theta / 10, 0.0])
        assert np.all(D(real + step) == 1.0) and np.all(D(fake - step) == 0.0)
        mid = np.array([[theta / 2, 0.5]])  # halfway: d_P = d_Q, so D = S(1/2) = 1/2 by symmetry
        assert abs(float(D(mid)[0]) - 0.5) < 1e-15
    S = gt.gan.optimal.smooth_step
    t = np.linspace(0.01, 0.99, 99)
    assert np.allclose(S(t) + S(1 - t), 1.0, atol=1e-15)  # symmetric about 1/2
    assert np.all(np.diff(S(t[4:-4])) > 0)  # increasing (at the ends 1 - S underflows: equal floats)
    e = np.exp(-1 / 0.25)  # S(1/4) = f(1/4) / (f(1/4) + f(3/4)), f(u) = exp(-1/u)
    assert abs(S(0.25) - e / (e + np.exp(-4 / 3))) < 1e-15
    with pytest.raises(ValueError, match="margin"):
        gt.gan.perfect_discriminator(to_segment(0.0), to_segment(1.0), margin=-1.0)
