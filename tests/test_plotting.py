"""Every plotting function returns a labelled Figure, for its default data and for data given to it, and refuses bad input."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

import gantheory as gt
from gantheory import plotting


def assert_labelled(fig):
    """A Figure whose every data axes has both axis labels, a title (its own or the figure's) and whose figure has a legend."""
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert axes
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel(), f"unlabelled axes: {ax.get_title()!r}"
        assert ax.get_title() or suptitle
    assert any(ax.get_legend() is not None for ax in axes) or fig.legends
    fig.savefig(__import__("io").BytesIO(), format="png")  # it draws


# -- 1. parallel lines ------------------------------------------------------------------

def test_parallel_lines_default_and_given_sweep():
    assert_labelled(plotting.plot_parallel_lines())
    sweep = gt.gan.parallel_lines_sweep([-1.0, -0.25, 0.0, 0.25, 1.0])
    fig = plotting.plot_parallel_lines(sweep)
    assert_labelled(fig)
    # The W1 curve drawn is |θ| (Arjovsky et al., Example 1), not some other quantity.
    w1 = next(line for line in fig.axes[0].get_lines() if line.get_label() == "W1")
    np.testing.assert_allclose(w1.get_ydata(), np.abs(w1.get_xdata()))


def test_parallel_lines_draws_infinite_kl_at_the_top_edge():
    fig = plotting.plot_parallel_lines(theta=[-0.5, 0.0, 0.5])
    kl = next(line for line in fig.axes[0].get_lines() if line.get_label().startswith("KL"))
    y = np.asarray(kl.get_ydata(), dtype=float)
    assert np.isfinite(y[~np.isnan(y)]).all() and np.nanmax(y) > math.log(2)


def test_parallel_lines_refuses_bad_sweeps():
    with pytest.raises(TypeError, match="theta"):
        plotting.plot_parallel_lines({"w1": [1.0]})
    sweep = gt.gan.parallel_lines_sweep([0.0, 0.5])
    bad = {k: getattr(sweep, k) for k in sweep.__dataclass_fields__} | {"w1": np.array([0.0, np.nan])}
    with pytest.raises(ValueError, match="w1"):
        plotting.plot_parallel_lines(bad)


# -- 2. exact vs empirical --------------------------------------------------------------

def test_estimator_errors_are_errors_against_the_exact_values():
    errors = plotting.estimator_errors(sizes=[50, 100], repeats=1, rng=3)
    # Exact values of the problems: KL(N(0,1)||N(1,1)) = 1/2 (closed form), W1 = |1 - 0|.
    assert errors["kNN KL (1-D)"]["exact"] == pytest.approx(0.5)
    assert errors["sample W1 (2-D)"]["exact"] == pytest.approx(1.0)
    # Re-draw the same samples (same generator stream) and check the first recorded error by hand.
    gen = np.random.default_rng(3)
    x, y = gt.Normal(0, 1).sample(50, rng=gen), gt.Normal(1, 1).sample(50, rng=gen)
    assert errors["kNN KL (1-D)"]["errors"][0] == pytest.approx(abs(gt.empirical.kl(x, y) - 0.5))
    assert_labelled(plotting.plot_estimator_errors(errors))


def test_estimator_errors_rate_of_a_power_law():
    # A made-up error curve c n^-1/2 must be drawn with the rate -0.50 in its legend.
    n = np.array([10.0, 100.0, 1000.0])
    fig = plotting.plot_estimator_errors({"toy (1-D)": {"sizes": n, "errors": 3 * n**-0.5}})
    assert_labelled(fig)
    assert any("n^-0.50" in t.get_text() for t in fig.axes[0].get_legend().get_texts())


@pytest.mark.slow
def test_estimator_errors_default():
    assert_labelled(plotting.plot_estimator_errors())


@pytest.mark.parametrize("bad, error", [([], TypeError), ({"a": {"sizes": [1, 2]}}, TypeError), ({"a": {"sizes": [1, 2], "errors": [1.0]}}, ValueError)])
def test_estimator_errors_refuses_bad_input(bad, error):
    with pytest.raises(error):
        plotting.plot_estimator_errors(bad)
    with pytest.raises(ValueError, match="sizes"):
        plotting.estimator_errors(sizes=[100, 50])


# -- 3. MLE = KL ----------------------------------------------------------------------------

def test_mle_is_kl_default_and_given_data():
    assert_labelled(plotting.plot_mle_is_kl())
    run = gt.mle.mle_convergence(gt.Normal(0, 2), sizes=[10, 100, 1000], rng=1)
    fig = plotting.plot_mle_is_kl(x=[0, 1, 1, 1], thetas=np.linspace(0.1, 0.9, 9), convergence=run)
    assert_labelled(fig)
    # The NLL curve is the Bernoulli average NLL -(k log θ + (n-k) log(1-θ))/n, k = 3, n = 4.
    nll = fig.axes[0].get_lines()[0]
    theta = nll.get_xdata()
    np.testing.assert_allclose(nll.get_ydata(), -(3 * np.log(theta) + np.log1p(-theta)) / 4, rtol=1e-12)


@pytest.mark.parametrize("kwargs", [dict(x=[0, 2]), dict(thetas=[0.0, 0.5]), dict(convergence={"sizes": [1, 2]})])
def test_mle_is_kl_refuses_bad_input(kwargs):
    with pytest.raises((ValueError, TypeError)):
        plotting.plot_mle_is_kl(**kwargs)


# -- 4. projections ---------------------------------------------------------------------------

@pytest.mark.slow
def test_projections_default():
    assert_labelled(plotting.plot_projections())


def test_projections_given_fits():
    P = gt.Mixture([gt.Normal(-2, 0.5), gt.Normal(2, 0.5)])
    fig = plotting.plot_projections(P, {"forward KL": gt.mle.kl_projection(P), "a guess": gt.Normal(0, 1)})
    assert_labelled(fig)
    # The forward-KL fit drawn is the moment match: mean 0, variance 4 + 0.25 (the mixture's).
    assert any("N(0.00, 2.06²)" in t.get_text() for t in fig.axes[0].get_legend().get_texts())


def test_projections_refuse_bad_input():
    with pytest.raises(TypeError, match="P"):
        plotting.plot_projections(gt.ring_of_gaussians(8), {"x": gt.Normal()})
    with pytest.raises(TypeError, match="fits"):
        plotting.plot_projections(None, {"x": 3.0})


# -- 6. generator costs ----------------------------------------------------------------------------

def test_generator_costs_default_and_given_curves():
    assert_labelled(plotting.plot_generator_costs())
    curves = gt.gan.generator_cost_curves(logits=np.linspace(-5, 5, 11))
    fig = plotting.plot_generator_costs(curves)
    assert_labelled(fig)
    # The minimax slope in the logit is -D = -sigmoid(a) (Goodfellow 2016, section 3.2.3): drawn as its magnitude.
    minimax = fig.axes[2].get_lines()[0]
    np.testing.assert_allclose(minimax.get_ydata(), 1 / (1 + np.exp(-minimax.get_xdata())), rtol=1e-12)


def test_generator_costs_refuse_bad_input():
    with pytest.raises(TypeError):
        plotting.plot_generator_costs({"d": [0.1, 0.2]})
