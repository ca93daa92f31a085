r"""Mode collapse, measured the way the papers measure it.

:func:`mode_coverage` counts, for a target that is a mixture of isotropic
normals (:func:`gantheory.ring_of_gaussians`, :func:`gantheory.grid_of_gaussians`),
how many generated samples land near each mode: the modes covered, the share
of high-quality samples and the reverse KL of the generated mode histogram to
the mixture's weights (Srivastava et al. 2017, VEEGAN; Lin et al. 2018, PacGAN).
:func:`mode_collapse_table` trains GANs with several remedies (options of
:func:`gantheory.gan.train`: ``unroll``, ``pack``, ``minibatch_std``, ``r1``,
the losses) on such targets over several seeds and tabulates those numbers
(:data:`METHODS`, :data:`TARGETS`); ``benchmarks/bench_modes.py`` prints the
table beside the published rows.

Examples
--------
>>> import math
>>> import gantheory as gt
>>> from gantheory.gan.modes import mode_coverage
>>> ring = gt.ring_of_gaussians(8)
>>> c = mode_coverage(ring.sample(2500, rng=0), ring)    # the target itself
>>> c.modes, c.n_modes, round(c.high_quality, 3), round(1 - math.exp(-9 / 2), 3)   # a 2-D normal within 3 sd
(8, 8, 0.993, 0.989)
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from gantheory._rng import as_seed
from gantheory._validation import as_samples, check_positive_int
from gantheory.distributions import Mixture, MultivariateNormal, Normal, grid_of_gaussians, ring_of_gaussians

__all__ = ["ModeCoverage", "mode_coverage", "ModeCollapseRow", "ModeCollapseTable", "mode_collapse_table", "METHODS", "TARGETS", "run_seeds"]

CHUNK_ENTRIES = 2**20  # samples x modes distances held at once by mode_coverage
ISOTROPY_RTOL = 1e-9  # a component's covariance must be s^2 I within this (relative to s^2)
#: A sample at distance r from its mode's centre is high quality when r <= n_sd s (1 + BOUNDARY_RTOL): points placed
#: at exactly n_sd standard deviations count, whatever the rounding of their coordinates (about 1e-16 of the centre's
#: norm) and of the distance.
BOUNDARY_RTOL = 1e-9
ASSIGNMENTS = ("euclidean", "standardized")


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
    """

    counts: tuple
    n: int
    modes: int
    n_modes: int
    high_quality: float
    reverse_kl: float
    n_sd: float
    min_count: int


def _isotropic_modes(target):
    """The centres ``(k, d)``, standard deviations ``(k,)`` and weights ``(k,)`` of a mixture of isotropic normals."""
    if not isinstance(target, Mixture):
        raise TypeError(f"target must be a gantheory Mixture of isotropic normals (e.g. gt.ring_of_gaussians(8)), got {type(target).__name__}")
    centres, scales = [], []
    for i, c in enumerate(target.components):
        if isinstance(c, Normal):
            centres.append([c.loc])
            scales.append(c.scale)
        elif isinstance(c, MultivariateNormal):
            cov = c.cov
            s2 = cov[0, 0]
            if abs(cov[1, 1] - s2) > ISOTROPY_RTOL * s2 or abs(cov[0, 1]) > ISOTROPY_RTOL * s2:
                raise ValueError(f"target's component {i} is not isotropic (cov {cov.tolist()}); mode_coverage needs covariances s^2 I")
            centres.append(c.mean.tolist())
            scales.append(math.sqrt(s2))
        else:
            raise TypeError(f"target's component {i} is a {type(c).__name__}; mode_coverage needs normal components (Normal or isotropic MultivariateNormal)")
    return np.array(centres, dtype=np.float64), np.array(scales, dtype=np.float64), np.asarray(target.weights, dtype=np.float64)


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
        ``reverse_kl`` of the mode histogram to the weights, and ``n``.

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

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> import gantheory as gt
    >>> from gantheory.gan.modes import mode_coverage
    >>> ring = gt.ring_of_gaussians(8)        # radius 2, sd 0.02
    >>> centres = np.array([c.mean for c in ring.components])
    >>> x = np.concatenate([np.repeat(centres[:2], [30, 10], axis=0), [[0.0, 0.0]]])
    >>> c = mode_coverage(x, ring)
    >>> c.counts, c.modes, c.n, round(c.high_quality, 4)
    ((30, 10, 0, 0, 0, 0, 0, 0), 2, 41, 0.9756)
    >>> round(c.reverse_kl, 4), round(0.75 * math.log(6) + 0.25 * math.log(2), 4)
    (1.5171, 1.5171)
    """
    centres, scales, weights = _isotropic_modes(target)
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
        raise ValueError(f"assign must be one of {ASSIGNMENTS} (the nearest mode in distance, or in its standard deviations), got {assign!r}")
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
    )


# ==============================================================================
# The mode-collapse table
# ==============================================================================
TARGETS = {"ring of 8": ring_of_gaussians(8), "grid of 25": grid_of_gaussians(5)}
"""The two benchmark targets: ``gt.ring_of_gaussians(8)`` (radius 2, sd 0.02) and ``gt.grid_of_gaussians(5)`` (spacing 2, sd 0.05)."""

METHODS = {
    "non-saturating": {"loss": "non_saturating", "lr": 2e-4, "steps": 20000},
    "minimax": {"loss": "minimax", "lr": 2e-4, "steps": 20000},
    "WGAN-GP": {"loss": "wgan_gp", "steps": 4000},
    "R1": {"loss": "non_saturating", "r1": 0.1, "lr": 2e-4, "steps": 20000},
    "unrolled-5": {"loss": "non_saturating", "unroll": 5, "steps": 2000},
    "PacGAN-2": {"loss": "non_saturating", "pack": 2, "lr": 2e-4, "steps": 20000},
    "minibatch-std": {"loss": "non_saturating", "minibatch_std": True, "lr": 2e-4, "steps": 20000},
}
"""The methods of :func:`mode_collapse_table`: name -> keyword options of :func:`gantheory.gan.train`.

