r"""The critic's side of the WGAN: Kantorovich–Rubinstein duality and Lipschitz critics.

The Kantorovich–Rubinstein duality writes the Wasserstein-1 distance as a
supremum over 1-Lipschitz functions (critics):

.. math:: W_1(P, Q) = \sup_{\|f\|_L \le 1} \mathbb{E}_P f - \mathbb{E}_Q f.

Any 1-Lipschitz :math:`f` gives a lower bound; a critic that is
:math:`K`-Lipschitz gives :math:`\mathbb{E}_P f - \mathbb{E}_Q f \le K\,W_1`.
On the line the supremum is attained by an explicit potential
(:func:`optimal_critic`); a neural critic must be kept Lipschitz by a
constraint, and :func:`critic_convergence` measures how each constraint does.

* :func:`optimal_critic`: the Kantorovich potential :math:`f^*` between 1-D laws, exact (the sign changes of :math:`F_Q - F_P`);
* :func:`critic_convergence`: a critic trained under one constraint, against steps: the dual estimate, the measured
  Lipschitz constant, the learned :math:`f` beside :math:`f^*`;
* :func:`penalty_optimum`: the dual value of the best critic under a gradient penalty (quadrature, normal mixtures);
* :func:`compare_constraints`: one :func:`critic_convergence` run per constraint, with one seed;
* :func:`critic_landscape`: in the spirit of WGAN's Figure 2 (which used a trained discriminator and a clipped critic): :math:`D^*`, :math:`f^*` and trained critics between far-apart laws.

Every function returns data; the figures are
:func:`gantheory.plotting.plot_critics` and
:func:`gantheory.plotting.plot_critic_convergence`.

Examples
--------
>>> import gantheory as gt
>>> from gantheory.gan.duality import optimal_critic
>>> f = optimal_critic(gt.Normal(3, 1), gt.Normal(0, 1))     # P to the right of Q: f*(x) = x + const
>>> float(f(1.0) - f(0.0)), float(f.slope(-2.0))
(1.0, 1.0)
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.stats

from gantheory._rng import Stream, as_generator, as_seed
from gantheory._validation import check_positive_int
from gantheory.autograd import grad, nn, no_grad, ops, optim
from gantheory.distributions import Distribution, Mixture, Normal
from gantheory.divergences import exact
from gantheory.divergences._laws import AccuracyWarning
from gantheory.gan import harness, losses
from gantheory.gan.optimal import optimal_discriminator

__all__ = [
    "KantorovichPotential",
    "optimal_critic",
    "CONSTRAINTS",
    "CriticConvergence",
    "critic_convergence",
    "penalty_optimum",
    "critic_label",
    "DEFAULT_CRITICS",
    "compare_constraints",
    "CriticLandscape",
    "critic_landscape",
]

# -- the exact potential in 1-D ------------------------------------------------

_TAIL = 1e-12  # knots from the quantiles at probabilities in [_TAIL, 1 - _TAIL]


def _check_1d_pair(P, Q):
    for name, law in (("P", P), ("Q", Q)):
        if not isinstance(law, Distribution):
            raise TypeError(f"{name} must be a gantheory Distribution, got {type(law).__name__}")
    if P.dim != 1 or Q.dim != 1:
        raise ValueError(
            f"optimal_critic needs 1-D laws, got dimensions {P.dim} and {Q.dim}: on the line the Kantorovich potential "
            "has a closed form, f*'(x) = sign(F_Q(x) - F_P(x)), because W1 = integral of |F_P - F_Q|; in the plane the "
            "potential solves an optimal transport problem and has no closed form (estimate W1 from samples with "
            "gantheory.empirical.w1, or train a critic)"
        )


def _quantiles(law, u):
    """Quantiles of ``law`` (each component's, for a mixture: no bisection) at probabilities ``u``."""
    if isinstance(law, Mixture):
        return np.concatenate([_quantiles(c, u) for c, _ in law._active])
    return np.asarray(law.ppf(u), dtype=np.float64).reshape(-1)


def _cdf_gap(P, Q, x, split):
    """:math:`F_Q(x) - F_P(x)`, as :math:`S_P(x) - S_Q(x)` right of ``split`` (accurate in both tails)."""
    x = np.asarray(x, dtype=np.float64)
    left = Q.cdf(x) - P.cdf(x)
    right = P.sf(x) - Q.sf(x)
    return np.where(x <= split, left, right)


def _integrate_from(points, slopes, m):
    """The piecewise-linear f with slope ``slopes[i]`` on ``[points[i], points[i+1]]`` and f(points[m]) = 0.

    Each run of equal slopes is one product, s (x - x_start), from the run's start, and the runs are chained outwards
    from ``points[m]``: the values keep a few ulps of their own size, where a cumulative sum from the far end (knots
    thousands of spans out) would carry that end's rounding into the middle.
    """
    values = np.zeros(len(points))
    for side in (1, -1):
        idx = np.arange(m, len(slopes)) if side == 1 else np.arange(m - 1, -1, -1)  # pieces outwards from m
        if idx.size == 0:
            continue
        ends = idx + (side == 1)  # the far end of each piece, seen from m
        s = slopes[idx]
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])  # the runs of equal slope
        base_point, base_value = points[m], 0.0
        for a, b in zip(starts, np.r_[starts[1:], idx.size]):
            run = ends[a:b]
            values[run] = base_value + s[a] * (points[run] - base_point)
            base_point, base_value = points[run[-1]], values[run[-1]]
    return values


