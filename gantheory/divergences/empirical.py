"""Divergences from samples, optionally weighted, in 1-D and in d dimensions.

Each function takes two samples ``x`` and ``y`` -- shape ``(n,)`` for 1-D
data or ``(n, d)`` for points in :math:`\\mathbb R^d` (the tests and the
benchmarks use d = 2) -- and optional ``x_weights``, ``y_weights``
(normalized internally). Its docstring says whether it is *exact for the
empirical measures* (the distance between the two weighted point clouds
themselves) and how it behaves as an *estimate* of the distance between the
distributions the samples came from.

========================  =====================================================
exact for the clouds      :func:`w1`, :func:`w2`, :func:`wp` (sorting in 1-D;
                          assignment or LP in d-D), :func:`cramer`,
                          :func:`energy_distance`
kernel statistics         :func:`mmd` (U-, V- and linear-time), :func:`kid`,
                          :func:`mmd_test` (permutation p-value)
Gaussian fits             :func:`frechet_distance` (the FID formula)
Monte Carlo over slices   :func:`sliced_w1`, :func:`sliced_cramer`
estimates of densities    :func:`kl`, :func:`js_divergence` (kNN),
                          :func:`histogram` (plug-in pmfs for :mod:`gantheory.discrete`)
========================  =====================================================

All are public here; the density estimates live in
:mod:`gantheory.divergences._density_estimates`, the kernel statistics in
:mod:`gantheory.divergences._mmd_empirical`, and the samples' validation and
scaling in :mod:`gantheory.divergences._samples`.

Examples
--------
>>> import numpy as np
>>> import gantheory as gt
>>> x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0])
>>> gt.empirical.w1(x, y)                 # every point moves by 1
1.0
>>> gt.empirical.cramer(x, y) ** 2        # integral of (F - G)^2 = 3 * (1/3)^2
0.333333...
>>> gt.empirical.energy_distance(x, y)    # 2 * cramer**2 in 1-D
0.666666...
>>> square = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
>>> gt.empirical.w1(square, square + [3.0, 4.0])     # a translation by (3, 4)
5.0
"""

from __future__ import annotations

import math

import numpy as np

from gantheory._deprecation import renamed
from gantheory._rng import as_generator
from gantheory._validation import as_samples, check_positive_int
from gantheory.divergences._density_estimates import histogram, js_divergence, kl
from gantheory.divergences._dispatch import check_order
from gantheory.divergences._energy import default_chunk, pairwise_sum
from gantheory.divergences._gaussian_ot import frechet_distance as gaussian_frechet_distance
from gantheory.divergences._mmd_empirical import KID, MMDTest, kid, mmd, mmd_test
from gantheory.divergences._onedim import cdf_gap, w1_sorted_equal
from gantheory.divergences._samples import as_1d, scaled, to_host, unscaled, validate_pair
from gantheory.divergences._sliced import projected_cramer_squared, projected_w1, random_directions
from gantheory.divergences._transport import assignment_w1, lp_w1, quantile_wp_power

__all__ = [
    "w1",
    "cramer",
    "energy_distance",
    "sliced_w1",
    "sliced_cramer",
    "kl",
    "js_divergence",
    "histogram",
    "w2",
    "wp",
    "frechet_distance",
    "mmd",
    "kid",
    "mmd_test",
    "KID",
    "MMDTest",
]

LOG2 = math.log(2.0)

# Defined in _density_estimates and _mmd_empirical, public here: the API pages document them under this module.
for _public in (kl, js_divergence, histogram, mmd, kid, mmd_test, KID, MMDTest):
    _public.__module__ = __name__
del _public


