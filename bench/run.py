"""The archivist bench: `python bench/run.py --records 1000 [--runs 5] [--corpus synthetic|dafp] [--hugo]`.

Per run, side by side on the same machine: Hugo's clean build plus Pagefind's indexing
of the equivalent Hugo site (`--hugo`), archivist's clean build (search included), and
the floor (`cp -R` of archivist's output tree, or Hugo's when archivist is absent).
Prints medians of wall time, CPU time and peak memory per step, with ratios to the
floor and to Hugo + Pagefind, and the size of each output. Synthetic corpora are
generated once and cached in bench/_out/ (gitignored); `--corpus dafp` builds the real
corpus (../shared/corpus/dafp) through a temporary site whose content/ is a symlink.
With `--incremental`, also a no-change rebuild, two one-record edits rebuilt by
`archivist build`, and the rebuilds `archivist serve` makes after edits
(bench/preview.py). With `--ci-cache`, also the CI case (bench/ci_cache.py): a fresh
folder with only `.archivist-cache/` restored and one record edited, timed against a
clean build of the same content and compared with it byte for byte.

Contract with `archivist build --timings FILE` (FILE is JSON, written at the end of a
successful build):

    {
      "stages": {                       # in pipeline order; any subset, any extra
        "read":     {"wall": 1.92, "cpu": 3.61, "peak_rss": 412000000},
        "validate": {...}, "enrich": {...}, "render": {...}, "write": {...},
        "index":    {...}
      },
      "records": 10000,                 # records read (optional)
      "pages": 14230,                   # HTML pages written
      "bytes": 251000000,               # bytes written under --out, all files
      "search_files": 4100              # files in the search bundle(s) (optional)
    }

`wall` and `cpu` are seconds (cpu = user + system of the build process and all its
workers during the stage); `peak_rss` is bytes: the most memory the build's processes
held together during the stage (sum over concurrent workers, PSS or RSS).

The whole build is also measured from outside (wall, CPU of the process tree, and peak
memory as the max of ru_maxrss and the sampled PSS sum of the tree; see measure.py),
so the total row does not depend on the build reporting honestly.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import ci_cache
import hugo_site
from measure import (
    Row,
    StepFailed,
    Timing,
    TreeSize,
    copy_tree_floor,
    format_table,
    log,
    median_timing,
    remove_tree,
    run_command,
    tree_size,
)

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "_out"
# Where builds write (Hugo's site and public/, archivist's output, the floor's copy):
# OUT unless --work names another folder, e.g. a tmpfs, to take the disk out of it.
WORK = OUT
SHARED = Path(os.environ.get("ARCHIVIST_SHARED") or REPO.parent / "shared").resolve()
DAFP = SHARED / "corpus" / "dafp"
DAFP_FIELDS = {"date": "doc_date", "source": "naa_refs[].reference"}
STAGES = ("read", "validate", "enrich", "render", "write", "index")


@dataclass
class Corpus:
    """A site folder to build: archivist.yaml + content/."""

    key: str
    site: Path
    label: str
    records: int
    field_map: dict[str, str] = field(default_factory=dict)
    editable: bool = True
    generated: Timing | None = None


def synthetic_corpus(n: int, seed: int) -> Corpus:
    """The cached synthetic site for (n, seed), generated (and timed) when missing."""
    key = f"synthetic-{n}-s{seed}"
    site = OUT / key
    manifest = site / "generated.json"
    sys.path.insert(0, str(BENCH))
    import generate

    want = {"generator": generate.GENERATOR_VERSION, "records": n, "seed": seed}
    label = f"synthetic, {n:,} records (seed {seed})"
    if manifest.is_file():
        have = json.loads(manifest.read_text())
        if all(have.get(k) == v for k, v in want.items()):
            return Corpus(key, site, label, n)
    remove_tree(site)
    tmp = OUT / f"{key}.tmp"
    remove_tree(tmp)
    log(f"generating {n:,} records into {site} ...")
    timing = run_command(
        [sys.executable, str(BENCH / "generate.py"), str(n), str(tmp), "--seed", str(seed)]
    )
    tmp.rename(site)
    return Corpus(key, site, label, n, generated=timing)


def dafp_corpus() -> Corpus:
    """A temporary site over the real DAFP corpus, mapping its field names by config."""
    volumes = DAFP / "_volumes"
    if not volumes.is_dir():
        raise SystemExit(f"DAFP corpus not found at {volumes}")
    site = OUT / "dafp"
    remove_tree(site)
    site.mkdir(parents=True)
    # A copy, not a link: a content folder must lie inside its site (archivist.yaml).
    shutil.copytree(volumes, site / "content")
    fields = "".join(f"  {k}: {v}\n" for k, v in DAFP_FIELDS.items())
    (site / "archivist.yaml").write_text(
        f"title: Documents on Australian Foreign Policy (bench)\nfields:\n{fields}",
        encoding="utf-8",
    )
    n = sum(1 for _ in volumes.rglob("*.md"))
    return Corpus("dafp", site, f"DAFP, {n:,} real records", n, dict(DAFP_FIELDS), editable=False)


def hugo_site_for(corpus: Corpus) -> Path:
    """The Hugo baseline site for a corpus, converted once and cached."""
    site = WORK / f"hugo-{corpus.key}"
    stamp = site / "converted.json"
    source_stamp = corpus.site / "generated.json"
    want = source_stamp.read_text() if source_stamp.is_file() else corpus.key
    if stamp.is_file() and stamp.read_text() == want:
        return site
    log(f"converting to a Hugo site in {site} ...")
    count = hugo_site.convert(
        corpus.site / "content",
        site,
        title=f"Hugo baseline: {corpus.label}",
        field_map=corpus.field_map,
    )
    log(f"  {count:,} records converted")
    stamp.write_text(want)
    return site


@dataclass(frozen=True)
class Probe:
    """Which archivist a subprocess would run, and whether it reports stage timings."""

    missing: str | None
    where: str = ""
    timings: bool = False


def _env() -> dict[str, str]:
    """The build's environment: this checkout's src/ when it holds the CLI.

    Without src/archivist/cli.py (a branch that predates the build), src/ stays off the
    path: half a package from here and half from an installed one would be a mix no
    one wrote.
    """
    env = dict(os.environ)
    if (REPO / "src" / "archivist" / "cli.py").is_file():
        env["PYTHONPATH"] = str(REPO / "src") + (
            os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
        )
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    return env


def probe_archivist() -> Probe:
    """Ask a subprocess (same interpreter and environment as the build) what it would run."""
    check = subprocess.run(
        [sys.executable, "-c", "import archivist.cli; print(archivist.cli.__file__)"],
        capture_output=True, text=True, env=_env(), check=False,
    )  # fmt: skip
    if check.returncode != 0:
        last = (check.stderr.strip().splitlines() or ["?"])[-1]
        return Probe(f"archivist.cli is not importable ({last})")
    where = check.stdout.strip()
    helptext = subprocess.run(
        [sys.executable, "-m", "archivist", "build", "--help"],
        capture_output=True, text=True, env=_env(), check=False,
    ).stdout  # fmt: skip
    return Probe(None, where, "--timings" in helptext)


@dataclass
class BuildResult:
    total: Timing
    stages: dict[str, Timing]
    reported: dict[str, object]


def archivist_build(
    corpus: Corpus, out: Path, extra: list[str], *, timings: bool, clean: bool = True
) -> BuildResult:
    """One `archivist build` of the corpus into `out`, measured from outside (and from
    inside through `--timings` when the build supports it)."""
    timings_file = OUT / f"timings-{corpus.key}.json"
    timings_file.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "archivist", "build", "--out", str(out), *extra]
    if clean:
        # The build cache lives beside --out: .archivist-cache/<out name>/.
        remove_tree(out)
        remove_tree(out.parent / ".archivist-cache" / out.name)
        remove_tree(corpus.site / ".archivist-cache")
        argv.append("--clean")
    if timings:
        argv += ["--timings", str(timings_file)]
    total = run_command(argv, cwd=corpus.site, env=_env())
    reported: dict[str, object] = {}
    stages: dict[str, Timing] = {}
    if timings_file.is_file():
        reported = json.loads(timings_file.read_text())
        raw = reported.get("stages")
        if isinstance(raw, dict):
            for name, value in raw.items():
                if isinstance(value, dict):
                    stages[name] = Timing(
                        float(value.get("wall", 0.0)),
                        float(value.get("cpu", 0.0)),
                        int(value.get("peak_rss", 0)),
                    )
    return BuildResult(total, stages, reported)


def edit_one_record(corpus: Corpus, run: int) -> tuple[Path, bytes]:
    """Append a sentence to the middle record; return (path, original bytes) to restore."""
    files = sorted((corpus.site / "content").rglob("*.md"))
    path = files[len(files) // 2]
    original = path.read_bytes()
    path.write_bytes(original.rstrip(b"\n") + f" Bench edit {run}.\n".encode())
    return path, original


def preview_rebuilds(corpus: Corpus, out: Path, edits: int = 4) -> list[Timing]:
    """`archivist serve`'s rebuilds after an edit (bench/preview.py, in its own
    process)."""
    argv = [sys.executable, str(Path(__file__).with_name("preview.py")), "--site",
            str(corpus.site), "--out", str(out), "--edits", str(edits)]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, env=_env(), check=False)
    if done.returncode != 0:
        raise StepFailed(f"bench/preview.py failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    peak = int(result["peak_rss"])
    return [
        Timing(float(w), float(c), peak)
        for w, c in zip(result["rebuilds"], result["cpu"], strict=True)
    ]


def _median_stages(results: list[BuildResult]) -> dict[str, Timing]:
    names: list[str] = []
    for result in results:
        names.extend(n for n in result.stages if n not in names)
    ordered = [n for n in STAGES if n in names] + [n for n in names if n not in STAGES]
    return {n: median_timing([r.stages[n] for r in results if n in r.stages]) for n in ordered}


def _size_note(size: TreeSize, records: int, search: TreeSize | None) -> str:
    note = f"{size.files:,} files, {size.bytes / 1e6:.1f} MB, {size.bytes / max(records, 1) / 1e3:.1f} KB/record"
    if search is not None:
        note += f"; search bundle {search.files:,} files, {search.bytes / 1e6:.1f} MB"
    return note


def _ci_run(corpus: Corpus, extra: list[str], timings: bool) -> ci_cache.CiResult:
    """One CI case (bench/ci_cache.py): previous run, next run with one edit and only
    the cache, clean build of the same content; logged as it goes."""

    def build(site: Path, clean: bool) -> BuildResult:
        return archivist_build(
            replace(corpus, site=site), site / ci_cache.OUT, extra, timings=timings, clean=clean
        )

    result = ci_cache.run_ci_cache(corpus.site, WORK, build)
    same = "identical" if not result.differences else f"{len(result.differences)} files DIFFER"
    log(
        f"  ci-cache: previous {result.first.wall:.2f} s, one edit {result.edit.wall:.2f} s, "
        f"clean {result.clean.wall:.2f} s ({result.edit.wall / result.clean.wall:.2f}×); "
        f"{result.files:,} files {same}"
    )
    for rel in result.differences[:20]:
        log(f"    differs: {rel}")
    return result


def _ci_rows(runs: list[ci_cache.CiResult]) -> list[Row]:
    if not runs:
        return []
    clean = median_timing([r.clean for r in runs])
    edit = median_timing([r.edit for r in runs])
    differ = sum(len(r.differences) for r in runs)
    same = "byte-identical to the clean build" if not differ else f"{differ} files DIFFER"
    return [
        Row("CI: previous run, no cache", median_timing([r.first for r in runs]),
            "fresh folder, no output folder, no cache"),
        Row("CI: clean, edited content", clean, "--clean, no cache"),
        Row("CI: one edit, cache only", edit,
            f"{edit.wall / clean.wall:.2f}× the clean build; {runs[0].files:,} files {same}"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="archivist bench (see the module docstring)")
    parser.add_argument(
        "--records", type=int, default=1000, help="synthetic records (default 1000)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per step; medians are reported")
    parser.add_argument("--corpus", choices=("synthetic", "dafp"), default="synthetic")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--hugo", action="store_true", help="also build the Hugo + Pagefind baseline"
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="also time no-change and one-edit rebuilds, by archivist build and by serve",
    )
    parser.add_argument(
        "--ci-cache",
        action="store_true",
        help="also time a CI run: fresh folder, only .archivist-cache/ restored, one edit; "
        "compared byte for byte with a clean build of the same content (bench/ci_cache.py)",
    )
    parser.add_argument(
        "--archivist-arg", action="append", default=[], help="extra argument for archivist build"
    )
    parser.add_argument("--json", type=Path, help="also write all results here")
    parser.add_argument(
        "--work",
        type=Path,
        help="folder the builds write to (default bench/_out; e.g. /dev/shm to leave the disk out)",
    )
    args = parser.parse_args(argv)
    global WORK
    if args.work:
        WORK = args.work.resolve()
        WORK.mkdir(parents=True, exist_ok=True)
    if args.runs < 1 or args.records < 1:
        parser.error("--runs and --records must be at least 1")
    if args.hugo and shutil.which("hugo") is None:
        parser.error("--hugo needs the `hugo` binary (apt-get install hugo)")

    OUT.mkdir(parents=True, exist_ok=True)
    corpus = (
        synthetic_corpus(args.records, args.seed) if args.corpus == "synthetic" else dafp_corpus()
    )
    hugo_dir = hugo_site_for(corpus) if args.hugo else None
    probe = probe_archivist()
    missing = probe.missing
    if missing:
        log(f"skipping archivist build: {missing}")
    else:
        log(f"archivist: {probe.where}" + ("" if probe.timings else " (no --timings: totals only)"))
    out = WORK / f"site-{corpus.key}"
    floor_dst = WORK / "floor-copy"

    # --ci-cache alone: the CI case's own clean build is the reference, so the usual
    # clean build (a fourth full build) is left out.
    ci_only = args.ci_cache and not args.incremental and hugo_dir is None
    load_before = os.getloadavg()[0]
    hugo_runs: list[Timing] = []
    pagefind_runs: list[Timing] = []
    builds: list[BuildResult] = []
    floors: list[Timing] = []
    noop_runs: list[Timing] = []
    edit_runs: list[Timing] = []
    again_runs: list[Timing] = []
    preview_runs: list[Timing] = []
    ci_runs: list[ci_cache.CiResult] = []
    failure: str | None = None
    for run in range(1, args.runs + 1):
        log(f"run {run}/{args.runs}")
        if hugo_dir is not None:
            hugo_runs.append(hugo_site.build_hugo(hugo_dir))
            pagefind_runs.append(hugo_site.index_pagefind(hugo_dir / "public"))
            log(f"  hugo {hugo_runs[-1].wall:.2f} s, pagefind {pagefind_runs[-1].wall:.2f} s")
        if not missing and failure is None:
            try:
                if not ci_only:
                    builds.append(
                        archivist_build(corpus, out, args.archivist_arg, timings=probe.timings)
                    )
                    log(f"  archivist {builds[-1].total.wall:.2f} s")
                    if args.incremental:
                        noop_runs.append(
                            archivist_build(
                                corpus, out, args.archivist_arg, timings=probe.timings, clean=False
                            ).total
                        )
                        if corpus.editable:
                            # Two edits in a row: the first rebuild after a clean build has
                            # no spare staging folder yet; the second is the editor's
                            # steady state.
                            for k, edits in enumerate((edit_runs, again_runs)):
                                path, original = edit_one_record(corpus, 10 * run + k)
                                try:
                                    edits.append(
                                        archivist_build(
                                            corpus,
                                            out,
                                            args.archivist_arg,
                                            timings=probe.timings,
                                            clean=False,
                                        ).total
                                    )
                                finally:
                                    path.write_bytes(original)
                            preview_runs.extend(preview_rebuilds(corpus, out))
                if args.ci_cache and corpus.editable:
                    ci_runs.append(_ci_run(corpus, args.archivist_arg, probe.timings))
            except StepFailed as exc:
                failure = str(exc)
                log(f"  archivist build failed:\n{failure}")
        floor_src = out if builds else (hugo_dir / "public" if hugo_dir is not None else None)
        if floor_src is not None and floor_src.is_dir():
            floors.append(copy_tree_floor(floor_src, floor_dst))

    floor = median_timing(floors) if floors else None
    hugo = median_timing(hugo_runs) if hugo_runs else None
    pagefind = median_timing(pagefind_runs) if pagefind_runs else None
    baseline = (
        median_timing([h + p for h, p in zip(hugo_runs, pagefind_runs, strict=True)])
        if hugo_runs
        else None
    )
    rows: list[Row] = []
    if corpus.generated is not None:
        rows.append(Row("generate corpus (once)", corpus.generated, "not part of any ratio"))
    if hugo_dir is not None and hugo is not None and pagefind is not None and baseline is not None:
        public = hugo_dir / "public"
        note = _size_note(tree_size(public), corpus.records, tree_size(public, "pagefind"))
        rows.append(Row("hugo build", hugo))
        rows.append(Row("pagefind index (hugo site)", pagefind))
        rows.append(Row("hugo + pagefind", baseline, note))
    if missing:
        rows.append(Row("archivist build", None, f"skipped: {missing}"))
    elif builds:
        total = median_timing([b.total for b in builds])
        size = tree_size(out)
        search = tree_size(out, "pagefind") if (out / "pagefind").is_dir() else None
        rows.append(Row("archivist build (total)", total, _size_note(size, corpus.records, search)))
        for name, timing in _median_stages(builds).items():
            rows.append(Row(f"  {name}", timing, "as reported by --timings"))
        if noop_runs:
            rows.append(Row("rebuild, no change", median_timing(noop_runs)))
        if edit_runs:
            rows.append(Row("rebuild, one record edited", median_timing(edit_runs)))
        if again_runs:
            rows.append(Row("rebuild, edited again", median_timing(again_runs)))
        if preview_runs:
            rows.append(
                Row(
                    "serve: rebuild after an edit",
                    median_timing(preview_runs),
                    f"median of {len(preview_runs)} (bench/preview.py)",
                )
            )
    elif failure:
        rows.append(Row("archivist build", None, "FAILED (see above)"))
    rows.extend(_ci_rows(ci_runs))
    if floor is not None:
        rows.append(
            Row("floor: cp -R output tree", floor, "archivist output" if builds else "hugo output")
        )

    print(
        f"corpus: {corpus.label}; medians of {args.runs} run(s); {os.cpu_count()} CPUs; "
        f"load average before {load_before:.2f}, after {os.getloadavg()[0]:.2f}"
    )
    if not missing:
        print(f"archivist: {probe.where}")
    print(format_table(rows, floor=floor, baseline=baseline))
    if builds and pagefind is not None:
        total = median_timing([b.total for b in builds])
        print(f"archivist peak / Pagefind peak: {total.peak_rss / pagefind.peak_rss:.2f}")
    if args.json:
        payload = {
            "corpus": corpus.label,
            "runs": args.runs,
            "rows": [
                {
                    "step": r.label.strip(),
                    "timing": asdict(r.timing) if r.timing else None,
                    "note": r.note,
                }
                for r in rows
            ],
            "all_runs": {
                "hugo": [asdict(t) for t in hugo_runs],
                "pagefind": [asdict(t) for t in pagefind_runs],
                "archivist": [asdict(b.total) for b in builds],
                "floor": [asdict(t) for t in floors],
                "archivist_reported": [b.reported for b in builds],
            },
            "wall_stdev": {
                "hugo": statistics.pstdev(t.wall for t in hugo_runs) if hugo_runs else None,
                "pagefind": statistics.pstdev(t.wall for t in pagefind_runs)
                if pagefind_runs
                else None,
            },
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 1 if failure or any(r.differences for r in ci_runs) else 0


if __name__ == "__main__":
    sys.exit(main())
