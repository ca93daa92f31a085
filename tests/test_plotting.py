"""Every plotting function returns a labelled Figure for the data given to it, draws that data, says what the data
show in its titles, and refuses bad or missing input.

The figures take data and never compute it, so most tests feed small data made here, with the expected curves and
titles computed here from it; where a test runs an experiment, it is at a tiny size.
"""

import math
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.figure import Figure

import gantheory as gt
from gantheory import plotting
from gantheory.divergences import rates

MC = gt.gan.mode_coverage  # the ring figures count modes with it (plotting imports nothing from gantheory.gan)


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


def test_parallel_lines_given_sweep():
    sweep = gt.gan.parallel_lines_sweep([-1.0, -0.25, 0.0, 0.25, 1.0])
    fig = plotting.plot_parallel_lines(sweep)
    assert_labelled(fig)
    # The W1 curve drawn is |θ| (Arjovsky et al., Example 1), not some other quantity.
    w1 = next(line for line in fig.axes[0].get_lines() if line.get_label() == "W1")
    np.testing.assert_allclose(w1.get_ydata(), np.abs(w1.get_xdata()))


def test_parallel_lines_draws_infinite_kl_as_infinite_not_as_a_number():
    fig = plotting.plot_parallel_lines(gt.gan.parallel_lines_sweep([-0.5, 0.0, 0.5]))
    left = fig.axes[0]
    # No KL curve at a finite height: its only drawn point is KL = 0 at θ = 0; +∞ is a labelled band above the scale.
    kl_lines = [
        line
        for line in left.get_lines()
        if line.get_color() == plotting.curve_style(0)["color"] and len(line.get_xdata())
    ]
    assert [(list(line.get_xdata()), list(line.get_ydata())) for line in kl_lines] == [([0.0], [0.0])]
    finite_top = max(np.nanmax(line.get_ydata()) for line in left.get_lines() if len(line.get_ydata()))
    (band,) = left.patches
    assert band.get_y() > finite_top and band.get_y() + band.get_height() == pytest.approx(left.get_ylim()[1])
    assert any("= +∞ for θ ≠ 0" in text.get_text() for text in left.texts)
    arrows = [a for a in left.texts if getattr(a, "arrow_patch", None) is not None]
    assert arrows and all(a.xy[1] > a.xyann[1] for a in arrows)  # pointing up, off the scale
    assert all(a.xy[0] != 0.0 for a in arrows)  # none where KL = 0


def test_parallel_lines_shows_the_cramer_slope_growing_like_sqrt_log():
    sweep = gt.gan.parallel_lines_sweep(np.linspace(-1.0, 1.0, 201))
    fig = plotting.plot_parallel_lines(sweep)
    right = fig.axes[1]
    (entry,) = right.get_legend().get_texts()
    assert "√log(1/|θ|)" in entry.get_text() and "∞" in entry.get_text()
    growth = [line for line in right.get_lines() if line.get_color() == "0.25"]
    assert len(growth) == 2
    for line in growth:  # y = sign(θ) sqrt(log(1/|θ|)), up to the top of the axes (beyond the sweep's largest slope)
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        np.testing.assert_allclose(y, np.sign(x) * np.sqrt(np.log(1 / np.abs(x))), rtol=1e-12)
        assert np.max(np.abs(y)) == pytest.approx(right.get_ylim()[1])
        assert np.max(np.abs(y)) > np.nanmax(np.abs(sweep.d_cramer))


def test_parallel_lines_refuses_bad_sweeps():
    with pytest.raises(TypeError, match="theta"):
        plotting.plot_parallel_lines({"w1": [1.0]})
    sweep = gt.gan.parallel_lines_sweep([0.0, 0.5])
    bad = {k: getattr(sweep, k) for k in sweep.__dataclass_fields__} | {"w1": np.array([0.0, np.nan])}
    with pytest.raises(ValueError, match="w1"):
        plotting.plot_parallel_lines(bad)


# -- 2. exact vs empirical --------------------------------------------------------------


def _power_laws(repeats=None):
    """Made-up RMS errors c n^r, one row per estimator label of the library, with rates known by construction."""
    n = np.array([50.0, 100.0, 200.0])
    out, known = {}, {}
    for i, label in enumerate(rates.ESTIMATOR_LABELS):
        r = -0.2 - 0.05 * i  # distinct rates: the slowest is the first label, the fastest the last
        out[label] = {"sizes": n, "errors": (1.0 + i) * n**r} | ({"repeats": repeats} if repeats else {})
        known[label] = r
    return out, known


def test_estimator_errors_draws_each_estimator_in_its_panel_with_its_rate():
    errors, known = _power_laws()
    fig = plotting.plot_estimator_errors(errors)
    assert_labelled(fig)
    assert [ax.get_title() for ax in fig.axes] == ["1-D: N(0, 1) vs N(1, 1)", "2-D: N(0, I) vs N((1, 0), I)"]
    # each curve is the data it was given, with the rate of c n^r, r, in its label
    line = next(line for line in fig.axes[0].get_lines() if line.get_label().startswith("kNN KL:"))
    np.testing.assert_array_equal(line.get_ydata(), errors["kNN KL (1-D)"]["errors"])
    assert f"n^{known['kNN KL (1-D)']:.2f}" in line.get_label()
    # labels ending in (2-D) go to the 2-D panel, every other to the 1-D one
    one_d = sum(not label.endswith("(2-D)") for label in errors)
    assert len(fig.axes[0].get_lines()) == one_d + 1 and len(fig.axes[1].get_lines()) == len(errors) - one_d + 1


def test_estimator_errors_rate_of_a_power_law():
    # A made-up error curve c n^-1/2 must be drawn with the rate -0.50 in its legend.
    n = np.array([10.0, 100.0, 1000.0])
    fig = plotting.plot_estimator_errors({"toy (1-D)": {"sizes": n, "errors": 3 * n**-0.5}})
    assert_labelled(fig)
    assert any("n^-0.50" in t.get_text() for t in fig.axes[0].get_legend().get_texts())


@pytest.mark.parametrize(
    "bad, error",
    [([], TypeError), ({"a": {"sizes": [1, 2]}}, TypeError), ({"a": {"sizes": [1, 2], "errors": [1.0]}}, ValueError)],
)
def test_estimator_errors_refuses_bad_input(bad, error):
    with pytest.raises(error):
        plotting.plot_estimator_errors(bad)


# -- 3. MLE = KL ----------------------------------------------------------------------------


def _convergence(runs, target=None, fitted=None):
    """Made-up data of the shape gantheory.mle.mle_convergence returns (the sizes 10, 100, 1000)."""
    runs = np.asarray(runs, dtype=float)
    projection = SimpleNamespace(fitted=fitted) if fitted is not None else None
    return SimpleNamespace(
        sizes=np.array([10, 100, 1000]), excess_kl=runs[0], runs=runs, target=target, projection=projection
    )


