"""The search page in a real browser: words, facets, year range, sort, paging, the URL,
safety (XSS, CSP), Chinese and Russian words, rebuilds, a sub-path and shards.

The fixture archive is described as data, so what a facet value or a year range
should find is computed from it, not typed in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from archivist.search.documents import date_words
from archivist.search.table import read_table
from browser_kit import Server, Watched, serve, watch
from sitekit import build_site, make_site, record

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


@dataclass(frozen=True)
class Rec:
    name: str
    title: str
    date: str | None
    type: str
    language: str | None
    people: tuple[str, ...] = ()
    archive: str | None = None
    collections: tuple[str, ...] = ()
    body: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def year(self) -> str:
        return self.date[:4] if self.date else "Undated"

    @property
    def decade(self) -> str | None:
        return f"{self.date[:3]}0s" if self.date else None

    def values(self, facet: str) -> list[str]:
        """This record's values for a search facet (as searchdoc.py files them)."""
        table: dict[str, list[str]] = {
            "person": list(self.people),
            "type": [self.type],
            "language": [self.language] if self.language else [],
            "archive": [self.archive] if self.archive else [],
            "collection": list(self.collections),
            "decade": [self.decade] if self.decade else [],
            "year": [self.year],
        }
        return table[facet]

    def markdown(self) -> str:
        fields: dict[str, str] = {"type": json.dumps(self.type)}
        if self.date:
            fields["date"] = self.date
        if self.language:
            fields["language"] = json.dumps(self.language)
        if self.people:
            fields["participants"] = json.dumps(list(self.people), ensure_ascii=False)
        if self.archive:
            fields["archive"] = json.dumps(self.archive)
        if self.collections:
            fields["collections"] = json.dumps(list(self.collections))
        fields.update(self.extra)
        return record(self.title, self.body, **fields)


COMMON = "harbour report"  # in every record's body, so one search finds them all

RECORDS: tuple[Rec, ...] = (
    Rec(
        "yugoslav-1955.md",
        "Conversation between Mao Zedong and the Yugoslav Ambassador",
        "1955-06-30",
        "Memorandum of Conversation",
        "English",
        ("Mao Zedong", "Vladimir Popović"),
        "Archive of the Foreign Ministry",
        ("Sino-Yugoslav Relations",),
        f"The ambassador discussed grain quotas for the winter months. {COMMON}.",
    ),
    Rec(
        "telegram-1949.md",
        "Telegram on the harbour works",
        "1949-11-02",
        "Telegram",
        "English",
        ("Zhou Enlai",),
        "Central Archives",
        ("Harbour Papers",),
        f"Cranes arrived at the quay. {COMMON}.",
    ),
    Rec(
        "cable-zh-1950.md",
        "关于粮食问题的电报",
        "1950-01-13",
        "Telegram",
        "Chinese",
        ("Mao Zedong", "Liu Shaoqi"),
        "Central Archives",
        (),
        f"中华人民共和国政府关于粮食问题的电报，毛泽东同志指示。{COMMON}.",
    ),
    Rec(
        "letter-ru-1962.md",
        "Письмо о ракетах",
        "1962-10-26",
        "Letter",
        "Russian",
        ("Nikita Khrushchev",),
        "Archive of the Foreign Ministry",
        (),
        f"Правительство Советского Союза направило письмо о ракетах. {COMMON}.",
    ),
    Rec(
        "minutes-1948.md",
        "Minutes of the harbour committee",
        "1948-03-01",
        "Minutes",
        "English",
        ("Liu Shaoqi",),
        "Central Archives",
        ("Harbour Papers",),
        f"The committee approved the dredging budget. {COMMON}.",
    ),
    Rec(
        "memo-1961.md",
        "Memorandum on the railway",
        "1961-05-09",
        "Memorandum of Conversation",
        "English",
        ("Zhou Enlai", "Vladimir Popović"),
        None,
        ("Sino-Yugoslav Relations",),
        f"Both sides agreed on the gauge of the line. {COMMON}.",
    ),
    Rec(
        "xss-1977.md",
        XSS,
        "1977-02-03",
        "Letter",
        "English",
        (XSS,),
        None,
        (),
        f"xsscanary <script>alert(2)</script> {COMMON}.",
    ),
    Rec(
        "undated-note.md",
        "Undated note on the harbour",
        None,
        "Note",
        None,
        (),
        None,
        (),
        f"A pencilled note about moorings. {COMMON}.",
    ),
)

# Enough records with one word to need two pages of results.
FILLERS: tuple[Rec, ...] = tuple(
    Rec(
        f"filler-{n:02d}.md",
        f"Shipping register {n:02d}",
        f"19{n + 10:02d}-01-15",
        "Register",
        "English",
        body=f"fillerword entry {n}. {COMMON}.",
    )
    for n in range(23)
)

ALL = RECORDS + FILLERS


def make_search_site(root: Path, records: tuple[Rec, ...] = ALL, config: str = "") -> Path:
    return make_site(
        root, {r.name: r.markdown() for r in records}, config or "title: Search test\n"
    )


