"""``gantheory lab``: the live GAN lab in the browser (the ``lab`` extra: ``pip install "gantheory[lab]"``).

It starts Panel's Bokeh server on the local machine, prints the URL and opens a browser tab (unless
``--no-browser``). Every script and style comes from that server: the lab works offline. Stop it with Ctrl-C.

Examples
--------
>>> from gantheory.cli import build_parser
>>> args = build_parser().parse_args(["lab", "--no-browser", "--port", "5010", "--target", "grid"])
>>> args.port, args.browser, args.target
(5010, False, 'grid')
"""

from __future__ import annotations

TARGET_NAMES = ("ring", "grid", "mixture_1d", "normal_1d")  # gantheory.lab.session.TARGETS (not imported: no Panel)


def _lab(args) -> int:
    try:
        from gantheory.lab.app import serve
    except ImportError as exc:
        raise ValueError(f"{exc} (the core install has no Panel)") from None
    serve(port=args.port, show=args.browser, address=args.address, target=args.target, rng=args.seed)
    return 0


def add_parser(commands) -> None:
    """Register ``gantheory lab`` on the subparsers ``commands``."""
    from gantheory.cli import count

    p = commands.add_parser(
        "lab",
        help="the live GAN lab in the browser (needs the lab extra)",
        description="Serve the live GAN lab (Panel) on this machine, print its URL and open it in a browser.",
    )
    p.add_argument("--port", type=count, default=5006, help="port (default 5006; 0 picks a free one)")
    p.add_argument("--address", default="localhost", help="address to listen on (default localhost)")
    p.add_argument("--no-browser", dest="browser", action="store_false", help="do not open a browser tab")
    p.add_argument("--target", default="ring", choices=TARGET_NAMES, help="the first target (default ring)")
    p.add_argument("--seed", type=count, default=0, help="the run's seed (default 0)")
    p.set_defaults(run=_lab)
