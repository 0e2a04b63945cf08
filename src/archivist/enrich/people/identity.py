"""One person, one page, across the archive, without an authority file.

`identify` looks at every participant name of every record once:

1. **Kind** (`kinds.kind_of`): person or organization.
2. **Key**: a person's name without honorifics, ranks, case, dots or spacing
   (`name_key`): `R.G. Menzies`, `R. G. Menzies`, `Mr R. G. MENZIES` → `r g menzies`.
3. **Full names** of one surname join when their given names agree (`R. G.` with
   `Robert Gordon`, `R.`; not `S. M.` with `J.`); a name that agrees with two people
   who do not agree with each other stays apart and is reported.
4. **Surname-only names** (`Menzies`) join the one full-named person of that surname
   in the same collection; failing that, the one in the whole archive. With two or
   more, the name stays apart and is reported as ambiguous.

**Tagged identity wins** over every rule: mentions the source tags with one id
(`Participant.ref`: TEI `persName/@corresp`) are one person whatever their names, and
mentions with two ids are two people whatever their names. An untagged name joins a
tagged person where it can only mean him: its key (or, a surname alone, its surname)
is that of exactly one tagged person in the same collection.

The authority file (`people.yaml`) wins over the name rules: a name it knows is its
person. Everything merged is listed in `Identities.merges` (and by `archivist people`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from archivist.enrich.people.authority import Office
from archivist.enrich.people.kinds import _ACRONYM, _INITIAL, Kind, kind_of
from archivist.enrich.people.names import _decap, _decap_tokens, _person_like, name_key
from archivist.enrich.people.vocabulary import _CONNECTORS, _OFFICE_WORDS
from archivist.model import Participant, Person, Record
from archivist.slugs import slugify

Known = Callable[[str], "Person | None"]

_INITIALS = re.compile(r"\b([A-Z])\.(?=[A-Z][a-z]?\.)")


def display(name: str) -> str:
    """How a name is shown: capitals title-cased (`MENZIES` → Menzies), initials spaced
    (`R.G. Menzies` → R. G. Menzies)."""
    text = _decap_tokens(_decap(" ".join(name.split())))
    return _INITIALS.sub(r"\1. ", text)


_OFFICE_LEADS = frozenset("prime high external permanent".split())


_PEERAGE = frozenset("lord lady viscount earl baron".split())


def person_key(name: str) -> str:
    """`name_key` without a leading office (`Prime Minister Menzies` → `menzies`).

    A peer's title stays: `Lord Lloyd` is not a Lloyd named by his surname."""
    tokens = name_key(name).split()
    while len(tokens) > 1 and tokens[0] in _OFFICE_WORDS | _CONNECTORS | _OFFICE_LEADS:
        tokens.pop(0)
    first = name.split()[0].strip(".").casefold() if name.split() else ""
    if first in _PEERAGE and len(tokens) == 1:
        tokens = [first, *tokens]
    return " ".join(tokens)


def _agree_words(a: Sequence[str], b: Sequence[str]) -> bool:
    for x, y in zip(a, b, strict=False):
        if x == y:
            continue
        if (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y)):
            continue
        return False
    return True


def _agree(a: Sequence[str], b: Sequence[str]) -> bool:
    """Given names agree word by word, from the first or (when one has more of them)
    from the last: equal, or an initial and a name it starts. `R. G.` agrees with
    `Robert Gordon` and `R.`; `Keith` with `J. K.` (Sir John Keith Waller)."""
    if _agree_words(a, b):
        return True
    return len(a) != len(b) and _agree_words(a[::-1], b[::-1])


def collection_of(record: Record) -> str:
    return record.collections[0] if record.collections else ""


