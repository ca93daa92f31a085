"""f_divergence against independent truths: mpmath at 30 digits, closed forms written here, and the exact divergence test.

The standing property (issue 24): for pairs of 1-D normals and 2-D Gaussians, near the chi^2 threshold and far apart,
every named f and a few callables, the value is right to 1e-8 relative, or ``inf`` where the truth is ``inf``, or it
comes with an ``AccuracyWarning``. Nothing here calls the library to compute a reference.
"""

import math
import os
import warnings

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gantheory as gt
from gantheory.divergences._laws import AccuracyWarning
from gantheory.divergences.f_divergences import f_divergence

RTOL = 1e-8


@pytest.fixture(autouse=True, scope="module")
def _thirty_digits():
    """mpmath at 30 digits for this module only (the setting is global: restore it for the other modules)."""
    with mp.workdps(30):
        yield


# the long versions (300 and 60 examples, several minutes) run when asked: GANTHEORY_LONG=1 python -m pytest -m slow
long_run = pytest.mark.skipif(
    os.environ.get("GANTHEORY_LONG") != "1", reason="set GANTHEORY_LONG=1 for the long property runs"
)


def triangular(u):
    """The bounded triangular-discrimination generator (u - 1)^2 / (u + 1): f(0) = 1, f'(inf) = 1."""
    return (u - 1.0) ** 2 / (u + 1.0)


def jeffreys(u):
    """Jeffreys' (u - 1) log u: KL(P||Q) + KL(Q||P)."""
    return (u - 1.0) * np.log(u)


def checked(call):
    """(value, warned): the call's value and whether it gave an AccuracyWarning (any other warning fails the test)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    others = [w for w in caught if not issubclass(w.category, AccuracyWarning)]
    assert not others, [str(w.message) for w in others]
    return value, bool(caught)


def assert_right(value, truth, warned, rtol=RTOL):
    """Right to rtol, inf where the truth is inf, or warned; never a silent wrong number (nor NaN)."""
    assert not math.isnan(value)
    if math.isinf(truth):
        assert value == math.inf or warned, (value, truth)
    elif not warned:
        assert abs(value - truth) <= rtol * abs(truth) + 1e-14, (value, truth, abs(value - truth) / abs(truth))


# -- independent references ------------------------------------------------------------------------------


def normal_logpdf(x, m, s):
    return -((x - m) ** 2) / (2 * s * s) - mp.log(s) - mp.log(2 * mp.pi) / 2


def mp_f_divergence_1d(f, m1, s1, m2, s2):
    """D_f(N(m1, s1^2) || N(m2, s2^2)) = int q f(p/q) by mpmath quadrature (30 digits) on a grid of both laws' scales."""
    m1, s1, m2, s2 = (mp.mpf(v) for v in (m1, s1, m2, s2))

    def integrand(x):
        lp, lq = normal_logpdf(x, m1, s1), normal_logpdf(x, m2, s2)
        return mp.exp(lq) * f(mp.exp(lp - lq))

    s = max(s1, s2)
    points = sorted(
        {float(c + k * w) for c, w in ((m1, s1), (m2, s2)) for k in (-40, -12, -6, -3, -1, 0, 1, 3, 6, 12, 40)}
    )
    return mp.quad(integrand, [-mp.inf] + [mp.mpf(p) for p in points] + [mp.inf], maxdegree=10) if s > 0 else None


def chi2_normal_1d(m1, s1, m2, s2):
    """chi^2(N(m1, s1^2) || N(m2, s2^2)) = s2^2 / (s1 sqrt(2 s2^2 - s1^2)) exp((m1 - m2)^2 / (2 s2^2 - s1^2)) - 1, inf if 2 s2^2 <= s1^2."""
    m1, s1, m2, s2 = (mp.mpf(v) for v in (m1, s1, m2, s2))
    a = 2 * s2 * s2 - s1 * s1
    if a <= 0:
        return math.inf
    return float(s2 * s2 / (s1 * mp.sqrt(a)) * mp.exp((m1 - m2) ** 2 / a) - 1)


