"""Reader for Wilson Center Digital Archive page text exports (`../shared/FORMAT.md`).

A copy of a document page yields text whose labels come and go between captures, so
fields are found by position and by content, not by labels alone. Four families:

- A, current template: `Skip to content` → date → title → funder line → body →
  summary → pill headings → `Related Documents` → `Document Information` → source,
  rights, dates, type, record ID, donors (labelled, or label-less as in the seed).
- B, legacy template: `Search in` → banner → date → title → funder line → citation
  block (summary, citation) → body.
- C, DA-generated PDF: banner → date and title → `Citation:` → `Summary:` →
  `Original Language:` → `Contents:` → body.
- D, search listings: not documents; rejected with an error.

Each rule is a small named function; the tables of cases live in
`tests/test_archive_text.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from archivist.model import Location, Note, Participant, Problem, ReadResult, Record, Severity
from archivist.read.dates import parse_date
from archivist.read.readers.source import Source

Family = Literal["current", "legacy", "pdf"]

# Lines longer than this are never labels, dates or titles; regexes see at most this
# much of a line, which keeps every match linear and short.
_SHORT = 300
# How far into the file the page furniture (banners, listing counters) is looked for.
_HEAD_LINES = 15

FUNDER_PREFIX = "This document was made possible with support from"
RIGHTS_START = "The History and Public Policy Program welcomes reuse"
HAPP_EMAIL = "HAPP@wilsoncenter.org"
EMAIL_WITHHELD = "(e-mail address withheld in the capture)"
LEGACY_BANNER = "Digital Archive International History Declassified"
PDF_BANNER = "Digital Archive digitalarchive.wilsoncenter.org International History Declassified"
# The citation's fixed middle: `"<Title>," <date>, <marker> <source>. <url>`.
CITATION_MARKERS = (
    "History and Public Policy Program Digital Archive,",
    "Cold War International History Project Digital Archive,",
)

# Lines of page furniture that are never body text (compared case-insensitively,
# whitespace and bullets normalised).
_FURNITURE = frozenset(
    s.casefold()
    for s in (
        "Skip to content",
        "Related Documents",
        "Document Information",
        "Search in",
        "ADD SEARCH FILTER CANCEL SEARCH FILTER",
        LEGACY_BANNER,
        PDF_BANNER,
        "CITATION SHARE DOWNLOAD",
        "Citation",
        "get citation",
        "share document",
        "VIEW DOCUMENT IN",
        "ORIGINAL SCAN PDF",
        "Click here to view the PDF file in a new window.",
    )
)
_TAB_LINE = re.compile(r"(?:[A-Z][a-z]+ )*(?:HTML|PDF|Transcription|Translation)", re.I)

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DISPLAY_DATE = re.compile(
    rf"{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|{_MONTH},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}"
)
_DATE_THEN_TITLE = re.compile(rf"({_MONTH}\s+\d{{1,2}},\s+\d{{4}}|{_MONTH}\s+\d{{4}})\s+(\S.*)")
_LISTING_RANGE = re.compile(r"\d[\d,]*\s*[-–]\s*\d[\d,]*\s+of\s+\d[\d,]*")
_DOCUMENT_ID = re.compile(r"/document/(\d+)(?:[/?#.]|$)")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_RECORD_ID = re.compile(r"\d{1,12}")
_CF_EMAIL = re.compile(r"\[email(?:\s|\u00a0)*protected\]", re.I)
_HAPP_CONTEXT = re.compile(r"History and Public Policy Program at\s*$")
_NOTE_START = re.compile(r"\s*\[(\d{1,3})\]")
_CONTENTS_ITEM = re.compile(
    r"(?:[A-Za-z]+ ){0,3}(?:Translation|Transcription|Transcript)|Scan of Original Document"
    r"|Original (?:Scan|Document)|English Translation Scan of Original Document"
)


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the file: its 1-based number, its text as written, and a key."""

    no: int
    text: str
    key: str  # whitespace collapsed and stripped; what rules compare against

    @property
    def blank(self) -> bool:
        return not self.key

    @property
    def value(self) -> str:
        """The line as written, without surrounding whitespace: what fields keep."""
        return self.text.strip()

    @property
    def short(self) -> bool:
        return len(self.key) <= _SHORT


