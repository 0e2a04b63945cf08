"""What the search index holds for one record: its text, meta, filters and sort keys.

Only what researchers search is indexed: title, participants, summary, source, notes
and the body text — not navigation, related lists or footers.

Chinese and Japanese have no spaces between words, and Pagefind's dictionary
segmenter splits them in ways a searcher cannot predict (it cut 中华人民共和国政府 into
…国政 / 府, so 政府 "government" was not found). So every Han or kana character is
indexed as a word of its own, set apart by a space (Pagefind keeps the text with those
spaces; the search page removes a space between two such characters when it shows an
excerpt). The search page splits a query the same way and searches a pure Chinese or
Japanese query as a phrase, so a word of any length is found wherever it stands in a
longer run, with its characters together and in order.
"""

from __future__ import annotations

import re

from archivist.enrich.volumes import document_label
from archivist.model import Archive, Record
from archivist.render import urls
from archivist.search.pagefind import IndexEntry

# Han ideographs (with extensions and compatibility forms), kana, bopomofo, CJK
# punctuation and fullwidth punctuation: the scripts written without spaces. Hangul
# is left out on purpose: Korean separates words with spaces. Keep in step with
# CJK in static/search.js.
_CJK_CLASS = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uff66-\uff9f"
    "\U00020000-\U0003134f"
)
# A gap goes between a CJK character and any neighbour that is not already a space.
_CJK_BOUNDARY = re.compile(rf"(?<=[{_CJK_CLASS}])(?=\S)|(?<=\S)(?=[{_CJK_CLASS}])")
_CJK_ANY = re.compile(f"[{_CJK_CLASS}]")

# Markdown syntax that is not text: link targets, images' bang, heading and quote
# markers at line starts, emphasis runs. Each pattern is linear.
_MD_LINK = re.compile(r"\]\([^)\s]{0,2000}\)")
_MD_LINE_MARK = re.compile(r"^[ \t]{0,3}(?:#{1,6}|>+)[ \t]+", re.M)
# (Not preceded by a backslash: the look-behind follows the first character, so the
# pattern opens with a character and the engine can skip ahead to it.)
_MD_EMPHASIS = re.compile(r"\*(?<!\\\*)\*{0,2}|_(?<!\\_)_{1,2}")
_MD_IMAGE = re.compile(r"!\[")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

UNDATED = "Undated"

# Pagefind finds the parts of a hyphenated word ("designate" in "Minister-designate")
# but not of a word joined by an en or em dash: those are indexed as hyphens.
# A dash with a word character on each side. (The look-behind follows the dash, so
# the pattern opens with a character class and the engine can skip ahead to it: a
# pattern that opens with a look-behind is tried at every position, ten times slower.)
_DASH_JOIN = re.compile(r"[\u2010-\u2015\u2212](?<=\w.)(?=\w)")


def indexed_text(text: str) -> str:
    """`text` as the index holds it: CJK characters spaced, dashes in words hyphens."""
    if text.isascii():
        return text
    return spaced_cjk(_DASH_JOIN.sub("-", text))


def spaced_cjk(text: str) -> str:
    """`text` with a space around every Chinese or Japanese character."""
    if text.isascii() or not _CJK_ANY.search(text):
        return text
    return _CJK_BOUNDARY.sub(" ", text)


def plain_text(record: Record) -> str:
    """The body as words: Markdown syntax that is not text removed."""
    body = record.body
    if record.body_format == "markdown":
        body = _MD_LINK.sub("]", body)
        body = _MD_IMAGE.sub("[", body)
        if "#" in body or ">" in body:  # (a pattern anchored at line starts is slow)
            body = _MD_LINE_MARK.sub("", body)
        body = _MD_EMPHASIS.sub("", body)
        body = _MD_ESCAPE.sub(r"\1", body)
    return body


def decade_label(year: int) -> str:
    return f"{year // 10 * 10}s"


def sort_keys(record: Record) -> dict[str, str]:
    """`date`: the earliest day the date can mean, for date order (search.table.order_of)."""
    if record.date and record.date.earliest:
        return {"date": record.date.earliest.isoformat()}
    return {}


