"""Datelines, classification lines, footnote blocks and archival references.

The shape is that of edited diplomatic documents (Documents on Australian Foreign
Policy and its kin): a dateline (`Cablegram 398 CANBERRA, 25 November 1946, 4.30 p.m.`),
often a precedence/classification line (`MOST IMMEDIATE SECRET`), the text, a block of
numbered footnotes and the archival reference (`_[AA:A1838/2, 852/10/4]_`).

`parse_dateline` reads one dateline; `split_body` finds all of these in a body and
returns the body without the footnotes and the reference. Each rule is a small named
function over one line, so an archive with another habit is one vocabulary entry or
one pattern away. All patterns are anchored and linear; lines are looked at only up to
`MAX_LINE` characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from archivist.model import ArchiveDate, Note
from archivist.read.dates import find_date

#: Longer lines are never datelines, classification lines or references.
MAX_DATELINE = 400
MAX_LINE = 2000
#: The dateline is looked for among the first few non-empty lines only.
HEAD_LINES = 6


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline as written and what it says.

    `type` and `place` are as written (`Circular cablegram`, `[LONDON]`, `Canberra`);
    `classification` is one written in the dateline itself (`PERSONAL AND SECRET`).
    """

    text: str
    type: str | None = None
    place: str | None = None
    date: ArchiveDate | None = None
    classification: str | None = None


@dataclass(frozen=True, slots=True)
class BodyParts:
    """A body split into its parts.

    `body` is the text without the footnote block and the trailing reference (the
    dateline and classification lines stay: they are part of the document). The
    `*_line` fields give 1-based line numbers in the body that was split.
    """

    body: str
    dateline: Dateline | None = None
    classification: str | None = None
    notes: tuple[Note, ...] = ()
    source: str | None = None
    dateline_line: int | None = None
    classification_line: int | None = None
    notes_line: int | None = None
    source_line: int | None = None


# --- vocabularies ------------------------------------------------------------------

#: Document types that open a dateline; longest first so `Record of Conversation`
#: wins over `Record`. Matched case-insensitively, kept as written.
TYPES = (
    "Record of Conversation", "Record of Meeting", "Note of Meeting", "Note for File",
    "Notes of Meeting", "File Note", "Summary Record", "Verbatim Minutes",
    "Teleprinter Message", "Radio Message", "Cipher Message", "Naval Signal",
    "Security Council Document", "Working Paper", "Aide-Memoire", "Aide Memoire",
    "Cablegrams", "Cablegram", "Cable", "Telegrams", "Telegram", "Savingram",
    "Radiogram", "Letter", "Memorandum", "Memo", "Minutes", "Minute", "Dispatch",
    "Despatch", "Agendum", "Agenda", "Notes", "Note", "Message", "Extracts", "Extract",
    "Submission", "Report", "Brief", "Decision", "Paper", "Resolution", "Document",
    "Supplement", "Appendix", "Enclosure", "Attachment", "Statement", "Record",
)  # fmt: skip
_TYPE_QUALIFIERS = ("Draft", "Circular", "Departmental", "Ministerial", "Personal")
_TYPE = re.compile(
    r"(?:(?:" + "|".join(_TYPE_QUALIFIERS) + r")\s+)?"
    r"(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in TYPES) + r")\b",
    re.I,
)

#: Words of a precedence or security classification (`MOST IMMEDIATE SECRET`).
CLASSIFICATION_WORDS = frozenset(
    [
        "secret",
        "confidential",
        "restricted",
        "personal",
        "immediate",
        "priority",
        "urgent",
        "important",
        "strictly",
        "most",
        "top",
        "and",
        "austeo",
        "unclassified",
        "official",
        "private",
        "guard",
        "deferred",
        "routine",
        "cabinet-in-confidence",
        "in-confidence",
        "clear",
    ]
)
#: At least one of these makes a line a classification line.
_CORE = frozenset(
    [
        "secret",
        "confidential",
        "restricted",
        "personal",
        "immediate",
        "priority",
        "urgent",
        "austeo",
        "unclassified",
    ]
)
# Handling words that only appear in all-capitals classification lines
# (`FOR THE PRIME MINISTER PERSONAL HIMSELF`).
_HANDLING = frozenset(["for", "the", "prime", "minister", "himself", "alone", "only", "to", "eyes"])

_UNDATED = re.compile(r"(?<![A-Za-z])(?:n\.\s?d\.?|[Uu]ndated)(?![A-Za-z])")
_MD_NOTE_REF = re.compile(r"\[\^?\d{1,3}\]\(#[^()\s]{0,20}\)|\[\^?\d{1,3}\]")
_LINKED_NOTE_REF = re.compile(r"\[\^?\d{1,3}\]\(#[^()\s]{0,20}\)")
_EMPHASIS = re.compile(r"\*\*|(?<!\w)_|_(?!\w)")

