"""Incremental builds give exactly the bytes of a clean build, and redo only what changed.

Each row of the matrix edits a built site one way; the incremental rebuild (cache and
previous site) is then compared, whole tree, with a clean build of the edited site.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from archivist.incremental import fingerprint
from archivist.incremental.keys import record_digest
from archivist.model import Location, Participant, Record
from archivist.pipeline import BuildFailed, Session, build, prepare_spare
from archivist.publish.write import MARKER
from archivist.search.indexing import BackgroundIndex
from archivist.search.pagefind import SearchError
from archivist.theme import theme_dir
from invariants import (
    assert_invariants,
    sample_record,
    sample_site,
    snapshot,
    tree,
    tree_diff,
)

COUNT = 12
# Small search shards, so one edit leaves other shards to be reused.
CONFIG = "title: Test archive\nsearch_shard_size: 4\npage_size: 5\n"


def _edit_title(site: Path) -> None:
    (site / "content" / "rec-005.md").write_text(
        sample_record(5, title="An edited title for record five"), encoding="utf-8"
    )


def _edit_body(site: Path) -> None:
    (site / "content" / "rec-005.md").write_text(
        sample_record(5, body="A new body, with **bold** text."), encoding="utf-8"
    )


def _edit_date(site: Path) -> None:
    path = site / "content" / "rec-003.md"
    text = path.read_text("utf-8")
    assert 'date: "March 3, 1949"' in text
    path.write_text(text.replace('date: "March 3, 1949"', 'date: "1990-01-01"'), "utf-8")


def _add(site: Path) -> None:
    (site / "content" / "rec-100.md").write_text(sample_record(100), encoding="utf-8")


def _delete(site: Path) -> None:
    (site / "content" / "rec-007.md").unlink()


def _rename(site: Path) -> None:
    (site / "content" / "rec-007.md").rename(site / "content" / "renamed-seven.md")


def _template(site: Path) -> None:
    (site / "templates").mkdir(exist_ok=True)
    text = (theme_dir("templates") / "record.html").read_text("utf-8")
    (site / "templates" / "record.html").write_text(
        text.replace("{% block main %}", "{% block main %}<p>Local template</p>", 1),
        encoding="utf-8",
    )


def _setting(site: Path) -> None:
    (site / "archivist.yaml").write_text(CONFIG + "publisher: A new publisher\n", "utf-8")


def _outputs(site: Path) -> None:
    text = CONFIG + "outputs: [record_json, citation_files, records_csv, oai_pmh]\n"
    (site / "archivist.yaml").write_text(text, "utf-8")


def _static(site: Path) -> None:
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "archivist.css").write_text("body { color: black; }\n", "utf-8")


def _people(site: Path) -> None:
    path = site / "content" / "rec-002.md"
    path.write_text(path.read_text("utf-8").replace("Mao Zedong", "Zhou Enlai"), "utf-8")


def _nothing(site: Path) -> None:
    pass


CASES: dict[str, Callable[[Path], None]] = {
    "no change": _nothing,
    "change a record's title": _edit_title,
    "change a record's body": _edit_body,
    "change a record's date (moves it)": _edit_date,
    "change a participant": _people,
    "add a record": _add,
    "delete a record": _delete,
    "rename a record file": _rename,
    "change a template": _template,
    "change a setting": _setting,
    "turn the optional outputs on": _outputs,
    "change a static file": _static,
}


@pytest.mark.parametrize("change", list(CASES), ids=list(CASES))
def test_incremental_equals_clean(tmp_path: Path, change: str) -> None:
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "out" / "_site"
    build(site, out, jobs=1)
    deleted = "The text of record number 7." if change in ("delete a record",) else None
    CASES[change](site)
    before = snapshot(tmp_path, out)
    incremental = build(site, out, jobs=1)
    assert_invariants(
        incremental, out, deleted_texts=[deleted] if deleted else [], before=before, root=tmp_path
    )
    clean_out = tmp_path / "clean" / "_site"
    clean = build(site, clean_out, jobs=1, use_cache=False)
    assert tree_diff(tree(out), tree(clean_out)) == []
    assert incremental.summary().split(";")[0] == clean.summary().split(";")[0]


def test_one_edit_renders_only_its_neighbourhood(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "_site"
    first = build(site, out, jobs=1)
    assert first.rendered == COUNT and first.reused == 0
    same = build(site, out, jobs=1)
    assert same.rendered == 0 and same.reused == COUNT
    assert same.shards_indexed == 0 and same.shards_reused == first.shards_indexed
    _edit_body(site)
    edited = build(site, out, jobs=1)
    # The record itself, its previous/next and the records that list it as related.
    assert 1 <= edited.rendered <= 1 + 2 + COUNT // 2
    assert edited.reused == COUNT - edited.rendered
    assert edited.shards_indexed == 1 and edited.shards_reused == first.shards_indexed - 1


def test_clean_ignores_the_cache(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    again = build(site, out, jobs=1, clean=True)
    assert again.reused == 0 and again.rendered == COUNT and again.shards_reused == 0


def test_a_hand_edited_output_file_is_not_reused(tmp_path: Path) -> None:
    """The cache trusts a file only while it is the very file it wrote."""
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    page = out / "records" / "rec-004" / "index.html"
    original = page.read_bytes()
    page.unlink()
    page.write_bytes(b"tampered")
    build(site, out, jobs=1)
    assert page.read_bytes() == original


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    cache = out.parent / ".archivist-cache" / out.name
    for f in cache.iterdir():
        if f.is_file():  # not the spare folder
            f.write_bytes(b"\x80garbage")
    report = build(site, out, jobs=1)
    assert report.rendered == COUNT
    clean_out = tmp_path / "clean"
    build(site, clean_out, jobs=1, use_cache=False)
    assert tree_diff(tree(out), tree(clean_out)) == []


def test_a_build_that_fails_at_the_index_keeps_the_last_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reads are written while the index finishes: a failure there must leave
    the last build's cache whole, and the next build must reuse it."""
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    cache = out.parent / ".archivist-cache" / out.name
    saved = {f.name: f.read_bytes() for f in cache.iterdir() if f.is_file()}
    _edit_body(site)

    def broken(self: object, progress: object = None) -> object:
        raise SearchError("Pagefind stopped")

    with monkeypatch.context() as m:
        m.setattr(BackgroundIndex, "finish", broken)
        with pytest.raises(BuildFailed, match="Pagefind stopped"):
            build(site, out, jobs=1)
    assert {f.name: f.read_bytes() for f in cache.iterdir() if f.is_file() and
            ".next." not in f.name} == saved  # fmt: skip
    again = build(site, out, jobs=1)
    assert again.reused >= COUNT - 1 - 2 - COUNT // 2
    assert not [f for f in cache.iterdir() if ".next." in f.name]
    clean_out = tmp_path / "clean" / "_site"
    build(site, clean_out, jobs=1, use_cache=False)
    assert tree_diff(tree(out), tree(clean_out)) == []


