r"""The generator's gradient: each cost's slope as the discriminator wins, and the vanishing-gradient experiment.

Where the optimal discriminator (:mod:`gantheory.gan.optimal`) separates
the data from the generated samples, what is left of the generator's
gradient depends on its cost. With :math:`D = \sigma(a)`, a generator cost
:math:`L = \tfrac12 \mathbb{E}_z\, c(a(G(z)))` has the gradient
:math:`\tfrac12 \mathbb{E}_z\, c'(a)\, \nabla_\theta a(G(z))`, and the
factor :math:`c'(a)` decides.

==============================  ========================================================  ===========================
function                        what                                                      how
==============================  ========================================================  ===========================
:func:`generator_cost_curves`   each generator cost and its slope against D and a         exact, stable forms
:func:`slope_share`             the share of a batch's slope carried by its top samples   exact, on the batch given
:func:`vanishing_gradient`      a frozen generator's gradient norm as D trains, per cost  training on our autograd
:func:`effective_gradients`     each cost's expected gradient at D* and the divergence    quadrature; central
                                it follows (:func:`effective_objective`)                  differences of exact ones
==============================  ========================================================  ===========================

The figures come from :func:`gantheory.plotting.plot_generator_costs` and
:func:`gantheory.plotting.plot_vanishing_gradient`.

Examples
--------
>>> import gantheory as gt
>>> from gantheory.gan import gradients
>>> curves = gradients.generator_cost_curves(logits=[-20.0])     # a discriminator that rejects G(z) with D = 2e-9
>>> float(curves.slope_logit["minimax"][0]), float(curves.slope_logit["non_saturating"][0])
(-2.0611536181902037e-09, -0.9999999979388463)
>>> run = gradients.vanishing_gradient(steps=100, log_every=50, n_runs=1)
>>> bool(run.decay("minimax")[0] < 1e-2 < 1 < run.decay("non_saturating")[0])
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy

from gantheory._rng import Stream, as_seed
from gantheory._validation import check_positive_int
from gantheory.autograd import nn, no_grad, ops, optim
from gantheory.distributions import Distribution, Laplace, Mixture, Normal
from gantheory.divergences import exact
from gantheory.divergences._quadrature import quad_pieces, union
from gantheory.gan import harness, losses
from gantheory.gan.optimal import optimal_discriminator
from gantheory.gan.players import AffineGenerator

__all__ = [
    "CURVE_COSTS",
    "EffectiveGradients",
    "effective_gradients",
    "effective_objective",
    "GeneratorCostCurves",
    "generator_cost_curves",
    "slope_share",
    "VANISHING_COSTS",
    "VanishingGradient",
    "vanishing_gradient",
]

#: The generator costs of :func:`generator_cost_curves`, named as in :data:`gantheory.gan.losses.GENERATOR_COSTS`.
CURVE_COSTS = ("minimax", "non_saturating", "maximum_likelihood")


# -- the generator's costs as functions of D(G(z)) -----------------------------


@dataclass(frozen=True)
class GeneratorCostCurves:
    r"""Each generator cost and its slope, as functions of :math:`D(G(z))` and of the logit.

    Made by :func:`generator_cost_curves`. Costs are per generated sample,
    without the factor ½ of the losses (as in Goodfellow's tutorial, section 3.2.6).

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
        slope_d = {
            "minimax": -(1.0 + ea),
            "non_saturating": -(1.0 + e_minus_a),
            "maximum_likelihood": -((1.0 + ea) ** 2),
        }
    slope_logit = {
        "minimax": -scipy.special.expit(a),
        "non_saturating": -scipy.special.expit(-a),
        "maximum_likelihood": -ea,
    }
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
    :math:`1/(1-D) = 1 + e^{a}`), exact at any logit, except where the
    true value exceeds float64 and the result is :math:`-\infty`: the
    maximum-likelihood cost and slope :math:`-e^{a}` and the minimax slope
    in :math:`D` for :math:`a > 709.78`, the non-saturating slope in
    :math:`D` for :math:`a < -709.78`, and the maximum-likelihood slope in
    :math:`D`, :math:`-(1 + e^{a})^2`, already for :math:`a > 354.89`.
    Given ``d``, from :math:`D` with ``log1p``;
    the logits are then :func:`scipy.special.logit` of ``d``.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial
       networks", arXiv:1701.00160, sections 3.2.2-3.2.4 (the three costs) and 3.2.6 (compared).
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
        return GeneratorCostCurves(a, scipy.special.expit(a), cost, slope_d, slope_logit)
    d = _as_real_vector(d, "d")
    if not bool(((d > 0) & (d < 1)).all()):
        raise ValueError(
            "d must lie in the open interval (0, 1): D(G(z)) = 0 or 1 makes a cost infinite; pass logits for the limits"
        )
    cost, slope_d, slope_logit = _curves_from_d(d)
    return GeneratorCostCurves(scipy.special.logit(d), d, cost, slope_d, slope_logit)


