"""A critic trained on the batch biases the energy-distance generator gradient (Bińkowski et al. 2018); a fixed one does not."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize
from scipy.special import ndtr

import gantheory as gt
from gantheory.gan.critics import _feature_energy, learned_critic_gradients


def _energy_of_features(theta, c):
    """Independent truth for P = N(0, 1), Q = N(theta, 1), h = tanh(x - c): 2 int (F - G)^2 h'(x) dx by SciPy."""
    return (
        2
        * integrate.quad(
            lambda x: (ndtr(x) - ndtr(x - theta)) ** 2 / math.cosh(x - c) ** 2,
            -40,
            40,
            epsabs=1e-14,
            epsrel=1e-12,
            limit=200,
        )[0]
    )


def _eta(theta):
    return -optimize.minimize_scalar(
        lambda c: -_energy_of_features(theta, c), bounds=(-3, 3 + theta), method="bounded", options={"xatol": 1e-10}
    ).fun


def test_population_gradient_is_the_derivative_of_the_max_over_critics():
    r = learned_critic_gradients(gt.Normal(0, 1), gt.Normal(0, 1), [0.3, 1.2], m=4, n_batches=2, rng=0)
    assert np.allclose(r.center, [0.15, 0.6], atol=1e-6)  # c* = theta / 2 by symmetry
    h = 1e-4
    for t, grad in zip(r.theta, r.population_grad):
        assert abs(grad - (_eta(t + h) - _eta(t - h)) / (2 * h)) < 1e-6


def test_fixed_features_energy_is_unbiased():
    """E over batches of the U-statistic at a fixed centre equals 2 int (F - G)^2 h' (the identity behind the population values)."""
    rng = np.random.default_rng(1)
    x, z = rng.standard_normal((20000, 5)), rng.standard_normal((20000, 5))
    est = _feature_energy(x, 0.8 + z, np.array([0.4, -1.0]), 1.0)
    mean, se = est.mean(axis=0), est.std(axis=0, ddof=1) / math.sqrt(est.shape[0])
    truth = np.array([_energy_of_features(0.8, 0.4), _energy_of_features(0.8, -1.0)])
    assert np.all(np.abs(mean - truth) < 4 * se)


@pytest.mark.slow
def test_the_bias_returns_with_a_critic_trained_on_the_batch():
    """Seeded (rng=0), 3000 batches of m = 8: fixed critic within 3 s.e.; trained critic's gradient 4+ paired s.e. too small."""
    r = learned_critic_gradients(gt.Normal(0, 1), gt.Normal(0, 1), [0.25, 0.5, 1.0], m=8, n_batches=3000, rng=0)
    assert np.all(np.abs(r.fixed_grad - r.population_grad) < 3 * r.fixed_grad_se)
    assert np.all(r.bias < -4 * r.bias_se)
    assert np.all(r.learned_grad < r.population_grad)
    # the paired bias is the learned critic's error against d eta / d theta, computed here independently
    # (SciPy quadrature, the max over c, central differences): learned - eta' is the bias up to the fixed
    # critic's Monte Carlo error
    h = 1e-4
    eta_prime = np.array([(_eta(t + h) - _eta(t - h)) / (2 * h) for t in r.theta])
    assert np.all(np.abs(r.learned_grad - eta_prime - r.bias) < 3 * r.fixed_grad_se)
    assert np.all(r.learned_center_sd > 1.0)  # the trained centres scatter far from c*


@pytest.mark.slow
def test_other_laws_fixed_critic_stays_unbiased():
    """A Laplace target and a uniform generator: no symmetry to lean on; the fixed critic's gradient is still unbiased."""
    r = learned_critic_gradients(
        gt.Laplace(0.2, 0.7), gt.Uniform(-1, 1), [0.4, 1.5], m=6, width=0.5, n_batches=2000, rng=3
    )
    assert np.all(np.abs(r.fixed_grad - r.population_grad) < 4 * r.fixed_grad_se)
    assert np.all(np.isfinite(r.center)) and np.all(r.bias_se > 0)


def test_bad_input():
    P = gt.Normal(0, 1)
    with pytest.raises(ValueError, match="m must be at least 2"):
        learned_critic_gradients(P, P, [0.5], m=1)
    with pytest.raises(ValueError, match="width must be a positive number"):
        learned_critic_gradients(P, P, [0.5], m=4, width=0.0)
    with pytest.raises(ValueError, match="n_grid must be at least 5"):
        learned_critic_gradients(P, P, [0.5], m=4, n_grid=3)
    with pytest.raises(TypeError, match="P must be a 1-D gantheory distribution with a density"):
        learned_critic_gradients(gt.Dirac(0.0), P, [0.5], m=4)
    with pytest.raises(TypeError, match="base must be"):
        learned_critic_gradients(P, gt.Mixture([gt.Normal(0, 1), gt.Dirac(1.0)]), [0.5], m=4)
