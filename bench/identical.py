"""Byte-identity check for refactorings: build sites and print one hash per output tree.

    python bench/identical.py [--work DIR] [--corpus example|dafp|frus ...]

Builds each site clean (no cache) with SOURCE_DATE_EPOCH fixed, then prints the number
of files and a SHA-256 over every file's path and bytes. Run it before and after a
change that must not alter the output: the lines must match. `dafp` and `frus` read
the shared corpora (../shared/corpus, or $ARCHIVIST_SHARED) and are skipped when absent.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ARCHIVIST_SHARED") or REPO.parent / "shared")
DAFP_CONFIG = (
    "title: DAFP\nfields:\n  date: doc_date\n  source: naa_refs[].reference\n"
    "  collections: vol_full_title\n"
)


def tree_hash(out: Path) -> tuple[int, str]:
    """(file count, SHA-256 over every file's relative path and bytes, in path order)."""
    whole = hashlib.sha256()
    files = sorted(p for p in out.rglob("*") if p.is_file())
    for path in files:
        whole.update(path.relative_to(out).as_posix().encode() + b"\0")
        whole.update(hashlib.sha256(path.read_bytes()).digest())
    return len(files), whole.hexdigest()


def site_for(name: str, work: Path) -> Path | None:
    """A site folder for `name`, made under `work` (None: its corpus is absent)."""
    if name == "example":
        return REPO
    site = work / f"site-{name}"
    if name == "dafp":
        volumes = SHARED / "corpus" / "dafp" / "_volumes"
        if not volumes.is_dir():
            return None
        shutil.copytree(volumes, site / "content")
        (site / "archivist.yaml").write_text(DAFP_CONFIG, encoding="utf-8")
        return site
    if name == "frus":
        volumes = SHARED / "corpus" / "frus-volumes"
        if not volumes.is_dir():
            return None
        (site / "content").mkdir(parents=True)
        for xml in sorted(volumes.glob("*.xml")):
            shutil.copy(xml, site / "content" / xml.name)
        (site / "archivist.yaml").write_text("title: FRUS volumes\n", encoding="utf-8")
        return site
    raise SystemExit(f"unknown corpus {name!r}")


def build(site: Path, out: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(REPO / "src")}
    cmd = [sys.executable, "-m", "archivist", "build", "-q", "--clean", "--keep-going",
           "--site", str(site), "--out", str(out)]  # fmt: skip
    # --keep-going: a corpus with records in error still publishes the rest (exit 1).
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if not (out / "index.html").is_file():
        raise SystemExit(f"build of {site} failed:\n{done.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=["example", "dafp", "frus"])
    parser.add_argument("--work", type=Path, help="folder for sites and outputs (kept)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="archivist-identical-"))
    work.mkdir(parents=True, exist_ok=True)
    for name in args.corpus or ["example", "dafp", "frus"]:
        shutil.rmtree(work / f"site-{name}", ignore_errors=True)
        site = site_for(name, work)
        if site is None:
            print(f"{name:8} skipped: corpus not present under {SHARED}")
            continue
        out = work / f"out-{name}"
        build(site, out)
        count, digest = tree_hash(out)
        print(f"{name:8} {count:7,} files  sha256 {digest}", flush=True)


if __name__ == "__main__":
    main()
