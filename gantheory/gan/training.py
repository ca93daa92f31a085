"""Train a small GAN on :mod:`gantheory.autograd` and record what happened: :class:`Game` and :func:`train`.

:func:`train` runs the two-player game on a target (an analytic distribution
of :mod:`gantheory.distributions`, 1-D or 2-D, or an array of samples) and
returns a :class:`~gantheory.gan.history.History`: per step the players'
costs and gradient norms; every ``log_every`` steps the metrics of
:mod:`gantheory.gan.metrics` (and, for an
:class:`~gantheory.gan.players.AffineGenerator` on an analytic 1-D target,
the *exact* JSD and W1 of the generated normal from the target); at
``snapshot_every`` steps the generated samples, the discriminator on a grid
and the direction in which the generator's cost pushes each sample (the data
of a training animation). The trained players stay on the history
(``history.generator``, ``history.discriminator``). :class:`Game` is the game
one update at a time (what :func:`train` steps): ``discriminator_step``,
``generator_step``, ``step`` and ``history``.

Every option of a run is a field of one frozen, validated
:class:`~gantheory.gan.config.TrainConfig`: ``train(target, config=None, **overrides)`` and
``Game(target, config=None, **overrides)`` take one, and keyword overrides of
its fields (``train(target, steps=500, loss="wgan_gp")``).

The data flow is direct: target -> batches -> :mod:`gantheory.gan.losses` ->
gradients -> optimizer steps -> history. One seed, ``rng`` (an int), fixes
everything (the initializations, every batch, the evaluation noise), so the
same seed gives the same history bit for bit, and a shorter run is the prefix
of a longer one. Options left at ``None`` take the loss's defaults
(:data:`~gantheory.gan.config.LOSS_DEFAULTS`: Gulrajani et al.'s for ``"wgan_gp"``, Arjovsky et
al.'s for ``"wgan"``), recorded in ``History.config``.

Nothing is lost to a failure: a metric that cannot be computed is NaN with its
reason (``History.metric_notes``); a NaN or inf (in a cost, a gradient, the
parameters or a batch of generated points) or Ctrl-C stops the run, undoes the step
in progress and returns the history so far.

This module is ``gantheory.gan.training``; ``gantheory.gan.train`` is the
function :func:`train` (so the name no longer stands for both a module and a
function).

Examples
--------
>>> import gantheory as gt
>>> h = gt.gan.train(gt.Normal(2.0, 0.5), generator="affine", steps=200, lr=0.05,
...                  log_every=100, progress=False)
>>> h.stopped, h.log_steps.tolist()
('completed', [0, 100, 200])
>>> bool(h.metrics["exact_w1"][-1] < h.metrics["exact_w1"][0])
True
>>> config = gt.gan.TrainConfig(loss="wgan_gp", steps=2, batch_size=16, log_every=0, progress=False)
>>> gt.gan.train(gt.ring_of_gaussians(8), config, rng=1).config["rng"]      # a config, and an override
1
"""

from __future__ import annotations

import functools
import math
import numbers
from contextlib import contextmanager

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from gantheory._rng import Stream
from gantheory._validation import as_samples, check_positive_int
from gantheory.autograd import nn, ops, optim
from gantheory.autograd.functional import functional_call
from gantheory.autograd.tensor import Primitive, Tensor, backprop, grad, no_grad
from gantheory.distributions import Distribution
from gantheory.gan.config import OPTIMIZERS, TrainConfig
from gantheory.gan.harness import grad_norm
from gantheory.gan.history import History, saved_weights
from gantheory.gan.losses import (
    clip_weights,
    cramer_critic,
    gradient_penalty,
    r1_penalty,
)
from gantheory.gan.metrics import (
    JS_FLOOR_REPEATS,
    MODE_SAMPLES,
    js_knn,
    logged_metrics,
    mode_target,
)
from gantheory.gan.players import (
    append_minibatch_std,
    evaluation_mode,
    make_players,
    pack,
    pad_to_packs,
)

__all__ = ["Game", "train"]  # TrainConfig, LOSS_DEFAULTS, OPTIMIZERS, UPDATES: gantheory.gan.config

POOL_SIZE = (
    2**16
)  # target points drawn at once for the training batches (a fixed number: see train's reproducibility note)


# ==============================================================================
# Input handling
# ==============================================================================
def _target_sampler(target, dtype):
    """``(dim, sample(n, rng), reference(n, rng), analytic distribution or None)``.

    ``sample`` draws ``(n, dim)`` points of ``dtype`` for the batches (with
    replacement from a sample); ``reference`` draws the fixed evaluation
    sample: from a finite sample without replacement, and at most all of it.
    """
    if isinstance(target, Distribution):
        if target.dim not in (1, 2):
            raise ValueError(f"target must be 1-D or 2-D, got a distribution of dimension {target.dim}")
        dim = target.dim

        def sample(n, rng):
            return target.sample(n, rng=Stream(rng)).reshape(n, dim).astype(dtype, copy=False)

        return dim, sample, sample, target
    data = as_samples(target, "target", np, ndims=(1, 2))
    data = data.reshape(len(data), -1).astype(dtype, copy=False)
    if data.shape[1] not in (1, 2):
        raise ValueError(f"target samples must be 1-D or 2-D points, got shape {data.shape}")
    return (
        data.shape[1],
        lambda n, rng: data[rng.integers(0, len(data), size=n)],
        lambda n, rng: data[rng.choice(len(data), size=min(n, len(data)), replace=False)],
        None,
    )


def _mlps_of_widths(c, dim, d_inputs, spec, seeds, dtype):
    """``(generator, discriminator, latent_dim)`` with the players given as hidden widths built as ReLU MLPs.

    A generator ``(w1, ..., wL)`` is ``MLP([latent_dim, w1, ..., wL, dim])``, a discriminator ``MLP([d_inputs, w1, ...,
    wL, outputs])``; each initialized from an int seed of its player's stream of the run (``seeds[0]``, ``seeds[1]``).
    Other options are passed on as they are.
    """
    generator, discriminator, latent_dim = c.generator, c.discriminator, c.latent_dim
    if isinstance(generator, tuple):
        latent_dim = dim if latent_dim is None else check_positive_int(latent_dim, "latent_dim")
        seed = int(seeds[0].generate_state(1)[0])
        generator = nn.MLP([latent_dim, *generator, dim], activation="relu", rng=seed, dtype=dtype)
    if isinstance(discriminator, tuple):
        seed = int(seeds[1].generate_state(1)[0])
        discriminator = nn.MLP(
            [d_inputs, *discriminator, spec.critic_outputs], activation="relu", rng=seed, dtype=dtype
        )
    return generator, discriminator, latent_dim


