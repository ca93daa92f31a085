"""The primitives, each with its vector-Jacobian product right beside it.

One registry, grouped by kind: arithmetic (broadcasting), linear algebra,
reductions and shapes, indexing and joining, elementwise functions, sorting.
Every rule has the signature ``rule(g, ans, *args, **params)`` and returns the
cotangent of one argument; ``g`` is the cotangent of the output ``ans``. The
rules use only operators, the array methods that Tensors share (``sum``,
``reshape``, ``swapaxes``, indexing) and other primitives, so the same line
serves the fast backward pass on raw arrays and the recorded one on Tensors
(``create_graph=True``). Broadcasting is undone by the single helper
:func:`unbroadcast`, which every binary rule calls; no rule handles it alone.

A primitive applied to raw arrays returns a raw array (it is then just the
array function); applied to a :class:`~gantheory.autograd.Tensor`, it returns a
Tensor.

Examples
--------
>>> import numpy as np
>>> from gantheory.autograd import Tensor, ops
>>> x = Tensor(np.array([-1000.0, 0.0, 1000.0]), requires_grad=True)
>>> y = ops.softplus(x)
>>> y.data.tolist()
[0.0, 0.6931471805599453, 1000.0]
>>> y.sum().backward()
>>> x.grad                                   # the logistic sigmoid, finite at +-1000
array([0. , 0.5, 1. ])
"""

from __future__ import annotations

import math

from gantheory.autograd.tensor import Primitive, Tensor, array_module, raw_data
from gantheory.backend import special, stable_argsort

__all__ = [
    "unbroadcast",
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "power",
    "matmul",
    "linear",
    "sum",
    "mean",
    "reshape",
    "transpose",
    "broadcast_to",
    "getitem",
    "scatter_add",
    "concatenate",
    "stack",
    "exp",
    "log",
    "sqrt",
    "abs",
    "maximum",
    "relu",
    "leaky_relu",
    "tanh",
    "sigmoid",
    "softplus",
    "log_sigmoid",
    "sort",
    "permute_along_axis",
    "norm",
]


def unbroadcast(g, like):
    """Sum the cotangent ``g`` down to the shape of ``like``, undoing broadcasting.

    Broadcasting prepends axes and stretches axes of length 1; the adjoint of
    copying a value is summing its copies, so ``g`` is summed over the
    prepended axes and over the stretched ones.

    Examples
    --------
    >>> import numpy as np
    >>> unbroadcast(np.ones((4, 2, 3)), np.zeros((2, 1)))
    array([[12.],
           [12.]])
    """
    shape = like.shape if hasattr(like, "shape") else ()
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + k for k, n in enumerate(shape) if n == 1 and g.shape[lead + k] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def _cast(mask, like):
    """A constant (boolean or float) mask as an array of ``like``'s float dtype."""
    return mask.astype(raw_data(like).dtype)


# ==============================================================================
# Arithmetic (binary rules broadcast, so each one calls unbroadcast)
# ==============================================================================
#: ``x + y`` (NumPy broadcasting; each input's gradient is summed back to its shape).
add = Primitive("add", lambda x, y: x + y)
add.defvjp(lambda g, ans, x, y: unbroadcast(g, x), lambda g, ans, x, y: unbroadcast(g, y))

#: ``x - y`` (NumPy broadcasting).
sub = Primitive("sub", lambda x, y: x - y)
sub.defvjp(lambda g, ans, x, y: unbroadcast(g, x), lambda g, ans, x, y: unbroadcast(-g, y))

#: ``x * y``, elementwise (NumPy broadcasting).
mul = Primitive("mul", lambda x, y: x * y)
mul.defvjp(lambda g, ans, x, y: unbroadcast(g * y, x), lambda g, ans, x, y: unbroadcast(g * x, y))

#: ``x / y``, elementwise (NumPy broadcasting).
div = Primitive("div", lambda x, y: x / y)
div.defvjp(
    lambda g, ans, x, y: unbroadcast(g / y, x), lambda g, ans, x, y: unbroadcast(-g * ans / y, y)
)  # d(x/y)/dy = -(x/y)/y

#: ``-x``.
neg = Primitive("neg", lambda x: -x)
neg.defvjp(lambda g, ans, x: -g)


def _power_vjp_exponent(g, ans, x, y):
    # d(x**y)/dy = x**y log x, defined for x > 0; taken as 0 where x <= 0 (log replaced by 0).
    if isinstance(x, Tensor):  # recorded: log x stays differentiable in x
        positive = x.data > 0
        log_x = log(x * _cast(positive, x) + _cast(~positive, x))  # x where positive, else log 1 = 0
    elif hasattr(x, "dtype"):  # a raw array
        log_x = array_module(x).log(array_module(x).where(x > 0, x, 1))
    else:  # a Python number stays a Python number, so float32 stays float32
        log_x = math.log(x) if x > 0 else 0.0
    return unbroadcast(g * ans * log_x, y)


