"""Document types: one vocabulary per archive (issue 14, part 6).

Titles and values are real ones from the DAFP volumes (written as small fixtures here)
and FRUS heads; the hostile cases are made up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.config import ConfigError, load_config
from archivist.enrich.types import (
    type_from_body,
    type_from_source,
    type_from_title,
    type_key,
    type_labels,
)
from sitekit import build_site, make_site, record, site_records

TITLES = [
    # DAFP, as the volumes write them
    ("LETTER FROM ANDERSON TO RENOUF", "Letter"),
    ("Telex, Hay To Warwick Smith", "Telex"),
    ("CABLEGRAM, DOWNER TO MCMAHON", "Cablegram"),
    ("Cablegram to Canberra and Jakarta", "Cablegram"),
    ("Minute From Durie To Menzies", "Minute"),
    ("Minutes of Third Meeting of Principal Delegates to Imperial Conference", "Minutes"),
    ("Record of Conversation Between Tjan and Taylor", "Record of conversation"),
    ("RECORD BY WRIGHT OF MEETING OF PRIME MINISTERS", "Record"),
    ("Submission 542 To Cabinet By O'sullivan", "Submission"),
    ("CABINET DECISION NO. 416 (HOC)", "Cabinet decision"),
    ("TELETYPE MESSAGE FROM CASEY TO TANGE", "Teletype message"),
    ("Note by McIntyre", "Note"),
    ("File Note by Lightowler", "File note"),
    ("UK CHIEFS OF STAFF COMMITTEE MEMORANDUM", "Memorandum"),
    ("Circular Cablegram to All Posts", "Circular cablegram"),
    ("Most Immediate Cablegram", "Cablegram"),  # a priority mark is not a type
    # FRUS heads
    ("Memorandum by the Secretary of State", "Memorandum"),
    ("Note Verbale", "Note verbale"),
    # titles that state no type
    ("Thursday, 14th February 1924", None),
    ("Memorandum prepared for Delegation to Imperial Conference", "Memorandum"),
    ("The Ambassador in Russia (Francis) to the Secretary of State", None),
    ("Notes Towards a Policy on Indonesia", None),
    ("Record of Australian policy", None),
    ("Ministry of Foreign Affairs Internal Note", None),  # `Note` at the end, unmarked
    ("", None),
    ("   ", None),
    ("!!! ,,, ---", None),
    ("Cablegram" * 1000, None),  # one 9,000-letter word: no type word
]


@pytest.mark.parametrize(("title", "expected"), TITLES)
def test_type_from_title(title: str, expected: str | None) -> None:
    assert type_from_title(title) == expected


def test_type_from_title_is_bounded_on_hostile_titles() -> None:
    assert type_from_title("x " * 100_000) is None
    assert type_from_title("Letter " + "from A to B " * 150) == "Letter"


def test_a_salutation_makes_a_letter() -> None:
    # DAFP volume 18: McDougall's letters to Bruce, titled by their date.
    assert type_from_body("14th February, 1924\n\nDear Mr. Bruce,\n\nSince I wrote") == "Letter"
    # DAFP volume 17: Casey's letters to Bruce
    assert type_from_body("27th November, 1924\n\nMy dear P.M.,\n\nI write") == "Letter"
    assert type_from_body("my dear fellow, it is late") is None
    assert type_from_body("The Dear Leader said, at length,") is None
    assert type_from_body("\n" * 40 + "Dear Mr. Bruce,") is None  # too far down


TWINS = [
    ["Cablegram", "Cablegrams", "cablegram"],
    ["Circular Cablegram", "Circular cablegram"],
    ["Despatch", "Dispatch"],
    ["Departmental Dispatch", "Departmental despatch"],
    ["Ministerial Despatch", "Ministerial Dispatch"],
    ["Extract", "Extracts"],
    ["Minute", "Minutes"],
    ["NOTE", "Note", "Notes"],
    ["Aide Memoire", "Aide-Memoire", "Aide-memoire", "Aide-mémoire"],
    ["Radio Message", "Radio message"],
    ["Teleprinter Message", "Teleprinter message"],
    ["Memorandum", "Memoranda", "MEMORANDUM", "Memo"],
    ["Agendum", "Agenda"],
]
APART = ["Letter", "Record", "Record of conversation", "Press", "Address", "Note verbale"]


@pytest.mark.parametrize("twins", TWINS)
def test_twins_share_a_key(twins: list[str]) -> None:
    assert len({type_key(t) for t in twins}) == 1


def test_different_types_keep_apart() -> None:
    keys = [type_key(t) for t in APART + [t[0] for t in TWINS]]
    assert len(set(keys)) == len(keys)


def test_twins_show_in_the_most_common_form() -> None:
    values = ["Cablegram"] * 3 + ["cablegram", "Cablegrams"] + ["NOTE"] * 5 + ["Note", "Notes"]
    labels = type_labels(values)
    assert {labels[v] for v in ("Cablegram", "cablegram", "Cablegrams")} == {"Cablegram"}
    # capitals lose to any mixed-case form, however common
    assert {labels[v] for v in ("NOTE", "Note", "Notes")} == {"Note"}


def test_the_editors_choice_wins_and_may_join_more() -> None:
    values = ["Dispatch", "Dispatch", "Despatch", "Savingram", "Cable"]
    labels = type_labels(values, {"Despatch": ("Savingram",), "Cablegram": ()})
    assert labels == {
        "Dispatch": "Despatch",
        "Despatch": "Despatch",
        "Savingram": "Despatch",
        "Cable": "Cable",
    }


def test_types_setting_is_checked(tmp_path: Path) -> None:
    (tmp_path / "archivist.yaml").write_text(
        "types:\n  Despatch: [Dispatch, Savingram]\n  Cablegram:\n", encoding="utf-8"
    )
    assert dict(load_config(tmp_path).types) == {
        "Despatch": ("Dispatch", "Savingram"),
        "Cablegram": (),
    }
    (tmp_path / "archivist.yaml").write_text(
        "types:\n  Despatch: [Dispatch]\n  Letter: [dispatch]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert "archivist.yaml:1:1: types.Letter:" in str(caught.value)
    assert "listed under 'Despatch' too" in str(caught.value)
    for bad in ("types: Letter\n", "types:\n  Letter: {a: b}\n"):
        (tmp_path / "archivist.yaml").write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_config(tmp_path)


def test_a_built_archive_has_one_vocabulary(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {
            "a.md": record("Cablegram to Canberra", type="Cablegram", date="1949-01-02"),
            "b.md": record("Cablegram to Jakarta", type="cablegram", date="1949-01-03"),
            "c.md": record("CABLEGRAM, DOWNER TO MCMAHON", date="1970-05-01"),
            "d.md": record("Dea Paper", type="Cablegrams", date="1949-01-04"),
            "e.md": record("Thursday, 14th February 1924", "Dear Mr. Bruce,\n\nSince I wrote"),
            "f.md": record("Telex, Hay To Warwick Smith", date="1975-01-01"),
            "g.md": record("Untitled fragment"),
        },
    )
    out, _ = build_site(root)
    types = {r["id"]: r["type"] for r in site_records(out)}
    assert types == {
        "a": "Cablegram",
        "b": "Cablegram",
        "c": "Cablegram",
        "d": "Cablegram",
        "e": "Letter",
        "f": "Telex",
        "g": None,
    }
    index = (out / "types" / "index.html").read_text(encoding="utf-8")
    assert index.count("Cablegram") == 1
    page = (out / "records" / "b" / "index.html").read_text(encoding="utf-8")
    assert "cablegram<" not in page


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # FRUS source notes, as the volumes write them
        ("File No. 763.72/3468: Telegram", "Telegram"),
        ("[Telegram.—Paraphrase.]", "Telegram"),
        ("[Telegram.]", "Telegram"),
        ("File No. 600.119/42: Circular telegram", "Circular telegram"),
        ("837.00/2345: Telegram (Strictly Confidential)", None),  # not the end: unknown
        ("[Translation.]", None),  # the state of the text, not its type
        ("Department of State, Central Files, 711.94/1032", None),
        ("NAA: A1838, 3103/11/91", None),
        ("Letter books of the consulate, vol. 3", None),  # starts, not ends, with it
        ("", None),
        (None, None),
    ],
)
def test_type_from_source_note(source: str | None, expected: str | None) -> None:
    assert type_from_source(source) == expected
