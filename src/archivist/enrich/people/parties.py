"""Lists of parties: `A, Office, and to B`, `Cumes, Eastman, Cook and Flood` → mentions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from archivist.enrich.people.names import (
    _Mention,
    _mention,
    _norm_space,
    _office_like,
    _office_only,
    _org_like,
    _person_like,
    _split_office_prefix,
    _split_top,
    _word,
)
from archivist.enrich.people.vocabulary import _OFFICE_WORDS, _words

_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_AND_TO = re.compile(r",?\s+and\s+to\s+|;\s*", re.IGNORECASE)
_COMMA = re.compile(r",\s*")
_COMMA_AND = re.compile(r",\s+and\s+", re.IGNORECASE)


def _complete_party(text: str) -> bool:
    """A side of ` and ` that can stand alone: a person, a body, or one capitalised word
    (`Officer`, `King` are surnames in `Ballard and Officer`, `Evatt to King and Smuts`)."""
    text = _norm_space(re.sub(r"\([^()]{0,160}\)", " ", text))  # `Slany (Historian)`
    tokens = text.split()
    if len(tokens) == 1:
        return tokens[0][:1].isupper() and not any(c.isdigit() for c in tokens[0])
    if _person_like(text) or _org_like(text):
        return True
    office, name = _split_office_prefix(text)
    if office is not None and _person_like(name):
        return True
    # `the Yugoslav Ambassador`: an office with no name is still a side of ` and `.
    bare = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return bare != text and _office_only(bare)


_BODY_HEADS = _words("""department departments embassy legation ministry office mission delegation government
    consulate committee council secretariat bureau division section""")


def _starts_body(text: str) -> bool:
    tokens = text.split()
    return bool(tokens) and _word(tokens[0]) in _BODY_HEADS


_ADJECTIVE = re.compile(r"(?:ic|al|ian|an|ese|ish|ary|ive|ern)$", re.IGNORECASE)


def _split_and(text: str) -> list[str]:
    """`Evatt and Dunk`, `Critchley and Department of External Affairs` → two;
    `Department of Trade and Customs`, `Economic and Social Council` stay one."""
    parts = _split_top(text, _AND)
    if len(parts) < 2 or not all(_complete_party(p) for p in parts):
        return [text]
    for left, right in itertools.pairwise(parts):
        if _starts_body(right):
            continue  # `… and Department of External Affairs`: a second body
        adjective = _ADJECTIVE.search(left) or _word(left) in _OFFICE_WORDS
        if len(left.split()) == 1 and _org_like(right) and adjective:
            return [text]  # `Economic and Social Council`, not `Hodgson and Delegation`
        if len(right.split()) == 1 and _org_like(left) and re.search(r"\s(?:of|for)\s", left):
            return [text]  # `Department of Commerce and Agriculture`
    return parts


_SUFFIX = re.compile(r"(?:Jr|Sr|Jnr|Snr|II|III|IV)\.?", re.IGNORECASE)


def _flush(current: list[_Mention], office_parts: list[str], out: list[_Mention]) -> None:
    """Give the last person the office parts collected after it; move all to `out`."""
    if current and office_parts:
        last = current[-1]
        extra = ", ".join(office_parts)
        current[-1] = replace(last, office=f"{last.office}, {extra}" if last.office else extra)
    out.extend(current)
    current.clear()
    office_parts.clear()


def _parties(text: str, function: str | None) -> list[_Mention]:
    """A list of parties: `Mr S. M. Bruce, High Commissioner in London, and to Sir
    Earle Page, Minister for Commerce`, `Cumes, Eastman, Cook and Flood`."""
    return list(_remembered_parties(text, function))


@lru_cache(maxsize=1 << 16)  # (as names._mention: pure, and names recur)
def _remembered_parties(text: str, function: str | None) -> tuple[_Mention, ...]:
    out: list[_Mention] = []
    for chunk in _split_top(text, _AND_TO):
        chunk = re.sub(r"^(?:to|and)\s+", "", chunk, flags=re.IGNORECASE)
        parts = _comma_parts(chunk)
        if not parts:
            continue
        if _org_like(parts[0]) and not _office_like(parts[0]):
            out += _body_parties(chunk, parts, function)
        else:
            out += _people_parties(parts, function)
    return tuple(out)


def _comma_parts(chunk: str) -> list[str]:
    """The comma parts of a chunk, without a leading `and` (`Cumes, Cook and Flood`)."""
    parts = [re.sub(r"^and\s+", "", p, flags=re.IGNORECASE) for p in _split_top(chunk, _COMMA)]
    return [p for p in parts if p]


def _mentions(
    pieces: Iterable[str], function: str | None, office: str | None = None
) -> list[_Mention]:
    """A mention for each piece that names someone."""
    return [m for piece in pieces if (m := _mention(piece, function, office))]


def _body_parties(chunk: str, parts: Sequence[str], function: str | None) -> list[_Mention]:
    """A body and its qualifier: `Australian Delegation, United Nations`; after a
    comma and `and`, another party (`…, United Nations, and Burton`)."""
    *first, last = _split_top(chunk, _COMMA_AND)
    if first and _complete_party(last):
        head = ", and ".join(first)
        return _body_parties(head, _comma_parts(head), function) + _mentions(
            _split_and(last), function
        )
    if len(parts) > 1 and all(_starts_body(p) for p in parts):
        # `Embassy in Washington, Legation in Paris`: each part a body of its own
        return [m for p in parts for m in _mentions(_split_and(p), function)]
    pieces = _split_and(chunk)
    if len(parts) > 1 and "," in pieces[0]:
        pieces = [chunk]  # `Australian Delegation, Economic and Social Council`
    return _mentions(pieces, function)


def _people_parties(parts: Sequence[str], function: str | None) -> list[_Mention]:
    """Comma parts that name people, each person followed by the parts of their office:
    `Mr S. M. Bruce, High Commissioner in London`, `Stalin, Kuznetsov`."""
    out: list[_Mention] = []
    current: list[_Mention] = []  # the people named by the last name part
    office_parts: list[str] = []  # the parts after them, until the next name part
    pending_office: str | None = None  # an office written before its holder
    for part, nxt in zip(parts, [*parts[1:], ""], strict=True):
        if current and not office_parts and _SUFFIX.fullmatch(part):
            last = current[-1]  # `William D. Blair, Jr.`
            current[-1] = replace(last, name=f"{last.name}, {part}")
            continue
        pieces = _split_and(part)
        if not current and not office_parts:
            if pending_office is None and _office_before_holder(part, nxt):
                pending_office = part  # `the President of Ukraine, Leonid Kuchma`
                continue
            current += _mentions(pieces, function, pending_office)
            pending_office = None
        elif not office_parts and _another_party(current[-1], part, pieces):
            _flush(current, office_parts, out)
            current += _mentions(pieces, function)
        else:
            office_parts.append(part)
    _flush(current, office_parts, out)
    return out


def _office_before_holder(part: str, nxt: str) -> bool:
    """An office alone in its part, and the next part a person: its holder."""
    return (
        not _person_like(_split_office_prefix(part)[1])
        and _office_like(part)
        and bool(nxt)
        and _person_like(nxt)
    )


def _another_party(last: _Mention, part: str, pieces: Sequence[str]) -> bool:
    """`Stalin, Kuznetsov`: another person; `the Secretary of Defense, the Director of
    Central Intelligence`: another office, not the office of the one before."""
    return all(_person_like(p) for p in pieces) or (_office_only(last.name) and _office_only(part))
