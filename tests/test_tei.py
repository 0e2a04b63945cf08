"""TEI P5 (FRUS dialect) reader: corpus fidelity, fixtures, rules, hostile input."""

from __future__ import annotations

import datetime as dt
import importlib.util
import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.config import Config
from archivist.model import Participant, ReadResult, Severity
from archivist.read.readers import Source, read_file
from archivist.read.readers.tei import (
    classification_in,
    is_attendance_label,
    read,
    strip_source_prefix,
)
from archivist.read.readers.tei_dates import date_from_attrs, day_range, split_dateline
from conftest import REPO, corpus_path

FIXTURES = Path(__file__).parent / "fixtures" / "tei"


def read_fixture(name: str) -> ReadResult:
    return read_file(FIXTURES / name, f"tei/{name}", Config())


def read_text(text: str, stem: str = "doc") -> ReadResult:
    return read(text, Source(f"{stem}.xml", stem, Config()))


def warnings(result: ReadResult, field: str) -> list[str]:
    return [
        p.message for p in result.problems if p.field == field and p.severity is Severity.WARNING
    ]


def tei(body: str, header: str = "") -> str:
    return (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><publicationStmt>'
        f"{header}</publicationStmt></fileDesc></teiHeader><text><body>{body}</body></text></TEI>"
    )


# ------------------------------------------------------------------ (a) the corpus


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fidelity_tei", REPO / "bench" / "fidelity_tei.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["fidelity_tei"] = module
    spec.loader.exec_module(module)
    return module


def test_frus_history_corpus_meets_the_bar() -> None:
    corpus = corpus_path("corpus", "frus-history", "records.jsonl").parent
    report = _bench().evaluate(corpus)
    assert (report.files, report.records, report.expected) == (63, 73, 73)
    assert report.unmatched == []
    scores = report.scores
    assert scores["title"].ratio == 1.0, scores["title"].misses
    assert scores["source"].ratio == 1.0, scores["source"].misses
    assert scores["date"].ratio >= 0.95, scores["date"].misses
    assert scores["participants"].ratio == 1.0, scores["participants"].misses
    with_lists = sum(1 for m in _bench().load_expected(corpus) if m["participants"])
    assert with_lists == 14


def test_corpus_ids_are_unique_url_safe_segments() -> None:
    corpus = corpus_path("corpus", "frus-history", "tei")
    ids = []
    for path in sorted(corpus.glob("*.xml")):
        result = read_file(path, path.name, Config())
        assert not [p for p in result.problems if p.is_error], path
        ids.extend(r.id for r in result.records)
    assert len(ids) == len(set(ids)) == 73
    assert all("/" not in i and i.isascii() and i.strip() == i for i in ids)


# ----------------------------------------------------------- (b) fixture behaviour


def test_real_frus_telegram_keeps_place_time_and_source() -> None:
    result = read_fixture("frus-2002-08-19-athens-02867.xml")
    (rec,) = result.records
    assert rec.id == "frus-2002-08-19-athens-02867"
    assert rec.title == "Telegram From the Embassy in Greece to the Department of State"
    assert rec.date is not None
    assert (rec.date.edtf, rec.date.time, rec.place) == ("2002-08-19", "1425Z", "Athens")
    assert rec.source is not None and rec.source.startswith("Department of State, State Archiving")
    assert rec.body.startswith("02867. Subject: Release of FRUS Volume")
    assert rec.body_format == "text" and rec.record_id is None
    assert rec.where("date").line == 37 and rec.where("title").line == 36
    assert not result.problems


