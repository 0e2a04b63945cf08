"""Quality of the built example site: valid HTML (W3C Nu checker), no WCAG 2.1 AA
violations (axe-core in Chromium), keyboard use, small screens, print, no third-party
requests.

The tools come from `make tools` (npm: vnu-jar, axe-core, into `.tools/`). Without
them the tests skip, except in CI (`CI` set), where a missing tool is a failure.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sitekit import REPO, build_site

TOOLS = Path(os.environ.get("ARCHIVIST_TOOLS", REPO / ".tools")) / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("ARCHIVIST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The pages the issue names: home, record (a telegram with a footnote, minutes with
# speaker turns), person, year and search (with a query, so results are on the page).
PAGES = [
    "",
    "records/example-telegram-1949/",
    "records/example-minutes-1948/",
    "people/edmund-harrow/",
    "years/",
    "years/1949/",
    "search/?q=Harbin",
]

# Record formats whose reader is part of this build (the `.txt` archive-text reader
# and the TEI reader arrive from other branches).
_READERS = {".md": "archivist.read.readers.markdown", ".txt": "archivist.read.readers.archive_text"}


def need(path: Path | str, what: str) -> None:
    """Skip without the tool; fail in CI, where a missing tool is a broken set-up."""
    if Path(path).exists():
        return
    message = f"{what} is missing ({path}); run `make tools`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's example archive, built (every record whose reader is present)."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "archivist.yaml", root / "archivist.yaml")
    for path in sorted((root / "content").rglob("*")):
        module = _READERS.get(path.suffix.lower())
        if path.suffix.lower() in _READERS and (
            module is None or importlib.util.find_spec(module) is None
        ):
            path.unlink()
    out, _ = build_site(root)
    return out


@pytest.fixture(scope="module")
def served(example_site: Path) -> Iterator[str]:
    """The built site on http://127.0.0.1:<port>/."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(example_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# -- valid HTML --------------------------------------------------------------------------


@pytest.mark.slow
def test_every_page_is_valid_html(example_site: Path) -> None:
    need(VNU_JAR, "the Nu HTML Checker (npm vnu-jar)")
    java = shutil.which("java")
    need(java or "/nonexistent/java", "Java (for vnu.jar)")
    pages = sorted(example_site.rglob("*.html"))
    command = [java or "java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
    command += ["--also-check-css", "--skip-non-html", str(example_site)]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors = [m for m in report["messages"] if m.get("type") == "error"]
    listing = "\n".join(
        f"{m['url'].rsplit(str(example_site), 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in errors
    )
    print(f"vnu: {len(pages)} pages checked, {len(errors)} errors")
    assert len(pages) > 20
    assert errors == [], listing


# -- accessibility (axe-core) ---------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_no_wcag_aa_violations(browser: Any, served: str) -> None:
    need(AXE_JS, "axe-core (npm)")
    axe = AXE_JS.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    checked = 0
    # Desktop and phone widths: the layout (and so contrast and link styles) differ.
    for width in (1280, 320):
        checked += _axe(browser, served, axe, width, found)
    violations = sum(map(len, found.values()))
    print(f"axe: {len(PAGES)} pages x 2 widths, {checked} rule results, {violations} violations")
    assert found == {}


def _axe(browser: Any, served: str, axe: str, width: int, found: dict[str, list[str]]) -> int:
    # The pages' CSP allows only same-origin scripts; axe is injected inline, so the
    # test context bypasses it (the pages themselves are served unchanged).
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    checked = 0
    try:
        for url in PAGES:
            page = context.new_page()
            page.goto(served + url, wait_until="networkidle")
            if url.startswith("search/"):
                page.wait_for_timeout(500)  # let results render
            page.add_script_tag(content=axe)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
            )
            checked += len(result["passes"]) + len(result["violations"])
            for v in result["violations"]:
                targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
                found.setdefault(f"{url or '/'} @{width}px", []).append(
                    f"{v['id']} ({v['impact']}): {targets}"
                )
            page.close()
    finally:
        context.close()
    return checked


# -- keyboard, small screens, print, requests ---------------------------------------------------


@pytest.mark.browser
def test_skip_link_and_visible_focus(browser: Any, served: str) -> None:
    page = browser.new_page()
    try:
        page.goto(served + "records/example-telegram-1949/")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                 const s = getComputedStyle(e);
                 return {cls: e.className, text: e.textContent, x: r.left, y: r.top,
                         w: r.width, outline: s.outlineStyle, width: s.outlineWidth}; }"""
        )
        assert focused["cls"] == "skip-link" and focused["text"] == "Skip to content"
        assert focused["x"] >= 0 and focused["y"] >= 0 and focused["w"] > 0  # on screen
        assert focused["outline"] != "none" and focused["width"] != "0px"
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == "#main"
        assert page.evaluate("() => document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"  # the next link shows where focus is
    finally:
        page.close()


@pytest.mark.browser
def test_readable_at_320_pixels(browser: Any, served: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        for url in PAGES:
            page = context.new_page()
            page.goto(served + url, wait_until="networkidle")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 320, f"{url or '/'} scrolls sideways at 320px ({width}px)"
            page.close()
    finally:
        context.close()


@pytest.mark.browser
def test_print_shows_the_record_without_navigation(browser: Any, served: str) -> None:
    page = browser.new_page()
    try:
        page.goto(served + "records/example-telegram-1949/")
        page.emulate_media(media="print")
        shown = page.evaluate(
            """() => Object.fromEntries(['.site-header', '.breadcrumbs', '.record-nav',
                 '.site-footer', '.cite-formats', '.record-body', '.metadata', '.cite-note']
                 .map(s => [s, getComputedStyle(document.querySelector(s)).display !== 'none']))"""
        )
        assert shown == {
            ".site-header": False, ".breadcrumbs": False, ".record-nav": False,
            ".site-footer": False, ".cite-formats": False, ".record-body": True,
            ".metadata": True, ".cite-note": True,
        }  # fmt: skip
    finally:
        page.close()


@pytest.mark.browser
def test_no_third_party_requests(browser: Any, served: str) -> None:
    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((served, "data:", "blob:")) else outside.append(r.url),
    )
    try:
        for url in PAGES:
            page.goto(served + url, wait_until="networkidle")
    finally:
        page.close()
    assert outside == []
