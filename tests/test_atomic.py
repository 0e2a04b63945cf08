"""Atomic publish: a killed or failed build leaves the previous site byte for byte; the
lock stops a second build; the output folder must be ours, empty, or absent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archivist.pipeline import BuildFailed, build
from archivist.publish.write import MARKER, BuildLock, OutputError, check_output_dir
from invariants import REPO, assert_invariants, sample_record, sample_site, snapshot, tree

HANG = "#!/bin/sh\nexec sleep 600\n"


def _fake_pagefind(tmp: Path, script: str) -> Path:
    path = tmp / "fake-pagefind"
    path.write_text(script, encoding="utf-8")
    path.chmod(0o755)
    return path


def _start_build(site: Path, out: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    full = {**os.environ, **env, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "archivist", "build", "-q", "--site", str(site), "--out", str(out)],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(predicate: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_kill_9_mid_build_leaves_the_old_site(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 6)
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    old = tree(out)
    (site / "content" / "rec-001.md").write_text(sample_record(1, title="New"), "utf-8")
    # Pagefind that never answers: the build sits after writing every page to staging.
    fake = _fake_pagefind(tmp_path, HANG)
    proc = _start_build(site, out, {"PAGEFIND_BINARY_PATH": str(fake)})
    _wait_for(lambda: any((s / "records").is_dir() for s in tmp_path.glob("._site.staging-*")))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree(out) == old
    # The next build cleans up what the killed one left and publishes normally.
    report = build(site, out, jobs=1)
    assert not list(tmp_path.glob("._site.staging-*"))
    assert "New" in (out / "records" / "rec-001" / "index.html").read_text("utf-8")
    assert_invariants(report, out)


def test_a_failed_build_leaves_the_old_site(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 4)
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    old = tree(out)
    (site / "content" / "rec-002.md").write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    with pytest.raises(BuildFailed):
        build(site, out, jobs=1)
    assert tree(out) == old


def test_lock_stops_a_second_build(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 2)
    out = tmp_path / "_site"
    before = snapshot(tmp_path, out)
    with BuildLock(out), pytest.raises(OutputError, match="another archivist build"):
        build(site, out, jobs=1)
    assert not out.exists()
    assert snapshot(tmp_path, out) == before


def test_lock_message_from_the_command_line(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 2)
    out = tmp_path / "_site"
    fake = _fake_pagefind(tmp_path, HANG)
    first = _start_build(site, out, {"PAGEFIND_BINARY_PATH": str(fake)})
    try:
        _wait_for(lambda: any(tmp_path.glob("._site.staging-*")))
        second = _start_build(site, out, {})
        _, err = second.communicate(timeout=120)
        assert second.returncode == 1
        assert f"another archivist build (process {first.pid}) is writing".encode() in err
    finally:
        first.kill()
        first.wait()


@pytest.mark.parametrize(
    "where",
    ["site root", "content folder", "inside content", "home", "parent of site", "root"],
)
def test_refuses_dangerous_output_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    home = tmp_path / "home"
    site = sample_site(home / "sites" / "a", 2)
    monkeypatch.setenv("HOME", str(home))
    out = {
        "site root": site,
        "content folder": site / "content",
        "inside content": site / "content" / "_site",
        "home": home,
        "parent of site": home / "sites",
        "root": Path("/"),
    }[where]
    before = snapshot(tmp_path, tmp_path / "nothing")
    with pytest.raises(OutputError, match="refusing"):
        check_output_dir(out, site, site / "content")
    if where != "root":
        with pytest.raises(OutputError, match="refusing"):
            build(site, out, jobs=1)
    assert snapshot(tmp_path, tmp_path / "nothing") == before


def test_refuses_a_foreign_non_empty_folder(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 2)
    out = tmp_path / "docs"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", "utf-8")
    with pytest.raises(OutputError, match="not written by archivist"):
        build(site, out, jobs=1)
    assert (out / "thesis.tex").read_text("utf-8") == "precious"


def test_accepts_an_empty_folder_and_marks_it(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 2)
    out = tmp_path / "empty"
    out.mkdir()
    report = build(site, out, jobs=1)
    assert (out / MARKER).is_file()
    assert_invariants(report, out)
    build(site, out, jobs=1)  # ours now: rebuilding is fine


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_refuses_an_output_that_is_not_a_folder(tmp_path: Path, kind: str) -> None:
    site = sample_site(tmp_path / "site", 2)
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("x", "utf-8")
    else:
        (tmp_path / "elsewhere").mkdir()
        out.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputError):
        build(site, out, jobs=1)
    assert not any((tmp_path / "elsewhere").iterdir()) if kind == "symlink" else True


def test_publish_swaps_atomically(tmp_path: Path) -> None:
    """While a rebuild publishes, `out` always names a whole site (never missing)."""
    site = sample_site(tmp_path / "site", 3)
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    seen_missing = False
    stop = False

    import threading

    def watch() -> None:
        nonlocal seen_missing
        while not stop:
            if not (out / MARKER).exists():
                seen_missing = True

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        for n in range(3):
            (site / "content" / "rec-000.md").write_text(sample_record(0, title=f"v{n}"), "utf-8")
            build(site, out, jobs=1)
    finally:
        stop = True
        thread.join()
    assert not seen_missing


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the parent pid follows the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_kill_9_of_the_main_process_during_rendering_frees_the_next_build(
    tmp_path: Path,
) -> None:
    # Only the main process is killed (not its group, as a terminal's Ctrl-C would):
    # its forked workers must end with it and must not keep the build lock.
    site = sample_site(tmp_path / "site", 400)
    body = "\n\n".join(f"Paragraph {i} with *emphasis* and [^{i}]." for i in range(1, 200))
    notes = "\n".join(f"[^{i}]: Note {i}." for i in range(1, 200))
    for n in range(400):
        (site / "content" / f"rec-{n:03d}.md").write_text(
            sample_record(n, body=f"{body}\n\n{notes}\n"), "utf-8"
        )
    out = tmp_path / "_site"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "archivist", "build", "-q", "--site", str(site),
         "--out", str(out), "--jobs", "2", "--clean"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    workers: set[int] = set()
    try:
        _wait_for(lambda: len(_children(proc.pid)) >= 2 or proc.poll() is not None)
        assert proc.poll() is None, "the build ended before its workers could be seen"
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        _wait_for(lambda: not any(_alive(w) for w in workers), timeout=10)
        report = build(site, out, jobs=2)
        assert report.published == 400
    finally:
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