def _make_optimizers(optimizer, generator, discriminator, lr, d_lr, betas):
    if isinstance(optimizer, (tuple, list)):
        if len(optimizer) != 2 or not all(isinstance(o, optim.Optimizer) for o in optimizer):
            raise TypeError(
                "optimizer as a pair must be (generator_optimizer, discriminator_optimizer) Optimizer instances"
            )
        return tuple(optimizer), "instances"
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer must be one of {sorted(OPTIMIZERS)}, a factory or a pair of Optimizer instances, got {optimizer!r}"
            )
        name, factory = optimizer, OPTIMIZERS[optimizer]
        if optimizer == "adam":
            factory = lambda params, lr: optim.Adam(params, lr=lr, betas=betas)  # noqa: E731
    elif callable(optimizer):
        name, factory = getattr(optimizer, "__name__", type(optimizer).__name__), optimizer
    else:
        raise TypeError(
            f"optimizer must be a name, a factory f(params, lr) or a pair of Optimizer instances, got {optimizer!r}"
        )
    return (factory(generator.parameters(), lr), factory(discriminator.parameters(), d_lr)), name


# ==============================================================================
# One step of the game
# ==============================================================================
class _NonFinite(FloatingPointError):
    """A cost, gradient, parameter or generated point is NaN or inf (the step is then undone)."""


def _finite(cost, norm, player):
    """``(cost, norm)`` as floats; :class:`_NonFinite` names the first that is NaN or inf."""
    cost = cost.item()
    for value, what in ((cost, "loss"), (norm, "gradient")):
        if not math.isfinite(value):
            raise _NonFinite(f"{player} {what}")
    return cost, norm


def _check_points(x):
    """``x`` (generated points, an array); :class:`_NonFinite` if any is NaN or inf."""
    if not np.isfinite(x).all():
        raise _NonFinite("generated points")
    return x


def _critic_cost(spec, D, real, fake, fake_2, rng, r1=0.0, joint=False):
    """The discriminator's cost (with its penalties) on its inputs (packed batches); fakes carry no graph but when unrolling.

    ``joint``: D sees the real and generated batches as one (fewer graph nodes; for the unrolled updates, where the
    values may differ from two passes by rounding, and not with a batch statistic such as the minibatch-std feature).
    """
    if joint and not spec.two_generator_batches:
        n = real.shape[0]
        out = D(ops.concatenate([real, fake]))
        cost = spec.discriminator_cost(out[:n], out[n:])
        critic = D
    elif spec.two_generator_batches:
        anchor = D(fake_2)
        cost = spec.discriminator_cost(D(real), D(fake), anchor)
        critic = lambda x: cramer_critic(D(x), anchor)  # noqa: E731
    else:
        cost = spec.discriminator_cost(D(real), D(fake))
        critic = D
    if spec.gradient_penalty:
        cost = cost + gradient_penalty(
            critic, real, fake, rng=Stream(rng), weight=spec.gradient_penalty, one_sided=spec.one_sided
        )
    if r1:
        cost = cost + r1_penalty(critic, real, r1)
    return cost


def _clip(p, c):
    """:func:`~gantheory.gan.losses.clip_weights` on the graph: ``p`` clipped to [-c, c] (gradient 1 inside, 0 outside)."""
    return p - ops.relu(p - c) + ops.relu(-p - c)


def _cut(tree):
    """``tree`` (a list or tuple, nested) with each Tensor replaced by a new leaf of the same value (cut from its graph)."""
    if isinstance(tree, Tensor):
        return Tensor(tree.data, requires_grad=tree.requires_grad)
    if isinstance(tree, (list, tuple)):
        return type(tree)(_cut(item) for item in tree)
    return tree


def _tensors_in(tree):
    """The Tensors in ``tree`` (nested lists and tuples), in order."""
    if isinstance(tree, Tensor):
        return [tree]
    if isinstance(tree, (list, tuple)):
        return [t for item in tree for t in _tensors_in(item)]
    return []


def _backward_many(outputs, cotangents):
    """Accumulate the vector-Jacobian product of several outputs (``None`` cotangents skipped) into their leaves.

    One backward pass from a node that joins the outputs and hands each its cotangent (:data:`_JOIN`).
    """
    pairs = [(out, g) for out, g in zip(outputs, cotangents) if g is not None and out.requires_grad]
    if pairs:
        _JOIN(*(out for out, _ in pairs), cotangents=tuple(g for _, g in pairs)).backward()


# A node whose value is 0 and whose VJP hands argument i the array cotangents[i]: a backward pass from it is the sum of
# the outputs' vector-Jacobian products, without a multiplication and a sum per output.
_JOIN = Primitive("join", lambda *xs, cotangents: np.zeros(()))
_JOIN.defvjp_argnum(lambda i, g, ans, *xs, cotangents: cotangents[i])


def _generator_cost(spec, D, real, fake, fake_2):
    """The generator's cost; ``fake`` (and ``fake_2``) are Tensors that carry G's graph."""
    if spec.two_generator_batches:
        return spec.generator_cost(D(real), D(fake), D(fake_2))
    return spec.generator_cost(D(fake))


@contextmanager
def _constant(params):
    """``params`` are constants in the graph built inside: its backward computes no gradients for them.

    The graph records which inputs require gradients when it is built, so the
    switch must surround the forward pass, not only the backward one.
    """
    for p in params:
        p.requires_grad = False
    try:
        yield
    finally:
        for p in params:
            p.requires_grad = True


