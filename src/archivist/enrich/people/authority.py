"""The authority file (`content/people.yaml`): one person, many names, across records.

Besides `people:`, the editor may write `distinct:` (groups of names the automatic
rules must keep on separate pages; each name must belong to a person of the file) and
`offices:` (who held an office when: a record naming only `Secretary of State` then is
that person's)::

    distinct:
      - [R. G. Menzies, H. C. Menzies]
    offices:
      - {office: Secretary of State, name: Robert Lansing, from: 1915-06-23, to: 1920-02-13}

A name under two people, a `distinct` name that is no one's, and two terms of one
office that overlap are errors, each with its line: nothing is published until fixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

from archivist.enrich.people.names import _clean_name, _norm_space, name_key
from archivist.model import Location, Person, Problem, Severity
from archivist.read.yamlstrict import YamlError, YamlValue, load_mapping
from archivist.slugs import slugify

_ID_KEYS = ("wikidata", "viaf", "lcnaf", "isni", "gnd", "orcid", "ulan", "snac", "cbdb")
_PERSON_KEYS = frozenset(
    {"name", "slug", "aliases", "born", "died", "description", "identifiers", *_ID_KEYS}
)
_LIFE_DATES = re.compile(r",\s*(?:(?:b\.|d\.|fl\.|ca?\.)\s*)?\d{3,4}\??-?(?:\d{3,4}\??)?\s*$")


def _name_variants(name: str) -> list[str]:
    """The keys a written name answers to: inverted forms both ways, glosses, nicknames.

    `Chiang, Ching-kuo (Jiang Jingguo)` → chiang ching kuo, ching kuo chiang, jiang jingguo;
    `Cremin, Cornelius Christopher ("Con")` → … and con cremin.
    """
    text = _LIFE_DATES.sub("", _norm_space(name))
    keys: list[str] = []
    extras: list[str] = []
    for m in re.finditer(r"\(([^()]{1,80})\)", text):
        extras.append(m[1].strip().strip("\"'“”‘’"))
    text = _norm_space(re.sub(r"\([^()]{0,80}\)", " ", text))
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) >= 2:
        family, given = parts[0], parts[1]
        keys += [name_key(f"{family} {given}"), name_key(f"{given} {family}")]
        for extra in extras:
            if len(extra.split()) == 1:  # a nickname: `("Con")` → Con Cremin
                keys.append(name_key(f"{extra} {family}"))
            else:
                keys.append(name_key(extra))
    else:
        keys.append(name_key(text))
        keys += [name_key(e) for e in extras]
    return [k for k in dict.fromkeys(keys) if k]


@dataclass(frozen=True, slots=True)
class Office:
    """One term of an office: `name` held `office` from `start` to `end` (inclusive;
    None: open)."""

    office: str
    name: str
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Authority:
    """People known to the archive, and the names that lead to each."""

    people: tuple[Person, ...] = ()
    index: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    distinct: tuple[tuple[str, ...], ...] = ()
    offices: tuple[Office, ...] = ()
    # Built once: `resolve` runs for every participant of every record.
    _by_slug: Mapping[str, Person] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", MappingProxyType({p.slug: p for p in self.people}))

    def resolve(self, name: str) -> Person | None:
        """The person a written name means, or None; case, diacritics, honorifics and
        inverted order do not matter (`Mao, Zedong`, `MAO ZEDONG`, `Eisaku Sato`)."""
        if not self.people:
            return None
        for key in _name_variants(name):
            slug = self.index.get(key)
            if slug:
                return self._by_slug[slug]
        return None

    def person_for(self, name: str) -> Person:
        """The authority's person, or a new one whose slug comes from the name."""
        found = self.resolve(name)
        if found:
            return found
        return Person(slug=slugify(name_key(name) or name), name=_clean_name(name) or name)

    def people_for(self, names: Iterable[str]) -> dict[str, Person]:
        """Persons for every name in an archive, slugs unique and order-independent.

        Names with the same key are one person. When different keys give the same slug,
        an authority person keeps it, else the smallest key does, and the others get a
        short hash of their key (so adding a name never renumbers the rest).
        """
        taken = {p.slug for p in self.people}
        by_key: dict[str, list[str]] = {}
        result: dict[str, Person] = {}
        for name in names:
            person = self.resolve(name)
            if person:
                result[name] = person
            else:
                by_key.setdefault(name_key(name) or name, []).append(name)
        by_slug: dict[str, list[str]] = {}
        for key in by_key:
            by_slug.setdefault(slugify(key), []).append(key)
        for slug, keys in sorted(by_slug.items()):
            for n, key in enumerate(sorted(keys)):
                unique = slug
                if slug in taken or n > 0:
                    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
                    unique = f"{slug}-{digest}"
                spellings = sorted(by_key[key], key=lambda s: (s.isupper(), s))
                person = Person(slug=unique, name=_clean_name(spellings[0]) or spellings[0])
                for spelling in by_key[key]:
                    result[spelling] = person
        return result