def test_dateline_range_and_attendance_list() -> None:
    result = read_fixture("range.xml")
    (rec,) = result.records
    assert rec.title == "Minutes of the 1958 Meeting of the Advisory Committee"
    assert rec.date is not None
    assert rec.date.edtf == "1958-11-07/1958-11-08"
    assert (rec.date.earliest, rec.date.latest) == (dt.date(1958, 11, 7), dt.date(1958, 11, 8))
    assert (
        rec.source
        == "Department of State, Lot File 96 D 292, Box 1. Confidential. Drafted by a clerk."
    )
    assert rec.classification == "Confidential"
    assert rec.participants == (
        Participant(
            "The Advisory Committee: Dexter Perkins, Chairman Clarence A. Berdahl", "participant"
        ),
        Participant("G. Bernard Noble, Historical Office", "participant"),
    )
    assert rec.where("participants").line == 24
    assert rec.extra["cited_in"] == "Cited in A History, Chapter 7"
    assert rec.body.split("\n\n") == [
        "The meeting opened at 9:15 a.m.",
        "Present:",
        "The Advisory Committee:\n  Dexter Perkins, Chairman\n  Clarence A. Berdahl\n"
        "G. Bernard Noble, Historical Office",
        "The meeting closed at 5 p.m.",
    ]


def test_dateline_wins_over_a_contradicting_header_date() -> None:
    result = read_fixture("header-contradicts.xml")
    (rec,) = result.records
    assert rec.date is not None
    assert (rec.date.edtf, rec.date.time, rec.place) == ("1979-09-25", "2:30 p.m.", "Washington")
    (message,) = warnings(result, "date")
    assert "1979-08-15" in message and "dateline" in message


def test_missing_dateline_takes_the_header_date_with_a_warning() -> None:
    result = read_fixture("missing-dateline.xml")
    (rec,) = result.records
    assert rec.date is not None and rec.date.edtf == "1990-10-25"
    assert rec.where("date").line == 9
    assert any("no dateline" in m for m in warnings(result, "date"))
    # A source note without the "Source:" prefix is still the source.
    assert rec.source == (
        "Department of State, Front Office Files, Box 1. The draft was circulated for comment."
    )


def test_footnotes_leave_markers_and_source_note_in_head_is_the_source() -> None:
    result = read_fixture("footnotes.xml")
    (rec,) = result.records
    assert rec.title == "Memorandum From Arthur Kogan to William Franklin"
    assert (
        rec.source
        == "National Archives, RG 59, Kogan Files, Box 2. Secret; Nodis. Drafted by Arthur Kogan."
    )
    assert rec.classification == "Secret"
    assert rec.date is not None and rec.date.edtf == "1972-09-22"
    assert rec.date.text == "September 22, 1972" and rec.place == "Washington"
    assert [n.label for n in rec.notes] == ["1", "2", "3"]
    assert rec.notes[1].text == "Based on file 116.2."
    assert (
        rec.body == "Researchers were admitted.[1] Later they were not.[2]\n\nA closing remark.[3]"
    )
    assert rec.where("notes").line == 21
    assert {k: rec.extra[k] for k in ("xml_id", "doc_number", "subtype")} == {
        "xml_id": "d12",
        "doc_number": "12",
        "subtype": "historical-document",
    }
    assert rec.id == "footnotes"  # one document in the file: the file's stem


def test_attachments_without_head_get_a_title_and_a_warning() -> None:
    result = read_fixture("attachments.xml")
    first, attachment, annex = result.records
    assert [r.id for r in result.records] == [
        "attachments--minutes",
        "attachments--attachment",
        "attachments--annex",
    ]
    assert attachment.title == "Attachment 1 to Record of the 1969 Meeting"
    assert annex.title == "[An unlabelled annex.]"  # supplied, from its opening words
    assert len(warnings(result, "title")) == 2
    assert attachment.date is not None and attachment.date.edtf == "1969-11-07"
    assert sum("no dateline" in m for m in warnings(result, "date")) == 2
    assert first.title == "Record of the 1969 Meeting" and "title_supplied" not in first.extra
    assert attachment.source == first.source == "Department of State, Lot File 96 D 292, Box 2."


def test_malformed_xml_is_an_error_with_line_and_column() -> None:
    result = read_fixture("malformed.xml")
    assert result.records == ()
    (problem,) = result.problems
    assert problem.is_error and problem.field == "xml"
    assert (problem.location.line, problem.location.col) == (8, 15)
    assert "mismatched tag" in problem.message


