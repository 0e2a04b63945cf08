"""The search page's own query engine (static/search-engine.js) against Pagefind's
search of the same index, in Chromium: the same records, in the same order, with the
same scores and matched places; over every shard, the same records as Pagefind's
merged shards.

The archive is generated (seeded) from words with inflections, diacritics and shared
prefixes, so that stems, extensions, diacritic variants, weights and page lengths
all shape the ranking that is compared.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_kit import Server, serve, watch
from sitekit import build_site, make_site, record

pytestmark = pytest.mark.browser

WORDS = (
    "treaty treaties minister ministers ministerial ministry government governments governor "
    "governing agree agreed agreement agreements council councils cable cables economic economy "
    "Zhōu Zhou Enlai café cafe Popović Popovic naïve naive harbour harbours railway railways "
    "delegation delegations talks talked talking nuclear weapons weapon conference conferences "
    "the of and to a in on with for that was were is by as at from"
).split()
TITLE_WORDS = ("Memorandum", "Telegram", "Letter", "Minutes", "Report", "Note")
PEOPLE = ("Zhou Enlai", "Vladimir Popović", "Liu Shaoqi", "Mao Zedong", "Nikita Khrushchev")

QUERIES = (
    "treaty",
    "treaties",
    "Ministers",
    "minist",
    "governments",
    "agreed",
    "Zhōu",
    "zhou",
    "café",
    "Popovic",
    "naïve",
    "harbour railway",
    "nuclear weapons talks",
    "conference delegation",
    '"nuclear weapons"',
    '"treaty"',
    "memorandum",
    "quokka",
    "economic quokka",
)


def _archive(root: Path) -> Path:
    rng = random.Random(1961)
    records: dict[str, str] = {}
    for n in range(96):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 260)))
        title = f"{rng.choice(TITLE_WORDS)} on the {rng.choice(WORDS)} {rng.choice(WORDS)}"
        people = rng.sample(PEOPLE, rng.randint(0, 2))
        fields = {"date": f"19{50 + n % 30}-0{1 + n % 9}-1{n % 10}", "type": "Letter"}
        if people:
            fields["participants"] = json.dumps(people)
        records[f"r{n:03d}.md"] = record(title, body.capitalize() + ".", **fields)
    return make_site(root, records, "title: Engine test\nsearch_shard_size: 24\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    out, _ = build_site(_archive(tmp_path_factory.mktemp("engine")))
    with serve(out) as server:
        yield server, out


# In the page: the engine and Pagefind over the primary bundle alone, then over every
# shard (Pagefind's shards merged, with the chunks where each word's extensions end
# preloaded, so that it sees every extension as the engine does).
COMPARE = """async ([queries, base]) => {
  const manifest = await (await fetch(`${base}pagefind/search-manifest.json`)).json();
  const { readTable, SearchIndex } = await import(`${base}static/search-engine.js`);
  const { stemmerFor } = await import(`${base}static/stemmer.js`);
  const options = { stem: stemmerFor("en"), baseUrl: base };
  const table = readTable(`${base}pagefind/${manifest.table}`);
  const shards = manifest.shards.map((s) => [base + s.path, s.chunks, s.rank]);
  const one = new SearchIndex(shards.slice(0, 1), table, options);
  const all = new SearchIndex(shards, table, options);
  const pagefind = await import(`${base}pagefind/pagefind.js`);
  await pagefind.options({ baseUrl: base });
  const view = (results) => results.map((r) => [r.id, r.score, [...r.words].sort((a, b) => a - b)]);
  const single = [];
  for (const q of queries) {
    single.push([view((await one.search(q)).results), view((await pagefind.search(q)).results)]);
  }
  await Promise.all(manifest.shards.slice(1).map((s) => pagefind.mergeIndex(base + s.path, { baseUrl: base })));
  const merged = [];
  for (const q of queries) {
    const ends = q.startsWith('"') ? null : q.toLowerCase().split(" ").map((w) => `${w.slice(0, 3)}\\uffff`).join(" ");
    if (ends) await pagefind.preload(ends);
    const mine = (await all.search(q)).results;
    const theirs = (await pagefind.search(q)).results;
    const data = mine.length ? await mine[0].data() : null;
    merged.push([mine.map((r) => r.id).sort(), theirs.map((r) => r.id).sort(), data && [data.url, data.locations]]);
  }
  const everything = (await all.search(null)).results.map((r) => r.id).sort();
  return { single, merged, everything, shards: shards.length };
}"""


@pytest.fixture(scope="module")
def compared(browser: Any, site: tuple[Server, Path]) -> dict[str, Any]:
    server, _ = site
    context = browser.new_context()
    try:
        w = watch(context)
        w.page.goto(server.url("search/"))
        result: dict[str, Any] = w.page.evaluate(COMPARE, [list(QUERIES), "/"])
        w.assert_clean()
        return result
    finally:
        context.close()


def test_the_archive_is_sharded(compared: dict[str, Any]) -> None:
    assert compared["shards"] >= 4


@pytest.mark.parametrize("n", range(len(QUERIES)), ids=QUERIES)
def test_one_bundle_ranks_as_pagefind_does(compared: dict[str, Any], n: int) -> None:
    mine, theirs = compared["single"][n]
    assert len(mine) == len(theirs)
    assert {r[0] for r in mine} == {r[0] for r in theirs}
    scores = {r[0]: r[1] for r in theirs}
    places = {r[0]: r[2] for r in theirs}
    for rid, score, words in mine:
        assert score == pytest.approx(scores[rid], rel=1e-5), rid
        assert words == places[rid], rid
    # Best first, as Pagefind orders them (records whose scores tie may swap).
    for (a, sa, _), (b, sb, _) in zip(mine, theirs, strict=True):
        assert a == b or sa == pytest.approx(sb, rel=1e-5)


@pytest.mark.parametrize("n", range(len(QUERIES)), ids=QUERIES)
def test_every_shard_finds_what_pagefinds_merged_shards_find(
    compared: dict[str, Any], n: int
) -> None:
    mine, theirs, first = compared["merged"][n]
    assert mine == theirs
    if QUERIES[n] == "quokka":
        assert mine == []
    else:
        url, locations = first
        assert url.startswith("/records/") and url.endswith("/") and locations


def test_no_words_lists_every_record_once(
    compared: dict[str, Any], site: tuple[Server, Path]
) -> None:
    _, out = site
    manifest = json.loads((out / "pagefind" / "search-manifest.json").read_text())
    assert len(compared["everything"]) == manifest["entries"] == 96
    assert len(set(compared["everything"])) == 96


def _search(browser: Any, server: Server, query: str) -> tuple[list[str], list[str]]:
    """(titles shown, every URL the page fetched) for `/search/?q=query`."""
    context = browser.new_context()
    try:
        w = watch(context)
        fetched: list[str] = []
        w.page.on("request", lambda request: fetched.append(request.url))
        w.page.goto(server.url("search/") + "?q=" + query)
        w.page.wait_for_selector("#search[data-searches]", state="attached")
        titles = w.page.locator("#search-results .record-title").all_text_contents()
        w.assert_clean()
        return titles, fetched
    finally:
        context.close()


def test_a_word_absent_from_the_archive_finds_nothing(
    browser: Any, site: tuple[Server, Path]
) -> None:
    """Not the records holding a short word it begins with ("a" for "aardvarkish",
    as an initial "K." for "Khrushchev"), but a word typed past its end still finds it."""
    server, _ = site
    assert _search(browser, server, "aardvarkish")[0] == []
    assert _search(browser, server, "railwayss")[0] == _search(browser, server, "railway")[0] != []


def test_the_page_searches_without_pagefinds_code_entry_or_meta_files(
    browser: Any, site: tuple[Server, Path]
) -> None:
    """Every shard's pages and chunks come from the one search table, not from a meta
    index per shard: a search needs the table and the words' chunks."""
    server, _ = site
    titles, fetched = _search(browser, server, "treaties")
    assert titles
    assert not [
        u
        for u in fetched
        if u.endswith(("pagefind.js", ".pagefind", "pagefind-entry.json", ".pf_meta"))
    ]
    assert len([u for u in fetched if "/search-table.bin?v=" in u]) == 1
    assert [u for u in fetched if u.endswith(".pf_index")]


def test_an_archive_in_another_language_searches_with_pagefind(
    browser: Any, tmp_path: Path
) -> None:
    records = {
        "a.md": record(
            "Lettre sur les traités", "Les gouvernements ont signé les traités.", date="1950-01-02"
        ),
        "b.md": record("Note sur le port", "Le port est fermé.", date="1951-01-02"),
    }
    out, _ = build_site(make_site(tmp_path, records, "title: Archives\nlanguage: fr\n"))
    with serve(out) as server:
        titles, fetched = _search(browser, server, "traité")
    assert titles == ["Lettre sur les traités"]
    assert [u for u in fetched if u.endswith("pagefind.js")]
