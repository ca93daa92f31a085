"""``gantheory tour`` and :mod:`gantheory.tour`: every figure and the GIF written, and the printed numbers equal what the library returns."""

import math

import numpy as np
import pytest
import scipy.stats

import gantheory as gt
from gantheory import tour
from gantheory.cli import main
from gantheory.tour import fmt_number

EXPECTED = {
    "parallel_lines.png",
    "estimator_errors.png",
    "mle_is_kl.png",
    "projections.png",
    "optimal_discriminator.png",
    "vanishing_gradient.png",
    "dirac_gan.png",
    "game_spectrum.png",
    "ring_training.png",
    "ring_training.gif",
    "generator_costs.png",
    "wasserstein_vs_cramer.png",
    "js_optima.png",
    "dirac_step_sizes.png",
    "fid_bias.png",
    "mmd_witness.png",
    "mode_collapse_distances.png",
    "weak_convergence.png",
    "critics.png",
    "critic_convergence.png",
    "variational_bound.png",
    "mode_collapse.png",
}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One ``gantheory tour --quick`` run: (exit status, printed text, output folder, {file name: Figure saved})."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("tour")
    printed, figures = io.StringIO(), {}
    save = tour._save

    def keep(fig, folder, stem, fmt):  # the figures as drawn, for the fitness check
        path = save(fig, folder, stem, fmt)
        figures[path.name] = fig
        return path

    with contextlib.redirect_stdout(printed), pytest.MonkeyPatch.context() as patch:
        patch.setattr(tour, "_save", keep)
        status = main(["tour", "--quick", "--out", str(out)])
    return status, printed.getvalue(), out, figures


def _line(text, start, section=""):
    """The printed line that starts with ``start`` (after leading spaces), in the section whose title starts with ``section``."""
    block = next(b for b in text.split("\n\n") if b.startswith(section)) if section else text
    return next(line for line in block.splitlines() if line.strip().startswith(start))


@pytest.mark.slow
def test_quick_tour_writes_every_figure_and_a_small_gif(quick_run):
    status, text, out, _ = quick_run
    assert status == 0
    written = {p.name for p in out.iterdir()}
    assert written == EXPECTED | {"report.txt", tour.TITLES}
    assert (out / "report.txt").read_text() in text  # the printed report, also kept beside the figures
    for name in EXPECTED - {"ring_training.gif"}:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    gif = (out / "ring_training.gif").read_bytes()
    assert gif[:6] == b"GIF89a" and len(gif) < 3 * 2**20
    assert int.from_bytes(gif[6:8], "little") >= 1200  # wide enough for its colour-bar labels to read on a slide
    assert f"wrote {len(EXPECTED) + 2} files" in text  # the figures, titles.json and report.txt
    assert set(tour.stage_files()) == EXPECTED


@pytest.mark.slow
def test_quick_tour_prints_the_library_values(quick_run):
    _, text, _, _ = quick_run
    # Parallel lines: each row holds the exact divergences at its theta (WGAN paper: W1 = |theta|, JSD = log 2, TV = 1).
    P0 = gt.ParallelLines(0.0)
    for theta in tour.TABLE_THETA:
        row = _line(text, fmt_number(theta) + " ", "Parallel lines").split()
        Q = gt.ParallelLines(theta)
        assert row[1:] == [
            fmt_number(v) for v in (gt.kl(P0, Q), gt.js_divergence(P0, Q), gt.tv(P0, Q), abs(theta), gt.cramer(P0, Q))
        ]
    # V(D*, G) = -log 4 + 2 JSD (Goodfellow et al. 2014, Theorem 1), both printed as the library computes them.
    P, Q = tour.OPTIMAL_P, tour.OPTIMAL_Q
    assert _line(text, "V(D*, G) by quadrature").split()[-1] == fmt_number(gt.gan.value_at_optimal_discriminator(P, Q))
    assert _line(text, "-log 4 + 2 JSD").split()[-1] == fmt_number(-math.log(4) + 2 * gt.js_divergence(P, Q))
    # Dirac-GAN with R1: eigenvalues -γ/2 ± i sqrt(f'(0)² - γ²/4), f'(0) = 1/2 (Mescheder et al. 2018), and the radii.
    r1 = gt.gan.DiracGAN("minimax", "r1", weight=0.3)
    row = _line(text, "GAN + R1")
    assert f"{fmt_number(-0.15)} ± {fmt_number(math.sqrt(0.25 - 0.0225))}i" in row
    assert (
        fmt_number(r1.spectral_radius(tour.DIRAC_LR, "simultaneous")) in row
        and fmt_number(r1.spectral_radius(tour.DIRAC_LR, "alternating")) in row
    )
    # Unregularized simultaneous GD: radius sqrt(1 + lr² f'(0)²) > 1.
    assert fmt_number(math.sqrt(1 + tour.DIRAC_LR**2 / 4)) in _line(text, "GAN ", "Dirac")
    # MLE vs the forward-KL projection: the moment match of 0.5 N(-3, 1) + 0.5 N(3, 1) (mean 0, variance 1 + 9).
    assert _line(text, "argmin KL(P||Q)").split()[-2:] == [fmt_number(0.0), fmt_number(math.sqrt(10.0))]
    # n x the MLE's mean excess KL against (1/2 + (kurtosis - 1)/4): E x^4 = 81 + 6 * 9 + 3 = 138, E x^2 = 10, kurtosis 1.38.
    assert _line(text, "excess KL of the MLE").split()[-1] == fmt_number(0.5 + (1.38 - 1) / 4)
    # Bernoulli: the W1 minimizer is a median of K/m, K ~ Binomial(m, p) (scipy), the Cramér² one is p.
    for m in tour.SETTINGS[True]["bernoulli_m"]:
        row = _line(text, f"{m} ", "Bernoulli").split()
        median = scipy.stats.binom.median(m, tour.BERNOULLI_P) / m
        assert row[1] == fmt_number(median) and row[3] == fmt_number(tour.BERNOULLI_P)
    # Generator slopes in the logit: -sigmoid(a) for minimax, -sigmoid(-a) for non-saturating (Goodfellow 2016).
    assert _line(text, "minimax", "Generator cost slopes").split()[1] == fmt_number(-1 / (1 + math.exp(10)))
    assert _line(text, "non_saturating", "Generator cost slopes").split()[1] == fmt_number(-1 / (1 + math.exp(-10)))


