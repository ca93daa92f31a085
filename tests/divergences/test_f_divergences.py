"""f-divergences: the registry against brute force, properties on pmfs, closed forms and agreement with kl / js_divergence / tv."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gantheory as gt
from gantheory.divergences.f_divergences import CONVEX_FUNCTIONS, f_divergence
from gantheory.strategies import continuous_1d_dists, normal_dists, pmf_tuples

LOG2 = math.log(2.0)
NAMES = tuple(CONVEX_FUNCTIONS)
DIVERGENCES = tuple(n for n in NAMES if n != "gan")  # f(1) = 0: non-negative


def close(a, b, rtol=1e-8, atol=1e-12):
    return a == b or abs(a - b) <= max(rtol * max(abs(a), abs(b)), atol)


# -- the registry against brute force ------------------------------------------

U = np.concatenate([np.geomspace(1e-6, 1e6, 20001), [1.0]])


@pytest.mark.parametrize("name", NAMES)
def test_conjugate_is_the_legendre_transform_on_a_grid(name):
    g = CONVEX_FUNCTIONS[name]
    lo, hi = g.domain
    ts = np.linspace(max(lo, -3.0), min(hi, 3.0), 13)[1:-1]
    fu = g.f(U)
    for t in ts:
        brute = np.max(U * t - fu)  # sup over u in [1e-6, 1e6]: a lower bound, tight when the maximiser is inside
        if name == "pearson" and t < -2:
            # Nowozin et al.'s t^2/4 + t conjugates (u - 1)^2 on the whole line; over u >= 0 the sup is -1 below
            # t = -2 (at u = 0): larger, so E_P T - E_Q f*(T) stays a lower bound
            assert brute == pytest.approx(-1.0, abs=1e-5) and g.conjugate(t) >= brute
            continue
        assert g.conjugate(t) == pytest.approx(brute, rel=1e-6, abs=1e-6), (name, t)


@pytest.mark.parametrize("name", NAMES)
def test_normalized_integrand_matches_the_convex_function(name):
    g = CONVEX_FUNCTIONS[name]
    d = np.linspace(-6.0, 6.0, 241)
    u = np.exp(d)
    tilde = g.f(u) - g.f_one - g.slope_one * (u - 1.0)
    np.testing.assert_allclose(np.where(d <= 0, g.lower(d), np.exp(d) * g.upper(d)), tilde, rtol=1e-9, atol=1e-13)
    assert (tilde >= -1e-13).all()
    assert g.f(np.array(1.0)) == pytest.approx(g.f_one, abs=1e-15)
    # the optimal critic is f'(u): central differences
    h = 1e-6 * u
    fd = (g.f(u + h) - g.f(u - h)) / (2 * h)
    keep = np.abs(d) > 1e-3 if name == "total_variation" else slice(None)
    np.testing.assert_allclose(g.critic(d)[keep], fd[keep], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", NAMES)
def test_limits_at_zero_and_infinity(name):
    g = CONVEX_FUNCTIONS[name]
    with np.errstate(divide="ignore"):
        f0 = float(g.f(np.array(0.0)))
    assert g.f_zero == f0 or (g.f_zero == math.inf and f0 > 1e300)
    slope = float(g.f(np.array(1e12))) / 1e12
    assert (g.slope_infinity == math.inf and slope > 20) or g.slope_infinity == pytest.approx(slope, abs=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_perspective_dual_is_a_registry_entry(name):
    g = CONVEX_FUNCTIONS[name]
    dual = CONVEX_FUNCTIONS[g.dual]
    u = np.geomspace(1e-3, 1e3, 101)
    np.testing.assert_allclose(g.perspective(u), dual.f(u), rtol=1e-12, atol=1e-12)
    assert g.perspective(0.0) == g.slope_infinity


# -- bad input -----------------------------------------------------------------


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="must be one of .*'kl'.*'gan'"):
        f_divergence(gt.Normal(0, 1), gt.Normal(1, 1), "chi_square")


def test_callable_checks_say_which_fails():
    P, Q = gt.Normal(0, 1), gt.Normal(1, 1)
    with pytest.raises(ValueError, match="f\\(1\\) = 0"):
        f_divergence(P, Q, lambda u: u * np.log(u) + 1.0)
    with pytest.raises(ValueError, match="convex"):
        f_divergence(P, Q, lambda u: np.sqrt(u) - 1.0)
    with pytest.raises(ValueError, match="finite"):
        f_divergence(P, Q, lambda u: np.where(u > 10, np.nan, (u - 1) ** 2))
    with pytest.raises(TypeError, match="f must be a name in"):
        f_divergence(P, Q, 3)
    with pytest.raises(TypeError, match="both"):
        f_divergence(P, [0.5, 0.5], "kl")
    with pytest.raises(ValueError, match="method"):
        f_divergence(P, Q, "kl", method="closed")


# -- pmfs ----------------------------------------------------------------------


@settings(max_examples=40)
@given(pmf_tuples(2, max_size=12), st.sampled_from(NAMES))
def test_pmfs_non_negative_and_generic_sum_agrees(pq, name):
    p, q = pq
    value = f_divergence(p, q, name)
    generic = f_divergence(p, q, name, method="quadrature")
    assert close(value, generic, rtol=1e-9, atol=1e-12)
    if name == "gan":
        assert -2 * LOG2 - 1e-12 <= value <= 1e-12
    else:
        assert value >= 0.0


@settings(max_examples=40)
@given(pmf_tuples(2, max_size=12))
def test_pmfs_agree_with_kl_js_tv_and_with_callables(pq):
    p, q = pq
    assert close(f_divergence(p, q, "kl", method="quadrature"), gt.discrete.kl(p, q), rtol=1e-9)
    assert close(f_divergence(p, q, "reverse_kl", method="quadrature"), gt.discrete.kl(q, p), rtol=1e-9)
    assert close(f_divergence(p, q, "jensen_shannon", method="quadrature"), gt.discrete.js_divergence(p, q), rtol=1e-9)
    assert close(f_divergence(p, q, "total_variation", method="quadrature"), gt.discrete.tv(p, q), rtol=1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_callable = f_divergence(p, q, lambda u: np.where(u > 0, u * np.log(np.where(u > 0, u, 1.0)), 0.0))
    assert close(kl_callable, gt.discrete.kl(p, q), rtol=1e-7, atol=1e-10)


@settings(max_examples=30)
@given(pmf_tuples(4, max_size=10), st.floats(0.0, 1.0), st.sampled_from(DIVERGENCES))
def test_joint_convexity(pqs, lam, name):
    p1, q1, p2, q2 = pqs
    left = f_divergence(lam * p1 + (1 - lam) * p2, lam * q1 + (1 - lam) * q2, name)
    a, b = f_divergence(p1, q1, name), f_divergence(p2, q2, name)
    right = (lam * a if lam > 0 else 0.0) + ((1 - lam) * b if lam < 1 else 0.0)
    assert left <= right + 1e-9 * (1 + abs(right))


@settings(max_examples=30)
@given(pmf_tuples(2, min_size=2, max_size=12), st.data(), st.sampled_from(DIVERGENCES))
def test_data_processing_under_merging_bins(pq, data, name):
    p, q = pq
    k = data.draw(st.integers(1, p.size - 1))
    labels = np.sort(data.draw(st.lists(st.integers(0, k - 1), min_size=p.size, max_size=p.size)))  # merge into k bins
    merge = lambda w: np.bincount(labels, weights=w, minlength=k)  # noqa: E731
    pm, qm = merge(p), merge(q)
    if pm.sum() > 0 and qm.sum() > 0:
        assert f_divergence(pm, qm, name) <= f_divergence(p, q, name) + 1e-9


@settings(max_examples=40)
@given(pmf_tuples(2, max_size=12), st.sampled_from(NAMES))
def test_perspective_dual_swaps_the_arguments(pq, name):
    p, q = pq
    g = CONVEX_FUNCTIONS[name]
    assert close(f_divergence(p, q, name), f_divergence(q, p, g.dual), rtol=1e-9)


@settings(max_examples=40)
@given(pmf_tuples(2, max_size=12))
def test_hellinger_tv_and_pinsker_bounds(pq):
    # H^2 = 1 - sum sqrt(pq) (our squared_hellinger): H^2 <= TV <= sqrt(2) H (Tsybakov 2009, Lemma 2.3, whose
    # H^2 = sum (sqrt p - sqrt q)^2 is twice ours: H_T^2 / 2 <= V <= H_T sqrt(1 - H_T^2 / 4)); Pinsker TV <= sqrt(KL / 2)
    p, q = pq
    h2 = f_divergence(p, q, "squared_hellinger")
    assert h2 == pytest.approx(1.0 - np.sum(np.sqrt(p * q)), abs=1e-12)
    tv = f_divergence(p, q, "total_variation")
    assert h2 <= tv + 1e-12
    assert tv <= math.sqrt(h2 * (2.0 - h2)) + 1e-12 <= math.sqrt(2.0 * h2) + 2e-12
    assert tv <= math.sqrt(f_divergence(p, q, "kl") / 2.0) + 1e-12


def test_disjoint_pmfs_give_f0_plus_slope_at_infinity():
    p, q = [1.0, 0.0], [0.0, 1.0]
    expected = {
        "kl": math.inf,
        "reverse_kl": math.inf,
        "pearson": math.inf,
        "neyman": math.inf,
        "squared_hellinger": 1.0,
        "total_variation": 1.0,
        "jensen_shannon": LOG2,
        "gan": 0.0,
    }
    for name, value in expected.items():
        assert f_divergence(p, q, name) == pytest.approx(value, abs=1e-15)
        assert f_divergence(gt.Uniform(0, 1), gt.Uniform(2, 3), name) == pytest.approx(value, abs=1e-15)
        assert f_divergence(gt.Uniform(0, 1), gt.Uniform(2, 3), name, method="quadrature") == pytest.approx(
            value, abs=1e-15
        )


# -- analytic laws: closed forms -------------------------------------------------


def hellinger_normals(P, Q):
    s2 = P.scale**2 + Q.scale**2
    return 1.0 - math.sqrt(2 * P.scale * Q.scale / s2) * math.exp(-((P.loc - Q.loc) ** 2) / (4 * s2))


def pearson_normals(P, Q):
    """int p^2 / q - 1: finite iff 2 s_Q^2 > s_P^2."""
    a = 2 * Q.scale**2 - P.scale**2
    if a <= 0:
        return math.inf
    return Q.scale**2 / (P.scale * math.sqrt(a)) * math.exp((P.loc - Q.loc) ** 2 / a) - 1.0


@pytest.mark.slow  # about 5 s: four quadratures per example
@settings(max_examples=25)
@given(normal_dists(), normal_dists())
def test_closed_forms_between_normals(P, Q):
    assert close(f_divergence(P, Q, "squared_hellinger"), hellinger_normals(P, Q), rtol=1e-7, atol=1e-11)
    pearson = pearson_normals(P, Q)
    if pearson == math.inf or pearson > 1e12:
        assert f_divergence(P, Q, "pearson") > 1e10
    else:
        assert close(f_divergence(P, Q, "pearson"), pearson, rtol=1e-6, atol=1e-11)
        assert close(f_divergence(Q, P, "neyman"), pearson, rtol=1e-6, atol=1e-11)
    kl = math.log(Q.scale / P.scale) + (P.scale**2 + (P.loc - Q.loc) ** 2) / (2 * Q.scale**2) - 0.5  # Cover & Thomas
    assert close(f_divergence(P, Q, "kl", method="quadrature"), max(kl, 0.0), rtol=1e-7, atol=1e-11)


@pytest.mark.parametrize("sp, sq", [(1.0, 0.5), (2.0, 1.0), (3.0, 1.0)])
def test_pearson_is_infinite_when_the_tails_diverge(sp, sq):
    # int p^2 / q diverges iff s_P^2 >= 2 s_Q^2
    assert f_divergence(gt.Normal(0, sp), gt.Normal(0.3, sq), "pearson") == math.inf
    assert f_divergence(gt.Normal(0.3, sq), gt.Normal(0, sp), "neyman") == math.inf
    assert f_divergence(gt.Laplace(0, 1), gt.Laplace(0, 0.5), "pearson") == math.inf  # e^{-2|x| + 2|x|}


@pytest.mark.slow  # about 6 s: five generic quadratures and the library's own per example
@settings(max_examples=12)
@given(continuous_1d_dists(), continuous_1d_dists())
def test_generic_quadrature_agrees_with_kl_js_tv(P, Q):
    pairs = [
        ("kl", gt.kl(P, Q)),
        ("reverse_kl", gt.kl(Q, P)),
        ("jensen_shannon", gt.js_divergence(P, Q)),
        ("total_variation", gt.tv(P, Q)),
        ("gan", 2 * gt.js_divergence(P, Q) - 2 * LOG2),
    ]
    for name, expected in pairs:
        got = f_divergence(P, Q, name, method="quadrature")
        assert close(got, expected, rtol=1e-6, atol=1e-9), (name, got, expected)
        assert f_divergence(P, Q, name) == expected


@settings(max_examples=12)
@given(continuous_1d_dists(), continuous_1d_dists())
def test_analytic_hellinger_tv_pinsker_and_duality(P, Q):
    h2 = f_divergence(P, Q, "squared_hellinger")
    tv = gt.tv(P, Q)
    assert h2 <= tv + 1e-7
    assert tv <= math.sqrt(2.0 * h2) + 1e-7
    assert tv <= math.sqrt(gt.kl(P, Q) / 2.0) + 1e-7
    assert close(h2, f_divergence(Q, P, "squared_hellinger"), rtol=1e-6, atol=1e-9)
    assert close(f_divergence(P, Q, "pearson"), f_divergence(Q, P, "neyman"), rtol=1e-6, atol=1e-9)


def test_2d_cubature_against_closed_forms():
    A = gt.MultivariateNormal([0.0, 0.0], [[1.0, 0.3], [0.3, 1.0]])
    B = gt.MultivariateNormal([1.0, -0.5], [[2.0, 0.0], [0.0, 1.0]])
    # Bhattacharyya coefficient between Gaussians: exp(-D_B), D_B = dm' S^-1 dm / 8 + log(det S / sqrt(det A det B)) / 2
    S = 0.5 * (A.cov + B.cov)
    dm = A.mean - B.mean
    db = dm @ np.linalg.solve(S, dm) / 8 + 0.5 * math.log(
        np.linalg.det(S) / math.sqrt(np.linalg.det(A.cov) * np.linalg.det(B.cov))
    )
    assert f_divergence(A, B, "squared_hellinger") == pytest.approx(1.0 - math.exp(-db), rel=1e-7)
    assert f_divergence(A, B, "kl", method="quadrature") == pytest.approx(gt.kl(A, B), rel=1e-7)
    # a product sharing a marginal: the divergence of the other marginals
    P2, Q2 = gt.Product(gt.Normal(0, 1), gt.Uniform(0, 1)), gt.Product(gt.Normal(1, 1), gt.Uniform(0, 1))
    assert f_divergence(P2, Q2, "pearson") == pytest.approx(math.e - 1.0, rel=1e-9)


def test_point_masses_use_the_exact_sum():
    P = gt.PointMasses([0.0, 1.0, 2.0], [0.2, 0.5, 0.3])
    Q = gt.PointMasses([1.0, 2.0, 3.0], [0.4, 0.4, 0.2])
    p, q = np.array([0.2, 0.5, 0.3, 0.0]), np.array([0.0, 0.4, 0.4, 0.2])
    for name in NAMES:
        assert f_divergence(P, Q, name) == pytest.approx(f_divergence(p, q, name), abs=1e-15)
    assert f_divergence(P, Q, "squared_hellinger") == pytest.approx(1 - math.sqrt(0.2) - math.sqrt(0.12), abs=1e-15)


def test_the_names_before_the_redesign_still_work_with_a_deprecation_warning():
    # Generator (the convex f) clashed with a GAN's generator: ConvexFunction, CONVEX_FUNCTIONS, convex_function now
    from gantheory.divergences import f_divergences as fd

    for old, new in (
        ("Generator", fd.ConvexFunction),
        ("GENERATORS", fd.CONVEX_FUNCTIONS),
        ("generator", fd.convex_function),
    ):
        with pytest.warns(DeprecationWarning, match=f"{old} is deprecated"):
            assert getattr(fd, old) is new
    with pytest.raises(AttributeError):
        fd.no_such_name  # noqa: B018
