"""The CI examples in docs/ run as their hosts would run them; zizmor's verdict.

For GitHub Actions (docs/github-actions.yml) the build job's steps are played in
order: `run:` steps with bash, `uses:` steps by what they give the next ones. GitLab
Pages' job script (docs/gitlab-ci.yml) and Netlify's build command (docs/netlify.toml)
run the same way. Each runs in a fresh folder holding only a site (archivist.yaml and
content/, committed to git like a checkout), with a fresh virtual environment first on
PATH and ARCHIVIST_SPEC pointed at a wheel of this checkout; the test then reads the
folder the host would publish. A renamed flag, output folder or cache path fails it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from archivist.config import Config
from sitekit import REPO, copy_example

DOCS = REPO / "docs"
WORKFLOW = DOCS / "github-actions.yml"
ZIZMOR_CONFIG = DOCS / "zizmor.yml"
# Each host's address for the site: a project site under a sub-path, or a domain.
PAGES_BASE_URL = "https://owner.github.io/archive-site"
GITLAB_PAGES_URL = "https://owner.gitlab.io/archive-site"
NETLIFY_URL = "https://archive-site.netlify.app"
# Values a GitHub runner gives the expressions the workflow uses outside `run:`.
EXPRESSIONS = {
    "steps.pages.outputs.base_url": PAGES_BASE_URL,
    "runner.os": "Linux",
    "github.sha": "0" * 40,
}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PLACEHOLDER = re.compile(r"archivist @ git\+https://github\.com/OWNER/archivist@v\d+\.\d+\.\d+")


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def build_steps() -> list[dict[str, Any]]:
    steps = load_yaml(WORKFLOW)["jobs"]["build"]["steps"]
    assert isinstance(steps, list)
    return steps


def expand(value: object) -> str:
    """A `${{ }}` value as the runner fills it in, from EXPRESSIONS."""

    def one(match: re.Match[str]) -> str:
        assert match.group(1) in EXPRESSIONS, f"the test does not know ${{{{ {match.group(1)} }}}}"
        return EXPRESSIONS[match.group(1)]

    return EXPRESSION.sub(one, str(value))


def action(step: Mapping[str, Any]) -> str:
    """`actions/checkout@v4` → `actions/checkout`."""
    return str(step["uses"]).split("@", 1)[0]


@dataclass(frozen=True)
class Toolchain:
    """A fresh virtual environment, and ARCHIVIST_SPEC naming a wheel of this checkout."""

    python: Path
    spec: str


@pytest.fixture(scope="module")
def toolchain(tmp_path_factory: pytest.TempPathFactory) -> Toolchain:
    root = tmp_path_factory.mktemp("toolchain")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = root.glob("archivist-*.whl")
    venv.create(root / "venv", with_pip=True)
    return Toolchain(root / "venv" / "bin" / "python", f"archivist @ {wheel.as_uri()}")


def checked_out_site(root: Path) -> Path:
    """A site repository as a host's checkout leaves it: a git work tree at one commit."""
    site = copy_example(root / "workspace")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    env = {**os.environ, "GIT_AUTHOR_DATE": "2024-05-01T12:00:00Z"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "Site"]):
        subprocess.run([*git, *args], cwd=site, env=env, check=True, capture_output=True)
    return site


def host_env(tools: Toolchain, given: Mapping[str, object]) -> dict[str, str]:
    """A fresh build machine's environment: the venv's python first on PATH (what
    setup-python or the image gives), the file's variables, ARCHIVIST_SPEC overridden."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env |= {k: str(v) for k, v in given.items()}
    env |= {
        "PATH": f"{tools.python.parent}{os.pathsep}{os.environ['PATH']}",
        "ARCHIVIST_SPEC": tools.spec,
        "CI": "true",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return env


def bash(script: str, cwd: Path, env: Mapping[str, str], *flags: str) -> None:
    """Run `script` as a host runs a step; fail the test with its output if it fails."""
    done = subprocess.run(
        ["bash", *flags, "-c", script], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{script.strip()}\nfailed:\n{done.stdout}{done.stderr}"


@dataclass
class Runner:
    """One GitHub job's workspace and environment, and what its `uses:` steps left."""

    workspace: Path
    env: dict[str, str]
    cache_paths: list[str] = field(default_factory=list)
    uploaded: str | None = None

    def use(self, step: Mapping[str, Any]) -> None:
        """What each action the build job uses gives the steps after it."""
        given = step.get("with") or {}
        name = action(step)
        if name == "actions/checkout":
            assert given.get("persist-credentials") is False  # workspace made by the test
        elif name == "actions/setup-python":
            assert given.get("python-version")  # the test's venv is first on PATH
        elif name == "actions/configure-pages":
            assert step.get("id") == "pages"  # its base_url is in EXPRESSIONS
        elif name == "actions/cache":
            self.cache_paths += str(given["path"]).split()
            expand(given["key"])
        elif name == "actions/upload-pages-artifact":
            self.uploaded = str(given["path"])
        else:
            raise AssertionError(f"the test does not know the action {name}")

    def run(self, step: Mapping[str, Any]) -> None:
        """A `run:` step as the runner runs it: bash -e (-eo pipefail for `shell: bash`)."""
        assert "${{" not in step["run"], "expressions go through env:, not into run:"
        shell = step.get("shell")
        assert shell in (None, "bash"), shell
        flags = ["--noprofile", "--norc", "-eo", "pipefail"] if shell == "bash" else ["-e"]
        env = {**self.env, **{k: expand(v) for k, v in (step.get("env") or {}).items()}}
        bash(step["run"], self.workspace / step.get("working-directory", "."), env, *flags)


