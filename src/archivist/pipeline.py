"""The build: read → validate → enrich → render → write → index, in that order.

Nothing is written until every record is read, validated and enriched. Pages and
the search index go into a staging folder that replaces `--out` only when all of it
succeeded, so a failed build leaves the previous site as it was.

Incremental builds (see `cache`): a record's files are made again only when their key
changes — the record itself, the records its page shows (previous/next, related), its
people's page slugs, the settings, templates and code — else they are linked from the
last build. Search shards likewise. Every other page is rendered each time (they are
few and cheap next to record pages).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import gc
import logging
import multiprocessing
import os
import re
import resource
import shutil
import signal
import threading
import time
import traceback
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import jinja2

from archivist import citations, derive, exports, fingerprint, oai, site
from archivist.cache import (
    CACHE_DIR,
    BuildCache,
    FileStamp,
    code_version,
    digest,
    file_stat,
    tree_digest,
)
from archivist.config import CONFIG_NAME, Config, load_config
from archivist.enrich import build_archive
from archivist.indexing import BackgroundIndex
from archivist.model import Archive, Location, Problem, ReadResult, Record, Severity
from archivist.readers import RECORD_SUFFIXES, read_bytes, read_data
from archivist.render import SiteRenderer, theme_dir
from archivist.search import SearchError
from archivist.slugs import file_id
from archivist.splice import Ranges, Splicer, ranges_from
from archivist.write import (
    MARKER,
    MARKER_TEXT,
    BuildLock,
    Content,
    OutputError,
    SpareInventory,
    Staging,
    check_output_dir,
    clean_stale,
    discard_tree,
    os_error,
    safe_relpath,
    write_file,
)

log = logging.getLogger("archivist")
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

Progress = Callable[[str, int, int], None]


class BuildFailed(Exception):
    """The build stopped; the previous site (if any) is unchanged (unless --keep-going
    published the records without errors). `problems` are every problem found."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.report: BuildReport | None = None


class RecordTimeout(Exception):
    """One record took longer than `record_timeout` to read or render."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise RecordTimeout in this thread after `seconds` (SIGALRM; main thread only).

    Readers and renderers are pure Python, so the alarm interrupts them between any
    two steps, however pathological the input.
    """
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise RecordTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True, slots=True)
class Loaded:
    """Everything read and validated: the records to publish and every problem."""

    config: Config
    records: tuple[Record, ...]
    problems: tuple[Problem, ...]
    files: int
    withheld: tuple[str, ...] = ()
    context: derive.Context = field(default_factory=derive.Context)
    # Each record's `record_digest`, made where the record was read (and cached with it).
    digests: Mapping[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def failed_files(self) -> set[str]:
        """Record files with an error: each stands for a record not published (settings
        or authority-file problems are not records)."""
        return {
            p.location.path
            for p in self.errors
            if p.location.path.lower().endswith(RECORD_SUFFIXES)
        }


@dataclass(slots=True)
class StageTime:
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss: int = 0


@dataclass(slots=True)
class BuildReport:
    """What one build did; `records_read == published + withheld + failed` always."""

    records_read: int = 0
    published: int = 0
    withheld: int = 0
    failed: int = 0
    warnings: int = 0
    errors: int = 0
    pages: int = 0
    bytes: int = 0
    search_entries: int = 0
    reused: int = 0
    rendered: int = 0
    shards_reused: int = 0
    shards_indexed: int = 0
    records_overlaid: int = 0  # records indexed into overlays (serve), not their shard
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    stages: dict[str, StageTime] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.records_read} records read, {self.published} published, "
            f"{self.withheld} withheld, {self.warnings} warnings, {self.errors} errors; "
            f"{self.pages} pages written, {self.search_entries} search entries, "
            f"{self.seconds:.2f} s"
        )

    def timings(self) -> dict[str, Any]:
        """The `--timings` JSON: per stage wall/cpu seconds and peak RSS bytes."""
        return {
            "stages": {name: asdict(t) for name, t in self.stages.items()},
            "pages": self.pages,
            "bytes": self.bytes,
            "records": self.published,
            "reused_records": self.reused,
            "rendered_records": self.rendered,
            "search_shards_reused": self.shards_reused,
            "search_shards_indexed": self.shards_indexed,
            "search_records_overlaid": self.records_overlaid,
            "seconds": self.seconds,
        }


@contextmanager
def _stage(report: BuildReport, name: str) -> Iterator[None]:
    """Time one stage: wall and CPU seconds (ours and our children's), peak RSS."""
    t0, c0 = time.perf_counter(), _cpu()
    try:
        yield
    finally:
        entry = report.stages.setdefault(name, StageTime())
        entry.wall += time.perf_counter() - t0
        entry.cpu += _cpu() - c0
        entry.peak_rss = max(entry.peak_rss, _peak_rss())


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _peak_rss() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) * 1024  # Linux reports KiB


