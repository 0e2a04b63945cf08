"""The equivalent Hugo site, the baseline archivist is measured against (issue 7).

`convert(content_dir, site_dir)` turns a folder of record files (Markdown + YAML front
matter in archivist's field names, or foreign names through a field map) into a Hugo
site: one page per record under /records/<id>/, taxonomies for people, years and
document types (paginated term pages, 50 per page, like archivist's browse pages) and a
minimal theme whose record page shows a metadata block and the body inside
`data-pagefind-body`, with the same kind of Pagefind filters archivist emits.
`build_hugo` and `index_pagefind` then time Hugo's clean build and Pagefind's indexing.

Converting is not timed: it stands for the editor's content as Hugo wants it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from measure import Timing, remove_tree, run_command

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from archivist.read.dates import parse_date  # noqa: E402
from archivist.read.yamlstrict import YamlValue, load_mapping  # noqa: E402

HUGO_CONFIG = """\
baseURL = "/"
languageCode = "en"
title = {title}
disableKinds = ["RSS"]
paginate = 50
enableRobotsTXT = true

[taxonomies]
person = "people"
year = "years"
doctype = "doctypes"

[markup.goldmark.renderer]
unsafe = false
"""

# The theme. Comparable to archivist's: record page (metadata + body + prev/next),
# browse pages for people, years and types, a home page. No JavaScript.
LAYOUTS: dict[str, str] = {
    "_default/baseof.html": """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><a href="/">{{ site.Title }}</a>
