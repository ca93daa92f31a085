"""First-order optimizers: ``SGD`` (with momentum), ``Adam``, ``RMSProp``.

Each follows PyTorch's update formulas exactly (``torch.optim``, version 2.x
documentation, whose pseudocode is reproduced in each docstring), so results
can be compared step by step. Each update is written once, as a rule
``_rule(p, g, state) -> (new_p, new_state)`` of operators and primitives that
run on raw arrays and on Tensors alike. :meth:`Optimizer.step` applies it to
the raw arrays, outside any graph, and writes the result into the parameters;
:meth:`Optimizer.functional_step` applies it to (possibly graph-carrying)
Tensors and a copy of the optimizer's state (:meth:`Optimizer.functional_state`),
returning new parameter Tensors, so that a quantity computed after several
updates can be differentiated through them (the unrolled GAN of
:func:`gantheory.gan.train`, ``unroll=k``). The two give the same values bit for bit.

Examples
--------
>>> import numpy as np
>>> from gantheory.autograd import Tensor, optim
>>> w = Tensor(np.array([3.0]), requires_grad=True)
>>> opt = optim.SGD([w], lr=0.1)
>>> for _ in range(100):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     opt.step()
>>> bool(abs(w.data[0]) < 1e-8)
True
"""

from __future__ import annotations

import math

from gantheory.autograd.tensor import Primitive, Tensor, array_module, raw_data

__all__ = ["Optimizer", "SGD", "Adam", "RMSProp"]


def _safe_sqrt_vjp(g, ans, x):
    # d sqrt(x)/dx = 1 / (2 sqrt(x)); at x = 0 (a moment that never saw a nonzero gradient) the 0 subgradient is used,
    # so that a zero cotangent there gives 0, not 0 * inf = NaN. Written with primitives: it is differentiated again
    # when the unrolled updates are.
    zero = raw_data(ans) == 0
    return g / (2 * ans + zero.astype(raw_data(ans).dtype)) * (~zero).astype(raw_data(ans).dtype)


# sqrt of an optimizer's second moment in the recorded update: the value of sqrt, a VJP finite at 0
_safe_sqrt = Primitive("safe_sqrt", lambda x: array_module(x).sqrt(x))
_safe_sqrt.defvjp(_safe_sqrt_vjp)


class Optimizer:
    """Base class: holds the parameters; ``zero_grad`` clears their gradients.

    Parameters
    ----------
    params : iterable of Tensor
        Tensors that require grad (e.g. ``module.parameters()``).
    lr : float
        Learning rate, > 0.
    """

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError("params is empty; pass module.parameters() or a list of Tensors")
        for p in self.params:
            if not (isinstance(p, Tensor) and p.requires_grad):
                raise TypeError("every parameter must be a Tensor with requires_grad=True")
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr}")
        self.lr = float(lr)

    def zero_grad(self):
        """Forget every parameter's gradient."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Update every parameter that has a gradient."""
        for k, p in enumerate(self.params):
            if p.grad is not None:
                self._update(k, p.data, raw_data(p.grad))

    def _update(self, k, w, g):
        """Parameter ``k``'s update on raw arrays: the rule's result written into ``w``, its state kept.

        A subclass that cannot record its update on the graph overrides this alone (``w`` in place).
        """
        new_w, state = self._rule(w, g, self._state(k))
        w[...] = new_w
        self._set_state(k, state)

    def _rule(self, p, g, state):
        """The update, written once: ``(new_p, new_state)`` from arrays or Tensors (no in-place operation)."""
        raise NotImplementedError(f"{type(self).__name__} cannot record its update on the graph (no _rule)")

    def _state(self, k):
        """Parameter ``k``'s state as the rule takes it."""
        raise NotImplementedError

    def _set_state(self, k, state):
        raise NotImplementedError

    #: Whether :meth:`functional_step` is implemented (the update can be recorded on the graph).
    records_updates = False

    def functional_state(self):
        """A copy of the optimizer's state for :meth:`functional_step` (the optimizer itself is not changed).

        Returns
        -------
        list
            One entry per parameter (its buffers and step count, as arrays and ints).
        """
        if not self.records_updates:
            raise NotImplementedError(
                f"{type(self).__name__} cannot record its update on the graph (no functional_state)"
            )
        return [_copied(self._state(k)) for k in range(len(self.params))]

    def functional_step(self, params, grads, state):
        """The update as graph operations: ``(new_params, new_state)``, nothing changed in place.

        Parameters
        ----------
        params : list of Tensor
            The current parameter values, one per optimizer parameter (Tensors
            that may carry a graph, e.g. earlier results of this method).
        grads : list of Tensor, array or None
            Their gradients (Tensors from a ``create_graph=True`` backward pass,
            so that the result can be differentiated through the update);
            ``None`` leaves that parameter and its state unchanged, as
            :meth:`step` skips a parameter without a gradient.
        state : list
            From :meth:`functional_state` or a previous call (not modified).

        Returns
        -------
        (list of Tensor, list)
            The updated parameters and state. With the same gradients, the
            values are those :meth:`step` would write, bit for bit.
        """
        if not self.records_updates:
            raise NotImplementedError(
                f"{type(self).__name__} cannot record its update on the graph; "
                "SGD, Adam and RMSProp can (functional_step)"
            )
        if not (len(params) == len(grads) == len(state) == len(self.params)):
            raise ValueError(
                f"params, grads and state must have one entry per parameter ({len(self.params)}), "
                f"got {len(params)}, {len(grads)}, {len(state)}"
            )
        new_params, new_state = [], []
        for p, g, st in zip(params, grads, state):
            if g is not None:
                p, st = self._rule(p, g, st)
            new_params.append(p)
            new_state.append(st)
        return new_params, new_state