# --- one line at a time ------------------------------------------------------------


def _plain(line: str) -> str:
    """The line without Markdown emphasis and with spaces collapsed."""
    return " ".join(_EMPHASIS.sub("", line[:MAX_LINE]).split())


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;—–]+|&mdash;", text) if w]


def _is_prose(prefix: str) -> bool:
    """Running text, not the head of a dateline (`I acknowledge yours of`)."""
    small = [w for w in _words(prefix) if w[:1].islower() and w.isalpha()]
    allowed = {"unnumbered", "of", "and", "to", "for", "from", "the", "by", "on", "in", "with"}
    return len([w for w in small if w not in allowed]) > 2 or len(small) > 6


def _type_at(text: str) -> tuple[str, int] | None:
    m = _TYPE.match(text)
    return (m.group(), m.end()) if m else None


def _is_caps_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return (
        bool(letters) and all(c.isupper() for c in letters) and not any(c.isdigit() for c in word)
    )


def _split_classification(words: list[str]) -> tuple[list[str], list[str]]:
    """Peel classification words off the front of an all-capitals run."""
    i = 0
    while i < len(words) and words[i].lower().strip(".,") in CLASSIFICATION_WORDS:
        i += 1
    cls = words[:i]
    while cls and cls[-1].lower() == "and":  # `SECRET AND` + place is not a class
        cls.pop()
        i -= 1
    if not any(w.lower().strip(".,") in _CORE for w in cls):
        return [], words
    return cls, words[i:]


def _place_and_class(rest: str) -> tuple[str | None, str | None]:
    """Place (and any classification before it) from what precedes the date."""
    rest = _MD_NOTE_REF.sub("", rest).strip(" ,")
    if not rest:
        return None, None
    m = re.search(r"\[([^\[\]]{1,80})\]$", rest)
    if m and not any(c.isdigit() for c in m[1]) and any(c.isalpha() for c in m[1]):
        return "[" + m[1].strip(" ,") + "]", None
    segment = rest.rsplit(",", 1)[-1].strip()
    words = segment.split()
    run: list[str] = []
    for w in reversed(words):
        if not _is_caps_word(w):
            break
        run.insert(0, w)
    if run:
        cls, place = _split_classification(run)
        return (" ".join(place) or None), (" ".join(cls) or None)
    looks_like_place = re.fullmatch(r"[^\W\d_][\w.’'&() -]{0,60}", segment) is not None
    if (
        looks_like_place
        and segment[:1].isupper()
        and not any(w[:1].islower() and w not in ("of", "de", "es", "la", "the") for w in words)
    ):
        return segment, None
    return None, None


def parse_dateline(line: str) -> Dateline | None:
    """Read a dateline: type, place, date and a trailing classification.

    None when the line is not a dateline (no date or `n.d.`, or it reads as prose).
    """
    if len(line) > MAX_DATELINE:
        return None
    text = _plain(line)
    if not text:
        return None
    date = find_date(text)
    if date is not None:
        start = text.find(date.text)
        end = start + len(date.text)
    else:
        m = _UNDATED.search(text)
        if m is None:
            return None
        start, end = m.start(), m.end()
    prefix, suffix = text[:start], text[end:]
    if len(prefix) > 150 or _is_prose(prefix):
        return None
    kind = None
    found = _type_at(prefix.lstrip(" ,"))
    rest = prefix.lstrip(" ,")
    if found:
        kind, cut = found
        rest = rest[cut:]
    place, cls = _place_and_class(rest)
    suffix = _MD_NOTE_REF.sub("", suffix).strip(" ,.")
    if kind is None and suffix:
        found = _type_at(suffix)
        if found:
            kind = found[0]
    if cls is None and suffix:
        cls = _classification_words(suffix)
    if cls is None and kind is None and (len(suffix) > 120 or _is_prose(suffix)):
        return None  # a date inside a sentence: `On August 15, 1947, Japan was ...`
    return Dateline(text, kind, place, date, cls)


def _classification_words(text: str) -> str | None:
    """A classification at the start of `text` (`PERSONAL AND SECRET, ...`)."""
    run: list[str] = []
    for word in text.split():
        if not _is_caps_word(word) or word.lower().strip(".,") not in CLASSIFICATION_WORDS:
            break
        run.append(word)
    cls, _ = _split_classification(run)
    return " ".join(cls).strip(" ,.") or None


