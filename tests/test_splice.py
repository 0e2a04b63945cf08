"""Spliced data files: a record's piece is copied from the last file only when the
record is unchanged and its byte range is sound; anything else is made again."""

from __future__ import annotations

from pathlib import Path

from archivist.publish.splice import Splicer, ranges_from


def _never() -> str:
    raise AssertionError("an unchanged record's piece was made again")


def test_without_a_previous_file_every_piece_is_made() -> None:
    splicer = Splicer({}, same={"a", "b"})
    data = b"".join(splicer.pieces("f", "H\n", [("a", lambda: "A\n"), ("b", lambda: "B\n")], "T"))
    assert data == b"H\nA\nB\nT"
    assert splicer.made["f"] == {"a": (2, 4), "b": (4, 6)}
    assert splicer.copied == 0


def test_an_unchanged_record_is_copied_and_a_changed_one_made(tmp_path: Path) -> None:
    first = Splicer({}, same=())
    old = b"".join(first.pieces("f", "H\n", [("a", lambda: "Ä\n"), ("b", lambda: "B\n")], "T"))
    path = tmp_path / "f"
    path.write_bytes(old)
    second = Splicer({"f": (path, first.made["f"])}, same={"a"})
    pieces = [("a", _never), ("b", lambda: "new B\n"), ("c", lambda: "C\n")]
    data = b"".join(second.pieces("f", "H2\n", pieces, "T"))
    assert data.decode() == "H2\nÄ\nnew B\nC\nT"
    assert second.copied == 1
    assert second.made["f"]["a"] == (3, 3 + len("Ä\n".encode()))


def test_ranges_outside_the_file_or_malformed_are_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"H\nA\n")
    bad = ranges_from({"a": [2, 400], "b": ["x", 1], 3: [0, 1], "c": [0]})
    assert bad == {"a": (2, 400)}
    splicer = Splicer({"f": (path, bad)}, same={"a"})
    assert b"".join(splicer.pieces("f", "H\n", [("a", lambda: "A2\n")], "")) == b"H\nA2\n"
    assert splicer.copied == 0


def test_separated_pieces_are_copied_when_a_record_moves_to_or_from_first(
    tmp_path: Path,
) -> None:
    """records.json puts a comma between records: a copied piece must not carry it,
    or a record that moves first (or from first) would break the JSON."""
    first = Splicer({}, same=())
    old = b"".join(first.pieces("f", "[", [("a", lambda: "1"), ("b", lambda: "2")], "]", b","))
    assert old == b"[1,2]"
    path = tmp_path / "f"
    path.write_bytes(old)
    second = Splicer({"f": (path, first.made["f"])}, same={"a", "b"})
    pieces = [("c", lambda: "0"), ("b", _never), ("a", _never)]
    assert b"".join(second.pieces("f", "[", pieces, "]", b",")) == b"[0,2,1]"
    assert second.copied == 2
    path.write_bytes(b"[0,2,1]")
    third = Splicer({"f": (path, second.made["f"])}, same={"a", "b"})
    assert b"".join(third.pieces("f", "[", [("b", _never), ("a", _never)], "]", b",")) == b"[2,1]"


def test_side_by_side_copies_go_out_as_one_slice(tmp_path: Path) -> None:
    first = Splicer({}, same=())
    records = [(c, lambda c=c: c * 3) for c in "abcde"]
    old = b"".join(first.pieces("f", "[", records, "]", b","))
    path = tmp_path / "f"
    path.write_bytes(old)
    second = Splicer({"f": (path, first.made["f"])}, same={"a", "b", "d", "e"})
    edited = [("a", _never), ("b", _never), ("c", lambda: "C"), ("d", _never), ("e", _never)]
    chunks = list(second.pieces("f", "[", edited, "]", b","))
    assert b"".join(chunks) == b"[aaa,bbb,C,ddd,eee]"
    assert chunks == [b"[", b"aaa,bbb", b",", b"C", b",", b"ddd,eee", b"]"]
    assert second.made["f"] == {
        "a": (1, 4),
        "b": (5, 8),
        "c": (9, 10),
        "d": (11, 14),
        "e": (15, 18),
    }