def test_entity_expansion_bomb_is_rejected() -> None:
    result = read_fixture("entity-bomb.xml")
    assert result.records == ()
    (problem,) = result.problems
    assert problem.is_error and "entity declarations are not allowed" in problem.message
    assert problem.location.line == 3


def test_external_entities_and_dtds_are_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/x.dtd"
    try:
        texts = [
            f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
            + tei('<div type="document"><head>&x;</head></div>'),
            f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "{url}"> %p;]>'
            + tei('<div type="document"><head>T</head></div>'),
            f'<!DOCTYPE TEI SYSTEM "{url}">' + tei('<div type="document"><head>T</head></div>'),
        ]
        results = [read_text(t) for t in texts]
        with pytest.raises(TimeoutError):
            server.accept()  # nothing ever connected
    finally:
        server.close()
    assert all(p.is_error for p in results[0].problems + results[1].problems)
    assert "not fetched" in results[0].problems[0].message
    assert results[0].records == results[1].records == ()
    # An external DTD is ignored, not fetched; the document still reads.
    assert [r.title for r in results[2].records] == ["T"]
    assert "TOP-SECRET-MARKER" not in repr(results)


def test_file_without_document_div_is_one_error() -> None:
    result = read_fixture("no-document.xml")
    assert result.records == ()
    (problem,) = result.problems
    assert problem.is_error and problem.field == "document"


def test_undefined_entity_is_a_warning_not_a_crash() -> None:
    text = '<!DOCTYPE TEI SYSTEM "tei.dtd">' + tei(
        '<div type="document"><head>A&nbsp;B</head></div>'
    )
    result = read_text(text)
    assert [r.title for r in result.records] == ["AB"]
    assert any("&nbsp;" in m for m in warnings(result, "xml"))


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    result = read_text("<a>" * 10_000 + "</a>" * 10_000)
    assert result.records == () and result.problems[0].is_error


@pytest.mark.parametrize(
    ("attrs", "edtf", "earliest", "latest"),
    [
        ({"when": "1961-06-05"}, "1961-06-05", dt.date(1961, 6, 5), dt.date(1961, 6, 5)),
        ({"when": "1981-06"}, "1981-06", dt.date(1981, 6, 1), dt.date(1981, 6, 30)),
        ({"when": "1961-06-05T10:30:00-05:00"}, "1961-06-05", dt.date(1961, 6, 5), dt.date(1961, 6, 5)),
        ({"from": "1958-11-07", "to": "1958-11-08"}, "1958-11-07/1958-11-08", dt.date(1958, 11, 7), dt.date(1958, 11, 8)),
        ({"notBefore": "1961-06", "notAfter": "1961-08-31"}, "1961-06/1961-08-31", dt.date(1961, 6, 1), dt.date(1961, 8, 31)),
        ({"from": "1945"}, "1945/..", dt.date(1945, 1, 1), None),
    ],
)  # fmt: skip
def test_date_attributes(
    attrs: dict[str, str], edtf: str, earliest: dt.date, latest: dt.date | None
) -> None:
    date = date_from_attrs(attrs, "as written")
    assert date is not None
    assert (date.edtf, date.earliest, date.latest, date.text) == (
        edtf,
        earliest,
        latest,
        "as written",
    )


@pytest.mark.parametrize(
    "attrs",
    [{"when": "1961-13-05"}, {"when": "June 5"}, {"from": "1961-06-05", "to": "1960-01-01"}, {}],
)
def test_unreadable_date_attributes(attrs: dict[str, str]) -> None:
    assert date_from_attrs(attrs, "x") is None


def test_dateline_date_element_attributes_beat_its_text() -> None:
    body = (
        '<div type="document"><head>T</head><dateline><placeName>Paris</placeName>, '
        '<date from="1961-06-20" to="1961-08-31">summer 1961</date></dateline><p>x</p></div>'
    )
    (rec,) = read_text(tei(body)).records
    assert rec.date is not None
    assert (rec.date.edtf, rec.date.text, rec.place) == (
        "1961-06-20/1961-08-31",
        "summer 1961",
        "Paris",
    )


