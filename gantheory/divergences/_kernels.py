r"""Kernels of the maximum mean discrepancy and their chunked sums, in bounded memory.

Four kernels, named as in :func:`gantheory.empirical.mmd` and :func:`gantheory.mmd`:

=============  ====================================================  ===============
``kernel``     :math:`k(x, y)`                                       characteristic
=============  ====================================================  ===============
"gaussian"     :math:`\exp(-\|x - y\|^2 / (2\ell^2))`                yes
"imq"          :math:`(1 + \|x - y\|^2/\ell^2)^{-1/2}` (inverse       yes
               multiquadric)
"cubic"        :math:`(x^\top y / d + 1)^3` (KID's polynomial         no (moments up
               kernel, Bińkowski et al. 2018)                         to order 3)
"distance"     :math:`\|x\| + \|y\| - \|x - y\|` (distance-induced,  yes (finite
               Sejdinovic et al. 2013): MMD² is the energy distance   first moments)
=============  ====================================================  ===============

For ``"distance"`` the terms :math:`\|x\| + \|y\|` cancel exactly in every
MMD estimate (U, V and linear-time), so the blocks hold
:math:`-\|x - y\|` and the MMD² is the energy distance
:math:`2E\|X - Y\| - E\|X - X'\| - E\|Y - Y'\|` term by term.

The sums over all pairs are taken in blocks of rows, as
:mod:`gantheory.divergences._energy` does for distances: each block of at
most 32 MiB is computed, reduced and freed before the next, and within one
sample only blocks on or above the diagonal are computed.

Examples
--------
>>> import numpy as np
>>> x = np.array([[0.0, 0.0], [3.0, 4.0]])
>>> float(kernel_sum("distance", x, x, None, same=True, chunk=1))   # -(5 + 5)
-10.0
>>> kernel_block("gaussian", x[:1], x[1:], 5.0).round(6)            # exp(-25 / 50)
array([[0.606531]])
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import scipy

__all__ = [
    "KERNELS",
    "BANDWIDTH_KERNELS",
    "check_kernel",
    "kernel_block",
    "kernel_diagonal",
    "kernel_sum",
    "subset_sums",
    "median_bandwidth",
    "default_chunk",
]

KERNELS = ("gaussian", "imq", "cubic", "distance")
BANDWIDTH_KERNELS = ("gaussian", "imq")
# Points of the pooled sample used by the median heuristic (an evenly strided subsample beyond this).
MEDIAN_POINTS = 1000
_BLOCK_BYTES = 32 * 2**20


def default_chunk(m: int) -> int:
    """Rows per block so that a block of kernel values against ``m`` points takes at most 32 MiB."""
    return max(1, _BLOCK_BYTES // (8 * max(m, 1)))


def check_kernel(kernel, bandwidth):
    """Validate ``kernel`` and ``bandwidth`` (None, or a finite real > 0; only for the gaussian and imq kernels)."""
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    if bandwidth is None:
        return kernel, None
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, numbers.Real):
        raise TypeError(f"bandwidth must be a positive real number or None, got {type(bandwidth).__name__}")
    if kernel not in BANDWIDTH_KERNELS:
        raise ValueError(
            f"bandwidth applies to the kernels {BANDWIDTH_KERNELS} only; the {kernel!r} kernel has none (leave bandwidth=None)"
        )
    if not (math.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth must be finite and > 0 (the length scale of the {kernel} kernel), got {bandwidth}")
    return kernel, float(bandwidth)


def median_bandwidth(z) -> float:
    r"""The median heuristic: the median distance :math:`\|z_i - z_j\|` between distinct points of the pooled sample.

    Taken over the pairs i < j with :math:`z_i \ne z_j` of the pooled sample
    ``z`` (shape (N, d)), or of every ``ceil(N / 1000)``-th point of it when
    N > 1000 (at most 1000 points: 499,500 pairs, deterministic). Gretton et
    al. (2012) use this median as the Gaussian kernel's :math:`\ell`. Falls
    back to 1.0 when all points coincide.

    Notes
    -----
    Pairs of equal points (distance 0) are left out, each other pair counts
    once: on discrete or integer data, where more than half of the pairs may
    tie at 0, the median over all pairs would be 0 (and the bandwidth a
    fallback in the data's units); over distinct points it scales with the
    data, ``median_bandwidth(c * z) = c * median_bandwidth(z)``.

    Examples
    --------
    >>> median_bandwidth(np.array([[0.0], [1.0], [3.0]]))    # distances 1, 2, 3
    2.0
    >>> median_bandwidth(np.array([[0.0], [0.0], [0.0], [1.0], [3.0]]))  # 1, 1, 1, 3, 3, 3, 2; the three 0s left out
    2.0
    """
    step = -(-z.shape[0] // MEDIAN_POINTS)
    distances = scipy.spatial.distance.pdist(z[::step])
    distances = distances[distances > 0]
    return float(np.median(distances)) if distances.size else 1.0


def kernel_block(kernel, a, b, bandwidth):
    """The ``len(a) x len(b)`` block of kernel values (``-||a_i - b_j||`` for ``"distance"``, see the module notes)."""
    if kernel == "distance":
        D = scipy.spatial.distance.cdist(a, b)
        np.negative(D, out=D)
        return D
    if kernel == "cubic":
        K = a @ b.T
        K /= a.shape[1]
        K += 1.0
        cube = K * K  # two products, not K**3: NumPy's power with exponent 3 calls pow(), about 40x slower
        cube *= K
        return cube
    D = scipy.spatial.distance.cdist(a, b, "sqeuclidean")
    D /= bandwidth * bandwidth
    if kernel == "gaussian":
        D *= -0.5
        return np.exp(D, out=D)
    D += 1.0
    np.sqrt(D, out=D)
    return np.reciprocal(D, out=D)


def kernel_diagonal(kernel, a, bandwidth):
    """``k(a_i, a_i)`` for every point (``0`` for ``"distance"``, whose blocks hold ``-||a_i - b_j||``)."""
    if kernel == "cubic":
        return (np.einsum("ij,ij->i", a, a) / a.shape[1] + 1.0) ** 3
    if kernel == "distance":
        return np.zeros(a.shape[0])
    return np.ones(a.shape[0])


def kernel_sum(kernel, x, y, bandwidth, *, same: bool, chunk: int) -> float:
    r""":math:`\sum_{i,j} k(x_i, y_j)` over all ordered pairs, diagonal included, in blocks of ``chunk`` rows.

    With ``same=True`` (``y`` is ``x``) only blocks on or above the diagonal
    are computed and the off-diagonal part is counted twice. Peak extra
    memory: about two blocks of ``8 * chunk * len(y)`` bytes.
    """
    n = x.shape[0]
    total = 0.0
    for s in range(0, n, chunk):
        e = min(s + chunk, n)
        if not same:
            total += float(kernel_block(kernel, x[s:e], y, bandwidth).sum())
            continue
        K = kernel_block(kernel, x[s:e], x[s:], bandwidth)
        inner = float(K[:, : e - s].sum())
        total += 2.0 * float(K.sum()) - inner
        del K
    return total


def subset_sums(kernel, a, b, bandwidth, member_a, member_b, *, same: bool, chunk: int):
    r"""Per subset k, :math:`\sum_{i \in I_k, j \in J_k} k(a_i, b_j)` (diagonal included), all subsets from one pass over the kernel values.

    ``member_a`` (len(a), K) and ``member_b`` (len(b), K) hold the 0/1
    memberships of the K subsets; subset k's sum is
    :math:`(M_a^\top K M_b)_{kk}`, taken block by block of ``chunk`` rows:
    each block of kernel values is reduced against all memberships by one
    matrix product, then freed. With ``same=True`` (``b`` is ``a``,
    ``member_b`` is ``member_a``) only blocks on or above the diagonal are
    formed. Peak extra memory: about two blocks of ``8 * chunk * len(b)``
    bytes and ``8 * chunk * K`` for the products. O(len(a) len(b) (d + K)) time.

    Examples
    --------
    >>> a = np.array([[0.0], [1.0], [2.0]])
    >>> member = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])        # subsets {0, 1} and {1, 2}
    >>> subset_sums("distance", a, a, None, member, member, same=True, chunk=2)   # -(1 + 1) each
    array([-2., -2.])
    """
    sums = np.zeros(member_a.shape[1])
    for s in range(0, a.shape[0], chunk):
        e = min(s + chunk, a.shape[0])
        rows = member_a[s:e]
        if not same:
            sums += np.einsum("ik,ik->k", rows, kernel_block(kernel, a[s:e], b, bandwidth) @ member_b)
            continue
        K = kernel_block(kernel, a[s:e], a[s:], bandwidth)
        upper = np.einsum("ik,ik->k", rows, K @ member_a[s:])
        inner = np.einsum("ik,ik->k", rows, K[:, : e - s] @ rows)
        sums += 2.0 * upper - inner
        del K
    return sums
