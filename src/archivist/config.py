"""Site settings: a typed schema loaded from `archivist.yaml`, all errors at once.

Each setting is declared once, as a field of `Config`: its type, its default, the
check that turns the text of `archivist.yaml` into its value, and a one-line doc.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from archivist.model import Location, Problem
from archivist.read.yamlstrict import YamlError, YamlValue, load_mapping

CONFIG_NAME = "archivist.yaml"

# Model fields a foreign front-matter key may be mapped onto (`fields:` in the config).
MAPPABLE_FIELDS = (
    "id", "title", "date", "participants", "source", "rights", "summary", "type",
    "language", "original_language", "classification", "place", "archive",
    "collections", "number", "subjects", "funders", "translators", "uploaded", "record_id",
    "related", "status", "embargo",
)  # fmt: skip

_FIELD_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[\])?(\.[A-Za-z_][\w-]*(\[\])?)*$")

_T = TypeVar("_T")


class ConfigError(Exception):
    """The settings file is wrong; `problems` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class Invalid(ValueError):
    """A value a setting refuses. `issues` pairs a part of the setting ("" for the
    whole, else e.g. a `fields` entry) with what is wrong with it."""

    def __init__(self, message: str, issues: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.issues = issues or (("", message),)


# A check turns a value as `archivist.yaml` gives it into the setting's value, or
# raises Invalid.
Check = Callable[[YamlValue], object]


@dataclass(frozen=True, slots=True)
class Setting:
    """How one `Config` field is read: its check, its doc, its key in the file."""

    check: Check
    doc: str
    key: str = ""  # when the key in archivist.yaml is not the field's name


def setting(default: _T, check: Check, doc: str) -> _T:
    """A `Config` field: its default, check and doc in one place."""
    return field(default=default, metadata={"setting": Setting(check, doc)})


# -- checks ----------------------------------------------------------------------------


def _shown(value: str) -> str:
    """The value as a message quotes it: escaped, and short even when the value is not."""
    return repr(value) if len(value) <= 40 else repr(value[:40]) + "…"


def scalar(parse: Callable[[str], object]) -> Check:
    """A check for a single value: lists and mappings are refused."""

    def check(raw: YamlValue) -> object:
        if not isinstance(raw, str):
            raise Invalid("expected a single value")
        return parse(raw)

    return check


# C0/C1 controls other than tab and newline make HTML and XML invalid, as do lone
# surrogates (from escapes like "\ud800") and the non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _no_control(text: str) -> None:
    match = _CONTROL.search(text)
    if match:
        char = ord(match.group())
        what = "a lone surrogate" if 0xD800 <= char <= 0xDFFF else "a control character"
        raise Invalid(f"holds {what} (U+{char:04X}); remove it or the escape that makes it")


def text(most: int, *, required: bool = False) -> Check:
    """Free text of at most `most` characters; tabs and newlines allowed."""

    def parse(value: str) -> str:
        _no_control(value)
        if required and not value.strip():
            raise Invalid("must not be blank")
        if len(value) > most:
            raise Invalid(f"expected at most {most} characters ({len(value)})")
        return value

    return scalar(parse)


_DIGITS = re.compile(r"[0-9]{1,9}", re.ASCII)


def whole(least: int, most: int) -> Check:
    """A whole number written in ASCII digits, from `least` to `most`."""

    def parse(value: str) -> int:
        number = int(value) if _DIGITS.fullmatch(value) else None
        if number is None or not least <= number <= most:
            raise Invalid(f"expected a whole number from {least} to {most} ({_shown(value)})")
        return number

    return scalar(parse)


# Plain decimals only: no sign, exponent, `inf`, `nan` or digit separators.
_DECIMAL = re.compile(r"[0-9]{1,4}(\.[0-9]{1,3})?", re.ASCII)


def seconds(most: int) -> Check:
    """A positive number of seconds, at most `most`, with at most 3 decimals."""

    def parse(value: str) -> float:
        number = float(value) if _DECIMAL.fullmatch(value) else 0.0
        if not 0 < number <= most:
            raise Invalid(
                f"expected seconds above 0 and at most {most}, like 20 or 0.5 ({_shown(value)})"
            )
        return number

    return scalar(parse)


def _boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered not in ("true", "false", "yes", "no"):
        raise Invalid(f"expected true or false ({_shown(value)})")
    return lowered in ("true", "yes")


# BCP 47 in the shape pages and Pagefind use: a 2-3 letter language, then subtags.
# Pagefind fails on tags longer than 30 characters.
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", re.ASCII)
_LANGUAGE_MOST = 30


def _language(value: str) -> str:
    if len(value) > _LANGUAGE_MOST or not _LANGUAGE.fullmatch(value):
        raise Invalid(
            f"expected a language tag (BCP 47) like en, pt-BR or zh-Hant-TW, "
            f"at most {_LANGUAGE_MOST} characters ({_shown(value)})"
        )
    return value


# -- base_url --------------------------------------------------------------------------

_URL_MOST = 2000
# Printable ASCII, less what would close an attribute, start a tag or be read as a
# path separator by some browser.
_URL_UNSAFE = re.compile(r"[^\x21-\x7e]|[\"'<>\\`^{|}]")
_ABSOLUTE = re.compile(r"(https?)://([^/]*)(.*)", re.IGNORECASE | re.DOTALL)
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"({_LABEL}(\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(:[0-9]{{1,5}})?", re.ASCII)
_PATH = re.compile(r"/([A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*", re.ASCII)
_URL_SHAPE = "expected an http(s) URL like https://example.org/archive/ or a path like /archive/"


