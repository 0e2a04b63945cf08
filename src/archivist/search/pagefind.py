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
import gzip
import html
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from archivist.publish.write import write_file
from archivist.search import pagefind_files
from archivist.search.table import TABLE, Order, TableBundle, TableError, order_of, write_table

MANIFEST = "search-manifest.json"
_SIGNATURE = b"pagefind_dcd"


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
    # Text after the body, as (name, text, Pagefind weight): see documents.index_entry.
    sections: tuple[tuple[str, str, float], ...] = ()


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _text(text: str) -> str:
    return html.escape(text, quote=False)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_text(p)}</p>" for p in _PARAGRAPH_BREAK.split(text) if p.strip())


def entry_html(entry: IndexEntry) -> str:
    """The page Pagefind indexes for `entry`: the body, then each section in a block
    with its weight; meta, filters and sort keys in a block Pagefind reads but does
    not index as text. HTML, not a custom record, because only HTML carries weights."""
    lang = html.escape(entry.language)
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><title></title></head><body>']
    out.append(f"<main data-pagefind-body><div>{_paragraphs(entry.content)}</div>")
    for _, text, weight in entry.sections:
        out.append(f'<div data-pagefind-weight="{weight:g}">{_paragraphs(text)}</div>')
    out.append("</main><div data-pagefind-ignore>")
    for name, value in entry.meta.items():
        out.append(f'<span data-pagefind-meta="{html.escape(name)}">{_text(value)}</span>')
    for name, values in entry.filters.items():
        for value in values:
            out.append(f'<span data-pagefind-filter="{html.escape(name)}">{_text(value)}</span>')
    for name, value in entry.sort.items():
        out.append(f'<span data-pagefind-sort="{html.escape(name)}">{_text(value)}</span>')
    out.append("</div></body></html>")
    return "".join(out)


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


def _widen(pipe: IO[bytes] | None) -> None:
    """Give a pipe to Pagefind 1 MB of buffer (Linux; 64 KB by default, and elsewhere
    left as it is): a bundle of several MB then passes in a few reads, and Pagefind
    does not stall at every 64 KB while our reader thread waits its turn for the
    interpreter lock."""
    if pipe is None or not sys.platform.startswith("linux"):
        return
    import fcntl  # POSIX only

    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)


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
        for pipe in (self.proc.stdin, self.proc.stdout):
            _widen(pipe)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        buffer = bytearray()
        scanned = 0  # bytes of `buffer` known to hold no separator: keeps reading linear
        try:
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    code = self.proc.wait()
                    self.responses.put(SearchError(f"Pagefind exited unexpectedly (status {code})"))
                    return
                buffer += chunk
                while (end := buffer.find(b",", scanned)) >= 0:
                    message = bytes(buffer[:end])
                    del buffer[: end + 1]
                    scanned = 0
                    try:
                        decoded = json.loads(base64.b64decode(message, validate=True))
                    except ValueError:
                        shown = message[:60].decode("utf-8", "replace")
                        self.responses.put(SearchError(f"Pagefind printed garbage: {shown!r}"))
                        return
                    if decoded is not None:
                        self.responses.put(decoded)
                scanned = len(buffer)
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

    def close(self) -> None:
        """End the process: closing stdin makes Pagefind exit; kill it if it lingers."""
        if self.proc.stdin:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()


# Pagefind's own UIs (we ship our own) and, in merged shards, the code and WebAssembly
# that only the primary bundle's copy of is ever loaded: not written, to keep the
# output small and its file count low.
_UI_FILES = (
    "pagefind-ui.",
    "pagefind-component-ui.",
    "pagefind-modular-ui.",
    "pagefind-highlight.",
)
_CODE_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.")


def _wanted(name: str, primary: bool) -> bool:
    if name.startswith(_UI_FILES):
        return False
    return primary or not name.startswith(_CODE_FILES)


def _bundle_path(out: Path, name: object) -> Path:
    """Where a bundle file goes; a name that would leave the bundle folder is refused."""
    if not isinstance(name, str) or not name:
        raise SearchError(f"Pagefind sent a file without a usable name: {str(name)[:80]!r}")
    rel = PurePosixPath(name)
    if rel.is_absolute() or ".." in rel.parts or "\\" in name:
        raise SearchError(f"Pagefind sent a file outside its bundle: {name[:80]!r}")
    return out.joinpath(*rel.parts)


# A fragment's JSON opens with its URL: reading that far spares decompressing and
# parsing the whole text of every record (a fifth of the index process's work).
_URL_OPENING = _SIGNATURE + b'{"url":"'
_JSON = json.JSONDecoder()