def w1(x, y, x_weights=None, y_weights=None, *, return_coupling=False, solver="auto", backend=None):
    r"""Estimate: the Wasserstein-1 distance between the two empirical measures (computed exactly; an estimate of the laws' W1).

    Parameters
    ----------
    x, y : array_like of shape (n,) and (m,), or (n, d) and (m, d)
        Samples of points on the line or in :math:`\mathbb R^d` (Euclidean
        ground distance); sizes may differ.
    x_weights, y_weights : array_like, optional
        Non-negative weights with a positive sum (normalized internally).
        Default: uniform.
    return_coupling : bool, default False
        Also return an optimal coupling, a dense ``(n, m)`` array whose rows
        sum to the ``x`` weights and columns to the ``y`` weights.
    solver : {"auto", "pot", "lp"}
        d-D with weights or unequal sizes: ``"pot"``, POT's network simplex
        ``ot.emd`` (the ``gantheory[ot]`` extra); ``"lp"``, our column
        generation (no dependency); ``"auto"`` (default): POT whenever it
        imports, else ``"lp"``. Both are exact (the tests check they agree
        to 1e-12).
    backend : {None, "numpy", "cupy"}
        Array module of the 1-D kernel; ``None`` infers it from the inputs.
        The d-D solvers run on the host (SciPy).

    Returns
    -------
    float, or (float, ndarray)
        :math:`W_1(\hat P, \hat Q)`, and the coupling if asked.

    Notes
    -----
    .. math:: W_1(P, Q) = \min_{\pi \in \Pi(P, Q)} \int \|x - y\|\,d\pi(x, y)
              \overset{\text{1-D}}{=} \int_{\mathbb R} |F(t) - G(t)|\,dt .

    Exact for the empirical measures in every case (in d-D the points are
    first divided by a power of two near their largest coordinate, an exact
    scaling, so that squared distances neither overflow nor underflow at
    extreme scales; the result is scaled back, ``inf`` beyond the largest float):

    * 1-D (or d = 1) without a coupling: by sorting,
      O((n + m) log(n + m)) time, O(n + m) memory; equal-size unweighted
      samples take the quantile form, the mean of ``|sort(x) - sort(y)|``.
    * d-D, equal sizes, uniform weights: an optimal coupling is a
      permutation (Birkhoff-von Neumann), found by
      :func:`scipy.optimize.linear_sum_assignment` on the Euclidean cost
      matrix, warm-started with duals from the same problem between the
      midpoints of neighbouring pairs of points (coarse to fine, recursively; see
      :mod:`gantheory.divergences._transport`). O(n^2) memory, O(n^3) time
      in the worst case, far less in practice.
    * d-D with weights or unequal sizes: the transportation linear programme
      (``n m`` variables, ``n + m`` constraints). When POT is importable
      (``solver="auto"``) by its network simplex ``ot.emd``; otherwise
      (or ``solver="lp"``) by column generation
      (Schmitzer 2016; :mod:`gantheory.divergences._transport`): HiGHS's dual
      simplex on a sparse set of edges (a feasible staircase plan and nearest
      neighbours), all ``n m`` reduced costs priced in one chunked pass, the
      violating edges added until none is left, so the value is exact.
      Measured in one BLAS thread (``benchmarks/bench_2d.py``): 0.1-4.4 s
      up to 1500 x 1000 on uniform clouds in the unit square, 16-46x the
      time of POT's compiled network simplex; 1.6-56 s on shifted Gaussian
      clouds, whose mass moves far, 160-250x. Beyond a few hundred points,
      install POT (``gantheory[ot]``).

    As an estimate of :math:`W_1(P, Q)` it is consistent but biased upwards
    (:math:`E\,W_1(\hat P, \hat Q) \ge W_1(P, Q)` by convexity), with a bias
    of order :math:`n^{-1/2}` in 1-D and 2-D when P = Q (up to a log factor
    in 2-D) [3]_, and its sample gradients are biased [2]_. Agrees with
    :func:`scipy.stats.wasserstein_distance` (1-D),
    :func:`scipy.stats.wasserstein_distance_nd` and POT's ``ot.emd2``.

    References
    ----------
    .. [1] C. Villani, *Optimal Transport: Old and New*, Springer, 2009.
    .. [2] M. G. Bellemare et al., "The Cramer distance as a solution to biased
       Wasserstein gradients", arXiv:1705.10743, 2017.
    .. [3] N. Fournier and A. Guillin, "On the rate of convergence in
       Wasserstein distance of the empirical measure", Probab. Theory Relat.
       Fields 162, 2015.

    See Also
    --------
    sliced_w1, cramer, energy_distance, gantheory.discrete.w1

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.empirical.w1([0, 1, 3], [5, 6, 8])
    5.0
    >>> gt.empirical.w1([0, 10], [0], x_weights=[3, 1])   # a quarter of the mass moves 10
    2.5
    >>> x, y = [[0, 0], [1, 0]], [[1, 1], [0, 1]]
    >>> value, coupling = gt.empirical.w1(x, y, return_coupling=True)
    >>> value
    1.0
    >>> coupling                                          # x[0] -> y[1], x[1] -> y[0]
    array([[0. , 0.5],
           [0.5, 0. ]])
    >>> gt.empirical.w1([[0, 0], [4, 0]], [[0, 3]], x_weights=[1, 3])   # 1/4 * 3 + 3/4 * 5
    4.5
    """
    x, y, x_weights, y_weights, xp = validate_pair(x, y, x_weights, y_weights, backend, ndims=(1, 2))
    if not return_coupling and (x.ndim == 1 or x.shape[1] == 1):
        x, y = as_1d(x), as_1d(y)
        if x_weights is None and y_weights is None and x.shape[0] == y.shape[0]:
            return float(w1_sorted_equal(x, y, xp))
        gap, widths = cdf_gap(x, y, x_weights, y_weights, xp)
        return float(xp.sum(xp.abs(gap) * widths))
    x, y, e = scaled(x, y)
    x_weights, y_weights = to_host(x_weights, y_weights)
    n, m = x.shape[0], y.shape[0]
    if x_weights is None and y_weights is None and n == m:
        value, col = assignment_w1(x, y)
        if not return_coupling:
            return unscaled(value, e)
        coupling = np.zeros((n, n))
        coupling[np.arange(n), col] = 1.0 / n
        return unscaled(value, e), coupling
    value, coupling, _ = _ot_route(x, y, x_weights, y_weights, 1, solver)  # as_weights normalized the weights
    return (unscaled(value, e), coupling) if return_coupling else unscaled(value, e)


