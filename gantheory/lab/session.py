"""The run the lab steps: a :class:`~gantheory.gan.Game` that can be paused, stepped by player, changed and saved.

:class:`LabSession` is the lab without its pages: NumPy only, so that the live lab (:mod:`gantheory.lab.app`),
chapter 3 and the tests drive the same object. It records what :func:`gantheory.gan.train` records (the costs of
every step; metrics and a snapshot every ``record_every`` steps), so a saved lab run is a
:class:`~gantheory.gan.history.History` that :meth:`History.load <gantheory.gan.history.History.load>` reads back,
with the changes made along the way in its ``config["lab_changes"]``.
"""

import dataclasses
import functools
import math
import time

import numpy as np
from threadpoolctl import ThreadpoolController

from gantheory.autograd import Tensor, no_grad
from gantheory.distributions import Distribution, Mixture, Normal, grid_of_gaussians, ring_of_gaussians
from gantheory.divergences import exact
from gantheory.gan.config import TrainConfig
from gantheory.gan.optimal import value_of_logits
from gantheory.gan.players import AffineGenerator, evaluation_mode
from gantheory.gan.training import Game
from gantheory.lab import views

#: The lab's named targets (a drawn target is an array of points instead).
TARGETS = {
    "ring": lambda: ring_of_gaussians(8),
    "grid": lambda: grid_of_gaussians(5),
    "mixture_1d": lambda: Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.5)], [0.5, 0.5]),
    "normal_1d": lambda: Normal(1.0, 0.5),
}

#: The options the lab's controls change (fields of :class:`~gantheory.gan.config.TrainConfig`).
CONTROLS = (
    "loss",
    "optimizer",
    "lr",
    "d_lr",
    "n_critic",
    "update",
    "batch_size",
    "generator",
    "discriminator",
    "rng",
    "pack",
    "unroll",
    "minibatch_std",
    "r1",
    "spectral_norm",
    "lr_schedule",
)

#: The lab's defaults beyond :class:`~gantheory.gan.config.TrainConfig`'s: a small, quick game, and the horizon of a
#: named ``lr_schedule`` (its factor reaches 0 at ``steps``).
DEFAULTS = {"batch_size": 128, "generator": (64, 64), "discriminator": (64, 64), "steps": 10_000, "grid_size": 40}

# Changing one of these starts a new run (new evaluation data or new players for both).
_RESTART = ("rng",)


