"""Analytic distributions against SciPy, brute-force definitions, quadrature and seeded samples."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from scipy import integrate, stats

import gantheory as gt
from gantheory._rng import Stream
from gantheory.strategies import continuous_1d_dists, gaussian_params, mixture_dists, mvn_dists

X = np.array([-np.inf, -40.0, -3.0, -0.7, 0.0, 0.2, 1.0, 2.5, 9.0, 40.0, np.inf])
U = np.array([0.0, 1e-12, 0.01, 0.3, 0.5, 0.77, 0.99, 1.0 - 1e-12, 1.0])

SCIPY_PAIRS = [
    (gt.Normal(0.5, 2.0), stats.norm(0.5, 2.0)),
    (gt.Uniform(-1.0, 2.0), stats.uniform(-1.0, 3.0)),
    (gt.Laplace(1.0, 0.5), stats.laplace(1.0, 0.5)),
]


# -- 1-D laws against SciPy ------------------------------------------------------


@pytest.mark.parametrize("P, ref", SCIPY_PAIRS, ids=["Normal", "Uniform", "Laplace"])
@pytest.mark.parametrize("method", ["pdf", "logpdf", "cdf", "sf"])
def test_density_and_cdf_match_scipy(P, ref, method):
    # Uniform: SciPy's density is 1/(b-a) on the closed interval as well.
    np.testing.assert_allclose(getattr(P, method)(X), getattr(ref, method)(X), rtol=1e-13, atol=0)


@pytest.mark.parametrize("P, ref", SCIPY_PAIRS, ids=["Normal", "Uniform", "Laplace"])
def test_ppf_matches_scipy(P, ref):
    np.testing.assert_allclose(P.ppf(U), ref.ppf(U), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("P, ref", SCIPY_PAIRS, ids=["Normal", "Uniform", "Laplace"])
def test_moments_and_support_match_scipy(P, ref):
    assert P.mean == pytest.approx(ref.mean(), rel=1e-14)
    assert P.var == pytest.approx(ref.var(), rel=1e-14)
    assert P.support == tuple(ref.support())


@given(gaussian_params())
def test_normal_logpdf_matches_scipy_over_parameters(params):
    loc, scale = params
    x = loc + scale * np.linspace(-30, 30, 13)
    np.testing.assert_allclose(gt.Normal(loc, scale).logpdf(x), stats.norm(loc, scale).logpdf(x), rtol=1e-12)


def test_normal_tails_keep_relative_accuracy():
    # far tails: cdf(-x) and sf(x) are ~1e-300, still to full relative precision
    P = gt.Normal()
    np.testing.assert_allclose(P.cdf(-37.0), stats.norm.cdf(-37.0), rtol=1e-12)
    np.testing.assert_allclose(P.sf(37.0), stats.norm.sf(37.0), rtol=1e-12)


def test_multivariate_normal_logpdf_matches_scipy():
    mean, cov = np.array([1.0, -2.0]), np.array([[2.0, 0.8], [0.8, 1.0]])
    x = np.random.default_rng(0).normal(size=(4, 5, 2)) * 3
    P = gt.MultivariateNormal(mean, cov)
    np.testing.assert_allclose(P.logpdf(x), stats.multivariate_normal(mean, cov).logpdf(x), rtol=1e-12)
    assert P.logpdf(x).shape == (4, 5)


def test_product_density_is_the_product_of_marginals():
    P = gt.Product(gt.Normal(0, 1), gt.Laplace(1, 2))
    x = np.array([[0.3, -1.0], [2.0, 5.0]])
    np.testing.assert_allclose(P.pdf(x), stats.norm.pdf(x[:, 0]) * stats.laplace(1, 2).pdf(x[:, 1]), rtol=1e-13)


# -- mixtures and point masses -------------------------------------------------


def test_mixture_density_and_cdf_are_weighted_sums():
    M = gt.Mixture([gt.Normal(-2, 1), gt.Laplace(3, 0.5), gt.Uniform(0, 1)], weights=[0.2, 0.5, 0.3])
    refs = [stats.norm(-2, 1), stats.laplace(3, 0.5), stats.uniform(0, 1)]
    x = np.linspace(-6, 7, 41)
    for method in ("pdf", "cdf", "sf"):
        expected = sum(w * getattr(r, method)(x) for w, r in zip([0.2, 0.5, 0.3], refs))
        np.testing.assert_allclose(getattr(M, method)(x), expected, rtol=1e-13, atol=1e-300)


@settings(max_examples=30)
@given(mixture_dists())
def test_mixture_ppf_inverts_cdf(M):
    u = np.array([1e-9, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-9])
    x = M.ppf(u)
    assert np.all(np.diff(x) >= 0)
    # F(F^-1(u)) = u for a continuous F; bisection to machine precision in x
    np.testing.assert_allclose(M.cdf(x), u, atol=1e-9)


def test_mixture_ppf_at_0_and_1_is_the_support():
    M = gt.Mixture([gt.Uniform(0, 1), gt.Uniform(2, 5)], weights=[0.5, 0.5])
    assert M.ppf(0.0) == 0.0 and M.ppf(1.0) == 5.0
    N = gt.Mixture([gt.Normal(0, 1), gt.Uniform(2, 5)], weights=[0.5, 0.5])
    assert N.ppf(0.0) == -np.inf and N.ppf(1.0) == np.inf


def test_mixture_of_uniforms_density_is_zero_in_the_gap():
    M = gt.Mixture([gt.Uniform(0, 1), gt.Uniform(2, 3)], weights=[0.25, 0.75])
    assert M.logpdf(1.5) == -np.inf
    assert M._positive_intervals() == [(0.0, 1.0), (2.0, 3.0)]


def test_point_masses_cdf_ppf_match_the_definitions():
    points, weights = np.array([3.0, -1.0, 0.5, 3.0]), np.array([0.1, 0.4, 0.2, 0.3])
    P = gt.PointMasses(points, weights)
    x = np.linspace(-2, 4, 25)
    np.testing.assert_allclose(P.cdf(x), [(weights * (points <= t)).sum() for t in x], atol=1e-15)
    np.testing.assert_allclose(P.sf(x), [(weights * (points > t)).sum() for t in x], atol=1e-15)
    # generalized inverse: the smallest atom a with F(a) >= u
    atoms = np.unique(points)
    for u in [0.0, 0.1, 0.4, 0.41, 0.6, 0.61, 1.0]:
        assert P.ppf(u) == atoms[np.argmax([P.cdf(a) >= u - 1e-15 for a in atoms])]
    assert P.pdf(3.0) == pytest.approx(0.4) and P.pdf(2.0) == 0.0
    assert P.mean == pytest.approx(weights @ points) and P.var == pytest.approx(
        weights @ (points - weights @ points) ** 2
    )


def test_two_dimensional_point_masses_moments():
    pts, w = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, -1.0]]), np.array([0.5, 0.25, 0.25])
    P = gt.PointMasses(pts, w)
    np.testing.assert_allclose(P.mean, w @ pts)
    np.testing.assert_allclose(P.cov, np.cov(pts.T, aweights=w, bias=True))
    np.testing.assert_allclose(P.pdf(pts), w)


def test_dirac_is_one_point_mass():
    D = gt.Dirac(2.0)
    assert D.cdf(1.999) == 0.0 and D.cdf(2.0) == 1.0 and D.ppf(0.3) == 2.0
    assert D.sample(4, rng=0).tolist() == [2.0] * 4
    assert gt.Dirac([1.0, 2.0]).sample(2, rng=0).tolist() == [[1.0, 2.0], [1.0, 2.0]]


# -- integrals of the densities ---------------------------------------------------


@settings(max_examples=25)
@given(continuous_1d_dists())
def test_density_integrates_to_one_and_to_the_mean(P):
    pieces = np.unique(np.concatenate([P._breakpoints(), [x for x in P.support if np.isfinite(x)]]))
    edges = np.concatenate([[P.support[0]], pieces[(pieces > P.support[0]) & (pieces < P.support[1])], [P.support[1]]])
    mass = sum(integrate.quad(lambda t: float(P.pdf(t)), a, b, epsabs=1e-13)[0] for a, b in zip(edges[:-1], edges[1:]))
    mean = sum(
        integrate.quad(lambda t: t * float(P.pdf(t)), a, b, epsabs=1e-13)[0] for a, b in zip(edges[:-1], edges[1:])
    )
    assert mass == pytest.approx(1.0, abs=1e-9)
    assert mean == pytest.approx(P.mean, abs=1e-8 * (1 + math.sqrt(P.var)))


@settings(max_examples=25)
@given(continuous_1d_dists())
def test_logpdf_is_never_nan(P):
    x = np.concatenate([[-np.inf, np.inf, -1e300, 1e300], np.linspace(-50, 50, 101)])
    lp = P.logpdf(x)
    assert not np.isnan(lp).any()
    assert lp[0] == -np.inf and lp[1] == -np.inf


# -- sampling ----------------------------------------------------------------------

SAMPLED = [
    gt.Normal(1.0, 2.0),
    gt.Uniform(-1.0, 3.0),
    gt.Laplace(0.5, 1.5),
    gt.Mixture([gt.Normal(-3, 1), gt.Laplace(2, 0.5)], weights=[0.3, 0.7]),
    gt.PointMasses([0.0, 1.0, 5.0], weights=[0.2, 0.5, 0.3]),
]
SAMPLED_2D = [
    gt.MultivariateNormal([1.0, -1.0], [[2.0, 0.6], [0.6, 1.0]]),
    gt.Product(gt.Uniform(0, 2), gt.Laplace(0, 1)),
    gt.ring_of_gaussians(),
    gt.grid_of_gaussians(),
    gt.ParallelLines(0.7),
    gt.PointMasses([[0.0, 0.0], [1.0, 3.0]], weights=[0.75, 0.25]),
]
N_SAMPLES = 40_000


@pytest.mark.parametrize("P", SAMPLED, ids=lambda P: type(P).__name__)
def test_sample_moments_within_standard_errors(P):
    x = P.sample(N_SAMPLES, rng=1)
    assert x.shape == (N_SAMPLES,) and x.dtype == np.float64
    # sample mean: SE = sd / sqrt(n); sample variance: SE = sqrt((m4 - var^2) / n), m4 estimated from the sample
    sd_err_mean = math.sqrt(P.var / N_SAMPLES)
    m4 = np.mean((x - P.mean) ** 4)
    sd_err_var = math.sqrt(max(m4 - P.var**2, 0.0) / N_SAMPLES)
    assert abs(x.mean() - P.mean) <= 5 * sd_err_mean
    assert abs(x.var() - P.var) <= 5 * sd_err_var


@pytest.mark.parametrize("P", SAMPLED[:4], ids=lambda P: type(P).__name__)
def test_samples_pass_a_kolmogorov_smirnov_test(P):
    # under H0 the p-value is uniform: a fixed seed fails with probability 1e-4
    assert stats.kstest(P.sample(5000, rng=2), P.cdf).pvalue > 1e-4


@pytest.mark.parametrize("P", SAMPLED_2D, ids=lambda P: type(P).__name__)
def test_sample_mean_and_covariance_within_standard_errors(P):
    x = P.sample(N_SAMPLES, rng=3)
    assert x.shape == (N_SAMPLES, 2) and x.dtype == np.float64
    cov = P.cov
    # each coordinate's mean: SE = sqrt(var / n); each covariance entry: SE = sd of the centred products / sqrt(n)
    # (+ 1e-12 |mean| for the round-off of summing n equal coordinates, as on a parallel line)
    np.testing.assert_array_less(
        np.abs(x.mean(axis=0) - P.mean), 5 * np.sqrt(np.diag(cov) / N_SAMPLES) + 1e-12 * (1 + np.abs(P.mean))
    )
    c = x - P.mean
    products = c[:, :, None] * c[:, None, :]
    se = products.std(axis=0) / math.sqrt(N_SAMPLES)
    np.testing.assert_array_less(np.abs(products.mean(axis=0) - cov), 5 * se + 1e-12)


def test_sampling_is_reproducible_from_an_int_seed_and_refuses_a_generator():
    P = gt.ring_of_gaussians()
    np.testing.assert_array_equal(P.sample(10, rng=5), P.sample(10, rng=np.int64(5)))
    np.testing.assert_array_equal(P.sample(10), P.sample(10, rng=0))  # the default seed is 0
    assert not np.array_equal(P.sample(10, rng=5), P.sample(10, rng=6))  # another seed, another sample
    for bad in (None, np.random.default_rng(5), 5.0, True):
        with pytest.raises(TypeError, match="rng must be an int seed"):
            P.sample(10, rng=bad)
    with pytest.raises(ValueError, match="rng must be an int seed >= 0"):
        P.sample(10, rng=-1)
    # inside the package a Stream hands one Generator on: its state advances between draws
    stream = Stream(np.random.default_rng(5))
    first, second = P.sample(10, rng=stream), P.sample(10, rng=stream)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, P.sample(10, rng=5))


def test_parallel_lines_samples_lie_on_the_segment():
    x = gt.ParallelLines(-0.25).sample(1000, rng=0)
    assert np.all(x[:, 0] == -0.25) and np.all((0 <= x[:, 1]) & (x[:, 1] <= 1))
    P = gt.ParallelLines(-0.25)
    assert P.pdf([-0.25, 0.5]) == 1.0 and P.pdf([-0.25, 1.5]) == 0.0 and P.logpdf([0.0, 0.5]) == -np.inf


def test_ring_modes_are_evenly_spaced_on_the_circle():
    R = gt.ring_of_gaussians(n=8, radius=2.0, scale=0.02)
    means = np.array([c.mean for c in R.components])
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 2.0, rtol=1e-15)
    np.testing.assert_allclose(
        np.linalg.norm(np.diff(means, axis=0, append=means[:1]), axis=1), 4 * math.sin(math.pi / 8), rtol=1e-14
    )
    np.testing.assert_allclose([c.cov for c in R.components], 0.02**2 * np.eye(2)[None].repeat(8, 0), rtol=1e-15)


def test_grid_modes_form_a_centred_lattice():
    G = gt.grid_of_gaussians(n=5, spacing=2.0)
    means = {tuple(c.mean) for c in G.components}
    assert means == {(a, b) for a in (-4.0, -2.0, 0.0, 2.0, 4.0) for b in (-4.0, -2.0, 0.0, 2.0, 4.0)}


# -- repr and equality -------------------------------------------------------------


@pytest.mark.parametrize(
    "P", SAMPLED + SAMPLED_2D[:2] + [gt.ParallelLines(0.7), gt.Dirac([1.0, 2.0])], ids=lambda P: type(P).__name__
)
def test_repr_evaluates_back_to_an_equal_distribution(P):
    namespace = {name: getattr(gt, name) for name in dir(gt)}
    assert eval(repr(P), namespace) == P


@given(mvn_dists())
def test_random_covariances_are_accepted_and_symmetric(P):
    np.testing.assert_array_equal(P.cov, P.cov.T)
    assert np.isfinite(P.logpdf(P.mean))


# -- bad parameters: one clear error each --------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: gt.Normal(0, -1), "scale must be > 0"),
        (lambda: gt.Normal(0, 0), "scale must be > 0"),
        (lambda: gt.Normal(np.nan, 1), "loc must be finite"),
        (lambda: gt.Laplace(0, -2), "scale must be > 0"),
        (lambda: gt.Uniform(1, 0), "high must be > low"),
        (lambda: gt.Mixture([gt.Normal(), gt.Normal(1)], weights=[0.5, 0.6]), "must sum to 1"),
        (lambda: gt.Mixture([gt.Normal(), gt.Normal(1)], weights=[1.5, -0.5]), "negative"),
        (lambda: gt.Mixture([gt.Normal(), gt.Normal(1)], weights=[1.0]), "shape"),
        (lambda: gt.Mixture([gt.Normal(), gt.ParallelLines(0)]), "same dim"),
        (lambda: gt.MultivariateNormal([0, 0], [[1, 2], [2, 1]]), "positive definite"),
        (lambda: gt.MultivariateNormal([0, 0], [[1, 0.5], [0.2, 1]]), "symmetric"),
        (lambda: gt.MultivariateNormal([0, 0, 0], np.eye(3)), "shape"),
        (lambda: gt.PointMasses([[0, 1, 2]]), "shape"),
        (lambda: gt.PointMasses([0, 1], weights=[0.3, 0.3]), "must sum to 1"),
        (lambda: gt.Dirac([1, 2, 3]), "loc must be"),
        (lambda: gt.ring_of_gaussians(scale=0), "scale must be > 0"),
        (lambda: gt.Normal().ppf(1.5), "probabilities in"),
        (lambda: gt.Normal().pdf(np.nan), "NaN"),
        (lambda: gt.ParallelLines(0).pdf([1.0, 2.0, 3.0]), r"shape \(\.\.\., 2\)"),
        (lambda: gt.Normal().sample(0), "n must be >= 1"),
    ],
)
def test_bad_parameters_raise_value_errors_naming_them(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: gt.Mixture([1, 2]),
        lambda: gt.Product(gt.Normal(), gt.ParallelLines(0)),
        lambda: gt.Normal("a"),
        lambda: gt.Normal().sample(3, rng=np.random.RandomState(0)),
    ],
)
def test_wrong_types_raise_type_errors(make):
    with pytest.raises(TypeError):
        make()


def test_mixture_of_densities_and_atoms_has_no_density():
    M = gt.Mixture([gt.Normal(), gt.Dirac(0.0)], weights=[0.5, 0.5])
    assert M.cdf(0.0) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="no density"):
        M.pdf(0.0)
