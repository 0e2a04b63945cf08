"""Archival dates → EDTF, with the text as written kept for display.

`parse_date` reads a whole date field (`June 30, 1955`, `c. 1956`, `[1950]`,
`June 28-30, 1955`, `22.IV.1948`, `23 June 1954, 3:00 a.m.`); `find_date` finds the
first full date inside a longer line such as a dateline
(`Cablegram 398 CANBERRA, 25 November 1946, 4.30 p.m.`).

How it works, in three linear passes over at most `MAX_LINE` characters:

1. `_clean` drops footnote markers (`[1]`, `[1](#f1)`, a digit glued to a month or
   year as in `May2` or `19681`) and editorial brackets, remembering which characters
   were inside brackets (supplied by the editor) and where each kept character came
   from, so a match maps back to the text as written.
2. `_tokenize` cuts the cleaned text into numbers, words, compact dates (`1955-06-30`,
   `22.IV.1948`, `12.9.1996`) and times of day (`4.20 p.m.`, `1425Z`).
3. `_expression` reads a date from the tokens: an optional qualifier (`c.`, `between`,
   `on or before`), a point (`30 June 1955`, `June 1977`, `1948`), optionally a range
   separator and a second point that borrows what the first lacks (`June 28-30, 1955`).

Qualifiers, in EDTF terms (the notation is validated with the `edtf` library):

- `c.`, `ca.`, `circa`, `about` → approximate, `~` (`1956~`).
- a trailing `?` → uncertain, `?` (`1955?`).
- editorial brackets (`[1950]`, `[2 December] 1948`) → *supplied*: see `_qualified`.
- both approximate and uncertain → `%`.

Bounds (`earliest`, `latest`) are the strict first and last day the date can mean;
qualifiers do not widen them, so `c. 1956` sorts and files under 1956.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from archivist.model import ArchiveDate

#: A date field longer than this is kept as written but not read.
MAX_TEXT = 300
#: `find_date` looks at no more than this many characters of a line.
MAX_LINE = 2000

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS = {
    **_MONTH_NAMES,
    **{name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_ROMAN = {
    "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6,
    "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11, "XII": 12,
}  # fmt: skip
_WEEKDAYS = {d.lower() for d in calendar.day_name} | {d.lower() for d in calendar.day_abbr}
_APPROX = {"c", "ca", "circa", "about", "approx", "approximately", "around"}
_UNDATED = {"undated", "n.d.", "n.d", "nd", "n. d.", "no date", "s.d.", "s.d", "date unknown"}
# Words that may sit between a date and its time or around it without changing it.
_FILLER = {"at", "on", "the", "of", "hours", "hrs"}

_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))

# --- pass 1: clean ---------------------------------------------------------------

# Footnote references in Markdown (`[1](#f1)`, `[^1]`) are never part of a date.
_MD_NOTE = re.compile(r"\[\^?\d{1,3}\]\(#[^()\s]{0,20}\)|\[\^\d{1,3}\]")
# `[n]` is a supplied day only when a month follows; otherwise it is a note marker.
_BRACKET_NUM = re.compile(r"\[(\d{1,3})\]")
_BEFORE_MONTH = re.compile(rf"\s*(?:{_MONTH_ALT})\b", re.I)
_AFTER_CLOSE = re.compile(r"\]\s*$")
# A note number glued to a month (`May2`), a year (`May 19681`) or a bracket (`]1`).
_GLUED = re.compile(
    rf"\b(?:{_MONTH_ALT})(\d{{1,2}})\b"
    rf"|\b(?:{_MONTH_ALT})\.?,?\s+(?:1[5-9]|20)\d\d(\d{{1,2}})\b"
    r"|\](\d{1,2})\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class _Clean:
    """Text without markers and brackets, with each character's origin and status."""

    text: str
    origin: tuple[int, ...]  # index in the text as written, one per character
    supplied: tuple[bool, ...]  # inside editorial brackets
    any_supplied: bool = True


_KEPT_AS_IS = re.compile(r"[^\[\]*_]*")


