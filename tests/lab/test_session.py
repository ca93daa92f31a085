"""Tests of the lab's session (:mod:`gantheory.lab.session`) and its views (:mod:`gantheory.lab.views`).

Each test checks the session against an independent truth: :func:`gantheory.gan.train` on the same options (bit for
bit), a :class:`~gantheory.gan.Game` stepped by hand, SciPy, or a closed form written out here.
"""

import math

import numpy as np
import pytest
from scipy import special, stats

import gantheory as gt
from gantheory.gan.history import History
from gantheory.gan.training import Game
from gantheory.lab import views
from gantheory.lab.session import CONTROLS, DEFAULTS, TARGETS, LabSession, game_eigenvalues

# A small, quick game (the lab's defaults otherwise, as DEFAULTS gives them).
SMALL = {"batch_size": 16, "generator": (16,), "discriminator": (16,), "grid_size": 8}


def _train_options(**options):
    """The options a LabSession with ``options`` runs with, for :func:`gantheory.gan.train` (its steps aside)."""
    merged = {**DEFAULTS, **SMALL, **options}
    merged.pop("steps")
    return merged


def _parameters(game):
    """Copies of both players' parameter arrays."""
    return [p.data.copy() for p in (*game.G.parameters(), *game.D.parameters())]


def _parameters_of(player):
    return [p.data.copy() for p in player.parameters()]


def _listed(value):
    """A recorded option: tuples as lists (JSON)."""
    return list(value) if isinstance(value, tuple) else value


def _costs(lab):
    """The session's per-step ``(d_cost, g_cost, d_norm, g_norm)`` rows."""
    return np.array(lab.game.records, dtype=np.float64).reshape(-1, 4)


def _same_arrays(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


# -- stepping: the same run as gt.gan.train -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("target", "options"),
    [
        ("ring", {}),
        ("ring", {"loss": "wgan_gp"}),  # n_critic = 5 and the gradient penalty's random interpolates
        ("mixture_1d", {"update": "simultaneous", "optimizer": "sgd", "lr": 0.05}),
    ],
)
def test_steps_equal_train_bit_for_bit(target, options):
    k = 7
    lab = LabSession(target, record_every=3, **SMALL, **options)
    assert lab.step(k) == k
    h = gt.gan.train(TARGETS[target](), steps=k, log_every=0, progress=False, **_train_options(**options))
    costs = _costs(lab)
    # the recording every 3 steps (metrics, snapshots) never touches the training stream
    np.testing.assert_array_equal(costs[:, 0], h.d_loss)
    np.testing.assert_array_equal(costs[:, 1], h.g_loss)
    np.testing.assert_array_equal(costs[:, 2], h.d_grad_norm)
    np.testing.assert_array_equal(costs[:, 3], h.g_grad_norm)
    lab_h = lab.history()
    np.testing.assert_array_equal(lab_h.g_loss, h.g_loss)
    np.testing.assert_array_equal(lab_h.d_loss, h.d_loss)
    assert _same_arrays(
        _parameters(lab.game), [p.data for p in (*h.generator.parameters(), *h.discriminator.parameters())]
    )


def test_history_records_equal_train_with_the_same_cadence():
    # train with log_every = snapshot_every = record_every logs and snapshots at the same steps as the lab
    lab = LabSession("ring", record_every=4, **SMALL)
    lab.step(10)
    lab_h = lab.history()
    h = gt.gan.train(TARGETS["ring"](), steps=10, log_every=4, snapshot_every=4, progress=False, **_train_options())
    assert lab_h.log_steps.tolist() == h.log_steps.tolist() == [0, 4, 8, 10]
    assert lab_h.snapshot_steps.tolist() == h.snapshot_steps.tolist()
    for name in h.metrics:
        np.testing.assert_array_equal(lab_h.metrics[name], h.metrics[name], err_msg=name)
    np.testing.assert_array_equal(lab_h.snapshots, h.snapshots)
    np.testing.assert_array_equal(lab_h.discriminator_grid, h.discriminator_grid)
    np.testing.assert_array_equal(lab_h.generator_field, h.generator_field)


