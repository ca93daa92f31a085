"""Chunked sums of pairwise Euclidean distances, in bounded memory.

The energy distance needs three means of pairwise distances, each an
O(n m d) sum over an ``n x m`` matrix that need not exist all at once: the
rows are taken in blocks of ``chunk`` and each block's distances (computed by
:func:`scipy.spatial.distance.cdist` on the host, or by broadcasting on a CuPy
device) are reduced and freed before the next.
Within one sample, symmetry halves the work: block ``[s, e)`` is paired only
with the points from ``s`` on, and the off-diagonal part counted twice.

Examples
--------
>>> import numpy as np
>>> x = np.array([[0.0, 0.0], [3.0, 4.0]])
>>> float(pairwise_sum(x, x, None, None, same=True, chunk=1))   # |d| = 5, counted for (0, 1) and (1, 0)
10.0
"""

from __future__ import annotations

import numpy as np
import scipy

from gantheory.backend import get_namespace

__all__ = ["pairwise_sum", "default_chunk"]

# Each block of distances stays under this many bytes (float64).
_BLOCK_BYTES = 32 * 2**20


def default_chunk(m: int) -> int:
    """Rows per block so that a block of distances against ``m`` points takes at most 32 MiB."""
    return max(1, _BLOCK_BYTES // (8 * max(m, 1)))


def _distances(a, b):
    """The ``len(a) x len(b)`` block of Euclidean distances (SciPy on the host, broadcasting on a device)."""
    xp = get_namespace(a, b)
    if xp is np:
        return scipy.spatial.distance.cdist(a, b)
    return xp.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1))


def _block_sum(D, wr, wc):
    """``sum_ij wr_i D_ij wc_j`` with ``None`` meaning weight 1."""
    s = D.sum(axis=0) if wr is None else wr @ D
    return float(s.sum() if wc is None else s @ wc)


def pairwise_sum(x, y, x_weights, y_weights, *, same: bool, chunk: int) -> float:
    r"""Weighted sum :math:`\sum_{i,j} w_i v_j \|x_i - y_j\|` over all ordered pairs.

    Parameters
    ----------
    x, y : ndarray of shape (n, d) and (m, d)
        Samples. With ``same=True``, ``y`` must be ``x`` (and ``y_weights``
        ``x_weights``): only blocks on or above the diagonal are computed.
    x_weights, y_weights : ndarray or None
        Weights, or ``None`` for weight 1 each.
    same : bool
        Use the symmetry of the distances within one sample.
    chunk : int
        Rows of ``x`` per block; peak extra memory is about ``8 * chunk * m`` bytes.

    Returns
    -------
    float
        The sum (the diagonal of a ``same`` sum is zero and included).
    """
    n = x.shape[0]
    total = 0.0
    for s in range(0, n, chunk):
        e = min(s + chunk, n)
        wr = None if x_weights is None else x_weights[s:e]
        if not same:
            total += _block_sum(_distances(x[s:e], y), wr, y_weights)
            continue
        D = _distances(x[s:e], x[s:])  # this block against itself and every later point
        wc = None if x_weights is None else x_weights[s:]
        inner = _block_sum(D[:, : e - s], wr, None if wc is None else wc[: e - s])
        total += 2.0 * _block_sum(D, wr, wc) - inner
        del D  # free this block before the next one is computed
    return total
