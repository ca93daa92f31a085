r"""Hypothesis strategies for property-based tests of divergence identities.

Our own tests use these, and so can yours: pmfs (with zeros and ties), samples
(1-D and 2-D, weighted or not, with ties) and analytic distributions of every
family (:class:`~gantheory.Normal`, :class:`~gantheory.Uniform`,
:class:`~gantheory.Laplace`, :class:`~gantheory.MultivariateNormal`,
:class:`~gantheory.Product` and :class:`~gantheory.Mixture` of those).

Parameters stay in ranges where the exact divergences are exact to ~1e-8 or
better: sample values in [-1000, 1000]; distribution locations in [-5, 5],
scales in [0.2, 5] (ratios up to 25), correlations in [-0.9, 0.9]; pmf entries
in [0, 10] before normalization.

========================  ==================================================
pmfs                      :func:`pmfs`, :func:`pmf_tuples` (normalized);
                          :func:`probability_vectors`, :func:`pmf_pairs`
                          (unnormalized weights, as the API accepts them)
samples                   :func:`samples_1d`, :func:`samples_2d`,
                          :func:`weighted_samples_1d`, :func:`weighted_samples_2d`,
                          :func:`weights_for`
1-D distributions         :func:`normal_dists`, :func:`laplace_dists`,
                          :func:`uniform_dists`, :func:`mixture_dists`,
                          :func:`continuous_1d_dists`
2-D distributions         :func:`mvn_dists`, :func:`product_dists`,
                          :func:`mixture_2d_dists`, :func:`continuous_2d_dists`
========================  ==================================================

``hypothesis`` is an optional dependency (``pip install "gantheory[test]"``):
``import gantheory`` never imports this module, and importing it without
hypothesis raises an ``ImportError`` that says what to install.

Examples
--------
A student's property test, Pinsker's inequality :math:`TV \le \sqrt{KL/2}`:

>>> import math
>>> from hypothesis import given, settings
>>> import gantheory as gt
>>> from gantheory.strategies import pmf_tuples
>>> @settings(max_examples=25, database=None, derandomize=True)
... @given(pmf_tuples(2, zeros=False))
... def test_pinsker(pq):
...     p, q = pq
...     assert gt.discrete.tv(p, q) <= math.sqrt(gt.discrete.kl(p, q) / 2) + 1e-12
>>> test_pinsker()        # runs 25 examples; raises if one fails
"""

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as exc:  # pragma: no cover - exercised by a subprocess test
    raise ImportError('gantheory.strategies needs hypothesis; install it with: pip install "gantheory[test]"') from exc

from gantheory.distributions import Laplace, Mixture, MultivariateNormal, Normal, Product, Uniform

__all__ = [
    "finite_floats",
    "positive_floats",
    "probability_vectors",
    "pmf_pairs",
    "pmfs",
    "pmf_tuples",
    "samples_1d",
    "samples_2d",
    "weights_for",
    "weighted_samples_1d",
    "weighted_samples_2d",
    "gaussian_params",
    "autograd_arrays",
    "normal_dists",
    "laplace_dists",
    "uniform_dists",
    "mixture_dists",
    "continuous_1d_dists",
    "mvn_dists",
    "product_dists",
    "mixture_2d_dists",
    "continuous_2d_dists",
    "distributions",
]

# -- numbers, pmfs and samples ------------------------------------------------
# Moderate magnitudes: wide enough to exercise scaling, small enough that
# float64 round-off stays far below the tolerances the tests assert.
#: Floats in [-1000, 1000], never NaN or infinite.
finite_floats = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
#: Floats in [0.001, 1000].
positive_floats = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)


@st.composite
def probability_vectors(draw, n=None, min_size=1, max_size=30, allow_zeros=True):
    """Non-negative vectors with a positive sum (not normalized: the API normalizes)."""
    size = draw(st.integers(min_size, max_size)) if n is None else n
    elements = st.floats(0.0, 10.0) if allow_zeros else st.floats(1e-3, 10.0)
    return _with_positive_sum(draw, size, elements)


def _with_positive_sum(draw, n, elements):
    """An array of ``n`` draws from ``elements``; one entry is set to 1 if they are all 0."""
    w = draw(hnp.arrays(np.float64, n, elements=elements))
    if w.sum() <= 0:
        w[draw(st.integers(0, n - 1))] = 1.0
    return w


@st.composite
def pmf_pairs(draw, min_size=1, max_size=30, allow_zeros=True):
    """Two pmfs on the same support."""
    n = draw(st.integers(min_size, max_size))
    return draw(probability_vectors(n, allow_zeros=allow_zeros)), draw(probability_vectors(n, allow_zeros=allow_zeros))


