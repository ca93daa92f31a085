"""What the exact divergences and their integrators share, below all of them.

:class:`AccuracyWarning` (raised by the 1-D quadrature, the 2-D cubature and
:mod:`gantheory.divergences.exact`) and the reading of a law as a Gaussian
mixture with point masses live here, so that ``_quadrature`` and ``_cubature``
need nothing from ``exact`` (which imports them).

Examples
--------
>>> import gantheory as gt
>>> w, means, variances = gaussian_mixture(gt.Mixture([gt.Normal(-1, 2), gt.Normal(3, 1)]))
>>> w.tolist(), means.tolist(), variances.tolist()
([0.5, 0.5], [-1.0, 3.0], [4.0, 1.0])
>>> length_unit(gt.Normal(1e6, 1.0))          # a power of two near the largest length
524288.0
"""

from __future__ import annotations

import math

import numpy as np

from gantheory.distributions import Mixture, MultivariateNormal, Normal, PointMasses, Product

__all__ = ["AccuracyWarning"]


class AccuracyWarning(UserWarning):
    """A numerical integral did not reach its documented tolerance; the message gives the error estimate."""


def _length_scale(D) -> float:
    """The largest |location| or scale among a law's Gaussian and atomic parts (for exact power-of-two rescaling); nan if not such a law."""
    if isinstance(D, Normal):
        return max(abs(D.loc), D.scale)
    if isinstance(D, MultivariateNormal):
        return float(max(np.abs(D.mean).max(), np.sqrt(np.diag(D.cov)).max()))
    if isinstance(D, PointMasses):
        return float(np.abs(D._atoms).max())
    if isinstance(D, Mixture):
        return max(_length_scale(c) for c, _ in D._active)
    if isinstance(D, Product):
        return max(_length_scale(D.marginal_x), _length_scale(D.marginal_y))
    return math.nan


def length_unit(*laws) -> float:
    """A power of two near the laws' largest length (1 if none): dividing by it is exact and keeps every closed form in range."""
    size = max(_length_scale(D) for D in laws)
    return math.ldexp(1.0, math.frexp(size)[1] - 1) if math.isfinite(size) and size > 0 else 1.0


def gaussian_mixture(D, unit=1.0):
    """(weights, means, covariances) when D is a mixture of normals and point masses (covariance 0); else None.

    1-D: means (k,), variances (k,); 2-D: means (k, 2), covariances (k, 2, 2); lengths
    divided by ``unit`` (a power of two from :func:`length_unit`, so no variance overflows).
    """
    if isinstance(D, Normal):
        return np.ones(1), np.array([D.loc / unit]), np.array([(D.scale / unit) ** 2])
    if isinstance(D, MultivariateNormal):
        return np.ones(1), D.mean[None] / unit, D.cov[None] / unit / unit
    if isinstance(D, PointMasses):
        k = D._atoms.shape[0]
        return D._masses, D._atoms / unit, np.zeros(k) if D.dim == 1 else np.zeros((k, 2, 2))
    if isinstance(D, Mixture):
        parts = [gaussian_mixture(c, unit) for c, _ in D._active]
        if any(p is None for p in parts):
            return None
        w = np.concatenate([wc * p[0] for p, (_, wc) in zip(parts, D._active)])
        return w, np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts])
    if isinstance(D, Product):
        gx, gy = gaussian_mixture(D.marginal_x, unit), gaussian_mixture(D.marginal_y, unit)
        if gx is None or gy is None:
            return None
        ix, iy = np.meshgrid(np.arange(len(gx[0])), np.arange(len(gy[0])), indexing="ij")
        ix, iy = ix.ravel(), iy.ravel()
        covs = np.zeros((ix.size, 2, 2))
        covs[:, 0, 0], covs[:, 1, 1] = gx[2][ix], gy[2][iy]
        return gx[0][ix] * gy[0][iy], np.column_stack([gx[1][ix], gy[1][iy]]), covs
    return None
