r"""Every figure of gantheory: one function per figure, each returning a matplotlib ``Figure``.

Each ``plot_*`` function takes the data a library function returns (or
computes it with a documented default when given nothing) and draws it in one
house style: large fonts for slides, and every curve told apart by its line
style and marker as well as its colour, so a greyscale print still reads.
When a figure is drawn, each legend that would cover data moves to a free
corner, to headroom above the data, or out of its axes; :func:`figure_problems`
lists what would still keep a figure off a slide (a legend over data, text
under 8 pt or off the figure, a mostly empty panel), and the tests run it on
every figure of the tour. Losses and costs appear under their
:data:`DISPLAY_NAMES` ("WGAN-GP", not ``wgan_gp``).
Nothing here calls ``pyplot``: figures are built with
:class:`matplotlib.figure.Figure`, never shown, and saved by the caller
(``fig.savefig(path)``); ``gantheory tour`` saves them all.

====================================  ==================================================================
:func:`plot_parallel_lines`           1. KL, JSD, W1, Cramér, TV against θ (WGAN Example 1), and their slopes
:func:`plot_estimator_errors`         2. each sample estimator's error against n, with its fitted rate
:func:`plot_mle_is_kl`                3. average NLL = cross-entropy; the MLE's excess KL against (½ + (κ−1)/4)/n
:func:`plot_projections`              4. forward KL, reverse KL, JSD and W1 fits of a normal to two modes
:func:`plot_js_optima`                4b. every local minimum of the JSD over the normals, with its value
:func:`plot_optimal_discriminator`    5. D* = p/(p+q) beside a trained D; V(D, G) rising to V(D*, G)
:func:`plot_critics`                  5b. WGAN Figure 2: the saturated D* beside f* and Lipschitz critics
:func:`plot_critic_convergence`       5c. dual estimates of W1, Lipschitz constants and learned critics per constraint
:func:`plot_generator_costs`          6. generator costs and slopes against D(G(z)) and the logit
:func:`plot_vanishing_gradient`       7. the generator's gradient norm as D trains, per cost
:func:`plot_dirac_gan`                8. Dirac-GAN fields, trajectories, update-map eigenvalues
:func:`plot_game_spectrum`            9. a small MLP game's Jacobian spectrum with and without R1
:func:`plot_ring_training`            10. a 2-D GAN on the ring of 8 under two losses, and its history
:func:`plot_bernoulli_bias`           11. W1 vs Cramér² expected sample losses and minimizers
:func:`plot_training_snapshots`       one run's snapshots (``gantheory train``)
:func:`animate_training`              the training GIF (samples over the discriminator, with arrows)
:func:`plot_mode_collapse`            10b. methods × steps over the modes; modes covered, high quality
====================================  ==================================================================

The data come from the library (figure 2 from
:func:`gantheory.divergences.rates.estimator_errors`, figure 4 from
:func:`gantheory.mle.projection_fits`, figure 7 from
:func:`gantheory.gan.gradients.vanishing_gradient`, ...); here are only the
drawing and the style: :data:`STYLE`, :func:`curve_style`.

Examples
--------
>>> from gantheory import plotting
>>> fig = plotting.plot_parallel_lines(theta=[-1.0, 0.0, 1.0])
>>> fig.axes[0].get_xlabel()
'θ (offset between the lines, units of x)'
"""

from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from gantheory import mle
from gantheory._rng import as_generator
from gantheory._validation import as_float_array, check_positive_int
from gantheory.distributions import Distribution, Mixture, Normal, PointMasses
from gantheory.divergences import rates

__all__ = [
    "STYLE",
    "curve_style",
    "plot_parallel_lines",
    "plot_weak_convergence",
    "plot_estimator_errors",
    "plot_mle_is_kl",
    "plot_projections",
    "plot_js_optima",
    "plot_optimal_discriminator",
    "plot_critics",
    "plot_critic_convergence",
    "plot_generator_costs",
    "plot_vanishing_gradient",
    "plot_dirac_gan",
    "plot_game_spectrum",
    "plot_step_size_radius",
    "plot_training_snapshots",
    "plot_ring_training",
    "animate_training",
    "plot_mode_collapse",
    "plot_bernoulli_bias",
    "plot_fid_bias",
    "plot_witness",
    "plot_dropped_modes",
    "plot_variational_bound",
    "figure_problems",
    "FITNESS",
    "GENERATOR_COST_PANELS",
    "DISPLAY_NAMES",
]

# -- the house style ------------------------------------------------------------------

#: rcParams used for every figure: large text for slides, thick lines, light grid.
STYLE = {
    "font.size": 13,
    "axes.titlesize": 13,
    "axes.labelsize": 13,
    "figure.titlesize": 15,
    "legend.fontsize": 11,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "lines.linewidth": 2.2,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.framealpha": 0.9,
    "savefig.dpi": 110,
    "figure.dpi": 110,
}

# Okabe-Ito colours (safe for colour blindness), each with its own dash pattern and marker.
_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 1)), (0, (3, 2, 1, 2)))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def curve_style(i: int, *, markevery=None) -> dict:
    """The line properties of the ``i``-th curve of a figure: colour, dash pattern and marker.

    Examples
    --------
    >>> curve_style(1)["linestyle"], curve_style(1)["marker"]
    ('--', 's')
    """
    i = int(i) % len(_COLORS)
    style = dict(color=_COLORS[i], linestyle=_LINESTYLES[i], marker=_MARKERS[i])
    if markevery is not None:
        style["markevery"] = markevery
    return style


@contextlib.contextmanager
def _figure(nrows=1, ncols=1, *, size=(8.0, 5.0), **subplot_kw):
    """A new Figure in the house style, with its axes (a flat array when there are several), laid out by :class:`_SlideLayout`."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=size, layout=_SlideLayout())
        axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
        yield fig, (axes[0, 0] if nrows * ncols == 1 else axes.ravel())


def _vector(a, name, *, min_size=1):
    """A finite 1-D float array of at least ``min_size`` entries."""
    a = as_float_array(a, name, np)
    if a.ndim != 1 or a.size < min_size:
        raise ValueError(f"{name} must be a 1-D array of at least {min_size} numbers, got shape {a.shape}")
    return a


def _field(data, key, name):
    """``data[key]`` or ``data.key``: the plotting functions take mappings and dataclasses alike."""
    if isinstance(data, Mapping):
        if key in data:
            return data[key]
    elif hasattr(data, key):
        return getattr(data, key)
    raise TypeError(
        f"{name} must have a {key!r} field (a mapping or an object with that attribute), got {type(data).__name__}"
    )


#: How the figures name the losses and costs that the code spells with underscores.
DISPLAY_NAMES = {
    "minimax": "minimax",
    "non_saturating": "non-saturating",
    "maximum_likelihood": "maximum-likelihood",
    "least_squares": "least-squares",
    "wgan": "WGAN",
    "wgan_gp": "WGAN-GP",
    "cramer": "Cramér",
}


def _display(name) -> str:
    """The display name of a loss or cost (``"wgan_gp"`` → ``"WGAN-GP"``); another name with its underscores as hyphens."""
    return DISPLAY_NAMES.get(name, str(name).replace("_", "-"))


# -- fit for a slide: legends off the data, text large enough, panels filled ----------------------

#: The thresholds of :func:`figure_problems`: the largest share of an artist's drawn points a legend
#: may cover, the smallest text in points, the smallest share of an axes' width and height its data span.
FITNESS = {"legend_overlap": 0.01, "min_points": 8.0, "min_span": 0.4}
_STEP_PX = 2.0  # lines and outlines are sampled every 2 pixels
_LEGEND_LOCS = (
    "upper right",
    "upper left",
    "lower left",
    "lower right",
    "center right",
    "center left",
    "upper center",
    "lower center",
)


def _resample(xy, step=_STEP_PX):
    """The vertices of a polyline in display coordinates and points every ``step`` pixels between them (NaN breaks it)."""
    xy = np.asarray(xy, float).reshape(-1, 2)
    finite = np.all(np.isfinite(xy), axis=1)
    a, b = xy[:-1][finite[:-1] & finite[1:]], xy[1:][finite[:-1] & finite[1:]]
    n = np.clip(np.hypot(*(b - a).T) / step, 1, 10_000).astype(int)  # points per segment
    t = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
    segment = np.repeat(np.arange(len(a)), n)
    return np.concatenate([a[segment] + t[:, None] * (b - a)[segment], xy[finite]])


def _artist_points(artist):
    """The drawn points of a line, collection or patch, in display coordinates (markers as points, lines sampled)."""
    from matplotlib.collections import PolyCollection, QuadMesh
    from matplotlib.lines import Line2D
    from matplotlib.quiver import Quiver

    if isinstance(artist, Line2D):
        xy = artist.get_transform().transform(
            np.column_stack([artist.get_xdata(orig=False), artist.get_ydata(orig=False)]).astype(float)
        )
        return (
            xy[np.all(np.isfinite(xy), axis=1)]
            if artist.get_linestyle() in ("None", "none", "", " ")
            else _resample(xy)
        )
    if isinstance(artist, QuadMesh):
        return artist.get_transform().transform(np.asarray(artist.get_coordinates(), float).reshape(-1, 2))
    offsets = artist.get_offsets() if hasattr(artist, "get_offsets") else []
    if len(offsets) and (
        not isinstance(artist, PolyCollection) or isinstance(artist, Quiver)
    ):  # scatter points, arrows
        xy = artist.get_offset_transform().transform(np.asarray(offsets, float))
        return xy[np.all(np.isfinite(xy), axis=1)]
    paths = artist.get_paths() if hasattr(artist, "get_paths") else [artist.get_path()]
    parts = [_resample(artist.get_transform().transform(p.vertices)) for p in paths if len(p.vertices)]
    return np.concatenate(parts) if parts else np.empty((0, 2))


def _inside(points, bbox, pad=0.0):
    x, y = points[:, 0], points[:, 1]
    return (x >= bbox.x0 + pad) & (x <= bbox.x1 - pad) & (y >= bbox.y0 + pad) & (y <= bbox.y1 - pad)


def _data_points(fig, *, backgrounds=False):
    """``[(axes, artist, display points)]`` of every visible data artist, its points clipped to its axes.

    Heat maps (images, meshes) are backgrounds: left out unless ``backgrounds``.
    """
    from matplotlib.collections import QuadMesh

    found = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        artists = [*ax.get_lines(), *ax.collections, *ax.patches]
        for artist in artists:
            if not artist.get_visible() or (isinstance(artist, QuadMesh) and not backgrounds):
                continue
            points = _artist_points(artist)
            if artist.get_clip_on():
                points = points[_inside(points, ax.bbox)]
            if len(points):
                found.append((ax, artist, points))
        if backgrounds:
            for image in ax.images:
                if image.get_visible():
                    x0, x1, y0, y1 = image.get_extent()
                    found.append((ax, image, ax.transData.transform([[x0, y0], [x1, y1]])))
    return found


def _legend_cover(legend, data, renderer):
    """``[(artist, share of its points under the legend)]`` for every artist of ``data``."""
    box = legend.get_window_extent(renderer)  # grown by 3 pixels: a line's half-width under the frame counts
    return [(artist, float(np.mean(_inside(points, box, pad=-3.0)))) for _, artist, points in data]


def _headroom(leg, renderer) -> bool:
    """Raise the top of the legend's axes so that its data leave a band above them as tall as the legend; False if it cannot."""
    ax, box = leg.axes, leg.get_window_extent(renderer)
    share = box.height / ax.bbox.height + 0.04
    lo, hi = ax.get_ylim()
    if ax.get_aspect() != "auto" or share > 0.45 or box.width > 0.95 * ax.bbox.width or not lo < hi:
        return False
    if ax.get_yscale() == "log" and lo > 0:
        ax.set_ylim(lo, lo * (hi / lo) ** (1.0 / (1.0 - share)))
    elif ax.get_yscale() == "linear":
        ax.set_ylim(lo, lo + (hi - lo) / (1.0 - share))
    else:
        return False
    return True


class _SlideLayout(ConstrainedLayoutEngine):
    """Matplotlib's constrained layout, then every axes legend moved off the data (:func:`_place_legends`).

    It runs when the figure is drawn (saved, shown, or measured by :func:`figure_problems`): a
    figure never drawn costs nothing, and the placement measures the layout the draw made.
    """

    def execute(self, fig):
        super().execute(fig)
        _place_legends(fig, self._again)

    def _again(self, fig):
        # Twice: one constrained layout started from the previous one can leave a label off the figure
        # (a y label cut by 5 pixels in the Dirac-GAN figure); the second starts from a settled layout.
        super().execute(fig)
        super().execute(fig)


def _place_legends(fig, relayout, passes=4):
    """Move each axes legend of the laid-out ``fig`` that covers more than ``FITNESS["legend_overlap"]`` of some artist's points.

    It goes to the standard position inside its axes that covers least; if every one covers data,
    the axes get a band of headroom above the data for it (linear and log y axes, not for an
    equal aspect), and if that is not enough either, the legend goes out of the axes, to its right.
    Headroom and a legend outside change the layout: ``relayout(fig)`` lays the figure out again and
    the legends are measured again, up to ``passes`` rounds.
    """
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    raised = set()
    for _ in range(passes if legends else 0):
        for ax in fig.axes:  # limits and aspect as the draw will set them
            ax.get_xlim(), ax.get_ylim()
            ax.apply_aspect()
        renderer = fig._get_renderer()
        data = _data_points(fig)

        def worst(leg):
            return max((share for _, share in _legend_cover(leg, data, renderer)), default=0.0)

        relaid = False  # a change of limits or layout: measure again
        for leg in legends:
            if worst(leg) <= FITNESS["legend_overlap"]:
                continue
            scores = {}
            leg.set_bbox_to_anchor(None)  # the standard positions are in the axes
            for loc in _LEGEND_LOCS:
                leg.set_loc(loc)
                scores[loc] = worst(leg)
            best = min(scores, key=scores.get)
            leg.set_loc(best)
            if scores[best] <= FITNESS["legend_overlap"]:
                continue
            relaid = True
            if id(leg) not in raised and _headroom(leg, renderer):
                raised.add(id(leg))
                leg.set_loc(min(("upper left", "upper right", "upper center"), key=scores.get))
            else:
                leg.set_loc("upper left")
                leg.set_bbox_to_anchor((_right_of_twins(leg.axes, renderer), 1.0), transform=leg.axes.transAxes)
        if not relaid:
            return
        relayout(fig)


def _right_of_twins(ax, renderer) -> float:
    """Where, in axes fraction, a legend right of ``ax`` clears the ticks and label of a twin drawn on its right."""
    right = ax.bbox.x1
    for other in ax.figure.axes:
        if other is not ax and np.allclose(other.get_position().bounds, ax.get_position().bounds):
            right = max(right, other.get_tightbbox(renderer).x1)
    return 1.02 + (right - ax.bbox.x1) / ax.bbox.width


