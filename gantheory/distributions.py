r"""Analytic 1-D and 2-D distributions: densities, CDFs, quantiles, samples, supports.

These objects are the *exact* side of gantheory: :mod:`gantheory.divergences.exact`
computes divergences between them in closed form or by quadrature, and every
estimator is checked against those values.

1-D: :class:`Normal`, :class:`Uniform`, :class:`Laplace`, :class:`Dirac`,
:class:`PointMasses` and :class:`Mixture`. 2-D: :class:`MultivariateNormal`,
:class:`Product` of two 1-D distributions, :class:`ParallelLines` (the WGAN
example), :class:`PointMasses`, :class:`Dirac`, :class:`Mixture`, and the
benchmark mixtures :func:`ring_of_gaussians` and :func:`grid_of_gaussians`.

Conventions
-----------
* ``dim`` is 1 or 2. Points are arrays of shape ``(...,)`` in 1-D and
  ``(..., 2)`` in 2-D; ``pdf``/``logpdf`` return shape ``(...)``.
* ``reference`` names the measure the density is taken with respect to:
  ``"lebesgue"`` (ordinary densities), ``"counting"`` (point masses: ``pdf``
  is then the pmf) or ``"singular"`` (a product of a point mass and a
  continuous law, e.g. :class:`ParallelLines`: ``pdf`` is the density with
  respect to counting x Lebesgue on its line). ``logpdf`` is ``-inf`` outside
  the support and never NaN.
* ``sample(n, rng=0)`` returns float64 arrays of shape ``(n,)`` or ``(n, 2)``;
  ``rng`` is an int seed (different seeds give independent samples).
* Parameters are validated on construction; errors name the parameter.

Examples
--------
>>> import gantheory as gt
>>> P = gt.Mixture([gt.Normal(-3, 1), gt.Normal(3, 1)], weights=[0.5, 0.5])
>>> P
Mixture(components=[Normal(loc=-3.0, scale=1.0), Normal(loc=3.0, scale=1.0)], weights=[0.5, 0.5])
>>> float(P.cdf(0.0)), P.mean, P.var
(0.5, 0.0, 10.0)
>>> P.sample(3, rng=0).shape
(3,)
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import scipy

from gantheory._rng import as_generator
from gantheory._validation import check_positive_int

__all__ = [
    "Distribution",
    "Normal",
    "Uniform",
    "Laplace",
    "PointMasses",
    "Dirac",
    "Mixture",
    "MultivariateNormal",
    "Product",
    "ParallelLines",
    "ring_of_gaussians",
    "grid_of_gaussians",
]

LOG_2PI = math.log(2.0 * math.pi)
WEIGHT_TOL = 1e-12  # weights must sum to 1 within this
MIN_SCALE = float(np.finfo(np.float64).tiny)  # 2.2e-308: scales are normal floats


# -- parameter validation ------------------------------------------------------


def _real(value, name: str, positive: bool = False) -> float:
    """A finite real parameter as float; ``positive`` also requires > 0."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        arr = np.asarray(value)
        if arr.shape != () or arr.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a real number, got {value!r}")
        value = arr.item()
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if positive and value < MIN_SCALE:
        raise ValueError(
            f"{name} must be at least {MIN_SCALE:.3g} (a normal float: below, offsets in its units lose precision), got {value!r}"
        )
    return value


