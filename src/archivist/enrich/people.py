"""Participants: who takes part in a record, and one person → one people page.

Every Record passes through `derive_participants` after reading: the participants a
reader found in labelled fields come first, then those named by the title, then speaker
labels and attendance lists in the body; short forms are resolved inside the record
(`Mao` → Mao Zedong) and names are unified across records by an optional authority file.

**Names.** Courtesy titles (`Mr`, `Mrs`, `Ms`, `Miss`, `Messrs`, `Herr`, `Comrade`) say
nothing about the person and are dropped. Honours and ranks (`Sir`, `Lord`, `Dr`,
`Lt-Col`, `General`) are part of how a person is named and are kept as written, but
matching ignores them, so `Sir George Pearce`, `George Pearce` and `Pearce` meet.
Matching also ignores case, diacritics, dots, hyphens and apostrophes (`name_key`).
All-capital titles and speaker labels (`MINUTE FROM ANDERSON TO WALLER`, `Mr. AIKEN`)
are title-cased. Editorial brackets: `[Bernard] Montgomery` supplies a missing part;
`Filippov [Stalin]` and `Pak Geum-cheol [Pak Kum-chol]` identify: the bracketed name
wins and the written one is kept as an alias for matching inside the record; a single
bracketed word after a short single word completes it (`Zhou [Enlai]` → Zhou Enlai);
notes such as `[Absent]`, `[?]`, `[1]` are dropped.

**Roles.** `Participant.role` holds the function in this record (`sender`,
`recipient`, `via`, `author`, `speaker`, `interpreter`, `recorder`) and the office
as written, in one readable string: `sender (Minister for External Affairs)`, or just
`sender`, or just the office (`Yugoslav Ambassador`). `make_role`/`role_parts` build
and split it, so a people page can list "sender · Minister for External Affairs"
without a second field in the model.

**Authority file** (`content/people.yaml`, optional)::

    people:
      - name: Mao Zedong            # canonical name, shown on the people page
        slug: mao-zedong            # optional; default slugify(name without honorifics)
        aliases: ["Mao, Zedong", Mao Tse-tung, Mao]
        born: "1893"
        died: "1976"
        wikidata: Q5816             # also viaf, lcnaf, isni, gnd, orcid …
        identifiers: {cbdb: "123"}  # any other scheme
        description: Chairman of the Chinese Communist Party

Inverted forms: an entry or alias written `Family, Given` (`Satō, Eisaku`, LCSH
style, life dates such as `, 1931-` and a parenthetical such as `(Jiang Jingguo)` are
understood) matches both `Family Given` (East Asian order, `Sato Eisaku`, `Mao
Zedong`) and `Given Family` (Western order, `Eisaku Sato`). An uninverted name matches
only in the order written, because which part is the family name is unknown.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

from archivist.model import Location, Participant, Person, Problem, Record, Severity
from archivist.read.yamlstrict import YamlError, YamlValue, load_mapping
from archivist.slugs import slugify

MAX_TITLE = 600  # longer "titles" are hostile input; the tail names nobody
MAX_LINE = 300  # speaker labels and list entries sit at the start of a line
MAX_BODY_LINES = 20_000
MAX_LIST_ENTRIES = 80
MAX_PEOPLE = 1000  # distinct names kept per record; beyond that the text is not a record

FUNCTIONS = ("sender", "recipient", "via", "author", "speaker", "interpreter", "recorder")

# --- vocabulary -------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COURTESY = _words(
    "mr mrs ms miss messrs mme mlle madame monsieur herr frau comrade senor señor signor"
)
_HONOURS = _words("""sir dame lord lady dr prof professor rev reverend fr father mgr monsignor cardinal
    bishop archbishop gen general lt-gen lieutenant-general maj-gen major-general brig
    brigadier col colonel lt-col lieutenant-colonel lieutenant lt maj major capt captain
    cdr commander adm admiral vice-admiral rear-admiral marshal field-marshal sgt sergeant
    hon honourable honorable rt dato datuk tunku tun sheikh emir sultan senator king queen
    emperor prince princess""")
_OFFICE_WORDS = _words("""minister ministers secretary secretary-general ambassador ambassadors commissioner
    consul consul-general charge chargé charge' attache attaché officer president
    vice-president premier chairman chairwoman chair director chief head representative
    delegate governor governor-general counsellor councillor adviser advisor assistant
    deputy acting leader envoy agent clerk editor historian chancellor
    speaker mayor spokesman pm administrator commander-in-chief comptroller
    controller registrar treasurer under-secretary undersecretary plenipotentiary
    archivist compiler interpreter correspondent vice chef premier-minister
    secretary-of-state foreign""")
_ORG_WORDS = _words("""department government office embassy legation delegation ministry committee council
    cabinet bureau division section commission consulate mission secretariat headquarters
    party foundation association agency service staff board branch nations assembly
    conference parliament congress senate directorate administration command forces army
    navy institute university society union league company corporation bank posts group
    team authority court tribunal chancery residency members officials representatives
    delegates delegations governments states republic kingdom federation front
    commonwealth newspaper press radio""")
_TYPE_WORDS = _words("""telegram telegrams cable cables cablegram letter letters memorandum memo minute
    minutes note notes report submission savingram despatch dispatch message instruction
    instructions directive circular brief paper record telex radiogram aide-memoire
    aide-mémoire speech statement address petition telephone teleprinter transcript
    decision summary excerpt excerpts extract extracts resolution communique communiqué
    translation broadcast comments remarks copy text
    démarche demarche""")
_TYPE_MODIFIERS = _words("""ciphered coded enciphered confidential secret urgent action information attached
    draft most immediate top personal private official covering full cabinet war
    handwritten telephoned ministerial joint press departmental policy briefing file
    outward inward""")
_PARTICLES = _words(
    "de van von der den la le du da di dos das del bin ibn al el y zu ter ten st st. of"
)
_CONNECTORS = _words("of for to the and in on at by from with via through")
# Words after "of"/"for" that end an office phrase: `Secretary of State`, `Minister for
# External Affairs`; what follows them can be the name.
_OFFICE_ENDS = _words("""state affairs defence defense trade commerce finance treasury industry health
    education justice war navy army interior information council committee board party
    republic union nations assembly foreign""")
_EDITORIAL = frozenset(
    {"?", "sic", "absent", "not present", "cont", "cont.", "illegible", "unclear", "inaudible",
     "laughter", "name not declassified", "text not declassified", "no name given"}
)  # fmt: skip
# Body labels that are header fields or editorial marks, never a speaker.
_NOT_SPEAKER_PHRASES = frozenset(
    {
        "time", "date", "dates", "subject", "subj", "note", "notes", "nb", "n.b", "to",
        "from", "cc", "bcc", "classification", "location", "place", "venue",
        "participants", "present", "interpreter", "interpreters", "recorder", "recorders",
        "note-taker", "notetaker", "priority", "priority level", "already forwarded to",
        "sent to", "approved by", "copied to", "copy", "copies", "contents", "content",
        "dispatch", "summary", "source", "sources", "re", "ref", "reference",
        "references", "attention", "attn", "annex", "enclosure", "enclosures", "agenda",
        "agenda item", "item", "question", "answer", "q", "a", "remarks", "remark",
        "comment", "comments", "conclusion", "conclusions", "result", "results", "ps",
        "p.s", "attachment", "attachments", "translator's note", "translators note",
        "translator’s note", "editor's note", "editor’s note", "editorial note",
        "original", "file", "number", "no", "tel", "telegram", "cable", "memorandum",
        "title", "topic", "origin", "destination", "distribution", "drafted by",
        "cleared by", "via", "info", "action", "for", "with", "encl", "enc", "page",
        "status", "instructions", "proposal", "proposals", "decision", "decisions",
        "recommendation", "recommendations", "background", "purpose", "text", "begins",
        "ends", "message", "draft", "translation", "secret", "top secret", "confidential",
        "urgent", "immediate", "most immediate", "routine", "received", "sent",
        "precedence", "security classification", "restricted", "unclassified",
        "also present", "in attendance", "attendees", "members", "members present",
        "absent", "footnote", "footnotes", "addendum", "appendix", "postscript", "minutes",
        "record", "issue", "issues", "points", "point", "aim", "aims", "objective",
        "objectives", "general", "key facts", "facts", "commentary", "observation",
        "observations", "assessment", "position", "reply", "response", "explanation",
        "example", "examples", "total", "see", "cf", "e.g", "i.e", "viz", "however",
        "address", "addressee", "addressees", "author", "authors", "signed", "signature",
        "stamp", "handwritten", "handwritten note", "marginal note", "resolution",
        "resolved", "agreed", "meeting", "session", "annexure", "part", "section",
        "chapter", "paragraph", "article", "clause", "schedule", "table", "map",
        "telephone", "fax", "telex", "phone", "email", "e-mail", "cable address",
        "ps.", "p.p.s", "nota bene", "memo", "remarks by", "file no", "our ref",
        "your ref", "date of issue", "sender", "recipient", "addressed to",
        "distribution list", "declassified", "approved", "drafted", "cleared",
    }
)  # fmt: skip

# --- small text helpers -------------------------------------------------------------------

_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
     "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i", "’": "'", "‘": "'", "ʻ": "'", "`": "'"}
)  # fmt: skip
_OPEN = "([{"
_CLOSE = ")]}"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and diacritics-insensitive form: `Satō` → `sato`, `Łódź` → `lodz`."""
    if text.isascii():
        return text.translate(_FOLD).casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _norm_space(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def _word(token: str) -> str:
    """A token without surrounding punctuation, folded: `Mr.` → `mr`."""
    return fold(token).strip(".,;:()[]{}\"'")


def _is_courtesy(token: str) -> bool:
    return _word(token).replace(".", "") in _COURTESY


def _is_honour(token: str) -> bool:
    return _word(token).replace(".", "") in _HONOURS


def _strip_titles(tokens: Sequence[str]) -> list[str]:
    """Drop leading honorifics (courtesy and honours) but never the whole name."""
    out = list(tokens)
    while len(out) > 1 and (_is_courtesy(out[0]) or _is_honour(out[0])):
        out.pop(0)
    return out


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The matching form of a name: no honorifics, case, diacritics or punctuation.

    `Mr R.G. Menzies` and `R. G. Menzies` → `r g menzies`; `Mao, Zedong` → `mao zedong`.
    """
    text = re.sub(r"\[\d{1,3}\]", " ", name)
    text = fold(text).replace("'", "")
    text = re.sub(r"[\W_]+", " ", text)
    tokens = _strip_titles(text.split())
    return " ".join(tokens)


_ANY_BRACKET = re.compile(r"[()\[\]{}]")


def _depths(text: str) -> list[int]:
    """Bracket depth at each character; all zero when brackets are unbalanced."""
    if _ANY_BRACKET.search(text) is None:  # most text: no per-character walk
        return [0] * len(text)
    depth = 0
    out = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
            out.append(depth)
        elif ch in _CLOSE:
            out.append(depth)
            depth -= 1
            if depth < 0:
                return [0] * len(text)
        else:
            out.append(depth)
    return out if depth == 0 else [0] * len(text)


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split `text` on `pattern` only where it is outside brackets."""
    depths = _depths(text)
    parts, start = [], 0
    for m in pattern.finditer(text):
        if m.start() < start or depths[m.start()] or (m.end() > m.start() and depths[m.end() - 1]):
            continue
        parts.append(text[start : m.start()])
        start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _find_top(text: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    depths = _depths(text)
    for m in pattern.finditer(text):
        if not depths[m.start()]:
            return m
    return None


def _titlecase_word(word: str) -> str:
    if "." in word.strip(".") or len(word) <= 1:
        return word  # initialisms such as U.K. stay as written
    low = word.lower()
    if low in _CONNECTORS:
        return low
    out = re.sub(r"(^|[-'’])(\w)", lambda m: m[1] + m[2].upper(), low)
    return re.sub(r"^(Mc)(\w)", lambda m: m[1] + m[2].upper(), out)


def _decap(text: str) -> str:
    """Title-case text written in capitals; mixed-case text is left as written."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or any(c.islower() for c in letters):
        return text
    return " ".join(_titlecase_word(w) for w in text.split(" "))


def _decap_tokens(text: str) -> str:
    """Title-case each all-capital word of three letters or more (`Mr. AIKEN`)."""
    return " ".join(
        _titlecase_word(w)
        if w.upper() == w and (sum(c.isupper() for c in w) >= 3 or _is_courtesy(w) or _is_honour(w))
        else w
        for w in text.split(" ")
    )


# --- roles ----------------------------------------------------------------------------


def make_role(function: str | None, office: str | None) -> str | None:
    """`sender`, `Minister` → `sender (Minister)`; either part may be missing."""
    office = _norm_space(_FOOTNOTE.sub("", office)).strip(" ,;.") if office else None
    if office and office.lower().startswith("the "):
        office = office[4:]
    if function and office:
        return f"{function} ({office})"
    return function or office or None


def role_parts(role: str | None) -> tuple[str | None, str | None]:
    """Split a role into (function, office): the inverse of `make_role`."""
    if not role:
        return None, None
    for function in FUNCTIONS:
        if role == function:
            return function, None
        if role.startswith(function + " (") and role.endswith(")"):
            return function, role[len(function) + 2 : -1] or None
    return None, role


# --- mentions: a name as met in one place of one record ----------------------------------


@dataclass(frozen=True, slots=True)
class _Mention:
    name: str
    function: str | None = None
    office: str | None = None
    aliases: tuple[str, ...] = ()
    office_only: bool = False  # a label such as `Premier:` that names an office, not a person

    def participant(self) -> Participant:
        return Participant(self.name, make_role(self.function, self.office))


def _tokens_person_like(tokens: Sequence[str]) -> bool:
    if not tokens or len(tokens) > 7:
        return False
    for i, tok in enumerate(tokens):
        w = _word(tok)
        if not w:
            return False
        if w in _OFFICE_WORDS or w in _ORG_WORDS or w in _TYPE_WORDS:
            return False
        if any(ch.isdigit() for ch in tok):
            return False
        first = tok.lstrip("[(\"'")[:1]
        if not first:
            return False
        if first.islower():
            if i == 0 or w not in _PARTICLES or w == "of":
                return False
        elif not first.isalpha():
            return False
    # a name needs at least one word that is not a particle or an honorific
    return any(_word(t) not in _PARTICLES and not _is_honour(t) for t in tokens)


def _person_like(text: str) -> bool:
    tokens = _strip_titles(_norm_space(text).split())
    if tokens and _word(tokens[0]) == "the":
        return False
    return _tokens_person_like(tokens)


def _office_only(text: str) -> bool:
    """`the Secretary of Defense`: an office standing for whoever holds it."""
    text = re.sub(r"^(?:and|the)\s+", "", text.strip(), flags=re.IGNORECASE)
    return _office_like(text) and not _person_like(_split_office_prefix(text)[1])


def _org_like(text: str) -> bool:
    words = [_word(t) for t in text.split()]
    return any(w in _ORG_WORDS for w in words)


def _office_like(text: str) -> bool:
    words = [_word(t) for t in text.split()]
    return any(w in _OFFICE_WORDS for w in words)


_FOOTNOTE = re.compile(r"\s*\[\d{1,3}\]")
_BRACKET = re.compile(r"\[([^\[\]]{0,120})\]")


def _is_editorial(content: str) -> bool:
    """`[Absent]`, `[?]`, `[sic]`, `[name not declassified]`: a note, not a name."""
    text = content.strip().strip(".")
    if not text or text.casefold() in _EDITORIAL:
        return True
    if len(text) > 2 and text.isupper() and " " not in text and "." not in text:
        return True  # `Evatt [CANBERRA]`: where the addressee was, not a name
    return text[0].islower() or not text[0].isalpha()


def _apply_brackets(text: str) -> tuple[str, tuple[str, ...]]:
    """Resolve editorial brackets in a name: (name, aliases as written)."""
    text = _FOOTNOTE.sub("", text)
    aliases: list[str] = []
    for _ in range(4):  # a name has few brackets; bound the work on hostile input
        m = _BRACKET.search(text)
        if not m:
            break
        content = m[1].strip()
        before, after = text[: m.start()].strip(), text[m.end() :].strip()
        if _is_editorial(content):
            text = _norm_space(f"{before} {after}")
        elif before and _org_like(before) and not after:
            # `Asian Affairs Bureau [Ministry of Foreign Affairs, Japan]`: a qualifier
            text = f"{before}, {content}"
        elif after and not after.startswith(("(", ",")):
            text = _norm_space(f"{before} {content} {after}")  # `[Bernard] Montgomery`
        elif not before:
            text = _norm_space(f"{content} {after}")
        else:
            *lead, last = before.split()
            content_tokens = content.split()
            # `Zhou [Enlai]`, `Premier Zhou [Enlai]`: a short family name completed
            short = (
                len(last) <= 5
                and last[:1].isupper()
                and len(content_tokens) == 1
                and all(_word(t) in _OFFICE_WORDS or _is_honour(t) for t in lead)
            )
            if short and not _is_honour(content_tokens[0]) and not _is_courtesy(content):
                text = _norm_space(f"{before} {content} {after}")  # `Zhou [Enlai]`
            else:
                aliases.append(before)  # `Filippov [Stalin]`: the editor identifies
                text = _norm_space(f"{content} {after}")
    text = text.replace("[", "").replace("]", "")
    return _norm_space(text), tuple(aliases)


def _strip_courtesy(name: str) -> str:
    tokens = name.split()
    while len(tokens) > 1 and _is_courtesy(tokens[0]):
        tokens.pop(0)
    return " ".join(tokens)


def _clean_name(text: str) -> str:
    text = _norm_space(text).strip(" ,;:.-–—'\"‘’“”*†‡")
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    if text.lower().startswith("the ") and not _person_like(text[4:]):
        text = text[4:]
    text = _strip_courtesy(text)
    # restore a final period that belongs to an initial or abbreviation
    return text


def _split_office_prefix(text: str) -> tuple[str | None, str]:
    """`Yugoslav Ambassador V. Popovic` → (`Yugoslav Ambassador`, `V. Popovic`)."""
    tokens = text.split()
    if tokens and _word(tokens[0]) == "the":
        tokens = tokens[1:]
    best: tuple[str | None, str] = (None, " ".join(tokens))
    for i, tok in enumerate(tokens):
        if _word(tok) not in _OFFICE_WORDS and not _word(tok).endswith("'s"):
            continue
        if _word(tok).endswith("'s") and _word(tok)[:-2] not in _OFFICE_WORDS:
            continue
        end = i + 1
        if end < len(tokens) and _word(tokens[end]) in ("of", "for", "to"):
            # consume an office complement up to a word that ends office phrases
            j = end + 1
            stop = None
            while j < len(tokens) and j < end + 6:
                if _word(tokens[j]) in _OFFICE_ENDS:
                    stop = j
                j += 1
            if stop is None:
                continue
            end = stop + 1
        rest = tokens[end:]
        if rest and _tokens_person_like(_strip_titles(rest)):
            office = " ".join(tokens[:end]).rstrip(",")
            best = (office.removesuffix("'s").removesuffix("’s"), " ".join(rest))
    return best


def _mention(text: str, function: str | None, office: str | None = None) -> _Mention | None:
    """One party as written (`Mr J. A. Lyons`, `Filippov [Stalin]`) → a mention."""
    text = _norm_space(text)
    if not text or len(text) > 200:
        return None
    # a trailing parenthetical is an office or a place: `Kieran (Ottawa)`
    paren = re.search(r"\s*\(([^()]{1,120})\)\s*$", text)
    if paren and paren.start() > 0:
        inner = paren[1].strip()
        inner = _FOOTNOTE.sub("", inner).strip()
        if not _is_editorial(inner):
            office = f"{office}, {inner}" if office else inner
        text = text[: paren.start()]
    name, aliases = _apply_brackets(text)
    name = _clean_name(name)
    if not name or not any(c.isalnum() for c in name):
        return None
    if not _org_like(name):
        prefix, rest = _split_office_prefix(name)
        if prefix:
            office = f"{prefix}, {office}" if office else prefix
            name = _clean_name(rest)
    aliases = tuple(_clean_name(a) for a in aliases if _clean_name(a))
    # A conversation side like `the Yugoslav Ambassador` names an office, not a
    # person: it may resolve to the participant holding it, and is dropped otherwise.
    # (A sender or recipient office, `Secretary of State to …`, is kept.)
    bare = function is None and not aliases and _office_only(text)
    return _Mention(name, function, office or None, aliases, office_only=bare)


_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_AND_TO = re.compile(r",?\s+and\s+to\s+|;\s*", re.IGNORECASE)
_COMMA = re.compile(r",\s*")


def _complete_party(text: str) -> bool:
    """A side of ` and ` that can stand alone: a person, a body, or one capitalised word
    (`Officer`, `King` are surnames in `Ballard and Officer`, `Evatt to King and Smuts`)."""
    text = _norm_space(re.sub(r"\([^()]{0,160}\)", " ", text))  # `Slany (Historian)`
    tokens = text.split()
    if len(tokens) == 1:
        return tokens[0][:1].isupper() and not any(c.isdigit() for c in tokens[0])
    if _person_like(text) or _org_like(text):
        return True
    office, name = _split_office_prefix(text)
    if office is not None and _person_like(name):
        return True
    # `the Yugoslav Ambassador`: an office with no name is still a side of ` and `.
    bare = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return bare != text and _office_only(bare)


_BODY_HEADS = _words("""department departments embassy legation ministry office mission delegation government
    consulate committee council secretariat bureau division section""")


def _starts_body(text: str) -> bool:
    tokens = text.split()
    return bool(tokens) and _word(tokens[0]) in _BODY_HEADS


_ADJECTIVE = re.compile(r"(?:ic|al|ian|an|ese|ish|ary|ive|ern)$", re.IGNORECASE)


def _split_and(text: str) -> list[str]:
    """`Evatt and Dunk`, `Critchley and Department of External Affairs` → two;
    `Department of Trade and Customs`, `Economic and Social Council` stay one."""
    parts = _split_top(text, _AND)
    if len(parts) < 2 or not all(_complete_party(p) for p in parts):
        return [text]
    for left, right in itertools.pairwise(parts):
        if _starts_body(right):
            continue  # `… and Department of External Affairs`: a second body
        adjective = _ADJECTIVE.search(left) or _word(left) in _OFFICE_WORDS
        if len(left.split()) == 1 and _org_like(right) and adjective:
            return [text]  # `Economic and Social Council`, not `Hodgson and Delegation`
        if len(right.split()) == 1 and _org_like(left) and re.search(r"\s(?:of|for)\s", left):
            return [text]  # `Department of Commerce and Agriculture`
    return parts


_SUFFIX = re.compile(r"(?:Jr|Sr|Jnr|Snr|II|III|IV)\.?", re.IGNORECASE)


def _flush(current: list[_Mention], office_parts: list[str], out: list[_Mention]) -> None:
    """Give the last person the office parts collected after it; move all to `out`."""
    if current and office_parts:
        last = current[-1]
        extra = ", ".join(office_parts)
        current[-1] = replace(last, office=f"{last.office}, {extra}" if last.office else extra)
    out.extend(current)
    current.clear()
    office_parts.clear()


def _parties(text: str, function: str | None) -> list[_Mention]:
    """A list of parties: `Mr S. M. Bruce, High Commissioner in London, and to Sir
    Earle Page, Minister for Commerce`, `Cumes, Eastman, Cook and Flood`."""
    out: list[_Mention] = []
    for chunk in _split_top(text, _AND_TO):
        if not chunk:
            continue
        chunk = re.sub(r"^(?:to|and)\s+", "", chunk, flags=re.IGNORECASE)
        parts = [re.sub(r"^and\s+", "", p, flags=re.IGNORECASE) for p in _split_top(chunk, _COMMA)]
        parts = [p for p in parts if p]
        if not parts:
            continue
        if _org_like(parts[0]) and not _office_like(parts[0]):
            # a body and its qualifier: `Australian Delegation, United Nations`
            pieces = _split_and(chunk)
            if len(parts) > 1 and "," in pieces[0]:
                pieces = [chunk]  # `Australian Delegation, Economic and Social Council`
            for piece in pieces:
                m = _mention(piece, function)
                if m:
                    out.append(m)
            continue
        pending_office: str | None = None
        current: list[_Mention] = []
        office_parts: list[str] = []
        for i, part in enumerate(parts):
            if current and not office_parts and _SUFFIX.fullmatch(part):
                last = current[-1]  # `William D. Blair, Jr.`
                current[-1] = replace(last, name=f"{last.name}, {part}")
                continue
            pieces = _split_and(part)
            if not current and not office_parts:
                nxt = parts[i + 1] if i + 1 < len(parts) else ""
                if (
                    pending_office is None
                    and not _person_like(_split_office_prefix(part)[1])
                    and _office_like(part)
                    and nxt
                    and _person_like(nxt)
                ):
                    pending_office = part  # `the President of Ukraine, Leonid Kuchma`
                    continue
                for piece in pieces:
                    m = _mention(piece, function, pending_office)
                    if m:
                        current.append(m)
                pending_office = None
            elif not office_parts and (
                all(_person_like(p) for p in pieces)
                or (_office_only(current[-1].name) and _office_only(part))
            ):
                # `Stalin, Kuznetsov`: another person; `the Secretary of Defense, the
                # Director of Central Intelligence`: another office
                _flush(current, office_parts, out)
                for piece in pieces:
                    m = _mention(piece, function)
                    if m:
                        current.append(m)
            else:
                office_parts.append(part)
        _flush(current, office_parts, out)
    return out


# --- title rules ----------------------------------------------------------------------
#
# Each rule takes the cleaned title and returns mentions, or None when it does not
# apply. The first rule that applies wins; `_TITLE_RULES` lists them in order.

_TAIL = re.compile(
    r"\s+(?:on|regarding|concerning|about|re|during|enclosing|transmitting|containing)\s+"
    r"|\s+\((?:excerpts?|exerpt|extract)\)"
    r"|,\s*(?=(?:\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d))",
    re.IGNORECASE,
)
_IN_PLACE = re.compile(r"\s+(?:in|at)\s+(?=[A-Z])")
_QUOTED_SUBJECT = re.compile(r",?\s+['‘\"“]")


def _cut_tail(text: str, places: bool = False) -> str:
    """Drop what follows the parties: ` on 17 April 1997`, ` regarding …`, `, 12 May`."""
    depths = _depths(text)
    for m in _TAIL.finditer(text):
        before = text[: m.start()].split()
        # `Committee on Foreign Relations` is a name, not a subject
        last = _word(before[-1]) if before else ""
        if depths[m.start()] or last in _ORG_WORDS or last in _OFFICE_WORDS:
            continue
        text = text[: m.start()]
        break
    if places:
        depths = _depths(text)
        for m2 in _IN_PLACE.finditer(text):
            before = text[: m2.start()].split()
            # `High Commissioner in London` is an office; `Kohl … in Chequers` a place
            last = _word(before[-1]) if before else ""
            if not depths[m2.start()] and last and last not in _OFFICE_WORDS | _ORG_WORDS:
                text = text[: m2.start()]
                break
    return text.strip(" ,;:")


_POSSESSIVE = re.compile(
    r"^(?:the\s+)?(?P<a>[^\[\]]{1,80}?['’]s?\s+)?(?:\[(?P<b>[^\[\]]{1,80}?)(?:['’]s?)?\]\s+)?"
    r"(?:(?:telephone|phone|private|secret|informal|official|first|second|third|final|last)"
    r"\s+)*(?:conversation|meeting|talk|discussion|interview|exchange|luncheon|dinner)s?"
    r"\s+with\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


def title_possessive(title: str) -> list[_Mention] | None:
    """`[Mao Zedong's] Conversation with [Bernard] Montgomery`,
    `The Chancellor's [Helmut Kohl's] Meeting with Russian President Yeltsin on …`."""
    m = _POSSESSIVE.match(title)
    if not m or not (m["a"] or m["b"]):
        return None
    a = (m["a"] or "").strip().removesuffix("'s").removesuffix("’s").rstrip("'’")
    out: list[_Mention] = []
    if m["b"]:
        b = m["b"].strip().removesuffix("'s").removesuffix("’s").rstrip("'’")
        office = _clean_name(a) if a and _office_like(a) else None
        first = _mention(b, None, office)
        if first and a and not office:
            first = replace(first, aliases=(*first.aliases, _clean_name(a)))
    else:
        first = _mention(a, None)
    if first is None:
        return None
    out.append(first)
    out.extend(_parties(_cut_tail(m["rest"], places=True), None))
    return out


_CONVERSATION = re.compile(
    r"^(?:(?:memorandum|record|minutes|notes?|summary(?:\s+record)?|transcript|report|"
    r"excerpts?|main\s+points)\s+(?:of|on)\s+(?:(?:a|the)\s+)?)?"
    r"(?:(?:telephone|private|secret|confidential|informal)\s+)?"
    r"(?P<kind>conversations?|meetings?|discussions?|talks|interviews?|consultations?)\s+"
    r"(?P<prep>of|between|among|amongst|with)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_WITH = re.compile(r"\s+with\s+", re.IGNORECASE)


def title_conversation(title: str) -> list[_Mention] | None:
    """`Conversation of X and Y`, `Memorandum of Conversation between X and Y`,
    `Record of Meeting between X and Y`, `Meeting of X with Y`."""
    m = _CONVERSATION.match(title)
    if not m:
        return None
    kind, prep, rest = m["kind"].lower(), m["prep"].lower(), m["rest"]
    if prep == "of":
        with_m = _find_top(rest, _WITH)
        if with_m:
            head, tail = rest[: with_m.start()], rest[with_m.end() :]
            return _parties(_cut_tail(head), None) + _parties(_cut_tail(tail, True), None)
        if not kind.startswith(("conversation", "talk")):
            return None
    rest = _cut_tail(rest, places=True)
    return _parties(rest, None) or None


_BY = re.compile(
    r"^(?P<type>(?:[\w’'-]+\s+){0,3}?[\w’'-]+)\s+by\s+(?P<who>.+?)"
    r"(?:\s+of\s+(?:a\s+)?(?:conversation|meeting|discussion)s?\s+with\s+(?P<with>.+))?$",
    re.IGNORECASE,
)
_BY_TO = re.compile(r"\s+to\s+", re.IGNORECASE)


def title_by(title: str) -> list[_Mention] | None:
    """`Cabinet Submission by Calwell`, `Note by Bruce of Conversation with Keynes`,
    `Address by Mr. Frank Aiken to the United Nations General Assembly`."""
    m = _BY.match(title)
    if not m:
        return None
    type_words = [_word(w) for w in m["type"].split()]
    if type_words[-1] not in _TYPE_WORDS or any(w in _CONNECTORS for w in type_words):
        return None
    who = m["who"]
    recipients: list[_Mention] = []
    to = _find_top(who, _BY_TO)
    if to:
        recipients = _parties(_cut_tail(who[to.end() :]), "recipient")
        who = who[: to.start()]
    authors = _parties(_cut_tail(who), "author")
    if not authors:
        return None
    others = _parties(_cut_tail(m["with"], True), None) if m["with"] else []
    return authors + recipients + others


_TO = re.compile(r",\s+to\s+|\s+to\s+", re.IGNORECASE)
_COMMA_TO = re.compile(r",\s+to\s+", re.IGNORECASE)
_THROUGH = re.compile(r"\s+(?:through|via)\s+", re.IGNORECASE)
_RECIPIENT_BY = re.compile(r"\s+(?:by|from)\s+", re.IGNORECASE)


def _type_prefix(title: str) -> tuple[str, str | None] | None:
    """Strip `Telegram,`/`Letter from`/`MINUTE FROM`/`Ciphered Telegram No. 12 from`:
    (rest, connector) where connector is `from`, `by`, `to`, `,` or None (bare)."""
    tokens = title.split(" ")
    i, saw_type = 0, False
    while i < len(tokens) and i < 8:
        w = _word(tokens[i])
        if w in _TYPE_WORDS:
            saw_type = True
        elif w in ("from", "of") and saw_type and i + 1 < len(tokens):
            # `Extract from Cablegram from X`, `Translation of Broadcast to Y`
            nxt = _word(tokens[i + 1])
            if nxt not in _TYPE_WORDS and nxt not in _TYPE_MODIFIERS:
                break
        elif w not in _TYPE_MODIFIERS:
            break
        i += 1
        if tokens[i - 1].endswith((",", ";")):
            break
    if not saw_type or i >= len(tokens):
        return None
    if _word(tokens[i]) == "no" and i + 1 < len(tokens):
        i += 2  # `No. 16293`
    elif re.fullmatch(r"\d[\w/.-]*,?", tokens[i]):
        i += 1  # `Submission 32`
    if i >= len(tokens):
        return None
    rest_tokens = tokens[i:]
    if tokens[i - 1].endswith((",", ";")):
        return " ".join(rest_tokens), ","
    w = _word(rest_tokens[0])
    if w in ("from", "by", "to"):
        return " ".join(rest_tokens[1:]), w
    return " ".join(rest_tokens), None


def _party_start(text: str) -> bool:
    """The first comma part of a side looks like a person or body, not prose."""
    first = _split_top(text, _COMMA)[0] if text else ""
    first = re.sub(r"\([^()]{0,120}\)|\[[^\[\]]{0,120}\]", " ", first)
    tokens = first.split()
    if tokens and tokens[0].lower() == "the":
        tokens = tokens[1:]
    if not tokens or len(tokens) > 12 or ":" in first:
        return False
    if _word(tokens[0]) in _TYPE_WORDS or tokens[0][:1].islower():
        return False
    lowers = [
        t
        for t in tokens
        if t[:1].islower() and _word(t) not in _CONNECTORS | _PARTICLES and len(t) > 2
    ]
    return not lowers


def title_from_to(title: str) -> list[_Mention] | None:
    """`Telegram, X to Y`, `Cable from X to Y`, `Letter from X to Y`, `X to Y`,
    `X, Office, to Y, Office, and to Z`, `Memorandum From X Through Y to Z`."""
    text = title
    quoted = _find_top(text, _QUOTED_SUBJECT)
    if quoted and quoted.start() > 0:
        text = text[: quoted.start()]
    prefix = _type_prefix(text)
    connector: str | None = None
    if prefix:
        text, connector = prefix
    sender_text: str | None
    if connector == "to":
        sender_text, recipient_text = None, text
    else:
        split = _find_top(text, _COMMA_TO) or _find_top(text, _TO)
        if split is None:
            if connector in ("from", "by"):
                sender_text, recipient_text = text, None
            else:
                return None
        else:
            sender_text, recipient_text = text[: split.start()], text[split.end() :]
    if recipient_text is not None:
        recipient_text = _cut_tail(recipient_text)
    elif sender_text is not None:
        sender_text = _cut_tail(sender_text)
    if sender_text is not None and not _party_start(sender_text):
        return None
    if recipient_text is not None and not _party_start(recipient_text):
        return None
    out: list[_Mention] = []
    if sender_text:
        via: list[_Mention] = []
        through = _find_top(sender_text, _THROUGH)
        if through:
            via = _parties(sender_text[through.end() :], "via")
            sender_text = sender_text[: through.start()]
        function = "author" if connector == "by" else "sender"
        out += _parties(sender_text, function) + via
    if recipient_text:
        through = _find_top(recipient_text, _THROUGH)
        if through:  # `Marshall to Evatt via Deschamps`
            out += _parties(recipient_text[through.end() :], "via")
            recipient_text = recipient_text[: through.start()]
        by = _find_top(recipient_text, _RECIPIENT_BY)
        authors: list[_Mention] = []
        if by:  # `Ministerial Submission to Peacock by Ashwin`, `… to Fife from Evans`
            function = "sender" if by[0].strip().lower() == "from" else "author"
            authors = _parties(recipient_text[by.end() :], function)
            recipient_text = recipient_text[: by.start()]
        out = authors + out + _parties(recipient_text, "recipient")
    return out or None


_AUTHOR_SUBJECT = re.compile(r"^(?P<who>[^'‘\"“]{2,160}?),\s+['‘\"“]")


def title_author_subject(title: str) -> list[_Mention] | None:
    """`Mao Zedong, 'On the People's Democratic Dictatorship'` → author Mao Zedong."""
    m = _AUTHOR_SUBJECT.match(title)
    if not m or not _party_start(m["who"]):
        return None
    who = m["who"]
    if not (_person_like(who) or _org_like(who) or _office_like(who)):
        return None
    return _parties(who, "author") or None


_BETWEEN = re.compile(
    r"\b(?:conversations?|meetings?|discussions?|talks|negotiations)\s+between\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


def title_between(title: str) -> list[_Mention] | None:
    """Last resort: `Main Points of Meeting Between Prime Minister Sato and …`."""
    m = _BETWEEN.search(title)
    if not m:
        return None
    rest = m["rest"]
    end = re.search(r"['’\"”]", rest)
    if end:
        rest = rest[: end.start()]
    return _parties(_cut_tail(rest, places=True), None) or None


_TITLE_RULES = (
    title_possessive,
    title_conversation,
    title_by,
    title_from_to,
    title_author_subject,
    title_between,
)


def _title_mentions(title: str) -> list[_Mention]:
    text = _norm_space(title[:MAX_TITLE])
    text = _decap(text)
    text = re.sub(r"\s*\((?:excerpts?|exerpt|extract)\)\s*$", "", text, flags=re.IGNORECASE)
    text = text.rstrip(" .")
    if not text:
        return []
    for rule in _TITLE_RULES:
        found = rule(text)
        if found:
            return [m for m in found if _plausible(m)]
    return []


def _plausible(m: _Mention) -> bool:
    tokens = m.name.split()
    return 0 < len(tokens) <= 12 and len(m.name) <= 150 and any(c.isalpha() for c in m.name)


def participants_from_title(title: str) -> tuple[Participant, ...]:
    """Participants named by a title, in the order written."""
    return tuple(m.participant() for m in _title_mentions(title))


def _not_speaker(label: str) -> bool:
    return label.casefold().strip(" .") in _NOT_SPEAKER_PHRASES


# --- body rules -----------------------------------------------------------------------

_LABEL_BRACKETED = re.compile(r"^\s*\[([^\[\]:\n]{1,60}):\s*\]")
_LABEL_NUMBERED = re.compile(
    r"^\s*\d{1,4}\.\s+((?:mr|mrs|ms|miss|sir|dr|lord|lady|prince|mme|m)\.?\s+[^():\n]{1,60}?)"
    r"\s*(?:\(([^()\n]{1,60})\))?\s*:",
    re.IGNORECASE,
)
_LABEL_DEFINED = re.compile(
    r"^\s*([^:\[\]()\n]{1,60}?)\s*\[([^\[\]\n]{1,60})\]\s*(?:\(([^()\n]{1,80})\))?\s*:"
)
_LABEL_PLAIN = re.compile(
    r"^\s*([^\W\d_][^:()\[\]\n]{0,40}?)\s*(?:\(([^()\n]{1,60})\))?:\s+(?P<said>\S.{0,8})"
)
# what follows `AA:` in a footnote is an archival reference, not speech
_REFERENCE_AFTER = re.compile(r"^(?:\d|[A-Z]{1,4}\s?\d)")
# `Agenda Item III:`, `Part Two:`: headings, whatever words surround them
_HEADING_WORDS = _words(
    "agenda item part section annex appendix chapter paragraph article question point "
    "resolution draft topic"
)
_NOT_LABEL_START = _words("see cf file in on at per vide")
_REPOSITORY_WORDS = _words("library libraries papers archives archive collection")
_INTERJECTION = re.compile(r"\(([^\W\d_][^():\[\]\n]{0,40}):\s+(?P<said>[^)\n]{1,8})")
_ABBREVIATED = re.compile(
    r"^(?:to\s+be\s+|hereafter\s+|hereinafter\s+)?(?:abbreviated|referred\s+to|called)"
    r"\s+(?:as\s+)?['\"“‘]?([^'\"”’]{1,40})['\"”’]?$",
    re.IGNORECASE,
)
_ATTENDANCE = re.compile(
    r"^\s*(?:[\w’'-]+\s+){0,3}?(?:participants?|present|in\s+attendance|attendees|attending"
    r"|also\s+present|those\s+present|persons\s+present|members\s+present)\s*(?::\s*(.*)|$)",
    re.IGNORECASE,
)
_FUNCTION_LINE = re.compile(
    r"^\s*(interpreters?|recorders?|note-?takers?|to|from)\s*:\s*(.+)$", re.IGNORECASE
)
_BULLET = re.compile(r"^\s*(?:[-•*·–—]|\d{1,3}[.)]|\([a-z0-9]{1,3}\))\s+")


@dataclass(frozen=True, slots=True)
class _Label:
    mention: _Mention
    strong: bool  # bracketed, numbered or defined: no need to appear twice


def _label_mention(label: str, office: str | None) -> _Mention | None:
    label = _decap_tokens(_norm_space(label))
    if _not_speaker(label) or any(ch.isdigit() for ch in label):
        return None
    tokens = label.split()
    if not tokens or len(tokens) > 6:
        return None
    if office and _is_editorial(office):
        office = None
    if all(_word(t) in _OFFICE_WORDS | _CONNECTORS or _is_honour(t) for t in tokens):
        return _Mention(_clean_name(label), "speaker", office, office_only=True)
    m = _mention(label, "speaker", office)
    if m is None or (not _person_like(m.name) and not _org_like(m.name)):
        return None
    return m


def _plain_label_ok(label: str, said: str) -> bool:
    """`Zhou: We …` yes; `AA: A1838/2`, `See AA: …`, `Flinders University Library: …` no."""
    first = label[:1]
    if not first or first.islower() or _REFERENCE_AFTER.match(said):
        return False
    words = [_word(t) for t in label.split()]
    if words[0] in _NOT_LABEL_START or any(w in _REPOSITORY_WORDS for w in words):
        return False
    if any(w in _HEADING_WORDS for w in words):
        return False
    letters = [c for c in label if c.isalpha()]
    # a bare acronym (`AA`, `NAA`, `PM&C`) is an abbreviation key, not a speaker
    return not (len(words) == 1 and len(letters) <= 4 and label.isupper())


def _line_labels(line: str) -> list[_Label]:
    if ":" not in line[: MAX_LINE * 20]:
        return []  # every label and interjection has a colon; most lines do not
    head = line[:MAX_LINE]
    out: list[_Label] = []
    m = _LABEL_BRACKETED.match(head)
    if m:
        found = _label_mention(m[1], None)
        return [_Label(found, True)] if found else []
    m = _LABEL_NUMBERED.match(head)
    if m:
        found = _label_mention(m[1], m[2])
        return [_Label(found, True)] if found else []
    m = _LABEL_DEFINED.match(head)
    if m and not _is_editorial(m[2]):
        abbrev = _ABBREVIATED.match(m[3].strip()) if m[3] else None
        office = None if abbrev or not m[3] else m[3]
        found = _label_mention(f"{m[1]} [{m[2]}]", office)
        if found:
            if abbrev:
                found = replace(found, aliases=(*found.aliases, abbrev[1].strip()))
            return [_Label(found, True)]
    m = _LABEL_PLAIN.match(head)
    if m and _plain_label_ok(m[1], m["said"]):
        found = _label_mention(m[1], m[2])
        if found and not (_org_like(found.name) and not found.office_only):
            out.append(_Label(found, False))
    for inter in _INTERJECTION.finditer(line[: MAX_LINE * 20]):
        if not _plain_label_ok(inter[1], inter["said"]):
            continue
        found = _label_mention(inter[1], None)
        if found and not _org_like(found.name):
            out.append(_Label(found, True))
    return out


def _flattened_table(line: str) -> bool:
    """A table squeezed onto one line (`Mr Durie Prime Minister's Department Mr Hall`):
    a second honorific after a name, ditto marks or stray closing brackets."""
    seen_name = False
    for token in line.split():
        if _is_courtesy(token) or _is_honour(token):
            if seen_name:
                return True
        else:
            seen_name = True
    return '"' in line or (")" in line and "(" not in line)


def _attendance(lines: Sequence[str], start: int, first: str) -> list[_Mention]:
    """Entries after `Participants:`/`Present:` on the same line or the lines below."""
    entries: list[str] = []
    if first.strip():
        entries = [e for e in re.split(r";\s*", first.strip()) if e]
        if len(entries) == 1:
            entries = _split_top(entries[0], _COMMA)
            # `Name, Office` on one line is one entry, not two
            if len(entries) == 2 and not _person_like(entries[1]):
                entries = [first.strip()]
    else:
        # one entry a line; Markdown sources put a blank line between entries, so only
        # two blank lines in a row, or a line that names nobody, end the list
        i, blank_run = start + 1, 0
        while i < len(lines) and len(entries) < MAX_LIST_ENTRIES and blank_run < 2:
            line = lines[i][:MAX_LINE].strip()
            i += 1
            if not line:
                blank_run += 1
                continue
            blank_run = 0
            if line.endswith(":") and len(line) < 60:
                continue  # a group heading such as `American side:`
            if _ATTENDANCE.match(line) or _FUNCTION_LINE.match(line):
                break
            line = _BULLET.sub("", line)
            if len(line.split()) > 16 or (not line[:1].isupper() and line[:1] != "["):
                break
            if _flattened_table(line):
                continue  # a table squeezed onto one line names no one clearly
            if not _entry_mentions(line):
                break
            entries.append(line)
    return [m for entry in entries for m in _entry_mentions(entry)]


def _entry_mentions(entry: str) -> list[_Mention]:
    found = _parties(_decap_tokens(entry), None)
    return [m for m in found if _person_like(m.name) or _org_like(m.name)]


def _body_mentions(body: str, known: Sequence[_Mention] = ()) -> list[_Mention]:
    lines = body.split("\n", MAX_BODY_LINES)[:MAX_BODY_LINES]
    found: list[tuple[int, _Mention]] = []
    weak: dict[str, list[tuple[int, _Mention]]] = {}
    order = 0
    for n, line in enumerate(lines):
        stripped = line[:MAX_LINE].strip()
        if not stripped:
            continue
        att = _ATTENDANCE.match(stripped)
        if att and len(stripped) < 200:
            for m in _attendance(lines, n, att[1] or ""):
                found.append((order, m))
                order += 1
            continue
        fn = _FUNCTION_LINE.match(stripped)
        if fn:
            kind = fn[1].lower().rstrip("s").replace("-", "")
            function = {"notetaker": "recorder", "to": "recipient", "from": "sender"}.get(
                kind, kind
            )
            if function in ("recipient", "sender") and n > 40:
                continue  # only a letter's head says who writes to whom
            value = fn[2].strip()
            if function in ("recipient", "sender") and not (
                _person_like(value) or _org_like(value)
            ):
                continue
            for m in _parties(value, function):
                if _person_like(m.name) or _org_like(m.name):
                    found.append((order, m))
                    order += 1
            continue
        for label in _line_labels(line):
            if label.strong:
                found.append((order, label.mention))
            else:
                weak.setdefault(name_key(label.mention.name), []).append((order, label.mention))
            order += 1
    # A plain `Word:` is a speaker only when it recurs or names someone already known:
    # one-off `Australia:` or `Background:` lines are headings, not turns.
    known_forms: set[str] = set()
    for m in [*known, *(m for _, m in found)]:
        known_forms.update(_short_forms(name_key(m.name)))
        known_forms.update(name_key(a) for a in m.aliases)
    for key, hits in weak.items():
        if len(hits) >= 2 or key in known_forms:
            found.append(hits[0])
    found.sort(key=lambda pair: pair[0])
    return [m for _, m in found]


def participants_from_body(body: str) -> tuple[Participant, ...]:
    """Speakers and attendees named in a body, in order of first appearance."""
    return tuple(m.participant() for m in _body_mentions(body))


# --- resolution inside one record -------------------------------------------------------


def _merge_role(a: _Mention, b: _Mention) -> _Mention:
    return replace(
        a,
        function=a.function or b.function,
        office=a.office or b.office,
        aliases=tuple(dict.fromkeys((*a.aliases, *b.aliases))),
    )


def _office_target(m: _Mention, mentions: Sequence[_Mention]) -> int | None:
    word = name_key(m.name)
    hits = {
        name_key(o.name)
        for o in mentions
        if not o.office_only and o.office and word and f" {word} " in f" {name_key(o.office)} "
    }
    if len(hits) != 1:
        return None
    target = next(iter(hits))
    return next(i for i, o in enumerate(mentions) if name_key(o.name) == target)


def _short_forms(key: str) -> list[str]:
    """The keys a full name can be shortened to: first or last words (`mao`, `popovic`)."""
    tokens = key.split()
    out = []
    for n in range(1, len(tokens)):
        out += [" ".join(tokens[:n]), " ".join(tokens[-n:])]
    return out


def _resolve(mentions: Sequence[_Mention]) -> tuple[list[_Mention], list[str]]:
    """Merge short forms into full names; (resolved mentions, unresolved names).

    An index from every short form (and alias) to the names that have it keeps this
    near-linear; a record naming thousands of people stays fast.
    """
    keys_all = [name_key(m.name) for m in mentions]
    kept = [i for i, k in enumerate(keys_all) if k]
    distinct: dict[str, None] = {}
    for i in kept:
        distinct.setdefault(keys_all[i])
        if len(distinct) >= MAX_PEOPLE:
            break
    mentions = [mentions[i] for i in kept if keys_all[i] in distinct]
    keys = [name_key(m.name) for m in mentions]
    first_of: dict[str, int] = {}
    index: dict[str, list[int]] = {}
    for j, (o, key) in enumerate(zip(mentions, keys, strict=True)):
        if o.office_only or key in first_of:
            continue
        first_of[key] = j
        forms = _short_forms(key) + [name_key(a) for a in o.aliases]
        for form in dict.fromkeys(forms):
            if form and form != key:
                index.setdefault(form, []).append(j)
    target: list[int] = list(range(len(mentions)))
    unresolved: list[str] = []
    office_hits: dict[str, int | None] = {}
    for i, m in enumerate(mentions):
        key = keys[i]
        if m.office_only:
            if key not in office_hits:
                office_hits[key] = _office_target(m, mentions)
            hit = office_hits[key]
            if hit is None:
                unresolved.append(m.name)
                target[i] = -1
            else:
                target[i] = hit
            continue
        candidates = {keys[j]: j for j in index.get(key, ()) if keys[j] != key}
        # keep only the fullest candidates: `Zhou` → `Zhou Enlai`, not also `Zhou E.`
        maximal = [
            j
            for k, j in candidates.items()
            if not any(k2 != k and k in _short_forms(k2) for k2 in candidates)
        ]
        if len(maximal) == 1:
            target[i] = maximal[0]
        elif len(key.split()) == 1 and not _org_like(m.name):
            unresolved.append(m.name)
    # follow chains (a → b → c) with a bound, then group by final target's key
    groups: dict[str, _Mention] = {}
    for i, m in enumerate(mentions):
        j, steps = target[i], 0
        while j >= 0 and target[j] != j and steps < len(mentions):
            j, steps = target[j], steps + 1
        if j < 0:
            continue
        full = mentions[j]
        key = name_key(full.name)
        base = groups.get(key)
        if base is None:
            base = replace(full, function=m.function, office=m.office, aliases=m.aliases)
            base = _merge_role(base, full) if j == i else base
        else:
            base = _merge_role(base, m)
        if j != i:
            base = replace(base, aliases=tuple(dict.fromkeys((*base.aliases, m.name))))
        groups[key] = _prefer_spelling(base, m if j == i else full)
    return list(groups.values()), list(dict.fromkeys(unresolved))


def _prefer_spelling(kept: _Mention, other: _Mention) -> _Mention:
    """Same key, two spellings: keep the mixed-case one (`Aiken` over `AIKEN`)."""
    if (
        name_key(kept.name) == name_key(other.name)
        and kept.name.isupper()
        and not other.name.isupper()
    ):
        return replace(kept, name=other.name)
    return kept


def resolve_short_forms(participants: Iterable[Participant]) -> tuple[Participant, ...]:
    """`Mao` → Mao Zedong, `Popovic` → V. Popovic inside one record; duplicates merged in
    order of first appearance; a bare office (`Premier`) that names nobody is dropped."""
    mentions = []
    for p in participants:
        function, office = role_parts(p.role)
        tokens = p.name.split()
        office_only = bool(tokens) and all(
            _word(t) in _OFFICE_WORDS | _CONNECTORS or _is_honour(t) for t in tokens
        )
        mentions.append(_Mention(p.name, function, office, office_only=office_only))
    resolved, _ = _resolve(mentions)
    return tuple(m.participant() for m in resolved)


# --- the authority file -----------------------------------------------------------------

_ID_KEYS = ("wikidata", "viaf", "lcnaf", "isni", "gnd", "orcid", "ulan", "snac", "cbdb")
_PERSON_KEYS = frozenset(
    {"name", "slug", "aliases", "born", "died", "description", "identifiers", *_ID_KEYS}
)
_LIFE_DATES = re.compile(r",\s*(?:(?:b\.|d\.|fl\.|ca?\.)\s*)?\d{3,4}\??-?(?:\d{3,4}\??)?\s*$")


def _name_variants(name: str) -> list[str]:
    """The keys a written name answers to: inverted forms both ways, glosses, nicknames.

    `Chiang, Ching-kuo (Jiang Jingguo)` → chiang ching kuo, ching kuo chiang, jiang jingguo;
    `Cremin, Cornelius Christopher ("Con")` → … and con cremin.
    """
    text = _LIFE_DATES.sub("", _norm_space(name))
    keys: list[str] = []
    extras: list[str] = []
    for m in re.finditer(r"\(([^()]{1,80})\)", text):
        extras.append(m[1].strip().strip("\"'“”‘’"))
    text = _norm_space(re.sub(r"\([^()]{0,80}\)", " ", text))
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) >= 2:
        family, given = parts[0], parts[1]
        keys += [name_key(f"{family} {given}"), name_key(f"{given} {family}")]
        for extra in extras:
            if len(extra.split()) == 1:  # a nickname: `("Con")` → Con Cremin
                keys.append(name_key(f"{extra} {family}"))
            else:
                keys.append(name_key(extra))
    else:
        keys.append(name_key(text))
        keys += [name_key(e) for e in extras]
    return [k for k in dict.fromkeys(keys) if k]


@dataclass(frozen=True, slots=True)
class Authority:
    """People known to the archive, and the names that lead to each."""

    people: tuple[Person, ...] = ()
    index: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Built once: `resolve` runs for every participant of every record.
    _by_slug: Mapping[str, Person] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", MappingProxyType({p.slug: p for p in self.people}))

    def resolve(self, name: str) -> Person | None:
        """The person a written name means, or None; case, diacritics, honorifics and
        inverted order do not matter (`Mao, Zedong`, `MAO ZEDONG`, `Eisaku Sato`)."""
        if not self.people:
            return None
        for key in _name_variants(name):
            slug = self.index.get(key)
            if slug:
                return self._by_slug[slug]
        return None

    def person_for(self, name: str) -> Person:
        """The authority's person, or a new one whose slug comes from the name."""
        found = self.resolve(name)
        if found:
            return found
        return Person(slug=slugify(name_key(name) or name), name=_clean_name(name) or name)

    def people_for(self, names: Iterable[str]) -> dict[str, Person]:
        """Persons for every name in an archive, slugs unique and order-independent.

        Names with the same key are one person. When different keys give the same slug,
        an authority person keeps it, else the smallest key does, and the others get a
        short hash of their key (so adding a name never renumbers the rest).
        """
        taken = {p.slug for p in self.people}
        by_key: dict[str, list[str]] = {}
        result: dict[str, Person] = {}
        for name in names:
            person = self.resolve(name)
            if person:
                result[name] = person
            else:
                by_key.setdefault(name_key(name) or name, []).append(name)
        by_slug: dict[str, list[str]] = {}
        for key in by_key:
            by_slug.setdefault(slugify(key), []).append(key)
        for slug, keys in sorted(by_slug.items()):
            for n, key in enumerate(sorted(keys)):
                unique = slug
                if slug in taken or n > 0:
                    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
                    unique = f"{slug}-{digest}"
                spellings = sorted(by_key[key], key=lambda s: (s.isupper(), s))
                person = Person(slug=unique, name=_clean_name(spellings[0]) or spellings[0])
                for spelling in by_key[key]:
                    result[spelling] = person
        return result


def _problem(path: str, line: int, col: int, message: str, field_: str = "people") -> Problem:
    return Problem(Location(path, line, col), field_, message)


def _item_marks(text: str) -> list[tuple[int, int, dict[str, tuple[int, int]]]]:
    """Line/column of each `people:` item and of its keys (the text is already strict-
    checked, so composing it with PyYAML here cannot meet aliases or tags)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "people" and isinstance(value, yaml.SequenceNode):
            out = []
            for item in value.value:
                keys = {}
                if isinstance(item, yaml.MappingNode):
                    for k, _ in item.value:
                        keys[str(k.value)] = (k.start_mark.line + 1, k.start_mark.column + 1)
                out.append((item.start_mark.line + 1, item.start_mark.column + 1, keys))
            return out
    return []


def parse_authority(text: str, path: str) -> tuple[Authority, list[Problem]]:
    """Read the text of a people file; every problem is reported with its line."""
    try:
        doc = load_mapping(text)
    except YamlError as exc:
        return Authority(), [_problem(path, exc.line, exc.col, exc.message)]
    except yaml.YAMLError as exc:  # PyYAML's reader rejects control characters up front
        offset = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        reason = str(exc).splitlines()[0] if str(exc) else "malformed YAML"
        return Authority(), [_problem(path, line, col, reason)]
    problems: list[Problem] = []
    for key in doc.value:
        if key != "people":
            line, col = doc.lines[key]
            problems.append(_problem(path, line, col, f"unknown key {key!r} (expected people)"))
    items = doc.value.get("people")
    if items is None:
        return Authority(), problems
    if not isinstance(items, list):
        line, col = doc.lines["people"]
        return Authority(), [*problems, _problem(path, line, col, "expected a list of people")]
    marks = _item_marks(text)
    people: list[Person] = []
    index: dict[str, str] = {}
    owner_line: dict[str, int] = {}
    for n, item in enumerate(items):
        line, col, keys = marks[n] if n < len(marks) else (doc.lines["people"][0], 1, {})
        person = _person(item, path, line, col, keys, problems)
        if person is None:
            continue
        if any(p.slug == person.slug for p in people):
            problems.append(_problem(path, line, col, f"slug {person.slug!r} is used twice"))
            continue
        people.append(person)
        for variant in (person.name, *person.aliases):
            for key in _name_variants(variant):
                other = index.get(key)
                if other and other != person.slug:
                    problems.append(
                        _problem(
                            path,
                            line,
                            col,
                            f"name {variant!r} also belongs to {other!r} "
                            f"(line {owner_line[key]}); it stays with the first",
                        )
                    )
                    continue
                index.setdefault(key, person.slug)
                owner_line.setdefault(key, line)
    return Authority(tuple(people), MappingProxyType(index)), problems


def _person(
    item: YamlValue,
    path: str,
    line: int,
    col: int,
    keys: Mapping[str, tuple[int, int]],
    problems: list[Problem],
) -> Person | None:
    if not isinstance(item, dict):
        problems.append(_problem(path, line, col, "each person must be a mapping with a name"))
        return None

    def at(key: str) -> tuple[int, int]:
        return keys.get(key, (line, col))

    for key in item:
        if key not in _PERSON_KEYS:
            problems.append(
                Problem(
                    Location(path, *at(key)),
                    "people",
                    f"unknown key {key!r} (known: {', '.join(sorted(_PERSON_KEYS))})",
                    Severity.WARNING,
                )
            )
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(_problem(path, line, col, "a person needs a name"))
        return None
    texts: dict[str, str | None] = {}
    for key in ("slug", "born", "died", "description", *_ID_KEYS):
        raw = item.get(key)
        if raw is not None and not isinstance(raw, str):
            problems.append(_problem(path, *at(key), f"{key} must be text"))
        texts[key] = raw.strip() if isinstance(raw, str) else None
    raw_aliases = item.get("aliases") or []
    if isinstance(raw_aliases, str):
        raw_aliases = [raw_aliases]
    aliases: list[str] = []
    if not isinstance(raw_aliases, list):
        problems.append(_problem(path, *at("aliases"), "aliases must be a list of names"))
    else:
        for alias in raw_aliases:
            if isinstance(alias, str) and alias.strip():
                aliases.append(_norm_space(alias))
            else:
                problems.append(_problem(path, *at("aliases"), "each alias must be a name"))
    identifiers = {k: v for k in _ID_KEYS if (v := texts.get(k))}
    extra_ids = item.get("identifiers")
    if isinstance(extra_ids, dict):
        for k, given in extra_ids.items():
            if isinstance(given, str) and given.strip():
                identifiers[k] = given.strip()
            else:
                problems.append(
                    _problem(path, *at("identifiers"), f"identifier {k!r} must be text")
                )
    elif extra_ids is not None:
        problems.append(_problem(path, *at("identifiers"), "identifiers must be a mapping"))
    slug = texts["slug"] or slugify(name_key(name) or name)
    if slug != slugify(slug):
        problems.append(_problem(path, *at("slug"), f"slug {slug!r} is not URL-safe"))
        slug = slugify(slug)
    return Person(
        slug=slug,
        name=_norm_space(name),
        aliases=tuple(dict.fromkeys(aliases)),
        born=texts["born"],
        died=texts["died"],
        identifiers=MappingProxyType(dict(sorted(identifiers.items()))),
        description=texts["description"],
    )


def load_authority(path: Path) -> tuple[Authority, list[Problem]]:
    """Load `content/people.yaml`; a missing file is an empty authority, not an error."""
    if not path.is_file():
        return Authority(), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Authority(), [_problem(str(path), 1, 1, f"cannot read the file ({exc})")]
    return parse_authority(text, str(path))


# --- per record -----------------------------------------------------------------------


def _explicit(record: Record) -> list[_Mention]:
    out = []
    for p in record.participants:
        function, office = role_parts(p.role)
        name, aliases = _apply_brackets(p.name)
        out.append(_Mention(_norm_space(name) or p.name, function, office, aliases))
    return out


_PARTY_FUNCTIONS = frozenset({"sender", "recipient", "author"})


def _words_of(m: _Mention) -> set[str]:
    return {w for text in (m.name, *m.aliases) for w in name_key(text).split()}


def _derive(record: Record, authority: Authority | None) -> tuple[list[_Mention], list[str]]:
    explicit = _explicit(record)
    title = _title_mentions(record.title)
    body = _body_mentions(record.body, [*explicit, *title])
    if any(m.function in _PARTY_FUNCTIONS for m in explicit):
        # The editor named the parties: the title may complete names that the
        # record uses (`Popovic` → `V. Popovic`, `Mao:` → `Mao Zedong`) but adds no
        # one new (`Letter from A to B` beside the explicit names).
        known = set().union(*(_words_of(m) for m in [*explicit, *body]))
        title = [m for m in title if _words_of(m) & known]
    mentions = [*explicit, *title, *body]
    resolved, unresolved = _resolve(mentions)
    if authority is None or not authority.people:
        return resolved, unresolved
    merged: dict[str, _Mention] = {}
    for m in resolved:
        person = authority.resolve(m.name)
        if person is None:
            for alias in m.aliases:
                person = authority.resolve(alias)
                if person:
                    break
        name = person.name if person else m.name
        key = person.slug if person else f"\0{name_key(name)}"
        before = merged.get(key)
        merged[key] = _merge_role(before, m) if before else replace(m, name=name)
    still = [n for n in unresolved if authority.resolve(n) is None]
    return list(merged.values()), still


def derive_names(
    record: Record, authority: Authority | None = None
) -> tuple[tuple[Participant, ...], tuple[str, ...]]:
    """`derive_participants` and `unresolved_names` at once (one pass over the record)."""
    mentions, unresolved = _derive(record, authority)
    return tuple(m.participant() for m in mentions), tuple(unresolved)


def derive_participants(
    record: Record, authority: Authority | None = None
) -> tuple[Participant, ...]:
    """Explicit ∪ title ∪ body participants of a record, resolved and merged."""
    mentions, _ = _derive(record, authority)
    return tuple(m.participant() for m in mentions)


def unresolved_names(record: Record, authority: Authority | None = None) -> tuple[str, ...]:
    """Short forms (one word, or a bare office such as `Premier`) that match no fuller
    name in the record and no authority entry — for the `unresolved participant names`
    warning."""
    _, unresolved = _derive(record, authority)
    return tuple(unresolved)
