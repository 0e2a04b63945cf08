"""The editor's commands as a user runs them: new → check, check formats, build options."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist.cli import github_annotation, main
from archivist.model import ArchiveDate, Location, Problem, Record, Severity
from archivist.pipeline import advise, build
from invariants import assert_invariants, run_cli, sample_record, sample_site, tree

FILLED = {
    "date": 'date: "June 30, 1955"',
    "participants": None,
    "source": 'source: "Archive of Foreign Policy, fond 0100, file 12"',
    "rights": 'rights: "Public domain."',
    "summary": 'summary: "A short summary."',
}


def _fill(text: str) -> str:
    """Replace every FILL IN placeholder the way an editor would."""
    out = []
    for line in text.split("\n"):
        key = line.split(":", 1)[0].strip()
        if "FILL IN" in line and key in FILLED and FILLED[key]:
            out.append(FILLED[key])
        elif "FILL IN" in line and line.strip().startswith("- name:"):
            out.append(line.split("-")[0] + '- name: "Anna Keller"')
        elif line.startswith("FILL IN"):
            out.append("Anna Keller: The text of the telegram.")
        else:
            out.append(line)
    return "\n".join(out)


def test_new_then_check_round_trip(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    runner = CliRunner()
    made = runner.invoke(main, ["new", "--site", str(site), "--type", "telegram", "--title", "A"])
    assert made.exit_code == 0, made.output
    path = Path(made.output.strip())
    assert path.is_file() and path.parent == site / "content"

    failing = runner.invoke(main, ["check", "--site", str(site), "--format", "json"])
    assert failing.exit_code == 1
    problems = json.loads(failing.stdout)
    named = {p["field"] for p in problems if "FILL IN" in p["message"]}
    assert named == {"date", "participants", "source", "rights", "summary", "body"}
    assert all(p["path"] == f"content/{path.name}" and p["line"] >= 1 for p in problems)

    path.write_text(_fill(path.read_text("utf-8")), encoding="utf-8")
    passing = runner.invoke(main, ["check", "--site", str(site), "--strict"])
    assert passing.exit_code == 0, passing.output


def test_new_ids_never_collide(tmp_path: Path) -> None:
    site = tmp_path / "site"
    runner = CliRunner()
    paths = {
        runner.invoke(main, ["new", "--site", str(site), "--title", "Same title"]).output.strip()
        for _ in range(20)
    }
    assert len(paths) == 20


def test_check_reports_every_problem_in_one_run(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 3)
    (site / "content" / "bad-yaml.md").write_text("---\ntitle: [x\n---\n", "utf-8")
    (site / "content" / "no-title.md").write_text("---\ndate: 1950\n---\nText\n", "utf-8")
    (site / "content" / "no-rights.md").write_text("---\ntitle: T\nsource: S\n---\nText\n", "utf-8")
    result = CliRunner().invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(re.match(r"content/bad-yaml\.md:\d+:\d+: yaml: ", line) for line in lines)
    assert any(line.startswith("content/no-title.md:") and ": title:" in line for line in lines)
    assert any(
        line.startswith("content/no-rights.md:") and "rights" in line and "(warning)" in line
        for line in lines
    )
    assert "errors" in lines[-1] and "warnings" in lines[-1]


@pytest.mark.parametrize(
    ("strict", "code"),
    [(False, 0), (True, 1)],
)
def test_check_strict_turns_warnings_into_failure(tmp_path: Path, strict: bool, code: int) -> None:
    site = sample_site(tmp_path / "site", 1)
    (site / "content" / "no-source.md").write_text("---\ntitle: T\nrights: R\n---\nT\n", "utf-8")
    args = ["check", "--site", str(site)] + (["--strict"] if strict else [])
    assert CliRunner().invoke(main, args).exit_code == code


def test_check_github_annotations(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 1)
    (site / "content" / "bad.md").write_text("---\ntitle: T\ndate: 1950\nrights: R\n---\n", "utf-8")
    (site / "content" / "worse.md").write_text("---\ntitle: [\n---\n", "utf-8")
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--format", "github"])
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert any(a.startswith("::warning file=content/bad.md,line=") for a in annotations)
    assert any(a.startswith("::error file=content/worse.md,line=2,") for a in annotations)
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("plain", "::error file=a.md,line=3,col=4,title=title::title: plain"),
        ("50% done", "::error file=a.md,line=3,col=4,title=title::title: 50%25 done"),
        ("two\nlines", "::error file=a.md,line=3,col=4,title=title::title: two%0Alines"),
    ],
)
def test_github_annotation_escaping(message: str, expected: str) -> None:
    assert github_annotation(Problem(Location("a.md", 3, 4), "title", message)) == expected


def test_github_annotation_escapes_properties() -> None:
    p = Problem(Location("a,b:c.md", 1, 1), "f", "m", Severity.WARNING)
    assert github_annotation(p).startswith("::warning file=a%2Cb%3Ac.md,")


def _record(**fields: object) -> Record:
    return Record(id="r", title="T", path="content/r.md", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("record", "fields"),
    [
        (_record(source="S", rights="R"), []),
        (_record(rights="R"), ["source"]),
        (_record(source="S"), ["rights"]),
        (_record(), ["rights", "source"]),
        (_record(source="S", rights="R", date=ArchiveDate("the ides of March")), ["date"]),
        (
            _record(
                source="S",
                rights="R",
                date=ArchiveDate("1955", "1955", dt.date(1955, 1, 1), dt.date(1955, 12, 31)),
            ),
            [],
        ),
    ],
)
def test_advice_rules(record: Record, fields: list[str]) -> None:
    problems = advise(record)
    assert sorted(p.field for p in problems) == fields
    assert all(p.severity is Severity.WARNING for p in problems)


def test_drafts_and_embargoes_are_left_out_unless_asked(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 3)
    content = site / "content"
    (content / "draft.md").write_text(
        sample_record(50, title="A draft record").replace("---\n", "---\nstatus: draft\n", 1),
        "utf-8",
    )
    (content / "embargoed.md").write_text(
        sample_record(51, title="An embargoed record").replace(
            "---\n", "---\nembargo: 2999-01-01\n", 1
        ),
        "utf-8",
    )
    (content / "past-embargo.md").write_text(
        sample_record(52, title="A released record").replace(
            "---\n", "---\nembargo: 2000-01-01\n", 1
        ),
        "utf-8",
    )
    out = tmp_path / "_site"
    report = build(site, out, jobs=1)
    assert report.withheld == 2 and report.published == 4
    assert_invariants(report, out)
    everything = "\n".join(p.read_text("utf-8", "replace") for p in out.rglob("*") if p.is_file())
    assert "A draft record" not in everything and "An embargoed record" not in everything
    assert "A released record" in everything
    with_drafts = build(site, out, jobs=1, drafts=True)
    assert with_drafts.published == 6 and with_drafts.withheld == 0
    assert (out / "records" / "draft" / "index.html").is_file()
    assert_invariants(with_drafts, out)


def test_build_summary_timings_and_plain_progress(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 5)
    out = tmp_path / "_site"
    timings = tmp_path / "timings.json"
    result = run_cli(
        "build", "--site", str(site), "--out", str(out), "--timings", str(timings), "--jobs", "1"
    )
    assert result.returncode == 0, result.stderr
    summary = [line for line in result.stdout.splitlines() if "records read" in line]
    assert len(summary) == 1
    assert re.match(
        r"5 records read, 5 published, 0 withheld, 0 warnings, 0 errors; \d+ pages written, "
        r"5 search entries, [\d.]+ s",
        summary[0],
    )
    # Not a terminal: plain progress lines, no control codes.
    assert re.search(r"^render: \d+/5", result.stderr, re.M)
    assert "\x1b[" not in result.stderr
    data = json.loads(timings.read_text("utf-8"))
    for stage in ("read", "render", "write", "index"):
        entry = data["stages"][stage]
        assert entry["wall"] >= 0 and entry["cpu"] >= 0 and entry["peak_rss"] > 0
    assert data["pages"] > 5 and data["bytes"] == sum(len(b) for b in tree(out).values())


def test_build_failure_exits_1_and_keeps_going_when_asked(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "site", 3)
    (site / "content" / "broken.md").write_text("---\ntitle: [\n---\n", "utf-8")
    out = tmp_path / "_site"
    failed = run_cli("build", "-q", "--site", str(site), "--out", str(out))
    assert failed.returncode == 1
    assert "content/broken.md:2:" in failed.stderr and "nothing was published" in failed.stderr
    assert not out.exists()
    kept = run_cli("build", "-q", "--site", str(site), "--out", str(out), "--keep-going")
    assert kept.returncode == 1
    assert "3 records read" not in kept.stdout and "4 records read, 3 published" in kept.stdout
    assert len(list((out / "records").iterdir())) == 3


def test_an_out_folder_named_through_dot_dot_builds_and_rebuilds(tmp_path: Path) -> None:
    """`--out ../site` from inside the archive: the staging folder's path is not
    resolved while the index's is; building (and rebuilding after an edit) must work."""
    site = sample_site(tmp_path / "site", 4)
    for step in ("clean", "edit"):
        if step == "edit":
            first = sorted((site / "content").glob("*.md"))[0]
            first.write_text(first.read_text("utf-8") + "\nAn added sentence.\n", "utf-8")
        result = run_cli("build", "--out", "../published", "--jobs", "1", cwd=site)
        assert result.returncode == 0, (step, result.stderr)
        assert len(list((tmp_path / "published" / "records").glob("*/index.html"))) == 4
    assert "An added sentence" in "".join(
        p.read_text("utf-8") for p in (tmp_path / "published" / "records").glob("*/index.html")
    )