def cramer(x, y, x_weights=None, y_weights=None, *, chunk_size=None, backend=None) -> float:
    r"""Estimate: the Cramér distance between the two empirical measures (computed exactly; an estimate of the laws' :math:`\ell_2`).

    In 1-D the :math:`\ell_2` distance between the CDFs; in d-D its
    extension through the energy distance, :math:`\sqrt{E/2}`.

    Parameters
    ----------
    x, y : array_like of shape (n,) and (m,), or (n, d) and (m, d)
        Samples; sizes may differ.
    x_weights, y_weights : array_like, optional
        Non-negative weights with a positive sum (normalized internally).
    chunk_size : int, optional
        Rows per block of the d-D pairwise sums (see :func:`energy_distance`).
    backend : {None, "numpy", "cupy"}
        Array module of the 1-D kernel; ``None`` infers it from the inputs.

    Returns
    -------
    float
        :math:`\ell_2(\hat P, \hat Q)`.

    Notes
    -----
    .. math:: \ell_2(P, Q) = \Big(\int_{\mathbb R} (F(t) - G(t))^2\,dt\Big)^{1/2}
              \ \text{(1-D)}, \qquad \ell_2(P, Q) = \sqrt{E(P, Q)/2}\ \text{(d-D)}.

    1-D: exact by sorting, O((n + m) log(n + m)) time, O(n + m) memory.
    :math:`\ell_2^2 = E/2`, where E is the energy distance, so
    :math:`\ell_2^2(\hat P, \hat Q)` is a V-statistic: consistent, with an
    :math:`O(1/n)` upward bias, and, unlike W1, its sample gradients are
    unbiased up to that term [1]_. Scales as
    :math:`\ell_2^2(aX + b, aY + b) = |a|\,\ell_2^2(X, Y)`.
    d-D: defined as :math:`\sqrt{E/2}`, which keeps the 1-D identity; computed
    from the chunked pairwise sums of :func:`energy_distance`, O(n m d) time.
    The sliced version :func:`sliced_cramer` satisfies
    :math:`\text{sliced}^2 = E/\pi` in 2-D.

    References
    ----------
    .. [1] M. G. Bellemare et al., "The Cramer distance as a solution to biased
       Wasserstein gradients", arXiv:1705.10743, 2017.

    See Also
    --------
    w1, energy_distance, sliced_cramer

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.empirical.cramer([0.0], [2.0]) ** 2     # F - G = 1 on [0, 2)
    2.0
    >>> gt.empirical.cramer([[0.0, 0.0]], [[3.0, 4.0]]) ** 2    # E / 2 = 2 * 5 / 2
    5.0
    """
    return math.sqrt(energy_distance(x, y, x_weights, y_weights, chunk_size=chunk_size, backend=backend) / 2.0)


def _sum_abs_diffs_sorted(a, xp):
    """``sum_{i,j} |a_i - a_j|`` of a 1-D sample by one sort: 2 sum_k a_(k) (2k - n + 1)."""
    n = a.shape[0]
    return 2.0 * float(xp.sum(xp.sort(a) * (2.0 * xp.arange(n) - n + 1)))


