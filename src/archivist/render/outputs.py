"""Every file a site is made of, as (site-relative path, content): each record's files
(page; record.json and citation files if asked for) and the site's (lists, browse
pages, data, feeds)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from archivist.config import Config
from archivist.model import Archive, Record
from archivist.publish.splice import Splicer
from archivist.publish.write import Content
from archivist.render import citations, exports, gzip_members, oai, urls
from archivist.render.pages import SiteRenderer


def record_line(renderer: SiteRenderer, record: Record) -> bytes:
    """The record's data as one line of JSON: its line of records.jsonl.gz, and its
    record.json when that is an output."""
    data = exports.record_data(record, renderer.archive, renderer.config)
    return exports.dumps(data).encode("utf-8")


def record_outputs(
    renderer: SiteRenderer, record: Record, line: bytes | None = None
) -> Iterator[tuple[str, Content]]:
    """The files of one record (its page; its data if asked for); keyed together by
    `record_key`. record.json and the citation files are optional outputs: by default
    records.jsonl.gz holds the data and the page makes the citations. `line`: the
    record's `record_line`, when the caller has made it already."""
    yield str(urls.output_path(urls.record_url(record.id))), renderer.record_page(record)
    config = renderer.config
    if "record_json" in config.outputs:
        yield urls.record_json_url(record.id), line or record_line(renderer, record)
    if "citation_files" in config.outputs:
        cite = citations.cite_urls(record.id)
        yield cite["bib"], citations.bibtex(record, config)
        yield cite["ris"], citations.ris(record, config)
        yield cite["json"], citations.csl_json(record, config)


def site_outputs(renderer: SiteRenderer, config: Config) -> Iterator[tuple[str, Content]]:
    """Every output file that is not one record's: lists, browse pages, data, feeds."""
    for rel, _key, make in site_units(renderer, config):
        yield rel, make()


SiteUnit = tuple[str, str | None, Callable[[], Content]]


def site_units(
    renderer: SiteRenderer,
    config: Config,
    written: Path | None = None,
    splicer: Splicer | None = None,
    members: gzip_members.Spool | None = None,
) -> Iterator[SiteUnit]:
    """Every output file that is not one record's, not yet made: (path, key, make).

    A page's key names everything it shows but the templates and settings (see
    `site_key`), so an unchanged page is reused; `None` (the data files, which
    show every record) means it is made every time. `splicer` makes records.jsonl.gz,
    records.csv and oai.xml from the last build's copies; records.jsonl.gz's new
    pieces are the members the render workers made (`members`), else the record.json
    files in `written`, a folder holding every record's files, when record.json is an
    output.
    """
    archive = renderer.archive
    browse: list[str] = []
    for page in renderer.page_plan():
        browse.append(page.url)
        yield str(urls.output_path(page.url)), page.key, page.render

    json_files = written if "record_json" in config.outputs else None
    yield (
        RECORDS_JSONL,
        None,
        lambda: _records_jsonl(renderer, json_files, splicer, members),
    )
    if "records_csv" in config.outputs:
        yield "data/records.csv", None, lambda: _records_csv(archive, config, splicer)
    yield (
        "data/datapackage.json",
        None,
        lambda: exports.dumps(exports.datapackage(config, archive)),
    )
    count = len(archive.records)
    csv = "records_csv" in config.outputs
    yield (
        "data/index.html",
        f"data\0{count}",
        lambda: renderer.render(
            "data.html",
            page_url="data/",
            page_title="Data",
            crumbs=[],
            count=count,
            csv=csv,
            record_json="record_json" in config.outputs,
            oai="oai_pmh" in config.outputs,
        ),
    )
    yield "sitemap.xml", None, lambda: exports.sitemap(config, _sitemap_urls(archive, browse))
    yield "robots.txt", "robots", lambda: exports.robots(config)
    yield "feed.xml", None, lambda: exports.feed(config, archive)
    admin = getattr(config, "admin_email", None)

    def oai_xml() -> Content:
        if splicer is None:
            return oai.static_repository_chunks(config, archive, admin)
        return splicer.pieces(
            "oai.xml",
            oai.static_head(config, archive, admin),
            [
                (r.id, functools.partial(oai.static_record, r, archive, config))
                for r in archive.records
            ],
            oai.STATIC_TAIL,
        )

    if "oai_pmh" in config.outputs:
        yield "oai.xml", None, oai_xml


RECORDS_JSONL = "data/records.jsonl.gz"


def _records_jsonl(
    renderer: SiteRenderer,
    written: Path | None,
    splicer: Splicer | None,
    members: gzip_members.Spool | None,
) -> Content:
    """records.jsonl.gz: each record's record.json as one line, a gzip member each.
    A record rendered this build brings its member from the render worker; a reused
    one is copied by the splicer, else made from its record.json in `written` (a
    folder holding every record's files) or serialized here."""
    archive = renderer.archive

    def line(record: Record) -> bytes:
        if written is not None:
            return written.joinpath(urls.record_json_url(record.id)).read_bytes()
        return record_line(renderer, record)

    def piece(record: Record) -> bytes:
        made = members.get(record.id) if members is not None else None
        return made if made is not None else gzip_members.member(line(record))

    pieces = [(r.id, functools.partial(piece, r)) for r in archive.records]
    if splicer is None:
        return itertools.chain((make() for _id, make in pieces), [gzip_members.EMPTY])
    return splicer.pieces(RECORDS_JSONL, b"", pieces, gzip_members.EMPTY)


def _records_csv(archive: Archive, config: Config, splicer: Splicer | None) -> Content:
    if splicer is None:
        return exports.records_csv_chunks(archive, config)
    return splicer.pieces(
        "data/records.csv",
        exports.csv_head(),
        [(r.id, functools.partial(_csv_record, r, archive, config)) for r in archive.records],
        "",
    )


def _csv_record(record: Record, archive: Archive, config: Config) -> str:
    return exports.csv_record(exports.record_data(record, archive, config))


def render_pages(renderer: SiteRenderer, config: Config) -> Iterator[tuple[str, Content]]:
    """Every output file as (site-relative path, content), records first."""
    for record in renderer.archive.records:
        yield from record_outputs(renderer, record)
    yield from site_outputs(renderer, config)


def _sitemap_urls(archive: Archive, browse: list[str]) -> Iterator[tuple[str, str | None]]:
    """Record pages with their lastmod, then every browse page (not 404 or search)."""
    yield "", None
    for record in archive.records:
        yield urls.record_url(record.id), exports.lastmod(record)
    for url in browse:
        if url not in ("", "404.html", "search/"):
            yield url, None
    yield "data/", None
