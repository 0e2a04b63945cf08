"""Bidi: record text holding a right-to-left override left open must not reorder the
text beside it (the date after a title, the roles after a type), in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from browser_kit import Watched, serve
from sitekit import build_site, make_site, record

pytestmark = pytest.mark.browser

RLO = "\u202e"

RECORDS = {
    "a.md": record(
        f"{RLO}Cable about wheat",
        "Text.",
        date='"March 3, 1949"',
        type=f'"{RLO}Telegram"',
        participants="[{name: Anna Keller, role: sender}]",
        subjects=f'["{RLO}Grain"]',
        language="English",
    ),
    "b.md": record(
        "Reply about wheat",
        "Text.",
        date='"March 9, 1949"',
        type="Letter",
        participants="[{name: Anna Keller, role: recipient}]",
    ),
}

# Where, left to right, a piece of text is drawn on the page: the x of the first
# text range that holds it, inside `scope`.
_X_OF = """([scope, needle]) => {
  const root = document.querySelector(scope);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at === -1) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + needle.length);
    return range.getBoundingClientRect().left;
  }
  return null;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("bidi"), RECORDS, "title: Bidi\n")
    out, _ = build_site(root)
    return out


def _x(page: Any, scope: str, needle: str) -> float:
    x = page.evaluate(_X_OF, [scope, needle])
    assert x is not None, f"{needle!r} is not on the page in {scope}"
    return float(x)


def test_an_open_override_in_a_title_stays_in_the_title(site: Path, watched: Watched) -> None:
    with serve(site) as server:
        page = watched.page
        page.goto(server.url("records/b/"))
        # "← Previous: <title> (March 3, 1949)": the date stays right of the title.
        nav = ".record-nav a[rel=prev]"
        assert _x(page, nav, "Previous") < _x(page, nav, "1949")
        assert _x(page, nav, "(") < _x(page, nav, "1949")
        page.goto(server.url("records/a/"))
        # The kicker "Telegram · March 3, 1949": the date stays right of the type.
        assert _x(page, ".record-kicker", "Telegram") < _x(page, ".record-kicker", "1949")
        watched.assert_clean()


def test_an_open_override_in_a_type_stays_in_the_type(site: Path, watched: Watched) -> None:
    with serve(site) as server:
        page = watched.page
        page.goto(server.url("people/anna-keller/"))
        item = ".record-list li:has(a[href$='/records/a/']) > span"
        # "March 3, 1949 · Telegram · sender": the role stays last.
        assert _x(page, item, "1949") < _x(page, item, "sender")
        assert _x(page, item, "Telegram") < _x(page, item, "sender")
        watched.assert_clean()


def test_search_results_isolate_record_text(site: Path, watched: Watched) -> None:
    with serve(site) as server:
        page = watched.page
        page.goto(server.url("search/?q=wheat"))
        page.wait_for_selector("#search-results a.record-title[href$='/records/a/']")
        item = "#search-results li:has(a[href$='/records/a/']) .record-meta"
        # "March 3, 1949 · Telegram · Language: English"
        assert _x(page, item, "1949") < _x(page, item, "Language")
        assert _x(page, item, "Telegram") < _x(page, item, "Language")
        watched.assert_clean()


def test_the_tab_title_isolates_record_text(site: Path) -> None:
    page = (site / "records" / "a" / "index.html").read_text("utf-8")
    assert f"<title>\u2068{RLO}Cable about wheat\u2069 · Bidi</title>" in page
    plain = (site / "records" / "b" / "index.html").read_text("utf-8")
    assert "<title>Reply about wheat · Bidi</title>" in plain
