"""What a researcher sees on the search page of a built site, checked in Chromium.

    python bench/search_checks.py exclude SITE 'Indonesia+-Dutch' Dutch
    python bench/search_checks.py excerpts SITE Menzies [--pages 3]
    python bench/search_checks.py keyboard SITE [--query Menzies]

- exclude: the number of records found, and how many of the first page's results
  contain WORD in their record page's text (title, metadata, body and notes);
- excerpts: of the results on the first pages whose body names SURNAME, how many show
  an excerpt taken from that body (not a named metadata field);
- keyboard: Tab presses from the page's start to the search box and to the first
  result, and how many people checkboxes the page shows after "Show all people".

The figures in bench/README.md (issue 16) come from these, run on builds before and
after the change.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
DONE = "() => /found|No records/.test(document.getElementById('search-status').textContent)"
RECORD_TEXT = """async (url) => {
  const doc = new DOMParser().parseFromString(await (await fetch(url)).text(), 'text/html');
  return [...doc.querySelectorAll(SELECTOR)].map((n) => n.textContent).join(' ');
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class declares it as a class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def search_page(site: Path) -> Iterator[tuple[Any, str]]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            yield page, f"http://127.0.0.1:{server.server_address[1]}/search/"
            browser.close()
    finally:
        server.shutdown()


def record_text(page: Any, url: str, selector: str) -> str:
    return str(page.evaluate(RECORD_TEXT.replace("SELECTOR", json.dumps(selector)), url))


def exclude(site: Path, query: str, word: str) -> dict[str, Any]:
    with search_page(site) as (page, base):
        page.goto(f"{base}?q={query}")
        page.wait_for_function(DONE, timeout=120_000)
        hrefs = page.eval_on_selector_all(
            "#search-results a.record-title", "as => as.map(a => a.getAttribute('href'))"
        )
        pattern = re.compile(rf"\b{re.escape(word)}\b", re.I)
        selector = "h1, .record-body, .record-notes, section.metadata"
        holding = sum(1 for h in hrefs if pattern.search(record_text(page, h, selector)))
        return {
            "status": page.text_content("#search-status"),
            "shown": len(hrefs),
            f"containing {word}": holding,
        }


LABELLED = re.compile(r"^(Title|Participants?|Summary|Notes?|Archival reference):")


def _plain(text: str) -> str:
    return re.sub(r"\W+", " ", text.replace("…", " ")).strip().lower()


def excerpts(site: Path, surname: str, pages: int) -> dict[str, Any]:
    named = from_body = 0
    pattern = re.compile(rf"\b{re.escape(surname)}\b", re.I)
    with search_page(site) as (page, base):
        for n in range(1, pages + 1):
            page.goto(f"{base}?q={surname}&page={n}")
            page.wait_for_function(DONE, timeout=120_000)
            rows = page.eval_on_selector_all(
                "#search-results li",
                """items => items.map(li => [li.querySelector('a.record-title').getAttribute('href'),
                    li.querySelector('.search-excerpt').textContent])""",
            )
            for href, excerpt in rows:
                body = record_text(page, href, ".record-body")
                if not pattern.search(body):
                    continue
                named += 1
                cut = _plain(excerpt)
                probe = cut[len(cut) // 4 : len(cut) // 4 + 30]
                if probe and probe in _plain(body) and not LABELLED.match(excerpt):
                    from_body += 1
    return {"results whose body names it": named, "excerpt from that body": from_body}


def keyboard(site: Path, query: str) -> dict[str, Any]:
    with search_page(site) as (page, base):
        page.goto(f"{base}?q={query}")
        page.wait_for_function(DONE, timeout=120_000)
        to_box = to_first = None
        for n in range(1, 400):
            page.keyboard.press("Tab")
            if to_box is None and page.evaluate("() => document.activeElement.id === 'search-q'"):
                to_box = n
            if page.evaluate("() => document.activeElement.matches('#search-results a')"):
                to_first = n
                break
        more = page.locator("button.facet-more[data-facet=person]")
        if more.count():
            more.click()
            page.wait_for_timeout(1500)
        return {
            "tabs to the search box": to_box,
            "tabs to the first result": to_first,
            "people checkboxes": page.locator("input[data-facet=person]").count(),
            "people find box": page.locator("#facet-find-person").count(),
            "page height px": page.evaluate("() => document.documentElement.scrollHeight"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="check", required=True)
    one = sub.add_parser("exclude")
    one.add_argument("site", type=Path)
    one.add_argument("query", help="as in the URL: Indonesia+-Dutch")
    one.add_argument("word")
    two = sub.add_parser("excerpts")
    two.add_argument("site", type=Path)
    two.add_argument("surname")
    two.add_argument("--pages", type=int, default=3)
    three = sub.add_parser("keyboard")
    three.add_argument("site", type=Path)
    three.add_argument("--query", default="Menzies")
    args = parser.parse_args()
    if args.check == "exclude":
        result = exclude(args.site, args.query, args.word)
    elif args.check == "excerpts":
        result = excerpts(args.site, args.surname, args.pages)
    else:
        result = keyboard(args.site, args.query)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
