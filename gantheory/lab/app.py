"""The live lab: a Panel app around a :class:`~gantheory.lab.session.LabSession` (``gantheory lab``, chapter 3).

:class:`Lab` builds the controls, the figures of :mod:`gantheory.lab.figures` and the callbacks; :meth:`Lab.panel`
is the layout, served by ``gantheory lab`` (:func:`serve`, Panel's Bokeh server: every script and style comes from
the app's own host) or shown inline in Jupyter. While it plays, a periodic callback trains for most of each frame
(:data:`FRAME_MS`): it trains for what the frame leaves after the redraw (measured as it goes, less
:data:`FRAME_MARGIN_MS`), then redraws.
"""

import io
import math
import time

import numpy as np

try:
    import panel as pn
    from bokeh.models import ColumnDataSource, PointDrawTool, Range1d
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError('the lab needs Panel and Bokeh: pip install "gantheory[lab]"') from exc

from gantheory.gan.history import History
from gantheory.gan.losses import LOSSES
from gantheory.lab import figures, views
from gantheory.lab.session import TARGETS, LabSession

#: A frame's length while playing (ms), and the share of it spent training (the rest draws).
FRAME_MS = 100

#: Left spare in each frame, for the page's messages (sent between frames).
FRAME_MARGIN_MS = 8

#: While playing, the curves are redrawn every this many frames (the browser's work: five figures), the views every frame.
CURVE_FRAMES = 10

#: While playing, the view's title (the step count, the rate) is rewritten every this many frames.
TITLE_FRAMES = 5

#: At most this many points per curve are sent to the page (evenly thinned, the last one kept).
CURVE_POINTS = 1500

_OPTIMIZERS = ("adam", "sgd", "rmsprop")
_UPDATES = ("alternating", "simultaneous", "extragradient", "optimistic")
_SCHEDULES = ("none", "linear", "cosine")


def _widths(text):
    """``"64, 64"`` -> ``(64, 64)``; "affine" for the generator's affine map."""
    text = str(text).strip()
    if text == "affine":
        return "affine"
    try:
        widths = tuple(int(w) for w in text.replace(" ", "").split(",") if w)
    except ValueError:
        raise ValueError(f"widths must be whole numbers separated by commas (such as 64,64), got {text!r}") from None
    if not widths or min(widths) < 1:
        raise ValueError(f"widths must be whole numbers >= 1 separated by commas (such as 64,64), got {text!r}")
    return widths


def _thin(columns, n=CURVE_POINTS):
    """Every k-th row of the columns (and the last), so that at most about ``n`` rows remain."""
    size = len(next(iter(columns.values())))
    if size <= n:
        return columns
    keep = np.unique(np.r_[np.arange(0, size, math.ceil(size / n)), size - 1])
    return {name: np.asarray(values)[keep] for name, values in columns.items()}


