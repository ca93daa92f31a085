"""Issue 17's remedies for mode collapse as options of gt.gan.train / Game: unroll (Metz et al. 2017), pack (PacGAN),
minibatch_std (Karras et al. 2018), r1 (Mescheder et al. 2018), and the mode metrics in History.metrics.

Each option is checked against an independent truth: the unrolled gradient against central finite differences of
the unrolled cost computed with the optimizers' in-place updates on copies of the discriminator; the recorded
optimizer updates against the in-place ones; the minibatch-std feature against numpy; the R1 penalty against
finite differences of the discriminator in its input; the mode metrics against mode_coverage; the defaults
against the plain run, bit for bit."""

import copy
import math

import numpy as np
import pytest

import gantheory as gt
from gantheory.autograd import Tensor, nn, optim
from gantheory.gan import losses
from gantheory.gan.metrics import mode_coverage
from gantheory.gan.players import append_minibatch_std
from gantheory.gan.training import Game

RING = gt.ring_of_gaussians(8)
SMALL = dict(
    steps=6, batch_size=32, log_every=3, snapshot_every=3, n_eval=32, n_snapshot=32, grid_size=6, progress=False
)


def same_history(a, b):
    return a == b and a.config == b.config and np.array_equal(a.d_loss, b.d_loss) and np.array_equal(a.g_loss, b.g_loss)


# ----------------------------------------------------------------------------------------------------------------------
# Defaults: the plain run, bit for bit
# ----------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["non_saturating", "wgan_gp", "cramer"])
def test_options_at_their_neutral_values_reproduce_the_plain_run_bit_for_bit(loss):
    plain = gt.gan.train(RING, loss=loss, **SMALL)
    neutral = gt.gan.train(
        RING,
        loss=loss,
        unroll=0,
        pack=1,
        minibatch_std=False,
        r1=0.0,
        spectral_norm=False,
        clip=None,
        gradient_penalty=None,
        one_sided=False,
        **SMALL,
    )
    assert same_history(plain, neutral)
    for p, q in zip(plain.discriminator.parameters(), neutral.discriminator.parameters()):
        assert np.array_equal(p.data, q.data)
    assert {k: plain.config[k] for k in ("unroll", "pack", "minibatch_std", "r1")} == {
        "unroll": 0,
        "pack": 1,
        "minibatch_std": False,
        "r1": 0.0,
    }


def test_each_option_changes_the_run_and_is_recorded_in_the_config():
    plain = gt.gan.train(RING, **SMALL)
    for option in (dict(unroll=1), dict(pack=2), dict(minibatch_std=True), dict(r1=1.0)):
        h = gt.gan.train(RING, **option, **SMALL)
        ((name, value),) = option.items()
        assert h.config[name] == value and type(h.config[name]) is type(value)
        assert not np.array_equal(h.g_loss, plain.g_loss), option
        assert gt.gan.History.from_json(h.to_json()) == h


