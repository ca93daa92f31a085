"""k-NN precision/recall (Kynkäänniemi et al. 2019), density/coverage (Naeem et al. 2020), the birthday test.

Truths: hand-made cases with known answers, a brute-force double loop written here from the papers'
definitions (compared exactly, ties at the radius included), and the exact birthday probabilities of a
discrete uniform law.
"""

import math

import numpy as np
import pytest
import scipy.optimize

import gantheory as gt
from gantheory.divergences import _fidelity, evaluation
from gantheory.divergences.evaluation import (
    birthday_support_size,
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


# ------------------------------------------------------------------------------
# The birthday-paradox test (Arora & Zhang 2017) against N equally likely points
# ------------------------------------------------------------------------------
B = 400  # batches per size


def _uniform_points(n_support):
    """N points 3 apart on a line (eps = 1: a near-duplicate is an exact duplicate) and a sampler of them."""
    points = np.column_stack([3.0 * np.arange(n_support), np.zeros(n_support)])
    return points, lambda n, seed: points[np.random.default_rng(seed).integers(0, n_support, n)]


def _exact_collision(n_support, s):
    """P(a repeat among s draws from N equally likely points) = 1 - prod_{i<s} (1 - i/N), exact."""
    s = np.asarray(s)
    return np.array([1 - math.prod(1 - i / n_support for i in range(int(t))) for t in s.ravel()]).reshape(s.shape)


def _exact_half(n_support):
    """s with 1 - p(s) = 1/2 on the exact curve continued to real s: ln(1 - p) = ln N! - ln (N - s)! - s ln N."""

    def log_no_repeat(s):
        return math.lgamma(n_support + 1) - math.lgamma(n_support - s + 1) - s * math.log(n_support)

    return scipy.optimize.brentq(lambda s: log_no_repeat(s) + math.log(2), 1.0, n_support)


@pytest.mark.parametrize("n_support", [50, 400, 2000])
def test_birthday_collision_curve_is_binomial_around_the_exact_one(n_support):
    _, draw = _uniform_points(n_support)
    out = birthday_support_size(draw, eps=1.0, n_batches=B, rng=n_support)
    p = _exact_collision(n_support, out.batch_sizes)
    assert np.all(np.abs(out.collision - p) <= 4 * np.sqrt(p * (1 - p) / B) + 1 / B)
    assert out.collision_se == pytest.approx(np.sqrt(out.collision * (1 - out.collision) / B))
    assert out.n_batches == B and out.eps == 1.0


@pytest.mark.parametrize("n_support", [50, 400, 2000])
def test_birthday_support_size_of_a_uniform_law(n_support):
    _, draw = _uniform_points(n_support)
    out = birthday_support_size(draw, eps=1.0, n_batches=B, rng=1)
    s_half = _exact_half(n_support)
    # the binomial spread of p_hat at s_half (sd 1/(2 sqrt B)), moved to s through the exact curve's slope
    slope = _exact_collision(n_support, math.floor(s_half) + 1) - _exact_collision(n_support, math.floor(s_half))
    sd_s = 0.5 / math.sqrt(B) / float(slope)
    assert abs(out.batch_size - s_half) < 4 * sd_s
    # N_hat = s(s-1)/(2 ln 2): its sd through the same spread, plus the conversion's exact finite-N bias
    sd_n = (2 * s_half - 1) / (2 * math.log(2)) * sd_s
    bias = s_half * (s_half - 1) / (2 * math.log(2)) - n_support
    assert abs(out.support_size - n_support) < 4 * sd_n + abs(bias)
    # the documented bias: -s^3/(6 N^2 ln 2) of N, with s = 1.1774 sqrt(N): about -0.39/sqrt(N) of N
    assert -0.42 < bias / n_support * math.sqrt(n_support) < -0.36
    # the paper's rule of thumb: the support is "about s^2" -- here s_half^2 = 2 ln 2 N (1 + O(1/sqrt(N)))
    assert n_support < out.rule_of_thumb < 2 * n_support
    assert out.rule_of_thumb == out.batch_size**2


def test_birthday_relation_constant():
    # the exact relation s_half ~ sqrt(2 ln 2 N) = 1.1774 sqrt(N), approached as N grows
    assert evaluation.BIRTHDAY_CONSTANT == pytest.approx(1.1774, abs=1e-4)
    ratios = [_exact_half(n) / math.sqrt(n) for n in (400, 10_000, 250_000)]
    errors = [abs(r - evaluation.BIRTHDAY_CONSTANT) for r in ratios]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 2e-3


def test_birthday_from_a_pool_of_samples():
    # a random subset of an i.i.d. sample is an i.i.d. sample: a pool of 40 000 draws of 400 points
    points, draw = _uniform_points(400)
    pool = draw(40_000, 7)
    out = birthday_support_size(pool, eps=1.0, n_batches=B, rng=2)
    s_half = _exact_half(400)
    # the pool's own frequencies (about 100 +- 10 each) raise the collision rate by about 1%: 15% is 3 sd and that
    assert abs(out.support_size / 400 - 1) < 0.15
    assert abs(out.batch_size - s_half) < 2.5


def test_birthday_continuous_law_scales_with_eps():
    # uniform on the unit square: P(two points within eps) = q ~ pi eps^2, so N_hat ~ 1/(pi eps^2) (edges lower q)
    def draw(n, seed):
        return np.random.default_rng(seed).random((n, 2))

    for eps in (0.02, 0.01):
        q = math.pi * eps**2 - 8 * eps**3 / 3 + eps**4 / 2  # exact for the unit square (eps <= 1)
        out = birthday_support_size(draw, eps=eps, n_batches=B, rng=3)
        assert abs(out.support_size * q - 1) < 0.2


def test_birthday_collapsed_vs_spread():
    # a generator collapsed to 5 points has a far smaller support than the target at the same resolution
    target = birthday_support_size(lambda n, seed: np.random.default_rng(seed).random((n, 2)), eps=0.01, rng=0)
    points, draw = _uniform_points(5)
    collapsed = birthday_support_size(draw, eps=0.01, rng=0)
    assert collapsed.support_size < 10 < 1000 < target.support_size


def test_birthday_explicit_sizes_and_unbracketed():
    _, draw = _uniform_points(400)
    out = birthday_support_size(draw, eps=1.0, batch_sizes=[10, 20, 30, 40], n_batches=100, rng=0)
    assert out.batch_sizes.tolist() == [10, 20, 30, 40]
    none = birthday_support_size(draw, eps=1.0, batch_sizes=[2, 3], n_batches=50, rng=0)
    assert math.isnan(none.support_size) and math.isnan(none.batch_size)
    big = birthday_support_size(draw, eps=1.0, max_batch=8, n_batches=50, rng=0)
    assert math.isnan(big.support_size) and big.batch_sizes.max() == 8


def test_birthday_is_reproducible():
    _, draw = _uniform_points(400)
    a = birthday_support_size(draw, eps=1.0, n_batches=50, rng=4)
    b = birthday_support_size(draw, eps=1.0, n_batches=50, rng=4)
    assert a.support_size == b.support_size
    np.testing.assert_array_equal(a.collision, b.collision)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"eps": -1.0}, ValueError, "eps"),
        ({"eps": math.nan}, ValueError, "eps"),
        ({"eps": 1.0, "rng": None}, TypeError, "rng"),
        ({"eps": 1.0, "rng": np.random.default_rng(0)}, TypeError, "rng"),
        ({"eps": 1.0, "batch_sizes": [1, 5]}, ValueError, "batch_sizes"),
        ({"eps": 1.0, "batch_sizes": [5, 500]}, ValueError, "pool"),
        ({"eps": 1.0, "n_batches": 0}, ValueError, "n_batches"),
    ],
)
def test_birthday_errors(kwargs, error, match):
    pool = np.random.default_rng(0).random((100, 2))
    with pytest.raises(error, match=match):
        birthday_support_size(pool, **kwargs)


