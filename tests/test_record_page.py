"""The record page and the browse pages, as a researcher meets them in a built site."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.config import Config
from archivist.enrich.archive import build_archive
from archivist.model import Note, Participant, Person, Record
from archivist.render.markup import BodyContext, BodyRenderer, editorial_kind
from archivist.render.pages import SiteRenderer
from browser_kit import Watched, serve
from sitekit import REPO, broken_links, build_site, make_site, record, text_of

BASE = "https://example.org/archive/"
HOSTILE_TITLE = 'Über </script><script>alert("x")</script> & <b>"quotes"</b>'

EXTRA = {
    "russian-1962.md": record(
        HOSTILE_TITLE,
        "Товарищ Хрущёв: Мы согласны.",
        date="October 27, 1962",
        language="Russian",
        type="Letter",
        uploaded="2021-03-04",
        rights='"Licensed CC BY 4.0"',
        participants='[{name: "Nikita Khrushchev", role: sender}, {name: "John F. Kennedy", role: recipient}]',
        subjects="[Cuba, Example records]",
    ),
    "cable-1949.md": record(
        "Second telegram from Harbin",
        "Harrow: Trains run again.",
        date="March 5, 1949",
        participants="[{name: Edmund Harrow, role: sender}]",
        uploaded="2022-01-02",
        language="English",
    ),
    "note-1949.md": record("A note of 1949", "Text.", date="1949"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    make_site(root, EXTRA, "title: Test archive\npublisher: Test Press\npage_size: 2\n")
    for path in sorted((REPO / "content").glob("*.md")):
        shutil.copy(path, root / "content" / path.name)
    out, _ = build_site(root, base_url=BASE)
    return out


def page(out: Path, url: str) -> str:
    return (out / url / "index.html").read_text(encoding="utf-8")


class _Head(HTMLParser):
    """Meta tags, JSON-LD blocks and elements by id, for assertions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.ids: dict[str, dict[str, str | None]] = {}
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.append((a.get("name") or a.get("property") or "", a.get("content") or ""))
        if tag == "script":
            self.scripts.append(a)
            self._in_ld = a.get("type") == "application/ld+json"
            if self._in_ld:
                self.json_ld.append("")
        if a.get("id"):
            self.ids[a["id"] or ""] = {"tag": tag, **a}

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