def energy_distance(x, y, x_weights=None, y_weights=None, *, unbiased=False, chunk_size=None, backend=None) -> float:
    r"""Estimate: the energy distance (squared form) between the two empirical measures (computed exactly; an estimate of the laws').

    Parameters
    ----------
    x, y : array_like of shape (n,) and (m,), or (n, d) and (m, d)
        Samples; sizes may differ.
    x_weights, y_weights : array_like, optional
        Non-negative weights with a positive sum (normalized internally).
        Not allowed with ``unbiased=True``.
    unbiased : bool, default False
        Return the U-statistic (within-sample means over distinct pairs)
        instead of the V-statistic; needs at least two points per sample.
    chunk_size : int, optional
        Rows per block of the d-D pairwise sums; by default each block of
        distances takes at most 32 MiB. Ignored in 1-D.
    backend : {None, "numpy", "cupy"}
        Array module of the 1-D kernel; ``None`` infers it from the inputs.
        The d-D sums run on the host (SciPy's ``cdist``).

    Returns
    -------
    float
        :math:`E(\hat P, \hat Q)`, the V-statistic (or the U-statistic).

    Raises
    ------
    ValueError
        If ``unbiased=True`` with weights or with a sample of one point.

    Notes
    -----
    .. math:: E(P, Q) = 2 E\|X - Y\| - E\|X - X'\| - E\|Y - Y'\|
              \overset{\text{1-D}}{=} 2 \int (F - G)^2\,dt .

    The squared form, as ``dcor.energy_distance`` returns it;
    :func:`scipy.stats.energy_distance` returns :math:`\sqrt{E}`.
    The V-statistic replaces each expectation by a mean over all pairs
    (including :math:`i = j` within a sample); the U-statistic averages the
    within-sample distances over the :math:`n(n-1)` distinct pairs.

    * 1-D (or d = 1): through the CDF identity, by sorting, in
      O((n + m) log(n + m)); the U-statistic's within-sample sums by one more
      sort each (:math:`\sum_{i,j}|a_i - a_j| = 2\sum_k a_{(k)}(2k - n + 1)`).
    * d-D: the three pairwise sums in blocks of ``chunk_size`` rows
      (:mod:`gantheory.divergences._energy`): O((n + m)^2 d) time, about half
      of it for the within-sample sums by symmetry, and O(chunk_size (n + m))
      memory -- never the full matrices. The points are first divided by a
      power of two near their largest coordinate (exact; E is homogeneous of
      degree 1), so the sums neither overflow nor underflow at extreme scales.

    As an estimate of E(P, Q) the V-statistic is consistent with an
    :math:`O(1/n + 1/m)` upward bias; the U-statistic is unbiased (and may be
    slightly negative) [1]_. :math:`E \ge 0`, with equality iff P = Q, for
    the empirical measures as for any pair of distributions with finite
    first moments.

    References
    ----------
    .. [1] G. J. Székely and M. L. Rizzo, "Energy statistics: A class of
       statistics based on distances", J. Stat. Plan. Inference 143(8), 2013.

    See Also
    --------
    cramer, sliced_cramer

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.empirical.energy_distance([0.0], [2.0])   # 2|0 - 2| - 0 - 0
    4.0
    >>> gt.empirical.energy_distance([[0, 0], [0, 2]], [[0, 1]])   # 2 * 1 - 2 * 2 / 4 - 0
    1.0
    >>> gt.empirical.energy_distance([[0, 0], [0, 2]], [[0, 1], [0, 3]], unbiased=True)   # 2 * 1.5 - 2 - 2
    -1.0
    """
    x, y, x_weights, y_weights, xp = validate_pair(x, y, x_weights, y_weights, backend, ndims=(1, 2))
    n, m = x.shape[0], y.shape[0]
    if unbiased and (x_weights is not None or y_weights is not None):
        raise ValueError(
            "unbiased=True is defined for unweighted samples only; drop x_weights/y_weights or use unbiased=False"
        )
    if unbiased and min(n, m) < 2:
        raise ValueError(f"unbiased=True needs at least 2 points in each sample, got n={n}, m={m}")
    if x.ndim == 1 or x.shape[1] == 1:
        x, y = as_1d(x), as_1d(y)
        gap, widths = cdf_gap(x, y, x_weights, y_weights, xp)
        value = 2.0 * float(xp.sum(gap * gap * widths))
        if unbiased:  # V -> U: the within-sample means lose their zero diagonal
            sxx, syy = _sum_abs_diffs_sorted(x, xp), _sum_abs_diffs_sorted(y, xp)
            value += sxx / n**2 + syy / m**2 - sxx / (n * (n - 1)) - syy / (m * (m - 1))
        return value
    if chunk_size is not None:
        chunk_size = check_positive_int(chunk_size, "chunk_size")
    x, y, e = scaled(x, y, xp)  # CuPy arrays stay on the device
    # Normalized weights (as_weights), or None with the sum divided by the count instead.
    wx, wy = x_weights, y_weights
    nx, ny = (n if wx is None else 1.0), (m if wy is None else 1.0)
    mean_xy = pairwise_sum(x, y, wx, wy, same=False, chunk=chunk_size or default_chunk(m)) / (nx * ny)
    sum_xx = pairwise_sum(x, x, wx, wx, same=True, chunk=chunk_size or default_chunk(n))
    sum_yy = pairwise_sum(y, y, wy, wy, same=True, chunk=chunk_size or default_chunk(m))
    if unbiased:
        return unscaled(2.0 * mean_xy - sum_xx / (n * (n - 1)) - sum_yy / (m * (m - 1)), e)
    return unscaled(2.0 * mean_xy - sum_xx / nx**2 - sum_yy / ny**2, e)


