"""Tagged identity across whole FRUS volumes: does the edition's own tagging hold?

    python bench/frus_people.py [DIR]   (default ../shared/corpus/frus-volumes)

For every top-level document, the persons its head tags with `persName/@corresp`
(or `@ref`, `@key`) are read straight from the XML, apart from the reader. Then the
volumes are read and enriched as a build does, and two figures are printed:

- **participants**: of the tagged persons in heads, the share that are participants
  of their record;
- **B-cubed** precision and recall of the person pages against the tags: mentions
  with one id should share one page (recall), different ids should not (precision).

Also: records with a type, of all records (types from titles and source notes).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from archivist.config import Config
from archivist.enrich.archive import build_archive
from archivist.enrich.derive import Context, derive
from archivist.read.readers import tei
from archivist.read.readers.source import Source
from archivist.slugs import slugify

REPO = Path(__file__).resolve().parents[1]


def tagged_heads(xml: Path) -> dict[str, set[str]]:
    """Record id → the ids its head tags (as the reader qualifies them)."""
    parsed = tei.parse_xml(xml.read_text(encoding="utf-8"), xml.name)
    assert parsed.root is not None
    top = [n for n in tei.walk(parsed.root, tei._is_document) if tei._is_document(n)]
    out: dict[str, set[str]] = {}
    for index, div in enumerate(top, start=1):
        head = next((n for n in div.elements() if n.tag == "head"), None)
        if head is None:
            continue
        refs = {
            ref
            for n in tei.walk(head, lambda n: n.tag == "note")
            if n.tag == "persName" and (ref := tei.person_ref(n, xml.stem))
        }
        xml_id = div.attrs.get("xml:id")
        rid = xml.stem if len(top) == 1 else f"{xml.stem}--{slugify(xml_id) if xml_id else index}"
        if refs:
            out[rid] = refs
    return out


def b_cubed(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """(precision, recall) of clusters (second) against the truth (first), per mention."""
    by_truth: dict[str, list[int]] = defaultdict(list)
    by_page: dict[str, list[int]] = defaultdict(list)
    for i, (truth, page) in enumerate(pairs):
        by_truth[truth].append(i)
        by_page[page].append(i)
    precision = recall = 0.0
    for truth, page in pairs:
        same_page = by_page[page]
        same_truth = by_truth[truth]
        both = sum(1 for j in same_page if pairs[j][0] == truth)
        precision += both / len(same_page)
        recall += both / len(same_truth)
    n = len(pairs) or 1
    return precision / n, recall / n


def main() -> None:
    default = REPO.parent / "shared/corpus/frus-volumes"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not folder.is_dir():
        sys.exit(f"no FRUS volumes at {folder}")
    truth: dict[str, set[str]] = {}
    records = []
    for xml in sorted(folder.glob("*.xml")):
        truth.update(tagged_heads(xml))
        result = tei.read(xml.read_text(encoding="utf-8"), Source(xml.name, xml.stem, Config()))
        records += [derive(r, Context())[0] for r in result.records]
    archive = build_archive(records)
    found = tagged = 0
    pairs: list[tuple[str, str]] = []
    for record in archive.records:
        refs = truth.get(record.id, set())
        links = archive.participant_slugs[record.id]
        present = {p.ref: slug for p, slug in links if p.ref}
        tagged += len(refs)
        found += sum(1 for r in refs if r in present)
        pairs += [(r, present[r]) for r in sorted(refs) if r in present]
    precision, recall = b_cubed(pairs)
    typed = sum(1 for r in archive.records if r.type)
    print(
        f"tagged head persons that are participants: {found}/{tagged} = {found / max(tagged, 1):.1%}"
    )
    print(
        f"B-cubed over {len(pairs)} tagged mentions: precision {precision:.3f}, recall {recall:.3f}"
    )
    print(f"person pages: {len(archive.people)}, organization pages: {len(archive.organizations)}")
    print(
        f"records with a type: {typed}/{len(archive.records)} = {typed / len(archive.records):.1%}"
    )


if __name__ == "__main__":
    main()