def test_mle_is_kl_given_data():
    run = gt.mle.mle_convergence(gt.Normal(0, 2), sizes=[10, 100, 1000], rng=1)  # the library's own, tiny
    fig = plotting.plot_mle_is_kl(run, x=[0, 1, 1, 1], thetas=np.linspace(0.1, 0.9, 9))
    assert_labelled(fig)
    assert "N(0, 2²)" in fig.axes[1].get_title()
    assert_labelled(plotting.plot_mle_is_kl(_convergence([[0.1, 0.01, 0.001]])))  # one run, no target
    # The NLL curve is the Bernoulli average NLL -(k log θ + (n-k) log(1-θ))/n, k = 3, n = 4.
    nll = fig.axes[0].get_lines()[0]
    theta = nll.get_xdata()
    np.testing.assert_allclose(nll.get_ydata(), -(3 * np.log(theta) + np.log1p(-theta)) / 4, rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(x=[0, 2]), ValueError, "Bernoulli"),
        (dict(thetas=[0.0, 0.5]), ValueError, "thetas"),
        (dict(convergence={"sizes": [1, 2]}), TypeError, "excess_kl"),
    ],
)
def test_mle_is_kl_refuses_bad_input(kwargs, error, match):
    kwargs = {"convergence": _convergence([[0.1, 0.01, 0.001]])} | kwargs
    with pytest.raises(error, match=match):
        plotting.plot_mle_is_kl(**kwargs)


# -- 4. projections ---------------------------------------------------------------------------


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
        plotting.plot_projections(gt.Normal(), {"x": 3.0})
    with pytest.raises(TypeError, match="projection_fits"):
        plotting.plot_projections(gt.Normal(), None)


# -- 6. generator costs ----------------------------------------------------------------------------


def test_generator_costs_given_curves():
    assert_labelled(plotting.plot_generator_costs(gt.gan.generator_cost_curves(d=np.linspace(0.001, 0.999, 99))))
    curves = gt.gan.generator_cost_curves(logits=np.linspace(-5, 5, 11))
    fig = plotting.plot_generator_costs(curves, panels=("cost", "slope_d", "slope_logit"))
    assert_labelled(fig)
    # The minimax slope in the logit is -D = -sigmoid(a) (Goodfellow 2016, section 3.2.6): drawn as its magnitude.
    minimax = fig.axes[2].get_lines()[0]
    np.testing.assert_allclose(minimax.get_ydata(), 1 / (1 + np.exp(-minimax.get_xdata())), rtol=1e-12)


def test_generator_costs_title_gives_the_slopes_in_d_near_zero():
    # |d/dD log(1 - D)| = 1/(1 - D) and |d/dD (-D/(1-D))| = 1/(1-D)²: both 1 at D = 0 (not flat); -log D: 1/D
    title = (
        plotting.plot_generator_costs(gt.gan.generator_cost_curves(d=[1e-4, 0.5]), panels=("cost", "slope_d"))
        .axes[1]
        .get_title()
    )
    assert title == "Slopes in D at D = 0.0001:\nminimax 1, non-saturating 1e+04, maximum-likelihood 1"


def test_generator_costs_refuse_bad_input():
    with pytest.raises(TypeError):
        plotting.plot_generator_costs({"d": [0.1, 0.2]})
    with pytest.raises(ValueError, match="costs"):
        plotting.plot_generator_costs(gt.gan.generator_cost_curves(d=[0.1, 0.5]), costs=["wgan"])
    with pytest.raises(ValueError, match="panels"):
        plotting.plot_generator_costs(gt.gan.generator_cost_curves(d=[0.1, 0.5]), panels=["slopes"])


def test_generator_costs_default_is_the_slope_in_the_logit_against_d_for_the_costs_chosen():
    curves = gt.gan.generator_cost_curves(d=np.linspace(0.001, 0.999, 99))
    (ax,) = plotting.plot_generator_costs(curves, costs=["minimax", "non_saturating"]).axes
    assert [line.get_label() for line in ax.get_lines()] == ["minimax", "non-saturating"]
    minimax = ax.get_lines()[0]  # |d log(1 - σ(a)) / da| = σ(a) = D: it vanishes with D
    np.testing.assert_allclose(minimax.get_xdata(), curves.d) and np.testing.assert_allclose(
        minimax.get_ydata(), curves.d, rtol=1e-12
    )
    assert (
        ax.get_title()
        == "Slopes in the logit: minimax vanishes as D → 0\n(at D = 0.001: minimax 0.001, non-saturating 1)"
    )


# -- 5. optimal discriminator -------------------------------------------------------------------


def test_optimal_discriminator_default_and_given_runs():
    assert_labelled(
        plotting.plot_optimal_discriminator(
            gt.Mixture([gt.Normal(-2.0, 0.5), gt.Normal(2.0, 0.5)]), gt.Normal(0.5, 1.0)
        )
    )
    P, Q = gt.Normal(0, 1), gt.Normal(2, 1)
    run = gt.gan.discriminator_convergence(P, Q, steps=20, log_every=10, n_eval=500)
    trained = (np.linspace(-3, 5, 9), np.full(9, 0.5))
    fig = plotting.plot_optimal_discriminator(P, Q, run, trained)
    assert_labelled(fig)
    # D* of N(0,1) vs N(2,1) is sigmoid(log p - log q) = sigmoid(2 - 2x) (Goodfellow et al. 2014, Proposition 1).
    star = fig.axes[1].get_lines()[0]
    x = star.get_xdata()
    np.testing.assert_allclose(star.get_ydata(), 1 / (1 + np.exp(-(2 - 2 * x))), rtol=1e-10)


def test_optimal_discriminator_refuses_bad_input():
    with pytest.raises(TypeError, match="P"):
        plotting.plot_optimal_discriminator(gt.ring_of_gaussians(8), gt.Normal())
    with pytest.raises(TypeError, match="trained"):
        plotting.plot_optimal_discriminator(gt.Normal(), gt.Normal(1, 1), trained=[1, 2, 3])


# -- 7. vanishing gradient --------------------------------------------------------------------------


def test_vanishing_gradient_given_and_default():
    run = gt.gan.vanishing_gradient(steps=20, log_every=10, n_runs=2)
    fig = plotting.plot_vanishing_gradient(run)
    assert_labelled(fig)
    # The curve drawn is the geometric mean over runs of the norms; its label gives the range of last / first over runs.
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), np.exp(np.log(run.norms["minimax"]).mean(axis=0)), rtol=1e-12)
    decay = run.decay("minimax")
    assert line.get_label() == f"minimax: ×{decay.min():.1e} to ×{decay.max():.1e}"
    assert "2 runs" in fig._suptitle.get_text()


def test_vanishing_gradient_titles_say_what_the_data_show():
    steps = [0, 10]
    collapse = {
        "steps": steps,
        "norms": {"minimax": [[1.0, 1e-3], [1.0, 1e-5]], "non_saturating": [[1.0, 50.0], [1.0, 80.0]]},
        "d_fake": [[0.5, 1e-6], [0.5, 1e-7]],
    }
    title = plotting.plot_vanishing_gradient(collapse)._suptitle.get_text()
    assert "the minimax gradient fell ≥ 100× in every run" in title and "2 runs" in title
    # one run in which the minimax gradient fell only 10 times: the title must not claim a collapse
    overlap = dict(collapse, norms={"minimax": [[1.0, 1e-3], [1.0, 0.1]], "non_saturating": [[1.0, 50.0], [1.0, 80.0]]})
    assert "no gradient fell 100× in every run" in plotting.plot_vanishing_gradient(overlap)._suptitle.get_text()


