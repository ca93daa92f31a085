r"""Chapter 7 (``notebooks/07_mode_collapse.ipynb``): methods × steps over the modes, counted."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from gantheory._validation import check_positive_int
from gantheory.plotting._style import STYLE, SlideLayout, curve_style, field_of, mode_counter

# -- mode collapse: Metz et al.'s mixture figure, counted -----------------------------------------


def plot_mode_collapse(histories, target, *, mode_coverage, columns: int = 5, n_sd=3) -> Figure:
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
    mode_coverage : callable
        ``(samples, target, n_sd) -> ModeCoverage``: :func:`gantheory.gan.mode_coverage`, which counts the
        modes (plotting imports nothing from :mod:`gantheory.gan`); its errors say what is wrong with ``target``.
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
    >>> fig = plot_mode_collapse(runs, ring, mode_coverage=gt.gan.mode_coverage, columns=3)
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
    if not callable(mode_coverage):
        raise TypeError(f"mode_coverage must be a function such as gantheory.gan.mode_coverage, got {mode_coverage!r}")
    count = mode_counter(target, mode_coverage, n_sd)
    if count is None:
        mode_coverage(
            np.zeros((1, getattr(target, "dim", 1))), target, n_sd
        )  # raises the error that says what is wrong
    columns = check_positive_int(columns, "columns")
    runs = {}
    for method, h in histories.items():
        name = f"histories[{method!r}]"
        steps = np.asarray(field_of(h, "snapshot_steps", name))
        samples = np.asarray(field_of(h, "snapshots", name), dtype=float)
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
        fig = Figure(figsize=(2.15 * ncols + 6.8, max(2.1 * rows + 1.9, 7.0)), layout=SlideLayout())
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


# -- the cause, computed: the order of play, the best response, the hopping ------------------------


def plot_maxmin_game(game) -> Figure:
    r"""The two orders of play of a small GAN game: the min-max generator spread, the max-min generator a point mass.

    Parameters
    ----------
    game : MaxMinGame or mapping
        What :func:`gantheory.gan.collapse.maxmin_minmax_game` returns (``p``, ``minmax_generator``,
        ``maxmin_generator``, ``value``, ``maxmin_value``, ``cycle``).

    Returns
    -------
    matplotlib.figure.Figure
        Left: per point, the data law, the generator's law when it moves first (min-max) and when the
        discriminator moves first (max-min: a point mass). Right: the point the generator occupies under
        alternating best responses.

    Examples
    --------
    >>> import gantheory as gt
    >>> fig = plot_maxmin_game(gt.gan.maxmin_minmax_game())
    >>> fig.axes[0].get_ylabel()
    'probability'
    """
    p = np.asarray(field_of(game, "p", "game"), dtype=float)
    q_minmax = np.asarray(field_of(game, "minmax_generator", "game"), dtype=float)
    q_maxmin = np.asarray(field_of(game, "maxmin_generator", "game"), dtype=float)
    value, maxmin_value = float(field_of(game, "value", "game")), float(field_of(game, "maxmin_value", "game"))
    cycle = list(field_of(game, "cycle", "game"))
    k = len(p)
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(11, 4.8), layout=SlideLayout())
        ax, path = fig.subplots(1, 2, width_ratios=[1.4, 1])
        x = np.arange(k)
        for i, (label, y) in enumerate(
            [
                ("data law p", p),
                (f"G first (min-max), value {value:.3f}", q_minmax),
                (f"D first, one D (max-min), value {maxmin_value:.3f}", q_maxmin),
            ]
        ):
            ax.bar(
                x + (i - 1) * 0.27, y, width=0.27, label=label, color=curve_style(i)["color"], hatch=["", "//", ".."][i]
            )
        ax.set_xticks(x, [f"point {j}" for j in x])
        ax.set_ylabel("probability")
        ax.set_ylim(0, 1.45)
        ax.set_title("The generator's law in each order of play")
        ax.legend(loc="upper right", fontsize=9)
        path.plot(np.arange(len(cycle)), cycle, **curve_style(0))
        path.set_yticks(sorted(set(cycle)))
        path.set_ylim(min(cycle) - 0.15, max(cycle) + 0.15)
        path.set_xlabel("generator move")
        path.set_ylabel("point occupied")
        path.set_title("Alternating best responses")
        fig.suptitle(
            f"Min-max spreads the generator over all {k} points (min {q_minmax.min():.2f}); max-min answers one "
            f"discriminator with a point mass,\nand alternating best responses hop between points "
            f"{sorted(set(cycle))}",
            fontsize=12,
        )
    return fig


def plot_best_response(results) -> Figure:
    r"""The generator against a frozen discriminator, over seeds: its points' spread and the modes they cover.

    Parameters
    ----------
    results : sequence of BestResponse or mappings
        What :func:`gantheory.gan.collapse.best_response` returns, one per seed (``steps``, ``spread``, ``modes``,
        ``occupied``, ``rng``: per round).

    Returns
    -------
    matplotlib.figure.Figure
        Left: the spread (root mean squared distance to the centroid, log scale) against the generator steps, the
        rounds one after the other (a dotted line where the discriminator answered). Right: the modes covered.

    Examples
    --------
    >>> import numpy as np
    >>> fake = {"rng": 0, "steps": np.array([[0, 10], [0, 10]]), "spread": np.array([[1.0, 0.01], [0.02, 0.01]]),
    ...         "modes": np.array([[5, 1], [1, 1]]), "occupied": (2, 3)}
    >>> plot_best_response([fake]).axes[0].get_yscale()
    'log'
    """
    results = list(results)
    if not results:
        raise TypeError("results must be a non-empty sequence of best_response results")
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(12, 4.8), layout=SlideLayout())
        spread_ax, modes_ax = fig.subplots(1, 2)
        finals, hops = [], 0
        for i, r in enumerate(results):
            steps = np.asarray(field_of(r, "steps", "results"))
            spread = np.asarray(field_of(r, "spread", "results"), dtype=float)
            modes = np.asarray(field_of(r, "modes", "results"), dtype=float)
            occupied = list(field_of(r, "occupied", "results"))
            hops += sum(a != b for a, b in zip(occupied, occupied[1:]))
            offset = np.arange(len(steps))[:, None] * (steps[0, -1] + 1)
            t = (steps + offset).ravel()
            style = curve_style(i, markevery=max(1, len(t) // 8))
            seed = r.get("rng", i) if isinstance(r, Mapping) else getattr(r, "rng", i)
            label = f"seed {seed}: modes {occupied}"
            spread_ax.plot(t, spread.ravel(), label=label, **style)
            modes_ax.plot(t, modes.ravel(), label=label, **style)
            finals.append(spread[:, -1].max())
            if i == 0:
                for edge in offset[1:, 0]:
                    for ax in (spread_ax, modes_ax):
                        ax.axvline(edge - 0.5, color="0.5", linestyle=":", linewidth=1)
        spread_ax.set_yscale("log")
        spread_ax.set_xlabel("generator steps against the frozen D (rounds in turn)")
        spread_ax.set_ylabel("spread of G(z) (RMS to centroid)")
        spread_ax.set_title("The points contract to one place")
        modes_ax.set_xlabel("generator steps against the frozen D (rounds in turn)")
        modes_ax.set_ylabel("modes covered")
        modes_ax.set_title("Modes covered (dotted: D answers)")
        modes_ax.legend(loc="upper right", fontsize=8)
        fig.suptitle(
            f"Against a frozen discriminator the generator collapses: every round ends with spread ≤ {max(finals):.3f} "
            f"({len(results)} seeds);\nafter the discriminator answers, the generator moves to another mode "
            f"({hops} hops in all)",
            fontsize=12,
        )
    return fig


def plot_occupancy(occupancy, *, title: str | None = None) -> Figure:
    r"""Per-mode occupancy over training (mode x step), a heatmap as in Metz et al.'s ring figure.

    Parameters
    ----------
    occupancy : Occupancy or mapping
        What :func:`gantheory.gan.collapse.occupancy` returns (``steps``, ``shares`` of shape (modes, steps),
        ``modes``).
    title : str, optional
        A first title line (the run); the second says what the data show.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> occ = {"steps": np.array([0, 10, 20]), "shares": np.array([[0.5, 0.0, 0.0], [0.5, 1.0, 0.2]]),
    ...        "modes": np.array([2, 1, 1])}
    >>> plot_occupancy(occ).axes[0].get_ylabel()
    'mode'
    """
    steps = np.asarray(field_of(occupancy, "steps", "occupancy"))
    shares = np.asarray(field_of(occupancy, "shares", "occupancy"), dtype=float)
    modes = np.asarray(field_of(occupancy, "modes", "occupancy"))
    if shares.ndim != 2 or shares.shape[1] != len(steps):
        raise ValueError(f"occupancy.shares must have shape (modes, {len(steps)}), got {shares.shape}")
    k = shares.shape[0]
    top = shares.argmax(axis=0)
    occupied = shares.max(axis=0) > 0
    changes = int(sum(a != b for a, b, o1, o2 in zip(top, top[1:], occupied, occupied[1:]) if o1 and o2))
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(11, 4.8), layout=SlideLayout())
        ax = fig.subplots()
        edges = np.r_[steps, steps[-1] + (steps[-1] - steps[-2] if len(steps) > 1 else 1)]
        mesh = ax.pcolormesh(edges, np.arange(k + 1) - 0.5, 100 * shares, cmap="viridis", vmin=0, vmax=100)
        fig.colorbar(mesh, ax=ax, label="share of samples (%)")
        ax.set_yticks(range(k))
        ax.set_xlabel("training step")
        ax.set_ylabel("mode")
        ax.grid(False)
        line = (
            f"at most {int(modes.max())} of {k} modes occupied at any logged step (median {np.median(modes):g}); "
            f"the busiest mode changes {changes} times"
        )
        fig.suptitle(f"{title}\n{line}" if title else f"Per-mode occupancy over training:\n{line}", fontsize=12)
    return fig
