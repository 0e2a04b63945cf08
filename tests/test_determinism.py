"""Two builds of the same input are byte-identical, whatever the machine's settings.

Builds run in subprocesses with different TZ, LC_ALL, PYTHONHASHSEED and a content
folder whose files were created in the opposite order, and every file is compared by
its bytes, the search bundle included: Pagefind writes its filter and meta indexes in
hash-map order, and `pagefind_files` puts them in a fixed one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from archivist.pipeline import build
from invariants import run_cli, sample_record, tree, tree_diff
from sitekit import site_records

COUNT = 40  # enough for the parallel path (it starts at 32 records)


def _site(root: Path, order: list[int]) -> Path:
    content = root / "content"
    content.mkdir(parents=True)
    for n in order:
        (content / f"rec-{n:03d}.md").write_text(sample_record(n), encoding="utf-8")
    (root / "archivist.yaml").write_text(
        "title: Determinism\nbase_url: https://example.org/archive/\nsearch_shard_size: 15\n",
        encoding="utf-8",
    )
    return root


ENVIRONMENTS = [
    {"TZ": "UTC", "LC_ALL": "C", "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1700000000"},
    {
        "TZ": "Pacific/Kiritimati",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "12345",
        "SOURCE_DATE_EPOCH": "1700000000",
    },
    {
        "TZ": "America/Adak",
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "random",
        "SOURCE_DATE_EPOCH": "1700000000",
    },
]


def test_builds_are_byte_identical_across_environments(tmp_path: Path) -> None:
    trees = []
    for n, env in enumerate(ENVIRONMENTS):
        order = list(range(COUNT)) if n % 2 == 0 else list(reversed(range(COUNT)))
        site = _site(tmp_path / f"site{n}", order)
        out = tmp_path / f"out{n}" / "_site"
        jobs = "1" if n == 0 else "2"
        result = run_cli(
            "build", "-q", "--site", str(site), "--out", str(out), "--jobs", jobs, env=env
        )
        assert result.returncode == 0, result.stderr
        # A day stays that day: no time-zone conversion shifts a date.
        data = next(r for r in site_records(out) if r["id"] == "rec-000")
        assert data["date"] == {"text": "1955-06-30", "edtf": "1955-06-30"}
        trees.append(tree(out))
    for other in trees[1:]:
        assert tree_diff(trees[0], other) == []


def test_parallel_rendering_is_byte_identical_to_serial(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", list(range(COUNT)))
    serial = tmp_path / "serial"
    parallel = tmp_path / "parallel"
    a = build(site, serial, jobs=1, use_cache=False)
    b = build(site, parallel, jobs=3, use_cache=False)
    assert a.rendered == b.rendered == COUNT
    assert tree_diff(tree(serial), tree(parallel)) == []
    # Record pages and data files, Pagefind aside, are identical to the byte.
    raw_a, raw_b = tree(serial), tree(parallel)
    assert {k: v for k, v in raw_a.items() if not k.startswith("pagefind/")} == {
        k: v for k, v in raw_b.items() if not k.startswith("pagefind/")
    }


def test_no_clock_in_the_output(tmp_path: Path) -> None:
    """Builds a day apart (by SOURCE_DATE_EPOCH) give the same site: stamps come from
    the records, never from the clock."""
    site = _site(tmp_path / "site", list(range(5)))
    outs = []
    for n, epoch in enumerate(("1700000000", "1800000000")):
        out = tmp_path / f"o{n}"
        result = run_cli(
            "build", "-q", "--site", str(site), "--out", str(out), env={"SOURCE_DATE_EPOCH": epoch}
        )
        assert result.returncode == 0, result.stderr
        outs.append(tree(out))
    assert tree_diff(outs[0], outs[1]) == []
    shutil.rmtree(tmp_path / "o0")
