"""The build cache beside the site: what was read, and which output files each unit made.

An incremental build must give exactly the bytes a clean build gives, so every reuse
is keyed by a hash of *all* its inputs and checked against the file on disk:

- reads: a content file's bytes + the settings + the code version → its `ReadResult`,
  and with the authority file's bytes → what `load` derived from its records;
- units: a unit of output (one record's files, one search shard) has a key computed
  by the pipeline from everything it shows; when the key matches the last build and
  each of its files in `--out` is still the very file that build wrote (same inode,
  size and modification time), the files are linked into the new staging folder
  instead of being made again.

The cache lives in `.archivist-cache/<out name>/` beside `--out`; `--clean` ignores it.
It is written only after a successful publish, atomically; a damaged or foreign cache
is ignored, never trusted. Losing it only costs time.
"""

from __future__ import annotations

import copyreg
import json
import logging
import os
import pickle
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from archivist.incremental.keys import code_version
from archivist.model import ReadResult
from archivist.publish.write import Digesting, content_digest
from archivist.workers import fork_map

if TYPE_CHECKING:
    from archivist.publish.write import Staging

log = logging.getLogger("archivist")

CACHE_DIR = ".archivist-cache"
_FORMAT = 2  # 2: each file's content digest, the stats apart
_READS = "reads-{:02d}.pickle"
# Reads are kept in buckets by file name, so an edit re-saves one bucket, not all.
_BUCKETS = 16
_UNITS = "units.json"
_UNITS_DIGEST = "units.digest"
_STATS = "stats.pickle"


