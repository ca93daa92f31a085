"""``gantheory lab`` in a real browser: Debian's Chromium driven by Playwright (no browser is downloaded).

One served lab, one page, the issue's whole path in order: play (the step count rises, D's map changes), switch the
loss, step D and step G, draw three points as a target, save the run and load it again, the game Jacobian's
eigenvalues; throughout, no console error and no request to a host other than the app's. Skipped, with the reason,
where no Chromium is installed (``GANTHEORY_CHROMIUM`` or ``chromium`` on the PATH).
"""

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("panel")
from gantheory.lab.browser import FLAGS, LAB_STATE, find_chromium  # noqa: E402

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (install Debian's chromium, or set GANTHEORY_CHROMIUM)"),
    pytest.mark.slow,
]


def _free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_url():
    port = _free_port()
    command = [sys.executable, "-m", "gantheory", "lab", "--no-browser", "--port", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()  # "Launching server at http://localhost:PORT"
        assert f"http://localhost:{port}" in line, line
        yield f"http://localhost:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page(lab_url):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(FLAGS))
        context = browser.new_context(viewport={"width": 1500, "height": 1200}, accept_downloads=True)
        page = context.new_page()
        page.errors, page.hosts = [], set()
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("request", lambda r: page.hosts.add(_origin(r.url)))
        page.goto(lab_url)
        page.wait_for_function(f"({LAB_STATE})() !== null", timeout=60_000)
        yield page
        browser.close()


def _origin(url):
    """``scheme://host:port`` of a request (a ``blob:`` URL's is its creator's; ``data:`` URLs fetch nothing)."""
    url = url.removeprefix("blob:")
    if url.startswith("data:"):
        return "data:"
    return re.match(r"^[a-z]+://[^/]*", url).group(0)


def _state(page):
    return page.evaluate(LAB_STATE)


def _text(page, element):
    return str(_state(page)[element])


def _step(page):
    return int(_state(page)["step"])


def _wait_for(condition, timeout=20.0, what="a condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_play_trains_and_redraws(page):
    before = page.locator(".lab-plane").screenshot()
    assert _step(page) == 0 and _text(page, "mode") == "paused"
    page.get_by_role("button", name=re.compile("play")).click()
    _wait_for(lambda: _step(page) > 100, what="the step count to rise past 100")
    page.get_by_role("button", name=re.compile("play")).click()  # pause
    _wait_for(lambda: _text(page, "mode") == "paused", what="the pause")
    paused_at = _step(page)
    time.sleep(0.5)
    assert _step(page) == paused_at  # paused: nothing trains
    assert page.locator(".lab-plane").screenshot() != before  # D's map, the points and the arrows moved


def test_switch_loss_then_step_d_and_g(page):
    page.get_by_label("loss").select_option("wgan_gp")
    _wait_for(lambda: _text(page, "loss") == "wgan_gp", what="the loss to switch")
    start = _step(page)
    page.get_by_role("button", name="step D").click()
    time.sleep(0.5)
    assert _step(page) == start  # one D update completes no step
    page.get_by_role("button", name="step G").click()
    _wait_for(lambda: _step(page) == start + 1, what="step G to complete a step")


def test_a_1d_target_a_changed_option_and_reset(page):
    page.get_by_label("target").select_option("mixture_1d")
    _wait_for(lambda: _text(page, "target") == "mixture_1d", what="the 1-D target")
    assert _step(page) == 0  # a new target starts a new run
    lr = page.get_by_label("lr (G)")
    lr.fill("0.002")
    lr.press("Enter")
    _wait_for(lambda: page.get_by_text("lr = 0.002").count() == 1, what="the lr change")
    for _ in range(3):
        page.get_by_role("button", name="step G").click()
    _wait_for(lambda: _step(page) == 3, what="three generator steps")
    page.get_by_role("button", name="reset").click()
    _wait_for(lambda: _step(page) == 0, what="the reset")
    page.get_by_label("target").select_option("ring")
    _wait_for(lambda: _text(page, "target") == "ring", what="the ring again")


def test_export_the_view_as_png(page, tmp_path):
    with page.expect_download() as download:
        page.locator(".lab-plane [title='Save']").first.click()
    path = Path(tmp_path, download.value.suggested_filename)
    download.value.save_as(path)
    assert path.suffix == ".png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_draw_three_points_as_the_target(page):
    canvas = page.locator(".lab-plane canvas").first
    box = canvas.bounding_box()
    for fx, fy in ((0.4, 0.4), (0.5, 0.6), (0.6, 0.45)):
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        time.sleep(0.5)  # apart: two quick clicks are one double-click
    page.get_by_role("button", name="train on drawn points").click()
    _wait_for(lambda: _text(page, "target") == "3 drawn points", what="the drawn target")
    assert _step(page) == 0  # a new target starts a new run
    page.get_by_role("button", name="step G").click()
    _wait_for(lambda: _step(page) == 1, what="a step on the drawn target")


def test_save_and_load_the_run(page, tmp_path):
    page.get_by_role("button", name=re.compile("play")).click()
    _wait_for(lambda: _step(page) > 60, what="steps on the drawn target")
    page.get_by_role("button", name=re.compile("play")).click()
    _wait_for(lambda: _text(page, "mode") == "paused", what="the pause")
    with page.expect_download() as download:
        page.get_by_text("save run (JSON)").click()
    path = Path(tmp_path, "run.json")
    download.value.save_as(path)
    saved = json.loads(path.read_text())
    assert saved["config"]["steps"] >= 60 and saved["config"]["lab_changes"] == []  # a new run since the drawn target
    page.locator("input[type=file]").set_input_files(str(path))
    _wait_for(lambda: _text(page, "mode") == "replay", what="the replay of the loaded run")
    from gantheory.gan.history import History

    history = History.load(path)
    assert _step(page) == int(history.snapshot_steps[0]) == 0


def test_eigenvalues_on_demand(page):
    page.get_by_role("button", name="game Jacobian eigenvalues").click()
    status = page.get_by_text(re.compile(r"\d+ eigenvalues of the game Jacobian"))
    _wait_for(lambda: status.count() == 1, timeout=60, what="the eigenvalues")
    found = re.search(r"(\d+) eigenvalues of the game Jacobian; (\d+) of", status.inner_text())
    assert int(found.group(1)) >= 2 and 0 <= int(found.group(2)) <= int(found.group(1))


def test_no_console_error_and_no_other_host(page, lab_url):
    assert page.errors == []
    assert page.hosts <= {lab_url, "data:"}, page.hosts
