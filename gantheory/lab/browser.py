"""A real browser for the lab's checks: Debian's Chromium driven by Playwright (no browser is downloaded).

Shared by the lab's browser tests (``tests/lab/test_lab_browser.py``), its benchmark (``benchmarks/bench_lab.py``)
and the site's check (``docs/check_site.py``).
"""

import os
import shutil

#: Chromium's flags here: no sandbox (it runs as root in a container), no GPU, and none of the browser's own
#: background connections, which this machine's closed network refuses (many at a time).
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: A JavaScript function that returns the live lab's state as its page holds it (the ColumnDataSource named
#: ``"lab-state"`` of :class:`gantheory.lab.app.Lab`): ``{step, frame, mode, loss, target}``, or null before it loads.
LAB_STATE = """() => {
    for (const doc of (window.Bokeh ? Bokeh.documents : [])) {
        const model = doc.get_model_by_name("lab-state");
        if (model) {
            const data = model.data, column = (k) => (data instanceof Map ? data.get(k) : data[k])[0];
            return {step: column("step"), frame: column("frame"), mode: column("mode"), loss: column("loss"),
                    target: column("target")};
        }
    }
    return null;
}"""


def find_chromium():
    """The browser to drive: ``$GANTHEORY_CHROMIUM``, else ``chromium``, ``chromium-browser`` or ``google-chrome`` on
    the PATH, else None.

    Examples
    --------
    >>> path = find_chromium()
    >>> path is None or os.access(path, os.X_OK)
    True
    """
    given = os.environ.get("GANTHEORY_CHROMIUM")
    if given:
        return given
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
