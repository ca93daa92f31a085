"""The site's training explorer: precomputed runs in one standalone HTML page that needs no Python (the ``lab`` extra).

Each loss of :data:`gantheory.gan.LOSSES`, and the remedies for mode collapse on the non-saturating loss, is trained
on the ring of 8 Gaussians and on the grid of 25 (:data:`EXPLORER_RUNS`, :func:`explorer_runs`); every snapshot is
turned into the lab's columns (:func:`gantheory.lab.views.history_view`) and drawn by the lab's own figures
(:func:`gantheory.lab.figures.plane_figure`, :func:`~gantheory.lab.figures.curves_figure`). :func:`build_explorer`
writes them into one HTML file with Bokeh's inline resources: a run selector and a snapshot slider swap the
embedded columns in the browser (a few lines of CustomJS), so the page loads nothing from the network and runs
without a server.

Run ``python -m gantheory.lab.explorer OUT.html [--steps N]`` to build it (the docs build does, into the site).

Examples
--------
>>> import tempfile, pathlib
>>> page = build_explorer(pathlib.Path(tempfile.mkdtemp()) / "explorer.html", runs=["ring · wgan_gp"], steps=4,
...                       batch_size=16, n_snapshots=2, n_snapshot=8, grid_size=4, progress=False)
>>> page.path.name, page.size < MAX_BYTES, [label for label, _ in page.run_seconds]
('explorer.html', True, ['ring · wgan_gp'])
"""

from __future__ import annotations

import argparse
import difflib
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import gantheory
from gantheory._validation import check_positive_int
from gantheory.distributions import grid_of_gaussians, ring_of_gaussians
from gantheory.gan.losses import LOSSES
from gantheory.gan.metrics import MODE_SAMPLES
from gantheory.gan.training import train
from gantheory.lab.views import ARROW_SHARE, PROBABILITY_LOSSES, history_view, output_label

__all__ = ["EXPLORER_RUNS", "MAX_BYTES", "ExplorerPage", "ExplorerRun", "build_explorer", "explorer_runs"]

#: The largest page :func:`build_explorer` writes (bytes): 15 MB, the site's bound for the page.
MAX_BYTES = 15_000_000

#: The explorer's targets: short name -> (title, constructor).
TARGETS = {
    "ring": ("ring of 8 Gaussians", lambda: ring_of_gaussians(8)),
    "grid": ("grid of 25 Gaussians", lambda: grid_of_gaussians(5)),
}

#: The remedies shown on the non-saturating loss: label suffix -> options of :func:`gantheory.gan.train`.
REMEDIES = {
    "pack 2": {"pack": 2},
    "unrolled 5": {"unroll": 5},
    "minibatch std": {"minibatch_std": True},
    "R1 1.0": {"r1": 1.0},
    "spectral norm": {"spectral_norm": True},
    "linear lr decay": {"lr_schedule": "linear"},
}


@dataclass(frozen=True)
class ExplorerRun:
    """One run of the explorer: its label, target (a key of :data:`TARGETS`), loss and further training options."""

    label: str
    target: str
    loss: str
    options: dict


@dataclass(frozen=True)
class ExplorerPage:
    """What :func:`build_explorer` wrote: the file, its size in bytes, and each run's training time (label, s)."""

    path: Path
    size: int
    run_seconds: list


def _all_runs():
    runs = []
    for target in TARGETS:
        runs += [ExplorerRun(f"{target} · {loss}", target, loss, {}) for loss in LOSSES]
        runs += [
            ExplorerRun(f"{target} · non_saturating + {name}", target, "non_saturating", dict(options))
            for name, options in REMEDIES.items()
        ]
    return runs


#: Every run of the explorer: on each target the 7 losses with their defaults, then the non-saturating loss with
#: each remedy of :data:`REMEDIES` (26 runs).
EXPLORER_RUNS = _all_runs()


