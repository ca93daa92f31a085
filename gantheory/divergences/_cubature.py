r"""2-D numerical integration of f-divergences between plane densities (KL, JSD, TV).

Used by :mod:`gantheory.divergences.exact` when no closed form applies in 2-D.

Examples
--------
>>> import gantheory as gt
>>> from gantheory.divergences import _cubature
>>> P, Q = gt.MultivariateNormal([0, 0], [[1, 0], [0, 1]]), gt.MultivariateNormal([1, 0], [[1, 0], [0, 1]])
>>> _cubature.kl_2d(P, Q)   # closed form |mu|^2 / 2
0.5...
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.polynomial import legendre

from gantheory.distributions import Mixture, MultivariateNormal, Product

LOG2 = math.log(2.0)
RTOL_2D, ATOL_2D, ATOL_TV_2D = 1e-8, 1e-12, 1e-5  # 2-D adaptive cubature: error estimate kept below these
CUBATURE_MAX_POINTS = 4_000_000
GAUSS_OFFSETS = np.array([-10.0, -4.0, -1.5, 0.0, 1.5, 4.0, 10.0])


def _accuracy_warning():
    from gantheory.divergences.exact import AccuracyWarning  # exact imports this module after defining it

    return AccuracyWarning


def _xlogratio(lp, lr):
    from gantheory.divergences.exact import _xlogratio

    return _xlogratio(lp, lr)


def _jsd_pointwise(lp, lq):
    from gantheory.divergences.exact import _jsd_pointwise

    return _jsd_pointwise(lp, lq)


def _grid_lines(D):
    """Axis-aligned lines (xs, ys) through the modes, scales and support ends of a plane density, or None."""
    if isinstance(D, MultivariateNormal):
        sd = np.sqrt(np.diag(D.cov))
        return tuple(D.mean[i] + sd[i] * GAUSS_OFFSETS for i in (0, 1))
    if isinstance(D, Product):
        lines = (_line_1d(D.marginal_x), _line_1d(D.marginal_y))
        return None if lines[0] is None or lines[1] is None else lines
    if isinstance(D, Mixture):
        parts = [_grid_lines(c) for c, _ in D._active]
        if any(p is None for p in parts):
            return None
        return tuple(np.concatenate([p[i] for p in parts]) for i in (0, 1))
    return None


def _line_1d(D):
    """Break points of a 1-D density for the 2-D grid (its quadrature break points and support ends)."""
    if D.reference != "lebesgue":
        return None
    ends = np.array([e for e in D.support if math.isfinite(e)])
    return np.concatenate([D._breakpoints(), ends])


def _gauss_legendre_cells(g, cells, nodes, weights):
    """Tensor Gauss-Legendre rule on each cell (rows x0, x1, y0, y1): the integrals of g, shape (k,)."""
    x0, x1, y0, y1 = cells.T
    hx, hy = 0.5 * (x1 - x0), 0.5 * (y1 - y0)
    xs = (x0 + hx)[:, None] + hx[:, None] * nodes  # (k, n)
    ys = (y0 + hy)[:, None] + hy[:, None] * nodes
    pts = np.stack(np.broadcast_arrays(xs[:, :, None], ys[:, None, :]), axis=-1)  # (k, n, n, 2)
    values = g(pts.reshape(-1, 2)).reshape(pts.shape[:3])
    return hx * hy * np.einsum("i,kij,j->k", weights, values, weights)


def _children(cells):
    x0, x1, y0, y1 = cells.T
    xm, ym = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    return np.concatenate([np.column_stack(c) for c in ((x0, xm, y0, ym), (xm, x1, y0, ym), (x0, xm, ym, y1), (xm, x1, ym, y1))])


def _cubature(name, g, P, Q, rtol, atol):
    r"""Adaptive tensor Gauss-Legendre cubature of :math:`\int g` over the plane.

    The start grid's lines pass through every component's mode and at
    1.5, 4 and 10 standard deviations (Normal), 2-60 scales (Laplace) or the
    ends (Uniform) from it, so no mode falls between nodes. Each cell's value
    is the sum of 6 x 6 Gauss-Legendre rules on its four quarters, and its
    error estimate the difference with the 6 x 6 rule on the whole cell.
    While the summed estimate exceeds ``max(rtol |I|, atol) / 4``, every cell
    whose estimate exceeds that tolerance divided by the number of cells is
    quartered. Mass beyond 10 standard deviations / 60 Laplace scales
    (< 1e-22) is left out. Stops with :class:`AccuracyWarning` after
    ``CUBATURE_MAX_POINTS`` evaluations.
    """
    lines = (_grid_lines(P), _grid_lines(Q))
    if lines[0] is None or lines[1] is None:
        raise NotImplementedError(
            f"{name} between {P!r} and {Q!r}: the 2-D cubature handles bivariate normals, products of "
            "Normal/Uniform/Laplace and their mixtures; discretize with gt.PointMasses or estimate from samples with gantheory.empirical"
        )
    xs, ys = (np.unique(np.concatenate([lines[0][i], lines[1][i]])) for i in (0, 1))
    X0, Y0 = np.meshgrid(np.arange(len(xs) - 1), np.arange(len(ys) - 1), indexing="ij")
    cells = np.column_stack([xs[X0.ravel()], xs[X0.ravel() + 1], ys[Y0.ravel()], ys[Y0.ravel() + 1]])
    nodes, weights = legendre.leggauss(6)

    def refine(cells, whole):
        """Values (sum over quarters) and error estimates of cells whose one-rule integrals are ``whole``."""
        quarters = _children(cells)
        parts = _gauss_legendre_cells(g, quarters, nodes, weights).reshape(4, -1)
        return quarters, parts, parts.sum(axis=0), np.abs(parts.sum(axis=0) - whole)

    quarters, parts, values, errors = refine(cells, _gauss_legendre_cells(g, cells, nodes, weights))
    evaluations = 5 * cells.shape[0] * nodes.size**2
    while True:
        # a safety factor of 4: the children-vs-parent estimate is an estimate, not a bound
        tol = 0.25 * max(rtol * abs(values.sum()), atol)
        if errors.sum() <= tol or evaluations > CUBATURE_MAX_POINTS:
            break
        split = errors > tol / errors.size
        new_cells = quarters.reshape(4, -1, 4)[:, split].reshape(-1, 4)
        new_quarters, new_parts, new_values, new_errors = refine(new_cells, parts[:, split].ravel())
        evaluations += 4 * new_cells.shape[0] * nodes.size**2
        quarters = np.concatenate([quarters.reshape(4, -1, 4)[:, ~split], new_quarters.reshape(4, -1, 4)], axis=1).reshape(-1, 4)
        parts = np.concatenate([parts[:, ~split], new_parts], axis=1)
        values = np.concatenate([values[~split], new_values])
        errors = np.concatenate([errors[~split], new_errors])
    if errors.sum() > tol:
        warnings.warn(f"2-D cubature for {name}: error estimate {errors.sum():.2e} above the tolerance after {evaluations} evaluations", _accuracy_warning(), stacklevel=3)
    return float(values.sum())


def _kl_cubature(P, Q):
    def g(x):
        lp, lq = P._logpdf(x), Q._logpdf(x)
        if ((lp > -np.inf) & (lq == -np.inf)).any():
            raise _NotAbsolutelyContinuous
        return _xlogratio(lp, lq)

    try:
        return max(0.0, _cubature("kl", g, P, Q, RTOL_2D, ATOL_2D))
    except _NotAbsolutelyContinuous:
        return math.inf


class _NotAbsolutelyContinuous(Exception):
    """Raised inside the KL cubature at a point where p > 0 = q."""


def _jsd_cubature(P, Q):
    return min(max(_cubature("js_divergence", lambda x: _jsd_pointwise(P._logpdf(x), Q._logpdf(x)), P, Q, RTOL_2D, ATOL_2D), 0.0), LOG2)


def _tv_cubature(P, Q):
    return min(max(_cubature("tv", lambda x: 0.5 * np.abs(P.pdf(x) - Q.pdf(x)), P, Q, 0.0, ATOL_TV_2D), 0.0), 1.0)


def kl_2d(P, Q):
    if P.reference != "lebesgue":
        raise NotImplementedError(f"kl between {P!r} and {Q!r}: singular laws that are not products are not implemented")
    return _kl_cubature(P, Q)


js_divergence_2d = _jsd_cubature
tv_2d = _tv_cubature
