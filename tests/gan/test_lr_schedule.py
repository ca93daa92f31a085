"""``lr_schedule=`` of ``train``/``Game``: bit for bit against hand-set learning rates and against SGD's update written
here, neutral at factor 1, the cosine's values, the callable's validation, the record in ``History.config``."""

import math

import numpy as np
import pytest

import gantheory as gt
from gantheory.autograd import nn, optim
from gantheory.gan import History
from gantheory.gan.config import TrainConfig
from gantheory.gan.losses import LOSSES
from gantheory.gan.training import Game

RING = gt.ring_of_gaussians(8)
STEPS = 4
SMALL = dict(batch_size=16, n_eval=32, n_snapshot=16, grid_size=4, log_every=0, snapshot_every=0, progress=False)


def parameters(module):
    return [p.data.copy() for p in module.parameters()]


def assert_same_parameters(a, b):
    assert len(a) == len(b)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def linear(k, steps=STEPS):
    """The linear schedule written here: 1 - k / steps at the k-th generator step."""
    return 1 - k / steps


def hand_run(options, factor, steps=STEPS, set_lr=None):
    """A Game without a schedule, each update's lr set here by hand to lr * factor(k) through the step methods."""
    game = Game(RING, **SMALL, **options)
    lr, d_lr = game.opt_g.lr, game.opt_d.lr
    for k in range(steps):
        if game.update == "alternating":
            for _ in range(game.n_critic):
                game.opt_d.lr = d_lr * factor(k)
                game.discriminator_step()
            game.opt_g.lr = lr * factor(k)
            game.opt_d.lr = d_lr * factor(k)  # the unrolled updates' lr (unused without unrolling)
            game.generator_step()
        else:
            game.opt_g.lr, game.opt_d.lr = lr * factor(k), d_lr * factor(k)
            game.step()
    return game


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_linear_equals_learning_rates_set_by_hand_for_every_loss_and_optimizer(loss, optimizer):
    options = dict(loss=loss, optimizer=optimizer, rng=3)
    h = gt.gan.train(RING, steps=STEPS, lr_schedule="linear", **SMALL, **options)
    game = hand_run(options, linear)
    assert h.stopped == "completed"
    np.testing.assert_array_equal(h.d_loss, np.array([r[0] for r in game.records]))
    np.testing.assert_array_equal(h.g_loss, np.array([r[1] for r in game.records]))
    assert_same_parameters(parameters(h.generator), parameters(game.generator))
    assert_same_parameters(parameters(h.discriminator), parameters(game.discriminator))
    # and it is not the constant-lr run
    constant = gt.gan.train(RING, steps=STEPS, **SMALL, **options)
    assert not np.array_equal(constant.g_loss, h.g_loss)


@pytest.mark.parametrize(
    "options",
    [
        dict(unroll=1),
        dict(unroll=2, loss="wgan_gp", n_critic=2),
        dict(update="simultaneous"),
        dict(pack=2, minibatch_std=True, r1=0.5),
        dict(spectral_norm=True, loss="least_squares"),
    ],
    ids=["unroll-1", "unroll-2-wgan-gp", "simultaneous", "remedies", "spectral-norm"],
)
def test_linear_equals_learning_rates_set_by_hand_with_the_remedies_and_update_rules(options):
    # unrolled: the inner updates take the discriminator's lr of the generator step they belong to
    h = gt.gan.train(RING, steps=STEPS, lr_schedule="linear", **SMALL, **options)
    game = hand_run(options, linear)
    np.testing.assert_array_equal(h.g_loss, np.array([r[1] for r in game.records]))
    assert_same_parameters(parameters(h.generator), parameters(game.generator))
    assert_same_parameters(parameters(h.discriminator), parameters(game.discriminator))


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_each_update_is_sgds_written_here_with_the_linear_lr(loss):
    # An independent truth: theta_new = theta - (lr * (1 - k / steps)) * g on the gradient each update used (left in
    # p.grad by the step), for both players, every discriminator update of step k taking the factor of step k.
    steps = 3
    game = Game(RING, loss=loss, optimizer="sgd", lr=0.01, d_lr=0.002, lr_schedule="linear", steps=steps, **SMALL)
    clip = LOSSES[loss].clip
    for k in range(steps):
        for _ in range(game.n_critic):
            before = parameters(game.discriminator)
            game.discriminator_step()
            for p, old in zip(game.discriminator.parameters(), before):
                expected = old - (0.002 * linear(k, steps)) * p.grad
                if clip:
                    expected = np.clip(expected, -clip, clip)
                assert np.array_equal(p.data, expected)
        before = parameters(game.generator)
        game.generator_step()
        for p, old in zip(game.generator.parameters(), before):
            assert np.array_equal(p.data, old - (0.01 * linear(k, steps)) * p.grad)
    last = linear(steps - 1, steps)  # the last step's factor, 1 / steps
    assert (game.opt_g.lr, game.opt_d.lr) == (0.01 * last, 0.002 * last) and last == pytest.approx(1 / steps)


