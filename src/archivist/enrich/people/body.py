"""Body rules: speaker labels (`Zhou:`, `[Mao Zedong:]`) and attendance lists."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from archivist.enrich.people.names import (
    _clean_name,
    _decap_tokens,
    _is_courtesy,
    _is_editorial,
    _is_honour,
    _Mention,
    _mention,
    _norm_space,
    _org_like,
    _person_like,
    _short_forms,
    _split_top,
    _word,
    name_key,
)
from archivist.enrich.people.parties import _COMMA, _parties
from archivist.enrich.people.vocabulary import (
    _CONNECTORS,
    _NOT_SPEAKER_PHRASES,
    _OFFICE_WORDS,
    _words,
)
from archivist.model import Participant

MAX_LINE = 300  # speaker labels and list entries sit at the start of a line
MAX_BODY_LINES = 20_000
MAX_LIST_ENTRIES = 80


_LABEL_BRACKETED = re.compile(r"^\s*\[([^\[\]:\n]{1,60}):\s*\]")
_LABEL_NUMBERED = re.compile(
    r"^\s*\d{1,4}\.\s+((?:mr|mrs|ms|miss|sir|dr|lord|lady|prince|mme|m)\.?\s+[^():\n]{1,60}?)"
    r"\s*(?:\(([^()\n]{1,60})\))?\s*:",
    re.IGNORECASE,
)
_LABEL_DEFINED = re.compile(
    r"^\s*([^:\[\]()\n]{1,60}?)\s*\[([^\[\]\n]{1,60})\]\s*(?:\(([^()\n]{1,80})\))?\s*:"
)
_LABEL_PLAIN = re.compile(
    r"^\s*([^\W\d_][^:()\[\]\n]{0,40}?)\s*(?:\(([^()\n]{1,60})\))?:\s+(?P<said>\S.{0,8})"
)
# what follows `AA:` in a footnote is an archival reference, not speech
_REFERENCE_AFTER = re.compile(r"^(?:\d|[A-Z]{1,4}\s?\d)")
# `Agenda Item III:`, `Part Two:`: headings, whatever words surround them
_HEADING_WORDS = _words(
    "agenda item part section annex appendix chapter paragraph article question point "
    "resolution draft topic"
)
_NOT_LABEL_START = _words("see cf file in on at per vide")
_REPOSITORY_WORDS = _words("library libraries papers archives archive collection")
_INTERJECTION = re.compile(r"\(([^\W\d_][^():\[\]\n]{0,40}):\s+(?P<said>[^)\n]{1,8})")
_ABBREVIATED = re.compile(
    r"^(?:to\s+be\s+|hereafter\s+|hereinafter\s+)?(?:abbreviated|referred\s+to|called)"
    r"\s+(?:as\s+)?['\"“‘]?([^'\"”’]{1,40})['\"”’]?$",
    re.IGNORECASE,
)
_ATTENDANCE = re.compile(
    r"^\s*(?:[\w’'-]+\s+){0,3}?(?:participants?|present|in\s+attendance|attendees|attending"
    r"|also\s+present|those\s+present|persons\s+present|members\s+present)\s*(?::\s*(.*)|$)",
    re.IGNORECASE,
)
# The last letters of `_ATTENDANCE`'s words, in either case (and the long s, which the
# regex takes for an s): a line without a colon must end with one to be a list's head.
_LIST_WORD_ENDS = frozenset("tTsSeEgG\u017f")
_FUNCTION_LINE = re.compile(
    r"^\s*(interpreters?|recorders?|note-?takers?|to|from)\s*:\s*(.+)$", re.IGNORECASE
)
_BULLET = re.compile(r"^\s*(?:[-•*·–—]|\d{1,3}[.)]|\([a-z0-9]{1,3}\))\s+")


@dataclass(frozen=True, slots=True)
class _Label:
    """A mention found in a body; a weak one (a plain `Word:`) must be confirmed."""

    mention: _Mention
    strong: bool  # any form but a plain label: no need to appear twice


@lru_cache(maxsize=1 << 16)  # (as names._mention: pure, and labels recur)
def _label_mention(label: str, office: str | None) -> _Mention | None:
    """The speaker a label names, or None for a header field, a number or prose."""
    label = _decap_tokens(_norm_space(label))
    if _not_speaker(label) or any(ch.isdigit() for ch in label):
        return None
    tokens = label.split()
    if not tokens or len(tokens) > 6:
        return None
    if office and _is_editorial(office):
        office = None
    if all(_word(t) in _OFFICE_WORDS | _CONNECTORS or _is_honour(t) for t in tokens):
        return _Mention(_clean_name(label), "speaker", office, office_only=True)
    m = _mention(label, "speaker", office)
    if m is None or (not _person_like(m.name) and not _org_like(m.name)):
        return None
    return m


def _plain_label_ok(label: str, said: str) -> bool:
    """`Zhou: We …` yes; `AA: A1838/2`, `See AA: …`, `Flinders University Library: …` no."""
    first = label[:1]
    if not first or first.islower() or _REFERENCE_AFTER.match(said):
        return False
    words = [_word(t) for t in label.split()]
    if words[0] in _NOT_LABEL_START or any(w in _REPOSITORY_WORDS for w in words):
        return False
    if any(w in _HEADING_WORDS for w in words):
        return False
    letters = [c for c in label if c.isalpha()]
    # a bare acronym (`AA`, `NAA`, `PM&C`) is an abbreviation key, not a speaker
    return not (len(words) == 1 and len(letters) <= 4 and label.isupper())


def _line_labels(line: str) -> list[_Label]:
    """The speaker labels of a line: the one it starts with, and interjections."""
    if ":" not in line[: MAX_LINE * 20]:
        return []  # every label and interjection has a colon; most lines do not
    head = line[:MAX_LINE]
    strong = _strong_label(head)
    if strong is not None:
        return strong
    out: list[_Label] = []
    m = _LABEL_PLAIN.match(head)
    if m and _plain_label_ok(m[1], m["said"]):
        found = _label_mention(m[1], m[2])
        if found and not (_org_like(found.name) and not found.office_only):
            out.append(_Label(found, False))
    return out + _interjections(line)


def _strong_label(head: str) -> list[_Label] | None:
    """The label of a bracketed, numbered or defined line (no one else on it is a
    speaker); None when the line starts with none of these forms."""
    m = _LABEL_BRACKETED.match(head)
    if m:
        found = _label_mention(m[1], None)
        return [_Label(found, True)] if found else []
    m = _LABEL_NUMBERED.match(head)
    if m:
        found = _label_mention(m[1], m[2])
        return [_Label(found, True)] if found else []
    m = _LABEL_DEFINED.match(head)
    if m and not _is_editorial(m[2]):
        found = _defined_label(m)
        if found:
            return [_Label(found, True)]
    return None


def _defined_label(m: re.Match[str]) -> _Mention | None:
    """`Name [Identified] (Office):`; an `(abbreviated as 'X')` note gives an alias."""
    abbrev = _ABBREVIATED.match(m[3].strip()) if m[3] else None
    office = None if abbrev or not m[3] else m[3]
    found = _label_mention(f"{m[1]} [{m[2]}]", office)
    if found and abbrev:
        found = replace(found, aliases=(*found.aliases, abbrev[1].strip()))
    return found


def _interjections(line: str) -> list[_Label]:
    """`(Zhou: Yes.)` inside a line: a speaker interrupting."""
    out: list[_Label] = []
    for inter in _INTERJECTION.finditer(line[: MAX_LINE * 20]):
        if not _plain_label_ok(inter[1], inter["said"]):
            continue
        found = _label_mention(inter[1], None)
        if found and not _org_like(found.name):
            out.append(_Label(found, True))
    return out


def _flattened_table(line: str) -> bool:
    """A table squeezed onto one line (`Mr Durie Prime Minister's Department Mr Hall`):
    a second honorific after a name, ditto marks or stray closing brackets."""
    seen_name = False
    for token in line.split():
        if _is_courtesy(token) or _is_honour(token):
            if seen_name:
                return True
        else:
            seen_name = True
    return '"' in line or (")" in line and "(" not in line)


def _attendance(lines: Sequence[str], start: int, first: str) -> list[_Mention]:
    """Entries after `Participants:`/`Present:` on the same line or the lines below."""
    first = first.strip()
    entries = _entries_inline(first) if first else _entries_below(lines, start + 1)
    return [m for entry in entries for m in _entry_mentions(entry)]


def _entries_inline(text: str) -> list[str]:
    """`Participants: A; B`, `Present: A, B, C`; but `Name, Office` is one entry."""
    entries = [e for e in re.split(r";\s*", text) if e]
    if len(entries) == 1:
        entries = _split_top(entries[0], _COMMA)
        # `Name, Office` on one line is one entry, not two
        if len(entries) == 2 and not _person_like(entries[1]):
            entries = [text]
    return entries


def _entries_below(lines: Sequence[str], start: int) -> list[str]:
    """One entry a line from `start`, until a line that names nobody."""
    entries: list[str] = []
    for line in _list_lines(lines, start):
        if len(entries) >= MAX_LIST_ENTRIES:
            break
        if line.endswith(":") and len(line) < 60:
            continue  # a group heading such as `American side:`
        if _ATTENDANCE.match(line) or _FUNCTION_LINE.match(line):
            break
        line = _BULLET.sub("", line)
        if len(line.split()) > 16 or (not line[:1].isupper() and line[:1] != "["):
            break
        if _flattened_table(line):
            continue  # a table squeezed onto one line names no one clearly
        if not _entry_mentions(line):
            break
        entries.append(line)
    return entries


def _list_lines(lines: Sequence[str], start: int) -> Iterator[str]:
    """The non-blank lines from `start`, cut and stripped. Markdown sources put a blank
    line between entries, so only two blank lines in a row end the list."""
    blank_run = 0
    for i in range(start, len(lines)):
        line = lines[i][:MAX_LINE].strip()
        if line:
            blank_run = 0
            yield line
        else:
            blank_run += 1
            if blank_run == 2:
                return


def _entry_mentions(entry: str) -> list[_Mention]:
    """The people and bodies one entry of an attendance list names."""
    found = _parties(_decap_tokens(entry), None)
    return [m for m in found if _person_like(m.name) or _org_like(m.name)]


def _body_mentions(body: str, known: Sequence[_Mention] = ()) -> list[_Mention]:
    """Speakers and attendees of a body, in order; `known`: named elsewhere in the record."""
    lines = body.split("\n", MAX_BODY_LINES)[:MAX_BODY_LINES]
    labels = [label for n in range(len(lines)) for label in _line_mentions(lines, n)]
    return _confirmed(labels, known)


def _confirmed(labels: Sequence[_Label], known: Sequence[_Mention]) -> list[_Mention]:
    """The mentions of `labels` in order, a weak label's only at its first line, and only
    when it recurs or names someone already known (here or in `known`)."""
    # one-off `Australia:` or `Background:` lines are headings, not turns
    known_forms: set[str] = set()
    for m in [*known, *(label.mention for label in labels if label.strong)]:
        known_forms.update(_short_forms(name_key(m.name)))
        known_forms.update(name_key(a) for a in m.aliases)
    weak: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        if not label.strong:
            weak.setdefault(name_key(label.mention.name), []).append(i)
    confirmed = {hits[0] for key, hits in weak.items() if len(hits) >= 2 or key in known_forms}
    return [label.mention for i, label in enumerate(labels) if label.strong or i in confirmed]


def _line_mentions(lines: Sequence[str], n: int) -> list[_Label]:
    """Who line `n` names: an attendance list (which may go on below), a function line
    (`Interpreter:`, `To:`), or speaker labels. Only plain labels are weak."""
    line = lines[n]
    stripped = line[:MAX_LINE].strip()
    if not stripped:
        return []
    if ":" not in line[: MAX_LINE * 20] and stripped[-1] not in _LIST_WORD_ENDS:
        return []  # most lines: no colon for any form below, nor an attendance word at the end
    att = _ATTENDANCE.match(stripped)
    if att and len(stripped) < 200:
        return [_Label(m, True) for m in _attendance(lines, n, att[1] or "")]
    fn = _FUNCTION_LINE.match(stripped)
    if fn:
        return [_Label(m, True) for m in _function_line(fn[1], fn[2], n)]
    return _line_labels(lines[n])


_FUNCTION_OF = {"notetaker": "recorder", "to": "recipient", "from": "sender"}


def _function_line(kind: str, value: str, n: int) -> list[_Mention]:
    """`Interpreter: Li Yueran`, `To: Evatt` (line `n`): parties in that function."""
    kind = kind.lower().rstrip("s").replace("-", "")
    function = _FUNCTION_OF.get(kind, kind)
    value = value.strip()
    if function in ("recipient", "sender"):
        if n > 40:
            return []  # only a letter's head says who writes to whom
        if not (_person_like(value) or _org_like(value)):
            return []
    return [m for m in _parties(value, function) if _person_like(m.name) or _org_like(m.name)]


def participants_from_body(body: str) -> tuple[Participant, ...]:
    """Speakers and attendees named in a body, in order of first appearance."""
    return tuple(m.participant() for m in _body_mentions(body))


def _not_speaker(label: str) -> bool:
    """`Subject:`, `Note:`, `Present:`: a header field or an editorial mark."""
    return label.casefold().strip(" .") in _NOT_SPEAKER_PHRASES