def figure_problems(fig, *, draw: bool = True) -> list[str]:
    """What keeps ``fig`` from a slide, one line per problem (an empty list when it is fit).

    ``fig`` is laid out first as a draw would (``draw=False`` skips that for a figure just saved or
    drawn at its own dpi, whose layout is current: about three times faster).

    * a legend that covers more than ``FITNESS["legend_overlap"]`` of some artist's drawn points
      (lines and outlines sampled every 2 pixels, markers and scatter points as drawn; the points
      inside the artist's axes; the legend's frame grown by 3 pixels; heat maps are backgrounds and do not count);
    * a visible text under ``FITNESS["min_points"]`` points (points do not change with the dpi:
      this is the size at the saved size);
    * a text that runs off the figure (cut off when saved);
    * an axes whose data (heat maps included) span less than ``FITNESS["min_span"]`` of its width or height.

    Examples
    --------
    >>> fig = plot_weak_convergence()
    >>> figure_problems(fig)
    []
    """
    from matplotlib.text import Text

    if draw:
        fig.draw_without_rendering()
    renderer = fig._get_renderer()
    data = _data_points(fig)
    lines, idle = (
        [],
        set(),
    )  # idle: tick labels matplotlib keeps but does not draw (spare ticks, ticks outside the view)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            scale = axis.get_transform()  # compared on the axis' scale (log axes in decades)
            lo, hi = sorted(scale.transform(np.asarray(axis.get_view_interval(), float)))
            slack = 1e-9 * (hi - lo)
            ticks = axis.get_major_ticks() + axis.get_minor_ticks()
            at = scale.transform(np.array([tick.get_loc() for tick in ticks], float)) if ticks else []
            drawn = {id(tick) for tick, x in zip(ticks, at) if lo - slack <= x <= hi + slack}
            idle |= {
                id(label)
                for tick in [*axis.majorTicks, *axis.minorTicks]
                if id(tick) not in drawn
                for label in (tick.label1, tick.label2)
            }
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None and leg.get_visible():
            where = repr(ax.get_title() or ax.get_ylabel())
            lines += [
                f"the legend of {where} covers {share:.0%} of {_artist_name(a)}"
                for a, share in _legend_cover(leg, data, renderer)
                if share > FITNESS["legend_overlap"]
            ]
    for text in fig.findobj(Text):
        if not (text.get_visible() and text.get_text().strip()) or id(text) in idle:
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue  # a hidden axes' labels are never drawn
        box = text.get_window_extent(renderer)
        if box.width <= 0 or not box.overlaps(fig.bbox):
            continue  # not drawn on the figure (an unused tick label)
        if text.get_fontsize() < FITNESS["min_points"]:
            lines.append(f"text {text.get_text()!r} at {text.get_fontsize():g} pt")
        if box.x0 < fig.bbox.x0 - 1 or box.x1 > fig.bbox.x1 + 1 or box.y0 < fig.bbox.y0 - 1 or box.y1 > fig.bbox.y1 + 1:
            lines.append(f"text {text.get_text()!r} runs off the figure")
    spans = {}
    for ax, artist, points in _data_points(fig, backgrounds=True):
        transform = (
            artist.get_offset_transform()
            if len(getattr(artist, "get_offsets", lambda: [])()) > 1
            else artist.get_transform()
        )
        if transform.contains_branch(ax.transData):  # reference lines and spans (axhline, axvspan) are not data
            spans.setdefault(ax, []).append(points)
    for ax, parts in spans.items():
        if not ax.axison or ax.get_label() == "<colorbar>":
            continue
        points, bb = np.concatenate(parts), ax.bbox
        width = np.ptp(np.clip(points[:, 0], bb.x0, bb.x1)) / bb.width
        height = np.ptp(np.clip(points[:, 1], bb.y0, bb.y1)) / bb.height
        if min(width, height) < FITNESS["min_span"]:
            lines.append(
                f"the data of {ax.get_title() or ax.get_ylabel()!r} span {width:.0%} × {height:.0%} of the panel"
            )
    return lines


def _artist_name(artist):
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    return f"{type(artist).__name__} {label!r}" if label and not label.startswith("_") else type(artist).__name__


# -- 1. the parallel lines ---------------------------------------------------------------

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


