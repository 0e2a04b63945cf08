"""Strict YAML: every scalar stays a string, and surprises are errors.

PyYAML's safe loader still turns `NO` into False, `1955-06-30` into a date and
`0777` into 511 (YAML 1.1), accepts duplicate keys (last wins) and expands aliases
(the billion-laughs bomb). Archival text must come through as written, so this loader
builds plain str/list/dict trees straight from the parser's event stream — libyaml's
C parser when present, which keeps reading fast for large archives — and reports
anchors, aliases, tags, merge keys, duplicate keys and deep nesting as errors with
their line and column. Nothing is ever expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml import events

MAX_DEPTH = 50

YamlValue = str | list["YamlValue"] | dict[str, "YamlValue"] | None

_Parser: type = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass(frozen=True, slots=True)
class YamlError(Exception):
    """A YAML problem at a 1-based line and column of the parsed text."""

    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True, slots=True)
class Positioned:
    """A parsed mapping plus the 1-based line/column of each top-level key."""

    value: dict[str, YamlValue]
    lines: dict[str, tuple[int, int]]


# Tags a plain document may carry explicitly (`!!str x`); their values stay text.
_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:timestamp",
}
_NULLS = ("", "~", "null", "Null", "NULL")
# Tuples, not unions: isinstance() on a tuple is faster, and it runs for every event.
_SKIP = (events.StreamStartEvent, events.DocumentStartEvent)
_STOP = (events.DocumentEndEvent, events.StreamEndEvent)
_OPEN = (events.MappingStartEvent, events.SequenceStartEvent)
_CLOSE = (events.MappingEndEvent, events.SequenceEndEvent)


def _position(mark: object) -> tuple[int, int]:
    line = getattr(mark, "line", None)
    col = getattr(mark, "column", None)
    if isinstance(line, int) and isinstance(col, int):
        return line + 1, col + 1
    return 1, 1


class _Builder:
    """Consumes parser events into a value tree, refusing what we do not allow."""

    def __init__(self) -> None:
        self._start_marks: list[object] = []
        self._key_lines: dict[int, dict[str, tuple[int, int]]] = {}

    def check(self, event: events.Event) -> None:
        # Positions are worked out only for an error: this runs for every event.
        if isinstance(event, events.AliasEvent):
            line, col = _position(event.start_mark)
            raise YamlError(line, col, "aliases (*name) are not allowed")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            line, col = _position(event.start_mark)
            raise YamlError(line, col, f"anchors (&{anchor}) are not allowed")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _CORE_TAGS:
            line, col = _position(event.start_mark)
            raise YamlError(line, col, f"tags such as {tag!r} are not allowed")

    def build(self, stream: list[events.Event]) -> YamlValue:
        """Build the single document in `stream` (events after DocumentStart)."""
        # Containers under construction: (container, pending key, key position).
        stack: list[tuple[dict[str, YamlValue] | list[YamlValue], str | None]] = []
        root: YamlValue = None
        have_root = False
        for event in stream:
            if isinstance(event, _SKIP):
                continue
            if isinstance(event, _STOP):
                break
            self.check(event)
            value: YamlValue
            if isinstance(event, events.ScalarEvent):
                text = str(event.value)
                plain = event.style is None or event.style == ""
                # An empty plain value (`key:`) or `~`/`null` is no value; quoted text is.
                value = None if plain and text in _NULLS else text
            elif isinstance(event, _OPEN):
                if len(stack) >= MAX_DEPTH:
                    line, col = _position(event.start_mark)
                    raise YamlError(line, col, f"nested deeper than {MAX_DEPTH} levels")
                container: dict[str, YamlValue] | list[YamlValue] = (
                    {} if isinstance(event, events.MappingStartEvent) else []
                )
                stack.append((container, None))
                # Remember where this container's key was, for top-level positions.
                self._start_marks.append(event.start_mark)
                continue
            elif isinstance(event, _CLOSE):
                finished, pending = stack.pop()
                self._start_marks.pop()
                if pending is not None:
                    raise YamlError(1, 1, "a key without a value")
                value = finished
            else:
                continue
            if not stack:
                root, have_root = value, True
                continue
            parent, pending = stack[-1]
            if isinstance(parent, list):
                parent.append(value)
            elif pending is None:
                line, col = _position(event.start_mark)
                if not isinstance(event, events.ScalarEvent) or not isinstance(value, str | None):
                    raise YamlError(line, col, "keys must be plain text")
                key = value or ""
                if key == "<<" and event.style in (None, ""):
                    raise YamlError(line, col, "merge keys (<<) are not allowed")
                if key in parent:
                    first = self._key_lines[id(parent)][key][0]
                    raise YamlError(line, col, f"duplicate key {key!r} (first on line {first})")
                self._key_lines.setdefault(id(parent), {})[key] = (line, col)
                stack[-1] = (parent, key)
            else:
                parent[pending] = value
                stack[-1] = (parent, None)
        if not have_root:
            return None
        return root


def load_mapping(text: str, first_line: int = 1) -> Positioned:
    """Parse `text` as a YAML mapping of strings; raise YamlError on anything else.

    `first_line` is the file line the text starts on, so every line number reported
    (in errors and in `Positioned.lines`) is a line of the file.
    """
    try:
        parsed = _load_mapping(text)
    except YamlError as exc:
        raise _shift(exc, first_line - 1) from None
    offset = first_line - 1
    lines = {k: (line + offset, col) for k, (line, col) in parsed.lines.items()}
    return Positioned(parsed.value, lines)


def _shift(exc: YamlError, offset: int) -> YamlError:
    message = re.sub(
        r"\(first on line (\d+)\)", lambda m: f"(first on line {int(m[1]) + offset})", exc.message
    )
    return YamlError(exc.line + offset, exc.col, message)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _events(text: str) -> list[events.Event]:
    """All events of the first document; a second document is an error."""
    loader = _Parser(text)
    out: list[events.Event] = []
    documents = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, events.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _position(event.start_mark)
                    raise YamlError(line, col, "expected one YAML document, found more")
            out.append(event)
    finally:
        loader.dispose()
    return out


# The shapes nearly every front matter is written in: `key: value` (plain, quoted
# without escapes, or an empty `[]`), `key:` then a list of
# `- item` or of `- key: value` mappings (each further key under the first). One match
# per line reads them; anything else (escapes, comments, block scalars, flow `[...]`,
# anchors, tags, lines that continue a value, other indents) goes to the parser.
_LINE = re.compile(r"( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_.-]{0,99}):(?: +|$))?(.*)")
# A plain scalar may not start with an indicator; `: ` and ` #` inside would end it.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Characters the parser treats specially wherever they are (tabs, odd line breaks, BOM,
# non-characters): a text with one is left to it.
_ODD = re.compile("[\t\x85\u2028\u2029\ufeff\ufffe\uffff]")


def _scalar(text: str) -> YamlValue:
    """A one-line value as the parser would read it: plain, quoted without escapes, `[]`;
    KeyError for anything else (the caller falls back)."""
    if text in ("[]", "{}"):
        return [] if text == "[]" else {}
    first, inner = text[0], text[1:-1]
    if first == "'" and text[-1] == "'" and len(text) > 1 and "'" not in inner.replace("''", ""):
        return inner.replace("''", "'")
    if first == '"' and text[-1] == '"' and len(text) > 1 and not ('"' in inner or "\\" in inner):
        return inner
    if first in _INDICATORS or ": " in text or " #" in text or text[-1] in ": ":
        raise KeyError(text)
    return None if text in _NULLS else text


class _Plain:
    """The plain shapes of front matter read line by line (see `_LINE`); `read` gives
    None for anything else, so the parser reads it with its checks and errors."""

    def __init__(self) -> None:
        self.value: dict[str, YamlValue] = {}
        self.lines: dict[str, tuple[int, int]] = {}
        self.open: str | None = None  # a top-level key written without a value
        self.items: list[YamlValue] | None = None  # its list
        self.dash = -1  # the column of that list's dashes
        self.item: dict[str, YamlValue] | None = None  # the list's last item, a mapping
        self.item_col = -1  # the column of that item's keys

    def read(self, text: str) -> Positioned | None:
        if _ODD.search(text):
            return None
        try:
            for number, line in enumerate(text.split("\n"), 1):
                if line:
                    self._line(number, line)
        except KeyError:
            return None
        return Positioned(self.value, self.lines)

    def _line(self, number: int, line: str) -> None:
        match = _LINE.fullmatch(line)
        if match is None or line[-1] == " ":
            raise KeyError(line)
        indent, dash, key, rest = match.groups()
        value = _scalar(rest) if rest else None
        if dash:
            self._item(len(indent), len(indent) + len(dash), key, value)
        elif indent:
            self._item_key(len(indent), key, value)
        else:
            self._top(number, key, value, rest)

    def _top(self, number: int, key: str | None, value: YamlValue, written: str) -> None:
        if key is None or key in self.value or key in _NULLS:
            raise KeyError(key)
        self.value[key] = value
        self.lines[key] = (number, 1)
        self.open = None if written else key  # `key:` alone: a list may follow
        self.items = self.item = None

    def _item(self, dash: int, col: int, key: str | None, value: YamlValue) -> None:
        if self.open is None:
            raise KeyError(dash)
        if self.items is None:
            self.items, self.dash = [], dash
            self.value[self.open] = self.items
        if dash != self.dash or (key is None and value is None) or (key in _NULLS):
            raise KeyError(dash)
        self.item = None if key is None else {key: value}
        self.item_col = col
        self.items.append(value if self.item is None else self.item)

    def _item_key(self, col: int, key: str | None, value: YamlValue) -> None:
        item = self.item
        if item is None or key is None or col != self.item_col or key in item or key in _NULLS:
            raise KeyError(key)
        item[key] = value


def _load_mapping(text: str) -> Positioned:
    plain = _Plain().read(text)
    if plain is not None:
        return plain
    return _parsed_mapping(text)


def _parsed_mapping(text: str) -> Positioned:
    """`text` read by the parser, every surprise an error with its position."""
    try:
        stream = _events(text)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        line, col = _position(exc.problem_mark or exc.context_mark)
        end = len(text.rstrip())
        if text.count("\n", 0, end) + 1 < line or (line, col) > _line_col(text, end):
            # libyaml reports an unexpected end past the last line: point at the end
            # of the last line that has text, where the unclosed `[` or `"` is.
            line, col = _line_col(text, end)
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlError(line, col, message or "malformed YAML") from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            col = position - (text.rfind("\n", 0, position) + 1) + 1
            raise YamlError(line, col, "a character YAML does not allow") from None
        raise YamlError(1, 1, str(exc).splitlines()[0] if str(exc) else "malformed YAML") from None
    builder = _Builder()
    value = builder.build(stream)
    if value is None:
        return Positioned({}, {})
    if not isinstance(value, dict):
        first = next(
            (e for e in stream if isinstance(e, events.NodeEvent | events.CollectionStartEvent)),
            None,
        )
        line, col = _position(first.start_mark) if first is not None else (1, 1)
        raise YamlError(line, col, "expected a mapping of field: value")
    lines = builder._key_lines.get(id(value), {})
    return Positioned(value, dict(lines))
