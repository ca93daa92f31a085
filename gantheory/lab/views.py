"""What the lab draws, as plain columns: one function per view, shared by the live lab and the site's explorer.

Each view is a dict of column dicts (name -> list or array), ready to be the ``data`` of a Bokeh
``ColumnDataSource`` of the same name (:mod:`gantheory.lab.figures` builds the figures around those sources). They
are computed from the arrays a snapshot holds (:meth:`gantheory.gan.Game.snapshot`, or a recorded snapshot of
:class:`~gantheory.gan.history.History`), so a live frame and a saved one are drawn by the same code. NumPy and
SciPy only: nothing here needs Bokeh.
"""

import numpy as np
from scipy import special, stats

#: The losses whose discriminator is a classifier, D(x) = sigmoid(logit): its map is drawn as a probability.
PROBABILITY_LOSSES = ("minimax", "non_saturating", "maximum_likelihood")

#: The longest generator-gradient arrow, as a share of the view's width (all arrows scaled alike).
ARROW_SHARE = 0.08


def output_label(loss):
    """The colour bar's label for ``loss``: a probability for the classifiers, a score for the critics.

    Examples
    --------
    >>> output_label("non_saturating"), output_label("wgan_gp")
    ('D(x): probability of real', 'critic score f(x)')
    """
    return "D(x): probability of real" if loss in PROBABILITY_LOSSES else "critic score f(x)"


def discriminator_output(loss, raw):
    """The drawn value of the discriminator's raw output: sigmoid of the logit for the classifiers, else as is.

    Examples
    --------
    >>> discriminator_output("minimax", [0.0]).tolist(), discriminator_output("wgan", [0.0]).tolist()
    ([0.5], [0.0])
    """
    raw = np.asarray(raw, dtype=np.float64)
    return special.expit(raw) if loss in PROBABILITY_LOSSES else raw


def plane_view(grid, d_grid, points, field, manifold, loss, real):
    """The 2-D view: the discriminator's map, the data and generated points, G's manifold and gradient arrows.

    Parameters
    ----------
    grid : ndarray, shape (g * g, 2)
        The grid of :class:`~gantheory.gan.history.History` (a ``meshgrid`` in ``xy`` order, flattened).
    d_grid : ndarray, shape (g, g)
        The discriminator's raw output on it (one snapshot of ``History.discriminator_grid``).
    points, field : ndarray, shape (n, 2)
        Generated points and the generator's cost gradient field at them (``-n dL_G/dx``).
    manifold : ndarray, shape (2, 9, 41, 2)
        The image of the latent grid (``History.manifold``'s snapshot).
    loss : str
        The run's loss (a probability or a score, :func:`output_label`).
    real : ndarray, shape (m, 2)
        Data points to draw.

    Returns
    -------
    dict
        ``"heat"`` (``image``, ``x``, ``y``, ``dw``, ``dh``: one image), ``"real"`` and ``"fake"`` (``x``, ``y``),
        ``"manifold"`` (``xs``, ``ys``: one line each), ``"arrows"`` (``x0``, ``y0``, ``x1``, ``y1``: each
        generated point to its point plus the scaled gradient, the longest :data:`ARROW_SHARE` of the width).

    Examples
    --------
    >>> import numpy as np
    >>> axis = np.linspace(-1.0, 1.0, 3)
    >>> grid = np.stack([a.ravel() for a in np.meshgrid(axis, axis)], axis=1)
    >>> view = plane_view(grid, np.zeros((3, 3)), np.zeros((2, 2)), np.array([[1.0, 0.0], [0.5, 0.0]]),
    ...                   np.zeros((2, 9, 41, 2)), "minimax", np.ones((4, 2)))
    >>> view["heat"]["image"][0].tolist()[0], view["heat"]["dw"], len(view["manifold"]["xs"])
    ([0.5, 0.5, 0.5], [2.0], 18)
    >>> view["arrows"]["x1"].round(6).tolist()           # 8% of the width 2, and half of it
    [0.16, 0.08]
    """
    grid = np.asarray(grid, dtype=np.float64)
    g = d_grid.shape[0]
    xs, ys = grid[:g, 0], grid[::g, 1]
    width = float(xs[-1] - xs[0])
    points, field = np.asarray(points, dtype=np.float64), np.asarray(field, dtype=np.float64)
    lengths = np.linalg.norm(field, axis=1)
    top = float(np.max(lengths, initial=0.0)) if np.isfinite(lengths).all() else 0.0
    scale = ARROW_SHARE * width / top if top > 0 else 0.0
    tips = points + scale * field
    lines = np.asarray(manifold, dtype=np.float64).reshape(-1, manifold.shape[-2], manifold.shape[-1])
    real = np.asarray(real, dtype=np.float64)
    return {
        "heat": {
            "image": [discriminator_output(loss, d_grid)],
            "x": [float(xs[0])],
            "y": [float(ys[0])],
            "dw": [width],
            "dh": [float(ys[-1] - ys[0])],
        },
        "real": {"x": real[:, 0], "y": real[:, 1]},
        "fake": {"x": points[:, 0], "y": points[:, 1]},
        "manifold": {"xs": [line[:, 0] for line in lines], "ys": [line[:, 1] for line in lines]},
        "arrows": {"x0": points[:, 0], "y0": points[:, 1], "x1": tips[:, 0], "y1": tips[:, 1]},
    }