def _problem(path: str, line: int, col: int, message: str, field_: str = "people") -> Problem:
    return Problem(Location(path, line, col), field_, message)


def _top_list(text: str, key: str) -> yaml.SequenceNode | None:
    """The node of the top-level list `key`, for its items' lines and columns (the
    text is already strict-checked, so composing it with PyYAML here cannot meet
    aliases or tags)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for k, value in root.value:
        if getattr(k, "value", None) == key and isinstance(value, yaml.SequenceNode):
            return value
    return None


def _item_marks(text: str) -> list[tuple[int, int, dict[str, tuple[int, int]]]]:
    """Line/column of each `people:` item and of its keys."""
    found = _top_list(text, "people")
    out = []
    for item in found.value if found is not None else ():
        keys = {}
        if isinstance(item, yaml.MappingNode):
            for k, _ in item.value:
                keys[str(k.value)] = (k.start_mark.line + 1, k.start_mark.column + 1)
        out.append((item.start_mark.line + 1, item.start_mark.column + 1, keys))
    return out


def parse_authority(text: str, path: str) -> tuple[Authority, list[Problem]]:
    """Read the text of a people file; every problem is reported with its line."""
    try:
        doc = load_mapping(text)
    except YamlError as exc:
        return Authority(), [_problem(path, exc.line, exc.col, exc.message)]
    except yaml.YAMLError as exc:  # PyYAML's reader rejects control characters up front
        offset = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        reason = str(exc).splitlines()[0] if str(exc) else "malformed YAML"
        return Authority(), [_problem(path, line, col, reason)]
    problems: list[Problem] = []
    for key in doc.value:
        if key not in ("people", "distinct", "offices"):
            line, col = doc.lines[key]
            problems.append(
                _problem(
                    path, line, col, f"unknown key {key!r} (expected people, distinct, offices)"
                )
            )
    items = doc.value.get("people")
    if items is None:
        items = []
    if not isinstance(items, list):
        line, col = doc.lines["people"]
        return Authority(), [*problems, _problem(path, line, col, "expected a list of people")]
    marks = _item_marks(text)
    people: list[Person] = []
    index: dict[str, str] = {}
    owner_line: dict[str, int] = {}
    for n, item in enumerate(items):
        line, col, keys = marks[n] if n < len(marks) else (doc.lines["people"][0], 1, {})
        person = _person(item, path, line, col, keys, problems)
        if person is None:
            continue
        if any(p.slug == person.slug for p in people):
            problems.append(_problem(path, line, col, f"slug {person.slug!r} is used twice"))
            continue
        people.append(person)
        for variant in (person.name, *person.aliases):
            for key in _name_variants(variant):
                other = index.get(key)
                if other and other != person.slug:
                    problems.append(
                        _problem(
                            path,
                            line,
                            col,
                            f"name {variant!r} also belongs to {other!r} "
                            f"(line {owner_line[key]}); it stays with the first",
                        )
                    )
                    continue
                index.setdefault(key, person.slug)
                owner_line.setdefault(key, line)
    authority = Authority(tuple(people), MappingProxyType(index))
    distinct = _distinct(doc.value.get("distinct"), authority, text, path, problems)
    offices = _offices(doc.value.get("offices"), text, path, problems)
    return Authority(tuple(people), MappingProxyType(index), distinct, offices), problems


def _list_marks(text: str, key: str) -> list[tuple[int, int]]:
    """Line and column of each item of the top-level list `key`."""
    found = _top_list(text, key)
    return (
        []
        if found is None
        else [(i.start_mark.line + 1, i.start_mark.column + 1) for i in found.value]
    )


def _distinct(
    raw: YamlValue, authority: Authority, text: str, path: str, problems: list[Problem]
) -> tuple[tuple[str, ...], ...]:
    """`distinct:` groups, each name checked against the people of the file."""
    if raw is None:
        return ()
    marks = _list_marks(text, "distinct")
    if not isinstance(raw, list):
        problems.append(
            _problem(path, 1, 1, "distinct must be a list of lists of names", "distinct")
        )
        return ()
    groups: list[tuple[str, ...]] = []
    for n, group in enumerate(raw):
        line, col = marks[n] if n < len(marks) else (1, 1)
        if (
            not isinstance(group, list)
            or len(group) < 2
            or not all(isinstance(g, str) for g in group)
        ):
            problems.append(
                _problem(path, line, col, "each distinct entry lists two or more names", "distinct")
            )
            continue
        names = [str(g) for g in group]
        slugs = []
        for name in names:
            person = authority.resolve(name)
            if person is None:
                problems.append(
                    _problem(
                        path, line, col, f"{name!r} names nobody in the people list", "distinct"
                    )
                )
            else:
                slugs.append(person.slug)
        if len(set(slugs)) < len(slugs):
            problems.append(
                _problem(path, line, col, "two names of one group are the same person", "distinct")
            )
        groups.append(tuple(names))
    return tuple(groups)


_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _day(value: YamlValue, *, end: bool) -> dt.date | None:
    """`1915`, `1915-06`, `1915-06-23` → the first (or, for an end, the last) day."""
    if value is None:
        return None
    m = _DAY.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"expected a date like 1915-06-23, not {value!r}")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            first = dt.date(year, int(month), 1)
            if not end:
                return first
            following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(year, int(month), int(day))
    except ValueError:
        raise ValueError(f"expected a date like 1915-06-23, not {value!r}") from None


def _offices(raw: YamlValue, text: str, path: str, problems: list[Problem]) -> tuple[Office, ...]:
    """`offices:` terms; two terms of one office that overlap are an error."""
    if raw is None:
        return ()
    marks = _list_marks(text, "offices")
    if not isinstance(raw, list):
        problems.append(_problem(path, 1, 1, "offices must be a list of terms", "offices"))
        return ()
    terms: list[tuple[Office, int]] = []
    for n, item in enumerate(raw):
        line, col = marks[n] if n < len(marks) else (1, 1)
        office, name = (
            (item.get("office"), item.get("name")) if isinstance(item, dict) else (None, None)
        )
        if (
            not isinstance(office, str)
            or not isinstance(name, str)
            or not office.strip()
            or not name.strip()
        ):
            problems.append(
                _problem(path, line, col, "each term needs an office and a name", "offices")
            )
            continue
        assert isinstance(item, dict)
        unknown = sorted(set(item) - {"office", "name", "from", "to"})
        if unknown:
            problems.append(_problem(path, line, col, f"unknown key {unknown[0]!r}", "offices"))
        try:
            term = Office(
                _norm_space(office),
                _norm_space(name),
                _day(item.get("from"), end=False),
                _day(item.get("to"), end=True),
            )
        except ValueError as exc:
            problems.append(_problem(path, line, col, str(exc), "offices"))
            continue
        if term.start and term.end and term.start > term.end:
            problems.append(_problem(path, line, col, "the term ends before it starts", "offices"))
            continue
        for other, other_line in terms:
            if name_key(other.office) == name_key(term.office) and _overlap(other, term):
                problems.append(
                    _problem(
                        path,
                        line,
                        col,
                        f"{term.office!r}: {term.name}'s term overlaps {other.name}'s "
                        f"(line {other_line})",
                        "offices",
                    )
                )
        terms.append((term, line))
    return tuple(t for t, _ in terms)


def _overlap(a: Office, b: Office) -> bool:
    lo, hi = dt.date.min, dt.date.max
    return (a.start or lo) <= (b.end or hi) and (b.start or lo) <= (a.end or hi)


@dataclass(frozen=True, slots=True)
class _Item:
    """Where one `people:` item and its keys are, and the list its problems go to."""

    path: str
    line: int
    col: int
    keys: Mapping[str, tuple[int, int]]
    problems: list[Problem]

    def report(self, key: str | None, message: str, severity: Severity = Severity.ERROR) -> None:
        """A problem at `key` (at the item itself when the key is absent or None)."""
        here = (self.line, self.col)
        line, col = here if key is None else self.keys.get(key, here)
        self.problems.append(Problem(Location(self.path, line, col), "people", message, severity))


def _person(
    item: YamlValue,
    path: str,
    line: int,
    col: int,
    keys: Mapping[str, tuple[int, int]],
    problems: list[Problem],
) -> Person | None:
    """One `people:` item as a Person, or None (reported) when it names no one."""
    where = _Item(path, line, col, keys, problems)
    if not isinstance(item, dict):
        where.report(None, "each person must be a mapping with a name")
        return None
    for key in item:
        if key not in _PERSON_KEYS:
            known = ", ".join(sorted(_PERSON_KEYS))
            where.report(key, f"unknown key {key!r} (known: {known})", Severity.WARNING)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        where.report(None, "a person needs a name")
        return None
    texts = _texts(item, where)
    aliases = _aliases(item.get("aliases") or [], where)
    identifiers = {k: v for k in _ID_KEYS if (v := texts.get(k))}
    identifiers.update(_more_identifiers(item.get("identifiers"), where))
    slug = texts["slug"] or slugify(name_key(name) or name)
    if slug != slugify(slug):
        where.report("slug", f"slug {slug!r} is not URL-safe")
        slug = slugify(slug)
    return Person(
        slug=slug,
        name=_norm_space(name),
        aliases=tuple(dict.fromkeys(aliases)),
        born=texts["born"],
        died=texts["died"],
        identifiers=MappingProxyType(dict(sorted(identifiers.items()))),
        description=texts["description"],
    )


def _texts(item: Mapping[str, YamlValue], where: _Item) -> dict[str, str | None]:
    """The single-text fields of a person, stripped; None when absent or not text."""
    texts: dict[str, str | None] = {}
    for key in ("slug", "born", "died", "description", *_ID_KEYS):
        raw = item.get(key)
        if raw is not None and not isinstance(raw, str):
            where.report(key, f"{key} must be text")
        texts[key] = raw.strip() if isinstance(raw, str) else None
    return texts


def _aliases(raw: YamlValue, where: _Item) -> list[str]:
    """`aliases:` as a list of names (one name alone is a list of one)."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        where.report("aliases", "aliases must be a list of names")
        return []
    aliases: list[str] = []
    for alias in raw:
        if isinstance(alias, str) and alias.strip():
            aliases.append(_norm_space(alias))
        else:
            where.report("aliases", "each alias must be a name")
    return aliases


def _more_identifiers(raw: YamlValue, where: _Item) -> dict[str, str]:
    """`identifiers:`, the schemes without a key of their own (`{cbdb: "123"}`)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        where.report("identifiers", "identifiers must be a mapping")
        return {}
    identifiers: dict[str, str] = {}
    for k, given in raw.items():
        if isinstance(given, str) and given.strip():
            identifiers[k] = given.strip()
        else:
            where.report("identifiers", f"identifier {k!r} must be text")
    return identifiers


def load_authority(path: Path) -> tuple[Authority, list[Problem]]:
    """Load `content/people.yaml`; a missing file is an empty authority, not an error."""
    if not path.is_file():
        return Authority(), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Authority(), [_problem(str(path), 1, 1, f"cannot read the file ({exc})")]
    return parse_authority(text, str(path))
