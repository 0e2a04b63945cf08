"""The search stage, run beside rendering: shards planned, reused or indexed in a
forked process while the pages render.

Index entries need only the records, not the rendered pages, so the search bundle does
not have to wait for rendering. `BackgroundIndex.start` forks one process (before the
render workers exist, so no thread is ever forked) that, shard by shard, builds the
index entries, keys them, and either names the shard as reusable from the last build or
indexes it with Pagefind into a work folder inside staging — at most `jobs` Pagefind
processes at once (fewer when shards are large: `pagefind_parallel`), and only the
entries of the shards in flight held in memory.
`finish` waits for it, links the reused shards, moves the new ones into place, records
them in the build cache and writes the manifest.

Sharding, keys and bundles are those of `pagefind.build_index`: a shard's bytes depend
only on its records, never on the order in which shards finish.

Overlays (`archivist serve` only): when a few of a shard's records changed since its
bundle was made, only those are indexed, into an overlay bundle beside the shard, and
the shard's entries for them are listed as stale for the search page to drop. The
published result is then not the bytes of a clean build, and the shard still holds the
old text, so `archivist build` never makes overlays: it re-indexes the shard.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from archivist.config import Config
from archivist.incremental import keys
from archivist.incremental.cache import BuildCache, FileStamp
from archivist.incremental.notes import OverlayNote, ShardNote
from archivist.model import Archive, Record
from archivist.publish.write import Staging, tree_files
from archivist.render import urls
from archivist.search import pagefind
from archivist.search.documents import entry_filters, index_entry, sort_keys
from archivist.search.pagefind import (
    MANIFEST,
    IndexEntry,
    SearchError,
    overlay_dir,
    shard_dir,
)
from archivist.search.table import TABLE, Order, TableBundle, order_of
from archivist.workers import detach

WORK = ".index"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Overlay:
    """The records of a shard that changed since its bundle was made, indexed alone."""

    key: str
    entries: int
    reused: bool
    fragments: dict[str, str]
    digests: dict[str, str] = field(default_factory=dict)  # as `ShardDone.digests`


@dataclass(frozen=True, slots=True)
class ShardDone:
    """One shard as the index process left it."""

    n: int
    rank: int
    key: str
    reused: bool
    fragments: dict[str, str]  # result id → URL of every entry, stale ones included
    frame: str = ""
    rows: dict[str, str] = field(default_factory=dict)  # record id → its row's digest
    overlay: Overlay | None = None
    stale: tuple[str, ...] = ()  # result ids of the bundle that an overlay supersedes
    # Each file of a bundle indexed this build with its content digest (`Bundle`).
    digests: dict[str, str] = field(default_factory=dict)

    def folder(self, root: Path) -> Path:
        """The bundle's folder: the first shard's is the primary bundle."""
        return shard_dir(root, 0 if self.rank == 0 else self.n)

    def note(self) -> ShardNote:
        """What the next build needs to tell which of the shard's records changed."""
        return ShardNote(self.frame, self.rows, self.fragments)


@dataclass(frozen=True, slots=True)
class IndexResult:
    shards: tuple[ShardDone, ...]
    entries: int  # records the manifest lists (written to `MANIFEST_WORK`)
    order: Order  # the records' places and filter values, for the search table


# Where the index process writes the manifest for `finish` to move in (made there,
# beside the rendering, rather than after it).
MANIFEST_WORK = "manifest"


@dataclass(frozen=True, slots=True)
class _Listed:
    """A bundle as the manifest lists it: a shard, or the overlay beside one."""

    path: str  # relative to the site root, ending in "/"
    entries: int
    rank: int  # its shard's place among the shards (an overlay's results are its shard's)
    fragments: Mapping[str, str]
    stale: frozenset[str] = frozenset()


def _listed(shards: Sequence[ShardDone]) -> list[_Listed]:
    listed: list[_Listed] = []
    for shard in shards:
        path = shard.folder(Path()).as_posix() + "/"
        entries = len(shard.fragments) - len(shard.stale)
        listed.append(_Listed(path, entries, shard.rank, shard.fragments, frozenset(shard.stale)))
        if shard.overlay is not None:
            path = overlay_dir(Path(), shard.n).as_posix() + "/"
            listed.append(_Listed(path, shard.overlay.entries, shard.rank, shard.overlay.fragments))
    return listed