def hellinger_normal_1d(m1, s1, m2, s2):
    """1 - int sqrt(pq) = 1 - sqrt(2 s1 s2 / (s1^2 + s2^2)) exp(-(m1 - m2)^2 / (4 (s1^2 + s2^2)))."""
    m1, s1, m2, s2 = (mp.mpf(v) for v in (m1, s1, m2, s2))
    v = s1 * s1 + s2 * s2
    return float(-mp.expm1(mp.log(mp.sqrt(2 * s1 * s2 / v)) - (m1 - m2) ** 2 / (4 * v)))


def kl_normal_1d(m1, s1, m2, s2):
    m1, s1, m2, s2 = (mp.mpf(v) for v in (m1, s1, m2, s2))
    return mp.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - mp.mpf(1) / 2


def gaussian_int_p2_over_q(mp_, cp, mq, cq):
    """int p^2 / q between 2-D Gaussians by completing the square in mpmath: inf unless A = 2 Cp^-1 - Cq^-1 is positive definite."""
    Cp, Cq = mp.matrix(cp.tolist()), mp.matrix(cq.tolist())
    Lp, Lq = Cp**-1, Cq**-1
    A = 2 * Lp - Lq
    if not (A[0, 0] > 0 and mp.det(A) > 0):
        return math.inf
    mp_, mq = mp.matrix(mp_.tolist()), mp.matrix(mq.tolist())
    b = 2 * Lp * mp_ - Lq * mq
    c = (2 * mp_.T * Lp * mp_ - mq.T * Lq * mq)[0]
    quad = c - (b.T * A**-1 * b)[0]
    return mp.sqrt(mp.det(Cq)) / (mp.det(Cp) * mp.sqrt(mp.det(A))) * mp.exp(-quad / 2)


def gaussian_bhattacharyya(mp_, cp, mq, cq):
    """int sqrt(pq) = |Cp|^1/4 |Cq|^1/4 / |C|^1/2 exp(-dm^T C^-1 dm / 8), C = (Cp + Cq) / 2 (Bhattacharyya)."""
    Cp, Cq = mp.matrix(cp.tolist()), mp.matrix(cq.tolist())
    C = (Cp + Cq) / 2
    dm = mp.matrix((mp_ - mq).tolist())
    return mp.det(Cp) ** 0.25 * mp.det(Cq) ** 0.25 / mp.sqrt(mp.det(C)) * mp.exp(-(dm.T * C**-1 * dm)[0] / 8)


# -- the audit's reproductions ---------------------------------------------------------------------------


@pytest.mark.parametrize("s", [0.7072, 0.71, 0.7123, 0.72])
@pytest.mark.parametrize("method", ["auto", "quadrature"])
def test_pearson_near_the_threshold_is_finite_and_right(s, method):
    # p^2/q decays like exp(-(1 - 1/(2 s^2)) x^2): barely integrable; the old form overflowed to inf
    value, warned = checked(lambda: f_divergence(gt.Normal(0, 1), gt.Normal(0, s), "pearson", method=method))
    assert_right(value, chi2_normal_1d(0, 1, 0, s), warned)
    assert math.isfinite(value)


@pytest.mark.parametrize(
    ("f", "P", "Q", "truth"),
    [
        (lambda u: -np.log(u), gt.Normal(0, 1), gt.Normal(5, 30), "kl_qp"),  # -log u: KL(Q||P) = 458.599
        (lambda u: u * np.log(u), gt.Normal(0, 1), gt.Normal(0, 1e-3), "kl_pq"),  # u log u: KL(P||Q) = 499,992.6
        (jeffreys, gt.Normal(0, 1), gt.Normal(0, 1e-3), "both"),  # KL(P||Q) + KL(Q||P) = 499,999
    ],
)
def test_callables_past_the_old_clip_match_the_closed_form(f, P, Q, truth):
    kl_pq = float(kl_normal_1d(P.loc, P.scale, Q.loc, Q.scale))
    kl_qp = float(kl_normal_1d(Q.loc, Q.scale, P.loc, P.scale))
    truth = {"kl_pq": kl_pq, "kl_qp": kl_qp, "both": kl_pq + kl_qp}[truth]
    value, warned = checked(lambda: f_divergence(P, Q, f))
    assert not warned and value == pytest.approx(truth, rel=RTOL)


