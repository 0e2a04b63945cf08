"""What `archivist people` shows and writes: the merges the rules made, the names they
left apart, and a draft `people.yaml` the editor can correct and keep.

The draft is valid input for `parse_authority`: one entry per person whose page joins
more than one written form (its aliases), the ambiguous names as comments with the
people they could be, and commented examples of `distinct:` and `offices:`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from archivist.enrich.people.identity import Identities


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def report_lines(found: Identities, people: int, organizations: int) -> list[str]:
    """The human report: counts, every merge, every ambiguous name."""
    lines = [
        f"{people} people, {organizations} organizations; "
        f"{len(found.merges)} merges, {len(found.ambiguous)} ambiguous names"
    ]
    for name, forms in found.merges:
        lines.append(f"merged: {name} ← " + " | ".join(f for f in forms if f != name))
    for name, candidates in found.ambiguous:
        lines.append(f"ambiguous: {name} could be " + " or ".join(candidates) + " (kept apart)")
    return lines


def draft_yaml(found: Identities, existing: Sequence[str] = ()) -> str:
    """A draft people.yaml: the merges as entries with aliases; the rest as comments.

    `existing` are names the editor's people.yaml already has: they are left out."""
    have = {n.casefold() for n in existing}
    out = [
        "# Draft written by `archivist people`: the merges the automatic rules made.",
        "# Correct it, then save it as content/people.yaml; the next build follows it.",
        "# Remove an alias to split it off; add `distinct:` to keep people apart.",
        "people:",
    ]
    entries = 0
    for name, forms in found.merges:
        if name.casefold() in have:
            continue
        aliases = [f for f in forms if f != name]
        out.append(f"  - name: {_quoted(name)}")
        out.append("    aliases: [" + ", ".join(_quoted(a) for a in aliases) + "]")
        entries += 1
    if not entries:
        out[-1] = "people: []"
    if found.ambiguous:
        out.append("# Ambiguous names, kept on pages of their own; list them as an alias")
        out.append("# of the person they mean, or keep them apart with distinct:")
        for name, candidates in found.ambiguous:
            out.append(f"#   {name}: " + " or ".join(candidates))
    out += [
        "# distinct:",
        "#   - [R. G. Menzies, H. C. Menzies]",
        "# offices:",
        "#   - {office: Secretary of State, name: Robert Lansing, from: 1915-06-23, to: 1920-02-13}",
        "",
    ]
    return "\n".join(out)
