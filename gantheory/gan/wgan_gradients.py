r"""The generator's gradient through the WGAN critic: Theorem 3, and what a finite ``n_critic`` does to it.

* :func:`w1_location_gradient` -- WGAN's Theorem 3 [1]_ checked: the gradient of W1 through the optimal critic,
  :math:`\\nabla_\\theta W_1(P, Q_\\theta) = -E_z\\, \\nabla_\\theta f^*(g_\\theta(z))`, here
  :math:`-E_z f^{*\\prime}(\\theta + z)` for a location family, against central differences of the exact W1.
* :func:`critic_gradient_bias` -- the gradient through a critic trained ``n`` steps (WGAN's ``n_critic``), over
  seeds, against Theorem 3's.

The optimal critic :math:`f^*` is :func:`gantheory.gan.duality.optimal_critic`; the location families and their
checks are those of :mod:`gantheory.gan.critics`.

References
----------
.. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein GAN", ICML 2017, Theorem 3.

Examples
--------
>>> import gantheory as gt
>>> r = gt.gan.w1_location_gradient(gt.Normal(0, 1), gt.Normal(0, 1), [-1.0, 2.0])   # W1 = |theta|: slope sign(theta)
>>> [round(float(v), 6) for v in r.through_critic]
[-1.0, 1.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from gantheory._rng import Stream, as_generator, as_seed
from gantheory._validation import check_positive_int
from gantheory.autograd import grad, ops, optim
from gantheory.divergences import exact
from gantheory.gan import harness
from gantheory.gan.critics import check_location_family, shifted, theta_grid
from gantheory.gan.duality import CONSTRAINTS, critic_update, make_critic, optimal_critic

__all__ = ["W1LocationGradient", "w1_location_gradient", "CriticGradientBias", "critic_gradient_bias"]


# -- WGAN's Theorem 3: the generator's gradient through the critic ------------


@dataclass(frozen=True)
class W1LocationGradient:
    r""":math:`\partial_\theta W_1(P, Q_\theta)` two ways, for a location family (see :func:`w1_location_gradient`).

    Attributes
    ----------
    theta : ndarray, shape (k,)
        The generator's locations: :math:`Q_\theta` is ``base`` moved by :math:`\theta`.
    w1 : ndarray, shape (k,)
        :math:`W_1(P, Q_\theta)` (:func:`gantheory.w1`).
    through_critic : ndarray, shape (k,)
        WGAN's Theorem 3: :math:`-E_{z}\,f^{*\prime}(\theta + z)`, with
        :math:`f^*` the exact optimal critic of :math:`(P, Q_\theta)`
        (:func:`gantheory.gan.duality.optimal_critic`), integrated exactly
        against :math:`Q_\theta` piece by piece (:math:`f^{*\prime}` is
        constant between the critic's knots).
    finite_difference : ndarray, shape (k,)
        :math:`(W_1(P, Q_{\theta+h}) - W_1(P, Q_{\theta-h})) / 2h` of the exact :math:`W_1`.
    h : float
        The step of the central differences.
    """

    theta: np.ndarray
    w1: np.ndarray
    through_critic: np.ndarray
    finite_difference: np.ndarray
    h: float

    @property
    def error(self) -> float:
        """The largest :math:`|` ``through_critic`` :math:`-` ``finite_difference`` :math:`|` over theta."""
        return float(np.max(np.abs(self.through_critic - self.finite_difference)))


def _gradient_through(critic, Q) -> float:
    r""":math:`-E_Q f'(Y)` for a piecewise-linear 1-D critic (a :class:`KantorovichPotential`): exact, piece by piece."""
    knots = critic.knots
    slopes = np.sign(critic.slope(0.5 * (knots[:-1] + knots[1:])))
    mass = np.diff(Q.cdf(knots))  # Q's mass on each piece
    outside = critic.left_slope * float(Q.cdf(knots[0])) + critic.right_slope * float(Q.sf(knots[-1]))
    return -float(slopes @ mass + outside)


def w1_location_gradient(P, base, theta, *, h=1e-4) -> W1LocationGradient:
    r"""WGAN's Theorem 3 checked: :math:`\nabla_\theta W_1` through the optimal critic against finite differences.

    Arjovsky, Chintala and Bottou [1]_, Theorem 3: let :math:`P_\theta` be the
    law of :math:`g_\theta(Z)`, with :math:`Z` of density :math:`p` and
    :math:`g_\theta` locally Lipschitz in :math:`(\theta, z)` with an
    integrable local constant (their Assumption 1). Then the problem
    :math:`\max_{\|f\|_L \le 1} E_{P_r} f - E_{P_\theta} f` has a solution
    :math:`f^*`, and

    .. math:: \nabla_\theta W_1(P_r, P_\theta) = -E_{z \sim p}\big[\nabla_\theta f^*(g_\theta(z))\big]

    wherever both sides are defined. The critic moves with :math:`\theta`, but
    its own change does not count (an envelope theorem): the generator may
    differentiate through a *fixed* optimal critic. Here :math:`P_r` is ``P``,
    :math:`g_\theta(z) = \theta + z` with :math:`z \sim` ``base``, so
    :math:`\nabla_\theta g = 1` and the right side is :math:`-E_{Q_\theta} f^{*\prime}`,
    with the orientation of :func:`~gantheory.gan.duality.optimal_critic`
    (:math:`E_P f^* - E_{Q_\theta} f^* = W_1`). On the line it is also a direct
    calculation: :math:`W_1 = \int |F_P(x) - F_{\rm base}(x - \theta)|\,dx`
    and :math:`\partial_\theta F_{\rm base}(x - \theta) = -q_\theta(x)`, so
    :math:`\partial_\theta W_1 = -\int \operatorname{sign}(F_{Q_\theta} - F_P)\,q_\theta = -E_{Q_\theta} f^{*\prime}`.

    Parameters
    ----------
    P : Distribution
        1-D law with a CDF (the data; a Mixture, a Laplace law, ...).
    base : Distribution
        The generator at :math:`\theta = 0`: a 1-D Normal, Laplace, Uniform
        or a Mixture of them.
    theta : float or array_like
        Generator locations.
    h : float
        Step of the central differences of :func:`gantheory.w1`.

    Returns
    -------
    W1LocationGradient

    Notes
    -----
    The two sides are computed independently: ``through_critic`` from the
    sign changes of :math:`F_{Q_\theta} - F_P` (Brent's method) and the CDF
    of :math:`Q_\theta` on each piece of :math:`f^*`, ``finite_difference``
    from :math:`W_1` integrated by quadrature. They agree to about
    :math:`10^{-8}` where :math:`W_1` is differentiable. Where it is not
    (e.g. at :math:`\theta` with :math:`Q_\theta = P`, where
    :math:`W_1 = |\theta - \theta_0|` has a kink), the theorem says nothing
    and the two need not agree. Closed forms: between :math:`N(0, 1)` and
    :math:`N(\theta, \sigma^2)`, :math:`W_1 = E|\theta + (\sigma - 1)Z|` (the
    quantile coupling), whose derivative is :math:`2\Phi(\theta/|\sigma - 1|) - 1`,
    and :math:`\operatorname{sign}\theta` for :math:`\sigma = 1`.

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017, Theorem 3 (proof in their Appendix C).

    See Also
    --------
    critic_gradient_bias : the same gradient through a critic trained a finite number of steps.

    Examples
    --------
    >>> import gantheory as gt
    >>> r = gt.gan.wgan_gradients.w1_location_gradient(gt.Normal(0, 1), gt.Normal(0, 1), [-2.0, 1.5])
    >>> r.through_critic.tolist()           # W1 = |theta|: the gradient is sign(theta)
    [-1.0, 1.0]
    >>> bool(r.error < 1e-7)
    True
    """
    check_location_family(P, base, theta, 1)
    theta = theta_grid(theta, "theta", None)
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not (h > 0 and math.isfinite(h)):
        raise ValueError(f"h must be a positive number, got {h!r}")
    w1 = np.array([exact.w1(P, shifted(base, t)) for t in theta])
    through = np.array([_gradient_through(optimal_critic(P, shifted(base, t)), shifted(base, t)) for t in theta])
    central = np.array(
        [(exact.w1(P, shifted(base, t + h)) - exact.w1(P, shifted(base, t - h))) / (2.0 * h) for t in theta]
    )
    return W1LocationGradient(theta=theta, w1=w1, through_critic=through, finite_difference=central, h=float(h))


# -- a finite n_critic: the generator's gradient through a partly trained critic --


@dataclass(frozen=True)
class CriticGradientBias:
    r"""The generator's gradient through critics trained n steps, over seeds (see :func:`critic_gradient_bias`).

    Attributes
    ----------
    theta : float
        The generator's location: :math:`Q_\theta` is ``base`` moved by :math:`\theta`.
    n_critic : ndarray of int, shape (k,)
        Numbers of critic steps at which the gradient was taken.
    seeds : ndarray of int, shape (s,)
        The seed of each run (initialization, batches, penalty interpolates).
    gradient : ndarray, shape (s, k)
        :math:`-E_{Q_\theta} f_n'`: the generator's gradient in :math:`\theta`
        through the critic :math:`f_n` of each run after each number of steps.
    lipschitz : ndarray, shape (s, k)
        Each critic's measured Lipschitz constant, :math:`\max |f_n'|` on a grid over both laws.
    optimal : float
        Theorem 3's gradient :math:`\partial_\theta W_1 = -E_{Q_\theta} f^{*\prime}`
        (:func:`w1_location_gradient`).
    constraint : str
        The critic's Lipschitz constraint, a key of :data:`gantheory.gan.duality.CONSTRAINTS`.
    config : dict
        The settings (weight, c, hidden, lr, batch_size, n_quantiles, rng).
    """

    theta: float
    n_critic: np.ndarray
    seeds: np.ndarray
    gradient: np.ndarray
    lipschitz: np.ndarray
    optimal: float
    constraint: str
    config: dict

    @property
    def relative(self) -> np.ndarray:
        """``gradient / optimal``, shape (s, k): 1 is Theorem 3's gradient, below 0 the wrong direction."""
        return self.gradient / self.optimal

    @property
    def mean(self) -> np.ndarray:
        """The mean gradient over the seeds, shape (k,)."""
        return self.gradient.mean(axis=0)

    @property
    def bias(self) -> np.ndarray:
        """``mean - optimal``, shape (k,): the bias of the generator's gradient against Theorem 3's."""
        return self.mean - self.optimal

    @property
    def bias_se(self) -> np.ndarray:
        """The standard error of ``bias`` over the seeds, shape (k,) (0 for a single seed)."""
        s = self.gradient.shape[0]
        return self.gradient.std(axis=0, ddof=1) / math.sqrt(s) if s > 1 else np.zeros(self.n_critic.size)

    @property
    def wrong_sign(self) -> np.ndarray:
        """The share of the seeds whose gradient points against Theorem 3's, shape (k,)."""
        return (np.sign(self.gradient) != np.sign(self.optimal)).mean(axis=0)


def _input_slopes(critic, x):
    """:math:`f'(x)` of a 1-D critic on points ``x`` of shape (n,), by one backward pass."""
    return grad(lambda t: ops.sum(critic(t)))(x.reshape(-1, 1)).reshape(-1)


def _critic_run(P, Q, constraint, checkpoints, seed, *, weight, c, hidden, lr, batch_size, quantiles, grid):
    """One critic trained from its initialization for ``max(checkpoints)`` steps: (gradients, Lipschitz constants)."""
    stream = Stream(as_generator(seed))  # one stream: the critic, the batches, the penalty's interpolates
    critic = make_critic(constraint, hidden, stream)
    opt = optim.Adam(critic.parameters(), lr=lr)
    rows = []

    def record():
        critic.eval()
        g = -float(_input_slopes(critic, quantiles).mean())  # -E_Q f', midpoint rule in Q's quantiles
        k = float(np.abs(_input_slopes(critic, grid)).max())
        critic.train()
        rows.append((g, k))

    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: BLAS threads only slow it down
        if checkpoints[0] == 0:
            record()
        for step in range(1, int(checkpoints[-1]) + 1):
            x, y = P.sample(batch_size, stream).reshape(-1, 1), Q.sample(batch_size, stream).reshape(-1, 1)
            critic_update(critic, opt, x, y, constraint, weight=weight, c=c, stream=stream)
            if step in checkpoints:
                record()
    return np.array(rows)


def critic_gradient_bias(
    P,
    base,
    theta=0.0,
    n_critic=(1, 2, 5, 10, 20, 50, 100, 200),
    *,
    constraint="gradient_penalty",
    weight=10.0,
    c=0.01,
    hidden=(16, 16),
    lr=2e-3,
    batch_size=64,
    n_seeds=5,
    n_quantiles=1000,
    rng=0,
) -> CriticGradientBias:
    r"""What a finite ``n_critic`` does to the generator's gradient: the gradient through a critic trained n steps, against Theorem 3's.

    WGAN trains its critic ``n_critic`` steps between generator steps and then
    back-propagates through it, as if it were the optimal critic of Theorem 3
    (:func:`w1_location_gradient`). Here a ReLU critic
    ``1 -> hidden -> 1`` starts from its random initialization and takes Adam
    steps on fresh batches of :math:`P` and :math:`Q_\theta` (the WGAN cost and
    the chosen Lipschitz constraint, as :func:`gantheory.gan.duality.critic_convergence`),
    with the generator held at :math:`\theta`. After each number of steps in
    ``n_critic`` the generator's gradient through it is recorded,

    .. math:: g_n = -E_{z}\,f_n'(\theta + z) = -E_{Q_\theta} f_n',

    computed without sampling noise (the midpoint rule in :math:`Q_\theta`'s
    quantiles, ``n_quantiles`` points), so that what differs from Theorem 3's
    :math:`\partial_\theta W_1` is the critic alone. ``n_seeds`` runs (seeds
    ``rng``, ``rng + 1``, ...) give the bias :math:`E\,g_n - \partial_\theta W_1`
    and its standard error.

    Parameters
    ----------
    P : Distribution
        1-D data law (samples and a CDF).
    base : Distribution
        The generator at :math:`\theta = 0`: a 1-D Normal, Laplace, Uniform or a Mixture of them.
    theta : float
        The generator's location, where Theorem 3's gradient must be nonzero
        (otherwise there is no direction to compare with).
    n_critic : int or sequence of int
        Increasing numbers of critic steps (0 is the initial critic).
    constraint : str
        ``"gradient_penalty"``, ``"one_sided_penalty"``, ``"spectral_norm"``,
        ``"weight_clipping"`` or ``"none"`` (:data:`gantheory.gan.duality.CONSTRAINTS`).
    weight : float
        The penalties' weight :math:`\lambda`.
    c : float
        The clipping bound of ``"weight_clipping"``.
    hidden : int or sequence of int
        Hidden widths of the critic.
    lr : float
        Adam's learning rate (the chapter's critics use 2e-3).
    batch_size : int
        Samples of each law per step.
    n_seeds : int
        Independent runs.
    n_quantiles : int
        Quantiles of :math:`Q_\theta` over which :math:`f_n'` is averaged.
    rng : int, default 0
        The first run's seed; run i uses ``rng + i``.

    Returns
    -------
    CriticGradientBias

    Notes
    -----
    The critic starts from scratch, the worst case: in a running WGAN it
    resumes from the previous generator step, which is why WGAN's default of
    5 critic steps can suffice there, and why the authors' code gives the
    critic 100 steps for the first 25 generator iterations. From scratch, the
    first gradients are those of the random initial critic. Two effects
    remain after many steps. A penalized critic is steeper than :math:`f^*`
    (:func:`gantheory.gan.duality.penalty_optimum`), so its gradient
    overshoots Theorem 3's by a few percent. And the two-sided penalty
    :math:`\lambda(|f'| - 1)^2` has two wells, :math:`f' = \pm 1`: a critic
    that starts with the wrong slope on the generator's mass must climb the
    penalty at :math:`f' = 0` to turn round, and it can stay on the wrong
    side for hundreds of steps; the one-sided penalty
    :math:`\lambda \max(0, |f'| - 1)^2` has no such barrier. Cost: about
    2 ms of CPU per critic step.

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017, Theorem 3 and Algorithm 1 (``n_critic``).
    .. [2] I. Gulrajani et al., "Improved training of Wasserstein GANs", NeurIPS 2017.
    .. [3] H. Petzka, A. Fischer and D. Lukovnikov, "On the regularization of
       Wasserstein GANs", ICLR 2018.

    See Also
    --------
    w1_location_gradient, gantheory.plotting.plot_critic_gradient_bias

    Examples
    --------
    >>> import gantheory as gt
    >>> r = gt.gan.wgan_gradients.critic_gradient_bias(gt.Normal(0, 1), gt.Normal(0, 1), -2.0, [1, 50], n_seeds=2)
    >>> r.optimal, r.gradient.shape                     # W1 = |theta|: Theorem 3 gives sign(theta)
    (-1.0, (2, 2))
    >>> bool(abs(r.bias[-1]) < abs(r.bias[0]))            # fifty steps bring it closer than one
    True
    """
    check_location_family(P, base, 0.0, 1)
    if (
        isinstance(theta, bool)
        or not isinstance(theta, (int, float, np.integer, np.floating))
        or not math.isfinite(theta)
    ):
        raise TypeError(f"theta must be a finite real number (the generator's location), got {theta!r}")
    steps = np.atleast_1d(np.asarray(n_critic))
    if steps.ndim != 1 or steps.size == 0 or steps.dtype.kind not in "iu" or (steps < 0).any():
        raise ValueError(f"n_critic must be an int >= 0 or a 1-D sequence of them, got {n_critic!r}")
    if (np.diff(steps) <= 0).any():
        raise ValueError(f"n_critic must be increasing, got {steps.tolist()}")
    if constraint not in CONSTRAINTS:
        raise ValueError(f"constraint must be one of {list(CONSTRAINTS)}, got {constraint!r}")
    if not weight >= 0 or not c > 0:
        raise ValueError(f"weight must be >= 0 and c > 0, got weight={weight!r}, c={c!r}")
    hidden = harness.hidden_sizes(hidden)
    batch_size, n_seeds = check_positive_int(batch_size, "batch_size"), check_positive_int(n_seeds, "n_seeds")
    n_quantiles = check_positive_int(n_quantiles, "n_quantiles")
    first = as_seed(rng)
    theta = float(theta)
    Q = shifted(base, theta)
    optimal = float(w1_location_gradient(P, base, theta).through_critic[0])
    if optimal == 0.0:
        raise ValueError(f"Theorem 3's gradient is 0 at theta = {theta}: no direction to compare a critic's with")
    quantiles = np.asarray(Q.ppf((np.arange(n_quantiles) + 0.5) / n_quantiles), dtype=np.float64)
    ends = [float(L.ppf(u)) for L in (P, Q) for u in (1e-4, 1.0 - 1e-4)]
    grid = np.linspace(min(ends), max(ends), 401)
    seeds = first + np.arange(n_seeds)
    options = dict(weight=float(weight), c=float(c), hidden=hidden, lr=float(lr), batch_size=batch_size)
    runs = np.array(
        [_critic_run(P, Q, constraint, steps, int(s), quantiles=quantiles, grid=grid, **options) for s in seeds]
    )
    return CriticGradientBias(
        theta=theta,
        n_critic=steps.astype(np.int64),
        seeds=seeds.astype(np.int64),
        gradient=runs[:, :, 0],
        lipschitz=runs[:, :, 1],
        optimal=optimal,
        constraint=constraint,
        config={**options, "n_quantiles": n_quantiles, "rng": first},
    )
