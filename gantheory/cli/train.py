"""``gantheory train``: train a small GAN on a named target and write its history and figure.

The target is a distribution spec, as for ``gantheory divergence``
(``"ring_of_gaussians(8)"``, ``"Normal(2, 0.5)"``), or a sample file
(``.npy``/``.csv``). The run writes ``history.json`` (:meth:`gantheory.gan.History.to_json`)
and ``samples.png`` (:func:`gantheory.plotting.plot_training_snapshots`) into
``--out``; a run stopped by Ctrl-C or by a NaN keeps what it has.

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

from pathlib import Path

from gantheory.backend import single_threaded_blas
from gantheory.cli.divergence import load_sample, parse_distribution
from gantheory.gan.losses import LOSSES
from gantheory.gan.train import OPTIMIZERS, UPDATES, train

DEFAULT_TARGET = "ring_of_gaussians(8)"


def _target(spec: str):
    if spec.endswith((".npy", ".csv")):
        return load_sample(spec)
    return parse_distribution(spec)


def _train(args) -> int:
    from gantheory.plotting import plot_training_snapshots  # matplotlib only when the command runs

    target = _target(args.target)
    print(f"target: {target!r}" if len(repr(target)) <= 120 else f"target: {args.target}")
    with single_threaded_blas():  # small matrices: BLAS threads only add synchronization
        history = train(
            target, generator=args.generator, loss=args.loss, optimizer=args.optimizer, lr=args.lr, d_lr=args.d_lr,
            batch_size=args.batch_size, steps=args.steps, n_critic=args.n_critic, update=args.update,
            log_every=args.log_every, snapshot_every=args.snapshot_every, seed=args.seed,
            progress=False if args.quiet else None,
        )  # fmt: skip
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "history.json").write_text(history.to_json())
    figure = plot_training_snapshots(history)
    figure.savefig(out / "samples.png")
    what = "completed" if history.stopped == "completed" else history.stopped + ";"
    print(f"stopped: {what} after {history.steps} steps")
    for name, values in history.metrics.items():
        print(f"{name}: {values[0]:.4g} at step 0 -> {values[-1]:.4g} at step {history.log_steps[-1]}")
    print(f"wrote {out / 'history.json'} and {out / 'samples.png'}")
    return 0


def add_parser(commands) -> None:
    """Register ``gantheory train`` on the subparsers ``commands``."""
    p = commands.add_parser(
        "train",
        help="train a small GAN on a target distribution; write history.json and samples.png",
        description=f"Train a GAN (gantheory.gan.train) on a target and write its history and a figure. Default target: {DEFAULT_TARGET}.",
    )
    p.add_argument("--target", default=DEFAULT_TARGET, help="distribution spec (as for 'gantheory divergence') or a .npy/.csv sample file")
    p.add_argument("--loss", default="non_saturating", choices=sorted(LOSSES), help="the game's costs (default non_saturating)")
    p.add_argument("--generator", default="mlp", choices=["mlp", "affine"], help="MLP (default) or the 1-D affine G(z) = mu + sigma z")
    p.add_argument("--optimizer", default="adam", choices=sorted(OPTIMIZERS), help="default adam (betas 0.5, 0.999)")
    p.add_argument("--lr", type=float, default=1e-3, help="generator learning rate (default 1e-3)")
    p.add_argument("--d-lr", type=float, default=None, help="discriminator learning rate (default: --lr)")
    p.add_argument("--batch-size", type=int, default=256, help="default 256")
    p.add_argument("--steps", type=int, default=5000, help="training steps (default 5000)")
    p.add_argument("--n-critic", type=int, default=1, help="discriminator steps per generator step (default 1)")
    p.add_argument("--update", default="alternating", choices=list(UPDATES), help="default alternating")
    p.add_argument("--log-every", type=int, default=100, help="steps between metrics (default 100; 0 for none)")
    p.add_argument("--snapshot-every", type=int, default=None, help="steps between snapshots (default steps // 10)")
    p.add_argument("--seed", type=int, default=0, help="fixes the whole run (default 0)")
    p.add_argument("--out", default="run", help="output folder (default run/)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_train)
