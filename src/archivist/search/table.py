"""The search table: the one file the search page reads before its first search.

The page's query engine needs, from every bundle (shard or overlay) the manifest lists,
what the bundle's meta index holds — each page's result id and word count, the words'
index chunks, the meta fields — and the page itself needs each result's place in date
order and each place's filter values, to sort, filter and count without Pagefind. At
100,000 records in 64 shards that was 64 meta indexes and a 4.9 MB JSON order file
keyed by result id: 65 requests and ~300 ms of parsing before the first search. Here
it is one file of columns.

The file, as Pagefind's own: gzip of the signature and one CBOR value,
[kind, dated, bundles, facets, ambiguous]:

- `dated`: places from `dated` on are undated records (last in either date order);
- `bundles`, in the manifest's order: [result ids (space-separated), word counts
  (u32), places (i32; -1 for an entry an overlay supersedes), meta fields], from the
  meta index of the archive's language (else the bundle's first language), as the
  page searches;
- `facets`: [name, values (sorted), values per place, value indexes place by place,
  the two integer widths in bytes];
- `ambiguous`: [[result id, URL, place]…] for result ids two bundles share (ids are
  short hashes), which Pagefind's own search — the page's search for languages
  without a stemmer — gives without its bundle.

Integers are unsigned little-endian unless said; widths are the smallest that fit.

Each bundle's index chunks ([[from, to, hash]…], from the same meta index) go into
the manifest instead (`write_table` returns them): the page fetches the chunks a
query needs while the table is still loading.
"""

from __future__ import annotations

import gzip
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from archivist.publish.write import write_file
from archivist.search import pagefind_files

TABLE = "search-table.bin"
KIND = "archivist search table 1"
SIGNATURE = b"archivist_st"


class TableError(ValueError):
    """A bundle's files are not what the table needs (another Pagefind version)."""


@dataclass(frozen=True, slots=True)
class Facet:
    """One filter's values, and which of them each place holds."""

    name: str
    values: tuple[str, ...]
    counts: tuple[int, ...]  # how many values each place holds
    items: tuple[int, ...]  # the value indexes, place after place


@dataclass(frozen=True, slots=True)
class Order:
    """Every record's place in date order, and each place's filter values."""

    dated: int
    places: dict[str, int]  # record URL → place
    facets: tuple[Facet, ...]


@dataclass(frozen=True, slots=True)
class TableBundle:
    """A bundle the manifest lists, as the table needs it."""

    folder: Path  # where its files are now
    languages: Mapping[str, str]  # language → its meta index's reference
    fragments: Mapping[str, str]  # result id → record URL
    stale: frozenset[str] = field(default_factory=frozenset)  # ids an overlay supersedes


class _Entry(Protocol):
    """What `order_of` reads of an index entry (search.pagefind.IndexEntry)."""

    @property
    def url(self) -> str: ...
    @property
    def filters(self) -> dict[str, list[str]]: ...
    @property
    def sort(self) -> dict[str, str]: ...


def order_of(entries: Sequence[_Entry]) -> Order:
    """Places by date (then URL, so that the order does not depend on the shards),
    undated records last by URL; and each place's filter values."""
    dated = sorted(
        (e for e in entries if e.sort.get("date")), key=lambda e: (e.sort["date"], e.url)
    )
    undated = sorted((e for e in entries if not e.sort.get("date")), key=lambda e: e.url)
    by_place = dated + undated
    names = sorted({name for e in by_place for name in e.filters})
    facets = []
    for name in names:
        values = sorted({v for e in by_place for v in e.filters.get(name, ())})
        index = {v: n for n, v in enumerate(values)}
        counts: list[int] = []
        items: list[int] = []
        for e in by_place:
            held = sorted({index[v] for v in e.filters.get(name, ())})
            counts.append(len(held))
            items.extend(held)
        facets.append(Facet(name, tuple(values), tuple(counts), tuple(items)))
    places = {e.url: n for n, e in enumerate(by_place)}
    return Order(len(dated), places, tuple(facets))


