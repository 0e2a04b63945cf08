"""TEI P5 reader (FRUS dialect): one Record per `div[@type=document]`.

The XML is untrusted. It is parsed with expat directly (which gives every element its
line and column) with entity declarations, external entities and parameter entities
refused outright, so entity-expansion bombs and external fetches cannot happen; a
depth limit keeps the tree walk far from Python's recursion limit. Malformed XML is a
Problem with line and column, never an exception.

Per document: title (`head` without notes), date (the dateline's `date` attributes,
else its text, else the file header's created date; the dateline wins), place, source
note (`note[@type=source]`, else the file's preface paragraph), classification (a
marking sentence in the source note), participants (the first attendance list),
footnotes (`[n]` markers left in the body) and a plain-text body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from xml.parsers import expat

from archivist.model import (
    ArchiveDate,
    Location,
    Note,
    Participant,
    Problem,
    ReadResult,
    Record,
    Severity,
)
from archivist.read.dates import find_date
from archivist.read.readers.source import Source
from archivist.read.readers.tei_dates import (
    DatelineParts,
    date_from_attrs,
    date_from_text,
    norm,
    split_dateline,
)
from archivist.slugs import slugify

MAX_DEPTH = 100  # real TEI nests < 20 deep; the walk recurses ~2 frames per level
_XML_NS = "http://www.w3.org/XML/1998/namespace"

# --------------------------------------------------------------------------- parsing


@dataclass(slots=True, eq=False)
class Node:
    """One element: local tag name, attributes, where it starts, and its children.

    Mutable only while the parser builds it; nothing outside this module sees it.
    """

    tag: str
    attrs: dict[str, str]
    line: int
    col: int
    children: list[Node | str] = field(default_factory=list)

    def elements(self) -> Iterator[Node]:
        return (c for c in self.children if isinstance(c, Node))

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.elements() if c.tag == tag), None)


class _Rejected(Exception):
    """Raised inside an expat handler to stop parsing hostile or unsupported XML."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@dataclass(frozen=True, slots=True)
class Parsed:
    root: Node | None
    problems: tuple[Problem, ...]


def _local(name: str) -> str:
    """`http://www.tei-c.org/ns/1.0 div` → `div`; `xml` namespace attributes → `xml:id`."""
    uri, _, local = name.rpartition(" ")
    return f"xml:{local}" if uri == _XML_NS else local


def parse_xml(text: str, path: str) -> Parsed:
    """Text → a Node tree, or an ERROR problem; never raises, never fetches anything."""
    parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    root: list[Node] = []
    warnings: list[Problem] = []

    def here() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def refuse(message: str) -> Callable[..., None]:
        def handler(*_args: object) -> None:
            raise _Rejected(message, *here())

        return handler

    def external(_context: str, _base: str | None, system: str | None, _pub: str | None) -> int:
        raise _Rejected(f"external entities are not allowed ({system!r} not fetched)", *here())

    def entity_decl(
        name: str,
        _param: bool,
        _value: str | None,
        _base: str | None,
        system: str | None,
        *_rest: object,
    ) -> None:
        kind = (
            f"external entity {name!r} ({system!r} not fetched)" if system else f"entity {name!r}"
        )
        raise _Rejected(f"entity declarations are not allowed: {kind}", *here())

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _Rejected(f"elements nested deeper than {MAX_DEPTH} levels", *here())
        node = Node(_local(name), {_local(k): v for k, v in attrs.items()}, *here())
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].children.append(data)

    def skipped(name: str, _is_param: bool) -> None:
        line, col = here()
        warnings.append(
            Problem(
                Location(path, line, col),
                "xml",
                f"entity &{name}; is not defined in the file (external DTDs are not read); "
                "left out",
                Severity.WARNING,
            )
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.SkippedEntityHandler = skipped
    # Entity declarations are what expansion bombs and external-entity attacks need;
    # TEI never requires them, so any declaration rejects the file.
    parser.EntityDeclHandler = entity_decl
    parser.UnparsedEntityDeclHandler = refuse("unparsed entity declarations are not allowed")
    parser.ExternalEntityRefHandler = external
    try:
        parser.Parse(text.encode("utf-8", "surrogatepass"), True)
    except _Rejected as exc:
        return Parsed(None, (Problem(Location(path, exc.line, exc.col), "xml", exc.message),))
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) or "malformed XML"
        where = Location(path, max(exc.lineno, 1), exc.offset + 1)
        return Parsed(None, (Problem(where, "xml", f"malformed XML: {message}"),))
    if not root:
        return Parsed(None, (Problem(Location(path), "xml", "no root element"),))
    return Parsed(root[0], tuple(warnings))


