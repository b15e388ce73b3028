"""Recall and precision of digest's search on Ukrainian word forms, through digestSearch().

    .venv/bin/python bench/search_recall.py [--articles 3000] [--seed 1] [--out FILE]
                                            [--pagefind BINARY]
    .venv/bin/python bench/search_recall.py --corpus DIR [--queries FILE] [--out FILE]

Generates a corpus of Ukrainian news-like stories in which every word appears in a form
drawn at random from its whole paradigm (pymorphy3's dictionary: all cases and numbers,
verb tenses and persons), so a story about a war may hold only "війною" or only "війні".
The generator knows which words (lemmas) each story holds. The site is built with digest,
served on 127.0.0.1, and each query form is asked in Chromium through the search page's own
`window.digestSearch`. For each form:

    recall     share of the stories holding any form of the word that the search finds
    precision  share of the stories found that hold a form of the word

With --pagefind (the binary of the `pagefind[bin]` package, which digest used before its
own index), the same site is also indexed by Pagefind as digest did (article bodies, forced
to Ukrainian) and every query asked through Pagefind's own JS API, side by side.

With --corpus, the stories are not generated: the folder (wire stories or Markdown, e.g.
tests/fixtures/news_uk, hand-written news-like text) is built as it is, and the truth is
each word's hand-written pattern of forms in --queries (tests/fixtures/news_uk_queries.json),
applied to every file's text (tests/news_recall.py says how).

A rare query form may be held by no story (then the script's fallback to dictionary
endings finds the word). Needs Debian's Chromium and the test extras (playwright).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digest.build import BuildOptions, build  # noqa: E402
from digest.words import _morph  # noqa: E402
from tests import news_recall  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_folder  # noqa: E402

# The words asked for (dictionary form first), each in the forms people type.
QUERIES: dict[str, tuple[str, ...]] = {
    "війна": ("війна", "війни", "війною", "війну"),
    "Київ": ("Київ", "Києва", "Києві"),
    "переговори": ("переговори", "переговорів", "переговорах"),
    "енергетика": ("енергетика", "енергетики"),
    "ракета": ("ракета", "ракетами", "ракет"),
    "Зеленський": ("Зеленський", "Зеленського"),
    "уряд": ("уряд", "уряду"),
    "область": ("область", "областях"),
    "зима": ("зима", "зими", "взимку"),  # взимку: see DERIVED
    "обстріл": ("обстріл", "обстрілів"),
    "допомога": ("допомога", "допомогу"),
    "школа": ("школа", "школах"),
    "світло": ("світло", "світла"),
    "ціна": ("ціна", "ціни"),
    "посол": ("посол", "послів"),
}
# Words made from another (взимку, "in winter", from зима) are lemmas of their own in the
# dictionary, so asking for one finds that word only: listed, not counted in the summary.
DERIVED = {"взимку"}
# Everything else a story is made of: nouns, adjectives and verbs of news, all inflected.
FILLER = """
    парламент фронт економіка бюджет громада технологія лікарня театр матч столиця
    міністерство депутат закон рішення підтримка відновлення волонтер опалення зерно експорт
    порт залізниця міст дорога університет студент вчитель науковець вибори комісія суддя
    слідство корупція реформа гривня зарплата пенсія податок інвестиція підприємство завод
    аграрій врожай село вулиця мешканець рятувальник укриття тривога партнер союзник
    делегація заява зустріч угода генератор підстанція мережа постачання споживач регіон
    новий великий важливий міжнародний місцевий державний приватний український складний
    ухвалити заявити повідомити відновити отримати передати підписати обговорити розпочати
    зустрітися запровадити збільшити зменшити відкрити закрити провести підтримати
