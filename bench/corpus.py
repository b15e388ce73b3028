"""Generate a deterministic corpus of dated news articles for benchmarks.

    python bench/corpus.py OUT --articles N [--per-day 25] [--seed 1] [--end 2026-10-31]
                           [--flavor digest|hugo|pelican]

One set of articles, written as a complete site for one of three tools:

digest   OUT/site.yaml and OUT/content/YYYY/MM/: about 70% Markdown with YAML front
         matter, 30% plain wire stories (`date YYYY-MM-DD <headline>.`, then paragraphs).
hugo     OUT/hugo.toml, OUT/content/posts/aN.md and a minimal OUT/layouts/.
pelican  OUT/pelicanconf.py and OUT/content/aN.md with `Key: value` metadata.

Article i is published on --end minus i // --per-day days, so nothing is future-dated,
and a smaller corpus is a prefix of a larger one with the same seed. Article text is
byte-identical in every flavor, so the three tools are given the same work.
Standard library only: the benchmark must run before anything else is installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SITE_TITLE = "Bench digest"
BASE_URL = "https://example.github.io/bench/"
PER_PAGE = 20
DEFAULT_END = dt.date(2026, 10, 31)

UK_WORDS = tuple(
    """
    уряд парламент фронт ракети економіка бюджет переговори посол енергетика
    електростанція громада технології лікарня театр матч область столиця міністерство
    депутат закон рішення підтримка відновлення волонтери зима опалення зерно експорт
    порт залізниця міст дорога школа університет студенти вчителі науковці вибори
    комісія суддя слідство корупція прозорість реформа гривня ціни зарплата пенсія
    податки інвестиції підприємство завод аграрії врожай село місто вулиця мешканці
    рятувальники укриття тривога допомога партнери союзники делегація заява зустріч угода
    """.split()  # noqa: SIM905 - a word list reads best as running text
)
EN_WORDS = tuple(
    """
    government parliament war front missiles economy budget inflation talks envoy
    diplomats energy grid substation community technology software hospital doctors
    museum theatre football match province world capital ministry lawmakers bill
    decision support recovery volunteers winter heating grain exports port railway
    bridge school university students teachers researchers election commission judge
    investigation corruption transparency reform currency prices wages pensions taxes
    investment company factory farmers harvest village city street residents rescuers
    shelter alert aid partners allies delegation statement meeting agreement
    """.split()  # noqa: SIM905
)

# Topic key -> (display name, keyword prefixes that put an untagged story under it).
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "politics": ("Політика", ("уряд", "парламент", "government")),
    "war": ("Війна", ("фронт", "ракет", "war")),
    "economy": ("Економіка", ("економ", "бюджет", "inflation")),
    "diplomacy": ("Дипломатія", ("переговор", "посол", "diplomat")),
    "energy": ("Енергетика", ("енерг", "електро", "grid")),
    "society": ("Суспільство", ("громад", "community")),
    "technology": ("Технології", ("технолог", "software")),
    "health": ("Здоров'я", ("лікар", "hospital")),
    "culture": ("Культура", ("театр", "museum")),
    "sport": ("Спорт", ("матч", "football")),
    "regions": ("Регіони", ("област", "province")),
    "world": ("Світ", ("world",)),
}
AUTHORS = ("Оксана Мельник", "Андрій Ткаченко", "Claire Dubois", "Peter Novak", "Галина Руденко")
FLAVORS = ("digest", "hugo", "pelican")


@dataclass(frozen=True)
class Article:
    """One news story, independent of the tool it is written for."""

    number: int
    day: dt.date
    time: str
    lang: str
    wire: bool
    title: str
    tags: tuple[str, ...]
    summary: str
    author: str
    source: str
    blocks: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n\n".join(self.blocks) + "\n"

    @property
    def tags_or_untagged(self) -> tuple[str, ...]:
        # Hugo and Pelican need a tag to list a story under; digest derives topics itself.
        return self.tags or ("untagged",)


def make_sentence(rng: random.Random, words: Sequence[str], shortest: int, longest: int) -> str:
    picked = " ".join(rng.choice(words) for _ in range(rng.randint(shortest, longest)))
    return picked[0].upper() + picked[1:] + rng.choice("......!?")


def make_paragraph(rng: random.Random, words: Sequence[str]) -> str:
    return " ".join(make_sentence(rng, words, 10, 20) for _ in range(rng.randint(3, 5)))


def make_blocks(rng: random.Random, words: Sequence[str], markdown: bool) -> tuple[str, ...]:
    """Body blocks; Markdown stories get emphasis, a heading, a list, a quote and links."""
    count = rng.randint(5, 10)
    heading_at = rng.randint(2, count - 1) if markdown and rng.random() < 0.6 else -1
    list_at = rng.randint(1, count - 1) if markdown and rng.random() < 0.5 else -1
    quote_at = rng.randint(1, count - 1) if markdown and rng.random() < 0.35 else -1
    blocks: list[str] = []
    for index in range(count):
        if index == heading_at:
            blocks.append("## " + make_sentence(rng, words, 2, 5)[:-1])
        if index == list_at:
            items = (make_sentence(rng, words, 4, 9) for _ in range(rng.randint(3, 5)))
            blocks.append("\n".join("- " + item for item in items))
            continue
        if index == quote_at:
            blocks.append("> " + make_sentence(rng, words, 10, 20))
            continue
        text = make_paragraph(rng, words)
        if markdown and index == 0:
            text = f"**{rng.choice(words)} {rng.choice(words)}:** _{rng.choice(words)}_. {text}"
        if markdown and rng.random() < 0.25:
            link = f"https://example.org/{rng.choice(EN_WORDS)}/{rng.randint(1, 99_999)}"
            text += f" [{rng.choice(words)}]({link})"
        blocks.append(text)
    return tuple(blocks)


def generate_articles(count: int, per_day: int, seed: int, end: dt.date) -> Iterator[Article]:
    rng = random.Random(seed)
    topic_keys = sorted(TOPICS)
    for number in range(count):
        day = end - dt.timedelta(days=number // per_day)
        lang = "uk" if rng.random() < 0.6 else "en"
        words = UK_WORDS if lang == "uk" else EN_WORDS
        wire = rng.random() < 0.3
        tags = () if wire else tuple(rng.sample(topic_keys, rng.randint(1, 3)))
        yield Article(
            number=number,
            day=day,
            time=f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}",
            lang=lang,
            wire=wire,
            title=make_sentence(rng, words, 5, 11)[:-1],
            tags=tags,
            summary=make_sentence(rng, words, 10, 18),
            author=rng.choice(AUTHORS),
            source=f"https://wire.example.org/{day:%Y/%m/%d}/{number}",
            blocks=make_blocks(rng, words, markdown=not wire),
        )


def quoted(text: str) -> str:
    """A double-quoted scalar, valid in YAML and TOML alike."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


