r"""Chapter 8 (``notebooks/08_critics_and_f_divergences.ipynb``): weak convergence, a figure in the spirit of WGAN's
Figure 2 and the Lipschitz critics, the f-GAN variational bound."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from gantheory.plotting._style import COLORS, as_vector, curve_style, field_of, slide_figure

# (attribute of gantheory.gan.critics.WeakConvergence, label) in drawing order.
WEAK_CONVERGENCE_CURVES = (
    ("kl", "KL(P‖P_n)"),
    ("reverse_kl", "KL(P_n‖P)"),
    ("js_divergence", "JSD"),
    ("tv", "TV"),
    ("w1", "W1"),
)


def plot_weak_convergence(result) -> Figure:
    r"""Divergences along a weakly converging sequence :math:`P_n \to P` against n: only W1 goes to 0.

    Parameters
    ----------
    result : gantheory.gan.critics.WeakConvergence
        As :func:`gantheory.gan.critics.weak_convergence` returns (attributes
        ``family``, ``n``, ``kl``, ``reverse_kl``, ``js_divergence``, ``tv``,
        ``w1``), e.g. its default :math:`\delta_{1/n} \to \delta_0`, n = 1...100.

    Returns
    -------
    matplotlib.figure.Figure
        One panel, n on a log axis: JSD, TV and W1 as curves, an infinite
        KL as a hatched band above the finite scale, labelled "= +∞".

    Notes
    -----
    :math:`\delta_{1/n} \to \delta_0` weakly, and so do the parallel lines
    :math:`P_{1/n} \to P_0`; yet the supports stay disjoint, so KL stays
    infinite, JSD at log 2 and TV at 1, while :math:`W_1 = 1/n`
    (Arjovsky et al. [1]_, Theorem 2 and Example 1).

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein GAN", ICML 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> fig = plot_weak_convergence(gt.gan.critics.weak_convergence())
    >>> fig.axes[0].get_xscale()
    'log'
    """
    n = as_vector(field_of(result, "n", "result"), "result.n", min_size=2)
    family = str(field_of(result, "family", "result"))
    values = {}
    for key, label in WEAK_CONVERGENCE_CURVES:
        y = np.asarray(field_of(result, key, "result"), dtype=float)
        if y.shape != n.shape:
            raise ValueError(f"result.{key} must have the shape of result.n {n.shape}, got {y.shape}")
        if np.isnan(y).any() or np.isneginf(y).any():
            raise ValueError(f"result.{key} holds NaN or -inf")
        values[label] = y
    finite_max = max(float(np.max(y[np.isfinite(y)], initial=0.0)) for y in values.values())
    scale = 1.1 * max(finite_max, 1.0)
    band = (1.06 * scale, 1.24 * scale)  # +inf is drawn in this band, off the finite scale
    names = {"dirac": ("δ(1/n)", "δ(0)"), "parallel_lines": ("the lines P(θ = 1/n)", "P(θ = 0)")}
    term, limit = names.get(family, ("P_n", "P"))
    infinite_labels = []
    with slide_figure(size=(9.0, 5.4)) as (fig, ax):
        for i, (label, y) in enumerate(values.items()):
            style = curve_style(i, markevery=0.1)
            if np.isposinf(y).all():
                infinite_labels.append(label)
                continue
            shown = np.where(np.isfinite(y), y, band[0])  # (+inf at some n only: drawn on the band's edge)
            ax.plot(n, shown, label=label, clip_on=False, **style)
        if infinite_labels:
            text = ", ".join(infinite_labels) + " = +∞ for every n"
            ax.axhspan(*band, facecolor="0.5", alpha=0.15, hatch="//", edgecolor="0.4", linewidth=0, label=text)
            ax.text(
                math.sqrt(n[0] * n[-1]),
                0.5 * (band[0] + band[1]),
                text,
                ha="center",
                va="center",
                fontsize=11,
                color="0.2",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
            )
        ax.axhline(math.log(2.0), color="0.4", linewidth=0.8, linestyle=":")
        ax.annotate(
            "log 2", (n[-1], math.log(2.0)), textcoords="offset points", xytext=(-30, 6), color="0.3", fontsize=10
        )
        ax.set_xscale("log")
        ax.set_ylim(0.0, band[1])
        ax.set_xlabel("n (the sequence's index)")
        ax.set_ylabel("divergence from the limit (nats; W1 in units of x)")
        ax.legend(loc="center right", bbox_to_anchor=(1.0, 0.32), fontsize=10)
        w1_last = values["W1"][-1]
        ax.set_title(
            f"{term} → {limit} weakly: W1 falls to {w1_last:.3g} at n = {n[-1]:g};\n"
            "KL, JSD and TV do not move (the supports stay disjoint)",
            fontsize=12,
        )
    return fig


# -- the critic's side: WGAN's Figure 2 and Lipschitz constraints ---------------------------------

_SLOPE_FLOOR = 1e-20  # slopes below this are drawn at it (log axis)


def _median_slope_between(land, slopes, statistic=np.median):
    """A statistic (the median) of |slope| between the two laws' means (where the generator's samples must travel)."""
    a, b = sorted((float(land.P.mean), float(land.Q.mean)))
    between = (land.grid >= a) & (land.grid <= b)
    return float(statistic(slopes[between] if between.any() else slopes))


def _bound(value, direction):
    """``value`` to one significant digit, rounded ``"up"`` or ``"down"`` so that a printed bound stays true (e.g. 1.2e-18 -> 2e-18 up)."""
    if not value > 0 or not math.isfinite(value):
        return f"{value:.0e}"
    exponent = math.floor(math.log10(value))
    digit = value / 10.0**exponent
    digit = math.ceil(digit - 1e-12) if direction == "up" else math.floor(digit + 1e-12)
    return f"{digit:.0f}e{exponent:+03d}" if digit < 10 else f"1e{exponent + 1:+03d}"


def plot_critics(landscape) -> Figure:
    r"""In the spirit of WGAN's Figure 2: the saturated optimal discriminator beside :math:`f^*` and trained Lipschitz critics.

    The paper's panel shows a *trained* GAN discriminator and a WGAN critic
    with clipped weights; this one shows the exact :math:`D^* = p/(p+q)` and
    the critics of ``landscape`` (by default, the gradient penalty and
    spectral normalization in chapter 8).

    Parameters
    ----------
    landscape : CriticLandscape
        As :func:`gantheory.gan.duality.critic_landscape` returns (its default:
        :math:`N(3, 0.5^2)` against :math:`N(-3, 0.5^2)`, four critics, 1000 steps).

    Returns
    -------
    matplotlib.figure.Figure
        Top: the densities, :math:`D^* = p/(p+q)` (right axis) and the critics
        (left axis, each shifted to match :math:`f^*`). Bottom: the slopes
        :math:`|dD^*/dx|` and :math:`|f'|` on a log axis (values below
        :math:`10^{-20}` drawn at :math:`10^{-20}`), each critic labelled with its
        median slope between the two means.

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017, Figure 2.

    Examples
    --------
    >>> import gantheory as gt
    >>> land = gt.gan.duality.critic_landscape(critics=["spectral_norm"], steps=100, log_every=100, n_eval=500)
    >>> fig = plot_critics(land)
    >>> fig.axes[1].get_yscale()
    'log'
    """
    x = as_vector(field_of(landscape, "grid", "landscape"), "landscape.grid", min_size=2)
    critics, slopes = field_of(landscape, "critics", "landscape"), field_of(landscape, "critic_slopes", "landscape")
    fake_slope, w1 = (
        float(field_of(landscape, "fake_slope", "landscape")),
        float(field_of(landscape, "w1", "landscape")),
    )
    with slide_figure(2, 1, size=(9.5, 9.0), sharex=True) as (fig, (top, bottom)):
        right = top.twinx()
        right.grid(False)
        scale = 0.35 / max(landscape.p.max(), landscape.q.max())
        right.fill_between(x, landscape.p * scale, color="0.80", linewidth=0, label="p, data (scaled)")
        right.fill_between(
            x, landscape.q * scale, color=COLORS[4], alpha=0.35, linewidth=0, label="q, generator (scaled)"
        )
        right.plot(x, landscape.discriminator, color="0.2", linewidth=2.6, label="D* = p/(p+q) (right axis)")
        right.set_ylim(-0.02, 1.02)
        right.set_ylabel("D*(x); densities (scaled)")
        top.set_zorder(right.get_zorder() + 1)
        top.patch.set_visible(False)
        top.plot(x, landscape.optimal, label="f* (exact, slope ±1)", **curve_style(0, markevery=0.1))
        for i, (label, f) in enumerate(critics.items(), start=1):
            top.plot(x, f, label=label, **(curve_style(i, markevery=0.1) | {"linewidth": 1.8}))
        top.set_ylabel("critic f(x) (shifted to match f*)")
        top.set_title(f"Critics between laws W1 = {w1:g} apart, and D*")
        handles = top.get_legend_handles_labels()
        extra = right.get_legend_handles_labels()
        top.legend(handles[0] + extra[0], handles[1] + extra[1], loc="upper left", fontsize=9)
        bottom.plot(
            x,
            np.maximum(landscape.discriminator_slope, _SLOPE_FLOOR),
            color="0.2",
            linewidth=2.6,
            label=f"|dD*/dx| (≤ {fake_slope:.2g} on q's central 98%)",
        )
        bottom.axhline(1.0, label="|f*′| = 1", **(curve_style(0) | {"marker": None}))
        lowest = []
        for i, (label, s) in enumerate(slopes.items(), start=1):
            median = _median_slope_between(landscape, s)
            lowest.append(_median_slope_between(landscape, s, np.min))
            bottom.plot(
                x,
                np.maximum(s, _SLOPE_FLOOR),
                label=f"{label}: median {median:.2g}",
                **(curve_style(i, markevery=0.1) | {"linewidth": 1.8}),
            )
        bottom.set_yscale("log")
        shown = np.concatenate([landscape.discriminator_slope, *slopes.values()])
        bottom.set_ylim(max(_SLOPE_FLOOR, shown[shown > 0].min(initial=1.0)) / 3, 30)
        bottom.set_xlim(x[0], x[-1])
        bottom.set_xlabel("x")
        bottom.set_ylabel("|slope| (log; < 1e-20 drawn at 1e-20)")
        bottom.set_title("The gradient the generator's samples receive")
        bottom.legend(
            loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9
        )  # beside the curves: they span the panel
        verdict = (
            f"D* saturates: its slope is ≤ {_bound(fake_slope, 'up')} where the generator's mass is"
            if fake_slope < 1e-3
            else f"D* does not saturate: its slope reaches {fake_slope:.2g} on the generator's mass"
        )
        fig.suptitle(
            verdict
            + (f";\nevery critic's slope between the means stays ≥ {_bound(min(lowest), 'down')}" if lowest else "")
        )
    return fig


def plot_critic_convergence(runs, *, laws=None) -> Figure:
    r"""The dual estimate of :math:`W_1` against training steps under each Lipschitz constraint, and what each critic learns.

    Parameters
    ----------
    runs : dict of str to CriticConvergence
        As :func:`gantheory.gan.duality.compare_constraints` returns (one pair
        of laws; e.g. the modes :math:`N(\pm 0.5, 0.15^2)` against :math:`N(0, 0.15^2)`,
        whose :math:`f^*` is a V, four critics, 1000 steps).
    laws : (Distribution, Distribution), optional
        The pair ``(P, Q)`` the runs compared: the right
        panel shades where both hold under 1% of their mass, where few samples constrain a critic.

    Returns
    -------
    matplotlib.figure.Figure
        Left: :math:`\mathbb{E}_P f - \mathbb{E}_Q f` on held-out samples (±2
        s.e.) against steps, beside the exact :math:`W_1`. Middle: the measured
        Lipschitz constant :math:`\max|f'|` (log axis), beside 1. Right: each
        critic at the end (shifted to match :math:`f^*`) beside :math:`f^*`.

    Examples
    --------
    >>> import gantheory as gt
    >>> P, Q = gt.Normal(1, 1), gt.Normal(0, 1)
    >>> runs = gt.gan.duality.compare_constraints(P, Q, critics=["spectral_norm"], steps=50, log_every=25, n_eval=500)
    >>> fig = plot_critic_convergence(runs, laws=(P, Q))
    >>> fig.axes[1].get_yscale()
    'log'
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict of label -> CriticConvergence, got {type(runs).__name__}")
    first = next(iter(runs.values()))
    w1 = float(field_of(first, "w1", "runs"))
    grid = as_vector(field_of(first, "grid", "runs"), "grid", min_size=2)
    with slide_figure(1, 3, size=(18.0, 5.6)) as (fig, (est, lip, shape)):
        est.axhline(w1, label=f"exact W1 = {w1:.4g}", **(curve_style(0) | {"marker": None}))
        lip.axhline(1.0, label="1-Lipschitz", **(curve_style(0) | {"marker": None}))
        shape.plot(
            grid,
            as_vector(field_of(first, "optimal", "runs"), "optimal"),
            label="f* (exact)",
            **curve_style(0, markevery=0.1),
        )
        verdicts = []
        for i, (label, run) in enumerate(runs.items(), start=1):
            steps = as_vector(field_of(run, "steps", label), f"{label}.steps")
            value = as_vector(field_of(run, "estimate", label), f"{label}.estimate")
            se = as_vector(field_of(run, "estimate_se", label), f"{label}.estimate_se")
            k = as_vector(field_of(run, "lipschitz", label), f"{label}.lipschitz")
            style = curve_style(i, markevery=0.1)
            est.fill_between(steps, value - 2 * se, value + 2 * se, color=style["color"], alpha=0.2, linewidth=0)
            est.plot(steps, value, label=f"{label}: {value[-1] / w1:.3g} W1", **style)
            lip.plot(steps, k, label=f"{label}: K = {k[-1]:.3g}", **style)
            shape.plot(
                grid, np.asarray(field_of(run, "critic", label))[-1], label=label, **(style | {"linewidth": 1.8})
            )
            below = k <= 1
            verdicts.append(bool(np.all(value[below] <= w1 + 3 * se[below])))
        est.set_ylim(-0.3 * w1, 1.4 * w1)
        est.set_xlabel("critic training steps")
        est.set_ylabel("E_P f − E_Q f (held-out samples)")
        est.set_title("Dual estimates (±2 s.e.) beside W1")
        est.legend(loc="lower right", fontsize=9)
        lip.set_yscale("log")
        lip.set_xlabel("critic training steps")
        lip.set_ylabel("measured Lipschitz constant max |f′|")
        lip.set_title("How Lipschitz each critic is")
        lip.legend(loc="lower right", fontsize=9)
        if laws is not None:  # where few samples fall, nothing holds a critic to f* (the gradient penalty bends there)
            lo, hi = min(L.ppf(0.005) for L in laws), max(L.ppf(0.995) for L in laws)
            shape.axvspan(
                grid[0], lo, color="0.88", zorder=0, label="P, Q: < 1% of the mass\n(few samples: f unconstrained)"
            )
            shape.axvspan(hi, grid[-1], color="0.88", zorder=0)
            shape.set_xlim(grid[0], grid[-1])
        shape.set_xlabel("x")
        shape.set_ylabel("f(x) at the end (shifted to match f*)")
        shape.set_title("What each critic learned, beside f*")
        shape.legend(loc="best", fontsize=9)
        fig.suptitle(
            "Kantorovich–Rubinstein duality: a K-Lipschitz critic estimates at most K·W1; "
            + (
                "every estimate with K ≤ 1 stays ≤ W1 + 3 s.e."
                if all(verdicts)
                else "some estimate with K ≤ 1 exceeds W1 + 3 s.e."
            )
        )
    return fig


