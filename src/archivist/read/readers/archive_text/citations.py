"""Digital Archive citations: where one is in a line, and its title, date, source and URL."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivist.read.readers.archive_text.lines import SHORT

# The citation's fixed middle: `"<Title>," <date>, <marker> <source>. <url>`.
CITATION_MARKERS = (
    "History and Public Policy Program Digital Archive,",
    "Cold War International History Project Digital Archive,",
)

_DOCUMENT_ID = re.compile(r"/document/(\d+)(?:[/?#.]|$)")


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
    m = _DOCUMENT_ID.search(url[:SHORT])
    return m.group(1) if m else None
