r"""Chapter 5 (``notebooks/05_nash_dynamics.ipynb``): the Dirac-GAN, the step sizes' spectral radius and a
small game's Jacobian spectrum."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from gantheory.plotting._style import COLORS, as_vector, curve_style, display_name, field_of, slide_figure

# -- the Dirac-GAN --------------------------------------------------------------------------------

# gantheory.gan.dynamics.DIRAC_UPDATES, repeated (plotting imports nothing from gan; tests/test_plotting.py compares)
_DIRAC_UPDATES = ("simultaneous", "alternating", "extragradient", "optimistic")


def _optional(row, key):
    """``row[key]`` or ``row.key``, None when absent: a run row is a mapping or a DiracRun."""
    return row.get(key) if isinstance(row, Mapping) else getattr(row, key, None)


def plot_dirac_gan(runs) -> Figure:
    r"""Figure 8: Dirac-GAN vector fields with simultaneous and alternating trajectories, and the update maps' eigenvalues.

    Parameters
    ----------
    runs : dict
        As :func:`gantheory.gan.dynamics.dirac_gan_runs` returns (the tour's:
        ``dirac_gan_runs(lr=0.1, steps=1000)``): ``{label: row}``, each row a
        mapping or an object with ``model``, ``simultaneous`` and
        ``alternating`` (trajectories), and optionally ``steps``,
        ``eigenvalues`` and ``radius`` (``{update rule: value or None}``).

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
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty dict as dirac_gan_runs returns")
    n = len(runs) + 1
    ncols = min(4, n)
    nrows = math.ceil(n / ncols)
    grid = np.linspace(-2.0, 2.0, 17)
    T, S = np.meshgrid(grid, grid)
    with slide_figure(nrows, ncols, size=(4.2 * ncols, 4.1 * nrows)) as (fig, axes):
        axes = np.atleast_1d(axes)
        eig_ax = axes[len(runs)]
        for ax, (label, row) in zip(axes, runs.items()):
            model = field_of(row, "model", f"runs[{label!r}]")
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
                path = np.asarray(field_of(row, update, f"runs[{label!r}]"), dtype=float)
                if path.ndim != 2 or path.shape[1] != 2:
                    raise ValueError(f"runs[{label!r}][{update!r}] must be a trajectory of shape (steps + 1, 2)")
                with np.errstate(invalid="ignore"):  # a diverged run may end in NaN: it is not drawn
                    shown = np.where(
                        np.abs(path) <= 2.2, path, np.nan
                    )  # leave the panel rather than run along its edge
                radii, steps = _optional(row, "radius"), _optional(row, "steps")
                radius = radii.get(update) if isinstance(radii, Mapping) else None
                tag = f"ρ = {radius:.4f}" if radius is not None else ""
                if isinstance(steps, int) and len(path) - 1 < steps:
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
                eigenvalues = _optional(row, "eigenvalues")
                eig = eigenvalues.get(update) if isinstance(eigenvalues, Mapping) else None
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
            np.asarray(e)
            for row in runs.values()
            for e in (_optional(row, "eigenvalues") or {}).values()
            if e is not None
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
        paths = [
            np.asarray(field_of(row, update, f"runs[{label!r}]"), dtype=float)
            for update in ("simultaneous", "alternating")
        ]
        steps = _optional(row, "steps")
        ends = all((steps is None or len(p) - 1 == steps) and np.hypot(*p[-1]) < 0.01 * np.hypot(*p[0]) for p in paths)
        (converged if ends else not_converged).append(label)
    lines = ["The Dirac-GAN, both update rules from one start"]
    if converged:
        lines.append(f"converge (end within 1% of the start's distance from (0, 0)): {', '.join(converged)}")
    if not_converged:
        lines.append(f"do not converge: {', '.join(not_converged)}")
    return "\n".join(lines)


# -- the spectrum of a small game ---------------------------------------------------------------


def plot_game_spectrum(spectrum) -> Figure:
    r"""Figure 9: the eigenvalues of a small MLP game's Jacobian at a trained point, without and with R1.

    Parameters
    ----------
    spectrum : GameSpectrum
        As :func:`gantheory.gan.dynamics.game_spectrum` returns (``eigenvalues``,
        ``eigenvalues_r1``, ``r1``).

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
    plain = np.asarray(field_of(spectrum, "eigenvalues", "spectrum"), dtype=complex).ravel()
    r1 = np.asarray(field_of(spectrum, "eigenvalues_r1", "spectrum"), dtype=complex).ravel()
    r1_weight = float(field_of(spectrum, "r1", "spectrum"))
    if plain.size == 0 or r1.size == 0 or not (np.isfinite(plain).all() and np.isfinite(r1).all()):
        raise ValueError("spectrum.eigenvalues and .eigenvalues_r1 must be non-empty and finite")
    with slide_figure(1, 2, size=(13.5, 5.6)) as (fig, (whole, zoom)):
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
                color=COLORS[0],
                label="without regularization",
            )
            ax.plot(
                r1.real,
                r1.imag,
                linestyle="none",
                marker="s",
                markersize=7,
                color=COLORS[1],
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
        for top, color, dy in zip(rotating, COLORS, (10, -22)):
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
    loss = display_name(getattr(model, "loss", "GAN"))
    regularizer = getattr(model, "regularizer", None)
    gamma = (
        getattr(model, "weight", None) if hasattr(model, "weight") else getattr(model, "gamma", 0.0)
    )  # the penalty's weight
    if regularizer is None:
        return f"unregularized {loss} Dirac-GAN"
    return f"{loss} Dirac-GAN with {display_name(regularizer).replace('r1', 'R1').replace('r2', 'R2')} (γ = {gamma:g})"


def plot_step_size_radius(model, *, lr=None, d_lr=None, updates=None) -> Figure:
    r"""The Dirac-GAN's spectral radius over the two step sizes (two time scales), one heatmap per update rule.

    Parameters
    ----------
    model : gantheory.gan.DiracGAN
        E.g. the unregularized minimax GAN, ``DiracGAN("minimax")``.
    lr, d_lr : array_like of float, optional
        The generator's step sizes :math:`\eta_G` (x axis) and the
        discriminator's :math:`\eta_D` (y axis); default 61 values each,
        log-spaced from 0.01 to 10.
    updates : sequence of str, optional
        Update rules (default all four of :data:`gantheory.gan.dynamics.DIRAC_UPDATES`).

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
    >>> import gantheory as gt
    >>> fig = plot_step_size_radius(gt.gan.DiracGAN("minimax"), lr=[0.1, 1.0], d_lr=[0.1, 1.0], updates=["extragradient"])
    >>> fig.axes[0].get_title()
    'extragradient: ρ < 1 on 100% of the grid'
    """
    from matplotlib.colors import TwoSlopeNorm

    if not callable(getattr(model, "spectral_radius_grid", None)):
        raise TypeError(f"model must be a gantheory.gan.DiracGAN, got {type(model).__name__}")
    # 101 steps per axis, Gouraud-shaded: the optimistic rule's valley next to ρ = 1 is 2 steps wide (a staircase on 61 flat cells)
    lrs = np.logspace(-2, 1, 101) if lr is None else as_vector(lr, "lr")
    d_lrs = np.logspace(-2, 1, 101) if d_lr is None else as_vector(d_lr, "d_lr")
    updates = list(_DIRAC_UPDATES if updates is None else updates)
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
    with slide_figure(nrows, ncols, size=(4.4 * ncols + 1.5, 4.2 * nrows)) as (fig, axes):
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