@st.composite
def samples_1d(draw, min_size=1, max_size=40, ties=True):
    """A 1-D sample; with ``ties`` values are drawn from a small grid so that ties occur often."""
    n = draw(st.integers(min_size, max_size))
    if ties and draw(st.booleans()):
        return draw(hnp.arrays(np.float64, n, elements=st.integers(-5, 5).map(float)))
    return draw(hnp.arrays(np.float64, n, elements=finite_floats))


@st.composite
def weights_for(draw, n):
    """Non-negative weights with a positive sum for a sample of size ``n``."""
    return draw(probability_vectors(n))


@st.composite
def samples_2d(draw, min_size=1, max_size=30, d=2):
    """A sample of shape (n, d)."""
    n = draw(st.integers(min_size, max_size))
    return draw(hnp.arrays(np.float64, (n, d), elements=finite_floats))


@st.composite
def _masses(draw, n, zeros, ties):
    """``n`` masses in {0} U [1e-3, 10] with a positive sum; ``ties`` repeats a few values often."""
    spread = st.floats(1e-3, 10.0, allow_nan=False)
    if ties:
        elements = st.one_of(st.sampled_from([0.0, 1.0, 2.0] if zeros else [1.0, 2.0]), spread)
    else:
        elements = st.one_of(st.just(0.0), spread) if zeros else spread
    return _with_positive_sum(draw, n, elements)


@st.composite
def pmfs(draw, n=None, min_size=1, max_size=30, zeros=True, ties=True):
    """A pmf: non-negative float64 entries summing to 1 (to round-off).

    Parameters
    ----------
    n : int, optional
        Support size; drawn from ``[min_size, max_size]`` when ``None``.
    zeros : bool
        Let entries be exactly 0 (KL may then be infinite).
    ties : bool
        Draw entries often from a few repeated values, so equal masses occur.

    Examples
    --------
    >>> from hypothesis import find, settings
    >>> p = find(pmfs(min_size=3), lambda p: (p == 0).any(), settings=settings(database=None))
    >>> bool(abs(p.sum() - 1) < 1e-12), bool((p == 0).any())
    (True, True)
    """
    size = draw(st.integers(min_size, max_size)) if n is None else n
    p = draw(_masses(size, zeros, ties))
    return p / p.sum()


@st.composite
def pmf_tuples(draw, k=2, min_size=1, max_size=30, zeros=True, ties=True):
    """A tuple of ``k`` pmfs on one shared support (see :func:`pmfs`), e.g. ``k=3`` for triangle inequalities."""
    n = draw(st.integers(min_size, max_size))
    return tuple(draw(pmfs(n, zeros=zeros, ties=ties)) for _ in range(k))


@st.composite
def weighted_samples_1d(draw, min_size=1, max_size=40, ties=True, zero_weights=False):
    """A 1-D sample and its weights, ``(x, x_weights)`` of shapes ``(n,)`` and ``(n,)``.

    Weights are positive (in [1e-3, 10], often tied); with ``zero_weights``
    some may be 0, at least one stays positive. They are not normalized: the
    estimators normalize them.

    Examples
    --------
    >>> import gantheory as gt
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(weighted_samples_1d())
    ... def test_w1_to_itself_is_zero(xw):
    ...     x, w = xw
    ...     assert gt.empirical.w1(x, x, x_weights=w, y_weights=w) <= 1e-12 * (1 + abs(x).max())
    >>> test_w1_to_itself_is_zero()
    """
    x = draw(samples_1d(min_size, max_size, ties=ties))
    return x, draw(_masses(x.shape[0], zero_weights, True))


@st.composite
def weighted_samples_2d(draw, min_size=1, max_size=30, ties=True, zero_weights=False):
    """A 2-D sample and its weights, ``(x, x_weights)`` of shapes ``(n, 2)`` and ``(n,)``.

    With ``ties``, points are often drawn from a small integer grid, so that
    repeated points occur; weights as in :func:`weighted_samples_1d`.
    """
    n = draw(st.integers(min_size, max_size))
    if ties and draw(st.booleans()):
        x = draw(hnp.arrays(np.float64, (n, 2), elements=st.integers(-3, 3).map(float)))
    else:
        x = draw(hnp.arrays(np.float64, (n, 2), elements=finite_floats))
    return x, draw(_masses(n, zero_weights, True))


@st.composite
def gaussian_params(draw):
    """(loc, scale) of a 1-D normal."""
    return draw(st.floats(-10, 10)), draw(st.floats(0.1, 10))