# ----------------------------------------------------------------------------------------------------------------------
# The recorded optimizer updates are the in-place ones
# ----------------------------------------------------------------------------------------------------------------------
OPTIMIZERS = {
    "sgd": lambda ps: optim.SGD(ps, lr=0.1),
    "sgd_momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    "sgd_nesterov": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda ps: optim.Adam(ps, lr=0.01, betas=(0.5, 0.9)),
    "rmsprop": lambda ps: optim.RMSProp(ps, lr=0.01),
    "rmsprop_momentum": lambda ps: optim.RMSProp(ps, lr=0.01, momentum=0.5),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_functional_step_gives_the_in_place_step_bit_for_bit(name, dtype):
    rng = np.random.default_rng(0)
    params = [
        Tensor(rng.normal(size=(3, 2)).astype(dtype), requires_grad=True),
        Tensor(rng.normal(size=2).astype(dtype), requires_grad=True),
    ]
    opt = OPTIMIZERS[name](params)
    values, state = [Tensor(p.data.copy()) for p in params], opt.functional_state()
    for step in range(4):
        grads = [rng.normal(size=p.shape).astype(dtype) for p in params]
        grads[1][0] = 0.0  # a zero gradient entry (v = 0 at the first Adam step): no NaN
        if step == 2:
            grads[0] = None  # skipped by step() and by functional_step
        values, state = opt.functional_step(values, [None if g is None else Tensor(g) for g in grads], state)
        for p, g in zip(params, grads):
            p.grad = g
        opt.step()
        for p, v in zip(params, values):
            assert v.dtype == dtype and np.array_equal(p.data, v.data), (name, step)


def test_functional_step_does_not_touch_the_optimizer():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    before = copy.deepcopy((w.data, opt.m, opt.v, opt.t))
    opt.functional_step([w], [Tensor(np.array([1.0, -1.0]))], opt.functional_state())
    assert np.array_equal(w.data, before[0]) and np.array_equal(opt.m[0], before[1][0]) and opt.t == before[3]


def test_an_optimizer_that_cannot_record_its_update_is_refused_by_unroll():
    class Halving(optim.Optimizer):
        def _update(self, k, w, g):
            w -= 0.5 * self.lr * g

    with pytest.raises(NotImplementedError, match="cannot record"):
        Halving([Tensor(np.zeros(1), requires_grad=True)], lr=1.0).functional_step([], [], [])
    with pytest.raises(TypeError, match="unroll=2.*Halving.*functional_step"):
        gt.gan.train(RING, optimizer=lambda params, lr: Halving(params, lr), unroll=2, **SMALL)
    assert (
        gt.gan.train(RING, optimizer=lambda params, lr: Halving(params, lr), unroll=0, **SMALL).stopped == "completed"
    )


# ----------------------------------------------------------------------------------------------------------------------
# Unrolling: the gradient against finite differences of the unrolled cost
# ----------------------------------------------------------------------------------------------------------------------
def _tiny_game(optimizer, k, r1=0.0, loss="non_saturating", spectral_norm=False, pack=1, minibatch_std=False):
    G = nn.MLP([2, 4, 2], activation="tanh", rng=1)
    D = nn.MLP([2 * pack + minibatch_std, 5, 1], activation="tanh", rng=2)
    lr = 0.05 if loss == "non_saturating" else 0.002  # "wgan": steps smaller than its clip 0.01
    game = Game(
        RING,
        generator=G,
        discriminator=D,
        loss=loss,
        optimizer=optimizer,
        lr=lr,
        batch_size=8,
        unroll=k,
        r1=r1,
        n_critic=1,
        spectral_norm=spectral_norm,
        pack=pack,
        minibatch_std=minibatch_std,
        n_eval=8,
        n_snapshot=8,
        grid_size=2,
        rng=3,
    )
    for _ in range(2):  # the optimizers' state (Adam's moments, momentum buffers) is no longer the initial one
        game.step()
    return game


def _unrolled_cost_by_copies(game, theta, r1):
    """The generator's cost against the discriminator after k in-place optimizer steps on copies (no graph at all).

    Same batches as the game's generator step: the generator's noise first, then for each unrolled update a real batch
    and a noise batch.
    """
    G = copy.deepcopy(game.G)
    for p, value in zip(G.parameters(), theta):
        p.data[...] = value
    net, opt = copy.deepcopy((game.D, game.opt_d))  # together: the copy's optimizer updates the copied parameters
    net.eval()  # the unrolled updates keep a spectral norm's singular vectors fixed
    m, std = game.pack, game.minibatch_std

    def D(x):  # packs of m consecutive points, then the minibatch-std column
        x = x.reshape(len(x) // m, -1)
        return net(append_minibatch_std(x) if std else x)

    z = game.noise()
    batches = [(game.real(), game.noise()) for _ in range(game.unroll)]
    wgan = game.spec.name == "wgan"
    for real, z_j in batches:
        fake = G(Tensor(z_j)).data
        cost = losses.wasserstein_critic_cost(D(real), D(fake)) if wgan else losses.discriminator_cost(D(real), D(fake))
        if r1:
            cost = cost + losses.r1_penalty(D, real, r1)
        opt.zero_grad()
        cost.backward()
        opt.step()
        if wgan:
            losses.clip_weights(net, 0.01)
    fake = D(G(Tensor(z)).data)
    return (losses.wasserstein_generator_cost(fake) if wgan else losses.generator_cost(fake, "non_saturating")).item()


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
@pytest.mark.parametrize("k", [1, 2])
def test_unrolled_generator_gradient_matches_finite_differences_of_the_unrolled_cost(optimizer, k):
    _check_unrolled_gradient(_tiny_game(optimizer, k), r1=0.0)


def test_unrolled_gradient_with_packing_and_the_minibatch_std_feature():
    _check_unrolled_gradient(_tiny_game("adam", 2, pack=2, minibatch_std=True), r1=0.0)


def test_unrolled_gradient_through_the_r1_penalty_third_derivatives():
    _check_unrolled_gradient(_tiny_game("adam", 1, r1=2.0), r1=2.0)


def test_unrolled_gradient_through_rmsprop_and_weight_clipping_of_wgan():
    game = _tiny_game("rmsprop", 2, loss="wgan")
    clipped = np.concatenate([np.abs(p.data).ravel() for p in game.d_params])
    assert np.mean(clipped == 0.01) > 0.3  # over a third of the weights sit at the clip bound: the clipping acts
    _check_unrolled_gradient(game, r1=0.0)


def _check_unrolled_gradient(game, r1):
    theta = [p.data.copy() for p in game.g_params]
    stream = copy.deepcopy((game.rng.bit_generator.state, game.used))

    def rewind():
        game.rng.bit_generator.state, game.used = copy.deepcopy(stream)

    d_before = [p.data.copy() for p in game.d_params]
    rewind()
    cost, _ = game.generator_step()  # the library's unrolled cost and gradient (then G's update, undone below)
    autograd = [np.array(p.grad) for p in game.g_params]
    assert all(np.array_equal(p.data, q) for p, q in zip(game.d_params, d_before))  # D keeps its own parameters
    rewind()
    assert cost == pytest.approx(_unrolled_cost_by_copies(game, theta, r1), rel=1e-12)

    h = 1e-6
    for i, value in enumerate(theta):
        fd = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            values = []
            for sign in (1, -1):
                shifted = [t.copy() for t in theta]
                shifted[i][idx] += sign * h
                rewind()
                values.append(_unrolled_cost_by_copies(game, shifted, r1))
            fd[idx] = (values[0] - values[1]) / (2 * h)
        np.testing.assert_allclose(autograd[i], fd, rtol=1e-5, atol=1e-8)
    # the unrolled gradient is not the plain one: the second-order terms matter here
    plain = _tiny_game(game.config["optimizer"], 0, loss=game.spec.name)
    plain.rng.bit_generator.state, plain.used = copy.deepcopy(stream)
    plain.generator_step()
    assert not np.allclose([np.ravel(p.grad) for p in plain.g_params][0], autograd[0].ravel(), rtol=1e-3)


def test_unrolled_gradient_through_spectrally_normalized_layers():
    game = _tiny_game("adam", 2, spectral_norm=True)
    assert [type(layer).__name__ for layer in game.D.layers] == ["SpectralNorm", "Tanh", "SpectralNorm"]
    u = [layer.u.copy() for layer in game.D.layers[::2]]
    _check_unrolled_gradient(game, r1=0.0)
    # the unrolled generator step (its unrolled updates and its cost against them) leaves the power iteration alone ...
    assert all(np.array_equal(a, layer.u) for a, layer in zip(u, game.D.layers[::2]))
    game.discriminator_step()  # ... which a pass of D in training mode advances
    assert not np.array_equal(u[0], game.D.layers[0].u)


def test_unroll_leaves_the_discriminators_update_alone():
    # alternating: the step's discriminator update happens before the unrolled ones, which are discarded
    runs = [Game(RING, batch_size=32, n_snapshot=8, grid_size=4, unroll=k) for k in (0, 3)]
    for game in runs:
        game.step()
    (d0, d3), (g0, g3) = ([g.d_params for g in runs]), ([g.g_params for g in runs])
    assert all(np.array_equal(p.data, q.data) for p, q in zip(d0, d3))
    assert not all(np.array_equal(p.data, q.data) for p, q in zip(g0, g3))


# ----------------------------------------------------------------------------------------------------------------------
# pack and minibatch_std change D's input as claimed
# ----------------------------------------------------------------------------------------------------------------------
class Spy(nn.Module):
    """A discriminator that records the inputs it is called on."""

    def __init__(self, width, outputs=1):
        self.net = nn.MLP([width, 8, outputs], rng=0)
        self.seen = []

    def forward(self, x):
        self.seen.append(np.array(x.data if isinstance(x, Tensor) else x))
        return self.net(x)


def test_pack_2_doubles_the_discriminators_input_width():
    h1 = gt.gan.train(RING, **SMALL)
    h2 = gt.gan.train(RING, pack=2, **SMALL)
    assert h1.discriminator.layers[0].weight.shape[0] == 2 and h2.discriminator.layers[0].weight.shape[0] == 4
    spy = Spy(4)
    game = Game(RING, discriminator=spy, pack=2, batch_size=32, n_snapshot=8, grid_size=4)
    real = copy.deepcopy(game).real()  # the batch the first discriminator step will draw
    spy.seen.clear()
    game.discriminator_step()
    assert spy.seen[0].shape == (16, 4)  # 32 samples in 16 packs of 2
    np.testing.assert_array_equal(spy.seen[0], real.reshape(16, 4))  # consecutive samples side by side
    np.testing.assert_array_equal(spy.seen[0][:, 2:], real[1::2])


def test_minibatch_std_appends_the_batchs_mean_standard_deviation():
    spy = Spy(3)
    game = Game(RING, discriminator=spy, minibatch_std=True, batch_size=64, n_snapshot=8, grid_size=4)
    spy.seen.clear()
    game.discriminator_step()
    for batch in spy.seen[:2]:  # the real batch, then the generated one
        assert batch.shape == (64, 3)
        assert np.all(batch[:, 2] == batch[0, 2])
        assert batch[0, 2] == pytest.approx(np.std(batch[:, :2], axis=0).mean(), rel=1e-6)  # numpy's std (ddof 0)
    assert spy.seen[0][0, 2] != spy.seen[1][0, 2]
    # with pack, the feature is that of the packed batch
    spy = Spy(5)
    game = Game(RING, discriminator=spy, minibatch_std=True, pack=2, batch_size=64, n_snapshot=8, grid_size=4)
    spy.seen.clear()
    game.discriminator_step()
    batch = spy.seen[0]
    assert batch.shape == (32, 5) and batch[0, 4] == pytest.approx(np.std(batch[:, :4], axis=0).mean(), rel=1e-6)
    assert gt.gan.train(RING, minibatch_std=True, **SMALL).discriminator.layers[0].weight.shape[0] == 3


def test_append_minibatch_std_gradient_matches_finite_differences():
    x = np.random.default_rng(0).normal(size=(5, 2))
    weights = np.random.default_rng(1).normal(size=(5, 3))

    def f(a):
        return (append_minibatch_std(a) * weights).sum()

    g = gt.autograd.grad(f)(x)
    fd = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = 1e-6
        fd[idx] = (f(Tensor(x + e)).item() - f(Tensor(x - e)).item()) / 2e-6
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)


# ----------------------------------------------------------------------------------------------------------------------
# r1: the zero-centred penalty on real data
# ----------------------------------------------------------------------------------------------------------------------
def test_r1_adds_gamma_half_the_mean_squared_input_gradient_of_d_on_the_real_batch():
    gamma = 3.0
    games = [Game(RING, batch_size=16, n_snapshot=8, grid_size=4, r1=r) for r in (gamma, 0.0)]
    real = copy.deepcopy(games[0]).real()
    (with_r1, _), (plain, _) = (g.discriminator_step() for g in games)
    D = copy.deepcopy(games[1].D)  # undo the plain game's update: the penalty is taken at the initial D
    for p, q in zip(D.parameters(), Game(RING, batch_size=16, n_snapshot=8, grid_size=4).D.parameters()):
        p.data[...] = q.data
    h, squares = 1e-6, np.zeros(len(real))
    for j in range(2):  # central differences of D's logit in each input coordinate
        e = np.zeros_like(real)
        e[:, j] = h
        squares += ((D(real + e).data - D(real - e).data)[:, 0] / (2 * h)) ** 2
    assert with_r1 - plain == pytest.approx(gamma / 2 * squares.mean(), rel=1e-6)


def test_r1_with_minibatch_std_is_the_gradient_of_the_batch_sum_cross_sample_terms_included():
    # Issue 24: with the minibatch-std feature each output depends on the whole batch. train's R1 is then
    # gamma/2 mean_i ||d/dx_i sum_j D(x_j)||^2 (StyleGAN2's practice), not the per-sample gamma/2 mean_i ||grad D(x_i)||^2
    # with the batch's feature held fixed: central differences of both, against the cost train adds.
    gamma, options = 3.0, {"batch_size": 16, "n_snapshot": 8, "grid_size": 4, "minibatch_std": True}
    games = [Game(RING, r1=r, **options) for r in (gamma, 0.0)]
    real = copy.deepcopy(games[0]).real()
    (with_r1, _), (plain, _) = (g.discriminator_step() for g in games)
    D = Game(RING, **options).D  # the initial D, at which the penalty was taken

    def batch_sum(x):
        return D(append_minibatch_std(x)).data.sum()

    def own_output(x, i):  # D(x_i) with the feature of the unperturbed batch
        return D(np.hstack([x, append_minibatch_std(real)[:, -1:]])).data[i, 0]

    h = 1e-6
    batch, per_sample = np.zeros_like(real), np.zeros_like(real)
    for i in range(len(real)):
        for j in range(2):
            e = np.zeros_like(real)
            e[i, j] = h
            batch[i, j] = (batch_sum(real + e) - batch_sum(real - e)) / (2 * h)
            per_sample[i, j] = (own_output(real + e, i) - own_output(real - e, i)) / (2 * h)
    penalty = with_r1 - plain
    assert penalty == pytest.approx(gamma / 2 * (batch**2).sum(axis=1).mean(), rel=1e-6)
    per_sample_penalty = gamma / 2 * (per_sample**2).sum(axis=1).mean()
    assert (
        abs(penalty - per_sample_penalty) > 1e-3 * penalty
    )  # the two definitions differ here: the test tells them apart


def test_r1_penalty_closed_form_for_a_linear_critic():
    critic = nn.Linear(3, 1, rng=0)
    w = critic.weight.data[:, 0]
    assert losses.r1_penalty(critic, np.ones((7, 3)), weight=0.5).item() == pytest.approx(0.25 * w @ w, rel=1e-14)


# ----------------------------------------------------------------------------------------------------------------------
# The critic's Lipschitz constraints: spectral_norm, clip, gradient_penalty (two- or one-sided)
# ----------------------------------------------------------------------------------------------------------------------
def test_spectral_norm_makes_each_layer_about_1_lipschitz_and_observing_does_not_touch_it():
    h = gt.gan.train(RING, spectral_norm=True, **{**SMALL, "steps": 30})
    assert h.config["spectral_norm"] is True
    for layer in h.discriminator.layers[::2]:
        assert type(layer).__name__ == "SpectralNorm"
        top = np.linalg.svd(layer.normalized_weight().data, compute_uv=False)[0]
        assert top == pytest.approx(1.0, abs=0.05)  # W / sigma-hat: the power iteration's estimate after 30 steps
    quiet = gt.gan.train(RING, spectral_norm=True, **{**SMALL, "steps": 30, "log_every": 0, "snapshot_every": 0})
    np.testing.assert_array_equal(h.d_loss, quiet.d_loss)  # logging and snapshots never advance the iteration
    np.testing.assert_array_equal(h.g_loss, quiet.g_loss)


def test_clip_bounds_the_weights_of_any_loss_and_the_loss_defaults_stay():
    h = gt.gan.train(RING, clip=0.05, **SMALL)
    weights = np.concatenate([np.abs(p.data).ravel() for p in h.discriminator.parameters()])
    assert h.config["clip"] == 0.05 and weights.max() == 0.05 and np.mean(weights == 0.05) > 0.3  # the bound binds
    assert gt.gan.train(RING, **SMALL).config["clip"] is None
    wgan = gt.gan.train(RING, loss="wgan", **SMALL)
    assert wgan.config["clip"] == 0.01 and wgan.config["gradient_penalty"] is None
    assert same_history(wgan, gt.gan.train(RING, loss="wgan", clip=0.01, **SMALL))
    unclipped = gt.gan.train(RING, loss="wgan", clip=0, **SMALL)
    assert (
        unclipped.config["clip"] is None
        and max(np.abs(p.data).max() for p in unclipped.discriminator.parameters()) > 0.01
    )


def test_gradient_penalty_defaults_and_the_one_sided_form():
    gp = gt.gan.train(RING, loss="wgan_gp", **SMALL)
    assert gp.config["gradient_penalty"] == 10.0 and gp.config["one_sided"] is False
    assert same_history(gp, gt.gan.train(RING, loss="wgan_gp", gradient_penalty=10.0, **SMALL))
    lp = gt.gan.train(RING, loss="wgan_gp", one_sided=True, **SMALL)
    assert lp.config["one_sided"] is True and not np.array_equal(lp.d_loss, gp.d_loss)
    ns = gt.gan.train(RING, gradient_penalty=1.0, one_sided=True, **SMALL)  # a penalty for a classifier loss too
    assert ns.config["gradient_penalty"] == 1.0 and not np.array_equal(ns.d_loss, gt.gan.train(RING, **SMALL).d_loss)
    # one-sided: no penalty where the critic's gradient norms are below 1 (a linear critic of slope 0.5)
    critic = nn.Linear(2, 1, rng=0)
    critic.weight.data[:] = [[0.3], [0.4]]
    real, fake = RING.sample(16, rng=0), RING.sample(16, rng=1)
    assert losses.gradient_penalty(critic, real, fake, rng=0, one_sided=True).item() == 0.0
    assert losses.gradient_penalty(critic, real, fake, rng=0).item() == pytest.approx(10 * 0.25)


# ----------------------------------------------------------------------------------------------------------------------
# Bad values
# ----------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("option", "error", "match"),
    [
        (dict(unroll=-1), ValueError, "unroll must be >= 0"),
        (dict(unroll=1.5), TypeError, "unroll must be an int"),
        (dict(unroll=True), TypeError, "unroll must be an int"),
        (dict(pack=0), ValueError, "pack must be >= 1"),
        (dict(pack=2.0), TypeError, "pack must be an int"),
        (dict(pack=3), ValueError, "pack=3 needs a batch_size divisible by it.*batch_size=30"),
        (dict(r1=-0.1), ValueError, "r1 must be a finite number >= 0"),
        (dict(r1=math.nan), ValueError, "r1 must be a finite number >= 0"),
        (dict(r1=math.inf), ValueError, "r1 must be a finite number >= 0"),
        (dict(r1="1"), TypeError, "r1 must be a number"),
        (dict(minibatch_std=1), TypeError, "minibatch_std must be True or False"),
        (dict(pack=2, discriminator=nn.MLP([2, 4, 1], rng=0)), ValueError, "width 4"),
        (dict(spectral_norm=1), TypeError, "spectral_norm must be True or False"),
        (dict(clip=-0.01), ValueError, "clip must be None .* or a finite number >= 0"),
        (dict(clip=math.nan), ValueError, "clip must be None"),
        (dict(clip="0.01"), TypeError, "clip must be None"),
        (dict(gradient_penalty=-1.0), ValueError, "gradient_penalty must be None"),
        (dict(one_sided=True), ValueError, "one_sided=True shapes a gradient penalty.*gradient_penalty="),
        (dict(one_sided="yes"), TypeError, "one_sided must be True or False"),
    ],
)
def test_bad_values_name_the_argument(option, error, match):
    with pytest.raises(error, match=match):
        gt.gan.train(RING, **{**SMALL, **option})
    with pytest.raises(error, match=match):
        Game(RING, batch_size=32, **option)


