"""The tour: one stage per phenomenon of GAN theory, its numbers and its figures (``gantheory tour``).

Each *stage* computes its data with the library (:mod:`gantheory.gan`,
:mod:`gantheory.mle`, :mod:`gantheory.divergences`), draws its figures with
:mod:`gantheory.plotting` and contributes a few numbers to the report.
:func:`tour_report` returns those numbers as a dict without drawing anything
(the tests compare it with the library); :func:`run_tour` also writes the
figures; :func:`format_report` prints the report as text.

==================  ==========================================  ===========================================
stage               figures                                     numbers in the report
==================  ==========================================  ===========================================
``parallel_lines``  ``parallel_lines``                          KL, JSD, TV, W1, Cramér at seven θ
``estimators``      ``estimator_errors``                        fitted rate of each estimator's RMS error
``mle``             ``mle_is_kl``, ``projections``,             MLE vs argmin KL, n x excess KL vs its
                    ``js_optima``                               constant; KL/JSD/W1 normal fits
``optimal``         ``optimal_discriminator``                   V(D*, G) vs -log 4 + 2 JSD; V(D, G) trained
``vanishing``       ``vanishing_gradient``                      generator gradient norms after k D steps
``dirac``           ``dirac_gan``, ``dirac_step_sizes``         eigenvalues, spectral radii, end points
``spectrum``        ``game_spectrum``                           the rotating pair without and with R1
``ring``            ``ring_training``, ``ring_training.gif``    sliced W1 and modes covered under two losses
``modes``           ``mode_collapse``                           modes covered and high-quality share at the
                                                                end, vanilla and remedies (Metz et al.)
``costs``           ``generator_costs``                         cost slopes in the logit
``bernoulli``       ``wasserstein_vs_cramer``                   minimizers of the expected sample losses
``evaluation``      ``fid_bias``, ``mmd_witness``,              FID's bias rate in n; each distance's growth
                    ``mode_collapse_distances``                 over its noise when one mode is dropped
``weak``            ``weak_convergence``                        KL, JSD, TV and W1 between δ_0 and δ_1/n
``critics``         ``critics``, ``critic_convergence``         D*'s slope under the fake mass (WGAN Fig. 2);
                                                                each constraint's estimate / W1 and its K
``fgan``            ``variational_bound``                       the f-GAN bound vs the exact KL and 2 JSD - log 4
==================  ==========================================  ===========================================

The stages train small matrices (256 x 64 at most), where BLAS threads only
add synchronization: :func:`run_tour` and :func:`tour_report` run BLAS on
one thread (``threadpoolctl``); the numbers are the same either way.

Examples
--------
>>> report = tour_report(quick=True, stages=["parallel_lines"])
>>> report["parallel_lines"]["W1"][-1]        # W1(P_0, P_1) = |1|
1.0
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gantheory.distributions import Mixture, Normal, ring_of_gaussians
from gantheory.mle import DEFAULT_BIMODAL

__all__ = [
    "SETTINGS",
    "STAGES",
    "Stage",
    "tour_report",
    "run_tour",
    "format_report",
    "fmt_number",
    "stage_files",
    "figure_titles",
]

FORMATS = ("png", "svg", "pdf")
#: The file :func:`run_tour` writes beside the figures: each file's titles, whether --quick made it, and its SHA-256.
TITLES = "titles.json"

#: Settings of the full tour (key False) and of --quick (key True).
SETTINGS = {
    False: dict(
        theta_points=201,
        estimator_sizes=(100, 300, 1_000, 2_000, 5_000, 10_000),
        estimator_repeats=20,
        mle_sizes=tuple(np.geomspace(10, 100_000, 9).astype(int)),
        mle_runs=100,
        polish=True,
        convergence_steps=600,
        critic_steps=600,
        bernoulli_m=(1, 2, 3, 4, 5, 7, 9, 13, 25, 51, 101, 1001),
        vanishing=dict(steps=500, log_every=25, rng=0, n_runs=3),
        dirac_steps=1000,
        spectrum=dict(),
        ring=dict(steps=2500, batch_size=256, log_every=100, snapshot_every=100),
        evaluation=dict(fid_repeats=20, collapse=dict(n=1000, repeats=5)),
        critics=dict(steps=800, n_eval=5000),
        fgan_steps=600,
        modes=dict(
            methods=("non-saturating", "PacGAN-2", "R1 (γ = 0.1)", "minibatch-std"),
            steps=3000,
            n_snapshot=2500,
            snapshot_every=600,
        ),
    ),
    True: dict(
        theta_points=41,
        estimator_sizes=(100, 300, 1_000),
        estimator_repeats=5,
        mle_sizes=(10, 100, 1_000, 10_000),
        mle_runs=20,
        polish=False,
        convergence_steps=200,
        critic_steps=200,
        bernoulli_m=(1, 2, 5, 7, 101, 1001),
        vanishing=dict(steps=200, log_every=20, rng=0, n_runs=2),
        dirac_steps=300,
        spectrum=dict(),
        ring=dict(steps=100, batch_size=64, log_every=20, snapshot_every=25),
        evaluation=dict(fid_repeats=10, collapse=dict(n=500, repeats=3)),
        critics=dict(steps=200, n_eval=4000),
        fgan_steps=300,
        modes=dict(methods=("non-saturating", "PacGAN-2"), steps=3000, n_snapshot=1000, snapshot_every=1000),
    ),
}

TABLE_THETA = (-1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0)
# The projections' target: two modes of unequal weight (mle.projection_fits' default).
BIMODAL, BIMODAL_TEXT = DEFAULT_BIMODAL, "0.4 N(-3, 1) + 0.6 N(3, 1)"
SYMMETRIC_TEXT = "0.5 N(-3, 1) + 0.5 N(3, 1)"  # mle.SYMMETRIC_BIMODAL, the MLE convergence run's law
# The optimal-discriminator pair: data P (two modes) against a fixed generator Q.
OPTIMAL_P, OPTIMAL_P_TEXT = Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.5)]), "0.5 N(-2, 0.5²) + 0.5 N(2, 0.5²)"
OPTIMAL_Q, OPTIMAL_Q_TEXT = Normal(0.5, 1.0), "N(0.5, 1)"
BERNOULLI_P = 0.3
RING, RING_TEXT = ring_of_gaussians(8), "ring of 8 Gaussians"
RING_LOSSES = {"non-saturating": "non_saturating", "WGAN-GP": "wgan_gp"}
DIRAC_LR = 0.1


@dataclass(frozen=True)
class Stage:
    """One phenomenon: how to compute its data, report it and draw it."""

    name: str
    title: str
    files: tuple  # the stems of the files it writes (figures in the chosen format; "*.gif" as is)
    compute: Callable  # (settings) -> data
    report: Callable  # (data) -> dict of numbers
    draw: Callable  # (data) -> {file stem: Figure, or for "*.gif" a function (path) -> path}


# -- the stages ---------------------------------------------------------------------------


def _parallel_lines(s):
    from gantheory.gan.critics import parallel_lines_sweep

    return dict(
        sweep=parallel_lines_sweep(np.linspace(-1.0, 1.0, s["theta_points"])), table=parallel_lines_sweep(TABLE_THETA)
    )


def _parallel_lines_report(data):
    t = data["table"]
    return {
        "theta": t.theta.tolist(),
        "KL": t.kl.tolist(),
        "JSD": t.js_divergence.tolist(),
        "TV": t.tv.tolist(),
        "W1": t.w1.tolist(),
        "Cramér": t.cramer.tolist(),
    }


def _estimators(s):
    from gantheory.divergences.rates import estimator_errors

    return estimator_errors(sizes=s["estimator_sizes"], repeats=s["estimator_repeats"], rng=0)


def _mle(s):
    from gantheory import mle

    # the MLE's excess KL on the symmetric mixture (its constant is 0.595), the projections on the unequal one
    convergence = mle.mle_convergence(mle.SYMMETRIC_BIMODAL, sizes=s["mle_sizes"], rng=0, n_runs=s["mle_runs"])
    return dict(
        P=BIMODAL,
        convergence=convergence,
        fits=mle.projection_fits(BIMODAL, polish=s["polish"]),
        constant=mle.excess_kl_constant(mle.SYMMETRIC_BIMODAL),
    )


def _mle_report(data):
    run = data["convergence"]
    mle_fit, projection = run.fits[-1], run.projection.fitted
    fits = {
        name: {"loc": p.fitted.loc, "scale": p.fitted.scale, "divergence": p.divergence}
        for name, p in data["fits"].items()
    }
    return {
        "n": int(run.sizes[-1]),
        "mle_loc": mle_fit.loc,
        "mle_scale": mle_fit.scale,
        "kl_projection_loc": projection.loc,
        "kl_projection_scale": projection.scale,
        "excess_kl": float(run.excess_kl[-1]),
        "fits": fits,
        "n_excess_kl_mean": float(run.sizes[-1] * run.runs[:, -1].mean()),
        "excess_kl_constant": data["constant"],
    }


def _costs(s):
    from gantheory.gan.gradients import generator_cost_curves

    return dict(
        curves=generator_cost_curves(d=np.linspace(0.001, 0.999, 999)), at=generator_cost_curves(logits=[-10.0, 0.0])
    )


def _costs_report(data):
    at = data["at"]
    return {
        name: {"logit": at.logits.tolist(), "slope_logit": at.slope_logit[name].tolist()} for name in at.slope_logit
    }


def _optimal(s):
    from gantheory.divergences import exact
    from gantheory.gan import optimal, train
    from gantheory.gan.players import AffineGenerator

    P, Q = OPTIMAL_P, OPTIMAL_Q
    convergence = optimal.discriminator_convergence(
        P, Q, steps=s["convergence_steps"], log_every=max(1, s["convergence_steps"] // 30), rng=0
    )
    # A discriminator trained n_critic steps against the generator Q, before the generator's first step.
    history = train(
        P,
        generator=AffineGenerator(Q.loc, Q.scale),
        steps=1,
        n_critic=s["critic_steps"],
        lr=1e-3,
        d_lr=3e-3,
        log_every=0,
        snapshot_every=1,
        rng=0,
        progress=False,
    )
    return dict(
        P=P,
        Q=Q,
        convergence=convergence,
        history=history,
        value=optimal.value_at_optimal_discriminator(P, Q),
        jsd=exact.js_divergence(P, Q),
    )


def _optimal_report(data):
    run = data["convergence"]
    return {
        "V(D*,G)": data["value"],
        "-log4+2JSD": -math.log(4.0) + 2.0 * data["jsd"],
        "JSD": data["jsd"],
        "V(D,G) first": float(run.value[0]),
        "V(D,G) last": float(run.value[-1]),
        "gap last": float(run.gap[-1]),
        "gap se last": float(run.gap_se[-1]),
        "steps": int(run.steps[-1]),
    }


def _bernoulli(s):
    from gantheory.gan.critics import bernoulli_minimizers, bernoulli_sample_losses

    # m p not an integer: the median of K/m, where the expected W1 loss is smallest, is then not p.
    return dict(
        losses=bernoulli_sample_losses(BERNOULLI_P, (1, 2, 4, 7, 25)),
        minimizers=bernoulli_minimizers(BERNOULLI_P, s["bernoulli_m"]),
    )


def _bernoulli_report(data):
    r = data["minimizers"]
    return {
        "p": r.p,
        "m": r.m.tolist(),
        "w1_low": r.w1_low.tolist(),
        "w1_high": r.w1_high.tolist(),
        "cramer2": r.cramer2.tolist(),
    }


def _vanishing(s):
    from gantheory.gan.gradients import vanishing_gradient

    return vanishing_gradient(**s["vanishing"])


def _vanishing_report(run):
    picks = sorted({0, run.steps.size // 5, run.steps.size - 1})
    means = {cost: run.log10_mean(cost) for cost in run.norms}  # once per cost, not once per pick
    return {
        "steps": [int(run.steps[i]) for i in picks],
        "norms": {cost: [float(10 ** mean[i]) for i in picks] for cost, mean in means.items()},
    }


def _dirac(s):
    from gantheory.gan.dynamics import dirac_gan_runs

    return dirac_gan_runs(lr=DIRAC_LR, steps=s["dirac_steps"])


def _dirac_report(runs):
    out = {}
    for label, row in runs.items():
        try:
            eigenvalues = [complex(v) for v in row.model.eigenvalues()]
        except ValueError:  # WGAN-GP: no Jacobian at the equilibrium
            eigenvalues = None
        out[label] = {
            "eigenvalues": eigenvalues,
            "radius_simultaneous": row.radius["simultaneous"],
            "radius_alternating": row.radius["alternating"],
            "end_norm_simultaneous": float(np.hypot(*row.simultaneous[-1])),
            "end_norm_alternating": float(np.hypot(*row.alternating[-1])),
        }
    return out


def _spectrum(s):
    from gantheory.gan.dynamics import game_spectrum

    return game_spectrum(**s["spectrum"])


def _spectrum_report(spec):
    def rotating(values):
        return complex(values[np.argmax(np.abs(values.imag))])

    return {
        "rotating": rotating(spec.eigenvalues),
        "rotating_r1": rotating(spec.eigenvalues_r1),
        "max_real": float(spec.eigenvalues.real.max()),
        "max_real_r1": float(spec.eigenvalues_r1.real.max()),
        "r1": spec.r1,
    }


def _ring(s):
    from gantheory.gan import train

    return dict(
        target=RING,
        runs={label: train(RING, loss=loss, rng=0, progress=False, **s["ring"]) for label, loss in RING_LOSSES.items()},
    )


def _ring_report(data):
    return {
        label: {
            "sliced_w1_first": float(h.metrics["sliced_w1"][0]),
            "sliced_w1_last": float(h.metrics["sliced_w1"][-1]),
            "modes_last": int(h.metrics["modes"][-1]),
            "high_quality_last": float(h.metrics["high_quality"][-1]),
            "steps": h.steps,
            "stopped": h.stopped,
        }
        for label, h in data["runs"].items()
    }


# The mode-collapse runs (chapter 7): the ring of 8, non-saturating loss at lr 2e-4, float32, seed 2, with one remedy each.
MODE_METHODS = {
    "non-saturating": {},
    "PacGAN-2": {"pack": 2},
    "R1 (γ = 0.1)": {"r1": 0.1},
    "minibatch-std": {"minibatch_std": True},
}
MODE_SEED = 2


def _modes(s):
    from gantheory.gan import train

    m = s["modes"]
    return dict(
        target=RING,
        runs={
            name: train(
                RING,
                rng=MODE_SEED,
                lr=2e-4,
                batch_size=256,
                steps=m["steps"],
                dtype=np.float32,
                log_every=m["snapshot_every"],
                snapshot_every=m["snapshot_every"],
                n_snapshot=m["n_snapshot"],
                progress=False,
                **MODE_METHODS[name],
            )
            for name in m["methods"]
        },
    )


def _modes_report(data):
    from gantheory.gan.modes import mode_coverage

    def last(h):
        c = mode_coverage(h.snapshots[-1], data["target"])
        return {"modes": int(c.modes), "high_quality": float(c.high_quality), "steps": h.steps}

    return {name: last(h) for name, h in data["runs"].items()}


def _ring_draw(data):
    from gantheory import plotting
    from gantheory.gan import mode_coverage

    def gif(path):
        return plotting.animate_training(data["runs"], path, target=data["target"], mode_coverage=mode_coverage)

    return {
        "ring_training": plotting.plot_ring_training(data["runs"], target=data["target"], mode_coverage=mode_coverage),
        "ring_training.gif": gif,
    }


# The evaluation pair (chapter 9): two 8-D Gaussians, the second with a covariance of random directions.
EVAL_DIM = 8


def _evaluation(s):
    from gantheory.divergences import evaluation

    A = np.random.default_rng(0).normal(size=(EVAL_DIM, EVAL_DIM)) / math.sqrt(EVAL_DIM)
    fid = evaluation.fid_bias(
        np.zeros(EVAL_DIM),
        np.eye(EVAL_DIM),
        np.full(EVAL_DIM, 0.25),
        np.eye(EVAL_DIM) + A @ A.T,
        repeats=s["evaluation"]["fid_repeats"],
        rng=0,
    )
    witness = evaluation.witness_curves(OPTIMAL_P, OPTIMAL_Q, np.linspace(-5.0, 5.0, 401), bandwidth=1.0)
    return dict(fid=fid, witness=witness, collapse=evaluation.dropped_modes_table(rng=0, **s["evaluation"]["collapse"]))


def _evaluation_report(data):
    fid, table = data["fid"], data["collapse"]
    one = {name: float(v[list(table.dropped).index(1)]) for name, v in table.signal_to_noise.items()}
    return {
        "fid_exact": float(fid.fid_exact),
        "fid_bias_slope": float(fid.fid_bias_slope),
        "fid_extrapolated": float(fid.fid_extrapolated),
        "one_dropped_signal_to_noise": one,
        "n": table.n,
    }


def _weak(s):
    from gantheory.gan.critics import weak_convergence

    return weak_convergence()


def _weak_report(w):
    return {
        "n_last": int(w.n[-1]),
        "kl": float(w.kl[-1]),
        "js_divergence": float(w.js_divergence[-1]),
        "tv": float(w.tv[-1]),
        "w1": float(w.w1[-1]),
    }


# The critics' pair (chapter 8): two modes N(±0.5, 0.15²) against N(0, 0.15²), whose Kantorovich potential f* is a V.
CRITIC_P, CRITIC_Q = Mixture([Normal(-0.5, 0.15), Normal(0.5, 0.15)]), Normal(0.0, 0.15)


def _critics(s):
    from gantheory.gan.duality import compare_constraints, critic_landscape

    return dict(
        landscape=critic_landscape(rng=0, **s["critics"]),
        runs=compare_constraints(CRITIC_P, CRITIC_Q, rng=0, **s["critics"]),
    )


def _critics_report(data):
    land = data["landscape"]
    return {
        "figure2_w1": float(land.w1),
        "figure2_dstar_fake_slope": float(land.fake_slope),
        "w1": float(next(iter(data["runs"].values())).w1),
        "estimate_over_w1": {label: float(r.estimate[-1] / r.w1) for label, r in data["runs"].items()},
        "lipschitz": {label: float(r.lipschitz[-1]) for label, r in data["runs"].items()},
    }


def _fgan(s):
    from gantheory.gan.fgan import variational_bound

    return [
        variational_bound(
            Normal(0.0, 1.0), Normal(1.0, 1.0), f, steps=s["fgan_steps"], rng=0, log_every=50, n_eval=5_000
        )
        for f in ("kl", "gan")
    ]


def _fgan_report(runs):
    return {r.f: {"bound": float(r.bound[-1]), "se": float(r.se[-1]), "exact": float(r.exact)} for r in runs}


def _minimax():
    """The unregularized minimax Dirac-GAN, whose step sizes' spectral radius the tour draws."""
    from gantheory.gan.dynamics import DiracGAN

    return DiracGAN("minimax")


