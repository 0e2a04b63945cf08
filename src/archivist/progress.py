"""Build progress for people: a rich progress bar on a terminal, plain lines elsewhere.

The pipeline reports progress through one callback, `(stage, done, total)`; it knows
nothing about terminals. In CI logs (no TTY) a line per stage start and about every
tenth of the work keeps logs short and readable.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class PlainProgress:
    """`stage: done/total` lines, at most about ten per stage."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last: dict[str, int] = {}
        self.start = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        step = max(1, total // 10)
        previous = self.last.get(stage)
        if previous is not None and done < total and done - previous < step:
            return
        if previous == done:
            return
        self.last[stage] = done
        elapsed = time.perf_counter() - self.start
        print(f"{stage}: {done}/{total} ({elapsed:.1f} s)", file=self.stream, flush=True)

    def close(self) -> None:
        pass


class BarProgress:
    """One rich progress bar per stage, on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.progress = Progress(
            TextColumn("{task.description:>8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self.tasks: dict[str, int] = {}
        self.progress.start()

    def __call__(self, stage: str, done: int, total: int) -> None:
        task = self.tasks.get(stage)
        if task is None:
            task = self.tasks[stage] = int(self.progress.add_task(stage, total=total))
        self.progress.update(task, completed=done, total=total)  # type: ignore[arg-type]

    def close(self) -> None:
        self.progress.stop()


class Reporter:
    """A context manager choosing the bar or the plain lines for a stream."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.impl: PlainProgress | BarProgress | None = None

    def __enter__(self) -> Reporter:
        if not self.quiet:
            tty = hasattr(self.stream, "isatty") and self.stream.isatty()
            self.impl = BarProgress(self.stream) if tty else PlainProgress(self.stream)
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.impl is not None:
            self.impl(stage, done, total)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.impl is not None:
            self.impl.close()


__all__ = ["BarProgress", "PlainProgress", "Reporter"]