@dataclass(frozen=True)
class KantorovichPotential:
    r"""The optimal 1-D critic :math:`f^*` of :math:`W_1(P, Q)`, made by :func:`optimal_critic`.

    Calling it evaluates :math:`f^*` (vectorised, any shape); :meth:`slope`
    evaluates :math:`f^{*\prime} = \operatorname{sign}(F_Q - F_P)`.

    Attributes
    ----------
    P, Q : Distribution
        The two laws: :math:`\mathbb{E}_P f^* - \mathbb{E}_Q f^* = W_1(P, Q)`.
    knots : ndarray, shape (m,)
        Increasing points between which :math:`f^*` is linear with slope
        :math:`\pm 1` or 0: the quantiles of both laws and the sign changes of
        :math:`F_Q - F_P`.
    values : ndarray, shape (m,)
        :math:`f^*` at the knots, with :math:`f^*(\text{median of } \tfrac12(P+Q)) = 0`
        (the potential is defined up to an additive constant).
    switches : ndarray
        The points where :math:`F_Q - F_P` changes sign (the slope flips).
    left_slope, right_slope : float
        The slope beyond the first and last knot (linear extrapolation).
    """

    P: Distribution
    Q: Distribution
    knots: np.ndarray
    values: np.ndarray
    switches: np.ndarray
    left_slope: float
    right_slope: float
    _split: float = field(repr=False, default=0.0)
    _slopes: np.ndarray = field(repr=False, default=None)  # the slope of each piece between consecutive knots

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        k, v = self.knots, self.values
        out = np.interp(x, k, v)
        out = np.where(x < k[0], v[0] + self.left_slope * (x - k[0]), out)
        out = np.where(x > k[-1], v[-1] + self.right_slope * (x - k[-1]), out)
        return out[()]

    def slope(self, x):
        """:math:`f^{*\\prime}(x) = \\operatorname{sign}(F_Q(x) - F_P(x))`, the slope of the piece of :math:`f^*` holding ``x``.

        Between two knots the sign is constant (every sign change is a knot), so each piece's slope is the sign at its
        midpoint: the slope that calling the potential uses. At a knot it is the sign there (0 at a sign change).
        Where both tails underflow (both CDFs, or both survival functions, exactly 0 in float64: some 38 standard
        deviations out) the sign reads 0 and :math:`f^*` is flat, which changes :math:`\\mathbb{E}_P f^* -
        \\mathbb{E}_Q f^*` by nothing a float64 can hold.
        """
        x = np.asarray(x, dtype=np.float64)
        k = self.knots
        piece = np.clip(np.searchsorted(k, x, side="right") - 1, 0, len(k) - 2)
        inside = np.where(x < k[0], self.left_slope, np.where(x > k[-1], self.right_slope, self._slopes[piece]))
        at_knot = np.isin(x, k)
        if at_knot.any():
            inside = np.where(at_knot, np.sign(_cdf_gap(self.P, self.Q, x, self._split)), inside)
        return inside[()]


def optimal_critic(P, Q, *, n_knots=1024) -> KantorovichPotential:
    r"""The exact Kantorovich potential :math:`f^*` of :math:`W_1(P, Q)` between 1-D laws.

    Parameters
    ----------
    P, Q : Distribution
        1-D laws (the data and the generator's), any of
        :mod:`gantheory.distributions` with a CDF: normals, uniforms, Laplace
        laws, point masses, their mixtures.
    n_knots : int
        Quantiles of each law (each component of a mixture) used as knots,
        at probabilities from :math:`10^{-12}` to :math:`1 - 10^{-12}`.

    Returns
    -------
    KantorovichPotential
        A vectorised callable :math:`f^*` with :meth:`~KantorovichPotential.slope`.

    Raises
    ------
    ValueError
        For 2-D laws: in the plane the potential has no closed form.

    Notes
    -----
    Integrating by parts (both laws with a finite mean),

    .. math:: \mathbb{E}_P f - \mathbb{E}_Q f = \int f'(x)\,(F_Q(x) - F_P(x))\,dx
              \le \int |F_Q - F_P|\,dx = W_1(P, Q)

    for every 1-Lipschitz :math:`f` (Kantorovich–Rubinstein duality [1]_;
    :math:`W_1 = \int|F_P - F_Q|` on the line [2]_), with equality for
    :math:`f^{*\prime} = \operatorname{sign}(F_Q - F_P)`: the critic rises where
    :math:`Q` has more mass to the left (:math:`P` lies to the right), so
    :math:`\mathbb{E}_P f^* - \mathbb{E}_Q f^* = W_1 \ge 0`. The sign changes of
    :math:`F_Q - F_P` are located by Brent's method between the knots (the
    quantiles of both laws) where the sign differs; two sign changes inside one
    gap between knots would be missed, at a cost of at most twice the integral
    of :math:`|F_Q - F_P|` over that gap. Beyond the quantiles lies mass
    :math:`\le 10^{-12}` of either law; the tails are still scanned at
    geometrically spaced points out to 4096 times the quantiles' span, so that
    a crossing of two thin tails (where :math:`F_Q - F_P` is far below
    :math:`10^{-12}`) is found too. Cost: :math:`O(n_{knots})` CDF evaluations.

    References
    ----------
    .. [1] C. Villani, *Optimal transport, old and new*, Springer 2009
       (the Kantorovich–Rubinstein duality), as used by Arjovsky et al., "Wasserstein
       generative adversarial networks", ICML 2017.
    .. [2] S. S. Vallender, "Calculation of the Wasserstein distance between
       probability distributions on the line", Theory Probab. Appl. 18, 1974.

    Examples
    --------
    >>> import gantheory as gt
    >>> P = gt.Mixture([gt.Normal(-2, 0.5), gt.Normal(2, 0.5)], weights=[0.5, 0.5])
    >>> f = optimal_critic(P, gt.Normal(0, 0.5))            # a V: the mass moves out both ways
    >>> f.switches
    array([0.])
    >>> [float(f.slope(x)) for x in (-1.0, 1.0)]
    [-1.0, 1.0]
    >>> optimal_critic(gt.MultivariateNormal([0, 0], [[1, 0], [0, 1]]), gt.Normal(0, 1))
    Traceback (most recent call last):
    ...
    ValueError: optimal_critic needs 1-D laws, got dimensions 2 and 1: on the line the Kantorovich potential has a closed form, ...
    """
    _check_1d_pair(P, Q)
    n_knots = check_positive_int(n_knots, "n_knots")
    u = np.linspace(_TAIL, 1.0 - _TAIL, max(n_knots, 2))
    knots = np.unique(np.concatenate([_quantiles(P, u), _quantiles(Q, u)]))
    knots = knots[np.isfinite(knots)]
    # and geometrically spaced points beyond them, where the tails may still cross (until both CDFs underflow)
    span = max(float(knots[-1] - knots[0]), 1.0)
    reach = span * 2.0 ** np.arange(-4, 13)
    knots = np.unique(np.concatenate([knots[0] - reach, knots, knots[-1] + reach]))
    # the pooled median: the left/right switch of _cdf_gap, and the zero of f*
    mixed = lambda x: 0.5 * (P.cdf(x) + Q.cdf(x)) - 0.5  # noqa: E731
    above = mixed(knots) >= 0
    i = int(np.argmax(above)) if above.any() else len(knots) - 1  # the first knot at or above the median
    split = float(knots[i])
    if i > 0 and mixed(knots[i]) > 0:
        split = float(scipy.optimize.brentq(mixed, knots[i - 1], knots[i], xtol=1e-14, rtol=1e-14))
    gap = lambda x: float(_cdf_gap(P, Q, x, split))  # noqa: E731
    signs = np.sign(_cdf_gap(P, Q, knots, split))
    roots = [
        scipy.optimize.brentq(gap, a, b, xtol=1e-14, rtol=1e-14)
        for a, b, sa, sb in zip(knots[:-1], knots[1:], signs[:-1], signs[1:])
        if sa * sb < 0
    ]
    points = np.unique(np.concatenate([knots, roots, [split]]))
    mids = 0.5 * (points[:-1] + points[1:])
    slopes = np.sign(_cdf_gap(P, Q, mids, split))
    values = _integrate_from(points, slopes, int(np.searchsorted(points, split)))
    left = float(np.sign(_cdf_gap(P, Q, points[0], split)))
    right = float(np.sign(_cdf_gap(P, Q, points[-1], split)))
    # where the (nonzero) slope flips: the end of the piece before the flip
    live = np.flatnonzero(slopes)
    flips = live[:-1][slopes[live[:-1]] * slopes[live[1:]] < 0]
    switches = points[flips + 1]
    return KantorovichPotential(P, Q, points, values, switches, left, right, split, slopes)


