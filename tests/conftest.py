"""Shared fixtures: where the repo and the shared corpora are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# The browser fixtures, shared by every test module: one Playwright (and one Chromium)
# per test process, as Playwright's sync API allows only one at a time.
pytest_plugins = ["browser_kit"]


def shared_dir() -> Path:
    """`../shared` beside the repo, or $ARCHIVIST_SHARED."""
    env = os.environ.get("ARCHIVIST_SHARED")
    return Path(env) if env else REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    path = shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared corpus not present at {path}")
    return path


def corpus_path(*parts: str) -> Path:
    """A path in the shared corpus; the calling test is skipped when it is absent."""
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus file not present: {path}")
    return path