def test_player_steps_pair_to_a_full_step():
    # with n_critic = 1 a full step is one discriminator update, then one generator update
    whole = LabSession("ring", record_every=2, n_critic=1, **SMALL)
    whole.step(4)
    by_player = LabSession("ring", record_every=2, n_critic=1, **SMALL)
    returned = []
    for _ in range(4):
        d = by_player.step_discriminator()
        g = by_player.step_generator()
        returned.append((d[0], g[0], d[1], g[1]))
    assert by_player.steps == 4
    np.testing.assert_array_equal(_costs(by_player), _costs(whole))
    np.testing.assert_array_equal(np.array(returned), _costs(whole))
    assert _same_arrays(_parameters(by_player.game), _parameters(whole.game))


# -- set(): changes mid-run -------------------------------------------------------------------------------------------
def test_a_change_at_step_zero_is_the_run_with_that_option():
    lab = LabSession("ring", record_every=5, **SMALL)
    assert lab.set(lr=0.01) == ["optimizers"]
    lab.step(5)
    h = gt.gan.train(TARGETS["ring"](), steps=5, log_every=0, progress=False, **_train_options(lr=0.01))
    np.testing.assert_array_equal(_costs(lab)[:, 1], h.g_loss)
    np.testing.assert_array_equal(_costs(lab)[:, 0], h.d_loss)


def test_a_change_applies_from_the_next_step_and_is_recorded():
    # plain SGD has no state, so a Game whose optimizers' lr is changed by hand is the same run
    options = {**SMALL, "optimizer": "sgd", "lr": 0.02}
    lab = LabSession("ring", record_every=3, **options)
    lab.step(4)
    assert lab.set(lr=0.05, d_lr=0.05) == ["optimizers"]
    lab.step(3)
    game = Game(TARGETS["ring"](), **_train_options(optimizer="sgd", lr=0.02))
    for _ in range(4):
        game.step()
    game.opt_g.lr = game.opt_d.lr = 0.05
    for _ in range(3):
        game.step()
    np.testing.assert_array_equal(_costs(lab), np.array(game.records))
    assert lab.changes == [{"step": 4, "changes": {"lr": 0.05, "d_lr": 0.05}, "restarted": ["optimizers"]}]
    assert lab.config.lr == lab.options()["lr"] == 0.05
    assert set(lab.options()) == set(CONTROLS)


@pytest.mark.parametrize(
    ("change", "reshaped"),
    [
        ({"loss": "least_squares"}, []),  # same shapes: both players carried
        ({"spectral_norm": True}, []),
        ({"batch_size": 32}, []),
        ({"generator": (8,)}, ["generator"]),
        ({"discriminator": (8,)}, ["discriminator"]),
        ({"pack": 2}, ["discriminator"]),  # D takes 2 points at a time
        ({"minibatch_std": True}, ["discriminator"]),  # one more input
        ({"loss": "cramer"}, ["discriminator"]),  # a critic of 256 outputs
    ],
)
def test_set_carries_parameters_and_restarts_only_a_reshaped_player(change, reshaped):
    lab = LabSession("ring", record_every=5, **SMALL)
    lab.step(3)
    before = {"generator": _parameters_of(lab.game.G), "discriminator": _parameters_of(lab.game.D)}
    restarted = lab.set(**change)
    assert restarted == ["optimizers", *reshaped]
    fresh = Game(TARGETS["ring"](), **_train_options(**change))
    for name, player, fresh_player in (("generator", lab.game.G, fresh.G), ("discriminator", lab.game.D, fresh.D)):
        # a carried player keeps its trained values; a restarted one starts from the seed, as a new run's
        expected = _parameters_of(fresh_player) if name in reshaped else before[name]
        assert _same_arrays(_parameters_of(player), expected), name
    assert lab.steps == 3 and lab.changes == [
        {"step": 3, "changes": {k: _listed(v) for k, v in change.items()}, "restarted": restarted}
    ]
    lab.step(2)  # the changed game plays on
    assert lab.steps == 5 and np.isfinite(_costs(lab)).all()


