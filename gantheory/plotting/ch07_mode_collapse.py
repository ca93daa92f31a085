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
