"""SymPy derivations against independent numerics: quadrature, root finding, SciPy, complex-step derivatives.

Complex-step differentiation, f'(x) = Im f(x + ih) / h with h = 1e-30, has no
subtractive cancellation, so it is accurate to machine precision and lets
derivatives be compared to 1e-12 (central differences would stop near 1e-8).
"""

import numpy as np
import pytest
import scipy.optimize
import scipy.stats
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gantheory as gt
from gantheory import symbolic
from gantheory.strategies import gaussian_params, probability_vectors

H = 1e-30  # complex step
TOL = 1e-12
densities = st.floats(1e-3, 1e3)


def complex_step(f, x):
    """Derivative of a real-analytic numpy function f at real x, to machine precision."""
    return np.imag(f(x + 1j * H)) / H


# -- Gaussian KL -------------------------------------------------------------


@given(gaussian_params(), gaussian_params())
def test_gaussian_kl_matches_gauss_hermite_expectation_of_log_ratio(pq, qq):
    (m1, sd1), (m2, sd2) = pq, qq
    # log p - log q is a quadratic in x, so 5-node Gauss-Hermite quadrature of
    # E_P[log p(X) - log q(X)] with scipy's logpdf is exact up to round-off.
    nodes, weights = np.polynomial.hermite.hermgauss(5)
    xs = m1 + np.sqrt(2.0) * sd1 * nodes
    log_ratio = scipy.stats.norm.logpdf(xs, m1, sd1) - scipy.stats.norm.logpdf(xs, m2, sd2)
    reference = weights @ log_ratio / np.sqrt(np.pi)
    value = symbolic.gaussian_kl().numeric()(m1, sd1, m2, sd2)
    # round-off of the quadrature scales with the size of the summed terms
    scale = np.abs(weights) @ np.abs(log_ratio) / np.sqrt(np.pi)
    assert abs(value - reference) <= TOL * max(1.0, scale)


@given(gaussian_params(), gaussian_params())
def test_gaussian_kl_matches_the_closed_form_of_the_exact_divergences(pq, qq):
    value = symbolic.gaussian_kl().numeric()(*pq, *qq)
    reference = gt.kl(gt.Normal(*pq), gt.Normal(*qq))
    assert abs(value - reference) <= TOL * max(1.0, reference)


def test_gaussian_kl_vanishes_for_equal_gaussians():
    # KL(P||P) = 0 holds as an identity of the expression, not only numerically
    expr = symbolic.gaussian_kl().expr
    assert sp.simplify(expr.subs({symbolic.mu2: symbolic.mu1, symbolic.sigma2: symbolic.sigma1})) == 0


# -- optimal discriminator and V(D*, G) --------------------------------------


@given(densities, densities)
def test_optimal_discriminator_is_the_root_of_the_pointwise_first_order_condition(p, q):
    d_star = symbolic.optimal_discriminator().numeric()(p, q)
    root = scipy.optimize.brentq(
        lambda d: p / d - q / (1 - d), 1e-9, 1 - 1e-9, xtol=1e-16, rtol=4 * np.finfo(float).eps
    )
    assert abs(d_star - root) <= TOL


@given(densities, densities, st.floats(1e-6, 1 - 1e-6))
def test_optimal_discriminator_beats_any_other_output(p, q, d):
    def objective(d):
        return p * np.log(d) + q * np.log1p(-d)

    d_star = symbolic.optimal_discriminator().numeric()(p, q)
    assert objective(d_star) >= objective(d) - TOL * (p + q)


@given(
    probability_vectors(min_size=2, allow_zeros=False).flatmap(
        lambda p: st.tuples(st.just(p), probability_vectors(len(p), allow_zeros=False))
    )
)
def test_value_at_optimal_discriminator_is_minus_log4_plus_twice_jsd(pq):
    p, q = (v / v.sum() for v in pq)
    value = symbolic.value_at_optimal_discriminator().numeric()(p, q).sum()
    m = (p + q) / 2
    jsd = (scipy.stats.entropy(p, m) + scipy.stats.entropy(q, m)) / 2  # SciPy's KL
    assert abs(value - (-np.log(4) + 2 * jsd)) <= TOL
    assert abs(symbolic.jsd_integrand().numeric()(p, q).sum() - jsd) <= TOL


