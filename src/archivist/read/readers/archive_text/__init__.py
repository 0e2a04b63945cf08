"""Reader for Wilson Center Digital Archive page text exports (copies of a document page).

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
`tests/test_archive_text.py`. The modules, in reading order:

- `lines`: the file as numbered lines, paragraphs;
- `detect`: page furniture, the family of a capture, search listings;
- `citations`, `fields`, `body`, `tail`: what a citation, a funder line, a source's
  credits, the body's notes and summary, and the metadata after the body say;
- `families`: one reader per family, each filling a `draft.Draft`;
- `record`: the draft → a Record, with warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from archivist.model import Location, Problem, ReadResult
from archivist.read.readers.archive_text.citations import Citation, parse_citation
from archivist.read.readers.archive_text.detect import (
    Family,
    detect_family,
    is_display_date,
    looks_like_export,
    search_listing_line,
)
from archivist.read.readers.archive_text.draft import Draft
from archivist.read.readers.archive_text.families import read_current, read_legacy, read_pdf
from archivist.read.readers.archive_text.fields import (
    EMAIL_WITHHELD,
    HAPP_EMAIL,
    clean_obfuscated_email,
    funders_from_line,
    merge_names,
    source_credits,
)
from archivist.read.readers.archive_text.lines import Line, split_lines
from archivist.read.readers.archive_text.record import build_record
from archivist.read.readers.archive_text.tail import related_entries
from archivist.read.readers.source import Source

# What the rest of archivist and the tests use; everything else is in its module.
__all__ = [
    "EMAIL_WITHHELD",
    "HAPP_EMAIL",
    "Citation",
    "Draft",
    "Family",
    "Line",
    "build_record",
    "clean_obfuscated_email",
    "detect_family",
    "funders_from_line",
    "is_display_date",
    "looks_like_export",
    "merge_names",
    "parse_citation",
    "read",
    "related_entries",
    "source_credits",
    "split_lines",
]

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