@dataclass
class Identities:
    """What `identify` decided: each name's kind, each (collection, name)'s person."""

    kinds: dict[str, Kind] = field(default_factory=dict)
    person_of: dict[tuple[str, str], Person] = field(default_factory=dict)
    organization_of: dict[str, Person] = field(default_factory=dict)
    merges: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    ambiguous: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # An office's key → (term, its holder): `offices:` of the authority file.
    terms: dict[str, list[tuple[Office, Person]]] = field(default_factory=dict)
    by_ref: dict[str, Person] = field(default_factory=dict)  # a tagged id → its person
    # (collection, untagged name) → the id of the tagged person it can only mean
    tagged_of: dict[tuple[str, str], str] = field(default_factory=dict)

    def holder(self, record: Record, name: str) -> Person | None:
        """Who held the office `name` names on the record's date, per the editor."""
        if not self.terms or record.date is None or record.date.earliest is None:
            return None
        key = name_key(re.sub(r"^(?:the)\s+", "", name, flags=re.IGNORECASE))
        first, last = record.date.earliest, record.date.latest or record.date.earliest
        for term, person in self.terms.get(key, ()):
            if term.covers(first) and term.covers(last):
                return person
        return None

    def kind(self, record: Record, p: Participant) -> Kind:
        name = p.name
        if p.ref or (collection_of(record), name) in self.tagged_of:
            return "person"
        if self.kinds[name] == "organization" and self.holder(record, name):
            return "person"
        return self.kinds[name]

    def person(self, record: Record, p: Participant) -> Person:
        if p.ref:
            return self.by_ref[p.ref]
        name, collection = p.name, collection_of(record)
        tagged = self.tagged_of.get((collection, name))
        if tagged is not None:
            return self.by_ref[tagged]
        if self.kinds.get(name) == "organization":
            return self.holder(record, name) or self.organization_of[name]
        return self.person_of[(collection, name)]


@dataclass
class _Cluster:
    key: str  # the head key: the most used full name
    names: Counter[str] = field(default_factory=Counter)

    def given(self) -> list[str]:
        return self.key.split()[:-1]


def _clusters(
    full: Counter[str], person_like: dict[str, bool]
) -> tuple[dict[str, _Cluster], list[tuple[str, tuple[str, ...]]]]:
    """Full-name keys → their cluster; and the keys that agreed with several
    (`person_like`: which keys are a person's name at all)."""
    by_surname: dict[str, list[_Cluster]] = defaultdict(list)
    of_key: dict[str, _Cluster] = {}
    ambiguous: list[tuple[str, tuple[str, ...]]] = []
    for key in sorted(full, key=lambda k: (-full[k], -len(k), k)):
        *given, surname = key.split()
        if not person_like[key]:
            # `Evans of Inter Departmental Meeting`: no one to join; a page of its own
            of_key[key] = _Cluster(key)
            continue
        heads = [c for c in by_surname[surname] if _agree(given, c.given())]
        if len(heads) == 1:
            of_key[key] = heads[0]
            continue
        cluster = _Cluster(key)
        by_surname[surname].append(cluster)
        of_key[key] = cluster
        if len(heads) > 1:
            ambiguous.append((key, tuple(c.key for c in heads)))
    return of_key, ambiguous


@dataclass
class _Uses:
    """How often each participant name is used, overall and per collection."""

    uses: Counter[str] = field(default_factory=Counter)
    in_collection: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    uses_in: Counter[tuple[str, str]] = field(default_factory=Counter)  # (collection, name)
    keys: dict[str, str] = field(default_factory=dict)  # name → person_key

    @classmethod
    def of(cls, records: Iterable[Record]) -> _Uses:
        """The untagged mentions (a tagged one is its tag's, `_tagged`)."""
        found = cls()
        for record in records:
            for p in record.participants:
                if p.ref:
                    continue
                found.uses[p.name] += 1
                found.in_collection[p.name].add(collection_of(record))
                found.uses_in[(collection_of(record), p.name)] += 1
        found.keys = {name: person_key(name) for name in found.uses}
        return found

    def is_full(self, name: str) -> bool:
        return len(self.keys[name].split()) > 1


