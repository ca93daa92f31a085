"""The generator's cost curves against SymPy, finite differences and the losses; the vanishing-gradient experiment against its measured spread."""

import numpy as np
import pytest
from scipy.special import expit

import gantheory as gt
from gantheory import symbolic
from gantheory.autograd import Tensor
from gantheory.gan import gradients, losses


def test_the_experiments_are_reachable_from_gt_gan():
    for name in gradients.__all__:
        assert getattr(gt.gan, name) is getattr(gradients, name)


# -- the generator's cost curves -----------------------------------------------

MODERATE_LOGITS = np.linspace(-20.0, 20.0, 81)
MODERATE_D = np.linspace(0.01, 0.99, 99)


@pytest.mark.parametrize("cost", ["minimax", "non_saturating"])
def test_cost_curves_match_symbolic(cost):
    # SymPy's lambdified forms overflow at large logits: compared at moderate ones
    by_logit, by_d = (
        gradients.generator_cost_curves(logits=MODERATE_LOGITS),
        gradients.generator_cost_curves(d=MODERATE_D),
    )
    np.testing.assert_allclose(
        by_logit.cost[cost], symbolic.generator_cost(cost, "logit").numeric()(MODERATE_LOGITS), rtol=1e-12, atol=1e-14
    )
    np.testing.assert_allclose(
        by_logit.slope_logit[cost],
        symbolic.generator_cost_slope(cost, "logit").numeric()(MODERATE_LOGITS),
        rtol=1e-12,
        atol=1e-14,
    )
    np.testing.assert_allclose(by_d.cost[cost], symbolic.generator_cost(cost, "D").numeric()(MODERATE_D), rtol=1e-12)
    np.testing.assert_allclose(
        by_d.slope_d[cost], symbolic.generator_cost_slope(cost, "D").numeric()(MODERATE_D), rtol=1e-12
    )


@pytest.mark.parametrize("cost", gradients.CURVE_COSTS)
def test_cost_slopes_match_finite_differences(cost):
    h = 1e-6
    a = np.linspace(-8.0, 8.0, 33)
    fd = (
        gradients.generator_cost_curves(logits=a + h).cost[cost]
        - gradients.generator_cost_curves(logits=a - h).cost[cost]
    ) / (2 * h)
    np.testing.assert_allclose(gradients.generator_cost_curves(logits=a).slope_logit[cost], fd, rtol=1e-6, atol=1e-9)
    d = np.linspace(0.05, 0.95, 19)
    fd = (gradients.generator_cost_curves(d=d + h).cost[cost] - gradients.generator_cost_curves(d=d - h).cost[cost]) / (
        2 * h
    )
    np.testing.assert_allclose(gradients.generator_cost_curves(d=d).slope_d[cost], fd, rtol=1e-6)


@pytest.mark.parametrize("cost", gradients.CURVE_COSTS)
def test_cost_curves_agree_with_the_losses_and_their_autograd_gradient(cost):
    # losses.generator_cost is the batch mean of half the per-sample cost
    a = np.array([-30.0, -3.0, 0.0, 2.5, 30.0])
    curves = gradients.generator_cost_curves(logits=a)
    logits = Tensor(a, requires_grad=True)
    value = losses.generator_cost(logits, cost)
    value.backward()
    assert value.item() == pytest.approx(0.5 * curves.cost[cost].mean(), rel=1e-13)
    np.testing.assert_allclose(logits.grad, 0.5 * curves.slope_logit[cost] / a.size, rtol=1e-13)
    # the two routes, from D and from the logit, give the same curves
    by_d = gradients.generator_cost_curves(d=expit(MODERATE_LOGITS[20:61]))
    by_logit = gradients.generator_cost_curves(logits=MODERATE_LOGITS[20:61])
    for field in ("cost", "slope_d", "slope_logit"):
        np.testing.assert_allclose(getattr(by_d, field)[cost], getattr(by_logit, field)[cost], rtol=1e-9)


