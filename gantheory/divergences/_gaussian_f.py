r"""f-divergences between Gaussians: closed forms and the exact test of divergence, in rational arithmetic.

Used by :func:`gantheory.divergences.f_divergences.f_divergence` for
``Normal``, ``MultivariateNormal`` and products of two ``Normal``:

* :data:`GAUSSIAN_CLOSED_FORMS`: Pearson's and Neyman's :math:`\chi^2` through
  :math:`\int p^2/q`, the squared Hellinger distance through the Bhattacharyya
  affinity (Gil, Alajaji and Linder 2013);
* :func:`gaussian_diverges`: whether :math:`D_f` is infinite, from the growth of
  the normalized integrand (:math:`\int p^{1+b}q^{-b} < \infty` iff
  :math:`(1 + b)\Lambda_P - b\Lambda_Q \succ 0`).

The means and covariances are read as exact rationals
(:class:`fractions.Fraction`), so positive definiteness is decided exactly, even
at the threshold, and every value is rounded once.

Examples
--------
>>> import gantheory as gt
>>> A, B = gaussian_parameters(gt.Normal(0, 1)), gaussian_parameters(gt.Normal(1, 1))
>>> round(GAUSSIAN_CLOSED_FORMS["pearson"](A, B), 12)         # e^{(mu_1 - mu_2)^2} - 1
1.718281828459
>>> gaussian_diverges((None, 1.0), gaussian_parameters(gt.Normal(0, 2)), B)   # int p^2/q: 2 s_Q^2 - s_P^2 < 0
True
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np

from gantheory.distributions import MultivariateNormal, Normal, Product
from gantheory.divergences._laws import AccuracyWarning

__all__ = ["GAUSSIAN_CLOSED_FORMS", "gaussian_parameters", "gaussian_diverges"]


def gaussian_parameters(D):
    """(mean, covariance) as exact rationals for a Normal (variance scale^2 exactly), a MultivariateNormal or a Product of two Normals; else None."""
    if isinstance(D, Normal):
        return [Fraction(D.loc)], [[Fraction(D.scale) ** 2]]
    if isinstance(D, MultivariateNormal) or (
        isinstance(D, Product) and all(isinstance(m, Normal) for m in (D.marginal_x, D.marginal_y))
    ):
        if isinstance(D, Product):
            cov = [[Fraction(D.marginal_x.scale) ** 2, Fraction(0)], [Fraction(0), Fraction(D.marginal_y.scale) ** 2]]
        else:
            cov = [[Fraction(float(v)) for v in row] for row in np.asarray(D.cov, dtype=float)]
        return [Fraction(float(m)) for m in np.asarray(D.mean, dtype=float)], cov
    return None


def _rational(A, B, alpha):
    r"""Exact rational arithmetic on two Gaussians (dim 1 or 2): :math:`S = \alpha\Sigma_B + (1 - \alpha)\Sigma_A`, its
    determinant, :math:`\Delta\mu^\top\operatorname{adj}(S)\Delta\mu`, and :math:`|\Sigma_A|`, :math:`|\Sigma_B|`.

    The inputs (:func:`gaussian_parameters`) are exact rationals: with :class:`fractions.Fraction` nothing cancels or rounds, so
    whether S is positive definite is decided exactly, even at the threshold (:math:`2\sigma_Q^2 = \sigma_P^2`
    to the last bit), and every quantity below is rounded once, at the end.
    """
    (mA, SA), (mB, SB) = A, B
    a = Fraction(alpha)
    d = len(SA)
    S = [[a * SB[i][j] + (1 - a) * SA[i][j] for j in range(d)] for i in range(d)]
    dm = [x - y for x, y in zip(mA, mB)]

    def det(M):
        return M[0][0] if d == 1 else M[0][0] * M[1][1] - M[0][1] * M[1][0]

    if d == 1:
        quad = dm[0] * dm[0]
    else:
        quad = S[1][1] * dm[0] * dm[0] - (S[0][1] + S[1][0]) * dm[0] * dm[1] + S[0][0] * dm[1] * dm[1]
    return S, det(S), quad, det(SA), det(SB)


def _log_fraction(r):
    """log of a positive rational to full relative accuracy: log1p of its exact distance from 1 near 1, else log(num) - log(den)
    (Python's log of an int has no overflow)."""
    if abs(r - 1) < Fraction(1, 2):
        return math.log1p(float(r - 1))
    return math.log(r.numerator) - math.log(r.denominator)


def _float(r):
    """A rational as a float, inf past the largest float (``float`` itself raises there)."""
    try:
        return float(r)
    except OverflowError:
        return math.inf if r > 0 else -math.inf


def _positive_definite(S, det_S):
    return S[0][0] > 0 and det_S > 0


def _diverges_at(A, B, alpha) -> bool:
    r"""Whether :math:`\int p_A^\alpha p_B^{1-\alpha}` diverges (alpha > 1): iff :math:`\alpha\Sigma_B + (1 - \alpha)\Sigma_A`
    (equivalently :math:`\alpha\Lambda_A + (1 - \alpha)\Lambda_B`) is not positive definite, decided exactly."""
    S, det_S, _, _, _ = _rational(A, B, alpha)
    return not _positive_definite(S, det_S)


def _chi2_gaussian(A, B):
    r""":math:`\chi^2(A\|B) = \int p_A^2/p_B - 1` between Gaussians, ``inf`` where it diverges.

    With :math:`S = 2\Sigma_B - \Sigma_A` (Gil, Alajaji and Linder 2013),
    :math:`\log\int p_A^2/p_B = -\tfrac12\log\frac{|S||\Sigma_A|}{|\Sigma_B|^2} + \Delta\mu^\top S^{-1}\Delta\mu`;
    the ratio of determinants is formed exactly (:func:`_rational`), so ``log1p`` of its distance
    from 1 keeps full relative accuracy for nearly equal laws. An ``AccuracyWarning`` where the
    finite value overflows float64.
    """
    S, det_S, quad, det_A, det_B = _rational(A, B, 2)
    if not _positive_definite(S, det_S):
        return math.inf
    log_affinity = -0.5 * _log_fraction(det_S * det_A / (det_B * det_B)) + _float(quad / det_S)
    if log_affinity > 709.0:
        warnings.warn(
            f"the chi^2 divergence between these Gaussians is finite, exp({log_affinity:.6g}) - 1, "
            "which overflows float64; returning inf",
            AccuracyWarning,
            stacklevel=4,
        )
        return math.inf
    return math.expm1(log_affinity)


def _hellinger_gaussian(A, B):
    r""":math:`1 - \int\sqrt{p_A p_B}` between Gaussians: with :math:`S = (\Sigma_A + \Sigma_B)/2` (Bhattacharyya),
    :math:`\log\int\sqrt{p_A p_B} = -\tfrac14\log\frac{|S|^2}{|\Sigma_A||\Sigma_B|} - \tfrac18\Delta\mu^\top S^{-1}\Delta\mu`,
    the ratio formed exactly."""
    S, det_S, quad, det_A, det_B = _rational(A, B, Fraction(1, 2))
    return -math.expm1(-0.25 * _log_fraction(det_S * det_S / (det_A * det_B)) - 0.125 * _float(quad / det_S))


#: The f-divergences between Gaussians with a closed form (``f_divergence``'s fast path, ``method="auto"``):
#: Pearson and Neyman chi^2 through :math:`\int p^2/q`, the squared Hellinger distance through the affinity.
GAUSSIAN_CLOSED_FORMS = {
    "pearson": lambda A, B: _chi2_gaussian(A, B),
    "neyman": lambda A, B: _chi2_gaussian(B, A),
    "squared_hellinger": _hellinger_gaussian,
}


def gaussian_diverges(growth, A, B) -> bool:
    r"""Whether :math:`D_f` between two Gaussians is infinite, decided exactly from the growth of the convex function's normalized integrand
    (``ConvexFunction.growth``).

    A generator whose normalized integrand grows like :math:`e^{b|d|}` as :math:`d = \log(p/q) \to \infty`
    makes the integrand :math:`p^{1+b}q^{-b}`, integrable iff :math:`(1 + b)\Lambda_P - b\Lambda_Q \succ 0`;
    as :math:`d \to -\infty`, :math:`q^{1+b}p^{-b}`, with P and Q exchanged. A linear growth in d (KL's) or a
    bounded one is always integrable between Gaussians.
    """
    lower, upper = growth
    return (upper is not None and _diverges_at(A, B, 1.0 + upper)) or (
        lower is not None and _diverges_at(B, A, 1.0 + lower)
    )
