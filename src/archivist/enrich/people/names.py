"""Names as written: folding and matching keys, roles, and one mention of one name.

A mention is a name met in one place of one record, with its function, office and any
aliases an editor's brackets supplied; everything here looks at a single name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from archivist.enrich.people.vocabulary import (
    _CONNECTORS,
    _COURTESY,
    _EDITORIAL,
    _HONOURS,
    _OFFICE_ENDS,
    _OFFICE_WORDS,
    _ORG_WORDS,
    _PARTICLES,
    _TYPE_WORDS,
    FUNCTIONS,
)
from archivist.model import Participant

# --- small text helpers -------------------------------------------------------------------

_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
     "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i", "’": "'", "‘": "'", "ʻ": "'", "`": "'"}
)  # fmt: skip
_OPEN = "([{"
_CLOSE = ")]}"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and diacritics-insensitive form: `Satō` → `sato`, `Łódź` → `lodz`."""
    if text.isascii():
        return text.translate(_FOLD).casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _norm_space(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def _word(token: str) -> str:
    """A token without surrounding punctuation, folded: `Mr.` → `mr`."""
    return fold(token).strip(".,;:()[]{}\"'")


def _is_courtesy(token: str) -> bool:
    return _word(token).replace(".", "") in _COURTESY


def _is_honour(token: str) -> bool:
    return _word(token).replace(".", "") in _HONOURS


def _strip_titles(tokens: Sequence[str]) -> list[str]:
    """Drop leading honorifics (courtesy and honours) but never the whole name."""
    out = list(tokens)
    while len(out) > 1 and (_is_courtesy(out[0]) or _is_honour(out[0])):
        out.pop(0)
    return out


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The matching form of a name: no honorifics, case, diacritics or punctuation.

    `Mr R.G. Menzies` and `R. G. Menzies` → `r g menzies`; `Mao, Zedong` → `mao zedong`.
    """
    text = re.sub(r"\[\d{1,3}\]", " ", name)
    text = fold(text).replace("'", "")
    text = re.sub(r"[\W_]+", " ", text)
    tokens = _strip_titles(text.split())
    return " ".join(tokens)


def _short_forms(key: str) -> list[str]:
    """The keys a full name can be shortened to: first or last words (`mao`, `popovic`)."""
    tokens = key.split()
    out = []
    for n in range(1, len(tokens)):
        out += [" ".join(tokens[:n]), " ".join(tokens[-n:])]
    return out


_ANY_BRACKET = re.compile(r"[()\[\]{}]")


def _depths(text: str) -> list[int]:
    """Bracket depth at each character; all zero when brackets are unbalanced."""
    if _ANY_BRACKET.search(text) is None:  # most text: no per-character walk
        return [0] * len(text)
    depth = 0
    out = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
            out.append(depth)
        elif ch in _CLOSE:
            out.append(depth)
            depth -= 1
            if depth < 0:
                return [0] * len(text)
        else:
            out.append(depth)
    return out if depth == 0 else [0] * len(text)


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split `text` on `pattern` only where it is outside brackets."""
    depths = _depths(text)
    parts, start = [], 0
    for m in pattern.finditer(text):
        if m.start() < start or depths[m.start()] or (m.end() > m.start() and depths[m.end() - 1]):
            continue
        parts.append(text[start : m.start()])
        start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _find_top(text: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    depths = _depths(text)
    for m in pattern.finditer(text):
        if not depths[m.start()]:
            return m
    return None


def _titlecase_word(word: str) -> str:
    if "." in word.strip(".") or len(word) <= 1:
        return word  # initialisms such as U.K. stay as written
    low = word.lower()
    if low in _CONNECTORS:
        return low
    out = re.sub(r"(^|[-'’])(\w)", lambda m: m[1] + m[2].upper(), low)
    return re.sub(r"^(Mc)(\w)", lambda m: m[1] + m[2].upper(), out)


def _decap(text: str) -> str:
    """Title-case text written in capitals; mixed-case text is left as written."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or any(c.islower() for c in letters):
        return text
    return " ".join(_titlecase_word(w) for w in text.split(" "))


def _decap_tokens(text: str) -> str:
    """Title-case each all-capital word of three letters or more (`Mr. AIKEN`)."""
    return " ".join(
        _titlecase_word(w)
        if w.upper() == w and (sum(c.isupper() for c in w) >= 3 or _is_courtesy(w) or _is_honour(w))
        else w
        for w in text.split(" ")
    )


# --- roles ----------------------------------------------------------------------------


def make_role(function: str | None, office: str | None) -> str | None:
    """`sender`, `Minister` → `sender (Minister)`; either part may be missing."""
    office = _norm_space(_FOOTNOTE.sub("", office)).strip(" ,;.") if office else None
    if office and office.lower().startswith("the "):
        office = office[4:]
    if function and office:
        return f"{function} ({office})"
    return function or office or None


def role_parts(role: str | None) -> tuple[str | None, str | None]:
    """Split a role into (function, office): the inverse of `make_role`."""
    if not role:
        return None, None
    for function in FUNCTIONS:
        if role == function:
            return function, None
        if role.startswith(function + " (") and role.endswith(")"):
            return function, role[len(function) + 2 : -1] or None
    return None, role


# --- mentions: a name as met in one place of one record ----------------------------------


@dataclass(frozen=True, slots=True)
class _Mention:
    """A name as met in one place of one record, with what it is there."""

    name: str
    function: str | None = None
    office: str | None = None
    aliases: tuple[str, ...] = ()
    office_only: bool = False  # a label such as `Premier:` that names an office, not a person
    ref: str | None = None  # the source's id of the person (`Participant.ref`)

    def participant(self) -> Participant:
        return Participant(self.name, make_role(self.function, self.office), ref=self.ref)


def _tokens_person_like(tokens: Sequence[str]) -> bool:
    """Capitalised words (particles aside) that are no office, body or document type."""
    if not tokens or len(tokens) > 7:
        return False
    for i, tok in enumerate(tokens):
        w = _word(tok)
        if not w:
            return False
        if w in _OFFICE_WORDS or w in _ORG_WORDS or w in _TYPE_WORDS:
            return False
        if any(ch.isdigit() for ch in tok):
            return False
        first = tok.lstrip("[(\"'")[:1]
        if not first:
            return False
        if first.islower():
            if i == 0 or w not in _PARTICLES or w == "of":
                return False
        elif not first.isalpha():
            return False
    # a name needs at least one word that is not a particle or an honorific
    return any(_word(t) not in _PARTICLES and not _is_honour(t) for t in tokens)


def _person_like(text: str) -> bool:
    tokens = _strip_titles(_norm_space(text).split())
    if tokens and _word(tokens[0]) == "the":
        return False
    return _tokens_person_like(tokens)


def _office_only(text: str) -> bool:
    """`the Secretary of Defense`: an office standing for whoever holds it."""
    text = re.sub(r"^(?:and|the)\s+", "", text.strip(), flags=re.IGNORECASE)
    return _office_like(text) and not _person_like(_split_office_prefix(text)[1])


def _org_like(text: str) -> bool:
    words = [_word(t) for t in text.split()]
    return any(w in _ORG_WORDS for w in words)


def _office_like(text: str) -> bool:
    words = [_word(t) for t in text.split()]
    return any(w in _OFFICE_WORDS for w in words)


_FOOTNOTE = re.compile(r"\s*\[\d{1,3}\]")
_BRACKET = re.compile(r"\[([^\[\]]{0,120})\]")


def _is_editorial(content: str) -> bool:
    """`[Absent]`, `[?]`, `[sic]`, `[name not declassified]`: a note, not a name."""
    text = content.strip().strip(".")
    if not text or text.casefold() in _EDITORIAL:
        return True
    if len(text) > 2 and text.isupper() and " " not in text and "." not in text:
        return True  # `Evatt [CANBERRA]`: where the addressee was, not a name
    return text[0].islower() or not text[0].isalpha()


def _apply_brackets(text: str) -> tuple[str, tuple[str, ...]]:
    """Resolve editorial brackets in a name: (name, aliases as written)."""
    text = _FOOTNOTE.sub("", text)
    aliases: list[str] = []
    for _ in range(4):  # a name has few brackets; bound the work on hostile input
        m = _BRACKET.search(text)
        if not m:
            break
        content = m[1].strip()
        before, after = text[: m.start()].strip(), text[m.end() :].strip()
        if _is_editorial(content):
            text = _norm_space(f"{before} {after}")
        elif before and _org_like(before) and not after:
            # `Asian Affairs Bureau [Ministry of Foreign Affairs, Japan]`: a qualifier
            text = f"{before}, {content}"
        elif after and not after.startswith(("(", ",")):
            text = _norm_space(f"{before} {content} {after}")  # `[Bernard] Montgomery`
        elif not before:
            text = _norm_space(f"{content} {after}")
        else:
            *lead, last = before.split()
            content_tokens = content.split()
            # `Zhou [Enlai]`, `Premier Zhou [Enlai]`: a short family name completed
            short = (
                len(last) <= 5
                and last[:1].isupper()
                and len(content_tokens) == 1
                and all(_word(t) in _OFFICE_WORDS or _is_honour(t) for t in lead)
            )
            if short and not _is_honour(content_tokens[0]) and not _is_courtesy(content):
                text = _norm_space(f"{before} {content} {after}")  # `Zhou [Enlai]`
            else:
                aliases.append(before)  # `Filippov [Stalin]`: the editor identifies
                text = _norm_space(f"{content} {after}")
    text = text.replace("[", "").replace("]", "")
    return _norm_space(text), tuple(aliases)


def _strip_courtesy(name: str) -> str:
    tokens = name.split()
    while len(tokens) > 1 and _is_courtesy(tokens[0]):
        tokens.pop(0)
    return " ".join(tokens)


def _clean_name(text: str) -> str:
    """A name without surrounding punctuation, possessive `'s`, leading `the` or courtesy."""
    text = _norm_space(text).strip(" ,;:.-–—'\"‘’“”*†‡")
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    if text.lower().startswith("the ") and not _person_like(text[4:]):
        text = text[4:]
    text = _strip_courtesy(text)
    # restore a final period that belongs to an initial or abbreviation
    return text


def _split_office_prefix(text: str) -> tuple[str | None, str]:
    """`Yugoslav Ambassador V. Popovic` → (`Yugoslav Ambassador`, `V. Popovic`)."""
    tokens = text.split()
    if tokens and _word(tokens[0]) == "the":
        tokens = tokens[1:]
    best: tuple[str | None, str] = (None, " ".join(tokens))
    for i, tok in enumerate(tokens):
        if _word(tok) not in _OFFICE_WORDS and not _word(tok).endswith("'s"):
            continue
        if _word(tok).endswith("'s") and _word(tok)[:-2] not in _OFFICE_WORDS:
            continue
        end = i + 1
        if end < len(tokens) and _word(tokens[end]) in ("of", "for", "to"):
            # consume an office complement up to a word that ends office phrases
            j = end + 1
            stop = None
            while j < len(tokens) and j < end + 6:
                if _word(tokens[j]) in _OFFICE_ENDS:
                    stop = j
                j += 1
            if stop is None:
                continue
            end = stop + 1
        rest = tokens[end:]
        if rest and all(_word(t) in _OFFICE_ENDS | _CONNECTORS for t in rest):
            continue  # `Minister for Foreign Affairs`: no name after the office
        if rest and _tokens_person_like(_strip_titles(rest)):
            office = " ".join(tokens[:end]).rstrip(",")
            best = (office.removesuffix("'s").removesuffix("’s"), " ".join(rest))
    return best


_DOC_NUMBER = re.compile(r"^No\.?\s*\d+[A-Za-z]?\.\s+")


def _office_phrase(text: str) -> str:
    """`The Ambassador in Russia` → `Ambassador in Russia`."""
    return re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)


# Pure functions of the text, and archives repeat their names: each read worker
# remembers its readings (the people stage was a third of reading a record).
@lru_cache(maxsize=1 << 16)
def _mention(text: str, function: str | None, office: str | None = None) -> _Mention | None:
    """One party as written (`Mr J. A. Lyons`, `Filippov [Stalin]`) → a mention."""
    text = _norm_space(text)
    if not text or len(text) > 200:
        return None
    # FRUS numbers its documents in the head: `No. 2. Mr. Gresham`
    text = _DOC_NUMBER.sub("", text) or text
    # a trailing parenthetical is an office or a place: `Kieran (Ottawa)`; after an
    # office it is the holder: `The Ambassador in Russia (Francis)` is Francis
    paren = re.search(r"\s*\(([^()]{1,120})\)\s*$", text)
    if paren and paren.start() > 0:
        inner = paren[1].strip()
        inner = _FOOTNOTE.sub("", inner).strip()
        before = text[: paren.start()]
        if _office_only(before) and _person_like(inner) and not _org_like(inner):
            office = f"{_office_phrase(before)}, {office}" if office else _office_phrase(before)
            text = inner
        else:
            if not _is_editorial(inner):
                office = f"{office}, {inner}" if office else inner
            text = before
    name, aliases = _apply_brackets(text)
    name = _clean_name(name)
    if not name or not any(c.isalnum() for c in name):
        return None
    if not _org_like(name):
        prefix, rest = _split_office_prefix(name)
        if prefix:
            office = f"{prefix}, {office}" if office else prefix
            name = _clean_name(rest)
    aliases = tuple(_clean_name(a) for a in aliases if _clean_name(a))
    # A conversation side like `the Yugoslav Ambassador` names an office, not a
    # person: it may resolve to the participant holding it, and is dropped otherwise.
    # (A sender or recipient office, `Secretary of State to …`, is kept.)
    bare = function is None and not aliases and _office_only(text)
    return _Mention(name, function, office or None, aliases, office_only=bare)