def slope_share(logits, loss="maximum_likelihood", top=0.01) -> float:
    r"""The share of a batch's total slope :math:`\sum_i |dc/da|` carried by its samples with the largest :math:`D(G(z))`.

    Parameters
    ----------
    logits : array_like, shape (n,)
        The discriminator's logits :math:`a_i` on a batch of generated samples.
    loss : {"maximum_likelihood", "minimax", "non_saturating"}
        The generator cost (a key of :data:`CURVE_COSTS`).
    top : float
        The fraction of the batch with the largest logits (so the largest
        :math:`D(G(z))`), in (0, 1]: the top :math:`\lceil \text{top}\cdot n\rceil` samples.

    Returns
    -------
    float
        :math:`\sum_{i \in \text{top}} |c'(a_i)| / \sum_i |c'(a_i)|`, with
        :math:`c'` the slope in the logit of :func:`generator_cost_curves`.

    Notes
    -----
    Per sample the generator's gradient is :math:`c'(a)\,\nabla_\theta a(G_\theta(z))`.
    Where :math:`\nabla_x a` is the same for every sample (a discriminator
    whose logit is linear in x, as :math:`D^*` between two normals of one
    scale) this share is the share of the gradient itself. The
    maximum-likelihood slope :math:`-e^{a} = -D/(1-D)` is unbounded as
    :math:`D \to 1`, so a few samples that the discriminator takes for real
    carry most of it (Goodfellow's NIPS 2016 tutorial, §3.2.6) [1]_; the
    non-saturating slope :math:`-(1 - D)` is largest where :math:`D` is
    smallest.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial
       networks", arXiv:1701.00160, section 3.2.6.

    Examples
    --------
    >>> import numpy as np
    >>> logits = np.array([3.0, 0.0, -1.0, -2.0])
    >>> round(slope_share(logits, "maximum_likelihood", top=0.25), 4)   # e^3 / (e^3 + 1 + e^-1 + e^-2)
    0.9304
    >>> round(slope_share(logits, "non_saturating", top=0.25), 4)
    0.022
    """
    if loss not in CURVE_COSTS:
        raise ValueError(f"loss must be one of {list(CURVE_COSTS)}, got {loss!r}")
    if isinstance(top, bool) or not isinstance(top, (int, float)) or not 0 < top <= 1:
        raise ValueError(f"top must be a fraction in (0, 1], got {top!r}")
    a = _as_real_vector(logits, "logits")
    slopes = np.abs(generator_cost_curves(logits=a).slope_logit[loss])
    k = max(1, int(np.ceil(top * a.size - 1e-9)))
    order = np.argsort(a)[::-1]
    total = slopes.sum()
    if not np.isfinite(total) or total == 0:
        raise ValueError(f"the batch's total slope under {loss!r} is {total}: no share can be taken")
    return float(slopes[order[:k]].sum() / total)


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


# -- experiment: the vanishing gradient ----------------------------------------

#: The generator costs of :func:`vanishing_gradient`: three classifier costs (one discriminator) and the clipped WGAN's.
VANISHING_COSTS = ("minimax", "non_saturating", "maximum_likelihood", "wgan")


