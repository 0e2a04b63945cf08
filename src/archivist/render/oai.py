"""An OAI-PMH static repository (`/oai.xml`): every record as simple Dublin Core.

A static repository is one XML file holding the answers to Identify,
ListMetadataFormats and ListRecords; a static-repository gateway serves it to
harvesters as a normal OAI-PMH endpoint (OAI-PMH 2.0 static repository guidelines).
Datestamps come from the records' uploaded dates, never from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from archivist.config import Config
from archivist.model import Archive, Record
from archivist.render import metadata, urls
from archivist.render.exports import xml_text

NS_STATIC = "http://www.openarchives.org/OAI/2.0/static-repository"
NS_OAI = "http://www.openarchives.org/OAI/2.0/"
NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
EPOCH = dt.date(1970, 1, 1)
_text = xml_text


def repository_identifier(config: Config) -> str:
    """The `repositoryIdentifier` of oai-identifiers: the site's host name."""
    return _host(urls.site_url(config) or "")


@lru_cache(maxsize=16)
def _host(url: str) -> str:
    # Asked once per record: parse the site URL once.
    return urlsplit(url).hostname or "localhost"


def oai_identifier(config: Config, record_id: str) -> str:
    return f"oai:{repository_identifier(config)}:{record_id}"


def datestamp(record: Record) -> dt.date:
    """When the record was put online; records without an uploaded date get the epoch."""
    return record.uploaded or EPOCH


def dublin_core(record: Record, archive: Archive, config: Config) -> list[tuple[str, str]]:
    """The record as (element, value) pairs of the 15 Dublin Core elements."""
    out: list[tuple[str, str]] = [("title", record.title)]
    for name in metadata.authors(record):
        out.append(("creator", name))
    for participant in record.participants:
        if not metadata.is_author(participant):
            out.append(("contributor", participant.name))
    out.extend(("contributor", name) for name in record.translators)
    for subject in record.subjects:
        out.append(("subject", subject))
    if record.summary:
        out.append(("description", record.summary))
    if record.date:
        out.append(("date", metadata.edtf_iso(record.date) or record.date.text))
    if record.type:
        out.append(("type", record.type))
    out.append(("type", "Text"))
    out.append(("format", "text/html"))
    out.append(("identifier", urls.absolute(config, urls.record_url(record.id))))
    if record.record_id:
        out.append(("identifier", record.record_id))
    if record.source:
        out.append(("source", record.source))
    for language in record.language:
        out.append(("language", metadata.language_tag(language) or language))
    if record.place:
        out.append(("coverage", record.place))
    if record.rights:
        out.append(("rights", record.rights))
    out.append(("publisher", config.publisher or config.title))
    for related in archive.related.get(record.id, ()):
        out.append(("relation", urls.absolute(config, urls.record_url(related))))
    return out


def static_repository(config: Config, archive: Archive, admin_email: str | None = None) -> str:
    """The whole static repository document (see `static_repository_chunks`)."""
    return "".join(static_repository_chunks(config, archive, admin_email))


def static_repository_chunks(
    config: Config, archive: Archive, admin_email: str | None = None
) -> Iterator[str]:
    """The static repository document in pieces, one record at a time, so a large
    archive's file is written as it is made, never held whole.

    `baseURL` is this file's own URL; a gateway that serves it rewrites it to its own
    form. `adminEmail` is required by the schema and written when configured.
    """
    yield static_head(config, archive, admin_email)
    for record in archive.records:
        yield static_record(record, archive, config)
    yield STATIC_TAIL


STATIC_TAIL = "</ListRecords>\n</Repository>\n"


def static_head(config: Config, archive: Archive, admin_email: str | None = None) -> str:
    """The static repository up to its first record: Identify, the formats."""
    earliest = min((datestamp(r) for r in archive.records), default=EPOCH)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<Repository xmlns="{NS_STATIC}" xmlns:oai="{NS_OAI}" xmlns:xsi="{NS_XSI}"'
        f' xsi:schemaLocation="{NS_STATIC} http://www.openarchives.org/OAI/2.0/static-repository.xsd">',
        "<Identify>",
        f"<oai:repositoryName>{_text(config.title)}</oai:repositoryName>",
        f"<oai:baseURL>{_text(urls.absolute(config, 'oai.xml'))}</oai:baseURL>",
        "<oai:protocolVersion>2.0</oai:protocolVersion>",
    ]
    if admin_email:
        out.append(f"<oai:adminEmail>{_text(admin_email)}</oai:adminEmail>")
    out += [
        f"<oai:earliestDatestamp>{earliest.isoformat()}</oai:earliestDatestamp>",
        "<oai:deletedRecord>no</oai:deletedRecord>",
        "<oai:granularity>YYYY-MM-DD</oai:granularity>",
        "</Identify>",
        "<ListMetadataFormats>",
        "<oai:metadataFormat>",
        "<oai:metadataPrefix>oai_dc</oai:metadataPrefix>",
        "<oai:schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</oai:schema>",
        f"<oai:metadataNamespace>{NS_OAI_DC}</oai:metadataNamespace>",
        "</oai:metadataFormat>",
        "</ListMetadataFormats>",
        '<ListRecords metadataPrefix="oai_dc">',
    ]
    return "\n".join(out) + "\n"


def static_record(record: Record, archive: Archive, config: Config) -> str:
    """One record of the static repository, its header and oai_dc metadata."""
    out = ["<oai:record>"]
    out.append("<oai:header>")
    out.append(f"<oai:identifier>{_text(oai_identifier(config, record.id))}</oai:identifier>")
    out.append(f"<oai:datestamp>{datestamp(record).isoformat()}</oai:datestamp>")
    out.append("</oai:header>")
    out.append("<oai:metadata>")
    out.append(
        f'<oai_dc:dc xmlns:oai_dc="{NS_OAI_DC}" xmlns:dc="{NS_DC}" '
        f"xsi:schemaLocation={quoteattr(NS_OAI_DC + ' http://www.openarchives.org/OAI/2.0/oai_dc.xsd')}>"
    )
    for element, value in dublin_core(record, archive, config):
        out.append(f"<dc:{element}>{_text(value)}</dc:{element}>")
    out.append("</oai_dc:dc>")
    out.append("</oai:metadata>")
    out.append("</oai:record>")
    return "\n".join(out) + "\n"
