"""Input validation shared by the whole package (divergences, distributions, autograd, GAN, CLI).

Each helper converts its argument to a float64 array of the chosen array module
``xp`` and raises a plain ``TypeError`` (wrong kind of data) or ``ValueError``
(wrong values or shapes) whose message names the argument and says how to fix
it. Nothing here uses ``assert``: checks must survive ``python -O``.

Examples
--------
>>> import numpy as np
>>> as_pmf(np.array([1.0, 3.0]), "p", np)
array([0.25, 0.75])
>>> as_samples(np.array([1.0, np.nan]), "x", np)
Traceback (most recent call last):
...
ValueError: x contains NaN or inf; remove or replace those values first
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "as_samples",
    "as_weights",
    "as_pmf",
    "check_axis",
    "check_same_shape",
    "check_base",
    "check_positive_int",
    "check_choice",
]


def as_float_array(a, name: str, xp):
    """Return ``a`` as a finite float64 array of module ``xp``.

    Raises ``TypeError`` for ``None``, strings, booleans, complex or object
    data, and ``ValueError`` for NaN or inf entries.
    """
    if a is None:
        raise TypeError(f"{name} is None; pass an array of real numbers")
    try:
        arr = xp.asarray(a)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} could not be read as an array of real numbers: {exc}") from None
    kind = arr.dtype.kind
    if kind == "O":
        raise TypeError(
            f"{name} must be an array of real numbers, got dtype object (elements: {_element_types(arr)}); "
            f"{_object_hint(arr, name)}"
        )
    if kind not in "iuf":
        what = {"b": "booleans", "c": "complex numbers"}.get(kind, f"dtype {arr.dtype}")
        hint = f"np.real({name}) or np.abs({name})" if kind == "c" else f"np.asarray({name}, dtype=float)"
        raise TypeError(f"{name} must hold real numbers (int or float), got {what}; convert it with {hint}")
    arr = arr.astype(xp.float64, copy=False)
    if not bool(xp.isfinite(arr).all()):
        raise ValueError(f"{name} contains NaN or inf; remove or replace those values first")
    return arr


def _element_types(arr) -> str:
    """The type names of an object array's elements, at most three, for a message."""
    names = list(dict.fromkeys(type(v).__name__ for v in arr.ravel()[:1000]))
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "") if names else "empty"


def _object_hint(arr, name) -> str:
    """How to turn an object array into numbers: a fix that works, checked here, or what to pass instead."""
    if any(type(v).__name__ == "Tensor" for v in arr.ravel()[:1000]):
        return "pass the Tensor itself (np.asarray(tensor) and tensor.numpy() give its values), not an array built from its rows"
    try:
        np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError):
        return "pass an array of numbers (lists of numbers, or a NumPy array of int or float)"
    return f"convert it with np.asarray({name}, dtype=float)"


def as_samples(x, name: str, xp, ndims: tuple[int, ...] = (1,)):
    """Validate a sample: non-empty, finite, of shape ``(n,)`` or ``(n, d)``.

    Parameters
    ----------
    x : array_like
        The sample.
    name : str
        The argument's name, used in error messages.
    xp : module
        Array module.
    ndims : tuple of int
        Dimensions accepted: ``(1,)`` for 1-D samples only, ``(1, 2)`` to
        accept ``(n, d)`` arrays as well (a 1-D input then stays 1-D).
    """
    arr = as_float_array(x, name, xp)
    if arr.ndim not in ndims:
        shapes = " or ".join({1: "(n,)", 2: "(n, d)"}[k] for k in ndims)
        raise ValueError(f"{name} must have shape {shapes}, got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty; pass at least one sample")
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(f"{name} has shape {arr.shape}: samples need at least one coordinate")
    return arr