# -- Lipschitz critics ---------------------------------------------------------

#: The Lipschitz constraints :func:`critic_convergence` knows, with what each does.
CONSTRAINTS = {
    "weight_clipping": "clip every weight and bias to [-c, c] after each step (Arjovsky et al. 2017)",
    "gradient_penalty": "add penalty * E (|f'(x)| - 1)^2 on random interpolates (Gulrajani et al. 2017)",
    "one_sided_penalty": "add penalty * E max(0, |f'(x)| - 1)^2 on random interpolates (Petzka et al. 2018)",
    "spectral_norm": "divide each layer's weight by its largest singular value (Miyato et al. 2018)",
    "none": "no constraint: the dual estimate is not a bound on W1",
}


def _check_constraint(constraint):
    if constraint not in CONSTRAINTS:
        raise ValueError(f"constraint must be one of {list(CONSTRAINTS)}, got {constraint!r}")
    return constraint


def _grid(P, Q, size):
    """An evenly spaced grid over both laws' central mass (quantiles 1e-4 to 1 - 1e-4), widened by 10%."""
    u = np.array([1e-4, 1.0 - 1e-4])
    ends = np.concatenate([_quantiles(P, u), _quantiles(Q, u)])
    lo, hi = float(ends.min()), float(ends.max())
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    return np.linspace(lo - pad, hi + pad, size)


def _slopes(critic, x):
    """:math:`f'(x)` on points ``x`` of shape (n,), by one backward pass."""
    return grad(lambda t: ops.sum(critic(t)))(x.reshape(-1, 1)).reshape(-1)


def _aligned(f, target, weights):
    """``f`` shifted by the constant that minimizes the weighted squared distance to ``target``."""
    w = weights if weights.sum() > 0 else np.ones_like(weights)
    return f + np.sum(w * (target - f)) / np.sum(w)


@dataclass(frozen=True)
class CriticConvergence:
    r"""A critic trained under one Lipschitz constraint, against steps; made by :func:`critic_convergence`.

    Attributes
    ----------
    constraint : str
        A key of :data:`CONSTRAINTS`.
    steps : ndarray of int, shape (k,)
        Training steps at which the critic was evaluated (0 = the initial network).
    estimate, estimate_se : ndarray, shape (k,)
        The dual estimate :math:`\frac1n\sum_i f(x_i) - \frac1n\sum_j f(y_j)` on
        held-out samples of :math:`P` and :math:`Q`, and its standard error.
    gap, gap_se : ndarray, shape (k,)
        ``estimate - w1`` estimated on the same held-out samples with
        :math:`f^*` as a control variate,
        :math:`W_1 + \overline{(f - f^*)}_P - \overline{(f - f^*)}_Q - W_1`
        (unbiased, and with a much smaller standard error when :math:`f` is
        close to :math:`f^*` up to a constant), and its standard error.
    lipschitz : ndarray, shape (k,)
        The critic's measured Lipschitz constant: :math:`\max |f'|` on ``grid``.
    w1 : float
        The exact :math:`W_1(P, Q)` (:func:`gantheory.w1`).
    grid : ndarray, shape (m,)
        Evenly spaced points over both laws' mass.
    critic : ndarray, shape (k, m)
        The learned :math:`f` on ``grid`` at each logged step, shifted by the
        constant that best matches :math:`f^*` (weighted by :math:`\tfrac12(p+q)`).
    optimal : ndarray, shape (m,)
        :math:`f^*` on ``grid`` (:func:`optimal_critic`).
    config : dict
        The settings of the run (constraint, c, weight, hidden, lr, batch_size, n_eval, rng).
    """

    constraint: str
    steps: np.ndarray
    estimate: np.ndarray
    estimate_se: np.ndarray
    gap: np.ndarray
    gap_se: np.ndarray
    lipschitz: np.ndarray
    w1: float
    grid: np.ndarray
    critic: np.ndarray
    optimal: np.ndarray
    config: dict

    @property
    def rescaled(self):
        r""":math:`(\mathbb{E}_P f - \mathbb{E}_Q f) / K`: the estimate of the 1-Lipschitz critic :math:`f/K` (:math:`K` = ``lipschitz``)."""
        return self.estimate / self.lipschitz


