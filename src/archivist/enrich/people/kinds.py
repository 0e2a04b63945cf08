"""Kinds: is a participant a person or an organization?

`kind_of` decides from the name alone and what the archive knows: an organization is
a body (a word such as department, embassy, delegation, government, cabinet, office,
posts: `Department of External Affairs`, `Australian Delegation, United Nations`), a
post named by its city or country as cable headings do (`Canberra`, `Jakarta`, `All
Posts`), or an office named alone (`Prime Minister`, `the Secretary of State`).
An office word that is also the surname of someone the archive names in full stays a
person: DAFP's `Officer to Evatt` is Keith Officer (`F. K. Officer`).

`tidy` cleans the names rules found in titles and bodies: a footnote marker glued to a
name (`Evatt3`) or a courtesy title (`MrJohn Curtin`), two names joined by `and` or `for`
(`Kishi And Menzies`, `Heydon for Hodgson`), and
fragments that are no one (`Affairs`, `1963 Anzus Record`, `Evatt Cablegram 142`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Literal

from archivist.enrich.people.names import (
    _is_honour,
    _office_like,
    _person_like,
    _split_office_prefix,
    _word,
    fold,
    name_key,
)
from archivist.enrich.people.vocabulary import (
    _CONNECTORS,
    _OFFICE_ENDS,
    _OFFICE_WORDS,
    _ORG_WORDS,
    _TYPE_WORDS,
)
from archivist.model import Participant

Kind = Literal["person", "organization"]

# Posts, capitals and countries that cable headings name as senders and recipients.
PLACES = frozenset(
    " ".join(fold(p).replace(".", "").split())
    for p in """Canberra|Sydney|Melbourne|Brisbane|Perth|Adelaide|Hobart|Darwin|London|
    Washington|Washington DC|New York|Ottawa|Wellington|Auckland|Tokyo|Peking|Beijing|
    Nanking|Chungking|Shanghai|Hong Kong|Moscow|Paris|Rome|Bonn|Berlin|Geneva|Brussels|
    The Hague|Hague|Lisbon|Madrid|Vienna|Bern|Berne|Stockholm|Oslo|Copenhagen|Helsinki|
    Dublin|Athens|Ankara|Belgrade|Warsaw|Prague|Budapest|Bucharest|Cairo|Tel Aviv|
    Jerusalem|Beirut|Damascus|Baghdad|Tehran|Teheran|Karachi|Islamabad|New Delhi|Delhi|
    Bombay|Calcutta|Colombo|Rangoon|Bangkok|Vientiane|Phnom Penh|Saigon|Hanoi|Manila|
    Jakarta|Djakarta|Batavia|Kuala Lumpur|Singapore|Dili|Port Moresby|Noumea|Suva|Apia|
    Nauru|Honiara|Port Vila|Nukualofa|Seoul|Pyongyang|Taipei|Dacca|Dhaka|Kathmandu|
    Kabul|Pretoria|Cape Town|Johannesburg|Salisbury|Nairobi|Lagos|Accra|Dar es Salaam|
    Addis Ababa|Ottawa|Mexico City|Mexico|Rio de Janeiro|Brasilia|Buenos Aires|Santiago|
    Lima|Bogota|Caracas|Havana|San Francisco|Los Angeles|Chicago|Honolulu|Lake Success|
    Hollandia|Kupang|Koepang|Rabaul|Bandung|Jogjakarta|Yogyakarta|Kuching|Labuan|
    Hanoi|Macao|Macau|Vatican|Australia|New Zealand|Indonesia|Malaysia|Malaya|Japan|
    China|India|Pakistan|Ceylon|Burma|Thailand|Siam|Philippines|Vietnam|Cambodia|Laos|
    Korea|Canada|United States|USA|U.S.A.|United Kingdom|UK|U.K.|Britain|France|
    Germany|Italy|Netherlands|Holland|Portugal|Spain|Russia|USSR|U.S.S.R.|Soviet Union|
    Egypt|Israel|Iran|Iraq|South Africa|Fiji|Samoa|Tonga|Papua New Guinea|PNG|
    All Posts|Certain Posts|Posts|Heads of Mission|All Heads of Mission""".split("|")
)
# Portfolios: a department named by what it does (`External Affairs`, `Agriculture`).
_PORTFOLIO = frozenset(
    """external internal foreign home domestic affairs agriculture customs immigration
    territories supply labour trade commerce industry industries primary defence defense
    treasury health education justice information interior resources development
    national works overseas economic""".split()
)
# Offices besides the people vocabulary's: `Permanent Heads`, `First Naval Member`.
_MORE_OFFICES = frozenset(
    """heads member members permanent first naval sea attorney postmaster solicitor
    auditor general""".split()
)
# What a record is about, not who: `Casey's Diary`.
_NOT_WHO = frozenset(
    """diary diaries journal papers notebook memoire presented meeting references
    weapons visit dinner interview discussions papier""".split()
)
# Bodies the people vocabulary lacks: `Confederation of Australian Industry`,
# `Australian Textile Workers'union`, `Ministerial Colleagues`.
_MORE_BODIES = frozenset(
    """departments confederation chambers colony organisations organizations parties
    colleagues expedition officials officers farmers workers union unions""".split()
)
# `Barwick In London`, `Menzies at Australia Club Dinner`: where, not who.
_WHERE = re.compile(r"\s+(?:in|at)\s+.*$", re.IGNORECASE)
_INITIAL = re.compile(r"^(?:[A-Z]\.){1,3}$|^[A-Z]$")
_DIGIT = re.compile(r"\d")
_GLUED_MARK = re.compile(r"(?<=[a-z])\d{1,3}$")
# `Kishi And Menzies`, `Fraser and Chifley`, `Heydon for Hodgson` (one signing for
# another): two people.
_AND = re.compile(r"\s+(?:and|for|&)\s+", re.IGNORECASE)
# Forms of address: `His Excellency Li Hung-chang` is Li Hung-chang.
_ADDRESS_WORDS = frozenset(
    "his her your excellency highness majesty lordship royal imperial".split()
)
_ADDRESS = re.compile(
    r"^(?:(?:his|her|your)\s+)?(?:(?:royal|imperial)\s+)?(?:excellency|highness|majesty)[,\s]+",
    re.IGNORECASE,
)
# A courtesy title glued to the name by a lost space: `MrJohn Curtin`, `MrR.G.Casey`.
_GLUED_COURTESY = re.compile(r"^(?:Mr|Mrs|Ms|Dr)\.?(?=[A-Z])")


def _words(name: str) -> list[str]:
    """Folded words, hyphens and apostrophes splitting (`Consulate-General`,
    `Workers'union`)."""
    return [w for w in (_word(t) for t in re.split(r"[\s\-'’]+", name)) if w]


def is_place(name: str) -> bool:
    """`Canberra`, `New Delhi`, `All Posts`: a post named by its place."""
    return " ".join(fold(name).replace(".", "").split()) in PLACES


def is_office(name: str) -> bool:
    """`Prime Minister`, `Secretary of State for External Affairs`, `Officer`: an
    office with no one's name in it."""
    tokens = [t for t in re.split(r"[\s\-]+", name) if t]  # `Attorney-General`
    office_words = _OFFICE_WORDS | _CONNECTORS | _OFFICE_ENDS | _MORE_OFFICES
    if tokens and all(_word(t) in office_words or _is_honour(t) for t in tokens):
        return not all(_is_honour(t) for t in tokens) or len(tokens) == 1
    if not tokens or not _office_like(name):
        return False
    rest = _split_office_prefix(name)[1]
    return rest == name and not _person_like(rest)