def _real_array(value, name: str, shape: tuple | None = None) -> np.ndarray:
    """A finite float64 array parameter, optionally of a fixed shape."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} could not be read as an array of real numbers: {exc}") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or inf; pass finite values")
    return arr


def _mixture_weights(weights, k: int, name: str = "weights") -> np.ndarray:
    """Validate mixture/pmf weights: k finite non-negative numbers summing to 1 within 1e-12."""
    if weights is None:
        return np.full(k, 1.0 / k)
    w = _real_array(weights, name)
    if w.shape != (k,):
        raise ValueError(f"{name} must have shape ({k},), one weight per component or point, got {w.shape}")
    if (w < 0).any():
        raise ValueError(f"{name} contains negative values {w[w < 0].tolist()}; weights must be >= 0")
    total = float(w.sum())
    if abs(total - 1.0) > WEIGHT_TOL:
        raise ValueError(f"{name} must sum to 1 (within {WEIGHT_TOL}), got sum {total!r}; divide them by their sum")
    return w


def _fmt(value) -> str:
    """Repr of a parameter: floats and nested lists of floats, distributions as their repr."""
    if isinstance(value, np.ndarray):
        return repr(value.tolist())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return repr(value)


# -- base class ----------------------------------------------------------------


class Distribution:
    """Base class: a probability law on the line (``dim = 1``) or the plane (``dim = 2``).

    Subclasses implement ``_logpdf`` on validated points, ``_sample`` and the
    moments; 1-D subclasses also ``cdf``, ``sf``, ``ppf`` and ``support``.
    ``pdf = exp(logpdf)``. Two distributions are equal when they have the same
    class and the same parameters.
    """

    dim: int = 1
    reference: str = "lebesgue"

    # parameters, in order, for repr and equality
    def _params(self) -> dict:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        a, b = self._params(), other._params()
        return all(_param_equal(a[k], b[k]) for k in a)

    def __hash__(self):
        return hash(repr(self))

    # points
    def _points(self, x) -> np.ndarray:
        """Validate evaluation points: real, no NaN (±inf allowed), last axis 2 in 2-D."""
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"x could not be read as an array of real numbers: {exc}") from None
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"x must hold real numbers, got dtype {arr.dtype}")
        arr = arr.astype(np.float64)
        if np.isnan(arr).any():
            raise ValueError("x contains NaN; densities are defined for real points only")
        if self.dim == 2 and (arr.ndim == 0 or arr.shape[-1] != 2):
            raise ValueError(f"x must have shape (..., 2) for a 2-D distribution, got {arr.shape}")
        return arr

    def logpdf(self, x) -> np.ndarray:
        """Log density at ``x`` (shape ``(...)``); ``-inf`` outside the support, never NaN."""
        return self._logpdf(self._points(x))

    def pdf(self, x) -> np.ndarray:
        """Density at ``x`` with respect to ``self.reference`` (the pmf for point masses)."""
        return np.exp(self.logpdf(x))

    def sample(self, n: int, rng=0) -> np.ndarray:
        """Draw ``n`` independent points: shape ``(n,)`` in 1-D, ``(n, 2)`` in 2-D.

        ``rng`` is an int seed >= 0, default 0: the same seed gives the same
        points; for independent samples pass different seeds.
        """
        n = check_positive_int(n, "n")
        out = np.asarray(self._sample(n, as_generator(rng)), dtype=np.float64)
        return out.reshape((n,) if self.dim == 1 else (n, 2))

    # 1-D quantile checks, shared by every ppf
    @staticmethod
    def _probabilities(u) -> np.ndarray:
        arr = np.asarray(u, dtype=np.float64)
        if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():
            raise ValueError("u must hold probabilities in [0, 1]")
        return arr

    # internal, used by the exact divergences
    def _positive_intervals(self) -> list[tuple[float, float]]:
        """Disjoint closed intervals whose union is where the 1-D density is > 0."""
        return [self.support]

    def _breakpoints(self) -> np.ndarray:
        """Points where the 1-D density changes character (quadrature break points)."""
        raise NotImplementedError

    # anchored evaluation (1-D): the point anchor + offset, never rounded to one float. A law whose
    # scale is below the float spacing at its location (N(50, 1e-15)) is still resolved: the
    # exact 1-D quadrature integrates in offsets from an anchor near each law's location.
    def _logpdf_at(self, anchor, offset):
        """Log density at ``anchor + offset`` (arrays broadcast), without forming the sum."""
        raise NotImplementedError

    def _cdf_at(self, anchor, offset):
        """:math:`F(\\text{anchor} + \\text{offset})`."""
        raise NotImplementedError

    def _sf_at(self, anchor, offset):
        """:math:`1 - F(\\text{anchor} + \\text{offset})`, accurate in the right tail."""
        raise NotImplementedError

    def _anchored_breakpoints(self) -> list:
        """The break points as ``[(anchor, offsets), ...]``: for a location-scale law ``(loc, scale * k)``."""
        raise NotImplementedError

    def _anchored_quantiles(self, u) -> list:
        """The quantiles at probabilities ``u`` as ``[(anchor, offsets), ...]`` (per component for a mixture)."""
        raise NotImplementedError


def merge_intervals(pieces) -> list[tuple[float, float]]:
    """Union of closed intervals ``(lo, hi)`` as sorted disjoint intervals (touching ones merge)."""
    pieces = sorted(pieces)
    merged = [list(pieces[0])]
    for lo, hi in pieces[1:]:
        if lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(a, b) for a, b in merged]


def two_sum(a, b):
    """Error-free sum (Knuth): ``hi = fl(a + b)`` and ``lo`` with ``hi + lo == a + b`` exactly (arrays broadcast)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):  # infinite ends: lo is nan, replaced by 0
        hi = a + b
        b_part = hi - a
        lo = (a - (hi - b_part)) + (b - b_part)
    return hi, np.where(np.isfinite(hi), lo, 0.0)


def _fsum_rows(w, values) -> np.ndarray:
    """:math:`\\sum_i w_i v_i` over the first axis with :func:`math.fsum` (correctly rounded, so symmetric sums are 0)."""
    products = w.reshape((-1,) + (1,) * (values.ndim - 1)) * values
    return np.array([math.fsum(col) for col in products.reshape(len(w), -1).T]).reshape(values.shape[1:])


def _param_equal(a, b) -> bool:
    if isinstance(a, Distribution) or isinstance(b, Distribution):
        return a == b
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_param_equal(u, v) for u, v in zip(a, b))
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


# -- 1-D continuous ------------------------------------------------------------


class _LocationScale(Distribution):
    """A law on the line with location ``loc`` and scale ``scale > 0``: everything Normal and Laplace share.

    A subclass gives ``_BREAKS`` (quadrature break points in units of the scale), ``_logpdf_at``,
    ``_cdf_at``, ``_sf_at``, ``ppf``, ``var``, ``_sample`` and ``_anchored_quantiles``.
    """

    _BREAKS: np.ndarray

    def __init__(self, loc=0.0, scale=1.0):
        self.loc = _real(loc, "loc")
        self.scale = _real(scale, "scale", positive=True)

    def _params(self):
        return {"loc": self.loc, "scale": self.scale}

    def _z(self, anchor, offset):
        with np.errstate(over="ignore"):  # |x| ~ 1e300: z = inf
            return ((anchor - self.loc) + offset) / self.scale  # anchor - loc is exact when they are close

    def _logpdf(self, x):
        return self._logpdf_at(0.0, x)

    def cdf(self, x):
        """The CDF :math:`F(x)` (formula in the class's Notes)."""
        return self._cdf_at(0.0, self._points(x))

    def sf(self, x):
        """Survival function :math:`1 - F(x)`, accurate in the right tail."""
        return self._sf_at(0.0, self._points(x))

    @property
    def support(self):
        return (-math.inf, math.inf)

    @property
    def mean(self):
        return self.loc

    def _breakpoints(self):
        return self.loc + self.scale * self._BREAKS

    def _anchored_breakpoints(self):
        return [(self.loc, self.scale * self._BREAKS)]


