r"""Exact divergences between analytic distributions: closed forms, else quadrature to a stated tolerance.

Each function takes two :mod:`gantheory.distributions` objects ``P`` and ``Q``
of the same ``dim`` and returns a float. It first looks for an exact route,
in this order:

1. ``P == Q``: 0.
2. Mutually singular laws (a point mass against a density, disjoint atoms,
   disjoint supports, parallel lines at different positions): KL = inf,
   JSD = log 2, TV = 1.
3. Point masses against point masses: exact sums through
   :mod:`gantheory.discrete` on the union of the atoms (1-D W1/l2 by the
   sorting kernel; 2-D W1 by linear programming).
4. Closed forms: Normal/Normal, MultivariateNormal/MultivariateNormal,
   Uniform/Uniform, Laplace/Laplace, products (KL adds up over independent
   coordinates; a shared marginal drops out of every f-divergence and of W1),
   the parallel lines, energy distance between Gaussian mixtures and point
   masses in 1-D and 2-D; W2 between normals (the Bures form of
   :func:`frechet_distance`, any dimension); MMD between Gaussian mixtures
   (Gaussian kernel), by moments (cubic kernel) and by characteristic
   functions in 1-D and 2-D (:func:`mmd`).

:func:`kl`, :func:`js_divergence` and :func:`tv` (and
:func:`~gantheory.divergences.f_divergences.f_divergence`) take these steps
through one function, :func:`gantheory.divergences._dispatch.cascade`, each
with its table of closed forms (``KL``, ``JSD``, ``TV`` below); a new
divergence is one closed-form function and one :class:`~gantheory.divergences._dispatch.Rules`
(see that module). The Gaussian optimal transport behind :func:`frechet_distance`
lives in :mod:`gantheory.divergences._gaussian_ot`, the kernel discrepancies
(:func:`mmd`, :func:`energy_distance`, :func:`cramer`) in
:mod:`gantheory.divergences._mmd_exact`; both are public here.

Otherwise ``method="auto"`` falls back to numerical integration:

* **1-D** (:mod:`gantheory.divergences._quadrature`): :func:`scipy.integrate.quad`
  (adaptive Gauss-Kronrod, QUADPACK) over the pieces between the
  distributions' break points (support ends, atoms, modes, +-1.5...12
  scales), each piece in offsets from its left end, so a law narrower than
  the float spacing at its location is still resolved; integrands in log space
  (:math:`e^{\log p}(\log p - \log q)`, :math:`\log m` by ``logaddexp``) and
  CDF differences taken from survival functions in the right tail. For W1 and
  TV the kinks of :math:`|F - G|` and :math:`|p - q|` are break points too:
  sign changes on 400 quantiles of each law, solved by Brent's method
  (QUADPACK's error estimate can miss a kink inside a piece). The sum of
  QUADPACK's error estimates is kept below ``RTOL = 1e-8`` relative (or
  ``ATOL = 1e-12`` absolute); otherwise an :class:`AccuracyWarning` says so.
  A quadrature result below about 1e-12 (nearly equal laws) is therefore
  accurate in absolute, not relative, terms; the closed forms keep full
  relative accuracy there (``log1p``/``expm1`` forms).
* **2-D** (densities on the plane: bivariate normals, products of
  Normal/Uniform/Laplace, their mixtures such as the ring and the grid):
  cubature, :mod:`gantheory.divergences._cubature`. Between Gaussian
  mixtures each expectation is taken under one component in its own
  whitened coordinates (Gauss-Hermite of orders 10 and 20, adaptive
  Gauss-Legendre where they disagree), so thin ridges far from the origin
  are as easy as round modes; other densities by adaptive Gauss-Legendre
  in the plane. Kept below ``RTOL_2D = 1e-8`` relative (``ATOL_2D =
  1e-12``) for KL and JSD and ``ATOL_TV_2D = 1e-7`` absolute for TV; the
  work is bounded (``_cubature.MAX_EVALUATIONS`` log-density evaluations,
  a few seconds, memory in blocks of a few MiB), and an
  :class:`AccuracyWarning` with the error estimate says when the bound
  stopped it short of the tolerance.

``method="closed"`` refuses the numerical fallback (``NotImplementedError``),
``method="quadrature"`` skips the closed forms (used by the tests to check one
against the other). 2-D W1 between continuous laws has no closed form in
general and no cheap certified quadrature: it raises ``NotImplementedError``
except in the exact cases listed in :func:`w1`.

Examples
--------
>>> import gantheory as gt
>>> P, Q = gt.Normal(0, 1), gt.Normal(1, 1)
>>> gt.kl(P, Q), gt.w1(P, Q)                    # closed forms: 1/2 and |1 - 0|
(0.5, 1.0)
>>> gt.js_divergence(gt.ParallelLines(0.0), gt.ParallelLines(0.5))   # log 2
0.693147...
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy

from gantheory._validation import check_base
from gantheory.distributions import Laplace, Mixture, MultivariateNormal, Normal, PointMasses, Product, Uniform
from gantheory.divergences import discrete
from gantheory.divergences._cubature import ATOL_TV_2D, js_divergence_2d, kl_2d, tv_2d  # noqa: F401 (ATOL_TV_2D re-exported)
from gantheory.divergences._dispatch import (
    Rules,
    both,
    cascade,
    check_order,
    check_pair,
    finite_atoms,
    no_closed_form,
    pmfs_on_union,
    refuse_mixed,
    shared_marginal,
)
from gantheory.divergences._gaussian_ot import COV_RTOL, CovarianceWarning, frechet_distance  # noqa: F401 (COV_RTOL re-exported)
from gantheory.divergences._laws import AccuracyWarning, gaussian_mixture, length_unit
from gantheory.divergences._mmd_exact import cramer, energy_distance, folded_normal_mean, mmd, pairwise_norm_mean
from gantheory.divergences._quadrature import LOG2, jsd_quad, kl_quad, tv_quad, w1_quad
from gantheory.divergences._transport import assignment_w1, lp_w1, quantile_wp_power

__all__ = [
    "kl",
    "js_divergence",
    "js_distance",
    "w1",
    "cramer",
    "energy_distance",
    "tv",
    "w2",
    "wp",
    "frechet_distance",
    "mmd",
    "AccuracyWarning",
    "CovarianceWarning",
]

# Defined in the private modules, public here (and at the top level): the API pages document them under this module.
for _public in (cramer, energy_distance, mmd, frechet_distance, CovarianceWarning):
    _public.__module__ = __name__
del _public


def _in_base(value, base):
    base = check_base(base)
    return value if base is None else value / math.log(base)


# -- closed forms --------------------------------------------------------------


def _uniform_overlap(P, Q):
    return max(0.0, min(P.high, Q.high) - max(P.low, Q.low))


def _mean_abs_linear(a, b):
    r""":math:`\int_0^1 |a + b u|\,du` exactly."""
    if b == 0.0:
        return abs(a)
    r = -a / b
    if r <= 0.0 or r >= 1.0:
        return abs(a + 0.5 * b)
    return 0.5 * (abs(a) * r + abs(a + b) * (1.0 - r))


def _is_gaussian_like_2d(D):
    return isinstance(D, MultivariateNormal) or (
        isinstance(D, Product) and isinstance(D.marginal_x, Normal) and isinstance(D.marginal_y, Normal)
    )


def _as_mvn(D):
    return D if isinstance(D, MultivariateNormal) else MultivariateNormal(D.mean, D.cov)


EXPM1MX_SERIES = 1.0 / np.cumprod(np.arange(2.0, 30.0))  # 1/k!, k = 2..29


def _expm1mx(u: float) -> float:
    r""":math:`e^u - 1 - u \ge 0` to full relative accuracy (Taylor series for :math:`|u| < 1`), ``inf`` on overflow.

    The building block of every KL closed form between members of one
    location-scale family: :math:`r - 1 - \log r = e^t - 1 - t` with
    :math:`t = \log r`, which cancels catastrophically when r is near 1.
    """
    if abs(u) < 1.0:
        return u * u * float(np.polyval(EXPM1MX_SERIES[::-1], u))
    return math.inf if u > 700.0 else math.expm1(u) - u


def _log_ratio(a: float, b: float) -> float:
    r""":math:`\log(a/b)` for positive a, b: ``log1p`` of the exact difference when a is near b, no overflow otherwise."""
    if 0.5 <= a / b <= 2.0:
        return math.log1p((a - b) / b)  # a - b is exact here (Sterbenz)
    return math.log(a) - math.log(b)


def _kl_normal(P, Q):
    r""":math:`\tfrac12(e^{2t} - 1 - 2t) + \tfrac12\delta^2`, :math:`t = \log(\sigma_P/\sigma_Q)`, :math:`\delta = \Delta\mu/\sigma_Q`: relative accuracy near P = Q, inf on overflow."""
    delta = (P.loc - Q.loc) / Q.scale  # Python floats: inf on overflow, never an exception
    return 0.5 * _expm1mx(2.0 * _log_ratio(P.scale, Q.scale)) + 0.5 * (delta * delta)


def _kl_gaussian_2d(P, Q):
    r"""KL between bivariate normals through the eigenvalues :math:`e_i` of :math:`L^{-1}(\Sigma_P - \Sigma_Q)L^{-\top}`, :math:`\Sigma_Q = LL^\top`.

    :math:`\operatorname{tr}(\Sigma_Q^{-1}\Sigma_P) - 2 - \log\det(\Sigma_Q^{-1}\Sigma_P) = \sum_i (e_i - \log(1 + e_i))`,
    each term :math:`e^{t_i} - 1 - t_i` with :math:`t_i = \operatorname{log1p}(e_i)`: no cancellation when
    the covariances nearly agree; the Mahalanobis term as :math:`\|L^{-1}\Delta\mu\|^2`.
    """
    L = Q._chol

    def whiten(A):
        """L^-1 A (A a vector, or A L^-T for a matrix) divided by m = max|A|, and m: no overflow inside the solves."""
        m = float(np.abs(A).max())
        if m == 0.0 or not math.isfinite(m):
            return np.zeros_like(A), m
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            half = scipy.linalg.solve_triangular(L, A / m, lower=True)
            out = half if A.ndim == 1 else scipy.linalg.solve_triangular(L, half.T, lower=True)
        return out, m

    z, dm = whiten(P.mean - Q.mean)
    B, dc = whiten(P.cov - Q.cov)  # (L^-1 (S_P - S_Q) L^-T) / dc
    if not (np.isfinite(z).all() and np.isfinite(B).all() and math.isfinite(dm)):
        return math.inf  # the mean difference or an eigenvalue of S_Q^-1 S_P overflows
    mahalanobis = float(z @ z) * dm * dm  # Python floats: inf on overflow, no warning
    e = [float(v) * dc for v in np.linalg.eigvalsh(0.5 * (B + B.T))]
    t = [math.log1p(max(v, -1.0 + 1e-300)) for v in e]
    k = int(np.argmin(e))
    if e[k] < -0.5:
        # A nearly singular S_P: 1 + e_k is tiny and its absolute error (~1e-16) is large relative to it.
        # No cancellation threatens e_k - t_k there, so take t_k from the determinants instead:
        # sum_i t_i = log det(S_P) - log det(S_Q) (relative error ~1e-16 / (1 - rho^2) rather than ~1e-16 / det).
        (_, logdet_p), (_, logdet_q) = np.linalg.slogdet(P.cov), np.linalg.slogdet(Q.cov)
        t[k] = float(logdet_p - logdet_q) - sum(t[j] for j in range(len(t)) if j != k)
        return 0.5 * (sum(_expm1mx(t[j]) for j in range(len(t)) if j != k) + (e[k] - t[k]) + mahalanobis)
    return 0.5 * (sum(_expm1mx(u) for u in t) + mahalanobis)


def _kl_laplace(P, Q):
    r""":math:`(e^t - 1 - t) + r(e^{-x} - 1 + x)`, :math:`r = b_P/b_Q = e^t`, :math:`x = |\Delta\mu|/b_P`: the textbook form regrouped into two non-negative terms."""
    t = _log_ratio(P.scale, Q.scale)
    x = abs(P.loc - Q.loc) / P.scale
    return _expm1mx(t) + (P.scale / Q.scale) * _expm1mx(-x)


def _kl_uniform(P, Q):
    r""":math:`\log(|I_Q|/|I_P|)` when :math:`I_P \subseteq I_Q`, else inf."""
    inside = Q.low <= P.low and P.high <= Q.high
    return math.log(Q.width / P.width) if inside else math.inf


def _uniform_densities(P, Q):
    """Overlap length of two uniforms and their two constant densities."""
    return _uniform_overlap(P, Q), 1.0 / P.width, 1.0 / Q.width


def _jsd_uniform(P, Q):
    o, p, q = _uniform_densities(P, Q)
    m = 0.5 * (p + q)
    # outside the overlap each law meets only itself: mass (1 - o p) contributes log 2
    value = 0.5 * ((1.0 - o * p) * LOG2 + (1.0 - o * q) * LOG2 + o * (p * math.log(p / m) + q * math.log(q / m)))
    return min(max(value, 0.0), LOG2)


def _tv_uniform(P, Q):
    o, p, q = _uniform_densities(P, Q)
    return min(1.0, 0.5 * ((1.0 - o * p) + (1.0 - o * q) + o * abs(p - q)))


def _w1_closed(P, Q):
    if P.dim == 1:
        if isinstance(P, Normal) and isinstance(Q, Normal):
            # F^-1 - G^-1 = (mu_P - mu_Q) + (sigma_P - sigma_Q) Phi^-1(u): a normal variable's mean absolute value
            u = length_unit(P, Q)  # lengths in units of a power of two: no overflow of the variance
            return float(folded_normal_mean(P.loc / u - Q.loc / u, (P.scale / u - Q.scale / u) ** 2)) * u
        if isinstance(P, Uniform) and isinstance(Q, Uniform):
            return _mean_abs_linear(P.low - Q.low, P.width - Q.width)
        if isinstance(P, Laplace) and isinstance(Q, Laplace):
            db, dm = abs(P.scale - Q.scale), abs(P.loc - Q.loc)
            return dm if db == 0 else db * (dm / db + math.exp(-dm / db))  # E|c + d L| = |d| (|k| + e^-|k|)
        return _w1_dirac(P, Q)
    shared = shared_marginal(P, Q)
    if shared is not None:  # project onto the other axis (1-Lipschitz) and couple the shared coordinate identically
        return w1(*shared)
    if _is_gaussian_like_2d(P) and _is_gaussian_like_2d(Q) and np.array_equal(P.cov, Q.cov):  # Y = X + dmu is optimal
        return float(np.linalg.norm(P.mean - Q.mean))
    return _w1_dirac(P, Q)


def _w1_dirac(P, Q):
    """W1(delta_a, B) = E||Y - a|| when one law is a point mass and the other a mixture of normals and atoms; else None."""
    for A, B in ((P, Q), (Q, P)):
        if isinstance(A, PointMasses) and A._atoms.shape[0] == 1:
            u = length_unit(A, B)
            g = gaussian_mixture(B, u)
            if g is not None:
                return pairwise_norm_mean(gaussian_mixture(A, u), g) * u
    return None


def _w1_lp(support_p, p, support_q, q):
    """Exact W1 between two discrete laws in the plane: optimal assignment or the transport linear program (HiGHS)."""
    cost = np.linalg.norm(support_p[:, None, :] - support_q[None, :, :], axis=-1)
    k, m = cost.shape
    if k == m and np.all(p == p[0]) and np.all(q == q[0]):  # uniform, equal sizes: a permutation is optimal (Birkhoff)
        rows, cols = scipy.optimize.linear_sum_assignment(cost)
        return float(cost[rows, cols].mean())
    rows = scipy.sparse.kron(scipy.sparse.eye(k), np.ones((1, m)))  # sum_j gamma_ij = p_i
    cols = scipy.sparse.kron(
        np.ones((1, k)), scipy.sparse.eye(m)
    )  # sum_i gamma_ij = q_j (one is implied by the others)
    constraints = scipy.sparse.vstack([rows, cols.tocsr()[:-1]]).tocsr()
    res = scipy.optimize.linprog(
        cost.ravel(), A_eq=constraints, b_eq=np.concatenate([p, q[:-1]]), bounds=(0, None), method="highs"
    )
    if res.status != 0:
        raise RuntimeError(f"the transport linear program failed: {res.message}")
    return max(0.0, float(res.fun))


def _gaussian_like_pair(P, Q):
    return _is_gaussian_like_2d(P) and _is_gaussian_like_2d(Q)


# -- the three cascades: a table of closed forms each (gantheory.divergences._dispatch) ------------

#: KL: inf between mutually singular laws; products add up over their coordinates.
KL = Rules(
    "kl",
    singular=math.inf,
    pmfs=discrete.kl,
    quadrature=kl_quad,
    cubature=kl_2d,
    shared_marginal=False,
    additive=True,
    floor=0.0,
    closed_forms=(
        (both(Normal), _kl_normal),
        (_gaussian_like_pair, lambda P, Q: _kl_gaussian_2d(_as_mvn(P), _as_mvn(Q))),
        (both(Uniform), _kl_uniform),
        (both(Laplace), _kl_laplace),
    ),
)
#: JSD: log 2 between mutually singular laws; a shared marginal drops out.
JSD = Rules(
    "js_divergence",
    singular=LOG2,
    pmfs=discrete.js_divergence,
    quadrature=jsd_quad,
    cubature=js_divergence_2d,
    closed_forms=((both(Uniform), _jsd_uniform),),
)
#: TV: 1 between mutually singular laws; a shared marginal drops out.
TV = Rules(
    "tv",
    singular=1.0,
    pmfs=discrete.tv,
    quadrature=tv_quad,
    cubature=tv_2d,
    closed_forms=((both(Uniform), _tv_uniform),),
)


# -- public functions ----------------------------------------------------------


def kl(P, Q, *, base=None, method="auto") -> float:
    r"""Exact: the Kullback-Leibler divergence KL(P‖Q) between analytic distributions (closed form, else quadrature).

    Parameters
    ----------
    P, Q : Distribution
        Of the same ``dim``.
    base : float, optional
        Logarithm base (2 for bits); nats by default.
    method : {"auto", "closed", "quadrature"}
        ``"auto"``: closed form if there is one, else quadrature; ``"closed"``:
        raise ``NotImplementedError`` rather than integrate; ``"quadrature"``:
        integrate even where a closed form exists.

    Returns
    -------
    float
        In ``[0, inf]``; ``inf`` when P is not absolutely continuous with
        respect to Q (a density against point masses, a support not covered).

    Notes
    -----
    .. math:: \mathrm{KL}(P\|Q) = \int p \log\frac{p}{q}.

    Exact: Normals, :math:`\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2\sigma_2^2} - \frac12`;
    bivariate normals, :math:`\tfrac12[\operatorname{tr}(\Sigma_2^{-1}\Sigma_1) + \Delta\mu^\top\Sigma_2^{-1}\Delta\mu - 2 + \log\frac{\det\Sigma_2}{\det\Sigma_1}]`;
    uniforms, :math:`\log(|I_Q|/|I_P|)` if :math:`I_P \subseteq I_Q`, else inf;
    Laplace, :math:`\log\frac{b_2}{b_1} + \frac{|\Delta\mu|}{b_2} + \frac{b_1}{b_2}e^{-|\Delta\mu|/b_1} - 1`;
    products, the sum over coordinates; point masses, a finite sum
    (:func:`gantheory.discrete.kl`). The parallel lines give inf for
    :math:`\theta \neq 0`. Otherwise 1-D quadrature of
    :math:`e^{\log p}(\log p - \log q)` over P's support to 1e-8 relative, or
    2-D adaptive cubature of :math:`p(\log p - \log q)` to 1e-8 relative
    (module docstring).

    Accuracy for nearly equal laws: the closed forms are regrouped into
    non-negative terms (:math:`e^t - 1 - t` with :math:`t = \log(\sigma_1/\sigma_2)`,
    ``log1p`` of the eigenvalues of :math:`\Sigma_2^{-1}\Sigma_1 - I` in 2-D), so
    they keep about 1e-14 relative accuracy down to KL ~ 1e-300; a
    quadrature result is accurate to :math:`\max(10^{-8}\,\mathrm{KL}, 10^{-12})`,
    so a KL below about 1e-12 from quadrature has only that absolute
    accuracy. Overflow gives ``inf`` (e.g. :math:`N(10^{308}, 10^{308})` against :math:`N(0, 1)`).

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*,
       2nd ed., Wiley, 2006, Ch. 2 and 8.
    .. [2] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein GAN", ICML 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.kl(gt.Normal(0, 1), gt.Normal(0, 2))      # log 2 + 1/8 - 1/2
    0.318147...
    >>> gt.kl(gt.Uniform(0, 2), gt.Uniform(0, 1))    # not absolutely continuous
    inf
    >>> gt.kl(gt.Normal(0, 1), gt.Laplace(0, 1))     # quadrature; = log 2 + sqrt(2/pi) - log(2 pi)/2 - 1/2
    0.072093...
    """
    return _in_base(cascade(KL, P, Q, method), base)


def js_divergence(P, Q, *, base=None, method="auto") -> float:
    r"""Exact: the Jensen-Shannon divergence between analytic distributions (closed form, else quadrature).

    Parameters
    ----------
    P, Q : Distribution
        Of the same ``dim``.
    base : float, optional
        Logarithm base; nats by default.
    method : {"auto", "closed", "quadrature"}
        As in :func:`kl`.

    Returns
    -------
    float
        In ``[0, log 2]``; exactly ``log 2`` for mutually singular laws
        (disjoint supports, point masses against densities, parallel lines
        at :math:`\theta \neq 0`).

    Notes
    -----
    .. math:: \mathrm{JSD}(P, Q) = \tfrac12\mathrm{KL}(P\|M) + \tfrac12\mathrm{KL}(Q\|M),\quad M = \tfrac12(P + Q).

    Exact for point masses (:func:`gantheory.discrete.js_divergence`), for
    uniforms (constant densities on the overlap), for mutually singular
    laws, and for products sharing a marginal (the JSD of the other
    marginals). Otherwise 1-D quadrature of
    :math:`\tfrac12[p(\log p - \log m) + q(\log q - \log m)]`, with
    :math:`\log m` by ``logaddexp``, to 1e-8 relative or 1e-12 absolute (so a
    JSD below about 1e-12 is known to that absolute accuracy only); 2-D adaptive
    cubature to 1e-8 relative. This is the divergence; :func:`scipy.spatial.distance.jensenshannon`
    returns the distance :math:`\sqrt{\mathrm{JSD}}` (:func:`js_distance`).

    References
    ----------
    .. [1] J. Lin, "Divergence measures based on the Shannon entropy", IEEE
       Trans. Inf. Theory 37(1), 1991.
    .. [2] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.js_divergence(gt.Uniform(0, 1), gt.Uniform(2, 3), base=2)
    1.0
    >>> gt.js_divergence(gt.Uniform(0, 2), gt.Uniform(1, 3))   # half of each mass overlaps
    0.346573...
    """
    return _in_base(cascade(JSD, P, Q, method), base)


def js_distance(P, Q, *, base=None, method="auto") -> float:
    r"""Exact: the Jensen-Shannon distance :math:`\sqrt{\mathrm{JSD}(P, Q)}` between analytic distributions.

    A metric [1]_; exact or quadrature exactly as :func:`js_divergence`
    (the square root halves the relative tolerance's effect). Equals what
    :func:`scipy.spatial.distance.jensenshannon` computes for pmfs.

    References
    ----------
    .. [1] D. M. Endres and J. E. Schindelin, "A new metric for probability
       distributions", IEEE Trans. Inf. Theory 49(7), 2003.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.js_distance(gt.Dirac(0.0), gt.Dirac(1.0), base=2)
    1.0
    """
    return math.sqrt(js_divergence(P, Q, base=base, method=method))


def tv(P, Q, *, method="auto") -> float:
    r"""Exact: the total variation distance between analytic distributions (closed form, else quadrature).

    Parameters
    ----------
    P, Q : Distribution
        Of the same ``dim``.
    method : {"auto", "closed", "quadrature"}
        As in :func:`kl`.

    Returns
    -------
    float
        :math:`\sup_A |P(A) - Q(A)|` in ``[0, 1]``; 1 for mutually singular laws.

    Notes
    -----
    .. math:: \mathrm{TV}(P, Q) = \tfrac12\int |p - q| .

    Exact for point masses (:func:`gantheory.discrete.tv`), uniforms
    (:math:`\tfrac12[(1 - o/|I_P|) + (1 - o/|I_Q|) + o\,|1/|I_P| - 1/|I_Q||]`,
    o the overlap length), mutually singular laws and products sharing a
    marginal. Otherwise 1-D quadrature (adaptive around the kinks where
    p = q) to 1e-8 relative or 1e-12 absolute; 2-D cubature to 1e-7 absolute (the
    kink along p = q slows every Gauss rule).

    References
    ----------
    .. [1] A. B. Tsybakov, *Introduction to Nonparametric Estimation*,
       Springer, 2009, Sec. 2.4.
    .. [2] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein GAN", ICML 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.tv(gt.ParallelLines(0.0), gt.ParallelLines(0.3))
    1.0
    >>> gt.tv(gt.Uniform(0, 1), gt.Uniform(0.5, 1.5))
    0.5
    """
    return cascade(TV, P, Q, method)


def w1(P, Q, *, method="auto") -> float:
    r"""Exact: the Wasserstein-1 distance between analytic distributions (closed form, else quadrature in 1-D).

    Parameters
    ----------
    P, Q : Distribution
        Of the same ``dim``.
    method : {"auto", "closed", "quadrature"}
        As in :func:`kl`; ``"quadrature"`` is 1-D only.

    Returns
    -------
    float
        :math:`W_1(P, Q) = \inf_\gamma E_\gamma\|X - Y\|` (Euclidean in 2-D).

    Notes
    -----
    In 1-D, :math:`W_1 = \int |F - G|\,dx = \int_0^1 |F^{-1} - G^{-1}|\,du`.
    Exact: Normals, :math:`F^{-1} - G^{-1} = \Delta\mu + \Delta\sigma\,\Phi^{-1}(u)`,
    so :math:`W_1 = E|\Delta\mu + \Delta\sigma Z|`, the folded-normal mean
    :math:`|\Delta\sigma|\sqrt{2/\pi}e^{-\Delta\mu^2/2\Delta\sigma^2} + \Delta\mu(1 - 2\Phi(-\Delta\mu/|\Delta\sigma|))`;
    uniforms, :math:`\int_0^1|\Delta a + \Delta w\,u|\,du`; Laplace,
    :math:`|\Delta b|(|k| + e^{-|k|})`, :math:`k = \Delta\mu/|\Delta b|`;
    a point mass against a mixture of normals and atoms,
    :math:`E\|Y - a\|` (folded-normal means; in 2-D one 1-D integral per
    component); point masses, the sorting kernel in 1-D and in 2-D the
    optimal assignment (equal numbers of equally weighted atoms, O(k^3)) or
    the transport linear program (HiGHS, k m variables, exact up to its
    1e-9 feasibility tolerance; about 2 s for 300 x 300 atoms); products sharing a marginal, the W1 of the other marginals
    (projection is 1-Lipschitz and the shared coordinate can be coupled
    identically): the parallel lines give :math:`|\theta|`; bivariate normals
    with equal covariance, :math:`\|\Delta\mu\|`. Otherwise 1-D quadrature of
    :math:`|F - G|` (survival functions in the right tail) to 1e-8 relative.
    Other 2-D pairs raise ``NotImplementedError``: there is no closed form
    and no cheap certified quadrature; discretize both laws into
    :class:`~gantheory.distributions.PointMasses`, or estimate from samples
    with :mod:`gantheory.empirical`.

    References
    ----------
    .. [1] S. S. Vallender, "Calculation of the Wasserstein distance between
       probability distributions on the line", Theory Probab. Appl. 18, 1974.
    .. [2] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein GAN", ICML 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.w1(gt.ParallelLines(0.0), gt.ParallelLines(-0.3))
    0.3
    >>> gt.w1(gt.Normal(0, 1), gt.Normal(0, 2))        # E|Z| = sqrt(2/pi)
    0.797884...
    >>> gt.w1(gt.PointMasses([[0, 0], [1, 0]]), gt.PointMasses([[0, 1], [1, 1]]))
    1.0
    """
    check_pair(P, Q, method)
    if P == Q:
        return 0.0
    atoms_p, atoms_q = finite_atoms(P), finite_atoms(Q)
    if atoms_p is not None and atoms_q is not None:
        if P.dim == 1:
            support, p, q = pmfs_on_union(P, Q)
            return discrete.w1(p, q, support)
        return _w1_lp(atoms_p[0], atoms_p[1], atoms_q[0], atoms_q[1])
    value = _w1_closed(P, Q) if method != "quadrature" else None
    if value is not None:
        return value
    if method == "closed" or P.dim == 2:
        if P.dim == 2:
            raise NotImplementedError(
                f"w1 between {P!r} and {Q!r} has no closed form in 2-D; discretize both into gt.PointMasses "
                "(exact linear program) or estimate from samples with gantheory.empirical"
            )
        raise no_closed_form("w1", P, Q)
    return w1_quad(P, Q)


# -- W2 and Wp -------------------------------------------------------------------


def _wp_quantile_quad(P, Q, order):
    r""":math:`W_p^p = \int_0^1 |F^{-1} - G^{-1}|^p du` (p = ``order``) by :func:`scipy.integrate.quad`, split at the laws' atoms' cumulative masses and at 1/2."""
    cuts = {0.5}
    for D in (P, Q):
        atoms = finite_atoms(D)
        if atoms is not None or isinstance(D, Mixture):
            for a in np.atleast_1d(D._breakpoints()):
                for u in (float(D.cdf(a)), float(D.cdf(np.nextafter(a, -np.inf)))):
                    if 0.0 < u < 1.0:
                        cuts.add(u)
    edges = [0.0] + sorted(cuts) + [1.0]

    def integrand(u):
        with np.errstate(invalid="ignore"):
            v = abs(float(P.ppf(u)) - float(Q.ppf(u))) ** order
        return (
            v if math.isfinite(v) else 0.0
        )  # u rounded to 0 or 1: both quantiles infinite; that sliver weighs < 1e-16

    total, error = 0.0, 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        if b > a:
            with (
                warnings.catch_warnings()
            ):  # QUADPACK's own warnings: our AccuracyWarning below reports the summed error
                warnings.simplefilter("ignore", scipy.integrate.IntegrationWarning)
                value, err = scipy.integrate.quad(integrand, a, b, epsabs=1e-15, epsrel=1e-10, limit=200)
            total, error = total + value, error + err
    if error > max(1e-8 * total, 1e-12):
        warnings.warn(
            f"W_p quantile quadrature error estimate {error:.2e} for W_p^p = {total:.6g}", AccuracyWarning, stacklevel=3
        )
    return total


def _wp_points(P, Q, order):
    """W_p^p (p = ``order``) between finite discrete laws: the quantile sum in 1-D, the transport LP (or assignment) in 2-D."""
    (a, wa), (b, wb) = finite_atoms(P), finite_atoms(Q)
    if P.dim == 1:
        return quantile_wp_power(np.ravel(a), np.ravel(b), wa, wb, order)
    if a.shape[0] == b.shape[0] and np.all(wa == wa[0]) and np.all(wb == wb[0]):
        return assignment_w1(a, b, power=order)[0]
    return lp_w1(a, b, wa / wa.sum(), wb / wb.sum(), power=order)[0]


def wp(P, Q, order) -> float:
    r"""Exact: the p-Wasserstein distance :math:`W_p` (p >= 1) between analytic distributions (closed form, else quantile quadrature in 1-D).

    Parameters
    ----------
    P, Q : Distribution
        Of the same ``dim``.
    order : float
        The p of :math:`W_p`, finite and >= 1 (``order`` in :func:`gantheory.discrete.wp` too).

    Returns
    -------
    float
        :math:`W_p(P, Q) = (\inf_\gamma E_\gamma\|X - Y\|^p)^{1/p}`, the
        distance (not its p-th power).

    Notes
    -----
    * p = 2: :func:`w2`'s closed forms (normals, bivariate normals).
    * Point masses: exact; in 1-D the quantile sum, in 2-D the transport
      linear program with the cost :math:`\|x - y\|^p` (optimal assignment
      for equal numbers of equal masses).
    * Other 1-D pairs: the quantile form (the monotone coupling is optimal
      for every convex cost),

      .. math:: W_p^p = \int_0^1 |F^{-1}(u) - G^{-1}(u)|^p\,du,

      by :func:`scipy.integrate.quad` (QUADPACK) split at 1/2 and at the
      cumulative masses of atoms, to 1e-10 relative per piece; an
      :class:`AccuracyWarning` when the summed error estimate exceeds
      :math:`\max(10^{-8} W_p^p, 10^{-12})`. A mixture's quantile is a
      bisection, so such pairs take a few seconds.
    * p = 1 is :func:`w1`. Other 2-D pairs raise ``NotImplementedError``.

    :math:`W_p \le W_q` for p <= q (Jensen), which the tests check.

    References
    ----------
    .. [1] C. Villani, *Optimal Transport: Old and New*, Springer, 2009, Ch. 6.
    .. [2] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
       Birkhäuser, 2015, Sec. 2.2 (the quantile form on the line).

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.wp(gt.Uniform(0, 1), gt.Uniform(1, 2), 3)     # every quantile moves by 1
    1.0
    >>> round(gt.wp(gt.Normal(0, 1), gt.Normal(0, 2), 4) ** 4, 9)   # E Z^4 = 3
    3.0
    """
    check_pair(P, Q, "auto")
    order = check_order(order)
    if order == 1.0:
        return w1(P, Q)
    if order == 2.0:
        return w2(P, Q)
    if P == Q:
        return 0.0
    if finite_atoms(P) is not None and finite_atoms(Q) is not None:
        return _wp_points(P, Q, order) ** (1.0 / order)
    if P.dim == 2:
        raise NotImplementedError(
            f"wp between {P!r} and {Q!r}: in 2-D only point masses (any p) and normals (p = 2) are exact; estimate from samples with gantheory.empirical.w2"
        )
    refuse_mixed("wp", P, Q)
    return _wp_quantile_quad(P, Q, order) ** (1.0 / order)


def w2(P, Q) -> float:
    r"""Exact: the 2-Wasserstein distance between analytic distributions (closed form, else quantile quadrature in 1-D).

    Parameters
    ----------
    P, Q : Distribution
        Of the same ``dim``.

    Returns
    -------
    float
        :math:`W_2(P, Q) = (\inf_\gamma E_\gamma\|X - Y\|^2)^{1/2}`, the
        distance; :func:`frechet_distance` returns its square for Gaussians.

    Notes
    -----
    Exact:

    * normals, :math:`W_2^2 = (\mu_1 - \mu_2)^2 + (\sigma_1 - \sigma_2)^2`;
    * bivariate normals (and products of normals), the Bures form of
      :func:`frechet_distance`,
      :math:`\|\Delta\mu\|^2 + \operatorname{tr}(\Sigma_1 + \Sigma_2 - 2(\Sigma_2^{1/2}\Sigma_1\Sigma_2^{1/2})^{1/2})`,
      from symmetric factorizations (for Gaussians in any dimension call
      :func:`frechet_distance` with the means and covariances);
    * point masses (and their mixtures): the quantile sum in 1-D, the
      transport LP with the squared cost in 2-D.

    Other 1-D pairs: the quantile quadrature of :func:`wp`. Other 2-D pairs
    raise ``NotImplementedError``. :math:`W_1 \le W_2` always.

    References
    ----------
    .. [1] D. C. Dowson and B. V. Landau, "The Fréchet distance between
       multivariate normal distributions", J. Multivar. Anal. 12(3), 1982.
    .. [2] C. R. Givens and R. M. Shortt, "A class of Wasserstein metrics for
       probability distributions", Michigan Math. J. 31(2), 1984.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.w2(gt.Normal(0, 1), gt.Normal(3, 5))          # sqrt(3^2 + 4^2)
    5.0
    >>> P = gt.MultivariateNormal([0, 0], [[1, 0], [0, 1]])
    >>> gt.w2(P, gt.MultivariateNormal([0, 0], [[4, 0], [0, 9]]))   # sqrt((2-1)^2 + (3-1)^2)
    2.236067...
    >>> gt.w2(gt.Dirac(0.0), gt.PointMasses([-1.0, 1.0]))
    1.0
    """
    check_pair(P, Q, "auto")
    if P == Q:
        return 0.0
    if isinstance(P, Normal) and isinstance(Q, Normal):
        return math.hypot(P.loc - Q.loc, P.scale - Q.scale)
    if P.dim == 2 and _is_gaussian_like_2d(P) and _is_gaussian_like_2d(Q):
        A, B = _as_mvn(P), _as_mvn(Q)
        return math.sqrt(frechet_distance(A.mean, A.cov, B.mean, B.cov))
    if finite_atoms(P) is not None and finite_atoms(Q) is not None:
        return math.sqrt(_wp_points(P, Q, 2.0))
    if P.dim == 2:
        raise NotImplementedError(
            f"w2 between {P!r} and {Q!r}: in 2-D only normals and point masses are exact; estimate from samples with gantheory.empirical.w2"
        )
    refuse_mixed("w2", P, Q)
    return math.sqrt(_wp_quantile_quad(P, Q, 2.0))
