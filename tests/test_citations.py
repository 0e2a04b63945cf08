"""Cite this record: the Chicago note, and BibTeX, RIS and CSL-JSON read back by libraries.

Also the rules those citations share with the page head (metadata.py): who the
authors are, how precise a date is, which BCP 47 tag a language has.
"""

from __future__ import annotations

import datetime as dt
import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.config import Config
from archivist.model import ArchiveDate, Participant, Record
from archivist.render import citations, metadata

CONFIG = Config(
    title="Test archive",
    publisher="Test Press",
    base_url="https://example.org/archive/",
)


def day(text: str, iso: str) -> ArchiveDate:
    d = dt.date.fromisoformat(iso)
    return ArchiveDate(text, iso, d, d)


def month(text: str, year: int, m: int, last: int) -> ArchiveDate:
    return ArchiveDate(text, f"{year}-{m:02d}", dt.date(year, m, 1), dt.date(year, m, last))


LETTER = Record(
    id="letter-1977",
    title="Letter from Anna Keller to Tomas Brenner",
    path="content/letter.md",
    date=month("June 1977", 1977, 6, 30),
    type="Letter",
    participants=(
        Participant("Anna Keller", "sender"),
        Participant("Tomas Brenner", "recipient"),
    ),
    source="Private papers, box 1.",
    language=("English",),
    subjects=("Examples", "Letters"),
    uploaded=dt.date(2020, 5, 4),
)
CONVERSATION = Record(
    id="mao-popovic",
    title="Conversation of Mao Zedong and the Yugoslav Ambassador V. Popovic",
    path="content/x.txt",
    date=day("June 30, 1955", "1955-06-30"),
    participants=(Participant("Mao Zedong"), Participant("V. Popovic", "Yugoslav Ambassador")),
    source="Zhong Su guanxi dang'an wenxian xuanbian (Beijing, 1997), 83-4.",
    translators=("David Wolff",),
    archive="Wilson Center Digital Archive",
    type="Conversation",
)
HOSTILE = Record(
    id="hostile_1",
    title="A {brace} 100% & $5 #1 snake_case ^caret ~tilde back\\slash }{",
    path="content/h.md",
    participants=(Participant("Ōe {Kenzaburō}", "author"),),
    summary="Line one\nline two\r\nTY  - JOUR",
    source="Fonds 5, opis' 30, delo 118 \\ [sic] %",
)


def bib_entry(text: str) -> dict[str, str]:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, library.failed_blocks
    assert len(library.entries) == 1
    entry = library.entries[0]
    return {"@key": entry.key, "@type": entry.entry_type, **{f.key: f.value for f in entry.fields}}


# -- Chicago --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            LETTER,
            "Anna Keller to Tomas Brenner, letter, June 1977, Private papers, box 1, Test archive,"
            " https://example.org/archive/records/letter-1977/.",
        ),
        (
            CONVERSATION,
            "“Conversation of Mao Zedong and the Yugoslav Ambassador V. Popovic,” June 30, 1955,"
            " Zhong Su guanxi dang'an wenxian xuanbian (Beijing, 1997), 83-4, trans. David Wolff,"
            " Wilson Center Digital Archive, Test archive,"
            " https://example.org/archive/records/mao-popovic/.",
        ),
        (
            Record(id="n", title="Undated note", path="n.md", type="Note"),
            "“Undated note,” n.d., Test archive, https://example.org/archive/records/n/.",
        ),
    ],
)
def test_chicago_note(record: Record, expected: str) -> None:
    assert str(citations.chicago_note(record, CONFIG)) == expected


def test_chicago_note_skips_translator_already_in_the_source() -> None:
    record = Record(
        id="t", title="T", path="t.md", source="Archive X. Translated by David Wolff.",
        translators=("David Wolff",),
    )  # fmt: skip
    assert str(citations.chicago_note(record, CONFIG)).count("Wolff") == 1


# -- BibTeX ---------------------------------------------------------------------------


def test_bibtex_reads_back_with_bibtexparser() -> None:
    entry = bib_entry(citations.bibtex(LETTER, CONFIG))
    assert entry["@key"] == "letter-1977"
    assert entry["@type"] == "misc"
    assert entry["type"] == "Letter"
    assert entry["title"] == "Letter from Anna Keller to Tomas Brenner"
    assert entry["author"] == "Anna Keller"
    assert entry["date"] == "1977-06"
    assert (entry["year"], entry["month"]) == ("1977", "jun")
    assert entry["url"] == "https://example.org/archive/records/letter-1977/"
    assert entry["keywords"] == "Examples, Letters"