# ------------------------------------------------------------------------ text walks

_SKIP = {"pb", "milestone", "figure", "graphic", "fw", "gap"}
_BLOCKS = {
    "p", "ab", "list", "item", "table", "row", "quote", "opener", "closer", "signed",
    "salute", "lg", "l", "div", "postscript", "head", "label", "trailer", "byline",
    "epigraph", "cit", "floatingText", "dateline", "note", "bibl", "attachment",
}  # fmt: skip


def is_source_note(node: Node) -> bool:
    return node.tag == "note" and node.attrs.get("type") == "source"


def flat_text(node: Node, on_note: Callable[[Node], str] | None = None) -> str:
    """All text under `node`, notes replaced by `on_note(note)` (default: left out)."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "note":
            parts.append(on_note(child) if on_note and not is_source_note(child) else "")
        elif child.tag == "lb":
            parts.append(" ")
        elif child.tag == "pb" and on_note and norm(child.attrs.get("n", "")):
            # A printed page begins: a citable marker in the text, never in a title.
            parts.append(f" [p. {norm(child.attrs['n'])[:20]}] ")
        elif child.tag not in _SKIP:
            text = flat_text(child, on_note)
            # Block-level children (a list inside a paragraph) are separate words.
            parts.append(f" {text} " if child.tag in _BLOCKS else text)
    return "".join(parts)


@dataclass(slots=True)
class _Notes:
    """Footnotes met while rendering one document, in order."""

    notes: list[Note] = field(default_factory=list)
    first: Node | None = None

    def marker(self, node: Node) -> str:
        label = norm(node.attrs.get("n", "")) or str(len(self.notes) + 1)
        text = "\n\n".join(b for b in (norm(flat_text(c)) for c in _note_parts(node)) if b)
        self.notes.append(Note(label, text))
        self.first = self.first or node
        return f"[{label}]"


def _note_parts(node: Node) -> list[Node]:
    """A note's paragraphs, or the note itself when it holds plain text."""
    paras = [c for c in node.elements() if c.tag in ("p", "ab")]
    return paras or [node]


def render_blocks(node: Node, notes: _Notes, skip: Callable[[Node], bool]) -> list[str]:
    """The body as text blocks: paragraphs, and lists/tables as one line per item/row."""
    blocks: list[str] = []
    inline: list[Node | str] = []

    def flush() -> None:
        if inline:
            text = norm(flat_text(Node("p", {}, 0, 0, list(inline)), notes.marker))
            if text:
                blocks.append(text)
            inline.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag not in _BLOCKS:
            inline.append(child)
            continue
        if skip(child):
            continue
        if child.tag == "note":
            inline.append(child)  # a note between paragraphs still gets its marker
            continue
        flush()
        if child.tag == "list":
            # One block of lines, broken where an item holds a table (a block of its own).
            lines: list[str] = []
            for line in list_lines(child, notes, 0):
                if isinstance(line, str):
                    lines.append(line)
                    continue
                if lines:
                    blocks.append("\n".join(lines))
                    lines = []
                blocks.extend(table_blocks(line, notes))
            if lines:
                blocks.append("\n".join(lines))
        elif child.tag == "table":
            blocks.extend(table_blocks(child, notes))
        else:
            blocks.extend(render_blocks(child, notes, skip))
    flush()
    return blocks


def table_blocks(table: Node, notes: _Notes) -> list[str]:
    """A table as a pipe table (its head as a paragraph before it): the first row heads
    the columns, every row padded to the widest; `|` in a cell is a full-width bar."""
    blocks: list[str] = []
    rows: list[list[str]] = []
    for part in table.elements():
        if part.tag == "head":
            text = norm(flat_text(part, notes.marker))
            if text:
                blocks.append(text)
        elif part.tag == "row":
            cells = [
                norm(flat_text(c, notes.marker)).replace("|", "\uff5c")
                for c in part.elements()
                if c.tag == "cell"
            ]
            if any(cells):
                rows.append(cells)
    if not rows:
        return blocks
    width = max(len(r) for r in rows)
    lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows[:1]]
    lines.append("|" + " --- |" * width)
    lines += ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows[1:]]
    blocks.append("\n".join(lines))
    return blocks


