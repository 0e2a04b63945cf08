"""Title rules: who a title names (`Letter from A to B`, `Conversation between A and B`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from archivist.enrich.people.names import (
    _clean_name,
    _decap,
    _depths,
    _find_top,
    _Mention,
    _mention,
    _norm_space,
    _office_like,
    _org_like,
    _person_like,
    _split_top,
    _word,
)
from archivist.enrich.people.parties import _COMMA, _parties
from archivist.enrich.people.vocabulary import (
    _CONNECTORS,
    _OFFICE_WORDS,
    _ORG_WORDS,
    _PARTICLES,
    _TYPE_MODIFIERS,
    _TYPE_WORDS,
)
from archivist.model import Participant

MAX_TITLE = 600  # longer "titles" are hostile input; the tail names nobody

# Each rule takes the cleaned title and returns mentions, or None when it does not
# apply. The first rule that applies wins; `_TITLE_RULES` lists them in order.

_TAIL = re.compile(
    r"\s+(?:on|regarding|concerning|about|re|during|enclosing|transmitting|containing)\s+"
    r"|\s+\((?:excerpts?|exerpt|extract)\)"
    r"|,\s*(?=(?:\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d))",
    re.IGNORECASE,
)
_IN_PLACE = re.compile(r"\s+(?:in|at)\s+(?=[A-Z])")
_QUOTED_SUBJECT = re.compile(r",?\s+['‘\"“]")


def _cut_tail(text: str, places: bool = False) -> str:
    """Drop what follows the parties: ` on 17 April 1997`, ` regarding …`, `, 12 May`."""
    depths = _depths(text)
    for m in _TAIL.finditer(text):
        before = text[: m.start()].split()
        # `Committee on Foreign Relations` is a name, not a subject
        last = _word(before[-1]) if before else ""
        if depths[m.start()] or last in _ORG_WORDS or last in _OFFICE_WORDS:
            continue
        text = text[: m.start()]
        break
    if places:
        depths = _depths(text)
        for m2 in _IN_PLACE.finditer(text):
            before = text[: m2.start()].split()
            # `High Commissioner in London` is an office; `Kohl … in Chequers` a place
            last = _word(before[-1]) if before else ""
            if not depths[m2.start()] and last and last not in _OFFICE_WORDS | _ORG_WORDS:
                text = text[: m2.start()]
                break
    return text.strip(" ,;:")


_POSSESSIVE = re.compile(
    r"^(?:the\s+)?(?P<a>[^\[\]]{1,80}?['’]s?\s+)?(?:\[(?P<b>[^\[\]]{1,80}?)(?:['’]s?)?\]\s+)?"
    r"(?:(?:telephone|phone|private|secret|informal|official|first|second|third|final|last)"
    r"\s+)*(?:conversation|meeting|talk|discussion|interview|exchange|luncheon|dinner)s?"
    r"\s+with\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


def title_possessive(title: str) -> list[_Mention] | None:
    """`[Mao Zedong's] Conversation with [Bernard] Montgomery`,
    `The Chancellor's [Helmut Kohl's] Meeting with Russian President Yeltsin on …`."""
    m = _POSSESSIVE.match(title)
    if not m or not (m["a"] or m["b"]):
        return None
    a = (m["a"] or "").strip().removesuffix("'s").removesuffix("’s").rstrip("'’")
    out: list[_Mention] = []
    if m["b"]:
        b = m["b"].strip().removesuffix("'s").removesuffix("’s").rstrip("'’")
        office = _clean_name(a) if a and _office_like(a) else None
        first = _mention(b, None, office)
        if first and a and not office:
            first = replace(first, aliases=(*first.aliases, _clean_name(a)))
    else:
        first = _mention(a, None)
    if first is None:
        return None
    out.append(first)
    out.extend(_parties(_cut_tail(m["rest"], places=True), None))
    return out


_CONVERSATION = re.compile(
    r"^(?:(?:memorandum|record|minutes|notes?|summary(?:\s+record)?|transcript|report|"
    r"excerpts?|main\s+points)\s+(?:of|on)\s+(?:(?:a|the)\s+)?)?"
    r"(?:(?:telephone|private|secret|confidential|informal)\s+)?"
    r"(?P<kind>conversations?|meetings?|discussions?|talks|interviews?|consultations?)\s+"
    r"(?P<prep>of|between|among|amongst|with)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_WITH = re.compile(r"\s+with\s+", re.IGNORECASE)


def title_conversation(title: str) -> list[_Mention] | None:
    """`Conversation of X and Y`, `Memorandum of Conversation between X and Y`,
    `Record of Meeting between X and Y`, `Meeting of X with Y`."""
    m = _CONVERSATION.match(title)
    if not m:
        return None
    kind, prep, rest = m["kind"].lower(), m["prep"].lower(), m["rest"]
    if prep == "of":
        with_m = _find_top(rest, _WITH)
        if with_m:
            head, tail = rest[: with_m.start()], rest[with_m.end() :]
            return _parties(_cut_tail(head), None) + _parties(_cut_tail(tail, True), None)
        if not kind.startswith(("conversation", "talk")):
            return None
    rest = _cut_tail(rest, places=True)
    return _parties(rest, None) or None


_BY = re.compile(
    r"^(?P<type>(?:[\w’'-]+\s+){0,3}?[\w’'-]+)\s+by\s+(?P<who>.+?)"
    r"(?:\s+of\s+(?:a\s+)?(?:conversation|meeting|discussion)s?\s+with\s+(?P<with>.+))?$",
    re.IGNORECASE,
)
_BY_TO = re.compile(r"\s+to\s+", re.IGNORECASE)


def title_by(title: str) -> list[_Mention] | None:
    """`Cabinet Submission by Calwell`, `Note by Bruce of Conversation with Keynes`,
    `Address by Mr. Frank Aiken to the United Nations General Assembly`."""
    m = _BY.match(title)
    if not m:
        return None
    type_words = [_word(w) for w in m["type"].split()]
    if type_words[-1] not in _TYPE_WORDS or any(w in _CONNECTORS for w in type_words):
        return None
    who = m["who"]
    recipients: list[_Mention] = []
    to = _find_top(who, _BY_TO)
    if to:
        recipients = _parties(_cut_tail(who[to.end() :]), "recipient")
        who = who[: to.start()]
    authors = _parties(_cut_tail(who), "author")
    if not authors:
        return None
    others = _parties(_cut_tail(m["with"], True), None) if m["with"] else []
    return authors + recipients + others


_TO = re.compile(r",\s+to\s+|\s+to\s+", re.IGNORECASE)
_COMMA_TO = re.compile(r",\s+to\s+", re.IGNORECASE)
_THROUGH = re.compile(r"\s+(?:through|via)\s+", re.IGNORECASE)
_RECIPIENT_BY = re.compile(r"\s+(?:by|from)\s+", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _near_type_word(word: str) -> bool:
    return bool(difflib.get_close_matches(word, _TYPE_WORDS, n=1, cutoff=0.85))


def _misspelt_type(tokens: Sequence[str]) -> bool:
    """A type word misspelt in the title's first word, as a party list follows it:
    DAFP's `Sumbmission from Booker to Hasluck` (else `Sumbmission` is a sender)."""
    if len(tokens) < 3 or _word(tokens[1]) not in ("from", "by", "to"):
        return False
    word = _word(tokens[0])
    return len(word) >= 5 and word not in _TYPE_WORDS and _near_type_word(word)