def test_bibtex_escapes_every_special_character() -> None:
    text = citations.bibtex(HOSTILE, CONFIG)
    entry = bib_entry(text)
    assert entry["@key"] == "hostile_1"
    # pylatexenc renders LaTeX's \textasciicircum as U+02C6, the glyph LaTeX prints.
    assert entry["title"].replace("\u02c6", "^") == HOSTILE.title
    assert entry["author"] == "Ōe {Kenzaburō}"
    assert entry["note"].startswith("Fonds 5, opis' 30, delo 118 \\ [sic] %")
    assert entry["abstract"] == "Line one line two TY - JOUR"
    assert "date" not in entry  # an undated record claims no date


def test_bibtex_keeps_several_authors_apart() -> None:
    record = Record(
        id="two", title="Joint memo", path="m.md",
        participants=(Participant("Foreign Office", "author"), Participant("Anna Keller", "author")),
    )  # fmt: skip
    entry = bib_entry(citations.bibtex(record, CONFIG))
    library = bibtexparser.parse_string(citations.bibtex(record, CONFIG))
    raw = library.entries[0]["author"]
    assert raw == "{Foreign Office} and {Anna Keller}"
    assert entry["author"] == "Foreign Office and Anna Keller"


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=80), name=st.text(min_size=1, max_size=30))
def test_any_text_gives_one_well_formed_entry_in_every_format(title: str, name: str) -> None:
    record = Record(
        id="r", title=title or "x", path="r.md", participants=(Participant(name, "sender"),)
    )
    library = bibtexparser.parse_string(citations.bibtex(record, CONFIG))
    assert not library.failed_blocks and len(library.entries) == 1
    assert len(rispy.loads(citations.ris(record, CONFIG))) == 1
    assert json.loads(citations.csl_json(record, CONFIG))[0]["id"] == "r"


# -- RIS ------------------------------------------------------------------------------


def test_ris_reads_back_with_rispy() -> None:
    [entry] = rispy.loads(citations.ris(LETTER, CONFIG))
    assert entry["type_of_reference"] == "PCOMM"
    assert entry["title"] == LETTER.title
    assert entry["authors"] == ["Anna Keller"]
    assert entry["secondary_authors"] == ["Tomas Brenner"]
    assert entry["date"] == "1977/06//"
    assert entry["year"] == "1977"
    assert entry["urls"] == ["https://example.org/archive/records/letter-1977/"]
    assert entry["keywords"] == ["Examples", "Letters"]


def test_ris_values_cannot_start_new_tags() -> None:
    text = citations.ris(HOSTILE, CONFIG)
    assert text.startswith("TY  - MANSCPT")
    [entry] = rispy.loads(text)
    assert entry["abstract"] == "Line one line two TY - JOUR"
    assert entry["type_of_reference"] == "MANSCPT"
    assert sum(1 for line in text.splitlines() if line.startswith("TY  -")) == 1


def test_ris_marks_a_conversation_with_its_translator() -> None:
    [entry] = rispy.loads(citations.ris(CONVERSATION, CONFIG))
    assert entry["type_of_reference"] == "MANSCPT"
    assert entry["subsidiary_authors"] == ["David Wolff"]
    assert entry["date"] == "1955/06/30/"
    assert "authors" not in entry  # nobody is an author: speakers are not authors


# -- CSL-JSON -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "issued"),
    [
        (day("June 30, 1955", "1955-06-30"), {"date-parts": [[1955, 6, 30]]}),
        (month("June 1977", 1977, 6, 30), {"date-parts": [[1977, 6]]}),
        (
            ArchiveDate("c. 1956", "1956~", dt.date(1956, 1, 1), dt.date(1956, 12, 31)),
            {"date-parts": [[1956]], "circa": True},
        ),
        (
            ArchiveDate(
                "June 28-30, 1955",
                "1955-06-28/1955-06-30",
                dt.date(1955, 6, 28),
                dt.date(1955, 6, 30),
            ),
            {"date-parts": [[1955, 6]]},
        ),
        (ArchiveDate("Spring, year unknown"), {"literal": "Spring, year unknown"}),
        (None, None),
    ],
)
def test_csl_json_issued_keeps_the_precision(
    date: ArchiveDate | None, issued: dict[str, object] | None
) -> None:
    record = Record(id="r", title="T", path="r.md", date=date)
    [item] = json.loads(citations.csl_json(record, CONFIG))
    assert item.get("issued") == issued