def expected_counts(records: tuple[Rec, ...], facet: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        for value in r.values(facet):
            counts[value] = counts.get(value, 0) + 1
    return counts


# ---- driving the page ----

FACETS = ("person", "type", "language", "archive", "collection", "decade", "year")


class SearchPage:
    """The search page of one served site, driven like a reader would."""

    def __init__(self, watched: Watched, server: Server) -> None:
        self.w = watched
        self.page = watched.page
        self.server = server

    def open(self, query: str = "") -> SearchPage:
        self.page.goto(self.server.url("search/") + query)
        self.page.wait_for_selector("#search[data-searches]", state="attached")
        return self

    def reload(self) -> None:
        self.page.reload()
        self.page.wait_for_selector("#search[data-searches]", state="attached")

    def searches(self) -> str:
        return self.page.get_attribute("#search", "data-searches") or ""

    def act(self, action: Callable[[], object]) -> None:
        """Do `action` and wait until the search it starts has finished."""
        before = self.searches()
        action()
        self.page.wait_for_selector(
            f'#search[data-searches]:not([data-searches="{before}"])', state="attached"
        )

    def type(self, words: str) -> None:
        self.act(lambda: self.page.fill("#search-q", words))

    def submit(self, words: str) -> None:
        def go() -> None:
            self.page.fill("#search-q", words)
            self.page.press("#search-q", "Enter")

        self.act(go)

    def status(self) -> str:
        return self.page.text_content("#search-status") or ""

    def count(self) -> int:
        match = re.match(r"([\d,]+) records?\b", self.status())
        return int(match.group(1).replace(",", "")) if match else 0

    def titles(self) -> list[str]:
        return self.page.locator("#search-results .record-title").all_text_contents()

    def all_titles(self) -> list[str]:
        """Titles on every page of results, following the pager."""
        titles = self.titles()
        while self.page.locator("#search-pages a", has_text="Next page").count():
            self.act(lambda: self.page.click("#search-pages a:has-text('Next page')"))
            titles += self.titles()
        return titles

    def dates(self) -> list[str]:
        return self.page.locator("#search-results .record-date").all_text_contents()

    def facets(self) -> dict[str, dict[str, int]]:
        """Every facet value on show, with its count, after expanding every facet."""
        for button in self.page.locator("button.facet-more[aria-expanded=false]").all():
            self.act(button.click)
        rows = self.page.eval_on_selector_all(
            "#search-facets input[type=checkbox]",
            """boxes => boxes.map(b => [b.dataset.facet, b.dataset.value,
                b.labels[0].querySelector('.facet-count').textContent])""",
        )
        shown: dict[str, dict[str, int]] = {}
        for facet, value, count in rows:
            shown.setdefault(facet, {})[value] = int(count.strip("()"))
        return shown

    def box(self, facet: str, value: str) -> Any:
        return self.page.locator(
            f"input[data-facet={json.dumps(facet)}][data-value={json.dumps(value)}]"
        )

    def tick(self, facet: str, value: str, on: bool = True) -> None:
        if not self.box(facet, value).count():
            more = self.page.locator(f"button.facet-more[data-facet={json.dumps(facet)}]")
            self.act(more.click)
        self.act(lambda: self.box(facet, value).set_checked(on))

    def select_sort(self, value: str) -> None:
        self.act(lambda: self.page.select_option("#search-sort", value))

    def year_range(self, start: str, end: str) -> None:
        def go() -> None:
            self.page.fill("#search-from", start)
            self.page.fill("#search-to", end)
            self.page.press("#search-to", "Enter")

        self.act(go)
        # Filling "from" may start a search of its own that ends first: wait for the
        # one that has both years.
        want = f"from={start}" if start else "", f"to={end}" if end else ""
        self.page.wait_for_function(
            """([a, b]) => (!a || location.search.includes(a)) && (!b || location.search.includes(b))
                && !document.querySelector('#search-results').parentElement.matches('[aria-busy="true"]')""",
            arg=list(want),
        )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = make_search_site(tmp_path_factory.mktemp("search-site"))
    out, _ = build_site(root)
    with serve(out) as server:
        yield server


@pytest.fixture
def search(watched: Watched, site: Server) -> SearchPage:
    return SearchPage(watched, site).open()


def matching(predicate: Callable[[Rec], bool]) -> tuple[Rec, ...]:
    return tuple(r for r in ALL if predicate(r))


# ---- words ----


def test_typing_yugoslav_finds_the_record(search: SearchPage) -> None:
    search.type("Yugoslav")
    assert search.titles() == [RECORDS[0].title]
    assert search.count() == 1
    marks = search.page.locator("#search-results mark").all_text_contents()
    assert any("Yugoslav" in m for m in marks)
    assert "q=Yugoslav" in search.page.url
    search.w.assert_clean()


def test_a_phrase_only_in_one_body_finds_exactly_that_record(search: SearchPage) -> None:
    search.submit('"grain quotas for the winter"')
    assert search.titles() == [RECORDS[0].title]
    search.submit("dredging budget")
    assert search.titles() == ["Minutes of the harbour committee"]
    search.submit("nosuchwordanywhere")
    assert search.titles() == []
    assert "No records found" in search.status()


def test_result_shows_date_as_written_type_and_language(search: SearchPage) -> None:
    search.submit("ракетах")
    meta = search.page.text_content("#search-results .record-meta") or ""
    assert "26 October 1962" in meta and "Letter" in meta and "Language: Russian" in meta


# ---- facets, range, sort, paging ----


def test_each_facet_narrows_results_with_true_counts(search: SearchPage) -> None:
    search.submit(COMMON)
    assert search.count() == len(ALL)
    shown = search.facets()
    for facet in FACETS:
        assert shown.get(facet, {}) == expected_counts(ALL, facet), facet
    for facet in FACETS:
        value = max(shown[facet], key=lambda v: (shown[facet][v], v))
        search.tick(facet, value)
        expected = matching(lambda r, f=facet, v=value: v in r.values(f))
        assert search.count() == len(expected) == shown[facet][value], (facet, value)
        assert sorted(search.all_titles()) == sorted(r.title for r in expected)
        search.open(f"?q={COMMON.replace(' ', '+')}")


def test_facets_are_counted_without_loading_pagefinds_filter_files(search: SearchPage) -> None:
    """The page filters and counts with the build's search table (search-table.bin):
    a search with words loads no Pagefind filter file, however many facets are ticked,
    and the counts stay those of the records."""
    fetched: list[str] = []
    context = search.page.context

    def note(request: Any) -> None:
        fetched.append(request.url)

    context.on("request", note)
    try:
        search.open(f"?q={COMMON.replace(' ', '+')}")
        assert search.count() == len(ALL)
        search.tick("type", "Letter")
        search.tick("language", "English")
        expected = matching(lambda r: r.type == "Letter" and r.language == "English")
        assert sorted(search.titles()) == sorted(r.title for r in expected)
        others = matching(lambda r: r.language == "English")
        assert search.facets()["type"] == expected_counts(others, "type")
    finally:
        context.remove_listener("request", note)
    # Named with its digest (?v=…), so a browser may keep it until a build changes it.
    assert any(re.search(r"/search-table\.bin\?v=[0-9a-f]{16}$", url) for url in fetched)
    assert not [url for url in fetched if url.endswith(".pf_filter")]


def test_filters_alone_and_an_empty_year_range(search: SearchPage) -> None:
    search.open("?type=Letter&type=Telegram&decade=1950s")
    expected = matching(lambda r: r.type in ("Letter", "Telegram") and r.decade == "1950s")
    assert search.count() == len(expected) > 0
    assert sorted(search.titles()) == sorted(r.title for r in expected)
    in_decade = matching(lambda r: r.decade == "1950s")
    chosen = {"Letter": 0, "Telegram": 0}  # shown while ticked, even with no records
    assert search.facets()["type"] == chosen | expected_counts(in_decade, "type")
    search.open("?from=2100&to=2200")
    assert search.status() == "No records: no year in the archive falls in that range."
    assert search.titles() == []


def test_several_facets_at_once(search: SearchPage) -> None:
    search.submit(COMMON)
    # Two values of one facet are alternatives; counts of the other values stay
    # what ticking them would add.
    search.tick("type", "Telegram")
    search.tick("type", "Letter")
    expected = matching(lambda r: r.type in ("Telegram", "Letter"))
    assert search.count() == len(expected)
    assert search.facets()["type"] == expected_counts(ALL, "type")
    # A second facet narrows: Telegram or Letter, and in Central Archives.
    search.tick("archive", "Central Archives")
    expected = matching(
        lambda r: r.type in ("Telegram", "Letter") and r.archive == "Central Archives"
    )
    assert sorted(search.titles()) == sorted(r.title for r in expected)
    shown = search.facets()
    in_archive = matching(lambda r: r.archive == "Central Archives")
    # A ticked value stays on show (with its count, 0 here) so it can be unticked.
    assert shown["type"] == {"Letter": 0, **expected_counts(in_archive, "type")}
    assert shown["person"] == expected_counts(expected, "person")


def test_year_range(search: SearchPage) -> None:
    search.submit(COMMON)
    search.year_range("1949", "1955")
    expected = matching(lambda r: r.date is not None and 1949 <= int(r.year) <= 1955)
    assert sorted(search.titles()) == sorted(r.title for r in expected)
    assert "from=1949" in search.page.url and "to=1955" in search.page.url
    assert search.facets()["year"] == expected_counts(expected, "year")
    # An open-ended range, and one with no years in it.
    search.year_range("1960", "")
    assert search.count() == len(matching(lambda r: r.date is not None and int(r.year) >= 1960))
    search.year_range("1800", "1801")
    assert search.titles() == []


def test_sort_by_date_gives_date_order(search: SearchPage) -> None:
    search.submit(COMMON)
    search.select_sort("date-asc")
    dated = [date_words(d) for d in sorted(r.date for r in ALL if r.date)]
    first_page = search.dates()
    assert first_page == dated[: len(first_page)]
    assert "sort=date-asc" in search.page.url
    search.select_sort("date-desc")
    assert search.dates() == dated[::-1][: len(first_page)]
    # Undated records come last either way, and none is left out.
    for order in ("date-asc", "date-desc"):
        search.select_sort(order)
        titles = search.all_titles()
        assert len(titles) == len(ALL)
        assert titles[-1] == "Undated note on the harbour"
        search.open(f"?q={COMMON.replace(' ', '+')}")


def test_paging(search: SearchPage) -> None:
    search.submit("fillerword")
    assert search.count() == len(FILLERS)
    first = search.titles()
    assert len(first) == 20
    search.act(lambda: search.page.click("#search-pages a:has-text('Next page')"))
    assert "page=2" in search.page.url
    rest = search.titles()
    assert len(rest) == len(FILLERS) - 20
    assert not set(first) & set(rest)


# ---- the URL ----


def test_url_restores_the_same_results_after_reload(search: SearchPage) -> None:
    search.submit(COMMON)
    search.tick("language", "English")
    search.select_sort("date-desc")
    search.act(lambda: search.page.click("#search-pages a:has-text('Next page')"))
    before = (search.titles(), search.status(), search.facets())
    url = search.page.url
    search.reload()
    assert search.page.url == url
    assert (search.titles(), search.status(), search.facets()) == before
    assert search.page.input_value("#search-q") == COMMON
    assert search.page.input_value("#search-sort") == "date-desc"
    assert search.box("language", "English").is_checked()


def test_back_and_forward(search: SearchPage) -> None:
    search.submit(COMMON)
    everything = search.titles()
    search.tick("type", "Telegram")
    telegrams = search.titles()
    assert telegrams != everything
    search.act(search.page.go_back)
    assert search.titles() == everything
    assert not search.box("type", "Telegram").is_checked()
    search.act(search.page.go_forward)
    assert search.titles() == telegrams
    assert search.box("type", "Telegram").is_checked()
    search.act(search.page.go_back)
    search.act(search.page.go_back)
    assert search.page.input_value("#search-q") == ""
    assert search.titles() == []


# ---- safety ----


def test_markup_in_titles_and_people_is_shown_as_text(search: SearchPage) -> None:
    search.submit("xsscanary")
    assert search.titles() == [XSS]
    assert XSS in (search.page.text_content("#search-facets") or "")
    search.tick("person", XSS)
    assert search.titles() == [XSS]
    excerpt = search.page.text_content("#search-results .search-excerpt") or ""
    assert "<script>alert(2)</script>" in excerpt
    assert search.page.locator("#search img, #search script").count() == 0
    assert search.w.dialogs == []
    search.w.assert_clean()


def test_the_content_security_policy_applies_and_search_works_under_it(
    search: SearchPage,
) -> None:
    search.submit(COMMON)
    search.tick("type", "Telegram")
    search.w.assert_clean()
    # The policy is really in force: an injected inline script does not run, and the
    # violation reaches the console where every other test would see it.
    ran = search.page.evaluate(
        """() => new Promise((done) => {
            const s = document.createElement('script');
            s.textContent = 'window.inlineRan = true';
            document.body.append(s);
            setTimeout(() => done(window.inlineRan === true), 200);
        })"""
    )
    assert ran is False
    assert search.w.csp_violations


# ---- languages ----


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("政府", True),  # a two-character word inside a longer run
        ("粮食", True),
        ("毛泽东", True),
        ("中华人民共和国政府", True),
        ("府政", False),  # the same characters, not as written
        ("粮政", False),
    ],
)
def test_chinese_words(search: SearchPage, words: str, found: bool) -> None:
    search.submit(words)
    chinese = [r.title for r in RECORDS if r.language == "Chinese"]
    assert search.titles() == (chinese if found else [])
    if found:
        meta = search.page.text_content("#search-results .record-meta") or ""
        assert "Language: Chinese" in meta
        excerpt = search.page.text_content("#search-results .search-excerpt") or ""
        assert words in excerpt  # shown as written, without the index's spaces
        marked = "".join(search.page.locator("#search-results mark").all_text_contents())
        assert words in marked


