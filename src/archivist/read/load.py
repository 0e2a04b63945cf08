"""The read stage: every content file read (in worker processes, or from the cache)
and checked, joined in file order into the records to publish and every problem."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from archivist.config import Config
from archivist.enrich import derive
from archivist.incremental import keys
from archivist.incremental.cache import BuildCache, Stat, file_stat
from archivist.model import Location, Problem, ReadResult, Record, _fast_pickle
from archivist.read.checks import Checked, check, unique_ids
from archivist.read.discover import discover, display_path, relative_paths
from archivist.read.readers import RECORD_SUFFIXES, read_bytes, read_data
from archivist.report import Progress
from archivist.slugs import file_id
from archivist.workers import RecordTimeout, default_jobs, fork_map, time_limit, timeout_problem

log = logging.getLogger("archivist")


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


def today() -> dt.date:
    """Today for embargoes: from SOURCE_DATE_EPOCH when set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


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
    key = keys.file_read_key(cache_key, display, stem, data) if cache else ""
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
        return ReadResult(problems=(timeout_problem(display, "read", config),))
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


@dataclass(frozen=True, slots=True)
class _Job:
    """One load: what reading and checking each file needs (workers inherit it)."""

    files: tuple[tuple[Path, str, str], ...]  # path, display path, id stem
    config: Config
    context: derive.Context
    cache: BuildCache | None
    read_key: str  # settings + code, for the read cache
    check_key: str  # + the authority file, for what load derives


@_fast_pickle
@dataclass(frozen=True, slots=True)
class _FileDone:
    """One file read and checked. None stands for "in the cache under this key" (the
    parent takes it from there: a cache hit never travels between processes)."""

    read_key: str
    result: ReadResult | None
    check_key: str
    checked: tuple[Checked, ...] | None


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
        key = keys.file_read_key(job.read_key, display, stem, data) if cache else ""
        if cache and cache.peek_read(display, key) is not None:
            result = None
        else:
            result = _read_data(data, display, job.config, stem, path.suffix)
        del data
    check_key = keys.file_check_key(job.check_key, key) if key else ""
    if cache and check_key and cache.has_checked(display, check_key):
        return _FileDone(key, result, check_key, None)
    found = result or (cache.peek_read(display, key) if cache else None)
    assert found is not None
    records = found.records
    return _FileDone(key, result, check_key, tuple(check(r, job.context) for r in records))


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
        yield from fork_map(_read_chunk, total, jobs, progress, "read", "reading", 0, total)
    finally:
        _READ_JOB = None


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
    context, context_problems = derive.load_context(site_root, config)
    job = _job(site_root, config, files, context, cache)
    read = _read_all(job, jobs if jobs and jobs > 0 else default_jobs(), progress, problems)
    # Problems in the order of the stages as written one after another: unsafe text,
    # ids, the authority file, then each kept record's derived warnings.
    records, digests = _kept(read, problems, context_problems)
    published, withheld = _publishable(records, drafts)
    return Loaded(
        config, tuple(published), tuple(problems), len(files), tuple(withheld), context, digests
    )


def _job(
    site_root: Path,
    config: Config,
    files: Sequence[Path],
    context: derive.Context,
    cache: BuildCache | None,
) -> _Job:
    """What reading and checking each file needs: its paths and id stem, the keys."""
    content = site_root / config.content_dir
    shown = display_path(content, site_root).rstrip("/") + "/"
    shown = "" if shown in ("/", "./") else shown
    read = check = ""
    if cache:
        read = keys.read_key(cache.version, config)
        authority = content / derive.AUTHORITY_FILE
        check = keys.check_key(read, authority.read_bytes() if authority.is_file() else b"")
    return _Job(
        tuple(
            (path, f"{shown}{rel}", file_id(tuple(rel.split("/"))))
            for path, rel in zip(files, relative_paths(files, content), strict=True)
        ),
        config,
        context,
        cache,
        read,
        check,
    )


