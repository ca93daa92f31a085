"""The fast evaluation routes give the values of the plain ones: the Fréchet distance's eigenvalue route, KID from shared Gram matrices, mmd_test.

Truths: the accurate Fréchet route (Cholesky or ``eigh`` factors, SVD) with
the fast route switched off; at d = 1024, covariances with exact Hadamard
factors, whose Fréchet distance needs only the singular values of an exactly
known matrix (no factorization of the covariances); a plain per-subset loop for KID; a plain loop
over permutations recomputing the kernel sums for ``mmd_test``. Correctness
only: the timings are in ``benchmarks/bench_eval.py``.
"""

import math
import warnings

import numpy as np
import pytest
import scipy.linalg

import gantheory as gt
from gantheory.divergences import _gaussian_ot
from gantheory.divergences.exact import CovarianceWarning


def _pair(kind, d, rng):
    if kind == "well conditioned":
        return tuple(np.cov(rng.normal(size=(4 * d, d)) * np.linspace(1.0, 2.0, d), rowvar=False) for _ in range(2))
    if kind == "rank deficient":  # rank d/5 each: pivoted Cholesky, thin factors, the SVD of a small matrix
        A, B = rng.normal(size=(d, d // 5)), rng.normal(size=(d, d // 5))
        return A @ A.T, B @ B.T
    if kind == "half rank":  # sample covariances of d/2 points: pivoted factors, then the eigenvalue route
        return tuple(np.cov(rng.normal(size=(d // 2, d)), rowvar=False) for _ in range(2))
    if kind == "one singular":
        A, B = rng.normal(size=(d, d)), rng.normal(size=(d, d // 2))
        return A @ A.T / d, B @ B.T
    # near singular: eigenvalues down to 1e-14, the eigenvalue route's bound fails and the SVD decides
    Q1, Q2 = (np.linalg.qr(rng.normal(size=(d, d)))[0] for _ in range(2))
    c1, c2 = Q1 @ np.diag(np.logspace(0, -14, d)) @ Q1.T, Q2 @ np.diag(np.logspace(0.3, -13, d)) @ Q2.T
    return 0.5 * (c1 + c1.T), 0.5 * (c2 + c2.T)


@pytest.mark.parametrize("kind", ["well conditioned", "rank deficient", "half rank", "one singular", "near singular"])
def test_fast_frechet_route_agrees_with_the_accurate_route(kind, monkeypatch):
    d = 120
    c1, c2 = _pair(kind, d, np.random.default_rng(7))
    mu1, mu2 = np.zeros(d), np.full(d, 0.1)
    accurate = gt.frechet_distance(mu1, c1, mu2, c2)  # d < FAST_MIN_D: the Cholesky/eigh + SVD route
    monkeypatch.setattr(_gaussian_ot, "FAST_MIN_D", 2)
    fast = gt.frechet_distance(mu1, c1, mu2, c2)
    scale = np.trace(c1) + np.trace(c2)
    assert fast >= 0.0 and isinstance(fast, float)
    # the fast route's stated tolerance is FAST_RTOL = 1e-8 of the traces; here it is at rounding level
    assert abs(fast - accurate) <= 1e-12 * scale
    if kind != "near singular":  # the route was taken, not fallen back from
        assert _gaussian_ot._fast_bures(c1, c2) is not None


def test_fast_frechet_route_bound_sends_near_singular_pairs_to_the_svd(monkeypatch):
    # eigenvalues of Sigma1 Sigma2 down to 1e-27: their square roots are not resolved by an eigenvalue solve
    c1, c2 = _pair("near singular", 120, np.random.default_rng(3))
    monkeypatch.setattr(_gaussian_ot, "FAST_RTOL", 1e-30)
    assert _gaussian_ot._fast_bures(c1, c2) is not None  # SVD of the Cholesky factors' product, still a value
    L1, L2 = np.linalg.cholesky(c1), np.linalg.cholesky(c2)
    svd = np.trace(c1) + np.trace(c2) - 2.0 * np.linalg.svd(L1.T @ L2, compute_uv=False).sum()
    assert _gaussian_ot._fast_bures(c1, c2) == pytest.approx(svd, rel=1e-13, abs=1e-13 * np.trace(c1 + c2))


def test_fast_frechet_route_keeps_the_psd_check_and_the_warning(monkeypatch):
    monkeypatch.setattr(_gaussian_ot, "FAST_MIN_D", 2)
    rng = np.random.default_rng(0)
    Q = np.linalg.qr(rng.normal(size=(6, 6)))[0]
    bad = Q @ np.diag([1.0, 1.0, 1.0, 1.0, 0.5, -1e-3]) @ Q.T  # clearly indefinite
    with pytest.raises(ValueError, match="positive semidefinite"):
        gt.frechet_distance(np.zeros(6), 0.5 * (bad + bad.T), np.zeros(6), np.eye(6))
    slight = Q @ np.diag([1.0, 1.0, 1.0, 1.0, 0.5, -1e-10]) @ Q.T  # within COV_RTOL: clipped with a warning
    with pytest.warns(CovarianceWarning):
        gt.frechet_distance(np.zeros(6), 0.5 * (slight + slight.T), np.zeros(6), np.eye(6))
    exact_rank = np.diag([1.0, 2.0, 0.0, 0.0, 0.0, 0.0])  # PSD of rank 2: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gt.frechet_distance(np.zeros(6), exact_rank, np.zeros(6), exact_rank) == 0.0


def _plain_kid_values(x, y, n_subsets, size, seed):
    """A plain loop over subsets: each subset's three cubic-kernel matrices and its unbiased MMD², the subsets drawn as kid draws them."""
    gen, d, values = np.random.default_rng(seed), x.shape[1], []
    for _ in range(n_subsets):
        xs, ys = x[gen.choice(len(x), size, replace=False)], y[gen.choice(len(y), size, replace=False)]
        kxx, kyy, kxy = ((a @ b.T / d + 1.0) ** 3 for a, b in ((xs, xs), (ys, ys), (xs, ys)))
        values.append((kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (size * (size - 1)) - 2.0 * kxy.mean())
    return np.array(values)


@pytest.mark.parametrize(
    "n, d, n_subsets, size",
    [
        (260, 128, 12, 100),
        (300, 2, 20, 50),
    ],  # the shared-kernel route (d large against the subsets) and the loop over subsets
)
def test_kid_equals_a_plain_loop_over_the_same_subsets(n, d, n_subsets, size):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(n, d)), rng.normal(0.2, 1.0, size=(n + 17, d))
    plain = _plain_kid_values(x, y, n_subsets, size, seed=5)
    for chunk_size in (None, 7):
        result = gt.empirical.kid(x, y, n_subsets=n_subsets, subset_size=size, rng=5, chunk_size=chunk_size)
        assert result.value == pytest.approx(plain.mean(), rel=1e-10)
        assert result.std == pytest.approx(plain.std(), rel=1e-10)


def test_subset_sums_are_index_set_sums_of_the_kernel_matrix():
    from gantheory.divergences._kernels import kernel_block, subset_sums

    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(23, 3)), rng.normal(size=(19, 3))
    member_a, member_b = (rng.random((len(a), 4)) < 0.5).astype(float), (rng.random((len(b), 4)) < 0.5).astype(float)
    for kernel in ("gaussian", "cubic", "distance"):
        K, Kaa = kernel_block(kernel, a, b, 1.0), kernel_block(kernel, a, a, 1.0)
        cross = subset_sums(kernel, a, b, 1.0, member_a, member_b, same=False, chunk=5)
        within = subset_sums(kernel, a, a, 1.0, member_a, member_a, same=True, chunk=5)
        for k in range(4):
            i, j = member_a[:, k] > 0, member_b[:, k] > 0
            assert cross[k] == pytest.approx(K[np.ix_(i, j)].sum(), rel=1e-12, abs=1e-12)
            assert within[k] == pytest.approx(Kaa[np.ix_(i, i)].sum(), rel=1e-12, abs=1e-12)


def _hadamard_pair(d, top_exponent, seed, rank=None):
    """Covariances S_i = B_i B_i^T with B_i = (signed, permuted) Hadamard / sqrt(d) x diag(2^-e), all exact in float64.

    Every entry of B_i, S_i and K = B_1^T B_2 is a sum of at most d dyadic terms spanning at most 2 top_exponent
    + log2(d) bits (<= 53): no rounding. The truth tr S1 + tr S2 - 2 ||K||_* then needs only the singular values of
    the exact K: K = diag(s) G diag(t) with G orthogonal, each singular value to about eps ||K|| (LAPACK's SVD),
    computed without any factorization of S1 or S2.
    """
    rng = np.random.default_rng(seed)
    H = scipy.linalg.hadamard(d).astype(float) / math.isqrt(d)  # d = 4^k: entries +-2^-k, exact
    s, t = (2.0 ** -rng.integers(0, top_exponent + 1, size=d) for _ in range(2))
    if rank is not None:
        s[rng.permutation(d)[rank:]] = 0.0
    B1, B2 = H * s, (rng.choice([-1.0, 1.0], size=d)[:, None] * H[rng.permutation(d)]) * t
    c1, c2 = B1 @ B1.T, B2 @ B2.T
    truth = np.trace(c1) + np.trace(c2) - 2.0 * scipy.linalg.svd(B1.T @ B2, compute_uv=False).sum()
    return c1, c2, max(0.0, float(truth))


@pytest.mark.parametrize(
    "top_exponent, rank, eigenvalue_route",
    [
        (3, None, True),  # variances 1 to 2^-6: the eigenvalue route, its bound passes
        (
            23,
            None,
            False,
        ),  # nearly singular, variances 1 to 2^-46 (~1e-14): the O(d^2) floor sends it to the SVD at once
        (3, 700, True),  # rank 700 against full rank: pivoted Cholesky, then the eigenvalue route on 700 x 700
        (20, 700, False),  # the same, variances down to 2^-40: the floor sends it to the SVD of the 700 x 1024 product
        (20, 200, False),  # rank 200 <= d/4: the thin factor product's SVD
    ],
)
def test_fast_frechet_route_at_d_1024_matches_an_exact_truth(top_exponent, rank, eigenvalue_route, monkeypatch):
    d = 1024  # FAST_MIN_D: gt.frechet_distance takes the fast route as it is, nothing patched
    c1, c2, truth = _hadamard_pair(d, top_exponent, seed=11, rank=rank)
    calls = []
    real = _gaussian_ot._eigenvalue_route
    monkeypatch.setattr(_gaussian_ot, "_eigenvalue_route", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr(_gaussian_ot, "_psd_factor", None)  # the fast route must not fall back to the eigh route
    value = gt.frechet_distance(np.zeros(d), c1, np.zeros(d), c2)
    scale = np.trace(c1) + np.trace(c2)
    assert bool(calls) == eigenvalue_route
    assert isinstance(value, float) and value >= 0.0
    # the stated tolerance: FAST_RTOL of the traces
    assert abs(value - truth) <= _gaussian_ot.FAST_RTOL * scale
    # what the SVD routes achieve: the factorizations' and the SVD's backward errors, d eps relative each, summed over
    # up to d singular values: d^(3/2) eps of the traces (7e-12; observed <= 6e-13)
    if not eigenvalue_route:
        assert abs(value - truth) <= d**1.5 * np.finfo(float).eps * scale


def test_eigen_bound_floor_is_below_the_eigenvalue_routes_own_bound():
    # the floor decides to skip the eigenvalue solve: it must never exceed the bound that solve would compute
    rng = np.random.default_rng(4)
    for kind in ("well conditioned", "near singular", "half rank"):
        c1, c2 = _pair(kind, 200, rng)
        (L, p, r), _ = (_gaussian_ot._pivoted_factor(c) for c in (c1, c2))
        delta = (
            200
            * np.finfo(float).eps
            * _gaussian_ot._spectral_norm_estimate(c1)
            * _gaussian_ot._spectral_norm_estimate(c2)
        )
        floor = _gaussian_ot._eigen_bound_floor(L[:, :r], c2, delta)
        inner = c2 if p is None else c2[np.ix_(p, p)]
        M = L[:, :r].T @ inner @ L[:, :r]
        lam = np.maximum(np.linalg.eigvalsh(0.5 * (M + M.T)), 0.0)
        roots = np.sqrt(lam)
        bound = 2.0 * np.sum(np.sqrt(lam + delta) - roots)  # the route's bound's smaller branch, at its smallest delta
        assert floor <= bound * (1.0 + 1e-9)
