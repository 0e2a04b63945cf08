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
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, paragraph
from markdown_it.rules_core import StateCore, normalize
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from archivist.enrich.volumes import volume_number
from archivist.model import Note

_EDITORIAL = re.compile(r"\[([^\[\]\n]{1,120})\]")
_BRACKET_LABEL = re.compile(r"\[([^\[\]\n:]{1,80}):\]\s*")
_INTERJECTION = re.compile(r"\(([^()\n:]{1,60}):\s")
# A note marker written as an in-page link, `[1](#f1)`; the number in its anchor.
_ANCHORED_MARKER = re.compile(r"\[ ?(\(?\d{1,4}[a-z]?[).]?|[*†‡§]|) ?\]\(#([^()\s]{0,40})\)")
_ANCHOR_NUMBER = re.compile(r"f(?:n|_\d+_)?(\d+)|^(\d+)$")
_EMPHASIS_MARKS = re.compile(r"[_*]")


@dataclass(frozen=True, slots=True)
class BodyContext:
    """Per-record facts the rules need: speaker labels → full names, and notes."""

    speakers: Mapping[str, str]
    notes: Sequence[Note] = ()
    # The documents of the record's volume: number → the URL of its page.
    documents: Mapping[str, str] = field(default_factory=dict)
    # Other volumes by number (`8` for "Volume VIII"): their documents, as above.
    volumes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _editorial_rule(state: StateInline, silent: bool) -> bool:
    """`[sic]`, `[a step]`, `[illegible]` → an editorial span; `[1]` → a note link."""
    if state.src[state.pos] != "[":
        return False
    marker = _ANCHORED_MARKER.match(state.src, state.pos, state.posMax)
    if marker:
        # A note marker written as an in-page link (DAFP's `[1](#f1)`, now and then
        # garbled as `[1)](#f10)` or `[](#f9)`): the target is the source site's, so
        # the marker links to the record's note instead, found by label or by anchor.
        if not silent:
            _note_marker(state, _marker_label(state, marker.group(1), marker.group(2)))
        state.pos = marker.end()
        return True
    match = _EDITORIAL.match(state.src, state.pos)
    if not match:
        return False
    end = match.end()
    inner = match.group(1)
    # Leave real Markdown links and footnote references to their own rules.
    if end < state.posMax and state.src[end] in "([:":
        return False
    if inner.startswith("^"):
        return False
    # `[Mao:]` opening a paragraph is a speaker label, left for the turns rule.
    if state.pos == 0 and inner.endswith(":"):
        return False
    ctx: BodyContext | None = state.env.get("archivist")
    labels = {n.label for n in ctx.notes} if ctx else set()
    if silent:
        state.pos = end
        return True
    if inner in labels:
        _note_marker(state, inner)
        state.pos = end
        return True
    kind = editorial_kind(_EMPHASIS_MARKS.sub("", inner))
    ident = ""
    if kind == "page":
        # A printed page's start: an anchor to cite (`#page-213`), once per page.
        pages: set[str] = state.env.setdefault("archivist_pages", set())
        page = _note_id(inner[2:].strip())
        if page not in pages:
            pages.add(page)
            ident = f' id="page-{escape(page, quote=True)}"'
    state.push("html_inline", "", 0).content = f'<span class="editorial editorial-{kind}"{ident}>['
    if _EMPHASIS_MARKS.search(inner):
        # `[ _matter omitted_ ]`: the insertion's own emphasis is Markdown too (text
        # bodies have no emphasis rule, so there `_` stays a character).
        start, stop = state.pos, state.posMax
        state.pos, state.posMax = start + 1, end - 1
        state.md.inline.tokenize(state)
        state.pos, state.posMax = start, stop
    else:
        state.push("text", "", 0).content = inner
    state.push("html_inline", "", 0).content = "]</span>"
    state.pos = end
    return True


def _marker_label(state: StateInline, written: str, anchor: str) -> str:
    """The note a linked marker means: its label as written when the record has that
    note, else the number its anchor names (`f10`, `f_94_1`, `21_f1`), else as written."""
    ctx: BodyContext | None = state.env.get("archivist")
    labels = {n.label for n in ctx.notes} if ctx else set()
    if written in labels:
        return written
    found = _ANCHOR_NUMBER.search(anchor)
    number = next((g for g in found.groups() if g), "") if found else ""
    label = written.strip("().")
    if number in labels or not label:
        return number or written
    return label


