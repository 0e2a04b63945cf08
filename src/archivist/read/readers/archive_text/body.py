"""The body: its footnotes, and (family A) the unlabelled summary after it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from archivist.model import Note
from archivist.read.readers.archive_text.lines import Line, blocks, trim_blank

_NOTE_START = re.compile(r"\s*\[(\d{1,3})\]")


def split_notes(lines: Sequence[Line]) -> tuple[list[Line], list[tuple[Note, int]]]:
    """Footnotes at the end of a body → (body lines, notes with their line numbers).

    The note block is the last run that starts at `[1]`, numbers its notes 1, 2, 3 …
    in order, and whose every label is used as a marker in the text above it.
    """
    firsts = [i for i, line in enumerate(lines) if note_label(line) == "1"]
    for i in reversed(firsts[-5:]):  # the last few candidates; keeps hostile input linear
        notes = _note_block(lines[i:])
        above = "\n".join(line.text for line in lines[:i])
        if notes and all(f"[{note.label}]" in above for note, _ in notes):
            return list(lines[:i]), notes
    return list(lines), []


def note_label(line: Line) -> str | None:
    """`[3] Text of the note` → `3`."""
    m = _NOTE_START.match(line.text[:24])
    return m.group(1) if m else None


def _note_block(lines: Sequence[Line]) -> list[tuple[Note, int]]:
    """Notes 1..n from a block that starts with `[1]`, or [] if it is not such a block."""
    found: list[tuple[str, list[str], int]] = []
    for line in lines:
        label = note_label(line)
        if label is not None and int(label) == len(found) + 1:
            text = _NOTE_START.sub("", line.text, count=1).strip()
            found.append((label, [text] if text else [], line.no))
        elif label is not None:
            return []
        elif found and not line.blank:
            found[-1][1].append(line.value)
    return [(Note(label, " ".join(parts)), no) for label, parts, no in found]


def split_summary(lines: Sequence[Line]) -> tuple[list[Line], list[list[Line]]]:
    """Family A: body and the unlabelled summary that follows it.

    The summary starts after the last gap of two or more blank lines (the page puts
    more space before it than between its own paragraphs); when the capture has no
    such gap, it is the last paragraph.
    """
    paras = blocks(lines)
    if not paras:
        return [], []
    first_summary = len(paras) - 1
    for i in range(len(paras) - 1, 0, -1):
        if paras[i][0] >= 2:
            first_summary = i
            break
    summary = [para for _, para in paras[first_summary:]]
    body_end = summary[0][0].no
    body = [line for line in lines if line.no < body_end]
    return trim_blank(body), summary
