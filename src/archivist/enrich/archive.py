"""Cross-record facts: people, years, facets, previous/next and related records.

A plain function of the records (and the optional authority file); nothing here
reads files or renders.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import replace
from types import MappingProxyType

from archivist.enrich.people.authority import Office
from archivist.enrich.people.identity import Identities, Known, identify
from archivist.enrich.types import fold_types
from archivist.enrich.volumes import volume_of
from archivist.incremental import keys
from archivist.model import Archive, Participant, Person, PersonEntry, Record, Term
from archivist.slugs import slugify

# Facet name → the record values it groups by. Order is the order of browse pages.
FACETS: dict[str, Callable[[Record], Iterable[str]]] = {
    "types": lambda r: (r.type,) if r.type else (),
    "languages": lambda r: r.language,
    "archives": lambda r: (r.archive,) if r.archive else (),
    "collections": lambda r: r.collections,
    "subjects": lambda r: r.subjects,
}

PersonFor = Callable[[str], Person]
_WINDOW = 25


def _default_person(name: str) -> Person:
    return Person(slug=slugify(name), name=name)


def _unique_slugs(people: dict[str, Person]) -> dict[str, Person]:
    """Give two different names that slugify alike distinct slugs, deterministically."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for key in sorted(people):
        by_slug[people[key].slug].append(key)
    out: dict[str, Person] = {}
    for slug, members in by_slug.items():
        for n, key in enumerate(members):
            person = people[key]
            if n:
                person = replace(person, slug=f"{slug}-{n + 1}")
            out[key] = person
    return out


def _with_kinds(record: Record, found: Identities) -> Record:
    """The record, each participant of the kind the archive found for it."""
    kinds = tuple(found.kind(record, p) for p in record.participants)
    if all(p.kind == k for p, k in zip(record.participants, kinds, strict=True)):
        return record
    people = tuple(replace(p, kind=k) for p, k in zip(record.participants, kinds, strict=True))
    return replace(record, participants=people)


def _facet(
    records: tuple[Record, ...], values: Callable[[Record], Iterable[str]]
) -> tuple[Term, ...]:
    groups: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    slug_of: dict[str, str] = {}  # a few hundred values, each in thousands of records
    for record in records:
        seen: set[str] = set()
        for value in values(record):
            slug = slug_of.get(value)
            if slug is None:
                slug = slug_of[value] = slugify(value)
            if slug in seen:
                continue
            seen.add(slug)
            labels.setdefault(slug, value)
            groups[slug].append(record.id)
    terms = [Term(slug, labels[slug], tuple(ids)) for slug, ids in groups.items()]
    return tuple(sorted(terms, key=lambda t: (t.label.casefold(), t.slug)))


def _related(
    records: tuple[Record, ...],
    slugs: Mapping[str, tuple[str, ...]],
    count: int,
) -> dict[str, tuple[str, ...]]:
    """Records sharing people and subjects, then close in date; explicit links first."""
    by_key: dict[str, list[int]] = defaultdict(list)
    shared_by: list[list[str]] = []  # each record's people and subjects, as bucket keys
    for i, record in enumerate(records):
        k = sorted({f"p:{s}" for s in slugs[record.id]} | {f"s:{s}" for s in record.subjects})
        shared_by.append(k)
        for key in k:
            by_key[key].append(i)
    ids_of = [r.id for r in records]
    ids = set(ids_of)
    out: dict[str, tuple[str, ...]] = {}
    for i, record in enumerate(records):
        # Counted in C (Counter.update): ~200 candidates a record, 20 million at 100,000.
        scores: Counter[int] = Counter()
        for key in shared_by[i]:
            bucket = by_key[key]
            # Only the records nearest in date within a shared key: keeps the work per
            # record bounded when one person appears in thousands of records.
            pos = bisect_left(bucket, i)
            scores.update(bucket[max(0, pos - _WINDOW) : pos + _WINDOW + 1])
        scores.pop(i, None)  # the record is in each of its own buckets
        explicit = [r for r in record.related if r in ids and r != record.id]
        # Only the best few are shown: a bounded heap, not a sort of every candidate.
        # (score, distance, id) is a total order, so the choice is deterministic.
        best = heapq.nsmallest(
            count + len(explicit),
            [(-score, abs(j - i), ids_of[j]) for j, score in scores.items()],
        )
        chosen = explicit + [rid for _, _, rid in best if rid not in explicit]
        out[record.id] = tuple(chosen[:count])
    return out


def _neighbours(ordered: tuple[Record, ...]) -> dict[str, tuple[str | None, str | None]]:
    """Previous and next: by number within the volume for a numbered record of a
    collection (an edition is read in document order), else by date."""
    neighbours: dict[str, tuple[str | None, str | None]] = {}
    for i, record in enumerate(ordered):
        prev_id = ordered[i - 1].id if i > 0 else None
        next_id = ordered[i + 1].id if i + 1 < len(ordered) else None
        neighbours[record.id] = (prev_id, next_id)
    volumes: dict[str, list[Record]] = defaultdict(list)
    for record in ordered:
        volume = volume_of(record)
        if volume is not None:
            volumes[volume].append(record)
    for members in volumes.values():
        if len(members) < 2:
            continue  # a numbered record alone in its file keeps its date neighbours
        members.sort(key=lambda r: r.number_key)
        for i, record in enumerate(members):
            neighbours[record.id] = (
                members[i - 1].id if i > 0 else None,
                members[i + 1].id if i + 1 < len(members) else None,
            )
    return neighbours