# --------------------------------------------------------------------- rule tables


@pytest.mark.parametrize(
    ("text", "place", "date", "time"),
    [
        ("3 February 1957", None, "3 February 1957", None),
        ("November 7-8, 1958", None, "November 7-8, 1958", None),
        ("November 4, 1960 9:08 a.m. to 12:30 p.m.", None, "November 4, 1960", "9:08 a.m. to 12:30 p.m."),
        ("Athens, August 19, 2002, 1425Z", "Athens", "August 19, 2002", "1425Z"),
        ("Secretary’s Conference Room, November 12, 1976", "Secretary’s Conference Room", "November 12, 1976", None),
        ("Washington, June 5, 1961, noon", "Washington", "June 5, 1961", "noon"),
        ("Saturday, June 5, 1961", None, "Saturday, June 5, 1961", None),
        ("June 1981", None, "June 1981", None),
        ("1945-1974", None, "1945-1974", None),
        ("Moscow, undated", "Moscow", "undated", None),
    ],
)  # fmt: skip
def test_split_dateline(text: str, place: str | None, date: str, time: str | None) -> None:
    parts = split_dateline(text)
    assert (parts.place, parts.date, parts.time) == (place, date, time)


@pytest.mark.parametrize(
    ("text", "edtf"),
    [
        ("November 7-8, 1958", "1958-11-07/1958-11-08"),
        ("June 20-August 31, 1961", "1961-06-20/1961-08-31"),
        ("December 8–9, 1988", "1988-12-08/1988-12-09"),
        ("November 9-7, 1958", None),
        ("Smarch 1-2, 1958", None),
        ("November 31-32, 1958", None),
        ("November 7, 1958", None),
    ],
)
def test_day_range(text: str, edtf: str | None) -> None:
    found = day_range(text)
    assert (found.edtf if found else None) == edtf


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Lot File 96 D 292, Box 2, 1962—Minutes. Limited Official Use.", "Limited Official Use"),
        ("Box 2. Official Use Only. Drafted by E. Ralph Perkins.", "Official Use Only"),
        ("Box 3, HAC—1991. Confidential. Drafted by Susan Tait.", "Confidential"),
        ("RG 59, Box 2. Secret; Nodis. Drafted by A.", "Secret"),
        ("Box 1. Top Secret; Eyes Only.", "Top Secret"),
        ("The attached Confidential airgram (A-678) was found but is not posted.", None),
        ("Box 4, Minutes 1985.", None),
        ("Secret.", "Secret"),
    ],
)
def test_classification_in_source_note(note: str, expected: str | None) -> None:
    assert classification_in(note) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Present:", True),
        ("In Attendance", True),
        ("PARTICIPANTS", True),
        ("Committee Members Present:", True),
        ("Attending:", True),
        ("Members of the Committee:", False),
        ("Reported by:", False),
        ("The Office of the Historian:", False),
        ("and at 9:00 a.m. on November 9. Committee members present were:", False),
    ],
)
def test_attendance_label(text: str, expected: bool) -> None:
    assert is_attendance_label(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Source: Department of State", "Department of State"),
        ("SOURCE:Department of State", "Department of State"),
        ("Department of State, Source: files", "Department of State, Source: files"),
    ],
)
def test_strip_source_prefix(text: str, expected: str) -> None:
    assert strip_source_prefix(text) == expected


# ------------------------------------------------------------- (c) hostile input


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert isinstance(read_text(text), ReadResult)


