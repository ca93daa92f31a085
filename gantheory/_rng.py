"""One rule for randomness: every ``rng`` argument goes through :func:`as_generator`.

Examples
--------
>>> g = as_generator(0)
>>> float(g.random()) == float(as_generator(0).random())
True
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_generator"]


def as_generator(rng=None) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng``.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator
        ``None`` for fresh OS entropy, an int seed for reproducible results,
        or a Generator, returned as it is (so its state advances).

    Raises
    ------
    TypeError
        For anything else (in particular the legacy ``np.random.RandomState``).
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng seed must be >= 0, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}")