def _note_marker(state: StateInline, label: str) -> None:
    """A note marker: a link to the note with `label` when the record has one, else
    the label as written (a link to a missing note would point nowhere)."""
    ctx: BodyContext | None = state.env.get("archivist")
    token = state.push("html_inline", "", 0)
    if not ctx or label not in {n.label for n in ctx.notes}:
        token.content = f'<sup class="note-ref">[{escape(label)}]</sup>'
        return
    # Markers seen, per label: the first is `ref-<label>`, later ones get a suffix
    # so ids stay unique and the note links back to the first.
    seen: dict[str, int] = state.env.setdefault("archivist_refs", {})
    seen[label] = seen.get(label, 0) + 1
    ident = escape(_note_id(label), quote=True)
    suffix = "" if seen[label] == 1 else f"-{seen[label]}"
    token.content = (
        f'<sup class="note-ref"><a href="#note-{ident}" id="ref-{ident}{suffix}" '
        f'aria-label="Note {escape(label)}">[{escape(label)}]</a></sup>'
    )


# Editorial marks by kind; everything else in brackets is an editorial insertion.
_EDITORIAL_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sic", re.compile(r"^\s*sic\s*!?\s*$", re.I)),
    ("page", re.compile(r"^p\.\s?[\w.-]{1,20}$")),
    (
        "gap",
        re.compile(
            r"^\s*(…|\.{2,}|\.\s\.\s\.|(?:matter |text |passage |words? )?omitted|omission|gap)"
            r"\s*$",
            re.I,
        ),
    ),
    (
        "illegible",
        re.compile(r"^\s*(illegible|unclear|indecipherable|unreadable)\b.*$", re.I),
    ),
)


def editorial_kind(inner: str) -> str:
    """`sic`, `gap` (`[…]`, `[...]`), `illegible`, or `insertion` (`[of June]`)."""
    for kind, pattern in _EDITORIAL_KINDS:
        if pattern.match(inner):
            return kind
    return "insertion"


def _note_id(label: str) -> str:
    """A note label as an id fragment: `1` → `1`, `*` → `u2a` (never empty)."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", label[:40])
    if not re.search(r"[A-Za-z0-9]", safe):
        return "u" + "-".join(f"{ord(c):x}" for c in label[:8]) if label else "x"
    return safe


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


def speaker_html(label: str, full: str) -> str:
    """The speaker's label as written, with the full name for every reader."""
    if full == label:
        return f'<span class="speaker">{escape(label)}:</span>'
    return (
        f'<span class="speaker"><abbr title="{escape(full)}">{escape(label)}</abbr>'
        f'<span class="visually-hidden"> ({escape(full)})</span>:</span>'
    )


def _turns_rule(state: StateCore) -> None:
    """Mark paragraphs that open with a speaker label as turns, with anchors, and
    interjections `(Name: …)` in any text."""
    ctx: BodyContext | None = state.env.get("archivist")
    speakers = ctx.speakers if ctx else {}
    tokens = state.tokens
    count = 0
    for i, token in enumerate(tokens):
        if token.type == "paragraph_open" and i + 1 < len(tokens):
            count += _mark_turn(token, tokens[i + 1], speakers, count + 1)
        elif token.type == "inline" and token.children and _may_interject(token, speakers):
            _mark_interjections(token.children, speakers)


def _may_interject(inline: Token, speakers: Mapping[str, str]) -> bool:
    """Whether the text may hold an interjection: it needs a speaker and a `(`, written
    or as an entity (`&#40;`). Most paragraphs have neither."""
    return bool(speakers) and ("(" in inline.content or "&" in inline.content)


def _mark_turn(token: Token, inline: Token, speakers: Mapping[str, str], count: int) -> int:
    """Make the paragraph `token` turn number `count` when its text (`inline`) opens
    with a speaker label: 1 if it does, else 0."""
    if inline.type != "inline" or not inline.children:
        return 0
    first = inline.children[0]
    if first.type != "text":
        return 0
    found = _speaker_of(first.content, speakers)
    if not found:
        return 0
    label, full, length = found
    token.attrSet("class", "turn")
    token.attrSet("id", f"turn-{count}")
    first.content = first.content[length:].lstrip()
    token.attrSet("data-speaker", full)
    marker = Token("html_inline", "", 0)
    marker.content = (
        f'<a class="turn-anchor" href="#turn-{count}" '
        f'aria-label="Link to turn {count} ({escape(full)})">¶</a>'
        f"{speaker_html(label, full)} "
    )
    inline.children.insert(0, marker)
    return 1


