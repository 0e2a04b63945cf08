"""The bench's synthetic archive generator: deterministic, and every file reads strictly."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from archivist.read.yamlstrict import load_mapping

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load_generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


generate = _load_generate()


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _split(text: str) -> tuple[str, str]:
    assert text.startswith("---\n")
    front, _, body = text[4:].partition("\n---\n")
    return front, body


def _participant_names(front: str) -> list[str]:
    people = load_mapping(front).value.get("participants")
    assert isinstance(people, list)
    return [str(p["name"]) for p in people if isinstance(p, dict)]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "site"
    generate.generate(50, out, seed=7)
    return out


def test_same_seed_gives_byte_identical_archives(archive: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate.generate(50, again, seed=7)
    assert _tree(again) == _tree(archive)


def test_another_seed_gives_another_archive(archive: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate.generate(50, other, seed=8)
    assert _tree(other)["archivist.yaml"] == _tree(archive)["archivist.yaml"].replace(
        b"seed 7", b"seed 8"
    )
    assert sorted((other / "content").iterdir()) != sorted((archive / "content").iterdir())


def test_every_record_parses_strictly_with_the_model_fields(archive: Path) -> None:
    files = sorted((archive / "content").glob("*.md"))
    assert len(files) == 50
    for path in files:
        front, body = _split(path.read_text(encoding="utf-8"))
        data = load_mapping(front).value
        assert isinstance(data["title"], str) and data["title"]
        assert "synthetic" in str(data["summary"]).lower()
        participants = data["participants"]
        assert isinstance(participants, list) and participants
        for person in participants:
            assert isinstance(person, dict) and isinstance(person["name"], str)
        assert isinstance(data["subjects"], list)
        assert "id" not in data  # the id is the file name
        assert body.strip()


def test_footnote_references_all_have_definitions(archive: Path) -> None:
    for path in sorted((archive / "content").glob("*.md")):
        _, body = _split(path.read_text(encoding="utf-8"))
        refs = set(re.findall(r"\[\^(\d+)\](?!:)", body))
        defined = set(re.findall(r"^\[\^(\d+)\]:", body, re.M))
        assert refs == defined, path.name


def test_archive_has_the_features_the_bench_needs(archive: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((archive / "content").glob("*.md"))]
    bodies = "".join(_split(t)[1] for t in texts)
    assert re.search(r"^\[[^\]\n]+:\] ", bodies, re.M), "speaker turns"
    assert "[^1]" in bodies, "footnotes"
    assert re.search(r"\[(sic|illegible|\.\.\.|\?)\]", bodies), "editorial marks"
    assert any(ord(ch) > 127 for ch in "".join(texts)), "non-ASCII names"
    sizes = sorted(len(_split(t)[1].encode()) for t in texts)
    assert 2_000 < sizes[len(sizes) // 2] < 12_000, "median body near 5-6 KB"
    names = [name for t in texts for name in _participant_names(_split(t)[0])]
    assert max(names.count(n) for n in set(names)) >= 5, "people recur across records"


@pytest.mark.parametrize(
    "value",
    [
        "Telegram, A to B",
        "Memorandum of Conversation between Zoltán Kővári and Ming Trần",
        "1948",
        "NO",
        "c. 1956",
        "June 30, 1955",
        "Report: on the situation",
        "ends with a colon:",
        "#hash first",
        "text # not a comment",
        "- dash first",
        "[sic] first",
        "'single quoted'",
        '"double" inside',
        "Chargé d'Affaires",
        "*star first",
        "a\ttab",
        "trailing space ",
    ],
)
def test_yaml_scalar_round_trips_through_the_strict_loader(value: str) -> None:
    assert load_mapping(f"key: {generate.yaml_scalar(value)}\n").value["key"] == value
