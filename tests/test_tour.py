"""``gantheory tour`` and :mod:`gantheory.tour`: every figure and the GIF written, and the printed numbers are the
closed forms and the theory's claims (computed here with SciPy, NumPy or by hand, not with the library), or, where
the tour trains, what its settings ask for and what the data given to a report say by construction."""

import math
import re
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.integrate
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


def _quad(f, lo=-30.0, hi=30.0):
    return scipy.integrate.quad(f, lo, hi, points=[-3.0, 0.0, 3.0], epsabs=1e-13, epsrel=1e-11, limit=500)[0]


def _mixture_logpdf(locs, scales, weights):
    """log of sum_i w_i N(x; loc_i, scale_i^2), written out (scalar x, for quad)."""
    parts = [(math.log(w / (s * math.sqrt(2 * math.pi))), m, s) for m, s, w in zip(locs, scales, weights)]

    def logpdf(x):
        terms = [c - (x - m) ** 2 / (2 * s * s) for c, m, s in parts]
        top = max(terms)
        return top + math.log(sum(math.exp(t - top) for t in terms))

    return logpdf


def _normal_cdf(x, loc=0.0, scale=1.0):
    return 0.5 * math.erfc(-(x - loc) / (scale * math.sqrt(2)))


def _kl(logp, logq):
    return _quad(lambda x: math.exp(logp(x)) * (logp(x) - logq(x)))


def _jsd(logp, logq):
    def integrand(x):
        lp, lq = logp(x), logq(x)
        lm = np.logaddexp(lp, lq) - math.log(2)
        return 0.5 * (math.exp(lp) * (lp - lm) + math.exp(lq) * (lq - lm))

    return _quad(integrand)


def _parallel_lines_cramer(theta):
    """Cramér distance sqrt(E/2) between the vertical segments {0} x U[0, 1] and {theta} x U[0, 1]: the energy
    distance E = 2 E|X - Y| - E|X - X'| - E|Y - Y'|, with |U - V| of density 2(1 - d) on [0, 1] and E|U - U'| = 1/3."""
    cross = scipy.integrate.quad(lambda d: 2 * (1 - d) * math.hypot(theta, d), 0.0, 1.0, epsabs=0, epsrel=1e-12)[0]
    return math.sqrt(cross - 1 / 3) if theta else 0.0


def _numbers(line):
    return [float(v) for v in line.split()[1:]]


