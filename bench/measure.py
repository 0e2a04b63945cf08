"""Measuring for the bench: wall time, CPU time and peak memory of one step.

A subprocess is measured with `os.wait4`, which returns the resource usage of exactly
that child (and the descendants it waited for), so peaks of earlier steps never leak
into later ones the way `getrusage(RUSAGE_CHILDREN)` (a max over every child ever
waited) would. A Python callable is run in a forked child for the same reason.
"""

from __future__ import annotations

import os
import pickle
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Timing:
    """One measured step: seconds of wall and CPU (user + system), peak RSS in bytes."""

    wall: float
    cpu: float
    peak_rss: int

    def __add__(self, other: Timing) -> Timing:
        """Two steps run one after the other: times add, the peak is the larger one."""
        return Timing(
            self.wall + other.wall, self.cpu + other.cpu, max(self.peak_rss, other.peak_rss)
        )


class StepFailed(RuntimeError):
    """A measured command exited non-zero; the message holds its last output lines."""


def _tail(data: bytes, lines: int = 20) -> str:
    return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])


def _children_map() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc/*/stat (no `children` files on every kernel)."""
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields resume after the last ')'.
        fields_after = stat[stat.rfind(b")") + 2 :].split()
        if len(fields_after) > 1:
            kids.setdefault(int(fields_after[1]), []).append(int(name))
    return kids


def tree_pss(root: int) -> int:
    """Proportional set size, in bytes, of `root` and all its descendants right now.

    PSS splits shared pages (forked workers, shared libraries) among the processes
    that share them, so the sum is the real memory the whole tree holds.
    """
    kids = _children_map()
    total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        stack.extend(kids.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


GNU_TIME = Path("/usr/bin/time")


def run_command(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 3600.0,
    sample_every: float = 1.0,
) -> Timing:
    """Run `argv` to completion and measure it; raise StepFailed if it fails.

    The command runs under GNU time when installed: a child's ru_maxrss starts from
    the memory of the process that spawned it (Linux carries the parent's high-water
    mark over a vfork+exec), so the small `time` process, not this Python, must be the
    parent. CPU and ru_maxrss then come from `time` (exactly that command and the
    descendants it waited for). Peak memory is the larger of ru_maxrss (exact, but only
    the largest single process) and the largest sum of PSS over the whole process tree
    sampled every `sample_every` seconds (parallel workers add up; a spike shorter than
    the interval can be missed). Output goes to a temporary file, shown on failure.

    Once a second, not more: each sample reads every /proc/*/stat and the PSS of every
    process of the tree, and at every 0.1 s that took 18-19 CPU-s during one 10k
    archivist build (~30 % of a core, against ~3 CPU-s at 1 s), taken from the
    measured build itself on a 2-core machine. A one-process step (Hugo, Pagefind's
    CLI) paid almost nothing, so the sampler weighed on archivist's side alone.
    """
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    tag = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    log_path, time_path = tmp / f"{tag}.log", tmp / f"{tag}.time"
    wrapped = GNU_TIME.exists()
    full = (
        [str(GNU_TIME), "-q", "-f", "%U %S %M", "-o", str(time_path), "--", *argv]
        if wrapped
        else list(argv)
    )
    sampled = 0
    with open(log_path, "w+b") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            full, cwd=cwd, env=dict(env) if env is not None else None,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = start + timeout
        next_sample = start + min(sample_every, 0.02)  # after exec, never the spawning fork
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            if sample_every > 0 and now >= next_sample:
                sampled = max(sampled, tree_pss(proc.pid))
                next_sample = now + sample_every
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
        log.seek(0)
        output = log.read()
    log_path.unlink(missing_ok=True)
    cpu, maxrss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024
    if wrapped:
        try:
            last = time_path.read_text().strip().splitlines()[-1].split()
            cpu, maxrss = float(last[0]) + float(last[1]), int(last[2]) * 1024
        except (OSError, IndexError, ValueError):
            pass  # killed before `time` wrote: keep wait4's reading
        time_path.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise StepFailed(f"{' '.join(argv)} exited {proc.returncode}:\n{_tail(output)}")
    return Timing(wall, cpu, max(maxrss, sampled))


def run_callable(fn: Callable[..., Any], *args: Any) -> tuple[Timing, Any]:
    """Run `fn(*args)` in a forked child; return its Timing and its (picklable) result.

    The child's peak RSS includes the parent's memory at fork time (shared pages
    count as resident), so keep the parent small when this matters.
    """
    read_fd, write_fd = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        code = 0
        try:
            payload = pickle.dumps(("ok", fn(*args)))
        except BaseException as exc:
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
            code = 1
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
        os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as inp:
        data = inp.read()
    _, _status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    kind, value = pickle.loads(data) if data else ("error", "child died without a result")
    if kind != "ok":
        raise StepFailed(str(value))
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024), value


def remove_tree(path: Path) -> None:
    """Delete a tree the bench made (never follows a symlinked root), then sync.

    The sync flushes the deletion (and, on `discard`-mounted disks, its TRIMs) now,
    so it does not land inside the next measured step.
    """
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
        os.sync()


def copy_tree_floor(src: Path, dst: Path) -> Timing:
    """The floor: copy the output tree `src` to a fresh `dst` with `cp -R`, measured.

    Any build must at least write what this writes, so build time / floor time says how
    much of a build is more than I/O. `dst` is removed afterwards.
    """
    remove_tree(dst)
    timing = run_command(["cp", "-R", "--", str(src), str(dst)])
    remove_tree(dst)
    return timing


@dataclass(frozen=True, slots=True)
class TreeSize:
    files: int
    bytes: int


def tree_size(root: Path, under: str | None = None) -> TreeSize:
    """Files and bytes under `root` (or `root/under`), not following symlinks."""
    start = root / under if under else root
    files = total = 0
    stack = [start]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files += 1
                    total += entry.stat(follow_symlinks=False).st_size
    return TreeSize(files, total)


def median_timing(timings: Sequence[Timing]) -> Timing:
    """Field-wise median of several runs of one step."""
    if not timings:
        raise ValueError("no timings")
    values = {
        f.name: statistics.median(getattr(t, f.name) for t in timings) for f in fields(Timing)
    }
    return Timing(float(values["wall"]), float(values["cpu"]), int(values["peak_rss"]))


def repeat(step: Callable[[], Timing], runs: int) -> Timing:
    """Median of `runs` calls of `step`."""
    return median_timing([step() for _ in range(runs)])


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the results table; `timing` None means the step was skipped."""

    label: str
    timing: Timing | None
    note: str = ""


def _ratio(value: float, base: Timing | None) -> str:
    if base is None or base.wall <= 0:
        return "—"
    return f"{value / base.wall:.2f}×"


def format_table(rows: Sequence[Row], *, floor: Timing | None, baseline: Timing | None) -> str:
    """A compact fixed-width table: wall, CPU, peak, and wall ratios to floor and baseline."""
    head = (
        f"{'step':<28} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'×floor':>8} {'×hugo':>8}  note"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        t = row.timing
        if t is None:
            lines.append(
                f"{row.label:<28} {'—':>8} {'—':>8} {'—':>8} {'—':>8} {'—':>8}  {row.note}"
            )
            continue
        lines.append(
            f"{row.label:<28} {t.wall:>8.2f} {t.cpu:>8.2f} {t.peak_rss / 2**20:>8.0f} "
            f"{_ratio(t.wall, floor):>8} {_ratio(t.wall, baseline):>8}  {row.note}"
        )
    return "\n".join(lines)


def log(message: str) -> None:
    """Progress to stderr, so stdout holds only results."""
    print(message, file=sys.stderr, flush=True)