def list_lines(node: Node, notes: _Notes, depth: int) -> list[str | Node]:
    """One line per item, after its label (`1.`, `(a)`); a nested list's items follow,
    indented two spaces a level."""
    lines: list[str | Node] = []
    label = ""
    for item in node.elements():
        if item.tag == "head":
            lines.append("  " * depth + norm(flat_text(item, notes.marker)))
            continue
        if item.tag == "label":
            label = norm(flat_text(item, notes.marker))
            continue
        if item.tag != "item":
            continue
        own = Node("item", {}, 0, 0, [c for c in item.children if not _is_list(c)])
        tables = [n for n in walk(own, lambda n: n.tag == "table") if n.tag == "table"]
        text = norm(f"{label} {flat_text(_without(own, tables), notes.marker)}")
        label = ""
        if text:
            lines.append("  " * depth + text)
        lines.extend(tables)
        for sub in item.elements():
            if sub.tag == "list":
                lines.extend(list_lines(sub, notes, depth + 1))
    return lines


def _without(node: Node, drop: list[Node]) -> Node:
    """`node` with the elements in `drop` left out, at any depth (a copy)."""
    if not drop:
        return node
    kids = [
        c if isinstance(c, str) else _without(c, drop)
        for c in node.children
        if not any(c is d for d in drop)
    ]
    return Node(node.tag, node.attrs, node.line, node.col, kids)


def _is_list(child: Node | str) -> bool:
    return isinstance(child, Node) and child.tag == "list"


def walk(node: Node, stop: Callable[[Node], bool]) -> Iterator[Node]:
    """Elements under `node` in document order, not descending into `stop` elements."""
    for child in node.elements():
        yield child
        if not stop(child):
            yield from walk(child, stop)


def _is_document(node: Node) -> bool:
    return node.tag == "div" and node.attrs.get("type") == "document"


def _is_part(node: Node) -> bool:
    """A document's attachment: a nested document or a `frus:attachment`."""
    return _is_document(node) or node.tag == "attachment"


# ------------------------------------------------------------- rules: source notes

_SOURCE_PREFIX = re.compile(r"^source\s*:\s*", re.I)
_CITED = re.compile(r"^cited\b", re.I)
# Security markings as FRUS source notes state them, most specific first.
CLASSIFICATIONS = (
    "Top Secret", "Secret", "Confidential", "Limited Official Use", "Official Use Only",
    "Unclassified", "Restricted", "Eyes Only", "Sensitive",
)  # fmt: skip
_MARKING = re.compile(
    r"(?:^|(?<=[.;]\s))(" + "|".join(CLASSIFICATIONS) + r")(?=\s*[.;](?:\s|$))", re.I
)


def strip_source_prefix(text: str) -> str:
    """`Source: Department of State…` → `Department of State…`."""
    return _SOURCE_PREFIX.sub("", norm(text), count=1)


def classification_in(note: str) -> str | None:
    """The marking stated as its own sentence (`… Box 2. Confidential. Drafted by …`)."""
    m = _MARKING.search(note)
    if not m:
        return None
    return next(c for c in CLASSIFICATIONS if c.lower() == m[1].lower())


# ------------------------------------------------------------- rules: participants

_ATTENDANCE = re.compile(
    r"(?:[A-Za-z]+\s+){0,3}(?:present|in\s+attendance|participants|attending)", re.I
)


def is_attendance_label(text: str) -> bool:
    """`Present:`, `In Attendance`, `PARTICIPANTS`, `Committee Members Present:`."""
    if len(text) > 200:  # a long paragraph is prose, not a label
        return False
    return bool(_ATTENDANCE.fullmatch(norm(text).rstrip(":").strip()))


def attendance_list(div: Node) -> Node | None:
    """The first list introduced by an attendance label (or `list[@type=participants]`)."""
    previous: Node | None = None
    for node in walk(div, _is_document):
        if node.tag == "list":
            head = node.find("head")
            if node.attrs.get("type") == "participants" or (
                head is not None and is_attendance_label(flat_text(head))
            ):
                return node
            if previous is not None and is_attendance_label(flat_text(previous)):
                return node
        if node.tag in ("p", "ab", "list"):
            previous = node if node.tag != "list" else None
    return None