def identify(
    records: Iterable[Record],
    person_for: Callable[[str], Person],
    known: Known | None = None,
    offices: Iterable[Office] = (),
) -> Identities:
    """Kinds and persons for every participant name of the archive (see the module);
    `offices` (the authority's terms) make an office named alone its holder's."""
    records = list(records)
    u = _Uses.of(records)
    surnames = {k.split()[-1] for k in u.keys.values() if len(k.split()) > 1}
    written = {u.keys[n] for n in u.uses if not n.isupper()}
    out = Identities()
    for name in u.uses:
        out.kinds[name] = kind_of(name, surnames, written)
    _organizations(u, out)
    # Persons: the authority first, then full names, then surnames alone.
    authority, full, short = _person_names(u, out, known)
    members, person_like, of_key = _full_name_groups(u, out, authority, full)
    joined, alone = _join_surnames(u, out, short, members, person_like)
    persons, lone = _person_pages(u, out, members, alone, person_for)
    for name in u.uses:
        if out.kinds[name] != "person":
            continue
        for c in u.in_collection[name]:
            if name in authority:
                person = authority[name]
            elif u.is_full(name):
                person = persons[of_key[u.keys[name]].key]
            elif (c, name) in joined:
                person = persons[joined[(c, name)]]
            else:
                person = lone[u.keys[name] or name]
            out.person_of[(c, name)] = person
    _tagged(records, u, out, person_for)
    for term in offices:
        holder = (known(term.name) if known else None) or person_for(term.name)
        holder = replace(holder, kind="person")
        out.terms.setdefault(name_key(term.office), []).append((term, holder))
    out.merges.sort()
    out.ambiguous = sorted(set(out.ambiguous))
    return out


def _tagged(
    records: Sequence[Record], u: _Uses, out: Identities, person_for: Callable[[str], Person]
) -> None:
    """One person per tagged id, shown by its fullest name most used; each untagged
    person name that can only mean one of them joins him (see the module)."""
    names: dict[str, Counter[str]] = defaultdict(Counter)  # ref → names
    refs_in: dict[tuple[str, str], set[str]] = defaultdict(set)  # (collection, key) → refs
    described: dict[str, str] = {}  # ref → who he was (a TEI volume's list of persons)
    for record in records:
        c = collection_of(record)
        told = record.extra.get("persons")
        for p in record.participants:
            if p.ref:
                names[p.ref][p.name] += 1
                if isinstance(told, Mapping) and isinstance(told.get(p.ref), str):
                    described.setdefault(p.ref, told[p.ref])
                key = person_key(p.name)
                refs_in[(c, key)].add(p.ref)
                if len(key.split()) > 1:
                    refs_in[(c, key.split()[-1])].add(p.ref)
    if not names:
        return
    for ref, forms in names.items():
        full = Counter({n: k for n, k in forms.items() if len(person_key(n).split()) > 1})
        shown = _most_used(full or forms)
        person = replace(_named(person_for(shown), shown, forms), kind="person")
        out.by_ref[ref] = replace(person, description=person.description or described.get(ref))
    keys_of = {ref: {person_key(n) for n in forms} for ref, forms in names.items()}
    for c, name in list(out.person_of):
        key = u.keys[name]
        refs = refs_in.get((c, key), set())
        if not refs and len(key.split()) > 1:
            # `Robert Lansing` untagged, `Lansing` tagged: his, unless the tag's own
            # full names disagree (`Ernest Lansing`).
            *given, surname = key.split()
            refs = {
                r
                for r in refs_in.get((c, surname), ())
                if all(_agree(given, k.split()[:-1]) for k in keys_of[r] if " " in k)
            }
        if len(refs) == 1:
            out.tagged_of[(c, name)] = next(iter(refs))
    used = set(out.person_of) - set(out.tagged_of)
    taken = {out.person_of[k].slug for k in used} | {p.slug for p in out.organization_of.values()}
    for ref in sorted(names, key=lambda r: (_fullest(names[r]), r)):
        person = out.by_ref[ref]
        slug = person.slug
        if slug in taken:
            # Another person of that name (tags are never merged): the edition's id
            # tells them apart, so the address stays the same from build to build.
            slug = slugify(f"{person.slug} {ref.rpartition('#')[2]}")
        taken.add(slug)
        out.by_ref[ref] = person = replace(person, slug=slug)
        if len(person.forms) > 1:
            out.merges.append((person.name, person.forms))


