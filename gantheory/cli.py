"""The ``gantheory`` command.

``gantheory divergence`` computes every divergence between two samples and
prints a table with each value, its method, and whether it is exact (for the
empirical measures) or an estimate (of the distance between the underlying
distributions). With no files it uses two built-in example samples.

Examples
--------
>>> from gantheory.cli import main
>>> main(["divergence", "--n", "200"])   # doctest: +ELLIPSIS
x: 200 samples of N(0, 1) (built-in example)
y: 200 samples of 0.5 N(-2, 0.5^2) + 0.5 N(2, 0.5^2) (built-in example)
divergence ...
W1 ...
0
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from gantheory.divergences import empirical

EXACT = "exact (empirical measures)"
ESTIMATE = "estimate"

# (name, function, method, kind) for 1-D samples, in the order they are printed.
ROWS_1D = [
    ("W1", empirical.w1, "sorting, O(n log n)", EXACT),
    ("Cramér l2", empirical.cramer, "sorting, O(n log n)", EXACT),
    ("energy distance", empirical.energy_distance, "2 l2^2 by sorting, O(n log n)", EXACT),
]


def load_sample(path: str) -> np.ndarray:
    """Read a sample from a ``.npy`` or ``.csv`` file: shape (n,) or (n, d).

    A CSV has one sample per row, columns separated by commas; a single
    column (or a single row) gives a 1-D sample.

    Raises
    ------
    ValueError
        For a missing file, an unknown extension or unreadable contents.
    """
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"sample file {path!r} does not exist")
    suffix = file.suffix.lower()
    try:
        if suffix == ".npy":
            data = np.load(file, allow_pickle=False)
        elif suffix == ".csv":
            data = np.loadtxt(file, delimiter=",", ndmin=2)
            if 1 in data.shape:
                data = data.ravel()
        else:
            raise ValueError(f"sample file {path!r} must end in .npy or .csv")
    except (OSError, ValueError) as exc:
        raise ValueError(f"could not read {path!r}: {exc}") from None
    return data


def example_samples(n: int, seed: int = 0):
    """The built-in pair: N(0, 1) against a bimodal mixture, ``n`` points each."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = rng.choice([-2.0, 2.0], size=n) + 0.5 * rng.normal(size=n)
    return x, y, "N(0, 1)", "0.5 N(-2, 0.5^2) + 0.5 N(2, 0.5^2)"


def divergence_table(x, y) -> list[dict]:
    """Every divergence between samples ``x`` and ``y``: a list of rows (name, value, method, kind)."""
    rows = ROWS_1D
    return [dict(divergence=name, value=f(x, y), method=method, kind=kind) for name, f, method, kind in rows]


def format_table(rows: list[dict]) -> str:
    """Align the rows in columns."""
    header = ("divergence", "value", "method", "kind")
    cells = [header] + [(r["divergence"], f"{r['value']:.6g}", r["method"], r["kind"]) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    return "\n".join("  ".join(c[i].ljust(widths[i]) for i in range(4)).rstrip() for c in cells)


def _divergence(args) -> int:
    if (args.x is None) != (args.y is None):
        raise ValueError("give two sample files (X and Y), or none for the built-in example")
    if args.x is None:
        x, y, x_name, y_name = example_samples(args.n, args.seed)
        print(f"x: {len(x)} samples of {x_name} (built-in example)")
        print(f"y: {len(y)} samples of {y_name} (built-in example)")
    else:
        x, y = load_sample(args.x), load_sample(args.y)
        print(f"x: {args.x}, shape {x.shape}")
        print(f"y: {args.y}, shape {y.shape}")
    rows = divergence_table(x, y)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(format_table(rows))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gantheory`` command."""
    parser = argparse.ArgumentParser(prog="gantheory", description="The theory of GANs, computable, testable and visible.")
    commands = parser.add_subparsers(dest="command", required=True)
    div = commands.add_parser("divergence", help="every divergence between two samples (.npy or .csv), or a built-in example")
    div.add_argument("x", nargs="?", help="first sample file (.npy or .csv), shape (n,) or (n, d)")
    div.add_argument("y", nargs="?", help="second sample file")
    div.add_argument("--n", type=int, default=5000, help="size of each built-in example sample (default 5000)")
    div.add_argument("--seed", type=int, default=0, help="seed of the built-in example (default 0)")
    div.add_argument("--json", action="store_true", help="print JSON instead of a table")
    div.set_defaults(run=_divergence)
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