#: ``x ** y``, elementwise; the gradient in ``y``, :math:`x^y \log x`, is taken as 0 where :math:`x \le 0`.
power = Primitive("power", lambda x, y: x**y)
power.defvjp(lambda g, ans, x, y: unbroadcast(g * y * x ** (y - 1), x), _power_vjp_exponent)


# ==============================================================================
# Linear algebra
# ==============================================================================
def _matmul_operands(g, x, y):
    """Promote 1-D operands to matrices as ``matmul`` does, reshaping ``g`` to match."""
    if y.ndim == 1:  # (..., n, k) @ (k,) -> (..., n): treat y as (k, 1)
        y = y.reshape((y.shape[0], 1))
        g = g.reshape(g.shape + (1,))
    if x.ndim == 1:  # (k,) @ (..., k, m) -> (..., m): treat x as (1, k)
        x = x.reshape((1, x.shape[0]))
        g = g.reshape(g.shape[:-1] + (1, g.shape[-1]))
    return g, x, y


def _matmul_vjp_x(g, ans, x, y):
    g2, x2, y2 = _matmul_operands(g, x, y)
    gx = unbroadcast(g2 @ y2.swapaxes(-1, -2), x2)  # dL/dX = G Y^T, summed over broadcast batches
    return gx if x2 is x else gx.reshape(x.shape)


def _matmul_vjp_y(g, ans, x, y):
    g2, x2, y2 = _matmul_operands(g, x, y)
    gy = unbroadcast(x2.swapaxes(-1, -2) @ g2, y2)  # dL/dY = X^T G
    return gy if y2 is y else gy.reshape(y.shape)


#: ``x @ y``, with 1-D operands promoted as :func:`numpy.matmul` does and batches broadcast.
matmul = Primitive("matmul", lambda x, y: x @ y)
matmul.defvjp(_matmul_vjp_x, _matmul_vjp_y)


def _linear_forward(x, weight, bias):
    y = x @ weight
    shape = getattr(bias, "shape", ())
    fits = len(shape) <= y.ndim and all(n == 1 or n == m for n, m in zip(shape[::-1], y.shape[::-1]))
    if fits and getattr(bias, "dtype", y.dtype) == y.dtype:
        y += bias  # in place on the fresh product: one array allocated instead of two
        return y
    return y + bias  # bias broadcasts beyond the product, or promotes its dtype


# x @ W + b as one node: the affine layer. The same rules as matmul and add,
# but one output array and one graph node fewer per layer.
#: ``x @ weight + bias`` as one node: the affine layer (the rules of ``matmul`` and ``add``, one array fewer).
linear = Primitive("linear", _linear_forward)
linear.defvjp(
    lambda g, ans, x, weight, bias: _matmul_vjp_x(g, ans, x, weight),
    lambda g, ans, x, weight, bias: _matmul_vjp_y(g, ans, x, weight),
    lambda g, ans, x, weight, bias: unbroadcast(g, bias),
)


# ==============================================================================
# Reductions and shapes
# ==============================================================================
def _normalize_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axes)


def _sum_vjp(g, ans, x, axis=None, keepdims=False):
    # Each input entry contributes once to its sum: copy g back over the summed axes.
    if not keepdims:
        kept = list(x.shape)
        for a in _normalize_axes(axis, x.ndim):
            kept[a] = 1
        g = g.reshape(tuple(kept))
    return broadcast_to(g, shape=x.shape)


#: ``x.sum(axis, keepdims)``.
sum = Primitive("sum", lambda x, axis=None, keepdims=False: x.sum(axis=axis, keepdims=keepdims))
sum.defvjp(_sum_vjp)

#: ``x.reshape(shape)``.
reshape = Primitive("reshape", lambda x, shape: x.reshape(shape))
reshape.defvjp(lambda g, ans, x, shape: g.reshape(x.shape))


def _inverse_permutation(axes, ndim):
    if axes is None:
        return None  # reversing the axes is its own inverse
    inverse = [0] * ndim
    for position, a in enumerate(axes):
        inverse[a % ndim] = position
    return tuple(inverse)


#: ``x.transpose(axes)``.
transpose = Primitive("transpose", lambda x, axes=None: x.transpose(axes))
transpose.defvjp(lambda g, ans, x, axes=None: g.transpose(_inverse_permutation(axes, x.ndim)))

