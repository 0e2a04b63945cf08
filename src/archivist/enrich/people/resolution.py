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
    """`a`, its missing function or office taken from `b`, aliases of both."""
    # Made whole rather than by `dataclasses.replace`, which costs several times more:
    # this runs for every mention of every record.
    return _Mention(
        a.name,
        function=a.function or b.function,
        office=a.office or b.office,
        aliases=tuple(dict.fromkeys((*a.aliases, *b.aliases))),
        office_only=a.office_only,
        ref=a.ref or b.ref,
    )


def _office_target(m: _Mention, mentions: Sequence[_Mention]) -> int | None:
    """The one mention whose office names the bare office `m` (`Premier`), if any."""
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
    mentions = _first_people(mentions)
    keys = [name_key(m.name) for m in mentions]
    target, unresolved = _targets(mentions, keys)
    return _groups(mentions, target), list(dict.fromkeys(unresolved))


def _first_people(mentions: Sequence[_Mention]) -> list[_Mention]:
    """The mentions of the first `MAX_PEOPLE` distinct names; a name with no key is none."""
    keys = [name_key(m.name) for m in mentions]
    kept = [i for i, k in enumerate(keys) if k]
    distinct: dict[str, None] = {}
    for i in kept:
        distinct.setdefault(keys[i])
        if len(distinct) >= MAX_PEOPLE:
            break
    return [mentions[i] for i in kept if keys[i] in distinct]


def _short_form_index(mentions: Sequence[_Mention], keys: Sequence[str]) -> dict[str, list[int]]:
    """Each short form and alias → the first mention of every name that has it."""
    seen: set[str] = set()
    index: dict[str, list[int]] = {}
    for j, (o, key) in enumerate(zip(mentions, keys, strict=True)):
        if o.office_only or key in seen:
            continue
        seen.add(key)
        forms = _short_forms(key) + [name_key(a) for a in o.aliases]
        for form in dict.fromkeys(forms):
            if form and form != key:
                index.setdefault(form, []).append(j)
    return index


def _targets(mentions: Sequence[_Mention], keys: Sequence[str]) -> tuple[list[int], list[str]]:
    """The mention each one stands for (itself, a fuller name, or -1: dropped), and the
    names that stand for no one: a bare office, or one word that matches no full name."""
    index = _short_form_index(mentions, keys)
    target = list(range(len(mentions)))
    unresolved: list[str] = []
    office_hits: dict[str, int | None] = {}  # one search per distinct bare office
    for i, (m, key) in enumerate(zip(mentions, keys, strict=True)):
        if m.office_only:
            if key not in office_hits:
                office_hits[key] = _office_target(m, mentions)
            hit = office_hits[key]
        else:
            hit = _fullest(key, keys, index.get(key, ()))
        if hit is not None:
            target[i] = hit
        elif m.office_only:
            target[i] = -1  # an office held by no one named here is dropped
            unresolved.append(m.name)
        elif len(key.split()) == 1 and not _org_like(m.name):
            unresolved.append(m.name)  # kept as written, and reported
    return target, unresolved


def _fullest(key: str, keys: Sequence[str], hits: Iterable[int]) -> int | None:
    """The one full name a short form leads to, or None when there are none or several."""
    candidates = {keys[j]: j for j in hits if keys[j] != key}
    # keep only the fullest candidates: `Zhou` → `Zhou Enlai`, not also `Zhou E.`
    maximal = [
        j
        for k, j in candidates.items()
        if not any(k2 != k and k in _short_forms(k2) for k2 in candidates)
    ]
    return maximal[0] if len(maximal) == 1 else None


def _groups(mentions: Sequence[_Mention], target: Sequence[int]) -> list[_Mention]:
    """One mention per name stood for, in order of first appearance, roles merged."""
    groups: dict[str, _Mention] = {}
    refs: dict[str, set[str]] = {}  # name key → the ids tagged with it
    for m in mentions:
        if m.ref:
            refs.setdefault(name_key(m.name), set()).add(m.ref)
    for i, m in enumerate(mentions):
        j = _final_target(target, i)
        if j < 0:
            continue
        full = mentions[j]
        key = name_key(full.name)
        if len(refs.get(key, ())) > 1:
            # Two people the source tells apart share a name here: never one group.
            key = f"{key}\0{m.ref or full.ref or ''}"
        groups[key] = _join(groups.get(key), m, full, is_full=j == i)
    return list(groups.values())


def _final_target(target: Sequence[int], i: int) -> int:
    """Follow a chain of short forms (a → b → c), with a bound; -1: dropped."""
    j, steps = target[i], 0
    while j >= 0 and target[j] != j and steps < len(target):
        j, steps = target[j], steps + 1
    return j


def _join(base: _Mention | None, m: _Mention, full: _Mention, *, is_full: bool) -> _Mention:
    """Add `m`, a mention of `full` (or `full` itself), to `base`, the group so far."""
    if base is None:
        base = _Mention(full.name, m.function, m.office, m.aliases, full.office_only, full.ref)
        base = _merge_role(base, full) if is_full else base
    else:
        base = _merge_role(base, m)
    if not is_full:
        aliases = tuple(dict.fromkeys((*base.aliases, m.name)))
        base = _Mention(base.name, base.function, base.office, aliases, base.office_only, base.ref)
    return _prefer_spelling(base, m if is_full else full)


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