class Normal(_LocationScale):
    r"""Normal law :math:`N(\mu, \sigma^2)` on the line.

    Parameters
    ----------
    loc : float
        Mean :math:`\mu`.
    scale : float
        Standard deviation :math:`\sigma > 0`.

    Notes
    -----
    .. math:: p(x) = \frac{1}{\sigma\sqrt{2\pi}} e^{-(x-\mu)^2 / 2\sigma^2},\qquad
              F(x) = \Phi\big((x - \mu)/\sigma\big).

    ``cdf``/``sf``/``ppf`` use ``scipy.special.ndtr``/``ndtri`` (full relative
    accuracy in both tails).

    References
    ----------
    .. [1] N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
       Distributions*, Vol. 1, 2nd ed., Wiley, 1994, Ch. 13.

    Examples
    --------
    >>> import gantheory as gt
    >>> P = gt.Normal(1.0, 2.0)
    >>> float(P.cdf(1.0)), float(P.ppf(0.5)), P.var
    (0.5, 1.0, 4.0)
    """

    _BREAKS = np.array([-12.0, -6.0, -3.0, -1.5, 0.0, 1.5, 3.0, 6.0, 12.0])

    def _logpdf_at(self, anchor, offset):
        z = self._z(anchor, offset)
        with np.errstate(over="ignore"):  # z^2 = inf: log density -inf, as it should
            return -0.5 * z * z - math.log(self.scale) - 0.5 * LOG_2PI

    def _cdf_at(self, anchor, offset):
        return scipy.special.ndtr(self._z(anchor, offset))

    def _sf_at(self, anchor, offset):
        return scipy.special.ndtr(-self._z(anchor, offset))

    def ppf(self, u):
        """Quantile :math:`\\mu + \\sigma \\Phi^{-1}(u)`; ``ppf(0) = -inf``, ``ppf(1) = inf``."""
        return self.loc + self.scale * scipy.special.ndtri(self._probabilities(u))

    @property
    def var(self):
        return self.scale * self.scale  # inf, not OverflowError, beyond 1e154

    def _sample(self, n, gen):
        return gen.normal(self.loc, self.scale, size=n)

    def _anchored_quantiles(self, u):
        return [(self.loc, self.scale * scipy.special.ndtri(u))]


class Uniform(Distribution):
    r"""Uniform law on the interval :math:`[a, b]`, :math:`a < b`.

    Parameters
    ----------
    low, high : float
        End points :math:`a < b`.

    Notes
    -----
    .. math:: p(x) = \frac{1}{b - a}\,\mathbf 1_{[a, b]}(x),\qquad
              F(x) = \min(1, \max(0, (x - a)/(b - a))).

    References
    ----------
    .. [1] N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
       Distributions*, Vol. 2, 2nd ed., Wiley, 1995, Ch. 26.

    Examples
    --------
    >>> import gantheory as gt
    >>> U = gt.Uniform(0.0, 4.0)
    >>> float(U.pdf(1.0)), float(U.logpdf(5.0)), float(U.ppf(0.25))
    (0.25, -inf, 1.0)
    """

    def __init__(self, low=0.0, high=1.0):
        self.low = _real(low, "low")
        self.high = _real(high, "high")
        if not self.high > self.low:
            raise ValueError(f"high must be > low, got low={self.low}, high={self.high}")
        if not math.isfinite(self.high - self.low):
            raise ValueError(f"high - low must be a finite float (below 1.8e308), got low={self.low}, high={self.high}")

    def _params(self):
        return {"low": self.low, "high": self.high}

    @property
    def width(self) -> float:
        return self.high - self.low

    def _logpdf_at(self, anchor, offset):
        inside = ((anchor - self.low) + offset >= 0) & ((anchor - self.high) + offset <= 0)
        return np.where(inside, -math.log(self.width), -np.inf)

    def _logpdf(self, x):
        return self._logpdf_at(0.0, x)

    def _cdf_at(self, anchor, offset):
        return np.clip(((anchor - self.low) + offset) / self.width, 0.0, 1.0)

    def _sf_at(self, anchor, offset):
        return np.clip(((self.high - anchor) - offset) / self.width, 0.0, 1.0)

    def cdf(self, x):
        """:math:`\\min(1, \\max(0, (x - a)/(b - a)))`."""
        return self._cdf_at(0.0, self._points(x))

    def sf(self, x):
        """:math:`1 - F(x)`, computed as :math:`(b - x)/(b - a)` clipped to [0, 1]."""
        return self._sf_at(0.0, self._points(x))

    def ppf(self, u):
        """Quantile :math:`a + u (b - a)`."""
        return self.low + self._probabilities(u) * self.width

    @property
    def support(self):
        return (self.low, self.high)

    @property
    def mean(self):
        return 0.5 * (self.low + self.high)

    @property
    def var(self):
        return self.width**2 / 12.0

    def _sample(self, n, gen):
        return gen.uniform(self.low, self.high, size=n)

    def _breakpoints(self):
        return np.array([self.low, self.high])

    def _anchored_breakpoints(self):
        return [(self.low, np.zeros(1)), (self.high, np.zeros(1))]

    def _anchored_quantiles(self, u):
        return [(self.low, np.asarray(u) * self.width)]


