"""The hostile-input catalogue: every input → a clear `file:line:col` error or a safe page.

One site holds the whole catalogue (one file per case) and is built once with
--keep-going; each case then checks its own outcome, and the built HTML is scanned
the way a browser parses it for anything that could run. Adding a case is one row.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from archivist.model import Problem
from archivist.pipeline import BuildFailed, BuildReport, build
from archivist.slugs import file_id
from invariants import assert_invariants, output_texts, snapshot
from sitekit import site_records

ERROR, SAFE = "error", "safe"

FENCE = "---\n"
OK_FIELDS = "source: S\nrights: R\n"


def md(front: str, body: str = "Body text.") -> bytes:
    return (FENCE + front + ("" if front.endswith("\n") else "\n") + FENCE + body + "\n").encode()


XSS = [
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '" onmouseover="alert(1)',
    "javascript:alert(1)",
    "<svg onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "<!--",
    "]]><script>alert(1)</script>",
    "{{ config }} {% raw %}",
]


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    outcome: str  # ERROR: reported with file:line:col; SAFE: published, escaped
    line: int | None = None  # the line an error must point at, when known
    filename: str | None = None
    page: str | None = None  # the record id, when not the file name


def _q(text: str) -> str:
    return json.dumps(text)


def cases() -> Iterator[Case]:
    # -- script in every field and in the body -----------------------------------------
    for n, payload in enumerate(XSS):
        front = (
            f"title: {_q('T ' + payload)}\nsummary: {_q(payload)}\nsource: {_q(payload)}\n"
            f"rights: {_q(payload)}\ntype: {_q(payload)}\nplace: {_q(payload)}\n"
            f"archive: {_q(payload)}\nclassification: {_q(payload)}\nlanguage: {_q(payload)}\n"
            f"subjects: [{_q(payload)}]\ncollections: [{_q(payload)}]\n"
            f"translators: [{_q(payload)}]\nfunders: [{_q(payload)}]\n"
            f"participants:\n  - name: {_q('P ' + payload)}\n    role: {_q(payload)}\n"
            f"date: '1955'\ncustom_field: {_q(payload)}\n"
        )
        body = f"{payload}\n\nP {payload}: said this.\n\nA note [^1].\n\n[^1]: {payload}"
        yield Case(f"xss-fields-{n}", md(front, body), SAFE)
        # A date archivist cannot read may be an error or kept as written: never run.
        yield Case(f"xss-date-{n}", md(f"title: D\ndate: {_q(payload)}\n{OK_FIELDS}"), "either")
    links = [
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "[a](java&#x09;script:alert(1))",
        "[a](%6A%61vascript:alert(1))",
        "[a]( javascript:alert(1) )",
        "[a](vbscript:msgbox(1))",
        "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![a](javascript:alert(1))",
        "<javascript:alert(1)>",
        '[a](https://example.org/" onclick="alert(1))',
        "[a][r]\n\n[r]: javascript:alert(1)",
        "<a href='javascript:alert(1)'>raw</a>",
        "<img src=x onerror=alert(1)>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<base href=//evil.example/>",
        "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        "`<script>alert(1)</script>`",
        "```\n</code><script>alert(1)</script>\n```",
    ]
    for n, link in enumerate(links):
        yield Case(f"xss-body-{n}", md(f"title: Links {n}\n{OK_FIELDS}", link), SAFE)
    # -- YAML ---------------------------------------------------------------------------
    yield Case("yaml-duplicate", md("title: A\ntitle: B\n"), ERROR, 3)
    yield Case("yaml-anchor", md("title: &t A\nsummary: *t\n"), ERROR, 2)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    yield Case("yaml-billion-laughs", md("title: Bomb\n" + bomb), ERROR, 3)
    yield Case(
        "yaml-python-tag",
        md('title: !!python/object/apply:os.system ["touch /tmp/pwn"]\n'),
        ERROR,
        2,
    )
    yield Case("yaml-custom-tag", md("title: !secret x\n"), ERROR, 2)
    yield Case("yaml-binary-tag", md("title: !!binary aGVsbG8=\n"), ERROR, 2)
    yield Case(
        "yaml-1.1-surprises",
        md(f"title: NO\nsummary: 1:20\nrecord_id: 0777\nclassification: off\n{OK_FIELDS}"),
        SAFE,
    )
    yield Case("yaml-deep-flow", md("title: Deep\nx: " + "[" * 5000 + "]" * 5000 + "\n"), ERROR)
    yield Case(
        "yaml-deep-block",
        md(
            "title: Deep\n"
            + "".join("  " * i + f"k{i}:\n" for i in range(300))
            + "  " * 300
            + "v: 1\n"
        ),
        ERROR,
    )
    yield Case("yaml-list", md("- a\n- b\n"), ERROR, 2)
    yield Case("yaml-scalar", md("just a string\n"), ERROR, 2)
    yield Case("yaml-unterminated", b"---\ntitle: never closed\nbody?\n", ERROR, 1)
    yield Case("yaml-empty", b"---\n---\nBody\n", ERROR)
    yield Case("yaml-tab-indent", md("title: T\nparticipants:\n\t- name: A\n"), ERROR)
    yield Case("yaml-syntax", md("title: [unclosed\n"), ERROR)
    yield Case("yaml-huge-key", md("title: T\n" + "k" * 100_000 + ": v\n"), ERROR)
    yield Case("no-front-matter", b"Just text, no front matter.\n", ERROR, 1)
    yield Case("empty-file", b"", ERROR, 1)
    # -- encodings ------------------------------------------------------------------------
    text = f"---\ntitle: Encoded ü\n{OK_FIELDS}---\nBody ü.\n"
    yield Case(
        "invalid-utf8", md("title: Bad\n", "ok").replace(b"ok", b"ok\nline \xff two"), ERROR, 5
    )
    yield Case("utf16-le-bom", codecs.BOM_UTF16_LE + text.encode("utf-16-le"), SAFE)
    yield Case("utf16-be-bom", codecs.BOM_UTF16_BE + text.encode("utf-16-be"), SAFE)
    yield Case("utf16-no-bom", text.encode("utf-16-le"), ERROR, 1)
    yield Case("utf8-bom", codecs.BOM_UTF8 + text.encode(), SAFE)
    yield Case("nul-byte", md(f"title: NUL\n{OK_FIELDS}", "a\x00b"), ERROR, 6)
    yield Case("lone-surrogate-bytes", md("title: S\n", "x").replace(b"x", b"\xed\xa0\x80"), ERROR)
    yield Case("lone-surrogate-escape", md('title: "a \\ud800 b"\n'), ERROR, 2)
    yield Case("control-escape", md('title: "bell \\a"\n'), ERROR, 2)
    yield Case("control-raw", md("title: T\n", "esc \x1b[31m red"), ERROR)
    yield Case("cr-only", text.replace("\n", "\r").encode(), SAFE)
    yield Case("crlf", text.replace("\n", "\r\n").encode(), SAFE)
    yield Case("bidi-title", md(f"title: 'abc \u202egnp.exe'\n{OK_FIELDS}"), SAFE)
    yield Case("zero-width-title", md(f"title: 'a\u200bb\u2060c\ufeffd'\n{OK_FIELDS}"), SAFE)
    yield Case("line-separators", md(f"title: 'a\u2028b\u2029c'\n{OK_FIELDS}"), SAFE)
    yield Case("bidi-id", md("title: T\nid: 'abc\u202ed'\n"), ERROR, 3)
    yield Case("zero-width-id", md("title: T\nid: 'ab\u200bc'\n"), ERROR, 3)
    # -- paths and ids ------------------------------------------------------------------
    for n, bad_id in enumerate(
        [
            "../escape",
            "/etc/passwd",
            "%2e%2e",
            "..",
            "a/../../b",
            "a\\\\b",
            "a\\0b",
            "C:x",
            "-x",
            ".x",
        ]
    ):
        yield Case(f"bad-id-{n}", md(f'title: T\nid: "{bad_id}"\n'), ERROR, 3)
    yield Case("long-id", md("title: T\nid: " + "a" * 300 + "\n"), ERROR, 3)
    # A long file name gives a shortened id (its start and a hash), not a lost record.
    long_name = "b" * 200 + ".md"
    yield Case(
        "long-filename",
        md(f"title: Long name\n{OK_FIELDS}"),
        SAFE,
        filename=long_name,
        page=file_id((long_name,)),
    )
    yield Case(
        "case-twin-a", md(f"title: Twin\nid: Twin\n{OK_FIELDS}"), SAFE, None, "twin-1.md", "Twin"
    )
    yield Case("case-twin-b", md(f"title: Twin\nid: twin\n{OK_FIELDS}"), ERROR, 3, "twin-2.md")
    for reserved in ("pagefind", "search", "data", "static", "records", "index", "404"):
        yield Case(
            f"reserved-{reserved}",
            md(f"title: Reserved {reserved}\n{OK_FIELDS}"),
            SAFE,
            filename=f"{reserved}.md",
        )
    # -- dates --------------------------------------------------------------------------
    for n, date in enumerate(
        ["1955", "June 1955", "1955-06-30", "June 30, 1955", "undated", "1955-02-30", "c. 1955"]
    ):
        outcome = SAFE if n < 5 else "either"  # an impossible or vague date may be an error
        yield Case(f"date-{n}", md(f"title: Date {n}\ndate: {_q(date)}\n{OK_FIELDS}"), outcome)


CASES = {c.name: c for c in cases()}


@dataclass
class Built:
    root: Path
    out: Path
    report: BuildReport
    problems: list[Problem]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("hostile")
    content = root / "site" / "content"
    content.mkdir(parents=True)
    for case in CASES.values():
        (content / (case.filename or f"{case.name}.md")).write_bytes(case.data)
    # A secret outside the site, linked in two ways: never read, always reported.
    secret = root / "secret"
    secret.mkdir()
    (secret / "secret.md").write_text("---\ntitle: SECRET-TEXT-XYZ\n---\nSECRET-TEXT-XYZ\n")
    (content / "link-file.md").symlink_to(secret / "secret.md")
    (content / "link-dir").symlink_to(secret)
    os.mkfifo(content / "fifo.md")
    site = root / "site"
    out = root / "out" / "_site"
    out.parent.mkdir()
    before = snapshot(root, out)
    try:
        report = build(site, out, keep_going=True, jobs=1)
        raise AssertionError("the catalogue has errors: the build must fail")
    except BuildFailed as exc:
        assert exc.report is not None
        report = exc.report
    assert_invariants(report, out, before=before, root=root)
    return Built(root, out, report, report.problems)


def _problems_for(built: Built, case: Case) -> list[Problem]:
    name = f"content/{case.filename or case.name + '.md'}"
    return [p for p in built.problems if p.location.path == name and p.is_error]


@pytest.mark.parametrize("name", list(CASES))
def test_case(built: Built, name: str) -> None:
    case = CASES[name]
    errors = _problems_for(built, case)
    page = case.page or (case.filename or case.name + ".md").rsplit(".", 1)[0]
    published = (built.out / "records" / page / "index.html").is_file()
    if case.outcome == ERROR:
        assert errors, f"{name}: expected a reported error"
        for p in errors:
            assert p.location.line >= 1 and p.location.col >= 1
            assert re.fullmatch(r"content/.+:\d+:\d+", str(p.location))
        if case.line is not None:
            assert any(p.location.line == case.line for p in errors), errors
    elif case.outcome == SAFE:
        assert not errors, errors
        assert published, f"{name}: not published and not reported"
    else:
        assert errors or published


def test_symlinks_out_of_content_are_reported_and_never_read(built: Built) -> None:
    reported = {p.location.path for p in built.problems if "outside the content" in p.message}
    assert reported == {"content/link-file.md", "content/link-dir"}
    for rel, text in output_texts(built.out):
        assert "SECRET-TEXT-XYZ" not in text, rel


def test_fifo_is_reported_not_read(built: Built) -> None:
    assert any(
        p.location.path == "content/fifo.md" and "not a regular file" in p.message
        for p in built.problems
    )


def test_reserved_ids_publish_under_records(built: Built) -> None:
    for reserved in ("pagefind", "search", "data"):
        assert (built.out / "records" / reserved / "index.html").is_file()
    # The real bundle, search page and data survive.
    assert (built.out / "pagefind" / "pagefind.js").is_file()
    assert "Search" in (built.out / "search" / "index.html").read_text("utf-8")
    assert site_records(built.out)


def test_no_file_outside_out(built: Built) -> None:
    assert not Path("/tmp/pwn").exists()
    written = {p.relative_to(built.root).parts[0] for p in built.root.rglob("*")}
    assert written <= {"site", "out", "secret"}


# -- what a browser would run -----------------------------------------------------------

OUR_SCRIPTS = re.compile(r"^/(static|pagefind)/[\w./-]+\.js$")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application")


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.in_script: str | None = None
        self.script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                if cleaned.startswith(BAD_SCHEMES):
                    self.findings.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "base", "frame", "svg", "math") or (
            tag == "img" and (values.get("src") or "").startswith(("javascript", "x"))
        ):
            self.findings.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.findings.append("<meta refresh>")
        if tag == "script":
            kind = values.get("type") or ""
            src = values.get("src") or ""
            if kind in ("application/ld+json", "application/json"):  # data, never run
                self.in_script = "json"
            elif src and OUR_SCRIPTS.match(src):
                self.in_script = "ours"
            else:
                self.findings.append(f"<script {values}>")
                self.in_script = "bad"
            self.script_text = []

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.in_script:
            text = "".join(self.script_text)
            if self.in_script == "json":
                try:
                    json.loads(text)
                except ValueError:
                    self.findings.append(f"JSON data block broken out: {text[:80]!r}")
            elif self.in_script == "ours" and text.strip():
                self.findings.append("inline text in an external script")
            self.in_script = None


def scan(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.findings


def test_no_executable_markup_in_any_page(built: Built) -> None:
    findings = {}
    for page in sorted(built.out.rglob("*.html")):
        found = scan(page.read_text("utf-8"))
        if found:
            findings[page.relative_to(built.out).as_posix()] = found
    assert findings == {}


def test_payloads_are_shown_as_text(built: Built) -> None:
    page = (built.out / "records" / "xss-fields-0" / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_xml_and_json_outputs_parse(built: Built) -> None:
    import xml.etree.ElementTree as ET

    for name in ("sitemap.xml", "feed.xml"):
        ET.fromstring((built.out / name).read_bytes())
    for path in built.out.rglob("*.json"):
        json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>fine</p>", []),
        ('<a href="javascript:x">a</a>', ["<a href='javascript:x'>"]),
        ('<a href=" JaVa\tScRiPt:x">a</a>', ["<a href=' JaVa\\tScRiPt:x'>"]),
        ('<a href="&#106;avascript:x">a</a>', ["<a href='javascript:x'>"]),
        ("<img src=x onerror=alert(1)>", ["<img onerror=…>", "<img>"]),
        ("<script>alert(1)</script>", ["<script {}>"]),
        ('<script src="/static/search.js"></script>', []),
        ('<script type="application/ld+json">{"a": "</p>"}</script>', []),
        ('<script type="application/json" id="cite-data">{"a": 1}</script>', []),
        (
            '<script type="application/json">{"a": "</script><script>x</script>',
            ['JSON data block broken out: \'{"a": "\'', "<script {}>"],
        ),
    ],
)
def test_scanner_finds_what_runs(html: str, expected: list[str]) -> None:
    """The scanner itself: it must find each way a page could run code."""
    assert scan(html) == expected


@pytest.mark.browser
def test_nothing_runs_in_a_real_browser(built: Built, browser: Any) -> None:
    """Every payload page in headless Chromium: no dialog, no script error from ours."""
    import http.server
    import threading
    from functools import partial

    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(built.out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    fired: list[str] = []
    page = browser.new_page()
    try:
        page.on("dialog", lambda d: (fired.append(f"{page.url}: {d.message}"), d.dismiss()))
        names = [n for n in CASES if n.startswith("xss")]
        urls = [f"records/{n}/" for n in names if (built.out / "records" / n).is_dir()]
        urls += ["", "people/", "types/", "search/?q=alert"]
        for url in urls:
            page.goto(base + url, wait_until="load")
            for link in page.locator("main a").all()[:40]:
                href = link.get_attribute("href") or ""
                assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
            page.mouse.move(5, 5)
            page.mouse.move(300, 300)
            assert page.evaluate("() => window.__pwned === undefined")
    finally:
        page.close()
        httpd.shutdown()
        httpd.server_close()
    assert fired == []
