r"""How fast the sample estimators converge: each one's RMS error against the exact value as n grows.

:func:`estimator_errors` draws ``repeats`` pairs of samples of ``n`` points
from two laws whose divergences are known exactly
(:mod:`gantheory.divergences.exact`), applies each estimator of
:mod:`gantheory.divergences.empirical` and records the root-mean-square
error for growing ``n``; :func:`loglog_slope` fits the rate :math:`r` of
:math:`\text{error} \propto n^{r}` (:math:`r = -1/2` for a root-n consistent
estimator). :func:`gantheory.plotting.plot_estimator_errors` draws the result.

=====================  =================================  ============================================
estimator              1-D problem                        2-D problem
=====================  =================================  ============================================
kNN KL, kNN JSD        N(0, 1) vs N(1, 1): KL = 1/2       N(0, I) vs N((1, 0), I): KL = 1/2
histogram JSD          same                               same
sample W1              same: W1 = 1 (sorting)             same: W1 = 1 (exact assignment, n <= 2000)
sample Cramér          same (sorting)                     same (energy distance)
=====================  =================================  ============================================

What theory says about each rate (:data:`EXPECTED_RATES`; numpy's ``bins="auto"``
gives the histograms about :math:`n^{1/3}` bins per coordinate):

* sample W1, 1-D: :math:`|W_1(\hat P_n, \hat Q_n) - W_1(P, Q)| \le W_1(\hat P_n, P) + W_1(\hat Q_n, Q)`,
  of order :math:`n^{-1/2}` for laws with :math:`\int \sqrt{F(1 - F)} < \infty`
  (del Barrio, Giné and Matrán 1999; Bobkov and Ledoux 2019);
* sample W1, 2-D: by the same triangle inequality at most of order
  :math:`n^{-1/2} \log n` (Fournier and Guillin 2015; Ajtai, Komlós and Tusnády 1984) -- an
  upper bound: the error of the two-sample estimate can fall faster over small n;
* sample Cramér: :math:`\ell_2^2 = E/2` with E the energy distance, a V-statistic
  whose bias is exactly :math:`(\mathbb E|X - X'| + \mathbb E|Y - Y'|)/n` while its
  standard deviation is of order :math:`n^{-1/2}` when P ≠ Q (Hoeffding 1948), so
  the RMS error falls like :math:`n^{-1/2}`;
* kNN KL and kNN JSD: Wang, Kulkarni and Verdú (2009) prove consistency, not a
  rate; both are sums of Kozachenko-Leonenko kNN log-density averages, whose
  bias in d ≤ 2 is typically negligible against :math:`n^{-1/2}` (Berrett,
  Samworth and Yuan 2019), so :math:`n^{-1/2}` is the rate to expect;
* histogram JSD: a sampling bias of order B/n for B bins (the plug-in entropy's
  :math:`(B - 1)/(2n)`, Miller 1955; Paninski 2003) plus a binning bias of order
  :math:`h^2`: in 1-D both are of order :math:`n^{-2/3}` and the standard deviation
  :math:`n^{-1/2}` dominates; in 2-D :math:`B \approx n^{2/3}`, so the bias, of order
  :math:`n^{-1/3}`, dominates.

The fitted rates of one run are measured over a few sizes only (``n`` up to a
few thousand), with ``repeats`` pairs of samples per size: they scatter around
these values (see ``gantheory tour``'s report).

References
----------
* M. Ajtai, J. Komlós and G. Tusnády, "On optimal matchings", Combinatorica 4(4), 1984.
* T. B. Berrett, R. J. Samworth and M. Yuan, "Efficient multivariate entropy estimation via
  k-nearest neighbour distances", Ann. Statist. 47(1), 2019 (arXiv:1606.00304).
* S. Bobkov and M. Ledoux, "One-dimensional empirical measures, order statistics, and
  Kantorovich transport distances", Mem. Amer. Math. Soc. 261(1259), 2019.
* E. del Barrio, E. Giné and C. Matrán, "Central limit theorems for the Wasserstein distance
  between the empirical and the true distributions", Ann. Probab. 27(2), 1999.
* N. Fournier and A. Guillin, "On the rate of convergence in Wasserstein distance of the
  empirical measure", Probab. Theory Relat. Fields 162, 2015.
* W. Hoeffding, "A class of statistics with asymptotically normal distribution", Ann. Math.
  Statist. 19(3), 1948.
* G. A. Miller, "Note on the bias of information estimates", 1955; L. Paninski, "Estimation of
  entropy and mutual information", Neural Comput. 15(6), 2003.
* Q. Wang, S. R. Kulkarni and S. Verdú, "Divergence estimation for multidimensional densities
  via k-nearest-neighbor distances", IEEE Trans. Inf. Theory 55(5), 2009.

Examples
--------
>>> from gantheory.divergences import rates
>>> errors = rates.estimator_errors(sizes=[50, 200], repeats=2, rng=0)
>>> errors["sample W1 (1-D)"].exact
1.0
>>> rates.loglog_slope([100, 400], [0.1, 0.05])         # the error halves when n quadruples
-0.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gantheory._rng import Stream, as_generator
from gantheory._validation import check_positive_int
from gantheory.distributions import MultivariateNormal, Normal
from gantheory.divergences import empirical, exact

__all__ = ["PROBLEMS", "ESTIMATOR_LABELS", "EXPECTED_RATES", "EstimatorErrors", "estimator_errors", "loglog_slope"]

#: The two problems of :func:`estimator_errors`, by the suffix of their labels.
PROBLEMS = {"1-D": "N(0, 1) vs N(1, 1)", "2-D": "N(0, I) vs N((1, 0), I)"}
_ESTIMATORS = ("kNN KL", "kNN JSD", "histogram JSD", "sample W1", "sample Cramér")
#: The keys of :func:`estimator_errors`' result, e.g. ``"kNN KL (1-D)"``.
ESTIMATOR_LABELS = tuple(f"{kind} ({dim})" for dim in PROBLEMS for kind in _ESTIMATORS)
#: The rate theory gives for each label's RMS error (see the module's notes): ``"n^-1/2"``, ``"n^-1/3"``, or ``"≤ n^-1/2 log n"`` (an upper bound).
EXPECTED_RATES = {label: "n^-1/2" for label in ESTIMATOR_LABELS} | {
    "sample W1 (2-D)": "≤ n^-1/2 log n",
    "histogram JSD (2-D)": "n^-1/3",
}


def _estimator_problems():
    """(label, estimator of (x, y), exact value, (P, Q), largest n or None) for each row of :func:`estimator_errors`."""
    laws = {
        "1-D": (Normal(0.0, 1.0), Normal(1.0, 1.0)),
        "2-D": (MultivariateNormal([0.0, 0.0], np.eye(2)), MultivariateNormal([1.0, 0.0], np.eye(2))),
    }

    def histogram_js(x, y):
        return empirical.js_divergence(x, y, method="histogram")

    rows = []
    for dim, (P, Q) in laws.items():
        rows += [
            (f"kNN KL ({dim})", empirical.kl, exact.kl(P, Q), (P, Q), None),
            (f"kNN JSD ({dim})", empirical.js_divergence, exact.js_divergence(P, Q), (P, Q), None),
            (f"histogram JSD ({dim})", histogram_js, exact.js_divergence(P, Q), (P, Q), None),
            (f"sample W1 ({dim})", empirical.w1, exact.w1(P, Q), (P, Q), None if dim == "1-D" else 2000),
            (f"sample Cramér ({dim})", empirical.cramer, exact.cramer(P, Q), (P, Q), None),
        ]
    return rows


def loglog_slope(n, errors) -> float:
    """The least-squares slope of log error against log n: the rate r of error ∝ n^r (NaN with fewer than two sizes).

    Parameters
    ----------
    n, errors : array_like
        Positive sample sizes and the errors at them, of one length.

    Returns
    -------
    float

    Examples
    --------
    >>> loglog_slope([10, 100, 1000], [1.0, 0.1, 0.01])
    -1.0
    """
    return float(np.polyfit(np.log(n), np.log(errors), 1)[0]) if len(n) >= 2 else math.nan


@dataclass(frozen=True)
class EstimatorErrors:
    """One estimator's row of :func:`estimator_errors`.

    Attributes
    ----------
    sizes : ndarray of int
        Sample sizes n (each of x and y has n points).
    errors : ndarray
        Root-mean-square error of the estimate against ``exact`` at each n.
    exact : float
        The exact value (:mod:`gantheory.divergences.exact`).
    rate : float
        :func:`loglog_slope` of ``errors`` against ``sizes``.
    repeats : int
        Pairs of samples per size.
    """

    sizes: np.ndarray
    errors: np.ndarray
    exact: float
    rate: float
    repeats: int


def estimator_errors(sizes=(100, 300, 1_000, 3_000), repeats: int = 4, rng=0) -> dict:
    r"""Root-mean-square error of each sample estimator against the exact divergence, for growing n.

    Parameters
    ----------
    sizes : sequence of int
        Sample sizes n (each of x and y has n points); at least two,
        increasing, each at least 10.
    repeats : int
        Independent pairs of samples per size; the squared error is averaged over them.
    rng : int, default 0
        Seed of the samples.

    Returns
    -------
    dict
        ``{label: EstimatorErrors}`` for each label of :data:`ESTIMATOR_LABELS`
        (:class:`EstimatorErrors`: the sizes, the RMS errors, the exact value
        and the fitted rate, about -1/2 for a root-n consistent estimator). The problems (:data:`PROBLEMS`): P = N(0, 1)
        vs Q = N(1, 1) in 1-D, and N(0, I) vs N((1, 0), I) in 2-D; exact
        values from :mod:`gantheory.divergences.exact` (KL = 1/2, W1 = 1 in
        both). The 2-D sample W1 (an exact assignment, O(n³)) stops at n = 2000.
        :data:`EXPECTED_RATES` gives the rate theory predicts for each.

    Examples
    --------
    >>> errors = estimator_errors(sizes=[50, 200], repeats=2)
    >>> errors["kNN KL (2-D)"].exact, errors["kNN KL (2-D)"].sizes.tolist()
    (0.5, [50, 200])
    """
    sizes = np.asarray([check_positive_int(n, "sizes") for n in sizes])
    if sizes.size < 2 or (np.diff(sizes) <= 0).any() or sizes[0] < 10:
        raise ValueError(f"sizes must be at least two increasing integers >= 10, got {sizes.tolist()}")
    repeats = check_positive_int(repeats, "repeats")
    stream = Stream(as_generator(rng))  # one stream for every sample
    out = {}
    for label, f, truth, (P, Q), max_n in _estimator_problems():
        ns = sizes if max_n is None else sizes[sizes <= max_n]
        errors = np.array(
            [
                math.sqrt(
                    np.mean(
                        [(f(P.sample(n, rng=stream), Q.sample(n, rng=stream)) - truth) ** 2 for _ in range(repeats)]
                    )
                )
                for n in ns
            ]
        )
        out[label] = EstimatorErrors(ns, errors, float(truth), loglog_slope(ns, errors), repeats)
    return out
