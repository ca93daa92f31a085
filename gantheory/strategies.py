"""Hypothesis strategies for property-based tests of divergence identities (public).

Needs the optional dependency ``hypothesis`` (``pip install "gantheory[test]"``);
``import gantheory`` does not import this module.
"""

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as exc:  # pragma: no cover - exercised by a subprocess test
    raise ImportError(
        'gantheory.strategies needs hypothesis; install it with: pip install "gantheory[test]"'
    ) from exc

# Moderate magnitudes: wide enough to exercise scaling, small enough that
# float64 round-off stays far below the tolerances the tests assert.
finite_floats = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
positive_floats = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)


@st.composite
def probability_vectors(draw, n=None, min_size=1, max_size=30, allow_zeros=True):
    """Non-negative vectors with a positive sum (not normalized: the API normalizes)."""
    size = draw(st.integers(min_size, max_size)) if n is None else n
    elements = st.floats(0.0, 10.0) if allow_zeros else st.floats(1e-3, 10.0)
    p = draw(hnp.arrays(np.float64, size, elements=elements))
    if p.sum() <= 0:
        p[draw(st.integers(0, size - 1))] = 1.0
    return p


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
def gaussian_params(draw):
    """(loc, scale) of a 1-D normal."""
    return draw(st.floats(-10, 10)), draw(st.floats(0.1, 10))


@st.composite
def autograd_arrays(draw, shape, low=-2.0, high=2.0, min_abs=0.0):
    """A float64 array of ``shape`` with entries in [low, high] and |entry| >= ``min_abs``.

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
    """A 1-D ``gt.Normal``."""
    import gantheory as gt

    return gt.Normal(draw(dist_locs), draw(dist_scales))


@st.composite
def laplace_dists(draw):
    """A 1-D ``gt.Laplace``."""
    import gantheory as gt

    return gt.Laplace(draw(dist_locs), draw(dist_scales))


@st.composite
def uniform_dists(draw):
    """A 1-D ``gt.Uniform`` of width in [0.2, 5]."""
    import gantheory as gt

    low = draw(dist_locs)
    return gt.Uniform(low, low + draw(dist_scales))


@st.composite
def mixture_dists(draw, max_components=3):
    """A 1-D ``gt.Mixture`` of 1 to ``max_components`` normals, Laplaces and uniforms."""
    import gantheory as gt

    k = draw(st.integers(1, max_components))
    comps = [draw(st.one_of(normal_dists(), laplace_dists(), uniform_dists())) for _ in range(k)]
    w = draw(probability_vectors(k, allow_zeros=False))
    w = w / w.sum()
    w[-1] = 1.0 - w[:-1].sum()
    return gt.Mixture(comps, w)


def continuous_1d_dists():
    """Any 1-D law with a density: Normal, Laplace, Uniform or a small mixture of them."""
    return st.one_of(normal_dists(), laplace_dists(), uniform_dists(), mixture_dists())


@st.composite
def mvn_dists(draw):
    """A ``gt.MultivariateNormal`` with correlation in [-0.9, 0.9]."""
    import gantheory as gt

    sx, sy = draw(dist_scales), draw(dist_scales)
    rho = draw(st.floats(-0.9, 0.9))
    cov = [[sx * sx, rho * sx * sy], [rho * sx * sy, sy * sy]]
    return gt.MultivariateNormal([draw(dist_locs), draw(dist_locs)], cov)