def _quiet(method):
    """Run ``method`` without NumPy's overflow/invalid warnings: non-finite values are caught and raised as :class:`_NonFinite`."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return method(self, *args, **kwargs)

    return wrapper


class Game:
    """The GAN game, one update at a time: the object :func:`train` steps.

    It holds the two players, their optimizers, the stream of training batches
    and the fixed evaluation data, built from :func:`train`'s options (same
    names, same per-loss defaults, same validation). :meth:`step` is one
    training step of :func:`train`; with ``update="alternating"`` it is
    ``n_critic`` calls of :meth:`discriminator_step` then one of
    :meth:`generator_step`, and those can be called by hand to watch the game
    one update at a time. :meth:`history` records the current state (a final
    snapshot, and metrics if asked) and returns a :class:`~gantheory.gan.history.History` of the
    steps so far: a game stepped by hand through ``k`` full steps gives the
    same costs, bit for bit, as ``train(steps=k)`` with the same options.

    Parameters
    ----------
    target : Distribution or array_like
        As in :func:`train`.
    config : TrainConfig, optional
        The options (default: all defaults); ``log_every``,
        ``snapshot_every`` and ``progress`` are :func:`train`'s and unused
        here, and ``steps`` is used only by a named ``lr_schedule`` (whose
        factor reaches 0 at ``steps``).
    **overrides
        Fields of :class:`~gantheory.gan.config.TrainConfig` that replace the
        config's, as in :func:`train` (``Game(target, batch_size=32)``).

    Attributes
    ----------
    generator, discriminator : Module
        The players (trained in place).
    steps : int
        Completed full steps (generator updates, with ``update="alternating"``).
    options : TrainConfig
        The options the game was built from.
    config : dict
        The resolved options (those of ``History.config`` but ``steps``,
        ``log_every`` and ``snapshot_every``, which :meth:`history` adds).

    Notes
    -----
    A full step's discriminator cost in the history is that of its last
    discriminator update; a :meth:`generator_step` with no discriminator
    update since the previous one records NaN for it. A step's updates are not
    undone here when one of them gives a NaN or inf (:func:`train` undoes the
    whole step): the method raises ``FloatingPointError`` naming it (the
    cost, gradient, parameters or generated points, and the player).

    Examples
    --------
    >>> import gantheory as gt
    >>> game = Game(gt.ring_of_gaussians(8), batch_size=32, n_snapshot=16, grid_size=8)
    >>> d_cost, d_norm = game.discriminator_step()    # one update of D
    >>> g_cost, g_norm = game.generator_step()        # one of G: step 1 is complete
    >>> game.steps, game.history().snapshot_steps.tolist()
    (1, [1])
    >>> h = gt.gan.train(gt.ring_of_gaussians(8), steps=1, batch_size=32, n_snapshot=16, grid_size=8, progress=False)
    >>> bool(h.g_loss[0] == g_cost and h.d_loss[0] == d_cost)
    True
    """

    def __init__(self, target, config=None, **overrides):
        c = TrainConfig.of(config, overrides)
        self.options = c
        spec = c.loss_spec()
        optimizer, lr, d_lr, betas, n_critic = c.resolved()
        batch_size, unroll, pack, minibatch_std, r1, dtype = (
            c.batch_size,
            c.unroll,
            c.pack,
            c.minibatch_std,
            c.r1,
            c.dtype,
        )
        dim, sample_target, sample_reference, analytic = _target_sampler(target, dtype)
        grid_size = (128 if dim == 1 else 32) if c.grid_size is None else c.grid_size
        # G init, D init, training batches, evaluation, spectral norm, the mode metrics' noise, the kNN JSD's noise floor
        seeds = np.random.SeedSequence(c.rng).spawn(7)
        generator, discriminator, latent_dim = _mlps_of_widths(
            c, dim, pack * dim + int(minibatch_std), spec, seeds, dtype
        )
        G, D, latent_dim = make_players(
            generator,
            discriminator,
            dim,
            latent_dim,
            spec,
            [Stream(np.random.default_rng(s)) for s in seeds[:2]],
            dtype,
            d_inputs=pack * dim + int(minibatch_std),
        )
        if c.spectral_norm:
            D = nn.spectral_norm(D, rng=Stream(np.random.default_rng(seeds[4])))
        (opt_g, opt_d), opt_name = _make_optimizers(optimizer, G, D, lr, d_lr, betas)
        if opt_name == "instances":  # the optimizers' own settings are the ones in use
            lr, d_lr, betas = opt_g.lr, opt_d.lr, None
        if c.lr_schedule is not None:
            for player, opt in (("generator", opt_g), ("discriminator", opt_d)):
                if not isinstance(getattr(opt, "lr", None), numbers.Real):
                    raise TypeError(
                        f"lr_schedule sets each optimizer's lr attribute before its update, but the {player}'s "
                        f"{type(opt).__name__} has no numeric lr; use an Optimizer of gantheory.autograd.optim "
                        "(or one with an lr attribute), or lr_schedule=None"
                    )
        # the lrs the schedule multiplies: the optimizers' own when the game is built
        self.base_lr = (opt_g.lr, opt_d.lr) if c.lr_schedule is not None else None
        if unroll and not getattr(opt_d, "records_updates", False):
            raise TypeError(
                f"unroll={unroll} differentiates through the discriminator's optimizer updates, but "
                f"{type(opt_d).__name__} cannot record its update on the graph (no functional_step); "
                "use optimizer 'adam', 'sgd' or 'rmsprop' (or an Optimizer with records_updates = True), or unroll=0"
            )
        if (
            unroll
        ):  # the unrolled values are substituted by functional_call: it must find D's parameters (or say why not)
            with no_grad(), evaluation_mode(D):
                functional_call(D, D.parameters(), np.zeros((2, pack * dim + int(minibatch_std)), dtype=dtype))
        self.unroll, self.pack, self.minibatch_std, self.r1 = unroll, pack, minibatch_std, r1
        self.spec, self.G, self.D, self.opt_g, self.opt_d = spec, G, D, opt_g, opt_d
        self.sample_target, self.latent_dim, self.batch_size, self.n_critic = (
            sample_target,
            latent_dim,
            batch_size,
            n_critic,
        )
        self.rng, self.update, self.dtype, self.dim, self.analytic = (
            np.random.default_rng(seeds[2]),
            c.update,
            dtype,
            dim,
            analytic,
        )
        self.n_fake = 2 if spec.two_generator_batches else 1
        self.d_params, self.g_params = D.parameters(), G.parameters()
        # real batches per sampler call: fixed (not a function of steps), so that a shorter run is a prefix of a longer one
        self.chunk = max(1, POOL_SIZE // batch_size)
        self.pool, self.used = None, self.chunk
        self.saved = [p.data.copy() for p in (*self.g_params, *self.d_params)]
        self.saved_steps = 0
        self.records, self.pending_d = [], None
        self.last_grads = None  # update="optimistic": the gradients of the previous step (v(w_{k-1}))
        # the fixed evaluation data (their own stream: logging never touches the training batches)
        eval_rng = np.random.default_rng(seeds[3])
        n_eval, n_snapshot = c.n_eval, c.n_snapshot
        self.n_eval, self.n_snapshot = n_eval, n_snapshot
        self.reference = sample_reference(n_eval, eval_rng)
        self.z_eval = eval_rng.standard_normal((max(n_eval, n_snapshot), latent_dim)).astype(dtype)
        self.z_anchor = eval_rng.standard_normal((n_snapshot, latent_dim)).astype(dtype)
        self.snapshot_real = sample_target(n_snapshot, eval_rng)
        self.grid = _grid(self.reference, dim, grid_size).astype(dtype)
        self.grid_size = grid_size
        self.z_manifold = _latent_grid(latent_dim).astype(dtype)
        self.log_steps, self.metric_rows, self.snapshot_steps, self.snapshots, self.grids, self.field_rows = (
            [],
            [],
            [],
            [],
            [],
            [],
        )
        self.manifolds, self.metric_notes = [], {}
        self.modes_target = mode_target(analytic, self.reference)
        # the mode metrics' noise: the evaluation noise, then more of it up to max(MODE_SAMPLES, n_eval) rows
        self.n_mode_samples = max(MODE_SAMPLES, n_eval)
        extra = max(0, self.n_mode_samples - len(self.z_eval))
        z_more = np.random.default_rng(seeds[5]).standard_normal((extra, latent_dim)).astype(dtype)
        self.z_modes = np.concatenate([self.z_eval, z_more]) if self.modes_target is not None else self.z_eval
        self.sample_reference, self.floor_seed, self.floor = sample_reference, seeds[6], None
        self.config = {
            "target": repr(target) if isinstance(target, Distribution) else f"array of shape {np.shape(target)}",
            "dim": dim,
            "loss": c.loss,
            "optimizer": opt_name,
            "lr": float(lr),
            "d_lr": float(d_lr),
            "betas": None if betas is None else [float(b) for b in betas],
            "lr_schedule": c.lr_schedule_record(),
            "batch_size": batch_size,
            "steps": None,
            "n_critic": n_critic,
            "update": c.update,
            "unroll": unroll,
            "pack": pack,
            "minibatch_std": minibatch_std,
            "r1": r1,
            "spectral_norm": c.spectral_norm,
            "clip": spec.clip,
            "gradient_penalty": spec.gradient_penalty,
            "one_sided": spec.one_sided,
            "latent_dim": int(latent_dim),
            "log_every": None,
            "snapshot_every": None,
            "n_eval": n_eval,
            "n_snapshot": n_snapshot,
            "grid_size": grid_size,
            "rng": c.rng,
            "dtype": np.dtype(dtype).name,
            "generator": list(c.generator) if isinstance(c.generator, tuple) else type(G).__name__,
            "discriminator": list(c.discriminator) if isinstance(c.discriminator, tuple) else type(D).__name__,
        }

    @property
    def generator(self):
        return self.G

    @property
    def discriminator(self):
        return self.D

    @property
    def steps(self):
        return len(self.records)

    # -- undoing a step ----------------------------------------------------------------
    def save(self):
        """Copy both players' parameter values (at the start of each step) into buffers kept for the run."""
        for p, buffer in zip((*self.g_params, *self.d_params), self.saved):
            np.copyto(buffer, p.data)
        self.saved_steps = self.steps

    def restore(self):
        """Set both players' parameters (and the step count) back to the last :meth:`save` (a stopped step is undone)."""
        for p, buffer in zip((*self.g_params, *self.d_params), self.saved):
            p.data[...] = buffer
        del self.records[self.saved_steps :]
        self.pending_d = None

    def check_parameters(self):
        """:class:`_NonFinite` if an update left a NaN or inf in a player's parameters."""
        for player, params in (("discriminator", self.d_params), ("generator", self.g_params)):
            # one sum per parameter (NaN and inf propagate through it); the exact test only when it is not finite
            if not math.isfinite(sum(float(p.data.sum()) for p in params)) and not all(
                np.isfinite(p.data).all() for p in params
            ):
                raise _NonFinite(f"{player} parameters")

    # -- batches -------------------------------------------------------------------------
    def real(self):
        """The next batch of target samples (drawn ``chunk`` batches at a time: one sampler call, not one per step)."""
        if self.used == self.chunk:
            self.pool = self.sample_target(self.chunk * self.batch_size, self.rng).reshape(
                self.chunk, self.batch_size, -1
            )
            self.used = 0
        self.used += 1
        return self.pool[self.used - 1]

    def noise(self):
        """Standard normals drawn in float64 and cast: a float32 run draws the same noise as a float64 run."""
        return self.rng.standard_normal((self.batch_size * self.n_fake, self.latent_dim)).astype(self.dtype, copy=False)

    def split(self, fake):
        n = self.batch_size
        return (fake[:n], fake[n:]) if self.n_fake == 2 else (fake, None)

    # -- the updates -----------------------------------------------------------------------
    def _schedule(self, generator=True, discriminator=True):
        """Set the players' optimizers' lr to their initial value times the schedule's factor of this step.

        The step is the generator step in progress, ``k = self.steps`` (completed steps): a discriminator update takes
        the factor of the generator update it precedes. Nothing is written without a schedule.
        """
        if self.base_lr is None:
            return
        factor = self.options.lr_factor(self.steps)
        if generator:
            self.opt_g.lr = self.base_lr[0] * factor
        if discriminator:
            self.opt_d.lr = self.base_lr[1] * factor

    def _one_player(self):
        if self.update != "alternating":
            raise ValueError(
                f"one player at a time needs update='alternating'; a game with update={self.update!r} moves by step()"
            )

    @_quiet
    def discriminator_step(self):
        """One update of the discriminator on a fresh batch; returns its ``(cost, gradient norm)``.

        The cost includes the gradient penalty where the loss has one, and the
        weights are clipped after the update for ``"wgan"``.
        """
        self._one_player()
        real = self.real()
        with no_grad():
            fake = _check_points(self.G(Tensor(self.noise())).data)
        cost = self._critic_cost(real, fake)
        self.opt_d.zero_grad()
        cost.backward()
        result = _finite(cost, grad_norm(self.d_params), "discriminator")
        self._schedule(generator=False)
        self.opt_d.step()
        if self.spec.clip:
            clip_weights(self.D, self.spec.clip)
        self.pending_d = result
        return result

    @_quiet
    def generator_step(self):
        """One update of the generator against the current discriminator; returns its ``(cost, gradient norm)``.

        It completes a full step: the step's costs and gradient norms (the last
        discriminator update's, NaN if there was none since the previous
        generator update) are recorded, and ``steps`` grows by one.
        """
        self._one_player()
        self._schedule(discriminator=bool(self.unroll))  # the unrolled updates take D's lr of this step
        real = self.real() if self.n_fake == 2 else None
        fake = self.G(Tensor(self.noise()))
        _check_points(fake.data)
        cost = self._generator_backward(real, fake)
        result = _finite(cost, grad_norm(self.g_params), "generator")
        self.opt_g.step()
        self.check_parameters()
        d_cost, d_norm = self.pending_d if self.pending_d is not None else (math.nan, math.nan)
        self.pending_d = None
        self.records.append((d_cost, result[0], d_norm, result[1]))
        return result

    @_quiet
    def step(self):
        """One training step of :func:`train`; returns ``(d_cost, g_cost, d_norm, g_norm)``.

        Alternating: ``n_critic`` :meth:`discriminator_step` calls, then one
        :meth:`generator_step`. Simultaneous: both gradients at the same
        parameters and batches, then both updates. Extragradient and
        optimistic (plain SGD): see :class:`~gantheory.gan.config.TrainConfig`'s
        ``update``; the costs and gradient norms recorded are those at the
        step's starting point :math:`w_k`.
        """
        if self.update == "alternating":
            for _ in range(self.n_critic):
                self.discriminator_step()
            self.generator_step()
            return self.records[-1]
        if self.update in ("extragradient", "optimistic"):
            return self._first_order_step()
        self._schedule()
        real = self.real()
        fake = self.G(Tensor(self.noise()))
        d_cost = self._critic_cost(real, _check_points(fake.data))
        self.opt_d.zero_grad()
        d_cost.backward()
        g_cost = self._generator_backward(real, fake)
        d_cost, d_norm = _finite(d_cost, grad_norm(self.d_params), "discriminator")
        g_cost, g_norm = _finite(g_cost, grad_norm(self.g_params), "generator")
        self.opt_d.step()
        self.opt_g.step()
        if self.spec.clip:
            clip_weights(self.D, self.spec.clip)
        self.check_parameters()
        self.records.append((d_cost, g_cost, d_norm, g_norm))
        return self.records[-1]

    def _joint_gradients(self, real, noise):
        """Both players' costs and gradients (left in their ``grad``) at the current parameters, on ``real`` and ``noise``.

        Returns ``((d_cost, d_norm), (g_cost, g_norm))``, as the simultaneous step computes them.
        """
        fake = self.G(Tensor(noise))
        d_cost = self._critic_cost(real, _check_points(fake.data))
        self.opt_d.zero_grad()
        d_cost.backward()
        g_cost = self._generator_backward(real, fake)
        return _finite(d_cost, grad_norm(self.d_params), "discriminator"), _finite(
            g_cost, grad_norm(self.g_params), "generator"
        )

    def _apply_updates(self):
        """Both optimizers' steps on the gradients in the parameters' ``grad``; the critic's weights clipped (WGAN)."""
        self.opt_d.step()
        self.opt_g.step()
        if self.spec.clip:
            clip_weights(self.D, self.spec.clip)

    def _first_order_step(self):
        """One extragradient or optimistic step (plain SGD, checked by the config); see :meth:`step`."""
        self._schedule()
        real, noise = self.real(), self.noise()
        (d_cost, d_norm), (g_cost, g_norm) = self._joint_gradients(real, noise)
        params = (*self.g_params, *self.d_params)
        grads = [np.zeros_like(p.data) if p.grad is None else p.grad.copy() for p in params]
        if (
            self.update == "extragradient"
        ):  # look ahead from w with the field at w, then step from w with the field there
            start = [p.data.copy() for p in params]
            self._apply_updates()
            self.check_parameters()
            self._joint_gradients(real, noise)  # the same batches: the field at the look-ahead point
            for p, value in zip(params, start):
                p.data[...] = value
            self._apply_updates()
        else:  # optimistic: the step takes 2 v(w_k) - v(w_{k-1}); the first step takes v(w_0) (a simultaneous step)
            last = grads if self.last_grads is None else self.last_grads
            for p, g, g_last in zip(params, grads, last):
                p.grad = 2 * g - g_last
            self._apply_updates()
        self.check_parameters()
        if self.update == "optimistic":
            self.last_grads = grads
        self.records.append((d_cost, g_cost, d_norm, g_norm))
        return self.records[-1]

    def critic(self, x, reference=None, params=None):
        """The discriminator on its inputs ``x`` (packed rows), with the minibatch-std feature (of ``reference``) if on.

        ``params``: the discriminator's parameters to use instead of its own (its unrolled values), by
        :func:`~gantheory.autograd.functional_call`.
        """
        if self.minibatch_std:
            x = append_minibatch_std(x, reference)
        return self.D(x) if params is None else functional_call(self.D, params, x)

    def _critic_at(self, params):
        """The discriminator at the parameters ``params`` as a function of its (packed) inputs: :meth:`critic`."""
        return self.critic if params is None else (lambda x, reference=None: self.critic(x, reference, params))

    def _critic_cost(self, real, fake, joint=False, params=None):
        """The discriminator's cost on a real batch and a generated batch (``n_fake`` batches), packed."""
        fake, fake_2 = self.split(fake)
        m = self.pack
        joint = joint and not self.minibatch_std
        return _critic_cost(
            self.spec, self._critic_at(params), pack(real, m), pack(fake, m), pack(fake_2, m), self.rng, self.r1, joint
        )

    def _generator_backward(self, real, fake):
        """The generator's cost on ``fake`` (a Tensor carrying G's graph), its gradients accumulated in G's parameters.

        Against the current discriminator, or with ``unroll=k`` against the discriminator after ``k`` further updates
        of its optimizer (fresh batches, recorded on the graph), differentiated through them.
        """
        m = self.pack
        self.opt_g.zero_grad()
        if not self.unroll:
            with _constant(self.d_params):  # D's weight gradients are not needed here
                cost = _generator_cost(self.spec, self.critic, pack(real, m), *(pack(f, m) for f in self.split(fake)))
                cost.backward()
            return cost
        # Unrolled: D is evaluated at its unrolled parameter values only (functional_call), never at its own, so its
        # own parameters are not in the graph and need no switching off.
        # Reverse mode over the unrolled updates, one segment at a time. Each update's inputs enter as leaves cut
        # from what came before: D's parameters and optimizer state, and its generated batch (cut from G's graph).
        # Its recorded backward pass (create_graph) then stays within the update, and the final cost's gradient is
        # carried back segment by segment, then through G in one plain backward pass: the work grows linearly in k.
        reals, noises = [], []
        for _ in range(self.unroll):
            reals.append(self.real())
            noises.append(self.noise())
        fakes = self.G(Tensor(np.concatenate(noises)))
        _check_points(fakes.data)
        fake_leaves = [Tensor(f, requires_grad=True) for f in np.split(fakes.data, self.unroll)]
        params = [Tensor(p.data, requires_grad=True) for p in self.d_params]
        state = self.opt_d.functional_state()
        segments = []  # (outputs of the update, the leaves that stand for them in the next one)
        with evaluation_mode(self.D):  # a spectral norm's singular vectors stay those of the actual D
            for real_j, fake_j in zip(reals, fake_leaves):
                d_cost = self._critic_cost(real_j, fake_j, joint=True, params=params)
                grads = backprop(d_cost, Tensor(np.ones_like(d_cost.data)), True, targets=params)
                new_params, new_state = self.opt_d.functional_step(params, grads, state)
                if self.spec.clip:
                    new_params = [_clip(p, self.spec.clip) for p in new_params]
                outputs = [p for p in new_params if isinstance(p, Tensor)] + _tensors_in(new_state)
                params, state = _cut(new_params), _cut(new_state)
                segments.append((outputs, [p for p in params if isinstance(p, Tensor)] + _tensors_in(state)))
            cost = _generator_cost(
                self.spec, self._critic_at(params), pack(real, m), *(pack(f, m) for f in self.split(fake))
            )
        cost.backward()
        for outputs, leaves in reversed(segments):
            _backward_many(outputs, [leaf.grad for leaf in leaves])
        cotangent = np.concatenate(
            [np.zeros_like(leaf.data) if leaf.grad is None else leaf.grad for leaf in fake_leaves]
        )
        fakes.backward(cotangent)
        return cost

    # -- observing -------------------------------------------------------------------------
    def _critic_values(self, fake, fake_2):
        """The discriminator's raw output at the grid points (the Cramér critic averaged over the generated anchors).

        With ``pack=m`` each grid point is a pack of ``m`` copies of it; with the minibatch-std feature, that of the
        (packed) snapshot batch ``fake``.
        """
        m = self.pack
        points = np.tile(self.grid, (1, m)) if m > 1 else self.grid
        reference = pack(pad_to_packs(fake, m), m)
        with no_grad():
            h = self.critic(Tensor(points), reference).data
            if not self.spec.two_generator_batches:
                return h.reshape(-1)
            anchors = self.critic(Tensor(pack(pad_to_packs(fake_2, m), m))).data
        distances = np.linalg.norm(h[:, None, :] - anchors[None, :, :], axis=-1).mean(axis=1)
        return distances - np.linalg.norm(h, axis=-1)

    def _generator_field(self, fake, fake_2):
        """:math:`-P\\, \\partial L_G / \\partial x` at the generated points ``fake``: each point's pack's cost gradient.

        ``P`` is the number of packs (``n`` without packing); with ``pack=m`` the points are packed in consecutive
        groups of ``m``, the last completed by the first points (their gradients taken from their own pack).
        """
        m, n = self.pack, len(fake)
        real = pack(pad_to_packs(self.snapshot_real, m), m) if self.spec.two_generator_batches else None
        anchors = None if fake_2 is None else Tensor(pack(pad_to_packs(fake_2, m), m))
        padded = pad_to_packs(fake, m)

        def cost(x):
            return _generator_cost(self.spec, self.critic, real, pack(x, m), anchors) * (len(padded) // m)

        with _constant(self.d_params):  # only the gradient in x is wanted
            return -grad(cost)(padded)[:n]

    def observe(self, log=True, snapshot=True):
        """Record the current step's metrics and/or snapshot (all at once: an interrupted observation records nothing).

        It never stops the run: non-finite evaluation points give NaN metrics
        with their reason, so where a run stops depends on the training alone.
        """
        t, spec, G = self.steps, self.spec, self.G
        n = max(self.n_eval if log else 0, self.n_snapshot if snapshot else 0)
        m = max(n, self.n_mode_samples) if log and self.modes_target is not None else n  # noise rows through G
        with no_grad():  # one pass of G over the evaluation noise (its first n rows) and the latent grid
            both = G(Tensor(np.concatenate([self.z_modes[:m], self.z_manifold]) if snapshot else self.z_modes[:m])).data
            x = both[:n]
            x_2 = G(Tensor(self.z_anchor)).data if snapshot and spec.two_generator_batches else None
        row = notes = None
        if log:
            row, notes = logged_metrics(
                x[: self.n_eval],
                self.reference,
                self.dim,
                self.analytic,
                G,
                self.modes_target,
                both[: self.n_mode_samples],
                self.js_knn_floor,
            )
        if snapshot:
            shot, d_grid, g_field, manifold = self._snapshot_of(x[: self.n_snapshot], x_2, both[m:])
        if log:
            self.log_steps.append(t)
            self.metric_rows.append(row)
            for name, reason in notes.items():
                self.metric_notes.setdefault(name, []).append((t, reason))
        if snapshot:
            self.snapshot_steps.append(t)
            self.snapshots.append(shot)
            self.grids.append(d_grid)
            self.field_rows.append(g_field)
            self.manifolds.append(manifold)
        return row

    def _snapshot_of(self, shot, shot_2, manifold_points):
        """``(points, discriminator grid, generator field, manifold)`` of the generated ``shot`` (and ``shot_2``)."""
        with evaluation_mode(self.D):  # observing never advances a spectral norm's power iteration
            d_grid = self._critic_values(shot, shot_2).reshape((self.grid_size,) * self.dim)
            g_field = self._generator_field(shot, shot_2)
        return shot, d_grid, g_field, manifold_points.reshape(*_LATENT_GRID_SHAPE, self.dim)

    def snapshot(self):
        """The current snapshot, not recorded: ``(points, discriminator grid, generator field, manifold)``.

        The arrays :meth:`history` records at a snapshot step (``snapshots``,
        ``discriminator_grid``, ``generator_field`` and ``manifold`` of
        :class:`~gantheory.gan.history.History`), computed from the same
        fixed noise without touching the run's records or its streams: what a
        live view draws between recorded snapshots.

        Examples
        --------
        >>> import gantheory as gt
        >>> game = Game(gt.ring_of_gaussians(8), batch_size=32, n_snapshot=16, grid_size=8)
        >>> points, d_grid, field, manifold = game.snapshot()
        >>> points.shape, d_grid.shape, field.shape, manifold.shape, game.history().snapshot_steps.tolist()
        ((16, 2), (8, 8), (16, 2), (2, 9, 41, 2), [0])
        """
        with no_grad():
            both = self.G(Tensor(np.concatenate([self.z_modes[: self.n_snapshot], self.z_manifold]))).data
            shot_2 = self.G(Tensor(self.z_anchor)).data if self.spec.two_generator_batches else None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._snapshot_of(both[: self.n_snapshot], shot_2, both[self.n_snapshot :])

    def js_knn_floor(self):
        """The kNN JSD's noise floor at this run's evaluation size: data against data (computed once, then kept).

        The largest of :data:`JS_FLOOR_REPEATS` values of the logged
        estimator between two independent target samples of ``n_eval`` points
        each (for a sample target, two disjoint halves of at most ``2 n_eval``
        of its points drawn without replacement), from a stream of its own.
        Raises the estimator's error where it cannot be computed (the metric
        is then NaN with that reason).
        """
        if self.floor is None:
            rng = np.random.default_rng(self.floor_seed)
            try:
                values = []
                for _ in range(JS_FLOOR_REPEATS):
                    pool = self.sample_reference(2 * self.n_eval, rng).astype(np.float64)
                    half = len(pool) // 2
                    values.append(js_knn(pool[:half], pool[half : 2 * half]))
                self.floor = max(values)
            except ValueError as exc:
                self.floor = exc
        if isinstance(self.floor, Exception):
            raise self.floor
        return self.floor

    def history(self, *, stopped="completed", log=None, **config):
        """The :class:`~gantheory.gan.history.History` of the steps so far, after recording the current state.

        A snapshot of the current step is taken unless the last one is of it;
        the metrics too when ``log`` is true (default: when any were logged
        before and the last is not of this step). ``config`` entries update
        ``History.config`` (:func:`train` adds ``steps``, ``log_every`` and
        ``snapshot_every``; by default ``steps`` is the steps so far).
        """
        t = self.steps
        if log is None:
            log = bool(self.log_steps) and self.log_steps[-1] != t
        snapshot = not self.snapshot_steps or self.snapshot_steps[-1] != t
        if log or snapshot:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                self.observe(log, snapshot)
        records = np.array(self.records, dtype=np.float64).reshape(-1, 4).T
        names = list(self.metric_rows[0]) if self.metric_rows else []
        return History(
            config={**self.config, "steps": t, **config},
            d_loss=records[0].copy(),
            g_loss=records[1].copy(),
            d_grad_norm=records[2].copy(),
            g_grad_norm=records[3].copy(),
            log_steps=np.asarray(self.log_steps, dtype=np.int64),
            metrics={k: np.array([row[k] for row in self.metric_rows], dtype=np.float64) for k in names},
            snapshot_steps=np.asarray(self.snapshot_steps, dtype=np.int64),
            snapshots=np.stack(self.snapshots),
            grid=self.grid,
            discriminator_grid=np.stack(self.grids),
            generator_field=np.stack(self.field_rows),
            stopped=stopped,
            metric_notes={k: list(v) for k, v in self.metric_notes.items()},
            manifold=np.stack(self.manifolds),
            weights={"generator": saved_weights(self.G), "discriminator": saved_weights(self.D)},
            generator=self.G,
            discriminator=self.D,
        )


_LATENT_GRID_SHAPE = (2, 9, 41)  # two families of 9 lines, 41 points each


def _latent_grid(latent_dim, radius=2.5):
    """The latent grid whose image is the generator's manifold: shape ``(2 * 9 * 41, latent_dim)``.

    Two families of 9 lines over ``[-radius, radius]`` (99% of the N(0, 1) mass per axis) in the first two latent
    coordinates, the others 0. A 1-D latent gives one line, repeated.
    """
    families, lines, points = _LATENT_GRID_SHAPE
    levels, t = np.linspace(-radius, radius, lines), np.linspace(-radius, radius, points)
    z = np.zeros((families, lines, points, latent_dim))
    z[0, :, :, 0] = t
    z[1, :, :, 0] = levels[:, None]
    if latent_dim > 1:
        z[0, :, :, 1] = levels[:, None]
        z[1, :, :, 1] = t
    else:
        z[1, :, :, 0] = t
    return z.reshape(-1, latent_dim)


def _grid(reference, dim, grid_size):
    low, high = reference.min(axis=0), reference.max(axis=0)
    pad = 0.5 * (high - low) + 1e-3
    axes = [np.linspace(lo - p, hi + p, grid_size) for lo, hi, p in zip(low, high, pad)]
    if dim == 1:
        return axes[0].reshape(-1, 1)
    gx, gy = np.meshgrid(*axes)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


# ==============================================================================
# The training loop
# ==============================================================================
def train(target, config=None, **overrides):
    """Train a GAN on ``target`` and return its :class:`~gantheory.gan.history.History`.

    Parameters
    ----------
    target : Distribution or array_like of shape (n,) or (n, d)
        A 1-D or 2-D distribution of :mod:`gantheory.distributions`, or samples
        (batches are then drawn from them with replacement; the evaluation
        sample without replacement, at most all of them).
    config : TrainConfig, optional
        The options of the run (default: :class:`~gantheory.gan.config.TrainConfig`'s defaults).
    **overrides
        Fields of :class:`~gantheory.gan.config.TrainConfig` that replace the config's (the way to
        give options one by one: ``train(target, steps=500, loss="wgan_gp")``):
        ``generator``, ``discriminator``, ``loss``, ``optimizer``, ``lr``,
        ``d_lr``, ``betas``, ``lr_schedule``, ``batch_size``, ``steps``, ``n_critic``,
        ``update``, ``unroll``, ``pack``, ``minibatch_std``, ``r1``,
        ``spectral_norm``, ``clip``, ``gradient_penalty``, ``one_sided``,
        ``latent_dim``, ``log_every``, ``snapshot_every``, ``n_eval``,
        ``n_snapshot``, ``grid_size``, ``rng``, ``dtype``, ``progress``; each
        is described in :class:`~gantheory.gan.config.TrainConfig`. An unknown name raises TypeError.

    Returns
    -------
    History
        Stopped early, with the reason in ``stopped``, on a NaN or inf in a
        cost, a gradient, the updated parameters or a training batch's
        generated points, or on Ctrl-C (KeyboardInterrupt). Where a run stops
        depends on the training alone: logging and snapshots never stop it
        (non-finite evaluation points give NaN metrics with their reason).
        The step in which the stop happens is undone (each step is atomic):
        the history, its last snapshot, its last metrics and
        ``history.generator``/``history.discriminator`` all show the players
        after the last completed step. The undoing restores the players'
        parameters; optimizer instances you passed keep the internal state
        (moments, step counts) of the undone updates.

    Notes
    -----
    **Per-loss defaults** and **the remedies for mode collapse** (the
    unrolled updates, packing, the minibatch standard deviation, R1): see
    :class:`~gantheory.gan.config.TrainConfig`'s Notes.

    *Mode metrics.* When the target is a mixture of isotropic normals (such
    as :func:`gantheory.ring_of_gaussians` and
    :func:`gantheory.grid_of_gaussians`), ``History.metrics`` also holds, at
    every logged step, ``"modes"`` (modes covered), ``"high_quality"`` (the
    share of samples within 3 standard deviations of a mode) and
    ``"reverse_kl"`` (of the high-quality samples' mode histogram to the
    mixture's weights) of :func:`gantheory.gan.metrics.mode_coverage` with
    ``n_sd=3``, on ``max(2500, n_eval)`` generated points (:data:`MODE_SAMPLES`,
    the count of the VEEGAN and PacGAN experiments; fixed
    noise whose first rows are the evaluation and snapshot noise, so a
    snapshot's points are among them). On the 256 points of the other
    metrics a 25-mode grid reads as fewer modes than it covers: the count
    grows with the sample. ``"reverse_kl"`` is NaN with its reason when no
    sample is within 3 standard deviations of a mode.

    *The kNN JSD's noise floor.* ``"js_knn"`` between two samples of the
    *same* law is not 0 but a random value (often clipped to exactly 0): at
    256 points on the ring of 8 it ranges up to about 0.06. ``"js_knn_floor"``
    is the largest of :data:`JS_FLOOR_REPEATS` (10) such data-against-data
    values at the run's evaluation size; a ``js_knn`` at or below it is noise,
    not evidence of a fit. Computed once per run, from a stream of its own.

    **Metrics never end a run.** One that cannot be computed at a logged step
    (the kNN JSD when generated points coincide, say) is NaN there, with its
    reason in ``History.metric_notes``.

    **Reproducibility.** The same ``rng`` and options give the same history bit
    for bit (on one machine and NumPy version). A run of ``steps=n`` is the
    first ``n`` steps of the same run with more steps (unless it has a named
    ``lr_schedule``, whose factors depend on ``steps``): the costs, gradient
    norms and players agree bit for bit over those steps (the target batches
    are drawn in chunks of a fixed size, not one that depends on ``steps``;
    ``log_every``/``snapshot_every`` never touch the training stream). A
    float32 run draws the same batches and noise as the float64 run, rounded
    to float32, and starts from the same players rounded: the two runs differ
    only by rounding, which the game can amplify over many steps.

    The loop runs BLAS on one thread (``threadpoolctl``); the numbers are the
    same with any number of threads.

    A step costs one forward and backward pass of D on ``2 batch_size``
    points per discriminator update (three batches with the gradient penalty's
    double backward), plus G and D forward and backward on ``batch_size``
    points for the generator update; D's weight gradients are not computed in
    the generator's step.

    References
    ----------
    The papers behind each option are listed under :class:`~gantheory.gan.config.TrainConfig`'s References.

    Examples
    --------
    >>> import gantheory as gt
    >>> h = gt.gan.train(gt.ring_of_gaussians(8), steps=20, batch_size=64, log_every=10, snapshot_every=10,
    ...                  progress=False)
    >>> h.d_loss.shape, h.snapshots.shape, h.discriminator_grid.shape, sorted(h.metrics)[:3]
    ((20,), (3, 256, 2), (3, 32, 32), ['energy_distance', 'high_quality', 'js_knn'])
    >>> h.metrics["modes"].shape                      # modes covered at steps 0, 10, 20
    (3,)
    >>> p = gt.gan.train(gt.ring_of_gaussians(8), steps=2, batch_size=16, pack=2, minibatch_std=True, unroll=1,
    ...                  r1=1.0, log_every=0, progress=False)
    >>> p.discriminator.layers[0].weight.shape[0], p.config["unroll"], p.config["r1"]   # 2 * 2 + 1 inputs
    (5, 1, 1.0)
    >>> w = gt.gan.train(gt.ring_of_gaussians(8), loss="wgan_gp", steps=2, batch_size=16, log_every=0, progress=False)
    >>> {k: w.config[k] for k in ("optimizer", "lr", "betas", "n_critic", "rng")}
    {'optimizer': 'adam', 'lr': 0.0001, 'betas': [0.5, 0.9], 'n_critic': 5, 'rng': 0}
    """
    c = TrainConfig.of(config, overrides)
    steps, log_every = c.steps, c.log_every
    snapshot_every = max(steps // 10, 1) if c.snapshot_every is None else c.snapshot_every
    game = Game(target, c)

    stopped, done = "completed", 0
    bar = tqdm(total=steps, disable=None if c.progress is None else not c.progress, desc=f"train {c.loss}", leave=False)
    # BLAS on one thread: the players' small matrices gain nothing from a thread pool and lose to its synchronization
    # (300 WGAN-GP ring steps: 2.6 s on one thread, 12.7 s with OpenBLAS's two on the loaded 2-core machine).
    with threadpool_limits(limits=1, user_api="blas"), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        game.observe(bool(log_every), True)
        try:
            for t in range(1, steps + 1):
                game.save()
                try:
                    game.step()
                    log = bool(log_every) and t % log_every == 0
                    snapshot = bool(snapshot_every) and t % snapshot_every == 0
                    row = game.observe(log, snapshot) if log or snapshot else None
                except BaseException:  # a stopped step is undone: the players go back to their state after step t - 1
                    game.restore()
                    raise
                done = t
                bar.update(1)
                if row is not None:
                    bar.set_postfix({k: f"{v:.3g}" for k, v in list(row.items())[:2]}, refresh=False)
        except _NonFinite as exc:
            stopped = f"non-finite {exc} at step {done + 1}"
        except KeyboardInterrupt:
            stopped = f"interrupted at step {done + 1}"
        finally:
            bar.close()
    return game.history(
        stopped=stopped,
        log=bool(log_every) and game.log_steps[-1] != done,
        steps=steps,
        log_every=log_every,
        snapshot_every=snapshot_every,
    )
