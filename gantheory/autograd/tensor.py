"""The engine: ``Tensor``, primitives, and reverse-mode differentiation.

A :class:`Tensor` wraps an array of the backend (NumPy by default, CuPy when
it is given CuPy arrays) and remembers how it was made: the :class:`Primitive`
that computed it, the raw arrays it was computed from and which of its inputs
need gradients. :meth:`Tensor.backward` sorts this graph topologically (an
iterative depth-first search, so deep graphs hit no recursion limit) and walks
it from the output back to the leaves, calling each primitive's
vector-Jacobian product (VJP).

Every VJP rule (in :mod:`gantheory.autograd.ops`) is written once and runs in
two modes:

* **plain** (the default): the rules receive raw arrays and return raw arrays,
  so the backward pass costs only the array work plus one Python call per
  node;
* **create_graph=True**: the rules receive Tensors, so the backward pass is
  itself recorded and the gradient can be differentiated again (gradient
  penalties, R1, the Jacobian of a game's vector field).

This works because a primitive applied to raw arrays simply returns its raw
result, and applied to Tensors records a node.

Examples
--------
>>> import numpy as np
>>> from gantheory.autograd import Tensor, grad
>>> x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
array([2., 4., 6.])
>>> d2 = grad(grad(lambda t: (t ** 3).sum()))   # second derivative of t**3 = 6 t
>>> d2(np.array(2.0))
array(12.)
"""

from __future__ import annotations

import contextlib

import numpy as np

from gantheory.backend import get_namespace, to_numpy

__all__ = ["Tensor", "Primitive", "no_grad", "grad", "value_and_grad", "jacobian", "hessian_vector_product"]


def array_module(a):
    """The array module of ``a``: a fast path for NumPy, else :func:`get_namespace`."""
    return np if type(a) is np.ndarray else get_namespace(a)


def raw_data(a):
    """The raw array behind ``a`` (a Tensor's data, or ``a`` itself)."""
    return a.data if isinstance(a, Tensor) else a


class _GradMode:
    """Whether primitives record graph nodes (switched off by :func:`no_grad`)."""

    enabled = True


@contextlib.contextmanager
def no_grad():
    """Context manager in which no graph is recorded (evaluation, parameter updates).

    Examples
    --------
    >>> w = Tensor([1.0, 2.0], requires_grad=True)
    >>> with no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """
    previous, _GradMode.enabled = _GradMode.enabled, False
    try:
        yield
    finally:
        _GradMode.enabled = previous


class Primitive:
    """A differentiable operation: a forward function and one VJP per argument.

    Parameters
    ----------
    name : str
        Shown in error messages and in a Tensor's ``repr``.
    forward : callable
        ``forward(*arrays, **params)`` computing the output from raw arrays.

    Notes
    -----
    VJPs are attached with :meth:`defvjp`. For an output :math:`a = f(x_0, \\dots)`
    and an incoming cotangent :math:`g = \\partial L / \\partial a`, the VJP for
    argument :math:`i` returns

    .. math:: \\frac{\\partial L}{\\partial x_i} = g \\, \\frac{\\partial a}{\\partial x_i}.

    Each rule is called as ``rule(g, ans, *args, **params)``, where ``ans`` is
    the forward output. The rule must use only arithmetic operators, array
    methods shared by Tensors (``sum``, ``reshape``, ``swapaxes``, indexing) and
    other primitives, so that it runs on raw arrays and on Tensors alike.

    Calling a primitive on raw arrays returns the raw result; calling it with
    at least one :class:`Tensor` returns a Tensor, recorded in the graph when
    an input requires gradients.

    References
    ----------
    .. [1] D. Maclaurin, D. Duvenaud, M. Johnson, "Autograd: reverse-mode
       differentiation of native Python", ICML AutoML workshop, 2015
       (the VJP-registry design).

    Examples
    --------
    >>> cube = Primitive("cube", lambda x: x ** 3)
    >>> cube.defvjp(lambda g, ans, x: g * 3 * x ** 2)
    >>> x = Tensor(2.0, requires_grad=True)
    >>> cube(x).backward()
    >>> x.grad
    array(12.)
    """

    __slots__ = ("name", "forward", "vjps", "vjp_argnum")

    def __init__(self, name, forward):
        self.name = name
        self.forward = forward
        self.vjps = None
        self.vjp_argnum = None

    def defvjp(self, *vjps):
        """Attach one VJP rule per positional argument (``None`` for a non-differentiable one)."""
        self.vjps = vjps

    def defvjp_argnum(self, vjp):
        """Attach one rule ``vjp(i, g, ans, *args, **params)`` serving every argument (n-ary primitives)."""
        self.vjp_argnum = vjp

    def vjp(self, i, g, ans, args, params):
        """The cotangent of argument ``i`` given the output's cotangent ``g``."""
        if self.vjps is not None and i < len(self.vjps) and self.vjps[i] is not None:
            return self.vjps[i](g, ans, *args, **params)
        if self.vjp_argnum is not None:
            return self.vjp_argnum(i, g, ans, *args, **params)
        raise NotImplementedError(f"no VJP rule for argument {i} of primitive {self.name!r}; attach one with defvjp")

    def __call__(self, *args, **params):
        raw = [a.data if isinstance(a, Tensor) else a for a in args]
        out = self.forward(*raw, **params)
        parents = []
        any_tensor = False
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                any_tensor = True
                if a.requires_grad:
                    parents.append((i, a))
        if not any_tensor:
            return out  # raw in, raw out: this is what lets a VJP rule run on arrays
        if isinstance(out, np.generic):  # NumPy turns 0-d results into scalars; keep arrays
            out = np.asarray(out)
        if not parents or not _GradMode.enabled:
            return Tensor._make(out, None, (), None, ())
        return Tensor._make(out, self, raw, params, parents)

    def __repr__(self):
        return f"Primitive({self.name!r})"