def _clean(raw: str) -> _Clean:
    drop = bytearray(len(raw) + 1)

    def mark(start: int, end: int) -> None:
        drop[start:end] = b"\x01" * (end - start)

    for m in _MD_NOTE.finditer(raw):
        mark(m.start(), m.end())
    for m in _BRACKET_NUM.finditer(raw):
        before = raw[max(0, m.start() - 3) : m.start()]
        digits = len(raw[: m.start()]) - len(raw[: m.start()].rstrip("0123456789"))
        if digits and digits + len(m[1]) == 4:
            continue  # supplied digits of a year: `198[3]`
        is_day = _BEFORE_MONTH.match(raw, m.end()) is not None or (
            raw.startswith(" [", m.end()) and _BRACKET_NUM.match(raw, m.end() + 1) is not None
        )
        if _AFTER_CLOSE.search(before) or not is_day:
            mark(m.start(), m.end())
    for m in _GLUED.finditer(raw):
        group = next(i for i in (1, 2, 3) if m.group(i) is not None)
        mark(m.start(group), m.end(group))
    if not any(drop) and _KEPT_AS_IS.fullmatch(raw):  # the common case: nothing to drop
        return _Clean(raw, tuple(range(len(raw))), (False,) * len(raw), False)
    chars: list[str] = []
    origin: list[int] = []
    supplied: list[bool] = []
    depth = 0
    for i, ch in enumerate(raw):
        if drop[i]:
            continue
        if ch == "[":
            depth += 1
            continue
        if ch == "]":
            depth = max(0, depth - 1)
            continue
        if ch in "*_":  # Markdown emphasis around a dateline
            continue
        chars.append(ch)
        origin.append(i)
        supplied.append(depth > 0)
    return _Clean("".join(chars), tuple(origin), tuple(supplied), any(supplied))


# --- pass 2: tokens ----------------------------------------------------------------

_TIME = (
    r"(?:[01]?\d|2[0-3])(?:[.:][0-5]\d)?\.?\s?"
    r"(?:[ap]\.?\s?m\b\.?|noon\b|midnight\b|G\.?M\.?T\b\.?)"
    r"|(?:[01]\d|2[0-3])[0-5]\d\s?(?:Z|GMT|hrs|hours)\b"
    r"|(?:[01]?\d|2[0-3]):[0-5]\d(?!\d)"
)
_TOKEN = re.compile(
    rf"(?P<time>{_TIME})"
    r"|(?P<iso>\d{4})-(?P<im>0[1-9]|1[0-2])(?:-(?P<id>0[1-9]|[12]\d|3[01]))?(?![\d-])"
    r"|(?P<rd>\d{1,2})\.\s?(?P<rm>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\.\s?(?P<ry>\d{4})(?!\d)"
    r"|(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})\.(?P<dy>\d{4})(?!\d)"
    r"|(?P<sa>\d{1,2})/(?P<sb>\d{1,2})/(?P<sy>\d{4})(?!\d)"
    r"|(?P<num>\d+)(?P<ord>st|nd|rd|th|d)?(?![A-Za-z\d])"
    r"|(?P<word>[^\W\d_]+)(?P<dot>\.)?"
    r"|(?P<dash>[-–—])"
    r"|(?P<punct>[,?~/.;:()])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.I,
)


class _Tok(NamedTuple):
    """One token (a tuple: made for every word of every line a date is looked for in)."""

    kind: str  # time, compact, num, word, dash, punct, other
    text: str
    start: int  # in the cleaned text
    end: int
    value: tuple[int, ...] = ()  # num: (n,); compact: (y, m, d) or alternatives
    supplied: bool = False


def _tokenize(clean: _Clean) -> list[_Tok]:
    toks: list[_Tok] = []
    supplied = clean.supplied if clean.any_supplied else None
    for m in _TOKEN.finditer(clean.text):
        if m["space"]:
            continue
        sup = supplied is not None and any(supplied[m.start() : m.end()])
        kind, value = _kind(m)
        toks.append(_Tok(kind, m.group(), m.start(), m.end(), value, sup))
    return _merge_time_ranges(toks)


