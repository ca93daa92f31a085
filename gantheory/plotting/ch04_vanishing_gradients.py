r"""Chapter 4 (``notebooks/04_vanishing_gradients.ipynb``): the generator costs and the vanishing gradient."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from gantheory.plotting._style import as_vector, curve_style, display_name, field_of, slide_figure

# -- generator costs and slopes ------------------------------------------------------------

#: The panels :func:`plot_generator_costs` can draw: (the curves' table, x axis, y axis label).
GENERATOR_COST_PANELS = {
    "cost": ("cost", "d", "generator cost per sample (nats)"),
    "slope_d": ("slope_d", "d", "|d cost / d D(G(z))| (nats per unit of D)"),
    "slope_logit": ("slope_logit", "logit", "|d cost / d logit| (nats per nat of logit)"),
    "slope_logit_d": ("slope_logit", "d", "|d cost / d logit|: the factor in G's gradient"),
}


def plot_generator_costs(curves, *, costs=None, panels=("slope_logit_d",)) -> Figure:
    r"""Figure 6: the generator's costs and their slopes, against D(G(z)) or the logit, as in Goodfellow's tutorial.

    Parameters
    ----------
    curves : gantheory.gan.GeneratorCostCurves
        As :func:`gantheory.gan.generator_cost_curves` returns (attributes ``d``,
        ``logits``, and dicts ``cost``, ``slope_d``, ``slope_logit`` keyed by
        cost name), e.g. the curves at 999 values of D(G(z)) from 0.001 to 0.999.
    costs : sequence of str, optional
        The costs to draw, by their names in ``curves`` (default all of them:
        ``"minimax"``, ``"non_saturating"``, ``"maximum_likelihood"``).
    panels : sequence of str
        Keys of :data:`GENERATOR_COST_PANELS`, left to right: ``"cost"`` (the
        costs against D), ``"slope_d"`` (their slopes in D), ``"slope_logit"``
        (their slopes in the logit against the logit) and ``"slope_logit_d"``
        (their slopes in the logit against D). The default, the last alone, is
        the saturation picture for a slide; the tour draws
        ``("cost", "slope_d", "slope_logit_d")``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per entry of ``panels``; slopes as magnitudes on a log scale.
        Against D the minimax and maximum-likelihood slopes are 1 at D = 0
        (not flat); what vanishes when the discriminator rejects the samples
        (D(G(z)) → 0) is their slope in the logit, :math:`D` and :math:`e^a`,
        the factor in the generator's gradient; the non-saturating one tends
        to 1. The maximum-likelihood slope grows without bound as D → 1: a few
        samples taken for real carry most of its gradient [1]_. The titles say
        which of the drawn costs' logit slopes fall below 0.01 at the smallest D, and give them there.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial networks", arXiv:1701.00160, section 3.2.6.

    Examples
    --------
    >>> import gantheory as gt
    >>> curves = gt.gan.generator_cost_curves(d=np.linspace(0.001, 0.999, 999))
    >>> fig = plot_generator_costs(curves)
    >>> len(fig.axes), fig.axes[0].get_yscale()
    (1, 'log')
    >>> fig = plot_generator_costs(curves, costs=["minimax", "non_saturating"], panels=["cost", "slope_d", "slope_logit"])
    >>> fig.axes[2].get_xlabel()
    'discriminator logit a, D(G(z)) = σ(a)'
    """
    d = as_vector(field_of(curves, "d", "curves"), "curves.d", min_size=2)
    logits = np.asarray(field_of(curves, "logits", "curves"), dtype=float)
    tables = {key: field_of(curves, key, "curves") for key in ("cost", "slope_d", "slope_logit")}
    if not all(isinstance(t, Mapping) and t for t in tables.values()) or logits.shape != d.shape:
        raise TypeError(
            "curves.cost, .slope_d and .slope_logit must be non-empty dicts {cost: array}, and curves.logits as long as curves.d"
        )
    names = list(tables["cost"]) if costs is None else list(costs)
    unknown = [name for name in names if name not in tables["cost"]]
    if unknown or not names:
        raise ValueError(f"costs must name some of {list(tables['cost'])}, got {names}")
    panels = list(panels)
    wrong = [panel for panel in panels if panel not in GENERATOR_COST_PANELS]
    if wrong or not panels:
        raise ValueError(f"panels must be keys of GENERATOR_COST_PANELS {list(GENERATOR_COST_PANELS)}, got {panels}")
    arrays = {}
    for name in names:
        arrays[name] = {key: np.asarray(tables[key].get(name, np.full(d.shape, np.nan)), dtype=float) for key in tables}
        if any(a.shape != d.shape for a in arrays[name].values()):
            raise ValueError(f"curves for {name!r} must have the shape of curves.d {d.shape}")
    at = int(np.argmin(d))
    vanish = [display_name(n) for n in names if abs(arrays[n]["slope_logit"][at]) < 0.01]
    values = ", ".join(f"{display_name(n)} {abs(arrays[n]['slope_logit'][at]):.2g}" for n in names)
    logit_title = (
        f"Slopes in the logit: {' and '.join(vanish)} vanish{'es' * (len(vanish) == 1)} as D → 0"
        if vanish
        else "Slopes in the logit: none vanishes as D → 0"
    ) + f"\n(at D = {float(d[at]):.2g}: {values})"
    titles = {
        "cost": "Costs (Goodfellow's tutorial, §3.2.6)",
        "slope_d": _slope_at_zero_title(d, {n: arrays[n]["slope_d"] for n in names}),
        "slope_logit": logit_title,
        "slope_logit_d": logit_title,
    }
    xlabel = {
        "d": 'D(G(z)) (probability the discriminator says "real")',
        "logit": "discriminator logit a, D(G(z)) = σ(a)",
    }
    single = len(panels) == 1
    with slide_figure(1, len(panels), size=(9.0, 5.6) if single else (5.4 * len(panels), 5.4)) as (fig, axes):
        axes = np.atleast_1d(axes)
        for ax, panel in zip(axes, panels):
            table, x_axis, ylabel = GENERATOR_COST_PANELS[panel]
            x = d if x_axis == "d" else logits
            for name in names:
                style = curve_style(
                    list(tables["cost"]).index(name), markevery=0.1
                )  # a cost keeps its style whichever are drawn
                y = arrays[name][table]
                if table == "cost":
                    ax.plot(x, y, label=display_name(name), **style)
                else:
                    ax.semilogy(x, np.abs(y), label=display_name(name), **style)
            if table == "cost":
                ax.set_ylim(-10, 5)
            if panel == "slope_logit_d":  # log D: the slope falling with D is a straight line
                ax.set_xscale("log")
            ax.set_xlabel('D(G(z)) (probability of "real"), log scale' if panel == "slope_logit_d" else xlabel[x_axis])
            ax.set_ylabel(ylabel)
            width = 80 if single else 60  # characters per line: the title stays over its panel
            ax.set_title(
                "\n".join(textwrap.fill(line, width, break_on_hyphens=False) for line in titles[panel].split("\n")),
                fontsize=12 if single else 11,
            )
            ax.legend(loc="best", fontsize=11 if single else 10)
        if vanish:
            fig.suptitle(
                f"Generator costs: the {' and '.join(vanish)} gradient{'s' * (len(vanish) > 1)} vanish{'es' * (len(vanish) == 1)}"
                f"{chr(10) if single else ' '}where the generator is losing (D(G(z)) → 0)"
            )
        else:
            fig.suptitle(
                f"Generator costs:{chr(10) if single else ' '}no gradient drawn here vanishes where the generator is losing"
            )
    return fig


def _slope_at_zero_title(d, slope_d):
    """The middle panel's title: each cost's |slope in D| at the smallest D drawn (1 for minimax and ML at D = 0)."""
    at = int(np.argmin(d))
    values = ", ".join(f"{display_name(name)} {abs(float(np.asarray(v)[at])):.3g}" for name, v in slope_d.items())
    return f"Slopes in D at D = {float(d[at]):.3g}:\n{values}"


# -- the vanishing gradient -------------------------------------------------------------------


def plot_vanishing_gradient(result) -> Figure:
    r"""Figure 7: the frozen generator's gradient norm against discriminator steps, per cost, log scale.

    Parameters
    ----------
    result : VanishingGradient
        As :func:`gantheory.gan.gradients.vanishing_gradient` returns (``steps``,
        ``norms[cost]`` of shape (runs, steps), ``d_fake``; its defaults: 3 runs,
        generator 20 standard deviations from the data).

    Returns
    -------
    matplotlib.figure.Figure
        Left: for each cost the geometric mean over runs of the gradient norm
        (band: ±1 standard deviation of :math:`\log_{10}` over runs), its
        legend entry giving the range over runs of the factor by which the
        norm changed from the first to the last step; right: the
        discriminator's mean :math:`D(G(z))`. The titles state what the data
        show: which costs' gradients fell by at least 100 times in every run.
        With nearly disjoint supports and a discriminator that gets
        near-perfect, the minimax and maximum-likelihood gradients collapse,
        the non-saturating one does not, and the clipped WGAN critic's stays
        put [1]_; with overlapping laws nothing collapses.

    References
    ----------
    .. [1] M. Arjovsky and L. Bottou, "Towards principled methods for training generative adversarial networks", ICLR 2017, section 2.

    Examples
    --------
    >>> import gantheory as gt
    >>> fig = plot_vanishing_gradient(gt.gan.vanishing_gradient(steps=20, log_every=10, n_runs=1))
    >>> fig.axes[0].get_yscale()
    'log'
    """
    steps = as_vector(field_of(result, "steps", "result"), "result.steps", min_size=2)
    norms = field_of(result, "norms", "result")
    d_fake = np.asarray(field_of(result, "d_fake", "result"), dtype=float)
    if not isinstance(norms, Mapping) or not norms:
        raise TypeError("result.norms must be a non-empty dict {cost: array of shape (runs, steps)}")
    collapsed, runs = [], 1
    with slide_figure(1, 2, size=(13.5, 5.2)) as (fig, (left, right)):
        for i, (cost, values) in enumerate(norms.items()):
            values = np.atleast_2d(np.asarray(values, dtype=float))
            if values.shape[1] != steps.size or (values <= 0).any() or not np.isfinite(values).all():
                raise ValueError(
                    f"result.norms[{cost!r}] must hold positive finite norms of shape (runs, {steps.size})"
                )
            runs = values.shape[0]
            logs = np.log10(values)
            mean, spread = logs.mean(axis=0), (logs.std(axis=0, ddof=1) if runs > 1 else np.zeros(steps.size))
            change = values[:, -1] / values[:, 0]
            if (change <= 1e-2).all():
                collapsed.append(display_name(cost))
            style = curve_style(i, markevery=0.1)
            left.fill_between(
                steps, 10 ** (mean - spread), 10 ** (mean + spread), color=style["color"], alpha=0.2, linewidth=0
            )
            factor = f"×{change.min():.1e}" + (f" to ×{change.max():.1e}" if runs > 1 else "")
            left.semilogy(steps, 10**mean, label=f"{display_name(cost)}: {factor}", **style)
        left.set_xlabel("discriminator (critic) training steps, generator frozen")
        left.set_ylabel("‖∇_θ generator cost‖ (nats per unit of θ)")
        left.set_title(f"Gradient norm: geometric mean over {runs} run{'s' * (runs > 1)} (band ±1 s.d.)", fontsize=12)
        left.legend(loc="center right", fontsize=10, title="last / first step, over runs", title_fontsize=9)
        d_fake = np.atleast_2d(d_fake)
        if d_fake.shape[1] == steps.size:
            geometric = np.exp(np.log(np.clip(d_fake, 1e-300, 1.0)).mean(axis=0))
            right.semilogy(
                steps, geometric, label="mean D(G(z)) (geometric over runs)", **curve_style(4, markevery=0.1)
            )
            right.set_title(f"D(G(z)) goes from {geometric[0]:.2g} to {geometric[-1]:.2g}")
        right.set_xlabel("discriminator training steps")
        right.set_ylabel("D(G(z)) on the fixed batch (probability)")
        right.legend(loc="upper right")
        if collapsed:
            verdict = f"the {' and '.join(collapsed)} gradient{'s' * (len(collapsed) > 1)} fell ≥ 100× in every run, the others did not"
        else:
            verdict = "no gradient fell 100× in every run"
        fig.suptitle(f"Generator frozen, discriminator trained ({runs} run{'s' * (runs > 1)}):\n{verdict}")
    return fig


# -- the perfect-discriminator theorems -----------------------------------------------------


def plot_perfect_discriminator(panels) -> Figure:
    r"""A perfect discriminator between laws on low-dimensional supports: D on a grid, with samples of both laws.

    Parameters
    ----------
    panels : mapping of str to mapping or object
        Title -> data with fields ``x`` (shape ``(g,)``) and ``y`` (shape ``(h,)``), the grid's axes;
        ``values`` (shape ``(h, g)``), D on the grid; ``real`` and ``fake`` (shape ``(n, 2)``), samples of
        the data and of the generator.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per entry: D as a heatmap in [0, 1], the data's samples (green) and the generator's
        (black) on top [1]_.

    References
    ----------
    .. [1] M. Arjovsky and L. Bottou, "Towards principled methods for training generative adversarial
       networks", ICLR 2017, Theorems 2.1 and 2.2.

    Examples
    --------
    >>> import numpy as np
    >>> x = y = np.linspace(-1, 1, 5)
    >>> data = dict(x=x, y=y, values=(x[None, :] < 0) * np.ones((5, 1)), real=np.zeros((3, 2)), fake=np.ones((3, 2)) * 0.5)
    >>> fig = plot_perfect_discriminator({"two points": data})
    >>> fig.axes[0].get_title()
    'two points'
    """
    if not panels:
        raise ValueError("panels must hold at least one panel")
    n = len(panels)
    with slide_figure(1, n, size=(5.4 * n + 0.8, 5.6)) as (fig, axes):
        axes = [axes] if n == 1 else list(axes)
        mesh = None
        for ax, (title, data) in zip(axes, panels.items()):
            x = as_vector(field_of(data, "x", title), f"{title}.x", min_size=2)
            y = as_vector(field_of(data, "y", title), f"{title}.y", min_size=2)
            values = np.asarray(field_of(data, "values", title), dtype=float)
            if values.shape != (y.size, x.size):
                raise ValueError(f"{title}: values must have shape (len(y), len(x)) = {(y.size, x.size)}")
            real = np.asarray(field_of(data, "real", title), dtype=float).reshape(-1, 2)
            fake = np.asarray(field_of(data, "fake", title), dtype=float).reshape(-1, 2)
            mesh = ax.pcolormesh(x, y, values, vmin=0.0, vmax=1.0, cmap="RdBu_r", shading="nearest")
            ax.scatter(real[:, 0], real[:, 1], s=6, color="#009E73", label="data samples")
            ax.scatter(fake[:, 0], fake[:, 1], s=6, color="black", label="generator samples")
            ax.set_aspect("equal")
            ax.set_xlabel("x₁")
            ax.set_ylabel("x₂")
            ax.set_title(title)
            ax.grid(False)
        fig.colorbar(mesh, ax=axes, label='D(x) (probability of "real")', shrink=0.85)
        axes[0].legend(loc="lower left", fontsize=10, markerscale=3)
    return fig
