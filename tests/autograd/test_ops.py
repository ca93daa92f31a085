"""Every primitive's gradient and second derivative against central finite differences.

``check_grads(order=2)`` compares, along random directions, reverse-mode
derivatives with central differences of step eps = macheps**(1/3) ~ 6e-6:
truncation ~ eps**2 |f'''| and rounding ~ macheps |f| / eps are both
~ 4e-11 times the scale of f, and the tolerance rtol = 1e-6 (relative to
1 + sum |v f|) leaves four orders of magnitude for the constants. Inputs stay
in ranges where f''' is O(10) ([-2, 2], logs and roots on [0.5, 3]) and away
from kinks (relu, abs, maximum, sort ties) by at least 0.1 >> eps.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gantheory.autograd as ag
from gantheory.autograd import Primitive, Tensor, check_grads, ops
from gantheory.strategies import autograd_arrays

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
broadcast_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)

# -- unary elementwise primitives: (function, low, high, min_abs) -------------------
UNARY = {
    "neg": (lambda x: -x, -2, 2, 0),
    "exp": (ag.exp, -2, 2, 0),
    "log": (ag.log, 0.5, 3, 0),
    "sqrt": (ag.sqrt, 0.5, 3, 0),
    "abs": (ag.abs, -2, 2, 0.1),
    "relu": (ag.relu, -2, 2, 0.1),
    "leaky_relu": (lambda x: ag.leaky_relu(x, slope=0.1), -2, 2, 0.1),
    "tanh": (ag.tanh, -2, 2, 0),
    "sigmoid": (ag.sigmoid, -3, 3, 0),
    "softplus": (ag.softplus, -3, 3, 0),
    "log_sigmoid": (ag.log_sigmoid, -3, 3, 0),
    "power_constant_exponent": (lambda x: x**3, -2, 2, 0),
    "power_fractional_exponent": (lambda x: x**2.5, 0.5, 3, 0),
    "rpow": (lambda x: 2.0**x, -2, 2, 0),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=60)
@given(data=st.data())
def test_unary_primitive_derivatives_match_finite_differences(name, data):
    f, low, high, min_abs = UNARY[name]
    x = data.draw(autograd_arrays(data.draw(shapes), low, high, min_abs))
    check_grads(f, x, order=2)


# -- binary primitives on broadcasting shapes -----------------------------------------
BINARY = {
    "add": (lambda x, y: x + y, (-2, 2), (-2, 2)),
    "sub": (lambda x, y: x - y, (-2, 2), (-2, 2)),
    "mul": (lambda x, y: x * y, (-2, 2), (-2, 2)),
    "div": (lambda x, y: x / y, (-2, 2), (0.5, 2)),
    "power": (lambda x, y: x**y, (0.5, 2), (-1.5, 1.5)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=60)
@given(data=st.data())
def test_binary_primitive_derivatives_match_finite_differences_under_broadcasting(name, data):
    f, (xlo, xhi), (ylo, yhi) = BINARY[name]
    (sx, sy), _ = data.draw(broadcast_pairs)
    x = data.draw(autograd_arrays(sx, xlo, xhi))
    y = data.draw(autograd_arrays(sy, ylo, yhi))
    check_grads(f, x, y, order=2)


@settings(max_examples=60)
@given(data=st.data())
def test_maximum_derivatives_match_finite_differences_away_from_ties(data):
    (sx, sy), _ = data.draw(broadcast_pairs)
    x = data.draw(autograd_arrays(sx))
    gap = data.draw(autograd_arrays(sy, min_abs=0.1))
    y = np.max(x) + gap if data.draw(st.booleans()) else np.min(x) - np.abs(gap)  # no ties
    check_grads(ag.maximum, x, y, order=2)
    # against a constant, placed in the widest gap between the values of a * a (a tie would be a kink)
    levels = np.concatenate([[0.0], np.sort(((x + 3.0) ** 2).ravel()), [30.0]])
    widest = np.argmax(np.diff(levels))
    c = 0.5 * (levels[widest] + levels[widest + 1])
    check_grads(lambda a: ag.maximum(a * a, c), x + 3.0, order=2)


def test_maximum_splits_the_gradient_equally_at_ties():
    x, y = Tensor([1.0, 2.0], requires_grad=True), Tensor([1.0, 0.0], requires_grad=True)
    ag.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.5, 1.0])
    np.testing.assert_array_equal(y.grad, [0.5, 0.0])


MATMUL_SHAPES = [
    ((3, 2), (2, 4)),
    ((2, 3, 2), (2, 4)),
    ((2,), (2, 3)),
    ((3, 2), (2,)),
    ((2,), (2,)),
    ((1, 3, 2), (2, 2, 4)),
    ((2,), (3, 2, 4)),
]


@pytest.mark.parametrize("sx, sy", MATMUL_SHAPES)
@settings(max_examples=5)
@given(data=st.data())
def test_matmul_derivatives_match_finite_differences_including_vectors_and_batches(sx, sy, data):
    x, y = data.draw(autograd_arrays(sx)), data.draw(autograd_arrays(sy))
    check_grads(ag.matmul, x, y, order=2)
    check_grads(lambda a, b: (a @ b) ** 2, x, y, order=2)  # a non-zero second derivative


LINEAR_SHAPES = [
    ((4, 3), (3, 2), (2,)),
    ((4, 3), (3, 2), (1, 2)),
    ((3,), (3, 2), (2,)),
    ((2, 4, 3), (3, 2), (4, 1)),
    ((4, 3), (3, 2), (5, 4, 2)),
    ((4, 3), (3, 2), ()),
]


@pytest.mark.parametrize("sx, sw, sb", LINEAR_SHAPES)
@settings(max_examples=5)
@given(data=st.data())
def test_linear_equals_matmul_plus_bias_with_matching_derivatives(sx, sw, sb, data):
    x, w, b = (data.draw(autograd_arrays(s)) for s in (sx, sw, sb))
    np.testing.assert_allclose(ops.linear(Tensor(x), Tensor(w), Tensor(b)).data, x @ w + b, rtol=1e-14)
    check_grads(lambda *a: ops.linear(*a) ** 2, x, w, b, order=2)
    # float32 keeps float32; a float64 bias on a float32 product promotes (never cast down in place)
    x32, w32 = x.astype(np.float32), w.astype(np.float32)
    assert ops.linear(Tensor(x32), Tensor(w32), Tensor(b.astype(np.float32))).dtype == np.float32
    assert ops.linear(Tensor(x32), Tensor(w32), Tensor(b)).dtype == np.result_type(x32 @ w32, b)


@st.composite
def array_and_axis(draw, low=-2.0, high=2.0, min_abs=0.0):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    x = draw(autograd_arrays(shape, low, high, min_abs))
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1) | st.just(tuple(range(len(shape)))[:2]))
    return x, axis


@settings(max_examples=60)
@given(xa=array_and_axis(), keepdims=st.booleans())
def test_sum_and_mean_derivatives_match_finite_differences(xa, keepdims):
    x, axis = xa
    check_grads(lambda t: ag.sum(t * t, axis=axis, keepdims=keepdims), x, order=2)
    check_grads(lambda t: ag.mean(ag.exp(t), axis=axis, keepdims=keepdims), x, order=2)


@settings(max_examples=60)
@given(xa=array_and_axis(min_abs=0.1), keepdims=st.booleans())
def test_norm_derivatives_match_finite_differences(xa, keepdims):
    x, axis = xa
    check_grads(lambda t: ag.norm(t, axis=axis, keepdims=keepdims), x, order=2)
    np.testing.assert_allclose(
        ag.norm(Tensor(x), axis=axis, keepdims=keepdims).data, np.linalg.norm(x, axis=axis, keepdims=keepdims)
    )


def test_norm_gradient_at_zero_is_the_zero_subgradient():
    x = Tensor(np.zeros(3), requires_grad=True)
    ag.norm(x).backward()
    np.testing.assert_array_equal(x.grad, np.zeros(3))


@settings(max_examples=60)
@given(x=autograd_arrays(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)), data=st.data())
def test_shape_primitives_derivatives_match_finite_differences(x, data):
    perm = tuple(data.draw(st.permutations(range(x.ndim))))
    check_grads(lambda t: ag.transpose(t * t, axes=perm), x, order=2)
    check_grads(lambda t: (t * t).T, x, order=2)
    check_grads(lambda t: ag.reshape(ag.exp(t), shape=(-1,)), x, order=2)
    check_grads(lambda t: (t * t).reshape(x.shape[::-1]), x, order=2)
    check_grads(lambda t: ops.broadcast_to(t * t, shape=(2,) + x.shape), x, order=2)


INDEXES = {
    "int": (0,),
    "slice": (slice(None, None, 2),),
    "negative_step": (slice(None, None, -1),),
    "ellipsis_newaxis": (Ellipsis, None),
    "repeated_integers": (np.array([0, -1, 0, 0]),),  # scatter-add must accumulate repeats
    "boolean_mask": None,
}


@pytest.mark.parametrize("name", sorted(INDEXES))
@settings(max_examples=10)
@given(x=autograd_arrays(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)))
def test_indexing_derivatives_match_finite_differences(name, x):
    index = x > 0 if name == "boolean_mask" else INDEXES[name]
    check_grads(lambda t: (t * t)[index], x, order=2)


def test_indexing_with_repeated_integers_accumulates_gradients():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    x[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


@settings(max_examples=60)
@given(data=st.data())
def test_concatenate_and_stack_derivatives_match_finite_differences(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    other = list(shape)
    other[axis] = data.draw(st.integers(1, 3))
    x, y = data.draw(autograd_arrays(shape)), data.draw(autograd_arrays(tuple(other)))
    check_grads(lambda a, b: ag.concatenate([a * a, ag.exp(b), a], axis=axis), x, y, order=2)
    z = data.draw(autograd_arrays(shape))
    new_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check_grads(lambda a, b: ag.stack([a * b, ag.tanh(a)], axis=new_axis), x, z, order=2)


@st.composite
def distinct_values_and_axis(draw):
    """Arrays whose entries along each axis are separated by >= 0.3 (no ties for sort)."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    raw = draw(autograd_arrays(shape, -1, 1))
    flat_ranks = np.argsort(np.argsort(raw, axis=None)).reshape(shape)  # distinct integers
    return 0.5 * flat_ranks + 0.1 * raw, draw(st.integers(-len(shape), len(shape) - 1))


