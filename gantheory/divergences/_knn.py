"""k-nearest-neighbour distances for the KL and JSD estimators.

For each point of ``x``, the distance to its k-th nearest neighbour among
the *other* points of ``x`` (``rho``) and among the points of ``y`` (``nu``).
Each sample is indexed once (:class:`NeighbourIndex`) and every query on it
reuses the index:

* 1-D: the sorted sample. The k nearest neighbours of a point lie among the
  k sorted values on each side of it, and the distances on each side come
  sorted, so the k-th distance is a min of maxes of the two runs
  (:func:`_kth_from_both_sides`): O(n log n) for the sort and O(n k) vector
  operations for the queries, exact, and far faster than a tree.
* d-D: a :class:`scipy.spatial.cKDTree`, queried on all cores
  (``workers=-1``): O(n log n) to build and about O(k log n) per query in low
  dimension.

Examples
--------
>>> import numpy as np
>>> x = np.array([[0.0], [1.0], [3.0]])
>>> rho, nu = knn_distances(x, np.array([[0.5], [10.0]]), k=1)
>>> rho.tolist(), nu.tolist()
([1.0, 1.0, 2.0], [0.5, 0.5, 2.5])
"""

from __future__ import annotations

import numpy as np
import scipy

__all__ = ["NeighbourIndex", "knn_distances", "log_ratio", "jsd_entropies", "knn_estimates"]

# Rows per block of the 1-D candidate matrices (2k columns each): bounded memory at any n.
_BLOCK_ROWS = 2**17


class NeighbourIndex:
    """One sample of shape (n, d), indexed once for k-th nearest neighbour distances.

    Examples
    --------
    >>> import numpy as np
    >>> index = NeighbourIndex(np.array([[0.0], [1.0], [3.0]]))
    >>> index.kth_self([1, 2]).tolist()          # 1st and 2nd neighbours among the others
    [[1.0, 3.0], [1.0, 2.0], [2.0, 3.0]]
    >>> index.kth(np.array([[2.5]]), [1]).tolist()
    [[0.5]]
    """

    def __init__(self, a):
        self.points = a
        if a.shape[1] == 1:
            self.order = np.argsort(a[:, 0], kind="stable")
            self.sorted = a[self.order, 0]
        else:
            # An unbalanced tree without compact nodes builds several times faster and answers the same.
            self.tree = scipy.spatial.cKDTree(a, balanced_tree=False, compact_nodes=False)

    def kth(self, points, ks):
        """Distances from each of ``points`` to its k-th nearest indexed point, one column per k in ``ks``."""
        if hasattr(self, "tree"):
            return self.tree.query(points, k=list(ks), workers=-1)[0]
        p = points[:, 0]
        padded, K = self._padded(ks)
        first = np.searchsorted(self.sorted, p) + K  # in ``padded``: the first value >= p
        return _kth_from_both_sides(p, first - 1, first, padded, ks)  # left run ends before it, right run starts at it

    def kth_self(self, ks):
        """Distances from each indexed point to its k-th nearest neighbour among the others, one column per k.

        With repeated points a repeat is a neighbour at distance 0, as in a
        tree query of k + 1 neighbours that returns the point itself first.
        """
        if hasattr(self, "tree"):
            return self.tree.query(self.points, k=[k + 1 for k in ks], workers=-1)[0]
        padded, K = self._padded(ks)
        position = np.arange(self.sorted.shape[0]) + K
        in_sorted_order = _kth_from_both_sides(
            self.sorted, position - 1, position + 1, padded, ks
        )  # the point itself left out
        out = np.empty_like(in_sorted_order)
        out[self.order] = in_sorted_order
        return out

    def _padded(self, ks):
        """The sorted sample with max(ks) infinities on each side (no neighbour there), and that number."""
        K = max(ks)
        return np.concatenate([np.full(K, -np.inf), self.sorted, np.full(K, np.inf)]), K


def _kth_from_both_sides(p, left, right, padded, ks):
    r"""k-th smallest distance from ``p`` to the sorted values running down from ``left`` and up from ``right``.

    The distances to the left run, :math:`l_1 \le l_2 \le \dots`, and to the
    right run, :math:`r_1 \le r_2 \le \dots`, are each sorted, so the k-th
    smallest of their union is :math:`\min_{0 \le i \le k} \max(l_i, r_{k-i})`
    (take i from the left and k - i from the right; :math:`l_0 = r_0 = 0`):
    O(k) vector operations per k, no sort. Rows go in blocks to bound memory.
    """
    out = np.empty((p.shape[0], len(ks)))
    K = max(ks)
    for s in range(0, p.shape[0], _BLOCK_ROWS):
        rows = slice(s, s + _BLOCK_ROWS)
        pr, lr, rr = p[rows], left[rows], right[rows]
        lefts = [pr - padded[lr - t] for t in range(K)]  # l_1, ..., l_K
        rights = [padded[rr + t] - pr for t in range(K)]  # r_1, ..., r_K
        for j, k in enumerate(ks):
            best = np.minimum(lefts[k - 1], rights[k - 1])  # i = k or i = 0
            for i in range(1, k):
                best = np.minimum(best, np.maximum(lefts[i - 1], rights[k - i - 1]))
            out[rows, j] = best
    return out


def knn_distances(x, y, k: int):
    """Distances from each ``x_i`` to its k-th neighbour in ``x`` minus itself, and in ``y``."""
    return NeighbourIndex(x).kth_self([k])[:, 0], NeighbourIndex(y).kth(x, [k])[:, 0]


