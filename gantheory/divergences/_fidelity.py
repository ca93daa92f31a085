r"""Kernels of the sample-quality metrics: k-NN balls (precision, recall, density, coverage) and near-duplicates.

* :func:`kth_radii2`: for each point of a sample, the squared distance to its
  k-th nearest neighbour among the *other* points of the sample.
* :func:`ball_counts`: for each query point, how many of the balls
  :math:`B(c_i, r_i) = \{y : \|y - c_i\| \le r_i\}` contain it, and for each
  ball whether any query point lies in it.
* :func:`collision_rate`: the share of batches (rows of a ``(B, s, d)``
  array) that hold a pair of points at most ``eps`` apart.

Every distance is compared as a *squared* distance summed over the
coordinates in their order, :math:`\sum_j (a_j - b_j)^2`, one formula for the
radii and for the membership tests, so a point at exactly a ball's radius
is inside it whatever the rounding (closed balls, ties included). The
pairwise blocks are computed in chunks of at most :data:`CHUNK_ENTRIES`
entries: O(n m d) time and bounded memory.

Examples
--------
>>> import numpy as np
>>> x = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
>>> kth_radii2(x, 1).tolist()                # nearest other point: 1, 1, 2 away
[1.0, 1.0, 4.0]
>>> counts, hit = ball_counts(x, kth_radii2(x, 1), np.array([[2.0, 0.0], [9.0, 0.0]]))
>>> counts.tolist(), hit.tolist()            # (2, 0) is in the balls of (1, 0) and (3, 0)
([2, 0], [False, True, True])
"""

from __future__ import annotations

import numpy as np
import scipy.spatial

__all__ = ["CHUNK_ENTRIES", "kth_radii2", "ball_counts", "collision_rate"]

#: Entries of a pairwise block held at once (float64: 32 MiB).
CHUNK_ENTRIES = 2**22


def _squared_distances(a, b):
    """``(len(a), len(b))`` squared distances, summed over the coordinates in order (the one formula used)."""
    out = np.zeros((len(a), len(b)))
    for j in range(a.shape[1]):  # over the d coordinates, not the samples
        out += (a[:, None, j] - b[None, :, j]) ** 2
    return out


def kth_radii2(x, k):
    """Squared distance of each point of ``x`` (n, d) to its k-th nearest neighbour among the other points (n > k).

    The point itself is excluded by position, not by value: a duplicate of it
    counts as a neighbour at distance 0.
    """
    n = len(x)
    out = np.empty(n)
    rows = max(1, CHUNK_ENTRIES // n)
    for start in range(0, n, rows):
        d2 = _squared_distances(x[start : start + rows], x)
        idx = np.arange(len(d2))
        d2[idx, start + idx] = np.inf  # the point itself
        out[start : start + rows] = np.partition(d2, k - 1, axis=1)[:, k - 1]
    return out


def ball_counts(centres, radii2, points):
    """For each of ``points``, the number of closed balls ``B(centres[i], sqrt(radii2[i]))`` holding it; per ball, hit or not.

    Returns
    -------
    counts : ndarray of int, shape (len(points),)
    hit : ndarray of bool, shape (len(centres),)
    """
    counts = np.empty(len(points), dtype=np.int64)
    hit = np.zeros(len(centres), dtype=bool)
    rows = max(1, CHUNK_ENTRIES // len(centres))
    for start in range(0, len(points), rows):
        inside = _squared_distances(points[start : start + rows], centres) <= radii2[None, :]
        counts[start : start + rows] = inside.sum(axis=1)
        hit |= inside.any(axis=0)
    return counts, hit


def collision_rate(batches, eps):
    """Share of the batches ``(B, s, d)`` holding two points at most ``eps`` apart (Euclidean, ``<=``).

    One :class:`scipy.spatial.cKDTree` over all the batches at once: each
    point gets an extra coordinate ``b (eps + 1)`` for its batch ``b``, so
    points of different batches are more than ``eps`` apart and the
    distances within a batch are unchanged; the nearest other point of every
    point is then one query.
    """
    n_batches, s, d = batches.shape
    if s < 2:
        return 0.0
    label = np.repeat(np.arange(n_batches, dtype=np.float64) * (eps + 1.0), s)
    points = np.column_stack([batches.reshape(-1, d), label])
    tree = scipy.spatial.cKDTree(points)
    dist, _ = tree.query(points, k=2)
    near = (dist[:, 1] <= eps).reshape(n_batches, s).any(axis=1)
    return float(near.mean())
