"""Valid HTML and no WCAG AA violations on an edition's record pages: a FRUS-shaped
record with a table, a labelled list, page markers and attachments, and a DAFP-shaped
record with linked note markers and cross-references (invented fixtures)."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sitekit import build_site, make_site, record
from test_quality import AXE_JS, VNU_JAR, WCAG_AA, need

FIXTURE = Path(__file__).parent / "fixtures" / "tei" / "edition-volume.xml"
CONFIG = "title: Edition\nfields:\n  date: doc_date\n  collections: vol_full_title\n"
PAGES = ["records/volume--d1/", "records/a/", "collections/volume-3-an-invented-year/"]


@pytest.fixture(scope="module")
def edition_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("edition-quality")
    volume = {"doc_num": "", "vol_full_title": "'Volume 3: An Invented Year'"}
    make_site(
        root,
        {
            "a.md": record(
                "Delegation to Department",
                "Cablegram 1 NEW YORK, 8 December 1946\n\nYour cable [1](#f1) and "
                "Document 2 [ _matter omitted_ ].\n\n _\n\n1 See Document 2, note 1.\n\n_\n\n"
                "_[AA:A1838/2, 852/13/4, ii]_",
                doc_date="'1946-12-08'",
                **{**volume, "doc_num": "1"},
            ),
            "b.md": record(
                "Delegation to Department",
                "Cablegram 2 NEW YORK, 9 December 1946\n\nText.",
                doc_date="'1946-12-09'",
                **{**volume, "doc_num": "2"},
            ),
        },
        CONFIG,
    )
    shutil.copy(FIXTURE, root / "content" / "volume.xml")
    out, report = build_site(root)
    assert not report.errors
    return out


def test_edition_pages_show_what_they_should(edition_site: Path) -> None:
    d1 = (edition_site / "records/volume--d1/index.html").read_text()
    assert "<table>" in d1 and "editorial-page" in d1
    assert "<bdi>Invented Relations, 1899, Volume I, Document 1</bdi>" in d1
    toc = (edition_site / "collections/invented-relations-1899-volume-i/index.html").read_text()
    assert "in document order" in toc
    assert [m for m in ("volume--d1", "volume--d2", "volume--d3") if m in toc] == [
        "volume--d1",
        "volume--d2",
        "volume--d3",
    ]
    assert toc.index("volume--d1") < toc.index("volume--d2") < toc.index("volume--d3")
    a = (edition_site / "records/a/index.html").read_text()
    assert 'href="#note-1"' in a and 'class="doc-ref" href="/records/b/"' in a


@pytest.mark.slow
def test_edition_pages_are_valid_html(edition_site: Path) -> None:
    need(VNU_JAR, "the Nu HTML Checker (npm vnu-jar)")
    java = shutil.which("java")
    need(java or "/nonexistent/java", "Java (for vnu.jar)")
    files = [str(edition_site / p / "index.html") for p in PAGES]
    command = [java or "java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors = [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in report["messages"]]
    assert errors == []


@pytest.fixture(scope="module")
def served(edition_site: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(edition_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.slow
def test_edition_pages_have_no_wcag_aa_violations(browser: Any, served: str) -> None:
    need(AXE_JS, "axe-core (npm)")
    axe = AXE_JS.read_text(encoding="utf-8")
    found: list[str] = []
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800})
    try:
        for url in PAGES:
            page = context.new_page()
            page.goto(served + url, wait_until="networkidle")
            page.add_script_tag(content=axe)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
            )
            found += [f"{url}: {v['id']}" for v in result["violations"]]
            page.close()
    finally:
        context.close()
    assert found == []
