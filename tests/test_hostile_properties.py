"""Property tests over the readers: any bytes in → records or reported problems, never an
exception escaping, and every problem names the file with a line and column."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.config import Config
from archivist.model import ReadResult
from archivist.pipeline import read_one, unsafe_text

CONFIG = Config(record_timeout=5.0)


def _has(*modules: str) -> bool:
    return all(importlib.util.find_spec(f"archivist.read.readers.{m}") for m in modules)


# Every format whose reader is present in this checkout.
SUFFIXES = [".md", ".markdown"]
SUFFIXES += [".txt"] if _has("archive_text", "transcription") else []
SUFFIXES += [".xml"] if _has("tei") else []

# Pieces that make the readers' life hard, glued together by Hypothesis.
PIECES = [
    "---\n", "---", "...\n", "title: ", "date: ", "id: ", "participants:\n", "  - name: ",
    "    role: ", "&a ", "*a", "!!python/object ", "!tag ", "[", "]", "{", "}", ": ", "- ",
    '"', "'", "\\u", "\\ud800", "\\x00", "\t", "\r\n", "\r", "\n", "#", "[^1]", "[^1]: n",
    "<script>", "javascript:", "<![CDATA[ ", "\u202e", "\u200b", "\ufeff", "é", "e\u0301",
    "1955-06-30", "June 1955", "NO", "0777", "1:20", "~", "null", "|", ">", "%", "@",
]  # fmt: skip

texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map("".join)
raw = st.one_of(
    st.binary(max_size=2000),
    texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    texts.map(lambda t: ("---\n" + t).encode("utf-8", "surrogatepass")),
    texts.map(lambda t: ("---\ntitle: T\n" + t + "\n---\n" + t).encode("utf-8", "surrogatepass")),
    texts.map(lambda t: t.encode("utf-16")),
)


def _check(result: ReadResult, name: str) -> None:
    for problem in result.problems:
        assert problem.location.path == name
        assert problem.location.line >= 1 and problem.location.col >= 1
        assert problem.message
    for record in result.records:
        assert record.id and record.title
    if not result.records:
        assert any(p.is_error for p in result.problems) or not result.problems


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=raw, suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_give_records_or_problems(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"record{suffix}"
    path.write_bytes(data)
    name = f"content/record{suffix}"
    result = read_one(path, name, CONFIG, path.stem)  # never raises: a crash becomes a problem
    _check(result, name)
    crashes = [p for p in result.problems if "could not read this file" in p.message]
    assert not crashes, crashes
    for record in result.records:
        # What passes the net below every reader can be written as UTF-8 HTML/XML.
        if not unsafe_text(record):
            record.title.encode("utf-8")
            record.body.encode("utf-8")
