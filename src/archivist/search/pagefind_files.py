"""Pagefind's bundle made reproducible: its filter and meta indexes in a fixed order.

Pagefind 1.5 writes the values of each filter, the list of filters and the sort orders
in hash-map order (upstream Pagefind/pagefind#638), so two runs over the same records
give those files different bytes, hence different names, a different meta index (which
names the filter files) and a different pagefind-entry.json (which names the meta
index). A site built twice must be byte-identical, so before the bundle is written:

- each filter file's values are sorted and the file is named by a hash of the result;
- each meta index lists filters and sort orders by name, with the new filter names,
  and is named by a hash of the result;
- pagefind-entry.json names the new meta indexes, languages in sorted order.

Pagefind's search reads these lists into maps, so their order means nothing to it.
Files of an unexpected shape (another Pagefind version) are left exactly as they are.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SIGNATURE = b"pagefind_dcd"
# A file's reference (what names it elsewhere: language, underscore, hash) in its path.
_FILTER = re.compile(r"^filter/(?P<ref>(?P<lang>[^/_]+)_[0-9a-f]+)\.pf_filter$")
_META = re.compile(r"^pagefind\.(?P<ref>(?P<lang>[^/_.]+)_[0-9a-f]+)\.pf_meta$")
ENTRY = "pagefind-entry.json"


@dataclass(frozen=True, slots=True)
class CborMap:
    """A CBOR map, kept as its pairs in their order."""

    pairs: tuple[tuple[object, object], ...]


def decode(data: bytes, pos: int = 0) -> tuple[object, int]:
    """The CBOR subset Pagefind writes: integers, bytes, text, arrays, maps."""
    head = data[pos]
    major, info = head >> 5, head & 31
    pos += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        raise ValueError(f"unsupported CBOR head {head:#x}")
    if major == 0:
        return value, pos
    if major == 1:
        return -1 - value, pos
    if major in (2, 3):
        raw = data[pos : pos + value]
        if len(raw) != value:
            raise ValueError("truncated CBOR string")
        return (raw if major == 2 else raw.decode("utf-8")), pos + value
    if major == 4:
        items = []
        for _ in range(value):
            item, pos = decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = []
        for _ in range(value):
            key, pos = decode(data, pos)
            item, pos = decode(data, pos)
            pairs.append((key, item))
        return CborMap(tuple(pairs)), pos
    raise ValueError(f"unsupported CBOR major type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def encode(value: object) -> bytes:
    """CBOR with definite lengths and the shortest heads (as Pagefind's own encoder)."""
    if isinstance(value, bool) or value is None:
        raise ValueError("unsupported CBOR value")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, CborMap):
        return _head(5, len(value.pairs)) + b"".join(encode(k) + encode(v) for k, v in value.pairs)
    raise ValueError(f"unsupported CBOR value {type(value).__name__}")


def payload(raw: bytes) -> object:
    """A Pagefind index file's content: gzip, the signature, one CBOR value."""
    data = gzip.decompress(raw)
    if not data.startswith(SIGNATURE):
        raise ValueError("no Pagefind signature")
    value, end = decode(data, len(SIGNATURE))
    if end != len(data):
        raise ValueError("trailing bytes after the CBOR value")
    return value


def _pack(value: object) -> tuple[bytes, str]:
    """(the file's bytes, a hash naming it) for a CBOR value."""
    data = SIGNATURE + encode(value)
    return gzip.compress(data, compresslevel=9, mtime=0), hashlib.sha256(data).hexdigest()


def _is_pairs(value: object, second: type) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) and isinstance(v[1], second)
        for v in value
    )


def _canonical_filter(value: object) -> object | None:
    """[name, [[value, [pages]]…]] with the values sorted; None for another shape."""
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)):
        return None
    if not _is_pairs(value[1], list):
        return None
    return [value[0], sorted(value[1], key=lambda pair: pair[0])]


def _canonical_meta(value: object, renamed: Mapping[str, str]) -> object | None:
    """[version, pages, chunks, filters, sorts, meta fields] with filters (renamed)
    and sorts by name and the meta fields sorted; None for another shape."""
    if not (isinstance(value, list) and len(value) == 6 and isinstance(value[0], str)):
        return None
    version, pages, chunks, filters, sorts, fields = value
    if not (_is_pairs(filters, str) and _is_pairs(sorts, list)):
        return None
    if not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
        return None
    filters = sorted(([name, renamed.get(ref, ref)] for name, ref in filters), key=lambda f: f[0])
    return [version, pages, chunks, filters, sorted(sorts, key=lambda s: s[0]), sorted(fields)]


def _rewritten(
    out: dict[str, bytes],
    pattern: re.Pattern[str],
    path_of: Callable[[str], str],
    digits: int,
    canonical: Callable[[object], object | None],
) -> dict[str, str] | None:
    """Rewrite in `out` every file `pattern` matches: its `canonical` value, at
    `path_of(reference)`, the reference naming it by `digits` hex digits of its hash
    (more when two would share one). Returns the old references with the new ones, or
    None, changing nothing, when a file is not of a shape we know."""
    old = [path for path in sorted(out) if pattern.match(path)]
    made: dict[str, bytes] = {}
    refs: dict[str, str] = {}
    others = set(out) - set(old)
    for path in old:
        match = pattern.match(path)
        assert match is not None
        try:
            value = canonical(payload(out[path]))
        except (OSError, EOFError, ValueError, UnicodeDecodeError):
            return None
        if value is None:
            return None
        data, digest = _pack(value)
        size = digits
        while (new := path_of(ref := f"{match['lang']}_{digest[:size]}")) in made.keys() | others:
            size += 1
        made[new] = data
        refs[match["ref"]] = ref
    for path in old:
        del out[path]
    out.update(made)
    return refs


def reproducible(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle `files` (path → bytes, as Pagefind made them) with its filter and
    meta indexes in canonical order and named by their content; as it was when any
    of them is not of a shape we know."""
    out = dict(files)
    filters = _rewritten(out, _FILTER, "filter/{}.pf_filter".format, 7, _canonical_filter)
    if filters is None:
        return files
    metas = _rewritten(
        out, _META, "pagefind.{}.pf_meta".format, 10, lambda v: _canonical_meta(v, filters)
    )
    if metas is None:
        return files
    if ENTRY in files:
        try:
            entry = json.loads(files[ENTRY])
            languages = entry["languages"]
            for language in languages.values():
                language["hash"] = metas.get(language["hash"], language["hash"])
            entry["languages"] = dict(sorted(languages.items()))
        except (ValueError, KeyError, TypeError, AttributeError):
            return files
        out[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return out


__all__ = ["CborMap", "decode", "encode", "payload", "reproducible"]
