"""The markdown shortcuts (render/markup.py) give markdown-it's own HTML, byte for byte:
bodies built from the marks every block and inline rule starts at, rendered with the
shortcuts and without."""

from __future__ import annotations

import random

import pytest

from archivist.model import Note
from archivist.render.markup import BodyContext, markdown_parser, text_parser

PIECES = (
    "a", "word ", "Mao", "Mao:", "[Mao:] ", "(Mao: yes) ", "&#40;Mao: hi)", "&lpar;",
    "[sic]", "[1]", "[^1]", "[^1]: a note\n", "[1](#f1)", "![2](#f2)", "^[inline]",
    "\n", "\n\n", "\r\n", "\r", "\0", "    ", "  ", "\t", "- ", "* ", "+ ", "1. ", "2) ",
    "# ", "> ", "```", "~~~", "---", "===", "***", "___", "|", "| a | b |\n|---|---|\n",
    ":", "<b>", "<div>\n", "&amp;", "\\", "`", "~~", "_", "*", "[link](http://x)",
    "[x]: http://y\n", "![img](y)", "!", "]", "[", "<http://a.b>", "Zhōu", "[p. 4]",
    "[...]", "[ _matter omitted_ ]", "Document 5", "Doc. 12",
)  # fmt: skip
# Cases each shortcut must leave to markdown-it: a setext heading, a table, a list
# or a quote after a plain line, lazy continuation, code indented under a paragraph.
CASES = (
    "Plain line\n===\n",
    "Plain line\n---\n",
    "a | b\n--|--\n1 | 2\n",
    "Plain line\n- item\n",
    "Plain line\n> quote\n",
    "> quote\nlazy line\n",
    "Plain line\n    indented\n\n    code\n",
    "- item\n\n  Plain in item\nMore\n",
    "Mao: plain turn\r\nwith a CR\r\n",
    "[^1]: first\n\nPlain after notes[^1]\n",
    "[Mao:] a turn\n\n[Mao:]: http://x\n",
    "[Mao:](http://x) a link\n",
    "[*Mao*:] emphasis in a label\n",
    "[Mao:][x] a reference\n\n[x]: http://y\n",
    "- tight\n- list\n\n> quoted\n",
    "- a\n  > quote in a tight item\n- b\n",
    "Mao: a turn\n\nplain\n",
)


def _context() -> BodyContext:
    return BodyContext({"Mao": "Mao Zedong"}, (Note("1", "a note [sic]"),), {"5": "d/5/"})


def _bodies(count: int) -> list[str]:
    rng = random.Random(18)
    made = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(count)]
    return [*CASES, *made]


@pytest.mark.parametrize(
    "make",
    [
        lambda on: markdown_parser(shortcuts=on),
        lambda on: markdown_parser(True, shortcuts=on),
        lambda on: text_parser(shortcuts=on),
    ],
    ids=["markdown", "markdown-html", "text"],
)
def test_shortcuts_give_markdown_its_own_html(make):  # type: ignore[no-untyped-def]
    fast, plain = make(True), make(False)
    for body in _bodies(1500):
        expected = plain.render(body, {"archivist": _context()})
        assert fast.render(body, {"archivist": _context()}) == expected, repr(body)
