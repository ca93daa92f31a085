r"""The house style shared by every figure: rcParams, curve styles, display names, legend placement and
:func:`figure_problems` (what would keep a figure off a slide)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from gantheory._validation import as_float_array

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
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 1)), (0, (3, 2, 1, 2)))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def curve_style(i: int, *, markevery=None) -> dict:
    """The line properties of the ``i``-th curve of a figure: colour, dash pattern and marker.

    Examples
    --------
    >>> curve_style(1)["linestyle"], curve_style(1)["marker"]
    ('--', 's')
    """
    i = int(i) % len(COLORS)
    style = dict(color=COLORS[i], linestyle=_LINESTYLES[i], marker=_MARKERS[i])
    if markevery is not None:
        style["markevery"] = markevery
    return style


@contextlib.contextmanager
def slide_figure(nrows=1, ncols=1, *, size=(8.0, 5.0), **subplot_kw):
    """A new Figure in the house style, with its axes (a flat array when there are several), laid out by :class:`SlideLayout`."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=size, layout=SlideLayout())
        axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
        yield fig, (axes[0, 0] if nrows * ncols == 1 else axes.ravel())


def as_vector(a, name, *, min_size=1):
    """A finite 1-D float array of at least ``min_size`` entries."""
    a = as_float_array(a, name, np)
    if a.ndim != 1 or a.size < min_size:
        raise ValueError(f"{name} must be a 1-D array of at least {min_size} numbers, got shape {a.shape}")
    return a


def field_of(data, key, name):
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


def display_name(name) -> str:
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


class SlideLayout(ConstrainedLayoutEngine):
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
    >>> import gantheory as gt
    >>> from gantheory.plotting import plot_weak_convergence
    >>> fig = plot_weak_convergence(gt.gan.weak_convergence())
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


# -- counting the modes a figure shows (with the caller's gantheory.gan.mode_coverage) ---------------


def mode_counter(target, mode_coverage, n_sd=3):
    """``x -> ModeCoverage`` of ``mode_coverage`` (:func:`gantheory.gan.mode_coverage`) on ``target``, or None without
    ``mode_coverage`` or if it cannot count ``target``.

    Non-finite rows of ``x`` are left out of the count (a run's last snapshot is finite; this only guards the drawing);
    ``None`` is returned for a snapshot with no finite row.
    """
    if mode_coverage is None:
        return None
    try:
        mode_coverage(np.zeros((1, getattr(target, "dim", 1))), target, n_sd)
    except (TypeError, ValueError):
        return None

    def count(x):
        x = np.asarray(x, dtype=float)
        x = x[np.isfinite(x).reshape(len(x), -1).all(axis=1)]
        return mode_coverage(x, target, n_sd) if len(x) else None

    return count
