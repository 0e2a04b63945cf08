"""Participants: who takes part in a record, and one person → one people page.

Every Record passes through `derive_participants` after reading: the participants a
reader found in labelled fields come first, then those named by the title, then speaker
labels and attendance lists in the body; short forms are resolved inside the record
(`Mao` → Mao Zedong) and names are unified across records by an optional authority file.

**Names.** Courtesy titles (`Mr`, `Mrs`, `Ms`, `Miss`, `Messrs`, `Herr`, `Comrade`) say
nothing about the person and are dropped. Honours and ranks (`Sir`, `Lord`, `Dr`,
`Lt-Col`, `General`) are part of how a person is named and are kept as written, but
matching ignores them, so `Sir George Pearce`, `George Pearce` and `Pearce` meet.
Matching also ignores case, diacritics, dots, hyphens and apostrophes (`name_key`).
All-capital titles and speaker labels (`MINUTE FROM ANDERSON TO WALLER`, `Mr. AIKEN`)
are title-cased. Editorial brackets: `[Bernard] Montgomery` supplies a missing part;
`Filippov [Stalin]` and `Pak Geum-cheol [Pak Kum-chol]` identify: the bracketed name
wins and the written one is kept as an alias for matching inside the record; a single
bracketed word after a short single word completes it (`Zhou [Enlai]` → Zhou Enlai);
notes such as `[Absent]`, `[?]`, `[1]` are dropped.

**Roles.** `Participant.role` holds the function in this record (`sender`,
`recipient`, `via`, `author`, `speaker`, `interpreter`, `recorder`) and the office
as written, in one readable string: `sender (Minister for External Affairs)`, or just
`sender`, or just the office (`Yugoslav Ambassador`). `make_role`/`role_parts` build
and split it, so a people page can list "sender · Minister for External Affairs"
without a second field in the model.

**Authority file** (`content/people.yaml`, optional)::

    people:
      - name: Mao Zedong            # canonical name, shown on the people page
        slug: mao-zedong            # optional; default slugify(name without honorifics)
        aliases: ["Mao, Zedong", Mao Tse-tung, Mao]
        born: "1893"
        died: "1976"
        wikidata: Q5816             # also viaf, lcnaf, isni, gnd, orcid …
        identifiers: {cbdb: "123"}  # any other scheme
        description: Chairman of the Chinese Communist Party

Inverted forms: an entry or alias written `Family, Given` (`Satō, Eisaku`, LCSH
style, life dates such as `, 1931-` and a parenthetical such as `(Jiang Jingguo)` are
understood) matches both `Family Given` (East Asian order, `Sato Eisaku`, `Mao
Zedong`) and `Given Family` (Western order, `Eisaku Sato`). An uninverted name matches
only in the order written, because which part is the family name is unknown.

**Modules.** `vocabulary` (word lists), `names` (folding, keys, roles, one mention),
`parties` (lists of parties), `titles` and `body` (the rules for each place),
`resolution` (inside one record), `authority` (the people file); this module derives
the participants of a record and holds every name callers import.
"""

from __future__ import annotations

from dataclasses import replace

from archivist.enrich.people.authority import Authority, load_authority, parse_authority
from archivist.enrich.people.body import _body_mentions, participants_from_body
from archivist.enrich.people.names import (
    _apply_brackets,
    _Mention,
    _norm_space,
    _strip_courtesy,
    fold,
    make_role,
    name_key,
    role_parts,
)
from archivist.enrich.people.resolution import _merge_role, _resolve, resolve_short_forms
from archivist.enrich.people.titles import _title_mentions, participants_from_title
from archivist.enrich.people.vocabulary import FUNCTIONS
from archivist.model import Participant, Record

__all__ = [
    "FUNCTIONS",
    "Authority",
    "derive_names",
    "derive_participants",
    "fold",
    "load_authority",
    "make_role",
    "name_key",
    "parse_authority",
    "participants_from_body",
    "participants_from_title",
    "resolve_short_forms",
    "role_parts",
    "unresolved_names",
]


def _explicit(record: Record) -> list[_Mention]:
    """The participants a reader found in labelled fields, brackets resolved."""
    out = []
    for p in record.participants:
        function, office = role_parts(p.role)
        name, aliases = _apply_brackets(p.name)
        name = _strip_courtesy(_norm_space(name)) or p.name
        out.append(_Mention(name, function, office, aliases, ref=p.ref))
    return out


_PARTY_FUNCTIONS = frozenset({"sender", "recipient", "author"})


def _words_of(m: _Mention) -> set[str]:
    """The matching words of a mention's name and aliases."""
    return {w for text in (m.name, *m.aliases) for w in name_key(text).split()}


def _derive(record: Record, authority: Authority | None) -> tuple[list[_Mention], list[str]]:
    """(participants, unresolved names) of a record: explicit, title, body, resolved."""
    explicit = _explicit(record)
    title = _title_mentions(record.title)
    body = _body_mentions(record.body, [*explicit, *title])
    if any(m.function in _PARTY_FUNCTIONS for m in explicit):
        # The editor named the parties: the title may complete names that the
        # record uses (`Popovic` → `V. Popovic`, `Mao:` → `Mao Zedong`) but adds no
        # one new (`Letter from A to B` beside the explicit names).
        known = set().union(*(_words_of(m) for m in [*explicit, *body]))
        title = [m for m in title if _words_of(m) & known]
    mentions = [*explicit, *title, *body]
    resolved, unresolved = _resolve(mentions)
    if authority is None or not authority.people:
        return resolved, unresolved
    merged: dict[str, _Mention] = {}
    for m in resolved:
        person = authority.resolve(m.name)
        if person is None:
            for alias in m.aliases:
                person = authority.resolve(alias)
                if person:
                    break
        name = person.name if person else m.name
        key = person.slug if person else f"\0{name_key(name)}\0{m.ref or ''}"
        before = merged.get(key)
        merged[key] = _merge_role(before, m) if before else replace(m, name=name)
    still = [n for n in unresolved if authority.resolve(n) is None]
    return list(merged.values()), still


def derive_names(
    record: Record, authority: Authority | None = None
) -> tuple[tuple[Participant, ...], tuple[str, ...]]:
    """`derive_participants` and `unresolved_names` at once (one pass over the record)."""
    mentions, unresolved = _derive(record, authority)
    return tuple(m.participant() for m in mentions), tuple(unresolved)


def derive_participants(
    record: Record, authority: Authority | None = None
) -> tuple[Participant, ...]:
    """Explicit ∪ title ∪ body participants of a record, resolved and merged."""
    mentions, _ = _derive(record, authority)
    return tuple(m.participant() for m in mentions)


def unresolved_names(record: Record, authority: Authority | None = None) -> tuple[str, ...]:
    """Short forms (one word, or a bare office such as `Premier`) that match no fuller
    name in the record and no authority entry — for the `unresolved participant names`
    warning."""
    _, unresolved = _derive(record, authority)
    return tuple(unresolved)
