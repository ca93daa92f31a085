"""Weak convergence: along delta_{1/n} -> delta_0 and the parallel lines at theta = 1/n only W1 goes to 0; the hierarchy's conditions."""

import math

import numpy as np
import pytest
from scipy import stats

import gantheory as gt
from gantheory import plotting
from gantheory.gan.critics import WEAK_CONVERGENCE_FAMILIES, weak_convergence


@pytest.mark.parametrize("family", WEAK_CONVERGENCE_FAMILIES)
def test_only_w1_sees_the_convergence(family):
    n = np.array([1, 2, 3, 7, 10, 1000])
    r = weak_convergence(n, family=family)
    assert r.family == family and r.n.tolist() == n.tolist()
    assert np.isposinf(r.kl).all() and np.isposinf(r.reverse_kl).all()
    assert np.allclose(r.js_divergence, math.log(2), rtol=0, atol=1e-15)
    assert np.all(r.tv == 1.0)
    truth = [
        stats.wasserstein_distance([0.0], [1.0 / k]) for k in n
    ]  # SciPy: between the point masses (the lines' first coordinates)
    assert np.allclose(r.w1, truth, rtol=1e-15, atol=0)
    assert np.all(np.diff(r.w1) < 0) and r.w1[-1] == pytest.approx(1e-3, rel=1e-15)


def test_default_is_n_from_1_to_100():
    r = weak_convergence()
    assert r.family == "dirac" and r.n.tolist() == list(range(1, 101))


def test_tv_to_zero_does_not_give_w1_to_zero_without_bounded_support():
    """P_n = (1 - 1/n) delta_0 + (1/n) delta_n: TV and KL(delta_0 || P_n) go to 0, W1 stays 1 (mass escapes to infinity)."""
    P = gt.Dirac(0.0)
    for k in (2, 10, 100, 10_000):
        Pn = gt.PointMasses([0.0, float(k)], weights=[1 - 1 / k, 1 / k])
        assert gt.tv(P, Pn) == pytest.approx(1 / k, rel=1e-12)
        assert gt.kl(P, Pn) == pytest.approx(-math.log1p(-1 / k), rel=1e-12)
        assert gt.kl(Pn, P) == math.inf
        assert gt.js_divergence(P, Pn) <= math.log(2) * gt.tv(P, Pn) + 1e-15
        assert gt.w1(P, Pn) == pytest.approx(stats.wasserstein_distance([0.0, k], [0.0], [1 - 1 / k, 1 / k]), rel=1e-9)
        assert gt.w1(P, Pn) == pytest.approx(1.0, rel=1e-9)


def test_the_bounds_behind_the_hierarchy_on_random_pmfs():
    """On a bounded support: W1 <= diam TV; always: Pinsker TV <= sqrt(KL/2), TV^2/2 <= JSD <= TV log 2."""
    rng = np.random.default_rng(0)
    support = np.linspace(0.0, 3.0, 7)  # diameter 3
    for _ in range(300):
        p, q = rng.dirichlet(np.full(7, 0.5)), rng.dirichlet(np.full(7, 0.5))
        tv, jsd, kl = gt.discrete.tv(p, q), gt.discrete.js_divergence(p, q), gt.discrete.kl(p, q)
        assert gt.discrete.w1(p, q, support) <= 3.0 * tv + 1e-12
        assert tv <= math.sqrt(kl / 2) + 1e-12
        assert 0.5 * tv**2 - 1e-12 <= jsd <= tv * math.log(2) + 1e-12


def test_bad_input():
    with pytest.raises(ValueError, match=r"family must be one of \['dirac', 'parallel_lines'\]"):
        weak_convergence([1, 2], family="gaussian")
    with pytest.raises(ValueError, match="positive ints"):
        weak_convergence([0, 1])
    with pytest.raises(TypeError, match="n_values must be a positive int"):
        weak_convergence([0.5, 1.0])


def test_indices_beyond_int64_are_refused_not_wrapped():
    # uint64 2**64 - 1 cast to int64 is -1: it must be refused, naming the argument, and never reach 1 / n
    for too_large in (np.array([2**64 - 1], dtype=np.uint64), np.array([1, 2**63], dtype=np.uint64), [2**63], [2**70]):
        with pytest.raises(ValueError, match=r"n_values must hold ints between 1 and 2\*\*63 - 1"):
            weak_convergence(too_large)
    largest = weak_convergence(np.array([2**63 - 1], dtype=np.uint64))  # the largest index that fits is kept exactly
    assert largest.n.tolist() == [2**63 - 1] and largest.w1[0] == 2.0**-63


def test_plot_weak_convergence():
    fig = plotting.plot_weak_convergence(weak_convergence([1, 10, 100], family="parallel_lines"))
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "W1 falls to 0.01 at n = 100" in ax.get_title()
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:3] == ["JSD", "TV", "W1"] and "= +∞ for every n" in labels[3]
    w1_line = ax.get_lines()[2]
    assert np.allclose(w1_line.get_ydata(), [1.0, 0.1, 0.01])
    with pytest.raises(ValueError, match="shape of result.n"):
        plotting.plot_weak_convergence(
            {
                "family": "dirac",
                "n": [1, 2],
                "kl": [1.0],
                "reverse_kl": [1, 1],
                "js_divergence": [1, 1],
                "tv": [1, 1],
                "w1": [1, 1],
            }
        )
