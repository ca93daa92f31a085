r"""Chapter 3's training figures (``notebooks/03_gan_game_optimal_discriminator.ipynb``, ``gantheory train``):
a run's snapshots, the 2-D runs on the ring of 8 and the training GIF."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from gantheory._validation import check_positive_int
from gantheory.distributions import Distribution
from gantheory.plotting._style import (
    COLORS,
    STYLE,
    SlideLayout,
    curve_style,
    display_name,
    field_of,
    mode_counter,
    slide_figure,
)

# -- training snapshots (gantheory.gan.train, the function) ----------------------------------------------

_CLASSIFIER_LOSSES = ("minimax", "non_saturating", "maximum_likelihood")
_MODE_SAMPLES = 2500  # gantheory.gan.metrics.MODE_SAMPLES (tests/test_plotting.py checks they agree)


def _snapshots(history, name="history") -> dict:
    """The snapshot arrays of a History (or a mapping with its fields), checked, with the colour scale of its discriminator."""
    steps = np.asarray(field_of(history, "snapshot_steps", name))
    samples = np.asarray(field_of(history, "snapshots", name), dtype=float)
    grid = np.asarray(field_of(history, "grid", name), dtype=float)
    values = np.asarray(field_of(history, "discriminator_grid", name), dtype=float)
    push = np.asarray(field_of(history, "generator_field", name), dtype=float)
    config = field_of(history, "config", name)
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
        bar = f"{display_name(loss) + ' ' if loss else ''}critic: a score, not a probability\n(centred, scaled per panel; high = real)"
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
    with slide_figure(nrows, ncols, size=size) as (fig, axes):
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
                ax.stairs(p_g[i], edges, fill=True, color=COLORS[0], alpha=0.45, label="p_g (histogram of G(z))")
                ax.plot(
                    grid[:, 0], values[k], label=snap["label"], **(curve_style(1, markevery=0.1) | {"linestyle": "-"})
                )
                if d_star[i] is not None:
                    ax.plot(
                        xs_star,
                        d_star[i],
                        color=COLORS[3],
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
                f"Training {'with the ' + display_name(snap['loss']) + ' loss' if snap['loss'] else 'a GAN'}: samples over the discriminator (heatmap);\n"
                "arrows = the generator's push, lengths normalized per panel"
            )
        else:
            fig.suptitle(
                f"Training {'with the ' + display_name(snap['loss']) + ' loss' if snap['loss'] else 'a GAN'}: the target, the generated samples and the discriminator"
            )
    return fig


# -- a 2-D GAN on the ring of 8 ------------------------------------------------------------------


def _moving_average(y, window):
    window = max(1, min(int(window), len(y)))
    return np.convolve(y, np.ones(window) / window, mode="valid"), window


def _modes_text(count, x):
    """``", 6/8 modes"``: the modes ``x`` covers, counted by ``count`` (:func:`mode_counter`); ``""`` without one."""
    c = None if count is None else count(x)
    return "" if c is None else f", {c.modes}/{c.n_modes} modes"


def _modes_against_steps(log_steps, metrics, snap, count):
    """``(steps, modes covered, last)`` of a 2-D run, or None when they cannot be had.

    From ``History.metrics["modes"]`` at the log steps when it was recorded (a mixture target), else counted with
    ``count`` (:func:`mode_counter`) on each snapshot; ``last`` is the count of the last snapshot (None without ``count``).
    """
    last = None if count is None else count(snap["samples"][-1])
    modes = metrics.get("modes") if isinstance(metrics, Mapping) else None
    if modes is not None and len(modes) == len(log_steps) and len(modes):
        return np.asarray(log_steps), np.asarray(modes, dtype=float), last
    if count is None:
        return None
    counted = [count(x) for x in snap["samples"]]
    return snap["steps"], np.array([np.nan if c is None else c.modes for c in counted], dtype=float), last


def plot_ring_training(histories, *, panels: int = 4, target=None, arrows: int = 48, mode_coverage=None) -> Figure:
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
        modes are counted on it with ``mode_coverage``.
    arrows : int
        Generated samples per panel that get an arrow (the generator's push
        :math:`-n\,\partial L_G / \partial x`, normalized per panel).
    mode_coverage : callable, optional
        ``(samples, target, n_sd) -> ModeCoverage``:
        :func:`gantheory.gan.mode_coverage`, which counts the snapshots' modes
        (plotting imports nothing from :mod:`gantheory.gan`). Without it the
        modes are only the logged ``History.metrics["modes"]``.

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
    >>> fig = plot_ring_training({"non-saturating": h}, panels=2, target=ring, mode_coverage=gt.gan.mode_coverage)
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
    count = None if target is None else mode_counter(target, mode_coverage)
    rows = len(snaps)
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(3.4 * panels + 1.6, 3.6 * rows + 4.4), layout=SlideLayout())
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
                y = np.asarray(field_of(h, key, f"histories[{label!r}]"), dtype=float)
                if y.size:
                    smooth, window = _moving_average(y, 50)
                    cost_ax.plot(
                        np.arange(window, y.size + 1),
                        smooth,
                        color=style["color"],
                        linestyle=dashes,
                        label=f"{label}: {'G' if key == 'g_loss' else 'D'}",
                    )
            steps = np.asarray(field_of(h, "log_steps", f"histories[{label!r}]"))
            metrics = field_of(h, "metrics", f"histories[{label!r}]")
            if "sliced_w1" in metrics and len(metrics["sliced_w1"]) == len(steps):
                w1_ax.plot(steps, metrics["sliced_w1"], label=label, **style)
            drawn = _modes_against_steps(steps, metrics, snaps[label], count)
            if drawn is not None:
                at, modes, last = drawn
                if (
                    at is not snaps[label]["steps"]
                ):  # the logged metric: counted on at least _MODE_SAMPLES generated points
                    config = field_of(h, "config", f"histories[{label!r}]")
                    counted.add(max(_MODE_SAMPLES, int(config.get("n_eval", 0)) if isinstance(config, Mapping) else 0))
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
                "no mode counts: pass a mixture target and mode_coverage\n(or train on one: History.metrics['modes'])",
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


def animate_training(
    histories,
    path,
    *,
    target=None,
    fps: int = 6,
    dpi: int = 100,
    arrows: int = 48,
    size=(12.4, 5.8),
    mode_coverage=None,
):
    r"""The animated GIF of 2-D GAN training: samples moving over the discriminator's heatmap, with the generator's push.

    In the spirit of GAN Lab [1]_: one panel per run, one frame per snapshot of the histories, each panel as
    :func:`plot_training_snapshots` draws it (heatmap, data, the generator's manifold, samples, arrows normalized per
    panel) with its own colour bar: :math:`D(x)` in [0, 1] for the classifier losses, the critic's scaled score otherwise.
    With a mixture ``target`` (the ring of 8), each panel's title gives the modes the frame's samples cover
    (``mode_coverage``, e.g. :func:`gantheory.gan.mode_coverage`: a mode is covered by one sample within 3 of its standard deviations).

    Parameters
    ----------
    histories : History or mapping
        A 2-D run of :func:`gantheory.gan.train`, or ``{label: History}`` (runs with the same snapshot steps).
    path : str or Path
        Where to write the GIF.
    target : Distribution, optional
        The 2-D target, whose sample is drawn under the generated one; a mixture of isotropic normals also has its
        modes counted in each frame by ``mode_coverage``.
    fps, dpi : int
        Frames per second and resolution (the size of the file grows with ``dpi²`` and the frames); the
        default 100 dpi at the default ``size`` makes frames 1240 pixels wide, their smallest text 8 pt (11 pixels).
    arrows : int
        Samples per panel with an arrow.
    size : (float, float)
        Figure size in inches.
    mode_coverage : callable, optional
        ``(samples, target, n_sd) -> ModeCoverage``: :func:`gantheory.gan.mode_coverage`, which counts each frame's
        modes; without it no modes are counted.

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
    >>> out = animate_training(h, pathlib.Path(tempfile.mkdtemp()) / "ring.gif", target=ring, dpi=30, mode_coverage=gt.gan.mode_coverage)
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
    count = None if target is None else mode_counter(target, mode_coverage)
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
