"""Count "Document N" references in a built site's record texts, and how many link.

    python bench/xrefs.py OUT [--show N]

Looks at each record page's text and notes (`<section class="body">`): a reference is
"Document N" or "Documents N" (other forms, "Doc. 5", are linked but not counted, as
the issue's measure counts these); it is linked when it is the text of a `doc-ref`
link. Prints linked / all, and a few references left unlinked.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

_SECTION = re.compile(r'<section class="body".*?</article>', re.S)
_TAG = re.compile(r"<[^>]+>")
_REF = re.compile(r"\bDocuments?\s+\d+")
_LINKED = re.compile(r'<a class="doc-ref" href="[^"]*">Documents?\s+\d+')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--show", type=int, default=8)
    args = parser.parse_args()
    total = linked = 0
    unlinked: list[str] = []
    for path in sorted(args.out.glob("records/*/index.html")):
        found = _SECTION.search(path.read_text(encoding="utf-8"))
        if not found:
            continue
        html = found.group(0)
        text = _TAG.sub("", html)
        refs = _REF.findall(text)
        hits = len(_LINKED.findall(html))
        total += len(refs)
        linked += hits
        if hits < len(refs) and len(unlinked) < args.show:
            for m in _REF.finditer(text):
                unlinked.append(
                    f"{path.parent.name}: …{text[max(0, m.start() - 30) : m.end() + 30]}…"
                )
                break
    share = f"{100 * linked / total:.1f}%" if total else "-"
    print(f"{linked} of {total} 'Document N' references linked ({share})")
    for line in unlinked:
        print("  " + " ".join(line.split()))


if __name__ == "__main__":
    main()