The players are train's defaults for all (MLPs 2-64-64, ReLU, batch 256). The
budget is time, not steps: each method takes the steps that cost 20-46 s of
CPU per run (``benchmarks/bench_modes.py``, float32, one BLAS thread; CPU ms
per step: PacGAN-2 1.0, minimax 1.3, non-saturating 1.6, minibatch-std 1.7,
R1 2.3, WGAN-GP 7.5 with its 5 critic steps, unrolled-5 about 13), so
unrolling gets 2000 steps where the plain losses get 20000. The classifier losses take Adam's
lr 2e-4 for both players (train's default 1e-3 gave lower high-quality shares
in 10000-step non-saturating ring runs: 45%, 68%, 68% for seeds 0-2, against
80% and 64% with 2e-4 for seeds 0 and 1); unrolled-5 keeps 1e-3 for its 2000
steps; WGAN-GP keeps :data:`~gantheory.gan.train.LOSS_DEFAULTS`. R1's
gamma = 0.1 (gamma = 1 gave 30% high quality against 62% after 8000 ring
steps, seed 0). With Adam's lr falling linearly from 1e-3 to 0 instead (train
has no schedule; ``bench_modes.py --goal``), the non-saturating loss and
PacGAN-2 keep all 8 ring modes with 90.6-95.4% high-quality samples (3 seeds
each; PacGAN-2 95.0-95.4%).
"""


@dataclass(frozen=True)
class ModeCollapseRow:
    """One method on one target over several seeds (a row of :class:`ModeCollapseTable`).

    Attributes
    ----------
    method, target : str
        Their names.
    options : dict
        The keyword options of :func:`gantheory.gan.train` (``steps`` included).
    seeds : tuple of int
        The runs' ``rng`` (each run is ``gt.gan.train(target, rng=seed, **options)``).
    coverage : tuple of ModeCoverage
        Per run, :func:`mode_coverage` of the generated samples after training.
    seconds : tuple of float
        Per run, the wall-clock seconds of :func:`gantheory.gan.train`.
    cpu_seconds : tuple of float
        Per run, its CPU seconds (:func:`time.process_time`; with BLAS on one
        thread, what the run costs on a core of its own).
    stopped : tuple of str
        Per run, ``History.stopped`` (``"completed"`` unless a NaN/inf stopped it).
    """

    method: str
    target: str
    options: dict
    seeds: tuple
    coverage: tuple
    seconds: tuple
    cpu_seconds: tuple
    stopped: tuple

    def values(self, name) -> np.ndarray:
        """Per run, ``"modes"``, ``"high_quality"``, ``"reverse_kl"``, ``"seconds"`` or ``"cpu_seconds"``."""
        if name in ("seconds", "cpu_seconds"):
            return np.array(getattr(self, name), dtype=np.float64)
        if name not in ("modes", "high_quality", "reverse_kl"):
            raise ValueError(f"name must be one of ('modes', 'high_quality', 'reverse_kl', 'seconds', 'cpu_seconds'), got {name!r}")
        return np.array([getattr(c, name) for c in self.coverage], dtype=np.float64)

    def mean(self, name) -> float:
        """The mean over the runs of :meth:`values` (NaN if a run's value is NaN)."""
        return float(np.mean(self.values(name)))

    def sd(self, name) -> float:
        """The sample standard deviation (``ddof=1``) over the runs of :meth:`values`; 0 for one run."""
        v = self.values(name)
        return float(np.std(v, ddof=1)) if len(v) > 1 else 0.0

    @property
    def n_modes(self) -> int:
        return self.coverage[0].n_modes


@dataclass(frozen=True)
class ModeCollapseTable:
    """What :func:`mode_collapse_table` returns: rows (method x target), printable as a table.

    Attributes
    ----------
    rows : tuple of ModeCollapseRow
        In the order method, then target.
    n_samples : int
        Generated samples counted per run.
    n_sd : float
        The high-quality radius in standard deviations.
    """

    rows: tuple
    n_samples: int
    n_sd: float

    def row(self, method, target) -> ModeCollapseRow:
        """The row of ``method`` on ``target`` (by name)."""
        for r in self.rows:
            if r.method == method and r.target == target:
                return r
        raise KeyError(f"no row for method {method!r} on target {target!r}")

    def to_text(self) -> str:
        """The table as text: mean +- sd over the seeds of each number."""
        head = ("method", "target", "modes", "high quality %", "reverse KL", "s / run", "CPU s / run", "steps")
        lines = []
        for r in self.rows:
            hq = 100 * r.values("high_quality")
            flag = "" if all(s == "completed" for s in r.stopped) else " *"
            lines.append((
                r.method + flag, r.target,
                f"{r.mean('modes'):.1f} ± {r.sd('modes'):.1f} / {r.n_modes}",
                f"{hq.mean():.1f} ± {(np.std(hq, ddof=1) if len(hq) > 1 else 0.0):.1f}",
                f"{r.mean('reverse_kl'):.3f} ± {r.sd('reverse_kl'):.3f}",
                f"{r.mean('seconds'):.1f}",
                f"{r.mean('cpu_seconds'):.1f}",
                str(r.options.get("steps", "")),
            ))  # fmt: skip
        widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
        fmt = lambda row: "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))  # noqa: E731
        n_runs = len(self.rows[0].seeds) if self.rows else 0
        out = [fmt(head), "  ".join("-" * w for w in widths), *map(fmt, lines)]
        out.append(f"mean ± sd over {n_runs} seed{'s' if n_runs != 1 else ''}; {self.n_samples} generated samples per run; high quality: within "
                   f"{self.n_sd:g} sd of the nearest mode.")  # fmt: skip
        if any(not all(s == "completed" for s in r.stopped) for r in self.rows):
            out.append("* a run stopped early (NaN/inf): counted at its last finite step.")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()


_TABLE_SETS = {"rng", "log_every", "snapshot_every", "n_snapshot", "progress"}  # train options the table sets itself


def run_seeds(rng, n_runs) -> tuple:
    """The int seeds of ``n_runs`` runs: ``np.random.SeedSequence(rng).spawn(n_runs)``, each as a 32-bit int."""
    return tuple(int(s.generate_state(1)[0]) for s in np.random.SeedSequence(as_seed(rng)).spawn(check_positive_int(n_runs, "n_runs")))


def mode_collapse_table(targets=None, methods=None, *, steps=2000, rng=0, n_runs=3, n_samples=2500, n_sd=3,
                        dtype=np.float32, progress=None) -> ModeCollapseTable:  # fmt: skip
    r"""Train each method on each target over several seeds, and count the modes it covers.

    Each run is ``gt.gan.train(target, steps=steps, rng=seed, dtype=dtype, **options)``
    (an option ``steps`` in a method's options overrides ``steps``); its
    generator then draws ``n_samples`` points from fixed noise, which
    :func:`mode_coverage` counts.

    Parameters
    ----------
    targets : dict of str to Mixture, optional
        Named mixtures of isotropic normals; default :data:`TARGETS` (the ring
        of 8 and the grid of 25).
    methods : dict of str to dict, optional
        Named keyword options of :func:`gantheory.gan.train` (``loss``,
        ``unroll``, ``pack``, ``minibatch_std``, ``r1``, ``lr``, ``batch_size``,
        ``steps``...); default :data:`METHODS`.
    steps : int
        Training steps of each run, unless a method's options give its own.
        (``dtype`` likewise.)
    rng : int
        The seed of the table: the runs' seeds are
        ``np.random.SeedSequence(rng).spawn(n_runs)`` (as ints, in
        ``row.seeds``), the same for every method and target.
    n_runs : int
        Runs (seeds) per method and target.
    n_samples : int
        Generated samples counted per run (2500 as in VEEGAN and PacGAN).
    n_sd : float
        The high-quality radius of :func:`mode_coverage`.
    dtype : {numpy.float32, numpy.float64}
        Of the runs (float32 by default: faster, and the counts do not need more).
    progress : None or bool
        A tqdm bar over the runs: ``None`` shows it on a terminal only.

    Returns
    -------
    ModeCollapseTable
        ``rows`` (method x target) with per-run coverage and seconds; ``print``
        it for mean ± sd over the seeds.

    Notes
    -----
    Timings are the wall-clock seconds of the training call on the machine as
    loaded when it ran, and its CPU seconds (what it costs on a free core). The metrics are those of :func:`mode_coverage`
    (VEEGAN's and PacGAN's); those papers average 5 and 10 runs.

    Examples
    --------
    >>> import gantheory as gt
    >>> from gantheory.gan.modes import mode_collapse_table
    >>> table = mode_collapse_table({"ring": gt.ring_of_gaussians(8)}, {"vanilla": {}}, steps=20, n_runs=2,
    ...                             n_samples=500, progress=False)
    >>> row = table.row("vanilla", "ring")
    >>> len(row.coverage), row.coverage[0].n, row.n_modes, row.stopped
    (2, 500, 8, ('completed', 'completed'))
    >>> print(table.to_text().splitlines()[0].split())
    ['method', 'target', 'modes', 'high', 'quality', '%', 'reverse', 'KL', 's', '/', 'run', 'CPU', 's', '/', 'run', 'steps']
    """
    from gantheory.gan.train import train  # here: gantheory.gan.train imports this module for its metrics

    targets = TARGETS if targets is None else targets
    methods = METHODS if methods is None else methods
    if not isinstance(targets, dict) or not targets or not all(isinstance(k, str) for k in targets):
        raise TypeError("targets must be a non-empty dict of names to mixtures, e.g. {'ring': gt.ring_of_gaussians(8)}")
    for name, target in targets.items():
        _isotropic_modes(target)  # a clear error before any training
    if not isinstance(methods, dict) or not methods or not all(isinstance(k, str) and isinstance(v, dict) for k, v in methods.items()):
        raise TypeError("methods must be a non-empty dict of names to dicts of gt.gan.train options, e.g. {'R1': {'r1': 1.0}}")
    for method, options in methods.items():
        taken = sorted(set(options) & _TABLE_SETS)
        if taken:
            raise ValueError(f"methods[{method!r}] sets {taken}, which mode_collapse_table sets itself (rng from its rng and n_runs)")
    steps, n_samples = check_positive_int(steps, "steps"), check_positive_int(n_samples, "n_samples")
    seeds = run_seeds(rng, n_runs)
    bar = tqdm(total=len(methods) * len(targets) * len(seeds), disable=None if progress is None else not progress,
               desc="mode collapse table", leave=False)  # fmt: skip
    rows = []
    try:
        for method, options in methods.items():
            options = {"steps": steps, "dtype": dtype, **options}
            for tname, target in targets.items():
                coverage, seconds, cpu, stopped = [], [], [], []
                for seed in seeds:
                    bar.set_postfix_str(f"{method} on {tname}, rng={seed}", refresh=True)
                    start, start_cpu = time.perf_counter(), time.process_time()
                    h = train(target, rng=seed, log_every=0, snapshot_every=0, n_snapshot=n_samples,
                              progress=False, **options)  # fmt: skip
                    seconds.append(time.perf_counter() - start)
                    cpu.append(time.process_time() - start_cpu)
                    coverage.append(mode_coverage(h.snapshots[-1], target, n_sd))
                    stopped.append(h.stopped)
                    bar.update(1)
                rows.append(ModeCollapseRow(method, tname, options, seeds, tuple(coverage), tuple(seconds), tuple(cpu), tuple(stopped)))
    finally:
        bar.close()
    return ModeCollapseTable(tuple(rows), n_samples, float(n_sd))