def _check_positive(dist, k, where):
    if bool((dist == 0).any()):
        count = int(np.count_nonzero(dist == 0))
        raise ValueError(
            f"{count} point(s) have their k-th nearest neighbour (k={k}) {where} at distance 0 "
            "(repeated values): the kNN estimators assume continuous distributions, and the estimate is undefined here. "
            "Add a little noise (jitter) to the data or, where you choose k (the k= of gantheory.empirical.kl and "
            "js_divergence), pass a k above the largest number of repeats of one value"
        )


def _log_ratio(rho, nu, k, n, m, d):
    _check_positive(rho, k, "within x")
    _check_positive(nu, k, "in y (points of x)")
    return d * (np.log(nu) - np.log(rho)) + np.log(m / (n - 1))


def log_ratio(x, y, k: int):
    r"""Per-point kNN estimate of :math:`\log(p(x_i) / q(x_i))` (Wang, Kulkarni, Verdú 2009).

    .. math:: \log\frac{\hat p}{\hat q}(x_i) = d \log\frac{\nu_k(i)}{\rho_k(i)} + \log\frac{m}{n - 1},

    the log-ratio of the kNN density estimates :math:`k / ((n-1) V_d \rho_k^d)`
    and :math:`k / (m V_d \nu_k^d)` (the unit-ball volume :math:`V_d` cancels).

    Raises
    ------
    ValueError
        If a k-th neighbour distance is zero (repeated points), where the
        ratio would be 0 or infinite.
    """
    rho, nu = knn_distances(x, y, k)
    return _log_ratio(rho, nu, k, x.shape[0], y.shape[0], x.shape[1])


def _jsd(pooled, rx, ry, k, n, d):
    """The JSD estimate from the k-th neighbour distances within the pooled sample, within x and within y (n points each)."""
    where = ("within x and y pooled", "within x", "within y")
    log_pooled, log_x, log_y = (_mean_log(dist, k, w) for dist, w in zip((pooled, rx, ry), where))
    return float(scipy.special.digamma(2 * n) - scipy.special.digamma(n)) + d * (log_pooled - 0.5 * log_x - 0.5 * log_y)


def _mean_log(dist, k, where):
    _check_positive(dist, k, where)
    return float(np.mean(np.log(dist)))


def jsd_entropies(x, y, k: int) -> float:
    r"""JSD as :math:`H(M) - \tfrac12 H(P) - \tfrac12 H(Q)` with Kozachenko-Leonenko entropy estimates.

    ``x`` and ``y`` have the same size n, so their union is a sample of
    :math:`M = \tfrac12 (P + Q)`. The estimate of each entropy from a sample
    of size N is :math:`\psi(N) - \psi(k) + \log V_d + \frac dN \sum_i \log \varepsilon_k(i)`;
    in the combination :math:`\log V_d` and :math:`\psi(k)` cancel:

    .. math:: \widehat{\mathrm{JSD}} = \psi(2n) - \psi(n)
              + d\Big(\overline{\log \varepsilon^{x \cup y}_k}
              - \tfrac12 \overline{\log \rho^x_k} - \tfrac12 \overline{\log \rho^y_k}\Big).

    Raises ``ValueError`` for zero neighbour distances, as :func:`log_ratio`.
    """
    pooled, rx, ry = (NeighbourIndex(a).kth_self([k])[:, 0] for a in (np.concatenate([x, y]), x, y))
    return _jsd(pooled, rx, ry, k, x.shape[0], x.shape[1])


def knn_estimates(x, y, k_kl: int, k_jsd: int) -> dict:
    """KL(P‖Q), KL(Q‖P) and the JSD from the same two samples, each sample indexed once.

    The same estimators as :func:`log_ratio` (its mean) and
    :func:`jsd_entropies` (on the first min(n, m) points of each sample);
    each self query asks for both neighbour orders at once.

    Returns
    -------
    dict
        ``{"kl_pq": ..., "kl_qp": ..., "jsd": ...}``, each a float, or the
        ``ValueError`` that estimate raised (zero neighbour distances), so
        that the others still come back.
    """
    n, m, d = x.shape[0], y.shape[0], x.shape[1]
    ix, iy = NeighbourIndex(x), NeighbourIndex(y)
    ks = sorted({k_kl, k_jsd})
    self_x, self_y = ix.kth_self(ks), iy.kth_self(ks)
    kl, jsd = ks.index(k_kl), ks.index(k_jsd)  # columns

    def kl_estimate(rho, other, a, na, nb):
        return float(np.mean(_log_ratio(rho[:, kl], other.kth(a, [k_kl])[:, 0], k_kl, na, nb, d)))

    def jsd_estimate():
        size = min(n, m)
        if n == m:
            rx, ry = self_x[:, jsd], self_y[:, jsd]
        else:
            rx, ry = (NeighbourIndex(a[:size]).kth_self([k_jsd])[:, 0] for a in (x, y))
        pooled = NeighbourIndex(np.concatenate([x[:size], y[:size]])).kth_self([k_jsd])[:, 0]
        return _jsd(pooled, rx, ry, k_jsd, size, d)

    estimates = {
        "kl_pq": lambda: kl_estimate(self_x, iy, x, n, m),
        "kl_qp": lambda: kl_estimate(self_y, ix, y, m, n),
        "jsd": jsd_estimate,
    }
    out = {}
    for name, estimate in estimates.items():
        try:
            out[name] = estimate()
        except ValueError as exc:
            out[name] = exc
    return out