_REF_PREFIX = re.compile(
    r"(?:(?:No\.?|UN|CM|O\.?CH)\s*)?[\w/.]*\d[\w/.]*(?:\\?\.)?\s*(?=\S)|\d+\s*\\?\.\s*"
)


def parse_classification(line: str) -> str | None:
    """A precedence/classification line (`MOST IMMEDIATE SECRET`, `Confidential`).

    A cable number before it (`1430\\. Secret Priority`) is dropped.
    """
    text = _plain(line).replace("&mdash;", "—")
    if not text or len(text) > 80:
        return None
    m = _REF_PREFIX.match(text)
    if m and m.end() < len(text):
        text = text[m.end() :]
    words = _words(text)
    if not words:
        return None
    lowered = [w.lower().strip(".,:") for w in words]
    if not any(w in _CORE for w in lowered):
        return None
    if all(w in CLASSIFICATION_WORDS for w in lowered):
        return text.strip(" ,.")
    letters = [c for c in text if c.isalpha()]
    shouted = all(c.isupper() for c in letters) and not any(c.isdigit() for c in text)
    if shouted and all(w in CLASSIFICATION_WORDS or w in _HANDLING for w in lowered):
        return text.strip(" ,.")
    return None


# --- the tail: footnotes and reference ---------------------------------------------

_MARKER = frozenset({"_", "__", "_ _", "-"})
_CITATION = re.compile(r"\s*_?\s*(?P<ref>A?\[[^\n]{2,400}\])\s*_?\s*")
_NOTE = re.compile(
    r"\s*(?:\*\s+)?_?(?P<label>\d{1,3})(?:\s+|(?=[A-Z‘'\"]))(?P<text>\S.*)"
    r"|\s*\[\^(?P<mlabel>\w{1,10})\]:\s*(?P<mtext>.*)"
    r"|\s*_?\[(?P<blabel>\d{1,3})\]\s+(?P<btext>\S.*)"
)


_SOURCE_WORDS = re.compile(
    r"collection|papers|library|archives|record|reported in|vol\.|pp?\.\s*\d", re.I
)


def _citation(line: str) -> str | None:
    """The reference in a line that is only a bracketed archival reference.

    `[AA:A1838/2, 852/10/4]`, `[UKNA: DEFE 5/123]`, `[A9737, 92/012409, vii]`,
    `[EVATT COLLECTION - ...]`; not a supplied signature (`[F. STRAHAN]`), a note
    mark (`[1]`), an editorial remark (`[matter omitted]`) or a supplied dateline.
    """
    if len(line) > MAX_LINE:
        return None
    m = _CITATION.fullmatch(line)
    if m is None:
        return None
    ref = m["ref"]
    inner = ref[ref.index("[") + 1 : -1].lstrip("[")
    if not re.match(r"\s*[A-Za-z]", inner):
        return None
    if ":" in inner[:60]:
        return ref
    if _SOURCE_WORDS.search(inner) and len(inner.split()) >= 3:
        return ref  # a published source: `[Reported in 'The Times', 2 May 1939, p. 9]`
    if find_date(inner) is not None:
        return None  # a supplied dateline: `[NEW DELHI, 20 January 1949]`
    if re.match(r"[A-Z]{1,3}\s?\d", inner) and "," in inner:
        return ref  # a series number first: `[A9737, 92/012409, vii]`
    if re.match(r"[A-Z]{2,}", inner) and "," in inner and any(c.isdigit() for c in inner):
        return ref
    if _SOURCE_WORDS.search(inner) and len(inner.split()) >= 3:
        return ref
    return None


def _is_commentary(line: str) -> bool:
    """An editor's paragraph between documents: wholly in italics or bold."""
    s = line.strip()
    return len(s) > 2 and s[0] in "_*" and _note_start(line) is None and not _citation(line)


def _note_start(line: str) -> tuple[str, str] | None:
    if len(line) > MAX_LINE * 20:
        return None
    m = _NOTE.fullmatch(line)
    if m is None:
        return None
    if m["mlabel"] is not None:
        return m["mlabel"], m["mtext"].strip()
    if m["blabel"] is not None:
        return m["blabel"], m["btext"].strip()
    return m["label"], m["text"].strip()


def _is_marker(line: str) -> bool:
    return line.strip() in _MARKER


def _opener(line: str) -> bool:
    return line.strip() == "_"


