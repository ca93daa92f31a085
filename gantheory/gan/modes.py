r"""Mode collapse, measured over seeds: GANs trained with the remedies on mixtures of normals, their modes counted.

:func:`mode_collapse_table` trains GANs with several remedies (options of
:func:`gantheory.gan.train`: ``unroll``, ``pack``, ``minibatch_std``, ``r1``,
the losses) on mixtures of isotropic normals over several seeds and tabulates
what :func:`~gantheory.gan.metrics.mode_coverage` counts: the modes covered,
the share of high-quality samples and the reverse KL of the generated mode
histogram to the mixture's weights (Srivastava et al. 2017, VEEGAN; Lin et
al. 2018, PacGAN) (:data:`METHODS`, :data:`TARGETS`);
``benchmarks/bench_modes.py`` prints the table beside the published rows. The
count itself, which training also logs, is in :mod:`gantheory.gan.metrics`
(and importable from here, as before).

Examples
--------
>>> import gantheory as gt
>>> from gantheory.gan.modes import mode_collapse_table
>>> table = mode_collapse_table({"ring": gt.ring_of_gaussians(8)}, {"vanilla": {}}, steps=10, n_runs=1,
...                             n_samples=200, progress=False)
>>> table.row("vanilla", "ring").coverage[0].n_modes
8
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from gantheory._rng import as_seed
from gantheory._validation import check_positive_int
from gantheory.distributions import grid_of_gaussians, ring_of_gaussians

# mode_coverage and ModeCoverage are defined and documented in gantheory.gan.metrics; `from gantheory.gan.modes import
# mode_coverage` keeps working (an import from the module below, no circle)
from gantheory.gan.metrics import ModeCoverage, isotropic_modes, mode_coverage  # noqa: F401
from gantheory.gan.training import train

__all__ = [
    "GOAL_METHODS",
    "METHODS",
    "TARGETS",
    "ModeCollapseRow",
    "ModeCollapseTable",
    "mode_collapse_table",
    "run_seeds",
]

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
steps; WGAN-GP keeps :data:`~gantheory.gan.training.LOSS_DEFAULTS`. R1's
gamma = 0.1 (gamma = 1 gave 30% high quality against 62% after 8000 ring
steps, seed 0). These are the methods at a constant lr; with Adam's lr
falling linearly from 1e-3 to 0 instead (``lr_schedule="linear"`` of
:func:`~gantheory.gan.train`), the non-saturating loss and PacGAN-2 keep
all 8 ring modes with 90.6-95.4% high-quality samples (3 seeds each;
PacGAN-2 95.0-95.4%): :data:`GOAL_METHODS` holds the settings that meet
the goals.
"""

