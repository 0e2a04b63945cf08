"""What machines read about a record: roles, languages, dates, and the page head.

One place for the facts every machine-readable output shares (Highwire `citation_*`
and Dublin Core meta tags, schema.org JSON-LD, Open Graph, citations, OAI): who the
authors are, which BCP 47 tag a language name has, and how precise the date is.
Each rule is a small named function with a table, so the next archive's quirk is one
row away.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from archivist.config import Config
from archivist.enrich.people import role_parts
from archivist.model import Archive, ArchiveDate, Participant, Record
from archivist.render import urls
from archivist.slugs import slugify

# Roles (as written, case-folded) that make a participant an author of the document:
# the writer of a letter or telegram, the maker of a memorandum.
AUTHOR_ROLES = frozenset(
    {"author", "sender", "from", "writer", "creator", "signatory", "signer", "drafter"}
)
RECIPIENT_ROLES = frozenset({"recipient", "to", "addressee"})

# Words that mark a participant as a body, not a person (for schema.org types).
_BODY_WORDS = re.compile(
    r"\b(office|ministry|ministries|committee|department|embassy|consulate|government|"
    r"council|party|bureau|agency|commission|secretariat|politburo|presidium|legation|"
    r"delegation|army|navy|command|headquarters|union|league|association|institute|"
    r"university|bank|company|corporation|press|station|board|congress|senate|"
    r"parliament|assembly|court|mission)\b",
    re.I,
)

# Language names as archives write them → BCP 47 tags.
LANGUAGE_TAGS: dict[str, str] = {
    "albanian": "sq", "amharic": "am", "arabic": "ar", "armenian": "hy",
    "azerbaijani": "az", "belarusian": "be", "bengali": "bn", "bulgarian": "bg",
    "burmese": "my", "catalan": "ca", "chinese": "zh", "mandarin": "zh",
    "cantonese": "yue", "croatian": "hr", "czech": "cs", "danish": "da", "dutch": "nl",
    "english": "en", "estonian": "et", "finnish": "fi", "french": "fr",
    "georgian": "ka", "german": "de", "greek": "el", "hebrew": "he", "hindi": "hi",
    "hungarian": "hu", "indonesian": "id", "italian": "it", "japanese": "ja",
    "kazakh": "kk", "khmer": "km", "korean": "ko", "lao": "lo", "latin": "la",
    "latvian": "lv", "lithuanian": "lt", "macedonian": "mk", "malay": "ms",
    "mongolian": "mn", "norwegian": "no", "persian": "fa", "farsi": "fa",
    "polish": "pl", "portuguese": "pt", "romanian": "ro", "russian": "ru",
    "serbian": "sr", "serbo-croatian": "sh", "slovak": "sk", "slovenian": "sl",
    "spanish": "es", "swahili": "sw", "swedish": "sv", "tajik": "tg", "thai": "th",
    "turkish": "tr", "turkmen": "tk", "ukrainian": "uk", "urdu": "ur", "uzbek": "uz",
    "vietnamese": "vi", "yiddish": "yi",
}  # fmt: skip
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")


@lru_cache(maxsize=65536)
def slug_of(text: str) -> str:
    """`slugify`, remembered: facet values recur in thousands of records."""
    return slugify(text)


# Roles and names recur across thousands of records and every output asks about them
# (page head, JSON-LD, three citation formats, OAI, feed): classify each one once.
@lru_cache(maxsize=4096)
def _role_function(role: str | None) -> str:
    """The role's function (`sender (Ambassador)` → `sender`), case-folded."""
    function, _ = role_parts(role)
    return (function or role or "").strip().casefold()


def is_author(participant: Participant) -> bool:
    return _role_function(participant.role) in AUTHOR_ROLES


def is_recipient(participant: Participant) -> bool:
    return _role_function(participant.role) in RECIPIENT_ROLES


def authors(record: Record) -> list[str]:
    """Names of the record's authors (senders, writers), in record order, once each."""
    return list(
        dict.fromkeys(p.name for p in record.participants if _role_function(p.role) in AUTHOR_ROLES)
    )


def recipients(record: Record) -> list[str]:
    return list(
        dict.fromkeys(
            p.name for p in record.participants if _role_function(p.role) in RECIPIENT_ROLES
        )
    )


@lru_cache(maxsize=16384)
def is_body(name: str) -> bool:
    """`Foreign Office` is a body, `Edmund Harrow` a person (a heuristic, for types)."""
    return bool(_BODY_WORDS.search(name))


@lru_cache(maxsize=1024)
def language_tag(name: str) -> str | None:
    """`Russian` → `ru`; a value that already is a tag (`zh-Hant`) is kept."""
    key = " ".join(name.split()).casefold()
    if key in LANGUAGE_TAGS:
        return LANGUAGE_TAGS[key]
    value = name.strip()
    if _BCP47.match(value) and (len(value) <= 3 or "-" in value):
        return value
    return None


