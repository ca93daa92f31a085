"""``gantheory divergence``: every divergence between two distributions or two samples.

It prints every divergence between two distributions
``P`` and ``Q`` given as distribution specs (``--p``, ``--q``) or as two sample
files (``.npy``/``.csv``), or, with no arguments, a built-in example. Each row
gives the exact value between the distributions (closed form or quadrature)
where the distributions are known, and the value from the samples with its
method: *exact for the empirical measures* (the distance between the point
clouds themselves) or an *estimate* of the distance between the
distributions.

A sample value that cannot be trusted as the divergence between ``P`` and
``Q`` is marked ``!``, with the reason in a note under the table: beside an
infinite exact value (a sample value is always finite), or more than 50%
from the exact value (see :func:`untrusted_reason`).

With ``--json`` standard output is one JSON object and nothing else:
``{"P": ..., "Q": ..., "x": ..., "y": ..., "rows": [...]}``, each row with
``divergence``, ``exact``, ``method``, ``samples`` and ``sample_method``, and
where there are samples ``untrusted`` (true or false) and ``untrusted_reason``.
Values are numbers, the strings ``"inf"`` / ``"-inf"`` for infinite values
(JSON has no infinity), or ``null`` where there is no value. Progress and
warnings go to standard error: a bar on a terminal, otherwise one line per
row when the work is long (from the start for large samples, after two
seconds for anything else, such as 2-D cubature); a row that runs longer than
five seconds (the exact 2-D W1 between a few hundred unequal samples, for
one) says "still computing" every five seconds.

Examples
--------
>>> from gantheory.cli import main
>>> main(["divergence", "--n", "200", "--p", "Normal(0, 1)", "--q", "Normal(1, 1)"])   # doctest: +ELLIPSIS
P: Normal(loc=0.0, scale=1.0)
Q: Normal(loc=1.0, scale=1.0)
x, y: 200 samples from each (seed 0)
divergence  exact  method  samples  sample method
...
W1          1  closed form  ...
...
0
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import json
import math
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from gantheory import distributions
from gantheory._json import json_number
from gantheory._validation import as_samples
from gantheory.cli import count, did_you_mean
from gantheory.divergences import discrete, empirical, exact
from gantheory.divergences._density_estimates import knn_all

DEFAULT_P = "Normal(0, 1)"
DEFAULT_Q = "Mixture([Normal(-2, 0.5), Normal(2, 0.5)], [0.5, 0.5])"

EXACT_EMPIRICAL = "exact for the empirical measures"
# d-D exact W1 prices all n*m pairs: an assignment (equal sizes) or the LP by column generation (unequal sizes, about 10 s at 10^6 pairs).
MAX_ASSIGNMENT_PAIRS, MAX_LP_PAIRS = 4_000_000, 1_000_000
# d-D energy distance: O((n + m)^2) pairwise distances, about 2 s per 10^9 (measured 2026-11-27, shared 2-core machine).
MAX_ENERGY_PAIRS = 10_000_000_000


def _tv_histogram(x, y):
    p, q, _ = empirical.histogram(x, y)
    return discrete.tv(p, q)


def _w1_exact(x, y):
    pairs, limit = len(x) * len(y), (MAX_ASSIGNMENT_PAIRS if len(x) == len(y) else MAX_LP_PAIRS)
    if np.ndim(x) == 2 and pairs > limit:
        raise _Skipped(
            f"skipped: {len(x)} x {len(y)} pairs is too many for the CLI; call gt.empirical.w1 or use sliced W1"
        )
    return empirical.w1(x, y)


class _Skipped(Exception):
    """A sample row that the CLI leaves out, with the reason."""


def _knn_rows(x, y):
    """The four kNN rows, computed together: each sample indexed once, the JS distance the root of the JSD."""
    out = knn_all(x, y, k_kl=1, k_jsd=5)
    jsd = out["jsd"]
    return {
        "KL(P||Q)": out["kl_pq"],
        "KL(Q||P)": out["kl_qp"],
        "JS divergence": jsd,
        "JS distance": jsd if isinstance(jsd, Exception) else math.sqrt(jsd),  # the same estimate, not a second one
    }


def _energy_rows(x, y):
    """The Cramér and energy rows from one energy distance (Cramér = sqrt(E/2) in 1-D and 2-D)."""
    if np.ndim(x) == 2 and (len(x) + len(y)) ** 2 > MAX_ENERGY_PAIRS:
        raise _Skipped(
            f"skipped: {len(x)} + {len(y)} points make too many pairs for the CLI; "
            "call gt.empirical.energy_distance, or gt.empirical.sliced_cramer (O(n log n))"
        )
    energy = empirical.energy_distance(x, y)
    return {"Cramér l2": math.sqrt(energy / 2.0), "energy distance": energy}


# Functions that fill several rows at once (each called once per table); the rows name them.
ROW_GROUPS = (_knn_rows, _energy_rows)

_KNN_ROWS = [
    ("KL(P||Q)", _knn_rows, "kNN (Wang-Kulkarni-Verdu, k=1); estimate"),
    ("KL(Q||P)", _knn_rows, "kNN (Wang-Kulkarni-Verdu, k=1); estimate"),
    ("JS divergence", _knn_rows, "kNN entropies (k=5); estimate"),
    ("JS distance", _knn_rows, "sqrt of the kNN JSD; estimate"),
    ("TV", _tv_histogram, "plug-in histogram ('auto' bins); estimate"),
]
# (name, function, method) for samples, in print order; rows named like the exact ones line up with them.
SAMPLE_ROWS = {
    1: _KNN_ROWS
    + [
        ("W1", _w1_exact, f"sorting, O(n log n); {EXACT_EMPIRICAL}"),
        ("Cramér l2", _energy_rows, f"sorting, O(n log n); {EXACT_EMPIRICAL}"),
        ("energy distance", _energy_rows, f"2 l2^2 by sorting; {EXACT_EMPIRICAL}"),
    ],
    2: _KNN_ROWS
    + [
        ("W1", _w1_exact, f"optimal assignment / LP; {EXACT_EMPIRICAL}"),
        ("sliced W1", empirical.sliced_w1, "256 random projections (seed 0); estimate"),
        ("Cramér l2", _energy_rows, f"sqrt(E/2), chunked pairwise sums; {EXACT_EMPIRICAL}"),
        ("energy distance", _energy_rows, f"chunked pairwise sums, O(nm); {EXACT_EMPIRICAL}"),
    ],
}


# (name, function) of the exact divergences between distributions, in print order.
EXACT_ROWS = [
    ("KL(P||Q)", exact.kl),
    ("KL(Q||P)", lambda P, Q, **kw: exact.kl(Q, P, **kw)),
    ("JS divergence", exact.js_divergence),
    ("JS distance", exact.js_distance),
    ("TV", exact.tv),
    ("W1", exact.w1),
    ("Cramér l2", exact.cramer),
    ("energy distance", exact.energy_distance),
]

# What a bare name in a spec should have been (its call, with typical arguments).
_EXAMPLES = {
    "Normal": "Normal(0, 1)",
    "Uniform": "Uniform(0, 1)",
    "Laplace": "Laplace(0, 1)",
    "ring_of_gaussians": "ring_of_gaussians(8)",
    "grid_of_gaussians": "grid_of_gaussians(5)",
    "ParallelLines": "ParallelLines(0.5)",
}

SPEC_NAMES = (
    "Normal",
    "Uniform",
    "Laplace",
    "Mixture",
    "Dirac",
    "PointMasses",
    "MultivariateNormal",
    "Product",
    "ParallelLines",
    "ring_of_gaussians",
    "grid_of_gaussians",
)


def parse_distribution(spec: str):
    """Build a distribution from a spec such as ``"Mixture([Normal(-2, 0.5), Normal(2, 0.5)], [0.5, 0.5])"``.

    Only calls of the distribution classes in :mod:`gantheory.distributions`
    with number, list and tuple arguments are allowed (the spec is parsed,
    never evaluated as Python).

    Raises
    ------
    ValueError
        For anything else, naming what is not allowed: an empty spec,
        ``*args`` or ``**kwargs`` unpacking, expressions; an unknown name or
        argument name, with the nearest known one ("did you mean ...?").

    Examples
    --------
    >>> parse_distribution("Normal(0, scale=2)")
    Normal(loc=0.0, scale=2.0)
    >>> parse_distribution("ring_of_gausians(8)")
    Traceback (most recent call last):
    ...
    ValueError: distribution spec 'ring_of_gausians(8)': unknown name 'ring_of_gausians'; did you mean ring_of_gaussians? (the names: Normal, Uniform, Laplace, Mixture, Dirac, PointMasses, MultivariateNormal, Product, ParallelLines, ring_of_gaussians, grid_of_gaussians)
    >>> parse_distribution("Normal(**{'loc': 5})")
    Traceback (most recent call last):
    ...
    ValueError: distribution spec "Normal(**{'loc': 5})": **-unpacking is not allowed; write the arguments out, e.g. Normal(loc=5)
    """
    if not spec.strip():
        raise ValueError(
            f"distribution spec {spec!r} is empty; e.g. {DEFAULT_P!r}, or leave the option out for the default"
        )
    try:
        tree = ast.parse(spec, mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"cannot parse distribution spec {spec!r}: {exc.msg}") from None

    def build(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = build(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [build(e) for e in node.elts]
        if isinstance(node, ast.Name) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in SPEC_NAMES
        ):
            name = node.id if isinstance(node, ast.Name) else node.func.id
            if name in SPEC_NAMES:  # a bare name: the call is missing
                raise ValueError(
                    f"distribution spec {spec!r}: {name} needs its arguments, e.g. {_EXAMPLES.get(name, name + '(...)')}"
                )
            raise ValueError(
                f"distribution spec {spec!r}: unknown name {name!r}{did_you_mean(name, SPEC_NAMES)} (the names: {', '.join(SPEC_NAMES)})"
            )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SPEC_NAMES:
            if any(k.arg is None for k in node.keywords):
                raise ValueError(
                    f"distribution spec {spec!r}: **-unpacking is not allowed; write the arguments out, e.g. Normal(loc=5)"
                )
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise ValueError(
                    f"distribution spec {spec!r}: *-unpacking is not allowed; write the arguments out, e.g. Normal(0, 1)"
                )
            args = [build(a) for a in node.args]
            kwargs = {k.arg: build(k.value) for k in node.keywords}
            maker = getattr(distributions, node.func.id)
            known = [p for p in inspect.signature(maker).parameters if p != "self"]
            for key in kwargs:
                if key not in known:
                    raise ValueError(
                        f"distribution spec {spec!r}: {node.func.id} has no argument {key!r}{did_you_mean(key, known)} "
                        f"(its arguments: {', '.join(known)})"
                    )
            return maker(*args, **kwargs)
        raise ValueError(
            f"distribution spec {spec!r}: {ast.unparse(node)!r} is not allowed; use numbers, lists and {', '.join(SPEC_NAMES)}"
        )

    dist = build(tree)
    if not isinstance(dist, distributions.Distribution):
        raise ValueError(f"distribution spec {spec!r} does not describe a distribution")
    return dist


def _exact_value(f, P, Q):
    """(value, method) of an exact divergence: closed form first, else quadrature.

    A quadrature that misses its tolerance says so in the method column.
    """
    try:
        return f(P, Q, method="closed"), "closed form"
    except NotImplementedError:
        pass
    except ValueError:  # not defined for this pair
        return None, "not defined here"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", exact.AccuracyWarning)
        try:
            value = f(P, Q)
        except NotImplementedError:
            return None, "no closed form or certified quadrature"
    method = "quadrature" if P.dim == 1 else "cubature"
    missed = [w for w in caught if issubclass(w.category, exact.AccuracyWarning)]
    for message in dict.fromkeys(str(w.message) for w in missed):  # each distinct message once
        print(f"gantheory divergence: AccuracyWarning: {message}", file=sys.stderr)
    return value, method + (" (tolerance missed: see the AccuracyWarning on stderr)" if missed else "")


# Work above this many sample points (1-D; 2-D: a tenth of it) reports its progress off a terminal from the start;
# any other work once it has run for QUIET_SECONDS (2-D cubature, for one).
LONG_WORK_POINTS = 200_000
QUIET_SECONDS = 2.0


def _progress(rows, what, long):
    """Rows with their progress on standard error: a bar on a terminal; elsewhere one line per row once it matters."""
    if sys.stderr.isatty():
        yield from tqdm(rows, desc=what, unit="divergence", leave=False, file=sys.stderr)
        return
    start = time.monotonic()
    for i, row in enumerate(rows):
        if long or time.monotonic() - start > QUIET_SECONDS:
            print(f"gantheory divergence: {what} {i + 1}/{len(rows)}: {row[0]}", file=sys.stderr, flush=True)
        yield row


# A row still running after this many seconds says so on standard error, and again every as many seconds.
HEARTBEAT_SECONDS = 5.0


@contextlib.contextmanager
def _heartbeat(what):
    """While the block runs, print "still computing <what>: <seconds> s" on stderr every HEARTBEAT_SECONDS."""
    stop, start = threading.Event(), time.monotonic()

    def beat():
        while not stop.wait(HEARTBEAT_SECONDS):
            tqdm.write(
                f"gantheory divergence: still computing {what}: {time.monotonic() - start:.0f} s", file=sys.stderr
            )

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _check_same_dimension(P, Q):
    if P.dim != Q.dim:
        raise ValueError(f"P and Q must have the same dimension: P is {P.dim}-D and Q is {Q.dim}-D")


def divergence_table(P=None, Q=None, x=None, y=None) -> list[dict]:
    """Every divergence between ``P`` and ``Q`` (exact) and/or samples ``x`` and ``y``.

    Returns
    -------
    list of dict
        One row per divergence: ``divergence``, ``exact`` (value or None),
        ``method``, ``samples`` (value or None), ``sample_method``.
    """
    rows = {}
    if P is not None:
        _check_same_dimension(P, Q)
        for name, f in _progress(EXACT_ROWS, "exact values", long=False):
            with _heartbeat(f"the exact {name}"):
                value, method = _exact_value(f, P, Q)
            rows[name] = dict(divergence=name, exact=value, method=method, samples=None, sample_method="")
    if x is not None:
        x, y = as_samples(x, "x", np, (1, 2)), as_samples(y, "y", np, (1, 2))
        if x.ndim != y.ndim or (x.ndim == 2 and (x.shape[1] != y.shape[1] or x.shape[1] > 2)):
            raise ValueError(
                f"x and y must both be 1-D samples or both (n, 2) samples, got shapes {x.shape} and {y.shape}"
            )
        long = (len(x) + len(y)) * (1 if x.ndim == 1 else 10) >= LONG_WORK_POINTS
        groups = {}  # the results of the ROW_GROUPS functions, each computed once
        for name, f, method in _progress(SAMPLE_ROWS[x.ndim], "from samples", long):
            row = rows.setdefault(name, dict(divergence=name, exact=None, method="", samples=None))
            try:
                with _heartbeat(f"{name} from {len(x)} and {len(y)} points ({method.split(';')[0]})"):
                    if f in ROW_GROUPS:
                        if f not in groups:
                            groups[f] = f(x, y)
                        value = groups[f][name]
                        if isinstance(value, Exception):  # this estimate failed; the others of the group stand
                            raise value
                    else:
                        value = f(x, y)
                row.update(samples=value, sample_method=method)
            except (_Skipped, ValueError) as exc:  # e.g. repeated points for the kNN estimators
                row.update(samples=None, sample_method=f"not available: {exc}")
    return _flag(list(rows.values())) if x is not None else list(rows.values())


# A sample value this far from the exact one (relative and absolute) is flagged: n is too small for this pair.
UNTRUSTED_REL, UNTRUSTED_ABS = 0.5, 0.05


def untrusted_reason(exact_value, sample_value) -> str:
    """Why a sample value cannot be read as the divergence between P and Q ("" if there is no reason to doubt it).

    A sample value is always finite; beside an infinite exact value (e.g. KL
    between disjoint supports) it says nothing about the divergence. Beside a
    finite exact value it is flagged when it differs from it by more than
    ``UNTRUSTED_REL`` (50%) of the exact value and more than ``UNTRUSTED_ABS``
    (0.05): a huge exact value, or too few samples for this pair.

    Examples
    --------
    >>> untrusted_reason(float("inf"), 3.2)
    'the exact value is infinite; a sample value is always finite'
    >>> untrusted_reason(0.50, 0.52)
    ''
    >>> untrusted_reason(1200.0, 9.5)
    'more than 50% from the exact value'
    """
    if exact_value is None or sample_value is None:
        return ""
    if not math.isfinite(exact_value):
        return "the exact value is infinite; a sample value is always finite"
    if abs(sample_value - exact_value) > max(UNTRUSTED_REL * abs(exact_value), UNTRUSTED_ABS):
        return f"more than {UNTRUSTED_REL:.0%} from the exact value"
    return ""


def _flag(rows):
    """Add ``untrusted`` (bool) and ``untrusted_reason`` (str) to each row that has a sample value."""
    for row in rows:
        if "samples" in row and row.get("sample_method") is not None:
            reason = untrusted_reason(row["exact"], row["samples"])
            row.update(untrusted=bool(reason), untrusted_reason=reason)
    return rows


def to_json(header: dict, rows: list[dict]) -> str:
    """The header and the rows as one strict JSON object (see the module docstring).

    Examples
    --------
    >>> print(to_json({"P": "Normal(0, 1)"}, [dict(divergence="KL(P||Q)", exact=float("inf"), method="closed form")]))
    {
      "P": "Normal(0, 1)",
      "rows": [
        {
          "divergence": "KL(P||Q)",
          "exact": "inf",
          "method": "closed form"
        }
      ]
    }
    """
    rows = [{key: json_number(value) for key, value in row.items()} for row in rows]
    return json.dumps({**header, "rows": rows}, indent=2, ensure_ascii=False, allow_nan=False)


def format_table(rows: list[dict]) -> str:
    """Align the rows in columns, leaving out columns that are empty."""
    columns = [
        ("divergence", "divergence"),
        ("exact", "exact"),
        ("method", "method"),
        ("samples", "samples"),
        ("untrusted", "!"),
        ("sample_method", "sample method"),
    ]
    columns = [(key, title) for key, title in columns if any(r.get(key) not in (None, "", False) for r in rows)]

    def cell(value):
        if isinstance(value, bool):
            return "!" if value else ""
        return "-" if value is None else (f"{value:.6g}" if isinstance(value, float) else str(value))

    cells = [[title for _, title in columns]] + [[cell(r.get(key)) for key, _ in columns] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(columns))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(columns))).rstrip() for c in cells]
    reasons = {}  # each reason once, with its rows
    for r in rows:
        if r.get("untrusted"):
            reasons.setdefault(r["untrusted_reason"], []).append(r["divergence"])
    for reason, names in reasons.items():
        lines.append(f"! {', '.join(names)}: the sample value cannot be trusted here: {reason}")
    return "\n".join(lines)


def load_sample(path: str) -> np.ndarray:
    """Read a sample from a ``.npy`` or ``.csv`` file: shape (n,) or (n, d).

    A CSV has one sample per row, columns separated by commas; a single
    column (or a single row) gives a 1-D sample.

    Raises
    ------
    ValueError
        For a missing or empty file, an unknown extension or unreadable contents.
    """
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"sample file {path!r} does not exist")
    suffix = file.suffix.lower()
    if suffix not in (".npy", ".csv"):
        raise ValueError(f"sample file {path!r} must end in .npy or .csv")
    if file.stat().st_size == 0:
        raise ValueError(f"sample file {path!r} is empty")
    try:
        if suffix == ".npy":
            data = np.load(file, allow_pickle=False)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # NumPy's "input contained no data": reported below
                data = np.loadtxt(file, delimiter=",", ndmin=2)
            if 1 in data.shape:
                data = data.ravel()
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError(f"could not read {path!r}: {exc}") from None
    if data.size == 0:
        raise ValueError(f"sample file {path!r} holds no samples")
    return data


def _divergence(args) -> int:
    if (args.x is None) != (args.y is None):
        raise ValueError("give two sample files (X and Y), or none and use --p/--q or the built-in example")
    header = {}
    if args.x is not None:
        if args.p is not None or args.q is not None:
            raise ValueError("give either two sample files or --p/--q distribution specs, not both")
        P = Q = None
        x, y = load_sample(args.x), load_sample(args.y)
        header.update(x=f"{args.x}, shape {x.shape}", y=f"{args.y}, shape {y.shape}")
    else:
        specs = DEFAULT_P if args.p is None else args.p, DEFAULT_Q if args.q is None else args.q
        P, Q = (parse_distribution(spec) for spec in specs)
        for name, spec, dist in zip("PQ", specs, (P, Q)):
            header[name] = repr(dist) if len(repr(dist)) <= 120 else spec
        x, y = None, None
        if args.n > 0:
            _check_same_dimension(P, Q)
            x, y = P.sample(args.n, rng=args.seed), Q.sample(args.n, rng=args.seed + 1)
            header["x, y"] = f"{args.n} samples from each (seed {args.seed})"
    if not args.json:  # the header first: the table may take a while
        print("\n".join(f"{key}: {value}" for key, value in header.items()), flush=True)
    rows = divergence_table(P, Q, x, y)
    print(to_json(header, rows) if args.json else format_table(rows), flush=True)
    return 0


def add_parser(commands) -> None:
    """Register ``gantheory divergence`` on the subparsers ``commands``."""
    div = commands.add_parser(
        "divergence",
        help="every divergence between two distributions (specs) or two samples (.npy or .csv)",
        description=f"Every divergence between P and Q. With no arguments: P = {DEFAULT_P}, Q = {DEFAULT_Q}.",
    )
    div.add_argument("x", nargs="?", help="first sample file (.npy or .csv), shape (n,) or (n, d)")
    div.add_argument("y", nargs="?", help="second sample file")
    div.add_argument("--p", help=f"distribution spec of P, e.g. {DEFAULT_P!r}")
    div.add_argument("--q", help=f"distribution spec of Q, e.g. {DEFAULT_Q!r}")
    div.add_argument(
        "--n",
        type=count,
        default=5000,
        help="samples drawn from each of P and Q for the estimates (default 5000; 0 for none)",
    )
    div.add_argument("--seed", type=int, default=0, help="seed of those samples (default 0)")
    div.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object instead of the table (infinite values as the strings "inf"/"-inf", missing ones as null)',
    )
    div.set_defaults(run=_divergence)