def split_lines(text: str) -> list[Line]:
    """The file as numbered lines (`\\r\\n` and `\\r` are line ends too)."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [Line(i, t, " ".join(t.split())) for i, t in enumerate(raw, start=1)]


def label_key(line: Line) -> str:
    """A line as a label would read: bullets and a trailing colon dropped, casefolded."""
    if not line.short:
        return ""
    return line.key.lstrip("•·*- ").rstrip(":").strip().casefold()


# --------------------------------------------------------------------------- rules


def is_display_date(line: Line) -> bool:
    """A page's display date line: `June 30, 1955`, `December 01, 1949`, `June 1977`, `1948`."""
    if line.blank or len(line.key) > 60:
        return False
    if _DISPLAY_DATE.fullmatch(line.key):
        return True
    # Forms the date parser learns later (`c. 1956`, ranges) count when they normalise.
    if not re.search(r"\d{4}", line.key) or len(line.key) > 40:
        return False
    parsed = parse_date(line.key)
    return parsed is not None and parsed.edtf is not None


def is_funder_line(line: Line) -> bool:
    return line.key.casefold().startswith(FUNDER_PREFIX.casefold())


def funders_from_line(key: str) -> list[str]:
    """Funder names from `... with support from [the] A, B and C`."""
    rest = key[len(FUNDER_PREFIX) :].strip().rstrip(".").strip()
    names = []
    for part in re.split(r"\s*,\s*", rest):
        name = re.sub(r"^(?:and|the)\s+", "", part.strip(), flags=re.I)
        name = re.sub(r"^the\s+", "", name, flags=re.I)
        if name:
            names.append(name)
    return names


def merge_names(*groups: Iterable[str]) -> tuple[str, ...]:
    """Names from several lists, first spelling kept, duplicates (case, `the`) dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for group in groups:
        for name in group:
            clean = " ".join(name.split())
            key = re.sub(r"^the\s+", "", clean, flags=re.I).casefold()
            if clean and key not in seen:
                seen.add(key)
                out.append(clean)
    return tuple(out)


def is_rights_start(line: Line) -> bool:
    return line.key.startswith(RIGHTS_START)


def is_furniture(line: Line) -> bool:
    """Page furniture (navigation, tabs, banners, the funder line): never body text."""
    if is_funder_line(line):
        return True
    key = label_key(line)
    if key in _FURNITURE:
        return True
    return line.key.startswith(PDF_BANNER)


def is_tab_line(line: Line) -> bool:
    """A legacy view tab such as `English HTML` (only right after `VIEW DOCUMENT IN`)."""
    return line.short and bool(_TAB_LINE.fullmatch(line.key))


def is_prose(lines: Sequence[Line]) -> bool:
    """A paragraph of running text (a summary), as opposed to a title or a label."""
    text = " ".join(line.key for line in lines)
    return len(text.split()) >= 6 and text.rstrip()[-1:] in '.!?")”’'


def search_listing_line(lines: Sequence[Line]) -> Line | None:
    """The line that shows this is a search-results page (family D), if it is one.

    `1 - 10 of 29` is enough on its own; `Results:` and `SEARCH RESULTS` also occur as
    headings in documents, so they count only beside other signs of the site (the
    skip link, the search box, a `Documents` tab, a bulleted date).
    """
    if any(label_key(line) == "document information" or is_rights_start(line) for line in lines):
        return None
    head = [line for line in lines if not line.blank][:_HEAD_LINES]
    keys = [label_key(line) for line in head]
    site = any(key in _LISTING_CONTEXT for key in keys) or any(
        line.key.startswith("•") and is_display_date(Line(0, "", line.key[1:].strip()))
        for line in head
    )
    for line, key in zip(head, keys, strict=True):
        if line.short and _LISTING_RANGE.fullmatch(line.key):
            return line
        if site and (key in ("search results", "results") or _RESULTS_COUNT.fullmatch(key)):
            return line
    return None


_LISTING_CONTEXT = frozenset(
    {"skip to content", "search in", "documents", LEGACY_BANNER.casefold()}
)
_RESULTS_COUNT = re.compile(r"results:? \d[\d,]*")


def detect_family(lines: Sequence[Line]) -> Family:
    """Which page template the text comes from (search listings are checked before)."""
    head = [line for line in lines if not line.blank][:_HEAD_LINES]
    if any(line.key.startswith(PDF_BANNER) or pdf_label(line) == "citation" for line in head):
        return "pdf"
    keys = [label_key(line) for line in head]
    if "search in" in keys[:3] or LEGACY_BANNER.casefold() in keys:
        return "legacy"
    return "current"


def looks_like_export(text: str) -> bool:
    """True for a Wilson Center page export (families A–D); False for other text."""
    lines = split_lines(text[:2_000_000])
    head = [line for line in lines if not line.blank][:_HEAD_LINES]
    if not head:
        return False
    if label_key(head[0]) == "skip to content":
        return True
    if search_listing_line(lines) is not None:
        return True
    if any(
        line.key.startswith(PDF_BANNER)
        or label_key(line) in ("search in", LEGACY_BANNER.casefold())
        for line in head
    ):
        return True
    for line in lines:
        if label_key(line) == "document information" or is_rights_start(line):
            return True
        if is_funder_line(line) and line.no <= 40:
            return True
        if line.short and line.key.startswith("Citation:") and citation_marker(line.key):
            return True
    return False


# --------------------------------------------------------------------------- citations


@dataclass(frozen=True, slots=True)
class Citation:
    """The parts of `"<Title>," <date>, History and Public Policy Program ... <url>`."""

    before: str  # text before the opening quote (a summary run into the citation)
    title: str
    date: str
    source: str
    url: str | None
    text: str  # the citation as written


def citation_marker(text: str) -> tuple[int, int] | None:
    """Where the citation's fixed middle is: (start, end) in `text`."""
    for marker in CITATION_MARKERS:
        at = text.find(marker)
        if at >= 0:
            return at, at + len(marker)
    return None


