"""check_grads itself: it must reject wrong derivatives of each order, and accept right ones."""

import numpy as np
import pytest

import gantheory.autograd as ag
from gantheory.autograd import GradientCheckError, Primitive, check_grads, ops


def test_check_grads_fails_for_a_wrong_first_derivative():
    wrong_sin = Primitive("wrong_sin", np.sin)
    wrong_sin.defvjp(lambda g, ans, x: g * ans)  # should be g * cos(x)
    with pytest.raises(GradientCheckError, match="order 1"):
        check_grads(wrong_sin, np.array([0.3, 1.1, -0.7]), order=1)


def test_check_grads_fails_for_a_wrong_second_derivative():
    # First derivative right (2 x), but written with a constant factor taken
    # from the raw data, so its own derivative is wrong (0 instead of 2).
    square = Primitive("square", lambda x: x * x)
    square.defvjp(lambda g, ans, x: g * 2 * ops.raw_data(x))
    check_grads(square, np.array([0.5, -1.5]), order=1)  # first order passes
    with pytest.raises(GradientCheckError, match="order 2"):
        check_grads(square, np.array([0.5, -1.5]), order=2)


def test_check_grads_accepts_a_function_of_several_arguments_with_unused_ones():
    check_grads(lambda x, y, z: ag.exp(x) * ag.sum(y * y), np.array([0.1, 0.2]), np.ones((2, 2)), np.ones(3), order=3)


def test_check_grads_tolerance_is_relative_to_the_scale_of_f():
    # f = 1e6 * x**2: values ~1e6 and derivatives ~1e6 are checked at the same relative accuracy.
    check_grads(lambda x: 1e6 * x * x, np.array([1.3, -0.4]), order=2)
    wrong = Primitive("off_by_a_millionth", lambda x: x * x)
    wrong.defvjp(lambda g, ans, x: g * 2 * x * (1 + 1e-4))
    with pytest.raises(GradientCheckError):
        check_grads(wrong, np.array([1.3, -0.4]), order=1)


def test_check_grads_fails_for_a_wrong_gradient_of_a_tiny_function():
    # f = 1e-6 x with the gradient 2e-6 (100% wrong): the tolerance follows the gradient's own
    # magnitude, not 1 + |f|, so the error of 1e-6 cannot hide under an absolute floor.
    tiny = Primitive("tiny", lambda x: 1e-6 * x)
    tiny.defvjp(lambda g, ans, x: 2e-6 * g)
    with pytest.raises(GradientCheckError, match="order 1"):
        check_grads(tiny, np.array([0.3, 1.1, -0.7]), order=1)
    check_grads(lambda x: 1e-6 * x, np.array([0.3, 1.1, -0.7]), order=2)  # the right one passes
    check_grads(lambda x: 1e-300 * x * x, np.array([0.3, 1.1, -0.7]), order=2)  # at any scale


def test_check_grads_accepts_right_derivatives_where_the_gradient_vanishes():
    # At x = 0 the gradient of x^3 is 0 but the central difference is eps^2 u^3 != 0: that
    # truncation error is estimated (Richardson) and allowed for; a wrong gradient still fails.
    check_grads(lambda x: (x**3).sum(), np.zeros(3), order=2)
    wrong = Primitive("wrong_cube", lambda x: x**3)
    wrong.defvjp(lambda g, ans, x: g * 3 * x**2 + 1e-3 * g)
    with pytest.raises(GradientCheckError, match="order 1"):
        check_grads(wrong, np.zeros(3), order=1)
