"""docs/github-actions.yml as a runner would run it, and zizmor's verdict on it.

The steps test takes the build job's steps in order and plays each: `run:` steps with
bash in a fresh folder that holds only a site (archivist.yaml + content/, committed to
git like a checkout), with a fresh virtual environment first on PATH (what
setup-python gives) and the install step pointed at a wheel of this checkout through
ARCHIVIST_SPEC; `uses:` steps by what they give the next steps. It then reads the
folder the upload step publishes. A renamed flag, output folder or cache path fails it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitekit import REPO, copy_example

WORKFLOW = REPO / "docs" / "github-actions.yml"
ZIZMOR_CONFIG = REPO / "docs" / "zizmor.yml"
# What configure-pages answers for a project site: the site lives under a sub-path.
PAGES_BASE_URL = "https://owner.github.io/archive-site"
# Values a runner would give the expressions the workflow uses outside `run:`.
EXPRESSIONS = {
    "steps.pages.outputs.base_url": PAGES_BASE_URL,
    "runner.os": "Linux",
    "github.sha": "0" * 40,
}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def build_steps() -> list[dict[str, Any]]:
    steps = workflow()["jobs"]["build"]["steps"]
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


@dataclass
class Runner:
    """One job's workspace and environment, and what its `uses:` steps left behind."""

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

    def run(self, step: Mapping[str, Any]) -> subprocess.CompletedProcess[str]:
        """A `run:` step as the runner runs it: bash, -e (and pipefail for `shell: bash`)."""
        assert "${{" not in step["run"], "expressions go through env:, not into run:"
        shell = step.get("shell")
        assert shell in (None, "bash"), shell
        flags = ["--noprofile", "--norc", "-eo", "pipefail"] if shell == "bash" else ["-e"]
        script = self.workspace.parent / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = {**self.env, **{k: expand(v) for k, v in (step.get("env") or {}).items()}}
        cwd = self.workspace / step.get("working-directory", ".")
        return subprocess.run(
            ["bash", *flags, str(script)], cwd=cwd, env=env, capture_output=True, text=True
        )


def wheel_of_this_checkout(into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(into), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = into.glob("archivist-*.whl")
    return wheel


def checkout(site: Path) -> None:
    """The site as actions/checkout leaves it: a git work tree at one commit."""
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    env = {**os.environ, "GIT_AUTHOR_DATE": "2024-05-01T12:00:00Z"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "Site"]):
        subprocess.run([*git, *args], cwd=site, env=env, check=True, capture_output=True)


def runner_env(python: Path, workspace: Path, spec: str) -> dict[str, str]:
    """The environment of a fresh runner after setup-python: its python first on PATH,
    the workflow's `env:` with ARCHIVIST_SPEC pointed at this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env |= {k: expand(v) for k, v in (workflow().get("env") or {}).items()}
    env |= {
        "PATH": f"{python.parent}{os.pathsep}{os.environ['PATH']}",
        "ARCHIVIST_SPEC": spec,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return env


def test_workflow_is_checked_like_code() -> None:
    """What a runner cannot show: the install line is one pinned spec, taken from
    ARCHIVIST_SPEC; no job holds more than it asks for; nothing expands into a shell."""
    data = workflow()
    spec = data["env"]["ARCHIVIST_SPEC"]
    assert re.fullmatch(
        r"archivist @ git\+https://github\.com/OWNER/archivist@v\d+\.\d+\.\d+", spec
    )
    assert data["permissions"] == {}
    for job in data["jobs"].values():
        assert "permissions" in job
    runs = [s["run"] for s in build_steps() if "run" in s]
    assert any('pip install "$ARCHIVIST_SPEC"' in r for r in runs)
    assert not any("${{" in r for job in data["jobs"].values() for r in _runs(job))


def _runs(job: Mapping[str, Any]) -> list[str]:
    return [str(s["run"]) for s in job.get("steps", []) if "run" in s]


def test_install_step_refuses_the_placeholder(tmp_path: Path) -> None:
    (install,) = [s for s in build_steps() if "$ARCHIVIST_SPEC" in s.get("run", "")]
    env = {**os.environ, "ARCHIVIST_SPEC": workflow()["env"]["ARCHIVIST_SPEC"]}
    done = subprocess.run(
        ["bash", "-e", "-c", install["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stdout.startswith("::error::Set ARCHIVIST_SPEC")


@pytest.mark.slow
def test_workflow_steps_build_the_site_it_publishes(tmp_path: Path) -> None:
    wheel = wheel_of_this_checkout(tmp_path / "wheels")
    venv.create(tmp_path / "venv", with_pip=True)
    workspace = copy_example(tmp_path / "workspace")
    checkout(workspace)
    runner = Runner(
        workspace,
        runner_env(
            tmp_path / "venv" / "bin" / "python", workspace, f"archivist @ {wheel.as_uri()}"
        ),
    )
    for number, step in enumerate(build_steps(), 1):
        if "uses" in step:
            runner.use(step)
            continue
        done = runner.run(step)
        name = step.get("name", step["run"])
        assert done.returncode == 0, f"step {number} ({name}) failed:\n{done.stdout}{done.stderr}"
    assert runner.uploaded is not None, "no upload-pages-artifact step"
    published = workspace / runner.uploaded
    check_published(workspace, published)
    for path in runner.cache_paths:
        assert (workspace / path).is_dir(), (
            f"the cache step keeps {path}, which the build left empty"
        )


def check_published(site: Path, out: Path) -> None:
    """Every record's page, the search bundle, and links under the Pages base path."""
    assert (out / "index.html").is_file(), f"the upload step publishes {out}, which holds no site"
    for source in (site / "content").iterdir():
        if source.suffix in (".md", ".txt"):
            assert (out / "records" / source.stem / "index.html").is_file(), source.name
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    assert list((out / "pagefind").glob("wasm.*.pagefind"))
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="/archive-site/records/' in home
    assert 'href="/records/' not in home
    page = (out / "records" / "example-telegram-1949" / "index.html").read_text(encoding="utf-8")
    assert f'rel="canonical" href="{PAGES_BASE_URL}/records/example-telegram-1949/"' in page
    assert not (out / ".git").exists()


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
