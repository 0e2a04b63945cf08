"""Datelines, classification lines, footnote blocks and references.

Lines here paraphrase the shapes seen in edited diplomatic documents; none is copied
from a corpus.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.model import Note
from archivist.read.datelines import parse_classification, parse_dateline, split_body
from archivist.read.dates import find_date, parse_date
from conftest import REPO, corpus_path

# line, type, place, edtf, classification
DATELINES = [
    ("Cablegram 412 CANBERRA, 3 May 1950", "Cablegram", "CANBERRA", "1950-05-03", None),
    ("Cablegram [UNY]77 CANBERRA, 9 June 1946", "Cablegram", "CANBERRA", "1946-06-09", None),
    (
        "Letter ADELAIDE, 2 March 1939, PERSONAL AND SECRET",
        "Letter",
        "ADELAIDE",
        "1939-03-02",
        "PERSONAL AND SECRET",
    ),
    ("Cablegram 8 LONDON, 4 April 1938, 6.15 p.m.", "Cablegram", "LONDON", "1938-04-04", None),
    ("Cablegram Hag 9 THE HAGUE, 5 July 1947", "Cablegram", "THE HAGUE", "1947-07-05", None),
    (
        "Cablegram UN101 NEW YORK, 6 August 1946, 1.10 a.m.",
        "Cablegram",
        "NEW YORK",
        "1946-08-06",
        None,
    ),
    (
        "Circular cablegram D12 LONDON, 7 March 1940",
        "Circular cablegram",
        "LONDON",
        "1940-03-07",
        None,
    ),
    ("Memorandum MELBOURNE, 6 December 1937", "Memorandum", "MELBOURNE", "1937-12-06", None),
    ("Minute 77 CANBERRA, 9 March 1937", "Minute", "CANBERRA", "1937-03-09", None),
    (
        "Record of Conversation CANBERRA, 2 May 1955",
        "Record of Conversation",
        "CANBERRA",
        "1955-05-02",
        None,
    ),
    ("Letter (extract) [LONDON], 1 March 1948", "Letter", "[LONDON]", "1948-03-01", None),
    ("[LONDON], 13 July 1942", None, "[LONDON]", "1942-07-13", None),
    ("Cablegram 30 6 March 1937,", "Cablegram", None, "1937-03-06", None),
    ("Cablegram unnumbered 15 November 1937,", "Cablegram", None, "1937-11-15", None),
    ("Canberra, 29 April 1974", None, "Canberra", "1974-04-29", None),
    ("Kuala Lumpur, 2 September 1975", None, "Kuala Lumpur", "1975-09-02", None),
    ("British High Commission, Canberra, 4 August 1970", None, "Canberra", "1970-08-04", None),
    ("Canberra, April 1976", None, "Canberra", "1976-04", None),
    ("Canberra, [23] March 1959", None, "Canberra", "1959-03-?23", None),
    (
        "Cablegram 14, CANBERRA, 25 January 1949, 10.30 p.m.",
        "Cablegram",
        "CANBERRA",
        "1949-01-25",
        None,
    ),
    ("Dispatch 7/1946 WASHINGTON, 26 December 1946", "Dispatch", "WASHINGTON", "1946-12-26", None),
    ("27th November, 1924", None, None, "1924-11-27", None),
    (
        "Radio message [AT SEA], 2 January 1946, 4.30. G.M.T.",
        "Radio message",
        "[AT SEA]",
        "1946-01-02",
        None,
    ),
    (
        "MOST IMMEDIATE SECRET CANBERRA, 6 August 1947",
        None,
        "CANBERRA",
        "1947-08-06",
        "MOST IMMEDIATE SECRET",
    ),
    ("CANBERRA, 6 July 1946 Cablegram HAGUE 44", "Cablegram", "CANBERRA", "1946-07-06", None),
    ("Cablegram S43 CHUNGKING, n.d.", "Cablegram", "CHUNGKING", None, None),
    ("Canberra, undated", None, "Canberra", None, None),
]


@pytest.mark.parametrize(("line", "kind", "place", "edtf", "cls"), DATELINES)
def test_parse_dateline(
    line: str, kind: str | None, place: str | None, edtf: str | None, cls: str | None
) -> None:
    got = parse_dateline(line)
    assert got is not None
    assert (got.type, got.place, got.classification) == (kind, place, cls)
    assert (got.date.edtf if got.date else None) == edtf
    assert got.text == line


@pytest.mark.parametrize(
    "line",
    [
        "I acknowledge your letter of 29 December 1938 and have read it with care.",
        "On August 15, 1947, trade with the region was formally reopened to private firms.",
        "Repeated to the High Commissioner, Prime Minister",
        "Your telegram 17th March No.68 repeated Wellington No.64.",
        "",
        "x" * 5000,
    ],
)
def test_not_a_dateline(line: str) -> None:
    assert parse_dateline(line) is None


CLASSIFICATIONS = [
    ("MOST IMMEDIATE SECRET", "MOST IMMEDIATE SECRET"),
    ("Confidential", "Confidential"),
    ("SECRET AND CONFIDENTIAL", "SECRET AND CONFIDENTIAL"),
    ("Top Secret Austeo", "Top Secret Austeo"),
    ("1430\\. Secret Priority", "Secret Priority"),
    ("497\\. Secret", "Secret"),
    ("No 1051. CONFIDENTIAL PRIORITY", "CONFIDENTIAL PRIORITY"),
    ("O.CH258914 SECRET AUSTEO IMMEDIATE", "SECRET AUSTEO IMMEDIATE"),
    ("FOR THE PRIME MINISTER PERSONAL HIMSELF", "FOR THE PRIME MINISTER PERSONAL HIMSELF"),
    ("Top Secret&mdash;Guard", "Top Secret—Guard"),
    (" **Secret**", "Secret"),
    ("Secret talks with the Minister went well", None),
    ("THE MINISTER", None),
    ("Your 87.", None),
]


@pytest.mark.parametrize(("line", "expected"), CLASSIFICATIONS)
def test_parse_classification(line: str, expected: str | None) -> None:
    assert parse_classification(line) == expected


MARKED = """Cablegram 15 CANBERRA, 30 January 1947