def test_bounded_callables_that_overflow_are_right():
    # f = (u - 1)^2 / (u + 1) overflows at u ~ 1e154; its integrand tends to p there (f'(inf) = 1)
    ref = mp_f_divergence_1d(lambda u: (u - 1) ** 2 / (u + 1), 0, 1, 0, 1e-3)
    value, warned = checked(lambda: f_divergence(gt.Normal(0, 1), gt.Normal(0, 1e-3), triangular))
    assert not warned and value == pytest.approx(float(ref), rel=RTOL)

    # Laplace(0, 1) against N(0, 1), by mpmath
    def integrand(x):
        lp = -abs(x) - mp.log(2)
        lq = -x * x / 2 - mp.log(2 * mp.pi) / 2
        return mp.exp(lq) * (mp.exp(lp - lq) - 1) ** 2 / (mp.exp(lp - lq) + 1)

    ref = 2 * mp.quad(integrand, [0, 1, 2, 4, 8, 16, 40, mp.inf])
    value, warned = checked(lambda: f_divergence(gt.Laplace(0, 1), gt.Normal(0, 1), triangular))
    assert not warned and value == pytest.approx(float(ref), rel=RTOL)


def test_2d_pearson_whose_integrand_peaks_outside_p_is_right():
    # p^2/q peaks at (20, 20), 8.66 sd of P from its mean: outside a box sized for P's mass
    P, Q = gt.MultivariateNormal([5, 5], 3 * np.eye(2)), gt.MultivariateNormal([0, 0], 2 * np.eye(2))
    truth = float(gaussian_int_p2_over_q(P.mean, P.cov, Q.mean, Q.cov) - 1)
    assert truth == pytest.approx(6.913e21, rel=1e-3)
    for method in ("auto", "quadrature"):
        value, warned = checked(lambda: f_divergence(P, Q, "pearson", method=method))
        assert_right(value, truth, warned)
        assert not warned
    value, warned = checked(lambda: f_divergence(P, Q, lambda u: (u - 1) ** 2))  # the callable's exponential model
    assert_right(value, truth, warned)


def test_2d_neyman_divergent_between_the_old_probe_rays_is_inf():
    # 2 Cq^-1 - Cp^-1 (neyman: int q^2 / p) has a negative eigenvalue: divergent directions 5.8-16 degrees
    P, Q = gt.MultivariateNormal([0, 0], np.eye(2)), gt.MultivariateNormal([1, -0.5], [[2, 0.3], [0.3, 0.5]])
    assert np.linalg.eigvalsh(2 * np.linalg.inv(P.cov) - np.linalg.inv(Q.cov)).min() < 0
    assert gaussian_int_p2_over_q(Q.mean, Q.cov, P.mean, P.cov) == math.inf
    for method in ("auto", "quadrature"):
        assert f_divergence(P, Q, "neyman", method=method) == math.inf
    # the same pair as one-component mixtures: no Gaussian shortcut, the 256 probe rays catch the cone
    assert f_divergence(gt.Mixture([P]), gt.Mixture([Q]), "neyman") == math.inf


