"""Helpers for tests that build whole sites: make a site folder, build it, read it."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from archivist.pipeline import BuildReport, build

REPO = Path(__file__).resolve().parents[1]


def make_site(root: Path, records: dict[str, str], config: str | None = None) -> Path:
    """A site folder with `content/<name>` files and an optional archivist.yaml."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    for name, text in records.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config is not None:
        (root / "archivist.yaml").write_text(config, encoding="utf-8")
    return root


def copy_example(root: Path) -> Path:
    """A copy of the repo's example archive (content/ and archivist.yaml)."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "archivist.yaml", root / "archivist.yaml")
    return root


def build_site(root: Path, out: Path | None = None, **kwargs: object) -> tuple[Path, BuildReport]:
    out = out or root / "_site"
    report = build(root, out, **kwargs)  # type: ignore[arg-type]
    return out, report


def site_records(out: Path) -> list[dict[str, object]]:
    """Every record of a built site, from its data/records.jsonl.gz, in its order."""
    text = gzip.decompress((out / "data" / "records.jsonl.gz").read_bytes()).decode("utf-8")
    # Lines end with "\n" only: U+2028 or U+0085 inside a string is no line break.
    return [json.loads(line) for line in text.split("\n")[:-1]]


def record(title: str, body: str = "Text.", **fields: str) -> str:
    """A Markdown record with the given front-matter fields (values as YAML text)."""
    lines = ["---", f"title: {json.dumps(title)}"]
    lines += [f"{k}: {v}" for k, v in fields.items()]
    lines += ["---", body, ""]
    return "\n".join(lines)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            if name == "data-bundle":  # the search page loads <bundle>pagefind.js
                self.links.append(value + "pagefind.js")
            if name == "id":
                self.ids.add(value)


def links_of(html: str) -> tuple[list[str], set[str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links, parser.ids


def broken_links(out: Path, base_path: str = "/", site_url: str | None = None) -> list[str]:
    """Every internal link/asset in every HTML page that does not resolve to a file."""
    broken: list[str] = []
    pages = sorted(out.rglob("*.html"))
    ids_of: dict[Path, set[str]] = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        links, ids = links_of(html)
        ids_of[page] = ids
        for link in links:
            if site_url and link.startswith(site_url):
                link = base_path + link[len(site_url) :]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            if not parts.path:
                continue  # a fragment in the same page
            if not parts.path.startswith(base_path):
                broken.append(f"{page.relative_to(out)}: {link} (outside {base_path})")
                continue
            rel = unquote(parts.path[len(base_path) :])
            target = out / rel
            if rel == "" or rel.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(out)}: {link}")
    return broken


def text_of(html: str) -> str:
    """Visible text of an HTML page, whitespace folded (for assertions)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    import html as h

    return " ".join(h.unescape(text).split())