def parse_citation(text: str, known_title: str | None = None) -> Citation | None:
    """Split a DA citation; `known_title` helps find where a run-in summary stops."""
    where = citation_marker(text)
    if where is None:
        return None
    head, tail = text[: where[0]], text[where[1] :]
    close = max(head.rfind("”"), head.rfind('"'))
    if close < 0:
        return None
    date = head[close + 1 :].strip().strip(",").strip()
    titled = head[:close]
    opening = _opening_quote(titled, known_title)
    title = titled[opening + 1 :].strip().rstrip(",").strip()
    before = titled[:opening].strip() if opening >= 0 else ""
    source, url = split_trailing_url(tail)
    cited = text[opening:].strip() if opening >= 0 else text.strip()
    return Citation(before, title, date, source, url, cited)


def split_trailing_url(text: str) -> tuple[str, str | None]:
    """`Source, p. 1. http://...` → (`Source, p. 1.`, the URL); no URL → (text, None)."""
    text = text.strip()
    head, _, last = text.rpartition(" ")
    if last.startswith(("http://", "https://")):
        return head.strip(), last
    return text, None


def _opening_quote(titled: str, known_title: str | None) -> int:
    """The index of the quote that opens the citation's title, or -1."""
    curly = titled.rfind("“")
    if curly >= 0:
        return curly
    if known_title:
        at = titled.rfind('"' + known_title)
        if at >= 0:
            return at
    stripped = titled.lstrip()
    if stripped.startswith('"'):
        return len(titled) - len(stripped)
    # A summary run straight into the citation: `...locomotives."Telegram from ...`.
    best = -1
    for m in re.finditer(r'[.!?)]"(?=\S)', titled):
        best = m.start() + 1
    return best if best >= 0 else titled.find('"')


def document_id_from_url(url: str | None) -> str | None:
    """`.../document/112674` → `112674` (numeric document URLs carry the Record ID)."""
    if not url:
        return None
    m = _DOCUMENT_ID.search(url[:_SHORT])
    return m.group(1) if m else None


# --------------------------------------------------------------------------- credits

_VERBS = "contributed|transcribed|translated|obtained|edited|annotated|provided"
_CREDIT_ROLES = {
    "contributed": "contributors",
    "provided": "contributors",
    "transcribed": "transcribers",
    "translated": "translators",
    "obtained": "obtained_by",
    "edited": "editors",
    "annotated": "annotators",
}
_VERB_CHAIN = re.compile(rf"\b({_VERBS})\b((?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:{_VERBS})\b)*", re.I)
_BY = re.compile(r"[^.;]{0,80}?\bby\s+(?:by\s+)?", re.I)
_NAME_STOP = re.compile(
    rf";|\.(?=\s|$)|\s+and\s+(?=(?:{_VERBS})\b)|,\s*(?=(?:and\s+)?(?:{_VERBS})\b)|\s+https?://|\(",
    re.I,
)
_NOT_FINAL_DOT = frozenset({"jr", "sr", "st", "dr", "mr", "mrs", "ms", "prof"})


def source_credits(source: str) -> dict[str, list[str]]:
    """Credits inside a source citation, by role (`translators`, `contributors`, ...).

    `Contributed, transcribed, and translated by A` credits A three times;
    `Obtained by A and translated by B` gives obtained_by A and translators B;
    the doubled `Translated by by A` (as found in the seed) reads as A.
    """
    text = " ".join(source[:5000].split())  # single spaces keep the name regexes linear
    credits: dict[str, list[str]] = {}
    pos = 0
    while True:
        chain = _VERB_CHAIN.search(text, pos)
        if chain is None:
            return credits
        by = _BY.match(text, chain.end())
        pos = chain.end()
        if by is None:
            continue
        names = credit_names(text[by.end() :])
        verbs = re.findall(_VERBS, chain.group(0), flags=re.I)
        for verb in verbs:
            role = credits.setdefault(_CREDIT_ROLES[verb.lower()], [])
            role.extend(name for name in names if name not in role)
        pos = by.end()


