"""The build: read → validate → enrich → render → write → index, in that order.

`build` is the whole pipeline as a sequence of stages; each stage is a method of
`_Build`, which holds what one build knows (settings, flags, cache, report). Nothing
is written until every record is read, validated and enriched. Pages and the search
index go into a staging folder that replaces `--out` only when all of it succeeded,
so a failed build leaves the previous site as it was.

Incremental builds (`incremental/`): every output file — a record's files, a list
page, a search shard — is made again only when its key changes (`incremental/keys`),
else it is linked from the last build. docs/architecture.md walks through the stages.
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import jinja2

from archivist.config import Config, load_config
from archivist.enrich.archive import build_unrelated, with_related
from archivist.incremental import fingerprint, keys, notes
from archivist.incremental.cache import CACHE_DIR, BuildCache, FileStamp
from archivist.incremental.session import Session, inode, prepare_spare, spare_dir
from archivist.model import Archive, Problem, Record
from archivist.publish.static import copy_static
from archivist.publish.write import (
    MARKER,
    BuildLock,
    Content,
    OutputError,
    Staging,
    check_output_dir,
    clean_stale,
    write_file,
)
from archivist.read.checks import ADVICE, RECOMMENDED, advise, unsafe_text
from archivist.read.discover import discover
from archivist.read.load import Loaded, load, read_one, today
from archivist.render import gzip_members
from archivist.render.outputs import record_outputs, render_pages, site_outputs, site_units
from archivist.render.pages import SiteRenderer
from archivist.render.records import render_records, template_message
from archivist.report import (
    BuildFailed,
    BuildReport,
    Progress,
    StageTime,
    report_data,
    sorted_problems,
    timed,
    unchanged_report,
)
from archivist.search.indexing import BackgroundIndex
from archivist.search.pagefind import SearchError
from archivist.workers import RecordTimeout, default_jobs, time_limit

P = ParamSpec("P")
R = TypeVar("R")

# Gen-2 threshold during a build: see `_unfreezing`.
_BUILD_GEN2_THRESHOLD = 1000


def _unfreezing(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn` with full collections made rare, then `gc.unfreeze()`: a build freezes the
    archive for forking; serve rebuilds in one process and must get that memory back.

    What a build makes (records, the archive, the data files' rows) lives until it
    ends, and with the archive frozen the collector's own bar for a full collection
    (a quarter more objects than the last one kept) is low: at 100,000 records it ran
    full collections of seconds each over the rows of records.json. Young collections
    still reclaim short-lived cycles."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        thresholds = gc.get_threshold()
        gc.set_threshold(*thresholds[:2], max(thresholds[2], _BUILD_GEN2_THRESHOLD))
        try:
            return fn(*args, **kwargs)
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()

    return wrapper


@_unfreezing
def build(
    site_root: Path,
    out: Path,
    *,
    base_url: str | None = None,
    strict: bool = False,
    keep_going: bool = False,
    drafts: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
    clean: bool = False,
    use_cache: bool = True,
    background_cleanup: bool = False,
    search_overlays: bool = False,
    session: Session | None = None,
) -> BuildReport:
    """Build the site under `site_root` into `out`. Raises BuildFailed on errors.

    `jobs` worker processes render record pages (default: every available core);
    `clean` ignores the build cache; `use_cache=False` neither reads nor writes it.
    `search_overlays` lets an edit re-index only the changed records beside their
    shard (`search/indexing`): fast, but not the bytes of a clean build; for `serve`.
    `session` keeps the build cache in memory from one build to the next instead of
    on disk.
    """
    start = time.perf_counter()
    out = out.absolute()
    config = load_config(site_root, base_url=base_url)
    check_output_dir(out, site_root, site_root / config.content_dir)
    flags = _Flags(strict, keep_going, drafts, clean, use_cache, background_cleanup,
                   search_overlays)  # fmt: skip
    jobs = jobs if jobs and jobs > 0 else default_jobs()
    run = _Build(site_root, out, config, flags, jobs, progress, session, start)
    unchanged = run.unchanged()
    if unchanged is not None:
        return unchanged
    loaded = run.read()
    records = list(loaded.records)
    run.make_room()
    with BuildLock(out):
        clean_stale(out)
        for _attempt in range(3):
            archive, digests = run.enrich(records, loaded)
            with (
                run.staging() as staging,
                BackgroundIndex(archive, digests, staging, config, run.cache, jobs=run.jobs,
                                overlays=search_overlays) as search_index,
            ):  # fmt: skip
                run.start_index(search_index)
                # The search index needs no related records: they are made beside it.
                archive, renderer = run.relate(archive)
                with run.rendering(), gzip_members.Spool(staging.root) as members:
                    failed = run.render_records(renderer, staging, members)
                    if failed:
                        # --keep-going: render again without them (staging is discarded).
                        records = run.without(records, failed)
                        continue
                    run.render_site(renderer, staging, members)
                search_index.rendered()
                with timed(run.report, "write"):
                    copy_static(staging, site_root, config)
                run.finish_index(search_index, archive)
                run.publish(staging)
            break
        else:
            raise run.fail("records kept failing to render; nothing was published")
    return run.done(archive)


@dataclass(frozen=True, slots=True)
class _Flags:
    """The build's switches (see `build`)."""

    strict: bool
    keep_going: bool
    drafts: bool
    clean: bool
    use_cache: bool
    background_cleanup: bool
    search_overlays: bool


