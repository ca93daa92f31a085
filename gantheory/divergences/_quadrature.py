r"""1-D quadrature for the exact divergences: QUADPACK on pieces between the laws' break points, in anchored coordinates.

Every point is held as ``anchor + offset`` and never rounded to one float:
each piece of the line is integrated in the offset from its left end, and
the laws evaluate densities and CDFs at ``anchor + offset`` through
``(anchor - loc) + offset``, a difference of nearby floats that is exact. So
a law whose scale is below the float spacing at its location (``N(50,
1e-15)``: the spacing at 50 is 7e-15) keeps its break points (support ends,
atoms, modes, +-1.5...12 scales) distinct and is integrated on its own
scale. Break points are sorted exactly as error-free sums
(:func:`gantheory.distributions.two_sum`).

Integrands are in log space (:math:`e^{\log p}(\log p - \log q)`,
:math:`\log m` by ``logaddexp``), CDF differences come from survival
functions in the right tail. For W1 and TV the kinks of :math:`|F - G|` and
:math:`|p - q|` are break points too: sign changes on 400 quantiles of each
law (of each mixture component, in its own coordinate), solved by Brent's
method. The sum of QUADPACK's error estimates is kept below
``max(RTOL |value|, ATOL)``, ``RTOL = 1e-8``, ``ATOL = 1e-12`` (for W1 and
:math:`\ell_2^2`, lengths, ``ATOL`` times the larger standard deviation);
otherwise an :class:`~gantheory.divergences.exact.AccuracyWarning` says so.
So a KL, JSD or TV below about 1e-12 (nearly equal laws) has absolute, not
relative, accuracy: use a closed form when there is one.

Examples
--------
>>> import gantheory as gt
>>> gt.kl(gt.Mixture([gt.Normal(50, 1e-15)]), gt.Normal(50, 1))   # log(1e15) + (1e-30 - 1)/2, by quadrature
34.038776...
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy

from gantheory.distributions import merge_intervals, two_sum
from gantheory.divergences._laws import AccuracyWarning

RTOL, ATOL = 1e-8, 1e-12  # error estimate kept below max(RTOL |value|, ATOL)
KINK_QUANTILES = np.linspace(0.0, 1.0, 402)[1:-1]  # where sign changes of F - G and p - q are looked for
LOG2 = math.log(2.0)


def _points(groups):
    """Sorted distinct exact points ``(hi, lo)``, ``hi + lo = anchor + offset``, from ``[(anchor, offsets), ...]``."""
    parts = [
        two_sum(*np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(o, dtype=np.float64)))
        for a, o in groups
    ]
    hi = np.concatenate([h.ravel() for h, _ in parts])
    lo = np.concatenate([l.ravel() for _, l in parts])
    keep = np.isfinite(hi)
    hi, lo = hi[keep], lo[keep]
    order = np.lexsort((lo, hi))
    hi, lo = hi[order], lo[order]
    distinct = np.ones(hi.size, dtype=bool)
    distinct[1:] = (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
    return hi[distinct], lo[distinct]


def _span(hi, lo, i):
    """Offsets of points i and i + 1 from the anchor ``hi[i]``."""
    return lo[i], (hi[i + 1] - hi[i]) + lo[i + 1]


def pieces(intervals, laws, kinks=None, points=()):
    """``[(anchor, a, b), ...]``: the parts of ``intervals`` between consecutive break points, as offsets from their left end.

    Break points: the laws' own (:meth:`_anchored_breakpoints`), the ends of
    ``intervals`` and, when ``kinks(anchor, offset)`` is given, its sign
    changes, bracketed on 400 quantiles of each component and solved by
    Brent's method (at a jump, an atom or a uniform's end, Brent stops next
    to it, itself a break point), and ``points``, more ``(anchor, offsets)``
    groups (such as where an integrand other than the laws has its mass).
    """
    groups = [part for D in laws for part in D._anchored_breakpoints()] + list(points)
    groups += [(end, 0.0) for interval in intervals for end in interval if math.isfinite(end)]
    hi, lo = _points(groups)
    if kinks is not None:
        grid_hi, grid_lo = _points(groups + [part for D in laws for part in D._anchored_quantiles(KINK_QUANTILES)])
        signs = np.sign(kinks(grid_hi, grid_lo))
        roots = []
        for i in np.flatnonzero(signs[:-1] * signs[1:] < 0):
            anchor = grid_hi[i]
            a, b = _span(grid_hi, grid_lo, i)
            roots.append(
                (
                    anchor,
                    scipy.optimize.brentq(
                        lambda o: float(kinks(anchor, o)), a, b, xtol=1e-15 * (b - a), maxiter=200, disp=False
                    ),
                )
            )
        hi, lo = _points([(hi, lo)] + roots)
    pieces = (
        [(hi[0], -math.inf, lo[0])]
        + [(hi[i], *_span(hi, lo, i)) for i in range(hi.size - 1)]
        + [(hi[-1], lo[-1], math.inf)]
    )
    return [
        (anchor, a, b)
        for anchor, a, b in pieces
        if b > a and any(c <= anchor + 0.5 * (a + b) <= d for c, d in intervals)
    ]


def integrate(f, intervals, laws, kinks=None, atol=ATOL, points=()):
    """Sum of :func:`scipy.integrate.quad` of ``f(anchor, offset)`` over the pieces of ``intervals`` (:func:`pieces`).

    The summed error estimate is kept below ``max(RTOL |value|, atol)``; QUADPACK's own
    warnings (subdivision limit, roundoff, a divergent or slowly convergent piece) and a
    non-finite estimate become one :class:`AccuracyWarning`.
    """
    total, error, notes = 0.0, 0.0, set()
    for anchor, a, b in pieces(intervals, laws, kinks, points):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", scipy.integrate.IntegrationWarning)
            value, err = scipy.integrate.quad(
                lambda o: f(anchor, o), a, b, epsabs=atol / 10, epsrel=RTOL / 10, limit=200
            )
        for w in caught:
            if issubclass(w.category, scipy.integrate.IntegrationWarning):
                notes.add(str(w.message).split("\n")[0].strip())
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        total += value
        error += err
    if notes or not math.isfinite(error) or error > max(RTOL * abs(total), atol):
        extra = f" (QUADPACK: {'; '.join(sorted(notes))})" if notes else ""
        warnings.warn(
            f"quadrature error estimate {error:.2e} exceeds the tolerance for the value {total:.10g}{extra}",
            AccuracyWarning,
            stacklevel=3,
        )
    return total


def quad_pieces(f, intervals, laws, kinks=None):
    """:func:`integrate` for an integrand ``f(x)`` of one float (laws at ordinary scales)."""
    return integrate(
        lambda anchor, o: f(anchor + o),
        intervals,
        laws,
        None if kinks is None else (lambda anchor, o: kinks(anchor + o)),
    )


def union(P, Q):
    return merge_intervals(P._positive_intervals() + Q._positive_intervals())


def hull(P, Q):
    return [(min(P.support[0], Q.support[0]), max(P.support[1], Q.support[1]))]


def covered(P, Q) -> bool:
    """Whether every interval where P's density is positive lies inside one where Q's is."""
    return all(any(c <= a and b <= d for c, d in Q._positive_intervals()) for a, b in P._positive_intervals())


def _xlogratio(lp, lr):
    r""":math:`e^{lp}(lp - lr)` with :math:`0 \cdot \log 0 = 0`, from log densities (lr finite where lp is)."""
    with np.errstate(invalid="ignore"):  # 0 * (-inf - lr) = nan where lp = -inf: replaced by 0
        return np.where(lp > -np.inf, np.exp(lp) * (lp - lr), 0.0)


def jsd_pointwise(lp, lq):
    lm = np.logaddexp(lp, lq) - LOG2
    return 0.5 * (_xlogratio(lp, lm) + _xlogratio(lq, lm))


def kl_quad(P, Q):
    if not covered(P, Q):
        return math.inf
    return max(
        0.0,
        integrate(
            lambda a, o: float(_xlogratio(P._logpdf_at(a, o), Q._logpdf_at(a, o))), P._positive_intervals(), (P, Q)
        ),
    )


def jsd_quad(P, Q):
    value = integrate(lambda a, o: float(jsd_pointwise(P._logpdf_at(a, o), Q._logpdf_at(a, o))), union(P, Q), (P, Q))
    return min(max(value, 0.0), LOG2)


def tv_quad(P, Q):
    def gap(a, o):
        return np.exp(P._logpdf_at(a, o)) - np.exp(Q._logpdf_at(a, o))

    return min(max(integrate(lambda a, o: 0.5 * abs(float(gap(a, o))), union(P, Q), (P, Q), kinks=gap), 0.0), 1.0)


def cdf_difference(P, Q, anchor, offset):
    """F - G at ``anchor + offset``, from the survival functions where both CDFs exceed 1/2 (no cancellation near 1); vectorized."""
    F, G = P._cdf_at(anchor, offset), Q._cdf_at(anchor, offset)
    return np.where(F + G <= 1.0, F - G, Q._sf_at(anchor, offset) - P._sf_at(anchor, offset))


def _length(P, Q):
    """The larger standard deviation (1 if none): W1 and l2^2 are lengths, so their absolute tolerance is ATOL times it."""
    length = math.sqrt(max(P.var, Q.var))
    return length if 0.0 < length < math.inf else 1.0


def w1_quad(P, Q):
    def gap(a, o):
        return cdf_difference(P, Q, a, o)

    return integrate(lambda a, o: abs(float(gap(a, o))), hull(P, Q), (P, Q), kinks=gap, atol=ATOL * _length(P, Q))


def cramer2_quad(P, Q):
    return integrate(lambda a, o: float(cdf_difference(P, Q, a, o)) ** 2, hull(P, Q), (P, Q), atol=ATOL * _length(P, Q))