def test_vanishing_gradient_refuses_bad_input():
    with pytest.raises(TypeError):
        plotting.plot_vanishing_gradient({"steps": [0, 1], "norms": [], "d_fake": [1, 1]})
    with pytest.raises(ValueError, match="minimax"):
        plotting.plot_vanishing_gradient({"steps": [0, 1], "norms": {"minimax": [[1.0, 0.0]]}, "d_fake": [[1, 1]]})


# -- 8. Dirac-GAN -----------------------------------------------------------------------------------


def _field(row, key):
    """A field of a dirac_gan_runs row, a mapping or a DiracRun alike."""
    return row[key] if isinstance(row, dict) else getattr(row, key)


_DIRAC_FIELDS = ("model", "steps", "simultaneous", "alternating", "eigenvalues", "radius")


def test_dirac_gan_given_runs():
    assert_labelled(plotting.plot_dirac_gan(gt.gan.dynamics.dirac_gan_runs(lr=0.1, steps=10)))
    runs = gt.gan.dynamics.dirac_gan_runs(gt.gan.dynamics.DIRAC_CONFIGS[:1], lr=0.2, steps=30)
    # Simultaneous GD on the unregularized Dirac-GAN: update-map eigenvalues 1 ± lr f'(0) i (Mescheder et al. 2018).
    np.testing.assert_allclose(_field(runs["GAN"], "eigenvalues")["simultaneous"], [1 - 0.1j, 1 + 0.1j], atol=1e-12)
    fig = plotting.plot_dirac_gan(runs)
    assert_labelled(fig)
    # rows given as mappings or as objects draw the same figure
    as_dicts = {label: {k: _field(row, k) for k in _DIRAC_FIELDS} for label, row in runs.items()}
    as_objects = {label: SimpleNamespace(**row) for label, row in as_dicts.items()}
    titles = [ax.get_title() for ax in fig.axes]
    for other in (as_dicts, as_objects):
        again = plotting.plot_dirac_gan(other)
        assert [ax.get_title() for ax in again.axes] == titles and again.get_suptitle() == fig.get_suptitle()


def test_dirac_gan_title_names_the_configurations_that_converge():
    runs = gt.gan.dynamics.dirac_gan_runs(lr=0.1, steps=1000)
    title = plotting.plot_dirac_gan(runs)._suptitle.get_text()
    # converged: both runs end within 1% of the start's distance from (0, 0); measured independently here
    named = next(line for line in title.split("\n") if line.startswith("converge")).split("): ", 1)[1].split(", ")
    for label, row in runs.items():
        paths = [_field(row, u) for u in ("simultaneous", "alternating")]
        ends = [np.hypot(*p[-1]) < 0.01 * np.hypot(*p[0]) for p in paths]
        assert (label in named) == all(ends), label
    assert "GAN + R1 (γ = 0.3)" in named and "WGAN-GP (γ = 0.3)" not in named and "GAN" not in named


def test_dirac_gan_says_which_run_diverged():
    # The WGAN's simultaneous map has radius sqrt(1 + lr²) = sqrt(10) at lr = 3: out of bounds (1e6) long before step 2000.
    runs = gt.gan.dynamics.dirac_gan_runs([("WGAN", dict(loss="wgan"))], lr=3.0, steps=2000)
    k = len(_field(runs["WGAN"], "simultaneous")) - 1
    assert k < 2000
    fig = plotting.plot_dirac_gan(runs)  # no overflow warning (they are errors in the test configuration)
    radius = math.sqrt(1 + 3.0**2)  # |1 ± i lr f'(0)| with f'(t) = 1
    assert f"sim. ρ = {radius:.4f}, diverged at step {k}" in fig.axes[0].get_title()


def test_dirac_gan_refuses_bad_input():
    with pytest.raises(TypeError):
        plotting.plot_dirac_gan([])
    runs = gt.gan.dynamics.dirac_gan_runs(gt.gan.dynamics.DIRAC_CONFIGS[:1], steps=5)
    bad = {k: _field(runs["GAN"], k) for k in _DIRAC_FIELDS} | {"simultaneous": np.zeros(3)}
    with pytest.raises(ValueError, match="trajectory"):
        plotting.plot_dirac_gan({"GAN": bad})


# -- 9. game spectrum -------------------------------------------------------------------------------


def test_game_spectrum_given():
    assert_labelled(plotting.plot_game_spectrum(gt.gan.game_spectrum(steps=5, hidden=4, batch_size=16)))
    given = {
        "eigenvalues": np.array([-0.01 + 0.1j, -0.01 - 0.1j, -2.0]),
        "eigenvalues_r1": np.array([-0.1 + 0.05j, -0.1 - 0.05j]),
        "r1": 1.0,
    }
    assert_labelled(plotting.plot_game_spectrum(given))
    with pytest.raises(ValueError):
        plotting.plot_game_spectrum({"eigenvalues": [], "eigenvalues_r1": [1.0], "r1": 1.0})


# -- 10. ring of 8 and the GIF -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_ring():
    return gt.gan.train(gt.ring_of_gaussians(8), steps=4, batch_size=16, log_every=2, snapshot_every=2, progress=False)


def test_ring_training_and_snapshots(tiny_ring):
    fig = plotting.plot_ring_training(
        {"non-saturating": tiny_ring, "again": tiny_ring}, panels=2, target=gt.ring_of_gaussians(8), mode_coverage=MC
    )
    assert_labelled(fig)
    assert "JSD" not in " ".join(ax.get_ylabel() + ax.get_title() for ax in fig.axes)  # the kNN JSD panel is gone
    assert_labelled(plotting.plot_training_snapshots(tiny_ring, panels=2, target=gt.ring_of_gaussians(8)))
    with pytest.raises(TypeError):
        plotting.plot_ring_training([])
    one_d = gt.gan.train(gt.Normal(0, 1), steps=2, batch_size=8, log_every=0, progress=False)
    with pytest.raises(ValueError, match="2-D"):
        plotting.plot_ring_training({"1-D": one_d})


def _centre_samples(ring, per_mode):
    """Points exactly on the ring's mode centres, ``per_mode[i]`` of them on mode i: counts known by construction."""
    centres = np.array([c.mean for c in ring.components])
    return np.repeat(centres, per_mode, axis=0)


def _fake_history(tiny_ring, snapshots, metrics=None):
    """tiny_ring's fields with hand-made snapshots (and, optionally, hand-made metrics at the log steps)."""
    h = dict(vars(tiny_ring))
    n = len(snapshots)
    h.update(
        snapshots=np.stack(snapshots),
        snapshot_steps=np.arange(n) * 10,
        manifold=np.empty((0, 2, 9, 41, 2)),
        discriminator_grid=np.repeat(tiny_ring.discriminator_grid[:1], n, axis=0),
        generator_field=np.zeros((n,) + snapshots[0].shape),
    )
    h["metrics"] = {k: v for k, v in tiny_ring.metrics.items() if k not in ("modes", "high_quality", "reverse_kl")}
    h["metrics"].update(metrics or {})
    return h


