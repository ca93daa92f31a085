"""Check the built site in a real browser: headless Chromium (Debian's ``chromium`` package) over the DevTools protocol.

Serves ``docs/_build/html`` on 127.0.0.1 (a free port) and loads the index, a chapter, the theory map, an API page
and the gallery. For each it checks that

* MathJax has typeset the math: MathJax's output elements (``mjx-container``) are present where the page has
  math, and no raw ``$$``, ``\\(`` or ``\\[`` is left in the text outside code;
* every image loaded (``complete`` with a natural width; none is lazy: all are made eager first);
* the browser's console and log have no errors, and the server answered no request with an error status
  (a missing file such as a MathJax font would show up there);

and saves a screenshot of each page (``docs/_build/screenshots/<page>.png``, or ``--out``). It searches the site
with Sphinx's own search page (offline, from the index built with the site) and checks that results show. It also checks,
without the browser, that every ``<img>`` of every built page points to a file that exists, and that every
chapter page shows at least one figure.

Standard library only (the DevTools protocol over a small WebSocket client). Exit status 0 when every check
passes, 1 otherwise, 2 when Chromium or the built site is missing.

Usage::

    python docs/check_site.py [--html docs/_build/html] [--out docs/_build/screenshots] [--chromium /usr/bin/chromium]
                              [--pages PAGE ...]
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

DOCS = Path(__file__).resolve().parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio"]  # fmt: skip
WIDTH, HEIGHT = 1280, 1400
TIMEOUT_S = 60


# -- a minimal WebSocket client (RFC 6455), enough for the DevTools protocol ------------------------------------------------

class WebSocket:
    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT_S)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")  # fmt: skip
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("the browser closed the WebSocket during the handshake")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"WebSocket handshake refused: {head[:200]!r}")

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise ConnectionError("the browser closed the WebSocket")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def send(self, text: str) -> None:
        payload = text.encode()
        header = bytearray([0x81])  # FIN + text frame
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def recv(self) -> str:
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise ConnectionError("the browser closed the WebSocket")
            if opcode == 0x9:  # ping: answer with a pong (unmasked payload echoed, masked as a client must)
                mask = os.urandom(4)
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
                continue
            if opcode in (0x1, 0x2, 0x0):
                message += payload
                if b0 & 0x80:
                    return message.decode()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class DevTools:
    """One page target: ``call`` a method and wait for its answer; events are kept in ``events``."""

    def __init__(self, url: str):
        self.ws, self.next_id, self.events = WebSocket(url), 0, []

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = TIMEOUT_S):
        seen = [e for e in self.events if e.get("method") == method]
        if seen:
            self.events.remove(seen[0])
            return seen[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("method") == method:
                return message
            self.events.append(message)
        raise TimeoutError(f"no {method} within {timeout} s")

    def evaluate(self, expression: str, await_promise: bool = False):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=await_promise, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails'].get('text')} {result['exceptionDetails'].get('exception', {}).get('description', '')}")
        return result["result"].get("value")


# -- the local server ---------------------------------------------------------------------------------------------------------

class Handler(http.server.SimpleHTTPRequestHandler):
    failures: list = []

    def log_message(self, format, *args):  # quiet; errors are collected instead
        pass

    def send_response(self, code, message=None):
        if code >= 400:
            Handler.failures.append(f"{code} {self.path}")
        super().send_response(code, message)


def serve(root: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# -- the checks ---------------------------------------------------------------------------------------------------------------

PAGE_STATE = r"""
(async () => {
  // every image eager, then wait until each has loaded or failed
  const imgs = Array.from(document.images);
  imgs.forEach(img => { img.loading = "eager"; });
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(r => { img.onload = img.onerror = r; setTimeout(r, 20000); })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  // text outside code, scripts and MathJax's own output
  const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "MJX-CONTAINER", "TEXTAREA", "KBD", "SAMP"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode(node) {
    for (let el = node.parentElement; el; el = el.parentElement) { if (skip.has(el.tagName)) return NodeFilter.FILTER_REJECT; }
    return NodeFilter.FILTER_ACCEPT; }});
  let text = ""; while (walker.nextNode()) text += walker.currentNode.nodeValue + "\n";
  const raw = [];
  for (const token of ["$$", "\\(", "\\[", "\\)", "\\]"]) {
    const i = text.indexOf(token);
    if (i >= 0) raw.push(token + " in: " + JSON.stringify(text.slice(Math.max(0, i - 60), i + 60)));
  }
  return {
    title: document.title,
    mathjax: !!(window.MathJax && MathJax.version),
    mathjaxVersion: window.MathJax && MathJax.version || null,
    mathElements: document.querySelectorAll("mjx-container").length,
    mathSource: document.querySelectorAll(".math, span.math, div.math").length,
    mathErrors: document.querySelectorAll("mjx-merror, [data-mjx-error]").length,
    images: imgs.length,
    broken: imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.getAttribute("src")),
    raw: raw,
    height: Math.ceil(document.documentElement.scrollHeight),
  };
})()
"""


def check_page(dev: DevTools, base: str, path: str, out: Path, expect_math: bool) -> list[str]:
    problems = []
    dev.events.clear()
    dev.call("Page.navigate", url=f"{base}/{path}")
    dev.wait_for("Page.loadEventFired")
    state = dev.evaluate(PAGE_STATE, await_promise=True)
    time.sleep(0.3)  # let late console messages arrive
    dev.evaluate("1")
    for event in dev.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            problems.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            problems.append(f"uncaught exception: {details.get('text')} {details.get('exception', {}).get('description', '')}"[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            problems.append(f"browser log error: {entry.get('text')} {entry.get('url', '')}")
    if expect_math:
        if not state["mathjax"]:
            problems.append("MathJax did not load")
        if state["mathElements"] == 0:
            problems.append(f"no MathJax output elements (mjx-container) although the page has {state['mathSource']} math elements")
    if state["mathErrors"]:
        problems.append(f"{state['mathErrors']} MathJax error elements (TeX it could not typeset)")
    problems += [f"raw TeX left: {r}" for r in state["raw"]]
    problems += [f"broken image: {src}" for src in state["broken"]]
    # screenshot: the top of the page at the window's width
    height = min(max(state["height"], HEIGHT), 4000)
    dev.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=height, deviceScaleFactor=1, mobile=False)
    shot = dev.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
    dev.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.removesuffix(".html")) + ".png"
    (out / name).write_bytes(base64.b64decode(shot["data"]))
    print(f"{path}: title {state['title']!r}; MathJax {state['mathjaxVersion']}, {state['mathElements']} typeset elements; "
          f"{state['images']} images, {len(state['broken'])} broken; screenshot {out / name}")  # fmt: skip
    return [f"{path}: {p}" for p in problems]


SEARCH_RESULTS = r"""
(async () => {
  // Sphinx's search runs after its index loads and shows results one by one, then a summary: wait up to 15 s for it
  for (let i = 0; i < 150; i++) {
    const summary = document.querySelector(".search-summary");
    if (summary && /\d/.test(summary.innerText)) break;
    await new Promise(r => setTimeout(r, 100));
  }
  const items = document.querySelectorAll("#search-results li, ul.search li");
  return Array.from(items).map(li => li.innerText.split("\n")[0]);
})()
"""


def check_search(dev: DevTools, base: str, out: Path, query: str = "wasserstein") -> list[str]:
    """Sphinx's own search, offline: the search page finds pages for a query."""
    dev.events.clear()
    dev.call("Page.navigate", url=f"{base}/search.html?q={query}")
    dev.wait_for("Page.loadEventFired")
    hits = dev.evaluate(SEARCH_RESULTS, await_promise=True)
    shot = dev.call("Page.captureScreenshot", format="png")
    (out / "search.png").write_bytes(base64.b64decode(shot["data"]))
    print(f"search.html?q={query}: {len(hits)} results, the first {hits[:4]}; screenshot {out / 'search.png'}")
    return [] if hits else [f"search for {query!r} found nothing"]


