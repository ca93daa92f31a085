"""A small, readable, higher-order reverse-mode autograd over NumPy (or CuPy) arrays.

* :mod:`~gantheory.autograd.tensor`: ``Tensor``, the graph and ``backward``;
  ``grad``, ``value_and_grad``, ``jacobian``, ``hessian_vector_product``;
* :mod:`~gantheory.autograd.ops`: the primitives, each VJP beside its forward
  (``linear`` is the affine layer ``x @ W + b`` as one node);
* :mod:`~gantheory.autograd.nn`: ``Module``, ``Linear``, ``MLP``, activations;
* :mod:`~gantheory.autograd.optim`: ``SGD`` (momentum), ``Adam``, ``RMSProp``;
* :func:`functional_call`: a module evaluated at other parameter values (as ``torch.func.functional_call``);
* :func:`check_grads`: gradients of any order against central finite differences.

Gradients can be differentiated again (``create_graph=True``, or nesting
``grad``), as the WGAN gradient penalty, R1 and the game Jacobian need.

Examples
--------
>>> import numpy as np
>>> import gantheory.autograd as ag
>>> f = lambda x: ag.log_sigmoid(x).sum()
>>> ag.grad(f)(np.array([0.0, 1000.0, -1000.0]))       # sigmoid(-x): finite everywhere
array([0.5, 0. , 1. ])
>>> ag.check_grads(lambda x: ag.tanh(x) * x, np.array([0.3, -1.2]), order=2)
"""

from gantheory.autograd import nn, ops, optim
from gantheory.autograd.functional import functional_call
from gantheory.autograd.gradcheck import GradientCheckError, check_grads
from gantheory.autograd.ops import (
    abs,
    concatenate,
    exp,
    leaky_relu,
    linear,
    log,
    log_sigmoid,
    matmul,
    maximum,
    mean,
    norm,
    relu,
    reshape,
    sigmoid,
    softplus,
    sort,
    sqrt,
    stack,
    sum,
    tanh,
    transpose,
    unbroadcast,
)
from gantheory.autograd.tensor import (
    Primitive,
    Tensor,
    grad,
    hessian_vector_product,
    jacobian,
    no_grad,
    value_and_grad,
)

__all__ = [
    "Tensor",
    "Primitive",
    "no_grad",
    "grad",
    "value_and_grad",
    "jacobian",
    "hessian_vector_product",
    "check_grads",
    "GradientCheckError",
    "unbroadcast",
    "functional_call",
    "abs",
    "concatenate",
    "exp",
    "leaky_relu",
    "linear",
    "log",
    "log_sigmoid",
    "matmul",
    "maximum",
    "mean",
    "norm",
    "relu",
    "reshape",
    "sigmoid",
    "softplus",
    "sort",
    "sqrt",
    "stack",
    "sum",
    "tanh",
    "transpose",
    "nn",
    "ops",
    "optim",
]
