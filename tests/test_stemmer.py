"""static/stemmer.js stems a word exactly as Pagefind does when it indexes English.

The truth is Pagefind's own index: each word goes into its own page (`<html lang="en">`,
as search/pagefind.py makes them), and the word Pagefind stored for that page is read
back from the bundle's index chunks. The module then stems the same words in Chromium.
Words are given as Pagefind's indexer reduces a surface word before stemming (lower
case, letters and digits only), so each page holds that one word's stem — plus, for
words mixing letters and digits, the stems of their letter and digit runs, which
Pagefind indexes too.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from archivist.search.pagefind import IndexEntry, index_shard, pagefind_binary
from archivist.search.pagefind_files import payload
from browser_kit import Server, Watched, serve
from conftest import REPO, corpus_path

pytestmark = pytest.mark.browser

# Chosen to pass through every step, exception and region rule of the algorithm.
WORDS = """
generously generous generate generation generals general generic skies skis sky
news innings inning cannings canning outing outings herring herrings earring
earrings evening evenings communism communication communed commune arsenal arsenic
arsenals dying lying tying vying yying hoping hopping hopped hoped hopeful agreed
agree feed feeds bleed bleeding ugly early only singly idly gently andes atlas cosmos
bias howe proceed proceeds proceeding proceedings exceed exceeded exceeding succeed
succeeds succeeded consign consigned consigning consignment conspiracy conspire
conspired ties cries tied died gas gaps kiwis caress caresses ponies cats bus plus
happy cry say says saying sayyid yield youth boy boys employ employed playing enjoy
eying eyed eyes yelling flying skiing dyed bye eye by be at ab of on ow yes bled
sing bring rational relational conditional valenci hesitanci digitizer conformabli
radicalli differentli vileli analogousli vietnamization predication operator
feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti
triplicate formative formalize electriciti electrical goodness revival allowance
inference airliner gyroscopic adjustable defensible irritant replacement adjustment
dependent adoption activate angulariti homologous effective bowdlerize probate rate
cease controll roll fill dwelling analogi ecologi biologist biologists geologi
fluently ably brightly happily lessli nobly cheerfulli hopefulli universal
university universe emergency emerge emerged organization organ organic organise
later lateral pastor past paste pasted pasting international internal interest
interests intervention opinion champion religion million added egged erred odds ebbed aed uing oed ied ies sses ss us
ing ed eed ling tting ating ization ational tional ousness alism yyy aya ayyy
1945 1940s 3rd b52s 19th 100m a1838 x2y
naïve naïvely zhōu café résumés élite über österreich müller señor niño déjà
straße ærø cœur łódź
𝐀ies o𝐁ing 𝐀yed a𝐁ed
""".split()


def stored_stems(words: Iterable[str], out: Path) -> list[set[str]]:
    """For each word, the words Pagefind stored for the page holding only that word."""
    words = list(words)
    entries = [IndexEntry(url=f"/w/{n}/", content=w, language="en") for n, w in enumerate(words)]
    bundle = index_shard(pagefind_binary(), entries, out, 600, primary=True)
    # The meta file lists pages in page-number order; a page's fragment has its URL.
    [meta] = out.glob("pagefind.en_*.pf_meta")
    pages = [int(bundle.fragments[page[0]].split("/")[2]) for page in payload(meta.read_bytes())[1]]
    found: list[set[str]] = [set() for _ in words]
    for chunk in out.glob("index/*.pf_index"):
        [chunk_words] = payload(chunk.read_bytes())
        for word, postings, variants in chunk_words:
            # A word with diacritics is stored folded, its postings under its variants.
            for posting_list in [postings, *(v[1] for v in variants)]:
                page = 0
                for delta, _locations, _meta_locations in posting_list:
                    page += delta  # pages are numbered by their gap to the one before
                    found[pages[page]].add(word)
    return found


def surface_words(texts: Iterable[str]) -> list[str]:
    """Distinct words of `texts`, reduced as Pagefind reduces them before stemming."""
    words = set()
    for text in texts:
        for token in text.split():
            word = "".join(c for c in token if c.isalnum()).lower()
            if word:
                words.add(word)
    return sorted(words)


@pytest.fixture(scope="module")
def stemmer_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The module on a page whose Content-Security-Policy forbids eval, as the site's do."""
    root = tmp_path_factory.mktemp("stemmer-page")
    shutil.copy(REPO / "static" / "stemmer.js", root / "stemmer.js")
    (root / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">'
        "<title>stemmer</title></head><body></body></html>",
        encoding="utf-8",
    )
    with serve(root) as server:
        yield server


def js_stems(watched: Watched, server: Server, words: list[str]) -> list[str]:
    watched.page.goto(server.url(""))
    stems: list[str] = watched.page.evaluate(
        "async ([url, words]) => { const { stem } = await import(url); return words.map(stem); }",
        [server.url("stemmer.js"), words],
    )
    watched.assert_clean()
    return stems


def assert_stems_as_pagefind(words: list[str], watched: Watched, server: Server, out: Path) -> None:
    found = stored_stems(words, out)
    mine = js_stems(watched, server, words)
    wrong = [
        f"{word}: Pagefind {sorted(stored)}, stemmer.js {stem!r}"
        for word, stored, stem in zip(words, found, mine, strict=True)
        # A word mixing letters and digits also brings its runs' stems to its page.
        if stem not in stored or (len(stored) > 1 and word.isalpha())
    ]
    assert not wrong, f"{len(wrong)} of {len(words)} words stemmed otherwise:\n" + "\n".join(
        wrong[:40]
    )


def test_every_step_and_exception_as_pagefind(
    watched: Watched, stemmer_page: Server, tmp_path: Path
) -> None:
    assert_stems_as_pagefind(sorted(set(WORDS)), watched, stemmer_page, tmp_path / "bundle")


def test_the_example_archive_words_as_pagefind(
    watched: Watched, stemmer_page: Server, tmp_path: Path
) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "content").rglob("*.md"))]
    words = surface_words(texts)
    assert len(words) > 100
    assert_stems_as_pagefind(words, watched, stemmer_page, tmp_path / "bundle")


def test_dafp_words_as_pagefind(watched: Watched, stemmer_page: Server, tmp_path: Path) -> None:
    root = corpus_path("corpus", "dafp", "_volumes")
    words = surface_words(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md")))
    # Every eighth distinct word (about 9,000): the whole corpus's spread of words in a
    # few seconds; bench-style agreement over all of them is in the stemmer's docs.
    assert_stems_as_pagefind(words[::8], watched, stemmer_page, tmp_path / "bundle")


def test_only_english_pages_are_stemmed(watched: Watched, stemmer_page: Server) -> None:
    watched.page.goto(stemmer_page.url(""))
    chosen = watched.page.evaluate(
        """async (url) => {
            const { stem, stemmerFor } = await import(url);
            return ["en", "en-AU", "EN-gb", "fr", "de-CH", "eng", ""].map(
                (lang) => stemmerFor(lang) === stem);
        }""",
        stemmer_page.url("stemmer.js"),
    )
    assert chosen == [True, True, True, False, False, False, False]
