"""What static hosts limit, measured on a built site: files, folders, bytes, the largest
file and the fullest folder, in total and per record.

    python bench/hosting.py OUT [--records N]

`--records` defaults to the number of folders under OUT/records/. docs/hosting.md
compares these figures with each host's limits.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Tree:
    """Counts over an output tree (symlinks not followed)."""

    files: int = 0
    folders: int = 0
    bytes: int = 0
    largest: list[tuple[int, str]] = field(default_factory=list)  # (bytes, path)
    fullest: tuple[int, str] = (0, "")  # (entries, folder)


def measure(out: Path, keep: int = 3) -> Tree:
    tree = Tree()
    for root, dirs, names in os.walk(out):
        rel = Path(root).relative_to(out).as_posix()
        tree.folders += len(dirs)
        tree.fullest = max(tree.fullest, (len(dirs) + len(names), rel))
        for name in names:
            size = os.lstat(os.path.join(root, name)).st_size
            tree.files += 1
            tree.bytes += size
            path = name if rel == "." else f"{rel}/{name}"
            tree.largest = sorted([*tree.largest, (size, path)])[-keep:]
    return tree


def report(tree: Tree, records: int) -> str:
    per = max(records, 1)
    lines = [
        f"records        {records:,}",
        f"files          {tree.files:,} ({tree.files / per:.2f} per record)",
        f"folders        {tree.folders:,} ({tree.folders / per:.2f} per record)",
        f"bytes          {tree.bytes:,} ({tree.bytes / per / 1000:.1f} KB per record)",
        f"fullest folder {tree.fullest[1]} ({tree.fullest[0]:,} entries)",
    ]
    lines += [
        f"large file     {path} ({size:,} bytes, {size / per:,.0f} per record)"
        for size, path in reversed(tree.largest)
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a built site folder")
    parser.add_argument("--records", type=int, help="records in the site")
    args = parser.parse_args()
    records = args.records
    if records is None:
        records = sum(1 for p in (args.out / "records").iterdir() if p.is_dir())
    print(report(measure(args.out), records))


if __name__ == "__main__":
    main()
