"""Modules, and the WGAN gradient penalty (a gradient differentiated again)."""

import numpy as np
import pytest

import gantheory.autograd as ag
from gantheory.autograd import Tensor, check_grads, nn


def test_parameters_are_named_by_attribute_path():
    mlp = nn.MLP([2, 4, 4, 1], rng=0)
    names = [name for name, _ in mlp.named_parameters()]
    assert names == [f"layers.{k}.{p}" for k in (0, 2, 4) for p in ("weight", "bias")]
    assert [p.shape for p in mlp.parameters()] == [(2, 4), (4,), (4, 4), (4,), (4, 1), (1,)]


def test_the_same_seed_gives_the_same_network_and_float32_is_kept():
    a, b = nn.MLP([2, 8, 1], rng=7, dtype=np.float32), nn.MLP([2, 8, 1], rng=7, dtype=np.float32)
    assert all(np.array_equal(p.data, q.data) for p, q in zip(a.parameters(), b.parameters()))
    assert all(p.dtype == np.float32 for p in a.parameters())
    out = a(np.ones((3, 2), dtype=np.float32))
    out.sum().backward()
    assert out.dtype == np.float32 and all(p.grad.dtype == np.float32 for p in a.parameters())


@pytest.mark.parametrize("init, bound", [("he", np.sqrt(6 / 400)), ("glorot", np.sqrt(6 / 500))])
def test_linear_initialization_is_uniform_on_the_documented_interval(init, bound):
    w = nn.Linear(400, 100, init=init, rng=0).weight.data
    # U(-a, a): max |w| -> a from below; variance a^2 / 3, estimated from 40,000
    # draws with relative standard error sqrt(2/40000) * ~0.9 ~ 0.0064: allow 4 SE.
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.999 * bound
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.026)


def test_leaky_relu_module_defaults_to_pytorchs_slope():
    # x for x > 0, else 0.01 x (torch.nn.LeakyReLU's default), the same as the op's default, in the MLP too
    x = np.linspace(-3.0, 3.0, 13)
    expected = np.where(x > 0, x, 0.01 * x)
    np.testing.assert_array_equal(nn.LeakyReLU()(x), expected)
    np.testing.assert_array_equal(ag.leaky_relu(x), expected)
    mlp = nn.MLP([1, 3, 1], activation="leaky_relu", rng=0)
    assert [layer.slope for layer in mlp.layers if isinstance(layer, nn.LeakyReLU)] == [0.01]
    np.testing.assert_array_equal(nn.LeakyReLU(0.2)(x), np.where(x > 0, x, 0.2 * x))


def test_modules_reject_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        nn.MLP([2, 3], activation="swish")
    with pytest.raises(ValueError, match="sizes"):
        nn.MLP([2])
    with pytest.raises(ValueError, match="init"):
        nn.Linear(2, 3, init="orthogonal")
    with pytest.raises(TypeError, match="in_features"):
        nn.Linear(2.5, 3)


# -- WGAN gradient penalty -------------------------------------------------------------------
def critic(x, W1, b1, W2, b2):
    return ag.tanh(x @ W1 + b1) @ W2 + b2


def gradient_penalty(x_hat, W1, b1, W2, b2):
    """mean over the batch of (||grad_x D(x_hat)||_2 - 1)^2 (Gulrajani et al. 2017)."""
    grad_x = ag.grad(lambda x: critic(x, W1, b1, W2, b2).sum(), create_graph=True)(x_hat)
    return ((ag.norm(grad_x, axis=1) - 1.0) ** 2).mean()


def penalty_setup():
    rng = np.random.default_rng(0)
    real, fake = rng.standard_normal((6, 2)), rng.standard_normal((6, 2)) + 2.0
    u = rng.uniform(size=(6, 1))
    x_hat = u * real + (1 - u) * fake
    params = [rng.standard_normal((2, 5)), rng.standard_normal(5), rng.standard_normal((5, 1)), rng.standard_normal(1)]
    return x_hat, params


def test_gradient_penalty_value_matches_the_closed_form_and_finite_differences():
    x_hat, (W1, b1, W2, b2) = penalty_setup()
    # Closed form: grad_x D(x_i) = W1 ((1 - tanh(a_i)^2) * W2[:, 0]), a_i = x_i W1 + b1.
    h = np.tanh(x_hat @ W1 + b1)
    grads = ((1 - h**2) * W2[:, 0]) @ W1.T
    expected = np.mean((np.linalg.norm(grads, axis=1) - 1.0) ** 2)
    value = gradient_penalty(x_hat, *[Tensor(p) for p in (W1, b1, W2, b2)]).item()
    assert value == pytest.approx(expected, rel=1e-13)
    # Central differences of D in each input coordinate (error ~ 1e-10 at step 1e-5).
    step = 1e-5
    fd = np.empty_like(x_hat)
    for j in range(2):
        e = np.zeros(2)
        e[j] = step
        up, down = (critic(Tensor(x_hat + s * e), W1, b1, W2, b2).data[:, 0] for s in (1, -1))
        fd[:, j] = (up - down) / (2 * step)
    assert value == pytest.approx(np.mean((np.linalg.norm(fd, axis=1) - 1.0) ** 2), rel=1e-8)


def test_gradient_penalty_gradient_matches_finite_differences():
    x_hat, params = penalty_setup()
    # The parameter gradient differentiates through grad_x D: a second-order derivative.
    check_grads(lambda *ps: gradient_penalty(x_hat, *ps), *params, order=2)


def test_gradient_penalty_backpropagates_to_module_parameters():
    x_hat, (W1, b1, W2, b2) = penalty_setup()
    D = nn.Sequential(nn.Linear(2, 5, rng=0), nn.Tanh(), nn.Linear(5, 1, rng=1))
    for p, value in zip(D.parameters(), (W1, b1, W2, b2)):
        p.data[...] = value
    grad_x = ag.grad(lambda x: D(x).sum(), create_graph=True)(x_hat)
    ((ag.norm(grad_x, axis=1) - 1.0) ** 2).mean().backward()
    expected = ag.grad(lambda *ps: gradient_penalty(x_hat, *ps), argnums=(0, 1, 2, 3))(W1, b1, W2, b2)
    *used, last_bias = D.parameters()
    for p, g in zip(used, expected):
        np.testing.assert_allclose(p.grad, g, rtol=1e-12)
    assert last_bias.grad is None and np.all(expected[3] == 0)  # grad_x D does not depend on b2