@pytest.mark.parametrize("words", ["ракетах", "Правительство", "правительство", "Советского Союза"])
def test_russian_words(search: SearchPage, words: str) -> None:
    search.submit(words)
    assert search.titles() == [r.title for r in RECORDS if r.language == "Russian"]


# ---- accessibility ----


def test_controls_are_labelled_and_keyboard_usable(search: SearchPage) -> None:
    page = search.page
    assert page.get_by_label("Search words").count() == 1
    status = page.locator("#search-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    search.submit(COMMON)
    legends = page.locator("#search-facets fieldset > legend").all_text_contents()
    assert legends == ["People", "Type", "Language", "Archive", "Collection", "Decade", "Year"]
    # Reach a facet with the keyboard, tick it with the space bar.
    box = search.box("type", "Telegram")
    box.focus()
    search.act(lambda: page.keyboard.press("Space"))
    assert search.count() == len(matching(lambda r: r.type == "Telegram"))
    focused = page.evaluate("() => document.activeElement.dataset.value")
    assert focused == "Telegram"  # focus survives the redraw
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_works_320_pixels_wide(browser: Any, site: Server) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        narrow = SearchPage(watch(context), site).open()
        narrow.submit(COMMON)
        assert narrow.count() == len(ALL)
        width = narrow.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320
        assert narrow.page.locator("#search-q").is_visible()
        narrow.page.click("#search-filters > summary")
        narrow.tick("type", "Telegram")
        assert narrow.count() == len(matching(lambda r: r.type == "Telegram"))
    finally:
        context.close()


# ---- builds ----


def test_a_deleted_record_is_not_found_after_rebuild(watched: Watched, tmp_path: Path) -> None:
    keep = Rec("keep.md", "Kept record", "1950-01-01", "Letter", "English", body="ordinary words")
    gone = Rec("gone.md", "Deleted record", "1951-01-01", "Letter", "English", body="quokkaphrase")
    root = make_search_site(tmp_path / "site", (keep, gone))
    out, _ = build_site(root)
    with serve(out) as server:
        page = SearchPage(watched, server).open()
        page.submit("quokkaphrase")
        assert page.titles() == ["Deleted record"]
        (root / "content" / gone.name).unlink()
        build_site(root, out)
        page.open()
        page.submit("quokkaphrase")
        assert page.titles() == []
        page.submit("ordinary")
        assert page.titles() == ["Kept record"]


def test_under_a_sub_path_search_and_result_links_work(watched: Watched, tmp_path: Path) -> None:
    root = make_search_site(tmp_path / "site", RECORDS)
    out, _ = build_site(root, base_url="https://example.org/archive/")
    with serve(out, "/archive/") as server:
        page = SearchPage(watched, server).open()
        page.submit("Yugoslav")
        link = page.page.locator("#search-results a.record-title")
        assert link.get_attribute("href", timeout=1000) == "/archive/records/yugoslav-1955/"
        with page.page.expect_navigation() as nav:
            link.click()
        response = nav.value
        assert response is not None and response.status == 200
        assert RECORDS[0].title in (page.page.text_content("h1") or "")
        page.page.go_back()
        page.page.wait_for_selector("#search[data-searches]", state="attached")
        page.page.wait_for_selector("#search-results a.record-title")
        assert page.titles() == [RECORDS[0].title]
        watched.assert_clean()


def test_sharded_index_finds_everything_with_the_same_counts(browser: Any, tmp_path: Path) -> None:
    records = RECORDS + FILLERS[:4]
    single, _ = build_site(make_search_site(tmp_path / "single", records))
    sharded_root = make_search_site(tmp_path / "sharded", records, "search_shard_size: 2\n")
    sharded, _ = build_site(sharded_root)
    shards = json.loads((sharded / "pagefind" / "search-manifest.json").read_text())["shards"]
    assert len(shards) >= 4
    seen: dict[str, list[Any]] = {}
    for name, out in (("single", single), ("sharded", sharded)):
        context = browser.new_context()
        try:
            with serve(out) as server:
                page = SearchPage(watch(context), server).open()
                views: list[Any] = [page.facets()]  # whole-archive counts
                for words in (COMMON, "政府", "fillerword", "Popović"):
                    page.submit(words)
                    views.append((page.count(), page.facets()))
                page.submit(COMMON)
                views.append(sorted(page.titles()))
                page.select_sort("date-asc")
                views.append(page.titles())
                page.open(
                    f"?q={COMMON.replace(' ', '+')}&type=Telegram&type=Letter&from=1949&to=1970"
                )
                views.append((sorted(page.titles()), page.facets()))
                for query in ("?type=Letter&type=Telegram", "?from=1950&to=1959&person=Zhou+Enlai"):
                    page.open(query)
                    views.append((page.count(), sorted(page.titles()), page.facets()))
                page.w.assert_clean()
                seen[name] = views
        finally:
            context.close()
    assert seen["sharded"] == seen["single"]
    assert seen["single"][5] == sorted(r.title for r in records)  # every record found
    assert seen["single"][0] == {
        f: expected_counts(records, f) for f in FACETS if expected_counts(records, f)
    }


def _views(page: SearchPage, words: tuple[str, ...]) -> list[Any]:
    """What a reader sees for some searches: counts, titles, facets, date order."""
    views: list[Any] = [page.facets()]
    for w in words:
        page.submit(w)
        views.append((w, page.count(), sorted(page.all_titles()), page.facets()))
    page.submit(COMMON)
    page.select_sort("date-asc")
    views.append(page.all_titles())
    for query in ("?type=Telegram", "?type=Register&from=1910&to=1920"):
        page.open(query)
        views.append((query, page.count(), sorted(page.all_titles()), page.facets()))
    page.w.assert_clean()
    return views


def test_a_preview_overlay_finds_what_a_clean_build_finds(browser: Any, tmp_path: Path) -> None:
    """`archivist serve` indexes an edited record alone, into an overlay beside its
    shard, which keeps the old entry: the page must drop the stale entries and find
    and count exactly what a clean build of the edited archive finds."""
    root = make_search_site(tmp_path / "site", ALL, "title: Search test\nsearch_shard_size: 100\n")
    out, _ = build_site(root, search_overlays=True)
    edited = replace(FILLERS[3], type="Telegram", body=f"quokkaword entry. {COMMON}.")
    # A new rights note changes the record but not its index entry: the overlay holds
    # an entry with the very id of the stale one (a "twin"), to be shown once.
    twin = replace(FILLERS[5], extra={"rights": json.dumps("Rights changed.")})
    gone = FILLERS[4]
    for rec in (edited, twin):
        (root / "content" / rec.name).write_text(rec.markdown(), "utf-8")
    (root / "content" / gone.name).unlink()
    out, report = build_site(root, out, search_overlays=True)
    assert report.records_overlaid == 2 and report.shards_indexed == 0
    shards = json.loads((out / "pagefind" / "search-manifest.json").read_text())["shards"]
    assert [s["path"] for s in shards] == ["pagefind/", "pagefind/overlay-0/"]
    table = read_table((out / "pagefind" / "search-table.bin").read_bytes())
    # The shard's entries for the three records are stale; the twin's id is in both.
    assert [row["places"].count(-1) for row in table["bundles"]] == [3, 0]
    assert len(table["ambiguous"]) == 1
    clean, _ = build_site(root, tmp_path / "clean" / "_site", use_cache=False)
    assert not (clean / "pagefind" / "overlay-0").exists()
    changed = {edited.name: edited, twin.name: twin}
    now = tuple(changed.get(r.name, r) for r in ALL if r.name != gone.name)
    words = (COMMON, "fillerword", "quokkaword", "Popović", "政府")
    seen: dict[str, list[Any]] = {}
    for name, site_out in (("overlay", out), ("clean", clean)):
        context = browser.new_context()
        try:
            with serve(site_out) as server:
                seen[name] = _views(SearchPage(watch(context), server).open(), words)
        finally:
            context.close()
    assert seen["overlay"] == seen["clean"]
    found = {w: titles for w, _, titles, _ in seen["clean"][1 : 1 + len(words)]}
    assert found["quokkaword"] == [edited.title]
    assert edited.title not in found["fillerword"] and gone.title not in found[COMMON]
    assert sorted(found[COMMON]) == sorted(r.title for r in now)
    assert seen["clean"][0] == {
        f: expected_counts(now, f) for f in FACETS if expected_counts(now, f)
    }


# ---- the example archive (issue 2: "the search page finds it by typing Yugoslav") ----


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from sitekit import copy_example

    root = copy_example(tmp_path_factory.mktemp("example"))
    out, _ = build_site(root)
    with serve(out) as server:
        yield server


def test_the_example_archive_finds_the_seed_by_yugoslav(
    watched: Watched, example_site: Server
) -> None:
    seed_url = "/records/000_368422b42ee8f2a8/"
    search = SearchPage(watched, example_site).open()
    search.type("Yugoslav")
    assert search.titles() == ["Conversation of Mao Zedong and the Yugoslav Ambassador V. Popovic"]
    search.page.locator(f'#search-results a[href="{seed_url}"]').first.click()
    search.page.wait_for_url(f"**{seed_url}")
    assert "Zhong Su guanxi" in search.page.content()
    watched.assert_clean()


# ---- query syntax, excerpts, facets at scale, keyboard (issue 16) ----

SYNTAX: tuple[Rec, ...] = (
    Rec(
        "dutch.md",
        "Cable on the talks",
        "1947-07-21",
        "Cablegram",
        "English",
        ("Paul Hasluck",),
        body="Indonesia and the Dutch resumed talks at Linggadjati. kelpie.",
    ),
    Rec(
        "plain.md",
        "Cable on the republic",
        "1947-08-01",
        "Cablegram",
        "English",
        ("Paul Hasluck",),
        body="Indonesia asked the Security Council for help. kelpie.",
    ),
    Rec(
        "guinea.md",
        "Note on New Guinea",
        "1950-02-01",
        "Note",
        "English",
        body="Indonesia claimed West New Guinea at the conference. kelpie.",
    ),
    Rec(
        "designate.md",
        "Letter on recognition",
        "1972-11-30",
        "Letter",
        "English",
        body="The subject given to the Prime Minister–designate was China. kelpie.",
    ),
    Rec(
        "scattered.md",
        "Letter on Canberra",
        "1972-12-02",
        "Letter",
        "English",
        body="The Minister will designate a Prime contractor for Canberra. kelpie.",
    ),
    Rec(
        "sukarno.md",
        "Record of a meeting",
        "1949-01-05",
        "Record of Conversation",
        "English",
        body="Sukarno spoke first. kelpie.",
    ),
    Rec(
        "hatta.md",
        "Record of a second meeting",
        "1949-01-06",
        "Record of Conversation",
        "English",
        body="Hatta spoke first. kelpie.",
    ),
    Rec(
        "menzies-named.md",
        "Cablegram to London",
        "1940-05-01",
        "Cablegram",
        "English",
        ("Stanley Bruce",),
        body=" ".join(["The cabinet met on the war budget."] * 4)
        + " Menzies then asked Bruce for the figures. kelpie.",
    ),
    Rec(
        "menzies-party.md",
        "Cablegram from London",
        "1940-05-02",
        "Cablegram",
        "English",
        ("Robert Menzies", "Stanley Bruce"),
        body="The cabinet met on the war budget and approved it. kelpie.",
        extra={"source": json.dumps("AA: A3195, 1940, 1-1234")},
    ),
)
# People enough that the people facet is long (more than LONG_FACET values).
CROWD: tuple[Rec, ...] = tuple(
    Rec(
        f"crowd-{n:02d}.md",
        f"Crowd record {n:02d}",
        f"1960-03-{n % 28 + 1:02d}",
        "Minute",
        "English",
        tuple(f"Person {chr(65 + k)}{n:02d}" for k in range(2))
        + (("Zeta Quill",) if n < 3 else ()),
        body="crowdword kelpie.",
    )
    for n in range(14)
)


@pytest.fixture(scope="module")
def syntax_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = make_search_site(tmp_path_factory.mktemp("syntax-site"), SYNTAX + CROWD)
    out, _ = build_site(root)
    with serve(out) as server:
        yield server


@pytest.fixture
def syn(watched: Watched, syntax_site: Server) -> SearchPage:
    return SearchPage(watched, syntax_site).open()


def titles_of(*names: str) -> list[str]:
    return sorted(r.title for r in SYNTAX if r.name in names)


@pytest.mark.parametrize("query", ["Indonesia -Dutch", "Indonesia NOT Dutch", "-dutch Indonesia"])
def test_an_excluded_word_is_in_no_result(syn: SearchPage, query: str) -> None:
    syn.submit(query)
    assert sorted(syn.titles()) == titles_of("plain.md", "guinea.md")
    assert not any(
        "dutch" in e.lower() for e in syn.page.locator(".search-excerpt").all_text_contents()
    )
    syn.w.assert_clean()


def test_an_excluded_phrase_is_in_no_result(syn: SearchPage) -> None:
    syn.submit('Indonesia -"New Guinea"')
    assert sorted(syn.titles()) == titles_of("dutch.md", "plain.md")
    syn.submit('Indonesia -"Guinea conference"')  # not a phrase of any record
    assert sorted(syn.titles()) == titles_of("dutch.md", "plain.md", "guinea.md")


def test_a_phrase_ignores_dashes_and_punctuation_but_keeps_order(syn: SearchPage) -> None:
    syn.submit('"Prime Minister designate"')
    assert syn.titles() == titles_of("designate.md")
    syn.submit("Prime Minister designate")  # as words: both records
    assert sorted(syn.titles()) == titles_of("designate.md", "scattered.md")


def test_or_finds_either_word(syn: SearchPage) -> None:
    syn.submit("Sukarno OR Hatta")
    assert sorted(syn.titles()) == titles_of("sukarno.md", "hatta.md")
    assert syn.page.locator("#search-notes").is_hidden()


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("(Sukarno Hatta)", "Brackets are not supported"),
        ("title:Sukarno", "Searching one field"),
        ("Sukarn*", "* and ? are not needed"),
        ("Sukarno OR", "OR needs words on both sides"),
        ("-Sukarno", "needs words to search for"),
    ],
)
def test_what_the_search_cannot_do_is_said(syn: SearchPage, query: str, note: str) -> None:
    syn.submit(query)
    assert note in (syn.page.text_content("#search-notes") or "")
    assert syn.page.locator("#search-notes").is_visible()


