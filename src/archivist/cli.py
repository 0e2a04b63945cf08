"""The `archivist` command line: thin click commands over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archivist import __version__
from archivist.config import ConfigError, load_config
from archivist.model import Problem
from archivist.pipeline import BuildFailed, build, load
from archivist.scaffold import new_record
from archivist.write import OutputError

SITE_HELP = "The site folder (holding archivist.yaml and content/). Default: here."


def _print_problems(problems: list[Problem], fmt: str = "text") -> None:
    for p in problems:
        if fmt == "github":
            kind = "error" if p.is_error else "warning"
            msg = f"{p.field}: {p.message}".replace("%", "%25").replace("\n", "%0A")
            click.echo(
                f"::{kind} file={p.location.path},line={p.location.line},col={p.location.col}::{msg}"
            )
        else:
            click.echo(f"{p}" + ("" if p.is_error else " (warning)"), err=fmt == "text")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archivist")
def main() -> None:
    """archivist turns a folder of archival records into a static, searchable website.

    \b
    Typical use, in a site folder (archivist.yaml + content/):
      archivist new --title "Telegram, A to B"   scaffold a record to fill in
      archivist check                            find every problem, write nothing
      archivist build                            publish the site into _site/
    """


@main.command("build")
@click.option(
    "--site",
    "site_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help=SITE_HELP,
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder. Default: _site in the site folder.",
)
@click.option(
    "--base-url",
    default=None,
    help="Where the site will live, e.g. https://example.org/archive/ (links and feeds use it).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Publish the records that are fine even when others have errors (still exits 1).",
)
@click.option("--drafts", is_flag=True, help="Include drafts and embargoed records.")
def build_cmd(
    site_root: Path,
    out: Path | None,
    base_url: str | None,
    strict: bool,
    keep_going: bool,
    drafts: bool,
) -> None:
    """Read, check and publish every record into the output folder.

    The site is built beside the output folder and swapped in only when every step
    succeeded: a failed build leaves the previous site as it was.
    """
    out = out if out is not None else site_root / "_site"
    try:
        report = build(
            site_root, out, base_url=base_url, strict=strict, keep_going=keep_going, drafts=drafts
        )
    except ConfigError as exc:
        _print_problems(exc.problems)
        sys.exit(1)
    except BuildFailed as exc:
        cause = exc.__cause__
        problems = getattr(exc, "problems", None)
        if problems:
            _print_problems(problems)
        click.echo(f"build failed: {exc}", err=True)
        del cause
        sys.exit(1)
    except OutputError as exc:
        click.echo(f"build failed: {exc}", err=True)
        sys.exit(1)
    _print_problems(report.problems)
    click.echo(report.summary())
    click.echo(f"Open {out / 'index.html'} (or serve the folder: python -m http.server -d {out})")


@main.command("check")
@click.option(
    "--site",
    "site_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help=SITE_HELP,
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="How to print problems.",
)
def check_cmd(site_root: Path, strict: bool, fmt: str) -> None:
    """Read and validate every record; print every problem; write nothing.

    Each problem is one line: path:line:col: field: message. Exit status 1 when
    there is any error (or any warning with --strict).
    """
    try:
        config = load_config(site_root)
    except ConfigError as exc:
        _print_problems(exc.problems, fmt)
        sys.exit(1)
    loaded = load(site_root, config, drafts=True)
    problems = sorted(
        loaded.problems, key=lambda p: (p.location.path, p.location.line, p.location.col, p.field)
    )
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "path": p.location.path,
                        "line": p.location.line,
                        "col": p.location.col,
                        "field": p.field,
                        "message": p.message,
                        "severity": p.severity.value,
                    }
                    for p in problems
                ],
                indent=1,
            )
        )
    else:
        _print_problems(problems, fmt)
    errors = len(loaded.errors)
    warnings = len(loaded.warnings)
    if fmt == "text":
        click.echo(
            f"{loaded.files} files, {len(loaded.records) + len(loaded.withheld)} records: "
            f"{errors} errors, {warnings} warnings",
            err=True,
        )
    if errors or (strict and warnings):
        sys.exit(1)


@main.command("new")
@click.option(
    "--site",
    "site_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help=SITE_HELP,
)
@click.option(
    "--type", "type_", default=None, help="Record type, e.g. telegram, memorandum, letter, minutes."
)
@click.option("--title", default=None, help="The record's title as written.")
def new_cmd(site_root: Path, type_: str | None, title: str | None) -> None:
    """Create a new draft record file with the fields to fill in; print its path.

    Every field to fill holds "FILL IN: …"; `archivist check` names each one until
    it is filled. Remove `status: draft` to publish the record.
    """
    try:
        config = load_config(site_root)
    except ConfigError as exc:
        _print_problems(exc.problems)
        sys.exit(1)
    path = new_record(site_root / config.content_dir, title=title, type_=type_)
    click.echo(str(path))