def test_a_new_rng_starts_a_new_run():
    lab = LabSession("ring", record_every=5, **SMALL)
    lab.step(3)
    lab.set(loss="least_squares")
    assert lab.set(rng=1) == ["run"]
    assert lab.steps == 0 and lab.changes == [] and lab.game.log_steps == [0]
    fresh = Game(TARGETS["ring"](), **_train_options(loss="least_squares", rng=1))
    assert _same_arrays(_parameters(lab.game), _parameters(fresh))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"update": "extragradient"}, ValueError),  # extragradient needs plain SGD; the loss's default is adam
        ({"loss": "nope"}, ValueError),
        ({"batch_size": 0}, ValueError),
        ({"n_eval": 10}, TypeError),  # not a control of the lab
        ({"nonsense": 1}, TypeError),
    ],
)
def test_an_invalid_change_raises_and_changes_nothing(changes, error):
    lab = LabSession("ring", record_every=5, **SMALL)
    lab.step(2)
    config, game, params = lab.config, lab.game, _parameters(lab.game)
    with pytest.raises(error):
        lab.set(**changes)
    assert lab.steps == 2 and lab.config == config and lab.game is game and lab.changes == []
    assert _same_arrays(_parameters(lab.game), params)
    lab.step(1)  # and the run goes on as if nothing was tried
    h = gt.gan.train(TARGETS["ring"](), steps=3, log_every=0, progress=False, **_train_options())
    np.testing.assert_array_equal(_costs(lab)[:, 1], h.g_loss)


# -- history(): the record of a lab run ------------------------------------------------------------------------------
def test_history_log_steps_changes_and_round_trip(tmp_path):
    lab = LabSession("ring", record_every=4, **SMALL)
    lab.step(6)
    lab.set(loss="least_squares")
    lab.step(4)
    h = lab.history()
    assert h.steps == 10 and h.log_steps.tolist() == [0, 4, 8, 10]
    assert h.snapshot_steps.tolist() == [0, 4, 8, 10]
    assert h.config["loss"] == "least_squares" and h.config["log_every"] == h.config["snapshot_every"] == 4
    assert h.config["lab_changes"] == [{"step": 6, "changes": {"loss": "least_squares"}, "restarted": ["optimizers"]}]
    for name in ("value_bound", "value_bound_se", "exact_kl"):
        assert h.metrics[name].shape == h.log_steps.shape
    assert all(len(v) == len(h.log_steps) for v in h.metrics.values())
    # value_bound is defined for a classifier loss only: NaN after the change to least squares (at steps 8 and 10)
    assert np.isfinite(h.metrics["value_bound"][:2]).all() and np.isnan(h.metrics["value_bound"][2:]).all()
    assert np.isnan(h.metrics["exact_kl"]).all()  # not an affine generator
    assert lab.history() == h  # recording the last step once
    lab.save(tmp_path / "lab.json")
    loaded = History.load(tmp_path / "lab.json")
    assert loaded == h and loaded.config["lab_changes"] == h.config["lab_changes"]
    assert History.load(h.save(tmp_path / "h.json")) == h


# -- theory(): the lab's bounds -------------------------------------------------------------------------------------
def _value_bound(game):
    """(V + log 4) / 2 on the evaluation samples and its standard error, by SciPy's log_expit."""
    fake = game.G(gt.autograd.Tensor(game.z_eval[: game.n_eval])).data
    real_logits = game.D(gt.autograd.Tensor(game.reference)).data.reshape(-1)
    fake_logits = game.D(gt.autograd.Tensor(fake)).data.reshape(-1)
    log_d_real = special.log_expit(real_logits)  # log D(x)
    log_1m_d_fake = special.log_expit(-fake_logits)  # log(1 - D(G(z)))
    value = log_d_real.mean() + log_1m_d_fake.mean()
    se = math.sqrt(log_d_real.var(ddof=1) / log_d_real.size + log_1m_d_fake.var(ddof=1) / log_1m_d_fake.size)
    return (value + math.log(4.0)) / 2.0, se / 2.0


def _kl_normals(m1, s1, m2, s2):
    """KL(N(m1, s1^2) || N(m2, s2^2)), the closed form."""
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2.0 * s2**2) - 0.5