@pytest.mark.slow
def test_quick_tour_gradient_norms_and_spectrum_are_the_library_runs(quick_run):
    _, text, _, _ = quick_run
    run = gt.gan.gradients.vanishing_gradient(**tour.SETTINGS[True]["vanishing"])
    report = tour._vanishing_report(run)
    for cost, norms in report["norms"].items():
        assert _line(text, cost + " ", "Generator gradient norm").split()[1:] == [fmt_number(v) for v in norms]
    spectrum = gt.gan.dynamics.game_spectrum(**tour.SETTINGS[True]["spectrum"])
    top = spectrum.eigenvalues_r1[np.argmax(np.abs(spectrum.eigenvalues_r1.imag))]
    assert f"{fmt_number(top.real)} ± {fmt_number(abs(top.imag))}i" in _line(text, "with R1")


def test_report_equals_the_library_with_small_settings():
    small = dict(
        theta_points=5,
        estimator_sizes=(20, 40),
        estimator_repeats=1,
        mle_sizes=(10, 100),
        polish=False,
        bernoulli_m=(1, 3),
        ring=dict(steps=4, batch_size=16, log_every=2, snapshot_every=2),
    )
    report = tour.tour_report(quick=True, stages=["parallel_lines", "mle", "bernoulli", "ring"], settings=small)
    assert report["parallel_lines"]["W1"] == [abs(t) for t in tour.TABLE_THETA]
    P = tour.BIMODAL
    run = gt.mle.mle_convergence(
        gt.mle.SYMMETRIC_BIMODAL, sizes=(10, 100), rng=0, n_runs=tour.SETTINGS[True]["mle_runs"]
    )
    assert report["mle"]["mle_loc"] == run.fits[-1].loc and report["mle"]["excess_kl"] == run.excess_kl[-1]
    assert report["mle"]["n_excess_kl_mean"] == 100 * run.runs[:, -1].mean()
    assert report["mle"]["excess_kl_constant"] == gt.mle.excess_kl_constant(gt.mle.SYMMETRIC_BIMODAL)
    reverse = gt.mle.kl_projection(P, direction="reverse", polish=False)
    assert report["mle"]["fits"]["reverse KL(Q‖P)"]["divergence"] == reverse.divergence
    assert report["bernoulli"]["w1_low"] == gt.gan.bernoulli_minimizers(tour.BERNOULLI_P, [1, 3]).w1_low.tolist()
    h = gt.gan.train(tour.RING, loss="wgan_gp", rng=0, progress=False, **small["ring"])
    assert report["ring"]["WGAN-GP"]["sliced_w1_last"] == h.metrics["sliced_w1"][-1]


def test_bad_input_is_refused(tmp_path, capsys):
    with pytest.raises(ValueError, match="format"):
        tour.run_tour(tmp_path, fmt="jpg")
    with pytest.raises(ValueError, match="unknown stage"):
        tour.tour_report(stages=["nope"])
    assert main(["tour", "--stages", "nope", "--out", str(tmp_path)]) == 2
    assert "unknown stage" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["tour", "--format", "gif"])


