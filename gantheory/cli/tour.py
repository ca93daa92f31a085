"""``gantheory tour``: regenerate every figure and the training animation, and print the key numbers.

The tour runs one *stage* per phenomenon. Each stage computes its data with
the library (:mod:`gantheory.gan`, :mod:`gantheory.mle`,
:mod:`gantheory.divergences`), draws its figures with
:mod:`gantheory.plotting` and contributes a few numbers to the report.
:func:`tour_report` returns those numbers as a dict without drawing anything
(the tests compare it with the library); :func:`run_tour` also writes the
figures. A stage whose library part is missing is skipped with a note.

==================  ==========================================  ===========================================
stage               figures (``--out``, default ``figures/``)   numbers in the report
==================  ==========================================  ===========================================
``parallel_lines``  ``parallel_lines``                          KL, JSD, TV, W1, Cramér at seven θ
``estimators``      ``estimator_errors``                        fitted rate of each estimator's RMS error
``mle``             ``mle_is_kl``, ``projections``              MLE vs argmin KL; KL/JSD/W1 normal fits
``optimal``         ``optimal_discriminator``                   V(D*, G) vs -log 4 + 2 JSD; V(D, G) trained
``vanishing``       ``vanishing_gradient``                      generator gradient norms after k D steps
``dirac``           ``dirac_gan``                               eigenvalues, spectral radii, end points
``spectrum``        ``game_spectrum``                           the rotating pair without and with R1
``ring``            ``ring_training``, ``ring_training.gif``    sliced W1 and kNN JSD of two losses
``costs``           ``generator_costs``                         cost slopes in the logit
``bernoulli``       ``wasserstein_vs_cramer``                   minimizers of the expected sample losses
==================  ==========================================  ===========================================

Timing (shared 2-core machine, measured with its load): the full tour about
a minute, ``--quick`` about 13 s; the ring-of-8 training is the longest stage.

Examples
--------
>>> report = tour_report(quick=True, stages=["parallel_lines"])
>>> report["parallel_lines"]["W1"][-1]        # W1(P_0, P_1) = |1|
1.0
"""

from __future__ import annotations

import importlib
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from tqdm.auto import tqdm

from gantheory.backend import single_threaded_blas

FORMATS = ("png", "svg", "pdf")
DEFAULT_OUT = "figures"

# Settings of the full tour and of --quick.
SETTINGS = {
    False: dict(
        theta_points=201, estimator_sizes=(100, 300, 1_000, 2_000, 5_000, 10_000), estimator_repeats=10,
        mle_sizes=tuple(np.geomspace(10, 100_000, 9).astype(int)), polish=True,
        convergence_steps=600, critic_steps=600, bernoulli_m=(1, 2, 3, 4, 5, 7, 9, 13, 25, 51, 101, 1001),
        vanishing=dict(steps=500, log_every=25, seeds=(0, 1, 2)), dirac_steps=1000, spectrum=dict(steps=300),
        ring=dict(steps=2500, batch_size=256, log_every=100, snapshot_every=100),
    ),
    True: dict(
        theta_points=41, estimator_sizes=(100, 300, 1_000, 3_000), estimator_repeats=3,
        mle_sizes=(10, 100, 1_000, 10_000), polish=False,
        convergence_steps=200, critic_steps=200, bernoulli_m=(1, 2, 5, 7, 101, 1001),
        vanishing=dict(steps=200, log_every=20, seeds=(0, 1)), dirac_steps=300, spectrum=dict(steps=300),
        ring=dict(steps=300, batch_size=128, log_every=50, snapshot_every=50),
    ),
}

TABLE_THETA = (-1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0)
BIMODAL = ("Mixture([Normal(-3, 1), Normal(3, 1)], [0.4, 0.6])",)  # the projections' target (plotting.DEFAULT_BIMODAL)
# The optimal-discriminator pair: data P (two modes) against a fixed generator Q.
OPTIMAL_P, OPTIMAL_Q = ("Mixture([Normal(-2, 0.5), Normal(2, 0.5)])", "Normal(0.5, 1)")
BERNOULLI_P = 0.3
RING = "ring_of_gaussians(8)"
RING_LOSSES = {"non-saturating": "non_saturating", "WGAN-GP": "wgan_gp"}
DIRAC_H = 0.1


def _spec(text):
    from gantheory.cli.divergence import parse_distribution

    return parse_distribution(text)