def participants_from(list_node: Node, *, attending: bool = False) -> tuple[Participant, ...]:
    """Each item as written (a nested group list flattened into it), notes left out;
    an item that is only an attendance label over a list (`Present:` holding the
    names) is that list's items, each without the delegation or office that labels
    it (`France:`, `Chairman:`): the label is not part of the name."""
    out: list[Participant] = []
    for item in list_node.elements():
        if item.tag != "item":
            continue
        written = norm(flat_text(item))
        inner = next((n for n in item.elements() if n.tag == "list"), None)
        if inner is not None:
            label = norm(flat_text(_without(item, [inner])))
            if label and is_attendance_label(label):
                out.extend(participants_from(inner, attending=True))
                continue
        if attending:
            written = _ITEM_LABEL.sub("", written, count=1)
        if written:
            out.append(Participant(written, "participant"))
    return tuple(out)


# A short label before a name in an attendance list: `France: M. Lacoste`, `U. S. A.:`.
_ITEM_LABEL = re.compile(r"[^:,;]{1,30}:\s+(?=\S)")


_FUNCTION_OF = {"from": "sender", "to": "recipient"}
# A whole `A to B` inside one name tag: no one's name holds ` to `.
_TWO_PARTIES = re.compile(r"\s+to\s+(?:the\s+)?[A-Z]")


def person_ref(node: Node, stem: str) -> str | None:
    """The edition's id of the person a `persName` names: `@corresp`, `@ref` or `@key`
    (the first of several). A local `#p_SJF1` is qualified by its file
    (`frus1917Supp02v02#p_SJF1`), so that a volume citing another
    (`frus1917Supp02v01#p_SJF1`) names the same person."""
    for attr in ("corresp", "ref", "key"):
        value = node.attrs.get(attr, "").split()
        if value and value[0] != "#":
            return f"{stem}{value[0]}" if value[0].startswith("#") else value[0]
    return None


@dataclass(frozen=True, slots=True)
class Listed:
    """A person of the volume's list of persons: his full name and who he was."""

    name: str
    description: str | None


def persons_list(root: Node, stem: str) -> dict[str, Listed]:
    """The volume's list of persons (`list[@type=persons]`): each id → the full name,
    uninverted (`Stevens, John F.` → John F. Stevens), and the item's text after it
    (`, head of the Russian Railway Service Corps`) as his description."""
    out: dict[str, Listed] = {}
    for node in walk(root, lambda _n: False):
        if node.tag != "list" or node.attrs.get("type") != "persons":
            continue
        for item in node.elements():
            if item.tag != "item":
                continue
            tag = next((n for n in walk(item, lambda _n: False) if n.tag == "persName"), None)
            if tag is None or not tag.attrs.get("xml:id"):
                continue
            written = norm(flat_text(tag))
            if not written:
                continue
            name = uninvert(written)
            after = norm(flat_text(item)).partition(written)[2].strip(" ,;:—–-")
            if name:
                out[f"{stem}#{tag.attrs['xml:id']}"] = Listed(name, after or None)
    return out


_SUFFIX = re.compile(r"(?:jr|sr|[ivx]+)\.?", re.I)


def uninvert(name: str) -> str:
    """`Acheson, Dean` → Dean Acheson; `Adams, Charles Francis, Jr.` → Charles Francis
    Adams, Jr.; a name without a comma as it is."""
    family, comma, rest = name.partition(",")
    if not comma or not rest.strip():
        return name.strip(" ,")
    given, _, suffix = rest.strip().partition(",")
    suffix = suffix.strip()
    if suffix and not _SUFFIX.fullmatch(suffix):
        suffix = ""  # `Smith, John, of Boston`: what follows the given names is no name
    shown = f"{given.strip()} {family.strip()}"
    return f"{shown}, {suffix}" if suffix else shown


