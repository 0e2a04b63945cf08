"""Documentary editions: note markers of every convention, editorial emphasis, numbers."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from archivist.enrich.volumes import volume_number
from archivist.model import ArchiveDate, Note, Record
from archivist.render.citations import written_date
from archivist.render.markup import BodyContext, BodyRenderer
from sitekit import broken_links, build_site, make_site, record, site_records

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from anchors import broken

NOTES = (Note("1", "Document 286."), Note("2", "See Document 286, note 1."))


def _page(body: str, fmt: str = "markdown", notes: tuple[Note, ...] = NOTES) -> str:
    html, notes_html = BodyRenderer().render(body, fmt, BodyContext({}, notes))
    return html + notes_html


@pytest.mark.parametrize("fmt", ["markdown", "text"])
@pytest.mark.parametrize(
    "marker",
    ["[1](#f1)", "[1](#f_94_1)", "[1](#21_f1)", "[1](#fn1)", "[1](#1)", "[1]"],
)
def test_every_marker_convention_links_both_ways(marker: str, fmt: str) -> None:
    page = _page(f"Your UN[Y]466 {marker} and our Assembly 354.", fmt)
    assert '<a href="#note-1" id="ref-1"' in page
    assert 'id="note-1"' in page and 'href="#ref-1"' in page
    assert broken(page) == []
    assert "](#" not in page


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_an_exclamation_mark_before_a_marker_is_not_an_image(fmt: str) -> None:
    # DAFP: "…recent developments in the region![2](#f2)"
    page = _page("Plenty to discuss in the region![2](#f2)", fmt)
    assert "<img" not in page
    assert "region!" in page and '<a href="#note-2" id="ref-2"' in page
    assert broken(page) == []


def test_markdown_footnotes_link_both_ways() -> None:
    page = _page("Text.[^1]\n\n[^1]: A note.", notes=())
    assert 'href="#fn-1"' in page and 'id="fn-1"' in page and 'href="#fnref-1"' in page
    assert broken(page) == []


def test_a_marker_without_its_note_links_nowhere() -> None:
    page = _page("A cable.[7](#f7) And [3].", notes=NOTES)
    assert '<sup class="note-ref">[7]</sup>' in page
    assert "[3]" in page
    assert broken(page) == []


def test_an_ordinary_in_page_link_is_left_alone() -> None:
    page = _page("[the summary](#summary-h) and [a](#top)")
    assert '<a href="#summary-h">the summary</a>' in page
    assert '<a href="#top">a</a>' in page


def test_emphasis_inside_editorial_brackets_renders() -> None:
    page = _page("Before [ _matter omitted_ ] after [sic] and [_illegible_].")
    assert "<em>matter omitted</em>" in page
    assert "_matter" not in page and "_ ]" not in page
    assert re.search(r'class="editorial editorial-gap">\[ <em>matter omitted</em> \]', page)
    assert 'editorial-illegible">[<em>illegible</em>]' in page


def test_text_bodies_keep_underscores_as_characters() -> None:
    page = _page("snake_case [ _x_ ]", "text")
    assert "snake_case" in page and "[ _x_ ]" in page and "<em>" not in page


def test_editorial_text_is_escaped() -> None:
    page = _page("[<b>x</b> _y_]")
    assert "<b>" not in page and "&lt;b&gt;" in page


# -- numbers: a small edition in the DAFP shape (invented documents) -------------------

EDITION_CONFIG = "title: Edition\noutputs: [records_csv]\nfields:\n  date: doc_date\n  collections: vol_full_title\n"


def _doc(num: str, date: str, title: str = "Delegation to Department", body: str = "") -> str:
    text = body or f"Cablegram {num} NEW YORK, {date}\n\nText of document {num}."
    return record(
        title,
        text,
        doc_date=f"'{date}'",
        doc_num=num,
        vol_full_title="'Volume 3: An Invented Year'",
    )


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("edition")
    make_site(
        root,
        {
            # File names, dates and numbers disagree on purpose: numbers decide.
            "a.md": _doc("10", "1946-12-01"),
            "b.md": _doc("2", "1946-12-08"),
            "c.md": _doc("1", "1946-12-09"),
            "d.md": _doc("10A", "1946-11-30"),
            "loose.md": record("A record outside any volume", "Text.", date="1946-12-05"),
        },
        EDITION_CONFIG,
    )
    out, report = build_site(root)
    assert not report.errors
    return out


def test_number_is_read_and_exported(edition: Path) -> None:
    rows = {r["id"]: r for r in site_records(edition)}
    data = rows["c"]
    assert data["number"] == "1"
    assert "doc_num" not in data["extra"]
    assert rows["a"]["number"] == "10" and rows["loose"]["number"] is None
    head = (edition / "data/records.csv").read_text().splitlines()[0].split(",")
    assert "number" in head


def test_record_header_names_volume_and_document(edition: Path) -> None:
    page = (edition / "records/b/index.html").read_text()
    assert '<p class="record-document"><bdi>Volume 3, Document 2</bdi></p>' in page
    loose = (edition / "records/loose/index.html").read_text()
    assert "record-document" not in loose


def test_collection_page_is_the_table_of_contents(edition: Path) -> None:
    page = (edition / "collections/volume-3-an-invented-year/index.html").read_text()
    order = re.findall(r'href="/records/([a-z]+)/"', page)
    assert order == ["c", "b", "a", "d"]
    assert "in document order" in page
    assert "Doc. 10A" in page


def _nav(page: str) -> tuple[str | None, str | None]:
    prev = re.search(r'rel="prev" href="/records/([a-z]+)/"', page)
    nxt = re.search(r'rel="next" href="/records/([a-z]+)/"', page)
    return (prev.group(1) if prev else None, nxt.group(1) if nxt else None)


def test_previous_and_next_run_within_the_volume_by_number(edition: Path) -> None:
    assert _nav((edition / "records/c/index.html").read_text()) == (None, "b")
    assert _nav((edition / "records/b/index.html").read_text()) == ("c", "a")
    assert _nav((edition / "records/a/index.html").read_text()) == ("b", "d")
    assert _nav((edition / "records/d/index.html").read_text()) == ("a", None)


def test_lists_tell_identical_titles_apart(edition: Path) -> None:
    year = (edition / "years/1946/index.html").read_text()
    for num in ("1", "2", "10", "10A"):
        assert f'<bdi class="record-number">Doc. {num}</bdi>' in year
    assert "NEW YORK" in year  # the place, from the dateline


def test_archives_without_numbers_are_unchanged(edition: Path) -> None:
    page = (edition / "records/loose/index.html").read_text()
    assert "Previous and next records by date" in page
    assert (
        "record-number"
        not in (edition / "years/1946/index.html")
        .read_text()
        .split("A record outside any volume")[1]
        .split("</li>")[0]
    )


@pytest.mark.parametrize(
    ("marker", "label"),
    [
        ("[1)](#f2)", "2"),
        ("[](#f2)", "2"),
        ("[1](#f1_503)", "1"),
        ("[(2)](#f2)", "2"),
        ("[2 ](#f2)", "2"),
    ],
)
def test_a_garbled_marker_finds_its_note_by_its_anchor(marker: str, label: str) -> None:
    page = _page(f"Comments on 30 October{marker} were made.")
    assert f'<a href="#note-{label}" id="ref-{label}"' in page
    assert broken(page) == []


# -- dates for people ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1946-12-08", "8 December 1946"),
        ("1946-12", "December 1946"),
        ("1946", "1946"),
        ("8 December 1946", "8 December 1946"),
        ("1946-13-01", "1946-13-01"),
        ("1946-02-30", "1946-02-30"),
        ("c. 1956", "c. 1956"),
    ],
)
def test_an_iso_date_is_written_out(text: str, shown: str) -> None:
    assert written_date(ArchiveDate(text)) == shown


def test_iso_dates_are_written_out_on_pages_and_kept_for_machines(edition: Path) -> None:
    page = (edition / "records/b/index.html").read_text()
    assert '<time datetime="1946-12-08" dir="auto">8 December 1946</time>' in page
    assert "<bdi>8 December 1946</bdi>" in page  # the header
    cite = re.search(r'<p class="cite-note" id="cite-note">(.*?)</p>', page, re.S)
    assert cite and "8 December 1946" in cite.group(1) and "1946-12-08" not in cite.group(1)
    assert not re.search(r"<time[^>]*>\s*\d{4}-\d{2}", page)
    year = (edition / "years/1946/index.html").read_text()
    assert "<bdi>8 December 1946</bdi>" in year
    assert "1946-12-08" not in year


# -- cross-references ------------------------------------------------------------------

DOCS = {"286": "../a/", "12": "../b/", "13": "../c/", "5": "../d/"}


def _xref_page(body: str, fmt: str = "markdown", notes: tuple[Note, ...] = ()) -> str:
    html, notes_html = BodyRenderer().render(body, fmt, BodyContext({}, notes, DOCS))
    return html + notes_html


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_references_link_to_documents_of_the_volume(fmt: str) -> None:
    page = _xref_page("See Document 286. Documents 12 and 13; Doc. 5; Documents 5, 12 and 13.", fmt)
    assert '<a class="doc-ref" href="../a/">Document 286</a>' in page
    assert '<a class="doc-ref" href="../b/">Documents 12</a> and <a class="doc-ref"' in page
    assert '<a class="doc-ref" href="../d/">Doc. 5</a>' in page
    assert page.count('class="doc-ref"') == 7


def test_references_in_notes_link_too() -> None:
    page = _xref_page("Text [1].", notes=(Note("1", "See Document 286, note 1."),))
    assert (
        '<li id="note-1" value="1"><span class="note-label">1</span> See <a class="doc-ref"' in page
    )


def test_references_elsewhere_stay_text() -> None:
    page = _xref_page(
        "Document 999. Document 12 of Volume 9. [Document 286](https://example.org/). "
        "Documents on Australian Foreign Policy. See Volume VIII, Document 286. "
        "Vol. 9, Doc. 12. <Document 5>"
    )
    assert page.count('class="doc-ref"') == 1
    assert '&lt;<a class="doc-ref" href="../d/">Document 5</a>&gt;' in page


def test_the_built_edition_links_its_references(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {
            "a.md": _doc(
                "1", "1946-12-01", body="Cablegram 1 NEW YORK, 1 December 1946\n\nSee Document 2."
            ),
            "b.md": _doc("2", "1946-12-02"),
        },
        EDITION_CONFIG,
    )
    out, report = build_site(root)
    assert not report.errors
    page = (out / "records/a/index.html").read_text()
    assert '<a class="doc-ref" href="/records/b/">Document 2</a>' in page
    assert not broken_links(out)


# -- TEI structure (an invented FRUS-shaped volume) ------------------------------------

TEI_FIXTURE = Path(__file__).parent / "fixtures" / "tei" / "edition-volume.xml"


def _volume() -> dict[str, Record]:
    from archivist.config import Config
    from archivist.read.readers.source import Source
    from archivist.read.readers.tei import read

    result = read(TEI_FIXTURE.read_text(encoding="utf-8"), Source("v.xml", "v", Config()))
    return {str(r.extra["xml_id"]): r for r in result.records}


def test_records_are_the_top_level_documents_exactly() -> None:
    docs = _volume()
    assert list(docs) == ["d1", "d2", "d3"]
    assert [d.number for d in docs.values()] == ["1", "2", "3"]
    assert {d.collections for d in docs.values()} == {("Invented Relations, 1899, Volume I",)}


def test_attachments_are_parts_of_their_parent() -> None:
    d1 = _volume()["d1"]
    blocks = d1.body.split("\n\n")
    assert "[Inclosure.] Mr. Cole to Mr. Able." in blocks
    assert "Oporto, February 20, 1899." in blocks
    assert "Charles Cole." in blocks
    assert "Telegram sent to the consuls." in blocks and "Report at once." in blocks
    # The document's own dateline and source, never an attachment's.
    assert d1.source == "Dispatch No. 7, the document's own source."
    assert d1.date is not None and d1.date.edtf == "1899-03-01" and d1.place == "Lisbon"


def test_opener_closer_and_signature_are_blocks_lists_keep_labels() -> None:
    blocks = _volume()["d1"].body.split("\n\n")
    assert "Sir:" in blocks and "I have, etc.," in blocks and "Arthur Able." in blocks
    assert "1. Withdrawal of the guards.\n2. An indemnity." in blocks


def test_a_table_is_a_table_and_a_page_break_a_marker() -> None:
    d1 = _volume()["d1"]
    assert "| Nation. | Men. | Guns. |\n| --- | --- | --- |" in d1.body
    assert "| Freedonia | 120 |  |" in d1.body
    assert "The terms proposed [p. 213] are these:" in d1.body
    html, _ = BodyRenderer().render(d1.body, d1.body_format, BodyContext({}, d1.notes))
    assert "<table>" in html and "<th>Nation.</th>" in html
    assert "<td>2 \uff5c 4</td>" in html
    assert html.count("<tr>") == 3
    assert '<span class="editorial editorial-page" id="page-213">[p. 213]</span>' in html


def test_untitled_documents_get_a_supplied_title_and_the_editions_date() -> None:
    docs = _volume()
    assert docs["d2"].title == "[Dora Dent]"
    assert docs["d2"].date is not None and docs["d2"].date.edtf == "1899-03-04/1899-03-06"
    assert written_date(docs["d2"].date) == "4 March 1899 – 6 March 1899"
    assert docs["d3"].title == "[To the Senate: I transmit herewith a report of the…]"
    assert all(d.title and "Untitled" not in d.title for d in docs.values())


def test_a_reference_naming_its_volume_links_into_that_volume() -> None:
    other = {"427": "/records/v8-427/", "14": "/records/v8-14/"}
    ctx = BodyContext({}, (Note("2", "See Volume VIII, Document 427."),), DOCS, {"8": other})
    html, notes = BodyRenderer().render(
        "Text [2]. Document 14 in Volume VIII; Vol. 8, Documents 14 and 427; "
        "Volume IX, Document 5; Document 286.",
        "markdown",
        ctx,
    )
    page = html + notes
    assert '<a class="doc-ref" href="/records/v8-14/">Document 14</a> in Volume VIII' in page
    assert '<a class="doc-ref" href="/records/v8-14/">Documents 14</a> and ' in page
    assert page.count('href="/records/v8-427/"') == 2  # the text and the note
    assert "Volume IX, Document 5" in page  # a volume not in the site: text
    assert '<a class="doc-ref" href="../a/">Document 286</a>' in page


@pytest.mark.parametrize(
    ("name", "number"), [("VIII", "8"), ("x", "10"), ("XIV", "14"), ("12", "12"), ("Q", None)]
)
def test_volume_numbers(name: str, number: str | None) -> None:
    assert volume_number(name) == number


def test_the_built_edition_links_across_volumes(tmp_path: Path) -> None:
    def doc(num: str, vol: str, body: str = "Text.") -> str:
        return record("Cable", body, doc_date="'1946-12-01'", doc_num=num, vol_full_title=vol)

    root = make_site(
        tmp_path,
        {
            "v8-1.md": doc("1", "'Volume 8: 1945'"),
            "v8-2.md": doc("2", "'Volume 8: 1945'"),
            "v10-1.md": doc("1", "'Volume 10: 1946'", "See Volume VIII, Document 2."),
            "v10-2.md": doc("2", "'Volume 10: 1946'"),
        },
        EDITION_CONFIG,
    )
    out, _ = build_site(root)
    page = (out / "records/v10-1/index.html").read_text()
    assert '<a class="doc-ref" href="/records/v8-2/">Document 2</a>' in page
    # Renumbering volume 8 remakes the page that links into it (incremental == clean).
    (root / "content/v8-2.md").unlink()
    out, _ = build_site(root)
    page = (out / "records/v10-1/index.html").read_text()
    assert "doc-ref" not in page


def test_the_datelines_time_and_telegram_number_are_kept(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {
            "t.md": record(
                "Delegation to Department",
                "Cablegram UN949 NEW YORK, 8 December 1946, 8.08 p.m.\n\nSECRET\n\nText.",
                doc_date="'1946-12-08'",
                doc_num="293",
                vol_full_title="'Volume 10: July–December 1946'",
            ),
            "u.md": record(
                "Other",
                "Cablegram UN950 NEW YORK, 9 December 1946\n\nText.",
                doc_date="'1946-12-08'",
            ),
        },
        EDITION_CONFIG,
    )
    out, _ = build_site(root)
    page = (out / "records/t/index.html").read_text()
    assert '<time datetime="1946-12-08" dir="auto">8 December 1946, 8.08 p.m.</time>' in page
    assert "<dt>Telegram number</dt>\n      <dd><bdi>UN949</bdi></dd>" in page
    assert '<p class="record-document"><bdi>Volume 10, Document 293</bdi></p>' in page
    rows = {r["id"]: r for r in site_records(out)}
    data = rows["t"]
    assert data["date"] == {"text": "8 December 1946, 8.08 p.m.", "edtf": "1946-12-08"}
    assert data["extra"]["dispatch_number"] == "UN949"
    # A dateline of another day leaves the front matter's date alone.
    other = rows["u"]
    assert other["date"]["text"] == "1946-12-08"


def test_a_note_marker_inside_the_archival_reference_stays_out_of_the_source() -> None:
    from archivist.read.datelines import split_body

    parts = split_body("Text.[1](#f1)\n\n[UKNA: CAB 148/25[1](#f1)]\n\n1 A note.")
    assert parts.source == "[UKNA: CAB 148/25]"
    assert [n.label for n in parts.notes] == ["1"]


def test_an_edited_documents_indented_paragraphs_are_text_not_code(tmp_path: Path) -> None:
    body = (
        "Sydney, March 1968\n\nTop Secret\n\n    3. Holland.[1](#f1) This was expected.\n\n"
        "[NAA: A1838, 2498/11 part 1]\n\n1 A note."
    )
    root = make_site(
        tmp_path, {"p.md": record("Paper", body, doc_date="'1968-03-01'")}, EDITION_CONFIG
    )
    out, _ = build_site(root)
    page = (out / "records/p/index.html").read_text()
    assert "<pre>" not in page and "](#" not in page
    assert 'Holland.<sup class="note-ref"><a href="#note-1"' in page
