"""Staging, atomic publish, the ownership marker, the build lock, safe output paths.

A build writes into a staging folder beside `--out` and swaps it in at the end, so a
failed or interrupted build leaves the previous site exactly as it was. `--out` must
be empty, absent, or carry our marker file: we never replace a folder we did not make.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import BinaryIO, Protocol

MARKER = ".archivist-site"
MARKER_TEXT = "This folder is written by archivist; a build replaces it whole.\n"


class OutputError(Exception):
    """The output folder cannot be used or written; the message says why."""


def check_output_dir(out: Path, site_root: Path, content_dir: Path) -> None:
    """Refuse output folders a build must never replace."""
    resolved = out.resolve()
    forbidden = {
        Path("/"): "the file-system root",
        Path.home().resolve(): "your home folder",
        site_root.resolve(): "the site folder itself",
        content_dir.resolve(): "the content folder",
    }
    for path, what in forbidden.items():
        if resolved == path:
            raise OutputError(f"refusing to use {what} ({out}) as the output folder")
    if content_dir.resolve().is_relative_to(resolved) or site_root.resolve().is_relative_to(
        resolved
    ):
        raise OutputError(f"refusing to write into {out}: it contains the site's own files")
    if resolved.is_relative_to(content_dir.resolve()):
        raise OutputError(f"refusing to write inside the content folder ({out})")
    if out.exists() or out.is_symlink():
        if out.is_symlink() or not out.is_dir():
            raise OutputError(f"{out} exists and is not a folder")
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise OutputError(
                f"{out} is not empty and was not written by archivist (no {MARKER} file); "
                "choose another --out or empty it"
            )


def safe_relpath(rel: str | PurePosixPath) -> PurePosixPath:
    """Validate an output path: relative, no `..`, no empty or odd parts."""
    path = PurePosixPath(rel)
    text = str(path)
    if path.is_absolute() or not path.parts:
        raise OutputError(f"refusing to write {text!r}: not a relative path")
    for part in path.parts:
        if part in ("", ".", "..") or "\x00" in part or "\\" in part:
            raise OutputError(f"refusing to write {text!r}: unsafe path part {part!r}")
        if len(part.encode("utf-8")) > 255:
            raise OutputError(f"refusing to write {text[:80]!r}…: a path part is over 255 bytes")
    return path


def collision_key(rel: PurePosixPath) -> str:
    """Paths that one file system may treat as the same file (case, normalization)."""
    return unicodedata.normalize("NFC", str(rel)).casefold()


@dataclass(frozen=True, slots=True)
class SpareInventory:
    """What a process that made the spare folder knows of it (`archivist serve`, which
    alone writes its output folder): the files it holds, those of them that differ
    from the published site's, and the folder's inode, which shows that no other
    build replaced it since."""

    files: frozenset[str]
    changed: frozenset[str]
    ino: int


class Staging:
    """A staging folder beside `out`; `publish()` swaps it in atomically."""

    def __init__(
        self,
        out: Path,
        *,
        spare_dir: Path | None = None,
        spare: bool = False,
        known: SpareInventory | None = None,
    ) -> None:
        self.out = out
        self.root = out.parent / f".{out.name}.staging-{os.getpid()}"
        self._root = str(self.root)
        self._dirs: set[str] = set()
        self.written: dict[str, str] = {}
        self.published = False
        # With `spare`, the site before last (kept by the last publish) becomes the
        # staging folder: most of its files are hard links to the very files this build
        # keeps, so an incremental build changes a few files instead of making 60,000
        # links and 10,000 folders. What it holds that this build does not make is
        # deleted by `prune` before publishing.
        # It lives in the build cache folder (`spare_dir`), on the same file system.
        self.spare_dir = spare_dir
        self.spare = spare and spare_dir is not None
        self._existing: set[str] = set()
        # (size, mtime, inode) of claimed files, where already known: the no-change
        # stamp of the finished tree is made from these instead of a walk.
        self._stamps: dict[str, tuple[int, int, int]] = {}
        # With `known`, the spare's inventory is taken on trust instead of from a walk
        # of its 60,000 files, and a kept file costs no `lstat` (`_trusted`, when the
        # spare is the very folder `known` describes).
        self._known = known
        self._trusted: SpareInventory | None = None
        self._kept: set[str] = set()  # files of the spare claimed as they were
        # Files of the spare checked by content (`trust`): the last build's, with no
        # published copy beside them (its output folder is gone: a fresh CI runner).
        self._trusted_files: set[str] = set()
        self.spare_ino: int | None = None  # the spare's inode, once published
        self.spare_is_site = False  # the spare is made of the published site's files

    def __enter__(self) -> Staging:
        try:
            if self.root.exists():
                shutil.rmtree(self.root)
            if self.spare and self.spare_dir and (self.spare_dir / MARKER).is_file():
                known = self._known
                if known is not None and os.stat(self.spare_dir).st_ino == known.ino:
                    self._trusted = known
                os.replace(self.spare_dir, self.root)
                if self._trusted is not None:
                    self._existing = set(self._trusted.files) - {MARKER}
                else:
                    self._take_inventory()
            else:
                if self.spare_dir is not None:
                    discard_tree(self.spare_dir)  # --clean: a spare would only go stale
                self.root.mkdir(parents=True)
            (self.root / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        except OSError as exc:
            shutil.rmtree(self.root, ignore_errors=True)
            raise os_error(exc, self.root) from exc
        return self

    def claim(self, rel: str | PurePosixPath) -> PurePosixPath:
        """Check `rel` is safe and no other output claims the same file (case and
        Unicode normalization blind); record it as written."""
        return PurePosixPath(*self._claim(str(rel)))

    def _claim(self, rel: str) -> list[str]:
        # Plain strings, not PurePosixPath: a large archive claims 60,000 files a build.
        parts = rel.split("/")
        if rel.startswith("/") or any(
            p in ("", ".", "..") or "\x00" in p or "\\" in p or len(p) > 63 for p in parts
        ):
            parts = list(safe_relpath(rel).parts)  # the slow path names the problem
            rel = "/".join(parts)
        key = rel.lower() if rel.isascii() else collision_key(PurePosixPath(rel))
        other = self.written.get(key)
        if other is not None and str(other) != rel:
            raise OutputError(f"two pages would share one file: {other} and {rel}")
        self.written[key] = rel
        return parts

    def _target(self, parts: list[str]) -> str:
        parent = os.path.join(self._root, *parts[:-1])
        if parent not in self._dirs:
            try:
                os.makedirs(parent, exist_ok=True)
            except OSError as exc:
                raise os_error(exc, Path(parent)) from exc
            self._dirs.add(parent)
        return os.path.join(parent, parts[-1])

    def path(self, rel: str | PurePosixPath) -> Path:
        """The staging path for `rel`, created parents and all, after safety checks."""
        return Path(self._target(self._claim(str(rel))))

    def write(self, rel: str | PurePosixPath, data: Content) -> None:
        write_file(self.path(rel), data)

    def link(self, rel: str | PurePosixPath, source: str | Path) -> None:
        """Put an unchanged file from the previous site in place: a hard link (no copy,
        no new bytes), or a copy where links are not possible. (A file a reused staging
        folder holds already is claimed by `keep`, without a new link.)"""
        target = self._target(self._claim(str(rel)))
        self._kept.add(str(rel))
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:
            link_or_copy(Path(source), Path(target))

    def keep(self, files: Sequence[Stamped]) -> bool:
        """Claim files a reused staging folder already holds as the very files of the
        published site; False, claiming nothing, unless every one of them is.

        A file counts when it has the inode, size and modification time the last build
        recorded and a second link: the published copy. A published file replaced or
        deleted since leaves this one with a single link; one edited in place changes
        its size or time. So one `lstat` here stands for checking both sites. A
        trusted spare (`SpareInventory`) is not checked at all.
        """
        if not self._existing:
            return False
        if self._trusted is not None:  # the spare as the process that made it knows it
            changed = self._trusted.changed
            if any(f.rel not in self._existing or f.rel in changed for f in files):
                return False
        elif not all(self._is_published(f) for f in files):
            return False
        for f in files:
            self._claim(f.rel)
            self._stamps[f.rel] = (f.size, f.mtime_ns, f.ino)
            self._kept.add(f.rel)
        return True

    def _is_published(self, f: Stamped) -> bool:
        if f.rel not in self._existing:
            return False
        if f.rel in self._trusted_files:
            return True  # checked by content at the start of this build, under this stamp
        try:
            st = os.lstat(os.path.join(self._root, f.rel))
        except OSError:
            return False
        return (st.st_ino, st.st_size, st.st_mtime_ns) == (f.ino, f.size, f.mtime_ns) and (
            st.st_nlink >= 2
        )

    def holds(self, rel: str) -> bool:
        """Whether the reused staging folder held `rel` when the build began."""
        return rel in self._existing

    def trust(self, rels: Iterable[str]) -> None:
        """Take these files of the spare as the last build's without a published copy
        beside them and without another `lstat`: their content was just checked
        against the build cache's digests, and their stamps taken (`BuildCache.adopt`)."""
        self._trusted_files.update(rels)

    def stamped(self, files: Iterable[Stamped]) -> None:
        """Note the stamps of claimed files that were written outside `write`."""
        for f in files:
            self._stamps[f.rel] = (f.size, f.mtime_ns, f.ino)

    def file_stamps(self) -> Iterator[tuple[str, int, int, int]]:
        """(path, size, mtime, inode) of every file the finished tree holds: the
        claimed files and the marker (after `prune`, that is everything)."""
        for rel in [*self.written.values(), MARKER]:
            found = self._stamps.get(rel)
            if found is None:
                try:
                    st = os.lstat(os.path.join(self._root, rel))
                except OSError:
                    continue
                found = (st.st_size, st.st_mtime_ns, st.st_ino)
            yield (rel, *found)

    def made(self) -> tuple[frozenset[str], frozenset[str]]:
        """(every file of the finished tree, those written anew by this build rather
        than kept or linked from the published site)."""
        files = frozenset([*self.written.values(), MARKER])
        return files, files - self._kept

    def _take_inventory(self) -> None:
        for rel, entry in tree_files(self._root):
            self._dirs.add(os.path.dirname(entry.path))
            self._existing.add(rel)
        self._existing.discard(MARKER)

    def prune(self) -> int:
        """Delete what a reused staging folder still holds that this build did not
        make (a removed record's files, a page that is gone); returns how many."""
        made = set(self.written.values())
        gone = sorted(self._existing - made)
        folders: set[str] = set()
        for rel in gone:
            path = os.path.join(self._root, *rel.split("/"))
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise os_error(exc, Path(path)) from exc
            folders.add(os.path.dirname(path))
        # Folders left empty go too, deepest first.
        for folder in sorted(folders, key=len, reverse=True):
            while folder != self._root and folder.startswith(self._root):
                try:
                    os.rmdir(folder)
                except OSError:
                    break
                folder = os.path.dirname(folder)
        self._existing.clear()
        return len(gone)

    def publish(self, *, background_cleanup: bool = False) -> None:
        """Swap the staging folder in place of `out`; the old site goes only after.

        On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`, so `out` always
        names a whole site; elsewhere two renames, and `clean_stale` puts the old site
        back if a build is killed between them.
        """
        old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        try:
            if self.out.exists() and _exchange(self.root, self.out):
                old = self.root  # the staging name now holds the old site
            else:
                if self.out.exists():
                    os.replace(self.out, old)
                os.replace(self.root, self.out)
        except OSError as exc:
            if old.exists() and not self.out.exists():
                os.replace(old, self.out)
            raise os_error(exc, self.out) from exc
        self.published = True
        if self.spare and self.spare_dir is not None:
            try:
                discard_tree(self.spare_dir)
                self.spare_dir.parent.mkdir(parents=True, exist_ok=True)
                if old.exists():
                    os.replace(old, self.spare_dir)  # the next build's staging folder
                else:
                    self.spare_is_site = True
                    # No site before this one (a first build, or a CI runner that
                    # restored only the cache): the spare is this site, in hard links,
                    # so that the cache alone holds what the next build reuses.
                    self._link_spare()
                self.spare_ino = os.stat(self.spare_dir).st_ino
                return
            except OSError:
                pass
        discard_tree(old, background=background_cleanup)

    def _link_spare(self) -> None:
        """The published site as the spare folder, made of hard links (a copy where
        links are not possible), under a temporary name until complete."""
        from archivist.workers import default_jobs, fork_map  # workers imports this module

        assert self.spare_dir is not None
        making = self.spare_dir.with_name(self.spare_dir.name + ".making")
        discard_tree(making)
        global _LINKING
        _LINKING = (str(self.out), str(making), sorted(self.written.values()))
        count, jobs = len(_LINKING[2]), default_jobs()
        try:
            # In forked processes when large: ~64,000 links at 10,000 records.
            if jobs > 1 and count >= 4096:
                for _ in fork_map(_link_chunk, count, jobs, None, "write", "linking", 0, count):
                    pass
            else:
                _link_chunk(range(count))
            # Not a link: the next build rewrites the marker of its staging folder.
            (making / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            os.replace(making, self.spare_dir)
        except Exception as exc:  # also a worker that died: only the next build pays
            discard_tree(making)
            raise OSError(f"the spare folder could not be made ({exc})") from exc
        finally:
            _LINKING = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.published and self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)


