r"""2-D numerical integration of the f-divergences KL, JSD and TV between plane densities.

Used by :mod:`gantheory.divergences.exact` where no closed form applies in
2-D. Two routes, both with a bounded cost and an error estimate that is
checked against the tolerance (an :class:`~gantheory.divergences.exact.AccuracyWarning`
says when it is not met):

* **Gaussian mixtures** (bivariate normals, products of normals, their
  mixtures such as the ring and the grid of Gaussians): every divergence is
  a sum of expectations under single components,

  .. math:: \mathrm{KL}(P\|Q) = \sum_i w_i\, E_{N(\mu_i, \Sigma_i)}[\log p - \log q],\quad
            \mathrm{JSD} = \tfrac12 E_P[\log 2 - \operatorname{softplus}(\log q - \log p)]
                          + \tfrac12 E_Q[\log 2 - \operatorname{softplus}(\log p - \log q)],

  and :math:`\mathrm{TV} = E_P[(1 - q/p)_+] = E_Q[(1 - p/q)_+]` (under the law
  with fewer components), and each expectation is taken
  in its component's own whitened coordinates :math:`x = \mu_i + L_i z`
  (:math:`L_i L_i^\top = \Sigma_i`), where the component is a standard
  normal whatever its shape: a ridge of correlation 0.99999 is as easy as a
  round mode. First by tensor Gauss-Hermite rules of orders 10 and 20 (exact
  for polynomials of degree 39 in :math:`z`, so exact wherever
  :math:`\log p - \log q` is quadratic, as between two Gaussians); where the
  two orders disagree by more than the tolerance, by adaptive tensor
  Gauss-Legendre cubature of :math:`h(\mu_i + L_i z)\,\varphi(z_1)\varphi(z_2)`
  over the box :math:`|z_1|, |z_2| \le 8.5` (the standard normal mass
  outside is below 4e-17), quartering a cell while its 8 x 8 rule and the
  sum over its quarters differ by more than its share of the tolerance.
  A component with a much narrower one inside its box (sd below ``NARROW``
  = 0.5 in its whitened units, such as the ring's modes seen from a wide
  normal) always takes the adaptive route, on a start grid with lines
  through the narrow component and at 1.5, 4 and 8 of its scales: the
  spike of p/q it makes can fall between the Gauss-Hermite nodes of both
  orders, which then agree on a wrong value. (For KL, a law made only of
  narrow components is exempt: its log density is a maximum of steep
  parabolas, whose kinks the adaptive rule detects where the dominant
  component changes between its nodes and corners.)
  Log densities are evaluated by ``logsumexp`` over the components that can
  matter in the box: a component whose largest possible log density there
  falls more than 50 below the smallest possible log density of another is
  left out (it changes the density by less than :math:`e^{-50}` relative).
* **Other plane densities** (products with Uniform or Laplace factors and
  their mixtures): adaptive tensor Gauss-Legendre cubature in the plane,
  on a start grid with lines through every mode and at 1.5, 4 and 10 scales
  from it.

The error estimates are differences between two rules (orders 10 and 20;
a cell and its quarters), each of which estimates the error of the coarser
rule while the finer one is returned: for smooth integrands the returned
value is far more accurate than the estimate. Work is bounded by
``MAX_EVALUATIONS`` evaluations of a component's log density (a few seconds),
memory by evaluating at most ``CHUNK`` point-component pairs at a time
(half a MiB per temporary; measured peak under 120 MiB for the
ring of 1,000 modes); on reaching the bound the cubature stops and
warns with its error estimate.

Examples
--------
>>> import gantheory as gt
>>> A = gt.MultivariateNormal([-50, 0], [[1, 0.99999], [0.99999, 1]])   # a thin ridge far out
>>> Q = gt.MultivariateNormal([0, 0], [[2500, 0], [0, 1]])
>>> kl_2d(gt.Mixture([A], [1.0]), Q)        # closed form 9.3221146476395376... (40 digits)
9.32211464764...
>>> tv_2d(gt.Mixture([A, gt.MultivariateNormal([50, 0], A.cov)], [0.5, 0.5]), A)
0.5
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.polynomial import hermite_e, legendre

from gantheory.distributions import Mixture, MultivariateNormal, Product
from gantheory.divergences._laws import AccuracyWarning, gaussian_mixture

LOG2 = math.log(2.0)
RTOL_2D, ATOL_2D, ATOL_TV_2D = 1e-8, 1e-12, 1e-7  # error estimate kept below max(rtol |value|, atol)
MAX_EVALUATIONS = 100_000_000  # log-density evaluations (points x components) per integral: a few seconds
CHUNK = 1 << 16  # point-component pairs evaluated at once (cache-sized blocks)
GAUSS_OFFSETS = np.array([-10.0, -4.0, -1.5, 0.0, 1.5, 4.0, 10.0])
BOX = 8.5  # half-width of the whitened box
PRUNE = 50.0  # log-density margin below which a component is left out
NARROW = 0.5  # a component narrower than this, in another's whitened units, can hide between Gauss-Hermite nodes
_GH = [hermite_e.hermegauss(n) for n in (10, 20)]
_GH_GRIDS = [
    np.stack(np.meshgrid(nodes, nodes, indexing="ij"), axis=-1).reshape(1, -1, 2) for nodes, _ in _GH
]  # their tensor nodes
_GL_NODES, _GL_WEIGHTS = legendre.leggauss(6)
_START = np.array([-BOX, -4.0, -2.0, 0.0, 2.0, 4.0, BOX])  # whitened start grid of the adaptive route
_START_CELLS = (_START.size - 1) ** 2


def _warn(message):
    warnings.warn(message, AccuracyWarning, stacklevel=4)


# -- Gaussian mixtures ---------------------------------------------------------


class _GaussianMixture:
    """Weights, means, Cholesky factors and pruning bounds of a plane Gaussian mixture."""

    def __init__(self, w, means, covs):
        keep = w > 0
        self.w, self.means, covs = w[keep], means[keep], covs[keep]
        self.chol = np.linalg.cholesky(covs)
        self.log_norm = np.log(self.w) - math.log(2 * math.pi) - np.log(self.chol[:, 0, 0] * self.chol[:, 1, 1])
        eig = np.linalg.eigvalsh(covs)
        self.lam_min, self.lam_max = eig[:, 0], eig[:, 1]

    @classmethod
    def of(cls, D):
        """The mixture of a plane density made of normals, or None."""
        if D.dim != 2 or D.reference != "lebesgue":
            return None
        g = gaussian_mixture(D)
        return None if g is None else cls(*g)

    def active(self, centre, radius):
        """Indices of the components that can matter in the disc (centre, radius): see the module docstring."""
        d = np.hypot(*(self.means - centre).T)
        upper = self.log_norm - 0.5 * np.maximum(d - radius, 0.0) ** 2 / self.lam_max
        lower = self.log_norm - 0.5 * (d + radius) ** 2 / self.lam_min
        return np.flatnonzero(upper >= lower.max() - PRUNE)

    def active_per_disc(self, idx, centres, radius):
        """For discs (centres (k, 2), radius (k,)): the components of idx that can matter in each, (k, a), padded with k = K."""
        d = np.hypot(centres[:, None, 0] - self.means[idx, 0], centres[:, None, 1] - self.means[idx, 1])
        upper = self.log_norm[idx] - 0.5 * np.maximum(d - radius[:, None], 0.0) ** 2 / self.lam_max[idx]
        lower = self.log_norm[idx] - 0.5 * (d + radius[:, None]) ** 2 / self.lam_min[idx]
        keep = upper >= lower.max(axis=1, keepdims=True) - PRUNE
        order = np.argsort(~keep, axis=1, kind="stable")[:, : keep.sum(axis=1).max()]
        return np.where(np.take_along_axis(keep, order, axis=1), idx[order], self.w.size)

    def logpdf(self, x, sets):
        """log density at the points x (k, N, 2) from the components sets (k, a) of each group (index K pads).

        Also the dominant component and the log of its share of the density (0 when it holds
        all of it). In blocks of at most CHUNK point-component pairs.
        """
        if not hasattr(self, "_padded"):
            pad = lambda v, fill: np.append(v, fill)  # noqa: E731
            self._padded = (
                pad(self.means[:, 0], 0.0),
                pad(self.means[:, 1], 0.0),
                pad(1.0 / self.chol[:, 0, 0], 1.0),
                pad(self.chol[:, 1, 0], 0.0),
                pad(1.0 / self.chol[:, 1, 1], 1.0),
                pad(self.log_norm, -np.inf),
            )
        mu0, mu1, a, b, c, log_norm = self._padded
        k, n = x.shape[:2]
        out, top_id, share = np.empty((k, n)), np.empty((k, n), dtype=np.intp), np.zeros((k, n))
        step = max(1, CHUNK // (n * sets.shape[1]))
        for s in range(0, k, step):
            # components along the first axis, points along the second (long, contiguous rows)
            S = np.repeat(sets[s : s + step], n, axis=0).T  # (a, c n)
            x0, x1 = x[s : s + step, :, 0].ravel(), x[s : s + step, :, 1].ravel()
            z1 = (x0 - mu0[S]) * a[S]
            z2 = ((x1 - mu1[S]) - b[S] * z1) * c[S]
            t = log_norm[S] - 0.5 * (z1 * z1 + z2 * z2)
            rows = slice(s, s + step)
            if S.shape[0] == 1:
                out[rows], top_id[rows] = t[0].reshape(-1, n), S[0].reshape(-1, n)
                continue
            j = t.argmax(axis=0)
            cols = np.arange(t.shape[1])
            top = t[j, cols]
            top_id[rows] = S[j, cols].reshape(-1, n)
            t -= top
            np.exp(t, out=t)
            lshare = -np.log(t.sum(axis=0))
            share[rows] = lshare.reshape(-1, n)
            out[rows] = (top - lshare).reshape(-1, n)
        return out, top_id, share


def _pointwise(name, lp, lq):
    """The integrand of ``name`` under the integrating law's component, from log p and log q (stable forms)."""
    if name == "kl":
        return lp - lq
    if name == "js_divergence":
        return 0.5 * (LOG2 - np.logaddexp(0.0, lq - lp))
    return -np.expm1(np.minimum(lq - lp, 0.0))  # tv: (1 - q/p)_+


