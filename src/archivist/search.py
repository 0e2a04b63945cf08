"""Pagefind driver: build the search bundle from index entries, with timeouts.

We talk to `pagefind --service` (the binary shipped in the `pagefind[bin]` wheels)
directly over its stdin/stdout protocol — base64 JSON messages separated by commas —
instead of through the `pagefind` Python wrapper, whose reader polls one message per
0.1 s (hours for a large archive) and offers no timeout. Records go in as custom
records with explicit meta, filters and sort keys, so filter values are never parsed
out of HTML and no page has to be read back from disk.

Large archives are split into shards of `search_shard_size` records, each indexed by
its own short-lived Pagefind process, so memory stays bounded by the shard, not the
archive; the search page merges the shards in the browser (`mergeIndex`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "search-manifest.json"


class SearchError(Exception):
    """Pagefind failed; the message says how, for the build report."""


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What the search index holds for one record."""

    url: str
    content: str
    language: str
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)


def pagefind_binary() -> Path:
    """The Pagefind executable: $PAGEFIND_BINARY_PATH, else the extended wheel's binary
    (it segments Chinese and Japanese), else the plain one."""
    env = os.environ.get("PAGEFIND_BINARY_PATH")
    if env:
        return Path(env)
    try:
        from pagefind_bin_extended import get_executable as extended

        return Path(extended())
    except (ImportError, FileNotFoundError):
        pass
    try:
        from pagefind_bin import get_executable as plain

        return Path(plain())
    except (ImportError, FileNotFoundError) as exc:
        raise SearchError(
            "the Pagefind binary is missing: reinstall archivist (pip install 'pagefind[bin]')"
        ) from exc


