"""Exact divergences at the edges: narrow laws far from 0, nearly equal laws, overflow, Gaussian products against MVNs.

References are independent of the code under test: mpmath at 40 digits for
the textbook closed forms, and identities (affine invariance) that tie a
law narrower than the float spacing at its location to the same law at
ordinary scale, where the quadrature is well tested against SciPy.
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gantheory as gt

mpmath.mp.dps = 40
N = gt.Normal


@pytest.fixture(autouse=True)
def _forty_digits():
    """Every test here at 40 digits, whatever another test module set mpmath's global precision to at import."""
    with mpmath.workdps(40):
        yield


def mp_kl_normal(m1, s1, m2, s2):
    """Cover & Thomas: log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2, at 40 digits from the float parameters."""
    m1, s1, m2, s2 = (mpmath.mpf(v) for v in (m1, s1, m2, s2))
    return mpmath.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - mpmath.mpf(1) / 2


def mp_kl_laplace(m1, b1, m2, b2):
    """log(b2/b1) + |m1 - m2|/b2 + (b1/b2) exp(-|m1 - m2|/b1) - 1 at 40 digits."""
    m1, b1, m2, b2 = (mpmath.mpf(v) for v in (m1, b1, m2, b2))
    d = abs(m1 - m2)
    return mpmath.log(b2 / b1) + d / b2 + (b1 / b2) * mpmath.exp(-d / b1) - 1


def mp_kl_mvn(mean_p, cov_p, mean_q, cov_q):
    """0.5 [tr(Sq^-1 Sp) + d' Sq^-1 d - 2 + log det Sq - log det Sp] at 40 digits."""
    Sp, Sq = mpmath.matrix(cov_p.tolist()), mpmath.matrix(cov_q.tolist())
    d = mpmath.matrix((np.asarray(mean_q) - 0.0).tolist()) - mpmath.matrix(np.asarray(mean_p).tolist())
    inv = mpmath.inverse(Sq)
    prod = inv * Sp
    quad = (d.T * inv * d)[0, 0]
    return (prod[0, 0] + prod[1, 1] + quad - 2 + mpmath.log(mpmath.det(Sq)) - mpmath.log(mpmath.det(Sp))) / 2


def rel_err(value, reference):
    reference = float(reference)
    return abs(value - reference) / abs(reference)


# -- 1. laws narrower than the float spacing at their location --------------------------------


def test_narrow_mixture_component_far_from_zero_matches_the_closed_form():
    # the issue's reproduction: the quadrature gave 195.81 (spacing at 50 is 7e-15 > scale 1e-15)
    value = gt.kl(gt.Mixture([N(50, 1e-15)], [1.0]), N(50, 1))
    assert rel_err(value, mp_kl_normal(50, 1e-15, 50, 1)) < 1e-10


def test_sub_spacing_normal_against_a_narrow_bimodal_mixture():
    # the issue's second reproduction gave 0.0. The other mode (100 away, scale 1e-3) adds e^-(5e9): nothing,
    # so KL = -H(Q) - E_Q log(p1 / 2), a normal-normal cross entropy, at 40 digits
    P = gt.Mixture([N(-50, 1e-3), N(50, 1e-3)], [0.5, 0.5])
    loc, scale = -50.008835604552246, 1.909e-16
    expected = mp_kl_normal(loc, scale, -50, 1e-3) + mpmath.log(2)
    assert rel_err(gt.kl(N(loc, scale), P), expected) < 1e-9


sub_spacing = st.tuples(
    st.sampled_from([-3e8, -50.0, 1.0, 7.5e4, 1e9]),  # location
    st.floats(1e-19, 1e-9),  # scale: from far below to far above the float spacing there
    st.floats(0.3, 3.0),  # second scale, relative
    st.floats(-2.0, 2.0),  # shift of the second law, in scales
)


