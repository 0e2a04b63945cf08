"""Markdown + YAML front matter → Record.

Front matter is read strictly (see `yamlstrict`): values stay text until a field's own
parser reads them. Foreign field names map onto the model through `fields:` in
`archivist.yaml` (`date: doc_date`, `source: naa_refs[].reference`); every key that maps
nowhere is kept in `Record.extra`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from archivist.model import (
    ArchiveDate,
    Location,
    Participant,
    Problem,
    ReadResult,
    Record,
    Severity,
)
from archivist.read.datelines import Dateline, split_body
from archivist.read.dates import parse_date
from archivist.read.readers.source import Source
from archivist.read.yamlstrict import Positioned, YamlError, YamlValue, load_mapping
from archivist.scaffold import PLACEHOLDER

_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter, body, 1-based line where the body starts).

    Front matter is None when the file does not start with `---`. Raises YamlError when
    the block is opened but never closed.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise YamlError(1, 1, "front matter opened with --- but never closed")


def _lookup(data: dict[str, YamlValue], path: str) -> tuple[bool, YamlValue]:
    """Follow a key path like `naa_refs[].reference`; `[]` maps over a list."""
    if "." not in path and "[" not in path:
        return (True, data[path]) if path in data else (False, None)  # one key: no walk
    parts = path.split(".")

    def walk(value: YamlValue, rest: list[str]) -> YamlValue:
        if not rest:
            return value
        head, tail = rest[0], rest[1:]
        over = head.endswith("[]")
        key = head[:-2] if over else head
        if not isinstance(value, dict) or key not in value:
            return None
        inner = value[key]
        if over:
            if not isinstance(inner, list):
                inner = [inner]
            found = [walk(item, tail) for item in inner]
            return [f for f in found if f is not None]
        return walk(inner, tail)

    root = parts[0].removesuffix("[]")
    if root not in data:
        return False, None
    return True, walk(data, parts)


def _all_strings(value: YamlValue) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _all_strings(v)]
    return [value] if isinstance(value, str) else []


def _flat_strings(value: YamlValue) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _flat_strings(item)]
    return []


def _root(key: str) -> str:
    """The top-level front-matter key a key path starts from (`naa_refs[].x` → `naa_refs`)."""
    if "." not in key and "[" not in key:
        return key  # most keys are one name: no need to split
    return key.split(".")[0].removesuffix("[]")


class _Builder:
    """Collects fields and problems for one file."""

    def __init__(self, source: Source, lines: dict[str, tuple[int, int]]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []
        self.origin: dict[str, Location] = {}

    def loc(self, key: str) -> Location:
        line, col = self.lines.get(_root(key), (1, 1))
        return Location(self.source.path, line, col)

    def error(self, key: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.loc(key), field, message))

    def warn(self, key: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.loc(key), field, message, Severity.WARNING))


def _text(b: _Builder, key: str, field: str, value: YamlValue) -> str | None:
    """Text; a list's items are joined with `; `, a mapping is an error."""
    strings = _flat_strings(value)
    if isinstance(value, dict):
        b.error(key, field, "expected text, found a mapping")
        return None
    joined = "; ".join(s.strip() for s in strings if s.strip())
    return joined or None


def _list(b: _Builder, key: str, field: str, value: YamlValue) -> tuple[str, ...]:
    """A list of text (one string is a list of one); a mapping is an error."""
    if isinstance(value, dict):
        b.error(key, field, "expected a list of text, found a mapping")
        return ()
    return tuple(s.strip() for s in _flat_strings(value) if s.strip())


def _participants(b: _Builder, key: str, field: str, value: YamlValue) -> tuple[Participant, ...]:
    """Names, or `{name, role, id}` mappings (`id`: the source's identifier of the person,
    one person whatever the name); an entry without a name is an error."""
    out: list[Participant] = []
    items = value if isinstance(value, list) else [value] if value is not None else []
    for item in items:
        if isinstance(item, str) and item.strip():
            out.append(Participant(item.strip()))
        elif isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                b.error(key, field, "each participant needs a name")
                continue
            role, ref = (_optional_text(item.get(k)) for k in ("role", "id"))
            out.append(Participant(name.strip(), role, ref=ref))
        elif item is not None:
            b.error(key, field, "expected a name or {name, role, id}")
    return tuple(out)


