"""Body rules: speaker labels (`Zhou:`, `[Mao Zedong:]`) and attendance lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

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
_FUNCTION_LINE = re.compile(
    r"^\s*(interpreters?|recorders?|note-?takers?|to|from)\s*:\s*(.+)$", re.IGNORECASE
)
_BULLET = re.compile(r"^\s*(?:[-•*·–—]|\d{1,3}[.)]|\([a-z0-9]{1,3}\))\s+")


@dataclass(frozen=True, slots=True)
class _Label:
    mention: _Mention
    strong: bool  # bracketed, numbered or defined: no need to appear twice


def _label_mention(label: str, office: str | None) -> _Mention | None:
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
    if ":" not in line[: MAX_LINE * 20]:
        return []  # every label and interjection has a colon; most lines do not
    head = line[:MAX_LINE]
    out: list[_Label] = []
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
        abbrev = _ABBREVIATED.match(m[3].strip()) if m[3] else None
        office = None if abbrev or not m[3] else m[3]
        found = _label_mention(f"{m[1]} [{m[2]}]", office)
        if found:
            if abbrev:
                found = replace(found, aliases=(*found.aliases, abbrev[1].strip()))
            return [_Label(found, True)]
    m = _LABEL_PLAIN.match(head)
    if m and _plain_label_ok(m[1], m["said"]):
        found = _label_mention(m[1], m[2])
        if found and not (_org_like(found.name) and not found.office_only):
            out.append(_Label(found, False))
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
    entries: list[str] = []
    if first.strip():
        entries = [e for e in re.split(r";\s*", first.strip()) if e]
        if len(entries) == 1:
            entries = _split_top(entries[0], _COMMA)
            # `Name, Office` on one line is one entry, not two
            if len(entries) == 2 and not _person_like(entries[1]):
                entries = [first.strip()]
    else:
        # one entry a line; Markdown sources put a blank line between entries, so only
        # two blank lines in a row, or a line that names nobody, end the list
        i, blank_run = start + 1, 0
        while i < len(lines) and len(entries) < MAX_LIST_ENTRIES and blank_run < 2:
            line = lines[i][:MAX_LINE].strip()
            i += 1
            if not line:
                blank_run += 1
                continue
            blank_run = 0
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
    return [m for entry in entries for m in _entry_mentions(entry)]


def _entry_mentions(entry: str) -> list[_Mention]:
    found = _parties(_decap_tokens(entry), None)
    return [m for m in found if _person_like(m.name) or _org_like(m.name)]


def _body_mentions(body: str, known: Sequence[_Mention] = ()) -> list[_Mention]:
    lines = body.split("\n", MAX_BODY_LINES)[:MAX_BODY_LINES]
    found: list[tuple[int, _Mention]] = []
    weak: dict[str, list[tuple[int, _Mention]]] = {}
    order = 0
    for n, line in enumerate(lines):
        stripped = line[:MAX_LINE].strip()
        if not stripped:
            continue
        att = _ATTENDANCE.match(stripped)
        if att and len(stripped) < 200:
            for m in _attendance(lines, n, att[1] or ""):
                found.append((order, m))
                order += 1
            continue
        fn = _FUNCTION_LINE.match(stripped)
        if fn:
            kind = fn[1].lower().rstrip("s").replace("-", "")
            function = {"notetaker": "recorder", "to": "recipient", "from": "sender"}.get(
                kind, kind
            )
            if function in ("recipient", "sender") and n > 40:
                continue  # only a letter's head says who writes to whom
            value = fn[2].strip()
            if function in ("recipient", "sender") and not (
                _person_like(value) or _org_like(value)
            ):
                continue
            for m in _parties(value, function):
                if _person_like(m.name) or _org_like(m.name):
                    found.append((order, m))
                    order += 1
            continue
        for label in _line_labels(line):
            if label.strong:
                found.append((order, label.mention))
            else:
                weak.setdefault(name_key(label.mention.name), []).append((order, label.mention))
            order += 1
    # A plain `Word:` is a speaker only when it recurs or names someone already known:
    # one-off `Australia:` or `Background:` lines are headings, not turns.
    known_forms: set[str] = set()
    for m in [*known, *(m for _, m in found)]:
        known_forms.update(_short_forms(name_key(m.name)))
        known_forms.update(name_key(a) for a in m.aliases)
    for key, hits in weak.items():
        if len(hits) >= 2 or key in known_forms:
            found.append(hits[0])
    found.sort(key=lambda pair: pair[0])
    return [m for _, m in found]


def participants_from_body(body: str) -> tuple[Participant, ...]:
    """Speakers and attendees named in a body, in order of first appearance."""
    return tuple(m.participant() for m in _body_mentions(body))


def _not_speaker(label: str) -> bool:
    return label.casefold().strip(" .") in _NOT_SPEAKER_PHRASES
