"""Plain transcriptions: title first, then a dateline-shaped body."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archivist.config import Config
from archivist.model import Note, Severity
from archivist.read.readers import Source, read_text
from archivist.read.readers.transcription import read

FIXTURES = Path(__file__).parent / "fixtures" / "transcription"


def _source(name: str) -> Source:
    return Source(f"content/{name}", Path(name).stem, Config())


def test_sample_transcription() -> None:
    path = FIXTURES / "legation-to-department.txt"
    result = read(path.read_text(encoding="utf-8"), _source(path.name))
    assert result.problems == ()
    (record,) = result.records
    assert record.id == "legation-to-department"
    assert record.path == "content/legation-to-department.txt"
    assert record.title == "Legation in Lisbon to Department of External Affairs"
    assert record.type == "Cablegram"
    assert record.place == "LISBON"
    assert record.classification == "MOST IMMEDIATE SECRET"
    assert record.date is not None
    assert (record.date.edtf, record.date.earliest, record.date.time) == (
        "1951-03-14",
        dt.date(1951, 3, 14),
        "6.40 p.m.",
    )
    assert record.date.text == "14 March 1951, 6.40 p.m."
    assert record.source == "[AA:A9999/1, 51/2/7, ii]"
    assert record.notes == (
        Note("1", "Dispatched 12 March; it asked for the Government's view of the proposed visit."),
        Note(
            "2",
            "The visit took place in May; see Document 45.\n\n"
            "The Department's record of it has not been found.",
        ),
    )
    assert record.body_format == "text"
    assert record.body.startswith("Cablegram 212 LISBON")
    assert record.body.rstrip().endswith("HARTLEY")
    assert "Document 45" not in record.body and "AA:A9999" not in record.body
    # origin lines point into the file as written
    assert record.where("title").line == 1
    assert record.where("date").line == 3
    assert record.where("classification").line == 5
    assert record.where("source").line == 24


def test_dispatch_reads_a_plain_txt_as_transcription() -> None:
    path = FIXTURES / "legation-to-department.txt"
    text = path.read_text(encoding="utf-8")
    try:
        result = read_text(text, _source(path.name), ".txt")
    except ImportError:
        pytest.skip("archive_text reader not in this branch")
    assert result.records and result.records[0].type == "Cablegram"


@pytest.mark.parametrize("text", ["", "\n\n   \n"])
def test_empty_file_is_an_error(text: str) -> None:
    result = read(text, _source("empty.txt"))
    assert result.records == ()
    (problem,) = result.problems
    assert problem.is_error and "empty" in problem.message


def test_missing_dateline_is_a_warning_and_the_record_is_kept() -> None:
    text = "A Note on Shipping\n\nThe ships sailed late.\n\n[AA: A1, 1/2]\n"
    result = read(text, _source("note.txt"))
    (record,) = result.records
    assert record.title == "A Note on Shipping" and record.date is None
    assert record.source == "[AA: A1, 1/2]"
    (problem,) = result.problems
    assert problem.severity is Severity.WARNING
    assert problem.field == "date" and problem.location.line == 3
    assert "no dateline" in problem.message


def test_dateline_without_a_date_is_a_warning() -> None:
    text = "Ambassador to Department\n\nCablegram S4 CHUNGKING, n.d.\n\nText.\n\n[AA: A1, 2]\n"
    result = read(text, _source("c.txt"))
    (record,) = result.records
    assert record.type == "Cablegram" and record.place == "CHUNGKING" and record.date is None
    messages = [(p.field, p.location.line, p.message) for p in result.problems]
    assert messages == [
        ("date", 3, "no date found in the dateline ('Cablegram S4 CHUNGKING, n.d.')")
    ]


def test_missing_reference_is_a_warning() -> None:
    text = "Title\nLetter CANBERRA, 3 May 1950\nText.\n"
    result = read(text, _source("t.txt"))
    (record,) = result.records
    assert record.date is not None and record.date.edtf == "1950-05-03"
    assert [p.field for p in result.problems] == ["source"]
    assert all(not p.is_error for p in result.problems)


def test_hostile_transcription_is_kept() -> None:
    text = "T" * 1000 + "\n" + "_\n" * 5000 + "1 x\n" * 5000 + "[" * 10000
    result = read(text, _source("h.txt"))
    assert len(result.records) == 1
    assert any(p.field == "title" for p in result.problems)
