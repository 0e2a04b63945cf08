"""Jinja environment and page views: Archive → (url, html) pages.

Templates only display: every value they show is prepared here as a plain view
object. Autoescape is on for every template; record text is never marked safe
except the body HTML that markdown-it produced from it (which escapes text itself).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from archivist import citations, metadata, site
from archivist.cache import digest
from archivist.config import Config
from archivist.markup import BodyContext, BodyRenderer
from archivist.model import Archive, ArchiveDate, Record, Term
from archivist.people import role_parts

REPO_ROOT = Path(__file__).resolve().parents[2]


def theme_dir(kind: str) -> Path:
    """The default theme's `templates` or `static` folder (in the wheel or the repo)."""
    # The theme folders ship as data-only namespace packages (see pyproject.toml).
    spec = importlib.util.find_spec(f"archivist.theme_{kind}")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if Path(location).is_dir():
                return Path(location)
    return REPO_ROOT / kind


class FolderLoader(jinja2.FileSystemLoader):
    """Templates from one folder; a file reached through a link leading out of the
    folder is an error, not read (a link to /etc/passwd must not become a page)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder
        self.root = folder.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))
        if path.exists() and not path.resolve().is_relative_to(self.root):
            raise jinja2.TemplateError(
                f"{path}: a link to a file outside the templates folder; not read"
            )
        return super().get_source(environment, template)


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, its verdict on an attribute kept per (type, name).

    Jinja decides from the object's type and the name alone (a leading `_`, or an
    internal attribute of a function, method, type, frame or generator), and a page
    reads hundreds of attributes. Asking every time made rendering 2,000 records 16%
    slower than without a sandbox; remembering the answer, 5%."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe


def make_env(config: Config, site_root: Path) -> jinja2.Environment:
    """The templates' environment: the site's templates over the theme's, sandboxed
    (a template may read what it is given, never reach Python's internals)."""
    loaders: list[jinja2.BaseLoader] = []
    local = site_root / config.templates_dir
    if local.is_dir():
        loaders.append(FolderLoader(local))
    loaders.append(FolderLoader(theme_dir("templates")))
    env = Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # One environment per build: templates do not change during it, and checking
        # would stat every template file (and its base and includes) on every page.
        auto_reload=False,
    )
    env.globals["config"] = config
    base = site.base_path(config)  # once: every page has dozens of links

    def href(url: str) -> str:
        return base + url.lstrip("/")

    env.filters["href"] = href
    return env


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


