"""The CI case of `bench/run.py --ci-cache`: a fresh runner with only `.archivist-cache/`
restored, one record edited, against a clean build of the same content.

Three folders, each a fresh copy of the site's files (new inodes and times, as a
checkout gives): the previous CI run builds the unedited site with no cache; the next
run gets one record edited and a copy of the previous run's `.archivist-cache/` (as
the CI cache step restores it: new inodes, times kept) and no output folder; the clean
build (`--clean`, no cache) builds the edited content. Both outputs are then compared
file by file, byte for byte.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from measure import Timing, log, remove_tree

CACHE = ".archivist-cache"
OUT = "_site"


class _Built(Protocol):
    @property
    def total(self) -> Timing: ...


@dataclass(frozen=True)
class CiResult:
    first: Timing  # the previous CI run: no cache, no output folder
    edit: Timing  # the next run: one edit, only the cache restored
    clean: Timing  # a clean build of the edited content
    differences: list[str]  # files that differ between the edit's and the clean output
    files: int


def _fresh_copy(site: Path, where: Path) -> Path:
    """The site's own files (archivist.yaml, content/, templates/, static/ …) in a new
    folder: never its outputs or cache."""
    remove_tree(where)
    ignore = shutil.ignore_patterns(CACHE, OUT, "_site*", "site-*", ".*.lock")
    shutil.copytree(site, where, ignore=ignore)
    return where


def _edit_middle_record(site: Path) -> None:
    files = sorted((site / "content").rglob("*.md"))
    path = files[len(files) // 2]
    path.write_bytes(path.read_bytes().rstrip(b"\n") + b" Edited in a CI run.\n")


def compare_trees(a: Path, b: Path) -> tuple[list[str], int]:
    """(paths missing on one side or differing in bytes, files compared)."""

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir()}

    left, right = files(a), files(b)
    differ = sorted(left ^ right)
    for rel in sorted(left & right):
        if not filecmp.cmp(a / rel, b / rel, shallow=False):
            differ.append(rel)
    return differ, len(left | right)


def run_ci_cache(corpus_site: Path, work: Path, build: Callable[[Path, bool], _Built]) -> CiResult:
    """The three builds; `build(site, clean)` builds `site` into `site/_site`."""
    previous = _fresh_copy(corpus_site, work / "ci-previous")
    log("  ci-cache: previous run (no cache) ...")
    first = build(previous, False).total
    runner = _fresh_copy(corpus_site, work / "ci-next")
    _edit_middle_record(runner)
    shutil.copytree(previous / CACHE, runner / CACHE, symlinks=True)
    remove_tree(previous)
    os.sync()
    log("  ci-cache: next run (one edit, only the cache restored) ...")
    edit = build(runner, False).total
    clean_site = _fresh_copy(runner, work / "ci-clean")
    log("  ci-cache: clean build of the same content ...")
    clean = build(clean_site, True).total
    differences, files = compare_trees(runner / OUT, clean_site / OUT)
    remove_tree(runner)
    remove_tree(clean_site)
    return CiResult(first, edit, clean, differences, files)