class _Service:
    """One `pagefind --service` process; every call is bounded by a deadline."""

    def __init__(self, binary: Path, deadline: float) -> None:
        self.deadline = deadline
        self.next_id = 0
        self.responses: queue.Queue[dict[str, Any] | Exception] = queue.Queue()
        try:
            self.proc = subprocess.Popen(
                [str(binary), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd="/",
            )
        except OSError as exc:
            raise SearchError(f"cannot start Pagefind ({binary}): {exc.strerror}") from exc
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        buffer = b""
        try:
            while True:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    code = self.proc.wait()
                    self.responses.put(SearchError(f"Pagefind exited unexpectedly (status {code})"))
                    return
                buffer += chunk
                while b"," in buffer:
                    message, buffer = buffer.split(b",", 1)
                    try:
                        decoded = json.loads(base64.b64decode(message, validate=True))
                    except ValueError:
                        shown = message[:60].decode("utf-8", "replace")
                        self.responses.put(SearchError(f"Pagefind printed garbage: {shown!r}"))
                        return
                    if decoded is not None:
                        self.responses.put(decoded)
        except Exception as exc:  # the pipe broke: surface it to the caller
            self.responses.put(SearchError(f"lost contact with Pagefind ({exc})"))

    def send(self, payload: dict[str, Any]) -> int:
        self.next_id += 1
        message = {"message_id": self.next_id, "payload": payload}
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        except (BrokenPipeError, OSError) as exc:
            raise SearchError("Pagefind stopped accepting input (it may have crashed)") from exc
        return self.next_id

    def flush(self) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise SearchError("Pagefind stopped accepting input (it may have crashed)") from exc

    def receive(self, expected: str) -> dict[str, Any]:
        remaining = self.deadline - time.monotonic()
        try:
            item = self.responses.get(timeout=max(0.0, remaining))
        except queue.Empty:
            raise SearchError("Pagefind did not answer in time (raise search_timeout)") from None
        if isinstance(item, Exception):
            raise item
        payload = item.get("payload")
        if not isinstance(payload, dict):
            raise SearchError(f"Pagefind sent an unexpected message: {str(item)[:80]!r}")
        if payload.get("type") == "Error":
            raise SearchError(f"Pagefind reported an error: {payload.get('message')}")
        if payload.get("type") != expected:
            raise SearchError(f"Pagefind answered {payload.get('type')!r}, expected {expected!r}")
        return payload

    def call(self, payload: dict[str, Any], expected: str) -> dict[str, Any]:
        self.send(payload)
        self.flush()
        return self.receive(expected)

    def close(self, grace: float = 0.0) -> None:
        """Stop Pagefind. After WriteFiles, give it `grace` seconds to exit on its own:
        it answers before its last buffered file writes land, so killing it at once
        can leave a truncated bundle."""
        if self.proc.stdin:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        if grace > 0:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        # Close stdout only once the reader thread has seen its end: closing it under
        # a reader about to call read() frees the fd number for the next shard's pipe,
        # and the stale reader would steal that process's answers (a hang).
        self.reader.join(timeout=10)
        if self.proc.stdout and not self.reader.is_alive():
            self.proc.stdout.close()


def _wait_for_writes(pid: int, out: Path, deadline: float) -> None:
    """Wait until Pagefind holds no file open under `out`.

    Pagefind answers WriteFiles while its last buffered writes are still queued on
    its I/O threads; if it exits (or is killed) then, files end truncated at a 32 KiB
    boundary. On Linux its open files are visible in /proc; elsewhere, a short pause.
    """
    fd_dir = Path(f"/proc/{pid}/fd")
    if not fd_dir.is_dir():
        time.sleep(0.5)
        return
    prefix = str(out.resolve())
    while time.monotonic() < deadline:
        busy = False
        try:
            for fd in fd_dir.iterdir():
                try:
                    if os.readlink(fd).startswith(prefix):
                        busy = True
                        break
                except OSError:
                    continue
        except OSError:
            return  # the process is gone
        if not busy:
            return
        time.sleep(0.01)


def _index_shard(binary: Path, entries: Sequence[IndexEntry], out: Path, timeout: float) -> int:
    service = _Service(binary, time.monotonic() + timeout)
    written = False
    try:
        created = service.call({"type": "NewIndex", "config": None}, "NewIndex")
        index_id = created["index_id"]
        # Pipeline the records in batches: Pagefind answers each one in order.
        batch = 256
        for start in range(0, len(entries), batch):
            chunk = entries[start : start + batch]
            for entry in chunk:
                service.send(
                    {
                        "type": "AddRecord",
                        "index_id": index_id,
                        "url": entry.url,
                        "content": entry.content,
                        "language": entry.language,
                        "meta": entry.meta,
                        "filters": entry.filters,
                        "sort": entry.sort,
                    }
                )
            service.flush()
            for _ in chunk:
                service.receive("IndexedFile")
        service.call(
            {"type": "WriteFiles", "index_id": index_id, "output_path": str(out)}, "WriteFiles"
        )
        _wait_for_writes(service.proc.pid, out, service.deadline)
        written = True
        return len(entries)
    finally:
        service.close(grace=max(1.0, service.deadline - time.monotonic()) if written else 0.0)


def shard_of(record_id: str, shards: int) -> int:
    """A record's shard: stable for the id, independent of hash seeds."""
    import zlib

    return zlib.crc32(record_id.encode("utf-8")) % shards if shards > 1 else 0


def shard_dir(out: Path, shard: int) -> Path:
    return out / "pagefind" if shard == 0 else out / "pagefind" / f"shard-{shard}"


def build_index(
    entries: Iterable[tuple[str, IndexEntry]],
    out: Path,
    *,
    shard_size: int,
    timeout: float,
) -> dict[str, Any]:
    """Index `(record id, entry)` pairs into `out/pagefind/` (one bundle per shard).

    Returns the manifest written beside the bundles: shard folders and entry counts.
    """
    items = sorted(entries, key=lambda item: item[0])
    shards = max(1, -(-len(items) // shard_size))
    groups: list[list[IndexEntry]] = [[] for _ in range(shards)]
    for record_id, entry in items:
        groups[shard_of(record_id, shards)].append(entry)
    binary = pagefind_binary()
    if not binary.is_file():
        raise SearchError(f"the Pagefind binary is missing ({binary})")
    deadline = time.monotonic() + timeout
    counts = []
    for n, group in enumerate(groups):
        left = deadline - time.monotonic()
        if left <= 0:
            raise SearchError("Pagefind did not finish in time (raise search_timeout)")
        counts.append(_index_shard(binary, group, shard_dir(out, n), left))
    manifest = {
        "shards": [
            {"path": shard_dir(out, n).relative_to(out).as_posix() + "/", "entries": counts[n]}
            for n in range(shards)
        ],
        "entries": sum(counts),
    }
    (out / "pagefind" / MANIFEST).write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest
