"""gantheory: the theory of GANs, computable, testable and visible.

Three kinds of input, one naming scheme:

* pmfs or histograms on a shared support -> :mod:`gantheory.discrete` (exact sums);
* samples, optionally weighted -> :mod:`gantheory.empirical` (estimators);
* analytic distributions -> exact values at the top level (``gt.kl(P, Q)``).

Examples
--------
>>> import gantheory as gt
>>> round(gt.discrete.js_divergence([1, 0], [0, 1]), 12)   # disjoint supports: log 2
0.693147180559
>>> gt.empirical.w1([0.0, 1.0], [2.0, 3.0])
2.0
"""

import importlib

__version__ = "0.1.0"

# The public names and the module each comes from. They are imported on first use (PEP 562), so that
# `import gantheory` and `gantheory --version` stay fast; `gt.kl` or `from gantheory import Normal` load
# what they need. SymPy (gantheory.symbolic) is the slowest of them.
_SUBMODULES = {
    "backend": "gantheory.backend",
    "discrete": "gantheory.divergences.discrete",
    "empirical": "gantheory.divergences.empirical",
    "exact": "gantheory.divergences.exact",
    "divergences": "gantheory.divergences",
    "distributions": "gantheory.distributions",
    "autograd": "gantheory.autograd",
    "mle": "gantheory.mle",
    "gan": "gantheory.gan",
    "symbolic": "gantheory.symbolic",
    "plotting": "gantheory.plotting",
    "tour": "gantheory.tour",
}
_NAMES = {
    "gantheory.distributions": (
        "Dirac",
        "Distribution",
        "Laplace",
        "Mixture",
        "MultivariateNormal",
        "Normal",
        "ParallelLines",
        "PointMasses",
        "Product",
        "Uniform",
        "grid_of_gaussians",
        "ring_of_gaussians",
    ),
    "gantheory.divergences.exact": (
        "cramer",
        "energy_distance",
        "js_distance",
        "js_divergence",
        "kl",
        "tv",
        "w1",
        "frechet_distance",
        "mmd",
        "w2",
        "wp",
    ),
    "gantheory.divergences.f_divergences": ("f_divergence",),
}
_ORIGIN = {name: module for module, names in _NAMES.items() for name in names}

__all__ = sorted([*_SUBMODULES, *_ORIGIN])


def __getattr__(name):
    """Import a public name's module on first use, and keep the name here."""
    if name in _SUBMODULES:
        value = importlib.import_module(_SUBMODULES[name])
    elif name in _ORIGIN:
        value = getattr(importlib.import_module(_ORIGIN[name]), name)
    else:
        raise AttributeError(f"module 'gantheory' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *__all__])
