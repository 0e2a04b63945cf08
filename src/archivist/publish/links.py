"""Every internal link and anchor of a built site, checked on disk before publishing.

`check_links(out, base_url)` lists the output folder once, then reads each HTML page
once: it keeps the page's ids (`id`, and `name` on `<a>`) and checks each link
(`href`, `src`, `srcset`, `poster`, a form's `action`, the search page's
`data-bundle`) as a browser at the site's address would resolve it. A link must name
a file of the site (`…/` means its `index.html`), inside the base path; a `#fragment`
into an HTML page must name an element of that page. Links to other hosts are counted,
never fetched.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from archivist.config import Config

# A start tag with its attributes (quoted values may hold `>`), or a span to skip:
# a comment, or a script or style element (its text is not markup).
_TOKEN = re.compile(
    r"""<!--.*?-->"""
    r"""|<(script|style)\b((?:[^>"']+|"[^"]*"|'[^']*')*)>.*?</\1\s*>"""
    r"""|<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']+|"[^"]*"|'[^']*')*)>""",
    re.S | re.I,
)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# Attributes holding a URL, on any element but <base>; (tag, attribute) pairs below.
_URL_ATTRS = frozenset({"href", "xlink:href", "src", "poster"})
_TAG_URL_ATTRS = frozenset({("form", "action"), ("object", "data")})
_WANTED = _URL_ATTRS | {"id", "name", "srcset", "action", "data", "data-bundle"}
# A link that leads to the same place from every page: a path from the root, or a URL.
_PAGE_INDEPENDENT = re.compile(r"/(?!/)|[a-zA-Z][a-zA-Z0-9+.-]*:")
_PAGE_SUFFIXES = (".html", ".htm")
# Where a relative link is resolved when the site's own origin is not known.
_NO_ORIGIN = "http://site.invalid"


@dataclass(frozen=True)
class BrokenLink:
    """One link that leads nowhere: the page holding it (a path in the output
    folder), the link as written, and why."""

    page: str
    link: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link}: {self.message}"


@dataclass
class LinkReport:
    """What a link check saw: pages read, links checked, links to other hosts."""

    pages: int = 0
    links: int = 0
    external: int = 0
    broken: list[BrokenLink] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.pages} pages, {self.links} internal links checked "
            f"({self.external} to other sites not fetched): {len(self.broken)} broken"
        )


@dataclass(frozen=True)
class _Target:
    """Where a link leads: the file it names (None: none, `message` says why) and
    its decoded #fragment ("" for none)."""

    file: str | None
    message: str
    fragment: str


@dataclass
class _Site:
    """The built site as a browser sees it: where it lives and which files it has."""

    origin: str  # scheme://host of the site, or _NO_ORIGIN
    base_path: str  # `/` or `/archive/`
    files: frozenset[str]  # every file, as a path relative to the output folder
    folders: frozenset[str]
    # Links that lead to the same place from every page, resolved once each.
    known: dict[str, _Target | None] = field(default_factory=dict)

    def page_url(self, page: str) -> str:
        """The address a page is served at: `records/x/index.html` → …/records/x/."""
        url = page[: -len("index.html")] if page.rsplit("/", 1)[-1] == "index.html" else page
        return self.origin + self.base_path + url

    def resolve(self, page: str, link: str) -> _Target | None:
        """Where `link` on `page` leads; None for another host."""
        if link.startswith("#"):
            return _Target(page, "", unquote(link[1:]))
        if _PAGE_INDEPENDENT.match(link):
            if link not in self.known:
                self.known[link] = self.target(urljoin(self.origin + self.base_path, link))
            return self.known[link]
        return self.target(urljoin(self.page_url(page), link))

    def target(self, url: str) -> _Target | None:
        """Where an absolute URL leads; None for another host."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}".lower() != self.origin.lower():
            return None
        fragment = unquote(parts.fragment)
        path = unquote(parts.path)
        if path + "/" == self.base_path:
            path += "/"
        if not path.startswith(self.base_path):
            return _Target(None, f"outside the site's base path {self.base_path}", fragment)
        rel = path[len(self.base_path) :]
        wanted = rel + "index.html" if rel == "" or rel.endswith("/") else rel
        if wanted in self.files:
            return _Target(wanted, "", fragment)
        if rel in self.folders and f"{rel}/index.html" in self.files:
            # Servers redirect a folder to folder/.
            return _Target(f"{rel}/index.html", "", fragment)
        return _Target(None, f"no file {wanted} in the site", fragment)


def _listing(out: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Every file and folder under `out`, as relative POSIX paths, in one walk."""
    files: set[str] = set()
    folders: set[str] = set()
    for root, dirs, names in os.walk(out):
        rel = os.path.relpath(root, out).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        folders.update(prefix + d for d in dirs)
        files.update(prefix + n for n in names)
    return frozenset(files), frozenset(folders)


