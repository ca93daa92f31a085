r"""f-divergences :math:`D_f(P\|Q) = E_Q f(p/q)`: the named convex functions f in one registry, exact values between laws and pmfs.

One table, :data:`CONVEX_FUNCTIONS`, holds for each named convex function ``f``
(the *generator* of :math:`D_f` in Csiszár's terms; :class:`ConvexFunction`
here, so as not to be confused with a GAN's generator) what the rest of the
package needs: f itself, its Fenchel conjugate :math:`f^*`, :math:`f(0)` and
:math:`f'(\infty) = \lim_{u\to\infty} f(u)/u`, the optimal critic
:math:`f'(p/q)`, and the name of its perspective dual
:math:`f^\circ(u) = u f(1/u)`. The f-GAN output activations :math:`g_f` and
:math:`f^*(g_f(v))` (Nowozin et al. 2016, Table 2) are network code and live
beside :func:`gantheory.gan.fgan.variational_bound`
(:data:`gantheory.gan.fgan.ACTIVATIONS`).

Between analytic laws :func:`f_divergence` takes the exact routes of
:func:`gantheory.divergences._dispatch.cascade` (equal laws, mutually
singular laws, point masses, a shared marginal, the Gaussian closed forms of
:mod:`gantheory.divergences._gaussian_f`), then integrates in the log domain.

* ``"kl"``: :math:`f(u) = u\log u`, KL(P‖Q); dual ``"reverse_kl"``.
* ``"reverse_kl"``: :math:`-\log u`, KL(Q‖P); dual ``"kl"``.
* ``"pearson"``: :math:`(u - 1)^2`, :math:`\int (p - q)^2/q`; dual ``"neyman"``.
* ``"neyman"``: :math:`(1 - u)^2/u`, :math:`\int (p - q)^2/p`; dual ``"pearson"``.
* ``"squared_hellinger"``: :math:`\tfrac12(\sqrt u - 1)^2`, :math:`1 - \int\sqrt{pq}`; self-dual.
* ``"total_variation"``: :math:`\tfrac12|u - 1|`, :math:`\tfrac12\int|p - q|`; self-dual.
* ``"jensen_shannon"``: :math:`\tfrac12[u\log u - (u + 1)\log\tfrac{u + 1}{2}]`, JSD(P, Q); self-dual.
* ``"gan"``: :math:`u\log u - (u + 1)\log(u + 1)`, :math:`2\,\mathrm{JSD}(P, Q) - \log 4`; self-dual.

Where the conventions differ from Nowozin et al.'s Table 1 (their
generators and Table 2's conjugates and activations as the public f-GAN
implementations that cite them use them; the tests check every conjugate
against a brute-force Legendre transform): **squared_hellinger** is half of
their :math:`(\sqrt u - 1)^2`, so that it equals :math:`1 - \int\sqrt{pq}`
(in [0, 1]; Tsybakov's (2009) :math:`H^2 = \int(\sqrt p - \sqrt q)^2` is twice it);
**jensen_shannon** is half of their :math:`u\log u - (u+1)\log\frac{u+1}2`
(whose conjugate :math:`-\log(2 - e^t)` gives :math:`2\,\mathrm{JSD}`), so that
it equals :func:`gantheory.js_divergence`. The conjugates and activations
scale with it: for :math:`f = c\,h`, :math:`f^*(t) = c\,h^*(t/c)` and
:math:`g_f = c\,g_h`. **gan** keeps their form, with :math:`f(1) = -\log 4`
(the only generator here with :math:`f(1) \neq 0`; it is the GAN's value
:math:`V(D^*, G)`).

Convention where one density vanishes (Csiszár; Liese and Vajda 2006):
:math:`0\,f(0/0) = 0`, :math:`q f(0/q) = q f(0)` and
:math:`0\,f(p/0) = p f'(\infty)`. So KL is ``inf`` on disjoint supports
(:math:`f'(\infty) = \infty`) while TV, JSD and the squared Hellinger
distance are finite (1, log 2, 1); for mutually singular laws
:math:`D_f = f(0) + f'(\infty)`.

Examples
--------
>>> import gantheory as gt
>>> from gantheory.divergences.f_divergences import f_divergence
>>> P, Q = gt.Normal(0, 1), gt.Normal(1, 1)
>>> f_divergence(P, Q, "kl")                                   # = gt.kl: 1/2
0.5
>>> f_divergence(P, Q, "pearson")                              # e^{(mu_1 - mu_2)^2} - 1
1.718281...
>>> f_divergence([0.5, 0.5], [1.0, 0.0], "total_variation")    # pmfs: exact sums
0.5
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gantheory._deprecation import renamed
from gantheory._validation import as_pmf, check_same_shape
from gantheory.distributions import Distribution
from gantheory.divergences import discrete, exact
from gantheory.divergences._cubature import ATOL_2D, RTOL_2D, grid_lines, integrate_plane
from gantheory.divergences._cubature import GAUSS_OFFSETS as _GAUSS_OFFSETS
from gantheory.divergences._dispatch import Rules, cascade, check_pair, refuse_mixed
from gantheory.divergences._gaussian_f import GAUSSIAN_CLOSED_FORMS, gaussian_diverges, gaussian_parameters
from gantheory.divergences._laws import AccuracyWarning
from gantheory.divergences._quadrature import covered, integrate, union

__all__ = ["ConvexFunction", "CONVEX_FUNCTIONS", "convex_function", "f_divergence"]

LOG2 = math.log(2.0)


@dataclass(frozen=True)
class ConvexFunction:
    r"""A convex function f with f(1) = 0 (the generator of :math:`D_f`) and everything the f-divergence and the f-GAN's bound need of it.

    ``lower`` and ``upper`` are the pointwise integrand in the log-ratio
    :math:`d = \log(p/q)` of the *normalized* generator
    :math:`\tilde f(u) = f(u) - f(1) - f'(1)(u - 1) \ge 0`: ``lower(d)`` =
    :math:`\tilde f(e^d)` (weighted by q, for :math:`d \le 0`) and ``upper(d)`` =
    :math:`e^{-d}\tilde f(e^d) = \tilde f^\circ(e^{-d})` (weighted by p, for
    :math:`d > 0`), so no ratio overflows. :math:`D_f = f(1) + D_{\tilde f}`
    exactly (the linear term integrates to zero under the convention at
    q = 0), and the integrand is non-negative.

    Attributes
    ----------
    name, formula : str
    f : callable
        f(u) for u >= 0 (NumPy arrays).
    f_one, slope_one : float
        f(1) and f'(1) (a subgradient where f has a kink at 1).
    f_zero, slope_infinity : float
        :math:`f(0) = \lim_{u\to 0} f(u)` and :math:`f'(\infty) = \lim_{u\to\infty} f(u)/u`, possibly inf.
    lower, upper : callable
        The normalized integrand in d (finite d only), see above.
    critic : callable or None
        The optimal critic :math:`T^* = f'(e^d)` as a function of the log-ratio d.
    conjugate : callable or None
        :math:`f^*(t) = \sup_{u \ge 0}\,[ut - f(u)]`, ``inf`` outside its domain; for ``"pearson"``,
        Nowozin et al.'s :math:`t^2/4 + t` (the conjugate of :math:`(u - 1)^2` on the whole
        line), which is the sup over u >= 0 for t >= -2 and above it (-1) for t < -2, so
        :math:`E_P T - E_Q f^*(T)` stays a lower bound.
    domain : tuple of float
        The interval where :math:`f^*` is finite (its ends: open where f* is inf there).
    dual : str or None
        The name of the perspective dual :math:`f^\circ(u) = u f(1/u)` when it is in the registry.
    log_lower, log_upper : callable or None
        The logarithms of ``lower`` and ``upper``, for the generators whose normalized integrand
        grows exponentially in d (Pearson's ``upper`` is :math:`e^d(1 - e^{-d})^2`): the
        integrand is then :math:`\exp(\log q + \log\tilde f(e^d))`, which stays finite where
        ``lower``/``upper`` alone would overflow and multiply a subnormal density.
    growth : (float or None, float or None)
        The exponent b of an exponential growth :math:`e^{b|d|}` of ``lower`` (as d -> -inf) and of
        ``upper`` (as d -> inf), None where it grows at most linearly. Between two Gaussians the
        integral is finite iff :math:`(1 + b)\Lambda_Q - b\Lambda_P` (lower) and
        :math:`(1 + b)\Lambda_P - b\Lambda_Q` (upper) are positive definite (:math:`\Lambda` the
        precisions): :func:`f_divergence` decides divergence between Gaussians by that test.
    tails : object or None
        For a callable f, what was extrapolated beyond the log-ratios where f could be evaluated
        (see :func:`f_divergence`'s Notes); None for the named generators.
    """

    name: str
    formula: str
    f: Callable
    f_one: float
    slope_one: float
    f_zero: float
    slope_infinity: float
    lower: Callable
    upper: Callable
    critic: Callable | None = None
    conjugate: Callable | None = None
    domain: tuple = (-math.inf, math.inf)
    dual: str | None = None
    log_lower: Callable | None = None
    log_upper: Callable | None = None
    growth: tuple = (None, None)
    tails: object = None

    @property
    def lower_limit(self) -> float:
        r""":math:`\tilde f(0)`: the normalized integrand where p = 0 < q."""
        return self.f_zero - self.f_one + self.slope_one

    @property
    def upper_limit(self) -> float:
        r""":math:`\tilde f'(\infty)`: the normalized integrand where q = 0 < p."""
        return self.slope_infinity - self.slope_one

    def perspective(self, u):
        r""":math:`f^\circ(u) = u f(1/u)` for u >= 0, with :math:`f^\circ(0) = f'(\infty)`."""
        u = np.asarray(u, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.where(u > 0, u * self.f(1.0 / np.where(u > 0, u, 1.0)), self.slope_infinity)


def _xlogx(u):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(u > 0, u * np.log(np.where(u > 0, u, 1.0)), 0.0)


def _softplus(x):
    return np.logaddexp(0.0, x)


def _f_conj(t, ok, formula):
    """Evaluate ``formula(t)`` where ``ok(t)``, inf elsewhere (no warnings from the excluded points)."""
    t = np.asarray(t, dtype=float)
    mask = ok(t)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.where(mask, formula(np.where(mask, t, 0.0)), np.inf)


_js_lower = lambda d: 0.5 * (np.exp(d) * (LOG2 - _softplus(-d)) + (LOG2 - _softplus(d)))  # noqa: E731

#: Each named :math:`f`-divergence (the ``f`` names this module takes) and its :class:`ConvexFunction`.
CONVEX_FUNCTIONS: dict[str, ConvexFunction] = {
    g.name: g
    for g in (
        ConvexFunction(
            "kl",
            "u log u",
            _xlogx,
            0.0,
            1.0,
            0.0,
            math.inf,
            lower=lambda d: d * np.exp(d) - np.expm1(d),
            upper=lambda d: d + np.expm1(-d),
            critic=lambda d: 1.0 + d,
            conjugate=lambda t: np.exp(np.asarray(t, dtype=float) - 1.0),
            dual="reverse_kl",
        ),
        ConvexFunction(
            "reverse_kl",
            "-log u",
            lambda u: -np.log(np.asarray(u, dtype=float)),
            0.0,
            -1.0,
            math.inf,
            0.0,
            lower=lambda d: np.expm1(d) - d,
            upper=lambda d: -np.expm1(-d) - d * np.exp(-d),
            critic=lambda d: -np.exp(-d),
            conjugate=lambda t: _f_conj(t, lambda t: t < 0, lambda t: -1.0 - np.log(-t)),
            domain=(-math.inf, 0.0),
            dual="kl",
        ),
        ConvexFunction(
            "pearson",
            "(u - 1)^2",
            lambda u: (np.asarray(u, dtype=float) - 1.0) ** 2,
            0.0,
            0.0,
            1.0,
            math.inf,
            lower=lambda d: np.expm1(d) ** 2,
            upper=lambda d: -np.expm1(d) * np.expm1(-d),
            critic=lambda d: 2.0 * np.expm1(d),
            conjugate=lambda t: np.asarray(t, dtype=float) ** 2 / 4.0 + np.asarray(t, dtype=float),
            dual="neyman",
            log_upper=lambda d: d + 2.0 * np.log(-np.expm1(-d)),
            growth=(None, 1.0),
        ),
        ConvexFunction(
            "neyman",
            "(1 - u)^2 / u",
            lambda u: (1.0 - np.asarray(u, dtype=float)) ** 2 / np.asarray(u, dtype=float),
            0.0,
            0.0,
            math.inf,
            1.0,
            lower=lambda d: -np.expm1(d) * np.expm1(-d),
            upper=lambda d: np.expm1(-d) ** 2,
            critic=lambda d: -np.expm1(-2.0 * d),
            conjugate=lambda t: _f_conj(t, lambda t: t < 1, lambda t: 2.0 - 2.0 * np.sqrt(1.0 - t)),
            domain=(-math.inf, 1.0),
            dual="pearson",
            log_lower=lambda d: -d + 2.0 * np.log(-np.expm1(d)),
            growth=(1.0, None),
        ),
        ConvexFunction(
            "squared_hellinger",
            "(sqrt(u) - 1)^2 / 2",
            lambda u: 0.5 * (np.sqrt(np.asarray(u, dtype=float)) - 1.0) ** 2,
            0.0,
            0.0,
            0.5,
            0.5,
            lower=lambda d: 0.5 * np.expm1(0.5 * d) ** 2,
            upper=lambda d: 0.5 * np.expm1(-0.5 * d) ** 2,
            critic=lambda d: -0.5 * np.expm1(-0.5 * d),
            conjugate=lambda t: _f_conj(t, lambda t: t < 0.5, lambda t: t / (1.0 - 2.0 * t)),
            domain=(-math.inf, 0.5),
            dual="squared_hellinger",
        ),
        ConvexFunction(
            "total_variation",
            "|u - 1| / 2",
            lambda u: 0.5 * np.abs(np.asarray(u, dtype=float) - 1.0),
            0.0,
            0.0,
            0.5,
            0.5,
            lower=lambda d: -0.5 * np.expm1(d),
            upper=lambda d: -0.5 * np.expm1(-d),
            critic=lambda d: 0.5 * np.sign(d),
            conjugate=lambda t: _f_conj(t, lambda t: np.abs(t) <= 0.5, lambda t: t),
            domain=(-0.5, 0.5),
            dual="total_variation",
        ),
        ConvexFunction(
            "jensen_shannon",
            "(u log u - (u + 1) log((u + 1)/2)) / 2",
            lambda u: (
                0.5
                * (
                    _xlogx(np.asarray(u, dtype=float))
                    - (np.asarray(u, dtype=float) + 1.0) * np.log((np.asarray(u, dtype=float) + 1.0) / 2.0)
                )
            ),
            0.0,
            0.0,
            0.5 * LOG2,
            0.5 * LOG2,
            lower=_js_lower,
            upper=lambda d: _js_lower(-d),
            critic=lambda d: 0.5 * (LOG2 - _softplus(-d)),
            conjugate=lambda t: _f_conj(t, lambda t: t < 0.5 * LOG2, lambda t: -0.5 * np.log(2.0 - np.exp(2.0 * t))),
            domain=(-math.inf, 0.5 * LOG2),
            dual="jensen_shannon",
        ),
        ConvexFunction(
            "gan",
            "u log u - (u + 1) log(u + 1)",
            lambda u: _xlogx(np.asarray(u, dtype=float)) - _xlogx(np.asarray(u, dtype=float) + 1.0),
            -2.0 * LOG2,
            -LOG2,
            0.0,
            0.0,
            lower=lambda d: 2.0 * _js_lower(d),
            upper=lambda d: 2.0 * _js_lower(-d),
            critic=lambda d: -_softplus(-d),
            conjugate=lambda t: _f_conj(t, lambda t: t < 0, lambda t: -np.log(-np.expm1(t))),
            domain=(-math.inf, 0.0),
            dual="gan",
        ),
    )
}

# -- callables: checked on a grid, extrapolated beyond where they can be evaluated ---------------------------

CHECK_GRID = np.unique(np.concatenate([np.geomspace(1e-4, 1e4, 401), [1.0]]))
LOG_RATIO_REACH = 700.0  # a callable f is evaluated at e^d for |d| <= 700 at most (e^700 ~ 1e304)
TAIL_GRID = np.arange(1.0, LOG_RATIO_REACH + 1.0)  # where the reach of f is probed (|d| = 1, 2, ..., 700)
TAIL_CHECK = 1e-6  # the extrapolation's relative check at the third point


def _limit(values):
    """The last of a sequence of evaluations if it has settled (two far-apart points agree), else inf."""
    a, b = (float(v) for v in values)
    if math.isfinite(a) and math.isfinite(b) and abs(b - a) <= 1e-6 * (1.0 + abs(b)):
        return b
    return math.inf


@dataclass
class _Tail:
    r"""One side of a callable's normalized integrand beyond its reach: :math:`h(t)` for :math:`t = |d| > T`.

    ``kind`` is ``"limit"`` (h tends to the finite ``limit``; h is monotone there, so the error is at
    most ``bound``), ``"linear"`` (:math:`h(t) \approx a + bt`, as for :math:`u\log u`),
    ``"exponential"`` (:math:`\log h(t) \approx a + bt`, as for :math:`(u - 1)^2`) or ``"unchecked"``
    (neither model passed its check at a third point; the linear one is used and a warning given when
    the integrand reached past T). ``reached`` records whether an integrand was evaluated past T.
    """

    T: float
    kind: str
    a: float = 0.0
    b: float = 0.0
    bound: float = 0.0
    reached: bool = False

    def log_h(self, t, direct):
        """log h(t): ``direct(t)`` up to T (non-negative by convexity; rounding below 0 is 0), the model beyond."""
        t = np.asarray(t, dtype=float)
        beyond = t > self.T
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            inside = np.log(np.maximum(direct(np.where(beyond, self.T, t)), 0.0))
            if self.kind == "exponential":
                model = self.a + self.b * t
            else:
                model = np.log(np.maximum(self.a + self.b * t, 0.0))
        if beyond.any():
            self.reached = True
        return np.where(beyond, model, inside)

    def note(self, side) -> str | None:
        """The warning to give after an integral that reached past T, or None."""
        if not self.reached:
            return None
        if self.kind == "unchecked":
            return (
                f"f could be evaluated for |log(p/q)| <= {self.T:g} on the {side} side only, and its growth beyond "
                f"fits neither a linear nor an exponential model in log(p/q) (checked to {TAIL_CHECK:g} at a third "
                "point); the integrand beyond was extrapolated linearly"
            )
        if self.kind == "limit" and self.bound > 1e-12:
            return (
                f"f could be evaluated for |log(p/q)| <= {self.T:g} on the {side} side only; beyond it the "
                f"integrand takes its limit, with an error of at most {self.bound:.2e} (times the mass there)"
            )
        return None


def _tail(h, limit) -> _Tail:
    """Fit the :class:`_Tail` of ``h(t)`` (the normalized integrand at |d| = t) from its values on ``TAIL_GRID``."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        values = np.asarray(h(TAIL_GRID), dtype=float)
    bad = ~np.isfinite(values)
    n = int(np.argmax(bad)) if bad.any() else values.size
    if n < 4:
        raise ValueError(f"f must be finite on [e^-4, e^4]; it overflows or is undefined at u = e^(+-{TAIL_GRID[n]:g})")
    T = float(TAIL_GRID[n - 1])
    if math.isfinite(limit):
        return _Tail(T, "limit", a=limit, bound=abs(limit - float(values[n - 1])))
    t0, tm, t1 = TAIL_GRID[(n - 1) // 2], TAIL_GRID[(3 * (n - 1)) // 4], T
    h0, hm, h1 = (float(values[int(t) - 1]) for t in (t0, tm, t1))
    slope = (h1 - h0) / (t1 - t0)
    if abs(h0 + slope * (tm - t0) - hm) <= TAIL_CHECK * abs(hm):
        return _Tail(T, "linear", a=h1 - slope * t1, b=slope)
    if min(h0, hm, h1) > 0:
        l0, lm, l1 = math.log(h0), math.log(hm), math.log(h1)
        rate = (l1 - l0) / (t1 - t0)
        if abs(l0 + rate * (tm - t0) - lm) <= TAIL_CHECK * max(1.0, abs(lm)):
            return _Tail(T, "exponential", a=l1 - rate * t1, b=rate)
    return _Tail(T, "unchecked", a=h1 - slope * t1, b=slope)


def _from_callable(f) -> ConvexFunction:
    r"""Check a user's generator on :data:`CHECK_GRID` and build its :class:`ConvexFunction` (no conjugate, no activation)."""

    def F(u):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.asarray(f(np.asarray(u, dtype=float)), dtype=float)

    try:
        values = np.broadcast_to(F(CHECK_GRID), CHECK_GRID.shape)
    except Exception as exc:  # noqa: BLE001 - report any failure of the user's function
        raise ValueError(
            f"f must accept a NumPy array of ratios u > 0 and return f(u) elementwise; calling it failed: {exc!r}"
        ) from exc
    if not np.isfinite(values).all():
        bad = CHECK_GRID[~np.isfinite(values)][0]
        raise ValueError(f"f must be finite for u > 0; f({bad:.3g}) = {F(bad)!r}")
    one = float(values[CHECK_GRID == 1.0][0])
    if abs(one) > 1e-10:
        raise ValueError(f"f must satisfy f(1) = 0 (so that D_f(P||P) = 0); got f(1) = {one!r}")
    slopes = np.diff(values) / np.diff(CHECK_GRID)
    drop = slopes[:-1] - slopes[1:]
    tol = 1e-7 * (1.0 + np.abs(slopes[:-1]) + np.abs(slopes[1:]))
    if (drop > tol).any():
        k = int(np.argmax(drop - tol))
        raise ValueError(
            f"f must be convex; its chord slopes decrease near u = {CHECK_GRID[k + 1]:.4g} "
            f"({slopes[k]:.6g} then {slopes[k + 1]:.6g}), checked on {CHECK_GRID.size} points of [1e-4, 1e4]"
        )
    h = 1e-6
    slope_one = float((F(1.0 + h) - F(1.0 - h)) / (2.0 * h))
    f_zero = float(F(0.0)) if np.isfinite(F(0.0)) else _limit([F(1e-150), F(1e-300)])
    slope_inf = _limit([F(1e75) / 1e75, F(1e150) / 1e150])

    def lower_direct(t):  # f~(e^-t), t >= 0
        u = np.exp(-t)
        return F(u) - slope_one * (u - 1.0)

    def upper_direct(t):  # f~°(e^-t) = e^-t f~(e^t), t >= 0
        v = np.exp(-t)
        return v * F(1.0 / v) - slope_one * (1.0 - v)

    tails = (_tail(lower_direct, f_zero + slope_one), _tail(upper_direct, slope_inf - slope_one))

    def log_lower(d):
        return tails[0].log_h(-np.asarray(d, dtype=float), lower_direct)

    def log_upper(d):
        return tails[1].log_h(np.asarray(d, dtype=float), upper_direct)

    def critic(d):
        u = np.exp(np.clip(d, -LOG_RATIO_REACH, LOG_RATIO_REACH))
        return (F(u * (1.0 + h)) - F(u * (1.0 - h))) / (2.0 * h * u)

    growth = tuple(t.b if t.kind == "exponential" else None for t in tails)
    return ConvexFunction(
        getattr(f, "__name__", "f"),
        "user f",
        F,
        0.0,
        slope_one,
        f_zero,
        slope_inf,
        lambda d: np.exp(log_lower(d)),
        lambda d: np.exp(log_upper(d)),
        critic=critic,
        log_lower=log_lower,
        log_upper=log_upper,
        growth=growth,
        tails=tails,
    )


def convex_function(f) -> ConvexFunction:
    """The :class:`ConvexFunction` for a name in :data:`CONVEX_FUNCTIONS` or for a convex callable with f(1) = 0.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones), or a callable
        that fails the grid checks (finite on u > 0, f(1) = 0, convex).

    Examples
    --------
    >>> convex_function("kl").dual
    'reverse_kl'
    >>> convex_function("chi2")
    Traceback (most recent call last):
    ...
    ValueError: f must be one of ('kl', 'reverse_kl', 'pearson', 'neyman', 'squared_hellinger', 'total_variation', 'jensen_shannon', 'gan') or a convex callable with f(1) = 0, got 'chi2'
    >>> convex_function(lambda u: (u - 1) ** 3)
    Traceback (most recent call last):
    ...
    ValueError: f must be convex; its chord slopes decrease near u = ...
    """
    if isinstance(f, ConvexFunction):
        return f
    if isinstance(f, str):
        if f not in CONVEX_FUNCTIONS:
            raise ValueError(
                f"f must be one of {tuple(CONVEX_FUNCTIONS)} or a convex callable with f(1) = 0, got {f!r}"
            )
        return CONVEX_FUNCTIONS[f]
    if callable(f):
        return _from_callable(f)
    raise TypeError(f"f must be a name in {tuple(CONVEX_FUNCTIONS)} or a callable, got {type(f).__name__}")


# -- the pointwise integrand ---------------------------------------------------


def _pointwise(g: ConvexFunction, lp, lq):
    r"""The normalized integrand :math:`q\tilde f(p/q)` from log p and log q (arrays), with the convention at 0.

    Where the generator has a log form (``log_lower``/``log_upper``), the integrand is
    :math:`\exp(\log q + \log\tilde f(e^d))` (resp. :math:`\exp(\log p + \log\tilde f^\circ(e^{-d}))`):
    no factor overflows while the product is representable.
    """
    lp, lq = np.broadcast_arrays(np.asarray(lp, dtype=float), np.asarray(lq, dtype=float))
    fp, fq = lp > -np.inf, lq > -np.inf
    both = fp & fq
    d = np.subtract(lp, lq, out=np.zeros(lp.shape), where=both)
    low = both & (d <= 0)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        lp0, lq0 = np.where(fp, lp, 0.0), np.where(fq, lq, 0.0)
        wp, wq = np.where(fp, np.exp(lp0), 0.0), np.where(fq, np.exp(lq0), 0.0)
        d_low, d_up = np.where(low, d, 0.0), np.where(low, 1.0, d)
        if g.log_lower is not None:
            lower = np.exp(lq0 + g.log_lower(d_low))
        else:
            lower = np.where(wq > 0, wq * g.lower(d_low), 0.0)
        if g.log_upper is not None:
            upper = np.exp(lp0 + g.log_upper(d_up))
        else:
            upper = np.where(wp > 0, wp * g.upper(d_up), 0.0)
        out = np.where(low, lower, 0.0)
        out = np.where(both & ~low, upper, out)
        out = np.where(fp & ~fq & (wp > 0), wp * g.upper_limit, out)
        out = np.where(fq & ~fp & (wq > 0), wq * g.lower_limit, out)
    return out


# -- public --------------------------------------------------------------------


def _pmf_route(p, q, g: ConvexFunction, name):
    p, q = as_pmf(p, "P", np), as_pmf(q, "Q", np)
    check_same_shape(p, q, ("P", "Q"))
    if name == "kl":
        return discrete.kl(p, q)
    if name == "reverse_kl":
        return discrete.kl(q, p)
    if name == "total_variation":
        return discrete.tv(p, q)
    if name == "jensen_shannon":
        return discrete.js_divergence(p, q)
    if name == "gan":
        return 2.0 * discrete.js_divergence(p, q) - 2.0 * LOG2
    with np.errstate(divide="ignore"):
        terms = _pointwise(g, np.log(p), np.log(q))
    return g.f_one + max(0.0, float(np.sum(terms)))


def f_divergence(P, Q, f, *, method="auto") -> float:
    r"""Exact: the f-divergence :math:`D_f(P\|Q) = E_Q\,f(p/q)` between analytic laws or pmfs (exact sums, closed forms or quadrature).

    Parameters
    ----------
    P, Q : Distribution or array_like
        Two :mod:`gantheory.distributions` laws of the same ``dim``, or two
        pmfs on one shared support (non-negative arrays of one shape,
        normalized like :func:`gantheory.discrete.kl`).
    f : str or callable
        A name in :data:`CONVEX_FUNCTIONS` (``"kl"``, ``"reverse_kl"``,
        ``"pearson"``, ``"neyman"``, ``"squared_hellinger"``,
        ``"total_variation"``, ``"jensen_shannon"``, ``"gan"``), or a convex
        callable with f(1) = 0, vectorized over NumPy arrays of ratios
        (checked on 401 points of [1e-4, 1e4]; ``ValueError`` says which
        check fails).
    method : {"auto", "quadrature"}
        ``"auto"``: ``"kl"``, ``"reverse_kl"``, ``"total_variation"``,
        ``"jensen_shannon"`` and ``"gan"`` go through :func:`gantheory.kl`,
        :func:`gantheory.tv` and :func:`gantheory.js_divergence` (their closed
        forms and quadrature); ``"quadrature"``: always integrate the generator
        itself (the tests check one against the other).

    Returns
    -------
    float
        :math:`D_f(P\|Q)` in :math:`[f(1), \infty]` (``inf`` allowed: KL or
        Pearson when P has mass where q = 0, reverse KL or Neyman when Q has
        mass where p = 0). ``"gan"`` gives :math:`2\,\mathrm{JSD} - \log 4`,
        in :math:`[-\log 4, 0]`.

    Notes
    -----
    .. math:: D_f(P\|Q) = \int q\,f\!\left(\frac{p}{q}\right),\quad
              0 f(0/0) = 0,\ q f(0/q) = q f(0),\ 0 f(p/0) = p f'(\infty),

    with :math:`f'(\infty) = \lim_{u\to\infty} f(u)/u` [1]_ [2]_. Mutually singular
    laws give :math:`f(0) + f'(\infty)` exactly; P = Q gives f(1);
    products sharing a marginal give the divergence of the other marginals.
    Otherwise it integrates the normalized generator
    :math:`\tilde f(u) = f(u) - f(1) - f'(1)(u - 1) \ge 0` in the log-ratio
    :math:`d = \log p - \log q`: :math:`q\tilde f(e^d)` where :math:`d \le 0`,
    :math:`p\,\tilde f^\circ(e^{-d})` where :math:`d > 0`
    (:math:`f^\circ(u) = u f(1/u)`, no ratio overflows), and adds f(1). Where
    :math:`\tilde f` grows exponentially in d (Pearson's :math:`p^2/q`, Neyman's
    :math:`q^2/p`), the integrand is :math:`\exp(\log p + \log\tilde f^\circ(e^{-d}))`,
    finite wherever the product is, even where p is subnormal and :math:`e^d` overflows.

    * pmfs and point masses: the exact sum over the support, O(n)
      (``kl`` etc. through :mod:`gantheory.discrete`, ``rel_entr``);
    * two Gaussians (``Normal``, ``MultivariateNormal``, products of two
      ``Normal``): divergence is decided exactly. A generator whose
      :math:`\tilde f` grows like :math:`e^{b|d|}` makes the integrand
      :math:`p^{1+b}q^{-b}` (or :math:`q^{1+b}p^{-b}`), finite iff
      :math:`(1 + b)\Lambda_P - b\Lambda_Q` (resp. with P and Q exchanged) is
      positive definite [4]_; Pearson, Neyman and the squared Hellinger
      distance have closed forms, :math:`\chi^2(P\|Q) = \int p^2/q - 1` and
      :math:`1 - \int\sqrt{pq}` through :math:`\log\int p^\alpha q^{1-\alpha}`
      [4]_ (``method="auto"``; ``"quadrature"`` integrates them too);
    * other laws: a generator with :math:`\tilde f(0) = \infty` or
      :math:`\tilde f'(\infty) = \infty` is probed for a divergent tail along
      rays (±1 in 1-D, 256 rays 1.41° apart in the plane: a divergent cone wider
      than 1.41° is caught), then
    * 1-D densities: QUADPACK over the pieces between the laws' break points
      and the points where p = q, to 1e-8 relative or 1e-12 absolute, as
      :func:`gantheory.kl` (an :class:`~gantheory.divergences.exact.AccuracyWarning`
      when the summed error estimate is above it);
    * 2-D densities: the adaptive Gauss-Legendre cubature of
      :func:`gantheory.divergences._cubature.integrate_plane`, to 1e-8
      relative or 1e-12 absolute, with its bounded work and warning, on a
      start grid that also has lines through the *integrand's* peak and at
      1.5, 4 and 10 of its own standard deviations (a Gaussian fitted to the
      log integrand at its largest probe; :math:`p^2/q` can peak far outside
      P's mass); an ``AccuracyWarning`` when the probes put more than the
      tolerance outside the box the grid spans.

    For a callable f, :math:`f(0)` and :math:`f'(\infty)` are read off
    :math:`f(10^{-300})` and :math:`f(u)/u` at :math:`u = 10^{75}, 10^{150}`
    (``inf`` unless the two agree to 1e-6), f'(1) by a central difference.
    f is evaluated at :math:`u = e^{\pm t}` only for t up to the reach T
    where it is finite (at most 700). Beyond T the normalized integrand takes
    its limit where that is finite (an ``AccuracyWarning`` with the error
    bound :math:`|\tilde f(0) - \tilde f(e^{-T})|` when that is above 1e-12;
    :math:`\tilde f` is monotone there), or else follows a model fitted on
    [T/2, T] and checked at 3T/4 to 1e-6: linear in t (:math:`u\log u`,
    :math:`-\log u`, Jeffreys) or exponential (:math:`(u - 1)^2`, whose rate
    then decides divergence between Gaussians as above). When neither model
    passes its check and the integral reached past T, the value comes with an
    ``AccuracyWarning``.

    References
    ----------
    .. [1] I. Csiszár, "Information-type measures of difference of probability
       distributions and indirect observations", Studia Sci. Math. Hungar. 2, 1967.
    .. [2] F. Liese and I. Vajda, "On divergences and informations in statistics
       and information theory", IEEE Trans. Inf. Theory 52(10), 2006.
    .. [3] S. Nowozin, B. Cseke and R. Tomioka, "f-GAN: Training generative
       neural samplers using variational divergence minimization", NeurIPS 2016.
    .. [4] M. Gil, F. Alajaji and T. Linder, "Rényi divergence measures for
       commonly used univariate continuous distributions", Information
       Sciences 249, 2013 (their multivariate Gaussian case).

    Examples
    --------
    >>> import math
    >>> import gantheory as gt
    >>> P, Q = gt.Normal(0, 1), gt.Normal(1, 1)
    >>> f_divergence(P, Q, "squared_hellinger")      # 1 - exp(-(mu_1 - mu_2)^2 / 8)
    0.117503...
    >>> f_divergence(P, Q, "gan") == 2 * gt.js_divergence(P, Q) - math.log(4)
    True
    >>> f_divergence(gt.Uniform(0, 1), gt.Uniform(2, 3), "total_variation"), f_divergence(gt.Uniform(0, 1), gt.Uniform(2, 3), "kl")
    (1.0, inf)
    >>> f_divergence(P, Q, lambda u: (u - 1) ** 2 / 2)      # a callable: half the Pearson chi^2
    0.859140...
    """
    g = convex_function(f)
    name = g.name if isinstance(f, str) else None
    if method not in ("auto", "quadrature"):
        raise ValueError(f"method must be one of ('auto', 'quadrature'), got {method!r}")
    p_is, q_is = isinstance(P, Distribution), isinstance(Q, Distribution)
    if not p_is and not q_is:
        return _pmf_route(P, Q, g, name if method == "auto" else None)
    if p_is != q_is:
        raise TypeError("P and Q must both be gantheory distributions or both pmfs (array_like); got one of each")
    check_pair(P, Q, "auto")
    refuse_mixed("f_divergence", P, Q)
    if P == Q:
        return g.f_one
    if method == "auto" and name in ("kl", "reverse_kl", "total_variation", "jensen_shannon", "gan"):
        if name == "kl":
            return exact.kl(P, Q)
        if name == "reverse_kl":
            return exact.kl(Q, P)
        if name == "total_variation":
            return exact.tv(P, Q)
        js = exact.js_divergence(P, Q)
        return js if name == "jensen_shannon" else 2.0 * js - 2.0 * LOG2
    return cascade(_rules(g, name if method == "auto" else None), P, Q, method)


def _rules(g: ConvexFunction, name) -> Rules:
    """The cascade's :class:`~gantheory.divergences._dispatch.Rules` for :math:`D_f`: the Gaussian closed forms of ``name`` (None: none)."""
    closed = (
        ((_both_gaussian, lambda P, Q: GAUSSIAN_CLOSED_FORMS[name](gaussian_parameters(P), gaussian_parameters(Q))),)
        if name in GAUSSIAN_CLOSED_FORMS
        else ()
    )
    return Rules(
        f"f_divergence({g.name})",
        singular=g.f_one + g.lower_limit + g.upper_limit,
        pmfs=lambda p, q: _pmf_route(p, q, g, None),
        quadrature=lambda P, Q: _line(g, P, Q),
        cubature=lambda P, Q: _plane(g, P, Q),
        closed_forms=closed,
        equal=g.f_one,
    )


def _both_gaussian(P, Q):
    return gaussian_parameters(P) is not None and gaussian_parameters(Q) is not None


def _diverges(g: ConvexFunction, P, Q) -> bool:
    r"""Whether :math:`D_f(P\|Q)` is infinite through a divergent tail: decided exactly between Gaussians, else by probes along rays."""
    gaussians = gaussian_parameters(P), gaussian_parameters(Q)
    if None not in gaussians:
        return gaussian_diverges(g.growth, *gaussians)
    return math.inf in (g.lower_limit, g.upper_limit) and _tails_diverge(g, P, Q)


def _finish(g: ConvexFunction, value):
    """The integral of the normalized integrand as :math:`D_f`: f(1) added, round-off below 0 clipped; warns on extrapolated tails."""
    _warn_tails(g)
    return g.f_one + max(0.0, value)


def _line(g: ConvexFunction, P, Q):
    """:math:`D_f` between 1-D densities: QUADPACK over the pieces between the laws' break points and where the integrand has its mass."""
    if _diverges(g, P, Q):
        return math.inf
    if (g.upper_limit == math.inf and not covered(P, Q)) or (g.lower_limit == math.inf and not covered(Q, P)):
        return math.inf
    points, reach = _mass_points(g, P, Q)
    intervals = union(P, Q)
    if reach is not None:
        centre, radius = reach
        intervals = [
            (max(a, centre - radius), min(b, centre + radius))
            for a, b in intervals
            if min(b, centre + radius) > max(a, centre - radius)
        ]
        warnings.warn(
            f"f_divergence({g.name}): the integrand still has mass {radius:.3g} from the laws' centre, where "
            f"log p - log q is lost to float64 rounding (|log p| > {RESOLVED:g}); integrated within that distance only",
            AccuracyWarning,
            stacklevel=2,
        )
    value = integrate(
        lambda a, o: float(_pointwise(g, P._logpdf_at(a, o), Q._logpdf_at(a, o))),
        intervals,
        (P, Q),
        kinks=lambda a, o: P._logpdf_at(a, o) - Q._logpdf_at(a, o),
        points=points,
    )
    return _finish(g, value)


# -- other laws: probes of the integrand along rays ---------------------------------------------

PROBE_DIRECTIONS = 256  # rays in the plane, 1.41 degrees apart: a divergent cone wider than that holds one
PROBE_RADII = 2.0 ** (np.arange(-16, 161) / 4.0)  # in units of the laws' scale: 1/16 to 2^40, four per octave
RESOLVED = 1e8  # a probe with |log p| or |log q| above this has log(p/q) rounded by more than ~1e-8: left out
MASS_FLOOR = 1e-20  # probes whose share of the integrand's mass is below this are its negligible tails


def _probes(g, P, Q):
    """Points on rays from the laws' centre and the integrand there: (points (rays, radii, dim), values (rays, radii), radii)."""
    centre = 0.5 * (np.asarray(P.mean, dtype=float) + np.asarray(Q.mean, dtype=float)).reshape(-1)
    spread = [float(D.var) if D.dim == 1 else float(np.trace(D.cov)) for D in (P, Q)]
    scale = math.sqrt(max(spread)) + float(
        np.linalg.norm(np.asarray(P.mean, dtype=float) - np.asarray(Q.mean, dtype=float))
    )
    if not math.isfinite(scale) or scale <= 0:
        return None
    if P.dim == 1:
        directions = np.array([[1.0], [-1.0]])
    else:
        angles = np.linspace(0.0, 2.0 * math.pi, PROBE_DIRECTIONS, endpoint=False)
        directions = np.column_stack([np.cos(angles), np.sin(angles)])
    radii = scale * PROBE_RADII
    x = centre + radii[None, :, None] * directions[:, None, :]
    flat = x.reshape(-1, P.dim)
    flat = flat[:, 0] if P.dim == 1 else flat
    lp, lq = P.logpdf(flat), Q.logpdf(flat)
    values = _pointwise(g, lp, lq)
    with np.errstate(invalid="ignore"):
        unresolved = np.maximum(np.abs(lp), np.abs(lq)) > RESOLVED  # log p - log q lost to rounding
    values = np.where(unresolved & np.isfinite(lp) & np.isfinite(lq), np.nan, values).reshape(x.shape[:2])
    return x, values, radii


def _tails_diverge(g, P, Q) -> bool:
    r"""Whether the integrand grows along a ray to infinity (a divergent :math:`\int p^2/q`-type tail), for non-Gaussian laws.

    Only a generator with :math:`\tilde f(0) = \infty` or :math:`\tilde f'(\infty) = \infty`
    can have an infinite integral between laws that share their support (a convex
    :math:`\tilde f \ge 0` is at most :math:`\tilde f(0)` on [0, 1] and at most
    :math:`u\tilde f'(\infty)`, so the bounded cases are integrable). Along each ray
    from the laws' centre (±1 in 1-D; in the plane ``PROBE_DIRECTIONS`` = 256 rays, 1.41°
    apart, so that any divergent cone wider than 1.41° contains one) the integrand is
    evaluated at ``PROBE_RADII`` times s (s the larger standard deviation (root of the
    covariance's trace in 2-D) plus the distance between the means), out to :math:`2^{40}` s or as far as
    :math:`|\log p|, |\log q| \le 10^{12}` (beyond, rounding swamps :math:`\log(p/q)`); it diverges
    if the integrand is positive and not decreasing between the last two such radii (the tails of
    normal, Laplace and uniform laws and their mixtures are monotone there).
    """
    probes = _probes(g, P, Q)
    if probes is None:
        return False
    _, values, _ = probes
    for ray in values:
        ray = ray[~np.isnan(ray)]  # the resolved radii
        if ray.size >= 2 and ray[-1] > 0 and not ray[-1] < ray[-2]:
            return True
    return False


def _mass_weights(probes):
    """Each probe's rough share of the integrand's mass: value times its cell (r dr in 1-D, r^2 dr dtheta in 2-D), over the total."""
    x, values, radii = probes
    cell = radii ** x.shape[-1]
    with np.errstate(invalid="ignore", over="ignore"):
        mass = np.where(np.isnan(values), 0.0, values) * cell[None, :]
        total = mass.sum()
    return mass / total if total > 0 and math.isfinite(total) else None


def _mass_points(g, P, Q):
    r"""Quadrature break points where the 1-D integrand has its mass, and how far the quadrature can trust it.

    The break points are the probes beyond the laws' own break points (one per octave of distance from
    the laws' centre) whose share of the integrand's mass is above ``MASS_FLOOR``: the integrand can
    live far outside both laws' scales
    (:math:`p^2/q` between N(0, 1) and N(0, 0.70711) has a standard deviation of about 100). Returns
    ``(points, reach)``: ``reach`` is None, or the distance from the centre beyond which the integrand
    still has mass but :math:`\log(p/q)` is lost to rounding (``RESOLVED``); the caller then
    integrates within it and warns.
    """
    probes = _probes(g, P, Q)
    if probes is None:
        return (), None
    share = _mass_weights(probes)
    if share is None:
        return (), None
    x, values, radii = probes
    centre = 0.5 * (x[0, 0, 0] + x[1, 0, 0])
    own = np.concatenate([P._breakpoints(), Q._breakpoints()])
    own = own[np.isfinite(own)]
    beyond = (x[..., 0] < own.min()) | (x[..., 0] > own.max()) if own.size else np.ones(share.shape, dtype=bool)
    octave = (np.arange(radii.size) % 4 == 0)[None, :]  # one break point per octave beyond the laws' own
    keep = (share > MASS_FLOOR) & beyond & octave
    reach = None
    for ray in range(values.shape[0]):
        resolved = np.flatnonzero(~np.isnan(values[ray]))
        if resolved.size and resolved[-1] < radii.size - 1 and share[ray, resolved[-1]] > MASS_FLOOR:
            reach = float(radii[resolved[-1]]) if reach is None else min(reach, float(radii[resolved[-1]]))
    return [(centre, x[keep][:, 0] - centre)], (None if reach is None else (centre, reach))


def _warn_tails(g):
    """An ``AccuracyWarning`` for each side where a callable's integrand was extrapolated without a checked model."""
    if g.tails is None:
        return
    for side, tail in zip(("p < q", "p > q"), g.tails):
        message = tail.note(side)
        if message is not None:
            warnings.warn(f"f_divergence({g.name}): {message}", AccuracyWarning, stacklevel=3)


class _Infinite(Exception):
    """The 2-D integrand is infinite at a point (p > 0 = q with f'(inf) = inf, or the reverse)."""


PEAK_FLOOR = 1e-30  # probe values below this fraction of the largest are the integrand's negligible tails


def _peak_lines(g, P, Q, probes):
    r"""Grid lines (xs, ys) on the integrand's own scale: through its peak and ±1.5, 4, 10 of its standard deviations.

    The peak and the spread come from a Gaussian fitted to the log integrand at the largest probe (a
    Newton step on central differences of :math:`\log(q\tilde f)`): exact when the integrand is
    Gaussian, as :math:`p^2/q` is between Gaussians. Where the fit is not concave, the lines span
    the probes whose value is above ``PEAK_FLOOR`` times the largest.
    """
    x, values, radii = probes
    vals = np.where(np.isnan(values), 0.0, values).reshape(-1)
    top = float(vals.max())
    if not (math.isfinite(top) and top > 0):
        return None
    points = x.reshape(-1, 2)
    x0 = points[int(np.argmax(vals))]
    h = 0.25 * max(radii[0], float(np.linalg.norm(x0 - points.mean(axis=0))) * 1e-3)
    steps = np.array([[0, 0], [h, 0], [-h, 0], [0, h], [0, -h], [h, h], [h, -h], [-h, h], [-h, -h]], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        at = x0 + steps
        lv = np.log(_pointwise(g, P._logpdf(at), Q._logpdf(at)))
        grad = np.array([lv[1] - lv[2], lv[3] - lv[4]]) / (2 * h)
        hxx, hyy = (lv[1] - 2 * lv[0] + lv[2]) / h**2, (lv[3] - 2 * lv[0] + lv[4]) / h**2
        hxy = (lv[5] - lv[6] - lv[7] + lv[8]) / (4 * h * h)
        H = -np.array([[hxx, hxy], [hxy, hyy]])
    if np.isfinite(H).all() and np.isfinite(grad).all() and np.linalg.eigvalsh(H).min() > 0:
        cov = np.linalg.inv(H)
        peak = x0 + cov @ grad
        return tuple(peak[i] + math.sqrt(cov[i, i]) * _GAUSS_OFFSETS for i in (0, 1))
    keep = points[vals > PEAK_FLOOR * top]
    return tuple(np.linspace(keep[:, i].min(), keep[:, i].max(), 9) for i in (0, 1))


def _outside_mass(probes, lines):
    r"""A rough estimate of the integrand's mass outside the box the grid lines span: the probes outside it,
    each weighted by its polar cell :math:`r\,\Delta r\,\Delta\theta`."""
    x, values, radii = probes
    lo = np.array([min(part[i].min() for part in lines) for i in (0, 1)])
    hi = np.array([max(part[i].max() for part in lines) for i in (0, 1)])
    outside = ((x < lo) | (x > hi)).any(axis=-1)
    cell = radii * radii * (2.0**0.25 - 1.0) * (2.0 * math.pi / x.shape[0])
    with np.errstate(invalid="ignore", over="ignore"):
        return float(np.sum(np.where(outside & ~np.isnan(values), values, 0.0) * cell[None, :]))


def _plane(g, P, Q):
    """:math:`D_f` between 2-D densities: adaptive cubature on a grid that also spans the integrand's own peak."""
    if _diverges(g, P, Q):
        return math.inf

    def integrand(x):
        values = _pointwise(g, P._logpdf(x), Q._logpdf(x))
        if np.isinf(values).any():
            raise _Infinite
        return values

    probes = _probes(g, P, Q)
    extra = None if probes is None else _peak_lines(g, P, Q, probes)
    try:
        value = integrate_plane(f"f_divergence({g.name})", integrand, P, Q, extra_lines=extra)
    except _Infinite:
        return _finish(g, math.inf)
    if probes is not None:
        lines = [grid_lines(P), grid_lines(Q)] + ([extra] if extra is not None else [])
        missed = _outside_mass(probes, lines)
        if missed > max(RTOL_2D * abs(value), ATOL_2D):
            warnings.warn(
                f"f_divergence({g.name}): the integrand's mass outside the cubature box is about {missed:.2e} "
                f"(a probe estimate), above the tolerance for the value {value:.10g}",
                AccuracyWarning,
                stacklevel=3,
            )
    return _finish(g, value)


# -- deprecated names ------------------------------------------------------------

_DEPRECATED = {"Generator": "ConvexFunction", "GENERATORS": "CONVEX_FUNCTIONS", "generator": "convex_function"}


# the names before the redesign (issue 25), with a DeprecationWarning
__getattr__ = renamed("gantheory.divergences.f_divergences", _DEPRECATED, globals())
