"""Validation and host transfer of two samples, shared by the sample estimators (:mod:`gantheory.divergences.empirical` and its kernel statistics).

Examples
--------
>>> x, y, xw, yw, xp = validate_pair([0.0, 1.0], [2.0], [1, 3], None, None)
>>> x.tolist(), xw.tolist(), yw is None, xp.__name__
([0.0, 1.0], [0.25, 0.75], True, 'numpy')
"""

from __future__ import annotations

from gantheory._validation import as_samples, as_weights
from gantheory.backend import get_namespace, to_numpy

__all__ = ["validate_pair", "to_host"]


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
        raise ValueError(
            f"x and y must be points of the same dimension: x has shape {x.shape}, y has shape {y.shape}"
        )
    x_weights = as_weights(x_weights, x.shape[0], "x_weights", xp)
    y_weights = as_weights(y_weights, y.shape[0], "y_weights", xp)
    return x, y, x_weights, y_weights, xp


def to_host(*arrays):
    """Move arrays to the host for the SciPy kernels (None stays None)."""
    return [None if a is None else to_numpy(a) for a in arrays]