def head(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    return parser


def metas(html: str, key: str) -> list[str]:
    return [v for k, v in head(html).meta if k == key]


def metadata_block(html: str) -> dict[str, str]:
    block = html.split('<section class="metadata"', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block, re.S)
    return {dt_: text_of(dd) for dt_, dd in pairs}


# -- the metadata block ---------------------------------------------------------------


def test_metadata_block_shows_only_the_fields_present(built: Path) -> None:
    full = metadata_block(page(built, "records/example-telegram-1949"))
    assert list(full) == [
        "Date", "Participants", "Type", "Language", "Place", "Classification", "Archive",
        "Subjects", "Source", "Rights",
    ]  # fmt: skip
    assert full["Place"] == "Harbin"
    assert full["Classification"] == "Confidential"
    bare = metadata_block(page(built, "records/note-1949"))
    assert list(bare) == ["Date"]
    assert bare["Date"] == "1949 (year only)"


def test_date_as_written_with_its_precision(built: Path) -> None:
    html = page(built, "records/example-letter-1977")
    assert (
        '<time datetime="1977-06" dir="auto">June 1977</time> <span class="precision">(month only)</span>'
        in html
    )
    assert metadata_block(page(built, "records/example-undated-note"))["Date"] == "Undated"
    assert metadata_block(page(built, "records/example-telegram-1949"))["Date"] == "March 3, 1949"


def test_participants_link_to_their_pages_with_roles(built: Path) -> None:
    html = page(built, "records/example-telegram-1949")
    assert (
        '<a href="/archive/people/edmund-harrow/" dir="auto">Edmund Harrow</a> <span class="role">(sender)</span>'
        in html
    )
    assert (
        metadata_block(html)["Participants"] == "Edmund Harrow (sender) Foreign Office (recipient)"
    )
    person = page(built, "people/edmund-harrow")
    assert "Telegram, Edmund Harrow to the Foreign Office" in person
    assert "sender" in text_of(person)


# -- the body --------------------------------------------------------------------------


def test_speaker_turns_are_one_element_each_with_anchor_and_full_name(built: Path) -> None:
    html = page(built, "records/example-minutes-1948")
    turns = re.findall(
        r'<p class="turn" id="(turn-\d+)" data-speaker="([^"]+)">(.*?)</p>', html, re.S
    )
    assert [(t[0], t[1]) for t in turns] == [
        ("turn-1", "Margaret Osei"),
        ("turn-2", "Henrik Lund"),
        ("turn-3", "Margaret Osei"),
    ]
    for ident, full, inner in turns:
        assert f'href="#{ident}"' in inner
        assert full in text_of(inner)  # the full name is read out, not only hovered
    assert re.sub(r"<[^>]+>", "", turns[0][2]).startswith("¶Osei (Margaret Osei): The first item")
    assert 'class="interjection"' in turns[2][2]


def test_markdown_footnotes_link_both_ways(built: Path) -> None:
    html = page(built, "records/example-telegram-1949")
    ids = head(html).ids
    assert 'href="#fn-1" id="fnref-1"' in html
    assert ids["fn-1"]["tag"] == "li"
    assert 'class="note-back" href="#fnref-1"' in html
    notes = html.split('id="notes-h"', 1)[1]
    assert "The line had been closed since 24 February." in notes


def test_editorial_marks_are_marked_not_lost(built: Path) -> None:
    html = page(built, "records/example-telegram-1949")
    assert '<span class="editorial editorial-sic">[sic]</span>' in html
    minutes = page(built, "records/example-minutes-1948")
    assert '<span class="editorial editorial-gap">[...]</span>' in minutes
    letter = page(built, "records/example-letter-1977")
    assert '<span class="editorial editorial-illegible">[illegible]</span>' in letter


@pytest.mark.parametrize(
    ("inner", "kind"),
    [
        ("sic", "sic"),
        ("sic!", "sic"),
        ("SIC", "sic"),
        ("…", "gap"),
        ("...", "gap"),
        (". . .", "gap"),
        ("illegible", "illegible"),
        ("illegible word", "illegible"),
        ("unclear", "illegible"),
        ("of June", "insertion"),
        ("a step", "insertion"),
        ("V.", "insertion"),
    ],
)
def test_editorial_kind(inner: str, kind: str) -> None:
    assert editorial_kind(inner) == kind


def test_text_notes_link_back_to_every_marker_and_only_to_real_ones() -> None:
    body = "First [1] and again [1]. A star [*]. An aside [sic]."
    notes = (Note("1", "One."), Note("*", "Star."), Note("2", "Never marked."))
    html, notes_html = BodyRenderer().render(body, "text", BodyContext({}, notes))
    assert 'id="ref-1"' in html and 'id="ref-1-2"' in html
    assert 'href="#ref-1"' in notes_html and 'href="#ref-1-2"' in notes_html
    assert 'href="#note-u2a" id="ref-u2a"' in html  # `*` → a safe, non-empty id
    unmarked = notes_html.split('id="note-2"', 1)[1]
    assert "note-back" not in unmarked  # no back-link to a marker that is not there
    assert '<span class="editorial editorial-sic">[sic]</span>' in html
    all_ids = re.findall(r'id="([^"]+)"', html + notes_html)
    assert len(all_ids) == len(set(all_ids))


@settings(max_examples=200, deadline=None)
@given(
    body=st.text(alphabet=st.sampled_from(list("[]():^*_#\\n Ab1…sic")), max_size=300),
    fmt=st.sampled_from(["markdown", "text"]),
)
def test_any_body_renders_with_unique_ids(body: str, fmt: str) -> None:
    ctx = BodyContext({"Ab": "Ab Full"}, (Note("1", "n"), Note("*", "m")))
    html, notes = BodyRenderer().render(body, fmt, ctx)
    ids = re.findall(r' id="([^"]+)"', html + notes)
    assert len(ids) == len(set(ids))
    assert "<script" not in html


def test_record_language_sets_lang_on_the_text(built: Path) -> None:
    ru = page(built, "records/russian-1962")
    assert '<html lang="en">' in ru
    assert '<div class="record-body" lang="ru">' in ru
    en = page(built, "records/example-telegram-1949")
    assert '<div class="record-body">' in en


# -- around the record ------------------------------------------------------------------


def test_prev_next_follow_date_order_and_breadcrumbs_lead_up(built: Path) -> None:
    html = page(built, "records/example-telegram-1949")
    prev = re.search(r'<a rel="prev" href="([^"]+)"', html)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', html)
    # A year-only date sorts by its earliest day: "1949" comes before March 3, 1949.
    assert prev and prev.group(1) == "/archive/records/note-1949/"
    assert nxt and nxt.group(1) == "/archive/records/cable-1949/"
    crumbs = html.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', crumbs) == [
        "/archive/",
        "/archive/years/",
        "/archive/years/1949/",
    ]
    related = html.split('id="related-h"', 1)[1]
    # The other Harrow telegram shares a person: it ranks first.
    assert related.index("Second telegram from Harbin") < related.index("Undated note")


