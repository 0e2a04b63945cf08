"""Size and pathology: the per-record time budget, huge records, very many records.

A record that takes longer than `record_timeout` to read or render is an error: the
build fails closed (nothing new published), or with --keep-going publishes the rest
and still fails. The slow cases run in CI too (marked slow).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archivist.model import Record
from archivist.pipeline import BuildFailed, build
from archivist.render import records
from invariants import assert_invariants, sample_record, sample_site, tree


@pytest.fixture
def slow_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering `rec-002` never ends (a stand-in for a pathological body)."""
    real = records.record_outputs

    def outputs(
        renderer: object, record: Record, line: bytes | None = None
    ) -> Iterator[tuple[str, str | bytes]]:
        if record.id == "rec-002":
            time.sleep(3600)
        return real(renderer, record, line)  # type: ignore[arg-type]

    monkeypatch.setattr(records, "record_outputs", outputs)


CONFIG = "title: Budget\nrecord_timeout: 0.5\n"


@pytest.mark.parametrize("count,jobs", [(5, 1), (40, 2)])
def test_a_record_over_budget_fails_closed(
    tmp_path: Path, slow_record: None, count: int, jobs: int
) -> None:
    site = sample_site(tmp_path / "site", count, CONFIG)
    (site / "content" / "rec-002.md").write_text(sample_record(2, title="Fast"), "utf-8")
    out = tmp_path / "_site"
    # An old site first (rec-002 renders fine while it has another id).
    (site / "content" / "rec-002.md").rename(site / "content" / "fast.md")
    build(site, out, jobs=jobs)
    old = tree(out)
    (site / "content" / "fast.md").rename(site / "content" / "rec-002.md")
    start = time.monotonic()
    with pytest.raises(BuildFailed, match="nothing was published") as failed:
        build(site, out, jobs=jobs)
    assert time.monotonic() - start < 60
    assert tree(out) == old
    [problem] = [p for p in failed.value.problems if p.is_error]
    assert problem.location.path == "content/rec-002.md"
    assert "record_timeout" in problem.message


@pytest.mark.parametrize("jobs", [1, 2])
def test_keep_going_publishes_the_rest_and_still_fails(
    tmp_path: Path, slow_record: None, jobs: int
) -> None:
    site = sample_site(tmp_path / "site", 40, CONFIG)
    out = tmp_path / "_site"
    with pytest.raises(BuildFailed, match="published the 39 other records") as failed:
        build(site, out, keep_going=True, jobs=jobs)
    report = failed.value.report
    assert report is not None and report.published == 39 and report.failed == 1
    assert not (out / "records" / "rec-002").exists()
    # No page links to the record left out.
    for page in out.rglob("*.html"):
        assert "records/rec-002/" not in page.read_text("utf-8")
    assert_invariants(report, out)


@pytest.fixture
def budget_site(tmp_path: Path) -> Path:
    return sample_site(tmp_path / "site", 3, "title: Sizes\nrecord_timeout: 5\n")


def _outcome(site: Path, out: Path, name: str) -> str:
    """Build with --keep-going: 'published' or 'reported' for `name`; never anything else."""
    try:
        report = build(site, out, keep_going=True, jobs=1)
    except BuildFailed as exc:
        assert exc.report is not None
        report = exc.report
        assert any(p.location.path == f"content/{name}.md" for p in exc.problems if p.is_error)
        assert_invariants(report, out)
        return "reported"
    assert_invariants(report, out)
    assert (out / "records" / name / "index.html").is_file()
    return "published"


def test_cdata_pathology_finishes_within_the_budget(budget_site: Path, tmp_path: Path) -> None:
    body = "a <![CDATA[ " * 20_000  # 240 KB, slow in markdown-it-py
    (budget_site / "content" / "cdata.md").write_text(sample_record(9, body=body), "utf-8")
    start = time.monotonic()
    assert _outcome(budget_site, tmp_path / "_site", "cdata") in ("published", "reported")
    assert time.monotonic() - start < 120


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "x" + "]" * 100_000,
        "*a " * 100_000,
        "> " * 20_000 + "deep",
        "".join("  " * i + "- x\n" for i in range(2_000)),
        "x" * 2_000_000,  # one 2 MB line
        "[^1] " * 20_000 + "\n\n[^1]: note",
    ],
    ids=["brackets", "emphasis", "quotes", "nested-list", "long-line", "footnotes"],
)
def test_pathological_bodies(budget_site: Path, tmp_path: Path, body: str) -> None:
    (budget_site / "content" / "patho.md").write_text(sample_record(9, body=body), "utf-8")
    start = time.monotonic()
    assert _outcome(budget_site, tmp_path / "_site", "patho") in ("published", "reported")
    assert time.monotonic() - start < 120


@pytest.mark.slow
def test_a_50_mb_record(budget_site: Path, tmp_path: Path) -> None:
    line = "The minister said that the matter would be considered. " * 20 + "\n\n"
    body = line * (50_000_000 // len(line))
    (budget_site / "content" / "huge.md").write_text(sample_record(9, body=body), "utf-8")
    start = time.monotonic()
    assert _outcome(budget_site, tmp_path / "_site", "huge") in ("published", "reported")
    assert time.monotonic() - start < 300


def _tiny_site(root: Path, count: int) -> Path:
    content = root / "content"
    for n in range(count):
        folder = content / f"{n // 1000:03d}"
        if n % 1000 == 0:
            folder.mkdir(parents=True)
        (folder / f"t{n:06d}.md").write_text(
            f"---\ntitle: Tiny {n}\ndate: '{1900 + n % 100}'\nsource: S\nrights: R\n---\nx{n}\n",
            encoding="utf-8",
        )
    (root / "archivist.yaml").write_text("title: Many\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "count", [pytest.param(3_000), pytest.param(100_000, marks=pytest.mark.slow)]
)
def test_very_many_tiny_records(tmp_path: Path, count: int) -> None:
    if count > 10_000 and not os.environ.get("ARCHIVIST_HUGE"):
        pytest.skip("100,000 records take a long while on a small machine: ARCHIVIST_HUGE=1")
    site = _tiny_site(tmp_path / "site", count)
    out = tmp_path / "_site"
    report = build(site, out)
    assert report.published == count
    assert_invariants(report, out)
    again = build(site, out)
    assert again.rendered == 0 and again.reused == count