def test_the_help_shows_the_syntax(syn: SearchPage) -> None:
    help_text = syn.page.text_content("#search-help") or ""
    for example in ('"Prime Minister designate"', "Indonesia -Dutch", "NOT", "OR"):
        assert example in help_text


def excerpts(page: SearchPage) -> dict[str, str]:
    rows = page.page.eval_on_selector_all(
        "#search-results li",
        """items => items.map(li => [li.querySelector('.record-title').textContent,
            li.querySelector('.search-excerpt').textContent])""",
    )
    return dict(rows)


def test_excerpts_come_from_the_text_and_metadata_matches_are_named(syn: SearchPage) -> None:
    syn.submit("Menzies")
    shown = excerpts(syn)
    named = shown["Cablegram to London"]
    assert "Menzies then asked Bruce" in named  # from the body
    assert "Cablegram to London" not in named and "Stanley Bruce" not in named
    party = shown["Cablegram from London"]
    assert party.startswith("Participants: Robert Menzies")  # the field, named
    marks = syn.page.locator("#search-results mark").all_text_contents()
    assert marks and all("menzies" in m.lower() for m in marks)
    # A participant match ranks above a match in the body alone.
    assert syn.titles() == ["Cablegram from London", "Cablegram to London"]


def test_the_archival_reference_is_searchable_but_not_in_body_excerpts(syn: SearchPage) -> None:
    syn.submit("A3195")
    assert excerpts(syn) == {
        "Cablegram from London": "Archival reference: AA: A3195, 1940, 1-1234."
    }
    syn.submit("cabinet budget")
    assert all("A3195" not in e for e in excerpts(syn).values())


