"""TEI datelines and date attributes: the place, date and time a dateline gives, and
a document's date from `@when`, `@notBefore`/`@notAfter` or `frus:doc-dateTime-min/max`."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from archivist.model import ArchiveDate
from archivist.read import dates

_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return _SPACE.sub(" ", text).strip()


_YEAR = re.compile(r"(?<![\d/])(?:1[0-9]|20)\d\d(?![\dZz])")
_WEEKDAYS = {d.lower() for d in calendar.day_name}
_MONTHS = {m.lower() for m in calendar.month_name if m} | {
    m.lower() for m in calendar.month_abbr if m
}


@dataclass(frozen=True, slots=True)
class DatelineParts:
    """A dateline split into what it says: `Athens, August 19, 2002, 1425Z`."""

    place: str | None
    date: str
    time: str | None


def split_dateline(text: str) -> DatelineParts:
    """Place first (leading comma-parts with no digits), then the date, then any time."""
    raw = norm(text)
    years = list(_YEAR.finditer(raw))
    date, time = raw, None
    if years:
        end = years[-1].end()
        rest = raw[end:].strip(" ,;")
        if rest and re.search(r"\d|noon|midnight", rest, re.I):
            date, time = raw[:end], rest
    parts = date.split(",")
    lead = 0
    while lead < len(parts) - 1 and _is_place_part(parts[lead]):
        lead += 1
    place = ", ".join(p.strip() for p in parts[:lead]) or None
    return DatelineParts(place, ",".join(parts[lead:]).strip(), time)


def _is_place_part(part: str) -> bool:
    words = part.strip().lower().rstrip(".").split()
    if not words or any(ch.isdigit() for ch in part):
        return False
    return words[0] not in _WEEKDAYS and words[0] not in _MONTHS


_MONTH_NUM = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_DAY_RANGE = re.compile(
    r"([A-Za-z]+)\.? (\d{1,2})\s*[-–]\s*(?:([A-Za-z]+)\.? )?(\d{1,2}),? (\d{4})"
)


def day_range(text: str) -> ArchiveDate | None:
    """`November 7-8, 1958`, `June 20-August 31, 1961` → an EDTF interval.

    A stopgap for datelines until `dates.parse_date` reads ranges itself; it is only
    asked when `dates` returns no normalized reading.
    """
    m = _DAY_RANGE.fullmatch(norm(text))
    if not m:
        return None
    first = _MONTH_NUM.get(m[1].lower())
    last = _MONTH_NUM.get((m[3] or m[1]).lower())
    if first is None or last is None:
        return None
    try:
        start = dt.date(int(m[5]), first, int(m[2]))
        stop = dt.date(int(m[5]), last, int(m[4]))
    except ValueError:
        return None
    if stop < start:
        return None
    return ArchiveDate(norm(text), f"{start}/{stop}", start, stop)


def date_from_text(text: str) -> ArchiveDate | None:
    """A dateline's date text read by `archivist.dates` (then the range stopgap)."""
    found = dates.parse_date(text)
    if found is not None and found.is_normalized:
        return found
    finder = cast("Callable[[str], ArchiveDate | None] | None", getattr(dates, "find_date", None))
    if finder is not None:
        located = finder(text)
        if located is not None and located.is_normalized:
            return located
    return day_range(text) or found


_ISO = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}:\d{2})[^\s]*)?")


def iso_bounds(value: str) -> tuple[str, dt.date, dt.date, str | None] | None:
    """`1961-06-05T10:30:00` → (`1961-06-05`, first day, last day, `10:30`), or None."""
    m = _ISO.fullmatch(value.strip())
    if not m or m[1].startswith("-"):
        return None
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    try:
        if day:
            first = last = dt.date(year, month, day)
            return first.isoformat(), first, last, m[4]
        if month:
            end = calendar.monthrange(year, month)[1]
            return (
                f"{year:04d}-{month:02d}",
                dt.date(year, month, 1),
                dt.date(year, month, end),
                None,
            )
        return f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31), None
    except ValueError:
        return None


def date_from_attrs(attrs: Mapping[str, str], text: str) -> ArchiveDate | None:
    """`@when`, or `@from`/`@to` (`@notBefore`/`@notAfter`), as an ArchiveDate."""
    if "when" in attrs:
        got = iso_bounds(attrs["when"])
        if got is None:
            return None
        edtf, first, last, time = got
        return ArchiveDate(text or edtf, edtf, first, last, time)
    start = attrs.get("from") or attrs.get("notBefore")
    stop = attrs.get("to") or attrs.get("notAfter")
    if not start and not stop:
        return None
    lo = iso_bounds(start) if start else None
    hi = iso_bounds(stop) if stop else None
    if (start and lo is None) or (stop and hi is None):
        return None
    if lo and hi and hi[2] < lo[1]:
        return None
    edtf = f"{lo[0] if lo else '..'}/{hi[0] if hi else '..'}"
    return ArchiveDate(text or edtf, edtf, lo[1] if lo else None, hi[2] if hi else None)
