"""Every key of the incremental build in one place: what each output depends on.

A key is a digest of everything that, changed, must change the output it names. A key
that misses an input makes incremental builds keep a stale file, so each function here
says what it covers. The cache (`cache`) stores and checks; the keys are made here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from operator import attrgetter
from pathlib import Path

import archivist
from archivist.config import CONFIG_NAME, Config
from archivist.enrich.volumes import (
    named_volumes,
    numbered_volumes,
    volume_documents,
    volume_of,
    volumes_digest,
)
from archivist.incremental import fingerprint
from archivist.model import Archive, Record
from archivist.theme import theme_dir


def digest(*parts: str | bytes) -> str:
    """A short, stable hash of some text (parts are length-prefixed, so never ambiguous)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def tree_digest(folders: Iterable[Path]) -> str:
    """A hash of every file (path and bytes) under some folders; absent folders count.
    Not where the folders are: a site checked out elsewhere (a CI runner) has the
    same keys."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        if not folder.is_dir():
            h.update(b"\0absent\0")
            continue
        h.update(b"\0folder\0")
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                rel = path.relative_to(folder).as_posix()
                h.update(digest(rel, path.read_bytes()).encode("ascii"))
    return h.hexdigest()


def code_version() -> str:
    """The version and the source of the archivist package: any code change is a new key."""
    package = Path(archivist.__file__).parent
    return digest(archivist.__version__, tree_digest([package]))


# Every field of a record but its body, in the order the class declares them.
_ALL_BUT_BODY = attrgetter(*(f.name for f in fields(Record) if f.name != "body"))


def record_digest(record: Record) -> str:
    """A hash of everything a record holds: its body as it is, and the repr of every
    other field's value. (The repr of a long body, escaping it character by character,
    cost more than the rest of the digest: it is made for every record read.)"""
    return digest(record.body, repr(_ALL_BUT_BODY(record)))


def record_digests(records: Sequence[Record], known: Mapping[str, str]) -> dict[str, str]:
    """Each record's `record_digest`, taken from `known` where it was made already.

    A known digest is of the record as read: what the archive decides for it across
    records (its type, `enrich.types.fold_types`; its participants' kinds,
    `enrich.people.kinds`) is added to it."""
    return {
        r.id: digest(known[r.id], r.type or "", *(p.kind for p in r.participants))
        if r.id in known
        else record_digest(r)
        for r in records
    }


_VOLUMES: list[tuple[Archive, Mapping[str, str], Mapping[str, str]]] = []


def _volume_digests(archive: Archive) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """Each volume's digest (its numbers and ids), and volume number → volume,
    computed once per archive."""
    if not _VOLUMES or _VOLUMES[0][0] is not archive:
        volumes = volume_documents(archive.records)
        _VOLUMES[:] = [(archive, volumes_digest(volumes), numbered_volumes(volumes))]
    return _VOLUMES[0][1], _VOLUMES[0][2]


def record_key(base: str, archive: Archive, digests: Mapping[str, str], record: Record) -> str:
    """Everything one record's files show: add here any cross-record fact a record
    page starts to show, or incremental builds will keep a stale page."""
    prev_id, next_id = archive.neighbours[record.id]
    linked = [prev_id, next_id, *archive.related[record.id]]
    volume = volume_of(record)
    volume_digests, by_number = _volume_digests(archive)
    # "Document 286" links to the volume's document 286 when it is in the site, and
    # "Volume VIII, Document 427" to that volume's.
    # (No numbered volume in the archive: no need to scan the text for their names.)
    named = (
        sorted({by_number.get(n, "") for n in named_volumes(record)} - {""}) if by_number else []
    )
    return digest(
        base,
        digests[record.id],
        volume_digests.get(volume, "-") if volume else "-",
        *(f"{v}\0{volume_digests[v]}" for v in named),
        # The participants are in the record's digest; their pages' slugs are not.
        "\0".join(slug for _, slug in archive.participant_slugs[record.id]),
        *(f"{i}:{digests[i]}" if i else "-" for i in linked),
    )


def site_key(site_root: Path, config: Config, version: str) -> str:
    """What every page depends on: code, settings, templates, the authority file."""
    authority = site_root / config.content_dir / "people.yaml"
    return digest(
        version,
        repr(config),
        tree_digest([theme_dir("templates"), site_root / config.templates_dir]),
        authority.read_bytes() if authority.is_file() else b"",
    )


def input_fingerprint(site_root: Path, config: Config, flags: dict[str, object]) -> str:
    """Everything a build reads, by stat: the no-change check compares it."""
    return fingerprint.input_fingerprint(
        code_version(),
        repr(config),
        flags,
        [
            site_root / config.content_dir,
            site_root / config.templates_dir,
            site_root / config.static_dir,
            theme_dir("templates"),
            theme_dir("static"),
        ],
        [site_root / CONFIG_NAME],
    )


def read_key(version: str, config: Config) -> str:
    """What reading any file depends on besides its own bytes: code and settings."""
    return digest(version, repr(config))


def file_read_key(read: str, display: str, stem: str, data: bytes) -> str:
    """One file's read: `read_key`, its path as shown, its id stem and its bytes."""
    return digest(read, display, stem, data)