@pytest.mark.parametrize("overlays", [False, True])
@pytest.mark.parametrize(
    ("field", "damage"), [("rows", "not a mapping"), ("fragments", {"en_1234567": "/nowhere/"})]
)
def test_damaged_shard_notes_are_not_trusted(
    tmp_path: Path, overlays: bool, field: str, damage: object
) -> None:
    """The cache is JSON on disk: a shard note of the wrong shape (hand-edited, another
    version) means the shard is indexed again, never a crash or a wrong bundle."""
    site = sample_site(tmp_path / "site", 24, "title: Test archive\nsearch_shard_size: 100\n")
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    units = out.parent / ".archivist-cache" / out.name / "units.json"
    data = json.loads(units.read_text("utf-8"))
    data["notes"]["shard:0"]["value"][field] = damage
    units.write_text(json.dumps(data), "utf-8")
    _edit_body(site)
    report = build(site, out, jobs=1, search_overlays=overlays)
    assert (report.shards_indexed, report.records_overlaid) == (1, 0)
    clean_out = tmp_path / "clean"
    build(site, clean_out, jobs=1, use_cache=False)
    assert tree_diff(tree(out), tree(clean_out)) == []


def test_a_no_change_rebuild_does_nothing_and_reports_the_same(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 4, CONFIG)
    site.joinpath("content", "rec-001.md").write_text(
        sample_record(1).replace("rights:", "x-rights:"), encoding="utf-8"
    )  # a record with a warning, so the report carries a problem
    out = tmp_path / "out"
    first = build(site, out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build(site, out)
    assert again.summary().split(";")[0] == first.summary().split(";")[0]
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]
    assert (again.pages, again.search_entries) == (first.pages, first.search_entries)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
    assert again.rendered == 0 and again.reused == again.published


@pytest.mark.parametrize("change", ["edit", "delete-out", "template"])
def test_any_change_after_a_no_change_build_is_built(tmp_path: Path, change: str) -> None:
    site = sample_site(tmp_path / "site", 4, CONFIG)
    out = tmp_path / "out"
    build(site, out)
    build(site, out)  # the no-change path
    if change == "edit":
        _edit_title(site) if (site / "content" / "rec-005.md").exists() else (
            site / "content" / "rec-001.md"
        ).write_text(sample_record(1, title="Edited after a no-change build"), encoding="utf-8")
    elif change == "delete-out":
        import shutil

        shutil.rmtree(out)
    else:
        (site / "templates").mkdir(exist_ok=True)
        base = (theme_dir("templates") / "base.html").read_text(encoding="utf-8")
        (site / "templates" / "base.html").write_text(
            base.replace("<body>", "<body>\n<p>Changed after a no-change build</p>"), "utf-8"
        )
    build(site, out)
    clean_out = tmp_path / "clean"
    build(site, clean_out, clean=True)
    assert tree_diff(tree(out), tree(clean_out)) == []