class LabSession:
    """A GAN game the lab plays: step it, change it, record it, save it.

    Parameters
    ----------
    target : str or Distribution or array_like
        A name of :data:`TARGETS` (``"ring"``, ``"grid"``, ``"mixture_1d"``, ``"normal_1d"``), a 1-D or 2-D
        :class:`~gantheory.distributions.Distribution`, or points (a drawn target, kept as samples: batches are
        drawn from them with replacement).
    record_every : int
        Steps between recorded metrics and snapshots (as ``log_every`` and ``snapshot_every`` of
        :func:`~gantheory.gan.train`).
    **options
        Fields of :class:`~gantheory.gan.config.TrainConfig` (:data:`DEFAULTS` where not given).

    Attributes
    ----------
    target_name : str
        The target's key of :data:`TARGETS`, ``"drawn"`` for points, or the Distribution's repr.
    game : Game
        The game in play (replaced by a new one, its state carried over, when an option changes).
    changes : list of dict
        ``{"step": k, "changes": {...}, "restarted": [...]}`` for each change: it applies from step ``k + 1``;
        ``restarted`` names what started afresh (a player whose shape changed, the optimizers' state).

    Examples
    --------
    >>> lab = LabSession("ring", batch_size=32, record_every=5)
    >>> lab.step(5)
    5
    >>> d_cost, d_norm = lab.step_discriminator()      # one update of D alone
    >>> g_cost, g_norm = lab.step_generator()          # one of G: step 6 is complete
    >>> lab.steps
    6
    >>> lab.set(loss="wgan_gp")                        # from the next step; D keeps its weights
    ['optimizers']
    >>> lab.step(), lab.changes[0]["step"], lab.changes[0]["changes"]
    (7, 6, {'loss': 'wgan_gp'})
    >>> h = lab.history()
    >>> h.steps, h.config["loss"], h.log_steps.tolist(), h.config["lab_changes"][0]["changes"]
    (7, 'wgan_gp', [0, 5, 7], {'loss': 'wgan_gp'})
    """

    def __init__(self, target="ring", *, record_every=50, **options):
        if isinstance(record_every, bool) or not isinstance(record_every, int | np.integer) or record_every < 1:
            raise ValueError(f"record_every must be an int >= 1 (steps between records), got {record_every!r}")
        self.record_every = int(record_every)
        self.target, self.target_name = _resolve_target(target), _target_name(target)
        self.config = TrainConfig.of(None, {**DEFAULTS, **options, "log_every": None, "progress": False})
        self.reset()

    # -- the run ---------------------------------------------------------------------------
    def reset(self, target=None):
        """Start the run again from step 0 (on ``target`` if given): new players, no records, no changes."""
        if target is not None:
            self.target, self.target_name = _resolve_target(target), _target_name(target)
        self.game = Game(self.target, self.config)
        self.changes, self.extra = [], []
        self._costs = [0.0, 0.0]  # seconds of a step, and of a record beyond it (measured while stepping by time)
        self._record()

    @property
    def steps(self):
        """Completed steps (generator updates)."""
        return self.game.steps

    @property
    def dim(self):
        return self.game.dim

    @property
    def loss(self):
        return self.config.loss

    def options(self):
        """The lab's current options: ``{name: value}`` for each of :data:`CONTROLS` (None: the loss's default)."""
        return {name: getattr(self.config, name) for name in CONTROLS}

    def set(self, **changes):
        """Change options of :data:`CONTROLS`; they apply from the next step, and are recorded in :attr:`changes`.

        The game is rebuilt with the new options and the run's state carried over: the players' parameters
        (a player whose shape changes, by its widths, ``pack``, ``minibatch_std`` or the loss's output width,
        starts afresh from the seed), the training batches' stream, the records. The optimizers start afresh
        (their moments belong to the old settings). A new ``rng`` starts a new run (:meth:`reset`). Invalid
        options raise the error :class:`~gantheory.gan.config.TrainConfig` or the game raises, and change nothing.

        Returns the names of what started afresh.
        """
        unknown = sorted(set(changes) - set(CONTROLS))
        if unknown:
            raise TypeError(f"the lab cannot change {unknown}; it changes {list(CONTROLS)}")
        changes = {k: v for k, v in changes.items() if _differs(getattr(self.config, k), v)}
        if not changes:
            return []
        config = self.config.replace(**changes)
        if any(name in changes for name in _RESTART):
            Game(self.target, config)  # validated before anything changes
            self.config = config
            self.reset()
            return ["run"]
        old = self.game
        new = Game(self.target, config)  # raises on invalid options; nothing changed yet
        restarted = _carry(old, new)
        self.config, self.game = config, new
        record = {"step": self.steps, "changes": {k: _plain(v) for k, v in changes.items()}, "restarted": restarted}
        self.changes.append(record)
        return restarted

    # -- stepping ----------------------------------------------------------------------------
    def step(self, n=1, seconds=None):
        """``n`` full training steps (as :func:`~gantheory.gan.train`'s), or as many as fit in ``seconds``.

        Returns the step count. A step that gives a NaN or inf is undone and raises ``FloatingPointError`` (the
        lab pauses on it). BLAS runs on one thread, as in :func:`~gantheory.gan.train`.
        """
        if seconds is None:
            with one_blas_thread():
                for _ in range(n):
                    self._guarded(self.game.step)
            return self.steps
        start = time.perf_counter()
        with one_blas_thread():
            while True:
                self._timed_step()
                due = (self.steps + 1) % self.record_every == 0  # the next step records: it takes longer
                if time.perf_counter() - start + self._costs[0] + due * self._costs[1] > seconds:
                    break  # stop before a step that would end after the time given
        return self.steps

    def _timed_step(self):
        """One step, its time kept (smoothed): that of a plain step, and what a record adds to it."""
        begin = time.perf_counter()
        self._guarded(self.game.step)
        spent = time.perf_counter() - begin
        if self.steps % self.record_every == 0:
            self._costs[1] = 0.8 * self._costs[1] + 0.2 * max(spent - self._costs[0], 0.0)
        else:
            self._costs[0] = 0.8 * self._costs[0] + 0.2 * spent

    def step_discriminator(self):
        """One update of the discriminator alone (``update="alternating"`` only); returns ``(cost, grad norm)``."""
        self.game.save()
        try:
            return self.game.discriminator_step()
        except BaseException:
            self.game.restore()
            raise

    def step_generator(self):
        """One update of the generator alone: completes a step (recorded as such); returns ``(cost, grad norm)``."""
        return self._guarded(self.game.generator_step)

    def _guarded(self, update):
        self.game.save()
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                result = update()
                if self.steps % self.record_every == 0:
                    self._record()
        except BaseException:
            self.game.restore()
            raise
        return result

    def _record(self):
        """Metrics and a snapshot of this step into the game's records, and the lab's extra metrics."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self.game.observe(log=True, snapshot=True)
        self.extra.append(self.theory())

    # -- what the lab shows -----------------------------------------------------------------------------
    def view(self, real=None):
        """The current snapshot's view (:func:`~gantheory.lab.views.plane_view` or :func:`~gantheory.lab.views.line_view`).

        ``real``: the data points to draw (default: the game's fixed snapshot sample of the target).
        """
        with one_blas_thread():
            points, d_grid, field, manifold = self.game.snapshot()
        real = self.game.snapshot_real if real is None else real
        if self.dim == 1:
            target = self.target if isinstance(self.target, Distribution) else None
            return views.line_view(self.game.grid, d_grid, points, self.loss, real, target)
        return views.plane_view(self.game.grid, d_grid, points, field, manifold, self.loss, real)

    def theory(self):
        """The lab's theory metrics now, beyond those :func:`~gantheory.gan.train` logs.

        ``value_bound`` (classifier losses): :math:`(\\hat V(D, G) + \\log 4)/2`, a lower bound on the JSD up to
        sampling error (Goodfellow et al. 2014, Theorem 1: :math:`V(D, G) \\le -\\log 4 + 2\\,\\mathrm{JSD}`), on
        the fixed evaluation samples, and ``value_bound_se``, its standard error. ``exact_kl`` (an affine
        generator on an analytic 1-D target): :math:`\\mathrm{KL}(P_{data} \\| P_G)`, exact. NaN where undefined.
        """
        game, out = self.game, {}
        out["value_bound"] = out["value_bound_se"] = math.nan
        if self.loss in views.PROBABILITY_LOSSES and game.pack == 1 and not game.minibatch_std:
            with no_grad(), evaluation_mode(game.D):  # watching never advances a spectral norm's power iteration
                fake = game.G(Tensor(game.z_eval[: game.n_eval])).data
                real_logits = game.D(Tensor(game.reference)).data.reshape(-1)
                fake_logits = game.D(Tensor(fake)).data.reshape(-1)
            value, se = value_of_logits(real_logits.astype(float), fake_logits.astype(float))
            out["value_bound"], out["value_bound_se"] = (value + math.log(4.0)) / 2.0, se / 2.0
        out["exact_kl"] = math.nan
        if isinstance(game.G, AffineGenerator) and game.analytic is not None:
            out["exact_kl"] = float(exact.kl(game.analytic, game.G.distribution()))
        return out

    def curves(self):
        """The recorded curves: ``"costs"`` (``step``, ``d_cost``, ``g_cost`` of every step) and ``"metrics"``
        (``step`` and each logged metric, at the recorded steps), as plain columns."""
        records = np.array(self.game.records, dtype=np.float64).reshape(-1, 4)
        costs = {"step": np.arange(1, len(records) + 1), "d_cost": records[:, 0], "g_cost": records[:, 1]}
        rows = self.game.metric_rows
        metrics = {"step": np.asarray(self.game.log_steps)}
        for name in rows[0] if rows else ():
            metrics[name] = np.array([row.get(name, math.nan) for row in rows], dtype=np.float64)
        for name in self.extra[0] if self.extra else ():
            metrics[name] = np.array([row[name] for row in self.extra], dtype=np.float64)
        return {"costs": costs, "metrics": metrics}

    def spectrum(self, batch_size=64, k=24):
        """The game Jacobian's eigenvalues at the current players (see :func:`gantheory.lab.session.game_eigenvalues`)."""
        with one_blas_thread():
            return game_eigenvalues(self.game, batch_size=batch_size, k=k)

    # -- keeping ---------------------------------------------------------------------------------------
    def history(self):
        """The run so far as a :class:`~gantheory.gan.history.History` (what :func:`~gantheory.gan.train` returns).

        Its ``config`` is the current options', with ``record_every`` as ``log_every``/``snapshot_every`` and the
        changes in ``"lab_changes"``; its metrics include the lab's :meth:`theory` metrics.
        """
        if self.game.log_steps[-1] != self.steps:  # the current step recorded, as train records its last
            self._record()
        h = self.game.history(
            log=False,
            steps=self.steps,
            log_every=self.record_every,
            snapshot_every=self.record_every,
            lab_changes=[dict(c) for c in self.changes],
        )
        extra = self.extra[: len(h.log_steps)]
        metrics = {**h.metrics}
        for name in extra[0] if extra else ():
            metrics[name] = np.array([row[name] for row in extra], dtype=np.float64)
        return dataclasses.replace(h, metrics=metrics)

    def save(self, path):
        """Write :meth:`history` as the JSON that :meth:`History.save <gantheory.gan.history.History.save>` writes."""
        self.history().save(path)


@functools.cache
def _controller():
    return ThreadpoolController()  # finds the BLAS libraries once (about 6 ms): each limit after that is cheap


def one_blas_thread():
    """A context in which BLAS runs on one thread (the players' small matrices lose to a thread pool's syncing)."""
    return _controller().limit(limits=1, user_api="blas")


def game_eigenvalues(game, batch_size=64, k=24, dense=None):
    """The game Jacobian's eigenvalues at a game's current players, on a fixed batch.

    The joint gradient field of :func:`gantheory.gan.dynamics.game_vector_field` (the game's loss and R1, on
    ``batch_size`` fresh target points and noise): the dense Jacobian's eigenvalues for up to 400 parameters
    (:func:`gantheory.gan.dynamics.game_jacobian`), else the ``k`` of largest modulus by Arnoldi iteration on
    products :math:`J^\\top u` (one backward pass each; :math:`J^\\top` has :math:`J`'s eigenvalues).
    ``dense``: force one route (True: dense, False: Arnoldi; None: by size).

    Returns
    -------
    ndarray of complex
        Eigenvalues :math:`\\lambda` of :math:`J`; a simultaneous gradient step of size :math:`\\eta` multiplies
        the deviation along each eigenvector by :math:`1 + \\eta\\lambda`, which must lie inside the unit circle.

    Raises
    ------
    ValueError
        Where the field is not defined on the game's discriminator as is: packing, the minibatch-std feature,
        or the Cramér loss (two generated batches).
    """
    with evaluation_mode(game.D):  # a spectral norm's power iteration is left as it is: looking changes nothing
        return _eigenvalues(game, batch_size, k, dense)


def _eigenvalues(game, batch_size, k, dense):
    from gantheory.gan.dynamics import game_eigenvalues as eigenvalues_of

    if game.pack != 1 or game.minibatch_std:
        raise ValueError(
            "the game Jacobian is computed for a discriminator that takes one point at a time: "
            "set pack=1 and minibatch_std=False"
        )
    rng = np.random.default_rng(0)
    real = game.sample_reference(batch_size, rng).astype(np.float64)
    z = rng.standard_normal((len(real), game.latent_dim))
    return eigenvalues_of(game.G, game.D, real, z, game.config["loss"], game.r1, k=k, dense=dense)


def _target_name(target):
    """A target's name in the lab: its key of :data:`TARGETS`, "drawn" for points, else its repr."""
    if isinstance(target, str):
        return target
    return repr(target) if isinstance(target, Distribution) else "drawn"


def _resolve_target(target):
    if isinstance(target, str):
        if target not in TARGETS:
            raise ValueError(f"target must be one of {sorted(TARGETS)}, a Distribution or points; got {target!r}")
        return TARGETS[target]()
    if isinstance(target, Distribution):
        return target
    points = np.asarray(target, dtype=np.float64)
    if points.ndim == 1:
        points = points[:, None]
    if points.ndim != 2 or points.shape[1] not in (1, 2) or len(points) < 1 or not np.isfinite(points).all():
        raise ValueError(
            f"a drawn target must be finite points of shape (n, 2) or (n,) with n >= 1, got shape {points.shape}"
        )
    return points


def _differs(old, new):
    try:
        return bool(np.any(np.asarray(old, dtype=object) != np.asarray(new, dtype=object))) or type(old) is not type(
            new
        )
    except ValueError:
        return True


def _plain(value):
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if callable(value):
        return getattr(value, "__name__", repr(value))
    return value


def _carry(old, new):
    """Carry a game's state into the game rebuilt with new options; returns what started afresh."""
    restarted = ["optimizers"]
    for name, a, b in (("generator", old.G, new.G), ("discriminator", old.D, new.D)):
        pa, pb = a.parameters(), b.parameters()
        if len(pa) == len(pb) and all(p.data.shape == q.data.shape for p, q in zip(pa, pb)):
            for p, q in zip(pa, pb):
                np.copyto(q.data, p.data.astype(q.data.dtype))
        else:
            restarted.append(name)
    for attr in ("records", "log_steps", "metric_rows", "snapshot_steps", "snapshots", "grids", "field_rows"):
        setattr(new, attr, getattr(old, attr))
    new.manifolds, new.metric_notes, new.floor, new.rng = old.manifolds, old.metric_notes, old.floor, old.rng
    new.pending_d = old.pending_d  # a discriminator update made before the change, its step not yet complete
    if new.batch_size == old.batch_size:
        new.pool, new.used = old.pool, old.used
    new.save()
    return restarted
