"""Machine-readable outputs: records.json/csv, per-record JSON, a Frictionless data
package describing them, sitemap, robots and an Atom feed.

Every time stamp comes from the records (their uploaded date), never from the clock,
so two builds of the same input are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import quoteattr

from archivist.config import Config
from archivist.model import Archive, Participant, Record
from archivist.render import citations, metadata, urls


def record_data(record: Record, archive: Archive, config: Config) -> dict[str, Any]:
    """The stable JSON shape of a record (the model's field names).

    `url` is absolute when the site URL is known, else the path under the base path.
    Participants carry `kind` (person or organization) and `person`, the slug of
    their page (under people/ or organizations/, by kind), and `ref`, the source's own
    id of the person, where it tags one.
    """
    date = None
    if record.date:
        date = {"text": record.date.text, "edtf": record.date.edtf}
    return {
        "id": record.id,
        "url": urls.absolute(config, urls.record_url(record.id)),
        "title": record.title,
        "date": date,
        "participants": [_participant(p, slug) for p, slug in archive.participant_slugs[record.id]],
        "type": record.type,
        "place": record.place,
        "language": list(record.language),
        "original_language": list(record.original_language),
        "classification": record.classification,
        "archive": record.archive,
        "collections": list(record.collections),
        "number": record.number,
        "subjects": list(record.subjects),
        "source": record.source,
        "translators": list(record.translators),
        "funders": list(record.funders),
        "rights": record.rights,
        "summary": record.summary,
        "record_id": record.record_id,
        "uploaded": record.uploaded.isoformat() if record.uploaded else None,
        "related": list(archive.related[record.id]),
        "body_format": record.body_format,
        "body": record.body,
        "notes": [{"label": n.label, "text": n.text} for n in record.notes],
        "extra": _jsonable(dict(record.extra)),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def dumps(data: Any) -> str:
    """Compact JSON, one line: `indent` would force Python's slow pure-Python encoder
    on tens of thousands of files; any JSON viewer re-indents it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


# Column → (Frictionless type, description). The order is the CSV's column order.
CSV_SCHEMA: dict[str, tuple[str, str]] = {
    "id": ("string", "Stable identifier; the page is /records/<id>/"),
    "url": ("string", "The record's page"),
    "title": ("string", "Title as written, editorial brackets kept"),
    "date_text": ("string", "Date as written (empty when undated)"),
    "date_edtf": ("string", "The date in Extended Date/Time Format (EDTF), when normalized"),
    "participants": ("string", "People and bodies, `Name (role)`, separated by `; `"),
    "type": ("string", "Document type"),
    "place": ("string", "Place of writing"),
    "language": ("string", "Languages of the text, separated by `; `"),
    "original_language": ("string", "Languages of the original, separated by `; `"),
    "classification": ("string", "Original security classification"),
    "archive": ("string", "Holding archive"),
    "collections": ("string", "Collections, separated by `; `"),
    "number": ("string", "The record's number in its collection (a volume's document number)"),
    "subjects": ("string", "Subjects, separated by `; `"),
    "source": ("string", "Source citation as written"),
    "translators": ("string", "Translators, separated by `; `"),
    "funders": ("string", "Funders, separated by `; `"),
    "rights": ("string", "Rights note as written"),
    "summary": ("string", "Summary"),
    "record_id": ("string", "The source archive's own record identifier"),
    "uploaded": ("string", "Date the record was first published online (YYYY-MM-DD)"),
    "related": ("string", "Ids of related records, separated by `; `"),
    "body_format": ("string", "`markdown` or `text`: how to read `body`"),
    "body": ("string", "The full text of the record"),
    "notes": ("string", "Notes, `[label] text`, separated by blank lines"),
}
CSV_COLUMNS = tuple(CSV_SCHEMA)


def records_csv_chunks(archive: Archive, config: Config) -> Iterator[str]:
    """records.csv, a row at a time: every record, every field (lists joined by `; `)."""
    yield csv_head()
    for record in archive.records:
        yield csv_record(record_data(record, archive, config))


def _participant(p: Participant, slug: str) -> dict[str, str | None]:
    """One participant's data; `ref`, the source's id of the person, only where tagged."""
    out = {"name": p.name, "role": p.role, "kind": p.kind, "person": slug}
    return {**out, "ref": p.ref} if p.ref else out


def csv_head() -> str:
    return _csv_row(CSV_COLUMNS)


def csv_record(d: dict[str, Any]) -> str:
    """One record's row of records.csv, from its `record_data`."""
    people = "; ".join(
        f"{_inert(p['name'])} ({p['role']})" if p["role"] else _inert(p["name"])
        for p in d["participants"]
    )
    row = {
        **{k: d[k] for k in CSV_COLUMNS if k in d},
        "date_text": d["date"]["text"] if d["date"] else "",
        "date_edtf": (d["date"]["edtf"] or "") if d["date"] else "",
        "participants": people,
        "notes": "\n\n".join(f"[{n['label']}] {n['text']}" for n in d["notes"]),
    }
    return _csv_row([_cell(row.get(col)) for col in CSV_COLUMNS])


def _csv_row(cells: Sequence[str]) -> str:
    """One row exactly as `csv.writer(lineterminator="\\r\\n")` writes it (the excel
    dialect, minimal quoting): a cell holding `,`, `"`, CR or LF is quoted, its `"`
    doubled. The csv module walks every character of every body in C, one at a
    time; `in` and `replace` scan whole strings, several times faster.
    """
    if len(cells) == 1 and cells[0] == "":
        return '""\r\n'  # csv's one special case: a lone empty cell
    out = []
    for text in cells:
        if '"' in text:
            out.append('"' + text.replace('"', '""') + '"')
        elif "," in text or "\n" in text or "\r" in text:
            out.append('"' + text + '"')
        else:
            out.append(text)
    return ",".join(out) + "\r\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        # Each item too: a spreadsheet's "split text to columns" on "; " makes every
        # item a cell of its own.
        return "; ".join(_inert(str(v)) for v in value)
    return _inert(str(value))


# What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list), also
# after leading spaces, and in the full-width forms some spreadsheets fold into them.
_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def _inert(text: str) -> str:
    """`text` as a spreadsheet shows it but never runs it: a leading `'`."""
    start = text.lstrip(" ")[:1]
    return "'" + text if start and start in _FORMULA_START else text


# XML 1.0 forbids most control characters; record text may hold them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text escaped for XML, with the characters XML 1.0 cannot hold removed."""
    # saxutils.escape's replacements, in its order, without its per-call overhead
    # (the OAI file and the feed escape a quarter of a million values).
    return (
        _XML_INVALID.sub("", value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    )


def xml_attr(value: str) -> str:
    return quoteattr(_XML_INVALID.sub("", value))


def lastmod(record: Record) -> str | None:
    """When the record last changed, as far as the record says (its uploaded date)."""
    if record.uploaded:
        return record.uploaded.isoformat()
    return None


def sitemap(config: Config, pages: Iterable[tuple[str, str | None]]) -> str:
    """A sitemap of the given (site-relative URL, lastmod) pairs, in the given order."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for url, modified in pages:
        lines.append(f"<url><loc>{xml_text(urls.absolute(config, url))}</loc>")
        if modified:
            lines.append(f"<lastmod>{modified}</lastmod>")
        lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(config: Config) -> str:
    """Everything may be crawled; the sitemap is named when its absolute URL is known."""
    lines = ["User-agent: *", "Allow: /"]
    if config.site_url:
        lines.append(f"Sitemap: {urls.absolute(config, 'sitemap.xml')}")
    return "\n".join(lines) + "\n"


def _feed_id(config: Config, url: str) -> str:
    # Atom ids must be absolute IRIs; without a site URL, a tag URI stands in.
    if config.site_url:
        return urls.absolute(config, url)
    return f"tag:archivist.invalid,2000:{urls.href(config, url)}"


def feed(config: Config, archive: Archive, limit: int = 50) -> str:
    """An Atom feed of the newest records by uploaded date (records without one last)."""

    def key(r: Record) -> tuple[str, str]:
        when = r.uploaded.isoformat() if r.uploaded else ""
        return (when, r.id)

    newest = sorted(archive.records, key=key, reverse=True)[:limit]
    json_files = "record_json" in config.outputs
    stamps = [r.uploaded for r in archive.records if r.uploaded]
    updated = max(stamps) if stamps else dt.date(1970, 1, 1)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={xml_attr(config.language)}>',
    ]
    out.append(f"<title>{xml_text(config.title)}</title>")
    if config.description:
        out.append(f"<subtitle>{xml_text(config.description)}</subtitle>")
    out.append(f"<id>{xml_text(_feed_id(config, ''))}</id>")
    out.append(f"<updated>{updated.isoformat()}T00:00:00Z</updated>")
    out.append(
        f'<link rel="self" type="application/atom+xml" '
        f"href={xml_attr(urls.absolute(config, 'feed.xml'))}/>"
    )
    out.append(
        f'<link rel="alternate" type="text/html" href={xml_attr(urls.absolute(config, ""))}/>'
    )
    out.append(f"<author><name>{xml_text(config.publisher or config.title)}</name></author>")
    out.append("<generator>archivist</generator>")
    for r in newest:
        link = urls.absolute(config, urls.record_url(r.id))
        stamp = (r.uploaded or updated).isoformat()
        out.append("<entry>")
        out.append(f"<title>{xml_text(r.title)}</title>")
        out.append(f"<id>{xml_text(_feed_id(config, urls.record_url(r.id)))}</id>")
        out.append(f'<link rel="alternate" type="text/html" href={xml_attr(link)}/>')
        if json_files:
            out.append(
                f'<link rel="alternate" type="application/json" '
                f"href={xml_attr(urls.absolute(config, urls.record_json_url(r.id)))}/>"
            )
        if r.uploaded:
            out.append(f"<published>{stamp}T00:00:00Z</published>")
        out.append(f"<updated>{stamp}T00:00:00Z</updated>")
        for name in metadata.authors(r):
            out.append(f"<author><name>{xml_text(name)}</name></author>")
        for subject in r.subjects:
            out.append(f"<category term={xml_attr(subject)}/>")
        date = citations.written_date(r.date) if r.date else "Undated"
        summary = f"{date}. {r.summary}" if r.summary else date
        out.append(f"<summary>{xml_text(summary)}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"


def datapackage(config: Config, archive: Archive) -> dict[str, Any]:
    """A Frictionless Data Package (v1) describing the whole-archive data files."""
    from archivist.slugs import slugify

    stamps = [r.uploaded for r in archive.records if r.uploaded]
    resources = [dict(_JSONL_RESOURCE)]
    if "records_csv" in config.outputs:
        resources.insert(0, _csv_resource())
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": slugify(config.title),
        "title": config.title,
        "description": f"{config.description} Every record with every field."
        + (
            " Each record's page also offers records/<id>/record.json (the same object "
            "as a line of records.jsonl.gz)."
            if "record_json" in config.outputs
            else ""
        ),
        "resources": resources,
    }
    if config.site_url:
        package["homepage"] = config.site_url
    if config.publisher:
        package["contributors"] = [{"title": config.publisher, "role": "publisher"}]
    if stamps:
        package["created"] = f"{max(stamps).isoformat()}T00:00:00Z"
    return package


def _csv_resource() -> dict[str, Any]:
    return {
        "profile": "tabular-data-resource",
        "name": "records-csv",
        "path": "records.csv",
        "title": "Records (CSV)",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": {
            "fields": [
                {"name": name, "type": kind, "description": text}
                for name, (kind, text) in CSV_SCHEMA.items()
            ],
            "primaryKey": ["id"],
        },
    }


_JSONL_RESOURCE: dict[str, Any] = {
    "profile": "data-resource",
    "name": "records-jsonl",
    "path": "records.jsonl.gz",
    "title": "Records (JSON Lines, gzip)",
    "format": "jsonl",
    "compression": "gz",
    "mediatype": "application/jsonl",
    "encoding": "utf-8",
    "description": (
        "One JSON object per line, one line per record, gzip-compressed, with the "
        "model's field names (id, url, title, date {text, edtf}, participants [{name, "
        "role, kind, person, ref?}], type, place, language, original_language, classification, "
        "archive, collections, subjects, source, translators, funders, rights, summary, "
        "record_id, uploaded, related, body_format, body, notes, extra)."
    ),
}
