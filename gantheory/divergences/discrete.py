"""Exact divergences between pmfs (histograms) on a shared support.

``p`` and ``q`` are non-negative arrays of the same shape: a pmf on n points
(shape ``(n,)``) or on a 2-D grid (shape ``(n1, n2)``). Like
:func:`scipy.stats.entropy`, each is divided by its sum, so raw counts are
fine. ``axis=None`` (the default) treats the whole array as one pmf; an
integer ``axis`` treats the array as a batch of pmfs along that axis, as
SciPy does. Logarithms are natural (nats) unless ``base`` is given.

Examples
--------
>>> import gantheory as gt
>>> gt.discrete.kl([0.5, 0.5], [0.9, 0.1])
0.510825...
>>> gt.discrete.js_divergence([1, 0], [0, 1], base=2)   # disjoint supports: 1 bit
1.0
>>> gt.discrete.w1([1, 0, 0], [0, 0, 1], support=[0.0, 1.0, 5.0])
5.0
"""

from __future__ import annotations

import math

from gantheory._validation import as_pmf, as_samples, check_base, check_same_shape
from gantheory.backend import get_namespace, special
from gantheory.divergences._dispatch import check_order
from gantheory.divergences._onedim import cdf_gap
from gantheory.divergences._transport import quantile_wp_power

__all__ = ["kl", "js_divergence", "js_distance", "tv", "w1", "w2", "wp", "cramer", "energy_distance"]

LOG2 = math.log(2.0)


def _pmf_pair(p, q, axis, backend):
    xp = get_namespace(p, q, backend=backend)
    p = as_pmf(p, "p", xp, axis)
    q = as_pmf(q, "q", xp, axis)
    check_same_shape(p, q, ("p", "q"))
    return p, q, xp


def _result(value, axis):
    """A Python float for a single pmf, an array of the input's module for a batch."""
    return float(value) if axis is None else value


def kl(p, q, *, base=None, axis=None, backend=None):
    r"""Exact: the Kullback-Leibler divergence KL(P‖Q) between pmfs.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights of the same shape (normalized like
        :func:`scipy.stats.entropy`).
    base : float, optional
        Logarithm base (2 for bits); natural log (nats) by default.
    axis : int, optional
        Axis along which the arrays hold pmfs; ``None`` for one pmf.
    backend : {None, "numpy", "cupy"}
        Array module; ``None`` infers it from the inputs.

    Returns
    -------
    float or array
        KL(P‖Q) in ``[0, inf]``; ``inf`` when some ``p > 0`` where ``q = 0``
        (P is not absolutely continuous with respect to Q). Round-off below
        0 is clipped to 0.

    Notes
    -----
    .. math:: \mathrm{KL}(P\|Q) = \sum_i p_i \log\frac{p_i}{q_i},

    with :math:`0 \log(0/q) = 0`, summed with ``scipy.special.rel_entr``.
    O(n) time. Equals ``scipy.stats.entropy(p, q)``.

    References
    ----------
    .. [1] S. Kullback and R. A. Leibler, "On information and sufficiency",
       Ann. Math. Statist. 22(1), 1951.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.kl([1, 1], [1, 3], base=2)    # 0.5 log2(2) + 0.5 log2(2/3)
    0.207518...
    >>> gt.discrete.kl([1, 1], [1, 0])
    inf
    """
    base = check_base(base)
    p, q, xp = _pmf_pair(p, q, axis, backend)
    value = xp.maximum(xp.sum(special(xp).rel_entr(p, q), axis=axis), 0.0)  # round-off below 0
    if base is not None:
        value = value / math.log(base)
    return _result(value, axis)


