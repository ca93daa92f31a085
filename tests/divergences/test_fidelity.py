"""k-NN precision/recall (Kynkäänniemi et al. 2019), density/coverage (Naeem et al. 2020), the birthday test.

Truths: hand-made cases with known answers, a brute-force double loop written here from the papers'
definitions (compared exactly, ties at the radius included), and the exact birthday probabilities of a
discrete uniform law.
"""

import math

import numpy as np
import pytest

from gantheory.divergences import _fidelity
from gantheory.divergences.evaluation import (
    density_coverage,
    precision_recall,
)


# ------------------------------------------------------------------------------
# Brute force, from the definitions (closed balls, the point itself excluded)
# ------------------------------------------------------------------------------
def _d2(a, b):
    total = 0.0
    for u, v in zip(a, b):
        total += (u - v) ** 2
    return total


def _radius2(x, i, k):
    return sorted(_d2(x[i], x[j]) for j in range(len(x)) if j != i)[k - 1]


def _inside_share(centres, points, k):
    r2 = [_radius2(centres, i, k) for i in range(len(centres))]
    hits = 0
    for y in points:
        hits += any(_d2(y, c) <= r for c, r in zip(centres, r2))
    return hits / len(points)


def brute_precision_recall(real, fake, k):
    return _inside_share(real, fake, k), _inside_share(fake, real, k)


def brute_density_coverage(real, fake, k):
    r2 = [_radius2(real, i, k) for i in range(len(real))]
    total, covered = 0, 0
    for i in range(len(real)):
        inside = [_d2(y, real[i]) <= r2[i] for y in fake]
        total += sum(inside)
        covered += any(inside)
    return total / (k * len(fake)), covered / len(real)


def _cases():
    rng = np.random.default_rng(5)
    for case in range(12):
        n, m, d = rng.integers(6, 61), rng.integers(6, 61), rng.integers(1, 4)
        k = int(rng.integers(1, 6))
        if case % 2:  # small integers: many exact ties at the radii, and duplicates
            real = rng.integers(0, 4, (n, d)).astype(float)
            fake = rng.integers(0, 5, (m, d)).astype(float)
        else:
            real = rng.standard_normal((n, d))
            fake = rng.standard_normal((m, d)) * rng.uniform(0.3, 3) + rng.uniform(-1, 1)
        yield real, fake, k


@pytest.mark.parametrize(("real", "fake", "k"), list(_cases()))
def test_against_brute_force(real, fake, k):
    pr = precision_recall(real, fake, k=k)
    dc = density_coverage(real, fake, k=k)
    assert (pr.precision, pr.recall) == brute_precision_recall(real, fake, k)
    density, coverage = brute_density_coverage(real, fake, k)
    assert dc.coverage == coverage
    assert dc.density == pytest.approx(density, rel=1e-15, abs=0)
    assert (pr.k, pr.n_real, pr.n_fake, dc.k) == (k, len(real), len(fake), k)


def test_ties_at_the_radius_count_as_inside():
    real = np.array([[0.0], [1.0], [2.0], [4.0]])  # k=1 radii: 1, 1, 1, 2
    fake = np.array([[3.0], [6.0], [6.5]])  # 3: at radius 1 of 2 (and 1 of 4 at radius 2); 6: at radius 2 of 4
    pr = precision_recall(real, fake, k=1)
    assert pr.precision == pytest.approx(2 / 3)  # 6.5 is outside every ball
    dc = density_coverage(real, fake, k=1)
    assert (dc.density, dc.coverage) == (3 / 3, 2 / 4)  # 3 in two balls, 6 in one; the balls of 2 and 4 are hit


def test_duplicates_are_neighbours_at_distance_zero():
    real = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0]])
    radii = _fidelity.kth_radii2(real, 1)
    assert radii.tolist() == [0.0, 0.0, 50.0]
    # a fake point exactly on the duplicated point is inside both zero-radius (closed) balls, and in (5, 5)'s
    assert density_coverage(real, [[0.0, 0.0]], k=1).density == 3.0
    assert density_coverage(real, [[0.0, 1e-100]], k=1).density == 1.0


# ------------------------------------------------------------------------------
# Known answers
# ------------------------------------------------------------------------------
def test_fake_equal_to_real():
    x = np.random.default_rng(0).standard_normal((300, 2))
    pr = precision_recall(x, x.copy())
    assert (pr.precision, pr.recall) == (1.0, 1.0)  # every point is the centre of a ball
    dc = density_coverage(x, x.copy())
    assert dc.coverage == 1.0