@dataclass(frozen=True)
class VanishingGradient:
    r"""The frozen generator's gradient norm under each cost as its critic trains, made by :func:`vanishing_gradient`.

    Attributes
    ----------
    steps : ndarray of int, shape (k,)
        Discriminator (critic) steps at which the gradients were taken.
    norms : dict of str to ndarray, shape (n_runs, k)
        ``norms[cost]`` for ``cost`` in :data:`VANISHING_COSTS`: the
        Euclidean norm of the gradient of the generator's cost with respect
        to its parameters :math:`(\mu, \sigma)`, on a fixed batch, one row
        per run. The three classifier costs share one discriminator per
        run; ``"wgan"`` uses a separately trained, weight-clipped critic.
    d_fake : ndarray, shape (n_runs, k)
        The discriminator's mean output :math:`D(G(z))` on the fixed batch.
    rng : int
        The seed of the experiment; run ``i`` is seeded by
        ``np.random.SeedSequence(rng).spawn(n_runs)[i]``.
    """

    steps: np.ndarray
    norms: dict
    d_fake: np.ndarray
    rng: int

    @property
    def n_runs(self) -> int:
        """The number of runs (rows of each array)."""
        return self.d_fake.shape[0]

    def decay(self, cost):
        """Last over first gradient norm, per run (shape ``(n_runs,)``): < 1 where the gradient shrank."""
        return self.norms[cost][:, -1] / self.norms[cost][:, 0]

    def log10_mean(self, cost):
        """Mean over runs of :math:`\\log_{10}` of the gradient norm, shape ``(k,)`` (the curve of Arjovsky & Bottou's figures)."""
        return np.log10(self.norms[cost]).mean(axis=0)

    def log10_std(self, cost):
        """Standard deviation over runs of :math:`\\log_{10}` of the gradient norm, shape ``(k,)`` (the spread; 0 for one run)."""
        return np.log10(self.norms[cost]).std(axis=0, ddof=1) if self.n_runs > 1 else np.zeros(self.steps.size)


def _generator_gradient_norm(G, cost):
    """Norm of the gradient of ``cost`` (a scalar Tensor of G's output) over G's parameters; leaves no gradient behind."""
    for p in G.parameters():
        p.grad = None
    cost.backward()
    norm = harness.grad_norm(G.parameters())
    for p in G.parameters():
        p.grad = None
    return norm