def _mappingproxy(d: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(d)


def _reduce_mappingproxy(m: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _mappingproxy, (dict(m),)


# Records hold MappingProxyType fields, which pickle cannot store by default.
copyreg.pickle(MappingProxyType, _reduce_mappingproxy)


class Note(Protocol):
    """Something a build keeps for the next one (`notes`): JSON data, and read back
    from it, checked (None when the data has another shape)."""

    def data(self) -> object: ...

    @classmethod
    def parse(cls, value: object) -> Self | None: ...


N = TypeVar("N", bound=Note)


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What identifies one output file as the very file a build wrote: its stat on
    this machine, and its content digest, which still holds where the cache was
    restored elsewhere (a CI runner) and every stat differs."""

    rel: str
    size: int
    mtime_ns: int
    ino: int
    digest: str = ""

    @classmethod
    def of(cls, rel: str, path: Path, digest: str | None = None) -> FileStamp:
        """The stamp of the file at `path`; `digest`, its content digest when whoever
        wrote it has it (`write_file` returns it), else the file is read for it."""
        if digest is not None:
            st = path.lstat()
            return cls(rel, st.st_size, st.st_mtime_ns, st.st_ino, digest)
        with open(path, "rb", buffering=0) as fh:
            st = os.fstat(fh.fileno())
            return cls(rel, st.st_size, st.st_mtime_ns, st.st_ino, content_digest(fh.read()))

    def matches_path(self, path: str) -> bool:
        try:
            st = os.lstat(path)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns, st.st_ino) == (self.size, self.mtime_ns, self.ino)


@dataclass(frozen=True, slots=True)
class Unit:
    key: str
    files: tuple[FileStamp, ...]


class BuildCache:
    """Read results and output units of the last successful build of one `--out`."""

    def __init__(
        self,
        out: Path,
        *,
        clean: bool = False,
        enabled: bool = True,
        carried: BuildCache | None = None,
    ) -> None:
        self.out = out
        self._out = str(out)
        # Where the last build's files are: `out`, or the reused staging folder once
        # `adopt` checked it (the output folder was gone).
        self.site = out
        self.adopted = False
        self.dir = out.parent / CACHE_DIR / out.name
        self.enabled = enabled
        self.version = code_version()
        self._reads: dict[str, tuple[str, ReadResult]] = {}
        self._reads_used: dict[str, tuple[str, ReadResult]] = {}
        # What load derived from each file's records (keyed by its read key and the
        # authority file): derivation costs as much as reading.
        self._checked: dict[str, tuple[str, object]] = {}
        self._checked_used: dict[str, tuple[str, object]] = {}
        # File name → (stat signature, read settings, read key): a file whose stat is
        # as it was need not be read again to find its key (see `key_by_stat`).
        self._stats: dict[str, tuple[Stat, str, str]] = {}
        self._stats_used: dict[str, tuple[Stat, str, str]] = {}
        self._units: dict[str, Unit] = {}
        self._units_new: dict[str, Unit] = {}
        self._notes: dict[str, Any] = {}
        self._notes_new: dict[str, Any] = {}
        self._loaded = False  # the buckets on disk are those in memory, of this version
        self._bucket_digests: dict[int, str] = {}  # each bucket file's content digest
        self._stats_digest = ""
        # Files `save_reads` wrote for `save` to put in place (None: none written yet).
        self._pending: list[Path] | None = None
        if not enabled or clean:
            return
        if carried is not None and carried.version == self.version and carried.out == out:
            self._carry(carried)
        else:
            self._load()

    # -- loading and saving -------------------------------------------------------

    def _load(self) -> None:
        try:
            # Checked by digest before it is believed: a damaged cache (a CI cache
            # restored from a broken archive) must cost time, never give wrong output.
            units = (self.dir / _UNITS).read_bytes()
            if (self.dir / _UNITS_DIGEST).read_text(encoding="ascii") != content_digest(units):
                raise ValueError("units.json does not match its digest")
            meta = json.loads(units)
            if meta.get("format") != _FORMAT or meta.get("version") != self.version:
                return
            self._bucket_digests = {int(n): str(d) for n, d in meta["buckets"].items()}
            stats = (self.dir / _STATS).read_bytes()
            if content_digest(stats) != meta["stats"]:
                raise ValueError("the stats file does not match its digest")
            self._stats = pickle.loads(stats)
            if not isinstance(self._stats, dict):
                raise ValueError("stats of another shape")
            self._units = {
                name: Unit(u["key"], tuple(FileStamp(*f) for f in u["files"]))
                for name, u in meta["units"].items()
            }
            self._notes = meta.get("notes", {})
            for n in range(_BUCKETS):
                data = (self.dir / _READS.format(n)).read_bytes()
                if content_digest(data) != self._bucket_digests.get(n):
                    raise ValueError("a bucket does not match its digest")
                reads = pickle.loads(data)
                if not isinstance(reads, dict) or reads.get("version") != self.version:
                    raise ValueError("a bucket of another version")
                self._reads.update(reads["reads"])
                self._checked.update(reads["checked"])
            self._loaded = True
        except (OSError, ValueError, KeyError, TypeError, EOFError, pickle.UnpicklingError) as exc:
            log.debug("build cache ignored (%s)", exc)
            self._forget()
        except Exception as exc:  # a damaged pickle may raise anything; start afresh
            log.debug("build cache ignored (%s)", exc)
            self._forget()

    def _carry(self, last: BuildCache) -> None:
        """Start from what the last build in this process kept, as `save` would have
        written it and `_load` read it back (`serve` keeps the cache in memory)."""
        self._reads, self._checked, self._stats = (
            last._reads_used, last._checked_used, last._stats_used
        )  # fmt: skip
        self._units, self._notes = last._units_new, last._notes_new
        # Not `_loaded`: the buckets on disk are not these, so `save` writes them all.

    def _forget(self) -> None:
        self._loaded = False
        self._bucket_digests = {}
        self._reads, self._units, self._checked, self._notes, self._stats = {}, {}, {}, {}, {}

    def save_reads(self) -> None:
        """Write what this build read, beside the cache the last build left: `save`
        puts it in place. Called while the build waits for its search index, so the
        pickling runs beside Pagefind instead of after it; a build that fails later
        leaves the last build's cache as it was."""
        if not self.enabled or self._pending is not None:
            return
        self._pending = []
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            new = [_bucketed(self._reads_used), _bucketed(self._checked_used)]
            old = [_bucketed(self._reads), _bucketed(self._checked)]
            for n in range(_BUCKETS):
                path = self.dir / _READS.format(n)
                if (
                    path.is_file()
                    and self._loaded
                    and not any(
                        _changed(a.get(n, {}), b.get(n, {})) for a, b in zip(new, old, strict=True)
                    )
                ):
                    continue
                reads = {
                    "version": self.version,
                    "reads": new[0].get(n, {}),
                    "checked": new[1].get(n, {}),
                }
                # Streamed to the file: a 100,000-record cache is never one bytes object.
                self._bucket_digests[n] = _atomic_write(
                    _next(path),
                    lambda fh, r=reads: pickle.dump(r, fh, protocol=pickle.HIGHEST_PROTOCOL),  # type: ignore[misc]
                )
                self._pending.append(path)
            # Apart from the reads: a fresh checkout (a CI runner) changes every file's
            # stat and none of its bytes, and should not re-save every bucket.
            stats = self.dir / _STATS
            self._stats_digest = _atomic_write(
                _next(stats),
                lambda fh: pickle.dump(self._stats_used, fh, protocol=pickle.HIGHEST_PROTOCOL),
            )
            self._pending.append(stats)
        except OSError as exc:
            self._pending = []
            self.enabled = False  # `save` would only fail again
            log.warning("could not save the build cache in %s (%s)", self.dir, exc.strerror)
        except (pickle.PicklingError, TypeError, RecursionError) as exc:
            self._pending = []
            self.enabled = False
            log.warning("could not save the build cache (%s)", exc)

    def save(self) -> None:
        """Keep what this build read and wrote; best effort (a full disk only costs time)."""
        self.save_reads()
        if not self.enabled:
            return
        try:
            for path in self._pending or ():
                os.replace(_next(path), path)
            self._pending = None
            made = _atomic_write(self.dir / _UNITS, self._write_units)
            _atomic_write(self.dir / _UNITS_DIGEST, lambda fh: fh.write(made.encode("ascii")))
        except OSError as exc:
            log.warning("could not save the build cache in %s (%s)", self.dir, exc.strerror)
        except (TypeError, RecursionError) as exc:
            log.warning("could not save the build cache (%s)", exc)

    def _write_units(self, fh: Digesting) -> None:
        """units.json, one unit at a time (one JSON document, written in pieces)."""
        head = {
            "format": _FORMAT,
            "version": self.version,
            "buckets": {str(n): d for n, d in sorted(self._bucket_digests.items())},
            "stats": self._stats_digest,
        }
        fh.write(json.dumps(head)[:-1].encode("utf-8") + b', "units": {')
        for n, (name, u) in enumerate(sorted(self._units_new.items())):
            files = [[f.rel, f.size, f.mtime_ns, f.ino, f.digest] for f in u.files]
            item = json.dumps(name) + ": " + json.dumps({"key": u.key, "files": files})
            fh.write(((", " if n else "") + item).encode("utf-8"))
        fh.write(b'}, "notes": {')
        for n, (name, note) in enumerate(sorted(self._notes_new.items())):
            item = json.dumps(name) + ": " + json.dumps(note)
            fh.write(((", " if n else "") + item).encode("utf-8"))
        fh.write(b"}}")

    # -- reads --------------------------------------------------------------------

    def read(self, name: str, key: str) -> ReadResult | None:
        found = self._reads.get(name)
        if found is not None and found[0] == key:
            self._reads_used[name] = found
            return found[1]
        return None

    def store_read(self, name: str, key: str, result: ReadResult) -> None:
        if self.enabled:
            self._reads_used[name] = (key, result)

    def peek_read(self, name: str, key: str) -> ReadResult | None:
        """What `read` would give, without marking it used (for worker processes)."""
        found = self._reads.get(name)
        return found[1] if found is not None and found[0] == key else None

    def checked(self, name: str, key: str) -> object | None:
        """What load derived from a file's records last time, when `key` matches."""
        found = self._checked.get(name)
        if found is not None and found[0] == key:
            self._checked_used[name] = found
            return found[1]
        return None

    def has_checked(self, name: str, key: str) -> bool:
        found = self._checked.get(name)
        return found is not None and found[0] == key

    def store_checked(self, name: str, key: str, value: object) -> None:
        if self.enabled:
            self._checked_used[name] = (key, value)

    def key_by_stat(self, name: str, stat: Stat, settings: str) -> str | None:
        """The read key `name` had when its file had this stat signature and the read
        settings were the same; None when either differs."""
        found = self._stats.get(name)
        if found is not None and found[0] == stat and found[1] == settings:
            return found[2]
        return None

    def store_stat(self, name: str, stat: Stat, settings: str, key: str, since_ns: int) -> None:
        """Remember a file's read key by its stat signature. A file changed within two
        seconds before `since_ns` (when reading began) is not remembered: a second edit
        in the same clock tick could keep size and time (git's "racily clean" files)."""
        if self.enabled and stat[1] < since_ns - 2_000_000_000:
            self._stats_used[name] = (stat, settings, key)

    # -- output units -------------------------------------------------------------

    def reusable(self, name: str, key: str) -> Unit | None:
        """The unit's files in `--out`, when its key is unchanged and every file is the
        one the last build wrote."""
        unit = self._units.get(name)
        if unit is None or unit.key != key:
            return None
        # Plain string paths: this runs for every file of the site on every rebuild.
        if not all(f.matches_path(os.path.join(self._out, f.rel)) for f in unit.files):
            return None
        return unit

    def reuse(self, name: str, key: str, staging: Staging) -> tuple[FileStamp, ...] | None:
        """Put a unit's files from the last build in place in `staging` when its key is
        unchanged and they are still the files that build published, and keep the unit
        for the next build; its files' stamps, else None."""
        unit = self._units.get(name)
        if unit is None or unit.key != key:
            return None
        if not staging.keep(unit.files):  # not already in a reused staging folder
            if self.adopted or self.reusable(name, key) is None:
                return None
            for f in unit.files:
                staging.link(f.rel, os.path.join(self._out, f.rel))
        self.store_unit(name, key, unit.files)
        return unit.files

    def adopt(self, staging: Staging, jobs: int) -> None:
        """Take the reused staging folder as the last build's site when `--out` is gone
        (a fresh CI runner that restored only `.archivist-cache/`): each file the last
        build recorded counts, under its new stamp, where its content has the recorded
        digest; a unit with a file missing or different is made again, with a note."""
        wanted = [f for u in self._units.values() for f in u.files if staging.holds(f.rel)]
        global _CHECKING
        _CHECKING = (staging.root, wanted)
        try:
            if jobs > 1 and len(wanted) >= 256:
                found = list(fork_map(_check_chunk, len(wanted), jobs, None, "write",
                                      "cache check", 0, len(wanted)))  # fmt: skip
            else:
                found = _check_chunk(range(len(wanted)))
        finally:
            _CHECKING = None
        checked = {f.rel: f for f in found if f is not None}
        units: dict[str, Unit] = {}
        for name, unit in self._units.items():
            files = tuple(checked[f.rel] for f in unit.files if f.rel in checked)
            if len(files) == len(unit.files):
                units[name] = Unit(unit.key, files)
        if len(units) < len(self._units):
            log.warning(
                "build cache: %d of the last build's %d output units are missing or differ "
                "from what it wrote; they are made again",
                len(self._units) - len(units),
                len(self._units),
            )
        self._units = units
        self._out = str(staging.root)
        self.site = staging.root
        self.adopted = True
        staging.trust(checked)

    def store_unit(self, name: str, key: str, files: Iterable[FileStamp]) -> None:
        if self.enabled:
            self._units_new[name] = Unit(key, tuple(files))

    def noted(self, name: str, key: str, kind: type[N]) -> N | None:
        """What the last build noted under `name` with this `key`, as a `kind`; None
        when it noted nothing there, under another key, or of another shape."""
        note = self._notes.get(name)
        if isinstance(note, dict) and note.get("key") == key:
            return kind.parse(note.get("value"))
        return None

    def last_note(self, name: str, kind: type[N]) -> tuple[str, N] | None:
        """(key, note) of what the last build noted under `name`, whatever the key."""
        note = self._notes.get(name)
        if isinstance(note, dict) and isinstance(note.get("key"), str):
            parsed = kind.parse(note.get("value"))
            return None if parsed is None else (note["key"], parsed)
        return None

    def note(self, name: str, key: str, value: Note) -> None:
        """Keep a note for the next build, valid while `key` is unchanged."""
        if self.enabled:
            self._notes_new[name] = {"key": key, "value": value.data()}

    @property
    def units(self) -> Mapping[str, Unit]:
        return MappingProxyType(self._units_new)


# (staging folder, the stamps to check there): set before `adopt` forks its checkers.
_CHECKING: tuple[Path, list[FileStamp]] | None = None


def _check_chunk(indices: Iterable[int]) -> list[FileStamp | None]:
    """The files at these indices of `_CHECKING` under their present stamps, each where
    it is a plain file with the recorded content (by digest: a restored file's stat
    proves nothing, it may even repeat the recorded one), else None."""
    assert _CHECKING is not None
    root, stamps = _CHECKING
    found: list[FileStamp | None] = []
    for i in indices:
        f = stamps[i]
        path = os.path.join(root, f.rel)
        try:
            st = os.lstat(path)
        except OSError:
            found.append(None)
            continue
        same = (
            S_ISREG(st.st_mode)
            and st.st_size == f.size
            and bool(f.digest)
            and file_digest(path) == f.digest
        )
        found.append(
            FileStamp(f.rel, f.size, st.st_mtime_ns, st.st_ino, f.digest) if same else None
        )
    return found


def file_digest(path: str) -> str | None:
    try:
        with open(path, "rb", buffering=0) as fh:
            return content_digest(fh.read())
    except OSError:
        return None


# size, modification time, inode and change time (ns): what `stat` says of a file.
Stat = tuple[int, int, int, int]


def file_stat(path: str | Path) -> Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def _bucketed(items: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for name, value in items.items():
        out.setdefault(zlib.crc32(name.encode("utf-8", "surrogatepass")) % _BUCKETS, {})[name] = (
            value
        )
    return out


def _next(path: Path) -> Path:
    """Where `save_reads` writes a file until `save` puts it in place."""
    return path.with_name(f"{path.stem}.next{path.suffix}")


def _changed(used: Mapping[str, tuple[str, Any]], loaded: Mapping[str, tuple[str, Any]]) -> bool:
    return used.keys() != loaded.keys() or any(used[k][0] != loaded[k][0] for k in used)


def _atomic_write(path: Path, write: Callable[[Digesting], object]) -> str:
    """Write a file under a temporary name, then rename it; its content digest."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            out = Digesting(fh)
            write(out)
        os.replace(tmp, path)
        return out.digest()
    finally:
        if tmp.exists():
            tmp.unlink()


__all__ = [
    "CACHE_DIR",
    "BuildCache",
    "FileStamp",
    "Stat",
    "Unit",
    "file_stat",
]
