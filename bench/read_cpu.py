"""CPU seconds the read stage spends per file, a git revision against the working tree:
`python bench/read_cpu.py SITE [--against REV] [--files N] [--pairs P]`.

Each run is a fresh process that reads and checks the first N record files of SITE
one after another, as a read worker does (`load._read_and_check`), then pickles the
results in the workers' chunks and unpickles them, as they travel back to the build
process; it reports `time.process_time` for that work alone. Runs of REV (its `src/`,
taken with `git archive`) and of the working tree alternate, P pairs, so both see the
same machine; medians and their ratio are printed, and the median of each pair's
ratio (steadier when the load changes). Wall time is not used: on a shared
machine only CPU time compares.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in the measured process, with the archivist to measure first on sys.path.
_RUN = """
import pickle, sys, time
from pathlib import Path
from archivist.config import load_config
from archivist.enrich import derive
from archivist.read import load
from archivist.read.discover import discover

site, count = Path(sys.argv[1]), int(sys.argv[2])
config = load_config(site)
files, _ = discover(site, config)
context, _ = derive.load_context(site, config)
job = load._job(site, config, files[:count], context, None)
size = 64  # workers.fork_map's largest chunk
start = time.process_time()
done = [load._read_and_check(job, i) for i in range(len(job.files))]
for s in range(0, len(done), size):
    pickle.loads(pickle.dumps(done[s : s + size], pickle.HIGHEST_PROTOCOL))
print(time.process_time() - start, len(done))
"""


def _source_of(rev: str, into: Path) -> Path:
    """REV's `src/` folder, unpacked under `into`."""
    archive = subprocess.run(
        ["git", "archive", rev, "src"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _run(src: Path, site: Path, files: int) -> tuple[float, int]:
    """CPU seconds and files read by one fresh process with `src` first on its path."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(site), str(files)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site folder: archivist.yaml + content/")
    parser.add_argument("--against", default="main", help="the git revision to compare with")
    parser.add_argument("--files", type=int, default=2000, help="files read per run")
    parser.add_argument("--pairs", type=int, default=3, help="runs of each, alternating")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="read-cpu-") as tmp:
        old_src = _source_of(args.against, Path(tmp))
        old: list[float] = []
        new: list[float] = []
        for n in range(args.pairs):
            # Alternate which goes first, so neither always runs on a warmer machine.
            order = [(old, old_src), (new, ROOT / "src")]
            for times, src in order if n % 2 == 0 else order[::-1]:
                seconds, count = _run(src, args.site.resolve(), args.files)
                times.append(seconds)
        print(f"{count} files, {args.pairs} runs each, CPU ms per file (median; runs)")
        for label, times in ((args.against, old), ("working tree", new)):
            runs = ", ".join(f"{t / count * 1000:.3f}" for t in times)
            print(f"  {label:>12}: {statistics.median(times) / count * 1000:.3f}  ({runs})")
        pairs = statistics.median(n / o for n, o in zip(new, old, strict=True))
        print(f"  ratio: {statistics.median(new) / statistics.median(old):.2f}x of medians")
        print(f"  ratio: {pairs:.2f}x, the median of each pair's (runs side by side)")


if __name__ == "__main__":
    main()