def _fullest(names: Counter[str]) -> str:
    """A deterministic sort key for a tagged person: his longest name."""
    return max(names, key=lambda n: (len(n), n))


def _organizations(u: _Uses, out: Identities) -> None:
    """One organization per key, shown in the form most used."""
    org_names: dict[str, Counter[str]] = defaultdict(Counter)
    for name in u.uses:
        if out.kinds[name] == "organization":
            org_names[name_key(name) or name][name] += u.uses[name]
    for key, names in org_names.items():
        acronym = next((n for n in names if _ACRONYM.fullmatch(n)), None)
        shown = acronym or _most_used(names)  # `AAEC`, not `Aaec`
        org = _named(Person(slug=slugify(key), name=shown, kind="organization"), shown, names)
        for name in names:
            out.organization_of[name] = org


def _person_names(
    u: _Uses, out: Identities, known: Known | None
) -> tuple[dict[str, Person], Counter[str], list[str]]:
    """Person names sorted three ways: in the authority, full names (uses by key),
    and surnames alone."""
    authority: dict[str, Person] = {}
    full: Counter[str] = Counter()
    short: list[str] = []
    for name in u.uses:
        if out.kinds[name] != "person":
            continue
        found = known(name) if known else None
        if found is not None:
            authority[name] = found
        elif u.is_full(name):
            full[u.keys[name]] += u.uses[name]
        else:
            short.append(name)
    return authority, full, short


def _full_name_groups(
    u: _Uses, out: Identities, authority: Mapping[str, Person], full: Counter[str]
) -> tuple[dict[str, Counter[str]], dict[str, bool], dict[str, _Cluster]]:
    """Full names grouped under a head key each (with the names in each group), and
    whether each key looks like a person's name."""
    person_like: dict[str, bool] = defaultdict(bool)
    for name in u.uses:
        if u.keys[name] in full:
            initials = any(_INITIAL.match(t) for t in name.split()[:-1])
            person_like[u.keys[name]] |= initials or _person_like(name)
    of_key, ambiguous_full = _clusters(full, person_like)
    out.ambiguous += ambiguous_full
    members: dict[str, Counter[str]] = defaultdict(Counter)  # head key → names
    for name in u.uses:
        if name in authority or out.kinds[name] != "person":
            continue
        if u.is_full(name):
            members[of_key[u.keys[name]].key][name] += u.uses[name]
    return members, person_like, of_key


def _join_surnames(
    u: _Uses,
    out: Identities,
    short: list[str],
    members: dict[str, Counter[str]],
    person_like: Mapping[str, bool],
) -> tuple[dict[tuple[str, str], str], dict[str, Counter[str]]]:
    """Each surname alone joined, collection by collection, to the one full-named
    person it can only mean; the rest left alone (ambiguous ones reported)."""
    heads_in: dict[tuple[str, str], set[str]] = defaultdict(set)  # (collection, surname)
    heads_of: dict[str, set[str]] = defaultdict(set)  # surname → heads
    uses_in_head: Counter[tuple[str, str]] = Counter()  # (collection, head) → uses
    for head, names in members.items():
        if not person_like[head]:
            continue
        surname = head.split()[-1]
        heads_of[surname].add(head)
        for name in names:
            for c in u.in_collection[name]:
                heads_in[(c, surname)].add(head)
                uses_in_head[(c, head)] += u.uses_in[(c, name)]
    weight = {head: sum(names.values()) for head, names in members.items()}
    joined: dict[tuple[str, str], str] = {}  # (collection, short name) → head key
    alone: dict[str, Counter[str]] = defaultdict(Counter)
    for name in sorted(short):
        key = u.keys[name]
        for c in sorted(u.in_collection[name]):
            choice = _surname_choice(
                heads_in.get((c, key), set()),
                heads_of.get(key, set()),
                weight,
                u.uses_in[(c, name)],
                {h: uses_in_head[(c, h)] for h in heads_in.get((c, key), ())},
            )
            if choice is None:
                choices = heads_in.get((c, key)) or heads_of.get(key, set())
                if choices:  # several, or one the surname cannot be (reported alike)
                    out.ambiguous.append((display(name), tuple(sorted(choices))))
                alone[key or name][name] += 1
            else:
                joined[(c, name)] = choice
                members[choice][name] += u.uses_in[(c, name)]
    return joined, alone