#: ``numpy.broadcast_to(x, shape)``; its gradient sums back to ``x``'s shape.
broadcast_to = Primitive("broadcast_to", lambda x, shape: array_module(x).broadcast_to(x, shape))
broadcast_to.defvjp(lambda g, ans, x, shape: unbroadcast(g, x))


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (all axes by default): a sum divided by the count.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor, mean
    >>> x = Tensor(np.ones((2, 4)), requires_grad=True)
    >>> mean(x, axis=1).sum().backward()
    >>> x.grad                      # each row's mean weighs its entries by 1/4
    array([[0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25]])
    """
    shape = x.shape
    count = 1
    for a in _normalize_axes(axis, len(shape)):
        count *= shape[a]
    return sum(x, axis=axis, keepdims=keepdims) / count


# ==============================================================================
# Indexing and joining
# ==============================================================================
def _is_basic_index(index):
    """True for ints, slices, None and Ellipsis (no integer arrays: no repeated positions)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)


def _scatter_add_forward(g, index, shape):
    out = array_module(g).zeros(shape, dtype=g.dtype)
    if _is_basic_index(index) or getattr(getattr(index, "dtype", None), "kind", None) == "b":
        out[index] = g  # distinct positions: assignment is addition into zeros
    else:
        array_module(g).add.at(out, index, g)  # integer arrays may repeat positions: accumulate
    return out


#: ``x[index]``, any NumPy index; its gradient is :data:`scatter_add`.
getitem = Primitive("getitem", lambda x, index: x[index])
getitem.defvjp(lambda g, ans, x, index: scatter_add(g, index=index, shape=x.shape))

#: Add ``g`` into zeros of ``shape`` at ``index`` (repeated positions accumulate): the adjoint of indexing.
scatter_add = Primitive("scatter_add", _scatter_add_forward)  # the adjoint of indexing
scatter_add.defvjp(lambda g, ans, x, index, shape: g[index])


def _concatenate_vjp(i, g, ans, *xs, axis=0):
    axis = axis % ans.ndim
    start = 0
    for x in xs[:i]:
        start += x.shape[axis]
    return g[(slice(None),) * axis + (slice(start, start + xs[i].shape[axis]),)]


_concatenate = Primitive("concatenate", lambda *xs, axis=0: array_module(xs[0]).concatenate(xs, axis=axis))
_concatenate.defvjp_argnum(_concatenate_vjp)

_stack = Primitive("stack", lambda *xs, axis=0: array_module(xs[0]).stack(xs, axis=axis))
_stack.defvjp_argnum(lambda i, g, ans, *xs, axis=0: g[(slice(None),) * (axis % ans.ndim) + (i,)])


def concatenate(tensors, axis=0):
    """Join a sequence of tensors along an existing axis.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor, concatenate
    >>> a, b = Tensor(np.zeros(2), requires_grad=True), Tensor(np.zeros(3), requires_grad=True)
    >>> (concatenate([a, b]) * np.arange(5.0)).sum().backward()
    >>> a.grad, b.grad              # each part gets its slice of the cotangent
    (array([0., 1.]), array([2., 3., 4.]))
    """
    return _concatenate(*tensors, axis=axis)


def stack(tensors, axis=0):
    """Join a sequence of tensors of the same shape along a new axis.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor, stack
    >>> a, b = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    >>> stack([a, b], axis=1).shape
    (2, 2)
    """
    return _stack(*tensors, axis=axis)


# ==============================================================================
# Elementwise functions
# ==============================================================================
#: :math:`e^x`, elementwise.
exp = Primitive("exp", lambda x: array_module(x).exp(x))
exp.defvjp(lambda g, ans, x: g * ans)

#: :math:`\log x`, elementwise.
log = Primitive("log", lambda x: array_module(x).log(x))
log.defvjp(lambda g, ans, x: g / x)

#: :math:`\sqrt x`, elementwise.
sqrt = Primitive("sqrt", lambda x: array_module(x).sqrt(x))
sqrt.defvjp(lambda g, ans, x: g / (2 * ans))

#: :math:`|x|`, elementwise; the subgradient at 0 is 0.
abs = Primitive("abs", lambda x: array_module(x).abs(x))
abs.defvjp(lambda g, ans, x: g * array_module(raw_data(x)).sign(raw_data(x)))


def _maximum_share(mine, other, ans, like):
    # 1 where this input is the larger, 0 where smaller, 1/2 at ties (the subgradient
    # PyTorch also uses): (mine == ans) - (mine == other) / 2, without a branchy where.
    return _cast(mine == ans, like) - 0.5 * _cast(mine == other, like)


#: ``numpy.maximum(x, y)``; at ties each input gets half the gradient (PyTorch's subgradient).
maximum = Primitive("maximum", lambda x, y: array_module(x).maximum(x, y))
maximum.defvjp(
    lambda g, ans, x, y: unbroadcast(g * _maximum_share(raw_data(x), raw_data(y), raw_data(ans), g), x),
    lambda g, ans, x, y: unbroadcast(g * _maximum_share(raw_data(y), raw_data(x), raw_data(ans), g), y),
)