def make_critic(constraint, hidden, stream):
    """A 1-D ReLU critic ``1 -> hidden -> 1`` drawn from ``stream`` (spectrally normalized for ``"spectral_norm"``).

    ``stream`` is the run's random stream (a Generator wrapped in :class:`gantheory._rng.Stream`), which the
    experiments of this module and of :mod:`gantheory.gan.wgan_gradients` go on drawing their batches from.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory._rng import Stream
    >>> critic = make_critic("spectral_norm", [8], Stream(np.random.default_rng(0)))
    >>> critic(np.zeros((3, 1))).shape
    (3, 1)
    """
    critic = nn.MLP([1, *hidden, 1], activation="relu", rng=stream)
    if constraint == "spectral_norm":
        nn.spectral_norm(critic, rng=stream)
    return critic


def critic_update(critic, opt, x, y, constraint, *, weight, c, stream):
    """One update of a Wasserstein critic under ``constraint`` on the batches ``x`` (data) and ``y`` (generator).

    The critic cost :math:`\\mathbb{E}_y f - \\mathbb{E}_x f`, plus the (one-sided) gradient penalty of weight
    ``weight`` on interpolates drawn from ``stream``, one optimizer step, then clipping to ``[-c, c]`` for
    ``"weight_clipping"``. The critic sees both batches in one call: one power-iteration step per update under
    spectral normalization.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory._rng import Stream
    >>> from gantheory.autograd import optim
    >>> stream = Stream(np.random.default_rng(0))
    >>> critic = make_critic("weight_clipping", [8], stream)
    >>> opt = optim.SGD(critic.parameters(), lr=0.1)
    >>> x, y = np.ones((4, 1)), -np.ones((4, 1))
    >>> critic_update(critic, opt, x, y, "weight_clipping", weight=0.0, c=0.01, stream=stream)
    >>> max(float(np.abs(p.data).max()) for p in critic.parameters()) <= 0.01    # clipped after the step
    True
    """
    opt.zero_grad()
    scores = critic(np.concatenate([x, y]))
    cost = losses.wasserstein_critic_cost(scores[: len(x)], scores[len(x) :])
    if constraint in ("gradient_penalty", "one_sided_penalty"):
        one_sided = constraint == "one_sided_penalty"
        cost = cost + losses.gradient_penalty(critic, x, y, rng=stream, weight=weight, one_sided=one_sided)
    cost.backward()
    opt.step()
    if constraint == "weight_clipping":
        losses.clip_weights(critic, c)