def _read_all(
    job: _Job, jobs: int, progress: Progress | None, problems: list[Problem]
) -> list[tuple[Record, Checked]]:
    """Every file of the job read and checked, in file order: from the cache where its
    stat is as the cache last saw it, else by the readers. Read problems go to
    `problems`."""
    cache = job.cache
    since = time.time_ns()
    stats = [file_stat(path) for path, _, _ in job.files] if cache else []
    known = _known(job, stats) if cache else {}
    rest = replace(job, files=tuple(f for i, f in enumerate(job.files) if i not in known))
    fresh = _read_files(rest, jobs, progress)
    read: list[tuple[Record, Checked]] = []
    for i, (_path, display, _stem) in enumerate(job.files):
        if i % _FREEZE_EVERY == 0:
            # What is read lives as long as the build: kept out of the collector's sight,
            # or every full collection walks all the records read so far again (seconds
            # each at 100,000 records). `build` unfreezes at its end.
            gc.freeze()
        done = known.get(i) or next(fresh)
        stat = stats[i] if cache else None
        if cache and stat and done.read_key:
            cache.store_stat(display, stat, job.read_key, done.read_key, since)
        result, checked = _resolved(cache, display, done)
        problems.extend(result.problems)
        if not result.records and not any(p.is_error for p in result.problems):
            problems.append(Problem(Location(display), "file", "no record found"))
        read.extend(zip(result.records, checked, strict=True))
    assert next(fresh, None) is None  # runs the reader to its end (its workers stop)
    return read


def _known(job: _Job, stats: Sequence[Stat | None]) -> dict[int, _FileDone]:
    """The files not to read at all: their stat is as the cache last saw it, and their
    key, what they read as and what was derived from them are all in the cache."""
    cache = job.cache
    assert cache is not None
    known: dict[int, _FileDone] = {}
    for i, (_path, display, _stem) in enumerate(job.files):
        stat = stats[i]
        key = cache.key_by_stat(display, stat, job.read_key) if stat else None
        if key and cache.peek_read(display, key) is not None:
            checked_key = keys.file_check_key(job.check_key, key)
            if cache.has_checked(display, checked_key):
                known[i] = _FileDone(key, None, checked_key, None)
    return known


def _resolved(
    cache: BuildCache | None, display: str, done: _FileDone
) -> tuple[ReadResult, tuple[Checked, ...]]:
    """A file's read and checks: taken from the cache where the worker left them
    there, stored in it where the worker made them."""
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
    return result, checked


def _kept(
    read: Sequence[tuple[Record, Checked]],
    problems: list[Problem],
    context_problems: Sequence[Problem],
) -> tuple[list[Record], dict[str, str]]:
    """The records without unsafe text or a taken id, as derived, with their digests;
    their problems go to `problems`."""
    clean: list[tuple[Record, Checked]] = []
    for record, checks in read:
        problems.extend(checks.unsafe)
        if not checks.unsafe:
            clean.append((record, checks))
    kept, id_problems = unique_ids([record for record, _ in clean])
    problems.extend(id_problems)
    problems.extend(context_problems)
    records: list[Record] = []
    digests: dict[str, str] = {}
    pairs = iter(clean)
    for record in kept:  # kept is a subsequence of clean, in order
        checks = next(c for r, c in pairs if r is record)
        final = checks.derived or record
        records.append(final)
        digests[final.id] = checks.digest
        problems.extend(checks.warnings)
    return records, digests


def _publishable(records: Sequence[Record], drafts: bool) -> tuple[list[Record], list[str]]:
    """The records to publish, and the ids of those withheld: drafts and records under
    embargo, unless `drafts` shows them."""
    day = today()
    published: list[Record] = []
    withheld: list[str] = []
    for record in records:
        hidden = record.status == "draft" or bool(record.embargo and record.embargo > day)
        if hidden and not drafts:
            withheld.append(record.id)
        else:
            published.append(record)
    return published, withheld
