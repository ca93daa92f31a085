r"""Chapter 1 (``notebooks/01_divergences.ipynb``): each sample estimator's error against n."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from gantheory.divergences.rates import ESTIMATOR_LABELS, EXPECTED_RATES, PROBLEMS, loglog_slope
from gantheory.plotting._style import as_vector, curve_style, field_of, slide_figure

# -- exact vs empirical ---------------------------------------------------------------


def plot_estimator_errors(errors) -> Figure:
    r"""Figure 2: each estimator's error against the sample size, log-log, with its fitted rate.

    Parameters
    ----------
    errors : mapping
        As :func:`gantheory.divergences.rates.estimator_errors` returns:
        ``{label: row}``, each row a mapping or an object with ``sizes`` (n), ``errors`` (the RMS
        error at each n) and, optionally, ``repeats``.

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
    if not isinstance(errors, Mapping) or not errors:
        raise TypeError(
            "errors must be a non-empty mapping as gantheory.divergences.rates.estimator_errors returns "
            f"(compute it first and pass it), got {type(errors).__name__}"
        )
    kinds = list(dict.fromkeys(label.rsplit(" (", 1)[0] for label in errors))  # one style per estimator, in both panels
    panels = ["2-D" if label.endswith("(2-D)") else "1-D" for label in errors]
    dims = sorted(set(panels))
    fitted = {}
    largest = max(float(np.max(field_of(row, "sizes", f"errors[{label!r}]"))) for label, row in errors.items())
    with slide_figure(1, len(dims), size=(7.5 * len(dims) + 0.5, 5.8)) as (fig, axes):
        axes = np.atleast_1d(axes)
        for (label, row), dim in zip(errors.items(), panels):
            n = as_vector(field_of(row, "sizes", f"errors[{label!r}]"), f"errors[{label!r}]['sizes']")
            err = as_vector(field_of(row, "errors", f"errors[{label!r}]"), f"errors[{label!r}]['errors']")
            if n.shape != err.shape or (n <= 0).any() or (err <= 0).any():
                raise ValueError(f"errors[{label!r}]: sizes and errors must be positive arrays of one length")
            rate = loglog_slope(n, err)
            fitted[label] = rate
            kind = label.rsplit(" (", 1)[0]
            theory = f" (theory {EXPECTED_RATES[label]})" if label in EXPECTED_RATES else ""
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
            ax.set_title(f"{dim}: {PROBLEMS[dim]}" if set(errors) <= set(ESTIMATOR_LABELS) else dim)
            ax.legend(loc="lower left", fontsize=9)
        slowest, fastest = max(fitted, key=fitted.get), min(fitted, key=fitted.get)
        repeats = {
            row.get("repeats") if isinstance(row, Mapping) else getattr(row, "repeats", None) for row in errors.values()
        }
        over = f" over {repeats.pop()} repeats" if len(repeats) == 1 and None not in repeats else ""
        fig.suptitle(
            f"RMS error{over} against n: fitted rates from n^{fitted[slowest]:.2f} ({slowest}) to n^{fitted[fastest]:.2f} ({fastest})"
        )
    return fig