class Lab:
    """The live GAN lab: controls, the game's views and the theory's curves, around one :class:`LabSession`.

    Parameters
    ----------
    session : LabSession, optional
        The run to show (default: a new one on ``target``).
    target : str
        A name of :data:`~gantheory.lab.session.TARGETS` for the new session.
    **options
        Options of the new session (:class:`~gantheory.lab.session.LabSession`).

    Examples
    --------
    >>> lab = Lab(target="ring", batch_size=32, record_every=10)
    >>> lab.step_d(); lab.step_g(); lab.session.steps
    1
    >>> lab.controls["loss"].value = "wgan_gp"        # applies from the next step, recorded
    >>> lab.frame() >= 1, lab.session.changes[0]["changes"]["loss"]
    (True, 'wgan_gp')
    >>> lab.colour_bar_title()
    'critic score f(x)'
    """

    def __init__(self, session=None, *, target="ring", **options):
        self.session = session if session is not None else LabSession(target, **options)
        self.playing, self.frames, self.replay = False, 0, None
        self._syncing, self._callback, self._rate = False, None, (time.perf_counter(), 0)
        self._overhead = 0.01  # seconds a redraw takes (measured while playing)
        self._generation, self._doc, self._next = 0, None, 0.0  # the chain of frames in play (served)
        self.status = pn.pane.Markdown("", sizing_mode="stretch_width")
        # The run's state, as the page's scripts and tests read it (Bokeh.documents[0].get_model_by_name("lab-state"));
        # shown in the view's title: a text in the DOM, changed every frame, would lay the whole page out again (the
        # browser's costliest work per frame, measured).
        self.state = ColumnDataSource(
            {"step": [0], "frame": [0], "mode": ["paused"], "loss": [""], "target": [""]}, name="lab-state"
        )
        self._build_controls()
        self._build_views()
        self.redraw()

    # -- building ----------------------------------------------------------------------------------
    def _build_controls(self):
        s, o = self.session, self.session.options()
        optimizer, lr, d_lr, _, n_critic = s.config.resolved()
        w = pn.widgets
        self.target = w.Select(
            label="target",
            options=[*TARGETS, "drawn"],
            value=self.session.target_name if self.session.target_name in TARGETS else "drawn",
        )
        c = {
            "loss": w.Select(label="loss", options=list(LOSSES), value=o["loss"]),
            "optimizer": w.Select(label="optimizer", options=list(_OPTIMIZERS), value=optimizer),
            "lr": w.FloatInput(label="lr (G)", value=lr, start=0.0, step=1e-4, format="0.[00000]"),
            "d_lr": w.FloatInput(label="d_lr (D)", value=d_lr, start=0.0, step=1e-4, format="0.[00000]"),
            "n_critic": w.IntInput(label="n_critic", value=n_critic, start=1, end=20),
            "update": w.Select(label="update", options=list(_UPDATES), value=o["update"]),
            "batch_size": w.IntInput(label="batch size", value=o["batch_size"], start=1, end=4096),
            "generator": w.TextInput(label="G widths", value=_text(o["generator"])),
            "discriminator": w.TextInput(label="D widths", value=_text(o["discriminator"])),
            "rng": w.IntInput(label="seed", value=o["rng"], start=0),
            "pack": w.IntInput(label="pack", value=o["pack"], start=1, end=8),
            "unroll": w.IntInput(label="unroll", value=o["unroll"], start=0, end=10),
            "minibatch_std": w.Checkbox(label="minibatch std", value=o["minibatch_std"]),
            "r1": w.FloatInput(label="R1 weight", value=o["r1"], start=0.0, step=0.1),
            "spectral_norm": w.Checkbox(label="spectral norm", value=o["spectral_norm"]),
            "lr_schedule": w.Select(label="lr schedule", options=list(_SCHEDULES), value=o["lr_schedule"] or "none"),
        }
        self.controls = c
        for name, widget in c.items():
            widget.param.watch(lambda event, name=name: self._changed(name, event.new), "value")
        self.target.param.watch(lambda event: self._retarget(event.new), "value")
        self.buttons = {
            "play": w.Toggle(label="▶ play / ❚❚ pause", color="success", value=False),
            "step_d": w.Button(label="step D"),
            "step_g": w.Button(label="step G"),
            "reset": w.Button(label="reset", color="warning"),
            "draw": w.Button(label="train on drawn points"),
            "clear": w.Button(label="clear drawn points"),
            "spectrum": w.Button(label="game Jacobian eigenvalues"),
        }
        b = self.buttons
        b["play"].param.watch(lambda event: self.set_playing(event.new), "value")
        b["step_d"].on_click(lambda _: self._guard(self.step_d))
        b["step_g"].on_click(lambda _: self._guard(self.step_g))
        b["reset"].on_click(lambda _: self._guard(self.reset))
        b["draw"].on_click(lambda _: self._guard(self.train_on_drawn))
        b["clear"].on_click(lambda _: self.drawn.data.update(x=[], y=[]))
        b["spectrum"].on_click(lambda _: self._guard(self.show_spectrum))
        self.save = w.FileDownload(callback=self._saved, filename="lab-history.json", label="save run (JSON)")
        self.load = w.FileInput(accept=".json", label="load a saved run")
        self.load.param.watch(lambda event: self._guard(lambda: self.load_history(event.new)), "value")
        self.scrub = w.IntSlider(label="snapshot (loaded run)", start=0, end=1, value=0, disabled=True)
        self.scrub.param.watch(lambda event: self._show_snapshot(event.new), "value")

    def _build_views(self):
        self.sources = figures.empty_sources(["heat", "real", "fake", "manifold", "arrows", "curves"])
        self.drawn = ColumnDataSource({"x": [], "y": []})
        self.plane, self.mapper = figures.plane_figure(self.sources, colour_label=self.colour_bar_title())
        points = self.plane.scatter("x", "y", source=self.drawn, size=9, color="red", marker="x")
        draw = PointDrawTool(renderers=[points], add=True, drag=True)
        self.plane.add_tools(draw)
        self.plane.css_classes = ["lab-plane"]  # for the page's tests (and user styles)
        self.plane.toolbar.active_tap = draw
        self.line = figures.line_figure(self.sources)
        self.costs = ColumnDataSource({"step": [], "d_cost": [], "g_cost": []})
        self.metrics = ColumnDataSource({"step": []})
        self.cost_fig, _ = figures.curves_figure(
            self.costs,
            {"d_cost": "discriminator", "g_cost": "generator"},
            title="players' costs",
            y_label="cost",
            step_marker=False,
        )
        # keeps the state source in the document whichever view is shown; as a tag, not a glyph, so that its change
        # every frame redraws no figure
        self.cost_fig.tags = [self.state]
        self.theory_figs = {}
        for key, names, title, label in _THEORY_CURVES:
            fig, _ = figures.curves_figure(self.metrics, names, title=title, y_label=label, step_marker=False)
            self.theory_figs[key] = fig
        self.eigen = ColumnDataSource({"x": [], "y": []})
        self.eigen_fig = _spectrum_figure(self.eigen)
        self.view_pane = pn.pane.Bokeh(self.plane if self.session.dim == 2 else self.line)

    def panel(self):
        """The lab's layout (a Panel object): serve it, or show it in a notebook cell."""
        b, c = self.buttons, self.controls
        controls = pn.Column(
            pn.pane.Markdown("### gantheory lab"),
            self.target,
            pn.Row(b["play"], b["reset"]),
            pn.Row(b["step_d"], b["step_g"]),
            pn.Row(b["draw"], b["clear"]),
            *[c[name] for name in ("loss", "optimizer", "lr", "d_lr", "n_critic", "update", "batch_size")],
            pn.pane.Markdown("**players and remedies**"),
            *[c[name] for name in ("generator", "discriminator", "pack", "unroll", "minibatch_std", "r1")],
            *[c[name] for name in ("spectral_norm", "lr_schedule", "rng")],
            pn.Row(self.save, self.load),
            self.scrub,
            width=330,
        )
        curves = pn.Column(
            pn.pane.Bokeh(self.cost_fig),
            *[pn.pane.Bokeh(fig) for fig in self.theory_figs.values()],
            pn.Row(b["spectrum"]),
            pn.pane.Bokeh(self.eigen_fig),
        )
        return pn.Row(controls, pn.Column(self.view_pane, self.status), curves)

    # -- stepping ----------------------------------------------------------------------------------
    def step_d(self):
        """One discriminator update (then redraw)."""
        self._live()
        self.session.step_discriminator()
        self.redraw()

    def step_g(self):
        """One generator update, completing a step (then redraw)."""
        self._live()
        self.session.step_generator()
        self.redraw()

    def reset(self):
        """Start the run again (same target, same options)."""
        self._live()
        self.session.reset()
        self.redraw()

    def frame(self):
        """One frame of play: train for what :data:`FRAME_MS` leaves after the redraw, then redraw; returns the steps."""
        budget = FRAME_MS / 1000 - self._overhead - FRAME_MARGIN_MS / 1000
        before = self.session.steps
        self.session.step(seconds=max(budget, 0.005))
        trained = time.perf_counter()
        self.redraw(curves=self.frames % CURVE_FRAMES == 0)
        self._overhead = 0.8 * self._overhead + 0.2 * (time.perf_counter() - trained)  # the redraw's, smoothed
        return self.session.steps - before

    def set_playing(self, on):
        """Play (a frame every :data:`FRAME_MS`: train, then redraw) or pause.

        Served, each frame schedules the next at its own start plus :data:`FRAME_MS` (after the page has been sent
        this frame's changes; a late frame delays the next rather than dropping it); in a notebook, a periodic callback.
        """
        self.playing = bool(on)
        self._generation += 1
        if on:
            self._live()
            doc = pn.state.curdoc
            if doc is not None and getattr(doc, "session_context", None) is not None:
                self._doc, self._next = doc, time.perf_counter()
                self._schedule(self._generation)
            else:
                if self._callback is None:
                    self._callback = pn.state.add_periodic_callback(self._tick, period=FRAME_MS, start=False)
                self._callback.start()
        elif self._callback is not None:
            self._callback.stop()
        if self.buttons["play"].value != self.playing:
            self.buttons["play"].value = self.playing
        self._count()

    def _schedule(self, generation):
        self._next += FRAME_MS / 1000
        now = time.perf_counter()
        if self._next < now:  # behind: start again from now, rather than run frames back to back to catch up
            self._next = now
        self._doc.add_timeout_callback(lambda: self._chained(generation), max(1, int((self._next - now) * 1000)))

    def _chained(self, generation):
        if generation != self._generation or not self.playing:  # paused (or paused and played again) since
            return
        self._tick()
        if self.playing:
            self._schedule(generation)

    def _tick(self):
        if not self.playing:
            return
        try:
            self.frame()
        except (FloatingPointError, ValueError) as exc:
            self.set_playing(False)
            self.status.object = f"**paused:** {exc} (the step was undone)"
            self.redraw()

    def _guard(self, action):
        try:
            action()
        except (ValueError, TypeError, FloatingPointError) as exc:
            self.status.object = f"**not done:** {exc}"
            return False
        return True

    # -- changing ------------------------------------------------------------------------------------
    def _changed(self, name, value):
        if self._syncing:
            return
        value = _control_value(name, value)
        changes = {name: value}
        if name == "loss":  # the new loss's own defaults, as train gives them
            changes.update(lr=None, d_lr=None, n_critic=None, optimizer=None)
        if name in ("lr", "d_lr", "optimizer"):  # the other lr keeps the value shown
            changes.update({k: _control_value(k, self.controls[k].value) for k in ("lr", "d_lr", "optimizer")})
        try:
            restarted = self.session.set(**changes)
        except (ValueError, TypeError) as exc:
            self.status.object = f"**not applied:** {exc}"
            self._sync()
            return
        self._live()
        if restarted:
            self.status.object = (
                f"from step {self.session.steps + 1}: {name} = {value!r} (started afresh: {', '.join(restarted)})"
            )
        self._sync()
        self.plane.right[0].title = self.colour_bar_title()
        self.redraw()

    def _sync(self):
        """Show the session's current options in the controls (without acting on them)."""
        self._syncing = True
        try:
            s, o = self.session, self.session.options()
            optimizer, lr, d_lr, _, n_critic = s.config.resolved()
            values = {**o, "optimizer": optimizer, "lr": lr, "d_lr": d_lr, "n_critic": n_critic}
            values["generator"], values["discriminator"] = _text(o["generator"]), _text(o["discriminator"])
            values["lr_schedule"] = o["lr_schedule"] or "none"
            for name, widget in self.controls.items():
                widget.value = values[name]
        finally:
            self._syncing = False

    def _retarget(self, name):
        if name == "drawn":
            self.train_on_drawn()
            return
        self._guard(lambda: self._reset_to(name))

    def _reset_to(self, target):
        self._live()
        self.session.reset(target=target)
        self.view_pane.object = self.plane if self.session.dim == 2 else self.line
        self.redraw()

    def train_on_drawn(self):
        """Reset the run on the points drawn on the map (click to add, drag to move): a target kept as samples."""
        points = np.column_stack([self.drawn.data["x"], self.drawn.data["y"]]).astype(float)
        if len(points) == 0:
            raise ValueError("no points drawn: pick the draw tool (+) and click on the map to add points")
        self._reset_to(points)
        if self.target.value != "drawn":
            self._syncing = True
            self.target.value = "drawn"
            self._syncing = False

    # -- drawing ---------------------------------------------------------------------------------------------
    def colour_bar_title(self):
        return views.output_label(self.session.loss)

    def redraw(self, curves=True):
        """Push the current snapshot, and the curves unless ``curves`` is false, to the figures."""
        s = self.session
        view = s.view()
        for name, columns in view.items():
            if name == "real" and self._same_real(columns):
                continue  # the data points change with the target only: not sent again each frame
            self.sources[name].data = dict(columns)
        if s.dim == 2:
            self._frame_ranges(view["heat"])
            image = view["heat"]["image"][0]
            if s.loss in views.PROBABILITY_LOSSES:
                self.mapper.low, self.mapper.high = 0.0, 1.0
            elif np.isfinite(image).all() and self.frames % CURVE_FRAMES == 0:  # the score's range, now and then
                self.mapper.low, self.mapper.high = float(image.min()), float(image.max()) + 1e-12
        if curves:
            recorded = s.curves()
            self.costs.data = _thin(recorded["costs"])
            self.metrics.data = _complete(_thin(recorded["metrics"]))
        self.frames += 1
        self._count()

    def _same_real(self, columns):
        old = self.sources["real"].data
        return (
            len(old.get("x", ())) == len(columns["x"])
            and np.array_equal(old["x"], columns["x"])
            and np.array_equal(old["y"], columns["y"])
        )

    def _frame_ranges(self, heat):
        """The plane's axes over the discriminator's grid (fixed while the target is: the view does not jump)."""
        box = (heat["x"][0], heat["x"][0] + heat["dw"][0], heat["y"][0], heat["y"][0] + heat["dh"][0])
        if getattr(self, "_box", None) != box:
            self._box = box
            self.plane.x_range, self.plane.y_range = Range1d(box[0], box[1]), Range1d(box[2], box[3])

    def _count(self):
        s = self.session
        now, (then, steps_then) = time.perf_counter(), self._rate
        rate = max(s.steps - steps_then, 0) / (now - then) if now > then else 0.0
        if now - then > 1.0 or s.steps < steps_then:
            self._rate = (now, s.steps)
        mode = "replay" if self.replay is not None else ("playing" if self.playing else "paused")
        target = self._target_text()
        self._show_state(
            s.steps,
            mode,
            s.loss,
            target,
            f"step {s.steps} · {mode} · {rate:.0f} steps/s",  # short: the toolbar shares its line
        )

    def _show_state(self, step, mode, loss, target, title):
        self.state.data = {"step": [step], "frame": [self.frames], "mode": [mode], "loss": [loss], "target": [target]}
        if not self.playing or self.frames % TITLE_FRAMES == 0:  # a new title lays the figure out again: 2 a second
            self.plane.title.text = self.line.title.text = title

    def _target_text(self):
        t = self.session.target
        return f"{len(t)} drawn points" if isinstance(t, np.ndarray) else self.session.target_name

    def show_spectrum(self):
        """Compute the game Jacobian's eigenvalues now and plot the step map's, 1 + lr·λ, against the unit circle."""
        values = self.session.spectrum()
        _, lr, _, _, _ = self.session.config.resolved()
        mapped = 1.0 + lr * values
        self.eigen.data = {"x": mapped.real, "y": mapped.imag}
        outside = int(np.sum(np.abs(mapped) > 1.0))
        self.status.object = (
            f"step {self.session.steps}: {len(values)} eigenvalues of the game Jacobian; {outside} of 1 + {lr:g}·λ "
            "outside the unit circle"
        )
        self.eigen_fig.title.text = (
            f"step {self.session.steps}: {len(values)} eigenvalues λ of the game Jacobian, as 1 + {lr:g}·λ; "
            f"{outside} outside the unit circle"
        )

    # -- keeping ---------------------------------------------------------------------------------------------
    def _saved(self):
        return io.StringIO(self.session.history().to_json())

    def load_history(self, data):
        """Load a saved run (History JSON bytes or text) and show its snapshots on the slider (replay: paused)."""
        if data is None:
            return
        text = data.decode() if isinstance(data, bytes) else data
        history = History.from_json(text)
        self.set_playing(False)
        real = history.config.get("lab_real")
        self.replay = (history, np.asarray(real if real is not None else history.snapshots[0], dtype=float))
        self.scrub.param.update(start=0, end=max(len(history.snapshot_steps) - 1, 1), value=0, disabled=False)
        self._show_snapshot(0)
        self.status.object = f"loaded a run of {history.steps} steps ({history.config['loss']}); live run paused"

    def _show_snapshot(self, index):
        if self.replay is None:
            return
        history, real = self.replay
        index = min(index, len(history.snapshot_steps) - 1)
        view = views.history_view(history, index, real)
        self.view_pane.object = self.plane if history.snapshots.shape[2] == 2 else self.line
        for name, columns in view.items():
            self.sources[name].data = dict(columns)
        step, loss = int(history.snapshot_steps[index]), history.config["loss"]
        title = f"replay: snapshot {index + 1} of {len(history.snapshot_steps)}, step {step}"
        self._show_state(step, "replay", loss, "saved run", title)

    def _live(self):
        """Leave a replay: back to the live run."""
        if self.replay is not None:
            self.replay = None
            self.scrub.disabled = True
            self.view_pane.object = self.plane if self.session.dim == 2 else self.line


