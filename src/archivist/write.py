"""Staging, atomic publish, the ownership marker, the build lock, safe output paths.

A build writes into a staging folder beside `--out` and swaps it in at the end, so a
failed or interrupted build leaves the previous site exactly as it was. `--out` must
be empty, absent, or carry our marker file: we never replace a folder we did not make.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import unicodedata
from pathlib import Path, PurePosixPath
from types import TracebackType

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


class Staging:
    """A staging folder beside `out`; `publish()` swaps it in atomically."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.root = out.parent / f".{out.name}.staging-{os.getpid()}"
        self.written: dict[str, PurePosixPath] = {}

    def __enter__(self) -> Staging:
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        (self.root / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return self

    def path(self, rel: str | PurePosixPath) -> Path:
        """The staging path for `rel`, created parents and all, after safety checks."""
        safe = safe_relpath(rel)
        key = collision_key(safe)
        other = self.written.get(key)
        if other is not None and other != safe:
            raise OutputError(f"two pages would share one file: {other} and {safe}")
        self.written[key] = safe
        target = self.root.joinpath(*safe.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, rel: str | PurePosixPath, data: str | bytes) -> None:
        target = self.path(rel)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        try:
            with open(target, "wb") as fh:
                fh.write(payload)
        except OSError as exc:
            raise _os_error(exc, target) from exc

    def publish(self) -> None:
        """Swap the staging folder in place of `out`; the old site goes only after."""
        old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        try:
            if self.out.exists():
                os.replace(self.out, old)
            os.replace(self.root, self.out)
        except OSError as exc:
            if old.exists() and not self.out.exists():
                os.replace(old, self.out)
            raise _os_error(exc, self.out) from exc
        shutil.rmtree(old, ignore_errors=True)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)


def _os_error(exc: OSError, path: Path) -> OutputError:
    if exc.errno == errno.ENOSPC:
        return OutputError(f"the disk is full while writing {path}; the previous site is unchanged")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return OutputError(f"cannot write {path} ({exc.strerror}); the previous site is unchanged")
    return OutputError(f"cannot write {path} ({exc.strerror})")


def clean_stale(out: Path) -> None:
    """Remove staging/old folders left by builds that were killed."""
    for pattern in (f".{out.name}.staging-*", f".{out.name}.old-*"):
        for stale in out.parent.glob(pattern):
            pid = stale.name.rsplit("-", 1)[-1]
            if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
                continue
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class BuildLock:
    """An exclusive lock beside `out` so two builds never write the same site."""

    def __init__(self, out: Path) -> None:
        self.path = out.parent / f".{out.name}.lock"
        self.fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            raise OutputError(
                f"another archivist build is writing {self.path.parent} (lock {self.path}); "
                "wait for it to finish"
            ) from None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
