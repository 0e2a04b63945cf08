import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.read import yamlstrict
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


# Pieces of front-matter lines, plain and otherwise, for the line-by-line reader.
_INDENTS = ("", " ", "  ", "    ", "      ")
_DASHES = ("", "- ", "-  ", "-")
_KEYS = ("a", "b", "name", "role", "null", "~", "<<", "a.b", "x-y", "", "é")
_COLONS = (":", ": ", ":  ", " :", "")
_VALUES = (
    *("x", "x y", "~", "null", "", "-1", "'q'", '"q"', "x: y", "x #c", "C#", "a:b", "x:"),
    *("[1]", "{a}", "&a x", "*a", "!t x", "!!str x", "|", ">", "%x", "@x", "`x", "é"),
    *("x ", "\tx", "---", "...", "? x", ", x", "x\u2028y", "\ufeffx", "1955-06-30"),
    *("'a: b'", "'it''s'", "'x' y", "'x", "''", "'''", "''''", "'a #b'", "'a' #c"),
    *('"a: b"', '"a\\tb"', '""', '"', '"x" y', '"it\'s"', "'x\"'", '"~"', "'null'"),
    *("[]", "{}", "[] x", "[ ]", "{}}"),
)
_LINE = st.tuples(*(st.sampled_from(p) for p in (_INDENTS, _DASHES, _KEYS, _COLONS, _VALUES)))


@settings(max_examples=3000, deadline=None)
@given(st.lists(_LINE.map("".join) | st.just(""), max_size=8))
def test_plain_lines_read_as_the_parser_reads_them(lines: list[str]) -> None:
    """Front matter the line-by-line reader takes gives the parser's values and key
    positions; all else it leaves to the parser (and its errors)."""
    text = "\n".join(lines)
    fast = yamlstrict._Plain().read(text)
    if fast is not None:
        parsed = yamlstrict._parsed_mapping(text)
        assert (fast.value, fast.lines) == (parsed.value, parsed.lines)


def test_list_of_people_is_read_in_one_pass_as_by_the_parser() -> None:
    text = "title: T\nparticipants:\n  - name: A\n    role: author\n  - B\nsubjects:\n- x\n"
    fast = yamlstrict._Plain().read(text)
    assert fast is not None
    assert fast.value["participants"] == [{"name": "A", "role": "author"}, "B"]
    assert (fast.value, fast.lines) == (
        yamlstrict._parsed_mapping(text).value,
        yamlstrict._parsed_mapping(text).lines,
    )
