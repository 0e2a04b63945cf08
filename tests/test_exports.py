"""Data and open metadata: records.jsonl.gz, records.csv, record.json, datapackage.json, sitemap,
robots, the Atom feed and the OAI-PMH static repository, each parsed and checked."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archivist.config import Config
from archivist.enrich.archive import build_archive
from archivist.model import ArchiveDate, Participant, Record
from archivist.render import exports, gzip_members, oai
from sitekit import broken_links, build_site, make_site, record, site_records

BASE = "https://example.org/archive/"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SR = "{http://www.openarchives.org/OAI/2.0/static-repository}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"

RECORDS = {
    "letter.md": record(
        "Letter from A to B",
        "Dear B,\n\nText [sic].",
        date="June 1977",
        participants="[{name: Anna Keller, role: sender}, {name: Tomas Brenner, role: recipient}]",
        type="Letter",
        language="English",
        uploaded="2020-05-04",
        subjects="[Letters]",
        source='"Box 1."',
        rights='"CC0"',
    ),
    "cable.md": record(
        '=HYPERLINK("http://evil") cable',
        "Text.",
        date="March 3, 1949",
        uploaded="2023-01-02",
        summary='"A summary with <tags> & ampersands."',
    ),
    "undated.md": record("Undated note", "Text."),
}

OAI_ON = "outputs: [oai_pmh]\n"
# Files that must not change with the clock.
FIXED = ("sitemap.xml", "feed.xml", "oai.xml", "data/datapackage.json", "data/records.jsonl.gz")

RECORD_KEYS = [
    "id", "url", "title", "date", "participants", "type", "place", "language",
    "original_language", "classification", "archive", "collections", "number", "subjects",
    "source", "translators", "funders", "rights", "summary", "record_id", "uploaded", "related",
    "body_format", "body", "notes", "extra",
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(
        tmp_path_factory.mktemp("site"),
        RECORDS,
        "title: Data test\npublisher: Test Press\noutputs: [record_json, records_csv, oai_pmh]\n",
    )
    out, _ = build_site(root, base_url=BASE)
    return out


def test_records_jsonl_is_a_stable_interface(built: Path) -> None:
    records = site_records(built)
    assert [r["id"] for r in records] == ["cable", "letter", "undated"]  # by date, undated last
    letter = records[1]
    assert list(letter) == RECORD_KEYS
    assert letter["url"] == BASE + "records/letter/"
    assert letter["date"] == {"text": "June 1977", "edtf": "1977-06"}
    assert [{k: p[k] for k in ("name", "role")} for p in letter["participants"]] == [
        {"name": "Anna Keller", "role": "sender"},
        {"name": "Tomas Brenner", "role": "recipient"},
    ]
    assert letter["language"] == ["English"]
    assert letter["uploaded"] == "2020-05-04"
    assert records[2]["date"] is None
    one = json.loads((built / "records" / "letter" / "record.json").read_text(encoding="utf-8"))
    assert one == letter
    # Each line is the record's own record.json, byte for byte.
    lines = gzip.decompress((built / "data" / "records.jsonl.gz").read_bytes()).splitlines(True)
    assert lines[1] == (built / "records" / "letter" / "record.json").read_bytes()
    page = (built / "records" / "letter" / "index.html").read_text(encoding="utf-8")
    assert page.count('href="/archive/records/letter/record.json"') == 2  # head, cite box
    assert "records/letter/record.json" in (built / "feed.xml").read_text(encoding="utf-8")


def test_record_json_is_an_optional_output(tmp_path: Path, built: Path) -> None:
    """Off by default: no record.json, and nothing links to one; records.jsonl.gz is
    the same file as with it."""
    root = make_site(tmp_path, RECORDS, "title: Data test\npublisher: Test Press\n")
    out, _ = build_site(root, base_url=BASE)
    assert not list(out.rglob("record.json"))
    assert site_records(out) == site_records(built)
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".xml", ".json", ".txt"):
            assert "record.json" not in path.read_text(encoding="utf-8"), path
    assert broken_links(out, "/archive/", BASE) == []


FORMULAS = [
    '=HYPERLINK("http://127.0.0.1/x","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "  =1+1",
    "\t=1",
    "＝1+1",
]


def test_no_records_csv_cell_or_list_item_starts_a_formula(tmp_path: Path) -> None:
    items = "[" + ", ".join(json.dumps(f) for f in ["Plain", *FORMULAS]) + "]"
    people = (
        "["
        + ", ".join(f"{{name: {json.dumps(f)}, role: sender}}" for f in ["Anna Keller", *FORMULAS])
        + "]"
    )
    fields = ("subjects", "collections", "translators", "funders")
    text = record("Formulas", "Text.", participants=people, **dict.fromkeys(fields, items))
    root = make_site(tmp_path / "site", {"f.md": text}, "title: CSV\noutputs: [records_csv]\n")
    out, _ = build_site(root)
    raw = (out / "data" / "records.csv").read_text(encoding="utf-8")
    (row,) = list(csv.DictReader(io.StringIO(raw, newline="")))
    danger = ("=", "+", "-", "@", "\t", "\r", "＝")
    for column in (*fields, "participants"):
        values = row[column].split("; ")
        # (Participants that read the same after normalizing are one person.)
        assert len(values) >= (5 if column == "participants" else 1 + len(FORMULAS)), column
        for value in values:
            assert not value.lstrip(" ").startswith(danger), (column, value)
    # The text is all still there, behind the quote mark.
    assert '\'=HYPERLINK("http://127.0.0.1/x","click")' in row["subjects"].split("; ")


def test_records_csv_has_every_field_and_is_safe_in_spreadsheets(built: Path) -> None:
    text = (built / "data" / "records.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(exports.CSV_COLUMNS)
    assert [r["id"] for r in rows] == ["cable", "letter", "undated"]
    letter = rows[1]
    assert letter["date_text"] == "June 1977" and letter["date_edtf"] == "1977-06"
    assert letter["participants"] == "Anna Keller (sender); Tomas Brenner (recipient)"
    assert letter["body"] == "Dear B,\n\nText [sic]."
    assert rows[0]["title"].startswith("'=HYPERLINK")  # not a formula


def test_datapackage_describes_the_files(built: Path) -> None:
    package = json.loads((built / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "data-package"
    assert package["name"] == "data-test"
    for resource in package["resources"]:
        assert (built / "data" / resource["path"]).is_file()
    csv_resource = next(r for r in package["resources"] if r["path"] == "records.csv")
    header = (built / "data" / "records.csv").read_bytes().decode("utf-8").split("\r\n", 1)[0]
    assert [f["name"] for f in csv_resource["schema"]["fields"]] == header.split(",")
    assert csv_resource["schema"]["primaryKey"] == ["id"]
    assert package["created"] == "2023-01-02T00:00:00Z"  # from the records, not the clock


def test_sitemap_lastmod_comes_from_the_records(built: Path) -> None:
    root = ET.parse(built / "sitemap.xml").getroot()
    entries = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iter(f"{SM}url")}
    assert entries[BASE + "records/letter/"] == "2020-05-04"
    assert entries[BASE + "records/cable/"] == "2023-01-02"
    assert entries[BASE + "records/undated/"] is None  # unknown: no lastmod, never the clock
    assert BASE + "people/anna-keller/" in entries
    assert BASE + "years/1977/" in entries
    assert all(loc and loc.startswith(BASE) for loc in entries)
    robots = (built / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_atom_feed_lists_newest_uploads_first(built: Path) -> None:
    root = ET.parse(built / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2023-01-02T00:00:00Z"
    assert root.findtext(f"{ATOM}id") == BASE
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ['=HYPERLINK("http://evil") cable', "Letter from A to B", "Undated note"]
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == BASE + "records/cable/"
    link = first.find(f"{ATOM}link[@type='text/html']")
    assert link is not None and link.get("href") == BASE + "records/cable/"
    assert first.findtext(f"{ATOM}summary") == "March 3, 1949. A summary with <tags> & ampersands."
    letter = entries[1]
    assert letter.findtext(f"{ATOM}author/{ATOM}name") == "Anna Keller"
    assert [c.get("term") for c in letter.findall(f"{ATOM}category")] == ["Letters"]


def test_oai_static_repository(built: Path) -> None:
    root = ET.parse(built / "oai.xml").getroot()
    assert root.tag == f"{SR}Repository"
    identify = root.find(f"{SR}Identify")
    assert identify is not None
    assert identify.findtext(f"{OAI}repositoryName") == "Data test"
    assert identify.findtext(f"{OAI}baseURL") == BASE + "oai.xml"
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DD"
    assert identify.findtext(f"{OAI}earliestDatestamp") == "1970-01-01"
    formats = root.findall(f"{SR}ListMetadataFormats/{OAI}metadataFormat")
    assert [f.findtext(f"{OAI}metadataPrefix") for f in formats] == ["oai_dc"]
    lists = root.find(f"{SR}ListRecords")
    assert lists is not None and lists.get("metadataPrefix") == "oai_dc"
    records = lists.findall(f"{OAI}record")
    assert len(records) == 3
    ids = [r.findtext(f"{OAI}header/{OAI}identifier") for r in records]
    assert ids == ["oai:example.org:cable", "oai:example.org:letter", "oai:example.org:undated"]
    letter = records[1]
    assert letter.findtext(f"{OAI}header/{OAI}datestamp") == "2020-05-04"
    dc = letter.find(f"{OAI}metadata/{OAI_DC}dc")
    assert dc is not None
    values = [(el.tag.removeprefix(DC), el.text) for el in dc]
    assert ("title", "Letter from A to B") in values
    assert ("creator", "Anna Keller") in values
    assert ("contributor", "Tomas Brenner") in values
    assert ("date", "1977-06") in values
    assert ("identifier", BASE + "records/letter/") in values
    assert ("language", "en") in values
    assert ("rights", "CC0") in values


def test_xml_outputs_survive_control_characters_and_markup() -> None:
    hostile = Record(
        id="h",
        title="Bad \x01 title </dc:title><x>",
        path="h.md",
        summary="\x0b & <b>",
        date=ArchiveDate("1950", "1950", dt.date(1950, 1, 1), dt.date(1950, 12, 31)),
        participants=(Participant("\x02Name", "author"),),
        uploaded=dt.date(2001, 2, 3),
    )
    archive = build_archive([hostile])
    config = Config(base_url=BASE)
    for text in (
        oai.static_repository(config, archive, "archive@example.org"),
        exports.feed(config, archive),
        exports.sitemap(config, iter([("records/h/", "2001-02-03")])),
    ):
        ET.fromstring(text.encode("utf-8"))  # well-formed
    root = ET.fromstring(oai.static_repository(config, archive, "archive@example.org"))
    assert root.findtext(f".//{DC}title") == "Bad  title </dc:title><x>"
    assert root.findtext(f"{SR}Identify/{OAI}adminEmail") == "archive@example.org"
    assert root.findtext(f"{SR}Identify/{OAI}earliestDatestamp") == "2001-02-03"


def test_without_an_absolute_base_url(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"a.md": record("A", uploaded="2020-01-01")}, OAI_ON)
    out, _ = build_site(root, base_url="/sub/")
    assert site_records(out)[0]["url"] == "/sub/records/a/"
    assert "Sitemap:" not in (out / "robots.txt").read_text(encoding="utf-8")
    feed = ET.parse(out / "feed.xml").getroot()
    entry_id = feed.findtext(f"{ATOM}entry/{ATOM}id")
    assert entry_id == "tag:archivist.invalid,2000:/sub/records/a/"  # an absolute IRI
    repo = ET.parse(out / "oai.xml").getroot()
    assert repo.findtext(f".//{OAI}identifier") == "oai:localhost:a"


def test_outputs_do_not_depend_on_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(tmp_path / "s", RECORDS, OAI_ON)
    outputs = []
    for epoch in ("1000000000", "1700000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        out, _ = build_site(root, tmp_path / f"out-{epoch}", base_url=BASE)
        outputs.append({name: (out / name).read_bytes() for name in FIXED})
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    "lines", [[], [b"a\n"], [b'{"t":"\xc3\xa9"}\n', b"", b"x" * 70_000 + b"\n"]]
)
def test_gzip_members_read_as_one_file(lines: list[bytes]) -> None:
    # records.jsonl.gz is one gzip member per record and an empty one at the end: any
    # gzip reader must read the lines back as one file, and an empty archive's file
    # must still be gzip.
    data = b"".join(gzip_members.member(line) for line in lines) + gzip_members.EMPTY
    assert gzip.decompress(data) == b"".join(lines)
    unzip = subprocess.run(["gzip", "-dc"], input=data, capture_output=True, check=True)
    assert unzip.stdout == b"".join(lines)
    assert gzip_members.member(b"same") == gzip_members.member(b"same")  # no clock in it


def test_data_files_are_optional_outputs(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", RECORDS, "title: Data\n")
    out, _ = build_site(root)
    assert not (out / "data" / "records.csv").exists()
    assert not (out / "oai.xml").exists()
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == ["records.jsonl.gz"]
    page = (out / "data" / "index.html").read_text(encoding="utf-8")
    assert "records.jsonl.gz" in page and "records.csv" not in page and "oai.xml" not in page
    assert len(site_records(out)) == len(RECORDS)


def test_records_jsonl_from_parallel_workers_holds_each_records_own_line(tmp_path: Path) -> None:
    """Render workers compress each record's line beside its page, in whatever order
    they finish; the file still lists every record once, in archive order, each line
    the record's own record.json."""
    records = {
        f"r{n:03d}.md": record(f"Note {n}", f"Body of note {n}, é.", date=f"19{40 + n % 50}")
        for n in range(60)  # enough that the records go to worker processes
    }
    root = make_site(tmp_path / "s", records, "title: Many\noutputs: [record_json]\n")
    out, report = build_site(root, jobs=2)
    assert report.rendered == 60
    text = gzip.decompress((out / "data" / "records.jsonl.gz").read_bytes())
    lines = text.split(b"\n")[:-1]
    ids = [json.loads(line)["id"] for line in lines]
    assert sorted(ids) == sorted(f"r{n:03d}" for n in range(60)) and len(set(ids)) == 60
    for rid, line in zip(ids, lines, strict=True):
        assert (out / "records" / rid / "record.json").read_bytes() == line + b"\n"
    serial, _ = build_site(root, tmp_path / "serial", jobs=1, use_cache=False)
    assert (serial / "data" / "records.jsonl.gz").read_bytes() == (
        out / "data" / "records.jsonl.gz"
    ).read_bytes()
