"""`archivist serve`: build, serve on 127.0.0.1, rebuild on change, reload open pages.

The built site is served as it is, with two additions made only in the HTTP response
(never in the built files): a `<script src>` for a small reload script (external, so
the pages' Content-Security-Policy allows it) and, when the last build had errors, a
banner listing them. The script listens on a Server-Sent Events endpoint and reloads
the page when a new build is ready. A broken record never stops the server: the build
keeps going, the banner names the problem, and fixing the file brings the page back.

It answers only requests that name it in their Host header: localhost, 127.0.0.1,
[::1], the `--host` given, and the address the client reached it at (plus the machine's
name when listening on every interface); any port, since a tunnel may change it. A
DNS-rebinding page names its own host, so it cannot read the site, its drafts or the
status endpoint (421). A request with no Host header is refused too (400): browsers and
HTTP/1.1 clients always send one, and one rule is simpler to trust than an exception
that depends on where the client is.
"""

from __future__ import annotations

import contextlib
import gc
import html
import http.server
import ipaddress
import json
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote, unquote_to_bytes

from archivist.config import CONFIG_NAME, Config, ConfigError, load_config
from archivist.model import Location, Problem
from archivist.pipeline import BuildFailed, BuildReport, Session, build, prepare_spare
from archivist.publish.write import OutputError

log = logging.getLogger("archivist")

PREFIX = "/__archivist__/"

RELOAD_JS = """\
// Served by `archivist serve` only; never part of a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script ? new URL(script.src).searchParams.get("v") : null;
  if (!window.EventSource) { return; }
  var source = new EventSource("/__archivist__/events");
  source.onmessage = function (event) {
    if (version === null) { version = event.data; return; }
    if (event.data !== version) { source.close(); window.location.reload(); }
  };
})();
"""

SERVE_CSS = """\
.archivist-serve-errors { position: sticky; top: 0; z-index: 1000; margin: 0;
  padding: 0.75rem 1rem; background: #fff0f0; color: #6b0000; border-bottom: 3px solid #b00020;
  font: 14px/1.4 system-ui, sans-serif; }
.archivist-serve-errors ul { margin: 0.25rem 0 0; padding-left: 1.25rem; }
.archivist-serve-errors code { font-family: ui-monospace, monospace; white-space: pre-wrap; }
"""


@dataclass
class State:
    """The last build, shared between the build loop and the HTTP threads."""

    version: int = 0
    ok: bool = False
    message: str = ""
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""
    changed: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False

    def publish(self, ok: bool, message: str, problems: list[Problem], summary: str) -> None:
        with self.changed:
            self.version += 1
            self.ok, self.message, self.problems, self.summary = ok, message, problems, summary
            self.changed.notify_all()

    def snapshot(self) -> dict[str, Any]:
        with self.changed:
            return {
                "version": self.version,
                "ok": self.ok,
                "message": self.message,
                "summary": self.summary,
                "problems": [
                    {"location": str(p.location), "field": p.field, "message": p.message,
                     "severity": p.severity.value}
                    for p in self.problems
                ],
            }  # fmt: skip


def banner(state: dict[str, Any]) -> str:
    """The error banner for served pages (escaped: messages quote record text)."""
    errors = [p for p in state["problems"] if p["severity"] == "error"]
    if state["ok"] and not errors:
        return ""
    items = "".join(
        f"<li><code>{html.escape(p['location'])}: {html.escape(p['field'])}: "
        f"{html.escape(p['message'])}</code></li>"
        for p in errors[:50]
    )
    more = f"<li>… and {len(errors) - 50} more</li>" if len(errors) > 50 else ""
    head = html.escape(state["message"] or "The last build had errors.")
    return (
        '<div class="archivist-serve-errors" id="archivist-serve-errors" role="alert">'
        f"<strong>archivist serve: {head}</strong><ul>{items}{more}</ul></div>"
    )