def test_value_at_optimal_discriminator_equals_jsd_form_symbolically():
    p, q = symbolic.p, symbolic.q
    gap = symbolic.value_at_optimal_discriminator().expr - 2 * symbolic.jsd_integrand().expr + (p + q) / 2 * sp.log(4)
    assert sp.simplify(sp.expand_log(gap, force=True)) == 0


# -- generator costs and their slopes ----------------------------------------

NUMPY_COSTS = {
    ("minimax", "D"): lambda d: np.log(1 - d),
    ("non_saturating", "D"): lambda d: -np.log(d),
    # log(1 - sigmoid(a)) = -log1p(e^a), -log sigmoid(a) = log1p(e^-a): no cancellation near D = 1
    ("minimax", "logit"): lambda a: -np.log1p(np.exp(a)),
    ("non_saturating", "logit"): lambda a: np.log1p(np.exp(-a)),
}
DOMAINS = {"D": st.floats(1e-6, 1 - 1e-6), "logit": st.floats(-30, 30)}


@pytest.mark.parametrize("loss, wrt", sorted(NUMPY_COSTS))
@given(data=st.data())
def test_generator_cost_slope_matches_complex_step_derivative(loss, wrt, data):
    u = data.draw(DOMAINS[wrt])
    f = NUMPY_COSTS[loss, wrt]
    # the value of the cost itself
    assert abs(symbolic.generator_cost(loss, wrt).numeric()(u) - f(u)) <= TOL * max(1.0, abs(f(u)))
    slope = symbolic.generator_cost_slope(loss, wrt).numeric()(u)
    reference = complex_step(f, u)
    assert abs(slope - reference) <= TOL * max(1.0, abs(reference))


def test_minimax_gradient_vanishes_while_non_saturating_stays_strong():
    # a confident discriminator: logit -30, D(G(z)) = sigmoid(-30) ~ 9.4e-14
    a = -30.0
    minimax = symbolic.generator_cost_slope("minimax", "logit").numeric()(a)
    non_saturating = symbolic.generator_cost_slope("non_saturating", "logit").numeric()(a)
    assert abs(minimax) < 1e-12  # -sigmoid(a) -> 0
    assert abs(non_saturating + 1) < 1e-12  # -(1 - sigmoid(a)) -> -1


def test_generator_cost_defaults_to_the_non_saturating_loss():
    # the one default loss of the package; -log D written by hand
    assert symbolic.generator_cost().expr == -sp.log(symbolic.D)
    assert symbolic.generator_cost_slope(wrt="D").expr == -1 / symbolic.D


def test_generator_cost_rejects_unknown_names():
    with pytest.raises(ValueError, match="loss must be one of"):
        symbolic.generator_cost("hinge")
    with pytest.raises(ValueError, match="loss must be one of"):
        symbolic.generator_cost(loss="gan")  # the old Dirac-GAN name is not a generator cost
    with pytest.raises(ValueError, match="wrt must be one of"):
        symbolic.generator_cost_slope("minimax", wrt="x")


# -- Dirac-GAN ---------------------------------------------------------------


def numpy_dirac_value(loss, theta, psi):
    if loss == "minimax":
        return -np.log(1 + np.exp(-psi * theta)) - np.log(2.0)
    return psi * theta


def numpy_dirac_field(loss, theta, psi):
    """v = (-psi f'(psi theta), theta f'(psi theta)), with f' written by hand."""
    fprime = 1 / (1 + np.exp(psi * theta)) if loss == "minimax" else 1.0
    return np.array([-psi * fprime, theta * fprime])


params = st.floats(-5, 5)


@pytest.mark.parametrize("loss", symbolic.DIRAC_LOSSES)
@given(theta=params, psi=params)
def test_dirac_gan_vector_field_is_descent_ascent_of_the_value(loss, theta, psi):
    field = symbolic.dirac_gan_vector_field(loss).numeric()(theta, psi).ravel()
    grad_theta = complex_step(lambda th: numpy_dirac_value(loss, th, psi), theta)
    grad_psi = complex_step(lambda ps: numpy_dirac_value(loss, theta, ps), psi)
    np.testing.assert_allclose(field, [-grad_theta, grad_psi], rtol=TOL, atol=TOL)
    np.testing.assert_allclose(numpy_dirac_field(loss, theta, psi), [-grad_theta, grad_psi], rtol=TOL, atol=TOL)
    assert abs(symbolic.dirac_gan_value(loss).numeric()(theta, psi) - numpy_dirac_value(loss, theta, psi)) <= TOL


