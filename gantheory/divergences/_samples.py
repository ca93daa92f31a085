"""Validation, host transfer and exact power-of-two scaling of two samples, shared by the sample estimators (:mod:`gantheory.divergences.empirical` and its kernel statistics).

Examples
--------
>>> x, y, xw, yw, xp = validate_pair([0.0, 1.0], [2.0], [1, 3], None, None)
>>> x.tolist(), xw.tolist(), yw is None, xp.__name__
([0.0, 1.0], [0.25, 0.75], True, 'numpy')
"""

from __future__ import annotations

import math

import numpy as np

from gantheory._validation import as_samples, as_weights
from gantheory.backend import get_namespace, to_numpy

__all__ = ["validate_pair", "to_host", "as_1d", "scaled", "unscaled"]


def validate_pair(x, y, x_weights, y_weights, backend, ndims=(1,)):
    """Validate two samples and their weights; return them with ``xp``.

    With ``ndims=(1, 2)`` a pair of 1-D samples stays 1-D; otherwise both are
    returned as ``(n, d)`` arrays with the same ``d`` (a 1-D one as ``(n, 1)``).
    """
    xp = get_namespace(x, y, x_weights, y_weights, backend=backend)
    x = as_samples(x, "x", xp, ndims)
    y = as_samples(y, "y", xp, ndims)
    if x.ndim != y.ndim:
        x, y = x.reshape(x.shape[0], -1), y.reshape(y.shape[0], -1)
    if x.ndim == 2 and x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must be points of the same dimension: x has shape {x.shape}, y has shape {y.shape}")
    x_weights = as_weights(x_weights, x.shape[0], "x_weights", xp)
    y_weights = as_weights(y_weights, y.shape[0], "y_weights", xp)
    return x, y, x_weights, y_weights, xp


def to_host(*arrays):
    """Move arrays to the host for the SciPy kernels (None stays None)."""
    return [None if a is None else to_numpy(a) for a in arrays]


def as_1d(a):
    """A 2-D sample with one coordinate as a 1-D sample (the 1-D kernels are exact and faster)."""
    return a.reshape(-1) if a.ndim == 2 and a.shape[1] == 1 else a


def scaled(x, y, xp=np):
    """Both samples as ``(n, d)`` arrays of ``xp`` divided by ``2**e``, a power of two near their largest |coordinate|; and ``e``.

    The d-D kernels square coordinate differences, which overflows beyond
    ~1e154 and underflows below ~1e-154. Dividing by a power of two is exact,
    and every distance here is homogeneous in the scale (W1 and the energy
    distance of degree 1, the kNN log-ratios of degree 0), so the result on
    the scaled samples is rescaled by :func:`unscaled`. ``xp=np`` moves the
    samples to the host (for the SciPy kernels).
    """
    x, y = x.reshape(x.shape[0], -1), y.reshape(y.shape[0], -1)
    if xp is np:
        x, y = to_host(x, y)
    top = max(float(xp.abs(x).max()), float(xp.abs(y).max()))
    e = math.frexp(top)[1] if top > 0 else 0
    return xp.ldexp(x, -e), xp.ldexp(y, -e), e


def unscaled(value: float, e: int) -> float:
    """``value * 2**e``, or a signed ``inf`` beyond the largest float (the true value's limit)."""
    try:
        return math.ldexp(value, e)
    except OverflowError:
        return math.copysign(math.inf, value)
