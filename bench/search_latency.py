"""How fast the search page answers: `python bench/search_latency.py SITE [--query Q] [--runs N]`.

Serves a built site on 127.0.0.1 and opens `/search/?q=Q` in Debian's headless Chromium
(Playwright with executable_path), a fresh browser context (empty cache) per run. Prints
the median of:

- idle: navigation to `/search/` (no query) until the page has drawn its facets and can
  be used (the facets before a search come from the manifest);
- ready: navigation start until the search status says how many records were found
  (manifest, Pagefind, every shard merged, the query run, the results filtered and
  counted, and the first page of results rendered);
- typed: on the loaded page, typing a second query until its results are rendered
  (includes the page's 200 ms typing debounce);
- bytes and requests: what the browser fetched for `ready`.

Use it to compare shard layouts of one archive, e.g. builds with search_shard_size
1000 and 5000: same machine, same run.

`--pagefind-ui` measures the other side instead: SITE is a Hugo + Pagefind site's
`public/` folder (bench/hugo_site.py, one Pagefind index), and the page is Pagefind's
own default UI (written into SITE as `pagefind-ui-bench/`), given the query from the
URL; `ready` ends when its first results are drawn (it shows 5, archivist 20).

`--against PUBLIC` measures both in the same run, one run of each in turn, so that
both sides see the same load: SITE is archivist's output, PUBLIC the Hugo + Pagefind
site of the same records (`python bench/hugo_site.py CONTENT HUGO_SITE` builds it).

The server closes each connection (HTTP/1.0). `--keep-alive` keeps them open (HTTP/1.1,
Nagle's algorithm off: with it on, a kept-alive response stalls ~40 ms on the delayed
ACK), as static hosts serve; on this machine both give the same figures within noise.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class declares it as a class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(site: Path, query: str, second: str, runs: int) -> dict[str, float]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    ready: list[float] = []
    typed: list[float] = []
    fetched: list[float] = []
    requests: list[float] = []
    idle: list[float] = []
    done_js = "() => /found|No records/.test(document.getElementById('search-status').textContent)"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"]
            )
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(f"{base}search/")
                page.wait_for_selector("#search[data-searches]", state="attached", timeout=120_000)
                idle.append(time.perf_counter() - t0)
                context.close()
                context = browser.new_context()
                page = context.new_page()
                sizes: list[int] = []
                page.on(
                    "response",
                    lambda r, sizes=sizes: sizes.append(int(r.headers.get("content-length", 0))),
                )
                _throttle(context, page)
                t0 = time.perf_counter()
                page.goto(f"{base}search/?q={query}")
                page.wait_for_function(done_js, timeout=120_000)
                ready.append(time.perf_counter() - t0)
                fetched.append(sum(sizes) / 1e6)
                requests.append(len(sizes))
                page.evaluate("document.getElementById('search-status').textContent = ''")
                t1 = time.perf_counter()
                page.fill("#search-q", second)
                page.wait_for_function(done_js, timeout=120_000)
                typed.append(time.perf_counter() - t1)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return {
        "idle_s": statistics.median(idle),
        "ready_s": statistics.median(ready),
        "typed_s": statistics.median(typed),
        "fetched_mb": statistics.median(fetched),
        "requests": statistics.median(requests),
    }


# Round-trip time added to every request (`--rtt`): localhost has none, a host does.
RTT_MS = 0


def _throttle(context: Any, page: Any) -> None:
    if RTT_MS:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        conditions = {"offline": False, "latency": RTT_MS, "downloadThroughput": -1}
        cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": -1})


_UI_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pagefind UI bench</title>
<link href="/pagefind/pagefind-ui.css" rel="stylesheet">
<script src="/pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div><script src="bench.js"></script></body></html>
"""
_UI_SCRIPT = """const ui = new PagefindUI({ element: "#search", showSubResults: false });
const q = new URLSearchParams(location.search).get("q");
if (q) ui.triggerSearch(q);
"""


