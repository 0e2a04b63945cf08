"""Cite this record: a Chicago-style note and BibTeX, RIS and CSL-JSON downloads.

The Chicago note follows the Chicago Manual of Style's form for unpublished documents
in an online archive (sender to recipient, "title," date, source as written, the
archive site, URL). It is written here rather than through citeproc-py: with the
CSL Chicago note styles, citeproc-py dropped the month from month-only dates, turned
names into initials and put commas outside closing quotation marks, and archival
citations must not lose the precision of a date. RIS is written with `rispy`;
BibTeX is a few lines with careful escaping (record text may hold `{`, `%`, `\\`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import rispy  # no stubs; see pyproject mypy overrides

from archivist.config import Config
from archivist.model import ArchiveDate, Record
from archivist.render import urls
from archivist.render.metadata import authors, date_parts, language_tag, recipients

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_ISO_TEXT = re.compile(r"\s*(\d{4})-(\d{2})(?:-(\d{2}))?\s*")


def written_date(date: ArchiveDate) -> str:
    """The date for people: as written, or, when the source gives only an ISO value,
    written out (`1946-12-08` → `8 December 1946`, `1946-12` → `December 1946`)."""
    if "/" in date.text:  # an ISO range: `1870-08-08/1870-08-21`
        lo, _, hi = date.text.partition("/")
        lo_text, hi_text = written_date(ArchiveDate(lo)), written_date(ArchiveDate(hi))
        if lo_text != lo and hi_text != hi:
            return f"{lo_text} – {hi_text}"
        return date.text
    m = _ISO_TEXT.fullmatch(date.text)
    if m is None:
        return date.text
    year, month, day = int(m[1]), int(m[2]), m[3]
    try:
        dt.date(year, month, int(day or 1))
    except ValueError:
        return date.text
    written = f"{MONTHS[month - 1]} {year}"
    return f"{int(day)} {written}" if day else written


# Record types (case-folded) that are correspondence: RIS `PCOMM`, CSL `letter`.
CORRESPONDENCE = frozenset(
    {"letter", "telegram", "cable", "cablegram", "note verbale", "dispatch", "despatch",
     "correspondence", "postcard", "message", "airgram"}
)  # fmt: skip
# Record types that are interviews or conversations: CSL `interview`.
CONVERSATION = frozenset({"conversation", "interview", "memorandum of conversation", "record of conversation"})  # fmt: skip


def _flat(text: str) -> str:
    return " ".join(text.split())


def _and(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _kind(record: Record, names: list[str] | None = None, to: list[str] | None = None) -> str:
    """`letter`, `interview` or `manuscript`; pass the record's authors and recipients
    when they are at hand (each format needs them anyway)."""
    kind = (record.type or "").strip().casefold()
    if names is None:
        names = authors(record)
    if to is None:
        to = recipients(record)
    if kind in CORRESPONDENCE or (names and to):
        return "letter"
    if kind in CONVERSATION:
        return "interview"
    return "manuscript"


def _url(config: Config, record: Record) -> str:
    return urls.absolute(config, urls.record_url(record.id))


# -- Chicago ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChicagoNote:
    """The note as text up to the URL, and the URL (so pages can link it)."""

    text: str
    url: str

    def __str__(self) -> str:
        return f"{self.text} {self.url}."


def chicago_note(record: Record, config: Config) -> ChicagoNote:
    """`Anna Keller to Tomas Brenner, “Letter …,” June 1977, <source>, <site>, <url>.`"""
    parts: list[str] = []
    names, to_names = authors(record), recipients(record)
    lead = _and(names)
    to = _and(to_names)
    if lead and to:
        lead = f"{lead} to {to}"
    if lead:
        parts.append(lead)
    # Correspondence is cited by sender and recipient, not by title (CMOS 14.232);
    # everything else by its title, the comma inside the closing quotation mark.
    title = _flat(record.title).rstrip(",")
    letter = _kind(record, names, to_names) == "letter" and bool(to) and bool(lead)
    if not letter:
        parts.append(f"“{title},”")
    rest: list[str] = []
    if record.type and (letter or record.type.casefold() not in title.casefold()):
        kind = _flat(record.type)
        # A generic descriptor is lower-case in a note ("telegram"); a name is kept.
        rest.append(kind.lower() if kind == kind.capitalize() else kind)
    rest.append(_flat(written_date(record.date)) if record.date else "n.d.")
    if record.source:
        rest.append(_flat(record.source).rstrip(". "))
    flat_source = _flat(record.source or "").casefold()
    missing = [t for t in record.translators if t.casefold() not in flat_source]
    if missing:
        rest.append(f"trans. {_and(missing)}")
    if record.archive and record.archive.casefold() not in flat_source:
        rest.append(_flat(record.archive))
    rest.append(_flat(config.title))
    if letter:
        text = ", ".join(parts + rest) + ","
    else:
        text = ", ".join([*parts[:-1], parts[-1] + " " + rest[0], *rest[1:]]) + ","
    return ChicagoNote(text, _url(config, record))


# -- CSL-JSON -----------------------------------------------------------------------


def _csl_name(name: str) -> dict[str, str]:
    # Names stay as written (`Mao Zedong` is family name first): a literal never
    # mis-splits them. Citation managers show it as it is.
    return {"literal": _flat(name)}


def csl_item(record: Record, config: Config) -> dict[str, Any]:
    """One CSL-JSON item (the format citeproc, Zotero and Pandoc read)."""
    names, to = authors(record), recipients(record)
    item: dict[str, Any] = {
        "id": record.id,
        "type": _kind(record, names, to),
        "title": _flat(record.title),
        "URL": _url(config, record),
        "container-title": config.title,
    }
    if names:
        item["author"] = [_csl_name(n) for n in names]
    if to:
        item["recipient"] = [_csl_name(n) for n in to]
    if record.translators:
        item["translator"] = [_csl_name(n) for n in record.translators]
    parts = date_parts(record.date)
    if parts and record.date:
        issued: dict[str, Any] = {"date-parts": [list(parts.parts)]}
        if parts.approximate:
            issued["circa"] = True
        item["issued"] = issued
    elif record.date:
        item["issued"] = {"literal": record.date.text}
    if record.uploaded:
        item["available-date"] = {
            "date-parts": [[record.uploaded.year, record.uploaded.month, record.uploaded.day]]
        }
    if record.type:
        item["genre"] = record.type
    if record.archive:
        item["archive"] = record.archive
    if record.place:
        item["event-place"] = record.place
    if record.source:
        item["source"] = _flat(record.source)
        item["note"] = _flat(record.source)
    if record.summary:
        item["abstract"] = _flat(record.summary)
    if record.language:
        item["language"] = language_tag(record.language[0]) or record.language[0]
    if record.subjects:
        item["keyword"] = ", ".join(record.subjects)
    if config.publisher:
        item["publisher"] = config.publisher
    if record.record_id:
        item["archive_location"] = record.record_id
    return item


def csl_json(record: Record, config: Config) -> str:
    return json.dumps([csl_item(record, config)], ensure_ascii=False, indent=1) + "\n"


# -- BibTeX -------------------------------------------------------------------------

_BIB_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIB_SPECIAL = re.compile(r"[\\{}%&$#_^~]")
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def bib_escape(text: str) -> str:
    """Text → a BibTeX value that reads back as the same text (UTF-8 kept)."""
    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES[m.group(0)], _flat(text))


def _bib_name(name: str) -> str:
    # Braced: a name is one unit, never split into first/last by BibTeX.
    return "{" + bib_escape(name) + "}"


def _bib_key(record: Record) -> str:
    return _KEY_UNSAFE.sub("-", record.id) or "record"


def _archive_in_source(record: Record) -> bool:
    """The archive is named in the source already (BibTeX's note names it once)."""
    source = _flat(record.source or "").casefold()
    return bool(record.archive) and (record.archive or "").casefold() in source


def bibtex(record: Record, config: Config) -> str:
    """A biblatex-friendly `@misc` entry (also read by plain BibTeX and Zotero)."""
    key = _bib_key(record)
    fields: list[tuple[str, str]] = []
    names = authors(record)
    if names:
        fields.append(("author", " and ".join(_bib_name(n) for n in names)))
    # Double braces keep the title's capitals as written.
    fields.append(("title", "{" + bib_escape(record.title) + "}"))
    parts = date_parts(record.date)
    if parts:
        fields.append(("date", parts.iso + ("~" if parts.approximate else "")))
        fields.append(("year", str(parts.parts[0])))
        if len(parts.parts) > 1:
            fields.append(("month", calendar.month_abbr[parts.parts[1]].lower()))
    elif record.date:
        fields.append(("year", bib_escape(record.date.text)))
    if record.type:
        fields.append(("type", bib_escape(record.type)))
    to = recipients(record)
    if to:
        fields.append(("titleaddon", bib_escape("to " + _and(to))))
    if record.translators:
        fields.append(("translator", " and ".join(_bib_name(n) for n in record.translators)))
    if record.place:
        fields.append(("location", bib_escape(record.place)))
    note = [_flat(record.source)] if record.source else []
    if record.archive and not _archive_in_source(record):
        note.append(_flat(record.archive))
    if note:
        fields.append(("note", bib_escape(". ".join(n.rstrip(". ") for n in note))))
    fields.append(("howpublished", bib_escape(config.title)))
    if config.publisher:
        fields.append(("organization", bib_escape(config.publisher)))
    url = _url(config, record)
    fields.append(("url", url.replace("%", r"\%").replace("#", r"\#")))
    if record.uploaded:
        fields.append(("urldate", record.uploaded.isoformat()))
    if record.language:
        fields.append(("language", bib_escape(record.language[0])))
    if record.subjects:
        fields.append(("keywords", bib_escape(", ".join(record.subjects))))
    if record.summary:
        fields.append(("abstract", bib_escape(record.summary)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


# -- RIS ----------------------------------------------------------------------------


def ris_entry(record: Record, config: Config) -> dict[str, Any]:
    """The record as a `rispy` entry (RIS tag names through rispy's mapping)."""
    names, to = authors(record), recipients(record)
    entry: dict[str, Any] = {
        "type_of_reference": "PCOMM" if _kind(record, names, to) == "letter" else "MANSCPT",
        "title": _flat(record.title),
        "urls": [_url(config, record)],
        "name_of_database": _flat(config.title),
    }
    if names:
        entry["authors"] = [_flat(n) for n in names]
    if to:
        entry["secondary_authors"] = [_flat(n) for n in to]
    if record.translators:
        entry["subsidiary_authors"] = [_flat(n) for n in record.translators]
    parts = date_parts(record.date)
    if parts:
        padded = [f"{parts.parts[0]:04d}"] + [f"{n:02d}" for n in parts.parts[1:]]
        padded += [""] * (3 - len(padded))
        entry["date"] = "/".join(padded) + "/" + ("circa" if parts.approximate else "")
        entry["year"] = f"{parts.parts[0]:04d}"
    if record.type:
        entry["type_of_work"] = _flat(record.type)
    if record.place:
        entry["place_published"] = _flat(record.place)
    notes = [_flat(record.source)] if record.source else []
    if record.date:
        notes.append(f"Date as written: {_flat(record.date.text)}")
    if record.archive:
        notes.append(f"Archive: {_flat(record.archive)}")
    if notes:
        entry["notes"] = notes
    if record.summary:
        entry["abstract"] = _flat(record.summary)
    if record.subjects:
        entry["keywords"] = [_flat(s) for s in record.subjects]
    if record.language:
        entry["language"] = _flat(record.language[0])
    if config.publisher:
        entry["database_provider"] = _flat(config.publisher)
        entry["publisher"] = _flat(config.publisher)
    if record.record_id:
        entry["accession_number"] = _flat(record.record_id)
    if record.uploaded:
        entry["access_date"] = record.uploaded.isoformat().replace("-", "/")
    return entry


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without its `1.` counter line: one reference per file."""

    def set_header(self, count: int) -> str:
        return ""


_RIS_WRITER: _RisWriter | None = None


def ris(record: Record, config: Config) -> str:
    """The record as an RIS file (each value on one line: RIS has no continuations)."""
    global _RIS_WRITER
    # One writer for every record: `rispy.dumps` makes a new one per call, and each
    # inverts rispy's whole tag mapping (most of the cost of a small entry).
    if _RIS_WRITER is None:
        _RIS_WRITER = _RisWriter()
    text: str = _RIS_WRITER.formats([ris_entry(record, config)])
    return text


def cite_urls(record_id: str) -> dict[str, str]:
    """Site-relative URLs of a record's citation downloads."""
    base = urls.record_url(record_id)
    return {"bib": base + "cite.bib", "ris": base + "cite.ris", "json": base + "cite.json"}


@dataclass(frozen=True, slots=True)
class Download:
    """One citation format the record page offers: where it is, when it is a file
    (`citation_files`); else the page makes it from `page_data` (static/cite.js)."""

    suffix: str
    mediatype: str
    name: str
    note: str
    href: str | None


_FORMATS = (
    ("bib", "application/x-bibtex", "BibTeX", ".bib: LaTeX, biblatex"),
    ("ris", "application/x-research-info-systems", "RIS", ".ris: Zotero, EndNote, Mendeley"),
    ("json", "application/vnd.citationstyles.csl+json", "CSL-JSON", ".json: Zotero, Pandoc"),
)


def formats(record_id: str, files: bool) -> list[Download]:
    """The formats in the order the page lists them."""
    where = cite_urls(record_id) if files else {}
    return [Download(s, m, n, note, where.get(s)) for s, m, n, note in _FORMATS]


# CSL-JSON fields static/cite.js reads from the page's JSON-LD (`metadata.json_ld`):
# the page says each once. The subjects (RIS keywords) come from its `about` too.
FROM_JSON_LD = frozenset(
    {
        "title", "URL", "container-title", "author", "translator", "genre", "archive",
        "event-place", "source", "note", "abstract", "language", "keyword", "publisher",
    }
)  # fmt: skip


def page_data(record: Record, config: Config) -> dict[str, Any]:
    """What static/cite.js needs besides the page's JSON-LD to write the three files in
    the page: the rest of the CSL-JSON item, and the few values BibTeX and RIS take
    from the record besides. tests/test_record_page.py checks that the page gives the
    files' very bytes."""
    item = csl_item(record, config)
    data: dict[str, Any] = {"csl": {k: v for k, v in item.items() if k not in FROM_JSON_LD}}
    key = _bib_key(record)
    if key != record.id:
        data["key"] = key
    if record.date:
        data["date"] = record.date.text
    if record.language:
        data["language"] = record.language[0]
    if _archive_in_source(record):
        data["archive_in_source"] = True
    return data
