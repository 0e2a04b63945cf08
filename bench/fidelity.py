"""Fidelity report: how well the text rules recover what a corpus says about itself.

    python bench/fidelity.py [--corpus dafp] [--examples N] [DIR]

For DAFP (Documents on Australian Foreign Policy, Markdown + YAML front matter) the
rules run on the BODY ALONE (`split_body`, `parse_dateline`) and each field is compared
with what the front matter says: the date with `doc_date`, the source with
`naa_refs[].reference`. Each check is one row of `CHECKS`, so another field (say,
participants) is one more row. Exits non-zero when a bar in `BARS` is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from archivist.enrich.people import fold, participants_from_title, role_parts  # noqa: E402
from archivist.model import ArchiveDate  # noqa: E402
from archivist.read.datelines import BodyParts, split_body  # noqa: E402
from archivist.read.yamlstrict import YamlError, load_mapping  # noqa: E402

DEFAULT_DIRS = {"dafp": REPO.parent / "shared" / "corpus" / "dafp"}


@dataclass(frozen=True, slots=True)
class Item:
    """One record: where it is, its front matter, its body and what the rules read."""

    path: str
    meta: dict[str, object]
    body: str
    parts: BodyParts


@dataclass(frozen=True, slots=True)
class Check:
    """A field check: which records it applies to, whether one is right, what to show."""

    name: str
    applies: Callable[[Item], bool]
    ok: Callable[[Item], bool]
    show: Callable[[Item], str]


@dataclass(slots=True)
class Tally:
    check: Check
    applies: int = 0
    ok: int = 0
    failures: list[Item] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ok / self.applies if self.applies else 1.0


# --- reading the corpus ------------------------------------------------------------


def front_matter(text: str) -> tuple[dict[str, object], str] | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    try:
        meta = load_mapping(text[4 : end + 1]).value
    except YamlError:
        return None
    return dict(meta), text[end + 5 :]


def items(root: Path, lost: list[str]) -> Iterator[Item]:
    for path in sorted(root.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        rel = str(path.relative_to(root))
        got = front_matter(path.read_text(encoding="utf-8"))
        if got is None:
            lost.append(rel)
            continue
        meta, body = got
        try:
            parts = split_body(body)
        except Exception as exc:  # a lost record is what this report must show
            lost.append(f"{rel}: {exc!r}")
            continue
        yield Item(rel, meta, body, parts)


# --- expected values -----------------------------------------------------------------


def doc_bounds(item: Item) -> tuple[dt.date, dt.date] | None:
    raw = str(item.meta.get("doc_date") or "")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            day = dt.date.fromisoformat(raw)
            return day, day
        if re.fullmatch(r"\d{4}-\d{2}", raw):
            y, m = int(raw[:4]), int(raw[5:])
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return dt.date(y, m, 1), nxt - dt.timedelta(days=1)
        if re.fullmatch(r"\d{4}", raw):
            return dt.date(int(raw), 1, 1), dt.date(int(raw), 12, 31)
    except ValueError:
        return None
    return None


def read_date(item: Item) -> ArchiveDate | None:
    d = item.parts.dateline
    return d.date if d else None


def has_full_date(item: Item) -> bool:
    date = read_date(item)
    return bool(date and date.earliest and date.earliest == date.latest)


def date_ok(item: Item) -> bool:
    date = read_date(item)
    return bool(date and date.earliest) and doc_bounds(item) == (
        date.earliest if date else None,
        date.latest if date else None,
    )


def _norm(ref: str) -> str:
    return re.sub(r"\s+", "", ref.strip().strip("_").strip())


def front_refs(item: Item) -> list[str]:
    refs = item.meta.get("naa_refs") or []
    if not isinstance(refs, list):
        return []
    return [str(r["reference"]) for r in refs if isinstance(r, dict) and r.get("reference")]


def cited_in_body(item: Item) -> bool:
    """The front matter's reference is a line of the body (so the text carries it)."""
    lines = {_norm(line) for line in item.body.split("\n") if line.strip()}
    return any(_norm(r) in lines for r in front_refs(item))


_LAST_REF = re.compile(r"\s*_?\s*A?\[.*\]\s*_?\s*")
_NOTE_LINE = re.compile(r"\s*(?:\*\s+)?_?\d{1,3}\s+\S.*|\s*\[\^\w+\]:.*")