def test_birthday_samples_must_be_points_or_a_sampler():
    with pytest.raises(TypeError, match="samples"):
        birthday_support_size(None, eps=1.0)
    with pytest.raises(ValueError, match="samples"):
        birthday_support_size(np.full((10, 2), np.inf), eps=1.0)


def test_heavy_tails_against_dense_numpy():
    # radii over many factors of 2 (many bands of the tree search): compared with dense matrices, written here
    gen = np.random.default_rng(11)
    real, fake = gen.standard_cauchy((400, 2)), gen.standard_cauchy((300, 2)) * 2
    for k in (1, 3, 5):
        rr = ((real[:, None, :] - real[None, :, :]) ** 2).sum(-1)
        np.fill_diagonal(rr, np.inf)
        ff = ((fake[:, None, :] - fake[None, :, :]) ** 2).sum(-1)
        np.fill_diagonal(ff, np.inf)
        r_real, r_fake = np.sort(rr, axis=1)[:, k - 1], np.sort(ff, axis=1)[:, k - 1]
        fr = ((fake[:, None, :] - real[None, :, :]) ** 2).sum(-1)  # (m, n)
        inside = fr <= r_real[None, :]
        pr, dc = precision_recall(real, fake, k=k), density_coverage(real, fake, k=k)
        assert pr.precision == inside.any(axis=1).mean()
        assert pr.recall == (fr <= r_fake[:, None]).any(axis=0).mean()
        assert dc.density == pytest.approx(inside.sum() / (k * len(fake)), rel=1e-15)
        assert dc.coverage == inside.any(axis=0).mean()


