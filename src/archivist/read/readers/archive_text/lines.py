"""The file as numbered lines, and the paragraph helpers every rule uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Lines longer than this are never labels, dates or titles; regexes see at most this
# much of a line, which keeps every match linear and short.
SHORT = 300


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the file: its 1-based number, its text as written, and a key."""

    no: int
    text: str
    key: str  # whitespace collapsed and stripped; what rules compare against

    @property
    def blank(self) -> bool:
        return not self.key

    @property
    def value(self) -> str:
        """The line as written, without surrounding whitespace: what fields keep."""
        return self.text.strip()

    @property
    def short(self) -> bool:
        return len(self.key) <= SHORT


def split_lines(text: str) -> list[Line]:
    """The file as numbered lines (`\\r\\n` and `\\r` are line ends too)."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [Line(i, t, " ".join(t.split())) for i, t in enumerate(raw, start=1)]


def label_key(line: Line) -> str:
    """A line as a label would read: bullets and a trailing colon dropped, casefolded."""
    if not line.short:
        return ""
    return line.key.lstrip("•·*- ").rstrip(":").strip().casefold()


def trim_blank(lines: Sequence[Line]) -> list[Line]:
    """The lines without the blank lines they start and end with."""
    start, end = 0, len(lines)
    while start < end and lines[start].blank:
        start += 1
    while end > start and lines[end - 1].blank:
        end -= 1
    return list(lines[start:end])


def blocks(lines: Sequence[Line]) -> list[tuple[int, list[Line]]]:
    """Paragraphs: (blank lines before, lines) for each run of non-blank lines."""
    out: list[tuple[int, list[Line]]] = []
    gap = 0
    current: list[Line] = []
    for line in lines:
        if line.blank:
            if current:
                out.append((gap, current))
                current, gap = [], 0
            gap += 1
        else:
            current.append(line)
    if current:
        out.append((gap, current))
    return out


def paragraphs_text(paras: Sequence[Sequence[Line]]) -> str:
    """Paragraphs as written: a paragraph's lines joined by spaces, paragraphs by a blank line."""
    return "\n\n".join(" ".join(line.value for line in para) for para in paras)