@dataclass
class Stage:
    """One phenomenon: what it needs from the library, how to compute its data, report it and draw it."""

    name: str
    title: str
    needs: tuple
    compute: Callable  # (settings) -> data
    report: Callable  # (data) -> dict of numbers
    draw: Callable  # (data) -> {file stem: Figure}

    def missing(self) -> list:
        """The ``module:attribute`` names of the library this stage needs that are not there (yet)."""
        out = []
        for need in self.needs:
            module, _, attr = need.partition(":")
            try:
                if attr and not hasattr(importlib.import_module(module), attr):
                    out.append(need)
            except ImportError:
                out.append(need)
        return out


# -- the stages ---------------------------------------------------------------------------

def _parallel_lines(s):
    from gantheory.gan.critics import parallel_lines_sweep

    return dict(sweep=parallel_lines_sweep(np.linspace(-1.0, 1.0, s["theta_points"])), table=parallel_lines_sweep(TABLE_THETA))


def _parallel_lines_report(data):
    t = data["table"]
    return {"theta": t.theta.tolist(), "KL": t.kl.tolist(), "JSD": t.js_divergence.tolist(), "TV": t.tv.tolist(),
            "W1": t.w1.tolist(), "Cramér": t.cramer.tolist()}  # fmt: skip


def _estimators(s):
    from gantheory import plotting

    return plotting.estimator_errors(sizes=s["estimator_sizes"], repeats=s["estimator_repeats"], rng=0)


def _mle(s):
    from gantheory import mle, plotting

    P = _spec(BIMODAL[0])
    return dict(P=P, convergence=mle.mle_convergence(P, sizes=s["mle_sizes"], rng=0), fits=plotting.projection_fits(P, polish=s["polish"]))


def _mle_report(data):
    run = data["convergence"]
    mle_fit, projection = run.fits[-1], run.projection.fitted
    fits = {name: {"loc": p.fitted.loc, "scale": p.fitted.scale, "divergence": p.divergence} for name, p in data["fits"].items()}
    return {"n": int(run.sizes[-1]), "mle_loc": mle_fit.loc, "mle_scale": mle_fit.scale, "kl_projection_loc": projection.loc,
            "kl_projection_scale": projection.scale, "excess_kl": float(run.excess_kl[-1]), "fits": fits}  # fmt: skip


def _costs(s):
    from gantheory.gan.optimal import generator_cost_curves

    return dict(curves=generator_cost_curves(d=np.linspace(0.001, 0.999, 999)), at=generator_cost_curves(logits=[-10.0, 0.0]))


def _costs_report(data):
    at = data["at"]
    return {name: {"logit": at.logits.tolist(), "slope_logit": at.slope_logit[name].tolist()} for name in at.slope_logit}