@pytest.mark.parametrize("loss", ["non_saturating", "minimax"])
def test_value_bound_is_the_value_of_the_game_on_the_evaluation_samples(loss):
    lab = LabSession("ring", record_every=5, loss=loss, **SMALL)
    lab.step(5)
    bound, se = _value_bound(lab.game)
    theory = lab.theory()
    assert theory["value_bound"] == pytest.approx(bound, rel=1e-12, abs=1e-12)
    assert theory["value_bound_se"] == pytest.approx(se, rel=1e-12)
    assert lab.curves()["metrics"]["value_bound"][-1] == theory["value_bound"]  # what step 5 recorded


def test_value_bound_is_below_the_exact_jsd_and_exact_kl_is_the_closed_form():
    lab = LabSession("normal_1d", record_every=10, generator="affine", discriminator=(16,), batch_size=64, lr=0.02)
    P = lab.target
    for _ in range(4):
        theory = lab.theory()
        Q = lab.game.G.distribution()
        # Goodfellow et al., Theorem 1: V(D, G) <= -log 4 + 2 JSD for every D, so the estimate is a lower bound
        jsd = gt.js_divergence(P, Q)
        assert theory["value_bound"] - 3.0 * theory["value_bound_se"] <= jsd
        # the direction: KL(P_data || P_G)
        expected = _kl_normals(P.loc, P.scale, Q.loc, Q.scale)
        assert theory["exact_kl"] == pytest.approx(expected, rel=1e-12, abs=1e-14)
        assert expected != pytest.approx(_kl_normals(Q.loc, Q.scale, P.loc, P.scale), rel=1e-6)
        lab.step(10)
    assert lab.theory()["value_bound"] > 0.0  # D has learned something: the bound is informative, not vacuous


# -- game_eigenvalues -------------------------------------------------------------------------------------------------
def test_arnoldi_eigenvalues_are_the_dense_ones_of_largest_modulus():
    lab = LabSession("ring", record_every=5, generator=(4,), discriminator=(8,), batch_size=16, grid_size=8)
    lab.step(3)
    n_params = sum(p.data.size for p in (*lab.game.G.parameters(), *lab.game.D.parameters()))
    assert n_params <= 400
    dense = game_eigenvalues(lab.game, batch_size=32, dense=True)
    assert dense.shape == (n_params,)
    arnoldi = game_eigenvalues(lab.game, batch_size=32, k=6, dense=False)
    assert arnoldi.shape == (6,)
    scale = np.abs(dense).max()
    top = np.sort(np.abs(dense))[::-1]
    # by modulus (a conjugate pair split at the 6th place leaves the moduli well defined)
    np.testing.assert_allclose(np.sort(np.abs(arnoldi))[::-1], top[:6], rtol=1e-6, atol=1e-9 * scale)
    for value in arnoldi:  # each is one of the dense eigenvalues
        assert np.min(np.abs(dense - value)) <= 1e-6 * scale


def test_game_eigenvalues_refuse_packing():
    game = Game(TARGETS["ring"](), **_train_options(pack=2))
    with pytest.raises(ValueError, match="pack"):
        game_eigenvalues(game, batch_size=16)


# -- view() -----------------------------------------------------------------------------------------------------------
def test_plane_view_columns_heat_and_arrows():
    lab = LabSession("ring", record_every=5, loss="minimax", n_snapshot=32, **SMALL)
    lab.step(3)
    view = lab.view()
    assert sorted(view) == ["arrows", "fake", "heat", "manifold", "real"]
    points, d_grid, field, _ = lab.game.snapshot()
    g = SMALL["grid_size"]
    image = view["heat"]["image"][0]
    assert image.shape == (g, g)
    np.testing.assert_array_equal(image, special.expit(d_grid))  # a probability for a classifier
    assert ((image >= 0) & (image <= 1)).all()
    width = float(lab.game.grid[:, 0].max() - lab.game.grid[:, 0].min())
    assert view["heat"]["dw"] == [pytest.approx(width, rel=1e-15)]
    assert view["heat"]["dh"] == [pytest.approx(float(np.ptp(lab.game.grid[:, 1])), rel=1e-15)]
    assert len(view["fake"]["x"]) == len(view["arrows"]["x0"]) == 32
    assert len(view["real"]["x"]) == len(lab.game.snapshot_real)
    assert len(view["manifold"]["xs"]) == 18 and all(len(line) == 41 for line in view["manifold"]["xs"])
    arrows = view["arrows"]
    dx, dy = arrows["x1"] - arrows["x0"], arrows["y1"] - arrows["y0"]
    lengths = np.hypot(dx, dy)
    assert lengths.max() == pytest.approx(views.ARROW_SHARE * width, rel=1e-12)
    # each arrow points along the generator field at its point, all scaled alike
    np.testing.assert_allclose(
        np.stack([dx, dy], axis=1), lengths.max() / np.linalg.norm(field, axis=1).max() * field, rtol=1e-12, atol=1e-15
    )
    np.testing.assert_array_equal(arrows["x0"], points[:, 0])


