"""Settings from a security review: every hostile value is an `archivist.yaml:line:col`
error before anything is built, a flag is checked as its setting is, folders stay
inside the site folder, and templates run in Jinja's sandbox.

Each hostile setting sits on line 3 of an otherwise valid archivist.yaml, so its
problem must name that file at 3:1 and the setting. Adding a case is one row.
"""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner
from jinja2.sandbox import SandboxedEnvironment

from archivist.cli import main
from archivist.config import CONFIG_NAME, SETTINGS, Config, ConfigError, load_config
from archivist.render.environment import Sandbox
from invariants import sample_site

HEADER = "# Settings under test:\n# the next line is the one each case sets.\n"
LINE = 3
SECRET = "BEGIN OPENSSH PRIVATE KEY"

FOLDERS = [
    ("static_dir: ../../outside_secret", "static_dir"),
    ("static_dir: /etc/ssl", "static_dir"),
    ("static_dir: /", "static_dir"),
    ("static_dir: sub/../../x", "static_dir"),
    ("static_dir: static/..", "static_dir"),
    ("static_dir: .", "static_dir"),
    ("static_dir: ./", "static_dir"),
    ('static_dir: ""', "static_dir"),
    ("content_dir: /tmp", "content_dir"),
    ("content_dir: ../../outside_secret", "content_dir"),
    ('content_dir: "con\\0tent"', "content_dir"),
    ("templates_dir: ../../outside_secret", "templates_dir"),
    ("templates_dir: /usr/lib", "templates_dir"),
]
NUMBERS = [
    ("record_timeout: inf", "record_timeout"),
    ("record_timeout: 1e300", "record_timeout"),
    ("record_timeout: nan", "record_timeout"),
    ("record_timeout: 3601", "record_timeout"),
    ("record_timeout: +5", "record_timeout"),
    ("record_timeout: 1_0", "record_timeout"),
    ("record_timeout: 0.0000001", "record_timeout"),
    ("page_size: 99999999999999999999", "page_size"),
    ("page_size: 10001", "page_size"),
    ("page_size: +5", "page_size"),
    ("page_size: ²", "page_size"),
    ("page_size: ٣", "page_size"),
    ("related_count: 100000", "related_count"),
    ("search_timeout: 9999999999", "search_timeout"),
    ("search_shard_size: 1000000000000", "search_shard_size"),
    ("search_max_shards: 1000000", "search_max_shards"),
]
TEXT = [
    ("language: ../../x", "language"),
    ("language: 'en\"><script>'", "language"),
    ("language: en us", "language"),
    ("language: en_US", "language"),
    ('language: ""', "language"),
    ("language: en-aaaaaaaa-bbbbbbbb-cccccccc-d", "language"),
    ("base_url: //evil.example/", "base_url"),
    ('base_url: "/archive/\\n"', "base_url"),
    ('base_url: "javascript:alert(1)"', "base_url"),
    ('base_url: "https://x.example/a b"', "base_url"),
    ("base_url: https:///archive/", "base_url"),
    ("base_url: https://user@x.example/", "base_url"),
    ("base_url: https://x.example//evil.example/", "base_url"),
    ("base_url: /archive/?q=1", "base_url"),
    ("base_url: /archive/#top", "base_url"),
    ("base_url: archive/", "base_url"),
    ("base_url: /a\\b/", "base_url"),
    ("base_url: '/a\"b/'", "base_url"),
    ("base_url: /<script>/", "base_url"),
    ("base_url: ftp://x.example/", "base_url"),
    ("base_url: /archivé/", "base_url"),
    ('title: "A\\x07title"', "title"),
    ('publisher: "Press\\x1b[31m"', "publisher"),
    ('description: "A\\0description"', "description"),
    ("outputs: [citation_files, pdf]", "outputs"),
    ("outputs: {citation_files: yes}", "outputs"),
    ("outputs: [[records_csv]]", "outputs"),
]
HOSTILE = FOLDERS + NUMBERS + TEXT


def _site(tmp_path: Path, line: str = "") -> Path:
    """A one-record site two folders down, with a secret beside it that
    `../../outside_secret` reaches."""
    secret = tmp_path / "outside_secret"
    secret.mkdir(exist_ok=True)
    (secret / "id_rsa").write_text(f"-----{SECRET}-----\n", encoding="utf-8")
    (secret / "leak.md").write_text("---\ntitle: Leaked record\n---\nLeaked.\n", encoding="utf-8")
    return sample_site(tmp_path / "a" / "site", 1, HEADER + line + "\n")


