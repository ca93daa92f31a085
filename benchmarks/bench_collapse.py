"""Mode collapse for real, over seeds: the plain GAN in a collapsing setting and each remedy, as a table chapter 7 reads.

Runs ``gt.gan.mode_collapse_table`` on ``gt.ring_of_gaussians(8)`` and ``gt.grid_of_gaussians(5)`` for the plain
non-saturating GAN in the setting :data:`PLAIN` (in which it collapses: it covers few modes, each sharply) and for
each remedy of ``gantheory.gan.modes.METHODS`` added to that same setting (:data:`REMEDIES`: the same players,
batch, lr and steps; only the remedy's own options change), over ``--n-runs`` seeds (``rng=0``: the seeds are
``np.random.SeedSequence(0).spawn(n_runs)``, the same for every row). Each run's generator draws 2500 points from
fixed noise; ``mode_coverage`` counts them (modes covered, high-quality share within 3 sd, reverse KL of the mode
histogram) and gives their k-NN precision and recall against a target sample (Kynkäänniemi et al. 2019).

``--goal`` adds the rows of ``gantheory.gan.modes.GOAL_METHODS`` (their own settings, 20000 steps: about 35 s of
CPU per run).

The table is written, per seed, to ``gantheory/data/collapse_tables.json`` (``--out`` to change it), with how it was
produced: the command, the date, the CPU seconds, the machine. Chapter 7 reads that file (mean ± sd over the seeds);
``tests/test_collapse_tables.py`` checks its shape only.

Run: ``python benchmarks/bench_collapse.py`` (5 seeds, both targets, every remedy; unrolled-5 costs about 45 s of CPU
per run, WGAN-GP 15 s, the others 3-5 s). The committed table was made by these calls: the ring with every remedy
(393 CPU s), the grid with the cheaper remedies and ``--merge`` (82 CPU s), then ``--methods --goal --merge`` for the
goal rows alone (440 CPU s; an earlier goal run, before GOAL_METHODS changed, is kept in the file's log as superseded).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one BLAS thread, set before NumPy loads
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import gantheory  # noqa: E402
from gantheory.gan.modes import METHODS, TARGETS, mode_collapse_table  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "gantheory" / "data" / "collapse_tables.json"

#: Per target, the plain GAN's collapsing setting: non-saturating cost, train's default MLPs (2-64-64-2, ReLU),
#: float32; on the ring Adam's lr 1e-2 for both players (ten times train's default) falling linearly to 0 over
#: 4000 steps of batch 64: the generator drops modes and sharpens the ones it keeps.
PLAIN = {
    "ring of 8": {"loss": "non_saturating", "lr": 1e-2, "batch_size": 64, "lr_schedule": "linear", "steps": 4000},
    "grid of 25": {"loss": "non_saturating", "lr": 1e-2, "batch_size": 64, "lr_schedule": "linear", "steps": 4000},
}

#: Each remedy of METHODS on top of PLAIN: only its own options.
REMEDIES = {
    "plain (non-saturating)": {},
    "minimax": {"loss": "minimax"},
    "R1 (γ = 0.1)": {"r1": 0.1},
    "PacGAN-2": {"pack": 2},
    "minibatch-std": {"minibatch_std": True},
    "unrolled-5": {"unroll": 5},
    "WGAN-GP": {"loss": "wgan_gp", "lr": None, "d_lr": None},
}


def _method_options(tname, extra):
    options = {**PLAIN[tname], **extra}
    return {k: v for k, v in options.items() if v is not None}


def _commit():
    try:
        where = Path(gantheory.__file__).resolve().parent  # the library actually imported, not this script's checkout
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=where)
        return out.stdout.strip() or None
    except OSError:
        return None


def _finite_or_none(x):
    x = float(x)
    return x if math.isfinite(x) else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-runs", type=int, default=5, help="seeds per row (>= 5 for the chapter)")
    parser.add_argument("--targets", nargs="*", default=list(TARGETS), help="names of gantheory.gan.modes.TARGETS")
    parser.add_argument("--methods", nargs="*", default=list(REMEDIES), help="names of REMEDIES")
    parser.add_argument("--goal", action="store_true", help="also the rows of gantheory.gan.modes.GOAL_METHODS")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--merge", action="store_true", help="keep the rows already in --out that this run does not redo"
    )
    args = parser.parse_args(argv)
    assert {"minimax", "R1", "unrolled-5", "PacGAN-2", "minibatch-std", "WGAN-GP"} <= set(METHODS)
    start_cpu, start = time.process_time(), time.perf_counter()
    rows = []
    for tname in args.targets:
        target = TARGETS[tname]
        methods = {name: _method_options(tname, REMEDIES[name]) for name in args.methods}
        if args.goal:
            from gantheory.gan.modes import GOAL_METHODS

            methods["goal setting (GOAL_METHODS)"] = dict(GOAL_METHODS[tname])
        for name, options in methods.items():
            table = mode_collapse_table({tname: target}, {name: options}, rng=0, n_runs=args.n_runs, progress=False)
            row = table.rows[0]
            entry = {
                "method": name,
                "target": tname,
                "options": {
                    k: (v if isinstance(v, (int, float, str, bool)) or v is None else repr(v))
                    for k, v in row.options.items()
                    if k != "dtype"
                },
                "seeds": list(row.seeds),
                "n_modes": row.n_modes,
                "modes": row.values("modes").tolist(),
                "counts": [list(c.counts) for c in row.coverage],
                "high_quality": row.values("high_quality").tolist(),
                "reverse_kl": [_finite_or_none(v) for v in row.values("reverse_kl")],
                "cpu_seconds": [round(s, 2) for s in row.cpu_seconds],
                "stopped": list(row.stopped),
            }
            if hasattr(row.coverage[0], "precision"):
                entry["precision"] = [float(c.precision) for c in row.coverage]
                entry["recall"] = [float(c.recall) for c in row.coverage]
            rows.append(entry)
            hq = 100 * np.array(entry["high_quality"])
            print(
                f"{tname:10s} {name:24s} modes {np.mean(entry['modes']):5.2f} ± {np.std(entry['modes'], ddof=1):4.2f}"
                f"   HQ {hq.mean():5.1f} ± {hq.std(ddof=1):4.1f} %   CPU {np.mean(entry['cpu_seconds']):5.1f} s/run",
                flush=True,
            )
    produced = {
        "command": shlex.join(
            ["python", "benchmarks/bench_collapse.py", *(argv if argv is not None else sys.argv[1:])]
        ),
        "gantheory": f"{gantheory.__version__} ({Path(gantheory.__file__).parent})",
        "commit": _commit(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_seconds": round(time.process_time() - start_cpu, 1),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "machine": f"{platform.machine()}, {platform.processor() or platform.system()}, {os.cpu_count()} CPUs",
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    doc = {
        "description": (
            "Mode collapse over seeds: the plain non-saturating GAN in a collapsing setting (plain_settings) and each "
            "remedy added to it; per seed, mode_coverage of 2500 generated points (3 sd), k-NN precision and recall "
            "(k = 3) where available. Read by notebooks/07_mode_collapse.ipynb; regenerated by "
            "benchmarks/bench_collapse.py."
        ),
        "produced_by": produced,
        "plain_settings": PLAIN,
        "remedies": REMEDIES,
        "n_samples": 2500,
        "n_sd": 3,
        "rows": rows,
    }
    if args.merge and args.out.exists():
        old = json.loads(args.out.read_text())
        new = {(r["target"], r["method"]) for r in rows}
        kept = [r for r in old["rows"] if (r["target"], r["method"]) not in new]
        doc["rows"] = kept + rows
        doc["produced_by"] = {"runs": [*old["produced_by"].get("runs", [old["produced_by"]]), produced]}
    else:
        doc["produced_by"] = {"runs": [produced]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out} ({produced['cpu_seconds']} CPU s)")


if __name__ == "__main__":
    main()
