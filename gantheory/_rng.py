"""One rule for randomness: every ``rng`` argument goes through :func:`as_generator`.

Recorded runs (``gt.gan.train``, ``game_spectrum``, ``vanishing_gradient``,
``discriminator_convergence``) take ``rng`` as an int seed only, through
:func:`as_seed`: a run can be repeated from its record only if its seed is in it.

Examples
--------
>>> g = as_generator(0)
>>> float(g.random()) == float(as_generator(0).random())
True
>>> as_seed(3)
3
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_generator", "as_seed"]


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


def as_seed(rng) -> int:
    """The int seed of a recorded, repeatable run (the ``rng=`` of ``gt.gan.train`` and the experiments).

    Parameters
    ----------
    rng : int
        A seed >= 0 (a NumPy integer is fine).

    Raises
    ------
    TypeError
        For None, a Generator or anything else that is not an int: such a run
        could not be repeated from its record.
    ValueError
        For a negative seed.

    Examples
    --------
    >>> import numpy as np
    >>> as_seed(np.int64(7))
    7
    >>> as_seed(None)
    Traceback (most recent call last):
    ...
    TypeError: rng must be an int seed (e.g. rng=0) so that the run can be repeated, got NoneType; None and Generators are not accepted here
    """
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng must be an int seed >= 0, got {rng}")
        return int(rng)
    raise TypeError(
        f"rng must be an int seed (e.g. rng=0) so that the run can be repeated, got {type(rng).__name__}; "
        "None and Generators are not accepted here"
    )
