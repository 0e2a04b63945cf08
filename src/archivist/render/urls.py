"""Which pages exist and their URLs: the one place for URL rules.

A URL here is site-relative and ends with `/` (`records/abc/`); `href` prefixes the
base path, `output_path` turns it into the file written under the output folder.
"""

from __future__ import annotations

from functools import lru_cache
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


def organization_url(slug: str) -> str:
    return f"organizations/{slug}/"


def participant_url(slug: str, kind: str) -> str:
    """A participant's page: a person's under people/, an organization's under
    organizations/."""
    return organization_url(slug) if kind == "organization" else person_url(slug)


def year_url(year: int) -> str:
    return f"years/{year:04d}/"


def undated_url() -> str:
    return "years/undated/"


def facet_url(facet: str, slug: str | None = None) -> str:
    return f"{facet}/{slug}/" if slug else f"{facet}/"


def paged(url: str, page: int) -> str:
    """The URL of page `page` (1-based) of a paginated list at `url`."""
    return url if page <= 1 else f"{url}page/{page}/"


@lru_cache(maxsize=16)
def _prefixes(base_url: str) -> tuple[str, str, str | None]:
    """(base path, absolute prefix, site URL) for a `base_url`: pure functions of it.

    `Config.base_path` and `.site_url` run a regex on every call, and a build asks for
    them hundreds of thousands of times (every link of every page).
    """
    config = Config(base_url=base_url)
    return config.base_path, config.site_url or config.base_path, config.site_url


def base_path(config: Config) -> str:
    """The configured base path (`/` or `/archive/`), computed once per base URL."""
    return _prefixes(config.base_url)[0]


def absolute_prefix(config: Config) -> str:
    """What `absolute` prefixes: the site URL when known, else the base path."""
    return _prefixes(config.base_url)[1]


def site_url(config: Config) -> str | None:
    """`Config.site_url`, computed once per base URL."""
    return _prefixes(config.base_url)[2]


def href(config: Config, url: str) -> str:
    """A link to a site-relative URL, under the configured base path."""
    return _prefixes(config.base_url)[0] + url.lstrip("/")


def absolute(config: Config, url: str) -> str:
    """An absolute URL when the site URL is known, else the base-path link."""
    return _prefixes(config.base_url)[1] + url.lstrip("/")


def output_path(url: str) -> PurePosixPath:
    """`records/x/` → `records/x/index.html`; `data/records.json` stays a file."""
    path = PurePosixPath(url.lstrip("/"))
    if url == "" or url.endswith("/"):
        return path / "index.html"
    return path
