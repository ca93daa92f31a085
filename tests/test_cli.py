"""The `gantheory` command: its table agrees with SciPy, reads .npy and .csv, and fails cleanly."""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.spatial.distance
import scipy.stats

import gantheory as gt
from gantheory.cli import build_parser, main


def _strict_json(text):
    """Parse JSON as a strict parser would: Infinity and NaN (not JSON) are refused."""

    def refuse(constant):
        raise ValueError(f"{constant} is not valid JSON")

    return json.loads(text, parse_constant=refuse)


def _rows(capsys, argv):
    assert main(argv + ["--json"]) == 0
    out = capsys.readouterr().out
    return {r["divergence"]: r for r in _strict_json(out)["rows"]}  # the whole of stdout is the JSON


def test_specs_give_closed_forms_and_sample_estimates(capsys):
    rows = _rows(capsys, ["divergence", "--p", "Normal(0, 1)", "--q", "Normal(1.5, 2)", "--n", "4000"])
    # KL(N(0,1) || N(1.5, 2^2)) = log 2 + (1 + 1.5^2) / 8 - 1/2 (textbook formula)
    assert rows["KL(P||Q)"]["exact"] == pytest.approx(np.log(2) + (1 + 1.5**2) / 8 - 0.5, rel=1e-12)
    assert rows["KL(P||Q)"]["method"] == "closed form"
    # The sample W1 agrees with SciPy on the same samples (seeds 0 and 1, as documented).
    xs, ys = gt.Normal(0, 1).sample(4000, rng=0), gt.Normal(1.5, 2).sample(4000, rng=1)
    assert rows["W1"]["samples"] == pytest.approx(scipy.stats.wasserstein_distance(xs, ys), rel=1e-10)


def test_parallel_lines_give_the_wgan_paper_values(capsys):
    rows = _rows(capsys, ["divergence", "--p", "ParallelLines(0.5)", "--q", "ParallelLines(0)", "--n", "0"])
    assert rows["W1"]["exact"] == pytest.approx(0.5)
    assert rows["JS divergence"]["exact"] == pytest.approx(np.log(2))
    assert rows["KL(P||Q)"]["exact"] == "inf"  # JSON has no infinity: a string, as documented
    assert rows["TV"]["exact"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "spec", ["__import__('os').system('true')", "Normal(0, 1).sample(3)", "1 + 2", "Normal(", "Normal(True)"]
)
def test_specs_are_parsed_never_evaluated(spec, capsys):
    assert main(["divergence", "--p", spec, "--n", "0"]) == 2
    err = capsys.readouterr().err
    assert "gantheory divergence: error:" in err and ("spec" in err or "loc" in err)


def test_files_in_npy_and_csv_give_scipy_values(tmp_path, capsys):
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=300), rng.laplace(size=200)
    np.save(tmp_path / "x.npy", x)
    np.savetxt(tmp_path / "y.csv", y, delimiter=",")
    rows = _rows(capsys, ["divergence", str(tmp_path / "x.npy"), str(tmp_path / "y.csv")])
    y_read = np.loadtxt(tmp_path / "y.csv")
    assert rows["W1"]["samples"] == pytest.approx(scipy.stats.wasserstein_distance(x, y_read), rel=1e-10)
    assert rows["energy distance"]["samples"] == pytest.approx(scipy.stats.energy_distance(x, y_read) ** 2, rel=1e-10)
    assert "exact for the empirical measures" in rows["W1"]["sample_method"]


def test_built_in_example_prints_a_table(capsys):
    assert main(["divergence", "--n", "100"]) == 0
    out = capsys.readouterr().out
    assert "W1" in out and "energy distance" in out and "exact for the empirical measures" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["divergence", "missing.npy", "other.npy"], "does not exist"),
        (["divergence", "only_one.npy"], "give two sample files"),
        (["divergence", "a.npy", "b.npy", "--p", "Normal(0, 1)"], "not both"),
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
    done = subprocess.run(
        [sys.executable, "-m", "gantheory.cli", "divergence", "--n", "50"], capture_output=True, text=True, check=True
    )
    assert "Cramér l2" in done.stdout


