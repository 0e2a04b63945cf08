"""Field parsing: funder names, credits in a source citation, hidden e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable

from archivist.read.readers.archive_text.detect import FUNDER_PREFIX

HAPP_EMAIL = "HAPP@wilsoncenter.org"
EMAIL_WITHHELD = "(e-mail address withheld in the capture)"

_CF_EMAIL = re.compile(r"\[email(?:\s|\u00a0)*protected\]", re.I)
_HAPP_CONTEXT = re.compile(r"History and Public Policy Program at\s*$")


def funders_from_line(key: str) -> list[str]:
    """Funder names from `... with support from [the] A, B and C`."""
    rest = key[len(FUNDER_PREFIX) :].strip().rstrip(".").strip()
    names = []
    for part in re.split(r"\s*,\s*", rest):
        name = re.sub(r"^(?:and|the)\s+", "", part.strip(), flags=re.I)
        name = re.sub(r"^the\s+", "", name, flags=re.I)
        if name:
            names.append(name)
    return names


def merge_names(*groups: Iterable[str]) -> tuple[str, ...]:
    """Names from several lists, first spelling kept, duplicates (case, `the`) dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for group in groups:
        for name in group:
            clean = " ".join(name.split())
            key = re.sub(r"^the\s+", "", clean, flags=re.I).casefold()
            if clean and key not in seen:
                seen.add(key)
                out.append(clean)
    return tuple(out)


# --------------------------------------------------------------------------- credits

_VERBS = "contributed|transcribed|translated|obtained|edited|annotated|provided"
_CREDIT_ROLES = {
    "contributed": "contributors",
    "provided": "contributors",
    "transcribed": "transcribers",
    "translated": "translators",
    "obtained": "obtained_by",
    "edited": "editors",
    "annotated": "annotators",
}
_VERB_CHAIN = re.compile(rf"\b({_VERBS})\b((?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:{_VERBS})\b)*", re.I)
_BY = re.compile(r"[^.;]{0,80}?\bby\s+(?:by\s+)?", re.I)
_NAME_STOP = re.compile(
    rf";|\.(?=\s|$)|\s+and\s+(?=(?:{_VERBS})\b)|,\s*(?=(?:and\s+)?(?:{_VERBS})\b)|\s+https?://|\(",
    re.I,
)
_NOT_FINAL_DOT = frozenset({"jr", "sr", "st", "dr", "mr", "mrs", "ms", "prof"})


def source_credits(source: str) -> dict[str, list[str]]:
    """Credits inside a source citation, by role (`translators`, `contributors`, ...).

    `Contributed, transcribed, and translated by A` credits A three times;
    `Obtained by A and translated by B` gives obtained_by A and translators B;
    the doubled `Translated by by A` (as found in the seed) reads as A.
    """
    text = " ".join(source[:5000].split())  # single spaces keep the name regexes linear
    credits: dict[str, list[str]] = {}
    pos = 0
    while True:
        chain = _VERB_CHAIN.search(text, pos)
        if chain is None:
            return credits
        by = _BY.match(text, chain.end())
        pos = chain.end()
        if by is None:
            continue
        names = credit_names(text[by.end() :])
        verbs = re.findall(_VERBS, chain.group(0), flags=re.I)
        for verb in verbs:
            role = credits.setdefault(_CREDIT_ROLES[verb.lower()], [])
            role.extend(name for name in names if name not in role)
        pos = by.end()


def credit_names(text: str) -> list[str]:
    """The names at the start of `text`, up to the end of the credit clause."""
    end = len(text)
    for stop in _NAME_STOP.finditer(text):
        if stop.group().startswith("."):
            word = re.split(r"[\s,]", text[: stop.start()])[-1]
            if (len(word) == 1 and word.isupper()) or word.casefold() in _NOT_FINAL_DOT:
                continue  # an initial (`Mark H. Doctoroff`), not the end of the clause
        end = stop.start()
        break
    names = []
    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", text[:end]):
        name = part.strip()
        if name and len(name) <= 100 and len(name.split()) <= 8:
            names.append(name)
    return names


# --------------------------------------------------------------------------- rights


def clean_obfuscated_email(text: str) -> tuple[str, int]:
    """Replace Cloudflare's `[email protected]`; returns the text and how many were withheld.

    In the HAPP rights boilerplate the address is known (`... Program at HAPP@...`);
    anywhere else it is unknown and a neutral phrase stands in for it.
    """
    withheld = 0
    out: list[str] = []
    pos = 0
    for m in _CF_EMAIL.finditer(text):
        out.append(text[pos : m.start()])
        if _HAPP_CONTEXT.search(text[max(0, m.start() - 60) : m.start()]):
            out.append(HAPP_EMAIL)
        else:
            out.append(EMAIL_WITHHELD)
            withheld += 1
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), withheld