def _optimal(s):
    from gantheory.gan import optimal, train
    from gantheory.gan.train import AffineGenerator
    from gantheory.divergences import exact

    P, Q = _spec(OPTIMAL_P), _spec(OPTIMAL_Q)
    convergence = optimal.discriminator_convergence(P, Q, steps=s["convergence_steps"], log_every=max(1, s["convergence_steps"] // 30), seed=0)
    # A discriminator trained n_critic steps against the generator Q, before the generator's first step.
    history = train(P, generator=AffineGenerator(Q.loc, Q.scale), steps=1, n_critic=s["critic_steps"], lr=1e-3, d_lr=3e-3,
                    log_every=0, snapshot_every=1, seed=0, progress=False)  # fmt: skip
    return dict(P=P, Q=Q, convergence=convergence, history=history,
                value=optimal.value_at_optimal_discriminator(P, Q), jsd=exact.js_divergence(P, Q))  # fmt: skip


def _optimal_report(data):
    run = data["convergence"]
    return {"V(D*,G)": data["value"], "-log4+2JSD": -math.log(4.0) + 2.0 * data["jsd"], "JSD": data["jsd"],
            "V(D,G) first": float(run.value[0]), "V(D,G) last": float(run.value[-1]), "gap last": float(run.gap[-1]),
            "gap se last": float(run.gap_se[-1]), "steps": int(run.steps[-1])}  # fmt: skip


def _bernoulli(s):
    from gantheory.gan.critics import bernoulli_minimizers, bernoulli_sample_losses

    # m p not an integer: the median of K/m, where the expected W1 loss is smallest, is then not p.
    return dict(losses=bernoulli_sample_losses(BERNOULLI_P, (1, 2, 4, 7, 25)), minimizers=bernoulli_minimizers(BERNOULLI_P, s["bernoulli_m"]))


def _bernoulli_report(data):
    r = data["minimizers"]
    return {"p": r.p, "m": r.m.tolist(), "w1_low": r.w1_low.tolist(), "w1_high": r.w1_high.tolist(), "cramer2": r.cramer2.tolist()}


def _vanishing(s):
    from gantheory.gan.optimal import vanishing_gradient

    return vanishing_gradient(**s["vanishing"])


def _vanishing_report(run):
    picks = sorted({0, run.steps.size // 5, run.steps.size - 1})
    means = {cost: run.log10_mean(cost) for cost in run.norms}  # once per cost, not once per pick
    return {"steps": [int(run.steps[i]) for i in picks],
            "norms": {cost: [float(10 ** mean[i]) for i in picks] for cost, mean in means.items()}}  # fmt: skip


def _dirac(s):
    from gantheory import plotting

    return plotting.dirac_gan_runs(h=DIRAC_H, steps=s["dirac_steps"])


def _dirac_report(runs):
    out = {}
    for label, row in runs.items():
        try:
            eigenvalues = [complex(v) for v in row["model"].eigenvalues()]
        except ValueError:  # WGAN-GP: no Jacobian at the equilibrium
            eigenvalues = None
        out[label] = {"eigenvalues": eigenvalues, "radius_simultaneous": row["radius"]["simultaneous"],
                      "radius_alternating": row["radius"]["alternating"], "end_norm_simultaneous": float(np.hypot(*row["simultaneous"][-1])),
                      "end_norm_alternating": float(np.hypot(*row["alternating"][-1]))}  # fmt: skip
    return out


def _spectrum(s):
    from gantheory.gan.dynamics import game_spectrum

    return game_spectrum(**s["spectrum"])


def _spectrum_report(spec):
    def rotating(values):
        return complex(values[np.argmax(np.abs(values.imag))])

    return {"rotating": rotating(spec.eigenvalues), "rotating_r1": rotating(spec.eigenvalues_r1),
            "max_real": float(spec.eigenvalues.real.max()), "max_real_r1": float(spec.eigenvalues_r1.real.max()), "gamma": spec.gamma}  # fmt: skip


def _ring(s):
    from gantheory.gan import train

    target = _spec(RING)
    runs = {label: train(target, loss=loss, seed=0, progress=False, **s["ring"]) for label, loss in RING_LOSSES.items()}
    return dict(target=target, runs=runs)


def _ring_report(data):
    return {label: {"sliced_w1_first": float(h.metrics["sliced_w1"][0]), "sliced_w1_last": float(h.metrics["sliced_w1"][-1]),
                    "js_knn_last": float(h.metrics["js_knn"][-1]), "steps": h.steps, "stopped": h.stopped}
            for label, h in data["runs"].items()}  # fmt: skip


def _ring_draw(data):
    from gantheory import plotting

    def gif(path):
        return plotting.animate_training(data["runs"], path, target=data["target"])

    return {"ring_training": plotting.plot_ring_training(data["runs"], target=data["target"]), "ring_training.gif": gif}


STAGES = [
    Stage("parallel_lines", "1 parallel lines", ("gantheory.gan.critics:parallel_lines_sweep",), _parallel_lines, _parallel_lines_report,
          lambda d: {"parallel_lines": _plot("plot_parallel_lines", d["sweep"])}),
    Stage("estimators", "2 exact vs empirical", (), _estimators, lambda d: {k: v["rate"] for k, v in d.items()},
          lambda d: {"estimator_errors": _plot("plot_estimator_errors", d)}),
    Stage("mle", "3-4 MLE = KL, projections", (), _mle, _mle_report,
          lambda d: {"mle_is_kl": _plot("plot_mle_is_kl", convergence=d["convergence"]),
                     "projections": _plot("plot_projections", d["P"], d["fits"])}),
    Stage("optimal", "5 optimal discriminator",
          ("gantheory.gan.optimal:discriminator_convergence", "gantheory.plotting:plot_optimal_discriminator"), _optimal, _optimal_report,
          lambda d: {"optimal_discriminator": _plot("plot_optimal_discriminator", d["P"], d["Q"], d["convergence"], d["history"])}),
    Stage("vanishing", "7 vanishing gradient", ("gantheory.gan.optimal:vanishing_gradient",), _vanishing, _vanishing_report,
          lambda d: {"vanishing_gradient": _plot("plot_vanishing_gradient", d)}),
    Stage("dirac", "8 Dirac-GAN", ("gantheory.gan.dynamics:DiracGAN",), _dirac, _dirac_report,
          lambda d: {"dirac_gan": _plot("plot_dirac_gan", d)}),
    Stage("spectrum", "9 game spectrum", ("gantheory.gan.dynamics:game_spectrum",), _spectrum, _spectrum_report,
          lambda d: {"game_spectrum": _plot("plot_game_spectrum", d)}),
    Stage("ring", "10 ring of 8", ("gantheory.gan.train:train",), _ring, _ring_report, _ring_draw),
    Stage("costs", "6 generator costs", ("gantheory.gan.optimal:generator_cost_curves",), _costs, _costs_report,
          lambda d: {"generator_costs": _plot("plot_generator_costs", d["curves"])}),
    Stage("bernoulli", "11 Wasserstein vs Cramér", ("gantheory.gan.critics:bernoulli_minimizers", "gantheory.plotting:plot_bernoulli_bias"),
          _bernoulli, _bernoulli_report, lambda d: {"wasserstein_vs_cramer": _plot("plot_bernoulli_bias", d["losses"], d["minimizers"])}),
]  # fmt: skip


def _plot(function_name, *args, **kwargs):
    from gantheory import plotting

    return getattr(plotting, function_name)(*args, **kwargs)


def _select(stages):
    names = [s.name for s in STAGES]
    if stages is None:
        return list(STAGES)
    unknown = [s for s in stages if s not in names]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; the stages are {names}")
    return [s for s in STAGES if s.name in stages]


def tour_report(quick: bool = True, stages=None, *, settings=None) -> dict:
    """The tour's key numbers, stage by stage, without drawing (skipped stages are left out).

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
    s = SETTINGS[bool(quick)] | (settings or {})
    return {stage.name: stage.report(stage.compute(s)) for stage in _select(stages) if not stage.missing()}


def run_tour(out=DEFAULT_OUT, fmt="png", quick=False, stages=None, *, settings=None, progress=None, log=print) -> dict:
    """Run every stage: compute, draw and save its figures into ``out``, and return the report.

    Returns
    -------
    dict
        ``{"report": {stage: numbers}, "files": [paths written], "skipped": {stage: missing}, "seconds": {stage: s}}``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    s = SETTINGS[bool(quick)] | (settings or {})
    result = {"report": {}, "files": [], "skipped": {}, "seconds": {}}
    for stage in _select(stages):
        missing = stage.missing()
        if missing:
            result["skipped"][stage.name] = missing
            log(f"[skipped] {stage.title}: waiting for {', '.join(missing)}")
            continue
        start = time.perf_counter()
        with tqdm(total=2, desc=stage.title, unit="step", file=sys.stderr, disable=progress is False if progress is not None else None, leave=False) as bar:
            data = stage.compute(s)
            result["report"][stage.name] = stage.report(data)
            bar.update(1)
            for stem, fig in stage.draw(data).items():
                if stem.endswith(".gif"):  # an animation: a function that writes it
                    path = fig(out / stem)
                else:
                    path = out / f"{stem}.{fmt}"
                    fig.savefig(path)
                result["files"].append(str(path))
            bar.update(1)
        result["seconds"][stage.name] = time.perf_counter() - start
    return result


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
    """The report as text: one short section per stage."""
    parts = []
    if "parallel_lines" in report:
        r = report["parallel_lines"]
        keys = [k for k in r if k != "theta"]
        parts.append("Parallel lines P_0 vs P_theta (WGAN Example 1)\n" + _table(["theta"] + keys, [[t] + [r[k][i] for k in keys] for i, t in enumerate(r["theta"])]))
    if "estimators" in report:
        parts.append("Sample estimators: fitted rate of the RMS error (error ~ n^rate)\n"
                     + _table(["estimator", "rate"], [[k, v] for k, v in report["estimators"].items()]))  # fmt: skip
    if "mle" in report:
        r = report["mle"]
        parts.append(
            f"MLE = KL projection (P = {BIMODAL[0]})\n"
            + _table(["", "loc", "scale"], [[f"MLE, n = {r['n']}", r["mle_loc"], r["mle_scale"]],
                                            ["argmin KL(P||Q)", r["kl_projection_loc"], r["kl_projection_scale"]]])
            + f"\nexcess KL of the MLE: {fmt_number(r['excess_kl'])} nats\n"
            + _table(["criterion", "loc", "scale", "divergence"], [[k, v["loc"], v["scale"], v["divergence"]] for k, v in r["fits"].items()])
        )  # fmt: skip
    if "optimal" in report:
        r = report["optimal"]
        parts.append(
            f"Optimal discriminator (P = {OPTIMAL_P}, Q = {OPTIMAL_Q})\n"
            f"V(D*, G) by quadrature     {fmt_number(r['V(D*,G)'])}\n"
            f"-log 4 + 2 JSD(P, Q)       {fmt_number(r['-log4+2JSD'])}\n"
            f"V(D, G) trained MLP D      {fmt_number(r['V(D,G) first'])} at step 0 -> {fmt_number(r['V(D,G) last'])} at step {r['steps']}"
            f" (gap to D* {fmt_number(r['gap last'])} +- {fmt_number(r['gap se last'])})"
        )  # fmt: skip
    if "vanishing" in report:
        r = report["vanishing"]
        parts.append("Generator gradient norm after k discriminator steps (geometric mean over seeds)\n"
                     + _table(["cost"] + [f"k = {k}" for k in r["steps"]], [[c] + v for c, v in r["norms"].items()]))  # fmt: skip
    if "dirac" in report:
        rows = [[label, _complex_pair(v["eigenvalues"]), v["radius_simultaneous"], v["radius_alternating"],
                 v["end_norm_simultaneous"], v["end_norm_alternating"]] for label, v in report["dirac"].items()]  # fmt: skip
        parts.append(f"Dirac-GAN: eigenvalues of J at (0, 0); spectral radius of the update map (h = {DIRAC_H}); |(theta, psi)| at the end\n"
                     + _table(["model", "eigenvalues", "rho sim.", "rho alt.", "end sim.", "end alt."], rows))  # fmt: skip
    if "spectrum" in report:
        r = report["spectrum"]
        parts.append(f"Game Jacobian of a trained 1-D GAN: the rotating pair, without and with R1 (gamma = {fmt_number(r['gamma'])})\n"
                     + _table(["", "rotating pair", "max Re"], [["without R1", _complex_pair([r["rotating"]]), r["max_real"]],
                                                                ["with R1", _complex_pair([r["rotating_r1"]]), r["max_real_r1"]]]))  # fmt: skip
    if "ring" in report:
        parts.append(f"2-D GAN on the {RING}: sliced W1 to the data, first and last; kNN JSD last\n"
                     + _table(["loss", "steps", "sliced W1 first", "sliced W1 last", "JSD (kNN) last"],
                              [[k, v["steps"], v["sliced_w1_first"], v["sliced_w1_last"], v["js_knn_last"]] for k, v in report["ring"].items()]))  # fmt: skip
    if "costs" in report:
        r = report["costs"]
        parts.append("Generator cost slopes in the logit a (D(G(z)) = sigmoid(a))\n"
                     + _table(["cost"] + [f"a = {a:g}" for a in next(iter(r.values()))["logit"]], [[k] + v["slope_logit"] for k, v in r.items()]))  # fmt: skip
    if "bernoulli" in report:
        r = report["bernoulli"]
        parts.append(f"Bernoulli(p = {fmt_number(r['p'])}): minimizers of the expected sample loss over theta\n"
                     + _table(["m", "W1 (low)", "W1 (high)", "Cramér^2"], [list(row) for row in zip(r["m"], r["w1_low"], r["w1_high"], r["cramer2"])]))  # fmt: skip
    return "\n\n".join(parts)


def _tour(args) -> int:
    start = time.perf_counter()
    with single_threaded_blas():
        result = run_tour(args.out, args.format, args.quick, args.stages)
    print(format_report(result["report"]))
    print(f"\nwrote {len(result['files'])} files into {args.out}/ in {time.perf_counter() - start:.1f} s"
          + (f"; skipped {len(result['skipped'])} stage(s)" if result["skipped"] else ""))  # fmt: skip
    return 0


def add_parser(commands) -> None:
    """Register ``gantheory tour`` on the subparsers ``commands``."""
    tour = commands.add_parser(
        "tour",
        help="regenerate every figure and the training animation, and print the key numbers",
        description="Regenerate every figure of gantheory and the GAN training animation, and print the key numbers.",
    )
    tour.add_argument("--out", default=DEFAULT_OUT, help=f"folder for the figures (default {DEFAULT_OUT}/)")
    tour.add_argument("--format", default="png", choices=FORMATS, help="figure format (default png; the animation is always a GIF)")
    tour.add_argument("--quick", action="store_true", help="smaller, faster settings (seconds instead of a minute)")
    tour.add_argument("--stages", nargs="+", metavar="STAGE", help="run only these stages: " + ", ".join(s.name for s in STAGES))
    tour.set_defaults(run=_tour)
