r"""The optimal discriminator, V(D*, G), and the vanishing gradient of the minimax GAN.

Every function returns data (arrays, floats or a small dataclass); the
figures come from :mod:`gantheory.plotting`.

======================================  =========================================  ===============================
function                                what                                       how
======================================  =========================================  ===============================
:func:`optimal_discriminator`           :math:`D^* = p/(p+q)` as a function        exact, in log space
:func:`value_at_optimal_discriminator`  :math:`V(D^*, G)`                          1-D quadrature; sums over atoms
:func:`discriminator_convergence`       :math:`V(D, G)` of a trained MLP vs steps  training on our autograd
:func:`generator_cost_curves`           each generator cost and its slope          exact, stable forms
:func:`vanishing_gradient`              the generator's gradient norm vs steps     training on our autograd
======================================  =========================================  ===============================

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
import numbers
from dataclasses import dataclass

import numpy as np
from scipy import special

from gantheory._rng import as_generator
from gantheory._validation import check_positive_int
from gantheory.autograd import nn, no_grad, ops, optim
from gantheory.distributions import Distribution, Normal
from gantheory.divergences import _cubature, exact
from gantheory.gan import losses
from gantheory.gan.train import AffineGenerator, _grad_norm

__all__ = [
    "OptimalDiscriminator",
    "optimal_discriminator",
    "value_at_optimal_discriminator",
    "CURVE_COSTS",
    "GeneratorCostCurves",
    "generator_cost_curves",
    "DiscriminatorConvergence",
    "discriminator_convergence",
    "VANISHING_COSTS",
    "VanishingGradient",
    "vanishing_gradient",
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
    the union of the atoms (1-D or 2-D). Plane densities: adaptive tensor
    Gauss-Legendre cubature in the plane, on the laws' break lines
    (:func:`gantheory.divergences._cubature.integrate_plane`; an
    ``AccuracyWarning`` if its error estimate stays above 1e-8 relative
    within its bounded work), which is not the route
    :func:`gantheory.js_divergence` takes between Gaussian mixtures (each
    component's whitened Gauss-Hermite rule).

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
        return float(D.value_integrand(exact._pmfs_on_union(P, Q)[0]).sum())  # over the union of the atoms
    if P.dim == 2:
        value = _cubature.integrate_plane("value_at_optimal_discriminator", D.value_integrand, P, Q)
    else:
        value = exact._quad_pieces(lambda x: float(D.value_integrand(x)), exact._union(P, Q), (P, Q))
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
        cost = {"minimax": -ops.softplus(a), "non_saturating": ops.softplus(-a), "maximum_likelihood": -ea}
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


# -- experiments: a trained discriminator against D* ---------------------------


def _hidden_sizes(hidden):
    """Validate the hidden layer widths of the discriminator MLP: a sequence of positive ints."""
    if isinstance(hidden, numbers.Integral):
        hidden = (hidden,)
    try:
        sizes = tuple(hidden)
    except TypeError:
        raise TypeError(f"hidden must be an int or a sequence of ints (layer widths), got {type(hidden).__name__}") from None
    return tuple(check_positive_int(h, "hidden") for h in sizes)


def _inputs(x, dim):
    """Samples of shape (n,) or (n, 2) as network inputs of shape (n, dim)."""
    return np.reshape(x, (-1, dim))


def _logits(D, x):
    """The network's outputs on raw inputs as a flat array, without recording a graph."""
    with no_grad():
        return D(x).data.reshape(-1)


def _mean_and_se(terms_p, terms_q):
    """Mean of E_P[a] + E_Q[b] from two independent samples, and its standard error."""
    value = terms_p.mean() + terms_q.mean()
    se = math.sqrt(terms_p.var(ddof=1) / terms_p.size + terms_q.var(ddof=1) / terms_q.size)
    return float(value), se


def _train_logged(update, record, sample_real, sample_fake, *, steps, log_every, batch_size):
    """Call ``update(real, fake)`` on fresh batches ``steps`` times and ``record()`` at step 0, every ``log_every`` steps and after the last.

    Returns the logged steps (shape ``(k,)``) and the records as rows of an array (shape ``(k, m)``).
    """
    logged, rows = [], []
    for t in range(steps + 1):
        if t % log_every == 0 or t == steps:
            logged.append(t)
            rows.append(record())
        if t < steps:
            update(sample_real(batch_size), sample_fake(batch_size))
    return np.array(logged), np.array(rows, dtype=np.float64)