_PIECES = st.sampled_from(
    [
        "<TEI>", "</TEI>", '<div type="document">', "</div>", "<head>", "</head>",
        "<dateline>", "</dateline>", "<p>", "</p>", "<note n='1'>", "</note>", "<list>",
        "</list>", "<item>", "</item>", '<date when="1961-06">', "</date>", "&amp;", "&x;",
        "<!DOCTYPE TEI [", "]>", "<!ENTITY x 'y'>", "Present:", "November 7-8, 1958",
        "Source: ", " ", "\n", "é", "\u200b",
    ]
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES | st.text(max_size=5), max_size=60))
def test_tei_shaped_noise_never_raises(pieces: list[str]) -> None:
    result = read_text("".join(pieces))
    assert isinstance(result, ReadResult)
    assert result.records or result.problems


@settings(max_examples=150)
@given(
    title=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), max_size=40),
    dateline=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), max_size=40),
    body=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), max_size=80),
)
def test_well_formed_tei_with_any_text_reads_one_record(
    title: str, dateline: str, body: str
) -> None:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;")

    text = tei(
        f'<div type="document"><head>{esc(title)}</head>'
        f"<dateline>{esc(dateline)}</dateline><p>{esc(body)}</p></div>"
    )
    result = read_text(text)
    (rec,) = result.records
    assert rec.title == (" ".join(title.split()) or rec.title)
    assert rec.title


# ------------------------------------------------------------ the edition's tagging

_PERSONS = """<div><list type="persons">
  <item><persName xml:id="p_SJF1">Stevens, John F.</persName>, head of the Russian Railway Service Corps</item>
  <item><persName xml:id="p_AC1">Adams, Charles Francis, Jr.</persName>, historian</item>
</list></div>"""

_TAGGED_VOLUME = """
<div type="document" xml:id="d1" n="1">
  <head><hi rend="italic">The Ambassador in Russia</hi> (<persName corresp="#p_FD1" type="from">Francis</persName>)
  <hi rend="italic">to the <gloss type="to">Secretary of State</gloss></hi><note n="1">Not printed.</note></head>
  <p>Text.</p></div>
<div type="document" xml:id="d2" n="2">
  <head>Memorandum of a conversation with <persName corresp="#p_SJF1">Stevens</persName></head>
  <p>Text.</p></div>
<div type="document" xml:id="d3" n="3">
  <head><persName type="from">Mr. Jay</persName> to <persName type="to" key="Fish_H">Mr. Fish</persName>.</head>
  <p>Text.</p></div>
"""


def test_head_tags_give_sender_recipient_and_the_editions_id() -> None:
    # Synthetic, in the shape of frus1917Supp02v02 (corresp ids, gloss) and frus1870
    # (persName type="from"/"to" around `Mr. Jay`).
    volume = tei(_TAGGED_VOLUME).replace("<text>", f"<text><front>{_PERSONS}</front>")
    records = read_text(volume, stem="frus1917v2").records
    first, second, third = records
    assert first.participants[:2] == (
        Participant("Francis", "sender", ref="frus1917v2#p_FD1"),
        Participant("Secretary of State", "recipient"),
    )
    # The list of persons names him in full, uninverted; the function is left to the
    # title's wording.
    assert second.participants == (Participant("John F. Stevens", None, ref="frus1917v2#p_SJF1"),)
    assert second.extra["persons"] == {
        "frus1917v2#p_SJF1": "head of the Russian Railway Service Corps"
    }
    assert "persons" not in first.extra  # Francis is not on the list
    assert third.participants == (
        Participant("Mr. Jay", "sender"),
        Participant("Mr. Fish", "recipient", ref="Fish_H"),
    )


def test_a_volume_citing_another_names_the_same_person() -> None:
    body = (
        '<div type="document" xml:id="d9"><head>The Consul (<persName type="from" '
        'corresp="frus1917v1#p_SRP1">Skinner</persName>) to the Secretary of State</head>'
        "<p>Text.</p></div>"
    )
    (record,) = read_text(tei(body), stem="frus1917v2").records
    assert record.participants[0].ref == "frus1917v1#p_SRP1"