def _today() -> dt.date:
    """Today for embargoes: from SOURCE_DATE_EPOCH when set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


# -- read ----------------------------------------------------------------------------


def discover(site_root: Path, config: Config) -> tuple[list[Path], list[Problem]]:
    """Record files under the content folder, in a stable order; unsafe links reported.

    Directory entries give each file's type, so a regular file costs no `stat` (an
    edit's rebuild looks at every one of 100,000 files)."""
    content = site_root / config.content_dir
    problems: list[Problem] = []
    if not content.is_dir():
        problems.append(
            Problem(Location(config.content_dir), "content", "the content folder does not exist")
        )
        return [], problems
    root = content.resolve()

    def escapes(entry: os.DirEntry[str]) -> bool:
        return not Path(entry.path).resolve().is_relative_to(root)

    def skip(entry: os.DirEntry[str], why: str) -> None:
        problems.append(Problem(Location(_display(Path(entry.path), site_root)), "file", why))

    found: list[Path] = []
    folders = [str(content)]
    while folders:
        with os.scandir(folders.pop()) as scan:
            entries = sorted(scan, key=lambda e: e.name)
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # a link to a folder counts, as in os.walk
            except OSError:
                is_dir = False
            if is_dir:
                if name.startswith((".", "_")):
                    continue
                if not entry.is_symlink():
                    folders.append(entry.path)
                elif escapes(entry):
                    skip(entry, "a link to a folder outside the content folder; not read")
                continue
            if name.startswith(".") or not name.lower().endswith(RECORD_SUFFIXES):
                continue
            if entry.is_symlink() and escapes(entry):
                skip(entry, "a link to a file outside the content folder; not read")
            elif not entry.is_file():  # a FIFO or device would block or never end
                skip(entry, "not a regular file; not read")
            else:
                found.append(Path(entry.path))
    found.sort(key=lambda p: p.as_posix())
    return found, problems


def _relative(files: Sequence[Path], folder: Path) -> Iterator[str]:
    """Each file's POSIX path inside `folder` (they all lie in it), by string slicing:
    pathlib's relative_to costs more than the rest of an unchanged file's read."""
    prefix = folder.as_posix().rstrip("/") + "/"
    for path in files:
        text = path.as_posix()
        yield (
            text[len(prefix) :] if text.startswith(prefix) else path.relative_to(folder).as_posix()
        )


def _display(path: Path, site_root: Path) -> str:
    try:
        return path.relative_to(site_root).as_posix()
    except ValueError:
        return path.as_posix()


def read_one(
    path: Path,
    display: str,
    config: Config,
    stem: str,
    *,
    cache: BuildCache | None = None,
    cache_key: str = "",
) -> ReadResult:
    """Read one content file under the time budget; any failure becomes a problem."""
    data = read_bytes(path, display)
    if isinstance(data, ReadResult):
        return data
    key = digest(cache_key, display, stem, data) if cache else ""
    if cache:
        cached = cache.read(display, key)
        if cached is not None:
            return cached
    result = _read_data(data, display, config, stem, path.suffix)
    if cache:
        cache.store_read(display, key, result)
    return result


def _read_data(data: bytes, display: str, config: Config, stem: str, suffix: str) -> ReadResult:
    """`read_data` under the time budget; any failure becomes a problem."""
    try:
        with time_limit(config.record_timeout):
            return read_data(data, display, config, stem, suffix)
    except RecordTimeout:
        return ReadResult(problems=(_timeout_problem(display, "read", config),))
    except RecursionError:
        return ReadResult(
            problems=(Problem(Location(display), "file", "nested too deeply to read"),)
        )
    except Exception as exc:  # a reader bug must not stop the build or lose the record
        log.debug("reader crashed on %s", display, exc_info=True)
        return ReadResult(
            problems=(
                Problem(
                    Location(display),
                    "file",
                    f"archivist could not read this file ({type(exc).__name__}: {exc}); "
                    "please report it",
                ),
            )
        )


def _timeout_problem(path: str, what: str, config: Config) -> Problem:
    return Problem(
        Location(path),
        "file",
        f"took longer than record_timeout ({config.record_timeout:g} s) to {what}; "
        "split the record or raise record_timeout",
    )


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


# Recommended fields: missing ones are warnings (they never stop a build, except
# under --strict). One row per field; the next archive's convention is one row away.
RECOMMENDED: tuple[tuple[str, str], ...] = (
    ("source", "no source citation: researchers cannot find the original"),
    ("rights", "no rights note: readers cannot tell how they may reuse the record"),
)


def missing_recommended(record: Record) -> list[Problem]:
    return [
        Problem(record.where(name), name, message, Severity.WARNING)
        for name, message in RECOMMENDED
        if not getattr(record, name)
    ]


def unnormalized_date(record: Record) -> list[Problem]:
    """A date kept as written but not understood: it sorts last and has no year page."""
    if record.date is None or record.date.is_normalized:
        return []
    return [
        Problem(
            record.where("date"),
            "date",
            f"could not read the date {record.date.text!r}; it is shown as written and "
            "sorted after dated records",
            Severity.WARNING,
        )
    ]


ADVICE: tuple[Callable[[Record], list[Problem]], ...] = (missing_recommended, unnormalized_date)

# Characters no output may carry, whatever the reader: lone surrogates (from escapes
# like "\ud800" in YAML or JSON) cannot be encoded as UTF-8, and C0/C1 controls
# other than tab and newline make HTML and XML invalid.
_UNSAFE_TEXT = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _strings(value: object, name: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(k, name)
            yield from _strings(v, name)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, name)
    elif hasattr(value, "__dataclass_fields__"):
        for f in value.__dataclass_fields__:
            yield from _strings(getattr(value, f), name)