def _fixed(values: Sequence[int], code: str) -> bytes:
    """Integers as little-endian bytes of an `array` type code."""
    packed = array(code, values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _column(values: Sequence[int]) -> tuple[bytes, int]:
    """Unsigned integers in the smallest width that holds them, and the width."""
    high = max(values, default=0)
    for width, code in ((1, "B"), (2, "H"), (4, "I")):
        if high < 1 << (8 * width):
            return _fixed(values, code), width
    raise TableError("an integer too large for the search table")


def _meta(bundle: TableBundle, language: str) -> list[object]:
    """[version, pages, chunks, filters, sorts, fields] of the bundle's meta index in
    `language`, else in its first language (as the page picks)."""
    languages = bundle.languages
    if not languages:
        raise TableError(f"the search bundle in {bundle.folder} holds no index")
    ref = languages.get(language) or languages[sorted(languages)[0]]
    path = bundle.folder / f"pagefind.{ref}.pf_meta"
    try:
        meta = pagefind_files.payload(path.read_bytes())
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise TableError(f"unreadable meta index {path}: {exc}") from exc
    if not (isinstance(meta, list) and len(meta) == 6):
        raise TableError(f"a meta index of an unknown shape: {path}")
    return meta


def _bundle_row(
    bundle: TableBundle,
    language: str,
    places: Mapping[str, int],
    seen: dict[str, list[tuple[str, int]]],
) -> tuple[list[object], list[object]]:
    """The bundle's row of the table, and its index chunks."""
    _, pages, chunks, _, _, fields = _meta(bundle, language)
    if not isinstance(pages, list) or not isinstance(chunks, list):
        raise TableError(f"a meta index of an unknown shape in {bundle.folder}")
    ids: list[str] = []
    counts: list[int] = []
    placed: list[int] = []
    for page in pages:
        # [result id, word count]; ids are joined with spaces in the table.
        if not (isinstance(page, list) and len(page) == 2 and isinstance(page[1], int)):
            raise TableError(f"a meta index of an unknown shape in {bundle.folder}")
        rid, words = str(page[0]), page[1]
        if not rid or " " in rid:
            raise TableError(f"a result id the search table cannot hold: {rid!r}")
        url = bundle.fragments.get(rid)
        # A stale entry may be a deleted record's: it has no place.
        place = -1 if rid in bundle.stale else places.get(url or "")
        if url is None or place is None:
            raise TableError(f"search result {rid} in {bundle.folder} names no record")
        ids.append(rid)
        counts.append(words)
        placed.append(place)
        seen.setdefault(rid, []).append((url, place))
    return [" ".join(ids), _fixed(counts, "I"), _fixed(placed, "i"), fields], chunks


def table_value(
    order: Order, bundles: Sequence[TableBundle], language: str
) -> tuple[list[object], list[list[object]]]:
    """The table's CBOR value (see the module notes); each bundle's index chunks."""
    seen: dict[str, list[tuple[str, int]]] = {}
    made = [_bundle_row(b, language, order.places, seen) for b in bundles]
    rows = [row for row, _ in made]
    facets: list[object] = []
    for facet in order.facets:
        counts, count_width = _column(facet.counts)
        items, item_width = _column(facet.items)
        facets.append([facet.name, list(facet.values), counts, items, count_width, item_width])
    # For an id in two bundles, the place of each (id, URL): a live entry wins over a
    # stale one of the same record (an overlay that left its entry as it was).
    ambiguous: dict[tuple[str, str], int] = {}
    for rid, where in seen.items():
        if len(where) > 1:
            for url, place in where:
                ambiguous[rid, url] = max(place, ambiguous.get((rid, url), -1))
    pairs = [[rid, url, place] for (rid, url), place in sorted(ambiguous.items())]
    return [KIND, order.dated, rows, facets, pairs], [chunks for _, chunks in made]


def write_table(
    target: Path, order: Order, bundles: Sequence[TableBundle], language: str
) -> tuple[str, list[list[object]]]:
    """Write the table; its content digest (the manifest names it with one) and each
    bundle's index chunks (the manifest lists them)."""
    value, chunks = table_value(order, bundles, language)
    data = SIGNATURE + pagefind_files.encode(value)
    return write_file(target, gzip.compress(data, compresslevel=6, mtime=0)), chunks


def read_table(raw: bytes) -> dict[str, Any]:
    """The table as the page reads it (static/search-engine.js, readTable): bundles
    with `ids`, `counts`, `places`, `fields`; facets name → the values of
    each place; `ambiguous` (id, URL) → place. For tests and tools."""
    data = gzip.decompress(raw)
    if not data.startswith(SIGNATURE):
        raise TableError("not a search table")
    value, _ = pagefind_files.decode(data, len(SIGNATURE))
    if not (isinstance(value, list) and len(value) == 5 and value[0] == KIND):
        raise TableError("a search table of another version")
    _, dated, rows, facets, pairs = value
    bundles = [
        {
            "ids": ids.split(" ") if ids else [],
            "counts": _ints(counts, 4, signed=False),
            "places": _ints(places, 4, signed=True),
            "fields": fields,
        }
        for ids, counts, places, fields in rows
    ]
    columns: dict[str, list[list[str]]] = {}
    for name, values, counts, items, count_width, item_width in facets:
        held = iter(_ints(items, item_width, signed=False))
        columns[name] = [
            [values[next(held)] for _ in range(n)] for n in _ints(counts, count_width, signed=False)
        ]
    ambiguous = {(rid, url): place for rid, url, place in pairs}
    return {"dated": dated, "bundles": bundles, "facets": columns, "ambiguous": ambiguous}


def _ints(data: bytes, width: int, *, signed: bool) -> list[int]:
    return [
        int.from_bytes(data[i : i + width], "little", signed=signed)
        for i in range(0, len(data), width)
    ]


__all__ = [
    "TABLE",
    "Facet",
    "Order",
    "TableBundle",
    "TableError",
    "order_of",
    "read_table",
    "write_table",
]
