"""The build: read → validate → enrich → render → write → index, in that order.

Nothing is written until every record is read, validated and enriched. Pages and
the search index go into a staging folder that replaces `--out` only when all of it
succeeded, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from archivist import citations, derive, exports, oai, site
from archivist.config import Config, load_config
from archivist.enrich import build_archive
from archivist.model import Archive, Location, Problem, Record
from archivist.readers import RECORD_SUFFIXES, read_file
from archivist.render import SiteRenderer, theme_dir
from archivist.search import SearchError, build_index
from archivist.searchdoc import index_entry
from archivist.slugs import file_id
from archivist.write import BuildLock, OutputError, Staging, check_output_dir, clean_stale

log = logging.getLogger("archivist")

Progress = Callable[[str, int, int], None]


class BuildFailed(Exception):
    """The build stopped; the previous site (if any) is unchanged."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """Everything read and validated: the records to publish and every problem."""

    config: Config
    records: tuple[Record, ...]
    problems: tuple[Problem, ...]
    files: int
    withheld: tuple[str, ...] = ()
    context: derive.Context = field(default_factory=derive.Context)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass(slots=True)
class BuildReport:
    records_read: int = 0
    published: int = 0
    withheld: int = 0
    failed: int = 0
    warnings: int = 0
    errors: int = 0
    pages: int = 0
    search_entries: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.records_read} records read, {self.published} published, "
            f"{self.withheld} withheld, {self.warnings} warnings, {self.errors} errors; "
            f"{self.pages} pages written, {self.search_entries} search entries, "
            f"{self.seconds:.2f} s"
        )


def _today() -> dt.date:
    """Today for embargoes: from SOURCE_DATE_EPOCH when set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def discover(site_root: Path, config: Config) -> tuple[list[Path], list[Problem]]:
    """Record files under the content folder, in a stable order; unsafe links reported."""
    content = site_root / config.content_dir
    problems: list[Problem] = []
    if not content.is_dir():
        problems.append(
            Problem(Location(config.content_dir), "content", "the content folder does not exist")
        )
        return [], problems
    root = content.resolve()
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(content, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(RECORD_SUFFIXES):
                continue
            path = Path(dirpath) / name
            display = _display(path, site_root)
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    problems.append(
                        Problem(
                            Location(display),
                            "file",
                            "a link to a file outside the content folder; not read",
                        )
                    )
                    continue
            found.append(path)
        for d in list(dirnames):
            sub = Path(dirpath) / d
            if sub.is_symlink() and not sub.resolve().is_relative_to(root):
                problems.append(
                    Problem(
                        Location(_display(sub, site_root)),
                        "file",
                        "a link to a folder outside the content folder; not read",
                    )
                )
    found.sort(key=lambda p: p.as_posix())
    return found, problems


def _display(path: Path, site_root: Path) -> str:
    try:
        return path.relative_to(site_root).as_posix()
    except ValueError:
        return path.as_posix()


def _validate(records: list[Record]) -> tuple[list[Record], list[Problem]]:
    """Cross-record checks: ids unique, blind to case (URLs on case-insensitive hosts)."""
    problems: list[Problem] = []
    seen: dict[str, Record] = {}
    kept: list[Record] = []
    for record in records:
        key = record.id.casefold()
        other = seen.get(key)
        if other is not None:
            problems.append(
                Problem(
                    record.where("id"), "id", f"id {record.id!r} is already used by {other.path}"
                )
            )
            continue
        seen[key] = record
        kept.append(record)
    return kept, problems


def load(site_root: Path, config: Config, *, drafts: bool = False) -> Loaded:
    """Read and validate every record: the part of a build that writes nothing."""
    files, problems = discover(site_root, config)
    records: list[Record] = []
    for path in files:
        content = site_root / config.content_dir
        stem = file_id(path.relative_to(content).parts)
        result = read_file(path, _display(path, site_root), config, stem)
        records.extend(result.records)
        problems.extend(result.problems)
        if not result.records and not any(p.is_error for p in result.problems):
            problems.append(Problem(Location(_display(path, site_root)), "file", "no record found"))
    records, id_problems = _validate(records)
    problems.extend(id_problems)
    context, context_problems = derive.load_context(site_root, config)
    problems.extend(context_problems)
    derived: list[Record] = []
    for record in records:
        new, found = derive.derive(record, context)
        derived.append(new)
        problems.extend(found)
    records = derived
    withheld: list[str] = []
    today = _today()
    published: list[Record] = []
    for record in records:
        if (record.status == "draft" and not drafts) or (
            record.embargo and record.embargo > today and not drafts
        ):
            withheld.append(record.id)
        else:
            published.append(record)
    return Loaded(config, tuple(published), tuple(problems), len(files), tuple(withheld), context)


def _sorted_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (p.location.path, p.location.line, p.location.col, p.field, p.message),
    )