@pytest.mark.parametrize("loss", symbolic.DIRAC_LOSSES)
@given(theta=params, psi=params)
def test_dirac_gan_jacobian_matches_complex_step(loss, theta, psi):
    jac = np.asarray(symbolic.dirac_gan_jacobian(loss).numeric()(theta, psi), dtype=float)
    columns = [
        complex_step(lambda th: numpy_dirac_field(loss, th, psi), theta),
        complex_step(lambda ps: numpy_dirac_field(loss, theta, ps), psi),
    ]
    np.testing.assert_allclose(jac, np.column_stack(columns), rtol=TOL, atol=TOL)


@pytest.mark.parametrize("loss, fprime0", [("minimax", 0.5), ("wgan", 1.0)])
def test_dirac_gan_eigenvalues_are_plus_minus_i_fprime0(loss, fprime0):
    # numeric Jacobian at the equilibrium by complex step, eigenvalues by LAPACK
    columns = [
        complex_step(lambda th: numpy_dirac_field(loss, th, 0.0), 0.0),
        complex_step(lambda ps: numpy_dirac_field(loss, 0.0, ps), 0.0),
    ]
    numeric = np.sort_complex(np.linalg.eigvals(np.column_stack(columns)))
    symbolic_eigs = np.array([complex(ev) for ev in symbolic.dirac_gan_eigenvalues(loss)])
    np.testing.assert_allclose(symbolic_eigs, numeric, atol=TOL)
    np.testing.assert_allclose(symbolic_eigs, [-1j * fprime0, 1j * fprime0], atol=TOL)
    at_eq = np.asarray(symbolic.dirac_gan_jacobian(loss, at_equilibrium=True).numeric()(), dtype=float)
    np.testing.assert_allclose(at_eq, np.column_stack(columns), atol=TOL)


@pytest.mark.parametrize("old_name", ["hinge", "gan"])
def test_dirac_gan_rejects_unknown_loss(old_name):
    with pytest.raises(ValueError, match="loss must be one of"):
        symbolic.dirac_gan_jacobian(old_name)


# -- maximum likelihood ------------------------------------------------------


@given(hnp.arrays(np.float64, st.integers(2, 40), elements=st.floats(-10, 10)))
def test_gaussian_mle_matches_scipy_norm_fit(x):
    n, s1, s2 = x.size, x.sum(), (x**2).sum()
    assume(x.var() > 1e-6 * s2 / n)  # a sample with some spread
    est = symbolic.gaussian_mle()
    loc, scale = scipy.stats.norm.fit(x)  # SciPy's maximum-likelihood fit
    assert abs(est.loc.numeric()(n, s1, s2) - loc) <= TOL * max(1.0, np.abs(x).max())
    # s2/n - (s1/n)^2 cancels: its round-off is a few ulps of the second moment s2/n
    assert abs(est.scale.numeric()(n, s1, s2) ** 2 - scale**2) <= TOL * s2 / n


@given(st.integers(2, 10_000).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n - 1))))
def test_bernoulli_mle_is_the_root_of_the_score(nk):
    n, k = nk
    root = scipy.optimize.brentq(
        lambda p: k / p - (n - k) / (1 - p), 1e-9, 1 - 1e-9, xtol=1e-16, rtol=4 * np.finfo(float).eps
    )
    assert abs(symbolic.bernoulli_mle().numeric()(n, k) - root) <= TOL
    assert symbolic.bernoulli_mle().numeric()(n, k) == np.mean(np.arange(n) < k)


@given(
    hnp.arrays(np.float64, st.integers(2, 40), elements=st.integers(-1000, 1000).map(lambda i: i / 8)),
    st.sampled_from([1e8, -1e8, 1e12]),
)
def test_gaussian_mle_fit_is_precise_for_data_far_from_the_origin(z, offset):
    # x = offset + z is exact in floats (z on a 1/8 grid), so the truth is the spread of z,
    # computed by NumPy on the un-offset sample: the two-pass fit must not lose digits to the offset.
    assume(z.std() > 0)
    loc, scale = symbolic.gaussian_mle().fit(offset + z)
    assert abs(loc - (offset + z.mean())) <= 1e-15 * abs(offset) + 1e-12
    assert scale == pytest.approx(z.std(), rel=1e-12)


# -- stable numeric forms ------------------------------------------------------


def _logit_derivations():
    for loss in symbolic.COSTS:
        yield f"cost {loss}", symbolic.generator_cost(loss, "logit")
        yield f"slope {loss}", symbolic.generator_cost_slope(loss, "logit")


