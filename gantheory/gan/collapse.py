r"""Why a GAN collapses, computed: the order of play, the best response to a fixed discriminator, capacity.

Goodfellow's NIPS 2016 tutorial [1]_ (§5.1.1) does not blame mode collapse on the divergence that the generator would
descend at the optimal discriminator: GANs trained towards other divergences collapse too, and generators drop more
modes than the divergence at :math:`D^*` would prefer. It points to the **order of play** instead. The GAN is the
game :math:`\min_G \max_D V(G, D)`; simultaneous gradient steps privilege neither order, and they can behave like
:math:`\max_D \min_G V`, where the generator is the *inner* player: against a fixed :math:`D`, the best the generator
can do is to put all its mass on the point that :math:`D` rates most real, :math:`\arg\max_x D(x)`. This module
computes each piece of that argument:

* :func:`maxmin_minmax_game`: the two orders of play as a small exact game on a finite support, solved with
  :func:`scipy.optimize.linprog` and by enumeration: the min-max generator is spread over the support, the max-min
  generator is a point mass, and alternating best responses hop between points;
* :func:`best_response`: the same with neural players on the ring of 8 (:class:`~gantheory.gan.training.Game`):
  freeze a trained discriminator and step only the generator, and its points contract to one place (spread to 0,
  one mode); then let the discriminator answer, and the generator moves to another mode;
* :func:`occupancy`: the per-mode occupancy (mode x training step) of a run, the heatmap of Metz et al. [2]_;
* :func:`capacity`: mode seeking as a capacity artefact. The one-normal family's 2 JSD has a local minimum on each
  mode of a two-mode target (at about -2.970 and +2.983 along :math:`N(\mu, 1)`), but a family that can hold both
  modes (a two-component mixture with free means) reaches JSD = 0 exactly at :math:`Q = P`.

**What each remedy acts on** (the options of :func:`gantheory.gan.train`):

* *packing* (``pack=m``, Lin et al. 2018, PacGAN) changes the discriminator's **view**: it judges :math:`m` samples
  at once, i.e. the product laws :math:`P^{\otimes m}` against :math:`Q^{\otimes m}`, under which a collapsed
  :math:`Q` is farther from :math:`P` than a spread one at the same single-sample distance;
* *unrolling* (``unroll=k``, Metz et al. 2017 [2]_) gives the generator a **look-ahead** of the discriminator: its
  cost is taken against :math:`D` after :math:`k` more updates, so the generator sees the answer to a collapse before
  it collapses (a step from :math:`\max_D \min_G` back towards :math:`\min_G \max_D`);
* *minibatch features* let the discriminator **see diversity**: minibatch discrimination (Salimans et al. 2016 [3]_)
  gives it features of the whole batch, the minibatch standard deviation (``minibatch_std=True``, Karras et al. 2018)
  is its one-feature descendant, which a collapsed batch lacks;
* *R1* (``r1=γ``, Mescheder et al. 2018) **damps the rotation** of the simultaneous gradient field around the
  equilibrium (chapter 5's Dirac GAN), the cycling that the hopping between modes is an instance of.

References
----------
.. [1] I. Goodfellow, "NIPS 2016 tutorial: Generative adversarial networks", arXiv:1701.00160, §5.1.1 (mode
   collapse) and §3.2.5.
.. [2] L. Metz, B. Poole, D. Pfau and J. Sohl-Dickstein, "Unrolled generative adversarial networks", ICLR 2017
   (the ring of Gaussians; Fig. 1 of arXiv:1611.02163v1-v3).
.. [3] T. Salimans, I. Goodfellow, W. Zaremba, V. Cheung, A. Radford and X. Chen, "Improved techniques for training
   GANs", NeurIPS 2016 (§3.2, minibatch discrimination).

Examples
--------
>>> from gantheory.gan.collapse import maxmin_minmax_game
>>> game = maxmin_minmax_game()
>>> game.minmax_generator.round(3).tolist(), game.maxmin_generator.tolist()
([0.409, 0.318, 0.273], [1.0, 0.0, 0.0])
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import scipy.optimize
from threadpoolctl import threadpool_limits

from gantheory._rng import as_seed
from gantheory._validation import as_pmf, check_positive_int
from gantheory.autograd import nn, ops
from gantheory.autograd.tensor import Tensor, no_grad
from gantheory.distributions import Mixture, Normal, ring_of_gaussians
from gantheory.divergences import exact
from gantheory.gan.metrics import isotropic_modes, mode_coverage
from gantheory.gan.training import Game

__all__ = [
    "BestResponse",
    "Capacity",
    "MaxMinGame",
    "Occupancy",
    "RBFDiscriminator",
    "best_response",
    "capacity",
    "maxmin_minmax_game",
    "occupancy",
]


# ==============================================================================
# The order of play, exactly
# ==============================================================================
@dataclass(frozen=True)
class MaxMinGame:
    r"""The two orders of play of a small GAN game on a finite support (what :func:`maxmin_minmax_game` returns).

    Attributes
    ----------
    p : ndarray of shape (k,)
        The data law on the k points.
    discriminators : ndarray of shape (m, k)
        The discriminators :math:`D_j(x) \in (0, 1)`, one per row.
    payoff : ndarray of shape (m, k)
        :math:`V(\delta_x, D_j) = \sum_y p_y \log D_j(y) + \log(1 - D_j(x))`: the value when the generator puts all
        its mass on the point x (row j, column x). The value of a generator law q is ``payoff @ q`` (linear in q).
    value : float
        The value of the mixed game, :math:`\min_q \max_\lambda = \max_\lambda \min_q` (von Neumann), from the LP.
    minmax_generator : ndarray of shape (k,)
        The generator's law when it moves first, :math:`\arg\min_q \max_j V(q, D_j)` (the LP's q).
    minmax_value : float
        :math:`\min_q \max_j V(q, D_j)`; equal to ``value``.
    maxmin_discriminator : int
        The discriminator chosen when it moves first and commits to one :math:`D_j`:
        :math:`\arg\max_j \min_q V(q, D_j)`.
    maxmin_generator : ndarray of shape (k,)
        The generator's best response to it: a point mass at :math:`\arg\max_x D_j(x)`.
    maxmin_value : float
        :math:`\max_j \min_q V(q, D_j) = \max_j \min_x V(\delta_x, D_j)`; below ``value``.
    discriminator_mixture : ndarray of shape (m,)
        The discriminator's optimal mixed strategy :math:`\lambda^*` (the dual LP).
    cycle : tuple of int
        The points the generator occupies under alternating best responses, starting from ``start``: the generator
        moves to :math:`\arg\max_x D_j(x)` of the current :math:`D_j`, the discriminator to the :math:`D_j` best against
        that point mass.
    """

    p: np.ndarray
    discriminators: np.ndarray
    payoff: np.ndarray
    value: float
    minmax_generator: np.ndarray
    minmax_value: float
    maxmin_discriminator: int
    maxmin_generator: np.ndarray
    maxmin_value: float
    discriminator_mixture: np.ndarray
    cycle: tuple


def _detectors(k, high, low):
    """The k detector discriminators: :math:`D_j(x) = ` ``high`` at x = j, ``low`` elsewhere."""
    return np.where(np.eye(k, dtype=bool), high, low)


def maxmin_minmax_game(p=(0.5, 0.3, 0.2), discriminators=None, *, start: int = 0, rounds: int = 6) -> MaxMinGame:
    r"""The GAN game on a few points, in both orders of play: min-max spreads the generator, max-min collapses it.

    The data law is ``p`` on k points. The generator plays a law q on the same points (its *mixed* strategy over
    points: the generated distribution); the discriminator plays one of m functions :math:`D_j` with values in
    (0, 1), or a mixture :math:`\lambda` of them. The payoff is the GAN value (the discriminator maximizes it, the
    generator minimizes it):

    .. math:: V(q, D_j) = \sum_x p_x \log D_j(x) + \sum_x q_x \log(1 - D_j(x)),

    linear in q, and linear in :math:`\lambda` once mixed: a bilinear game over two simplices.

    **The statements** (each checked by brute force in the tests):

    1. *Same value* (von Neumann). :math:`\min_q \max_\lambda V = \max_\lambda \min_q V =` ``value`` (both LPs).
       A mixed discriminator buys nothing against a committed q: :math:`\max_\lambda V(q, \lambda) = \max_j V(q,
       D_j)`, so ``minmax_value`` = ``value`` too.
    2. *Generator first (min-max)*: the minimizer ``minmax_generator`` of :math:`\max_j V(q, D_j)` spreads its mass
       over the points; for the default detectors it is unique and puts mass on every point.
    3. *Discriminator first (max-min, one discriminator)*: against a fixed :math:`D_j` the generator's cost is
       :math:`\sum_x q_x \log(1 - D_j(x))`, minimized by a **point mass at** :math:`\arg\max_x D_j(x)` (uniquely when
       that argmax is unique): the generator collapses, whatever :math:`D_j`. The discriminator's best commitment
       then gives ``maxmin_value`` :math:`= \max_j \min_x V(\delta_x, D_j)`, strictly below ``value`` for the
       defaults: committing to one discriminator first (as a single network does) loses the value of mixing, and the
       generator's answer is a collapse.
    4. *Alternating best responses* (each player in turn answering the other's last move, the max-min order
       repeated) keep the generator on point masses and move it from point to point: ``cycle`` hops, and never
       reaches the min-max law.

    The gap between 1 and 3 is the duality gap of the game with *pure* discriminator strategies. With every function
    allowed as a discriminator it closes (V is concave in D) and :math:`D^* = 1/2` makes the generator indifferent;
    the collapse in 3 is about the inner problem: for every D with a unique argmax, the best generator is a point
    mass. That is Goodfellow's max-min reading of mode collapse ([1]_, §5.1.1).

    Parameters
    ----------
    p : array_like of shape (k,)
        The data law (nonnegative weights on k >= 2 points, normalized to sum 1).
    discriminators : array_like of shape (m, k), optional
        Discriminator values in (0, 1); default the k *detectors* :math:`D_j(x) = 0.9` at :math:`x = j`, 0.4
        elsewhere (each believes one point real).
    start : int
        The generator's first point in ``cycle``.
    rounds : int
        Generator moves recorded in ``cycle``.

    Returns
    -------
    MaxMinGame

    Raises
    ------
    ValueError
        ``p`` is not a pmf; ``discriminators`` does not have k columns or has values outside (0, 1); ``start`` is not
        a point.

    Notes
    -----
    The min-max LP: minimize t over (q, t) with :math:`\text{payoff}\, q \le t`, :math:`\sum q = 1`, :math:`q \ge 0`.
    The max-min LP: maximize s over (:math:`\lambda`, s) with :math:`\text{payoff}^\top \lambda \ge s`. Both by
    HiGHS (:func:`scipy.optimize.linprog`); O(m k) numbers.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: Generative adversarial networks", arXiv:1701.00160, §5.1.1.
    .. [2] J. von Neumann, "Zur Theorie der Gesellschaftsspiele", Math. Ann. 100, 1928 (the minimax theorem).

    Examples
    --------
    >>> game = maxmin_minmax_game()
    >>> round(game.value, 4), round(game.minmax_value, 4), round(game.maxmin_value, 4)
    (-1.7541, -1.7541, -2.8134)
    >>> game.maxmin_discriminator, game.maxmin_generator.tolist()      # D_0 first: all mass on point 0
    (0, [1.0, 0.0, 0.0])
    >>> game.cycle                                                     # alternating best responses hop
    (0, 1, 0, 1, 0, 1)
    """
    p = np.asarray(as_pmf(p, "p", np), dtype=np.float64)
    k = len(p)
    if k < 2:
        raise ValueError(f"p must have at least 2 points, got {k}")
    d = _detectors(k, 0.9, 0.4) if discriminators is None else np.asarray(discriminators, dtype=np.float64)
    if d.ndim != 2 or d.shape[1] != k:
        raise ValueError(f"discriminators must have shape (m, {k}) (one row per discriminator), got {d.shape}")
    if not (np.all(d > 0) and np.all(d < 1)):
        raise ValueError("discriminators must take values strictly inside (0, 1) (a probability of 'real')")
    if isinstance(start, bool) or not isinstance(start, numbers.Integral) or not 0 <= start < k:
        raise ValueError(f"start must be a point index in [0, {k}), got {start!r}")
    rounds = check_positive_int(rounds, "rounds")
    m = len(d)
    payoff = (np.log(d) @ p)[:, None] + np.log1p(-d)  # (m, k): V(delta_x, D_j)

    # generator first: min t s.t. payoff q <= t
    res = scipy.optimize.linprog(
        np.r_[np.zeros(k), 1.0],
        A_ub=np.c_[payoff, -np.ones(m)],
        b_ub=np.zeros(m),
        A_eq=np.r_[np.ones(k), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * k + [(None, None)],
        method="highs",
    )
    q_star = np.clip(res.x[:k], 0, None)
    q_star /= q_star.sum()
    # discriminator first, mixed: max s s.t. payoff^T lambda >= s
    dual = scipy.optimize.linprog(
        np.r_[np.zeros(m), -1.0],
        A_ub=np.c_[-payoff.T, np.ones(k)],
        b_ub=np.zeros(k),
        A_eq=np.r_[np.ones(m), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * m + [(None, None)],
        method="highs",
    )
    lam = np.clip(dual.x[:m], 0, None)
    lam /= lam.sum()
    # discriminator first, one discriminator: the generator answers with a point mass
    inner = payoff.min(axis=1)
    j_star = int(np.argmax(inner))
    point = int(np.argmax(d[j_star]))
    maxmin_q = np.zeros(k)
    maxmin_q[point] = 1.0
    # alternating best responses from a point mass at `start`
    x, cycle = start, [start]
    for _ in range(rounds - 1):
        j = int(np.argmax(payoff[:, x]))  # the discriminator best against delta_x
        x = int(np.argmax(d[j]))  # the generator's point mass at argmax D_j
        cycle.append(x)
    return MaxMinGame(
        p=p,
        discriminators=d,
        payoff=payoff,
        value=float(res.x[-1]),
        minmax_generator=q_star,
        minmax_value=float(np.max(payoff @ q_star)),
        maxmin_discriminator=j_star,
        maxmin_generator=maxmin_q,
        maxmin_value=float(inner[j_star]),
        discriminator_mixture=lam,
        cycle=tuple(cycle),
    )


# ==============================================================================
# Capacity: the one-normal family's local minima vs a family that holds the modes
# ==============================================================================
@dataclass(frozen=True)
class Capacity:
    r"""One normal vs a two-component mixture, fitted by JSD to a two-mode target (what :func:`capacity` returns).

    Attributes
    ----------
    target : Mixture
        P, the two-mode 1-D mixture.
    normal_minima : tuple of float
        The local minimizers :math:`\mu` of :math:`2\,\mathrm{JSD}(P, N(\mu, 1))` (one near each mode), found by a
        bounded scalar minimizer.
    normal_values : tuple of float
        :math:`2\,\mathrm{JSD}` at them (exact): both > 0.
    mixture_fit : tuple of float
        The means :math:`(m_1, m_2)` minimizing :math:`2\,\mathrm{JSD}(P, w_1 N(m_1, 1) + w_2 N(m_2, 1))` (P's
        weights), from ``mixture_start``.
    mixture_value : float
        :math:`2\,\mathrm{JSD}` at the fitted mixture (exact; 0 up to the optimizer's tolerance).
    mixture_start : tuple of float
        The starting means of that search.
    at_target : float
        :math:`2\,\mathrm{JSD}(P, Q)` with Q the mixture at P's own means: exactly 0.
    ml_fit : float
        :math:`\arg\min_\mu \mathrm{KL}(P \| N(\mu, 1))`: the mean of P (0.6 for the default).
    """

    target: Mixture
    normal_minima: tuple
    normal_values: tuple
    mixture_fit: tuple
    mixture_value: float
    mixture_start: tuple
    at_target: float
    ml_fit: float


def _two_mode_target(target):
    if target is None:
        return Mixture([Normal(-3.0, 1.0), Normal(3.0, 1.0)], weights=[0.4, 0.6])
    if not (
        isinstance(target, Mixture)
        and len(target.components) == 2
        and all(isinstance(c, Normal) and c.scale == 1.0 for c in target.components)
    ):
        raise TypeError("target must be a Mixture of two Normal(loc, 1.0) components (a 1-D two-mode law)")
    return target


def capacity(target=None, *, mixture_start=(-1.0, 1.0), xtol: float = 1e-6) -> Capacity:
    r"""Mode seeking is a capacity artefact: one normal has local minima of 2 JSD on the modes, a mixture reaches 0.

    Along the one-normal family :math:`Q_\mu = N(\mu, 1)`, :math:`2\,\mathrm{JSD}(P, Q_\mu)` (the minimax
    generator's objective at :math:`D^*`, chapter 3) has a local minimum on each mode of
    :math:`P = 0.4\,N(-3, 1) + 0.6\,N(3, 1)`, both above 0: a normal cannot hold two modes. The family
    :math:`Q_{m_1, m_2} = 0.4\,N(m_1, 1) + 0.6\,N(m_2, 1)` contains P, and its 2 JSD is 0 exactly at
    :math:`(m_1, m_2) = (-3, 3)`: the minimizer from a start between the modes is P itself. The divergence's
    "mode seeking" is a property of the family, not of the JSD.

    Parameters
    ----------
    target : Mixture, optional
        A mixture of two ``Normal(loc, 1.0)``; default :math:`0.4\,N(-3, 1) + 0.6\,N(3, 1)` (chapters 2 and 7).
    mixture_start : tuple of float
        The mixture's starting means (Nelder-Mead).
    xtol : float
        The scalar minimizer's tolerance on :math:`\mu`.

    Returns
    -------
    Capacity

    Notes
    -----
    Every JSD is exact (:func:`gantheory.js_divergence` between the laws, by quadrature to its documented tolerance);
    the minimizers are :func:`scipy.optimize.minimize_scalar` (bounded, each within 1 of a mode) and Nelder-Mead.
    The ML fit uses :math:`\mathrm{KL}(P \| N(\mu, 1)) = \text{const} + (\mu - E_P X)^2 / 2`, so its minimizer is the
    mean of P, 0.6 for the default (checked against the exact KL in the tests).

    Examples
    --------
    >>> c = capacity()
    >>> [round(m, 3) for m in c.normal_minima], [round(v, 3) for v in c.normal_values]
    ([-2.97, 2.983], [0.545, 0.325])
    >>> [round(m, 3) for m in c.mixture_fit], c.mixture_value < 1e-9, c.at_target, round(c.ml_fit, 12)
    ([-3.0, 3.0], True, 0.0, 0.6)
    """
    P = _two_mode_target(target)
    locs = [c.loc for c in P.components]
    w = [float(x) for x in P.weights]

    def normal_objective(mu):
        return 2 * exact.js_divergence(P, Normal(float(mu), 1.0))

    minima, values = [], []
    for loc in locs:
        res = scipy.optimize.minimize_scalar(
            normal_objective, bounds=(loc - 1.0, loc + 1.0), method="bounded", options={"xatol": xtol}
        )
        minima.append(float(res.x))
        values.append(float(res.fun))

    def mixture(m):
        return Mixture([Normal(float(m[0]), 1.0), Normal(float(m[1]), 1.0)], weights=w)

    def mixture_objective(m):
        return 2 * exact.js_divergence(P, mixture(m))

    res = scipy.optimize.minimize(
        mixture_objective,
        np.asarray(mixture_start, dtype=np.float64),
        method="Nelder-Mead",
        options={"xatol": 1e-3, "fatol": 1e-9},
    )
    return Capacity(
        target=P,
        normal_minima=tuple(minima),
        normal_values=tuple(values),
        mixture_fit=tuple(float(x) for x in res.x),
        mixture_value=float(res.fun),
        mixture_start=tuple(float(x) for x in mixture_start),
        at_target=float(2 * exact.js_divergence(P, mixture(locs))),
        ml_fit=float(sum(wi * li for wi, li in zip(w, locs))),
    )


# ==============================================================================
# The best response to a fixed discriminator, with neural players
# ==============================================================================
class RBFDiscriminator(nn.Module):
    r"""A discriminator whose logit is Gaussian bumps minus a confining term: :math:`\sum_i w_i e^{-\|x - c_i\|^2 / 2h^2} - \|x\|^2 / 2r^2`.

    Far from its centres the logit falls like :math:`-\|x\|^2 / 2r^2`, so every maximum of D lies near the centres
    it learned (near the data), where a ReLU network's logit grows linearly without bound in some direction and its
    supremum is at infinity. :func:`best_response` uses it so that "the point D rates most real" exists.

    Parameters
    ----------
    n_centres : int
        The bumps; their centres start uniform on ``[-box, box]^2`` and are trained.
    width : float
        h, the bumps' common width (fixed).
    box : float
        Half-width of the square of the starting centres.
    confinement : float or None
        r of the confining term (None: no term).
    rng : int
        The seed of the centres.
    dtype : dtype

    Examples
    --------
    >>> import numpy as np
    >>> D = RBFDiscriminator(4, rng=0)
    >>> D(np.zeros((3, 2))).shape, [name for name, _ in D.named_parameters()]
    ((3, 1), ['centres', 'weights'])
    """

    def __init__(
        self,
        n_centres: int = 64,
        width: float = 0.3,
        *,
        box: float = 3.0,
        confinement=3.0,
        rng: int = 0,
        dtype=np.float64,
    ):
        n_centres = check_positive_int(n_centres, "n_centres")
        if not (isinstance(width, numbers.Real) and math.isfinite(width) and width > 0):
            raise ValueError(f"width must be a finite number > 0, got {width!r}")
        gen = np.random.default_rng(as_seed(rng))
        self.centres = Tensor(gen.uniform(-box, box, (n_centres, 2)).astype(dtype), requires_grad=True)
        self.weights = Tensor(np.zeros((n_centres, 1), dtype=dtype), requires_grad=True)
        self.width = float(width)
        self.confinement = confinement

    def forward(self, x):
        x = x if isinstance(x, Tensor) else Tensor(np.asarray(x))
        c = self.centres
        d2 = (
            ops.sum(x * x, axis=1, keepdims=True)
            - 2.0 * (x @ ops.transpose(c))
            + ops.transpose(ops.sum(c * c, axis=1, keepdims=True))
        )
        bumps = ops.exp(d2 * (-0.5 / self.width**2)) @ self.weights
        if self.confinement is None:
            return bumps
        return bumps - ops.sum(x * x, axis=1, keepdims=True) * (0.5 / self.confinement**2)


@dataclass(frozen=True)
class BestResponse:
    r"""The generator against a frozen discriminator, then the discriminator's answer (what :func:`best_response` returns).

    Attributes
    ----------
    rng : int
        The run's seed.
    train_steps : int
        Steps of the ordinary game before the first freeze.
    steps : ndarray of shape (r, s)
        Per round, the generator steps taken against the frozen discriminator at each record (0 first).
    spread : ndarray of shape (r, s)
        The generated points' spread at each record: :math:`\sqrt{\operatorname{tr}\operatorname{Cov}}`, the root
        mean squared distance to their centroid.
    modes : ndarray of shape (r, s)
        Modes covered (:func:`~gantheory.gan.metrics.mode_coverage`, 3 sd) at each record.
    occupied : tuple of int
        Per round, the mode holding most of the generated points (nearest centre) at the round's end.
    share : tuple of float
        Per round, the share of the points at that mode (nearest centre).
    argmax_distance : tuple of float
        Per round, the distance from the points' centroid to :math:`\arg\max D` on a 161 x 161 grid of
        :math:`[-4, 4]^2`.
    """

    rng: int
    train_steps: int
    steps: np.ndarray
    spread: np.ndarray
    modes: np.ndarray
    occupied: tuple
    share: tuple
    argmax_distance: tuple

    @property
    def hops(self) -> int:
        """The rounds whose occupied mode differs from the previous round's."""
        return sum(a != b for a, b in zip(self.occupied, self.occupied[1:]))


def _spread(x):
    return float(np.sqrt(((x - x.mean(axis=0)) ** 2).sum(axis=1).mean()))


def best_response(
    rng: int = 0,
    *,
    target=None,
    train_steps: int = 1000,
    g_steps: int = 1000,
    d_steps: int = 300,
    rounds: int = 3,
    g_lr: float = 1e-2,
    record_every: int = 100,
    n_points: int = 1000,
) -> BestResponse:
    r"""Freeze a trained discriminator and step only the generator: its points contract to one mode; then D answers.

    A GAN (the default MLP generator, an :class:`RBFDiscriminator` with its defaults, non-saturating cost, Adam lr 1e-3, batch 64,
    float32) is trained for ``train_steps`` ordinary steps on ``target`` with
    :class:`~gantheory.gan.training.Game`. Then, ``rounds`` times:

    * **the generator's best response**: ``g_steps`` calls of :meth:`~gantheory.gan.training.Game.generator_step`
      (the discriminator frozen, the generator's lr ``g_lr``). Against a fixed D the generator's cost
      :math:`-E_z \log D(G(z))` is smallest when every :math:`G(z)` sits at :math:`\arg\max_x D(x)`: the points
      contract (``spread`` falls towards 0), onto one mode (``modes`` to 1) near the grid argmax of D;
    * **the discriminator's answer**: ``d_steps`` calls of :meth:`~gantheory.gan.training.Game.discriminator_step`
      (the generator frozen, at its point): D learns that the point is fake, its argmax moves, and the next round's
      generator moves with it: ``occupied`` changes (a hop).

    This is the max-min order of play of :func:`maxmin_minmax_game` with neural players.

    Parameters
    ----------
    rng : int
        The seed of the game (players, batches) and of the fixed noise the points are drawn from.
    target : Mixture, optional
        A 2-D mixture of isotropic normals; default ``gt.ring_of_gaussians(8)``.
    train_steps, g_steps, d_steps, rounds : int
        As above.
    g_lr : float
        The generator's Adam lr in the best-response phases.
    record_every : int
        Generator steps between records.
    n_points : int
        Generated points per record (fixed noise).

    Returns
    -------
    BestResponse

    Notes
    -----
    The generator follows the gradient, so it reaches a *local* maximum of D, the one of the basin it is in: in the
    runs of chapter 7 its points end 0.01-0.05 apart (``spread``) on one mode, 1.5-4 from the grid argmax
    (``argmax_distance``). The exact best response (a point mass at the global argmax) is what
    :func:`maxmin_minmax_game` computes; gradient steps give a point mass too, at a local one. With the default ReLU
    discriminator the logit grows linearly in some direction and the generator runs off to infinity along it; the
    :class:`RBFDiscriminator` (with its confining term) keeps every maximum near the data. About 3 s of CPU per
    seed with the defaults.

    Examples
    --------
    >>> br = best_response(rng=0, train_steps=50, g_steps=20, d_steps=5, record_every=10, n_points=100)
    >>> br.spread.shape, len(br.occupied)
    ((3, 3), 3)
    """
    target = ring_of_gaussians(8) if target is None else target
    centres = isotropic_modes(target)[0]
    if centres.shape[1] != 2:
        raise ValueError("target must be a 2-D mixture of isotropic normals (e.g. gt.ring_of_gaussians(8))")
    train_steps = check_positive_int(train_steps, "train_steps")
    g_steps, d_steps = check_positive_int(g_steps, "g_steps"), check_positive_int(d_steps, "d_steps")
    rounds, record_every = check_positive_int(rounds, "rounds"), check_positive_int(record_every, "record_every")
    n_points = check_positive_int(n_points, "n_points")
    if not (isinstance(g_lr, numbers.Real) and math.isfinite(g_lr) and g_lr > 0):
        raise ValueError(f"g_lr must be a finite number > 0, got {g_lr!r}")
    dtype = np.float32
    z = np.random.default_rng([as_seed(rng), 1]).standard_normal((n_points, 2)).astype(dtype)
    axis = np.linspace(-4.0, 4.0, 161)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2).astype(dtype)
    D = RBFDiscriminator(rng=rng, dtype=dtype)
    steps, spread, modes, occupied, share, argmax_distance = [], [], [], [], [], []
    with threadpool_limits(limits=1, user_api="blas"), np.errstate(over="ignore", invalid="ignore"):
        game = Game(target, rng=rng, batch_size=64, lr=1e-3, dtype=dtype, discriminator=D, progress=False)
        for _ in range(train_steps):
            game.step()
        lr = game.opt_g.lr

        def points():
            with no_grad():
                return game.generator(Tensor(z)).data.astype(np.float64)

        for _ in range(rounds):
            game.opt_g.lr = g_lr
            row_steps, row_spread, row_modes = [], [], []
            for t in range(g_steps + 1):
                if t:
                    game.generator_step()
                if t % record_every == 0 or t == g_steps:
                    x = points()
                    row_steps.append(t)
                    row_spread.append(_spread(x) if np.isfinite(x).all() else math.inf)
                    row_modes.append(mode_coverage(x, target).modes if np.isfinite(x).all() else 0)
            steps.append(row_steps)
            spread.append(row_spread)
            modes.append(row_modes)
            x = points()
            nearest = ((x[:, None, :] - centres[None]) ** 2).sum(axis=-1).argmin(axis=1)
            counts = np.bincount(nearest, minlength=len(centres))
            occupied.append(int(counts.argmax()))
            share.append(float(counts.max() / len(x)))
            with no_grad():
                values = game.discriminator(Tensor(grid)).data.ravel()
            argmax_distance.append(float(np.linalg.norm(x.mean(axis=0) - grid[values.argmax()])))
            game.opt_g.lr = lr
            for _ in range(d_steps):
                game.discriminator_step()
    return BestResponse(
        rng=rng,
        train_steps=train_steps,
        steps=np.array(steps),
        spread=np.array(spread),
        modes=np.array(modes),
        occupied=tuple(occupied),
        share=tuple(share),
        argmax_distance=tuple(argmax_distance),
    )


# ==============================================================================
# Occupancy: which modes a run's samples sit on, step by step
# ==============================================================================
@dataclass(frozen=True)
class Occupancy:
    r"""Per-mode occupancy of a run over its training steps (what :func:`occupancy` returns).

    Attributes
    ----------
    steps : ndarray of shape (s,)
        The training steps of the snapshots.
    shares : ndarray of shape (k, s)
        Per mode (row) and step (column), the share of the generated points that are high quality for that mode
        (within ``n_sd`` standard deviations of it, it being the nearest centre); each column sums to the
        high-quality share, at most 1.
    high_quality : ndarray of shape (s,)
        Per step, the high-quality share (the column sums).
    modes : ndarray of shape (s,)
        Per step, the modes covered (a nonzero share).
    """

    steps: np.ndarray
    shares: np.ndarray
    high_quality: np.ndarray
    modes: np.ndarray


def occupancy(snapshots, target, steps=None, *, n_sd: float = 3) -> Occupancy:
    r"""Per-mode occupancy (mode x training step) of a run: the heatmap of Metz et al.'s ring figure, counted.

    Parameters
    ----------
    snapshots : History or sequence of array_like of shape (n, d)
        A :class:`~gantheory.gan.history.History` (its ``snapshots`` and ``snapshot_steps``), or the generated
        points at each step.
    target : Mixture
        The mixture of isotropic normals the run was trained on.
    steps : array_like of int, optional
        The steps of the snapshots (default: those of the History, or 0, 1, ...).
    n_sd : float
        The high-quality radius of :func:`~gantheory.gan.metrics.mode_coverage`.

    Returns
    -------
    Occupancy

    Examples
    --------
    >>> import numpy as np
    >>> import gantheory as gt
    >>> ring = gt.ring_of_gaussians(8)
    >>> centres = np.array([c.mean for c in ring.components])
    >>> occ = occupancy([centres[[0, 0, 1, 1]], centres[[2, 2, 2, 2]]], ring, steps=[0, 100])
    >>> occ.shares[:3].tolist(), occ.modes.tolist()
    ([[0.5, 0.0], [0.5, 0.0], [0.0, 1.0]], [2, 1])
    """
    if hasattr(snapshots, "snapshots") and hasattr(snapshots, "snapshot_steps"):
        steps = snapshots.snapshot_steps if steps is None else steps
        snapshots = list(snapshots.snapshots)
    snapshots = list(snapshots)
    if not snapshots:
        raise ValueError("snapshots must hold at least one set of generated points")
    steps = np.arange(len(snapshots)) if steps is None else np.asarray(steps)
    if steps.shape != (len(snapshots),):
        raise ValueError(f"steps must give one step per snapshot ({len(snapshots)}), got shape {steps.shape}")
    coverage = [mode_coverage(x, target, n_sd) for x in snapshots]
    shares = np.array([np.asarray(c.counts, dtype=np.float64) / c.n for c in coverage]).T
    return Occupancy(
        steps=steps.astype(np.int64),
        shares=shares,
        high_quality=shares.sum(axis=0),
        modes=np.array([c.modes for c in coverage], dtype=np.int64),
    )
