"""The ``gantheory`` command: one module per subcommand, each with ``add_parser(commands)``.

* ``gantheory divergence`` (:mod:`gantheory.cli.divergence`): every divergence
  between two distributions or two samples.
* ``gantheory train`` (:mod:`gantheory.cli.train`): train a small GAN on a
  target; write ``history.json`` and ``samples.png``.
* ``gantheory tour`` (:mod:`gantheory.cli.tour`): regenerate every figure and
  the training animation (into ``gantheory-tour/``, or ``--out figures``), and
  print the key numbers.

Exit status: 0 on success, 2 for bad input (a message on standard error,
before any work), 1 for a run that stopped on a NaN or inf, 130 after Ctrl-C.

A mistyped subcommand, option or choice gets a suggestion (``gantheory train
--targt ...``: "unrecognized arguments: --targt ...; did you mean --target?"),
from :func:`did_you_mean` (:mod:`difflib`), and the error line comes first,
before the subcommand's usage.

Examples
--------
>>> from gantheory.cli import build_parser
>>> build_parser().parse_args(["divergence", "--n", "0"]).command
'divergence'
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import math
import os
import sys
from pathlib import Path

SUBCOMMANDS = ("divergence", "train", "tour", "lab")  # modules of gantheory.cli, imported when the parser is built


def did_you_mean(word, candidates) -> str:
    """``"; did you mean X?"`` for the candidate closest to ``word`` (:func:`difflib.get_close_matches`), else ``""``.

    Examples
    --------
    >>> did_you_mean("ring_of_gausians", ["Normal", "ring_of_gaussians", "grid_of_gaussians"])
    '; did you mean ring_of_gaussians?'
    >>> did_you_mean("--targt", ["--target", "--loss"]), did_you_mean("zzz", ["--target"])
    ('; did you mean --target?', '')
    """
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


# A usage of more lines than this is replaced, under an error, by one line pointing at --help.
SHORT_USAGE_LINES = 4


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors come first and suggest the nearest name (Python 3.14's ``suggest_on_error``).

    * an unknown subcommand or choice (``--loss hinj``): "invalid choice: ...;
      did you mean hinge?";
    * unknown options (``train --targt x``): reported by the subcommand's own
      parser, with the option nearest to each;
    * the message is printed first, then the usage (one line pointing at
      ``--help`` where the usage is long), and the exit status is 2.
    """

    def _check_value(self, action, value):
        # argparse's own check (a private hook, present in Python 3.8-3.13), with the nearest choice added
        if action.choices is not None and value not in action.choices:
            choices = ", ".join(map(repr, action.choices))
            raise argparse.ArgumentError(
                action, f"invalid choice: {value!r} (choose from {choices}){did_you_mean(value, action.choices)}"
            )
        return super()._check_value(action, value)

    def parse_args(self, args=None, namespace=None):
        args, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = getattr(self, "subcommands", {}).get(getattr(args, "command", None), self)
            options = [o for action in parser._actions for o in action.option_strings if o.startswith("--")]
            hints = "".join(did_you_mean(e.split("=")[0], options) for e in extras if e.startswith("-"))
            parser.error(f"unrecognized arguments: {' '.join(extras)}{hints}")
        return args

    def error(self, message):
        usage = self.format_usage().strip()
        if usage.count("\n") >= SHORT_USAGE_LINES:
            usage = f"usage: {self.prog} [options]  (every option: {self.prog} --help)"
        self.exit(2, f"{self.prog}: error: {message}\n{usage}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gantheory`` command."""
    from gantheory import __version__

    parser = Parser(prog="gantheory", description="The theory of GANs, computable, testable and visible.")
    parser.add_argument("--version", action="version", version=f"gantheory {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"gantheory.cli.{name}").add_parser(commands)
    parser.subcommands = dict(commands.choices)  # where an unknown option of a subcommand is reported
    return parser


def prepare_out(path, names, command: str) -> Path:
    """Create the output folder ``path`` before any work, and say on stderr which of the files ``names`` it replaces.

    Raises
    ------
    ValueError
        If ``path`` is a file or cannot be created or written to.

    Examples
    --------
    >>> import tempfile
    >>> out = prepare_out(tempfile.mkdtemp(), ["history.json"], "train")
    >>> out.is_dir()
    True
    """
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {str(path)!r} is a file, not a folder; give a folder (it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"--out {str(path)!r}: cannot create the folder: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ValueError(f"--out {str(path)!r}: the folder is not writable")
    existing = [name for name in names if (out / name).exists()]
    if existing:
        what = ", ".join(existing) if len(existing) <= 3 else f"{len(existing)} of the {len(names)} files it writes"
        print(f"gantheory {command}: {out}/ already holds {what}; overwriting", file=sys.stderr)
    return out


def _number(kind, minimum, what, strict=None):
    """An argparse type: a finite number of ``kind`` that is at least ``minimum`` (greater, if ``strict``: default for floats)."""
    strict = kind is float if strict is None else strict

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
        if not (math.isfinite(value) and (value > minimum if strict else value >= minimum)):
            raise argparse.ArgumentTypeError(f"must be {what}, got {text}")
        return value

    return parse


#: argparse types of the commands' numeric options.
positive_int = _number(int, 1, "a whole number >= 1")
count = _number(int, 0, "a whole number >= 0")
positive_float = _number(float, 0.0, "a number > 0")
non_negative_float = _number(float, 0.0, "a number >= 0", strict=False)


def main(argv=None) -> int:
    """Run the ``gantheory`` command; return its exit status (2 for bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:  # answered without building the subcommands, which import the library
        from gantheory import __version__

        print(f"gantheory {__version__}")
        return 0
    args = build_parser().parse_args(argv)
    try:
        status = args.run(args)
        sys.stdout.flush()  # a closed pipe shows up here, inside the try
        return status
    except (ValueError, TypeError) as exc:
        print(f"gantheory {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"gantheory {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader left (``gantheory ... | head``): stop quietly, and point stdout at
        # devnull so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