# ----------------------------------------------------------------------------------------------------------------------
# Mode metrics
# ----------------------------------------------------------------------------------------------------------------------
def test_mode_metrics_are_mode_coverage_of_2500_generated_points_the_snapshots_among_them():
    # Issue 26: counted on the 32 evaluation points, a 25-mode grid read as far fewer modes than a proper count
    grid = gt.grid_of_gaussians(5)
    game = Game(grid, batch_size=32, n_eval=32, n_snapshot=32, grid_size=6)
    for _ in range(3):
        game.step()
    h = game.history(log=True)
    with gt.autograd.no_grad():
        x = np.asarray(game.G(game.z_modes))
    assert x.shape == (2500, 2)
    c = mode_coverage(x, grid, n_sd=3)
    assert (h.metrics["modes"][-1], h.metrics["high_quality"][-1], h.metrics["reverse_kl"][-1]) == (
        c.modes,
        c.high_quality,
        c.reverse_kl,
    )
    assert c.n == 2500 and (h.metrics["high_quality"][-1] * 2500) % 1 == 0  # a share of 2500 points
    # the snapshot's points are the first of them: a count on 2500 points covers at least the snapshot's modes
    shot = mode_coverage(h.snapshots[-1], grid, n_sd=3)
    np.testing.assert_array_equal(h.snapshots[-1], x[:32])
    assert all(a >= b for a, b in zip(c.counts, shot.counts))


def test_mode_metrics_during_training_count_2500_points():
    h = gt.gan.train(gt.grid_of_gaussians(5), **SMALL)
    share = h.metrics["high_quality"] * 2500
    np.testing.assert_allclose(share, np.round(share), rtol=0, atol=1e-9)
    for k, shot in enumerate(h.snapshots):  # each snapshot's points are among the counted ones
        assert h.metrics["modes"][k] >= mode_coverage(shot, gt.grid_of_gaussians(5), n_sd=3).modes


def test_no_mode_metrics_for_targets_that_are_not_mixtures_of_isotropic_normals():
    assert "modes" not in gt.gan.train(gt.Normal(0, 1), **SMALL).metrics
    data = RING.sample(100, rng=0)
    assert "modes" not in gt.gan.train(data, **SMALL).metrics
    h = gt.gan.train(gt.Mixture([gt.Normal(-2, 0.5), gt.Normal(2, 0.5)]), **SMALL)  # a 1-D mixture of normals has modes
    assert h.metrics["modes"].shape == h.log_steps.shape
