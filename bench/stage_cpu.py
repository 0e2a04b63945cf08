"""The render stage's CPU per record, two versions in one process: `python bench/stage_cpu.py SITE [--against REV] [--records N] [--repeat R] [--rounds K]`.

The code of REV (default `main`: its `src/`, `templates/` and `static/`, by `git
archive`) is imported beside the working tree's, as the package `archivist_old`. Each
reads and enriches SITE (not timed) and gets its renderer, as a render worker has it
after the fork. Then, record by record, the first N records of the archive are
rendered by one version and then the other (`render.records.render_records`, one job,
files written into a temporary folder; which goes first alternates), each R times in
a row, keeping the least CPU time (`time.process_time`). Other jobs on a shared
machine inflate CPU time too (caches, shared cores), in bursts and in waves of
minutes: records timed side by side see the same waves, and a record's repeats mostly
escape the bursts. K rounds; prints each round's totals and new / old, and the median.

`--profile FILE` renders the N records with the working tree's code once, under
cProfile, and writes the stats to FILE (`python -m pstats FILE`).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OLD = "archivist_old"


def import_rev(rev: str, into: Path) -> None:
    """The code and theme of `rev` under `into`, its package renamed `archivist_old`."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src", "templates", "static"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    package = into / "src" / "archivist"
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"\barchivist(?=[. ])", OLD, text)
        source.write_text(text, encoding="utf-8")
    package.rename(package.with_name(OLD))
    sys.path.insert(0, str(into / "src"))


class Staging:  # all that render_records uses of a staging folder
    def __init__(self, root: Path) -> None:
        self.root = root


def worker(package: str, site: Path) -> tuple[Any, list[Any], Callable[[Path, Any], int]]:
    """A version's renderer for `site` (read and enriched), its records, and a function
    rendering one record into a folder (the number that failed)."""
    config = importlib.import_module(f"{package}.config").load_config(site)
    loaded = importlib.import_module(f"{package}.read.load").load(site, config, jobs=1)
    archive = importlib.import_module(f"{package}.enrich.archive").build_archive(
        list(loaded.records),
        loaded.context.person_for,
        config.related_count,
        types=config.types,
        known=loaded.context.known,
        offices=loaded.context.offices,
    )
    renderer = importlib.import_module(f"{package}.render.pages").SiteRenderer(
        config, archive, site
    )
    renderer.prepare_lists()
    records = importlib.import_module(f"{package}.render.records")

    def render(out: Path, record: Any) -> int:
        kw = {"jobs": 1, "progress": None, "done_before": 0, "total": 1}
        done = records.render_records(renderer, Staging(out), [record], **kw)
        return sum(1 for r in done if r.problem or r.template_error or r.fatal)

    return renderer, list(archive.records), render


def least(
    render: Callable[[Path, Any], int], renderer: Any, out: Path, record: Any, repeat: int
) -> float:
    """The least CPU seconds of `repeat` renderings of `record`, each into its own folder.
    What a renderer keeps for later records (links made once a build) is put back as
    it was before each repeat, so that every repeat does what the first did."""
    links: dict[object, object] = getattr(renderer, "_linked", {})
    before, best = dict(links), float("inf")
    for n in range(repeat):
        links.clear()
        links.update(before)
        start = time.process_time()
        if render(out / str(n), record):
            raise SystemExit(f"{record.id}: failed to render")
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--against", default="main", help="the old code's git revision")
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    site = args.site.resolve()
    new = worker("archivist", site)
    if args.profile:
        import cProfile

        with tempfile.TemporaryDirectory(prefix="stage-cpu-") as out:
            todo = new[1][: args.records]
            where = {"todo": todo, "render": new[2], "out": Path(out)}
            cProfile.runctx("for r in todo: render(out, r)", {}, where, str(args.profile))
        return 0
    with tempfile.TemporaryDirectory(prefix="stage-cpu-") as tmp:
        import_rev(args.against, Path(tmp, "rev"))
        old = worker(OLD, site)
        gc.freeze()
        ratios = []
        for round_ in range(args.rounds):
            cpu = {"old": 0.0, "new": 0.0}
            with tempfile.TemporaryDirectory(prefix="stage-cpu-", dir=tmp) as out:
                for i in range(min(args.records, len(new[1]))):
                    order = ("old", "new") if (i + round_) % 2 == 0 else ("new", "old")
                    for which in order:
                        renderer, records, render = old if which == "old" else new
                        folder = Path(out, which)
                        cpu[which] += least(render, renderer, folder, records[i], args.repeat)
            ratios.append(cpu["new"] / cpu["old"])
            n = min(args.records, len(new[1]))
            print(
                f"round {round_ + 1}: old ({args.against}) {cpu['old']:.2f} CPU-s "
                f"({1000 * cpu['old'] / n:.3f} ms a record), new {cpu['new']:.2f} CPU-s "
                f"({1000 * cpu['new'] / n:.3f} ms a record), new/old {ratios[-1]:.3f}"
            )
    print(f"median new/old over {args.rounds} rounds: {statistics.median(ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