@settings(max_examples=25)
@given(sub_spacing, st.sampled_from(["kl", "js_divergence", "tv", "w1", "cramer"]))
def test_divergences_are_affine_invariant_down_to_sub_spacing_scales(params, name):
    # D(loc + s X, loc + s Y) = D(X, Y) for KL, JSD, TV; W1 scales by s, the Cramer distance by sqrt(s).
    # The right-hand side is at unit scale, where the quadrature agrees with SciPy (test_exact.py).
    loc, s, ratio, shift = params
    # mixtures: no closed form, the quadrature is used on both sides
    narrow_Y = gt.Mixture([N(loc + s * shift, s * ratio)])
    f = getattr(gt, name)
    factor = {"w1": s, "cramer": math.sqrt(s)}.get(name, 1.0)
    # loc + s * shift is rounded to the float grid at loc: the unit-scale pair uses the shift actually
    # made, (narrow loc - loc) / s (a difference of nearby floats, exact)
    (component,) = narrow_Y.components
    reference = f(N(0.0, 1.0), gt.Mixture([N((component.loc - loc) / s, component.scale / s)]))
    value = f(N(loc, s), narrow_Y) / factor
    # both sides are quadratures kept within 1e-8 relative (1e-12 absolute, times the scale for W1 and l2^2)
    assert abs(value - reference) <= 1e-7 * abs(reference) + 1e-11


def test_reverse_kl_projection_of_narrow_far_modes_respects_their_scales():
    # the issue: 709 s and a degenerate N(-50.0088, 1.9e-16) at "KL 0". Each mode N(+-50, 1e-3) is a local
    # optimum at KL = log 2 up to the other mode's overlap, e^-(10^10)
    P = gt.Mixture([N(-50, 1e-3), N(50, 1e-3)], [0.5, 0.5])
    proj = gt.mle.kl_projection(P, direction="reverse")
    found = sorted((Q.loc, Q.scale, v) for Q, v in proj.optima)
    assert len(found) == 2
    for (loc, scale, value), mode in zip(found, [-50.0, 50.0]):
        assert abs(loc - mode) < 1e-8 and abs(scale / 1e-3 - 1) < 1e-6
        assert abs(value - math.log(2)) < 1e-12


# -- 3. moments of mixtures far from the origin --------------------------------------------------


def test_mixture_variance_far_from_zero_is_the_law_of_total_variance():
    # E X^2 - (E X)^2 cancelled to 0.0 here; the truth is 1 + 1 (within) ... = 1 + Var(means) = 1 + 1
    assert gt.Mixture([N(1e9, 1), N(1e9 + 2, 1)]).var == 2.0
    A = gt.MultivariateNormal([1e9, -1e9], [[1.0, 0.5], [0.5, 2.0]])
    B = gt.MultivariateNormal([1e9 + 2, -1e9], [[1.0, 0.5], [0.5, 2.0]])
    # total covariance: the common covariance plus that of the means, (1/4) (2, 0)(2, 0)'
    np.testing.assert_array_equal(gt.Mixture([A, B]).cov, [[2.0, 0.5], [0.5, 2.0]])


@given(
    st.lists(st.tuples(st.floats(-5, 5), st.floats(0.1, 3)), min_size=1, max_size=5), st.sampled_from([0.0, 1e6, -1e9])
)
def test_mixture_variance_is_shift_invariant(components, shift):
    # Var(X + c) = Var(X): against the centred sum at the origin, where no cancellation can occur;
    # the shift rounds each mean by up to half a spacing at |c| (6e-8 at 1e9), moving Var by ~ 5 * that
    M0 = gt.Mixture([N(m, s) for m, s in components])
    Mc = gt.Mixture([N(m + shift, s) for m, s in components])
    means = np.array([m for m, _ in components])
    w = np.full(len(components), 1.0 / len(components))
    expected = w @ (np.array([s * s for _, s in components]) + (means - w @ means) ** 2)
    assert abs(M0.var - expected) <= 1e-13 * expected
    assert abs(Mc.var - expected) <= 1e-12 * expected + 10 * np.spacing(abs(shift)) * (np.abs(means).max() + 1)


# -- 6. nearly equal laws: closed forms at full relative accuracy, against mpmath -------------------

tiny = st.one_of(st.just(0.0), st.floats(1e-12, 1e-3), st.floats(-1e-3, -1e-12))