def plot_parallel_lines(sweep=None, *, theta=None) -> Figure:
    r"""Figure 1: divergences between two parallel lines :math:`P_0` and :math:`P_\theta`, and their slopes, against θ.

    Parameters
    ----------
    sweep : gantheory.gan.ParallelLinesSweep, optional
        As :func:`gantheory.gan.parallel_lines_sweep` returns (attributes
        ``theta``, ``kl``, ``js_divergence``, ``tv``, ``w1``, ``cramer`` and
        ``d_<name>`` for the derivatives). Computed from ``theta`` when omitted.
    theta : array_like, optional
        Passed to :func:`gantheory.gan.parallel_lines_sweep` when ``sweep`` is omitted.

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
    >>> fig = plot_parallel_lines(theta=[-0.5, 0.0, 0.5])
    >>> fig.axes[0].get_title()
    'Divergence from P₀'
    """
    if sweep is None:
        from gantheory.gan.critics import parallel_lines_sweep

        sweep = parallel_lines_sweep(theta)
    theta = _vector(_field(sweep, "theta", "sweep"), "sweep.theta", min_size=2)
    order = np.argsort(theta)
    theta = theta[order]
    values, slopes = {}, {}
    for key, label in PARALLEL_LINES_CURVES:
        y = np.asarray(_field(sweep, key, "sweep"), dtype=float)
        has_slope = ("slope_" + key) in sweep if isinstance(sweep, Mapping) else hasattr(sweep, "slope_" + key)
        dy = np.asarray(
            _field(sweep, ("slope_" if has_slope else "d_") + key, "sweep"), dtype=float
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
    with _figure(1, 2, size=(14.0, 5.6)) as (fig, (left, right)):
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


# (attribute of gantheory.gan.critics.WeakConvergence, label) in drawing order.
WEAK_CONVERGENCE_CURVES = (
    ("kl", "KL(P‖P_n)"),
    ("reverse_kl", "KL(P_n‖P)"),
    ("js_divergence", "JSD"),
    ("tv", "TV"),
    ("w1", "W1"),
)


def plot_weak_convergence(result=None) -> Figure:
    r"""Divergences along a weakly converging sequence :math:`P_n \to P` against n: only W1 goes to 0.

    Parameters
    ----------
    result : gantheory.gan.critics.WeakConvergence, optional
        As :func:`gantheory.gan.critics.weak_convergence` returns (attributes
        ``family``, ``n``, ``kl``, ``reverse_kl``, ``js_divergence``, ``tv``,
        ``w1``); its default (:math:`\delta_{1/n} \to \delta_0`, n = 1...100)
        when omitted.

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
    >>> fig = plot_weak_convergence()
    >>> fig.axes[0].get_xscale()
    'log'
    """
    if result is None:
        from gantheory.gan.critics import weak_convergence

        result = weak_convergence()
    n = _vector(_field(result, "n", "result"), "result.n", min_size=2)
    family = str(_field(result, "family", "result"))
    values = {}
    for key, label in WEAK_CONVERGENCE_CURVES:
        y = np.asarray(_field(result, key, "result"), dtype=float)
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
    with _figure(size=(9.0, 5.4)) as (fig, ax):
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


# -- 2. exact vs empirical ---------------------------------------------------------------


def plot_estimator_errors(errors=None, **kwargs) -> Figure:
    r"""Figure 2: each estimator's error against the sample size, log-log, with its fitted rate.

    Parameters
    ----------
    errors : mapping, optional
        As :func:`gantheory.divergences.rates.estimator_errors` returns;
        computed with ``kwargs`` when omitted.
    **kwargs
        Passed to :func:`gantheory.divergences.rates.estimator_errors`.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per dimension, 1-D and 2-D (labels ending in ``(2-D)`` go
        to the 2-D panel, any other to the 1-D one), each curve's legend
        entry with its fitted rate :math:`n^{r}` (:func:`gantheory.divergences.rates.loglog_slope`)
        and, for the labels of :data:`gantheory.divergences.rates.EXPECTED_RATES`,
        the rate theory gives; an :math:`n^{-1/2}` guide. The title states the
        range of the fitted rates and the number of repeats (when the rows
        carry ``"repeats"``).

    Examples
    --------
    >>> from gantheory.divergences import rates
    >>> fig = plot_estimator_errors(rates.estimator_errors(sizes=[50, 200], repeats=1))
    >>> fig.axes[1].get_xscale()
    'log'
    """
    if errors is None:
        errors = rates.estimator_errors(**kwargs)
    if not isinstance(errors, Mapping) or not errors:
        raise TypeError(f"errors must be a non-empty mapping as estimator_errors returns, got {type(errors).__name__}")
    kinds = list(dict.fromkeys(label.rsplit(" (", 1)[0] for label in errors))  # one style per estimator, in both panels
    panels = ["2-D" if label.endswith("(2-D)") else "1-D" for label in errors]
    dims = sorted(set(panels))
    fitted = {}
    largest = max(float(np.max(_field(row, "sizes", f"errors[{label!r}]"))) for label, row in errors.items())
    with _figure(1, len(dims), size=(7.5 * len(dims) + 0.5, 5.8)) as (fig, axes):
        axes = np.atleast_1d(axes)
        for (label, row), dim in zip(errors.items(), panels):
            n = _vector(_field(row, "sizes", f"errors[{label!r}]"), f"errors[{label!r}]['sizes']")
            err = _vector(_field(row, "errors", f"errors[{label!r}]"), f"errors[{label!r}]['errors']")
            if n.shape != err.shape or (n <= 0).any() or (err <= 0).any():
                raise ValueError(f"errors[{label!r}]: sizes and errors must be positive arrays of one length")
            rate = rates.loglog_slope(n, err)
            fitted[label] = rate
            kind = label.rsplit(" (", 1)[0]
            theory = f" (theory {rates.EXPECTED_RATES[label]})" if label in rates.EXPECTED_RATES else ""
            if n.max() < largest:  # a curve that stops early says where and why
                why = ": exact assignment, O(n³)" if label == "sample W1 (2-D)" else ""
                theory += f"\n    stops at n = {n.max():,.0f}{why}"
            axes[dims.index(dim)].loglog(
                n, err, label=f"{kind}: ∝ n^{rate:.2f}{theory}", **curve_style(kinds.index(kind))
            )
        for ax, dim in zip(axes, dims):
            lo, hi = ax.get_xlim()
            n = np.geomspace(lo, hi, 2)
            y0 = np.exp(np.mean(np.log([line.get_ydata()[0] for line in ax.get_lines()])))
            ax.loglog(
                n, y0 * (n / n[0]) ** -0.5, color="0.5", linewidth=1.2, linestyle=(0, (2, 2)), label="n^-0.5 guide"
            )
            ax.set_xlim(lo, hi)
            ax.set_xlabel("sample size n (points in each of x and y)")
            ax.set_ylabel("RMS error (nats; W1, Cramér: units of x)")
            ax.set_title(f"{dim}: {rates.PROBLEMS[dim]}" if set(errors) <= set(rates.ESTIMATOR_LABELS) else dim)
            ax.legend(loc="lower left", fontsize=9)
        slowest, fastest = max(fitted, key=fitted.get), min(fitted, key=fitted.get)
        repeats = {row.get("repeats") if isinstance(row, Mapping) else None for row in errors.values()}
        over = f" over {repeats.pop()} repeats" if len(repeats) == 1 and None not in repeats else ""
        fig.suptitle(
            f"RMS error{over} against n: fitted rates from n^{fitted[slowest]:.2f} ({slowest}) to n^{fitted[fastest]:.2f} ({fastest})"
        )
    return fig


# -- 3. maximum likelihood is KL minimization ----------------------------------------------


def plot_mle_is_kl(x=None, thetas=None, convergence=None) -> Figure:
    r"""Figure 3: the average NLL is a cross-entropy; the normal MLE converges to the forward-KL projection at the predicted rate.

    Parameters
    ----------
    x : array_like of 0s and 1s, optional
        Bernoulli data for the left panel; default 40 draws of Bernoulli(0.3), seed 0.
    thetas : array_like, optional
        Model parameters θ in (0, 1) of :math:`Q_\theta` = Bernoulli(θ); default 199 points.
    convergence : MLEConvergence, optional
        As :func:`gantheory.mle.mle_convergence` returns; default: 100 runs
        (seed 0) of the normal MLE for :data:`gantheory.mle.SYMMETRIC_BIMODAL`,
        :math:`P = \tfrac12 N(-3, 1) + \tfrac12 N(3, 1)`, at n = 10..10⁵ (about a second).

    Returns
    -------
    matplotlib.figure.Figure
        Left: for a discrete model the average NLL (the cross-entropy
        :math:`H(\hat P, Q_\theta)`) and :math:`H(\hat P) + \mathrm{KL}(\hat P\|Q_\theta)`
        (from :func:`gantheory.mle.likelihood_decomposition`), one curve on the
        other, both minimized at the MLE :math:`\hat\theta = k/n`. Right: the
        excess KL :math:`\mathrm{KL}(Q^*\|\hat Q_n)` of the normal MLE, its mean
        over the runs with the band between the 10 % and 90 % quantiles of the
        runs (when ``convergence`` holds several), and the guide
        :math:`c/n` with :math:`c = \tfrac12 + (\kappa - 1)/4`
        (:func:`gantheory.mle.excess_kl_constant`) when the target is known;
        its title names the target P.

    Examples
    --------
    >>> import gantheory as gt
    >>> run = gt.mle.mle_convergence(gt.mle.SYMMETRIC_BIMODAL, sizes=[10, 100], rng=0, n_runs=3)
    >>> fig = plot_mle_is_kl(x=[0, 1, 1, 0], thetas=[0.25, 0.5, 0.75], convergence=run)
    >>> len(fig.axes)
    2
    """
    if x is None:
        x = (as_generator(0).random(40) < 0.3).astype(float)
    x = _vector(x, "x")
    if not np.isin(x, (0.0, 1.0)).all():
        raise ValueError("x must hold Bernoulli data: only 0s and 1s")
    thetas = _vector(np.linspace(0.005, 0.995, 199) if thetas is None else thetas, "thetas", min_size=2)
    if ((thetas <= 0) | (thetas >= 1)).any():
        raise ValueError("thetas must lie strictly between 0 and 1")
    if convergence is None:
        convergence = mle.mle_convergence(
            mle.SYMMETRIC_BIMODAL, sizes=np.geomspace(10, 100_000, 9).astype(int), rng=0, n_runs=100
        )
    sizes = _vector(_field(convergence, "sizes", "convergence"), "convergence.sizes", min_size=2)
    excess = _vector(_field(convergence, "excess_kl", "convergence"), "convergence.excess_kl", min_size=2)
    if sizes.shape != excess.shape:
        raise ValueError("convergence.sizes and convergence.excess_kl must have one length")

    def optional(name):
        return convergence.get(name) if isinstance(convergence, Mapping) else getattr(convergence, name, None)

    runs = optional("runs")
    runs = excess[None, :] if runs is None else as_float_array(runs, "convergence.runs", np)
    if runs.ndim != 2 or runs.shape[1] != sizes.size or (runs < 0).any():
        raise ValueError(
            f"convergence.runs must be a non-negative array of shape (n_runs, {sizes.size}), got shape {runs.shape}"
        )
    target = optional("target")
    parts = [mle.likelihood_decomposition(PointMasses([0.0, 1.0], [1.0 - t, t]), x) for t in thetas]
    nll = np.array([d.average_nll for d in parts])
    kl_plus_h = np.array([d.kl + d.entropy for d in parts])
    theta_hat = float(x.mean())
    with _figure(1, 2, size=(13.5, 5.4)) as (fig, (left, right)):
        every = 0.1
        left.plot(thetas, nll, label="average NLL  −(1/n) Σ log q_θ(xᵢ)", **curve_style(0, markevery=every))
        left.plot(
            thetas,
            kl_plus_h,
            label="KL(P̂‖Q_θ) + H(P̂)",
            **(curve_style(1, markevery=(0.05, every)) | {"linewidth": 1.6}),
        )
        left.axhline(
            parts[0].entropy, color="0.4", linestyle=":", linewidth=1.2, label=f"H(P̂) = {parts[0].entropy:.3f} nats"
        )
        left.axvline(theta_hat, color="0.3", linewidth=1.0, linestyle="--")
        left.annotate(
            f"MLE θ̂ = k/n = {theta_hat:.3f}",
            (theta_hat, parts[0].entropy),
            textcoords="offset points",
            xytext=(6, 30),
            fontsize=11,
        )
        left.set_ylim(0.0, min(float(nll.max()), 4 * float(nll.min()) + 1.0))
        left.set_xlabel("θ of the model Q_θ = Bernoulli(θ)")
        left.set_ylabel("nats per sample")
        left.set_title(f"Discrete model, n = {x.size} coin flips: NLL = H(P̂) + KL(P̂‖Q_θ)")
        left.legend(loc="upper center")
        fitted = getattr(optional("projection"), "fitted", None)
        if runs.shape[0] > 1:
            mean = runs.mean(axis=0)
            lo, hi = np.quantile(runs, [0.1, 0.9], axis=0)
            right.fill_between(
                sizes, lo, hi, color=_COLORS[2], alpha=0.2, linewidth=0, label=f"10–90 % of the {runs.shape[0]} runs"
            )
            right.loglog(sizes, mean, label=f"mean over {runs.shape[0]} runs", **curve_style(2))
        else:
            right.loglog(sizes, excess, label="one run", **curve_style(2))
        if target is not None:
            c = mle.excess_kl_constant(target)
            right.loglog(
                sizes,
                c / sizes,
                color="0.3",
                linewidth=1.4,
                linestyle=(0, (3, 2)),
                label=f"(½ + (κ − 1)/4)/n = {c:.3g}/n",
            )
        right.set_xscale("log")
        right.set_yscale("log")
        right.set_xlabel("sample size n")
        right.set_ylabel("excess KL(P‖Q̂ₙ) − KL(P‖Q*) (nats)")
        law = f"P = {_law_text(target)}:\n" if target is not None else ""
        right.set_title(
            f"{law}normal MLE → Q*" + (f" = N({fitted.loc:.2g}, {fitted.scale:.3g}²)" if fitted is not None else ""),
            fontsize=12,
        )
        right.legend(loc="lower left")
        fig.suptitle(
            "Average NLL = cross-entropy: H(P̂) + KL(P̂‖Q_θ) for a discrete model; with densities it tends to h(P) + KL(P‖Q_θ)"
        )
    return fig


# -- 4. forward KL, reverse KL, JSD and W1 fits ------------------------------------------------


def plot_projections(P=None, fits=None) -> Figure:
    r"""Figure 4: the best normal under forward KL, reverse KL, JSD and W1, over a bimodal target.

    Parameters
    ----------
    P : Distribution, optional
        The 1-D target; default :data:`gantheory.mle.DEFAULT_BIMODAL`, ``0.4 N(-3, 1) + 0.6 N(3, 1)``.
    fits : mapping, optional
        ``{label: Projection or Distribution}``; default :func:`gantheory.mle.projection_fits`
        of ``P`` with ``polish=False`` (the looser stopping rule; about half a second).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Forward KL (maximum likelihood) covers both modes; reverse KL seeks one
    [1]_ [2]_. JSD, the GAN's criterion with an optimal discriminator, need
    not sit between them: on the default target its best normal,
    :math:`N(0.59, 3.06^2)`, covers both modes, close to the forward-KL fit
    :math:`N(0.60, 3.10^2)`, and so does W1's, :math:`N(0.63, 3.09^2)`.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial networks", arXiv:1701.00160, Figure 14.
    .. [2] F. Huszár, "How (not) to train your generative model", arXiv:1511.05101, 2015.

    Examples
    --------
    >>> import gantheory as gt
    >>> fig = plot_projections(fits={"moment match": gt.Normal(0.6, 3.1)})
    >>> fig.axes[0].get_ylabel()
    'density (1 / units of x)'
    """
    P = mle.DEFAULT_BIMODAL if P is None else P
    if not isinstance(P, Distribution) or P.dim != 1:
        raise TypeError(f"P must be a 1-D gantheory Distribution, got {P!r}")
    if fits is None:
        fits = mle.projection_fits(P, polish=False)
    if not isinstance(fits, Mapping) or not fits:
        raise TypeError("fits must be a non-empty mapping {label: Projection or Distribution}")
    lo, hi = P.ppf(1e-4), P.ppf(1 - 1e-4)
    width = hi - lo
    x = np.linspace(lo - 0.3 * width, hi + 0.3 * width, 600)
    shapes = []
    with _figure(size=(9.0, 5.6)) as (fig, ax):
        ax.fill_between(x, P.pdf(x), color="0.75", label="target P")
        for i, (label, fit) in enumerate(fits.items()):
            Q = fit.fitted if hasattr(fit, "fitted") else fit
            if not isinstance(Q, Distribution) or Q.dim != 1:
                raise TypeError(f"fits[{label!r}] must be a Projection or a 1-D Distribution, got {type(fit).__name__}")
            value = f", {fit.divergence:.3f}" if hasattr(fit, "divergence") else ""
            # markers staggered between the fits: fits that coincide still show each marker
            ax.plot(
                x,
                Q.pdf(x),
                label=f"{label}: N({Q.mean:.2f}, {math.sqrt(Q.var):.2f}²){value}",
                **curve_style(i, markevery=(8 * i % 40, 40)),
            )
            shapes.append((label, Q.pdf(x)))
        ax.set_xlabel("x")
        ax.set_ylabel("density (1 / units of x)")
        together = [
            a for a, pa in shapes if any(a != b and np.max(np.abs(pa - pb)) < 0.03 * np.max(pa) for b, pb in shapes)
        ]
        note = (
            f"\nthe {', '.join(together[:-1])} and {together[-1]} fits nearly coincide (markers staggered)"
            if together
            else ""
        )
        ax.set_title("Fitting one normal to two modes: forward KL covers, reverse KL seeks a mode" + note)
        has_values = any(hasattr(fit, "divergence") for fit in fits.values())
        ax.legend(
            loc="upper left",
            fontsize=10,
            title="criterion: best normal" + (", divergence at it" if has_values else ""),
            title_fontsize=10,
        )
    return fig


def _law_text(P) -> str:
    """A short name of a 1-D law: ``N(0, 1)``, ``0.4 N(-3, 1) + 0.6 N(3, 1)``; the repr for anything else."""
    if isinstance(P, Normal):
        return f"N({P.loc:g}, {P.scale:g}²)" if P.scale != 1 else f"N({P.loc:g}, 1)"
    if isinstance(P, Mixture) and all(isinstance(c, Normal) for c in P.components):
        return " + ".join(f"{w:g} {_law_text(c)}" for c, w in P._active)
    return repr(P)


def plot_js_optima(P=None, projection=None) -> Figure:
    r"""Every local minimum of :math:`\mathrm{JSD}(P, N(\mu, \sigma^2))` over the normals, drawn over the target.

    Parameters
    ----------
    P : Distribution, optional
        The 1-D target; default :data:`gantheory.mle.DEFAULT_BIMODAL`, ``0.4 N(-3, 1) + 0.6 N(3, 1)``.
    projection : Projection, optional
        As :func:`gantheory.mle.js_projection` returns; default
        ``js_projection(P, polish=False)`` (about half a second).

    Returns
    -------
    matplotlib.figure.Figure
        The target's density, and one curve per local minimum with its JSD
        (nats), best first; a minimum is called "on one mode" when its
        μ ± 2σ leaves out some component mean of a mixture target, and
        "covering" otherwise.

    Notes
    -----
    JSD is what the original GAN's generator minimizes when its discriminator
    is optimal (Goodfellow et al. 2014). For the well-separated modes of the
    default target it has a local minimum on each mode besides the covering
    fit, so descent can stop on one mode: mode seeking, which JSD shares with
    reverse KL (Huszár 2015), is the link to a GAN's mode collapse. On the default target the minima are the covering
    :math:`N(0.59, 3.06^2)` at 0.129, the +3 mode at 0.163 and the −3 mode at 0.272.

    Examples
    --------
    >>> import gantheory as gt
    >>> fig = plot_js_optima(gt.Mixture([gt.Normal(-3, 1), gt.Normal(3, 1)], [0.4, 0.6]))
    >>> len(fig.axes[0].get_lines())        # three local minima
    3
    """
    P = mle.DEFAULT_BIMODAL if P is None else P
    if not isinstance(P, Distribution) or P.dim != 1:
        raise TypeError(f"P must be a 1-D gantheory Distribution, got {P!r}")
    if projection is None:
        projection = mle.js_projection(P, polish=False)
    if not hasattr(projection, "optima") or not projection.optima:
        raise TypeError(
            f"projection must be a Projection as gantheory.mle.js_projection returns, got {type(projection).__name__}"
        )
    means = [c.mean for c, _ in P._active] if isinstance(P, Mixture) else [P.mean]
    lo, hi = P.ppf(1e-4), P.ppf(1 - 1e-4)
    width = hi - lo
    x = np.linspace(lo - 0.3 * width, hi + 0.3 * width, 600)
    with _figure(size=(9.5, 5.4)) as (fig, ax):
        ax.fill_between(x, P.pdf(x), color="0.8", label=f"target P = {_law_text(P)}")
        for i, (Q, value) in enumerate(projection.optima):
            covering = all(abs(m - Q.loc) <= 2 * Q.scale for m in means)
            where = "covering" if covering else f"on the mode at {min(means, key=lambda m: abs(m - Q.loc)):g}"
            best = " (global)" if i == 0 else ""
            ax.plot(
                x,
                Q.pdf(x),
                label=f"N({Q.loc:.2f}, {Q.scale:.2f}²), {where}: JSD {value:.3f}{best}",
                **curve_style(i, markevery=40),
            )
        ax.set_ylim(0.0, 1.45 * max(line.get_ydata().max() for line in ax.get_lines()))  # room for the legend
        ax.set_xlabel("x")
        ax.set_ylabel("density (1 / units of x)")
        k = len(projection.optima)
        ax.set_title(
            f"JSD over the normals: {k} local minim{'a' if k > 1 else 'um'}"
            + (" — descent can stop on one mode" if k > 1 else "")
        )
        ax.legend(loc="upper left", fontsize=10)
    return fig


# -- 5. the optimal discriminator --------------------------------------------------------------


def _trained_curve(trained, name="trained"):
    """``(x, D(x))`` of a trained 1-D discriminator: from a History (its last snapshot) or a pair of arrays."""
    if trained is None:
        return None
    if hasattr(trained, "discriminator_grid") and hasattr(trained, "grid"):
        grid = np.asarray(trained.grid, dtype=float)
        if grid.ndim != 2 or grid.shape[1] != 1:
            raise ValueError(f"{name}: the History must come from a 1-D run (grid of shape (g, 1)), got {grid.shape}")
        from scipy.special import expit

        return grid[:, 0], expit(np.asarray(trained.discriminator_grid, dtype=float)[-1])
    if isinstance(trained, tuple) and len(trained) == 2:
        x, d = _vector(trained[0], f"{name}[0]", min_size=2), _vector(trained[1], f"{name}[1]", min_size=2)
        if x.shape != d.shape:
            raise ValueError(f"{name}: x and D(x) must have one length")
        return x, d
    raise TypeError(f"{name} must be a 1-D History, a pair (x, D(x)) or None, got {type(trained).__name__}")


def plot_optimal_discriminator(P=None, Q=None, convergence=None, trained=None) -> Figure:
    r"""Figure 5: the optimal discriminator :math:`D^* = p/(p+q)` beside a trained one, and V(D, G) approaching V(D*, G).

    Parameters
    ----------
    P, Q : Distribution, optional
        1-D data and generator distributions; default ``½N(-2, 0.5²) + ½N(2, 0.5²)`` and ``N(0.5, 1)``.
    convergence : DiscriminatorConvergence, optional
        As :func:`gantheory.gan.optimal.discriminator_convergence` returns for
        (P, Q); without it the right panel is left out.
    trained : History or (x, D(x)) or None
        A trained discriminator: a 1-D :class:`gantheory.gan.History` (its last
        ``discriminator_grid``, logits on ``grid``), or arrays.

    Returns
    -------
    matplotlib.figure.Figure
        The densities; :math:`D^*` from :func:`gantheory.gan.optimal_discriminator`
        with the trained D; and :math:`V(D, G)` against training steps (±2
        standard errors) with :math:`V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(P, Q)` [1]_.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014, Proposition 1 and Theorem 1.

    Examples
    --------
    >>> fig = plot_optimal_discriminator()
    >>> fig.axes[1].get_ylabel()
    'D(x) (probability of "real")'
    """
    from gantheory.gan.optimal import optimal_discriminator

    P = Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.5)]) if P is None else P
    Q = Normal(0.5, 1.0) if Q is None else Q
    for name, D in (("P", P), ("Q", Q)):
        if not isinstance(D, Distribution) or D.dim != 1:
            raise TypeError(f"{name} must be a 1-D gantheory Distribution, got {D!r}")
    curve = _trained_curve(trained)
    lo = min(P.ppf(1e-3), Q.ppf(1e-3))
    hi = max(P.ppf(1 - 1e-3), Q.ppf(1 - 1e-3))
    x = np.linspace(lo - 0.5, hi + 0.5, 600)
    star = optimal_discriminator(P, Q)
    panels = 3 if convergence is not None else 2
    with _figure(1, panels, size=(5.6 * panels, 5.0)) as (fig, axes):
        dens, disc = axes[0], axes[1]
        dens.fill_between(x, P.pdf(x), color="0.75", label="data p(x)")
        dens.plot(x, Q.pdf(x), label="generator q(x)", **curve_style(1, markevery=0.1))
        dens.set_xlabel("x")
        dens.set_ylabel("density (1 / units of x)")
        dens.set_title("Data and a fixed generator")
        dens.legend(loc="upper left")
        disc.plot(x, star(x), label="D*(x) = p / (p + q)", **curve_style(0, markevery=0.1))
        if curve is not None:
            disc.plot(
                curve[0], curve[1], label="trained MLP D(x)", **(curve_style(2, markevery=0.1) | {"linewidth": 1.6})
            )
        disc.axhline(0.5, color="0.4", linewidth=0.8, linestyle=":")
        disc.set_ylim(-0.02, 1.02)
        disc.set_xlim(x[0], x[-1])
        disc.set_xlabel("x")
        disc.set_ylabel('D(x) (probability of "real")')
        disc.set_title("The optimal discriminator and a trained one")
        disc.legend(loc="lower right")
        if convergence is not None:
            ax = axes[2]
            steps = _vector(_field(convergence, "steps", "convergence"), "convergence.steps", min_size=1)
            value = _vector(_field(convergence, "value", "convergence"), "convergence.value", min_size=1)
            se = _vector(_field(convergence, "value_se", "convergence"), "convergence.value_se", min_size=1)
            optimum = float(_field(convergence, "value_optimal", "convergence"))
            if not (steps.shape == value.shape == se.shape):
                raise ValueError("convergence.steps, .value and .value_se must have one length")
            ax.fill_between(steps, value - 2 * se, value + 2 * se, color=_COLORS[2], alpha=0.25, linewidth=0)
            ax.plot(steps, value, label="V(D, G) of the MLP (±2 s.e.)", **curve_style(2, markevery=0.1))
            ax.axhline(
                optimum, label=f"V(D*, G) = −log 4 + 2 JSD = {optimum:.4f}", **(curve_style(0) | {"marker": None})
            )
            ax.axhline(-math.log(4.0), color="0.4", linewidth=0.8, linestyle=":", label="−log 4 (when q = p)")
            ax.set_xlabel("discriminator training steps")
            ax.set_ylabel("V(D, G) (nats)")
            ax.set_title("V(D, G) climbs towards V(D*, G), from below")
            ax.legend(loc="lower right", fontsize=10)
        fig.suptitle("The optimal discriminator D* = p/(p + q), and the value it attains")
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