def measure_pagefind_ui(public: Path, query: str, second: str, runs: int) -> dict[str, float]:
    """Pagefind's own UI over one index: the same figures as `measure`."""
    page_dir = public / "pagefind-ui-bench"
    page_dir.mkdir(exist_ok=True)
    (page_dir / "index.html").write_text(_UI_PAGE, encoding="utf-8")
    (page_dir / "bench.js").write_text(_UI_SCRIPT, encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(public))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/pagefind-ui-bench/"
    ready: list[float] = []
    typed: list[float] = []
    fetched: list[float] = []
    requests: list[float] = []

    def shown(term: str) -> str:
        return (
            "() => { const m = document.querySelector('.pagefind-ui__message');"
            f" return m && m.textContent.includes({term!r})"
            " && document.querySelector('.pagefind-ui__result-link') !== null; }"
        )

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"]
            )
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                sizes: list[int] = []
                page.on(
                    "response",
                    lambda r, sizes=sizes: sizes.append(int(r.headers.get("content-length", 0))),
                )
                _throttle(context, page)
                t0 = time.perf_counter()
                page.goto(f"{base}?q={query}")
                page.wait_for_function(shown(query.replace("+", " ")), timeout=120_000)
                ready.append(time.perf_counter() - t0)
                fetched.append(sum(sizes) / 1e6)
                requests.append(len(sizes))
                t1 = time.perf_counter()
                page.fill(".pagefind-ui__search-input", second)
                page.wait_for_function(shown(second), timeout=120_000)
                typed.append(time.perf_counter() - t1)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return {
        "idle_s": float("nan"),
        "ready_s": statistics.median(ready),
        "typed_s": statistics.median(typed),
        "fetched_mb": statistics.median(fetched),
        "requests": statistics.median(requests),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--query", default="government", help="as in the URL: Indonesia+-Dutch")
    parser.add_argument("--second", default="minister")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--pagefind-ui", action="store_true", help="SITE is a Hugo + Pagefind public/ folder"
    )
    parser.add_argument("--rtt", type=int, default=0, help="ms added to every request")
    parser.add_argument(
        "--keep-alive", action="store_true", help="HTTP/1.1 kept-alive connections, Nagle off"
    )
    parser.add_argument(
        "--against", type=Path, help="a Hugo + Pagefind public/ folder, measured in turn"
    )
    args = parser.parse_args()
    global RTT_MS
    RTT_MS = args.rtt
    if args.keep_alive:
        _Quiet.protocol_version = "HTTP/1.1"
        _Quiet.disable_nagle_algorithm = True
    if args.against is not None:
        sides: dict[Path, list[dict[str, float]]] = {args.site: [], args.against: []}
        for _ in range(args.runs):
            sides[args.site].append(measure(args.site, args.query, args.second, 1))
            sides[args.against].append(
                measure_pagefind_ui(args.against, args.query, args.second, 1)
            )
        for site, results in sides.items():
            medians = {k: statistics.median(r[k] for r in results) for k in results[0]}
            _report(site, medians, args.runs, args.rtt)
        return
    run = measure_pagefind_ui if args.pagefind_ui else measure
    _report(args.site, run(args.site, args.query, args.second, args.runs), args.runs, args.rtt)


def _report(site: Path, result: dict[str, float], runs: int, rtt: int) -> None:
    shards = len(list((site / "pagefind").glob("shard-*")))
    if (site / "pagefind" / "shard-0").is_dir():
        layout = f"{shards} shard(s) merged into one bundle at build time"
    elif shards:  # shard 0 is the bundle in pagefind/
        layout = f"{shards + 1} shards"
    else:
        layout = "one Pagefind index"
    print(
        f"{site}: {layout}; idle {result['idle_s']:.2f} s, "
        f"ready {result['ready_s']:.2f} s, "
        f"typed {result['typed_s']:.2f} s, fetched {result['fetched_mb']:.1f} MB "
        f"in {result['requests']:.0f} requests "
        f"(medians of {runs}{f', {rtt} ms RTT' if rtt else ''}, {_Quiet.protocol_version})"
    )


if __name__ == "__main__":
    main()