class _Integral:
    """Sum over the components i of a law R (P or Q) of w_i E_{N_i}[h]: h from (name, P, Q), swapped when R is Q."""

    def __init__(self, name, gP, gQ, swap):
        self.name, self.gP, self.gQ, self.swap = name, gP, gQ, swap
        self.R = gQ if swap else gP
        radius = BOX * math.sqrt(2.0) * np.sqrt(self.R.lam_max)
        self.active = [(gP.active(m, r), gQ.active(m, r)) for m, r in zip(self.R.means, radius)]
        self.T = [None] * self.R.w.size  # x = mu_i + T_i z: whitening, rotated to line up narrow features (_narrow)
        self.narrow = [self._narrow(i) for i in range(self.R.w.size)]
        self.evaluations = 0

    def _narrow(self, i):
        """The narrow features inside component i's box, and the coordinates that line them up with the axes.

        A feature is an active component whose covariance, in component i's whitened coordinates, has
        a standard deviation below ``NARROW`` in some direction: a spike (the ring's modes seen from a
        wide normal) or a needle (a thin ridge of the other law crossing this component). Gauss-Hermite
        nodes of both orders can straddle it and agree on a wrong value, so its component goes to the
        adaptive route with grid lines through it (:func:`_start_cells`). The whitened coordinates are
        rotated (the standard normal does not change) so that the narrowest feature's thin direction
        is an axis; sets ``self.T[i]`` (x = mu_i + T_i z) and returns the features' centres in z (k, 2),
        their standard deviations along each axis (k, 2; inf where wide) and how many are thinner than
        0.1 only in an oblique direction (their lines cannot be drawn: a warning says so).
        """
        L = self.R.chol[i]
        centres, covs = [], []
        for g, idx in zip((self.gP, self.gQ), self.active[i]):
            A = np.linalg.solve(L, g.chol[idx])  # (k, 2, 2): each feature's Cholesky factor in whitened units
            C = A @ np.swapaxes(A, 1, 2)
            thin = np.sqrt(np.linalg.eigvalsh(C)[:, 0]) < NARROW
            if self.name == "kl" and thin.all():
                # log of a law made only of narrow components is a maximum of steep parabolas: no spike
                # (its kinks, where the dominant component changes, are found by the labels of h)
                continue
            z = np.linalg.solve(L, (g.means[idx] - self.R.means[i]).T).T
            centres.append(z[thin])
            covs.append(C[thin])
        z, C = np.concatenate(centres or [np.empty((0, 2))]), np.concatenate(covs or [np.empty((0, 2, 2))])
        if z.shape[0]:
            w, V = np.linalg.eigh(C)
            reach = np.abs(np.einsum("ki,ki->k", V[:, :, 0], z)) <= BOX * math.sqrt(2.0) + 8.0 * np.sqrt(w[:, 0])
            z, C, w, V = z[reach], C[reach], w[reach], V[reach]
        if not z.shape[0]:
            self.T[i] = L
            return np.empty((0, 2)), np.empty((0, 2)), 0
        u = V[np.argmin(w[:, 0]), :, 0]
        rotation = np.array([[u[0], -u[1]], [u[1], u[0]]])  # z_old = rotation @ z_new: u becomes the first axis
        self.T[i] = L @ rotation
        z = z @ rotation  # rotation.T @ z for each row
        sd = np.sqrt(np.einsum("ji,kjl,li->ki", rotation, C, rotation))  # per-axis sd in the rotated coordinates
        sd = np.where(sd < NARROW, sd, np.inf)
        # thin only obliquely: the adaptive rule's cells (width 2 at the start) resolve a width of ~0.1 and more
        return z, sd, int((np.isinf(sd).all(axis=1) & (np.sqrt(w[:, 0]) < 0.1)).sum())

    def h(self, i, z, sets=None):
        """h at x = mu_i + T_i z for z of shape (k, N, 2): values, kink labels and dominance flags, each (k, N).

        ``sets``: the components of P and of Q to evaluate for each of the k groups; by default the
        component's active sets.
        """
        (t11, t12), (t21, t22) = self.T[i]
        x = np.empty_like(z)
        x[..., 0] = self.R.means[i, 0] + (t11 * z[..., 0] + t12 * z[..., 1])
        x[..., 1] = self.R.means[i, 1] + (t21 * z[..., 0] + t22 * z[..., 1])
        sa, sb = sets if sets is not None else (a[None] for a in self.active[i])
        self.evaluations += (
            z.shape[1] * int(np.sum(sa < self.gP.w.size) + np.sum(sb < self.gQ.w.size)) * (z.shape[0] // sa.shape[0])
        )
        (lp, kp, sp), (lq, kq, sq) = self.gP.logpdf(x, sa), self.gQ.logpdf(x, sb)
        # where the dominant component changes while one component holds over 99% of the density on
        # both sides, log p or log q has a kink at the scale of the nodes; TV's (1 - q/p)_+ has one where p = q
        label = (kp * (self.gQ.w.size + 1) + kq) * 2 + ((lp > lq) if self.name == "tv" else 0)
        dominated = np.minimum(sp, sq) > math.log(0.99)
        return (_pointwise(self.name, lq, lp) if self.swap else _pointwise(self.name, lp, lq)), label, dominated

    def hermite(self, i):
        """E_{N_i}[h] by tensor Gauss-Hermite rules of orders 10 and 20: (order-20 value, |difference|)."""
        values = []
        for (nodes, weights), z in zip(_GH, _GH_GRIDS):
            values.append(weights @ self.h(i, z)[0].reshape(nodes.size, nodes.size) @ weights / (2 * math.pi))
        return values[1], abs(values[1] - values[0])

    def legendre(self, comps, cells):
        """Gauss-Legendre rule of w_i h(mu_i + L_i z) phi(z) on each z-cell (rows z1a, z1b, z2a, z2b) of component comps[k].

        Returns the rule's values and, for cells where the dominant component of P or of Q or the
        sign of log p - log q differs between the nodes and the corners (a kink of the integrand
        may cross it, possibly between the nodes), the bound area x (max - min of the integrand
        at those points); 0 for the other cells.
        """
        out, bound = np.empty(cells.shape[0]), np.zeros(cells.shape[0])
        n = _GL_NODES.size
        ends = np.array([-1.0, 1.0])
        for i in np.unique(comps):
            sel = np.flatnonzero(comps == i)
            z1a, z1b, z2a, z2b = cells[sel].T
            h1, h2 = 0.5 * (z1b - z1a), 0.5 * (z2b - z2a)
            u = (z1a + h1)[:, None] + h1[:, None] * _GL_NODES
            v = (z2a + h2)[:, None] + h2[:, None] * _GL_NODES
            z = np.stack(np.broadcast_arrays(u[:, :, None], v[:, None, :]), axis=-1).reshape(-1, 2)
            uc, vc = (z1a + h1)[:, None] + h1[:, None] * ends, (z2a + h2)[:, None] + h2[:, None] * ends
            corners = np.stack(np.broadcast_arrays(uc[:, :, None], vc[:, None, :]), axis=-1).reshape(-1, 2)
            zz = np.concatenate([z.reshape(sel.size, n * n, 2), corners.reshape(sel.size, 4, 2)], axis=1)
            # the components that matter in each cell's disc (centre and half-diagonal mapped to the plane)
            centres = self.R.means[i] + np.column_stack([z1a + h1, z2a + h2]) @ self.T[i].T
            radius = np.sqrt(self.R.lam_max[i]) * np.hypot(h1, h2)
            ia, ib = self.active[i]
            sets = (self.gP.active_per_disc(ia, centres, radius), self.gQ.active_per_disc(ib, centres, radius))
            f_all, l_all, d_all = self.h(i, zz, sets)
            f_all = f_all * np.exp(-0.5 * (zz * zz).sum(axis=2)) * (self.R.w[i] / (2 * math.pi))
            values = f_all[:, : n * n].reshape(sel.size, n, n)
            out[sel] = h1 * h2 * np.einsum("i,kij,j->k", _GL_WEIGHTS, values, _GL_WEIGHTS)
            kinked = (l_all != l_all[:, :1]).any(axis=1) & (d_all.all(axis=1) | (self.name == "tv"))
            bound[sel] = np.where(kinked, 4 * h1 * h2 * (f_all.max(axis=1) - f_all.min(axis=1)), 0.0)
        return out, bound


def _quarters(cells):
    a, b, c, d = cells.T
    m1, m2 = 0.5 * (a + b), 0.5 * (c + d)
    return np.concatenate(
        [np.column_stack(q) for q in ((a, m1, c, m2), (m1, b, c, m2), (a, m1, m2, d), (m1, b, m2, d))]
    )


def _gaussian_mixture_integral(name, gP, gQ, rtol, atol):
    """The divergence ``name`` between two plane Gaussian mixtures: (value, error estimate, evaluations)."""
    # TV is E_P[(1 - q/p)_+] = E_Q[(1 - p/q)_+]: integrate under the law with fewer components
    parts = [_Integral(name, gP, gQ, name == "tv" and gQ.w.size < gP.w.size)]
    if name == "js_divergence":
        parts.append(_Integral(name, gP, gQ, True))
    # 1. Gauss-Hermite of orders 10 and 20 in each component's whitened coordinates
    terms = sum(sum(ia.size + ib.size for ia, ib in part.active) for part in parts)
    cost = terms * sum(nodes.size**2 for nodes, _ in _GH)
    if cost > MAX_EVALUATIONS:
        raise ValueError(
            f"{name} by 2-D cubature would need over {cost:.3g} log-density evaluations (the bound MAX_EVALUATIONS = "
            f"{MAX_EVALUATIONS:.3g}): the laws have too many overlapping components; estimate it from samples with gantheory.empirical"
        )
    values, errors = [], []
    for part in parts:
        v, e = np.array([part.hermite(i) for i in range(part.R.w.size)]).T
        values.append(part.R.w * v)
        errors.append(part.R.w * e)
    total, error = sum(v.sum() for v in values), sum(e.sum() for e in errors)
    evaluations = sum(p.evaluations for p in parts)
    tol = max(rtol * abs(total), atol)
    narrow = [np.array([i for i, (c, _, _) in enumerate(part.narrow) if c.size], dtype=np.intp) for part in parts]
    oblique = sum(n for part in parts for _, _, n in part.narrow)
    if oblique:
        _warn(
            f"2-D cubature for {name}: {oblique} thin component(s) cross another at an angle that no grid line "
            "follows; the error estimate may not bound a contribution they make"
        )
    if error <= tol and not any(n.size for n in narrow):
        return total, error, evaluations
    # 2. adaptive Gauss-Legendre for the components with the largest disagreements, until the rest is within tol / 2,
    # and for every component with a narrower one inside its box (Gauss-Hermite cannot vouch for those)
    share = 0.5 * tol / len(parts)
    for part, v, e, spiky in zip(parts, values, errors, narrow):
        order = np.argsort(e)[::-1]
        rest = e.sum() - np.cumsum(e[order])
        redo = order[: np.searchsorted(-rest, -share) + 1] if e.sum() > share else order[:0]
        redo = np.concatenate([spiky, redo[~np.isin(redo, spiky)]])
        # the start grid costs (cells x quarters x nodes) times the component's active terms: keep within half the budget
        cost = _START_CELLS * 5 * _GL_NODES.size**2 * np.array([sum(map(len, part.active[i])) for i in redo])
        redo = redo[np.cumsum(cost) <= 0.5 * (MAX_EVALUATIONS - evaluations)]
        missed = np.setdiff1d(spiky, redo)
        if missed.size:  # their Gauss-Hermite values cannot vouch for themselves: say so
            _warn(
                f"2-D cubature for {name}: {missed.size} component(s) with narrower ones inside them were left to "
                f"Gauss-Hermite within the bound MAX_EVALUATIONS = {MAX_EVALUATIONS:.3g}; the result may miss those spikes"
            )
        if redo.size == 0:
            continue
        value, err, used = _adaptive(part, redo, share, MAX_EVALUATIONS - evaluations)
        total += value - v[redo].sum()
        error += err - e[redo].sum()
        evaluations += used
    return total, error, evaluations


def _start_cells(centres, scales):
    """Cells (z1a, z1b, z2a, z2b) of the start grid: lines at _START, and through each narrow feature's centre and
    at 1.5, 4 and 8 of its sd on either side along each axis where it is narrow (clipped to the box), so that no
    spike or needle falls between the nodes."""
    lines = []
    for axis in (0, 1):
        ok = np.isfinite(scales[:, axis])
        extra = (
            centres[ok, axis, None] + scales[ok, axis, None] * np.array([-8.0, -4.0, -1.5, 0.0, 1.5, 4.0, 8.0])
        ).ravel()
        lines.append(np.unique(np.clip(np.concatenate([_START, extra]), -BOX, BOX)))
    a, b = lines
    I, J = np.meshgrid(np.arange(a.size - 1), np.arange(b.size - 1), indexing="ij")
    return np.column_stack([a[I.ravel()], a[I.ravel() + 1], b[J.ravel()], b[J.ravel() + 1]])


def _refine(rule, cells, tags, tol, split_cost, budget, geometric=False):
    """Adaptive quartering of cells, shared by both 2-D routes: (value, error estimate, evaluations).

    ``rule(cells, tags) -> (values, bounds, evaluations)`` applies the tensor
    Gauss-Legendre rule to each cell (``tags`` say which integrand a cell
    belongs to; ``bounds`` bound what the rule cannot see, 0 if nothing). A
    cell's error estimate is the larger of |its value - the sum of its
    quarters'| and its quarters' bounds. While the total exceeds
    ``tol(total value)``, the cells whose estimate exceeds the tolerance's
    share are quartered, the largest estimates first, as far as ``budget``
    evaluations allow (``split_cost(tags)`` each). ``geometric``: once the
    refined cells' change in value has halved in each of two rounds, that
    change bounds their remaining error (geometric convergence), usually far
    below the sum of |cell - quarters| (which bounds the coarser rule's error).
    """
    whole, _, spent = rule(cells, tags)

    def split(tags, cells, whole):
        nonlocal spent
        quarters, tags = _quarters(cells), np.tile(tags, 4)
        q, bound, used = rule(quarters, tags)
        spent += used
        q, bound = q.reshape(4, -1), bound.reshape(4, -1)
        return quarters, tags, q, q.sum(axis=0), np.maximum(np.abs(q.sum(axis=0) - whole), bound.sum(axis=0))

    quarters, tags, q, values, errors = split(tags, cells, whole)
    estimate, changes = errors.sum(), []
    while estimate > tol(values.sum()):
        refine = errors > tol(values.sum()) / errors.size
        cost = split_cost(tags[: errors.size])
        order = np.flatnonzero(refine)[np.argsort(-errors[refine])]
        affordable = order[np.cumsum(cost[order]) <= budget - spent]
        if affordable.size == 0:
            break
        refine = np.zeros_like(refine)
        refine[affordable] = True
        sub = quarters.reshape(4, -1, 4)[:, refine].reshape(-1, 4)
        sub_tags = tags.reshape(4, -1)[:, refine].ravel()
        new_quarters, new_tags, new_q, new_values, new_errors = split(sub_tags, sub, q[:, refine].ravel())
        keep = ~refine
        step = abs(new_values.sum() - values[refine].sum())
        changes.append(step)
        quarters = np.concatenate(
            [quarters.reshape(4, -1, 4)[:, keep], new_quarters.reshape(4, -1, 4)], axis=1
        ).reshape(-1, 4)
        tags = np.concatenate([tags.reshape(4, -1)[:, keep], new_tags.reshape(4, -1)], axis=1).ravel()
        q = np.concatenate([q[:, keep], new_q], axis=1)
        values = np.concatenate([values[keep], new_values])
        errors = np.concatenate([errors[keep], new_errors])
        estimate = errors.sum()
        if geometric and len(changes) >= 3 and changes[-1] <= 0.5 * changes[-2] and changes[-2] <= 0.5 * changes[-3]:
            estimate = min(estimate, step + errors[: keep.sum()].sum())
    return float(values.sum()), float(estimate), spent


def _adaptive(part, comps, tol, budget):
    """Adaptive Gauss-Legendre of the components comps of part: (value, error estimate, evaluations)."""
    grids = [_start_cells(*part.narrow[i][:2]) for i in comps]
    owner = np.repeat(comps, [c.shape[0] for c in grids])
    terms = np.array([ia.size + ib.size for ia, ib in part.active])

    def rule(cells, owners):
        start = part.evaluations
        values, bounds = part.legendre(owners, cells)
        return values, bounds, part.evaluations - start

    # a refined cell costs 16 rules on its quarters' quarters
    return _refine(
        rule,
        np.concatenate(grids),
        owner,
        lambda total: tol,
        lambda owners: 16 * (_GL_NODES.size**2 + 4) * terms[owners],
        budget,
        geometric=True,
    )


# -- other plane densities -----------------------------------------------------


def grid_lines(D):
    """Axis-aligned lines (xs, ys) through the modes, scales and support ends of a plane density, or None."""
    if isinstance(D, MultivariateNormal):
        sd = np.sqrt(np.diag(D.cov))
        return tuple(D.mean[i] + sd[i] * GAUSS_OFFSETS for i in (0, 1))
    if isinstance(D, Product):
        lines = (_line_1d(D.marginal_x), _line_1d(D.marginal_y))
        return None if lines[0] is None or lines[1] is None else lines
    if isinstance(D, Mixture):
        parts = [grid_lines(c) for c, _ in D._active]
        if any(p is None for p in parts):
            return None
        return tuple(np.concatenate([p[i] for p in parts]) for i in (0, 1))
    return None


def _line_1d(D):
    """Break points of a 1-D density for the 2-D grid (its quadrature break points and support ends)."""
    if D.reference != "lebesgue":
        return None
    ends = np.array([e for e in D.support if math.isfinite(e)])
    return np.concatenate([D._breakpoints(), ends])


def _terms(D):
    """Number of component densities evaluated by D.logpdf (the width of its temporaries)."""
    return sum(_terms(c) for c, _ in D._active) if isinstance(D, Mixture) else 1


def _gauss_legendre_cells(g, cells, nodes, weights, width):
    """Tensor Gauss-Legendre rule on each cell (rows x0, x1, y0, y1): the integrals of g, shape (k,); in blocks of CHUNK pairs."""
    out = np.empty(cells.shape[0])
    step = max(1, CHUNK // (width * nodes.size**2))
    for s in range(0, cells.shape[0], step):
        x0, x1, y0, y1 = cells[s : s + step].T
        hx, hy = 0.5 * (x1 - x0), 0.5 * (y1 - y0)
        xs = (x0 + hx)[:, None] + hx[:, None] * nodes
        ys = (y0 + hy)[:, None] + hy[:, None] * nodes
        pts = np.stack(np.broadcast_arrays(xs[:, :, None], ys[:, None, :]), axis=-1)
        values = g(pts.reshape(-1, 2)).reshape(pts.shape[:3])
        out[s : s + step] = hx * hy * np.einsum("i,kij,j->k", weights, values, weights)
    return out


def _plane_cubature(name, g, P, Q, rtol, atol, extra_lines=None):
    """Adaptive tensor Gauss-Legendre cubature of g over the plane: (value, error estimate, evaluations).

    The start grid's lines are P's and Q's (:func:`grid_lines`) and ``extra_lines`` (xs, ys), such as
    lines through the integrand's own peak where it lies far from both laws' mass.
    """
    lines = (grid_lines(P), grid_lines(Q))
    if lines[0] is None or lines[1] is None:
        raise NotImplementedError(
            f"{name} between {P!r} and {Q!r}: the 2-D cubature handles bivariate normals, products of "
            "Normal/Uniform/Laplace and their mixtures; discretize with gt.PointMasses or estimate from samples with gantheory.empirical"
        )
    if extra_lines is not None:
        lines = lines + (tuple(np.asarray(v, dtype=float) for v in extra_lines),)
    xs, ys = (np.unique(np.concatenate([part[i] for part in lines])) for i in (0, 1))
    width = _terms(P) + _terms(Q)
    cost = 5 * 36 * (xs.size - 1) * (ys.size - 1) * width  # the start grid: a 6 x 6 rule on each cell and its quarters
    if cost > MAX_EVALUATIONS:
        raise ValueError(
            f"{name} by 2-D cubature would need over {cost:.3g} log-density evaluations on its start grid (the bound "
            f"MAX_EVALUATIONS = {MAX_EVALUATIONS:.3g}): the laws have too many components; estimate it from samples with gantheory.empirical"
        )
    X0, Y0 = np.meshgrid(np.arange(len(xs) - 1), np.arange(len(ys) - 1), indexing="ij")
    cells = np.column_stack([xs[X0.ravel()], xs[X0.ravel() + 1], ys[Y0.ravel()], ys[Y0.ravel() + 1]])
    per_cell = _GL_NODES.size**2 * width

    def rule(cells, tags):
        return (
            _gauss_legendre_cells(g, cells, _GL_NODES, _GL_WEIGHTS, width),
            np.zeros(cells.shape[0]),
            cells.shape[0] * per_cell,
        )

    # each split cell costs 16 rules (its quarters' quarters)
    return _refine(
        rule,
        cells,
        np.zeros(cells.shape[0], dtype=np.intp),
        lambda total: max(rtol * abs(total), atol),
        lambda tags: np.full(tags.size, 16 * per_cell),
        MAX_EVALUATIONS,
    )


class _NotAbsolutelyContinuous(Exception):
    """Raised inside the KL cubature at a point where p > 0 = q."""


def _plane_integrand(name, P, Q):
    def g(x):
        lp, lq = P._logpdf(x), Q._logpdf(x)
        if name == "kl" and ((lp > -np.inf) & (lq == -np.inf)).any():
            raise _NotAbsolutelyContinuous
        finite = lp > -np.inf
        lp0 = np.where(finite, lp, 0.0)
        if name == "kl":
            return np.where(finite, np.exp(lp0) * (lp0 - np.where(finite, lq, 0.0)), 0.0)
        if name == "tv":
            return 0.5 * np.abs(np.exp(lp) - np.exp(lq))
        lm = np.logaddexp(lp, lq) - LOG2
        return 0.5 * (
            np.where(finite, np.exp(lp0) * (lp0 - lm), 0.0)
            + np.where(lq > -np.inf, np.exp(np.where(lq > -np.inf, lq, 0.0)) * (lq - lm), 0.0)
        )

    return g


# -- the divergences -----------------------------------------------------------


def _integrate(name, P, Q, rtol, atol):
    gP, gQ = _GaussianMixture.of(P), _GaussianMixture.of(Q)
    if gP is not None and gQ is not None:
        value, error, evaluations = _gaussian_mixture_integral(name, gP, gQ, rtol, atol)
    else:
        value, error, evaluations = _plane_cubature(name, _plane_integrand(name, P, Q), P, Q, rtol, atol)
    return _checked(name, value, error, evaluations, rtol, atol)


def integrate_plane(name, g, P, Q, rtol=None, atol=None, extra_lines=None):
    """The integral of ``g`` over the plane by the adaptive Gauss-Legendre cubature, on the break lines of P and Q.

    For integrands other than the divergences' own (e.g. the value function
    of :func:`gantheory.gan.value_at_optimal_discriminator`): ``g`` maps
    points of shape (N, 2) to values of shape (N,). Same bound on the work
    and the same ``AccuracyWarning`` as the divergences; ``name`` labels the
    messages. The start grid has lines through P's and Q's modes and scales,
    and ``extra_lines`` = (xs, ys) where given: the integral covers the box
    they span, so a caller whose integrand has mass elsewhere passes lines there.

    Examples
    --------
    >>> import numpy as np
    >>> import gantheory as gt
    >>> P = gt.MultivariateNormal([0, 0], np.eye(2))
    >>> integrate_plane("mass", lambda x: P.pdf(x), P, P)   # a density integrates to one
    1.0000000...
    """
    rtol = RTOL_2D if rtol is None else rtol
    atol = ATOL_2D if atol is None else atol
    return _checked(name, *_plane_cubature(name, g, P, Q, rtol, atol, extra_lines), rtol, atol)


def _checked(name, value, error, evaluations, rtol, atol):
    """``value``, after an ``AccuracyWarning`` when its error estimate is above the tolerance."""
    tol = max(rtol * abs(value), atol)
    if error > tol:
        _warn(
            f"2-D cubature for {name}: error estimate {error:.2e} above the tolerance {tol:.1e} after {evaluations:.3g} "
            f"log-density evaluations (the bound MAX_EVALUATIONS = {MAX_EVALUATIONS:.3g}); the value is {float(value)!r}"
        )
    return float(value)


def kl_2d(P, Q):
    """KL(P || Q) between plane densities by cubature, to ``RTOL_2D`` relative (``ATOL_2D`` absolute)."""
    if P.reference != "lebesgue":
        raise NotImplementedError(
            f"kl between {P!r} and {Q!r}: singular laws that are not products are not implemented"
        )
    try:
        return max(0.0, _integrate("kl", P, Q, RTOL_2D, ATOL_2D))
    except _NotAbsolutelyContinuous:
        return math.inf


def js_divergence_2d(P, Q):
    """JSD(P, Q) between plane densities by cubature, to ``RTOL_2D`` relative (``ATOL_2D`` absolute)."""
    return min(max(_integrate("js_divergence", P, Q, RTOL_2D, ATOL_2D), 0.0), LOG2)


def tv_2d(P, Q):
    """TV(P, Q) between plane densities by cubature, to ``ATOL_TV_2D`` absolute."""
    return min(max(_integrate("tv", P, Q, 0.0, ATOL_TV_2D), 0.0), 1.0)
