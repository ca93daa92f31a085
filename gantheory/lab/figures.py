"""The lab's Bokeh figures, built around the column sources of :mod:`gantheory.lab.views` (the ``lab`` extra).

One builder per view, used by the live lab (:mod:`gantheory.lab.app`, where Panel pushes new columns into the
sources) and by the site's explorer (:mod:`gantheory.lab.explorer`, where a slider swaps them in the browser). A
figure's legend sits beside its plot, never over the data.
"""

try:
    from bokeh.models import (
        ColorBar,
        ColumnDataSource,
        Legend,
        LegendItem,
        LinearColorMapper,
        SaveTool,
        Span,
    )
    from bokeh.plotting import figure
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError('the lab needs Bokeh and Panel: pip install "gantheory[lab]" (or pip install panel)') from exc

#: The colours of the data, the generated points and G's manifold (matplotlib's tab10, as in the course's figures).
DATA_COLOUR, FAKE_COLOUR, MANIFOLD_COLOUR, D_COLOUR = "#1f77b4", "#ff7f0e", "#2ca02c", "#7f3fbf"

TOOLS = "pan,wheel_zoom,box_zoom,reset,save"


def _named_png(fig, filename):
    """Name the PNG the toolbar's save tool writes (unnamed, Bokeh asks with a prompt first); returns ``fig``."""
    for tool in fig.select(type=SaveTool):
        tool.filename = filename
    return fig


def empty_sources(names):
    """A :class:`~bokeh.models.ColumnDataSource` per view column dict name, empty (``{"heat": ..., ...}``)."""
    return {name: ColumnDataSource() for name in names}


def plane_figure(sources, *, colour_label, low=0.0, high=1.0, title="", width=520, height=460, tools=TOOLS):
    """The 2-D view: the discriminator's map with its colour bar, data, generated points, manifold, arrows.

    Parameters
    ----------
    sources : dict of str to ColumnDataSource
        ``"heat"``, ``"real"``, ``"fake"``, ``"manifold"``, ``"arrows"`` with the columns of
        :func:`gantheory.lab.views.plane_view`.
    colour_label : str
        The colour bar's title (:func:`gantheory.lab.views.output_label`).
    low, high : float
        The colour map's range (kept in ``fig.color_mapper`` for the caller to update).

    Returns
    -------
    (bokeh.plotting.figure, LinearColorMapper)
        The figure and its colour map (whose ``low``/``high`` the caller updates with the data).

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.lab import views
    >>> axis = np.linspace(-1, 1, 4)
    >>> grid = np.stack([a.ravel() for a in np.meshgrid(axis, axis)], axis=1)
    >>> view = views.plane_view(grid, np.zeros((4, 4)), np.zeros((3, 2)), np.ones((3, 2)), np.zeros((2, 9, 41, 2)),
    ...                         "wgan", np.ones((5, 2)))
    >>> sources = empty_sources(view)
    >>> for name, columns in view.items():
    ...     sources[name].data = columns
    >>> fig, mapper = plane_figure(sources, colour_label=views.output_label("wgan"))
    >>> fig.right[0].title, [item.label["value"] for item in fig.legend[0].items]
    ('critic score f(x)', ['data', 'generated', "G's manifold", "G's gradient"])
    """
    fig = figure(width=width, height=height, title=title, tools=tools, match_aspect=True, toolbar_location="above")
    mapper = LinearColorMapper(palette="Viridis256", low=low, high=high)
    fig.image(image="image", x="x", y="y", dw="dw", dh="dh", source=sources["heat"], color_mapper=mapper, alpha=0.85)
    manifold = fig.multi_line(xs="xs", ys="ys", source=sources["manifold"], line_color=MANIFOLD_COLOUR, line_alpha=0.5)
    arrows = fig.segment(x0="x0", y0="y0", x1="x1", y1="y1", source=sources["arrows"], line_color="white", line_width=1)
    real = fig.scatter(x="x", y="y", source=sources["real"], size=3, color=DATA_COLOUR, alpha=0.6)
    fake = fig.scatter(x="x", y="y", source=sources["fake"], size=4, color=FAKE_COLOUR, alpha=0.9)
    legend = Legend(
        items=[
            LegendItem(label="data", renderers=[real]),
            LegendItem(label="generated", renderers=[fake]),
            LegendItem(label="G's manifold", renderers=[manifold]),
            LegendItem(label="G's gradient", renderers=[arrows]),
        ],
        location="top_left",
        click_policy="hide",
        background_fill_color="#d9d9d9",  # the white arrows' swatch shows
    )
    fig.add_layout(legend, "below")
    legend.orientation = "horizontal"
    bar = ColorBar(color_mapper=mapper, title=colour_label, title_standoff=6)
    fig.add_layout(bar, "right")
    return _named_png(fig, "gantheory-lab-view"), mapper