def test_a_chain_of_edits_equals_clean_at_every_step(tmp_path: Path) -> None:
    # From the third build on, the site before last is reused as the staging folder
    # (it is kept in the cache folder): whatever it still holds that the new site does
    # not — a deleted record's folder, a page that is gone, a stray file — must go.
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "out" / "_site"
    build(site, out, jobs=1)
    chain = ["change a record's title", "add a record", "rename a record file",
             "change a record's date (moves it)", "change a participant",
             "turn the optional outputs on", "change a template", "no change",
             "change a record's body", "change a setting", "gone"]  # fmt: skip
    steps = {**CASES, "gone": lambda s: (s / "content" / "renamed-seven.md").unlink()}
    spare = tmp_path / "out" / ".archivist-cache" / "_site" / "spare"
    for step, change in enumerate(chain):
        steps[change](site)
        if spare.is_dir():
            (spare / "records" / "stray.html").parent.mkdir(exist_ok=True)
            (spare / "records" / "stray.html").write_text("left behind", "utf-8")
        incremental = build(site, out, jobs=1)
        clean_out = tmp_path / f"clean-{step}" / "_site"
        build(site, clean_out, jobs=1, use_cache=False)
        assert tree_diff(tree(out), tree(clean_out)) == [], change
        assert_invariants(incremental, out)
    assert spare.is_dir()  # the spare was in play


def _replace(path: Path) -> None:
    path.unlink()
    path.write_bytes(b"tampered")


def _edit_in_place(path: Path) -> None:
    with path.open("ab") as fh:  # same inode, new size and time
        fh.write(b"<!-- tampered -->")


@pytest.mark.parametrize("tamper", [_replace, _edit_in_place, Path.unlink])
@pytest.mark.parametrize(
    "page", ["records/rec-004/index.html", "people/index.html", "data/records.jsonl.gz"]
)
def test_a_hand_edited_output_file_is_rebuilt_when_the_spare_is_in_play(
    tmp_path: Path, tamper: Callable[[Path], None], page: str
) -> None:
    """The reused staging folder (the site before last) holds a link to every kept
    file; a published file replaced, edited or deleted by hand must still be made anew."""
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "out" / "_site"
    build(site, out, jobs=1)
    _edit_title(site)
    build(site, out, jobs=1)
    assert (tmp_path / "out" / ".archivist-cache" / "_site" / "spare").is_dir()
    tamper(out / page)
    _edit_body(site)  # not a no-change build: the record and list pages are keyed
    build(site, out, jobs=1)
    clean_out = tmp_path / "clean" / "_site"
    build(site, clean_out, jobs=1, use_cache=False)
    assert (out / page).read_bytes() == (clean_out / page).read_bytes()
    assert tree_diff(tree(out), tree(clean_out)) == []


def test_a_content_file_changed_under_the_same_size_and_time_is_read_again(
    tmp_path: Path,
) -> None:
    """Unchanged files are known by their stat, not read; a change that keeps the size
    and puts the modification time back still changes the inode's change time."""
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "_site"
    path = site / "content" / "rec-005.md"
    st = path.stat()
    old = st.st_mtime_ns - 10_000_000_000  # older than the racy window
    os.utime(path, ns=(old, old))
    build(site, out, jobs=1)
    text = path.read_text("utf-8")
    assert "The text of record number 5." in text
    path.write_text(text.replace("number 5.", "number V."), "utf-8")  # same size
    os.utime(path, ns=(old, old))
    build(site, out, jobs=1)
    assert "The text of record number V." in (out / "records" / "rec-005" / "index.html").read_text(
        "utf-8"
    )


def test_the_stamp_made_from_claimed_files_equals_a_walk_of_the_published_tree(
    tmp_path: Path,
) -> None:
    """The no-change check walks `--out`; the stamp it compares with is made from what
    the build claimed. A file written but not claimed would make every later build a
    full one."""
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "out" / "_site"
    saved = tmp_path / "out" / ".archivist-cache" / "_site" / fingerprint.LAST_BUILD
    for change in ("no change", "change a record's title", "add a record", "change a static file"):
        CASES[change](site)
        build(site, out, jobs=1)
        assert json.loads(saved.read_text("utf-8"))["out"] == fingerprint.out_stamp(out, MARKER)
    # And so the next build has nothing to do: it writes nothing at all.
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    build(site, out, jobs=1)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps


def test_adding_a_record_re_indexes_one_shard(tmp_path: Path) -> None:
    """Shard counts are powers of two: 12 records in shards of 4 make 4 shards, and so
    do 13, so the new record changes one shard instead of re-sharding the archive."""
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "_site"
    first = build(site, out, jobs=1)
    assert first.shards_indexed == 4
    _add(site)
    added = build(site, out, jobs=1)
    assert (added.shards_indexed, added.shards_reused) == (1, 3)


def test_preview_overlays_then_a_build_gives_the_clean_bytes(tmp_path: Path) -> None:
    """`serve` indexes an edit into an overlay beside its shard (the shard keeps the
    old entry); the next `archivist build` re-indexes the shard: the published bundle is
    a clean build's again, with nothing of the old or deleted text left in it."""
    site = sample_site(tmp_path / "site", 24, "title: Test archive\nsearch_shard_size: 100\n")
    out = tmp_path / "out" / "_site"
    first = build(site, out, jobs=1, search_overlays=True)
    assert (first.shards_indexed, first.records_overlaid) == (1, 0)
    _edit_body(site)
    _delete(site)
    preview = build(site, out, jobs=1, search_overlays=True)
    assert (preview.shards_indexed, preview.shards_reused, preview.records_overlaid) == (0, 1, 1)
    assert (out / "pagefind" / "overlay-0").is_dir()
    assert_invariants(preview, out)  # every record searchable once, no deleted record
    _edit_title(site)  # the same record again: the overlay is made anew, still one record
    again = build(site, out, jobs=1, search_overlays=True)
    assert (again.shards_indexed, again.records_overlaid) == (0, 1)
    published = build(site, out, jobs=1)
    assert (published.shards_indexed, published.records_overlaid) == (1, 0)
    assert_invariants(published, out, deleted_texts=["The text of record number 7."])
    clean_out = tmp_path / "clean" / "_site"
    build(site, clean_out, jobs=1, use_cache=False)
    assert tree_diff(tree(out), tree(clean_out)) == []


def test_a_serve_session_chain_equals_clean_at_every_step(tmp_path: Path) -> None:
    """`serve` keeps the build cache in memory and takes the spare folder's inventory
    on trust (it made it); every rebuild must still be a clean build's bytes, also
    after a build outside the session replaced the spare behind its back."""
    site = sample_site(tmp_path / "site", COUNT, CONFIG)
    out = tmp_path / "out" / "_site"
    build(site, out, jobs=1)
    session = Session()
    _edit_title(site)
    build(site, out, jobs=1, session=session)
    before = tree(out)
    # What serve does when idle after its first build: the spare, made of links (in
    # place of the site before, left by the plain build before the session's).
    spare = tmp_path / "out" / ".archivist-cache" / "_site" / "spare"
    assert spare.is_dir()
    assert prepare_spare(session, out) and not prepare_spare(session, out)
    assert tree(out) == before and tree(spare) == {**before, MARKER: tree(spare)[MARKER]}
    assert (out / MARKER).stat().st_nlink == 1  # the marker is a copy, not a link
    chain = ["add a record", "change a record's body",
             "outside", "rename a record file", "change a record's date (moves it)",
             "change a participant", "gone", "no change", "change a template"]  # fmt: skip
    steps = {**CASES, "gone": lambda s: (s / "content" / "renamed-seven.md").unlink()}
    trusted = 0
    for step, change in enumerate(chain):
        if change == "outside":  # a plain build: the session's spare is not this one
            _static(site)
            build(site, out, jobs=1)
        else:
            steps[change](site)
        trusted += session.spare is not None and (out.parent / ".archivist-cache").is_dir()
        incremental = build(site, out, jobs=1, session=session)
        clean_out = tmp_path / f"clean-{step}" / "_site"
        build(site, clean_out, jobs=1, use_cache=False)
        assert tree_diff(tree(out), tree(clean_out)) == [], change
        assert_invariants(incremental, out)
    assert trusted >= len(chain) - 3  # the trusted inventory was in play


def test_record_digest_changes_with_any_field_and_only_then() -> None:
    record = Record("a", "T", "a.md", body="x\ny", participants=(Participant("A"),))
    variants = [
        replace(record, body="x\nz"),
        replace(record, body=""),
        replace(record, participants=(Participant("A", "author"),)),
        replace(record, origin=MappingProxyType({"title": Location("a.md", 2, 1)})),
        replace(record, extra=MappingProxyType({"k": "v"})),
    ]
    assert len({record_digest(r) for r in [record, *variants]}) == 1 + len(variants)
    assert record_digest(record) == record_digest(replace(record))
