r"""Chapter 9 (``notebooks/09_evaluating_gans.ipynb``): FID's bias, the MMD witness, dropped modes."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from gantheory.plotting._style import as_vector, curve_style, field_of, slide_figure

# -- evaluating GANs: FID's bias, the MMD witness, mode collapse ---------------------------


def _required(data, name, experiment):
    """A clear error for a figure called without its data (the figures take data, they never compute it)."""
    if data is None:
        raise TypeError(
            f"{name} is required: pass what gantheory.divergences.evaluation.{experiment} returns "
            f"(compute it first, e.g. {name} = evaluation.{experiment}(...))"
        )


def plot_fid_bias(result) -> Figure:
    r"""FID from n samples against its exact value (biased, :math:`\propto 1/n`) beside KID (unbiased).

    Parameters
    ----------
    result : mapping or object
        As :func:`gantheory.divergences.evaluation.fid_bias` returns: ``sizes`` (n), ``fid`` and
        ``kid`` of shape ``(len(sizes), repeats)``, ``fid_exact``, ``kid_exact`` and ``fid_bias_slope``.

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
    _required(result, "result", "fid_bias")
    n = as_vector(field_of(result, "sizes", "result"), "result['sizes']")
    fid, kid = (np.asarray(field_of(result, key, "result"), dtype=float) for key in ("fid", "kid"))
    fid_exact, kid_exact = (
        float(field_of(result, "fid_exact", "result")),
        float(field_of(result, "kid_exact", "result")),
    )
    slope = float(field_of(result, "fid_bias_slope", "result"))
    with slide_figure(1, 2, size=(13.0, 5.0)) as (fig, (left, right)):
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


