"""Browsing people and organizations (issue 14, part 5): by surname, A–Z links, paged,
with counts; a person page shows the forms seen and the records with roles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archivist.config import Config
from archivist.enrich.archive import build_archive
from archivist.model import ArchiveDate, Participant, Record
from archivist.render import pages
from archivist.render.pages import SiteRenderer
from sitekit import build_site, make_site, record, text_of


def rec(rid: str, day: str, *people: tuple[str, str]) -> Record:
    return Record(
        id=rid,
        title=f"Record {rid}",
        path=f"{rid}.md",
        date=ArchiveDate(day),
        collections=("Volume 3",),
        participants=tuple(Participant(n, r) for n, r in people),
    )


RECORDS = [
    rec("a", "1940", ("A. Eden", "sender"), ("R.G. Menzies", "recipient")),
    rec("b", "1941", ("R. G. Menzies", "sender"), ("Canberra", "recipient")),
    rec("c", "1942", ("Menzies", "author")),
    rec("d", "1943", ("Lord Cranborne", "sender"), ("Department of External Affairs", "recipient")),
    rec("e", "1944", ("Sir Earle Page", "sender"), ("The Embassy in Washington", "recipient")),
    rec("f", "1945", ("Mao Zedong", "speaker"), ("Zhou Enlai", "speaker")),
    rec("g", "1946", ("Ølstad", "sender"), ("'t Hooft", "recipient")),
]


def site_pages(tmp_path: Path) -> dict[str, str]:
    archive = build_archive(RECORDS)
    return dict(SiteRenderer(Config(), archive, tmp_path).pages())


def test_people_sorted_by_surname_with_letters_and_counts(tmp_path: Path) -> None:
    index = site_pages(tmp_path)["people/"]
    text = text_of(index)
    order = [text.index(n) for n in ("Lord Cranborne", "Eden, A.", "Menzies, R. G. 3",
                                      "Ølstad", "Sir Earle Page", "Mao Zedong")]  # fmt: skip
    assert order == sorted(order), text
    assert "Canberra" not in text and "Department of External Affairs" not in text
    assert 'href="/people/#letter-m"' in index  # a letter with people links to them
    assert '<span aria-disabled="true">Q</span>' in index  # one without does not


def test_organizations_have_their_own_index_and_pages(tmp_path: Path) -> None:
    built = site_pages(tmp_path)
    text = text_of(built["organizations/"])
    # `The Embassy …` sorts under E, not T
    assert text.index("Department of External Affairs") < text.index("The Embassy in Washington")
    assert 'href="/organizations/#letter-e"' in built["organizations/"]
    assert "organizations/canberra/" in built
    assert "Record b" in text_of(built["organizations/canberra/"])


def test_a_person_page_shows_forms_and_records_with_roles(tmp_path: Path) -> None:
    page = text_of(site_pages(tmp_path)["people/r-g-menzies/"])
    assert (
        "Also written: R.G. Menzies; Menzies" in page
        or "Also written: Menzies; R.G. Menzies" in page
    )
    assert re.search(r"Record a .*recipient.*Record b .*sender.*Record c .*author", page), page


def test_the_index_is_paged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "NAMES_PER_PAGE", 2)
    built = site_pages(tmp_path)
    assert "people/page/2/" in built and "people/page/4/" in built
    assert "people/page/5/" not in built
    assert "(page 2 of 4)" in built["people/page/2/"]
    # a letter links to the page where it starts
    assert (
        'href="/people/page/4/#letter-z"' in built["people/"]
        or 'href="/people/page/3/#letter-z"' in built["people/"]
    )


def test_a_person_page_lists_the_offices_held_with_their_years(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "a.md": record(
                "The Ambassador in Russia (Francis) to the Secretary of State",
                date="1917-04-02",
            ),
            "b.md": record(
                "The Ambassador in Russia (Francis) to the Secretary of State",
                date="1918-07-19",
            ),
            "c.md": record("Mr. Francis to Mr. Lansing", date="1916-03-01"),
        },
    )
    out, _ = build_site(site)
    page = (out / "people" / "francis" / "index.html").read_text(encoding="utf-8")
    assert '<li dir="auto">Ambassador in Russia (1917–1918)</li>' in page
    assert page.count('<ul class="offices">') == 1
    lansing = (out / "people" / "lansing" / "index.html").read_text(encoding="utf-8")
    assert "offices" not in lansing  # no office named: no list