def _type_prefix(title: str) -> tuple[str, str | None] | None:
    """Strip `Telegram,`/`Letter from`/`MINUTE FROM`/`Ciphered Telegram No. 12 from`:
    (rest, connector) where connector is `from`, `by`, `to`, `,` or None (bare)."""
    tokens = title.split(" ")
    i, saw_type = 0, False
    while i < len(tokens) and i < 8:
        w = _word(tokens[i])
        if w in _TYPE_WORDS or (i == 0 and _misspelt_type(tokens)):
            saw_type = True
        elif w in ("from", "of") and saw_type and i + 1 < len(tokens):
            # `Extract from Cablegram from X`, `Translation of Broadcast to Y`
            nxt = _word(tokens[i + 1])
            if nxt not in _TYPE_WORDS and nxt not in _TYPE_MODIFIERS:
                break
        elif w not in _TYPE_MODIFIERS:
            break
        i += 1
        if tokens[i - 1].endswith((",", ";")):
            break
    if not saw_type or i >= len(tokens):
        return None
    if _word(tokens[i]) == "no" and i + 1 < len(tokens):
        i += 2  # `No. 16293`
    elif re.fullmatch(r"\d[\w/.-]*,?", tokens[i]):
        i += 1  # `Submission 32`
    if i >= len(tokens):
        return None
    rest_tokens = tokens[i:]
    if tokens[i - 1].endswith((",", ";")):
        return " ".join(rest_tokens), ","
    w = _word(rest_tokens[0])
    if w in ("from", "by", "to"):
        return " ".join(rest_tokens[1:]), w
    return " ".join(rest_tokens), None


def _party_start(text: str) -> bool:
    """The first comma part of a side looks like a person or body, not prose."""
    first = _split_top(text, _COMMA)[0] if text else ""
    first = re.sub(r"\([^()]{0,120}\)|\[[^\[\]]{0,120}\]", " ", first)
    tokens = first.split()
    if tokens and tokens[0].lower() == "the":
        tokens = tokens[1:]
    if not tokens or len(tokens) > 12 or ":" in first:
        return False
    if _word(tokens[0]) in _TYPE_WORDS or tokens[0][:1].islower():
        return False
    lowers = [
        t
        for t in tokens
        if t[:1].islower() and _word(t) not in _CONNECTORS | _PARTICLES and len(t) > 2
    ]
    return not lowers


