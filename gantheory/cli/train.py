"""``gantheory train``: train a small GAN on a named target and write its history and figure.

The target is a distribution spec, as for ``gantheory divergence``
(``"ring_of_gaussians(8)"``, ``"Normal(2, 0.5)"``), or a sample file
(``.npy``/``.csv``). The run writes ``history.json``
(:meth:`gantheory.gan.History.save`; read it back with
:meth:`gantheory.gan.History.load`) and ``samples.png``
(:func:`gantheory.plotting.plot_training_snapshots`) into ``--out``.

Every argument is checked before any work: bad input exits with status 2
and a message. A run stopped by Ctrl-C (status 130) or by a NaN or inf
(status 1) still writes what it has: the completed steps.

Examples
--------
>>> import tempfile
>>> from gantheory.cli import main
>>> with tempfile.TemporaryDirectory() as out:
...     main(["train", "--target", "Normal(1, 0.5)", "--generator", "affine", "--steps", "20",
...           "--log-every", "10", "--snapshot-every", "10", "--quiet", "--out", out])   # doctest: +ELLIPSIS
target: Normal(loc=1.0, scale=0.5)
stopped: completed after 20 steps
...
0
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from gantheory.cli import count, non_negative_float, positive_float, positive_int, prepare_out

DEFAULT_TARGET = "ring_of_gaussians(8)"
FILES = ("history.json", "samples.png")
# Exit status of a run that stopped on a NaN or inf, and after Ctrl-C (128 + SIGINT, as shells report it).
STATUS_NON_FINITE, STATUS_INTERRUPTED = 1, 130


def _target(spec: str):
    """The target: a sample file (.npy/.csv, or any existing file) or a distribution spec."""
    from gantheory.cli import did_you_mean
    from gantheory.cli.divergence import SPEC_NAMES, load_sample, parse_distribution

    if spec.lower().endswith((".npy", ".csv")) or Path(spec).is_file():
        return load_sample(spec)
    try:
        return parse_distribution(spec)
    except ValueError:
        if "(" in spec or spec in SPEC_NAMES or did_you_mean(spec, SPEC_NAMES):
            raise  # a spec with a mistake in it (or a distribution's name): parse_distribution's message says what
        raise ValueError(
            f"--target {spec!r} is neither a sample file (no such file; give a .npy or .csv path) "
            f"nor a distribution spec (e.g. {DEFAULT_TARGET!r} or 'Normal(2, 0.5)')"
        ) from None


def _dimension(target) -> int:
    from gantheory.distributions import Distribution

    return target.dim if isinstance(target, Distribution) else (1 if target.ndim == 1 else target.shape[1])


def _check(args, target) -> None:
    """What the command can check before training (the library checks the rest, also before any work)."""
    from gantheory._validation import as_samples
    from gantheory.distributions import Distribution

    if not isinstance(target, Distribution):  # a sample file: its values checked here, with its name
        as_samples(target, f"--target {args.target!r}", np, ndims=(1, 2))
    dim = _dimension(target)
    if dim not in (1, 2):
        raise ValueError(f"--target must be 1-D or 2-D, got a {dim}-D target")
    if args.generator == "affine" and dim != 1:
        raise ValueError(f"--generator affine is for 1-D targets; this target is {dim}-D (use --generator mlp)")
    if args.batch_size % args.pack:
        raise ValueError(f"--pack {args.pack} needs a --batch-size divisible by it, got {args.batch_size}")


def stop_message(history) -> str:
    """How the run ended, with one number: the steps completed (and kept).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> stop_message(SimpleNamespace(steps=416, stopped="interrupted at step 417"))
    'interrupted by Ctrl-C after 416 completed steps'
    >>> stop_message(SimpleNamespace(steps=16, stopped="non-finite discriminator loss at step 17"))
    'non-finite discriminator loss after 16 completed steps'
    """
    if history.stopped == "completed":
        return f"completed after {history.steps} steps"
    reason = re.sub(r"\s+at step \d+$", "", history.stopped)  # the step that was undone; the count below says it
    if reason == "interrupted":
        reason = "interrupted by Ctrl-C"
    return f"{reason} after {history.steps} completed steps"


def _train(args) -> int:
    target = _target(args.target)
    _check(args, target)
    from threadpoolctl import threadpool_limits

    from gantheory.gan.training import Game, train

    game_options = {
        "generator": args.generator,
        "loss": args.loss,
        "optimizer": args.optimizer,
        "lr": args.lr,
        "d_lr": args.d_lr,
        "lr_schedule": args.lr_schedule,
        "batch_size": args.batch_size,
        "n_critic": args.n_critic,
        "update": args.update,
        "rng": args.seed,
        "unroll": args.unroll,
        "pack": args.pack,
        "minibatch_std": args.minibatch_std,
        "r1": args.r1,
        "spectral_norm": args.spectral_norm,
    }
    with threadpool_limits(limits=1):
        Game(
            target, **game_options
        )  # every check of the library (a NaN in a sample file, say), before anything is announced
    out = prepare_out(args.out, FILES, "train")
    print(f"target: {target!r}" if len(repr(target)) <= 120 else f"target: {args.target}", flush=True)

    from gantheory.plotting import plot_training_snapshots  # matplotlib only when the command runs

    with threadpool_limits(limits=1):  # small matrices: BLAS threads only add synchronization
        history = train(
            target,
            **game_options,
            steps=args.steps,
            log_every=args.log_every,
            snapshot_every=args.snapshot_every,
            progress=False if args.quiet else None,
        )
    history.save(out / "history.json")
    plot_training_snapshots(history, target=target).savefig(out / "samples.png")
    print(f"stopped: {stop_message(history)}")
    for line in metric_lines(history):
        print(line)
    print(f"wrote {out / 'history.json'} and {out / 'samples.png'}")
    if history.stopped == "completed":
        return 0
    return STATUS_INTERRUPTED if history.stopped.startswith("interrupted") else STATUS_NON_FINITE


def metric_lines(history) -> list[str]:
    """One line per logged metric, first and last value; the kNN JSD's noise floor on the kNN JSD's line.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> h = SimpleNamespace(log_steps=np.array([0, 100]), config={"n_eval": 256},
    ...                     metrics={"js_knn": np.array([0.4, 0.0]), "js_knn_floor": np.array([0.05, 0.05])})
    >>> metric_lines(h)
    ['js_knn: 0.4 at step 0 -> 0 at step 100 (at or below its noise floor 0.05, the largest of 10 data-against-data values at n = 256)']
    """
    from gantheory.gan.metrics import MODE_SAMPLES

    lines, floor = [], history.metrics.get("js_knn_floor")
    for name, values in history.metrics.items():
        if name == "js_knn_floor":
            continue
        last = f"{values[-1]:.4g}" if values[-1] == values[-1] else "NaN (why: metric_notes in history.json)"
        line = f"{name}: {values[0]:.4g} at step 0 -> {last} at step {history.log_steps[-1]}"
        if name == "js_knn" and floor is not None and floor[-1] == floor[-1]:
            where = "at or below" if values[-1] <= floor[-1] else "above"
            line += f" ({where} its noise floor {floor[-1]:.3g}, the largest of 10 data-against-data values at n = {history.config['n_eval']})"
        if name == "modes":
            line += f" (covered by {max(MODE_SAMPLES, history.config['n_eval'])} generated points)"
        lines.append(line)
    return lines


def add_parser(commands) -> None:
    """Register ``gantheory train`` on the subparsers ``commands``."""
    from gantheory.gan.config import LR_SCHEDULES, OPTIMIZERS, UPDATES
    from gantheory.gan.losses import LOSSES

    p = commands.add_parser(
        "train",
        help="train a small GAN on a target distribution; write history.json and samples.png",
        description=f"Train a GAN (gantheory.gan.train) on a target and write its history and a figure. Default target: {DEFAULT_TARGET}. "
        "Exit status: 0 completed, 1 stopped on a NaN or inf, 2 bad input, 130 Ctrl-C (the files hold the completed steps).",
    )
    p.add_argument(
        "--target",
        default=DEFAULT_TARGET,
        help="distribution spec (as for 'gantheory divergence') or a .npy/.csv sample file",
    )
    p.add_argument(
        "--loss",
        default="non_saturating",
        choices=sorted(LOSSES),
        metavar="LOSS",
        help=f"the game's costs: {', '.join(sorted(LOSSES))} (default non_saturating)",
    )
    p.add_argument(
        "--generator",
        default="mlp",
        choices=["mlp", "affine"],
        help="MLP (default) or the 1-D affine G(z) = mu + sigma z",
    )
    p.add_argument(
        "--optimizer", default=None, choices=sorted(OPTIMIZERS), help="default: the loss's (see gantheory.gan.train)"
    )
    p.add_argument("--lr", type=positive_float, default=None, help="generator learning rate (default: the loss's)")
    p.add_argument(
        "--d-lr",
        type=positive_float,
        default=None,
        help="discriminator learning rate (default: --lr if given, else the loss's)",
    )
    p.add_argument(
        "--lr-schedule",
        default=None,
        choices=sorted(LR_SCHEDULES),
        help="both players' lr times 1 - k/steps (linear) or (1 + cos(pi k/steps))/2 (cosine) at step k "
        "(default: constant)",
    )
    p.add_argument("--batch-size", type=positive_int, default=256, help="default 256")
    p.add_argument("--steps", type=positive_int, default=5000, help="training steps (default 5000)")
    p.add_argument(
        "--n-critic",
        type=positive_int,
        default=None,
        help="discriminator steps per generator step (default: the loss's)",
    )
    p.add_argument(
        "--update",
        default="alternating",
        choices=list(UPDATES),
        help="default alternating; extragradient and optimistic need --optimizer sgd",
    )
    p.add_argument("--log-every", type=count, default=100, help="steps between metrics (default 100; 0 for none)")
    p.add_argument(
        "--snapshot-every",
        type=count,
        default=None,
        help="steps between snapshots (default steps // 10; 0: first and last only)",
    )
    p.add_argument(
        "--unroll",
        type=count,
        default=0,
        help="unrolled discriminator updates in the generator's cost (Metz et al.; default 0)",
    )
    p.add_argument(
        "--pack", type=positive_int, default=1, help="samples the discriminator sees side by side (PacGAN; default 1)"
    )
    p.add_argument(
        "--minibatch-std",
        action="store_true",
        help="the batch's mean standard deviation as one more discriminator input",
    )
    p.add_argument(
        "--r1", type=non_negative_float, default=0.0, help="R1 penalty weight gamma on real data (default 0)"
    )
    p.add_argument("--spectral-norm", action="store_true", help="spectral normalization of the discriminator's layers")
    p.add_argument("--seed", type=int, default=0, help="fixes the whole run (default 0)")
    p.add_argument(
        "--out", default="run", help="output folder (default run/; files of the same name in it are replaced)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_train)