# -- the f-GAN variational bound --------------------------------------------------------------


def plot_variational_bound(runs) -> Figure:
    r"""The f-GAN lower bound :math:`E_P T - E_Q f^*(T)` against training steps beside the exact :math:`D_f`, and the learned T beside :math:`f'(p/q)`.

    Parameters
    ----------
    runs : VariationalBound or sequence of them
        As :func:`gantheory.gan.fgan.variational_bound` returns (1-D laws; the
        tour's: P = N(0, 1), Q = N(1, 1), ``f = "kl"`` and ``"gan"``, 600 Adam
        steps each, rng 0, log every 50 steps, 5,000 held-out points from each law).

    Returns
    -------
    matplotlib.figure.Figure
        One column per run. Top: the held-out bound (±2 standard errors)
        against steps, with :math:`D_f(P\|Q)`; the title gives the last
        bound and says whether every record stayed below
        :math:`D_f + 3` s.e. Bottom: the final T on a grid, the optimal
        critic :math:`T^* = f'(p/q)` [1]_ and, shaded, :math:`\tfrac12(p + q)`
        (where the mass is, right axis).

    References
    ----------
    .. [1] S. Nowozin, B. Cseke and R. Tomioka, "f-GAN: Training generative neural samplers using variational
       divergence minimization", NeurIPS 2016.

    Examples
    --------
    >>> import gantheory as gt
    >>> from gantheory.gan.fgan import variational_bound
    >>> run = variational_bound(gt.Normal(0, 1), gt.Normal(1, 1), "kl", steps=40, log_every=20, n_eval=1000)
    >>> fig = plot_variational_bound(run)
    >>> fig.axes[0].get_xlabel()
    'critic training steps'
    """
    if hasattr(runs, "bound") or (isinstance(runs, Mapping) and "bound" in runs):  # one run (a dataclass or mapping)
        runs = [runs]
    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one VariationalBound")
    k = len(runs)
    with slide_figure(2, k, size=(6.0 * k, 8.6)) as (fig, axes):
        axes = np.asarray(axes).reshape(2, k)
        verdicts = []
        for j, run in enumerate(runs):
            top, bottom = axes[0, j], axes[1, j]
            name = str(field_of(run, "f", "run"))
            t = as_vector(field_of(run, "steps", "run"), "run.steps")
            bound, se = (as_vector(field_of(run, key, "run"), f"run.{key}") for key in ("bound", "se"))
            exact = float(field_of(run, "exact", "run"))
            if not (t.shape == bound.shape == se.shape):
                raise ValueError("run.steps, .bound and .se must have one length")
            below = bool(np.all(bound <= exact + 3 * se))
            verdicts.append(below)
            top.fill_between(t, bound - 2 * se, bound + 2 * se, color=COLORS[1], alpha=0.25, linewidth=0)
            top.plot(t, bound, label="E_P T − E_Q f*(T), held out (±2 s.e.)", **curve_style(1, markevery=0.1))
            top.axhline(exact, label=f"exact D_f = {exact:.4f}", **(curve_style(0) | {"marker": None}))
            lo, hi = (
                min(exact, float(np.min(bound - 2 * se))),
                max(exact, float(np.max(bound + 2 * se))),
            )  # every record on the scale
            pad = 0.08 * max(hi - lo, 0.05)
            top.set_ylim(lo - pad, hi + pad)
            top.set_xlabel("critic training steps")
            top.set_ylabel("nats")
            top.set_title(
                f"f = {name}: last bound {bound[-1]:.4f} ± {se[-1]:.4f}\n"
                + ("every record ≤ D_f + 3 s.e." if below else "some record above D_f + 3 s.e.")
            )
            top.legend(loc="lower right", fontsize=10)
            grid = field_of(run, "grid", "run")
            if grid is None:
                bottom.set_axis_off()
                continue
            grid = as_vector(grid, "run.grid", min_size=2)
            critic, optimal, density = (
                as_vector(field_of(run, key, "run"), f"run.{key}") for key in ("critic", "optimal_critic", "density")
            )
            mass = bottom.twinx()
            mass.fill_between(grid, density, color="0.85", linewidth=0)
            mass.set_ylabel("(p + q) / 2 (shaded)")
            mass.grid(False)
            bottom.set_zorder(mass.get_zorder() + 1)
            bottom.patch.set_visible(False)
            bottom.plot(grid, optimal, label="T* = f′(p/q)", **curve_style(0, markevery=0.1))
            bottom.plot(grid, critic, label="trained T = g_f(V)", **curve_style(2, markevery=0.1))
            heavy = density >= 0.01 * density.max()
            lo, hi = np.nanmin(optimal[heavy]), np.nanmax(optimal[heavy])
            pad = 0.15 * (hi - lo) + 1e-3
            bottom.set_ylim(lo - pad, hi + pad)
            bottom.set_xlabel("x")
            bottom.set_ylabel("critic T(x)")
            bottom.set_title(f"The learned critic and f′(p/q) for f = {name}")
            bottom.legend(loc="best", fontsize=10)
        fig.suptitle(
            "f-GAN variational bounds rise towards D_f "
            + ("and stay below it (within 3 s.e.)" if all(verdicts) else "(some records exceed D_f + 3 s.e.)")
        )
    return fig


