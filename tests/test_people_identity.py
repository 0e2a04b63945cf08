"""Kinds and identity across an archive (issue 14, parts 1 and 3).

Names are real ones from DAFP titles (written here as small fixtures, not copied
files) and FRUS heads; the hostile ones are made up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.enrich.archive import build_archive
from archivist.enrich.people import participants_from_title
from archivist.enrich.people.authority import Authority
from archivist.enrich.people.identity import display, identify
from archivist.enrich.people.kinds import is_fragment, kind_of, tidy
from archivist.model import Participant, Person, Record
from sitekit import build_site, make_site, record, site_records

P = Participant

ORGANIZATIONS = [
    "Department of External Affairs",
    "Australian Delegation, United Nations",
    "Commonwealth Government",
    "Embassy in Washington",
    "Prime Minister's Department",
    "Cabinet",
    "High Commission in New Delhi",
    "New Zealand High Commission in Canberra",
    "Legation in Washington",
    "U.K. Dominions Office",
    "Canberra",  # a post named by its city in a cable heading
    "Jakarta",
    "New York",
    "Kuala Lumpur",
    "All Posts",
    "Posts",
    "External Affairs",  # the department, by its portfolio
    "Prime Minister",  # an office named alone
    "Secretary of State",  # FRUS
    "Minister for External Affairs",
    "Chairman",
    "Acting Secretary",
    "Permanent Heads",
    "Consulate-General in Batavia",
    "Attorney-General",
    "Confederation of Australian Industry",
    "Australian Textile Workers'union",
    # DAFP: a country mark is no one's initials; an acronym alone is a body
    "U.K. High Commissioner in Australia",
    "U.S. Ambassador",
    "N.Z. Prime Minister",
    "AAEC",  # `Paper by AAEC`
    # FRUS: described, not named
    "the minister of France at Washington",
    "the British minister",
]
PERSONS = [
    "R. G. Menzies",
    "R.G. Menzies",
    "Dr H. V. Evatt",
    "Lord Cranborne",
    "Sir Earle Page",
    "Lt Col W. R. Hodgson",
    "F. K. Officer",  # Keith Officer: initials make a surname of an office word
    "F.K. Officer",
    "Lee Kuan Yew",
    "Tunku Abdul Rahman",
    "Noel-Baker",
    "Evatt",
    "Stevens",  # FRUS
    "U. Thant",  # one initial and a surname, not a country mark
]


@pytest.mark.parametrize("name", ORGANIZATIONS)
def test_organizations(name: str) -> None:
    assert kind_of(name) == "organization"


@pytest.mark.parametrize("name", PERSONS)
def test_persons(name: str) -> None:
    assert kind_of(name) == "person"


def test_a_misspelt_type_word_is_no_sender() -> None:
    # DAFP: `Sumbmission from Booker to Hasluck` (one letter too many).
    assert participants_from_title("Sumbmission from Booker to Hasluck") == (
        P("Booker", "sender"),
        P("Hasluck", "recipient"),
    )


def test_an_all_capital_surname_the_archive_knows_stays_a_person() -> None:
    assert kind_of("EVATT", ["evatt"]) == "person"


def test_an_office_word_is_a_person_where_the_archive_has_that_surname() -> None:
    # DAFP: `Officer to Evatt` is Keith Officer, named `F. K. Officer` elsewhere.
    assert kind_of("Officer") == "organization"
    assert kind_of("Officer", {"officer", "menzies"}) == "person"


@pytest.mark.parametrize(
    ("found", "kept"),
    [
        ([P("Evatt3", "sender")], [P("Evatt", "sender")]),  # a glued footnote marker
        ([P("Kishi And Menzies")], [P("Kishi"), P("Menzies")]),
        ([P("Heydon for Hodgson", "sender")], [P("Heydon", "sender"), P("Hodgson", "sender")]),
        ([P("MrJohn Curtin")], [P("John Curtin")]),
        ([P("Affairs")], []),
        ([P("1963 Anzus Record")], []),
        ([P("Evatt Cablegram 142")], []),
        ([P("Casey's Diary")], []),
        ([P("Agriculture")], []),
        ([P("Barwick In London", "sender")], [P("Barwick", "sender")]),
        ([P("Menzies at Australia Club Dinner")], [P("Menzies")]),
        ([P("Burton BATAVIA", "sender")], [P("Burton", "sender")]),  # the post he wrote from
        ([P("Meeting")], []),
        ([P("Bout De Papier")], []),
        ([P("Department Of Trade And Industry")], [P("Department Of Trade And Industry")]),
        ([P("")], []),
        ([P("((( )))")], []),
    ],
)
def test_tidy(found: list[Participant], kept: list[Participant]) -> None:
    assert list(tidy(found)) == kept


def test_fragments_are_no_one_but_names_are() -> None:
    assert is_fragment("Affairs") and is_fragment("42") and is_fragment("of")
    assert not is_fragment("Menzies") and not is_fragment("Officer")


def test_display_spaces_initials_and_titlecases_capitals() -> None:
    assert display("R.G. Menzies") == "R. G. Menzies"
    assert display("MENZIES") == "Menzies"
    assert display("Mr R.G. MENZIES") == "Mr R. G. Menzies"
    assert display("McINTYRE") == "McINTYRE"  # mixed case is left as written


def rec(rid: str, collection: str, *names: str) -> Record:
    return Record(
        id=rid,
        title=rid,
        path=f"{rid}.md",
        collections=(collection,),
        participants=tuple(P(n, "sender") for n in names),
    )


def slugs_of(records: list[Record]) -> dict[str, str]:
    found = identify(records, default_person)
    return {
        p.name: found.person(r, p).slug
        for r in records
        for p in r.participants
        if found.kinds[p.name] == "person"
    }


def default_person(name: str) -> Person:
    return Authority().person_for(name)


def test_one_person_one_page_across_spellings() -> None:
    records = [
        rec("a", "Volume 2", "R.G. Menzies"),
        rec("b", "Volume 3", "R. G. Menzies"),
        rec("c", "Volume 3", "Mr R. G. MENZIES"),
        rec("d", "Volume 3", "Menzies"),
        rec("e", "Volume 3", "MENZIES"),
        rec("f", "Volume 4", "Robert Gordon Menzies"),
        rec("g", "Volume 4", "Prime Minister Menzies"),
    ]
    slugs = slugs_of(records)
    assert set(slugs.values()) == {"r-g-menzies"}, slugs


def test_a_surname_joins_the_one_full_name_in_its_collection() -> None:
    records = [
        rec("a", "Volume 1", "S. M. Bruce"),
        rec("b", "Volume 1", "Bruce"),
        rec("c", "Volume 9", "J. Bruce"),
        rec("d", "Volume 9", "Bruce"),
        rec("e", "Volume 5", "Bruce"),  # both exist elsewhere, neither here: ambiguous
    ]
    found = identify(records, default_person)
    assert found.person(records[1], P("Bruce")).slug == "s-m-bruce"
    assert found.person(records[3], P("Bruce")).slug == "j-bruce"
    assert found.person(records[4], P("Bruce")).slug == "bruce"
    assert ("Bruce", ("j bruce", "s m bruce")) in found.ambiguous


def test_a_dominant_figure_wins_over_a_minor_namesake() -> None:
    # DAFP volume 19: `Menzies` 28 times is the Prime Minister, not `H.C. Menzies`.
    records = [rec(f"m{i}", "Volume 3", "R. G. Menzies") for i in range(30)]
    records += [rec("h", "Volume 19", "H.C. Menzies")]
    records += [rec(f"s{i}", "Volume 19", "Menzies") for i in range(10)]
    found = identify(records, default_person)
    assert found.person(records[-1], P("Menzies")).slug == "r-g-menzies"
    assert found.person(records[30], P("H.C. Menzies")).slug == "h-c-menzies"


def test_different_initials_stay_apart() -> None:
    records = [rec("a", "V", "S. M. Bruce"), rec("b", "V", "J. Bruce"), rec("c", "V", "A. Eden")]
    assert len(set(slugs_of(records).values())) == 3


def test_names_that_agree_with_two_people_are_reported() -> None:
    records = [rec("a", "V", "A. S. Watt"), rec("b", "V", "G. P. N. Watt"), rec("c", "V", "Watt")]
    found = identify(records, default_person)
    assert found.person(records[2], P("Watt")).slug == "watt"
    assert any(name == "Watt" for name, _ in found.ambiguous)


def test_hostile_names_do_not_break_identity() -> None:
    names = ["", " ", ".", "Mr", "Sir Sir Sir", "A " * 300, "[1]", "\u202e", "Menzies" * 50]
    records = [rec(str(i), "V", n) for i, n in enumerate(names)]
    archive = build_archive(records)
    assert len(archive.records) == len(names)


def test_records_json_and_pages_split_people_and_organizations(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {
            "a.md": record("Officer to Evatt", date="1945-01-01"),
            "b.md": record("Department of External Affairs to Officer", date="1945-01-02"),
            "c.md": record("Cablegram, F. K. Officer to Canberra", date="1945-01-03"),
            "d.md": record("R.G. Menzies to Australian Delegation, United Nations", date="1949"),
            "e.md": record("Menzies to Dr H. V. Evatt", date="1949-03-01"),
        },
    )
    out, _ = build_site(root)
    kinds = {
        p["name"]: (p["kind"], p["person"]) for r in site_records(out) for p in r["participants"]
    }
    assert kinds["Officer"] == ("person", "f-k-officer")
    assert kinds["F. K. Officer"] == ("person", "f-k-officer")
    assert kinds["Canberra"] == ("organization", "canberra")
    assert kinds["Department of External Affairs"][0] == "organization"
    assert kinds["Australian Delegation, United Nations"][0] == "organization"
    assert kinds["Menzies"] == kinds["R.G. Menzies"] == ("person", "r-g-menzies")
    assert kinds["Evatt"][1] == kinds["Dr H. V. Evatt"][1]
    one = next(r for r in site_records(out) if r["id"] == "a")
    assert [p["kind"] for p in one["participants"]] == ["person", "person"]
    assert (out / "organizations" / "canberra" / "index.html").is_file()
    assert not (out / "people" / "canberra").exists()
    people = (out / "people" / "index.html").read_text(encoding="utf-8")
    assert "Canberra" not in people and "Department of External Affairs" not in people
    orgs = (out / "organizations" / "index.html").read_text(encoding="utf-8")
    assert "Department of External Affairs" in orgs
    page = (out / "records" / "c" / "index.html").read_text(encoding="utf-8")
    assert 'href="/organizations/canberra/"' in page


FRUS_HEADS = [
    # the office is the role; the person in brackets is the participant
    ("The Ambassador in Russia (Francis) to the Secretary of State",
     [("Francis", "sender (Ambassador in Russia)"), ("Secretary of State", "recipient")]),
    ("The Chargé in China (MacMurray) to the Secretary of State",
     [("MacMurray", "sender (Chargé in China)"), ("Secretary of State", "recipient")]),
    # FRUS numbers documents in the head
    ("No. 2. Mr. Gresham to Mr. Baker", [("Gresham", "sender"), ("Baker", "recipient")]),
    # an office ending in `Affairs` is not cut into a person `Affairs`
    ("The Minister for Foreign Affairs to the Secretary of State",
     [("Minister for Foreign Affairs", "sender"), ("Secretary of State", "recipient")]),
    # DAFP: a place or an office in brackets stays the role
    ("Kieran (Ottawa) to Evatt", [("Kieran", "sender (Ottawa)"), ("Evatt", "recipient")]),
    ("Mr S. M. Bruce (High Commissioner in London) to Mr J. A. Lyons",
     [("S. M. Bruce", "sender (High Commissioner in London)"), ("J. A. Lyons", "recipient")]),
]  # fmt: skip


@pytest.mark.parametrize(("title", "expected"), FRUS_HEADS)
def test_offices_and_holders_in_heads(title: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.name, p.role) for p in participants_from_title(title)] == expected


# ------------------------------------------------------------ tagged identity wins


def tagged(rid: str, collection: str, *people: tuple[str, str | None]) -> Record:
    return Record(
        id=rid,
        title=rid,
        path=f"{rid}.xml",
        collections=(collection,),
        participants=tuple(P(n, "sender", ref=ref) for n, ref in people),
    )


def test_one_tag_is_one_person_whatever_the_names() -> None:
    # frus1917Supp02v02: `Stevens` and `John F. Stevens` carry one corresp id.
    records = [
        tagged("a", "1917", ("Stevens", "v01#p_SJF1")),
        tagged("b", "1917", ("John F. Stevens", "v01#p_SJF1")),
        tagged("c", "1917", ("Stevens", "v01#p_SJF1")),
    ]
    archive = build_archive(records)
    assert [e.person.name for e in archive.people] == ["John F. Stevens"]
    assert len(archive.people[0].records) == 3
    assert ("John F. Stevens", ("Stevens", "John F. Stevens")) in archive.merges


def test_two_tags_are_two_people_whatever_the_names() -> None:
    # Two men named Page, told apart by the edition, are never one page; an untagged
    # `Page` elsewhere, where no tag can decide, is a third.
    records = [
        tagged("a", "1917", ("Page", "v01#p_PWH1")),
        tagged("b", "1917", ("Page", "v01#p_PTN1")),
        tagged("c", "1870", ("Page", None)),
    ]
    archive = build_archive(records)
    slugs = {rid: archive.participant_slugs[rid][0][1] for rid in "abc"}
    assert len(set(slugs.values())) == 3, slugs


def test_an_untagged_name_joins_the_one_tagged_person_it_can_mean() -> None:
    records = [
        tagged("a", "1917", ("Walter H. Page", "v01#p_PWH1")),
        tagged("b", "1917", ("Page", None)),  # same volume, one tagged Page: him
        tagged("c", "1917", ("Lansing", "v01#p_LR1")),
        tagged("d", "1917", ("Robert Lansing", None)),
    ]
    archive = build_archive(records)
    assert {e.person.name for e in archive.people} == {"Walter H. Page", "Lansing"}
    page = next(e for e in archive.people if e.person.name == "Walter H. Page")
    assert [rid for rid, _ in page.records] == ["a", "b"]


def test_the_data_a_researcher_downloads_carries_the_tag(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "a.md": record(
                "Letter", participants='[{name: "Stevens", role: sender, id: "p_SJF1"}]'
            ),
            "b.md": record(
                "Reply", participants='[{name: "John F. Stevens", role: recipient, id: p_SJF1}]'
            ),
            "c.md": record("Note", participants='["Casey"]'),
        },
    )
    out, _ = build_site(site)
    people = {p["name"]: p for r in site_records(out) for p in r["participants"]}
    assert people["Stevens"]["ref"] == people["John F. Stevens"]["ref"] == "p_SJF1"
    assert people["Stevens"]["person"] == people["John F. Stevens"]["person"]
    assert "ref" not in people["Casey"]  # untagged: no empty key in every row
    pages = sorted(p.name for p in (out / "people").iterdir() if p.is_dir())
    assert people["Stevens"]["person"] in pages


def test_a_person_and_a_body_that_slugify_alike_keep_their_records() -> None:
    # `Washington` the post and `Mr. Washington` the man: two pages, neither empty
    # (DAFP's `TANGE` once made an organization page that emptied Tange's).
    records = [rec("a", "V", "Washington"), rec("b", "V", "Mr. Washington")]
    archive = build_archive(records)
    pages = [*archive.people, *archive.organizations]
    assert len({e.person.slug for e in pages}) == 2
    assert sorted(rid for e in pages for rid, _ in e.records) == ["a", "b"]


def test_a_capitalised_surname_the_archive_writes_elsewhere_is_no_acronym() -> None:
    records = [rec("a", "V", "TANGE"), rec("b", "V", "Tange"), rec("c", "V", "AAEC")]
    archive = build_archive(records)
    assert [e.person.name for e in archive.people] == ["Tange"]
    assert [e.person.name for e in archive.organizations] == ["AAEC"]


@pytest.mark.parametrize("name", ["Your Excellency", "Highness, Excellency", "Excellency"])
def test_a_form_of_address_alone_is_no_one(name: str) -> None:
    assert is_fragment(name)


def test_a_form_of_address_before_a_name_is_dropped() -> None:
    assert tidy([P("His Excellency Li Hung-chang", "recipient")]) == (
        P("Li Hung-chang", "recipient"),
    )


def test_a_surname_used_far_more_than_its_one_full_name_is_someone_else() -> None:
    # frus1861: `Seward` (the Secretary, 310 heads) is not `F. W. Seward` (his son,
    # named once); the volume never writes the Secretary in full. Reported, kept apart.
    records = [rec("f", "1861", "F. W. Seward")]
    records += [rec(f"s{i}", "1861", "Seward") for i in range(30)]
    found = identify(records, default_person)
    assert found.person(records[1], P("Seward")).slug == "seward"
    assert ("Seward", ("f w seward",)) in found.ambiguous
    # Named in full a few times and by surname often: one man (`Bancroft`).
    records = [rec(f"f{i}", "1870", "George Bancroft") for i in range(3)]
    records += [rec(f"s{i}", "1870", "Bancroft") for i in range(40)]
    found = identify(records, default_person)
    assert found.person(records[-1], P("Bancroft")).slug == "george-bancroft"


def test_a_tagged_person_is_described_as_the_volume_lists_him() -> None:
    described = Record(
        id="b",
        title="b",
        path="v.xml",
        participants=(P("John F. Stevens", ref="v#p_SJF1"),),
        extra={"persons": {"v#p_SJF1": "head of the Russian Railway Service Corps"}},
    )
    archive = build_archive([tagged("a", "", ("Stevens", "v#p_SJF1")), described])
    (entry,) = archive.people
    assert entry.person.description == "head of the Russian Railway Service Corps"