def js_divergence(p, q, *, base=None, axis=None, backend=None):
    r"""Exact: the Jensen-Shannon divergence JSD(P, Q) between pmfs.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights of the same shape (normalized internally).
    base : float, optional
        Logarithm base; natural log by default.
    axis : int, optional
        Axis along which the arrays hold pmfs; ``None`` for one pmf.
    backend : {None, "numpy", "cupy"}
        Array module; ``None`` infers it from the inputs.

    Returns
    -------
    float or array
        JSD in ``[0, log 2]`` (``[0, 1]`` in bits); exactly ``log 2`` on
        disjoint supports. Round-off is clipped to that interval.

    Notes
    -----
    .. math:: \mathrm{JSD}(P, Q) = \tfrac12 \mathrm{KL}(P\|M) + \tfrac12 \mathrm{KL}(Q\|M),
              \quad M = \tfrac12 (P + Q).

    O(n) time. This is the *divergence*; :func:`scipy.spatial.distance.jensenshannon`
    returns the *distance* :math:`\sqrt{\mathrm{JSD}}` (see :func:`js_distance`).

    References
    ----------
    .. [1] J. Lin, "Divergence measures based on the Shannon entropy", IEEE
       Trans. Inf. Theory 37(1), 1991.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.js_divergence([1, 0], [1, 0])
    0.0
    >>> gt.discrete.js_divergence([1, 1, 0], [0, 1, 1], base=2)
    0.5
    """
    base = check_base(base)
    p, q, xp = _pmf_pair(p, q, axis, backend)
    m = 0.5 * (p + q)
    rel_entr = special(xp).rel_entr
    value = 0.5 * xp.sum(rel_entr(p, m) + rel_entr(q, m), axis=axis)
    value = xp.clip(value, 0.0, LOG2)
    if base is not None:
        value = value / math.log(base)
    return _result(value, axis)


def js_distance(p, q, *, base=None, axis=None, backend=None):
    r"""Exact: the Jensen-Shannon distance :math:`\sqrt{\mathrm{JSD}(P, Q)}` between pmfs.

    A metric on pmfs (it satisfies the triangle inequality [1]_). Same
    parameters as :func:`js_divergence`; equals
    :func:`scipy.spatial.distance.jensenshannon` (which returns this distance,
    not the divergence).

    References
    ----------
    .. [1] D. M. Endres and J. E. Schindelin, "A new metric for probability
       distributions", IEEE Trans. Inf. Theory 49(7), 2003.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.js_distance([1, 0], [0, 1], base=2)
    1.0
    """
    value = js_divergence(p, q, base=base, axis=axis, backend=backend)
    return math.sqrt(value) if axis is None else value**0.5


def tv(p, q, *, axis=None, backend=None):
    r"""Exact: the total variation distance :math:`\tfrac12 \sum_i |p_i - q_i|` between pmfs.

    In ``[0, 1]``; 1 exactly on disjoint supports. Pinsker's inequality
    bounds it by :math:`\sqrt{\mathrm{KL}/2}` (KL in nats). O(n) time.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights of the same shape (normalized internally).
    axis : int, optional
        Axis along which the arrays hold pmfs; ``None`` for one pmf.
    backend : {None, "numpy", "cupy"}
        Array module; ``None`` infers it from the inputs.

    References
    ----------
    .. [1] A. B. Tsybakov, *Introduction to Nonparametric Estimation*,
       Springer, 2009, Sec. 2.4.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.tv([1, 1], [1, 3])
    0.25
    """
    p, q, xp = _pmf_pair(p, q, axis, backend)
    return _result(0.5 * xp.sum(xp.abs(p - q), axis=axis), axis)


def _gap_on_support(p, q, support, backend):
    """CDF gap of two pmfs on shared 1-D support positions (one kernel with the samples)."""
    xp = get_namespace(p, q, support, backend=backend)
    p = as_pmf(p, "p", xp)
    q = as_pmf(q, "q", xp)
    check_same_shape(p, q, ("p", "q"))
    support = as_samples(support, "support", xp)
    if p.ndim != 1 or support.shape != p.shape:
        raise ValueError(
            f"support must give one position per entry of p: p has shape {p.shape}, support {support.shape}"
        )
    return cdf_gap(support, support, p, q, xp), xp


