"""Gzip files made of one member per record, byte-reproducible.

A gzip file may hold several members one after another; every gzip reader
(`gzip -d`, Python's `gzip`, pandas, R) reads them as one stream. One member per
record lets a later build copy an unchanged record's member by byte range
(`publish.splice`), so an edit never recompresses the whole archive. Each member's
header is fixed (no file name, time 0, unknown OS): the same bytes give the same file.
"""

from __future__ import annotations

import zlib

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

__all__ = ["EMPTY", "LEVEL", "member"]