@dataclass(slots=True)
class _Notes:
    notes: list[tuple[str, list[str]]]
    lines: set[int]
    first: int | None = None

    def start(self, i: int, label: str, text: str) -> None:
        self.notes.append((label, [text]))
        self.lines.add(i)
        self.first = i if self.first is None else min(self.first, i)

    def go_on(self, i: int, text: str) -> None:
        self.notes[-1][1].append(text.strip())
        self.lines.add(i)

    def result(self) -> tuple[Note, ...]:
        out = []
        for label, parts in self.notes:
            text = "\n\n".join(p for p in parts if p).strip().rstrip("_").strip()
            out.append(Note(label, text))
        return tuple(out)


def _next_content(lines: Sequence[str], i: int, stop: int) -> int | None:
    for j in range(i, stop):
        if lines[j].strip():
            return j
    return None


def _marked_block(lines: Sequence[str], stop: int) -> _Notes | None:
    """The last ` _` … `_` footnote block before line `stop`."""
    for i in range(stop - 1, -1, -1):
        line = lines[i]
        glued = re.match(r"\s*_(\d{1,3})\s+\S", line[:200])
        if not (glued or _opener(line)):
            continue
        j = i if glued else _next_content(lines, i + 1, stop)
        if j is None or _note_start(lines[j]) is None or _citation(lines[j]):
            continue
        block = _Notes([], {i})
        for k in range(j, stop):
            line = lines[k]
            if not line.strip():
                continue
            if k > j and _opener(line):
                block.lines.add(k)
                break
            if _citation(line):
                break
            note = _note_start(line)
            if note:
                block.start(k, *note)
            elif block.notes:
                block.go_on(k, line)
        block.first = i
        return block
    return None


def _run_after(lines: Sequence[str], start: int, stop: int) -> _Notes | None:
    """Unmarked notes that follow the reference (`  * 1 Document 220.`)."""
    j = _next_content(lines, start, stop)
    while j is not None and (_is_marker(lines[j]) or _is_commentary(lines[j])):
        j = _next_content(lines, j + 1, stop)
    if j is None or _note_start(lines[j]) is None:
        return None
    block = _Notes([], set())
    for k in range(j, stop):
        line = lines[k]
        if not line.strip():
            continue
        if _is_marker(line):
            block.lines.add(k)
            continue
        note = _note_start(line)
        if note:
            block.start(k, *note)
        else:
            block.go_on(k, line)
    return block


def _run_before(lines: Sequence[str], stop: int) -> _Notes | None:
    """Unmarked notes numbered 1..n that end just before line `stop`.

    Without markers a note is told from a numbered paragraph by the sequence: walking
    up, labels must count down to 1 with at most two other paragraphs between them.
    """
    expect: int | None = None
    found: list[tuple[int, str, str]] = []
    loose: list[int] = []
    for k in range(stop - 1, -1, -1):
        line = lines[k]
        if not line.strip() or _is_marker(line):
            continue
        note = _note_start(line)
        if note and note[0].isdigit() and (expect is None or int(note[0]) == expect):
            found.append((k, *note))
            loose = []
            if int(note[0]) == 1:
                break
            expect = int(note[0]) - 1
            continue
        if expect is None or len(loose) >= 2:
            return None
        loose.append(k)
    if not found or found[-1][1] != "1":
        return None
    block = _Notes([], set())
    found.reverse()
    last = stop
    for n, (k, label, text) in enumerate(found):
        block.start(k, label, text)
        upto = found[n + 1][0] if n + 1 < len(found) else last
        for c in range(k + 1, upto):
            if lines[c].strip() and not _is_marker(lines[c]):
                block.go_on(c, lines[c])
            elif lines[c].strip():
                block.lines.add(c)
    return block


def _last_meaningful(lines: Sequence[str]) -> int:
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or _is_marker(lines[end - 1])):
        end -= 1
    return end


def _trailing_source(lines: Sequence[str], end: int) -> int | None:
    """The line of the reference that closes the document.

    Notes may follow the reference (`[NAA: …]` then `1 Document 220.`), so the scan
    walks up through note lines; anything else there must be a few continuation
    paragraphs of those notes, or the document simply has no closing reference.
    """
    starts = other = 0
    below: int | None = None  # the first content line under the candidate
    for i in range(end - 1, -1, -1):
        line = lines[i]
        if not line.strip() or _is_marker(line) or _is_commentary(line):
            continue
        if _citation(line):
            if below is None:
                return i
            if _note_start(lines[below]) is not None and other <= 2 * starts:
                return i
            return None
        if _note_start(line) is not None:
            starts += 1
        else:
            other += 1
        below = i
        if other > 2 * starts + 3 or starts + other > 500:
            return None
    return None


# --- the head: dateline and classification -----------------------------------------