class Laplace(_LocationScale):
    r"""Laplace (double exponential) law: heavier tails than the normal.

    Parameters
    ----------
    loc : float
        Location (median) :math:`\mu`.
    scale : float
        Scale :math:`b > 0`; the variance is :math:`2b^2`.

    Notes
    -----
    .. math:: p(x) = \frac{1}{2b} e^{-|x - \mu|/b},\qquad
              F(x) = \begin{cases} \tfrac12 e^{(x-\mu)/b} & x < \mu \\
                     1 - \tfrac12 e^{-(x-\mu)/b} & x \ge \mu \end{cases}

    References
    ----------
    .. [1] N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
       Distributions*, Vol. 2, 2nd ed., Wiley, 1995, Ch. 24.

    Examples
    --------
    >>> import gantheory as gt
    >>> L = gt.Laplace(0.0, 1.0)
    >>> float(L.cdf(0.0)), L.var
    (0.5, 2.0)
    """

    _BREAKS = np.array([-60.0, -20.0, -6.0, -2.0, 0.0, 2.0, 6.0, 20.0, 60.0])

    def _logpdf_at(self, anchor, offset):
        return -np.abs(self._z(anchor, offset)) - math.log(2.0 * self.scale)

    @staticmethod
    def _standard_cdf(z):
        half_tail = 0.5 * np.exp(-np.abs(z))  # each branch on a non-positive exponent
        return np.where(z < 0, half_tail, 1.0 - half_tail)

    def _cdf_at(self, anchor, offset):
        return self._standard_cdf(self._z(anchor, offset))

    def _sf_at(self, anchor, offset):
        return self._standard_cdf(-self._z(anchor, offset))  # symmetric: 1 - F(z) = F(-z)

    def ppf(self, u):
        """Quantile :math:`\\mu + b\\,\\mathrm{sign}(u - \\tfrac12) \\log(1/(2\\min(u, 1-u)))`."""
        return self.loc + self._ppf_offset(self._probabilities(u))

    def _ppf_offset(self, u):
        tail = np.minimum(u, 1.0 - u)
        with np.errstate(divide="ignore"):  # u in {0, 1}: the quantile is -inf / inf
            depth = -np.log(2.0 * tail)
        return self.scale * np.where(u < 0.5, -depth, depth)

    @property
    def var(self):
        return 2.0 * self.scale * self.scale

    def _sample(self, n, gen):
        return gen.laplace(self.loc, self.scale, size=n)

    def _anchored_quantiles(self, u):
        return [(self.loc, self._ppf_offset(u))]


# -- point masses --------------------------------------------------------------