def _select(runs):
    """The :class:`ExplorerRun` of each label (None: all), or a ValueError naming the unknown one."""
    if runs is None:
        return list(EXPLORER_RUNS)
    if isinstance(runs, str):
        raise TypeError("runs must be a list of run labels (or None for all), not a single string")
    by_label = {run.label: run for run in EXPLORER_RUNS}
    chosen = []
    for label in runs:
        if isinstance(label, ExplorerRun):
            chosen.append(label)
            continue
        if label not in by_label:
            near = difflib.get_close_matches(str(label), list(by_label), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ValueError(f"runs: unknown run {label!r}{hint}; the runs are EXPLORER_RUNS' labels")
        chosen.append(by_label[label])
    if not chosen:
        raise ValueError("runs must name at least one run")
    return chosen


def _cost_hint(run):
    """A rough relative cost, to start the slow runs first (5 critic updates per step; unrolling)."""
    critic = 5 if run.loss in ("wgan", "wgan_gp", "cramer") else 1
    return critic * (1 + run.options.get("unroll", 0))


def _train_one(run, settings):
    """Train one run and keep what the page shows, as float32 arrays (a top-level function: it runs in a worker)."""
    target = TARGETS[run.target][1]()
    real = target.sample(settings["n_real"], rng=settings["rng"])
    steps = settings["steps"]
    start = time.perf_counter()
    history = train(
        target,
        steps=steps,
        loss=run.loss,
        batch_size=settings["batch_size"],
        log_every=max(1, steps // settings["n_logs"]),
        snapshot_every=max(1, -(-steps // (settings["n_snapshots"] - 1))),
        n_snapshot=settings["n_snapshot"],
        n_eval=settings["n_eval"],
        grid_size=settings["grid_size"],
        rng=settings["rng"],
        progress=False,
        **run.options,
    )
    seconds = time.perf_counter() - start
    return run_data(history, real, label=run.label, target=run.target, seconds=seconds)


def run_data(history, real, *, label, target, seconds=float("nan")):
    """What the page embeds of one run: each snapshot's view columns (float32) and the metric curves.

    Parameters
    ----------
    history : History
        A 2-D run of :func:`gantheory.gan.train` on a mixture target.
    real : ndarray, shape (m, 2)
        The data points drawn beside the generated ones.
    label, target : str
        The run's label and target name (a key of :data:`TARGETS`).
    seconds : float
        Its training time.

    Returns
    -------
    dict
        ``label``, ``target``, ``loss``, ``colour_label`` (:func:`~gantheory.lab.views.output_label`), ``seconds``,
        ``stopped``; per snapshot (``steps``: the snapshot steps, int32): ``heat`` (a list of ``(g, g)`` arrays, the
        drawn map), ``extent`` (``x``, ``y``, ``dw``, ``dh`` of the map), ``low``/``high`` (the colour range: [0, 1]
        for a probability, else the map's range), ``fake`` and ``tips`` (``(s, 2, n)``: the generated points' and
        their arrow tips' x and y), ``manifold`` (``(s, 2, L)``: G's manifold lines' x and y, one polyline with NaN
        between lines); the curves: ``cost_step``, ``d_cost``, ``g_cost`` (each step), ``log_step``,
        ``sliced_w1``, ``modes_share`` (modes covered / modes), ``high_quality``; ``real`` (``(2, m)``). Floats
        are the history's values cast to float32 (7 significant digits).

    Examples
    --------
    >>> import gantheory as gt
    >>> target = gt.ring_of_gaussians(8)
    >>> h = gt.gan.train(target, steps=2, batch_size=16, n_snapshot=8, grid_size=4, progress=False)
    >>> data = run_data(h, target.sample(5), label="ring · non_saturating", target="ring")
    >>> data["heat"][0].shape, data["fake"].shape, data["colour_label"], data["low"].tolist()
    ((4, 4), (3, 2, 8), 'D(x): probability of real', [0.0, 0.0, 0.0])
    """
    loss = history.config["loss"]
    f32 = np.float32
    frames = [history_view(history, k, real) for k in range(len(history.snapshot_steps))]
    heat = [np.asarray(view["heat"]["image"][0], dtype=f32) for view in frames]
    if loss in PROBABILITY_LOSSES:
        low, high = np.zeros(len(heat)), np.ones(len(heat))
    else:
        finite = [image[np.isfinite(image)] for image in heat]
        low = np.array([float(v.min()) if v.size else 0.0 for v in finite])
        high = np.array([float(v.max()) if v.size else 1.0 for v in finite])
        high = np.where(high > low, high, low + 1.0)

    def manifold(view):
        xs, ys = view["manifold"]["xs"], view["manifold"]["ys"]
        gap = np.array([np.nan])
        return [np.concatenate([c for line in lines for c in (np.asarray(line), gap)][:-1]) for lines in (xs, ys)]

    first = frames[0]["heat"]
    metrics = history.metrics
    n_modes = len(TARGETS[target][1]().components) if target in TARGETS else 1
    return {
        "label": label,
        "target": target,
        "loss": loss,
        "colour_label": output_label(loss),
        "seconds": float(seconds),
        "stopped": history.stopped,
        "steps": np.asarray(history.snapshot_steps, dtype=np.int32),
        "heat": heat,
        "extent": [float(first[key][0]) for key in ("x", "y", "dw", "dh")],
        "low": low.astype(f32),
        "high": high.astype(f32),
        "fake": np.array([[view["fake"]["x"], view["fake"]["y"]] for view in frames], dtype=f32),
        "tips": np.array([[view["arrows"]["x1"], view["arrows"]["y1"]] for view in frames], dtype=f32),
        "manifold": np.array([manifold(view) for view in frames], dtype=f32),
        "cost_step": np.arange(1, len(history.d_loss) + 1, dtype=np.int32),
        "d_cost": np.asarray(history.d_loss, dtype=f32),
        "g_cost": np.asarray(history.g_loss, dtype=f32),
        "log_step": np.asarray(history.log_steps, dtype=np.int32),
        "sliced_w1": np.asarray(metrics["sliced_w1"], dtype=f32),
        "modes_share": (np.asarray(metrics["modes"], dtype=np.float64) / n_modes).astype(f32),
        "high_quality": np.asarray(metrics["high_quality"], dtype=f32),
        "real": np.asarray(real, dtype=f32).T.copy(),
    }


def explorer_runs(
    runs=None,
    *,
    steps=1000,
    batch_size=128,
    n_snapshots=16,
    n_snapshot=256,
    n_eval=256,
    n_logs=40,
    grid_size=32,
    n_real=500,
    rng=0,
    workers=2,
    progress=True,
):
    """Train the explorer's runs (:data:`EXPLORER_RUNS`, or those labelled in ``runs``) and return their page data.

    Parameters
    ----------
    runs : list of str, optional
        Labels of :data:`EXPLORER_RUNS` (default: all 26).
    steps, batch_size : int
        Of every run (the default players and each loss's default optimizer, :func:`gantheory.gan.train`).
    n_snapshots : int
        Snapshots per run, evenly spaced from step 0 to ``steps`` (>= 2).
    n_snapshot, n_eval, grid_size : int
        Generated points per snapshot, points of each metric estimate, the map's grid points per axis.
    n_logs : int
        Metric evaluations per run (about; every ``steps // n_logs`` steps).
    n_real : int
        Data points drawn beside them.
    rng : int
        The seed of every run (and of the data points).
    workers : int
        Runs trained at once, each in its own process (1: in this one).
    progress : bool
        A tqdm bar over the runs.

    Returns
    -------
    list of dict
        One :func:`run_data` per run, in the order of ``runs``.

    Examples
    --------
    >>> data = explorer_runs(["grid · least_squares"], steps=3, batch_size=16, n_snapshots=2, n_snapshot=8,
    ...                      grid_size=4, workers=1, progress=False)
    >>> data[0]["label"], data[0]["steps"].tolist(), data[0]["colour_label"]
    ('grid · least_squares', [0, 3], 'critic score f(x)')
    """
    chosen = _select(runs)
    settings = {
        "steps": check_positive_int(steps, "steps"),
        "batch_size": check_positive_int(batch_size, "batch_size"),
        "n_snapshots": check_positive_int(n_snapshots, "n_snapshots"),
        "n_snapshot": check_positive_int(n_snapshot, "n_snapshot"),
        "n_eval": check_positive_int(n_eval, "n_eval"),
        "n_logs": check_positive_int(n_logs, "n_logs"),
        "grid_size": check_positive_int(grid_size, "grid_size"),
        "n_real": check_positive_int(n_real, "n_real"),
        "rng": rng,
    }
    if settings["n_snapshots"] < 2:
        raise ValueError(f"n_snapshots must be >= 2 (the first and the last step), got {n_snapshots}")
    workers = check_positive_int(workers, "workers")
    from tqdm.auto import tqdm

    bar = tqdm(total=len(chosen), desc="explorer runs", unit="run", disable=not progress)
    results = [None] * len(chosen)
    order = sorted(range(len(chosen)), key=lambda i: -_cost_hint(chosen[i]))
    try:
        if workers == 1 or len(chosen) == 1:
            for i in order:
                results[i] = _train_one(chosen[i], settings)
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=min(workers, len(chosen))) as pool:
                futures = {pool.submit(_train_one, chosen[i], settings): i for i in order}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update()
    finally:
        bar.close()
    for data in results:
        data["settings"] = settings
    return results


def _caption(data):
    settings = data[0]["settings"]
    targets = sorted({d["target"] for d in data}, key=list(TARGETS).index)
    return (
        f"<p><b>{len(data)} precomputed runs</b> of <code>gantheory.gan.train</code> on the "
        f"{' and the '.join(TARGETS[t][0] for t in targets)}: {settings['steps']} steps each at batch "
        f"{settings['batch_size']}, seed {settings['rng']}, the default 64-unit players and each loss's default "
        "optimizer; the remedies are on the non-saturating loss. Nothing trains in your browser: pick a run and move "
        f"the slider over its {max(len(d['steps']) for d in data)} snapshots.</p>"
        "<p><b>Left</b>: the discriminator's map on a "
        f"{settings['grid_size']}&times;{settings['grid_size']} grid (D(x), a probability, for the minimax, "
        "non-saturating and maximum-likelihood losses; the critic's score, on the colour range of that frame, for "
        "the others: the colour bar says which), the data (blue), "
        f"{settings['n_snapshot']} generated points from fixed noise (orange), G's manifold (green: the image of a "
        "latent grid), and white arrows, the generator's cost gradient at each point, <i>scaled</i> so that the "
        f"longest is {ARROW_SHARE:.0%} of the view's width (lengths compare within a frame only). "
        "<b>Right</b>: each step's costs, and the metrics, which are <i>estimates</i>: sliced W1 on "
        f"{settings['n_eval']} generated and {settings['n_eval']} data points; the share of modes covered and the "
        f"share of high-quality samples (within 3 sd of a mode) on {max(MODE_SAMPLES, settings['n_eval'])} "
        "generated points. The dashed line marks the snapshot shown. One seed per run: another seed can end "
        f"elsewhere. Built with gantheory {gantheory.__version__}.</p>"
    )


# The page's only script: show run `select.value` at snapshot `slider.value` (columns swapped, nothing computed).
_UPDATE_JS = """
const get = (o, k) => (o instanceof Map ? o.get(k) : o[k]);
const i = Math.max(0, labels.indexOf(select.value));
const r = runs[i];
const steps = get(r, "steps");
const s = steps.length;
if (slider.end != s - 1) { slider.end = s - 1; }
const k = Math.min(slider.value, s - 1);
if (slider.value != k) { slider.value = k; return; }   // its own callback draws the frame
const row = (a, frame, j, len) => new Float32Array(a.buffer, a.byteOffset + 4 * ((2 * frame + j) * len), len);
const fake = get(r, "fake"), tips = get(r, "tips"), line = get(r, "manifold");
const n = fake.shape[2], m = line.shape[2];
const fx = row(fake, k, 0, n), fy = row(fake, k, 1, n);
const ext = get(r, "extent");
sources.heat.data = {image: [get(r, "heat")[k]], x: [ext[0]], y: [ext[1]], dw: [ext[2]], dh: [ext[3]]};
sources.fake.data = {x: fx, y: fy};
sources.arrows.data = {x0: fx, y0: fy, x1: row(tips, k, 0, n), y1: row(tips, k, 1, n)};
sources.manifold.data = {xs: [row(line, k, 0, m)], ys: [row(line, k, 1, m)]};
const real = reals[get(r, "target")];
if (sources.real.data.x !== real[0]) { sources.real.data = {x: real[0], y: real[1]}; }
mapper.low = get(r, "low")[k];
mapper.high = get(r, "high")[k];
bar.title = get(r, "colour_label");
if (costs.data.d_cost !== get(r, "d_cost")) {
  costs.data = {step: get(r, "cost_step"), d_cost: get(r, "d_cost"), g_cost: get(r, "g_cost")};
  metrics.data = {step: get(r, "log_step"), sliced_w1: get(r, "sliced_w1"), modes_share: get(r, "modes_share"),
                  high_quality: get(r, "high_quality")};
}
for (const marker of markers) { marker.location = steps[k]; }
plane.title.text = "step " + steps[k] + " of " + steps[s - 1];
status.text = "snapshot " + (k + 1) + " of " + s + " (step " + steps[k] + "); trained in " +
  get(r, "seconds").toFixed(1) + " s; " + get(r, "stopped");
"""


def build_explorer(path, runs=None, *, progress=True, **options):
    """Write the explorer: one standalone HTML page (Bokeh, inline resources) of precomputed runs.

    Parameters
    ----------
    path : str or Path
        The HTML file to write (its folder is created).
    runs : list of str or list of dict, optional
        Labels of :data:`EXPLORER_RUNS` to train (default: all), or the output of :func:`explorer_runs`.
    progress : bool
        A tqdm bar over the runs (when they are trained here).
    **options
        Of :func:`explorer_runs` (``steps``, ``batch_size``, ``n_snapshots``, ...), when the runs are trained here.

    Returns
    -------
    ExplorerPage
        The path, its size in bytes (at most :data:`MAX_BYTES`, else ValueError: the file is removed) and each
        run's training time.

    Notes
    -----
    The page holds Bokeh's JavaScript (about 2 MB) and every snapshot's columns as float32 (base64 of Bokeh's
    gzipped buffers): about 0.28 MB per run at the defaults (16 snapshots of a 32 x 32 map and 256 points, 1000 steps
    of costs), 9.4 MB for the 26 runs. It loads nothing: no CDN, no font, no data file. The interaction is one
    CustomJS callback that swaps the embedded columns into the lab's figures.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "page.html"
    >>> page = build_explorer(out, ["ring · minimax", "grid · cramer"], steps=3, batch_size=16, n_snapshots=2,
    ...                       n_snapshot=8, grid_size=4, workers=1, progress=False)
    >>> import re
    >>> re.findall(r"<script[^>]*\\bsrc=|<link[^>]*\\bhref=", out.read_text(encoding="utf-8")), page.size == out.stat().st_size
    ([], True)
    """
    from bokeh.embed import file_html
    from bokeh.layouts import column, row
    from bokeh.models import ColorBar, ColumnDataSource, CustomJS, Div, Select, Slider
    from bokeh.resources import INLINE

    from gantheory.lab.figures import curves_figure, empty_sources, plane_figure

    path = Path(path)
    if runs is not None and len(runs) and isinstance(runs[0], dict):
        if options:
            raise TypeError(f"build_explorer: options {sorted(options)} apply to runs trained here, not given data")
        data = list(runs)
    else:
        data = explorer_runs(runs, progress=progress, **options)
    labels = [d["label"] for d in data]
    first = data[0]
    sources = empty_sources(["heat", "real", "fake", "manifold", "arrows"])
    plane, mapper = plane_figure(sources, colour_label=first["colour_label"], width=460, height=450)
    plane.x_range.range_padding = plane.y_range.range_padding = 0
    bar = next(item for item in plane.right if isinstance(item, ColorBar))
    costs = ColumnDataSource({"step": [], "d_cost": [], "g_cost": []})
    metrics = ColumnDataSource({"step": [], "sliced_w1": [], "modes_share": [], "high_quality": []})
    cost_fig, cost_marker = curves_figure(
        costs, {"d_cost": "discriminator", "g_cost": "generator"}, title="costs, each step", y_label="cost"
    )
    w1_fig, w1_marker = curves_figure(
        metrics, {"sliced_w1": "sliced W1"}, title="sliced W1 to the data (estimate)", y_label="sliced W1"
    )
    mode_fig, mode_marker = curves_figure(
        metrics,
        {"modes_share": "modes covered", "high_quality": "high quality"},
        title="share of modes covered; of high-quality samples",
        y_label="share",
    )
    for fig in (plane, cost_fig, w1_fig, mode_fig):
        fig.toolbar.autohide = True  # the tools show on hover, not over the titles
    for fig in (cost_fig, w1_fig, mode_fig):
        fig.width, fig.height = 430, 205
        fig.x_range.start = 0
    mode_fig.y_range.start, mode_fig.y_range.end = 0, 1.05
    select = Select(title="run", value=labels[0], options=labels, width=340)
    last = len(first["steps"]) - 1
    slider = Slider(title="snapshot", start=0, end=max(last, 1), value=last, step=1, width=380)
    status = Div(text="", width=760)
    reals = {d["target"]: [d["real"][0], d["real"][1]] for d in data}
    embedded = [{key: value for key, value in d.items() if key != "settings"} for d in data]
    callback = CustomJS(
        args={
            "runs": embedded,
            "labels": labels,
            "reals": reals,
            "select": select,
            "slider": slider,
            "sources": sources,
            "mapper": mapper,
            "bar": bar,
            "costs": costs,
            "metrics": metrics,
            "markers": [cost_marker, w1_marker, mode_marker],
            "plane": plane,
            "status": status,
        },
        code=_UPDATE_JS,
    )
    select.js_on_change("value", callback)
    slider.js_on_change("value", callback)
    _fill(first, last, sources, reals, mapper, costs, metrics, (cost_marker, w1_marker, mode_marker), plane, status)
    layout = column(
        Div(text=_caption(data), width=880),
        row(select, slider),
        status,
        row(plane, column(cost_fig, w1_fig, mode_fig)),
    )
    html = file_html(layout, INLINE, title="gantheory: training explorer")
    # Panel, once imported in this process (the live lab, chapter 3), registers its ESM model, and Bokeh then lists
    # that model's module shim, a script at a path relative to a Panel server, in every page it writes. This page
    # uses no Panel model: the script would only be a failed request.
    html = re.sub(r'<script[^>]*\bsrc="static/extensions/panel/[^"]*"[^>]*>\s*</script>\s*', "", html)
    size = len(html.encode("utf-8"))
    if size > MAX_BYTES:
        raise ValueError(
            f"the explorer page would be {size / 1e6:.1f} MB, over {MAX_BYTES / 1e6:.0f} MB: fewer runs, "
            "snapshots or points"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return ExplorerPage(path, size, [(d["label"], d["seconds"]) for d in data])


def _fill(run, k, sources, reals, mapper, costs, metrics, markers, plane, status):
    """The first frame, set in Python (the page opens on it before any callback runs)."""
    ext = run["extent"]
    sources["heat"].data = {"image": [run["heat"][k]], "x": [ext[0]], "y": [ext[1]], "dw": [ext[2]], "dh": [ext[3]]}
    fx, fy = run["fake"][k]
    sources["fake"].data = {"x": fx, "y": fy}
    sources["arrows"].data = {"x0": fx, "y0": fy, "x1": run["tips"][k][0], "y1": run["tips"][k][1]}
    sources["manifold"].data = {"xs": [run["manifold"][k][0]], "ys": [run["manifold"][k][1]]}
    real = reals[run["target"]]
    sources["real"].data = {"x": real[0], "y": real[1]}
    mapper.low, mapper.high = float(run["low"][k]), float(run["high"][k])
    costs.data = {"step": run["cost_step"], "d_cost": run["d_cost"], "g_cost": run["g_cost"]}
    metrics.data = {
        key: run[name]
        for key, name in (
            ("step", "log_step"),
            ("sliced_w1", "sliced_w1"),
            ("modes_share", "modes_share"),
            ("high_quality", "high_quality"),
        )
    }
    for marker in markers:
        marker.location = int(run["steps"][k])
    plane.title.text = f"step {int(run['steps'][k])} of {int(run['steps'][-1])}"
    status.text = (
        f"snapshot {k + 1} of {len(run['steps'])} (step {int(run['steps'][k])}); trained in {run['seconds']:.1f} s; "
        f"{run['stopped']}"
    )


def main(argv=None):
    """``python -m gantheory.lab.explorer OUT.html [--steps N] [--workers W]``: build the page, print size and time."""
    parser = argparse.ArgumentParser(prog="python -m gantheory.lab.explorer", description=main.__doc__)
    parser.add_argument("out", type=Path, help="the HTML file to write")
    parser.add_argument("--steps", type=int, default=1000, help="training steps of every run (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="runs trained at once (default 2)")
    parser.add_argument("--runs", nargs="+", metavar="LABEL", help="labels of EXPLORER_RUNS (default: all)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    page = build_explorer(args.out, args.runs, steps=args.steps, workers=args.workers, progress=not args.quiet)
    seconds = time.perf_counter() - start
    train = sum(s for _, s in page.run_seconds)
    print(
        f"explorer: {page.path} {page.size / 1e6:.2f} MB, {len(page.run_seconds)} runs of {args.steps} steps, "
        f"built in {seconds:.1f} s ({train:.1f} s of training over {args.workers} worker(s))"
    )
    return page


if __name__ == "__main__":
    main()
