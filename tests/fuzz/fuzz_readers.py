"""atheris fuzz target: any bytes through the readers → records or problems, never a crash.

    pip install atheris
    PYTHONPATH=src python tests/fuzz/fuzz_readers.py -max_total_time=300 tests/fuzz/corpus

The first byte picks the file kind; the rest is the file. Besides crashes, it fails
when a record carries text no page can hold, or a problem lacks a line and column.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from archivist.config import Config
    from archivist.pipeline import read_one, unsafe_text
    from archivist.read.readers import Source, decode, read_text

CONFIG = Config(record_timeout=10.0)
SUFFIXES = (".md", ".markdown", ".txt", ".xml")
WORK = Path(tempfile.mkdtemp(prefix="fuzz-readers-"))


def _available(suffix: str) -> bool:
    import importlib.util

    modules = {".txt": ("archive_text", "transcription"), ".xml": ("tei",)}.get(suffix, ())
    return all(importlib.util.find_spec(f"archivist.read.readers.{m}") for m in modules)


KINDS = [s for s in SUFFIXES if _available(s)]


def test_one(data: bytes) -> None:
    if not data:
        return
    suffix = KINDS[data[0] % len(KINDS)]
    body = data[1:]
    name = f"content/fuzz{suffix}"
    # The reader proper, without the safety net, so its own crashes surface.
    text, problem = decode(body, name)
    if text is not None:
        result = read_text(text, Source(name, "fuzz", CONFIG), suffix)
    else:
        assert problem is not None and problem.location.line >= 1
        return
    for p in result.problems:
        assert p.location.path == name and p.location.line >= 1 and p.location.col >= 1, p
    for record in result.records:
        if not unsafe_text(record):
            record.title.encode("utf-8")
            record.body.encode("utf-8")
    # And the whole read path as the build runs it.
    path = WORK / f"fuzz{suffix}"
    path.write_bytes(body)
    read_one(path, name, CONFIG)


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
