"""The byte scan that spares most files the control-character regex never lets one
through: a file or field with a control character is still reported where it is."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.config import Config
from archivist.read.checks import _UNSAFE_TEXT, unsafe_text
from archivist.read.controls import may_be_unsafe, may_hold_controls
from archivist.read.readers import read_data

# Text rich in controls, their neighbours and characters whose UTF-8 bytes hold 0xC2.
_CHARS = st.sampled_from(
    [chr(c) for c in range(0xA2)] + ["\ud800", "\udfff", "é", "\u00a0", "\u0100", "€", "𝄞"]
)


@settings(max_examples=2000, deadline=None)
@given(st.text(_CHARS, max_size=12))
def test_what_the_scan_passes_has_no_unsafe_character(text: str) -> None:
    if not may_be_unsafe(text):
        assert _UNSAFE_TEXT.search(text) is None
    if "\ud800" not in text and "\udfff" not in text and not may_hold_controls(text.encode()):
        assert _UNSAFE_TEXT.search(text) is None


def test_a_control_character_in_a_file_is_reported_at_its_place() -> None:
    data = "---\ntitle: T\n---\n\nfine\nbad \x85 here\n".encode()
    (problem,) = read_data(data, "a.md", Config(), "a", ".md").problems
    assert (problem.location.line, problem.location.col) == (6, 5)
    assert "U+0085" in problem.message


def test_an_unsafe_character_deep_in_a_record_is_reported_with_its_field() -> None:
    data = b'---\ntitle: T\nparticipants:\n  - name: "A \\x07 B"\n---\n\nbody\n'
    (record,) = read_data(data, "a.md", Config(), "a", ".md").records
    (problem,) = unsafe_text(record)
    assert problem.field == "participants"
    assert "U+0007" in problem.message
    assert unsafe_text(replace(record, participants=())) == []
