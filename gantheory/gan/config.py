"""The options of a training run: :class:`TrainConfig`, one frozen, validated dataclass, and the per-loss defaults.

:func:`gantheory.gan.train` and :class:`gantheory.gan.training.Game` take a
:class:`TrainConfig` (and keyword overrides of its fields). Every option is
checked once, when the config is made, with an error that names it; options
left at ``None`` take the loss's defaults (:data:`LOSS_DEFAULTS`), resolved
when the game is built and recorded in ``History.config``. This module holds
what a run *is*; :mod:`gantheory.gan.training` how it runs.

Examples
--------
>>> import gantheory as gt
>>> config = TrainConfig(loss="wgan_gp", steps=2, batch_size=16, log_every=0, progress=False)
>>> config.resolved()                             # (optimizer, lr, d_lr, betas, n_critic) of WGAN-GP
('adam', 0.0001, 0.001, (0.5, 0.9), 5)
>>> gt.gan.train(gt.ring_of_gaussians(8), config, rng=1).config["rng"]      # a config, and an override
1
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from gantheory._rng import as_seed
from gantheory._validation import check_positive_int
from gantheory.autograd import optim
from gantheory.gan.losses import LOSSES

__all__ = ["LOSS_DEFAULTS", "LR_SCHEDULES", "OPTIMIZERS", "UPDATES", "TrainConfig"]

#: The ``optimizer=`` names :func:`~gantheory.gan.train` takes, and their :mod:`gantheory.autograd.optim` classes.
OPTIMIZERS = {"adam": optim.Adam, "sgd": optim.SGD, "rmsprop": optim.RMSProp}
#: The update rules :func:`~gantheory.gan.train` takes as ``update=``.
UPDATES = ("alternating", "simultaneous", "extragradient", "optimistic")


def _linear(k, steps):
    # the same arithmetic as an optimizer whose lr is lr0 * (1 - t / steps) at its t-th update (t = 0, 1, ...)
    return 1.0 - min(k / steps, 1.0)


def _cosine(k, steps):
    return 0.5 * (1.0 + math.cos(math.pi * min(k / steps, 1.0)))


#: The named ``lr_schedule=`` of :func:`~gantheory.gan.train`: name -> ``factor(k, steps)`` of the ``k``-th generator
#: step (``k = 0, 1, ...``); both reach 0 at ``k = steps`` and stay there.
LR_SCHEDULES = {"linear": _linear, "cosine": _cosine}

_CLASSIFIER = {
    "optimizer": "adam",
    "lr": 1e-3,
    "d_lr": 1e-3,
    "betas": (0.5, 0.999),
    "n_critic": 1,
}  # beta1 = 0.5 as DCGAN
LOSS_DEFAULTS = {
    "minimax": _CLASSIFIER,
    "non_saturating": _CLASSIFIER,
    "maximum_likelihood": _CLASSIFIER,
    "least_squares": _CLASSIFIER,
    # Arjovsky et al. 2017, Algorithm 1: RMSProp, lr 5e-5, n_critic 5 (clip c = 0.01 is in LOSSES["wgan"])
    "wgan": {"optimizer": "rmsprop", "lr": 5e-5, "d_lr": 5e-5, "betas": (0.5, 0.9), "n_critic": 5},
    # Gulrajani et al. 2017: Adam lr 1e-4, n_critic 5; betas (0.5, 0.9) of their toy code (gan_toy.py); Algorithm 1 has
    # beta1 = 0. The critic's lr is 10x the generator's: measured on the ring of 8 with the 64-unit players, the critic
    # at 1e-4 does not keep up and the generator oscillates (sliced W1 1.11 -> 1.16 after 2000 steps, seed 0).
    "wgan_gp": {"optimizer": "adam", "lr": 1e-4, "d_lr": 1e-3, "betas": (0.5, 0.9), "n_critic": 5},
    "cramer": {"optimizer": "adam", "lr": 1e-4, "d_lr": 1e-3, "betas": (0.5, 0.9), "n_critic": 5},
}
"""Per-loss defaults of :func:`~gantheory.gan.train`'s ``optimizer``, ``lr``, ``d_lr`` (when ``lr`` is not given either), ``betas``
(Adam only) and ``n_critic``."""


@dataclass(frozen=True)
class TrainConfig:
    """Every option of a training run, validated once: what :func:`~gantheory.gan.train` and :class:`~gantheory.gan.training.Game` take.

    A frozen dataclass: :meth:`replace` makes a changed copy (validated
    again). Options left at ``None`` take the loss's defaults
    (:data:`LOSS_DEFAULTS`) when the game is built; ``History.config`` records
    them resolved. An invalid value raises ``ValueError``/``TypeError``
    naming the option, at construction.

    Parameters
    ----------
    generator : None, "mlp", "affine", sequence of int, or Module
        ``None``/``"mlp"``: an MLP ``latent_dim -> 64 -> 64 -> dim`` (ReLU);
        ``"affine"``: :class:`~gantheory.gan.players.AffineGenerator` (1-D), whose generated
        distribution is known exactly; hidden widths ``(w1, ..., wL)``: an MLP
        ``latent_dim -> w1 -> ... -> wL -> dim`` (ReLU), initialized from
        the run's seed like the default (so each run builds its own); or any
        Module mapping ``(n, latent_dim)`` noise to ``(n, dim)`` points (a
        Module is trained in place: pass a new one to each run).
    discriminator : None, sequence of int, or Module
        ``None``: an MLP ``dim -> 64 -> 64 -> 1`` (16 outputs, the features
        :math:`h`, for ``"cramer"``; its input width is ``pack * dim``, + 1
        with ``minibatch_std``); hidden widths ``(w1, ..., wL)``: the same MLP
        with those hidden layers; or a Module. ``History.config`` records
        hidden widths as given (a list), a Module by its type's name.
    loss : str
        A key of :data:`gantheory.gan.losses.LOSSES`: ``"non_saturating"``
        (default), ``"minimax"``, ``"maximum_likelihood"``, ``"least_squares"``,
        ``"wgan"`` (weight clipping at 0.01), ``"wgan_gp"`` (gradient penalty,
        :math:`\\lambda = 10`), ``"cramer"``.
    optimizer : None, str, callable or (Optimizer, Optimizer)
        ``None``: the loss's default (table below); ``"adam"``, ``"sgd"``,
        ``"rmsprop"``; a factory ``f(params, lr)`` such as
        ``gantheory.autograd.optim.SGD``; or a pair of optimizer instances
        (generator's, discriminator's; ``lr``, ``d_lr`` and ``betas`` are then theirs).
    lr, d_lr : float, optional
        Learning rates of the generator and of the discriminator. ``lr=None``:
        the loss's defaults (for both, unless ``d_lr`` is given); ``d_lr=None``
        with ``lr`` given: ``lr``.
    betas : (float, float), optional
        Adam's :math:`(\\beta_1, \\beta_2)` (``optimizer="adam"`` only);
        ``None``: the loss's default.
    lr_schedule : None, "linear", "cosine" or callable
        Both players' learning rates as a function of the step:
        :math:`\\eta_k = \\eta \\, f(k)` in the ``k``-th generator step
        (``k = 0, 1, ..., steps - 1``; the first step has :math:`f(0)`).
        ``None`` (default): constant, :math:`f = 1`; ``"linear"``:
        :math:`f(k) = 1 - k/\\mathrm{steps}` (0 at the end of ``steps``);
        ``"cosine"``: :math:`f(k) = \\frac12 (1 + \\cos(\\pi k/\\mathrm{steps}))`
        (Loshchilov and Hutter [11]_, without restarts); or a callable
        ``f(k) -> factor``, a finite number >= 0 (checked at ``k = 0`` when
        the config is made, and at every step). See Notes.
    batch_size, steps : int
        Batch size (of each player's step) and training steps.
    n_critic : int, optional
        Discriminator updates per generator update (``update="alternating"``
        only); ``None``: the loss's default (1 with the other update rules).
    update : {"alternating", "simultaneous", "extragradient", "optimistic"}
        Alternating: ``n_critic`` discriminator steps, then a generator step
        against the updated discriminator. Simultaneous: both gradients at the
        same parameters and batch, then both updates. Extragradient [12]_ and
        optimistic [13]_: the maps of
        :meth:`~gantheory.gan.dynamics.DiracGAN.trajectory`, for plain SGD
        only (``optimizer="sgd"``). See Notes.
    unroll : int
        ``k >= 0``: the generator's cost is taken against the discriminator
        after ``k`` further updates of its optimizer, differentiated through
        them (Metz et al. [4]_; 0, the default, for the plain game). See Notes.
    pack : int
        ``m >= 1``: the discriminator sees ``m`` samples concatenated
        (PacGAN, Lin et al. [5]_): its inputs have width ``m * dim`` (the
        default discriminator is built so), every batch is cut into
        ``batch_size / m`` packs of consecutive samples, and ``batch_size``
        must be divisible by ``m``. 1 (default): no packing.
    minibatch_std : bool
        Append the minibatch standard-deviation feature of Karras et al. [6]_
        to the discriminator's input (:func:`~gantheory.gan.players.append_minibatch_std`: the
        coordinates' standard deviations over the batch, averaged, one more
        input column; with ``pack`` over the packed batch). The default
        discriminator gets the extra input. False (default): none.
    r1 : float
        :math:`\\gamma \\ge 0`: add the zero-centred R1 penalty
        :math:`\\frac{\\gamma}{2}\\mathbb{E}_P\\|\\nabla_x D(x)\\|^2` on each real
        batch to the discriminator's cost (Mescheder et al. [7]_;
        :func:`~gantheory.gan.losses.r1_penalty`, on the logits or scores, on
        top of the loss's own penalty if it has one). 0 (default): none.
        The batch estimate is :math:`\\frac{\\gamma}{2}\\frac1n\\sum_i
        \\|\\partial_{x_i} \\sum_j D(x_j)\\|^2`, the gradient of the
        batch's summed output. Without ``minibatch_std`` each output depends
        on its own sample only and that is the per-sample
        :math:`\\|\\nabla_x D(x_i)\\|^2`; with ``minibatch_std``, whose feature
        ties every output to the whole batch, it includes the cross-sample
        terms :math:`\\partial D(x_j) / \\partial x_i` through the feature
        (StyleGAN2's practice [10]_: its R1 differentiates the summed logits of a
        discriminator with a minibatch-std layer), and differs from the
        per-sample penalty with the feature held fixed (by 27% on the
        default players at batch 16, as a test measures).
    spectral_norm : bool
        Wrap the discriminator's Linear layers in
        :class:`~gantheory.autograd.nn.SpectralNorm` (Miyato et al. [8]_,
        :func:`~gantheory.autograd.nn.spectral_norm`; one power-iteration step
        per call in training; the discriminator is in evaluation mode, its
        singular vectors fixed, in the unrolled updates and the snapshots).
        Any discriminator that :func:`~gantheory.autograd.nn.spectral_norm`
        accepts (a Linear, a Sequential, an MLP). False (default): none.
    clip, gradient_penalty : float, optional
        The critic's Lipschitz constraints, for any loss: clip its weights to
        :math:`[-c, c]` after each update (Arjovsky et al. [2]_), and add the
        gradient penalty of weight :math:`\\lambda` (Gulrajani et al. [3]_,
        :func:`~gantheory.gan.losses.gradient_penalty`). ``None`` (default):
        the loss's own (clip 0.01 for ``"wgan"``, :math:`\\lambda = 10` for
        ``"wgan_gp"`` and ``"cramer"``, none otherwise); 0: none.
    one_sided : bool
        Use the gradient penalty's one-sided form (Petzka et al. [9]_), which
        penalizes only gradient norms above 1; needs a gradient penalty.
    latent_dim : int, optional
        Noise dimension (default: the target's dimension for the MLP, 1 for
        the affine generator, else read from the generator's first layer).
    log_every : int or None
        Take ``metrics`` every this many steps (and before the first and after
        the last); ``None`` or 0 for none.
    snapshot_every : int or None
        Record a snapshot every this many steps (default ``steps // 10``;
        0 for only the first and last).
    n_eval, n_snapshot, grid_size : int
        Generated and target points of each metric (at most all the points of
        a sample target); generated points of each snapshot; grid points per
        axis (default 128 in 1-D, 32 in 2-D).
    rng : int
        The seed of the run (default 0): it fixes everything, and the same
        seed gives the same history bit for bit. An int only (NumPy integers
        too): ``None`` or a Generator raise TypeError, since the run could not
        be repeated from its record (``config["rng"]``).
    dtype : {numpy.float64, numpy.float32}
        Of the default players, the batches and the noise (float32 is faster
        for large batches; the metrics are computed in float64).
    progress : None or bool
        A tqdm bar: ``None`` shows it on a terminal only.

    Notes
    -----
    **Per-loss defaults** (:data:`LOSS_DEFAULTS`), used for the options left
    at ``None`` and recorded, resolved, in ``History.config``:

    ===========================  =========  ======  ======  ============  ========
    loss                         optimizer  lr      d_lr    Adam betas    n_critic
    ===========================  =========  ======  ======  ============  ========
    the four classifier losses   adam       1e-3    1e-3    (0.5, 0.999)  1
    ``"wgan"``                   rmsprop    5e-5    5e-5    --            5
    ``"wgan_gp"``, ``"cramer"``  adam       1e-4    1e-3    (0.5, 0.9)    5
    ===========================  =========  ======  ======  ============  ========

    The classifier losses (``"minimax"``, ``"non_saturating"``,
    ``"maximum_likelihood"``, ``"least_squares"``) use Adam with
    :math:`\\beta_1 = 0.5` as DCGAN (Radford et al. 2016). ``"wgan"`` is
    Algorithm 1 of [2]_ (RMSProp, lr 5e-5, clip 0.01, :math:`n_{critic} = 5`).
    ``"wgan_gp"`` follows [3]_ (Adam, generator lr 1e-4, :math:`n_{critic} = 5`,
    :math:`\\lambda = 10`) with the :math:`\\beta = (0.5, 0.9)` of their toy
    experiments' code (their Algorithm 1 states :math:`\\beta_1 = 0`), and a
    critic 10 times faster (lr 1e-3): with the 64-unit players on the ring of
    8 Gaussians, a critic at 1e-4 does not keep up and the generator
    oscillates (measured, 2000 steps at batch 256, seeds 0, 1, 2: sliced W1
    1.11 -> 1.16, 1.53 -> 0.69, 1.31 -> 1.22 with ``d_lr=1e-4``; with the
    default faster critic 1.11 -> 0.22, 1.53 -> 0.19, 1.31 -> 0.26, as
    ``python benchmarks/bench_gan.py --defaults`` prints for every loss).
    ``"cramer"``, whose critic carries the same gradient penalty, takes the
    same settings. A given ``lr`` is both players' unless ``d_lr`` is given.

    **Remedies for mode collapse** (``unroll``, ``pack``, ``minibatch_std``,
    ``r1``) combine with each other and with every loss, and are recorded in
    ``History.config`` under their names. At their defaults the run is the
    plain one, bit for bit.

    *Unrolling* [4]_: with :math:`D_0` the discriminator the generator's
    update would face (after the step's ``n_critic`` updates, alternating; the
    current one, simultaneous), :math:`D_{j+1}` is :math:`D_j` after one
    update of the discriminator's optimizer (its state copied: Adam's moments
    and step counts, momentum buffers) on a fresh real batch and a fresh
    generated batch, with the loss's penalties and clipping. The generator
    minimizes its cost against :math:`D_k`, and its gradient flows through
    the ``k`` updates (through the generated batches in each update's
    gradient: second derivatives, third with a gradient penalty) by the
    optimizers' :meth:`~gantheory.autograd.optim.Optimizer.functional_step`.
    The discriminator keeps only its own update(s): the unrolled ones are
    discarded. It needs an optimizer that can record its update on the graph
    (SGD, Adam, RMSProp); any other raises TypeError naming ``unroll``. The
    work grows linearly in ``k`` (reverse mode over the updates, one at a
    time): measured in CPU time on the ring of 8 at batch 256 with the
    default players, one BLAS thread and float32, about 930 steps/s plain,
    190 with ``unroll=1`` and 66 with ``unroll=5`` (float64: 610, 130, 51).
    The snapshots' generator field is taken against :math:`D_0`.

    **The lr schedule** (``lr_schedule``). Before each update the game sets
    the optimizer's ``lr`` attribute to its initial value times
    :math:`f(k)`, with ``k`` the index of the generator step the update
    belongs to: the game's completed steps (``Game.steps``), so the
    discriminator updates of a step (its ``n_critic`` updates before the
    generator's, alternating; its one update, simultaneous) take the factor
    of the generator update they precede. The initial value is the
    resolved ``lr``/``d_lr``, or for a pair of optimizer instances (or a
    factory's optimizers) their ``lr`` when the game is built. It applies to
    every optimizer that has an ``lr`` attribute (all of
    :mod:`gantheory.autograd.optim`'s: Adam, SGD and RMSProp by name, by
    factory or as instances); the rest of each optimizer's state (Adam's
    moments and step counts, the momentum buffers) is untouched. With
    ``unroll=k``, the ``k`` unrolled discriminator updates of a generator
    step use the discriminator's lr of that step (the one its own updates of
    the step used): the look-ahead follows the schedule, frozen over its
    ``k`` updates. Only the schedule itself is applied: at
    :math:`f \\equiv 1` the run equals the constant-lr run bit for bit
    (``lr * 1.0 == lr``). With ``lr_schedule=None`` the game never writes
    ``lr``, so an optimizer that schedules itself keeps doing so. Named
    schedules count towards ``steps`` (also for a :class:`~gantheory.gan.training.Game`
    stepped by hand, which then stays at factor 0 past ``steps``).
    ``History.config["lr_schedule"]`` records ``None``, the name, or for a
    callable a description (``"callable <qualified name>"``), which cannot be
    rebuilt from the JSON: pass the callable again to repeat the run.

    **Extragradient and optimistic updates** (``update``). With
    :math:`w = (\\theta_G, \\theta_D)`, :math:`v(w)` minus both players'
    gradients on a batch, and :math:`H = \\mathrm{diag}(\\eta_G, \\eta_D)`
    (``lr``, ``d_lr``): extragradient [12]_ looks ahead,
    :math:`w' = w + H v(w)`, then steps from :math:`w` with the field there,
    :math:`w \\leftarrow w + H v(w')`; both evaluations use the step's one
    real batch and one noise batch (so that on a deterministic game, such
    as the Dirac-GAN, it is exactly the map of
    :meth:`~gantheory.gan.dynamics.DiracGAN.trajectory`; a gradient penalty
    draws its interpolation points afresh at each evaluation, and a spectral
    norm's power iteration advances at each). The look-ahead point's
    parameters are clipped for ``"wgan"``, as the critic's are after each
    update. Optimistic gradient descent [13]_:
    :math:`w_{k+1} = w_k + 2 H v(w_k) - H v(w_{k-1})` with
    :math:`v(w_{-1}) = v(w_0)` (the first step is a simultaneous one), each
    :math:`v(w_k)` on the step's fresh batches. Both are defined for plain
    SGD only: applied to Adam's or RMSProp's step they are other maps (the
    adaptive scaling changes between the evaluations), so another optimizer
    raises ValueError, as does ``unroll > 0``. The recorded costs and
    gradient norms are those at :math:`w_k`. ``History.config["update"]``
    records the rule.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014 (Algorithm 1).
    .. [2] M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017 (Algorithm 1).
    .. [3] I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville,
       "Improved training of Wasserstein GANs", NeurIPS 2017 (Algorithm 1).
    .. [4] L. Metz, B. Poole, D. Pfau, J. Sohl-Dickstein, "Unrolled generative
       adversarial networks", ICLR 2017.
    .. [5] Z. Lin, A. Khetan, G. Fanti, S. Oh, "PacGAN: the power of two
       samples in generative adversarial networks", NeurIPS 2018.
    .. [6] T. Karras, T. Aila, S. Laine, J. Lehtinen, "Progressive growing of
       GANs for improved quality, stability, and variation", ICLR 2018.
    .. [7] L. Mescheder, A. Geiger, S. Nowozin, "Which training methods for
       GANs do actually converge?", ICML 2018.
    .. [8] T. Miyato, T. Kataoka, M. Koyama, Y. Yoshida, "Spectral
       normalization for generative adversarial networks", ICLR 2018.
    .. [9] H. Petzka, A. Fischer, D. Lukovnikov, "On the regularization of
       Wasserstein GANs", ICLR 2018.
    .. [10] T. Karras, S. Laine, M. Aittala, J. Hellsten, J. Lehtinen, T. Aila,
       "Analyzing and improving the image quality of StyleGAN", CVPR 2020
       (code: ``training/loss.py``, the R1 term on the summed real logits).
    .. [11] I. Loshchilov, F. Hutter, "SGDR: stochastic gradient descent with
       warm restarts", ICLR 2017.
    .. [12] G. M. Korpelevich, "The extragradient method for finding saddle
       points and other problems", Matecon 12, 1976.
    .. [13] C. Daskalakis, A. Ilyas, V. Syrgkanis, H. Zeng, "Training GANs
       with optimism", ICLR 2018.

    Examples
    --------
    >>> import gantheory as gt
    >>> config = TrainConfig(loss="wgan_gp", steps=500)
    >>> config.replace(steps=100).steps, config.resolved()[:3]     # (optimizer, lr, d_lr) of the loss
    (100, ('adam', 0.0001, 0.001))
    >>> TrainConfig(pack=3, batch_size=64)
    Traceback (most recent call last):
    ...
    ValueError: pack=3 needs a batch_size divisible by it (the discriminator sees packs of 3 samples), got batch_size=64; use batch_size=63
    >>> config.replace(stpes=10)                                  # as train(target, stpes=10)
    Traceback (most recent call last):
    ...
    TypeError: TrainConfig has no option 'stpes' (did you mean 'steps'?)
    """

    generator: Any = None
    discriminator: Any = None
    loss: str = "non_saturating"
    optimizer: Any = None
    lr: float | None = None
    d_lr: float | None = None
    betas: tuple | None = None
    lr_schedule: Any = None
    batch_size: int = 256
    steps: int = 2000
    n_critic: int | None = None
    update: str = "alternating"
    unroll: int = 0
    pack: int = 1
    minibatch_std: bool = False
    r1: float = 0.0
    spectral_norm: bool = False
    clip: float | None = None
    gradient_penalty: float | None = None
    one_sided: bool = False
    latent_dim: int | None = None
    log_every: int | None = 100
    snapshot_every: int | None = None
    n_eval: int = 256
    n_snapshot: int = 256
    grid_size: int | None = None
    rng: int = 0
    dtype: Any = np.float64
    progress: bool | None = None

    def __post_init__(self):
        # the checks of train's options, in the order train made them; each value stored in its plain Python type
        def store(name, value):
            object.__setattr__(self, name, value)

        store("steps", check_positive_int(self.steps, "steps"))
        for name in ("generator", "discriminator"):
            store(name, _check_widths(getattr(self, name), name))
        store("log_every", check_positive_int(self.log_every, "log_every") if self.log_every else 0)
        if self.snapshot_every is not None:
            store(
                "snapshot_every",
                check_positive_int(self.snapshot_every, "snapshot_every") if self.snapshot_every else 0,
            )
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {self.loss!r}")
        store("rng", as_seed(self.rng))
        if self.update not in UPDATES:
            raise ValueError(f"update must be one of {UPDATES}, got {self.update!r}")
        if isinstance(self.optimizer, list):
            store("optimizer", tuple(self.optimizer))
        optimizer, lr, d_lr, betas, n_critic = self.resolved()
        if self.betas is not None:
            store("betas", betas)
        store("batch_size", check_positive_int(self.batch_size, "batch_size"))
        n_critic = check_positive_int(n_critic, "n_critic")
        if self.n_critic is not None:
            store("n_critic", n_critic)
        store("n_eval", check_positive_int(self.n_eval, "n_eval"))
        store("n_snapshot", check_positive_int(self.n_snapshot, "n_snapshot"))
        if self.update != "alternating" and n_critic != 1:
            raise ValueError(f"n_critic > 1 needs update='alternating' ({self.update} updates take one step each)")
        if self.update in ("extragradient", "optimistic"):
            if optimizer != "sgd":
                raise ValueError(
                    f"update={self.update!r} is the textbook map of plain gradient steps: it needs optimizer='sgd', "
                    f"got optimizer={optimizer!r} (or use update='simultaneous' or 'alternating')"
                )
            if self.unroll:
                raise ValueError(f"update={self.update!r} takes unroll=0 (the unrolled critic needs its own batches)")
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr}")
        if not d_lr > 0:
            raise ValueError(f"d_lr must be > 0, got {d_lr}")
        if np.dtype(self.dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be numpy.float64 or numpy.float32, got {self.dtype!r}")
        store("dtype", np.dtype(self.dtype).type)
        unroll, pack_, minibatch_std, r1 = _check_remedies(
            self.unroll, self.pack, self.minibatch_std, self.r1, self.batch_size
        )
        store("unroll", unroll), store("pack", pack_), store("minibatch_std", minibatch_std), store("r1", r1)
        _, spectral_norm = _lipschitz_options(
            LOSSES[self.loss], self.spectral_norm, self.clip, self.gradient_penalty, self.one_sided
        )
        store("spectral_norm", spectral_norm), store("one_sided", bool(self.one_sided))
        for name in ("clip", "gradient_penalty"):
            if getattr(self, name) is not None:
                store(name, float(getattr(self, name)))
        if self.grid_size is not None:
            store("grid_size", check_positive_int(self.grid_size, "grid_size"))
        _check_lr_schedule(self.lr_schedule)

    @classmethod
    def of(cls, config=None, overrides=None):
        """``config`` (default: all defaults) with the keyword ``overrides`` of its fields: what :func:`~gantheory.gan.train` runs."""
        overrides = overrides or {}
        _check_names(overrides)
        if config is None:
            return cls(**overrides)
        if not isinstance(config, cls):
            raise TypeError(
                f"config must be a TrainConfig (or None), got {type(config).__name__}; pass the options "
                "as keywords, or TrainConfig(**options)"
            )
        return dataclasses.replace(config, **overrides) if overrides else config

    def replace(self, **changes):
        """A copy with ``changes`` (fields by name), validated.

        Examples
        --------
        >>> TrainConfig().replace(loss="wgan", steps=10).loss
        'wgan'
        """
        _check_names(changes)
        return dataclasses.replace(self, **changes)

    def resolved(self):
        """``(optimizer, lr, d_lr, betas, n_critic)`` with the options left at ``None`` set to the loss's defaults."""
        return _resolve_defaults(self.loss, self.optimizer, self.lr, self.d_lr, self.betas, self.n_critic, self.update)

    def lr_factor(self, k):
        """The lr schedule's factor :math:`f(k)` of the ``k``-th generator step (``k = 0, 1, ...``), a float >= 0.

        Examples
        --------
        >>> config = TrainConfig(steps=4, lr_schedule="linear")
        >>> [config.lr_factor(k) for k in range(5)]
        [1.0, 0.75, 0.5, 0.25, 0.0]
        >>> [round(config.replace(lr_schedule="cosine").lr_factor(k), 4) for k in range(5)]
        [1.0, 0.8536, 0.5, 0.1464, 0.0]
        >>> TrainConfig(lr_schedule=lambda k: 0.5 ** k).lr_factor(3)
        0.125
        """
        schedule = self.lr_schedule
        if schedule is None:
            return 1.0
        if isinstance(schedule, str):
            return LR_SCHEDULES[schedule](k, self.steps)
        return _checked_factor(schedule(k), k)

    def lr_schedule_record(self):
        """What ``History.config["lr_schedule"]`` records: ``None``, the schedule's name, or a callable's description.

        Examples
        --------
        >>> TrainConfig(lr_schedule="cosine").lr_schedule_record()
        'cosine'
        >>> def halve(k):
        ...     return 0.5
        >>> TrainConfig(lr_schedule=halve).lr_schedule_record()
        'callable halve'
        """
        schedule = self.lr_schedule
        if schedule is None or isinstance(schedule, str):
            return schedule
        return f"callable {getattr(schedule, '__qualname__', type(schedule).__name__)}"

    def loss_spec(self):
        """The loss (:data:`gantheory.gan.losses.LOSSES`) with this run's ``clip``, ``gradient_penalty`` and ``one_sided``."""
        return _lipschitz_options(
            LOSSES[self.loss], self.spectral_norm, self.clip, self.gradient_penalty, self.one_sided
        )[0]


def _check_names(options):
    """TypeError for a keyword that is not a field of :class:`TrainConfig`, with the nearest field's name."""
    names = [f.name for f in fields(TrainConfig)]
    for key in options:
        if key not in names:
            near = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else f"; its options are {names}"
            raise TypeError(f"TrainConfig has no option {key!r}{hint}")


def _check_widths(player, name):
    """``player`` as it is, or its hidden widths (a list or tuple of ints) as a tuple of ints >= 1."""
    if not isinstance(player, (list, tuple)):
        return player
    if not player or not all(isinstance(w, numbers.Integral) and not isinstance(w, bool) for w in player):
        raise TypeError(
            f"{name} as hidden widths must be a non-empty list of ints (e.g. [128, 128]), got {player!r}; "
            "or pass None for the default MLP, or a Module"
        )
    if min(player) < 1:
        raise ValueError(f"{name}'s hidden widths must be >= 1, got {list(player)}")
    return tuple(int(w) for w in player)


def _checked_factor(value, k):
    """``value`` (a callable lr schedule's value at step ``k``) as a float; ValueError/TypeError unless finite and >= 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"lr_schedule must return a finite float >= 0 (the factor of the lr at generator step k), "
            f"got {value!r} at k={k}"
        )
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(
            f"lr_schedule must return a finite float >= 0 (the factor of the lr at generator step k), "
            f"got {value} at k={k}"
        )
    return value


def _check_lr_schedule(schedule):
    """Validate ``lr_schedule``: None, a name of :data:`LR_SCHEDULES`, or a callable whose value at step 0 is valid."""
    if schedule is None:
        return
    if isinstance(schedule, str):
        if schedule not in LR_SCHEDULES:
            near = difflib.get_close_matches(schedule, list(LR_SCHEDULES), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ValueError(
                f"lr_schedule must be None, one of {sorted(LR_SCHEDULES)} or a callable step -> factor, "
                f"got {schedule!r}{hint}"
            )
        return
    if not callable(schedule):
        raise TypeError(
            f"lr_schedule must be None, one of {sorted(LR_SCHEDULES)} or a callable step -> factor "
            f"(e.g. lambda k: 0.999 ** k), got {schedule!r}"
        )
    _checked_factor(schedule(0), 0)


def _check_remedies(unroll, pack, minibatch_std, r1, batch_size):
    """Validate the options ``unroll``, ``pack``, ``minibatch_std`` and ``r1``; return them as int, int, bool, float."""
    if isinstance(unroll, bool) or not isinstance(unroll, numbers.Integral):
        raise TypeError(f"unroll must be an int >= 0 (discriminator updates to unroll; 0 for none), got {unroll!r}")
    if unroll < 0:
        raise ValueError(f"unroll must be >= 0 (discriminator updates to unroll; 0 for none), got {unroll}")
    pack = check_positive_int(pack, "pack")
    if batch_size % pack:
        raise ValueError(
            f"pack={pack} needs a batch_size divisible by it (the discriminator sees packs of {pack} samples), "
            f"got batch_size={batch_size}; use batch_size={batch_size - batch_size % pack or pack}"
        )
    if not isinstance(minibatch_std, (bool, np.bool_)):
        raise TypeError(f"minibatch_std must be True or False, got {minibatch_std!r}")
    if isinstance(r1, bool) or not isinstance(r1, numbers.Real):
        raise TypeError(f"r1 must be a number >= 0 (the R1 penalty's weight gamma), got {r1!r}")
    if not (math.isfinite(r1) and r1 >= 0):
        raise ValueError(f"r1 must be a finite number >= 0 (the R1 penalty's weight gamma; 0 for none), got {r1}")
    return int(unroll), pack, bool(minibatch_std), float(r1)


def _lipschitz_options(spec, spectral_norm, clip, gradient_penalty, one_sided):
    """The loss ``spec`` with the critic's constraint options applied (``None``: the loss's own); and ``spectral_norm``."""
    if not isinstance(spectral_norm, (bool, np.bool_)):
        raise TypeError(f"spectral_norm must be True or False, got {spectral_norm!r}")
    if not isinstance(one_sided, (bool, np.bool_)):
        raise TypeError(f"one_sided must be True or False, got {one_sided!r}")
    values = {}
    for name, value, meaning in (
        ("clip", clip, "the weight-clipping bound c"),
        ("gradient_penalty", gradient_penalty, "the gradient penalty's weight lambda"),
    ):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{name} must be None (the loss's default) or a number >= 0 ({meaning}; 0 for none), got {value!r}"
            )
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(
                f"{name} must be None (the loss's default) or a finite number >= 0 ({meaning}; 0 for none), got {value}"
            )
        values[name] = float(value) or None
    spec = dataclasses.replace(spec, **values, one_sided=bool(one_sided))
    if spec.one_sided and not spec.gradient_penalty:
        raise ValueError(
            f"one_sided=True shapes a gradient penalty, and loss={spec.name!r} has none: pass gradient_penalty=10.0 (say)"
        )
    return spec, bool(spectral_norm)


def _resolve_defaults(loss, optimizer, lr, d_lr, betas, n_critic, update):
    """The options left at ``None`` take the loss's defaults (:data:`LOSS_DEFAULTS`); ``d_lr`` is ``lr`` if ``lr`` is given."""
    defaults = LOSS_DEFAULTS[loss]
    optimizer = defaults["optimizer"] if optimizer is None else optimizer
    if lr is None:
        lr, d_lr = defaults["lr"], defaults["d_lr"] if d_lr is None else d_lr
    elif d_lr is None:
        d_lr = lr
    if betas is None:
        betas = defaults["betas"] if optimizer == "adam" else None
    elif optimizer != "adam":
        raise ValueError(f"betas applies to optimizer='adam' only; the optimizer is {optimizer!r}")
    else:
        betas = tuple(float(b) for b in betas)
        if len(betas) != 2 or not all(0 <= b < 1 for b in betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas}")
    if n_critic is None:
        n_critic = defaults["n_critic"] if update == "alternating" else 1
    return optimizer, lr, d_lr, betas, n_critic
