"""The example archive as `make site` builds it: typing "Yugoslav" on its search page
finds the seed record (issue 2's done-when), in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browser_kit import Server, Watched, _session_page, browser, serve, watch, watched
from sitekit import build_site, copy_example
from test_search_browser import SearchPage

pytestmark = pytest.mark.browser
__all__ = ["_session_page", "browser", "watch", "watched"]  # fixtures used by name

SEED_URL = "/records/000_368422b42ee8f2a8/"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = copy_example(tmp_path_factory.mktemp("example"))
    out, _ = build_site(root)
    with serve(out) as server:
        yield server


def test_yugoslav_finds_the_seed_record(watched: Watched, example: Server) -> None:
    search = SearchPage(watched, example).open()
    search.type("Yugoslav")
    assert search.titles() == ["Conversation of Mao Zedong and the Yugoslav Ambassador V. Popovic"]
    hrefs = search.page.locator("#search-results a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert SEED_URL in hrefs
    search.page.locator(f'#search-results a[href="{SEED_URL}"]').first.click()
    search.page.wait_for_url(f"**{SEED_URL}")
    assert "Zhong Su guanxi" in search.page.content()
    watched.assert_clean()