def render_pages(renderer: SiteRenderer, config: Config) -> Iterator[tuple[str, str | bytes]]:
    """Every output file as (site-relative path, content), records first."""
    archive = renderer.archive
    browse: list[str] = []
    for record in archive.records:
        yield str(site.output_path(site.record_url(record.id))), renderer.record_page(record)
        data = exports.record_data(record, archive, config)
        yield site.record_json_url(record.id), exports.dumps(data)
        cite = citations.cite_urls(record.id)
        yield cite["bib"], citations.bibtex(record, config)
        yield cite["ris"], citations.ris(record, config)
        yield cite["json"], citations.csl_json(record, config)
    for url, html in renderer.pages():
        browse.append(url)
        yield str(site.output_path(url)), html
    yield (
        "data/records.json",
        exports.dumps(
            {"records": [exports.record_data(r, archive, config) for r in archive.records]}
        ),
    )
    yield "data/records.csv", exports.records_csv(archive, config)
    yield "data/datapackage.json", exports.dumps(exports.datapackage(config, archive))
    yield (
        "data/index.html",
        renderer.render(
            "data.html", page_url="data/", page_title="Data", crumbs=[], count=len(archive.records)
        ),
    )
    yield "sitemap.xml", exports.sitemap(config, _sitemap_urls(archive, browse))
    yield "robots.txt", exports.robots(config)
    yield "feed.xml", exports.feed(config, archive)
    yield "oai.xml", oai.static_repository(config, archive, getattr(config, "admin_email", None))


def _sitemap_urls(archive: Archive, browse: list[str]) -> Iterator[tuple[str, str | None]]:
    """Record pages with their lastmod, then every browse page (not 404 or search)."""
    yield "", None
    for record in archive.records:
        yield site.record_url(record.id), exports.lastmod(record)
    for url in browse:
        if url not in ("", "404.html", "search/"):
            yield url, None
    yield "data/", None


def copy_static(staging: Staging, site_root: Path, config: Config) -> int:
    """Theme static files, overridden by the site's own `static/` by file name."""
    files: dict[str, Path] = {}
    for folder in (theme_dir("static"), site_root / config.static_dir):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and "__pycache__" not in path.parts:
                if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
                    continue
                files[path.relative_to(folder).as_posix()] = path
    for rel in sorted(files):
        staging.write(f"static/{rel}", files[rel].read_bytes())
    return len(files)


def build(
    site_root: Path,
    out: Path,
    *,
    base_url: str | None = None,
    strict: bool = False,
    keep_going: bool = False,
    drafts: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site under `site_root` into `out`. Raises BuildFailed on errors."""
    start = time.perf_counter()
    report = BuildReport()
    out = out.absolute()
    config = load_config(site_root, base_url=base_url)
    check_output_dir(out, site_root, site_root / config.content_dir)

    t = time.perf_counter()
    loaded = load(site_root, config, drafts=drafts)
    report.stages["read"] = time.perf_counter() - t
    report.problems = _sorted_problems(list(loaded.problems))
    report.records_read = len(loaded.records) + len(loaded.withheld)
    report.withheld = len(loaded.withheld)
    report.errors = len(loaded.errors)
    report.warnings = len(loaded.warnings)
    failed_files = {p.location.path for p in loaded.errors}
    report.failed = len(failed_files)
    if loaded.errors and not keep_going:
        raise BuildFailed(f"{len(loaded.errors)} error(s); nothing was published")
    if strict and loaded.warnings and not keep_going:
        raise BuildFailed(
            f"{len(loaded.warnings)} warning(s) under --strict; nothing was published"
        )

    t = time.perf_counter()
    archive = build_archive(
        loaded.records, loaded.context.person_for, related_count=config.related_count
    )
    report.stages["enrich"] = time.perf_counter() - t
    renderer = SiteRenderer(config, archive, site_root)

    out.parent.mkdir(parents=True, exist_ok=True)
    with BuildLock(out):
        clean_stale(out)
        with Staging(out) as staging:
            t = time.perf_counter()
            total = len(archive.records)
            for n, (rel, content) in enumerate(render_pages(renderer, config)):
                staging.write(rel, content)
                if rel.endswith(".html"):
                    report.pages += 1
                if progress and n % 200 == 0:
                    progress("render", min(n // 2, total), total)
            copy_static(staging, site_root, config)
            report.stages["render+write"] = time.perf_counter() - t

            t = time.perf_counter()
            try:
                manifest = build_index(
                    ((r.id, index_entry(r, archive, config.language)) for r in archive.records),
                    staging.root,
                    shard_size=config.search_shard_size,
                    timeout=config.search_timeout,
                )
            except SearchError as exc:
                raise BuildFailed(f"search index: {exc}; the previous site is unchanged") from exc
            report.search_entries = int(manifest["entries"])
            report.stages["index"] = time.perf_counter() - t
            if report.search_entries != len(archive.records):
                raise BuildFailed(
                    f"search index holds {report.search_entries} entries for "
                    f"{len(archive.records)} records; nothing was published"
                )
            staging.publish()
    report.published = len(archive.records)
    report.seconds = time.perf_counter() - start
    if loaded.errors:
        # --keep-going published the rest; the build still failed.
        raise BuildFailed(
            f"{len(loaded.errors)} error(s); published the {report.published} other records"
        )
    return report


__all__ = [
    "BuildFailed",
    "BuildReport",
    "Loaded",
    "OutputError",
    "build",
    "discover",
    "load",
    "replace",
]
