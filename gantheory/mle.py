r"""Maximum likelihood, and projections of a distribution onto a parametric family.

Maximum likelihood minimizes the cross-entropy: for a sample
:math:`x_1, \dots, x_n` with empirical distribution :math:`\hat P`, the average
negative log-likelihood is :math:`H(\hat P, Q_\theta) = -E_{\hat P} \log q_\theta`.
For a discrete model it splits as :math:`H(\hat P) + \mathrm{KL}(\hat P \| Q_\theta)`,
and :math:`H(\hat P)` does not depend on :math:`\theta`, so

.. math:: \arg\max_\theta \sum_i \log Q_\theta(x_i) = \arg\min_\theta \mathrm{KL}(\hat P \,\|\, Q_\theta)

(:func:`likelihood_decomposition`). For a model with a density
:math:`\mathrm{KL}(\hat P \| Q_\theta) = \infty` for every :math:`\theta`
(:math:`\hat P` has atoms, :math:`Q_\theta` none); the statement is then the
population limit :math:`H(\hat P, Q_\theta) \to -E_P \log q_\theta = h(P) + \mathrm{KL}(P \| Q_\theta)`
as :math:`n \to \infty` (h the differential entropy). For the normal family the
MLE (the sample mean and variance) converges to the forward-KL projection
:math:`\arg\min_\theta \mathrm{KL}(P \| Q_\theta)` of the data distribution
:math:`P` (:func:`mle_convergence`), with an expected excess KL of about
:func:`excess_kl_constant` / n.

* :func:`fit`: maximum-likelihood fits, closed form for :class:`~gantheory.Normal`,
  :class:`~gantheory.Uniform`, :class:`~gantheory.Laplace`,
  :class:`~gantheory.MultivariateNormal` and :class:`~gantheory.PointMasses`
  (Bernoulli, categorical), numerical (Nelder-Mead) for any parametric family;
* :func:`average_nll`, :func:`entropy`, :func:`cross_entropy`,
  :func:`empirical_distribution`, :func:`likelihood_decomposition`;
* :func:`kl_projection` (forward: moment matching, mode covering; reverse:
  mode seeking, every local optimum found), :func:`js_projection`,
  :func:`w1_projection`: the best normal approximation of a 1-D distribution
  under each criterion, computed with the exact divergences of
  :mod:`gantheory.divergences.exact`; :func:`projection_fits` gives all four;
* :func:`mle_convergence`: normal MLEs on growing samples approaching the
  forward-KL projection (several independent runs); :func:`excess_kl_constant`:
  the constant of their expected excess KL, :math:`\tfrac12 + (\kappa - 1)/4`.

Examples
--------
>>> import gantheory as gt
>>> x = gt.Normal(2.0, 3.0).sample(100_000, rng=0)
>>> Q = gt.mle.fit(gt.Normal, x)
>>> round(Q.loc, 1), round(Q.scale, 1)
(2.0, 3.0)
>>> P = gt.Mixture([gt.Normal(-3, 1), gt.Normal(3, 1)], weights=[0.5, 0.5])
>>> gt.mle.kl_projection(P).fitted          # moment matching: mean 0, variance 10
Normal(loc=0.0, scale=3.1622776601683795)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy

from gantheory._rng import Stream, as_generator
from gantheory._validation import as_samples, check_positive_int
from gantheory.distributions import Distribution, Laplace, Mixture, MultivariateNormal, Normal, PointMasses, Uniform
from gantheory.divergences import _quadrature, exact

__all__ = [
    "fit",
    "average_nll",
    "entropy",
    "cross_entropy",
    "empirical_distribution",
    "likelihood_decomposition",
    "NLLDecomposition",
    "Projection",
    "kl_projection",
    "js_projection",
    "w1_projection",
    "DEFAULT_BIMODAL",
    "SYMMETRIC_BIMODAL",
    "projection_fits",
    "mle_convergence",
    "MLEConvergence",
    "excess_kl_constant",
]

DIRECTIONS = ("forward", "reverse")


# -- maximum likelihood ----------------------------------------------------------


def _one_dim(x, family):
    if x.ndim != 1:
        raise ValueError(f"x must have shape (n,) to fit {family.__name__}, got shape {x.shape}")
    return x


def _no_spread(family, what):
    return ValueError(
        f"x has no spread, so the maximum-likelihood {what} of {family.__name__} is 0; pass a sample with at least two distinct values"
    )


def _fit_normal(x):
    x = _one_dim(x, Normal)
    loc = float(x.mean())
    scale = float(np.sqrt(np.mean((x - loc) ** 2)))  # ddof = 0: the MLE, not the unbiased variance
    if scale == 0:
        raise _no_spread(Normal, "scale")
    return Normal(loc, scale)


def _fit_uniform(x):
    x = _one_dim(x, Uniform)
    low, high = float(x.min()), float(x.max())
    if low == high:
        raise _no_spread(Uniform, "width")
    return Uniform(low, high)


def _fit_laplace(x):
    x = _one_dim(x, Laplace)
    loc = float(np.median(x))
    scale = float(np.mean(np.abs(x - loc)))
    if scale == 0:
        raise _no_spread(Laplace, "scale")
    return Laplace(loc, scale)


def _fit_multivariate_normal(x):
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2) to fit MultivariateNormal, got shape {x.shape}")
    mean = x.mean(axis=0)
    centered = x - mean
    cov = centered.T @ centered / x.shape[0]
    eigs = np.linalg.eigvalsh(cov)
    if eigs[0] <= 1e-12 * eigs[1]:  # singular up to round-off: the likelihood is unbounded
        raise ValueError(
            "x lies on a line (its covariance is singular), so no MultivariateNormal has maximal likelihood; pass points that span the plane"
        )
    return MultivariateNormal(mean, cov)


_CLOSED_FORMS = {
    Normal: _fit_normal,
    Uniform: _fit_uniform,
    Laplace: _fit_laplace,
    MultivariateNormal: _fit_multivariate_normal,
}


def _frequencies(x, support):
    """Relative frequencies of the sample ``x`` on the points of ``support``."""
    hit = x[:, None] == support[None, :] if x.ndim == 1 else (x[:, None, :] == support[None, :, :]).all(axis=-1)
    outside = ~hit.any(axis=1)
    if outside.any():
        raise ValueError(
            f"x has {int(outside.sum())} values outside support (e.g. {x[outside][0]!r}); their likelihood is 0: add them to support"
        )
    return hit.sum(axis=0) / x.shape[0]


def _fit_point_masses(x, support):
    if support is None:
        points, counts = np.unique(x, axis=0, return_counts=True)
        return PointMasses(points, counts / x.shape[0])
    support = as_samples(support, "support", np, ndims=(1, 2))
    if support.ndim != x.ndim or support.shape[1:] != x.shape[1:]:
        raise ValueError(
            f"support must hold points shaped like those of x: x has shape {x.shape}, support {support.shape}"
        )
    if np.unique(support, axis=0).shape[0] != support.shape[0]:
        raise ValueError("support contains repeated points; list each point once")
    return PointMasses(support, _frequencies(x, support))


def _fit_numerically(family, x, x0):
    if x0 is None:
        raise ValueError(
            "x0 is required to fit a parametric family numerically: pass starting parameter values, e.g. x0=[0.0, 1.0]"
        )
    x0 = np.atleast_1d(np.asarray(x0, dtype=np.float64))
    if x0.ndim != 1 or not np.isfinite(x0).all():
        raise ValueError(f"x0 must be a finite 1-D sequence of parameters, got {x0!r}")

    def objective(params):
        try:
            Q = family(*params)
        except ValueError:  # parameters outside the family (e.g. a negative scale)
            return np.inf
        return average_nll(Q, x)

    start = objective(x0)
    if not np.isfinite(start):
        raise ValueError(
            f"x0={x0.tolist()} gives an infinite negative log-likelihood; start inside the family, where every sample has positive density"
        )
    steps = np.diag(np.where(x0 != 0, 0.1 * np.abs(x0), 0.1))
    result = scipy.optimize.minimize(
        objective,
        x0,
        method="Nelder-Mead",
        options={
            "initial_simplex": np.vstack([x0, x0 + steps]),
            "xatol": 1e-9,
            "fatol": 1e-13,
            "maxiter": 400 * (x0.size + 1) ** 2,
        },
    )
    if not result.success:
        raise RuntimeError(f"the numerical maximum-likelihood fit did not converge: {result.message}")
    return family(*result.x)


def fit(family, x, *, support=None, x0=None) -> Distribution:
    r"""Maximum-likelihood fit of ``family`` to the sample ``x``.

    Parameters
    ----------
    family : class or callable
        :class:`~gantheory.Normal`, :class:`~gantheory.Uniform`,
        :class:`~gantheory.Laplace`, :class:`~gantheory.MultivariateNormal`
        or :class:`~gantheory.PointMasses` (closed forms), or any callable
        mapping parameters ``family(*params)`` to a distribution (numerical
        fit; ``x0`` required).
    x : array_like of shape (n,) or (n, 2)
        The sample.
    support : array_like, optional
        Only for ``PointMasses``: the points of the categorical model (for
        example ``[0, 1]`` for a Bernoulli). Default: the distinct values of
        ``x``.
    x0 : sequence of float, optional
        Only for a callable ``family``: the starting parameters.

    Returns
    -------
    Distribution
        The fitted member :math:`Q_{\hat\theta}`.

    Raises
    ------
    ValueError
        For a sample without spread (the MLE is degenerate), data outside
        ``support``, or a numerical fit without ``x0``.
    TypeError
        For a distribution class without a closed-form fit (pass a callable).

    Notes
    -----
    Closed forms (:math:`\hat\theta = \arg\max_\theta \sum_i \log q_\theta(x_i)`):

    * Normal: :math:`\hat\mu = \bar x`, :math:`\hat\sigma^2 = \frac1n \sum_i (x_i - \bar x)^2` (``ddof = 0``);
    * MultivariateNormal: the sample mean and :math:`\frac1n \sum_i (x_i - \bar x)(x_i - \bar x)^\top`;
    * Uniform: :math:`[\min_i x_i, \max_i x_i]`;
    * Laplace: :math:`\hat\mu = \operatorname{median}(x)`, :math:`\hat b = \frac1n \sum_i |x_i - \hat\mu|`;
    * PointMasses (categorical, Bernoulli): the relative frequencies :math:`k_j / n`.

    A callable family is fitted by Nelder-Mead on the average negative
    log-likelihood (parameters for which the family raises ``ValueError``
    count as infinite loss). O(n) per likelihood evaluation.

    References
    ----------
    .. [1] G. Casella and R. L. Berger, *Statistical Inference*, 2nd ed.,
       Duxbury, 2002, section 7.2.2.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.mle.fit(gt.Laplace, [0.0, 1.0, 5.0])           # median 1, mean |x - 1| = 5/3
    Laplace(loc=1.0, scale=1.6666666666666667)
    >>> gt.mle.fit(gt.PointMasses, [1, 1, 1, 0], support=[0, 1])    # Bernoulli(3/4)
    PointMasses(points=[0.0, 1.0], weights=[0.25, 0.75])
    >>> x = gt.Mixture([gt.Normal(-2, 1), gt.Normal(2, 1)]).sample(2000, rng=1)
    >>> two_means = lambda m1, m2: gt.Mixture([gt.Normal(m1, 1), gt.Normal(m2, 1)])
    >>> Q = gt.mle.fit(two_means, x, x0=[-1.0, 1.0])
    >>> [round(c.loc, 1) for c in Q.components]
    [-2.0, 2.0]
    """
    data = as_samples(x, "x", np, ndims=(1, 2))
    if support is not None and family is not PointMasses:
        raise ValueError("support is only used with family=PointMasses (categorical and Bernoulli fits)")
    if family is PointMasses:
        return _fit_point_masses(data, support)
    if family in _CLOSED_FORMS:
        if x0 is not None:
            raise ValueError(f"x0 is only used by numerical fits; {family.__name__} has a closed-form MLE")
        return _CLOSED_FORMS[family](data)
    if isinstance(family, type) and issubclass(family, Distribution):
        raise TypeError(
            f"{family.__name__} has no closed-form fit; pass a callable mapping parameters to a distribution, "
            "e.g. lambda m1, m2: Mixture([Normal(m1, 1), Normal(m2, 1)]), with x0"
        )
    if not callable(family):
        raise TypeError(f"family must be a distribution class or a callable, got {type(family).__name__}")
    return _fit_numerically(family, data, x0)


def _check_distribution(P, name):
    if not isinstance(P, Distribution):
        raise TypeError(f"{name} must be a gantheory distribution (e.g. gt.Normal(0, 1)), got {type(P).__name__}")
    return P


def average_nll(Q, x) -> float:
    r"""Average negative log-likelihood :math:`-\frac1n \sum_i \log q(x_i)` of the sample ``x`` under ``Q``.

    Parameters
    ----------
    Q : Distribution
        The model; ``logpdf`` is the log density (the log pmf for point masses).
    x : array_like of shape (n,) or (n, 2)
        The sample.

    Returns
    -------
    float
        In nats; ``inf`` when some :math:`q(x_i) = 0`.

    Notes
    -----
    Equals the cross-entropy :math:`H(\hat P, Q)` of the empirical distribution.
    O(n).

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.mle.average_nll(gt.PointMasses([0, 1], [0.5, 0.5]), [0, 1, 1])   # log 2
    0.693147...
    """
    Q = _check_distribution(Q, "Q")
    data = as_samples(x, "x", np, ndims=(1, 2))
    if (data.ndim == 2) != (Q.dim == 2):
        raise ValueError(
            f"x must have shape {'(n, 2)' if Q.dim == 2 else '(n,)'} for a {Q.dim}-D model, got {data.shape}"
        )
    return float(-np.mean(Q.logpdf(data)))


def empirical_distribution(x) -> PointMasses:
    r"""The empirical distribution :math:`\hat P = \frac1n \sum_i \delta_{x_i}` of a sample.

    Parameters
    ----------
    x : array_like of shape (n,) or (n, 2)

    Returns
    -------
    PointMasses
        The distinct values of ``x`` (sorted) with their relative frequencies.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.mle.empirical_distribution([2, 0, 2, 2])
    PointMasses(points=[0.0, 2.0], weights=[0.25, 0.75])
    """
    return _fit_point_masses(as_samples(x, "x", np, ndims=(1, 2)), None)


def _check_discrete(P, name):
    _check_distribution(P, name)
    if P.reference != "counting":
        raise TypeError(f"{name} must be discrete (PointMasses, Dirac); got {type(P).__name__}, which has a density")
    return P


def entropy(P) -> float:
    r"""Shannon entropy :math:`H(P) = -\sum_i w_i \log w_i` of a discrete distribution, in nats.

    Parameters
    ----------
    P : PointMasses or Dirac

    Returns
    -------
    float
        In :math:`[0, \log k]` for :math:`k` atoms.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.mle.entropy(gt.PointMasses([0, 1, 2, 3]))      # log 4
    1.386294...
    """
    P = _check_discrete(P, "P")
    return float(scipy.special.entr(P.weights).sum())


def cross_entropy(P, Q) -> float:
    r"""Cross-entropy :math:`H(P, Q) = -\sum_i w_i \log q(x_i)` of a discrete ``P`` relative to ``Q``.

    Parameters
    ----------
    P : PointMasses or Dirac
        Atoms :math:`x_i` with masses :math:`w_i`.
    Q : Distribution
        The model, evaluated through ``Q.logpdf`` at the atoms.

    Returns
    -------
    float
        In nats; ``inf`` if ``Q`` gives zero density to an atom of ``P``.

    Notes
    -----
    With :math:`P = \hat P` the empirical distribution of a sample this is the
    average negative log-likelihood (:func:`average_nll`). For discrete
    :math:`Q`, :math:`H(P, Q) = H(P) + \mathrm{KL}(P\|Q)`.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.mle.cross_entropy(gt.PointMasses([0, 1]), gt.PointMasses([0, 1], [0.25, 0.75]))
    0.836988...
    """
    P = _check_discrete(P, "P")
    Q = _check_distribution(Q, "Q")
    if P.dim != Q.dim:
        raise ValueError(f"P and Q must have the same dim, got {P.dim} and {Q.dim}")
    keep = P.weights > 0  # 0 log q = 0, also where q = 0
    return float(-(P.weights[keep] @ Q.logpdf(P.points[keep])))


@dataclass(frozen=True)
class NLLDecomposition:
    """What :func:`likelihood_decomposition` returns: average NLL = entropy + KL, each term computed on its own.

    Attributes
    ----------
    average_nll : float
        :math:`-\\frac1n \\sum_i \\log q(x_i)` (:func:`average_nll`).
    entropy : float
        :math:`H(\\hat P)` of the data's empirical law (:func:`entropy`).
    kl : float
        :math:`\\mathrm{KL}(\\hat P \\| Q)`.
    """

    average_nll: float
    entropy: float
    kl: float


def likelihood_decomposition(Q, x) -> NLLDecomposition:
    r"""Split the average negative log-likelihood of discrete data into :math:`H(\hat P) + \mathrm{KL}(\hat P \| Q)`.

    Parameters
    ----------
    Q : PointMasses or Dirac
        A discrete model.
    x : array_like of shape (n,) or (n, 2)
        Discrete data.

    Returns
    -------
    NLLDecomposition
        ``(average_nll, entropy, kl)``, each computed independently:
        :func:`average_nll` over the sample, :func:`entropy` of
        :math:`\hat P`, and ``gantheory.kl`` between :math:`\hat P` and ``Q``.

    Notes
    -----
    .. math:: -\frac1n \sum_i \log q(x_i) = -\sum_j \hat p_j \log q_j
              = \underbrace{-\sum_j \hat p_j \log \hat p_j}_{H(\hat P)}
              + \underbrace{\sum_j \hat p_j \log\frac{\hat p_j}{q_j}}_{\mathrm{KL}(\hat P\|Q)} .

    :math:`H(\hat P)` does not depend on the model, so maximizing the
    likelihood minimizes :math:`\mathrm{KL}(\hat P\|Q_\theta)`. For a model
    with a density there is no such split: :math:`\hat P` has atoms and
    :math:`Q_\theta` none, so :math:`\mathrm{KL}(\hat P\|Q_\theta) = \infty`;
    the average NLL is still the cross-entropy, and it tends to
    :math:`h(P) + \mathrm{KL}(P\|Q_\theta)` as n grows. So ``Q`` must be discrete.

    References
    ----------
    .. [1] I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT
       Press, 2016, section 5.5.

    Examples
    --------
    >>> import gantheory as gt
    >>> d = gt.mle.likelihood_decomposition(gt.PointMasses([0, 1], [0.5, 0.5]), [0, 1, 1, 1])
    >>> round(d.average_nll - d.entropy - d.kl, 15)
    0.0
    """
    Q = _check_discrete(Q, "Q")
    P_hat = empirical_distribution(x)
    return NLLDecomposition(average_nll(Q, x), entropy(P_hat), float(exact.kl(P_hat, Q)))


# -- projections onto the normal family --------------------------------------------


@dataclass(frozen=True)
class Projection:
    """The best member of a family under one criterion, and every local optimum found.

    Attributes
    ----------
    fitted : Distribution
        The member with the smallest divergence found.
    divergence : float
        Its divergence from the target (nats for KL and JSD).
    optima : tuple of (Distribution, float)
        The distinct local minima reached, best first; ``optima[0]`` is
        ``(fitted, divergence)``.
    criterion : str
        ``"kl_forward"``, ``"kl_reverse"``, ``"js"`` or ``"w1"``.
    """

    fitted: Distribution
    divergence: float
    optima: tuple
    criterion: str


def _check_target(P, family, need_density):
    _check_distribution(P, "P")
    if family is not Normal:
        raise TypeError(
            f"only family=Normal is implemented for projections, got {getattr(family, '__name__', family)!r}"
        )
    if P.dim != 1:
        raise ValueError(f"P must be a 1-D distribution to project onto Normal, got dim={P.dim}")
    if need_density and P.reference != "lebesgue":
        raise ValueError(
            f"P = {type(P).__name__} has atoms: KL or JSD to every normal is infinite or log 2; project it with w1_projection, or fit a sample"
        )
    if not P.var > 0:
        raise ValueError("P has zero variance: no normal is closest to it (the scale would shrink to 0)")
    return P


class _Criterion:
    r"""A divergence between the fixed target P and :math:`N(\mu, \sigma^2)`, with its gradient in :math:`(\mu, \log\sigma)`.

    Each integral is a Gauss-Legendre sum (``N_NODES`` nodes) on every piece
    between the break points of P and of the normal (modes, +-1.5...12
    scales, support ends; for W1 also the crossings of the CDFs), in offsets
    from each piece's left end (:mod:`gantheory.divergences._quadrature`),
    so both laws are integrated on their own scales however narrow: within a
    piece the integrands are smooth, and the sums agree with the adaptive
    quadrature of :mod:`gantheory.divergences.exact` to about 1e-12. Mass
    beyond the outermost break points (12 normal scales, 60 Laplace scales:
    below 1e-26) is left out. With :math:`q` the normal's density and
    :math:`s = \partial_\theta \log q` its score (:math:`z/\sigma` for
    :math:`\mu`, :math:`z^2 - 1` for :math:`\log\sigma`), and since
    :math:`\int \partial_\theta q = 0`:

    .. math:: \partial_\theta \mathrm{KL}(Q\|P) = E_Q[s\,(\log q - \log p)],\quad
              \partial_\theta \mathrm{JSD} = \tfrac12 E_Q[s\,(\log q - \log m)],\quad
              \partial_\theta W_1 = E_Q[s\,\sigma\,\mathrm{sign}(F_P - F_Q)]\ \text{with}\ (s\sigma)_\mu = 1,\ (s\sigma)_{\log\sigma} = \sigma z .
    """

    N_NODES = 20
    NODES, WEIGHTS = np.polynomial.legendre.leggauss(N_NODES)

    def __init__(self, P, criterion):
        self.P, self.criterion = P, criterion

    def __call__(self, loc, log_scale):
        """(divergence, gradient in (loc, log scale)) at N(loc, exp(log_scale))."""
        P, scale = self.P, math.exp(log_scale)
        Q = Normal(loc, scale)
        if self.criterion == "w1":
            intervals = _quadrature.hull(P, Q)
            kinks = lambda a, o: _quadrature.cdf_difference(P, Q, a, o)  # noqa: E731
        else:
            intervals, kinks = _quadrature.union(P, Q), None
        pieces = np.array(
            [piece for piece in _quadrature.pieces(intervals, (P, Q), kinks) if math.isfinite(piece[1] + piece[2])]
        )
        anchor, a, b = (pieces[:, i, None] for i in range(3))
        half = 0.5 * (b - a)
        offset = a + half * (self.NODES + 1.0)
        w = half * self.WEIGHTS  # (pieces, nodes)
        z = Q._z(anchor, offset)
        lq = Q._logpdf_at(anchor, offset)
        q = np.exp(lq)
        if self.criterion == "w1":
            gap = _quadrature.cdf_difference(P, Q, anchor, offset)
            value = float((w * np.abs(gap)).sum())
            sq = w * q * np.sign(gap)
            return value, np.array([sq.sum(), scale * (sq * z).sum()])
        lp = P._logpdf_at(anchor, offset)
        if self.criterion == "kl_reverse":
            if ((q > 0) & (lp == -np.inf)).any():
                return math.inf, np.zeros(2)
            h = np.where(q > 0, lq - np.where(q > 0, lp, 0.0), 0.0)
            value = float((w * q * h).sum())
        else:  # JSD: 1/2 KL(P || M) + 1/2 KL(Q || M), log m = logaddexp(log p, log q) - log 2
            value = float((w * _quadrature.jsd_pointwise(lp, lq)).sum())
            h = 0.5 * np.where(q > 0, lq - (np.logaddexp(lp, lq) - _quadrature.LOG2), 0.0)
        wqh = w * q * h
        return value, np.array([(wqh * z).sum() / scale, (wqh * (z * z - 1.0)).sum()])


def _starting_points(P, n_starts):
    r"""Normals to start the search from, on P's own scales.

    ``n_starts`` locations at P's quantiles, each with the local scale
    :math:`1/(\sqrt{2\pi}\,p(x))` of a normal as high as P's density there
    (at most P's standard deviation; that itself for laws with atoms), plus
    each mixture component's mean and standard deviation: a narrow mode far
    from the others (scale 1e-3 at 50) is started at its own scale.
    """
    locs = P.ppf((np.arange(n_starts) + 0.5) / n_starts)
    spread = math.sqrt(P.var)
    scales = np.full(n_starts, spread)
    if P.reference == "lebesgue":
        with np.errstate(divide="ignore", over="ignore"):
            scales = np.minimum(1.0 / (math.sqrt(2.0 * math.pi) * np.exp(P.logpdf(locs))), spread)
    starts = [(float(loc), float(s)) for loc, s in zip(locs, scales) if s > 0]
    if isinstance(P, Mixture):
        starts += [(float(c.mean), math.sqrt(c.var)) for c, _ in P._active if c.var > 0]
    return list(dict.fromkeys(starts))


def _descend(criterion, loc, scale, gtol):
    """BFGS on ``criterion`` from N(loc, scale), in the coordinates ((mu - loc)/scale, log sigma - log scale): (loc, scale, value) or None."""
    log_scale = math.log(scale)

    def objective(v):
        value, grad = criterion(loc + scale * v[0], log_scale + v[1])
        return value, grad * [scale, 1.0]

    if not math.isfinite(objective(np.zeros(2))[0]):
        return None
    res = scipy.optimize.minimize(
        objective, np.zeros(2), jac=True, method="BFGS", options={"gtol": gtol, "maxiter": 200}
    )
    if not (res.success or np.abs(res.jac).max() < 1e3 * gtol) or not math.isfinite(res.fun):
        return None  # stopped away from a stationary point
    return loc + scale * float(res.x[0]), math.exp(log_scale + float(res.x[1])), float(res.fun)


def _distinct(optima, tol):
    """Drop optima within ``tol`` (loc relative to scale, and log scale) of a better one."""
    kept = []
    for loc, scale, value in sorted(optima, key=lambda o: o[2]):
        if not any(abs(loc - k[0]) <= tol * k[1] and abs(math.log(scale / k[1])) <= tol for k in kept):
            kept.append((loc, scale, value))
    return kept


def _normal_optima(P, criterion, divergence, n_starts, polish):
    """Distinct local minima of ``divergence(Normal(loc, scale))``: BFGS from every start, then the exact value.

    BFGS with the analytic gradient of :class:`_Criterion` from each start
    (:func:`_starting_points`; for the convex W1 only from the best start),
    to a gradient of 1e-10 (``polish``) or 1e-6;
    minima within 1e-3 of each other (relative to the scale, and in log
    scale) are merged, and each is evaluated with ``divergence`` (the exact
    functions of :mod:`gantheory.divergences.exact`). A stationary point at a
    saddle is not a minimum; BFGS moves off it from every start but the
    symmetric ones, which the merging then keeps only if it is reached.
    """
    search = _Criterion(P, criterion)
    starts = _starting_points(P, n_starts)
    if criterion == "w1":  # convex in (mu, sigma): one descent, from the best start, reaches the minimum
        starts = [min(starts, key=lambda start: search(start[0], math.log(start[1]))[0])]
    found = [_descend(search, loc, scale, 1e-10 if polish else 1e-6) for loc, scale in starts]
    kept = _distinct([f for f in found if f is not None], 1e-3)
    if not kept:
        raise RuntimeError(
            f"the search for the {criterion} projection of {P!r} found no minimum from any start; try more n_starts"
        )
    return tuple((Normal(loc, scale), float(divergence(Normal(loc, scale)))) for loc, scale, _ in kept)


def _projection(optima, criterion):
    best, value = optima[0]
    return Projection(best, value, optima, criterion)


def kl_projection(
    P, family=Normal, direction: str = "forward", *, n_starts: int = 8, polish: bool = True
) -> Projection:
    r"""The normal closest to ``P`` in KL divergence, forward (mode covering) or reverse (mode seeking).

    Parameters
    ----------
    P : Distribution
        A 1-D target with a density (e.g. a bimodal :class:`~gantheory.Mixture`).
    family : type
        The family projected onto; only :class:`~gantheory.Normal`.
    direction : {"forward", "reverse"}
        ``"forward"`` minimizes :math:`\mathrm{KL}(P\|Q_\theta)` (what maximum
        likelihood does); ``"reverse"`` minimizes :math:`\mathrm{KL}(Q_\theta\|P)`.
    n_starts : int
        Reverse only: the number of starting locations (quantiles of P),
        besides the mixture components (see Notes).
    polish : bool
        Stop the search at a gradient of 1e-10 (default) rather than 1e-6.
        Either way each optimum's divergence is computed exactly. Reverse only.

    Returns
    -------
    Projection
        For ``"forward"`` a single optimum; for ``"reverse"`` every distinct
        local minimum found, best first.

    Notes
    -----
    Forward KL has a unique minimizer over the normals, the moment match
    :math:`\mu = \mathbb E_P X`, :math:`\sigma^2 = \mathrm{Var}_P X`: since
    :math:`\mathrm{KL}(P\|Q_\theta) = -H(P) - \mathbb E_P \log q_\theta(X)` and
    :math:`-\mathbb E_P \log q_\theta = \log\sigma + \frac12\log 2\pi + \frac{\mathrm{Var}_P X + (\mathbb E_P X - \mu)^2}{2\sigma^2}`.
    The fit covers every mode, putting mass between them.

    Reverse KL, :math:`\int q_\theta \log(q_\theta / p)`, punishes mass where
    :math:`p` is small: the fit seeks a mode, and for well-separated modes
    each mode is a local minimum, with :math:`\mathrm{KL} \approx -\log w_k`
    at the mode of weight :math:`w_k`.

    Search: BFGS in :math:`(\mu, \log\sigma)` with the analytic gradient
    :math:`\partial_\theta\mathrm{KL}(Q_\theta\|P) = E_{Q_\theta}[\partial_\theta\log q_\theta\,(\log q_\theta - \log p)]`,
    the expectations as Gauss-Legendre sums between the break points of P and
    of :math:`Q_\theta` (each law on its own scale, however narrow), from
    ``n_starts`` quantiles of P, each with the scale of a normal as high as
    P's density there, and from each mixture component's mean and standard
    deviation; minima closer than 1e-3 are merged and each is evaluated with
    ``gantheory.kl``. A minimum whose basin no start reaches is missed. The
    returned divergences are always those of :mod:`gantheory.divergences.exact`.
    About 0.3 s for two modes (the former Nelder-Mead search on the exact
    divergence took 9-28 s). When P's density vanishes on part of the line
    (uniform components), every normal is at infinite reverse KL: ``ValueError``.

    References
    ----------
    .. [1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer,
       2006, section 10.1.2 (Figures 10.2, 10.3).
    .. [2] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial
       networks", arXiv:1701.00160, Figure 14.

    Examples
    --------
    >>> import gantheory as gt
    >>> P = gt.Mixture([gt.Normal(-5, 1), gt.Normal(5, 1)], weights=[0.3, 0.7])
    >>> forward = gt.mle.kl_projection(P)
    >>> round(forward.fitted.loc, 6), round(forward.fitted.scale ** 2, 6)
    (2.0, 22.0)
    >>> reverse = gt.mle.kl_projection(P, direction="reverse")
    >>> [(round(Q.loc, 2), round(Q.scale, 2), round(v, 3)) for Q, v in reverse.optima]
    [(5.0, 1.0, 0.357), (-5.0, 1.0, 1.204)]
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    P = _check_target(P, family, need_density=True)
    if direction == "forward":
        fitted = Normal(P.mean, math.sqrt(P.var))
        return _projection(((fitted, float(exact.kl(P, fitted))),), "kl_forward")
    n_starts = check_positive_int(n_starts, "n_starts")
    if P._positive_intervals() != [(-math.inf, math.inf)]:
        raise ValueError(
            f"P's density is 0 outside {P._positive_intervals()}, so KL(Q || P) is infinite for every normal Q; use direction='forward' or js_projection"
        )
    return _projection(_normal_optima(P, "kl_reverse", lambda Q: float(exact.kl(Q, P)), n_starts, polish), "kl_reverse")


def js_projection(P, family=Normal, *, n_starts: int = 8, polish: bool = True) -> Projection:
    r"""The normal closest to ``P`` in Jensen-Shannon divergence, with every local optimum found.

    Parameters
    ----------
    P : Distribution
        A 1-D target.
    family : type
        Only :class:`~gantheory.Normal`.
    n_starts : int
        Number of starting locations (quantiles of P), besides the mixture
        components (see :func:`kl_projection`).
    polish : bool
        Stop the search at a gradient of 1e-10 (default) rather than 1e-6;
        either way each optimum's divergence is computed exactly.

    Returns
    -------
    Projection

    Notes
    -----
    Minimizes :math:`\mathrm{JSD}(P, Q_\theta) = \tfrac12\mathrm{KL}(P\|M) + \tfrac12\mathrm{KL}(Q_\theta\|M)`,
    :math:`M = \tfrac12(P + Q_\theta)`: the criterion that GAN training
    with an optimal discriminator minimizes (Goodfellow et al. 2014). Like
    reverse KL it can have several local minima (for two separated modes:
    each mode, and a broad fit over both). Search as in
    :func:`kl_projection`, with :math:`\partial_\theta\mathrm{JSD} = \tfrac12 E_{Q_\theta}[\partial_\theta\log q_\theta\,(\log q_\theta - \log m)]`
    (the terms in :math:`\partial_\theta m` cancel), judged by
    ``gantheory.js_divergence``; about 0.5 s for two modes (was 8-22 s).

    References
    ----------
    .. [1] F. Huszár, "How (not) to train your generative model: scheduled
       sampling, likelihood, adversary?", arXiv:1511.05101, 2015.

    Examples
    --------
    >>> import gantheory as gt
    >>> fit = gt.mle.js_projection(gt.Normal(1.0, 2.0), n_starts=1, polish=False)
    >>> round(fit.fitted.loc, 4), round(fit.fitted.scale, 4), fit.divergence < 1e-10
    (1.0, 2.0, True)
    """
    P = _check_target(P, family, need_density=True)
    n_starts = check_positive_int(n_starts, "n_starts")
    return _projection(_normal_optima(P, "js", lambda Q: float(exact.js_divergence(P, Q)), n_starts, polish), "js")


def w1_projection(P, family=Normal, *, n_starts: int = 8, polish: bool = True) -> Projection:
    r"""The normal closest to ``P`` in the Wasserstein-1 distance.

    Parameters
    ----------
    P : Distribution
        A 1-D target (point masses allowed).
    family : type
        Only :class:`~gantheory.Normal`.
    n_starts : int
        Number of starting locations (quantiles of P), besides the mixture
        components (see :func:`kl_projection`).
    polish : bool
        Stop the search at a gradient of 1e-10 (default) rather than 1e-6;
        either way each optimum's divergence is computed exactly.

    Returns
    -------
    Projection

    Notes
    -----
    :math:`W_1(P, N(\mu, \sigma^2)) = \int_0^1 |F_P^{-1}(u) - \mu - \sigma\Phi^{-1}(u)|\,du`
    is jointly convex in :math:`(\mu, \sigma)`, so every local minimum is
    global (the optima list normally has one entry). Search as in
    :func:`kl_projection`, with :math:`\partial_\mu W_1 = E_{Q_\theta}[\operatorname{sign}(F_P - F_{Q_\theta})]`,
    :math:`\partial_\sigma W_1 = E_{Q_\theta}[Z \operatorname{sign}(F_P - F_{Q_\theta})]`,
    the crossings of the CDFs being break points of the sums; judged by
    ``gantheory.w1``; about 0.6 s for two modes (was 3-5 s).

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> fit = gt.mle.w1_projection(gt.Normal(-1.0, 0.5), n_starts=1, polish=False)
    >>> round(fit.fitted.loc, 4), round(fit.fitted.scale, 4)
    (-1.0, 0.5)
    """
    P = _check_target(P, family, need_density=False)
    n_starts = check_positive_int(n_starts, "n_starts")
    return _projection(_normal_optima(P, "w1", lambda Q: float(exact.w1(P, Q)), n_starts, polish), "w1")


#: The default target of :func:`projection_fits`: two unit-variance modes at -3 and 3, weights 0.4 and 0.6.
DEFAULT_BIMODAL = Mixture([Normal(-3.0, 1.0), Normal(3.0, 1.0)], weights=[0.4, 0.6])
#: The target of the MLE's convergence (chapter 2, ``mle_is_kl.png``): ``0.5 N(-3, 1) + 0.5 N(3, 1)``, mean 0, variance 10.
SYMMETRIC_BIMODAL = Mixture([Normal(-3.0, 1.0), Normal(3.0, 1.0)], weights=[0.5, 0.5])


def projection_fits(P=None, *, polish: bool = True) -> dict:
    """The normal fits of ``P`` under forward KL, reverse KL, JSD and W1, side by side.

    Parameters
    ----------
    P : Distribution, optional
        A 1-D target; default :data:`DEFAULT_BIMODAL`, ``0.4 N(-3, 1) + 0.6 N(3, 1)``.
    polish : bool
        Passed to :func:`kl_projection` (reverse), :func:`js_projection` and
        :func:`w1_projection` (``False``: a looser stopping rule, faster).

    Returns
    -------
    dict
        ``{"forward KL(P‖Q)": Projection, "reverse KL(Q‖P)": ..., "JSD": ..., "W1": ...}``,
        the result of :func:`kl_projection` (forward: moment matching, mode
        covering; reverse: mode seeking), :func:`js_projection` and
        :func:`w1_projection`; :func:`gantheory.plotting.plot_projections` draws it.

    Examples
    --------
    >>> fits = projection_fits(polish=False)
    >>> round(fits["forward KL(P‖Q)"].fitted.loc, 6)      # the mean of P
    0.6
    >>> round(fits["reverse KL(Q‖P)"].fitted.loc, 1)      # on the heavier mode
    3.0
    """
    P = DEFAULT_BIMODAL if P is None else P
    return {
        "forward KL(P‖Q)": kl_projection(P, direction="forward"),
        "reverse KL(Q‖P)": kl_projection(P, direction="reverse", polish=polish),
        "JSD": js_projection(P, polish=polish),
        "W1": w1_projection(P, polish=polish),
    }


# -- the MLE approaches the forward-KL projection ----------------------------------------


@dataclass(frozen=True)
class MLEConvergence:
    r"""Normal MLEs on growing samples of P, and their distance to the KL projection.

    Attributes
    ----------
    sizes : numpy.ndarray
        Sample sizes n.
    fits : tuple of Normal
        The MLE on the first n points of one long sample (the first run), for each n.
    excess_kl : numpy.ndarray
        The first run's :math:`\mathrm{KL}(P\|\hat Q_n) - \mathrm{KL}(P\|Q^*) = \mathrm{KL}(Q^*\|\hat Q_n) \ge 0`.
    projection : Projection
        The forward-KL projection :math:`Q^*`.
    runs : numpy.ndarray
        Shape ``(n_runs, len(sizes))``: the excess KL of each independent run
        (row 0 is ``excess_kl``).
    target : Distribution
        P.
    """

    sizes: np.ndarray
    fits: tuple
    excess_kl: np.ndarray
    projection: Projection
    runs: np.ndarray = None
    target: Distribution = None


def _central_moment4(P) -> float:
    """E_P (X - mean)^4 by adaptive quadrature between quantiles of P (tails to infinity included)."""
    mean = P.mean
    edges = np.unique(
        np.concatenate(
            [[-math.inf], P.ppf(np.array([1e-9, 1e-3, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-3, 1 - 1e-9])), [math.inf]]
        )
    )
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        total += scipy.integrate.quad(
            lambda t: (t - mean) ** 4 * float(P.pdf(t)), a, b, epsabs=0.0, epsrel=1e-10, limit=200
        )[0]
    return total


def excess_kl_constant(P) -> float:
    r"""The constant c of the normal MLE's expected excess KL, :math:`E[\mathrm{KL}(Q^*\|\hat Q_n)] \approx c/n`: :math:`c = \tfrac12 + (\kappa - 1)/4`.

    Parameters
    ----------
    P : Distribution
        A 1-D law with a density and a finite fourth moment.

    Returns
    -------
    float
        :math:`\tfrac12 + (\kappa - 1)/4`, where :math:`\kappa = \mu_4/\sigma^4` is
        the kurtosis of P (3 for a normal, so c = 1).

    Notes
    -----
    With :math:`Q^* = N(\mu, \sigma^2)` (P's mean and variance), the MLE
    :math:`\hat Q_n = N(\hat\mu, \hat\sigma^2)`, :math:`\delta = (\hat\mu - \mu)/\sigma`
    and :math:`\varepsilon = \hat\sigma^2/\sigma^2 - 1`:

    .. math:: \mathrm{KL}(Q^*\|\hat Q_n) = \tfrac12\Big[\log(1 + \varepsilon) + \frac{1 + \delta^2}{1 + \varepsilon} - 1\Big]
              = \frac{\delta^2}2 + \frac{\varepsilon^2}4 + O(|\delta|^3 + |\varepsilon|^3),

    and :math:`E\delta^2 = 1/n`, :math:`E\varepsilon^2 = \mathrm{Var}(\hat\sigma^2)/\sigma^4 + O(n^{-2}) = (\kappa - 1)/n + O(n^{-2})`,
    so :math:`E[\mathrm{KL}(Q^*\|\hat Q_n)] = (\tfrac12 + (\kappa - 1)/4)/n + O(n^{-2})`.
    For normal P it is :math:`1/n`, the mean of :math:`\chi^2_2/(2n)`. The
    fourth moment is a quadrature (``scipy.integrate.quad`` between quantiles of P).

    Examples
    --------
    >>> import gantheory as gt
    >>> round(excess_kl_constant(gt.Normal(1.0, 2.0)), 6)
    1.0
    >>> round(excess_kl_constant(SYMMETRIC_BIMODAL), 6)     # kappa = 138 / 10^2 = 1.38
    0.595
    """
    P = _check_target(P, Normal, need_density=True)
    mu4 = _central_moment4(P)
    if not math.isfinite(mu4):
        raise ValueError(f"P = {P!r} has no finite fourth moment, so the excess KL has no 1/n constant")
    return 0.5 + (mu4 / P.var**2 - 1.0) / 4.0


def _normal_kl(Q_star, loc, scale):
    """Closed-form KL(Q* || N(loc, scale^2)), vectorized over loc and scale."""
    return np.log(scale / Q_star.scale) + (Q_star.scale**2 + (Q_star.loc - loc) ** 2) / (2 * scale**2) - 0.5


def mle_convergence(P, sizes=(100, 1_000, 10_000, 100_000), family=Normal, *, rng=0, n_runs: int = 1) -> MLEConvergence:
    r"""Fit a normal by maximum likelihood to ever larger samples of ``P``, in one or several independent runs.

    Parameters
    ----------
    P : Distribution
        A 1-D target with a density and finite variance.
    sizes : sequence of int
        Increasing sample sizes; within a run the samples are nested prefixes of one draw.
    family : type
        Only :class:`~gantheory.Normal`.
    rng : int, default 0
        Seed of the samples; the runs draw one after the other from its one
        random stream (run 0 is the same for every ``n_runs``).
    n_runs : int
        Independent runs (one long sample each).

    Returns
    -------
    MLEConvergence
        The first run's fits and excess KL, and every run's excess KL (``runs``).

    Notes
    -----
    The normals are an exponential family and the forward projection
    :math:`Q^*` matches moments, so for every normal :math:`Q` the
    Pythagorean identity :math:`\mathrm{KL}(P\|Q) = \mathrm{KL}(P\|Q^*) + \mathrm{KL}(Q^*\|Q)`
    holds; the excess KL of the MLE is therefore the closed-form Gaussian
    :math:`\mathrm{KL}(Q^*\|\hat Q_n)`, with expectation about
    :math:`(\tfrac12 + (\kappa - 1)/4)/n` (:func:`excess_kl_constant`; when P
    itself is normal, it is asymptotically distributed as :math:`\chi^2_2 / (2n)`).

    References
    ----------
    .. [1] I. Csiszár, "I-divergence geometry of probability distributions and
       minimization problems", Ann. Probab. 3(1), 1975.

    Examples
    --------
    >>> import gantheory as gt
    >>> run = gt.mle.mle_convergence(SYMMETRIC_BIMODAL, sizes=[100, 100_000], rng=0, n_runs=20)
    >>> bool(run.excess_kl[-1] < 1e-3 < run.excess_kl[0]), run.runs.shape
    (True, (20, 2))
    """
    stream = Stream(as_generator(rng))  # the runs draw one after the other from one stream
    projection = kl_projection(P, family, "forward")
    sizes = np.asarray([check_positive_int(s, "sizes") for s in sizes])
    if sizes.size == 0 or (np.diff(sizes) <= 0).any() or sizes[0] < 2:
        raise ValueError(f"sizes must be increasing integers >= 2, got {sizes.tolist()}")
    n_runs = check_positive_int(n_runs, "n_runs")
    x = P.sample(int(sizes[-1]), rng=stream)
    fits = tuple(fit(family, x[:n]) for n in sizes)
    excess = np.array([float(exact.kl(projection.fitted, Q)) for Q in fits])
    runs = [excess]
    for _ in range(n_runs - 1):
        x = P.sample(int(sizes[-1]), rng=stream) - projection.fitted.loc  # centred: no cancellation in the variance
        mean = np.cumsum(x)[sizes - 1] / sizes
        scale = np.sqrt(np.maximum(np.cumsum(x * x)[sizes - 1] / sizes - mean**2, 0.0))
        runs.append(_normal_kl(projection.fitted, projection.fitted.loc + mean, scale))
    return MLEConvergence(sizes, fits, excess, projection, np.vstack(runs), P)
