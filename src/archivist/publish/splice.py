"""Archive-wide data files remade from the last build's copy, record by record.

records.jsonl.gz, records.csv and oai.xml are a head, one piece per record (in
records.jsonl.gz a gzip member of the record's record.json) and a tail. A record whose files this build reused (its key unchanged, and the key covers everything its piece
shows) has the very piece it had in the last build, so that piece is copied by byte
range from the published file instead of being made again: an edit to one record of
a large archive no longer serializes every record.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path

Ranges = dict[str, tuple[int, int]]
RUN = 1 << 20  # the most bytes copied from the old file in one piece
# The files made this way, as site paths (see `render.outputs.site_units`).
SPLICED = ("data/records.jsonl.gz", "data/records.csv", "oai.xml")


class Splicer:
    """Makes spliced files for one build and remembers where each piece went."""

    def __init__(self, previous: Mapping[str, tuple[Path, Ranges]], same: Collection[str]) -> None:
        # previous: file → (the published copy, the byte range of each record in it).
        # Mapped now: the last build's copy may be the very file this build replaces
        # in a reused staging folder (when the output folder is gone).
        self.previous: dict[str, tuple[mmap.mmap | None, Ranges]] = {
            rel: (_map(path), ranges) for rel, (path, ranges) in previous.items() if ranges
        }
        self.same = same
        self.made: dict[str, Ranges] = {}
        self.copied = 0

    def pieces(
        self,
        rel: str,
        head: str | bytes,
        records: Sequence[tuple[str, Callable[[], str | bytes]]],
        tail: str | bytes,
        sep: bytes = b"",
    ) -> Iterator[bytes]:
        """The file `rel` in pieces: `head`, each record's piece (copied when it can
        be, else made by its function) with `sep` between pieces, `tail`. A piece's
        range leaves out the separator, so a record that moves first or from first is
        copied as well."""
        ranges: Ranges = {}
        old, old_ranges = self.previous.pop(rel, (None, {}))
        try:
            data = _encoded(head)
            pos = len(data)
            yield data
            # Copied pieces that lie side by side in the old file (with the same
            # separator between them) go out as one slice of up to RUN bytes, not one
            # write per record.
            run_start = run_end = -1
            for n, (record_id, make) in enumerate(records):
                gap = sep if n else b""
                pos += len(gap)
                span = old_ranges.get(record_id) if record_id in self.same else None
                if old is not None and span is not None and 0 <= span[0] <= span[1] <= len(old):
                    self.copied += 1
                    size = span[1] - span[0]
                    if (
                        run_end >= 0
                        and span[0] == run_end + len(gap)
                        and span[1] - run_start <= RUN
                        and old[run_end : span[0]] == gap
                    ):
                        run_end = span[1]  # the run goes on, separator and all
                    else:
                        if run_end >= 0:
                            yield old[run_start:run_end]
                        if gap:
                            yield gap
                        run_start, run_end = span
                else:
                    if run_end >= 0 and old is not None:
                        yield old[run_start:run_end]
                        run_start = run_end = -1
                    data = _encoded(make())
                    size = len(data)
                    if gap:
                        yield gap
                    yield data
                ranges[record_id] = (pos, pos + size)
                pos += size
            if run_end >= 0 and old is not None:
                yield old[run_start:run_end]
            yield _encoded(tail)
        finally:
            if old is not None:
                old.close()
        self.made[rel] = ranges


def _encoded(piece: str | bytes) -> bytes:
    return piece.encode("utf-8") if isinstance(piece, str) else piece


def _map(path: Path) -> mmap.mmap | None:
    """The file mapped read-only (no copy of a large file in memory), or None."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if os.fstat(fd).st_size == 0:
            return None
        with suppress(OSError, ValueError):
            return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        return None
    finally:
        os.close(fd)


def ranges_from(value: object) -> Ranges:
    """Ranges as kept in the build cache (JSON: lists), checked."""
    if not isinstance(value, dict):
        return {}
    out: Ranges = {}
    for key, span in value.items():
        if (
            isinstance(key, str)
            and isinstance(span, list)
            and len(span) == 2
            and all(isinstance(n, int) for n in span)
        ):
            out[key] = (span[0], span[1])
    return out


__all__ = ["Ranges", "Splicer", "ranges_from"]