@dataclass(frozen=True)
class DiscriminatorConvergence:
    r"""The value :math:`V(D, G)` of a discriminator trained against a fixed generator, made by :func:`discriminator_convergence`.

    Attributes
    ----------
    steps : ndarray of int, shape (k,)
        Training steps at which :math:`D` was evaluated (0 = the initial network).
    value : ndarray, shape (k,)
        :math:`V(D, G) = -2J` on the fixed evaluation sample.
    value_se : ndarray, shape (k,)
        Its standard error (the two sample means are independent).
    gap : ndarray, shape (k,)
        :math:`\hat V(D, G) - \hat V(D^*, G)` on the same evaluation sample
        (a paired difference: much smaller error than ``value``); its
        expectation is :math:`\le 0`.
    gap_se : ndarray, shape (k,)
        The standard error of ``gap``.
    value_optimal : float
        :math:`V(D^*, G)` by quadrature (:func:`value_at_optimal_discriminator`;
        for plane densities :math:`-\log 4 + 2\,\mathrm{JSD}(P, Q)` by the
        2-D cubature of :func:`gantheory.js_divergence`).
    """

    steps: np.ndarray
    value: np.ndarray
    value_se: np.ndarray
    gap: np.ndarray
    gap_se: np.ndarray
    value_optimal: float


def discriminator_convergence(P, Q, *, steps=1000, batch_size=256, hidden=(32, 32), lr=3e-3, log_every=50, n_eval=20_000, seed=0):
    r"""Train an MLP discriminator against a fixed generator and follow :math:`V(D, G)` up to :math:`V(D^*, G)`.

    Parameters
    ----------
    P : Distribution
        The data distribution.
    Q : Distribution
        The generator's distribution (fixed: the generator is not trained),
        of the same ``dim``; both with densities, or both discrete.
    steps : int
        Adam steps of the discriminator on :func:`~gantheory.gan.losses.discriminator_cost`,
        each on fresh batches of P and Q.
    batch_size : int
        Samples of each law per step.
    hidden : int or sequence of int
        Hidden widths of the ReLU MLP ``dim -> hidden... -> 1`` (logits).
    lr : float
        Adam's learning rate.
    log_every : int
        Evaluate every ``log_every`` steps (and at the last step).
    n_eval : int
        Size of the fixed evaluation samples of P and of Q, independent of
        the training batches.
    seed : None, int or numpy.random.Generator
        Initialization, training batches and evaluation samples.

    Returns
    -------
    DiscriminatorConvergence

    Notes
    -----
    With :math:`x_i \sim P`, :math:`y_j \sim Q` the evaluation samples,

    .. math:: \hat V(D, G) = \frac1n \sum_i \log D(x_i) + \frac1n \sum_j \log(1 - D(y_j)) = -2 \hat J,

    an unbiased estimate of :math:`V(D, G)` because :math:`D` never saw
    these samples; its standard error is
    :math:`\sqrt{s_P^2/n + s_Q^2/n}` from the sample variances of the two
    sets of terms. Since :math:`D^*` maximizes :math:`V(\cdot, G)` [1]_,
    :math:`V(D, G) \le V(D^*, G)` for every :math:`D`: the estimates may
    exceed :math:`V(D^*, G)` only by sampling error, and the paired
    difference ``gap`` (the same points under :math:`D` and :math:`D^*`)
    only by a few of its own, much smaller, standard errors. As :math:`D`
    learns, ``value`` climbs towards ``value_optimal`` from below; how close
    it gets depends on what the MLP can represent of the logit
    :math:`\log p - \log q`.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014,
       Proposition 1 and Theorem 1.

    Examples
    --------
    >>> import gantheory as gt
    >>> run = gt.gan.discriminator_convergence(gt.Normal(0, 1), gt.Normal(2, 1), steps=200, log_every=100, n_eval=2000)
    >>> run.steps
    array([  0, 100, 200])
    >>> bool(run.value[-1] > run.value[0]), bool((run.gap <= 4 * run.gap_se).all())
    (True, True)
    """
    _check_pair(P, Q)
    steps, batch_size = check_positive_int(steps, "steps"), check_positive_int(batch_size, "batch_size")
    log_every, n_eval = check_positive_int(log_every, "log_every"), check_positive_int(n_eval, "n_eval")
    rng = as_generator(seed)
    dim = P.dim
    D = nn.MLP([dim, *_hidden_sizes(hidden), 1], activation="relu", rng=rng)
    opt = optim.Adam(D.parameters(), lr=lr)
    x_raw, y_raw = P.sample(n_eval, rng), Q.sample(n_eval, rng)
    x_eval, y_eval = _inputs(x_raw, dim), _inputs(y_raw, dim)
    star = OptimalDiscriminator(P, Q)
    star_p, star_q = star.log_d(x_raw), star.log_one_minus_d(y_raw)  # the terms of V(D*, G) at the same points

    def update(x, y):
        opt.zero_grad()
        losses.discriminator_cost(D(x), D(y)).backward()
        opt.step()

    def record():
        real, fake = _logits(D, x_eval), _logits(D, y_eval)
        terms_p, terms_q = ops.log_sigmoid(real), ops.log_sigmoid(-fake)  # log D(x), log(1 - D(y))
        value = -2.0 * float(losses.discriminator_cost(real, fake))
        return (value, _mean_and_se(terms_p, terms_q)[1], *_mean_and_se(terms_p - star_p, terms_q - star_q))

    t, rows = _train_logged(
        update, record, lambda n: _inputs(P.sample(n, rng), dim), lambda n: _inputs(Q.sample(n, rng), dim),
        steps=steps, log_every=log_every, batch_size=batch_size,
    )
    value, value_se, gap, gap_se = rows.T
    # 2-D densities: V(D*, G) through Theorem 1 and the JSD's 2-D route (value_at_optimal_discriminator would take plane cubature)
    plane = P.dim == 2 and P.reference == "lebesgue"
    value_optimal = -LOG4 + 2.0 * exact.js_divergence(P, Q) if plane else value_at_optimal_discriminator(P, Q)
    return DiscriminatorConvergence(t, value, value_se, gap, gap_se, value_optimal)


