"""Documentary editions: numbered records in volumes, and references between them.

A record with a `number` is a document of a volume: its first collection, else its
file (a TEI volume holds its documents in one file). Within a volume the documents
are read in number order, and "Document 286" in one of them means that document.
Pure functions of the records; nothing here reads files or renders.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from archivist.model import Record


def volume_of(record: Record) -> str | None:
    """The volume a numbered record is a document of, else None."""
    if not record.number:
        return None
    return f"c:{record.collections[0]}" if record.collections else f"f:{record.path}"


def document_label(record: Record) -> str | None:
    """`Volume 10, Document 293`: the record's volume (its collection, up to a colon)
    and its number; `Document 293` without a collection; None without a number."""
    if not record.number:
        return None
    if record.collections:
        volume = record.collections[0].split(":")[0].strip()
        return f"{volume}, Document {record.number}"
    return f"Document {record.number}"


Volumes = Mapping[str, Mapping[str, str]]


def volume_documents(records: Iterable[Record]) -> Volumes:
    """Volume → number → record id (the first record in the given order wins)."""
    out: dict[str, dict[str, str]] = {}
    for record in records:
        volume = volume_of(record)
        if volume is not None and record.number:
            out.setdefault(volume, {}).setdefault(record.number, record.id)
    return MappingProxyType({v: MappingProxyType(m) for v, m in out.items()})


def volumes_digest(volumes: Volumes) -> Mapping[str, str]:
    """Volume → a digest of its numbers and ids: what a page linking into it shows."""
    out = {}
    for volume, docs in volumes.items():
        h = hashlib.sha256()
        for number in sorted(docs):
            h.update(f"{number}\0{docs[number]}\0".encode())
        out[volume] = h.hexdigest()
    return out


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_VOLUME_LABEL = re.compile(r"\s*Vol(?:ume|\.)?\s+([0-9]{1,4}|[IVXLC]{1,8})\b", re.I)
_VOLUME_NAMED = re.compile(r"\bVol(?:ume|\.)?\s+([0-9]{1,4}|[IVXLC]{1,8})\b")


def volume_number(name: str) -> str | None:
    """`10`, `X`, `viii` → the volume's number as digits (`10`, `10`, `8`), else None."""
    name = name.strip(" .,").lower()
    if name.isdigit():
        return str(int(name))
    if not name or any(c not in _ROMAN for c in name):
        return None
    total = 0
    for i, c in enumerate(name):
        value = _ROMAN[c]
        total += -value if i + 1 < len(name) and _ROMAN[name[i + 1]] > value else value
    return str(total) if total > 0 else None


def numbered_volumes(volumes: Volumes) -> dict[str, str]:
    """Volume number → volume, for collections named `Volume 10: …` (the first wins)."""
    out: dict[str, str] = {}
    for volume in sorted(volumes):
        if volume.startswith("c:"):
            m = _VOLUME_LABEL.match(volume[2:])
            number = volume_number(m.group(1)) if m else None
            if number:
                out.setdefault(number, volume)
    return out


def named_volumes(record: Record) -> set[str]:
    """The volume numbers a record's text and notes name (`Volume VIII` → `8`)."""
    texts = [record.body, *(n.text for n in record.notes)]
    found = {volume_number(m.group(1)) for t in texts for m in _VOLUME_NAMED.finditer(t)}
    return {n for n in found if n}