def plot_critics(landscape=None, **kwargs) -> Figure:
    r"""WGAN's Figure 2: the saturated optimal discriminator beside :math:`f^*` and trained Lipschitz critics.

    Parameters
    ----------
    landscape : CriticLandscape, optional
        As :func:`gantheory.gan.duality.critic_landscape` returns; computed with
        ``**kwargs`` when not given (default: :math:`N(3, 0.5^2)` against
        :math:`N(-3, 0.5^2)`, four critics, 1000 steps).

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
    >>> fig = plot_critics(critics=["spectral_norm"], steps=100, log_every=100, n_eval=500)
    >>> fig.axes[1].get_yscale()
    'log'
    """
    if landscape is None:
        from gantheory.gan.duality import critic_landscape

        landscape = critic_landscape(**kwargs)
    elif kwargs:
        raise TypeError(f"pass either a landscape or the settings to compute one, not both (got {sorted(kwargs)})")
    x = _vector(_field(landscape, "grid", "landscape"), "landscape.grid", min_size=2)
    critics, slopes = _field(landscape, "critics", "landscape"), _field(landscape, "critic_slopes", "landscape")
    fake_slope, w1 = float(_field(landscape, "fake_slope", "landscape")), float(_field(landscape, "w1", "landscape"))
    with _figure(2, 1, size=(9.5, 9.0), sharex=True) as (fig, (top, bottom)):
        right = top.twinx()
        right.grid(False)
        scale = 0.35 / max(landscape.p.max(), landscape.q.max())
        right.fill_between(x, landscape.p * scale, color="0.80", linewidth=0, label="p, data (scaled)")
        right.fill_between(
            x, landscape.q * scale, color=_COLORS[4], alpha=0.35, linewidth=0, label="q, generator (scaled)"
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


def plot_critic_convergence(runs=None, *, laws=None, **kwargs) -> Figure:
    r"""The dual estimate of :math:`W_1` against training steps under each Lipschitz constraint, and what each critic learns.

    Parameters
    ----------
    runs : dict of str to CriticConvergence, optional
        As :func:`gantheory.gan.duality.compare_constraints` returns (one pair
        of laws); computed with ``**kwargs`` when not given (default: the modes
        :math:`N(\pm 0.5, 0.15^2)` against :math:`N(0, 0.15^2)`, whose :math:`f^*`
        is a V, four critics, 1000 steps).
    laws : (Distribution, Distribution), optional
        The pair ``(P, Q)`` the runs compared (known when the runs are computed here): the right
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
    >>> fig = plot_critic_convergence(P=gt.Normal(1, 1), Q=gt.Normal(0, 1), critics=["spectral_norm"], steps=50, log_every=25, n_eval=500)
    >>> fig.axes[1].get_yscale()
    'log'
    """
    if runs is None:
        from gantheory.distributions import Mixture as _Mixture
        from gantheory.gan.duality import compare_constraints

        P = kwargs.pop("P", _Mixture([Normal(-0.5, 0.15), Normal(0.5, 0.15)], [0.5, 0.5]))
        Q = kwargs.pop("Q", Normal(0.0, 0.15))
        runs, laws = compare_constraints(P, Q, **kwargs), (P, Q) if laws is None else laws
    elif kwargs:
        raise TypeError(f"pass either runs or the settings to compute them, not both (got {sorted(kwargs)})")
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict of label -> CriticConvergence, got {type(runs).__name__}")
    first = next(iter(runs.values()))
    w1 = float(_field(first, "w1", "runs"))
    grid = _vector(_field(first, "grid", "runs"), "grid", min_size=2)
    with _figure(1, 3, size=(18.0, 5.6)) as (fig, (est, lip, shape)):
        est.axhline(w1, label=f"exact W1 = {w1:.4g}", **(curve_style(0) | {"marker": None}))
        lip.axhline(1.0, label="1-Lipschitz", **(curve_style(0) | {"marker": None}))
        shape.plot(
            grid,
            _vector(_field(first, "optimal", "runs"), "optimal"),
            label="f* (exact)",
            **curve_style(0, markevery=0.1),
        )
        verdicts = []
        for i, (label, run) in enumerate(runs.items(), start=1):
            steps = _vector(_field(run, "steps", label), f"{label}.steps")
            value = _vector(_field(run, "estimate", label), f"{label}.estimate")
            se = _vector(_field(run, "estimate_se", label), f"{label}.estimate_se")
            k = _vector(_field(run, "lipschitz", label), f"{label}.lipschitz")
            style = curve_style(i, markevery=0.1)
            est.fill_between(steps, value - 2 * se, value + 2 * se, color=style["color"], alpha=0.2, linewidth=0)
            est.plot(steps, value, label=f"{label}: {value[-1] / w1:.3g} W1", **style)
            lip.plot(steps, k, label=f"{label}: K = {k[-1]:.3g}", **style)
            shape.plot(grid, np.asarray(_field(run, "critic", label))[-1], label=label, **(style | {"linewidth": 1.8}))
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


# -- 6. generator costs and slopes ------------------------------------------------------------

#: The panels :func:`plot_generator_costs` can draw: (the curves' table, x axis, y axis label).
GENERATOR_COST_PANELS = {
    "cost": ("cost", "d", "generator cost per sample (nats)"),
    "slope_d": ("slope_d", "d", "|d cost / d D(G(z))| (nats per unit of D)"),
    "slope_logit": ("slope_logit", "logit", "|d cost / d logit| (nats per nat of logit)"),
    "slope_logit_d": ("slope_logit", "d", "|d cost / d logit|: the factor in G's gradient"),
}


def plot_generator_costs(curves=None, *, costs=None, panels=("slope_logit_d",)) -> Figure:
    r"""Figure 6: the generator's costs and their slopes, against D(G(z)) or the logit, as in Goodfellow's tutorial.

    Parameters
    ----------
    curves : gantheory.gan.GeneratorCostCurves, optional
        As :func:`gantheory.gan.generator_cost_curves` returns (attributes ``d``,
        ``logits``, and dicts ``cost``, ``slope_d``, ``slope_logit`` keyed by
        cost name); default: the curves at 999 values of D(G(z)) from 0.001 to 0.999.
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
    >>> fig = plot_generator_costs()
    >>> len(fig.axes), fig.axes[0].get_yscale()
    (1, 'log')
    >>> fig = plot_generator_costs(costs=["minimax", "non_saturating"], panels=["cost", "slope_d", "slope_logit"])
    >>> fig.axes[2].get_xlabel()
    'discriminator logit a, D(G(z)) = σ(a)'
    """
    if curves is None:
        from gantheory.gan.gradients import generator_cost_curves

        curves = generator_cost_curves(d=np.linspace(0.001, 0.999, 999))
    d = _vector(_field(curves, "d", "curves"), "curves.d", min_size=2)
    logits = np.asarray(_field(curves, "logits", "curves"), dtype=float)
    tables = {key: _field(curves, key, "curves") for key in ("cost", "slope_d", "slope_logit")}
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
    vanish = [_display(n) for n in names if abs(arrays[n]["slope_logit"][at]) < 0.01]
    values = ", ".join(f"{_display(n)} {abs(arrays[n]['slope_logit'][at]):.2g}" for n in names)
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
    with _figure(1, len(panels), size=(9.0, 5.6) if single else (5.4 * len(panels), 5.4)) as (fig, axes):
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
                    ax.plot(x, y, label=_display(name), **style)
                else:
                    ax.semilogy(x, np.abs(y), label=_display(name), **style)
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
    values = ", ".join(f"{_display(name)} {abs(float(np.asarray(v)[at])):.3g}" for name, v in slope_d.items())
    return f"Slopes in D at D = {float(d[at]):.3g}:\n{values}"


# -- 7. the vanishing gradient -------------------------------------------------------------------


def plot_vanishing_gradient(result=None) -> Figure:
    r"""Figure 7: the frozen generator's gradient norm against discriminator steps, per cost, log scale.

    Parameters
    ----------
    result : VanishingGradient, optional
        As :func:`gantheory.gan.gradients.vanishing_gradient` returns (``steps``,
        ``norms[cost]`` of shape (runs, steps), ``d_fake``); default its defaults
        (3 runs, generator 20 standard deviations from the data).

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
    if result is None:
        from gantheory.gan.gradients import vanishing_gradient

        result = vanishing_gradient()
    steps = _vector(_field(result, "steps", "result"), "result.steps", min_size=2)
    norms = _field(result, "norms", "result")
    d_fake = np.asarray(_field(result, "d_fake", "result"), dtype=float)
    if not isinstance(norms, Mapping) or not norms:
        raise TypeError("result.norms must be a non-empty dict {cost: array of shape (runs, steps)}")
    collapsed, runs = [], 1
    with _figure(1, 2, size=(13.5, 5.2)) as (fig, (left, right)):
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
                collapsed.append(_display(cost))
            style = curve_style(i, markevery=0.1)
            left.fill_between(
                steps, 10 ** (mean - spread), 10 ** (mean + spread), color=style["color"], alpha=0.2, linewidth=0
            )
            factor = f"×{change.min():.1e}" + (f" to ×{change.max():.1e}" if runs > 1 else "")
            left.semilogy(steps, 10**mean, label=f"{_display(cost)}: {factor}", **style)
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


# -- 8. the Dirac-GAN --------------------------------------------------------------------------------


def plot_dirac_gan(runs=None, *, lr=0.1, steps=1000) -> Figure:
    r"""Figure 8: Dirac-GAN vector fields with simultaneous and alternating trajectories, and the update maps' eigenvalues.

    Parameters
    ----------
    runs : dict, optional
        As :func:`gantheory.gan.dynamics.dirac_gan_runs` returns; default
        ``dirac_gan_runs(lr=lr, steps=steps)``.
    lr, steps
        Passed to :func:`~gantheory.gan.dynamics.dirac_gan_runs` when ``runs`` is omitted.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per configuration (the field :math:`v(\theta, \psi)` as
        arrows, the two trajectories from the same start, the equilibrium
        (0, 0)), and a last panel with the eigenvalues of each update map
        against the unit circle: outside, the run spirals out; on it, it
        cycles; inside, it converges [1]_. A run that diverged (stopped
        before ``steps``) says so in its legend.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger and S. Nowozin, "Which training methods for GANs do actually converge?", ICML 2018, Figures 1-3.

    Examples
    --------
    >>> from gantheory.gan.dynamics import DIRAC_CONFIGS, dirac_gan_runs
    >>> fig = plot_dirac_gan(dirac_gan_runs(DIRAC_CONFIGS[:2], steps=50))
    >>> len(fig.axes)
    3
    """
    if runs is None:
        from gantheory.gan.dynamics import dirac_gan_runs

        runs = dirac_gan_runs(lr=lr, steps=steps)
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty dict as dirac_gan_runs returns")
    n = len(runs) + 1
    ncols = min(4, n)
    nrows = math.ceil(n / ncols)
    grid = np.linspace(-2.0, 2.0, 17)
    T, S = np.meshgrid(grid, grid)
    with _figure(nrows, ncols, size=(4.2 * ncols, 4.1 * nrows)) as (fig, axes):
        axes = np.atleast_1d(axes)
        eig_ax = axes[len(runs)]
        for ax, (label, row) in zip(axes, runs.items()):
            model = _field(row, "model", f"runs[{label!r}]")
            vt, vp = model.vector_field(T, S)
            speed = np.hypot(vt, vp)
            ax.quiver(
                T,
                S,
                vt / np.where(speed > 0, speed, 1),
                vp / np.where(speed > 0, speed, 1),
                color="0.6",
                angles="xy",
                scale_units="xy",
                scale=5.0,
                width=0.005,
            )
            tags = []  # each rule's spectral radius (and divergence) goes in the title: the panels are too small for legends
            for i, update in enumerate(("simultaneous", "alternating")):
                path = np.asarray(_field(row, update, f"runs[{label!r}]"), dtype=float)
                if path.ndim != 2 or path.shape[1] != 2:
                    raise ValueError(f"runs[{label!r}][{update!r}] must be a trajectory of shape (steps + 1, 2)")
                with np.errstate(invalid="ignore"):  # a diverged run may end in NaN: it is not drawn
                    shown = np.where(
                        np.abs(path) <= 2.2, path, np.nan
                    )  # leave the panel rather than run along its edge
                radius = row["radius"].get(update) if isinstance(row.get("radius"), Mapping) else None
                tag = f"ρ = {radius:.4f}" if radius is not None else ""
                if isinstance(row.get("steps"), int) and len(path) - 1 < row["steps"]:
                    tag += f"{', ' if tag else ''}diverged at step {len(path) - 1}"
                if tag:
                    tags.append(f"{update[:3]}. {tag}")
                ax.plot(
                    shown[:, 0],
                    shown[:, 1],
                    label=update,
                    **(curve_style(i, markevery=max(1, len(path) // 12)) | {"linewidth": 1.5, "markersize": 5}),
                )
            ax.plot([0], [0], marker="*", markersize=14, color="black", linestyle="none")
            ax.set_xlim(-2.2, 2.2)
            ax.set_ylim(-2.2, 2.2)
            ax.set_aspect("equal")
            ax.set_xlabel("θ (generator: δ_θ)")
            ax.set_ylabel("ψ (discriminator: D(x) = ψx)")
            ax.set_title(label + ("\n" + "; ".join(tags) if tags else ""), fontsize=11)
        circle = np.linspace(0, 2 * np.pi, 721)
        eig_ax.plot(np.cos(circle), np.sin(circle), color="0.3", linewidth=1.0, label="unit circle")
        k = 0
        for label, row in runs.items():
            for i, update in enumerate(("simultaneous", "alternating")):
                eig = row.get("eigenvalues", {}).get(update) if isinstance(row.get("eigenvalues"), Mapping) else None
                if eig is None:
                    continue
                style = curve_style(k)
                eig_ax.plot(
                    np.real(eig),
                    np.imag(eig),
                    linestyle="none",
                    marker=style["marker"],
                    color=style["color"],
                    markersize=9 if i == 0 else 12,
                    markerfacecolor=style["color"] if i == 0 else "none",
                    label=label if i == 0 else None,
                )
            k += 1
        shown = [
            np.asarray(e) for row in runs.values() for e in (row.get("eigenvalues") or {}).values() if e is not None
        ]
        if shown:  # zoom on the eigenvalues: they sit near 1 for small steps
            shown = np.concatenate(shown)
            reach = max(1.25 * np.abs(shown.imag).max(), 1e-3)
            # from the leftmost eigenvalue (or where the unit circle leaves the panel) to the rightmost (or 1)
            lo, hi = min(shown.real.min(), math.sqrt(max(1.0 - reach**2, 0.0))), max(shown.real.max(), 1.0)
            pad = 0.08 * max(hi - lo, 1e-3)
            eig_ax.set_xlim(lo - pad, hi + pad)
            eig_ax.set_ylim(-reach, reach)
        eig_ax.set_xlabel("Re λ (update map)")
        eig_ax.set_ylabel("Im λ")
        eig_ax.set_title("One step's eigenvalues\n(filled: simultaneous, open: alternating)", fontsize=11)
        eig_ax.legend(loc="center left", fontsize=8)
        fig.legend(
            *axes[0].get_legend_handles_labels(),
            loc="outside lower center",
            ncols=2,
            title="update rule (sim., alt. in the titles)",
        )
        for ax in axes[n:]:
            ax.set_visible(False)
        fig.suptitle(_dirac_verdict(runs), fontsize=12)
    return fig


def _dirac_verdict(runs):
    """The Dirac-GAN figure's title: which configurations' runs (both rules) end within 1% of their start's distance from (0, 0)."""
    converged, not_converged = [], []
    for label, row in runs.items():
        paths = [np.asarray(row[update], dtype=float) for update in ("simultaneous", "alternating")]
        ends = all(
            len(p) - 1 == row.get("steps", len(p) - 1) and np.hypot(*p[-1]) < 0.01 * np.hypot(*p[0]) for p in paths
        )
        (converged if ends else not_converged).append(label)
    lines = ["The Dirac-GAN, both update rules from one start"]
    if converged:
        lines.append(f"converge (end within 1% of the start's distance from (0, 0)): {', '.join(converged)}")
    if not_converged:
        lines.append(f"do not converge: {', '.join(not_converged)}")
    return "\n".join(lines)


# -- 9. the spectrum of a small game ---------------------------------------------------------------


def plot_game_spectrum(spectrum=None) -> Figure:
    r"""Figure 9: the eigenvalues of a small MLP game's Jacobian at a trained point, without and with R1.

    Parameters
    ----------
    spectrum : GameSpectrum, optional
        As :func:`gantheory.gan.dynamics.game_spectrum` returns (``eigenvalues``,
        ``eigenvalues_r1``, ``r1``); default its defaults.

    Returns
    -------
    matplotlib.figure.Figure
        The eigenvalues in the complex plane, the rotating pair (largest
        imaginary part) annotated and its damping ratio
        :math:`-\mathrm{Re}\,\lambda/|\lambda|` in the title. With
        ``game_spectrum``'s defaults (seeds 0-19) that pair sits next to the
        imaginary axis without R1 (damping ratio 0.05-0.15: rotation, as in
        the Dirac-GAN) and R1 damps it (0.46-0.94) [1]_.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger and S. Nowozin, "Which training methods for GANs do actually converge?", ICML 2018, Theorem 4.1.

    Examples
    --------
    >>> fig = plot_game_spectrum({"eigenvalues": [-0.01 + 0.1j, -0.01 - 0.1j], "eigenvalues_r1": [-0.1 + 0.05j, -0.1 - 0.05j], "r1": 1.0})
    >>> fig.axes[1].get_xlabel()
    'Re λ (growth rate per unit time)'
    """
    if spectrum is None:
        from gantheory.gan.dynamics import game_spectrum

        spectrum = game_spectrum()
    plain = np.asarray(_field(spectrum, "eigenvalues", "spectrum"), dtype=complex).ravel()
    r1 = np.asarray(_field(spectrum, "eigenvalues_r1", "spectrum"), dtype=complex).ravel()
    r1_weight = float(_field(spectrum, "r1", "spectrum"))
    if plain.size == 0 or r1.size == 0 or not (np.isfinite(plain).all() and np.isfinite(r1).all()):
        raise ValueError("spectrum.eigenvalues and .eigenvalues_r1 must be non-empty and finite")
    with _figure(1, 2, size=(13.5, 5.6)) as (fig, (whole, zoom)):
        for ax in (whole, zoom):
            ax.axvline(0.0, color="0.3", linewidth=1.0)
            ax.axhline(0.0, color="0.7", linewidth=0.8)
            ax.axvspan(0.0, 10.0, color="#D55E00", alpha=0.06)
            ax.plot(
                plain.real,
                plain.imag,
                linestyle="none",
                marker="o",
                markersize=11,
                markerfacecolor="none",
                markeredgewidth=2,
                color=_COLORS[0],
                label="without regularization",
            )
            ax.plot(
                r1.real,
                r1.imag,
                linestyle="none",
                marker="s",
                markersize=7,
                color=_COLORS[1],
                label=f"with R1 (γ = {r1_weight:g})",
            )
            ax.set_xlabel("Re λ (growth rate per unit time)")
            ax.set_ylabel("Im λ (rotation rate per unit time)")
        reach = max(np.abs(np.r_[plain, r1]).max(), 1e-12)
        whole.set_xlim(-1.1 * reach, 0.25 * reach)
        height = max(1.3 * np.abs(np.r_[plain, r1].imag).max(), 0.05 * reach)  # the spread of Im λ, not of |λ|
        whole.set_ylim(-height, height)
        whole.set_title("All eigenvalues (shaded: unstable half-plane)")
        whole.legend(loc="upper left")
        rotating = [values[np.argmax(np.abs(values.imag))] for values in (plain, r1)]
        near_x = 1.3 * max(abs(v.real) for v in rotating) + 1e-12
        near_y = 1.3 * max(abs(v.imag) for v in rotating) + 1e-12
        zoom.set_xlim(-near_x, 0.3 * near_x)
        zoom.set_ylim(-near_y, near_y)
        for top, color, dy in zip(rotating, _COLORS, (10, -22)):
            zoom.annotate(
                f"{top.real:.3f} ± {abs(top.imag):.3f}i",
                (top.real, abs(top.imag)),
                textcoords="offset points",
                xytext=(-12, dy),
                ha="right",
                color=color,
                fontsize=12,
            )  # left of the point, off the Re λ = 0 line
        zoom.set_title("Near 0: the rotating pair, without and with R1")
        zoom.legend(loc="lower left")
        damping = [-v.real / abs(v) if v != 0 else float("nan") for v in rotating]
        fig.suptitle(
            f"Game Jacobian of a trained 1-D GAN: the rotating pair's damping ratio −Re λ/|λ| is "
            f"{damping[0]:.2f} without R1, {damping[1]:.2f} with it"
        )
    return fig


def _dirac_model_text(model) -> str:
    """A Dirac-GAN in words: "unregularized minimax Dirac-GAN", "WGAN Dirac-GAN with R1 (γ = 0.3)"."""
    loss = _display(getattr(model, "loss", "GAN"))
    regularizer = getattr(model, "regularizer", None)
    gamma = (
        getattr(model, "weight", None) if hasattr(model, "weight") else getattr(model, "gamma", 0.0)
    )  # the penalty's weight
    if regularizer is None:
        return f"unregularized {loss} Dirac-GAN"
    return f"{loss} Dirac-GAN with {_display(regularizer).replace('r1', 'R1').replace('r2', 'R2')} (γ = {gamma:g})"


def plot_step_size_radius(model=None, *, lr=None, d_lr=None, updates=None) -> Figure:
    r"""The Dirac-GAN's spectral radius over the two step sizes (two time scales), one heatmap per update rule.

    Parameters
    ----------
    model : gantheory.gan.DiracGAN, optional
        Default the unregularized minimax GAN, ``DiracGAN("minimax")``.
    lr, d_lr : array_like of float, optional
        The generator's step sizes :math:`\eta_G` (x axis) and the
        discriminator's :math:`\eta_D` (y axis); default 61 values each,
        log-spaced from 0.01 to 10.
    updates : sequence of str, optional
        Update rules (:data:`gantheory.gan.dynamics.DIRAC_UPDATES`, the default).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per rule: :meth:`~gantheory.gan.DiracGAN.spectral_radius_grid`
        on log axes, one colour scale centred at 1 (blue: below 1, the
        iteration converges near the equilibrium; red: above 1, it moves
        away), the contour ρ = 1, and in each title the share of the grid
        with ρ < 1. Unregularized the radius depends on
        :math:`s = \eta_G\eta_D f'(0)^2` only: simultaneous steps are above 1
        everywhere, alternating ones on 1 for :math:`s < 4`, extragradient
        below 1 for :math:`s < 1`, optimistic for :math:`s < 1/3` [1]_ [2]_.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger and S. Nowozin, "Which training methods for GANs do actually converge?", ICML 2018.
    .. [2] C. Daskalakis, A. Ilyas, V. Syrgkanis and H. Zeng, "Training GANs with optimism", ICLR 2018.

    Examples
    --------
    >>> fig = plot_step_size_radius(lr=[0.1, 1.0], d_lr=[0.1, 1.0], updates=["extragradient"])
    >>> fig.axes[0].get_title()
    'extragradient: ρ < 1 on 100% of the grid'
    """
    from matplotlib.colors import TwoSlopeNorm

    from gantheory.gan.dynamics import DIRAC_UPDATES, DiracGAN

    model = DiracGAN("minimax") if model is None else model
    if not isinstance(model, DiracGAN):
        raise TypeError(f"model must be a gantheory.gan.DiracGAN, got {type(model).__name__}")
    # 101 steps per axis, Gouraud-shaded: the optimistic rule's valley next to ρ = 1 is 2 steps wide (a staircase on 61 flat cells)
    lrs = np.logspace(-2, 1, 101) if lr is None else _vector(lr, "lr")
    d_lrs = np.logspace(-2, 1, 101) if d_lr is None else _vector(d_lr, "d_lr")
    updates = list(DIRAC_UPDATES if updates is None else updates)
    if not updates:
        raise ValueError("updates must name at least one update rule")
    radii = {}
    for update in updates:  # rounding puts a radius of exactly 1 (alternating steps) at 1 ± 1e-16: draw it as 1
        radius = model.spectral_radius_grid(lrs, d_lrs, update)
        radii[update] = np.where(np.abs(radius - 1) < 1e-9, 1.0, radius)
    values = np.concatenate([r.ravel() for r in radii.values()])
    norm = TwoSlopeNorm(vcenter=1.0, vmin=min(values.min(), 0.99), vmax=max(min(values.max(), 3.0), 1.01))
    ncols = min(4, len(updates))
    nrows = math.ceil(len(updates) / ncols)
    with _figure(nrows, ncols, size=(4.4 * ncols + 1.5, 4.2 * nrows)) as (fig, axes):
        axes = np.atleast_1d(axes).ravel()
        for ax, (update, radius) in zip(axes, radii.items()):
            smooth = "gouraud" if radius.shape[0] > 1 and radius.shape[1] > 1 else "nearest"
            mesh = ax.pcolormesh(
                lrs, d_lrs, np.minimum(radius, norm.vmax), cmap="RdBu_r", norm=norm, shading=smooth, rasterized=True
            )
            if radius.shape[0] > 1 and radius.shape[1] > 1 and radius.min() <= 1 < radius.max():  # ρ = 1 between them
                ax.contour(
                    lrs, d_lrs, radius, levels=[1.0 + 1e-9], colors="black", linewidths=1.2
                )  # also where ρ = 1 exactly
                ax.plot([], [], color="black", linewidth=1.2, label="ρ = 1 (edge of ρ > 1)")
                ax.legend(loc="lower left", fontsize=9)  # only where the line is drawn
            for scale, size in ((ax.set_xscale, lrs.size), (ax.set_yscale, d_lrs.size)):
                if size > 1:
                    scale("log")
            ax.set_xlabel("lr (generator's step η_G)")
            ax.set_ylabel("d_lr (discriminator's step η_D)")
            on_circle = f", ρ = 1 on {100 * np.mean(radius == 1):.0f}%" if (radius == 1).any() else ""
            ax.set_title(f"{update}: ρ < 1 on {100 * np.mean(radius < 1):.0f}%{on_circle} of the grid", fontsize=11)
        for ax in axes[len(updates) :]:
            ax.set_visible(False)
        bar = fig.colorbar(
            mesh,
            ax=list(axes[: len(updates)]),
            label="spectral radius ρ (< 1: converges)",
            extend="max" if values.max() > norm.vmax else "neither",
        )
        from matplotlib.ticker import MaxNLocator

        below = [
            t for t in MaxNLocator(3).tick_values(norm.vmin, 1.0) if norm.vmin <= t < 1.0
        ]  # ticks on both sides of 1
        above = [t for t in MaxNLocator(4).tick_values(1.0, norm.vmax) if 1.0 < t <= norm.vmax]
        bar.set_ticks([*below, 1.0, *above])
        fig.suptitle(
            f"The {_dirac_model_text(model)}: the spectral radius ρ of one step over the two step sizes", fontsize=12
        )
    return fig


# -- training snapshots (gantheory.gan.train) ----------------------------------------------

_CLASSIFIER_LOSSES = ("minimax", "non_saturating", "maximum_likelihood")


def _snapshots(history, name="history") -> dict:
    """The snapshot arrays of a History (or a mapping with its fields), checked, with the colour scale of its discriminator."""
    steps = np.asarray(_field(history, "snapshot_steps", name))
    samples = np.asarray(_field(history, "snapshots", name), dtype=float)
    grid = np.asarray(_field(history, "grid", name), dtype=float)
    values = np.asarray(_field(history, "discriminator_grid", name), dtype=float)
    push = np.asarray(_field(history, "generator_field", name), dtype=float)
    config = _field(history, "config", name)
    if samples.ndim != 3 or len(steps) != len(samples) or len(samples) == 0:
        raise ValueError(
            f"{name}.snapshots must have shape (snapshots, n, dim) with one step each, got {samples.shape}"
        )
    if len(values) != len(samples) or push.shape != samples.shape:
        raise ValueError(f"{name}: discriminator_grid and generator_field must have one entry per snapshot")
    loss = config.get("loss", "") if isinstance(config, Mapping) else ""
    manifold = history.get("manifold") if isinstance(history, Mapping) else getattr(history, "manifold", None)
    manifold = None if manifold is None else np.asarray(manifold, dtype=float)
    if manifold is not None and (
        manifold.ndim != 5 or len(manifold) != len(samples) or manifold.shape[-1] != samples.shape[2]
    ):
        manifold = None  # a history saved before the manifold was recorded: drawn without it
    if loss in _CLASSIFIER_LOSSES:
        from scipy.special import expit

        values, label, limits = expit(values), "D(x)", (0.0, 1.0)
        bar = 'D(x) = probability of "real"'
    else:  # a critic's values drift as it trains: centre and scale each snapshot
        centred = values - np.nanmedian(values.reshape(len(values), -1), axis=1).reshape(
            (-1,) + (1,) * (values.ndim - 1)
        )
        scale = np.nanmax(np.abs(centred.reshape(len(values), -1)), axis=1).reshape((-1,) + (1,) * (values.ndim - 1))
        values, label, limits = (
            centred / np.where(scale > 0, scale, 1.0),
            "critic (centred, scaled per snapshot)",
            (-1.0, 1.0),
        )
        bar = f"{_display(loss) + ' ' if loss else ''}critic: a score, not a probability\n(centred, scaled per panel; high = real)"
    return dict(
        steps=steps,
        samples=samples,
        grid=grid,
        values=values,
        push=push,
        loss=loss,
        label=label,
        limits=limits,
        bar=bar,
        manifold=manifold,
    )


def _target_points(target, dim=2, n=512):
    """A fixed sample, shape (m, dim), of the target to draw with the snapshots, or None.

    ``target`` is a gantheory Distribution of dimension ``dim`` (``n`` points, seed 0),
    samples of shape (m,) or (m, dim) (at most ``n`` of them, chosen with seed 0), or None.
    """
    if target is None:
        return None
    if isinstance(target, Distribution):
        if target.dim != dim:
            raise ValueError(f"target is {target.dim}-D but the run is {dim}-D")
        return np.asarray(target.sample(n, rng=0), dtype=float).reshape(n, dim)
    try:
        points = np.asarray(target, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"target must be a gantheory Distribution, samples of shape (m,) or (m, {dim}), or None; got {type(target).__name__}"
        ) from None
    if points.ndim == 1 and dim == 1:
        points = points[:, None]
    if points.ndim != 2 or points.shape[1] != dim or len(points) == 0:
        raise ValueError(f"target samples must have shape (m,) or (m, {dim}) for a {dim}-D run, got {points.shape}")
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) > n:
        points = points[np.random.default_rng(0).choice(len(points), n, replace=False)]
    return points