def _write_manifest(root: Path, shards: Sequence[ShardDone], order: Sequence[IndexEntry]) -> int:
    """The manifest of these shards, in the work folder; the entries it lists."""
    listed = [{"path": b.path, "entries": b.entries, "rank": b.rank} for b in _listed(shards)]
    manifest = pagefind.write_manifest(root / WORK / MANIFEST_WORK, order, listed)
    return int(manifest["entries"])


# What Pagefind holds per record of the shard it indexes (measured: ~430 MB for 1,000
# records), and what the Pagefind processes of one build may hold together.
PAGEFIND_MB_PER_RECORD = 0.45
PAGEFIND_MEMORY_MB = 1000


# Once the pages are rendered the render workers have exited, and the Pagefind
# processes may hold their memory too (`BackgroundIndex.rendered`).
PAGEFIND_MEMORY_MB_AFTER_RENDER = 2 * PAGEFIND_MEMORY_MB
RENDERED = "rendered"  # a flag file in the work folder: the pages are done


def pagefind_parallel(largest_shard: int, jobs: int, memory_mb: float = PAGEFIND_MEMORY_MB) -> int:
    """How many Pagefind processes may run at once: `jobs`, fewer when shards are
    large enough that they would together hold more than `memory_mb`."""
    each = max(1.0, largest_shard * PAGEFIND_MB_PER_RECORD)
    return max(1, min(jobs, int(memory_mb // each)))


def shard_plan(
    records: Sequence[Record], shard_size: int, max_shards: int = 64
) -> tuple[int, list[tuple[int, list[Record]]]]:
    """(the shard count, the non-empty shards in shard order, each with its records by
    id): the sharding of `pagefind.shard_groups`, over records instead of entries."""
    count = pagefind.shard_count(len(records), shard_size, max_shards)
    groups: list[list[Record]] = [[] for _ in range(count)]
    for record in sorted(records, key=lambda r: r.id):
        groups[pagefind.shard_of(record.id, count)].append(record)
    return count, [(n, group) for n, group in enumerate(groups) if group]


# An overlay may hold up to this share of its shard's records; past it the shard is
# re-indexed (at 1/8 the overlay costs a sixth of re-indexing the shard, measured).
OVERLAY_SHARE = 8


def overlay_changes(
    base: Mapping[str, str], rows: Mapping[str, str]
) -> tuple[list[str], list[str]] | None:
    """(ids changed or added, ids removed) since the shard's bundle was made, when so
    few that an overlay is worth it; None when the shard should be re-indexed."""
    changed = sorted(rid for rid, row in rows.items() if base.get(rid) != row)
    removed = sorted(rid for rid in base if rid not in rows)
    if len(changed) + len(removed) > len(rows) // OVERLAY_SHARE:
        return None
    return changed, removed


def _names_exactly(fragments: Mapping[str, str], ids: Iterable[str]) -> bool:
    """Whether noted result ids (with URLs) are exactly those of these records' entries
    (a damaged note is never trusted)."""
    wanted = {"/" + urls.record_url(rid) for rid in ids}
    return len(fragments) == len(wanted) and set(fragments.values()) == wanted


@dataclass(frozen=True, slots=True)
class _Task:
    """A shard as planned: done already (`entries` None), or to be indexed by Pagefind
    from `entries` into the work folder `folder`."""

    shard: ShardDone
    entries: list[IndexEntry] | None = None
    folder: str = ""
    primary: bool = False


@dataclass(frozen=True, slots=True)
class _Planner:
    """Decides, shard by shard, what to reuse, overlay or index."""

    archive: Archive
    digests: Mapping[str, str]
    config: Config
    cache: BuildCache
    overlays: bool
    tool: str
    count: int

    def shard(self, rank: int, n: int, group: list[Record]) -> _Task:
        """The bundle as the last build left it when nothing changed; else an overlay
        of the changed records (serve, few changes); else the whole shard indexed."""
        language = self.config.language
        frame = keys.shard_frame(self.cache.version, self.tool, n, self.count, rank == 0, language)
        rows = {r.id: keys.shard_row(r, self.archive, self.digests) for r in group}
        key = keys.shard_key(frame, rows)
        base_key, base = self._last_bundle(f"shard:{n}", frame)
        if base is not None and base_key == key:
            return _Task(ShardDone(n, rank, key, True, dict(base.fragments), frame, rows))
        changes = overlay_changes(base.rows, rows) if self.overlays and base else None
        if base is None or changes is None:
            entries = [index_entry(r, self.archive, language) for r in group]
            return _Task(
                ShardDone(n, rank, key, False, {}, frame, rows), entries, str(n), rank == 0
            )
        return self._overlay(rank, n, group, base_key, base, frame, rows, changes)

    def _last_bundle(self, name: str, frame: str) -> tuple[str, ShardNote | None]:
        """The shard's bundle as the last build left it, when still usable."""
        base_key, base = self.cache.last_note(name, ShardNote) or ("", None)
        usable = (
            base is not None
            and base.frame == frame
            and _names_exactly(base.fragments, base.rows)
            and self.cache.reusable(name, base_key) is not None
        )
        return base_key, base if usable else None

    def _overlay(
        self,
        rank: int,
        n: int,
        group: list[Record],
        base_key: str,
        base: ShardNote,
        frame: str,
        rows: Mapping[str, str],
        changes: tuple[list[str], list[str]],
    ) -> _Task:
        """Few changes: the shard's bundle stays; the changed records go to an overlay."""
        changed, removed = changes
        edited = {"/" + urls.record_url(rid) for rid in (*changed, *removed)}
        fragments = dict(base.fragments)
        stale = tuple(sorted(rid for rid, url in fragments.items() if url in edited))
        shard = ShardDone(n, rank, base_key, True, fragments, frame, dict(base.rows), None,
                          stale)  # fmt: skip
        if not changed:
            return _Task(shard)
        okey = keys.overlay_key(base_key, {rid: rows[rid] for rid in changed})
        oname = f"overlay:{n}"
        noted = self.cache.noted(oname, okey, OverlayNote)
        if (
            noted is not None
            and _names_exactly(noted.fragments, changed)
            and self.cache.reusable(oname, okey) is not None
        ):
            overlay = Overlay(okey, len(changed), True, dict(noted.fragments))
            return _Task(dataclasses.replace(shard, overlay=overlay))
        by_id = {r.id: r for r in group}
        entries = [index_entry(by_id[rid], self.archive, self.config.language) for rid in changed]
        shard = dataclasses.replace(shard, overlay=Overlay(okey, len(changed), False, {}))
        return _Task(shard, entries, overlay_dir(Path(), n).name)


def _index_all(
    archive: Archive,
    digests: Mapping[str, str],
    root: Path,
    config: Config,
    cache: BuildCache,
    binary: Path,
    jobs: int,
    deadline: float,
    overlays: bool = False,
) -> IndexResult:
    """Plan every shard; reuse, overlay or index each. Runs in the index process."""
    count, plan = shard_plan(archive.records, config.search_shard_size, config.search_max_shards)
    largest = max((len(g) for _, g in plan), default=0)
    jobs, after_render = (
        pagefind_parallel(largest, jobs),
        pagefind_parallel(largest, jobs, PAGEFIND_MEMORY_MB_AFTER_RENDER),
    )
    tool = keys.tool_stamp(binary) if plan else ""
    work = root / WORK
    order: list[IndexEntry] = []
    done: dict[int, ShardDone] = {}
    # A future's shard, and the shard as it will be once the future's bundle is in.
    running: dict[concurrent.futures.Future[pagefind.Bundle], ShardDone] = {}

    def collect(block: bool) -> None:
        if not running:
            return
        timeout = max(0.0, deadline - time.monotonic())
        finished, _ = concurrent.futures.wait(
            running,
            timeout=timeout if block else 0,
            return_when=concurrent.futures.FIRST_COMPLETED,
        )
        if block and not finished:
            raise SearchError("Pagefind did not finish in time (raise search_timeout)")
        for future in finished:
            shard = running.pop(future)
            made = future.result()
            if shard.overlay is not None:
                overlay = dataclasses.replace(
                    shard.overlay, fragments=made.fragments, digests=made.digests
                )
                done[shard.rank] = dataclasses.replace(shard, overlay=overlay)
            else:
                done[shard.rank] = dataclasses.replace(
                    shard, fragments=made.fragments, digests=made.digests
                )

    def submit(entries: list[IndexEntry], folder: str, primary: bool, shard: ShardDone) -> None:
        while len(running) >= (after_render if (work / RENDERED).exists() else jobs):
            collect(block=True)
        left = deadline - time.monotonic()
        if left <= 0:
            raise SearchError("Pagefind did not finish in time (raise search_timeout)")
        future = pool.submit(pagefind.index_shard, binary, entries, work / folder, left,
                             primary=primary)  # fmt: skip
        running[future] = shard

    planner = _Planner(archive, digests, config, cache, overlays, tool, count)
    with concurrent.futures.ThreadPoolExecutor(after_render) as pool:
        for rank, (n, group) in enumerate(plan):
            order.extend(
                IndexEntry(
                    "/" + urls.record_url(r.id),
                    "",
                    config.language,
                    filters=entry_filters(r, archive),
                    sort=sort_keys(r),
                )
                for r in group
            )
            task = planner.shard(rank, n, group)
            if task.entries is None:
                done[rank] = task.shard
            else:
                submit(task.entries, task.folder, task.primary, task.shard)
        while running:
            collect(block=True)
    shards = tuple(done[rank] for rank in sorted(done))
    return IndexResult(shards, _write_manifest(root, shards, order), order_of(order))


def _child(conn: Connection, parent: int, *args: Any) -> None:
    detach(parent)
    try:
        result: tuple[str, Any] = ("ok", _index_all(*args))
    except SearchError as exc:
        result = ("error", str(exc))
    except Exception as exc:  # a bug must fail the build loudly, not hang it
        result = ("error", f"the search index crashed ({type(exc).__name__}: {exc})\n"
                  + traceback.format_exc())  # fmt: skip
    conn.send(result)
    conn.close()


class BackgroundIndex:
    """The search stage of one build, indexing in a forked process until `finish`."""

    def __init__(
        self,
        archive: Archive,
        digests: Mapping[str, str],
        staging: Staging,
        config: Config,
        cache: BuildCache,
        *,
        jobs: int,
        overlays: bool = False,
    ) -> None:
        self.overlays = overlays
        self.archive = archive
        self.digests = digests
        self.staging = staging
        self.root = staging.root.resolve()
        self.config = config
        self.cache = cache
        self.jobs = jobs
        self.deadline = time.monotonic() + config.search_timeout
        self._conn: Connection | None = None
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._result: IndexResult | None = None

    def start(self) -> None:
        """Fork the index process (or index right here when forking is unavailable)."""
        binary = pagefind.pagefind_binary()
        if self.archive.records and not binary.is_file():
            raise SearchError(f"the Pagefind binary is missing ({binary})")
        args = (self.archive, self.digests, self.root, self.config, self.cache, binary, self.jobs,
                self.deadline, self.overlays)  # fmt: skip
        if "fork" not in multiprocessing.get_all_start_methods():
            self._result = _index_all(*args)
            return
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe(duplex=False)
        self._proc = context.Process(target=_child, args=(child, os.getpid(), *args), daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def _wait(self) -> IndexResult:
        if self._result is not None:
            return self._result
        assert self._conn is not None and self._proc is not None
        left = max(0.0, self.deadline - time.monotonic()) + 5
        try:
            ready = self._conn.poll(left)
            message = self._conn.recv() if ready else None
        except (EOFError, OSError):
            message = None
        finally:
            self._conn.close()
            self._conn = None
        if message is None:
            alive = self._proc.is_alive()
            self.stop()
            if alive:
                raise SearchError("Pagefind did not finish in time (raise search_timeout)")
            raise SearchError("the search indexing process died (out of memory?)")
        self._proc.join()
        self._proc = None
        status, value = message
        if status != "ok":
            raise SearchError(str(value))
        assert isinstance(value, IndexResult)
        self._result = value
        return value

    def stop(self) -> None:
        """End the index process if it still runs (the build failed elsewhere)."""
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.terminate()
            self._proc.join()
            self._proc = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _place(
        self,
        name: str,
        key: str,
        reused: bool,
        source: Path,
        folder: Path,
        digests: Mapping[str, str],
    ) -> None:
        """Put one bundle in place: the last build's (kept or linked) or a new one,
        whose files' digests the index process took as it wrote them."""
        root, cache, staging = self.root, self.cache, self.staging
        if reused:
            if cache.reuse(name, key, staging) is None:
                raise SearchError("the last build's search index changed during this build")
            return
        # File by file: the folder may hold the old shard (pruned after) and, for the
        # primary bundle, the other shards' folders.
        stamps: list[FileStamp] = []
        prefix = folder.relative_to(root).as_posix()
        for rel in sorted(rel for rel, _ in tree_files(str(source))):
            # Named from `prefix`, not from `target`: staging paths need not be
            # resolved (`--out ../site`) while `root` is.
            name_in_site = f"{prefix}/{rel}"
            target = staging.path(name_in_site)
            os.replace(source / rel, target)
            stamps.append(FileStamp.of(name_in_site, target, digests.get(rel)))
        cache.store_unit(name, key, stamps)
        staging.stamped(stamps)

    def rendered(self) -> None:
        """Tell the index process the pages are done: with the render workers gone,
        more Pagefind processes may run at once (at 100,000 records, two instead of
        one for the shards left)."""
        work = self.root / WORK
        work.mkdir(parents=True, exist_ok=True)
        (work / RENDERED).touch()

    def finish(self, progress: Progress | None = None) -> tuple[int, int, int, int]:
        """Put every shard (and overlay) in place and write the manifest.

        Returns (entries, shards reused, shards indexed, records in overlays).
        """
        result = self._wait()
        root, cache = self.root, self.cache
        work = root / WORK
        for shard in result.shards:
            name = f"shard:{shard.n}"
            self._place(name, shard.key, shard.reused, work / str(shard.n), shard.folder(root),
                        shard.digests)  # fmt: skip
            cache.note(name, shard.key, shard.note())
            if shard.overlay is not None:
                overlay = shard.overlay
                oname = f"overlay:{shard.n}"
                folder = overlay_dir(root, shard.n)
                self._place(oname, overlay.key, overlay.reused, work / folder.name, folder,
                            overlay.digests)  # fmt: skip
                cache.note(oname, overlay.key, OverlayNote(overlay.fragments))
        # Bundles are all in place now: the table reads their meta indexes.
        self._write_table(result)
        for name in (MANIFEST, TABLE):
            # Replaced, never written through: in a reused staging folder the old file
            # is a hard link to the published one.
            os.replace(
                work / MANIFEST_WORK / "pagefind" / name, self.staging.path(f"pagefind/{name}")
            )
        if work.exists():
            shutil.rmtree(work)
        reused = sum(s.reused for s in result.shards)
        overlaid = sum(s.overlay.entries for s in result.shards if s.overlay is not None)
        if progress:
            progress("index", len(result.shards), len(result.shards))
        return result.entries, reused, len(result.shards) - reused, overlaid

    def _write_table(self, result: IndexResult) -> None:
        """The search table (search/table.py) in the work folder, named in the manifest."""
        bundles = []
        for listed in _listed(result.shards):
            folder = self.staging.root / listed.path
            languages = pagefind.bundle_languages(folder)
            bundles.append(TableBundle(folder, languages, listed.fragments, listed.stale))
        out = self.root / WORK / MANIFEST_WORK / "pagefind"
        pagefind.write_search_table(out, result.order, bundles, self.config.language)

    def __enter__(self) -> BackgroundIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = [
    "BackgroundIndex",
    "IndexResult",
    "Overlay",
    "ShardDone",
    "overlay_changes",
    "shard_plan",
]