class PointMasses(Distribution):
    r"""A discrete law on finitely many points of the line or the plane.

    Parameters
    ----------
    points : array_like of shape (k,) or (k, 2)
        Atoms; shape ``(k,)`` gives a 1-D law, ``(k, 2)`` a 2-D one.
    weights : array_like of shape (k,), optional
        Non-negative masses summing to 1 (within 1e-12); uniform by default.

    Notes
    -----
    :math:`P = \sum_i w_i \delta_{x_i}`. ``pdf`` is the pmf (density with
    respect to counting measure, ``reference = "counting"``): the total mass
    at ``x``. In 1-D, :math:`F(x) = \sum_{x_i \le x} w_i` and ``ppf`` is the
    generalized inverse :math:`\inf\{x : F(x) \ge u\}`.

    Examples
    --------
    >>> import gantheory as gt
    >>> P = gt.PointMasses([0.0, 1.0, 3.0], weights=[0.5, 0.25, 0.25])
    >>> float(P.pdf(1.0)), float(P.cdf(2.0)), float(P.ppf(0.6)), P.mean
    (0.25, 0.75, 1.0, 1.0)
    """

    reference = "counting"

    def __init__(self, points, weights=None):
        pts = _real_array(points, "points")
        if pts.ndim not in (1, 2) or (pts.ndim == 2 and pts.shape[1] != 2) or pts.shape[0] == 0:
            raise ValueError(f"points must have shape (k,) or (k, 2) with k >= 1, got {pts.shape}")
        self.points = pts
        self.weights = _mixture_weights(weights, pts.shape[0])
        self.dim = pts.ndim
        keep = self.weights > 0
        self._atoms, self._masses = pts[keep], self.weights[keep]
        if self.dim == 1:
            order = np.argsort(self._atoms, kind="stable")
            self._atoms, self._masses = self._atoms[order], self._masses[order]
            self._cum = np.cumsum(self._masses)

    def _params(self):
        return {"points": self.points, "weights": self.weights}

    def _logpdf(self, x):
        if self.dim == 1:
            return self._logpdf_at(0.0, x)
        hit = (x[..., None, :] == self._atoms).all(axis=-1)
        with np.errstate(divide="ignore"):  # log 0 = -inf off the atoms
            return np.log((hit * self._masses).sum(axis=-1))

    def _logpdf_at(self, anchor, offset):
        hi, lo = two_sum(anchor, offset)  # the point exactly: on an atom iff hi is one and lo = 0
        hit = (hi[..., None] == self._atoms) & (lo[..., None] == 0)
        with np.errstate(divide="ignore"):
            return np.log((hit * self._masses).sum(axis=-1))

    def _count_below(self, anchor, offset):
        """Index of the first atom above ``anchor + offset`` (the number of atoms <= it), from the exact sum."""
        hi, lo = two_sum(anchor, offset)
        return np.where(
            lo >= 0, np.searchsorted(self._atoms, hi, side="right"), np.searchsorted(self._atoms, hi, side="left")
        )

    def _cdf_at(self, anchor, offset):
        return np.concatenate([[0.0], self._cum])[self._count_below(anchor, offset)].clip(0.0, 1.0)

    def _sf_at(self, anchor, offset):
        tail = np.concatenate([np.cumsum(self._masses[::-1])[::-1], [0.0]])
        return tail[self._count_below(anchor, offset)].clip(0.0, 1.0)

    def cdf(self, x):
        """:math:`F(x) = \\sum_{x_i \\le x} w_i` (1-D only)."""
        self._need_1d("cdf")
        return self._cdf_at(0.0, self._points(x))

    def sf(self, x):
        """:math:`1 - F(x) = \\sum_{x_i > x} w_i` (1-D only)."""
        self._need_1d("sf")
        return self._sf_at(0.0, self._points(x))

    def ppf(self, u):
        """Generalized inverse :math:`\\inf\\{x_i : F(x_i) \\ge u\\}` (1-D only)."""
        self._need_1d("ppf")
        idx = np.searchsorted(self._cum, self._probabilities(u), side="left")
        return self._atoms[np.minimum(idx, self._atoms.size - 1)]

    def _need_1d(self, what):
        if self.dim != 1:
            raise ValueError(
                f"{what} is defined for 1-D point masses only; these points have shape {self.points.shape}"
            )

    @property
    def support(self):
        """(smallest atom, largest atom) in 1-D; the atoms, shape (k, 2), in 2-D."""
        if self.dim == 1:
            return (float(self._atoms[0]), float(self._atoms[-1]))
        return self._atoms

    @property
    def mean(self):
        m = self._masses @ self._atoms
        return float(m) if self.dim == 1 else m

    @property
    def var(self):
        self._need_1d("var")
        return float(self._masses @ (self._atoms - self.mean) ** 2)

    @property
    def cov(self):
        centered = self._atoms - self.mean
        return (centered * self._masses[:, None]).T @ centered

    def _sample(self, n, gen):
        return self._atoms[gen.choice(self._atoms.shape[0], size=n, p=self._masses)]

    def _positive_intervals(self):
        return [(float(a), float(a)) for a in self._atoms]

    def _breakpoints(self):
        return self._atoms

    def _anchored_breakpoints(self):
        return [(0.0, self._atoms)]

    def _anchored_quantiles(self, u):
        return [(0.0, self._atoms)]


class Dirac(PointMasses):
    r"""Point mass :math:`\delta_a` at one point of the line or the plane.

    Parameters
    ----------
    loc : float or array_like of shape (2,)
        The atom; a scalar gives a 1-D law, a pair a 2-D one.

    Notes
    -----
    A :class:`PointMasses` with one atom of mass 1: ``pdf(loc) = 1``,
    :math:`F(x) = \mathbf 1[x \ge a]`. The Dirac-GAN generator
    (Mescheder et al. 2018).

    Examples
    --------
    >>> import gantheory as gt
    >>> gt.Dirac(2.0), float(gt.Dirac(2.0).cdf(1.0)), gt.Dirac([0.0, 1.0]).dim
    (Dirac(loc=2.0), 0.0, 2)
    """

    def __init__(self, loc):
        arr = _real_array(loc, "loc")
        if arr.shape not in ((), (2,)):
            raise ValueError(f"loc must be a number (1-D) or a pair (2-D), got shape {arr.shape}")
        super().__init__(arr[None], np.ones(1))
        self.loc = float(arr) if arr.ndim == 0 else arr

    def _params(self):
        return {"loc": self.loc}


# -- mixtures ------------------------------------------------------------------