def _pair(line):
    """The eigenvalue pair ``a ± bi`` printed in a line, as a + bi."""
    a, b = re.search(r"(\S+) ± (\S+)i", line).groups()
    return complex(float(a), float(b))


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
def test_quick_tour_prints_the_closed_forms(quick_run):
    _, text, _, _ = quick_run
    # Parallel lines (WGAN paper, Example 1): for theta != 0 KL = inf, JSD = log 2, TV = 1, W1 = |theta|; all 0 at 0;
    # the Cramér distance from the energy distance of two segments, by quadrature here.
    for theta in tour.TABLE_THETA:
        row = _line(text, fmt_number(theta) + " ", "Parallel lines").split()
        apart = theta != 0
        expected = (math.inf if apart else 0.0, math.log(2) if apart else 0.0, float(apart), abs(theta))
        assert row[1:5] == [fmt_number(v) for v in expected]
        assert float(row[5]) == pytest.approx(_parallel_lines_cramer(abs(theta)), rel=1e-5, abs=1e-12)
    # V(D*, G) = -log 4 + 2 JSD (Goodfellow et al. 2014, Theorem 1): the JSD of the tour's pair by quadrature here.
    logp = _mixture_logpdf([-2.0, 2.0], [0.5, 0.5], [0.5, 0.5])  # tour.OPTIMAL_P
    logq = _mixture_logpdf([0.5], [1.0], [1.0])  # tour.OPTIMAL_Q
    value = -math.log(4) + 2 * _jsd(logp, logq)
    assert float(_line(text, "V(D*, G) by quadrature").split()[-1]) == pytest.approx(value, rel=1e-5)
    assert float(_line(text, "-log 4 + 2 JSD").split()[-1]) == pytest.approx(value, rel=1e-5)
    # Dirac-GAN with R1: eigenvalues -γ/2 ± i sqrt(f'(0)² - γ²/4), f'(0) = 1/2 (Mescheder et al. 2018); simultaneous
    # GD multiplies by 1 + lr λ; alternating GD's map [[1, -lr a], [lr a, 1 - lr² a² - lr γ]] has complex eigenvalues
    # of modulus sqrt(det) = sqrt(1 - lr γ) (a = 1/2, γ = 0.3, lr = 0.1: its discriminant is negative).
    lam, lr = complex(-0.15, math.sqrt(0.25 - 0.0225)), tour.DIRAC_LR
    row = _line(text, "GAN + R1")
    assert f"{fmt_number(-0.15)} ± {fmt_number(math.sqrt(0.25 - 0.0225))}i" in row
    assert fmt_number(abs(1 + lr * lam)) in row and fmt_number(math.sqrt(1 - lr * 0.3)) in row
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
def test_quick_tour_gradient_norms_and_spectrum_say_what_the_theory_predicts(quick_run):
    _, text, _, _ = quick_run
    # Goodfellow et al. 2014, section 3: as D learns to reject the fakes, the minimax generator's gradient vanishes
    # and the non-saturating one's does not
    minimax = _numbers(_line(text, "minimax ", "Generator gradient norm"))
    non_saturating = _numbers(_line(text, "non_saturating ", "Generator gradient norm"))
    assert len(minimax) == len(non_saturating) == 3
    assert minimax[-1] < 1e-2 * minimax[0] and non_saturating[-1] > non_saturating[0]
    # Mescheder et al. 2018: R1 damps the rotation of the game's Jacobian at the equilibrium
    without, with_r1 = _pair(_line(text, "without R1")), _pair(_line(text, "with R1"))
    assert with_r1.real < 0 and -with_r1.real / abs(with_r1) > -without.real / abs(without)