def _person_pages(
    u: _Uses,
    out: Identities,
    members: Mapping[str, Counter[str]],
    alone: Mapping[str, Counter[str]],
    person_for: Callable[[str], Person],
) -> tuple[dict[str, Person], dict[str, Person]]:
    """The person of each group (by head key) and of each name left alone."""
    persons: dict[str, Person] = {}
    for head, names in members.items():
        full_names = Counter({n: k for n, k in names.items() if u.is_full(n)})
        pool = full_names or names
        base = person_for(max(pool, key=lambda n: (u.keys[n] == head, pool[n], n)))
        persons[head] = person = _named(base, _most_used(full_names or names), names)
        if len(person.forms) > 1:
            out.merges.append((person.name, person.forms))
    lone: dict[str, Person] = {}
    for key, names in alone.items():
        base = person_for(max(names, key=lambda n: (names[n], n)))
        lone[key] = _named(base, _most_used(names), names)
    return persons, lone


DOMINANT = 0.9  # a figure holding this share of a surname's full-name mentions
PROMINENT = 5  # a surname used this many times more than the collection's full name
RARELY = 20  # … this many times more than the archive names the one of that surname


def _surname_choice(
    here: set[str],
    anywhere: set[str],
    weight: dict[str, int],
    short_uses: int,
    full_uses: dict[str, int],
) -> str | None:
    """The person a surname alone stands for in one collection, or None (ambiguous or
    no one).

    The one full-named person of that surname in the archive — unless the collection
    names him and uses the surname alone far more than the whole archive names him
    (frus1861's `Seward`, 310 times, is the Secretary, not `F. W. Seward`, named
    once); else the one in the
    collection, unless the surname is used far more there than that full name and
    one figure holds nearly all the surname's full-name mentions in the archive
    (DAFP volume 19's `Menzies` is the Prime Minister, not `H. C. Menzies`, named
    twice); else that dominant figure, when the collection names no one of that
    surname in full.
    """

    def rarely_named(head: str) -> bool:
        # frus1861: `Seward` 310 times is the Secretary, not `F. W. Seward`, named once
        return short_uses > RARELY * max(weight[head], 1)

    if len(anywhere) == 1:
        (head,) = anywhere
        return None if here == {head} and rarely_named(head) else head
    total = sum(weight[h] for h in anywhere)
    dominant = next((h for h in sorted(anywhere) if weight[h] >= DOMINANT * total), None)
    if len(here) == 1:
        (head,) = here
        if dominant is None:
            return None if rarely_named(head) else head
        if dominant == head or short_uses < PROMINENT * full_uses[head]:
            return head
        return dominant
    if not here:
        return dominant
    return None


def _named(base: Person, name: str, names: Counter[str]) -> Person:
    """`base` shown as `name`, with the forms the records use (and, as aliases for the
    page's "also written", those besides its name)."""
    forms = _forms(names)
    aliases = (*base.aliases, *(f for f in forms if f != name))
    return replace(base, name=name, forms=forms, aliases=tuple(dict.fromkeys(aliases)))


def _most_used(names: Counter[str]) -> str:
    """The form most used, shown tidily (mixed case, spaced initials)."""
    shown: Counter[str] = Counter()
    for name, n in names.items():
        shown[display(name)] += n
    return min(shown, key=lambda s: (-shown[s], s.isupper(), len(s), s))


def _forms(names: Counter[str]) -> tuple[str, ...]:
    """The forms as the records write them, most used first."""
    return tuple(sorted(names, key=lambda s: (-names[s], s)))