# -- the generator's gradient through a critic trained n_critic steps --------------------------


def plot_critic_gradient_bias(results) -> Figure:
    r"""The generator's gradient through a critic trained ``n_critic`` steps, as a share of Theorem 3's, per seed.

    Parameters
    ----------
    results : CriticGradientBias, or dict of str to them
        As :func:`gantheory.gan.wgan_gradients.critic_gradient_bias` returns
        (attributes ``n_critic``, ``gradient`` of shape (seeds, steps) and
        ``optimal``); a dict gives one panel per entry, titled by its key.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per result, ``n_critic`` on a log axis: each seed's
        :math:`g_n / \partial_\theta W_1` (thin), their mean (thick, ±2
        standard errors shaded), 1 (Theorem 3's gradient, the optimal critic)
        and 0 (no gradient); below 0 the generator is pushed the wrong way.
        Each title gives the relative bias at the last ``n_critic`` and how
        many seeds still point the wrong way.

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017, Theorem 3 and Algorithm 1.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(n_critic=np.array([1, 10, 100]), optimal=-1.0,
    ...                     gradient=np.array([[0.5, -0.8, -1.05], [-0.2, -0.9, -1.04]]))
    >>> fig = plot_critic_gradient_bias({"gradient penalty": r})
    >>> fig.axes[0].get_xscale()
    'log'
    """
    if not isinstance(results, Mapping):
        results = {str(getattr(results, "constraint", "critic")).replace("_", " "): results}
    if not results:
        raise ValueError("results must hold at least one CriticGradientBias")
    k = len(results)
    with slide_figure(1, k, size=(6.4 * k, 5.6), sharey=True) as (fig, axes):
        axes = np.atleast_1d(axes)
        for ax, (label, result) in zip(axes, results.items()):
            n = as_vector(field_of(result, "n_critic", label), f"{label}.n_critic", min_size=2)
            gradient = np.asarray(field_of(result, "gradient", label), dtype=float)
            optimal = float(field_of(result, "optimal", label))
            if gradient.ndim != 2 or gradient.shape[1] != n.size:
                raise ValueError(f"{label}.gradient must have shape (seeds, {n.size}), got {gradient.shape}")
            if not (optimal != 0 and math.isfinite(optimal)):
                raise ValueError(f"{label}.optimal must be a finite nonzero gradient, got {optimal}")
            relative = gradient / optimal
            seeds = relative.shape[0]
            mean = relative.mean(axis=0)
            se = relative.std(axis=0, ddof=1) / math.sqrt(seeds) if seeds > 1 else np.zeros(n.size)
            style = curve_style(1, markevery=None)
            for i, row in enumerate(relative):
                ax.plot(n, row, color=style["color"], alpha=0.35, linewidth=1.0, label="each seed" if i == 0 else None)
            ax.fill_between(n, mean - 2 * se, mean + 2 * se, color=style["color"], alpha=0.15, linewidth=0)
            ax.plot(n, mean, label=f"mean of {seeds} seeds (±2 s.e.)", **style)
            ax.axhline(1.0, label="Theorem 3: the optimal critic", **(curve_style(0) | {"marker": None}))
            ax.axhline(0.0, color="0.4", linewidth=0.8, linestyle=":")
            ax.set_xscale("log")
            ax.set_xlabel("critic steps n_critic (from a fresh critic)")
            wrong = int((relative[:, -1] < 0).sum())
            ax.set_title(
                f"{label}: mean {mean[-1]:.2f} × ∂W1/∂θ after {int(n[-1])} steps;\n{wrong} of {seeds} seeds point the wrong way"
            )
            ax.legend(loc="lower right", fontsize=9)
        axes[0].set_ylabel("generator's gradient / ∂W1/∂θ")
        fig.suptitle("The generator's gradient through a critic trained n_critic steps, against Theorem 3's")
    return fig