def _optional_text(value: YamlValue) -> str | None:
    """A stripped string, or None for anything else or blank (`id: 42` is `42`)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _iso_day(b: _Builder, key: str, field: str, value: YamlValue) -> dt.date | None:
    """A day written as YYYY-MM-DD (upload and embargo days are exact, never archival)."""
    text = _text(b, key, field, value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        b.error(key, field, f"expected a date as YYYY-MM-DD ({text!r})")
        return None


# A handler's answer that leaves the field out of the record (as if never written).
_UNSET = object()


def _date(b: _Builder, key: str, field: str, value: YamlValue) -> object:
    """An archival date as written; text that does not read as one is an error."""
    text = _text(b, key, field, value)
    if text is None:
        return _UNSET  # so the body's dateline may still supply the date
    date = parse_date(text)
    if date is not None and not date.is_normalized:
        b.error(key, "date", f"not a date archivist can read ({text!r})")
    return date


def _status(b: _Builder, key: str, field: str, value: YamlValue) -> str:
    """`published` (the default) or `draft`; anything else is an error."""
    status = (_text(b, key, field, value) or "published").lower()
    if status not in ("published", "draft"):
        b.error(key, "status", f"expected published or draft ({status!r})")
        status = "published"
    return status


_Handler = Callable[[_Builder, str, str, YamlValue], object]


@dataclass(frozen=True, slots=True)
class _Field:
    """A front-matter field: the keys it may be written under, and how it is read."""

    keys: tuple[str, ...]  # the model's own name first, then synonyms other tools use
    read: _Handler


# Record field → its keys and handler. The order is the order keys are claimed in (a
# key serves one field) and problems are reported in; a new field is one more row.
_FIELDS: Mapping[str, _Field] = MappingProxyType(
    {
        "id": _Field(("id",), _text),
        "title": _Field(("title",), _text),
        "date": _Field(("date",), _date),
        "participants": _Field(("participants",), _participants),
        "source": _Field(("source", "source_citation", "citation"), _text),
        "rights": _Field(("rights", "rights_note", "license"), _text),
        "summary": _Field(("summary", "description", "abstract"), _text),
        "type": _Field(("type", "document_type"), _text),
        "language": _Field(("language", "languages"), _list),
        "original_language": _Field(("original_language",), _list),
        "classification": _Field(("classification", "original_classification"), _text),
        "place": _Field(("place", "location"), _text),
        "archive": _Field(("archive", "original_archive"), _text),
        "collections": _Field(("collections", "collection"), _list),
        "number": _Field(("number", "doc_num", "document_number"), _text),
        "subjects": _Field(("subjects", "subject", "tags"), _list),
        "funders": _Field(("funders", "donors"), _list),
        "translators": _Field(("translators", "translator"), _list),
        "uploaded": _Field(("uploaded", "original_uploaded_date"), _iso_day),
        "record_id": _Field(("record_id",), _text),
        "related": _Field(("related",), _list),
        "status": _Field(("status",), _status),
        "embargo": _Field(("embargo",), _iso_day),
    }
)


_CODE_INDENT = re.compile(r"^(?: {4,}|\t)(?=\S)", re.M)
_ISO_ONLY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")


def _same_day(front: object, dateline: ArchiveDate | None) -> bool:
    """An ISO-only front-matter date and a dateline date of the same day."""
    return (
        isinstance(front, ArchiveDate)
        and dateline is not None
        and _ISO_ONLY.fullmatch(front.text) is not None
        and front.edtf is not None
        and front.edtf == dateline.edtf
    )


def _dispatch_number(dateline: Dateline) -> str | None:
    """The telegram's number after its type: `Cablegram UN949 NEW YORK` → `UN949`."""
    if not dateline.type:
        return None
    rest = dateline.text[len(dateline.type) :] if dateline.text.startswith(dateline.type) else ""
    m = re.match(r"\s+(\S{0,12}\d\S{0,12}?),?\s", rest)
    return m.group(1) if m and dateline.date and m.group(1) not in dateline.date.text else None


def _apply_body_parts(
    body: str, body_line: int, fields: dict[str, object], b: _Builder, extras: dict[str, object]
) -> str:
    """Fill fields the front matter lacks from the body's own dateline, notes and
    trailing archival reference (the shape of edited document collections such as
    DAFP); the front matter always wins. Bodies with Markdown footnotes are the
    editor's own layout and are left alone.
    """
    if not body or "[^" in body:
        return body
    parts = split_body(body)
    dateline = parts.dateline

    def at(line: int | None) -> Location:
        return Location(b.source.path, body_line + (line or 1) - 1, 1)

    if dateline is not None:
        for name, value in (("type", dateline.type), ("place", dateline.place)):
            if value and not fields.get(name):
                fields[name] = value
                b.origin[name] = at(parts.dateline_line)
        if dateline.date is not None and "date" not in fields:
            fields["date"] = dateline.date
            b.origin["date"] = at(parts.dateline_line)
        elif _same_day(fields.get("date"), dateline.date):
            # The front matter's ISO value and the dateline agree: the date as the
            # document writes it, with its time of day (`8 December 1946, 8.08 p.m.`).
            fields["date"] = dateline.date
        number = _dispatch_number(dateline)
        if number:
            extras["dispatch_number"] = number
    classification = parts.classification or (dateline.classification if dateline else None)
    if classification and not fields.get("classification"):
        fields["classification"] = classification
        b.origin["classification"] = at(parts.classification_line or parts.dateline_line)
    if parts.source and not fields.get("source"):
        fields["source"] = parts.source
        b.origin["source"] = at(parts.source_line)
    if parts.notes:
        fields["notes"] = parts.notes
        b.origin["notes"] = at(parts.notes_line)
    if parts.notes or parts.source:
        text = parts.body.strip("\n")
        if dateline is not None:
            # An edited document's paragraphs indented four spaces are the export's
            # layout, not code: kept as text (note markers and emphasis in them render).
            text = _CODE_INDENT.sub("", text)
        return text
    return body


