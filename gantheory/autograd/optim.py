"""First-order optimizers: ``SGD`` (with momentum), ``Adam``, ``RMSProp``.

Each follows PyTorch's update formulas exactly (``torch.optim``, version 2.x
documentation, whose pseudocode is reproduced in each docstring), so results
can be compared step by step. Updates happen in place on the parameters' raw
arrays, outside any graph.

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

from gantheory.autograd.tensor import Tensor, _data, _xp

__all__ = ["Optimizer", "SGD", "Adam", "RMSProp"]


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
                self._update(k, p.data, _data(p.grad))

    def _update(self, k, w, g):
        raise NotImplementedError


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

    def _update(self, k, w, g):
        if self.momentum:
            b = self.buffers[k]
            if b is None:
                b = self.buffers[k] = g.copy()
            else:
                b *= self.momentum
                b += g
            g = g + self.momentum * b if self.nesterov else b
        w -= self.lr * g


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
        self.m = [_xp(p.data).zeros_like(p.data) for p in self.params]
        self.v = [_xp(p.data).zeros_like(p.data) for p in self.params]
        self.t = [0] * len(self.params)

    def _update(self, k, w, g):
        b1, b2 = self.beta1, self.beta2
        m, v = self.m[k], self.v[k]
        self.t[k] += 1
        t = self.t[k]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * (g * g)
        step_size = self.lr / (1 - b1**t)
        denom = _xp(v).sqrt(v)
        denom /= math.sqrt(1 - b2**t)
        denom += self.eps
        w -= step_size * (m / denom)


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
        self.s = [_xp(p.data).zeros_like(p.data) for p in self.params]
        self.buffers = [_xp(p.data).zeros_like(p.data) for p in self.params] if self.momentum else None

    def _update(self, k, w, g):
        s = self.s[k]
        s *= self.alpha
        s += (1 - self.alpha) * (g * g)
        direction = g / (_xp(s).sqrt(s) + self.eps)
        if self.momentum:
            b = self.buffers[k]
            b *= self.momentum
            b += direction
            direction = b
        w -= self.lr * direction