_GOAL = {
    "loss": "non_saturating",
    "generator": [128, 128, 128, 128, 128],
    "discriminator": [128, 128],
    "minibatch_std": True,
    "r1": 0.3,
    "lr": 1e-3,
    "lr_schedule": "linear",
    "batch_size": 128,
    "steps": 10000,
}
GOAL_METHODS = {"ring of 8": dict(_GOAL), "grid of 25": dict(_GOAL)}
"""The settings that meet the goals on each target of :data:`TARGETS`: target name -> keyword options of :func:`gantheory.gan.train`.

The goals: every mode covered and a mean high-quality share of at least 90%
(ring of 8) or 80% (grid of 25), on seeds not used to choose the settings,
in at most 60 s of CPU per run (float32, one BLAS thread, as
:func:`mode_collapse_table` and ``benchmarks/bench_modes.py --goal`` run
them). One setting meets both: the non-saturating loss with minibatch-std
and R1 (gamma 0.3), a deeper generator (5 hidden ReLU layers of 128 units,
given as hidden widths, so that each run builds its own players from its
seed) and a discriminator of 2 x 128, batch 128, Adam's lr falling linearly
from 1e-3 to 0 over 10000 steps (``lr_schedule="linear"``).

Measured on the held-out seeds ``SeedSequence(2).spawn(5)`` (mean ± sd over
the 5 runs, ``bench_modes.py --goal``; CPU seconds on a 2-core machine
shared with other jobs, which inflates them: the same kind of grid run took
37 s when the machine was less loaded):

==========  ===============  ==============  =============  ===========
target      modes            high quality %  reverse KL     CPU s / run
==========  ===============  ==============  =============  ===========
ring of 8   8.0 ± 0.0 / 8    96.9 ± 0.8      0.003 ± 0.001  40
grid of 25  25.0 ± 0.0 / 25  90.2 ± 1.1      0.008 ± 0.002  49
==========  ===============  ==============  =============  ===========

(On ``SeedSequence(1).spawn(5)`` the grid gave 25.0 ± 0.0 modes, 90.4 ± 1.0%
high quality, reverse KL 0.005 ± 0.001, 37 CPU s per run.) The earlier ring
setting, PacGAN-2 with the default players and the same schedule over 20000
steps (95.0-95.4% on ``SeedSequence(0).spawn(3)``), dropped a mode in one of
the 5 runs of ``SeedSequence(1).spawn(5)``: 7.8 ± 0.4 modes, 93.8 ± 3.6%.

*What it takes on the grid* (tuned on ``rng=0``; the other settings as above
unless the row says otherwise; CPU seconds under load):

=====================  ==========  =====  =====  =====  ====================  =====
generator hidden       D hidden    batch  steps  modes  high quality %        CPU s
=====================  ==========  =====  =====  =====  ====================  =====
64, 64 (the default)   64, 64      256    20000  25     54.0                  50
128, 128               128, 128    256    12000  25     59.8                  59
128 x 3                128, 128    128    10000  25     82.5 (rng=1: 83.4)    29-39
128 x 3, R1 0.1        128, 128    128    10000  25     83.0                  32
128 x 3                128 x 3     128    10000  25     83.4                  51
128 x 3                128, 128    128    16000  25     90.8                  64
128 x 4                128, 128    128    10000  25     87.6                  49
128 x 5                128, 128    128    10000  25     90.4 (rng=1: 91.2)    42-48
256 x 4                128, 128    128    10000  25     91.8                  69
=====================  ==========  =====  =====  =====  ====================  =====

The generator's depth is the lever: players of 2 x 128 keep all 25 modes
but spread the samples between them (rng=0: the median distance to the
nearest mode is 2 standard deviations, and a quarter of the samples lie
beyond 8), while 5 hidden layers bring the 90th percentile of that distance
within 2.5 standard deviations. A third discriminator layer or a weaker R1
change little.
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
            raise ValueError(
                f"name must be one of ('modes', 'high_quality', 'reverse_kl', 'seconds', 'cpu_seconds'), got {name!r}"
            )
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
            lines.append(
                (
                    r.method + flag,
                    r.target,
                    f"{r.mean('modes'):.1f} ± {r.sd('modes'):.1f} / {r.n_modes}",
                    f"{hq.mean():.1f} ± {(np.std(hq, ddof=1) if len(hq) > 1 else 0.0):.1f}",
                    f"{r.mean('reverse_kl'):.3f} ± {r.sd('reverse_kl'):.3f}",
                    f"{r.mean('seconds'):.1f}",
                    f"{r.mean('cpu_seconds'):.1f}",
                    str(r.options.get("steps", "")),
                )
            )
        widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
        fmt = lambda row: "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))  # noqa: E731
        n_runs = len(self.rows[0].seeds) if self.rows else 0
        out = [fmt(head), "  ".join("-" * w for w in widths), *map(fmt, lines)]
        out.append(
            f"mean ± sd over {n_runs} seed{'s' if n_runs != 1 else ''}; {self.n_samples} generated samples per run; high quality: within "
            f"{self.n_sd:g} sd of the nearest mode."
        )
        if any(not all(s == "completed" for s in r.stopped) for r in self.rows):
            out.append("* a run stopped early (NaN/inf): counted at its last finite step.")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()


_TABLE_SETS = {"rng", "log_every", "snapshot_every", "n_snapshot", "progress"}  # train options the table sets itself


def run_seeds(rng, n_runs) -> tuple:
    """The int seeds of ``n_runs`` runs: ``np.random.SeedSequence(rng).spawn(n_runs)``, each as a 32-bit int."""
    return tuple(
        int(s.generate_state(1)[0])
        for s in np.random.SeedSequence(as_seed(rng)).spawn(check_positive_int(n_runs, "n_runs"))
    )


def mode_collapse_table(
    targets=None, methods=None, *, steps=2000, rng=0, n_runs=3, n_samples=2500, n_sd=3, dtype=np.float32, progress=None
) -> ModeCollapseTable:
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
    targets = TARGETS if targets is None else targets
    methods = METHODS if methods is None else methods
    if not isinstance(targets, dict) or not targets or not all(isinstance(k, str) for k in targets):
        raise TypeError("targets must be a non-empty dict of names to mixtures, e.g. {'ring': gt.ring_of_gaussians(8)}")
    for target in targets.values():
        isotropic_modes(target)  # a clear error before any training
    if (
        not isinstance(methods, dict)
        or not methods
        or not all(isinstance(k, str) and isinstance(v, dict) for k, v in methods.items())
    ):
        raise TypeError(
            "methods must be a non-empty dict of names to dicts of gt.gan.train options, e.g. {'R1': {'r1': 1.0}}"
        )
    for method, options in methods.items():
        taken = sorted(set(options) & _TABLE_SETS)
        if taken:
            raise ValueError(
                f"methods[{method!r}] sets {taken}, which mode_collapse_table sets itself (rng from its rng and n_runs)"
            )
    steps, n_samples = check_positive_int(steps, "steps"), check_positive_int(n_samples, "n_samples")
    seeds = run_seeds(rng, n_runs)
    bar = tqdm(
        total=len(methods) * len(targets) * len(seeds),
        disable=None if progress is None else not progress,
        desc="mode collapse table",
        leave=False,
    )
    rows = []
    try:
        for method, options in methods.items():
            options = {"steps": steps, "dtype": dtype, **options}
            for tname, target in targets.items():
                coverage, seconds, cpu, stopped = [], [], [], []
                for seed in seeds:
                    bar.set_postfix_str(f"{method} on {tname}, rng={seed}", refresh=True)
                    start, start_cpu = time.perf_counter(), time.process_time()
                    h = train(
                        target, rng=seed, log_every=0, snapshot_every=0, n_snapshot=n_samples, progress=False, **options
                    )
                    seconds.append(time.perf_counter() - start)
                    cpu.append(time.process_time() - start_cpu)
                    coverage.append(mode_coverage(h.snapshots[-1], target, n_sd))
                    stopped.append(h.stopped)
                    bar.update(1)
                rows.append(
                    ModeCollapseRow(
                        method, tname, options, seeds, tuple(coverage), tuple(seconds), tuple(cpu), tuple(stopped)
                    )
                )
    finally:
        bar.close()
    return ModeCollapseTable(tuple(rows), n_samples, float(n_sd))