def body_lang(record: Record, site_language: str) -> str | None:
    """The `lang` for the record's text when it differs from the site's, else None.

    Only a record in exactly one known language gets one: with two, we cannot tell
    which passage is which.
    """
    if len(record.language) != 1:
        return None
    tag = language_tag(record.language[0])
    if tag is None:
        return None
    primary = site_language.split("-")[0].casefold()
    return None if tag.split("-")[0].casefold() == primary else tag


# -- dates --------------------------------------------------------------------------

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True, slots=True)
class DateParts:
    """A date as far as it is known: (year,), (year, month) or (year, month, day)."""

    parts: tuple[int, ...]
    approximate: bool = False

    @property
    def iso(self) -> str:
        return "-".join(f"{n:04d}" if i == 0 else f"{n:02d}" for i, n in enumerate(self.parts))

    @property
    def slashed(self) -> str:
        """Highwire's `citation_date` form: `1955/06/30`, `1977/06`, `1948`."""
        return self.iso.replace("-", "/")


@lru_cache(maxsize=16384)
def date_parts(date: ArchiveDate | None) -> DateParts | None:
    """The most precise date the record's date is certain to (None when undated).

    A day, month or year reading keeps its precision; an interval keeps what its
    ends share (`1955-06-28/1955-06-30` → June 1955), else the earliest year.
    """
    if date is None or date.edtf is None or date.earliest is None:
        return None
    approximate = any(c in date.edtf for c in "~?%")
    plain = date.edtf.rstrip("~?%")
    if _DAY.match(plain) or _MONTH.match(plain) or _YEAR.match(plain):
        return DateParts(tuple(int(p) for p in plain.split("-")), approximate)
    first, last = date.earliest, date.latest or date.earliest
    if first == last:
        return DateParts((first.year, first.month, first.day), approximate)
    if (first.year, first.month) == (last.year, last.month):
        return DateParts((first.year, first.month), approximate)
    return DateParts((first.year,), approximate or first.year != last.year)


def edtf_iso(date: ArchiveDate | None) -> str | None:
    """An ISO 8601 date (or interval) for schema.org's dateCreated."""
    parts = date_parts(date)
    if parts is None or date is None or date.earliest is None:
        return None
    latest = date.latest or date.earliest
    if len(parts.parts) == 1 and latest.year != parts.parts[0]:
        return f"{date.earliest.year:04d}/{latest.year:04d}"
    return parts.iso


# -- URLs ----------------------------------------------------------------------------


def url(config: Config, path: str) -> str:
    """Absolute when the site URL is known, else a root-relative link."""
    return urls.absolute(config, path)


# -- the page head -------------------------------------------------------------------


class Meta(NamedTuple):
    """One `<meta>` tag: `attr` is `name` or `property`.

    A named tuple, not a dataclass: a page has forty of them, and a frozen
    dataclass costs several times more to make.
    """

    attr: str
    key: str
    content: str


def _meta(out: list[Meta], attr: str, key: str, value: str | None) -> None:
    if value and not value.isspace():
        out.append(Meta(attr, key, " ".join(value.split())))


def head_meta(record: Record, config: Config) -> list[Meta]:
    """Highwire `citation_*` (Zotero, Google Scholar), Dublin Core where it adds to
    them, and Open Graph."""
    out: list[Meta] = []
    page = url(config, urls.record_url(record.id))
    parts = date_parts(record.date)
    publisher = config.publisher or config.title
    _meta(out, "name", "citation_title", record.title)
    for name in authors(record):
        _meta(out, "name", "citation_author", name)
    if parts:
        _meta(out, "name", "citation_date", parts.slashed)
        _meta(out, "name", "citation_publication_date", parts.slashed)
    if record.uploaded:
        _meta(out, "name", "citation_online_date", record.uploaded.isoformat().replace("-", "/"))
    _meta(out, "name", "citation_publisher", publisher)
    _meta(out, "name", "citation_public_url", page)
    _meta(out, "name", "citation_abstract_html_url", page)
    for language in record.language:
        _meta(out, "name", "citation_language", language_tag(language) or language)
    for subject in record.subjects:
        _meta(out, "name", "citation_keywords", subject)
    _meta(out, "name", "citation_archive_id", record.record_id)
    # Dublin Core (DC-HTML), only for what no citation_* tag says: Zotero's Embedded
    # Metadata reads both and lets citation_* win, and takes the abstract from
    # og:description, so a DC title, creator, date, language, subject, publisher,
    # identifier or description would only repeat them (in every page of the site).
    for p in record.participants:
        if not is_author(p):
            _meta(out, "name", "DC.contributor", p.name)
    for name in record.translators:
        _meta(out, "name", "DC.contributor", name)
    _meta(out, "name", "DC.type", record.type)
    _meta(out, "name", "DC.source", record.source)
    _meta(out, "name", "DC.rights", record.rights)
    _meta(out, "name", "DC.coverage", record.place)
    # Open Graph: og:url must be absolute, so only with an absolute base URL.
    _meta(out, "property", "og:type", "article")
    _meta(out, "property", "og:title", record.title)
    _meta(out, "property", "og:site_name", config.title)
    _meta(out, "property", "og:description", record.summary)
    if config.site_url:
        _meta(out, "property", "og:url", page)
    return out


