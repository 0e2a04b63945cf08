"""Archival dates → EDTF. (Minimal first version; see issue 3 for the full rule set.)"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from archivist.model import ArchiveDate

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_UNDATED = {"", "undated", "n.d.", "n.d", "nd", "no date"}


def parse_date(text: str) -> ArchiveDate | None:
    """Read an archival date; None when the text says there is no date.

    An ArchiveDate with `edtf=None` means the text was kept but not understood.
    """
    raw = " ".join(text.split())
    if raw.lower() in _UNDATED:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw)
    if m:
        return _day(raw, int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})", raw)
    if m and m[1].lower() in _MONTHS:
        return _day(raw, int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    m = re.fullmatch(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})", raw)
    if m and m[2].lower() in _MONTHS:
        return _day(raw, int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    m = re.fullmatch(r"([A-Za-z]+),? (\d{4})", raw)
    if m and m[1].lower() in _MONTHS:
        year, month = int(m[2]), _MONTHS[m[1].lower()]
        last = calendar.monthrange(year, month)[1]
        return ArchiveDate(
            raw, f"{year:04d}-{month:02d}", dt.date(year, month, 1), dt.date(year, month, last)
        )
    m = re.fullmatch(r"(\d{4})", raw)
    if m:
        year = int(m[1])
        return ArchiveDate(raw, f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31))
    return ArchiveDate(raw)


def _day(raw: str, year: int, month: int, day: int) -> ArchiveDate:
    try:
        when = dt.date(year, month, day)
    except ValueError:
        return ArchiveDate(raw)
    return ArchiveDate(raw, when.isoformat(), when, when)
