"""A CI runner starts from a fresh checkout with only `.archivist-cache/` restored: no
previous output folder. One edit must still be an incremental build, and give the
bytes of a clean build; a damaged or foreign cache only costs time."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from archivist.incremental.cache import CACHE_DIR, content_digest
from archivist.pipeline import BuildReport, build
from invariants import sample_record, sample_site, tree, tree_diff

COUNT = 30
CONFIG = "title: Test archive\nsearch_shard_size: 4\npage_size: 5\n"
EDITED = 17


def _runner(previous: Path | None, site: Path, where: Path) -> Path:
    """A fresh folder holding a copy of the site's files (new inodes and times, as a
    checkout gives) and, from `previous`, only its restored cache folder."""
    shutil.copytree(site, where, ignore=shutil.ignore_patterns("_site", CACHE_DIR))
    if previous is not None:
        shutil.copytree(previous / CACHE_DIR, where / CACHE_DIR)
    return where


def _edit(site: Path) -> None:
    (site / "content" / f"rec-{EDITED:03d}.md").write_text(
        sample_record(EDITED, body="A new body, with **bold** text."), encoding="utf-8"
    )


def _clean(site: Path, where: Path) -> dict[str, bytes]:
    clean_site = _runner(None, site, where)
    build(clean_site, clean_site / "_site", jobs=1, use_cache=False)
    return tree(clean_site / "_site")


def _first_ci_build(tmp_path: Path) -> tuple[Path, Path]:
    """(the repository's site, the folder the first CI run built in)."""
    repo = sample_site(tmp_path / "repo", COUNT, CONFIG)
    first = _runner(None, repo, tmp_path / "run1")
    build(first, first / "_site", jobs=2)
    return repo, first


def _next_ci_build(repo: Path, previous: Path, where: Path) -> tuple[Path, BuildReport]:
    run = _runner(previous, repo, where)
    assert not (run / "_site").exists()
    return run, build(run, run / "_site", jobs=2)


def test_one_edit_in_a_fresh_folder_with_the_cache_equals_a_clean_build(tmp_path: Path) -> None:
    repo, first = _first_ci_build(tmp_path)
    _edit(repo)
    run, report = _next_ci_build(repo, first, tmp_path / "run2")
    assert tree_diff(tree(run / "_site"), _clean(repo, tmp_path / "clean")) == []
    # Built from the cache: the edited record's neighbourhood rendered, one shard indexed.
    assert 1 <= report.rendered <= COUNT // 3 and report.reused == COUNT - report.rendered
    assert report.shards_indexed == 1 and report.shards_reused >= 1
    # A third run, from the second run's cache: nothing changed, nothing rendered.
    third, again = _next_ci_build(repo, run, tmp_path / "run3")
    assert again.rendered == 0 and again.shards_indexed == 0
    assert tree_diff(tree(third / "_site"), tree(run / "_site")) == []


def test_the_cache_names_every_published_file_with_the_digest_of_its_bytes(
    tmp_path: Path,
) -> None:
    """Digests are taken as files are written (pages, data, search bundles), never read
    back; each must still be the digest of the bytes published, or a CI runner would
    rebuild (or, worse, trust) the wrong files."""
    _repo, first = _first_ci_build(tmp_path)
    units = json.loads((first / CACHE_DIR / "_site" / "units.json").read_text("utf-8"))["units"]
    listed = {rel: digest for unit in units.values() for rel, *_, digest in unit["files"]}
    assert any(rel.startswith("pagefind/") for rel in listed)
    assert any(rel.startswith("records/") for rel in listed)
    for rel, digest in listed.items():
        assert digest == content_digest((first / "_site" / rel).read_bytes()), rel


def test_the_cache_holds_one_site_and_no_more(tmp_path: Path) -> None:
    """Chained CI runs: the restored cache never grows with the number of builds."""
    repo, previous = _first_ci_build(tmp_path)
    sizes = []
    for n in range(3):
        (repo / "content" / f"rec-{n:03d}.md").write_text(
            sample_record(n, body=f"Edit number {n}."), encoding="utf-8"
        )
        previous, _ = _next_ci_build(repo, previous, tmp_path / f"run-{n}")
        files = [p for p in (previous / CACHE_DIR).rglob("*") if p.is_file()]
        site_files = [p for p in (previous / "_site").rglob("*") if p.is_file()]
        # The spare is one copy of the site, plus the cache's own few files.
        assert len(files) <= len(site_files) + 32
        sizes.append(len(files))
    assert max(sizes) - min(sizes) <= 2


def test_a_damaged_cache_index_is_not_believed(tmp_path: Path) -> None:
    """units.json is checked whole: one changed byte (here a splice range, which no
    other check would catch) and the cache is ignored."""
    repo, first = _first_ci_build(tmp_path)
    units = first / CACHE_DIR / "_site" / "units.json"
    text = units.read_text("utf-8")
    note = json.loads(text)["notes"]["splice:data/records.jsonl.gz"]["value"]
    start, end = next(iter(note.values()))
    units.write_text(text.replace(f"[{start}, {end}]", f"[{start}, {end - 1}]", 1), "utf-8")
    _edit(repo)
    run, report = _next_ci_build(repo, first, tmp_path / "run2")
    assert report.reused == 0
    assert tree_diff(tree(run / "_site"), _clean(repo, tmp_path / "clean")) == []


@pytest.mark.parametrize("damage", ["page", "shard", "data file", "digest"])
def test_a_damaged_restored_cache_never_changes_the_output(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    repo, first = _first_ci_build(tmp_path)
    cache = first / CACHE_DIR / "_site"
    spare = cache / "spare"
    if damage == "page":
        target = spare / "records" / "rec-003" / "index.html"
    elif damage == "shard":
        target = next(p for p in sorted((spare / "pagefind").rglob("*")) if p.is_file()
                      and p.suffix not in (".json",))  # fmt: skip
    elif damage == "data file":
        target = spare / "data" / "records.jsonl.gz"
    if damage == "digest":
        # A foreign or stale cache: the recorded digests are not those of the files.
        units = cache / "units.json"
        data = json.loads(units.read_text("utf-8"))
        for unit in data["units"].values():
            for f in unit["files"]:
                f[4] = "0" * 32
        text = json.dumps(data)
        units.write_text(text, "utf-8")
        (cache / "units.digest").write_text(content_digest(text.encode()), "ascii")
    else:
        # Same size, other bytes: only the content tells.
        content = bytearray(target.read_bytes())
        content[len(content) // 2] ^= 0x01
        target.write_bytes(bytes(content))
    _edit(repo)
    with caplog.at_level(logging.WARNING, logger="archivist"):
        run, report = _next_ci_build(repo, first, tmp_path / "run2")
    assert tree_diff(tree(run / "_site"), _clean(repo, tmp_path / "clean")) == []
    assert "made again" in caplog.text
    if damage == "digest":
        assert report.reused == 0 and report.shards_reused == 0


def test_a_failed_build_in_a_fresh_folder_publishes_nothing_and_keeps_the_cache(
    tmp_path: Path,
) -> None:
    repo, first = _first_ci_build(tmp_path)
    (repo / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    run = _runner(first, repo, tmp_path / "run2")
    with pytest.raises(Exception, match="nothing was published"):
        build(run, run / "_site", jobs=1)
    assert not (run / "_site").exists()
    (run / "content" / "broken.md").unlink()
    _edit(run)
    report = build(run, run / "_site", jobs=1)
    assert report.reused >= COUNT - COUNT // 3
