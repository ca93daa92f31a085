"""gantheory.gan.collapse against independent truths: brute force for the game, quadrature for the JSD, hand checks."""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats

import gantheory as gt
from gantheory.gan.collapse import (
    RBFDiscriminator,
    best_response,
    capacity,
    maxmin_minmax_game,
    occupancy,
)


# ---------------------------------------------------------------------------- the game
def _simplex_grid(k, n):
    """Every q on the simplex with coordinates in multiples of 1/n."""
    for c in itertools.product(range(n + 1), repeat=k - 1):
        if sum(c) <= n:
            yield np.array([*c, n - sum(c)], dtype=np.float64) / n


def _value(q, p, d):
    """V(q, D) written out: sum_x p_x log D(x) + sum_x q_x log(1 - D(x))."""
    return sum(p[x] * math.log(d[x]) for x in range(len(p))) + sum(q[x] * math.log(1 - d[x]) for x in range(len(p)))


def test_game_minmax_against_brute_force():
    p = [0.5, 0.3, 0.2]
    d = [[0.9, 0.4, 0.4], [0.4, 0.9, 0.4], [0.4, 0.4, 0.9]]
    game = maxmin_minmax_game(p)
    best_q, best = None, math.inf
    for q in _simplex_grid(3, 400):
        worst = max(_value(q, p, dj) for dj in d)
        if worst < best:
            best_q, best = q, worst
    # the LP is exact: no grid point does better, and the grid's best is within its resolution
    assert game.value <= best + 1e-12 and best - game.value < 5e-3 and abs(game.minmax_value - game.value) < 1e-9
    assert np.abs(game.minmax_generator - best_q).max() < 0.01
    assert game.minmax_generator.min() > 0.25  # spread over every point: not collapsed
    # von Neumann: the discriminator's mixture guarantees the same value against every point
    worst_point = min(
        sum(lam * _value(np.eye(3)[x], p, dj) for lam, dj in zip(game.discriminator_mixture, d)) for x in range(3)
    )
    assert abs(worst_point - game.value) < 1e-9


def test_game_maxmin_collapses_by_enumeration():
    p = [0.5, 0.3, 0.2]
    d = [[0.9, 0.4, 0.4], [0.4, 0.9, 0.4], [0.4, 0.4, 0.9]]
    game = maxmin_minmax_game(p)
    grid = list(_simplex_grid(3, 100))
    inner = []
    for j, dj in enumerate(d):
        values = [_value(q, p, dj) for q in grid]
        q_best = grid[int(np.argmin(values))]
        assert q_best.tolist() == np.eye(3)[j].tolist()  # the best response to D_j: a point mass at argmax D_j
        inner.append(min(values))
    assert game.maxmin_discriminator == int(np.argmax(inner))
    assert abs(game.maxmin_value - max(inner)) < 1e-12
    assert game.maxmin_generator.tolist() == [1.0, 0.0, 0.0]
    assert game.maxmin_value < game.value - 1.0  # committing to one discriminator first loses over 1 nat
    # alternating best responses, simulated by hand: D best against delta_x, then G to argmax D
    x, path = 0, [0]
    for _ in range(5):
        j = max(range(3), key=lambda j: _value(np.eye(3)[x], p, d[j]))
        x = int(np.argmax(d[j]))
        path.append(x)
    assert game.cycle == tuple(path) == (0, 1, 0, 1, 0, 1)


def test_game_custom_discriminators_and_errors():
    game = maxmin_minmax_game([0.5, 0.5], [[0.7, 0.2], [0.3, 0.6]], start=1, rounds=3)
    assert game.payoff.shape == (2, 2) and len(game.cycle) == 3
    with pytest.raises(ValueError, match="discriminators must have shape"):
        maxmin_minmax_game([0.5, 0.5], [[0.5, 0.5, 0.5]])
    with pytest.raises(ValueError, match="strictly inside"):
        maxmin_minmax_game([0.5, 0.5], [[1.0, 0.5]])
    with pytest.raises(ValueError, match="start"):
        maxmin_minmax_game(start=3)
    with pytest.raises(ValueError):
        maxmin_minmax_game([1.5, -0.5])


# ---------------------------------------------------------------------------- capacity
def _jsd_quad(p_pdf, q_pdf):
    def f(x):
        p, q = p_pdf(x), q_pdf(x)
        m = 0.5 * (p + q)
        out = 0.0
        if p > 0:
            out += 0.5 * p * math.log(p / m)
        if q > 0:
            out += 0.5 * q * math.log(q / m)
        return out

    return integrate.quad(f, -20, 20, points=[-3, 0, 3], limit=400, epsabs=1e-13, epsrel=1e-12)[0]


def _p_pdf(x):
    return 0.4 * stats.norm.pdf(x, -3, 1) + 0.6 * stats.norm.pdf(x, 3, 1)


@pytest.fixture(scope="module")
def cap():
    return capacity()


