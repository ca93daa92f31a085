"""Spectral normalization (Miyato et al. 2018): the power iteration against numpy.linalg.svd,
its gradient against finite differences, and what it exposes as parameters."""

import numpy as np
import pytest

import gantheory.autograd as ag
from gantheory.autograd import check_grads, nn, optim


def top_singular_value(w):
    return np.linalg.svd(w, compute_uv=False)[0]


@pytest.mark.parametrize("shape, seed", [((6, 4), 0), ((3, 9), 1), ((16, 16), 2)])
def test_one_power_iteration_per_call_converges_to_the_largest_singular_value(shape, seed):
    layer = nn.SpectralNorm(nn.Linear(*shape, rng=seed), rng=seed)
    w = layer.layer.weight.data
    s = np.linalg.svd(w, compute_uv=False)
    # The error of the Rayleigh-type estimate shrinks like (s2/s1)^(2k): enough calls for 1e-12.
    calls = int(np.ceil(np.log(1e-13) / (2 * np.log(s[1] / s[0])))) + 5
    estimates = []
    for _ in range(calls):
        layer(np.zeros((1, shape[0])))
        estimates.append(layer.sigma)
    # v^T W u <= s1 for unit vectors: every estimate is a lower bound, and they converge to s1.
    assert max(estimates) <= s[0] * (1 + 1e-12)
    assert estimates[-1] == pytest.approx(s[0], rel=1e-10)
    assert top_singular_value(layer.normalized_weight().data) == pytest.approx(1.0, rel=1e-10)


def test_each_call_in_training_mode_advances_the_iteration_once_and_eval_freezes_it():
    layer = nn.SpectralNorm(nn.Linear(5, 3, rng=0), rng=0)
    w = layer.layer.weight.data
    u = layer.u.copy()
    layer(np.zeros((2, 5)))
    v1 = w @ u / np.linalg.norm(w @ u)
    u1 = w.T @ v1 / np.linalg.norm(w.T @ v1)
    np.testing.assert_allclose(layer.u, u1, rtol=1e-14)
    assert layer.sigma == pytest.approx(v1 @ w @ u1, rel=1e-14)
    layer.eval()
    frozen = layer.u.copy()
    layer(np.zeros((2, 5)))
    np.testing.assert_array_equal(layer.u, frozen)
    layer.train()
    layer(np.zeros((2, 5)))
    assert not np.array_equal(layer.u, frozen)


def test_n_power_iterations_steps_per_call():
    one = nn.SpectralNorm(nn.Linear(4, 4, rng=3), rng=5)
    three = nn.SpectralNorm(nn.Linear(4, 4, rng=3), n_power_iterations=3, rng=5)
    for _ in range(3):
        one(np.zeros((1, 4)))
    three(np.zeros((1, 4)))
    np.testing.assert_allclose(three.u, one.u, rtol=1e-13)


def test_parameters_are_the_weight_and_bias_only_and_training_updates_them():
    linear = nn.Linear(3, 2, rng=0)
    layer = nn.SpectralNorm(linear, rng=0)
    assert [name for name, _ in layer.named_parameters()] == ["layer.weight", "layer.bias"]
    assert layer.parameters()[0] is linear.weight and layer.parameters()[1] is linear.bias
    before = linear.weight.data.copy()
    opt = optim.SGD(layer.parameters(), lr=0.1)
    x = np.random.default_rng(0).standard_normal((8, 3))
    loss = (layer(x) ** 2).mean()
    loss.backward()
    opt.step()
    assert not np.array_equal(linear.weight.data, before)


def test_gradient_matches_finite_differences_with_the_vectors_held_fixed():
    layer = nn.SpectralNorm(nn.Linear(3, 4, rng=1), rng=1)
    for _ in range(5):
        layer(np.zeros((1, 3)))
    layer.eval()  # the power iteration would move u between the finite-difference evaluations
    x = np.random.default_rng(2).standard_normal((5, 3))

    def f(w, b, inputs):
        layer.layer.weight, layer.layer.bias = w, b
        return ag.tanh(layer(inputs))

    check_grads(f, layer.layer.weight.data.copy(), layer.layer.bias.data.copy(), x, order=2)


def test_at_convergence_the_gradient_is_that_of_the_exact_normalization():
    # With u, v at the top singular pair, d(v^T W u)/dW = v u^T = d s1(W)/dW (s1 simple):
    # the gradient of <G, W / sigma_hat> matches central differences of <G, W / s1(W)> by SVD.
    layer = nn.SpectralNorm(nn.Linear(4, 3, rng=4), rng=4)
    layer.power_iteration(500)
    layer.eval()
    g = np.random.default_rng(5).standard_normal((4, 3))
    w0 = layer.layer.weight.data.copy()

    def objective(w):
        layer.layer.weight = w
        return (layer.normalized_weight() * g).sum()

    analytic = ag.grad(objective)(w0)
    h = 1e-6
    numeric = np.zeros_like(w0)
    for idx in np.ndindex(w0.shape):
        e = np.zeros_like(w0)
        e[idx] = h
        numeric[idx] = (
            np.sum((w0 + e) / top_singular_value(w0 + e) * g) - np.sum((w0 - e) / top_singular_value(w0 - e) * g)
        ) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_a_normalized_relu_mlp_is_1_lipschitz():
    critic = nn.spectral_norm(nn.MLP([1, 32, 32, 1], rng=0), rng=0)
    for m in critic.modules():
        if isinstance(m, nn.SpectralNorm):
            m.power_iteration(2000)
    critic.eval()
    x = np.linspace(-5, 5, 2001).reshape(-1, 1)
    slopes = ag.grad(lambda t: critic(t).sum())(x)
    # each layer has spectral norm 1 and ReLU is 1-Lipschitz: |f'| <= 1 (the product bound, not equality)
    assert np.abs(slopes).max() <= 1 + 1e-8


def test_spectral_norm_wraps_every_linear_and_keeps_the_parameters_and_dtype():
    mlp = nn.MLP([2, 8, 8, 1], rng=0, dtype=np.float32)
    params = mlp.parameters()
    out = nn.spectral_norm(mlp, rng=0)
    assert out is mlp
    assert [type(m).__name__ for m in mlp.layers] == ["SpectralNorm", "ReLU", "SpectralNorm", "ReLU", "SpectralNorm"]
    assert all(a is b for a, b in zip(mlp.parameters(), params)) and len(mlp.parameters()) == 6
    y = mlp(np.ones((3, 2), dtype=np.float32))
    assert y.dtype == np.float32 and all(m.u.dtype == np.float32 for m in mlp.layers[::2])
    y.sum().backward()
    assert all(p.grad.dtype == np.float32 for p in mlp.parameters())
    assert isinstance(nn.spectral_norm(nn.Linear(2, 2, rng=0)), nn.SpectralNorm)


def test_modules_without_weights_are_refused_by_name():
    with pytest.raises(TypeError, match="ReLU"):
        nn.SpectralNorm(nn.ReLU())
    with pytest.raises(TypeError, match="Sequential"):
        nn.spectral_norm(nn.Sequential(nn.ReLU(), nn.Tanh()))
    with pytest.raises(TypeError, match="n_power_iterations"):
        nn.SpectralNorm(nn.Linear(2, 2), n_power_iterations=0.5)


def test_the_gradient_penalty_differentiates_through_a_normalized_critic():
    # double backward through W / sigma_hat: second-order check on the input
    critic = nn.spectral_norm(nn.MLP([2, 6, 1], activation="tanh", rng=0), rng=0)
    critic.eval()
    check_grads(lambda x: critic(x), np.random.default_rng(1).standard_normal((4, 2)), order=2)