def line_view(grid, d_grid, points, loss, real, target=None):
    """The 1-D view of Goodfellow et al.'s Figure 1: the data and generated densities, D, and D* dashed.

    Parameters
    ----------
    grid : ndarray, shape (g, 1)
    d_grid : ndarray, shape (g,)
        The discriminator's raw output on the grid.
    points : ndarray, shape (n, 1)
        Generated points.
    loss : str
    real : ndarray, shape (m, 1)
        Data points (their density is estimated when ``target`` is None).
    target : Distribution, optional
        The data's law, whose exact density is drawn.

    Returns
    -------
    dict
        ``"curves"`` with ``x``, ``p_data`` (the exact density, or a Gaussian KDE of ``real``), ``p_g`` (a
        Gaussian KDE of the generated points, Scott's bandwidth: an estimate), ``d`` (the discriminator's output,
        :func:`discriminator_output`) and ``d_star`` (:math:`p_{data} / (p_{data} + p_g)` of those two densities,
        the optimal discriminator of Goodfellow et al.'s Proposition 1; NaN for the critics, which have no such
        optimum in [0, 1]); ``"real"`` and ``"fake"`` (``x``, ``y``: the points as a rug at y = 0).

    References
    ----------
    I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014, Figure 1 and Proposition 1.

    Examples
    --------
    >>> import numpy as np, gantheory as gt
    >>> x = np.linspace(-3, 3, 7)[:, None]
    >>> view = line_view(x, np.zeros(7), np.random.default_rng(0).normal(size=(400, 1)), "minimax",
    ...                  np.zeros((5, 1)), target=gt.Normal(0, 1))
    >>> round(float(view["curves"]["p_data"][3]), 6), float(view["curves"]["d"][3])   # N(0, 1) at 0; sigmoid(0)
    (0.398942, 0.5)
    >>> bool(0.4 < view["curves"]["d_star"][3] < 0.6)                             # the same law: D* near 1/2
    True
    """
    x = np.asarray(grid, dtype=np.float64)[:, 0]
    points = np.asarray(points, dtype=np.float64)[:, 0]
    real = np.asarray(real, dtype=np.float64)[:, 0]
    p_data = np.asarray(target.pdf(x), dtype=np.float64) if target is not None else _kde(real, x)
    p_g = _kde(points, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_star = p_data / (p_data + p_g) if loss in PROBABILITY_LOSSES else np.full_like(x, np.nan)
    return {
        "curves": {"x": x, "p_data": p_data, "p_g": p_g, "d": discriminator_output(loss, d_grid), "d_star": d_star},
        "real": {"x": real, "y": np.zeros_like(real)},
        "fake": {"x": points, "y": np.zeros_like(points)},
    }


def _kde(sample, x):
    """A Gaussian KDE of ``sample`` at ``x`` (Scott's rule); a point mass (all points equal) gives zeros but at it."""
    if len(sample) < 2 or np.ptp(sample) == 0:
        return np.where(np.isclose(x, sample[0] if len(sample) else np.nan), np.inf, 0.0)
    return stats.gaussian_kde(sample)(x)


def history_view(history, index, real, target=None):
    """The view of snapshot ``index`` of a :class:`~gantheory.gan.history.History` (2-D or 1-D), with ``real`` data.

    Examples
    --------
    >>> import gantheory as gt
    >>> h = gt.gan.train(gt.ring_of_gaussians(8), steps=2, batch_size=16, n_snapshot=8, grid_size=4, log_every=0,
    ...                  progress=False)
    >>> sorted(history_view(h, -1, gt.ring_of_gaussians(8).sample(10)))
    ['arrows', 'fake', 'heat', 'manifold', 'real']
    """
    loss = history.config["loss"]
    points, d_grid = history.snapshots[index], history.discriminator_grid[index]
    if points.shape[1] == 1:
        return line_view(history.grid, d_grid, points, loss, np.reshape(real, (-1, 1)), target)
    field, manifold = history.generator_field[index], history.manifold[index]
    return plane_view(history.grid, d_grid, points, field, manifold, loss, real)
