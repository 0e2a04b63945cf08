"""Documentary editions: numbered records in volumes, and references between them.

A record with a `number` is a document of a volume: its first collection, else its
file (a TEI volume holds its documents in one file). Within a volume the documents
are read in number order, and "Document 286" in one of them means that document.
Pure functions of the records; nothing here reads files or renders.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from archivist.model import Record


def volume_of(record: Record) -> str | None:
    """The volume a numbered record is a document of, else None."""
    if not record.number:
        return None
    return f"c:{record.collections[0]}" if record.collections else f"f:{record.path}"


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
