"""URL-safe slugs for names and labels: lower-case ASCII words joined by hyphens."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG = 80


def slugify(text: str) -> str:
    """`Mao Zedong` → `mao-zedong`; `Satō, Eisaku` → `sato-eisaku`.

    Text with no ASCII letters or digits (Chinese, Russian) gets a short stable hash so
    every distinct name still has a distinct, valid slug.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if not slug:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
        return f"x-{digest}"
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        slug = slug[: MAX_SLUG - 9].rstrip("-") + "-" + digest
    return slug


MAX_ID = 120
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_id(rel_parts: tuple[str, ...]) -> str:
    """A record id from its file's path inside the content folder, stable and URL-safe.

    `telegram.md` → `telegram`; a file in a subfolder keeps the folder, joined with
    `.`, so the same file name in two volumes gives two ids
    (`volume-1/12-letter.md` → `volume-1.12-letter`). Other characters become `-`;
    ids longer than MAX_ID keep their start and a hash of the whole path.
    """
    *folders, name = rel_parts
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    pieces = [_id_piece(p) for p in [*folders, stem]]
    ident = ".".join(p for p in pieces if p)
    if not ident:
        ident = "record-" + hashlib.sha1("/".join(rel_parts).encode("utf-8")).hexdigest()[:10]
    if len(ident) > MAX_ID:
        digest = hashlib.sha1("/".join(rel_parts).encode("utf-8")).hexdigest()[:10]
        ident = ident[: MAX_ID - 11].rstrip(".-_") + "-" + digest
    return ident


def _id_piece(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _ID_UNSAFE.sub("-", folded).strip(".-_")