def head_participants(
    head: Node | None, stem: str, persons: Mapping[str, Listed]
) -> tuple[Participant, ...]:
    """Who the head tags: `persName`/`gloss` with `type="from"|"to"` (sender,
    recipient) and every `persName` carrying an id (its function left to the title's
    wording). A tagged person is named as the volume's list of persons names him."""
    if head is None:
        return ()
    out: list[Participant] = []
    for node in walk(head, lambda n: n.tag == "note"):
        if node.tag not in ("persName", "gloss"):
            continue
        function = _FUNCTION_OF.get(node.attrs.get("type", ""))
        ref = person_ref(node, stem) if node.tag == "persName" else None
        name = norm(flat_text(node))
        if node.tag == "persName" and _TWO_PARTIES.search(name):
            continue  # frus1870 tags `Mr. Davis to Mr. Bancroft` as one sender: the title says
        if (function or ref) and name:
            listed = persons.get(ref or "")
            out.append(Participant(listed.name if listed else name, function, ref=ref))
    return tuple(out)


# ------------------------------------------------------------------------ the reader

_ATTACHMENT = re.compile(r"Attachment(?:\s+[\w.-]{1,10})?", re.I)


@dataclass(frozen=True, slots=True)
class FileContext:
    """What the file says for every document in it."""

    path: str
    stem: str
    header_date: ArchiveDate | None
    header_date_at: Location | None
    source: str | None
    source_at: Location | None
    file_title: str | None
    extra: Mapping[str, str]
    single: bool
    persons: Mapping[str, Listed]  # the volume's list of persons, by id


def read(text: str, source: Source) -> ReadResult:
    """Read one TEI file into one Record per `div[@type=document]`."""
    parsed = parse_xml(text, source.path)
    if parsed.root is None:
        return ReadResult(problems=parsed.problems)
    root = parsed.root
    # Top-level documents only: one nested in another is an attachment of its parent.
    docs = [n for n in walk(root, _is_document) if _is_document(n)]
    if not docs:
        where = Location(source.path, root.line, root.col)
        problem = Problem(where, "document", "no div[@type='document'] in the file")
        return ReadResult(problems=(*parsed.problems, problem))
    ctx = _file_context(root, source, single=len(docs) == 1)
    problems = list(parsed.problems)
    records: list[Record] = []
    ids: set[str] = set()
    previous_title = ctx.file_title
    for index, div in enumerate(docs, start=1):
        record, found = _read_document(div, index, ctx, previous_title)
        suffix = index
        while record.id in ids:  # duplicate xml:ids: fall back to the position
            record = replace(record, id=f"{source.stem}--{suffix}")
            suffix += len(docs)
        ids.add(record.id)
        if not record.extra.get("title_supplied"):  # only a real head names attachments
            previous_title = record.title
        records.append(record)
        problems.extend(found)
    return ReadResult(tuple(records), tuple(problems))


def _file_context(root: Node, source: Source, single: bool) -> FileContext:
    header = root.find("teiHeader")
    header_date: ArchiveDate | None = None
    header_at: Location | None = None
    extra: dict[str, str] = {}
    file_title: str | None = None
    if header is not None:
        for node in walk(header, lambda _n: False):
            kind = node.attrs.get("type")
            if node.tag == "date" and kind in ("created", "posted") and "when" in node.attrs:
                extra[f"header_{kind}"] = node.attrs["when"]
                if kind == "created":
                    header_date = date_from_attrs(node.attrs, norm(flat_text(node)))
                    header_at = Location(source.path, node.line, node.col)
            elif node.tag == "title" and kind in ("complete", "short"):
                extra[f"file_title_{kind}"] = norm(flat_text(node))
            elif node.tag == "ref" and "target" in node.attrs and "scan" not in extra:
                extra["scan"] = node.attrs["target"]
        file_title = extra.get("file_title_complete")
    src, src_at = _file_source(root, source.path, extra)
    persons = MappingProxyType(persons_list(root, source.stem))
    return FileContext(
        source.path, source.stem, header_date, header_at, src, src_at, file_title,
        MappingProxyType(extra), single, persons,
    )  # fmt: skip


