r"""Evaluating GANs: the experiments behind chapter 9, each returning data (drawn by :mod:`gantheory.plotting`).

* :func:`fid_bias`: the Fréchet distance (FID formula) of n samples against
  its exact value as n grows, beside KID (the unbiased cubic-kernel MMD²),
  with the fitted rate of FID's bias and the extrapolation in 1/n of Chong &
  Forsyth (2020).
* :func:`witness_curves`: the MMD witness function
  :math:`f(t) = E_P k(X, t) - E_Q k(Y, t)` (exact, Gaussian kernel, mixtures
  of normals on the line) beside the optimal discriminator
  :math:`D^* = p/(p + q)`.
* :func:`dropped_modes_table`: which distance sees a generator that drops 1,
  2 or 4 of the ring's 8 modes -- exact values between the mixtures where
  an exact route exists, and estimates from n samples with their sampling
  noise.

Examples
--------
>>> import gantheory as gt
>>> from gantheory.divergences import evaluation
>>> curves = evaluation.witness_curves(gt.Normal(-1, 1), gt.Normal(1, 1), [0.0], bandwidth=1.0)
>>> float(curves["witness"][0]), float(curves["d_star"][0])        # symmetric laws: both balanced at 0
(0.0, 0.5)
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from gantheory._rng import as_generator
from gantheory._validation import as_float_array, check_positive_int
from gantheory.distributions import Mixture, ring_of_gaussians
from gantheory.divergences import empirical, exact
from gantheory.divergences._laws import gaussian_mixture
from gantheory.divergences._mmd_exact import cubic_mmd
from gantheory.divergences.rates import loglog_slope

__all__ = ["fid_bias", "witness_curves", "collapsed_ring", "dropped_modes_table", "DroppedModesTable", "DISTANCES"]

#: The distances :func:`dropped_modes_table` compares, in its order.
DISTANCES = ("FID", "KID", "MMD", "W1", "W2", "energy", "kNN JSD")


def _gaussian_sampler(mean, cov):
    mean, cov = np.asarray(mean, dtype=float), np.asarray(cov, dtype=float)
    L = np.linalg.cholesky(cov)
    return lambda n, gen: mean + gen.standard_normal((n, mean.size)) @ L.T


def fid_bias(mean1, cov1, mean2, cov2, sizes=(25, 50, 100, 200, 400), repeats=20, rng=0) -> dict:
    r"""FID and KID from n samples of two Gaussians against their exact values, for growing n.

    Parameters
    ----------
    mean1, cov1, mean2, cov2 : array_like
        The two Gaussians (any dimension d; covariances positive definite).
    sizes : sequence of int
        Sample sizes n (both samples of size n).
    repeats : int
        Independent pairs of samples per size.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    dict
        ``sizes``; ``fid`` and ``kid`` (arrays ``(len(sizes), repeats)`` of
        :func:`gantheory.empirical.frechet_distance` and of the
        cubic-kernel U-statistic :func:`gantheory.empirical.mmd` -- KID on one
        subset, the whole sample); ``fid_exact`` (:func:`gantheory.frechet_distance`)
        and ``kid_exact`` (:func:`gantheory.mmd` with ``kernel="cubic"``);
        ``fid_bias_slope``: the log-log slope of the mean FID's excess over
        the exact value against n (theory: -1); ``fid_extrapolated``: the
        intercept of the least-squares line :math:`\mathrm{FID}_n = a + b/n`
        through the means (Chong & Forsyth's :math:`\mathrm{FID}_\infty`).

    Examples
    --------
    >>> import numpy as np
    >>> out = fid_bias(np.zeros(2), np.eye(2), np.ones(2), np.eye(2), sizes=(50, 100), repeats=5)
    >>> out["fid_exact"], round(out["kid_exact"], 9)   # |1|^2 = 2; KID: 3 |dm1|^2/2 + 3 |dM2|^2/4 + |dT3|^2/8 = 3 + 3 + 7
    (2.0, 13.0)
    """
    sizes = [check_positive_int(n, "sizes") for n in sizes]
    repeats = check_positive_int(repeats, "repeats")
    gen = as_generator(rng)
    draw1, draw2 = _gaussian_sampler(mean1, cov1), _gaussian_sampler(mean2, cov2)
    fid = np.empty((len(sizes), repeats))
    kid = np.empty((len(sizes), repeats))
    for i, n in enumerate(sizes):
        for r in range(repeats):
            x, y = draw1(n, gen), draw2(n, gen)
            fid[i, r] = empirical.frechet_distance(x, y)
            kid[i, r] = empirical.mmd(x, y, "cubic")
    fid_exact = exact.frechet_distance(mean1, cov1, mean2, cov2)
    d = np.asarray(mean1, dtype=float).size
    laws = [
        (np.ones(1), np.asarray(m, dtype=float).reshape(1, d), np.asarray(c, dtype=float).reshape(1, d, d))
        for m, c in ((mean1, cov1), (mean2, cov2))
    ]
    kid_exact = cubic_mmd(*laws)
    means = fid.mean(axis=1)
    positive = means > fid_exact  # the fit is over the sizes where the mean excess is positive (NaN if fewer than 2)
    design = np.column_stack([np.ones(len(sizes)), 1.0 / np.asarray(sizes, dtype=float)])
    intercept = float(np.linalg.lstsq(design, means, rcond=None)[0][0])
    return {
        "sizes": np.asarray(sizes),
        "fid": fid,
        "kid": kid,
        "fid_exact": fid_exact,
        "kid_exact": kid_exact,
        "fid_bias_slope": loglog_slope(np.asarray(sizes)[positive], (means - fid_exact)[positive]),
        "fid_extrapolated": intercept,
    }


def witness_curves(P, Q, t, bandwidth) -> dict:
    r"""The MMD witness function and the optimal discriminator on points ``t`` of the line, exact.

    Parameters
    ----------
    P, Q : Distribution
        1-D mixtures of normals (and point masses for the witness).
    t : array_like
        Points of the line.
    bandwidth : float
        The Gaussian kernel's :math:`\ell`.

    Returns
    -------
    dict
        ``t``; ``p``, ``q`` (densities); ``witness``: :math:`f(t) = E_P k(X, t) - E_Q k(Y, t)`
        divided by MMD (the unit-norm witness of Gretton et al. 2012, whose
        mean under P minus its mean under Q is the MMD); ``d_star``: :math:`p/(p + q)`;
        ``mmd``: :math:`\mathrm{MMD}_k(P, Q)` (the distance, not squared).

    Notes
    -----
    For a Gaussian component :math:`N(\mu, v)`,
    :math:`E k(X, t) = \ell(\ell^2 + v)^{-1/2} e^{-(t - \mu)^2/2(\ell^2 + v)}`.
    The witness is a smoothed p - q: it is positive where P has more mass,
    as :math:`D^* > 1/2` is; it saturates nowhere, while :math:`D^*` is
    0 or 1 wherever one density dominates.
    """
    t = as_float_array(t, "t", np)
    gP, gQ = gaussian_mixture(P), gaussian_mixture(Q)
    if P.dim != 1 or gP is None or gQ is None:
        raise ValueError("witness_curves takes 1-D mixtures of normals and point masses")

    def mean_kernel(g):
        w, mu, var = g
        s2 = bandwidth**2 + var
        return (w * bandwidth / np.sqrt(s2) * np.exp(-0.5 * (t[..., None] - mu) ** 2 / s2)).sum(axis=-1)

    value = math.sqrt(exact.mmd(P, Q, bandwidth=bandwidth))
    p, q = P.pdf(t), Q.pdf(t)
    with np.errstate(invalid="ignore"):
        d_star = np.where(p + q > 0, p / np.where(p + q > 0, p + q, 1.0), np.nan)
    witness = (mean_kernel(gP) - mean_kernel(gQ)) / value if value > 0 else np.zeros_like(t)
    return {"t": t, "p": p, "q": q, "witness": witness, "d_star": d_star, "mmd": value}


@dataclasses.dataclass
class DroppedModesTable:
    """What :func:`dropped_modes_table` returns.

    Attributes
    ----------
    dropped : ndarray
        Modes dropped, starting with 0 (the generator equals the target).
    names : tuple of str
        The distances (:data:`DISTANCES`).
    exact : dict
        name -> exact value between the target and each generator's mixture
        (NaN where no exact route exists: W1, W2 and the JSD between
        2-D mixtures).
    samples : dict
        name -> array ``(len(dropped), repeats)`` of estimates from n samples.
    n : int
        Sample size.
    """

    dropped: np.ndarray
    names: tuple
    exact: dict
    samples: dict
    n: int

    @property
    def noise(self) -> dict:
        """name -> standard deviation of the estimate when nothing is dropped (the sampling noise)."""
        return {k: float(np.std(v[0], ddof=1)) for k, v in self.samples.items()}

    @property
    def signal_to_noise(self) -> dict:
        """name -> array over ``dropped``: (mean estimate - mean with nothing dropped) / the noise."""
        noise = self.noise
        with np.errstate(invalid="ignore", divide="ignore"):  # a noise of 0 (e.g. a clipped JSD) gives inf or NaN
            return {k: (v.mean(axis=1) - v[0].mean()) / noise[k] for k, v in self.samples.items()}

    @property
    def per_mode(self) -> dict:
        """name -> signal-to-noise per dropped mode (``signal_to_noise / dropped``; NaN at 0)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return {k: np.where(self.dropped > 0, v / self.dropped, np.nan) for k, v in self.signal_to_noise.items()}


def collapsed_ring(dropped: int, modes: int = 8):
    """The ring of ``modes`` Gaussians without its first ``dropped`` modes, the rest re-weighted equally.

    A generator that has collapsed onto part of the ring
    (:func:`gantheory.distributions.ring_of_gaussians`), as
    :func:`dropped_modes_table` compares it with the whole ring.

    Parameters
    ----------
    dropped : int
        How many modes to leave out (the first ones of the ring).
    modes : int
        Modes of the whole ring.

    Returns
    -------
    Mixture
        The ``modes - dropped`` kept components, each with weight
        ``1 / (modes - dropped)``.

    Examples
    --------
    >>> from gantheory.divergences.evaluation import collapsed_ring
    >>> G = collapsed_ring(2)
    >>> len(G.components), float(G.weights.sum())
    (6, 1.0)
    """
    ring = ring_of_gaussians(modes)
    kept = ring.components[dropped:]
    return Mixture(kept, np.full(len(kept), 1.0 / len(kept)))


def dropped_modes_table(n=1000, dropped=(1, 2, 4), repeats=5, bandwidth=0.5, rng=0) -> DroppedModesTable:
    r"""Which distance sees mode collapse: the ring of 8 against generators that drop modes.

    Parameters
    ----------
    n : int
        Points per sample (target and generator alike).
    dropped : sequence of int
        Modes dropped (the first ones of the ring; the others re-weighted
        equally); 0 is always added first, the no-collapse baseline.
    repeats : int
        Independent pairs of samples per generator.
    bandwidth : float
        The Gaussian kernel's :math:`\ell` for MMD (fixed, so exact and
        sampled MMD² are comparable; the modes are 1.53 apart and 0.02 wide).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    DroppedModesTable
        Exact values (FID between the mixtures' Gaussian fits; KID as the
        cubic-kernel MMD²; MMD²; the energy distance) and sample estimates
        (:func:`gantheory.empirical.frechet_distance`,
        :func:`~gantheory.empirical.kid` with one subset of all n points (the cubic-kernel U-statistic),
        :func:`~gantheory.empirical.mmd`, exact
        :func:`~gantheory.empirical.w1` and :func:`~gantheory.empirical.w2`
        between the samples, :func:`~gantheory.empirical.energy_distance`,
        kNN :func:`~gantheory.empirical.js_divergence`), with
        ``signal_to_noise`` and ``per_mode`` derived.

    Notes
    -----
    O(len(dropped) · repeats) evaluations, each dominated by the two optimal
    assignments at n (about 0.2-0.5 s each at n = 1000).
    """
    n = check_positive_int(n, "n")
    repeats = check_positive_int(repeats, "repeats")
    if repeats < 2:
        raise ValueError("repeats must be >= 2: the sampling noise is a standard deviation over repeats")
    dropped = np.array([0] + [int(k) for k in dropped if int(k) != 0])
    gen = as_generator(rng)
    target = ring_of_gaussians(8)
    exact_values = {name: np.full(len(dropped), np.nan) for name in DISTANCES}
    samples = {name: np.empty((len(dropped), repeats)) for name in DISTANCES}
    for i, k in enumerate(dropped):
        G = collapsed_ring(int(k)) if k else target
        exact_values["FID"][i] = exact.frechet_distance(target.mean, target.cov, G.mean, G.cov)
        exact_values["KID"][i] = exact.mmd(target, G, kernel="cubic")
        exact_values["MMD"][i] = exact.mmd(target, G, bandwidth=bandwidth)
        exact_values["energy"][i] = exact.energy_distance(target, G)
        for r in range(repeats):
            x, y = target.sample(n, rng=gen), G.sample(n, rng=gen)
            samples["FID"][i, r] = empirical.frechet_distance(x, y)
            samples["KID"][i, r] = empirical.mmd(x, y, "cubic")  # KID with one subset of all n points
            samples["MMD"][i, r] = empirical.mmd(x, y, bandwidth=bandwidth)
            samples["W1"][i, r] = empirical.w1(x, y)
            samples["W2"][i, r] = empirical.w2(x, y)
            samples["energy"][i, r] = empirical.energy_distance(x, y)
            samples["kNN JSD"][i, r] = empirical.js_divergence(x, y)
    return DroppedModesTable(dropped, DISTANCES, exact_values, samples, n)