# "Document 286", "Documents 12 and 13", "Documents 4, 5 and 7", "Doc. 5", "Docs 5 & 6";
# not "Document 12 of Volume 9" (another volume's).
_XREF = re.compile(
    r"\b(?P<word>Documents?|Docs?\.?)\s+(?P<first>\d{1,5}[A-Z]?)\b"
    r"(?P<more>(?:(?:,\s*|,?\s+and\s+|\s*&\s*)\d{1,5}[A-Z]?\b)*)"
    r"(?:(?=\s*,?\s+(?:of|in)\s+(?:the\s+)?Vol(?:ume|\.)?\s+(?P<volume>[0-9]{1,4}|[IVXLC]{1,8})\b))?"
)
# "Volume VIII, Document 427": another volume's document.
_VOLUME_BEFORE = re.compile(r"\bVol(?:ume|\.)?\s+([0-9]{1,4}|[IVXLC]{1,8}),?\s*$")
_XREF_NUMBER = re.compile(r"\d{1,5}[A-Z]?\b")


def _xrefs_rule(state: StateCore) -> None:
    """Link references to documents of the record's volume that are in the site."""
    ctx: BodyContext | None = state.env.get("archivist")
    if not ctx or not (ctx.documents or ctx.volumes):
        return
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _link_references(token.children, ctx)


def _link_references(children: list[Token], ctx: BodyContext) -> list[Token]:
    out: list[Token] = []
    depth = 0  # inside a link already: left alone
    for child in children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        if child.type != "text" or depth or "Doc" not in child.content:
            out.append(child)
            continue
        text, pos, pieces = child.content, 0, []
        for m in _XREF.finditer(text):
            before = _VOLUME_BEFORE.search(text, max(0, m.start() - 24), m.start())
            named = before.group(1) if before else m["volume"]
            documents = ctx.documents
            if named:  # another volume's document: linked when that volume is here
                documents = ctx.volumes.get(volume_number(named) or "", {})
            if m["first"] not in documents and not any(
                n in documents for n in _XREF_NUMBER.findall(m["more"])
            ):
                continue
            pieces.append(escape(text[pos : m.start()]))
            pieces.append(_reference_html(m, documents))
            pos = m.end()
        if not pieces:
            out.append(child)
            continue
        pieces.append(escape(text[pos:]))
        html = Token("html_inline", "", 0)
        html.content = "".join(pieces)
        out.append(html)
    return out


def _reference_html(m: re.Match[str], documents: Mapping[str, str]) -> str:
    """The reference with each number of a document in the site linked to it (the
    first together with its word: `Document 286`)."""

    def link(text: str, number: str) -> str:
        url = documents.get(number)
        if url is None:
            return escape(text)
        return f'<a class="doc-ref" href="{escape(url, quote=True)}">{escape(text)}</a>'

    head = m.group(0)[: m.end("first") - m.start()]
    more, out, pos = m["more"], [link(head, m["first"])], 0
    for n in _XREF_NUMBER.finditer(more):
        out.append(escape(more[pos : n.start()]))
        out.append(link(n.group(), n.group()))
        pos = n.end()
    out.append(escape(more[pos:]))
    return "".join(out)


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
                    html = Token("html_inline", "", 0)
                    html.content = (
                        f'<span class="interjection">({speaker_html(label, speakers[label])}'
                        f" {escape(said)})</span>"
                    )
                    pre, post = Token("text", "", 0), Token("text", "", 0)
                    pre.content, post.content = before, after
                    children[i : i + 1] = [pre, html, post]
                    i += 2
                    continue
        i += 1


def _footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    n = int(meta["id"]) + 1
    sub = int(meta.get("subId", 0) or 0)
    ref = f"fnref-{n}" + (f"-{sub + 1}" if sub > 0 else "")
    return (
        f'<sup class="note-ref"><a href="#fn-{n}" id="{ref}" aria-label="Note {n}">[{n}]</a></sup>'
    )


def _footnote_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    n = int(tokens[idx].meta["id"]) + 1
    return f'<li id="fn-{n}" value="{n}"><span class="note-label" aria-hidden="true">{n}</span>'