def _file_source(
    root: Node, path: str, extra: dict[str, str]
) -> tuple[str | None, Location | None]:
    """The file's source note: a paragraph of `text/body` before the first document.

    `Source: …` first; failing that, a paragraph that is wholly one `hi` (the italic
    note, one file drops its prefix) and not a `Cited in …` line.
    """
    text_el = root.find("text")
    body = text_el.find("body") if text_el is not None else None
    if body is None:
        return None, None
    preface: list[tuple[Node, str]] = []
    for node in body.elements():
        if _is_document(node) or any(_is_document(n) for n in walk(node, _is_document)):
            break
        if node.tag == "p":
            preface.append((node, norm(flat_text(node))))
    for _p, text in preface:
        if _CITED.match(text):
            extra.setdefault("cited_in", text)
    chosen = next(((p, t) for p, t in preface if _SOURCE_PREFIX.match(t)), None)
    if chosen is None:
        chosen = next(
            ((p, t) for p, t in preface if t and not _CITED.match(t) and _wholly_hi(p)), None
        )
    if chosen is None:
        return None, None
    p, text = chosen
    return strip_source_prefix(text), Location(path, p.line, p.col)


def _wholly_hi(node: Node) -> bool:
    kids = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
    return len(kids) == 1 and isinstance(kids[0], Node) and kids[0].tag == "hi"


def _read_document(
    div: Node, index: int, ctx: FileContext, previous_title: str | None
) -> tuple[Record, list[Problem]]:
    """One `div[@type=document]` → its Record and the warnings about it."""
    path = ctx.path
    at = Location(path, div.line, div.col)
    problems: list[Problem] = []
    # Insertion order is kept in the Record, so each step adds its keys in turn.
    origin: dict[str, Location] = {"id": at}
    extra = _document_extra(div, ctx)
    own = list(walk(div, _is_part))  # the document's own, not its attachments'

    head = next((n for n in div.elements() if n.tag == "head"), None)
    dateline = next((n for n in own if n.tag == "dateline"), None)
    source_note = next((n for n in own if is_source_note(n)), None)

    title = norm(flat_text(head)) if head is not None else ""  # notes left out
    if _UNTITLED.fullmatch(title):
        title = ""  # `[Untitled]`: the edition's placeholder, not a title
    if head is not None:
        origin["title"] = Location(path, head.line, head.col)
    src, classification = _document_source(source_note, ctx, at, origin, problems)
    date, place = _document_date(dateline, ctx, at, origin, extra, problems)
    span = _span_date(div)
    if span is not None and (date is None or not date.is_normalized or dateline is None):
        date = span  # the edition's own date for a document whose dateline lacks one
        origin["date"] = at
    participants = _document_participants(div, head, ctx, origin)
    described = {
        p.ref: listed.description
        for p in participants
        if p.ref and (listed := ctx.persons.get(p.ref)) and listed.description
    }
    if described:  # who the tagged persons were, as the volume's list says
        extra["persons"] = dict(sorted(described.items()))
    blocks, notes = _document_body(div, head, dateline, path, origin)
    if not title:
        title = _supplied_title(blocks, previous_title, own, dateline)
        extra["title_supplied"] = True
        problems.append(
            Problem(at, "title", f"document has no head; titled {title!r}", Severity.WARNING)
        )
    if date is None:
        date = _title_date(title, origin.get("title", at), origin, problems)
    if place:
        origin["place"] = origin.get("date", at)
    record = Record(
        id=_record_id(div, index, ctx), title=title, path=path, date=date,
        participants=participants, source=src, classification=classification, place=place,
        number=norm(div.attrs.get("n", "")) or None,
        # A volume of documents is their collection: its page is the table of contents.
        collections=(ctx.file_title,) if ctx.file_title and not ctx.single else (),
        body="\n\n".join(blocks), body_format="text", notes=tuple(notes.notes),
        record_id=None, origin=MappingProxyType(origin), extra=MappingProxyType(extra),
    )  # fmt: skip
    return record, problems


def _record_id(div: Node, index: int, ctx: FileContext) -> str:
    """The file's stem for its only document; else `stem--<xml:id>`, or `stem--<index>`."""
    xml_id = div.attrs.get("xml:id")
    if ctx.single or not xml_id:
        return ctx.stem if ctx.single else f"{ctx.stem}--{index}"
    return f"{ctx.stem}--{slugify(xml_id)}"


def _document_extra(div: Node, ctx: FileContext) -> dict[str, object]:
    """The file's extra values, then the document's own id, number and subtype."""
    extra: dict[str, object] = {k: v for k, v in ctx.extra.items()}
    for key, attr in (("xml_id", "xml:id"), ("doc_number", "n"), ("subtype", "subtype")):
        if div.attrs.get(attr):
            extra[key] = div.attrs[attr]
    return extra