class Tensor:
    """An array that records the operations applied to it.

    Parameters
    ----------
    data : array_like or Tensor
        The values. Python numbers, lists, integer and boolean arrays become float64;
        float arrays keep their dtype (float32 stays float32). NumPy arrays
        stay NumPy, CuPy arrays stay CuPy.
    requires_grad : bool
        Whether gradients with respect to this tensor are wanted (a leaf).
    dtype : dtype, optional
        Convert the data to this dtype.

    Attributes
    ----------
    data : array
        The raw array.
    grad : array, Tensor or None
        The accumulated gradient after :meth:`backward` (a Tensor when the
        backward pass was run with ``create_graph=True``).
    requires_grad : bool

    Notes
    -----
    Only leaves (tensors made by the user, e.g. parameters) accumulate
    ``grad``; intermediate results pass their gradient on and keep nothing.
    The graph holds references from each result to its inputs only, never
    back, so it has no reference cycles and is freed as soon as the output
    is dropped.

    Examples
    --------
    >>> import numpy as np
    >>> w = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    >>> x = np.array([1.0, -1.0], dtype=np.float64)
    >>> loss = ((w @ x) ** 2).mean()
    >>> loss.backward()
    >>> w.grad
    array([[-1.,  1.],
           [-1.,  1.]])
    >>> Tensor(np.ones(2, dtype=np.float32)).dtype
    dtype('float32')
    >>> Tensor([1, 2]), Tensor(np.array([True, False]))
    (Tensor(array([1., 2.])), Tensor(array([1., 0.])))
    """

    __slots__ = ("data", "grad", "requires_grad", "_prim", "_raw", "_params", "_parents")
    __array_ufunc__ = None  # make NumPy defer to our operators: ndarray * Tensor -> Tensor.__rmul__

    def __init__(self, data, requires_grad=False, dtype=None):
        if isinstance(data, Tensor):
            data = data.data
        xp = get_namespace(data)
        arr = xp.asarray(data, dtype=dtype)
        if dtype is None and arr.dtype.kind != "f":
            if arr.dtype.kind not in "biu":
                raise TypeError(f"Tensor data must hold real numbers, got dtype {arr.dtype}; convert it to float first")
            arr = arr.astype(xp.float64)
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"only float tensors can require gradients, got dtype {arr.dtype}; pass dtype=np.float64")
        self.data = arr
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._prim = None
        self._raw = ()
        self._params = None
        self._parents = ()

    @classmethod
    def _make(cls, data, prim, raw, params, parents):
        """Build a result tensor without validation (the hot path of every primitive)."""
        t = cls.__new__(cls)
        t.data = data
        t.grad = None
        t.requires_grad = prim is not None
        t._prim = prim
        t._raw = raw
        t._params = params
        t._parents = parents
        return t

    # -- array-like attributes ------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def T(self):
        return ops.transpose(self)

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        made_by = f", op={self._prim.name}" if self._prim is not None else ""
        rg = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({self.data!r}{rg}{made_by})"

    def numpy(self):
        """The values as a NumPy array (copied from the device for CuPy)."""
        return to_numpy(self.data)

    def __array__(self, dtype=None, copy=None):
        """The values as a NumPy array: ``np.asarray(t)`` is ``t.numpy()``, not an array of 0-d Tensors.

        It is what NumPy calls for ``np.asarray``, ``np.array`` and the
        functions that convert their inputs first (``np.concatenate``,
        ``np.quantile``), and what lets every function of the library that
        takes samples take a Tensor. The result holds the values only, cut
        from the graph (as ``t.data``): gradients do not flow through NumPy.
        NumPy's ufuncs (``np.exp(t)``, ``array * t``) are not converted: they
        defer to the Tensor's own operators (``__array_ufunc__ = None``), which
        record the graph; and the reductions that call a method of the same
        name (``np.mean(t)`` calls ``t.mean``) are the Tensor's. Use
        :mod:`gantheory.autograd.ops` for the others.

        Parameters
        ----------
        dtype : dtype, optional
            Convert to this dtype.
        copy : None or bool
            NumPy 2's protocol: ``None`` copies only when needed; ``True``
            always; ``False`` never (``ValueError`` where a copy is needed:
            a conversion of dtype, or CuPy data, which only a copy brings to
            the host).

        Notes
        -----
        No ``__array_namespace__``: that would claim the array API standard's
        whole namespace for Tensors, and the autograd implements only the
        operations it differentiates.

        Examples
        --------
        >>> import numpy as np
        >>> t = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True) * 2
        >>> np.asarray(t)
        array([[2., 4.],
               [6., 8.]])
        >>> float(np.quantile(t, 0.5)), np.asarray(t, dtype=np.float32).dtype
        (5.0, dtype('float32'))
        """
        host = to_numpy(self.data)
        if copy is False and host is not self.data:
            raise ValueError(
                "a CuPy Tensor's values reach NumPy only by a copy: use np.asarray(t) or t.numpy(), not copy=False"
            )
        if copy is None:
            return np.asarray(host, dtype=dtype)
        return np.array(host, dtype=dtype, copy=copy)

    def item(self):
        """The value of a one-element tensor as a Python float."""
        return self.data.item()

    def detach(self):
        """A new leaf sharing the data, cut from the graph."""
        return Tensor._make(self.data, None, (), None, ())

    def astype(self, dtype):
        """A copy converted to ``dtype``, cut from the graph (a new leaf with the same ``requires_grad``)."""
        return Tensor(self.data.astype(dtype), requires_grad=self.requires_grad)

    # -- differentiation ------------------------------------------------------
    def backward(self, grad=None, create_graph=False):
        """Accumulate d(self)/d(leaf) into the ``grad`` of every leaf that requires it.

        Parameters
        ----------
        grad : array_like, optional
            The cotangent of ``self``; may be omitted for a one-element tensor
            (then 1).
        create_graph : bool
            Record the backward pass so that the gradients, which are then
            Tensors, can be differentiated again.
        """
        if not self.requires_grad:
            raise ValueError(
                "backward() called on a tensor that does not require grad: no input it depends on has requires_grad=True"
            )
        if grad is None:
            if self.size != 1:
                raise ValueError(
                    f"backward() without grad needs a one-element output, got shape {self.shape}; pass grad= or reduce with .sum()"
                )
            grad = array_module(self.data).ones_like(self.data)
        else:
            grad = raw_data(grad)
            if grad.shape != self.shape:
                raise ValueError(
                    f"grad has shape {grad.shape} but the output has shape {self.shape}; pass a cotangent of the same shape"
                )
        seed = Tensor(grad) if create_graph else grad
        backprop(self, seed, create_graph, targets=None)

    def zero_grad(self):
        """Forget the accumulated gradient (set ``grad`` to None)."""
        self.grad = None

    # -- operators (the primitives live in ops.py) -----------------------------
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.power(self, other)

    def __rpow__(self, other):
        return ops.power(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.data
        elif isinstance(index, tuple):
            index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
        return ops.getitem(self, index=index)

    # -- methods mirroring ndarray's (so that VJP rules run on both) ----------
    def sum(self, axis=None, keepdims=False):
        return ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return ops.mean(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return ops.reshape(self, shape=tuple(shape))

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return ops.transpose(self, axes=tuple(axes) if axes else None)

    def swapaxes(self, axis1, axis2):
        axes = list(range(self.ndim))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return ops.transpose(self, axes=tuple(axes))


def _toposort(root):
    """Nodes reachable from ``root`` that require grad, every node after its inputs.

    An iterative depth-first search: each node is pushed once to be expanded
    and once more to be emitted after all of its inputs.
    """
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for _, parent in node._parents:
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


def backprop(root, seed, create_graph, targets):
    """Propagate ``seed`` from ``root`` to its inputs in reverse topological order.

    With ``targets=None`` the gradients are accumulated into the leaves'
    ``grad`` (``backward``); otherwise the gradients of the given tensors are
    returned, in order, and no ``grad`` attribute is touched (``grad``).
    """
    grads = {id(root): seed}
    wanted = {} if targets is None else {id(t): None for t in targets}
    for node in reversed(_toposort(root)):
        g = grads.pop(id(node), None)
        if g is None:
            continue
        if targets is not None:
            if id(node) in wanted:
                wanted[id(node)] = g
        elif node._prim is None:  # a leaf: keep the gradient
            if node.grad is None:
                # a copy: g may be a read-only or shared view
                node.grad = g if create_graph else array_module(g).array(g)
            else:
                node.grad = node.grad + g
        prim = node._prim
        if prim is None:
            continue
        if create_graph:
            args = list(node._raw)
            for i, parent in node._parents:
                args[i] = parent
            ans = node
        else:
            args, ans = node._raw, node.data
        params = node._params
        for i, parent in node._parents:
            contribution = prim.vjp(i, g, ans, args, params)
            key = id(parent)
            previous = grads.get(key)
            grads[key] = contribution if previous is None else previous + contribution
    if targets is None:
        return None
    return [wanted[id(t)] for t in targets]


# -- functional interface -------------------------------------------------------
def _argnums_tuple(argnums):
    if isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool):
        return (int(argnums),), True
    if isinstance(argnums, (tuple, list)) and argnums and all(isinstance(i, (int, np.integer)) for i in argnums):
        return tuple(int(i) for i in argnums), False
    raise TypeError(f"argnums must be an int or a non-empty tuple of ints, got {argnums!r}")


def _value_and_grads(f, args, argnums, create_graph):
    nums, single = _argnums_tuple(argnums)
    args = list(args)
    for i in nums:
        if not 0 <= i < len(args):
            raise ValueError(f"argnums={argnums!r} asks for argument {i} but the function got {len(args)} arguments")
    if create_graph is None:  # nested use: differentiating w.r.t. a tensor of an outer trace
        create_graph = any(isinstance(args[i], Tensor) and args[i].requires_grad for i in nums)
    for i in nums:
        if not (isinstance(args[i], Tensor) and args[i].requires_grad):
            args[i] = Tensor(args[i], requires_grad=True)
    inputs = [args[i] for i in nums]
    out = f(*args)
    if not isinstance(out, Tensor):
        raise TypeError(f"the function must return a Tensor (a scalar), got {type(out).__name__}")
    if out.size != 1:
        raise ValueError(
            f"grad needs a function with a one-element output, got shape {out.shape}; use jacobian for vector outputs"
        )
    xp = array_module(out.data)
    if out.requires_grad:
        seed = xp.ones_like(out.data)
        grads = backprop(out, Tensor(seed) if create_graph else seed, create_graph, targets=inputs)
    else:
        grads = [None] * len(inputs)
    zeros = [(Tensor(xp.zeros_like(t.data)) if create_graph else xp.zeros_like(t.data)) for t in inputs]
    grads = [z if g is None else (g if create_graph else xp.asarray(g)) for g, z in zip(grads, zeros)]
    value = out if create_graph else out.data
    return value, (grads[0] if single else tuple(grads))


def value_and_grad(f, argnums=0, create_graph=None):
    """Return a function computing ``(f(*args), gradient of f w.r.t. args[argnums])``.

    Parameters
    ----------
    f : callable
        Maps arrays or Tensors to a one-element Tensor.
    argnums : int or tuple of int
        Which positional arguments to differentiate with respect to.
    create_graph : bool or None
        Record the backward pass so that the gradient can be differentiated
        again. ``None`` (default) does so exactly when a differentiated
        argument is already a Tensor that requires grad, which is the case
        when ``grad`` is nested inside another ``grad``.

    Returns
    -------
    callable
        ``(*args) -> (value, gradient)``; raw arrays without ``create_graph``,
        Tensors with it. A tuple of gradients when ``argnums`` is a tuple.

    Examples
    --------
    >>> import numpy as np
    >>> value, g = value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))
    >>> float(value), g
    (5.0, array([2., 4.]))
    """

    def value_and_gradient(*args):
        return _value_and_grads(f, args, argnums, create_graph)

    return value_and_gradient


def grad(f, argnums=0, create_graph=None):
    """Return a function computing the gradient of ``f`` w.r.t. ``args[argnums]``.

    See :func:`value_and_grad` for the parameters. Gradients of gradients work
    by nesting: ``grad(grad(f))``.

    Examples
    --------
    >>> import numpy as np
    >>> grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    (array([3., 4.]), array([1., 2.]))
    """

    def gradient(*args):
        return _value_and_grads(f, args, argnums, create_graph)[1]

    return gradient


def jacobian(f, argnum=0):
    """Return a function computing the Jacobian of ``f`` w.r.t. ``args[argnum]``.

    Parameters
    ----------
    f : callable
        Maps arrays or Tensors to a Tensor of any shape.
    argnum : int
        Which positional argument.

    Returns
    -------
    callable
        ``(*args) -> J`` with ``J.shape == out.shape + x.shape`` and
        :math:`J_{ij} = \\partial f_i / \\partial x_j`. A Tensor (differentiable)
        when the argument is a Tensor that requires grad, else an array.

    Notes
    -----
    One reverse pass per output element (a VJP with each unit cotangent), so
    the cost is ``out.size`` backward passes: meant for small outputs such as
    the vector field of a two-player game.

    Examples
    --------
    >>> import numpy as np
    >>> J = jacobian(lambda v: v[::-1] * v)(np.array([1.0, 2.0]))
    >>> J
    array([[2., 1.],
           [2., 1.]])
    """

    def jac(*args):
        args = list(args)
        create_graph = isinstance(args[argnum], Tensor) and args[argnum].requires_grad
        if not create_graph:
            args[argnum] = Tensor(args[argnum], requires_grad=True)
        x = args[argnum]
        out = f(*args)
        if not isinstance(out, Tensor):
            raise TypeError(f"the function must return a Tensor, got {type(out).__name__}")
        xp = array_module(out.data)
        rows = []
        for k in range(out.size):
            seed = xp.zeros(out.size, dtype=out.dtype)
            seed[k] = 1
            seed = seed.reshape(out.shape)
            g = (
                backprop(out, Tensor(seed) if create_graph else seed, create_graph, targets=[x])[0]
                if out.requires_grad
                else None
            )
            if g is None:
                g = Tensor(xp.zeros_like(x.data)) if create_graph else xp.zeros_like(x.data)
            rows.append(g)
        shape = out.shape + x.shape
        if create_graph:
            return ops.stack(rows).reshape(shape)
        return xp.stack(rows).reshape(shape)

    return jac


def hessian_vector_product(f, argnum=0):
    """Return a function computing :math:`H v`, the Hessian of scalar ``f`` times ``v``.

    Notes
    -----
    Reverse-over-reverse: :math:`H v = \\nabla_x \\langle \\nabla_x f(x), v \\rangle`,
    two backward passes and no Hessian matrix [1]_.

    References
    ----------
    .. [1] B. A. Pearlmutter, "Fast exact multiplication by the Hessian",
       Neural Computation 6(1), 1994.

    Examples
    --------
    >>> import numpy as np
    >>> hvp = hessian_vector_product(lambda x: (x[0] ** 2 * x[1]))
    >>> hvp(np.array([1.0, 3.0]), np.array([1.0, 0.0]))   # H = [[2 x1, 2 x0], [2 x0, 0]]
    array([6., 2.])
    """

    def hvp(*args):
        *args, v = args
        inner = grad(f, argnum, create_graph=True)
        return grad(lambda *a: (inner(*a) * v).sum(), argnum)(*args)

    return hvp


from gantheory.autograd import ops  # noqa: E402  (ops needs Tensor; Tensor's operators need ops)
