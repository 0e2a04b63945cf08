"""Time `archivist serve`'s rebuild after an edit: the editor's loop.

    python bench/preview.py --site bench/_out/synthetic-10000-s1 \
        --out bench/_out/site-synthetic-10000-s1 --edits 3

A serve session (the `Server` of `archivist serve`, on a free port, never opened) is
started on `--out`; its first build brings that folder up to date (timed apart, as
"warm-up"). Then one record is edited `--edits` times, each edit followed by the
rebuild `serve` makes (search overlays on, the session's cache in memory), and the file
is put back at the end. Prints one JSON object: the warm-up and each rebuild's wall
time, and the stages of the last rebuild. Between edits the session does what serve
does while the editor pauses (`Server.collect_when_idle`: a garbage collection, and
the spare folder after the warm-up build).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from archivist.serve import Server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    files = sorted((args.site / "content").rglob("*.md"))
    if not files:
        parser.error(f"no Markdown records under {args.site / 'content'}")
    path = files[len(files) // 2]
    original = path.read_bytes()
    server = Server(args.site.resolve(), port=0, out=args.out.resolve(), jobs=args.jobs)
    result: dict[str, object] = {"record": path.name}
    try:
        t = time.perf_counter()
        report = server.rebuild()
        result["warm_up"] = round(time.perf_counter() - t, 3)
        if report is None or report.errors:
            print(json.dumps({"error": server.state.snapshot()}), file=sys.stderr)
            return 1
        times, cpus = [], []
        for n in range(args.edits):
            server.collect_when_idle()  # what serve does while the editor pauses
            path.write_bytes(
                original.rstrip(b"\n") + f" Preview edit {n} {time.time()}.\n".encode()
            )
            t, c = time.perf_counter(), _cpu()
            report = server.rebuild()
            times.append(round(time.perf_counter() - t, 3))
            cpus.append(round(_cpu() - c, 3))
            if report is None or report.rendered < 1:
                print(json.dumps({"error": server.state.snapshot()}), file=sys.stderr)
                return 1
        result["rebuilds"] = times
        result["cpu"] = cpus
        result["peak_rss"] = max(
            resource.getrusage(who).ru_maxrss * 1024
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        if report is not None:
            result["stages"] = {k: round(v.wall, 3) for k, v in report.stages.items()}
            result["records_overlaid"] = report.records_overlaid
    finally:
        path.write_bytes(original)
        server.rebuild()
        server.close()
    print(json.dumps(result))
    return 0


def _cpu() -> float:
    """CPU seconds of this process and its finished children (render workers, the
    index process, Pagefind)."""
    return sum(
        r.ru_utime + r.ru_stime
        for r in (resource.getrusage(resource.RUSAGE_SELF),
                  resource.getrusage(resource.RUSAGE_CHILDREN))
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
