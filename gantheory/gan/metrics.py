r"""What :func:`gantheory.gan.train` logs, and mode coverage measured the way the papers measure it.

:func:`logged_metrics` computes, at a logged step, the distances of the
generated points from a fixed target sample: ``"w1"`` (1-D, by sorting) or
``"sliced_w1"`` (2-D), ``"energy_distance"``, the kNN JSD ``"js_knn"`` and its
noise floor, the exact JSD and W1 for an affine generator on an analytic 1-D
target, and for a mixture of isotropic normals the mode metrics of
:func:`mode_coverage` (``"modes"``, ``"high_quality"``, ``"reverse_kl"``) and
its k-NN ``"precision"`` and ``"recall"``. A metric that cannot be computed is
NaN with its reason: no metric ends a run.

:func:`mode_coverage` counts, for a target that is a mixture of isotropic
normals (:func:`gantheory.ring_of_gaussians`, :func:`gantheory.grid_of_gaussians`),
how many generated samples land near each mode: the modes covered, the share
of high-quality samples and the reverse KL of the generated mode histogram to
the mixture's weights (Srivastava et al. 2017, VEEGAN; Lin et al. 2018, PacGAN);
beside them, the k-NN precision and recall (Kynkäänniemi et al. 2019) and density
and coverage (Naeem et al. 2020) of the samples against a fixed sample of the
target: a collapsed generator has high precision and low recall.
The experiments that train GANs and tabulate these numbers are in
:mod:`gantheory.gan.modes`.

Examples
--------
>>> import math
>>> import gantheory as gt
>>> from gantheory.gan.metrics import mode_coverage
>>> ring = gt.ring_of_gaussians(8)
>>> c = mode_coverage(ring.sample(2500, rng=0), ring)    # the target itself
>>> c.modes, c.n_modes, round(c.high_quality, 3), round(1 - math.exp(-9 / 2), 3)   # a 2-D normal within 3 sd
(8, 8, 0.993, 0.989)
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from gantheory._validation import as_samples, check_positive_int
from gantheory.distributions import Mixture, MultivariateNormal, Normal
from gantheory.divergences import empirical, evaluation, exact
from gantheory.gan.players import AffineGenerator

__all__ = [
    "JS_FLOOR_REPEATS",
    "MODE_METRICS",
    "MODE_SAMPLES",
    "REFERENCE_SEED",
    "ModeCoverage",
    "isotropic_modes",
    "js_knn",
    "logged_metrics",
    "mode_coverage",
    "mode_target",
]

CHUNK_ENTRIES = 2**20  # samples x modes distances held at once by mode_coverage
ISOTROPY_RTOL = 1e-9  # a component's covariance must be s^2 I within this (relative to s^2)
#: A sample at distance r from its mode's centre is high quality when r <= n_sd s (1 + BOUNDARY_RTOL): points placed
#: at exactly n_sd standard deviations count, whatever the rounding of their coordinates (about 1e-16 of the centre's
#: norm) and of the distance.
BOUNDARY_RTOL = 1e-9
ASSIGNMENTS = ("euclidean", "standardized")
#: Generated points of the logged mode metrics, at least (the papers' count: VEEGAN, PacGAN).
MODE_SAMPLES = 2500
#: Data-against-data kNN JSDs whose largest is the logged noise floor (``"js_knn_floor"``).
JS_FLOOR_REPEATS = 10
#: Seed of the target sample that :class:`ModeCoverage`'s precision, recall, density and coverage compare with.
REFERENCE_SEED = 0


# ==============================================================================
# Mode coverage
# ==============================================================================
@dataclass(frozen=True)
class ModeCoverage:
    """How generated samples cover the modes of a mixture (what :func:`mode_coverage` returns).

    Attributes
    ----------
    counts : tuple of int
        Per mode (in the order of ``target.components``), the high-quality
        samples assigned to it: those whose nearest mode centre is this one
        and which lie within ``n_sd`` of its standard deviations.
    n : int
        Samples counted (high quality or not).
    modes : int
        Modes covered: modes with at least ``min_count`` high-quality samples.
    n_modes : int
        Modes of the target (8 for the ring, 25 for the grid).
    high_quality : float
        The share of high-quality samples, ``sum(counts) / n``, in [0, 1].
    reverse_kl : float
        :math:`\\mathrm{KL}(q \\,\\|\\, w) = \\sum_i q_i \\log(q_i / w_i)` in nats,
        with :math:`q = \\text{counts} / \\sum \\text{counts}` the generated mode
        histogram (high-quality samples only) and :math:`w` the target's
        weights; 0 when the high-quality samples are spread as the weights,
        :math:`\\log K` when they all sit on one of K equal-weight modes. NaN
        when there is no high-quality sample (the histogram is undefined).
    n_sd : float
        The high-quality radius, in standard deviations.
    min_count : int
        High-quality samples a mode needs to count as covered.
    samples : ndarray of shape (n, d)
        The samples counted (not compared by ``==``, not shown by ``repr``).
    target : Mixture
        The target (not compared by ``==``, not shown by ``repr``).

    Notes
    -----
    ``precision``, ``recall`` and ``density_coverage`` compare ``samples``
    with a sample of ``target`` of the same size n drawn with the fixed seed
    :data:`REFERENCE_SEED` (``reference``): the same samples always get the
    same values. They are computed when first read (they cost k-d tree
    searches, about 10 ms at n = 2500), then kept.
    """

    counts: tuple
    n: int
    modes: int
    n_modes: int
    high_quality: float
    reverse_kl: float
    n_sd: float
    min_count: int
    samples: np.ndarray = field(default=None, repr=False, compare=False)
    target: Mixture = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def reference(self) -> np.ndarray:
        """``n`` points of the target, drawn with the seed :data:`REFERENCE_SEED` (shape ``(n, d)``)."""
        x = np.asarray(self.target.sample(self.n, rng=REFERENCE_SEED), dtype=np.float64)
        return x.reshape(self.n, -1)

    @functools.cached_property
    def _precision_recall(self):
        if self.n <= 3:
            return None
        return evaluation.precision_recall(self.reference, self.samples, k=3)

    @property
    def precision(self) -> float:
        """k-NN precision (k = 3, :func:`gantheory.divergences.evaluation.precision_recall`) against ``reference``.

        The share of the samples inside the target sample's k-NN balls; NaN for n <= 3.
        """
        pr = self._precision_recall
        return math.nan if pr is None else pr.precision

    @property
    def recall(self) -> float:
        """k-NN recall (k = 3): the share of ``reference`` inside the samples' k-NN balls; NaN for n <= 3."""
        pr = self._precision_recall
        return math.nan if pr is None else pr.recall

    @functools.cached_property
    def density_coverage(self):
        """:func:`~gantheory.divergences.evaluation.density_coverage` (k = 5) against ``reference``; None for n <= 5."""
        if self.n <= 5:
            return None
        return evaluation.density_coverage(self.reference, self.samples, k=5)