def inject(page: bytes, state: dict[str, Any]) -> bytes:
    """Add the reload script (and any error banner) to one served HTML page."""
    text = page.decode("utf-8", "replace")
    script = f'<script src="{PREFIX}reload.js?v={state["version"]}" defer></script>'
    style = f'<link rel="stylesheet" href="{PREFIX}serve.css">'
    low = text.lower()
    at = low.find("</head>")
    text = text[:at] + style + script + text[at:] if at != -1 else style + script + text
    note = banner(state)
    if note:
        low = text.lower()
        body = low.find("<body")
        end = low.find(">", body) if body != -1 else -1
        text = text[: end + 1] + note + text[end + 1 :] if end != -1 else note + text
    return text.encode("utf-8")


# What a Location path may carry as it is: RFC 3986 pchar and "/", and "%" so that what
# the client encoded stays encoded (decoding it is how a CR, LF or "\" got in).
_PATH_SAFE = "/:@!$&'()*+,;=%"
_QUERY_SAFE = _PATH_SAFE + "?"
# Two leading slashes (or a slash and a backslash, which browsers read as one) would
# make the path a network-path reference: "//evil.example/" is another origin.
_LEADING_SLASHES = re.compile(r"^(?:/|%2f|%5c)+", re.IGNORECASE)
# C0 and C1 controls, DEL and the Unicode line separators: what may end a line for
# some reader of a header or a log.
_CONTROLS = str.maketrans(
    {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}
    | {0x2028: "\\u2028", 0x2029: "\\u2029"}
)


def split_target(target: str) -> tuple[str, str]:
    """A request target's path and query, both still percent-encoded as sent."""
    path, _, query = target.partition("?")
    return path.partition("#")[0], query.partition("#")[0]


def folder_location(raw_path: str, query: str = "") -> str:
    """Where to redirect a folder's path without its final "/": the same path, re-encoded,
    always one path on this server (one leading "/", never `//host` or `/\\host`).

    http.server decodes the request line as Latin-1; encoding it back the same way
    gives the client's own bytes, percent-encoded."""
    path = "/" + _LEADING_SLASHES.sub("", quote(raw_path, safe=_PATH_SAFE, encoding="latin-1"))
    if not path.endswith("/"):
        path += "/"
    if query:
        return f"{path}?{quote(query, safe=_QUERY_SAFE, encoding='latin-1')}"
    return path


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
# A Host header's value: a name or IPv4 address, or an IPv6 address in brackets; a port.
_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::[0-9]{0,5})?", re.IGNORECASE | re.ASCII)


def _as_host(address: str) -> str:
    """An address as a Host header names it: lowercase, IPv6 in brackets."""
    address = address.lower()
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


def is_wildcard(host: str) -> bool:
    """Whether listening on `host` means every interface ("", 0.0.0.0, ::)."""
    try:
        return host == "" or ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def is_loopback(address: str) -> bool:
    """Whether `address` (an IP address or "localhost") is reachable from this machine only."""
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, drafts: bool) -> str:
    """What to tell whoever listens on a non-loopback `host`."""
    what = "the site, drafts and embargoed records included" if drafts else "the site"
    return (
        f"archivist serve is listening on {host or 'every interface'}, not a loopback "
        f"address: anyone who can reach this machine over the network can read {what}. "
        "Use --host 127.0.0.1 to keep it to this machine."
    )


def allowed_hosts(host: str) -> frozenset[str]:
    """The Host names a server listening on `host` answers to (besides the address each
    client reached it at): the loopback names and `host` (so the URL it prints works),
    and for a wildcard the machine's name, as a browser elsewhere would name it."""
    names = LOOPBACK_HOSTS | {_as_host(host)} if host else LOOPBACK_HOSTS
    return names | {socket.gethostname().lower()} if is_wildcard(host) else names


def host_name(value: str) -> str | None:
    """The name in a Host header, lowercase, without its port; None if malformed."""
    match = _HOST.fullmatch(value.strip())
    return match.group(1).lower() if match else None


# NAME_MAX of the usual file systems: a longer segment names no file, and asking the
# file system fails with ENAMETOOLONG. Built sites' paths stay far below MAX_PATH.
MAX_SEGMENT = 255
MAX_PATH = 1024


