r"""The one cascade of exact routes between two analytic laws, and the plumbing every exact divergence shares.

:func:`cascade` takes two laws and the :class:`Rules` of one divergence (its
value on equal and on mutually singular laws, its exact sum between pmfs, its
table of closed forms, its quadrature and cubature) and tries, in this order:

1. **equal laws** (``P == Q``): ``rules.equal`` (0, or f(1) for an f-divergence);
2. **mutually singular** laws (:func:`mutually_singular`: disjoint supports,
   point masses against densities, parallel lines at different positions):
   ``rules.singular`` (KL: inf, JSD: log 2, TV: 1);
3. **counting measures** (point masses, their mixtures and products): the
   exact sum ``rules.pmfs(p, q)`` on the union of the atoms (:func:`pmfs_on_union`);
4. **shared marginal** (two products with one marginal in common, when
   ``rules.shared_marginal``): the divergence of the other marginals, by
   the same cascade;
5. **closed form**: the first row of ``rules.closed_forms`` whose test
   accepts the pair and whose formula returns a number; then, when
   ``rules.additive``, two products as the sum over their coordinates (KL).
   Skipped for ``method="quadrature"``; ``method="closed"`` raises
   ``NotImplementedError`` when no closed form applies;
6. **quadrature** in 1-D (``rules.quadrature``, :mod:`._quadrature`);
7. **cubature** in 2-D (``rules.cubature``, :mod:`._cubature`).

Values from steps 5-7 below ``rules.floor`` (round-off under 0 for KL) are
raised to it.

:func:`gantheory.kl`, :func:`gantheory.js_divergence`, :func:`gantheory.tv`
(:mod:`gantheory.divergences.exact`) and
:func:`~gantheory.divergences.f_divergences.f_divergence` each hold one
:class:`Rules` and call :func:`cascade`. The transport and kernel distances
(``w1``, ``w2``, ``wp``, ``cramer``, ``energy_distance``, ``mmd``) take their own
routes, since mutually singular laws give them no constant value; they share
the plumbing below (:func:`check_pair`, :func:`finite_atoms`,
:func:`pmfs_on_union`, :func:`check_order`). Everything here depends only on
:mod:`gantheory.distributions`, so ``discrete``, ``exact`` and
``f_divergences`` import it and not each other.

Adding a divergence
-------------------
One closed-form function and one registration::

    def _hellinger_normal(P, Q):                 # (P, Q) -> float, or None to decline
        ...

    HELLINGER = Rules(
        "hellinger", singular=1.0, pmfs=discrete_hellinger,
        closed_forms=((both(Normal), _hellinger_normal),),
        quadrature=_hellinger_quad, cubature=_hellinger_2d,
    )

    def hellinger(P, Q, *, method="auto"):
        return cascade(HELLINGER, P, Q, method)

A further closed form for an existing divergence is one more row of its
``closed_forms`` table: ``(test, formula)``, where ``test(P, Q)`` says whether
the row applies (:func:`both` builds the common "both of these types" test).

Examples
--------
>>> import math
>>> import gantheory as gt
>>> half = Rules("half_tv", singular=0.5, pmfs=lambda p, q: 0.25 * float(abs(p - q).sum()),
...              closed_forms=((both(gt.Uniform), lambda P, Q: 0.5 * gt.tv(P, Q)),),
...              quadrature=lambda P, Q: 0.5 * gt.tv(P, Q), cubature=lambda P, Q: 0.5 * gt.tv(P, Q))
>>> cascade(half, gt.Uniform(0, 1), gt.Uniform(0.5, 1.5)), cascade(half, gt.Dirac(0.0), gt.Normal(0, 1))
(0.25, 0.5)
>>> cascade(half, gt.PointMasses([0.0, 1.0]), gt.Dirac(0.0))
0.25
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gantheory.distributions import Distribution, Mixture, PointMasses, Product

__all__ = [
    "METHODS",
    "Rules",
    "cascade",
    "both",
    "check_pair",
    "refuse_mixed",
    "no_closed_form",
    "finite_atoms",
    "pmfs_on_union",
    "mutually_singular",
    "shared_marginal",
    "check_order",
]

METHODS = ("auto", "closed", "quadrature")


# -- argument handling ---------------------------------------------------------


def check_pair(P, Q, method):
    """Raise ``TypeError``/``ValueError`` unless P and Q are distributions of one ``dim`` and ``method`` is in :data:`METHODS`."""
    for name, D in (("P", P), ("Q", Q)):
        if not isinstance(D, Distribution):
            raise TypeError(
                f"{name} must be a gantheory distribution (e.g. gt.Normal(0, 1)), got {type(D).__name__}; for samples use gantheory.empirical, for pmfs gantheory.discrete"
            )
    if P.dim != Q.dim:
        raise ValueError(f"P and Q must have the same dim, got {P.dim} and {Q.dim}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def refuse_mixed(name, P, Q):
    """``NotImplementedError`` for a mixture of densities and point masses (reference ``"mixed"``)."""
    if "mixed" in (P.reference, Q.reference):
        raise NotImplementedError(
            f"{name} with a mixture of densities and point masses is not implemented; split the mixture"
        )


def no_closed_form(name, P, Q):
    """The ``NotImplementedError`` that ``method="closed"`` raises when no closed form applies."""
    return NotImplementedError(f"no closed form for {name}({P!r}, {Q!r}); use method='auto' for quadrature")


def check_order(order):
    """The order of :math:`W_p` as a float: a real number, finite and >= 1 (``TypeError``/``ValueError`` otherwise)."""
    if isinstance(order, bool) or not isinstance(order, numbers.Real):
        raise TypeError(f"order must be a real number >= 1 (the p of W_p), got {type(order).__name__}")
    if not (math.isfinite(order) and order >= 1):
        raise ValueError(f"order must be finite and >= 1 (W_p is a distance only for p >= 1), got {order}")
    return float(order)


# -- structure of the laws -----------------------------------------------------


def finite_atoms(D):
    """(atoms, masses) when D is a finite discrete law (point masses, their mixtures and products); else None."""
    if isinstance(D, PointMasses):
        return D._atoms, D._masses
    if isinstance(D, Mixture) and D.reference == "counting":
        parts = [finite_atoms(c) for c, _ in D._active]
        if any(p is None for p in parts):
            return None
        return np.concatenate([a for a, _ in parts]), np.concatenate(
            [w * m for (_, m), (_, w) in zip(parts, D._active)]
        )
    if isinstance(D, Product) and D.reference == "counting":
        (ax, mx), (ay, my) = finite_atoms(D.marginal_x), finite_atoms(D.marginal_y)
        grid = np.stack(np.meshgrid(ax, ay, indexing="ij"), axis=-1).reshape(-1, 2)
        return grid, np.outer(mx, my).ravel()
    return None


def pmfs_on_union(P, Q):
    """Both discrete laws as pmfs on the union of their atoms: (support, p, q)."""
    (a, p), (b, q) = finite_atoms(P), finite_atoms(Q)
    support, inverse = np.unique(np.concatenate([a, b]), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    pmf_p, pmf_q = np.zeros(len(support)), np.zeros(len(support))
    np.add.at(pmf_p, inverse[: len(a)], p)
    np.add.at(pmf_q, inverse[len(a) :], q)
    return support, pmf_p, pmf_q


def mutually_singular(P, Q) -> bool:
    """True when P and Q live on disjoint sets (so KL = inf, JSD = log 2, TV = 1), decided exactly."""
    refs = {P.reference, Q.reference}
    if "mixed" in refs:
        return False
    if len(refs) == 2:
        # densities, atoms and (atoms x densities) on lines: each kind puts no mass where another lives
        return True
    if isinstance(P, Product) and isinstance(Q, Product):
        return mutually_singular(P.marginal_x, Q.marginal_x) or mutually_singular(P.marginal_y, Q.marginal_y)
    if P.reference == "counting" and Q.reference == "counting":
        _, p, q = pmfs_on_union(P, Q)
        return not bool(((p > 0) & (q > 0)).any())
    if P.dim == 1 and P.reference == "lebesgue" == Q.reference:
        overlap = sum(
            max(0.0, min(b, d) - max(a, c)) for a, b in P._positive_intervals() for c, d in Q._positive_intervals()
        )
        return overlap == 0.0
    return False


def shared_marginal(P, Q):
    """For two products sharing one marginal: the pair of the other marginals; else None."""
    if isinstance(P, Product) and isinstance(Q, Product):
        if P.marginal_x == Q.marginal_x:
            return P.marginal_y, Q.marginal_y
        if P.marginal_y == Q.marginal_y:
            return P.marginal_x, Q.marginal_x
    return None


# -- the cascade ---------------------------------------------------------------


def both(*types):
    """The closed-form test "P and Q are both instances of ``types``" (a row's first entry in a :class:`Rules` table)."""

    def test(P, Q):
        return isinstance(P, types) and isinstance(Q, types)

    test.__name__ = f"both({', '.join(t.__name__ for t in types)})"
    return test


@dataclass(frozen=True)
class Rules:
    r"""Everything :func:`cascade` needs to know of one divergence.

    Attributes
    ----------
    name : str
        Used in error messages (``"kl"``).
    singular : float
        The value between mutually singular laws.
    pmfs : callable
        ``pmfs(p, q) -> float``: the exact sum between two pmfs on one support (the union of the atoms).
    closed_forms : tuple of (callable, callable)
        The table of closed forms: rows ``(test, formula)``, ``test(P, Q) -> bool``,
        ``formula(P, Q) -> float or None`` (None: no closed form for this pair after all). The
        first row that applies and returns a number wins.
    quadrature, cubature : callable
        ``(P, Q) -> float``: the numerical integrals in 1-D and in 2-D.
    equal : float
        The value for ``P == Q``.
    shared_marginal : bool
        Whether two products that share a marginal reduce to the other marginals (step 4).
    additive : bool
        Whether the divergence of two products is the sum over their coordinates (KL), tried after
        the table (step 5).
    floor : float or None
        A lower bound for the values of steps 5-7 (round-off below it is clipped).
    mixed : bool
        Whether laws mixing densities and point masses are accepted (not yet by any of the four).
    """

    name: str
    singular: float
    pmfs: Callable
    quadrature: Callable
    cubature: Callable
    closed_forms: tuple = ()
    equal: float = 0.0
    shared_marginal: bool = True
    additive: bool = False
    floor: float | None = None
    mixed: bool = False


def cascade(rules: Rules, P, Q, method="auto"):
    """The divergence ``rules`` describes between P and Q, by the first exact route that applies (module docstring).

    ``method``: ``"auto"`` (closed form, else the numerical integral), ``"closed"``
    (``NotImplementedError`` rather than integrate) or ``"quadrature"`` (integrate even where a
    closed form exists). Steps 1-4 are exact and taken whatever the method.
    """
    check_pair(P, Q, method)
    if not rules.mixed:
        refuse_mixed(rules.name, P, Q)
    if P == Q:
        return rules.equal
    if mutually_singular(P, Q):
        return rules.singular
    if P.reference == "counting":
        _, p, q = pmfs_on_union(P, Q)
        return rules.pmfs(p, q)
    if rules.shared_marginal:
        shared = shared_marginal(P, Q)
        if shared is not None:
            return cascade(rules, *shared, method)
    value = _closed_form(rules, P, Q, method) if method != "quadrature" else None
    if value is None:
        if method == "closed":
            raise no_closed_form(rules.name, P, Q)
        value = rules.quadrature(P, Q) if P.dim == 1 else rules.cubature(P, Q)
    return value if rules.floor is None else max(rules.floor, value)


def _closed_form(rules, P, Q, method):
    """Step 5: the first closed form in the table that applies, then the sum over coordinates; None when there is none."""
    for test, formula in rules.closed_forms:
        if test(P, Q):
            value = formula(P, Q)
            if value is not None:
                return value
    if rules.additive and isinstance(P, Product) and isinstance(Q, Product):
        return cascade(rules, P.marginal_x, Q.marginal_x, method) + cascade(rules, P.marginal_y, Q.marginal_y, method)
    return None
