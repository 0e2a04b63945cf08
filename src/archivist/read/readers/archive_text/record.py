"""Record building: a draft → a Record, with warnings for what is missing or odd."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType

from archivist.model import Location, Note, Participant, Problem, ReadResult, Record, Severity
from archivist.read.dates import parse_date
from archivist.read.readers.archive_text.body import split_notes
from archivist.read.readers.archive_text.detect import is_furniture
from archivist.read.readers.archive_text.draft import Draft
from archivist.read.readers.archive_text.fields import (
    clean_obfuscated_email,
    merge_names,
    source_credits,
)
from archivist.read.readers.archive_text.lines import trim_blank
from archivist.read.readers.archive_text.tail import related_entries
from archivist.read.readers.source import Source


@dataclass(slots=True)
class _Texts:
    """Free-text fields after the e-mail clean-up, and how many addresses were withheld."""

    withheld: int = 0

    def clean(self, text: str | None) -> str | None:
        if not text:
            return None
        cleaned, n = clean_obfuscated_email(text)
        self.withheld += n
        return cleaned


@dataclass(frozen=True, slots=True)
class _FreeText:
    """The record's free-text fields, cleaned of hidden e-mail addresses."""

    source: str | None
    rights: str | None
    summary: str | None
    body: str
    notes: tuple[Note, ...]
    withheld: int  # addresses the capture hid and no known one stands in for


@dataclass(slots=True)
class _Warnings:
    """Warnings about one file, in the order they are found."""

    path: str
    problems: list[Problem] = field(default_factory=list)

    def __call__(self, line: int, name: str, message: str) -> None:
        self.problems.append(Problem(Location(self.path, line), name, message, Severity.WARNING))


def build_record(draft: Draft, source: Source) -> ReadResult:
    """Turn a draft into a Record, with warnings for what is missing or odd."""
    warn = _Warnings(source.path)
    origin = dict(draft.origin)
    title = _fallback(draft, origin, "title", "citation_title")
    date_text = _fallback(draft, origin, "date_text", "citation_date")
    if "date_text" in origin:
        origin["date"] = origin.pop("date_text")
    text = _free_text(draft, origin)
    if text.withheld:
        warn(1, "rights", f"{text.withheld} e-mail address(es) hidden by the capture withheld")
    credits = source_credits(text.source or "")
    _merged_origins(draft, origin, credits)

    if not title:
        title = source.stem
        warn(1, "title", f"no title found; the file name {source.stem!r} stands in for it")
    date = parse_date(date_text) if date_text else None
    if date is None:
        warn(origin.get("title", 1), "date", "no date found")
    elif date.edtf is None:
        warn(origin["date"], "date", f"date not understood ({date.text!r})")
    _warn_missing(draft, origin, text, warn)

    record = Record(
        id=source.stem,
        title=title,
        path=source.path,
        date=date,
        participants=tuple(Participant(name) for name in merge_names(_people(draft))),
        source=text.source,
        rights=text.rights,
        summary=text.summary,
        type=draft.first("type"),
        language=tuple(draft.lists.get("language", [])),
        original_language=tuple(draft.lists.get("original_language", [])),
        classification=draft.first("classification"),
        archive=draft.first("archive"),
        subjects=tuple(draft.lists.get("subjects", [])),
        funders=_funders(draft),
        translators=tuple(credits.get("translators", [])),
        uploaded=_uploaded(draft.first("uploaded")),
        record_id=draft.first("record_id") or draft.values.get("record_id_url"),
        body=text.body,
        body_format="text",
        notes=text.notes,
        origin=_record_origin(origin, source.path),
        extra=MappingProxyType(_extra(draft, credits)),
    )
    return ReadResult(records=(record,), problems=tuple(warn.problems))


def _free_text(draft: Draft, origin: dict[str, int]) -> _FreeText:
    """Source, rights, summary, body and notes, with the lines body and notes start on."""
    texts = _Texts()
    # A labelled source wins; else the value the citation gives (and its line).
    source_text = texts.clean(
        " ".join(draft.lists["source"]) if "source" in draft.lists else None
    ) or texts.clean(_fallback(draft, origin, "source", "citation_source"))
    rights = texts.clean(draft.values.get("rights"))
    summary = texts.clean(draft.values.get("summary"))
    body_lines, found_notes = split_notes([line for line in draft.body if not is_furniture(line)])
    body = texts.clean("\n".join(line.text for line in trim_blank(body_lines))) or ""
    notes = tuple(Note(note.label, texts.clean(note.text) or "") for note, _ in found_notes)
    if draft.body:
        origin["body"] = draft.body[0].no
    if found_notes:
        origin["notes"] = found_notes[0][1]
    return _FreeText(source_text, rights, summary, body, notes, texts.withheld)