def last_citation(item: Item) -> str | None:
    """The body's closing bracketed line, found by a deliberately simpler rule."""
    for line in reversed(item.body.split("\n")):
        s = line.strip()
        if not s or s in ("_", "__", "-"):
            continue
        if _NOTE_LINE.fullmatch(line):
            continue  # notes may follow the reference
        if not _LAST_REF.fullmatch(line):
            return None
        inner = s.strip("_ ")
        if "] [" in inner or re.fullmatch(r"\[\d+\]", inner):
            return None  # a note mark, or two bracketed things
        words = inner.strip("[]").split()
        if ":" in inner or any(c.isdigit() for c in inner) or len(words) >= 4:
            return inner
        return None  # `[F. STRAHAN]`: a supplied signature, not a reference
    return None


def source_ok(item: Item) -> bool:
    got = item.parts.source
    return got is not None and any(_norm(got) == _norm(r) for r in front_refs(item))


_REF = re.compile(r"\[\^?(\d{1,3})\](?:\(#f?n?\d+\))?")


def note_refs(item: Item) -> set[str]:
    """Note numbers referred to in the returned body text."""
    return set(_REF.findall(item.parts.body))


def notes_ok(item: Item) -> bool:
    labels = {n.label for n in item.parts.notes}
    return bool(labels) and note_refs(item) <= labels


def _date_show(item: Item) -> str:
    d = item.parts.dateline
    got = d.date if d else None
    return (
        f"doc_date={item.meta.get('doc_date')} read={got.edtf if got else None} "
        f"| {d.text[:90] if d else first_line(item)}"
    )


def first_line(item: Item) -> str:
    for line in item.body.split("\n"):
        if line.strip():
            return "no dateline; first line: " + line.strip()[:80]
    return "empty body"


_COURTESY = re.compile(r"^(mr|mrs|ms|miss|messrs)\.?\s+", re.I)
# A side that starts with one of these is a document, not a party (`Memorandum
# prepared for Delegation to Imperial Conference`).
_DOCUMENT_WORDS = frozenset(
    "memorandum memoranda note notes cablegram cablegrams letter minute minutes report "
    "record extract submission speech draft telegram cable despatch dispatch paper brief "
    "savingram statement agreement aide-memoire annex attachment enclosure instructions summary "
    "ministerial cabinet agendum joint press circular".split()
)
_SMALL_WORDS = frozenset({"of", "for", "and", "the", "in", "at", "on", "de", "van", "von"})


def _name_like(side: str) -> bool:
    words = side.replace(".", ". ").split()
    if not words or len(words) > 6 or re.search(r"\d", side):
        return False
    if words[0].lower().strip(".,") in _DOCUMENT_WORDS:
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words)


def title_sides(item: Item) -> tuple[str, str] | None:
    """The two sides of an `X to Y` title: each side's first comma part, or None when
    the title does not split into exactly two plain sides."""
    title = str(item.meta.get("title") or "")
    if title.count(" to ") != 1:
        return None
    left, right = (part.split(",")[0].strip() for part in title.split(" to "))
    sides = tuple(_COURTESY.sub("", side).strip() for side in (left, right))
    if not all(_name_like(s) for s in sides):
        return None
    return sides[0], sides[1]


def _first(item: Item, function: str) -> str | None:
    for p in participants_from_title(str(item.meta.get("title") or "")):
        if (role_parts(p.role)[0] or "") == function:
            return p.name
    return None


def parties_ok(item: Item) -> bool:
    sides = title_sides(item)
    if sides is None:
        return False
    got = (_first(item, "sender"), _first(item, "recipient"))
    return all(
        g is not None and (fold(want) in fold(g) or fold(g) in fold(want))
        for want, g in zip(sides, got, strict=True)
    )