def check_published(site: Path, out: Path, base_url: str) -> None:
    """Every record's page, the search bundle, and links under the host's base path."""
    assert (out / "index.html").is_file(), f"the host publishes {out}, which holds no site"
    for source in (site / "content").iterdir():
        if source.suffix in (".md", ".txt"):
            assert (out / "records" / source.stem / "index.html").is_file(), source.name
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    assert list((out / "pagefind").glob("wasm.*.pagefind"))
    base_path = Config(base_url=base_url).base_path
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{base_path}records/' in home
    page = (out / "records" / "example-telegram-1949" / "index.html").read_text(encoding="utf-8")
    assert f'rel="canonical" href="{base_url}/records/example-telegram-1949/"' in page
    assert not (out / ".git").exists()


def test_github_workflow_is_checked_like_code() -> None:
    """What a run cannot show: the install line is one pinned spec, taken from
    ARCHIVIST_SPEC; no job holds more than it asks for; nothing expands into a shell."""
    data = load_yaml(WORKFLOW)
    assert PLACEHOLDER.fullmatch(data["env"]["ARCHIVIST_SPEC"])
    assert data["permissions"] == {}
    for job in data["jobs"].values():
        assert "permissions" in job
    runs = [str(s["run"]) for j in data["jobs"].values() for s in j["steps"] if "run" in s]
    assert any('pip install "$ARCHIVIST_SPEC"' in r for r in runs)
    assert not any("${{" in r for r in runs)