def test_cost_curves_are_finite_at_extreme_logits_and_show_the_saturation():
    curves = gradients.generator_cost_curves(logits=[-1000.0, 1000.0])
    for cost in ("minimax", "non_saturating"):
        assert np.isfinite(curves.cost[cost]).all() and np.isfinite(curves.slope_logit[cost]).all()
    np.testing.assert_array_equal(curves.slope_logit["minimax"], [-0.0, -1.0])  # -D: vanishes when D(G(z)) -> 0
    np.testing.assert_array_equal(curves.slope_logit["non_saturating"], [-1.0, -0.0])  # -(1 - D): strongest there
    np.testing.assert_array_equal(curves.cost["non_saturating"], [1000.0, 0.0])
    assert curves.cost["maximum_likelihood"][1] == -np.inf  # -e^1000 is beyond float64
    # where each slope in D leaves float64 (log of the largest float: 709.78; -(1 + e^a)^2 overflows at half of it)
    near = gradients.generator_cost_curves(logits=[354.88, 354.90, 709.78, 709.79])
    assert np.isfinite(near.slope_d["maximum_likelihood"]).tolist() == [True, False, False, False]
    assert np.isfinite(near.slope_d["minimax"]).tolist() == [True, True, True, False]
    assert np.isfinite(
        gradients.generator_cost_curves(logits=[-709.78, -709.79]).slope_d["non_saturating"]
    ).tolist() == [True, False]


def test_cost_curves_refuse_bad_input():
    with pytest.raises(ValueError, match="d or logits, not both"):
        gradients.generator_cost_curves(d=[0.5], logits=[0.0])
    with pytest.raises(ValueError, match="d must lie in the open interval"):
        gradients.generator_cost_curves(d=[0.0, 0.5])
    with pytest.raises(ValueError, match="logits contains NaN"):
        gradients.generator_cost_curves(logits=[np.nan])
    default = gradients.generator_cost_curves()
    assert default.logits[0] == -10.0 and default.logits[-1] == 10.0


def test_curve_costs_are_named_as_the_losses():
    assert set(gradients.CURVE_COSTS) <= set(losses.GENERATOR_COSTS)
    assert set(gradients.generator_cost_curves(logits=[0.0]).cost) == set(gradients.CURVE_COSTS)


# -- the vanishing gradient ----------------------------------------------------
# The bounds below hold for each of the 20 runs rng=0, n_runs=20 at these settings
# (benchmarks/vanishing_gradient_spread.py); the tests take the first 3 of those runs.


def test_vanishing_gradient_collapses_when_the_supports_are_nearly_disjoint():
    run = gradients.vanishing_gradient(n_runs=3)  # target N(0, 0.1²), generator N(2, 0.1²), 500 steps
    assert run.steps.tolist() == list(range(0, 501, 25)) and run.rng == 0 and run.n_runs == 3
    assert all(run.norms[cost].shape == (3, 21) for cost in gradients.VANISHING_COSTS)
    assert (run.d_fake[:, -1] < 1e-6).all()  # the discriminator gets near-perfect (20 runs: at most 1.5e-7)
    # Arjovsky & Bottou (2017), Fig. 2: the minimax gradient falls by orders of magnitude (20 runs: 4.1 to 7.5 orders)
    assert (run.decay("minimax") < 1e-4).all()
    assert (run.decay("maximum_likelihood") < 1e-4).all()  # 20 runs: 4.4 to 7.9 orders
    # the non-saturating gradient grows, as in their Fig. 3 (20 runs: 68 to 1,600 times)
    assert (run.decay("non_saturating") > 50).all()
    # the clipped critic's grows (20 runs: 3.8 to 50 times), then stays within 5% of its final size after step 50
    assert (run.decay("wgan") > 3).all()
    late = run.norms["wgan"][:, run.steps >= 50]
    assert (np.abs(late / late[:, -1:] - 1) < 0.05).all()
    # per sample the maximum-likelihood slope is the minimax one divided by 1 - D(G(z)) (generator_cost_curves):
    # as D(G(z)) -> 0 the two gradients agree, the ML one never smaller (20 runs: within 8.4e-6)
    ratio = run.norms["maximum_likelihood"][:, -1] / run.norms["minimax"][:, -1]
    assert (ratio >= 1 - 1e-12).all() and (ratio < 1 + 1e-4).all()
    assert run.log10_std("non_saturating").shape == (21,) and (run.log10_std("non_saturating")[1:] > 0).all()


def test_vanishing_gradient_does_not_collapse_when_the_laws_overlap():
    # generator N(0.2, 0.1²) against N(0, 0.1²): D* = sigmoid(2 - 20 x), no near-perfect discriminator exists
    run = gradients.vanishing_gradient(generator_loc=0.2, n_runs=3)
    assert (run.d_fake[:, -1] > 0.1).all()  # 20 runs: 0.18 to 0.33
    for cost in gradients.VANISHING_COSTS:  # every gradient grows (20 runs: minimax by 23 to 490 times)
        assert (run.decay(cost) > 5).all(), cost


