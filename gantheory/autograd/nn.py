"""Neural-network building blocks: ``Module``, ``Linear``, ``Sequential``, ``MLP``, activations.

A :class:`Module` finds its parameters by looking at its attributes: every
Tensor that requires grad is a parameter, every sub-module (also inside lists
and tuples) contributes its own, named by the attribute path
(``layers.0.weight``). Randomness goes through :func:`gantheory._rng.as_generator`.

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

from gantheory._rng import as_generator
from gantheory.autograd import ops
from gantheory.autograd.tensor import Tensor
from gantheory._validation import check_positive_int

__all__ = ["Module", "Linear", "Sequential", "MLP", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "ACTIVATIONS"]


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


def _named_parameters_of(value, name):
    if isinstance(value, Tensor) and value.requires_grad:
        yield name, value
    elif isinstance(value, Module):
        yield from value.named_parameters(name + ".")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _named_parameters_of(item, f"{name}.{i}")


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
    rng : None, int or numpy.random.Generator
        Randomness for the initialization.
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

    def __init__(self, in_features, out_features, bias=True, init="he", rng=None, dtype=np.float64):
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
    rng : None, int or numpy.random.Generator
        One generator initializes all layers in order, so a seed fixes the network.
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

    def __init__(self, sizes, activation="relu", rng=None, dtype=np.float64, init="he"):
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least an input and an output width, got {sizes}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        gen = as_generator(rng)
        layers = []
        for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(n_in, n_out, init=init, rng=gen, dtype=dtype))
            if k < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
        super().__init__(*layers)
