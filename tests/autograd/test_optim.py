"""Optimizers: least squares, XOR, and step-for-step agreement with a hand-written NumPy MLP."""

import numpy as np
import pytest

import gantheory.autograd as ag
from gantheory.autograd import Tensor, nn, optim


def test_gradient_descent_on_linear_regression_reaches_the_least_squares_solution():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 3))
    y = X @ np.array([[1.5], [-2.0], [0.5]]) + 0.7 + 0.1 * rng.standard_normal((100, 1))
    model = nn.Linear(3, 1, rng=1)
    opt = optim.SGD(model.parameters(), lr=0.2)
    for _ in range(400):
        opt.zero_grad()
        ((model(X) - y) ** 2).mean().backward()
        opt.step()
    # The Hessian 2/n [X 1]^T [X 1] has eigenvalues in ~[1.4, 2.8]: with lr 0.2 the
    # error contracts by <= 0.72 per step, below 1e-50 after 400 steps; round-off remains.
    coef, *_ = np.linalg.lstsq(np.hstack([X, np.ones((100, 1))]), y, rcond=None)
    np.testing.assert_allclose(model.weight.data, coef[:3], rtol=1e-10)
    np.testing.assert_allclose(model.bias.data, coef[3], rtol=1e-10)


def test_an_mlp_learns_xor():
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    sign = np.array([[-1.0], [1.0], [1.0], [-1.0]])  # +1 for class 1
    model = nn.MLP([2, 8, 1], activation="tanh", rng=0)
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(300):
        opt.zero_grad()
        loss = ag.softplus(-sign * model(x)).mean()  # logistic loss: -log sigmoid(sign * logit)
        loss.backward()
        opt.step()
    assert loss.item() < 0.05
    np.testing.assert_array_equal(np.sign(model(x).data), sign)


# -- a reference implemented independently: NumPy forward/backward of a ReLU MLP ------------------
def reference_init(sizes, seed):
    """He-uniform weights U(-sqrt(6/fan_in), +sqrt(6/fan_in)), zero biases, layer by layer."""
    gen = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = np.sqrt(6.0 / n_in)
        params += [gen.uniform(-bound, bound, size=(n_in, n_out)), np.zeros(n_out)]
    return params


def reference_loss_gradients(params, x, y):
    """Mean squared error of a ReLU MLP and its gradients, by the chain rule by hand."""
    weights, biases = params[0::2], params[1::2]
    activations, pre = [x], []
    for k, (W, b) in enumerate(zip(weights, biases)):
        a = activations[-1] @ W + b
        pre.append(a)
        activations.append(a if k == len(weights) - 1 else np.maximum(a, 0.0))
    out = activations[-1]
    delta = 2.0 * (out - y) / out.size  # d mean((out - y)^2) / d out
    grads = [None] * len(params)
    for k in reversed(range(len(weights))):
        grads[2 * k] = activations[k].T @ delta
        grads[2 * k + 1] = delta.sum(axis=0)
        if k > 0:
            delta = (delta @ weights[k].T) * (pre[k - 1] > 0)
    return grads


def reference_adam(lr=1e-2, b1=0.9, b2=0.999, eps=1e-8):
    # PyTorch's torch.optim.Adam pseudocode, written in the textbook bias-corrected form.
    def update(p, g, state, t):
        state.setdefault("m", np.zeros_like(p))
        state.setdefault("v", np.zeros_like(p))
        state["m"] = b1 * state["m"] + (1 - b1) * g
        state["v"] = b2 * state["v"] + (1 - b2) * g**2
        m_hat, v_hat = state["m"] / (1 - b1**t), state["v"] / (1 - b2**t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)

    return update


def reference_sgd(lr=1e-2, mu=0.9):
    def update(p, g, state, t):
        state["b"] = g if t == 1 else mu * state["b"] + g
        return p - lr * state["b"]

    return update


def reference_rmsprop(lr=1e-3, alpha=0.99, eps=1e-8):
    def update(p, g, state, t):
        state["s"] = alpha * state.get("s", np.zeros_like(p)) + (1 - alpha) * g**2
        return p - lr * g / (np.sqrt(state["s"]) + eps)

    return update


@pytest.mark.parametrize(
    "make_ours, reference",
    [
        (lambda ps: optim.Adam(ps, lr=1e-2), reference_adam()),
        (lambda ps: optim.SGD(ps, lr=1e-2, momentum=0.9), reference_sgd()),
        (lambda ps: optim.RMSProp(ps, lr=1e-3), reference_rmsprop()),
    ],
)
def test_the_same_seed_gives_the_same_parameters_as_a_handwritten_mlp_after_100_steps(make_ours, reference):
    sizes, seed = [2, 16, 16, 1], 3
    rng = np.random.default_rng(42)
    x, y = rng.standard_normal((64, 2)), np.sin(rng.standard_normal((64, 1)))
    model = nn.MLP(sizes, activation="relu", rng=seed)
    opt = make_ours(model.parameters())
    params = reference_init(sizes, seed)
    for ours, ref in zip(model.parameters(), params):
        np.testing.assert_array_equal(ours.data, ref)  # the documented initialization
    states = [{} for _ in params]
    for t in range(1, 101):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
        grads = reference_loss_gradients(params, x, y)
        params = [reference(p, g, s, t) for p, g, s in zip(params, grads, states)]
    # Same arithmetic up to summation order and algebraically equal rearrangements:
    # differences of a few ulps per step, amplified at most mildly over 100 steps.
    for ours, ref in zip(model.parameters(), params):
        np.testing.assert_allclose(ours.data, ref, rtol=1e-9, atol=1e-12)


def test_optimizers_reject_bad_settings():
    w = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="lr"):
        optim.SGD([w], lr=0.0)
    with pytest.raises(ValueError, match="betas"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(TypeError, match="requires_grad"):
        optim.SGD([Tensor(np.ones(2))])
    with pytest.raises(ValueError, match="empty"):
        optim.RMSProp([])
