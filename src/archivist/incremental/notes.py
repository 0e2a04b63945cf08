"""What one build notes for the next, typed: each kind of note is a dataclass that
says how it is kept (`data`, JSON) and read back (`parse`, None for another shape, so
a damaged note only makes the work be done again). Notes live in the cache's
units.json, each under a name and valid while its key is unchanged."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from archivist.incremental.cache import BuildCache, FileStamp
from archivist.publish.splice import SPLICED, Ranges, Splicer, ranges_from


def _str_map(value: object) -> dict[str, str] | None:
    if isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return value
    return None


@dataclass(frozen=True, slots=True)
class RelatedNote:
    """Each record's related records, under the `related_key` they were made for."""

    related: Mapping[str, tuple[str, ...]]

    def data(self) -> object:
        return {k: list(v) for k, v in self.related.items()}

    @classmethod
    def parse(cls, value: object) -> Self | None:
        if not isinstance(value, dict):
            return None
        related: dict[str, tuple[str, ...]] = {}
        for rid, ids in value.items():
            if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
                return None
            related[rid] = tuple(ids)
        return cls(related)


@dataclass(frozen=True, slots=True)
class SpliceNote:
    """Where each record's piece lies in a spliced data file (records.jsonl.gz, …)."""

    ranges: Ranges

    def data(self) -> object:
        return {k: list(v) for k, v in self.ranges.items()}

    @classmethod
    def parse(cls, value: object) -> Self | None:
        return cls(ranges_from(value))  # ranges of another shape are left out


@dataclass(frozen=True, slots=True)
class ShardNote:
    """A search shard's bundle: what it was made from, and its result ids."""

    frame: str  # `keys.shard_frame`
    rows: Mapping[str, str]  # record id → `keys.shard_row`
    fragments: Mapping[str, str]  # result id → URL, of every entry in the bundle

    def data(self) -> object:
        return {"frame": self.frame, "rows": self.rows, "fragments": self.fragments}

    @classmethod
    def parse(cls, value: object) -> Self | None:
        if not isinstance(value, dict) or not isinstance(value.get("frame"), str):
            return None
        rows, fragments = _str_map(value.get("rows")), _str_map(value.get("fragments"))
        if rows is None or fragments is None:
            return None
        return cls(value["frame"], rows, fragments)


@dataclass(frozen=True, slots=True)
class OverlayNote:
    """A shard's overlay (serve): the result ids of the records indexed into it."""

    fragments: Mapping[str, str]  # result id → URL

    def data(self) -> object:
        return dict(self.fragments)

    @classmethod
    def parse(cls, value: object) -> Self | None:
        fragments = _str_map(value)
        return None if fragments is None else cls(fragments)


# related_key → record id → ids of its related records (see enrich/archive).
RelatedMemo = dict[str, Mapping[str, tuple[str, ...]]]


def related_memo(cache: BuildCache) -> RelatedMemo:
    """The last build's related-records lists, by their `related_key`."""
    note = cache.last_note("related", RelatedNote)
    return {} if note is None else {note[0]: note[1].related}


def note_related(cache: BuildCache, memo: RelatedMemo) -> None:
    """Keep this build's related-records lists (`build_archive` filled `memo`)."""
    for key, related in memo.items():
        cache.note("related", key, RelatedNote(related))


def last_splicer(cache: BuildCache, base: str, out: Path, same: Collection[str]) -> Splicer:
    """The last build's spliced files that are still as it published them."""
    previous: dict[str, tuple[Path, Ranges]] = {}
    for rel in SPLICED:
        if cache.reusable(f"data:{rel}", base) is not None:
            note = cache.noted(f"splice:{rel}", base, SpliceNote)
            previous[rel] = (out / rel, note.ranges if note else {})
    return Splicer(previous, same)


def note_spliced(cache: BuildCache, base: str, root: Path, splicer: Splicer) -> None:
    """Keep the spliced files this build made under `root`, with each record's range."""
    for rel, ranges in splicer.made.items():
        made = FileStamp.of(rel, root / rel)
        cache.store_unit(f"data:{rel}", base, [made])
        cache.note(f"splice:{rel}", base, SpliceNote(ranges))
