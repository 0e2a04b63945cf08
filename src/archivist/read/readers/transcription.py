"""Plain transcriptions (`.txt` that is not an archive page export).

The shape is an edited document with its title put first:

    Department of External Affairs to Officer        <- title

    Cablegram 15 CANBERRA, 30 January 1947           <- dateline: type, place, date
    SECRET                                           <- classification
    ...text...
     _                                               <- footnote block
    1 See Document 228.
    _
     _[AA:A1068/1, IC47/15/2/2/1]_                   <- archival reference

Everything after the title is read by `datelines.split_body`. What cannot be read
is a warning naming the line, never a lost record; an empty file is an error.
Participants are not derived here: one module does that for every reader.
"""

from __future__ import annotations

from types import MappingProxyType

from archivist.model import Location, Problem, ReadResult, Record, Severity
from archivist.read.datelines import split_body
from archivist.read.readers.source import Source

#: A first line longer than this is still the title, but probably not meant as one.
LONG_TITLE = 300


def read(text: str, source: Source) -> ReadResult:
    """Read one plain transcription into a Record, with warnings for what is missing."""
    path = source.path
    lines = text.split("\n")
    title_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_at is None:
        return ReadResult(
            problems=(Problem(Location(path), "title", "empty transcription: no title line"),)
        )
    title = lines[title_at].strip().lstrip("#").strip() or lines[title_at].strip()
    offset = title_at + 1  # body line 1 is file line offset + 1
    parts = split_body("\n".join(lines[offset:]))
    problems: list[Problem] = []

    def at(body_line: int | None) -> Location:
        return Location(path, (body_line or 1) + offset)

    def warn(where: Location, field: str, message: str) -> None:
        problems.append(Problem(where, field, message, Severity.WARNING))

    if len(title) > LONG_TITLE:
        warn(Location(path, title_at + 1), "title", f"first line is {len(title)} characters long")
    origin = {"title": Location(path, title_at + 1)}
    dateline = parts.dateline
    if dateline is None:
        first = next((i + 1 for i, line in enumerate(lines[offset:]) if line.strip()), None)
        warn(
            at(first), "date", "no dateline found after the title; date, type and place left empty"
        )
    else:
        where = at(parts.dateline_line)
        for field_name in ("date", "type", "place"):
            origin[field_name] = where
        if dateline.date is None:
            warn(where, "date", f"no date found in the dateline ({dateline.text[:80]!r})")
        elif dateline.date.edtf is None:
            warn(where, "date", f"date not understood ({dateline.date.text!r}); kept as written")
    if parts.classification_line is not None:
        origin["classification"] = at(parts.classification_line)
    elif dateline is not None and dateline.classification is not None:
        origin["classification"] = at(parts.dateline_line)
    if parts.notes_line is not None:
        origin["notes"] = at(parts.notes_line)
    if parts.source is not None:
        origin["source"] = at(parts.source_line)
    else:
        warn(Location(path, len(lines)), "source", "no archival reference found at the end")
    origin["body"] = Location(path, offset + 1)
    record = Record(
        id=source.stem,
        title=title,
        path=path,
        date=dateline.date if dateline else None,
        type=dateline.type if dateline else None,
        place=dateline.place if dateline else None,
        classification=parts.classification,
        source=parts.source,
        notes=parts.notes,
        body=parts.body,
        body_format="text",
        origin=MappingProxyType(origin),
    )
    return ReadResult(records=(record,), problems=tuple(problems))
