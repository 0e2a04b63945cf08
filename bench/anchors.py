"""Count in-page links that point at a missing id, page by page, over a built site.

    python bench/anchors.py OUT [--records-only] [--show N]

An in-page link is `href="#x"`; it is broken when the same page has no `id="x"`.
Prints the number of broken links, the number of pages with one, and the first few
examples. `--records-only` looks at record pages (`records/<id>/index.html`) only.
"""

from __future__ import annotations

import argparse
import html
import re
from collections import Counter
from pathlib import Path

_HREF = re.compile(r'href="#([^"]*)"')
_ID = re.compile(r'\bid="([^"]*)"')


def broken(page: str) -> list[str]:
    """The in-page targets of `page` that no element of `page` has as its id."""
    ids = {html.unescape(i) for i in _ID.findall(page)}
    return [t for t in (html.unescape(h) for h in _HREF.findall(page)) if t and t not in ids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records-only", action="store_true")
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args()
    pattern = "records/*/index.html" if args.records_only else "**/*.html"
    total = pages = seen = 0
    targets: Counter[str] = Counter()
    examples: list[str] = []
    for path in sorted(args.out.glob(pattern)):
        seen += 1
        missing = broken(path.read_text(encoding="utf-8"))
        if missing:
            total += len(missing)
            pages += 1
            targets.update(re.sub(r"\d+", "N", t) for t in missing)
            if len(examples) < args.show:
                examples.append(f"{path.relative_to(args.out)}: {', '.join(missing[:5])}")
    print(f"{total} broken in-page links on {pages} of {seen} pages")
    for shape, n in targets.most_common(8):
        print(f"  #{shape}: {n}")
    for line in examples:
        print("  " + line)


if __name__ == "__main__":
    main()
