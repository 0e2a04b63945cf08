"""The editor stays in control (issue 14, part 4): `archivist people`, its draft, and
the people file's `distinct:` and `offices:`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist.cli import main
from archivist.enrich.people import parse_authority
from archivist.pipeline import BuildFailed
from sitekit import build_site, make_site, record, site_records

RECORDS = {
    "a.md": record("R.G. Menzies to Casey", date="1940-01-02", collections="[Volume 3]"),
    "b.md": record("Menzies to R. G. Casey", date="1940-01-03", collections="[Volume 3]"),
    "c.md": record("A. S. Watt to Canberra", date="1950-01-01", collections="[Volume 9]"),
    "d.md": record("G. P. N. Watt to Canberra", date="1950-01-02", collections="[Volume 9]"),
    "e.md": record(
        "Watt to Department of External Affairs", date="1950-01-03", collections="[Volume 9]"
    ),
    "f.md": record(
        "The Secretary of State to the Ambassador in Russia (Francis)", date="1918-03-01"
    ),
}


def test_people_lists_merges_and_ambiguous_names_and_writes_a_draft(tmp_path: Path) -> None:
    site = make_site(tmp_path, RECORDS)
    result = CliRunner().invoke(main, ["people", "--site", str(site)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "merged: R. G. Menzies ← R.G. Menzies | Menzies" in out or "merged: R. G. Menzies" in out
    assert "ambiguous: Watt could be a s watt or g p n watt (kept apart)" in out
    draft = (site / "content" / "people.draft.yaml").read_text(encoding="utf-8")
    assert not (site / "content" / "people.yaml").exists()  # never the editor's file
    found, problems = parse_authority(draft, "people.draft.yaml")
    assert problems == []
    menzies = found.resolve("Menzies")
    assert menzies is not None and menzies.name == "R. G. Menzies"
    assert "#   Watt: a s watt or g p n watt" in draft


def test_the_next_build_follows_the_edited_draft(tmp_path: Path) -> None:
    site = make_site(tmp_path, RECORDS)
    CliRunner().invoke(main, ["people", "--site", str(site)])
    draft = (site / "content" / "people.draft.yaml").read_text(encoding="utf-8")
    # The editor says the lone `Watt` is A. S. Watt, and saves the file.
    draft = draft.replace("people:", 'people:\n  - name: "A. S. Watt"\n    aliases: ["Watt"]', 1)
    (site / "content" / "people.yaml").write_text(draft, encoding="utf-8")
    (site / "content" / "people.draft.yaml").unlink()
    out, _ = build_site(site)
    first = {r["id"]: r["participants"][0]["person"] for r in site_records(out)}
    assert first["e"] == first["c"] == "a-s-watt" != first["d"]


OFFICES = """people:
  - name: Robert Lansing
offices:
  - {office: Secretary of State, name: Robert Lansing, from: 1915-06-23, to: 1920-02-13}
"""


def test_an_office_named_alone_is_its_holder_on_that_date(tmp_path: Path) -> None:
    site = make_site(tmp_path, {**RECORDS, "people.yaml": OFFICES})
    out, _ = build_site(site)
    one = next(r for r in site_records(out) if r["id"] == "f")
    secretary = one["participants"][0]
    assert (secretary["name"], secretary["kind"], secretary["person"]) == (
        "Secretary of State", "person", "robert-lansing",
    )  # fmt: skip
    assert (out / "people" / "robert-lansing" / "index.html").is_file()


BAD = [
    # one alias under two people
    ("people:\n  - name: A. S. Watt\n    aliases: [Watt]\n  - name: G. P. N. Watt\n"
     "    aliases: [Watt]\n", 4, "also belongs"),
    # a distinct naming nobody
    ("people:\n  - name: R. G. Menzies\ndistinct:\n  - [R. G. Menzies, H. C. Menzies]\n", 4,
     "'H. C. Menzies' names nobody"),
    ("people:\n  - name: A\ndistinct:\n  - [A]\n", 4, "two or more names"),
    ("people:\n  - name: A\n    aliases: [B]\ndistinct:\n  - [A, B]\n", 5, "same person"),
    # overlapping office terms
    ("offices:\n  - {office: Secretary of State, name: Robert Lansing, from: 1915-06-23, "
     "to: 1920-02-13}\n  - {office: secretary of state, name: Bainbridge Colby, "
     "from: 1920-02-01, to: 1921-03-04}\n", 3, "overlaps Robert Lansing's (line 2)"),
    ("offices:\n  - {office: Premier, name: A}\n  - {office: Premier, name: B, from: '1950'}\n",
     3, "overlaps"),  # an open term overlaps everything after it
    ("offices:\n  - {office: Premier, name: A, from: 1950-13-01}\n", 2, "expected a date"),
    ("offices:\n  - {office: Premier, name: A, from: '1951', to: '1950'}\n", 2, "ends before"),
    ("offices:\n  - {office: Premier}\n", 2, "needs an office and a name"),
    ("offices: Premier\n", 1, "list of terms"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_bad_people_files_are_errors_with_their_line(text: str, line: int, message: str) -> None:
    _, problems = parse_authority(text, "content/people.yaml")
    assert problems, text
    assert str(problems[0]).startswith(f"content/people.yaml:{line}:"), problems
    assert message in str(problems[0])


def test_terms_that_follow_each_other_are_fine() -> None:
    text = (
        "offices:\n  - {office: Secretary of State, name: Robert Lansing, from: 1915-06-23,"
        " to: 1920-02-13}\n  - {office: Secretary of State, name: Bainbridge Colby,"
        " from: 1920-03-23, to: 1921-03-04}\n  - {office: Premier, name: X, from: '1915'}\n"
    )
    found, problems = parse_authority(text, "p.yaml")
    assert problems == []
    assert [o.name for o in found.offices] == ["Robert Lansing", "Bainbridge Colby", "X"]


def test_nothing_is_published_while_the_people_file_is_wrong(tmp_path: Path) -> None:
    bad = "people:\n  - name: R. G. Menzies\ndistinct:\n  - [R. G. Menzies, Nobody At All]\n"
    site = make_site(tmp_path, {**RECORDS, "people.yaml": bad})
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    shown = [str(p) for p in caught.value.problems]
    assert any(
        p.endswith("people.yaml:4:5: distinct: 'Nobody At All' names nobody in the people list")
        for p in shown
    ), shown
    assert not (site / "_site").exists()
    result = CliRunner().invoke(main, ["people", "--site", str(site)])
    assert result.exit_code == 1
    assert "names nobody" in result.output


# --- incremental == clean for the cross-record facts ------------------------------------

CROSS = {
    "a.md": record("Cablegram to Canberra", type="cablegram", date="1949-01-02"),
    "b.md": record("Cablegram to Jakarta", type="Cablegram", date="1949-01-03"),
    "c.md": record("Menzies to Casey", date="1950-01-01"),
    "d.md": record("R. G. Menzies to Canberra", date="1950-01-02"),
    "e.md": record("The Secretary of State to Canberra", date="1918-03-01"),
}


def _retype(site: Path) -> None:
    # `cablegram` becomes the most used form: record b's shown type changes too
    (site / "content" / "c2.md").write_text(
        record("Cablegram to Paris", type="cablegram", date="1949-01-05"), encoding="utf-8"
    )


def _second_menzies(site: Path) -> None:
    # another full-named Menzies: the lone `Menzies` of record c leaves R. G. Menzies
    (site / "content" / "h.md").write_text(
        record("H. C. Menzies to Canberra", date="1952-05-08"), encoding="utf-8"
    )


def _office_term(site: Path) -> None:
    (site / "content" / "people.yaml").write_text(OFFICES, encoding="utf-8")


@pytest.mark.parametrize("change", [_retype, _second_menzies, _office_term])
def test_cross_record_facts_incremental_equals_clean(tmp_path: Path, change: object) -> None:
    from archivist.pipeline import build
    from invariants import tree, tree_diff

    site = make_site(tmp_path / "site", CROSS)
    out = tmp_path / "out" / "_site"
    build(site, out, jobs=1)
    change(site)  # type: ignore[operator]
    build(site, out, jobs=1)
    clean = tmp_path / "clean" / "_site"
    build(site, clean, jobs=1, use_cache=False)
    assert tree_diff(tree(out), tree(clean)) == []