def test_csl_json_item() -> None:
    [item] = json.loads(citations.csl_json(CONVERSATION, CONFIG))
    assert item["id"] == "mao-popovic"
    assert item["type"] == "interview"
    assert item["title"] == CONVERSATION.title
    assert item["translator"] == [{"literal": "David Wolff"}]
    assert item["archive"] == "Wilson Center Digital Archive"
    assert item["URL"] == "https://example.org/archive/records/mao-popovic/"
    assert "author" not in item
    [letter] = json.loads(citations.csl_json(LETTER, CONFIG))
    assert letter["type"] == "letter"
    assert letter["author"] == [{"literal": "Anna Keller"}]
    assert letter["recipient"] == [{"literal": "Tomas Brenner"}]
    assert letter["language"] == "en"


# -- shared rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "author", "recipient"),
    [
        ("sender", True, False),
        ("Author", True, False),
        (" from ", True, False),
        ("recipient", False, True),
        ("addressee", False, True),
        ("speaker", False, False),
        ("Yugoslav Ambassador", False, False),
        (None, False, False),
    ],
)
def test_roles(role: str | None, author: bool, recipient: bool) -> None:
    p = Participant("X", role)
    assert (metadata.is_author(p), metadata.is_recipient(p)) == (author, recipient)


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("English", "en"),
        ("russian", "ru"),
        (" Serbo-Croatian ", "sh"),
        ("Chinese", "zh"),
        ("zh-Hant", "zh-Hant"),
        ("de", "de"),
        ("Klingon", None),
        ("", None),
        ("x" * 500, None),
    ],
)
def test_language_tag(name: str, tag: str | None) -> None:
    assert metadata.language_tag(name) == tag


@pytest.mark.parametrize(
    ("languages", "site", "expected"),
    [
        (("Russian",), "en", "ru"),
        (("English",), "en", None),
        (("English",), "en-GB", None),
        (("Russian", "English"), "en", None),
        (("Klingon",), "en", None),
        ((), "en", None),
    ],
)
def test_body_lang(languages: tuple[str, ...], site: str, expected: str | None) -> None:
    record = Record(id="r", title="T", path="r.md", language=languages)
    assert metadata.body_lang(record, site) == expected


@pytest.mark.parametrize(
    ("date", "slashed", "iso", "approximate"),
    [
        (day("30 June 1955", "1955-06-30"), "1955/06/30", "1955-06-30", False),
        (month("June 1977", 1977, 6, 30), "1977/06", "1977-06", False),
        (
            ArchiveDate("c. 1956", "1956~", dt.date(1956, 1, 1), dt.date(1956, 12, 31)),
            "1956",
            "1956",
            True,
        ),
        (
            ArchiveDate("1950-1955", "1950/1955", dt.date(1950, 1, 1), dt.date(1955, 12, 31)),
            "1950",
            "1950/1955",
            True,
        ),
        (
            ArchiveDate(
                "28-30 June 1955",
                "1955-06-28/1955-06-30",
                dt.date(1955, 6, 28),
                dt.date(1955, 6, 30),
            ),
            "1955/06",
            "1955-06",
            False,
        ),
    ],
)
def test_date_precision(date: ArchiveDate, slashed: str, iso: str, approximate: bool) -> None:
    parts = metadata.date_parts(date)
    assert parts is not None
    assert (parts.slashed, metadata.edtf_iso(date), parts.approximate) == (
        slashed,
        iso,
        approximate,
    )


@pytest.mark.parametrize("date", [None, ArchiveDate("sometime"), ArchiveDate("x", "1955")])
def test_unknown_dates_claim_nothing(date: ArchiveDate | None) -> None:
    assert metadata.date_parts(date) is None
    assert metadata.edtf_iso(date) is None


@pytest.mark.parametrize(
    ("rights", "url"),
    [
        ("in the public domain (CC0).", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("Licensed CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ("CC-BY 3.0", "https://creativecommons.org/licenses/by/3.0/"),
        (
            "See https://creativecommons.org/licenses/by-nc/4.0/.",
            "https://creativecommons.org/licenses/by-nc/4.0/",
        ),
        (
            "This work is in the public domain.",
            "https://creativecommons.org/publicdomain/mark/1.0/",
        ),
        ("Copyright retained by the rights holders.", None),
        (None, None),
    ],
)
def test_license_url(rights: str | None, url: str | None) -> None:
    assert metadata.license_url(rights) == url


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("Foreign Office", True),
        ("CPSU Central Committee", True),
        ("Ministry of Foreign Affairs", True),
        ("Edmund Harrow", False),
        ("Mao Zedong", False),
        ("Officer Smith", False),
    ],
)
def test_is_body(name: str, body: bool) -> None:
    assert metadata.is_body(name) is body