def _sliced(x, y, x_weights, y_weights, n_projections, rng, backend, kernel):
    """Validate, draw directions and apply a batched 1-D kernel to the samples divided by ``2**e``.

    Returns the per-direction values on the scaled samples (shape (K,)), the
    array module and ``e``: W1 (degree 1 in the scale) is unscaled by
    :func:`_unscaled`, the Cramér distance (degree 1/2) by ``2**(e/2)``; no
    overflow near 1e308, no underflow of squares near 1e-200.
    """
    x, y, x_weights, y_weights, xp = validate_pair(x, y, x_weights, y_weights, backend, ndims=(1, 2))
    n_projections = check_positive_int(n_projections, "n_projections")
    gen = as_generator(rng)
    x, y, e = scaled(x, y, xp)
    theta = random_directions(x.shape[1], n_projections, gen, xp)
    return kernel(x, y, x_weights, y_weights, theta, xp), xp, e


def sliced_w1(x, y, x_weights=None, y_weights=None, n_projections=256, rng=0, *, backend=None) -> float:
    r"""Estimate: the sliced Wasserstein-1 distance, W1 between 1-D projections of the samples averaged over random directions.

    Parameters
    ----------
    x, y : array_like of shape (n, d) and (m, d) (or 1-D)
        Samples; sizes may differ.
    x_weights, y_weights : array_like, optional
        Non-negative weights with a positive sum (normalized internally).
    n_projections : int, default 256
        Number K of random directions.
    rng : int, default 0
        Seed of the directions (so results repeat).
    backend : {None, "numpy", "cupy"}
        Array module; ``None`` infers it from the inputs.

    Returns
    -------
    float
        :math:`\frac1K \sum_k W_1(\theta_k^\top \hat P, \theta_k^\top \hat Q)`.

    Notes
    -----
    .. math:: SW_1(P, Q) = \int_{S^{d-1}} W_1(\theta^\top_\# P, \theta^\top_\# Q)\,d\sigma(\theta),

    :math:`\sigma` the uniform measure on the unit sphere. Each term is exact
    for the projected empirical measures (the 1-D sorting kernel, batched
    over all directions with one sort along an axis); the average over K
    directions is an unbiased Monte Carlo estimate of the integral with
    standard error :math:`O(K^{-1/2})`. O(K (n + m) (d + log(n + m))) time.
    As an estimate of :math:`SW_1(P, Q)` it inherits W1's upward bias, of
    order :math:`n^{-1/2}` in every dimension. :math:`SW_1 \le W_1`.

    References
    ----------
    .. [1] N. Bonneel, J. Rabin, G. Peyré and H. Pfister, "Sliced and Radon
       Wasserstein barycenters of measures", J. Math. Imaging Vis. 51, 2015.

    See Also
    --------
    sliced_cramer, w1

    Examples
    --------
    >>> import gantheory as gt
    >>> # a translation by t: each direction sees |theta . t|, whose mean on the circle is 2|t|/pi
    >>> value = gt.empirical.sliced_w1([[0.0, 0.0]], [[1.0, 0.0]], n_projections=20000)
    >>> round(value, 2), round(2 / 3.14159, 2)
    (0.64, 0.64)
    """
    values, xp, e = _sliced(x, y, x_weights, y_weights, n_projections, rng, backend, projected_w1)
    return unscaled(float(xp.mean(values)), e)


