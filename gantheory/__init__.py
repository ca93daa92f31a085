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

from gantheory import backend
from gantheory.divergences import discrete, empirical

# -- analytic distributions and exact divergences (distributions.py, divergences/exact.py) --
from gantheory.distributions import (
    Dirac,
    Distribution,
    Laplace,
    Mixture,
    MultivariateNormal,
    Normal,
    ParallelLines,
    PointMasses,
    Product,
    Uniform,
    grid_of_gaussians,
    ring_of_gaussians,
)
from gantheory.divergences import exact
from gantheory.divergences.exact import cramer, energy_distance, js_distance, js_divergence, kl, tv, w1
from gantheory.divergences.exact import frechet_distance, mmd, w2, wp

# -- autograd (autograd/) --
from gantheory import autograd

# -- maximum likelihood (mle.py); symbolic derivations (symbolic.py) are imported on first use: SymPy is slow to import --
from gantheory import mle

# -- the GAN and its theory (gan/) --
from gantheory import gan

__version__ = "0.1.0"


def __getattr__(name):
    """Import :mod:`gantheory.symbolic` (and with it SymPy) only when ``gt.symbolic`` is first used."""
    if name == "symbolic":
        import importlib

        return importlib.import_module("gantheory.symbolic")
    raise AttributeError(f"module 'gantheory' has no attribute {name!r}")
