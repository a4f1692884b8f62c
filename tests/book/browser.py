"""The built book in a real browser: Debian's Chromium, driven by Playwright, offline.

The site is served from a local HTTP server on 127.0.0.1 (a random port), as a
reader's browser would get it, and every request to any other address is
refused and recorded: a page that needs the network fails the tests that look
at the record. Used by the browser tests and by ``python -m tests.book.screenshots``.
"""

import contextlib
import functools
import http.server
import shutil
import tempfile
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"

# Root runs Chromium without its sandbox; the rest keeps a headless browser from
# calling home (updates, sync, field trials) so that blocked requests are the page's own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path():
    """Debian's Chromium, or an error that says how to install it."""
    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        raise FileNotFoundError("The browser tests need Debian's Chromium at /usr/bin/chromium: "
                                "apt-get install chromium (./dev.sh test installs it as root).")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    """Serve ``folder`` on 127.0.0.1 at a free port; yields the base URL (ending in ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class OfflineBrowser:
    """A Chromium context in which only ``base_url`` answers; other requests are recorded."""

    def __init__(self, base_url, *, color_scheme="light"):
        self.base_url = base_url
        self.color_scheme = color_scheme
        self.blocked = []

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        self._playwright = sync_playwright().start()
        self.context = self._playwright.chromium.launch_persistent_context(
            self._profile.name, executable_path=chromium_path(), headless=True,
            args=CHROMIUM_ARGS, color_scheme=self.color_scheme,
            viewport={"width": 1280, "height": 900}, service_workers="block")
        self.context.route("**/*", self._route)
        return self

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base_url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("internetdisconnected")

    def __exit__(self, *exc):
        self.context.close()
        self._playwright.stop()
        self._profile.cleanup()


def wait_for_mathjax(page, timeout_ms=20_000):
    """Wait until MathJax has typeset the page (pages without maths load no MathJax)."""
    page.wait_for_function(
        "() => !document.querySelector('.math') || (window.MathJax && MathJax.startup"
        " && MathJax.startup.promise && (MathJax.startup.promise.then(() => window.__typeset = 1),"
        " window.__typeset === 1))", timeout=timeout_ms)