def check_key(read: str, authority: bytes) -> str:
    """What the checks and derivation of any record depend on: `read_key` and the
    authority file (people.yaml) they resolve names through."""
    return digest(read, authority)


def file_check_key(check: str, file_read: str) -> str:
    """One file's checked records: `check_key` and the file's `file_read_key`."""
    return digest(check, file_read)


def page_key(site: str, shows: str) -> str:
    """A site page: `site_key` and the key of what the page shows (`Page.key`)."""
    return digest(site, shows)


# -- the search stage (search/indexing) ----------------------------------------------------


def shard_frame(version: str, tool: str, n: int, count: int, primary: bool, language: str) -> str:
    """What a shard's bundle is made from besides its records."""
    return digest(version, tool, f"{n}/{count}/{primary}", language)


def shard_key(frame: str, rows: Mapping[str, str]) -> str:
    """Everything a shard's bundle is made from: change any of it and it is re-indexed.

    `rows` give each record id the digest of its own inputs (`shard_row`): an index
    entry is a function of those, the site language and the code version (`frame`).
    """
    return digest(frame, *(f"{rid}\0{row}" for rid, row in sorted(rows.items())))


def shard_row(record: Record, archive: Archive, digests: Mapping[str, str]) -> str:
    """What one record's index entry is made from: the record (its digest), its
    participants' names as written and the names their pages show (its facet values)."""
    names = [p.name for p, _ in archive.participant_slugs.get(record.id, ())]
    pages = [
        archive.page_names.get((p.kind, slug), "")
        for p, slug in archive.participant_slugs.get(record.id, ())
    ]
    return digest("\0".join([record.id, digests[record.id], *names, "\x1f", *pages]))


def overlay_key(base: str, rows: Mapping[str, str]) -> str:
    """An overlay of a shard: the shard's bundle (`base`) and the changed records' rows,
    in the given order."""
    return digest(base, *(f"{rid}\0{row}" for rid, row in rows.items()))


def tool_stamp(binary: Path) -> str:
    """The Pagefind binary that makes the bundles, by its bytes: a CI runner installs
    the same binary at another time (~30 ms a build; remembered by stat within one
    process)."""
    st = binary.stat()
    seen = (str(binary), st.st_size, st.st_mtime_ns, st.st_ino)
    known = _TOOLS.get(seen)
    if known is None:
        with open(binary, "rb") as fh:
            known = _TOOLS[seen] = hashlib.file_digest(fh, "sha256").hexdigest()
    return known


_TOOLS: dict[tuple[str, int, int, int], str] = {}


# -- the enrich stage (enrich/archive) ------------------------------------------------------


def related_key(
    records: tuple[Record, ...], slugs: Mapping[str, tuple[str, ...]], count: int
) -> str:
    """Everything `_related` reads: the order of the records, their people, subjects
    and explicit links. An edit to a record's text leaves it unchanged."""
    return digest(
        str(count),
        *(
            "\x1f".join((r.id, *slugs[r.id], "\x1e", *r.subjects, "\x1e", *r.related))
            for r in records
        ),
    )


# -- site pages (render/pages) ---------------------------------------------------------------


def item_key(
    url: str, title: str, date: str, type_: str | None, summary: str | None, *more: str | None
) -> str:
    """What lists show of a record: an edit to its body changes no list."""
    return digest(url, title, date, type_ or "\0", summary or "\0", *(m or "\0" for m in more))


def list_page_key(template: str, items_as: str, context: str, entries: Iterable[str]) -> str:
    """A page listing records: its template, its context and each entry's item key
    (with its roles)."""
    # One part, not one per entry: a large archive's lists hold every record several
    # times over.
    return digest(template, items_as, context, "\n".join(entries))
