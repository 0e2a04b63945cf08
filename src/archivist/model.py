"""The record model: frozen, typed dataclasses that every stage passes along.

Readers produce `Record`s, `enrich` builds an `Archive` from them, and templates see
only the `Archive`. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Literal, TypeVar

_T = TypeVar("_T")
Kind = Literal["person", "organization"]


def _fast_pickle(cls: type[_T]) -> type[_T]:
    """Pickle a frozen dataclass as its constructor and field values, in one C call.

    The default for slotted dataclasses calls `fields()` and `setattr` per object:
    records travel from read workers to the parent and into the build cache, where
    that was a third of the cost.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    values: Callable[[Any], Any] = attrgetter(*names)
    if len(names) == 1:
        one = values
        values = lambda obj: (one(obj),)  # noqa: E731

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Location:
    """Where a value came from: a file and a 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, reported as `path:line:col: field: message`."""

    location: Location
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@_fast_pickle
@dataclass(frozen=True, slots=True)
class ArchiveDate:
    """An archival date: the text as written plus its normalized reading.

    `edtf` is an Extended Date/Time Format string (`1955-06-30`, `1955-06`, `1956~`,
    `1955-06-28/1955-06-30`) or None when the text could not be (or need not be)
    normalized. `earliest`/`latest` bound the days the date can mean; sorting uses
    `earliest`. `time` keeps a time of day apart from the date (`4.20 p.m.`).
    """

    text: str
    edtf: str | None = None
    earliest: dt.date | None = None
    latest: dt.date | None = None
    time: str | None = None

    @property
    def is_normalized(self) -> bool:
        return self.edtf is not None and self.earliest is not None

    @property
    def year(self) -> int | None:
        return self.earliest.year if self.earliest else None

    @property
    def sort_key(self) -> tuple[int, str, str]:
        """Earliest possible day first; unparsed dates last, then by text."""
        if self.earliest is None:
            return (1, "", self.text)
        latest = (self.latest or self.earliest).isoformat()
        return (0, self.earliest.isoformat(), latest)


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Participant:
    """A person or body taking part in a record.

    `role` is what they are in this record: a function (`sender`, `recipient`,
    `speaker`) or an office as written (`Yugoslav Ambassador`). `kind` says whether
    the name is a person or an organization (a body, a post named by its place, an
    office named alone); the archive decides it (`enrich.people.kinds`). `ref` is the
    source's own identifier for the person (TEI `persName/@corresp`, `@ref`, `@key`;
    `id:` in front matter): mentions with one ref are one person, whatever their names.
    """

    name: str
    role: str | None = None
    kind: Kind = "person"
    ref: str | None = None


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Person:
    """One person (or body) across the archive: one people page each.

    `slug` names the page (`/people/<slug>/`); `aliases` are other spellings that
    resolve to this person (`Mao`, `Mao, Zedong`); `born`/`died` are as written
    (`1893`, `c. 1920`); `identifiers` maps schemes to ids (`wikidata: Q5816`).
    """

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    born: str | None = None
    died: str | None = None
    identifiers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    description: str | None = None
    kind: Kind = "person"
    # The name forms the records use for this person, most used first.
    forms: tuple[str, ...] = ()


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Note:
    """A footnote: its label as written in the text (`1`, `*`) and its text."""

    label: str
    text: str


BodyFormat = Literal["markdown", "text"]


def _empty_origin() -> Mapping[str, Location]:
    return MappingProxyType({})


def _empty_extra() -> Mapping[str, object]:
    return MappingProxyType({})


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Record:
    """One archival record, the single source of truth for every page and export.

    Text fields hold the text as written (editorial brackets kept); absent fields are
    None or empty. `body_format` says how to render `body`: `markdown` (the editor's
    format) or `text` (transcriptions and archive exports, where `*` and `#` are just
    characters). `origin` maps field names to where they were read; `extra` keeps every
    field the model has no place for, so nothing read is silently dropped.
    """

    id: str
    title: str
    path: str
    date: ArchiveDate | None = None
    participants: tuple[Participant, ...] = ()
    source: str | None = None
    rights: str | None = None
    summary: str | None = None
    type: str | None = None
    language: tuple[str, ...] = ()
    original_language: tuple[str, ...] = ()
    classification: str | None = None
    place: str | None = None
    archive: str | None = None
    collections: tuple[str, ...] = ()
    # The record's number in its collection as the edition gives it (`293`, `12A`).
    number: str | None = None
    subjects: tuple[str, ...] = ()
    funders: tuple[str, ...] = ()
    translators: tuple[str, ...] = ()
    uploaded: dt.date | None = None
    record_id: str | None = None
    related: tuple[str, ...] = ()
    body: str = ""
    body_format: BodyFormat = "markdown"
    notes: tuple[Note, ...] = ()
    status: Literal["published", "draft"] = "published"
    embargo: dt.date | None = None
    origin: Mapping[str, Location] = field(default_factory=_empty_origin)
    extra: Mapping[str, object] = field(default_factory=_empty_extra)

    def where(self, field_name: str) -> Location:
        """Where `field_name` was read, or the start of the file."""
        return self.origin.get(field_name) or Location(self.path, 1, 1)

    @property
    def number_key(self) -> tuple[int, str, str]:
        """The number in natural order (`2` < `10` < `10A`); records without one last."""
        m = re.match(r"\d{1,12}", self.number or "")
        if m is None:
            return (1 << 62, self.number or "", self.id)
        return (int(m.group()), self.number or "", self.id)

    @property
    def sort_key(self) -> tuple[tuple[int, str, str], str, str]:
        date_key = self.date.sort_key if self.date else (2, "", "")
        return (date_key, self.title.casefold(), self.id)


@_fast_pickle
@dataclass(frozen=True, slots=True)
class ReadResult:
    """What a reader returns for one file: records (one or more) and problems."""

    records: tuple[Record, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Term:
    """One value of a browsable facet (a type, language, archive, subject, collection)."""

    slug: str
    label: str
    record_ids: tuple[str, ...]


@_fast_pickle
@dataclass(frozen=True, slots=True)
class PersonEntry:
    """A person and the records they appear in, with their roles in each."""

    person: Person
    records: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Archive:
    """All published records plus the cross-record facts pages show.

    Every sequence is in a deterministic order: records by date (earliest possible
    day), then title, then id; facets and people by label.
    """

    records: tuple[Record, ...]
    by_id: Mapping[str, Record]
    people: tuple[PersonEntry, ...]
    # record id → its participants, each with the slug of their people page
    participant_slugs: Mapping[str, tuple[tuple[Participant, str], ...]]
    years: Mapping[int, tuple[str, ...]]
    undated: tuple[str, ...]
    facets: Mapping[str, tuple[Term, ...]]
    neighbours: Mapping[str, tuple[str | None, str | None]]
    related: Mapping[str, tuple[str, ...]]
    # Participants of kind organization, one entry each, by name (`people` holds persons).
    organizations: tuple[PersonEntry, ...] = ()
    # (kind, page slug) → the name its people or organization page shows: one search
    # facet value per page, whatever the spelling in a record.
    page_names: Mapping[tuple[str, str], str] = field(default_factory=lambda: MappingProxyType({}))
    # What the archive merged and what it left apart (`enrich.people.identity`).
    merges: tuple[tuple[str, tuple[str, ...]], ...] = ()
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()