def critic_convergence(
    P,
    Q,
    constraint="gradient_penalty",
    *,
    steps=1000,
    c=0.01,
    weight=10.0,
    hidden=(32, 32),
    lr=2e-3,
    betas=(0.9, 0.999),
    batch_size=256,
    log_every=50,
    n_eval=10_000,
    grid_size=401,
    rng=0,
) -> CriticConvergence:
    r"""Train a 1-D critic under a Lipschitz constraint and follow its dual estimate of :math:`W_1(P, Q)`.

    Parameters
    ----------
    P, Q : Distribution
        1-D laws: the data and the (fixed) generator's.
    constraint : str
        One of :data:`CONSTRAINTS`: ``"weight_clipping"``, ``"gradient_penalty"``,
        ``"one_sided_penalty"``, ``"spectral_norm"``, ``"none"``.
    steps : int
        Adam steps of the critic on :func:`~gantheory.gan.losses.wasserstein_critic_cost`
        (plus the penalty), each on fresh batches of P and Q.
    c : float
        The clipping bound of ``"weight_clipping"`` (0.01 in Arjovsky et al.).
    weight : float
        The weight :math:`\lambda` of the two penalties (10 in Gulrajani et al.).
    hidden : int or sequence of int
        Hidden widths of the ReLU MLP ``1 -> hidden... -> 1``.
    lr : float
        Adam's learning rate, the same for every constraint so that only the
        constraint differs (not the papers' own optimizers: RMSProp at 5e-5 for
        clipping would need far more steps).
    betas : (float, float)
        Adam's moment decay rates (default: PyTorch's).
    batch_size : int
        Samples of each law per step.
    log_every : int
        Evaluate every ``log_every`` steps (and at the last step).
    n_eval : int
        Size of the held-out samples of P and of Q, drawn once, independent of
        the training batches.
    grid_size : int
        Points of the grid on which :math:`f`, :math:`f'` and :math:`f^*` are evaluated.
    rng : int
        The seed of the run (initialization, batches, interpolates, held-out
        samples). None and Generators are refused (TypeError), so that every
        run can be repeated.

    Returns
    -------
    CriticConvergence

    Raises
    ------
    ValueError
        For an unknown constraint (the message lists the valid ones) or 2-D laws.

    Notes
    -----
    By the Kantorovich–Rubinstein duality, a :math:`K`-Lipschitz critic has
    :math:`\mathbb{E}_P f - \mathbb{E}_Q f \le K\,W_1(P, Q)`; on the line more
    precisely :math:`\mathbb{E}_P f - \mathbb{E}_Q f = \int f'(F_Q - F_P)\,dx`, so
    only the slopes where the CDFs differ count, and ``grid`` covers that
    region. The estimate is unbiased for :math:`\mathbb{E}_P f - \mathbb{E}_Q f`
    because the critic never saw the held-out samples; its standard error is
    :math:`\sqrt{s_P^2/n + s_Q^2/n}`. Hence, whenever ``lipschitz`` :math:`\le 1`,
    the estimate may exceed :math:`W_1` by sampling error only.

    Weight clipping bounds the Lipschitz constant of the ReLU MLP by the product
    of the layers' spectral norms, and an :math:`h \times h'` matrix with entries
    in :math:`[-c, c]` has spectral norm :math:`\le c\sqrt{h h'}`: for two hidden
    layers of widths :math:`h_1, h_2` the bound is
    :math:`c\sqrt{h_1} \cdot c\sqrt{h_1 h_2} \cdot c\sqrt{h_2} = c^3 h_1 h_2`,
    :math:`1.024 \times 10^{-3}` for ``c = 0.01`` and widths 32: the clipped critic
    can reach about a thousandth of :math:`W_1` at most [1]_ (for these widths: the bound grows as
    :math:`h_1 h_2`, so wider critics can reach more). WGAN needs only :math:`K \cdot W_1`, the gradient's
    direction, so a small :math:`K` scales the critic's estimate but not its use. The gradient
    penalty [2]_ asks for :math:`|f'| = 1` on random interpolates, the one-sided
    penalty [3]_ only for :math:`|f'| \le 1`; both are soft, and their optimum
    overestimates :math:`W_1` by about :math:`W_1/(2\lambda)` relative
    (:func:`penalty_optimum`). Spectral normalization [4]_ divides each layer by
    (an estimate of) its spectral norm, so the network is 1-Lipschitz by
    construction, but a ReLU network of such layers reaches slope 1 only where its
    layers align: :math:`|x| = \text{relu}(x) + \text{relu}(-x)` needs a first
    layer :math:`(1, -1)` and a last :math:`(1, 1)^\top`, each of spectral norm
    :math:`\sqrt 2`, so normalized they give :math:`|x|/2`, and a V-shaped
    :math:`f^*` is learned with about half its slope.

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017.
    .. [2] I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville,
       "Improved training of Wasserstein GANs", NeurIPS 2017.
    .. [3] H. Petzka, A. Fischer, D. Lukovnikov, "On the regularization of
       Wasserstein GANs", ICLR 2018.
    .. [4] T. Miyato, T. Kataoka, M. Koyama, Y. Yoshida, "Spectral normalization
       for generative adversarial networks", ICLR 2018.

    Examples
    --------
    >>> import gantheory as gt
    >>> from gantheory.gan.duality import critic_convergence
    >>> run = critic_convergence(gt.Normal(3, 1), gt.Normal(0, 1), "spectral_norm", steps=400, log_every=200, n_eval=2000)
    >>> run.steps, run.w1
    (array([  0, 200, 400]), 3.0)
    >>> bool(run.lipschitz[-1] <= 1.001), bool(abs(run.estimate[-1] - run.w1) < 0.05 * run.w1)
    (True, True)
    >>> critic_convergence(gt.Normal(3, 1), gt.Normal(0, 1), "clip")
    Traceback (most recent call last):
    ...
    ValueError: constraint must be one of ['weight_clipping', 'gradient_penalty', 'one_sided_penalty', 'spectral_norm', 'none'], got 'clip'
    """
    _check_constraint(constraint)
    _check_1d_pair(P, Q)
    steps, batch_size = check_positive_int(steps, "steps"), check_positive_int(batch_size, "batch_size")
    log_every, n_eval = check_positive_int(log_every, "log_every"), check_positive_int(n_eval, "n_eval")
    grid_size = check_positive_int(grid_size, "grid_size")
    if n_eval < 2:
        raise ValueError("n_eval must be at least 2 (the standard error needs two samples)")
    if not c > 0:
        raise ValueError(f"c must be > 0, got {c}")
    if not weight >= 0:
        raise ValueError(f"weight must be >= 0, got {weight}")
    hidden = harness.hidden_sizes(hidden)
    seed = as_seed(rng)
    stream = Stream(as_generator(seed))  # one stream: the critic, the evaluation samples, the batches, the penalty
    critic = make_critic(constraint, hidden, stream)
    opt = optim.Adam(critic.parameters(), lr=lr, betas=betas)
    x_eval, y_eval = P.sample(n_eval, stream).reshape(-1, 1), Q.sample(n_eval, stream).reshape(-1, 1)
    grid = _grid(P, Q, grid_size)
    star = optimal_critic(P, Q)
    optimal = star(grid)
    star_x, star_y = star(x_eval.reshape(-1)), star(y_eval.reshape(-1))
    weights = 0.5 * (P.pdf(grid) + Q.pdf(grid))
    curves = []

    def update(x, y):
        critic_update(critic, opt, x, y, constraint, weight=weight, c=c, stream=stream)

    def record():
        critic.eval()
        with no_grad():
            fx, fy, fg = (critic(z).data.reshape(-1) for z in (x_eval, y_eval, grid.reshape(-1, 1)))
        lipschitz = float(np.abs(_slopes(critic, grid)).max())
        critic.train()
        curves.append(_aligned(fg, optimal, weights))
        return (*harness.mean_and_se(fx, -fy), *harness.mean_and_se(fx - star_x, star_y - fy), lipschitz)

    t, rows = harness.train_logged(
        update,
        record,
        lambda n: P.sample(n, stream).reshape(-1, 1),
        lambda n: Q.sample(n, stream).reshape(-1, 1),
        steps=steps,
        log_every=log_every,
        batch_size=batch_size,
    )
    estimate, estimate_se, gap, gap_se, lipschitz = rows.T
    config = {
        "constraint": constraint,
        "c": float(c),
        "weight": float(weight),
        "hidden": hidden,
        "lr": float(lr),
        "batch_size": batch_size,
        "n_eval": n_eval,
        "rng": seed,
    }
    return CriticConvergence(
        constraint,
        t,
        estimate,
        estimate_se,
        gap,
        gap_se,
        lipschitz,
        float(exact.w1(P, Q)),
        grid,
        np.array(curves),
        optimal,
        config,
    )


def _normal_components(law, name):
    """``[(weight, loc, scale), ...]`` of a Normal or a mixture of Normals."""
    if isinstance(law, Normal):
        return [(1.0, law.loc, law.scale)]
    if isinstance(law, Mixture) and all(isinstance(c, Normal) for c, _ in law._active):
        return [(w, c.loc, c.scale) for c, w in law._active]
    raise TypeError(
        f"{name} must be a Normal or a Mixture of Normals (the interpolates' density is then a "
        f"closed form in the mixing weight), got {law!r}"
    )