@dataclass
class _Build:
    """One build: what its stages share, and the stages themselves."""

    site_root: Path
    out: Path
    config: Config
    flags: _Flags
    jobs: int
    progress: Progress | None
    session: Session | None
    start: float
    report: BuildReport = field(default_factory=BuildReport)
    problems: list[Problem] = field(default_factory=list)
    # The site key: code, settings, templates, authority file (`keys.site_key`).
    base: str = ""
    # Seconds spent writing inside the render stage, moved to the write stage.
    write_seconds: float = 0.0
    # Each record's files in this build, and the ids whose files were reused.
    files_of: dict[str, tuple[FileStamp, ...]] = field(default_factory=dict)
    kept_ids: set[str] = field(default_factory=set)
    stamp: str | None = None
    inputs: str = ""
    cache: BuildCache = field(init=False)
    digests: dict[str, str] = field(init=False)
    resident: bool = field(init=False)
    ours: bool = field(init=False)
    cache_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        # A session's later builds skip the no-change check and stamp: `serve` builds
        # only after a change, and its cache is in memory, not beside a stamp on disk.
        self.resident = self.session is not None and self.session.cache is not None
        # Whether `out` is still the site this session published last (no other build
        # replaced it): only then does the session know what the spare will hold.
        self.ours = (
            self.session is not None
            and self.session.site_ino is not None
            and self.session.site_ino == inode(self.out)
        )
        self.cache_dir = self.out.parent / CACHE_DIR / self.out.name

    # -- before reading ----------------------------------------------------------------

    def unchanged(self) -> BuildReport | None:
        """The last build's report when no input changed since it (by stat), else None."""
        flags = self.flags
        if not self.resident:
            self.inputs = keys.input_fingerprint(self.site_root, self.config, {
                "strict": flags.strict, "keep_going": flags.keep_going, "drafts": flags.drafts,
                "today": today(), "overlays": flags.search_overlays,
            })  # fmt: skip
        if flags.use_cache and not flags.clean and not self.resident:
            last = fingerprint.unchanged(
                self.cache_dir, self.inputs, lambda: fingerprint.out_stamp(self.out, MARKER)
            )
            if last is not None:
                return unchanged_report(last, time.perf_counter() - self.start)
        carried = self.session.cache if self.session is not None else None
        self.cache = BuildCache(
            self.out, clean=flags.clean, enabled=flags.use_cache, carried=carried
        )
        self.base = keys.site_key(self.site_root, self.config, self.cache.version)
        return None

    # -- read and validate -------------------------------------------------------------

    def read(self) -> Loaded:
        """Every record read and checked; stops here on errors (and warnings under
        --strict) unless --keep-going."""
        with timed(self.report, "read"):
            loaded = load(self.site_root, self.config, drafts=self.flags.drafts,
                          cache=self.cache, progress=self.progress, jobs=self.jobs)  # fmt: skip
        self.problems.extend(loaded.problems)
        failed_files = loaded.failed_files
        self.report.withheld = len(loaded.withheld)
        self.report.records_read = len(loaded.records) + self.report.withheld + len(failed_files)
        self.report.failed = len(failed_files)
        if loaded.errors and not self.flags.keep_going:
            raise self.fail(f"{len(loaded.errors)} error(s); nothing was published")
        if self.flags.strict and loaded.warnings and not self.flags.keep_going:
            raise self.fail(
                f"{len(loaded.warnings)} warning(s) under --strict; nothing was published"
            )
        return loaded

    def make_room(self) -> None:
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {self.out.parent} ({exc.strerror})") from exc

    # -- enrich ------------------------------------------------------------------------

    def enrich(self, records: list[Record], loaded: Loaded) -> tuple[Archive, dict[str, str]]:
        """The archive (people, years, neighbours; related records come with `relate`)
        and the records' digests."""
        with timed(self.report, "enrich"):
            archive = build_unrelated(
                records,
                loaded.context.person_for,
                types=self.config.types,
                known=loaded.context.known,
                offices=loaded.context.offices,
            )
            digests = self.digests = keys.record_digests(archive.records, loaded.digests)
        return archive, digests

    def relate(self, archive: Archive) -> tuple[Archive, SiteRenderer]:
        """The archive with its related records, and its renderer."""
        with timed(self.report, "enrich"):
            memo = notes.related_memo(self.cache)
            archive = with_related(archive, self.config.related_count, memo)
            notes.note_related(self.cache, memo)
            renderer = SiteRenderer(self.config, archive, self.site_root)
        return archive, renderer

    # -- render ------------------------------------------------------------------------

    @contextmanager
    def staging(self) -> Iterator[Staging]:
        session = self.session
        with Staging(
            self.out,
            spare_dir=spare_dir(self.out) if self.flags.use_cache else None,
            spare=not self.flags.clean,
            known=session.spare if session is not None and self.ours else None,
        ) as staging:
            if staging.spare and not (self.out / MARKER).is_file():
                # No output folder (a CI runner restored only the cache): the spare
                # staging folder is the last build's site where its content says so.
                with timed(self.report, "write"):
                    self.cache.adopt(staging, self.jobs)
            yield staging

    def start_index(self, search_index: BackgroundIndex) -> None:
        """Fork the index process before the render workers: indexing needs records,
        not pages."""
        # Frozen first: a collector walking the archive in a forked process would write
        # to (and so copy) every page of it.
        gc.freeze()
        try:
            search_index.start()
        except SearchError as exc:
            raise self.fail(f"search index: {exc}; the previous site is unchanged") from exc

    @contextmanager
    def rendering(self) -> Iterator[None]:
        """The render stage's timing, less the time spent writing (the write stage's)."""
        self.write_seconds = 0.0
        with timed(self.report, "render"):
            yield
        self.report.stages["render"].wall -= self.write_seconds
        self.report.stages.setdefault("write", StageTime()).wall += self.write_seconds

    def _reuse(self, name: str, key: str, staging: Staging) -> tuple[FileStamp, ...] | None:
        t = time.perf_counter()
        kept = self.cache.reuse(name, key, staging)
        self.write_seconds += time.perf_counter() - t
        return kept

    def render_records(
        self, renderer: SiteRenderer, staging: Staging, members: gzip_members.Spool
    ) -> set[str]:
        """Every record's files, reused or rendered; the ids of records that failed.
        The rendered records' members of records.jsonl.gz go to `members`."""
        archive = renderer.archive
        todo: list[Record] = []
        record_keys: dict[str, str] = {}
        self.files_of, self.kept_ids = {}, set()
        for record in archive.records:
            key = record_keys[record.id] = keys.record_key(self.base, archive, self.digests,
                                                           record)  # fmt: skip
            kept = self._reuse(f"record:{record.id}", key, staging)
            if kept is None:
                todo.append(record)
            else:
                self.kept_ids.add(record.id)
                self.files_of[record.id] = kept
        total = len(archive.records)
        self.report.reused, self.report.rendered = total - len(todo), len(todo)
        if len(todo) * 4 > total:
            renderer.prepare_lists()
            gc.freeze()  # the entries too, before the workers fork
        failed: set[str] = set()
        render_problems: list[Problem] = []
        for result in render_records(renderer, staging, todo, jobs=self.jobs,
                                     progress=self.progress, done_before=total - len(todo),
                                     total=total):  # fmt: skip
            record = todo[result.index]
            if result.fatal:
                raise OutputError(result.fatal)
            if result.template_error:
                raise self.fail(f"{result.template_error}; nothing was published")
            if result.problem:
                render_problems.append(result.problem)
                failed.add(record.id)
                continue
            for f in result.files:
                staging.claim(f.rel)
            staging.stamped(result.files)
            self.cache.store_unit(f"record:{record.id}", record_keys[record.id], result.files)
            self.files_of[record.id] = result.files
            members.add(record.id, result.member)
        if failed:
            self.report.failed += len(failed)
            self.problems.extend(render_problems)
            if not self.flags.keep_going:
                raise self.fail(f"{len(render_problems)} error(s); nothing was published")
        return failed

    def without(self, records: list[Record], failed: set[str]) -> list[Record]:
        return [r for r in records if r.id not in failed]

    def render_site(
        self, renderer: SiteRenderer, staging: Staging, members: gzip_members.Spool
    ) -> None:
        """Every page and data file that is not one record's, reused where its key says
        it shows the same as last time."""
        pages = 0
        splicer = notes.last_splicer(self.cache, self.base, self.cache.site, self.kept_ids)
        units = site_units(renderer, self.config, staging.root, splicer, members)
        try:
            for rel, shows, make in units:
                pages += rel.endswith(".html")
                self._write_unit(staging, rel, shows, make)
        except jinja2.TemplateError as exc:
            raise self.fail(f"{template_message(exc)}; nothing was published") from exc
        notes.note_spliced(self.cache, self.base, staging.root, splicer)
        self.report.pages = pages + sum(
            f.rel.endswith(".html") for fs in self.files_of.values() for f in fs
        )

    def _write_unit(
        self, staging: Staging, rel: str, shows: str | None, make: Callable[[], Content]
    ) -> None:
        name = f"page:{rel}"
        key = keys.page_key(self.base, shows) if shows is not None else None
        if key is not None and self._reuse(name, key, staging) is not None:
            return
        content = make()
        t = time.perf_counter()
        target = staging.path(rel)
        written = write_file(target, content)
        if key is not None:
            made = FileStamp.of(rel, target, written)
            self.cache.store_unit(name, key, [made])
            staging.stamped([made])
        self.write_seconds += time.perf_counter() - t

    # -- index and publish ---------------------------------------------------------------

    def finish_index(self, search_index: BackgroundIndex, archive: Archive) -> None:
        """Wait for the search index; it must hold one entry per record."""
        if self.session is None:
            # While Pagefind finishes its last shards: a core is free for the pickling.
            with timed(self.report, "write"):
                self.cache.save_reads()
        with timed(self.report, "index"):
            try:
                entries, reused, indexed, overlaid = search_index.finish(self.progress)
            except SearchError as exc:
                raise self.fail(f"search index: {exc}; the previous site is unchanged") from exc
            self.report.shards_reused += reused
            self.report.shards_indexed += indexed
            self.report.records_overlaid += overlaid
        self.report.search_entries = entries
        if entries != len(archive.records):
            raise self.fail(
                f"search index holds {entries} entries for {len(archive.records)} "
                "records; nothing was published"
            )

    def publish(self, staging: Staging) -> None:
        """Swap the staging folder in for `out`; keep the cache for the next build."""
        with timed(self.report, "write"):
            staging.prune()
            # The no-change stamp and the size report, from what was claimed (a walk of
            # the tree would stat every file again).
            if self.resident:
                self.stamp, self.report.bytes = None, sum(f[1] for f in staging.file_stamps())
            else:
                self.stamp, self.report.bytes = fingerprint.stamp_of(staging.file_stamps())
            staging.publish(background_cleanup=self.flags.background_cleanup)
            if self.session is not None:
                self.session.cache = self.cache
                self.session.published(self.out, staging, self.ours)
            else:
                self.cache.save()

    # -- the report ----------------------------------------------------------------------

    def _tally(self) -> None:
        report = self.report
        report.problems = sorted_problems(self.problems)
        report.errors = sum(p.is_error for p in self.problems)
        report.warnings = len(self.problems) - report.errors
        report.seconds = time.perf_counter() - self.start

    def fail(self, message: str) -> BuildFailed:
        """The error that stops the build, with the report so far."""
        self._tally()
        exc = BuildFailed(message, self.report.problems)
        exc.report = self.report
        return exc

    def done(self, archive: Archive) -> BuildReport:
        """The report of a published build (which still fails on errors kept going
        past, and on warnings under --strict)."""
        report = self.report
        report.published = len(archive.records)
        self._tally()
        if report.errors:
            # --keep-going published the rest; the build still failed.
            raise self.fail(
                f"{report.errors} error(s); published the {report.published} other records"
            )
        if self.flags.strict and report.warnings:
            raise self.fail(f"{report.warnings} warning(s) under --strict")
        if self.flags.use_cache and not self.resident:
            fingerprint.save(self.cache_dir, self.inputs, self.stamp, report_data(report))
        return report


__all__ = [
    "ADVICE",
    "RECOMMENDED",
    "BuildFailed",
    "BuildReport",
    "Loaded",
    "OutputError",
    "RecordTimeout",
    "Session",
    "advise",
    "build",
    "default_jobs",
    "discover",
    "load",
    "prepare_spare",
    "read_one",
    "record_outputs",
    "render_pages",
    "site_outputs",
    "sorted_problems",
    "time_limit",
    "unsafe_text",
]
