"""Exact divergences against textbook formulas, quadrature, the pmf and sample estimators, and identities."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import gantheory as gt
from gantheory.divergences import _mmd_exact, exact
from gantheory.strategies import continuous_1d_dists, laplace_dists, mvn_dists, normal_dists, uniform_dists

LOG2 = math.log(2.0)


def close(a, b, rtol=1e-8, atol=1e-12):
    """The documented 1-D tolerance: 1e-8 relative or 1e-12 absolute (equal infinities agree)."""
    return a == b or abs(a - b) <= max(rtol * max(abs(a), abs(b)), atol)


# -- the WGAN parallel lines (Arjovsky et al. 2017, Example 1) ---------------------


@pytest.mark.parametrize("theta", [-2.0, -0.3, 1e-9, 0.5, 1.0, 7.0])
def test_parallel_lines_values_are_exact(theta):
    P0, P = gt.ParallelLines(0.0), gt.ParallelLines(theta)
    assert gt.w1(P0, P) == abs(theta)
    assert gt.js_divergence(P0, P) == LOG2
    assert gt.js_divergence(P0, P, base=2) == 1.0
    assert gt.kl(P0, P) == math.inf and gt.kl(P, P0) == math.inf
    assert gt.tv(P0, P) == 1.0


def test_parallel_lines_at_zero_are_all_zero():
    P0, P = gt.ParallelLines(0.0), gt.ParallelLines(0.0)
    assert [f(P0, P) for f in (gt.w1, gt.js_divergence, gt.kl, gt.tv, gt.energy_distance)] == [0.0] * 5


@pytest.mark.parametrize("theta", [0.0, 0.1, 1.0, 3.0])
def test_parallel_lines_energy_matches_the_triangular_integral(theta):
    # E = 2 E sqrt(theta^2 + D^2) - 2 E|D|, D = Z - Z' with density 1 - |d| on [-1, 1]
    mean_norm = integrate.quad(lambda d: (1 - abs(d)) * math.hypot(theta, d), -1, 1, points=[0], epsabs=1e-14)[0]
    expected = 2 * mean_norm - 2 / 3
    assert gt.energy_distance(gt.ParallelLines(0.0), gt.ParallelLines(theta)) == pytest.approx(
        expected, rel=1e-12, abs=1e-15
    )


# -- closed forms against the textbook ------------------------------------------------


@given(normal_dists(), normal_dists())
def test_kl_between_normals_matches_the_textbook_formula(P, Q):
    # Cover & Thomas: KL = log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2
    m1, s1, m2, s2 = P.loc, P.scale, Q.loc, Q.scale
    expected = math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    assert close(gt.kl(P, Q), max(expected, 0.0), rtol=1e-12, atol=1e-14)


@settings(max_examples=20)
@given(mvn_dists(), mvn_dists())
def test_kl_between_bivariate_normals_matches_the_textbook_formula_and_the_cubature(P, Q):
    S1, S2, d = P.cov, Q.cov, Q.mean - P.mean
    expected = 0.5 * (
        np.trace(np.linalg.solve(S2, S1))
        + d @ np.linalg.solve(S2, d)
        - 2
        + np.linalg.slogdet(S2)[1]
        - np.linalg.slogdet(S1)[1]
    )
    value = gt.kl(P, Q)
    assert close(value, expected, rtol=1e-10, atol=1e-13)
    # the adaptive cubature keeps 1e-8 relative (1e-12 absolute) on this smooth integrand
    assert close(gt.kl(P, Q, method="quadrature"), value, rtol=1e-8, atol=1e-11)


def test_kl_between_products_adds_over_coordinates():
    P = gt.Product(gt.Normal(0, 1), gt.Laplace(0, 1))
    Q = gt.Product(gt.Normal(1, 2), gt.Laplace(1, 3))
    expected = gt.kl(P.marginal_x, Q.marginal_x) + gt.kl(P.marginal_y, Q.marginal_y)
    assert gt.kl(P, Q) == pytest.approx(expected, rel=1e-15)
    assert gt.kl(P, Q, method="quadrature") == pytest.approx(expected, rel=1e-8)


def test_tv_between_equal_variance_normals_matches_the_textbook_formula():
    # TV(N(0, s^2), N(d, s^2)) = 2 Phi(|d| / 2s) - 1
    for d, s in [(0.1, 1.0), (1.0, 1.0), (3.0, 0.5)]:
        assert close(gt.tv(gt.Normal(0, s), gt.Normal(d, s)), 2 * stats.norm.cdf(d / (2 * s)) - 1)


@given(normal_dists(), normal_dists())
def test_tv_between_normals_matches_the_crossing_point_formula(P, Q):
    # TV = |P(A) - Q(A)| with A = {p > q}, an interval or its complement between the roots of
    # log p = log q, a quadratic a x^2 + b x + c = 0 (a line when the scales are equal)
    (m1, s1), (m2, s2) = (P.loc, P.scale), (Q.loc, Q.scale)
    a, b = 1 / (2 * s2**2) - 1 / (2 * s1**2), m1 / s1**2 - m2 / s2**2
    c = m2**2 / (2 * s2**2) - m1**2 / (2 * s1**2) + math.log(s2 / s1)
    if abs(a) < 1e-12 * (abs(b) + 1):
        roots = [-c / b] if b != 0 else []
    else:
        disc = b * b - 4 * a * c
        roots = sorted(np.roots([a, b, c]).real) if disc > 0 else []
    edges = [-np.inf, *roots, np.inf]
    expected = 0.5 * sum(
        abs(
            stats.norm(m1, s1).cdf(hi)
            - stats.norm(m1, s1).cdf(lo)
            - stats.norm(m2, s2).cdf(hi)
            + stats.norm(m2, s2).cdf(lo)
        )
        for lo, hi in zip(edges[:-1], edges[1:])
    )
    assert close(gt.tv(P, Q), expected, rtol=1e-8, atol=1e-11)


def test_w1_quadrature_matches_closed_forms_on_a_seeded_sweep():
    # a sweep wider than hypothesis' examples: the |F - G| kink must be found, or quad under-reports its error
    rng = np.random.default_rng(7)
    for family in (gt.Normal, gt.Laplace):
        for _ in range(40):
            P, Q = family(rng.uniform(-5, 5), rng.uniform(0.2, 5)), family(rng.uniform(-5, 5), rng.uniform(0.2, 5))
            assert close(gt.w1(P, Q), gt.w1(P, Q, method="quadrature"))


def test_w1_normal_closed_form_matches_the_folded_normal_mean():
    # F^-1 - G^-1 = dm + ds Z: W1 = E|dm + ds Z|, the folded normal's mean (SciPy's foldnorm)
    dm, ds = 0.7, -1.3
    expected = stats.foldnorm(abs(dm / ds), scale=abs(ds)).mean()
    assert close(gt.w1(gt.Normal(dm, 2.0), gt.Normal(0.0, 2.0 - ds)), expected, rtol=1e-12)


# -- closed forms against quadrature ----------------------------------------------------


@settings(max_examples=30)
@given(normal_dists(), normal_dists(), st.sampled_from(["kl", "w1", "cramer", "energy_distance"]))
def test_normal_closed_forms_agree_with_quadrature(P, Q, name):
    f = getattr(gt, name)
    assert close(f(P, Q), f(P, Q, method="quadrature"), atol=1e-11)


@settings(max_examples=30)
@given(uniform_dists(), uniform_dists(), st.sampled_from(["kl", "js_divergence", "tv", "w1"]))
def test_uniform_closed_forms_agree_with_quadrature(P, Q, name):
    f = getattr(gt, name)
    assert close(f(P, Q), f(P, Q, method="quadrature"), atol=1e-11)


@settings(max_examples=30)
@given(laplace_dists(), laplace_dists(), st.sampled_from(["kl", "w1"]))
def test_laplace_closed_forms_agree_with_quadrature(P, Q, name):
    f = getattr(gt, name)
    assert close(f(P, Q), f(P, Q, method="quadrature"), atol=1e-11)


@pytest.mark.slow
def test_w1_between_mixtures_equals_the_quantile_integral():
    P = gt.Mixture([gt.Normal(-2, 0.5), gt.Laplace(1, 1)], weights=[0.4, 0.6])
    Q = gt.Mixture([gt.Uniform(-1, 0), gt.Uniform(2, 3)], weights=[0.5, 0.5])
    knots = [0.0, 1e-6, 1e-3, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-3, 1 - 1e-6, 1.0]
    quantile_form = sum(
        integrate.quad(lambda u: abs(float(P.ppf(u)) - float(Q.ppf(u))), a, b, epsabs=1e-10, epsrel=1e-8, limit=200)[0]
        for a, b in zip(knots[:-1], knots[1:])
    )
    assert close(gt.w1(P, Q), quantile_form, rtol=1e-6)


def test_dirac_against_a_mixture_w1_is_the_mean_distance():
    Q = gt.Mixture([gt.Normal(-1, 0.5), gt.Laplace(2, 1)], weights=[0.4, 0.6])
    # W1(delta_a, Q) = E|Y - a| = int |y - a| q(y) dy
    expected = integrate.quad(lambda y: abs(y - 0.3) * float(Q.pdf(y)), -np.inf, np.inf, points=None, epsabs=1e-13)[0]
    assert gt.w1(gt.Dirac(0.3), Q) == pytest.approx(expected, rel=1e-7)  # Q has a Laplace part: quadrature route
    R = gt.Mixture([gt.Normal(-1, 0.5), gt.Normal(2, 1)], weights=[0.4, 0.6])
    expected = 0.4 * stats.foldnorm(1.3 / 0.5, scale=0.5).mean() + 0.6 * stats.foldnorm(1.7, scale=1).mean()
    assert gt.w1(gt.Dirac(0.3), R) == pytest.approx(expected, rel=1e-12)


# -- identities of DESIGN.md --------------------------------------------------------------


simple_1d_dists = st.one_of(normal_dists(), laplace_dists(), uniform_dists())


@settings(max_examples=30)
@given(simple_1d_dists, simple_1d_dists)
def test_w1_equals_the_quantile_integral(P, Q):
    # W1 = int |F - G| dx (computed) = int_0^1 |F^-1(u) - G^-1(u)| du (checked here)
    def gap(u):
        return abs(float(P.ppf(u)) - float(Q.ppf(u)))

    knots = [0.0, 1e-6, 1e-3, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-3, 1 - 1e-6, 1.0]
    quantile_form = sum(
        integrate.quad(gap, a, b, epsabs=1e-12, epsrel=1e-10, limit=200)[0] for a, b in zip(knots[:-1], knots[1:])
    )
    assert close(
        gt.w1(P, Q), quantile_form, rtol=1e-6, atol=1e-9
    )  # the quantile integrand has log singularities at 0, 1


@settings(max_examples=30)
@given(continuous_1d_dists(), continuous_1d_dists())
def test_energy_distance_is_twice_the_squared_cramer_distance(P, Q):
    assert close(gt.energy_distance(P, Q), 2 * gt.cramer(P, Q) ** 2, rtol=1e-12, atol=1e-15)


@given(normal_dists(), normal_dists())
def test_w1_is_at_most_w2_between_normals(P, Q):
    w2 = math.hypot(P.loc - Q.loc, P.scale - Q.scale)  # W2 between 1-D normals (Dowson & Landau 1982)
    assert gt.w1(P, Q) <= w2 * (1 + 1e-12) + 1e-15


@settings(max_examples=30)
@given(continuous_1d_dists(), continuous_1d_dists())
def test_jsd_is_bounded_by_log2_and_symmetric(P, Q):
    jsd = gt.js_divergence(P, Q)
    assert 0.0 <= jsd <= LOG2
    assert close(jsd, gt.js_divergence(Q, P), atol=1e-11)
    assert gt.js_distance(P, Q) == pytest.approx(math.sqrt(jsd), rel=1e-15)


@settings(max_examples=30)
@given(continuous_1d_dists(), continuous_1d_dists())
def test_pinsker_and_jsd_tv_inequalities(P, Q):
    kl, tv, jsd = gt.kl(P, Q), gt.tv(P, Q), gt.js_divergence(P, Q)
    assert 0.0 <= tv <= 1.0 and kl >= 0.0
    assert tv <= math.sqrt(kl / 2) + 1e-9  # Pinsker
    assert jsd <= LOG2 * tv + 1e-9  # Lin (1991): JSD <= TV log 2


@pytest.mark.parametrize(
    "P, Q",
    [
        (gt.Uniform(0, 1), gt.Uniform(1, 2)),
        (gt.Uniform(0, 1), gt.Mixture([gt.Uniform(-3, -1), gt.Uniform(1.5, 2)], weights=[0.5, 0.5])),
        (gt.Dirac(0.0), gt.Normal(0, 1)),
        (gt.PointMasses([0.0, 1.0]), gt.PointMasses([0.5, 2.0])),
        (gt.MultivariateNormal([0, 0], np.eye(2)), gt.ParallelLines(0.0)),
        (gt.PointMasses([[0.0, 0.5]]), gt.ParallelLines(0.0)),
    ],
    ids=[
        "touching uniforms",
        "disjoint mixture",
        "atom vs density",
        "disjoint atoms",
        "plane vs line",
        "point on the line",
    ],
)
def test_mutually_singular_laws_reach_the_bounds(P, Q):
    assert gt.js_divergence(P, Q) == LOG2
    assert gt.tv(P, Q) == 1.0
    assert gt.kl(P, Q) == math.inf and gt.kl(Q, P) == math.inf


def test_kl_is_infinite_when_the_support_is_not_covered():
    assert gt.kl(gt.Uniform(0, 2), gt.Uniform(0, 1)) == math.inf
    assert gt.kl(gt.Normal(), gt.Uniform(-100, 100)) == math.inf
    assert gt.kl(gt.Uniform(0, 1), gt.Normal()) < math.inf


def test_base_divides_by_the_log_of_the_base():
    P, Q = gt.Normal(0, 1), gt.Laplace(1, 2)
    assert gt.kl(P, Q, base=2) == pytest.approx(gt.kl(P, Q) / LOG2, rel=1e-15)
    assert gt.js_divergence(P, Q, base=10) == pytest.approx(gt.js_divergence(P, Q) / math.log(10), rel=1e-15)


# -- point masses: through the discrete module ------------------------------------------


def test_point_masses_match_scipy_and_pot():
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 6, 7).astype(float), rng.integers(0, 6, 5).astype(float)
    wa, wb = rng.dirichlet(np.ones(7)), rng.dirichlet(np.ones(5))
    P, Q = gt.PointMasses(a, wa), gt.PointMasses(b, wb)
    assert gt.w1(P, Q) == pytest.approx(stats.wasserstein_distance(a, b, wa, wb), rel=1e-12)
    assert gt.energy_distance(P, Q) == pytest.approx(stats.energy_distance(a, b, wa, wb) ** 2, rel=1e-12)
    x, y = rng.normal(size=(6, 2)), rng.normal(size=(4, 2))
    wx, wy = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(4))
    expected = ot.emd2(wx, wy, ot.dist(x, y, metric="euclidean"))
    assert gt.w1(gt.PointMasses(x, wx), gt.PointMasses(y, wy)) == pytest.approx(expected, rel=1e-9)


def test_two_dimensional_uniform_point_masses_w1_matches_pot():
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 2)), rng.normal(size=(8, 2)) + 1
    cost = np.linalg.norm(x[:, None] - y[None], axis=-1)
    value = gt.w1(gt.PointMasses(x), gt.PointMasses(y))  # the assignment route
    assert value == pytest.approx(ot.emd2(np.full(8, 1 / 8), np.full(8, 1 / 8), cost), rel=1e-9)


def test_two_dimensional_point_masses_energy_matches_pairwise_sums():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(3, 2))
    wx, wy = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(3))

    def mean_dist(a, wa, b, wb):
        return wa @ np.linalg.norm(a[:, None] - b[None], axis=-1) @ wb

    expected = 2 * mean_dist(x, wx, y, wy) - mean_dist(x, wx, x, wx) - mean_dist(y, wy, y, wy)
    assert gt.energy_distance(gt.PointMasses(x, wx), gt.PointMasses(y, wy)) == pytest.approx(expected, rel=1e-12)


def test_point_mass_kl_and_jsd_match_scipy():
    P = gt.PointMasses([0.0, 1.0, 2.0], weights=[0.2, 0.3, 0.5])
    Q = gt.PointMasses([2.0, 1.0, 0.0, 3.0], weights=[0.1, 0.4, 0.4, 0.1])
    p, q = np.array([0.2, 0.3, 0.5, 0.0]), np.array([0.4, 0.4, 0.1, 0.1])
    assert gt.kl(P, Q) == pytest.approx(stats.entropy(p, q), rel=1e-13)
    assert gt.js_distance(P, Q) == pytest.approx(
        __import__("scipy.spatial.distance").spatial.distance.jensenshannon(p, q), rel=1e-12
    )
    assert gt.tv(P, Q) == pytest.approx(0.5 * np.abs(p - q).sum(), rel=1e-14)
    assert gt.kl(Q, P) == math.inf  # Q has mass at 3 where P has none


# -- against the pmf estimators on finer and finer grids ---------------------------------

GRID_PAIRS = [
    (gt.Normal(0, 1), gt.Laplace(1, 0.7)),
    (gt.Mixture([gt.Normal(-2, 0.5), gt.Normal(2, 1)], weights=[0.3, 0.7]), gt.Normal(0, 2)),
]


def binned(P, edges):
    return np.diff(P.cdf(edges))


@pytest.mark.parametrize("P, Q", GRID_PAIRS, ids=["normal-laplace", "mixture-normal"])
def test_discretized_divergences_converge_to_the_exact_values(P, Q):
    exact_values = {name: getattr(gt, name)(P, Q) for name in ("kl", "js_divergence", "tv", "w1", "cramer")}
    errors = {name: [] for name in exact_values}
    for bins in (100, 400, 1600):
        edges = np.linspace(-15, 15, bins + 1)
        centres = 0.5 * (edges[1:] + edges[:-1])
        p, q = binned(P, edges), binned(Q, edges)
        found = {
            "kl": gt.discrete.kl(p, q),
            "js_divergence": gt.discrete.js_divergence(p, q),
            "tv": gt.discrete.tv(p, q),
            "w1": gt.discrete.w1(p, q, centres),
            "cramer": gt.discrete.cramer(p, q, centres),
        }
        for name, value in found.items():
            errors[name].append(abs(value - exact_values[name]))
        # data processing: binning can only lower an f-divergence
        for name in ("kl", "js_divergence", "tv"):
            assert found[name] <= exact_values[name] + 1e-12
    for name, errs in errors.items():
        # f-divergences: O(h^2) for smooth densities, O(h) with a Laplace kink; W1: O(h^2) (a midpoint rule
        # for int |F - G| with kinks); l2^2 is a midpoint rule of a smooth decaying integrand, already at round-off
        assert errs[-1] <= max(errs[0] / 4, 1e-12), (name, errs)
        assert errs[-1] < 2e-3 * max(exact_values[name], 1.0), (name, errs)


# -- against the sample estimators as n grows ---------------------------------------------


def spread(P):
    """int sqrt(F(1-F)) dx and int F(1-F) dx: the scale of E W1(P_n, P) and of E l2^2(P_n, P) * n."""
    lo, hi = P.ppf(1e-15), P.ppf(1 - 1e-15)
    sqrt_form = integrate.quad(lambda x: math.sqrt(float(P.cdf(x) * P.sf(x))), lo, hi, limit=200)[0]
    var_form = integrate.quad(lambda x: float(P.cdf(x) * P.sf(x)), lo, hi, limit=200)[0]
    return sqrt_form, var_form


@pytest.mark.parametrize("P, Q", GRID_PAIRS, ids=["normal-laplace", "mixture-normal"])
def test_sample_estimators_converge_to_the_exact_values(P, Q):
    # Tolerances. By the triangle inequality |W1(P_n, Q_n) - W1(P, Q)| <= W1(P_n, P) + W1(Q_n, Q), and
    # E W1(P_n, P) = int E|F_n - F| <= int sqrt(F(1-F)/n) (Jensen); likewise for l2, with
    # E l2^2(P_n, P) = int F(1-F) / n exactly. We allow 6 times those scales (Markov: a seeded miss has
    # probability < 1/6 for W1 and < 1/36 for l2 by Chebyshev). The energy distance E = 2 l2^2 follows:
    # |E_n - E| = 2 |l2_n - l2| (l2_n + l2).
    jp, vp = spread(P)
    jq, vq = spread(Q)
    w1, l2 = gt.w1(P, Q), gt.cramer(P, Q)
    for n in (1_000, 30_000):
        x, y = P.sample(n, rng=10), Q.sample(n, rng=11)
        tol_w1 = 6 * (jp + jq) / math.sqrt(n)
        tol_l2 = 6 * (math.sqrt(vp / n) + math.sqrt(vq / n))
        assert abs(gt.empirical.w1(x, y) - w1) <= tol_w1
        l2_n = gt.empirical.cramer(x, y)
        assert abs(l2_n - l2) <= tol_l2
        assert abs(gt.empirical.energy_distance(x, y) - gt.energy_distance(P, Q)) <= 2 * tol_l2 * (2 * l2 + tol_l2)


# -- two dimensions ------------------------------------------------------------------------


def test_isotropic_normal_energy_terms_match_the_rice_mean():
    # E||N(mu, s^2 I)|| is the mean of the Rice distribution (nu = ||mu||, scale s)
    mu, s = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, -1.0]]), 0.7
    cov = np.repeat((s * s * np.eye(2))[None], 3, axis=0)
    expected = [stats.rice(np.linalg.norm(m) / s, scale=s).mean() for m in mu]
    np.testing.assert_allclose(_mmd_exact._gaussian_norm_mean_2d(mu, cov), expected, rtol=1e-10)


def test_anisotropic_normal_mean_norm_matches_direct_integration():
    mu, cov = np.array([0.5, -1.0]), np.array([[2.0, 0.9], [0.9, 0.6]])
    N = gt.MultivariateNormal(mu, cov)
    direct = integrate.dblquad(lambda y, x: math.hypot(x, y) * float(N.pdf([x, y])), -12, 12, -10, 8, epsabs=1e-11)[0]
    assert _mmd_exact._gaussian_norm_mean_2d(mu[None], cov[None])[0] == pytest.approx(direct, rel=1e-8)


def test_energy_between_normals_agrees_in_1d_and_2d():
    # a 2-D normal with a degenerate-free second coordinate shared: E(P x N, Q x N) differs from 1-D,
    # but a 1-D law embedded as (X, 0) keeps every distance: compare Dirac-y products with the 1-D value
    P, Q = gt.Mixture([gt.Normal(-1, 0.5), gt.Normal(2, 1)], weights=[0.3, 0.7]), gt.Normal(0.5, 1.5)
    P2, Q2 = gt.Product(P, gt.Dirac(0.0)), gt.Product(Q, gt.Dirac(0.0))
    assert gt.energy_distance(P2, Q2) == pytest.approx(gt.energy_distance(P, Q), rel=1e-9)


@pytest.mark.parametrize(
    "P, Q",
    [
        (gt.ring_of_gaussians(scale=0.2), gt.MultivariateNormal([0.0, 0.0], 2.0 * np.eye(2))),
        (
            gt.MultivariateNormal([0.0, 0.0], [[1.0, 0.5], [0.5, 2.0]]),
            gt.PointMasses([[0.0, 0.0], [1.0, 1.0]], weights=[0.3, 0.7]),
        ),
    ],
    ids=["ring-normal", "normal-atoms"],
)
def test_2d_energy_matches_the_unbiased_sample_estimate(P, Q):
    # the U-statistic is unbiased: over 10 independent seeded batches its mean is within 4 standard
    # errors (estimated from the batches' spread) of the exact value
    batches = [
        gt.empirical.energy_distance(P.sample(400, rng=20 + i), Q.sample(400, rng=40 + i), unbiased=True)
        for i in range(10)
    ]
    se = np.std(batches, ddof=1) / math.sqrt(len(batches))
    assert abs(np.mean(batches) - gt.energy_distance(P, Q)) <= 4 * se


def test_dirac_to_isotropic_normal_w1_is_the_rice_mean():
    a = np.array([1.0, -0.5])
    N = gt.MultivariateNormal([0, 0], 0.49 * np.eye(2))
    assert gt.w1(gt.Dirac(a), N) == pytest.approx(stats.rice(np.linalg.norm(a) / 0.7, scale=0.7).mean(), rel=1e-10)


def test_w1_of_products_sharing_a_marginal_is_the_1d_value():
    P, Q = gt.Product(gt.Laplace(0, 1), gt.Normal(0, 1)), gt.Product(gt.Laplace(0, 1), gt.Normal(2, 3))
    assert gt.w1(P, Q) == gt.w1(gt.Normal(0, 1), gt.Normal(2, 3))
    shift = gt.MultivariateNormal([3.0, 4.0], [[2.0, 0.5], [0.5, 1.0]])
    assert gt.w1(gt.MultivariateNormal([0.0, 0.0], [[2.0, 0.5], [0.5, 1.0]]), shift) == 5.0


@pytest.mark.parametrize("name", ["js_divergence", "tv", "kl"])
def test_2d_cubature_of_independent_coordinates_matches_1d(name):
    # f-divergences ignore an identical independent coordinate: the 2-D cubature must reproduce 1-D
    P = gt.MultivariateNormal([0.0, 0.0], [[1.0, 0.0], [0.0, 4.0]])
    Q = gt.MultivariateNormal([1.5, 0.0], [[2.0, 0.0], [0.0, 4.0]])
    expected = getattr(gt, name)(gt.Normal(0, 1), gt.Normal(1.5, math.sqrt(2)))
    tol = exact.ATOL_TV_2D if name == "tv" else 1e-8 * expected
    assert abs(getattr(gt, name)(P, Q, method="quadrature") - expected) <= tol


@pytest.mark.slow
def test_ring_divergences_by_cubature_are_consistent():
    R = gt.ring_of_gaussians(scale=0.2)
    N = gt.MultivariateNormal([0.0, 0.0], 2.0 * np.eye(2))
    kl, jsd, tv = gt.kl(R, N), gt.js_divergence(R, N), gt.tv(R, N)
    # forward KL by E_R[log r - log n]: an independent Monte Carlo check, SE from the sample
    x = R.sample(200_000, rng=4)
    terms = R.logpdf(x) - N.logpdf(x)
    assert abs(kl - terms.mean()) <= 5 * terms.std() / math.sqrt(x.shape[0])
    assert 0 < jsd < LOG2 and jsd <= LOG2 * tv + 1e-9 and tv <= math.sqrt(kl / 2)


# -- errors -----------------------------------------------------------------------------------


def test_no_nan_and_no_warning_on_edge_cases():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pairs = [
            (gt.Uniform(0, 1), gt.Uniform(0, 1 + 1e-12)),
            (gt.Normal(0, 0.2), gt.Normal(40, 0.2)),
            (gt.Dirac(0.0), gt.Laplace(0, 1)),
        ]
        for P, Q in pairs:
            for f in (gt.kl, gt.js_divergence, gt.tv, gt.w1, gt.cramer, gt.energy_distance):
                assert not math.isnan(f(P, Q))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: gt.kl(gt.Normal(), gt.ParallelLines(0)), ValueError, "same dim"),
        (lambda: gt.kl(gt.Normal(), [0.0, 1.0]), TypeError, "gantheory distribution"),
        (lambda: gt.kl(gt.Normal(), gt.Normal(), method="exact"), ValueError, "method must be"),
        (lambda: gt.kl(gt.Normal(), gt.Normal(1), base=1), ValueError, "base"),
        (lambda: gt.kl(gt.Normal(), gt.Laplace(), method="closed"), NotImplementedError, "no closed form"),
        (
            lambda: gt.w1(gt.MultivariateNormal([0, 0], np.eye(2)), gt.ring_of_gaussians()),
            NotImplementedError,
            "gantheory.empirical",
        ),
        (
            lambda: gt.tv(gt.Mixture([gt.Normal(), gt.Dirac(0.0)]), gt.Normal()),
            NotImplementedError,
            "split the mixture",
        ),
        (
            lambda: gt.energy_distance(
                gt.Product(gt.Uniform(), gt.Uniform()), gt.MultivariateNormal([0, 0], np.eye(2))
            ),
            NotImplementedError,
            "gantheory.empirical",
        ),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_cramer_in_2d_is_root_half_energy_from_the_rice_mean():
    # X - Y ~ N((-1, 0), 2 I): E||X - Y|| is a Rice mean (b = 1/sqrt 2, scale sqrt 2);
    # X - X' ~ N(0, 2 I): E||X - X'|| = sqrt(2) sqrt(pi / 2) = sqrt(pi) (Rayleigh). So
    # E = 2 rice - 2 sqrt(pi) and cramer = sqrt(E / 2) (DESIGN.md's 2-D definition).
    P, Q = gt.MultivariateNormal([0, 0], np.eye(2)), gt.MultivariateNormal([1, 0], np.eye(2))
    rice = stats.rice.mean(1 / np.sqrt(2), scale=np.sqrt(2))
    assert gt.cramer(P, Q) == pytest.approx(np.sqrt(rice - np.sqrt(np.pi)), rel=1e-10)
    assert gt.cramer(P, Q) ** 2 == pytest.approx(gt.energy_distance(P, Q) / 2, rel=1e-12)
    lines = gt.ParallelLines(0.0), gt.ParallelLines(1.0)
    assert gt.cramer(*lines) ** 2 == pytest.approx(gt.energy_distance(*lines) / 2, rel=1e-12)
