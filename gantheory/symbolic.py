r"""SymPy derivations of the closed forms behind GAN theory.

Each function *derives* its result with SymPy (solving a stationarity
condition, differentiating, substituting moments) rather than typing the
answer in, and returns a :class:`Derivation`: the SymPy expression ``expr``,
the ordered symbols ``args`` it depends on, and ``numeric()``, a NumPy function
made by :func:`sympy.lambdify` that takes the arguments in that order.

* :func:`gaussian_kl`: KL(N(μ1, σ1²) ‖ N(μ2, σ2²));
* :func:`optimal_discriminator`: D* = p/(p+q), the maximizer of p log D + q log(1-D);
* :func:`smoothed_optimal_discriminator`: D* = (αp + βq)/(p+q) with label targets α (real) and β (fake);
* :func:`value_at_optimal_discriminator` and :func:`jsd_integrand`: V(D*, G) = -log 4 + 2 JSD(P, Q);
* :func:`generator_cost` and :func:`generator_cost_slope`: the minimax cost
  log(1-D) and the non-saturating cost -log D, and their slopes with respect
  to D(G(z)) or to the discriminator's logit (the vanishing-gradient story);
* :func:`dirac_gan_vector_field`, :func:`dirac_gan_jacobian`,
  :func:`dirac_gan_eigenvalues`: the Dirac-GAN of Mescheder et al. (2018);
  :func:`dirac_gan_update_jacobian` and :func:`dirac_gan_update_eigenvalues`:
  one step of simultaneous, alternating, extragradient or optimistic
  gradient descent at its equilibrium, with two step sizes (and R1);
* :func:`gaussian_mle` and :func:`bernoulli_mle`: maximum-likelihood estimates
  from sufficient statistics.

Derivations are cached: the second call returns the same object at once.

Examples
--------
>>> from gantheory import symbolic
>>> d = symbolic.optimal_discriminator()
>>> d.expr
p/(p + q)
>>> d.numeric()(1.0, 3.0)
0.25
>>> symbolic.dirac_gan_eigenvalues("minimax")
(-I/2, I/2)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp
from sympy.codegen.cfunctions import log1p

from gantheory._validation import check_choice

__all__ = [
    "Derivation",
    "gaussian_kl",
    "optimal_discriminator",
    "smoothed_optimal_discriminator",
    "value_at_optimal_discriminator",
    "jsd_integrand",
    "generator_cost",
    "generator_cost_slope",
    "dirac_gan_value",
    "dirac_gan_vector_field",
    "dirac_gan_jacobian",
    "dirac_gan_eigenvalues",
    "dirac_gan_update_jacobian",
    "dirac_gan_update_eigenvalues",
    "gaussian_mle",
    "GaussianMLE",
    "bernoulli_mle",
    "softplus",
    "sigmoid",
]

# One set of symbols, shared by every derivation (the glossary of STYLE.md).
x = sp.Symbol("x", real=True)
mu1, mu2, mu = sp.symbols("mu1 mu2 mu", real=True)
sigma1, sigma2, sigma = sp.symbols("sigma1 sigma2 sigma", positive=True)
p, q = sp.symbols("p q", positive=True)
D = sp.Symbol("D", positive=True)  # the discriminator's output D(G(z)), in (0, 1)
a = sp.Symbol("a", real=True)  # the discriminator's logit: D = sigmoid(a)
theta, psi, t = sp.symbols("theta psi t", real=True)
n = sp.Symbol("n", positive=True, integer=True)
s1 = sp.Symbol("s1", real=True)  # sum of the sample
s2 = sp.Symbol("s2", positive=True)  # sum of its squares
alpha, beta = sp.symbols("alpha beta", nonnegative=True)  # label targets of the real and the fake samples, in [0, 1]
k = sp.Symbol("k", nonnegative=True, integer=True)  # number of ones
pi = sp.Symbol("pi", positive=True)  # Bernoulli success probability
lr, d_lr = sp.symbols("lr d_lr", positive=True)  # the generator's and the discriminator's step sizes
gamma = sp.Symbol("gamma", positive=True)  # the R1 weight
lam = sp.Symbol("lambda")  # an eigenvalue of an update map

COSTS = ("minimax", "non_saturating")  # the generator costs of generator_cost (parameter loss=)
DIRAC_LOSSES = ("minimax", "wgan")  # the Dirac-GAN's zero-sum games: f(t) = log sigmoid(t), or f(t) = t
DIRAC_UPDATES = ("simultaneous", "alternating", "extragradient", "optimistic")  # as gantheory.gan.DiracGAN


@dataclass(frozen=True)
class Derivation:
    """A derived SymPy expression together with the order of its arguments.

    Attributes
    ----------
    expr : sympy.Expr or sympy.ImmutableMatrix
        The result.
    args : tuple of sympy.Symbol
        The free symbols, in the order the numeric function takes them.

    Examples
    --------
    >>> from gantheory.symbolic import bernoulli_mle
    >>> d = bernoulli_mle()
    >>> d.args
    (n, k)
    >>> d.numeric()(10, 3)
    0.3
    """

    expr: sp.Basic
    args: tuple

    def numeric(self):
        """Return a NumPy function of ``args`` (in order) that evaluates ``expr``.

        The function accepts scalars or broadcastable arrays (matrix-valued
        results: scalars only) and is valid on the domain the symbols
        assume (``p, q > 0``, ``0 < D < 1``, ...). It evaluates a stable
        rewrite of ``expr`` (``log1p``, ``softplus``, sigmoids instead of
        ``log(1 - D)``, ``log(1 + e^a)``, ratios of exponentials), so it
        neither overflows nor cancels at large logits.

        Examples
        --------
        >>> from gantheory.symbolic import generator_cost
        >>> generator_cost("minimax", "logit").expr
        -log(exp(a) + 1)
        >>> float(generator_cost("minimax", "logit").numeric()(800.0))   # log(1 - sigmoid(800))
        -800.0
        """
        return _lambdify(self.expr, self.args)


@functools.cache
def _lambdify(expr, args):
    stable = expr.applyfunc(_stable_form) if isinstance(expr, sp.MatrixBase) else _stable_form(expr)
    return sp.lambdify(args, stable, modules=[_STABLE_FUNCTIONS, "numpy"])


class softplus(sp.Function):  # noqa: N801  (named as the NumPy function it becomes)
    r""":math:`\log(1 + e^u)`, evaluated as ``numpy.logaddexp(0, u)`` (no overflow)."""


class sigmoid(sp.Function):  # noqa: N801
    r""":math:`1 / (1 + e^{-u})`, evaluated as ``scipy.special.expit`` (no overflow)."""


def _numpy_softplus(u):
    import numpy as np

    return np.logaddexp(0.0, u)


def _numpy_sigmoid(u):
    from scipy.special import expit

    return expit(u)


_STABLE_FUNCTIONS = {"softplus": _numpy_softplus, "sigmoid": _numpy_sigmoid}


def _stable_form(expr):
    r"""The same function as ``expr``, written so that NumPy evaluates it without overflow or cancellation.

    * ``log(1 + w)`` becomes ``log1p(w)`` and ``log(1 + exp(u))`` becomes ``softplus(u)``;
    * a rational function of :math:`E = e^u` whose denominator is
      :math:`c (E + 1)^k` and whose numerator has degree at most k becomes a
      polynomial in :math:`\sigma(u) = E/(E + 1)` and :math:`\sigma(-u) = 1/(E + 1)`,
      both in [0, 1] (hyperbolic functions are first written with exponentials).

    Anything else is returned as it is.

    Examples
    --------
    >>> _stable_form(-sp.log(sp.exp(a) + 1))
    -softplus(a)
    >>> _stable_form(-sp.exp(a) / (sp.exp(a) + 1))
    -sigmoid(a)
    """
    if expr.has(sp.cosh, sp.sinh, sp.tanh):
        expr = expr.rewrite(sp.exp)
    w = sp.Wild("w")
    expr = expr.replace(sp.log(sp.exp(w) + 1), softplus(w))
    expr = expr.replace(
        lambda e: isinstance(e, sp.log) and e.args[0].is_Add and sp.S.One in e.args[0].args,
        lambda e: log1p(e.args[0] - 1),
    )
    return _in_sigmoids(expr)


def _in_sigmoids(expr):
    """A rational function of exponentials as a polynomial in sigmoid(u), sigmoid(-u) (see :func:`_stable_form`)."""
    exponents = sorted({e.args[0] for e in expr.atoms(sp.exp)}, key=sp.count_ops)
    if not exponents:
        return expr
    ratios = [sp.nsimplify(sp.simplify(e / exponents[0])) for e in exponents]
    if not all(r.is_Rational for r in ratios):
        return expr
    step = exponents[0] / functools.reduce(
        math.lcm, [int(r.q) for r in ratios]
    )  # every exponent is an integer multiple of it
    E = sp.Dummy("E", positive=True)
    rational = sp.cancel(sp.together(expr.subs({sp.exp(e): E ** int(e / step) for e in exponents})))
    num, den = (sp.Poly(part, E) for part in sp.fraction(rational))
    powers = [m[0] for part in (num, den) for m in part.monoms()]
    g = functools.reduce(math.gcd, powers) or 1  # write E^g as F: only powers of E^g occur
    F = sp.Dummy("F", positive=True)
    num, den = (sp.Poly(part.as_expr().subs(E, F ** sp.Rational(1, g)), F) for part in (num, den))
    k, c = den.degree(), den.LC()
    if k < 1 or num.degree() > k or sp.expand(den.as_expr() - c * (F + 1) ** k) != 0:
        return expr
    u = g * step
    terms = [coeff * sigmoid(u) ** j * sigmoid(-u) ** (k - j) for (j,), coeff in num.terms()]
    return sp.Add(*terms) / c


def _normal_logpdf(var, loc, scale):
    return -sp.log(scale) - sp.log(2 * sp.pi) / 2 - (var - loc) ** 2 / (2 * scale**2)


@functools.cache
def gaussian_kl() -> Derivation:
    r"""KL(N(μ1, σ1²) ‖ N(μ2, σ2²)), derived by taking the expectation of the log-ratio.

    Returns
    -------
    Derivation
        ``expr`` in ``args = (mu1, sigma1, mu2, sigma2)``.

    Notes
    -----
    The log-ratio :math:`\log p(x) - \log q(x)` is a quadratic polynomial in
    :math:`x`; its expectation under :math:`P` replaces :math:`x` by
    :math:`\mu_1` and :math:`x^2` by :math:`\mu_1^2 + \sigma_1^2`, giving

    .. math:: \mathrm{KL}(P\|Q) = \log\frac{\sigma_2}{\sigma_1}
              + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2\sigma_2^2} - \frac12 .

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*,
       2nd ed., Wiley, 2006, ch. 8.

    Examples
    --------
    >>> from gantheory.symbolic import gaussian_kl
    >>> kl = gaussian_kl()
    >>> kl.args
    (mu1, sigma1, mu2, sigma2)
    >>> float(kl.numeric()(0.0, 1.0, 1.0, 1.0))  # (mu1 - mu2)^2 / 2
    0.5
    """
    log_ratio = sp.expand(_normal_logpdf(x, mu1, sigma1) - _normal_logpdf(x, mu2, sigma2))
    poly = sp.Poly(log_ratio, x)
    moments = {0: sp.Integer(1), 1: mu1, 2: mu1**2 + sigma1**2}  # E_P[x^j]
    expectation = sum(coeff * moments[j] for (j,), coeff in poly.terms())
    log_part = sp.expand_log(expectation, force=True).coeff(sp.log(sigma2)) * sp.log(sigma2 / sigma1)
    rest = sp.expand(expectation - sp.expand_log(log_part, force=True))
    # group the means as (mu1 - mu2)^2 (no cancellation between large means)
    delta = sp.Symbol("delta", real=True)
    rest = sp.together(sp.expand(rest.subs(mu1, mu2 + delta))).subs(delta, mu1 - mu2)
    expr = log_part + rest
    return Derivation(expr, (mu1, sigma1, mu2, sigma2))


@functools.cache
def optimal_discriminator() -> Derivation:
    r"""The optimal discriminator D* = p/(p+q), derived pointwise.

    Returns
    -------
    Derivation
        ``expr = p/(p + q)`` in ``args = (p, q)``, the densities of the data
        and of the generator at one point x.

    Notes
    -----
    For a fixed generator the value function
    :math:`V(D, G) = \int p \log D + q \log(1 - D)\,dx` is maximized pointwise:
    :math:`\partial_D [p \log D + q \log(1-D)] = p/D - q/(1-D) = 0` has the
    single root :math:`D^* = p/(p+q)`, and the second derivative
    :math:`-p/D^2 - q/(1-D)^2 < 0` makes it the maximum (both are checked
    here).

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014,
       Proposition 1.

    Examples
    --------
    >>> from gantheory.symbolic import optimal_discriminator
    >>> optimal_discriminator().numeric()(2.0, 2.0)   # p = q: the discriminator is clueless
    0.5
    """
    objective = p * sp.log(D) + q * sp.log(1 - D)
    roots = sp.solve(sp.diff(objective, D), D)
    if len(roots) != 1:
        raise RuntimeError(f"expected one stationary point of p log D + q log(1-D), found {roots}")
    d_star = sp.simplify(roots[0])
    curvature = sp.simplify(sp.diff(objective, D, 2).subs(D, d_star))
    if not curvature.is_negative:
        raise RuntimeError(f"the stationary point {d_star} is not a maximum (curvature {curvature})")
    return Derivation(d_star, (p, q))


@functools.cache
def smoothed_optimal_discriminator() -> Derivation:
    r"""The optimal discriminator with smoothed labels, :math:`D^* = (\alpha p + \beta q)/(p + q)`, derived pointwise.

    Returns
    -------
    Derivation
        ``expr = (alpha*p + beta*q)/(p + q)`` in ``args = (p, q, alpha, beta)``:
        the two densities at one point and the targets of the real
        (:math:`\alpha`) and of the generated (:math:`\beta`) samples.

    Notes
    -----
    With targets :math:`\alpha` for real and :math:`\beta` for generated
    samples (one-sided smoothing: :math:`\alpha = 0.9`, :math:`\beta = 0`;
    Goodfellow's tutorial writes :math:`1 - \alpha` for our :math:`\alpha`),
    the discriminator minimizes the cross-entropy against soft targets, so
    pointwise it maximizes

    .. math:: p\,[\alpha \log D + (1 - \alpha) \log(1 - D)] + q\,[\beta \log D + (1 - \beta) \log(1 - D)].

    SymPy solves :math:`\partial_D = 0` (one root) and checks that the
    second derivative there equals
    :math:`-(p+q)^3 / \big((\alpha p + \beta q)((1-\alpha)p + (1-\beta)q)\big)`,
    negative whenever both factors are positive (targets in :math:`[0, 1]`,
    not both 1 nor both 0): a maximum. With :math:`\alpha = 1, \beta = 0`
    it is :func:`optimal_discriminator`. Equivalently
    :math:`D^* = \alpha D_0 + \beta (1 - D_0)` with :math:`D_0 = p/(p+q)`:
    where only the generator has mass (:math:`p = 0 < q`) it is
    :math:`\beta`, so a smoothed fake label (:math:`\beta > 0`) leaves the
    generator's samples there without a push towards the data [1]_.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial
       networks", arXiv:1701.00160, 2016, §4.2 (one-sided label smoothing).
    .. [2] T. Salimans et al., "Improved techniques for training GANs",
       NeurIPS 2016, §3.4.

    Examples
    --------
    >>> from gantheory.symbolic import smoothed_optimal_discriminator
    >>> d = smoothed_optimal_discriminator()
    >>> d.expr
    (alpha*p + beta*q)/(p + q)
    >>> float(d.numeric()(1.0, 3.0, 0.9, 0.0))   # one-sided: 0.9 p/(p+q)
    0.225
    """
    objective = p * (alpha * sp.log(D) + (1 - alpha) * sp.log(1 - D)) + q * (
        beta * sp.log(D) + (1 - beta) * sp.log(1 - D)
    )
    roots = sp.solve(sp.diff(objective, D), D)
    if len(roots) != 1:
        raise RuntimeError(f"expected one stationary point of the smoothed objective, found {roots}")
    d_star = sp.factor(sp.cancel(roots[0]))
    curvature = sp.diff(objective, D, 2).subs(D, d_star)
    expected = -((p + q) ** 3) / ((alpha * p + beta * q) * ((1 - alpha) * p + (1 - beta) * q))
    if sp.cancel(curvature - expected) != 0:  # rational functions: cancel decides zero exactly
        raise RuntimeError(f"unexpected curvature {curvature} at {d_star}")
    return Derivation(d_star, (p, q, alpha, beta))


@functools.cache
def jsd_integrand() -> Derivation:
    r"""The pointwise integrand j(p, q) of the Jensen-Shannon divergence.

    Returns
    -------
    Derivation
        ``expr`` in ``args = (p, q)`` with :math:`\mathrm{JSD}(P, Q) = \int j(p(x), q(x))\,dx`
        (a sum over the support for pmfs).

    Notes
    -----
    .. math:: j(p, q) = \tfrac12 p \log\frac{p}{m} + \tfrac12 q \log\frac{q}{m},
              \quad m = \tfrac12 (p + q).

    Examples
    --------
    >>> from gantheory.symbolic import jsd_integrand
    >>> float(jsd_integrand().numeric()(1.0, 1.0))
    0.0
    """
    m = (p + q) / 2
    return Derivation(p * sp.log(p / m) / 2 + q * sp.log(q / m) / 2, (p, q))


@functools.cache
def value_at_optimal_discriminator() -> Derivation:
    r"""The integrand of V(D*, G), and the proof that V(D*, G) = -log 4 + 2 JSD(P, Q).

    Returns
    -------
    Derivation
        ``expr = p log D*(p, q) + q log(1 - D*(p, q))`` in ``args = (p, q)``;
        integrated (or summed over a pmf's support) it gives V(D*, G).

    Notes
    -----
    Substituting :math:`D^* = p/(p+q)` (:func:`optimal_discriminator`) and
    :math:`p + q = 2m`,

    .. math:: p \log\frac{p}{p+q} + q \log\frac{q}{p+q}
              = 2\,j(p, q) - \tfrac12 (p + q) \log 4,

    where :math:`j` is :func:`jsd_integrand`. The difference of the two sides
    is simplified to zero here (a ``RuntimeError`` otherwise); integrating,
    since :math:`\int \tfrac12 (p+q) = 1`,

    .. math:: V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(P, Q).

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014,
       Theorem 1.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.symbolic import value_at_optimal_discriminator
    >>> v = value_at_optimal_discriminator().numeric()
    >>> pmf = np.array([0.2, 0.3, 0.5])
    >>> bool(np.isclose(v(pmf, pmf).sum(), -np.log(4)))   # P = Q: JSD = 0
    True
    """
    d_star = optimal_discriminator().expr
    integrand = p * sp.log(D) + q * sp.log(1 - D)
    expr = integrand.subs(D, d_star).replace(sp.log, lambda arg: sp.log(sp.factor(arg)))
    claim = 2 * jsd_integrand().expr - (p + q) / 2 * sp.log(4)
    if sp.simplify(sp.expand_log(expr - claim, force=True)) != 0:
        raise RuntimeError("failed to reduce V(D*, G) to -log 4 + 2 JSD")
    return Derivation(expr, (p, q))


@functools.cache
def generator_cost(loss: str = "non_saturating", wrt: str = "D") -> Derivation:
    r"""The generator's per-sample cost as a function of D(G(z)) or of the logit.

    Parameters
    ----------
    loss : {"non_saturating", "minimax"}
        ``"minimax"``: :math:`\log(1 - D)` (zero-sum game); ``"non_saturating"``:
        :math:`-\log D`.
    wrt : {"D", "logit"}
        The variable: ``D`` = D(G(z)) in (0, 1), or the logit ``a`` with
        :math:`D = \sigma(a) = 1/(1 + e^{-a})`.

    Returns
    -------
    Derivation
        ``expr`` in ``args = (D,)`` or ``(a,)``.

    Notes
    -----
    The notes' generator losses carry a factor ½ (and an expectation over z);
    it scales costs and slopes alike and is left out here, as in Goodfellow's
    tutorial [1]_ (section 3.2.6).

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial
       networks", arXiv:1701.00160, section 3.2.

    Examples
    --------
    >>> from gantheory.symbolic import generator_cost
    >>> generator_cost("non_saturating").expr
    -log(D)
    """
    check_choice(loss, "loss", COSTS)
    check_choice(wrt, "wrt", ("D", "logit"))
    expr = sp.log(1 - D) if loss == "minimax" else -sp.log(D)
    if wrt == "D":
        return Derivation(expr, (D,))
    # softplus forms: log(1 - sigmoid(a)) = -log(1 + e^a), -log sigmoid(a) = log(1 + e^-a)
    in_logit = sp.simplify(sp.expand_log(sp.together(expr.subs(D, 1 / (1 + sp.exp(-a)))), force=True))
    return Derivation(in_logit, (a,))


@functools.cache
def generator_cost_slope(loss: str = "non_saturating", wrt: str = "D") -> Derivation:
    r"""Derivative of the generator's cost with respect to D(G(z)) or to the logit.

    Parameters
    ----------
    loss : {"non_saturating", "minimax"}
        See :func:`generator_cost`.
    wrt : {"D", "logit"}
        Differentiate with respect to ``D`` or to the logit ``a``.

    Returns
    -------
    Derivation
        ``expr`` in ``args = (D,)`` or ``(a,)``.

    Notes
    -----
    With respect to :math:`D`: :math:`\frac{d}{dD}\log(1-D) = -\frac{1}{1-D}`
    and :math:`\frac{d}{dD}(-\log D) = -\frac1D`. With respect to the logit,
    through :math:`\sigma' = \sigma(1-\sigma)`:

    .. math:: \frac{d}{da}\log(1 - \sigma(a)) = -\sigma(a), \qquad
              \frac{d}{da}\bigl(-\log\sigma(a)\bigr) = -(1 - \sigma(a)).

    Early in training the discriminator rejects generated samples,
    :math:`D(G(z)) \to 0`: the minimax slope :math:`-D` vanishes (saturates)
    while the non-saturating slope tends to :math:`-1`, a strong gradient
    exactly when the generator is losing [1]_.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014, section 3.

    Examples
    --------
    >>> from gantheory.symbolic import generator_cost_slope
    >>> generator_cost_slope("minimax", wrt="D").expr
    1/(D - 1)
    >>> slope = generator_cost_slope("minimax", wrt="logit").numeric()
    >>> bool(abs(slope(-20.0)) < 1e-8)    # D(G(z)) ~ 2e-9: the minimax gradient vanishes
    True
    >>> float(generator_cost_slope("non_saturating", wrt="logit").numeric()(-20.0))
    -0.99999...
    """
    base = generator_cost(loss, wrt)
    (var,) = base.args
    return Derivation(sp.simplify(sp.diff(base.expr, var)), base.args)


def _dirac_f(loss):
    check_choice(loss, "loss", DIRAC_LOSSES)
    return -sp.log(1 + sp.exp(-t)) if loss == "minimax" else t


@functools.cache
def dirac_gan_value(loss: str = "minimax") -> Derivation:
    r"""The Dirac-GAN objective L(θ, ψ) = f(ψθ) + f(0).

    Parameters
    ----------
    loss : {"minimax", "wgan"}
        ``"minimax"`` (the GAN's zero-sum game): :math:`f(t) = -\log(1 + e^{-t})`;
        ``"wgan"``: :math:`f(t) = t`. (The non-saturating generator makes the
        game non-zero-sum, with no single value: see :class:`gantheory.gan.DiracGAN`.)

    Returns
    -------
    Derivation
        ``expr`` in ``args = (theta, psi)``.

    Notes
    -----
    The data distribution is :math:`\delta_0`, the generator
    :math:`\delta_\theta`, the discriminator :math:`D_\psi(x) = \psi x`. The
    generator minimizes :math:`L` over :math:`\theta`, the discriminator
    maximizes it over :math:`\psi`.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger and S. Nowozin, "Which training methods for
       GANs do actually converge?", ICML 2018, section 2.2.

    Examples
    --------
    >>> from gantheory.symbolic import dirac_gan_value
    >>> dirac_gan_value("wgan").expr
    psi*theta
    """
    f = _dirac_f(loss)
    return Derivation(f.subs(t, psi * theta) + f.subs(t, 0), (theta, psi))


@functools.cache
def dirac_gan_vector_field(loss: str = "minimax") -> Derivation:
    r"""The gradient vector field v(θ, ψ) = (-∂L/∂θ, ∂L/∂ψ) of the Dirac-GAN.

    Parameters
    ----------
    loss : {"minimax", "wgan"}
        See :func:`dirac_gan_value`.

    Returns
    -------
    Derivation
        ``expr`` a 2×1 ``ImmutableMatrix`` in ``args = (theta, psi)``: the
        direction of simultaneous gradient descent on θ and ascent on ψ.

    Notes
    -----
    .. math:: v(\theta, \psi) = \begin{pmatrix} -\psi f'(\psi\theta) \\ \theta f'(\psi\theta) \end{pmatrix}.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger and S. Nowozin, "Which training methods for
       GANs do actually converge?", ICML 2018, equation (5).

    Examples
    --------
    >>> from gantheory.symbolic import dirac_gan_vector_field
    >>> dirac_gan_vector_field("wgan").expr
    Matrix([
    [ -psi],
    [theta]])
    """
    value = dirac_gan_value(loss).expr
    field = sp.ImmutableMatrix([-sp.diff(value, theta), sp.diff(value, psi)])
    return Derivation(field.applyfunc(sp.simplify), (theta, psi))


@functools.cache
def dirac_gan_jacobian(loss: str = "minimax", at_equilibrium: bool = False) -> Derivation:
    r"""The Jacobian of the Dirac-GAN vector field, anywhere or at the equilibrium (0, 0).

    Parameters
    ----------
    loss : {"minimax", "wgan"}
        See :func:`dirac_gan_value`.
    at_equilibrium : bool
        If true, evaluate at the unique equilibrium :math:`\theta = \psi = 0`.

    Returns
    -------
    Derivation
        ``expr`` a 2×2 ``ImmutableMatrix``, rows (θ, ψ) components of
        :func:`dirac_gan_vector_field`, columns derivatives by (θ, ψ);
        ``args = (theta, psi)``, or ``()`` at the equilibrium.

    Notes
    -----
    At the equilibrium

    .. math:: J = \begin{pmatrix} 0 & -f'(0) \\ f'(0) & 0 \end{pmatrix},

    with :math:`f'(0) = 1/2` for the minimax GAN and :math:`1` for the WGAN.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger and S. Nowozin, "Which training methods for
       GANs do actually converge?", ICML 2018, Lemma 2.2.

    Examples
    --------
    >>> from gantheory.symbolic import dirac_gan_jacobian
    >>> dirac_gan_jacobian("minimax", at_equilibrium=True).expr
    Matrix([
    [  0, -1/2],
    [1/2,    0]])
    """
    field = dirac_gan_vector_field(loss)
    jac = field.expr.jacobian(sp.Matrix([theta, psi])).applyfunc(sp.simplify)
    if at_equilibrium:
        return Derivation(sp.ImmutableMatrix(jac.subs({theta: 0, psi: 0})), ())
    return Derivation(sp.ImmutableMatrix(jac), (theta, psi))


@functools.cache
def dirac_gan_eigenvalues(loss: str = "minimax") -> tuple:
    r"""Eigenvalues of the Dirac-GAN Jacobian at the equilibrium: :math:`\pm f'(0)\,i`.

    Parameters
    ----------
    loss : {"minimax", "wgan"}
        See :func:`dirac_gan_value`.

    Returns
    -------
    tuple of sympy.Expr
        The two eigenvalues, sorted by imaginary part: ``(-I/2, I/2)`` for the
        minimax GAN, ``(-I, I)`` for the WGAN.

    Notes
    -----
    Both are purely imaginary: simultaneous gradient descent circles around
    the equilibrium (continuous time) or spirals out of it (discrete steps),
    and never converges without regularization [1]_.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger and S. Nowozin, "Which training methods for
       GANs do actually converge?", ICML 2018, Lemma 2.2.

    Examples
    --------
    >>> from gantheory.symbolic import dirac_gan_eigenvalues
    >>> dirac_gan_eigenvalues("wgan")
    (-I, I)
    """
    jac = dirac_gan_jacobian(loss, at_equilibrium=True).expr
    eigs = [ev for ev, mult in jac.eigenvals().items() for _ in range(mult)]
    return tuple(sorted(eigs, key=lambda ev: float(sp.im(ev))))


@functools.cache
def dirac_gan_update_jacobian(update: str = "simultaneous", loss: str = "minimax", r1: bool = False) -> Derivation:
    r"""The Jacobian at the equilibrium of one gradient step on the Dirac-GAN, in the two step sizes.

    Parameters
    ----------
    update : {"simultaneous", "alternating", "extragradient", "optimistic"}
        The update rule, as :meth:`gantheory.gan.DiracGAN.update_map_jacobian`
        (alternating: one discriminator step per generator step).
    loss : {"minimax", "wgan"}
        See :func:`dirac_gan_value`.
    r1 : bool
        Add the R1 penalty :math:`\frac{\gamma}{2}\psi^2` to the discriminator's
        cost (its field gains :math:`-\gamma\psi`).

    Returns
    -------
    Derivation
        ``expr`` a 2×2 (4×4 for ``"optimistic"``: the state is
        :math:`(w_k, w_{k-1})`) ``ImmutableMatrix`` in ``args = (lr, d_lr)``
        or ``(lr, d_lr, gamma)``: the generator's and the discriminator's
        step sizes :math:`\eta_G, \eta_D` (and γ).

    Notes
    -----
    With :math:`J` from :func:`dirac_gan_jacobian` at the equilibrium and
    :math:`H = \mathrm{diag}(\eta_G, \eta_D)`: simultaneous :math:`I + HJ`;
    alternating the product of the two half-steps' Jacobians (the
    discriminator's after the generator's); extragradient [1]_
    :math:`I + HJ(I + HJ)`; optimistic [2]_
    :math:`\begin{pmatrix} I + 2HJ & -HJ \\ I & 0\end{pmatrix}`.

    References
    ----------
    .. [1] G. M. Korpelevich, "The extragradient method for finding saddle
       points and other problems", Matecon 12, 1976.
    .. [2] C. Daskalakis, A. Ilyas, V. Syrgkanis, H. Zeng, "Training GANs with
       optimism", ICLR 2018.

    Examples
    --------
    >>> from gantheory.symbolic import dirac_gan_update_jacobian
    >>> dirac_gan_update_jacobian("alternating", "wgan").expr
    Matrix([
    [   1,           -lr],
    [d_lr, -d_lr*lr + 1]])
    """
    check_choice(update, "update", DIRAC_UPDATES)
    J = sp.Matrix(dirac_gan_jacobian(loss, at_equilibrium=True).expr)
    if r1:
        J[1, 1] -= gamma
    HJ = sp.diag(lr, d_lr) * J
    eye, zero = sp.eye(2), sp.zeros(2)
    if update == "simultaneous":
        M = eye + HJ
    elif update == "extragradient":
        M = eye + HJ * (eye + HJ)
    elif update == "optimistic":
        M = sp.Matrix(sp.BlockMatrix([[eye + 2 * HJ, -HJ], [eye, zero]]))
    else:
        generator_step = sp.Matrix([[1 + HJ[0, 0], HJ[0, 1]], [0, 1]])
        critic_step = sp.Matrix([[1, 0], [HJ[1, 0], 1 + HJ[1, 1]]])
        M = critic_step * generator_step
    return Derivation(sp.ImmutableMatrix(M.applyfunc(sp.expand)), (lr, d_lr, gamma) if r1 else (lr, d_lr))


@functools.cache
def dirac_gan_update_eigenvalues(update: str = "simultaneous", loss: str = "minimax", r1: bool = False) -> tuple:
    r"""Eigenvalues of :func:`dirac_gan_update_jacobian`, in closed form.

    Parameters
    ----------
    update, loss, r1
        As in :func:`dirac_gan_update_jacobian`.

    Returns
    -------
    tuple of sympy.Expr
        With multiplicity (two, or four for ``"optimistic"``), in the
        symbols ``lr``, ``d_lr`` (and ``gamma``).

    Notes
    -----
    For the optimistic map each eigenvalue μ of :math:`HJ` gives the two
    roots of :math:`\lambda^2 - (1 + 2\mu)\lambda + \mu = 0`; the function
    checks that the product of these quadratics is the 4×4 map's
    characteristic polynomial. Unregularized, with
    :math:`s = \eta_G\eta_D f'(0)^2`: simultaneous :math:`1 \pm i\sqrt s`;
    extragradient :math:`1 - s \pm i\sqrt s`; optimistic
    :math:`\tfrac12\big(1 + 2\mu \pm \sqrt{1 + 4\mu^2}\big)`, :math:`\mu = \pm i\sqrt s`.

    Examples
    --------
    >>> from gantheory.symbolic import dirac_gan_update_eigenvalues
    >>> dirac_gan_update_eigenvalues("extragradient", "wgan")
    (-I*sqrt(d_lr)*sqrt(lr) - d_lr*lr + 1, I*sqrt(d_lr)*sqrt(lr) - d_lr*lr + 1)
    """
    M = sp.Matrix(dirac_gan_update_jacobian(update, loss, r1).expr)
    if update != "optimistic":
        eigs = [sp.simplify(ev) for ev, mult in M.eigenvals().items() for _ in range(mult)]
        return tuple(sorted(eigs, key=sp.default_sort_key))
    HJ = -M[:2, 2:]
    mus = [mu for mu, mult in HJ.eigenvals().items() for _ in range(mult)]
    quadratics = [lam**2 - (1 + 2 * mu) * lam + mu for mu in mus]
    if sp.simplify(sp.expand(M.charpoly(lam).as_expr() - sp.Mul(*quadratics))) != 0:
        raise RuntimeError("the optimistic map's characteristic polynomial does not factor into the quadratics")
    eigs = [sp.simplify(root) for quadratic in quadratics for root in sp.solve(quadratic, lam)]
    return tuple(sorted(eigs, key=sp.default_sort_key))


@dataclass(frozen=True)
class GaussianMLE:
    r"""What :func:`gaussian_mle` returns.

    Attributes
    ----------
    loc, scale : Derivation
        :math:`\hat\mu` and :math:`\hat\sigma` in ``args = (n, s1, s2)``, where
        :math:`s_1 = \sum_i x_i` and :math:`s_2 = \sum_i x_i^2` over a sample of size :math:`n`.
    fit : callable
        ``fit(x) -> (loc, scale)``: the two derivations evaluated on the sample ``x`` in two passes
        (no cancellation for data far from the origin; see :func:`gaussian_mle`).
    """

    loc: Derivation
    scale: Derivation
    fit: Callable


@functools.cache
def gaussian_mle() -> GaussianMLE:
    r"""Maximum-likelihood estimates of a normal's loc and scale from sufficient statistics.

    Returns
    -------
    GaussianMLE
        The two derivations, ``loc`` and ``scale``, in ``args = (n, s1, s2)``,
        and ``fit(x) -> (loc, scale)``, which evaluates them in two passes (see Notes).

    Notes
    -----
    The log-likelihood is

    .. math:: \ell(\mu, \sigma) = -n\log\sigma - \frac n2 \log 2\pi
              - \frac{s_2 - 2\mu s_1 + n\mu^2}{2\sigma^2};

    setting its gradient to zero gives :math:`\hat\mu = s_1/n` and
    :math:`\hat\sigma^2 = s_2/n - (s_1/n)^2` (the biased, ``ddof=0``
    variance). The Hessian there, :math:`\mathrm{diag}(-n/\hat\sigma^2, -2n/\hat\sigma^2)`,
    is checked to be negative definite. Numerically, the sufficient-statistic
    form loses about :math:`\log_{10}(s_2/(n\hat\sigma^2))` digits to
    cancellation when the sample's mean is large compared to its spread (all
    of them for data offset by 1e8 with unit spread). ``fit`` avoids that with
    the two-pass algorithm: the estimates are translation-equivariant, so it
    takes the mean :math:`c` first and evaluates the derived formulas on the
    statistics of :math:`x - c` (where :math:`s_1 \approx 0` and :math:`s_2`
    is a sum of squared deviations, with no cancellation) [2]_.

    References
    ----------
    .. [1] G. Casella and R. L. Berger, *Statistical Inference*, 2nd ed.,
       Duxbury, 2002, Example 7.2.11.
    .. [2] T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for
       computing the sample variance: analysis and recommendations",
       Amer. Statist. 37(3), 1983.

    Examples
    --------
    >>> from gantheory.symbolic import gaussian_mle
    >>> est = gaussian_mle()
    >>> est.loc.expr, est.scale.expr
    (s1/n, sqrt(n*s2 - s1**2)/n)
    >>> float(est.scale.numeric()(2, 2.0, 10.0))     # x = (-1, 3): mean 1, sd 2
    2.0
    >>> est.fit([1e8 - 1, 1e8 + 3])                   # the same sample offset by 1e8
    (100000001.0, 2.0)
    """
    loglik = -n * sp.log(sigma) - n * sp.log(2 * sp.pi) / 2 - (s2 - 2 * mu * s1 + n * mu**2) / (2 * sigma**2)
    solutions = sp.solve([sp.diff(loglik, mu), sp.diff(loglik, sigma)], [mu, sigma], dict=True)
    if len(solutions) != 1:
        raise RuntimeError(f"expected one stationary point of the Gaussian log-likelihood, found {solutions}")
    sol = {key: sp.simplify(val) for key, val in solutions[0].items()}
    # at the solution, write s2 through the positive sigma_hat: s2 = n (sigma_hat^2 + mu_hat^2)
    sigma_hat = sp.Symbol("sigma_hat", positive=True)
    hessian = sp.hessian(loglik, (mu, sigma)).subs({mu: sol[mu], sigma: sigma_hat})
    hessian = hessian.subs(s2, n * (sigma_hat**2 + sol[mu] ** 2)).applyfunc(sp.simplify)
    if not (hessian[0, 0].is_negative and sp.simplify(hessian.det()).is_positive):
        raise RuntimeError(f"the stationary point is not a maximum (Hessian {hessian})")
    loc_hat, scale_hat = Derivation(sol[mu], (n, s1, s2)), Derivation(sol[sigma], (n, s1, s2))

    def fit(x):
        """(loc, scale) of the sample ``x`` by the derived formulas, in two passes (no cancellation)."""
        import numpy as np

        from gantheory._validation import as_samples

        x = as_samples(x, "x", np)
        c = float(np.mean(x))  # pass 1
        z = x - c  # pass 2: the statistics of the centered sample
        stats = (x.size, float(z.sum()), float(z @ z))
        return c + float(loc_hat.numeric()(*stats)), float(scale_hat.numeric()(*stats))

    return GaussianMLE(loc_hat, scale_hat, fit)


@functools.cache
def bernoulli_mle() -> Derivation:
    r"""Maximum-likelihood estimate of a Bernoulli probability: k/n.

    Returns
    -------
    Derivation
        ``expr = k/n`` in ``args = (n, k)``: ``k`` ones among ``n`` trials.

    Notes
    -----
    :math:`\ell(\pi) = k \log\pi + (n - k)\log(1 - \pi)`;
    :math:`\ell'(\pi) = k/\pi - (n-k)/(1-\pi) = 0` gives :math:`\hat\pi = k/n`,
    and :math:`\ell'' < 0` (checked for :math:`0 < k < n`) makes it the maximum.

    References
    ----------
    .. [1] G. Casella and R. L. Berger, *Statistical Inference*, 2nd ed.,
       Duxbury, 2002, Example 7.2.7.

    Examples
    --------
    >>> from gantheory.symbolic import bernoulli_mle
    >>> bernoulli_mle().expr
    k/n
    """
    loglik = k * sp.log(pi) + (n - k) * sp.log(1 - pi)
    roots = sp.solve(sp.diff(loglik, pi), pi)
    if len(roots) != 1:
        raise RuntimeError(f"expected one stationary point of the Bernoulli log-likelihood, found {roots}")
    pi_hat = sp.simplify(roots[0])
    curvature = sp.simplify(sp.diff(loglik, pi, 2).subs(pi, pi_hat) * k * (n - k))
    # k (n - k) ell''(k/n) = -n^3: negative whenever 0 < k < n
    if not curvature.is_negative:
        raise RuntimeError(f"k/n is not a maximum of the Bernoulli log-likelihood (curvature {curvature})")
    return Derivation(pi_hat, (n, k))
