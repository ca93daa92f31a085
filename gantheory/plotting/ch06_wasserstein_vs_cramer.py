r"""Chapter 6 (``notebooks/06_wasserstein_vs_cramer.ipynb``): the parallel lines (WGAN's Example 1) and the
Bernoulli sample losses of W1 and Cramér."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from gantheory.plotting._style import COLORS, as_vector, curve_style, field_of, slide_figure

# -- the parallel lines ---------------------------------------------------------------

# (attribute of gantheory.gan.ParallelLinesSweep, label) in drawing order.
PARALLEL_LINES_CURVES = (
    ("kl", "KL(P₀‖P_θ)"),
    ("js_divergence", "JSD"),
    ("tv", "TV"),
    ("w1", "W1"),
    ("cramer", "Cramér ℓ2"),
)


def _broken_line(ax, x, y, top, label, style):
    """Draw y(x) with a gap at each jump (a discontinuity is not a steep slope); +inf drawn at ``top``."""
    shown = np.where(np.isfinite(y), y, top)
    jump = np.abs(np.diff(shown)) > 0.25 * top
    cut = np.flatnonzero(jump) + 1
    ax.plot(np.insert(x, cut, np.nan), np.insert(shown, cut, np.nan), label=label, clip_on=False, **style)
    lonely = np.flatnonzero(np.r_[True, jump] & np.r_[jump, True])  # a point cut off on both sides: mark it
    if lonely.size:  # (an empty unclipped line would stretch the layout to the origin)
        ax.plot(
            x[lonely],
            shown[lonely],
            linestyle="none",
            marker=style["marker"],
            color=style["color"],
            markersize=9,
            clip_on=False,
        )


def plot_parallel_lines(sweep) -> Figure:
    r"""Figure 1: divergences between two parallel lines :math:`P_0` and :math:`P_\theta`, and their slopes, against θ.

    Parameters
    ----------
    sweep : gantheory.gan.ParallelLinesSweep
        As :func:`gantheory.gan.parallel_lines_sweep` returns (attributes
        ``theta``, ``kl``, ``js_divergence``, ``tv``, ``w1``, ``cramer`` and
        ``d_<name>`` for the derivatives).

    Returns
    -------
    matplotlib.figure.Figure
        Left the divergences, with an infinite value (KL off θ = 0) drawn as
        a hatched band above the finite scale, labelled "= +∞", with arrows
        pointing off the scale; right their derivatives in θ, the gradient a
        generator at θ would receive, where they exist (none at θ = 0 for
        W1, JSD, TV and Cramér; none anywhere for KL), with the Cramér
        slope's growth :math:`\pm\sqrt{\log(1/|\theta|)}` near 0 dashed.

    Notes
    -----
    :math:`P_\theta = \delta_\theta \otimes U[0, 1]`. For θ ≠ 0 the lines are
    disjoint: KL = ∞, JSD = log 2 and TV = 1 whatever θ, so they give a
    generator at θ no gradient towards 0, while :math:`W_1 = |\theta|` and the
    Cramér distance :math:`\ell_2 = \sqrt{E/2}` (E the energy distance) shrink
    continuously [1]_. W1 has slope :math:`\operatorname{sign}\theta` off 0
    and a kink at 0; :math:`\ell_2 \approx |\theta|\sqrt{\log(1/|\theta|)}`
    has a slope that grows without bound as θ → 0, with
    :math:`\ell_2'(\theta)/\sqrt{\log(1/|\theta|)} \to \pm 1`
    (:func:`gantheory.gan.parallel_lines_sweep`).

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein GAN", ICML 2017, Example 1 and Figure 1.

    Examples
    --------
    >>> import gantheory as gt
    >>> fig = plot_parallel_lines(gt.gan.parallel_lines_sweep([-0.5, 0.0, 0.5]))
    >>> fig.axes[0].get_title()
    'Divergence from P₀'
    """
    theta = as_vector(field_of(sweep, "theta", "sweep"), "sweep.theta", min_size=2)
    order = np.argsort(theta)
    theta = theta[order]
    values, slopes = {}, {}
    for key, label in PARALLEL_LINES_CURVES:
        y = np.asarray(field_of(sweep, key, "sweep"), dtype=float)
        has_slope = ("slope_" + key) in sweep if isinstance(sweep, Mapping) else hasattr(sweep, "slope_" + key)
        dy = np.asarray(
            field_of(sweep, ("slope_" if has_slope else "d_") + key, "sweep"), dtype=float
        )  # d_ before the rename
        if y.shape != order.shape or dy.shape != order.shape:
            raise ValueError(f"sweep.{key} and sweep.slope_{key} must have the shape of sweep.theta {order.shape}")
        if np.isnan(y).any() or np.isneginf(y).any():
            raise ValueError(f"sweep.{key} holds NaN or -inf")
        values[label], slopes[label] = y[order], dy[order]
    finite_max = max(float(np.max(y[np.isfinite(y)], initial=0.0)) for y in values.values())
    scale = 1.1 * max(finite_max, math.log(2.0))  # the finite values live below this
    band = (1.06 * scale, 1.22 * scale)  # +inf is drawn in this band, off the finite scale
    finite_slopes = np.concatenate([s[np.isfinite(s)] for s in slopes.values()] + [np.zeros(1)])
    slope_top = 1.3 * max(1.0, float(np.max(np.abs(finite_slopes))))
    with slide_figure(1, 2, size=(14.0, 5.6)) as (fig, (left, right)):
        for i, label in enumerate(values):
            style = curve_style(i, markevery=0.08)
            y = values[label]
            infinite = np.isposinf(y)
            if infinite.any():
                # +inf is no number on the axis: a labelled band above the scale, arrows pointing off it
                left.axhspan(
                    *band, facecolor=style["color"], alpha=0.12, hatch="//", edgecolor=style["color"], linewidth=0
                )
                where = theta[infinite]
                arrows = where[np.linspace(0, where.size - 1, min(where.size, 7)).round().astype(int)]
                for x in np.unique(arrows):
                    left.annotate(
                        "",
                        xy=(x, band[1]),
                        xytext=(x, band[0]),
                        annotation_clip=False,
                        arrowprops={"arrowstyle": "-|>", "color": style["color"], "linewidth": 1.5},
                    )
                finite = ~infinite
                left.plot(
                    theta[finite],
                    y[finite],
                    linestyle="none",
                    marker=style["marker"],
                    color=style["color"],
                    markersize=9,
                    clip_on=False,
                )
                zero = " (0 at θ = 0)" if finite.any() else ""
                left.plot(
                    [],
                    [],
                    color=style["color"],
                    marker=style["marker"],
                    linestyle="none",
                    label=f"{label} = +∞ for θ ≠ 0{zero}",
                )  # the legend entry of the band
                left.text(
                    0.5 * (theta[0] + theta[-1]),
                    0.5 * (band[0] + band[1]),
                    f"{label} = +∞ for θ ≠ 0",
                    ha="center",
                    va="center",
                    fontsize=11,
                    color=style["color"],
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
                )
            else:
                _broken_line(left, theta, y, band[0], label, style)
            if np.isfinite(slopes[label]).any():  # NaN where the derivative does not exist (KL everywhere)
                right.plot(theta, slopes[label], label=label, **style)
        left.set_ylim(0.0, band[1])
        left.axhline(math.log(2.0), color="0.4", linewidth=0.8, linestyle=":")
        left.annotate(
            "log 2", (theta[0], math.log(2.0)), textcoords="offset points", xytext=(2, 4), color="0.3", fontsize=10
        )
        left.set_ylabel("divergence (nats; W1, Cramér in units of x)")
        left.set_title("Divergence from P₀")
        # The Cramér slope grows like ±sqrt(log(1/|θ|)) as θ -> 0: dashed where that is on the scale.
        near = np.geomspace(math.exp(-(slope_top**2)), 0.1, 200)
        growth = np.sqrt(np.log(1.0 / near))
        growth_lines = [
            right.plot(sign * near, sign * growth, color="0.25", linewidth=1.2, linestyle=(0, (3, 2)))[0]
            for sign in (1.0, -1.0)
        ]
        right.set_ylim(-slope_top, slope_top)
        right.annotate(
            "W1: kink at 0\n(slopes −1 | +1)",
            (0.0, -1.0),
            textcoords="offset points",
            xytext=(8, -34),
            fontsize=10,
            color="0.25",
        )
        right.axhline(0.0, color="0.4", linewidth=0.8)
        right.set_ylabel("d divergence / dθ (per unit of θ)")
        right.set_title("Its slope: the generator's gradient (KL: none)")
        right.legend(growth_lines[:1], ["±√log(1/|θ|): the Cramér\nslope → ±∞ as θ → 0"], loc="upper left", fontsize=10)
        fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncol=5, fontsize=11)
        for ax in (left, right):
            ax.set_xlabel("θ (offset between the lines, units of x)")
        fig.suptitle(
            "Parallel lines P₀, P_θ: KL = ∞, JSD and TV are flat off θ = 0; W1 and Cramér (= √(E/2)) shrink to 0 with θ"
        )
    return fig


# -- Wasserstein vs Cramér -----------------------------------------------------------------


def plot_bernoulli_bias(losses, minimizers) -> Figure:
    r"""Figure 11: a Bernoulli example of biased W1 sample gradients (Bellemare et al.): the expected sample losses of W1 and of Cramér², and their minimizers against m.

    Parameters
    ----------
    losses : BernoulliSampleLosses
        As :func:`gantheory.gan.bernoulli_sample_losses` returns (e.g. p = 0.3, m = 1, 2, 5, 20, 100).
    minimizers : BernoulliMinimizers
        As :func:`gantheory.gan.bernoulli_minimizers` returns (e.g. the same p, m from 1 to 1000).

    Returns
    -------
    matplotlib.figure.Figure
        Left: :math:`E\,W_1(\hat P_m, Q_\theta)` against θ for each m with the
        true :math:`W_1 = |p - \theta|`; middle: the same for
        :math:`\ell_2^2`; right: where each is smallest, against m. The W1
        minimizer (a median of K/m) is in general not p: with
        p = 0.3 it is p only where mp is an integer (the binomial's median
        is then mp: m = 20 and 100 of the example's curves, m = 10, 100 and
        1000 of its minimizers); the title counts the sizes where it
        misses p. The Cramér² one is p for every m [1]_.

    References
    ----------
    .. [1] M. G. Bellemare et al., "The Cramer distance as a solution to biased Wasserstein gradients", arXiv:1705.10743, 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> losses = gt.gan.bernoulli_sample_losses(0.3, [1, 2, 5, 20, 100])
    >>> fig = plot_bernoulli_bias(losses, gt.gan.bernoulli_minimizers(0.3, np.unique(np.geomspace(1, 1000, 19).astype(int))))
    >>> fig.axes[2].get_xscale()
    'log'
    """
    p = float(field_of(losses, "p", "losses"))
    theta = as_vector(field_of(losses, "theta", "losses"), "losses.theta", min_size=2)
    m = np.atleast_1d(np.asarray(field_of(losses, "m", "losses")))
    w1, c2 = (np.asarray(field_of(losses, key, "losses"), dtype=float) for key in ("w1", "cramer2"))
    if w1.shape != (m.size, theta.size) or c2.shape != w1.shape:
        raise ValueError(f"losses.w1 and losses.cramer2 must have shape (len(m), len(theta)) = {(m.size, theta.size)}")
    mm = as_vector(field_of(minimizers, "m", "minimizers"), "minimizers.m")
    low, high, cr = (
        as_vector(field_of(minimizers, key, "minimizers"), f"minimizers.{key}")
        for key in ("w1_low", "w1_high", "cramer2")
    )
    if not (mm.shape == low.shape == high.shape == cr.shape):
        raise ValueError("minimizers.m, .w1_low, .w1_high and .cramer2 must have one length")
    with slide_figure(1, 3, size=(16.0, 5.2)) as (fig, (left, middle, right)):
        for i, size in enumerate(m):
            style = curve_style(i + 1, markevery=0.1) | {"linewidth": 1.8}
            left.plot(theta, w1[i], label=f"E W1, m = {size}", **style)
            middle.plot(theta, c2[i], label=f"E ℓ2², m = {size}", **style)
            left.plot(
                theta[np.argmin(w1[i])], w1[i].min(), marker="*", markersize=14, color=style["color"], linestyle="none"
            )
        left.plot(theta, np.abs(p - theta), label="true W1 = |p − θ|", **(curve_style(0) | {"marker": None}))
        middle.plot(theta, (p - theta) ** 2, label="true ℓ2² = (p − θ)²", **(curve_style(0) | {"marker": None}))
        for ax, where in ((left, "upper left"), (middle, "upper center")):
            ax.axvline(p, color="0.4", linewidth=0.8, linestyle=":")
            ax.set_xlabel("θ of the model Q_θ = Bernoulli(θ)")
            ax.legend(loc=where, fontsize=9)
        left.set_ylabel("expected sample loss (units of x)")
        left.set_title("W1 of an m-sample batch (★ minimum)")
        middle.set_ylabel("expected sample loss (units of x²)")
        middle.set_title("Cramér² of an m-sample batch")
        right.fill_between(mm, low, high, color=COLORS[1], alpha=0.25, linewidth=0)
        right.semilogx(mm, low, label="argmin E W1 (a median of K/m)", **curve_style(1))
        right.semilogx(mm, cr, label="argmin E ℓ2² = p", **curve_style(2))
        right.axhline(p, color="0.4", linewidth=0.8, linestyle=":")
        right.set_xlabel("batch size m")
        right.set_ylabel("minimizing θ")
        right.set_title(f"Where SGD would converge (p = {p:g})")
        right.legend(loc="lower right")
        off = int(np.sum((low > p + 1e-12) | (high < p - 1e-12)))  # sizes whose W1 minimizers exclude p
        fig.suptitle(
            f"Sample W1 gradients are biased (the minimizer misses p = {p:g} for {off} of {mm.size} batch sizes); "
            "Cramér² gradients are not"
        )
    return fig