def test_ring_training_counts_modes_from_the_metric_else_from_the_snapshots(tiny_ring):
    ring = gt.ring_of_gaussians(8)
    # Recorded: the panel draws History.metrics["modes"] at the log steps, as recorded.
    fig = plotting.plot_ring_training({"run": tiny_ring}, panels=2, target=ring, mode_coverage=MC)
    line = fig.axes[-1].get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), tiny_ring.log_steps)
    np.testing.assert_array_equal(line.get_ydata(), tiny_ring.metrics["modes"])
    assert fig.axes[-1].get_ylabel() == "modes covered (of 8)"
    # Not recorded: counted on the snapshots; 1, 3 then 7 modes by construction, the last with 1 sample on mode 7.
    snaps = [
        _centre_samples(ring, [16] + [0] * 7),
        _centre_samples(ring, [8, 4, 4] + [0] * 5),
        _centre_samples(ring, [2] * 6 + [0, 1]),
    ]
    snaps = [
        np.concatenate([x, np.full((16 - len(x), 2), 9.0)]) for x in snaps
    ]  # padded with points far from every mode
    fig = plotting.plot_ring_training({"run": _fake_history(tiny_ring, snaps)}, panels=3, target=ring, mode_coverage=MC)
    line = fig.axes[-1].get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), [0, 10, 20])
    np.testing.assert_array_equal(line.get_ydata(), [1, 3, 7])
    assert line.get_label() == "run (last snapshot: 7/8, 81% HQ, fewest 0 of 16)"  # 13 of 16 samples on a mode
    assert [ax.get_title() for ax in fig.axes[:3]] == [
        "run: step 0, 1/8 modes",
        "run: step 10, 3/8 modes",
        "run: step 20, 7/8 modes",
    ]
    # Neither (no metric, no mixture target): no curve, and the panel says why.
    fig = plotting.plot_ring_training({"run": _fake_history(tiny_ring, snaps)}, panels=2)
    assert not fig.axes[-1].get_lines() and "pass a mixture target" in fig.axes[-1].texts[0].get_text()


def test_mode_collapse_figure_counts_what_it_draws_and_titles_the_verdict(tiny_ring):
    ring = gt.ring_of_gaussians(8)
    full = [_centre_samples(ring, [2] * 8), _centre_samples(ring, [3, 1] + [2] * 6)]
    collapsed = [_centre_samples(ring, [8, 8] + [0] * 6), _centre_samples(ring, [16] + [0] * 7)]
    fig = plotting.plot_mode_collapse(
        {"spread": _fake_history(tiny_ring, full), "collapsed": _fake_history(tiny_ring, collapsed)},
        ring,
        mode_coverage=MC,
        columns=2,
    )
    assert_labelled(fig)
    titles = [ax.get_title() for ax in fig.axes[:4]]
    assert titles == ["step 0: 8 / 8 modes", "step 10: 8 / 8 modes", "step 0: 2 / 8 modes", "step 10: 1 / 8 modes"]
    modes_ax, share_ax = fig.axes[-2], fig.axes[-1]
    assert [list(line.get_ydata()) for line in modes_ax.get_lines() if line.get_label() in ("spread", "collapsed")] == [
        [8, 8],
        [2, 1],
    ]
    np.testing.assert_allclose(share_ax.get_lines()[0].get_ydata(), [100.0, 100.0])
    title = " ".join(fig.get_suptitle().split())
    assert "all 8 modes covered by spread (100% HQ); not by collapsed 1/8 (100% HQ)" in title
    # the samples drawn are the snapshots
    np.testing.assert_array_equal(fig.axes[1].collections[1].get_offsets(), full[1])
    # nothing covers every mode: the title says so
    fig = plotting.plot_mode_collapse(
        {"collapsed": _fake_history(tiny_ring, collapsed)}, ring, mode_coverage=MC, columns=5
    )
    assert "no method covers all 8 modes: collapsed 1/8" in " ".join(fig.get_suptitle().split())


def test_mode_collapse_figure_refuses_bad_input(tiny_ring):
    ring = gt.ring_of_gaussians(8)
    from gantheory.gan.modes import mode_collapse_table

    table = mode_collapse_table({"ring": ring}, {"vanilla": {}}, steps=2, n_runs=1, n_samples=20, progress=False)
    with pytest.raises(TypeError, match="holds no snapshots"):
        plotting.plot_mode_collapse(table, ring, mode_coverage=MC)
    with pytest.raises(TypeError, match="non-empty mapping"):
        plotting.plot_mode_collapse({}, ring, mode_coverage=MC)
    with pytest.raises(TypeError, match="Mixture"):
        plotting.plot_mode_collapse({"a": tiny_ring}, gt.Normal(0, 1), mode_coverage=MC)
    with pytest.raises(ValueError, match="columns"):
        plotting.plot_mode_collapse({"a": tiny_ring}, ring, mode_coverage=MC, columns=0)
    no_snapshots = gt.gan.train(
        ring, steps=2, batch_size=8, log_every=0, snapshot_every=0, n_snapshot=8, progress=False
    )
    no_snapshots = dict(vars(no_snapshots), snapshots=np.empty((0, 8, 2)), snapshot_steps=np.empty(0))
    with pytest.raises(ValueError, match="snapshot_every"):
        plotting.plot_mode_collapse({"a": no_snapshots}, ring, mode_coverage=MC)
    with pytest.raises(ValueError, match="2-D run but target is 1-D"):
        plotting.plot_mode_collapse(
            {"a": tiny_ring}, gt.Mixture([gt.Normal(-1, 0.1), gt.Normal(1, 0.1)]), mode_coverage=MC
        )


def test_1d_snapshots_draw_the_target_the_samples_and_d_on_one_axis_at_one_scale():
    target = gt.Mixture([gt.Normal(-2, 0.5), gt.Normal(2, 0.5)])
    h = gt.gan.train(target, steps=6, batch_size=32, log_every=3, snapshot_every=3, progress=False)
    fig = plotting.plot_training_snapshots(h, panels=3, target=target)
    assert_labelled(fig)
    axes = fig.axes
    assert len(axes) == 3 and len({ax.get_ylim() for ax in axes}) == 1  # one axis per snapshot, one scale
    bottom, top = axes[0].get_ylim()
    assert bottom == 0.0 and top >= 1.0  # D(x) in [0, 1] fits
    for ax, k in zip(axes, range(3)):
        data = next(line for line in ax.get_lines() if line.get_label() == "p_data (target)")
        x, y = data.get_data()
        np.testing.assert_allclose(y, target.pdf(x))  # the target's density itself
        d = next(line for line in ax.get_lines() if line.get_label() == "D(x)")
        np.testing.assert_allclose(d.get_ydata(), 1 / (1 + np.exp(-h.discriminator_grid[k])))
        lo, hi = ax.get_xlim()  # the generated samples, the target and the grid are all in range
        samples = h.snapshots[k, :, 0]
        assert lo <= min(np.percentile(samples, 0.5), h.grid[0, 0], -2.5) and hi >= max(
            np.percentile(samples, 99.5), h.grid[-1, 0], 2.5
        )
    title = fig.get_suptitle()
    assert "target" in title and "discriminator" in title