def _mode_coverage():
    from gantheory.gan import mode_coverage

    return mode_coverage


def _plot(function_name, *args, **kwargs):
    from gantheory import plotting

    return getattr(plotting, function_name)(*args, **kwargs)


#: The tour's stages, in order: each a :class:`Stage`.
STAGES = [
    Stage(
        "parallel_lines",
        "06 parallel lines",
        ("parallel_lines",),
        _parallel_lines,
        _parallel_lines_report,
        lambda d: {"parallel_lines": _plot("plot_parallel_lines", d["sweep"])},
    ),
    Stage(
        "estimators",
        "01 exact vs empirical",
        ("estimator_errors",),
        _estimators,
        lambda d: {k: v.rate for k, v in d.items()},
        lambda d: {"estimator_errors": _plot("plot_estimator_errors", d)},
    ),
    Stage(
        "mle",
        "02 MLE = KL, projections",
        ("mle_is_kl", "projections", "js_optima"),
        _mle,
        _mle_report,
        lambda d: {
            "mle_is_kl": _plot("plot_mle_is_kl", convergence=d["convergence"]),
            "projections": _plot("plot_projections", d["P"], d["fits"]),
            "js_optima": _plot("plot_js_optima", d["P"], d["fits"]["JSD"]),
        },
    ),
    Stage(
        "optimal",
        "03 optimal discriminator",
        ("optimal_discriminator",),
        _optimal,
        _optimal_report,
        lambda d: {
            "optimal_discriminator": _plot("plot_optimal_discriminator", d["P"], d["Q"], d["convergence"], d["history"])
        },
    ),
    Stage(
        "vanishing",
        "04 vanishing gradient",
        ("vanishing_gradient",),
        _vanishing,
        _vanishing_report,
        lambda d: {"vanishing_gradient": _plot("plot_vanishing_gradient", d)},
    ),
    Stage(
        "dirac",
        "05 Dirac-GAN",
        ("dirac_gan", "dirac_step_sizes"),
        _dirac,
        _dirac_report,
        lambda d: {
            "dirac_gan": _plot("plot_dirac_gan", d),
            "dirac_step_sizes": _plot("plot_step_size_radius", _minimax()),
        },
    ),
    Stage(
        "spectrum",
        "05 game spectrum",
        ("game_spectrum",),
        _spectrum,
        _spectrum_report,
        lambda d: {"game_spectrum": _plot("plot_game_spectrum", d)},
    ),
    Stage("ring", "03 ring of 8", ("ring_training", "ring_training.gif"), _ring, _ring_report, _ring_draw),
    Stage(
        "costs",
        "04 generator costs",
        ("generator_costs",),
        _costs,
        _costs_report,
        lambda d: {
            "generator_costs": _plot("plot_generator_costs", d["curves"], panels=("cost", "slope_d", "slope_logit_d"))
        },
    ),
    Stage(
        "bernoulli",
        "06 Wasserstein vs Cramér",
        ("wasserstein_vs_cramer",),
        _bernoulli,
        _bernoulli_report,
        lambda d: {"wasserstein_vs_cramer": _plot("plot_bernoulli_bias", d["losses"], d["minimizers"])},
    ),
    Stage(
        "evaluation",
        "09 evaluating GANs",
        ("fid_bias", "mmd_witness", "mode_collapse_distances"),
        _evaluation,
        _evaluation_report,
        lambda d: {
            "fid_bias": _plot("plot_fid_bias", d["fid"]),
            "mmd_witness": _plot("plot_witness", d["witness"]),
            "mode_collapse_distances": _plot("plot_dropped_modes", d["collapse"]),
        },
    ),
    Stage(
        "modes",
        "07 mode collapse",
        ("mode_collapse",),
        _modes,
        _modes_report,
        lambda d: {
            "mode_collapse": _plot(
                "plot_mode_collapse", d["runs"], d["target"], mode_coverage=_mode_coverage(), columns=6
            )
        },
    ),
    Stage(
        "weak",
        "08 weak convergence",
        ("weak_convergence",),
        _weak,
        _weak_report,
        lambda d: {"weak_convergence": _plot("plot_weak_convergence", d)},
    ),
    Stage(
        "critics",
        "08 Lipschitz critics",
        ("critics", "critic_convergence"),
        _critics,
        _critics_report,
        lambda d: {
            "critics": _plot("plot_critics", d["landscape"]),
            "critic_convergence": _plot("plot_critic_convergence", d["runs"], laws=(CRITIC_P, CRITIC_Q)),
        },
    ),
    Stage(
        "fgan",
        "08 f-GAN bound",
        ("variational_bound",),
        _fgan,
        _fgan_report,
        lambda d: {"variational_bound": _plot("plot_variational_bound", d)},
    ),
]