def credit_names(text: str) -> list[str]:
    """The names at the start of `text`, up to the end of the credit clause."""
    end = len(text)
    for stop in _NAME_STOP.finditer(text):
        if stop.group().startswith("."):
            word = re.split(r"[\s,]", text[: stop.start()])[-1]
            if (len(word) == 1 and word.isupper()) or word.casefold() in _NOT_FINAL_DOT:
                continue  # an initial (`Mark H. Doctoroff`), not the end of the clause
        end = stop.start()
        break
    names = []
    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", text[:end]):
        name = part.strip()
        if name and len(name) <= 100 and len(name.split()) <= 8:
            names.append(name)
    return names


# --------------------------------------------------------------------------- rights


def clean_obfuscated_email(text: str) -> tuple[str, int]:
    """Replace Cloudflare's `[email protected]`; returns the text and how many were withheld.

    In the HAPP rights boilerplate the address is known (`... Program at HAPP@...`);
    anywhere else it is unknown and a neutral phrase stands in for it.
    """
    withheld = 0
    out: list[str] = []
    pos = 0
    for m in _CF_EMAIL.finditer(text):
        out.append(text[pos : m.start()])
        if _HAPP_CONTEXT.search(text[max(0, m.start() - 60) : m.start()]):
            out.append(HAPP_EMAIL)
        else:
            out.append(EMAIL_WITHHELD)
            withheld += 1
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), withheld


# --------------------------------------------------------------------------- body


def split_notes(lines: Sequence[Line]) -> tuple[list[Line], list[tuple[Note, int]]]:
    """Footnotes at the end of a body → (body lines, notes with their line numbers).

    The note block is the last run that starts at `[1]`, numbers its notes 1, 2, 3 …
    in order, and whose every label is used as a marker in the text above it.
    """
    firsts = [i for i, line in enumerate(lines) if note_label(line) == "1"]
    for i in reversed(firsts[-5:]):  # the last few candidates; keeps hostile input linear
        notes = _note_block(lines[i:])
        above = "\n".join(line.text for line in lines[:i])
        if notes and all(f"[{note.label}]" in above for note, _ in notes):
            return list(lines[:i]), notes
    return list(lines), []


def note_label(line: Line) -> str | None:
    """`[3] Text of the note` → `3`."""
    m = _NOTE_START.match(line.text[:24])
    return m.group(1) if m else None


def _note_block(lines: Sequence[Line]) -> list[tuple[Note, int]]:
    """Notes 1..n from a block that starts with `[1]`, or [] if it is not such a block."""
    found: list[tuple[str, list[str], int]] = []
    for line in lines:
        label = note_label(line)
        if label is not None and int(label) == len(found) + 1:
            text = _NOTE_START.sub("", line.text, count=1).strip()
            found.append((label, [text] if text else [], line.no))
        elif label is not None:
            return []
        elif found and not line.blank:
            found[-1][1].append(line.value)
    return [(Note(label, " ".join(parts)), no) for label, parts, no in found]


def trim_blank(lines: Sequence[Line]) -> list[Line]:
    start, end = 0, len(lines)
    while start < end and lines[start].blank:
        start += 1
    while end > start and lines[end - 1].blank:
        end -= 1
    return list(lines[start:end])


def blocks(lines: Sequence[Line]) -> list[tuple[int, list[Line]]]:
    """Paragraphs: (blank lines before, lines) for each run of non-blank lines."""
    out: list[tuple[int, list[Line]]] = []
    gap = 0
    current: list[Line] = []
    for line in lines:
        if line.blank:
            if current:
                out.append((gap, current))
                current, gap = [], 0
            gap += 1
        else:
            current.append(line)
    if current:
        out.append((gap, current))
    return out


def split_summary(lines: Sequence[Line]) -> tuple[list[Line], list[list[Line]]]:
    """Family A: body and the unlabelled summary that follows it.

    The summary starts after the last gap of two or more blank lines (the page puts
    more space before it than between its own paragraphs); when the capture has no
    such gap, it is the last paragraph.
    """
    paras = blocks(lines)
    if not paras:
        return [], []
    first_summary = len(paras) - 1
    for i in range(len(paras) - 1, 0, -1):
        if paras[i][0] >= 2:
            first_summary = i
            break
    summary = [para for _, para in paras[first_summary:]]
    body_end = summary[0][0].no
    body = [line for line in lines if line.no < body_end]
    return trim_blank(body), summary


# --------------------------------------------------------------------------- the draft