def static_checks(html: Path) -> list[str]:
    """Every <img> of every page points to a file; every chapter page shows at least one figure."""
    problems = []
    for page in sorted(html.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        sources = re.findall(r'<img[^>]*?\bsrc="([^"]+)"', text)
        for src in sources:
            if src.startswith(("data:", "http://", "https://")):
                continue
            target = (page.parent / urllib.parse.unquote(src.split("#")[0].split("?")[0])).resolve()
            if not target.exists():
                problems.append(f"{page.relative_to(html)}: image {src} does not exist")
        if page.parent.name == "chapters" and not any(s.endswith((".png", ".gif", ".svg", ".jpg")) for s in sources):
            problems.append(f"{page.relative_to(html)}: the chapter shows no figure (a figure drawn but not displayed?)")
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
    return pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=DOCS / "_build" / "html", help="the built site (default docs/_build/html)")
    parser.add_argument("--out", type=Path, default=DOCS / "_build" / "screenshots", help="folder for the screenshots")
    parser.add_argument("--pages", nargs="+", metavar="PAGE", help="pages to load instead (paths under --html, e.g. tour.html)")
    parser.add_argument("--chromium", default=os.environ.get("GANTHEORY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium",
                        help="the browser: Chromium or Chrome (default $GANTHEORY_CHROMIUM, else chromium on the PATH)")  # fmt: skip
    args = parser.parse_args(argv)
    if not (args.html / "index.html").exists():
        print(f"check_site: no built site at {args.html} (build it first: docs/build.sh)", file=sys.stderr)
        return 2
    if not Path(args.chromium).exists():
        print(f"check_site: no Chromium at {args.chromium} (apt-get install chromium, or --chromium / GANTHEORY_CHROMIUM=PATH)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    problems = static_checks(args.html)
    server, base = serve(args.html)
    profile = tempfile.mkdtemp(prefix="check-site-chromium-")
    browser = subprocess.Popen([args.chromium, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                "--remote-debugging-address=127.0.0.1", f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    dev = None
    try:
        port_file = Path(profile, "DevToolsActivePort")
        deadline = time.monotonic() + TIMEOUT_S
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if time.monotonic() > deadline or browser.poll() is not None:
                print("check_site: Chromium did not start its DevTools server", file=sys.stderr)
                return 2
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT_S))
        page = next(t for t in targets if t.get("type") == "page")
        dev = DevTools(page["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            dev.call(f"{domain}.enable")
        dev.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)
        pages = [(p, False) for p in args.pages] if args.pages else pick_pages(args.html)
        for path, expect_math in pages:
            problems += check_page(dev, base, path, args.out, expect_math)
        if not args.pages:
            problems += check_search(dev, base, args.out)
    finally:
        if dev is not None:
            dev.ws.close()
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    problems += [f"server answered {f}" for f in Handler.failures]
    if problems:
        print(f"\ncheck_site: {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print("check_site: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