def _select(stages):
    names = [s.name for s in STAGES]
    if stages is None:
        return list(STAGES)
    unknown = [s for s in stages if s not in names]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; the stages are {names}")
    return [s for s in STAGES if s.name in stages]


def _settings(quick, settings):
    if settings is not None and not isinstance(settings, dict):
        raise TypeError(f"settings must be a dict of overrides of SETTINGS or None, got {type(settings).__name__}")
    return SETTINGS[bool(quick)] | (settings or {})


def _one_blas_thread():
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def stage_files(stages=None, fmt="png") -> list[str]:
    """The names of the files :func:`run_tour` writes for ``stages`` (default all) in format ``fmt``.

    Examples
    --------
    >>> stage_files(["mle", "ring"], fmt="svg")
    ['mle_is_kl.svg', 'projections.svg', 'js_optima.svg', 'ring_training.svg', 'ring_training.gif']
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    return [stem if stem.endswith(".gif") else f"{stem}.{fmt}" for stage in _select(stages) for stem in stage.files]


def tour_report(quick: bool = True, stages=None, *, settings=None) -> dict:
    """The tour's key numbers, stage by stage, without drawing.

    Parameters
    ----------
    quick : bool
        The settings of ``gantheory tour --quick`` (True) or of the full tour.
    stages : sequence of str, optional
        Names of the stages to run (default all): ``[s.name for s in STAGES]``.
    settings : dict, optional
        Overrides of :data:`SETTINGS` (e.g. smaller sizes for a test).

    Returns
    -------
    dict
        ``{stage name: {quantity: value}}``.

    Examples
    --------
    >>> report = tour_report(quick=True, stages=["bernoulli"])
    >>> report["bernoulli"]["cramer2"][:3]     # the Cramér^2 minimizer is p = 0.3 for every batch size
    [0.3, 0.3, 0.3]
    """
    s, chosen = _settings(quick, settings), _select(stages)
    with _one_blas_thread():
        return {stage.name: stage.report(stage.compute(s)) for stage in chosen}


def run_tour(out, fmt="png", quick=False, stages=None, *, settings=None, progress=None) -> dict:
    """Run the stages: compute, draw and save each one's figures into the folder ``out``, and return the report.

    Parameters
    ----------
    out : str or Path
        The folder (created if missing; files of the same name are replaced).
    fmt : {"png", "svg", "pdf"}
        The figures' format (the animation is always a GIF).
    quick, stages, settings
        As for :func:`tour_report`.
    progress : bool, optional
        A progress bar per stage on standard error (None: only on a terminal).

    Returns
    -------
    dict
        ``{"report": {stage: numbers}, "files": [paths written], "seconds": {stage: seconds}}``. The last
        file is ``titles.json`` (:data:`TITLES`): for each figure its titles (:func:`figure_titles`),
        ``quick`` and the SHA-256 of its bytes, merged into the file already there; a test compares the
        committed ``figures/`` with it.

    Examples
    --------
    >>> import tempfile
    >>> result = run_tour(tempfile.mkdtemp(), quick=True, stages=["costs"], progress=False)
    >>> [p.rsplit("/", 1)[-1] for p in result["files"]]
    ['generator_costs.png', 'titles.json']
    """
    from tqdm.auto import tqdm

    stage_files(stages, fmt)  # checks fmt and stages before any work
    s, chosen = _settings(quick, settings), _select(stages)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result, titles = {"report": {}, "files": [], "seconds": {}}, {}
    with _one_blas_thread():
        for stage in chosen:
            start = time.perf_counter()
            with tqdm(
                total=2,
                desc=stage.title,
                unit="step",
                file=sys.stderr,
                disable=None if progress is None else not progress,
                leave=False,
            ) as bar:
                data = stage.compute(s)
                result["report"][stage.name] = stage.report(data)
                bar.update(1)
                for stem, fig in stage.draw(data).items():
                    path = _save(fig, out, stem, fmt)
                    titles[path.name] = {
                        "titles": [] if stem.endswith(".gif") else figure_titles(fig),
                        "quick": bool(quick),
                        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                    }
                    result["files"].append(str(path))
                bar.update(1)
            result["seconds"][stage.name] = time.perf_counter() - start
    result["files"].append(str(_write_titles(out, titles)))
    return result


def _save(fig, out, stem, fmt) -> Path:
    """Write one figure (or, for a ``*.gif`` stem, call the function that writes the animation); its path."""
    if stem.endswith(".gif"):
        return Path(fig(out / stem))
    path = out / f"{stem}.{fmt}"
    fig.savefig(path)
    return path


def figure_titles(fig) -> list[str]:
    """The titles a reader sees on ``fig``: its suptitle, then each axes' titles (left, centre, right), the empty ones left out.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); ax = fig.subplots(); _ = ax.set_title("W1 = 1"); _ = fig.suptitle("Parallel lines")
    >>> figure_titles(fig)
    ['Parallel lines', 'W1 = 1']
    """
    texts = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    texts += [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    return [t for t in texts if t]


def _write_titles(out, titles) -> Path:
    """Merge ``{file name: {"titles", "quick", "sha256"}}`` into ``out/titles.json`` (a run of some stages keeps the others' entries)."""
    path = out / TITLES
    known = json.loads(path.read_text()) if path.is_file() else {}
    known.update(titles)
    path.write_text(json.dumps(dict(sorted(known.items())), indent=1, ensure_ascii=False) + "\n")
    return path


# -- the printed report -----------------------------------------------------------------------


def fmt_number(value) -> str:
    """How the report prints a number: 6 significant digits (``inf`` as ``inf``, None as ``-``).

    Examples
    --------
    >>> fmt_number(0.6931471805599453), fmt_number(float("inf")), fmt_number(None), fmt_number(3)
    ('0.693147', 'inf', '-', '3')
    """
    if value is None:
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    return "inf" if value == math.inf else "-inf" if value == -math.inf else f"{value:.6g}"


def _complex_pair(values) -> str:
    """Eigenvalues as ``a ± bi`` (a conjugate pair once), ``-`` for None."""
    if values is None:
        return "-"
    values = [complex(v) for v in values]
    top = max(values, key=lambda v: abs(v.imag))
    if abs(top.imag) > 0:
        return f"{fmt_number(top.real)} ± {fmt_number(abs(top.imag))}i"
    return ", ".join(fmt_number(v.real) for v in values)


def _row(cells, widths):
    return "  ".join(str(c).rjust(w) for c, w in zip(cells, widths)).rstrip()


def _table(header, rows):
    cells = [header] + [[c if isinstance(c, str) else fmt_number(c) for c in row] for row in rows]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
    return "\n".join(_row(r, widths) for r in cells)


def format_report(report: dict) -> str:
    """The report as text: one short section per stage.

    Examples
    --------
    >>> print(format_report(tour_report(stages=["bernoulli"], settings=dict(bernoulli_m=(1, 2)))))
    Bernoulli(p = 0.3): minimizers of the expected sample loss over theta
    m  W1 (low)  W1 (high)  Cramér^2
    1         0          0       0.3
    2       0.5        0.5       0.3
    """
    parts = []
    if "parallel_lines" in report:
        r = report["parallel_lines"]
        keys = [k for k in r if k != "theta"]
        parts.append(
            "Parallel lines P_0 vs P_theta (WGAN Example 1)\n"
            + _table(["theta"] + keys, [[t] + [r[k][i] for k in keys] for i, t in enumerate(r["theta"])])
        )
    if "estimators" in report:
        parts.append(
            "Sample estimators: fitted rate of the RMS error (error ~ n^rate)\n"
            + _table(["estimator", "rate"], [[k, v] for k, v in report["estimators"].items()])
        )
    if "mle" in report:
        r = report["mle"]
        parts.append(
            f"MLE = KL projection (P = {SYMMETRIC_TEXT})\n"
            + _table(
                ["", "loc", "scale"],
                [
                    [f"MLE, n = {r['n']}", r["mle_loc"], r["mle_scale"]],
                    ["argmin KL(P||Q)", r["kl_projection_loc"], r["kl_projection_scale"]],
                ],
            )
            + f"\nexcess KL of the MLE: {fmt_number(r['excess_kl'])} nats (run 0); n x its mean over the runs "
            f"{fmt_number(r['n_excess_kl_mean'])}, predicted 1/2 + (kurtosis - 1)/4 = {fmt_number(r['excess_kl_constant'])}\n"
            + f"Normal fits to P = {BIMODAL_TEXT}\n"
            + _table(
                ["criterion", "loc", "scale", "divergence"],
                [[k, v["loc"], v["scale"], v["divergence"]] for k, v in r["fits"].items()],
            )
        )
    if "optimal" in report:
        r = report["optimal"]
        parts.append(
            f"Optimal discriminator (P = {OPTIMAL_P_TEXT}, Q = {OPTIMAL_Q_TEXT})\n"
            f"V(D*, G) by quadrature     {fmt_number(r['V(D*,G)'])}\n"
            f"-log 4 + 2 JSD(P, Q)       {fmt_number(r['-log4+2JSD'])}\n"
            f"V(D, G) trained MLP D      {fmt_number(r['V(D,G) first'])} at step 0 -> {fmt_number(r['V(D,G) last'])} at step {r['steps']}"
            f" (gap to D* {fmt_number(r['gap last'])} +- {fmt_number(r['gap se last'])})"
        )
    if "vanishing" in report:
        r = report["vanishing"]
        parts.append(
            "Generator gradient norm after k discriminator steps (geometric mean over the runs)\n"
            + _table(["cost"] + [f"k = {k}" for k in r["steps"]], [[c] + v for c, v in r["norms"].items()])
        )
    if "dirac" in report:
        rows = [
            [
                label,
                _complex_pair(v["eigenvalues"]),
                v["radius_simultaneous"],
                v["radius_alternating"],
                v["end_norm_simultaneous"],
                v["end_norm_alternating"],
            ]
            for label, v in report["dirac"].items()
        ]
        parts.append(
            f"Dirac-GAN: eigenvalues of J at (0, 0); spectral radius of the update map (lr = {DIRAC_LR}); |(theta, psi)| at the end\n"
            + _table(["model", "eigenvalues", "rho sim.", "rho alt.", "end sim.", "end alt."], rows)
        )
    if "spectrum" in report:
        r = report["spectrum"]
        parts.append(
            f"Game Jacobian of a trained 1-D GAN: the rotating pair, without and with R1 (r1 = {fmt_number(r['r1'])})\n"
            + _table(
                ["", "rotating pair", "max Re"],
                [
                    ["without R1", _complex_pair([r["rotating"]]), r["max_real"]],
                    ["with R1", _complex_pair([r["rotating_r1"]]), r["max_real_r1"]],
                ],
            )
        )
    if "ring" in report:
        parts.append(
            f"2-D GAN on the {RING_TEXT}: sliced W1 to the data, first and last; modes covered and high-quality share last\n"
            + _table(
                ["loss", "steps", "sliced W1 first", "sliced W1 last", "modes", "high quality"],
                [
                    [k, v["steps"], v["sliced_w1_first"], v["sliced_w1_last"], v["modes_last"], v["high_quality_last"]]
                    for k, v in report["ring"].items()
                ],
            )
        )
    if "modes" in report:
        parts.append(
            f"Mode collapse on the {RING_TEXT} (seed {MODE_SEED}): modes covered (a sample within 3 sd) and the high-quality share, last snapshot\n"
            + _table(
                ["method", "steps", "modes", "high quality"],
                [[k, v["steps"], v["modes"], v["high_quality"]] for k, v in report["modes"].items()],
            )
        )
    if "costs" in report:
        r = report["costs"]
        parts.append(
            "Generator cost slopes in the logit a (D(G(z)) = sigmoid(a))\n"
            + _table(
                ["cost"] + [f"a = {a:g}" for a in next(iter(r.values()))["logit"]],
                [[k] + v["slope_logit"] for k, v in r.items()],
            )
        )
    if "bernoulli" in report:
        r = report["bernoulli"]
        parts.append(
            f"Bernoulli(p = {fmt_number(r['p'])}): minimizers of the expected sample loss over theta\n"
            + _table(
                ["m", "W1 (low)", "W1 (high)", "Cramér^2"],
                [list(row) for row in zip(r["m"], r["w1_low"], r["w1_high"], r["cramer2"])],
            )
        )
    if "evaluation" in report:
        r = report["evaluation"]
        ranked = sorted(r["one_dropped_signal_to_noise"].items(), key=lambda kv: -kv[1])
        parts.append(
            f"Evaluating GANs: FID between two {EVAL_DIM}-D Gaussians {fmt_number(r['fid_exact'])}; its excess from n samples "
            f"falls like n^{fmt_number(r['fid_bias_slope'])} (theory n^-1); extrapolated in 1/n: {fmt_number(r['fid_extrapolated'])}\n"
            f"Ring of 8 with one mode dropped, n = {r['n']}: growth over the sampling noise\n"
            + _table(["distance", "growth / noise"], [list(kv) for kv in ranked])
        )
    if "weak" in report:
        r = report["weak"]
        parts.append(
            f"Weak convergence: delta(1/n) -> delta(0); at n = {r['n_last']}\n"
            + _table(["KL", "JSD", "TV", "W1"], [[r["kl"], r["js_divergence"], r["tv"], r["w1"]]])
        )
    if "critics" in report:
        r = report["critics"]
        parts.append(
            f"Lipschitz critics: D*'s largest slope under the generator's mass, N(+-3, 0.5^2) (W1 = {fmt_number(r['figure2_w1'])}): "
            f"{fmt_number(r['figure2_dstar_fake_slope'])}\n"
            f"Dual estimates of W1 = {fmt_number(r['w1'])} between 0.5 N(+-0.5, 0.15^2) and N(0, 0.15^2), and the critics' Lipschitz constants K\n"
            + _table(
                ["critic", "estimate / W1", "K"], [[k, v, r["lipschitz"][k]] for k, v in r["estimate_over_w1"].items()]
            )
        )
    if "fgan" in report:
        parts.append(
            "f-GAN lower bound E_P T - E_Q f*(T) between N(0, 1) and N(1, 1), last record\n"
            + _table(
                ["f", "bound", "s.e.", "exact D_f"],
                [[f, v["bound"], v["se"], v["exact"]] for f, v in report["fgan"].items()],
            )
        )
    return "\n\n".join(parts)