# -- experiment: the vanishing gradient ----------------------------------------

VANISHING_COSTS = ("minimax", "non_saturating", "maximum_likelihood", "wasserstein")


@dataclass(frozen=True)
class VanishingGradient:
    r"""The frozen generator's gradient norm under each cost as its critic trains, made by :func:`vanishing_gradient`.

    Attributes
    ----------
    steps : ndarray of int, shape (k,)
        Discriminator (critic) steps at which the gradients were taken.
    norms : dict of str to ndarray, shape (n_seeds, k)
        ``norms[cost]`` for ``cost`` in :data:`VANISHING_COSTS`: the
        Euclidean norm of the gradient of the generator's cost with respect
        to its parameters :math:`(\mu, \sigma)`, on a fixed batch, one row
        per seed. The three classifier costs share one discriminator per
        seed; ``"wasserstein"`` uses a separately trained, weight-clipped
        critic.
    d_fake : ndarray, shape (n_seeds, k)
        The discriminator's mean output :math:`D(G(z))` on the fixed batch.
    seeds : tuple
        The seeds, one per row.
    """

    steps: np.ndarray
    norms: dict
    d_fake: np.ndarray
    seeds: tuple

    def decay(self, cost):
        """Last over first gradient norm, per seed (shape ``(n_seeds,)``): < 1 where the gradient shrank."""
        return self.norms[cost][:, -1] / self.norms[cost][:, 0]

    def log10_mean(self, cost):
        """Mean over seeds of :math:`\\log_{10}` of the gradient norm, shape ``(k,)`` (the curve of Arjovsky & Bottou's figures)."""
        return np.log10(self.norms[cost]).mean(axis=0)

    def log10_std(self, cost):
        """Standard deviation over seeds of :math:`\\log_{10}` of the gradient norm, shape ``(k,)`` (the spread)."""
        return np.log10(self.norms[cost]).std(axis=0, ddof=1) if len(self.seeds) > 1 else np.zeros(self.steps.size)