CHECKS = (
    Check(
        "sender/recipient from an `X to Y` title",
        lambda i: title_sides(i) is not None,
        parties_ok,
        lambda i: f"sides {title_sides(i)} got {(_first(i, 'sender'), _first(i, 'recipient'))}",
    ),
    Check(
        "date = doc_date (datelines with a full date)",
        has_full_date,
        date_ok,
        _date_show,
    ),
    Check("date = doc_date (all records)", lambda i: True, date_ok, _date_show),
    Check(
        "source = naa_refs (reference is a body line)",
        cited_in_body,
        source_ok,
        lambda i: f"want {front_refs(i)} got {i.parts.source!r}",
    ),
    Check(
        "source = closing bracketed line",
        lambda i: last_citation(i) is not None,
        lambda i: (
            i.parts.source is not None and _norm(i.parts.source) == _norm(last_citation(i) or "")
        ),
        lambda i: f"want {last_citation(i)!r} got {i.parts.source!r}",
    ),
    Check(
        "notes cover every [n] left in the body",
        lambda i: bool(note_refs(i)),
        notes_ok,
        lambda i: f"refs {sorted(note_refs(i), key=int)} notes {[n.label for n in i.parts.notes]}",
    ),
    Check("dateline found", lambda i: True, lambda i: i.parts.dateline is not None, first_line),
    Check(
        "type found (records with a dateline)",
        lambda i: i.parts.dateline is not None,
        lambda i: bool(i.parts.dateline and i.parts.dateline.type),
        lambda i: i.parts.dateline.text[:100] if i.parts.dateline else "",
    ),
    Check(
        "place found (records with a dateline)",
        lambda i: i.parts.dateline is not None,
        lambda i: bool(i.parts.dateline and i.parts.dateline.place),
        lambda i: i.parts.dateline.text[:100] if i.parts.dateline else "",
    ),
    Check(
        "classification found (all records)",
        lambda i: True,
        lambda i: i.parts.classification is not None,
        lambda i: " | ".join(i.parts.body.split("\n")[:3])[:100],
    ),
)

#: The bars of issue 3: check name → minimum accuracy.
BARS = {
    "date = doc_date (datelines with a full date)": 0.99,
    "source = naa_refs (reference is a body line)": 0.99,
    "source = closing bracketed line": 0.99,
    "sender/recipient from an `X to Y` title": 0.97,
}


@dataclass(frozen=True, slots=True)
class Report:
    records: int
    lost: tuple[str, ...]
    tallies: tuple[Tally, ...]

    def tally(self, name: str) -> Tally:
        return next(t for t in self.tallies if t.check.name == name)

    def bars_met(self) -> bool:
        return not self.lost and all(self.tally(n).rate >= bar for n, bar in BARS.items())


def measure(root: Path) -> Report:
    lost: list[str] = []
    tallies = tuple(Tally(c) for c in CHECKS)
    count = 0
    for item in items(root, lost):
        count += 1
        for t in tallies:
            if t.check.applies(item):
                t.applies += 1
                if t.check.ok(item):
                    t.ok += 1
                else:
                    t.failures.append(item)
    return Report(count + len(lost), tuple(lost), tallies)


def print_report(report: Report, examples: int) -> None:
    print(
        f"records: {report.records}   read: {report.records - len(report.lost)}   "
        f"lost: {len(report.lost)}"
    )
    for lost in report.lost[:examples]:
        print(f"  lost: {lost}")
    print()
    width = max(len(t.check.name) for t in report.tallies)
    for t in report.tallies:
        bar = BARS.get(t.check.name)
        mark = "" if bar is None else f"  (bar {bar:.0%}: {'met' if t.rate >= bar else 'MISSED'})"
        print(f"{t.check.name:<{width}}  {t.ok:>5}/{t.applies:<5} {t.rate:7.2%}{mark}")
    for t in report.tallies:
        if not t.failures or examples <= 0:
            continue
        print(
            f"\n-- {t.check.name}: {len(t.failures)} misses, first {min(examples, len(t.failures))}"
        )
        for item in t.failures[:examples]:
            print(f"  {item.path}\n      {t.check.show(item)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(DEFAULT_DIRS), default="dafp")
    parser.add_argument("--examples", type=int, default=5, help="worst examples per field")
    parser.add_argument("dir", nargs="?", type=Path)
    args = parser.parse_args(argv)
    root = args.dir or DEFAULT_DIRS[args.corpus]
    if not root.is_dir():
        print(f"corpus not found: {root}", file=sys.stderr)
        return 2
    report = measure(root)
    print_report(report, args.examples)
    return 0 if report.bars_met() else 1


if __name__ == "__main__":
    sys.exit(main())