# --- digest -----------------------------------------------------------------------------


def write_digest_site(out: Path) -> None:
    lines = [
        f"title: {SITE_TITLE}",
        f"base_url: {BASE_URL}",
        "language: uk",
        "timezone: Europe/Kyiv",
        "content_dir: content",
        "output_dir: _site",
        f"per_page: {PER_PAGE}",
        # digest's default; bench/run.py --no-search turns it off to compare without it.
        "search: true",
        "topics:",
    ]
    for key, (name, keywords) in TOPICS.items():
        lines.append(f"  {key}: {{name: {quoted(name)}, keywords: [{', '.join(keywords)}]}}")
    write_text(out / "site.yaml", "\n".join(lines) + "\n")


def write_digest_article(article: Article, out: Path) -> None:
    folder = out / "content" / f"{article.day:%Y}" / f"{article.day:%m}"
    stem = f"{article.day.isoformat()}-{article.number}"
    if article.wire:
        first_line = f"date {article.day.isoformat()} {article.title}."
        write_text(folder / f"{stem}.txt", f"{first_line}\n\n{article.body}")
        return
    front = (
        f"title: {quoted(article.title)}",
        f"date: {article.day.isoformat()} {article.time}",
        f"tags: [{', '.join(article.tags)}]",
        f"summary: {quoted(article.summary)}",
        f"author: {quoted(article.author)}",
        f"source: {article.source}",
        f"lang: {article.lang}",
    )
    write_text(folder / f"{stem}.md", "---\n" + "\n".join(front) + "\n---\n\n" + article.body)


# --- Hugo -------------------------------------------------------------------------------

HUGO_CONFIG = f"""\
baseURL = {quoted(BASE_URL)}
title = {quoted(SITE_TITLE)}
locale = "uk"
defaultContentLanguage = "uk"
timeZone = "Europe/Kyiv"
buildFuture = true
# Pelican runs with feeds off and digest's pages are compared, so Hugo skips the extras.
disableKinds = ["rss", "sitemap", "robotstxt", "404"]

[taxonomies]
tag = "tags"

[pagination]
pagerSize = {PER_PAGE}
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="uk">
<head>
<meta charset="utf-8">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<a href="{{ "tags/" | relURL }}">tags</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04" }}">{{ .Date.Format "2006-01-02 15:04" }}</time>
<ul>{{ range .GetTerms "tags" }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
{{ range $pager.Pages }}
<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2006-01-02 15:04" }}</time>
<p>{{ .Summary }}</p>
</article>
{{ end }}
<nav>
{{ with $pager.Prev }}<a href="{{ .URL }}">newer</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">older</a>{{ end }}
</nav>
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
{{ $pager := .Paginate site.RegularPages }}
{{ range $pager.Pages }}
<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2006-01-02 15:04" }}</time>
<p>{{ .Summary }}</p>
</article>
{{ end }}
<nav>
{{ with $pager.Prev }}<a href="{{ .URL }}">newer</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">older</a>{{ end }}
</nav>
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
""",
}


