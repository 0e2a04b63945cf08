"""Resolution inside one record: short forms and bare offices merged into full names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from archivist.enrich.people.names import (
    _is_honour,
    _Mention,
    _org_like,
    _short_forms,
    _word,
    name_key,
    role_parts,
)
from archivist.enrich.people.vocabulary import _CONNECTORS, _OFFICE_WORDS
from archivist.model import Participant

MAX_PEOPLE = 1000  # distinct names kept per record; beyond that the text is not a record


def _merge_role(a: _Mention, b: _Mention) -> _Mention:
    return replace(
        a,
        function=a.function or b.function,
        office=a.office or b.office,
        aliases=tuple(dict.fromkeys((*a.aliases, *b.aliases))),
    )


def _office_target(m: _Mention, mentions: Sequence[_Mention]) -> int | None:
    word = name_key(m.name)
    hits = {
        name_key(o.name)
        for o in mentions
        if not o.office_only and o.office and word and f" {word} " in f" {name_key(o.office)} "
    }
    if len(hits) != 1:
        return None
    target = next(iter(hits))
    return next(i for i, o in enumerate(mentions) if name_key(o.name) == target)


def _resolve(mentions: Sequence[_Mention]) -> tuple[list[_Mention], list[str]]:
    """Merge short forms into full names; (resolved mentions, unresolved names).

    An index from every short form (and alias) to the names that have it keeps this
    near-linear; a record naming thousands of people stays fast.
    """
    keys_all = [name_key(m.name) for m in mentions]
    kept = [i for i, k in enumerate(keys_all) if k]
    distinct: dict[str, None] = {}
    for i in kept:
        distinct.setdefault(keys_all[i])
        if len(distinct) >= MAX_PEOPLE:
            break
    mentions = [mentions[i] for i in kept if keys_all[i] in distinct]
    keys = [name_key(m.name) for m in mentions]
    first_of: dict[str, int] = {}
    index: dict[str, list[int]] = {}
    for j, (o, key) in enumerate(zip(mentions, keys, strict=True)):
        if o.office_only or key in first_of:
            continue
        first_of[key] = j
        forms = _short_forms(key) + [name_key(a) for a in o.aliases]
        for form in dict.fromkeys(forms):
            if form and form != key:
                index.setdefault(form, []).append(j)
    target: list[int] = list(range(len(mentions)))
    unresolved: list[str] = []
    office_hits: dict[str, int | None] = {}
    for i, m in enumerate(mentions):
        key = keys[i]
        if m.office_only:
            if key not in office_hits:
                office_hits[key] = _office_target(m, mentions)
            hit = office_hits[key]
            if hit is None:
                unresolved.append(m.name)
                target[i] = -1
            else:
                target[i] = hit
            continue
        candidates = {keys[j]: j for j in index.get(key, ()) if keys[j] != key}
        # keep only the fullest candidates: `Zhou` → `Zhou Enlai`, not also `Zhou E.`
        maximal = [
            j
            for k, j in candidates.items()
            if not any(k2 != k and k in _short_forms(k2) for k2 in candidates)
        ]
        if len(maximal) == 1:
            target[i] = maximal[0]
        elif len(key.split()) == 1 and not _org_like(m.name):
            unresolved.append(m.name)
    # follow chains (a → b → c) with a bound, then group by final target's key
    groups: dict[str, _Mention] = {}
    for i, m in enumerate(mentions):
        j, steps = target[i], 0
        while j >= 0 and target[j] != j and steps < len(mentions):
            j, steps = target[j], steps + 1
        if j < 0:
            continue
        full = mentions[j]
        key = name_key(full.name)
        base = groups.get(key)
        if base is None:
            base = replace(full, function=m.function, office=m.office, aliases=m.aliases)
            base = _merge_role(base, full) if j == i else base
        else:
            base = _merge_role(base, m)
        if j != i:
            base = replace(base, aliases=tuple(dict.fromkeys((*base.aliases, m.name))))
        groups[key] = _prefer_spelling(base, m if j == i else full)
    return list(groups.values()), list(dict.fromkeys(unresolved))


def _prefer_spelling(kept: _Mention, other: _Mention) -> _Mention:
    """Same key, two spellings: keep the mixed-case one (`Aiken` over `AIKEN`)."""
    if (
        name_key(kept.name) == name_key(other.name)
        and kept.name.isupper()
        and not other.name.isupper()
    ):
        return replace(kept, name=other.name)
    return kept


def resolve_short_forms(participants: Iterable[Participant]) -> tuple[Participant, ...]:
    """`Mao` → Mao Zedong, `Popovic` → V. Popovic inside one record; duplicates merged in
    order of first appearance; a bare office (`Premier`) that names nobody is dropped."""
    mentions = []
    for p in participants:
        function, office = role_parts(p.role)
        tokens = p.name.split()
        office_only = bool(tokens) and all(
            _word(t) in _OFFICE_WORDS | _CONNECTORS or _is_honour(t) for t in tokens
        )
        mentions.append(_Mention(p.name, function, office, office_only=office_only))
    resolved, _ = _resolve(mentions)
    return tuple(m.participant() for m in resolved)
