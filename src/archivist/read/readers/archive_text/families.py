"""The family readers: each page template (A current, B legacy, C PDF) → a Draft."""

from __future__ import annotations

import re
from collections.abc import Sequence

from archivist.read.readers.archive_text.body import split_summary
from archivist.read.readers.archive_text.citations import (
    Citation,
    citation_marker,
    document_id_from_url,
    parse_citation,
)
from archivist.read.readers.archive_text.detect import (
    LEGACY_BANNER,
    MONTH,
    PDF_BANNER,
    is_display_date,
    is_funder_line,
    is_furniture,
    is_prose,
    is_rights_start,
    is_tab_line,
    pdf_label,
)
from archivist.read.readers.archive_text.draft import Draft
from archivist.read.readers.archive_text.fields import funders_from_line
from archivist.read.readers.archive_text.lines import (
    Line,
    blocks,
    label_key,
    paragraphs_text,
    trim_blank,
)
from archivist.read.readers.archive_text.tail import TAIL_LABELS, read_tail, tail_start

_DATE_THEN_TITLE = re.compile(rf"({MONTH}\s+\d{{1,2}},\s+\d{{4}}|{MONTH}\s+\d{{4}})\s+(\S.*)")


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


# --------------------------------------------------------------------------- family A


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

_CONTENTS_ITEM = re.compile(
    r"(?:[A-Za-z]+ ){0,3}(?:Translation|Transcription|Transcript)|Scan of Original Document"
    r"|Original (?:Scan|Document)|English Translation Scan of Original Document"
)
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
