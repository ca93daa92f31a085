"""What each generator cost minimizes at D*: expected gradients by quadrature against central differences of exact divergences."""

import math

import numpy as np
import pytest

import gantheory as gt
from gantheory.gan import gradients
from gantheory.gan.gradients import CURVE_COSTS, effective_gradients, effective_objective

BIMODAL = gt.Mixture([gt.Normal(-3.0, 1.0), gt.Normal(3.0, 1.0)], weights=[0.4, 0.6])
UNEVEN = gt.Mixture([gt.Normal(-1.0, 0.3), gt.Laplace(2.0, 0.8)], weights=[0.7, 0.3])


@pytest.mark.parametrize(
    "P, mu, sigma",
    [
        (gt.Normal(0.0, 1.0), 1.0, 1.0),
        (gt.Normal(0.5, 2.0), -1.0, 0.7),
        (gt.Laplace(0.3, 0.7), -0.5, 1.3),
        (BIMODAL, 2.5, 1.2),  # near one mode
        (BIMODAL, 0.0, 3.0),  # covering both
        (UNEVEN, 0.4, 1.5),
    ],
    ids=["normal", "normal-wide", "laplace", "bimodal-one-mode", "bimodal-covering", "uneven-mixture"],
)
def test_expected_gradient_is_the_gradient_of_the_effective_objective(P, mu, sigma):
    r = effective_gradients(P, mu, sigma)
    for loss in CURVE_COSTS:
        scale = max(1.0, float(np.abs(r.objective_gradient[loss]).max()))
        assert r.error(loss) < 1e-6 * scale, (loss, r.expected_gradient[loss], r.objective_gradient[loss])
        assert r.objective[loss] == effective_objective(P, gt.Normal(mu, sigma), loss)


def test_agreement_improves_as_h_squared():
    """The difference is the central differences' truncation: a step 10 times smaller shrinks it about 100 times."""
    coarse, fine = effective_gradients(BIMODAL, 2.5, 1.2, h=1e-2), effective_gradients(BIMODAL, 2.5, 1.2, h=1e-3)
    for loss in CURVE_COSTS:
        assert np.allclose(coarse.expected_gradient[loss], fine.expected_gradient[loss], rtol=0, atol=1e-14)
        ratio = coarse.error(loss) / fine.error(loss)
        assert 30 < ratio < 300, (loss, ratio)


@pytest.mark.parametrize("mu, sigma", [(1.0, 1.0), (-0.7, 0.4), (2.0, 3.0)])
def test_maximum_likelihood_gradient_in_closed_form(mu, sigma):
    """P = N(0, 1): KL(P || N(mu, s)) = log s + (1 + mu^2) / (2 s^2) - 1/2, whose gradient is (mu / s^2, 1/s - (1 + mu^2) / s^3)."""
    r = effective_gradients(gt.Normal(0.0, 1.0), mu, sigma)
    truth = np.array([mu / sigma**2, 1 / sigma - (1 + mu**2) / sigma**3])
    assert np.allclose(r.expected_gradient["maximum_likelihood"], truth, rtol=1e-9, atol=1e-12)


def test_every_gradient_vanishes_at_the_target():
    r = effective_gradients(gt.Normal(0.3, 1.7), 0.3, 1.7)
    for loss in CURVE_COSTS:
        assert np.abs(r.expected_gradient[loss]).max() < 1e-10
        assert abs(r.objective[loss]) < 1e-12


def test_minimax_objective_is_the_value_at_the_optimal_discriminator():
    """2 JSD - log 4 = V(D*, G), integrated by separate code (gantheory.gan.optimal)."""
    Q = gt.Normal(1.0, 1.5)
    value = gt.gan.value_at_optimal_discriminator(BIMODAL, Q)
    assert abs(effective_objective(BIMODAL, Q, "minimax") - math.log(4) - value) < 1e-8


def test_non_saturating_objective_drops_a_mode():
    """Against 0.4 N(-3, 1) + 0.6 N(3, 1) the non-saturating objective is lower on the heavier mode than at the mode-covering fits."""
    covering = gt.Normal(0.6, math.sqrt(9.64))  # the maximum-likelihood (moment-matching) fit
    on_mode = gt.Normal(3.0, 1.0)
    assert (
        effective_objective(BIMODAL, on_mode, "non_saturating")
        < effective_objective(BIMODAL, covering, "non_saturating") - 0.3
    )
    assert (
        effective_objective(BIMODAL, on_mode, "maximum_likelihood")
        > effective_objective(BIMODAL, covering, "maximum_likelihood") + 1.0
    )
    r = effective_gradients(BIMODAL, 0.6, math.sqrt(9.64))
    assert (
        np.abs(r.expected_gradient["maximum_likelihood"]).max() < 1e-9
    )  # the ML fit is a stationary point of KL(P||Q)
    assert r.expected_gradient["non_saturating"][1] > 0.1  # but the non-saturating cost shrinks sigma there


def test_bad_input():
    with pytest.raises(TypeError, match="Normal, gt.Laplace or a gt.Mixture"):
        effective_gradients(gt.Uniform(0, 1), 0.5, 1.0)
    with pytest.raises(TypeError, match="Normal, gt.Laplace or a gt.Mixture"):
        effective_gradients(gt.Mixture([gt.Normal(0, 1), gt.Uniform(0, 1)]), 0.5, 1.0)
    with pytest.raises(ValueError, match="sigma must be positive"):
        effective_gradients(gt.Normal(0, 1), 0.0, 0.0)
    with pytest.raises(TypeError, match="mu must be a finite real"):
        effective_gradients(gt.Normal(0, 1), math.nan, 1.0)
    with pytest.raises(ValueError, match="h must be"):
        effective_gradients(gt.Normal(0, 1), 0.0, 1.0, h=0.5)
    with pytest.raises(ValueError, match="loss must be one of"):
        effective_objective(gt.Normal(0, 1), gt.Normal(1, 1), "wgan")
    assert gradients.EffectiveGradients is type(effective_gradients(gt.Normal(0, 1), 0.0, 1.0))
