"""functional_call: a module evaluated at other parameters, the module left as it was."""

import numpy as np
import pytest

from gantheory.autograd import Tensor, check_grads, functional_call, grad, nn


def _players():
    return {
        "mlp": nn.MLP([2, 5, 3, 1], activation="tanh", rng=0),
        "spectral": nn.spectral_norm(nn.MLP([2, 4, 1], activation="relu", rng=1), rng=0).eval(),
    }


@pytest.mark.parametrize("name", ["mlp", "spectral"])
def test_functional_call_at_the_modules_own_parameters_is_its_forward_bit_for_bit(name):
    module = _players()[name]
    x = np.random.default_rng(0).normal(size=(7, 2))
    own = {n: Tensor(p.data.copy(), requires_grad=True) for n, p in module.named_parameters()}
    assert np.array_equal(np.asarray(functional_call(module, own, x)), np.asarray(module(x)))
    assert np.array_equal(np.asarray(functional_call(module, list(own.values()), x)), np.asarray(module(x)))


def test_functional_call_equals_the_forward_of_a_module_holding_those_values_and_restores_the_module():
    module, other = nn.MLP([2, 5, 1], rng=0), nn.MLP([2, 5, 1], rng=1)
    x = np.random.default_rng(1).normal(size=(4, 2))
    before = [p for p in module.parameters()]
    out = functional_call(module, dict(other.named_parameters()), x)
    assert np.array_equal(np.asarray(out), np.asarray(other(x)))  # another module's values: that module's forward
    assert all(p is q for p, q in zip(module.parameters(), before))  # the module keeps its own parameters


def test_functional_call_gradient_in_the_substituted_parameters_matches_finite_differences():
    module = nn.MLP([1, 3, 1], activation="tanh", rng=0)
    x = np.linspace(-1.0, 1.0, 5).reshape(-1, 1)
    shapes = [p.shape for p in module.parameters()]
    sizes = [int(np.prod(s)) for s in shapes]

    def f(flat):
        pieces = np.cumsum([0, *sizes])
        params = [flat[a:b].reshape(s) for a, b, s in zip(pieces[:-1], pieces[1:], shapes)]
        return (functional_call(module, params, x) ** 2).sum()

    flat = np.concatenate([p.data.ravel() for p in module.parameters()])
    check_grads(f, flat, order=2)
    assert grad(f)(flat).shape == flat.shape


def test_functional_call_refuses_unknown_names_and_wrong_lengths_and_restores_on_error():
    module = nn.Linear(1, 1, rng=0)
    weight = module.weight
    with pytest.raises(ValueError, match="'wieght'.*not parameters"):
        functional_call(module, {"wieght": np.ones((1, 1))}, np.ones((1, 1)))
    with pytest.raises(ValueError, match="one value per parameter"):
        functional_call(module, [np.ones((1, 1))], np.ones((1, 1)))
    with pytest.raises(ValueError):
        functional_call(module, {"weight": np.ones((3, 3))}, np.ones((1, 1)))  # the forward fails
    assert module.weight is weight


def test_functional_call_refuses_parameters_kept_in_a_tuple():
    class Pair(nn.Module):
        def __init__(self):
            self.pair = (Tensor(np.ones(1), requires_grad=True),)

        def forward(self, x):
            return x * self.pair[0]

    with pytest.raises(TypeError, match="tuple"):
        functional_call(Pair(), [np.ones(1)], np.ones(1))