def test_dropped_modes_table_has_the_precision_and_recall_deficits():
    table = evaluation.dropped_modes_table(n=400, dropped=(2,), repeats=2, rng=0)
    assert table.names[-2:] == ("1 - precision", "1 - recall") == evaluation.DISTANCES[-2:]
    deficit_p, deficit_r = table.samples["1 - precision"].mean(axis=1), table.samples["1 - recall"].mean(axis=1)
    # dropping 2 of 8 modes: the generator's points stay on the target's support (precision unchanged) while
    # the target's points on the dropped modes (2/8 of them) leave the generator's manifold (recall falls by 1/4)
    assert abs(deficit_p[1] - deficit_p[0]) < 0.03
    assert abs((deficit_r[1] - deficit_r[0]) - 2 / 8) < 0.05
    assert np.isnan(table.exact["1 - recall"]).all()


def test_birthday_on_the_ring_with_its_sample_method():
    # a Distribution's sample(n, rng) is a sampler; two ring points are within eps with probability
    # q = (1/8) P(|X - Y| <= eps | same mode) = (1/8) (1 - exp(-eps^2 / (4 sd^2))) (X - Y ~ N(0, 2 sd^2 I), Rayleigh)
    ring, eps = gt.ring_of_gaussians(8), 0.01
    sd = math.sqrt(ring.components[0].cov[0, 0])
    q = (1 - math.exp(-(eps**2) / (4 * sd**2))) / 8
    out = birthday_support_size(ring.sample, eps=eps, n_batches=B, rng=0)
    assert abs(out.support_size * q - 1) < 0.15


def test_collision_rate_exact_duplicates_and_the_threshold():
    batches = np.array([[[0.0, 0.0], [0.0, 0.0], [5.0, 5.0]], [[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]]])
    assert _fidelity.collision_rate(batches, 0.0) == 0.5  # eps = 0: exact duplicates only
    assert _fidelity.collision_rate(batches, 1.0) == 1.0  # a pair exactly eps apart collides (<=)
    assert _fidelity.collision_rate(batches, 0.999) == 0.5
    # points of different batches 0.1 apart are no pair: only pairs within a batch count
    apart = np.array([[[0.0, 0.0], [10.0, 0.0]], [[0.1, 0.0], [10.1, 0.0]]] * 200)
    assert _fidelity.collision_rate(apart, 1.0) == 0.0 and _fidelity.collision_rate(apart, 10.0) == 1.0
    assert _fidelity.collision_rate(apart[:, :1], 1e6) == 0.0  # a batch of one point never collides
