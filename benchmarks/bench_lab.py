"""The live lab's speed against headless ``train`` with the same settings, measured in one run.

Three measurements of the lab's default game (the ring of 8, ``gantheory.lab.session.DEFAULTS``: batch 128,
players 64x64, a 40x40 map, records every 50 steps), each over ``--seconds``:

1. **headless**: ``gt.gan.train`` with the same options (``log_every = snapshot_every = 50``, what the lab records),
   steps per second of wall-clock time (the first 2000 steps' run timed whole, repeated; the best of ``--repeats``);
2. **lab, no page**: :class:`gantheory.lab.app.Lab` stepped by its own frame body (``Lab.frame``: train for what
   ``FRAME_MS`` leaves after the redraw, then redraw), frame after frame in this process: the server's work, no browser;
3. **lab in Chromium**: ``gantheory lab --no-browser`` served, the page opened in Debian's Chromium (Playwright),
   *play* pressed; the step and frame counters that the page shows are read at the start and the end of the window:
   steps per second and frames per second as the page received them (server and browser share this machine's cores).

The headless run is timed again after the browser, so that a change in the machine's load shows. Goals (issue 30):
the lab in the browser trains at >= 70% of headless steps/s, and the page redraws at >= 10 frames/s.

Run: ``python benchmarks/bench_lab.py`` (about a minute; needs the lab extra, Playwright and a Chromium);
``--screenshot figures/lab.png`` also saves the page (the README's picture) after the browser window.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one BLAS thread, set before NumPy loads
    os.environ.setdefault(_var, "1")

import gantheory as gt
from gantheory.lab.app import FRAME_MS, Lab
from gantheory.lab.browser import FLAGS, LAB_STATE, find_chromium
from gantheory.lab.session import DEFAULTS

RECORD_EVERY = 50


def headless(steps, repeats):
    """Steps per second of ``train`` with the lab's options (best of ``repeats`` timed runs)."""
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        options = {**DEFAULTS, "steps": steps}  # DEFAULTS' steps is the horizon of a named lr schedule
        gt.gan.train(
            gt.ring_of_gaussians(8), log_every=RECORD_EVERY, snapshot_every=RECORD_EVERY, progress=False, **options
        )
        best = max(best, steps / (time.perf_counter() - start))
    return best


def in_process(seconds):
    """Steps and frames per second of the lab's frame body, without a page."""
    lab = Lab()
    start, frames = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        lab.frame()
        frames += 1
    elapsed = time.perf_counter() - start
    return lab.session.steps / elapsed, frames / elapsed


def in_browser(seconds, chromium, screenshot=None):
    """Steps and frames per second that the page shows while playing."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gantheory", "lab", "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        proc.stdout.readline()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=list(FLAGS))
            page = browser.new_page(viewport={"width": 1500, "height": 1200})
            page.goto(f"http://localhost:{port}")
            page.wait_for_function(f"({LAB_STATE})() !== null", timeout=60_000)
            page.get_by_role("button", name=re.compile("play")).click()
            time.sleep(2.0)  # warm up: the first frames
            read = lambda: tuple(int(page.evaluate(LAB_STATE)[k]) for k in ("step", "frame"))  # noqa: E731
            (s0, f0), t0 = read(), time.perf_counter()
            time.sleep(seconds)
            (s1, f1), t1 = read(), time.perf_counter()
            if screenshot:  # the README's picture: paused after the window, the curves drawn
                page.get_by_role("button", name=re.compile("play")).click()
                time.sleep(1.5)
                page.screenshot(path=screenshot)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return (s1 - s0) / (t1 - t0), (f1 - f0) / (t1 - t0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each lab window (default 15)")
    parser.add_argument("--steps", type=int, default=2000, help="steps of each headless run (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="headless runs, best kept (default 3)")
    parser.add_argument("--screenshot", help="save the page as a PNG after the browser window (figures/lab.png)")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    rows = [("headless train", headless(args.steps, args.repeats), None)]
    rows.append(("lab, no page", *in_process(args.seconds)))
    if chromium:
        rows.append(("lab in Chromium", *in_browser(args.seconds, chromium, args.screenshot)))
    else:
        print("(no Chromium: the in-browser row is skipped; set GANTHEORY_CHROMIUM)")
    rows.append(("headless train, again", headless(args.steps, args.repeats), None))
    base = max(rows[0][1], rows[-1][1])
    print(
        f"the lab's default game: ring of 8, {DEFAULTS}, records every {RECORD_EVERY} steps; frame {FRAME_MS} ms, "
        "of which the training takes what the redraw leaves"
    )
    print(f"{'':24s} {'steps/s':>9s} {'of headless':>12s} {'frames/s':>9s}")
    for name, rate, fps in rows:
        print(f"{name:24s} {rate:9.0f} {rate / base:12.0%} {'' if fps is None else f'{fps:9.1f}'}")
    print("(of headless: against the faster of the two headless rows)")


if __name__ == "__main__":
    main()