@dataclass(slots=True)
class Draft:
    """What a family reader found: single values, lists, line numbers (mutable)."""

    family: Family
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    body: list[Line] = field(default_factory=list)

    def set(self, name: str, value: str | None, line: int) -> None:
        """Keep the first non-empty value found for `name`."""
        if value and name not in self.values:
            self.values[name] = value
            self.origin.setdefault(name, line)

    def add(self, name: str, value: str, line: int) -> None:
        self.lists.setdefault(name, []).append(value)
        self.origin.setdefault(name, line)

    def first(self, name: str) -> str | None:
        found = self.lists.get(name)
        return found[0] if found else None


def paragraphs_text(paras: Sequence[Sequence[Line]]) -> str:
    """Paragraphs as written: a paragraph's lines joined by spaces, paragraphs by a blank line."""
    return "\n\n".join(" ".join(line.value for line in para) for para in paras)


# --------------------------------------------------------------------------- the tail


@dataclass(frozen=True, slots=True)
class Slot:
    """Where value lines go: a field, whether it takes many lines, what it accepts."""

    name: str
    many: bool
    accepts: Callable[[Line], bool] = lambda line: True


def _is_uploaded(line: Line) -> bool:
    return line.short and bool(_ISO_DAY.fullmatch(line.key))


def _is_record_id(line: Line) -> bool:
    return line.short and bool(_RECORD_ID.fullmatch(line.key))


def _is_single(line: Line) -> bool:
    return line.short


def _slot(name: str, many: bool = True) -> tuple[Slot, ...]:
    return (Slot(name, many, _is_single),)


_RIGHTS = Slot("rights", True)
_SOURCE = Slot("source", True)  # one paragraph (see `_fill_slot`)
_AFTER_INFO = (_SOURCE, Slot("archive", True, _is_single))
_AFTER_RIGHTS = (Slot("uploaded", False, _is_uploaded), Slot("type", False, _is_single))
# Label → the slots its value lines fill, in order. Where a capture drops a label but
# keeps its value, the value falls through to the next slot: in the seed's form the
# line after an empty `Original Uploaded Date` is the Type, a line after `Record ID`
# a donor.
TAIL_LABELS: dict[str, tuple[Slot, ...]] = {
    "document information": _AFTER_INFO,
    "source": (_SOURCE,),
    "original archive": _slot("archive"),
    "rights": (_RIGHTS,),
    "original uploaded date": (*_AFTER_RIGHTS, Slot("language", True, _is_single)),
    "type": _slot("type", many=False),
    "language": _slot("language"),
    "languages": _slot("language"),
    "original language": _slot("original_language"),
    "record id": (Slot("record_id", False, _is_record_id), *_slot("donors")),
    "donors": _slot("donors"),
    "donor": _slot("donors"),
    "donor(s)": _slot("donors"),
    "original classification": _slot("classification", many=False),
    "related documents": (Slot("related", True),),
    "author(s)": _slot("authors"),
    "authors": _slot("authors"),
    "author": _slot("authors"),
    "document contributor(s)": _slot("document_contributors"),
    "document contributors": _slot("document_contributors"),
    "document contributor": _slot("document_contributors"),
    "associated people & organizations": _slot("associated_people_orgs"),
    "associated people and organizations": _slot("associated_people_orgs"),
    "associated places": _slot("places"),
    "associated topics": _slot("topics"),
    "subjects discussed": _slot("subjects"),
}
# Headings that can only start the metadata after the body. Plain labels such as
# `Source` or `Type` could be body lines, so they never end the body on their own.
TAIL_ANCHORS = frozenset(
    {
        "document information",
        "related documents",
        "author(s)",
        "document contributor(s)",
        "document contributors",
        "associated people & organizations",
        "associated people and organizations",
        "associated places",
        "associated topics",
        "subjects discussed",
    }
)


def tail_start(lines: Sequence[Line], start: int) -> int | None:
    """Index of the first line of the metadata after the body, if there is any."""
    for i in range(start, len(lines)):
        if label_key(lines[i]) in TAIL_ANCHORS:
            return i
    rights_at = next((i for i in range(start, len(lines)) if is_rights_start(lines[i])), None)
    if rights_at is None:
        return None
    # No headings at all: the source is the paragraph just before the rights.
    k = rights_at - 1
    while k >= start and lines[k].blank:
        k -= 1
    if k < start:
        return rights_at
    while k - 1 >= start and not lines[k - 1].blank:
        k -= 1
    return k


