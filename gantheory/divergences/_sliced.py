"""Batched 1-D sorting kernels for sliced distances: many projections at once.

The samples are projected on K directions at once (a matrix product), and
the 1-D CDF-gap kernel of :mod:`gantheory.divergences._onedim` is applied to
every column in one batched sort along axis 0: no Python loop over
directions, only over blocks of directions that bound the memory.

Examples
--------
>>> import numpy as np
>>> theta = np.array([[1.0, 0.0], [0.0, 1.0]])          # the two axes, as columns
>>> x, y = np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]])
>>> projected_w1(x, y, None, None, theta, np).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

__all__ = ["random_directions", "projected_w1", "projected_cramer_squared"]

# Elements of one (n + m) x block array of projections.
_BLOCK_ELEMENTS = 2**22


def random_directions(d: int, n_projections: int, gen, xp):
    """``n_projections`` independent directions, uniform on the unit sphere of R^d, as the columns of a (d, K) array (``gen``: a Generator)."""
    g = gen.standard_normal((d, n_projections))
    g /= (g * g).sum(axis=0, keepdims=True) ** 0.5
    return xp.asarray(g)


def _blocks(N, K):
    step = max(1, _BLOCK_ELEMENTS // N)
    return [slice(s, min(s + step, K)) for s in range(0, K, step)]


def _signed_masses(n, m, x_weights, y_weights, xp):
    """Masses of the x points (positive) and of the y points (negative), each side summing to one."""
    wx = xp.full(n, 1.0 / n) if x_weights is None else x_weights / xp.sum(x_weights)
    wy = xp.full(m, 1.0 / m) if y_weights is None else y_weights / xp.sum(y_weights)
    return xp.concatenate([wx, -wy])


def _batched_gap(px, py, masses, xp):
    """CDF gaps ``F - G`` and interval widths on each column's merged sorted projections, shape (n + m - 1, K)."""
    merged = xp.concatenate([px, py], axis=0)
    order = xp.argsort(merged, axis=0)
    widths = xp.diff(xp.take_along_axis(merged, order, axis=0), axis=0)
    gap = xp.cumsum(masses[order[:-1]], axis=0)
    return gap, widths


def projected_w1(x, y, x_weights, y_weights, theta, xp):
    """W1 between the projections of ``x`` and ``y`` on each column of ``theta``, shape (K,).

    Equal-size unweighted samples take the quantile form (mean of
    ``|sort(x . t) - sort(y . t)|``, two batched sorts); otherwise the CDF gap
    on the merged sorted projections.
    """
    n, m = x.shape[0], y.shape[0]
    out = []
    for b in _blocks(n + m, theta.shape[1]):
        px, py = x @ theta[:, b], y @ theta[:, b]
        if x_weights is None and y_weights is None and n == m:
            out.append(xp.mean(xp.abs(xp.sort(px, axis=0) - xp.sort(py, axis=0)), axis=0))
        else:
            gap, widths = _batched_gap(px, py, _signed_masses(n, m, x_weights, y_weights, xp), xp)
            out.append(xp.sum(xp.abs(gap) * widths, axis=0))
    return xp.concatenate(out)


def projected_cramer_squared(x, y, x_weights, y_weights, theta, xp):
    """Squared Cramér distance between the projections on each column of ``theta``, shape (K,)."""
    n, m = x.shape[0], y.shape[0]
    masses = _signed_masses(n, m, x_weights, y_weights, xp)
    out = []
    for b in _blocks(n + m, theta.shape[1]):
        gap, widths = _batched_gap(x @ theta[:, b], y @ theta[:, b], masses, xp)
        out.append(xp.sum(gap * gap * widths, axis=0))
    return xp.concatenate(out)
