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
