"""`pip install .` (not editable) into a fresh venv, then `archivist build` in a folder
that holds only content/: the theme must ship inside the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from sitekit import REPO

pytestmark = pytest.mark.slow


def test_wheel_install_builds_a_site(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("archivist-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    result = subprocess.run(
        [str(env_dir / "bin" / "archivist"), "build"], cwd=site, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = site / "_site"
    assert (out / "static" / "archivist.css").is_file()
    assert (out / "pagefind" / "pagefind.js").is_file()
    records = list((site / "content").glob("*.*"))
    for source in records:
        assert (out / "records" / source.stem / "index.html").is_file()
    # It ran the installed copy, not this checkout.
    assert str(REPO) not in (out / "index.html").read_text(encoding="utf-8")
