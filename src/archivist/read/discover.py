"""Which files are records: the content folder walked in a stable order, links that
lead outside it and files that are not regular reported, never read."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from archivist.config import Config
from archivist.model import Location, Problem
from archivist.read.readers import RECORD_SUFFIXES


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
        problems.append(Problem(Location(display_path(Path(entry.path), site_root)), "file", why))

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


def relative_paths(files: Sequence[Path], folder: Path) -> Iterator[str]:
    """Each file's POSIX path inside `folder` (they all lie in it), by string slicing:
    pathlib's relative_to costs more than the rest of an unchanged file's read."""
    prefix = folder.as_posix().rstrip("/") + "/"
    for path in files:
        text = path.as_posix()
        yield (
            text[len(prefix) :] if text.startswith(prefix) else path.relative_to(folder).as_posix()
        )


def display_path(path: Path, site_root: Path) -> str:
    try:
        return path.relative_to(site_root).as_posix()
    except ValueError:
        return path.as_posix()
