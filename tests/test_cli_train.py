"""``gantheory train`` end to end with a few steps: both files written, the JSON loads back, bad input refused before any work."""

import json
import subprocess
import sys

import numpy as np
import pytest

import gantheory as gt
from gantheory.cli import main
from gantheory.cli import train as cli_train
from gantheory.gan import History

PNG = b"\x89PNG\r\n\x1a\n"


def test_train_command_writes_history_and_figure(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(
        [
            "train",
            "--target",
            "ring_of_gaussians(8)",
            "--loss",
            "wgan_gp",
            "--steps",
            "6",
            "--batch-size",
            "32",
            "--log-every",
            "3",
            "--snapshot-every",
            "3",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert status == 0
    assert json.loads((out / "history.json").read_text())["config"]["loss"] == "wgan_gp"
    h = History.load(out / "history.json")
    assert h.steps == 6 and h.log_steps.tolist() == [0, 3, 6]
    # the same run from the library, with --seed 0 passed as rng=0: the file holds it exactly
    again = gt.gan.train(
        gt.ring_of_gaussians(8),
        loss="wgan_gp",
        steps=6,
        batch_size=32,
        log_every=3,
        snapshot_every=3,
        rng=0,
        progress=False,
    )
    assert h == again
    assert (out / "samples.png").read_bytes()[:8] == PNG
    printed = capsys.readouterr().out
    assert "stopped: completed after 6 steps" in printed and "sliced_w1" in printed


def test_train_command_passes_the_remedies_and_constraints_to_train(tmp_path):
    out = tmp_path / "run"
    options = ["--steps", "4", "--batch-size", "16", "--log-every", "2", "--snapshot-every", "2"]
    assert (
        main(
            [
                "train",
                *options,
                "--unroll",
                "1",
                "--pack",
                "2",
                "--minibatch-std",
                "--r1",
                "0.5",
                "--spectral-norm",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    h = History.load(out / "history.json")
    again = gt.gan.train(
        gt.ring_of_gaussians(8),
        steps=4,
        batch_size=16,
        log_every=2,
        snapshot_every=2,
        rng=0,
        progress=False,
        unroll=1,
        pack=2,
        minibatch_std=True,
        r1=0.5,
        spectral_norm=True,
    )
    assert h == again and {h.config[k] for k in ("unroll", "pack")} == {1, 2} and h.config["r1"] == 0.5
    assert "modes" in h.metrics  # the ring is a mixture of isotropic normals: mode coverage is recorded


def test_a_pack_that_does_not_divide_the_batch_is_refused_before_anything_is_printed(tmp_path, capsys):
    assert main(["train", "--pack", "3", "--batch-size", "16", "--out", str(tmp_path / "run")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--pack 3 needs a --batch-size divisible by it" in captured.err
    assert not (tmp_path / "run").exists()


def test_train_command_reads_a_sample_file(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, gt.Normal(3, 1).sample(200, rng=0))
    assert (
        main(
            [
                "train",
                "--target",
                str(path),
                "--steps",
                "3",
                "--batch-size",
                "16",
                "--snapshot-every",
                "3",
                "--out",
                str(tmp_path),
                "--quiet",
            ]
        )
        == 0
    )
    assert History.load(tmp_path / "history.json").config["dim"] == 1


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--steps", "-5"),
        ("--steps", "0"),
        ("--batch-size", "0"),
        ("--lr", "-1e-3"),
        ("--lr", "nan"),
        ("--d-lr", "inf"),
        ("--n-critic", "0"),
        ("--log-every", "-1"),
        ("--snapshot-every", "2.5"),
        ("--loss", "hinge"),
        ("--unroll", "-1"),
        ("--pack", "0"),
        ("--r1", "-1"),
        ("--r1", "nan"),
    ],
)
def test_bad_numbers_are_refused_before_anything_is_printed(option, value, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", option, value, "--out", str(tmp_path / "run")])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"argument {option}" in captured.err
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("data/mydata", "is neither a sample file (no such file; give a .npy or .csv path) nor a distribution spec"),
        ("mydata", "is neither a sample file"),
        ("missing.npy", "does not exist"),
        ("Normal(0, -1)", "scale"),
    ],
)
def test_a_bad_target_is_refused_before_anything_is_printed(target, message, tmp_path, capsys):
    assert main(["train", "--target", target, "--out", str(tmp_path / "run"), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "run").exists()


def test_a_3d_sample_file_is_refused_before_anything_is_printed(tmp_path, capsys):
    np.savetxt(tmp_path / "x.csv", np.zeros((10, 3)), delimiter=",")
    assert main(["train", "--target", str(tmp_path / "x.csv"), "--out", str(tmp_path / "run"), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--target must be 1-D or 2-D, got a 3-D target" in captured.err


def test_the_affine_generator_on_a_2d_target_is_refused_before_any_work(capsys):
    assert main(["train", "--generator", "affine", "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--generator affine is for 1-D targets" in captured.err


def test_an_out_that_is_a_file_is_refused_before_training(tmp_path, monkeypatch, capsys):
    def fail(*args, **kwargs):
        raise AssertionError("trained")

    monkeypatch.setattr(sys.modules["gantheory.gan.training"], "train", fail)
    (tmp_path / "afile.txt").write_text("keep me")
    assert main(["train", "--out", str(tmp_path / "afile.txt"), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "is a file, not a folder" in captured.err
    assert (tmp_path / "afile.txt").read_text() == "keep me"
    assert main(["train", "--out", str(tmp_path / "afile.txt" / "run"), "--quiet"]) == 2  # a file on the way
    assert "cannot create the folder" in capsys.readouterr().err


def test_an_existing_run_is_overwritten_with_a_note(tmp_path, capsys):
    argv = [
        "train",
        "--target",
        "Normal(0, 1)",
        "--generator",
        "affine",
        "--steps",
        "2",
        "--log-every",
        "1",
        "--out",
        str(tmp_path),
        "--quiet",
    ]
    assert main(argv) == 0
    assert "overwriting" not in capsys.readouterr().err
    assert main(argv) == 0
    assert "already holds history.json, samples.png; overwriting" in capsys.readouterr().err


def test_ctrl_c_exits_130_and_keeps_the_completed_steps(tmp_path, monkeypatch, capsys):
    # Ctrl-C in the middle of the run: a generator whose 12th forward pass raises KeyboardInterrupt.
    # The library catches it, undoes the step in progress and returns the completed steps.
    module = sys.modules["gantheory.gan.training"]
    real_train = module.train

    class Interrupted(gt.gan.AffineGenerator):
        calls = 0

        def __call__(self, z):
            Interrupted.calls += 1
            if Interrupted.calls == 12:
                raise KeyboardInterrupt
            return super().__call__(z)

    monkeypatch.setattr(
        module, "train", lambda target, **kw: real_train(target, **(kw | {"generator": Interrupted(0.0, 1.0)}))
    )
    argv = [
        "train",
        "--target",
        "Normal(0, 1)",
        "--generator",
        "affine",
        "--steps",
        "50",
        "--log-every",
        "0",
        "--out",
        str(tmp_path),
        "--quiet",
    ]
    assert main(argv) == 130
    h = History.load(tmp_path / "history.json")
    assert 0 < h.steps < 50 and h.stopped.startswith("interrupted")
    assert f"stopped: interrupted by Ctrl-C after {h.steps} completed steps" in capsys.readouterr().out
    assert (tmp_path / "samples.png").read_bytes()[:8] == PNG


def test_ctrl_c_outside_the_training_loop_exits_130(monkeypatch, tmp_path, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sys.modules["gantheory.gan.training"], "train", interrupted)
    assert main(["train", "--out", str(tmp_path), "--quiet"]) == 130
    assert "gantheory train: interrupted" in capsys.readouterr().err


def test_a_diverging_run_exits_1_with_one_step_count(tmp_path, capsys):
    # SGD at lr 100 on WGAN-GP: the costs leave the floats within a few steps (issue 15's reproduction).
    argv = [
        "train",
        "--loss",
        "wgan_gp",
        "--optimizer",
        "sgd",
        "--lr",
        "100",
        "--steps",
        "30",
        "--batch-size",
        "32",
        "--out",
        str(tmp_path),
        "--quiet",
    ]
    assert main(argv) == 1
    h = History.load(tmp_path / "history.json")
    assert h.stopped != "completed"
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("stopped:"))
    assert line.endswith(f"after {h.steps} completed steps") and "non-finite" in line
    assert [int(n) for n in __import__("re").findall(r"\d+", line)] == [h.steps]  # one number


def test_stop_message_reads_the_library_record():
    from types import SimpleNamespace

    assert cli_train.stop_message(SimpleNamespace(steps=20, stopped="completed")) == "completed after 20 steps"
    assert (
        cli_train.stop_message(SimpleNamespace(steps=0, stopped="interrupted at step 1"))
        == "interrupted by Ctrl-C after 0 completed steps"
    )
    message = cli_train.stop_message(SimpleNamespace(steps=16, stopped="non-finite generated points at step 17"))
    assert message == "non-finite generated points after 16 completed steps"


def test_train_exit_statuses_through_the_console_script(tmp_path):
    done = subprocess.run([sys.executable, "-m", "gantheory", "train", "--steps", "-5"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == "" and "--steps" in done.stderr


def test_a_nan_sample_target_is_refused_before_overwriting_is_announced(tmp_path, capsys):
    # issue 26: "r1/ already holds ...; overwriting" was printed, then the run failed on the NaN
    np.save(tmp_path / "nan.npy", np.array([[0.0, 1.0], [np.nan, 2.0], [1.0, 1.0]]))
    out = tmp_path / "run"
    out.mkdir()
    (out / "history.json").write_text("{}")
    assert main(["train", "--target", str(tmp_path / "nan.npy"), "--out", str(out), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "overwriting" not in captured.err and "contains NaN or inf" in captured.err
    assert (out / "history.json").read_text() == "{}"


def test_the_librarys_own_checks_run_before_overwriting_is_announced(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "history.json").write_text("{}")
    # n_critic > 1 with simultaneous updates: refused by the library (Game), before prepare_out speaks
    assert main(["train", "--update", "simultaneous", "--n-critic", "3", "--out", str(out), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert "n_critic > 1 needs update='alternating'" in captured.err and "overwriting" not in captured.err


def test_the_knn_jsd_is_printed_beside_its_noise_floor(tmp_path, capsys):
    argv = ["train", "--steps", "4", "--batch-size", "32", "--log-every", "2", "--out", str(tmp_path), "--quiet"]
    assert main(argv) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("js_knn:"))
    h = History.load(tmp_path / "history.json")
    floor = h.metrics["js_knn_floor"][-1]
    assert f"noise floor {floor:.3g}" in line and ("above" in line) == (h.metrics["js_knn"][-1] > floor)


def test_train_command_passes_the_lr_schedule_to_train(tmp_path):
    out = tmp_path / "run"
    options = ["--steps", "4", "--batch-size", "16", "--log-every", "2", "--snapshot-every", "2"]
    assert main(["train", *options, "--lr-schedule", "cosine", "--out", str(out), "--quiet"]) == 0
    h = History.load(out / "history.json")
    again = gt.gan.train(
        gt.ring_of_gaussians(8),
        steps=4,
        batch_size=16,
        log_every=2,
        snapshot_every=2,
        rng=0,
        progress=False,
        lr_schedule="cosine",
    )
    assert h == again and h.config["lr_schedule"] == "cosine"


def test_an_unknown_lr_schedule_is_refused_before_anything_is_printed(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", "--lr-schedule", "linaer", "--out", str(tmp_path / "run")])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "argument --lr-schedule: invalid choice: 'linaer'" in captured.err
    assert "'cosine', 'linear'" in captured.err and "linear" in captured.err.split("did you mean")[-1]
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("update", ["extragradient", "optimistic"])
def test_the_new_update_rules_run_from_the_command_line_with_sgd_and_are_refused_without(update, tmp_path, capsys):
    argv = ["train", "--update", update, "--steps", "4", "--batch-size", "16", "--log-every", "2", "--quiet"]
    assert main([*argv, "--optimizer", "sgd", "--lr", "0.01", "--out", str(tmp_path / "sgd")]) == 0
    assert History.load(tmp_path / "sgd" / "history.json").config["update"] == update
    capsys.readouterr()
    assert main([*argv, "--optimizer", "adam", "--out", str(tmp_path / "adam")]) == 2
    assert "needs optimizer='sgd'" in capsys.readouterr().err
