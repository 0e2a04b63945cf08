"""Document types: one vocabulary per archive.

Two steps. `type_from_title` (per record, in `derive`) gives a record without a type
the one its title states, where a type word starts or ends the title: `LETTER FROM
ANDERSON TO RENOUF` → Letter, `Telex, Hay To Warwick Smith` → Telex, `Memorandum by
Casey` → Memorandum, `Record of Conversation with …` → Record of conversation.

`fold_types` (over the whole archive, in `build_archive`) folds twins into one value:
values whose `type_key` is equal (case, a plural, a spelling variant: `Cablegrams`,
`cablegram`; `Dispatch`, `Despatch`; `Aide Memoire`, `Aide-Memoire`) are shown in the
most common written form (mixed case before capitals), or in the editor's choice from
`types:` in archivist.yaml, which may also join values folding cannot (`Cable:
[Cablegram]`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace

from archivist.enrich.people.names import fold
from archivist.model import Record

# Spelling variants, after folding and singular: the variant → the form it joins.
_SPELLINGS = {
    "dispatch": "despatch",
    "memoranda": "memorandum",
    "memorandums": "memorandum",
    "telegramme": "telegram",
    "communique": "communique",
    "aidememoir": "aidememoire",
    "minut": "minute",
    "note verbale": "noteverbale",
    "memo": "memorandum",
    "agenda": "agendum",
}

# Words that, at the start or end of a title, state the record's type.
_HEADS = frozenset(
    """telegram cablegram cable letter memorandum minute note report submission
    savingram despatch dispatch message instruction directive circular brief telex
    radiogram aide-memoire aide-mémoire speech statement petition teleprinter transcript
    extract excerpt communique communiqué broadcast démarche demarche memo
    record notes minutes letters cablegrams telegrams extracts excerpts decision
    bulletin""".split()
)
# Words that may stand before the type word and belong to it: `Circular cablegram`.
_LEADS = frozenset(
    """circular draft outward inward joint press departmental cabinet ministerial
    file briefing teletype radio internal""".split()
)
# Priority and security marks before the type word: skipped, not part of the type
# (`Most Immediate Cablegram` → Cablegram).
_MARKS = frozenset(
    """most immediate top secret confidential urgent priority restricted ciphered coded
    personal private official covering handwritten""".split()
)
# `Record`, `Note` and `Paper` start many titles that are not types (`Record of
# Australian policy`); `Record` counts only as `Record of conversation|meeting|…`.
_RECORD_OF = re.compile(
    r"^record (?:of (conversations?|meetings?|discussions?|interviews?|talks?)\b|by\b)",
    re.IGNORECASE,
)
# Words that end a title and state its type only after a comma or a bracket
# (`Casey to Menzies, Cablegram`), since they end many titles that are about them.
_LOOSE_TAILS = frozenset("record note notes brief statement minutes report paper speech".split())
# A letter's salutation near the top of its text.
_SALUTATION = re.compile(r"[ \t]*(?:My [Dd]ear|Dear) [A-Z][^\n]{0,60}[,:]\s*")
_WORD = re.compile(r"[\w'’-]+")


def _plain(word: str) -> str:
    return fold(word).strip(".,;:'’\"()[]")


def _label(words: list[str]) -> str:
    """Sentence case: `CIRCULAR CABLEGRAM` → `Circular cablegram`."""
    text = " ".join(w.lower() for w in words)
    return text[:1].upper() + text[1:]


def type_from_title(title: str) -> str | None:
    """The type a title states at its start or its end, or None."""
    title = " ".join(title.split())
    if not title or len(title) > 2000:
        return None
    m = _RECORD_OF.match(title)
    if m:
        return _label(["record", "of", m[1]] if m[1] else ["record"])
    words = _WORD.findall(title)
    if not words:
        return None
    # The start: modifiers then a type word (`Circular Cablegram`, `Telex,`, `Letter`).
    start = i = 0
    while i < len(words) - 1 and i < 4 and _plain(words[i]) in _LEADS | _MARKS:
        if _plain(words[i]) in _MARKS and start == i:
            start = i + 1
        i += 1
    head = _plain(words[i])
    if head in _HEADS and head != "record":
        nxt = _plain(words[i + 1]) if i + 1 < len(words) else ""
        if nxt == "verbale":
            return _label([*words[start : i + 1], "verbale"])
        if head in ("note", "notes") and nxt and nxt not in ("by", "from", "to", "for", "of", "on"):
            return None  # `Notes by X`, not `Notes Towards a Policy`
        return _label(words[start : i + 1])
    # The end: `Casey to Menzies, Cablegram`, `… (Telegram)`.
    tail = _plain(words[-1])
    if tail in _HEADS and len(words) > 1:
        marked = re.search(r"[,(:–—-]\s*\W*" + re.escape(words[-1]) + r"\W*$", title)
        if marked or tail not in _LOOSE_TAILS:
            return _label([words[-1]])
    return None


# A source note that ends by stating the form of the document, as FRUS does:
# `…/1032: Telegram`, `[Telegram.—Paraphrase.]`, `File No. 763.72/13: Circular telegram`.
# What follows the type word only describes the text (a paraphrase, a translation).
_SOURCE_TYPE = re.compile(
    r"(?:^|[:\[]\s*)((?:circular\s+)?(?:telegram|cablegram|despatch|dispatch|instruction|"
    r"memorandum|letter|note|aide-m[ée]moire|telex))\b"
    r"(?:\s*[.,;—–-]+\s*(?:paraphrase|translation|extracts?|confidential|personal|"
    r"strictly confidential|secret))*\s*[.\]]*\s*$",
    re.IGNORECASE,
)


def type_from_source(source: str | None) -> str | None:
    """The type a source note states at its end (`…: Telegram`, `[Telegram.]`), or None."""
    if not source or len(source) > 2000:
        return None
    m = _SOURCE_TYPE.search(" ".join(source.split()))
    return _label(m[1].split()) if m else None


def type_from_body(body: str) -> str | None:
    """`Letter` when the text opens with a salutation (`Dear Mr. Bruce,`)."""
    lines = body[:600].split("\n")[:8]
    return "Letter" if any(_SALUTATION.fullmatch(line) for line in lines) else None


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def type_key(value: str) -> str:
    """What twins share: no case, diacritics, hyphens or spaces; singular; spelling
    variants joined (`Aide-Memoire`, `aide memoire` → `aidememoire`)."""
    words = [_singular(w) for w in re.split(r"[\s\-_/]+", fold(value).strip(" .,;:")) if w]
    words = [_SPELLINGS.get(w, w) for w in words]
    joined = " ".join(words)
    joined = _SPELLINGS.get(joined, joined)
    return _SPELLINGS.get(joined.replace(" ", ""), joined.replace(" ", ""))


def type_labels(
    values: Iterable[str], chosen: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, str]:
    """Every type value as written → the value shown for it.

    `chosen` is the editor's `types:` setting: a label → the variants it stands for
    (its own twins join it without being listed)."""
    counts = Counter(values)
    editor: dict[str, str] = {}
    for label, variants in (chosen or {}).items():
        for v in (label, *variants):
            editor.setdefault(type_key(v), label)
    groups: dict[tuple[bool, str], list[str]] = {}
    for value in counts:
        key = type_key(value)
        group = (True, editor[key]) if key in editor else (False, key)
        groups.setdefault(group, []).append(value)
    out: dict[str, str] = {}
    for (by_editor, key), forms in groups.items():
        shown = key if by_editor else min(forms, key=lambda f: (f.isupper(), -counts[f], f))
        for f in forms:
            out[f] = shown
    return out


def fold_types(
    records: Iterable[Record], chosen: Mapping[str, tuple[str, ...]] | None = None
) -> list[Record]:
    """The records, each type shown as the archive's one value for it."""
    records = list(records)
    labels = type_labels((r.type for r in records if r.type), chosen)
    return [
        replace(r, type=labels[r.type]) if r.type and labels[r.type] != r.type else r
        for r in records
    ]