def _footnote_anchor(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    n = int(meta["id"]) + 1
    sub = int(meta.get("subId", 0) or 0)
    ref = f"fnref-{n}" + (f"-{sub + 1}" if sub > 0 else "")
    which = f" (reference {sub + 1})" if sub > 0 else ""
    return (
        f' <a class="note-back" href="#{ref}" aria-label="Back to the text of note {n}{which}">'
        "↩\ufe0e</a>"
    )


def _bang_marker_rule(state: StateInline, silent: bool) -> bool:
    """`the region![2](#f2)`: a "!" before a note marker ends a sentence; it does not
    make the marker an image."""
    if state.src[state.pos] != "!" or not _ANCHORED_MARKER.match(
        state.src, state.pos + 1, state.posMax
    ):
        return False
    if not silent:
        state.pending += "!"
    state.pos += 1
    return True


# Shortcuts through markdown-it that give its tokens, byte for byte, with less work:
# most of a body is plain paragraphs of plain text, and markdown-it tries every rule
# on every line and at every punctuation mark to find that out.


def _normalize(state: StateCore) -> None:
    """markdown-it's `normalize` (two passes over the whole text), only when the text
    holds a character it changes: a carriage return or a NUL."""
    if "\r" in state.src or "\0" in state.src:
        normalize(state)


# The characters at which an inline rule of ours can start, or a link label end:
# newline, escape, code, strikethrough, emphasis, links and notes (`[`, `]`, `^[`),
# images and our `!` before a marker, autolinks and HTML, entities. markdown-it's
# `text` rule stops at more (`:`, `-`, `#`, `=`, … for rules we do not use), and at
# each of them every rule is asked in turn, only to take the character as text.
_INLINE_STARTS = "\n!&*<[\\]^_`~"
_INLINE_START = re.compile("[" + re.escape(_INLINE_STARTS) + "]")


def _inline_rule(state: StateCore) -> None:
    """markdown-it's `inline` core rule; a paragraph where no inline rule can start
    is one text token, made here without running them."""
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if token.content and not _INLINE_START.search(token.content):
            text = Token("text", "", 0)
            text.content = token.content
            token.children.append(text)
        else:
            md.inline.parse(token.content, md, state.env, token.children)


def _label_rule(state: StateInline, silent: bool) -> bool:
    """A speaker label opening a paragraph (`[Mao:] …`, left as text for the turns
    rule), taken as text at once: markdown-it would try every rule at both brackets,
    and none can take it when the text defines no link references and the label holds
    no mark."""
    if silent or state.pos != 0 or state.src[0] != "[" or state.env.get("references"):
        return False
    label = _BRACKET_LABEL.match(state.src, 0, state.posMax)
    if not label or _INLINE_START.search(label.group(1)):
        return False
    end = state.src.index("]") + 1
    if end < state.posMax and state.src[end] in "([:":  # a link after all
        return False
    state.pending += state.src[:end]
    state.pos = end
    return True


# What a line opens with when a block other than a paragraph may start there: fences,
# block quotes, thematic breaks, lists, headings, setext underlines, tables, link
# references and footnotes, HTML blocks.
_BLOCK_STARTS = frozenset("`~>*-_+#=<|:[0123456789")
# The block rules the shortcut knows it is equivalent to; with any other it stays off.
_KNOWN_BLOCK_RULES = frozenset(
    ("table code fence blockquote hr list footnote_def reference html_block heading "
     "lheading paragraph").split()
)  # fmt: skip


def _plain_paragraph(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A paragraph whose every line opens with a character no other block rule starts
    at (and is not indented as code): handed to `paragraph` at once, where markdown-it
    would first try each other rule on it, and each would decline."""
    if silent or end != state.lineMax or state.sCount[start] - state.blkIndent >= 4:
        return False
    src, line = state.src, start
    while line < end and not state.isEmpty(line):
        if src[state.bMarks[line] + state.tShift[line]] in _BLOCK_STARTS:
            return False
        line += 1
    return paragraph(state, start, end, False)


# markdown-it's rules that return at once unless their option is set.
_OPTION_RULES = (
    ("linkify", "linkify"),
    ("replacements", "typographer"),
    ("smartquotes", "typographer"),
    ("html_block", "html"),
    ("html_inline", "html"),
)


def _configure(md: MarkdownIt) -> MarkdownIt:
    md.inline.ruler.before("image", "archivist_bang_marker", _bang_marker_rule)
    md.inline.ruler.before("link", "archivist_editorial", _editorial_rule)
    md.core.ruler.push("archivist_turns", _turns_rule)
    md.core.ruler.push("archivist_xrefs", _xrefs_rule)
    return md


def _shortcuts(md: MarkdownIt, on: bool) -> MarkdownIt:
    """The shortcuts above, when `on` (off: markdown-it's own path, which tests
    compare them with)."""
    if not on:
        return md
    # Rules that do nothing under our options (no linkify, no typographer, raw HTML off
    # unless asked for): each would be called, at every line or mark, to return at once.
    md.disable([rule for rule, option in _OPTION_RULES if not md.options[option]], True)
    md.core.ruler.at("normalize", _normalize)
    md.core.ruler.at("inline", _inline_rule)
    md.inline.ruler.after("archivist_editorial", "archivist_label", _label_rule)
    if hasattr(md.inline, "terminator_re"):  # markdown-it-py 4: where `text` stops
        md.inline.terminator_re = _INLINE_START
    if set(md.block.ruler.get_active_rules()) <= _KNOWN_BLOCK_RULES:
        md.block.ruler.before("table", "archivist_paragraph", _plain_paragraph)
    return md


def markdown_parser(allow_html: bool = False, *, shortcuts: bool = True) -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": allow_html, "typographer": False})
    md.use(footnote_plugin)
    # Footnotes render like the notes of text bodies: one list, labels, back-links.
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("footnote_anchor", _footnote_anchor)
    md.add_render_rule("footnote_block_open", lambda *a: '<ol class="notes">\n')
    md.add_render_rule("footnote_block_close", lambda *a: "</ol>\n")
    return _shortcuts(_configure(md), shortcuts)


def text_parser(*, shortcuts: bool = True) -> MarkdownIt:
    md = MarkdownIt("zero", {"breaks": True})
    # Pipe tables (a header row, then `| --- |`): how the TEI reader writes a table.
    md.enable(["newline", "table"])
    return _shortcuts(_configure(md), shortcuts)


def notes_html(
    notes: Sequence[Note], md: MarkdownIt, ctx: BodyContext, seen: Mapping[str, int]
) -> str:
    """The record's notes as a list whose items link back to their markers in the text.

    `seen` counts the markers found per label; a note whose marker is not in the text
    gets no back-link (it would point nowhere).
    """
    items = []
    used: set[str] = set()
    for note in notes:
        ident = _note_id(note.label)
        if ident in used:
            continue  # two labels that make the same id: keep the first
        used.add(ident)
        inner = md.renderInline(
            note.text, {"archivist": BodyContext(ctx.speakers, (), ctx.documents, ctx.volumes)}
        )
        value = f' value="{note.label}"' if note.label.isdigit() and len(note.label) < 9 else ""
        backs = "".join(
            f' <a class="note-back" href="#ref-{escape(ident, quote=True)}'
            f'{"" if n == 1 else f"-{n}"}" aria-label="Back to the text of note '
            f'{escape(note.label, quote=True)}">↩\ufe0e</a>'
            for n in range(1, seen.get(note.label, 0) + 1)
        )
        items.append(
            f'<li id="note-{escape(ident, quote=True)}"{value}>'
            f'<span class="note-label">{escape(note.label)}</span> {inner}{backs}</li>'
        )
    return '<ol class="notes">' + "".join(items) + "</ol>\n" if items else ""


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A body as HTML: the text, and its notes (footnotes or the record's notes)."""

    html: str
    notes: str


class BodyRenderer:
    """Renders record bodies; build one per build (parsers are reused)."""

    def __init__(self, allow_html: bool = False) -> None:
        self.markdown = markdown_parser(allow_html)
        self.text = text_parser()

    def render(self, body: str, body_format: str, ctx: BodyContext) -> tuple[str, str]:
        """(body HTML, notes HTML); Markdown footnotes come out with the notes."""
        md = self.text if body_format == "text" else self.markdown
        env: dict[str, Any] = {"archivist": ctx}
        tokens = md.parse(body, env)
        split = next(
            (i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens)
        )
        html = md.renderer.render(tokens[:split], md.options, env)
        footnotes = (
            md.renderer.render(tokens[split:], md.options, env) if split < len(tokens) else ""
        )
        notes = notes_html(ctx.notes, md, ctx, env.get("archivist_refs", {}))
        return html, footnotes + notes