def _vanishing_run(seed, target, G, *, sizes, steps, log_every, batch_size, n_fixed, lr, wgan_lr, clip):
    """One run of :func:`vanishing_gradient` (``seed``: its SeedSequence): the logged steps, rows (norm under each classifier cost, mean D(G(z))) and rows (WGAN norm,)."""
    rng = np.random.default_rng(seed)  # one stream: the fixed batch, the batches, both networks' initialization
    stream = Stream(rng)
    z = rng.standard_normal((n_fixed, 1))  # the fixed batch

    def sample_real(n):
        return harness.as_inputs(target.sample(n, stream), 1)

    def sample_fake(n):
        with no_grad():
            return G(rng.standard_normal((n, 1))).data

    D = nn.MLP(sizes, activation="relu", rng=stream, init="glorot")
    opt = optim.Adam(D.parameters(), lr=lr)

    def update_discriminator(real, fake):
        opt.zero_grad()
        losses.discriminator_cost(D(real), D(fake)).backward()
        opt.step()

    def record_discriminator():
        logits = D(G(z))
        norms = [_generator_gradient_norm(G, losses.generator_cost(logits, cost)) for cost in VANISHING_COSTS[:3]]
        return (*norms, float(scipy.special.expit(logits.data).mean()))

    critic = nn.MLP(sizes, activation="relu", rng=stream, init="glorot")
    losses.clip_weights(critic, clip)
    critic_opt = optim.RMSProp(critic.parameters(), lr=wgan_lr)

    def update_critic(real, fake):
        critic_opt.zero_grad()
        losses.wasserstein_critic_cost(critic(real), critic(fake)).backward()
        critic_opt.step()
        losses.clip_weights(critic, clip)

    def record_critic():
        return (_generator_gradient_norm(G, losses.wasserstein_generator_cost(critic(G(z)))),)

    schedule = dict(steps=steps, log_every=log_every, batch_size=batch_size)
    logged, classifier = harness.train_logged(
        update_discriminator, record_discriminator, sample_real, sample_fake, **schedule
    )
    _, wgan = harness.train_logged(update_critic, record_critic, sample_real, sample_fake, **schedule)
    return logged, classifier, wgan


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
    wgan_lr=5e-4,
    clip=0.01,
    rng=0,
    n_runs=3,
) -> VanishingGradient:
    r"""Arjovsky & Bottou's vanishing-gradient experiment in miniature: a frozen generator, an improving discriminator.

    Parameters
    ----------
    target : Distribution, optional
        The 1-D data distribution; ``gt.Normal(0, 0.1)`` by default.
    generator_loc, generator_scale : float
        The frozen generator :math:`G(z) = \mu + \sigma z`
        (:class:`~gantheory.gan.players.AffineGenerator`), by default
        :math:`N(2, 0.1^2)`: 20 standard deviations from the target, so a
        near-perfect discriminator exists (the supports are disjoint in all
        but the far tails, as in Arjovsky & Bottou's setting). A
        ``generator_loc`` near the target's mean (0.1 or 0.2: one or two of
        its standard deviations) gives overlapping laws, the counterexample
        (see Notes).
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
        initialization).
    lr : float
        Adam's learning rate for the discriminator (high, so that it
        approaches :math:`D^*` in a few hundred steps; at 1e-3 it does not,
        and the minimax gradient falls by a factor 17 at most: see Notes).
    wgan_lr, clip : float
        The WGAN critic's RMSProp learning rate and weight-clipping bound
        (Arjovsky et al. 2017 use RMSProp and :math:`c = 0.01`); ``lr`` is the
        classifier discriminator's.
    rng : int
        The seed of the experiment (int only: None and Generators raise
        TypeError, so the result can be repeated). Run ``i`` draws its
        initializations, training batches and fixed batch from
        ``np.random.SeedSequence(rng).spawn(n_runs)[i]``, so the runs of a
        smaller ``n_runs`` are the first runs of a larger one.
    n_runs : int
        The number of independent runs.

    Returns
    -------
    VanishingGradient

    Notes
    -----
    In each run an MLP discriminator is trained with Adam on
    :func:`~gantheory.gan.losses.discriminator_cost` towards :math:`D^*`
    while the generator stays fixed; every ``log_every`` steps the gradient
    of each generator cost (:func:`~gantheory.gan.losses.generator_cost`)
    with respect to :math:`(\mu, \sigma)` is taken on the same batch:

    .. math:: \nabla_\theta L = \tfrac12 \mathbb{E}_z\, c'(a(G_\theta(z)))\, \nabla_\theta a(G_\theta(z)),

    where :math:`a` is the logit and :math:`c'` the slope of
    :func:`generator_cost_curves`. If the discriminator rejects the
    generated samples confidently (:math:`a \to -\infty` on them), the
    minimax slope :math:`-\sigma(a)` and the maximum-likelihood slope
    :math:`-e^{a}` vanish exponentially and their gradients collapse
    (Arjovsky & Bottou [1]_, Theorem 2.4 and Figure 2), while the
    non-saturating slope tends to :math:`-1`: its gradient does not vanish;
    its norm grows with :math:`\|\nabla_x a\|` as the discriminator
    sharpens. Norms are not comparable across costs (each has its own
    scale), and a surviving gradient is not a sound one: Arjovsky & Bottou's
    objection to :math:`-\log D` is that at :math:`D^*` its expected gradient
    is that of :math:`\mathrm{KL}(Q\|P) - 2\,\mathrm{JSD}(P, Q)`, and that a
    noisy discriminator makes its updates centred-Cauchy distributed. A WGAN critic with clipped
    weights (``"wgan"``), trained separately with RMSProp on
    :func:`~gantheory.gan.losses.wasserstein_critic_cost` [2]_, gives a
    gradient of :func:`~gantheory.gan.losses.wasserstein_generator_cost`
    whose size is set by the clipping.

    The collapse needs two things: **nearly disjoint supports**, so that a
    near-perfect discriminator exists, and **a discriminator that gets
    near-perfect** (:math:`D(G(z))` close to 0). Measured over 20 runs
    (``rng=0, n_runs=20``, 500 steps; ``benchmarks/vanishing_gradient_spread.py``,
    about 6 s):

    * the defaults (disjoint supports, ``lr=5e-2``): :math:`D(G(z))` ends
      between 1.6e-10 and 1.5e-7; the minimax gradient falls by 4.1 to 7.5
      orders of magnitude, the maximum-likelihood one by 4.4 to 7.9 (at the
      end the two differ by less than 1e-5 relative); the non-saturating one
      grows by a factor 68 to 1,600, at least 97% of it (on a log scale) by
      step 50; the clipped critic's grows by a factor 3.8 to 50 in its first
      steps and stays within 5% of its final size after step 50. The 3
      default runs: the minimax gradient falls by 4.3, 5.2 and 7.5 orders,
      the non-saturating one grows 78, 180 and 200 times.
    * ``lr=1e-3`` (the discriminator is still far from :math:`D^*` after
      500 steps: :math:`D(G(z))` ends between 0.002 and 0.02): the minimax
      gradient falls by a factor 1.5 to 17 only, the maximum-likelihood one
      by 3 to 54.
    * Overlapping laws, ``generator_loc=0.2``: no near-perfect
      discriminator exists (:math:`D^*(x) = \sigma(2 - 20x)`, whose mean
      over the generated samples is 0.22), the trained :math:`D(G(z))` ends
      between 0.18 and 0.33, and no gradient collapses: the minimax one
      grows by a factor 23 to 490 (19 to 150 with ``generator_loc=0.1``).

    Arjovsky & Bottou trained for 4000 steps.

    References
    ----------
    .. [1] M. Arjovsky, L. Bottou, "Towards principled methods for training
       generative adversarial networks", ICLR 2017.
    .. [2] M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> run = gt.gan.vanishing_gradient(steps=200, log_every=100, n_runs=2)
    >>> run.steps
    array([  0, 100, 200])
    >>> bool((run.decay("minimax") < 1e-3).all()), bool((run.decay("non_saturating") > 1).all())
    (True, True)
    >>> overlap = gt.gan.vanishing_gradient(generator_loc=0.2, steps=200, log_every=100, n_runs=2)   # overlapping laws
    >>> bool((overlap.decay("minimax") > 1).all())
    True
    """
    target = Normal(0.0, 0.1) if target is None else target
    if not isinstance(target, Distribution):
        raise TypeError(
            f"target must be a gantheory distribution (e.g. gt.Normal(0, 0.2)), got {type(target).__name__}"
        )
    if target.dim != 1:
        raise ValueError(
            f"target must be 1-D (the frozen generator is the 1-D affine map mu + sigma z), got dim {target.dim}"
        )
    steps, log_every = check_positive_int(steps, "steps"), check_positive_int(log_every, "log_every")
    batch_size, n_fixed = check_positive_int(batch_size, "batch_size"), check_positive_int(n_fixed, "n_fixed")
    rng, n_runs = as_seed(rng), check_positive_int(n_runs, "n_runs")
    sizes = [1, *harness.hidden_sizes(hidden), 1]
    G = AffineGenerator(generator_loc, generator_scale)  # frozen: no optimizer ever sees its parameters
    runs = [
        _vanishing_run(
            seed,
            target,
            G,
            sizes=sizes,
            steps=steps,
            log_every=log_every,
            batch_size=batch_size,
            n_fixed=n_fixed,
            lr=lr,
            wgan_lr=wgan_lr,
            clip=clip,
        )
        for seed in np.random.SeedSequence(rng).spawn(n_runs)
    ]
    norms = {cost: np.array([run[1][:, k] for run in runs]) for k, cost in enumerate(VANISHING_COSTS[:3])}
    norms["wgan"] = np.array([run[2][:, 0] for run in runs])
    return VanishingGradient(runs[0][0], norms, np.array([run[1][:, 3] for run in runs]), rng)