def _draw_snapshot(ax, snap, k, *, arrows=64, target=None):
    """Draw 2-D snapshot ``k``: the discriminator's heatmap, the target sample, the generated samples and their push."""
    g = snap["values"].shape[-1]
    gx, gy = snap["grid"][:, 0].reshape(g, g), snap["grid"][:, 1].reshape(g, g)
    # Gouraud shading interpolates between the grid's values: no blocks, whatever grid_size the run used
    mesh = ax.pcolormesh(
        gx, gy, snap["values"][k], cmap="RdBu_r", vmin=snap["limits"][0], vmax=snap["limits"][1], shading="gouraud"
    )
    if target is not None:  # on top of the samples, translucent: neither hides the other
        ax.scatter(
            target[:, 0],
            target[:, 1],
            s=34,
            marker="o",
            facecolors=matplotlib.colors.to_rgba("#009E73", 0.4),
            edgecolors="#009E73",
            linewidths=1.0,
            zorder=2.7,
            label="data",
        )  # on top, translucent
    if snap.get("manifold") is not None:  # the image under G of a latent grid: where G can put points, and how it folds
        lines = snap["manifold"][k].reshape(-1, snap["manifold"].shape[-2], 2)
        for i, line in enumerate(lines):
            ax.plot(
                line[:, 0],
                line[:, 1],
                color="#4B0082",
                linewidth=0.7,
                alpha=0.55,
                zorder=2,
                label="G's manifold (image of a latent grid)" if i == 0 else None,
            )
    x = snap["samples"][k]
    ax.scatter(x[:, 0], x[:, 1], s=9, color="black", label="G(z)", zorder=2.5)
    every = max(len(x) // max(int(arrows), 1), 1)
    p = snap["push"][k, ::every]
    scale = np.nanmax(np.linalg.norm(p, axis=1)) if np.isfinite(p).any() else 0.0
    scale = scale if scale > 0 else 1.0
    ax.quiver(
        x[::every, 0],
        x[::every, 1],
        p[:, 0] / scale,
        p[:, 1] / scale,
        color="#E69F00",
        angles="xy",
        scale_units="xy",
        scale=1.0 / (0.12 * np.ptp(gx)),
        width=0.008,
        zorder=3,
        label="push (normalized per panel)",
    )
    ax.set_xlim(gx.min(), gx.max())
    ax.set_ylim(gy.min(), gy.max())
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.grid(False)
    return mesh


def plot_training_snapshots(history, *, panels: int = 6, arrows: int = 64, target=None) -> Figure:
    r"""Generated samples over training, with the target and the discriminator, one panel per snapshot.

    Parameters
    ----------
    history : gantheory.gan.History (or a mapping with its fields)
        From :func:`gantheory.gan.train` or :meth:`History.load`.
    panels : int
        At most this many snapshots, evenly spaced from the first to the last (three per row).
    arrows : int
        In 2-D, how many samples get an arrow :math:`-n\,\partial L_G/\partial x`
        (the direction the generator's cost moves them; lengths normalized per panel).
    target : Distribution or array_like, optional
        The target: a gantheory Distribution of the run's dimension, or its samples
        (shape (m,) or (m, dim)).

    Returns
    -------
    Figure
        In 2-D: :math:`D(x) = \sigma(\text{logit})` for the classifier costs (the
        critic's value, centred and scaled per snapshot, otherwise: a score, not
        a probability, as the colour bar says) as a heatmap (Gouraud-shaded),
        the data (a sample of the target, green), the generator's manifold (the
        image of a latent grid, ``History.manifold``, purple lines), the
        generated samples (black) and their arrows (lengths normalized per
        panel). In 1-D, as Figure 1 of Goodfellow et al. 2014, on one axis at
        one scale for every panel: the target's density :math:`p_\text{data}`
        (its pdf, or a histogram of its samples), a histogram of the generated
        samples :math:`p_g`, :math:`D(x)` (or the scaled critic) and, for the
        classifier costs, :math:`D^* = p_\text{data}/(p_\text{data} + p_g)`
        dashed, with :math:`p_g` a Gaussian KDE of the snapshot's samples (and
        :math:`p_\text{data}` the target's pdf, or a KDE of its samples), drawn
        where :math:`p_\text{data} + p_g` exceeds 0.1% of its peak. The x-range covers the discriminator's
        grid, the target and the generated samples (0.5-99.5 percentiles).

    Examples
    --------
    >>> import gantheory as gt
    >>> h = gt.gan.train(gt.Normal(1, 0.5), generator="affine", steps=4, batch_size=16, log_every=2, progress=False)
    >>> fig = plot_training_snapshots(h, panels=3, target=gt.Normal(1, 0.5))
    >>> [ax.get_title() for ax in fig.axes]
    ['step 0', 'step 2', 'step 4']
    >>> len({ax.get_ylim() for ax in fig.axes})      # one scale for every panel
    1
    """
    snap = _snapshots(history)
    panels = check_positive_int(panels, "panels")
    steps, samples, grid, values = snap["steps"], snap["samples"], snap["grid"], snap["values"]
    dim = samples.shape[2]
    points = _target_points(target, dim, n=512 if dim == 2 else 20_000)
    chosen = np.unique(np.linspace(0, len(steps) - 1, min(panels, len(steps))).round().astype(int))
    ncols = min(3, len(chosen))
    nrows = -(-len(chosen) // ncols)
    if dim == 1:
        shown = samples[chosen, :, 0]
        shown = shown[np.isfinite(shown)]
        lows, highs = [grid[0, 0]], [grid[-1, 0]]
        for x in (shown, None if points is None else points[:, 0]):
            if x is not None and x.size:
                lows.append(np.percentile(x, 0.5))
                highs.append(np.percentile(x, 99.5))
        lo, hi = min(lows), max(highs)
        lo, hi = lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)
        edges = np.linspace(lo, hi, 41)

        def density(x):  # a histogram over the shown range; mass outside it is left out, not spread over the bins
            return np.histogram(x, edges)[0] / (max(len(x), 1) * np.diff(edges))

        if isinstance(target, Distribution) and target.reference == "lebesgue":
            xs = np.linspace(lo, hi, 400)
            p_data = ("curve", xs, target.pdf(xs))
        elif points is not None:
            p_data = ("stairs", edges, density(points[:, 0]))
        else:
            p_data = None
        p_g = [density(samples[k, :, 0][np.isfinite(samples[k, :, 0])]) for k in chosen]
        # D* = p_data / (p_data + p_g) (Goodfellow et al. 2014, Figure 1), p_g by a Gaussian KDE of the snapshot's samples
        xs_star = np.linspace(lo, hi, 400)
        if snap["loss"] in _CLASSIFIER_LOSSES and (p_data is not None):
            p_star = target.pdf(xs_star) if p_data[0] == "curve" else _kde(points[:, 0], xs_star)
            d_star = [_optimal_from_densities(p_star, _kde(samples[k, :, 0], xs_star)) for k in chosen]
            for d, k in zip(d_star, chosen):  # drawn where there is mass: p_data + p_g above 0.1% of its peak
                total = p_star + _kde(samples[k, :, 0], xs_star)
                d[~(total > 1e-3 * np.nanmax(total, initial=0.0))] = np.nan
        else:
            d_star = [None] * len(chosen)
        top = max([1.0, float(np.max(values[chosen]))] + ([float(np.max(p_data[2]))] if p_data else []))
        top = 1.08 * max(top, min(max(float(p.max()) for p in p_g), 3.0 * top))  # a collapsed p_g is cut at 3x the rest
        bottom = 0.0 if snap["limits"][0] == 0.0 else -1.08
    size = (3.9 * ncols + (1.3 if dim == 2 else 0.4), (3.7 if dim == 2 else 3.0) * nrows + 1.2)
    with _figure(nrows, ncols, size=size) as (fig, axes):
        axes = np.atleast_1d(axes)
        for ax in axes[len(chosen) :]:
            fig.delaxes(ax)
        for i, (ax, k) in enumerate(zip(axes, chosen)):
            if dim == 2:
                mesh = _draw_snapshot(ax, snap, k, arrows=arrows, target=points)
            else:
                if p_data is not None:
                    style = dict(color="black", linestyle=":", linewidth=2.0, label="p_data (target)")
                    if p_data[0] == "curve":
                        ax.plot(p_data[1], p_data[2], **style)
                    else:
                        ax.stairs(p_data[2], p_data[1], **style)
                ax.stairs(p_g[i], edges, fill=True, color=_COLORS[0], alpha=0.45, label="p_g (histogram of G(z))")
                ax.plot(
                    grid[:, 0], values[k], label=snap["label"], **(curve_style(1, markevery=0.1) | {"linestyle": "-"})
                )
                if d_star[i] is not None:
                    ax.plot(
                        xs_star,
                        d_star[i],
                        color=_COLORS[3],
                        linestyle="--",
                        linewidth=1.8,
                        label="D* = p_data / (p_data + p_g), p_g by KDE",
                    )
                ax.set_xlim(lo, hi)
                ax.set_ylim(bottom, top)
                ax.set_xlabel("x")
                ax.set_ylabel("density; " + ("D(x)" if snap["loss"] in _CLASSIFIER_LOSSES else "critic (scaled)"))
            ax.set_title(f"step {int(steps[k])}")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), markerscale=2 if dim == 2 else 1)
        if dim == 2:
            fig.colorbar(mesh, ax=list(axes[: len(chosen)]), shrink=0.8).set_label(snap["bar"], fontsize=9)
            fig.suptitle(
                f"Training {'with the ' + _display(snap['loss']) + ' loss' if snap['loss'] else 'a GAN'}: samples over the discriminator (heatmap);\n"
                "arrows = the generator's push, lengths normalized per panel"
            )
        else:
            fig.suptitle(
                f"Training {'with the ' + _display(snap['loss']) + ' loss' if snap['loss'] else 'a GAN'}: the target, the generated samples and the discriminator"
            )
    return fig