def test_a_critic_view_is_the_raw_score():
    lab = LabSession("ring", record_every=5, loss="least_squares", **SMALL)
    lab.step(2)
    _, d_grid, _, _ = lab.game.snapshot()
    np.testing.assert_array_equal(lab.view()["heat"]["image"][0], d_grid)


def test_line_view_of_a_1d_mixture():
    lab = LabSession("mixture_1d", record_every=5, loss="minimax", **SMALL)
    lab.step(3)
    view = lab.view()
    assert sorted(view) == ["curves", "fake", "real"]
    curves = view["curves"]
    x = lab.game.grid[:, 0]
    np.testing.assert_array_equal(curves["x"], x)
    p_data = 0.5 * stats.norm.pdf(x, -2.0, 0.5) + 0.5 * stats.norm.pdf(x, 2.0, 0.5)
    np.testing.assert_allclose(curves["p_data"], p_data, rtol=1e-12, atol=1e-300)
    _, d_grid, _, _ = lab.game.snapshot()
    np.testing.assert_array_equal(curves["d"], special.expit(d_grid))
    assert ((curves["d"] >= 0) & (curves["d"] <= 1)).all()
    p_g = stats.gaussian_kde(view["fake"]["x"])(x)
    np.testing.assert_allclose(curves["p_g"], p_g, rtol=1e-12)
    np.testing.assert_allclose(curves["d_star"], p_data / (p_data + p_g), rtol=1e-12)


# -- a drawn target ---------------------------------------------------------------------------------------------------
def test_a_drawn_target_steps_and_its_grid_spans_the_points():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    lab = LabSession(points, record_every=2, **SMALL)
    lab.step(4)
    h = lab.history()
    assert h.steps == 4
    grid = lab.game.grid
    assert (grid.min(axis=0) <= points.min(axis=0)).all() and (grid.max(axis=0) >= points.max(axis=0)).all()
    # the real batches are drawn from the three points
    real = lab.game.real()
    assert all(np.any(np.all(row == points, axis=1)) for row in real)
    # metrics that cannot be computed on 3 points are NaN, each with its reason
    for name, values in h.metrics.items():
        if np.isnan(values).any():
            assert name in lab.game.metric_notes or name in ("value_bound", "value_bound_se", "exact_kl"), name
    assert lab.game.metric_notes  # three points are too few for some metric (the kNN JSD)
    for name, notes in lab.game.metric_notes.items():
        assert all(isinstance(reason, str) and reason for _, reason in notes), name
        assert np.isnan(h.metrics[name][[h.log_steps.tolist().index(step) for step, _ in notes]]).all()


@pytest.mark.parametrize(
    "target",
    [np.zeros((3, 3)), np.array([[0.0, 0.0], [np.nan, 1.0]]), np.empty((0, 2)), "moons", np.zeros((2, 2, 2))],
)
def test_a_bad_target_raises(target):
    with pytest.raises(ValueError):
        LabSession(target, **SMALL)


# -- Game.snapshot() --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["non_saturating", "cramer"])
def test_snapshot_equals_the_recorded_one_and_leaves_the_run_alone(loss):
    options = _train_options(loss=loss, n_snapshot=32)
    game, plain = Game(TARGETS["ring"](), **options), Game(TARGETS["ring"](), **options)
    for _ in range(3):
        game.step()
        plain.step()
    shot = game.snapshot()
    assert game.snapshot_steps == [] and game.snapshots == []
    for _ in range(2):
        game.step()
        plain.step()
    np.testing.assert_array_equal(np.array(game.records), np.array(plain.records))
    shot = game.snapshot()
    h = game.history(log=True)  # records metrics and the snapshot of step 5
    assert h.snapshot_steps.tolist() == [5]
    recorded = (h.snapshots[-1], h.discriminator_grid[-1], h.generator_field[-1], h.manifold[-1])
    for now, then in zip(shot, recorded):
        assert now.shape == then.shape
        np.testing.assert_allclose(now, then, rtol=1e-12, atol=1e-12)