def _kind(m: re.Match[str]) -> tuple[str, tuple[int, ...]]:
    if m["time"]:
        return "time", ()
    if m["iso"]:
        return "compact", (int(m["iso"]), int(m["im"]), int(m["id"] or 0))
    if m["rd"]:
        return "compact", (int(m["ry"]), _ROMAN[m["rm"].upper()], int(m["rd"]))
    if m["dd"]:
        # Dotted numeric dates are read day-first: the dot is the European and
        # Commonwealth separator, not the American month-first one.
        return "compact", (int(m["dy"]), int(m["dm"]), int(m["dd"]))
    if m["sa"]:
        return "slashed", (int(m["sy"]), int(m["sa"]), int(m["sb"]))
    if m["num"]:
        return "num", (int(m["num"]),)
    for kind in ("word", "dash", "punct"):
        if m[kind]:
            return kind, ()
    return "other", ()


def _merge_time_ranges(toks: list[_Tok]) -> list[_Tok]:
    """`9:08 a.m. to 12:30 p.m.` is one time of day, not two."""
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if (
            t.kind == "time"
            and i + 2 < len(toks)
            and toks[i + 2].kind == "time"
            and (toks[i + 1].kind == "dash" or toks[i + 1].text.lower() in ("to", "until", "till"))
        ):
            end = toks[i + 2]
            out.append(_Tok("time", "", t.start, end.end, (), t.supplied or end.supplied))
            i += 3
            continue
        out.append(t)
        i += 1
    return out