def test_density_is_one_in_expectation_for_equal_laws():
    # Naeem et al., Lemma 1: E[density] = 1 for independent samples of one law. 20 repeats of N = M = 400.
    values = [
        density_coverage(
            np.random.default_rng(2 * r).standard_normal((400, 2)),
            np.random.default_rng(2 * r + 1).standard_normal((400, 2)),
        )
        for r in range(20)
    ]
    density = np.array([v.density for v in values])
    assert abs(density.mean() - 1) < 4 * density.std(ddof=1) / math.sqrt(len(density))
    # Lemma 2: E[coverage] = 1 - C(N-1, k) / C(M+N-1, k), with N = M = 400, k = 5
    expected = 1 - math.comb(399, 5) / math.comb(799, 5)
    coverage = np.array([v.coverage for v in values])
    assert abs(coverage.mean() - expected) < 4 * coverage.std(ddof=1) / math.sqrt(len(coverage)) + 1e-3


def test_fake_far_away():
    x = np.random.default_rng(1).standard_normal((200, 2))
    pr = precision_recall(x, x + 100.0)
    dc = density_coverage(x, x + 100.0)
    assert (pr.precision, pr.recall, dc.density, dc.coverage) == (0.0, 0.0, 0.0, 0.0)


def _mixture(n, rng, centres, sd):
    gen = np.random.default_rng(rng)
    return centres[gen.integers(0, len(centres), n)] + sd * gen.standard_normal((n, 2))


CENTRES = np.array([[2 * math.cos(a), 2 * math.sin(a)] for a in np.arange(8) * math.pi / 4])


def test_collapse_has_high_precision_low_recall():
    real = _mixture(1000, 0, CENTRES, 0.05)
    collapsed = CENTRES[0] + 0.05 * np.random.default_rng(1).standard_normal((1000, 2))  # one of 8 modes
    pr = precision_recall(real, collapsed)
    assert pr.precision > 0.9
    assert pr.recall < 0.2  # about 1/8 of the real points are near the kept mode
    dc = density_coverage(real, collapsed)
    assert dc.coverage < 0.2


def test_blur_has_low_precision_high_recall():
    real = _mixture(1000, 0, CENTRES, 0.05)
    blurry = _mixture(1000, 1, CENTRES, 0.6)  # every mode, widened 12 times
    pr = precision_recall(real, blurry)
    assert pr.precision < 0.3
    assert pr.recall > 0.9
    assert density_coverage(real, blurry).density < 0.3


def test_hand_computed():
    real = np.array([[0.0], [1.0], [3.0]])  # k=1 radii 1, 1, 2
    fake = np.array([[0.5], [4.9], [5.0], [8.0]])  # fake k=1 radii 4.4, 0.1, 0.1, 3
    pr = precision_recall(real, fake, k=1)
    # 0.5 in B(0,1); 4.9 in B(3,2)? |1.9| <= 2 yes; 5.0 at exactly 2 of 3: inside; 8 no -> 3/4
    # real: 0 in B(0.5, 4.4) yes; 1 yes; 3 yes -> 1
    assert (pr.precision, pr.recall) == (0.75, 1.0)


def test_large_samples_chunked(monkeypatch):
    gen = np.random.default_rng(3)
    real, fake = gen.standard_normal((500, 2)), gen.standard_normal((400, 2)) * 1.3
    whole = precision_recall(real, fake), density_coverage(real, fake)
    monkeypatch.setattr(_fidelity, "CHUNK_ENTRIES", 1000)  # blocks of 2 rows
    assert (precision_recall(real, fake), density_coverage(real, fake)) == whole


@pytest.mark.parametrize(
    ("real", "fake", "k", "error", "match"),
    [
        (np.zeros((5, 2)), np.zeros((5, 3)), 3, ValueError, "same dimension"),
        (np.zeros((3, 2)), np.zeros((5, 2)), 3, ValueError, "real has 3 points"),
        (np.zeros((5, 2)), np.zeros((2, 2)), 3, ValueError, "fake has 2 points"),
        (np.full((5, 2), np.nan), np.zeros((5, 2)), 3, ValueError, "real"),
        (np.zeros((5, 2, 1)), np.zeros((5, 2)), 3, ValueError, "shape"),
        (np.zeros((5, 2)), np.zeros((5, 2)), 0, ValueError, "k must be >= 1"),
        (np.zeros((5, 2)), np.zeros((5, 2)), 2.0, TypeError, "k must be an int"),
    ],
)
def test_errors(real, fake, k, error, match):
    with pytest.raises(error, match=match):
        precision_recall(real, fake, k=k)


def test_density_coverage_needs_only_real_above_k():
    assert density_coverage(np.arange(6.0), [2.5], k=5).coverage == 1.0  # one fake point is enough
    with pytest.raises(ValueError, match="real has 5 points"):
        density_coverage(np.arange(5.0), [2.5], k=5)
