"""Array namespace for the hot kernels: NumPy by default, CuPy when asked.

Every kernel takes its array module ``xp`` from :func:`get_namespace`, which
looks at the arrays it is given: CuPy arrays select CuPy, anything else selects
NumPy. ``backend="cupy"`` asks for CuPy explicitly (the inputs are moved to the
device once, at the API's edge). CuPy is imported lazily and is optional
(``pip install gantheory[gpu]``).

Examples
--------
>>> import numpy as np
>>> from gantheory.backend import available_backends, get_namespace, to_numpy
>>> xp = get_namespace(np.arange(3.0))
>>> xp.__name__
'numpy'
>>> to_numpy(xp.ones(2))
array([1., 1.])
>>> "numpy" in available_backends()
True
"""

from __future__ import annotations

import functools
import sys

import numpy as np

__all__ = ["get_namespace", "to_numpy", "available_backends", "is_cupy_array", "special", "stable_argsort"]

BACKENDS = ("numpy", "cupy")


@functools.cache
def _cupy():
    """Import CuPy, or return None if it is missing or sees no device."""
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
    except Exception:  # ImportError, or no CUDA driver/device
        return None
    return cupy


def is_cupy_array(a) -> bool:
    """True if ``a`` is a CuPy array (without importing CuPy)."""
    return "cupy" in sys.modules and type(a).__module__.startswith("cupy")


def available_backends() -> list[str]:
    """Names of the backends that import and can run here (``"numpy"`` always)."""
    return ["numpy"] + (["cupy"] if _cupy() is not None else [])


def get_namespace(*arrays, backend: str | None = None):
    """Return the array module for ``arrays``.

    Parameters
    ----------
    *arrays : array_like
        Inputs of a public function; ``None`` entries are ignored.
    backend : {None, "numpy", "cupy"}
        Force a backend. ``None`` infers it: CuPy if any input is a CuPy
        array, NumPy otherwise.

    Returns
    -------
    module
        ``numpy`` or ``cupy``.

    Raises
    ------
    ValueError
        If ``backend`` is unknown, or ``"cupy"`` is asked for but unavailable,
        or NumPy is asked for CuPy arrays (move them with ``to_numpy`` first).
    """
    if backend is not None and backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS} or None, got {backend!r}")
    any_cupy = any(is_cupy_array(a) for a in arrays if a is not None)
    if backend == "numpy" and any_cupy:
        raise ValueError("backend='numpy' was given CuPy arrays; convert them with gantheory.backend.to_numpy first")
    if backend == "cupy" or any_cupy:
        cp = _cupy()
        if cp is None:
            raise ValueError("backend='cupy' needs CuPy and a CUDA device: pip install 'gantheory[gpu]'")
        return cp
    return np


def to_numpy(a):
    """Return ``a`` as a NumPy array (copying from the device for CuPy)."""
    if is_cupy_array(a):
        return a.get()
    return np.asarray(a)


def special(xp):
    """The ``scipy.special`` of ``xp``: SciPy's for NumPy, ``cupyx.scipy.special`` for CuPy."""
    if xp is np:
        import scipy.special

        return scipy.special
    import cupyx.scipy.special

    return cupyx.scipy.special


def stable_argsort(a, xp, axis=-1):
    """Stable argsort along ``axis`` (CuPy's sort is always stable and takes no ``kind``).

    Examples
    --------
    >>> stable_argsort(np.array([2.0, 1.0, 2.0, 0.0]), np)
    array([3, 1, 0, 2])
    """
    return xp.argsort(a, axis=axis, kind="stable") if xp is np else xp.argsort(a, axis=axis)
