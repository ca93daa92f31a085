"""The ``gantheory`` command: one module per subcommand, each with ``add_parser(commands)``.

* ``gantheory divergence`` (:mod:`gantheory.cli.divergence`): every divergence
  between two distributions or two samples.
* ``gantheory train`` (:mod:`gantheory.cli.train`): train a small GAN on a
  target; write ``history.json`` and ``samples.png``.
* ``gantheory tour`` (:mod:`gantheory.cli.tour`): regenerate every figure and
  the training animation into ``figures/``, and print the key numbers.

Examples
--------
>>> from gantheory.cli import build_parser
>>> build_parser().parse_args(["divergence", "--n", "0"]).command
'divergence'
"""

from __future__ import annotations

import argparse
import sys

from gantheory.cli import divergence, tour, train

SUBCOMMANDS = [divergence, train, tour]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gantheory`` command."""
    parser = argparse.ArgumentParser(prog="gantheory", description="The theory of GANs, computable, testable and visible.")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(commands)
    return parser


def main(argv=None) -> int:
    """Run the ``gantheory`` command; return its exit status (2 for bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError) as exc:
        print(f"gantheory {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
