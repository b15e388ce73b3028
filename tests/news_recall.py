"""Recall and precision of the site's search on hand-written Ukrainian news, asked through
`window.digestSearch` in a browser: shared by tests/test_search_recall.py and
bench/search_recall.py --corpus.

The ground truth does not come from digest's index or its dictionary: each word of the query
file has a hand-written pattern of all its forms (checked by hand), applied to the text of each
story after the normalisation a reader does without thinking — one apostrophe, no invisible
characters, lower case, and Latin look-alike letters inside a Cyrillic word read as Cyrillic
(scrapers and typists leave them in: "Kиїв" with a Latin K is still Київ).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from digest.build import BuildOptions, build

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "news_uk"
QUERIES = FIXTURES / "news_uk_queries.json"
BASE = "/recall/"
# After the last story of the corpora (2026-11-28), so none is future-dated and left out.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
SITE_YAML = f"""\
title: Recall
base_url: https://example.org{BASE}
language: uk
timezone: Europe/Kyiv
search: true
"""

_INVISIBLE = re.compile("[\u00ad\u0301\u200b\u200c\u200d\u2060\ufeff]")
_APOSTROPHE = re.compile("[’ʼ‘`′´ʹ]")
_LOOK_ALIKE = str.maketrans("aceiopxyktmhb", "асеіорхуктмнв")
_MIXED = re.compile(r"[\w']*(?:[a-z][а-яіїєґ']|[а-яіїєґ'][a-z])[\w']*")


def plain(text: str) -> str:
    """Text as a reader sees it, lower case, one apostrophe, Latin look-alikes read Cyrillic."""
    text = _APOSTROPHE.sub("'", _INVISIBLE.sub("", unicodedata.normalize("NFC", text))).lower()
    return _MIXED.sub(lambda m: m.group(0).translate(_LOOK_ALIKE), text)


@dataclass(frozen=True)
class Word:
    name: str
    forms: tuple[str, ...]  # asked as queries
    pattern: re.Pattern[str]  # every form of the word, on plain() text

    def held_by(self, text: str) -> bool:
        return self.pattern.search(plain(text)) is not None


def load_queries(path: Path = QUERIES) -> list[Word]:
    found = []
    for name, entry in json.loads(path.read_text(encoding="utf-8")).items():
        pattern = re.compile(rf"(?<![\w'])(?:{entry['pattern']})(?![\w'])")
        found.append(Word(name, tuple(entry["forms"]), pattern))
    return found


@dataclass(frozen=True)
class FormResult:
    word: str
    form: str
    holding: int  # stories holding any form of the word
    found: int
    right: int  # found and holding it

    @property
    def recall(self) -> float:
        return self.right / self.holding if self.holding else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0


@dataclass(frozen=True)
class Summary:
    rows: list[FormResult]

    @property
    def mean_recall(self) -> float:
        return statistics.mean(r.recall for r in self.rows)

    @property
    def min_recall(self) -> float:
        return min(r.recall for r in self.rows)

    @property
    def mean_precision(self) -> float:
        return statistics.mean(r.precision for r in self.rows)

    @property
    def min_precision(self) -> float:
        return min(r.precision for r in self.rows)

    def misses(self, truth: dict[str, set[str]], found: dict[str, set[str]]) -> list[str]:
        return [
            f"{r.form}: missed {sorted(truth[r.word] - found[r.form])}, "
            f"wrongly found {sorted(found[r.form] - truth[r.word])}"
            for r in self.rows
            if found[r.form] != truth[r.word]
        ]

    def table(self) -> str:
        lines = [
            "| word | query | stories holding it | found | recall | precision |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for r in self.rows:
            lines.append(
                f"| {r.word} | {r.form} | {r.holding} | {r.found} | {r.recall:.1%} "
                f"| {r.precision:.1%} |"
            )
        return "\n".join(lines)


def build_corpus_site(folder: Path, corpus: Path = CORPUS) -> dict[str, str]:
    """Build the corpus into a site in `folder`; return each article's URL (under BASE) ->
    its file, relative to the corpus."""
    shutil.copytree(corpus, folder / "content")
    (folder / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    result = build(folder, BuildOptions(now=NOW))
    return {
        BASE + a.url: Path(a.path).relative_to("content").as_posix() for a in result.site.articles
    }


def truth_of(words: Iterable[Word], corpus: Path = CORPUS) -> dict[str, set[str]]:
    """Word -> the stories (files relative to the corpus) holding any form of it."""
    texts = {
        p.relative_to(corpus).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(corpus.rglob("*"))
        if p.is_file()
    }
    return {w.name: {name for name, text in texts.items() if w.held_by(text)} for w in words}


def ask(page: Any, words: Iterable[Word], files: dict[str, str]) -> dict[str, set[str]]:
    """Query form -> the stories digestSearch finds, on a page of the built site."""
    page.wait_for_function("typeof window.digestSearch === 'function'")
    found: dict[str, set[str]] = {}
    for word in words:
        for form in word.forms:
            hits = page.evaluate("q => window.digestSearch(q)", form)
            found[form] = {files[h["url"]] for h in hits}
    return found


def judge(words: Iterable[Word], truth: dict[str, set[str]], found: dict[str, set[str]]) -> Summary:
    rows = []
    for word in words:
        holding = truth[word.name]
        for form in word.forms:
            hits = found[form]
            rows.append(FormResult(word.name, form, len(holding), len(hits), len(hits & holding)))
    return Summary(rows)