def _document_source(
    source_note: Node | None,
    ctx: FileContext,
    at: Location,
    origin: dict[str, Location],
    problems: list[Problem],
) -> tuple[str | None, str | None]:
    """(source, classification): the document's own note, else the file's preface paragraph."""
    src, src_at = ctx.source, ctx.source_at
    if source_note is not None:
        src = strip_source_prefix(flat_text(source_note)) or None
        src_at = Location(ctx.path, source_note.line, source_note.col)
    if src and src_at:
        origin["source"] = src_at
    classification = classification_in(src) if src else None
    if classification and src_at:
        origin["classification"] = src_at
    if not src:
        problems.append(Problem(at, "source", "no source note", Severity.WARNING))
    return src, classification


def _document_participants(
    div: Node, head: Node | None, ctx: FileContext, origin: dict[str, Location]
) -> tuple[Participant, ...]:
    """Who the head tags, then the names in the document's first attendance list."""
    tagged = head_participants(head, ctx.stem, ctx.persons)
    if tagged and head is not None:
        origin["participants"] = Location(ctx.path, head.line, head.col)
    attendance = attendance_list(div)
    listed = participants_from(attendance) if attendance is not None else ()
    if attendance is not None and listed and not tagged:
        origin["participants"] = Location(ctx.path, attendance.line, attendance.col)
    return (*tagged, *listed)


def _document_body(
    div: Node, head: Node | None, dateline: Node | None, path: str, origin: dict[str, Location]
) -> tuple[list[str], _Notes]:
    """The body's text blocks and its footnotes.

    The head, dateline and source note are fields, so none of them is body; an
    attachment (a nested document, `frus:attachment`) is a part of the body, with its
    own head, dateline, text and signature as blocks.
    """

    def skip(node: Node) -> bool:
        return node is head or node is dateline or is_source_note(node)

    # Notes in the head and dateline (kept out of the body) come first, without a marker.
    notes = _Notes()
    for part in (head, dateline):
        for note in _notes_in(part):
            notes.marker(note)
    blocks = render_blocks(div, notes, skip)
    first_block = next((n for n in div.elements() if not skip(n)), None)
    if first_block is not None:
        origin["body"] = Location(path, first_block.line, first_block.col)
    if notes.first is not None:
        origin["notes"] = Location(path, notes.first.line, notes.first.col)
    return blocks, notes


def _notes_in(node: Node | None) -> list[Node]:
    """Footnotes under `node` (not source notes, not notes inside notes)."""
    if node is None:
        return []
    stop = lambda n: n.tag == "note" or _is_document(n)  # noqa: E731
    return [n for n in walk(node, stop) if n.tag == "note" and not is_source_note(n)]


def _supplied_title(
    blocks: list[str], parent: str | None, own: list[Node], dateline: Node | None
) -> str:
    """A title supplied in brackets: `Attachment 1 to <parent title>` when the text
    opens with its label; else who signed it and its dateline (`[Bismarck, Versailles,
    October 10, 1870]`); else its opening words."""
    if blocks and _ATTACHMENT.fullmatch(blocks[0]):
        return f"{blocks[0]} to {parent}" if parent else blocks[0]
    signed = next((n for n in own if n.tag == "signed"), None)
    parts = [norm(flat_text(n)).strip(" .,;:") for n in (signed, dateline) if n is not None]
    parts = [p for p in parts if p]
    if parts:
        return "[" + ", ".join(parts)[:200] + "]"
    # The opening words of the first block that holds words: not a note's marker
    # alone ("[1]", from a label the edition set as a note), and a block that is all
    # in brackets (an editor's "[From the Pekin Gazette.]") without them.
    opening = next((b.strip() for b in blocks if not _MARKERS_ONLY.fullmatch(b)), "")
    if opening.startswith("[") and opening.endswith("]") and opening.count("[") == 1:
        opening = opening[1:-1]
    words = opening.split()
    if words:
        opening = " ".join(words[:10])
        return "[" + opening + ("…" if len(words) > 10 else "") + "]"
    return f"[Attachment to {parent}]" if parent else "[Untitled document]"


# A block of nothing but note markers.
_MARKERS_ONLY = re.compile(r"\s*(?:\[\d{1,4}\]\s*)*")

# `[Untitled]` (with a margin number, `[Untitled][8]`), or nothing at all.
_UNTITLED = re.compile(r"(?:\[?\s*untitled\s*\]?(?:\s*\[[^\[\]]{1,10}\])?)?", re.I)


