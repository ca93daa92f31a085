"""The engine: accumulation, zero_grad, deep graphs, memory, the functional API, higher order."""

import gc
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings

import gantheory.autograd as ag
from gantheory.autograd import Tensor, nn, optim
from gantheory.strategies import autograd_arrays


# -- graph hygiene --------------------------------------------------------------------------
def test_gradients_accumulate_over_a_reused_node():
    # f = h*h + h with h = exp(x): df/dx = (2h + 1) h, h reached along three paths.
    x = Tensor(np.array([0.3, -1.2]), requires_grad=True)
    h = ag.exp(x)
    (h * h + h).sum().backward()
    h_ = np.exp(x.data)
    np.testing.assert_allclose(x.grad, (2 * h_ + 1) * h_, rtol=1e-15)


def test_backward_twice_adds_and_zero_grad_resets():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, 2 * (2 * x.data))  # accumulated: 2 x twice
    x.zero_grad()
    assert x.grad is None
    (3 * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_module_zero_grad_clears_every_parameter():
    mlp = nn.MLP([2, 3, 1], rng=0)
    mlp(np.ones((4, 2))).sum().backward()
    assert all(p.grad is not None for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad is None for p in mlp.parameters())


def test_leaf_gradients_do_not_alias_each_other():
    # add passes one cotangent array to both inputs; the leaves must get their own copies.
    a, b = Tensor(np.zeros(3), requires_grad=True), Tensor(np.zeros(3), requires_grad=True)
    (a + b).sum().backward()
    a.grad *= 5.0
    np.testing.assert_array_equal(b.grad, np.ones(3))


def test_a_graph_deeper_than_the_recursion_limit_backpropagates():
    # The topological sort is iterative: a chain of 20,000 nodes is fine.
    x = Tensor(np.array(1.0), requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad, 1.0001**20_000, rtol=1e-10)


def test_detach_and_no_grad_cut_the_graph():
    x = Tensor(np.array([2.0]), requires_grad=True)
    assert not (x.detach() * 3).requires_grad
    with ag.no_grad():
        assert not (x * 3).requires_grad
    assert (x * 3).requires_grad


@pytest.mark.slow
def test_ten_thousand_training_steps_do_not_grow_memory():
    # With the cyclic garbage collector off, any reference cycle in the graph
    # would leak one graph per step (~ kilobytes); freed by reference counting
    # alone, the traced peak after warm-up stays at one step's working set.
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    model = nn.MLP([2, 4, 1], rng=0)
    opt = optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()

    gc.collect()
    gc.disable()
    try:
        for _ in range(100):
            step()
        tracemalloc.start()
        for _ in range(1_000):
            step()
        baseline, peak_short = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(9_000):
            step()
        current, peak_long = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        gc.enable()
    assert current - baseline < 10_000  # bytes: nothing accumulates from step to step
    assert peak_long < peak_short + 10_000
    assert gc.collect() == 0  # and there was no cyclic garbage to find


# -- functional interface ------------------------------------------------------------------
def test_value_and_grad_match_closed_forms():
    # f(x, y) = sum(x^2 y): df/dx = 2 x y, df/dy = x^2.
    x, y = np.array([1.0, -2.0]), np.array([3.0, 0.5])
    value, (gx, gy) = ag.value_and_grad(lambda a, b: (a * a * b).sum(), argnums=(0, 1))(x, y)
    assert value == pytest.approx(np.sum(x**2 * y), rel=1e-15)
    np.testing.assert_allclose(gx, 2 * x * y, rtol=1e-15)
    np.testing.assert_allclose(gy, x**2, rtol=1e-15)


def test_grad_of_a_function_that_ignores_its_argument_is_zero():
    g = ag.grad(lambda a, b: (b * b).sum(), argnums=0)(np.ones(3), Tensor(np.ones(2)))
    np.testing.assert_array_equal(g, np.zeros(3))


def test_nested_grad_gives_third_derivatives():
    # d^3/dx^3 of sin-free polynomial x^4 is 24 x.
    f = lambda x: (x**4).sum()  # noqa: E731
    third = ag.grad(lambda x: ag.grad(lambda y: ag.grad(f)(y).sum())(x).sum())
    np.testing.assert_allclose(third(np.array([0.5, -2.0])), 24 * np.array([0.5, -2.0]), rtol=1e-14)


def test_backward_with_create_graph_makes_differentiable_gradients():
    # y = sum(x^3): x.grad = 3 x^2 is a Tensor; d/dx sum(x.grad) = 6 x.
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    assert isinstance(x.grad, Tensor) and x.grad.requires_grad
    gx = x.grad
    x.zero_grad()
    gx.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * x.data, rtol=1e-15)


@settings(max_examples=20)
@given(A=autograd_arrays((3, 3)), x=autograd_arrays((3,)))
def test_jacobian_of_a_linear_map_is_its_matrix(A, x):
    J = ag.jacobian(lambda v: ag.tanh(Tensor(A) @ v))(x)
    expected = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    np.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-15)


def test_jacobian_is_differentiable_when_its_input_is_traced():
    # J(x) of f(x) = x^2 (elementwise) is diag(2x); d/dx sum(J) = 2 per entry.
    g = ag.grad(lambda x: ag.jacobian(lambda v: v * v)(x).sum())(np.array([1.0, 3.0]))
    np.testing.assert_allclose(g, [2.0, 2.0])


