"""Invariants every build in the suite must keep, and tools to check them.

- records read = records published + withheld + reported (failed);
- record pages in the output = records published;
- search entries = records published: from our manifest and from the Pagefind bundle
  itself (its fragments name each page's URL), compared as sets with the pages;
- nothing outside `--out` (and our own lock, staging and cache names beside it) changed;
- a deleted record's text is in no output file (search fragments decompressed too).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from archivist.pipeline import BuildReport
from archivist.search.table import read_table

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def tree(root: Path, *, skip: Iterable[str] = ()) -> dict[str, bytes]:
    """Every file under `root` (relative posix path → bytes); folders to skip by name."""
    skipped = set(skip)
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skipped]
        for name in filenames:
            path = Path(dirpath) / name
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def tree_diff(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """Paths that differ between two trees (missing, extra or changed), sorted."""
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def search_urls(out: Path) -> set[str]:
    """The page URLs the Pagefind bundle holds (every shard), read from its fragments;
    entries that overlays made stale (place -1 in the search table) are left out, as
    the page leaves them out."""
    live: set[tuple[str, str]] | None = None
    table_file = out / "pagefind" / "search-table.bin"
    if table_file.is_file():
        manifest = json.loads((out / "pagefind" / "search-manifest.json").read_text("utf-8"))
        rows = read_table(table_file.read_bytes())["bundles"]
        live = {
            (shard["path"], rid)
            for shard, row in zip(manifest["shards"], rows, strict=True)
            for rid, place in zip(row["ids"], row["places"], strict=True)
            if place >= 0
        }
    urls: set[str] = set()
    for fragment in (out / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd"), fragment
        url = json.loads(data[len(b"pagefind_dcd") :])["url"]
        bundle = fragment.parent.parent.relative_to(out).as_posix() + "/"
        if live is None or (bundle, fragment.stem) in live:
            urls.add(url)
    return urls


def output_texts(out: Path) -> Iterable[tuple[str, str]]:
    """(path, text) of every output file, search fragments decompressed."""
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".pf_fragment":
            data = gzip.decompress(data)
        yield path.relative_to(out).as_posix(), data.decode("utf-8", "replace")


def snapshot(root: Path, out: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every path under `root` that a build must not touch: all but
    `out` itself and the names a build keeps beside it (lock, staging, old, cache)."""
    ours = {out.name, f".{out.name}.lock", ".archivist-cache"}
    state: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == out.parent:
            dirnames[:] = [
                d
                for d in dirnames
                if d not in ours
                and not d.startswith((f".{out.name}.staging-", f".{out.name}.old-"))
            ]
            filenames = [f for f in filenames if f not in ours]
        for name in dirnames:  # a folder's own stamp changes with its entries: not compared
            state[(here / name).relative_to(root).as_posix() + "/"] = (0, 0)
        for name in filenames:
            path = here / name
            st = path.lstat()
            state[path.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns)
    return state


def record_pages(out: Path) -> set[str]:
    return {
        "/" + p.parent.relative_to(out).as_posix() + "/"
        for p in (out / "records").glob("*/index.html")
    }


def assert_invariants(
    report: BuildReport,
    out: Path,
    *,
    deleted_texts: Iterable[str] = (),
    before: dict[str, tuple[int, int]] | None = None,
    root: Path | None = None,
) -> None:
    """Check every invariant after a build that published (fully or with --keep-going)."""
    assert report.records_read == report.published + report.withheld + report.failed, report
    pages = record_pages(out)
    assert len(pages) == report.published, (len(pages), report.published)
    manifest = json.loads((out / "pagefind" / "search-manifest.json").read_text("utf-8"))
    assert manifest["entries"] == report.published == report.search_entries
    assert search_urls(out) == pages
    texts = list(deleted_texts)
    if texts:
        for rel, text in output_texts(out):
            for gone in texts:
                assert gone not in text, f"deleted text {gone!r} still in {rel}"
    if before is not None:
        assert root is not None
        after = snapshot(root, out)
        assert after == before, tree_diff(
            {k: repr(v).encode() for k, v in before.items()},
            {k: repr(v).encode() for k, v in after.items()},
        )


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m archivist …` in a subprocess with this checkout on the path."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + full_env.get("PYTHONPATH", "")
    return subprocess.run(
        [PYTHON, "-m", "archivist", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )


PEOPLE = ("Anna Keller", "Tomas Brenner", "Mao Zedong", "V. Popovic", "Jan Novak")
SUBJECTS = ("Trade", "Borders", "Treaties")


def sample_record(n: int, *, title: str | None = None, body: str | None = None) -> str:
    """A varied, valid Markdown record: dates of mixed precision, people, subjects."""
    dates = ("1955-06-30", "June 1977", "1948", "March 3, 1949", "undated")
    a, b = PEOPLE[n % len(PEOPLE)], PEOPLE[(n + 2) % len(PEOPLE)]
    lines = [
        "---",
        f"title: {json.dumps(title or f'Letter {n} from {a} to {b}')}",
        f"date: {json.dumps(dates[n % len(dates)])}",
        f"type: {json.dumps(('Letter', 'Telegram', 'Memorandum')[n % 3])}",
        "language: English",
        "participants:",
        f"  - name: {json.dumps(a)}",
        "    role: sender",
        f"  - name: {json.dumps(b)}",
        "    role: recipient",
        f"source: {json.dumps(f'Test archive, fond {n}, file {n * 7}')}",
        "rights: Public domain.",
        f"summary: {json.dumps(f'Summary of record {n}.')}",
        "subjects:",
        f"  - {SUBJECTS[n % len(SUBJECTS)]}",
        "---",
        body if body is not None else f"{a}: The text of record number {n}.\n\n{b}: A reply.",
        "",
    ]
    return "\n".join(lines)


def sample_site(root: Path, count: int, config: str = "title: Test archive\n") -> Path:
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (content / f"rec-{n:03d}.md").write_text(sample_record(n), encoding="utf-8")
    (root / "archivist.yaml").write_text(config, encoding="utf-8")
    return root
