"""k-nearest-neighbour distances for the KL and JSD estimators.

For each point of ``x``, the distance to its k-th nearest neighbour among
the *other* points of ``x`` (``rho``) and among the points of ``y`` (``nu``),
by :class:`scipy.spatial.cKDTree` queries: O((n + m) log(n + m)) to build
the trees and O(n k log m) to query them in low dimension.

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
from scipy.spatial import cKDTree
from scipy.special import digamma

__all__ = ["knn_distances", "log_ratio", "jsd_entropies"]


def _self_knn(a, k):
    """Distance from each point of ``a`` to its k-th neighbour among the others (the point itself is the 0-th)."""
    return cKDTree(a).query(a, k=[k + 1], workers=-1)[0][:, 0]


def knn_distances(x, y, k: int):
    """Distances from each ``x_i`` to its k-th neighbour in ``x`` minus itself, and in ``y``.

    Querying ``x`` against its own tree with ``k + 1`` neighbours returns the
    point itself (distance 0) among them, so the last column is the k-th
    neighbour among the others, also when ``x`` has repeated points.
    """
    rho = _self_knn(x, k)
    nu = cKDTree(y).query(x, k=[k], workers=-1)[0][:, 0]
    return rho, nu


def _check_positive(dist, k, where):
    if bool((dist == 0).any()):
        count = int(np.count_nonzero(dist == 0))
        raise ValueError(
            f"{count} point(s) have their k-th nearest neighbour (k={k}) {where} at distance 0 "
            "(repeated values): the kNN estimators assume continuous distributions. "
            "Increase k above the largest multiplicity, or add a little noise (jitter) to the data"
        )


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
    n, d = x.shape
    rho, nu = knn_distances(x, y, k)
    _check_positive(rho, k, "within x")
    _check_positive(nu, k, "in y (points of x)")
    return d * (np.log(nu) - np.log(rho)) + np.log(y.shape[0] / (n - 1))


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
    n, d = x.shape
    logs = []
    for a, where in ((np.concatenate([x, y]), "within x and y pooled"), (x, "within x"), (y, "within y")):
        dist = _self_knn(a, k)
        _check_positive(dist, k, where)
        logs.append(float(np.mean(np.log(dist))))
    return float(digamma(2 * n) - digamma(n)) + d * (logs[0] - 0.5 * logs[1] - 0.5 * logs[2])
