r"""Chapter 2 (``notebooks/02_mle_is_kl.ipynb``): maximum likelihood is KL minimization; the projections of a
normal on two modes and the JSD's local minima."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from gantheory._rng import as_generator
from gantheory._validation import as_float_array
from gantheory.distributions import Distribution, Mixture, Normal, PointMasses
from gantheory.mle import excess_kl_constant, likelihood_decomposition
from gantheory.plotting._style import COLORS, as_vector, curve_style, field_of, slide_figure

# -- maximum likelihood is KL minimization ----------------------------------------------


def plot_mle_is_kl(convergence, x=None, thetas=None) -> Figure:
    r"""Figure 3: the average NLL is a cross-entropy; the normal MLE converges to the forward-KL projection at the predicted rate.

    Parameters
    ----------
    convergence : MLEConvergence
        As :func:`gantheory.mle.mle_convergence` returns (the tour's: 100 runs
        of the normal MLE for :data:`gantheory.mle.SYMMETRIC_BIMODAL` at
        n = 10..10⁵); an object or mapping with ``sizes`` and ``excess_kl``,
        and optionally ``runs``, ``target`` and ``projection``.
    x : array_like of 0s and 1s, optional
        Bernoulli data for the left panel; default 40 draws of Bernoulli(0.3), seed 0.
    thetas : array_like, optional
        Model parameters θ in (0, 1) of :math:`Q_\theta` = Bernoulli(θ); default 199 points.

    Returns
    -------
    matplotlib.figure.Figure
        Left: for a discrete model the average NLL (the cross-entropy
        :math:`H(\hat P, Q_\theta)`) and :math:`H(\hat P) + \mathrm{KL}(\hat P\|Q_\theta)`
        (:func:`gantheory.mle.likelihood_decomposition` of ``x`` at each θ), one curve on the
        other, both minimized at the MLE :math:`\hat\theta = k/n`. Right: the
        excess KL :math:`\mathrm{KL}(Q^*\|\hat Q_n)` of the normal MLE, its mean
        over the runs with the band between the 10 % and 90 % quantiles of the
        runs (when ``convergence`` holds several), and the guide
        :math:`c/n` with :math:`c = \tfrac12 + (\kappa - 1)/4`
        (:func:`gantheory.mle.excess_kl_constant`) when the target is known;
        its title names the target P.

    Examples
    --------
    >>> import gantheory as gt
    >>> run = gt.mle.mle_convergence(gt.mle.SYMMETRIC_BIMODAL, sizes=[10, 100], rng=0, n_runs=3)
    >>> fig = plot_mle_is_kl(run, x=[0, 1, 1, 0], thetas=[0.25, 0.5, 0.75])
    >>> len(fig.axes)
    2
    """
    if convergence is None:
        raise TypeError(
            "convergence is required: pass what gantheory.mle.mle_convergence returns, "
            "e.g. gt.mle.mle_convergence(gt.mle.SYMMETRIC_BIMODAL, sizes=[10, 100, 1000], rng=0, n_runs=20)"
        )
    if x is None:
        x = (as_generator(0).random(40) < 0.3).astype(float)
    x = as_vector(x, "x")
    if not np.isin(x, (0.0, 1.0)).all():
        raise ValueError("x must hold Bernoulli data: only 0s and 1s")
    thetas = as_vector(np.linspace(0.005, 0.995, 199) if thetas is None else thetas, "thetas", min_size=2)
    if ((thetas <= 0) | (thetas >= 1)).any():
        raise ValueError("thetas must lie strictly between 0 and 1")
    sizes = as_vector(field_of(convergence, "sizes", "convergence"), "convergence.sizes", min_size=2)
    excess = as_vector(field_of(convergence, "excess_kl", "convergence"), "convergence.excess_kl", min_size=2)
    if sizes.shape != excess.shape:
        raise ValueError("convergence.sizes and convergence.excess_kl must have one length")

    def optional(name):
        return convergence.get(name) if isinstance(convergence, Mapping) else getattr(convergence, name, None)

    runs = optional("runs")
    runs = excess[None, :] if runs is None else as_float_array(runs, "convergence.runs", np)
    if runs.ndim != 2 or runs.shape[1] != sizes.size or (runs < 0).any():
        raise ValueError(
            f"convergence.runs must be a non-negative array of shape (n_runs, {sizes.size}), got shape {runs.shape}"
        )
    target = optional("target")
    parts = [likelihood_decomposition(PointMasses([0.0, 1.0], [1.0 - t, t]), x) for t in thetas]
    nll = np.array([d.average_nll for d in parts])
    kl_plus_h = np.array([d.kl + d.entropy for d in parts])
    theta_hat = float(x.mean())
    with slide_figure(1, 2, size=(13.5, 5.4)) as (fig, (left, right)):
        every = 0.1
        left.plot(thetas, nll, label="average NLL  −(1/n) Σ log q_θ(xᵢ)", **curve_style(0, markevery=every))
        left.plot(
            thetas,
            kl_plus_h,
            label="KL(P̂‖Q_θ) + H(P̂)",
            **(curve_style(1, markevery=(0.05, every)) | {"linewidth": 1.6}),
        )
        left.axhline(
            parts[0].entropy, color="0.4", linestyle=":", linewidth=1.2, label=f"H(P̂) = {parts[0].entropy:.3f} nats"
        )
        left.axvline(theta_hat, color="0.3", linewidth=1.0, linestyle="--")
        left.annotate(
            f"MLE θ̂ = k/n = {theta_hat:.3f}",
            (theta_hat, parts[0].entropy),
            textcoords="offset points",
            xytext=(6, 30),
            fontsize=11,
        )
        left.set_ylim(0.0, min(float(nll.max()), 4 * float(nll.min()) + 1.0))
        left.set_xlabel("θ of the model Q_θ = Bernoulli(θ)")
        left.set_ylabel("nats per sample")
        left.set_title(f"Discrete model, n = {x.size} coin flips: NLL = H(P̂) + KL(P̂‖Q_θ)")
        left.legend(loc="upper center")
        fitted = getattr(optional("projection"), "fitted", None)
        if runs.shape[0] > 1:
            mean = runs.mean(axis=0)
            lo, hi = np.quantile(runs, [0.1, 0.9], axis=0)
            right.fill_between(
                sizes, lo, hi, color=COLORS[2], alpha=0.2, linewidth=0, label=f"10–90 % of the {runs.shape[0]} runs"
            )
            right.loglog(sizes, mean, label=f"mean over {runs.shape[0]} runs", **curve_style(2))
        else:
            right.loglog(sizes, excess, label="one run", **curve_style(2))
        if target is not None:
            c = excess_kl_constant(target)
            right.loglog(
                sizes,
                c / sizes,
                color="0.3",
                linewidth=1.4,
                linestyle=(0, (3, 2)),
                label=f"(½ + (κ − 1)/4)/n = {c:.3g}/n",
            )
        right.set_xscale("log")
        right.set_yscale("log")
        right.set_xlabel("sample size n")
        right.set_ylabel("excess KL(P‖Q̂ₙ) − KL(P‖Q*) (nats)")
        law = f"P = {_law_text(target)}:\n" if target is not None else ""
        right.set_title(
            f"{law}normal MLE → Q*" + (f" = N({fitted.loc:.2g}, {fitted.scale:.3g}²)" if fitted is not None else ""),
            fontsize=12,
        )
        right.legend(loc="lower left")
        fig.suptitle(
            "Average NLL = cross-entropy: H(P̂) + KL(P̂‖Q_θ) for a discrete model; with densities it tends to h(P) + KL(P‖Q_θ)"
        )
    return fig


# -- forward KL, reverse KL, JSD and W1 fits ------------------------------------------------


def plot_projections(P, fits) -> Figure:
    r"""Figure 4: the best normal under forward KL, reverse KL, JSD and W1, over a bimodal target.

    Parameters
    ----------
    P : Distribution
        The 1-D target (the tour's: :data:`gantheory.mle.DEFAULT_BIMODAL`, ``0.4 N(-3, 1) + 0.6 N(3, 1)``).
    fits : mapping
        ``{label: Projection or Distribution}``, as :func:`gantheory.mle.projection_fits` returns
        (any 1-D distributions will do: a fit without a ``divergence`` shows no value).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Forward KL (maximum likelihood) covers both modes; reverse KL seeks one
    [1]_ [2]_. JSD, the GAN's criterion with an optimal discriminator, need
    not sit between them: on the default target its best normal,
    :math:`N(0.59, 3.06^2)`, covers both modes, close to the forward-KL fit
    :math:`N(0.60, 3.10^2)`, and so does W1's, :math:`N(0.63, 3.09^2)`.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial networks", arXiv:1701.00160, Figure 14.
    .. [2] F. Huszár, "How (not) to train your generative model", arXiv:1511.05101, 2015.

    Examples
    --------
    >>> import gantheory as gt
    >>> P = gt.mle.DEFAULT_BIMODAL
    >>> fig = plot_projections(P, {"forward KL": gt.mle.kl_projection(P), "a guess": gt.Normal(0, 3)})
    >>> fig.axes[0].get_ylabel()
    'density (1 / units of x)'
    """
    if not isinstance(P, Distribution) or P.dim != 1:
        raise TypeError(f"P must be a 1-D gantheory Distribution, got {P!r}")
    if not isinstance(fits, Mapping) or not fits:
        raise TypeError(
            "fits must be a non-empty mapping {label: Projection or Distribution}, as "
            f"gantheory.mle.projection_fits(P) returns (compute it first and pass it), got {type(fits).__name__}"
        )
    lo, hi = P.ppf(1e-4), P.ppf(1 - 1e-4)
    width = hi - lo
    x = np.linspace(lo - 0.3 * width, hi + 0.3 * width, 600)
    shapes = []
    with slide_figure(size=(9.0, 5.6)) as (fig, ax):
        ax.fill_between(x, P.pdf(x), color="0.75", label="target P")
        for i, (label, fit) in enumerate(fits.items()):
            Q = fit.fitted if hasattr(fit, "fitted") else fit
            if not isinstance(Q, Distribution) or Q.dim != 1:
                raise TypeError(f"fits[{label!r}] must be a Projection or a 1-D Distribution, got {type(fit).__name__}")
            value = f", {fit.divergence:.3f}" if hasattr(fit, "divergence") else ""
            # markers staggered between the fits: fits that coincide still show each marker
            ax.plot(
                x,
                Q.pdf(x),
                label=f"{label}: N({Q.mean:.2f}, {math.sqrt(Q.var):.2f}²){value}",
                **curve_style(i, markevery=(8 * i % 40, 40)),
            )
            shapes.append((label, Q.pdf(x)))
        ax.set_xlabel("x")
        ax.set_ylabel("density (1 / units of x)")
        together = [
            a for a, pa in shapes if any(a != b and np.max(np.abs(pa - pb)) < 0.03 * np.max(pa) for b, pb in shapes)
        ]
        note = (
            f"\nthe {', '.join(together[:-1])} and {together[-1]} fits nearly coincide (markers staggered)"
            if together
            else ""
        )
        ax.set_title("Fitting one normal to two modes: forward KL covers, reverse KL seeks a mode" + note)
        has_values = any(hasattr(fit, "divergence") for fit in fits.values())
        ax.legend(
            loc="upper left",
            fontsize=10,
            title="criterion: best normal" + (", divergence at it" if has_values else ""),
            title_fontsize=10,
        )
    return fig


def _law_text(P) -> str:
    """A short name of a 1-D law: ``N(0, 1)``, ``0.4 N(-3, 1) + 0.6 N(3, 1)``; the repr for anything else."""
    if isinstance(P, Normal):
        return f"N({P.loc:g}, {P.scale:g}²)" if P.scale != 1 else f"N({P.loc:g}, 1)"
    if isinstance(P, Mixture) and all(isinstance(c, Normal) for c in P.components):
        return " + ".join(f"{w:g} {_law_text(c)}" for c, w in P._active)
    return repr(P)


def plot_js_optima(P, projection) -> Figure:
    r"""Every local minimum of :math:`\mathrm{JSD}(P, N(\mu, \sigma^2))` over the normals, drawn over the target.

    Parameters
    ----------
    P : Distribution
        The 1-D target (the tour's: :data:`gantheory.mle.DEFAULT_BIMODAL`, ``0.4 N(-3, 1) + 0.6 N(3, 1)``).
    projection : Projection
        As :func:`gantheory.mle.js_projection` returns: its ``optima``, ``((Normal, JSD), ...)``, best first.

    Returns
    -------
    matplotlib.figure.Figure
        The target's density, and one curve per local minimum with its JSD
        (nats), best first; a minimum is called "on one mode" when its
        μ ± 2σ leaves out some component mean of a mixture target, and
        "covering" otherwise.

    Notes
    -----
    JSD is what the original GAN's generator minimizes when its discriminator
    is optimal (Goodfellow et al. 2014). For the well-separated modes of the
    default target it has a local minimum on each mode besides the covering
    fit, so descent can stop on one mode: mode seeking, which JSD shares with
    reverse KL (Huszár 2015), is the link to a GAN's mode collapse. On the default target the minima are the covering
    :math:`N(0.59, 3.06^2)` at 0.129, the +3 mode at 0.163 and the −3 mode at 0.272.

    Examples
    --------
    >>> import gantheory as gt
    >>> P = gt.Mixture([gt.Normal(-3, 1), gt.Normal(3, 1)], [0.4, 0.6])
    >>> fig = plot_js_optima(P, gt.mle.js_projection(P, polish=False))
    >>> len(fig.axes[0].get_lines())        # three local minima
    3
    """
    if not isinstance(P, Distribution) or P.dim != 1:
        raise TypeError(f"P must be a 1-D gantheory Distribution, got {P!r}")
    if not getattr(projection, "optima", None):
        raise TypeError(
            "projection must be a Projection with its optima, as gantheory.mle.js_projection(P) returns "
            f"(compute it first and pass it), got {type(projection).__name__}"
        )
    means = [c.mean for c, _ in P._active] if isinstance(P, Mixture) else [P.mean]
    lo, hi = P.ppf(1e-4), P.ppf(1 - 1e-4)
    width = hi - lo
    x = np.linspace(lo - 0.3 * width, hi + 0.3 * width, 600)
    with slide_figure(size=(9.5, 5.4)) as (fig, ax):
        ax.fill_between(x, P.pdf(x), color="0.8", label=f"target P = {_law_text(P)}")
        for i, (Q, value) in enumerate(projection.optima):
            covering = all(abs(m - Q.loc) <= 2 * Q.scale for m in means)
            where = "covering" if covering else f"on the mode at {min(means, key=lambda m: abs(m - Q.loc)):g}"
            best = " (global)" if i == 0 else ""
            ax.plot(
                x,
                Q.pdf(x),
                label=f"N({Q.loc:.2f}, {Q.scale:.2f}²), {where}: JSD {value:.3f}{best}",
                **curve_style(i, markevery=40),
            )
        ax.set_ylim(0.0, 1.45 * max(line.get_ydata().max() for line in ax.get_lines()))  # room for the legend
        ax.set_xlabel("x")
        ax.set_ylabel("density (1 / units of x)")
        k = len(projection.optima)
        ax.set_title(
            f"JSD over the normals: {k} local minim{'a' if k > 1 else 'um'}"
            + (" — descent can stop on one mode" if k > 1 else "")
        )
        ax.legend(loc="upper left", fontsize=10)
    return fig