def date_text(record: Record) -> str:
    return record.date.text if record.date else "Undated"


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
                site.record_url(r.id),
                r.title,
                date_text(r),
                r.type,
                summary_snippet(r.summary),
            )
        if not roles:
            return base
        return Item(base.url, base.title, base.date, base.type, base.summary, tuple(roles))

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
            found = Item(item.url, item.title, item.date, item.type, item.summary, key[1], html)
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
                    record.date.text,
                    time=parts.iso
                    if parts and metadata.edtf_iso(record.date) == parts.iso
                    else None,
                    note=precision(record.date),
                )
            )
        else:
            rows.append(Field("Date", "Undated"))
        links = tuple(
            Link(p.name, site.person_url(slug), role_label(p.role))
            for p, slug in a.participant_slugs[record.id]
        )
        if links:
            rows.append(Field("Participants", links=links))

        def term_links(facet: str, values: Sequence[str]) -> tuple[Link, ...]:
            by_label = self._terms_by_label[facet]
            found = []
            for v in values:
                term = by_label.get(v) or self._terms_by_slug[facet].get(metadata.slug_of(v))
                found.append(Link(v, site.facet_url(facet, term.slug)) if term else Link(v, ""))
            return tuple(found)

        if record.type:
            rows.append(Field("Type", links=term_links("types", [record.type])))
        if record.language:
            rows.append(Field("Language", links=term_links("languages", record.language)))
        if record.original_language:
            rows.append(Field("Original language", ", ".join(record.original_language)))
        if record.place:
            rows.append(Field("Place", record.place))
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
                    record.uploaded.isoformat(),
                    time=record.uploaded.isoformat(),
                )
            )
        return rows

    def record_page(self, record: Record) -> str:
        body_html, notes = self.bodies.render(
            record.body, record.body_format, BodyContext(self.speakers(record), record.notes)
        )
        prev_id, next_id = self.archive.neighbours[record.id]
        year = record.date.year if record.date else None
        crumbs = [Crumb("Home", ""), Crumb("Years", site.facet_url("years"))]
        crumbs.append(
            Crumb(str(year), site.year_url(year)) if year else Crumb("Undated", site.undated_url())
        )
        cite = citations.chicago_note(record, self.config)
        head_meta = metadata.head_meta(record, self.config)
        return self.render(
            "record.html",
            page_url=site.record_url(record.id),
            page_title=record.title,
            record=record,
            head_meta=head_meta,
            head_tags=meta_tags(head_meta),
            json_ld=json_script(
                metadata.json_ld(record, self.archive, self.config, self._facet_slugs)
            ),
            canonical=site.absolute(self.config, site.record_url(record.id))
            if self.config.site_url
            else None,
            cite=cite,
            cite_urls=citations.cite_urls(record.id),
            body_lang=metadata.body_lang(record, self.config.language),
            date=date_text(record),
            fields=self.metadata(record),
            body=Markup(body_html),
            notes=Markup(notes),
            prev=self.item(prev_id) if prev_id else None,
            next=self.item(next_id) if next_id else None,
            related=[self.listed(rid) for rid in self.archive.related[record.id]],
            crumbs=crumbs,
            json_url=site.record_json_url(record.id),
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
        urls = tuple((n, site.paged(url, n)) for n in range(1, pages + 1)) if pages > 1 else ()
        # Every page of a list links to every other: a list of 2,000 pages (one
        # language in a 100,000-record archive) has 4 million such links, so each is
        # made once per list, not once per page in a template loop.
        href = self.env.filters["href"]
        links = [f'    <li><a href="{escape(href(u))}">{n}</a></li>\n' for n, u in urls]
        for page in range(1, pages + 1):
            chunk = entries[(page - 1) * size : page * size]
            current = f'    <li><span aria-current="page">{page}</span></li>\n'
            pager = Pager(
                page,
                pages,
                site.paged(url, page - 1) if page > 1 else None,
                site.paged(url, page + 1) if page < pages else None,
                urls,
                Markup("".join([*links[: page - 1], current, *links[page:]]))
                if urls
                else Markup(""),
            )
            page_url = site.paged(url, page)
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
        key = digest(
            template,
            items_as,
            repr(sorted(context.items())),
            # One part, not one per entry: a large archive's lists hold every record
            # several times over.
            "\n".join(
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
            found = self._item_keys[record_id] = digest(
                i.url, i.title, i.date, i.type or "\0", i.summary or "\0"
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
            page_url=site.facet_url("years"),
            page_title="Browse by year",
            decades=[
                (decade, sum(n for _, n in years), [(y, n, site.year_url(y)) for y, n in years])
                for decade, years in sorted(decades.items())
            ],
            undated=len(a.undated),
            undated_url=site.undated_url(),
            crumbs=[Crumb("Home", "")],
        )
        years_crumbs = [Crumb("Home", ""), Crumb("Years", site.facet_url("years"))]
        for year, ids in a.years.items():
            yield from self.list_pages(
                site.year_url(year), f"Records from {year}", [(i, ()) for i in ids], years_crumbs
            )
        yield from self.list_pages(
            site.undated_url(), "Undated records", [(i, ()) for i in a.undated], years_crumbs
        )
        # People.
        yield self.term_index(
            site.facet_url("people"),
            "People",
            [
                (
                    e.person.name,
                    site.person_url(e.person.slug),
                    len(e.records),
                    _life(e.person.born, e.person.died),
                )
                for e in a.people
            ],
            "Everyone who appears in the records, with the number of records.",
        )
        people_crumbs = [Crumb("Home", ""), Crumb("People", site.facet_url("people"))]
        for entry in a.people:
            yield from self.list_pages(
                site.person_url(entry.person.slug),
                entry.person.name,
                entry.records,
                people_crumbs,
                person=entry.person,
                life=_life(entry.person.born, entry.person.died),
            )
        # Types, languages, archives, collections, subjects.
        for facet, terms in a.facets.items():
            plural, singular = site.FACET_TITLES[facet]
            # The index exists even when empty: the site navigation links to it.
            yield self.term_index(
                site.facet_url(facet),
                plural,
                [(t.label, site.facet_url(facet, t.slug), len(t.record_ids), None) for t in terms],
                f"Records by {singular.lower()}." if terms else "No records here yet.",
            )
            crumbs = [Crumb("Home", ""), Crumb(plural, site.facet_url(facet))]
            for term in terms:
                yield from self.list_pages(
                    site.facet_url(facet, term.slug),
                    f"{singular}: {term.label}",
                    [(i, ()) for i in term.record_ids],
                    crumbs,
                )
        yield self._page(
            "search.html", page_url="search/", page_title="Search", crumbs=[Crumb("Home", "")]
        )
        yield self._page("404.html", page_url="404.html", page_title="Page not found", crumbs=[])

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
            Link("Years", site.facet_url("years"), f"{len(a.years)} years"),
            Link("People", site.facet_url("people"), f"{len(a.people)} people"),
        ]
        for facet, terms in a.facets.items():
            if terms:
                ways.append(
                    Link(site.FACET_TITLES[facet][0], site.facet_url(facet), f"{len(terms)}")
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
        "".join(
            f'<meta {escape(attr)}="{escape(key)}" content="{escape(content)}">\n'
            for attr, key, content in metas
        )
    )


def json_script(data: object) -> Markup:
    """JSON safe inside a <script> element: `<`, `>`, `&` and U+2028/9 escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
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
    "FolderLoader",
    "Link",
    "Sandbox",
    "SiteRenderer",
    "Term",
    "json_script",
    "make_env",
    "theme_dir",
]
