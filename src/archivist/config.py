"""Site settings: a typed schema loaded from `archivist.yaml`, all errors at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType

from archivist.model import Location, Problem
from archivist.read.yamlstrict import YamlError, YamlValue, load_mapping

CONFIG_NAME = "archivist.yaml"

# Model fields a foreign front-matter key may be mapped onto (`fields:` in the config).
MAPPABLE_FIELDS = (
    "id", "title", "date", "participants", "source", "rights", "summary", "type",
    "language", "original_language", "classification", "place", "archive",
    "collections", "subjects", "funders", "translators", "uploaded", "record_id",
    "related", "status", "embargo",
)  # fmt: skip

_FIELD_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[\])?(\.[A-Za-z_][\w-]*(\[\])?)*$")


class ConfigError(Exception):
    """The settings file is wrong; `problems` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting, with its default. Paths are relative to the site root."""

    title: str = "Archivist example archive"
    description: str = "A digital archive of historical documents."
    publisher: str = ""
    language: str = "en"
    base_url: str = "/"
    content_dir: str = "content"
    templates_dir: str = "templates"
    static_dir: str = "static"
    page_size: int = 50
    related_count: int = 5
    markdown_html: bool = False
    # Foreign front-matter key paths per model field, e.g. {"date": "doc_date",
    # "source": "naa_refs[].reference"}; tried before the model's own names.
    field_map: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Search: the records a Pagefind shard may hold on average before the shard count
    # doubles (a power of two, so adding records re-shards only when the archive
    # doubles), the most shards, and seconds a Pagefind run may take. Pagefind holds
    # ~0.45 MB per record while it indexes and an edit re-indexes its record's whole
    # shard; the search page opens in ~1.4 s with 10 shards, ~2.2 s with 40 (bench/).
    search_shard_size: int = 1000
    search_max_shards: int = 64
    search_timeout: int = 1800
    # Seconds one record may take to read or render before it is reported as an error.
    record_timeout: float = 20.0

    @property
    def base_path(self) -> str:
        """The URL path prefix every internal link starts with: `/` or `/archive/`."""
        match = re.match(r"^[a-z][a-z0-9+.-]*://[^/]*(/.*)?$", self.base_url, re.I)
        path = (match.group(1) or "/") if match else self.base_url
        if not path.startswith("/"):
            path = "/" + path
        return path if path.endswith("/") else path + "/"

    @property
    def site_url(self) -> str | None:
        """The absolute site URL (ends with `/`), when `base_url` is absolute."""
        if re.match(r"^https?://", self.base_url, re.I):
            return self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        return None


_INT_FIELDS = {
    "page_size",
    "related_count",
    "search_shard_size",
    "search_max_shards",
    "search_timeout",
}
_FLOAT_FIELDS = {"record_timeout"}
_BOOL_FIELDS = {"markdown_html"}
_KEYS = {f.name for f in fields(Config)} - {"field_map"} | {"fields"}


def _coerce(key: str, raw: YamlValue, loc: Location, problems: list[Problem]) -> object | None:
    if key == "fields":
        if not isinstance(raw, dict):
            problems.append(
                Problem(loc, key, "expected a mapping of model field: front-matter key")
            )
            return None
        out: dict[str, str] = {}
        for model_field, path in raw.items():
            if model_field not in MAPPABLE_FIELDS:
                problems.append(Problem(loc, f"fields.{model_field}", "not a record field"))
            elif not isinstance(path, str) or not _FIELD_PATH.match(path):
                problems.append(
                    Problem(
                        loc, f"fields.{model_field}", f"expected a key path like a.b[].c ({path!r})"
                    )
                )
            else:
                out[model_field] = path
        return MappingProxyType(out)
    if not isinstance(raw, str):
        problems.append(Problem(loc, key, "expected a single value"))
        return None
    if key in _INT_FIELDS:
        if not raw.isdigit() or int(raw) < 1:
            problems.append(Problem(loc, key, f"expected a whole number of at least 1 ({raw!r})"))
            return None
        return int(raw)
    if key in _FLOAT_FIELDS:
        try:
            number = float(raw)
        except ValueError:
            number = -1.0
        if not number > 0:
            problems.append(Problem(loc, key, f"expected a positive number ({raw!r})"))
            return None
        return number
    if key in _BOOL_FIELDS:
        lowered = raw.lower()
        if lowered not in ("true", "false", "yes", "no"):
            problems.append(Problem(loc, key, f"expected true or false ({raw!r})"))
            return None
        return lowered in ("true", "yes")
    return raw


def load_config(site_root: Path, **overrides: object) -> Config:
    """Read `archivist.yaml` under `site_root` (absent means defaults)."""
    path = site_root / CONFIG_NAME
    problems: list[Problem] = []
    values: dict[str, object] = {}
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")
            parsed = load_mapping(text)
        except UnicodeDecodeError as exc:
            raise ConfigError(
                [Problem(Location(str(path)), "encoding", f"not UTF-8 ({exc.reason})")]
            ) from None
        except YamlError as exc:
            raise ConfigError(
                [Problem(Location(str(path), exc.line, exc.col), "yaml", exc.message)]
            ) from None
        for key, raw in parsed.value.items():
            line, col = parsed.lines[key]
            loc = Location(str(path), line, col)
            if key not in _KEYS:
                problems.append(Problem(loc, key, "unknown setting"))
                continue
            value = _coerce(key, raw, loc, problems)
            if value is not None:
                values["field_map" if key == "fields" else key] = value
    if problems:
        raise ConfigError(problems)
    config = Config(**values)  # type: ignore[arg-type]
    given = {k: v for k, v in overrides.items() if v is not None}
    return replace(config, **given) if given else config  # type: ignore[arg-type]
