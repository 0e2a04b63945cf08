"""The search index a build writes: what each record's entry holds, how Chinese and
Japanese are split, shards, the date order, rebuilds, and a misbehaving Pagefind."""

from __future__ import annotations

import base64
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from archivist.search import indexing, pagefind, pagefind_files
from archivist.search.documents import plain_text, spaced_cjk
from archivist.search.indexing import overlay_changes
from archivist.search.pagefind import IndexEntry, SearchError, build_index, facet_totals
from archivist.search.table import (
    Facet,
    TableBundle,
    TableError,
    order_of,
    read_table,
    table_value,
)
from sitekit import build_site, make_site, record


def search_table(out: Path) -> dict[str, Any]:
    return read_table((out / "pagefind" / "search-table.bin").read_bytes())


def result_urls(out: Path) -> dict[str, str]:
    """Result id → record URL, from every bundle's fragments."""
    return {
        p.stem: json.loads(gzip.decompress(p.read_bytes())[12:])["url"]
        for p in (out / "pagefind").rglob("*.pf_fragment")
    }


def meta_index(folder: Path) -> list[Any]:
    """A bundle's meta index (its only language): [version, pages, chunks, …]."""
    (meta,) = folder.glob("pagefind.*.pf_meta")
    value = pagefind_files.payload(meta.read_bytes())
    assert isinstance(value, list)
    return value


def meta_pages(folder: Path) -> list[str]:
    """The result ids of a bundle's meta index, in its order."""
    return [page[0] for page in meta_index(folder)[1]]


# ---- Chinese and Japanese split into characters ----


@pytest.mark.parametrize(
    ("text", "indexed"),
    [
        ("政府", "政 府"),
        ("中华人民共和国政府", "中 华 人 民 共 和 国 政 府"),
        ("Mao毛泽东said", "Mao 毛 泽 东 said"),
        ("政府。", "政 府 。"),  # CJK punctuation stands apart too
        ("かな漢字カナ", "か な 漢 字 カ ナ"),  # kana as well as kanji
        ("𠀀𠀁", "𠀀 𠀁"),  # ideographs outside the Basic Multilingual Plane
        ("政 府", "政 府"),  # no doubled spaces
        ("plain English text", "plain English text"),
        ("Правительство Союза", "Правительство Союза"),  # Cyrillic has spaces
        ("한국 정부", "한국 정부"),  # so does Korean: left alone
        ("", ""),
    ],
)
def test_spaced_cjk(text: str, indexed: str) -> None:
    assert spaced_cjk(text) == indexed


def test_spaced_cjk_on_a_huge_run_is_linear() -> None:
    text = "政" * 300_000 + "x" * 300_000
    out = spaced_cjk(text)
    assert out.count(" ") == 300_000


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("one two\tthree\nfour", 4),
        ("a\u00a0b\u3000c", 3),  # no-break and ideographic spaces divide words in JS too
        ("a\x85b", 1),  # NEL: a space to Python, not to JavaScript's \\s
        ("a\ufeffb", 2),  # BOM: a space to JavaScript, not to Python
        ("", 0),
    ],
)
def test_word_count_counts_as_the_search_page_does(text: str, count: int) -> None:
    """The page splits Pagefind's text with /[\\r\\n\\s]+/ to tell where a match lies."""
    from archivist.search.documents import word_count

    assert word_count(text) == count