def _generator_gradient_norm(G, cost):
    """Norm of the gradient of ``cost`` (a scalar Tensor of G's output) over G's parameters; leaves no gradient behind."""
    for p in G.parameters():
        p.grad = None
    cost.backward()
    norm = _grad_norm(G.parameters())
    for p in G.parameters():
        p.grad = None
    return norm


def _vanishing_run(seed, target, G, *, sizes, steps, log_every, batch_size, n_fixed, lr, critic_lr, clip):
    """One seed of :func:`vanishing_gradient`: rows (norm under each classifier cost, mean D(G(z))) and rows (WGAN norm,)."""
    rng = as_generator(seed)
    z = rng.standard_normal((n_fixed, 1))  # the fixed batch

    def sample_real(n):
        return _inputs(target.sample(n, rng), 1)

    def sample_fake(n):
        with no_grad():
            return G(rng.standard_normal((n, 1))).data

    D = nn.MLP(sizes, activation="relu", rng=rng, init="glorot")
    opt = optim.Adam(D.parameters(), lr=lr)

    def update_discriminator(real, fake):
        opt.zero_grad()
        losses.discriminator_cost(D(real), D(fake)).backward()
        opt.step()

    def record_discriminator():
        logits = D(G(z))
        norms = [_generator_gradient_norm(G, losses.generator_cost(logits, cost)) for cost in VANISHING_COSTS[:3]]
        return (*norms, float(special.expit(logits.data).mean()))

    critic = nn.MLP(sizes, activation="relu", rng=rng, init="glorot")
    losses.clip_weights(critic, clip)
    critic_opt = optim.RMSProp(critic.parameters(), lr=critic_lr)

    def update_critic(real, fake):
        critic_opt.zero_grad()
        losses.wasserstein_critic_cost(critic(real), critic(fake)).backward()
        critic_opt.step()
        losses.clip_weights(critic, clip)

    def record_critic():
        return (_generator_gradient_norm(G, losses.wasserstein_generator_cost(critic(G(z)))),)

    schedule = dict(steps=steps, log_every=log_every, batch_size=batch_size)
    logged, classifier = _train_logged(update_discriminator, record_discriminator, sample_real, sample_fake, **schedule)
    _, wasserstein = _train_logged(update_critic, record_critic, sample_real, sample_fake, **schedule)
    return logged, classifier, wasserstein


