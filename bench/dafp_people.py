"""People and organizations across DAFP, counted as a researcher meets them.

    python bench/dafp_people.py [DIR]   (default ../shared/corpus/dafp/_volumes)

Reads and enriches the volumes as a build does (nothing is written) and prints: the
person and organization pages; the participant mentions filed under a person page
whose name is a place, an office or a body (by the same tests `kinds` uses, applied to
the page's name, and a list of words no person's name holds); and, for each major
figure, his pages and the share of his mentions the largest holds.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from archivist.config import load_config
from archivist.enrich.archive import build_archive
from archivist.enrich.people.kinds import is_office, is_place
from archivist.read.load import load

REPO = Path(__file__).resolve().parents[1]
CONFIG = (
    "title: DAFP\nfields:\n  date: doc_date\n  source: naa_refs[].reference\n"
    "  collections: vol_full_title\n"
)
# Surname → a pattern for his names (to find every page a figure is split over).
FIGURES = {
    "Menzies": r"\b(?:r\.? ?g\.?|robert(?: gordon)?|prime minister)?\s*menzies$",
    "Evatt": r"\b(?:h\.? ?v\.?|herbert vere|dr\.?)?\s*evatt$",
    "Casey": r"\b(?:r\.? ?g\.?|richard)?\s*casey$",
    "Bruce": r"\b(?:s\.? ?m\.?|stanley)?\s*bruce$",
    "McEwen": r"\b(?:j\.?|john)?\s*mcewen$",
    "Curtin": r"\b(?:j\.?|john)?\s*curtin$",
    "Chifley": r"\b(?:j\.? ?b\.?|ben)?\s*chifley$",
    "Spender": r"\b(?:p\.? ?c\.?|percy)?\s*spender$",
    "Hasluck": r"\b(?:p\.?|paul)?\s*hasluck$",
    "Barwick": r"\b(?:g\.? ?e\.?|garfield)?\s*barwick$",
    "Whitlam": r"\b(?:e\.? ?g\.?|gough)?\s*whitlam$",
    "Burton": r"\b(?:j\.? ?w\.?|john)?\s*burton$",
    "Hodgson": r"\b(?:w\.? ?r\.?|lt\.? col\.?)?\s*(?:w\.? ?r\.?)?\s*hodgson$",
    "Tange": r"\b(?:a\.? ?h\.?|arthur)?\s*tange$",
    "Shedden": r"\b(?:f\.? ?g\.?|frederick)?\s*shedden$",
}
_NOT_A_NAME = re.compile(
    r"\b(?:department|embassy|delegation|government|mission|commission|office|cabinet|"
    r"legation|consulate|posts|ministry|council|committee|affairs|minister|secretary|"
    r"ambassador|officer)\b",
    re.IGNORECASE,
)


_INITIALS_SURNAME = re.compile(r"(?:\S+\s)*?(?:[A-Z]\.\s?)+[A-Z][\w'’-]+")


def _not_a_person(name: str) -> bool:
    """A place, an office or a body, by `kinds`' tests and a list of words; initials
    and a surname are a name (`F. K. Officer`)."""
    if _INITIALS_SURNAME.fullmatch(name):
        return False
    return is_place(name) or is_office(name) or bool(_NOT_A_NAME.search(name))


def main() -> None:
    volumes = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/corpus/dafp/_volumes"
    )
    if not volumes.is_dir():
        sys.exit(f"no DAFP volumes at {volumes}")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        shutil.copytree(volumes, site / "content")
        (site / "archivist.yaml").write_text(CONFIG, encoding="utf-8")
        config = load_config(site)
        loaded = load(site, config)
        context = loaded.context
        archive = build_archive(loaded.records, context.person_for, types=config.types,
                                known=context.known, offices=context.offices)  # fmt: skip
    mentions = Counter({e.person.slug: len(e.records) for e in archive.people})
    names = {e.person.slug: e.person.name for e in archive.people}
    total = sum(mentions.values())
    bad = {s: n for s, n in mentions.items() if _not_a_person(names[s])}
    print(f"records: {len(archive.records)}; person pages: {len(archive.people)}; "
          f"organization pages: {len(archive.organizations)}")  # fmt: skip
    print(f"person mentions under a place, office or body: {sum(bad.values())}/{total} "
          f"= {sum(bad.values()) / max(total, 1):.2%}")  # fmt: skip
    for slug in sorted(bad, key=lambda s: -bad[s])[:15]:
        print(f"    {bad[slug]:5} {names[slug]}")
    held = 0
    for figure, pattern in FIGURES.items():
        pages = {s: n for s, n in mentions.items() if re.search(pattern, names[s], re.I)}
        if not pages:
            print(f"  {figure}: no page")
            continue
        share = max(pages.values()) / max(sum(pages.values()), 1)
        held += share >= 0.95
        shown = ", ".join(f"{names[s]} {n}" for s, n in sorted(pages.items(), key=lambda x: -x[1]))
        print(f"  {figure}: {len(pages)} page(s), largest {share:.0%}: {shown[:150]}")
    print(f"figures with one page holding >= 95% of their mentions: {held}/{len(FIGURES)}")
    types = Counter(r.type for r in archive.records)
    print(f"records without a type: {types[None]}/{len(archive.records)} "
          f"= {types[None] / len(archive.records):.1%}; type values: {len(types) - 1}")  # fmt: skip


if __name__ == "__main__":
    main()