def isotropic_modes(target):
    """The centres ``(k, d)``, standard deviations ``(k,)`` and weights ``(k,)`` of a mixture of isotropic normals."""
    if not isinstance(target, Mixture):
        raise TypeError(
            f"target must be a gantheory Mixture of isotropic normals (e.g. gt.ring_of_gaussians(8)), got {type(target).__name__}"
        )
    centres, scales = [], []
    for i, c in enumerate(target.components):
        if isinstance(c, Normal):
            centres.append([c.loc])
            scales.append(c.scale)
        elif isinstance(c, MultivariateNormal):
            cov = c.cov
            s2 = cov[0, 0]
            if abs(cov[1, 1] - s2) > ISOTROPY_RTOL * s2 or abs(cov[0, 1]) > ISOTROPY_RTOL * s2:
                raise ValueError(
                    f"target's component {i} is not isotropic (cov {cov.tolist()}); mode_coverage needs covariances s^2 I"
                )
            centres.append(c.mean.tolist())
            scales.append(math.sqrt(s2))
        else:
            raise TypeError(
                f"target's component {i} is a {type(c).__name__}; mode_coverage needs normal components (Normal or isotropic MultivariateNormal)"
            )
    return (
        np.array(centres, dtype=np.float64),
        np.array(scales, dtype=np.float64),
        np.asarray(target.weights, dtype=np.float64),
    )


def _reverse_kl(counts, weights) -> float:
    """:math:`\\sum_i q_i \\log(q_i / w_i)` of the histogram ``counts / sum(counts)``; NaN for an empty histogram."""
    total = counts.sum()
    if total == 0:
        return math.nan
    q = counts / total
    hit = q > 0
    if (weights[hit] == 0).any():
        return math.inf
    return float(np.sum(q[hit] * np.log(q[hit] / weights[hit])))


