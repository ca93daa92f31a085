"""Neural-network building blocks: ``Module``, ``Linear``, ``Sequential``, ``MLP``, activations,
``SpectralNorm``.

A :class:`Module` finds its parameters by looking at its attributes: every
Tensor that requires grad is a parameter, every sub-module (also inside lists
and tuples) contributes its own, named by the attribute path
(``layers.0.weight``). Every ``rng`` is an int seed >= 0, default 0 (:func:`gantheory._rng.as_seed`).

Examples
--------
>>> import numpy as np
>>> from gantheory.autograd import nn
>>> D = nn.MLP([2, 16, 1], activation="relu", rng=0)
>>> [name for name, _ in D.named_parameters()]
['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']
>>> D(np.zeros((5, 2))).shape
(5, 1)
"""

from __future__ import annotations

import numpy as np

from gantheory._rng import Stream, as_generator
from gantheory._validation import check_positive_int
from gantheory.autograd import ops
from gantheory.autograd.tensor import Tensor, array_module

__all__ = [
    "Module",
    "Linear",
    "Sequential",
    "MLP",
    "ReLU",
    "LeakyReLU",
    "Tanh",
    "Sigmoid",
    "ACTIVATIONS",
    "SpectralNorm",
    "spectral_norm",
]


class Module:
    """Base class: parameters are found among the attributes; ``__call__`` runs ``forward``.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         self.scale = nn.Linear(1, 1, rng=0)
    ...     def forward(self, x):
    ...         return self.scale(x)
    >>> [name for name, _ in Affine().named_parameters()]
    ['scale.weight', 'scale.bias']
    """

    training = True  # switched by train() / eval(); only modules with state that changes in training use it

    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__} must define forward(x)")

    def __call__(self, x):
        return self.forward(x)

    def named_parameters(self, prefix=""):
        """Yield ``(name, tensor)`` for every parameter, in attribute order."""
        for name, value in vars(self).items():
            yield from _named_parameters_of(value, prefix + name)

    def parameters(self):
        """The parameters as a list (what an optimizer takes)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self):
        """Forget every parameter's accumulated gradient."""
        for p in self.parameters():
            p.grad = None

    def modules(self):
        """Yield this module and every sub-module (also inside lists and tuples), depth first."""
        yield self
        for value in vars(self).values():
            yield from _modules_of(value)

    def train(self, mode=True):
        """Set training mode (``mode=True``) or evaluation mode on this module and all sub-modules.

        Only modules with state that training updates care: a :class:`SpectralNorm`
        advances its power iteration on each call in training mode and keeps its
        singular vectors fixed in evaluation mode. Returns the module.
        """
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self):
        """Evaluation mode: ``train(False)``. Returns the module."""
        return self.train(False)


def _named_parameters_of(value, name):
    if isinstance(value, Tensor) and value.requires_grad:
        yield name, value
    elif isinstance(value, Module):
        yield from value.named_parameters(name + ".")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _named_parameters_of(item, f"{name}.{i}")


def _modules_of(value):
    if isinstance(value, Module):
        yield from value.modules()
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _modules_of(item)


class Linear(Module):
    """An affine map :math:`y = x W + b` with ``W`` of shape ``(in_features, out_features)``.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input and output.
    bias : bool
        Whether to add a bias (initialized to zero).
    init : {"he", "glorot"}
        ``"he"`` (default, suited to ReLU networks): :math:`W_{ij} \\sim U(-a, a)`
        with :math:`a = \\sqrt{6 / \\text{fan}_{in}}`, which keeps the variance of
        the pre-activations constant through ReLU layers [1]_. ``"glorot"``:
        :math:`a = \\sqrt{6 / (\\text{fan}_{in} + \\text{fan}_{out})}` [2]_.
    rng : int, default 0
        Seed of the initialization.
    dtype : dtype
        float64 (default) or float32.

    Notes
    -----
    ``W`` is stored as (in, out), the transpose of PyTorch's ``nn.Linear.weight``,
    so the forward pass is one ``matmul`` without a transpose.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren, J. Sun, "Delving deep into rectifiers:
       surpassing human-level performance on ImageNet classification", ICCV 2015.
    .. [2] X. Glorot, Y. Bengio, "Understanding the difficulty of training deep
       feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> layer = Linear(3, 2, rng=0)
    >>> layer.weight.shape, layer.bias.shape
    ((3, 2), (2,))
    >>> bool(abs(layer.weight.data).max() <= (6 / 3) ** 0.5)
    True
    """

    def __init__(self, in_features, out_features, bias=True, init="he", rng=0, dtype=np.float64):
        check_positive_int(in_features, "in_features")
        check_positive_int(out_features, "out_features")
        if init == "he":
            bound = np.sqrt(6.0 / in_features)
        elif init == "glorot":
            bound = np.sqrt(6.0 / (in_features + out_features))
        else:
            raise ValueError(f"init must be 'he' or 'glorot', got {init!r}")
        gen = as_generator(rng)
        weight = gen.uniform(-bound, bound, size=(in_features, out_features)).astype(dtype)
        self.weight = Tensor(weight, requires_grad=True)
        self.bias = Tensor(np.zeros(out_features, dtype=dtype), requires_grad=True) if bias else None

    def forward(self, x):
        if self.bias is None:
            return ops.matmul(x, self.weight)
        return ops.linear(x, self.weight, self.bias)


