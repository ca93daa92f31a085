"""What :func:`gantheory.gan.train` records: :class:`History`, its strict JSON, and the players' weights saved with it.

A :class:`History` holds per step the players' costs and gradient norms, the
logged metrics (:mod:`gantheory.gan.metrics`), the snapshots (generated
points, the discriminator on a grid, the generator's field, its manifold) and
the players' final weights. :meth:`History.to_json` writes it as strict JSON
(no ``NaN``/``Infinity``: the numbers of :mod:`gantheory._json`, the command
line's convention), :meth:`History.save`/:meth:`History.load` to a file, and
:meth:`History.from_json` rebuilds the players from the saved weights, so that
a loaded run can still be sampled (:meth:`History.sample`).

Examples
--------
>>> import gantheory as gt
>>> h = gt.gan.train(gt.Normal(0, 1), generator="affine", steps=3, log_every=1, progress=False)
>>> loaded = History.from_json(h.to_json())
>>> loaded == h, type(loaded.generator).__name__
(True, 'AffineGenerator')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from gantheory._json import json_number, number_from_json
from gantheory._rng import as_generator
from gantheory._validation import check_positive_int
from gantheory.autograd import nn
from gantheory.autograd.tensor import Tensor, no_grad
from gantheory.backend import to_numpy
from gantheory.gan.players import AffineGenerator, evaluation_mode

__all__ = ["History", "saved_weights"]

SAMPLE_CHUNK = 2**16  # generated points per pass in History.sample (bounded memory)


@dataclass(frozen=True)
class History:
    """What :func:`~gantheory.gan.train` recorded (a frozen dataclass: a result, not a state).

    Attributes
    ----------
    config : dict
        The options of the run (JSON-able; the target as its ``repr``).
    d_loss, g_loss : ndarray, shape (steps,)
        Each step's discriminator (critic) cost, its last ``n_critic`` update
        (with the gradient penalty where there is one), and generator cost.
    d_grad_norm, g_grad_norm : ndarray, shape (steps,)
        The Euclidean norm of each player's gradient over all its parameters.
    log_steps : ndarray of int
        Steps at which ``metrics`` were taken (0 is before training).
    metrics : dict of str to ndarray
        On ``n_eval`` generated and ``n_eval`` target samples (fixed noise and a
        fixed target sample; for a sample target, ``min(n_eval, n)`` of its
        points drawn without replacement): ``"w1"`` (1-D, by sorting) or
        ``"sliced_w1"`` (2-D, 64 directions), ``"energy_distance"``,
        ``"js_knn"`` (kNN estimate, k = 5, clipped at 0) and beside it
        ``"js_knn_floor"``, its noise floor at this sample size (the same at
        every step: the largest of 10 data-against-data values,
        :meth:`Game.js_knn_floor`; a ``js_knn`` at or below it does not tell
        the generated points from the target's); for an affine generator on
        an analytic 1-D target also ``"exact_js"`` and ``"exact_w1"`` of
        :math:`N(\\mu, |\\sigma|)` from the target; for a mixture of isotropic
        normals ``"modes"``, ``"high_quality"`` and ``"reverse_kl"`` of
        :func:`~gantheory.gan.metrics.mode_coverage` on ``max(2500, n_eval)``
        generated points (see :func:`~gantheory.gan.train`'s Notes). NaN where a metric
        cannot be computed, with the reason in ``metric_notes``.
    snapshot_steps : ndarray of int
    snapshots : ndarray, shape (n_snapshots, n_snapshot, dim)
        Generated samples from a fixed noise batch.
    grid : ndarray, shape (g, dim) or (g * g, dim)
        Points at which the discriminator is evaluated at each snapshot
        (``g`` points per axis; in 2-D a ``meshgrid`` in ``xy`` order, flattened).
    discriminator_grid : ndarray, shape (n_snapshots, g) or (n_snapshots, g, g)
        The discriminator's raw output on ``grid``: the logit (D = sigmoid of
        it) for the classifier costs, the critic's value for ``"wgan"``,
        ``"wgan_gp"``, ``"least_squares"``, and the Cramér critic averaged over
        the snapshot's generated samples for ``"cramer"``. With ``pack=m``, at
        a pack of ``m`` copies of each grid point; with ``minibatch_std``, with
        the feature of the snapshot's generated batch.
    generator_field : ndarray, shape (n_snapshots, n_snapshot, dim)
        :math:`-n\\,\\partial L_G / \\partial x` at each snapshot sample: the
        direction (and strength) in which the generator's cost moves it (with
        ``pack=m``, the gradient of its pack's cost, the snapshot packed in
        consecutive groups of ``m``; against the current discriminator, not an
        unrolled one).
    stopped : str
        ``"completed"``, ``"interrupted at step k"``, or the non-finite
        quantity and its step (``"non-finite discriminator loss at step 17"``,
        ``"non-finite generated points at step 17"``). Step k is then undone:
        the history, its last snapshot and metrics and the players are those
        after step k - 1 (``steps == k - 1``).
    metric_notes : dict of str to list of (int, str)
        For each metric that could not be computed at some logged step, the
        ``(step, reason)`` pairs; its value there is NaN (e.g. the kNN JSD
        when several generated points coincide). A metric never ends a run.
    manifold : ndarray, shape (n_snapshots, 2, 9, 41, dim)
        The generator's manifold at each snapshot: the image under G of a
        latent grid (two families of 9 lines of 41 points over [-2.5, 2.5] in
        the first two latent coordinates, the others 0; one line for a 1-D
        latent), to be drawn as lines. Empty in histories saved before it existed.
    weights : dict
        The players' final parameter values, saved with the history:
        ``{"generator": {...}, "discriminator": {...}}``, each with
        ``"parameters"`` (name, as ``Module.named_parameters``, to array),
        ``"buffers"`` (a spectral norm's singular vectors) and
        ``"architecture"`` (the layers, for the players :meth:`from_json` can
        rebuild: the default MLPs and any ``nn.MLP`` or ``nn.Sequential`` of
        ``Linear``, ``SpectralNorm`` and activation layers, and
        :class:`AffineGenerator`; ``None`` for another Module, whose
        parameter values are still saved). Empty in histories saved before
        the weights were.
    generator, discriminator : Module or None
        The trained players, in the state the last snapshot shows. After
        :meth:`from_json` (or :meth:`load`) rebuilt from ``weights`` where the
        architecture is known, else ``None``. The discriminator is the network
        itself: with ``pack=m`` it takes packs of ``m`` points (width
        ``m * dim``), with ``minibatch_std`` one more input column.

    Examples
    --------
    >>> import gantheory as gt
    >>> h = gt.gan.train(gt.Normal(0, 1), generator="affine", steps=3, log_every=1, progress=False)
    >>> h.steps, h.stopped, h == History.from_json(h.to_json())
    (3, 'completed', True)
    >>> h.sample(4, rng=0).shape                     # the trained generator's samples
    (4,)
    """

    config: dict
    d_loss: np.ndarray
    g_loss: np.ndarray
    d_grad_norm: np.ndarray
    g_grad_norm: np.ndarray
    log_steps: np.ndarray
    metrics: dict
    snapshot_steps: np.ndarray
    snapshots: np.ndarray
    grid: np.ndarray
    discriminator_grid: np.ndarray
    generator_field: np.ndarray
    stopped: str = "completed"
    metric_notes: dict = field(default_factory=dict)
    manifold: np.ndarray = field(default_factory=lambda: np.empty((0, 2, 9, 41, 1)))
    weights: dict = field(default_factory=dict, repr=False)
    generator: Any = field(default=None, repr=False, compare=False)
    discriminator: Any = field(default=None, repr=False, compare=False)

    @property
    def steps(self):
        """The number of completed steps."""
        return len(self.d_loss)

    def sample(self, n, rng=0):
        """Draw ``n`` points from the trained generator: :math:`G(z)`, :math:`z \\sim N(0, I)`.

        Parameters
        ----------
        n : int
            Number of points.
        rng : int, default 0
            Seed of the noise (different seeds give independent samples).

        Returns
        -------
        ndarray of float64, shape (n,) in 1-D, (n, 2) in 2-D
            As :meth:`gantheory.distributions.Distribution.sample`: ready for
            :mod:`gantheory.divergences.empirical` and
            :func:`~gantheory.gan.metrics.mode_coverage`.

        Raises
        ------
        ValueError
            When the history has no generator: one loaded from a file saved
            without the weights (before they were saved), or whose generator
            is a Module that :meth:`from_json` cannot rebuild. The message
            says what to use instead.

        Notes
        -----
        The noise has the run's latent width (``config["latent_dim"]``) and
        dtype; it is drawn in float64 and cast, as in training. A history
        loaded from JSON samples from the generator rebuilt from
        ``weights``: the same points, bit for bit, as the run's own
        generator for the same ``rng``. Memory is bounded: the points are
        made in chunks of 65,536.

        Examples
        --------
        >>> import os, tempfile
        >>> import gantheory as gt
        >>> ring = gt.ring_of_gaussians(8)
        >>> h = gt.gan.train(ring, steps=30, batch_size=64, log_every=0, progress=False)
        >>> x = h.sample(2500, rng=0)
        >>> x.shape, gt.gan.mode_coverage(x, ring).n
        ((2500, 2), 2500)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     loaded = History.load(h.save(os.path.join(folder, "history.json")))
        >>> bool((loaded.sample(2500, rng=0) == x).all())
        True
        """
        n = check_positive_int(n, "n")
        gen = as_generator(rng)
        G = self.generator
        if G is None:
            raise ValueError(self._why_no_generator())
        dim, latent_dim = int(self.config["dim"]), int(self.config["latent_dim"])
        dtype = np.dtype(self.config.get("dtype", "float64"))
        out = np.empty((n, dim), dtype=np.float64)
        with no_grad(), evaluation_mode(G), threadpool_limits(limits=1, user_api="blas"):
            for start in range(0, n, SAMPLE_CHUNK):
                z = gen.standard_normal((min(SAMPLE_CHUNK, n - start), latent_dim)).astype(dtype, copy=False)
                out[start : start + len(z)] = np.asarray(G(Tensor(z))).reshape(len(z), dim)
        return out[:, 0] if dim == 1 else out

    def _why_no_generator(self):
        """The message of :meth:`sample` without a generator: why, and what to use instead."""
        last = (
            f"history.snapshots[-1] holds {self.snapshots.shape[1]} generated points of step {int(self.snapshot_steps[-1])}"
            if len(self.snapshot_steps)
            else "the history holds no snapshot"
        )
        rerun = "train again with the options in history.config (the same rng gives the same run, bit for bit)"
        saved = self.weights.get("generator")
        if not saved:
            return (
                f"this history has no generator to sample: it was saved without the players' weights (by an older "
                f"gantheory). Instead: {last}; or {rerun}, then save it again to keep the weights"
            )
        kind = self.config.get("generator", "Module")
        return (
            f"this history's generator (a {kind}) is not one History can rebuild from JSON; its parameter values are in "
            f"history.weights['generator']['parameters'] (name -> array, as Module.named_parameters): copy them into a "
            f"{kind} and call it on standard normal noise of width config['latent_dim']. Or: {last}"
        )

    def __eq__(self, other):
        """Equal fields, arrays compared by value with NaN equal to NaN; the players are not compared."""
        if not isinstance(other, History):
            return NotImplemented
        return _plain(self) == _plain(other)

    def to_json(self):
        """The history as strict JSON text (no ``NaN``/``Infinity``), with the players' final weights.

        Arrays are ``{"shape", "dtype", "data"}`` objects; as in the command
        line's ``--json``, a NaN is ``null`` and an infinity is the string
        ``"inf"`` or ``"-inf"``. :meth:`from_json` reads it back exactly. The
        players are saved as ``weights`` (their parameter values and
        architecture), from which :meth:`from_json` rebuilds them: a saved run
        can be sampled (:meth:`sample`). The default players add about 0.2 MB.

        Examples
        --------
        >>> import json
        >>> import gantheory as gt
        >>> h = gt.gan.train(gt.Normal(0, 1), generator="affine", steps=3, log_every=1, progress=False)
        >>> text = h.to_json()
        >>> sorted(json.loads(text))[:4]
        ['config', 'd_grad_norm', 'd_loss', 'discriminator_grid']
        >>> History.from_json(text) == h
        True
        """
        return json.dumps(_plain(self), allow_nan=False)

    @classmethod
    def from_json(cls, text):
        """Rebuild a :class:`History` from :meth:`to_json`'s text, and its players from ``weights``.

        Text written before the weights were saved loads too, with
        ``generator`` and ``discriminator`` ``None`` (:meth:`sample` then says
        what to use instead).

        Examples
        --------
        >>> import gantheory as gt
        >>> h = gt.gan.train(gt.Normal(0, 1), generator="affine", steps=2, log_every=1, progress=False)
        >>> History.from_json(h.to_json()).d_loss.shape
        (2,)
        """
        raw = json.loads(text)
        kwargs = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            value = raw[f.name]
            if f.name == "metrics":
                value = {k: _from_plain(v) for k, v in value.items()}
            elif f.name == "metric_notes":
                value = {k: [(int(step), str(reason)) for step, reason in v] for k, v in value.items()}
            elif f.name == "weights":
                value = {player: _weights_from_plain(saved) for player, saved in value.items()}
            elif isinstance(value, dict) and set(value) == {"shape", "dtype", "data"}:
                value = _from_plain(value)
            kwargs[f.name] = value
        weights = kwargs.get("weights", {})
        return cls(
            **kwargs, generator=_rebuild(weights.get("generator")), discriminator=_rebuild(weights.get("discriminator"))
        )

    def save(self, path):
        """Write :meth:`to_json`'s text to the file ``path`` (UTF-8); return the path.

        Examples
        --------
        >>> import os, tempfile
        >>> import gantheory as gt
        >>> h = gt.gan.train(gt.Normal(0, 1), generator="affine", steps=2, log_every=1, progress=False)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = h.save(os.path.join(folder, "history.json"))
        ...     History.load(path) == h
        True
        """
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path):
        """Read a history written by :meth:`save` (or ``gantheory train``'s ``history.json``).

        Examples
        --------
        >>> import os, tempfile
        >>> import gantheory as gt
        >>> h = gt.gan.train(gt.ring_of_gaussians(8), steps=2, batch_size=16, log_every=1, progress=False)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     loaded = History.load(h.save(os.path.join(folder, "history.json")))
        >>> loaded.config["loss"], type(loaded.generator).__name__, loaded == h
        ('non_saturating', 'Sequential', True)
        """
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _array_plain(array):
    array = np.asarray(array)
    data = array.ravel().tolist()
    if array.dtype.kind == "f":
        data = [json_number(v) for v in data]
    return {"shape": list(array.shape), "dtype": array.dtype.name, "data": data}


def _from_plain(value):
    dtype = np.dtype(value["dtype"])
    data = [number_from_json(v) for v in value["data"]] if dtype.kind == "f" else value["data"]
    return np.asarray(data, dtype=dtype).reshape(value["shape"])


def _plain(history):
    """The history's fields as JSON-able Python values (what :meth:`History.to_json` writes)."""
    out = {}
    for f in fields(history):
        if f.name in ("generator", "discriminator"):
            continue
        value = getattr(history, f.name)
        if f.name == "metrics":
            value = {k: _array_plain(v) for k, v in value.items()}
        elif f.name == "metric_notes":
            value = {k: [[int(step), str(reason)] for step, reason in v] for k, v in value.items()}
        elif f.name == "weights":
            value = {player: _weights_plain(saved) for player, saved in value.items()}
        elif isinstance(value, np.ndarray):
            value = _array_plain(value)
        out[f.name] = value
    return out


# ==============================================================================
# The players' weights, saved with the history
# ==============================================================================
_ACTIVATIONS = {nn.ReLU: "relu", nn.LeakyReLU: "leaky_relu", nn.Tanh: "tanh", nn.Sigmoid: "sigmoid"}


def _layer_architecture(layer):
    """A JSON description of one layer of a Sequential, or None for a layer :func:`_rebuild` cannot make."""
    kind = type(layer)
    if kind in _ACTIVATIONS:
        return {"kind": _ACTIVATIONS[kind], **({"slope": layer.slope} if kind is nn.LeakyReLU else {})}
    linear = layer.layer if kind is nn.SpectralNorm else layer
    if type(linear) is not nn.Linear or kind not in (nn.Linear, nn.SpectralNorm):
        return None
    out = {"kind": "linear", "shape": list(linear.weight.shape), "bias": linear.bias is not None}
    if kind is nn.SpectralNorm:
        out.update(kind="spectral_norm", n_power_iterations=layer.n_power_iterations, sigma=layer.sigma)
    return out


def _architecture(module):
    """What :func:`_rebuild` needs to make a module of the same structure; None for one it cannot make."""
    if type(module) is AffineGenerator:
        return {"kind": "affine"}
    if type(module) in (nn.Sequential, nn.MLP):
        layers = [_layer_architecture(layer) for layer in module.layers]
        return None if None in layers else {"kind": "sequential", "layers": layers}
    return None


def saved_weights(module):
    """A copy of ``module``'s parameters (and a spectral norm's vectors), with its architecture: a ``History.weights`` entry."""
    buffers = {}
    for i, layer in enumerate(getattr(module, "layers", ())):
        if isinstance(layer, nn.SpectralNorm):
            buffers[f"layers.{i}.u"], buffers[f"layers.{i}.v"] = to_numpy(layer.u).copy(), to_numpy(layer.v).copy()
    return {
        "architecture": _architecture(module),
        "parameters": {name: to_numpy(p.data).copy() for name, p in module.named_parameters()},
        "buffers": buffers,
    }


def _weights_plain(saved):
    return {
        "architecture": saved["architecture"],
        **{key: {name: _array_plain(a) for name, a in saved[key].items()} for key in ("parameters", "buffers")},
    }


def _weights_from_plain(saved):
    return {
        "architecture": saved["architecture"],
        **{key: {name: _from_plain(a) for name, a in saved[key].items()} for key in ("parameters", "buffers")},
    }


def _rebuild_layer(spec, dtype):
    kind = spec["kind"]
    if kind in ("linear", "spectral_norm"):
        linear = nn.Linear(*spec["shape"], bias=spec["bias"], rng=0, dtype=dtype)  # values set from the saved ones
        if kind == "linear":
            return linear
        layer = nn.SpectralNorm(linear, spec["n_power_iterations"], rng=0)
        layer.sigma = float(spec["sigma"])
        return layer
    activation = {name: cls for cls, name in _ACTIVATIONS.items()}[kind]
    return activation(spec["slope"]) if kind == "leaky_relu" else activation()


def _rebuild(saved):
    """The module a ``History.weights`` entry describes, with its saved values; None without an architecture."""
    if not saved or saved["architecture"] is None:
        return None
    params = saved["parameters"]
    dtype = next(iter(params.values())).dtype if params else np.float64
    arch = saved["architecture"]
    if arch["kind"] == "affine":
        module = AffineGenerator(dtype=dtype)
    else:
        module = nn.Sequential(*(_rebuild_layer(spec, dtype) for spec in arch["layers"]))
    named = dict(module.named_parameters())
    if set(named) != set(params):
        raise ValueError(
            f"the saved weights do not fit their architecture: parameters {sorted(params)} against {sorted(named)}"
        )
    for name, p in named.items():
        p.data = params[name].copy()
    for name, value in saved["buffers"].items():
        _, i, which = name.split(".")
        setattr(module.layers[int(i)], which, value.copy())
    return module
