"""Faults: Pagefind failing every way, a full or read-only disk, builds interrupted by
signals at random points. Each gives a clear error in bounded time and leaves the
previous site byte for byte; a rebuild afterwards equals a clean build."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archivist.pipeline import BuildFailed, build
from archivist.publish.write import OutputError
from invariants import (
    REPO,
    assert_invariants,
    sample_record,
    sample_site,
    tree,
    tree_diff,
)

CONFIG = "title: Faults\nsearch_timeout: 3\n"

# Fake Pagefind binaries, each failing one way.
FAKES = {
    "exits non-zero": "#!/bin/sh\necho 'oops' >&2\nexit 3\n",
    "prints garbage": "#!/bin/sh\necho 'this is not base64 json,'\nexec sleep 600\n",
    "hangs": "#!/bin/sh\nexec sleep 600\n",
    "killed": "#!/bin/sh\nhead -c 10 >/dev/null\nkill -9 $$\n",
    "answers then dies": (
        "#!/bin/sh\n"
        # a valid NewIndex answer, then death before the records are indexed
        'printf \'%s,\' "$(printf \'{"message_id":1,"payload":{"type":"NewIndex",'
        '"index_id":0}}\' | base64 -w0)"\nhead -c 1 >/dev/null\nexit 1\n'
    ),
}


@pytest.fixture
def old_site(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    site = sample_site(tmp_path / "site", 4, CONFIG)
    out = tmp_path / "_site"
    build(site, out, jobs=1)
    (site / "content" / "rec-001.md").write_text(sample_record(1, title="Changed"), "utf-8")
    return site, out, tree(out)


def _fake(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "pagefind-fake"
    path.write_text(script, encoding="utf-8")
    path.chmod(0o755)
    return path


def _no_leftovers(out: Path) -> None:
    assert not list(out.parent.glob(f".{out.name}.staging-*"))


@pytest.mark.parametrize("how", list(FAKES))
def test_pagefind_failures(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old_site: tuple[Path, Path, dict[str, bytes]],
    how: str,
) -> None:
    site, out, old = old_site
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(_fake(tmp_path, FAKES[how])))
    start = time.monotonic()
    with pytest.raises(BuildFailed, match=r"search index: .*Pagefind.*previous site is unchanged"):
        build(site, out, jobs=1)
    assert time.monotonic() - start < 30
    assert tree(out) == old
    _no_leftovers(out)


def test_pagefind_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_site: tuple[Path, Path, dict[str, bytes]]
) -> None:
    site, out, old = old_site
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(BuildFailed, match="Pagefind binary is missing"):
        build(site, out, jobs=1)
    assert tree(out) == old


def test_pagefind_not_executable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_site: tuple[Path, Path, dict[str, bytes]]
) -> None:
    site, out, old = old_site
    fake = _fake(tmp_path, "#!/bin/sh\n")
    fake.chmod(0o644)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    with pytest.raises(BuildFailed, match="cannot start Pagefind"):
        build(site, out, jobs=1)
    assert tree(out) == old


# -- the disk ---------------------------------------------------------------------------


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "mnt"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_keeps_the_old_site(tmp_path: Path, tmpfs: Path) -> None:
    site = sample_site(tmp_path / "site", 3, CONFIG)
    out = tmpfs / "_site"
    build(site, out, jobs=1)
    old = tree(out)
    big = "Lorem ipsum dolor sit amet. " * 4000  # ~110 KB a record, over 2 MB in all
    for n in range(30):
        (site / "content" / f"big-{n}.md").write_text(sample_record(100 + n, body=big), "utf-8")
    with pytest.raises((OutputError, BuildFailed), match=r"disk is full|No space"):
        build(site, out, jobs=1)
    assert tree(out) == old
    _no_leftovers(out)


def test_read_only_output_keeps_the_old_site(tmp_path: Path, tmpfs: Path) -> None:
    site = sample_site(tmp_path / "site", 3, CONFIG)
    out = tmpfs / "_site"
    build(site, out, jobs=1)
    old = tree(out)
    (site / "content" / "rec-000.md").write_text(sample_record(0, title="New"), "utf-8")
    remount = subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True)
    if remount.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remount.stderr.decode().strip()}")
    with pytest.raises(OutputError, match="Read-only file system"):
        build(site, out, jobs=1)
    assert tree(out) == old


# -- interrupted builds -----------------------------------------------------------------


def _run(site: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "archivist", "build", "-q", "--site", str(site),
         "--out", str(out), "--jobs", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_interrupted_builds_then_rebuild_equals_clean(tmp_path: Path, sig: signal.Signals) -> None:
    rng = random.Random(f"interrupt-{sig.name}")
    site = sample_site(tmp_path / "site", 120, "title: Interrupted\nsearch_shard_size: 50\n")
    out = tmp_path / "_site"
    build(site, out)
    # How long a build takes here, to pick kill points all through it.
    (site / "content" / "rec-000.md").write_text(sample_record(0, title="v0"), "utf-8")
    start = time.monotonic()
    assert _run(site, out).wait(timeout=300) == 0
    span = time.monotonic() - start
    for attempt in range(1, 4):
        for n in rng.sample(range(120), 5):
            (site / "content" / f"rec-{n:03d}.md").write_text(
                sample_record(n, title=f"attempt {attempt} record {n}"), "utf-8"
            )
        clean = tmp_path / f"clean-{attempt}"
        build(site, clean, use_cache=False)
        expected = tree(clean)
        before = tree(out)
        proc = _run(site, out)
        time.sleep(rng.uniform(0.05, span))
        if proc.poll() is None:
            # The whole group: Ctrl-C in a terminal reaches the workers too.
            os.killpg(proc.pid, sig)
        proc.wait(timeout=120)
        after = tree(out)
        # Either the old site, untouched, or the whole new one: never a mixture.
        assert tree_diff(after, before) == [] or tree_diff(after, expected) == []
        report = build(site, out)
        assert tree_diff(tree(out), expected) == []
        assert_invariants(report, out)
        _no_leftovers(out)
