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
import os
import sys

from gantheory.cli import divergence, tour, train

SUBCOMMANDS = [divergence, train, tour]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gantheory`` command."""
    from gantheory import __version__

    parser = argparse.ArgumentParser(prog="gantheory", description="The theory of GANs, computable, testable and visible.")
    parser.add_argument("--version", action="version", version=f"gantheory {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(commands)
    return parser


def main(argv=None) -> int:
    """Run the ``gantheory`` command; return its exit status (2 for bad input)."""
    args = build_parser().parse_args(argv)
    try:
        status = args.run(args)
        sys.stdout.flush()  # a closed pipe shows up here, inside the try
        return status
    except (ValueError, TypeError) as exc:
        print(f"gantheory {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader left (``gantheory ... | head``): stop quietly, and point stdout at
        # devnull so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
