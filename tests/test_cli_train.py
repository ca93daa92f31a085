"""``gantheory train`` end to end with a few steps: both files written, the JSON parses back."""

import json

import numpy as np
import pytest

import gantheory as gt
from gantheory.cli import main
from gantheory.gan import History


def test_train_command_writes_history_and_figure(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(["train", "--target", "ring_of_gaussians(8)", "--loss", "wgan_gp", "--steps", "6", "--batch-size", "32",
                   "--log-every", "3", "--snapshot-every", "3", "--out", str(out), "--quiet"])  # fmt: skip
    assert status == 0
    text = (out / "history.json").read_text()
    assert json.loads(text)["config"]["loss"] == "wgan_gp"
    h = History.from_json(text)
    assert h.steps == 6 and h.log_steps.tolist() == [0, 3, 6]
    png = (out / "samples.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    printed = capsys.readouterr().out
    assert "stopped: completed after 6 steps" in printed and "sliced_w1" in printed


def test_train_command_reads_a_sample_file(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, gt.Normal(3, 1).sample(200, rng=0))
    assert main(["train", "--target", str(path), "--steps", "3", "--batch-size", "16", "--snapshot-every", "3", "--out", str(tmp_path), "--quiet"]) == 0
    assert History.from_json((tmp_path / "history.json").read_text()).config["dim"] == 1


def test_train_command_reports_bad_input(capsys):
    assert main(["train", "--target", "Normal(0, 1)", "--steps", "0", "--quiet"]) == 2
    assert "steps" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--loss", "hinge"])
