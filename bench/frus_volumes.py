"""What the TEI reader makes of whole FRUS volumes, volume by volume.

    python bench/frus_volumes.py [DIR]   (default ../shared/corpus/frus-volumes)

For each volume: top-level documents in the XML and records read; titles that are
empty or "[Untitled]"; records dated within the document's `frus:doc-dateTime-min/max`
(of those that have one); the XML's tables inside documents
and the pipe tables in the bodies read.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from archivist.config import Config
from archivist.read.readers import tei
from archivist.read.readers.source import Source

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/corpus/frus-volumes"
    for xml in sorted(folder.glob("*.xml")):
        text = xml.read_text(encoding="utf-8")
        parsed = tei.parse_xml(text, xml.name)
        assert parsed.root is not None
        top = [n for n in tei.walk(parsed.root, tei._is_document) if tei._is_document(n)]
        spans = {}
        for div in top:
            lo = div.attrs.get("doc-dateTime-min", "")[:10]
            hi = div.attrs.get("doc-dateTime-max", "")[:10] or lo
            spans[div.attrs.get("xml:id")] = (lo, hi)
        tables = sum(1 for div in top for n in tei.walk(div, lambda _n: False) if n.tag == "table")
        result = tei.read(text, Source(xml.name, xml.stem, Config()))
        records = result.records
        untitled = sum(1 for r in records if not r.title.strip() or "[Untitled]" in r.title)
        dated = spanned = 0
        for r in records:
            lo, hi = spans.get(str(r.extra.get("xml_id")), ("", ""))
            if not lo:
                continue
            spanned += 1
            if r.date is None or r.date.earliest is None:
                continue
            if lo <= r.date.earliest.isoformat() and (
                (r.date.latest or r.date.earliest).isoformat() <= hi
            ):
                dated += 1
        piped = sum(len(re.findall(r"^\|( --- \|)+$", r.body, re.M)) for r in records)
        print(
            f"{xml.stem:22} top-level {len(top):4}  records {len(records):4}  "
            f"untitled {untitled:3}  dated-in-span {dated:4}/{spanned:4}  "
            f"tables {piped:3}/{tables:3}"
        )


if __name__ == "__main__":
    main()