def as_weights(w, n: int, name: str, xp):
    """Validate optional sample weights and normalize them to sum to one.

    ``None`` stays ``None`` (uniform weights). Otherwise ``w`` must hold ``n``
    finite, non-negative numbers with a positive maximum; they are divided by
    their largest entry first and then by their sum, so weights near the
    largest float (whose sum overflows) or in the subnormal range (whose
    ratios lose digits) give the same normalized weights as any rescaling
    of them.

    Examples
    --------
    >>> import numpy as np
    >>> as_weights([1e308, 1e308, 1e308], 3, "w", np)
    array([0.333..., 0.333..., 0.333...])
    """
    if w is None:
        return None
    arr = as_float_array(w, name, xp)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) to match its sample, got shape {arr.shape}")
    if bool((arr < 0).any()):
        raise ValueError(f"{name} contains negative values; weights must be >= 0")
    if not float(arr.max()) > 0:
        raise ValueError(f"{name} sums to zero; at least one weight must be positive")
    arr = arr / arr.max()  # entries in [0, 1]: their sum cannot overflow
    return arr / arr.sum()


def check_axis(axis, ndim: int, name: str = "axis"):
    """Validate an axis argument: ``None`` or an int in ``[-ndim, ndim)``; return it as given (int or None)."""
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an int or None, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{name}={axis} is out of range for arrays of dimension {ndim}; use an axis in [{-ndim}, {ndim - 1}] or None"
        )
    return int(axis)


def as_pmf(p, name: str, xp, axis: int | None = None):
    """Validate and normalize a pmf (or a batch of pmfs along ``axis``).

    Like :func:`scipy.stats.entropy`, ``p`` is divided by its sum, so any
    non-negative vector of counts or weights is accepted. ``axis=None``
    normalizes the whole array (a pmf on a 1-D support or a 2-D grid). The
    entries are divided by their largest one first, so that weights whose sum
    overflows (``[1e308, 1e308]``) are normalized correctly.

    Examples
    --------
    >>> import numpy as np
    >>> as_pmf([1e308, 1e308, 0.0], "p", np)
    array([0.5, 0.5, 0. ])
    >>> as_pmf([[1.0, 3.0]], "p", np, axis=2)
    Traceback (most recent call last):
    ...
    ValueError: axis=2 is out of range for arrays of dimension 2; use an axis in [-2, 1] or None
    """
    arr = as_float_array(p, name, xp)
    if arr.size == 0:
        raise ValueError(f"{name} is empty; a pmf needs at least one entry")
    axis = check_axis(axis, arr.ndim)
    if bool((arr < 0).any()):
        raise ValueError(f"{name} contains negative values; a pmf must be >= 0")
    top = arr.max(axis=axis, keepdims=axis is not None)
    if not bool((top > 0).all()):
        raise ValueError(f"{name} sums to zero; a pmf needs at least one positive entry")
    arr = arr / top  # entries in [0, 1]: their sum cannot overflow
    return arr / arr.sum(axis=axis, keepdims=axis is not None)


def check_same_shape(a, b, names: tuple[str, str]) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape (a shared support), got {a.shape} and {b.shape}"
        )


def check_base(base) -> float | None:
    """Validate a logarithm base: ``None`` (nats) or a real number > 0 other than 1."""
    if base is None:
        return None
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be a real number or None, got {type(base).__name__}")
    if not (np.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"base must be positive, finite and != 1 (e.g. 2 for bits), got {base}")
    return float(base)


def check_positive_int(k, name: str) -> int:
    """Validate a positive integer parameter (``k``, ``n_projections``, ...)."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(k).__name__}")
    if k < 1:
        raise ValueError(f"{name} must be >= 1, got {k}")
    return int(k)


def check_choice(value, name: str, choices):
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them.

    Examples
    --------
    >>> check_choice("r1", "regularizer", (None, "r1", "r2"))
    'r1'
    >>> check_choice("gan", "loss", ("minimax", "non_saturating", "wgan"))
    Traceback (most recent call last):
    ...
    ValueError: loss must be one of ('minimax', 'non_saturating', 'wgan'), got 'gan'
    """
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value