# (published site, spare being made, every file) while `_link_spare` runs.
_LINKING: tuple[str, str, list[str]] | None = None


def _link_chunk(indices: Iterable[int]) -> list[None]:
    """Link these files (indices into `_LINKING`) from the published site into the
    spare being made."""
    assert _LINKING is not None
    out, making, files = _LINKING
    made: set[str] = set()
    done: list[None] = []
    for i in indices:
        rel = files[i]
        target = os.path.join(making, rel)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        _link(os.path.join(out, rel), target)
        done.append(None)
    return done


Content = str | bytes | Iterable[str | bytes]


def tree_files(top: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file (anything not a folder) under `top`, with its POSIX path relative to
    `top`, in no set order: scandir with path prefixes, so no stat and no relpath per
    entry on trees of 600,000 files."""
    folders = [(top, "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    yield f"{prefix}{entry.name}", entry


class Stamped(Protocol):
    """What identifies a file as one a build wrote (cache.FileStamp)."""

    @property
    def rel(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def mtime_ns(self) -> int: ...
    @property
    def ino(self) -> int: ...


def content_digest(data: bytes) -> str:
    """A file's content digest for the build cache (128 bits of SHA-256: damage, not
    forgery, is what it guards against; whoever can write the cache can write its
    digests)."""
    return hashlib.sha256(data).hexdigest()[:32]


class Digesting:
    """A binary file that keeps the `content_digest` of what is written to it."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        return self._fh.write(data)

    def digest(self) -> str:
        return self._hash.hexdigest()[:32]  # as `content_digest`