class Mixture(Distribution):
    r"""Finite mixture :math:`\sum_i w_i P_i` of 1-D or 2-D distributions.

    Parameters
    ----------
    components : sequence of Distribution
        At least one; all of the same ``dim``.
    weights : array_like of shape (k,), optional
        Non-negative, summing to 1 (within 1e-12); uniform by default.

    Notes
    -----
    .. math:: \log p(x) = \operatorname{logsumexp}_i\big(\log w_i + \log p_i(x)\big),
              \qquad F = \sum_i w_i F_i .

    ``ppf`` solves :math:`F(x) = u` by vectorized bisection inside the bracket
    :math:`[\min_i F_i^{-1}(u), \max_i F_i^{-1}(u)]` to machine precision.
    Densities need components on one reference measure (all continuous, or
    all point masses); ``pdf`` of a mixed mixture raises ``ValueError``.
    Sampling draws the component counts from a multinomial, then shuffles.

    References
    ----------
    .. [1] G. McLachlan and D. Peel, *Finite Mixture Models*, Wiley, 2000, Ch. 1.

    Examples
    --------
    >>> import gantheory as gt
    >>> M = gt.Mixture([gt.Uniform(0, 1), gt.Uniform(2, 3)], weights=[0.5, 0.5])
    >>> float(M.pdf(2.5)), float(M.pdf(1.5)), float(M.ppf(0.75)), M.support
    (0.5, 0.0, 2.5, (0.0, 3.0))
    """

    def __init__(self, components, weights=None):
        comps = list(components) if not isinstance(components, Distribution) else None
        if not comps or not all(isinstance(c, Distribution) for c in comps):
            raise TypeError("components must be a non-empty sequence of gantheory distributions")
        dims = {c.dim for c in comps}
        if len(dims) != 1:
            raise ValueError(f"components must all have the same dim, got dims {[c.dim for c in comps]}")
        self.components = comps
        self.weights = _mixture_weights(weights, len(comps))
        self.dim = dims.pop()
        refs = {c.reference for c, w in zip(comps, self.weights) if w > 0}
        self.reference = refs.pop() if len(refs) == 1 else "mixed"
        self._active = [(c, w) for c, w in zip(comps, self.weights) if w > 0]

    def _params(self):
        return {"components": self.components, "weights": self.weights}

    def _logpdf(self, x):
        return self._logsumexp([c._logpdf(x) for c, _ in self._active])

    def _logsumexp(self, logpdfs):
        if self.reference == "mixed":
            raise ValueError(
                "this mixture has continuous and point-mass components: it has no density; use cdf or sample"
            )
        terms = np.stack([math.log(w) + lp for (_, w), lp in zip(self._active, logpdfs)], axis=-1)
        top = terms.max(axis=-1)
        shift = np.where(top > -np.inf, top, 0.0)  # all terms -inf: log 0 = -inf below
        with np.errstate(
            divide="ignore"
        ):  # logsumexp by hand: scipy's costs ~1 ms a call in the quadrature's inner loop
            return np.log(np.exp(terms - shift[..., None]).sum(axis=-1)) + shift

    def _logpdf_at(self, anchor, offset):
        return self._logsumexp([c._logpdf_at(anchor, offset) for c, _ in self._active])

    def _cdf_at(self, anchor, offset):
        return sum(w * c._cdf_at(anchor, offset) for c, w in self._active)

    def _sf_at(self, anchor, offset):
        return sum(w * c._sf_at(anchor, offset) for c, w in self._active)

    def cdf(self, x):
        """:math:`\\sum_i w_i F_i(x)` (1-D only)."""
        return self._cdf_at(0.0, self._points(x))

    def sf(self, x):
        """:math:`\\sum_i w_i (1 - F_i(x))`, accurate in the right tail (1-D only)."""
        return self._sf_at(0.0, self._points(x))

    def ppf(self, u):
        """Quantile by bisection between the components' quantiles (1-D only)."""
        u = self._probabilities(u)
        quantiles = np.stack([c.ppf(u) for c, _ in self._active])
        lo, hi = quantiles.min(axis=0), quantiles.max(axis=0)
        finite = np.isfinite(lo) & np.isfinite(hi)
        a, b = np.where(finite, lo, 0.0), np.where(finite, hi, 0.0)
        floor = 1e-17 * (b - a).max(initial=0.0)  # no need to resolve x far below the bracket's scale
        for _ in range(200):  # each step halves [a, b]; stops at a few ulps of x
            mid = 0.5 * (a + b)
            if not (
                (b - a > np.maximum(2.0 * np.spacing(np.maximum(abs(a), abs(b))), floor)) & (mid > a) & (mid < b)
            ).any():
                break
            below = self.cdf(mid) < u
            a, b = np.where(below, mid, a), np.where(below, b, mid)
        # u = 0 and u = 1: the ends of the support (the bracket's ends, possibly infinite)
        return np.where(u == 0.0, lo, np.where(u == 1.0, hi, b))

    @property
    def support(self):
        """(lowest, highest) end of the components' supports (1-D)."""
        ends = [c.support for c, _ in self._active]
        return (min(e[0] for e in ends), max(e[1] for e in ends))

    def _mean_and_deviations(self):
        """The mixture mean, each component's deviation from it, and the weights.

        The deviations are differences of nearby floats, exact even for modes
        at 1e9 that are 2 apart; the moments below are taken around the mean
        (law of total variance), never as :math:`E X^2 - (E X)^2`.
        """
        means = np.array([np.asarray(c.mean, dtype=np.float64) for c, _ in self._active])
        w = np.array([w for _, w in self._active])
        m = _fsum_rows(w, means)
        return m, means - m, w

    @property
    def mean(self):
        m = self._mean_and_deviations()[0]
        return m if self.dim == 2 else float(m)

    @property
    def var(self):
        r"""Law of total variance, :math:`\sum_i w_i (\sigma_i^2 + (\mu_i - \mu)^2)`: no cancellation far from 0."""
        if self.dim != 1:
            raise ValueError("var is defined for 1-D mixtures; use cov in 2-D")
        _, d, w = self._mean_and_deviations()
        return float(
            _fsum_rows(w, np.array([c.var for c, _ in self._active]) + d**2) - _fsum_rows(w, d) ** 2
        )  # - (w d)^2: the mean's rounding

    @property
    def cov(self):
        r"""Law of total covariance, :math:`\sum_i w_i (\Sigma_i + (\mu_i - \mu)(\mu_i - \mu)^\top)`."""
        _, d, w = self._mean_and_deviations()
        covs = np.array([np.asarray(c.cov, dtype=np.float64) for c, _ in self._active])
        bias = _fsum_rows(w, d)  # the rounding of the mean (parallel-axis correction)
        return _fsum_rows(w, covs + d[:, :, None] * d[:, None, :]) - np.outer(bias, bias)

    def _sample(self, n, gen):
        counts = gen.multinomial(n, [w for _, w in self._active])
        parts = [c._sample(k, gen) for (c, _), k in zip(self._active, counts) if k > 0]
        out = np.concatenate(
            [np.asarray(p, dtype=np.float64).reshape((-1,) if self.dim == 1 else (-1, 2)) for p in parts]
        )
        return out[gen.permutation(n)]

    def _positive_intervals(self):
        return merge_intervals(iv for c, _ in self._active for iv in c._positive_intervals())

    def _breakpoints(self):
        return np.concatenate([c._breakpoints() for c, _ in self._active])

    def _anchored_breakpoints(self):
        return [part for c, _ in self._active for part in c._anchored_breakpoints()]

    def _anchored_quantiles(self, u):
        return [part for c, _ in self._active for part in c._anchored_quantiles(u)]


