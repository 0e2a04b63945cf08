"""Strict YAML: every scalar stays a string, and surprises are errors.

PyYAML's safe loader still turns `NO` into False, `1955-06-30` into a date and
`0777` into 511 (YAML 1.1), accepts duplicate keys (last wins) and expands aliases
(the billion-laughs bomb). Archival text must come through as written, so this loader
builds plain str/list/dict trees from the composed node graph and reports anything
else as an error with its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DEPTH = 50

YamlValue = str | list["YamlValue"] | dict[str, "YamlValue"] | None


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


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
}


class _NoAliasComposer(yaml.composer.Composer):
    """Refuse anchors and aliases before any expansion can happen."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        line, col = _position(event.start_mark)
        if isinstance(event, yaml.events.AliasEvent):
            raise YamlError(line, col, "aliases (*name) are not allowed")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlError(line, col, f"anchors (&{anchor}) are not allowed")
        return super().compose_node(parent, index)


def _reader_error(exc: yaml.YAMLError, text: str) -> Positioned:
    """A character YAML refuses (control characters): raise it with its position."""
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        raise YamlError(line, col, "a character YAML does not allow") from None
    raise YamlError(1, 1, str(exc).splitlines()[0] if str(exc) else "malformed YAML") from None


def _position(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _NoAliasComposer,
    yaml.resolver.BaseResolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)


def _convert(node: Node, depth: int) -> YamlValue:
    mark = node.start_mark
    if depth > MAX_DEPTH:
        raise YamlError(mark.line + 1, mark.column + 1, f"nested deeper than {MAX_DEPTH} levels")
    explicit = node.tag and not node.tag.startswith("tag:yaml.org,2002:")
    if explicit or (node.tag not in _PLAIN_TAGS and node.tag not in (None, "?", "!")):
        raise YamlError(
            mark.line + 1, mark.column + 1, f"tags such as {node.tag!r} are not allowed"
        )
    if isinstance(node, ScalarNode):
        text = str(node.value)
        # An empty plain scalar (`key:`) or `~`/`null` is no value; quoted text is kept.
        if node.style is None and text in ("", "~", "null", "Null", "NULL"):
            return None
        return text
    if isinstance(node, SequenceNode):
        return [_convert(item, depth + 1) for item in node.value]
    if isinstance(node, MappingNode):
        return _mapping(node, depth)[0]
    raise YamlError(mark.line + 1, mark.column + 1, "unsupported YAML node")


def _mapping(
    node: MappingNode, depth: int
) -> tuple[dict[str, YamlValue], dict[str, tuple[int, int]]]:
    out: dict[str, YamlValue] = {}
    where: dict[str, tuple[int, int]] = {}
    for key_node, value_node in node.value:
        kmark = key_node.start_mark
        if not isinstance(key_node, ScalarNode):
            raise YamlError(kmark.line + 1, kmark.column + 1, "keys must be plain text")
        if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
            raise YamlError(kmark.line + 1, kmark.column + 1, "merge keys (<<) are not allowed")
        key = str(key_node.value)
        if key in out:
            first = where[key][0]
            raise YamlError(
                kmark.line + 1, kmark.column + 1, f"duplicate key {key!r} (first on line {first})"
            )
        out[key] = _convert(value_node, depth + 1)
        where[key] = (kmark.line + 1, kmark.column + 1)
    return out, where


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


def _load_mapping(text: str) -> Positioned:
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        return _reader_error(exc, text)
    try:
        node = loader.get_single_node()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlError(line, col, message or "malformed YAML") from None
    except yaml.YAMLError as exc:
        return _reader_error(exc, text)
    except RecursionError:
        raise YamlError(1, 1, f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    if node is None:
        return Positioned({}, {})
    if not isinstance(node, MappingNode):
        mark = node.start_mark
        raise YamlError(mark.line + 1, mark.column + 1, "expected a mapping of field: value")
    value, lines = _mapping(node, 0)
    return Positioned(value, lines)