def test_1d_snapshots_of_a_sample_target_draw_its_histogram():
    x = gt.Normal(3, 1).sample(400, rng=0)
    h = gt.gan.train(x, steps=2, batch_size=16, log_every=1, snapshot_every=1, progress=False)
    fig = plotting.plot_training_snapshots(h, target=x)
    assert_labelled(fig)
    stairs = [p for p in fig.axes[0].patches if p.get_label() == "p_data (target)"]
    assert len(stairs) == 1
    values, edges, _ = stairs[0].get_data()
    inside = x[(x >= edges[0]) & (x <= edges[-1])]
    assert np.sum(values * np.diff(edges)) == pytest.approx(len(inside) / len(x))  # a density: the mass in range


def test_2d_snapshots_draw_the_target_sample_and_refuse_a_wrong_target(tiny_ring):
    ring = gt.ring_of_gaussians(8)
    fig = plotting.plot_training_snapshots(tiny_ring, panels=2, target=ring)
    data = [c for c in fig.axes[0].collections if c.get_label() == "data"]
    assert len(data) == 1 and np.allclose(data[0].get_offsets(), ring.sample(512, rng=0))
    assert len(plotting.plot_training_snapshots(tiny_ring, panels=5).axes) == 3 + 1  # 3 snapshots and the colour bar
    with pytest.raises(ValueError, match="1-D but the run is 2-D"):
        plotting.plot_training_snapshots(tiny_ring, target=gt.Normal(0, 1))
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_training_snapshots(tiny_ring, target=np.zeros((5, 3)))
    with pytest.raises(TypeError, match="target must be"):
        plotting.plot_training_snapshots(tiny_ring, target="ring")


def test_animation_is_a_small_gif_with_one_frame_per_snapshot(tiny_ring, tmp_path):
    from PIL import Image

    path = plotting.animate_training({"a": tiny_ring}, tmp_path / "ring.gif", dpi=30)
    assert path.read_bytes()[:6] == b"GIF89a" and path.stat().st_size < 3 * 2**20
    assert Image.open(path).n_frames == len(tiny_ring.snapshot_steps)
    assert (
        plotting.animate_training(
            {"a": tiny_ring}, tmp_path / "ring.gif", dpi=30, target=gt.ring_of_gaussians(8), mode_coverage=MC
        )
        == path
    )
    with pytest.raises(ValueError):
        plotting.animate_training({"a": tiny_ring}, tmp_path / "x.gif", fps=0)


# -- 11. Bernoulli --------------------------------------------------------------------------------------


def test_bernoulli_bias_given():
    losses = gt.gan.bernoulli_sample_losses(0.7, [1, 4], theta=np.linspace(0, 1, 11))
    fig = plotting.plot_bernoulli_bias(losses, gt.gan.bernoulli_minimizers(0.7, [1, 4, 16]))
    assert_labelled(fig)
    # m = 1: E|X - θ| = p(1 - θ) + (1 - p)θ for X ~ Bernoulli(p) (enumeration by hand).
    theta = np.linspace(0, 1, 11)
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), 0.7 * (1 - theta) + 0.3 * theta, atol=1e-12)


def test_bernoulli_bias_title_counts_the_sizes_whose_w1_minimizer_misses_p():
    # p = 0.3: the median of Binomial(m, 0.3) is 0.3m exactly when 0.3m is an integer (m = 10, 20), otherwise off p
    losses = gt.gan.bernoulli_sample_losses(0.3, [1, 2], theta=np.linspace(0, 1, 11))
    fig = plotting.plot_bernoulli_bias(losses, gt.gan.bernoulli_minimizers(0.3, [1, 2, 3, 10, 20]))
    assert "misses p = 0.3 for 3 of 5 batch sizes" in fig._suptitle.get_text()


def test_bernoulli_bias_refuses_bad_input():
    losses = gt.gan.bernoulli_sample_losses(0.3, [1, 2], theta=[0.0, 0.5, 1.0])
    bad = {k: getattr(losses, k) for k in ("p", "m", "theta", "cramer2")} | {"w1": np.zeros((1, 3))}
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_bernoulli_bias(bad, gt.gan.bernoulli_minimizers(0.3, [1, 2]))


# -- chapters 1 and 2: estimator rates, the MLE's excess KL, the JSD's local minima -----------------


def test_estimator_errors_title_states_the_range_of_fitted_rates_and_the_legend_the_theory():
    errors, known = _power_laws(repeats=2)
    fig = plotting.plot_estimator_errors(errors)
    labels = list(rates.ESTIMATOR_LABELS)
    slowest, fastest = labels[0], labels[-1]  # rates -0.2 - 0.05 i, by construction
    title = fig._suptitle.get_text()
    assert "over 2 repeats" in title
    assert f"n^{known[slowest]:.2f} ({slowest})" in title and f"n^{known[fastest]:.2f} ({fastest})" in title
    texts = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert any(t.startswith("histogram JSD:") and "theory n^-1/3" in t for t in texts)
    # rows given as objects, not mappings, are read the same way
    as_objects = {label: SimpleNamespace(**row) for label, row in errors.items()}
    assert plotting.plot_estimator_errors(as_objects)._suptitle.get_text() == title


def test_mle_is_kl_draws_the_mean_over_runs_and_the_predicted_constant_over_n():
    runs = np.array(
        [[0.2, 0.01, 3e-4], [0.05, 0.004, 5e-4], [0.1, 0.02, 1e-3], [0.3, 0.006, 2e-4], [0.08, 0.003, 9e-4]]
    )
    target = gt.Mixture([gt.Normal(-3, 1), gt.Normal(3, 1)], [0.5, 0.5])
    fig = plotting.plot_mle_is_kl(_convergence(runs, target, fitted=gt.Normal(0, np.sqrt(10))))
    assert_labelled(fig)
    right = fig.axes[1]
    lines = {line.get_label(): line for line in right.get_lines()}
    mean = np.array([0.73, 0.043, 0.0029]) / 5  # the column sums by hand, over 5 runs
    np.testing.assert_allclose(lines["mean over 5 runs"].get_ydata(), mean, rtol=1e-12)
    # the guide: (1/2 + (kappa - 1)/4)/n with kappa = 138/100 for 0.5 N(-3, 1) + 0.5 N(3, 1)
    guide = next(line for label, line in lines.items() if label.startswith("(½ + (κ − 1)/4)/n"))
    np.testing.assert_allclose(guide.get_ydata(), 0.595 / np.array([10, 100, 1000]), rtol=1e-7)
    assert "P = 0.5 N(-3, 1) + 0.5 N(3, 1)" in right.get_title() and "Q* = N(0, 3.16²)" in right.get_title()
    assert "cross-entropy" in fig._suptitle.get_text()


def test_mle_is_kl_refuses_runs_of_the_wrong_shape():
    with pytest.raises(ValueError, match="runs"):
        plotting.plot_mle_is_kl({"sizes": [10, 100], "excess_kl": [0.1, 0.01], "runs": [[0.1, 0.01, 0.001]]})


def _optima(P, normals):
    """A made-up projection of the shape gantheory.mle.js_projection returns: each normal with its JSD to P."""
    return SimpleNamespace(optima=tuple((Q, gt.js_divergence(P, Q)) for Q in normals))