def _copied(state):
    """``state`` (an array, ``None``, an int, or a tuple of these) with its arrays copied."""
    if isinstance(state, tuple):
        return tuple(_copied(item) for item in state)
    return state.copy() if hasattr(state, "copy") else state


def _check_unit_interval(value, name):
    if not 0 <= value < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {value}")
    return float(value)


class SGD(Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum, as ``torch.optim.SGD``.

    Notes
    -----
    With momentum :math:`\\mu > 0` the buffer starts at :math:`b_1 = g_1`, then

    .. math:: b_t = \\mu b_{t-1} + g_t, \\qquad
              \\theta_t = \\theta_{t-1} - \\eta\\, b_t
              \\ (\\text{Nesterov: } \\theta_t = \\theta_{t-1} - \\eta (g_t + \\mu b_t)).

    With :math:`\\mu = 0`, :math:`\\theta_t = \\theta_{t-1} - \\eta g_t` [1]_ [2]_.

    References
    ----------
    .. [1] I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of
       initialization and momentum in deep learning", ICML 2013.
    .. [2] PyTorch documentation, ``torch.optim.SGD``.

    Examples
    --------
    >>> import numpy as np
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = SGD([w], lr=0.5, momentum=0.9)
    >>> w.grad = np.array([1.0]); opt.step(); opt.step()    # b = 1, then 1.9
    >>> w.data
    array([-0.45])
    """

    def __init__(self, params, lr=1e-2, momentum=0.0, nesterov=False):
        super().__init__(params, lr)
        self.momentum = _check_unit_interval(momentum, "momentum")
        if nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0")
        self.nesterov = bool(nesterov)
        self.buffers = [None] * len(self.params)

    records_updates = True

    def _rule(self, p, g, b):
        if self.momentum:
            b = g if b is None else b * self.momentum + g
            g = g + self.momentum * b if self.nesterov else b
        return p - self.lr * g, b

    def _state(self, k):
        """The momentum buffer (``None`` before the parameter's first update, or without momentum)."""
        return self.buffers[k]

    def _set_state(self, k, b):
        self.buffers[k] = b

    def functional_step(self, params, grads, state):
        """:meth:`step` recorded on the graph (see :meth:`Optimizer.functional_step`).

        Examples
        --------
        >>> import numpy as np
        >>> w = Tensor(np.array([2.0]), requires_grad=True)
        >>> opt = SGD([w], lr=0.1)
        >>> g = 2 * w                                     # the gradient of w², a Tensor of w
        >>> (w1,), _ = opt.functional_step([w], [g], opt.functional_state())
        >>> w1.data, w1.backward(), w.grad               # w1 = w - 0.1 * 2w = 0.8 w
        (array([1.6]), None, array([0.8]))
        """
        return super().functional_step(params, grads, state)


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (Kingma and Ba, 2015).

    Notes
    -----
    .. math::
        m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t, \\quad
        v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2,

    .. math::
        \\theta_t = \\theta_{t-1} - \\frac{\\eta}{1 - \\beta_1^t} \\,
        \\frac{m_t}{\\sqrt{v_t} / \\sqrt{1 - \\beta_2^t} + \\epsilon},

    with :math:`\\epsilon` added after the bias correction, as PyTorch does [1]_ [2]_.
    The step count ``t`` is kept per parameter.

    References
    ----------
    .. [1] D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization", ICLR 2015.
    .. [2] PyTorch documentation, ``torch.optim.Adam``.

    Examples
    --------
    >>> import numpy as np
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = np.array([5.0]); opt.step()               # the first step is ~lr * sign(g)
    >>> w.data
    array([0.9])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        self.beta1 = _check_unit_interval(betas[0], "betas[0]")
        self.beta2 = _check_unit_interval(betas[1], "betas[1]")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        self.eps = float(eps)
        self.m = [array_module(p.data).zeros_like(p.data) for p in self.params]
        self.v = [array_module(p.data).zeros_like(p.data) for p in self.params]
        self.t = [0] * len(self.params)

    records_updates = True

    def _rule(self, p, g, state):
        b1, b2 = self.beta1, self.beta2
        m, v, t = state
        t += 1
        m = m * b1 + (1 - b1) * g
        v = v * b2 + (1 - b2) * (g * g)
        denom = _safe_sqrt(v) / math.sqrt(1 - b2**t) + self.eps
        return p - self.lr / (1 - b1**t) * (m / denom), (m, v, t)

    def _state(self, k):
        """``(m, v, t)``: the moments and the step count."""
        return self.m[k], self.v[k], self.t[k]

    def _set_state(self, k, state):
        self.m[k], self.v[k], self.t[k] = state

    def functional_step(self, params, grads, state):
        """:meth:`step` recorded on the graph (see :meth:`Optimizer.functional_step`).

        The square root of :math:`v_t` has the derivative 0 where
        :math:`v_t = 0` (a parameter that never had a nonzero gradient), where
        the exact one is infinite; the update itself is 0 there.

        Examples
        --------
        >>> import numpy as np
        >>> w = Tensor(np.array([1.0]), requires_grad=True)
        >>> opt = Adam([w], lr=0.1)
        >>> (w1,), state = opt.functional_step([w], [5 * w], opt.functional_state())
        >>> w1.data, state[0][2]                         # as step(): ~lr * sign(g); t = 1
        (array([0.9]), 1)
        """
        return super().functional_step(params, grads, state)


class RMSProp(Optimizer):
    """RMSProp, as ``torch.optim.RMSprop`` (not centered).

    Notes
    -----
    .. math::
        s_t = \\alpha s_{t-1} + (1 - \\alpha) g_t^2, \\qquad
        \\theta_t = \\theta_{t-1} - \\eta \\frac{g_t}{\\sqrt{s_t} + \\epsilon};

    with momentum :math:`\\mu > 0`, :math:`b_t = \\mu b_{t-1} + g_t / (\\sqrt{s_t} + \\epsilon)`
    and :math:`\\theta_t = \\theta_{t-1} - \\eta b_t` [1]_ [2]_.

    References
    ----------
    .. [1] T. Tieleman, G. Hinton, Lecture 6.5, "rmsprop", COURSERA: Neural
       Networks for Machine Learning, 2012.
    .. [2] PyTorch documentation, ``torch.optim.RMSprop``.

    Examples
    --------
    >>> import numpy as np
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = RMSProp([w], lr=0.01, alpha=0.99)
    >>> w.grad = np.array([2.0]); opt.step()               # s = 0.01 * 4: step 0.01 * 2 / 0.2
    >>> w.data
    array([0.9])
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.0):
        super().__init__(params, lr)
        self.alpha = _check_unit_interval(alpha, "alpha")
        self.momentum = _check_unit_interval(momentum, "momentum")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        self.eps = float(eps)
        self.s = [array_module(p.data).zeros_like(p.data) for p in self.params]
        self.buffers = [array_module(p.data).zeros_like(p.data) for p in self.params] if self.momentum else None

    records_updates = True

    def _rule(self, p, g, state):
        s, b = state
        s = s * self.alpha + (1 - self.alpha) * (g * g)
        direction = g / (_safe_sqrt(s) + self.eps)
        if self.momentum:
            b = b * self.momentum + direction
            direction = b
        return p - self.lr * direction, (s, b)

    def _state(self, k):
        """``(s, b)``: the mean square and the momentum buffer (``None`` without momentum)."""
        return self.s[k], (self.buffers[k] if self.momentum else None)

    def _set_state(self, k, state):
        self.s[k] = state[0]
        if self.momentum:
            self.buffers[k] = state[1]

    def functional_step(self, params, grads, state):
        """:meth:`step` recorded on the graph (see :meth:`Optimizer.functional_step`).

        As in :meth:`Adam.functional_step`, :math:`\\sqrt{s_t}` has the derivative 0 where :math:`s_t = 0`.

        Examples
        --------
        >>> import numpy as np
        >>> w = Tensor(np.array([1.0]), requires_grad=True)
        >>> opt = RMSProp([w], lr=0.01, alpha=0.99)
        >>> (w1,), _ = opt.functional_step([w], [2 * w], opt.functional_state())
        >>> w1.data                                      # as step()
        array([0.9])
        """
        return super().functional_step(params, grads, state)
