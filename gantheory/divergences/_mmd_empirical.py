r"""Kernel statistics from samples: the MMD² estimators, KID and the MMD permutation test.

Public as :func:`gantheory.empirical.mmd`, :func:`gantheory.empirical.kid`
and :func:`gantheory.empirical.mmd_test` (with their results :class:`KID` and
:class:`MMDTest`), the estimators beside the exact values of
:mod:`gantheory.divergences._mmd_exact`. The kernels (Gaussian, inverse
multiquadric, cubic, distance) and their chunked sums are
:mod:`gantheory.divergences._kernels`.

Examples
--------
>>> import numpy as np
>>> import gantheory as gt
>>> x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
>>> gt.empirical.mmd(x, x, kernel="distance", unbiased=False)     # the V-statistic between equal samples
0.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gantheory._rng import as_generator
from gantheory._validation import check_positive_int
from gantheory.divergences._kernels import (
    BANDWIDTH_KERNELS,
    check_kernel,
    kernel_block,
    kernel_diagonal,
    kernel_sum,
    median_bandwidth,
    subset_sums,
)
from gantheory.divergences._kernels import default_chunk as default_kernel_chunk
from gantheory.divergences._samples import to_host, validate_pair

__all__ = ["mmd", "kid", "mmd_test", "KID", "MMDTest"]


def _kernel_pair(x, y, kernel, bandwidth):
    """Validated (n, d) host samples, the kernel name and its bandwidth (the median heuristic when None)."""
    kernel, bandwidth = check_kernel(kernel, bandwidth)
    x, y, _, _, _ = validate_pair(x, y, None, None, None, ndims=(1, 2))
    x, y = to_host(x.reshape(x.shape[0], -1), y.reshape(y.shape[0], -1))
    if bandwidth is None and kernel in BANDWIDTH_KERNELS:
        bandwidth = median_bandwidth(np.vstack([x, y]))
    return x, y, kernel, bandwidth


def _mmd_sums(x, y, kernel, bandwidth, chunk_size, unbiased):
    n, m = x.shape[0], y.shape[0]
    chunk = check_positive_int(chunk_size, "chunk_size") if chunk_size is not None else default_kernel_chunk(max(n, m))
    sxx = kernel_sum(kernel, x, x, bandwidth, same=True, chunk=chunk)
    syy = kernel_sum(kernel, y, y, bandwidth, same=True, chunk=chunk)
    sxy = kernel_sum(kernel, x, y, bandwidth, same=False, chunk=chunk)
    if not unbiased:
        return sxx / n**2 + syy / m**2 - 2.0 * sxy / (n * m)
    dx, dy = kernel_diagonal(kernel, x, bandwidth).sum(), kernel_diagonal(kernel, y, bandwidth).sum()
    return (sxx - dx) / (n * (n - 1)) + (syy - dy) / (m * (m - 1)) - 2.0 * sxy / (n * m)


def mmd(x, y, kernel="gaussian", bandwidth=None, *, unbiased=True, linear_time=False, chunk_size=None) -> float:
    r"""Estimate: the squared maximum mean discrepancy :math:`\mathrm{MMD}^2_k` from two samples.

    Parameters
    ----------
    x, y : array_like of shape (n,) and (m,), or (n, d) and (m, d)
        Samples; sizes may differ (``linear_time`` pairs the first points).
    kernel : {"gaussian", "imq", "cubic", "distance"}
        :math:`\exp(-\|x - y\|^2/2\ell^2)`; the inverse multiquadric
        :math:`(1 + \|x - y\|^2/\ell^2)^{-1/2}`; KID's :math:`(x^\top y/d + 1)^3`;
        :math:`\|x\| + \|y\| - \|x - y\|` (MMD² = the energy distance).
    bandwidth : float, optional
        :math:`\ell` of ``"gaussian"`` and ``"imq"``. Default: the median
        heuristic, the median distance between distinct points of the pooled
        sample (over at most 1000 evenly strided points of it).
    unbiased : bool, default True
        The U-statistic (needs 2 points per sample); ``False``: the
        V-statistic.
    linear_time : bool, default False
        Gretton et al.'s linear-time estimator (unbiased; ``unbiased`` must stay True).
    chunk_size : int, optional
        Rows per block of the pairwise sums (default: blocks of at most 32 MiB).

    Returns
    -------
    float
        The estimate of :math:`\mathrm{MMD}^2` (the U-statistic and the
        linear-time estimate can be negative when P = Q).

    Notes
    -----
    .. math::
        \mathrm{MMD}^2_u = \frac{\sum_{i \ne j} k(x_i, x_j)}{n(n-1)} + \frac{\sum_{i \ne j} k(y_i, y_j)}{m(m-1)} - \frac{2}{nm}\sum_{i,j} k(x_i, y_j),

    the V-statistic includes :math:`i = j` and divides by :math:`n^2`,
    :math:`m^2`; the linear-time statistic averages
    :math:`h = k(x_{2i-1}, x_{2i}) + k(y_{2i-1}, y_{2i}) - k(x_{2i-1}, y_{2i}) - k(x_{2i}, y_{2i-1})`
    over :math:`\lfloor \min(n, m)/2 \rfloor` disjoint pairs [1]_.

    * U-statistic: unbiased for :math:`\mathrm{MMD}^2`, variance
      :math:`O(1/n)` when P ≠ Q and :math:`O(1/n^2)` when P = Q.
    * V-statistic: biased upwards by
      :math:`(E k(X, X) - E k(X, X'))/n + (E k(Y, Y) - E k(Y, Y'))/m`; never negative.
    * linear-time: unbiased, O(n) time and memory, variance :math:`O(1/n)`
      with a larger constant.

    The quadratic statistics take O((n + m)^2 d) time and, by blocks of
    rows (:mod:`gantheory.divergences._kernels`), O(chunk (n + m)) memory:
    at n = m = 2·10⁴ in 2-D the peak is about 64 MiB (the full matrix would
    need 3.2 GB). With the median heuristic the bandwidth depends on the
    data, so the U-statistic is then unbiased only given that bandwidth.
    ``kernel="distance"`` returns exactly :func:`energy_distance` (its
    ``unbiased`` flag included).

    References
    ----------
    .. [1] A. Gretton, K. M. Borgwardt, M. J. Rasch, B. Schölkopf and A.
       Smola, "A kernel two-sample test", JMLR 13, 2012.
    .. [2] M. Bińkowski, D. J. Sutherland, M. Arbel and A. Gretton,
       "Demystifying MMD GANs", ICLR 2018.

    See Also
    --------
    kid, mmd_test, gantheory.mmd

    Examples
    --------
    >>> import numpy as np
    >>> import gantheory as gt
    >>> gt.empirical.mmd([0.0], [1.0], bandwidth=1.0, unbiased=False)   # 2 - 2 exp(-1/2)
    0.786938...
    >>> x, y = np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0.0, 2.0], [3.0, 0.0]])
    >>> bool(np.isclose(gt.empirical.mmd(x, y, kernel="distance"), gt.empirical.energy_distance(x, y, unbiased=True)))
    True
    """
    x, y, kernel, bandwidth = _kernel_pair(x, y, kernel, bandwidth)
    n, m = x.shape[0], y.shape[0]
    if linear_time:
        if not unbiased:
            raise ValueError(
                "the linear-time estimator is unbiased by construction; leave unbiased=True with linear_time=True"
            )
        half = min(n, m) // 2
        if half < 1:
            raise ValueError(f"the linear-time estimator needs at least 2 points in each sample, got {n} and {m}")
        x1, x2, y1, y2 = x[0 : 2 * half : 2], x[1 : 2 * half : 2], y[0 : 2 * half : 2], y[1 : 2 * half : 2]

        def k(a, b):
            return _paired(kernel, a, b, bandwidth)

        return float(np.mean(k(x1, x2) + k(y1, y2) - k(x1, y2) - k(x2, y1)))
    if unbiased:
        for name, size in (("x", n), ("y", m)):
            if size < 2:
                raise ValueError(
                    f"{name} has {size} point; the unbiased MMD (U-statistic) needs at least 2 per sample (or pass unbiased=False)"
                )
    return float(_mmd_sums(x, y, kernel, bandwidth, chunk_size, unbiased))


def _paired(kernel, a, b, bandwidth):
    """``k(a_i, b_i)`` for paired rows (the linear-time estimator), elementwise."""
    if kernel == "cubic":
        return (np.einsum("ij,ij->i", a, b) / a.shape[1] + 1.0) ** 3
    sq = np.einsum("ij,ij->i", a - b, a - b)
    if kernel == "distance":
        return -np.sqrt(sq)
    if kernel == "gaussian":
        return np.exp(-0.5 * sq / bandwidth**2)
    return 1.0 / np.sqrt(1.0 + sq / bandwidth**2)


@dataclass(frozen=True)
class KID:
    """What :func:`kid` returns.

    Attributes
    ----------
    value : float
        The mean of the subsets' unbiased cubic-kernel MMD² (KID).
    std : float
        The standard deviation of the subsets' values.
    std_error : float
        ``std / sqrt(n_subsets)`` (understates the sampling error: the subsets share points).
    n_subsets : int
        Number of subsets.
    subset_size : int
        Points per subset from each sample (``subset_size`` capped at the smaller sample).
    """

    value: float
    std: float
    std_error: float
    n_subsets: int
    subset_size: int


def kid(x, y, *, n_subsets=100, subset_size=1000, rng=0, chunk_size=None) -> KID:
    r"""Estimate: the Kernel Inception Distance, the unbiased MMD² with the cubic kernel averaged over random subsets.

    Parameters
    ----------
    x, y : array_like of shape (n, d) and (m, d)
        Samples (features), at least 2 points each.
    n_subsets : int, default 100
        Number of subsets.
    subset_size : int, default 1000
        Points drawn without replacement from each sample per subset (capped
        at min(n, m)).
    rng : int, default 0
        Seed of the subsets.
    chunk_size : int, optional
        Rows per block of kernel values (default: blocks of at most 8 MiB,
        about 10% faster than 32 MiB ones at 5,000 x 2,048); it bounds the
        peak memory (Notes).

    Returns
    -------
    KID
        ``value``: the mean of the subsets' unbiased MMD² with
        :math:`k(x, y) = (x^\top y/d + 1)^3`; ``std``: the standard deviation
        of the subsets' values (the spread that KID implementations
        print beside the mean); ``std_error``: ``std / sqrt(n_subsets)``, the standard
        error of the mean *if* the subsets were independent (they share
        points, so it understates the sampling error of the full samples).

    Notes
    -----
    Each subset's U-statistic is unbiased for :math:`\mathrm{MMD}^2_{\text{cubic}}(P, Q)`,
    so their mean is unbiased too, at every n -- unlike the Fréchet
    distance (:func:`frechet_distance`), whose bias is
    :math:`O(1/n)`.

    Two routes give the same values (the same subsets, drawn as a loop over
    subsets draws them; the two agree to about 1e-13 relative), chosen by
    their flop counts:

    * shared kernel values: the kernel between all points that any subset
      uses (u of x, v of y) is computed once, by blocks of ``chunk_size``
      rows, each block reduced at once against the 0/1 memberships of all
      subsets (:func:`~gantheory.divergences._kernels.subset_sums`: subset
      k's sum is :math:`(M^\top K M)_{kk}`, one matrix product per block;
      within a sample only blocks on or above the diagonal).
      O((u + v)² (d + n_subsets)) time; peak extra memory about
      :math:`2 \cdot 8\,\mathrm{chunk}\max(u, v)` bytes for a block and
      its cube (16 MiB at the default chunk) plus
      :math:`8\,\mathrm{n\_subsets}\,(u + v)` for the memberships (8 MB at
      5,000 + 5,000 points and 100 subsets), and a copy of the used points
      when some point is in no subset: never a u x u matrix (200 MB at
      u = 5,000);
    * a loop over subsets (each U-statistic by :func:`mmd`'s blocks),
      O(n_subsets · subset_size² · d), when it needs fewer flops: few
      subsets, or a small d against n_subsets.

    At 5,000 points a sample, d = 2,048, 100 subsets of 1,000, the shared
    route needs about 6x fewer flops than the loop (timed in
    ``benchmarks/bench_eval.py``).

    References
    ----------
    .. [1] M. Bińkowski, D. J. Sutherland, M. Arbel and A. Gretton,
       "Demystifying MMD GANs", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> import gantheory as gt
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(500, 2)), rng.normal(size=(500, 2))
    >>> result = gt.empirical.kid(x, y, n_subsets=20, subset_size=200)
    >>> abs(result.value) < 3 * result.std     # P = Q: KID is 0 up to its spread
    True
    """
    x, y, _, _ = _kernel_pair(x, y, "cubic", None)
    n_subsets = check_positive_int(n_subsets, "n_subsets")
    subset_size = check_positive_int(subset_size, "subset_size")
    size = min(subset_size, x.shape[0], y.shape[0])
    if size < 2:
        raise ValueError(f"KID needs at least 2 points in each sample, got {x.shape[0]} and {y.shape[0]}")
    if chunk_size is not None:
        chunk_size = check_positive_int(chunk_size, "chunk_size")
    gen = as_generator(rng)
    subsets = [
        (gen.choice(x.shape[0], size, replace=False), gen.choice(y.shape[0], size, replace=False))
        for _ in range(n_subsets)
    ]
    used_x, used_y = (np.unique(np.concatenate([pair[side] for pair in subsets])) for side in (0, 1))
    if (used_x.size + used_y.size) ** 2 * (x.shape[1] + 2 * n_subsets) <= n_subsets * (2 * size) ** 2 * x.shape[1]:
        positions = [(np.searchsorted(used_x, i), np.searchsorted(used_y, j)) for i, j in subsets]
        x_used, y_used = (
            a if used.size == a.shape[0] else a[used] for a, used in ((x, used_x), (y, used_y))
        )  # no copy when all are used
        values = _kid_shared(x_used, y_used, positions, chunk_size)
    else:
        values = np.array([_mmd_sums(x[i], y[j], "cubic", None, chunk_size, True) for i, j in subsets])
    std = float(values.std())
    return KID(float(values.mean()), std, std / math.sqrt(n_subsets), n_subsets, size)


def _kid_shared(x, y, subsets, chunk_size):
    """Each subset's unbiased cubic MMD² from one pass over the kernel values of all points of ``x`` and ``y`` (:func:`kid`'s Notes)."""
    size = subsets[0][0].size
    member_x, member_y = np.zeros((x.shape[0], len(subsets))), np.zeros((y.shape[0], len(subsets)))
    for k, (i, j) in enumerate(subsets):
        member_x[i, k] = 1.0
        member_y[j, k] = 1.0
    chunk = chunk_size or max(1, 2**20 // max(x.shape[0], y.shape[0]))  # blocks of at most 8 MiB
    sxx = (
        subset_sums("cubic", x, x, None, member_x, member_x, same=True, chunk=chunk)
        - kernel_diagonal("cubic", x, None) @ member_x
    )
    syy = (
        subset_sums("cubic", y, y, None, member_y, member_y, same=True, chunk=chunk)
        - kernel_diagonal("cubic", y, None) @ member_y
    )
    sxy = subset_sums("cubic", x, y, None, member_x, member_y, same=False, chunk=chunk)
    return (sxx + syy) / (size * (size - 1)) - 2.0 * sxy / size**2


@dataclass(frozen=True)
class MMDTest:
    """What :func:`mmd_test` returns.

    Attributes
    ----------
    statistic : float
        The observed unbiased MMD² (:func:`mmd`'s U-statistic).
    p_value : float
        :math:`(1 + \\#\\{b : T_b \\ge T\\})/(1 + B)` over the B relabellings.
    n_permutations : int
        B.
    bandwidth : float
        The kernel's bandwidth (the median heuristic's when none was given).
    """

    statistic: float
    p_value: float
    n_permutations: int
    bandwidth: float


MMD_TEST_MAX_POINTS = 6000  # the pooled kernel matrix (N^2 floats: 288 MB at 6000) is kept for the permutations


def mmd_test(x, y, kernel="gaussian", bandwidth=None, *, n_permutations=200, rng=0) -> MMDTest:
    r"""Two-sample permutation test of P = Q with the unbiased MMD² statistic.

    Parameters
    ----------
    x, y : array_like of shape (n,) and (m,), or (n, d) and (m, d)
        Samples, at least 2 points each and n + m <= 6000.
    kernel, bandwidth
        As in :func:`mmd` (the median heuristic on the pooled sample, which
        every permutation shares).
    n_permutations : int, default 200
    rng : int, default 0
        Seed of the permutations.

    Returns
    -------
    MMDTest
        ``statistic`` (:func:`mmd`'s U-statistic), ``p_value`` =
        :math:`(1 + \#\{b : T_b \ge T\})/(1 + B)` over B random relabellings
        of the pooled sample, ``n_permutations``, ``bandwidth``.

    Notes
    -----
    Under P = Q the labels are exchangeable, so the p-value is valid
    (:math:`\Pr(p \le \alpha) \le \alpha`) at every sample size [1]_. The
    pooled kernel matrix is computed once, O((n + m)^2) memory; each batch of
    permutations is one matrix product, O(B (n + m)^2) time.

    References
    ----------
    .. [1] A. Gretton, K. M. Borgwardt, M. J. Rasch, B. Schölkopf and A.
       Smola, "A kernel two-sample test", JMLR 13, 2012, Sec. 5.

    Examples
    --------
    >>> import numpy as np
    >>> import gantheory as gt
    >>> rng = np.random.default_rng(0)
    >>> result = gt.empirical.mmd_test(rng.normal(size=(100, 2)), rng.normal(1.0, 1.0, size=(100, 2)), n_permutations=99)
    >>> result.p_value                 # no relabelling beats the shifted sample: 1 / (1 + 99)
    0.01
    """
    x, y, kernel, bandwidth = _kernel_pair(x, y, kernel, bandwidth)
    n_permutations = check_positive_int(n_permutations, "n_permutations")
    n, m = x.shape[0], y.shape[0]
    for name, size in (("x", n), ("y", m)):
        if size < 2:
            raise ValueError(f"{name} has {size} point; the unbiased MMD (U-statistic) needs at least 2 per sample")
    if n + m > MMD_TEST_MAX_POINTS:
        raise ValueError(
            f"mmd_test keeps the pooled kernel matrix: n + m = {n + m} exceeds {MMD_TEST_MAX_POINTS}; subsample x and y"
        )
    z = np.vstack([x, y])
    K = kernel_block(kernel, z, z, bandwidth)
    diag = np.diagonal(K).copy()
    total, rows, trace = float(K.sum()), K.sum(axis=1), float(diag.sum())

    def statistics(member):  # member: (N, B) indicators of x
        sxx = np.einsum("ib,ib->b", member, K @ member)
        sxy = member.T @ rows - sxx
        syy = total - 2.0 * (member.T @ rows) + sxx
        dx = member.T @ diag
        return (sxx - dx) / (n * (n - 1)) + (syy - (trace - dx)) / (m * (m - 1)) - 2.0 * sxy / (n * m)

    observed = float(statistics(np.r_[np.ones(n), np.zeros(m)][:, None])[0])
    gen = as_generator(rng)
    exceed = 0
    for s in range(0, n_permutations, 50):
        b = min(50, n_permutations - s)
        member = np.zeros((n + m, b))
        for j in range(b):
            member[gen.permutation(n + m)[:n], j] = 1.0
        exceed += int(np.sum(statistics(member) >= observed))
    return MMDTest(observed, (1 + exceed) / (1 + n_permutations), n_permutations, bandwidth)
