"""Browser tests: a built site served on 127.0.0.1 and Debian's Chromium driven by
Playwright. One browser per test session; each test gets a fresh page that records
console errors, uncaught exceptions, Content-Security-Policy violations and dialogs.

Without /usr/bin/chromium the browser tests skip, except in CI (the CI variable set),
where a missing browser is a failure: CI must run them.
"""

from __future__ import annotations

import functools
import http.server
import os
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path(os.environ.get("ARCHIVIST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Reports every CSP violation on the console, where the page fixture collects it.
_CSP_WATCH = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under `prefix` (`/archive/`) and nothing outside it."""

    prefix = "/"
    # Module scripts load only with a JavaScript type, whatever the host's mime.types says.
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def translate_path(self, path: str) -> str:
        route = unquote(urlsplit(path).path)
        if not route.startswith(self.prefix):
            return str(Path(self.directory) / "\0missing")  # answered with 404
        rel = posixpath.normpath("/" + route[len(self.prefix) :]).lstrip("/")
        target = Path(self.directory) / rel
        return str(target) + ("/" if route.endswith("/") else "")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Server:
    root: str  # the site's address, ending with its base path: http://127.0.0.1:port/archive/

    def url(self, path: str = "") -> str:
        return self.root + path.lstrip("/")


@contextmanager
def serve(out: Path, base_path: str = "/") -> Iterator[Server]:
    """Serve the built site `out` on a free port, under `base_path`."""
    handler = type("Handler", (_Handler,), {"prefix": base_path})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(out))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.server_port}{base_path}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the browser tests")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watched:
    """A page and everything that went wrong on it."""

    page: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "CSP violation" in e or "Content Security Policy" in e]

    def assert_clean(self) -> None:
        assert not self.dialogs, f"the page opened dialogs: {self.dialogs}"
        assert not self.csp_violations, f"CSP violations: {self.csp_violations}"
        assert not self.errors, f"console errors: {self.errors}"


def _is_noise(text: str, url: str) -> bool:
    # Chromium asks every site for /favicon.ico; a missing one is not the page's fault.
    return "favicon.ico" in url


def watch(context: Any) -> Watched:
    """A new page in `context`, with its errors, CSP violations and dialogs recorded."""
    context.add_init_script(_CSP_WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen = Watched(page)

    def on_console(message: Any) -> None:
        if message.type == "error":
            location = message.location or {}
            if not _is_noise(message.text, str(location.get("url", ""))):
                seen.errors.append(message.text)

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda exc: seen.errors.append(f"uncaught: {exc}"))
    page.on("dialog", on_dialog)
    return seen


@pytest.fixture(scope="session")
def _session_page(browser: Any) -> Iterator[Watched]:
    # One page for the session: a new context per test costs a second on a busy machine.
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        yield watch(context)
    finally:
        context.close()


@pytest.fixture
def watched(_session_page: Watched) -> Iterator[Watched]:
    """The session's page, on a blank document, with nothing recorded yet."""
    _session_page.page.goto("about:blank")
    _session_page.errors.clear()
    _session_page.dialogs.clear()
    yield _session_page
