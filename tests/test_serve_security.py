"""`archivist serve` against hostile requests, spoken as raw HTTP over a socket so that
request targets no well-behaved client would send reach the server as they are."""

from __future__ import annotations

import errno
import logging
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from archivist import serve
from archivist.serve import Handler, Server

PAGE = b"<!DOCTYPE html><html><head><title>t</title></head><body>%s</body></html>"


@dataclass
class Reply:
    status: int
    status_line: bytes
    head: bytes
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        assert len(values) <= 1, values
        return values[0] if values else None


def _parse(raw: bytes) -> Reply:
    head, sep, body = raw.partition(b"\r\n\r\n")
    assert sep, f"no complete response: {raw[:200]!r}"
    status_line, *lines = head.split(b"\r\n")
    headers = []
    for line in lines:
        name, colon, value = line.partition(b":")
        assert colon, f"not a header line: {line!r}"
        headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
    return Reply(int(status_line.split()[1]), status_line, head, headers, body)


def _send(port: int, request: bytes, *, ip: str = "127.0.0.1") -> bytes:
    with socket.create_connection((ip, port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _request(target: bytes, host: bytes | None, *, method: bytes = b"GET") -> bytes:
    lines = [method + b" " + target + b" HTTP/1.1"]
    if host is not None:
        lines.append(b"Host: " + host)
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


@dataclass
class Running:
    server: Server
    port: int
    out: Path

    @property
    def host(self) -> bytes:
        return f"127.0.0.1:{self.port}".encode("ascii")

    def get(self, target: bytes, host: bytes | None = b"", *, ip: str = "127.0.0.1") -> Reply:
        """One request; `host` b"" means this server's own 127.0.0.1:port."""
        request = _request(target, self.host if host == b"" else host)
        return _parse(_send(self.port, request, ip=ip))


def _site(out: Path) -> None:
    """A built site's shape, written directly: these tests need no build."""
    (out / "static").mkdir(parents=True)
    (out / "records" / "rec-001").mkdir(parents=True)
    (out / "index.html").write_bytes(PAGE % b"Home page")
    (out / "records" / "rec-001" / "index.html").write_bytes(PAGE % b"Record one")
    (out / "static" / "style.css").write_bytes(b"body { color: black; }\n")
    (out / "404.html").write_bytes(PAGE % b"Not here")


def _start(tmp_path: Path, host: str = "127.0.0.1") -> Running:
    out = tmp_path / "out"
    if not out.exists():
        _site(out)
    server = Server(tmp_path, host=host, port=0, out=out, jobs=1)
    server.start_http()
    return Running(server, server.httpd.server_address[1], out)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One server for the module: stopping one takes half a second."""
    served = _start(tmp_path_factory.mktemp("serve"))
    try:
        yield served
    finally:
        served.server.close()


def _wait_handlers_done(timeout: float = 10) -> None:
    """Until no request thread is left (their errors are reported when they end)."""
    deadline = time.monotonic() + timeout
    while any("process_request_thread" in t.name for t in threading.enumerate()):
        assert time.monotonic() < deadline, "a request thread never ended"
        time.sleep(0.02)


def _assert_clean_head(reply: Reply) -> None:
    """Every response line ends in CRLF; no header was smuggled in."""
    assert reply.head.count(b"\n") == reply.head.count(b"\r\n")
    assert reply.head.count(b"\r") == reply.head.count(b"\r\n")
    assert all(0x20 <= b < 0x7F for b in reply.head.replace(b"\r\n", b"")), reply.head
    assert reply.header("Set-Cookie") is None
    assert reply.header("X-Pad") is None


def _assert_same_origin(reply: Reply, port: int) -> None:
    location = reply.header("Location")
    assert location is not None, reply.head
    assert all(0x21 <= ord(c) < 0x7F for c in location), location
    assert "\\" not in location
    assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
    base = f"http://127.0.0.1:{port}/x/y"
    assert urlsplit(urljoin(base, location)).netloc == f"127.0.0.1:{port}"


# --- redirects ------------------------------------------------------------------------

INJECTIONS = [
    b"/%0d%0aSet-Cookie:%20probe=INJECTED%0d%0aX-Pad:%20%2f..%2fstatic",
    b"/%0D%0ASet-Cookie:%20probe=INJECTED%2f..%2fstatic",
    b"/%0aSet-Cookie:%20probe=INJECTED%0aX-Pad:%20%2f..%2fstatic",
    b"/%0dSet-Cookie:%20probe=INJECTED%2f..%2fstatic",
    b"/%E2%80%A8Set-Cookie:%20probe=INJECTED%2f..%2fstatic",  # U+2028 LINE SEPARATOR
    b"/%E2%80%A9Set-Cookie:%20probe=INJECTED%2f..%2fstatic",  # U+2029 PARAGRAPH SEPARATOR
    b"/%C2%85Set-Cookie:%20probe=INJECTED%2f..%2fstatic",  # U+0085 NEXT LINE
    b"/\xe2\x80\xa8Set-Cookie:%20probe=INJECTED%2f..%2fstatic",  # U+2028, not encoded
    b"/%00Set-Cookie:%20probe=INJECTED%2f..%2fstatic",
]


@pytest.mark.parametrize("target", INJECTIONS)
def test_a_redirect_never_carries_a_line_break(running: Running, target: bytes) -> None:
    reply = running.get(target)
    assert reply.status == 301
    _assert_clean_head(reply)
    _assert_same_origin(reply, running.port)


REDIRECTS = [
    b"/%2F127.0.0.1:8712%2F..%2Fstatic",
    b"/%2F%2Fevil.example%2F..%2F..%2Fstatic",
    b"/%2f%2fevil.example/../../static",
    b"/\\evil.example/../static",
    b"/\\\\evil.example/../static",
    b"/%5Cevil.example/../static",
    b"/%5C%5Cevil.example%2F..%2Fstatic",
    b"/%2F%5Cevil.example/../../static",
    b"/%09/evil.example/../../static",  # browsers drop tabs from a URL: "//evil.example"
]


@pytest.mark.parametrize("target", REDIRECTS)
def test_a_redirect_stays_on_this_origin(running: Running, target: bytes) -> None:
    reply = running.get(target)
    assert reply.status == 301
    _assert_clean_head(reply)
    _assert_same_origin(reply, running.port)


def test_a_redirect_keeps_the_query_encoded(running: Running) -> None:
    reply = running.get(b"/%2F%2Fevil.example%2F..%2Fstatic?q=a%0d%0aSet-Cookie:x&\\r=1")
    _assert_clean_head(reply)
    _assert_same_origin(reply, running.port)
    location = reply.header("Location")
    assert location is not None and location.endswith("/?q=a%0d%0aSet-Cookie:x&%5Cr=1")


def test_raw_request_data_never_reaches_the_status_line(running: Running) -> None:
    raw = _send(running.port, b"GET /a\rSet-Cookie:x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    reply = _parse(raw)
    assert reply.status == 400
    assert b"Set-Cookie" not in reply.head
    _assert_clean_head(reply)


# --- Host -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        b"evil.example",
        b"evil.example:{port}",
        b"127.0.0.1.evil.example",
        b"127.0.0.1.evil.example:{port}",
        b"localhost.evil.example",
        b"evil.example#@127.0.0.1",
        b"127.0.0.2",
        b"",
        None,
    ],
)
@pytest.mark.parametrize("target", [b"/records/rec-001/", b"/__archivist__/status"])
def test_a_foreign_host_is_refused(running: Running, host: bytes | None, target: bytes) -> None:
    if host is not None:
        host = host.replace(b"{port}", str(running.port).encode("ascii"))
    reply = _parse(_send(running.port, _request(target, host)))
    assert reply.status in (400, 403, 421)
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    assert b"Record one" not in reply.body and b"version" not in reply.body
    assert len(reply.body) < 200


def test_more_than_one_host_is_refused(running: Running) -> None:
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"
    assert _parse(_send(running.port, request)).status in (400, 403, 421)


@pytest.mark.parametrize(
    "host",
    [
        b"localhost",
        b"localhost:{port}",
        b"LocalHost:{port}",
        b"127.0.0.1",
        b"127.0.0.1:{port}",
        b"[::1]",
        b"[::1]:{port}",
    ],
)
def test_its_own_host_names_are_served(running: Running, host: bytes) -> None:
    reply = running.get(b"/records/rec-001/", host.replace(b"{port}", b"%d" % running.port))
    assert reply.status == 200 and b"Record one" in reply.body


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("localhost", "localhost"),
        ("LOCALHOST:8000", "localhost"),
        ("127.0.0.1:", "127.0.0.1"),
        ("[::1]:8000", "[::1]"),
        (" example.org ", "example.org"),
        ("evil.example/x", None),
        ("user@127.0.0.1", None),
        ("127.0.0.1:80:80", None),
        ("127.0.0.1:123456", None),
        ("::1", None),
        ("[::1", None),
        ("", None),
        ("\u212aelvin", None),  # a Kelvin sign, which lowercases to "k"
    ],
)
def test_host_name(value: str, name: str | None) -> None:
    assert serve.host_name(value) == name


def test_allowed_hosts() -> None:
    assert serve.allowed_hosts("127.0.0.1") == serve.LOOPBACK_HOSTS
    assert serve.allowed_hosts("192.168.1.5") == serve.LOOPBACK_HOSTS | {"192.168.1.5"}
    assert serve.allowed_hosts("::1") == serve.LOOPBACK_HOSTS
    assert serve.allowed_hosts("Archive.Local") == serve.LOOPBACK_HOSTS | {"archive.local"}
    machine = socket.gethostname().lower()
    assert serve.allowed_hosts("") == serve.LOOPBACK_HOSTS | {machine}
    for wildcard, name in (("0.0.0.0", "0.0.0.0"), ("::", "[::]"), ("[::]", "[::]")):
        assert serve.is_wildcard(wildcard)
        assert serve.allowed_hosts(wildcard) == serve.LOOPBACK_HOSTS | {name, machine}
    assert not serve.is_wildcard("127.0.0.1") and not serve.is_wildcard("localhost")


def test_on_every_interface_it_answers_to_the_address_it_was_reached_at(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="archivist"):
        served = _start(tmp_path, host="0.0.0.0")
    try:
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any("0.0.0.0" in w and "network" in w and "draft" in w for w in warnings)
        # 127.0.0.2 is another loopback address: the socket's own address is allowed.
        port = served.port
        assert served.get(b"/", b"127.0.0.2:%d" % port, ip="127.0.0.2").status == 200
        assert served.get(b"/", b"localhost", ip="127.0.0.2").status == 200
        assert served.get(b"/", b"0.0.0.0:%d" % port).status == 200  # the URL it prints
        assert served.get(b"/", b"127.0.0.3:%d" % port, ip="127.0.0.2").status in (403, 421)
        assert served.get(b"/", b"evil.example", ip="127.0.0.2").status in (403, 421)
    finally:
        served.server.close()


def test_loopback_listening_gives_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="archivist"):
        _start(tmp_path, host="127.0.0.1").server.close()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_loopback_addresses() -> None:
    for address in ("127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost", "LocalHost"):
        assert serve.is_loopback(address), address
    for address in ("0.0.0.0", "::", "", "192.168.1.5", "archive.local"):
        assert not serve.is_loopback(address), address
    assert "draft" not in serve.exposure_warning("192.168.1.5", drafts=False)


# --- slow, broken and departing clients -------------------------------------------------


def test_a_partial_request_times_out(running: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Handler.timeout is not None and 0 < Handler.timeout <= 60
    monkeypatch.setattr(Handler, "timeout", 0.5)
    with socket.create_connection(("127.0.0.1", running.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: unfinished
        started = time.monotonic()
        assert sock.recv(1024) == b""  # the server hung up
        assert time.monotonic() - started < 5
    assert running.get(b"/").status == 200


def test_the_event_stream_outlives_the_idle_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Handler, "timeout", 0.3)
    served = _start(tmp_path)  # its own: closing it is what ends the stream
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
            sock.sendall(_request(b"/__archivist__/events", served.host))
            stream = sock.makefile("rb")

            def next_data() -> bytes:
                while line := stream.readline():
                    if line.startswith(b"data: "):
                        return line[6:].strip()
                raise AssertionError("the event stream ended")

            assert next_data() == b"0"
            time.sleep(1)  # three idle timeouts with nothing to send
            served.server.state.publish(True, "", [], "")
            assert next_data() == b"1"
    finally:
        served.server.close()


@pytest.mark.parametrize(
    "target",
    [
        b"/" + b"a" * 300,
        b"/" + b"%61" * 300,
        b"/records/" + b"a" * 300 + b"/",
        b"/static/" + b"b" * 300 + b".css",
        b"/" + b"/".join([b"c" * 200] * 40),
    ],
)
def test_an_overlong_path_is_a_clean_client_error(
    running: Running, target: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    reply = running.get(target)
    assert reply.status in (404, 414)
    _wait_handlers_done()
    assert "Traceback" not in capfd.readouterr().err
    assert running.get(b"/records/rec-001/").status == 200


def test_a_file_that_cannot_be_read_is_not_found(
    running: Running, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A page replaced mid-rebuild, or unreadable: a 404, not a dropped connection."""
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.parent.name == "rec-001":
            raise OSError(errno.EIO, "Input/output error", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    reply = running.get(b"/records/rec-001/")
    assert reply.status == 404 and b"Not here" in reply.body
    _wait_handlers_done()
    assert "Traceback" not in capfd.readouterr().err


def test_a_client_leaving_mid_response_prints_nothing(
    running: Running, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    (running.out / "static" / "big.bin").write_bytes(b"x" * (16 << 20))
    capfd.readouterr()
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(_request(b"/static/big.bin", running.host))
        assert sock.recv(1024).startswith(b"HTTP/1.0 200")
        # Close with a reset (linger 0): the server's next write fails at once.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    _wait_handlers_done()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err, err
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert running.get(b"/").status == 200


def test_a_bug_is_still_reported(
    running: Running, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Handler, name: str) -> None:
        raise RuntimeError("a bug in serve")

    monkeypatch.setattr(Handler, "_internal", broken)
    with caplog.at_level(logging.ERROR, logger="archivist"):
        assert _send(running.port, _request(b"/__archivist__/status", running.host)) == b""
        _wait_handlers_done()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info and "a bug in serve" in str(errors[0].exc_info[1])