# -- 2-D -----------------------------------------------------------------------


class MultivariateNormal(Distribution):
    r"""Normal law :math:`N(\mu, \Sigma)` in the plane.

    Parameters
    ----------
    mean : array_like of shape (2,)
    cov : array_like of shape (2, 2)
        Symmetric positive definite.

    Notes
    -----
    .. math:: \log p(x) = -\tfrac12 (x-\mu)^\top \Sigma^{-1} (x-\mu) - \tfrac12\log\det(2\pi\Sigma),

    evaluated through the Cholesky factor :math:`\Sigma = LL^\top`; samples
    are :math:`\mu + Lz`.

    References
    ----------
    .. [1] T. W. Anderson, *An Introduction to Multivariate Statistical
       Analysis*, 3rd ed., Wiley, 2003, Ch. 2.

    Examples
    --------
    >>> import gantheory as gt
    >>> N = gt.MultivariateNormal([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]])
    >>> round(float(N.pdf([0.0, 0.0])), 6)    # 1 / (2 pi)
    0.159155
    """

    dim = 2

    def __init__(self, mean, cov):
        self._mean = _real_array(mean, "mean", (2,))
        self._cov = _real_array(cov, "cov", (2, 2))
        if abs(self._cov[0, 1] - self._cov[1, 0]) > 1e-12 * np.abs(self._cov).max():
            raise ValueError(f"cov must be symmetric, got {self._cov.tolist()}")
        self._cov[1, 0] = self._cov[0, 1]
        try:
            self._chol = np.linalg.cholesky(self._cov)
        except np.linalg.LinAlgError:
            raise ValueError(
                f"cov must be positive definite, got {self._cov.tolist()} (eigenvalues {np.linalg.eigvalsh(self._cov).tolist()})"
            ) from None
        if not np.all(np.diag(self._chol) > 0):
            raise ValueError(f"cov must be positive definite, got {self._cov.tolist()}")
        self._logdet = 2.0 * float(np.log(np.diag(self._chol)).sum())

    def _params(self):
        return {"mean": self._mean, "cov": self._cov}

    @property
    def mean(self):
        return self._mean.copy()

    @property
    def cov(self):
        return self._cov.copy()

    def _logpdf(self, x):
        d = x - self._mean
        L = self._chol
        z0 = d[..., 0] / L[0, 0]
        z1 = (d[..., 1] - L[1, 0] * z0) / L[1, 1]
        with np.errstate(over="ignore"):  # far points: squared distance inf, log density -inf
            return -0.5 * (z0 * z0 + z1 * z1) - 0.5 * self._logdet - LOG_2PI

    def _sample(self, n, gen):
        return self._mean + gen.standard_normal((n, 2)) @ self._chol.T


class Product(Distribution):
    r"""Product law :math:`P_x \otimes P_y` of two independent 1-D coordinates.

    Parameters
    ----------
    marginal_x, marginal_y : Distribution
        1-D distributions of the first and second coordinate.

    Notes
    -----
    :math:`\log p(x, y) = \log p_x(x) + \log p_y(y)`, a density with respect
    to the product of the marginals' reference measures: ``reference`` is
    ``"lebesgue"`` or ``"counting"`` when both marginals share it,
    ``"singular"`` for a point-mass marginal times a continuous one (laws on
    lines), and ``"mixed"`` when a marginal is itself mixed.

    Examples
    --------
    >>> import gantheory as gt
    >>> P = gt.Product(gt.Normal(0, 1), gt.Uniform(0, 2))
    >>> P.mean.tolist(), P.cov.tolist()
    ([0.0, 1.0], [[1.0, 0.0], [0.0, 0.3333333333333333]])
    """

    dim = 2

    def __init__(self, marginal_x, marginal_y):
        for name, m in (("marginal_x", marginal_x), ("marginal_y", marginal_y)):
            if not isinstance(m, Distribution) or m.dim != 1:
                raise TypeError(f"{name} must be a 1-D gantheory distribution, got {m!r}")
        self.marginal_x, self.marginal_y = marginal_x, marginal_y
        refs = {marginal_x.reference, marginal_y.reference}
        self.reference = "mixed" if "mixed" in refs else refs.pop() if len(refs) == 1 else "singular"

    def _params(self):
        return {"marginal_x": self.marginal_x, "marginal_y": self.marginal_y}

    def _logpdf(self, x):
        return self.marginal_x._logpdf(x[..., 0]) + self.marginal_y._logpdf(x[..., 1])

    @property
    def mean(self):
        return np.array([self.marginal_x.mean, self.marginal_y.mean], dtype=np.float64)

    @property
    def cov(self):
        return np.diag([self.marginal_x.var, self.marginal_y.var]).astype(np.float64)

    def _sample(self, n, gen):
        return np.column_stack([self.marginal_x._sample(n, gen), self.marginal_y._sample(n, gen)])


