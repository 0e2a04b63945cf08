"""`archivist serve` driven like a browser would: a real HTTP client, real file edits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archivist.serve import inject
from invariants import REPO, sample_record, sample_site


class Served:
    def __init__(self, proc: subprocess.Popen[str], url: str, out: Path) -> None:
        self.proc, self.url, self.out = proc, url, out

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as resp:
                return resp.status, resp.read().decode("utf-8"), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8"), dict(exc.headers)

    def status(self) -> dict[str, object]:
        return json.loads(self.get("/__archivist__/status")[1])  # type: ignore[no-any-return]

    def wait_version(self, above: int, timeout: float = 60) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.status()
            if int(state["version"]) > above:  # type: ignore[call-overload]
                return state
            time.sleep(0.1)
        raise AssertionError(f"no rebuild after version {above}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    site = sample_site(tmp_path / "site", 4)
    out = tmp_path / "serve-out"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "archivist", "serve", "--site", str(site), "--port", "0",
         "--out", str(out), "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("Serving http://127.0.0.1:"), line
    server = Served(proc, line.split()[1], out)
    server.site = site  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _edit(site: Path, n: int, **kwargs: str) -> None:
    path = site / "content" / f"rec-{n:03d}.md"
    path.write_text(sample_record(n, **kwargs), encoding="utf-8")


def test_serves_pages_with_the_reload_script_only_in_responses(served: Served) -> None:
    status, page, headers = served.get("/records/rec-001/")
    assert status == 200
    assert '<script src="/__archivist__/reload.js?v=1" defer></script>' in page
    assert headers["Cache-Control"] == "no-store"
    built = (served.out / "records" / "rec-001" / "index.html").read_text("utf-8")
    assert "__archivist__" not in built
    # External script, so the page's Content-Security-Policy (script-src 'self') allows it.
    assert "script-src 'self'" in page
    js_status, js, js_headers = served.get("/__archivist__/reload.js")
    assert js_status == 200 and "EventSource" in js
    assert js_headers["Content-Type"].startswith("text/javascript")
    assert served.get("/__archivist__/nothing")[0] == 404
    assert served.get("/records/no-such-record/")[0] == 404


def test_events_stream_announces_a_rebuild_after_an_edit(served: Served) -> None:
    with urllib.request.urlopen(served.url + "__archivist__/events", timeout=60) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"

        def next_data() -> str:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = stream.readline().decode("utf-8")
                if line.startswith("data: "):
                    return line[6:].strip()
            raise AssertionError("no event from the server")

        first = next_data()
        _edit(served.site, 1, title="A title changed while serving")  # type: ignore[attr-defined]
        second = next_data()
    assert int(second) > int(first)
    assert "A title changed while serving" in served.get("/records/rec-001/")[1]


def test_a_broken_record_shows_its_error_and_recovers(served: Served) -> None:
    version = int(served.status()["version"])  # type: ignore[call-overload]
    broken = served.site / "content" / "rec-002.md"  # type: ignore[attr-defined]
    broken.write_text("---\ntitle: [never closed\n---\nText\n", encoding="utf-8")
    state = served.wait_version(version)
    assert state["ok"] is False
    status, page, _ = served.get("/records/rec-001/")
    assert status == 200 and 'id="archivist-serve-errors"' in page
    assert "content/rec-002.md:2:" in page
    missing_status, missing, _ = served.get("/records/rec-002/")
    assert missing_status == 404 and "content/rec-002.md:2:" in missing
    # Still serving; fixing the file brings the page back and the banner goes.
    _edit(served.site, 2, title="Fixed again")  # type: ignore[attr-defined]
    state = served.wait_version(int(state["version"]))  # type: ignore[call-overload]
    assert state["ok"] is True
    status, page, _ = served.get("/records/rec-002/")
    assert status == 200 and "Fixed again" in page and "archivist-serve-errors" not in page
    assert served.proc.poll() is None


def test_template_and_settings_changes_rebuild(served: Served) -> None:
    site: Path = served.site  # type: ignore[attr-defined]
    version = int(served.status()["version"])  # type: ignore[call-overload]
    (site / "archivist.yaml").write_text("title: A renamed archive\n", encoding="utf-8")
    state = served.wait_version(version)
    assert "A renamed archive" in served.get("/")[1]
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body>Local 404</body></html>",
        encoding="utf-8",
    )
    served.wait_version(int(state["version"]))  # type: ignore[call-overload]
    status, page, _ = served.get("/missing/")
    assert status == 404 and "Local 404" in page


@pytest.mark.parametrize(
    ("page", "state", "needles", "absent"),
    [
        (
            b"<html><head><title>t</title></head><body><p>x</p></body></html>",
            {"version": 3, "ok": True, "message": "", "problems": []},
            ["reload.js?v=3", "</head>"],
            ["archivist-serve-errors"],
        ),
        (
            b"<html><head></head><body class=a><p>x</p></body></html>",
            {
                "version": 4,
                "ok": False,
                "message": "1 error(s)",
                "problems": [
                    {
                        "location": "content/a.md:1:1",
                        "field": "title",
                        "message": "<script>alert(1)</script>",
                        "severity": "error",
                    }
                ],
            },
            ['<body class=a><div class="archivist-serve-errors"', "&lt;script&gt;alert(1)"],
            ["<script>alert(1)"],
        ),
    ],
)
def test_inject(
    page: bytes, state: dict[str, object], needles: list[str], absent: list[str]
) -> None:
    html = inject(page, state).decode("utf-8")
    for needle in needles:
        assert needle in html
    for bad in absent:
        assert bad not in html


def test_a_session_leaves_its_cache_for_the_next_build_into_its_folder(tmp_path: Path) -> None:
    """serve keeps the build cache in memory; closing it saves the cache, so a build
    into the same --out afterwards redoes only what changed since, not everything."""
    from archivist.pipeline import build
    from archivist.serve import Server

    site = sample_site(tmp_path / "site", 20)
    out = tmp_path / "serve-out"
    build(site, out, jobs=1)
    # A damaged cache on disk is ignored by the session's first build; the session's
    # cache must replace all of it at the end, not only the parts it changed.
    (out.parent / ".archivist-cache" / out.name / "reads-00.pickle").write_bytes(b"damaged")
    server = Server(site, port=0, out=out, jobs=1)
    try:
        assert server.rebuild() is not None
        _edit(site, 2, body="Edited in the preview.")
        edited = server.rebuild()
        # The record and its neighbourhood (previous, next, related), not all 20.
        assert edited is not None and 1 <= edited.rendered < 20
    finally:
        server.close()
    _edit(site, 3, body="Edited after the preview.")
    after = build(site, out, jobs=1, base_url="/", keep_going=True, drafts=True)
    assert 1 <= after.rendered < 20 and after.reused == 20 - after.rendered