def _fragment_url(content: bytes) -> str | None:
    """The URL a Pagefind fragment file (gzip, signature, JSON) belongs to."""
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(content, 4096)
        if head.startswith(_URL_OPENING):
            text = head[len(_URL_OPENING) - 1 :].decode("utf-8", "ignore")
            url, end = _JSON.raw_decode(text)
            if isinstance(url, str) and end < len(text):  # it ended within what was read
                return url
    except (zlib.error, ValueError):
        pass
    try:
        data = gzip.decompress(content)
        if data.startswith(_SIGNATURE):
            data = data[len(_SIGNATURE) :]
        url = json.loads(data).get("url")
    except (OSError, EOFError, ValueError, AttributeError):
        return None
    return url if isinstance(url, str) else None


@dataclass(frozen=True, slots=True)
class Bundle:
    """A bundle as written: each result id (fragment name) with its record URL, each
    file (relative to the bundle folder) with its content digest, so that no one has
    to read the files back to digest them for the build cache, and its languages
    (`bundle_languages`)."""

    fragments: dict[str, str]
    digests: dict[str, str]
    languages: dict[str, str]


def _write_bundle(files: object, out: Path, *, primary: bool) -> Bundle:
    """Write the bundle Pagefind sent."""
    if not isinstance(files, list) or not files:
        raise SearchError("Pagefind sent no files for the search bundle")
    contents: dict[str, bytes] = {}
    for item in files:
        if not isinstance(item, dict):
            raise SearchError("Pagefind sent a malformed file list")
        path = _bundle_path(out, item.get("path"))
        rel = path.relative_to(out).as_posix()
        if not _wanted(rel, primary):
            continue
        try:
            contents[rel] = base64.b64decode(item.get("content") or "", validate=True)
        except ValueError as exc:
            raise SearchError(f"Pagefind sent an undecodable file {path.name!r}") from exc
    fragments: dict[str, str] = {}
    digests: dict[str, str] = {}
    # Sorted filter and meta indexes, so that the same records make the same bytes.
    for rel, content in sorted(pagefind_files.reproducible(contents).items()):
        path = _bundle_path(out, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        digests[rel] = write_file(path, content)
        name = PurePosixPath(rel)
        if name.parent.name == "fragment" and name.suffix == ".pf_fragment":
            url = _fragment_url(content)
            if url is None:
                raise SearchError(f"Pagefind wrote an unreadable fragment {name.name!r}")
            fragments[name.stem] = url
    languages = bundle_languages(out)
    if not languages:
        raise SearchError(f"the search bundle in {out} holds no index")
    return Bundle(fragments, digests, languages)


def bundle_languages(folder: Path) -> dict[str, str]:
    """Each language of a bundle with its meta index's reference (`en_1a2b3c`), from
    its pagefind-entry.json: the search page reads the meta index without the entry."""
    entry = folder / "pagefind-entry.json"
    try:
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        return {str(lang): str(info["hash"]) for lang, info in sorted(languages.items())}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SearchError(f"the search bundle in {folder} has no readable entry file") from exc


def write_search_table(
    pagefind_dir: Path, order: Order, bundles: Sequence[TableBundle], language: str
) -> dict[str, Any]:
    """Write the search table beside the manifest, and name it in the manifest with
    its digest (the page may keep the table cached until it changes; the manifest
    itself is fetched afresh), listing each bundle's index chunks. The manifest."""
    try:
        digest, chunks = write_table(pagefind_dir / TABLE, order, bundles, language)
    except TableError as exc:
        raise SearchError(str(exc)) from exc
    manifest = pagefind_dir / MANIFEST
    data: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
    data["table"] = f"{TABLE}?v={digest[:16]}"
    for shard, listed in zip(data["shards"], chunks, strict=True):
        shard["chunks"] = listed
    _write_json(manifest, data)
    return data


def _index_shard(
    binary: Path, entries: Sequence[IndexEntry], out: Path, timeout: float, *, primary: bool
) -> Bundle:
    """Index `entries` into the bundle `out`."""
    service = _Service(binary, time.monotonic() + timeout)
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
                        "type": "AddFile",
                        "index_id": index_id,
                        "file_path": "index.html",
                        "url": entry.url,
                        "file_contents": entry_html(entry),
                    }
                )
            service.flush()
            for _ in chunk:
                service.receive("IndexedFile")
        # GetFiles, not WriteFiles: Pagefind's own writer can answer before its files
        # are on disk (we saw an empty pagefind-entry.json about once in 40 runs), and
        # the process exits at once when its input closes. Writing the files ourselves
        # means every byte is on disk when we return.
        files = service.call({"type": "GetFiles", "index_id": index_id}, "GetFiles")["files"]
        bundle = _write_bundle(files, out, primary=primary)
        if len(bundle.fragments) != len(entries):
            raise SearchError(
                f"Pagefind indexed {len(bundle.fragments)} of {len(entries)} records in {out.name}"
            )
        return bundle
    finally:
        service.close()


