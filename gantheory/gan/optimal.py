r"""The optimal discriminator, V(D*, G), and the vanishing gradient of the minimax GAN.

Every function returns data (arrays, floats or a small dataclass); the
figures come from :mod:`gantheory.plotting`.

=====================================  =========================================  ============================
function                               what                                       how
=====================================  =========================================  ============================
:func:`optimal_discriminator`          :math:`D^* = p/(p+q)` as a function         exact, in log space
:func:`value_at_optimal_discriminator`  :math:`V(D^*, G)`                          1-D quadrature, 2-D cubature
:func:`discriminator_convergence`      :math:`V(D, G)` of a trained MLP vs steps  training on our autograd
:func:`generator_cost_curves`          each generator cost and its slope          exact, stable forms
:func:`vanishing_gradient`             the generator's gradient norm vs steps     training on our autograd
=====================================  =========================================  ============================

The value function of the game (Goodfellow et al. 2014) is

.. math:: V(D, G) = \mathbb{E}_{x \sim P} \log D(x) + \mathbb{E}_{x \sim Q} \log(1 - D(x)) = -2J,

where :math:`Q` is the generator's distribution and :math:`J` the
discriminator's cost (:func:`gantheory.gan.losses.discriminator_cost`). For a
fixed generator it is maximized by :math:`D^* = p/(p+q)`, and
:math:`V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(P, Q)`.

Examples
--------
>>> import math
>>> import gantheory as gt
>>> P, Q = gt.Normal(0, 1), gt.Normal(1, 1)
>>> D = gt.gan.optimal_discriminator(P, Q)
>>> float(D(0.5))                      # halfway between the means: p = q
0.5
>>> float(D.logit(-1000.0))            # log p - log q = 0.5 - x, exact far in the tails
1000.5
>>> V = gt.gan.value_at_optimal_discriminator(P, Q)
>>> bool(abs(V - (-math.log(4) + 2 * gt.js_divergence(P, Q))) < 1e-9)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from gantheory.autograd import ops
from gantheory.distributions import Distribution
from gantheory.divergences import _cubature, exact

__all__ = [
    "OptimalDiscriminator",
    "optimal_discriminator",
    "value_at_optimal_discriminator",
    "CURVE_COSTS",
    "GeneratorCostCurves",
    "generator_cost_curves",
]

LOG4 = math.log(4.0)
CURVE_COSTS = ("minimax", "non_saturating", "maximum_likelihood")


# -- the optimal discriminator -------------------------------------------------


def _check_pair(P, Q):
    """P and Q: gantheory distributions of the same dim, both with densities or both discrete."""
    exact._pair(P, Q, "auto")
    if P.reference != Q.reference or P.reference not in ("lebesgue", "counting"):
        raise NotImplementedError(
            f"the optimal discriminator needs two densities or two discrete laws (references 'lebesgue' or 'counting'), "
            f"got {P!r} ({P.reference}) and {Q!r} ({Q.reference})"
        )


def _logit(lp, lq):
    """log p - log q; +inf where only q is 0, -inf where only p is 0, NaN where both are."""
    lp, lq = np.broadcast_arrays(lp, lq)
    out = np.full(lp.shape, np.nan)
    np.subtract(lp, lq, out=out, where=(lp > -np.inf) | (lq > -np.inf))
    return out[()]


def _log_sigmoid(logit):
    """:math:`\\log\\sigma(\\text{logit})` by the stable primitive; NaN stays NaN (without a warning)."""
    undefined = np.isnan(logit)
    return np.where(undefined, np.nan, ops.log_sigmoid(np.where(undefined, 0.0, logit)))[()]


def _weighted(log_density, log_value):
    """:math:`e^{\\log p} \\cdot v` with the convention 0 * v = 0 where the density is 0 (v may be -inf there)."""
    live = log_density > -np.inf
    return np.where(live, np.exp(log_density) * np.where(live, log_value, 0.0), 0.0)


@dataclass(frozen=True)
class OptimalDiscriminator:
    r"""The optimal discriminator :math:`D^*(x) = p(x) / (p(x) + q(x))` of a fixed generator.

    Made by :func:`optimal_discriminator`. Everything is computed from the log
    densities: the logit :math:`\log p - \log q`, then
    :math:`D^* = \sigma(\text{logit})` by :func:`scipy.special.expit`,
    :math:`\log D^* = -\text{softplus}(-\text{logit})` and
    :math:`\log(1 - D^*) = -\text{softplus}(\text{logit})`, so no density is
    exponentiated before the ratio is formed and values stay exact where
    both densities underflow (far in the tails).

    Where only :math:`q` vanishes the logit is :math:`+\infty` and
    :math:`D^* = 1`; where only :math:`p` vanishes, :math:`-\infty` and
    :math:`D^* = 0`. Where **both** vanish :math:`D^*` is undefined (any
    value maximizes :math:`p \log D + q \log(1 - D) = 0`, and no sample of
    either law lands there): the logit and :math:`D^*` are NaN.

    Attributes
    ----------
    P, Q : Distribution
        The data distribution and the generator's distribution.

    Examples
    --------
    >>> import gantheory as gt
    >>> D = gt.gan.optimal_discriminator(gt.Uniform(0, 2), gt.Uniform(1, 3))
    >>> D([0.5, 1.5, 2.5, 5.0])            # only p, both, only q, neither
    array([1. , 0.5, 0. , nan])
    """

    P: Distribution
    Q: Distribution

    def logit(self, x):
        """:math:`\\log p(x) - \\log q(x)`, shape of ``x`` (without its last axis in 2-D)."""
        return _logit(self.P.logpdf(x), self.Q.logpdf(x))

    def __call__(self, x):
        """:math:`D^*(x) = \\sigma(\\log p(x) - \\log q(x))`."""
        return special.expit(self.logit(x))

    def log_d(self, x):
        """:math:`\\log D^*(x) = -\\text{softplus}(-\\text{logit})`, 0 where q = 0."""
        return _log_sigmoid(self.logit(x))

    def log_one_minus_d(self, x):
        """:math:`\\log(1 - D^*(x)) = -\\text{softplus}(\\text{logit})`, 0 where p = 0."""
        return _log_sigmoid(-self.logit(x))

    def value_integrand(self, x):
        r"""The value function's integrand at the optimum, :math:`p \log D^* + q \log(1 - D^*)`.

        Zero where both densities vanish (:math:`0 \log 0 = 0`); integrated
        over x (summed over the atoms for discrete laws) it is
        :math:`V(D^*, G)`.
        """
        lp, lq = self.P.logpdf(x), self.Q.logpdf(x)
        logit = _logit(lp, lq)
        return _weighted(lp, _log_sigmoid(logit)) + _weighted(lq, _log_sigmoid(-logit))


def optimal_discriminator(P, Q) -> OptimalDiscriminator:
    r"""The optimal discriminator against a fixed generator: :math:`D^*(x) = p(x) / (p(x) + q(x))`.

    Parameters
    ----------
    P : Distribution
        The data distribution (:mod:`gantheory.distributions`, 1-D or 2-D).
    Q : Distribution
        The generator's distribution, of the same ``dim``. Both must have
        densities, or both be discrete (point masses: pmfs then).

    Returns
    -------
    OptimalDiscriminator
        A callable: ``D(x)`` is :math:`D^*(x)`; ``D.logit(x)``,
        ``D.log_d(x)``, ``D.log_one_minus_d(x)`` and ``D.value_integrand(x)``
        give the rest, all vectorized over ``x`` of shape ``(...)`` in 1-D
        and ``(..., 2)`` in 2-D.

    Notes
    -----
    For fixed :math:`G` the value function
    :math:`V(D, G) = \int p \log D + q \log(1 - D)\,dx` is maximized pointwise:
    :math:`a \log y + b \log(1 - y)` has its maximum on :math:`[0, 1]` at
    :math:`y = a/(a+b)` [1]_. The logit is computed as
    :math:`\log p - \log q`, exact where the densities themselves underflow
    (:func:`gantheory.symbolic.optimal_discriminator` derives the same
    formula). NaN where both densities vanish (see
    :class:`OptimalDiscriminator`).

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014,
       Proposition 1.

    Examples
    --------
    >>> import gantheory as gt
    >>> D = gt.gan.optimal_discriminator(gt.Normal(0, 1), gt.Normal(0, 2))
    >>> float(D(0.0))                      # p(0) = 2 q(0)
    0.666666...
    >>> float(D.log_d(40.0))               # log 2 - 3 x^2 / 8: D* = 1e-260 there, its log still exact
    -599.306852...
    """
    _check_pair(P, Q)
    return OptimalDiscriminator(P, Q)


def _discrete_support(P, Q):
    """The union of the atoms of two discrete laws (rows in 2-D)."""
    atoms = np.concatenate([exact._atoms(P)[0], exact._atoms(Q)[0]])
    return np.unique(atoms, axis=0)


def value_at_optimal_discriminator(P, Q) -> float:
    r"""The value of the game at the optimal discriminator, :math:`V(D^*, G)`, by integrating the value function.

    Parameters
    ----------
    P, Q : Distribution
        The data distribution and the generator's, as in
        :func:`optimal_discriminator`.

    Returns
    -------
    float
        In :math:`[-\log 4, 0]`: :math:`-\log 4` when :math:`P = Q`, 0 for
        mutually singular laws (:math:`D^*` then separates them perfectly).

    Notes
    -----
    .. math:: V(D^*, G) = \int p \log D^* + q \log(1 - D^*)\,dx,
              \qquad \log D^* = -\text{softplus}(\log q - \log p),

    integrated as it stands (:meth:`OptimalDiscriminator.value_integrand`),
    not through the JSD code, so that the identity
    :math:`V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(P, Q)` [1]_ is a check
    between independent computations. 1-D: :func:`scipy.integrate.quad` over
    the pieces between the laws' break points (support ends, modes,
    multiples of the scales; the helper of :func:`gantheory.js_divergence`),
    error estimate below 1e-8 relative. Discrete laws: the exact sum over
    the union of the atoms. 2-D (bivariate normals, products of
    Normal/Uniform/Laplace and their mixtures): the adaptive tensor
    Gauss-Legendre cubature of the 2-D divergences, to 1e-8 relative;
    ``NotImplementedError`` for other plane laws.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014,
       Theorem 1.

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.gan.value_at_optimal_discriminator(gt.Uniform(0, 1), gt.Uniform(2, 3))   # disjoint: D* is perfect
    0.0
    >>> gt.gan.value_at_optimal_discriminator(gt.Normal(0, 1), gt.Normal(0, 1))     # P = Q: -log 4
    -1.386294...
    """
    _check_pair(P, Q)
    D = OptimalDiscriminator(P, Q)
    if P.reference == "counting":
        return float(D.value_integrand(_discrete_support(P, Q)).sum())
    if P.dim == 1:
        value = exact._quad_pieces(lambda x: float(D.value_integrand(x)), exact._union(P, Q), (P, Q))
    else:
        value = _cubature._cubature("value_at_optimal_discriminator", D.value_integrand, P, Q, _cubature.RTOL_2D, _cubature.ATOL_2D)
    return min(max(value, -LOG4), 0.0)


# -- the generator's costs as functions of D(G(z)) -----------------------------


@dataclass(frozen=True)
class GeneratorCostCurves:
    r"""Each generator cost and its slope, as functions of :math:`D(G(z))` and of the logit.

    Made by :func:`generator_cost_curves`. Costs are per generated sample,
    without the factor ½ of the losses (as in Goodfellow's tutorial, Figure 16).

    Attributes
    ----------
    logits : ndarray, shape (n,)
        The discriminator's logits :math:`a` at which the curves are taken.
    d : ndarray, shape (n,)
        :math:`D(G(z)) = \sigma(a)`.
    cost : dict of str to ndarray
        ``cost[name]`` for ``name`` in :data:`CURVE_COSTS`.
    slope_d : dict of str to ndarray
        :math:`\partial\,\text{cost} / \partial D`.
    slope_logit : dict of str to ndarray
        :math:`\partial\,\text{cost} / \partial a`, the factor that multiplies
        :math:`\partial a / \partial\theta` in the generator's gradient.
    """

    logits: np.ndarray
    d: np.ndarray
    cost: dict
    slope_d: dict
    slope_logit: dict


def _curves_from_d(d):
    one_minus = 1.0 - d
    cost = {"minimax": np.log1p(-d), "non_saturating": -np.log(d), "maximum_likelihood": -d / one_minus}
    slope_d = {"minimax": -1.0 / one_minus, "non_saturating": -1.0 / d, "maximum_likelihood": -1.0 / one_minus**2}
    slope_logit = {"minimax": -d, "non_saturating": -one_minus, "maximum_likelihood": -d / one_minus}
    return cost, slope_d, slope_logit


def _curves_from_logits(a):
    with np.errstate(over="ignore"):  # e^a beyond 709: the true values are beyond float64, and inf says so
        ea, e_minus_a = np.exp(a), np.exp(-a)
        cost = {"minimax": -np.logaddexp(0.0, a), "non_saturating": np.logaddexp(0.0, -a), "maximum_likelihood": -ea}
        slope_d = {"minimax": -(1.0 + ea), "non_saturating": -(1.0 + e_minus_a), "maximum_likelihood": -((1.0 + ea) ** 2)}
    slope_logit = {"minimax": -special.expit(a), "non_saturating": -special.expit(-a), "maximum_likelihood": -ea}
    return cost, slope_d, slope_logit


def generator_cost_curves(d=None, logits=None) -> GeneratorCostCurves:
    r"""The generator's costs and their slopes against :math:`D(G(z))` and against the logit (the saturation story).

    Parameters
    ----------
    d : array_like, optional
        Values of :math:`D(G(z))` in the open interval (0, 1).
    logits : array_like, optional
        Values of the logit :math:`a`, :math:`D = \sigma(a)`. Give ``d`` or
        ``logits``, not both; with neither, 401 logits from -10 to 10.

    Returns
    -------
    GeneratorCostCurves

    Notes
    -----
    Per generated sample, with :math:`D = \sigma(a)` [1]_ [2]_:

    ==========================  ==========================  ========================  ========================
    cost                        :math:`c(D)`                :math:`dc/dD`             :math:`dc/da`
    ==========================  ==========================  ========================  ========================
    ``"minimax"``               :math:`\log(1 - D)`         :math:`-1/(1-D)`          :math:`-D`
    ``"non_saturating"``        :math:`-\log D`             :math:`-1/D`              :math:`-(1 - D)`
    ``"maximum_likelihood"``    :math:`-D/(1-D) = -e^{a}`   :math:`-1/(1-D)^2`        :math:`-e^{a}`
    ==========================  ==========================  ========================  ========================

    The generator's gradient is :math:`\mathbb{E}\,[dc/da \cdot \partial a/\partial\theta]`.
    When the discriminator rejects the generated samples (:math:`a \to -\infty`,
    :math:`D \to 0`), the minimax and maximum-likelihood slopes vanish like
    :math:`e^{a}`, the non-saturating slope tends to -1.

    Given ``logits``, everything is computed from :math:`a` in stable forms
    (:math:`\log(1-D) = -\text{softplus}(a)`, :math:`-\log D = \text{softplus}(-a)`,
    :math:`1/(1-D) = 1 + e^{a}`), exact at any logit; the
    maximum-likelihood cost :math:`-e^{a}` and the slopes in :math:`D`
    overflow to :math:`-\infty` beyond :math:`|a| \approx 709`, where their
    true values exceed float64. Given ``d``, from :math:`D` with ``log1p``;
    the logits are then :func:`scipy.special.logit` of ``d``.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial
       networks", arXiv:1701.00160, section 3.2.3 and Figure 16.
    .. [2] M. Arjovsky, L. Bottou, "Towards principled methods for training
       generative adversarial networks", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> curves = generator_cost_curves(logits=[-30.0, 0.0])
    >>> curves.slope_logit["minimax"]              # -D: vanishes as the discriminator wins
    array([-9.35762297e-14, -5.00000000e-01])
    >>> curves.slope_logit["non_saturating"]       # -(1 - D): stays near -1
    array([-1. , -0.5])
    """
    if d is not None and logits is not None:
        raise ValueError("give d or logits, not both")
    if d is None:
        a = np.linspace(-10.0, 10.0, 401) if logits is None else _as_real_vector(logits, "logits")
        cost, slope_d, slope_logit = _curves_from_logits(a)
        return GeneratorCostCurves(a, special.expit(a), cost, slope_d, slope_logit)
    d = _as_real_vector(d, "d")
    if not bool(((d > 0) & (d < 1)).all()):
        raise ValueError("d must lie in the open interval (0, 1): D(G(z)) = 0 or 1 makes a cost infinite; pass logits for the limits")
    cost, slope_d, slope_logit = _curves_from_d(d)
    return GeneratorCostCurves(special.logit(d), d, cost, slope_d, slope_logit)


def _as_real_vector(values, name):
    """A 1-D float64 array of real values (±inf allowed for logits, NaN refused)."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = np.atleast_1d(arr.astype(np.float64))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a scalar or a 1-D array, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr
