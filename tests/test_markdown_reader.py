"""The Markdown + front matter reader: values as written, errors with file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.config import Config
from archivist.model import Participant
from archivist.read.readers import read_file


def read(tmp_path: Path, text: str, config: Config | None = None, name: str = "r.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_file(path, f"content/{name}", config or Config())


def test_values_stay_as_written(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "---\ntitle: NO\ndate: 1955-06-30\nclassification: 0777\nlanguage: [English, Russian]\n"
        "participants:\n  - Mao Zedong\n  - {name: V. Popovic, role: Yugoslav Ambassador}\n"
        "custom: yes\n---\nBody *text*.\n",
    )
    assert not result.problems
    (record,) = result.records
    assert record.title == "NO"
    assert record.classification == "0777"
    assert record.date is not None
    assert (record.date.text, record.date.edtf) == ("1955-06-30", "1955-06-30")
    assert record.language == ("English", "Russian")
    assert record.participants == (
        Participant("Mao Zedong"),
        Participant("V. Popovic", "Yugoslav Ambassador"),
    )
    assert record.extra["custom"] == "yes"
    assert record.body == "Body *text*."
    assert record.id == "r"
    assert record.where("date").line == 3


@pytest.mark.parametrize(
    ("text", "line", "field", "fragment"),
    [
        ("---\ntitle: A\ndate: June 1977\ntitle: B\n---\n", 4, "yaml", "duplicate key 'title'"),
        ("---\ntitle: [A\ndate: 1948\n---\n", 3, "yaml", ""),
        ("---\ndate: June 1977\n---\nBody\n", 1, "title", "missing title"),
        ("---\ntitle: A\ndate: Junuary 41st, 1955\n---\n", 3, "date", "not a date"),
        ("---\ntitle: A\nsource: &s x\nrights: *s\n---\n", 3, "yaml", "anchors"),
        ("---\ntitle: A\n", 1, "yaml", "never closed"),
        ("Just text, no front matter\n", 1, "front matter", "starts with"),
        ("---\n- a\n- b\n---\n", 2, "yaml", "mapping"),
        ("---\ntitle: A\nuploaded: yesterday\n---\n", 3, "uploaded", "YYYY-MM-DD"),
        ("---\ntitle: A\nid: ../../etc\n---\n", 3, "id", "ids use"),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, fragment: str
) -> None:
    result = read(tmp_path, text)
    assert not result.records
    problem = next(p for p in result.problems if p.field == field)
    assert problem.location.path == "content/r.md"
    assert problem.location.line == line
    assert fragment in problem.message
    assert str(problem).startswith(f"content/r.md:{line}:")


def test_foreign_field_names_map_through_config(tmp_path: Path) -> None:
    config = Config(field_map={"date": "doc_date", "source": "naa_refs[].reference"})
    result = read(
        tmp_path,
        "---\ndoc_date: '1937-01-26'\nnaa_refs:\n- naa_barcode: 1\n  reference: '[AA : CP 290/6]'\n"
        "- reference: '[AA : A981]'\ntitle: Sir George Pearce to Mr J. A. Lyons\nvol_id: 1\n---\nText\n",
        config,
    )
    assert not result.problems
    (record,) = result.records
    assert record.date is not None and record.date.edtf == "1937-01-26"
    assert record.source == "[AA : CP 290/6]; [AA : A981]"
    assert record.extra["vol_id"] == "1"
    assert "naa_refs" not in record.extra and "doc_date" not in record.extra


def test_undated_record_is_kept_without_a_date(tmp_path: Path) -> None:
    result = read(tmp_path, "---\ntitle: A note\ndate: undated\n---\n")
    assert not result.problems
    assert result.records[0].date is None


def test_draft_status_and_embargo_are_read(tmp_path: Path) -> None:
    result = read(tmp_path, "---\ntitle: A\nstatus: draft\nembargo: 2031-01-01\n---\n")
    (record,) = result.records
    assert record.status == "draft"
    assert record.embargo is not None and record.embargo.year == 2031