def test_2d_files_give_exact_w1_and_energy(tmp_path, capsys):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(60, 2)), rng.normal(0.5, 1.3, size=(50, 2))
    np.save(tmp_path / "x.npy", x)
    np.savetxt(tmp_path / "y.csv", y, delimiter=",")
    rows = _rows(capsys, ["divergence", str(tmp_path / "x.npy"), str(tmp_path / "y.csv")])
    y = np.loadtxt(tmp_path / "y.csv", delimiter=",")
    assert rows["W1"]["samples"] == pytest.approx(scipy.stats.wasserstein_distance_nd(x, y), rel=1e-9)
    d = scipy.spatial.distance.cdist
    energy = 2 * d(x, y).mean() - d(x, x).mean() - d(y, y).mean()
    assert rows["energy distance"]["samples"] == pytest.approx(energy, rel=1e-10)
    assert rows["Cramér l2"]["samples"] == pytest.approx(np.sqrt(energy / 2), rel=1e-10)
    assert rows["sliced W1"]["samples"] <= rows["W1"]["samples"]  # a projection never increases a transport cost


def test_estimators_that_cannot_run_say_why_and_the_rest_still_print(tmp_path, capsys):
    np.save(tmp_path / "x.npy", np.array([0.0, 0.0, 0.0, 1.0, 2.0]))  # repeated points: kNN distances of 0
    np.save(tmp_path / "y.npy", np.array([0.5, 1.5, 2.5]))
    rows = _rows(capsys, ["divergence", str(tmp_path / "x.npy"), str(tmp_path / "y.npy")])
    assert rows["KL(P||Q)"]["samples"] is None and rows["KL(P||Q)"]["sample_method"].startswith("not available")
    assert rows["W1"]["samples"] == pytest.approx(
        scipy.stats.wasserstein_distance([0, 0, 0, 1, 2], [0.5, 1.5, 2.5]), rel=1e-12
    )


def test_samples_of_different_dimensions_are_refused(tmp_path, capsys):
    np.save(tmp_path / "x.npy", np.zeros((5, 2)))
    np.save(tmp_path / "y.npy", np.zeros(5))
    assert main(["divergence", str(tmp_path / "x.npy"), str(tmp_path / "y.npy")]) == 2
    assert "must both be 1-D samples or both (n, 2) samples" in capsys.readouterr().err


# -- hardening (issue 12) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("Normal(**{'loc': 5})", "**-unpacking is not allowed"),
        ("Normal(*[5, 1])", "*-unpacking is not allowed"),
        ("", "is empty"),
        ("   ", "is empty"),
    ],
)
def test_specs_with_unpacking_or_nothing_in_them_are_refused(spec, message, capsys):
    for option in ("--p", "--q"):
        assert main(["divergence", option, spec, "--n", "0"]) == 2
        assert message in capsys.readouterr().err


@pytest.mark.parametrize("n", ["-5", "-1", "2.5", "many"])
def test_a_negative_or_non_integer_n_is_refused(n, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["divergence", "--n", n])
    assert stop.value.code == 2
    assert "argument --n" in capsys.readouterr().err


def test_json_output_is_one_strict_json_object_with_the_header_inside(capsys):
    assert main(["divergence", "--p", "ParallelLines(0.5)", "--q", "ParallelLines(0)", "--n", "0", "--json"]) == 0
    doc = _strict_json(capsys.readouterr().out)
    assert doc["P"].startswith("ParallelLines") and doc["Q"].startswith("ParallelLines")
    rows = {r["divergence"]: r for r in doc["rows"]}
    assert rows["KL(P||Q)"]["exact"] == "inf" and rows["KL(Q||P)"]["exact"] == "inf"  # disjoint supports
    assert rows["KL(P||Q)"]["samples"] is None  # no samples asked for: null


