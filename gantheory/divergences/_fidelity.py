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
candidate pairs come from :class:`scipy.spatial.cKDTree` searches and are
then tested by that formula: about :math:`O((n + m)\log(n + m))` time for
spread samples, :math:`O(nm)` pairs at worst (every point in every ball),
held at most :data:`CHUNK_ENTRIES` at a time.

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

#: Candidate pairs (ball, point) held at once, at most (about 100 MiB).
CHUNK_ENTRIES = 2**22


def _pair_distances(a, b):
    """Squared distances of the rows ``a[t]`` and ``b[t]``, by the same formula (the same order of the sum)."""
    out = np.zeros(len(a))
    for j in range(a.shape[1]):
        out += (a[:, j] - b[:, j]) ** 2
    return out


def kth_radii2(x, k):
    """Squared distance of each point of ``x`` (n, d) to its k-th nearest neighbour among the other points (n > k).

    The point itself is excluded by position, not by value: a duplicate of it
    counts as a neighbour at distance 0. A :class:`scipy.spatial.cKDTree`
    finds the k + 1 nearest points (the point itself among them, or k + 1
    duplicates at distance 0), whose squared distances are then recomputed
    by the one formula of this module.
    """
    n = len(x)
    _, idx = scipy.spatial.cKDTree(x).query(x, k=k + 1)
    idx = idx.reshape(n, k + 1)
    d2 = _pair_distances(np.repeat(x, k + 1, axis=0), x[idx.ravel()]).reshape(n, k + 1)
    d2[idx == np.arange(n)[:, None]] = np.inf  # the point itself
    return np.sort(d2, axis=1)[:, k - 1]


def ball_counts(centres, radii2, points):
    """For each of ``points``, the number of closed balls ``B(centres[i], sqrt(radii2[i]))`` holding it; per ball, hit or not.

    The balls are grouped in bands of radii within a factor 2 (and one band
    of radius 0); per band, a :class:`scipy.spatial.cKDTree` of the query
    points lists the pairs within the band's largest radius (widened by
    :math:`10^{-9}` of it, so no pair is lost to rounding), in chunks of
    balls of at most :data:`CHUNK_ENTRIES` candidate pairs; each pair is
    then tested exactly, ``squared distance <= radius**2`` by the one formula.

    Returns
    -------
    counts : ndarray of int, shape (len(points),)
    hit : ndarray of bool, shape (len(centres),)
    """
    counts = np.zeros(len(points), dtype=np.int64)
    inside_per_ball = np.zeros(len(centres), dtype=np.int64)
    tree = scipy.spatial.cKDTree(points)
    radii = np.sqrt(radii2)
    positive = radii > 0
    band = np.full(len(centres), -1, dtype=np.int64)  # radius 0: band -1
    if positive.any():
        band[positive] = np.floor(np.log2(radii[positive] / radii[positive].min())).astype(np.int64)
    for b in np.unique(band):
        members = np.flatnonzero(band == b)
        reach = radii[members].max() * (1 + 1e-9) + 1e-300
        rows = max(1, CHUNK_ENTRIES // len(points))
        for start in range(0, len(members), rows):  # over chunks of balls, not over samples
            chunk = members[start : start + rows]
            matrix = scipy.spatial.cKDTree(centres[chunk]).sparse_distance_matrix(tree, reach, output_type="ndarray")
            ball, point = chunk[matrix["i"]], matrix["j"]
            # the "ndarray" output keeps the pairs at distance 0 (duplicates), which the sparse formats drop
            inside = _pair_distances(centres[ball], points[point]) <= radii2[ball]
            counts += np.bincount(point[inside], minlength=len(points))
            inside_per_ball += np.bincount(ball[inside], minlength=len(centres))
    return counts, inside_per_ball > 0


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