def test_active_filters_are_chips_with_clear_all(syn: SearchPage) -> None:
    syn.submit("kelpie")
    total = syn.count()
    assert syn.page.locator("#search-chips").is_hidden()
    syn.tick("type", "Cablegram")
    syn.tick("person", "Paul Hasluck")
    syn.year_range("1947", "1947")
    chips = syn.page.locator("#search-chips button.chip").all_text_contents()
    assert [c.replace("×", "").strip() for c in chips] == [
        "People: Paul Hasluck",
        "Type: Cablegram",
        "Years: 1947–1947",
    ]
    assert syn.count() == 2
    syn.act(lambda: syn.page.click("#search-chips button[data-chip=person]"))
    assert syn.count() == 2 and "person=" not in syn.page.url
    syn.act(lambda: syn.page.click("#search-chips .chip-clear"))
    assert syn.count() == total
    assert syn.page.url.endswith("?q=kelpie")
    assert not syn.page.locator("#search-facets input:checked").count()
    assert syn.page.input_value("#search-from") == ""
    syn.w.assert_clean()


def test_a_long_facet_shows_its_top_values_and_finds_the_rest(syn: SearchPage) -> None:
    syn.submit("crowdword")
    people = syn.page.locator("input[data-facet=person]")
    assert people.count() == 8  # the top values by count, not 31 checkboxes
    assert syn.box("person", "Zeta Quill").count() == 1  # the most frequent comes first
    assert not syn.page.locator("button.facet-more[data-facet=person]").count()
    hint = syn.page.text_content("#facet-hint-person") or ""
    assert "of 29 people" in hint
    syn.page.fill("#facet-find-person", "b05")
    assert syn.page.locator("input[data-facet=person]").all() != []
    values = [b.get_attribute("data-value") for b in people.all()]
    assert values == ["Person B05"]
    assert syn.page.evaluate("() => document.activeElement.id") == "facet-find-person"
    label = syn.page.locator("label[for^=facet-person]").first.text_content() or ""
    assert label.endswith("(1)")  # the count stays exact
    syn.act(lambda: syn.box("person", "Person B05").check())
    assert syn.titles() == ["Crowd record 05"]
    assert syn.box("person", "Person B05").is_checked()