# -- 10. a 2-D GAN on the ring of 8 ------------------------------------------------------------------


def _moving_average(y, window):
    window = max(1, min(int(window), len(y)))
    return np.convolve(y, np.ones(window) / window, mode="valid"), window


def _modes_text(count, x):
    """``", 6/8 modes"``: the modes ``x`` covers, counted by ``count`` (:func:`_mode_counter`); ``""`` without one."""
    c = None if count is None else count(x)
    return "" if c is None else f", {c.modes}/{c.n_modes} modes"


def _modes_against_steps(log_steps, metrics, snap, count):
    """``(steps, modes covered, last)`` of a 2-D run, or None when they cannot be had.

    From ``History.metrics["modes"]`` at the log steps when it was recorded (a mixture target), else counted with
    ``count`` (:func:`_mode_counter`) on each snapshot; ``last`` is the count of the last snapshot (None without ``count``).
    """
    last = None if count is None else count(snap["samples"][-1])
    modes = metrics.get("modes") if isinstance(metrics, Mapping) else None
    if modes is not None and len(modes) == len(log_steps) and len(modes):
        return np.asarray(log_steps), np.asarray(modes, dtype=float), last
    if count is None:
        return None
    counted = [count(x) for x in snap["samples"]]
    return snap["steps"], np.array([np.nan if c is None else c.modes for c in counted], dtype=float), last


def plot_ring_training(histories, *, panels: int = 4, target=None, arrows: int = 48) -> Figure:
    r"""Figure 10: 2-D GANs over training (one row per loss) and their histories.

    Parameters
    ----------
    histories : mapping
        ``{label: History}`` of 2-D runs of :func:`gantheory.gan.train` (e.g.
        the ring of 8 under two losses).
    panels : int
        Snapshots per row, evenly spaced from the first to the last.
    target : Distribution, optional
        The 2-D target, whose sample is drawn under the generated one. When
        it is a mixture of isotropic normals (the ring of 8), the snapshots'
        modes are counted on it (:func:`gantheory.gan.modes.mode_coverage`).
    arrows : int
        Generated samples per panel that get an arrow (the generator's push
        :math:`-n\,\partial L_G / \partial x`, normalized per panel).

    Returns
    -------
    matplotlib.figure.Figure
        Rows of snapshots (the discriminator's heatmap with a colour bar per
        row: :math:`D(x)` in [0, 1] for the classifier losses, the critic's
        centred and scaled score for ``"least_squares"``, ``"wgan"``,
        ``"wgan_gp"`` and ``"cramer"``; the data, the generator's manifold,
        the generated samples and arrows normalized per panel; with a mixture
        ``target``, each panel's title gives the modes its samples cover),
        then three panels of history: both players' costs (moving average),
        the sliced W1 to the target, and the modes covered against steps:
        ``History.metrics["modes"]`` where the run recorded it (trained on a
        mixture), else counted on each snapshot with a mixture ``target``; with
        a mixture ``target`` each run's legend entry gives its last snapshot's
        modes, high-quality share and the fewest high-quality samples on one
        mode (a mode with 1 sample counts as covered).

    Examples
    --------
    >>> import gantheory as gt
    >>> ring = gt.ring_of_gaussians(8)
    >>> h = gt.gan.train(ring, steps=4, batch_size=16, log_every=2, snapshot_every=2, progress=False)
    >>> fig = plot_ring_training({"non-saturating": h}, panels=2, target=ring)
    >>> fig.axes[-1].get_ylabel()
    'modes covered (of 8)'
    >>> [float(y) for y in fig.axes[-1].get_lines()[0].get_ydata()] == h.metrics["modes"].tolist()
    True
    """
    if not isinstance(histories, Mapping) or not histories:
        raise TypeError("histories must be a non-empty mapping {label: History}")
    panels = check_positive_int(panels, "panels")
    snaps = {label: _snapshots(h, f"histories[{label!r}]") for label, h in histories.items()}
    for label, snap in snaps.items():
        if snap["samples"].shape[2] != 2:
            raise ValueError(f"histories[{label!r}] is not a 2-D run")
    points = _target_points(target, 2)
    count = None if target is None else _mode_counter(target)
    rows = len(snaps)
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(3.4 * panels + 1.6, 3.6 * rows + 4.4), layout=_SlideLayout())
        key, *subfigs = fig.subfigures(
            rows + 2, 1, height_ratios=[0.4] + [3.6] * rows + [4.0]
        )  # the snapshots' legend on top
        for sub, (label, snap) in zip(subfigs, snaps.items()):
            chosen = np.unique(
                np.linspace(0, len(snap["steps"]) - 1, min(panels, len(snap["steps"]))).round().astype(int)
            )
            row_axes = np.atleast_1d(sub.subplots(1, len(chosen)))
            for ax, k in zip(row_axes, chosen):
                mesh = _draw_snapshot(ax, snap, k, arrows=arrows, target=points)
                ax.set_title(
                    f"{label}: step {int(snap['steps'][k])}{_modes_text(count, snap['samples'][k])}", fontsize=12
                )
            sub.colorbar(mesh, ax=list(row_axes), shrink=0.9).set_label(snap["bar"], fontsize=9)
        handles, labels = row_axes[0].get_legend_handles_labels()
        key.legend(handles, labels, loc="center", ncols=len(labels), fontsize=10, markerscale=1.5)
        cost_ax, w1_ax, modes_ax = subfigs[-1].subplots(1, 3)
        n_modes, counted = None, set()
        for i, (label, h) in enumerate(histories.items()):
            style = curve_style(i, markevery=0.1)
            for key, dashes in (("g_loss", style["linestyle"]), ("d_loss", ":")):
                y = np.asarray(_field(h, key, f"histories[{label!r}]"), dtype=float)
                if y.size:
                    smooth, window = _moving_average(y, 50)
                    cost_ax.plot(
                        np.arange(window, y.size + 1),
                        smooth,
                        color=style["color"],
                        linestyle=dashes,
                        label=f"{label}: {'G' if key == 'g_loss' else 'D'}",
                    )
            steps = np.asarray(_field(h, "log_steps", f"histories[{label!r}]"))
            metrics = _field(h, "metrics", f"histories[{label!r}]")
            if "sliced_w1" in metrics and len(metrics["sliced_w1"]) == len(steps):
                w1_ax.plot(steps, metrics["sliced_w1"], label=label, **style)
            drawn = _modes_against_steps(steps, metrics, snaps[label], count)
            if drawn is not None:
                at, modes, last = drawn
                if (
                    at is not snaps[label]["steps"]
                ):  # the logged metric: counted on at least MODE_SAMPLES generated points
                    from gantheory.gan.train import MODE_SAMPLES

                    config = _field(h, "config", f"histories[{label!r}]")
                    counted.add(max(MODE_SAMPLES, int(config.get("n_eval", 0)) if isinstance(config, Mapping) else 0))
                else:
                    counted.add(snaps[label]["samples"].shape[1])
                n_modes = n_modes if last is None else last.n_modes
                end = (
                    ""
                    if last is None
                    else f" (last snapshot: {last.modes}/{last.n_modes}, {100 * last.high_quality:.0f}% HQ, fewest {min(last.counts)} of {last.n})"
                )
                modes_ax.plot(at, modes, label=label + end, **style)
        cost_ax.set_xlabel("training step")
        cost_ax.set_ylabel("cost (moving average of 50 steps)")
        cost_ax.set_title("Players' costs (solid/dashed: G, dotted: D)", fontsize=12)
        cost_ax.legend(loc="upper right", fontsize=8)
        w1_ax.set_xlabel("training step")
        w1_ax.set_ylabel("sliced W1 to the data (units of x)")
        w1_ax.set_title("Distance to the data", fontsize=12)
        w1_ax.legend(loc="upper right")
        modes_ax.set_xlabel("training step")
        modes_ax.set_ylabel("modes covered" + ("" if n_modes is None else f" (of {n_modes})"))
        of = f" of {counted.pop():,}" if len(counted) == 1 else ""
        modes_ax.set_title(f"Modes covered (≥ 1{of} sample{'s' * bool(of)} within 3 sd)", fontsize=12)
        if n_modes is not None:
            modes_ax.axhline(n_modes, color="0.4", linewidth=0.8, linestyle=":")
            modes_ax.set_ylim(-0.3, 1.5 * n_modes)  # room above the curves for the legend
        if modes_ax.get_lines():
            modes_ax.legend(loc="upper left", fontsize=8)
        else:
            modes_ax.text(
                0.5,
                0.5,
                "no mode counts: pass a mixture target\n(or train on one: History.metrics['modes'])",
                transform=modes_ax.transAxes,
                ha="center",
                va="center",
                fontsize=10,
            )
        fig.suptitle(
            "2-D GANs over training: heatmap = discriminator (see each row's colour bar), "
            "arrows = the generator's push (lengths normalized per panel)"
        )
    return fig


