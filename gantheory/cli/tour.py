"""``gantheory tour``: regenerate every figure and the training animation, and print the key numbers.

The stages, their settings and the report are :mod:`gantheory.tour`; this
module only parses the command line. The figures go to ``--out``
(default ``gantheory-tour/`` in the current folder; the repository's
``.gitignore`` lists it, so a run from the repository root leaves
``git status`` clean);
``--out figures`` regenerates the figures committed with the repository; ``report.txt`` beside them holds the printed report.

Examples
--------
>>> import tempfile
>>> from gantheory.cli import main
>>> with tempfile.TemporaryDirectory() as out:
...     main(["tour", "--quick", "--stages", "bernoulli", "--out", out])   # doctest: +ELLIPSIS
Bernoulli(p = 0.3): minimizers of the expected sample loss over theta
...
wrote ... files into ... in ... s
0
"""

from __future__ import annotations

import time

from gantheory.tour import FORMATS, STAGES

DEFAULT_OUT = "gantheory-tour"
REPORT = "report.txt"


def _tour(args) -> int:
    from gantheory import tour
    from gantheory.cli import prepare_out

    start = time.perf_counter()
    out = prepare_out(args.out, [*tour.stage_files(args.stages, args.format), REPORT], "tour")  # before any work
    result = tour.run_tour(out, args.format, args.quick, args.stages)
    text = tour.format_report(result["report"])
    (out / REPORT).write_text(text + "\n")  # the numbers behind these figures (the documentation site shows it)
    print(text)
    print(f"\nwrote {len(result['files']) + 1} files into {out}/ in {time.perf_counter() - start:.1f} s")
    return 0


def add_parser(commands) -> None:
    """Register ``gantheory tour`` on the subparsers ``commands``."""
    p = commands.add_parser(
        "tour",
        help="regenerate every figure and the training animation, and print the key numbers",
        description="Regenerate every figure of gantheory and the GAN training animation, and print the key numbers.",
    )
    p.add_argument(
        "--out",
        default=DEFAULT_OUT,
        help=f"folder for the figures (default {DEFAULT_OUT}/; --out figures regenerates the repository's)",
    )
    p.add_argument(
        "--format", default="png", choices=FORMATS, help="figure format (default png; the animation is always a GIF)"
    )
    p.add_argument("--quick", action="store_true", help="smaller, faster settings")
    p.add_argument(
        "--stages",
        nargs="+",
        metavar="STAGE",
        help="run only these stages (default all): " + ", ".join(s.name for s in STAGES),
    )
    p.set_defaults(run=_tour)
