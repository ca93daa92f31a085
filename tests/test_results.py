"""Results are frozen dataclasses throughout (issue 25): no NamedTuple, no mutable dataclass, no dict of fields.

Every public class of the package's public modules (found as ``tests/test_rng_contract.py`` finds the callables)
that is a dataclass must be frozen, and none may be a NamedTuple; the classes the issue converted are named
explicitly, so that the walk cannot pass by missing them, and the experiments that returned dicts of fields are
called to check what they return now.
"""

import dataclasses
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import gantheory as gt
from gantheory import symbolic
from gantheory.divergences import evaluation, rates
from gantheory.gan import dynamics


def _public_classes():
    found = {}
    for info in pkgutil.walk_packages(gt.__path__, "gantheory."):
        parts = info.name.split(".")
        if parts[-1] == "__main__" or any(part.startswith("_") for part in parts):
            continue
        module = importlib.import_module(info.name)
        listed = hasattr(module, "__all__")
        for name in module.__all__ if listed else [n for n in vars(module) if not n.startswith("_")]:
            obj = getattr(module, name, None)
            home = getattr(obj, "__module__", "").split(".")
            if inspect.isclass(obj) and home[0] == "gantheory":
                if listed or not any(part.startswith("_") for part in home):
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


CLASSES = _public_classes()
DATACLASSES = {name: cls for name, cls in CLASSES.items() if dataclasses.is_dataclass(cls)}
CONVERTED = [  # the issue's list: mutable, NamedTuples, and the experiments' dicts of fields
    "gantheory.divergences.evaluation.DroppedModesTable",
    "gantheory.gan.fgan.VariationalBound",
    "gantheory.divergences.empirical.KID",
    "gantheory.divergences.empirical.MMDTest",
    "gantheory.mle.NLLDecomposition",
    "gantheory.divergences.evaluation.FIDBias",
    "gantheory.divergences.evaluation.WitnessCurves",
    "gantheory.divergences.rates.EstimatorErrors",
    "gantheory.symbolic.GaussianMLE",
    "gantheory.gan.dynamics.DiracRun",
]


def test_the_walk_finds_the_result_classes():
    assert set(CONVERTED) <= set(DATACLASSES), sorted(set(CONVERTED) - set(DATACLASSES))
    assert len(DATACLASSES) > 30


@pytest.mark.parametrize("name", sorted(DATACLASSES))
def test_every_public_dataclass_is_frozen(name):
    cls = DATACLASSES[name]
    assert cls.__dataclass_params__.frozen, name
    fields = dataclasses.fields(cls)
    if fields:  # assigning a field of an instance raises, whatever the instance holds
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(object.__new__(cls), fields[0].name, None)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_no_public_class_is_a_named_tuple(name):
    cls = CLASSES[name]
    assert not (issubclass(cls, tuple) and hasattr(cls, "_fields")), name


def test_the_experiments_that_returned_dicts_return_frozen_results():
    # each result, made by a small call, refuses an assignment and has its fields as attributes
    bias = evaluation.fid_bias(np.zeros(1), np.eye(1), np.ones(1), np.eye(1), sizes=(10, 20), repeats=2)
    curves = evaluation.witness_curves(gt.Normal(-1, 1), gt.Normal(1, 1), [0.0], bandwidth=1.0)
    errors = rates.estimator_errors(sizes=[10, 20], repeats=1)
    runs = dynamics.dirac_gan_runs(dynamics.DIRAC_CONFIGS[:1], steps=5)
    table = evaluation.dropped_modes_table(n=20, dropped=(2,), repeats=2)
    x = np.random.default_rng(0).normal(size=(20, 2))
    results = [
        (bias, evaluation.FIDBias, "fid_exact"),
        (curves, evaluation.WitnessCurves, "mmd"),
        *((row, rates.EstimatorErrors, "rate") for row in errors.values()),
        (runs["GAN"], dynamics.DiracRun, "radius"),
        (symbolic.gaussian_mle(), symbolic.GaussianMLE, "fit"),
        (table, evaluation.DroppedModesTable, "n"),
        (gt.empirical.kid(x, x + 1, n_subsets=2, subset_size=10), gt.empirical.KID, "value"),
        (gt.empirical.mmd_test(x, x + 1, n_permutations=9), gt.empirical.MMDTest, "p_value"),
        (gt.mle.likelihood_decomposition(gt.PointMasses([0, 1], [0.5, 0.5]), [0, 1, 1]), gt.mle.NLLDecomposition, "kl"),
    ]
    for result, cls, field in results:
        assert type(result) is cls
        getattr(result, field)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, field, 0)
    assert list(errors) == list(rates.ESTIMATOR_LABELS)  # a dict keyed by label holds the rows
    assert bias.fid_exact == 1.0 and curves.witness[0] == 0.0 and runs["GAN"].alternating.shape == (6, 2)
