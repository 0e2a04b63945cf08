"""The Wilson Center page-export reader: the seed, the 14 real records, every variant."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.config import Config
from archivist.model import Note, ReadResult, Record, Severity
from archivist.read.dates import parse_date
from archivist.read.readers import Source
from archivist.read.readers.archive_text import (
    EMAIL_WITHHELD,
    HAPP_EMAIL,
    Line,
    clean_obfuscated_email,
    detect_family,
    funders_from_line,
    is_display_date,
    looks_like_export,
    merge_names,
    parse_citation,
    read,
    related_entries,
    source_credits,
    split_lines,
)
from conftest import REPO, corpus_path

FIXTURES = REPO / "tests" / "fixtures"
SEED_NAME = "000_368422b42ee8f2a8.txt"
WILSON = FIXTURES / "wilson"
RIGHTS_1 = (
    "The History and Public Policy Program welcomes reuse of Digital Archive materials for "
    "research and educational purposes. Some documents may be subject to copyright, which is "
    "retained by the rights holders in accordance with US and international copyright laws. "
    "When possible, rights holders have been contacted for permission to reproduce their "
    "materials."
)
RIGHTS_2 = (
    "To enquire about this document's rights status or request permission for commercial "
    "use, please contact the History and Public Policy Program at HAPP@wilsoncenter.org."
)


def source_for(name: str = "case.txt") -> Source:
    return Source(f"content/{name}", Path(name).stem, Config())


def read_one(text: str, name: str = "case.txt") -> tuple[Record, ReadResult]:
    result = read(text, source_for(name))
    assert len(result.records) == 1, result.problems
    return result.records[0], result


def warned(result: ReadResult) -> set[str]:
    return {p.field for p in result.problems if p.severity is Severity.WARNING}


# --------------------------------------------------------------------------- (a) the seed


def seed_paths() -> list[object]:
    return [
        pytest.param(lambda: FIXTURES / "archive_text" / "seed.txt", id="fixture"),
        pytest.param(lambda: corpus_path("seeds", SEED_NAME), id="shared"),
    ]


@pytest.mark.parametrize("where", seed_paths())
def test_seed_reads_exactly(where: object) -> None:
    path = where()  # type: ignore[operator]
    text = path.read_text(encoding="utf-8")
    assert looks_like_export(text)
    result = read(text, Source(str(path), "000_368422b42ee8f2a8", Config()))
    assert result.problems == ()
    (rec,) = result.records
    assert rec.id == "000_368422b42ee8f2a8"
    assert rec.path == str(path)
    assert rec.title == "Conversation of Mao Zedong and the Yugoslav Ambassador V. Popovic"
    assert rec.date is not None
    assert (rec.date.text, rec.date.edtf) == ("June 30, 1955", "1955-06-30")
    assert rec.type == "Memorandum of Conversation"
    assert rec.summary == (
        "Conversation between Mao Zedong and Yugoslav Ambassador Popovic. Mao explains that "
        "the delay in China's recognition of Yugoslavia was because China was waiting for "
        "Yugoslavia and the USSR to mend their relations. Emphasizes the need for Communist "
        "unity and cooperation."
    )
    assert rec.source == (
        "Zhong Su guanxi dang'an wenxian xuanbian [A Selection of Archival Documents on "
        "Sino-Soviet Relations], 1945-1989 (Beijing, 1997), 83-4. Translated by by David Wolff."
    )
    assert rec.translators == ("David Wolff",)
    assert rec.rights == f"{RIGHTS_1}\n\n{RIGHTS_2}"
    assert rec.funders == ("Leon Levy Foundation",)
    assert rec.record_id is None
    assert rec.uploaded is None
    assert rec.body_format == "text"
    assert rec.body.startswith(
        "Conversation of MAO ZEDONG and the Yugoslav Ambassador [V.] POPOVIC\n\n30 June 1955"
    )
    assert "[Mao:] The Yugoslavs are a heroic people" in rec.body
    assert "(Popovic: This news is true.)" in rec.body
    assert rec.body.endswith("please tell us and we can exchange opinions.")
    for boilerplate in ("Skip to content", "Related Documents", "made possible", "Leon Levy"):
        assert boilerplate not in rec.body
    assert rec.summary not in rec.body
    assert rec.notes == ()
    lines = {name: loc.line for name, loc in rec.origin.items()}
    assert lines == {
        "date": 3,
        "title": 5,
        "funders": 7,
        "body": 9,
        "summary": 35,
        "source": 42,
        "translators": 42,
        "rights": 45,
        "type": 53,
    }


# --------------------------------------------------------------------------- (b) Wilson


def wilson_cases() -> list[object]:
    return [
        pytest.param(path, id=path.name.split(".")[0])
        for path in sorted(WILSON.glob("*.expected.json"))
    ]


def test_there_is_a_fixture_for_each_of_the_14_records() -> None:
    assert len(wilson_cases()) == 14


@pytest.mark.parametrize("expected_path", wilson_cases())
def test_wilson_fixture_parses_back(expected_path: Path) -> None:
    want = json.loads(expected_path.read_text(encoding="utf-8"))
    txt = expected_path.with_name(expected_path.name.replace(".expected.json", ".txt"))
    text = txt.read_text(encoding="utf-8")
    assert looks_like_export(text)
    rec, result = read_one(text, txt.name)
    assert not any(p.is_error for p in result.problems)
    got = {
        "title": rec.title,
        "date_text": rec.date.text if rec.date else None,
        "summary": rec.summary,
        "source": rec.source,
        "rights": rec.rights,
        "type": rec.type,
        "record_id": rec.record_id,
        "funders": list(rec.funders),
        "language": list(rec.language),
        "original_language": list(rec.original_language),
        "archive": rec.archive,
        "classification": rec.classification,
        "participants": [p.name for p in rec.participants],
        "uploaded": rec.uploaded.isoformat() if rec.uploaded else None,
        "notes": [[n.label, n.text] for n in rec.notes],
    }
    assert got == {key: want[key] for key in got}
    assert rec.date is not None and rec.date.edtf == parse_date(want["date_text"]).edtf  # type: ignore[union-attr]
    body = [line.strip() for line in rec.body.split("\n") if line.strip()]
    assert (body[0], body[-1], len(body)) == (
        want["body_first_line"],
        want["body_last_line"],
        want["body_line_count"],
    )
    assert "[email" not in (rec.rights or "") + rec.body
    # A variant that does not show a field must say so, and a missing one is warned about.
    for name in ("rights", "source", "title", "date"):
        if name in want.get("not_shown", []):
            assert name in warned(result)


def test_committed_wilson_fixtures_match_the_corpus(tmp_path: Path) -> None:
    jsonl = corpus_path("corpus", "wilson", "records.jsonl")
    script = WILSON / "make_fixtures.py"
    subprocess.run([sys.executable, str(script), str(jsonl), str(tmp_path)], check=True)
    for made in sorted(tmp_path.iterdir()):
        assert made.read_bytes() == (WILSON / made.name).read_bytes(), made.name


def test_wilson_expectations_are_the_corpus_values() -> None:
    """What the fixtures expect is the scraped data itself, for every field they show."""
    jsonl = corpus_path("corpus", "wilson", "records.jsonl")
    records = {r["record_id"]: r for r in map(json.loads, jsonl.read_text().splitlines())}
    for path in WILSON.glob("*.expected.json"):
        want = json.loads(path.read_text(encoding="utf-8"))
        rec = records[want["record_id_in_jsonl"]]
        shown = set(want) - set(want["not_shown"])
        assert want["source"] == rec["source"]
        assert want["summary"].replace("\n\n", "\n") == rec["summary"].replace("\n\n", "\n")
        assert want["record_id"] == rec["record_id"]
        if "title" in shown and "legacy" not in want["layout"]:
            assert want["title"] == rec["title"]
        if "rights" in shown:
            assert want["rights"] == rec["rights"].replace("\n", "\n\n")
        if "funders" in shown:
            assert want["funders"] == (rec["donors"] or [])


# --------------------------------------------------------------------------- (c) variants

LABELLED = f"""Skip to content

