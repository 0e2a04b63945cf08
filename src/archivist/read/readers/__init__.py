"""Readers turn one content file into Records (or problems); they never render.

`read_file` decodes the bytes (UTF-8, with or without BOM; UTF-16 with a BOM),
normalizes line ends, and hands the text to the reader for the file's kind, found in
one table, `READERS`:

- `.md`  Markdown + YAML front matter (`readers.markdown`)
- `.txt` an archive page export (`readers.archive_text`) or, failing its signature,
         a plain transcription (`readers.transcription`)
- `.xml` TEI P5 (`readers.tei`), one record per `div[@type=document]`
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from archivist.config import Config
from archivist.model import Location, Problem, ReadResult
from archivist.read.controls import may_hold_controls
from archivist.read.readers import archive_text, markdown, tei, transcription
from archivist.read.readers.source import Source
from archivist.slugs import file_id

__all__ = [
    "READERS",
    "RECORD_SUFFIXES",
    "Reader",
    "Source",
    "decode",
    "read_bytes",
    "read_data",
    "read_file",
    "read_text",
]

Reader = Callable[[str, Source], ReadResult]


def _read_txt(text: str, source: Source) -> ReadResult:
    """An archive page export when the text has its signature, else a plain transcription."""
    if archive_text.looks_like_export(text):
        return archive_text.read(text, source)
    return transcription.read(text, source)


# Suffix (lower case) → the reader for it: a new kind of file is one row.
READERS: Mapping[str, Reader] = MappingProxyType(
    {
        ".md": markdown.read,
        ".markdown": markdown.read,
        ".txt": _read_txt,
        ".xml": tei.read,
    }
)
RECORD_SUFFIXES = tuple(READERS)

# C0/C1 controls other than tab and newline never belong in record text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _looks_like_utf16(data: bytes) -> bool:
    """Text saved as UTF-16 without a BOM: NUL bytes in every other place (mostly)."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return False
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    return max(even, odd) > half * 0.6 and min(even, odd) < half * 0.1


def decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    """Bytes → text with `\\n` line ends, or a problem naming where decoding failed."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return None, Problem(Location(path), "encoding", f"invalid UTF-16 ({exc.reason})")
    elif _looks_like_utf16(data):
        return None, Problem(
            Location(path),
            "encoding",
            "looks like UTF-16 without a byte-order mark; save the file as UTF-8",
        )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            return None, Problem(
                Location(path, line, col),
                "encoding",
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            )
    if b"\r" in data:  # (a byte search: most files have no carriage return to replace)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    utf8 = not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    match = _CONTROL.search(text) if not utf8 or may_hold_controls(data) else None
    if match:
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        return None, Problem(
            Location(path, line, col),
            "encoding",
            f"control character U+{ord(match.group()):04X} in the text",
        )
    return unicodedata.normalize("NFC", text), None


def read_text(text: str, source: Source, suffix: str) -> ReadResult:
    """Dispatch decoded text to the reader for `suffix`."""
    suffix = suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        return ReadResult(
            problems=(Problem(Location(source.path), "file", f"no reader for {suffix!r} files"),)
        )
    return reader(text, source)


def read_data(data: bytes, display: str, config: Config, stem: str, suffix: str) -> ReadResult:
    """Decode a file's bytes and read them with the reader for `suffix`."""
    text, problem = decode(data, display)
    if text is None:
        assert problem is not None
        return ReadResult(problems=(problem,))
    return read_text(text, Source(display, stem, config), suffix)


def read_bytes(path: Path, display: str) -> bytes | ReadResult:
    """A file's bytes, or the problem that it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        return ReadResult(
            problems=(Problem(Location(display), "file", f"cannot read ({exc.strerror})"),)
        )


def read_file(path: Path, display: str, config: Config, stem: str | None = None) -> ReadResult:
    """Read one content file into records, or report why it cannot be read.

    `stem` is the record id the file's name gives (see `slugs.file_id`).
    """
    data = read_bytes(path, display)
    if isinstance(data, ReadResult):
        return data
    return read_data(data, display, config, stem or file_id((path.name,)), path.suffix)