class ParallelLines(Product):
    r"""The WGAN example :math:`P_\theta = (\theta, Z)`, :math:`Z \sim U[0, 1]`.

    Parameters
    ----------
    theta : float
        Horizontal position of the vertical segment.

    Notes
    -----
    :math:`P_\theta = \delta_\theta \otimes U[0, 1]`, a uniform law on the
    segment :math:`\{\theta\} \times [0, 1]`, singular with respect to the
    plane's Lebesgue measure; ``pdf`` is 1 on the segment (density with
    respect to counting x Lebesgue) and 0 elsewhere. Against :math:`P_0`:
    :math:`W_1 = |\theta|`, :math:`\mathrm{JSD} = \log 2`,
    :math:`\mathrm{KL} = +\infty`, :math:`\mathrm{TV} = 1` for
    :math:`\theta \ne 0`, all 0 at :math:`\theta = 0` [1]_.

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein GAN",
       ICML 2017, Example 1.

    Examples
    --------
    >>> import gantheory as gt
    >>> P = gt.ParallelLines(0.5)
    >>> float(P.pdf([0.5, 0.3])), float(P.pdf([0.4, 0.3]))
    (1.0, 0.0)
    >>> P.sample(2, rng=0)[:, 0].tolist()
    [0.5, 0.5]
    """

    def __init__(self, theta):
        self.theta = _real(theta, "theta")
        super().__init__(Dirac(self.theta), Uniform(0.0, 1.0))

    def _params(self):
        return {"theta": self.theta}


def ring_of_gaussians(n: int = 8, radius: float = 2.0, scale: float = 0.02) -> Mixture:
    r"""The ring of Gaussians: ``n`` isotropic normals evenly spaced on a circle.

    Parameters
    ----------
    n : int
        Number of modes (8 in the literature).
    radius : float
        Circle radius (2 in [1]_).
    scale : float
        Standard deviation of each mode (0.02 in [1]_).

    Returns
    -------
    Mixture
        Equal weights; mode k at :math:`r(\cos 2\pi k/n, \sin 2\pi k/n)`.

    References
    ----------
    .. [1] L. Metz, B. Poole, D. Pfau and J. Sohl-Dickstein, "Unrolled
       generative adversarial networks", ICLR 2017, Sec. 3.1.

    Examples
    --------
    >>> import gantheory as gt
    >>> R = gt.ring_of_gaussians()
    >>> len(R.components), R.components[2].mean.round(12).tolist()
    (8, [0.0, 2.0])
    """
    n = check_positive_int(n, "n")
    radius = _real(radius, "radius", positive=True)
    scale = _real(scale, "scale", positive=True)
    angles = 2.0 * np.pi * np.arange(n) / n
    cov = scale**2 * np.eye(2)
    comps = [MultivariateNormal(radius * np.array([np.cos(a), np.sin(a)]), cov) for a in angles]
    return Mixture(comps, np.full(n, 1.0 / n))


def grid_of_gaussians(n: int = 5, spacing: float = 2.0, scale: float = 0.05) -> Mixture:
    r"""The grid of Gaussians: an ``n`` x ``n`` grid of isotropic normals centred at 0.

    Parameters
    ----------
    n : int
        Modes per side (5, i.e. 25 modes, in the literature).
    spacing : float
        Distance between neighbouring modes (the 5x5 grid spans
        :math:`\{-4, -2, 0, 2, 4\}^2` with spacing 2).
    scale : float
        Standard deviation of each mode (0.05 is common).

    Returns
    -------
    Mixture
        Equal weights, modes at :math:`s\,(i - (n-1)/2, j - (n-1)/2)`.

    References
    ----------
    .. [1] L. Metz, B. Poole, D. Pfau and J. Sohl-Dickstein, "Unrolled
       generative adversarial networks", ICLR 2017 (the 2-D mixture benchmark);
       the 25-mode grid follows A. Srivastava et al., "VEEGAN", NeurIPS 2017.

    Examples
    --------
    >>> import gantheory as gt
    >>> G = gt.grid_of_gaussians()
    >>> len(G.components), G.components[0].mean.tolist(), G.mean.tolist()
    (25, [-4.0, -4.0], [0.0, 0.0])
    """
    n = check_positive_int(n, "n")
    spacing = _real(spacing, "spacing", positive=True)
    scale = _real(scale, "scale", positive=True)
    ticks = spacing * (np.arange(n) - (n - 1) / 2.0)
    cov = scale**2 * np.eye(2)
    comps = [MultivariateNormal([a, b], cov) for a in ticks for b in ticks]
    return Mixture(comps, np.full(n * n, 1.0 / (n * n)))