def test_a_pair_of_optimizer_instances_and_a_factory_are_scheduled_from_their_own_lr():
    def players(seed):
        return nn.MLP([2, 16, 2], rng=seed), nn.MLP([2, 16, 1], rng=seed + 1)

    G, D = players(0)
    pair = (optim.SGD(G.parameters(), lr=0.1, momentum=0.5), optim.RMSProp(D.parameters(), lr=0.003))
    h = gt.gan.train(RING, generator=G, discriminator=D, optimizer=pair, lr_schedule="linear", steps=STEPS, **SMALL)
    assert (h.config["lr"], h.config["d_lr"], h.config["lr_schedule"]) == (0.1, 0.003, "linear")
    G2, D2 = players(0)
    pair2 = (optim.SGD(G2.parameters(), lr=0.1, momentum=0.5), optim.RMSProp(D2.parameters(), lr=0.003))
    game = hand_run(dict(generator=G2, discriminator=D2, optimizer=pair2), linear)
    assert_same_parameters(parameters(G), parameters(G2))
    assert_same_parameters(parameters(D), parameters(D2))

    def factory(params, lr):
        return optim.Adam(params, lr=lr, betas=(0.8, 0.99))

    f = gt.gan.train(RING, optimizer=factory, lr=2e-3, lr_schedule="linear", steps=STEPS, **SMALL)
    game = hand_run(dict(optimizer=factory, lr=2e-3), linear)
    assert_same_parameters(parameters(f.generator), parameters(game.generator))


class NoLr(optim.SGD):
    """An optimizer without a numeric lr attribute (it keeps its own)."""

    def __init__(self, params, lr):
        super().__init__(params, lr)
        self.lr = None


def test_an_optimizer_without_an_lr_is_refused_only_with_a_schedule():
    with pytest.raises(TypeError, match="lr_schedule sets each optimizer's lr attribute.*NoLr has no numeric lr"):
        Game(RING, optimizer=NoLr, lr_schedule="cosine", **SMALL)
    Game(RING, optimizer=NoLr, **SMALL)  # without a schedule the game never reads or writes lr


@pytest.mark.parametrize(
    "options",
    [
        *({"loss": loss} for loss in sorted(LOSSES)),
        {"optimizer": "sgd"},
        {"optimizer": "rmsprop", "loss": "wgan_gp"},
        {"unroll": 2},
        {"update": "simultaneous"},
        {"pack": 2, "minibatch_std": True, "r1": 1.0},
    ],
)
def test_factor_one_is_the_constant_run_bit_for_bit(options):
    a = gt.gan.train(RING, steps=STEPS, **SMALL, **options)
    b = gt.gan.train(RING, steps=STEPS, lr_schedule=lambda k: 1.0, **SMALL, **options)
    assert_same_parameters(parameters(a.generator), parameters(b.generator))
    assert_same_parameters(parameters(a.discriminator), parameters(b.discriminator))
    np.testing.assert_array_equal(a.g_loss, b.g_loss)
    np.testing.assert_array_equal(a.d_grad_norm, b.d_grad_norm)
    assert a.config["lr_schedule"] is None and b.config["lr_schedule"].endswith("<lambda>")
    assert {k: v for k, v in a.config.items() if k != "lr_schedule"} == {
        k: v for k, v in b.config.items() if k != "lr_schedule"
    }


def test_the_cosine_factors_and_the_optimizers_lr_at_each_step():
    steps = 8
    config = TrainConfig(steps=steps, lr_schedule="cosine")
    expected = [0.5 * (1 + np.cos(np.pi * k / steps)) for k in range(steps + 3)]
    np.testing.assert_allclose([config.lr_factor(k) for k in range(steps + 3)], [*expected[: steps + 1], 0, 0])
    assert config.lr_factor(0) == 1.0 and config.lr_factor(steps // 2) == pytest.approx(0.5, abs=1e-15)
    assert config.lr_factor(steps) == 0.0 and config.lr_factor(steps + 5) == 0.0
    game = Game(RING, config, lr=1e-3, **SMALL)
    for k in range(steps):
        game.step()  # the step's lr is the one left on the optimizers after it
        assert game.opt_g.lr == pytest.approx(1e-3 * expected[k], rel=1e-15, abs=1e-20)
        assert game.opt_d.lr == game.opt_g.lr


def test_linear_factors_reach_zero_at_steps_and_stay_there():
    config = TrainConfig(steps=5, lr_schedule="linear")
    assert [config.lr_factor(k) for k in range(8)] == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2, 0.0, 0.0, 0.0], abs=1e-15)
    assert config.lr_factor(5) == config.lr_factor(7) == 0.0
    assert TrainConfig(steps=5).lr_factor(3) == 1.0  # no schedule: constant