def read_tail(lines: Sequence[Line], draft: Draft) -> None:
    """Fill the draft from the metadata after the body (labelled or label-less)."""
    queue: list[Slot] = list(_AFTER_INFO)
    rights: list[list[Line]] = []
    previous_blank = True
    for line in lines:
        if line.blank:
            previous_blank = True
            continue
        key = label_key(line)
        if key in TAIL_LABELS:
            queue = list(TAIL_LABELS[key])
            draft.origin.setdefault(f"label:{key}", line.no)
            previous_blank = True
            continue
        if is_rights_start(line):
            queue = [_RIGHTS]
        if queue and queue[0] is _RIGHTS:
            if rights and previous_blank and _rights_complete(rights):
                queue = list(_AFTER_RIGHTS)  # the boilerplate is done: this is the next field
            else:
                if previous_blank or not rights:
                    rights.append([])
                rights[-1].append(line)
                previous_blank = False
                continue
        _fill_slot(queue, line, draft, previous_blank)
        previous_blank = False
    if rights:
        draft.set("rights", paragraphs_text(rights), rights[0][0].no)


def _rights_complete(paras: Sequence[Sequence[Line]]) -> bool:
    """The HAPP boilerplate ends with its `To enquire ...` paragraph."""
    return paras[0][0].key.startswith(RIGHTS_START) and any(
        para[0].key.startswith("To enquire") for para in paras[1:]
    )


def _fill_slot(queue: list[Slot], line: Line, draft: Draft, new_paragraph: bool) -> None:
    """Put a value line into the first slot that takes it; unplaced lines are kept."""
    while queue:
        slot = queue[0]
        if slot is _SOURCE and new_paragraph and "source" in draft.lists:
            queue.pop(0)  # the source citation is one paragraph
            continue
        if not slot.accepts(line):
            queue.pop(0)
            continue
        draft.add(slot.name, line.value, line.no)
        if not slot.many:
            queue.pop(0)
        return
    draft.add("unplaced", line.value, line.no)


def related_entries(values: Sequence[str]) -> list[dict[str, str]]:
    """`October 4, 1950 | Telegram from Zhou Enlai to Ni Zhiliang |` → {date, title}.

    Without pipes, a date line followed by a title line makes an entry, and further
    lines are kept as that entry's summary.
    """
    out: list[dict[str, str]] = []
    pending_date: str | None = None
    for value in values:
        if "|" in value:
            parts = [p.strip() for p in value.split("|") if p.strip()]
            if len(parts) >= 2:
                out.append({"date": parts[0], "title": " | ".join(parts[1:])})
            elif parts:
                out.append({"date": "", "title": parts[0]})
            pending_date = None
        elif is_display_date(Line(0, value, " ".join(value.split()))):
            pending_date = value
        elif pending_date is not None:
            out.append({"date": pending_date, "title": value})
            pending_date = None
        elif out:
            out[-1]["summary"] = (out[-1].get("summary", "") + " " + value).strip()
        else:
            out.append({"date": "", "title": value})
    return out


# --------------------------------------------------------------------------- family A


def _next_nonblank(lines: Sequence[Line], i: int) -> int | None:
    while i < len(lines):
        if not lines[i].blank:
            return i
        i += 1
    return None


def is_title_candidate(line: Line) -> bool:
    """Could this line be the page title (not furniture, a label or boilerplate)?"""
    return (
        line.short
        and not is_furniture(line)
        and label_key(line) not in TAIL_LABELS
        and not is_rights_start(line)
        and citation_marker(line.key) is None
    )


def read_current(lines: Sequence[Line]) -> Draft:
    """Family A: the current page template, labelled or label-less."""
    draft = Draft("current")
    start = 0
    skip = next(
        (i for i, line in enumerate(lines[:400]) if label_key(line) == "skip to content"), None
    )
    if skip is not None:
        keep_leading(lines[:skip], draft)
        start = skip + 1
    i = header_date(lines, start, draft)
    title_at = _next_nonblank(lines, i)
    if title_at is not None and is_title_candidate(lines[title_at]):
        draft.set("title", lines[title_at].value, lines[title_at].no)
        i = title_at + 1
    i = funder_lines(lines, i, draft)
    end = tail_start(lines, i)
    if end is None:
        draft.body = trim_blank(lines[i:])
        return draft
    draft.body, summary = split_summary(lines[i:end])
    if summary:
        draft.set("summary", paragraphs_text(summary), summary[0][0].no)
    read_tail(lines[end:], draft)
    return draft


def keep_leading(lines: Sequence[Line], draft: Draft) -> None:
    """Text before the page proper (another record's summary): kept in `extra`."""
    kept = trim_blank(lines)
    if kept:
        text = paragraphs_text([para for _, para in blocks(kept)])
        previous = draft.extra.get("leading_text")
        draft.extra["leading_text"] = f"{previous}\n\n{text}" if previous else text
        draft.origin.setdefault("leading_text", kept[0].no)