@settings(max_examples=20)
@given(A=autograd_arrays((3, 3)), x=autograd_arrays((3,)), v=autograd_arrays((3,)))
def test_hessian_vector_product_matches_the_explicit_hessian(A, x, v):
    # f = 1/2 x^T (A + A^T) x / 2 + sum(x^4)/4: H = (A + A^T)/2 + diag(3 x^2).
    S = (A + A.T) / 2
    f = lambda t: 0.5 * (t * (Tensor(S) @ t)).sum() + 0.25 * (t**4).sum()  # noqa: E731
    H = S + np.diag(3 * x**2)
    np.testing.assert_allclose(ag.hessian_vector_product(f)(x, v), H @ v, rtol=1e-12, atol=1e-12)


# -- bad input -------------------------------------------------------------------------------
def test_bad_input_is_rejected_with_a_message_naming_the_fix():
    with pytest.raises(ValueError, match="one-element"):
        Tensor(np.ones(3), requires_grad=True).backward()
    with pytest.raises(ValueError, match="does not require grad"):
        Tensor(np.ones(1)).backward()
    with pytest.raises(TypeError, match="real numbers"):
        Tensor(np.array(["a"]))
    with pytest.raises(TypeError, match="argnums"):
        ag.grad(lambda x: x.sum(), argnums="0")(np.ones(2))
    with pytest.raises(ValueError, match="one-element output"):
        ag.grad(lambda x: x * 2)(np.ones(2))
    with pytest.raises(ValueError, match="order"):
        ag.check_grads(lambda x: x, np.ones(2), order=0)


# -- integer and boolean data are promoted to float64 ----------------------------------------
INTEGER_AND_BOOLEAN = [
    np.array([1, 2, 3]),
    np.array([1, 2, 3], dtype=np.uint8),
    np.array([True, False, True]),
    [1, 2, 3],
]


@pytest.mark.parametrize("data", INTEGER_AND_BOOLEAN, ids=["int64", "uint8", "bool", "list"])
def test_integer_and_boolean_data_work_at_every_entry_point(data):
    # Truths: f(x) = sum x^3 has gradient 3 x^2 and Hessian diag(6 x), evaluated at float(x).
    x = np.asarray(data, dtype=float)

    def f(t):
        return (t**3).sum()

    t = Tensor(data)
    assert t.dtype == np.float64 and np.array_equal(t.data, x)
    leaf = Tensor(data, requires_grad=True)
    f(leaf).backward()
    np.testing.assert_array_equal(leaf.grad, 3 * x**2)
    np.testing.assert_array_equal(ag.grad(f)(data), 3 * x**2)
    value, g = ag.value_and_grad(f)(data)
    assert float(value) == np.sum(x**3)
    np.testing.assert_array_equal(g, 3 * x**2)
    np.testing.assert_array_equal(ag.jacobian(lambda t: t**3)(data), np.diag(3 * x**2))
    np.testing.assert_array_equal(ag.hessian_vector_product(f)(data, data), 6 * x * x)  # H v with v = x
    ag.check_grads(f, data, order=2)
    # mixed: an integer constant against a float tensor, and an int tensor in an op with a float one
    np.testing.assert_array_equal(ag.grad(lambda t: (t * np.asarray(data)).sum())(x), x)
    assert (Tensor(data) + Tensor(x)).dtype == np.float64


def test_asarray_of_a_tensor_is_its_float_array_not_an_array_of_tensors():
    # issue 26: np.asarray(G(z)) gave an object array of 0-d Tensors
    G = nn.MLP([2, 8, 2], rng=0)
    out = G(np.ones((5, 2)))  # records a graph: requires_grad
    arr = np.asarray(out)
    assert arr.dtype == np.float64 and arr.shape == (5, 2)
    np.testing.assert_array_equal(arr, out.data)
    assert np.asarray(out, dtype=np.float32).dtype == np.float32
    assert np.asarray(out, copy=False) is out.data  # no copy where none is needed
    assert np.array(out, copy=True) is not out.data
    with pytest.raises(ValueError):
        np.asarray(out, dtype=np.float32, copy=False)  # a dtype change needs a copy
    np.testing.assert_array_equal(np.concatenate([out, np.zeros((1, 2))])[:5], out.data)


def test_array_conversion_leaves_the_graph_and_ufunc_deferral_intact():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = np.array([3.0, 4.0]) * x  # the ufunc still defers to Tensor.__rmul__, recording the graph
    assert isinstance(y, Tensor)
    _ = np.asarray(y)  # converting does not cut y from its graph
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    with pytest.raises(TypeError):
        np.exp(x)  # a ufunc is not silently applied to the values


def test_sample_functions_take_tensors():
    import gantheory as gt

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=50), rng.normal(1.0, 1.0, size=60)
    # the sorted-samples W1 by its definition, against the function fed Tensors
    assert gt.empirical.w1(Tensor(x), Tensor(y)) == gt.empirical.w1(x, y)
    ring = gt.ring_of_gaussians(8)
    pts = ring.sample(100, rng=0)
    assert gt.gan.mode_coverage(Tensor(pts), ring) == gt.gan.mode_coverage(pts, ring)
