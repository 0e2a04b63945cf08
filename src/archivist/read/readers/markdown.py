"""Markdown + YAML front matter → Record.

Front matter is read strictly (see `yamlstrict`): values stay text until a field's own
parser reads them. Foreign field names map onto the model through `fields:` in
`archivist.yaml` (`date: doc_date`, `source: naa_refs[].reference`); every key that maps
nowhere is kept in `Record.extra`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import MappingProxyType

from archivist.model import Location, Participant, Problem, ReadResult, Record, Severity
from archivist.read.datelines import split_body
from archivist.read.dates import parse_date
from archivist.read.readers.source import Source
from archivist.read.yamlstrict import YamlError, YamlValue, load_mapping
from archivist.scaffold import PLACEHOLDER

_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")

# The model's own names, and common synonyms other tools use.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title",),
    "date": ("date",),
    "participants": ("participants",),
    "source": ("source", "source_citation", "citation"),
    "rights": ("rights", "rights_note", "license"),
    "summary": ("summary", "description", "abstract"),
    "type": ("type", "document_type"),
    "language": ("language", "languages"),
    "original_language": ("original_language",),
    "classification": ("classification", "original_classification"),
    "place": ("place", "location"),
    "archive": ("archive", "original_archive"),
    "collections": ("collections", "collection"),
    "subjects": ("subjects", "subject", "tags"),
    "funders": ("funders", "donors"),
    "translators": ("translators", "translator"),
    "uploaded": ("uploaded", "original_uploaded_date"),
    "record_id": ("record_id",),
    "related": ("related",),
    "status": ("status",),
    "embargo": ("embargo",),
}

_LIST_FIELDS = {
    "language", "original_language", "collections", "subjects", "funders",
    "translators", "related",
}  # fmt: skip
_TEXT_FIELDS = {
    "id", "title", "source", "rights", "summary", "type", "classification", "place",
    "archive", "record_id",
}  # fmt: skip

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


class _Builder:
    """Collects fields and problems for one file."""

    def __init__(self, source: Source, lines: dict[str, tuple[int, int]]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []
        self.origin: dict[str, Location] = {}

    def loc(self, key: str) -> Location:
        line, col = self.lines.get(key.split(".")[0].removesuffix("[]"), (1, 1))
        return Location(self.source.path, line, col)

    def error(self, key: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.loc(key), field, message))

    def warn(self, key: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.loc(key), field, message, Severity.WARNING))


def _text(b: _Builder, key: str, field: str, value: YamlValue) -> str | None:
    strings = _flat_strings(value)
    if isinstance(value, dict):
        b.error(key, field, "expected text, found a mapping")
        return None
    joined = "; ".join(s.strip() for s in strings if s.strip())
    return joined or None


def _list(b: _Builder, key: str, field: str, value: YamlValue) -> tuple[str, ...]:
    if isinstance(value, dict):
        b.error(key, field, "expected a list of text, found a mapping")
        return ()
    return tuple(s.strip() for s in _flat_strings(value) if s.strip())


def _participants(b: _Builder, key: str, value: YamlValue) -> tuple[Participant, ...]:
    out: list[Participant] = []
    items = value if isinstance(value, list) else [value] if value is not None else []
    for item in items:
        if isinstance(item, str) and item.strip():
            out.append(Participant(item.strip()))
        elif isinstance(item, dict):
            name = item.get("name")
            role = item.get("role")
            if not isinstance(name, str) or not name.strip():
                b.error(key, "participants", "each participant needs a name")
                continue
            out.append(
                Participant(
                    name.strip(), role.strip() if isinstance(role, str) and role.strip() else None
                )
            )
        elif item is not None:
            b.error(key, "participants", "expected a name or {name, role}")
    return tuple(out)


def _iso_day(b: _Builder, key: str, field: str, value: YamlValue) -> dt.date | None:
    text = _text(b, key, field, value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        b.error(key, field, f"expected a date as YYYY-MM-DD ({text!r})")
        return None


_Reader = Callable[[_Builder, str, str, YamlValue], object]


def _apply_body_parts(body: str, body_line: int, fields: dict[str, object], b: _Builder) -> str:
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
        return parts.body.strip("\n")
    return body


def read(text: str, source: Source) -> ReadResult:
    """Read one Markdown record file."""
    path = source.path
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
        parsed = load_mapping(front, first_line=2)
    except YamlError as exc:
        return ReadResult(
            problems=(Problem(Location(path, exc.line, exc.col), "yaml", exc.message),)
        )

    lines = parsed.lines
    data = parsed.value
    b = _Builder(source, lines)
    used: set[str] = set()
    values: dict[str, YamlValue] = {}
    keys: dict[str, str] = {}
    for field in _SYNONYMS:
        mapped = source.config.field_map.get(field)
        candidates = ((mapped,) if mapped else ()) + _SYNONYMS[field]
        for candidate in candidates:
            found, value = _lookup(data, candidate)
            if found and candidate.split(".")[0].removesuffix("[]") not in used:
                used.add(candidate.split(".")[0].removesuffix("[]"))
                values[field] = value
                keys[field] = candidate
                break

    fields: dict[str, object] = {}
    for field, value in values.items():
        key = keys[field]
        b.origin[field] = b.loc(key)
        if any(s.startswith(PLACEHOLDER) for s in _all_strings(value)):
            b.error(key, field, f"still holds the {PLACEHOLDER} placeholder from `archivist new`")
            continue
        if field in _TEXT_FIELDS:
            fields[field] = _text(b, key, field, value)
        elif field in _LIST_FIELDS:
            fields[field] = _list(b, key, field, value)
        elif field == "participants":
            fields[field] = _participants(b, key, value)
        elif field in ("uploaded", "embargo"):
            fields[field] = _iso_day(b, key, field, value)
        elif field == "date":
            text_value = _text(b, key, field, value)
            if text_value is not None:
                date = parse_date(text_value)
                if date is not None and not date.is_normalized:
                    b.error(key, "date", f"not a date archivist can read ({text_value!r})")
                fields[field] = date
        elif field == "status":
            status = (_text(b, key, field, value) or "published").lower()
            if status not in ("published", "draft"):
                b.error(key, "status", f"expected published or draft ({status!r})")
                status = "published"
            fields[field] = status

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
    extra = {k: v for k, v in data.items() if k not in used}
    body_text = body.strip("\n")
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
    if b.problems and any(p.is_error for p in b.problems):
        return ReadResult(problems=tuple(b.problems))
    body_text = _apply_body_parts(body_text, body_line, fields, b)
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