def tab_until(page: Any, selector: str, limit: int = 80) -> list[str]:
    """Press Tab until `selector` has focus; the ids/classes passed on the way."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.matches({json.dumps(selector)})"):
            return seen
        seen.append(
            page.evaluate("() => document.activeElement.id || document.activeElement.className")
        )
    raise AssertionError(f"never reached {selector}: {seen[-10:]}")


def test_results_come_before_the_facets_and_a_skip_link_leads_to_them(syn: SearchPage) -> None:
    syn.open("?q=kelpie")
    page = syn.page
    page.focus("#search-q")
    passed = tab_until(page, "#search-results a.record-title")
    assert not [p for p in passed if "facet" in str(p)]
    skip = page.locator("a.skip-results")
    assert skip.get_attribute("href") == "#search-status"
    skip.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "search-status"


def test_back_restores_focus_and_scroll_on_the_result_opened(syn: SearchPage) -> None:
    page = syn.page
    page.set_viewport_size({"width": 800, "height": 400})
    syn.submit("kelpie")
    link = page.locator("#search-results a.record-title").nth(12)
    href = link.get_attribute("href")
    link.scroll_into_view_if_needed()
    scrolled = page.evaluate("() => window.scrollY")
    assert scrolled > 0
    with page.expect_navigation():
        link.click()
    page.go_back()
    page.wait_for_selector("#search[data-searches]", state="attached")
    page.wait_for_function("() => document.activeElement.matches('a.record-title')")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == href
    assert abs(page.evaluate("() => window.scrollY") - scrolled) < 5


def test_chinese_words_beside_other_words(search: SearchPage) -> None:
    search.submit("Mao 毛泽东")
    assert search.titles() == [r.title for r in RECORDS if r.language == "Chinese"]
    search.submit("Mao -毛泽东")
    assert "关于粮食问题的电报" not in search.titles()
    assert RECORDS[0].title in search.titles()


# ---- people and organizations ----


def test_organizations_have_a_facet_apart_from_people(
    watched: Watched, tmp_path_factory: pytest.TempPathFactory
) -> None:
    people = (
        "[{name: Department of External Affairs, role: sender}, "
        "{name: Anna Keller, role: recipient}]"
    )
    root = make_site(
        tmp_path_factory.mktemp("orgs"),
        {"cable.md": record("Cable on wheat", "wheat harvest.", participants=people)},
        "title: Orgs\n",
    )
    out, _ = build_site(root)
    with serve(out) as server:
        search = SearchPage(watched, server).open()
        search.submit("wheat")
        legends = search.page.locator("#search-facets fieldset > legend").all_text_contents()
        assert legends[:2] == ["People", "Organizations"]
        shown = search.facets()
        assert shown["person"] == {"Anna Keller": 1}
        assert shown["organization"] == {"Department of External Affairs": 1}
        search.tick("organization", "Department of External Affairs")
        assert search.count() == 1
        watched.assert_clean()
