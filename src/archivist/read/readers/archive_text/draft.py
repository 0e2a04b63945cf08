"""The draft: what a family reader found, before it becomes a Record."""

from __future__ import annotations

from dataclasses import dataclass, field

from archivist.read.readers.archive_text.detect import Family
from archivist.read.readers.archive_text.lines import Line


@dataclass(slots=True)
class Draft:
    """What a family reader found: single values, lists, line numbers (mutable)."""

    family: Family
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    body: list[Line] = field(default_factory=list)

    def set(self, name: str, value: str | None, line: int) -> None:
        """Keep the first non-empty value found for `name`."""
        if value and name not in self.values:
            self.values[name] = value
            self.origin.setdefault(name, line)

    def add(self, name: str, value: str, line: int) -> None:
        self.lists.setdefault(name, []).append(value)
        self.origin.setdefault(name, line)

    def first(self, name: str) -> str | None:
        found = self.lists.get(name)
        return found[0] if found else None