def mode_coverage(samples, target, n_sd=3, *, min_count=1, assign="euclidean") -> ModeCoverage:
    r"""Count the modes of ``target`` that ``samples`` cover, each sample assigned to its nearest mode centre (Euclidean by default).

    Each sample is assigned to the mode whose centre is nearest: in Euclidean
    distance by default, in standard deviations of each mode with
    ``assign="standardized"`` (which differs only when the scales differ); it
    is *high quality* when it lies within ``n_sd`` standard deviations of that
    centre, the boundary included. A mode is *covered* when at least
    ``min_count`` high-quality samples are assigned to it.

    Parameters
    ----------
    samples : array_like of shape (n, d), or (n,) in 1-D
        Generated points, finite, at least one; ``d`` the target's dimension.
    target : Mixture
        A mixture of isotropic normals: :class:`~gantheory.Normal` components
        in 1-D, :class:`~gantheory.MultivariateNormal` components with
        covariance :math:`s_i^2 I` in 2-D (the scale may differ between
        components), such as :func:`gantheory.ring_of_gaussians` and
        :func:`gantheory.grid_of_gaussians`.
    n_sd : float
        The high-quality radius in standard deviations (3 in [1]_ and [2]_).
    min_count : int, keyword-only
        High-quality samples a mode needs to be covered (1, as [1]_ and [2]_'s code).
    assign : {"euclidean", "standardized"}, keyword-only
        The nearest mode: smallest :math:`\|x - \mu_i\|` (default, [1]_'s
        wording) or smallest :math:`\|x - \mu_i\| / s_i` ([2]_'s code). The
        same for equal scales (the ring, the grid); with unequal ones a
        sample between a wide and a narrow mode can be many of the narrow
        one's standard deviations from it yet within the wide one's:
        ``"standardized"`` then assigns it to the wide mode, as high quality.

    Returns
    -------
    ModeCoverage
        ``counts`` per mode, ``modes`` covered, ``high_quality`` share,
        ``reverse_kl`` of the mode histogram to the weights, and ``n``; and,
        computed when read, the k-NN ``precision`` and ``recall`` ([4]_) and
        ``density_coverage`` ([5]_) against a target sample of n points drawn
        with the fixed seed :data:`REFERENCE_SEED` (``reference``).

    Raises
    ------
    TypeError
        ``target`` is not a :class:`~gantheory.Mixture` of normals; ``samples``
        is not real numbers; ``min_count`` is not an int.
    ValueError
        A component is not isotropic; ``samples`` is empty, holds NaN or inf,
        or has the wrong dimension; ``n_sd`` is not a finite number > 0;
        ``assign`` is not one of its names.

    Notes
    -----
    The definitions are those of the 2-D ring and grid experiments of [1]_
    and [2]_:

    * **High quality** ([1]_, synthetic data): "within three standard deviations
      of the nearest mode". [2]_'s code uses the same threshold
      (``dis_thre=3`` in ``MetricLogger``, ``fjxmlzn/PacGAN``); it measures
      the distance in standard deviations, :math:`\|x - \mu_i\| / s_i`, and picks the nearest
      mode in those units, which is the same mode as the Euclidean nearest
      when all scales are equal (the ring and the grid). Here the nearest
      centre is Euclidean, as [1]_ words it, unless ``assign="standardized"``.
    * **The boundary** is included: :math:`\|x - \mu_i\| \le n_{sd}\, s_i`,
      tested as :math:`\|x - \mu_i\|^2 \le (n_{sd}\, s_i)^2 (1 + 10^{-9})^2`
      (:data:`BOUNDARY_RTOL`), so that points placed at exactly ``n_sd``
      standard deviations count despite rounding (without the allowance,
      only 53 of 128 such points on the ring did). A point farther than
      :math:`10^{-9}` of the radius outside is not high quality.
    * **Modes captured** ([1]_): "the number of mixture components whose mean
      is nearest to at least one high quality sample", i.e. ``min_count=1``;
      [2]_'s code counts the modes with a nonzero count, the same thing.
      Raise ``min_count`` for a stricter notion (a single stray sample then
      no longer covers a mode).
    * **Reverse KL** ([2]_, Table 1, "reverse KL"): here the KL divergence
      from the generated distribution over the modes (the normalized
      ``counts``, high-quality samples only) to the true one (the weights,
      uniform for the ring and the grid), :math:`\mathrm{KL}(q\|w)`: *reverse*
      because the generated law is in the first slot. The formula behind [2]_'s
      column could not be checked (its code's ``MetricLogger`` logs the
      per-mode counts and a JSD of the normalized counts to the uniform
      weights, not a KL); [1]_ reports no KL for the 2-D targets. It sees how
      evenly the covered modes are filled, which the mode count does not; it
      does not see the low-quality samples, which ``high_quality`` does.
    * [3]_ trains on the ring and shows its collapse, and unrolling's
      remedy, as pictures of the samples; the counts above come from [1]_.

    The papers count 2500 generated samples per trained model ([1]_), at the
    end of training, averaged over 5 ([1]_) or 10 ([2]_) runs. Cost
    :math:`O(nKd)` time for n samples and K modes, in chunks of bounded memory.

    References
    ----------
    .. [1] A. Srivastava, L. Valkov, C. Russell, M. U. Gutmann and C. Sutton,
       "VEEGAN: Reducing mode collapse in GANs using implicit variational
       learning", NeurIPS 2017, synthetic-data experiments and Table 1;
       the definitions as on the project page github.com/akashgit/VEEGAN.
    .. [2] Z. Lin, A. Khetan, G. Fanti and S. Oh, "PacGAN: The power of two
       samples in generative adversarial networks", NeurIPS 2018, synthetic-data
       experiments; code: github.com/fjxmlzn/PacGAN.
    .. [3] L. Metz, B. Poole, D. Pfau and J. Sohl-Dickstein, "Unrolled
       generative adversarial networks", ICLR 2017 (the ring of Gaussians).
    .. [4] T. Kynkäänniemi, T. Karras, S. Laine, J. Lehtinen and T. Aila,
       "Improved precision and recall metric for assessing generative
       models", NeurIPS 2019.
    .. [5] M. F. Naeem, S. J. Oh, Y. Uh, Y. Choi and J. Yoo, "Reliable
       fidelity and diversity metrics for generative models", ICML 2020.

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> import gantheory as gt
    >>> from gantheory.gan.metrics import mode_coverage
    >>> ring = gt.ring_of_gaussians(8)        # radius 2, sd 0.02
    >>> centres = np.array([c.mean for c in ring.components])
    >>> x = np.concatenate([np.repeat(centres[:2], [30, 10], axis=0), [[0.0, 0.0]]])
    >>> c = mode_coverage(x, ring)
    >>> c.counts, c.modes, c.n, round(c.high_quality, 4)
    ((30, 10, 0, 0, 0, 0, 0, 0), 2, 41, 0.9756)
    >>> round(c.reverse_kl, 4), round(0.75 * math.log(6) + 0.25 * math.log(2), 4)
    (1.5171, 1.5171)

    Beside the mode counts, the k-NN precision and recall against a target
    sample: a generator collapsed onto 2 of the 8 modes is precise but not
    diverse (recall about 2/8), the target itself is both.

    >>> from gantheory.divergences.evaluation import collapsed_ring
    >>> c = mode_coverage(collapsed_ring(6).sample(2500, rng=1), ring)
    >>> c.modes, round(c.precision, 2), round(c.recall, 2)
    (2, 0.98, 0.23)
    >>> c = mode_coverage(ring.sample(2500, rng=1), ring)
    >>> c.modes, round(c.precision, 2), round(c.recall, 2)
    (8, 0.98, 0.98)
    """
    centres, scales, weights = isotropic_modes(target)
    k, d = centres.shape
    x = as_samples(samples, "samples", np, ndims=(1, 2))
    if x.ndim == 1:
        if d != 1:
            raise ValueError(f"samples must have shape (n, {d}) for a {d}-D target, got shape {x.shape}")
        x = x[:, None]
    if x.shape[1] != d:
        raise ValueError(f"samples must have shape (n, {d}) for a {d}-D target, got shape {x.shape}")
    if isinstance(n_sd, bool) or not isinstance(n_sd, numbers.Real):
        raise TypeError(f"n_sd must be a real number of standard deviations, got {n_sd!r}")
    n_sd = float(n_sd)
    if not (math.isfinite(n_sd) and n_sd > 0):
        raise ValueError(f"n_sd must be a finite number > 0 (3 in the papers), got {n_sd}")
    min_count = check_positive_int(min_count, "min_count")
    if assign not in ASSIGNMENTS:
        raise ValueError(
            f"assign must be one of {ASSIGNMENTS} (the nearest mode in distance, or in its standard deviations), got {assign!r}"
        )
    radius2 = (n_sd * scales * (1 + BOUNDARY_RTOL)) ** 2  # the boundary included, with an allowance for rounding

    n = len(x)
    counts = np.zeros(k, dtype=np.int64)
    chunk = max(1, CHUNK_ENTRIES // k)  # bounded memory
    for start in range(0, n, chunk):
        part = x[start : start + chunk]
        dist2 = ((part[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1)
        nearest = (dist2 / scales**2 if assign == "standardized" else dist2).argmin(axis=1)
        good = dist2[np.arange(len(part)), nearest] <= radius2[nearest]
        counts += np.bincount(nearest[good], minlength=k)
    return ModeCoverage(
        counts=tuple(int(c) for c in counts),
        n=n,
        modes=int((counts >= min_count).sum()),
        n_modes=k,
        high_quality=float(counts.sum() / n),
        reverse_kl=_reverse_kl(counts.astype(np.float64), weights),
        n_sd=n_sd,
        min_count=min_count,
        samples=x,
        target=target,
    )


# ==============================================================================
# The logged metrics
# ==============================================================================
def js_knn(x, reference):
    """The logged kNN JSD estimate (k = 5) of generated points ``x`` from the target sample; ValueError without spread."""
    if np.ptp(x, axis=0).min() == 0:
        raise ValueError("the generated points have no spread along an axis (no density): the kNN JSD is undefined")
    return empirical.js_divergence(x, reference, k=5)


def logged_metrics(x, reference, dim, analytic, G, modes_target=None, x_modes=None, js_floor=None):
    """``(values, notes)``: the distances of ``x`` (generated) from the fixed target sample, and exact ones if known.

    With ``modes_target`` (a mixture of isotropic normals) also ``modes``, ``high_quality``, ``reverse_kl``,
    ``precision`` and ``recall`` (k = 3) of :func:`mode_coverage` (3 standard deviations) on ``x_modes`` (more
    generated points, ``x`` first; precision and recall against a target sample of as many points, seed
    :data:`REFERENCE_SEED`). ``js_floor``: a callable giving the kNN JSD's noise floor (``js_knn_floor``). A metric that cannot be
    computed is NaN, with the reason in ``notes``: no metric ever ends a run.
    """
    x64, reference = x.astype(np.float64), reference.astype(np.float64)
    flat = (lambda a: a[:, 0]) if dim == 1 else (lambda a: a)  # noqa: E731
    metrics = (
        {"w1": lambda: empirical.w1(x64[:, 0], reference[:, 0])}
        if dim == 1
        else {"sliced_w1": lambda: empirical.sliced_w1(x64, reference, n_projections=64, rng=0)}
    )
    metrics["energy_distance"] = lambda: empirical.energy_distance(flat(x64), flat(reference))
    metrics["js_knn"] = lambda: js_knn(x64, reference)
    if js_floor is not None:
        metrics["js_knn_floor"] = js_floor
    if analytic is not None and isinstance(G, AffineGenerator):
        metrics["exact_js"] = lambda: exact.js_divergence(G.distribution(), analytic)
        metrics["exact_w1"] = lambda: exact.w1(G.distribution(), analytic)
    if modes_target is not None:
        x_modes = x64 if x_modes is None else x_modes.astype(np.float64)
        coverage = functools.cache(lambda: mode_coverage(x_modes, modes_target, n_sd=3))
        metrics["modes"] = lambda: coverage().modes
        metrics["high_quality"] = lambda: coverage().high_quality
        metrics["reverse_kl"] = lambda: _logged_reverse_kl(coverage())
        metrics["precision"] = lambda: coverage().precision
        metrics["recall"] = lambda: coverage().recall
    values, notes = {}, {}
    finite = {False: bool(np.isfinite(x64).all()), True: x_modes is None or bool(np.isfinite(x_modes).all())}
    for name, compute in metrics.items():
        if name != "js_knn_floor" and not finite[name in MODE_METRICS]:
            values[name], notes[name] = math.nan, "the generated points are not all finite"
            continue
        try:
            values[name] = float(compute())
        except Exception as exc:  # noqa: BLE001 -- a metric must never end a run: record why it is missing
            values[name], notes[name] = math.nan, f"{type(exc).__name__}: {exc}"
    return values, notes


#: The logged metrics computed on the mode samples (``x_modes``).
MODE_METRICS = ("modes", "high_quality", "reverse_kl", "precision", "recall")


def _logged_reverse_kl(coverage):
    if math.isnan(coverage.reverse_kl):
        raise ValueError("no generated point lies within 3 standard deviations of a mode: the mode histogram is empty")
    return coverage.reverse_kl


def mode_target(analytic, reference):
    """``analytic`` if :func:`mode_coverage` applies to it (a mixture of isotropic normals), else None."""
    if not isinstance(analytic, Mixture):
        return None
    try:
        mode_coverage(reference.astype(np.float64), analytic)
    except (TypeError, ValueError):
        return None
    return analytic
