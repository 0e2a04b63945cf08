"""Building whole sites: every record published, links resolve, search holds every record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivist.pipeline import BuildFailed
from sitekit import broken_links, build_site, copy_example, make_site, record, text_of

SEED_ID = "000_368422b42ee8f2a8"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = copy_example(tmp_path_factory.mktemp("example"))
    out, _ = build_site(root)
    return root, out


def test_every_record_has_its_page_and_the_index_holds_it(example: tuple[Path, Path]) -> None:
    root, out = example
    sources = [p for p in (root / "content").iterdir() if p.suffix in (".md", ".txt")]
    for source in sources:
        assert (out / "records" / source.stem / "index.html").is_file(), source.name
    manifest = json.loads((out / "pagefind" / "search-manifest.json").read_text())
    assert manifest["entries"] == len(sources)
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(sources)
    assert (out / "pagefind" / "pagefind.js").is_file()


def test_seed_page_shows_its_metadata(example: tuple[Path, Path]) -> None:
    _, out = example
    html = (out / "records" / SEED_ID / "index.html").read_text(encoding="utf-8")
    text = text_of(html)
    assert "Conversation of Mao Zedong and the Yugoslav Ambassador V. Popovic" in text
    assert "June 30, 1955" in text
    assert "Mao Zedong" in text and "V. Popovic" in text and "Yugoslav Ambassador" in text
    assert "Zhong Su guanxi dang'an wenxian xuanbian" in text
    assert "The History and Public Policy Program welcomes reuse" in text
    assert "David Wolff" in text and "Leon Levy Foundation" in text
    assert 'href="/people/mao-zedong/"' in html
    assert "Skip to content" not in text.replace('class="skip-link"', "").split("Text", 1)[-1]


def test_example_pages_exist(example: tuple[Path, Path]) -> None:
    _, out = example
    for rel in (
        "index.html", "404.html", "sitemap.xml", "robots.txt", "feed.xml", "search/index.html",
        "years/index.html", "years/1955/index.html", "years/undated/index.html",
        "people/index.html", "types/index.html", "data/records.jsonl.gz",
    ):  # fmt: skip
        assert (out / rel).is_file(), rel
    assert "Undated note on a catalogue card" in (out / "years/undated/index.html").read_text()


def test_no_broken_internal_links(example: tuple[Path, Path]) -> None:
    _, out = example
    assert broken_links(out) == []


def test_sub_path_base_url_links_resolve(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "site")
    out, _ = build_site(root, base_url="https://example.org/archive/")
    assert broken_links(out, "/archive/", "https://example.org/archive/") == []
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="/archive/static/archivist.css"' in home
    assert "https://example.org/archive/records/" in (out / "sitemap.xml").read_text()


def test_record_text_is_escaped(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {
            "x.md": record(
                "<script>alert(1)</script>",
                body="<img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://ok.example/)",
                summary='"<b onmouseover=alert(1)>"',
            )
        },
    )
    out, _ = build_site(root)
    page = (out / "records" / "x" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://ok.example/"' in page


def test_a_failed_build_leaves_the_previous_site(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"a.md": record("A", date="1950")})
    out, _ = build_site(root)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (root / "content" / "b.md").write_text("---\ntitle: B\ntitle: C\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(root)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before == after


def test_keep_going_publishes_the_rest_and_still_fails(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"a.md": record("A", date="1950"), "b.md": "---\ntitle: [\n---\n"})
    out = tmp_path / "_site"
    with pytest.raises(BuildFailed, match="published the 1 other"):
        build_site(root, out, keep_going=True)
    assert (out / "records" / "a" / "index.html").is_file()
    assert not (out / "records" / "b").exists()