#: :math:`\max(x, 0)`; the subgradient at 0 is 0.
relu = Primitive("relu", lambda x: array_module(x).maximum(x, 0))
relu.defvjp(lambda g, ans, x: g * (raw_data(ans) > 0))  # subgradient 0 at x = 0


def _leaky_relu_forward(x, slope=0.01):
    if not 0 <= slope <= 1:
        raise ValueError(f"slope must lie in [0, 1], got {slope}")
    return array_module(x).maximum(x, slope * x)  # x for x > 0, slope * x otherwise


def _leaky_relu_slope(x, slope, like):
    factor = _cast(raw_data(x) > 0, like)  # 1 where x > 0, else 0 ...
    factor *= 1 - slope
    factor += slope  # ... mapped to 1 and slope
    return factor


#: :math:`x` for :math:`x > 0`, else ``slope`` :math:`\cdot x` (``slope`` in [0, 1], default 0.01 as in PyTorch).
leaky_relu = Primitive("leaky_relu", _leaky_relu_forward)
leaky_relu.defvjp(lambda g, ans, x, slope=0.01: g * _leaky_relu_slope(x, slope, g))

#: :math:`\tanh x`, elementwise.
tanh = Primitive("tanh", lambda x: array_module(x).tanh(x))
tanh.defvjp(lambda g, ans, x: g * (1 - ans * ans))

#: :math:`1/(1 + e^{-x})`, as ``scipy.special.expit`` (stable for any ``x``).
sigmoid = Primitive("sigmoid", lambda x: special(array_module(x)).expit(x))  # expit is stable for any x
sigmoid.defvjp(lambda g, ans, x: g * (ans * (1 - ans)))

# softplus(x) = log(1 + e^x) = logaddexp(0, x): never overflows; its derivative is sigmoid(x).
#: :math:`\log(1 + e^x)`, as ``logaddexp(0, x)`` (never overflows); its derivative is the sigmoid.
softplus = Primitive("softplus", lambda x: array_module(x).logaddexp(0, x))
softplus.defvjp(lambda g, ans, x: g * sigmoid(x))

# log_sigmoid(x) = -softplus(-x); its derivative is sigmoid(-x) = 1 - sigmoid(x).
#: :math:`\log \sigma(x) = -\operatorname{softplus}(-x)` (finite for any ``x``).
log_sigmoid = Primitive("log_sigmoid", lambda x: -array_module(x).logaddexp(0, -x))
log_sigmoid.defvjp(lambda g, ans, x: g * sigmoid(-x))


# ==============================================================================
# Sorting and norms
# ==============================================================================
def _inverse_permutation_along(index, axis):
    return array_module(index).argsort(index, axis=axis)


#: ``numpy.take_along_axis(x, index, axis)`` for a permutation ``index``; its gradient applies the inverse
#: permutation (see :func:`sort`).
permute_along_axis = Primitive(
    "permute_along_axis", lambda x, index, axis: array_module(x).take_along_axis(x, index, axis=axis)
)
permute_along_axis.defvjp(
    lambda g, ans, x, index, axis: permute_along_axis(g, index=_inverse_permutation_along(index, axis), axis=axis)
)


def sort(x, axis=-1):
    """Sort along ``axis``; the gradient flows back through the sorting permutation.

    Notes
    -----
    Sorting is a permutation :math:`y = x_{\\pi}` chosen by the data; with
    :math:`\\pi` held fixed it is linear, and its VJP applies the inverse
    permutation, :math:`\\bar x_{\\pi} = \\bar y`. This is the gradient of
    sample-based one-dimensional Wasserstein losses.
    """
    raw = raw_data(x)
    index = stable_argsort(raw, array_module(raw), axis=axis)
    return permute_along_axis(x, index=index, axis=axis)


def _norm_vjp(g, ans, x, axis=None, keepdims=False):
    # d||x||/dx = x / ||x||; at x = 0 the subgradient 0 is used (adding 1 to a zero norm is a constant).
    if not keepdims:
        kept = list(x.shape)
        for a in _normalize_axes(axis, x.ndim):
            kept[a] = 1
        g, ans = g.reshape(tuple(kept)), ans.reshape(tuple(kept))
    safe = ans + _cast(raw_data(ans) == 0, ans)
    return g * x / safe


#: The Euclidean norm :math:`\lVert x\rVert_2` along ``axis`` (all axes by default); the subgradient at 0 is 0.
norm = Primitive(
    "norm", lambda x, axis=None, keepdims=False: array_module(x).sqrt((x * x).sum(axis=axis, keepdims=keepdims))
)
norm.defvjp(_norm_vjp)
