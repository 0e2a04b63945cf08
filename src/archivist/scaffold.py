"""`archivist new`: a new record file with the fields an editor must fill in."""

from __future__ import annotations

import secrets
from pathlib import Path

from archivist.slugs import slugify

PLACEHOLDER = "FILL IN"

TYPES = ("telegram", "memorandum", "letter", "minutes", "report", "note", "cable", "diary")

_TEMPLATE = """\
---
title: {title}
date: "{fill}: the date as written, e.g. June 30, 1955 / June 1977 / c. 1956 / undated"
type: {type}
language: English
participants:
  - name: "{fill}: a name as written"
    role: sender
  - name: "{fill}: a name as written"
    role: recipient
source: "{fill}: the source citation (archive, fond/series/file, folio)"
rights: "{fill}: the rights note"
summary: "{fill}: one or two sentences for lists and search results"
status: draft
---
{fill}: the text of the document. Speaker turns as "Name: ...", footnotes as [^1].
"""


def new_record(content_dir: Path, *, title: str | None, type_: str | None) -> Path:
    """Write a new draft record with a fresh id and return its path."""
    content_dir.mkdir(parents=True, exist_ok=True)
    existing = {p.stem.casefold() for p in content_dir.rglob("*") if p.is_file()}
    stem = slugify(title)[:48].rstrip("-") if title else "record"
    while True:
        record_id = f"{stem}-{secrets.token_hex(3)}"
        if record_id.casefold() not in existing:
            break
    path = content_dir / f"{record_id}.md"
    shown_title = _yaml_text(title) if title else f'"{PLACEHOLDER}: the title as written"'
    shown_type = (type_ or "Memorandum").strip().title()
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(_TEMPLATE.format(title=shown_title, type=_yaml_text(shown_type), fill=PLACEHOLDER))
    return path


def _yaml_text(text: str) -> str:
    """A YAML double-quoted scalar for any text."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'