def test_install_step_refuses_the_placeholder(tmp_path: Path) -> None:
    (install,) = [s for s in build_steps() if "$ARCHIVIST_SPEC" in s.get("run", "")]
    env = {**os.environ, "ARCHIVIST_SPEC": load_yaml(WORKFLOW)["env"]["ARCHIVIST_SPEC"]}
    done = subprocess.run(
        ["bash", "-e", "-c", install["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stdout.startswith("::error::Set ARCHIVIST_SPEC")


def _play_github_build(toolchain: Toolchain, workspace: Path) -> Runner:
    """The build job's steps played in order in `workspace`, as a runner would."""
    variables = {k: expand(v) for k, v in load_yaml(WORKFLOW)["env"].items()}
    runner = Runner(workspace, host_env(toolchain, variables | {"GITHUB_ACTIONS": "true"}))
    for step in build_steps():
        if "uses" in step:
            runner.use(step)
        else:
            runner.run(step)
    return runner


@pytest.mark.slow
def test_github_workflow_steps_build_the_site_it_publishes(
    toolchain: Toolchain, tmp_path: Path
) -> None:
    workspace = checked_out_site(tmp_path)
    runner = _play_github_build(toolchain, workspace)
    assert runner.uploaded is not None, "no upload-pages-artifact step"
    check_published(workspace, workspace / runner.uploaded, PAGES_BASE_URL)
    for path in runner.cache_paths:
        assert (workspace / path).is_dir(), (
            f"the cache step keeps {path}, which the build left empty"
        )


@pytest.mark.slow
def test_github_workflow_cache_makes_the_next_push_rebuild_only_its_edit(
    toolchain: Toolchain, tmp_path: Path
) -> None:
    """A push on a fresh runner: a new checkout with one record edited and only the
    cache step's paths restored (copied as actions/cache restores them, times kept).
    Pages that do not show the edit come from the cache (their files keep the first
    run's times); the edited record's page is made again."""
    first = _play_github_build(toolchain, checked_out_site(tmp_path / "run1"))
    assert first.uploaded is not None and first.cache_paths
    workspace = checked_out_site(tmp_path / "run2")
    edited = workspace / "content" / "example-letter-1977.md"
    edited.write_text(edited.read_text("utf-8") + "\nA sentence added by a push.\n", "utf-8")
    for path in first.cache_paths:
        shutil.copytree(first.workspace / path, workspace / path, symlinks=True)
    second = _play_github_build(toolchain, workspace)
    assert second.uploaded is not None
    site, before = workspace / second.uploaded, first.workspace / first.uploaded

    def mtime(root: Path, rel: str) -> int:
        return (root / rel).stat().st_mtime_ns

    # In an archive of five every record page shows the edited one (as a neighbour or
    # related record); the lists and people pages do not show a body.
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    kept = [rel for rel in pages if not rel.startswith("records/")]
    assert any(mtime(site, rel) == mtime(before, rel) for rel in kept)
    made = f"records/{edited.stem}/index.html"
    assert "A sentence added by a push." in (site / made).read_text("utf-8")
    assert mtime(site, made) > mtime(before, made)


@pytest.mark.slow
def test_gitlab_pages_job_builds_the_site_it_publishes(
    toolchain: Toolchain, tmp_path: Path
) -> None:
    config = load_yaml(DOCS / "gitlab-ci.yml")
    assert PLACEHOLDER.fullmatch(config["variables"]["ARCHIVIST_SPEC"])
    job = config[config["pages"]["extends"]] | config["pages"]
    workspace = checked_out_site(tmp_path)
    env = host_env(toolchain, config["variables"] | {"CI_PAGES_URL": GITLAB_PAGES_URL})
    # GitLab's shell runs the job's lines as one script that stops at the first failure.
    bash("\n".join(job["script"]), workspace, env, "-eo", "pipefail")
    (published,) = job["artifacts"]["paths"]
    assert published == "public", "GitLab Pages publishes the folder `public`"
    check_published(workspace, workspace / published, GITLAB_PAGES_URL)
    for path in job["cache"]["paths"]:
        assert (workspace / path).is_dir(), f"the cache keeps {path}, which the build left empty"


@pytest.mark.slow
def test_netlify_build_command_builds_the_site_it_publishes(
    toolchain: Toolchain, tmp_path: Path
) -> None:
    config = tomllib.loads((DOCS / "netlify.toml").read_text(encoding="utf-8"))
    assert PLACEHOLDER.fullmatch(config["build"]["environment"]["ARCHIVIST_SPEC"])
    workspace = checked_out_site(tmp_path)
    env = host_env(toolchain, config["build"]["environment"] | {"URL": NETLIFY_URL})
    # No -e: the command itself must stop at the first failing step.
    bash(config["build"]["command"], workspace, env)
    check_published(workspace, workspace / config["build"]["publish"], NETLIFY_URL)


def test_header_examples_state_the_pages_own_policy() -> None:
    """Every policy header in the examples is the one each page states in its <meta>
    tag, and more; the search bundle's hashed chunks are cached for good."""
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', base)
    assert meta is not None
    config = tomllib.loads((DOCS / "netlify.toml").read_text(encoding="utf-8"))
    headers = {h["for"]: h["values"] for h in config["headers"]}
    cloudflare = re.findall(r"Content-Security-Policy: (.+)", (DOCS / "hosting.md").read_text())
    assert cloudflare
    for policy in [headers["/*"]["Content-Security-Policy"], *cloudflare]:
        assert policy.startswith(meta.group(1) + ";")
    for suffix in ("pf_fragment", "pf_index", "pf_filter", "pf_meta"):
        assert "immutable" in headers[f"/*.{suffix}"]["Cache-Control"]


def zizmor() -> str | None:
    beside = Path(sys.executable).parent / "zizmor"
    return str(beside) if beside.is_file() else shutil.which("zizmor")


def test_zizmor_finds_nothing_of_medium_or_high_severity() -> None:
    tool = zizmor()
    if tool is None:
        pytest.skip("zizmor is not installed (pip install -e '.[test]' installs it)")
    done = subprocess.run(
        [tool, "--offline", "--format", "json", "--config", str(ZIZMOR_CONFIG), str(WORKFLOW)],
        capture_output=True,
        text=True,
    )
    findings = json.loads(done.stdout)
    serious = [
        f"{f['ident']}: {f['desc']} ({f['determinations']['severity']})"
        for f in findings
        if f["determinations"]["severity"] in ("Medium", "High")
    ]
    assert serious == []