def _url_characters(value: str) -> None:
    bad = _URL_UNSAFE.search(value)
    if bad:
        char = bad.group()
        what = (
            "a space"
            if char == " "
            else repr(char)
            if char.isprintable()
            else f"a control character (U+{ord(char):04X})"
        )
        raise Invalid(f"holds {what}; percent-encode it or leave it out ({_shown(value)})")
    if "?" in value or "#" in value:
        raise Invalid(f"must not hold a query (?) or fragment (#) ({_shown(value)})")


def _url_path(path: str, value: str) -> None:
    if "//" in path:
        raise Invalid(
            f"must not hold // in its path: browsers read //x as another site ({_shown(value)})"
        )
    if {".", ".."} & set(path.split("/")):
        raise Invalid(f"must not hold . or .. path segments ({_shown(value)})")
    if not _PATH.fullmatch(path):
        raise Invalid(
            f"holds a character a URL path cannot carry; percent-encode it ({_shown(value)})"
        )


def _base_url(value: str) -> str:
    """An absolute http(s) URL with a host, or a path from the site's root."""
    if len(value) > _URL_MOST:
        raise Invalid(f"expected at most {_URL_MOST} characters ({len(value)})")
    _url_characters(value)
    absolute = _ABSOLUTE.fullmatch(value)
    if absolute:
        if not _HOST.fullmatch(absolute.group(2)):
            raise Invalid(f"expected a host name like example.org after // ({_shown(value)})")
        path = absolute.group(3) or "/"
    elif value.startswith("/"):
        path = value
    else:
        raise Invalid(f"{_URL_SHAPE} ({_shown(value)})")
    _url_path(path, value)
    return value