@pytest.mark.parametrize(
    ("text", "indexed"),
    [
        ("Prime Minister\u2013designate", "Prime Minister-designate"),
        ("1945\u20131946 and x \u2014 y", "1945-1946 and x \u2014 y"),  # spaced: kept
        ("\u2013lead and trail\u2013", "\u2013lead and trail\u2013"),
    ],
)
def test_indexed_text_joins_words_dashed_together(text: str, indexed: str) -> None:
    from archivist.search.documents import indexed_text

    assert indexed_text(text) == indexed


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("See [the file](https://example.org/x) now", "See [the file] now"),
        ("## Heading\n\ntext", "Heading\n\ntext"),
        ("> quoted line", "quoted line"),
        ("**bold** and *it* and __under__", "bold and it and under"),
        ("![scan](scan.png)", "[scan]"),
        ("2 * 3", "2  3"),
        ("6\\. Indonesians \\[sic\\]", "6. Indonesians [sic]"),  # escapes read as text
        ("a \\*star\\* and \\__x", "a *star* and __x"),  # escaped marks stay
        (
            "Minister\u2013designate \u2014 and x\u2212y",
            "Minister\u2013designate \u2014 and x\u2212y",
        ),
    ],
)
def test_plain_text_drops_markdown_syntax(body: str, words: str) -> None:
    from archivist.model import Record

    assert plain_text(Record(id="r", title="t", path="p.md", body=body)) == words


# ---- what a built index holds ----