_THEORY_CURVES = (
    (
        "w1",
        {"sliced_w1": "sliced W1 (estimate)", "w1": "W1 (1-D, sorted samples)", "exact_w1": "W1 exact"},
        "distance to the target",
        "distance",
    ),
    ("modes", {"modes": "modes covered"}, "modes covered (mixtures)", "modes"),
    (
        "quality",
        {"high_quality": "high-quality share", "precision": "precision", "recall": "recall"},
        "sample quality (mixtures)",
        "share",
    ),
    (
        "js",
        {
            "js_knn": "JSD (kNN estimate)",
            "js_knn_floor": "its noise floor",
            "exact_js": "JSD exact",
            "exact_kl": "KL(data ‖ G) exact",
            "value_bound": "(V(D,G) + log 4)/2 ≤ JSD",
        },
        "Jensen-Shannon and its lower bound",
        "nats",
    ),
)


def _complete(columns):
    """Every column any theory curve names (NaN where this run has none), so each line finds its column."""
    n = len(columns["step"])
    names = {name for _, names, _, _ in _THEORY_CURVES for name in names}
    return {**{name: np.full(n, np.nan) for name in names}, **columns}


def _spectrum_figure(source):
    from bokeh.plotting import figure

    fig = figure(
        width=420,
        height=380,
        title="game Jacobian eigenvalues (press the button)",
        match_aspect=True,
        tools=figures.TOOLS,
        toolbar_location="above",
    )
    t = np.linspace(0, 2 * np.pi, 241)
    fig.line(np.cos(t), np.sin(t), color="grey", line_dash="dashed", legend_label="unit circle")
    fig.scatter("x", "y", source=source, size=7, color="#d62728", legend_label="1 + lr·λ")
    fig.xaxis.axis_label, fig.yaxis.axis_label = "real part", "imaginary part"
    fig.legend.location = "bottom_left"
    return fig


def _text(widths):
    if widths is None:
        return "64,64"
    return widths if isinstance(widths, str) else ",".join(str(w) for w in widths)


def _control_value(name, value):
    if name in ("generator", "discriminator"):
        return _widths(value)
    if name == "lr_schedule":
        return None if value == "none" else value
    if name in ("lr", "d_lr", "r1"):
        return None if value is None else float(value)
    return value


def serve(port=0, show=True, address="localhost", **options):
    """Serve the lab with Panel's Bokeh server (blocking): one :class:`Lab` per browser session.

    Every script and style is served by the app itself (``BOKEH_RESOURCES=server``): nothing is fetched from
    another host. ``options`` go to each session's :class:`~gantheory.lab.session.LabSession`.
    """
    import os

    os.environ.setdefault("BOKEH_RESOURCES", "server")
    pn.config.inline = False
    return pn.serve(
        lambda: Lab(**options).panel(),
        port=port,
        address=address,
        show=show,
        title="gantheory lab",
        websocket_origin=[f"{address}:{port}"] if port else None,
        print_url=True,
    )


__all__ = ["Lab", "serve"]
