"""Documentary editions: note markers of every convention, editorial emphasis, numbers."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from archivist.model import Note
from archivist.render.markup import BodyContext, BodyRenderer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from anchors import broken

NOTES = (Note("1", "Document 286."), Note("2", "See Document 286, note 1."))


def _page(body: str, fmt: str = "markdown", notes: tuple[Note, ...] = NOTES) -> str:
    html, notes_html = BodyRenderer().render(body, fmt, BodyContext({}, notes))
    return html + notes_html


@pytest.mark.parametrize("fmt", ["markdown", "text"])
@pytest.mark.parametrize(
    "marker",
    ["[1](#f1)", "[1](#f_94_1)", "[1](#21_f1)", "[1](#fn1)", "[1](#1)", "[1]"],
)
def test_every_marker_convention_links_both_ways(marker: str, fmt: str) -> None:
    page = _page(f"Your UN[Y]466 {marker} and our Assembly 354.", fmt)
    assert '<a href="#note-1" id="ref-1"' in page
    assert 'id="note-1"' in page and 'href="#ref-1"' in page
    assert broken(page) == []
    assert "](#" not in page


def test_markdown_footnotes_link_both_ways() -> None:
    page = _page("Text.[^1]\n\n[^1]: A note.", notes=())
    assert 'href="#fn-1"' in page and 'id="fn-1"' in page and 'href="#fnref-1"' in page
    assert broken(page) == []


def test_a_marker_without_its_note_links_nowhere() -> None:
    page = _page("A cable.[7](#f7) And [3].", notes=NOTES)
    assert '<sup class="note-ref">[7]</sup>' in page
    assert "[3]" in page
    assert broken(page) == []


def test_an_ordinary_in_page_link_is_left_alone() -> None:
    page = _page("[the summary](#summary-h) and [a](#top)")
    assert '<a href="#summary-h">the summary</a>' in page
    assert '<a href="#top">a</a>' in page


def test_emphasis_inside_editorial_brackets_renders() -> None:
    page = _page("Before [ _matter omitted_ ] after [sic] and [_illegible_].")
    assert "<em>matter omitted</em>" in page
    assert "_matter" not in page and "_ ]" not in page
    assert re.search(r'class="editorial editorial-gap">\[ <em>matter omitted</em> \]', page)
    assert 'editorial-illegible">[<em>illegible</em>]' in page


def test_text_bodies_keep_underscores_as_characters() -> None:
    page = _page("snake_case [ _x_ ]", "text")
    assert "snake_case" in page and "[ _x_ ]" in page and "<em>" not in page


def test_editorial_text_is_escaped() -> None:
    page = _page("[<b>x</b> _y_]")
    assert "<b>" not in page and "&lt;b&gt;" in page
