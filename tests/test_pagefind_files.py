"""Pagefind's filter and meta indexes rewritten in a fixed order: the same records
give the same bytes whatever order Pagefind's hash maps chose, and the search still
finds every file by the names the bundle gives."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from archivist.search.pagefind_files import (
    SIGNATURE,
    CborMap,
    decode,
    encode,
    payload,
    reproducible,
)


def _file(value: object) -> bytes:
    return gzip.compress(SIGNATURE + encode(value), mtime=0)


@pytest.mark.parametrize(
    "value",
    [0, 23, 24, 255, 256, 65536, 2**32, -1, -500, "", "ÿ 政府", b"\x00\x01", [], [1, [2, "x"]],
     CborMap(((1, "a"), ("k", [2]))), "x" * 300, list(range(30))],
)  # fmt: skip
def test_cbor_round_trip(value: object) -> None:
    data = encode(value)
    assert decode(data) == (value, len(data))


def _bundle(seed: int) -> dict[str, bytes]:
    """A bundle as Pagefind might write it, lists in an order chosen by `seed`."""
    rng = random.Random(seed)
    filters = {
        "type": [["Letter", [0, 2]], ["Telegram", [1]], ["Memo", [3]]],
        "year": [["1950", [0, 1]], ["1951", [2, 3]]],
    }
    files: dict[str, bytes] = {}
    refs = []
    for n, (name, values) in enumerate(sorted(filters.items())):
        shuffled = rng.sample(values, len(values))
        ref = f"en_{seed:03d}{n:04d}"
        files[f"filter/{ref}.pf_filter"] = _file([name, shuffled])
        refs.append([name, ref])
    sorts = [["date", [3, 1, 0, 2]], ["title", [0, 1, 2, 3]]]
    meta = ["1.5.2", [["en_aaaaaaa", 10]], [["a", "z", "en_bbbbbbb"]], rng.sample(refs, 2),
            rng.sample(sorts, 2), rng.sample(["title", "date", "type"], 3)]  # fmt: skip
    meta_ref = f"en_{seed:010d}"
    files[f"pagefind.{meta_ref}.pf_meta"] = _file(meta)
    files["pagefind-entry.json"] = json.dumps(
        {"version": "1.5.2", "languages": {"en": {"hash": meta_ref, "wasm": "en", "page_count": 4}}}
    ).encode()
    files["fragment/en_ccccccc.pf_fragment"] = b"fragment bytes"
    return files


def test_the_same_indexes_in_any_order_give_the_same_bytes() -> None:
    outputs = [reproducible(_bundle(seed)) for seed in range(6)]
    assert all(out == outputs[0] for out in outputs)
    out = outputs[0]
    assert out["fragment/en_ccccccc.pf_fragment"] == b"fragment bytes"
    # Every name the bundle gives leads to a file, and the content is the input's.
    entry = json.loads(out["pagefind-entry.json"])
    meta = payload(out[f"pagefind.{entry['languages']['en']['hash']}.pf_meta"])
    assert isinstance(meta, list)
    assert [name for name, _ in meta[3]] == ["type", "year"]
    assert meta[4] == [["date", [3, 1, 0, 2]], ["title", [0, 1, 2, 3]]]  # pages keep order
    assert meta[5] == ["date", "title", "type"]
    by_name = {name: payload(out[f"filter/{ref}.pf_filter"]) for name, ref in meta[3]}
    assert by_name["type"] == ["type", [["Letter", [0, 2]], ["Memo", [3]], ["Telegram", [1]]]]
    assert by_name["year"] == ["year", [["1950", [0, 1]], ["1951", [2, 3]]]]
    assert len([p for p in out if p.startswith("filter/")]) == 2


def test_an_unknown_shape_is_left_as_pagefind_wrote_it() -> None:
    files = _bundle(1)
    files["pagefind.en_0000000001.pf_meta"] = _file(["2.0.0", "something new"])
    assert reproducible(files) == files
    broken = _bundle(2)
    broken["filter/en_0020000.pf_filter"] = b"not gzip"
    assert reproducible(broken) == broken
