"""The GAN costs against their closed forms (SciPy's stable log_expit/expit), at logits up to ±1000."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, log_expit

import gantheory as gt
from gantheory.autograd import Tensor, check_grads, nn, ops
from gantheory.gan import losses

REAL = np.array([-1000.0, -3.0, 0.0, 0.5, 1000.0])
FAKE = np.array([1000.0, 2.0, -0.25, -1000.0])
MODERATE = np.array([-2.0, -0.3, 0.0, 0.7, 1.9])


def value_and_gradients(f, *arrays):
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out = f(*tensors)
    out.backward()
    return out.item(), [t.grad for t in tensors]


def test_discriminator_cost_matches_cross_entropy_at_extreme_logits():
    value, (g_real, g_fake) = value_and_gradients(losses.discriminator_cost, REAL, FAKE)
    # J = -1/2 E log D(x) - 1/2 E log(1 - D(G(z))), D = expit(logit); log(1 - expit(l)) = log_expit(-l)
    expected = -0.5 * log_expit(REAL).mean() - 0.5 * log_expit(-FAKE).mean()
    assert np.isfinite(value) and value == pytest.approx(expected, rel=1e-14)
    # dJ/dl_real = -1/2 (1 - D) / n,  dJ/dl_fake = 1/2 D / n
    np.testing.assert_allclose(g_real, -0.5 * expit(-REAL) / REAL.size, rtol=1e-14)
    np.testing.assert_allclose(g_fake, 0.5 * expit(FAKE) / FAKE.size, rtol=1e-14)


@pytest.mark.parametrize(
    "loss, closed_form, slope",
    [
        # value as a function of the logits l, and dL/dl for one entry (times n)
        ("minimax", lambda l: 0.5 * log_expit(-l).mean(), lambda l: -0.5 * expit(l)),
        ("non_saturating", lambda l: -0.5 * log_expit(l).mean(), lambda l: -0.5 * expit(-l)),
        ("least_squares", lambda l: 0.5 * ((l - 1) ** 2).mean(), lambda l: l - 1),
    ],
)
def test_generator_cost_matches_closed_form_at_extreme_logits(loss, closed_form, slope):
    value, (g,) = value_and_gradients(lambda f: losses.generator_cost(f, loss), FAKE)
    assert np.isfinite(value) and value == pytest.approx(closed_form(FAKE), rel=1e-14)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, slope(FAKE) / FAKE.size, rtol=1e-14)


def test_maximum_likelihood_cost_is_minus_half_the_odds():
    # Goodfellow (2016) eq. (3.2.3): L = -1/2 E exp(sigma^-1(D)) = -1/2 E D / (1 - D),
    # with 1 - D = expit(-logit) computed without cancellation
    logits = np.array([-1000.0, -3.0, 0.0, 2.0, 30.0])
    value, (g,) = value_and_gradients(lambda f: losses.generator_cost(f, "maximum_likelihood"), logits)
    assert value == pytest.approx(-0.5 * np.mean(expit(logits) / expit(-logits)), rel=1e-12)
    np.testing.assert_allclose(g, -0.5 * np.exp(logits) / logits.size, rtol=1e-12)
    assert g[0] == 0.0  # at -1000: exp underflows to 0, value and gradient finite


def test_maximum_likelihood_cost_overflows_to_minus_infinity_as_its_true_value_does():
    # e^1000 is beyond float64: the honest answer is -inf, not a clipped number
    with np.errstate(over="ignore"):
        value = losses.generator_cost(Tensor(np.array([1000.0])), "maximum_likelihood").item()
    assert value == -np.inf


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_maximum_likelihood_overflow_thresholds_are_the_documented_ones(dtype):
    # e^l overflows beyond log(max float): 709.78 in float64, 88.72 in float32 (the thresholds the docstring gives)
    threshold = np.log(np.finfo(dtype).max)
    assert round(float(threshold), 2) == {np.float64: 709.78, np.float32: 88.72}[dtype]
    documented = f"{threshold:.2f}"
    assert documented in losses.generator_cost.__doc__
    below, above = np.array([threshold - 0.01], dtype=dtype), np.array([threshold + 0.01], dtype=dtype)
    with np.errstate(over="ignore"):
        assert np.isfinite(losses.generator_cost(Tensor(below), "maximum_likelihood").item())
        assert losses.generator_cost(Tensor(above), "maximum_likelihood").item() == -np.inf


@settings(max_examples=40)
@given(st.lists(st.floats(-1000, 1000), min_size=1, max_size=8))
def test_non_saturating_plus_minimax_is_minus_half_the_mean_logit(logits):
    # -1/2 log D + 1/2 log(1 - D) = -1/2 log(D / (1 - D)) = -1/2 logit
    f = Tensor(np.array(logits))
    total = losses.generator_cost(f, "non_saturating") + losses.generator_cost(f, "minimax")
    assert total.item() == pytest.approx(-0.5 * np.mean(logits), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("loss", losses.GENERATOR_COSTS)
def test_generator_costs_pass_the_gradient_check(loss):
    check_grads(lambda f: losses.generator_cost(f, loss), MODERATE, order=2)


def test_discriminator_costs_pass_the_gradient_check():
    check_grads(losses.discriminator_cost, MODERATE, MODERATE[::-1] + 0.1, order=2)
    check_grads(losses.least_squares_discriminator_cost, MODERATE, MODERATE[:3], order=2)
    check_grads(losses.wasserstein_critic_cost, MODERATE, MODERATE[:3], order=1)


def test_least_squares_discriminator_cost_matches_mao_et_al():
    # J = 1/2 E (D(x) - 1)^2 + 1/2 E (D(G(z)) - 0)^2 (0-1 coding)
    value = losses.least_squares_discriminator_cost(Tensor(REAL), Tensor(FAKE)).item()
    assert value == pytest.approx(0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE**2), rel=1e-14)


def test_wasserstein_costs_are_differences_of_means():
    assert losses.wasserstein_critic_cost(Tensor(REAL), Tensor(FAKE)).item() == pytest.approx(FAKE.mean() - REAL.mean())
    assert losses.wasserstein_generator_cost(Tensor(FAKE)).item() == pytest.approx(-FAKE.mean())


def test_clip_weights_clips_every_parameter_and_keeps_small_ones():
    critic = nn.MLP([2, 8, 1], rng=0)
    critic.layers[0].weight.data[0, 0] = 0.005
    losses.clip_weights(critic, c=0.01)
    for p in critic.parameters():
        assert np.all(np.abs(p.data) <= 0.01)
    assert critic.layers[0].weight.data[0, 0] == 0.005
    with pytest.raises(ValueError, match="c must be > 0"):
        losses.clip_weights(critic, c=0.0)


class LinearCritic(nn.Module):
    def __init__(self, w):
        self.w = Tensor(np.asarray(w, dtype=float), requires_grad=True)

    def forward(self, x):
        return x @ self.w


@pytest.mark.parametrize("w", [[3.0, 4.0], [0.3, -0.4], [0.6, 0.8]])
def test_gradient_penalty_of_a_linear_critic_is_exact(w):
    # f(x) = w.x has input gradient w everywhere: GP = lambda (||w|| - 1)^2 whatever the interpolates,
    # and dGP/dw = 2 lambda (||w|| - 1) w / ||w|| (a double backward)
    w = np.array(w)
    critic = LinearCritic(w)
    rng = np.random.default_rng(1)
    penalty = losses.gradient_penalty(critic, rng.normal(size=(7, 2)), rng.normal(size=(7, 2)), rng=1, weight=10.0)
    norm = np.linalg.norm(w)
    assert penalty.item() == pytest.approx(10.0 * (norm - 1) ** 2, rel=1e-13, abs=1e-15)
    penalty.backward()
    np.testing.assert_allclose(critic.w.grad, 20.0 * (norm - 1) * w / norm, rtol=1e-12, atol=1e-15)


class QuadraticCritic(nn.Module):
    def __init__(self, a):
        self.a = Tensor(np.array(a), requires_grad=True)

    def forward(self, x):
        return 0.5 * self.a * ops.sum(x * x, axis=1)


def test_gradient_penalty_of_a_quadratic_critic_is_exact():
    # f(x) = a ||x||^2 / 2: grad f = a x. With real = fake the interpolate is x itself:
    # GP = lambda mean (a ||x|| - 1)^2, dGP/da = lambda mean 2 (a ||x|| - 1) ||x||
    x = np.random.default_rng(2).normal(size=(9, 3))
    r = np.linalg.norm(x, axis=1)
    critic = QuadraticCritic(0.7)
    penalty = losses.gradient_penalty(critic, x, x, rng=0, weight=10.0)
    assert penalty.item() == pytest.approx(10.0 * np.mean((0.7 * r - 1) ** 2), rel=1e-13)
    penalty.backward()
    assert float(critic.a.grad) == pytest.approx(10.0 * np.mean(2 * (0.7 * r - 1) * r), rel=1e-12)


def test_gradient_penalty_in_one_dimension_uses_the_absolute_slope():
    critic = LinearCritic(np.array(-2.0))  # f(x) = -2 x on samples of shape (n,)
    critic.forward = lambda x: x * critic.w
    penalty = losses.gradient_penalty(critic, np.zeros(5), np.ones(5), rng=0, weight=1.0)
    assert penalty.item() == pytest.approx(1.0)  # (|-2| - 1)^2


def test_gradient_penalty_takes_one_dimensional_batches_with_a_module_critic():
    # f(x) = w x + b on samples of shape (n,): the Module sees them as (n, 1); GP = lambda (|w| - 1)^2 exactly,
    # dGP/dw = 2 lambda (|w| - 1) sign(w)
    critic = nn.Linear(1, 1, rng=0)
    critic.weight.data[:] = -2.5
    rng = np.random.default_rng(3)
    penalty = losses.gradient_penalty(critic, rng.normal(size=6), rng.normal(size=6), rng=0, weight=10.0)
    assert penalty.item() == pytest.approx(10.0 * 1.5**2, rel=1e-14)
    penalty.backward()
    assert float(critic.weight.grad[0, 0]) == pytest.approx(20.0 * 1.5 * -1.0, rel=1e-13)
    # and the same batches as (n, 1) give the same penalty
    rng = np.random.default_rng(3)
    as_columns = losses.gradient_penalty(critic, rng.normal(size=(6, 1)), rng.normal(size=(6, 1)), rng=0, weight=10.0)
    assert as_columns.item() == penalty.item()


def test_gradient_penalty_rejects_batches_of_different_shapes():
    with pytest.raises(ValueError, match="same shape"):
        losses.gradient_penalty(LinearCritic([1.0, 1.0]), np.zeros((3, 2)), np.zeros((4, 2)), rng=0)


def test_cramer_costs_match_algorithm_1_on_hand_made_features():
    # Bellemare et al. (2017), Algorithm 1, with h the identity on 2-D features
    r = np.array([[0.0, 0.0], [1.0, 1.0]])
    g = np.array([[3.0, 4.0], [1.0, 1.0]])
    g2 = np.array([[0.0, 4.0], [1.0, 2.0]])
    n = np.linalg.norm
    L_g = n(r - g, axis=1) + n(r - g2, axis=1) - n(g - g2, axis=1)
    assert losses.cramer_generator_cost(Tensor(r), Tensor(g), Tensor(g2)).item() == pytest.approx(L_g.mean())
    f = lambda x: n(x - g2, axis=1) - n(x, axis=1)  # the critic of Algorithm 1
    surrogate = f(r) - f(g)
    assert losses.cramer_critic_cost(Tensor(r), Tensor(g), Tensor(g2)).item() == pytest.approx(-surrogate.mean())


def test_cramer_costs_pass_the_gradient_check():
    rng = np.random.default_rng(3)
    r, g, g2 = (rng.normal(size=(4, 3)) for _ in range(3))  # away from zero norms (kinks)
    check_grads(losses.cramer_generator_cost, r, g, g2, order=2)
    check_grads(losses.cramer_critic_cost, r, g, g2, order=2)


def test_cramer_generator_cost_estimates_the_energy_distance():
    # E L_g = 2 E|X - Y| - E|Y - Y'| = E(P, Q) + E|X - X'|, and E|X - X'| = 2 / sqrt(pi) for N(0, 1).
    # Tolerance: 5 standard errors of the mean of the n i.i.d. per-row terms.
    P, Q, n = gt.Normal(0, 1), gt.Normal(1, 1), 200_000
    r, g, g2 = (D.sample(n, rng=seed).reshape(-1, 1) for D, seed in ((P, 4), (Q, 5), (Q, 6)))  # independent seeds
    rows = np.abs(r - g) + np.abs(r - g2) - np.abs(g - g2)
    value = losses.cramer_generator_cost(Tensor(r), Tensor(g), Tensor(g2)).item()
    expected = gt.energy_distance(P, Q) + 2 / np.sqrt(np.pi)
    assert abs(value - expected) < 5 * rows.std() / np.sqrt(n)


def test_cramer_gradient_penalty_runs_on_the_critic_function():
    rng = np.random.default_rng(5)
    h = nn.MLP([2, 8, 4], rng=0)
    anchor = h(rng.normal(size=(6, 2)))
    penalty = losses.gradient_penalty(
        lambda x: losses.cramer_critic(h(x), anchor), rng.normal(size=(6, 2)), rng.normal(size=(6, 2)), rng=5
    )
    penalty.backward()
    assert np.isfinite(penalty.item()) and all(np.all(np.isfinite(p.grad)) for p in h.parameters())


def test_unknown_generator_cost_names_the_argument():
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.generator_cost(Tensor(np.zeros(2)), "wasserstein")
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.generator_cost(Tensor(np.zeros(2)), "nsgan")  # old names are gone, no aliases


def test_generator_costs_default_is_the_non_saturating_one():
    f = Tensor(MODERATE)
    assert losses.generator_cost(f).item() == losses.generator_cost(f, "non_saturating").item()


def test_registry_lists_every_loss_with_its_extras():
    assert set(losses.LOSSES) == {
        "minimax",
        "non_saturating",
        "maximum_likelihood",
        "least_squares",
        "wgan",
        "wgan_gp",
        "cramer",
    }
    assert losses.LOSSES["wgan"].clip == 0.01 and losses.LOSSES["wgan_gp"].gradient_penalty == 10.0
    assert losses.LOSSES["cramer"].two_generator_batches
    f = Tensor(MODERATE)
    assert losses.LOSSES["minimax"].generator_cost(f).item() == losses.generator_cost(f, "minimax").item()


def test_minus_the_discriminator_cost_at_d_star_is_jsd_minus_log_2():
    # J = -V/2, V(D*, G) = -log 4 + 2 JSD, so -J(D*) = -log 2 + JSD. Truth: the exact JSD of gt.js_divergence.
    # D*'s logits from gt.gan.optimal_discriminator on quantile points of P and Q (a midpoint rule in u for each
    # expectation of the cost), n = 20000 points. The rule's error shrinks like 1/n (the tails): 4.5e-6 here, 1.1e-6 at
    # n = 80000; the tolerance 2e-5 is 10^4 times smaller than the gap to the old statement -log 4 + 2 JSD.
    P, Q = gt.Normal(0.0, 1.0), gt.Normal(1.5, 0.7)
    D = gt.gan.optimal_discriminator(P, Q)
    u = (np.arange(20_000) + 0.5) / 20_000
    real, fake = D.logit(P.ppf(u)), D.logit(Q.ppf(u))
    minus_J = -losses.discriminator_cost(Tensor(real), Tensor(fake)).item()
    assert minus_J == pytest.approx(-np.log(2) + gt.js_divergence(P, Q), abs=2e-5)
    assert abs(minus_J - (-np.log(4) + 2 * gt.js_divergence(P, Q))) > 0.1  # the old statement is not what holds


def test_maximum_likelihood_cost_at_d_star_has_half_the_gradient_of_kl():
    # Q_theta = N(theta, 1) = law of theta + z. At D* of (P, Q_theta0) the logit is log p - log q_theta0, so the ML
    # cost is -1/2 E exp(logit(theta + z)), whose theta-derivative at theta0 is 1/2 d/dtheta KL(P || Q_theta):
    # compared with central differences of the exact KL (gt.kl) -- an independent truth.
    P, theta0, h = gt.Normal(0.4, 0.8), 1.1, 1e-5
    z = gt.Normal(0, 1).ppf(
        (np.arange(20_000) + 0.5) / 20_000
    )  # quantile points of N(0, 1): E over z by the midpoint rule

    def logit(x):  # log p(x) - log q_theta0(x) for the two normals, as autograd operations in x
        return -((x - P.loc) ** 2) / (2 * P.scale**2) - np.log(P.scale) + (x - theta0) ** 2 / 2

    theta = Tensor(np.array(theta0), requires_grad=True)
    cost = losses.generator_cost(logit(theta + z), "maximum_likelihood")
    cost.backward()
    d_kl = (gt.kl(P, gt.Normal(theta0 + h, 1.0)) - gt.kl(P, gt.Normal(theta0 - h, 1.0))) / (2 * h)
    assert float(theta.grad) == pytest.approx(0.5 * d_kl, rel=1e-5)
    assert cost.item() == pytest.approx(
        -0.5, rel=1e-5
    )  # E_Q[p/q] = 1: the cost is -1/2 at D* (midpoint rule: 2e-6 off)
