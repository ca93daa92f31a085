"""The training loop: convergence on known targets, determinism, early stops, JSON, validation."""

import sys

import numpy as np
import pytest
from scipy.special import expit

import gantheory as gt
from gantheory.autograd import nn, optim
from gantheory.gan import History, losses

train_module = sys.modules["gantheory.gan.train"]  # gt.gan.train is the function

ARRAY_FIELDS = ("d_loss", "g_loss", "d_grad_norm", "g_grad_norm", "log_steps", "snapshot_steps", "snapshots",
                "grid", "discriminator_grid", "generator_field")  # fmt: skip


def assert_same_history(a, b):
    assert a.stopped == b.stopped and a.config == b.config
    for name in ARRAY_FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.metrics.keys() == b.metrics.keys()
    for k in a.metrics:
        np.testing.assert_array_equal(a.metrics[k], b.metrics[k], err_msg=k)


def small(target=None, **kw):
    options = dict(steps=12, batch_size=32, log_every=4, snapshot_every=6, n_eval=64, n_snapshot=32, grid_size=8, progress=False)
    options.update(kw)
    return gt.gan.train(gt.ring_of_gaussians(8) if target is None else target, **options)


@pytest.mark.slow
def test_affine_gan_reaches_the_gaussian_target_in_exact_w1():
    # G(z) = mu + sigma z starts at N(0, 1); the exact W1 to N(2, 0.5) is then 2 (the means differ by 2,
    # and W1 between normals is at least the mean gap). Non-saturating loss, Adam, 300 steps.
    target = gt.Normal(2.0, 0.5)
    h = gt.gan.train(target, generator="affine", steps=300, lr=0.05, log_every=50, progress=False)
    assert h.stopped == "completed"
    assert h.metrics["exact_w1"][0] == pytest.approx(gt.w1(gt.Normal(0, 1), target))
    assert h.metrics["exact_w1"][-1] < 0.05
    # the logged exact values are those of the trained generator's normal
    assert h.metrics["exact_w1"][-1] == gt.w1(h.generator.distribution(), target)
    assert h.metrics["exact_js"][-1] == gt.js_divergence(h.generator.distribution(), target)
    assert h.metrics["exact_js"][-1] < h.metrics["exact_js"][0] / 10


@pytest.mark.slow
def test_mlp_gan_on_the_ring_of_8_halves_its_sliced_w1_in_seconds():
    # 500 alternating steps at batch 128: the generator moves from a blob at the origin towards the ring.
    # The sliced W1 between 256 generated and 256 target points starts near 1.1 (mean radius 2 away) and
    # must fall by at least half; its floor from sampling alone (two samples of 256) is ~0.1.
    h = gt.gan.train(gt.ring_of_gaussians(8), steps=500, batch_size=128, lr=2e-3, log_every=250,
                     snapshot_every=0, progress=False)  # fmt: skip
    sw1 = h.metrics["sliced_w1"]
    assert h.stopped == "completed" and sw1[-1] < sw1[0] / 2


@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
def test_every_loss_trains_and_the_same_seed_gives_the_same_history(loss):
    a, b = small(loss=loss, seed=3), small(loss=loss, seed=3)
    assert a.stopped == "completed", a.stopped
    assert np.all(np.isfinite(a.d_loss)) and np.all(np.isfinite(a.g_grad_norm))
    assert_same_history(a, b)
    assert not np.array_equal(small(loss=loss, seed=4).d_loss, a.d_loss)


def test_history_has_the_documented_shapes():
    h = small(n_critic=2)
    assert h.d_loss.shape == h.g_loss.shape == h.d_grad_norm.shape == h.g_grad_norm.shape == (12,)
    assert h.log_steps.tolist() == [0, 4, 8, 12]
    assert h.snapshot_steps.tolist() == [0, 6, 12]
    assert h.snapshots.shape == h.generator_field.shape == (3, 32, 2)
    assert h.grid.shape == (64, 2) and h.discriminator_grid.shape == (3, 8, 8)
    assert set(h.metrics) == {"sliced_w1", "energy_distance", "js_knn"}
    assert all(v.shape == (4,) for v in h.metrics.values())


def test_last_step_is_logged_when_steps_is_not_a_multiple():
    h = small(steps=10, log_every=4, snapshot_every=4)
    assert h.log_steps.tolist() == [0, 4, 8, 10] and h.snapshot_steps.tolist() == [0, 4, 8, 10]