def test_capacity_normal_minima_against_quadrature(cap):
    assert [round(m, 3) for m in cap.normal_minima] == [-2.970, 2.983]
    for mu, value in zip(cap.normal_minima, cap.normal_values):
        at = 2 * _jsd_quad(_p_pdf, lambda x, mu=mu: stats.norm.pdf(x, mu, 1))
        assert abs(at - value) < 1e-7 and at > 0.3
        for h in (-0.01, 0.01):  # a local minimum: higher on both sides
            assert 2 * _jsd_quad(_p_pdf, lambda x, m=mu + h: stats.norm.pdf(x, m, 1)) > at
    # not at the modes themselves: the minima are pulled towards the other mode's mass
    assert 2 * _jsd_quad(_p_pdf, lambda x: stats.norm.pdf(x, 3.0, 1)) > cap.normal_values[1]


def test_capacity_mixture_reaches_zero(cap):
    assert cap.at_target == 0.0
    assert cap.mixture_value < 1e-9 and np.allclose(cap.mixture_fit, [-3.0, 3.0], atol=1e-3)
    assert cap.mixture_value < min(cap.normal_values)


def test_capacity_ml_fit_closed_form(cap):
    def kl(mu):  # KL(P || N(mu, 1)) by quadrature
        return integrate.quad(
            lambda x: _p_pdf(x) * (math.log(_p_pdf(x)) - stats.norm.logpdf(x, mu, 1)),
            -20,
            20,
            points=[-3, 3],
            limit=400,
        )[0]

    assert abs(cap.ml_fit - 0.6) < 1e-12
    res = optimize.minimize_scalar(kl, bounds=(-2, 2), method="bounded", options={"xatol": 1e-8})
    assert abs(res.x - 0.6) < 1e-5
    for mu in (-1.0, 0.0, 2.5):
        assert abs(kl(mu) - kl(0.6) - (mu - 0.6) ** 2 / 2) < 1e-8


def test_capacity_rejects_other_targets():
    with pytest.raises(TypeError, match="two Normal"):
        capacity(gt.Normal(0, 1))


# ---------------------------------------------------------------------------- occupancy
def test_occupancy_hand_counts():
    ring = gt.ring_of_gaussians(8)
    centres = np.array([c.mean for c in ring.components])
    far = np.array([[0.0, 0.0]])
    occ = occupancy([np.r_[centres[[0, 0, 1]], far], centres[[3, 3, 3, 3]]], ring, steps=[10, 20])
    assert occ.steps.tolist() == [10, 20]
    assert occ.shares.shape == (8, 2)
    assert occ.shares[:, 0].tolist() == [0.5, 0.25, 0, 0, 0, 0, 0, 0]
    assert occ.shares[:, 1].tolist() == [0, 0, 0, 1.0, 0, 0, 0, 0]
    assert occ.high_quality.tolist() == [0.75, 1.0] and occ.modes.tolist() == [2, 1]
    with pytest.raises(ValueError, match="one step per snapshot"):
        occupancy([centres], ring, steps=[0, 1])
    with pytest.raises(ValueError, match="at least one"):
        occupancy([], ring)


def test_occupancy_of_a_history():
    ring = gt.ring_of_gaussians(8)
    h = gt.gan.train(ring, steps=4, batch_size=16, log_every=0, snapshot_every=2, progress=False)
    occ = occupancy(h, ring)
    assert occ.steps.tolist() == h.snapshot_steps.tolist() == [0, 2, 4]
    for j, x in enumerate(h.snapshots):
        assert occ.modes[j] == gt.gan.mode_coverage(x, ring).modes


# ---------------------------------------------------------------------------- the RBF discriminator and the best response
def test_rbf_discriminator_formula():
    D = RBFDiscriminator(3, width=0.5, confinement=2.0, rng=1)
    D.weights.data[:] = np.array([[1.0], [-2.0], [0.5]])
    x = np.array([[0.1, -0.3], [2.0, 1.0]])
    c = D.centres.data
    by_hand = [
        sum(w * math.exp(-np.sum((xi - ci) ** 2) / (2 * 0.25)) for w, ci in zip([1.0, -2.0, 0.5], c))
        - np.sum(xi**2) / 8
        for xi in x
    ]
    assert np.allclose(D(x).data.ravel(), by_hand, rtol=1e-12)
    with pytest.raises(ValueError, match="width"):
        RBFDiscriminator(width=0)


def test_best_response_contracts_and_hops():
    br = best_response(rng=0)
    assert br.spread.shape == (3, 11) and br.steps[0].tolist() == list(range(0, 1001, 100))
    assert (br.spread[:, -1] < 0.05).all() and br.spread[0, 0] > 0.3  # every round ends on a point
    assert br.modes[0, -1] == 1 and (br.modes[:, -1] <= 1).all()
    assert all(s > 0.99 for s in br.share)
    assert br.hops >= 1


def test_best_response_validates():
    with pytest.raises(ValueError, match="g_lr"):
        best_response(g_lr=-1.0)
    with pytest.raises(ValueError, match="2-D"):
        best_response(target=gt.Mixture([gt.Normal(-1, 0.1), gt.Normal(1, 0.1)], weights=[0.5, 0.5]))