November 1967

Statement of Someone

This document was made possible with support from Chun & Jane Chiu Family Foundation

Body line one.[1]
Body line two.
[1] The note.


The summary of the statement, which says what it is about in a few words.

Author(s):

Nakajima, Kenzō
Japan-China Cultural Exchange Association

Associated Places

Japan

Subjects Discussed

Japan--Foreign relations--Taiwan

Related Documents

October 4, 1950 | Telegram from Zhou Enlai to Ni Zhiliang |

Document Information

Source
Diplomatic Archives, File A’0392. Contributed by Robert Hoppens and translated by Stephen Mercado.

Original Archive
Diplomatic Archives of the Ministry of Foreign Affairs of Japan

Original Classification
Secret

Rights
{RIGHTS_1}

{RIGHTS_2}

Original Uploaded Date
2023-10-05

Type
Statement

Language
Japanese

Record ID
300638

Donors
Chun & Jane Chiu Family Foundation
University of Southampton
"""


def test_labelled_page_fills_every_field() -> None:
    rec, result = read_one(LABELLED)
    assert result.problems == ()
    assert rec.title == "Statement of Someone"
    assert rec.date is not None and rec.date.edtf == "1967-11"
    assert rec.summary is not None and rec.summary.startswith("The summary of the statement")
    assert rec.body == "Body line one.[1]\nBody line two."
    assert rec.notes == (Note("1", "The note."),)
    assert rec.translators == ("Stephen Mercado",)
    assert rec.extra["contributors"] == ("Robert Hoppens",)
    assert rec.archive == "Diplomatic Archives of the Ministry of Foreign Affairs of Japan"
    assert rec.classification == "Secret"
    assert rec.rights == f"{RIGHTS_1}\n\n{RIGHTS_2}"
    assert rec.uploaded == dt.date(2023, 10, 5)
    assert rec.type == "Statement"
    assert rec.language == ("Japanese",)
    assert rec.record_id == "300638"
    assert rec.funders == ("Chun & Jane Chiu Family Foundation", "University of Southampton")
    assert [p.name for p in rec.participants] == [
        "Nakajima, Kenzō",
        "Japan-China Cultural Exchange Association",
    ]
    assert rec.subjects == ("Japan--Foreign relations--Taiwan",)
    assert rec.extra["places"] == ("Japan",)
    assert rec.extra["related_documents"] == (
        {"date": "October 4, 1950", "title": "Telegram from Zhou Enlai to Ni Zhiliang"},
    )
    assert rec.where("record_id").line == LABELLED.split("\n").index("300638") + 1
    assert rec.where("notes").line == LABELLED.split("\n").index("[1] The note.") + 1


def _tail(*lines: str) -> str:
    return "\n".join(lines) + "\n"


SEEDLIKE_HEAD = _tail(
    "Skip to content",
    "",
    "June 30, 1955",
    "",
    "A Title",
    "",
    "The body.",
    "",
    "",
    "The summary paragraph, which is the one after the body on the page.",
    "",
    "Related Documents",
    "",
    "Document Information",
    "",
)

# (case id, text, expected field values, expected warnings)
VARIANTS: list[tuple[str, str, dict[str, object], set[str]]] = [
    (
        "empty-record-id-and-uploaded-date",
        SEEDLIKE_HEAD
        + _tail("Src. Translated by A. B. Smith.", "", RIGHTS_1, "", RIGHTS_2, "")
        + _tail("Original Uploaded Date", "", "", "Record ID", "", ""),
        {"record_id": None, "uploaded": None, "type": None, "funders": ()},
        set(),
    ),
    (
        "source-label-with-no-value",
        SEEDLIKE_HEAD
        + _tail("Source", "Original Archive", "Rights", RIGHTS_1, "", RIGHTS_2)
        + _tail("Original Uploaded Date", "2011-11-20", "Record ID", "111866"),
        {"source": None, "rights": f"{RIGHTS_1}\n\n{RIGHTS_2}", "record_id": "111866"},
        {"source"},
    ),
    (
        "label-less-type-and-donor",
        SEEDLIKE_HEAD
        + _tail("Src.", "", RIGHTS_1, "", RIGHTS_2, "", "Original Uploaded Date", "")
        + _tail("2014-06-20", "", "Telegram", "", "Record ID", "", "", "MacArthur Foundation"),
        {
            "uploaded": dt.date(2014, 6, 20),
            "type": "Telegram",
            "funders": ("MacArthur Foundation",),
            "source": "Src.",
        },
        set(),
    ),
    (
        "no-headings-at-all",
        _tail("June 30, 1955", "A Title", "", "The body.", "", "", "The summary, at the end.")
        + _tail("", "", "Src, f. 1.", "", RIGHTS_1, "", RIGHTS_2),
        {"summary": "The summary, at the end.", "source": "Src, f. 1.", "body": "The body."},
        set(),
    ),
    (
        "missing-title",
        _tail("Skip to content", "", "June 30, 1955", "")
        + _tail("This document was made possible with support from Leon Levy Foundation", "")
        + SEEDLIKE_HEAD.split("A Title\n\n", 1)[1]
        + _tail("Src.", "", RIGHTS_1, "", RIGHTS_2),
        {"title": "case", "body": "The body.", "funders": ("Leon Levy Foundation",)},
        {"title"},
    ),
    (
        "missing-date",
        SEEDLIKE_HEAD.replace("June 30, 1955\n\n", "") + _tail("Src.", "", RIGHTS_1, "", RIGHTS_2),
        {"title": "A Title", "date": None},
        {"date"},
    ),
    (
        "leading-summary-of-another-record",
        _tail("Summary of the October 4 telegram, which the capture picked up first.", "")
        + SEEDLIKE_HEAD.replace("Skip to content\n\n", "")
        + _tail("Src.", "", RIGHTS_1, "", RIGHTS_2),
        {
            "title": "A Title",
            "extra.leading_text": "Summary of the October 4 telegram, which the capture picked up first.",
        },
        set(),
    ),
    (
        "obfuscated-email-outside-the-boilerplate",
        SEEDLIKE_HEAD
        + _tail("Src.", "", RIGHTS_1, "", "Write to [email protected] for permission."),
        {"rights": f"{RIGHTS_1}\n\nWrite to {EMAIL_WITHHELD} for permission."},
        {"rights"},
    ),
    (
        "obfuscated-email-in-the-boilerplate",
        SEEDLIKE_HEAD
        + _tail("Src.", "", RIGHTS_1, "", RIGHTS_2.replace(HAPP_EMAIL, "[email protected]")),
        {"rights": f"{RIGHTS_1}\n\n{RIGHTS_2}"},
        set(),
    ),
    (
        "legacy-upper-case-title-and-funders-with-the",
        _tail(
            "Search in",
            "ADD SEARCH FILTER CANCEL SEARCH FILTER",
            "Digital Archive International History Declassified",
            "December 01, 1949",
            "FROM THE DIARY OF P. F. YUDIN: CONVERSATION",
            "This document was made possible with support from the MacArthur Foundation, Leon Levy Foundation",
            "CITATION SHARE DOWNLOAD",
            "  • Citation",
            "get citation",
            "Yudin records a conversation.",
            '"From the Diary of P. F. Yudin: Conversation," December 01, 1949, History and Public '
            "Policy Program Digital Archive, AVPRF, f. 0100, op. 42. Translated for CWIHP by "
            "David Wolff. http://digitalarchive.wilsoncenter.org/document/117863",
            "  • share document",
            "http://digitalarchive.wilsoncenter.org/document/117863",
            "VIEW DOCUMENT IN",
            "English HTML",
            "Diary text.",
            "ORIGINAL SCAN PDF",
            "Click here to view the PDF file in a new window.",
        ),
        {
            "title": "FROM THE DIARY OF P. F. YUDIN: CONVERSATION",
            "date.edtf": "1949-12-01",
            "summary": "Yudin records a conversation.",
            "source": "AVPRF, f. 0100, op. 42. Translated for CWIHP by David Wolff.",
            "translators": ("David Wolff",),
            "record_id": "117863",
            "funders": ("MacArthur Foundation", "Leon Levy Foundation"),
            "body": "Diary text.",
        },
        {"rights"},
    ),
    (
        "legacy-year-only-date-is-an-empty-date-line",
        _tail(
            "Search in",
            "Digital Archive International History Declassified",
            "",
            "Report on the Situation",
            "  • Citation",
            "get citation",
            "A report.",
            '"Report on the Situation," 1948, History and Public Policy Program Digital Archive, '
            "RGASPI, f. 17. http://digitalarchive.wilsoncenter.org/document/121813",
            "VIEW DOCUMENT IN",
            "English HTML",
            "Report text.",
        ),
        {"title": "Report on the Situation", "date.text": "1948", "date.edtf": "1948"},
        {"rights"},
    ),
    (
        "legacy-no-summary-citation-first",
        _tail(
            "Search in",
            "Digital Archive International History Declassified",
            "January 07, 1950",
            "Cable, Zhou Enlai to Mao",
            "get citation",
            '"Cable, Zhou Enlai to Mao," January 07, 1950, History and Public Policy Program '
            "Digital Archive, PRC FMA 206. http://digitalarchive.wilsoncenter.org/document/119094",
            "Cable text.",
        ),
        {"summary": None, "source": "PRC FMA 206.", "body": "Cable text.", "record_id": "119094"},
        {"rights"},
    ),
    (
        "legacy-summary-runs-into-citation-and-no-title",
        _tail(
            "Search in",
            "Digital Archive International History Declassified",
            "March 05, 1950",
            "get citation",
            'Zhou agrees to the train locomotives."Telegram from Zhou Enlai to Ni Zhiliang," '
            "March 05, 1950, History and Public Policy Program Digital Archive, PRC FMA 109. "
            "Translated by Chen Zhihong. http://digitalarchive.wilsoncenter.org/document/114206",
            "Telegram text.",
        ),
        {
            "title": "Telegram from Zhou Enlai to Ni Zhiliang",
            "summary": "Zhou agrees to the train locomotives.",
            "translators": ("Chen Zhihong",),
            "record_id": "114206",
        },
        {"rights"},
    ),
    (
        "pdf-labels",
        _tail(
            "Digital Archive digitalarchive.wilsoncenter.org International History Declassified",
            "January 13, 1950 Telegram, Mao Zedong to Liu Shaoqi",
            "Citation:",
            "“Telegram, Mao Zedong to Liu Shaoqi,” January 13, 1950, History and Public Policy",
            "Program Digital Archive, Zhonggong zhongyang wenxian, vol. 1. "
            "http://digitalarchive.wilsoncenter.org/document/112674",
            "Summary:",
            "Mao tells Liu about the talks.",
            "Original Language: Chinese",
            "Contents:",
            "English Translation",
            "Scan of Original Document",
            "Contents: Intention and Plan for Visiting India",
            "Telegram text.",
        ),
        {
            "title": "Telegram, Mao Zedong to Liu Shaoqi",
            "date.edtf": "1950-01-13",
            "source": "Zhonggong zhongyang wenxian, vol. 1.",
            "summary": "Mao tells Liu about the talks.",
            "original_language": ("Chinese",),
            "record_id": "112674",
            "body": "Contents: Intention and Plan for Visiting India\nTelegram text.",
            "extra.contents": ("English Translation", "Scan of Original Document"),
        },
        {"rights"},
    ),
    (
        "footnote-marker-never-used-stays-body",
        SEEDLIKE_HEAD.replace("The body.", "The body.\n[1] Not a note: no marker above.")
        + _tail("Src.", "", RIGHTS_1, "", RIGHTS_2),
        {"body": "The body.\n[1] Not a note: no marker above.", "notes": ()},
        set(),
    ),
    (
        "two-footnotes",
        SEEDLIKE_HEAD.replace("The body.", "One[1] two[2].\n  [1] First.\n[2] Second,\nwrapped.")
        + _tail("Src.", "", RIGHTS_1, "", RIGHTS_2),
        {
            "body": "One[1] two[2].",
            "notes": (Note("1", "First."), Note("2", "Second, wrapped.")),
        },
        set(),
    ),
]


def _value(rec: Record, dotted: str) -> object:
    head, _, rest = dotted.partition(".")
    value: object = getattr(rec, head)
    if head == "extra":
        return rec.extra.get(rest)
    if rest:
        value = getattr(value, rest)
    return value


@pytest.mark.parametrize(
    ("text", "fields", "warnings"), [pytest.param(*case[1:], id=case[0]) for case in VARIANTS]
)
def test_variant(text: str, fields: dict[str, object], warnings: set[str]) -> None:
    assert looks_like_export(text)
    rec, result = read_one(text)
    assert not any(p.is_error for p in result.problems)
    assert {name: _value(rec, name) for name in fields} == fields
    assert warned(result) == warnings
    for problem in result.problems:
        assert problem.location.path == "content/case.txt" and problem.location.line >= 1


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Skip to content\n\nResults:\n\n1 - 10 of 29\n\nDocuments\n", id="current"),
        pytest.param(
            "Skip to content\nResults: 29\n\nJune 30, 1955\nA title\nA summary.\n",
            id="results-line",
        ),
        pytest.param("Search in\nSEARCH RESULTS\n  • June 30, 1955\nA title\n", id="legacy"),
        pytest.param("1 – 10 of 2,345\nJune 30, 1955\nA title\n", id="range-only"),
    ],
)
def test_search_listing_is_rejected(text: str) -> None:
    assert looks_like_export(text)
    result = read(text, source_for())
    assert result.records == ()
    (problem,) = result.problems
    assert problem.is_error
    assert "search-results page" in problem.message and "not a document" in problem.message


def test_a_document_mentioning_results_is_not_a_listing() -> None:
    text = SEEDLIKE_HEAD.replace("The body.", "Results:\nThe talks went well.") + _tail(
        "Src.", "", RIGHTS_1, "", RIGHTS_2
    )
    rec, _ = read_one(text)
    assert rec.body == "Results:\nThe talks went well."


# --------------------------------------------------------------------------- rule tables


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Skip to content\n\nJune 30, 1955\n\nTitle\n", True),
        ("Search in\nDigital Archive International History Declassified\n1948\n", True),
        (
            "Digital Archive digitalarchive.wilsoncenter.org International History Declassified\n",
            True,
        ),
        ("A title\n\nDocument Information\n\nSrc.\n", True),
        ("Title\nThis document was made possible with support from Leon Levy Foundation\n", True),
        ("SEARCH RESULTS\n  • June 30, 1955\nA title\n", True),
        ("SEARCH RESULTS\nThe search of the building found nothing.\n", False),
        ("Telegram from Canberra\n\nCANBERRA, 3 May 1948\n\nText of a cablegram.\n", False),
        ("Minutes of a meeting\n\nResults:\nNone.\nDocument follows.\n", False),
        ("", False),
        ("\n\n   \n", False),
    ],
)
def test_looks_like_export(text: str, expected: bool) -> None:
    assert looks_like_export(text) is expected


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Skip to content\nJune 30, 1955\n", "current"),
        ("June 30, 1955\nTitle\n", "current"),
        ("Search in\nDigital Archive International History Declassified\n", "legacy"),
        ("Digital Archive International History Declassified\nJune 1977\n", "legacy"),
        (
            "Digital Archive digitalarchive.wilsoncenter.org International History Declassified",
            "pdf",
        ),
        ("January 13, 1950 Telegram\nCitation:\n“T,” 1950, History and ...", "pdf"),
    ],
)
def test_detect_family(text: str, family: str) -> None:
    assert detect_family(split_lines(text)) == family


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("June 30, 1955", True),
        ("December 01, 1949", True),
        ("November 1967", True),
        ("1948", True),
        ("30 June 1955", True),
        ("Conversation of Mao Zedong", False),
        ("Record ID", False),
        ("The 1948 elections were held on June 30, 1955 and nobody came.", False),
        ("", False),
    ],
)
def test_is_display_date(line: str, expected: bool) -> None:
    assert is_display_date(Line(1, line, line)) is expected


@pytest.mark.parametrize(
    ("line", "names"),
    [
        (
            "This document was made possible with support from Leon Levy Foundation",
            ["Leon Levy Foundation"],
        ),
        (
            "This document was made possible with support from the MacArthur Foundation, Leon Levy Foundation",
            ["MacArthur Foundation", "Leon Levy Foundation"],
        ),
        (
            "This document was made possible with support from Chun & Jane Chiu Family Foundation",
            ["Chun & Jane Chiu Family Foundation"],
        ),
        (
            "This document was made possible with support from A Fund, B Trust, and the C Foundation.",
            ["A Fund", "B Trust", "C Foundation"],
        ),
    ],
)
def test_funders_from_line(line: str, names: list[str]) -> None:
    assert funders_from_line(line) == names


def test_merge_names_keeps_order_and_drops_duplicates() -> None:
    assert merge_names(["Leon Levy Foundation"], ["the Leon Levy Foundation", "B"]) == (
        "Leon Levy Foundation",
        "B",
    )


@pytest.mark.parametrize(
    ("source", "credits"),
    [
        ("Zhong Su guanxi, 83-4. Translated by by David Wolff.", {"translators": ["David Wolff"]}),
        ("AVPRF, f. 0100. Translated for CWIHP by David Wolff.", {"translators": ["David Wolff"]}),
        ("PRC FMA 206-00049-01. Translated by Chen Zhihong.", {"translators": ["Chen Zhihong"]}),
        (
            "BArch, B 136/59748, 297-301. Contributed, transcribed, and translated by Stephan Kieninger.",
            {
                "contributors": ["Stephan Kieninger"],
                "transcribers": ["Stephan Kieninger"],
                "translators": ["Stephan Kieninger"],
            },
        ),
        (
            "APRF: F. 39. Reprinted in X (Moscow, 2005), p. 378. Translated for CWIHP from Russian by Sergey Radchenko.",
            {"translators": ["Sergey Radchenko"]},
        ),
        (
            "GARF fond 5446. Obtained by David Wolff and translated by Sergey Radchenko",
            {"obtained_by": ["David Wolff"], "translators": ["Sergey Radchenko"]},
        ),
        (
            "File A’0392 (Microfilm). Contributed by Robert Hoppens and translated by Stephen Mercado.",
            {"contributors": ["Robert Hoppens"], "translators": ["Stephen Mercado"]},
        ),
        (
            "A/PV.751, https://digitallibrary.un.org/record/731480. Contributed by Mervyn O'Driscoll.",
            {"contributors": ["Mervyn O'Driscoll"]},
        ),
        (
            "RGANI. Obtained and translated for CWIHP by Mark H. Doctoroff.",
            {"obtained_by": ["Mark H. Doctoroff"], "translators": ["Mark H. Doctoroff"]},
        ),
        (
            "Archive. Translated by Gary Goldberg and Jane Doe.",
            {"translators": ["Gary Goldberg", "Jane Doe"]},
        ),
        ("Nehru Memorial Museum and Library, File No. JNSG, vol. 21-1.", {}),
        ("Letter translated into English.", {}),
    ],
)
def test_source_credits(source: str, credits: dict[str, list[str]]) -> None:
    assert source_credits(source) == credits


@pytest.mark.parametrize(
    ("text", "cleaned", "withheld"),
    [
        (RIGHTS_2.replace(HAPP_EMAIL, "[email protected]"), RIGHTS_2, 0),
        (RIGHTS_2.replace(HAPP_EMAIL, "[email\u00a0protected]"), RIGHTS_2, 0),
        ("Contact [email protected] now.", f"Contact {EMAIL_WITHHELD} now.", 1),
        ("No address here.", "No address here.", 0),
    ],
)
def test_clean_obfuscated_email(text: str, cleaned: str, withheld: int) -> None:
    assert clean_obfuscated_email(text) == (cleaned, withheld)


@pytest.mark.parametrize(
    ("text", "known", "parts"),
    [
        (
            '"Telegram, Mao Zedong to Liu Shaoqi," January 13, 1950, History and Public Policy '
            "Program Digital Archive, Source, p. 1. http://digitalarchive.wilsoncenter.org/document/112674",
            None,
            (
                "",
                "Telegram, Mao Zedong to Liu Shaoqi",
                "January 13, 1950",
                "Source, p. 1.",
                "112674",
            ),
        ),
        (
            "“Cable, ‘Newspaper’,” 1958, History and Public Policy Program Digital Archive, "
            "PRC FMA 107. Translated by X.",
            None,
            ("", "Cable, ‘Newspaper’", "1958", "PRC FMA 107. Translated by X.", None),
        ),
        (
            'He said "yes" and left."Report," 1948, History and Public Policy Program Digital '
            "Archive, RGASPI.",
            None,
            ('He said "yes" and left.', "Report", "1948", "RGASPI.", None),
        ),
        (
            'A summary."Report "X" of Y," 1948, History and Public Policy Program Digital '
            "Archive, RGASPI.",
            'Report "X" of Y',
            ("A summary.", 'Report "X" of Y', "1948", "RGASPI.", None),
        ),
    ],
)
def test_parse_citation(text: str, known: str | None, parts: tuple[object, ...]) -> None:
    citation = parse_citation(text, known)
    assert citation is not None
    got = (citation.before, citation.title, citation.date, citation.source)
    assert (*got, citation.url and citation.url.rsplit("/", 1)[1]) == parts


def test_parse_citation_needs_the_archive_marker() -> None:
    assert parse_citation('"A title," 1950, Some Other Archive, f. 1.') is None


@pytest.mark.parametrize(
    ("values", "entries"),
    [
        (
            ["October 4, 1950 | Telegram from Zhou Enlai to Ni Zhiliang |"],
            [{"date": "October 4, 1950", "title": "Telegram from Zhou Enlai to Ni Zhiliang"}],
        ),
        (
            ["June 1977", "A Letter", "Its summary."],
            [{"date": "June 1977", "title": "A Letter", "summary": "Its summary."}],
        ),
        ([], []),
    ],
)
def test_related_entries(values: list[str], entries: list[dict[str, str]]) -> None:
    assert related_entries(values) == entries


# --------------------------------------------------------------------------- (d) any text

_PIECES = [
    "Skip to content",
    "Search in",
    "Digital Archive International History Declassified",
    "Digital Archive digitalarchive.wilsoncenter.org International History Declassified",
    "June 30, 1955",
    "December 01, 1949 Telegram",
    "1948",
    "This document was made possible with support from the A, B",
    "Related Documents",
    "Document Information",
    "Source",
    "Rights",
    "Original Uploaded Date",
    "Record ID",
    "Donors",
    "Type",
    "Author(s):",
    "Citation:",
    "Summary:",
    "Contents:",
    "Original Language:",
    "get citation",
    "VIEW DOCUMENT IN",
    "English HTML",
    "Results:",
    "1 - 10 of 29",
    RIGHTS_1,
    RIGHTS_2,
    "To enquire [email protected]",
    '"T," 1950, History and Public Policy Program Digital Archive, S. http://x/document/1',
    'x."T,"History and Public Policy Program Digital Archive,',
    "[1] A note.",
    "Text[1] with a marker.",
    "a | b |",
    "",
    "",
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(
        st.text(max_size=400),
        st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=40)), max_size=40).map(
            "\n".join
        ),
    )
)
def test_any_text_gives_a_record_or_an_error(text: str) -> None:
    result = read(text, source_for())
    assert isinstance(result, ReadResult)
    assert not any("internal error" in p.message for p in result.problems)
    if result.records:
        (rec,) = result.records
        assert rec.id == "case" and rec.title
        assert "[email protected]" not in (rec.rights or "") + rec.body
    else:
        assert any(p.is_error for p in result.problems)
    looks_like_export(text)  # never raises either


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Skip to content\n" + "a" * 1_000_000, id="one-huge-line"),
        pytest.param('"' * 200_000 + "History and Public Policy Program Digital Archive,", id="q"),
        pytest.param("Search in\n" + "[1] x\n" * 50_000, id="many-note-lines"),
        pytest.param("Document Information\n" + "Record ID\n1\n" * 30_000, id="many-labels"),
        pytest.param("Translated by " * 20_000, id="credits"),
        pytest.param(
            'Search in\nget citation\n"T," 1950, History and Public Policy Program Digital '
            "Archive, S" + " " * 200_000 + "x and" + " " * 100_000 + "y",
            id="whitespace-runs-in-citation",
        ),
        pytest.param(
            "Document Information\n\nSrc. Translated by A" + " " * 100_000 + "and B",
            id="whitespace-runs-in-source",
        ),
    ],
)
def test_hostile_input_is_handled(text: str) -> None:
    result = read(text, source_for())
    assert result.records or any(p.is_error for p in result.problems)