# -- what each generator cost minimizes at D* ----------------------------------


def effective_objective(P, Q, loss) -> float:
    r"""The divergence whose gradient a generator cost follows when the discriminator is at :math:`D^*`.

    Parameters
    ----------
    P : Distribution
        The data distribution (1-D, with a density).
    Q : Distribution
        The generator's distribution, of the same ``dim``.
    loss : {"minimax", "non_saturating", "maximum_likelihood"}
        The generator cost (:data:`CURVE_COSTS`).

    Returns
    -------
    float
        ``"minimax"``: :math:`2\,\mathrm{JSD}(P, Q)`; ``"non_saturating"``:
        :math:`\mathrm{KL}(Q\|P) - 2\,\mathrm{JSD}(P, Q)`;
        ``"maximum_likelihood"``: :math:`\mathrm{KL}(P\|Q)`; each by the exact
        functions :func:`gantheory.js_divergence` and :func:`gantheory.kl`
        (closed forms, else quadrature to 1e-8 relative).

    Notes
    -----
    Up to constants that do not move with the generator: the minimax cost's
    objective at :math:`D^*` is :math:`V(D^*, G) = 2\,\mathrm{JSD} - \log 4`
    (Goodfellow et al. 2014, Theorem 1). What :func:`effective_gradients`
    checks is the *gradient*: with :math:`D^*` held fixed at the current
    generator, each cost's expected gradient is the gradient of this
    objective there (see its Notes for the sources).

    Examples
    --------
    >>> import math
    >>> import gantheory as gt
    >>> from gantheory.gan import gradients
    >>> P, Q = gt.Normal(0, 1), gt.Normal(1, 1)
    >>> gradients.effective_objective(P, Q, "maximum_likelihood")     # KL(P||Q) = 1/2
    0.5
    >>> ns = gradients.effective_objective(P, Q, "non_saturating")
    >>> bool(abs(ns - (0.5 - 2 * gt.js_divergence(P, Q))) < 1e-15)
    True
    """
    if loss not in CURVE_COSTS:
        raise ValueError(f"loss must be one of {list(CURVE_COSTS)}, got {loss!r}")
    if loss == "maximum_likelihood":
        return exact.kl(P, Q)
    jsd2 = 2.0 * exact.js_divergence(P, Q)
    return jsd2 if loss == "minimax" else exact.kl(Q, P) - jsd2