_PEOPLE_LISTS = ("authors", "document_contributors", "associated_people_orgs")
_FUNDER_LISTS = ("funder_line", "donors")


def _people(draft: Draft) -> list[str]:
    """Authors, contributors and associated people, in that order (merged later)."""
    return [name for key in _PEOPLE_LISTS for name in draft.lists.get(key, [])]


def _funders(draft: Draft) -> tuple[str, ...]:
    """The funder line's names and the donors, each name once."""
    return merge_names(*(draft.lists.get(key, []) for key in _FUNDER_LISTS))


def _merged_origins(draft: Draft, origin: dict[str, int], credits: dict[str, list[str]]) -> None:
    """Lines for the Record fields made from several things read (the earliest line)."""
    if credits.get("translators") and "source" in origin:
        origin["translators"] = origin["source"]
    for name, keys in (("participants", _PEOPLE_LISTS), ("funders", _FUNDER_LISTS)):
        lines = [origin[k] for k in keys if k in origin]
        if lines:
            origin[name] = min(lines)
    if "related" in origin:
        origin["related_documents"] = origin["related"]
    if "record_id" not in draft.lists and "record_id_url" in origin:
        origin["record_id"] = origin["record_id_url"]


def _warn_missing(draft: Draft, origin: dict[str, int], text: _FreeText, warn: _Warnings) -> None:
    """Warnings for a missing source or rights note, and for lines left unplaced."""
    info_at = origin.get("label:document information", origin.get("body", 1))
    if not text.source:
        warn(info_at, "source", "no source citation found")
    if not text.rights:
        warn(info_at, "rights", "no rights note found")
    if "unplaced" in draft.lists:
        warn(origin["unplaced"], "file", "lines after the body not recognised; kept in extra")


def _record_origin(origin: dict[str, int], path: str) -> MappingProxyType[str, Location]:
    """The lines of the Record's fields (internal keys dropped), sorted by name."""
    return MappingProxyType(
        {name: Location(path, origin[name]) for name in sorted(origin) if name in _ORIGIN}
    )


# Origin keys that name Record fields (or `extra` keys); internal keys are dropped.
_ORIGIN = frozenset(
    {
        "title", "date", "summary", "source", "rights", "type", "language",
        "original_language", "classification", "archive", "subjects", "uploaded",
        "record_id", "funders", "participants", "translators", "body", "notes",
        "places", "topics", "related_documents", "leading_text", "citation", "contents",
        "authors", "document_contributors", "associated_people_orgs", "unplaced",
    }
)  # fmt: skip


def _fallback(draft: Draft, origin: dict[str, int], name: str, fallback: str) -> str | None:
    """`name` as found, else the value the citation gives (and its line)."""
    value = draft.values.get(name)
    if value:
        return value
    value = draft.values.get(fallback)
    if value:
        origin[name] = origin[fallback]
    return value


def _extra(draft: Draft, credits: dict[str, list[str]]) -> dict[str, object]:
    """Everything read that the model has no field for, so nothing is dropped."""
    extra: dict[str, object] = {"family": draft.family, **draft.extra}
    for role in ("contributors", "transcribers", "obtained_by", "editors", "annotators"):
        if credits.get(role):
            extra[role] = tuple(credits[role])
    for name in ("authors", "document_contributors", "associated_people_orgs", "places", "topics"):
        if draft.lists.get(name):
            extra[name] = tuple(draft.lists[name])
    if len(draft.lists.get("archive", [])) > 1:
        extra["archives"] = tuple(draft.lists["archive"])
    if draft.lists.get("related"):
        extra["related_documents"] = tuple(related_entries(draft.lists["related"]))
    if draft.lists.get("unplaced"):
        extra["unplaced"] = tuple(draft.lists["unplaced"])
    return extra


def _uploaded(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
