"""The site's training explorer, timed: every run of ``gantheory.lab.explorer.EXPLORER_RUNS`` and the page's size.

Builds the page the docs build embeds (``build_explorer``: 26 runs, each loss on the ring of 8 and the grid of 25,
and the remedies on the non-saturating loss; ``--workers`` at once, each in its own process, BLAS on one thread) and
prints a table of each run's training time and final metrics, the wall time and the page's size against its bound
(``MAX_BYTES``, 15 MB).

Run: ``python benchmarks/lab_explorer.py [--steps 1000] [--workers 2] [--out explorer.html]`` (about 170 s of CPU at
1000 steps: the unrolled runs about 40 s each, the three critic losses 10-25 s, the others 2-5 s; about 90 s of wall
time on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one BLAS thread, set before NumPy loads
    os.environ.setdefault(_var, "1")

from gantheory.lab.explorer import MAX_BYTES, build_explorer, explorer_runs  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1000, help="training steps of every run (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="runs trained at once (default 2)")
    parser.add_argument("--out", type=Path, help="the page to write (default: a temporary file)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp()) / "explorer.html"
    start = time.perf_counter()
    data = explorer_runs(steps=args.steps, workers=args.workers)
    trained = time.perf_counter() - start
    page = build_explorer(out, data)
    built = time.perf_counter() - start
    print(f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; {args.steps} steps per run\n")
    print(f"{'run':44s} {'train s':>8s} {'sliced W1':>10s} {'modes':>6s} {'high quality':>13s}  stopped")
    for run in data:
        print(
            f"{run['label']:44s} {run['seconds']:8.1f} {run['sliced_w1'][-1]:10.3f} {run['modes_share'][-1]:6.2f} "
            f"{run['high_quality'][-1]:13.3f}  {run['stopped']}"
        )
    cpu = sum(run["seconds"] for run in data)
    print(
        f"\n{len(data)} runs: {cpu:.1f} s of training, {trained:.1f} s wall with {args.workers} worker(s); page "
        f"written {built - trained:.1f} s later: {page.path} {page.size / 1e6:.2f} MB (bound {MAX_BYTES / 1e6:.0f} MB)"
    )


if __name__ == "__main__":
    main()
