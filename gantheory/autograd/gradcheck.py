"""Check derivatives of any order against central finite differences.

:func:`check_grads` compares a directional derivative computed by reverse mode
with one computed by central differences, along random directions, and then
does the same for the gradient itself (which is a function of the inputs
again), up to the requested order. It is the test every primitive passes.

Examples
--------
>>> import numpy as np
>>> from gantheory.autograd import check_grads, exp
>>> check_grads(lambda x, y: exp(x) * y, np.array([0.1, 0.2]), np.array([[1.0], [2.0]]), order=2)
"""

from __future__ import annotations

import numpy as np

from gantheory._rng import as_generator
from gantheory.autograd import ops
from gantheory.autograd.tensor import Tensor, grad, raw_data
from gantheory.backend import get_namespace, to_numpy

__all__ = ["check_grads", "GradientCheckError"]

# Central differences have truncation error ~ eps**2 |f'''| / 6 and rounding
# error ~ macheps |f| / eps; eps = macheps**(1/3) ~ 6e-6 balances the two at
# ~ macheps**(2/3) ~ 4e-11 relative to the scale of f. Both are estimated and
# added to the tolerance at each check; rtol (1e-6) is relative to the
# derivative's own magnitude only.
MACHEPS = float(np.finfo(np.float64).eps)
EPS = MACHEPS ** (1 / 3)
RTOL = 1e-6


class GradientCheckError(AssertionError):
    """Raised when reverse-mode and finite-difference derivatives disagree."""


def check_grads(f, *args, order=2, eps=EPS, rtol=RTOL, rng=0):
    """Check the derivatives of ``f`` up to ``order`` against central differences.

    Parameters
    ----------
    f : callable
        Maps Tensors to a Tensor (of any shape), built from autograd operations.
    *args : array_like
        The point at which to check; converted to float64.
    order : int
        1 checks gradients; 2 also checks second derivatives (the gradient of
        the gradient, which exercises ``create_graph``); and so on.
    eps : float
        Finite-difference step, :math:`\\epsilon_{mach}^{1/3}` by default.
    rtol : float
        Allowed error relative to the derivative's own magnitude,
        :math:`\\sum_i \\sum |\\nabla_{x_i} \\langle v, f \\rangle \\odot u_i|`
        (so a wrong gradient fails however small it is), on top of the
        finite difference's own error (see Notes).
    rng : int, default 0
        Seed of the random cotangent and directions.

    Raises
    ------
    GradientCheckError
        If a derivative disagrees, naming the order.

    Notes
    -----
    With a random cotangent :math:`v` and random directions :math:`u_i`, the
    reverse-mode value :math:`\\sum_i \\langle \\nabla_{x_i} \\langle v, f \\rangle, u_i \\rangle`
    must match

    .. math:: \\frac{\\langle v, f(x + \\epsilon u) - f(x - \\epsilon u) \\rangle}{2 \\epsilon},

    whose error is :math:`O(\\epsilon^2)` plus rounding :math:`O(\\epsilon_{mach}/\\epsilon)`:
    the truncation is estimated by repeating the difference with step
    :math:`2\\epsilon` (Richardson: the two differ by about three times the
    :math:`O(\\epsilon^2)` term), the rounding as
    :math:`100\\,\\epsilon_{mach} \\sum |v \\odot f| / \\epsilon`; both are added
    to the tolerance.
    For the next order the same check is applied to
    :math:`x \\mapsto \\nabla_x \\langle v, f(x) \\rangle` [1]_.

    References
    ----------
    .. [1] D. Maclaurin, D. Duvenaud, M. Johnson, "Autograd: reverse-mode
       differentiation of native Python", 2015 (``autograd.test_util.check_grads``).

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Primitive
    >>> wrong_square = Primitive("wrong_square", lambda x: x * x)
    >>> wrong_square.defvjp(lambda g, ans, x: g * x)        # should be 2 g x
    >>> check_grads(wrong_square, np.array([1.0, 2.0]), order=1)
    Traceback (most recent call last):
    ...
    gantheory.autograd.gradcheck.GradientCheckError: order 1: ...
    """
    if not isinstance(order, (int, np.integer)) or isinstance(order, bool) or order < 1:
        raise ValueError(f"order must be a positive int, got {order!r}")
    if not args:
        raise ValueError("check_grads needs at least one argument at which to check f")
    xp = get_namespace(*[raw_data(a) for a in args])
    points = [xp.asarray(raw_data(a), dtype=xp.float64) for a in args]
    _check(f, points, order, 1, eps, rtol, as_generator(rng), xp)


def _check(f, points, order, level, eps, rtol, gen, xp):
    out = raw_data(f(*[Tensor(p) for p in points]))
    v = xp.asarray(gen.standard_normal(np.shape(out)))
    directions = [xp.asarray(gen.standard_normal(p.shape)) for p in points]
    argnums = tuple(range(len(points)))

    def cotangent_dot(*a):
        return (f(*a) * v).sum()

    grads = grad(cotangent_dot, argnums=argnums)(*points)
    analytic = float(np.sum([float((raw_data(g) * u).sum()) for g, u in zip(grads, directions)]))

    def along(t):
        return raw_data(f(*[Tensor(p + t * u) for p, u in zip(points, directions)]))

    def central(h):
        ends = along(h), along(-h)
        size = sum(float(to_numpy(xp.abs(v * e)).sum()) for e in ends)  # sum |v f| at both ends
        return float(((ends[0] - ends[1]) * v).sum()) / (2 * h), size

    numeric, size = central(eps)
    # Allowed error: rtol relative to the derivative's own magnitude (the sum of the
    # absolute terms of <grad, u>, never an absolute floor that would hide small
    # gradients), plus the central difference's own error: its truncation, estimated
    # by Richardson from a doubled step (|D(2e) - D(e)| ~ 3 c e^2 >= its O(e^2) term),
    # and its rounding, ~ machine eps * sum |v f(x +- e u)| / e with room for f's own round-off.
    magnitude = float(
        np.sum([float(to_numpy(xp.abs(raw_data(g) * u)).sum()) for g, u in zip(grads, directions)])
    ) + abs(numeric)
    truncation = abs(central(2 * eps)[0] - numeric)
    rounding = 100 * MACHEPS * size / eps
    tolerance = rtol * magnitude + truncation + rounding
    if not abs(analytic - numeric) <= tolerance:
        raise GradientCheckError(
            f"order {level}: reverse mode gives {analytic!r}, central differences give {numeric!r} "
            f"(difference {abs(analytic - numeric):.3g} > {tolerance:.3g})"
        )
    if order > 1:

        def flat_gradient(*a):
            gs = grad(cotangent_dot, argnums=argnums)(*a)
            return ops.concatenate([g.reshape(-1) for g in gs])

        _check(flat_gradient, points, order - 1, level + 1, eps, rtol, gen, xp)
