"""Worker processes and the per-record time budget: forked helpers (read and render
workers, the index process) that never outlive the build that forked them, and the
alarm that stops one record taking the build down."""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from archivist.config import Config
from archivist.model import Location, Problem
from archivist.publish.write import forget_locks
from archivist.report import BuildFailed, Progress

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1


def detach(parent: int) -> None:
    """Run first in a child forked by `parent`.

    Ctrl-C and SIGTERM are the parent's to handle (it stops its children). The kernel
    kills the child when the parent dies, even by SIGKILL: a worker left blocked on a
    pipe to a dead parent would otherwise live on. The child closes its copies of the
    build-lock descriptors, so the lock is freed the moment the parent is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe's EOF ends the worker later
        pass
    forget_locks()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def fork_map(
    work: Callable[[Sequence[int]], list[T]],
    count: int,
    jobs: int,
    progress: Progress | None,
    stage: str,
    doing: str,
    done_before: int,
    total: int,
) -> Iterator[T]:
    """`work` over items 0..count-1 in forked worker processes, in chunks, results in
    item order. The workers inherit what the caller set up before the call."""
    size = max(4, min(64, count // (jobs * 8) or 1))
    chunks = [range(s, min(s + size, count)) for s in range(0, count, size)]
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=detach,
        initargs=(os.getpid(),),
    )
    done = done_before
    try:
        for results in pool.map(work, chunks):
            yield from results
            done += len(results)
            if progress:
                progress(stage, done, total)
    except concurrent.futures.process.BrokenProcessPool as exc:
        raise BuildFailed(
            f"a {doing} process died (out of memory? try --jobs 1); nothing was published"
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class RecordTimeout(Exception):
    """One record took longer than `record_timeout` to read or render."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise RecordTimeout in this thread after `seconds` (SIGALRM; main thread only).

    Readers and renderers are pure Python, so the alarm interrupts them between any
    two steps, however pathological the input.
    """
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise RecordTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timeout_problem(path: str, what: str, config: Config) -> Problem:
    return Problem(
        Location(path),
        "file",
        f"took longer than record_timeout ({config.record_timeout:g} s) to {what}; "
        "split the record or raise record_timeout",
    )