def fragments(out: Path) -> dict[str, dict[str, Any]]:
    """Every record in the built index, by URL, read back from Pagefind's files."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((out / "pagefind").rglob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragment = json.loads(data)
        assert fragment["url"] not in found, "a record is in two shards"
        found[fragment["url"]] = fragment
    return found


RECORDS = {
    "cable.md": record(
        "关于粮食问题的电报",
        "中华人民共和国政府关于粮食问题的电报。",
        date="13 January 1950",
        type="Telegram",
        language="[Chinese]",
        participants='["Mao Zedong", "<img src=x onerror=alert(1)>"]',
        archive="Central Archives",
        collections="[Grain Papers, Grain Papers]",
    ),
    "note.md": record("Undated note", "Moorings.", type="Note"),
    "letter.md": record("Letter", "Words.", date="1962-10-26", language="[Russian, English]"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, _ = build_site(make_site(tmp_path_factory.mktemp("site"), RECORDS))
    return out


def test_entry_meta_and_filters(built: Path) -> None:
    cable = fragments(built)["/records/cable/"]
    assert cable["meta"]["title"] == "关于粮食问题的电报"
    assert cable["meta"]["date"] == "13 January 1950"  # as written
    assert cable["meta"]["type"] == "Telegram"
    assert cable["meta"]["language"] == "Chinese"
    assert cable["filters"] == {
        "person": ["Mao Zedong", "<img src=x onerror=alert(1)>"],
        "type": ["Telegram"],
        "language": ["Chinese"],
        "archive": ["Central Archives"],
        "collection": ["Grain Papers"],
        "year": ["1950"],
        "decade": ["1950s"],
    }
    assert "政 府" in cable["content"]


def test_undated_record_is_filed_as_undated(built: Path) -> None:
    note = fragments(built)["/records/note/"]
    assert note["meta"]["date"] == "Undated"
    assert note["filters"]["year"] == ["Undated"]
    assert "decade" not in note["filters"]


def test_several_languages(built: Path) -> None:
    letter = fragments(built)["/records/letter/"]
    assert letter["filters"]["language"] == ["Russian", "English"]
    assert letter["meta"]["language"] == "Russian, English"


def test_the_search_table_places_records_in_date_order(built: Path) -> None:
    table = search_table(built)
    urls = result_urls(built)
    (row,) = table["bundles"]
    by_place = sorted(zip(row["places"], row["ids"], strict=True))
    assert [urls[rid] for _, rid in by_place] == [
        "/records/cable/",
        "/records/letter/",
        "/records/note/",
    ]
    assert table["dated"] == 2
    # The query engine's view of the bundle: its meta index's pages, in its order.
    assert row["ids"] == meta_pages(built / "pagefind")


def test_only_what_the_page_loads_is_written(built: Path) -> None:
    names = {p.name for p in (built / "pagefind").iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json"} <= names
    assert not any(
        n.startswith(("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui")) for n in names
    )


# ---- shards ----


def test_shards_hold_every_record_once_and_none_is_empty(tmp_path: Path) -> None:
    records = {
        f"r{n:02d}.md": record(f"Record {n}", f"word{n}", date=f"19{n + 10}-01-01")
        for n in range(11)
    }
    root = make_site(tmp_path / "site", records, "search_shard_size: 2\n")
    out, report = build_site(root)
    manifest = json.loads((out / "pagefind" / "search-manifest.json").read_text())
    assert manifest["entries"] == report.search_entries == 11
    assert len(manifest["shards"]) > 1
    assert manifest["shards"][0]["path"] == "pagefind/"
    table = search_table(out)
    assert len(table["bundles"]) == len(manifest["shards"])
    for shard, row in zip(manifest["shards"], table["bundles"], strict=True):
        folder = out / shard["path"]
        assert shard["entries"] == len(row["ids"]) > 0
        # The page reads each shard's pages from the table and its index chunks from
        # the manifest, not from its meta index.
        assert row["ids"] == meta_pages(folder)
        assert shard["chunks"] == meta_index(folder)[2]
        # Merged shards use the primary bundle's code.
        assert (folder / "pagefind.js").exists() == (shard["path"] == "pagefind/")
    assert sorted(fragments(out)) == sorted(f"/records/r{n:02d}/" for n in range(11))
    places = [place for row in table["bundles"] for place in row["places"]]
    assert sorted(places) == list(range(11))


def test_after_an_edit_the_table_holds_the_bundles_as_built(tmp_path: Path) -> None:
    records = {f"r{n:02d}.md": record(f"Record {n}", f"word{n}") for n in range(8)}
    root = make_site(tmp_path / "site", records, "search_shard_size: 2\n")
    out, _ = build_site(root)
    before = search_table(out)["bundles"]
    (root / "content" / "r03.md").write_text(record("Record 3", "an edited body"), encoding="utf-8")
    build_site(root, out)
    manifest = json.loads((out / "pagefind" / "search-manifest.json").read_text())
    after = search_table(out)["bundles"]
    assert after != before  # the edited record's shard has a new entry
    for shard, row in zip(manifest["shards"], after, strict=True):
        assert row["ids"] == meta_pages(out / shard["path"])
    urls = result_urls(out)
    assert sorted(urls[rid] for row in after for rid in row["ids"]) == [
        f"/records/r{n:02d}/" for n in range(8)
    ]


def _bundle(
    folder: Path, pages: dict[str, str], stale: frozenset[str] = frozenset()
) -> TableBundle:
    """A bundle on disk with only a meta index: `pages` result id → URL, in order."""
    folder.mkdir(parents=True)
    meta = ["1.5.2", [[rid, 10] for rid in pages], [["a", "z", "en_c"]], [], [], ["title"]]
    (folder / "pagefind.en_m.pf_meta").write_bytes(
        gzip.compress(b"pagefind_dcd" + pagefind_files.encode(meta))
    )
    return TableBundle(folder, {"en": "en_m"}, pages, stale)


ENTRIES = [
    IndexEntry(url="/records/a/", content="", language="en", sort={"date": "1950-01-01"}),
    IndexEntry(url="/records/b/", content="", language="en", sort={"date": "1940-01-01"}),
    IndexEntry(url="/records/c/", content="", language="en"),
]


def test_a_page_that_names_no_record_fails_the_table(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "0", {"en_1": "/records/a/", "en_2": "/records/elsewhere/"})
    with pytest.raises(TableError, match=r"search result en_2 in .* names no record"):
        table_value(order_of(ENTRIES), [bundle], "en")


@pytest.mark.parametrize("pages", [[["en_1"]], [["en_1", "ten"]], [["en 1", 10]], "pages"])
def test_a_meta_index_of_another_shape_fails_the_table_clearly(
    tmp_path: Path, pages: object
) -> None:
    """Another Pagefind version may write its meta index otherwise: the build says so."""
    bundle = _bundle(tmp_path / "0", {"en_1": "/records/a/"})
    meta = ["1.5.2", pages, [], [], [], []]
    (bundle.folder / "pagefind.en_m.pf_meta").write_bytes(
        gzip.compress(b"pagefind_dcd" + pagefind_files.encode(meta))
    )
    with pytest.raises(TableError, match=r"meta index of an unknown shape|cannot hold"):
        table_value(order_of(ENTRIES), [bundle], "en")


def test_the_table_tells_apart_an_id_two_shards_share(tmp_path: Path) -> None:
    bundles = [
        _bundle(tmp_path / "0", {"en_1": "/records/a/", "en_2": "/records/c/"}),
        _bundle(tmp_path / "1", {"en_1": "/records/b/"}),
    ]
    (_, dated, rows, _, ambiguous), chunks = table_value(order_of(ENTRIES), bundles, "en")
    assert chunks == [[["a", "z", "en_c"]], [["a", "z", "en_c"]]]
    assert dated == 2
    assert [row[0] for row in rows] == ["en_1 en_2", "en_1"]
    assert [row[2] for row in rows] == [
        (1).to_bytes(4, "little") + (2).to_bytes(4, "little"),
        (0).to_bytes(4, "little"),
    ]
    # Pagefind's own search gives "en_1" without its shard: its URL tells which.
    assert ambiguous == [["en_1", "/records/a/", 1], ["en_1", "/records/b/", 0]]


def test_the_table_marks_stale_entries_and_shows_a_twin_once(tmp_path: Path) -> None:
    # `archivist serve` indexed a and b again into an overlay; the shard keeps their old
    # entries. a's changed (a new id); b's did not: the overlay holds its very id. The
    # record "gone" was deleted: its entry is stale, with no live one.
    shard = _bundle(
        tmp_path / "shard",
        {"en_1": "/records/a/", "en_2": "/records/b/", "en_3": "/records/c/"}
        | {"en_8": "/records/gone/"},
        frozenset({"en_1", "en_2", "en_8"}),
    )
    overlay = _bundle(tmp_path / "overlay", {"en_7": "/records/a/", "en_2": "/records/b/"})
    (_, _, rows, _, ambiguous), _ = table_value(order_of(ENTRIES), [shard, overlay], "en")
    places = [[int.from_bytes(row[2][i : i + 4], "little", signed=True)
               for i in range(0, len(row[2]), 4)] for row in rows]  # fmt: skip
    assert places == [[-1, -1, 2, -1], [1, 0]]  # b (1940), a (1950), c (undated)
    # Pagefind's own search gives en_2 twice, both for b: shown once, at b's place.
    assert ambiguous == [["en_2", "/records/b/", 0]]


@pytest.mark.parametrize(
    ("base", "rows", "expected"),
    [
        ({f"r{n}": "x" for n in range(16)}, {f"r{n}": "x" for n in range(16)}, ([], [])),
        ({f"r{n}": "x" for n in range(16)}, {**{f"r{n}": "x" for n in range(16)}, "r3": "y"},
         (["r3"], [])),
        ({f"r{n}": "x" for n in range(16)}, {f"r{n}": "x" for n in range(1, 17)}, (["r16"], ["r0"])),
        ({f"r{n}": "x" for n in range(16)}, {f"r{n}": "x" for n in range(2, 19)}, None),
        ({f"r{n}": "x" for n in range(4)}, {"r0": "y", "r1": "x", "r2": "x", "r3": "x"}, None),
    ],
)  # fmt: skip
def test_an_overlay_takes_at_most_an_eighth_of_a_shard(
    base: dict[str, str], rows: dict[str, str], expected: object
) -> None:
    assert overlay_changes(base, rows) == expected


def test_facet_table_lists_each_places_values() -> None:
    def entry(url: str, date: str | None, **filters: list[str]) -> IndexEntry:
        sort = {"date": date} if date else {}
        return IndexEntry(url=url, content="", language="en", filters=filters, sort=sort)

    entries = [
        entry("/records/a/", "1950-01-01", person=["Tito", "Mao"], year=["1950"]),
        entry("/records/b/", "1940-01-01", person=["Mao"], year=["1940"], type=["Letter"]),
        entry("/records/c/", None, year=["Undated"]),
    ]
    order = order_of(entries)
    # Places: b (1940), a (1950), c (undated); values sorted.
    assert order.places == {"/records/b/": 0, "/records/a/": 1, "/records/c/": 2}
    assert order.facets == (
        Facet("person", ("Mao", "Tito"), (1, 2, 0), (0, 0, 1)),
        Facet("type", ("Letter",), (1, 0, 0), (0,)),
        Facet("year", ("1940", "1950", "Undated"), (1, 1, 1), (0, 1, 2)),
    )
    assert facet_totals(entries) == {
        "person": {"Tito": 1, "Mao": 2},
        "year": {"1950": 1, "1940": 1, "Undated": 1},
        "type": {"Letter": 1},
    }


@pytest.mark.parametrize("shard_size", [1000, 2])
def test_manifest_totals_and_facet_table_match_the_index(tmp_path: Path, shard_size: int) -> None:
    """The counts the search page shows before a search (the manifest's totals) and the
    table it filters with equal what Pagefind holds for every record, however sharded."""
    root = make_site(tmp_path / "site", RECORDS, f"search_shard_size: {shard_size}\n")
    out, _ = build_site(root)
    held = fragments(out)
    manifest = json.loads((out / "pagefind" / "search-manifest.json").read_text())
    table = search_table(out)
    expected: dict[str, dict[str, int]] = {}
    for fragment in held.values():
        for name, values in fragment["filters"].items():
            for value in values:
                counts = expected.setdefault(name, {})
                counts[value] = counts.get(value, 0) + 1
    assert manifest["totals"] == expected
    urls = result_urls(out)
    places = {
        urls[rid]: place
        for row in table["bundles"]
        for rid, place in zip(row["ids"], row["places"], strict=True)
    }
    assert sorted(places) == sorted(held)
    for url, place in places.items():
        row = {name: sorted(of[place]) for name, of in table["facets"].items() if of[place]}
        assert row == {k: sorted(v) for k, v in held[url]["filters"].items()}


# ---- rebuilds ----


def test_rebuild_drops_deleted_records_and_old_files(tmp_path: Path) -> None:
    root = make_site(
        tmp_path / "site",
        {
            "keep.md": record("Kept", "ordinary"),
            "gone.md": record("Gone", "quokkaphrase"),
        },
    )
    out, _ = build_site(root)
    assert "/records/gone/" in fragments(out)
    stale = out / "pagefind" / "fragment" / "en_stale00.pf_fragment"
    stale.write_bytes(b"old")
    (root / "content" / "gone.md").unlink()
    out, report = build_site(root, out)
    assert sorted(fragments(out)) == ["/records/keep/"]
    assert not stale.exists()
    assert report.search_entries == 1


# ---- a misbehaving Pagefind ----

FAKE = """#!{python}
import base64, json, sys
MODE = {mode!r}
inp, out = sys.stdin.buffer, sys.stdout.buffer

def send(mid, payload):
    out.write(base64.b64encode(json.dumps({{"message_id": mid, "payload": payload}}).encode()) + b",")
    out.flush()

def messages():
    buf = b""
    while True:
        ch = inp.read(1)
        if not ch:
            return
        if ch == b",":
            yield json.loads(base64.b64decode(buf))
            buf = b""
        else:
            buf += ch

def b64(data):
    return base64.b64encode(data).decode()

FRAGMENT = b64(__import__("gzip").compress(b'pagefind_dcd{{"url":"/records/a/"}}'))
ENTRY = b64(b'{{"version":"1","languages":{{"en":{{"hash":"en_m","wasm":"en","page_count":1}}}}}}')
META = {meta!r}
for msg in messages():
    kind, mid = msg["payload"]["type"], msg["message_id"]
    if MODE == "exit":
        sys.exit(3)
    if MODE == "hang":
        continue
    if MODE == "garbage":
        out.write(b"this is not base64!!,")
        out.flush()
        continue
    if kind == "NewIndex":
        send(mid, {{"type": "NewIndex", "index_id": 0}})
    elif kind == "AddFile":
        send(mid, {{"type": "IndexedFile", "page_word_count": 1, "page_url": "", "page_meta": {{}}}})
    elif kind == "GetFiles":
        files = [{{"path": "pagefind-entry.json", "content": ENTRY}},
                 {{"path": "pagefind.en_m.pf_meta", "content": META}},
                 {{"path": "fragment/en_1.pf_fragment", "content": FRAGMENT}},
                 {{"path": "big.bin", "content": b64(b"x" * (12 << 20))}}]
        if MODE == "escape":
            files.append({{"path": "../escaped.txt", "content": b64(b"owned")}})
        send(mid, {{"type": "GetFiles", "files": files}})
"""


def fake_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    binary = tmp_path / f"fake-pagefind-{mode}"
    # A meta index of one page (en_1), as Pagefind 1.5 writes one.
    meta = ["1.5.2", [["en_1", 1]], [["words", "words", "en_c"]], [], [], []]
    data = gzip.compress(b"pagefind_dcd" + pagefind_files.encode(meta), mtime=0)
    script = FAKE.format(python=sys.executable, mode=mode, meta=base64.b64encode(data).decode())
    binary.write_text(script, encoding="utf-8")
    binary.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))


ONE = [("a", IndexEntry(url="/records/a/", content="words", language="en"))]


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("exit", "exited unexpectedly"),
        ("garbage", "garbage"),
        ("hang", "did not answer in time"),
        ("escape", "outside its bundle"),
    ],
)
def test_a_misbehaving_pagefind_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, message: str
) -> None:
    fake_pagefind(tmp_path, monkeypatch, mode)
    out = tmp_path / "out"
    with pytest.raises(SearchError, match=message):
        build_index(ONE, out, shard_size=10, timeout=3)
    assert not (tmp_path / "escaped.txt").exists()
    assert not (out / "escaped.txt").exists()


def test_a_large_answer_arrives_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pagefind(tmp_path, monkeypatch, "ok")
    out = tmp_path / "out"
    manifest = build_index(ONE, out, shard_size=10, timeout=60)
    assert manifest["entries"] == 1
    assert (out / "pagefind" / "big.bin").stat().st_size == 12 << 20
    assert search_table(out)["bundles"][0]["places"] == [0]


def test_real_pagefind_answers_many_times_in_a_row(tmp_path: Path) -> None:
    # Pagefind's own writer once left an empty entry file about one run in 40.
    for n in range(12):
        entry = IndexEntry(url=f"/records/r{n}/", content=f"word{n}", language="en")
        build_index([(f"r{n}", entry)], tmp_path / str(n), shard_size=10, timeout=60)
        loaded = json.loads((tmp_path / str(n) / "pagefind" / "pagefind-entry.json").read_text())
        assert loaded["languages"]


@pytest.mark.parametrize(
    "records,size,cap,count",
    [(0, 1000, 32, 1), (1000, 1000, 32, 1), (1001, 1000, 32, 2), (10_000, 1000, 32, 16),
     (16_000, 1000, 32, 16), (16_001, 1000, 32, 32), (100_000, 1000, 32, 32),
     (100_000, 1000, 64, 64), (100_000, 1000, 128, 128),
     (100_000, 1000, 5, 4), (12, 4, 32, 4)],
)  # fmt: skip
def test_shard_counts_are_powers_of_two_up_to_the_cap(
    records: int, size: int, cap: int, count: int
) -> None:
    assert pagefind.shard_count(records, size, cap) == count


def test_large_shards_run_fewer_pagefind_processes_at_once() -> None:
    assert indexing.pagefind_parallel(625, 2) == 2
    assert indexing.pagefind_parallel(1_563, 2) == 1  # ~700 MB each (100k in 64 shards)
    assert indexing.pagefind_parallel(100, 8) == 8
    assert indexing.pagefind_parallel(0, 2) == 2
    # Once the render workers are gone: two at a time at 100k.
    assert indexing.pagefind_parallel(1_563, 2, indexing.PAGEFIND_MEMORY_MB_AFTER_RENDER) == 2


# ---- the entry's parts: body first, then weighted metadata (issue 16) ----


class _People:
    """The one thing `index_entry` asks of the archive: each record's people."""

    def __init__(self, people: dict[str, list[str]]) -> None:
        from types import SimpleNamespace

        self.page_names: dict[tuple[str, str], str] = {}
        self.participant_slugs = {
            rid: [(SimpleNamespace(name=n, kind="person"), ()) for n in names]
            for rid, names in people.items()
        }


def parts_of(fragment: dict[str, Any]) -> list[tuple[str, int]]:
    pairs = (p.split(" ") for p in fragment["meta"]["parts"].split(","))
    return [(name, int(n)) for name, n in pairs]


def test_parts_count_the_words_pagefind_keeps(tmp_path: Path) -> None:
    """The page finds each part by counting words of the stored content, as
    Pagefind's locations do: the counts must add up, part by part."""
    import re

    from archivist.model import Note, Record
    from archivist.search.documents import index_entry

    full = Record(
        id="full",
        title="Mr R. G. Menzies, Prime Minister, to Mr S. M. Bruce",
        path="full.md",
        body="First paragraph of the *cable* with the Prime Minister\u2013designate.\n\n"
        "Second paragraph,\u00a0with a no-break space. 中华人民共和国 <b>&amp;</b>",
        summary="Menzies asks Bruce for figures.",
        source="AA: A3195, 1940, 1-1234",
        notes=(Note("1", "See Document 286, note 1."), Note("2", "See Document 286, note 1.")),
    )
    bare = Record(id="bare", title="Bare note", path="bare.md", body="Moorings.")
    people = _People({"full": ["R. G. Menzies", "S. M. Bruce"]})
    entries = [index_entry(r, people, "en") for r in (full, bare)]  # type: ignore[arg-type]
    pagefind.index_shard(pagefind.pagefind_binary(), entries, tmp_path / "b", 60, primary=True)
    found = {}
    for path in (tmp_path / "b").rglob("*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[fragment["url"]] = fragment
    assert set(found) == {"/records/full/", "/records/bare/"}
    for url, fragment in found.items():
        words = [w for w in re.split(r"[\r\n\s]+", fragment["content"]) if w]
        parts = parts_of(fragment)
        assert sum(n for _, n in parts) == len(words) == fragment["word_count"], url
    fragment = found["/records/full/"]
    parts = parts_of(fragment)
    names = [name for name, _ in parts]
    assert names == ["body", "title", "person", "summary", "note", "source"]
    words = [w for w in re.split(r"[\r\n\s]+", fragment["content"]) if w]
    texts, start = {}, 0
    for name, n in parts:
        texts[name] = " ".join(words[start : start + n])
        start += n
    assert texts["body"].startswith("First paragraph of the cable")
    assert "Minister-designate" in texts["body"]  # an en dash joins like a hyphen
    assert "Menzies" not in texts["body"] and "A3195" not in texts["body"]
    assert texts["title"].startswith("Mr R. G. Menzies")
    assert texts["person"].rstrip(".") == "R. G. Menzies; S. M. Bruce"
    assert texts["note"].rstrip(".") == "See Document 286, note 1"  # once, not twice
    assert texts["source"].startswith("AA: A3195")


def test_title_and_people_weigh_more_than_the_body_notes_less() -> None:
    from archivist.search.documents import SECTION_WEIGHTS

    entry = IndexEntry(
        url="/records/a/",
        content="Body <b>text</b> & more",
        language="en",
        meta={"title": "A, B"},
        filters={"person": ["X, Y"]},
        sections=tuple((name, name, w) for name, w in SECTION_WEIGHTS.items()),
    )
    page = pagefind.entry_html(entry)
    assert "<p>Body &lt;b&gt;text&lt;/b&gt; &amp; more</p>" in page
    assert SECTION_WEIGHTS["title"] > SECTION_WEIGHTS["person"] > 1 > SECTION_WEIGHTS["note"]
    assert '<div data-pagefind-weight="5"><p>title</p></div>' in page
    assert '<span data-pagefind-filter="person">X, Y</span>' in page


def test_dates_in_words_and_the_number_when_the_record_has_one(built: Path) -> None:
    import dataclasses

    from archivist.model import Record
    from archivist.search.documents import date_words, index_entry

    found = fragments(built)
    assert found["/records/letter/"]["meta"]["date"] == "26 October 1962"
    assert found["/records/cable/"]["meta"]["date"] == "13 January 1950"  # as written
    assert "number" not in found["/records/letter/"]["meta"]
    assert date_words("1948-03") == "March 1948"
    assert date_words("c. 1956") == "c. 1956" and date_words("1956") == "1956"
    assert date_words("1956-13-01") == "1956-13-01"

    # The volume as well as the number: eight FRUS volumes each have a Document 479.
    rec = Record(id="a", title="T", path="a.md", number="286",
                 collections=("Volume 4: Indonesia, 1947",))  # fmt: skip
    entry = index_entry(rec, _People({}), "en")  # type: ignore[arg-type]
    assert entry.meta["number"] == "Volume 4, Document 286"
    loose = dataclasses.replace(rec, collections=())
    assert index_entry(loose, _People({}), "en").meta["number"] == "Document 286"  # type: ignore[arg-type]


def test_people_and_organizations_are_facets_of_their_own() -> None:
    from types import SimpleNamespace

    from archivist.model import Record
    from archivist.search.documents import entry_filters, index_entry

    record = Record(id="cable", title="Cable", path="cable.md", body="Text.")

    archive = SimpleNamespace(
        page_names={
            ("person", "m"): "R. G. Menzies",
            ("organization", "d"): "Department of External Affairs",
            ("organization", "c"): "Canberra",
        },
        participant_slugs={"cable": [
            (SimpleNamespace(name="Department of External Affairs", kind="organization"), "d"),
            (SimpleNamespace(name="R.G. Menzies", kind="person"), "m"),
            (SimpleNamespace(name="Canberra", kind="organization"), "c"),
            (SimpleNamespace(name="MENZIES", kind="person"), "m"),
        ]},
    )  # fmt: skip
    filters = entry_filters(record, archive)  # type: ignore[arg-type]
    # One value per page, as its page names it, whatever the spelling in the record.
    assert filters["person"] == ["R. G. Menzies"]
    assert filters["organization"] == ["Department of External Affairs", "Canberra"]
    # Both stay searchable by name, in the participants section.
    entry = index_entry(record, archive, "en")  # type: ignore[arg-type]
    assert any(
        name == "person" and "Canberra" in text and "MENZIES" in text
        for name, text, _ in entry.sections
    )


@pytest.mark.parametrize(
    "url",
    [
        '/records/a"b/',
        "/records/r\u00e9sum\u00e9/",
        "/records/中文/",
        "/records/" + "x" * 6000 + "/",
    ],
)
def test_a_fragment_names_its_url_however_long_or_escaped(url: str) -> None:
    """The result id → URL map is read from the head of each fragment; a URL longer
    than that head, or written with escapes, still comes out whole."""
    import gzip
    import json

    from archivist.search.pagefind import _fragment_url

    body = {"url": url, "content": "word " * 3000, "word_count": 3000}
    fragment = gzip.compress(b"pagefind_dcd" + json.dumps(body).encode("utf-8"))
    assert _fragment_url(fragment) == url
    assert _fragment_url(fragment[:30]) is None  # cut short: unreadable, not a guess
    assert _fragment_url(b"not a fragment") is None