def test_2d_bounded_callable_against_brute_force():
    # isotropic pair: int q f(p/q) = int_0^inf 2 pi r q(r) f(p(r)/q(r)) dr, by mpmath
    s2 = mp.mpf("1e-3")

    def integrand(r):
        p = mp.exp(-r * r / 2) / (2 * mp.pi)
        q = mp.exp(-r * r / (2 * s2)) / (2 * mp.pi * s2)
        return 2 * mp.pi * r * (p - q) ** 2 / (p + q)

    ref = mp.quad(integrand, [0, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 4, 8, 16, mp.inf])
    P, Q = gt.MultivariateNormal([0, 0], np.eye(2)), gt.MultivariateNormal([0, 0], 1e-3 * np.eye(2))
    value, warned = checked(lambda: f_divergence(P, Q, triangular))
    assert not warned and value == pytest.approx(float(ref), rel=RTOL)


def test_pearson_between_a_gaussian_mixture_and_a_gaussian_is_the_sum_of_pair_integrals():
    # int p^2/q = sum_ij w_i w_j int p_i p_j / q, each a Gaussian integral (completing the square, here in mpmath)
    R, Q = gt.ring_of_gaussians(8), gt.MultivariateNormal([0, 0], 4 * np.eye(2))
    total = mp.mpf(0)
    for ci, wi in R._active:
        for cj, wj in R._active:
            Li, Lj, Lq = (mp.matrix(np.linalg.inv(c).tolist()) for c in (ci.cov, cj.cov, Q.cov))
            mi, mj, mq = (mp.matrix(m.tolist()) for m in (ci.mean, cj.mean, Q.mean))
            A = Li + Lj - Lq
            b = Li * mi + Lj * mj - Lq * mq
            c = (mi.T * Li * mi + mj.T * Lj * mj - mq.T * Lq * mq)[0]
            dets = mp.sqrt(
                mp.det(mp.matrix(Q.cov.tolist()))
                / (mp.det(mp.matrix(ci.cov.tolist())) * mp.det(mp.matrix(cj.cov.tolist())) * mp.det(A))
            )
            total += wi * wj * dets * mp.exp(-(c - (b.T * A**-1 * b)[0]) / 2)
    value, warned = checked(lambda: f_divergence(R, Q, "pearson"))
    assert_right(value, float(total - 1), warned)
    assert f_divergence(Q, R, "pearson") == math.inf  # Q's tails are heavier than every ring mode's


def test_unchecked_extrapolation_warns():
    # g(u) = u^2 log(1 + u) is convex; f = g - g(1) - g'(1)(u - 1). Its integrand grows like e^t t in t = log(p/q):
    # neither linear nor exponential in t (the exponential fit misses by ~2e-4 at the third point), and f overflows
    # at u ~ 1e154, so a quadrature that reaches past it must warn
    g1, dg1 = math.log(2.0), 2 * math.log(2.0) + 0.5

    def f(u):
        return u * u * np.log1p(u) - g1 - dg1 * (u - 1.0)

    value, warned = checked(lambda: f_divergence(gt.Normal(0, 1), gt.Normal(0, 0.75), f))
    assert warned and math.isfinite(value)


# -- the standing property test ------------------------------------------------------------------------

locs = st.floats(-30, 30)
log_scales = st.floats(-3, 3)
# scale ratios near the chi^2 threshold sqrt(1/2), on both sides, and ordinary ones
ratios = st.one_of(st.floats(0.2, 5.0), st.floats(-3e-3, 3e-3).map(lambda e: math.sqrt(0.5) * (1 + e)))


@st.composite
def normal_pairs(draw):
    m1, m2, ls, r = draw(locs), draw(locs), draw(log_scales), draw(ratios)
    s1 = math.exp(ls)
    s2 = s1 * r
    if draw(st.booleans()):
        s1, s2 = s2, s1
    return m1, s1, m2, s2


def _one_dim_cases(m1, s1, m2, s2):
    kl_pq, kl_qp = float(kl_normal_1d(m1, s1, m2, s2)), float(kl_normal_1d(m2, s2, m1, s1))
    return {
        "kl": kl_pq,
        "reverse_kl": kl_qp,
        "pearson": chi2_normal_1d(m1, s1, m2, s2),
        "neyman": chi2_normal_1d(m2, s2, m1, s1),
        "squared_hellinger": hellinger_normal_1d(m1, s1, m2, s2),
        jeffreys: kl_pq + kl_qp,
    }