_NODES = 10  # Gauss–Legendre nodes per panel (in x and in the mixing weight) of penalty_optimum
_LEVELS = 4  # bisections of every panel before penalty_optimum gives up and warns


def _panel_nodes(edges, n=_NODES):
    """Gauss–Legendre nodes and weights, ``n`` per panel between consecutive ``edges`` (along the last axis)."""
    t, w = np.polynomial.legendre.leggauss(n)
    half, mid = 0.5 * np.diff(edges, axis=-1), 0.5 * (edges[..., 1:] + edges[..., :-1])
    shape = (*half.shape[:-1], -1)
    return (mid[..., None] + half[..., None] * t).reshape(shape), (half[..., None] * w).reshape(shape)


def _geometric(fine, coarse):
    """``fine * 2^j`` for j = 0, 1, ... up to the first at or above ``coarse``."""
    return fine * 2.0 ** np.arange(int(np.ceil(np.log2(max(coarse / fine, 1.0)))) + 1)


def _graded_edges(lo, hi, centers, fine, coarse):
    """Panel edges of [lo, hi]: 16 even panels, and edges at ``c ± fine * 2^j`` (up to ``coarse``) about each center."""
    steps = _geometric(fine, coarse)
    graded = [c + sign * steps for c in centers for sign in (-1.0, 1.0)]
    edges = np.unique(np.concatenate([np.linspace(lo, hi, 17), np.asarray(centers, dtype=np.float64), *graded]))
    return edges[(edges >= lo) & (edges <= hi)]


def _bisected(edges):
    """Every panel between consecutive ``edges`` (along the last axis) cut in two."""
    return np.sort(np.concatenate([edges, 0.5 * (edges[..., 1:] + edges[..., :-1])], axis=-1), axis=-1)