@given(st.floats(-1e3, 1e3), st.floats(1e-3, 1e3), tiny, tiny)
def test_normal_kl_of_nearly_equal_laws_keeps_relative_accuracy(loc, scale, dloc, dscale):
    P, Q = N(loc, scale), N(loc + dloc * scale, scale * (1.0 + dscale))
    expected = mp_kl_normal(P.loc, P.scale, Q.loc, Q.scale)  # from the floats actually used
    value = gt.kl(P, Q)
    assert value == 0.0 if expected == 0 else rel_err(value, expected) < 1e-12


@given(st.floats(-1e3, 1e3), st.floats(1e-3, 1e3), tiny, tiny)
def test_laplace_kl_of_nearly_equal_laws_keeps_relative_accuracy(loc, scale, dloc, dscale):
    P, Q = gt.Laplace(loc, scale), gt.Laplace(loc + dloc * scale, scale * (1.0 + dscale))
    expected = mp_kl_laplace(P.loc, P.scale, Q.loc, Q.scale)
    value = gt.kl(P, Q)
    assert value == 0.0 if expected == 0 else rel_err(value, expected) < 1e-12


def test_the_issues_near_identical_reproductions():
    # Laplace: 0.0 before (truth 5e-19); Normal: 8e-4 relative error; 2-D: 1e-2
    assert rel_err(gt.kl(gt.Laplace(0, 1), gt.Laplace(1e-9, 1)), mp_kl_laplace(0, 1, 1e-9, 1)) < 1e-14
    assert rel_err(gt.kl(N(0, 1), N(0, 1 + 1e-7)), mp_kl_normal(0, 1, 0, 1 + 1e-7)) < 1e-14
    I = np.eye(2)
    value = gt.kl(gt.MultivariateNormal([0, 0], I), gt.MultivariateNormal([1e-7, 0], I))
    assert rel_err(value, mp_kl_mvn([0, 0], I, [1e-7, 0], I)) < 1e-14


@settings(max_examples=40)
@given(
    st.floats(-0.9, 0.9),
    st.floats(0.2, 5),
    st.floats(0.2, 5),
    tiny,
    tiny,
    tiny,
    st.floats(-1e-6, 1e-6),
    st.floats(-1e-6, 1e-6),
)
def test_bivariate_normal_kl_of_nearly_equal_laws_keeps_relative_accuracy(rho, a, c, e1, e2, e3, d1, d2):
    b = rho * math.sqrt(a * c)
    cov_q = np.array([[a, b], [b, c]])
    cov_p = cov_q + np.array([[e1 * a, e3 * b], [e3 * b, e2 * c]])
    if np.linalg.eigvalsh(cov_p).min() <= 0:
        return
    mean_p, mean_q = np.array([1.0, -2.0]), np.array([1.0 + d1, -2.0 + d2])
    P, Q = gt.MultivariateNormal(mean_p, cov_p), gt.MultivariateNormal(mean_q, cov_q)
    expected = mp_kl_mvn(P.mean, P.cov, Q.mean, Q.cov)
    value = gt.kl(P, Q)
    # relative error ~ eps * condition number (at most (1 + 0.9) / (1 - 0.9) = 19 here)
    assert value == 0.0 if expected == 0 else rel_err(value, expected) < 1e-11


@pytest.mark.parametrize("rho", [0.99, 0.99999, -0.9999999, 0.999999999])
def test_bivariate_normal_kl_from_a_nearly_singular_covariance_keeps_relative_accuracy(rho):
    # issue 12's ridge: det S_P = 1 - rho^2 is tiny, so log det must not come from 1 + (an eigenvalue near -1)
    cov_p, cov_q = np.array([[1.0, rho], [rho, 1.0]]), np.diag([2500.0, 1.0])
    P, Q = gt.MultivariateNormal([-50.0, 0.0], cov_p), gt.MultivariateNormal([0.0, 0.0], cov_q)
    # error ~ eps / (1 - rho^2) in log det S_P: 1e-16 / 2e-9 = 5e-8 absolute at the last rho, on a KL of about 19
    assert rel_err(gt.kl(P, Q), mp_kl_mvn(P.mean, P.cov, Q.mean, Q.cov)) < 1e-16 / (1 - rho * rho) + 1e-14


