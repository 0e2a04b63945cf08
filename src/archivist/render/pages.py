"""Jinja environment and page views: Archive → (url, html) pages.

Templates only display: every value they show is prepared here as a plain view
object. Autoescape is on for every template; record text is never marked safe
except the body HTML that markdown-it produced from it (which escapes text itself).
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from archivist.config import Config
from archivist.enrich.people import fold, role_parts
from archivist.enrich.people.kinds import is_office
from archivist.enrich.volumes import (
    document_label,
    numbered_volumes,
    volume_documents,
    volume_of,
)
from archivist.incremental import keys
from archivist.model import Archive, ArchiveDate, PersonEntry, Record, Term
from archivist.render import citations, metadata, urls
from archivist.render.environment import make_env
from archivist.render.markup import BodyContext, BodyRenderer


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Field:
    """One row of a record's metadata block: a label and text or links."""

    label: str
    text: str | None = None
    links: tuple[Link, ...] = ()
    multiline: bool = False
    # A machine-readable date for `<time datetime>`, and a note shown after the value.
    time: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A record in a list: what list pages show of it."""

    url: str
    title: str
    date: str
    type: str | None
    summary: str | None
    roles: tuple[str, ...] = ()
    # The entry as `_item.html` renders it, for lists (see SiteRenderer.listed).
    html: Markup = field(default=Markup(""), compare=False)
    # Where it stands in an edition (`Doc. 293`) and where it was written: what tells
    # apart records of one title.
    number: str | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A page other than a record page, not yet rendered: `key` names everything it
    shows except the templates and settings (which the build keys once for all)."""

    url: str
    key: str
    render: Callable[[], str]