def plot_witness(curves) -> Figure:
    r"""The MMD witness function beside the optimal discriminator :math:`D^* = p/(p+q)`, on the line.

    Parameters
    ----------
    curves : mapping or object
        As :func:`gantheory.divergences.evaluation.witness_curves` returns: on the grid ``t``, the
        densities ``p`` and ``q``, ``d_star`` and the unit-norm ``witness``, and the number ``mmd``.

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
    _required(curves, "curves", "witness_curves")
    t = as_vector(field_of(curves, "t", "curves"), "curves['t']")
    every = max(1, t.size // 12)
    with slide_figure(2, 1, size=(9.0, 7.6), sharex=True) as (fig, (top, bottom)):
        top.plot(t, field_of(curves, "p", "curves"), label="p (data)", **curve_style(0, markevery=every))
        top.plot(t, field_of(curves, "q", "curves"), label="q (generator)", **curve_style(1, markevery=every))
        top.set_ylabel("density (1 / units of x)")
        top.set_title("The two densities")
        top.legend(loc="upper left")
        # one axis for both: D* is a probability in [0, 1], the witness a unit-norm function around 0
        bottom.plot(t, field_of(curves, "d_star", "curves"), label="D* = p/(p+q)", **curve_style(2, markevery=every))
        bottom.plot(
            t, field_of(curves, "witness", "curves"), label="MMD witness f/MMD", **curve_style(3, markevery=every)
        )
        bottom.axhline(0.0, color="0.4", linewidth=0.9)
        bottom.axhline(0.5, color="0.6", linewidth=0.9, linestyle=":", label="D* = ½ (p = q)")
        bottom.set_xlabel("x")
        bottom.set_ylabel("value (no units)")
        bottom.set_title("D* and the witness on one axis: the witness has the sign of p − q")
        bottom.legend(loc="lower left")
        fig.suptitle(
            f"The MMD witness is a smoothed p − q (MMD = {float(field_of(curves, 'mmd', 'curves')):.3f});\n"
            "D* is near 0 or 1 where one density dominates"
        )
    return fig


def plot_dropped_modes(table) -> Figure:
    r"""Which distance sees mode collapse: each distance's growth over its sampling noise, per dropped mode.

    Parameters
    ----------
    table : DroppedModesTable
        As :func:`gantheory.divergences.evaluation.dropped_modes_table`
        returns: ``dropped`` (numbers of modes), ``signal_to_noise``
        (``{distance: one value per entry of dropped}``) and the sample size ``n``.

    Returns
    -------
    matplotlib.figure.Figure
        (mean estimate − mean with nothing dropped) / its standard deviation
        with nothing dropped, against the number of dropped modes: the
        distances on the left (log y), the k-NN deficits ``1 - precision`` and
        ``1 - recall`` (names starting with ``"1 - "``) on the right (linear y),
        where they are in the table.

    Examples
    --------
    >>> from gantheory.divergences import evaluation
    >>> fig = plot_dropped_modes(evaluation.dropped_modes_table(n=100, dropped=(2,), repeats=2))
    >>> fig.axes[0].get_yscale()
    'log'
    """
    _required(table, "table", "dropped_modes_table")
    snr = field_of(table, "signal_to_noise", "table")
    dropped = np.asarray(field_of(table, "dropped", "table"))
    keep = dropped > 0
    n = field_of(table, "n", "table")
    distances = {k: np.asarray(v) for k, v in snr.items() if not k.startswith("1 - ")}
    deficits = {k: np.asarray(v) for k, v in snr.items() if k.startswith("1 - ")}  # precision and recall
    with slide_figure(1, 1 + bool(deficits), size=(13.0 if deficits else 9.0, 5.5)) as (fig, axes):
        ax = axes[0] if deficits else axes
        for i, (name, values) in enumerate(distances.items()):
            ax.plot(dropped[keep], np.clip(values[keep], 1e-2, None), label=name, **curve_style(i))
        ax.set_yscale("log")
        ax.set_xticks(dropped[keep])
        ax.set_xlabel("modes dropped of the ring's 8 (the rest re-weighted)")
        ax.set_ylabel("growth / sampling noise (s.d. with no mode dropped)")
        ax.legend(fontsize=9)
        best = max(distances, key=lambda k: float(distances[k][keep][0]))
        worst = min(distances, key=lambda k: float(distances[k][keep][0]))
        ax.set_title(f"Distances: {best} grows most over its noise, {worst} least", fontsize=11)
        if deficits:
            for i, (name, values) in enumerate(deficits.items()):
                axes[1].plot(dropped[keep], values[keep], label=name, **curve_style(i))
            axes[1].axhline(0.0, color="0.5", linewidth=0.8)
            axes[1].set_xticks(dropped[keep])
            axes[1].set_xlabel("modes dropped of the ring's 8 (the rest re-weighted)")
            axes[1].set_ylabel("growth / sampling noise")
            axes[1].legend(fontsize=9)
            top = max(deficits, key=lambda k: float(deficits[k][keep][0]))
            axes[1].set_title(f"k-NN fidelity and diversity: {top} grows most", fontsize=11)
        fig.suptitle(f"One dropped mode at n = {n}: growth of each measure over its sampling noise")
    return fig


def plot_two_sample_tests(null_batches, power) -> Figure:
    r"""The MMD permutation test as evaluation: its rejection rate under P = Q against the binomial interval, and its power.

    Parameters
    ----------
    null_batches : sequence of RejectionRate (or mappings)
        Batches run with both samplers drawing the same law, as
        :func:`gantheory.divergences.evaluation.rejection_rate` returns them:
        ``n``, ``rate``, ``size`` and ``null_interval`` each.
    power : sequence of RejectionRate (or mappings)
        Runs against another law: ``n``, ``rate`` and ``trials`` each.

    Returns
    -------
    matplotlib.figure.Figure
        Left: each null batch's rate at its n beside the exact level and the
        central 95% binomial interval (the title counts the batches inside).
        Right: the power against n (log x) with ± 2 binomial standard errors
        and the level (the title names the first n with power 1, if any).

    Examples
    --------
    >>> batch = {"n": 20, "rate": 0.06, "size": 0.05, "null_interval": (0.02, 0.08)}
    >>> fig = plot_two_sample_tests([batch], [{"n": 20, "rate": 0.3, "trials": 100}])
    >>> fig.axes[0].get_title()
    '1 of 1 null batches inside the 95% binomial interval'
    """
    if not null_batches or not power:
        raise ValueError("plot_two_sample_tests needs at least one null batch and one power run")
    n0 = np.array([float(field_of(b, "n", "null_batches[i]")) for b in null_batches])
    rate0 = np.array([float(field_of(b, "rate", "null_batches[i]")) for b in null_batches])
    intervals = np.array([field_of(b, "null_interval", "null_batches[i]") for b in null_batches], dtype=float)
    size = float(field_of(null_batches[0], "size", "null_batches[0]"))
    n1 = np.array([float(field_of(r, "n", "power[i]")) for r in power])
    rate1 = np.array([float(field_of(r, "rate", "power[i]")) for r in power])
    trials = np.array([float(field_of(r, "trials", "power[i]")) for r in power])
    inside = int(np.sum((intervals[:, 0] <= rate0) & (rate0 <= intervals[:, 1])))
    sizes = np.unique(n0)
    positions = {v: i for i, v in enumerate(sizes)}
    with slide_figure(1, 2, size=(13.0, 5.0)) as (fig, (left, right)):
        offsets = np.zeros(len(n0))
        for v in sizes:  # spread the batches of one n side by side
            idx = np.flatnonzero(n0 == v)
            offsets[idx] = np.linspace(-0.2, 0.2, len(idx)) if len(idx) > 1 else 0.0
        xs = np.array([positions[v] for v in n0]) + offsets
        left.fill_between(
            [-0.5, len(sizes) - 0.5],
            intervals[:, 0].min(),
            intervals[:, 1].max(),
            color="0.85",
            label="95% interval under P = Q",
        )
        left.axhline(size, color="0.3", linewidth=1, label=f"exact level {size:g}")
        left.plot(xs, rate0, label="rate of one batch", **{**curve_style(0), "linestyle": "none"})
        left.set_xticks(range(len(sizes)), [f"n = {v:g}" for v in sizes])
        left.set_xlim(-0.5, len(sizes) - 0.5)
        left.set_xlabel("points per sample")
        left.set_ylabel("rejection rate under P = Q")
        left.set_title(f"{inside} of {len(n0)} null batches inside the 95% binomial interval")
        left.legend()
        se = np.sqrt(rate1 * (1 - rate1) / trials)
        right.errorbar(n1, rate1, yerr=2 * se, capsize=3, label="power (± 2 s.e.)", **curve_style(1))
        right.axhline(size, color="0.3", linewidth=1, label=f"level {size:g}")
        right.set_xscale("log")
        right.set_xticks(n1, [f"{v:g}" for v in n1])
        right.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        right.set_ylim(-0.05, 1.05)
        right.set_xlabel("points per sample n")
        right.set_ylabel("rejection rate (power)")
        full = n1[rate1 >= 1.0]
        right.set_title(f"Power reaches 1 at n = {full[0]:g}" if full.size else f"Power at most {rate1.max():.2f}")
        right.legend(loc="upper left")
        fig.suptitle("The MMD permutation test: calibrated under P = Q, and its power against the generator")
    return fig
