"""The file a reader works on; its own module so readers and the dispatch table in
`readers/__init__.py` can both import it without an import cycle."""

from __future__ import annotations

from dataclasses import dataclass

from archivist.config import Config


@dataclass(frozen=True, slots=True)
class Source:
    """The file a reader works on: its display path, its id stem and the settings."""

    path: str
    stem: str
    config: Config
