"""The `gantheory` command: its table agrees with SciPy, reads .npy and .csv, and fails cleanly."""

import json
import subprocess
import sys

import numpy as np
import pytest
import scipy.stats

from gantheory.cli import main


def _rows(capsys, argv):
    assert main(argv + ["--json"]) == 0
    out = capsys.readouterr().out
    return {r["divergence"]: r for r in json.loads(out[out.index("[") :])}


def test_files_in_npy_and_csv_give_scipy_values(tmp_path, capsys):
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=300), rng.laplace(size=200)
    np.save(tmp_path / "x.npy", x)
    np.savetxt(tmp_path / "y.csv", y, delimiter=",")
    rows = _rows(capsys, ["divergence", str(tmp_path / "x.npy"), str(tmp_path / "y.csv")])
    y_read = np.loadtxt(tmp_path / "y.csv")
    assert rows["W1"]["value"] == pytest.approx(scipy.stats.wasserstein_distance(x, y_read), rel=1e-10)
    assert rows["energy distance"]["value"] == pytest.approx(scipy.stats.energy_distance(x, y_read) ** 2, rel=1e-10)
    assert rows["W1"]["kind"].startswith("exact")


def test_built_in_example_prints_a_table(capsys):
    assert main(["divergence", "--n", "100"]) == 0
    out = capsys.readouterr().out
    assert "W1" in out and "energy distance" in out and "exact (empirical measures)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["divergence", "missing.npy", "other.npy"], "does not exist"),
        (["divergence", "only_one.npy"], "give two sample files"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_bad_values_in_a_file_are_reported(tmp_path, capsys):
    np.save(tmp_path / "x.npy", np.array([1.0, np.nan]))
    np.save(tmp_path / "y.npy", np.array([1.0, 2.0]))
    assert main(["divergence", str(tmp_path / "x.npy"), str(tmp_path / "y.npy")]) == 2
    assert "contains NaN or inf" in capsys.readouterr().err


def test_console_script_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "gantheory.cli", "divergence", "--n", "50"], capture_output=True, text=True, check=True)
    assert "Cramér l2" in done.stdout
