"""Machine-readable outputs: records.json/csv, per-record JSON, sitemap, robots, feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from archivist import site
from archivist.config import Config
from archivist.model import Archive, Record


def record_data(record: Record, archive: Archive) -> dict[str, Any]:
    """The stable JSON shape of a record (the model's field names)."""
    date = None
    if record.date:
        date = {"text": record.date.text, "edtf": record.date.edtf}
    return {
        "id": record.id,
        "url": "/" + site.record_url(record.id),
        "title": record.title,
        "date": date,
        "participants": [
            {"name": p.name, "role": p.role, "person": slug}
            for p, slug in archive.participant_slugs[record.id]
        ],
        "type": record.type,
        "place": record.place,
        "language": list(record.language),
        "original_language": list(record.original_language),
        "classification": record.classification,
        "archive": record.archive,
        "collections": list(record.collections),
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
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


CSV_COLUMNS = (
    "id", "url", "title", "date_text", "date_edtf", "participants", "type", "place",
    "language", "original_language", "classification", "archive", "collections",
    "subjects", "source", "translators", "funders", "rights", "summary", "record_id",
    "uploaded", "related",
)  # fmt: skip


def records_csv(archive: Archive) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in archive.records:
        d = record_data(record, archive)
        people = "; ".join(
            f"{p['name']} ({p['role']})" if p["role"] else p["name"] for p in d["participants"]
        )
        row = {
            **{k: d[k] for k in CSV_COLUMNS if k in d},
            "date_text": d["date"]["text"] if d["date"] else "",
            "date_edtf": (d["date"]["edtf"] or "") if d["date"] else "",
            "participants": people,
        }
        writer.writerow([_cell(row.get(col)) for col in CSV_COLUMNS])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    text = str(value)
    # Spreadsheet formula injection: a leading =, +, - or @ would run as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def lastmod(record: Record) -> str | None:
    if record.uploaded:
        return record.uploaded.isoformat()
    return None


def sitemap(config: Config, urls: Iterator[tuple[str, str | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for url, modified in urls:
        lines.append(f"<url><loc>{xml_escape(site.absolute(config, url))}</loc>")
        if modified:
            lines.append(f"<lastmod>{modified}</lastmod>")
        lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(config: Config) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {site.absolute(config, 'sitemap.xml')}\n"


def feed(config: Config, archive: Archive, limit: int = 50) -> str:
    """An Atom feed of the newest records by uploaded date (else by record date)."""

    def key(r: Record) -> tuple[str, str]:
        when = r.uploaded.isoformat() if r.uploaded else ""
        return (when, r.id)

    newest = sorted(archive.records, key=key, reverse=True)[:limit]
    stamps = [r.uploaded for r in newest if r.uploaded]
    updated = max(stamps) if stamps else dt.date(1970, 1, 1)
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">']
    out.append(f"<title>{xml_escape(config.title)}</title>")
    out.append(f"<id>{xml_escape(site.absolute(config, ''))}</id>")
    out.append(f"<updated>{updated.isoformat()}T00:00:00Z</updated>")
    out.append(f'<link rel="self" href={quoteattr(site.absolute(config, "feed.xml"))}/>')
    out.append(f"<link href={quoteattr(site.absolute(config, ''))}/>")
    out.append(f"<author><name>{xml_escape(config.publisher or config.title)}</name></author>")
    for r in newest:
        link = site.absolute(config, site.record_url(r.id))
        stamp = (r.uploaded or updated).isoformat()
        out.append("<entry>")
        out.append(f"<title>{xml_escape(r.title)}</title>")
        out.append(f"<id>{xml_escape(link)}</id>")
        out.append(f"<link href={quoteattr(link)}/>")
        out.append(f"<updated>{stamp}T00:00:00Z</updated>")
        if r.summary:
            out.append(f"<summary>{xml_escape(r.summary)}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"