def _check_normal_pair(pair, methods=("auto", "quadrature")):
    m1, s1, m2, s2 = pair
    P, Q = gt.Normal(m1, s1), gt.Normal(m2, s2)
    for f, truth in _one_dim_cases(*pair).items():
        for method in methods if isinstance(f, str) else ("auto",):
            value, warned = checked(lambda: f_divergence(P, Q, f, method=method))
            assert_right(value, truth, warned)


@settings(max_examples=25)
@given(normal_pairs())
def test_named_and_callable_f_between_normals_are_right_or_warn(pair):
    _check_normal_pair(pair)


@pytest.mark.slow
@long_run
@settings(max_examples=300)
@given(normal_pairs())
def test_named_and_callable_f_between_normals_are_right_or_warn_many(pair):
    _check_normal_pair(pair)


@settings(max_examples=6)
@given(
    normal_pairs().filter(lambda p: max(p[1], p[3]) / min(p[1], p[3]) < 20 and abs(p[0] - p[2]) < 20 * max(p[1], p[3]))
)
def test_bounded_callable_and_jsd_between_normals_against_mpmath(pair):
    # no closed form: mpmath at 30 digits (the pair kept where its quadrature grid resolves both laws)
    m1, s1, m2, s2 = pair
    P, Q = gt.Normal(m1, s1), gt.Normal(m2, s2)
    truth = float(mp_f_divergence_1d(lambda u: (u - 1) ** 2 / (u + 1), m1, s1, m2, s2))
    value, warned = checked(lambda: f_divergence(P, Q, triangular))
    assert_right(value, truth, warned, rtol=1e-7)


@st.composite
def gaussian_pairs_2d(draw):
    def cov():
        a, b = draw(st.floats(-1.5, 1.5)), draw(st.floats(-1.5, 1.5))
        angle = draw(st.floats(0, math.pi))
        R = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        return R @ np.diag([math.exp(a), math.exp(b)]) @ R.T

    means = st.lists(st.floats(-6, 6), min_size=2, max_size=2).map(np.array)
    return draw(means), cov(), draw(means), cov()


def _check_gaussian_pair_2d(pair, quadrature):
    mp_, cp, mq, cq = pair
    P, Q = gt.MultivariateNormal(mp_, cp), gt.MultivariateNormal(mq, cq)
    i_pq, i_qp = gaussian_int_p2_over_q(mp_, cp, mq, cq), gaussian_int_p2_over_q(mq, cq, mp_, cp)
    truths = {
        "pearson": math.inf if i_pq == math.inf else float(i_pq - 1),
        "neyman": math.inf if i_qp == math.inf else float(i_qp - 1),
        "squared_hellinger": float(1 - gaussian_bhattacharyya(mp_, cp, mq, cq)),
    }
    for name, truth in truths.items():
        value, warned = checked(lambda: f_divergence(P, Q, name))
        assert_right(value, truth, warned)
        if quadrature and (math.isinf(truth) or truth < 1e12):
            value, warned = checked(lambda: f_divergence(P, Q, name, method="quadrature"))
            assert_right(value, truth, warned, rtol=1e-7)


@settings(max_examples=20)
@given(gaussian_pairs_2d())
def test_2d_gaussian_chi2_and_hellinger_are_right_or_inf(pair):
    _check_gaussian_pair_2d(pair, quadrature=False)


@settings(max_examples=4)
@given(gaussian_pairs_2d())
def test_2d_gaussian_cubature_route_is_right_or_warns(pair):
    _check_gaussian_pair_2d(pair, quadrature=True)


@pytest.mark.slow
@long_run
@settings(max_examples=60)
@given(gaussian_pairs_2d())
def test_2d_gaussian_cubature_route_is_right_or_warns_many(pair):
    _check_gaussian_pair_2d(pair, quadrature=True)