def test_cite_this_record(built: Path) -> None:
    html = page(built, "records/example-telegram-1949")
    note = re.search(r'<p class="cite-note" id="cite-note">(.*?)</p>', html, re.S)
    assert note
    assert " ".join(re.sub(r"<[^>]+>", "", note.group(1)).split()) == (
        "Edmund Harrow to Foreign Office, telegram, March 3, 1949, Example Archive, Series EX-1,"
        " File 12, folio 4 (an invented reference), Example Archive (not a real repository),"
        " Test archive, https://example.org/archive/records/example-telegram-1949/."
    )
    # By default the page makes the citation downloads itself: no files beside it.
    for name in ("cite.bib", "cite.ris", "cite.json"):
        assert f"/{name}" not in html
        assert not (built / "records" / "example-telegram-1949" / name).exists()
    assert html.count("data-cite=") == 3


def test_the_page_downloads_its_citation(built: Path, watched: Watched) -> None:
    """A reader with JavaScript gets BibTeX, RIS and CSL-JSON from the page itself,
    under the page's strict Content-Security-Policy."""
    page = watched.page
    with serve(built, "/archive/") as server:
        page.goto(server.url("records/example-telegram-1949/"))
        texts = {}
        for name in ("BibTeX", "RIS", "CSL-JSON"):
            link = page.get_by_role("link", name=name, exact=True)
            with page.expect_download() as download:
                link.click()
            texts[name] = Path(download.value.path()).read_text(encoding="utf-8")
            assert download.value.suggested_filename.startswith("example-telegram-1949.")
    assert texts["BibTeX"].startswith("@misc{example-telegram-1949,")
    assert "title = {{Telegram" in texts["BibTeX"] and "date = {1949-03-03}" in texts["BibTeX"]
    assert "TY  - PCOMM" in texts["RIS"] and "DA  - 1949/03/03/" in texts["RIS"]
    (item,) = json.loads(texts["CSL-JSON"])
    assert item["issued"] == {"date-parts": [[1949, 3, 3]]}
    assert item["URL"] == BASE + "records/example-telegram-1949/"
    watched.assert_clean()


# Records whose citations take every branch of static/cite.js: three recipients, a
# translator, circa and month-only dates, a date read as written only, BibTeX's special
# characters, whitespace to collapse, an archive named in the source or not, ß.
EDGES = {
    "edge-a.md": record(
        "Cable  100%  #1: {draft} _x_ ^ ~ \\ & $5",
        "Text.",
        date="c. 1956",
        type="Telegram",
        participants="[{name: A. Sender, role: sender}, {name: B One, role: recipient},"
        " {name: C Two, role: recipient}, {name: 'D  Three', role: recipient}]",
        translators="[Tess Translator]",
        source='"Straße Archive, Box 9.  "',
        archive='"STRASSE ARCHIVE"',
        record_id='"AN-7"',
        subjects='["War, and peace", "Öl"]',
        language="[German, English]",
        summary='"Two  spaces\tand a tab."',
        uploaded="2024-02-29",
        place='"Köln  am Rhein"',
    ),
    "edge-b.md": record("Memorandum of Conversation", "Text.", date="June 1977",
                        type="Memorandum of Conversation", archive="Other Archive"),
    "edge-c.md": record("Undated scrap", "Text.", date="undated"),
}  # fmt: skip


def test_the_page_writes_the_citation_files_byte_for_byte(tmp_path: Path, watched: Watched) -> None:
    """static/cite.js writes BibTeX, RIS and CSL-JSON from the page's data; they must be
    the very files `outputs: [citation_files]` writes, for every record."""
    root = make_site(tmp_path / "s", {**EXTRA, **EDGES}, "title: T  #1\npublisher: P & Co\n")
    for path in sorted((REPO / "content").glob("*.md")):
        shutil.copy(path, root / "content" / path.name)
    out, _ = build_site(root, base_url=BASE)
    (root / "archivist.yaml").write_text(
        "title: T  #1\npublisher: P & Co\noutputs: [citation_files]\n", encoding="utf-8"
    )
    files, _ = build_site(root, tmp_path / "files", base_url=BASE)
    ids = sorted(p.parent.name for p in files.glob("records/*/cite.bib"))
    assert len(ids) == len(EXTRA) + len(EDGES) + len(list((REPO / "content").glob("*.md")))
    page = watched.page
    with serve(out, "/archive/") as server:
        for record_id in ids:
            page.goto(server.url(f"records/{record_id}/"))
            for suffix in ("bib", "ris", "json"):
                with page.expect_download() as download:
                    page.click(f"a[data-cite={suffix}]")
                made = Path(download.value.path()).read_text("utf-8")
                want = (files / "records" / record_id / f"cite.{suffix}").read_text("utf-8")
                assert made == want, (record_id, suffix)
    watched.assert_clean()