<nav><a href="/people/">People</a> <a href="/years/">Years</a> <a href="/doctypes/">Types</a> <a href="/search/">Search</a></nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<dl class="meta">
{{ with .Params.date_text }}<dt>Date</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.participants }}<dt>Participants</dt><dd><ul>{{ range . }}<li>{{ .name }}{{ with .role }} ({{ . }}){{ end }}</li>{{ end }}</ul></dd>{{ end }}
{{ with .Params.doctype }}<dt>Type</dt><dd data-pagefind-filter="type">{{ . }}</dd>{{ end }}
{{ with .Params.record_language }}<dt>Language</dt><dd>{{ range . }}<span data-pagefind-filter="language">{{ . }}</span> {{ end }}</dd>{{ end }}
{{ with .Params.place }}<dt>Place</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.classification }}<dt>Classification</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.archive }}<dt>Archive</dt><dd data-pagefind-filter="archive">{{ . }}</dd>{{ end }}
{{ with .Params.source }}<dt>Source</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.rights }}<dt>Rights</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.subjects }}<dt>Subjects</dt><dd><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul></dd>{{ end }}
</dl>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
<div class="people">{{ range .GetTerms "people" }}<a href="{{ .RelPermalink }}" data-pagefind-filter="person">{{ .LinkTitle }}</a> {{ end }}</div>
{{ range .GetTerms "years" }}<span data-pagefind-filter="year" data-pagefind-sort="date">{{ .LinkTitle }}</span>{{ end }}
<div class="body">{{ .Content }}</div>
</article>
<nav class="prevnext">{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pag := .Paginate .Pages.ByDate }}
<ol>{{ range $pag.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.date_text }}</li>{{ end }}</ol>
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "_default/terms.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<p>{{ len (where site.RegularPages "Section" "records") }} records.</p>
<ul>{{ range first 20 (where site.RegularPages "Section" "records").ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
}
STYLE = "body{font-family:serif;max-width:45rem;margin:auto}dl.meta dt{font-weight:bold}\n"

_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
FieldMap = Mapping[str, str]


def _split(text: str) -> tuple[str, str] | None:
    """Front matter and body of a Markdown record file, or None without front matter."""
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    body_start = text.find("\n", end + 4)
    return text[3:end], text[body_start + 1 :] if body_start >= 0 else ""


def _get(data: YamlValue, path: str) -> YamlValue:
    """Follow a key path like `naa_refs[].reference`; list items are joined by `; `."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    value = data.get(head.removesuffix("[]")) if isinstance(data, dict) else None
    if many:
        if not isinstance(value, list):
            return None
        items = [_get(item, rest) if rest else item for item in value]
        return "; ".join(i for i in items if isinstance(i, str)) or None
    return _get(value, rest) if rest else value


def _as_list(value: YamlValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _participants(data: Mapping[str, YamlValue], title: str) -> list[dict[str, str]]:
    raw = data.get("participants")
    out: list[dict[str, str]] = []
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                role = item.get("role")
                out.append(
                    {"name": str(item["name"]), "role": role if isinstance(role, str) else ""}
                )
            elif isinstance(item, str):
                out.append({"name": item, "role": ""})
    elif " to " in title:  # DAFP-style "SENDER to RECIPIENT" titles
        sender, recipient = title.split(" to ", 1)
        out = [
            {"name": sender.strip(), "role": "sender"},
            {"name": recipient.strip(), "role": "recipient"},
        ]
    return out


def hugo_front_matter(
    data: Mapping[str, YamlValue], field_map: FieldMap, stem: str
) -> dict[str, object]:
    """Hugo front matter for one record: params plus taxonomy terms and an ISO date."""

    def field(name: str) -> YamlValue:
        return _get(dict(data), field_map[name]) if name in field_map else data.get(name)

    title = field("title")
    title = title if isinstance(title, str) and title.strip() else stem
    fm: dict[str, object] = {"title": title}
    date_text = field("date")
    if isinstance(date_text, str) and date_text.strip():
        fm["date_text"] = date_text
        parsed = parse_date(date_text)
        if parsed is not None and parsed.earliest is not None:
            fm["date"] = parsed.earliest.isoformat()
        elif match := _YEAR.search(date_text):
            fm["date"] = f"{match[1]}-01-01"
        if "date" in fm:
            fm["years"] = [str(fm["date"])[:4]]
    participants = _participants(data, title)
    if participants:
        fm["participants"] = participants
        fm["people"] = sorted({p["name"] for p in participants})
    kind = field("type")
    if isinstance(kind, str):
        fm["doctype"] = kind
        fm["doctypes"] = [kind]
    languages = _as_list(field("language"))
    if languages:
        fm["record_language"] = languages
    for name in ("place", "classification", "archive", "source", "rights", "summary"):
        value = field(name)
        if isinstance(value, str):
            fm[name] = value
    subjects = _as_list(field("subjects"))
    if subjects:
        fm["subjects"] = subjects
    return fm


def _records(content_dir: Path) -> Iterator[Path]:
    """Record files, sorted, following a symlinked content root."""
    yield from sorted(p for p in content_dir.rglob("*.md") if p.name.lower() != "readme.md")


def convert(
    content_dir: Path, site_dir: Path, *, title: str, field_map: FieldMap | None = None
) -> int:
    """Write the Hugo site for the records in `content_dir`; return how many it holds.

    Files that do not parse are skipped (the bench corpora all parse), one at a time so
    memory stays flat.
    """
    remove_tree(site_dir)
    records = site_dir / "content" / "records"
    records.mkdir(parents=True)
    (site_dir / "hugo.toml").write_text(
        HUGO_CONFIG.format(title=json.dumps(title)), encoding="utf-8"
    )
    for rel, text in LAYOUTS.items():
        path = site_dir / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (site_dir / "static").mkdir()
    (site_dir / "static" / "style.css").write_text(STYLE, encoding="utf-8")
    (site_dir / "content" / "records" / "_index.md").write_text(
        '{"title": "Records"}\n', encoding="utf-8"
    )
    count = 0
    seen: set[str] = set()
    for path in _records(content_dir):
        parts = _split(path.read_text(encoding="utf-8-sig"))
        if parts is None:
            continue
        try:
            data = load_mapping(parts[0]).value
        except Exception:  # the baseline only needs the records that parse
            continue
        stem = path.stem if path.stem not in seen else f"{path.parent.name}-{path.stem}"
        seen.add(stem)
        fm = hugo_front_matter(data, field_map or {}, stem)
        out = records / f"{stem}.md"
        out.write_text(json.dumps(fm, ensure_ascii=False) + "\n\n" + parts[1], encoding="utf-8")
        count += 1
    return count


def build_hugo(site_dir: Path) -> Timing:
    """A clean Hugo build of `site_dir` into `site_dir/public`, measured."""
    remove_tree(site_dir / "public")
    remove_tree(site_dir / "resources")
    return run_command(
        ["hugo", "--source", str(site_dir), "--destination", "public", "--quiet", "--ignoreCache"]
    )


def index_pagefind(public_dir: Path, timeout: float = 3600.0) -> Timing:
    """Pagefind (pip `pagefind[bin]`, extended binary when installed) over `public_dir`.

    `python -m pagefind` exec()s the binary in place, so the measured process is
    Pagefind itself.
    """
    remove_tree(public_dir / "pagefind")
    return run_command(
        [sys.executable, "-m", "pagefind", "--site", str(public_dir), "--quiet"], timeout=timeout
    )


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Build the Hugo baseline site for a corpus.")
    parser.add_argument("content_dir", type=Path)
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--title", default="Hugo baseline")
    args = parser.parse_args()
    n = convert(args.content_dir, args.site_dir, title=args.title)
    hugo = build_hugo(args.site_dir)
    pagefind = index_pagefind(args.site_dir / "public")
    print(f"{n} records; hugo {hugo}; pagefind {pagefind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
