"""Static files (CSS, scripts, images) copied into the site: the theme's, overridden
by the site's own by file name."""

from __future__ import annotations

from pathlib import Path

from archivist.config import Config
from archivist.publish.write import Staging
from archivist.theme import theme_dir


def copy_static(staging: Staging, site_root: Path, config: Config) -> int:
    """Theme static files, overridden by the site's own `static/` by file name."""
    files: dict[str, Path] = {}
    for folder in (theme_dir("static"), site_root / config.static_dir):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and "__pycache__" not in path.parts:
                if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
                    continue
                files[path.relative_to(folder).as_posix()] = path
    for rel in sorted(files):
        staging.write(f"static/{rel}", files[rel].read_bytes())
    return len(files)
