"""Extragradient and optimistic updates of ``train``/``Game`` against the Dirac-GAN's closed-form maps.

The Dirac-GAN (Mescheder et al. 2018) as a run of ``train``: the target a point mass at 0, the generator the point
``G(z) = theta`` (every sample), the discriminator the line ``D(x) = w x`` without bias. Every batch is then the same
point, so the batch means are the single values of the closed form and the stochastic game is deterministic: plain
SGD on it is the map of ``DiracGAN.trajectory`` with ``psi = -w`` (``DiracGAN`` writes the fake sample's logit as
``psi * theta`` in ``f(psi theta)``, the GAN's cost as ``log sigmoid(-D(fake))``), and with step sizes halved for
the GAN's losses, whose costs carry Goodfellow's factor 1/2 (``losses.discriminator_cost``). The truth here is the closed-form
field of ``DiracGAN`` (``f'(t) = sigmoid(-t)``, written out), iterated by ``DiracGAN.trajectory``; ``train`` computes
its gradients by reverse mode through the loss's code: independent routes.
"""

import numpy as np
import pytest

import gantheory as gt
from gantheory.autograd import Tensor, nn
from gantheory.gan import DiracGAN

START = (0.7, 0.3)  # (theta_0, psi_0)


class Point(nn.Module):
    """G(z) = theta for every z (1-D)."""

    latent_dim = 1

    def __init__(self, theta):
        self.theta = Tensor(np.array([float(theta)]), requires_grad=True)

    def forward(self, z):
        return z * 0.0 + self.theta


def line(psi):
    """D(x) = w x with w = -psi (no bias)."""
    D = nn.Linear(1, 1, bias=False)
    D.weight.data[...] = -psi
    return D


def dirac_run(loss, update, steps, lr, d_lr, **options):
    G, D = Point(START[0]), line(START[1])
    game = gt.gan.Game(
        gt.PointMasses([0.0]),
        loss=loss,
        update=update,
        optimizer="sgd",
        lr=lr,
        d_lr=d_lr,
        generator=G,
        discriminator=D,
        batch_size=4,
        n_snapshot=4,
        grid_size=4,
        n_eval=8,
        **options,
    )
    path = [START]
    for _ in range(steps):
        game.step()
        path.append((float(G.theta.data[0]), -float(D.weight.data[0, 0])))
    return np.array(path), game


# simultaneous: the unchanged rule, against the same truth (train's alternating steps D before G, DiracGAN's G first)
@pytest.mark.parametrize("update", ["extragradient", "optimistic", "simultaneous"])
@pytest.mark.parametrize(
    "loss, lr, d_lr",
    [("minimax", 0.3, 0.3), ("non_saturating", 0.2, 0.8), ("wgan", 0.25, 0.5)],
)
def test_the_game_on_the_dirac_gan_is_the_closed_form_map(loss, update, lr, d_lr):
    steps = 40
    options = {"clip": 0} if loss == "wgan" else {}
    path, _ = dirac_run(loss, update, steps, lr, d_lr, **options)
    half = 1.0 if loss == "wgan" else 0.5  # the GAN's costs are half the game value's terms
    expected = DiracGAN(loss).trajectory(START, lr=half * lr, steps=steps, update=update, d_lr=half * d_lr)
    assert len(expected) == steps + 1  # no divergence in the window
    np.testing.assert_allclose(path, expected, rtol=0, atol=1e-12)


def test_the_rules_differ_on_the_dirac_gan():
    """The test above is not vacuous: after 40 steps the three maps are at three different points."""
    ends = [dirac_run("wgan", u, 40, 0.25, 0.5, clip=0)[0][-1] for u in ("simultaneous", "extragradient", "optimistic")]
    gaps = [np.abs(a - b).max() for i, a in enumerate(ends) for b in ends[i + 1 :]]
    assert min(gaps) > 1e-2


def test_wgan_radius_closed_form_through_train():
    """WGAN Dirac-GAN, lr = d_lr = h: simultaneous grows by sqrt(1 + h²) a step, extragradient shrinks by
    sqrt(1 - h² + h⁴) (its map is I + hJ + h²J², J = [[0, -1], [1, 0]]): the norm of the iterate, exactly."""
    h, steps = 0.5, 30
    r0 = np.hypot(*START)
    sim, _ = dirac_run("wgan", "simultaneous", steps, h, h, clip=0)
    extra, _ = dirac_run("wgan", "extragradient", steps, h, h, clip=0)
    k = np.arange(steps + 1)
    np.testing.assert_allclose(np.hypot(*sim.T), r0 * (1 + h**2) ** (k / 2), rtol=1e-12)
    np.testing.assert_allclose(np.hypot(*extra.T), r0 * (1 - h**2 + h**4) ** (k / 2), rtol=1e-12)


def test_optimistic_first_step_is_a_simultaneous_step_and_the_history_records_the_rule():
    one_opt, game = dirac_run("minimax", "optimistic", 1, 0.3, 0.3)
    one_sim, _ = dirac_run("minimax", "simultaneous", 1, 0.3, 0.3)
    np.testing.assert_array_equal(one_opt, one_sim)
    h = game.history()
    assert h.config["update"] == "optimistic" and h.config["optimizer"] == "sgd" and h.config["n_critic"] == 1


@pytest.mark.parametrize("update", ["extragradient", "optimistic"])
def test_train_runs_the_new_rules_on_the_ring_and_records_them(update):
    h = gt.gan.train(
        gt.ring_of_gaussians(8),
        update=update,
        optimizer="sgd",
        lr=0.02,
        steps=6,
        batch_size=16,
        log_every=3,
        n_eval=32,
        n_snapshot=16,
        grid_size=8,
        progress=False,
    )
    assert h.stopped == "completed" and h.config["update"] == update and len(h.d_loss) == 6
    assert np.isfinite(h.d_loss).all() and np.isfinite(h.g_loss).all()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"update": "extragradient", "optimizer": "adam"}, "needs optimizer='sgd'"),
        ({"update": "optimistic"}, "needs optimizer='sgd'"),  # the loss's default optimizer is Adam
        ({"update": "optimistic", "optimizer": "sgd", "n_critic": 2}, "n_critic > 1 needs update='alternating'"),
        ({"update": "extragradient", "optimizer": "sgd", "unroll": 2}, "unroll=0"),
        ({"update": "nesterov"}, "update must be one of"),
    ],
)
def test_invalid_combinations_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        gt.gan.TrainConfig(**options)


def test_one_player_at_a_time_is_refused_with_the_new_rules():
    _, game = dirac_run("minimax", "extragradient", 0, 0.1, 0.1)
    with pytest.raises(ValueError, match="update='alternating'"):
        game.discriminator_step()


@pytest.mark.parametrize("update", ["extragradient", "optimistic"])
def test_weight_clipping_clips_the_look_ahead_point_too(update):
    """WGAN with the critic clipped to [-c, c]: DiracGAN clips psi after every update, the look-ahead's included."""
    path, _ = dirac_run("wgan", update, 40, 0.25, 0.5, clip=0.3)
    expected = DiracGAN("wgan", clip=0.3).trajectory(START, lr=0.25, steps=40, update=update, d_lr=0.5)
    assert np.abs(path[1:, 1]).max() == pytest.approx(0.3)  # the clip is active
    np.testing.assert_allclose(path, expected, rtol=0, atol=1e-12)