def unsafe_text(record: Record) -> list[Problem]:
    """Errors for text no page can carry (a net under every reader)."""
    problems = []
    for name in record.__dataclass_fields__:
        if name in ("origin", "path"):
            continue
        for field_name, text in _strings(getattr(record, name), name):
            match = _UNSAFE_TEXT.search(text)
            if match:
                char = ord(match.group())
                what = "a lone surrogate" if 0xD800 <= char <= 0xDFFF else "a control character"
                problems.append(
                    Problem(
                        record.where(field_name),
                        field_name,
                        f"holds {what} (U+{char:04X}); remove it or the escape that makes it",
                    )
                )
                break
    return problems


def advise(record: Record) -> list[Problem]:
    """Warnings about a record that reads fine: what an editor should still fill in."""
    return [p for rule in ADVICE for p in rule(record)]


@dataclass(frozen=True, slots=True)
class _Checked:
    """What load makes of one record read: its unsafe-text errors, and when it has
    none, the record with participants derived (None: unchanged) and its warnings."""

    unsafe: tuple[Problem, ...] = ()
    derived: Record | None = None
    warnings: tuple[Problem, ...] = ()
    digest: str = ""  # record_digest of the record as published


def _check(record: Record, context: derive.Context) -> _Checked:
    bad = unsafe_text(record)
    if bad:
        return _Checked(tuple(bad))
    # derive() is where participant names are resolved through the authority file;
    # the names it cannot resolve come back here as warnings.
    new, found = derive.derive(record, context)
    return _Checked((), None if new is record else new, (*found, *advise(new)), record_digest(new))


@dataclass(frozen=True, slots=True)
class _Job:
    """One load: what reading and checking each file needs (workers inherit it)."""

    files: tuple[tuple[Path, str, str], ...]  # path, display path, id stem
    config: Config
    context: derive.Context
    cache: BuildCache | None
    read_key: str  # settings + code, for the read cache
    check_key: str  # + the authority file, for what load derives


@dataclass(frozen=True, slots=True)
class _FileDone:
    """One file read and checked. None stands for "in the cache under this key" (the
    parent takes it from there: a cache hit never travels between processes)."""

    read_key: str
    result: ReadResult | None
    check_key: str
    checked: tuple[_Checked, ...] | None


def _read_and_check(job: _Job, i: int) -> _FileDone:
    """Read file `i` of the job (or find it in the cache) and check its records."""
    path, display, stem = job.files[i]
    cache = job.cache
    data = read_bytes(path, display)
    key = ""
    result: ReadResult | None
    if isinstance(data, ReadResult):  # unreadable: never cached
        result = data
    else:
        key = digest(job.read_key, display, stem, data) if cache else ""
        if cache and cache.peek_read(display, key) is not None:
            result = None
        else:
            result = _read_data(data, display, job.config, stem, path.suffix)
        del data
    check_key = digest(job.check_key, key) if key else ""
    if cache and check_key and cache.has_checked(display, check_key):
        return _FileDone(key, result, check_key, None)
    found = result or (cache.peek_read(display, key) if cache else None)
    assert found is not None
    records = found.records
    return _FileDone(key, result, check_key, tuple(_check(r, job.context) for r in records))


# Set in the parent just before forking read workers; they inherit it.
_READ_JOB: _Job | None = None


def _read_chunk(indices: Sequence[int]) -> list[_FileDone]:
    assert _READ_JOB is not None
    return [_read_and_check(_READ_JOB, i) for i in indices]


def _read_files(job: _Job, jobs: int, progress: Progress | None) -> Iterator[_FileDone]:
    """Every file of the job read and checked, in file order; in parallel worker
    processes when jobs > 1 (each reads its own files: no file's bytes pass through
    the parent)."""
    total = len(job.files)
    if jobs <= 1 or total < 64 or "fork" not in multiprocessing.get_all_start_methods():
        for n in range(total):
            yield _read_and_check(job, n)
            if progress and (n % 100 == 0 or n + 1 == total):
                progress("read", n + 1, total)
        return
    global _READ_JOB
    _READ_JOB = job
    try:
        yield from _fork_map(_read_chunk, total, jobs, progress, "read", "reading", 0, total)
    finally:
        _READ_JOB = None


