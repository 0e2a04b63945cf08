"""What the search index holds for one record: its text, meta, filters and sort key.

Only what researchers search is indexed: title, participants, summary, source and
the body text — not navigation, related lists or footers.
"""

from __future__ import annotations

import re

from archivist import site
from archivist.model import Archive, Record
from archivist.search import IndexEntry

_MD_LINK = re.compile(r"\]\([^)\s]*\)")


def _plain(record: Record) -> str:
    body = record.body
    if record.body_format == "markdown":
        body = _MD_LINK.sub("]", body)
    return body


def decade_label(year: int) -> str:
    return f"{year // 10 * 10}s"


def index_entry(record: Record, archive: Archive, language: str) -> IndexEntry:
    people = [p.name for p, _ in archive.participant_slugs[record.id]]
    people = list(dict.fromkeys(people))
    parts = [record.title, ", ".join(people), record.summary or "", record.source or ""]
    parts += [n.text for n in record.notes]
    content = "\n\n".join(p for p in parts if p) + "\n\n" + _plain(record)
    meta = {"title": record.title, "date": record.date.text if record.date else "Undated"}
    if record.type:
        meta["type"] = record.type
    if record.language:
        meta["language"] = ", ".join(record.language)
    if record.summary:
        meta["summary"] = record.summary[:300]
    filters: dict[str, list[str]] = {}
    if people:
        filters["person"] = people
    if record.type:
        filters["type"] = [record.type]
    if record.language:
        filters["language"] = list(record.language)
    if record.archive:
        filters["archive"] = [record.archive]
    if record.collections:
        filters["collection"] = list(record.collections)
    year = record.date.year if record.date else None
    if year is not None:
        filters["year"] = [f"{year:04d}"]
        filters["decade"] = [decade_label(year)]
    else:
        filters["year"] = ["Undated"]
    sort = {}
    if record.date and record.date.earliest:
        sort["date"] = record.date.earliest.isoformat()
    return IndexEntry(
        url="/" + site.record_url(record.id),
        content=content,
        language=language,
        meta=meta,
        filters=filters,
        sort=sort,
    )