def write_hugo_site(out: Path) -> None:
    write_text(out / "hugo.toml", HUGO_CONFIG)
    for name, template in HUGO_LAYOUTS.items():
        write_text(out / "layouts" / name, template)


def write_hugo_article(article: Article, out: Path) -> None:
    front = (
        f"title: {quoted(article.title)}",
        f"date: {article.day.isoformat()}T{article.time}:00Z",
        f"tags: [{', '.join(article.tags_or_untagged)}]",
        f"summary: {quoted(article.summary)}",
    )
    path = out / "content" / "posts" / f"a{article.number}.md"
    write_text(path, "---\n" + "\n".join(front) + "\n---\n\n" + article.body)


# --- Pelican ----------------------------------------------------------------------------

PELICAN_CONFIG = f"""\
# Pelican settings for the digest benchmark; written by bench/corpus.py.
SITENAME = {quoted(SITE_TITLE)}
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/Kyiv"
DEFAULT_LANG = "uk"
DEFAULT_PAGINATION = {PER_PAGE}
THEME = "notmyidea"

# No feeds: the benchmark compares the HTML pages every tool writes.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# Pelican's own reader cache, so a warm build can skip parsing unchanged articles.
CACHE_PATH = "cache"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
"""


def write_pelican_site(out: Path) -> None:
    write_text(out / "pelicanconf.py", PELICAN_CONFIG)


def write_pelican_article(article: Article, out: Path) -> None:
    meta = (
        f"Title: {article.title}",
        f"Date: {article.day.isoformat()} {article.time}",
        f"Tags: {', '.join(article.tags_or_untagged)}",
        f"Slug: a{article.number}",
        f"Summary: {article.summary}",
        f"Authors: {article.author}",
    )
    write_text(out / "content" / f"a{article.number}.md", "\n".join(meta) + "\n\n" + article.body)


SITE_WRITERS: dict[str, Callable[[Path], None]] = {
    "digest": write_digest_site,
    "hugo": write_hugo_site,
    "pelican": write_pelican_site,
}
ARTICLE_WRITERS: dict[str, Callable[[Article, Path], None]] = {
    "digest": write_digest_article,
    "hugo": write_hugo_article,
    "pelican": write_pelican_article,
}


def write_corpus(
    out: Path, flavor: str, count: int, per_day: int = 25, seed: int = 1, end: dt.date = DEFAULT_END
) -> None:
    """Write a complete site of `count` articles for `flavor` into `out`."""
    content = out / "content"
    if content.exists() and any(content.iterdir()):
        # Leftover articles from another size would silently change the work measured.
        raise FileExistsError(f"{content} already holds files; pick an empty folder")
    SITE_WRITERS[flavor](out)
    write_article = ARTICLE_WRITERS[flavor]
    for article in generate_articles(count, per_day, seed, end):
        write_article(article, out)


def article_file(
    site: Path, flavor: str, number: int, per_day: int = 25, end: dt.date = DEFAULT_END
) -> Path:
    """The file that holds article `number` in a site written by write_corpus."""
    if flavor == "hugo":
        return site / "content" / "posts" / f"a{number}.md"
    if flavor == "pelican":
        return site / "content" / f"a{number}.md"
    day = end - dt.timedelta(days=number // per_day)
    stem = site / "content" / f"{day:%Y}" / f"{day:%m}" / f"{day.isoformat()}-{number}"
    markdown = stem.with_name(stem.name + ".md")
    return markdown if markdown.exists() else stem.with_name(stem.name + ".txt")


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder to write the site into")
    parser.add_argument("--articles", type=positive_int, default=1000)
    parser.add_argument("--per-day", type=positive_int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=DEFAULT_END)
    parser.add_argument("--flavor", choices=FLAVORS, default="digest")
    args = parser.parse_args(argv)
    try:
        write_corpus(args.out, args.flavor, args.articles, args.per_day, args.seed, args.end)
    except FileExistsError as error:
        print(f"corpus.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
