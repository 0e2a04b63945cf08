"""The `archivist` command line: thin click commands over the library."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from types import FrameType

import click

from archivist import __version__
from archivist.config import ConfigError, Invalid, load_config, parse_setting
from archivist.model import Problem
from archivist.pipeline import BuildFailed, BuildReport, build, load, sorted_problems
from archivist.progress import Reporter
from archivist.publish.links import check_links
from archivist.publish.write import OutputError
from archivist.scaffold import new_record

SITE_HELP = "The site folder (holding archivist.yaml and content/). Default: here."

# A build prints every error but only the first warnings; `check` prints them all.
WARNINGS_SHOWN = 20


def _escape_data(text: str) -> str:
    """GitHub workflow-command message escaping."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(p: Problem) -> str:
    """`::error file=…,line=…,col=…,title=…::message`, shown on the file in CI."""
    kind = "error" if p.is_error else "warning"
    loc = p.location
    return (
        f"::{kind} file={_escape_property(loc.path)},line={loc.line},col={loc.col},"
        f"title={_escape_property(p.field)}::{_escape_data(p.field + ': ' + p.message)}"
    )


def problem_json(p: Problem) -> dict[str, object]:
    return {
        "path": p.location.path,
        "line": p.location.line,
        "col": p.location.col,
        "field": p.field,
        "message": p.message,
        "severity": p.severity.value,
    }


def _print_problems(
    problems: Sequence[Problem], fmt: str = "text", *, max_warnings: int | None = None
) -> None:
    shown_warnings = 0
    hidden = 0
    for p in problems:
        if not p.is_error and max_warnings is not None:
            if shown_warnings >= max_warnings:
                hidden += 1
                continue
            shown_warnings += 1
        if fmt == "github":
            click.echo(github_annotation(p))
        else:
            click.echo(f"{p}" + ("" if p.is_error else " (warning)"), err=fmt == "text")
    if hidden:
        click.echo(f"… and {hidden} more warnings: run `archivist check` to see all", err=True)


def _terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so the staging folder is removed on the way out.
    raise SystemExit(128 + signum)


def checked(name: str) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """A flag's callback that checks its value as the setting `name` is checked in
    archivist.yaml, so a bad value is reported as the flag before anything is read."""

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_setting(name, value)
            except Invalid as exc:
                raise click.BadParameter(str(exc)) from None
        return value

    return callback