def title_from_to(title: str) -> list[_Mention] | None:
    """`Telegram, X to Y`, `Cable from X to Y`, `Letter from X to Y`, `X to Y`,
    `X, Office, to Y, Office, and to Z`, `Memorandum From X Through Y to Z`."""
    text = title
    quoted = _find_top(text, _QUOTED_SUBJECT)
    if quoted and quoted.start() > 0:
        text = text[: quoted.start()]
    prefix = _type_prefix(text)
    connector: str | None = None
    if prefix:
        text, connector = prefix
    sides = _sides(text, connector)
    if sides is None:
        return None
    sender_text, recipient_text = sides
    if sender_text is not None and not _party_start(sender_text):
        return None
    if recipient_text is not None and not _party_start(recipient_text):
        return None
    senders = _senders(sender_text, connector) if sender_text else []
    authors, via, recipients = _recipients(recipient_text) if recipient_text else ([], [], [])
    return authors + senders + via + recipients or None


def _sides(text: str, connector: str | None) -> tuple[str | None, str | None] | None:
    """(sender side, recipient side) of `X to Y` with what follows the last side cut
    off; either may be None (`Letter to Y`, `Letter from X`); None: no sides at all."""
    if connector == "to":
        return None, _cut_tail(text)
    split = _find_top(text, _COMMA_TO) or _find_top(text, _TO)
    if split is not None:
        return text[: split.start()], _cut_tail(text[split.end() :])
    if connector in ("from", "by"):
        return _cut_tail(text), None
    return None


def _senders(text: str, connector: str | None) -> list[_Mention]:
    """`X Through Y`: the senders (authors after `by`), then those it went through."""
    via: list[_Mention] = []
    through = _find_top(text, _THROUGH)
    if through:
        via = _parties(text[through.end() :], "via")
        text = text[: through.start()]
    function = "author" if connector == "by" else "sender"
    return _parties(text, function) + via


def _recipients(text: str) -> tuple[list[_Mention], list[_Mention], list[_Mention]]:
    """(authors, via, recipients) of a recipient side: `Evatt via Deschamps`,
    `Peacock by Ashwin` (Ashwin the author), `Fife from Evans` (Evans the sender)."""
    via: list[_Mention] = []
    through = _find_top(text, _THROUGH)
    if through:  # `Marshall to Evatt via Deschamps`
        via = _parties(text[through.end() :], "via")
        text = text[: through.start()]
    authors: list[_Mention] = []
    by = _find_top(text, _RECIPIENT_BY)
    if by:  # `Ministerial Submission to Peacock by Ashwin`, `… to Fife from Evans`
        function = "sender" if by[0].strip().lower() == "from" else "author"
        authors = _parties(text[by.end() :], function)
        text = text[: by.start()]
    return authors, via, _parties(text, "recipient")


_AUTHOR_SUBJECT = re.compile(r"^(?P<who>[^'‘\"“]{2,160}?),\s+['‘\"“]")


def title_author_subject(title: str) -> list[_Mention] | None:
    """`Mao Zedong, 'On the People's Democratic Dictatorship'` → author Mao Zedong."""
    m = _AUTHOR_SUBJECT.match(title)
    if not m or not _party_start(m["who"]):
        return None
    who = m["who"]
    if not (_person_like(who) or _org_like(who) or _office_like(who)):
        return None
    return _parties(who, "author") or None


_BETWEEN = re.compile(
    r"\b(?:conversations?|meetings?|discussions?|talks|negotiations)\s+between\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


def title_between(title: str) -> list[_Mention] | None:
    """Last resort: `Main Points of Meeting Between Prime Minister Sato and …`."""
    m = _BETWEEN.search(title)
    if not m:
        return None
    rest = m["rest"]
    end = re.search(r"['’\"”]", rest)
    if end:
        rest = rest[: end.start()]
    return _parties(_cut_tail(rest, places=True), None) or None


_TITLE_RULES = (
    title_possessive,
    title_conversation,
    title_by,
    title_from_to,
    title_author_subject,
    title_between,
)


def _title_mentions(title: str) -> list[_Mention]:
    """The mentions of the first title rule that applies (capitals title-cased)."""
    return list(_title_mentions_of(title))


# Archives repeat their titles (DAFP: 9,710 records, about 3,500 distinct titles) and
# mentions are frozen: each worker reads a title once.
@lru_cache(maxsize=1 << 14)
def _title_mentions_of(title: str) -> tuple[_Mention, ...]:
    text = _norm_space(title[:MAX_TITLE])
    text = _decap(text)
    text = re.sub(r"\s*\((?:excerpts?|exerpt|extract)\)\s*$", "", text, flags=re.IGNORECASE)
    text = text.rstrip(" .")
    if not text:
        return ()
    for rule in _TITLE_RULES:
        found = rule(text)
        if found:
            return tuple(m for m in found if _plausible(m))
    return ()


def _plausible(m: _Mention) -> bool:
    """Short enough to be a name, and with a letter in it."""
    tokens = m.name.split()
    return 0 < len(tokens) <= 12 and len(m.name) <= 150 and any(c.isalpha() for c in m.name)


def participants_from_title(title: str) -> tuple[Participant, ...]:
    """Participants named by a title, in the order written."""
    return tuple(m.participant() for m in _title_mentions(title))
