"""Check the built site in a real browser: Debian's Chromium, headless, driven by Playwright for Python.

Serves ``docs/_build/html`` on 127.0.0.1 (a free port) and loads the index, a chapter, the theory map, an API page,
the gallery and the training explorer. For each it checks that

* MathJax has typeset the math: MathJax's output elements (``mjx-container``) are present where the page has
  math, none is a MathJax error, and no raw ``$$``, ``\\(`` or ``\\[`` is left in the text outside code;
* every image loaded (``complete`` with a natural width; none is lazy: all are made eager first);
* the browser's console has no errors, the page threw no uncaught exception, and no request failed or was answered
  with an error status (a missing file such as a MathJax font would show up there);
* no request went to another host than the site's (the site is offline: no CDN, no font service, no data file);

and saves a screenshot of each page (``docs/_build/screenshots/<page>.png``, or ``--out``). It searches the site
with Sphinx's own search page (offline, from the index built with the site) and checks that results show. On the
training explorer (``explorer.html``, which embeds the standalone Bokeh page ``_static/explorer.html``) it checks
that the plot renders, that moving the snapshot slider (with the keyboard) changes the plot, and that choosing
another run changes it again (screenshots of the plot's canvas compared). It also
checks, without the browser, that every ``<img>`` of every built page points to a file that exists, and that every
chapter page shows at least one figure.

The browser is the system's Chromium (``--chromium``, else ``$GANTHEORY_CHROMIUM``, else ``chromium`` on the PATH),
launched by Playwright through ``executable_path``: no browser is downloaded (never ``playwright install``).
Exit status 0 when every check passes, 1 otherwise, 2 when Playwright, Chromium or the built site is missing.

Usage::

    python docs/check_site.py [--html docs/_build/html] [--out docs/_build/screenshots] [--chromium /usr/bin/chromium]
                              [--pages PAGE ...]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import shutil
import sys
import threading
import urllib.parse
from pathlib import Path

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:  # main() says how to install it
    sync_playwright = None

from gantheory.lab import browser  # noqa: E402

DOCS = Path(__file__).resolve().parent
# offline: nothing in the background may reach for the network (the flags the lab's checks use too)
FLAGS = ["--headless", *browser.FLAGS]
WIDTH, HEIGHT = 1280, 1400
TIMEOUT_MS = 60_000
LOCAL_SCHEMES = ("data:", "blob:", "about:")  # URLs that reach no host


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet: the browser reports failed requests
        pass


def serve(root: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# text outside code, scripts and MathJax's own output, searched for TeX delimiters MathJax should have consumed
RAW_TEX = r"""body => {
  const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "MJX-CONTAINER", "TEXTAREA", "KBD", "SAMP"]);
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT, {acceptNode(node) {
    for (let el = node.parentElement; el; el = el.parentElement) {
      if (skip.has(el.tagName)) return NodeFilter.FILTER_REJECT; }
    return NodeFilter.FILTER_ACCEPT; }});
  let text = ""; while (walker.nextNode()) text += walker.currentNode.nodeValue + "\n";
  return ["$$", "\\(", "\\[", "\\)", "\\]"].filter(t => text.includes(t)).map(t => {
    const i = text.indexOf(t); return t + " in: " + JSON.stringify(text.slice(Math.max(0, i - 60), i + 60)); });
}"""


# the TeX of every typeset formula, searched for "\\\\" before a letter: "$\\\\ell$" typesets without an error, as a line
# break followed by the letters "ell"
DOUBLED_BACKSLASH = r"""() => {
  if (!(window.MathJax && MathJax.startup && MathJax.startup.document)) return [];
  const found = [];
  for (const item of MathJax.startup.document.math) {
    if (/(^|[^\\])\\\\[A-Za-z]/.test(item.math)) found.push(JSON.stringify(item.math.slice(0, 80)));
  }
  return found.slice(0, 5);
}"""


class Watch:
    """The page's console errors, uncaught exceptions and failed requests since the last ``take``."""

    def __init__(self, page, base: str = ""):
        self.problems: list[str] = []
        self.answered: set[str] = set()  # URLs answered with an error status: their aborted load is no second problem
        self.base = base  # the site's origin: a request elsewhere is a problem
        page.on("console", self._console)
        page.on("request", self._request)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"[:300]))
        page.on("response", self._response)
        page.on("requestfailed", self._failed)

    def _console(self, message) -> None:
        if message.type in ("error", "assert"):
            self.problems.append(f"console error: {message.text} {message.location.get('url', '')}")

    def _request(self, request) -> None:
        url = request.url
        if self.base and not (url.startswith(self.base + "/") or url == self.base or url.startswith(LOCAL_SCHEMES)):
            self.problems.append(f"request to another host than the site's: {url[:200]}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.answered.add(response.url)
            self.problems.append(f"server answered {response.status} {response.url}")

    def _failed(self, request) -> None:
        if request.url not in self.answered:
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def take(self) -> list[str]:
        problems, self.problems, self.answered = self.problems, [], set()
        return problems


def screenshot(page, path: Path) -> None:
    """The top of the page at the window's width, up to 4000 px tall."""
    height = min(max(page.evaluate("document.documentElement.scrollHeight"), HEIGHT), 4000)
    page.set_viewport_size({"width": WIDTH, "height": height})
    page.screenshot(path=path)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def check_page(page, watch: Watch, base: str, path: str, out: Path, expect_math: bool) -> list[str]:
    watch.take()
    page.goto(f"{base}/{path}", wait_until="load")
    images = page.locator("img")
    images.evaluate_all("imgs => imgs.forEach(img => { img.loading = 'eager'; })")
    page.wait_for_function("Array.from(document.images).every(img => img.complete)", timeout=20_000)
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    math = page.locator("mjx-container")
    problems = []
    if expect_math:
        if not page.evaluate("!!(window.MathJax && MathJax.version)"):
            problems.append("MathJax did not load")
        try:
            math.first.wait_for(state="attached", timeout=10_000)
        except PlaywrightTimeout:
            source = page.locator(".math").count()
            problems.append(f"no MathJax output elements (mjx-container) although the page has {source} math elements")
    errors = page.locator("mjx-merror, [data-mjx-error]").count()
    if errors:
        problems.append(f"{errors} MathJax error elements (TeX it could not typeset)")
    problems += [f"raw TeX left: {r}" for r in page.locator("body").evaluate(RAW_TEX)]
    problems += [
        f"math with a doubled backslash before a letter (a line break, not a command): {t}"
        for t in page.evaluate(DOUBLED_BACKSLASH)
    ]
    broken = images.evaluate_all(
        "imgs => imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.getAttribute('src'))"
    )
    problems += [f"broken image: {src}" for src in broken]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.removesuffix(".html")) + ".png"
    screenshot(page, out / name)
    page.wait_for_timeout(300)  # let late console messages arrive
    problems += watch.take()
    version = page.evaluate("window.MathJax && MathJax.version || null")
    print(
        f"{path}: title {page.title()!r}; MathJax {version}, {math.count()} typeset elements; "
        f"{images.count()} images, {len(broken)} broken; screenshot {out / name}"
    )
    return [f"{path}: {p}" for p in problems]