def test_js_optima_draws_every_local_minimum_with_its_jsd():
    import scipy.stats

    P = gt.Mixture([gt.Normal(-3, 1), gt.Normal(3, 1)], [0.4, 0.6])
    # near the minima of JSD(P, N(mu, sigma^2)) (the docstring of plot_js_optima): covering, the +3 mode, the -3 mode
    projection = _optima(P, [gt.Normal(0.59, 3.06), gt.Normal(2.9, 1.1), gt.Normal(-2.9, 1.1)])
    fig = plotting.plot_js_optima(P, projection)
    assert_labelled(fig)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 3
    x = lines[0].get_xdata()
    for line, (Q, value) in zip(lines, projection.optima):
        # each curve is its normal's density, and its legend gives the JSD it was given
        np.testing.assert_allclose(line.get_ydata(), scipy.stats.norm(Q.loc, Q.scale).pdf(x), rtol=1e-9)
        assert f"JSD {value:.3f}" in line.get_label()
    labels = [line.get_label() for line in lines]
    assert "covering" in labels[0] and "on the mode at 3" in labels[1] and "on the mode at -3" in labels[2]
    assert "(global)" in labels[0] and "(global)" not in labels[1]
    assert fig.axes[0].get_title() == "JSD over the normals: 3 local minima — descent can stop on one mode"
    one = plotting.plot_js_optima(P, _optima(P, [gt.Normal(0.59, 3.06)]))
    assert one.axes[0].get_title() == "JSD over the normals: 1 local minimum"


def test_js_optima_refuses_bad_input():
    P = gt.Mixture([gt.Normal(-3, 1), gt.Normal(3, 1)], [0.4, 0.6])
    with pytest.raises(TypeError, match="P"):
        plotting.plot_js_optima(gt.ring_of_gaussians(8), _optima(P, [gt.Normal()]))
    with pytest.raises(TypeError, match="js_projection"):
        plotting.plot_js_optima(P, gt.Normal())
    with pytest.raises(TypeError, match="js_projection"):
        plotting.plot_js_optima(P, None)


# -- the Dirac-GAN's spectral radius over the two step sizes ---------------------------------------


def test_step_size_radius_draws_the_grid_radius():
    model = gt.gan.DiracGAN("minimax")
    lrs, d_lrs = np.logspace(-1, 1, 7), np.logspace(-1, 1, 5)
    fig = plotting.plot_step_size_radius(model, lr=lrs, d_lr=d_lrs)
    assert_labelled(fig)
    # extragradient converges iff s = lr d_lr f'(0)² < 1 (closed form, derived in gantheory.symbolic): the title's share
    s = np.outer(d_lrs, lrs) / 4
    titles = [ax.get_title() for ax in fig.axes[:4]]
    assert titles[2] == f"extragradient: ρ < 1 on {100 * np.mean(s < 1):.0f}% of the grid"
    assert titles[0] == "simultaneous: ρ < 1 on 0% of the grid"  # sqrt(1 + s) > 1 everywhere
    mesh = fig.axes[2].collections[0]
    np.testing.assert_allclose(
        np.asarray(mesh.get_array()).reshape(5, 7), np.minimum(np.sqrt(1 - s + s**2), 3.0), rtol=1e-12
    )


def test_step_size_radius_refuses_bad_input():
    with pytest.raises(TypeError, match="DiracGAN"):
        plotting.plot_step_size_radius("minimax")
    with pytest.raises(ValueError, match="updates"):
        plotting.plot_step_size_radius(gt.gan.DiracGAN("minimax"), updates=[])
    with pytest.raises(ValueError, match="d_lr"):
        plotting.plot_step_size_radius(gt.gan.DiracGAN("minimax"), lr=[0.1], d_lr=[-1.0])


# -- evaluating GANs (plot_fid_bias, plot_witness, plot_dropped_modes) ------------------------


def _fid_result():
    """Made-up data of the shape evaluation.fid_bias returns: 3 sizes x 4 repeats, FID exact 1, KID exact 0.5."""
    fid = np.array([[1.5, 1.7, 1.6, 1.8], [1.2, 1.4, 1.3, 1.1], [0.9, 0.95, 1.0, 0.97]])  # means 1.65, 1.25, 0.955
    kid = np.array([[0.5, 0.7, 0.3, 0.5], [0.9, 0.95, 1.0, 0.97], [0.45, 0.55, 0.5, 0.5]])  # means 0.5, 0.955, 0.5
    return SimpleNamespace(
        sizes=np.array([20, 40, 80]), fid=fid, kid=kid, fid_exact=1.0, kid_exact=0.5, fid_bias_slope=-0.9
    )


def test_plot_fid_bias_draws_the_excess_and_counts_in_its_title():
    result = _fid_result()
    fig = plotting.plot_fid_bias(result)
    assert_labelled(fig)
    left, right = fig.axes[:2]
    np.testing.assert_allclose(left.get_lines()[0].get_ydata(), [0.65, 0.25, np.nan])  # 0.955 < 1: not drawn
    # KID's means 0.5 and 0.5 are within 2 s.e. of 0.5; 0.955 (s.e. 0.02) is not
    title = fig._suptitle.get_text()
    assert (
        "above its exact value at 2 of 3 sizes (bias ∝ n^-0.90)" in title
        and "within 2 s.e. of exact at 2 of 3" in title
    )
    as_mapping = {k: getattr(result, k) for k in ("sizes", "fid", "kid", "fid_exact", "kid_exact", "fid_bias_slope")}
    assert plotting.plot_fid_bias(as_mapping)._suptitle.get_text() == title


def test_plot_witness_draws_the_curves_it_is_given():
    t = np.linspace(-3, 3, 31)
    p, q = np.exp(-((t + 1) ** 2) / 2), np.exp(-((t - 1) ** 2) / 2)
    curves = SimpleNamespace(t=t, p=p, q=q, d_star=p / (p + q), witness=np.tanh(-t), mmd=0.12345)
    fig = plotting.plot_witness(curves)
    top, bottom = fig.axes  # one x axis, labelled below
    assert bottom.get_xlabel() == "x" and top.get_ylabel() and bottom.get_ylabel()
    np.testing.assert_allclose(top.get_lines()[0].get_ydata(), p) and np.testing.assert_allclose(
        top.get_lines()[1].get_ydata(), q
    )
    np.testing.assert_allclose(bottom.get_lines()[0].get_ydata(), p / (p + q))
    np.testing.assert_allclose(bottom.get_lines()[1].get_ydata(), np.tanh(-t))
    assert "(MMD = 0.123)" in fig._suptitle.get_text()


def test_plot_dropped_modes_names_the_largest_and_smallest_growth():
    # made-up growth over noise at 0, 1 and 4 dropped modes: at one dropped mode MMD grows most, FID least
    snr = {"FID": [0.0, 0.5, 9.0], "MMD": [0.0, 7.0, 20.0], "sliced W1": [0.0, 3.0, 30.0]}
    fig = plotting.plot_dropped_modes(SimpleNamespace(dropped=np.array([0, 1, 4]), signal_to_noise=snr, n=200))
    assert_labelled(fig)
    assert len(fig.axes) == 1
    assert fig._suptitle.get_text() == "One dropped mode at n = 200: growth of each measure over its sampling noise"
    assert fig.axes[0].get_title() == "Distances: MMD grows most over its noise, FID least"
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == list(snr)
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 4])  # nothing dropped is the reference, not drawn
    np.testing.assert_array_equal(lines[2].get_ydata(), [3.0, 30.0])