# -- a non-finite step is undone --------------------------------------------------------------------------------------
def test_a_diverging_step_is_undone():
    options = {"optimizer": "sgd", "lr": 1e6}  # diverges within a few steps
    lab = LabSession("ring", record_every=50, **SMALL, **options)
    with pytest.raises(FloatingPointError):
        lab.step(50)
    # train undoes the step that gave a NaN or inf too, by its own loop: the same steps kept, the same players
    h = gt.gan.train(TARGETS["ring"](), steps=50, log_every=0, progress=False, **_train_options(**options))
    assert h.stopped.startswith("non-finite") and h.stopped.endswith(f"at step {h.steps + 1}")
    assert 0 < lab.steps == h.steps < 50
    np.testing.assert_array_equal(_costs(lab)[:, 1], h.g_loss)
    played = [p.data for p in (*h.generator.parameters(), *h.discriminator.parameters())]
    assert _same_arrays(_parameters(lab.game), played)
    assert all(np.isfinite(p).all() for p in _parameters(lab.game))
    before = _parameters(lab.game)
    with pytest.raises(FloatingPointError):  # the next try (on fresh batches) diverges too, and is undone too
        lab.step()
    assert lab.steps == h.steps and _same_arrays(_parameters(lab.game), before)


def test_a_failing_generator_update_undoes_the_discriminators_too(monkeypatch):
    lab = LabSession("ring", record_every=5, **SMALL)
    lab.step(2)
    before = _parameters(lab.game)

    def failing():
        raise FloatingPointError("generator loss")

    monkeypatch.setattr(lab.game, "generator_step", failing)
    with pytest.raises(FloatingPointError):
        lab.step()  # the discriminator updates of this step ran, then the generator's failed
    assert lab.steps == 2 and _same_arrays(_parameters(lab.game), before)
    monkeypatch.undo()
    lab.step_discriminator()
    after_d = _parameters(lab.game)
    assert not _same_arrays(after_d, before)
    monkeypatch.setattr(lab.game, "generator_step", failing)
    with pytest.raises(FloatingPointError):
        lab.step_generator()
    # only the generator's update is undone: the discriminator's update before it was an action of its own
    assert lab.steps == 2 and _same_arrays(_parameters(lab.game), after_d)


# -- observing never changes the run ----------------------------------------------------------------------------------
@pytest.mark.parametrize("spectral_norm", [False, True])
def test_a_spectral_norm_run_equals_train(spectral_norm):
    lab = LabSession("ring", record_every=2, spectral_norm=spectral_norm, **SMALL)
    lab.step(6)
    h = gt.gan.train(
        TARGETS["ring"](), steps=6, log_every=0, progress=False, **_train_options(spectral_norm=spectral_norm)
    )
    np.testing.assert_array_equal(_costs(lab)[:, 1], h.g_loss)
    np.testing.assert_array_equal(_costs(lab)[:, 0], h.d_loss)


@pytest.mark.parametrize("spectral_norm", [False, True])
def test_looking_at_the_game_leaves_the_run_alone(spectral_norm):
    looked, plain = (LabSession("ring", record_every=50, spectral_norm=spectral_norm, **SMALL) for _ in range(2))
    looked.step(2)
    plain.step(2)
    looked.spectrum(batch_size=16, k=4)
    looked.theory()
    looked.view()
    looked.curves()
    looked.history()
    looked.step(3)
    plain.step(3)
    np.testing.assert_array_equal(_costs(looked), _costs(plain))


def test_a_change_between_the_players_updates_keeps_the_discriminators_cost():
    lab = LabSession("ring", record_every=5, n_critic=1, **SMALL)
    d_cost, d_norm = lab.step_discriminator()
    lab.set(lr=0.01)
    lab.step_generator()
    assert _costs(lab)[0, 0] == d_cost and _costs(lab)[0, 2] == d_norm
