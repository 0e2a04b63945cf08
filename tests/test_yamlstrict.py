import pytest

from archivist.read.yamlstrict import YamlError, load_mapping


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("a: NO\n", "a", "NO"),
        ("a: yes\n", "a", "yes"),
        ("a: 1955-06-30\n", "a", "1955-06-30"),
        ("a: 0777\n", "a", "0777"),
        ("a: 1:20\n", "a", "1:20"),
        ("a: 1e3\n", "a", "1e3"),
        ("a: ~\n", "a", None),
        ("a: ''\n", "a", ""),
        ("a: [1, NO]\n", "a", ["1", "NO"]),
        ("a: {b: off}\n", "a", {"b": "off"}),
    ],
)
def test_scalars_stay_text(text: str, key: str, expected: object) -> None:
    assert load_mapping(text).value[key] == expected


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first on line 1)"),
        ("a: &x 1\nb: *x\n", 1, 4, "anchors"),
        ("a: !!python/object/apply:os.system ['ls']\n", 1, 4, "tags"),
        ("a: !custom x\n", 1, 4, "tags"),
        ("- a\n- b\n", 1, 1, "expected a mapping"),
        ("a: [1, 2\n", 1, 9, "expected"),
        ("<<: {a: 1}\n", 1, 1, "merge"),
    ],
)
def test_surprises_are_errors_with_position(text: str, line: int, col: int, fragment: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_mapping(text)
    assert (caught.value.line, caught.value.col) == (line, col)
    assert fragment in caught.value.message


def test_billion_laughs_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for n in range(1, 9):
        prev = chr(ord("a") + n - 1)
        cur = chr(ord("a") + n)
        bomb += f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    with pytest.raises(YamlError, match="anchors"):
        load_mapping(bomb)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(YamlError):
        load_mapping(text)


def test_line_numbers_are_file_lines() -> None:
    parsed = load_mapping("title: x\ndate: y\n", first_line=2)
    assert parsed.lines == {"title": (2, 1), "date": (3, 1)}
    with pytest.raises(YamlError) as caught:
        load_mapping("a: 1\na: 2\n", first_line=2)
    assert caught.value.line == 3
    assert "first on line 2" in caught.value.message