def kind_of(name: str, surnames: Collection[str] = (), written: Collection[str] = ()) -> Kind:
    """The kind of participant a name stands for. `surnames` are the last words
    (`name_key`) of the people the archive names in full; `written`, the keys of the
    names it writes in mixed case somewhere (`Tange` makes `TANGE` no acronym)."""
    words = _words(name)
    if any(w in _ORG_WORDS or w in _MORE_BODIES for w in words) or is_place(name):
        return "organization"
    if name.startswith(("the ", "a ")):
        return "organization"  # described, not named: `the British minister`
    if words and all(w in _PORTFOLIO | _CONNECTORS for w in words) and len(words) > 1:
        return "organization"  # `External Affairs`: the department
    tokens = name.split()
    if _initials_and_surname(tokens):
        return "person"  # `F. K. Officer`: initials and a surname, whatever the word
    if is_office(name):
        key = name_key(name)
        if len(words) == 1 and key in surnames:
            return "person"  # `Officer` beside `F. K. Officer`
        return "organization"
    if len(tokens) == 1 and _ACRONYM.fullmatch(name):
        key = name_key(name)
        if key not in surnames and key not in written:
            return "organization"  # `Paper by AAEC`: the Atomic Energy Commission
    return "person"


# Country marks are no one's initials: `U.K. High Commissioner`, `N.Z. Prime Minister`.
_COUNTRY_MARKS = frozenset("us usa uk nz un ussr prc uar gdr frg".split())
_ACRONYM = re.compile(r"[A-Z]{2,6}")


def _initials_and_surname(tokens: list[str]) -> bool:
    """Initials followed by exactly one word, the surname (`F. K. Officer`, `Lt Col
    W. R. Hodgson`); not `U.K. High Commissioner in Australia`."""
    marks = [
        i
        for i, t in enumerate(tokens[:-1])
        if _INITIAL.match(t) and t.replace(".", "").lower() not in _COUNTRY_MARKS
    ]
    return bool(marks) and marks[-1] == len(tokens) - 2


def is_fragment(name: str) -> bool:
    """No one: a number, a bare connector or office complement (`Affairs`), a type
    word (`1963 Anzus Record`, `Evatt Cablegram 142`), a form of address alone
    (`Your Excellency`, `Highness, Excellency`)."""
    words = _words(name)
    if not words or _DIGIT.search(name) or all(w in _ADDRESS_WORDS for w in words):
        return True
    if len(words) == 1 and words[0] in _OFFICE_ENDS | _CONNECTORS | _PORTFOLIO:
        return True
    if any(w.removesuffix("'s") in _NOT_WHO for w in words):
        return True
    return any(w in _TYPE_WORDS for w in words) and not any(w in _ORG_WORDS for w in words)


def tidy(participants: Iterable[Participant]) -> tuple[Participant, ...]:
    """Found names cleaned: glued footnote markers cut, `A And B` split, fragments dropped."""
    out: dict[tuple[str, str | None], Participant] = {}
    for p in participants:
        name = _GLUED_COURTESY.sub("", _GLUED_MARK.sub("", p.name.strip()))
        name = _ADDRESS.sub("", name) or name
        name = re.sub(r"(?<=\w)- (?=\w)", "-", name)  # `Governor- General`
        where = _WHERE.search(name)
        if where and _person_like(name[: where.start()]):
            name = name[: where.start()]
        *first, last = name.split() or [""]
        if first and last.isupper() and is_place(last):
            name = " ".join(first)  # `Burton BATAVIA`: the post he wrote from
        parts = _AND.split(name) if _AND.search(name) else [name]
        if len(parts) > 1 and not all(_person_like(part) for part in parts):
            parts = [name]
        for part in parts:
            if part and not is_fragment(part):
                out.setdefault((part, p.role), Participant(part, p.role, p.kind))
    return tuple(out.values())
