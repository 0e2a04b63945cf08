"""Fidelity of the TEI reader against frus-history `records.jsonl`.

    PYTHONPATH=src python bench/fidelity_tei.py [CORPUS_DIR] [--worst N]

Reads every `tei/*.xml` under CORPUS_DIR (default: ../shared/corpus/frus-history
beside the repo, or $ARCHIVIST_SHARED/corpus/frus-history), matches each record to its
expected line by file and xml:id, and prints per-field accuracy with the worst
examples. The comparison rules live here so the corpus test uses the same ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archivist.config import Config
from archivist.model import Record
from archivist.read.readers import read_file

REPO = Path(__file__).resolve().parents[1]
Expected = dict[str, Any]


def default_corpus() -> Path:
    env = os.environ.get("ARCHIVIST_SHARED")
    shared = Path(env) if env else REPO.parent / "shared"
    return shared / "corpus" / "frus-history"


def _ws(text: str | None) -> str:
    return " ".join((text or "").split())


def _strip_source(text: str | None) -> str:
    return re.sub(r"^source\s*:\s*", "", _ws(text), flags=re.I)


def key_of(expected: Expected) -> tuple[str, str | None]:
    return Path(expected["origin"]["path"]).stem, expected["xml_id"]


def record_key(record: Record) -> tuple[str, str | None]:
    stem = Path(record.path).stem
    xml_id = record.extra.get("xml_id")
    return stem, xml_id if isinstance(xml_id, str) else None


# ---------------------------------------------------------------- field checks
# Each returns (ok, what was expected, what was found); None when not applicable.
Check = Callable[[Record, Expected], "tuple[bool, str, str] | None"]


def check_title(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    if exp["title"] is None:  # untitled attachments: a supplied, non-empty title
        return (bool(rec.title) and bool(rec.extra.get("title_supplied")), "(supplied)", rec.title)
    return (_ws(rec.title) == _ws(exp["title"]), exp["title"], rec.title)


def check_source(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    want = _strip_source(exp["source_note"])
    return (_ws(rec.source) == want, want, rec.source or "")


def _day(text: str | None) -> dt.date | None:
    if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    return None


def check_date(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    """Consistent with every fact records.jsonl gives (the dateline wins):

    normalized; the dateline's own day (`derived_from_dateline`) inside it, exactly
    when the dateline has no range dash, an interval when it has one; without a
    dateline, the header date; a month-only header with a month-only dateline, that
    month; the dateline's year; never wider than a quarter.
    """
    d, e = rec.date, exp["date"]
    found = f"{d.edtf} [{d.text}]" if d else "None"
    raw, derived, header = (
        e["dateline_raw"],
        _day(e["derived_from_dateline"]),
        e["file_created_when"],
    )
    want = e["derived_from_dateline"] or (raw if raw else header) or "?"
    if d is None or d.earliest is None:
        return (False, want, found)
    latest = d.latest or d.earliest
    ok = (latest - d.earliest).days <= 92
    if derived:
        ok &= d.earliest <= derived <= latest
        if raw and not re.search(r"\d\s*[-–]\s*\w", raw):
            ok &= d.edtf == derived.isoformat()
    else:
        # No day of its own: the header date is the answer when there is no dateline,
        # and a month-only header agrees with a month-only dateline (`June 1981`).
        month_only = bool(header and re.fullmatch(r"\d{4}-\d{2}", header))
        if not raw or (month_only and not re.search(r"\d{1,2},", raw)):
            ok &= d.edtf == header
    if raw and re.search(r"\d\s*[-–]\s*\w", raw):  # the dateline states a range
        ok &= "/" in (d.edtf or "") and latest > d.earliest
    if raw:
        years = re.findall(r"\b(1[5-9]\d\d|20\d\d)\b", raw)
        ok &= bool(years) and d.earliest.year == int(years[-1])
    return (ok, want, found)


def check_date_exact(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    """Single-day datelines only: EDTF equals `derived_from_dateline`."""
    raw, derived = exp["date"]["dateline_raw"], exp["date"]["derived_from_dateline"]
    if not derived or not raw or re.search(r"\d\s*[-–]\s*\w", raw):
        return None
    got = rec.date.edtf if rec.date else None
    return (got == derived, derived, str(got))


def check_classification(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    return (
        rec.classification == exp["classification"],
        str(exp["classification"]),
        str(rec.classification),
    )


def check_participants(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    want = [_ws(p["name"]) for p in exp["participants"]]
    got = [_ws(p.name) for p in rec.participants]
    return (got == want, " | ".join(want)[:200], " | ".join(got)[:200])


def check_footnotes(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    want = [(str(f["n"]), _ws(f["text"])) for f in exp["footnotes"]]
    got = [(n.label, _ws(n.text)) for n in rec.notes]
    return (got == want, f"{len(want)} notes", f"{len(got)} notes")


def check_place(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    return (rec.place == exp["place"], str(exp["place"]), str(rec.place))


def _plain_body(rec: Record) -> str:
    body = rec.body
    for note in rec.notes:
        body = body.replace(f"[{note.label}]", "")
    return "".join(body.split())


def check_body(rec: Record, exp: Expected) -> tuple[bool, str, str] | None:
    """Same characters ignoring all whitespace and our `[n]` note markers."""
    want, got = "".join(exp["body"].split()), _plain_body(rec)
    if want == got:
        return (True, "", "")
    at = next(
        (i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
        min(len(want), len(got)),
    )
    return (False, f"…{want[max(0, at - 30) : at + 30]}…", f"…{got[max(0, at - 30) : at + 30]}…")


CHECKS: dict[str, Check] = {
    "title": check_title,
    "source": check_source,
    "date": check_date,
    "date_exact": check_date_exact,
    "classification": check_classification,
    "participants": check_participants,
    "footnotes": check_footnotes,
    "place": check_place,
    "body": check_body,
}


@dataclass
class FieldScore:
    checked: int = 0
    correct: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.correct / self.checked if self.checked else 1.0


@dataclass
class Report:
    files: int
    records: int
    expected: int
    unmatched: list[str]
    scores: dict[str, FieldScore]


def load_expected(corpus: Path) -> list[Expected]:
    lines = (corpus / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def read_corpus(corpus: Path) -> tuple[int, list[Record]]:
    files = sorted((corpus / "tei").glob("*.xml"))
    records: list[Record] = []
    for path in files:
        records.extend(read_file(path, path.name, Config()).records)
    return len(files), records


def evaluate(corpus: Path, checks: Iterable[str] = CHECKS) -> Report:
    expected = load_expected(corpus)
    nfiles, records = read_corpus(corpus)
    by_key = {record_key(r): r for r in records}
    scores = {name: FieldScore() for name in checks}
    unmatched: list[str] = []
    for exp in expected:
        rec = by_key.get(key_of(exp))
        if rec is None:
            unmatched.append(exp["id"])
            continue
        for name, score in scores.items():
            result = CHECKS[name](rec, exp)
            if result is None:
                continue
            ok, want, got = result
            score.checked += 1
            score.correct += ok
            if not ok:
                score.misses.append((rec.id, want, got))
    return Report(nfiles, len(records), len(expected), unmatched, scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=default_corpus())
    parser.add_argument("--worst", type=int, default=3, help="examples shown per field")
    args = parser.parse_args(argv)
    if not (args.corpus / "records.jsonl").is_file():
        print(f"no records.jsonl under {args.corpus}", file=sys.stderr)
        return 2
    report = evaluate(args.corpus)
    print(f"files {report.files}  records read {report.records}  expected {report.expected}")
    if report.unmatched:
        print(f"UNMATCHED expected records: {len(report.unmatched)}: {report.unmatched[:5]}")
    print(f"{'field':<16}{'correct':>9}{'checked':>9}{'accuracy':>10}")
    for name, score in report.scores.items():
        print(f"{name:<16}{score.correct:>9}{score.checked:>9}{score.ratio:>10.1%}")
    for name, score in report.scores.items():
        for rec_id, want, got in score.misses[: args.worst]:
            print(f"  {name} {rec_id}\n    expected: {want}\n    found:    {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