@dataclass(frozen=True)
class EffectiveGradients:
    r"""Each generator cost's expected gradient at :math:`D^*` beside the gradient of its effective objective.

    Made by :func:`effective_gradients`. The generator is
    :math:`G(z) = \mu + \sigma z`, :math:`z \sim N(0, 1)`; gradients are
    with respect to :math:`(\mu, \sigma)`, arrays of shape ``(2,)``.

    Attributes
    ----------
    target : Distribution
        The data distribution :math:`P`.
    mu, sigma : float
        The generator's parameters at which everything is taken.
    h : float
        The relative step of the central differences (steps :math:`h\sigma`).
    expected_gradient : dict of str to ndarray
        ``expected_gradient[loss]`` for ``loss`` in :data:`CURVE_COSTS`: the
        expected gradient of the per-sample cost :math:`c(a(G(z)))` with
        :math:`D = D^*` held fixed, by quadrature over z.
    objective_gradient : dict of str to ndarray
        The central differences of :func:`effective_objective` in
        :math:`\mu` and :math:`\sigma`.
    objective : dict of str to float
        :func:`effective_objective` at :math:`(\mu, \sigma)`.
    """

    target: Distribution
    mu: float
    sigma: float
    h: float
    expected_gradient: dict
    objective_gradient: dict
    objective: dict

    def error(self, loss) -> float:
        """Largest absolute difference between the two gradients of ``loss`` (over the two parameters)."""
        return float(np.max(np.abs(self.expected_gradient[loss] - self.objective_gradient[loss])))


def _score(P, x: float) -> float:
    """:math:`d \\log p / dx` of a Normal, a Laplace or a Mixture of them, in closed form."""
    if isinstance(P, Normal):
        return -(x - P.loc) / P.scale**2
    if isinstance(P, Laplace):
        return -float(np.sign(x - P.loc)) / P.scale
    log_p = float(P.logpdf(x))
    return sum(
        math.exp(math.log(w) + float(c.logpdf(x)) - log_p) * _score(c, x)
        for c, w in zip(P.components, P.weights)
        if w > 0
    )


