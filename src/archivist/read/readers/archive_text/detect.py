"""Page-variant detection: which lines are page furniture, and which template
(family) a capture comes from, or whether it is a search listing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from archivist.read.dates import parse_date
from archivist.read.readers.archive_text.citations import citation_marker
from archivist.read.readers.archive_text.lines import Line, label_key, split_lines

Family = Literal["current", "legacy", "pdf"]

# How far into the file the page furniture (banners, listing counters) is looked for.
_HEAD_LINES = 15

FUNDER_PREFIX = "This document was made possible with support from"
RIGHTS_START = "The History and Public Policy Program welcomes reuse"
LEGACY_BANNER = "Digital Archive International History Declassified"
PDF_BANNER = "Digital Archive digitalarchive.wilsoncenter.org International History Declassified"

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

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DISPLAY_DATE = re.compile(
    rf"{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|{MONTH},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|\d{{4}}"
)
_LISTING_RANGE = re.compile(r"\d[\d,]*\s*[-–]\s*\d[\d,]*\s+of\s+\d[\d,]*")
_PDF_LABELS = ("citation", "summary", "original language", "contents")


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


def pdf_label(line: Line) -> str | None:
    """`Citation: ...` → `citation`: the label of a DA-generated PDF's section, if any."""
    if not line.short or ":" not in line.key:
        return None
    key = line.key.split(":", 1)[0].strip().casefold()
    return key if key in _PDF_LABELS else None


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