def sliced_cramer(x, y, x_weights=None, y_weights=None, n_projections=256, rng=0, *, backend=None) -> float:
    r"""Estimate: the sliced Cramér distance, the root mean square of the 1-D :math:`\ell_2` of the samples' projections over random directions.

    Same parameters as :func:`sliced_w1`.

    Returns
    -------
    float
        :math:`\big(\frac1K \sum_k \ell_2^2(\theta_k^\top \hat P, \theta_k^\top \hat Q)\big)^{1/2}`.

    Notes
    -----
    .. math:: S\ell_2^2(P, Q) = \int_{S^{d-1}} \ell_2^2(\theta^\top_\# P, \theta^\top_\# Q)\,d\sigma(\theta)
              = \frac{E(P, Q)}{2 c_d}, \qquad c_d = \frac{\sqrt\pi\,\Gamma((d+1)/2)}{\Gamma(d/2)},

    because :math:`\|z\| = c_d \int |\theta^\top z|\,d\sigma(\theta)` and
    :math:`E = 2\ell_2^2` on every line; in 2-D, :math:`c_2 = \pi/2` and
    :math:`S\ell_2^2 = E/\pi`. Each direction's :math:`\ell_2^2` is exact (the
    batched 1-D CDF-gap kernel); the mean over K directions is an unbiased
    Monte Carlo estimate of :math:`S\ell_2^2` with standard error
    :math:`O(K^{-1/2})`. O(K (n + m)(d + log(n + m))) time, which beats the
    O((n + m)^2) exact energy distance for large samples.

    References
    ----------
    .. [1] M. G. Bellemare et al., "The Cramer distance as a solution to biased
       Wasserstein gradients", arXiv:1705.10743, 2017.
    .. [2] G. J. Székely and M. L. Rizzo, "Energy statistics: A class of
       statistics based on distances", J. Stat. Plan. Inference 143(8), 2013.

    See Also
    --------
    sliced_w1, cramer, energy_distance

    Examples
    --------
    >>> import gantheory as gt
    >>> x, y = [[0.0, 0.0]], [[1.0, 0.0]]
    >>> e = gt.empirical.energy_distance(x, y)      # 2
    >>> round(gt.empirical.sliced_cramer(x, y, n_projections=20000) ** 2, 2), round(e / 3.14159, 2)
    (0.64, 0.64)
    """
    values, xp, e = _sliced(x, y, x_weights, y_weights, n_projections, rng, backend, projected_cramer_squared)
    # l2^2 is of degree 1 in the scale, l2 of degree 1/2: sqrt(mean * 2**e) with e split so nothing overflows
    return math.ldexp(math.sqrt(math.ldexp(float(xp.mean(values)), e % 2)), e // 2)


# -- W2, Wp and the Fréchet distance (MMD, KID and the MMD test: _mmd_empirical.py) ---------------


def _ot_route(x, y, x_weights, y_weights, power, solver):
    """W_p^p (power = p) between d-D clouds with weights or unequal sizes, and the plan when asked: (value, plan, route)."""
    n, m = x.shape[0], y.shape[0]
    a = np.full(n, 1.0 / n) if x_weights is None else x_weights
    b = np.full(m, 1.0 / m) if y_weights is None else y_weights
    if solver in ("auto", "pot"):
        try:
            import ot
        except ImportError:
            if solver == "pot":
                raise ImportError("solver='pot' needs POT: pip install 'gantheory[ot]' (or pip install pot)") from None
        else:
            from gantheory.divergences._transport import cost_matrix

            C = cost_matrix(x, y, power)
            plan = ot.emd(a, b, C, numItermax=10**8)
            return float(np.sum(plan * C)), plan, "pot"
    value, plan = lp_w1(x, y, a, b, power=power)
    return value, plan, "lp"


SOLVERS = ("auto", "pot", "lp")


def w2(x, y, x_weights=None, y_weights=None, *, return_coupling=False, solver="auto", backend=None):
    r"""Estimate: the 2-Wasserstein distance between the two empirical measures (computed exactly; an estimate of the laws' W2).

    Parameters
    ----------
    x, y : array_like of shape (n,) and (m,), or (n, d) and (m, d)
        Samples; sizes may differ.
    x_weights, y_weights : array_like, optional
        Non-negative weights with a positive sum (normalized internally).
    return_coupling : bool, default False
        Also return an optimal coupling (dense ``(n, m)``; d-D only: in 1-D
        the monotone coupling is optimal).
    solver : {"auto", "pot", "lp"}
        For d-D samples with weights or unequal sizes: ``"pot"`` is POT's
        network simplex ``ot.emd`` (the ``gantheory[ot]`` extra), ``"lp"``
        our column generation (:func:`gantheory.divergences._transport.lp_w1`,
        no dependency), ``"auto"`` POT when it imports, else ``"lp"``.
    backend : None
        Accepted for symmetry with :func:`w1`; everything runs on the host.

    Returns
    -------
    float, or (float, ndarray)
        :math:`W_2(\hat P, \hat Q)` (the distance, not its square).

    Notes
    -----
    .. math:: W_2^2(P, Q) = \min_{\pi \in \Pi(P, Q)} \int \|x - y\|^2\,d\pi
              \overset{\text{1-D}}{=} \int_0^1 |F^{-1}(u) - G^{-1}(u)|^2\,du .

    Exact for the empirical measures (the points divided by a power of two
    first, an exact scaling):

    * 1-D: the quantile sum over the merged cumulative weights, by sorting,
      O((n + m) log(n + m)).
    * d-D, equal sizes, uniform weights: optimal assignment on the squared
      cost (:func:`scipy.optimize.linear_sum_assignment`, coarse-to-fine
      warm start), O(n^2) memory.
    * d-D otherwise: the transport LP on the squared cost, by ``solver``
      (which route ran: POT's ``ot.emd`` whenever POT is importable and
      ``solver`` is ``"auto"``; the tests check the two agree to 1e-12).

    As an estimate of :math:`W_2(P, Q)` it is consistent and biased upwards
    in expectation for :math:`W_2^2` (convexity); in d-D the bias of
    :math:`W_2^2` decays like :math:`n^{-2/d}` for d > 4 and about
    :math:`n^{-1/2}` in 1-D and 2-D (up to logs) [2]_. POT's
    ``ot.emd2(a, b, ot.dist(x, y))`` (squared Euclidean by default) gives
    :math:`W_2^2`.

    References
    ----------
    .. [1] C. Villani, *Optimal Transport: Old and New*, Springer, 2009.
    .. [2] N. Fournier and A. Guillin, "On the rate of convergence in
       Wasserstein distance of the empirical measure", Probab. Theory Relat.
       Fields 162, 2015.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.empirical.w2([0, 1, 3], [5, 6, 8])             # a translation by 5
    5.0
    >>> gt.empirical.w2([0.0, 2.0], [1.0])                # both points move by 1
    1.0
    >>> gt.empirical.w2([[0, 0], [4, 0]], [[0, 3]], x_weights=[1, 3])   # sqrt(1/4 * 9 + 3/4 * 25)
    4.582575...
    """
    return _wp(x, y, x_weights, y_weights, 2, math.sqrt, return_coupling, solver, backend)


def _wp(x, y, x_weights, y_weights, order, root, return_coupling, solver, backend):
    """W_p (p = ``order``) between the clouds, ``root`` taking W_p^p to W_p: the quantile sum in 1-D, assignment or LP in d-D."""
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
    x, y, x_weights, y_weights, xp = validate_pair(x, y, x_weights, y_weights, backend, ndims=(1, 2))
    x, y, e = scaled(x, y)
    x_weights, y_weights = to_host(x_weights, y_weights)
    if not return_coupling and x.shape[1] == 1:
        return unscaled(root(quantile_wp_power(x[:, 0], y[:, 0], x_weights, y_weights, order)), e)
    n, m = x.shape[0], y.shape[0]
    if x_weights is None and y_weights is None and n == m:
        value, col = assignment_w1(x, y, power=order)
        plan = np.zeros((n, n))
        plan[np.arange(n), col] = 1.0 / n
    else:
        value, plan, _ = _ot_route(x, y, x_weights, y_weights, order, solver)
    value = unscaled(root(max(value, 0.0)), e)
    return (value, plan) if return_coupling else value


def wp(x, y, order, x_weights=None, y_weights=None, *, return_coupling=False, solver="auto", backend=None):
    r"""Estimate: the p-Wasserstein distance (p = ``order`` >= 1) between the two empirical measures (computed exactly; an estimate of the laws' W_p).

    Parameters
    ----------
    x, y : array_like of shape (n,) and (m,), or (n, d) and (m, d)
        Samples; sizes may differ.
    order : float
        The p of :math:`W_p`, finite and >= 1 (``order`` in :func:`gantheory.wp`
        and :func:`gantheory.discrete.wp` too).
    x_weights, y_weights : array_like, optional
        Non-negative weights with a positive sum (normalized internally).
    return_coupling, solver, backend
        As in :func:`w2`.

    Returns
    -------
    float, or (float, ndarray)
        :math:`W_p(\hat P, \hat Q)` (the distance, not its p-th power).

    Notes
    -----
    .. math:: W_p^p(P, Q) = \min_{\pi \in \Pi(P, Q)} \int \|x - y\|^p\,d\pi
              \overset{	ext{1-D}}{=} \int_0^1 |F^{-1}(u) - G^{-1}(u)|^p\,du ,

    exact for the empirical measures by the routes of :func:`w2` with the cost
    :math:`\|x - y\|^p`: the quantile sum in 1-D (O((n + m) log(n + m))), optimal
    assignment for equal sizes and uniform weights, the transport LP otherwise.
    ``order=1`` is :func:`w1` and ``order=2`` is :func:`w2` (the same routes, the
    same numbers). As an estimate of :math:`W_p(P, Q)` it is consistent; its
    bias decays like :math:`n^{-1/\max(d, 2p)}` up to logs [2]_.

    References
    ----------
    .. [1] C. Villani, *Optimal Transport: Old and New*, Springer, 2009, Ch. 6.
    .. [2] N. Fournier and A. Guillin, "On the rate of convergence in
       Wasserstein distance of the empirical measure", Probab. Theory Relat.
       Fields 162, 2015.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.empirical.wp([0, 1, 3], [5, 6, 8], 3)                # a translation by 5
    5.0
    >>> round(gt.empirical.wp([0.0, 0.0], [1.0, 3.0], 3) ** 3, 12)   # (1 + 27) / 2
    14.0
    >>> gt.empirical.wp([[0, 0], [1, 0]], [[0, 2], [1, 2]], 4)   # each point moves by 2
    2.0
    """
    order = check_order(order)
    if order == 1.0:
        return w1(x, y, x_weights, y_weights, return_coupling=return_coupling, solver=solver, backend=backend)
    if order == 2.0:
        return w2(x, y, x_weights, y_weights, return_coupling=return_coupling, solver=solver, backend=backend)
    return _wp(x, y, x_weights, y_weights, order, lambda v: v ** (1.0 / order), return_coupling, solver, backend)


def frechet_distance(x, y) -> float:
    r"""Estimate: the Fréchet distance (FID formula) between Gaussians fitted to two samples, an estimate of :math:`W_2^2`.

    Parameters
    ----------
    x, y : array_like of shape (n, d) and (m, d)
        Samples (e.g. Inception features), at least 2 points each; 1-D arrays are d = 1.

    Returns
    -------
    float
        :func:`gantheory.frechet_distance` of the sample means and the
        sample covariances (``np.cov``, divisor n - 1, as pytorch-fid): the
        same name as the exact function (between Gaussians), as for every
        other distance here. ``frechet_distance_from_samples`` is its
        deprecated name.

    Notes
    -----
    .. math:: \widehat{\mathrm{FD}} = \|\bar x - \bar y\|^2 + \operatorname{tr}\big(\hat\Sigma_x + \hat\Sigma_y - 2(\hat\Sigma_y^{1/2}\hat\Sigma_x\hat\Sigma_y^{1/2})^{1/2}\big).

    Exact for the fitted Gaussians; as an estimate of the Fréchet distance
    between the laws' Gaussian fits it is consistent but **biased upwards
    in n**: the mean term alone has :math:`E\|\bar x - \bar y\|^2 =
    \|\mu_x - \mu_y\|^2 + \operatorname{tr}\Sigma_x/n + \operatorname{tr}\Sigma_y/m`,
    and the trace term adds a bias of the same order :math:`O(1/n)`.
    Chong & Forsyth (2020) model :math:`\mathrm{FID}_n \approx \mathrm{FID}_\infty + k/n`
    and extrapolate in 1/n; :func:`kid` is unbiased instead. O((n + m) d^2 + d^3).

    References
    ----------
    .. [1] M. Heusel et al., "GANs trained by a two time-scale update rule
       converge to a local Nash equilibrium", NeurIPS 2017.
    .. [2] M. J. Chong and D. Forsyth, "Effectively unbiased FID and
       Inception Score and where to find them", CVPR 2020.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.empirical.frechet_distance([[0, 0], [2, 0], [0, 2], [2, 2]], [[5, 0], [7, 0], [5, 2], [7, 2]])  # shift by 5
    25.0
    """
    pair = []
    for name, a in (("x", x), ("y", y)):
        a = as_samples(a, name, np, (1, 2))
        a = a.reshape(a.shape[0], -1)
        if a.shape[0] < 2:
            raise ValueError(f"{name} has {a.shape[0]} point; a sample covariance needs at least 2")
        pair.append(a)
    x, y = pair
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must be points of the same dimension: x has shape {x.shape}, y has shape {y.shape}")
    return gaussian_frechet_distance(
        x.mean(axis=0), np.atleast_2d(np.cov(x, rowvar=False)), y.mean(axis=0), np.atleast_2d(np.cov(y, rowvar=False))
    )


# -- deprecated names ------------------------------------------------------------

_DEPRECATED = {"frechet_distance_from_samples": "frechet_distance"}


# the names before the redesign (issue 25), with a DeprecationWarning
__getattr__ = renamed("gantheory.empirical", _DEPRECATED, globals())