def _check_smooth_target(P):
    """P: a 1-D Normal, Laplace or Mixture of them (a density positive everywhere, differentiable but at finitely many points)."""
    laws = P.components if isinstance(P, Mixture) else [P]
    if not isinstance(P, Distribution) or not all(isinstance(c, (Normal, Laplace)) for c in laws):
        raise TypeError(
            f"P must be a 1-D gt.Normal, gt.Laplace or a gt.Mixture of them, got {P!r}: the generator's gradient at D* "
            "needs log p differentiable and finite everywhere (a uniform's D* jumps at its ends, and KL(Q||P) is infinite)"
        )


def effective_gradients(P, mu, sigma, *, h=1e-4) -> EffectiveGradients:
    r"""What each generator cost minimizes at :math:`D^*`: its expected gradient beside the gradient of its effective objective.

    Parameters
    ----------
    P : Distribution
        The 1-D data distribution: a :class:`~gantheory.distributions.Normal`,
        :class:`~gantheory.distributions.Laplace` or a
        :class:`~gantheory.distributions.Mixture` of them (a density that is
        positive everywhere, so that :math:`D^*` is smooth and every
        divergence below finite).
    mu, sigma : float
        The affine generator :math:`G(z) = \mu + \sigma z`,
        :math:`Q_\theta = N(\mu, \sigma^2)`, :math:`\sigma > 0`.
    h : float
        Relative step of the central differences, in (0, 0.1]: the steps
        are :math:`h\sigma` in :math:`\mu` and in :math:`\sigma`.

    Returns
    -------
    EffectiveGradients

    Notes
    -----
    Freeze the discriminator at the optimum for the current generator,
    :math:`D^* = \sigma(a)`, :math:`a = \log p - \log q_{\theta_0}`
    (:func:`~gantheory.gan.optimal.optimal_discriminator`). The generator's
    gradient of the per-sample cost :math:`c(a(G_\theta(z)))` of
    :func:`generator_cost_curves` (without the ½ of the losses) is, by the
    chain rule through :math:`x = \mu + \sigma z`,

    .. math:: \nabla_{(\mu, \sigma)}\, \mathbb{E}_z\, c(a(G_\theta(z)))
              = \mathbb{E}_z\big[c'(a(x))\, a'(x)\, (1, z)\big],
              \qquad a'(x) = \frac{d \log p}{dx} + \frac{x - \mu}{\sigma^2},

    computed here by 1-D quadrature over :math:`x = \mu + \sigma z`
    (QUADPACK on the pieces between the laws' break points, as the exact
    divergences are; the score :math:`d\log p/dx` in closed form), not by
    sampling. With :math:`c'(a)\,q = -D^* q`, :math:`-(1 - D^*)\,q` and
    :math:`-e^{a} q = -p` the integrands stay finite in the tails. They are
    compared with central differences of :func:`effective_objective`,
    computed by independent code (:func:`gantheory.kl`,
    :func:`gantheory.js_divergence`):

    ========================  ===============================================================  ========================================
    cost                      expected gradient at :math:`D^*` is the gradient of              source
    ========================  ===============================================================  ========================================
    ``"minimax"``             :math:`2\,\mathrm{JSD}(P, Q_\theta)` + a constant                Goodfellow et al. 2014, Theorem 1 [1]_
    ``"non_saturating"``      :math:`\mathrm{KL}(Q_\theta\|P) - 2\,\mathrm{JSD}(P, Q_\theta)`  Arjovsky & Bottou 2017, Theorem 2.5 [2]_
    ``"maximum_likelihood"``  :math:`\mathrm{KL}(P\|Q_\theta)`                                 Goodfellow 2016, §3.2.4 [3]_
    ========================  ===============================================================  ========================================

    The minimax row is the envelope theorem (:math:`D^*` maximizes
    :math:`V`, so moving it changes :math:`V(D^*, G)` only to second order).
    The non-saturating cost :math:`-\log D` follows a *reverse* KL, which
    charges little for missing modes and much for mass where :math:`P` has
    none, minus a JSD, whose sign pushes :math:`Q` away from :math:`P`: this
    is Arjovsky & Bottou's explanation of mode dropping under it. The
    maximum-likelihood cost :math:`-e^{a} = -D/(1-D)` follows the forward KL,
    the objective of maximum likelihood (Goodfellow 2016, §3.2.4; with the
    ½ of :math:`J^{(G)}`, half of it).

    Accuracy: the quadratures are kept to 1e-8 relative; the central
    differences have truncation error :math:`O(h^2)` and carry the
    divergences' quadrature error divided by :math:`2h\sigma`. Measured on
    the targets of the tests (normals, a Laplace, bimodal mixtures): with
    the default :math:`h = 10^{-4}` the two gradients differ by at most
    4e-7 absolute and 1.3e-7 relative to their largest component, and the difference shrinks about
    100 times when :math:`h` shrinks 10 times (from 1e-2 to 1e-3): it is the
    differences' truncation, not the quadrature. One call takes 0.1-0.6 s
    (12 exact divergences and 6 quadratures).

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014,
       Proposition 1 and Theorem 1.
    .. [2] M. Arjovsky, L. Bottou, "Towards principled methods for training
       generative adversarial networks", ICLR 2017, Theorem 2.5.
    .. [3] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial
       networks", arXiv:1701.00160, section 3.2.4.

    Examples
    --------
    >>> import gantheory as gt
    >>> from gantheory.gan import gradients
    >>> r = gradients.effective_gradients(gt.Normal(0, 1), 1.0, 1.0)
    >>> r.expected_gradient["maximum_likelihood"].round(9)          # KL(P||Q) = log s + (1 + mu^2)/(2 s^2) - 1/2
    array([ 1., -1.])
    >>> r.expected_gradient["non_saturating"].round(6), r.objective_gradient["non_saturating"].round(6)
    (array([0.602027, 0.198986]), array([0.602027, 0.198986]))
    >>> all(r.error(loss) < 1e-7 for loss in gradients.CURVE_COSTS)
    True
    """
    _check_smooth_target(P)
    if P.dim != 1:
        raise ValueError(f"P must be 1-D, got dim {P.dim}")
    mu, sigma = _finite(mu, "mu"), _finite(sigma, "sigma")
    if sigma <= 0:
        raise ValueError(f"sigma must be positive (the generator's scale), got {sigma}")
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not 0 < h <= 0.1:
        raise ValueError(f"h must be a relative step in (0, 0.1], got {h!r}")
    Q = Normal(mu, sigma)
    D = optimal_discriminator(P, Q)
    weights = {  # c'(a) q as log |.|: the sign of every slope is -1
        "minimax": lambda x, lq: lq + float(D.log_d(x)),
        "non_saturating": lambda x, lq: lq + float(D.log_one_minus_d(x)),
        "maximum_likelihood": lambda x, lq: float(P.logpdf(x)),
    }

    def integrand(loss, k):
        def f(x):
            lq = float(Q.logpdf(x))
            z = (x - mu) / sigma
            return -math.exp(weights[loss](x, lq)) * (_score(P, x) + z / sigma) * (1.0 if k == 0 else z)

        return f

    expected = {
        loss: np.array([quad_pieces(integrand(loss, k), union(P, Q), (P, Q)) for k in (0, 1)]) for loss in CURVE_COSTS
    }
    step = h * sigma
    shifted = {(k, s): Normal(mu + s * step * (k == 0), sigma + s * step * (k == 1)) for k in (0, 1) for s in (1, -1)}
    values = {key: {loss: effective_objective(P, Qk, loss) for loss in CURVE_COSTS} for key, Qk in shifted.items()}
    objective_gradient = {
        loss: np.array([(values[(k, 1)][loss] - values[(k, -1)][loss]) / (2.0 * step) for k in (0, 1)])
        for loss in CURVE_COSTS
    }
    objective = {loss: effective_objective(P, Q, loss) for loss in CURVE_COSTS}
    return EffectiveGradients(P, mu, sigma, float(h), expected, objective_gradient, objective)


def _finite(value, name) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(value)
    ):
        raise TypeError(f"{name} must be a finite real number, got {value!r}")
    return float(value)
