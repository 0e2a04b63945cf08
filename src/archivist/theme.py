"""Where the default theme lives: `templates/` and `static/` at the top of the repo,
shipped inside the wheel as data-only packages (see pyproject.toml)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def theme_dir(kind: str) -> Path:
    """The default theme's `templates` or `static` folder (in the wheel or the repo)."""
    # The theme folders ship as data-only namespace packages (see pyproject.toml).
    spec = importlib.util.find_spec(f"archivist.theme_{kind}")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if Path(location).is_dir():
                return Path(location)
    return REPO_ROOT / kind
