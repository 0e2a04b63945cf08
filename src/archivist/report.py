"""What a build reports: its counts, problems and stage timings, and the error that
stops it. `Progress` is the callback every stage reports its progress through."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from archivist.incremental import fingerprint
from archivist.model import Problem

# (stage, done, total); see `progress` for the terminal's and CI's renderings.
Progress = Callable[[str, int, int], None]


class BuildFailed(Exception):
    """The build stopped; the previous site (if any) is unchanged (unless --keep-going
    published the records without errors). `problems` are every problem found."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.report: BuildReport | None = None


@dataclass(slots=True)
class StageTime:
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss: int = 0


@dataclass(slots=True)
class BuildReport:
    """What one build did; `records_read == published + withheld + failed` always."""

    records_read: int = 0
    published: int = 0
    withheld: int = 0
    failed: int = 0
    warnings: int = 0
    errors: int = 0
    pages: int = 0
    bytes: int = 0
    search_entries: int = 0
    reused: int = 0
    rendered: int = 0
    shards_reused: int = 0
    shards_indexed: int = 0
    records_overlaid: int = 0  # records indexed into overlays (serve), not their shard
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    stages: dict[str, StageTime] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.records_read} records read, {self.published} published, "
            f"{self.withheld} withheld, {self.warnings} warnings, {self.errors} errors; "
            f"{self.pages} pages written, {self.search_entries} search entries, "
            f"{self.seconds:.2f} s"
        )

    def timings(self) -> dict[str, Any]:
        """The `--timings` JSON: per stage wall/cpu seconds and peak RSS bytes."""
        return {
            "stages": {name: asdict(t) for name, t in self.stages.items()},
            "pages": self.pages,
            "bytes": self.bytes,
            "records": self.published,
            "reused_records": self.reused,
            "rendered_records": self.rendered,
            "search_shards_reused": self.shards_reused,
            "search_shards_indexed": self.shards_indexed,
            "search_records_overlaid": self.records_overlaid,
            "seconds": self.seconds,
        }


@contextmanager
def timed(report: BuildReport, name: str) -> Iterator[None]:
    """Time one stage: wall and CPU seconds (ours and our children's), peak RSS."""
    t0, c0 = time.perf_counter(), _cpu()
    try:
        yield
    finally:
        entry = report.stages.setdefault(name, StageTime())
        entry.wall += time.perf_counter() - t0
        entry.cpu += _cpu() - c0
        entry.peak_rss = max(entry.peak_rss, _peak_rss())


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _peak_rss() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) * 1024  # Linux reports KiB


def sorted_problems(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (p.location.path, p.location.line, p.location.col, p.field, p.message),
    )


_COUNTS = ("records_read", "published", "withheld", "failed", "warnings", "errors", "pages",
           "bytes", "search_entries")  # fmt: skip


def report_data(report: BuildReport) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(report, name) for name in _COUNTS}
    data["problems"] = [fingerprint.problem_data(p) for p in report.problems]
    data["shards"] = report.shards_indexed + report.shards_reused
    return data


def unchanged_report(data: dict[str, Any], seconds: float) -> BuildReport:
    """The report of a build that found every input as the last build left it."""
    report = BuildReport()
    for name in _COUNTS:
        setattr(report, name, int(data[name]))
    report.problems = [fingerprint.problem_from(p) for p in data.get("problems", [])]
    report.reused = report.published
    report.shards_reused = int(data.get("shards", 0))
    report.seconds = seconds
    return report