def test_plot_dropped_modes_puts_the_precision_and_recall_deficits_in_their_own_panel():
    snr = {"FID": [0.0, 0.5, 9.0], "MMD": [0.0, 7.0, 20.0], "1 - precision": [0.0, 0.1, -0.3], "1 - recall": [0, 9, 40]}
    fig = plotting.plot_dropped_modes(SimpleNamespace(dropped=np.array([0, 1, 4]), signal_to_noise=snr, n=200))
    assert_labelled(fig)
    left, right = fig.axes
    assert [line.get_label() for line in left.get_lines()] == ["FID", "MMD"]
    assert [line.get_label() for line in right.get_lines()[:2]] == ["1 - precision", "1 - recall"]
    np.testing.assert_array_equal(right.get_lines()[0].get_ydata(), [0.1, -0.3])  # linear axis: negatives kept
    assert right.get_yscale() == "linear" and left.get_yscale() == "log"
    assert right.get_title() == "k-NN fidelity and diversity: 1 - recall grows most"
    assert not plotting.figure_problems(fig)


@pytest.mark.parametrize(
    "plot, experiment",
    [
        (plotting.plot_estimator_errors, "estimator_errors"),
        (plotting.plot_mle_is_kl, "mle_convergence"),
        (plotting.plot_fid_bias, "fid_bias"),
        (plotting.plot_witness, "witness_curves"),
        (plotting.plot_dropped_modes, "dropped_modes_table"),
    ],
)
def test_a_figure_without_its_data_names_the_experiment_that_computes_it(plot, experiment):
    # the figures take data and never compute it (docs/developing.md): None is refused with the function to call
    with pytest.raises(TypeError, match=experiment):
        plot(None)
    with pytest.raises(TypeError):
        plot()


# -- the 2-D lab's drawing: manifold, colour bars per loss, D* in 1-D ----------------------------------


def test_2d_snapshots_draw_the_generators_manifold_and_a_colour_bar_per_loss(tiny_ring):
    fig = plotting.plot_training_snapshots(tiny_ring, panels=2)
    lines = [line for line in fig.axes[0].get_lines() if line.get_color() == "#4B0082"]
    assert len(lines) == 2 * 9  # both families of latent lines
    np.testing.assert_array_equal(
        np.stack([line.get_xydata() for line in lines]), tiny_ring.manifold[0].reshape(18, 41, 2)
    )
    assert fig.axes[-1].get_label() == "<colorbar>" and 'probability of "real"' in fig.axes[-1].get_ylabel()
    assert "normalized per panel" in fig.get_suptitle()
    critic = gt.gan.train(gt.ring_of_gaussians(8), loss="wgan_gp", steps=2, batch_size=16, log_every=0, progress=False)
    fig = plotting.plot_ring_training({"classifier": tiny_ring, "critic": critic}, panels=2)
    bars = [ax.get_ylabel() for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert (
        'probability of "real"' in bars[0] and "not a probability" in bars[1] and "WGAN-GP" in bars[1]
    )  # the display name
    assert all("_" not in text for text in [fig.get_suptitle(), *bars])


def test_a_history_without_a_manifold_is_drawn_without_it(tiny_ring):
    old = dict(vars(tiny_ring))
    old["manifold"] = np.empty((0, 2, 9, 41, 2))
    fig = plotting.plot_training_snapshots(old, panels=2)
    assert not [line for line in fig.axes[0].get_lines() if line.get_color() == "#4B0082"]


def test_1d_snapshots_draw_d_star_from_the_target_and_a_kde_of_the_samples():
    from scipy.stats import gaussian_kde

    target = gt.Normal(2.0, 0.5)
    h = gt.gan.train(target, generator="affine", steps=4, batch_size=32, log_every=2, snapshot_every=2, progress=False)
    fig = plotting.plot_training_snapshots(h, panels=3, target=target)
    for ax, k in zip(fig.axes, range(3)):
        star = next(line for line in ax.get_lines() if line.get_label().startswith("D* = "))
        x, y = star.get_data()
        p, q = target.pdf(x), gaussian_kde(h.snapshots[k, :, 0])(x)
        drawn = np.isfinite(y)
        assert drawn.sum() > 100
        np.testing.assert_allclose(y[drawn], (p / (p + q))[drawn], rtol=1e-12)


def test_the_animation_has_a_colour_bar_per_panel_and_no_red_means_real_claim(tiny_ring, tmp_path, monkeypatch):
    import matplotlib.figure

    saved = {}
    original = matplotlib.figure.Figure.suptitle

    def spy(self, text, **kw):
        saved["title"] = text
        saved["fig"] = self
        return original(self, text, **kw)

    monkeypatch.setattr(matplotlib.figure.Figure, "suptitle", spy)
    critic = gt.gan.train(
        gt.ring_of_gaussians(8), loss="wgan_gp", steps=4, batch_size=16, log_every=0, snapshot_every=2, progress=False
    )
    plotting.animate_training({"a": tiny_ring, "b": critic}, tmp_path / "ring.gif", dpi=20)
    bars = [ax.get_ylabel() for ax in saved["fig"].axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 2 and "probability" in bars[0] and "not a probability" in bars[1]
    assert "red" not in saved["title"] and "normalized per panel" in saved["title"]


def test_each_animation_frame_titles_the_modes_its_samples_cover(tiny_ring, tmp_path, monkeypatch):
    import matplotlib.axes

    titles = []
    original = matplotlib.axes.Axes.set_title

    def spy(self, label, *args, **kw):
        titles.append(label)
        return original(self, label, *args, **kw)

    monkeypatch.setattr(matplotlib.axes.Axes, "set_title", spy)
    ring = gt.ring_of_gaussians(8)
    snaps = [
        _centre_samples(ring, [16] + [0] * 7),
        _centre_samples(ring, [4, 4, 4, 4] + [0] * 4),
        _centre_samples(ring, [2] * 8),
    ]
    plotting.animate_training(
        {"a": _fake_history(tiny_ring, snaps)}, tmp_path / "ring.gif", target=ring, dpi=20, mode_coverage=MC
    )
    assert set(titles) == {"a: step 0, 1/8 modes", "a: step 10, 4/8 modes", "a: step 20, 8/8 modes"}
    titles.clear()
    plotting.animate_training(
        {"a": _fake_history(tiny_ring, snaps)}, tmp_path / "ring.gif", dpi=20
    )  # no target: no count
    assert set(titles) == {"a: step 0", "a: step 10", "a: step 20"}


# -- fit for a slide ---------------------------------------------------------------------------------------


def test_figure_problems_finds_a_legend_over_data_small_text_text_off_the_figure_and_an_empty_panel():
    fig = Figure(figsize=(6, 4), layout="constrained")  # not the house layout: nothing moves the legend
    left, right = fig.subplots(1, 2)
    x = np.linspace(0, 1, 50)
    left.plot(x, np.full_like(x, 0.95), label="a line along the top")
    left.set_ylim(0, 1)
    left.legend(loc="upper center")
    left.set_xlabel("x", fontsize=6)
    right.plot([0.5, 0.52], [0.5, 0.51], "o")
    right.set_xlim(0, 1), right.set_ylim(0, 1)
    fig.text(0.9, 0.5, "a note that runs off the right edge")
    found = plotting.figure_problems(fig)
    assert any(line.startswith("the legend of") and "'a line along the top'" in line for line in found)
    assert "text 'x' at 6 pt" in found
    assert any("runs off the figure" in line for line in found)
    assert any(line.startswith("the data of") and "2% × 1%" in line for line in found)


def test_the_house_layout_moves_a_legend_off_the_data_when_the_figure_is_drawn():
    def draw(fig, ax):
        x = np.linspace(0, 1, 50)
        for y in (0.05, 0.5, 0.95):  # lines along the bottom, the middle and the top: no corner is free
            ax.plot(x, np.full_like(x, y), label=f"y = {y}")
        ax.set_ylim(0, 1)
        ax.legend(loc="upper center")
        fig.savefig(__import__("io").BytesIO(), format="png")
        return plotting.figure_problems(fig, draw=False)

    plain = Figure(figsize=(8, 5), layout="constrained")
    assert draw(plain, plain.subplots())  # left where it was put, the legend covers the top line
    with plotting._style.slide_figure() as (fig, ax):
        pass
    assert draw(fig, ax) == plotting.figure_problems(fig) == []
    assert ax.get_ylim()[1] > 1  # headroom above the data, where the legend now sits


def test_plotting_copies_of_library_constants_agree_with_the_library():
    # plotting imports nothing from gantheory.gan: the two constants it repeats must stay the library's
    from gantheory.plotting import ch05_nash_dynamics, training

    assert ch05_nash_dynamics._DIRAC_UPDATES == tuple(gt.gan.dynamics.DIRAC_UPDATES)
    assert training._MODE_SAMPLES == gt.gan.metrics.MODE_SAMPLES


def test_ring_figures_count_no_modes_without_mode_coverage(tiny_ring):
    ring = gt.ring_of_gaussians(8)
    fig = plotting.plot_ring_training({"run": tiny_ring}, panels=2, target=ring)
    assert [ax.get_title() for ax in fig.axes[:2]] == [f"run: step {int(s)}" for s in tiny_ring.snapshot_steps[[0, -1]]]
    with pytest.raises(TypeError, match="mode_coverage"):
        plotting.plot_mode_collapse({"a": tiny_ring}, ring, mode_coverage=None)


def test_label_smoothing_and_instance_noise_figures_draw_the_data_they_are_given():
    from types import SimpleNamespace

    x = np.linspace(-1.0, 3.0, 40)
    optimal = 0.9 / (1.0 + np.exp(2.0 * (x - 1.0)))  # 0.9 p/(p+q) for N(0, 1) vs N(2, 1)
    fig = plotting.plot_label_smoothing(
        {"α = 0.9, β = 0": SimpleNamespace(x=x, trained=optimal + 0.01, optimal=optimal)}
    )
    ax = fig.axes[0]
    assert np.allclose(ax.lines[0].get_ydata(), optimal) and not plotting.figure_problems(fig)
    d = np.linspace(0.0, 6.0, 31)
    curves = {"no noise": np.where(d > 0, np.log(2), 0.0), "s = 1": np.log(2) * (1 - np.exp(-(d**2) / 8))}
    fig = plotting.plot_instance_noise(d, curves, kl={"s = 1": d**2 / 2 + 1e-3})
    assert len(fig.axes) == 2 and fig.axes[1].get_yscale() == "log"
    assert np.allclose(fig.axes[0].lines[1].get_ydata(), curves["s = 1"]) and not plotting.figure_problems(fig)
    with pytest.raises(ValueError, match="one value per distance"):
        plotting.plot_instance_noise(d, {"bad": d[:-1]})
    with pytest.raises(ValueError, match="at least one"):
        plotting.plot_label_smoothing({})


def test_plot_two_sample_tests_draws_the_rates_and_counts_the_batches_inside():
    # made-up batches: at n = 25 one of three outside (0.085 > 0.08); power reaches 1 at n = 80
    interval = (0.02, 0.08)
    null = [
        {"n": n, "rate": r, "size": 0.05, "null_interval": interval} for n, r in ((25, 0.085), (25, 0.06), (100, 0.05))
    ]
    power = [SimpleNamespace(n=n, rate=r, trials=100) for n, r in ((10, 0.07), (40, 0.5), (80, 1.0))]
    fig = plotting.plot_two_sample_tests(null, power)
    assert_labelled(fig)
    left, right = fig.axes
    assert left.get_title() == "2 of 3 null batches inside the 95% binomial interval"
    assert right.get_title() == "Power reaches 1 at n = 80" and right.get_xscale() == "log"
    rates = next(line for line in left.get_lines() if line.get_label() == "rate of one batch")
    np.testing.assert_allclose(rates.get_ydata(), [0.085, 0.06, 0.05])
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), [0.07, 0.5, 1.0])
    assert not plotting.figure_problems(fig)
    with pytest.raises(ValueError, match="at least one"):
        plotting.plot_two_sample_tests([], power)