SECRET

Our 12. Please seek recognition of the new Consul-General. [1]

Second paragraph of the text. [2]

 _

1 The reply came on 17 February.

2 See Document 9.
A second line of the same note.

_

 _[AA:A1234/1, IC47/15/2]_
"""


def test_split_body_marked_block() -> None:
    parts = split_body(MARKED)
    assert parts.dateline is not None and parts.dateline.type == "Cablegram"
    assert parts.dateline.date is not None and parts.dateline.date.edtf == "1947-01-30"
    assert parts.classification == "SECRET"
    assert parts.source == "[AA:A1234/1, IC47/15/2]"
    assert parts.notes == (
        Note("1", "The reply came on 17 February."),
        Note("2", "See Document 9.\n\nA second line of the same note."),
    )
    assert parts.body.startswith("Cablegram 15 CANBERRA")  # the dateline stays
    assert parts.body.endswith("Second paragraph of the text. [2]")
    assert "_[AA" not in parts.body and "17 February" not in parts.body
    assert (parts.dateline_line, parts.classification_line) == (1, 3)
    assert (parts.notes_line, parts.source_line) == (9, 18)


# Each body ends with a different tail shape; expected (source, note labels).
TAILS = [
    (  # opener glued to the first note, empty reference
        "Text. [1]\n\n _1 A glued first note.\n\n2 Second.\n\n_\n\n __\n",
        None,
        ["1", "2"],
    ),
    (  # notes as a bullet list after the reference
        "Text.[1](#f1)\n\n _[NAA: A1838, 3038/10/1, vi]_\n\n  * 1 Document 3.\n  * 2 See note 2.\n",
        "[NAA: A1838, 3038/10/1, vi]",
        ["1", "2"],
    ),
    (  # unmarked notes after the reference
        "Text.[1](#f1)\n\n[NAA: A1838, 3107/38, iii]\n\n1 Document 10.\n\n2Not published.\n",
        "[NAA: A1838, 3107/38, iii]",
        ["1", "2"],
    ),
    (  # unmarked notes before the reference, numbered 1..n
        "Text [1] and [2].\n\n1 First note.\n\n2 Second note.\n\n[AA : CP 290/6, BUNDLE 1]\n",
        "[AA : CP 290/6, BUNDLE 1]",
        ["1", "2"],
    ),
    (  # the reference wrapped by the markers, no notes
        "Text.\n\n _\n\n[AA: A1608, B41/1/6]\n\n_\n",
        "[AA: A1608, B41/1/6]",
        [],
    ),
    (  # editorial commentary between the reference and the notes
        "Text.[1](#f1)\n\n[NAA: A6706, 61]\n\n **Next events**\n\n _The editors' linking paragraph._\n\n1 A note.\n",
        "[NAA: A6706, 61]",
        ["1"],
    ),
    (  # Markdown footnotes
        "Text.[^1]\n\n[NAA: A1838, 3006/4/3, vii]\n\n[^1]: Noted in the margin.\n",
        "[NAA: A1838, 3006/4/3, vii]",
        ["1"],
    ),
    (  # reference of a published source, no colon
        "Text.\n\n[Foreign Affairs Record, vol. 47, no. 10, pp. 537-40.]\n",
        "[Foreign Affairs Record, vol. 47, no. 10, pp. 537-40.]",
        [],
    ),
    (  # a newspaper as the source, with its date
        "Text.\n\n _[REPORTED IN 'THE DAILY PAPER', 24 AUGUST 1939, P. 9]_\n",
        "[REPORTED IN 'THE DAILY PAPER', 24 AUGUST 1939, P. 9]",
        [],
    ),
    (  # numbered paragraphs are not notes: they do not count down to 1 before the end
        "Text.\n\n2 Two things follow.\n\n3 And a third.\n",
        None,
        [],
    ),
    (  # a supplied signature in brackets is not a reference
        "Text.\n\n[F. STRAHAN]\n",
        None,
        [],
    ),
    (  # a supplied dateline in brackets is not a reference
        "Text.\n\n _[NEW DELHI, 20 January 1949]_\n",
        None,
        [],
    ),
]


@pytest.mark.parametrize(("body", "source", "labels"), TAILS)
def test_split_body_tails(body: str, source: str | None, labels: list[str]) -> None:
    parts = split_body(body)
    assert parts.source == source
    assert [n.label for n in parts.notes] == labels
    assert parts.body.startswith("Text")
    for note in parts.notes:
        assert note.text not in parts.body
    if source:
        assert source not in parts.body


def test_split_body_notes_never_take_text_lines() -> None:
    body = "Cablegram 1 CANBERRA, 3 May 1950\n\n1 Our first point.\n\n2 Our second point.\n"
    parts = split_body(body)
    assert parts.body.startswith("Cablegram 1")
    assert "Our first point." in parts.body or parts.notes  # either way nothing is lost
    kept = parts.body + "".join(n.text for n in parts.notes)
    assert "Our first point." in kept and "Our second point." in kept


HEADS = [
    # body, dateline text, place, classification
    ("Cablegram 435,\nMOST IMMEDIATE SECRET CANBERRA, 6 August 1947\n\nYour 72.\n",
     "Cablegram 435, MOST IMMEDIATE SECRET CANBERRA, 6 August 1947", "CANBERRA", "MOST IMMEDIATE SECRET"),
    ("2nd October, 1951\n\nCANBERRA\n\nSubject line\n",
     "2nd October, 1951 CANBERRA", "CANBERRA", None),
    ("## 5 Cablegram from A to B[1](#f1)\n\nWashington, 25 June 1946\n\n848\\. Secret Most Immediate\n\nText.\n",
     "Washington, 25 June 1946", "Washington", "Secret Most Immediate"),
    ("Repeated to the High Commissioner\n\nCablegram 77 TOKYO, 24 June 1938, 8.00 p.m.\n\nReceived 25 June 1938\n\nSECRET\n",
     "Cablegram 77 TOKYO, 24 June 1938, 8.00 p.m.", "TOKYO", "SECRET"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "text", "place", "cls"), HEADS)
def test_split_body_heads(body: str, text: str, place: str | None, cls: str | None) -> None:
    parts = split_body(body)
    assert parts.dateline is not None
    assert (parts.dateline.text, parts.dateline.place, parts.classification) == (text, place, cls)


def test_heading_gives_the_type_when_the_dateline_has_none() -> None:
    parts = split_body("## 5 Cablegram from A to B\n\nWashington, 25 June 1946\n\nText.\n")
    assert parts.dateline is not None and parts.dateline.type == "Cablegram"


def test_split_body_without_dateline_or_tail() -> None:
    body = "A memorandum with no dateline at all.\n\nIt just talks.\n"
    parts = split_body(body)
    assert parts.dateline is None and parts.source is None and parts.notes == ()
    assert parts.body == body.rstrip()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_safe(text: str) -> None:
    parse_date(text)
    find_date(text)
    parse_dateline(text)
    parts = split_body(text)
    assert isinstance(parts.body, str)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["_", " _", "__", "1 Note.", "  * 2 Note.", "[AA:A1, 2]", "Text [1].", "", "-",
             "Cablegram 1 CANBERRA, 3 May 1950", "SECRET", "[^1]: x", " _1 glued"]
        ),
        max_size=30,
    )
)  # fmt: skip
def test_any_arrangement_of_tail_lines_is_safe(lines: list[str]) -> None:
    parts = split_body("\n".join(lines))
    assert isinstance(parts.notes, tuple)


def _bench() -> object:
    spec = importlib.util.spec_from_file_location("fidelity", REPO / "bench" / "fidelity.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["fidelity"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_dafp_corpus_meets_the_bars() -> None:
    root: Path = corpus_path("corpus", "dafp", "_volumes")
    bench = _bench()
    report = bench.measure(root)  # type: ignore[attr-defined]
    assert report.records >= 9000
    assert report.lost == ()
    for name in (
        "date = doc_date (datelines with a full date)",
        "source = naa_refs (reference is a body line)",
        "source = closing bracketed line",
    ):
        tally = report.tally(name)
        assert tally.rate >= 0.99, (name, tally.ok, tally.applies)