def _front_matter(text: str, path: str) -> tuple[Positioned, str, int] | ReadResult:
    """(front matter, body, body's first line), or the problem that it cannot be read."""
    try:
        front, body, body_line = split_front_matter(text)
        if front is None:
            return ReadResult(
                problems=(
                    Problem(
                        Location(path, 1, 1),
                        "front matter",
                        "a record file starts with a --- front matter block (title, date, …)",
                    ),
                )
            )
        return load_mapping(front, first_line=2), body, body_line
    except YamlError as exc:
        return ReadResult(
            problems=(Problem(Location(path, exc.line, exc.col), "yaml", exc.message),)
        )


def _claim_keys(
    data: dict[str, YamlValue], field_map: Mapping[str, str]
) -> tuple[dict[str, YamlValue], dict[str, str], set[str]]:
    """Which key each field is read from: (values, keys, top-level keys used).

    A key mapped in `fields:` comes before the field's own keys; a top-level key
    serves the first field that claims it.
    """
    used: set[str] = set()
    values: dict[str, YamlValue] = {}
    keys: dict[str, str] = {}
    for field, spec in _FIELDS.items():
        mapped = field_map.get(field)
        for candidate in ((mapped,) if mapped else ()) + spec.keys:
            root = _root(candidate)
            if root in data and root not in used:  # (looked up only when there)
                used.add(root)
                values[field] = _lookup(data, candidate)[1]
                keys[field] = candidate
                break
    return values, keys, used


def _read_fields(
    b: _Builder, values: dict[str, YamlValue], keys: dict[str, str]
) -> dict[str, object]:
    """Each claimed value through its field's handler; placeholders are errors."""
    fields: dict[str, object] = {}
    for field, value in values.items():
        key = keys[field]
        b.origin[field] = b.loc(key)
        if any(s.startswith(PLACEHOLDER) for s in _all_strings(value)):
            b.error(key, field, f"still holds the {PLACEHOLDER} placeholder from `archivist new`")
            continue
        read_value = _FIELDS[field].read(b, key, field, value)
        if read_value is not _UNSET:
            fields[field] = read_value
    return fields


def _check_body(b: _Builder, body_text: str, body_line: int) -> None:
    """Where the body starts, and an error while it is still the template's placeholder."""
    path = b.source.path
    if body_text.startswith(PLACEHOLDER):
        b.problems.append(
            Problem(
                Location(path, body_line, 1),
                "body",
                f"still holds the {PLACEHOLDER} placeholder from `archivist new`",
            )
        )
    if body_text:
        b.origin["body"] = Location(path, body_line, 1)


def read(text: str, source: Source) -> ReadResult:
    """Read one Markdown record file."""
    path = source.path
    front = _front_matter(text, path)
    if isinstance(front, ReadResult):
        return front
    parsed, body, body_line = front
    data = parsed.value
    b = _Builder(source, parsed.lines)
    values, keys, used = _claim_keys(data, source.config.field_map)
    fields = _read_fields(b, values, keys)

    record_id = fields.pop("id", None) or source.stem
    assert isinstance(record_id, str)
    if not _ID.match(record_id):
        b.error(
            keys.get("id", "id"),
            "id",
            f"ids use letters, digits, '.', '_' and '-' (at most 128) ({record_id[:80]!r})",
        )
    title = fields.pop("title", None)
    if not title:
        b.error(keys.get("title", "title"), "title", "missing title")
    extra: dict[str, object] = {k: v for k, v in data.items() if k not in used}
    body_text = body.strip("\n")
    _check_body(b, body_text, body_line)
    if b.problems and any(p.is_error for p in b.problems):
        return ReadResult(problems=tuple(b.problems))
    body_text = _apply_body_parts(body_text, body_line, fields, b, extra)
    record = Record(
        id=record_id,
        title=str(title),
        path=path,
        body=body_text,
        body_format="markdown",
        origin=MappingProxyType(dict(b.origin)),
        extra=MappingProxyType(extra),
        **fields,  # type: ignore[arg-type]
    )
    return ReadResult(records=(record,), problems=tuple(b.problems))