def test_a_callable_schedule_is_applied_as_lr_times_its_value():
    h = gt.gan.train(RING, optimizer="sgd", lr=0.05, lr_schedule=lambda k: 0.5**k, steps=STEPS, **SMALL)
    game = hand_run(dict(optimizer="sgd", lr=0.05), lambda k: 0.5**k)
    assert_same_parameters(parameters(h.generator), parameters(game.generator))


@pytest.mark.parametrize(
    "schedule, error, message",
    [
        (lambda k: -0.5, ValueError, r"lr_schedule must return a finite float >= 0 .* got -0.5 at k=0"),
        (lambda k: math.nan, ValueError, r"lr_schedule must return a finite float >= 0 .* got nan at k=0"),
        (lambda k: math.inf, ValueError, r"finite float >= 0 .* got inf"),
        (lambda k: "1", TypeError, r"lr_schedule must return a finite float >= 0 .* got '1' at k=0"),
        (lambda k: None, TypeError, r"lr_schedule must return a finite float >= 0"),
        (lambda k: True, TypeError, r"lr_schedule must return a finite float >= 0 .* got True"),
        ("linaer", ValueError, r"lr_schedule must be None, one of \['cosine', 'linear'\] .*did you mean 'linear'"),
        ("step", ValueError, r"lr_schedule must be None, one of \['cosine', 'linear'\] or a callable"),
        (0.5, TypeError, r"lr_schedule must be None, one of .* or a callable step -> factor"),
    ],
)
def test_a_bad_schedule_is_refused_when_the_config_is_made(schedule, error, message):
    with pytest.raises(error, match=message):
        TrainConfig(lr_schedule=schedule)
    with pytest.raises(error, match=message):
        gt.gan.train(RING, steps=2, lr_schedule=schedule, **SMALL)


def test_a_callable_that_goes_bad_later_stops_the_run_at_that_step_with_its_message():
    def schedule(k):
        return 1.0 if k < 2 else -1.0

    with pytest.raises(ValueError, match=r"got -1.0 at k=2"):
        gt.gan.train(RING, steps=STEPS, lr_schedule=schedule, **SMALL)
    assert np.float32(0.5) == TrainConfig(lr_schedule=lambda k: np.float32(0.5)).lr_factor(1)  # NumPy floats too


def test_history_config_records_the_schedule_and_loads_it_back(tmp_path):
    for schedule, record in (("linear", "linear"), ("cosine", "cosine"), (None, None)):
        h = gt.gan.train(RING, steps=2, lr_schedule=schedule, **SMALL)
        assert h.config["lr_schedule"] == record
        assert History.load(h.save(tmp_path / "h.json")).config["lr_schedule"] == record

    def warm_up(k):
        return min(1.0, (k + 1) / 10)

    h = gt.gan.train(RING, steps=2, lr_schedule=warm_up, **SMALL)
    # a callable is recorded as a description (it cannot be rebuilt from JSON): the name says which function it was
    assert h.config["lr_schedule"].startswith("callable ") and h.config["lr_schedule"].endswith("warm_up")
    loaded = History.load(h.save(tmp_path / "h.json"))
    assert loaded.config["lr_schedule"] == h.config["lr_schedule"] and loaded == h
    # a named schedule replays from the loaded record: the same run, bit for bit
    named = gt.gan.train(RING, steps=2, lr_schedule="cosine", **SMALL)
    record = History.load(named.save(tmp_path / "c.json")).config["lr_schedule"]
    assert gt.gan.train(RING, steps=2, lr_schedule=record, **SMALL) == named


def test_a_named_schedule_counts_towards_steps_so_a_shorter_run_is_not_a_prefix():
    # constant lr: a shorter run is the prefix of a longer one; with "linear" the factor at step k depends on steps
    short = gt.gan.train(RING, steps=2, lr_schedule="linear", **SMALL)
    long = gt.gan.train(RING, steps=4, lr_schedule="linear", **SMALL)
    assert short.g_loss[0] == long.g_loss[0] and short.g_loss[1] != long.g_loss[1]