def too_long(raw_path: str) -> bool:
    """Whether a request path (percent-encoded) is longer than any file it could name."""
    path = unquote_to_bytes(raw_path)
    return len(path) > MAX_PATH or any(len(part) > MAX_SEGMENT for part in path.split(b"/"))


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the output folder, plus the reload endpoints."""

    # Without a timeout, a client that sends half a request holds a thread forever.
    # Reads and writes each get this long; the event stream writes every 10 s, so an
    # open page's stream is never idle that long.
    timeout = 30.0

    state: State
    site_dir: Path
    allowed: frozenset[str]

    def __init__(
        self,
        *args: Any,
        state: State,
        site_dir: Path,
        allowed: frozenset[str] = LOOPBACK_HOSTS,
        **kwargs: Any,
    ) -> None:
        self.state = state
        self.site_dir = site_dir
        self.allowed = allowed
        super().__init__(*args, directory=str(site_dir), **kwargs)

    def parse_request(self) -> bool:
        # Before any method runs: answering a foreign Host is how a DNS-rebinding page
        # would read the site, its drafts and the status endpoint.
        if not super().parse_request():
            return False
        refusal = self._host_refusal()
        if refusal is None:
            return True
        self.close_connection = True
        self._send(refusal[0], refusal[1].encode("ascii"), "text/plain; charset=utf-8")
        return False

    def _host_refusal(self) -> tuple[int, str] | None:
        """Why this request's Host header is not answered (status, text), or None."""
        values = self.headers.get_all("Host") or []
        if len(values) != 1:
            return 400, "A request needs one Host header.\n"
        name = host_name(values[0])
        if name is None:
            return 400, "Malformed Host header.\n"
        reached_at = _as_host(str(self.connection.getsockname()[0]))
        if name in self.allowed or name == reached_at:
            return None
        return 421, "This server answers only to localhost and its own addresses.\n"

    def log_message(self, format: str, *args: Any) -> None:
        # Escaped: a request line could otherwise forge lines in the log.
        if log.isEnabledFor(logging.DEBUG):
            log.debug("serve: %s", (format % args).translate(_CONTROLS))

    def send_header(self, keyword: str, value: str) -> None:
        # The last line of defence, whatever builds the header (this class or
        # http.server): no request byte ends a header line and starts another.
        super().send_header(keyword, value.translate(_CONTROLS))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's messages quote the request line ("Bad request syntax (...)") and
        # would go into the status line: keep the standard phrase there, the detail in
        # the body (which http.server HTML-escapes).
        super().send_error(code, None, explain if explain is not None else message)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        raw_path, query = split_target(self.path)
        path = unquote(raw_path)
        if too_long(raw_path):
            self._send(414, b"Request path too long.\n", "text/plain; charset=utf-8")
        elif path.startswith(PREFIX):
            self._internal(path[len(PREFIX) :])
        else:
            self._site(raw_path, query)

    def _site(self, raw_path: str, query: str) -> None:
        kind, target = self._find(raw_path)
        page = _read(target) if kind == "page" else None
        if kind == "folder":
            # From the raw path: the decoded one may hold CR/LF or start "//host".
            self._moved(folder_location(raw_path, query))
        elif kind == "file":
            super().do_GET() if self.command == "GET" else super().do_HEAD()
        elif page is not None:
            self._send(200, inject(page, self.state.snapshot()), "text/html; charset=utf-8")
        else:
            page = _read(self.site_dir / "404.html")
            page = _fallback_page() if page is None else page
            self._send(404, inject(page, self.state.snapshot()), "text/html; charset=utf-8")

    def _find(self, raw_path: str) -> tuple[Literal["folder", "page", "file", "missing"], Path]:
        """What a request path names in the site: a folder asked for without its final
        "/", an HTML page, another file, or nothing. A name the file system refuses (too
        long, not encodable) is nothing, not an error."""
        target = Path(self.translate_path(raw_path))
        try:
            if target.is_dir():
                if not raw_path.endswith("/"):
                    return "folder", target
                target = target / "index.html"
            if target.is_file():
                return ("page" if target.suffix == ".html" else "file"), target
        except (OSError, ValueError):
            pass
        return "missing", target

    def _moved(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _internal(self, name: str) -> None:
        if name == "reload.js":
            self._send(200, RELOAD_JS.encode("utf-8"), "text/javascript; charset=utf-8")
        elif name == "serve.css":
            self._send(200, SERVE_CSS.encode("utf-8"), "text/css; charset=utf-8")
        elif name == "status":
            body = json.dumps(self.state.snapshot(), indent=1).encode("utf-8")
            self._send(200, body, "application/json")
        elif name == "events":
            self._events()
        else:
            self._send(404, b"not found", "text/plain")

    def _events(self) -> None:
        """Server-Sent Events: the build version now, and again after every build."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state = self.state
        sent = -1
        try:
            while True:
                with state.changed:
                    if state.version == sent and not state.stopping:
                        state.changed.wait(timeout=10)
                    if state.stopping:
                        return
                    version = state.version
                if version != sent:
                    self.wfile.write(f"retry: 1000\ndata: {version}\n\n".encode("ascii"))
                    sent = version
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (ConnectionError, TimeoutError):
            return  # the client left, or stopped reading for `timeout` seconds


def _read(path: Path) -> bytes | None:
    """A file's bytes; None when it cannot be read (replaced mid-rebuild, unreadable)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _fallback_page() -> bytes:
    return (
        b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        b"<title>archivist serve</title></head><body><h1>No site yet</h1>"
        b"<p>The build has not succeeded yet; fix the problems above.</p></body></html>"
    )


class HTTPServer(http.server.ThreadingHTTPServer):
    """The HTTP server: one thread per connection, none of them keeping Python alive."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A tab closed or reloaded mid-response, or a client that stalled past the
        # timeout: nothing went wrong here, so nothing to print. Anything else is a bug.
        if isinstance(sys.exception(), (ConnectionError, TimeoutError)):
            return
        log.exception("serve: error answering %s", client_address)


def watched_paths(site_root: Path, config: Config) -> list[Path]:
    """What a change to restarts a build: content, templates, static, the settings."""
    return [
        site_root / config.content_dir,
        site_root / config.templates_dir,
        site_root / config.static_dir,
        site_root / CONFIG_NAME,
    ]


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Stat of the top-level watched paths: notices folders and the settings file that
    appear, vanish or are replaced (which a watch on them cannot see)."""
    out = []
    for p in paths:
        try:
            st = p.stat()
            out.append((str(p), st.st_mtime_ns, st.st_ino))
        except OSError:
            out.append((str(p), 0, 0))
    return tuple(out)


def _tree_stats(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file under the watched paths (one walk, no reads)."""
    stats: dict[str, tuple[int, int]] = {}

    def note(path: str) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        stats[path] = (st.st_size, st.st_mtime_ns)

    # Plain strings and os.walk: pathlib's rglob cost 0.5 s at 10,000 records.
    for top in paths:
        if top.is_file():
            note(str(top))
            continue
        for folder, dirs, files in os.walk(top):
            for name in (*dirs, *files):
                note(os.path.join(folder, name))
    return stats


class Server:
    """One serve session: its output folder, HTTP server and build loop."""

    def __init__(
        self,
        site_root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        out: Path | None = None,
        drafts: bool = True,
        jobs: int | None = None,
    ) -> None:
        self.site_root = site_root
        self.temp = None if out else Path(tempfile.mkdtemp(prefix="archivist-serve-"))
        self.out = out or (self.temp / "site")  # type: ignore[operator]
        self.drafts = drafts
        self.jobs = jobs
        self.state = State()
        handler = partial(Handler, state=self.state, site_dir=self.out, allowed=allowed_hosts(host))
        self.httpd = HTTPServer((host, port), handler)
        # The bound address, not `host`: a name that resolves to 127.0.0.1 is loopback.
        if not is_loopback(str(self.httpd.server_address[0])):
            log.warning("%s", exposure_warning(host, drafts))
        self.stop_event = threading.Event()
        self.built_from: dict[str, tuple[int, int]] = {}
        self._http: threading.Thread | None = None
        self.session = Session()  # the build cache stays in memory between rebuilds
        self._collect_due = False

    def _paths(self) -> list[Path]:
        try:
            return watched_paths(self.site_root, load_config(self.site_root))
        except ConfigError:
            return watched_paths(self.site_root, Config())

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def rebuild(self) -> BuildReport | None:
        """One build; whatever goes wrong is shown in the pages, never raised."""
        report: BuildReport | None = None
        self.built_from = _tree_stats(self._paths())
        try:
            report = build(
                self.site_root,
                self.out,
                base_url="/",
                keep_going=True,
                drafts=self.drafts,
                jobs=self.jobs,
                search_overlays=True,  # a preview: edits re-index only themselves
                session=self.session,
            )
            self.state.publish(True, "", report.problems, report.summary())
        except BuildFailed as exc:
            report = exc.report
            self.state.publish(False, str(exc), exc.problems, report.summary() if report else "")
        except ConfigError as exc:
            self.state.publish(False, "the settings file has errors", exc.problems, "")
        except OutputError as exc:
            self.state.publish(False, str(exc), [], "")
        except Exception as exc:  # a bug must not take the preview down
            log.exception("build crashed")
            problem = Problem(Location(CONFIG_NAME), "build", f"{type(exc).__name__}: {exc}")
            self.state.publish(False, "the build crashed", [problem], "")
        # What the session keeps (10,000 records' cache and archive) would make the
        # collector's next full pass take ~0.3 s inside the next rebuild: it is frozen
        # instead, and collected when the editor pauses (`collect_when_idle`).
        gc.freeze()
        self._collect_due = True
        return report

    def collect_when_idle(self) -> None:
        """What the last rebuild put off, with nothing waiting: a full garbage
        collection, and the spare folder when the build had none to reuse (the first
        build of the session; else the first edit would wait for 60,000 links)."""
        if self._collect_due:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._collect_due = False
            prepare_spare(self.session, self.out)

    def watch(self, on_build: Callable[[State], None] | None = None) -> None:
        """Rebuild after every change until `stop_event` is set (run in the main thread,
        where the per-record time budget works)."""
        import watchfiles

        try:
            config = load_config(self.site_root)
        except ConfigError:
            config = Config()
        paths = watched_paths(self.site_root, config)
        last = _fingerprint(paths)
        while not self.stop_event.is_set():
            existing = [str(p) for p in paths if p.is_dir()]
            # One watcher across builds: what changes during a build is seen after it.
            changes_of = (
                watchfiles.watch(
                    *existing,
                    stop_event=self.stop_event,
                    yield_on_timeout=True,
                    rust_timeout=500,
                    debounce=200,
                    raise_interrupt=False,
                )
                if existing
                else None
            )
            try:
                first = True
                while not self.stop_event.is_set():
                    if changes_of is not None:
                        changes = next(changes_of, None)
                        if changes is None:
                            return
                    else:
                        time.sleep(0.5)
                        changes = set()
                    now = _fingerprint(paths)
                    if first:
                        # The watcher is live now; anything edited between the start
                        # of the last build and this moment was not seen by it.
                        first = False
                        if _tree_stats(paths) != self.built_from:
                            changes = {(watchfiles.Change.modified, "")}
                    if not changes and now == last:
                        self.collect_when_idle()  # the watcher's quiet tick
                    if changes or now != last:
                        last = now
                        with contextlib.suppress(ConfigError):
                            paths = watched_paths(self.site_root, load_config(self.site_root))
                        self.rebuild()
                        if on_build:
                            on_build(self.state)
                    if [str(p) for p in paths if p.is_dir()] != existing:
                        break  # a watched folder appeared or vanished: watch anew
            finally:
                if changes_of is not None:
                    changes_of.close()

    def start_http(self) -> threading.Thread:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        self._http = thread
        return thread

    def close(self) -> None:
        self.stop_event.set()
        with self.state.changed:
            self.state.stopping = True
            self.state.changed.notify_all()
        if self.session.cache is not None and self.temp is None:
            self.session.cache.save()  # the next build into this --out starts from it
        if self._http is not None:  # shutdown() waits for a serve_forever that never ran
            self.httpd.shutdown()
        self.httpd.server_close()
        if self.temp is not None:
            shutil.rmtree(self.temp, ignore_errors=True)


__all__ = [
    "LOOPBACK_HOSTS",
    "MAX_PATH",
    "MAX_SEGMENT",
    "PREFIX",
    "RELOAD_JS",
    "HTTPServer",
    "Handler",
    "Server",
    "State",
    "allowed_hosts",
    "banner",
    "exposure_warning",
    "folder_location",
    "host_name",
    "inject",
    "is_loopback",
    "is_wildcard",
    "split_target",
    "too_long",
]