# --- pass 3: the grammar -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Point:
    """One calendar point; parts may be missing until a range fills them in."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_sup: bool = False
    month_sup: bool = False
    day_sup: bool = False

    @property
    def full(self) -> bool:
        """At least a month and a year: precise enough to stand alone in a line."""
        return self.year is not None and self.month is not None

    def valid(self) -> bool:
        if self.year is None or (self.day is not None and self.month is None):
            return False
        if self.month is not None and not 1 <= self.month <= 12:
            return False
        if self.day is not None:
            assert self.month is not None
            return 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]
        return True

    def bounds(self) -> tuple[dt.date, dt.date]:
        assert self.year is not None
        if self.month is None:
            return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if self.day is None:
            last = calendar.monthrange(self.year, self.month)[1]
            return dt.date(self.year, self.month, 1), dt.date(self.year, self.month, last)
        day = dt.date(self.year, self.month, self.day)
        return day, day


@dataclass(frozen=True, slots=True)
class _Value:
    """A parsed date: one point, a closed range, a set of readings or an open range."""

    kind: str  # point, range, set, before, after
    points: tuple[_Point, ...]
    approx: bool = False
    uncertain: bool = False


@dataclass(frozen=True, slots=True)
class _Match:
    value: _Value
    first: int  # token indexes, end exclusive
    end: int


def _month_of(tok: _Tok, strict_case: bool) -> int | None:
    if tok.kind != "word":
        return None
    word = tok.text.rstrip(".")
    if strict_case and not word[:1].isupper():
        return None  # "may" in running text is a verb
    return _MONTHS.get(word.lower())


_DAY = re.compile(r"\d{1,2}(?:st|nd|rd|th|d)?", re.I)


def _is_day(tok: _Tok) -> bool:
    return tok.kind == "num" and _DAY.fullmatch(tok.text) is not None and 1 <= tok.value[0] <= 31


def _is_year(tok: _Tok) -> bool:
    return tok.kind == "num" and tok.text.isdigit() and len(tok.text) == 4


def _word(toks: Sequence[_Tok], i: int) -> str:
    return toks[i].text.lower().rstrip(".") if i < len(toks) and toks[i].kind == "word" else ""


def _punct(toks: Sequence[_Tok], i: int, chars: str) -> bool:
    return i < len(toks) and toks[i].kind == "punct" and toks[i].text in chars


def _point(toks: Sequence[_Tok], i: int, strict: bool) -> tuple[_Point, int] | None:
    """Read one point at token `i`; return it and the index after it."""
    if i >= len(toks):
        return None
    t = toks[i]
    if t.kind == "compact":
        cy, cm, cd = t.value
        return _Point(cy, cm, cd or None, t.supplied, t.supplied, t.supplied and cd > 0), i + 1
    month = _month_of(t, strict)
    if month is not None:
        return _month_first(toks, i, month)
    if _is_day(t):
        return _day_first(toks, i, strict)
    if _is_year(t):
        return _Point(t.value[0], None, None, t.supplied), i + 1
    return None


def _month_first(toks: Sequence[_Tok], i: int, month: int) -> tuple[_Point, int]:
    """`June 30, 1955` / `June 1977` / `June`, the month at token `i`."""
    t = toks[i]
    j = i + 1
    if j < len(toks) and _is_day(toks[j]):
        day = toks[j]
        k = j + 1 + _punct(toks, j + 1, ",")
        if k < len(toks) and _is_year(toks[k]):
            yt = toks[k]
            return _Point(
                yt.value[0], month, day.value[0], yt.supplied, t.supplied, day.supplied
            ), k + 1
        return _Point(None, month, day.value[0], False, t.supplied, day.supplied), j + 1
    k = j + _punct(toks, j, ",")
    if k < len(toks) and _is_year(toks[k]):
        yt = toks[k]
        return _Point(yt.value[0], month, None, yt.supplied, t.supplied), k + 1
    return _Point(None, month, None, False, t.supplied), j


def _day_first(toks: Sequence[_Tok], i: int, strict: bool) -> tuple[_Point, int]:
    """`30 June 1955` / `26th June, 1957` / `30` (in a range), the day at token `i`."""
    t = toks[i]
    j = i + 1 + (_word(toks, i + 1) == "of" or _punct(toks, i + 1, ","))
    month = _month_of(toks[j], strict) if j < len(toks) else None
    if month is None:  # a range end: `30` or `30, 1955` (June 28-30, 1955)
        k = i + 1 + _punct(toks, i + 1, ",")
        if k < len(toks) and _is_year(toks[k]):
            yt = toks[k]
            return _Point(yt.value[0], None, t.value[0], yt.supplied, False, t.supplied), k + 1
        return _Point(None, None, t.value[0], False, False, t.supplied), i + 1
    m_tok = toks[j]
    k = j + 1 + _punct(toks, j + 1, ",")
    if k < len(toks) and _is_year(toks[k]):
        yt = toks[k]
        return _Point(
            yt.value[0], month, t.value[0], yt.supplied, m_tok.supplied, t.supplied
        ), k + 1
    return _Point(None, month, t.value[0], False, m_tok.supplied, t.supplied), j + 1


def _fill(a: _Point, b: _Point) -> tuple[_Point, _Point] | None:
    """Complete the two ends of a range from each other (`June 28-30, 1955`)."""
    if b.year is None:
        return None
    if a.day is not None and a.month is None:  # 18-20 February 1996
        if b.month is None or b.day is None:
            return None
        a = replace(a, month=b.month, month_sup=b.month_sup)
    if b.day is not None and b.month is None:  # June 28-30
        if a.month is None:
            return None
        b = replace(b, month=a.month, month_sup=a.month_sup)
    if a.year is None:
        a = replace(a, year=b.year, year_sup=b.year_sup)
    return a, b


def _two_digit_end(a: _Point, tok: _Tok) -> _Point | None:
    """`1945-74`: a two-digit end year in the same century, after the start."""
    if a.year is None or a.month is not None or tok.kind != "num" or len(tok.text) != 2:
        return None
    year = a.year - a.year % 100 + tok.value[0]
    return _Point(year, None, None, tok.supplied) if year > a.year else None


_RANGE_WORDS = {"to", "until", "till", "through"}
_OPEN = (
    (("on", "or", "before"), "before"),
    (("on", "or", "after"), "after"),
    (("not", "before"), "after"),
    (("not", "after"), "before"),
    (("no", "later", "than"), "before"),
    (("no", "earlier", "than"), "after"),
    (("before",), "before!"),
    (("after",), "after!"),
    (("by",), "before"),
    (("since",), "after"),
)


_OPEN_FIRST = frozenset(words[0] for words, _ in _OPEN)
_FOUR_DIGITS = re.compile(r"(?:\D*\d){4}")
# Words a date expression can start with (see `_expression`, `_point`).
_STARTS = frozenset(_MONTHS) | _WEEKDAYS | _APPROX | _OPEN_FIRST | {"between"}


def _expression(toks: Sequence[_Tok], i: int, strict: bool) -> _Match | None:
    """Read a date expression starting at token `i` (qualifiers, point, range)."""
    first = i
    i, approx, between, open_kind = _qualifiers(toks, i)
    if i < len(toks) and toks[i].kind == "slashed":
        return _slashed(toks, first, i, approx)
    got = _point(toks, i, strict)
    if got is None:
        return None
    a, j = got
    value: _Value | None = None
    if open_kind is None and _at_separator(toks, j, between):
        ranged = _range_to(toks, a, j, strict, approx)
        if ranged is not None:
            value, j = ranged
    if value is None:
        if between or not a.valid():
            return None  # `between` promises a range; half of one is no date
        value = _single(a, open_kind, approx)
    value, j = _trailing_mark(toks, j, value)
    return _Match(value, first, j)


def _qualifiers(toks: Sequence[_Tok], i: int) -> tuple[int, bool, bool, str | None]:
    """What comes before the point: (index after it, approximate, `between`, open kind).

    A weekday is skipped; `c.` and the like make the date approximate; an open kind
    comes from a phrase such as `on or before` (see `_OPEN`).
    """
    approx = False
    if _word(toks, i) in _WEEKDAYS:
        i += 1 + _punct(toks, i + 1, ",")
    if _word(toks, i) in _APPROX:
        approx, i = True, i + 1
    between = _word(toks, i) == "between"
    i += between
    open_kind = None
    if _word(toks, i) in _OPEN_FIRST:
        for words, kind in _OPEN:
            if all(_word(toks, i + n) == w for n, w in enumerate(words)):
                open_kind, i = kind, i + len(words)
                break
    return i, approx, between, open_kind


def _at_separator(toks: Sequence[_Tok], j: int, between: bool) -> bool:
    """Does token `j` join two points into a range (`-`, `to`, `and` after `between`)?"""
    return j < len(toks) and (
        toks[j].kind == "dash"
        or _word(toks, j) in _RANGE_WORDS
        or (between and _word(toks, j) == "and")
        or (toks[j].text == "/" and toks[j - 1].kind == "compact")
    )


def _range_to(
    toks: Sequence[_Tok], a: _Point, j: int, strict: bool, approx: bool
) -> tuple[_Value, int] | None:
    """The range from `a` to the point after the separator at `j`, and the index after it.

    None when the second point is missing or invalid, or ends before `a` starts.
    """
    end = _two_digit_end(a, toks[j + 1]) if j + 1 < len(toks) else None
    got_b = (end, j + 2) if end is not None else _point(toks, j + 1, strict)
    if got_b is None:
        return None
    b, k = got_b
    filled = _fill(a, b)
    if not filled or not all(p.valid() for p in filled):
        return None
    lo, hi = filled
    if not lo.bounds()[0] <= hi.bounds()[1]:
        return None
    return _Value("range", filled, approx), k


def _single(a: _Point, open_kind: str | None, approx: bool) -> _Value:
    """One point, or an open range when a phrase such as `before` came first."""
    kind = "point"
    if open_kind is not None:
        kind = open_kind.rstrip("!")
        if open_kind.endswith("!"):  # strictly before/after: shift by a day
            a = _shift(a, -1 if kind == "before" else 1)
    return _Value(kind, (a,), approx)


def _trailing_mark(toks: Sequence[_Tok], j: int, value: _Value) -> tuple[_Value, int]:
    """A `?` (uncertain) or `~` (approximate) right after the date."""
    if j < len(toks) and toks[j].kind == "punct" and toks[j].text in "?~":
        if toks[j].text == "?":
            value = replace(value, uncertain=True)
        else:
            value = replace(value, approx=True)
        j += 1
    return value, j


def _shift(p: _Point, days: int) -> _Point:
    lo, hi = p.bounds()
    day = (lo if days < 0 else hi) + dt.timedelta(days=days)
    return _Point(day.year, day.month, day.day, p.year_sup, p.month_sup, p.day_sup)


def _slashed(toks: Sequence[_Tok], first: int, i: int, approx: bool) -> _Match | None:
    """`25/12/1996` is read; `12/9/1996` could be either order: a set of both."""
    y, a, b = toks[i].value
    sup = toks[i].supplied
    readings = []
    for month, day in ((a, b), (b, a)):
        p = _Point(y, month, day, sup, sup, sup)
        if p.valid() and p not in readings:
            readings.append(p)
    if not readings:
        return None
    readings.sort(key=lambda p: p.bounds()[0])
    kind = "point" if len(readings) == 1 else "set"
    return _Match(_Value(kind, tuple(readings), approx), first, i + 1)


# --- EDTF ---------------------------------------------------------------------------


def _qualified(p: _Point, approx: bool, uncertain: bool) -> str:
    """EDTF for one point.

    A date in editorial brackets was *supplied* by the editor: it is not on the
    document but inferred from other evidence. EDTF has no "supplied" or "inferred"
    qualifier; its three are `?` (uncertain: the value may be wrong), `~`
    (approximate: about this value) and `%` (both). An inference is a claim that may
    be wrong, not an estimate of a range around a value, so supplied parts are marked
    uncertain: `[1950]` → `1950?`. When only some parts were supplied
    (`[2 December] 1948`), EDTF level 2 qualifies just those parts (`1948-?12-?02`),
    keeping the year the document itself gives unqualified.
    """
    parts = [(f"{p.year:04d}", p.year_sup)]
    if p.month is not None:
        parts.append((f"{p.month:02d}", p.month_sup))
    if p.day is not None:
        parts.append((f"{p.day:02d}", p.day_sup))
    flags = [sup for _, sup in parts]
    whole_uncertain = uncertain or all(flags)
    if whole_uncertain or not any(flags):
        text = "-".join(s for s, _ in parts)
        mark = {(True, True): "%", (True, False): "~", (False, True): "?"}.get(
            (approx, whole_uncertain), ""
        )
        return text + mark
    text = "-".join(("?" if sup else "") + s for s, sup in parts)
    if approx:  # level 2 cannot add `~` after component qualifiers; qualify the whole
        return "-".join(s for s, _ in parts) + "%"
    return text


def _edtf(value: _Value) -> str:
    q = [_qualified(p, value.approx, value.uncertain) for p in value.points]
    if value.kind == "range":
        return f"{q[0]}/{q[1]}"
    if value.kind == "set":
        return "[" + ",".join(q) + "]"
    if value.kind == "before":
        return f"[..{q[0]}]"
    if value.kind == "after":
        return f"[{q[0]}..]"
    return q[0]


def _bounds(value: _Value) -> tuple[dt.date | None, dt.date | None]:
    lo = value.points[0].bounds()[0]
    hi = value.points[-1].bounds()[1]
    if value.kind == "before":
        return None, hi
    if value.kind == "after":
        return lo, None
    return lo, hi


_DIGITS = re.compile(r"\d{4}|\d{2}")


def _canonical_shape(edtf: str) -> str:
    return _DIGITS.sub(lambda m: "1950" if len(m.group()) == 4 else "06", edtf)


@lru_cache(maxsize=256)
def _valid_shape(shape: str) -> bool:
    """Ask `edtf` whether this notation is valid EDTF.

    The library's grammar costs milliseconds per call, and validity does not depend
    on the digits (day validity is checked here), so it is asked once per shape.
    """
    from edtf import parse_edtf

    try:
        parse_edtf(shape)
    except Exception:  # the library raises its own and pyparsing's errors
        return False
    return True


def is_valid_edtf(edtf: str) -> bool:
    """True when `edtf` is EDTF notation the `edtf` library accepts."""
    return _valid_shape(_canonical_shape(edtf))


def _archive_date(text: str, value: _Value | None, time: str | None) -> ArchiveDate:
    if value is None:
        return ArchiveDate(text, time=time)
    edtf = _edtf(value)
    if not is_valid_edtf(edtf):
        # EDTF cannot qualify the ends of an open set (`[..1938-06-02?]`); the set
        # already says the day is inferred, so drop the part qualifiers.
        plain = tuple(
            replace(p, year_sup=False, month_sup=False, day_sup=False) for p in value.points
        )
        edtf = _edtf(replace(value, points=plain, uncertain=False))
        if not is_valid_edtf(edtf):
            return ArchiveDate(text, time=time)
    earliest, latest = _bounds(value)
    return ArchiveDate(text, edtf, earliest, latest, time)


# --- public --------------------------------------------------------------------------


def _original(raw: str, clean: _Clean, start: int, end: int) -> tuple[int, int]:
    """Map a cleaned span back to the text as written, balancing brackets."""
    a, b = clean.origin[start], clean.origin[end - 1] + 1
    while a > 0 and raw[a:b].count("]") > raw[a:b].count("[") and raw[a - 1] in "[ ":
        a -= 1
    while b < len(raw) and raw[a:b].count("[") > raw[a:b].count("]") and raw[b] in "] ":
        b += 1
    while a > 0 and b < len(raw) and raw[a - 1] == "[" and raw[b] == "]":
        a, b = a - 1, b + 1  # the whole date was supplied: keep its brackets
    return a, b


def _strip_undated(text: str) -> str:
    for mark in sorted(_UNDATED, key=len, reverse=True):
        rest = text[len(mark) :]
        if text.lower().startswith(mark) and rest[:1] in (" ", "[", ","):
            return text[len(mark) :].lstrip(" ,")
    return text


# Archives repeat their dates ("November 1960" heads hundreds of records) and the
# reading is a pure function of the text, so each read worker remembers its readings.
@lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> ArchiveDate | None:
    """Read an archival date field; None when it says there is no date.

    An ArchiveDate with `edtf=None` means the text was kept but not understood
    (`Feb 3rd` has no year). A time of day is kept apart in `time`.
    """
    raw = " ".join(text.split())
    bare = raw.strip("[]() .,").lower()
    if not bare or bare in _UNDATED or bare.rstrip(".") in _UNDATED:
        return None
    if len(raw) > MAX_TEXT:
        return ArchiveDate(raw)
    clean = _clean(_strip_undated(raw))
    toks = _tokenize(clean)
    times = [t for t in toks if t.kind == "time"]
    time = _time_text(clean, times)
    rest = [t for t in toks if t.kind != "time"]
    match = None
    for i, t in enumerate(rest):
        if t.kind in ("num", "word", "compact", "slashed"):
            match = _expression(rest, i, strict=False)
        if match is not None or not _ignorable(t):
            break  # the date must come first, after filler words at most
    if match is None:
        return ArchiveDate(raw, time=time)
    leftover = rest[: match.first] + rest[match.end :]
    if any(not _ignorable(t) for t in leftover):
        return ArchiveDate(raw, time=time)
    return _archive_date(raw, match.value, time)


def _ignorable(t: _Tok) -> bool:
    return (t.kind == "punct" and t.text in ",.;:()") or (
        t.kind == "word" and t.text.lower().rstrip(".") in _FILLER
    )


def _time_text(clean: _Clean, times: Sequence[_Tok]) -> str | None:
    if not times:
        return None
    return ", ".join(clean.text[t.start : t.end].strip() for t in times)


def find_date(text: str) -> ArchiveDate | None:
    """Find the first full date (at least month and year) inside a longer line.

    `.text` is the date as written in the line (with a time of day that directly
    follows it, as in `25 November 1946, 4.30 p.m.`). None when the line has none.
    """
    raw = text[:MAX_LINE]
    if _FOUR_DIGITS.match(raw) is None:
        return None  # a full date has a four-digit year (digits are never added)
    clean = _clean(raw)
    toks = _tokenize(clean)
    for i, t in enumerate(toks):
        if t.kind not in ("num", "word", "compact", "slashed"):
            continue
        if t.kind == "num" and not _is_day(t):
            continue
        if t.kind == "word" and t.text.lower().rstrip(".") not in _STARTS:
            continue  # `_expression` reads nothing from a word it cannot start with
        match = _expression(toks, i, strict=True)
        if match is None or not _is_full(match.value):
            continue
        end = match.end
        time = None
        k = end + _punct(toks, end, ",")
        if k < len(toks) and toks[k].kind == "time":
            time = clean.text[toks[k].start : toks[k].end].strip()
            end = k + 1
        start_tok, end_tok = toks[match.first], toks[end - 1]
        a, b = _original(raw, clean, start_tok.start, end_tok.end)
        return _archive_date(raw[a:b].strip(), match.value, time)
    return None


def _is_full(value: _Value) -> bool:
    return all(p.full for p in value.points)
