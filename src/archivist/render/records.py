"""Record files rendered into the staging folder, in forked worker processes: each
worker writes its records' files itself and sends back only their stamps."""

from __future__ import annotations

import logging
import multiprocessing
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from archivist.incremental.cache import FileStamp
from archivist.model import Problem, Record
from archivist.publish.write import OutputError, Staging, os_error, safe_relpath, write_file
from archivist.render import gzip_members
from archivist.render.outputs import record_line, record_outputs
from archivist.render.pages import SiteRenderer
from archivist.report import Progress
from archivist.workers import RecordTimeout, fork_map, time_limit, timeout_problem

log = logging.getLogger("archivist")


@dataclass(frozen=True, slots=True)
class Rendered:
    index: int
    files: tuple[FileStamp, ...] = ()
    problem: Problem | None = None
    template_error: str | None = None
    fatal: str | None = None
    # The record's gzip member of records.jsonl.gz, compressed here, in parallel.
    member: bytes = b""


# Folders this process has made in staging (each worker its own copy).
_MADE: set[Path] = set()


# Set in the parent just before forking render workers; they inherit it.
_WORK: tuple[SiteRenderer, Path, tuple[Record, ...], float] | None = None


def _render_record(i: int) -> Rendered:
    """Render record `i` of the work list into the staging folder, under the budget."""
    assert _WORK is not None
    renderer, root, records, timeout = _WORK
    record = records[i]
    try:
        with time_limit(timeout):
            line = record_line(renderer, record)
            outputs = list(record_outputs(renderer, record, line))
            member = gzip_members.member(line)
    except RecordTimeout:
        return Rendered(i, problem=timeout_problem(record.path, "render", renderer.config))
    except jinja2.TemplateError as exc:
        return Rendered(i, template_error=template_message(exc))
    except RecursionError:
        return Rendered(i, problem=Problem(record.where("body"), "body", "nested too deeply"))
    except Exception as exc:  # a renderer bug must not lose the record silently
        log.debug("render crashed on %s", record.path, exc_info=True)
        return Rendered(
            i,
            problem=Problem(
                record.where("body"),
                "body",
                f"archivist could not render this record ({type(exc).__name__}: {exc}); "
                "please report it",
            ),
        )
    stamps = []
    try:
        for rel, content in outputs:
            try:
                safe = safe_relpath(rel)
            except OutputError as exc:  # the record's id makes an unusable path
                return Rendered(i, problem=Problem(record.where("id"), "id", str(exc)))
            target = root.joinpath(*safe.parts)
            if target.parent not in _MADE:  # a record's files share one folder
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise os_error(exc, target.parent) from exc
                _MADE.add(target.parent)
            stamps.append(FileStamp.of(str(safe), target, write_file(target, content)))
    except OutputError as exc:  # the disk, not the record: stop the build
        return Rendered(i, fatal=str(exc))
    except (UnicodeError, ValueError) as exc:
        return Rendered(
            i, problem=Problem(record.where("body"), "body", f"cannot be written ({exc})")
        )
    return Rendered(i, tuple(stamps), member=member)


def _render_chunk(indices: Sequence[int]) -> list[Rendered]:
    return [_render_record(i) for i in indices]


# What Jinja names the frames of template code in the tracebacks it rewrites.
_TEMPLATE_FRAMES = ("template", "top-level template code")


def _template_line(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in an error's traceback: Jinja rewrites a
    rendering error's traceback so template code shows as frames of its file."""
    where: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.name in _TEMPLATE_FRAMES or frame.name.startswith("block '"):
            where = (frame.filename, frame.lineno)
    return where


def template_message(exc: jinja2.TemplateError) -> str:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if name is None:  # raised while rendering, not while compiling
        name, line = _template_line(exc)
    where = f"{name}:{line}: " if name and line else f"{name}: " if name else ""
    return f"{where}template error: {str(exc.message or exc).rstrip('.')}"


def render_records(
    renderer: SiteRenderer,
    staging: Staging,
    todo: list[Record],
    *,
    jobs: int,
    progress: Progress | None,
    done_before: int,
    total: int,
) -> Iterator[Rendered]:
    """Render records into staging, in parallel worker processes when jobs > 1.

    Workers write their files themselves (pages stream to disk, never through the
    parent); the parent only gets file stamps back, so memory stays bounded.
    """
    global _WORK
    _WORK = (renderer, staging.root, tuple(todo), renderer.config.record_timeout)
    _MADE.clear()
    try:
        if jobs <= 1 or len(todo) < 32 or "fork" not in multiprocessing.get_all_start_methods():
            for i in range(len(todo)):
                yield _render_record(i)
                if progress and (i % 100 == 0 or i + 1 == len(todo)):
                    progress("render", done_before + i + 1, total)
            return
        yield from fork_map(
            _render_chunk, len(todo), jobs, progress, "render", "rendering", done_before, total
        )
    finally:
        _WORK = None