def vanishing_gradient(
    target=None,
    *,
    generator_loc=2.0,
    generator_scale=0.1,
    steps=500,
    log_every=25,
    batch_size=128,
    n_fixed=256,
    hidden=(16, 16),
    lr=5e-2,
    critic_lr=5e-4,
    clip=0.01,
    seeds=(0, 1, 2),
) -> VanishingGradient:
    r"""Arjovsky & Bottou's vanishing-gradient experiment in miniature: a frozen generator, an improving discriminator.

    Parameters
    ----------
    target : Distribution, optional
        The 1-D data distribution; ``gt.Normal(0, 0.1)`` by default.
    generator_loc, generator_scale : float
        The frozen generator :math:`G(z) = \mu + \sigma z`
        (:class:`~gantheory.gan.train.AffineGenerator`), by default
        :math:`N(2, 0.1^2)`: 20 standard deviations from the target, so a
        near-perfect discriminator exists (the supports are disjoint in all
        but the far tails, as in Arjovsky & Bottou's setting).
    steps : int
        Discriminator steps (and, separately, critic steps).
    log_every : int
        The generator's gradients are taken every ``log_every`` steps and
        at the last.
    batch_size : int
        Fresh samples of the target and of G per discriminator step.
    n_fixed : int
        Size of the fixed batch :math:`z` on which the generator's
        gradients are taken.
    hidden : int or sequence of int
        Hidden widths of the ReLU MLPs (discriminator and critic, Glorot
        initialization: :math:`D(G(z))` starts near ½).
    lr : float
        Adam's learning rate for the discriminator (high, so that it
        approaches :math:`D^*` in a few hundred steps).
    critic_lr, clip : float
        RMSProp's learning rate and the weight-clipping bound of the WGAN
        critic (Arjovsky et al. 2017 use RMSProp and :math:`c = 0.01`).
    seeds : sequence of int
        One run per seed (initialization, training batches, fixed batch).

    Returns
    -------
    VanishingGradient

    Notes
    -----
    For each seed, an MLP discriminator is trained with Adam on
    :func:`~gantheory.gan.losses.discriminator_cost` towards :math:`D^*`
    while the generator stays fixed; every ``log_every`` steps the gradient
    of each generator cost (:func:`~gantheory.gan.losses.generator_cost`)
    with respect to :math:`(\mu, \sigma)` is taken on the same batch:

    .. math:: \nabla_\theta L = \tfrac12 \mathbb{E}_z\, c'(a(G_\theta(z)))\, \nabla_\theta a(G_\theta(z)),

    where :math:`a` is the logit and :math:`c'` the slope of
    :func:`generator_cost_curves`. As the discriminator approaches
    :math:`D^*`, :math:`a \to -\infty` on the generated samples: the minimax
    slope :math:`-\sigma(a)` and the maximum-likelihood slope :math:`-e^{a}`
    vanish exponentially and their gradients collapse by orders of magnitude
    (Arjovsky & Bottou [1]_, Theorem 2.4 and Figure 2), while the
    non-saturating slope tends to :math:`-1`: its gradient does not vanish;
    it *grows* with :math:`\|\nabla_x a\|` as the discriminator sharpens,
    like the :math:`-\log D` curves of their Figure 3. A WGAN critic with
    clipped weights, trained separately with RMSProp on
    :func:`~gantheory.gan.losses.wasserstein_critic_cost` [2]_, gives a
    gradient of :func:`~gantheory.gan.losses.wasserstein_generator_cost`
    that neither vanishes nor explodes (its size is set by the clipping).

    With the defaults (500 steps, 3 seeds; a few seconds) the minimax
    gradient falls by 5 to 7 orders of magnitude, the maximum-likelihood
    one likewise, the non-saturating one grows by a factor 60 to 600 (most
    of it in the first 50 steps, then slowly), and the clipped critic's
    settles after about 50 steps at a constant size. Arjovsky & Bottou
    trained for 4000 steps.

    References
    ----------
    .. [1] M. Arjovsky, L. Bottou, "Towards principled methods for training
       generative adversarial networks", ICLR 2017.
    .. [2] M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> run = gt.gan.vanishing_gradient(steps=200, log_every=100, seeds=(0,))
    >>> run.steps
    array([  0, 100, 200])
    >>> bool(run.decay("minimax")[0] < 1e-3), bool(run.decay("non_saturating")[0] > 1)
    (True, True)
    """
    target = Normal(0.0, 0.1) if target is None else target
    if not isinstance(target, Distribution):
        raise TypeError(f"target must be a gantheory distribution (e.g. gt.Normal(0, 0.2)), got {type(target).__name__}")
    if target.dim != 1:
        raise ValueError(f"target must be 1-D (the frozen generator is the 1-D affine map mu + sigma z), got dim {target.dim}")
    steps, log_every = check_positive_int(steps, "steps"), check_positive_int(log_every, "log_every")
    batch_size, n_fixed = check_positive_int(batch_size, "batch_size"), check_positive_int(n_fixed, "n_fixed")
    sizes = [1, *_hidden_sizes(hidden), 1]
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("seeds is empty; pass at least one seed, e.g. seeds=(0,)")
    G = AffineGenerator(generator_loc, generator_scale)  # frozen: no optimizer ever sees its parameters
    runs = [
        _vanishing_run(seed, target, G, sizes=sizes, steps=steps, log_every=log_every, batch_size=batch_size,
                       n_fixed=n_fixed, lr=lr, critic_lr=critic_lr, clip=clip)
        for seed in seeds
    ]  # fmt: skip
    norms = {cost: np.array([run[1][:, k] for run in runs]) for k, cost in enumerate(VANISHING_COSTS[:3])}
    norms["wasserstein"] = np.array([run[2][:, 0] for run in runs])
    return VanishingGradient(runs[0][0], norms, np.array([run[1][:, 3] for run in runs]), seeds)
