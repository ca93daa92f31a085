r"""The optimal discriminator, the value V(D*, G), and a trained discriminator approaching it.

Every function returns data (arrays, floats or a small dataclass); the
figures come from :mod:`gantheory.plotting`. The generator's costs as
functions of :math:`D(G(z))` and the vanishing-gradient experiment are in
:mod:`gantheory.gan.gradients`.

======================================  =========================================  ===============================
function                                what                                       how
======================================  =========================================  ===============================
:func:`optimal_discriminator`           :math:`D^* = p/(p+q)` as a function        exact, in log space
:func:`value_at_optimal_discriminator`  :math:`V(D^*, G)`                          1-D quadrature; sums over atoms
:func:`discriminator_convergence`       :math:`V(D, G)` of a trained MLP vs steps  training on our autograd
:func:`value_estimate`                  :math:`\hat V(D, G)` of any discriminator  fresh samples, ± standard error
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
from dataclasses import dataclass

import numpy as np
import scipy
from threadpoolctl import threadpool_limits

from gantheory._rng import Stream, as_generator, as_seed
from gantheory._validation import check_positive_int
from gantheory.autograd import nn, no_grad, ops, optim
from gantheory.distributions import Distribution
from gantheory.divergences import _cubature, exact
from gantheory.divergences._dispatch import check_pair, pmfs_on_union
from gantheory.divergences._quadrature import quad_pieces, union
from gantheory.gan import losses
from gantheory.gan.harness import as_inputs, hidden_sizes, logits, mean_and_se, train_logged

__all__ = [
    "OptimalDiscriminator",
    "optimal_discriminator",
    "value_at_optimal_discriminator",
    "DiscriminatorConvergence",
    "discriminator_convergence",
    "value_estimate",
    "SmoothedDiscriminator",
    "smoothed_discriminator",
    "PerfectDiscriminator",
    "perfect_discriminator",
    "smooth_step",
]

LOG4 = math.log(4.0)


# -- the optimal discriminator -------------------------------------------------


def _check_pair(P, Q):
    """P and Q: gantheory distributions of the same dim, both with densities or both discrete."""
    check_pair(P, Q, "auto")
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
        return scipy.special.expit(self.logit(x))

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
        return float(D.value_integrand(pmfs_on_union(P, Q)[0]).sum())  # over the union of the atoms
    if P.dim == 2:
        value = _cubature.integrate_plane("value_at_optimal_discriminator", D.value_integrand, P, Q)
    else:
        value = quad_pieces(lambda x: float(D.value_integrand(x)), union(P, Q), (P, Q))
    return min(max(value, -LOG4), 0.0)


# -- experiments: a trained discriminator against D* ---------------------------


def _value_terms(real_logits, fake_logits):
    r"""The terms of :math:`\hat V`: :math:`\log D(x_i)` and :math:`\log(1 - D(y_j))` from the logits, by the stable primitive."""
    return ops.log_sigmoid(real_logits), ops.log_sigmoid(-fake_logits)


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


def discriminator_convergence(
    P, Q, *, steps=1000, batch_size=256, hidden=(32, 32), lr=3e-3, log_every=50, n_eval=20_000, rng=0
):
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
    rng : int
        The seed of the run (initialization, training batches and
        evaluation samples): the same seed gives the same run. None and
        Generators are refused (TypeError), so that every run can be repeated.

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
    stream = Stream(as_generator(as_seed(rng)))  # one stream: D's initialization, the evaluation samples, the batches
    dim = P.dim
    D = nn.MLP([dim, *hidden_sizes(hidden), 1], activation="relu", rng=stream)
    opt = optim.Adam(D.parameters(), lr=lr)
    x_raw, y_raw = P.sample(n_eval, stream), Q.sample(n_eval, stream)
    x_eval, y_eval = as_inputs(x_raw, dim), as_inputs(y_raw, dim)
    star = OptimalDiscriminator(P, Q)
    star_p, star_q = star.log_d(x_raw), star.log_one_minus_d(y_raw)  # the terms of V(D*, G) at the same points

    def update(x, y):
        opt.zero_grad()
        losses.discriminator_cost(D(x), D(y)).backward()
        opt.step()

    def record():
        real, fake = logits(D, x_eval), logits(D, y_eval)
        terms_p, terms_q = _value_terms(real, fake)
        value = -2.0 * float(losses.discriminator_cost(real, fake))
        return (value, mean_and_se(terms_p, terms_q)[1], *mean_and_se(terms_p - star_p, terms_q - star_q))

    t, rows = train_logged(
        update,
        record,
        lambda n: as_inputs(P.sample(n, stream), dim),
        lambda n: as_inputs(Q.sample(n, stream), dim),
        steps=steps,
        log_every=log_every,
        batch_size=batch_size,
    )
    value, value_se, gap, gap_se = rows.T
    # 2-D densities: V(D*, G) through Theorem 1 and the JSD's 2-D route (value_at_optimal_discriminator would take plane cubature)
    plane = P.dim == 2 and P.reference == "lebesgue"
    value_optimal = -LOG4 + 2.0 * exact.js_divergence(P, Q) if plane else value_at_optimal_discriminator(P, Q)
    return DiscriminatorConvergence(t, value, value_se, gap, gap_se, value_optimal)


def value_estimate(D, P, Q, *, n=20_000, rng=0):
    r"""The value :math:`\hat V(D, G)` of a given discriminator on fresh samples, and its standard error.

    Since :math:`V(D, G) \le V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(P, Q)` for
    every :math:`D` (Goodfellow et al. 2014, Proposition 1 and Theorem 1),
    any discriminator gives a lower bound on the JSD,
    :math:`\mathrm{JSD}(P, Q) \ge (V(D, G) + \log 4)/2`, estimated here up to
    sampling error.

    Parameters
    ----------
    D : callable
        The discriminator's logits: an :mod:`gantheory.autograd` Module (or any
        callable) mapping an ``(n, dim)`` array to ``n`` logits, with
        :math:`D(x) = \sigma(\text{logit})` (e.g. ``History.discriminator`` of a
        classifier loss).
    P, Q : Distribution
        The data distribution and the generator's, of one dimension.
    n : int
        Samples of each law (independent of whatever ``D`` was trained on).
    rng : int, default 0
        Seed of the samples.

    Returns
    -------
    (float, float)
        :math:`\hat V(D, G) = \frac1n\sum_i \log D(x_i) + \frac1n\sum_j \log(1 - D(y_j))`
        (unbiased for :math:`V(D, G)`) and its standard error
        :math:`\sqrt{s_P^2/n + s_Q^2/n}`.

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> import gantheory as gt
    >>> P, Q = gt.Normal(0, 1), gt.Normal(1, 1)
    >>> half = lambda x: np.zeros(len(x))           # D = 1/2 everywhere: V = -log 4 exactly
    >>> value, se = gt.gan.optimal.value_estimate(half, P, Q, n=100, rng=0)
    >>> bool(abs(value + math.log(4)) < 1e-12), se
    (True, 0.0)
    """
    if not callable(D):
        raise TypeError(f"D must be a callable returning logits (an autograd Module, say), got {type(D).__name__}")
    for name, law in (("P", P), ("Q", Q)):
        if not isinstance(law, Distribution):
            raise TypeError(f"{name} must be a gantheory Distribution, got {type(law).__name__}")
    if P.dim != Q.dim:
        raise ValueError(f"P and Q must have one dimension, got {P.dim} and {Q.dim}")
    n = check_positive_int(n, "n")
    if n < 2:
        raise ValueError("n must be at least 2 (the standard error needs two samples)")
    stream = Stream(as_generator(rng))
    x, y = as_inputs(P.sample(n, stream), P.dim), as_inputs(Q.sample(n, stream), Q.dim)
    real, fake = (
        np.asarray(getattr(out, "data", out), dtype=np.float64).reshape(-1) for out in (_call(D, x), _call(D, y))
    )
    if real.shape != (n,) or fake.shape != (n,):
        raise ValueError(f"D must return one logit per point, got {real.shape[0]} for {n} points")
    return value_of_logits(real, fake)


def value_of_logits(real_logits, fake_logits):
    r""":math:`\hat V(D, G)` and its standard error from a discriminator's logits on real and on generated points.

    :math:`\frac1n\sum_i \log \sigma(a_i) + \frac1m\sum_j \log(1 - \sigma(b_j))`, by the stable
    :math:`\log\sigma`, with the standard error :math:`\sqrt{s_P^2/n + s_Q^2/m}` (what
    :func:`value_estimate` returns, on logits computed elsewhere: the live lab's fixed evaluation samples).

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> value, se = value_of_logits(np.zeros(4), np.zeros(4))     # D = 1/2: V = -log 4 exactly
    >>> bool(abs(value + math.log(4)) < 1e-15), se
    (True, 0.0)
    """
    real_logits, fake_logits = (np.asarray(a, dtype=np.float64).reshape(-1) for a in (real_logits, fake_logits))
    return mean_and_se(*_value_terms(real_logits, fake_logits))


def _call(D, x):
    with no_grad():
        return D(x)


# -- label smoothing: the optimal discriminator with soft targets ----------------


@dataclass(frozen=True)
class SmoothedDiscriminator:
    r"""A discriminator trained with smoothed labels beside :math:`(\alpha p + \beta q)/(p + q)`, made by :func:`smoothed_discriminator`.

    Attributes
    ----------
    x : ndarray, shape (g,)
        Evaluation grid.
    trained : ndarray, shape (g,)
        :math:`D(x)` of the trained MLP.
    optimal : ndarray, shape (g,)
        :math:`D^*_{\alpha\beta}(x) = \alpha D_0(x) + \beta (1 - D_0(x))`,
        :math:`D_0 = p/(p+q)` from :func:`optimal_discriminator` (log space).
    real_label, fake_label : float
        The targets :math:`\alpha` and :math:`\beta`.
    max_error : float
        :math:`\max |D - D^*_{\alpha\beta}|` over the grid.
    """

    x: np.ndarray
    trained: np.ndarray
    optimal: np.ndarray
    real_label: float
    fake_label: float
    max_error: float


def smoothed_discriminator(
    P, Q, *, real_label=0.9, fake_label=0.0, n=2000, steps=600, hidden=(16,), lr=2e-2, x=None, rng=0
) -> SmoothedDiscriminator:
    r"""Train a 1-D discriminator on fixed samples with label targets :math:`\alpha`, :math:`\beta` and compare it with its optimum.

    Parameters
    ----------
    P, Q : Distribution
        1-D data and generator distributions with densities.
    real_label, fake_label : float
        Targets :math:`\alpha` (real samples) and :math:`\beta` (generated), in [0, 1].
    n : int
        Size of the fixed sample of each law (drawn once).
    steps : int
        Full-batch Adam steps on the soft-target cross-entropy.
    hidden : int or sequence of int
        Hidden widths of the tanh MLP ``1 -> hidden... -> 1`` (logits).
    lr : float
        Adam's learning rate.
    x : array_like, optional
        Evaluation grid; default 201 points between the laws' 2% and 98% quantiles.
    rng : int, default 0
        Seed of the samples and of the initialization.

    Returns
    -------
    SmoothedDiscriminator

    Notes
    -----
    The cost is the cross-entropy against soft targets,
    :math:`\tfrac12\,\mathbb{E}_P[\alpha\,\mathrm{softplus}(-\ell) + (1-\alpha)\,\mathrm{softplus}(\ell)]
    + \tfrac12\,\mathbb{E}_Q[\beta\,\mathrm{softplus}(-\ell) + (1-\beta)\,\mathrm{softplus}(\ell)]`
    on the logits :math:`\ell`; pointwise it is minimized by
    :math:`D^* = (\alpha p + \beta q)/(p + q)`
    (:func:`gantheory.symbolic.smoothed_optimal_discriminator` derives it) [1]_.
    On finite samples the trained :math:`D` approaches it up to sampling
    error and what the MLP represents.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial
       networks", arXiv:1701.00160, 2016, §4.2.

    Examples
    --------
    >>> import gantheory as gt
    >>> fit = gt.gan.optimal.smoothed_discriminator(gt.Normal(0, 1), gt.Normal(2, 1), steps=300, rng=0)
    >>> bool(fit.max_error < 0.1), float(fit.optimal.max()) <= 0.9
    (True, True)
    """
    _check_pair(P, Q)
    if P.dim != 1 or P.reference != "lebesgue":
        raise NotImplementedError("smoothed_discriminator takes 1-D laws with densities")
    labels = []
    for name, value in (("real_label", real_label), ("fake_label", fake_label)):
        value = float(value)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must lie in [0, 1], got {value}")
        labels.append(value)
    alpha, beta = labels
    n, steps = check_positive_int(n, "n"), check_positive_int(steps, "steps")
    stream = Stream(as_generator(as_seed(rng)))
    D = nn.MLP([1, *hidden_sizes(hidden), 1], activation="tanh", rng=stream)
    opt = optim.Adam(D.parameters(), lr=lr)
    real, fake = as_inputs(P.sample(n, stream), 1), as_inputs(Q.sample(n, stream), 1)
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(steps):
            opt.zero_grad()
            lr_, lf = D(real), D(fake)
            cost = 0.5 * ops.mean(alpha * ops.softplus(-lr_) + (1 - alpha) * ops.softplus(lr_)) + 0.5 * ops.mean(
                beta * ops.softplus(-lf) + (1 - beta) * ops.softplus(lf)
            )
            cost.backward()
            opt.step()
    if x is None:
        lo, hi = min(P.ppf(0.02), Q.ppf(0.02)), max(P.ppf(0.98), Q.ppf(0.98))
        x = np.linspace(lo, hi, 201)
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    trained = scipy.special.expit(logits(D, as_inputs(x, 1)))
    d0 = OptimalDiscriminator(P, Q)(x)
    optimal = alpha * d0 + beta * (1.0 - d0)
    return SmoothedDiscriminator(x, trained, optimal, alpha, beta, float(np.max(np.abs(trained - optimal))))


# -- the perfect discriminator of laws on low-dimensional supports -----------------


def smooth_step(t):
    r"""A :math:`C^\infty` step: 0 for :math:`t \le 0`, 1 for :math:`t \ge 1`, :math:`f(t)/(f(t) + f(1 - t))` between, :math:`f(u) = e^{-1/u}`.

    Every derivative vanishes at 0 and at 1, so a function built from it is flat
    wherever its argument is outside (0, 1).

    Examples
    --------
    >>> from gantheory.gan.optimal import smooth_step
    >>> smooth_step([-1.0, 0.0, 0.5, 1.0, 2.0])
    array([0. , 0. , 0.5, 1. , 1. ])
    """
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(divide="ignore", over="ignore"):
        a = np.where(t > 0, np.exp(-1.0 / np.where(t > 0, t, 1.0)), 0.0)
        b = np.where(t < 1, np.exp(-1.0 / np.where(t < 1, 1.0 - t, 1.0)), 0.0)
    return (a / (a + b))[()]


@dataclass(frozen=True)
class PerfectDiscriminator:
    r"""A discriminator built from the distances to the two supports, made by :func:`perfect_discriminator`.

    :math:`D(x) = S\big((d_Q(x) - d_P(x))/(2m) + \tfrac12\big)` with :math:`S` = :func:`smooth_step`
    and :math:`m` = ``margin``; with ``margin = 0`` the indicator of :math:`d_P(x) < d_Q(x)` (1/2 on ties).

    Attributes
    ----------
    distance_to_real, distance_to_fake : callable
        :math:`d_P(x)` and :math:`d_Q(x)`, the Euclidean distances of points ``x`` (shape ``(n, dim)``) to
        the supports of the data and of the generator.
    margin : float
        :math:`m \ge 0`: D is 1 where :math:`d_Q - d_P \ge m` and 0 where :math:`d_Q - d_P \le -m`.
    """

    distance_to_real: object
    distance_to_fake: object
    margin: float

    def __call__(self, x):
        """:math:`D(x)` for points ``x`` of shape ``(n, dim)``."""
        gap = np.asarray(self.distance_to_fake(x), dtype=np.float64) - np.asarray(
            self.distance_to_real(x), dtype=np.float64
        )
        if self.margin == 0.0:
            return np.where(gap > 0, 1.0, np.where(gap < 0, 0.0, 0.5))[()]
        return smooth_step(gap / (2.0 * self.margin) + 0.5)


def perfect_discriminator(distance_to_real, distance_to_fake, *, margin=0.0) -> PerfectDiscriminator:
    r"""The perfect discriminator of Arjovsky & Bottou's Theorems 2.1 and 2.2, from the distances to the two supports.

    Parameters
    ----------
    distance_to_real, distance_to_fake : callable
        Points of shape ``(n, dim)`` -> their distances (shape ``(n,)``) to the support of the data and to the
        support of the generator.
    margin : float, default 0
        Width of the smooth transition (:class:`PerfectDiscriminator`); 0 for the indicator.

    Returns
    -------
    PerfectDiscriminator

    Notes
    -----
    Theorem 2.1 [1]_: if the two laws' supports lie in disjoint compact sets at distance :math:`\delta > 0`,
    a smooth discriminator has accuracy 1 and gradient 0 on both supports: here any ``margin`` in
    :math:`(0, \delta)` gives one (on the data's support :math:`d_P = 0`, :math:`d_Q \ge \delta > m`, so
    :math:`D = 1` in a neighbourhood of it; on the generator's, :math:`D = 0`). Theorem 2.2: if they
    are two low-dimensional manifolds that do not perfectly align (they meet transversally, in a set of
    measure 0 for both laws), a perfect discriminator still exists almost everywhere: with ``margin = 0``,
    :math:`D = 1[d_P < d_Q]` is 1 on the data's support off the intersection and 0 on the generator's,
    locally constant there. Then :math:`\mathrm{JSD}(P, Q) = \log 2` and :math:`V(D^*, G) = 0`.

    References
    ----------
    .. [1] M. Arjovsky and L. Bottou, "Towards principled methods for training generative adversarial
       networks", ICLR 2017, Theorems 2.1 and 2.2.

    Examples
    --------
    >>> import numpy as np
    >>> import gantheory as gt
    >>> theta = 0.5
    >>> to_segment = lambda c: lambda x: np.hypot(x[:, 0] - c, np.clip(x[:, 1], 0, 1) - x[:, 1])
    >>> D = gt.gan.optimal.perfect_discriminator(to_segment(0.0), to_segment(theta), margin=theta / 2)
    >>> D(gt.ParallelLines(0.0).sample(5, rng=0)), D(gt.ParallelLines(theta).sample(5, rng=1))
    (array([1., 1., 1., 1., 1.]), array([0., 0., 0., 0., 0.]))
    """
    for name, f in (("distance_to_real", distance_to_real), ("distance_to_fake", distance_to_fake)):
        if not callable(f):
            raise TypeError(f"{name} must be a callable returning distances, got {type(f).__name__}")
    margin = float(margin)
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be finite and >= 0, got {margin}")
    return PerfectDiscriminator(distance_to_real, distance_to_fake, margin)
