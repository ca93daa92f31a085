"""One ``rng`` contract everywhere (issue 25): every public ``rng`` is an int seed >= 0, default 0 (or required).

The public callables are found by introspection: every public module of the package (no ``_`` in its dotted
name, ``__main__`` left out), every public name it holds that the package defined, and for a class its
constructor and its public methods (those it inherits from a class of the package included). Each one with an
``rng`` parameter must default to 0 or require it, and its docstring must say ``rng : int``. Representative
functions are then called with what the contract refuses: ``None``, a ``numpy.random.Generator``, a
``RandomState``, a bool and a float raise ``TypeError`` naming ``rng`` and the fix; a negative seed ``ValueError``.
"""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import gantheory as gt
from gantheory import mle
from gantheory._rng import Stream, as_generator, as_seed
from gantheory.autograd import check_grads, nn
from gantheory.divergences import evaluation, rates
from gantheory.gan import critics, losses, optimal, players


def _public_modules():
    for info in pkgutil.walk_packages(gt.__path__, "gantheory."):
        parts = info.name.split(".")
        if parts[-1] == "__main__" or any(part.startswith("_") for part in parts):
            continue
        yield importlib.import_module(info.name)


def _members(cls):
    """The public methods of ``cls`` and of its bases from the package, with their qualified names."""
    for base in cls.__mro__:
        if not base.__module__.startswith("gantheory"):
            continue
        for name, value in vars(base).items():
            if name.startswith("_"):
                continue
            function = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
            if inspect.isfunction(function):
                yield f"{cls.__module__}.{cls.__qualname__}.{name}", function