site_option = click.option(
    "--site",
    "site_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help=SITE_HELP,
)


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
@site_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder. Default: _site in the site folder.",
)
@click.option(
    "--base-url",
    default=None,
    callback=checked("base_url"),
    help="Where the site will live, e.g. https://example.org/archive/ (links and feeds use it).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Publish the records that are fine even when others have errors (still exits 1).",
)
@click.option("--drafts", is_flag=True, help="Include drafts and embargoed records.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes rendering pages. Default: every available core.",
)
@click.option("--clean", is_flag=True, help="Ignore the build cache: rebuild every page.")
@click.option(
    "--timings",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write per-stage wall/CPU seconds and peak memory as JSON to this file.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def build_cmd(
    site_root: Path,
    out: Path | None,
    base_url: str | None,
    strict: bool,
    keep_going: bool,
    drafts: bool,
    jobs: int | None,
    clean: bool,
    timings: Path | None,
    quiet: bool,
) -> None:
    """Read, check and publish every record into the output folder.

    The site is built beside the output folder and swapped in only when every step
    succeeded: a failed build leaves the previous site as it was. A cache beside the
    output folder makes the next build redo only what changed (--clean ignores it).
    """
    out = out if out is not None else site_root / "_site"
    signal.signal(signal.SIGTERM, _terminate)
    report: BuildReport | None = None
    failure: str | None = None
    try:
        with Reporter(quiet=quiet) as progress:
            report = build(
                site_root,
                out,
                base_url=base_url,
                strict=strict,
                keep_going=keep_going,
                drafts=drafts,
                progress=progress,
                jobs=jobs,
                clean=clean,
                background_cleanup=True,
            )
    except ConfigError as exc:
        _print_problems(exc.problems)
        sys.exit(1)
    except BuildFailed as exc:
        _print_problems(exc.problems, max_warnings=WARNINGS_SHOWN)
        report = exc.report
        failure = f"build failed: {exc}"
    except OutputError as exc:
        click.echo(f"build failed: {exc}", err=True)
        sys.exit(1)
    else:
        _print_problems(report.problems, max_warnings=WARNINGS_SHOWN)
    if report is not None:
        click.echo(report.summary())
        if timings is not None:
            timings.write_text(json.dumps(report.timings(), indent=1) + "\n", encoding="utf-8")
    if failure:
        click.echo(failure, err=True)
        sys.exit(1)
    click.echo(f"Open {out / 'index.html'} (or preview it with: archivist serve)")


@main.command("check")
@site_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="How to print problems.",
)
@click.option(
    "--links",
    is_flag=True,
    help="Check the built site instead: every internal link and #anchor must lead somewhere.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="With --links: the built site. Default: _site in the site folder.",
)
@click.option(
    "--base-url",
    default=None,
    callback=checked("base_url"),
    help="With --links: the --base-url the site was built with. Default: archivist.yaml's.",
)
def check_cmd(
    site_root: Path,
    strict: bool,
    fmt: str,
    links: bool,
    out: Path | None,
    base_url: str | None,
) -> None:
    """Read and validate every record; print every problem; write nothing.

    Each problem is one line: path:line:col: field: message. Exit status 1 when
    there is any error (or any warning with --strict).

    With --links, check the built site instead: every internal link, file and #anchor
    of every page, as page: link: message; links to other sites are not fetched.
    """
    if links:
        _check_links(site_root, out, base_url, fmt)
        return
    if out is not None or base_url is not None:
        raise click.UsageError("--out and --base-url go with --links")
    try:
        config = load_config(site_root)
        loaded = load(site_root, config, drafts=True)
        problems = sorted_problems(loaded.problems)
    except ConfigError as exc:
        problems = sorted_problems(exc.problems)
        loaded = None
    if fmt == "json":
        click.echo(json.dumps([problem_json(p) for p in problems], indent=1))
    else:
        _print_problems(problems, fmt)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if fmt != "json":
        files = f"{loaded.files} files, " if loaded else ""
        records = f"{len(loaded.records) + len(loaded.withheld)} records: " if loaded else ""
        click.echo(f"{files}{records}{errors} errors, {warnings} warnings", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


def _check_links(site_root: Path, out: Path | None, base_url: str | None, fmt: str) -> None:
    """`check --links`: print each broken link of the built site; exit 1 if any."""
    try:
        config = load_config(site_root, **({"base_url": base_url} if base_url else {}))
    except ConfigError as exc:
        _print_problems(exc.problems)
        sys.exit(1)
    out = out if out is not None else site_root / "_site"
    if not (out / "index.html").is_file():
        click.echo(f"no built site in {out}: run `archivist build` first", err=True)
        sys.exit(1)
    report = check_links(out, config.base_url)
    for broken in report.broken:
        page = (out / broken.page).as_posix()
        if fmt == "github":
            click.echo(
                f"::error file={_escape_property(page)},title=broken link::"
                f"{_escape_data(broken.link + ': ' + broken.message)}"
            )
        elif fmt == "text":
            click.echo(f"{page}: {broken.link}: {broken.message}", err=True)
    if fmt == "json":
        rows = [{**asdict(b), "page": (out / b.page).as_posix()} for b in report.broken]
        click.echo(json.dumps(rows, indent=1))
    else:
        click.echo(report.summary(), err=True)
    if report.broken:
        sys.exit(1)


@main.command("people")
@site_option
@click.option(
    "--draft",
    "draft_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the draft people file (default: content/people.draft.yaml).",
)
def people_cmd(site_root: Path, draft_path: Path | None) -> None:
    """List the people merges made and the ambiguous names left; write a draft
    people.yaml to correct.

    The draft never replaces content/people.yaml: review it and save it there.
    Exit status 1 when the records or the people file have errors.
    """
    from archivist.enrich.archive import build_archive
    from archivist.enrich.people.draft import draft_yaml, report_lines
    from archivist.enrich.people.identity import identify

    try:
        config = load_config(site_root)
        loaded = load(site_root, config, drafts=True)
    except ConfigError as exc:
        _print_problems(exc.problems)
        sys.exit(1)
    errors = [p for p in sorted_problems(loaded.problems) if p.is_error]
    _print_problems(errors)
    context = loaded.context
    records = loaded.records
    archive = build_archive(records, context.person_for, types=config.types,
                            known=context.known, offices=context.offices)  # fmt: skip
    found = identify(archive.records, context.person_for, context.known, context.offices)
    for line in report_lines(found, len(archive.people), len(archive.organizations)):
        click.echo(line)
    existing = [p.name for p in context.authority.people] if context.authority else []
    target = draft_path or site_root / config.content_dir / "people.draft.yaml"
    target.write_text(draft_yaml(found, existing), encoding="utf-8")
    click.echo(f"draft written to {target}", err=True)
    if errors:
        sys.exit(1)


@main.command("serve")
@site_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but loopback lets the network read the site and drafts.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any)."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Build into this folder (kept between runs). Default: a temporary folder.",
)
@click.option(
    "--drafts/--no-drafts",
    default=True,
    show_default=True,
    help="Show drafts and embargoed records.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Render workers.")
def serve_cmd(
    site_root: Path, host: str, port: int, out: Path | None, drafts: bool, jobs: int | None
) -> None:
    """Build, serve the site on 127.0.0.1, rebuild and reload pages on every change.

    Watches content/, templates/, static/ and archivist.yaml. A record with errors does
    not stop the server: the page shows the problem until the file is fixed. Only
    requests for localhost, 127.0.0.1, [::1] or the --host given are answered.
    """
    from archivist.serve import Server

    signal.signal(signal.SIGTERM, _terminate)
    try:
        server = Server(site_root, host=host, port=port, out=out, drafts=drafts, jobs=jobs)
    except OSError as exc:
        click.echo(f"cannot listen on {host}:{port} ({exc.strerror})", err=True)
        sys.exit(1)

    def show(state: object) -> None:
        snap = server.state.snapshot()
        errors = [p for p in snap["problems"] if p["severity"] == "error"]
        for p in errors[:20]:
            click.echo(f"{p['location']}: {p['field']}: {p['message']}", err=True)
        status = "rebuilt" if snap["ok"] else f"build problems: {snap['message']}"
        click.echo(f"{status}. {snap['summary']}".rstrip(), err=True)

    try:
        server.rebuild()
        show(server.state)
        server.start_http()
        click.echo(f"Serving {server.url} (Ctrl-C to stop)", err=False)
        sys.stdout.flush()
        server.watch(on_build=show)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@main.command("new")
@site_option
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