_HEADING = re.compile(r"#{1,6}\s+(?:\d+\s+)?(?P<rest>.*)")


def _head(lines: Sequence[str]) -> tuple[Dateline | None, int | None, str | None, int | None]:
    content = [i for i, line in enumerate(lines[:200]) if line.strip() and not _is_marker(line)]
    head = content[:HEAD_LINES]
    heading_type = None
    dateline: Dateline | None = None
    at: int | None = None
    for n, i in enumerate(head):
        line = lines[i]
        h = _HEADING.fullmatch(line.strip()[:MAX_LINE])
        if h:
            found = _type_at(h["rest"])
            heading_type = heading_type or (found[0] if found else None)
            continue
        dateline = _dateline_from(lines, head[n:], i)
        if dateline is not None:
            at = i
            break
    if dateline is not None and dateline.type is None and heading_type is not None:
        dateline = Dateline(
            dateline.text, heading_type, dateline.place, dateline.date, dateline.classification
        )
    cls, cls_at = None, None
    after = [i for i in head if at is None or i > at][:3]
    for i in after:
        found_cls = parse_classification(lines[i])
        if found_cls:
            cls, cls_at = found_cls, i
            break
    return dateline, at, cls, cls_at


def _dateline_from(lines: Sequence[str], rest: Sequence[int], i: int) -> Dateline | None:
    line = lines[i]
    dateline = parse_dateline(line)
    if dateline is None and line.rstrip().endswith(",") and len(line) < 150:
        # a dateline broken over lines: `Cablegram 435,` / `SECRET CANBERRA, 6 August 1947`
        joined = line.strip()
        for j in rest[1:3]:
            joined += " " + lines[j].strip()
            dateline = parse_dateline(joined)
            if dateline is not None and dateline.date is not None:
                break
            dateline = None
    if dateline is None:
        return None
    if dateline.place is None and dateline.type is None and len(rest) > 1:
        # `27th November, 1956` / `CANBERRA`: the place on the line after the date
        nxt = _plain(lines[rest[1]])
        words = nxt.split()
        if (
            0 < len(words) <= 4
            and all(_is_caps_word(w) for w in words)
            and parse_classification(nxt) is None
        ):
            return Dateline(
                dateline.text + " " + nxt, None, nxt, dateline.date, dateline.classification
            )
    return dateline


# --- public -------------------------------------------------------------------------


def split_body(body: str) -> BodyParts:
    """Split a document body into dateline, classification, text, notes and reference."""
    lines = body.split("\n")
    dateline, dl_at, cls, cls_at = _head(lines)
    end = _last_meaningful(lines)
    source_at = _trailing_source(lines, end)
    removed: set[int] = set(range(end, len(lines)))
    notes: _Notes | None = None
    if source_at is not None:
        removed.add(source_at)
        notes = _run_after(lines, source_at + 1, end)
        if notes is None:
            notes = _marked_block(lines, source_at)
        if notes is None:
            notes = _run_before(lines, source_at)
    else:
        notes = _marked_block(lines, end)
        if notes is None:
            notes = _run_before(lines, end)
    if notes is not None:
        if dl_at is not None and notes.first is not None and notes.first <= dl_at:
            notes = None  # never eat the head of the document
        else:
            removed |= notes.lines
            if source_at is not None:
                # markers between the notes and the reference belong to the tail
                lo = min([*notes.lines, source_at])
                hi = max([*notes.lines, source_at])
                removed |= {k for k in range(lo, hi + 1) if _is_marker(lines[k])}
    if source_at is not None:
        k = source_at - 1
        while k >= 0 and (not lines[k].strip() or _is_marker(lines[k])):
            if _is_marker(lines[k]):
                removed.add(k)
            k -= 1
    kept = [line for i, line in enumerate(lines) if i not in removed]
    text = "\n".join(kept).rstrip()
    text = text.lstrip("\n")
    source = _citation(lines[source_at]) if source_at is not None else None
    if source:
        # A note marker inside the reference (`[UKNA: CAB 148/25[1](#f1)]`) is the
        # page's, not the citation's.
        source = _LINKED_NOTE_REF.sub("", source)
    first_note = min(notes.lines) if notes and notes.lines else None
    return BodyParts(
        body=text,
        dateline=dateline,
        classification=cls or (dateline.classification if dateline else None),
        notes=notes.result() if notes else (),
        source=source,
        dateline_line=None if dl_at is None else dl_at + 1,
        classification_line=None if cls_at is None else cls_at + 1,
        notes_line=None if first_note is None else first_note + 1,
        source_line=None if source_at is None else source_at + 1,
    )