def _fork_map(
    work: Callable[[Sequence[int]], list[T]],
    count: int,
    jobs: int,
    progress: Progress | None,
    stage: str,
    doing: str,
    done_before: int,
    total: int,
) -> Iterator[T]:
    """`work` over items 0..count-1 in forked worker processes, in chunks, results in
    item order. The workers inherit what the caller set up before the call."""
    size = max(4, min(64, count // (jobs * 8) or 1))
    chunks = [range(s, min(s + size, count)) for s in range(0, count, size)]
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init
    )
    done = done_before
    try:
        for results in pool.map(work, chunks):
            yield from results
            done += len(results)
            if progress:
                progress(stage, done, total)
    except concurrent.futures.process.BrokenProcessPool as exc:
        raise BuildFailed(
            f"a {doing} process died (out of memory? try --jobs 1); nothing was published"
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# Files read between two `gc.freeze()` calls in `load`.
_FREEZE_EVERY = 1000


def load(
    site_root: Path,
    config: Config,
    *,
    drafts: bool = False,
    cache: BuildCache | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> Loaded:
    """Read and validate every record: the part of a build that writes nothing.

    Files are read and their records checked (unsafe text, participants, advice) in
    `jobs` worker processes (default: every available core); the results are joined
    in file order, so records and problems are the same as reading one by one.
    """
    files, problems = discover(site_root, config)
    content = site_root / config.content_dir
    shown = _display(content, site_root).rstrip("/") + "/"
    shown = "" if shown in ("/", "./") else shown
    context, context_problems = derive.load_context(site_root, config)
    read_key = digest(cache.version, repr(config)) if cache else ""
    check_key = ""
    if cache:
        authority = content / derive.AUTHORITY_FILE
        check_key = digest(read_key, authority.read_bytes() if authority.is_file() else b"")
    job = _Job(
        tuple(
            (path, f"{shown}{rel}", file_id(tuple(rel.split("/"))))
            for path, rel in zip(files, _relative(files, content), strict=True)
        ),
        config,
        context,
        cache,
        read_key,
        check_key,
    )
    read: list[tuple[Record, _Checked]] = []
    jobs = jobs if jobs and jobs > 0 else default_jobs()
    # A file whose stat is as the cache last saw it is not read at all: its key, what
    # it read as and what was derived from it are all in the cache.
    since = time.time_ns()
    stats = [file_stat(path) for path, _, _ in job.files] if cache else []
    known: dict[int, _FileDone] = {}
    if cache:
        for i, (_path, display, _stem) in enumerate(job.files):
            stat = stats[i]
            key = cache.key_by_stat(display, stat, read_key) if stat else None
            if key and cache.peek_read(display, key) is not None:
                checked_key = digest(check_key, key)
                if cache.has_checked(display, checked_key):
                    known[i] = _FileDone(key, None, checked_key, None)
    rest = replace(job, files=tuple(f for i, f in enumerate(job.files) if i not in known))
    fresh = _read_files(rest, jobs, progress)
    for i, (_path, display, _stem) in enumerate(job.files):
        if i % _FREEZE_EVERY == 0:
            # What is read lives as long as the build: kept out of the collector's sight,
            # or every full collection walks all the records read so far again (seconds
            # each at 100,000 records). `build` unfreezes at its end.
            gc.freeze()
        done = known.get(i) or next(fresh)
        stat = stats[i] if cache else None
        if cache and stat and done.read_key:
            cache.store_stat(display, stat, read_key, done.read_key, since)
        result, checked = done.result, done.checked
        if result is None:
            assert cache is not None
            result = cache.read(display, done.read_key)
            assert result is not None
        elif cache and done.read_key:
            cache.store_read(display, done.read_key, result)
        if checked is None:
            assert cache is not None
            checked = cache.checked(display, done.check_key)  # type: ignore[assignment]
            assert checked is not None
        elif cache and done.check_key:
            cache.store_checked(display, done.check_key, checked)
        problems.extend(result.problems)
        if not result.records and not any(p.is_error for p in result.problems):
            problems.append(Problem(Location(display), "file", "no record found"))
        read.extend(zip(result.records, checked, strict=True))
    assert next(fresh, None) is None  # runs the reader to its end (its workers stop)
    # Problems in the order of the stages as written one after another: unsafe text,
    # ids, the authority file, then each kept record's derived warnings.
    clean: list[tuple[Record, _Checked]] = []
    for record, check in read:
        problems.extend(check.unsafe)
        if not check.unsafe:
            clean.append((record, check))
    kept, id_problems = _validate([record for record, _ in clean])
    problems.extend(id_problems)
    problems.extend(context_problems)
    records: list[Record] = []
    digests: dict[str, str] = {}
    pairs = iter(clean)
    for record in kept:  # kept is a subsequence of clean, in order
        check = next(c for r, c in pairs if r is record)
        final = check.derived or record
        records.append(final)
        digests[final.id] = check.digest
        problems.extend(check.warnings)
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
    return Loaded(
        config, tuple(published), tuple(problems), len(files), tuple(withheld), context, digests
    )


def sorted_problems(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (p.location.path, p.location.line, p.location.col, p.field, p.message),
    )


# -- render --------------------------------------------------------------------------


def record_outputs(renderer: SiteRenderer, record: Record) -> Iterator[tuple[str, Content]]:
    """The files of one record (its page, its data); keyed together by `record_key`."""
    archive = renderer.archive
    yield str(site.output_path(site.record_url(record.id))), renderer.record_page(record)
    config = renderer.config
    yield (
        site.record_json_url(record.id),
        exports.dumps(exports.record_data(record, archive, config)),
    )
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
) -> Iterator[SiteUnit]:
    """Every output file that is not one record's, not yet made: (path, key, make).

    A page's key names everything it shows but the templates and settings (see
    `site_key`), so an unchanged page is reused; `None` (the data files, which
    show every record) means it is made every time. `splicer` makes records.json,
    records.csv and oai.xml from the last build's copies; records.json's new pieces
    are the record.json files in `written`, a folder holding every record's files.
    """
    archive = renderer.archive
    browse: list[str] = []
    for page in renderer.page_plan():
        browse.append(page.url)
        yield str(site.output_path(page.url)), page.key, page.render

    # The two data files share one `record_data` per record, written in pieces.
    rows: list[list[dict[str, Any]]] = []

    def data() -> list[dict[str, Any]]:
        if not rows:
            rows.append([exports.record_data(r, archive, config) for r in archive.records])
        return rows[0]

    def records_json() -> Content:
        if written is None or splicer is None:
            return exports.records_json_chunks(data())
        head, sep, tail = exports.RECORDS_JSON_FRAME
        return splicer.pieces(
            "data/records.json",
            head,
            [(r.id, functools.partial(_record_json, written, r.id)) for r in archive.records],
            tail,
            sep.encode(),
        )

    yield "data/records.json", None, records_json

    def records_csv() -> Content:
        if splicer is None:
            return exports.records_csv_chunks(archive, config, data())
        return splicer.pieces(
            "data/records.csv",
            exports.csv_head(),
            [(r.id, functools.partial(_csv_record, r, archive, config)) for r in archive.records],
            "",
        )

    yield "data/records.csv", None, records_csv
    rows.clear()  # both are written by now
    yield (
        "data/datapackage.json",
        None,
        lambda: exports.dumps(exports.datapackage(config, archive)),
    )
    count = len(archive.records)
    yield (
        "data/index.html",
        f"data\0{count}",
        lambda: renderer.render(
            "data.html", page_url="data/", page_title="Data", crumbs=[], count=count
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

    yield "oai.xml", None, oai_xml


SPLICED = ("data/records.json", "data/records.csv", "oai.xml")


def _record_json(written: Path, record_id: str) -> bytes:
    """A record's piece of records.json: its own record.json, without the newline."""
    return exports.record_json_piece(written.joinpath(site.record_json_url(record_id)).read_bytes())


def _csv_record(record: Record, archive: Archive, config: Config) -> str:
    return exports.csv_record(exports.record_data(record, archive, config))


def _splicer(cache: BuildCache, base: str, out: Path, same: Collection[str]) -> Splicer:
    """The last build's spliced files that are still as it published them."""
    previous: dict[str, tuple[Path, Ranges]] = {}
    for rel in SPLICED:
        if cache.reusable(f"data:{rel}", base) is not None:
            previous[rel] = (out / rel, ranges_from(cache.noted(f"splice:{rel}", base)))
    return Splicer(previous, same)


def render_pages(renderer: SiteRenderer, config: Config) -> Iterator[tuple[str, Content]]:
    """Every output file as (site-relative path, content), records first."""
    for record in renderer.archive.records:
        yield from record_outputs(renderer, record)
    yield from site_outputs(renderer, config)


def _sitemap_urls(archive: Archive, browse: list[str]) -> Iterator[tuple[str, str | None]]:
    """Record pages with their lastmod, then every browse page (not 404 or search)."""
    yield "", None
    for record in archive.records:
        yield site.record_url(record.id), exports.lastmod(record)
    for url in browse:
        if url not in ("", "404.html", "search/"):
            yield url, None
    yield "data/", None


def _related_memo(cache: BuildCache) -> dict[str, Mapping[str, tuple[str, ...]]]:
    """The last build's related-records lists, by their `related_key`."""
    note = cache.last_note("related")
    if note is None:
        return {}
    key, value = note
    if not isinstance(value, dict):
        return {}
    return {key: {rid: tuple(ids) for rid, ids in value.items()}}


def record_digest(record: Record) -> str:
    """A hash of everything a record holds (its repr names every field)."""
    return digest(repr(record))


def record_digests(records: Sequence[Record], known: Mapping[str, str]) -> dict[str, str]:
    """Each record's `record_digest`, taken from `known` where it was made already."""
    return {r.id: known.get(r.id) or record_digest(r) for r in records}


def record_key(base: str, archive: Archive, digests: Mapping[str, str], record: Record) -> str:
    """Everything one record's files show: add here any cross-record fact a record
    page starts to show, or incremental builds will keep a stale page."""
    prev_id, next_id = archive.neighbours[record.id]
    linked = [prev_id, next_id, *archive.related[record.id]]
    return digest(
        base,
        digests[record.id],
        # The participants are in the record's digest; their pages' slugs are not.
        "\0".join(slug for _, slug in archive.participant_slugs[record.id]),
        *(f"{i}:{digests[i]}" if i else "-" for i in linked),
    )


def site_key(site_root: Path, config: Config, version: str) -> str:
    """What every page depends on: code, settings, templates, the authority file."""
    authority = site_root / config.content_dir / "people.yaml"
    return digest(
        version,
        repr(config),
        tree_digest([theme_dir("templates"), site_root / config.templates_dir]),
        authority.read_bytes() if authority.is_file() else b"",
    )


@dataclass(frozen=True, slots=True)
class _Rendered:
    index: int
    files: tuple[FileStamp, ...] = ()
    problem: Problem | None = None
    template_error: str | None = None
    fatal: str | None = None


# Folders this process has made in staging (each worker its own copy).
_MADE: set[Path] = set()
# Set in the parent just before forking render workers; they inherit it.
_WORK: tuple[SiteRenderer, Path, tuple[Record, ...], float] | None = None


def _render_record(i: int) -> _Rendered:
    """Render record `i` of the work list into the staging folder, under the budget."""
    assert _WORK is not None
    renderer, root, records, timeout = _WORK
    record = records[i]
    try:
        with time_limit(timeout):
            outputs = list(record_outputs(renderer, record))
    except RecordTimeout:
        return _Rendered(i, problem=_timeout_problem(record.path, "render", renderer.config))
    except jinja2.TemplateError as exc:
        return _Rendered(i, template_error=_template_message(exc))
    except RecursionError:
        return _Rendered(i, problem=Problem(record.where("body"), "body", "nested too deeply"))
    except Exception as exc:  # a renderer bug must not lose the record silently
        log.debug("render crashed on %s", record.path, exc_info=True)
        return _Rendered(
            i,
            problem=Problem(
                record.where("body"),
                "body",
                f"archivist could not render this record ({type(exc).__name__}: {exc}); "
                "please report it",
            ),
        )
    stamps = []
    try:
        for rel, content in outputs:
            try:
                safe = safe_relpath(rel)
            except OutputError as exc:  # the record's id makes an unusable path
                return _Rendered(i, problem=Problem(record.where("id"), "id", str(exc)))
            target = root.joinpath(*safe.parts)
            if target.parent not in _MADE:  # a record's files share one folder
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise os_error(exc, target.parent) from exc
                _MADE.add(target.parent)
            write_file(target, content)
            stamps.append(FileStamp.of(str(safe), target))
    except OutputError as exc:  # the disk, not the record: stop the build
        return _Rendered(i, fatal=str(exc))
    except (UnicodeError, ValueError) as exc:
        return _Rendered(
            i, problem=Problem(record.where("body"), "body", f"cannot be written ({exc})")
        )
    return _Rendered(i, tuple(stamps))


def _render_chunk(indices: Sequence[int]) -> list[_Rendered]:
    return [_render_record(i) for i in indices]


def _worker_init() -> None:
    # Ctrl-C and SIGTERM are the parent's to handle; it stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


# What Jinja names the frames of template code in the tracebacks it rewrites.
_TEMPLATE_FRAMES = ("template", "top-level template code")


def _template_line(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in an error's traceback: Jinja rewrites a
    rendering error's traceback so template code shows as frames of its file."""
    where: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.name in _TEMPLATE_FRAMES or frame.name.startswith("block '"):
            where = (frame.filename, frame.lineno)
    return where


def _template_message(exc: jinja2.TemplateError) -> str:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if name is None:  # raised while rendering, not while compiling
        name, line = _template_line(exc)
    where = f"{name}:{line}: " if name and line else f"{name}: " if name else ""
    return f"{where}template error: {str(exc.message or exc).rstrip('.')}"


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _render_records(
    renderer: SiteRenderer,
    staging: Staging,
    todo: list[Record],
    *,
    jobs: int,
    progress: Progress | None,
    done_before: int,
    total: int,
) -> Iterator[_Rendered]:
    """Render records into staging, in parallel worker processes when jobs > 1.

    Workers write their files themselves (pages stream to disk, never through the
    parent); the parent only gets file stamps back, so memory stays bounded.
    """
    global _WORK
    _WORK = (renderer, staging.root, tuple(todo), renderer.config.record_timeout)
    _MADE.clear()
    try:
        if jobs <= 1 or len(todo) < 32 or "fork" not in multiprocessing.get_all_start_methods():
            for i in range(len(todo)):
                yield _render_record(i)
                if progress and (i % 100 == 0 or i + 1 == len(todo)):
                    progress("render", done_before + i + 1, total)
            return
        yield from _fork_map(
            _render_chunk, len(todo), jobs, progress, "render", "rendering", done_before, total
        )
    finally:
        _WORK = None


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


# -- build ---------------------------------------------------------------------------


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


@dataclass
class Session:
    """What a long-lived process (`archivist serve`) keeps between its builds: the
    build cache of the last successful build, in memory, so that a rebuild neither
    loads nor saves it (at 10,000 records, ~0.6 s of a one-record rebuild)."""

    cache: BuildCache | None = None
    # The files of the site this session last published (while `out` is still that
    # folder: its inode), and what the spare folder holds.
    site_files: frozenset[str] | None = None
    site_ino: int | None = None
    spare: SpareInventory | None = None

    def published(self, out: Path, staging: Staging, ours: bool) -> None:
        """Note the site a build just published; `ours` tells whether the site it
        replaced was this session's (then the spare now holds that one)."""
        files, written = staging.made()
        self.spare = None
        if ours and self.site_files is not None and staging.spare_ino is not None:
            self.spare = SpareInventory(self.site_files, written, staging.spare_ino)
        self.site_files = files
        self.site_ino = _inode(out)


def prepare_spare(session: Session, out: Path) -> bool:
    """Make a spare folder the session knows, when its last build left none it knows
    (the first build of a `serve` session: no spare, or the site before, which may
    differ in every page): hard links to every published file, so the next rebuild
    keeps them instead of linking 60,000 files while the editor waits. Run when idle;
    True when made. Another build holding the lock, or a published folder that is not
    the session's, leaves things as they are."""
    out = out.absolute()
    files = session.site_files
    if files is None or session.spare is not None or session.site_ino != _inode(out):
        return False
    spare = _spare_dir(out)
    making = spare.with_name("spare.making")
    try:
        with BuildLock(out):
            if session.site_ino != _inode(out):
                return False
            if spare.exists():  # not one the session knows: deleted aside
                aside = spare.with_name(f"spare.old-{os.getpid()}")
                shutil.rmtree(aside, ignore_errors=True)
                os.replace(spare, aside)
                discard_tree(aside, background=True)
            shutil.rmtree(making, ignore_errors=True)
            made: set[str] = set()
            for rel in sorted(files - {MARKER}):
                target = making / rel
                parent = os.path.dirname(target)
                if parent not in made:
                    os.makedirs(parent, exist_ok=True)
                    made.add(parent)
                os.link(out / rel, target, follow_symlinks=False)
            # Not a link: the next build rewrites the marker of its staging folder.
            (making / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            os.replace(making, spare)
            ino = os.stat(spare).st_ino
    except (OSError, OutputError):
        shutil.rmtree(making, ignore_errors=True)
        return False
    session.spare = SpareInventory(files, frozenset(), ino)
    return True


def _spare_dir(out: Path) -> Path:
    """Where the site before last is kept, to become the next build's staging folder."""
    return out.parent / CACHE_DIR / out.name / "spare"


def _input_fingerprint(site_root: Path, config: Config, flags: dict[str, object]) -> str:
    """Everything a build reads, by stat: the no-change check compares it."""
    return fingerprint.input_fingerprint(
        code_version(),
        repr(config),
        flags,
        [
            site_root / config.content_dir,
            site_root / config.templates_dir,
            site_root / config.static_dir,
            theme_dir("templates"),
            theme_dir("static"),
        ],
        [site_root / CONFIG_NAME],
    )


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


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
    shard (`indexing`): fast, but not the bytes of a clean build; for `serve`.
    `session` keeps the build cache in memory from one build to the next instead of
    on disk.
    """
    start = time.perf_counter()
    report = BuildReport()
    out = out.absolute()
    config = load_config(site_root, base_url=base_url)
    check_output_dir(out, site_root, site_root / config.content_dir)
    jobs = jobs if jobs and jobs > 0 else default_jobs()
    # A session's later builds skip the no-change check and stamp: `serve` builds
    # only after a change, and its cache is in memory, not beside a stamp on disk.
    resident = session is not None and session.cache is not None
    flags = {"strict": strict, "keep_going": keep_going, "drafts": drafts, "today": _today(),
             "overlays": search_overlays}  # fmt: skip
    inputs = "" if resident else _input_fingerprint(site_root, config, flags)
    cache_dir = out.parent / CACHE_DIR / out.name
    if use_cache and not clean and not resident:
        last = fingerprint.unchanged(cache_dir, inputs, lambda: fingerprint.out_stamp(out, MARKER))
        if last is not None:
            return _unchanged_report(last, time.perf_counter() - start)
    carried = session.cache if session is not None else None
    # Whether `out` is still the site this session published last (no other build
    # replaced it): only then does the session know what the spare will hold.
    ours = session is not None and session.site_ino is not None and session.site_ino == _inode(out)
    cache = BuildCache(out, clean=clean, enabled=use_cache, carried=carried)

    with _stage(report, "read"):
        loaded = load(site_root, config, drafts=drafts, cache=cache, progress=progress, jobs=jobs)
    problems = list(loaded.problems)
    failed_files = loaded.failed_files
    report.withheld = len(loaded.withheld)
    report.records_read = len(loaded.records) + report.withheld + len(failed_files)
    report.failed = len(failed_files)

    def fail(message: str) -> BuildFailed:
        report.problems = sorted_problems(problems)
        report.errors = sum(p.is_error for p in problems)
        report.warnings = len(problems) - report.errors
        report.seconds = time.perf_counter() - start
        exc = BuildFailed(message, report.problems)
        exc.report = report
        return exc

    if loaded.errors and not keep_going:
        raise fail(f"{len(loaded.errors)} error(s); nothing was published")
    if strict and loaded.warnings and not keep_going:
        raise fail(f"{len(loaded.warnings)} warning(s) under --strict; nothing was published")

    records = list(loaded.records)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out.parent} ({exc.strerror})") from exc
    with BuildLock(out):
        clean_stale(out)
        base = site_key(site_root, config, cache.version)
        # A record that cannot be rendered in time is reported; with --keep-going the
        # site is rendered once more without it, so no page links to a missing one.
        for _attempt in range(3):
            with _stage(report, "enrich"):
                memo = _related_memo(cache)
                archive = build_archive(
                    records, loaded.context.person_for, config.related_count, memo
                )
                for memo_key, related in memo.items():
                    cache.note("related", memo_key, {k: list(v) for k, v in related.items()})
                renderer = SiteRenderer(config, archive, site_root)
                digests = record_digests(archive.records, loaded.digests)
            render_problems: list[Problem] = []
            with (
                Staging(
                    out,
                    spare_dir=_spare_dir(out) if use_cache else None,
                    spare=not clean,
                    known=session.spare if session is not None and ours else None,
                ) as staging,
                BackgroundIndex(
                    archive, digests, staging, config, cache, jobs=jobs, overlays=search_overlays
                ) as search_index,
            ):
                # Forked before the render workers: indexing needs records, not pages.
                # Frozen first: a collector walking the archive in a forked process
                # would write to (and so copy) every page of it.
                gc.freeze()
                try:
                    search_index.start()
                except SearchError as exc:
                    raise fail(f"search index: {exc}; the previous site is unchanged") from exc
                write_seconds = 0.0
                with _stage(report, "render"):
                    todo: list[Record] = []
                    keys: dict[str, str] = {}
                    files_of: dict[str, tuple[FileStamp, ...]] = {}
                    kept_ids: set[str] = set()
                    total = len(archive.records)
                    reused = 0
                    for record in archive.records:
                        key = keys[record.id] = record_key(base, archive, digests, record)
                        t = time.perf_counter()
                        kept = cache.reuse(f"record:{record.id}", key, staging)
                        write_seconds += time.perf_counter() - t
                        if kept is None:
                            todo.append(record)
                            continue
                        kept_ids.add(record.id)
                        files_of[record.id] = kept
                        reused += 1
                    report.reused, report.rendered = reused, len(todo)
                    if len(todo) * 4 > total:
                        renderer.prepare_lists()
                        gc.freeze()  # the entries too, before the workers fork
                    failed: set[str] = set()
                    for result in _render_records(
                        renderer,
                        staging,
                        todo,
                        jobs=jobs,
                        progress=progress,
                        done_before=reused,
                        total=total,
                    ):
                        record = todo[result.index]
                        if result.fatal:
                            raise OutputError(result.fatal)
                        if result.template_error:
                            raise fail(f"{result.template_error}; nothing was published")
                        if result.problem:
                            render_problems.append(result.problem)
                            failed.add(record.id)
                            continue
                        for f in result.files:
                            staging.claim(f.rel)
                        staging.stamped(result.files)
                        cache.store_unit(f"record:{record.id}", keys[record.id], result.files)
                        files_of[record.id] = result.files
                    if failed and keep_going:
                        report.failed += len(failed)
                        problems.extend(render_problems)
                        records = [r for r in records if r.id not in failed]
                        continue  # render again without them (staging is discarded)
                    if failed:
                        report.failed += len(failed)
                        problems.extend(render_problems)
                        raise fail(f"{len(render_problems)} error(s); nothing was published")
                    try:
                        pages = 0
                        splicer = _splicer(cache, base, out, kept_ids)
                        units = site_units(renderer, config, staging.root, splicer)
                        for rel, page_key, make in units:
                            pages += rel.endswith(".html")
                            name = f"page:{rel}"
                            if page_key is not None:
                                page_key = digest(base, page_key)
                                t = time.perf_counter()
                                kept = cache.reuse(name, page_key, staging)
                                write_seconds += time.perf_counter() - t
                                if kept is not None:
                                    continue
                            content = make()
                            t = time.perf_counter()
                            target = staging.path(rel)
                            write_file(target, content)
                            if page_key is not None:
                                made = FileStamp.of(rel, target)
                                cache.store_unit(name, page_key, [made])
                                staging.stamped([made])
                            write_seconds += time.perf_counter() - t
                    except jinja2.TemplateError as exc:
                        raise fail(f"{_template_message(exc)}; nothing was published") from exc
                    for rel, ranges in splicer.made.items():
                        made = FileStamp.of(rel, staging.root / rel)
                        cache.store_unit(f"data:{rel}", base, [made])
                        cache.note(f"splice:{rel}", base, {k: list(v) for k, v in ranges.items()})
                    report.pages = pages + sum(
                        f.rel.endswith(".html") for fs in files_of.values() for f in fs
                    )
                report.stages["render"].wall -= write_seconds
                search_index.rendered()
                with _stage(report, "write"):
                    report.stages.setdefault("write", StageTime()).wall += write_seconds
                    copy_static(staging, site_root, config)

                with _stage(report, "index"):
                    try:
                        entries, reused_shards, indexed_shards, overlaid = search_index.finish(
                            progress
                        )
                        report.shards_reused += reused_shards
                        report.shards_indexed += indexed_shards
                        report.records_overlaid += overlaid
                    except SearchError as exc:
                        raise fail(f"search index: {exc}; the previous site is unchanged") from exc
                report.search_entries = entries
                if entries != len(archive.records):
                    raise fail(
                        f"search index holds {entries} entries for {len(archive.records)} "
                        "records; nothing was published"
                    )
                with _stage(report, "write"):
                    staging.prune()
                    # The no-change stamp and the size report, from what was claimed
                    # (a walk of the tree would stat every file again).
                    if resident:
                        stamp, report.bytes = None, sum(f[1] for f in staging.file_stamps())
                    else:
                        stamp, report.bytes = fingerprint.stamp_of(staging.file_stamps())
                    staging.publish(background_cleanup=background_cleanup)
                    if session is not None:
                        session.cache = cache
                        session.published(out, staging, ours)
                    else:
                        cache.save()
            break
        else:
            raise fail("records kept failing to render; nothing was published")
    report.published = len(archive.records)
    report.problems = sorted_problems(problems)
    report.errors = sum(p.is_error for p in problems)
    report.warnings = len(problems) - report.errors
    report.seconds = time.perf_counter() - start
    if report.errors:
        # --keep-going published the rest; the build still failed.
        raise fail(f"{report.errors} error(s); published the {report.published} other records")
    if strict and report.warnings:
        raise fail(f"{report.warnings} warning(s) under --strict")
    if use_cache and not resident:
        fingerprint.save(cache_dir, inputs, stamp, _report_data(report))
    return report


_COUNTS = ("records_read", "published", "withheld", "failed", "warnings", "errors", "pages",
           "bytes", "search_entries")  # fmt: skip


def _report_data(report: BuildReport) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(report, name) for name in _COUNTS}
    data["problems"] = [fingerprint.problem_data(p) for p in report.problems]
    data["shards"] = report.shards_indexed + report.shards_reused
    return data


def _unchanged_report(data: dict[str, Any], seconds: float) -> BuildReport:
    """The report of a build that found every input as the last build left it."""
    report = BuildReport()
    for name in _COUNTS:
        setattr(report, name, int(data[name]))
    report.problems = [fingerprint.problem_from(p) for p in data.get("problems", [])]
    report.reused = report.published
    report.shards_reused = int(data.get("shards", 0))
    report.seconds = seconds
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
    "record_key",
    "record_outputs",
    "render_pages",
    "replace",
    "site_outputs",
    "time_limit",
]