def shard_of(record_id: str, shards: int) -> int:
    """A record's shard: stable for the id, independent of hash seeds."""
    import zlib

    return zlib.crc32(record_id.encode("utf-8")) % shards if shards > 1 else 0


def shard_dir(out: Path, shard: int) -> Path:
    return out / "pagefind" if shard == 0 else out / "pagefind" / f"shard-{shard}"


def overlay_dir(out: Path, shard: int) -> Path:
    """The bundle of shard `shard`'s records indexed since the shard (`indexing`)."""
    return out / "pagefind" / f"overlay-{shard}"


def shard_count(records: int, shard_size: int, max_shards: int = 64) -> int:
    """How many shards `records` records make: the smallest power of two that keeps
    shards to `shard_size` records on average, at most `max_shards` (beyond that the
    shards grow). A power of two changes only when the archive doubles, so adding a
    record does not re-shard (and re-index) the whole archive."""
    wanted = -(-records // max(1, shard_size))
    count = 1
    while count < wanted and count * 2 <= max(1, max_shards):
        count *= 2
    return count


def shard_groups(
    entries: Iterable[tuple[str, IndexEntry]], shard_size: int, max_shards: int = 64
) -> tuple[list[IndexEntry], list[list[IndexEntry]]]:
    """(all entries by record id, the entries of each shard)."""
    items = sorted(entries, key=lambda item: item[0])
    shards = shard_count(len(items), shard_size, max_shards)
    groups: list[list[IndexEntry]] = [[] for _ in range(shards)]
    for record_id, entry in items:
        groups[shard_of(record_id, shards)].append(entry)
    return [e for _, e in items], groups


def index_shard(
    binary: Path, entries: Sequence[IndexEntry], out: Path, timeout: float, *, primary: bool
) -> Bundle:
    """Index one shard into the bundle folder `out`."""
    return _index_shard(binary, entries, out.resolve(), timeout, primary=primary)


def write_manifest(
    out: Path, entries: Sequence[IndexEntry], listed: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The shard list beside the primary bundle (the table is named in it later:
    `write_search_table`).

    The manifest also holds `totals`, every filter value of the archive with its count,
    so the search page can show them without loading every filter file of every shard.
    """
    (out / "pagefind").mkdir(parents=True, exist_ok=True)
    manifest = {
        "shards": list(listed),
        "entries": sum(int(s["entries"]) for s in listed),
        "totals": facet_totals(entries),
    }
    _write_json(out / "pagefind" / MANIFEST, manifest)
    return manifest


def facet_totals(entries: Iterable[IndexEntry]) -> dict[str, dict[str, int]]:
    """How many records hold each filter value: Pagefind's `filters()` over the archive."""
    totals: dict[str, dict[str, int]] = {}
    for entry in entries:
        for name, values in entry.filters.items():
            counts = totals.setdefault(name, {})
            for value in set(values):
                counts[value] = counts.get(value, 0) + 1
    return totals


def build_index(
    entries: Iterable[tuple[str, IndexEntry]],
    out: Path,
    *,
    shard_size: int,
    timeout: float,
) -> dict[str, Any]:
    """Index `(record id, entry)` pairs into `out/pagefind/` (one bundle per shard).

    The first non-empty shard is the primary bundle in `pagefind/` (the page loads its
    code); the others go to `pagefind/shard-<n>/` and are merged in the browser. Empty
    shards are skipped: Pagefind cannot load a bundle without an index. Returns the
    manifest written beside the bundles: shard folders and entry counts.
    """
    out = out.resolve()  # Pagefind runs with its own working folder
    ordered, groups = shard_groups(entries, shard_size)
    filled = [(n, group) for n, group in enumerate(groups) if group]
    binary = pagefind_binary()
    if filled and not binary.is_file():
        raise SearchError(f"the Pagefind binary is missing ({binary})")
    deadline = time.monotonic() + timeout
    listed: list[dict[str, Any]] = []
    bundles: list[TableBundle] = []
    for rank, (n, group) in enumerate(filled):
        left = deadline - time.monotonic()
        if left <= 0:
            raise SearchError("Pagefind did not finish in time (raise search_timeout)")
        folder = shard_dir(out, 0 if rank == 0 else n)
        bundle = _index_shard(binary, group, folder, left, primary=rank == 0)
        bundles.append(TableBundle(folder, bundle.languages, bundle.fragments))
        listed.append({
            "path": folder.relative_to(out).as_posix() + "/",
            "entries": len(group),
            "rank": rank,
        })  # fmt: skip
    write_manifest(out, ordered, listed)
    language = ordered[0].language if ordered else ""
    return write_search_table(out / "pagefind", order_of(ordered), bundles, language)


def _write_json(path: Path, data: object) -> str:
    """Write `data` as compact, sorted JSON; its content digest."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # Unlinked first: in a reused staging folder the old file is a hard link to the
    # published one, which must not change before the new site is swapped in.
    return write_file(path, text + "\n")