class ReLU(Module):
    """:math:`\\max(x, 0)`."""

    def forward(self, x):
        return ops.relu(x)


class LeakyReLU(Module):
    """:math:`x` for :math:`x > 0`, else ``slope`` :math:`\\cdot x`.

    ``slope`` in [0, 1]; the default 0.01 is :func:`gantheory.autograd.leaky_relu`'s
    and PyTorch's (``torch.nn.LeakyReLU``). GAN discriminators often use 0.2
    (Radford et al., DCGAN): pass ``LeakyReLU(0.2)``.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import nn
    >>> nn.LeakyReLU()(np.array([-2.0, 3.0]))
    array([-0.02,  3.  ])
    """

    def __init__(self, slope=0.01):
        self.slope = float(slope)

    def forward(self, x):
        return ops.leaky_relu(x, slope=self.slope)


class Tanh(Module):
    """:math:`\\tanh x`."""

    def forward(self, x):
        return ops.tanh(x)


class Sigmoid(Module):
    """The logistic function :math:`1 / (1 + e^{-x})`."""

    def forward(self, x):
        return ops.sigmoid(x)


#: The ``activation=`` names :class:`MLP` takes, and their module classes.
ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "tanh": Tanh, "sigmoid": Sigmoid}


class Sequential(Module):
    """Apply modules one after the other.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import nn
    >>> net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    >>> net(np.zeros((5, 2))).shape
    (5, 1)
    """

    def __init__(self, *layers):
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class MLP(Sequential):
    """A multilayer perceptron: ``Linear`` layers with an activation between them.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[2, 64, 64, 1]``.
    activation : {"relu", "leaky_relu", "tanh", "sigmoid"}
        Applied after every layer but the last (the output is linear: logits).
    rng : int, default 0
        Seed of the initialization: one random stream initializes all layers in order.
    dtype : dtype
        float64 (default) or float32.
    init : {"he", "glorot"}
        See :class:`Linear`.

    Examples
    --------
    >>> G = MLP([2, 64, 64, 2], rng=1, dtype=np.float32)
    >>> G(np.zeros((3, 2), dtype=np.float32)).dtype
    dtype('float32')
    """

    def __init__(self, sizes, activation="relu", rng=0, dtype=np.float64, init="he"):
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least an input and an output width, got {sizes}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        stream = Stream(as_generator(rng))
        layers = []
        for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(n_in, n_out, init=init, rng=stream, dtype=dtype))
            if k < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
        super().__init__(*layers)


def _unit(v, xp):
    """``v / ||v||`` (a zero vector stays zero: the 1e-12 floor PyTorch's ``normalize`` also uses)."""
    return v / max(float(xp.sqrt((v * v).sum())), 1e-12)