# -- folders ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder inside the site, as a relative path. Where it leads (after links)
    depends on the site root, so `place` checks that once the root is known."""

    root_ok: bool = True

    def __call__(self, raw: YamlValue) -> str:
        if not isinstance(raw, str):
            raise Invalid("expected a single value")
        _no_control(raw)
        path = Path(raw)
        if not raw:
            raise Invalid("expected a folder inside the site, like static")
        if path.is_absolute():
            raise Invalid(f"expected a path relative to the site folder, not {_shown(raw)}")
        if ".." in path.parts:
            raise Invalid(f"must not hold '..': name a folder inside the site ({_shown(raw)})")
        if not self.root_ok and path == Path("."):
            raise Invalid(self._root_message())
        return raw

    def place(self, site_root: Path, value: str) -> None:
        """Refuse a folder that leads outside the site (through links), or the root."""
        try:
            root = site_root.resolve()
            where = (site_root / value).resolve()
        except (OSError, RuntimeError) as exc:  # a loop of links
            raise Invalid(f"cannot be followed ({exc})") from None
        if not where.is_relative_to(root):
            raise Invalid(f"leads outside the site folder (to {where})")
        if where == root and not self.root_ok:
            raise Invalid(self._root_message())

    @staticmethod
    def _root_message() -> str:
        return (
            "must not be the site folder itself: "
            "it would publish archivist.yaml and every source file"
        )


def _field_map(raw: YamlValue) -> Mapping[str, str]:
    """`fields:`: a front-matter key path per model field, every bad entry named."""
    if not isinstance(raw, dict):
        raise Invalid("expected a mapping of model field: front-matter key")
    out: dict[str, str] = {}
    issues: list[tuple[str, str]] = []
    for model_field, path in raw.items():
        if model_field not in MAPPABLE_FIELDS:
            issues.append((model_field, "not a record field"))
        elif not isinstance(path, str) or not _FIELD_PATH.match(path):
            issues.append((model_field, f"expected a key path like a.b[].c ({path!r})"))
        else:
            out[model_field] = path
    if issues:
        raise Invalid("bad field mapping", tuple(issues))
    return MappingProxyType(out)


def _type_labels(raw: YamlValue) -> Mapping[str, tuple[str, ...]]:
    """`types:`: a shown type → the written values it stands for (a list, or nothing)."""
    if not isinstance(raw, dict):
        raise Invalid("expected a mapping of type: [variants]")
    out: dict[str, tuple[str, ...]] = {}
    issues: list[tuple[str, str]] = []
    owner: dict[str, str] = {}
    for label, given in raw.items():
        variants = [] if given in ("", None) else [given] if isinstance(given, str) else given
        if not label.strip() or len(label) > 200 or _CONTROL.search(label):
            issues.append((label, "expected a type name of 1 to 200 characters"))
            continue
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            issues.append((label, "expected a list of written forms"))
            continue
        forms = [str(v) for v in variants]
        for v in [label, *forms]:
            key = " ".join(v.casefold().split())
            if owner.setdefault(key, label) != label:
                issues.append((label, f"{v!r} is listed under {owner[key]!r} too"))
        out[label] = tuple(forms)
    if issues:
        raise Invalid("bad type vocabulary", tuple(issues))
    return MappingProxyType(out)


# Outputs a site may add to the default ones (`outputs:`), each with what it adds.
OPTIONAL_OUTPUTS: Mapping[str, str] = MappingProxyType(
    {
        "record_json": "record.json beside each record page: its fields as JSON (every "
        "record's are in data/records.jsonl.gz)",
        "citation_files": "cite.bib, cite.ris and cite.json beside each record page",
        "records_csv": "data/records.csv: every record, one row each",
        # The OAI guidelines mean a static repository for 1 to 5,000 records.
        "oai_pmh": "oai.xml: an OAI-PMH static repository of every record",
    }
)


def _outputs(raw: YamlValue) -> tuple[str, ...]:
    """`outputs:`: a list of names from OPTIONAL_OUTPUTS, kept in that table's order."""
    given = [raw] if isinstance(raw, str) else raw
    if not isinstance(given, list) or not all(isinstance(v, str) for v in given):
        raise Invalid("expected a list of output names")
    unknown = [v for v in given if v not in OPTIONAL_OUTPUTS]
    if unknown:
        known = ", ".join(OPTIONAL_OUTPUTS)
        raise Invalid(f"unknown output {_shown(str(unknown[0]))} (known: {known})")
    return tuple(name for name in OPTIONAL_OUTPUTS if name in given)


# -- the settings ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting, with its default. Paths are relative to the site root."""

    title: str = setting(
        "Archivist example archive", text(500, required=True), "The archive's name."
    )
    description: str = setting(
        "A digital archive of historical documents.",
        text(5000),
        "One or two sentences about the archive, for the home page and feeds.",
    )
    publisher: str = setting("", text(500), "Who publishes the archive.")
    language: str = setting("en", scalar(_language), "The pages' language, a BCP 47 tag.")
    base_url: str = setting(
        "/", scalar(_base_url), "Where the site lives: https://example.org/archive/ or /archive/."
    )
    content_dir: str = setting("content", Folder(), "The folder of record files.")
    templates_dir: str = setting(
        "templates", Folder(), "Templates overriding the theme's, by file name."
    )
    static_dir: str = setting(
        "static", Folder(root_ok=False), "Files published under static/, by file name."
    )
    page_size: int = setting(50, whole(1, 10_000), "Records per list page.")
    related_count: int = setting(5, whole(1, 100), "Related records shown on a record page.")
    markdown_html: bool = setting(False, scalar(_boolean), "Allow raw HTML in Markdown bodies.")
    # Optional outputs, off by default so that a large archive fits static hosts
    # (docs/hosting.md): each adds files or bytes to every record.
    outputs: tuple[str, ...] = setting((), _outputs, "Optional outputs to add, by name.")
    # Foreign front-matter key paths per model field, e.g. {"date": "doc_date",
    # "source": "naa_refs[].reference"}; tried before the model's own names.
    field_map: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}),
        metadata={"setting": Setting(_field_map, "Foreign front-matter keys per field.", "fields")},
    )
    # Document types shown as the editor chose: {"Cablegram": ["Cable"], "Aide-mémoire":
    # []}; twins (case, plural, spelling) are folded without being listed.
    types: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}),
        metadata={"setting": Setting(_type_labels, "The type vocabulary: shown form → variants.")},
    )
    # Search: the records a Pagefind shard may hold on average before the shard count
    # doubles (a power of two, so adding records re-shards only when the archive
    # doubles), the most shards, and seconds a Pagefind run may take. Pagefind holds
    # ~0.45 MB per record while it indexes and an edit re-indexes its record's whole
    # shard: 500 keeps a one-edit CI build of 10,000 records under 10 s, and the search
    # page at 10k (32 shards) still opens before Pagefind's own UI over one index (bench/).
    search_shard_size: int = setting(500, whole(1, 100_000), "Records per search shard on average.")
    search_max_shards: int = setting(64, whole(1, 1024), "The most search shards.")
    search_timeout: int = setting(1800, whole(1, 86_400), "Seconds a Pagefind run may take.")
    record_timeout: float = setting(
        20.0, seconds(3600), "Seconds one record may take to read or render."
    )

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