def header_date(lines: Sequence[Line], start: int, draft: Draft) -> int:
    """The display date at the top of the page; returns the index after it.

    A capture may open with another record's summary (prose) before the date; that
    text is kept aside. A title is never taken for such a prefix.
    """
    nonblank = [i for i in range(start, min(len(lines), start + 400)) if not lines[i].blank][:8]
    if not nonblank:
        return start
    at = None
    if is_display_date(lines[nonblank[0]]):
        at = nonblank[0]
    else:
        for j in range(1, len(nonblank)):
            if is_display_date(lines[nonblank[j]]):
                prefix = [lines[k] for k in nonblank[:j]]
                if is_prose(prefix) and not any(is_furniture(x) for x in prefix):
                    keep_leading(lines[start : nonblank[j]], draft)
                    at = nonblank[j]
                break
    if at is None:
        return start
    draft.set("date_text", lines[at].value, lines[at].no)
    return at + 1


def funder_lines(lines: Sequence[Line], i: int, draft: Draft) -> int:
    """Read the funder lines at `i`; returns the index after them."""
    while (j := _next_nonblank(lines, i)) is not None and is_funder_line(lines[j]):
        for name in funders_from_line(lines[j].key):
            draft.add("funder_line", name, lines[j].no)
        i = j + 1
    return i


# --------------------------------------------------------------------------- family B

_LEGACY_TOP = frozenset(
    {"search in", "add search filter cancel search filter", LEGACY_BANNER.casefold()}
)


def read_legacy(lines: Sequence[Line]) -> Draft:
    """Family B: the legacy template, with its citation block before the body."""
    draft = Draft("legacy")
    i = 0
    while (j := _next_nonblank(lines, i)) is not None and label_key(lines[j]) in _LEGACY_TOP:
        i = j + 1
    j = _next_nonblank(lines, i)
    if j is not None and is_display_date(lines[j]):
        draft.set("date_text", lines[j].value, lines[j].no)
        i = j + 1
    j = _next_nonblank(lines, i)
    # A year-only date leaves an empty date line, and some captures have no title:
    # then the next line is already the funder line or the citation block.
    if j is not None and is_title_candidate(lines[j]) and not is_display_date(lines[j]):
        draft.set("title", lines[j].value, lines[j].no)
        i = j + 1
    i = funder_lines(lines, i, draft)
    cite_at = next((k for k in range(i, len(lines)) if citation_marker(lines[k].text)), None)
    if cite_at is None:
        legacy_body(lines, i, draft)
        return draft
    summary = [line for line in lines[i:cite_at] if not line.blank and not is_furniture(line)]
    citation = parse_citation(lines[cite_at].value, draft.values.get("title"))
    if citation is not None:
        if citation.before:  # the summary runs straight into the citation
            summary.append(Line(lines[cite_at].no, citation.before, citation.before))
        use_citation(citation, lines[cite_at].no, draft)
    if summary:
        draft.set("summary", paragraphs_text([[line] for line in summary]), summary[0].no)
    legacy_body(lines, cite_at + 1, draft)
    return draft


def _is_url_line(line: Line) -> bool:
    return line.short and line.key.startswith(("http://", "https://")) and " " not in line.key


def legacy_body(lines: Sequence[Line], i: int, draft: Draft) -> None:
    """The body after the share link and the `VIEW DOCUMENT IN` tabs."""
    seen_tabs = False
    while (j := _next_nonblank(lines, i)) is not None:
        line = lines[j]
        if label_key(line) == "view document in":
            seen_tabs = True
        elif _is_url_line(line):
            draft.set("record_id_url", document_id_from_url(line.key), line.no)
            draft.extra.setdefault("url", line.key)
        elif not (is_furniture(line) or (seen_tabs and is_tab_line(line))):
            break
        i = j + 1
    end = tail_start(lines, i)
    stop = end if end is not None else len(lines)
    scan = next((k for k in range(i, stop) if label_key(lines[k]) == "original scan pdf"), stop)
    draft.body = trim_blank(lines[i:scan])
    if end is not None:
        read_tail(lines[end:], draft)


def use_citation(citation: Citation, line_no: int, draft: Draft) -> None:
    """Keep the citation and the title, date, source and record ID it gives."""
    draft.extra["citation"] = citation.text
    draft.origin["citation"] = line_no
    draft.set("citation_title", citation.title, line_no)
    draft.set("citation_date", citation.date, line_no)
    draft.set("citation_source", citation.source, line_no)
    if citation.url:
        draft.extra.setdefault("url", citation.url)
    draft.set("record_id_url", document_id_from_url(citation.url), line_no)


# --------------------------------------------------------------------------- family C

_PDF_LABELS = ("citation", "summary", "original language", "contents")
_LANGUAGE_NAME = re.compile(r"[^\W\d_][\w ,;()'-]{0,60}")