def test_without_javascript_the_page_still_cites(built: Path) -> None:
    # The download links stay hidden (they would lead nowhere); the note and the
    # embedded metadata are there.
    html = page(built, "records/example-telegram-1949")
    assert html.count("<li hidden><a data-cite=") == 3
    assert 'id="cite-note"' in html and 'name="citation_title"' in html


def test_citation_files_are_an_optional_output(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", EXTRA, "title: T\noutputs: [citation_files]\n")
    out, _ = build_site(root, base_url=BASE)
    html = page(out, "records/cable-1949")
    for name in ("cite.bib", "cite.ris", "cite.json"):
        assert f'href="/archive/records/cable-1949/{name}" download' in html
        assert (out / "records" / "cable-1949" / name).is_file()
    assert "Second telegram from Harbin" in (out / "records/cable-1949/cite.bib").read_text()
    assert "data-cite=" not in html and "static/cite.js" not in html
    assert broken_links(out, "/archive/", BASE) == []


# -- head metadata -------------------------------------------------------------------------


def test_highwire_dublin_core_and_open_graph(built: Path) -> None:
    html = page(built, "records/example-letter-1977")
    url = BASE + "records/example-letter-1977/"
    assert metas(html, "citation_title") == ["Letter from Anna Keller to Tomas Brenner"]
    assert metas(html, "citation_author") == ["Anna Keller"]  # the sender, not the recipient
    assert metas(html, "citation_date") == ["1977/06"]
    assert metas(html, "citation_publisher") == ["Test Press"]
    assert metas(html, "citation_public_url") == [url]
    assert metas(html, "citation_pdf_url") == []  # there is no PDF
    assert metas(html, "citation_language") == ["en"]
    # Dublin Core says only what no citation_* tag does: the recipient, the rights.
    assert metas(html, "DC.contributor") == ["Tomas Brenner"]
    assert [m.endswith("(CC0).") for m in metas(html, "DC.rights")] == [True]
    assert metas(html, "DC.creator") == metas(html, "DC.date") == metas(html, "DC.title") == []
    assert metas(html, "og:url") == [url]
    assert metas(page(built, "records/example-undated-note"), "citation_date") == []


def test_json_ld_describes_the_record(built: Path) -> None:
    html = page(built, "records/example-telegram-1949")
    [raw] = head(html).json_ld
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == ["ArchiveComponent", "CreativeWork"]
    assert data["name"] == "Telegram, Edmund Harrow to the Foreign Office"
    assert data["url"] == BASE + "records/example-telegram-1949/"
    assert data["dateCreated"] == "1949-03-03"
    assert [a["name"] for a in data["about"]] == ["Example records", "Consular reporting"]
    assert data["about"][0]["url"] == BASE + "subjects/example-records/"
    assert [(m["@type"], m["name"], m["url"]) for m in data["mentions"]] == [
        ("Person", "Edmund Harrow", BASE + "people/edmund-harrow/"),
        ("Organization", "Foreign Office", BASE + "organizations/foreign-office/"),
    ]
    assert data["author"][0]["name"] == "Edmund Harrow"
    assert data["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert data["isPartOf"]["url"] == BASE
    assert data["isPartOf"]["name"] == "Test archive"
    assert data["holdingArchive"]["name"] == "Example Archive (not a real repository)"
    assert data["inLanguage"] == "en"


def test_json_ld_cannot_be_broken_out_of(built: Path) -> None:
    html = page(built, "records/russian-1962")
    parsed = head(html)
    # JSON-LD in the head; the citation texts (a data block) and cite.js at the end.
    assert [s.get("type") for s in parsed.scripts] == [
        "application/ld+json",
        "application/json",
        None,
    ]
    [raw] = parsed.json_ld
    data = json.loads(raw)
    assert data["name"] == HOSTILE_TITLE
    cite = html.split('<script type="application/json" id="cite-data">', 1)[1]
    assert json.loads(cite.split("</script>", 1)[0])["csl"]["id"] == "russian-1962"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["dateCreated"] == "1962-10-27"
    assert "</script><script>" not in html
    assert metas(html, "citation_title") == [HOSTILE_TITLE]


def test_json_ld_urls_are_root_relative_without_an_absolute_base(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"a.md": record("A", date="1950", subjects="[X]")})
    out, _ = build_site(root, base_url="/sub/")
    html = (out / "records" / "a" / "index.html").read_text(encoding="utf-8")
    data = json.loads(head(html).json_ld[0])
    assert data["url"] == "/sub/records/a/"
    assert data["about"][0]["url"] == "/sub/subjects/x/"
    assert metas(html, "og:url") == []  # og:url must be absolute: left out
    assert _broken(out, "/sub/") == []


# -- browsing ------------------------------------------------------------------------------


def test_years_timeline_decades_years_counts_and_undated(built: Path) -> None:
    text = text_of(page(built, "years"))
    assert "1940s 4" in text  # 1948 and three 1949 records
    assert "1948 1" in text and "1949 3" in text
    assert "1960s 1" in text and "1970s 1" in text
    assert "Undated records 1" in text
    undated = page(built, "years/undated")
    assert "Undated note on a catalogue card" in undated


def test_lists_paginate_in_date_order(built: Path) -> None:
    first = text_of(page(built, "years/1949"))
    second = text_of(page(built, "years/1949/page/2"))
    assert "3 records, by date" in first
    assert first.index("A note of 1949") < first.index("Telegram, Edmund Harrow")
    assert "Second telegram from Harbin" in second and "Second telegram" not in first
    assert 'rel="next" href="/archive/years/1949/page/2/"' in page(built, "years/1949")


def test_facet_indexes_and_pages(built: Path) -> None:
    for facet, term in (
        ("types", "telegram"),
        ("languages", "russian"),
        ("archives", "example-archive-not-a-real-repository"),
        ("subjects", "cuba"),
    ):
        assert (built / facet / "index.html").is_file()
        assert (built / facet / term / "index.html").is_file()
    people = text_of(page(built, "people"))
    assert "Edmund Harrow 2" in people


def test_people_index_shows_life_dates(tmp_path: Path) -> None:
    def person_for(name: str) -> Person:
        born = {"Mao Zedong": "1893"}.get(name)
        died = {"Mao Zedong": "1976"}.get(name)
        return Person(slug=name.lower().replace(" ", "-"), name=name, born=born, died=died)

    records = [
        Record(
            id="a", title="A", path="a.md", participants=(Participant("Mao Zedong", "speaker"),)
        ),
        Record(id="b", title="B", path="b.md", participants=(Participant("Mao Zedong", "host"),)),
    ]
    archive = build_archive(records, person_for)
    pages = dict(SiteRenderer(Config(), archive, tmp_path).pages())
    assert "Mao Zedong (1893–1976) 2" in text_of(pages["people/"])
    person = text_of(pages["people/mao-zedong/"])
    assert "1893–1976" in person and "speaker" in person and "host" in person


def _broken(out: Path, base: str, site_url: str | None = None) -> list[str]:
    # The search page's `data-bundle` names the Pagefind folder, not a page.
    return [b for b in broken_links(out, base, site_url) if not b.endswith("/pagefind/")]


def test_everything_links_under_a_sub_path(built: Path) -> None:
    assert _broken(built, "/archive/", BASE) == []


def test_no_javascript_outside_search_but_the_citation_downloads(built: Path) -> None:
    data = {"application/ld+json", "application/json"}
    for path in sorted(built.rglob("*.html")):
        rel = path.relative_to(built).as_posix()
        if rel.startswith("search/") or rel.startswith("pagefind/"):
            continue
        scripts = head(path.read_text(encoding="utf-8")).scripts
        code = [s.get("src") for s in scripts if s.get("type") not in data]
        assert code == (["/archive/static/cite.js"] if rel.startswith("records/") else []), rel


def test_two_builds_are_identical(tmp_path: Path) -> None:
    records = {n: t for n, t in EXTRA.items()}
    a = make_site(tmp_path / "a", records, "page_size: 2\n")
    b = make_site(tmp_path / "b", dict(reversed(records.items())), "page_size: 2\n")
    out_a, _ = build_site(a, base_url=BASE)
    out_b, _ = build_site(b, base_url=BASE)
    files_a = {
        p.relative_to(out_a) for p in out_a.rglob("*") if p.is_file() and "pagefind" not in p.parts
    }
    for rel in sorted(files_a):
        if rel.name.startswith("."):
            continue
        assert (out_a / rel).read_bytes() == (out_b / rel).read_bytes(), rel
    assert dt.date  # the clock is never read: see test_exports for lastmod and feed dates
