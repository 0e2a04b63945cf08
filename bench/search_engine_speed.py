"""Two versions of the query engine on one built site: `python bench/search_engine_speed.py SITE [--against REV] [--runs N] [QUERY...]`.

Loads `static/search-engine.js` as committed at REV (default `main`) and as in the
working tree into one Chromium page over SITE (a built archive, served on 127.0.0.1),
each given the manifest's shards and the search table as the search page gives them.
Every file is served from memory after its first load, so the times are the engines'
compute (and gzip inflate), not the network.

- Compares, for each query, every result of both (id, score, shard, place, words, a
  fresh index then the same index again) and the first 20 results' `data()`, and
  `search(null)`; prints `same` or `DIFFERENT` per query, and exits 1 on a difference.
- Times each query on a fresh index (`cold`: its chunks read and decoded) and again on
  the same index (`warm`), with the first 20 results' places and data; prints the
  medians of N runs, the two versions interleaved, since this machine's speed varies
  by a third within minutes.
"""

from __future__ import annotations

import argparse
import http.server
import statistics
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "minister",
    "government",
    "minist",
    "foreign minister talks",
    '"prime minister"',
    "quokka",
]


def handler(engines: dict[str, bytes], site: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {  # noqa: RUF012 - the base class declares it as a class attribute
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".js": "text/javascript",
            ".json": "application/json",
        }

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def do_GET(self) -> None:
            name = self.path.removeprefix("/__engine/")
            if name not in engines:
                super().do_GET()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.end_headers()
            self.wfile.write(engines[name])

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


# The page's setup: fetch() answered from memory after a first load; `make(which)`
# gives a fresh index of that engine, as search.js makes it (its stemmer, the
# manifest's shards and chunk lists, the search table).
SETUP = """async () => {
  const cache = new Map();
  const real = window.fetch.bind(window);
  window.fetch = async (url) => {
    if (!cache.has(url)) {
      const r = await real(url);
      cache.set(url, { status: r.status, body: await r.arrayBuffer() });
    }
    const { status, body } = cache.get(url);
    return new Response(body.slice(0), { status });
  };
  const root = '/pagefind/';
  const manifest = await (await fetch(`${root}search-manifest.json`)).json();
  const stem = (await import('/static/stemmer.js')).stemmerFor('en');
  const engines = { old: await import('/__engine/old.js'), new: await import('/__engine/new.js') };
  window.make = async (which) => {
    const { SearchIndex, readTable } = engines[which];
    const shards = manifest.shards.map((s) => ['/' + s.path, s.chunks, s.rank]);
    const index = new SearchIndex(shards, readTable(`${root}${manifest.table}`), { stem, baseUrl: '/' });
    await index.opened;
    return index;
  };
}"""

COMPARE = """async (q) => {
  const rows = (results) => JSON.stringify(results.map((r) => [r.id, r.score, r.shard, r.place, r.words]));
  const out = {};
  for (const which of ['old', 'new']) {
    const index = await make(which);
    const first = (await index.search(q)).results;
    const again = (await index.search(q)).results;
    const data = await Promise.all(first.slice(0, 20).map((r) => r.data()));
    out[which] = [rows(first), rows(again), JSON.stringify(data), first.length];
  }
  const every = await Promise.all(['old', 'new'].map(async (w) => rows((await (await make(w)).search(null)).results)));
  const same = out.old.slice(0, 3).every((v, i) => v === out.new[i]) && out.old[0] === out.old[1] && every[0] === every[1];
  return [same, out.old[3]];
}"""

TIME = """async ([which, q]) => {
  const index = await make(which);
  let t = performance.now();
  let results = (await index.search(q)).results;
  await Promise.all(results.slice(0, 20).map((r) => r.data()));
  const cold = performance.now() - t;
  t = performance.now();
  results = (await index.search(q)).results;
  await Promise.all(results.slice(0, 20).map((r) => r.data()));
  return [cold, performance.now() - t];
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="*", default=QUERIES)
    parser.add_argument("--against", default="main", help="the git revision to compare with")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_intermixed_args()
    engine = "static/search-engine.js"
    engines = {
        "old.js": subprocess.run(
            ["git", "show", f"{args.against}:{engine}"], cwd=ROOT, check=True, capture_output=True
        ).stdout,
        "new.js": (ROOT / engine).read_bytes(),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler(engines, args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    differ = False
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/404.html")
        page.evaluate(SETUP)
        for q in args.queries:
            same, found = page.evaluate(COMPARE, q)
            differ |= not same
            print(f"{q!r}: {found} results, {'same' if same else 'DIFFERENT'}")
        times: dict[tuple[str, str, str], list[float]] = {}
        for _ in range(args.runs):
            for which in ("old", "new"):
                for q in args.queries:
                    cold, warm = page.evaluate(TIME, [which, q])
                    times.setdefault((q, "cold", which), []).append(cold)
                    times.setdefault((q, "warm", which), []).append(warm)
        browser.close()
    print(f"median ms of {args.runs} runs: {args.against} -> working tree")
    for q in args.queries:
        for kind in ("cold", "warm"):
            before, after = (statistics.median(times[(q, kind, w)]) for w in ("old", "new"))
            print(f"  {kind} {q!r}: {before:.0f} -> {after:.0f}")
    server.shutdown()
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
