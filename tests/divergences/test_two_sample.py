"""Two-sample tests as evaluation: ``mmd_test`` against a brute-force permutation test, ``rejection_rate``'s exact
level and binomial interval against sums written here, its size under P = Q and its power against a dropped mode."""

import itertools
import math

import numpy as np
import pytest

import gantheory as gt
from gantheory.divergences.evaluation import RejectionRate, collapsed_ring, rejection_rate


def _brute_mmd2(x, y, bandwidth):
    """The unbiased MMD² with the Gaussian kernel, by loops over the pairs."""
    k = lambda a, b: math.exp(-((a - b) ** 2) / (2 * bandwidth**2))  # noqa: E731
    n, m = len(x), len(y)
    sxx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    syy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    sxy = sum(k(a, b) for a in x for b in y) / (n * m)
    return sxx + syy - 2 * sxy


def test_mmd_test_p_value_matches_the_exact_permutation_test_on_tiny_samples():
    x, y = [0.0, 0.3, 1.1], [0.9, 1.7, 2.4]
    pooled = x + y
    observed = _brute_mmd2(x, y, 1.0)
    splits = list(itertools.combinations(range(6), 3))  # all 20 relabellings, the observed one among them
    stats = [_brute_mmd2([pooled[i] for i in s], [pooled[i] for i in range(6) if i not in s], 1.0) for s in splits]
    exact_p = sum(t >= observed - 1e-12 for t in stats) / len(stats)
    B = 4000
    result = gt.empirical.mmd_test(np.array(x), np.array(y), bandwidth=1.0, n_permutations=B, rng=0)
    assert math.isclose(result.statistic, observed, rel_tol=1e-12)
    # random relabellings: (1 + #{T_b >= T}) / (1 + B) estimates the exact p-value with binomial error
    se = math.sqrt(exact_p * (1 - exact_p) / B)
    assert abs(result.p_value - exact_p) < 4 * se + 2 / B, (result.p_value, exact_p)


@pytest.mark.parametrize("trials, B, alpha", [(40, 19, 0.05), (200, 99, 0.05), (200, 199, 0.05), (60, 49, 0.1)])
def test_size_and_null_interval_by_hand(trials, B, alpha):
    P = gt.Normal(0.0, 1.0)
    out = rejection_rate(P.sample, P.sample, 8, trials=trials, n_permutations=B, alpha=alpha, bandwidth=1.0)
    assert isinstance(out, RejectionRate)
    # the observed statistic's rank among B + 1 is uniform: p <= alpha for the floor(alpha (B + 1)) smallest p-values
    size = max(j for j in range(B + 2) if j / (B + 1) <= alpha + 1e-12) / (B + 1)
    assert math.isclose(out.size, size, rel_tol=1e-12)
    cdf = np.cumsum([math.comb(trials, k) * size**k * (1 - size) ** (trials - k) for k in range(trials + 1)])
    lo = next(k for k in range(trials + 1) if cdf[k] >= 0.025 - 1e-12)
    hi = next(k for k in range(trials + 1) if cdf[k] >= 0.975 - 1e-12)
    assert out.null_interval == (lo / trials, hi / trials)
    assert cdf[hi] - (cdf[lo - 1] if lo else 0.0) >= 0.95


def test_rate_counts_the_tests_it_runs():
    P = gt.Normal(0.0, 1.0)
    out = rejection_rate(P.sample, gt.Normal(0.5, 1.0).sample, 15, trials=12, n_permutations=19, bandwidth=1.0, rng=3)
    assert out.rate == out.rejections / 12 and 0 <= out.rejections <= 12
    again = rejection_rate(P.sample, gt.Normal(0.5, 1.0).sample, 15, trials=12, n_permutations=19, bandwidth=1.0, rng=3)
    assert again == out  # one seed, one result


def test_calibrated_under_the_null_over_200_trials():
    ring = gt.ring_of_gaussians(8)
    out = rejection_rate(ring.sample, ring.sample, 30, trials=200, n_permutations=99, bandwidth=0.5, rng=1)
    assert out.size == 0.05
    assert out.within_null_interval, (out.rate, out.null_interval)


def test_power_against_a_dropped_mode_grows_with_n():
    ring = gt.ring_of_gaussians(8)
    small = rejection_rate(ring.sample, collapsed_ring(1).sample, 10, trials=40, n_permutations=39, bandwidth=0.5)
    large = rejection_rate(ring.sample, collapsed_ring(4).sample, 100, trials=20, n_permutations=39, bandwidth=0.5)
    assert large.rate == 1.0  # half the ring dropped, 100 points: always seen
    assert small.rate < large.rate


def test_strong_shift_always_rejected_and_bad_arguments_refused():
    P, Q = gt.Normal(0.0, 1.0), gt.Normal(4.0, 1.0)
    assert rejection_rate(P.sample, Q.sample, 20, trials=10, n_permutations=19).rate == 1.0
    with pytest.raises(ValueError, match="alpha"):
        rejection_rate(P.sample, Q.sample, 20, alpha=1.5)
    with pytest.raises(TypeError, match="sampler"):
        rejection_rate(P, Q, 20)
    with pytest.raises(TypeError, match="rng"):
        rejection_rate(P.sample, Q.sample, 20, rng=None)