@pytest.mark.parametrize("name, derivation", list(_logit_derivations()), ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("a", [-1e4, -800.0, -40.0, -1.0, 0.0, 2.5, 40.0, 800.0, 1e4])
def test_numeric_logit_forms_match_40_digit_evaluation_at_any_logit(name, derivation, a):
    # Truth: the derived expression itself, evaluated by mpmath at 40 digits (no overflow there).
    truth = float(derivation.expr.evalf(40, subs={symbolic.a: sp.Float(a, 40)}))
    value = float(derivation.numeric()(a))  # a RuntimeWarning (overflow) fails the test
    assert value == pytest.approx(truth, rel=1e-13, abs=1e-300)


def test_minimax_cost_at_a_large_logit_is_minus_the_logit():
    # log(1 - sigmoid(800)) = -log(1 + e^800) = -800 - log1p(e^-800) = -800 in floats
    assert symbolic.generator_cost("minimax", "logit").numeric()(800.0) == -800.0


@pytest.mark.parametrize("loss", symbolic.DIRAC_LOSSES)
@pytest.mark.parametrize("theta, psi", [(800.0, 3.0), (-50.0, 40.0), (0.3, -0.5), (1e3, -1e3)])
def test_dirac_gan_numeric_forms_match_40_digit_evaluation_far_from_equilibrium(loss, theta, psi):
    at = {symbolic.theta: sp.Float(theta, 40), symbolic.psi: sp.Float(psi, 40)}
    for derivation in (
        symbolic.dirac_gan_value(loss),
        symbolic.dirac_gan_vector_field(loss),
        symbolic.dirac_gan_jacobian(loss),
    ):
        truth = np.array(sp.N(derivation.expr.subs(at), 40), dtype=float)
        value = np.asarray(derivation.numeric()(theta, psi), dtype=float)
        np.testing.assert_allclose(value, truth.reshape(value.shape), rtol=1e-13, atol=1e-300)


def test_log_of_one_minus_d_keeps_its_digits_near_zero():
    # log(1 - D) = -D - D^2/2 - ...: at D = 1e-20 the naive form gives 0
    assert symbolic.generator_cost("minimax", "D").numeric()(1e-20) == pytest.approx(-1e-20, rel=1e-15)


# -- import cost -----------------------------------------------------------------


def test_import_gantheory_does_not_import_sympy_until_symbolic_is_used():
    # A fresh interpreter: SymPy (about half a second to import) loads only with gt.symbolic.
    import subprocess
    import sys

    code = (
        "import sys, gantheory as gt\n"
        "assert 'sympy' not in sys.modules, 'import gantheory imported sympy'\n"
        "gt.symbolic.optimal_discriminator()\n"
        "assert 'sympy' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)


# -- the Dirac-GAN's update maps (two step sizes, R1) -------------------------------------------


def test_alternating_cycles_for_h_f_prime_below_two_and_has_a_jordan_block_at_two():
    # lr = d_lr = h, f'(0) = 1/2: det 1, trace 2 - h²/4; complex pair (on the unit circle) iff h f'(0) < 2
    h = sp.Symbol("h", positive=True)
    M = sp.Matrix(
        symbolic.dirac_gan_update_jacobian("alternating", "minimax").expr.subs({symbolic.lr: h, symbolic.d_lr: h})
    )
    assert sp.simplify(M.det() - 1) == 0 and sp.simplify(M.trace() - (2 - h**2 / 4)) == 0
    discriminant = sp.factor(M.trace() ** 2 - 4 * M.det())  # < 0: a complex pair of modulus sqrt(det) = 1
    complex_pair = sp.solve_univariate_inequality(discriminant < 0, h, relational=False)
    assert complex_pair.intersect(sp.Interval.open(0, sp.oo)) == sp.Interval.open(0, 4)  # h > 0
    at_two = M.subs(h, 4)  # h f'(0) = 2
    assert at_two.eigenvals() == {-1: 2}
    assert at_two != -sp.eye(2)  # not diagonalizable: a Jordan block, so iterates grow linearly
    P, J = at_two.jordan_form()
    assert J == sp.Matrix([[-1, 1], [0, -1]])


def test_r1_step_rule_holds_for_gamma_up_to_two_f_prime_only():
    # simultaneous GD with R1: |1 + hλ|² = 1 - hγ + h²a² while λ is complex (γ <= 2a); above, the λ are real and the
    # rule h < γ/a² fails: the true threshold is 2/(γ/2 + sqrt(γ²/4 - a²)).
    a = sp.Rational(1, 2)
    h = sp.Symbol("h", positive=True)
    derivation = symbolic.dirac_gan_update_jacobian("simultaneous", "minimax", r1=True)
    M = sp.Matrix(derivation.expr.subs({symbolic.lr: h, symbolic.d_lr: h}))
    assert sp.simplify(M.det() - (1 - h * symbolic.gamma + h**2 * a**2)) == 0  # = |λ|² for a conjugate pair
    for gamma in (sp.Rational(3, 10), sp.Rational(1, 1)):  # γ <= 2a = 1: radius < 1 iff h < γ/a²
        radius = lambda value: max(abs(complex(e)) for e in M.subs({symbolic.gamma: gamma, h: value}).eigenvals())  # noqa: E731
        assert radius(0.99 * gamma / a**2) < 1 < radius(1.01 * gamma / a**2)
    gamma = 2  # γ > 2a: real eigenvalues; h = 4 < γ/a² = 8 diverges already
    radius = lambda value: max(abs(complex(e)) for e in M.subs({symbolic.gamma: gamma, h: value}).eigenvals())  # noqa: E731
    threshold = 2 / (gamma / 2 + np.sqrt(gamma**2 / 4 - 0.25))
    assert radius(4) > 1 and radius(0.99 * threshold) < 1 < radius(1.01 * threshold)


@pytest.mark.parametrize("loss, a2", [("minimax", sp.Rational(1, 4)), ("wgan", 1)])
def test_update_eigenvalues_closed_forms_in_s(loss, a2):
    s = symbolic.lr * symbolic.d_lr * a2
    simultaneous = symbolic.dirac_gan_update_eigenvalues("simultaneous", loss)
    extragradient = symbolic.dirac_gan_update_eigenvalues("extragradient", loss)
    for values, modulus2 in [(simultaneous, 1 + s), (extragradient, 1 - s + s**2)]:
        for value in values:
            assert sp.simplify(sp.expand(value * sp.conjugate(value)) - modulus2) == 0
    optimistic = symbolic.dirac_gan_update_eigenvalues("optimistic", loss)
    assert len(optimistic) == 4
    for lr_value, d_value in [(0.3, 0.7), (1.0, 2.0), (2.0, 3.0)]:  # numeric against the 4x4 map's eigenvalues
        M = symbolic.dirac_gan_update_jacobian("optimistic", loss).expr.subs(
            {symbolic.lr: lr_value, symbolic.d_lr: d_value}
        )
        numeric = np.linalg.eigvals(np.array(M, dtype=float))
        closed = np.array([complex(v.subs({symbolic.lr: lr_value, symbolic.d_lr: d_value})) for v in optimistic])
        assert all(np.abs(numeric - c).min() < 1e-9 for c in closed)


def test_update_jacobian_refuses_unknown_rules():
    with pytest.raises(ValueError, match="update must be one of"):
        symbolic.dirac_gan_update_jacobian("jacobi")


def test_smoothed_optimal_discriminator_maximizes_the_soft_target_objective_numerically():
    # independent truth: a bounded scalar maximization of the pointwise objective at random (p, q, alpha, beta)
    d = symbolic.smoothed_optimal_discriminator()
    assert d.args == (symbolic.p, symbolic.q, symbolic.alpha, symbolic.beta)
    f = d.numeric()
    rng = np.random.default_rng(0)
    for _ in range(50):
        pp, qq = rng.uniform(0.01, 3.0, size=2)
        a, b = rng.uniform(0.0, 1.0, size=2)

        def negative(y, pp=pp, qq=qq, a=a, b=b):
            return -(pp * (a * np.log(y) + (1 - a) * np.log1p(-y)) + qq * (b * np.log(y) + (1 - b) * np.log1p(-y)))

        best = scipy.optimize.minimize_scalar(
            negative, bounds=(1e-12, 1 - 1e-12), method="bounded", options={"xatol": 1e-10}
        )
        assert abs(f(pp, qq, a, b) - best.x) < 1e-6
    # alpha = 1, beta = 0: the plain D* = p / (p + q)
    assert symbolic.smoothed_optimal_discriminator().expr.subs({symbolic.alpha: 1, symbolic.beta: 0}) == (
        symbolic.optimal_discriminator().expr
    )