@st.composite
def autograd_arrays(draw, shape, low=-2.0, high=2.0, min_abs=0.0):
    """A float64 array of ``shape`` with entries in [low, high] and ``|entry| >= min_abs``.

    ``min_abs`` keeps points away from kinks (relu, abs at 0), where central
    differences straddle the kink and disagree with any one-sided derivative.
    """
    x = draw(hnp.arrays(np.float64, shape, elements=st.floats(low, high)))
    if min_abs > 0:
        x = np.where(x >= 0, np.maximum(x, min_abs), np.minimum(x, -min_abs))
    return x


# -- analytic distributions (gantheory.distributions) --------------------------
# Parameters stay in ranges where the exact divergences are well conditioned:
# locations in [-5, 5], scales in [0.2, 5] (ratios up to 25).

dist_locs = st.floats(-5, 5, allow_nan=False)
dist_scales = st.floats(0.2, 5, allow_nan=False)


@st.composite
def normal_dists(draw):
    """A 1-D :class:`~gantheory.Normal` with loc in [-5, 5] and scale in [0.2, 5]."""
    return Normal(draw(dist_locs), draw(dist_scales))


@st.composite
def laplace_dists(draw):
    """A 1-D :class:`~gantheory.Laplace` with loc in [-5, 5] and scale in [0.2, 5]."""
    return Laplace(draw(dist_locs), draw(dist_scales))


@st.composite
def uniform_dists(draw):
    """A 1-D :class:`~gantheory.Uniform` starting in [-5, 5], of width in [0.2, 5]."""
    low = draw(dist_locs)
    return Uniform(low, low + draw(dist_scales))


def _mixture_weights(draw, k):
    w = draw(probability_vectors(k, allow_zeros=False))
    w = w / w.sum()
    w[-1] = 1.0 - w[:-1].sum()  # exactly 1 in floating point, as Mixture checks to 1e-12
    return w


@st.composite
def mixture_dists(draw, max_components=3):
    """A 1-D :class:`~gantheory.Mixture` of 1 to ``max_components`` normals, Laplaces and uniforms."""
    k = draw(st.integers(1, max_components))
    comps = [draw(st.one_of(normal_dists(), laplace_dists(), uniform_dists())) for _ in range(k)]
    return Mixture(comps, _mixture_weights(draw, k))


def continuous_1d_dists():
    """Any 1-D law with a density: Normal, Laplace, Uniform or a small mixture of them.

    Examples
    --------
    >>> from hypothesis import find, settings
    >>> P = find(continuous_1d_dists(), lambda P: P.var > 1, settings=settings(database=None))
    >>> P.dim, P.var > 1
    (1, True)
    """
    return st.one_of(normal_dists(), laplace_dists(), uniform_dists(), mixture_dists())


@st.composite
def mvn_dists(draw):
    """A :class:`~gantheory.MultivariateNormal` with scales in [0.2, 5] and correlation in [-0.9, 0.9]."""
    sx, sy = draw(dist_scales), draw(dist_scales)
    rho = draw(st.floats(-0.9, 0.9))
    cov = [[sx * sx, rho * sx * sy], [rho * sx * sy, sy * sy]]
    return MultivariateNormal([draw(dist_locs), draw(dist_locs)], cov)


@st.composite
def product_dists(draw):
    """A 2-D :class:`~gantheory.Product` of two independent 1-D Normal, Laplace or Uniform coordinates."""
    marginal = st.one_of(normal_dists(), laplace_dists(), uniform_dists())
    return Product(draw(marginal), draw(marginal))


@st.composite
def mixture_2d_dists(draw, max_components=3):
    """A 2-D :class:`~gantheory.Mixture` of 1 to ``max_components`` bivariate normals and products."""
    k = draw(st.integers(1, max_components))
    comps = [draw(st.one_of(mvn_dists(), product_dists())) for _ in range(k)]
    return Mixture(comps, _mixture_weights(draw, k))


def continuous_2d_dists():
    """Any 2-D law with a density on the plane: MultivariateNormal, Product or a small mixture of them."""
    return st.one_of(mvn_dists(), product_dists(), mixture_2d_dists())


def distributions(dim=1):
    """Analytic laws with a density of dimension ``dim`` (1 or 2), every family and their mixtures.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(distributions(dim=2))
    ... def test_dim(P):
    ...     assert P.dim == 2 and P.sample(3, rng=0).shape == (3, 2)
    >>> test_dim()
    """
    if dim not in (1, 2):
        raise ValueError(f"dim must be 1 or 2, got {dim!r}")
    return continuous_1d_dists() if dim == 1 else continuous_2d_dists()