""".split()  # noqa: SIM905 - a word list reads best as running text


def forms_of(word: str) -> list[str]:
    """Every form of the word in its most likely reading (the paradigm in the dictionary)."""
    parse = _morph().parse(word.lower())[0]
    forms = sorted({f.word for f in parse.lexeme})
    if word[0].isupper():
        forms = [f.capitalize() for f in forms]
    return forms


def make_corpus(folder: Path, articles: int, seed: int) -> dict[str, set[int]]:
    """Write the site; return, for each query word, the stories that hold a form of it."""
    rng = random.Random(seed)
    paradigms = {w: forms_of(w) for w in (*QUERIES, *FILLER)}
    # "взимку" (in winter) is an adverb of its own in the dictionary, not a form of зима;
    # it stays in the stories so the table shows what asking for a derived word gives.
    paradigms["зима"] = sorted({*paradigms["зима"], "взимку"})
    holds: dict[str, set[int]] = {w: set() for w in QUERIES}
    (folder / "content").mkdir(parents=True)
    (folder / "site.yaml").write_text(
        "title: Recall\nbase_url: https://example.org/recall/\nlanguage: uk\n"
        "timezone: Europe/Kyiv\nsearch: true\n",
        encoding="utf-8",
    )
    for n in range(articles):
        chosen = rng.sample(list(QUERIES), rng.randint(1, 4))
        for word in chosen:
            holds[word].add(n)

        def sentence(chosen: list[str] = chosen) -> str:
            picks = rng.sample(FILLER, 9) + [w for w in chosen if rng.random() < 0.5]
            rng.shuffle(picks)
            text = " ".join(rng.choice(paradigms[w]) for w in picks)
            return text[0].upper() + text[1:] + "."

        title = sentence().rstrip(".")
        paragraphs = [" ".join(sentence() for _ in range(4)) for _ in range(4)]
        # Make sure each chosen word is there at least once, in a random form.
        paragraphs.append(" ".join(rng.choice(paradigms[w]) for w in chosen) + ".")
        day = 1 + n % 28
        month = 1 + (n // 28) % 12
        path = folder / f"content/{month:02d}/{n:05d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"date 2025-{month:02d}-{day:02d} {title}\n\n" + "\n\n".join(paragraphs))
    return holds


PAGEFIND_QUERY = """async (q) => {
  window.pf ||= await import("/recall/pagefind/pagefind.js");
  await window.pf.options({ baseUrl: "/recall/" });
  const found = await window.pf.search(q);
  const data = await Promise.all(found.results.map((r) => r.data()));
  return data.map((d) => d.url);
}"""


def cells(row: tuple[object, ...]) -> str:
    word, form, *numbers = row
    shown = [f"{n:.1%}" if isinstance(n, float) else str(n) for n in numbers]
    return f"| {word} | {form}{' *' if form in DERIVED else ''} | " + " | ".join(shown) + " |"


def judge(found: set[int], truth: set[int]) -> tuple[int, float, float]:
    """(stories found, recall, precision)."""
    right = len(found & truth)
    return len(found), right / len(truth), right / len(found) if found else 1.0


def measure_corpus(corpus: Path, queries: Path) -> str:
    """The report for a folder of written stories and a file of words with their forms."""
    from playwright.sync_api import sync_playwright

    words = news_recall.load_queries(queries)
    truth = news_recall.truth_of(words, corpus)
    with tempfile.TemporaryDirectory(prefix="digest-recall-") as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        started = time.perf_counter()
        files = news_recall.build_corpus_site(site, corpus)
        built = time.perf_counter() - started
        with serve_folder(site / "_site", news_recall.BASE) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url + "search/")
            found = news_recall.ask(page, words, files)
            browser.close()
    summary = news_recall.judge(words, truth, found)
    misses = summary.misses(truth, found)
    return "\n".join(
        [
            f"Search recall on {len(files)} stories of {corpus}, {len(summary.rows)} query forms "
            f"of {len(words)} words; build {built:.1f} s. Mean recall "
            f"{summary.mean_recall:.1%}, lowest {summary.min_recall:.1%}; mean precision "
            f"{summary.mean_precision:.1%}, lowest {summary.min_precision:.1%}.",
            "",
            summary.table(),
            *(["", "Differences from the truth:", *misses] if misses else []),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--pagefind", type=Path, help="also measure this Pagefind binary")
    parser.add_argument("--corpus", type=Path, help="measure on this folder of stories")
    parser.add_argument("--queries", type=Path, default=news_recall.QUERIES)
    args = parser.parse_args()
    if args.corpus:
        report = measure_corpus(args.corpus, args.queries) + "\n"
        sys.stdout.write(report)
        if args.out:
            args.out.write_text(report, encoding="utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="digest-recall-") as tmp:
        site = Path(tmp) / "site"
        holds = make_corpus(site, args.articles, args.seed)
        started = time.perf_counter()
        result = build(site, BuildOptions())
        built = time.perf_counter() - started
        pagefind_s = 0.0
        if args.pagefind:
            started = time.perf_counter()
            subprocess.run(
                [str(args.pagefind), "--site", str(site / "_site"), "--force-language", "uk"],
                check=True,
                capture_output=True,
            )
            pagefind_s = time.perf_counter() - started
        number = {a.url: int(Path(a.path).stem) for a in result.site.articles}
        from playwright.sync_api import sync_playwright

        rows: list[tuple[object, ...]] = []
        with serve_folder(site / "_site", "/recall/") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url + "search/")
            page.wait_for_function("typeof window.digestSearch === 'function'")
            for word, forms in QUERIES.items():
                truth = holds[word]
                for form in forms:
                    hits = page.evaluate("q => window.digestSearch(q)", form)
                    found = {number[h["url"].removeprefix("/recall/")] for h in hits}
                    row: tuple[object, ...] = (word, form, len(truth), *judge(found, truth))
                    if args.pagefind:
                        urls = page.evaluate(PAGEFIND_QUERY, form)
                        row += judge({number[u.removeprefix("/recall/")] for u in urls}, truth)
                    rows.append(row)
            browser.close()
    counted = [r for r in rows if r[1] not in DERIVED]
    recalls = [cast(float, r[4]) for r in counted]
    precisions = [cast(float, r[5]) for r in counted]
    head = "| word | query | stories holding it | found | recall | precision |"
    rule = "|---|---|---:|---:|---:|---:|"
    pagefind_note = ""
    if args.pagefind:
        head += " Pagefind found | Pagefind recall | Pagefind precision |"
        rule += "---:|---:|---:|"
        pf_recalls = [cast(float, r[7]) for r in counted]
        pf_precisions = [cast(float, r[8]) for r in counted]
        pagefind_note = (
            f" Pagefind (indexing took {pagefind_s:.1f} s after the build): mean recall "
            f"{statistics.mean(pf_recalls):.1%}, lowest {min(pf_recalls):.1%}; mean precision "
            f"{statistics.mean(pf_precisions):.1%}, lowest {min(pf_precisions):.1%}."
        )
    lines = [
        f"Search recall on {args.articles} generated Ukrainian stories (seed {args.seed}), "
        f"every word in a random form of its paradigm; build {built:.1f} s. "
        f"Over the {len(counted)} inflected forms: mean recall {statistics.mean(recalls):.1%}, "
        f"lowest {min(recalls):.1%}; mean precision {statistics.mean(precisions):.1%}, "
        f"lowest {min(precisions):.1%}. Derived words ({', '.join(sorted(DERIVED))}), marked *, "
        "are words of their own and not counted." + pagefind_note,
        "",
        head,
        rule,
        *(cells(row) for row in rows),
    ]
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
