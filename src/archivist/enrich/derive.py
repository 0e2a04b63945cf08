"""Facts every record gets after reading, whatever its reader: participants from the
title and body, resolved through the optional authority file (`content/people.yaml`),
and a type from the title (or a letter's salutation) when the record states none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from archivist.config import Config
from archivist.enrich.people import Authority, derive_names, load_authority
from archivist.enrich.people.authority import Office
from archivist.enrich.people.kinds import tidy
from archivist.enrich.types import type_from_body, type_from_source, type_from_title
from archivist.model import Location, Participant, Person, Problem, Record, Severity

AUTHORITY_FILE = "people.yaml"


@dataclass(frozen=True, slots=True)
class Context:
    """What derivation needs from the whole site (read once per build)."""

    authority: Authority | None = None
    _fallback: Authority = field(default_factory=Authority)

    def person_for(self, name: str) -> Person:
        """The one Person a written name stands for across the archive."""
        return (self.authority or self._fallback).person_for(name)

    @property
    def offices(self) -> tuple[Office, ...]:
        """The office terms of the authority file."""
        return self.authority.offices if self.authority else ()

    def known(self, name: str) -> Person | None:
        """The authority file's person for a name, if it names one."""
        return self.authority.resolve(name) if self.authority else None


def load_context(site_root: Path, config: Config) -> tuple[Context, list[Problem]]:
    path = site_root / config.content_dir / AUTHORITY_FILE
    if not path.is_file():
        return Context(), []
    authority, problems = load_authority(path)
    return Context(authority), problems


def derive(record: Record, context: Context) -> tuple[Record, list[Problem]]:
    """The record with its participants derived, and warnings about names.

    Unresolved short names are only reported when the archive keeps an authority
    file: without one, every surname-only title would warn.
    """
    participants, unresolved = derive_names(record, context.authority)
    # Names the rules found (not those the editor wrote) are tidied: `Evatt3` → Evatt,
    # `Kishi And Menzies` → two, `Affairs` and `1963 Anzus Record` → no one.
    written = set(record.participants)
    tidied: list[Participant] = []
    for p in participants:
        tidied.extend([p] if p in written or p.ref else tidy([p]))  # a tag is the source's
    participants = tuple(dict.fromkeys(tidied))
    problems: list[Problem] = []
    if context.authority is not None:
        where = record.origin.get("participants") or record.origin.get("title")
        location = where or Location(record.path)
        for name in unresolved:
            problems.append(
                Problem(
                    location,
                    "participants",
                    f"{name!r} matches no one in the record or in {AUTHORITY_FILE}",
                    Severity.WARNING,
                )
            )
    changes: dict[str, object] = {}
    if participants != record.participants:
        changes["participants"] = participants
    if not record.type:
        # The type the title or source note states (`Letter from …`, `…: Telegram`),
        # or a letter's salutation.
        stated = (
            type_from_title(record.title)
            or type_from_source(record.source)
            or type_from_body(record.body)
        )
        if stated:
            changes["type"] = stated
    if not changes:
        return record, problems
    return replace(record, **changes), problems  # type: ignore[arg-type]
