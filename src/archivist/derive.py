"""Facts every record gets after reading, whatever its reader: participants from the
title and body, resolved through the optional authority file (`content/people.yaml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archivist.config import Config
from archivist.model import Person, Problem, Record
from archivist.slugs import slugify


@dataclass(frozen=True, slots=True)
class Context:
    """What derivation needs from the whole site (read once per build)."""

    authority_path: Path | None = None

    def person_for(self, name: str) -> Person:
        return Person(slug=slugify(name), name=name)


def load_context(site_root: Path, config: Config) -> tuple[Context, list[Problem]]:
    path = site_root / config.content_dir / "people.yaml"
    return Context(path if path.is_file() else None), []


def derive(record: Record, context: Context) -> tuple[Record, list[Problem]]:
    """The record with derived fields filled in, and any warnings about them."""
    return record, []
