"""Gzip files made of one member per record, byte-reproducible.

A gzip file may hold several members one after another; every gzip reader
(`gzip -d`, Python's `gzip`, pandas, R) reads them as one stream. One member per
record lets a later build copy an unchanged record's member by byte range
(`publish.splice`), so an edit never recompresses the whole archive. Each member's
header is fixed (no file name, time 0, unknown OS): the same bytes give the same file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zlib
from pathlib import Path
from types import TracebackType

from archivist.publish.write import os_error

# Magic, deflate, no flags, mtime 0, no extra flags, OS unknown (RFC 1952).
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
LEVEL = 6


def member(data: bytes) -> bytes:
    """`data` as one complete gzip member."""
    deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflate.compress(data) + deflate.flush()
    trailer = zlib.crc32(data).to_bytes(4, "little") + (len(data) & 0xFFFFFFFF).to_bytes(
        4, "little"
    )
    return _HEADER + body + trailer


# Ends every file: a file of no records is still a valid (empty) gzip file.
EMPTY = member(b"")


class Spool:
    """Members compressed by the render workers, each beside its record's page, kept
    in a temporary file until the whole file is written in record order: memory holds
    only their places (100,000 records make some 350 MB of members)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            # Unbuffered: a full disk shows at the write that fills it.
            self._file = tempfile.TemporaryFile(dir=folder, prefix=".members-", buffering=0)  # noqa: SIM115 (closed on exit)
        except OSError as exc:
            raise os_error(exc, folder) from exc
        self._at: dict[str, tuple[int, int]] = {}
        self._end = 0

    def add(self, record_id: str, data: bytes) -> None:
        """Keep `data` as the record's member (OutputError when the disk is full)."""
        done = 0
        try:
            while done < len(data):  # a short write: the next one says why
                done += os.pwrite(self._file.fileno(), data[done:], self._end + done)
        except OSError as exc:
            raise os_error(exc, self.folder) from exc
        self._at[record_id] = (self._end, len(data))
        self._end += len(data)

    def get(self, record_id: str) -> bytes | None:
        """The record's member, or None when no worker made one this build."""
        if record_id not in self._at:
            return None
        start, size = self._at[record_id]
        return os.pread(self._file.fileno(), size, start)

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with contextlib.suppress(OSError):
            self._file.close()


__all__ = ["EMPTY", "LEVEL", "Spool", "member"]