# colours the GIF's palette keeps exactly: black samples, green data, orange arrows, purple manifold, white, grey text,
# and the ends of the heat map's colour scale (RdBu_r), which the colour bars always show
_GIF_KEEP = np.array(
    [
        [0, 0, 0],
        [0, 158, 115],
        [230, 159, 0],
        [75, 0, 130],
        [255, 255, 255],
        [128, 128, 128],
        [5, 48, 97],
        [103, 0, 31],
    ],
    dtype=np.uint8,
)


def _gif_frame(rgb, colors=56):
    """An RGB frame as a palette image: ``colors`` median-cut colours (the heat map) and :data:`_GIF_KEEP` (the marks),
    each pixel the nearest of them; no dithering, so that the heat map stays smooth and the file small."""
    from PIL import Image

    image = Image.fromarray(rgb)
    cut = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette = Image.new("P", (1, 1))
    palette.putpalette(cut.getpalette()[: 3 * colors] + _GIF_KEEP.ravel().tolist())
    return image.quantize(palette=palette, dither=Image.Dither.NONE)  # each pixel the nearest of the palette's colours


def animate_training(histories, path, *, target=None, fps: int = 6, dpi: int = 100, arrows: int = 48, size=(12.4, 5.8)):
    r"""The animated GIF of 2-D GAN training: samples moving over the discriminator's heatmap, with the generator's push.

    In the spirit of GAN Lab [1]_: one panel per run, one frame per snapshot of the histories, each panel as
    :func:`plot_training_snapshots` draws it (heatmap, data, the generator's manifold, samples, arrows normalized per
    panel) with its own colour bar: :math:`D(x)` in [0, 1] for the classifier losses, the critic's scaled score otherwise.
    With a mixture ``target`` (the ring of 8), each panel's title gives the modes the frame's samples cover
    (:func:`gantheory.gan.modes.mode_coverage`: a mode is covered by one sample within 3 of its standard deviations).

    Parameters
    ----------
    histories : History or mapping
        A 2-D run of :func:`gantheory.gan.train`, or ``{label: History}`` (runs with the same snapshot steps).
    path : str or Path
        Where to write the GIF.
    target : Distribution, optional
        The 2-D target, whose sample is drawn under the generated one; a mixture of isotropic normals also has its
        modes counted in each frame.
    fps, dpi : int
        Frames per second and resolution (the size of the file grows with ``dpi²`` and the frames); the
        default 100 dpi at the default ``size`` makes frames 1240 pixels wide, their smallest text 8 pt (11 pixels).
    arrows : int
        Samples per panel with an arrow.
    size : (float, float)
        Figure size in inches.

    Returns
    -------
    pathlib.Path
        The file written (:class:`matplotlib.animation.PillowWriter`).

    References
    ----------
    .. [1] M. Kahng, N. Thorat, D. H. Chau, F. Viégas and M. Wattenberg, "GAN Lab: understanding complex deep generative
       models using interactive visual experimentation", IEEE VIS 2018.

    Examples
    --------
    >>> import tempfile, pathlib, gantheory as gt
    >>> ring = gt.ring_of_gaussians(8)
    >>> h = gt.gan.train(ring, steps=4, batch_size=16, log_every=0, snapshot_every=2, progress=False)
    >>> out = animate_training(h, pathlib.Path(tempfile.mkdtemp()) / "ring.gif", target=ring, dpi=30)
    >>> out.read_bytes()[:6]
    b'GIF89a'
    """
    from pathlib import Path

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(histories, Mapping):
        histories = {"": histories}
    if not histories:
        raise TypeError("histories must be a History or a non-empty mapping {label: History}")
    snaps = {label: _snapshots(h, f"histories[{label!r}]") for label, h in histories.items()}
    frames = min(len(s["steps"]) for s in snaps.values())
    if any(s["samples"].shape[2] != 2 for s in snaps.values()):
        raise ValueError("animate_training needs 2-D runs")
    fps, dpi = check_positive_int(fps, "fps"), check_positive_int(dpi, "dpi")
    points = _target_points(target, 2)
    count = None if target is None else _mode_counter(target)
    path = Path(path)
    with matplotlib.rc_context(
        STYLE | {"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "figure.titlesize": 12}
    ):
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        fig = Figure(figsize=size)
        axes = np.atleast_1d(fig.subplots(1, len(snaps)))
        fig.subplots_adjust(left=0.05, right=0.93, bottom=0.09, top=0.86, wspace=0.25)  # fixed: frames must not jump
        for ax, snap in zip(
            axes, snaps.values()
        ):  # made once (ax.clear() in a frame leaves a colour bar's own axes alone)
            bar = fig.colorbar(ScalarMappable(Normalize(*snap["limits"]), cmap="RdBu_r"), ax=ax, shrink=0.8, pad=0.02)
            bar.set_label(snap["bar"], fontsize=8)

        def frame(k):
            for ax, (label, snap) in zip(axes, snaps.items()):
                ax.clear()
                _draw_snapshot(ax, snap, k, arrows=arrows, target=points)
                ax.set_title(
                    f"{label + ': ' if label else ''}step {int(snap['steps'][k])}{_modes_text(count, snap['samples'][k])}"
                )
            return []

        frame(0)
        fig.suptitle(
            "GAN training: G(z) (black), G's manifold (purple) and the data (green) over the discriminator;\n"
            "arrows = the generator's push, lengths normalized per panel"
            + ("; modes: those with ≥ 1 sample within 3 sd" if count is not None else ""),
            fontsize=10,
        )
        fig.set_dpi(dpi)
        canvas = FigureCanvasAgg(fig)
        images = []
        for k in range(frames):
            frame(k)
            canvas.draw()
            # one palette per frame without dithering: the heat maps stay smooth and the file small
            rgb = np.asarray(canvas.buffer_rgba())[..., :3]
            images.append(_gif_frame(rgb))
        images[0].save(path, format="GIF", save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0)
    return path


# -- 10b. mode collapse: Metz et al.'s mixture figure, counted -----------------------------------------


def _mode_counter(target, n_sd=3):
    """``x -> ModeCoverage`` of :func:`gantheory.gan.modes.mode_coverage` on ``target``, or None if it cannot count ``target``.

    Non-finite rows of ``x`` are left out of the count (a run's last snapshot is finite; this only guards the drawing);
    ``None`` is returned for a snapshot with no finite row.
    """
    from gantheory.gan.modes import mode_coverage

    try:
        mode_coverage(np.zeros((1, getattr(target, "dim", 1))), target, n_sd)
    except (TypeError, ValueError):
        return None

    def count(x):
        x = np.asarray(x, dtype=float)
        x = x[np.isfinite(x).reshape(len(x), -1).all(axis=1)]
        return mode_coverage(x, target, n_sd) if len(x) else None

    return count


def plot_mode_collapse(histories, target, *, columns: int = 5, n_sd=3) -> Figure:
    r"""Mode collapse as Metz et al. draw it, counted: samples over the modes (methods × training steps), modes covered and high-quality share.

    Parameters
    ----------
    histories : mapping
        ``{method: History}``: 2-D runs of :func:`gantheory.gan.train` on
        ``target`` with snapshots (``snapshot_every``), e.g. one per method of
        :data:`gantheory.gan.modes.METHODS`. A
        :class:`~gantheory.gan.modes.ModeCollapseTable` holds no snapshots and
        is refused.
    target : Mixture
        The mixture of isotropic normals the runs were trained on
        (:func:`gantheory.ring_of_gaussians`, :func:`gantheory.grid_of_gaussians`).
    columns : int
        Snapshots drawn per method, evenly spaced from the first to the last.
    n_sd : float
        The high-quality radius of :func:`~gantheory.gan.modes.mode_coverage`
        (3 standard deviations, as VEEGAN and PacGAN).

    Returns
    -------
    matplotlib.figure.Figure
        Left, one row per method and one column per chosen snapshot: the
        generated samples (the run's fixed noise, ``History.snapshots``) in the
        method's colour over the target's mode centres (open circles), each
        panel titled with its step and the modes it covers; samples outside
        the target's extent (plus a margin) are clipped. Right, for every
        snapshot of every run: the modes covered and the share of high-quality
        samples (within ``n_sd`` standard deviations of the nearest mode),
        both counted with :func:`~gantheory.gan.modes.mode_coverage` on the
        same samples as the panels. The title names the methods that cover
        every mode at their last snapshot, and the modes and high-quality
        share of the others (as counted, not assumed).

    Notes
    -----
    The layout is that of Metz et al.'s [1]_ 2-D mixture experiment
    (Sec. 3.1): a row per method, the generator's samples at increasing
    training steps, where a standard GAN visits the modes one after another
    and the unrolled GAN spreads over all of them. (That figure is a heatmap
    of the generator's distribution; in arXiv:1611.02163v4 Figure 1 is the
    unrolled computation graph and the mixture figure comes after it.) The
    counts are VEEGAN's and PacGAN's measures (see
    :func:`~gantheory.gan.modes.mode_coverage`): a mode is covered by one
    high-quality sample, so a mode holding 1 of 256 samples counts as covered.

    References
    ----------
    .. [1] L. Metz, B. Poole, D. Pfau and J. Sohl-Dickstein, "Unrolled
       generative adversarial networks", ICLR 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> ring = gt.ring_of_gaussians(8)
    >>> runs = {name: gt.gan.train(ring, steps=4, batch_size=16, log_every=0, snapshot_every=2, progress=False, **options)
    ...         for name, options in {"non-saturating": {}, "R1": {"r1": 0.1}}.items()}
    >>> fig = plot_mode_collapse(runs, ring, columns=3)
    >>> [ax.get_title() for ax in fig.axes[:3]]          # doctest: +ELLIPSIS
    ['step 0: ... / 8 modes', 'step 2: ... / 8 modes', 'step 4: ... / 8 modes']
    >>> fig.axes[-2].get_ylabel(), fig.axes[-1].get_ylabel()
    ('modes covered (of 8)', 'high-quality samples (%)')
    """
    if not isinstance(histories, Mapping):
        if hasattr(histories, "rows") and hasattr(histories, "to_text"):
            raise TypeError(
                "histories: a ModeCollapseTable holds no snapshots; pass {method: History} of runs with "
                "snapshot_every > 0 (e.g. gt.gan.train(target, snapshot_every=..., **METHODS[name]))"
            )
        raise TypeError(f"histories must be a non-empty mapping {{method: History}}, got {type(histories).__name__}")
    if not histories:
        raise TypeError("histories must be a non-empty mapping {method: History}")
    count = _mode_counter(target, n_sd)
    if count is None:
        from gantheory.gan.modes import mode_coverage

        mode_coverage(
            np.zeros((1, getattr(target, "dim", 1))), target, n_sd
        )  # raises the error that says what is wrong
    columns = check_positive_int(columns, "columns")
    runs = {}
    for method, h in histories.items():
        name = f"histories[{method!r}]"
        steps = np.asarray(_field(h, "snapshot_steps", name))
        samples = np.asarray(_field(h, "snapshots", name), dtype=float)
        if samples.ndim != 3 or len(samples) == 0 or len(steps) != len(samples):
            raise ValueError(
                f"{name} needs snapshots of shape (snapshots, n, dim), one per step: train it with snapshot_every > 0 "
                f"(got shape {samples.shape})"
            )
        if samples.shape[2] != target.dim:
            raise ValueError(f"{name} is a {samples.shape[2]}-D run but target is {target.dim}-D")
        runs[method] = dict(steps=steps, samples=samples, coverage=[count(x) for x in samples])
    centres = np.array([c.mean for c in target.components], dtype=float).reshape(len(target.components), -1)
    k = len(centres)
    lo, hi = centres.min(axis=0), centres.max(axis=0)
    margin = np.maximum(0.3 * (hi - lo), 0.5)
    lo, hi = lo - margin, hi + margin

    def modes_of(c):
        return np.nan if c is None else c.modes

    def share_of(c):
        return np.nan if c is None else 100.0 * c.high_quality

    rows = len(runs)
    ncols = min(columns, max(len(r["steps"]) for r in runs.values()))
    with matplotlib.rc_context(
        STYLE | {"axes.titlesize": 10, "axes.labelsize": 10, "xtick.labelsize": 8, "ytick.labelsize": 8}
    ):
        fig = Figure(figsize=(2.15 * ncols + 6.8, max(2.1 * rows + 1.9, 7.0)), layout=_SlideLayout())
        left, right = fig.subfigures(1, 2, width_ratios=[2.15 * ncols, 6.4])
        grid = left.subplots(rows, ncols, squeeze=False)
        for i, (method, run) in enumerate(runs.items()):
            style = curve_style(i)
            chosen = np.unique(np.linspace(0, len(run["steps"]) - 1, min(ncols, len(run["steps"]))).round().astype(int))
            for j in range(ncols):
                ax = grid[i, j]
                if j >= len(chosen):
                    ax.set_axis_off()
                    continue
                s = chosen[j]
                x = run["samples"][s]
                ax.scatter(
                    centres[:, 0],
                    centres[:, 1],
                    s=60,
                    facecolors="none",
                    edgecolors="black",
                    linewidths=1.0,
                    label="mode centres",
                    zorder=3,
                )
                ax.scatter(x[:, 0], x[:, 1], s=4, color=style["color"], alpha=0.6, label=f"G(z), {method}", zorder=2)
                cov = run["coverage"][s]
                ax.set_title(f"step {int(run['steps'][s])}: {'?' if cov is None else cov.modes} / {k} modes")
                ax.set_xlim(lo[0], hi[0])
                ax.set_ylim(lo[1], hi[1])
                ax.set_aspect("equal")
                ax.grid(False)
                ax.set_xlabel("x₁", labelpad=0)
                ax.set_ylabel(f"{method}\nx₂" if j == 0 else "x₂", labelpad=0, fontweight="bold" if j == 0 else None)
        handles = [grid[0, 0].collections[0]] + [grid[i, 0].collections[1] for i in range(rows)]
        left.legend(
            handles,
            [h.get_label() for h in handles],
            loc="outside lower center",
            ncols=min(len(handles), 4),
            fontsize=9,
            markerscale=2,
        )
        modes_ax, share_ax = right.subplots(2, 1, sharex=True)
        for i, (method, run) in enumerate(runs.items()):
            style = curve_style(i, markevery=max(1, len(run["steps"]) // 8))
            modes_ax.plot(run["steps"], [modes_of(c) for c in run["coverage"]], label=method, **style)
            share_ax.plot(run["steps"], [share_of(c) for c in run["coverage"]], label=method, **style)
        modes_ax.axhline(k, color="0.4", linewidth=0.8, linestyle=":")
        modes_ax.set_ylim(-0.3, k + 0.6)
        modes_ax.set_ylabel(f"modes covered (of {k})")
        modes_ax.set_title(f"Modes covered (≥ 1 sample within {n_sd:g} sd)")
        modes_ax.set_xlabel("training step")
        modes_ax.legend(loc="lower right", fontsize=8)
        shares = [share_of(c) for run in runs.values() for c in run["coverage"]]
        share_ax.set_ylim(0, min(103, 1.15 * np.nanmax(shares, initial=0.0) + 3))  # to the highest share, not to 100%
        share_ax.set_ylabel("high-quality samples (%)")
        share_ax.set_title(f"High quality: within {n_sd:g} sd of the nearest mode")
        share_ax.set_xlabel("training step")
        n = runs[next(iter(runs))]["samples"].shape[1]
        last = {method: run["coverage"][-1] for method, run in runs.items()}
        full = [f"{m} ({100 * c.high_quality:.0f}% HQ)" for m, c in last.items() if c is not None and c.modes == k]
        rest = [f"{m} {modes_of(c)}/{k} ({share_of(c):.0f}% HQ)" for m, c in last.items() if c is None or c.modes < k]
        verdict = (f"all {k} modes covered by {', '.join(full)}" if full else f"no method covers all {k} modes") + (
            f"; not by {', '.join(rest)}" if rest and full else f": {', '.join(rest)}" if rest else ""
        )

        verdict = textwrap.fill(f"At the last snapshot ({n} samples): {verdict}", width=int(11 * fig.get_figwidth()))
        fig.suptitle(
            f"Mode collapse on {k} modes: the samples over training (one row per method), modes covered and "
            f"high-quality share\n{verdict}",
            fontsize=12,
        )
    return fig


def _kde(x, at):
    """A Gaussian KDE (Scott's bandwidth) of the finite values of ``x`` at ``at``; NaN where it is undefined (no spread)."""
    from scipy.stats import gaussian_kde

    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2 or np.ptp(x) == 0:
        return np.full(np.shape(at), np.nan)
    return gaussian_kde(x)(at)


def _optimal_from_densities(p, q):
    """:math:`p / (p + q)`, NaN where both vanish."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    total = p + q
    return np.divide(p, total, out=np.full(total.shape, np.nan), where=total > 0)


# -- evaluating GANs: FID's bias, the MMD witness, mode collapse ---------------------------


def plot_fid_bias(result=None, **kwargs) -> Figure:
    r"""FID from n samples against its exact value (biased, :math:`\propto 1/n`) beside KID (unbiased).

    Parameters
    ----------
    result : mapping, optional
        As :func:`gantheory.divergences.evaluation.fid_bias` returns; computed
        with ``kwargs`` when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        Left: the mean FID excess over the exact value against n, log-log,
        with its fitted rate. Right: the mean of FID and of KID (± 2 standard
        errors over the repeats) relative to their exact values. The title
        counts the sizes where the mean FID is above its exact value and
        where the mean KID is within 2 standard errors of its own.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.divergences import evaluation
    >>> fig = plot_fid_bias(evaluation.fid_bias(np.zeros(2), np.eye(2), np.ones(2), np.eye(2), sizes=(20, 40), repeats=3))
    >>> fig.axes[0].get_xscale()
    'log'
    """
    if result is None:
        from gantheory.divergences import evaluation

        result = evaluation.fid_bias(**kwargs)
    n = _vector(_field(result, "sizes", "result"), "result['sizes']")
    fid, kid = (np.asarray(_field(result, key, "result"), dtype=float) for key in ("fid", "kid"))
    fid_exact, kid_exact = float(_field(result, "fid_exact", "result")), float(_field(result, "kid_exact", "result"))
    slope = float(_field(result, "fid_bias_slope", "result"))
    with _figure(1, 2, size=(13.0, 5.0)) as (fig, (left, right)):
        excess = fid.mean(axis=1) - fid_exact
        left.loglog(
            n,
            np.where(excess > 0, excess, np.nan),
            label=f"mean FID_n − FID (fitted ∝ n^{slope:.2f})",
            **curve_style(0),
        )
        left.loglog(n, excess[0] * n[0] / n, color="0.5", linestyle=(0, (2, 2)), label="∝ 1/n guide")
        left.set_xlabel("sample size n (each of x and y)")
        left.set_ylabel("bias of FID")
        left.legend()
        for i, (name, values, truth) in enumerate((("FID", fid, fid_exact), ("KID", kid, kid_exact))):
            mean, se = values.mean(axis=1) / truth, values.std(axis=1, ddof=1) / math.sqrt(values.shape[1]) / truth
            right.errorbar(
                n,
                mean,
                yerr=2 * se,
                label=f"{name} / exact ({values.shape[1]} repeats, ± 2 s.e.)",
                capsize=3,
                **curve_style(i),
            )
        right.axhline(1.0, color="0.3", linewidth=1)
        right.set_xscale("log")
        for ax in (left, right):  # the sizes themselves as ticks, no minor labels
            ax.set_xticks(n, [f"{v:g}" for v in n])
            ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        right.set_xlabel("sample size n (each of x and y)")
        right.set_ylabel("mean estimate / exact value")
        right.legend()
        above = int(np.sum(fid.mean(axis=1) > fid_exact))
        kid_se = kid.std(axis=1, ddof=1) / math.sqrt(kid.shape[1])
        within = int(np.sum(np.abs(kid.mean(axis=1) - kid_exact) <= 2 * kid_se))
        fig.suptitle(
            f"Mean FID above its exact value at {above} of {n.size} sizes (bias ∝ n^{slope:.2f}); mean KID within 2 s.e. of exact at {within} of {n.size}"
        )
    return fig


def plot_witness(curves=None, **kwargs) -> Figure:
    r"""The MMD witness function beside the optimal discriminator :math:`D^* = p/(p+q)`, on the line.

    Parameters
    ----------
    curves : mapping, optional
        As :func:`gantheory.divergences.evaluation.witness_curves` returns;
        computed with ``kwargs`` when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The densities, :math:`D^*` and the unit-norm witness :math:`f/\mathrm{MMD}`.

    Examples
    --------
    >>> import numpy as np
    >>> import gantheory as gt
    >>> from gantheory.divergences import evaluation
    >>> fig = plot_witness(evaluation.witness_curves(gt.Normal(0, 1), gt.Normal(2, 1), np.linspace(-4, 6, 50), bandwidth=1.0))
    >>> len(fig.axes)
    2
    """
    if curves is None:
        from gantheory.divergences import evaluation

        curves = evaluation.witness_curves(**kwargs)
    t = _vector(_field(curves, "t", "curves"), "curves['t']")
    every = max(1, t.size // 12)
    with _figure(2, 1, size=(9.0, 7.6), sharex=True) as (fig, (top, bottom)):
        top.plot(t, _field(curves, "p", "curves"), label="p (data)", **curve_style(0, markevery=every))
        top.plot(t, _field(curves, "q", "curves"), label="q (generator)", **curve_style(1, markevery=every))
        top.set_ylabel("density (1 / units of x)")
        top.set_title("The two densities")
        top.legend(loc="upper left")
        # one axis for both: D* is a probability in [0, 1], the witness a unit-norm function around 0
        bottom.plot(t, _field(curves, "d_star", "curves"), label="D* = p/(p+q)", **curve_style(2, markevery=every))
        bottom.plot(
            t, _field(curves, "witness", "curves"), label="MMD witness f/MMD", **curve_style(3, markevery=every)
        )
        bottom.axhline(0.0, color="0.4", linewidth=0.9)
        bottom.axhline(0.5, color="0.6", linewidth=0.9, linestyle=":", label="D* = ½ (p = q)")
        bottom.set_xlabel("x")
        bottom.set_ylabel("value (no units)")
        bottom.set_title("D* and the witness on one axis: the witness has the sign of p − q")
        bottom.legend(loc="lower left")
        fig.suptitle(
            f"The MMD witness is a smoothed p − q (MMD = {float(_field(curves, 'mmd', 'curves')):.3f});\n"
            "D* is near 0 or 1 where one density dominates"
        )
    return fig


def plot_dropped_modes(table=None, **kwargs) -> Figure:
    r"""Which distance sees mode collapse: each distance's growth over its sampling noise, per dropped mode.

    Parameters
    ----------
    table : DroppedModesTable, optional
        As :func:`gantheory.divergences.evaluation.dropped_modes_table`
        returns; computed with ``kwargs`` when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        (mean estimate − mean with nothing dropped) / its standard deviation
        with nothing dropped, against the number of dropped modes, log y.

    Examples
    --------
    >>> from gantheory.divergences import evaluation
    >>> fig = plot_dropped_modes(evaluation.dropped_modes_table(n=100, dropped=(2,), repeats=2))
    >>> fig.axes[0].get_yscale()
    'log'
    """
    if table is None:
        from gantheory.divergences import evaluation

        table = evaluation.dropped_modes_table(**kwargs)
    snr = _field(table, "signal_to_noise", "table")
    dropped = np.asarray(_field(table, "dropped", "table"))
    keep = dropped > 0
    with _figure(size=(9.0, 5.5)) as (fig, ax):
        for i, (name, values) in enumerate(snr.items()):
            ax.plot(dropped[keep], np.clip(np.asarray(values)[keep], 1e-2, None), label=name, **curve_style(i))
        ax.set_yscale("log")
        ax.set_xticks(dropped[keep])
        ax.set_xlabel("modes dropped of the ring's 8 (the rest re-weighted)")
        ax.set_ylabel("growth / sampling noise (s.d. with no mode dropped)")
        ax.legend(fontsize=9)
        best = max(snr, key=lambda k: float(np.asarray(snr[k])[keep][0]))
        worst = min(snr, key=lambda k: float(np.asarray(snr[k])[keep][0]))
        fig.suptitle(
            f"One dropped mode at n = {_field(table, 'n', 'table')}: {best} grows most over its noise, {worst} least"
        )
    return fig


# -- 11. Wasserstein vs Cramér -----------------------------------------------------------------


def plot_bernoulli_bias(losses=None, minimizers=None) -> Figure:
    r"""Figure 11: a Bernoulli example of biased W1 sample gradients (Bellemare et al.): the expected sample losses of W1 and of Cramér², and their minimizers against m.

    Parameters
    ----------
    losses : BernoulliSampleLosses, optional
        As :func:`gantheory.gan.bernoulli_sample_losses` returns; default p = 0.3, m = 1, 2, 5, 20, 100.
    minimizers : BernoulliMinimizers, optional
        As :func:`gantheory.gan.bernoulli_minimizers` returns; default the same p, m from 1 to 1000.

    Returns
    -------
    matplotlib.figure.Figure
        Left: :math:`E\,W_1(\hat P_m, Q_\theta)` against θ for each m with the
        true :math:`W_1 = |p - \theta|`; middle: the same for
        :math:`\ell_2^2`; right: where each is smallest, against m. The W1
        minimizer (a median of K/m) is in general not p: with the default
        p = 0.3 it is p only where mp is an integer (the binomial's median
        is then mp: m = 20 and 100 of the default curves, m = 10, 100 and
        1000 of the default minimizers); the title counts the sizes where it
        misses p. The Cramér² one is p for every m [1]_.

    References
    ----------
    .. [1] M. G. Bellemare et al., "The Cramer distance as a solution to biased Wasserstein gradients", arXiv:1705.10743, 2017.

    Examples
    --------
    >>> fig = plot_bernoulli_bias()
    >>> fig.axes[2].get_xscale()
    'log'
    """
    from gantheory.gan.critics import bernoulli_minimizers, bernoulli_sample_losses

    if losses is None:
        losses = bernoulli_sample_losses(0.3, [1, 2, 5, 20, 100])
    if minimizers is None:
        minimizers = bernoulli_minimizers(
            _field(losses, "p", "losses"), np.unique(np.geomspace(1, 1000, 19).astype(int))
        )
    p = float(_field(losses, "p", "losses"))
    theta = _vector(_field(losses, "theta", "losses"), "losses.theta", min_size=2)
    m = np.atleast_1d(np.asarray(_field(losses, "m", "losses")))
    w1, c2 = (np.asarray(_field(losses, key, "losses"), dtype=float) for key in ("w1", "cramer2"))
    if w1.shape != (m.size, theta.size) or c2.shape != w1.shape:
        raise ValueError(f"losses.w1 and losses.cramer2 must have shape (len(m), len(theta)) = {(m.size, theta.size)}")
    mm = _vector(_field(minimizers, "m", "minimizers"), "minimizers.m")
    low, high, cr = (
        _vector(_field(minimizers, key, "minimizers"), f"minimizers.{key}") for key in ("w1_low", "w1_high", "cramer2")
    )
    if not (mm.shape == low.shape == high.shape == cr.shape):
        raise ValueError("minimizers.m, .w1_low, .w1_high and .cramer2 must have one length")
    with _figure(1, 3, size=(16.0, 5.2)) as (fig, (left, middle, right)):
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
        right.fill_between(mm, low, high, color=_COLORS[1], alpha=0.25, linewidth=0)
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


# -- the f-GAN variational bound --------------------------------------------------------------


def plot_variational_bound(runs=None, *, steps=600) -> Figure:
    r"""The f-GAN lower bound :math:`E_P T - E_Q f^*(T)` against training steps beside the exact :math:`D_f`, and the learned T beside :math:`f'(p/q)`.

    Parameters
    ----------
    runs : VariationalBound or sequence of them, optional
        As :func:`gantheory.gan.fgan.variational_bound` returns (1-D laws);
        default: P = N(0, 1), Q = N(1, 1), ``f = "kl"`` and ``"gan"``, ``steps``
        Adam steps each (rng 0, log every 50 steps, 5,000 held-out points from each law).
    steps : int
        Training steps of the default runs (600: about 1.5 s each on one core).

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
    from gantheory.gan.fgan import variational_bound

    if runs is None:
        P, Q = Normal(0.0, 1.0), Normal(1.0, 1.0)
        steps = check_positive_int(steps, "steps")
        runs = [variational_bound(P, Q, f, steps=steps, rng=0, log_every=50, n_eval=5_000) for f in ("kl", "gan")]
    elif hasattr(runs, "_fields"):
        runs = [runs]
    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one VariationalBound")
    k = len(runs)
    with _figure(2, k, size=(6.0 * k, 8.6)) as (fig, axes):
        axes = np.asarray(axes).reshape(2, k)
        verdicts = []
        for j, run in enumerate(runs):
            top, bottom = axes[0, j], axes[1, j]
            name = str(_field(run, "f", "run"))
            t = _vector(_field(run, "steps", "run"), "run.steps")
            bound, se = (_vector(_field(run, key, "run"), f"run.{key}") for key in ("bound", "se"))
            exact = float(_field(run, "exact", "run"))
            if not (t.shape == bound.shape == se.shape):
                raise ValueError("run.steps, .bound and .se must have one length")
            below = bool(np.all(bound <= exact + 3 * se))
            verdicts.append(below)
            top.fill_between(t, bound - 2 * se, bound + 2 * se, color=_COLORS[1], alpha=0.25, linewidth=0)
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
            grid = _field(run, "grid", "run")
            if grid is None:
                bottom.set_axis_off()
                continue
            grid = _vector(grid, "run.grid", min_size=2)
            critic, optimal, density = (
                _vector(_field(run, key, "run"), f"run.{key}") for key in ("critic", "optimal_critic", "density")
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