def write_file(target: Path, data: Content) -> str:
    """Write a new file and return its `content_digest` (so that the build cache need
    not read it back); an existing one is unlinked first, so a hard link to the
    previous site is replaced, never written through. `data` may come in pieces
    (an iterable of text or bytes), written as they come."""
    try:
        try:
            fh = open(target, "xb")  # noqa: SIM115 - closed by the `with` below
        except FileExistsError:  # also a symlink, dangling or not
            target.unlink()
            fh = open(target, "xb")  # noqa: SIM115
        with fh:
            out = Digesting(fh)
            if isinstance(data, bytes):
                out.write(data)
            elif isinstance(data, str):
                out.write(data.encode("utf-8"))
            else:
                for piece in data:
                    out.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
        return out.digest()
    except OSError as exc:
        raise os_error(exc, target) from exc


def _link(source: str, target: str) -> None:
    """A hard link to a new name, or a copy where links are not possible."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copyfile(source, target, follow_symlinks=False)


def link_or_copy(source: Path, target: Path) -> None:
    try:
        if target.is_symlink() or target.exists():
            target.unlink()
        _link(str(source), str(target))
    except OSError as exc:
        raise os_error(exc, target) from exc


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where not supported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def discard_tree(path: Path, *, background: bool = False) -> None:
    """Delete a tree we made (an old site, a failed staging folder).

    Deleting tens of thousands of files can take longer than the build on some disks;
    with `background` a detached child process does it, and `clean_stale` finishes
    anything it leaves.
    """
    if not path.exists():
        return
    if background and hasattr(os, "fork"):
        try:
            pid = os.fork()
        except OSError:
            pid = -1
        if pid == 0:  # the child: detach, delete, leave without running parent cleanup
            try:
                os.setsid()
                if os.fork() == 0:
                    shutil.rmtree(path, ignore_errors=True)
            finally:
                os._exit(0)
        if pid > 0:
            os.waitpid(pid, 0)
            return
    shutil.rmtree(path, ignore_errors=True)


def os_error(exc: OSError, path: Path) -> OutputError:
    if exc.errno == errno.ENOSPC:
        return OutputError(f"the disk is full while writing {path}; the previous site is unchanged")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return OutputError(f"cannot write {path} ({exc.strerror}); the previous site is unchanged")
    return OutputError(f"cannot write {path} ({exc.strerror})")


def clean_stale(out: Path) -> None:
    """Remove staging/old folders left by builds that were killed.

    Called under the build lock, so no other build owns them. Where a build was killed
    between the two renames of a non-atomic swap, the old site is put back first.
    """
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds and (olds[-1] / MARKER).is_file():
        os.replace(olds[-1], out)
        olds = olds[:-1]
    for stale in [*out.parent.glob(f".{out.name}.staging-*"), *olds]:
        shutil.rmtree(stale, ignore_errors=True)


class BuildLock:
    """An exclusive lock beside `out` so two builds never write the same site."""

    def __init__(self, out: Path) -> None:
        self.path = out.parent / f".{out.name}.lock"
        self.fd: int | None = None

    def __enter__(self) -> BuildLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise os_error(exc, self.path) from exc
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip()
            os.close(self.fd)
            self.fd = None
            who = f" (process {holder})" if holder.isdigit() else ""
            raise OutputError(
                f"another archivist build{who} is writing {self.path.parent} "
                f"(lock {self.path}); wait for it to finish"
            ) from None
        # The holder's pid, for the message above. flock dies with its holder (and its
        # forked workers close their copies), so a killed build's lock is simply free.
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, str(os.getpid()).encode("ascii"), 0)
        _HELD.add(self.fd)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.fd is not None:
            _HELD.discard(self.fd)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# Lock descriptors this process holds: a forked helper closes its copies, so a helper
# that outlives a killed build never keeps the next build locked out.
_HELD: set[int] = set()


def forget_locks() -> None:
    """In a forked child: close the inherited build-lock descriptors (the lock stays
    with the parent, which holds the same open file)."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()