def _srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset`: comma-separated candidates, each `url [descriptor]`."""
    return [c.split()[0] for c in re.split(r",\s+", value.strip()) if c.strip()]


def scan_page(text: str) -> tuple[list[str], set[str]]:
    """(the URLs a page links to, in order; the fragment ids its elements define)."""
    links: list[str] = []
    ids: set[str] = set()
    for raw_tag, script_attrs, other_tag, other_attrs in _TOKEN.findall(text):
        attrs = script_attrs or other_attrs
        tag = (raw_tag or other_tag).lower()
        if "=" not in attrs or tag == "base":
            continue  # a comment, or a tag without a value to check
        for raw_name, double, single, bare in _ATTR.findall(attrs):
            name = raw_name.lower()
            if name not in _WANTED:
                continue
            value = double or single or bare
            value = html.unescape(value) if "&" in value else value
            if name == "id" or (name == "name" and tag == "a"):
                ids.add(value)
            elif name in _URL_ATTRS or (tag, name) in _TAG_URL_ATTRS:
                links.append(value)
            elif name == "srcset":
                links.extend(_srcset_urls(value))
            elif name == "data-bundle":  # the search page loads <data-bundle>pagefind.js
                links.append(value.rstrip("/") + "/pagefind.js")
    return links, ids


def _fragment_found(fragment: str, ids: frozenset[str]) -> bool:
    # `#top` scrolls to the top without an element; `#:~:text=` is a text fragment.
    return fragment in ids or fragment.lower() == "top" or fragment.startswith(":~:")


def _origin(config: Config) -> str:
    site_url = config.site_url
    if site_url is None:
        return _NO_ORIGIN
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}"


def check_links(out: Path, base_url: str = "/") -> LinkReport:
    """Check every internal link and anchor of the site built into `out`, as it will
    be served at `base_url` (a URL or a path: what `--base-url` was at build time)."""
    config = Config(base_url=base_url)
    files, folders = _listing(out)
    site = _Site(_origin(config), config.base_path, files, folders)
    report = LinkReport()
    ids_of: dict[str, frozenset[str]] = {}
    # (page, link, target page, fragment): checked once every page has been read.
    anchors: list[tuple[str, str, str, str]] = []
    for page in sorted(f for f in files if f.endswith(_PAGE_SUFFIXES)):
        report.pages += 1
        links, ids = scan_page((out / page).read_text(encoding="utf-8", errors="replace"))
        ids_of[page] = frozenset(ids)
        for link in links:
            url = link.strip()
            target = site.resolve(page, url) if url not in ("", "#") else _Target(page, "", "")
            if target is None:
                report.external += 1
                continue
            report.links += 1
            if target.file is None:
                report.broken.append(BrokenLink(page, link, target.message))
            elif target.fragment and target.file.endswith(_PAGE_SUFFIXES):
                anchors.append((page, link, target.file, target.fragment))
    missing = [
        BrokenLink(page, link, _no_anchor(fragment, target, page))
        for page, link, target, fragment in anchors
        if not _fragment_found(fragment, ids_of[target])
    ]
    # Stable: each page's missing files first, then its missing anchors, in link order.
    report.broken = sorted(report.broken + missing, key=lambda b: b.page)
    return report


def _no_anchor(fragment: str, target: str, page: str) -> str:
    where = "on this page" if target == page else f"in {target}"
    return f'no element with id "{fragment}" {where}'