def test_uninvert_keeps_suffixes_and_names_without_commas() -> None:
    from archivist.read.readers.tei import uninvert

    assert uninvert("Acheson, Dean") == "Dean Acheson"
    assert uninvert("Adams, Charles Francis, Jr.") == "Charles Francis Adams, Jr."
    assert uninvert("Smith, John, of Boston") == "John Smith"
    assert uninvert("Talleyrand") == "Talleyrand"


def test_a_name_tag_holding_both_parties_is_left_to_the_title() -> None:
    # frus1870 tags 11 heads whole: `<persName type="from">Mr. Davis to Mr. Bancroft`.
    body = (
        '<div type="document" xml:id="d1"><head><persName type="from">Mr. Davis to '
        "Mr. Bancroft</persName>.</head><p>Text.</p></div>"
    )
    (record,) = read_text(tei(body)).records
    assert record.participants == ()
    assert record.title == "Mr. Davis to Mr. Bancroft."


def test_a_supplied_title_skips_a_note_marker_and_double_brackets() -> None:
    """A label set as a note before an untitled document ("C.") is not its title, and
    a bracketed opening line is not bracketed twice (FRUS 1870, documents 352, 462)."""
    body = (
        '<div type="document" xml:id="d1" n="1"><note rend="center">C.</note>'
        "<head>[Untitled]</head><p>[From the Pekin Gazette of June 26th.]</p>"
        "<p>An imperial decree.</p></div>"
        '<div type="document" xml:id="d2" n="2"><head>[Untitled]</head>'
        "<p>The decree was read at Tien-tsin [in the yamen].</p></div>"
    )
    first, second = read_text(tei(body)).records
    assert first.title == "[From the Pekin Gazette of June 26th.]"
    assert second.title == "[The decree was read at Tien-tsin [in the yamen].]"


def test_a_document_dated_only_in_its_title_takes_that_date() -> None:
    """FRUS dates many treaties and memoranda only in the head (49 of the 247 undated
    documents of the eight volumes); with no dateline, the title's date is the date."""
    body = (
        '<div type="document" xml:id="d1" n="1"><head>Memorandum by the Secretary of '
        "State of a Conversation With the Nicaraguan Chargé (Tigerino), May 28, 1925</head>"
        "<p>The Chargé called.</p></div>"
        '<div type="document" xml:id="d2" n="2"><head>Memorandum on the Nicaraguan '
        "Loan</head><p>Undated, as written.</p></div>"
        '<div type="document" xml:id="d3" n="3"><head>Convention, Signed at London, '
        'February 10, 1925</head><dateline><date when="1925-02-11">February 11, 1925'
        "</date></dateline><p>Text.</p></div>"
    )
    result = read_text(tei(body))
    titled, undated, dated = result.records
    assert titled.date is not None and titled.date.edtf == "1925-05-28"
    assert titled.origin["date"] == titled.origin["title"]
    assert any("from the title" in m for m in warnings(result, "date"))
    assert undated.date is None
    assert dated.date is not None and dated.date.edtf == "1925-02-11"  # the dateline wins


def test_an_attendance_list_nested_under_present_gives_each_person() -> None:
    """FRUS 1917 Supp. 2 v. 2: `Present:` holding a list of `Country: Name` items was
    one participant, "Present: Chairman: Sir Adam Block, … U. S. A.: Mr. B. Beal",
    listed among the organizations."""
    body = (
        '<div type="document" xml:id="d1"><head>Minutes of Meeting</head>'
        '<list type="participants"><item>Present: <list>'
        "<item><hi>Chairman:</hi> <persName>Sir Adam Block</persName>, K. C. M. G.</item>"
        "<item><hi>France:</hi> <persName>M. J. Lacoste Seignouret</persName></item>"
        "<item>U. S. A.: Mr. <persName>B. Beal</persName></item>"
        "</list></item></list><p>The chairman spoke.</p></div>"
    )
    (rec,) = read_text(tei(body)).records
    assert [p.name for p in rec.participants] == [
        "Sir Adam Block, K. C. M. G.",
        "M. J. Lacoste Seignouret",
        "Mr. B. Beal",
    ]
