"""Checks on records read: text no page can carry (errors), unique ids, and advice
to the editor (warnings); `check` runs them with the derivation of participants."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from archivist.enrich import derive
from archivist.incremental.keys import record_digest
from archivist.model import Problem, Record, Severity, _fast_pickle
from archivist.read.controls import may_be_unsafe


def unique_ids(records: list[Record]) -> tuple[list[Record], list[Problem]]:
    """Cross-record checks: ids unique, blind to case (URLs on case-insensitive hosts)."""
    problems: list[Problem] = []
    seen: dict[str, Record] = {}
    kept: list[Record] = []
    for record in records:
        key = record.id.casefold()
        other = seen.get(key)
        if other is not None:
            problems.append(
                Problem(
                    record.where("id"), "id", f"id {record.id!r} is already used by {other.path}"
                )
            )
            continue
        seen[key] = record
        kept.append(record)
    return kept, problems


# Recommended fields: missing ones are warnings (they never stop a build, except
# under --strict). One row per field; the next archive's convention is one row away.
RECOMMENDED: tuple[tuple[str, str], ...] = (
    ("source", "no source citation: researchers cannot find the original"),
    ("rights", "no rights note: readers cannot tell how they may reuse the record"),
)


def missing_recommended(record: Record) -> list[Problem]:
    return [
        Problem(record.where(name), name, message, Severity.WARNING)
        for name, message in RECOMMENDED
        if not getattr(record, name)
    ]


def unnormalized_date(record: Record) -> list[Problem]:
    """A date kept as written but not understood: it sorts last and has no year page."""
    if record.date is None or record.date.is_normalized:
        return []
    return [
        Problem(
            record.where("date"),
            "date",
            f"could not read the date {record.date.text!r}; it is shown as written and "
            "sorted after dated records",
            Severity.WARNING,
        )
    ]


ADVICE: tuple[Callable[[Record], list[Problem]], ...] = (missing_recommended, unnormalized_date)


# Characters no output may carry, whatever the reader: lone surrogates (from escapes
# like "\ud800" in YAML or JSON) cannot be encoded as UTF-8, and C0/C1 controls
# other than tab and newline make HTML and XML invalid.
_UNSAFE_TEXT = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _strings(value: object, name: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(k, name)
            yield from _strings(v, name)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, name)
    elif hasattr(value, "__dataclass_fields__"):
        for f in value.__dataclass_fields__:
            yield from _strings(getattr(value, f), name)


def _texts(value: object, into: list[str]) -> None:
    """Every string `_strings` finds in `value`, without field names (and no generators:
    this runs over every record read)."""
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _texts(k, into)
            _texts(v, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _texts(item, into)
    elif hasattr(value, "__dataclass_fields__"):
        for f in value.__dataclass_fields__:
            _texts(getattr(value, f), into)


def unsafe_text(record: Record) -> list[Problem]:
    """Errors for text no page can carry (a net under every reader)."""
    texts: list[str] = []
    for name in record.__dataclass_fields__:
        if name not in ("origin", "path"):
            _texts(getattr(record, name), texts)
    if not may_be_unsafe("\n".join(texts)):
        return []  # nearly every record: one scan of all its text
    problems = []
    for name in record.__dataclass_fields__:
        if name in ("origin", "path"):
            continue
        for field_name, text in _strings(getattr(record, name), name):
            match = _UNSAFE_TEXT.search(text)
            if match:
                char = ord(match.group())
                what = "a lone surrogate" if 0xD800 <= char <= 0xDFFF else "a control character"
                problems.append(
                    Problem(
                        record.where(field_name),
                        field_name,
                        f"holds {what} (U+{char:04X}); remove it or the escape that makes it",
                    )
                )
                break
    return problems


def advise(record: Record) -> list[Problem]:
    """Warnings about a record that reads fine: what an editor should still fill in."""
    return [p for rule in ADVICE for p in rule(record)]


@_fast_pickle
@dataclass(frozen=True, slots=True)
class Checked:
    """What load makes of one record read: its unsafe-text errors, and when it has
    none, the record with participants derived (None: unchanged) and its warnings."""

    unsafe: tuple[Problem, ...] = ()
    derived: Record | None = None
    warnings: tuple[Problem, ...] = ()
    digest: str = ""  # record_digest of the record as published


def check(record: Record, context: derive.Context) -> Checked:
    bad = unsafe_text(record)
    if bad:
        return Checked(tuple(bad))
    # derive() is where participant names are resolved through the authority file;
    # the names it cannot resolve come back here as warnings.
    new, found = derive.derive(record, context)
    return Checked((), None if new is record else new, (*found, *advise(new)), record_digest(new))