def w1(p, q, support, *, backend=None) -> float:
    r"""Exact: the Wasserstein-1 distance between two pmfs on shared 1-D support positions.

    Parameters
    ----------
    p, q : array_like of shape (n,)
        Non-negative weights (normalized internally).
    support : array_like of shape (n,)
        Positions of the atoms, in any order; repeats allowed.
    backend : {None, "numpy", "cupy"}
        Array module; ``None`` infers it from the inputs.

    Notes
    -----
    .. math:: W_1(P, Q) = \int |F - G|\,dt = \sum_k |F_k - G_k| (t_{k+1} - t_k)

    over the sorted support; O(n log n) for the sort (O(n) if already sorted
    in practice). Equals ``scipy.stats.wasserstein_distance(support, support, p, q)``.

    References
    ----------
    .. [1] S. S. Vallender, "Calculation of the Wasserstein distance between
       probability distributions on the line", Theory Probab. Appl. 18, 1974.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.w1([0.5, 0.5, 0], [0, 0.5, 0.5], support=[0, 1, 2])
    1.0
    """
    (gap, widths), xp = _gap_on_support(p, q, support, backend)
    return float(xp.sum(xp.abs(gap) * widths))


def _cramer_squared(p, q, support, backend):
    (gap, widths), xp = _gap_on_support(p, q, support, backend)
    return float(xp.sum(gap * gap * widths))


def cramer(p, q, support, *, backend=None) -> float:
    r"""Exact: the Cramér distance :math:`\ell_2 = (\int (F - G)^2 dt)^{1/2}` between pmfs on 1-D support positions.

    Same parameters as :func:`w1`. O(n log n).

    References
    ----------
    .. [1] M. G. Bellemare et al., "The Cramer distance as a solution to biased
       Wasserstein gradients", arXiv:1705.10743, 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.cramer([1, 0], [0, 1], support=[0, 4])    # sqrt(4)
    2.0
    """
    return math.sqrt(_cramer_squared(p, q, support, backend))


def energy_distance(p, q, support, *, backend=None) -> float:
    r"""Exact: the energy distance :math:`E = 2E|X-Y| - E|X-X'| - E|Y-Y'|` between pmfs on 1-D support positions.

    Squared form (as ``dcor``); :math:`E = 2\ell_2^2` in 1-D, which is how it
    is computed, in O(n log n). ``scipy.stats.energy_distance`` returns
    :math:`\sqrt{E}`.

    References
    ----------
    .. [1] G. J. Székely and M. L. Rizzo, "Energy statistics: A class of
       statistics based on distances", J. Stat. Plan. Inference 143(8), 2013.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.energy_distance([1, 0], [0, 1], support=[0, 4])    # 2 |0 - 4|
    8.0
    """
    return 2.0 * _cramer_squared(p, q, support, backend)


def wp(p, q, support, order) -> float:
    r"""Exact: the p-Wasserstein distance :math:`W_p` between two pmfs on shared 1-D support positions.

    Parameters
    ----------
    p, q : array_like of shape (n,)
        Non-negative weights (normalized internally).
    support : array_like of shape (n,)
        Positions of the atoms, in any order; repeats allowed.
    order : float
        The p of :math:`W_p`, finite and >= 1 (``order`` in every module:
        ``p`` is the first pmf here).

    Notes
    -----
    .. math:: W_p^p(P, Q) = \int_0^1 |F^{-1}(u) - G^{-1}(u)|^p\,du,

    a finite sum over the merged cumulative masses (the monotone coupling is
    optimal for every convex cost on the line); O(n log n). ``order=1``
    equals :func:`w1`.

    References
    ----------
    .. [1] C. Villani, *Optimal Transport: Old and New*, Springer, 2009, Ch. 6.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.wp([1, 0, 0], [0, 0.5, 0.5], support=[0, 1, 3], order=2) ** 2   # (1 + 9) / 2
    5.0
    """
    order = check_order(order)
    xp = get_namespace(p, q, support)
    p, q = as_pmf(p, "p", xp), as_pmf(q, "q", xp)
    check_same_shape(p, q, ("p", "q"))
    support = as_samples(support, "support", xp)
    if p.ndim != 1 or support.shape != p.shape:
        raise ValueError(
            f"support must give one position per entry of p: p has shape {p.shape}, support {support.shape}"
        )
    return float(quantile_wp_power(support, support, p, q, order)) ** (1.0 / order)


def w2(p, q, support) -> float:
    r"""Exact: the 2-Wasserstein distance between two pmfs on shared 1-D support positions, ``wp(p, q, support, 2)``.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.discrete.w2([1, 0], [0, 1], support=[0, 4])
    4.0
    """
    return wp(p, q, support, 2)