def _callables_with_rng():
    found = {}
    for module in [gt, *_public_modules()]:
        listed = hasattr(module, "__all__")  # its __all__ makes a name public even if a private module defines it
        names = module.__all__ if listed else [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            home = getattr(obj, "__module__", "").split(".")
            if home[0] != "gantheory" or (not listed and any(part.startswith("_") for part in home)):
                continue
            candidates = [(f"{obj.__module__}.{obj.__qualname__}", obj)]
            if inspect.isclass(obj):
                candidates += list(_members(obj))
            for qualname, f in candidates:
                try:
                    parameters = inspect.signature(f).parameters
                except (TypeError, ValueError):
                    continue
                if "rng" in parameters:
                    found[qualname] = (f, parameters["rng"])
    return found


CALLABLES = _callables_with_rng()


def test_the_walk_finds_the_public_callables_with_an_rng():
    # the checker itself: it must see the functions the issue names, or it would pass vacuously
    expected = {
        "gantheory.distributions.Distribution.sample",
        "gantheory.autograd.nn.Linear",
        "gantheory.autograd.nn.MLP",
        "gantheory.autograd.nn.SpectralNorm",
        "gantheory.autograd.nn.spectral_norm",
        "gantheory.autograd.gradcheck.check_grads",
        "gantheory.gan.players.default_generator",
        "gantheory.gan.players.default_discriminator",
        "gantheory.gan.losses.gradient_penalty",
        "gantheory.gan.optimal.value_estimate",
        "gantheory.gan.critics.bernoulli_sample_losses",
        "gantheory.gan.history.History.sample",
        "gantheory.divergences.empirical.sliced_w1",
        "gantheory.divergences.empirical.kid",
        "gantheory.divergences.evaluation.fid_bias",
        "gantheory.divergences.rates.estimator_errors",
        "gantheory.mle.mle_convergence",
        "gantheory.gan.config.TrainConfig",
    }
    assert expected <= set(CALLABLES), sorted(expected - set(CALLABLES))
    assert len(CALLABLES) > 30


@pytest.mark.parametrize("qualname", sorted(CALLABLES))
def test_every_public_rng_defaults_to_seed_0_or_is_required(qualname):
    _, parameter = CALLABLES[qualname]
    default = parameter.default
    assert default is inspect.Parameter.empty or (type(default) is int and default == 0), (qualname, default)


@pytest.mark.parametrize("qualname", sorted(CALLABLES))
def test_every_public_rng_is_documented_as_an_int(qualname):
    f, _ = CALLABLES[qualname]
    doc = inspect.getdoc(f) or ""
    documented = [line.strip() for line in doc.splitlines() if line.strip().startswith("rng :")]
    assert all(line.startswith("rng : int") for line in documented), (qualname, documented)


# -- the contract, called: a representative of each module ----------------------------------

X = np.random.default_rng(1).normal(size=(20, 2))
Y = np.random.default_rng(2).normal(size=(20, 2))
CALLS = {
    "Distribution.sample": lambda rng: gt.Normal(0, 1).sample(3, rng=rng),
    "nn.Linear": lambda rng: nn.Linear(2, 1, rng=rng),
    "nn.MLP": lambda rng: nn.MLP([1, 4, 1], rng=rng),
    "nn.spectral_norm": lambda rng: nn.spectral_norm(nn.Linear(2, 1), rng=rng),
    "check_grads": lambda rng: check_grads(lambda x: x * x, np.ones(2), order=1, rng=rng),
    "default_generator": lambda rng: players.default_generator(1, 1, rng=rng),
    "gradient_penalty": lambda rng: losses.gradient_penalty(nn.Linear(2, 1), X, Y, rng=rng),
    "value_estimate": lambda rng: optimal.value_estimate(
        lambda x: np.zeros(len(x)), gt.Normal(), gt.Normal(), n=10, rng=rng
    ),
    "bernoulli_sample_losses": lambda rng: critics.bernoulli_sample_losses(0.3, [1], [0.5], rng=rng),
    "sliced_w1": lambda rng: gt.empirical.sliced_w1(X, Y, n_projections=4, rng=rng),
    "kid": lambda rng: gt.empirical.kid(X, Y, n_subsets=2, subset_size=10, rng=rng),
    "mmd_test": lambda rng: gt.empirical.mmd_test(X, Y, n_permutations=9, rng=rng),
    "fid_bias": lambda rng: evaluation.fid_bias(np.zeros(1), np.eye(1), np.ones(1), np.eye(1), (10, 20), 2, rng=rng),
    "estimator_errors": lambda rng: rates.estimator_errors(sizes=[10, 20], repeats=1, rng=rng),
    "mle_convergence": lambda rng: mle.mle_convergence(gt.Normal(), sizes=[10, 20], rng=rng),
    "discriminator_convergence": lambda rng: gt.gan.discriminator_convergence(
        gt.Normal(), gt.Normal(1), steps=1, rng=rng
    ),
    "TrainConfig": lambda rng: gt.gan.TrainConfig(rng=rng),
}
REFUSED = {
    "None": None,
    "Generator": np.random.default_rng(0),
    "RandomState": np.random.RandomState(0),
    "bool": True,
    "float": 1.0,
}


@pytest.mark.parametrize("bad", list(REFUSED), ids=str)
@pytest.mark.parametrize("name", list(CALLS))
def test_anything_but_an_int_seed_is_a_type_error_that_says_the_fix(name, bad):
    with pytest.raises(TypeError, match=r"rng must be an int seed >= 0 \(e\.g\. rng=0\).*pass different seeds"):
        CALLS[name](REFUSED[bad])


@pytest.mark.parametrize("name", list(CALLS))
def test_a_negative_seed_is_a_value_error_and_an_int_seed_runs(name):
    with pytest.raises(ValueError, match="rng must be an int seed >= 0"):
        CALLS[name](-1)
    CALLS[name](np.int64(3))  # a NumPy integer is an int seed


def test_the_default_seed_is_0():
    # the same numbers with the default as with rng=0
    np.testing.assert_array_equal(gt.Normal().sample(5), gt.Normal().sample(5, rng=0))
    np.testing.assert_array_equal(
        nn.MLP([1, 3, 1]).layers[0].weight.data, nn.MLP([1, 3, 1], rng=0).layers[0].weight.data
    )
    assert gt.empirical.sliced_w1(X, Y) == gt.empirical.sliced_w1(X, Y, rng=0)


def test_one_check_and_a_stream_for_the_library():
    assert as_seed(np.uint8(7)) == 7 and type(as_seed(np.uint8(7))) is int
    with pytest.raises(TypeError, match="rng must be an int seed"):
        as_seed(Stream(np.random.default_rng(0)))  # a recorded run takes a seed, never a stream
    g = np.random.default_rng(4)
    assert as_generator(Stream(g)) is g  # handed on, not copied: one stream
    with pytest.raises(TypeError, match="Generator"):
        Stream(4)
    # an MLP built from a stream draws from it: the same weights as one built from the seed of a fresh stream
    stream = Stream(np.random.default_rng(9))
    first, second = nn.MLP([1, 3, 1], rng=stream), nn.MLP([1, 3, 1], rng=stream)
    np.testing.assert_array_equal(first.layers[0].weight.data, nn.MLP([1, 3, 1], rng=9).layers[0].weight.data)
    assert not np.array_equal(first.layers[0].weight.data, second.layers[0].weight.data)


def _callable_with_rng_only(qualname):
    f, _ = CALLABLES[qualname]
    parameters = list(inspect.signature(f).parameters.values())
    if qualname.rsplit(".", 1)[-1][:1].islower() and "." in f.__qualname__:
        return False  # a method: it needs an instance
    return all(
        p.name == "rng" or p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in parameters
    )


@pytest.mark.parametrize("qualname", sorted(q for q in CALLABLES if _callable_with_rng_only(q)))
def test_every_callable_that_needs_only_rng_refuses_none(qualname):
    # the generic check, on every callable whose other parameters all have defaults: None is a TypeError at once
    f, parameter = CALLABLES[qualname]
    if parameter.default is inspect.Parameter.empty and parameter.kind is parameter.POSITIONAL_ONLY:
        pytest.skip("rng is positional-only")
    with pytest.raises(TypeError, match="rng"):
        f(rng=None)
