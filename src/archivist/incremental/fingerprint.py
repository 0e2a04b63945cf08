"""A no-change rebuild in milliseconds: fingerprint every input before doing anything.

The fingerprint covers the code, the settings and build flags, the day (embargoes end),
`SOURCE_DATE_EPOCH`, and the name, size, modification and change times and inode of every file
in the content, templates and static folders, the theme and `archivist.yaml`. When it
equals the one stored after the last successful build — and every file under `--out` is
still the very file that build wrote — the build has nothing to do and says so.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from archivist.model import Location, Problem, Severity
from archivist.publish.write import tree_files

LAST_BUILD = "last-build.json"


def input_fingerprint(
    version: str, config_repr: str, flags: dict[str, object], folders: list[Path], files: list[Path]
) -> str:
    h = hashlib.sha256()
    h.update(
        json.dumps([version, config_repr, sorted(flags.items()), _epoch()], default=str).encode()
    )
    for folder in folders:
        h.update(b"\0D" + str(folder).encode("utf-8", "surrogateescape"))
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                _stamp(h, os.path.join(dirpath, name))
    for path in files:
        _stamp(h, str(path))
    return h.hexdigest()


def _epoch() -> str:
    return os.environ.get("SOURCE_DATE_EPOCH", "")


def _stamp(h: hashlib._Hash, path: str) -> None:
    try:
        st = os.stat(path)
        # The change time too: an edit that keeps the size and puts the modification
        # time back (an archive tool, `touch -r`) cannot set it back.
        line = f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{st.st_ctime_ns}\n"
    except OSError:
        line = f"{path}\0missing\n"
    h.update(line.encode("utf-8", "surrogateescape"))


def out_stamp(out: Path, marker: str) -> str | None:
    """Identifies the published tree file by file (name, size, mtime, inode): a file
    replaced, touched, added or removed by hand makes it differ."""
    if not (out / marker).is_file():
        return None
    return tree_stamp(out)[0]


def tree_stamp(root: Path) -> tuple[str, int]:
    """(the stamp `out_stamp` gives once `root` is published, the bytes of its files).

    Paths are relative to `root`, so a staging folder's stamp stays true after it is
    renamed into place (a rename keeps every inode, size and modification time).
    """
    files: list[tuple[str, int, int, int]] = []
    for rel, entry in tree_files(str(root)):
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        files.append((rel, st.st_size, st.st_mtime_ns, st.st_ino))
    return stamp_of(files)


def stamp_of(files: Iterable[tuple[str, int, int, int]]) -> tuple[str, int]:
    """The stamp of a tree from (path, size, mtime, inode) of each file: what
    `tree_stamp` gives when these are exactly its files."""
    h = hashlib.sha256()
    total = 0
    for rel, size, mtime_ns, ino in sorted(files):
        h.update(f"{rel}\0{size}\0{mtime_ns}\0{ino}\n".encode("utf-8", "surrogateescape"))
        total += size
    return h.hexdigest(), total


def save(cache_dir: Path, fingerprint: str, stamp: str | None, report: dict[str, Any]) -> None:
    if stamp is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = {"fingerprint": fingerprint, "out": stamp, "report": report}
    tmp = cache_dir / (LAST_BUILD + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, cache_dir / LAST_BUILD)


def unchanged(
    cache_dir: Path, fingerprint: str, stamp: Callable[[], str | None]
) -> dict[str, Any] | None:
    """The last build's report when nothing changed since, else None. The output
    tree is stamped (`stamp()`, a walk of every file) only once the inputs match."""
    try:
        data = json.loads((cache_dir / LAST_BUILD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != fingerprint:
        return None
    out = stamp()
    if out is None or data.get("out") != out:
        return None
    report = data.get("report")
    return report if isinstance(report, dict) else None


def problem_data(problem: Problem) -> dict[str, Any]:
    return {**asdict(problem.location), "field": problem.field, "message": problem.message,
            "severity": problem.severity.value}  # fmt: skip


def problem_from(data: dict[str, Any]) -> Problem:
    return Problem(
        Location(data["path"], data["line"], data["col"]),
        data["field"],
        data["message"],
        Severity(data["severity"]),
    )