def _title_date(
    title: str, where: Location, origin: dict[str, Location], problems: list[Problem]
) -> ArchiveDate | None:
    """A full date the title gives ("…, Signed at London, February 10, 1925") for a
    document with no other: an edition often dates a treaty or a memorandum only there."""
    date = find_date(title)
    if date is not None:
        origin["date"] = where
        problems.append(
            Problem(where, "date", f"dated {date.text!r} from the title", Severity.WARNING)
        )
    return date


def _span_date(div: Node) -> ArchiveDate | None:
    """The date FRUS gives a document as `frus:doc-dateTime-min/max` (its first and
    last possible moment), as a day or a range of days."""
    lo = div.attrs.get("doc-dateTime-min", "")[:10]
    hi = div.attrs.get("doc-dateTime-max", "")[:10] or lo
    if not lo:
        return None
    return date_from_attrs({"when": lo} if lo == hi else {"from": lo, "to": hi}, "")


def _document_date(
    dateline: Node | None,
    ctx: FileContext,
    at: Location,
    origin: dict[str, Location],
    extra: dict[str, object],
    problems: list[Problem],
) -> tuple[ArchiveDate | None, str | None]:
    """The dateline's date (attributes, then text); the header date only without one."""
    if dateline is None:
        return _header_date_only(ctx, at, origin, problems), None
    where = Location(ctx.path, dateline.line, dateline.col)
    raw = norm(flat_text(dateline))
    extra["dateline"] = raw
    parts = split_dateline(raw)
    place_el = next((n for n in walk(dateline, lambda _n: False) if n.tag == "placeName"), None)
    place = norm(flat_text(place_el)) if place_el is not None else parts.place
    date_el = next((n for n in walk(dateline, lambda _n: False) if n.tag == "date"), None)
    date: ArchiveDate | None = None
    if date_el is not None:
        where = Location(ctx.path, date_el.line, date_el.col)
        date = _date_element(date_el, parts, where, problems)
    if date is None and parts.date:
        date = date_from_text(parts.date)
    if date is not None and date.time is None and parts.time:
        date = replace(date, time=parts.time)
    origin["date"] = where
    if date is None or not date.is_normalized:
        problems.append(
            Problem(where, "date", f"cannot read the dateline {raw!r}", Severity.WARNING)
        )
        if date is None and ctx.header_date is not None:
            return ctx.header_date, place
    elif ctx.single and _contradicts(ctx.header_date, date):
        assert ctx.header_date is not None
        problems.append(
            Problem(
                where, "date",
                f"the file header says {ctx.header_date.edtf} but the dateline says "
                f"{date.text!r}; using the dateline",
                Severity.WARNING,
            )
        )  # fmt: skip
    return date, place


def _header_date_only(
    ctx: FileContext, at: Location, origin: dict[str, Location], problems: list[Problem]
) -> ArchiveDate | None:
    """A document without a dateline: the file header's date, with a warning either way."""
    if ctx.header_date is None:
        problems.append(Problem(at, "date", "no dateline and no header date", Severity.WARNING))
        return None
    problems.append(
        Problem(
            at, "date",
            f"no dateline; using the file header date {ctx.header_date.text!r}",
            Severity.WARNING,
        )
    )  # fmt: skip
    if ctx.header_date_at:
        origin["date"] = ctx.header_date_at
    return ctx.header_date


def _date_element(
    date_el: Node, parts: DatelineParts, where: Location, problems: list[Problem]
) -> ArchiveDate | None:
    """The dateline's `date` element: its attributes, else its text."""
    shown = norm(flat_text(date_el)) or parts.date
    date = date_from_attrs(date_el.attrs, shown)
    if date is None and any(k in date_el.attrs for k in ("when", "from", "to")):
        problems.append(
            Problem(where, "date", "unreadable date attributes; reading the text", Severity.WARNING)
        )
    if date is None and shown:
        date = date_from_text(split_dateline(shown).date)
    return date


def _contradicts(header: ArchiveDate | None, date: ArchiveDate) -> bool:
    if header is None or header.earliest is None or date.earliest is None:
        return False
    latest = date.latest or date.earliest
    header_latest = header.latest or header.earliest
    return header_latest < date.earliest or header.earliest > latest