def test_vanishing_gradient_does_not_collapse_with_a_slow_discriminator():
    # lr = 1e-3: after 500 steps the discriminator is far from D* (20 runs: D(G(z)) ends at 0.002 to 0.02)
    run = gradients.vanishing_gradient(lr=1e-3, n_runs=3)
    assert (run.d_fake[:, -1] > 1e-3).all()
    assert (run.decay("minimax") > 0.05).all()  # 20 runs: it falls by a factor 1.5 to 17 only


def test_vanishing_gradient_is_repeatable_and_its_runs_are_a_prefix():
    one, two = (gradients.vanishing_gradient(steps=20, log_every=10, rng=4, n_runs=n) for n in (1, 2))
    again = gradients.vanishing_gradient(steps=20, log_every=10, rng=np.int64(4), n_runs=1)
    other = gradients.vanishing_gradient(steps=20, log_every=10, rng=5, n_runs=1)
    for cost in gradients.VANISHING_COSTS:
        np.testing.assert_array_equal(one.norms[cost], again.norms[cost])
        np.testing.assert_array_equal(one.norms[cost][0], two.norms[cost][0])  # SeedSequence(rng).spawn: run 0 is run 0
        assert not np.array_equal(two.norms[cost][0], two.norms[cost][1])
        assert not np.array_equal(one.norms[cost], other.norms[cost])
    assert one.log10_std("minimax").tolist() == [0.0, 0.0, 0.0]  # one run: no spread


def test_vanishing_gradient_refuses_bad_input():
    with pytest.raises(ValueError, match="steps must be >= 1"):
        gradients.vanishing_gradient(steps=0)
    with pytest.raises(TypeError, match="steps must be an int"):
        gradients.vanishing_gradient(steps=2.5)
    with pytest.raises(TypeError, match="target must be a gantheory distribution"):
        gradients.vanishing_gradient(target=np.zeros(5))
    with pytest.raises(ValueError, match="target must be 1-D"):
        gradients.vanishing_gradient(target=gt.ring_of_gaussians(8))
    with pytest.raises(ValueError, match="n_runs must be >= 1"):
        gradients.vanishing_gradient(n_runs=0)
    for rng in (None, np.random.default_rng(0)):
        with pytest.raises(TypeError, match="rng must be an int seed"):
            gradients.vanishing_gradient(rng=rng)
    with pytest.raises(TypeError, match="seeds"):
        gradients.vanishing_gradient(seeds=(0, 1, 2))  # replaced by rng=0, n_runs=3


# -- the share of the slope carried by the top samples ----------------------------------


@pytest.mark.parametrize("mu", [1.0, 2.0])
@pytest.mark.parametrize("top", [0.01, 0.05])
def test_maximum_likelihood_share_matches_the_lognormal_closed_form(mu, top):
    # P = N(0, 1), Q = N(mu, 1): the logit of D* is a = -mu x + mu²/2, so the ML slope e^a = p/q is lognormal on Q and
    # the share of E[e^a] carried by the top fraction (the smallest z) is Φ(mu - Φ^{-1}(1 - top)) (a Gaussian tilt).
    from scipy.special import ndtr, ndtri

    n = 200_000
    x = mu + ndtri((np.arange(n) + 0.5) / n)  # a quantile grid of Q: a deterministic quadrature
    share = gradients.slope_share(-mu * x + mu**2 / 2, "maximum_likelihood", top)
    assert share == pytest.approx(ndtr(mu - ndtri(1 - top)), abs=0.003)


def test_non_saturating_share_is_below_the_fraction():
    # -(1 - D) is smallest where D is largest: the top samples by D carry less than their number
    x = 2.0 + np.random.default_rng(0).standard_normal(10_000)
    logits = -2.0 * x + 2.0
    assert gradients.slope_share(logits, "non_saturating", 0.01) < 0.01
    assert gradients.slope_share(logits, "maximum_likelihood", 0.01) > 0.1
    assert gradients.slope_share(logits, "minimax", 1.0) == pytest.approx(1.0)


def test_slope_share_refuses_bad_input():
    with pytest.raises(ValueError, match="loss must be one of"):
        gradients.slope_share([0.0, 1.0], "wgan")
    with pytest.raises(ValueError, match="top must be a fraction"):
        gradients.slope_share([0.0, 1.0], top=0.0)
    with pytest.raises(ValueError, match="logits contains NaN"):
        gradients.slope_share([np.nan, 1.0])