def _refused(root: Path, field: str) -> str:
    """The message of the problem `load_config` reports for `field` on line 3."""
    with pytest.raises(ConfigError) as info:
        load_config(root)
    [problem] = [p for p in info.value.problems if p.field == field]
    assert problem.location.path == str(root / CONFIG_NAME)
    assert (problem.location.line, problem.location.col) == (LINE, 1)
    return problem.message


def _build(root: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["build", "--site", str(root), "--out", str(out), "-q", *args]
    )
    return result.exit_code, result.output


@pytest.mark.parametrize(("line", "field"), HOSTILE, ids=[line for line, _ in HOSTILE])
def test_hostile_setting_is_refused_at_its_line(tmp_path: Path, line: str, field: str) -> None:
    root = _site(tmp_path, line)
    message = _refused(root, field)
    assert message and "please report" not in message


@pytest.mark.parametrize(("line", "field"), HOSTILE, ids=[line for line, _ in HOSTILE])
def test_build_prints_the_line_and_writes_nothing(tmp_path: Path, line: str, field: str) -> None:
    root = _site(tmp_path, line)
    out = tmp_path / "out"
    code, output = _build(root, out)
    assert code == 1, output
    assert f"{CONFIG_NAME}:{LINE}:1: {field}: " in output
    assert "Traceback" not in output
    assert not out.exists()


def _link(path: Path, target: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path, target_is_directory=target.is_dir())


@pytest.mark.parametrize("field", ["static_dir", "content_dir", "templates_dir"])
def test_a_folder_linked_outside_is_refused(tmp_path: Path, field: str) -> None:
    root = _site(tmp_path, f"{field}: linked")
    _link(root / "linked", tmp_path / "outside_secret")
    assert "outside the site folder" in _refused(root, field)
    code, output = _build(root, tmp_path / "out")
    assert code == 1 and f"{CONFIG_NAME}:{LINE}:1: {field}: " in output
    assert not (tmp_path / "out").exists()


def test_static_linked_to_etc_is_refused(tmp_path: Path) -> None:
    root = _site(tmp_path, "static_dir: static")
    _link(root / "static", Path("/etc"))
    assert "outside the site folder" in _refused(root, "static_dir")


def test_a_default_folder_linked_outside_names_the_folder(tmp_path: Path) -> None:
    """No line in archivist.yaml sets it: the problem names the link itself."""
    root = _site(tmp_path)
    _link(root / "static", tmp_path / "outside_secret")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    [problem] = info.value.problems
    assert (problem.field, problem.location.path) == ("static_dir", str(root / "static"))
    code, output = _build(root, tmp_path / "out")
    assert code == 1 and f"{root / 'static'}:1:1: static_dir: leads outside" in output
    assert not (tmp_path / "out").exists()


def test_a_template_linked_outside_is_not_rendered(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _link(root / "templates" / "home.html", tmp_path / "outside_secret" / "id_rsa")
    code, output = _build(root, tmp_path / "out")
    assert code == 1 and "home.html" in output and "outside the templates folder" in output
    assert not (tmp_path / "out").exists()


def test_static_links_leading_outside_are_not_published(tmp_path: Path) -> None:
    """A guard: links inside the static folder that lead out are skipped."""
    root = _site(tmp_path)
    _link(root / "static" / "key.txt", tmp_path / "outside_secret" / "id_rsa")
    _link(root / "static" / "keys", tmp_path / "outside_secret")
    (root / "static" / "own.css").write_text("p {}\n", encoding="utf-8")
    code, output = _build(root, tmp_path / "out")
    assert code == 0, output
    published = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*")}
    assert "static/own.css" in published
    assert not {"static/key.txt", "static/keys", "static/keys/id_rsa"} & published
    for path in (tmp_path / "out").rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path


SANDBOX_ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}",
    "{{ ''.__class__.__mro__ }}{{ '%s' }}",
]


@pytest.mark.parametrize("template", ["home.html", "record.html"])
@pytest.mark.parametrize("payload", SANDBOX_ESCAPES)
def test_templates_are_sandboxed(tmp_path: Path, template: str, payload: str) -> None:
    root = _site(tmp_path)
    ran = tmp_path / "ran"
    (root / "templates").mkdir()
    (root / "templates" / template).write_text(payload % ran + "\n", encoding="utf-8")
    code, output = _build(root, tmp_path / "out")
    assert code == 1, output
    assert f"{root / 'templates' / template}:1: template error: " in output
    assert "unsafe" in output
    assert not ran.exists()
    assert not (tmp_path / "out").exists()


