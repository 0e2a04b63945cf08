"""The metadata after the body (`Document Information`, rights, type, record ID ...),
labelled or label-less."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from archivist.read.readers.archive_text.detect import (
    RIGHTS_START,
    is_display_date,
    is_rights_start,
)
from archivist.read.readers.archive_text.draft import Draft
from archivist.read.readers.archive_text.lines import Line, label_key, paragraphs_text

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_RECORD_ID = re.compile(r"\d{1,12}")


@dataclass(frozen=True, slots=True)
class Slot:
    """Where value lines go: a field, whether it takes many lines, what it accepts."""

    name: str
    many: bool
    accepts: Callable[[Line], bool] = lambda line: True


def _is_uploaded(line: Line) -> bool:
    return line.short and bool(_ISO_DAY.fullmatch(line.key))


def _is_record_id(line: Line) -> bool:
    return line.short and bool(_RECORD_ID.fullmatch(line.key))


def _is_single(line: Line) -> bool:
    return line.short


def _slot(name: str, many: bool = True) -> tuple[Slot, ...]:
    return (Slot(name, many, _is_single),)


_RIGHTS = Slot("rights", True)
_SOURCE = Slot("source", True)  # one paragraph (see `_fill_slot`)
_AFTER_INFO = (_SOURCE, Slot("archive", True, _is_single))
_AFTER_RIGHTS = (Slot("uploaded", False, _is_uploaded), Slot("type", False, _is_single))
# Label → the slots its value lines fill, in order. Where a capture drops a label but
# keeps its value, the value falls through to the next slot: in the seed's form the
# line after an empty `Original Uploaded Date` is the Type, a line after `Record ID`
# a donor.
TAIL_LABELS: dict[str, tuple[Slot, ...]] = {
    "document information": _AFTER_INFO,
    "source": (_SOURCE,),
    "original archive": _slot("archive"),
    "rights": (_RIGHTS,),
    "original uploaded date": (*_AFTER_RIGHTS, Slot("language", True, _is_single)),
    "type": _slot("type", many=False),
    "language": _slot("language"),
    "languages": _slot("language"),
    "original language": _slot("original_language"),
    "record id": (Slot("record_id", False, _is_record_id), *_slot("donors")),
    "donors": _slot("donors"),
    "donor": _slot("donors"),
    "donor(s)": _slot("donors"),
    "original classification": _slot("classification", many=False),
    "related documents": (Slot("related", True),),
    "author(s)": _slot("authors"),
    "authors": _slot("authors"),
    "author": _slot("authors"),
    "document contributor(s)": _slot("document_contributors"),
    "document contributors": _slot("document_contributors"),
    "document contributor": _slot("document_contributors"),
    "associated people & organizations": _slot("associated_people_orgs"),
    "associated people and organizations": _slot("associated_people_orgs"),
    "associated places": _slot("places"),
    "associated topics": _slot("topics"),
    "subjects discussed": _slot("subjects"),
}
# Headings that can only start the metadata after the body. Plain labels such as
# `Source` or `Type` could be body lines, so they never end the body on their own.
TAIL_ANCHORS = frozenset(
    {
        "document information",
        "related documents",
        "author(s)",
        "document contributor(s)",
        "document contributors",
        "associated people & organizations",
        "associated people and organizations",
        "associated places",
        "associated topics",
        "subjects discussed",
    }
)


def tail_start(lines: Sequence[Line], start: int) -> int | None:
    """Index of the first line of the metadata after the body, if there is any."""
    for i in range(start, len(lines)):
        if label_key(lines[i]) in TAIL_ANCHORS:
            return i
    rights_at = next((i for i in range(start, len(lines)) if is_rights_start(lines[i])), None)
    if rights_at is None:
        return None
    # No headings at all: the source is the paragraph just before the rights.
    k = rights_at - 1
    while k >= start and lines[k].blank:
        k -= 1
    if k < start:
        return rights_at
    while k - 1 >= start and not lines[k - 1].blank:
        k -= 1
    return k


def read_tail(lines: Sequence[Line], draft: Draft) -> None:
    """Fill the draft from the metadata after the body (labelled or label-less)."""
    queue: list[Slot] = list(_AFTER_INFO)
    rights: list[list[Line]] = []
    previous_blank = True
    for line in lines:
        if line.blank:
            previous_blank = True
            continue
        key = label_key(line)
        if key in TAIL_LABELS:
            queue = list(TAIL_LABELS[key])
            draft.origin.setdefault(f"label:{key}", line.no)
            previous_blank = True
            continue
        if is_rights_start(line):
            queue = [_RIGHTS]
        if queue and queue[0] is _RIGHTS:
            if rights and previous_blank and _rights_complete(rights):
                queue = list(_AFTER_RIGHTS)  # the boilerplate is done: this is the next field
            else:
                if previous_blank or not rights:
                    rights.append([])
                rights[-1].append(line)
                previous_blank = False
                continue
        _fill_slot(queue, line, draft, previous_blank)
        previous_blank = False
    if rights:
        draft.set("rights", paragraphs_text(rights), rights[0][0].no)


def _rights_complete(paras: Sequence[Sequence[Line]]) -> bool:
    """The HAPP boilerplate ends with its `To enquire ...` paragraph."""
    return paras[0][0].key.startswith(RIGHTS_START) and any(
        para[0].key.startswith("To enquire") for para in paras[1:]
    )


def _fill_slot(queue: list[Slot], line: Line, draft: Draft, new_paragraph: bool) -> None:
    """Put a value line into the first slot that takes it; unplaced lines are kept."""
    while queue:
        slot = queue[0]
        if slot is _SOURCE and new_paragraph and "source" in draft.lists:
            queue.pop(0)  # the source citation is one paragraph
            continue
        if not slot.accepts(line):
            queue.pop(0)
            continue
        draft.add(slot.name, line.value, line.no)
        if not slot.many:
            queue.pop(0)
        return
    draft.add("unplaced", line.value, line.no)


def related_entries(values: Sequence[str]) -> list[dict[str, str]]:
    """`October 4, 1950 | Telegram from Zhou Enlai to Ni Zhiliang |` → {date, title}.

    Without pipes, a date line followed by a title line makes an entry, and further
    lines are kept as that entry's summary.
    """
    out: list[dict[str, str]] = []
    pending_date: str | None = None
    for value in values:
        if "|" in value:
            parts = [p.strip() for p in value.split("|") if p.strip()]
            if len(parts) >= 2:
                out.append({"date": parts[0], "title": " | ".join(parts[1:])})
            elif parts:
                out.append({"date": "", "title": parts[0]})
            pending_date = None
        elif is_display_date(Line(0, value, " ".join(value.split()))):
            pending_date = value
        elif pending_date is not None:
            out.append({"date": pending_date, "title": value})
            pending_date = None
        elif out:
            out[-1]["summary"] = (out[-1].get("summary", "") + " " + value).strip()
        else:
            out.append({"date": "", "title": value})
    return out
