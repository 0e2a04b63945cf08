"""Which pages exist and their URLs: the one place for URL rules.

A URL here is site-relative and ends with `/` (`records/abc/`); `href` prefixes the
base path, `output_path` turns it into the file written under the output folder.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from archivist.config import Config

FACET_TITLES = {
    "types": ("Types", "Type"),
    "languages": ("Languages", "Language"),
    "archives": ("Archives", "Archive"),
    "collections": ("Collections", "Collection"),
    "subjects": ("Subjects", "Subject"),
}


def record_url(record_id: str) -> str:
    return f"records/{record_id}/"


def record_json_url(record_id: str) -> str:
    return f"records/{record_id}/record.json"


def person_url(slug: str) -> str:
    return f"people/{slug}/"


def year_url(year: int) -> str:
    return f"years/{year:04d}/"


def undated_url() -> str:
    return "years/undated/"


def facet_url(facet: str, slug: str | None = None) -> str:
    return f"{facet}/{slug}/" if slug else f"{facet}/"


def paged(url: str, page: int) -> str:
    """The URL of page `page` (1-based) of a paginated list at `url`."""
    return url if page <= 1 else f"{url}page/{page}/"


def href(config: Config, url: str) -> str:
    """A link to a site-relative URL, under the configured base path."""
    return config.base_path + url.lstrip("/")


def absolute(config: Config, url: str) -> str:
    """An absolute URL when the site URL is known, else the base-path link."""
    site = config.site_url
    return site + url.lstrip("/") if site else href(config, url)


def output_path(url: str) -> PurePosixPath:
    """`records/x/` → `records/x/index.html`; `data/records.json` stays a file."""
    path = PurePosixPath(url.lstrip("/"))
    if url == "" or url.endswith("/"):
        return path / "index.html"
    return path