def entry_filters(record: Record, archive: Archive) -> dict[str, list[str]]:
    """The record's filter (facet) values, as the index and the search page hold them."""
    filters: dict[str, list[str]] = {}
    # People and organizations are facets of their own: a People facet of departments
    # and posts would hide the people in it. A value is the name on the participant's
    # page, so "R.G. Menzies" and "MENZIES" count under one "R. G. Menzies".
    page_names = archive.page_names
    for participant, slug in archive.participant_slugs.get(record.id, ()):
        facet = "organization" if participant.kind == "organization" else "person"
        name = page_names.get((facet, slug), participant.name)
        names = filters.setdefault(facet, [])
        if name not in names:
            names.append(name)
    if record.type:
        filters["type"] = [record.type]
    if record.language:
        filters["language"] = list(dict.fromkeys(record.language))
    if record.archive:
        filters["archive"] = [record.archive]
    if record.collections:
        filters["collection"] = list(dict.fromkeys(record.collections))
    year = record.date.year if record.date else None
    if year is not None:
        filters["year"] = [f"{year:04d}"]
        filters["decade"] = [decade_label(year)]
    else:
        filters["year"] = [UNDATED]
    return filters


# The sections of an entry after the body, with their Pagefind weights: a match in the
# title or a participant's name ranks above one in the body (weight 1); notes and the
# archival reference are searchable but count for less. Their order is the order of
# the text Pagefind keeps, and the search page reads it from the meta field `parts`.
SECTION_WEIGHTS = {
    "title": 5.0,
    "person": 4.0,
    "summary": 1.0,
    "note": 0.5,
    "source": 0.5,
}
# Whitespace as JavaScript's \s knows it: the search page counts words of the text
# Pagefind keeps with content.split(/[\r\n\s]+/), as Pagefind's own excerpts do.
_JS_SPACE = re.compile(
    r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"
)


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def date_words(text: str) -> str:
    """A date written as ISO 8601 (1962-10-26, 1962-10) in words (26 October 1962);
    any other date as written."""
    match = _ISO_DATE.fullmatch(text.strip())
    if not match or not match.group(2) or not 1 <= int(match.group(2)) <= 12:
        return text
    year, month, day = match.group(1), _MONTHS[int(match.group(2)) - 1], match.group(3)
    if day is None:
        return f"{month} {year}"
    return f"{int(day)} {month} {year}" if 1 <= int(day) <= 31 else text


# Where Python's str.split() and JavaScript's \s disagree on what is a space.
_SPLIT_DIFFERS = re.compile("[\x1c-\x1f\x85\ufeff]")


def word_count(text: str) -> int:
    """How many words the search page finds in `text` (see _JS_SPACE)."""
    if not _SPLIT_DIFFERS.search(text):
        return len(text.split())  # the same count, several times faster
    return len([w for w in _JS_SPACE.split(text) if w])


def index_entry(record: Record, archive: Archive, language: str) -> IndexEntry:
    """The index entry for `record`; `language` is the site's (one index for all).

    The body comes first, alone, so an excerpt is drawn from the document's text;
    the title, participants, summary, notes and archival reference follow as weighted
    sections (`SECTION_WEIGHTS`). `meta["parts"]` says how many words each part holds
    ("body 120,title 6,person 4"), so the page can tell where a match lies.
    """
    filters = entry_filters(record, archive)
    people = list(dict.fromkeys(p.name for p, _ in archive.participant_slugs.get(record.id, ())))
    body = indexed_text(plain_text(record))
    texts = {
        "title": record.title,
        "person": "; ".join(people),
        "summary": record.summary or "",
        "note": "\n\n".join(dict.fromkeys(n.text for n in record.notes if n.text.strip())),
        "source": record.source or "",
    }
    sections = tuple(
        (name, indexed_text(text), SECTION_WEIGHTS[name])
        for name, text in texts.items()
        if text.strip()
    )
    parts = [("body", word_count(body))] + [(name, word_count(text)) for name, text, _ in sections]
    meta = {"title": record.title, "date": date_words(record.date.text) if record.date else UNDATED}
    meta["parts"] = ",".join(f"{name} {count}" for name, count in parts)
    if record.type:
        meta["type"] = record.type
    if record.language:
        meta["language"] = ", ".join(record.language)
    if record.original_language:
        meta["original_language"] = ", ".join(record.original_language)
    if record.summary:
        meta["summary"] = record.summary[:300]
    label = document_label(record)  # `Volume 4, Document 286`: tells twin titles apart
    if label:
        meta["number"] = label
    return IndexEntry(
        url="/" + urls.record_url(record.id),
        content=body,
        language=language,
        meta=meta,
        filters=filters,
        sort=sort_keys(record),
        sections=sections,
    )
