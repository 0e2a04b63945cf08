"""`archivist check --links`: every internal link and #anchor of a built site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist.cli import main
from archivist.publish.links import BrokenLink, check_links, scan_page
from sitekit import build_site, copy_example

BASE = "https://example.org/archive/"
RECORD = "records/example-telegram-1949/index.html"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example archive built at the site root: its site folder (output in _site)."""
    root = copy_example(tmp_path_factory.mktemp("example"))
    build_site(root)
    return root


@pytest.fixture(scope="module")
def under_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example archive built for https://example.org/archive/: its output folder."""
    root = copy_example(tmp_path_factory.mktemp("sub"))
    out, _ = build_site(root, base_url=BASE)
    return out


def plant(out: Path, page: str, html: str) -> None:
    """Add `html` at the end of the page's <main>."""
    path = out / page
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</main>", html + "</main>", 1), encoding="utf-8")


def site(tmp_path: Path, pages: dict[str, str]) -> Path:
    for rel, html in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(html, encoding="utf-8")
    return tmp_path


def test_the_example_site_has_no_broken_link(example: Path) -> None:
    report = check_links(example / "_site")
    assert report.broken == []
    assert report.pages > 30 and report.links > 500


def test_clean_site_exits_0(example: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--links", "--site", str(example)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].endswith(": 0 broken")


def test_planted_broken_anchor_and_page_are_reported_with_page_and_link(
    example: Path, tmp_path: Path
) -> None:
    out = tmp_path / "_site"
    shutil.copytree(example / "_site", out)
    plant(out, RECORD, '<a href="#nowhere">x</a><a href="/records/no-such-record/">y</a>')
    plant(out, "index.html", f'<a href="/{RECORD[: -len("index.html")]}#fn-9">z</a>')
    result = CliRunner().invoke(
        main, ["check", "--links", "--site", str(example), "--out", str(out)]
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:-1] == [
        f'{out.as_posix()}/index.html: /{RECORD[:-10]}#fn-9: no element with id "fn-9" in {RECORD}',
        f"{out.as_posix()}/{RECORD}: /records/no-such-record/: "
        "no file records/no-such-record/index.html in the site",
        f'{out.as_posix()}/{RECORD}: #nowhere: no element with id "nowhere" on this page',
    ]
    assert lines[-1].endswith(": 3 broken")


def test_github_and_json_formats(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    shutil.copytree(example / "_site", out)
    plant(out, RECORD, '<a href="#nowhere">x</a>')
    args = ["check", "--links", "--site", str(example), "--out", str(out), "--format"]
    github = CliRunner().invoke(main, [*args, "github"])
    assert github.exit_code == 1
    assert github.stdout.startswith(f"::error file={out.as_posix()}/{RECORD},title=broken link::")
    result = CliRunner().invoke(main, [*args, "json"])
    assert result.exit_code == 1
    assert '"link": "#nowhere"' in result.stdout


def test_the_base_path_is_respected(under_path: Path, tmp_path: Path) -> None:
    assert check_links(under_path, BASE).broken == []
    assert check_links(under_path, "/archive/").broken == []
    # Checked as if served at the root, every link misses.
    assert len(check_links(under_path, "/").broken) > 100
    out = tmp_path / "_site"
    shutil.copytree(under_path, out)
    plant(out, RECORD, '<a href="/elsewhere/">a</a><a href="https://example.org/archive/x/">b</a>')
    plant(out, RECORD, '<a href="https://other.example/">c</a>')
    assert check_links(out, BASE).broken == [
        BrokenLink(RECORD, "/elsewhere/", "outside the site's base path /archive/"),
        BrokenLink(RECORD, "https://example.org/archive/x/", "no file x/index.html in the site"),
    ]


def test_base_url_flag_and_setting(under_path: Path, tmp_path: Path) -> None:
    args = ["check", "--links", "--site", str(tmp_path), "--out", str(under_path)]
    assert CliRunner().invoke(main, args).exit_code == 1
    assert CliRunner().invoke(main, [*args, "--base-url", BASE]).exit_code == 0
    (tmp_path / "archivist.yaml").write_text(f"base_url: {BASE}\n", encoding="utf-8")
    assert CliRunner().invoke(main, args).exit_code == 0


def test_relative_links_folders_and_fragments(tmp_path: Path) -> None:
    out = site(
        tmp_path,
        {
            "index.html": '<a href="a/">a</a><a href="a">folder</a><a href="a/#sec">s</a>'
            '<a href="b.html#gone">g</a><a href="#top">t</a><a href="#">h</a>'
            '<a href="mailto:x@example.org">m</a><img src="data:image/png;base64,AA">',
            "a/index.html": '<h2 id="sec">S</h2><a href="../b.html#n">b</a><a href="../c/">c</a>',
            "b.html": '<a name="n"></a><img srcset="/img.png 1x, /missing.png 2x">',
            "img.png": "",
        },
    )
    report = check_links(out)
    assert [str(b) for b in report.broken] == [
        "a/index.html: ../c/: no file c/index.html in the site",
        "b.html: /missing.png: no file missing.png in the site",
        'index.html: b.html#gone: no element with id "gone" in b.html',
    ]
    assert report.external == 2


def test_scan_page_skips_comments_scripts_and_reads_quoted_values() -> None:
    text = (
        '<!-- <a href="/commented/"> --><script>let a = "<a href=\\"/in-script/\\">";</script>'
        "<a title=\"a > b\" href='/x/?a=1&amp;b=2' id=top-link>x</a>"
        '<div id="search" data-bundle="/pagefind/"></div><base href="/ignored/">'
    )
    links, ids = scan_page(text)
    assert links == ["/x/?a=1&b=2", "/pagefind/pagefind.js"]
    assert ids == {"top-link", "search"}


def test_no_built_site_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--links", "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert "no built site" in result.stderr


def test_out_without_links_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--site", str(tmp_path), "--out", "x"])
    assert result.exit_code == 2