@settings(max_examples=60)
@given(xa=distinct_values_and_axis())
def test_sort_derivatives_match_finite_differences(xa):
    x, axis = xa
    check_grads(lambda t: ag.sort(t, axis=axis) * ag.sort(t * t, axis=axis), x, order=2)
    np.testing.assert_array_equal(ag.sort(Tensor(x), axis=axis).data, np.sort(x, axis=axis))


def test_a_primitive_without_a_vjp_rule_raises_not_implemented():
    opaque = Primitive("opaque", np.sin)
    x = Tensor([0.5], requires_grad=True)
    with pytest.raises(NotImplementedError, match="opaque"):
        opaque(x).sum().backward()


# -- numerically stable functions -------------------------------------------------------
@pytest.mark.parametrize(
    "f, expected_value, expected_grad, curvature_sign",
    [
        (ag.softplus, [0.0, np.log(2.0), 1000.0], [0.0, 0.5, 1.0], 1.0),
        (ag.log_sigmoid, [-1000.0, -np.log(2.0), 0.0], [1.0, 0.5, 0.0], -1.0),
    ],
)
def test_softplus_and_log_sigmoid_are_finite_with_finite_gradients_at_1000(
    f, expected_value, expected_grad, curvature_sign
):
    # softplus(-1000) = log(1 + e^-1000) underflows to 0; softplus(1000) = 1000 + log(1 + e^-1000) = 1000.
    x = Tensor(np.array([-1000.0, 0.0, 1000.0]), requires_grad=True)
    y = f(x)
    y.sum().backward(create_graph=True)
    second = ag.grad(lambda t: ag.grad(lambda s: f(s).sum(), create_graph=True)(t).sum())(x.data)
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(x.grad.data)) and np.all(np.isfinite(second))
    np.testing.assert_allclose(y.data, expected_value, rtol=1e-15)
    np.testing.assert_allclose(x.grad.data, expected_grad, rtol=1e-15)
    # softplus'' = s (1 - s) and log_sigmoid'' = -s (1 - s), with s = sigmoid(x): 1/4 at 0, ~e^-1000 = 0 at +-1000
    np.testing.assert_allclose(second, curvature_sign * np.array([0.0, 0.25, 0.0]), atol=1e-300)


# -- dtypes and backends -------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(UNARY) + sorted(BINARY))
def test_float32_is_preserved_through_forward_and_backward(name):
    x32 = np.linspace(0.6, 1.9, 6, dtype=np.float32).reshape(2, 3)
    args = [Tensor(x32, requires_grad=True)] + ([Tensor(x32[0], requires_grad=True)] if name in BINARY else [])
    f = BINARY[name][0] if name in BINARY else UNARY[name][0]
    out = f(*args)
    out.sum().backward()
    assert out.dtype == np.float32
    assert all(a.grad.dtype == np.float32 for a in args)


def test_tensor_keeps_the_array_namespace_of_its_data(xp):
    x = Tensor(xp.asarray([1.0, -2.0, 3.0]), requires_grad=True)
    y = (ag.softplus(x) * x).sum()
    y.backward()
    assert type(y.data) is type(xp.asarray(0.0)) and type(x.grad) is type(xp.asarray(0.0))