def test_one_stage_in_svg(tmp_path):
    assert main(["tour", "--quick", "--stages", "parallel_lines", "--format", "svg", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "parallel_lines.svg").read_text().lstrip().startswith("<?xml")


def test_blas_runs_on_one_thread_inside_the_tour_and_is_restored_after(monkeypatch, tmp_path):
    import numpy  # noqa: F401  (loads NumPy's BLAS)
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    if not before:
        pytest.skip("no BLAS that threadpoolctl can control is loaded here")
    seen = []
    probe = tour.Stage("probe", "probe", (), lambda s: seen.append(blas_threads()), lambda d: {}, lambda d: {})
    monkeypatch.setattr(tour, "STAGES", [probe])
    tour.run_tour(tmp_path, progress=False)
    assert tour.tour_report() == {"probe": {}}
    assert seen == [[1] * len(before)] * 2 and blas_threads() == before


def test_an_out_that_is_a_file_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    def fail(settings):
        raise AssertionError("a stage ran")

    monkeypatch.setattr(tour, "STAGES", [tour.Stage("bernoulli", "b", ("wasserstein_vs_cramer",), fail, None, None)])
    (tmp_path / "afile.txt").write_text("keep me")
    assert main(["tour", "--out", str(tmp_path / "afile.txt")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert (tmp_path / "afile.txt").read_text() == "keep me"


def test_an_existing_figure_is_overwritten_with_a_note(tmp_path, capsys):
    (tmp_path / "generator_costs.png").write_bytes(b"old")
    assert main(["tour", "--quick", "--stages", "costs", "--out", str(tmp_path)]) == 0
    assert "already holds generator_costs.png; overwriting" in capsys.readouterr().err
    assert (tmp_path / "generator_costs.png").read_bytes()[:4] == b"\x89PNG"


def test_the_default_output_folder_is_ignored_by_git():
    import pathlib

    from gantheory.cli import tour as cli_tour

    root = pathlib.Path(__file__).resolve().parents[1]
    assert f"/{cli_tour.DEFAULT_OUT}/" in (root / ".gitignore").read_text().splitlines()


def test_evaluation_report_equals_the_library():
    small = dict(evaluation=dict(fid_repeats=2, collapse=dict(n=200, repeats=2)))
    r = tour.tour_report(quick=True, stages=["evaluation"], settings=small)["evaluation"]
    A = np.random.default_rng(0).normal(size=(tour.EVAL_DIM, tour.EVAL_DIM)) / math.sqrt(tour.EVAL_DIM)
    d = tour.EVAL_DIM
    assert r["fid_exact"] == gt.frechet_distance(np.zeros(d), np.eye(d), np.full(d, 0.25), np.eye(d) + A @ A.T)
    table = gt.divergences.evaluation.dropped_modes_table(rng=0, n=200, repeats=2)
    assert r["one_dropped_signal_to_noise"] == {
        k: float(v[list(table.dropped).index(1)]) for k, v in table.signal_to_noise.items()
    }
    assert r["n"] == 200 and -2.0 < r["fid_bias_slope"] < 0.0


def test_weak_critics_and_fgan_reports_equal_the_library():
    small = dict(critics=dict(steps=20, n_eval=500, log_every=10), fgan_steps=20)
    r = tour.tour_report(quick=True, stages=["weak", "critics", "fgan"], settings=small)
    # delta(1/100) vs delta(0): KL infinite, JSD log 2, TV 1 (disjoint supports), W1 = 1/100
    assert r["weak"] == {"n_last": 100, "kl": math.inf, "js_divergence": math.log(2), "tv": 1.0, "w1": 0.01}
    assert r["critics"]["w1"] == gt.w1(tour.CRITIC_P, tour.CRITIC_Q) and r["critics"]["figure2_w1"] == pytest.approx(
        6.0, rel=1e-9
    )
    runs = gt.gan.compare_constraints(tour.CRITIC_P, tour.CRITIC_Q, rng=0, **small["critics"])
    assert r["critics"]["estimate_over_w1"] == {k: float(v.estimate[-1] / v.w1) for k, v in runs.items()}
    assert r["critics"]["figure2_dstar_fake_slope"] < 1e-12  # D* saturates where the generator's mass is (WGAN Fig. 2)
    kl = gt.gan.variational_bound(gt.Normal(0, 1), gt.Normal(1, 1), "kl", steps=20, rng=0, log_every=50, n_eval=5_000)
    assert r["fgan"]["kl"] == {"bound": float(kl.bound[-1]), "se": float(kl.se[-1]), "exact": 0.5}
    assert r["fgan"]["gan"]["exact"] == pytest.approx(
        2 * gt.js_divergence(gt.Normal(0, 1), gt.Normal(1, 1)) - math.log(4), abs=1e-12
    )
    text = tour.format_report(r)
    assert "f-GAN lower bound" in text and "Lipschitz critics" in text and "Weak convergence" in text


def test_modes_and_ring_reports_count_modes_as_the_library_does():
    small = dict(
        modes=dict(methods=("non-saturating", "PacGAN-2"), steps=20, n_snapshot=300, snapshot_every=10),
        ring=dict(steps=4, batch_size=16, log_every=2, snapshot_every=2),
    )
    r = tour.tour_report(quick=True, stages=["ring", "modes"], settings=small)
    h = gt.gan.train(
        tour.RING,
        rng=tour.MODE_SEED,
        lr=2e-4,
        batch_size=256,
        steps=20,
        dtype=np.float32,
        log_every=10,
        snapshot_every=10,
        n_snapshot=300,
        progress=False,
        pack=2,
    )
    c = gt.gan.mode_coverage(h.snapshots[-1], tour.RING)
    assert r["modes"]["PacGAN-2"] == {"modes": c.modes, "high_quality": c.high_quality, "steps": 20}
    ring = gt.gan.train(tour.RING, loss="wgan_gp", rng=0, progress=False, **small["ring"])
    assert r["ring"]["WGAN-GP"]["modes_last"] == ring.metrics["modes"][-1]
    assert "Mode collapse on the ring of 8" in tour.format_report(r)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED - {"ring_training.gif"}))
def test_every_tour_figure_is_fit_for_a_slide(quick_run, name):
    # no legend over more than 1% of any artist's drawn points, no text under 8 pt or off the figure, no panel whose
    # data span < 40% of its width or height; the tour has just saved the figure: its layout is current
    assert gt.plotting.figure_problems(quick_run[3][name], draw=False) == []


@pytest.mark.slow
def test_the_titles_file_records_each_figure_as_written(quick_run):
    import hashlib
    import json

    _, _, out, figures = quick_run
    titles = json.loads((out / tour.TITLES).read_text())
    assert set(titles) == EXPECTED
    for name, entry in titles.items():
        assert entry["quick"] is True and entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert entry["titles"] == ([] if name.endswith(".gif") else tour.figure_titles(figures[name]))


# Figures that do not depend on --quick: their committed titles must equal a quick run's, number for number.
SAME_IN_QUICK = {"generator_costs.png", "weak_convergence.png", "game_spectrum.png", "dirac_step_sizes.png"}
# Figures whose titles name what the data show in words that change with the data (which configurations converge,
# which estimator is fastest, how many methods and snapshots): compared with a quick run only through titles.json's hash.
WORDED_BY_THE_DATA = {"dirac_gan.png", "estimator_errors.png", "mode_collapse.png", "mode_collapse_distances.png"}


def _shape(title):
    """A title with its numbers masked: what a quick run and the full one share."""
    import re

    return re.sub(r"[-−+]?\d[\d,.]*(?:e[-−+]?\d+)?", "#", title)


@pytest.mark.slow
def test_the_committed_figures_are_what_the_tour_writes(quick_run):
    """figures/ holds a full tour's output: titles.json lists every figure with the hash of the committed file
    (so it was rewritten with them), and their titles read as a fresh run's: the same where --quick changes nothing,
    the same but for the numbers elsewhere (unless the data choose the words)."""
    import hashlib
    import json
    import pathlib

    assert tour.SETTINGS[True]["spectrum"] == tour.SETTINGS[False]["spectrum"]  # SAME_IN_QUICK's premise
    folder = pathlib.Path(__file__).resolve().parents[1] / "figures"
    committed = json.loads((folder / tour.TITLES).read_text())
    fresh = json.loads((quick_run[2] / tour.TITLES).read_text())
    assert set(committed) == EXPECTED
    for name, entry in committed.items():
        assert entry["quick"] is False, f"{name} comes from a --quick run"
        assert entry["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest(), (
            f"{name} changed without titles.json"
        )
        if name in SAME_IN_QUICK:
            assert entry["titles"] == fresh[name]["titles"], name
        elif name not in WORDED_BY_THE_DATA:
            assert [_shape(t) for t in entry["titles"]] == [_shape(t) for t in fresh[name]["titles"]], name
    gif = (folder / "ring_training.gif").read_bytes()
    assert (
        int.from_bytes(gif[6:8], "little") >= 1200 and len(gif) < 3 * 2**20
    )  # readable on a slide, small enough to commit