# -- schema.org JSON-LD ---------------------------------------------------------------

_CC = re.compile(r"\b(CC0|CC[ -]BY(?:[ -](?:NC|SA|ND)){0,2})(?:[ -](\d\.\d))?\b", re.I)
_PUBLIC_DOMAIN = re.compile(r"\bpublic domain\b", re.I)


def license_url(rights: str | None) -> str | None:
    """A Creative Commons licence named in a rights note → its URL (None if none)."""
    if not rights:
        return None
    found = re.search(r"https?://creativecommons\.org/[^\s<>\"')]+", rights)
    if found:
        return found.group(0).rstrip(".,;")
    match = _CC.search(rights)
    if not match:
        if _PUBLIC_DOMAIN.search(rights):
            return "https://creativecommons.org/publicdomain/mark/1.0/"
        return None
    code = match.group(1).upper().replace(" ", "-")
    if code == "CC0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    kind = code.removeprefix("CC-").lower()
    return f"https://creativecommons.org/licenses/{kind}/{match.group(2) or '4.0'}/"


def _agent(name: str, page: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Organization" if is_body(name) else "Person", "name": name}
    if page:
        node["url"] = page
    return node


def json_ld(
    record: Record,
    archive: Archive,
    config: Config,
    facet_slugs: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, Any]:
    """schema.org `ArchiveComponent` (a `CreativeWork`) describing the record.

    `facet_slugs` (facet → the slugs of its terms) saves rebuilding them per record.
    static/cite.js reads the citations' fields from it (`citations.FROM_JSON_LD`).
    """
    page = url(config, urls.record_url(record.id))
    home = url(config, "")
    people = archive.participant_slugs.get(record.id, ())
    by_name = {p.name: url(config, urls.participant_url(slug, p.kind)) for p, slug in people}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["ArchiveComponent", "CreativeWork"],
        "@id": page,
        "url": page,
        "name": record.title,
        "identifier": record.record_id or record.id,
        "isPartOf": {"@type": ["Collection", "WebSite"], "name": config.title, "url": home},
        "encodingFormat": "text/html",
    }
    iso = edtf_iso(record.date)
    if iso:
        data["dateCreated"] = iso
    if record.uploaded:
        data["datePublished"] = record.uploaded.isoformat()
    creators = authors(record)
    if creators:
        data["author"] = [_agent(n, by_name.get(n)) for n in creators]
    if record.participants:
        data["mentions"] = [
            _agent(n, by_name.get(n)) for n in dict.fromkeys(p.name for p, _ in people)
        ]
    subjects = _term_nodes(archive, config, "subjects", record.subjects, facet_slugs)
    if subjects:
        data["about"] = subjects
    if record.summary:
        data["description"] = record.summary
    if record.type:
        data["genre"] = record.type
    languages = [language_tag(n) or n for n in record.language]
    if languages:
        data["inLanguage"] = languages[0] if len(languages) == 1 else languages
    if record.place:
        data["locationCreated"] = {"@type": "Place", "name": record.place}
    if record.archive:
        data["holdingArchive"] = {"@type": "ArchiveOrganization", "name": record.archive}
    if record.source:
        data["isBasedOn"] = {"@type": "CreativeWork", "name": record.source}
    if record.translators:
        data["translator"] = [_agent(n) for n in record.translators]
    if record.funders:
        data["funder"] = [{"@type": "Organization", "name": n} for n in record.funders]
    if record.rights:
        data["license"] = license_url(record.rights) or {
            "@type": "CreativeWork",
            "text": record.rights,
        }
    if config.publisher:
        data["publisher"] = {"@type": "Organization", "name": config.publisher}
    return data


def facet_slug_sets(archive: Archive) -> dict[str, frozenset[str]]:
    """Facet → the slugs of its terms (what `json_ld` links to)."""
    return {facet: frozenset(t.slug for t in terms) for facet, terms in archive.facets.items()}


def _term_nodes(
    archive: Archive,
    config: Config,
    facet: str,
    values: Sequence[str],
    facet_slugs: Mapping[str, frozenset[str]] | None = None,
) -> list[dict[str, Any]]:
    if not values:
        return []
    if facet_slugs is not None:
        slugs: Set[str] = facet_slugs.get(facet, frozenset())
    else:
        slugs = {t.slug for t in archive.facets.get(facet, ())}
    out: list[dict[str, Any]] = []
    for value in values:
        node: dict[str, Any] = {"@type": "Thing", "name": value}
        slug = slug_of(value)
        if slug in slugs:
            node["url"] = url(config, urls.facet_url(facet, slug))
        out.append(node)
    return out