def test_nearly_equal_products_add_up_without_cancellation():
    P = gt.Product(N(0, 1), gt.Laplace(0, 1))
    Q = gt.Product(N(1e-8, 1), gt.Laplace(0, 1 + 1e-8))
    expected = mp_kl_normal(0, 1, 1e-8, 1) + mp_kl_laplace(0, 1, 0, 1 + 1e-8)
    assert rel_err(gt.kl(P, Q), expected) < 1e-12


# -- 10. overflow gives the right limit; Gaussian products against MVNs -------------------------------


def mp_folded_mean(mu, sigma):
    """E|mu + sigma Z| at 40 digits."""
    mu, sigma = mpmath.mpf(mu), abs(mpmath.mpf(sigma))
    return sigma * mpmath.sqrt(2 / mpmath.pi) * mpmath.exp(-(mu**2) / (2 * sigma**2)) + mu * mpmath.erf(
        mu / (sigma * mpmath.sqrt(2))
    )


@pytest.mark.parametrize(
    "P, Q",
    [
        (N(1e308, 1e308), N(0, 1)),
        (N(-1e308, 1), N(1e308, 1)),
        (gt.Laplace(1e308, 1e308), gt.Laplace(0, 1)),
        (gt.Laplace(-1e308, 1), gt.Laplace(1e308, 1)),
    ],
)
def test_kl_that_overflows_is_inf(P, Q):
    # KL >= the mean term (m1 - m2)^2 / 2 s2^2 (normal) or |m1 - m2| / b2 (Laplace), beyond the largest float here
    assert gt.kl(P, Q) == math.inf


def test_huge_but_representable_values_are_returned_not_overflowed():
    # KL(N(0, 1) || N(1e308, 1e308)): log(1e308) + (1 + 1) / 2 - 1/2, finite
    assert rel_err(gt.kl(N(0, 1), N(1e308, 1e308)), mp_kl_normal(0, 1, 1e308, 1e308)) < 1e-14
    # W1 between normals: E|dmu + dsigma Z| ~ 1.17e308, representable though dsigma^2 is not
    assert rel_err(gt.w1(N(1e308, 1e308), N(0, 1)), mp_folded_mean(1e308, 1e308 - 1)) < 1e-12
    assert gt.w1(N(-1e308, 1), N(1e308, 1)) == math.inf  # 2e308
    # energy distance: 2 E|X - Y| - E|X - X'| - E|Y - Y'|, each a folded-normal mean
    s = mpmath.sqrt(mpmath.mpf(1e308) ** 2 + 1)
    energy = (
        2 * mp_folded_mean(1e308, s) - mp_folded_mean(0, 1e308 * mpmath.sqrt(2)) - mp_folded_mean(0, mpmath.sqrt(2))
    )
    assert rel_err(gt.energy_distance(N(1e308, 1e308), N(0, 1)), energy) < 1e-10


def test_w1_between_a_gaussian_product_and_an_mvn_of_equal_covariance():
    # the issue: NotImplementedError. Equal covariances: Y = X + dmu is optimal, W1 = |dmu| = 5 (3-4-5)
    P = gt.Product(N(0, 1), N(0, 2))
    assert gt.w1(P, gt.MultivariateNormal([3, 4], np.diag([1.0, 4.0]))) == 5.0
    assert gt.w1(gt.MultivariateNormal([3, 4], np.diag([1.0, 4.0])), P) == 5.0
    assert gt.w1(P, gt.Product(N(3, 1), N(4, 2))) == 5.0
    # unequal covariances: no closed form in 2-D, as the docstring says
    with pytest.raises(NotImplementedError, match="no closed form"):
        gt.w1(P, gt.MultivariateNormal([3, 4], np.eye(2)))


def test_uniform_whose_width_overflows_is_refused():
    with pytest.raises(ValueError, match="high - low must be a finite"):
        gt.Uniform(-1e308, 1e308)


def test_subnormal_scales_are_refused():
    # below 2.2e-308 a scale has fewer than 53 significant bits: offsets in its units lose precision
    for make in (lambda: N(0.0, 1e-310), lambda: gt.Laplace(0.0, 5e-324)):
        with pytest.raises(ValueError, match="scale must be at least"):
            make()
    assert gt.kl(N(0.0, 1e-300), N(0.0, 1e-300 * (1 + 1e-9))) > 0  # a normal float is fine
