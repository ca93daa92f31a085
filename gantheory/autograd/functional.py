"""Evaluate a module at other parameter values, leaving the module untouched: :func:`functional_call`.

As ``torch.func.functional_call``: the parameters are an argument, so a
quantity computed from them (the discriminator after ``k`` unrolled optimizer
updates, the players at a flat parameter vector of the game Jacobian) can be
differentiated through the module's forward pass. This is the one way the
package evaluates a module at parameters it does not hold.

Examples
--------
>>> import numpy as np
>>> from gantheory.autograd import Tensor, functional_call, grad, nn
>>> D = nn.Linear(1, 1, rng=0)
>>> w = Tensor(np.array([[2.0]]), requires_grad=True)
>>> functional_call(D, {"weight": w, "bias": np.zeros(1)}, np.array([[3.0]])).data
array([[6.]])
>>> grad(lambda w: functional_call(D, {"weight": w}, np.array([[3.0]])).sum())(np.array([[2.0]]))
array([[3.]])
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager

from gantheory.autograd.nn import Module
from gantheory.autograd.tensor import Tensor

__all__ = ["functional_call"]


def functional_call(module, params, *args):
    """Call ``module(*args)`` with some or all of its parameters replaced by ``params``.

    Parameters
    ----------
    module : gantheory.autograd.nn.Module
        The module; its own parameters are put back on return (also when the
        call raises), so the module is unchanged.
    params : mapping of str to Tensor or array, or sequence
        The values to use: by name, as :meth:`~gantheory.autograd.nn.Module.named_parameters`
        names them (``"layers.0.weight"``); parameters not named keep their
        own values. Or one value per parameter, in
        :meth:`~gantheory.autograd.nn.Module.parameters` order. Tensors that
        carry a graph keep it: the output can be differentiated in them.
    *args
        The inputs of the forward pass.

    Returns
    -------
    Tensor or array
        The output of ``module(*args)`` at the parameters ``params`` (a raw
        array where neither the values nor the inputs are Tensors, as the
        primitives return).

    Raises
    ------
    ValueError
        A name that is not one of the module's parameters, or a sequence of the
        wrong length.
    TypeError
        When a parameter sits in a tuple (it cannot be replaced there).

    Notes
    -----
    The parameters are found as :class:`~gantheory.autograd.nn.Module` finds
    them (attributes, sub-modules, lists), replaced in place for the call,
    and restored after: a forward pass reads them from its attributes, so
    a call that reads ``self.weight`` reads the substitute. The cost is a walk
    over the module's attributes per call, small beside the forward pass. A
    module with state that advances in training (the power iteration of a
    :class:`~gantheory.autograd.nn.SpectralNorm`) advances it as in a plain
    call; put it in evaluation mode first to keep it fixed.

    Compare ``torch.func.functional_call(module, parameter_and_buffer_dicts, args)``
    of PyTorch, which this follows for parameters (not buffers).

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import nn
    >>> G = nn.MLP([1, 3, 1], activation="tanh", rng=0)
    >>> x = np.linspace(-1.0, 1.0, 4).reshape(-1, 1)
    >>> own = {name: p.data for name, p in G.named_parameters()}
    >>> np.array_equal(np.asarray(functional_call(G, own, x)), np.asarray(G(x)))   # its own values: its own forward
    True
    >>> zeros = [np.zeros_like(p.data) for p in G.parameters()]
    >>> np.asarray(functional_call(G, zeros, x)).ravel().tolist(), len(G.parameters())
    ([0.0, 0.0, 0.0, 0.0], 4)
    """
    with _substituted(module, params):
        return module(*args)


def _slots(module):
    """``(name, container, key)`` of each parameter of ``module``, in ``named_parameters`` order."""
    slots = []

    def visit(value, name, container, key):
        if isinstance(value, Tensor) and value.requires_grad:
            slots.append((name, container, key))
        elif isinstance(value, Module):
            for attr, item in vars(value).items():
                visit(item, f"{name}.{attr}", value, attr)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                visit(item, f"{name}.{i}", value, i)
        elif isinstance(value, tuple) and _has_parameters(value):
            raise TypeError(
                f"functional_call needs the module's parameters in attributes or lists (they are replaced in "
                f"place for the call); {name!r} keeps some in a tuple"
            )

    for attr, item in vars(module).items():
        visit(item, attr, module, attr)
    return slots


def _has_parameters(value):
    if isinstance(value, Tensor):
        return value.requires_grad
    if isinstance(value, Module):
        return bool(value.parameters())
    return isinstance(value, (list, tuple)) and any(_has_parameters(item) for item in value)


def _get(container, key):
    return container[key] if isinstance(container, list) else getattr(container, key)


def _set(container, key, value):
    if isinstance(container, list):
        container[key] = value
    else:
        setattr(container, key, value)


@contextmanager
def _substituted(module, params):
    """``module``'s parameters replaced by ``params`` (a mapping by name, or a sequence) inside the block, restored after."""
    slots = _slots(module)
    if isinstance(params, Mapping):
        where = {name: (c, k) for name, c, k in slots}
        unknown = sorted(set(params) - set(where))
        if unknown:
            raise ValueError(
                f"params names {unknown}, which are not parameters of the {type(module).__name__}; "
                f"its parameters are {list(where)}"
            )
        pairs = [(where[name], value) for name, value in params.items()]
    else:
        params = list(params)
        if len(params) != len(slots):
            raise ValueError(
                f"params must have one value per parameter of the {type(module).__name__} "
                f"({len(slots)}, in parameters() order), got {len(params)}"
            )
        pairs = [((c, k), value) for (_, c, k), value in zip(slots, params)]
    originals = [(c, k, _get(c, k)) for (c, k), _ in pairs]
    try:
        for (c, k), value in pairs:
            _set(c, k, value)
        yield
    finally:
        for c, k, value in reversed(originals):
            _set(c, k, value)
