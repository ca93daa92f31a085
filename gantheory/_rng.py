"""One rule for randomness: every public ``rng`` argument is an int seed >= 0, default 0.

A seed, unlike a Generator, can be written down: the same seed gives the same
numbers, and a recorded run (``gt.gan.train``, the experiments) can be
repeated from its record. To draw several independent batches, pass different
seeds (``rng=0``, ``rng=1``, ...). ``None``, a :class:`numpy.random.Generator`,
a ``RandomState``, a bool or a float is a :class:`TypeError`, a negative seed a
:class:`ValueError`: :func:`as_seed` is the one check.

Library code that draws several batches from *one* random stream (a training
loop, a sampler called again and again) makes a Generator once from its seed,
``as_generator(rng)``, and hands that Generator on to other public functions
wrapped in a :class:`Stream`, which :func:`as_generator` unwraps. Only the
package itself builds a ``Stream``; a user passes seeds.

Examples
--------
>>> g = as_generator(0)
>>> float(g.random()) == float(as_generator(0).random())
True
>>> as_seed(3)
3
>>> as_generator(Stream(g)) is g        # a stream handed on: its state advances
True
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["as_generator", "as_seed", "Stream"]


def as_seed(rng) -> int:
    """The int seed ``rng`` (a NumPy integer is fine): the check every public ``rng`` goes through.

    Parameters
    ----------
    rng : int
        A seed >= 0.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        For None, a Generator, a RandomState, a bool, a float or anything else
        that is not an int; the message says what to pass instead.
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
    TypeError: rng must be an int seed >= 0 (e.g. rng=0), got NoneType; to draw several independent batches, pass different seeds (rng=0, rng=1, ...)
    """
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng must be an int seed >= 0, got {rng}")
        return int(rng)
    raise TypeError(
        f"rng must be an int seed >= 0 (e.g. rng=0), got {type(rng).__name__}; "
        "to draw several independent batches, pass different seeds (rng=0, rng=1, ...)"
    )


@dataclass(frozen=True)
class Stream:
    """A :class:`numpy.random.Generator` that library code hands on as an ``rng``, so that draws share one stream.

    Public functions take int seeds; inside the package a function that draws
    several batches (or builds a network and then samples) with one stream
    passes ``rng=Stream(generator)``, and :func:`as_generator` returns that
    very Generator, whose state then advances. Users never need it.

    Attributes
    ----------
    generator : numpy.random.Generator
    """

    generator: np.random.Generator

    def __post_init__(self):
        if not isinstance(self.generator, np.random.Generator):
            raise TypeError(f"Stream wraps a numpy.random.Generator, got {type(self.generator).__name__}")


def as_generator(rng) -> np.random.Generator:
    """A :class:`numpy.random.Generator` for the seed ``rng`` (checked by :func:`as_seed`), or the one a :class:`Stream` holds.

    Parameters
    ----------
    rng : int or Stream
        An int seed >= 0 (a fresh Generator, ``numpy.random.default_rng(rng)``),
        or, from library code, a :class:`Stream` (its Generator, as it is).

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError, ValueError
        As :func:`as_seed`.
    """
    if isinstance(rng, Stream):
        return rng.generator
    return np.random.default_rng(as_seed(rng))