@dataclass(frozen=True, slots=True)
class Pager:
    page: int
    pages: int
    prev_url: str | None
    next_url: str | None
    # Not in the repr, which keys the page: both follow from the list's URL and size.
    urls: tuple[tuple[int, str], ...] = field(default=(), repr=False)
    # The `<li>` of every page, this one marked current: see `SiteRenderer.list_pages`.
    links: Markup = field(default=Markup(""), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Crumb:
    text: str
    url: str | None


def role_label(role: str | None) -> str | None:
    """`speaker (Yugoslav Ambassador)` → `Yugoslav Ambassador, speaker` for display."""
    function, office = role_parts(role)
    parts = [p for p in (office, function) if p]
    return ", ".join(parts) if parts else role


def _is_telegram(record: Record) -> bool:
    kind = (record.type or "").casefold()
    return any(w in kind for w in ("cable", "telegram", "teleprinter", "radio", "savingram"))


def date_text(record: Record) -> str:
    return citations.written_date(record.date) if record.date else "Undated"


def summary_snippet(text: str | None, limit: int = 240) -> str | None:
    if not text:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


class SiteRenderer:
    """Renders every page of one build from the Archive."""

    def __init__(self, config: Config, archive: Archive, site_root: Path) -> None:
        self.config = config
        self.archive = archive
        self.env = make_env(config, site_root)
        self.bodies = BodyRenderer(config.markdown_html)
        self._person_names = {e.person.slug: e.person.name for e in archive.people}
        # Per-site lookups every record page needs, built once instead of per record.
        self._terms_by_label = {
            facet: {t.label: t for t in terms} for facet, terms in archive.facets.items()
        }
        self._terms_by_slug: dict[str, dict[str, Term]] = {}
        for facet, terms in archive.facets.items():
            by_slug = self._terms_by_slug[facet] = {}
            for t in terms:
                by_slug.setdefault(t.slug, t)
        self._facet_slugs = metadata.facet_slug_sets(archive)
        # Each volume's documents, number → its page's URL (for "Document 286").
        href = self.env.filters["href"]
        volumes = volume_documents(archive.records)
        self._documents = {
            volume: {n: href(urls.record_url(rid)) for n, rid in docs.items()}
            for volume, docs in volumes.items()
        }
        # "Volume VIII, Document 427": the collections named `Volume 8: …`, by number.
        self._by_number = {n: self._documents[v] for n, v in numbered_volumes(volumes).items()}
        self._items: dict[str, Item] = {}
        self._listed: dict[tuple[str, tuple[str, ...]], Item] = {}
        self._item_keys: dict[str, str] = {}

    def prepare_lists(self) -> None:
        """Render every record's list entry now. When most pages are to be made, every
        entry is needed anyway (each record is in a year's list): made here, before the
        record workers fork, their related-records lists share them. A template error
        surfaces later, where it is reported."""
        try:
            for record in self.archive.records:
                self.listed(record.id)
        except jinja2.TemplateError:
            self._listed.clear()

    # -- helpers ---------------------------------------------------------------

    def item(self, record_id: str, roles: Sequence[str] = ()) -> Item:
        """A record as list pages show it; made once per record (it is in many lists)."""
        base = self._items.get(record_id)
        if base is None:
            r = self.archive.by_id[record_id]
            base = self._items[record_id] = Item(
                urls.record_url(r.id),
                r.title,
                date_text(r),
                r.type,
                summary_snippet(r.summary),
                number=f"Doc. {r.number}" if r.number else None,
                place=r.place,
            )
        if not roles:
            return base
        return replace(base, roles=tuple(roles))

    def listed(self, record_id: str, roles: Sequence[str] = ()) -> Item:
        """The item with its list entry (`_item.html`) rendered, once per record and
        roles: a record is in a dozen lists (its year, people, facets, related)."""
        key = (record_id, tuple(roles))
        found = self._listed.get(key)
        if found is None:
            item = self.item(record_id, roles)
            template = self.env.get_template("_item.html")
            # A shared context over the globals: `render` would merge them into a new
            # context per call, most of the cost of so small a template.
            context = template.new_context({**self.env.globals, "item": item}, shared=True)
            html = Markup("".join(template.root_render_func(context)))
            found = replace(item, roles=key[1], html=html)
            self._listed[key] = found
        return found

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def speakers(self, record: Record) -> dict[str, str]:
        """Speaker labels a body may use → the full name (the name, its parts)."""
        out: dict[str, str] = {}
        for participant in record.participants:
            name = participant.name
            out.setdefault(name, name)
            parts = [p for p in name.replace("[", " ").replace("]", " ").split() if p]
            for part in parts:
                if len(part) > 2 and part[0].isupper() and not part.endswith("."):
                    out.setdefault(part, name)
        return out

    # -- record pages ------------------------------------------------------------

    def metadata(self, record: Record) -> list[Field]:
        a = self.archive
        rows: list[Field] = []
        if record.date:
            parts = metadata.date_parts(record.date)
            rows.append(
                Field(
                    "Date",
                    citations.written_date(record.date),
                    time=parts.iso
                    if parts and metadata.edtf_iso(record.date) == parts.iso
                    else None,
                    note=precision(record.date),
                )
            )
        else:
            rows.append(Field("Date", "Undated"))
        links = tuple(
            Link(p.name, urls.participant_url(slug, p.kind), role_label(p.role))
            for p, slug in a.participant_slugs[record.id]
        )
        if links:
            rows.append(Field("Participants", links=links))

        def term_links(facet: str, values: Sequence[str]) -> tuple[Link, ...]:
            by_label = self._terms_by_label[facet]
            found = []
            for v in values:
                term = by_label.get(v) or self._terms_by_slug[facet].get(metadata.slug_of(v))
                found.append(Link(v, urls.facet_url(facet, term.slug)) if term else Link(v, ""))
            return tuple(found)

        if record.type:
            rows.append(Field("Type", links=term_links("types", [record.type])))
        if record.language:
            rows.append(Field("Language", links=term_links("languages", record.language)))
        if record.original_language:
            rows.append(Field("Original language", ", ".join(record.original_language)))
        if record.place:
            rows.append(Field("Place", record.place))
        number = record.extra.get("dispatch_number")
        if isinstance(number, str):
            rows.append(Field("Telegram number" if _is_telegram(record) else "Number", number))
        if record.classification:
            rows.append(Field("Classification", record.classification))
        if record.archive:
            rows.append(Field("Archive", links=term_links("archives", [record.archive])))
        if record.collections:
            rows.append(Field("Collections", links=term_links("collections", record.collections)))
        if record.subjects:
            rows.append(Field("Subjects", links=term_links("subjects", record.subjects)))
        if record.source:
            rows.append(Field("Source", record.source))
        if record.translators:
            rows.append(Field("Translated by", ", ".join(record.translators)))
        if record.funders:
            rows.append(Field("Funded by", ", ".join(record.funders)))
        if record.rights:
            rows.append(Field("Rights", record.rights, multiline=True))
        if record.record_id:
            rows.append(Field("Record ID", record.record_id))
        if record.uploaded:
            rows.append(
                Field(
                    "Uploaded",
                    citations.written_date(ArchiveDate(record.uploaded.isoformat())),
                    time=record.uploaded.isoformat(),
                )
            )
        return rows

    def record_page(self, record: Record) -> str:
        volume = volume_of(record)
        documents = self._documents.get(volume, {}) if volume else {}
        body_html, notes = self.bodies.render(
            record.body,
            record.body_format,
            BodyContext(self.speakers(record), record.notes, documents, self._by_number),
        )
        prev_id, next_id = self.archive.neighbours[record.id]
        in_volume = volume is not None and any(
            n and volume_of(self.archive.by_id[n]) == volume for n in (prev_id, next_id)
        )
        year = record.date.year if record.date else None
        crumbs = [Crumb("Home", ""), Crumb("Years", urls.facet_url("years"))]
        crumbs.append(
            Crumb(str(year), urls.year_url(year)) if year else Crumb("Undated", urls.undated_url())
        )
        cite = citations.chicago_note(record, self.config)
        files = "citation_files" in self.config.outputs
        head_meta = metadata.head_meta(record, self.config)
        return self.render(
            "record.html",
            page_url=urls.record_url(record.id),
            page_title=record.title,
            record=record,
            head_meta=head_meta,
            head_tags=meta_tags(head_meta),
            json_ld=json_script(
                metadata.json_ld(record, self.archive, self.config, self._facet_slugs)
            ),
            canonical=urls.absolute(self.config, urls.record_url(record.id))
            if self.config.site_url
            else None,
            cite=cite,
            cite_formats=citations.formats(record.id, files),
            # Unsorted: the page writes the CSL-JSON item back in this order.
            cite_data=None
            if files
            else json_script(citations.page_data(record, self.config), sort_keys=False),
            body_lang=metadata.body_lang(record, self.config.language),
            date=date_text(record),
            document=document_label(record),
            in_volume=in_volume,
            fields=self.metadata(record),
            body=Markup(body_html),
            notes=Markup(notes),
            prev=self.item(prev_id) if prev_id else None,
            next=self.item(next_id) if next_id else None,
            related=[self.listed(rid) for rid in self.archive.related[record.id]],
            crumbs=crumbs,
            json_url=urls.record_json_url(record.id)
            if "record_json" in self.config.outputs
            else None,
        )

    # -- lists -------------------------------------------------------------------

    def list_pages(
        self,
        url: str,
        title: str,
        entries: Sequence[tuple[str, Sequence[str]]],
        crumbs: list[Crumb],
        **extra: Any,
    ) -> Iterator[Page]:
        """A list of records (id and roles each), split into pages of `page_size`."""
        size = self.config.page_size
        pages = max(1, -(-len(entries) // size))
        page_urls = tuple((n, urls.paged(url, n)) for n in range(1, pages + 1)) if pages > 1 else ()
        # Every page of a list links to every other: a list of 2,000 pages (one
        # language in a 100,000-record archive) has 4 million such links, so each is
        # made once per list, not once per page in a template loop.
        href = self.env.filters["href"]
        links = [f'    <li><a href="{escape(href(u))}">{n}</a></li>\n' for n, u in page_urls]
        for page in range(1, pages + 1):
            chunk = entries[(page - 1) * size : page * size]
            pager = _pager(url, page, pages, page_urls, links)
            page_url = urls.paged(url, page)
            heading = title if page == 1 else f"{title} (page {page} of {pages})"
            yield self._page(
                "list.html",
                chunk,
                page_url=page_url,
                page_title=heading,
                heading=title,
                total=len(entries),
                pager=pager,
                crumbs=crumbs,
                **extra,
            )

    def _page(
        self,
        template: str,
        entries: Sequence[tuple[str, Sequence[str]]] = (),
        *,
        items_as: str = "items",
        **context: Any,
    ) -> Page:
        """A page of `template`, keyed by its context and the list entries it shows
        (records by id and roles, rendered only if the page must be made)."""
        key = keys.list_page_key(
            template,
            items_as,
            repr(sorted(context.items())),
            (
                f"{rid}\0{'|'.join(roles)}\0{self.item_key(rid)}" if roles else self.item_key(rid)
                for rid, roles in entries
            ),
        )

        def render() -> str:
            items = [self.listed(rid, roles) for rid, roles in entries]
            return self.render(template, **context, **{items_as: items})

        return Page(context["page_url"], key, render)

    def item_key(self, record_id: str) -> str:
        """A hash of what lists show of a record: an edit to its body changes no list."""
        found = self._item_keys.get(record_id)
        if found is None:
            i = self.item(record_id)
            found = self._item_keys[record_id] = keys.item_key(
                i.url, i.title, i.date, i.type, i.summary, i.number, i.place
            )
        return found

    def term_index(
        self, url: str, title: str, terms: Sequence[tuple[str, str, int, str | None]], intro: str
    ) -> Page:
        return self._page(
            "terms.html",
            page_url=url,
            page_title=title,
            terms=terms,
            intro=intro,
            crumbs=[Crumb("Home", "")],
        )

    def pages(self) -> Iterator[tuple[str, str]]:
        """Every page except the record pages (which `record_page` renders)."""
        for page in self.page_plan():
            yield page.url, page.render()

    def page_plan(self) -> Iterator[Page]:
        """Every page except the record pages, each keyed and not yet rendered."""
        a = self.archive
        yield self.home()
        # Years: a timeline, a page per year, and one for undated records.
        decades: dict[int, list[tuple[int, int]]] = {}
        for year, ids in a.years.items():
            decades.setdefault(year // 10 * 10, []).append((year, len(ids)))
        yield self._page(
            "years.html",
            page_url=urls.facet_url("years"),
            page_title="Browse by year",
            decades=[
                (decade, sum(n for _, n in years), [(y, n, urls.year_url(y)) for y, n in years])
                for decade, years in sorted(decades.items())
            ],
            undated=len(a.undated),
            undated_url=urls.undated_url(),
            crumbs=[Crumb("Home", "")],
        )
        years_crumbs = [Crumb("Home", ""), Crumb("Years", urls.facet_url("years"))]
        for year, ids in a.years.items():
            yield from self.list_pages(
                urls.year_url(year), f"Records from {year}", [(i, ()) for i in ids], years_crumbs
            )
        yield from self.list_pages(
            urls.undated_url(), "Undated records", [(i, ()) for i in a.undated], years_crumbs
        )
        # People, and organizations (bodies, posts, offices named alone).
        yield from self.participant_pages(
            "people", "People", a.people,
            "Everyone who appears in the records, with the number of records.",
        )  # fmt: skip
        yield from self.participant_pages(
            "organizations", "Organizations", a.organizations,
            "Departments, embassies, delegations, governments, posts and offices that "
            "appear in the records, with the number of records.",
        )  # fmt: skip
        # Types, languages, archives, collections, subjects.
        for facet, terms in a.facets.items():
            plural, singular = urls.FACET_TITLES[facet]
            # The index exists even when empty: the site navigation links to it.
            yield self.term_index(
                urls.facet_url(facet),
                plural,
                [(t.label, urls.facet_url(facet, t.slug), len(t.record_ids), None) for t in terms],
                f"Records by {singular.lower()}." if terms else "No records here yet.",
            )
            crumbs = [Crumb("Home", ""), Crumb(plural, urls.facet_url(facet))]
            for term in terms:
                numbered = facet == "collections" and any(
                    a.by_id[i].number for i in term.record_ids
                )
                yield from self.list_pages(
                    urls.facet_url(facet, term.slug),
                    f"{singular}: {term.label}",
                    [(i, ()) for i in term.record_ids],
                    crumbs,
                    order="in document order" if numbered else None,
                )
        yield self._page(
            "search.html", page_url="search/", page_title="Search", crumbs=[Crumb("Home", "")]
        )
        yield self._page("404.html", page_url="404.html", page_title="Page not found", crumbs=[])

    def participant_pages(
        self, facet: str, title: str, entries: Sequence[PersonEntry], intro: str
    ) -> Iterator[Page]:
        """The index of people (or organizations) and a page for each."""
        yield from self.name_index(facet, title, entries, intro)
        crumbs = [Crumb("Home", ""), Crumb(title, urls.facet_url(facet))]
        for entry in entries:
            yield from self.list_pages(
                urls.participant_url(entry.person.slug, entry.person.kind),
                entry.person.name,
                entry.records,
                crumbs,
                person=entry.person,
                life=_life(entry.person.born, entry.person.died),
                offices=offices_held(entry, self.archive),
            )

    def name_index(
        self, facet: str, title: str, entries: Sequence[PersonEntry], intro: str
    ) -> Iterator[Page]:
        """People by surname (organizations by name), A–Z links, `NAMES_PER_PAGE` a page."""
        by_surname = facet == "people"
        rows = sorted(
            ((_index_name(e.person.name, by_surname=by_surname), e) for e in entries),
            key=lambda row: (row[0], row[1].person.slug),
        )
        url = urls.facet_url(facet)
        pages = max(1, -(-len(rows) // NAMES_PER_PAGE))
        page_urls = tuple((n, urls.paged(url, n)) for n in range(1, pages + 1)) if pages > 1 else ()
        first_on: dict[str, int] = {}
        for i, ((key, _), _e) in enumerate(rows):
            first_on.setdefault(_letter(key), i // NAMES_PER_PAGE + 1)
        letters = tuple(
            (letter, f"{urls.paged(url, first_on[letter])}#letter-{letter.lower()}"
             if letter in first_on else None)
            for letter in LETTERS
        )  # fmt: skip
        href = self.env.filters["href"]
        links = [f'    <li><a href="{escape(href(u))}">{n}</a></li>\n' for n, u in page_urls]
        for page in range(1, pages + 1):
            chunk = rows[(page - 1) * NAMES_PER_PAGE : page * NAMES_PER_PAGE]
            groups: dict[str, list[tuple[str, str, int, str | None]]] = {}
            for (key, label), e in chunk:
                groups.setdefault(_letter(key), []).append(
                    (
                        label,
                        urls.participant_url(e.person.slug, e.person.kind),
                        len(e.records),
                        _life(e.person.born, e.person.died),
                    )
                )
            pager = _pager(url, page, pages, page_urls, links)
            yield self._page(
                "people.html",
                page_url=urls.paged(url, page),
                page_title=title if page == 1 else f"{title} (page {page} of {pages})",
                intro=intro,
                total=len(rows),
                by_surname=by_surname,
                letters=letters,
                groups=tuple((letter, tuple(terms)) for letter, terms in groups.items()),
                pager=pager,
                crumbs=[Crumb("Home", "")],
            )

    def home(self) -> Page:
        a = self.archive
        uploaded = [r for r in a.records if r.uploaded]
        if uploaded:
            newest = sorted(uploaded, key=lambda r: (r.uploaded, r.id), reverse=True)[:10]
        else:
            newest = list(reversed(a.records[-10:]))
        dated = [r for r in a.records if r.date and r.date.year]
        span = (dated[0].date.year, dated[-1].date.year) if dated else None  # type: ignore[union-attr]
        ways = [
            Link("Years", urls.facet_url("years"), f"{len(a.years)} years"),
            Link("People", urls.facet_url("people"), f"{len(a.people)} people"),
            Link(
                "Organizations",
                urls.facet_url("organizations"),
                f"{len(a.organizations)} organizations",
            ),
        ]
        for facet, terms in a.facets.items():
            if terms:
                ways.append(
                    Link(urls.FACET_TITLES[facet][0], urls.facet_url(facet), f"{len(terms)}")
                )
        return self._page(
            "home.html",
            [(r.id, ()) for r in newest],
            items_as="newest",
            page_url="",
            page_title=self.config.title,
            count=len(a.records),
            span=span,
            ways=ways,
            crumbs=[],
        )


NAMES_PER_PAGE = 500
LETTERS = (*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#")


_INITIALS = re.compile(r"^(?:[A-Z]\.\s*)+$")


def _index_name(name: str, *, by_surname: bool) -> tuple[str, str]:
    """(sort key, label). A person sorts by the last word (`R. G. Menzies` under M,
    shown `Menzies, R. G.` when the rest is initials; `Mao Zedong` is shown as written,
    since which word is the family name is unknown); an inverted name (`Mao, Zedong`)
    and an organization sort as written, without a leading `the`."""
    words = name.split()
    label = name
    text = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    if by_surname and len(words) > 1 and "," not in name and "(" not in name:
        given = " ".join(words[:-1])
        text = f"{words[-1]} {given}"
        if _INITIALS.match(given):
            label = f"{words[-1]}, {given}"
    return fold(text).strip(" \"'‘’“”.,([-"), label


def _letter(key: str) -> str:
    first = key[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def _pager(
    url: str, page: int, pages: int, page_urls: tuple[tuple[int, str], ...], links: list[str]
) -> Pager:
    """Page `page` of a list at `url`: its neighbours and the links to every page, made
    once per list (`links`), with the current page's link replaced by its number."""
    current = f'    <li><span aria-current="page">{page}</span></li>\n'
    return Pager(
        page,
        pages,
        urls.paged(url, page - 1) if page > 1 else None,
        urls.paged(url, page + 1) if page < pages else None,
        page_urls,
        Markup("".join([*links[: page - 1], current, *links[page:]])) if page_urls else Markup(""),
    )


def precision(date: ArchiveDate) -> str | None:
    """How precisely the date is known, in words (None when the text says it all)."""
    parts = metadata.date_parts(date)
    if parts is None:
        return "not normalized" if date.text.strip() else None
    if date.edtf and "/" in date.edtf:
        return "a date range"
    words = {1: "year only", 2: "month only", 3: None}[len(parts.parts)]
    if parts.approximate:
        return f"approximate, {words}" if words else "approximate"
    return words


def offices_held(entry: PersonEntry, archive: Archive) -> tuple[str, ...]:
    """The offices a person holds in his records, each with the years it is seen,
    in the order first held: `Ambassador in Great Britain (1917–1918)`. An office
    is what a role names (`sender (Ambassador in Great Britain)`), or an office the
    editor's people.yaml gave him on that date (`Secretary of State`)."""
    seen: dict[str, tuple[Counter[str], list[int]]] = {}

    def add(office: str, year: int | None) -> None:
        forms, years = seen.setdefault(fold(office).casefold(), (Counter(), []))
        forms[office] += 1
        if year is not None:
            years.append(year)

    for rid, roles in entry.records:
        record = archive.by_id[rid]
        year = record.date.year if record.date else None
        for role in roles:
            office = role_parts(role)[1]
            if office:
                add(office, year)
        for p, slug in archive.participant_slugs.get(rid, ()):
            if slug == entry.person.slug and p.name != entry.person.name and is_office(p.name):
                add(p.name, year)
    held = []
    for forms, years in seen.values():
        label = min(forms, key=lambda f: (-forms[f], f))
        first, last = min(years, default=None), max(years, default=None)
        span = str(first) if first == last else f"{first}–{last}"
        text = f"{label} ({span})" if first is not None else label
        held.append((first if first is not None else 10_000, label, text))
    return tuple(text for _, _, text in sorted(held))


def _life(born: str | None, died: str | None) -> str | None:
    if not born and not died:
        return None
    return f"{born or '?'}–{died or ''}"


def meta_tags(metas: Sequence[metadata.Meta]) -> Markup:
    """The page head's `<meta>` tags, one a line, every value escaped.

    Made here rather than in a template loop: forty tags a page made the loop the
    costliest part of rendering a record page's template.
    """
    return Markup(
        "".join(f'{_meta_open(attr, key)}{escape(content)}">\n' for attr, key, content in metas)
    )


@functools.cache
def _meta_open(attr: str, key: str) -> str:
    """A tag up to its content (`<meta name="citation_title" content="`): a handful of
    names, the same in every page."""
    return f'<meta {escape(attr)}="{escape(key)}" content="'


def json_script(data: object, *, sort_keys: bool = True) -> Markup:
    """JSON safe inside a <script> element: `<`, `>`, `&` and U+2028/9 escaped.
    Compact: it is in every record page, and read only by machines."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return Markup(text)


__all__ = [
    "Link",
    "SiteRenderer",
    "Term",
    "json_script",
]
