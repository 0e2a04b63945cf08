"""Record bodies → HTML with markdown-it-py, plus the archival rules we add to it.

Two parsers share the same rules:
- Markdown bodies: the `js-default` preset (raw HTML off, unsafe link schemes
  dropped) with footnotes; raw HTML only when `markdown_html: true`.
- Text bodies (transcriptions, archive exports): paragraphs and line breaks only,
  so `*`, `#` and `_` stay characters.
Added rules, each small and named: speaker turns (a paragraph opening with a known
speaker's label becomes a turn with an anchor), inline interjections `(Name: …)`,
editorial insertions `[sic]`, `[…]`, `[illegible]` marked as editorial, and footnote
markers `[1]` linked to the record's notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from archivist.model import Note

_EDITORIAL = re.compile(r"\[([^\[\]\n]{1,120})\]")
_BRACKET_LABEL = re.compile(r"\[([^\[\]\n:]{1,80}):\]\s*")
_INTERJECTION = re.compile(r"\(([^()\n:]{1,60}):\s")


@dataclass(frozen=True, slots=True)
class BodyContext:
    """Per-record facts the rules need: speaker labels → full names, and notes."""

    speakers: Mapping[str, str]
    notes: Sequence[Note] = ()


def _editorial_rule(state: StateInline, silent: bool) -> bool:
    """`[sic]`, `[a step]`, `[illegible]` → an editorial span; `[1]` → a note link."""
    if state.src[state.pos] != "[":
        return False
    match = _EDITORIAL.match(state.src, state.pos)
    if not match:
        return False
    end = match.end()
    # Leave real Markdown links and footnote references to their own rules.
    if end < state.posMax and state.src[end] in "([:":
        return False
    inner = match.group(1)
    if inner.startswith("^"):
        return False
    # `[Mao:]` opening a paragraph is a speaker label, left for the turns rule.
    if state.pos == 0 and inner.endswith(":"):
        return False
    ctx: BodyContext | None = state.env.get("archivist")
    labels = {n.label for n in ctx.notes} if ctx else set()
    if not silent:
        if inner in labels:
            token = state.push("html_inline", "", 0)
            ident = escape(_note_id(inner), quote=True)
            token.content = (
                f'<sup class="note-ref"><a href="#note-{ident}" id="ref-{ident}" '
                f'aria-label="Note {escape(inner)}">[{escape(inner)}]</a></sup>'
            )
        else:
            token = state.push("html_inline", "", 0)
            token.content = f'<span class="editorial">[{escape(inner)}]</span>'
    state.pos = end
    return True


def _note_id(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", label) or "x"


def _speaker_of(text: str, speakers: Mapping[str, str]) -> tuple[str, str, int] | None:
    """(label as written, full name, length of the prefix) when `text` opens a turn."""
    match = _BRACKET_LABEL.match(text)
    if match:
        label = match.group(1).strip()
        return label, speakers.get(label, label), match.end()
    head = text[:120]
    colon = head.find(":")
    if colon > 0:
        label = head[:colon].strip()
        if label in speakers and (colon + 1 == len(text) or text[colon + 1] in " \t\n"):
            return label, speakers[label], colon + 1
    return None


def _turns_rule(state: StateCore) -> None:
    """Mark paragraphs that open with a speaker label as turns, with anchors."""
    ctx: BodyContext | None = state.env.get("archivist")
    speakers = ctx.speakers if ctx else {}
    tokens = state.tokens
    count = 0
    for i, token in enumerate(tokens):
        if token.type != "paragraph_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        if inline.type != "inline" or not inline.children:
            continue
        first = inline.children[0]
        if first.type != "text":
            continue
        found = _speaker_of(first.content, speakers)
        if not found:
            continue
        label, full, length = found
        count += 1
        token.attrSet("class", "turn")
        token.attrSet("id", f"turn-{count}")
        first.content = first.content[length:].lstrip()
        title = f' title="{escape(full)}"' if full != label else ""
        marker = Token("html_inline", "", 0)
        marker.content = (
            f'<a class="turn-anchor" href="#turn-{count}" aria-label="Link to turn {count}">#</a>'
            f'<span class="speaker"{title}>{escape(label)}:</span> '
        )
        inline.children.insert(0, marker)
    for token in tokens:
        if token.type == "inline" and token.children:
            _mark_interjections(token.children, speakers)


def _mark_interjections(children: list[Token], speakers: Mapping[str, str]) -> None:
    """`(Popovic: This news is true.)` → an interjection with its speaker marked."""
    i = 0
    while i < len(children):
        child = children[i]
        if child.type == "text":
            match = _INTERJECTION.search(child.content)
            while match and match.group(1).strip() not in speakers:
                match = _INTERJECTION.search(child.content, match.end())
            if match:
                label = match.group(1).strip()
                close = child.content.find(")", match.end())
                if close != -1:
                    before = child.content[: match.start()]
                    said = child.content[match.end() : close]
                    after = child.content[close + 1 :]
                    full = speakers[label]
                    title = f' title="{escape(full)}"' if full != label else ""
                    html = Token("html_inline", "", 0)
                    html.content = (
                        f'<span class="interjection">(<span class="speaker"{title}>'
                        f"{escape(label)}:</span> {escape(said)})</span>"
                    )
                    pre, post = Token("text", "", 0), Token("text", "", 0)
                    pre.content, post.content = before, after
                    children[i : i + 1] = [pre, html, post]
                    i += 2
                    continue
        i += 1


def _configure(md: MarkdownIt) -> MarkdownIt:
    md.inline.ruler.before("link", "archivist_editorial", _editorial_rule)
    md.core.ruler.push("archivist_turns", _turns_rule)
    return md


def markdown_parser(allow_html: bool = False) -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": allow_html, "typographer": False})
    md.use(footnote_plugin)
    return _configure(md)


def text_parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"breaks": True})
    md.enable(["newline"])
    return _configure(md)


def notes_html(notes: Sequence[Note], md: MarkdownIt, ctx: BodyContext) -> str:
    """The record's notes as a footnote list whose items link back to their markers."""
    if not notes:
        return ""
    items = []
    for note in notes:
        ident = escape(_note_id(note.label), quote=True)
        inner = md.renderInline(note.text, {"archivist": BodyContext(ctx.speakers, ())})
        items.append(
            f'<li id="note-{ident}" value="{escape(note.label, quote=True)}"'
            f' data-label="{escape(note.label, quote=True)}"><span class="note-label">'
            f"{escape(note.label)}</span> {inner} "
            f'<a class="note-back" href="#ref-{ident}" aria-label="Back to the text">↩</a></li>'
            if note.label.isdigit()
            else f'<li id="note-{ident}"><span class="note-label">{escape(note.label)}</span>'
            f' {inner} <a class="note-back" href="#ref-{ident}" aria-label="Back to the text">↩</a></li>'
        )
    return '<ol class="notes">' + "".join(items) + "</ol>"


class BodyRenderer:
    """Renders record bodies; build one per build (parsers are reused)."""

    def __init__(self, allow_html: bool = False) -> None:
        self.markdown = markdown_parser(allow_html)
        self.text = text_parser()

    def render(self, body: str, body_format: str, ctx: BodyContext) -> tuple[str, str]:
        """(body HTML, notes HTML)."""
        md = self.text if body_format == "text" else self.markdown
        html = md.render(body, {"archivist": ctx})
        return html, notes_html(ctx.notes, md, ctx)