def line_figure(sources, *, title="", width=520, height=360, tools=TOOLS):
    """The 1-D view (Goodfellow et al.'s Figure 1): data density, generated density, D, and D* dashed.

    ``sources``: ``"curves"`` (``x``, ``p_data``, ``p_g``, ``d``, ``d_star``), ``"real"`` and ``"fake"`` of
    :func:`gantheory.lab.views.line_view`. D and D* share the axis with the densities (D in [0, 1] for the classifiers).

    Examples
    --------
    >>> fig = line_figure(empty_sources(["curves", "real", "fake"]))
    >>> [item.label["value"] for item in fig.legend[0].items]
    ['data density', 'generated density (KDE)', 'D(x)', 'D*(x) = p_data / (p_data + p_g)']
    """
    fig = figure(width=width, height=height, title=title, tools=tools, toolbar_location="above")
    curves = sources["curves"]
    data = fig.line("x", "p_data", source=curves, color="black", line_dash="dotted", line_width=2)
    gen = fig.line("x", "p_g", source=curves, color=FAKE_COLOUR, line_width=2)
    d = fig.line("x", "d", source=curves, color=D_COLOUR, line_width=2)
    d_star = fig.line("x", "d_star", source=curves, color=D_COLOUR, line_dash="dashed", line_width=1.5)
    fig.scatter("x", "y", source=sources["real"], marker="dash", angle=1.5708, size=8, color="black", alpha=0.4)
    fig.scatter("x", "y", source=sources["fake"], marker="dash", angle=1.5708, size=8, color=FAKE_COLOUR, alpha=0.4)
    legend = Legend(
        items=[
            LegendItem(label="data density", renderers=[data]),
            LegendItem(label="generated density (KDE)", renderers=[gen]),
            LegendItem(label="D(x)", renderers=[d]),
            LegendItem(label="D*(x) = p_data / (p_data + p_g)", renderers=[d_star]),
        ],
        click_policy="hide",
    )
    fig.add_layout(legend, "right")
    return _named_png(fig, "gantheory-lab-view")


def curves_figure(source, names, *, title, y_label, step_marker=True, width=420, height=220, tools=TOOLS):
    """Metric curves against step: one line per column of ``source`` named in ``names`` (x: ``"step"``).

    Returns ``(figure, marker)``: ``marker`` is a vertical Span at the step being shown (None without ``step_marker``).

    Examples
    --------
    >>> from bokeh.models import ColumnDataSource
    >>> source = ColumnDataSource({"step": [0, 1], "g_cost": [1.0, 0.5], "d_cost": [1.4, 1.3]})
    >>> fig, marker = curves_figure(source, {"g_cost": "generator", "d_cost": "discriminator"}, title="costs",
    ...                             y_label="cost")
    >>> [item.label["value"] for item in fig.legend[0].items], marker.location
    (['generator', 'discriminator'], 0)
    """
    fig = figure(width=width, height=height, title=title, tools=tools, toolbar_location="above")
    fig.xaxis.axis_label, fig.yaxis.axis_label = "step", y_label
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
    items = []
    for (column, label), colour in zip(names.items(), palette * 2):
        items.append(LegendItem(label=label, renderers=[fig.line("step", column, source=source, color=colour)]))
    fig.add_layout(Legend(items=items, click_policy="hide"), "right")
    marker = None
    if step_marker:
        marker = Span(location=0, dimension="height", line_color="grey", line_dash="dashed")
        fig.add_layout(marker)
    return _named_png(fig, "gantheory-lab-curves"), marker