def check_search(page, watch: Watch, base: str, out: Path, query: str = "wasserstein") -> list[str]:
    """Sphinx's own search, offline: the search page finds pages for a query (its summary shows a count when done)."""
    watch.take()
    page.goto(f"{base}/search.html?q={query}", wait_until="load")
    problems = []
    try:
        page.locator(".search-summary").filter(has_text=re.compile(r"\d")).wait_for(timeout=15_000)
    except PlaywrightTimeout:
        problems.append("the search page showed no summary within 15 s")
    hits = [text.split("\n")[0] for text in page.locator("#search-results li, ul.search li").all_inner_texts()]
    page.screenshot(path=out / "search.png")
    print(f"search.html?q={query}: {len(hits)} results, the first {hits[:4]}; screenshot {out / 'search.png'}")
    problems += watch.take() + ([] if hits else [f"found nothing for {query!r}"])
    return [f"search.html?q={query}: {p}" for p in problems]


def _plot_changed(canvas, before: bytes, timeout_ms: int = 10_000) -> bytes | None:
    """The canvas's screenshot once it differs from ``before`` (None if it stays the same for ``timeout_ms``)."""
    for _ in range(timeout_ms // 250):
        canvas.page.wait_for_timeout(250)
        after = canvas.screenshot()
        if after != before:
            canvas.page.wait_for_timeout(250)  # let the frame finish drawing
            return canvas.screenshot()
    return None


def check_explorer(page, watch: Watch, base: str, out: Path, path: str = "explorer.html") -> list[str]:
    """The training explorer: its plot renders, and the snapshot slider and the run selector each change it."""
    watch.take()
    page.goto(f"{base}/{path}", wait_until="load")
    frame = page.frame_locator("iframe.gantheory-explorer")
    canvas = frame.locator(".bk-Canvas canvas, canvas").first  # the first figure: the discriminator's map
    problems = []
    canvas.wait_for(state="visible", timeout=30_000)
    frame.locator("select").first.wait_for(state="visible")
    page.wait_for_timeout(1000)
    box = canvas.bounding_box() or {"width": 0, "height": 0}
    if box["width"] < 200 or box["height"] < 200:
        problems.append(f"the plot's canvas is {box['width']:.0f} x {box['height']:.0f} px: not rendered")
    before = canvas.screenshot()
    status = frame.locator("text=/snapshot \\d+ of \\d+/").first
    shown = status.inner_text()
    handle = frame.locator(".noUi-handle").first  # Bokeh's slider: the keyboard moves it as a person would
    handle.focus()
    page.keyboard.press("Home")
    moved = _plot_changed(canvas, before)
    if moved is None:
        problems.append("moving the snapshot slider did not change the plot")
    if status.inner_text() == shown or "snapshot 1 of" not in status.inner_text():
        problems.append(f"the slider at its start does not show the first snapshot: {status.inner_text()!r}")
    select = frame.locator("select").first
    options = select.locator("option").all_inner_texts()
    other = next((o for o in options[1:] if o.split(" · ")[0] != options[0].split(" · ")[0]), options[-1])
    select.select_option(label=other)
    switched = _plot_changed(canvas, moved or before)
    if switched is None:
        problems.append(f"choosing the run {other!r} did not change the plot")
    screenshot(page, out / "explorer.png")
    page.wait_for_timeout(300)  # let late console messages arrive
    problems += watch.take()
    print(
        f"{path}: the explorer's plot {box['width']:.0f} x {box['height']:.0f} px, {len(options)} runs; the slider "
        f"{'changed' if moved is not None else 'did NOT change'} it, the run {other!r} "
        f"{'changed' if switched is not None else 'did NOT change'} it; screenshot "
        f"{out / 'explorer.png'}"
    )
    return [f"{path} (explorer): {p}" for p in problems]


def static_checks(html: Path) -> list[str]:
    """Every <img> of every page points to a file; every chapter page shows at least one figure."""
    problems = []
    for page in sorted(html.rglob("*.html")):
        if "_static" in page.relative_to(html).parts:  # the explorer's standalone page: <img in Bokeh's own code
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        sources = re.findall(r'<img[^>]*?\bsrc="([^"]+)"', text)
        for src in sources:
            if src.startswith(("data:", "http://", "https://")):
                continue
            target = (page.parent / urllib.parse.unquote(src.split("#")[0].split("?")[0])).resolve()
            if not target.exists():
                problems.append(f"{page.relative_to(html)}: image {src} does not exist")
        if page.parent.name == "chapters" and not any(s.endswith((".png", ".gif", ".svg", ".jpg")) for s in sources):
            problems.append(f"{page.relative_to(html)}: the chapter shows no figure (drawn but not displayed?)")
    return problems


def pick_pages(html: Path) -> list[tuple[str, bool]]:
    """(page, whether it must have typeset math): the index, a chapter, the theory map, an API page, the gallery."""
    chapters = sorted(p.name for p in (html / "chapters").glob("*.html"))
    chapter = next((c for c in chapters if c.startswith("03_")), chapters[0] if chapters else None)
    api = "api/modules/generated/gantheory.gan.optimal.value_at_optimal_discriminator.html"
    pages = [("index.html", True), ("theory_map.html", True)]
    if chapter:
        pages.insert(1, (f"chapters/{chapter}", True))
    if (html / api).exists():
        pages.append((api, True))
    pages.append(("gallery.html", False))
    if (html / "explorer.html").exists():
        pages.append(("explorer.html", True))
    return pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    build = DOCS / "_build"
    parser.add_argument("--html", type=Path, default=build / "html", help="the built site (default docs/_build/html)")
    parser.add_argument("--out", type=Path, default=build / "screenshots", help="folder for the screenshots")
    parser.add_argument("--pages", nargs="+", metavar="PAGE", help="pages to load instead (paths under --html)")
    parser.add_argument(
        "--chromium",
        default=os.environ.get("GANTHEORY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium",
        help="the browser: Chromium or Chrome (default $GANTHEORY_CHROMIUM, else chromium on the PATH)",
    )
    args = parser.parse_args(argv)
    if not (args.html / "index.html").exists():
        print(f"check_site: no built site at {args.html} (build it first: docs/build.sh)", file=sys.stderr)
        return 2
    if not Path(args.chromium).exists():
        how = "apt-get install chromium, or --chromium / GANTHEORY_CHROMIUM=PATH"
        print(f"check_site: no Chromium at {args.chromium} ({how})", file=sys.stderr)
        return 2
    if sync_playwright is None:
        print(
            'check_site: Playwright is missing (pip install -e ".[docs]"; it drives the system Chromium, '
            "so no `playwright install`)",
            file=sys.stderr,
        )
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    problems = static_checks(args.html)
    server, base = serve(args.html)
    try:
        with sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(executable_path=args.chromium, headless=True, args=FLAGS)
            except PlaywrightError as error:
                print(f"check_site: Chromium at {args.chromium} did not start: {error}", file=sys.stderr)
                return 2
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
            page.set_default_timeout(TIMEOUT_MS)
            watch = Watch(page, base)
            pages = [(p, False) for p in args.pages] if args.pages else pick_pages(args.html)
            one_page = functools.partial(check_page, page, watch, base, out=args.out)
            checks = [(path, functools.partial(one_page, path=path, expect_math=math)) for path, math in pages]
            if not args.pages:
                checks.append(("search.html", functools.partial(check_search, page, watch, base, args.out)))
                if (args.html / "explorer.html").exists():
                    checks.append(("explorer.html", functools.partial(check_explorer, page, watch, base, args.out)))
                else:
                    problems.append("explorer.html: the training explorer's page is missing from the site")
            for path, check in checks:
                try:
                    problems += check()
                except PlaywrightError as error:  # a page that did not load or settle in time
                    problems.append(f"{path}: {str(error).splitlines()[0]}")
            browser.close()
    finally:
        server.shutdown()
    if problems:
        print(f"\ncheck_site: {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print("check_site: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