def _in_document_order(terms: tuple[Term, ...], by_id: Mapping[str, Record]) -> tuple[Term, ...]:
    """A collection whose records have numbers lists them in number order (the
    volume's table of contents); records without a number follow in date order."""
    out = []
    for term in terms:
        if any(by_id[i].number for i in term.record_ids):
            ids = sorted(term.record_ids, key=lambda i: by_id[i].number_key[:2])
            term = Term(term.slug, term.label, tuple(ids))
        out.append(term)
    return tuple(out)


RelatedMemo = MutableMapping[str, Mapping[str, tuple[str, ...]]]


def build_archive(
    records: Iterable[Record],
    person_for: PersonFor = _default_person,
    related_count: int = 5,
    memo: RelatedMemo | None = None,
    types: Mapping[str, tuple[str, ...]] | None = None,
    known: Known | None = None,
    offices: Iterable[Office] = (),
) -> Archive:
    """Sort the records and derive every cross-record index the site shows.

    `memo` (related-records lists by `related_key`) spares recomputing them when
    the last build had the same key; it is left holding this build's lists. `types`
    is the editor's type vocabulary (`fold_types`): twins fold into one value.
    """
    archive = build_unrelated(records, person_for, types, known, offices)
    return with_related(archive, related_count, memo)


def build_unrelated(
    records: Iterable[Record],
    person_for: PersonFor = _default_person,
    types: Mapping[str, tuple[str, ...]] | None = None,
    known: Known | None = None,
    offices: Iterable[Office] = (),
) -> Archive:
    """The archive of `build_archive` without its related-records lists (`with_related`
    adds them): what the search index needs, so a build can start it before the
    lists, the longest step of enrich, are made."""
    ordered = tuple(sorted(fold_types(records, types), key=lambda r: r.sort_key))
    # Each participant name's kind and person, decided once over the whole archive
    # (`enrich.people.identity`): the authority file first, then the rules.
    found = identify(ordered, person_for, known, offices)
    ordered = tuple(_with_kinds(r, found) for r in ordered)
    chosen: dict[tuple[str, str], Person] = {}  # (kind, slug) → person
    for record in ordered:
        for p in record.participants:
            person = found.person(record, p)
            chosen.setdefault((person.kind, person.slug), person)
    unique = _unique_slugs({f"{k}\0{slug}": person for (k, slug), person in chosen.items()})

    def ident_of(record: Record, p: Participant) -> str:
        person = found.person(record, p)
        return f"{person.kind}\0{person.slug}"

    appearances: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    participant_slugs: dict[str, tuple[tuple[Participant, str], ...]] = {}
    for record in ordered:
        links: list[tuple[Participant, str]] = []
        roles_of: dict[str, list[str]] = {}
        for participant in record.participants:
            # Keyed as chosen: a slug made unique (`tange-2`) must not lose its records.
            ident = ident_of(record, participant)
            person = unique[ident]
            links.append((participant, person.slug))
            roles = roles_of.setdefault(ident, [])
            if participant.role and participant.role not in roles:
                roles.append(participant.role)
        for ident, roles in roles_of.items():
            appearances[ident].append((record.id, roles))
        participant_slugs[record.id] = tuple(links)

    def entries(kind: str) -> tuple[PersonEntry, ...]:
        return tuple(
            PersonEntry(unique[i], tuple((rid, tuple(roles)) for rid, roles in appearances[i]))
            for i in sorted(
                (i for i in unique if unique[i].kind == kind),
                key=lambda i: (unique[i].name.casefold(), unique[i].slug),
            )
        )

    years: dict[int, list[str]] = defaultdict(list)
    undated: list[str] = []
    for record in ordered:
        year = record.date.year if record.date else None
        if year is None:
            undated.append(record.id)
        else:
            years[year].append(record.id)

    neighbours = _neighbours(ordered)
    people, organizations = entries("person"), entries("organization")
    page_names = {("person", e.person.slug): e.person.name for e in people}
    page_names.update({("organization", e.person.slug): e.person.name for e in organizations})
    by_id = MappingProxyType({r.id: r for r in ordered})
    facets = {name: _facet(ordered, fn) for name, fn in FACETS.items()}
    facets["collections"] = _in_document_order(facets["collections"], by_id)
    return Archive(
        records=ordered,
        by_id=by_id,
        people=people,
        organizations=organizations,
        page_names=MappingProxyType(page_names),
        merges=tuple(found.merges),
        ambiguous=tuple(found.ambiguous),
        participant_slugs=MappingProxyType(participant_slugs),
        years=MappingProxyType({y: tuple(years[y]) for y in sorted(years)}),
        undated=tuple(undated),
        facets=MappingProxyType(facets),
        neighbours=MappingProxyType(neighbours),
        related=MappingProxyType({}),
    )


def with_related(archive: Archive, related_count: int, memo: RelatedMemo | None = None) -> Archive:
    """`archive` with each record's related records (`_related`); `memo` as in
    `build_archive`."""
    record_slugs = {
        rid: tuple(
            dict.fromkeys(slug if p.kind == "person" else f"org:{slug}" for p, slug in links)
        )
        for rid, links in archive.participant_slugs.items()
    }
    key = keys.related_key(archive.records, record_slugs, related_count)
    related = memo.get(key) if memo is not None else None
    if related is None:
        related = _related(archive.records, record_slugs, related_count)
    if memo is not None:
        memo.clear()
        memo[key] = related
    return replace(archive, related=MappingProxyType(related))
