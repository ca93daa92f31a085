r"""Chapter 3 (``notebooks/03_gan_game_optimal_discriminator.ipynb``): the optimal discriminator. The training
figures of the same chapter are in :mod:`gantheory.plotting.training`."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from gantheory.distributions import Distribution
from gantheory.plotting._style import COLORS, as_vector, curve_style, field_of, slide_figure

# -- the optimal discriminator --------------------------------------------------------------


def _trained_curve(trained, name="trained"):
    """``(x, D(x))`` of a trained 1-D discriminator: from a History (its last snapshot) or a pair of arrays."""
    if trained is None:
        return None
    if hasattr(trained, "discriminator_grid") and hasattr(trained, "grid"):
        grid = np.asarray(trained.grid, dtype=float)
        if grid.ndim != 2 or grid.shape[1] != 1:
            raise ValueError(f"{name}: the History must come from a 1-D run (grid of shape (g, 1)), got {grid.shape}")
        from scipy.special import expit

        return grid[:, 0], expit(np.asarray(trained.discriminator_grid, dtype=float)[-1])
    if isinstance(trained, tuple) and len(trained) == 2:
        x, d = as_vector(trained[0], f"{name}[0]", min_size=2), as_vector(trained[1], f"{name}[1]", min_size=2)
        if x.shape != d.shape:
            raise ValueError(f"{name}: x and D(x) must have one length")
        return x, d
    raise TypeError(f"{name} must be a 1-D History, a pair (x, D(x)) or None, got {type(trained).__name__}")


def _optimal_discriminator(P, Q, x):
    r""":math:`D^*(x) = \sigma(\log p(x) - \log q(x))`, NaN where both densities vanish (as
    :func:`gantheory.gan.optimal_discriminator` computes it)."""
    lp, lq = np.broadcast_arrays(P.logpdf(x), Q.logpdf(x))
    logit = np.full(lp.shape, np.nan)
    np.subtract(lp, lq, out=logit, where=(lp > -np.inf) | (lq > -np.inf))
    from scipy.special import expit

    return expit(logit[()])


def plot_optimal_discriminator(P, Q, convergence=None, trained=None) -> Figure:
    r"""Figure 5: the optimal discriminator :math:`D^* = p/(p+q)` beside a trained one, and V(D, G) approaching V(D*, G).

    Parameters
    ----------
    P, Q : Distribution
        1-D data and generator distributions (the tour's: ``½N(-2, 0.5²) + ½N(2, 0.5²)`` and ``N(0.5, 1)``).
    convergence : DiscriminatorConvergence, optional
        As :func:`gantheory.gan.optimal.discriminator_convergence` returns for
        (P, Q); without it the right panel is left out.
    trained : History or (x, D(x)) or None
        A trained discriminator: a 1-D :class:`gantheory.gan.History` (its last
        ``discriminator_grid``, logits on ``grid``), or arrays.

    Returns
    -------
    matplotlib.figure.Figure
        The densities; :math:`D^* = \sigma(\log p - \log q)` (as
        :func:`gantheory.gan.optimal_discriminator` computes it) with the trained D; and :math:`V(D, G)` against training steps (±2
        standard errors) with :math:`V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(P, Q)` [1]_.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014, Proposition 1 and Theorem 1.

    Examples
    --------
    >>> import gantheory as gt
    >>> fig = plot_optimal_discriminator(gt.Mixture([gt.Normal(-2.0, 0.5), gt.Normal(2.0, 0.5)]), gt.Normal(0.5, 1.0))
    >>> fig.axes[1].get_ylabel()
    'D(x) (probability of "real")'
    """
    for name, D in (("P", P), ("Q", Q)):
        if not isinstance(D, Distribution) or D.dim != 1:
            raise TypeError(f"{name} must be a 1-D gantheory Distribution, got {D!r}")
    curve = _trained_curve(trained)
    lo = min(P.ppf(1e-3), Q.ppf(1e-3))
    hi = max(P.ppf(1 - 1e-3), Q.ppf(1 - 1e-3))
    x = np.linspace(lo - 0.5, hi + 0.5, 600)
    star = _optimal_discriminator(P, Q, x)
    panels = 3 if convergence is not None else 2
    with slide_figure(1, panels, size=(5.6 * panels, 5.0)) as (fig, axes):
        dens, disc = axes[0], axes[1]
        dens.fill_between(x, P.pdf(x), color="0.75", label="data p(x)")
        dens.plot(x, Q.pdf(x), label="generator q(x)", **curve_style(1, markevery=0.1))
        dens.set_xlabel("x")
        dens.set_ylabel("density (1 / units of x)")
        dens.set_title("Data and a fixed generator")
        dens.legend(loc="upper left")
        disc.plot(x, star, label="D*(x) = p / (p + q)", **curve_style(0, markevery=0.1))
        if curve is not None:
            disc.plot(
                curve[0], curve[1], label="trained MLP D(x)", **(curve_style(2, markevery=0.1) | {"linewidth": 1.6})
            )
        disc.axhline(0.5, color="0.4", linewidth=0.8, linestyle=":")
        disc.set_ylim(-0.02, 1.02)
        disc.set_xlim(x[0], x[-1])
        disc.set_xlabel("x")
        disc.set_ylabel('D(x) (probability of "real")')
        disc.set_title("The optimal discriminator and a trained one")
        disc.legend(loc="lower right")
        if convergence is not None:
            ax = axes[2]
            steps = as_vector(field_of(convergence, "steps", "convergence"), "convergence.steps", min_size=1)
            value = as_vector(field_of(convergence, "value", "convergence"), "convergence.value", min_size=1)
            se = as_vector(field_of(convergence, "value_se", "convergence"), "convergence.value_se", min_size=1)
            optimum = float(field_of(convergence, "value_optimal", "convergence"))
            if not (steps.shape == value.shape == se.shape):
                raise ValueError("convergence.steps, .value and .value_se must have one length")
            ax.fill_between(steps, value - 2 * se, value + 2 * se, color=COLORS[2], alpha=0.25, linewidth=0)
            ax.plot(steps, value, label="V(D, G) of the MLP (±2 s.e.)", **curve_style(2, markevery=0.1))
            ax.axhline(
                optimum, label=f"V(D*, G) = −log 4 + 2 JSD = {optimum:.4f}", **(curve_style(0) | {"marker": None})
            )
            ax.axhline(-math.log(4.0), color="0.4", linewidth=0.8, linestyle=":", label="−log 4 (when q = p)")
            ax.set_xlabel("discriminator training steps")
            ax.set_ylabel("V(D, G) (nats)")
            ax.set_title("V(D, G) climbs towards V(D*, G), from below")
            ax.legend(loc="lower right", fontsize=10)
        fig.suptitle("The optimal discriminator D* = p/(p + q), and the value it attains")
    return fig


# -- label smoothing and instance noise -----------------------------------------------------


def plot_label_smoothing(fits) -> Figure:
    r"""Discriminators trained with smoothed labels beside their optimum :math:`(\alpha p + \beta q)/(p + q)`.

    Parameters
    ----------
    fits : mapping of str to SmoothedDiscriminator
        Label -> a result of :func:`gantheory.gan.optimal.smoothed_discriminator` (or any object with
        ``x``, ``trained`` and ``optimal`` arrays of one length).

    Returns
    -------
    matplotlib.figure.Figure
        One panel: each optimum (line) and its trained MLP (markers) [1]_.

    References
    ----------
    .. [1] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial networks", arXiv:1701.00160, 2016, §4.2.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> x = np.linspace(-1, 3, 5)
    >>> fig = plot_label_smoothing({"α = 0.9, β = 0": SimpleNamespace(x=x, trained=0.9 - 0.2 * x, optimal=0.9 - 0.2 * x)})
    >>> fig.axes[0].get_ylabel()
    'D(x) (probability of "real")'
    """
    if not fits:
        raise ValueError("fits must name at least one trained discriminator")
    with slide_figure(size=(8.0, 5.0)) as (fig, ax):
        for i, (label, fit) in enumerate(fits.items()):
            x = as_vector(field_of(fit, "x", label), f"{label}.x", min_size=2)
            trained = as_vector(field_of(fit, "trained", label), f"{label}.trained", min_size=2)
            optimal = as_vector(field_of(fit, "optimal", label), f"{label}.optimal", min_size=2)
            if not (x.shape == trained.shape == optimal.shape):
                raise ValueError(f"{label}: x, trained and optimal must have one length")
            style = curve_style(i)
            ax.plot(x, optimal, color=style["color"], linestyle=style["linestyle"], label=f"{label}: (αp + βq)/(p + q)")
            every = max(1, x.size // 12)
            ax.plot(
                x[::every],
                trained[::every],
                color=style["color"],
                marker=style["marker"],
                linestyle="none",
                label=f"{label}: trained MLP",
            )
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("x")
        ax.set_ylabel('D(x) (probability of "real")')
        ax.set_title("Smoothed labels: the optimum and a trained discriminator")
        ax.legend(loc="lower left", fontsize=10)
    return fig


def plot_instance_noise(distances, jsd, *, kl=None) -> Figure:
    r"""The JSD between two laws a distance apart, without and with instance noise :math:`N(0, s^2)`.

    Parameters
    ----------
    distances : array_like, shape (k,)
        Distances between the two laws (units of x).
    jsd : mapping of str to array_like, shape (k,)
        Label (a noise level) -> JSD at each distance, in nats.
    kl : mapping of str to array_like, optional
        The same for the KL divergence; a second panel (log y) when given.

    Returns
    -------
    matplotlib.figure.Figure
        JSD against distance, with :math:`\log 2` marked: without noise it sits at
        :math:`\log 2` for every distance > 0 [1]_, [2]_.

    References
    ----------
    .. [1] C. K. Sønderby et al., "Amortised MAP inference for image super-resolution", ICLR 2017.
    .. [2] M. Arjovsky and L. Bottou, "Towards principled methods for training generative adversarial
       networks", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> d = np.linspace(0.1, 3, 4)
    >>> fig = plot_instance_noise(d, {"no noise": np.full(4, np.log(2)), "s = 1": 1 - np.exp(-d)})
    >>> fig.axes[0].get_ylabel()
    'JSD (nats)'
    """
    d = as_vector(distances, "distances", min_size=2)
    if not jsd:
        raise ValueError("jsd must hold at least one curve")
    panels = 1 if kl is None else 2
    with slide_figure(1, panels, size=(6.4 * panels, 5.0)) as (fig, axes):
        ax = axes if panels == 1 else axes[0]
        for i, (label, values) in enumerate(jsd.items()):
            values = as_vector(values, f"jsd[{label!r}]", min_size=2)
            if values.shape != d.shape:
                raise ValueError(f"jsd[{label!r}] must have one value per distance")
            ax.plot(d, values, label=label, **curve_style(i, markevery=max(1, d.size // 10)))
        ax.axhline(math.log(2.0), color="0.4", linewidth=0.8, linestyle=":", label="log 2")
        ax.set_ylim(-0.02, 0.85)
        ax.set_xlabel("distance between the laws (units of x)")
        ax.set_ylabel("JSD (nats)")
        ax.set_title("Instance noise makes the JSD a smooth function")
        ax.legend(loc="lower right", fontsize=10)
        if kl is not None:
            ax = axes[1]
            for i, (label, values) in enumerate(kl.items()):
                values = as_vector(values, f"kl[{label!r}]", min_size=2)
                if values.shape != d.shape:
                    raise ValueError(f"kl[{label!r}] must have one value per distance")
                ax.plot(d, values, label=label, **curve_style(i + 1, markevery=max(1, d.size // 10)))
            ax.set_yscale("log")
            ax.set_xlabel("distance between the laws (units of x)")
            ax.set_ylabel("KL (nats)")
            ax.set_title("KL of the noised laws: d² / 2(σ² + s²)")
            ax.legend(loc="lower right", fontsize=10)
    return fig