def test_perfect_discriminator_figure_draws_one_panel_per_entry():
    x = y = np.linspace(-1.0, 1.0, 7)
    values = (x[None, :] < 0.25) * np.ones((7, 1))
    data = dict(x=x, y=y, values=values, real=np.zeros((4, 2)), fake=np.full((4, 2), 0.5))
    fig = plotting.plot_perfect_discriminator({"a": data, "b": data})
    assert [ax.get_title() for ax in fig.axes[:2]] == ["a", "b"] and not plotting.figure_problems(fig)
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_perfect_discriminator({"bad": dict(data, values=values[:, :3])})


# -- chapter 8: the generator's gradient through a critic trained n_critic steps (issue 28) ----------------------


def test_critic_gradient_bias_figure_draws_each_seed_the_mean_and_theorem3():
    from types import SimpleNamespace

    n = np.array([1, 2, 5, 10, 50])
    gradient = np.array([[0.4, 0.1, -0.5, -0.9, -1.05], [-0.3, -0.6, -0.9, -1.0, -1.04], [0.9, 0.9, 0.85, 0.8, 0.8]])
    runs = {"two-sided": SimpleNamespace(n_critic=n, gradient=gradient, optimal=-1.0)}
    runs["one-sided"] = SimpleNamespace(n_critic=n, gradient=gradient[:2], optimal=-1.0)
    fig = plotting.plot_critic_gradient_bias(runs)
    left, right = fig.axes[:2]
    assert left.get_xscale() == "log" and left.get_title().endswith("1 of 3 seeds point the wrong way")
    assert right.get_title().endswith("0 of 2 seeds point the wrong way")
    mean = (gradient / -1.0).mean(axis=0)
    assert any(np.allclose(line.get_ydata(), mean) for line in left.get_lines())
    assert any(np.allclose(line.get_ydata(), 1.0) for line in left.get_lines())  # Theorem 3's line
    assert not plotting.figure_problems(fig)
    with pytest.raises(ValueError, match="nonzero"):
        plotting.plot_critic_gradient_bias(SimpleNamespace(n_critic=n, gradient=gradient, optimal=0.0))
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_critic_gradient_bias(SimpleNamespace(n_critic=n, gradient=gradient[:, :3], optimal=1.0))