def test_report_with_small_settings_meets_the_closed_forms():
    small = dict(mle_sizes=(10, 100), polish=False, bernoulli_m=(1, 2, 3))
    report = tour.tour_report(quick=True, stages=["parallel_lines", "mle", "bernoulli"], settings=small)
    lines = report["parallel_lines"]
    assert lines["W1"] == [abs(t) for t in tour.TABLE_THETA] and lines["TV"] == [float(t != 0) for t in lines["theta"]]
    mle = report["mle"]
    # the forward-KL projection of 0.5 N(-3, 1) + 0.5 N(3, 1) matches its moments: N(0, 1 + 9)
    assert mle["n"] == 100 and mle["kl_projection_loc"] == pytest.approx(0.0, abs=1e-12)
    assert mle["kl_projection_scale"] == pytest.approx(math.sqrt(10.0), rel=1e-12)
    # the excess KL is KL(Q* || MLE) between normals, in closed form; its 1/n constant 1/2 + (1.38 - 1)/4
    m, s = mle["mle_loc"], mle["mle_scale"]
    closed = math.log(s / math.sqrt(10)) + (10 + m**2) / (2 * s**2) - 0.5
    assert mle["excess_kl"] == pytest.approx(closed, rel=1e-9)
    assert mle["excess_kl_constant"] == pytest.approx(0.595, rel=1e-9)
    assert 0.5 * 0.595 < mle["n_excess_kl_mean"] < 2 * 0.595  # n E[excess KL] near its constant (20 runs)
    # each fit of 0.4 N(-3, 1) + 0.6 N(3, 1) with its divergence at that normal, by quadrature here; the forward-KL
    # fit is the moment match N(0.6, 1 + 9 - 0.36)
    logp = _mixture_logpdf([-3.0, 3.0], [1.0, 1.0], [0.4, 0.6])
    fits = mle["fits"]
    assert fits["forward KL(P‖Q)"]["loc"] == pytest.approx(0.6, rel=1e-9)
    assert fits["forward KL(P‖Q)"]["scale"] == pytest.approx(math.sqrt(9.64), rel=1e-9)

    def normal(name):
        return _mixture_logpdf([fits[name]["loc"]], [fits[name]["scale"]], [1.0])

    w1 = fits["W1"]
    truth = {
        "forward KL(P‖Q)": _kl(logp, normal("forward KL(P‖Q)")),
        "reverse KL(Q‖P)": _kl(normal("reverse KL(Q‖P)"), logp),
        "JSD": _jsd(logp, normal("JSD")),
        "W1": _quad(
            lambda x: abs(0.4 * _normal_cdf(x, -3) + 0.6 * _normal_cdf(x, 3) - _normal_cdf(x, w1["loc"], w1["scale"]))
        ),
    }
    assert {name: fit["divergence"] for name, fit in fits.items()} == pytest.approx(truth, rel=1e-6)
    # Bernoulli(0.3): the W1 loss E|K/m - θ| is smallest at a median of K/m, K ~ Binomial(m, 0.3); Cramér² at p
    medians = [scipy.stats.binom.median(m, tour.BERNOULLI_P) / m for m in (1, 2, 3)]
    assert report["bernoulli"]["w1_low"] == pytest.approx(medians) == report["bernoulli"]["w1_high"]
    assert report["bernoulli"]["cramer2"] == pytest.approx([tour.BERNOULLI_P] * 3)


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
    assert main(["tour", "--quick", "--stages", "weak", "--format", "svg", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "weak_convergence.svg").read_text().lstrip().startswith("<?xml")


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
    (tmp_path / "weak_convergence.png").write_bytes(b"old")  # the quickest stage
    assert main(["tour", "--quick", "--stages", "weak", "--out", str(tmp_path)]) == 0
    assert "already holds weak_convergence.png; overwriting" in capsys.readouterr().err
    assert (tmp_path / "weak_convergence.png").read_bytes()[:4] == b"\x89PNG"


def test_the_default_output_folder_is_ignored_by_git():
    import pathlib

    from gantheory.cli import tour as cli_tour

    root = pathlib.Path(__file__).resolve().parents[1]
    assert f"/{cli_tour.DEFAULT_OUT}/" in (root / ".gitignore").read_text().splitlines()


def test_evaluation_report_meets_the_closed_form_fid():
    small = dict(evaluation=dict(fid_repeats=2, collapse=dict(n=200, repeats=2)))
    r = tour.tour_report(quick=True, stages=["evaluation"], settings=small)["evaluation"]
    A = np.random.default_rng(0).normal(size=(tour.EVAL_DIM, tour.EVAL_DIM)) / math.sqrt(tour.EVAL_DIM)
    d = tour.EVAL_DIM
    # FID between N(0, I) and N(0.25, S): |0.25|² d + tr(I + S - 2 S^½) = d / 16 + Σ (1 - √λ)², λ the eigenvalues of S
    lam = np.linalg.eigvalsh(np.eye(d) + A @ A.T)
    assert r["fid_exact"] == pytest.approx(d / 16 + np.sum((1 - np.sqrt(lam)) ** 2), rel=1e-9)
    # FID_n = FID + c/n + ...: a slope near -1, and its extrapolation to n = inf near the exact value
    assert -2.0 < r["fid_bias_slope"] < 0.0 and r["fid_extrapolated"] == pytest.approx(r["fid_exact"], rel=0.2)
    # the settings reach the run; dropping one of the 8 modes moves the law away from the ring, and each divergence
    # between laws (zero only at P = Q) grows beyond its sampling noise
    snr = r["one_dropped_signal_to_noise"]
    assert r["n"] == 200 and all(math.isfinite(v) for v in snr.values())
    assert all(snr[name] > 0 for name in ("FID", "MMD", "W1", "W2", "energy"))


def test_weak_critics_and_fgan_reports_meet_the_theory():
    small = dict(critics=dict(steps=20, n_eval=500, log_every=10), fgan_steps=20)
    r = tour.tour_report(quick=True, stages=["weak", "critics", "fgan"], settings=small)
    # delta(1/100) vs delta(0): KL infinite, JSD log 2, TV 1 (disjoint supports), W1 = 1/100
    assert r["weak"] == {"n_last": 100, "kl": math.inf, "js_divergence": math.log(2), "tv": 1.0, "w1": 0.01}
    # W1 = ∫|F - G| between 0.5 N(-0.5, 0.15²) + 0.5 N(0.5, 0.15²) and N(0, 0.15²) (tour.CRITIC_P, CRITIC_Q), by quadrature
    cdf = _normal_cdf
    w1 = _quad(lambda x: abs(0.5 * cdf(x, -0.5, 0.15) + 0.5 * cdf(x, 0.5, 0.15) - cdf(x, 0, 0.15)), -3, 3)
    critics = r["critics"]
    assert critics["w1"] == pytest.approx(w1, rel=1e-7) and critics["figure2_w1"] == pytest.approx(6.0, rel=1e-9)
    # Kantorovich-Rubinstein: a K-Lipschitz critic's E_P f - E_Q f is at most K W1 (up to the estimate's sampling noise)
    assert set(critics["estimate_over_w1"]) == set(critics["lipschitz"]) and len(critics["lipschitz"]) == 4
    for name, ratio in critics["estimate_over_w1"].items():
        assert ratio <= critics["lipschitz"][name] + 0.1, name
    assert critics["figure2_dstar_fake_slope"] < 1e-12  # D* saturates where the generator's mass is (WGAN Fig. 2)
    # f-GAN (Nguyen et al. 2010): the variational bound is below the divergence: KL(N(0,1)||N(1,1)) = 1/2, and
    # the GAN's 2 JSD - log 4 with the JSD by quadrature here
    jsd = _jsd(_mixture_logpdf([0.0], [1.0], [1.0]), _mixture_logpdf([1.0], [1.0], [1.0]))
    assert r["fgan"]["kl"]["exact"] == pytest.approx(0.5, rel=1e-12)
    assert r["fgan"]["gan"]["exact"] == pytest.approx(2 * jsd - math.log(4), abs=1e-9)
    for f in ("kl", "gan"):
        assert r["fgan"][f]["bound"] <= r["fgan"][f]["exact"] + 3 * r["fgan"][f]["se"], f
    text = tour.format_report(r)
    assert "f-GAN lower bound" in text and "Lipschitz critics" in text and "Weak convergence" in text


def test_modes_and_ring_reports_count_the_modes_of_the_last_snapshot():
    # made-up runs whose last snapshot sits on the ring's mode centres, 2 samples on each of modes 0-2 and 2 far
    # from every mode: 3 modes covered, 6 of 8 samples of high quality, by construction
    centres = np.array([c.mean for c in tour.RING.components])
    last = np.concatenate([np.repeat(centres[:3], 2, axis=0), np.full((2, 2), 9.0)])
    first = np.repeat(centres, 1, axis=0)
    modes = tour._modes_report(
        {"target": tour.RING, "runs": {"a": SimpleNamespace(snapshots=np.stack([first, last]), steps=20)}}
    )
    assert modes == {"a": {"modes": 3, "high_quality": 0.75, "steps": 20}}
    metrics = {"sliced_w1": [0.9, 0.2], "modes": [1, 5], "high_quality": [0.1, 0.6]}
    ring = tour._ring_report({"runs": {"b": SimpleNamespace(metrics=metrics, steps=40, stopped=None)}})
    assert ring == {
        "b": {
            "sliced_w1_first": 0.9,
            "sliced_w1_last": 0.2,
            "modes_last": 5,
            "high_quality_last": 0.6,
            "steps": 40,
            "stopped": None,
        }
    }
    r = {"modes": modes, "ring": ring}
    assert "Mode collapse on the ring of 8" in tour.format_report(r)


def test_modes_and_ring_stages_run_with_the_settings_given():
    small = dict(
        modes=dict(methods=("PacGAN-2",), steps=2, n_snapshot=40, snapshot_every=2),
        ring=dict(steps=2, batch_size=16, log_every=1, snapshot_every=1),
    )
    r = tour.tour_report(quick=True, stages=["ring", "modes"], settings=small)
    assert set(r["modes"]) == {"PacGAN-2"} and r["modes"]["PacGAN-2"]["steps"] == 2
    assert 0 <= r["modes"]["PacGAN-2"]["modes"] <= 8 and 0.0 <= r["modes"]["PacGAN-2"]["high_quality"] <= 1.0
    assert set(r["ring"]) == set(tour.RING_LOSSES) and all(run["steps"] == 2 for run in r["ring"].values())


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