GOOD = [
    ("base_url: https://example.org/archive/", "base_url", "https://example.org/archive/"),
    ("base_url: https://example.org", "base_url", "https://example.org"),
    ("base_url: http://localhost:8000/a-b_c/~d/", "base_url", "http://localhost:8000/a-b_c/~d/"),
    ("base_url: /archive/", "base_url", "/archive/"),
    ("base_url: /", "base_url", "/"),
    ("base_url: /caf%C3%A9/", "base_url", "/caf%C3%A9/"),
    ("language: pt-BR", "language", "pt-BR"),
    ("language: zh-Hant-TW", "language", "zh-Hant-TW"),
    ("record_timeout: 0.5", "record_timeout", 0.5),
    ("record_timeout: 3600", "record_timeout", 3600.0),
    ("page_size: 10000", "page_size", 10000),
    ("search_max_shards: 1", "search_max_shards", 1),
    ("markdown_html: yes", "markdown_html", True),
    ("publisher: 'Tab\tand: quotes \"<>\"'", "publisher", 'Tab\tand: quotes "<>"'),
    ("description: |\n  Two\n  lines.", "description", "Two\nlines.\n"),
    ("static_dir: assets/public", "static_dir", "assets/public"),
    ("content_dir: ./content", "content_dir", "./content"),
    ("templates_dir: theme/templates", "templates_dir", "theme/templates"),
    ("outputs: [records_csv, citation_files]", "outputs", ("citation_files", "records_csv")),
    ("outputs: records_csv", "outputs", ("records_csv",)),
    ("outputs: []", "outputs", ()),
]


@pytest.mark.parametrize(("line", "field", "value"), GOOD, ids=[g[0] for g in GOOD])
def test_valid_settings_load(tmp_path: Path, line: str, field: str, value: object) -> None:
    root = _site(tmp_path, line)
    assert getattr(load_config(root), field) == value


def test_a_folder_linked_inside_the_site_is_fine(tmp_path: Path) -> None:
    root = _site(tmp_path, "static_dir: public")
    (root / "assets").mkdir()
    (root / "assets" / "own.css").write_text("p {}\n", encoding="utf-8")
    _link(root / "public", root / "assets")
    assert load_config(root).static_dir == "public"
    code, output = _build(root, tmp_path / "out")
    assert code == 0, output
    assert (tmp_path / "out" / "static" / "own.css").is_file()


def test_valid_base_url_and_language_build(tmp_path: Path) -> None:
    root = _site(tmp_path, "base_url: /archive/\nlanguage: pt-BR")
    code, output = _build(root, tmp_path / "out")
    assert code == 0, output
    home = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert '<html lang="pt-BR"' in home and 'href="/archive/' in home


@pytest.mark.parametrize(
    "flag", ["//evil.example/", "javascript:alert(1)", "/archive/\n", "https://x.example/a b"]
)
def test_the_base_url_flag_is_checked_like_the_setting(tmp_path: Path, flag: str) -> None:
    root = _site(tmp_path)
    code, output = _build(root, tmp_path / "out", "--base-url", flag)
    assert code != 0 and "--base-url" in output, output
    assert not (tmp_path / "out").exists()
    with pytest.raises(ConfigError) as info:
        load_config(root, base_url=flag)
    assert [p.field for p in info.value.problems] == ["base_url"]


def test_every_setting_is_declared_once_with_its_check_and_doc() -> None:
    assert set(SETTINGS) == {f.name for f in fields(Config)}
    for name, about in SETTINGS.items():
        assert callable(about.check) and about.doc.endswith("."), name
    assert SETTINGS["field_map"].key == "fields"


def test_the_sandbox_remembers_jinjas_own_verdicts() -> None:
    """`Sandbox` keeps Jinja's verdict per (type, name): asked twice, in any order,
    it answers as Jinja's sandbox does."""

    def function() -> None:
        pass

    cases = [
        (function, "__globals__"),
        (function, "__name__"),
        (function.__code__, "co_code"),
        ("", "__class__"),
        ("", "upper"),
        (str, "mro"),
        (Sandbox, "mro"),
        (Path("x"), "name"),
        (Path("x"), "_raw_paths"),
    ]
    jinja, ours = SandboxedEnvironment(), Sandbox()
    for obj, attr in [*cases, *reversed(cases)]:
        value = getattr(obj, attr, None)
        assert ours.is_safe_attribute(obj, attr, value) == jinja.is_safe_attribute(
            obj, attr, value
        ), (obj, attr)