@pytest.mark.parametrize("n", ["0", "50"])
def test_distributions_of_different_dimensions_are_an_error(n, capsys):
    argv = ["divergence", "--p", "Normal(0, 1)", "--q", "MultivariateNormal([0, 0], [[1, 0], [0, 1]])", "--n", n]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "P and Q must have the same dimension: P is 1-D and Q is 2-D" in err


def test_empty_files_give_clean_errors_and_no_warnings(tmp_path, capsys):
    (tmp_path / "empty.npy").write_bytes(b"")
    (tmp_path / "empty.csv").write_text("")
    np.save(tmp_path / "none.npy", np.array([]))
    np.save(tmp_path / "ok.npy", np.array([1.0, 2.0]))
    for name, message in (("empty.npy", "is empty"), ("empty.csv", "is empty"), ("none.npy", "holds no samples")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert main(["divergence", str(tmp_path / name), str(tmp_path / "ok.npy")]) == 2
        assert not caught
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    (tmp_path / "blank.csv").write_text("\n\n")  # lines, but no numbers
    assert main(["divergence", str(tmp_path / "blank.csv"), str(tmp_path / "ok.npy")]) == 2
    assert "holds no samples" in capsys.readouterr().err


def test_a_closed_pipe_ends_the_command_quietly():
    # `gantheory divergence | head -1`: the reader leaves after one line.
    proc = subprocess.Popen(
        [sys.executable, "-m", "gantheory", "divergence", "--n", "200"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().startswith("P:")
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_version_matches_the_installed_metadata_and_python_m_gantheory_works(capsys):
    import importlib.metadata

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"gantheory {importlib.metadata.version('gantheory')}"
    with pytest.raises(SystemExit) as stop:  # argparse's own --version, as in `gantheory --version --help`'s parser
        build_parser().parse_args(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"gantheory {gt.__version__}"
    assert gt.__version__ == importlib.metadata.version("gantheory")
    done = subprocess.run([sys.executable, "-m", "gantheory", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"gantheory {gt.__version__}"


def test_the_js_distance_row_is_the_root_of_the_js_divergence_row(capsys):
    rows = _rows(capsys, ["divergence", "--n", "3000"])
    jsd = rows["JS divergence"]["samples"]
    assert rows["JS distance"]["samples"] == np.sqrt(jsd)
    # and the kNN rows, computed together, equal the public estimators on the same samples
    Q = gt.Mixture([gt.Normal(-2, 0.5), gt.Normal(2, 0.5)], [0.5, 0.5])  # the built-in example
    xs, ys = gt.Normal(0, 1).sample(3000, rng=0), Q.sample(3000, rng=1)
    assert jsd == gt.empirical.js_divergence(xs, ys)
    assert rows["KL(P||Q)"]["samples"] == gt.empirical.kl(xs, ys)
    assert rows["KL(Q||P)"]["samples"] == gt.empirical.kl(ys, xs)


def test_long_work_reports_progress_on_stderr_off_a_terminal(monkeypatch, capsys):
    from gantheory.cli import divergence

    monkeypatch.setattr(divergence, "LONG_WORK_POINTS", 100)  # 2 x 100 points count as long here
    assert main(["divergence", "--n", "100"]) == 0
    err = capsys.readouterr().err
    assert "from samples 1/8: KL(P||Q)" in err and "from samples 8/8: energy distance" in err
    monkeypatch.setattr(divergence, "LONG_WORK_POINTS", 10**9)
    assert main(["divergence", "--n", "100"]) == 0
    assert "from samples" not in capsys.readouterr().err  # short work: quiet


def test_slow_exact_rows_report_progress_once_they_have_taken_a_while(monkeypatch, capsys):
    from gantheory.cli import divergence

    monkeypatch.setattr(divergence, "QUIET_SECONDS", 0.0)  # every row counts as slow here
    assert main(["divergence", "--n", "0"]) == 0
    assert "exact values 8/8: energy distance" in capsys.readouterr().err
    monkeypatch.setattr(divergence, "QUIET_SECONDS", 1e9)
    assert main(["divergence", "--n", "0"]) == 0
    assert "exact values" not in capsys.readouterr().err


def test_2d_energy_rows_are_skipped_with_a_reason_beyond_the_pair_limit(monkeypatch, tmp_path, capsys):
    from gantheory.cli import divergence

    monkeypatch.setattr(divergence, "MAX_ENERGY_PAIRS", 100)  # 2 x 20 points: 1600 pairs
    rng = np.random.default_rng(3)
    np.save(tmp_path / "x.npy", rng.normal(size=(20, 2)))
    np.save(tmp_path / "y.npy", rng.normal(size=(20, 2)))
    rows = _rows(capsys, ["divergence", str(tmp_path / "x.npy"), str(tmp_path / "y.npy")])
    for name in ("energy distance", "Cramér l2"):
        assert rows[name]["samples"] is None and "gt.empirical.sliced_cramer" in rows[name]["sample_method"]
    assert rows["sliced W1"]["samples"] is not None  # the other rows still run


# -- issue 15: untrusted sample values, progress of a slow row --------------------------------------


def test_a_finite_estimate_beside_an_infinite_exact_value_is_flagged(capsys):
    # Disjoint supports: KL is infinite (closed form), the kNN estimate finite; JSD = log 2 is estimated well.
    argv = ["divergence", "--p", "ParallelLines(0.5)", "--q", "ParallelLines(0)", "--n", "500"]
    rows = _rows(capsys, argv)
    assert rows["KL(P||Q)"]["exact"] == "inf" and isinstance(rows["KL(P||Q)"]["samples"], float)
    assert rows["KL(P||Q)"]["untrusted"] is True and "infinite" in rows["KL(P||Q)"]["untrusted_reason"]
    assert rows["JS divergence"]["untrusted"] is False and rows["JS divergence"]["untrusted_reason"] == ""
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("divergence"))
    flag = header.index("!")
    assert next(line for line in lines if line.startswith("KL(P||Q)"))[flag] == "!"
    assert next(line for line in lines if line.startswith("W1"))[flag] == " "
    assert any(line.startswith("! KL(P||Q), KL(Q||P): ") and "infinite" in line for line in lines)


def test_an_estimate_far_from_a_huge_exact_value_is_flagged(capsys):
    # KL(N(0, 1) || N(0, 0.001^2)) = log(0.001) + 1 / (2 * 0.001^2) - 1/2 ~ 5e5 (closed form); 300 samples cannot see it.
    rows = _rows(capsys, ["divergence", "--p", "Normal(0, 1)", "--q", "Normal(0, 0.001)", "--n", "300"])
    kl = rows["KL(P||Q)"]
    assert kl["exact"] == pytest.approx(np.log(0.001) + 0.5e6 - 0.5) and kl["samples"] < 100
    assert kl["untrusted"] is True and kl["untrusted_reason"] == "more than 50% from the exact value"


def test_nothing_is_flagged_where_the_sample_values_agree(capsys):
    rows = _rows(capsys, ["divergence", "--n", "3000"])  # the built-in example
    assert not any(r["untrusted"] for r in rows.values())
    assert main(["divergence", "--n", "300"]) == 0
    out = capsys.readouterr().out
    assert "!" not in out.splitlines()[3]  # no flag column


def test_the_flag_compares_with_the_exact_value_as_documented():
    from gantheory.cli.divergence import UNTRUSTED_ABS, UNTRUSTED_REL, untrusted_reason

    assert untrusted_reason(None, 1.0) == untrusted_reason(1.0, None) == ""
    assert untrusted_reason(float("inf"), 1e300) != ""
    assert untrusted_reason(2.0, 2.0 * (1 + 0.99 * UNTRUSTED_REL)) == ""
    assert untrusted_reason(2.0, 2.0 * (1 + 1.01 * UNTRUSTED_REL)) != ""
    assert untrusted_reason(0.0, 0.99 * UNTRUSTED_ABS) == "" and untrusted_reason(0.0, 1.01 * UNTRUSTED_ABS) != ""


def test_a_slow_row_says_it_is_still_computing(monkeypatch, tmp_path, capsys):
    import time

    from gantheory.cli import divergence

    def slow_w1(x, y):
        time.sleep(0.35)
        return 1.0

    monkeypatch.setattr(divergence, "HEARTBEAT_SECONDS", 0.1)
    monkeypatch.setattr(
        divergence, "SAMPLE_ROWS", {2: [("W1", slow_w1, "optimal assignment / LP; exact for the empirical measures")]}
    )
    rng = np.random.default_rng(0)
    np.save(tmp_path / "x.npy", rng.normal(size=(8, 2)))
    np.save(tmp_path / "y.npy", rng.normal(size=(6, 2)))
    assert main(["divergence", str(tmp_path / "x.npy"), str(tmp_path / "y.npy")]) == 0
    err = capsys.readouterr().err
    assert "still computing W1 from 8 and 6 points (optimal assignment / LP): 0 s" in err
    assert err.count("still computing") >= 2


def test_prepare_out_names_the_files_it_replaces_or_counts_them(tmp_path, capsys):
    from gantheory.cli import prepare_out

    names = [f"f{i}.png" for i in range(5)]
    assert prepare_out(tmp_path / "new" / "deeper", names, "tour").is_dir()  # created, parents too
    assert capsys.readouterr().err == ""
    for name in names[:2]:
        (tmp_path / name).write_bytes(b"")
    prepare_out(tmp_path, names, "tour")
    assert capsys.readouterr().err == f"gantheory tour: {tmp_path}/ already holds f0.png, f1.png; overwriting\n"
    for name in names[2:4]:
        (tmp_path / name).write_bytes(b"")
    prepare_out(tmp_path, names, "tour")
    assert "already holds 4 of the 5 files it writes; overwriting" in capsys.readouterr().err


# -- suggestions (issue 26) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("ring_of_gausians(8)", "unknown name 'ring_of_gausians'; did you mean ring_of_gaussians?"),
        ("Mixtur([Normal(0, 1)])", "unknown name 'Mixtur'; did you mean Mixture?"),
        ("Normal(lco=1)", "Normal has no argument 'lco'; did you mean loc? (its arguments: loc, scale)"),
        ("ring_of_gaussians", "ring_of_gaussians needs its arguments, e.g. ring_of_gaussians(8)"),
        ("qwerty(1)", "unknown name 'qwerty' (the names: Normal,"),
    ],
)
def test_a_mistyped_distribution_name_gets_the_nearest_one(spec, message, capsys):
    assert main(["divergence", "--p", spec, "--n", "0"]) == 2
    err = capsys.readouterr().err
    assert message in err and "not allowed" not in err


@pytest.mark.parametrize(
    ("argv", "first_line"),
    [
        (["trian"], "gantheory: error: argument command: invalid choice: 'trian' (choose from"),
        (
            ["train", "--targt", "Normal(0, 1)"],
            "gantheory train: error: unrecognized arguments: --targt Normal(0, 1); did you mean --target?",
        ),
        (["train", "--loss", "wgangp"], "gantheory train: error: argument --loss: invalid choice: 'wgangp'"),
        (["divergence", "--jsn"], "gantheory divergence: error: unrecognized arguments: --jsn; did you mean --json?"),
        (["tour", "--quik"], "gantheory tour: error: unrecognized arguments: --quik; did you mean --quick?"),
    ],
)
def test_cli_mistakes_print_the_error_first_with_a_suggestion_and_the_subcommands_usage(argv, first_line, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(first_line)
    assert len(lines) <= 5 and lines[1].startswith(f"usage: gantheory {argv[0] if argv[0] != 'trian' else ''}".rstrip())
    if argv[0] == "trian":
        assert lines[0].endswith("did you mean train?")
    if "--loss" in argv:
        assert lines[0].endswith("did you mean wgan_gp?")


def test_did_you_mean_offers_nothing_for_a_word_far_from_every_name():
    from gantheory.cli import did_you_mean

    assert did_you_mean("zzzz", ["--target", "--loss"]) == ""
    assert did_you_mean("--stpes", ["--steps", "--seed"]) == "; did you mean --steps?"