def _setting(f: Field[Any]) -> Setting:
    about = f.metadata["setting"]
    assert isinstance(about, Setting)
    return about


SETTINGS: Mapping[str, Setting] = MappingProxyType({f.name: _setting(f) for f in fields(Config)})
# archivist.yaml key → Config field name.
_KEYS = MappingProxyType({s.key or name: name for name, s in SETTINGS.items()})


def parse_setting(name: str, value: YamlValue) -> object:
    """The value of the `Config` field `name` from its text; raises Invalid."""
    return SETTINGS[name].check(value)


# -- loading ---------------------------------------------------------------------------


def _read(path: Path) -> tuple[dict[str, YamlValue], dict[str, tuple[int, int]]]:
    """The settings file's mapping and each key's line and column (none: empty)."""
    if not path.is_file():
        return {}, {}
    try:
        parsed = load_mapping(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [Problem(Location(str(path)), "encoding", f"not UTF-8 ({exc.reason})")]
        ) from None
    except YamlError as exc:
        raise ConfigError(
            [Problem(Location(str(path), exc.line, exc.col), "yaml", exc.message)]
        ) from None
    return parsed.value, parsed.lines


def _problems(exc: Invalid, key: str, loc: Location) -> list[Problem]:
    return [Problem(loc, f"{key}.{part}" if part else key, msg) for part, msg in exc.issues]


def _given(
    site_root: Path, overrides: Mapping[str, object]
) -> tuple[dict[str, Any], dict[str, Location], list[Problem]]:
    """Values from the settings file, then from `overrides`; where each came from."""
    path = site_root / CONFIG_NAME
    raw, lines = _read(path)
    values: dict[str, Any] = {}
    where: dict[str, Location] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        loc = Location(str(path), *lines[key])
        name = _KEYS.get(key)
        if name is None:
            problems.append(Problem(loc, key, "unknown setting"))
            continue
        where[name] = loc
        try:
            values[name] = parse_setting(name, value)
        except Invalid as exc:
            problems += _problems(exc, key, loc)
    for name, given in overrides.items():
        if given is None:
            continue
        if name not in SETTINGS:
            raise TypeError(f"load_config() got an unknown setting {name!r}")
        # An override stands for a command-line flag: it is named as one.
        loc = where[name] = Location("--" + name.replace("_", "-"))
        values.pop(name, None)  # a refused flag leaves no file value to check as its own
        try:
            values[name] = parse_setting(name, given if isinstance(given, str) else str(given))
        except Invalid as exc:
            problems += _problems(exc, name, loc)
    return values, where, problems


def _placed(
    site_root: Path, values: Mapping[str, Any], where: Mapping[str, Location]
) -> list[Problem]:
    """Problems with where the folder settings lead, given or by default (a given
    value already refused is not checked again, nor its default in its place)."""
    config = replace(Config(), **values)
    problems = []
    for name, about in SETTINGS.items():
        if isinstance(about.check, Folder) and (name in values or name not in where):
            value = getattr(config, name)
            try:
                about.check.place(site_root, value)
            except Invalid as exc:
                # A default folder is named by its path: no line of the file set it.
                loc = where.get(name) or Location(str(site_root / value))
                problems += _problems(exc, about.key or name, loc)
    return problems


def load_config(site_root: Path, **overrides: object) -> Config:
    """Read `archivist.yaml` under `site_root` (absent means defaults), then apply
    `overrides` (command-line flags, as text); every value is checked the same way."""
    values, where, problems = _given(site_root, overrides)
    problems += _placed(site_root, values, where)
    if problems:
        raise ConfigError(problems)
    return replace(Config(), **values)