def _interpolates_density(comps_p, comps_q, x, eps_edges, level):
    r""":math:`\rho(x)`, the density of :math:`\epsilon X + (1 - \epsilon) Y`, by Gauss–Legendre in :math:`\epsilon`.

    The panels are ``eps_edges`` (graded towards both ends), and, for each
    pair of components with different means, edges graded about the
    :math:`\epsilon` whose mean is :math:`x` (where the integrand peaks, with
    width :math:`\ge \min(\sigma_P, \sigma_Q) / (\sqrt2\,|\mu_P - \mu_Q|)`);
    every panel is bisected ``level`` times.
    """
    rho = np.zeros_like(x)
    for (wp, mp, sp), (wq, mq, sq) in itertools.product(comps_p, comps_q):
        shift = mp - mq
        steps = _geometric(min(min(sp, sq) / abs(shift) / 4.0, 1.0), 1.0) if shift else np.zeros(0)
        block = max(1, 2**20 // (_NODES * (eps_edges.size + 2 * steps.size) * 2**level))  # rows at a time
        for i in range(0, x.size, block):
            xi = x[i : i + block, None]
            edges = np.broadcast_to(eps_edges, (xi.shape[0], eps_edges.size))
            if shift:
                peak = np.clip((xi - mq) / shift, 0.0, 1.0)
                edges = np.sort(np.clip(np.concatenate([edges, peak - steps, peak + steps], axis=1), 0.0, 1.0), axis=1)
            for _ in range(level):
                edges = _bisected(edges)
            eps, eps_w = _panel_nodes(edges)
            scale = np.hypot(eps * sp, (1.0 - eps) * sq)
            z = (xi - (eps * mp + (1.0 - eps) * mq)) / scale
            rho[i : i + block] += wp * wq * np.sum(eps_w * np.exp(-0.5 * z * z) / scale, axis=1) / np.sqrt(2.0 * np.pi)
    return rho


def penalty_optimum(P, Q, weight=10.0, *, rtol=1e-10) -> float:
    r"""The dual value :math:`\mathbb{E}_P f - \mathbb{E}_Q f` of the best critic under a gradient penalty (either form).

    Parameters
    ----------
    P, Q : Normal or Mixture of Normals
        The data and the generator's law (1-D).
    weight : float
        The penalty's weight :math:`\lambda > 0`.
    rtol : float
        Relative tolerance on the penalty's excess
        :math:`\int D^2/\rho\,dx` (and so on the value): the quadrature is
        refined until two successive refinements agree to ``rtol``.

    Returns
    -------
    float
        :math:`W_1(P, Q) + \frac{1}{2\lambda}\int \frac{(F_Q(x) - F_P(x))^2}{\rho(x)}\,dx`,
        where :math:`\rho` is the density of the interpolates
        :math:`\epsilon X + (1 - \epsilon) Y`, :math:`X \sim P`, :math:`Y \sim Q`,
        :math:`\epsilon \sim U[0, 1]`.

    Warns
    -----
    AccuracyWarning
        When four bisections of every panel leave two successive estimates
        further apart than ``rtol`` (the message gives the difference); the
        finer estimate is returned.

    Notes
    -----
    The critic maximizes :math:`\int f'(x)\,D(x)\,dx - \lambda \int (|f'(x)| - 1)^2 \rho(x)\,dx`
    with :math:`D = F_Q - F_P` (integration by parts, as in :func:`optimal_critic`).
    The integrand depends on :math:`f'(x)` alone, so it is maximized point by point:
    :math:`f'(x) = \operatorname{sign} D(x)\,(1 + |D(x)|/(2\lambda\rho(x)))`, steeper than
    :math:`f^*` wherever :math:`D \ne 0`, and the dual value is

    .. math:: \int f' D\,dx = W_1 + \frac{1}{2\lambda}\int \frac{D^2}{\rho}\,dx
              \ \ge\ W_1 + \frac{W_1^2}{2\lambda}

    (Cauchy–Schwarz with :math:`\int\rho = 1`). The one-sided penalty
    :math:`\lambda\,\mathbb{E}\max(0, |f'| - 1)^2` has the same maximizer (the
    optimal slope has :math:`|f'| \ge 1`), hence the same value. So a critic
    trained with a penalty overestimates :math:`W_1`, by a relative amount of
    order :math:`W_1/(2\lambda)`; the bias vanishes as :math:`\lambda \to \infty`.
    This assumes the network can take the optimal slope.

    For a mixture of normals :math:`\rho(x)` is an integral over
    :math:`\epsilon` of normal densities with mean
    :math:`\epsilon\mu_P + (1 - \epsilon)\mu_Q` and variance
    :math:`\epsilon^2\sigma_P^2 + (1 - \epsilon)^2\sigma_Q^2`. Both integrals
    (in :math:`\epsilon`, then in :math:`x` over every component's mean
    :math:`\pm 12` s.d., beyond which the integrand is below
    :math:`\varphi(12) \approx 10^{-32}` relative) are composite Gauss–Legendre
    rules, 10 nodes a panel, on 16 even panels refined by panels graded
    geometrically (ratio 2): in :math:`x` about each component's mean, from a
    quarter of the smallest scale out to the whole span; in :math:`\epsilon`
    towards both ends, down to a quarter of the smallest ratio of scales
    (where the interpolates' scale turns), and, for each pair of components
    with means :math:`\mu_P \ne \mu_Q`, about the :math:`\epsilon` whose mean
    is :math:`x` (where the integrand peaks, with width at least
    :math:`\min(\sigma_P, \sigma_Q)/(\sqrt2\,|\mu_P - \mu_Q|)`), down to a
    quarter of that width. Every panel is bisected until two successive
    estimates agree to ``rtol``; laws whose scales differ by :math:`10^4`
    (whose excess a uniform grid of 4,001 points missed by
    :math:`3\cdot10^{-4}`) converge as fast as equal ones. :math:`D` is
    computed as :math:`S_P - S_Q` right of the
    laws' centre, so the tails carry no cancellation error. Cost: the
    normal densities grow 4x per level; N(3, 1) against N(0, 1), scales
    :math:`10^4` or :math:`10^8` apart, means 10,000 s.d. apart and the
    bimodal mixtures of the tests all stop after one bisection, with up to
    a few million densities per pair of components (under 0.1 s each, measured).

    Examples
    --------
    >>> import gantheory as gt
    >>> v = penalty_optimum(gt.Normal(3, 1), gt.Normal(0, 1), weight=10.0)
    >>> round(v, 3), 3 * (1 + 3 / 20)          # above the best linear critic's W1 (1 + W1 / 2 lambda)
    (3.463, 3.45)
    """
    _check_1d_pair(P, Q)
    comps_p, comps_q = _normal_components(P, "P"), _normal_components(Q, "Q")
    if not weight > 0:
        raise ValueError(f"weight must be > 0, got {weight}")
    if not 0 < rtol < 1:
        raise ValueError(f"rtol must be in (0, 1), got {rtol}")
    comps = comps_p + comps_q
    means = [m for _, m, _ in comps]
    scales = np.array([sd for _, _, sd in comps])
    small, large = float(scales.min()), float(scales.max())
    lo = min(m - 12.0 * sd for _, m, sd in comps)
    hi = max(m + 12.0 * sd for _, m, sd in comps)
    x_edges = _graded_edges(lo, hi, means, small / 4.0, hi - lo)
    eps_edges = _graded_edges(0.0, 1.0, [0.0, 1.0], small / large / 4.0, 1.0)
    centre = float(np.mean(means))  # D = F_Q - F_P left of it, S_P - S_Q right of it
    previous = None
    for level in range(_LEVELS + 1):
        x, x_w = _panel_nodes(x_edges)
        rho = _interpolates_density(comps_p, comps_q, x, eps_edges, level)
        d = np.where(x <= centre, Q.cdf(x) - P.cdf(x), P.sf(x) - Q.sf(x))
        with np.errstate(over="ignore"):  # an overflowing ratio makes the estimate inf: not converged, so it warns
            excess = float(x_w @ np.divide(d * d, rho, out=np.zeros_like(x), where=rho > 0))
        if previous is not None and abs(excess - previous) <= rtol * abs(excess):
            break
        if level < _LEVELS:
            previous, x_edges = excess, _bisected(x_edges)
    else:
        warnings.warn(
            f"penalty_optimum: two successive refinements of the excess integral differ by "
            f"{abs(excess - previous):.2e} (relative {abs(excess - previous) / abs(excess):.2e} > rtol = {rtol:g})",
            AccuracyWarning,
            stacklevel=2,
        )
    return float(exact.w1(P, Q) + excess / (2.0 * weight))


# -- several constraints side by side, and WGAN's Figure 2 ----------------------

#: The critics compared by default: (constraint, its settings).
DEFAULT_CRITICS = (
    ("weight_clipping", {"c": 0.01}),
    ("weight_clipping", {"c": 0.1}),
    ("gradient_penalty", {"weight": 10.0}),
    ("spectral_norm", {}),
)


def critic_label(constraint, c=0.01, weight=10.0):
    """A short legend label for a constraint and its parameter, e.g. ``"clipping c = 0.01"``.

    Examples
    --------
    >>> critic_label("gradient_penalty", weight=10.0)
    'gradient penalty λ = 10'
    """
    _check_constraint(constraint)
    if constraint == "weight_clipping":
        return f"clipping c = {c:g}"
    if constraint == "gradient_penalty":
        return f"gradient penalty λ = {weight:g}"
    if constraint == "one_sided_penalty":
        return f"one-sided penalty λ = {weight:g}"
    return constraint.replace("_", " ")


def _critic_specs(critics):
    specs = []
    for item in critics:
        if isinstance(item, str):
            item = (item, {})
        try:
            constraint, settings = item
            settings = dict(settings)
        except (TypeError, ValueError):
            raise TypeError(
                f"each critic must be a constraint name or a pair (constraint, settings dict), got {item!r}"
            ) from None
        _check_constraint(constraint)
        unknown = set(settings) - {"c", "weight"}
        if unknown:
            raise ValueError(f"a critic's settings may hold 'c' and 'weight' only, got {sorted(unknown)}")
        specs.append((constraint, settings))
    if not specs:
        raise ValueError("critics must name at least one constraint")
    return specs


def compare_constraints(P, Q, critics=DEFAULT_CRITICS, *, steps=1000, rng=0, **options) -> dict:
    """Run :func:`critic_convergence` once per critic, all with one seed; return ``{label: CriticConvergence}``.

    Parameters
    ----------
    P, Q : Distribution
        1-D laws.
    critics : sequence
        Constraint names or pairs ``(constraint, {"c": ..., "weight": ...})``;
        default :data:`DEFAULT_CRITICS` (clipping at 0.01 and 0.1, the gradient
        penalty with λ = 10, spectral normalization).
    steps, rng, **options
        Passed to :func:`critic_convergence` for every critic (the same seed:
        the same initial network, batches and held-out samples for all).

    Examples
    --------
    >>> import gantheory as gt
    >>> runs = compare_constraints(gt.Normal(3, 1), gt.Normal(0, 1), ["spectral_norm"], steps=50, log_every=50, n_eval=500)
    >>> list(runs), runs["spectral norm"].steps
    (['spectral norm'], array([ 0, 50]))
    """
    runs = {}
    for constraint, settings in _critic_specs(critics):
        label = critic_label(constraint, **settings)
        runs[label] = critic_convergence(P, Q, constraint, steps=steps, rng=rng, **settings, **options)
    return runs


@dataclass(frozen=True)
class CriticLandscape:
    r"""In the spirit of WGAN's Figure 2: :math:`D^*`, :math:`f^*` and trained critics on one grid; made by :func:`critic_landscape`.

    Attributes
    ----------
    P, Q : Distribution
        The data and the generator's law.
    grid : ndarray, shape (m,)
    p, q : ndarray, shape (m,)
        The densities on ``grid``.
    discriminator, discriminator_slope : ndarray, shape (m,)
        :math:`D^* = p/(p+q)` and :math:`|dD^*/dx|` on ``grid``.
    fake_slope : float
        :math:`\max |dD^*/dx|` over the central 98% of :math:`Q` (between its
        1% and 99% quantiles): how much gradient the generator's samples get from :math:`D^*`.
    optimal : ndarray, shape (m,)
        :math:`f^*` on ``grid``.
    critics, critic_slopes : dict of str to ndarray, shape (m,)
        Each trained critic (aligned to :math:`f^*` by a constant) and :math:`|f'|`
        on ``grid`` (central differences of the piecewise-linear ReLU critic).
    w1 : float
    runs : dict of str to CriticConvergence
        The training runs behind ``critics``.
    """

    P: Distribution
    Q: Distribution
    grid: np.ndarray
    p: np.ndarray
    q: np.ndarray
    discriminator: np.ndarray
    discriminator_slope: np.ndarray
    fake_slope: float
    optimal: np.ndarray
    critics: dict
    critic_slopes: dict
    w1: float
    runs: dict


def critic_landscape(P=None, Q=None, critics=DEFAULT_CRITICS, *, steps=1000, rng=0, **options) -> CriticLandscape:
    r"""In the spirit of WGAN's Figure 2: the exact, saturated :math:`D^*` beside :math:`f^*` and trained critics, between far-apart laws.

    Parameters
    ----------
    P, Q : Distribution, optional
        1-D data and generator laws; default :math:`N(3, 0.5^2)` and
        :math:`N(-3, 0.5^2)` (far apart: :math:`W_1 = 6`).
    critics, steps, rng, **options
        As :func:`compare_constraints`.

    Returns
    -------
    CriticLandscape

    Notes
    -----
    Between laws with (almost) disjoint mass, :math:`D^* = \sigma(\log p - \log q)`
    is 0 on the generator's mass and 1 on the data's, so its slope
    :math:`D^*(1 - D^*)\,(\log p - \log q)'` vanishes where the generator's
    samples are (``fake_slope``), and the generator gets no gradient from it:
    Arjovsky et al.'s Figure 2 [1]_ ("the discriminator of a minimax GAN
    saturates and results in vanishing gradients"). A Lipschitz critic keeps a
    slope of about 1 everywhere between the laws, as :math:`f^*` does
    (:math:`f^{*\prime} = \pm 1` wherever :math:`F_P \ne F_Q`).

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017, Figure 2.

    Examples
    --------
    >>> land = critic_landscape(critics=["spectral_norm"], steps=300, log_every=100, n_eval=1000)
    >>> bool(land.fake_slope < 1e-15), land.w1                 # D* gives the fake samples no gradient
    (True, 6.0)
    >>> bool(land.runs["spectral norm"].estimate[-1] > 0.9 * land.w1)   # the critic's slope stays about 1
    True
    """
    P = Normal(3.0, 0.5) if P is None else P
    Q = Normal(-3.0, 0.5) if Q is None else Q
    _check_1d_pair(P, Q)
    runs = compare_constraints(P, Q, critics, steps=steps, rng=rng, **options)
    first = next(iter(runs.values()))
    grid = first.grid
    star = optimal_discriminator(P, Q)
    d = star(grid)
    # |dD*/dx| = D*(1 - D*) |d logit / dx|, the first factor in log space (it underflows gracefully)
    logit_slope = np.gradient(star.logit(grid), grid)
    slope = np.exp(star.log_d(grid) + star.log_one_minus_d(grid)) * np.abs(logit_slope)
    lo, hi = Q.ppf(0.01), Q.ppf(0.99)
    inside = (grid >= lo) & (grid <= hi)
    fake_slope = float(np.max(slope[inside])) if inside.any() else float(np.max(slope))
    critics_on_grid = {label: run.critic[-1] for label, run in runs.items()}
    slopes = {label: np.abs(np.gradient(f, grid)) for label, f in critics_on_grid.items()}
    return CriticLandscape(
        P,
        Q,
        grid,
        P.pdf(grid),
        Q.pdf(grid),
        d,
        slope,
        fake_slope,
        first.optimal,
        critics_on_grid,
        slopes,
        first.w1,
        runs,
    )