def test_grid_and_field_of_a_known_discriminator_match_the_closed_form():
    # Before training (snapshot 0): D(x) has logit w x + b. The non-saturating cost of one sample is
    # 1/2 softplus(-(w x + b)) / n, so the field -n dL/dx is w sigmoid(-(w x + b)) / 2.
    D = nn.Linear(1, 1, rng=0)
    D.weight.data[:] = 1.5
    D.bias.data[:] = -0.5
    h = gt.gan.train(gt.Normal(1, 1), generator="affine", discriminator=D, steps=1, snapshot_every=0,
                     log_every=0, grid_size=16, n_snapshot=10, progress=False)  # fmt: skip
    np.testing.assert_allclose(h.discriminator_grid[0], 1.5 * h.grid[:, 0] - 0.5, rtol=1e-14)
    x = h.snapshots[0]
    np.testing.assert_allclose(h.generator_field[0], 1.5 * expit(-(1.5 * x - 0.5)) / 2, rtol=1e-13)


def test_simultaneous_updates_differ_from_alternating_ones():
    alt, sim = small(update="alternating"), small(update="simultaneous")
    assert sim.stopped == "completed"
    # the first discriminator step is the same (same parameters, same batches); the generator's then differs
    assert sim.d_loss[0] == alt.d_loss[0]
    assert not np.array_equal(sim.g_loss, alt.g_loss)


def test_huge_learning_rate_stops_on_non_finite_values_and_keeps_the_history():
    h = small(optimizer="sgd", lr=1e200, steps=50, loss="maximum_likelihood")
    assert h.stopped.startswith("non-finite") and " at step " in h.stopped, h.stopped
    k = int(h.stopped.rsplit(" ", 1)[1])
    assert h.steps == k - 1 < 50
    assert np.all(np.isfinite(h.d_loss)) and np.all(np.isfinite(h.g_loss))
    assert h.log_steps[-1] == h.snapshot_steps[-1] == k - 1
    assert History.from_json(h.to_json()).stopped == h.stopped


def test_keyboard_interrupt_returns_the_history_so_far(monkeypatch):
    calls = {"n": 0}
    original = train_module._Game.alternating

    def interrupted_at_the_fifth_step(self):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return original(self)

    monkeypatch.setattr(train_module._Game, "alternating", interrupted_at_the_fifth_step)
    h = small(steps=100)
    assert h.stopped == "interrupted at step 5" and h.steps == 4
    assert h.log_steps[-1] == h.snapshot_steps[-1] == 4
    assert h.generator is not None


def test_json_round_trip_keeps_everything_but_the_players():
    h = small(target=gt.Normal(0, 1), generator="affine")
    h2 = History.from_json(h.to_json())
    assert_same_history(h, h2)
    assert h2.generator is None and h2.log_steps.dtype == np.int64


def test_array_targets_and_optimizer_forms_are_accepted():
    samples = gt.ring_of_gaussians(8).sample(500, rng=0)
    assert small(target=samples).stopped == "completed"
    assert small(optimizer=optim.SGD, lr=1e-2).config["optimizer"] == "SGD"
    G, D = nn.MLP([2, 8, 2], rng=0), nn.MLP([2, 8, 1], rng=1)
    pair = (optim.RMSProp(G.parameters(), lr=1e-3), optim.RMSProp(D.parameters(), lr=1e-3))
    assert small(generator=G, discriminator=D, optimizer=pair).stopped == "completed"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"loss": "hinge"}, "loss must be one of"),
        ({"optimizer": "adagrad"}, "optimizer must be one of"),
        ({"steps": 0}, "steps"),
        ({"batch_size": -4}, "batch_size"),
        ({"n_critic": 0}, "n_critic"),
        ({"update": "sequential"}, "update must be one of"),
        ({"update": "simultaneous", "n_critic": 2}, "n_critic"),
        ({"lr": 0.0}, "lr must be > 0"),
        ({"dtype": np.int64}, "dtype must be"),
        ({"generator": "affine"}, "generator='affine' is 1-D"),
        ({"generator": nn.MLP([2, 8, 3], rng=0)}, "target is 2-D"),
        ({"target": np.zeros((10, 3))}, "target samples must be 1-D or 2-D"),
    ],
)
def test_bad_arguments_raise_errors_naming_them(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        small(**kwargs)


@pytest.mark.parametrize("loss", ["non_saturating", "wgan_gp"])
def test_float32_runs_in_float32(loss):
    h = small(loss=loss, dtype=np.float32)
    assert h.stopped == "completed" and h.config["dtype"] == "float32"
    assert h.snapshots.dtype == np.float32 and all(p.dtype == np.float32 for p in h.generator.parameters())
    assert all(p.dtype == np.float32 for p in h.discriminator.parameters())