def read_pdf(lines: Sequence[Line]) -> Draft:
    """Family C: a DA-generated PDF with `Citation:`/`Summary:`/... labels."""
    draft = Draft("pdf")
    i = 0
    j = _next_nonblank(lines, i)
    if j is not None and lines[j].key.startswith(PDF_BANNER):
        rest = lines[j].key[len(PDF_BANNER) :].strip()
        if rest:
            pdf_date_title(Line(lines[j].no, rest, rest), draft)
        i = j + 1
    while "title" not in draft.values and (j := _next_nonblank(lines, i)) is not None:
        if pdf_label(lines[j]) is not None or not is_title_candidate(lines[j]):
            break
        pdf_date_title(lines[j], draft)
        i = j + 1
    sections, body_start = pdf_sections(lines, i)
    use_pdf_sections(sections, draft)
    end = tail_start(lines, body_start)
    draft.body = trim_blank(lines[body_start : end if end is not None else len(lines)])
    if end is not None:
        read_tail(lines[end:], draft)
    return draft


def pdf_sections(lines: Sequence[Line], i: int) -> tuple[dict[str, list[Line]], int]:
    """The labelled sections before the body, and the index where the body starts."""
    sections: dict[str, list[Line]] = {}
    current: str | None = None
    gap = False
    for k in range(i, len(lines)):
        line = lines[k]
        if line.blank:
            gap = bool(current and sections[current])
            continue
        label = pdf_label(line)
        if label is not None and label not in sections:
            current, gap = label, False
            inline = line.value.split(":", 1)[1].strip()
            sections[label] = [Line(line.no, inline, inline)] if inline else []
            continue
        if current is None or not _pdf_value_fits(current, line, gap):
            return sections, k
        sections[current].append(line)
    return sections, len(lines)


def _pdf_value_fits(section: str, line: Line, after_gap: bool) -> bool:
    """Does this line continue the section (else the body starts here)?"""
    if section == "contents":
        return line.short and bool(_CONTENTS_ITEM.fullmatch(line.key))
    if section == "original language":
        return (
            line.short and len(line.key.split()) <= 6 and bool(_LANGUAGE_NAME.fullmatch(line.key))
        )
    return not after_gap  # a citation or summary ends at a blank line


def pdf_label(line: Line) -> str | None:
    if not line.short or ":" not in line.key:
        return None
    key = line.key.split(":", 1)[0].strip().casefold()
    return key if key in _PDF_LABELS else None


def pdf_date_title(line: Line, draft: Draft) -> None:
    """A date line, a title line, or both on one line (`January 13, 1950 Telegram, ...`)."""
    if "date_text" not in draft.values:
        if is_display_date(line):
            draft.set("date_text", line.value, line.no)
            return
        m = _DATE_THEN_TITLE.fullmatch(line.key)
        if m:
            draft.set("date_text", m.group(1), line.no)
            draft.set("title", m.group(2), line.no)
            return
    draft.set("title", line.value, line.no)


def use_pdf_sections(sections: dict[str, list[Line]], draft: Draft) -> None:
    cited = sections.get("citation", [])
    if cited:
        text = " ".join(line.value for line in cited)
        citation = parse_citation(text, draft.values.get("title"))
        if citation is not None:
            use_citation(citation, cited[0].no, draft)
    summary = sections.get("summary", [])
    if summary:
        draft.set("summary", " ".join(line.value for line in summary), summary[0].no)
    for line in sections.get("original language", []):
        for name in re.split(r"\s*[,;]\s*", line.value):
            if name:
                draft.add("original_language", name, line.no)
    contents = sections.get("contents", [])
    if contents:
        draft.extra["contents"] = tuple(line.value for line in contents)
        draft.origin["contents"] = contents[0].no


# --------------------------------------------------------------------------- record

_READERS: dict[Family, Callable[[Sequence[Line]], Draft]] = {
    "current": read_current,
    "legacy": read_legacy,
    "pdf": read_pdf,
}


def read(text: str, source: Source) -> ReadResult:
    """Read one page export: a Record, or for a search listing an error."""
    try:
        return _read(text, source)
    except Exception as exc:  # pragma: no cover - a reader bug must not stop the build
        message = f"internal error in the archive-text reader ({type(exc).__name__}: {exc})"
        return ReadResult(problems=(Problem(Location(source.path), "file", message),))


def _read(text: str, source: Source) -> ReadResult:
    lines = split_lines(text)
    if all(line.blank for line in lines):
        return ReadResult(problems=(Problem(Location(source.path), "file", "the file is empty"),))
    listing = search_listing_line(lines)
    if listing is not None:
        message = (
            f"this is a search-results page ({listing.value[:60]!r}), not a document; "
            "it is not published"
        )
        return ReadResult(problems=(Problem(Location(source.path, listing.no), "file", message),))
    draft = _READERS[detect_family(lines)](lines)
    return build_record(draft, source)


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