class SpectralNorm(Module):
    """Spectral normalization of a :class:`Linear` layer (Miyato et al. 2018): ``x (W / σ(W)) + b``.

    :math:`\\sigma(W)`, the largest singular value of ``W``, is estimated by
    power iteration with a persistent pair of singular vectors: each call in
    training mode first does ``n_power_iterations`` steps of it, then uses the
    estimate :math:`\\hat\\sigma = \\tilde v^\\top W \\tilde u`. The normalized layer
    is then 1-Lipschitz (in the Euclidean norm) up to the estimate's error, and an
    MLP of such layers and 1-Lipschitz activations is 1-Lipschitz.

    Parameters
    ----------
    layer : Linear
        The layer to normalize; its ``weight`` and ``bias`` stay the trained
        parameters (``parameters()`` lists them and nothing else).
    n_power_iterations : int
        Power-iteration steps per call in training mode (1 in the paper).
    rng : int, default 0
        Seed of the starting vector :math:`\\tilde u \\sim N(0, I)`.

    Attributes
    ----------
    u, v : array
        Buffers, not parameters: the estimated right and left singular vectors of
        ``W`` (shapes ``(out_features,)`` and ``(in_features,)``; ``W`` is stored
        as (in, out), see :class:`Linear`).
    sigma : float
        The last estimate :math:`\\hat\\sigma`.

    Raises
    ------
    TypeError
        If ``layer`` is not a :class:`Linear` (e.g. an activation, which has no weight).

    Notes
    -----
    With ``W`` of shape (in, out), one step of power iteration [1]_ (Algorithm 1) is

    .. math:: \\tilde v \\leftarrow W \\tilde u / \\|W \\tilde u\\|_2, \\qquad
              \\tilde u \\leftarrow W^\\top \\tilde v / \\|W^\\top \\tilde v\\|_2,

    and :math:`\\hat\\sigma = \\tilde v^\\top W \\tilde u \\to \\sigma_1(W)` geometrically,
    at the rate :math:`(\\sigma_2/\\sigma_1)^2` per step. Since ``W`` changes little
    per optimizer step, one step per call keeps the estimate close. The vectors are
    constants of the graph: the gradient flows through
    :math:`\\hat\\sigma = \\tilde v^\\top W \\tilde u` only, whose gradient is
    :math:`\\tilde v \\tilde u^\\top`, as in [1]_ (and ``torch.nn.utils.spectral_norm``).
    Each call in training mode advances the iteration, so a training step that calls
    the critic on real and on fake batches separately advances it twice (PyTorch
    behaves the same); call :meth:`~Module.eval` to freeze ``u`` and ``v``
    (evaluation, gradient checks).

    References
    ----------
    .. [1] T. Miyato, T. Kataoka, M. Koyama, Y. Yoshida, "Spectral normalization
       for generative adversarial networks", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import nn
    >>> layer = nn.SpectralNorm(nn.Linear(3, 4, rng=0), rng=0)
    >>> [name for name, _ in layer.named_parameters()]
    ['layer.weight', 'layer.bias']
    >>> for _ in range(50):
    ...     _ = layer(np.zeros((1, 3)))
    >>> bool(np.isclose(layer.sigma, np.linalg.svd(layer.layer.weight.data, compute_uv=False)[0]))
    True
    """

    def __init__(self, layer, n_power_iterations=1, rng=0):
        if not isinstance(layer, Linear):
            raise TypeError(
                f"SpectralNorm normalizes the weight of a Linear layer; got {type(layer).__name__}, "
                "which has no weight matrix (wrap the Linear layers only, or use spectral_norm(model))"
            )
        self.n_power_iterations = check_positive_int(n_power_iterations, "n_power_iterations")
        self.layer = layer
        w = layer.weight.data
        xp = array_module(w)
        u = xp.asarray(as_generator(rng).standard_normal(w.shape[1]), dtype=w.dtype)
        self.u = _unit(u, xp)
        self.v = _unit(w @ self.u, xp)
        self.sigma = float(self.v @ w @ self.u)

    def power_iteration(self, n=None):
        """Advance the power iteration ``n`` steps (``n_power_iterations`` by default); return :math:`\\hat\\sigma`."""
        w = self.layer.weight.data
        xp = array_module(w)
        for _ in range(self.n_power_iterations if n is None else check_positive_int(n, "n")):
            self.v = _unit(w @ self.u, xp)
            self.u = _unit(w.T @ self.v, xp)
        self.sigma = float(self.v @ w @ self.u)
        return self.sigma

    def normalized_weight(self):
        """:math:`W / \\hat\\sigma` as a Tensor, differentiable in ``W`` (``u``, ``v`` constants)."""
        w = self.layer.weight
        sigma = ops.matmul(ops.matmul(self.v, w), self.u)
        return w / sigma

    def forward(self, x):
        if self.training:
            self.power_iteration()
        w = self.normalized_weight()
        if self.layer.bias is None:
            return ops.matmul(x, w)
        return ops.linear(x, w, self.layer.bias)


def spectral_norm(module, n_power_iterations=1, rng=0):
    """Wrap every :class:`Linear` inside ``module`` in a :class:`SpectralNorm`, in place; return it.

    Parameters
    ----------
    module : Linear, Sequential or MLP
        A bare ``Linear`` is returned wrapped; a ``Sequential`` (an ``MLP``) has
        each of its ``Linear`` layers replaced by a wrapped one, so its parameters
        (the same Tensors) keep their order, renamed ``layers.0.layer.weight``, ...
    n_power_iterations : int
        See :class:`SpectralNorm`.
    rng : int, default 0
        Seed of the starting vectors: one random stream draws every layer's, in order.

    Raises
    ------
    TypeError
        If ``module`` holds no ``Linear`` layer, naming its type.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import nn
    >>> critic = nn.spectral_norm(nn.MLP([1, 16, 1], rng=0), rng=0)
    >>> [type(layer).__name__ for layer in critic.layers]
    ['SpectralNorm', 'ReLU', 'SpectralNorm']
    >>> critic(np.zeros((4, 1))).shape
    (4, 1)
    """
    stream = Stream(as_generator(rng))
    if isinstance(module, Linear):
        return SpectralNorm(module, n_power_iterations, rng=stream)
    if isinstance(module, Sequential):
        wrapped = 0
        for i, layer in enumerate(module.layers):
            if isinstance(layer, Linear):
                module.layers[i] = SpectralNorm(layer, n_power_iterations, rng=stream)
                wrapped += 1
            elif isinstance(layer, Sequential) and any(isinstance(m, Linear) for m in layer.modules()):
                spectral_norm(layer, n_power_iterations, rng=stream)
                wrapped += 1
        if wrapped:
            return module
    raise TypeError(
        f"spectral_norm found no Linear layer to normalize in {type(module).__name__}; pass a Linear, Sequential or MLP"
    )
