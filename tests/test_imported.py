"""Content from Hugo, Jekyll, Pelican and Eleventy builds as it is: fixtures in each one's
shape (tests/imported/<generator>/content) copied into a site and built."""

from __future__ import annotations

import json
import shutil
import textwrap
import time
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.build import BuildOptions, BuildResult, build
from digest.config import load_config
from digest.errors import SourceError
from digest.frontmatter import split_front_matter
from digest.search_index import INDEX_DIR
from digest.shortcodes import Where, expand
from digest.sources import ArticleReader
from digest.verify import verify
from tests.conftest import NOW, read, run_cli

FIXTURES = Path(__file__).parent / "imported"
CONFIG = """\
title: Тестовий дайджест
base_url: https://example.github.io/news/
language: uk
timezone: Europe/Kyiv
search: false
topics:
  diplomacy:
    name: Дипломатія
  economy:
    name: Економіка
  energy:
    name: Енергетика
"""
HUGO_ARTICLE = "2026/11/19/enerhetyky-vidnovyly-zhyvlennia-u-trokh-oblastiakh/"
JEKYLL_ARTICLE = "2026/11/17/perehovory-v-zhenevi-delehatsii-domovylysia-pro-nastupnyi-raund/"
ATOM = "{http://www.w3.org/2005/Atom}"


def imported_site(tmp_path: Path, *generators: str) -> Path:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text(CONFIG, encoding="utf-8")
    for generator in generators:
        shutil.copytree(FIXTURES / generator / "content", site / "content", dirs_exist_ok=True)
    return site


def build_now(site: Path, **options: object) -> BuildResult:
    return build(site, BuildOptions(now=NOW, **options))  # type: ignore[arg-type]


def warnings_of(result: BuildResult) -> list[str]:
    return [str(w) for w in result.warnings]


def jsonld(page: str) -> dict[str, object]:
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(page[start : page.index("</script>", start)])
    assert isinstance(data, dict)
    return data


# --- Hugo: a page bundle with TOML front matter and shortcodes ---------------------------


@pytest.fixture
def hugo(tmp_path: Path) -> tuple[Path, BuildResult]:
    site = imported_site(tmp_path, "hugo")
    return site, build_now(site)


def test_hugo_bundle_lands_on_its_day_in_the_site_zone(hugo: tuple[Path, BuildResult]) -> None:
    site, result = hugo
    titles = {a.title: a.url for a in result.site.articles}
    # date = 2026-11-18T21:30:00-05:00 is 04:30 on the 19th in Kyiv; a blank line opens the file.
    assert titles == {
        "Енергетики відновили живлення\u200b у трьох областях": HUGO_ARTICLE,
        "Звіт за жовтень": "2026/11/02/zvit-za-zhovten/",
    }
    page = read(site, HUGO_ARTICLE + "index.html")
    assert '<time datetime="2026-11-19T04:30:00+02:00">19 листопада 2026, 04:30</time>' in page


def test_hugo_bundle_files_are_copied_beside_the_page(hugo: tuple[Path, BuildResult]) -> None:
    site, _ = hugo
    bundle = site / "content/news/vidnovlennia"
    out = site / "_site" / HUGO_ARTICLE
    assert (out / "scheme.png").read_bytes() == (bundle / "scheme.png").read_bytes()
    assert (out / "docs/report.pdf").read_bytes() == (bundle / "docs/report.pdf").read_bytes()
    page = read(site, HUGO_ARTICLE + "index.html")
    assert '<a href="docs/report.pdf">PDF</a>' in page  # the relative link still works
    report = run_cli("check", "-s", str(site))
    assert "missing asset" not in report.output and "broken link" not in report.output


def test_hugo_shortcodes_become_html(hugo: tuple[Path, BuildResult]) -> None:
    site, _ = hugo
    page = read(site, HUGO_ARTICLE + "index.html")
    body = page[page.index('<div class="body">') : page.index("</article>")]
    assert (
        '<figure><img src="scheme.png" alt="Схема відновлення мережі">'
        "<figcaption>Схема мережі після ремонту</figcaption></figure>"
    ) in body
    assert '<a href="../../../../2026/11/02/zvit-za-zhovten/">попередній звіт</a>' in body
    assert (
        '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p>"
    ) in body
    assert '<pre><code class="language-go">fmt.Println("світло")\n</code></pre>' in body
    assert '<p><a href="https://vimeo.com/146022717">https://vimeo.com/146022717</a></p>' in body
    assert (
        'Код: <a href="https://gist.github.com/spf13/7896402">'
        "https://gist.github.com/spf13/7896402</a>"
    ) in body
    # relref by the file's name alone
    assert '<a href="../../../../2026/11/02/zvit-za-zhovten/">про жовтень</a>' in body
    assert "<p>Це <strong>важлива</strong> примітка.</p>" in body  # an unknown pair: inner text
    assert "<p>Деталі в задачі .</p>" in body  # an unknown one: left out
    # Hugo's escaped forms are shown as Hugo shows them.
    assert (
        "Відео вставляють так: {{&lt; youtube id &gt;}}, а примітки — <code>{{% note %}}</code>"
        in (body)
    )
    assert "{{<" not in body and "{%" not in body.replace("{{% note %}}", "")
    assert "<iframe" not in page and "youtube.com/embed" not in page


def test_hugo_warnings_name_file_and_line(hugo: tuple[Path, BuildResult]) -> None:
    _, result = hugo
    assert warnings_of(result) == [
        "content/news/_index.md: a section's list page (Hugo's _index.md), not an article; "
        "skipped — its text is not shown: put what matters in site.yaml (description, topics)",
        "content/news/vidnovlennia/index.md:26: shortcode {{< gh >}} is not supported; left out"
        " — write what it showed as Markdown or HTML",
        "content/news/vidnovlennia/index.md:28: shortcode {{< note >}} is not supported; its "
        "inner text is kept — write what it showed as Markdown or HTML",
        "content/news/zlamanyi.md:4: front matter (TOML): Invalid value — fix the TOML between "
        "the +++ lines",
    ]


def test_hugo_keys_updated_authors_image_expiry_draft(hugo: tuple[Path, BuildResult]) -> None:
    site, result = hugo
    titles = {a.title for a in result.site.articles}
    assert "Акція до кінця жовтня" not in titles  # expiryDate 2026-10-31 has passed
    assert "Чернетка" not in titles
    page = read(site, HUGO_ARTICLE + "index.html")
    assert (
        '<span class="updated">Оновлено <time datetime="2026-11-20T10:00:00'
        '+02:00">20 листопада 2026, 10:00</time></span>'
    ) in page
    assert '<span class="byline">Автор Олена Коваль, Іван Бойко</span>' in page
    assert (
        '<meta property="og:image" content="https://example.github.io/news/' + HUGO_ARTICLE
    ) + 'scheme.png">' in page
    data = jsonld(page)
    assert data["dateModified"] == "2026-11-20T10:00:00+02:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Олена Коваль", "url": "https://example.org/koval"},
        {"@type": "Person", "name": "Іван Бойко"},
    ]
    assert data["image"] == f"https://example.github.io/news/{HUGO_ARTICLE}scheme.png"
    feed = ET.fromstring((site / "_site/feed.xml").read_bytes())
    entry = next(
        e for e in feed.iter(f"{ATOM}entry") if HUGO_ARTICLE in (e.findtext(f"{ATOM}id") or "")
    )
    assert entry.findtext(f"{ATOM}published") == "2026-11-19T04:30:00+02:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-11-20T10:00:00+02:00"
    # JSON front matter with tags as a comma-separated string.
    json_article = next(a for a in result.site.articles if a.title == "Звіт за жовтень")
    assert [t.key for t in json_article.topics] == ["energy", "reports"]
    assert json_article.summary == "Підсумки жовтня."


def test_hugo_aliases_become_redirect_pages(hugo: tuple[Path, BuildResult]) -> None:
    site, _ = hugo
    absolute = "https://example.github.io/news/" + HUGO_ARTICLE
    for alias in ("news/old-energy/", "news/stare-zhyvlennia/"):  # the second is relative
        assert read(site, alias + "index.html") == textwrap.dedent(f"""\
            <!doctype html>
            <html lang="uk">
            <head>
            <meta charset="utf-8">
            <meta name="robots" content="noindex">
            <title>Енергетики відновили живлення\u200b у трьох областях</title>
            <link rel="canonical" href="{absolute}">
            <meta http-equiv="refresh" content="0; url=../../{HUGO_ARTICLE}">
            </head>
            <body>
            <p>Сторінку перенесено сюди: <a href="../../{HUGO_ARTICLE}">Енергетики відновили живлення\u200b у трьох областях</a></p>
            </body>
            </html>
            """)  # noqa: E501
    sitemap = read(site, "sitemap.xml")
    assert HUGO_ARTICLE in sitemap and "old-energy" not in sitemap and "stare" not in sitemap


# --- Jekyll: a post with Liquid and redirect_from ----------------------------------------


def test_jekyll_post_with_liquid_and_redirects(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "jekyll")
    result = build_now(site)
    days = {a.title: a.day.isoformat() for a in result.site.articles}
    assert days == {
        "Переговори в Женеві: делегації домовилися про наступний раунд": "2026-11-17",
        # a blank line before ---: the front matter's title, not the first heading
        "Підготовка до переговорів": "2026-11-16",
    }
    page = read(site, JEKYLL_ARTICLE + "index.html")
    body = page[page.index('<div class="body">') : page.index("</article>")]
    assert (
        '<a href="../../../../archive/">архіві</a> і на <a href="../../../../">головній</a>'
    ) in body
    assert (
        '<p>Напередодні: <a href="../../../../2026/11/16/pidhotovka-do-perehovoriv/">'
        "підготовка</a>.</p>"
    ) in body
    assert '<pre><code class="language-python">print("мир")\n</code></pre>' in body
    assert "<p>У шаблонах Jekyll пишуть <code>{{ page.title }}</code>.</p>" in body
    assert "<p>Код на .</p>" in body
    assert "{%" not in body
    assert jsonld(page)["author"] == {
        "@type": "Person",
        "name": "Марія Шевчук",
        "url": "https://example.org/shevchuk",
    }
    assert (
        '<meta property="og:image" content="https://example.github.io/news/assets/geneva.jpg">'
        in (page)
    )
    for old, up in (
        ("2026/11/17/peregovory.html", "../../../"),
        ("news/geneva/index.html", "../../"),
        ("diplomacy/peregovory-v-zhenevi/index.html", "../../"),  # the old permalink
    ):
        assert f'<meta http-equiv="refresh" content="0; url={up}{JEKYLL_ARTICLE}">' in read(
            site, old
        )
    assert warnings_of(result) == [
        "content/_posts/2026-11-17-peregovory.markdown:27: Liquid tag {% include %} is not "
        "supported; left out — write what it made as Markdown",
        "content/_posts/2026-11-17-peregovory.markdown:29: Liquid {{ site.repository }} is not "
        "supported; left out — write its value in the text",
    ]


# --- Pelican and Eleventy ----------------------------------------------------------------


def test_pelican_metadata(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "pelican")
    result = build_now(site)
    assert warnings_of(result) == []
    (article,) = result.site.articles
    assert article.title == "Укренерго: графіки відключень скасовано"
    assert article.url == "2026/11/19/hrafiky-skasovano/"
    assert article.moment.isoformat() == "2026-11-19T08:15:00+02:00"
    assert article.updated is not None and article.updated.isoformat() == (
        "2026-11-19T12:00:00+02:00"
    )
    # "Category: energy" and the tag "енергетика" are one topic, by key and by name
    assert [t.name for t in article.topics] == ["Енергетика", "відключення"]
    assert article.author == "Олена Коваль, Петро Мельник"
    assert article.summary == "Графіків не буде до вихідних."
    page = read(site, article.url + "index.html")
    assert "<p>Укренерго повідомило, що графіки відключень скасовано.</p>" in page
    assert "Title:" not in page
    (site / "content/status.md").write_text(
        "Title: Чернетка\nDate: 2026-11-19\nStatus: draft\n\nТекст.\n", encoding="utf-8"
    )
    assert [a.title for a in build_now(site).site.articles] == [article.title]
    assert "Чернетка" in {a.title for a in build_now(site, drafts=True).site.articles}


def test_eleventy_permalink_becomes_a_redirect(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "eleventy")
    result = build_now(site)
    assert {a.title: a.url for a in result.site.articles} == {
        "Ціна на хліб зросла на 3%": "2026/11/20/tsina-na-khlib-zrosla-na-3/",
        "Шаблонна адреса": "2026/11/21/shablonna-adresa/",
    }
    assert '<meta http-equiv="refresh" content="0; url=../../2026/11/20/tsina-na-khlib' in read(
        site, "blog/tsina-na-khlib/index.html"
    )
    assert warnings_of(result) == [
        'content/blog/2026-11-21-shablon.md:4: permalink: "/blog/{{ page.fileSlug }}/" is a '
        "pattern, not an address; no redirect made — write the old address as it was, "
        "e.g. /2019/01/old-post/"
    ]


# --- digest check, --strict ----------------------------------------------------------------


def test_check_lists_redirects_and_what_was_not_carried_over(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "hugo", "jekyll", "eleventy")
    build_now(site)
    result = run_cli("check", "-s", str(site))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Not carried over from the sources (7):"
    assert (
        "  content/news/vidnovlennia/index.md:26: shortcode {{< gh >}} is not supported; left "
        "out — write what it showed as Markdown or HTML"
    ) in lines
    assert "Redirects from old addresses (6):" in lines
    assert f"  news/old-energy/index.html -> {HUGO_ARTICLE}" in lines
    assert f"  2026/11/17/peregovory.html -> {JEKYLL_ARTICLE}" in lines
    assert "orphan page" not in result.output and "broken link" not in result.output
    assert lines[-1].endswith(", 6 redirects under /news/: 7 problems")


def test_strict_fails_on_what_was_not_carried_over(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "eleventy")
    result = run_cli("build", "-s", str(site), "--strict")
    assert result.exit_code == 1
    assert "is a pattern, not an address; no redirect made" in result.output


def test_redirect_that_would_replace_a_page_is_refused(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "pelican")
    (site / "content/b.md").write_text(
        "---\ntitle: Б\ndate: 2026-11-20\naliases: [/tags/, /2026/11/19/hrafiky-skasovano/, "
        "/archive/old.html, /ok/]\n---\nТекст.\n",
        encoding="utf-8",
    )
    (site / "content/c.md").write_text(
        "---\ntitle: В\ndate: 2026-11-21\nredirect_from: /ok/\n---\nТекст.\n", encoding="utf-8"
    )
    result = build_now(site)
    assert warnings_of(result) == [
        "content/b.md: aliases: /tags/ is the address of a page of this site; no redirect made"
        " — remove it from aliases",
        "content/b.md: aliases: /2026/11/19/hrafiky-skasovano/ is the address of a page of "
        "this site; no redirect made — remove it from aliases",
        "content/b.md: aliases: /archive/old.html is the address of a page of this site; no "
        "redirect made — remove it from aliases",
        "content/c.md: redirect_from: /ok/ is already an old address of content/b.md; no "
        "redirect made — remove it from redirect_from",
    ]
    assert "url=../2026/11/20/b/" in read(site, "ok/index.html")


# --- incremental builds ----------------------------------------------------------------


def verified(site: Path, offset: timedelta = timedelta()) -> BuildResult:
    result, differences = verify(site, BuildOptions(now=NOW + offset))
    assert differences == []
    return result


@pytest.mark.slow
def test_verify_holds_for_redirects_and_bundle_files(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "hugo")
    verified(site)
    bundle = site / "content/news/vidnovlennia"
    (bundle / "scheme.png").write_bytes(b"\x89PNG\r\n\x1a\n a new scheme")
    verified(site)
    assert (site / "_site" / HUGO_ARTICLE / "scheme.png").read_bytes().endswith(b"new scheme")
    (bundle / "docs/report.pdf").unlink()
    verified(site)
    assert not (site / "_site" / HUGO_ARTICLE / "docs/report.pdf").exists()
    index = bundle / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace('"stare-zhyvlennia"]', '"stare-zhyvlennia", "/x/"]'), "utf-8")
    verified(site)
    assert "url=../" + HUGO_ARTICLE in read(site, "x/index.html")
    index.write_text(text, encoding="utf-8")
    verified(site)
    assert not (site / "_site/x/index.html").exists()


@pytest.mark.slow
def test_expired_article_goes_when_its_time_comes(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "pelican")
    (site / "content/a.md").write_text(
        '+++\ntitle = "Акція"\ndate = 2026-11-20\nexpiryDate = 2026-11-27T00:00:00+02:00\n'
        "+++\nТекст.\n",
        encoding="utf-8",
    )
    assert "Акція" in {a.title for a in verified(site).site.articles}
    later = verified(site, timedelta(days=3))
    assert later.parsed == 0  # nothing was read again: only the calendar moved
    assert "Акція" not in {a.title for a in later.site.articles}
    assert not (site / "_site/2026/11/20/aktsiia/index.html").exists()


# --- front matter --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("\n\n---\ntitle: Т\ndate: 2026-11-02\n---\nТекст.\n", "yaml"),
        ("  \n+++\ntitle = 'Т'\ndate = 2026-11-02\n+++\nТекст.\n", "toml"),
        ('{"title": "Т", "date": "2026-11-02"}\nТекст.\n', "json"),
        ("Title: Т\nDate: 2026-11-02\n\nТекст.\n", "pelican"),
    ],
)
def test_front_matter_formats(text: str, kind: str) -> None:
    front = split_front_matter(text, "content/a.md")
    assert front.format == kind
    assert front.meta["title"] == "Т"
    assert str(front.meta["date"]) == "2026-11-02"
    assert front.body == "Текст.\n"


@pytest.mark.parametrize(
    "text",
    [
        "Увага: відключення світла.\nДеталі згодом.\n",  # not Pelican metadata
        "{{< youtube x >}}\n\nТекст.\n",  # not JSON
        "{.lead}\nТекст.\n",
    ],
)
def test_prose_is_not_front_matter(text: str) -> None:
    front = split_front_matter(text, "content/a.md")
    assert (front.format, front.meta, front.body) == ("", {}, text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "\n---\ntitle: Т\ndate: [2026\n---\nТекст.\n",
            "content/a.md:4: front matter: invalid YAML",
        ),
        (
            "+++\ntitle = 'Т'\ndate 2026-11-02\n+++\n",
            "content/a.md:3: front matter (TOML): Expected '=' after a key in a key/value pair"
            " — fix the TOML between the +++ lines",
        ),
        (
            '{"title": "Т",\n "date": }\nТекст.\n',
            "content/a.md:2: front matter (JSON): Expecting value — fix the JSON object at the "
            "top of the file",
        ),
        (
            "\n\n+++\ntitle = 'Т'\n",
            "content/a.md:3: front matter is not closed — add a line with +++",
        ),
    ],
)
def test_unreadable_front_matter_says_so_not_no_date(text: str, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        split_front_matter(text, "content/a.md")
    assert str(caught.value).startswith(message)


def test_front_matter_key_lines_after_blank_lines(tmp_path: Path) -> None:
    site = imported_site(tmp_path)
    (site / "content/a.md").write_text(
        "\n\n---\ntitle: Т\ndate: 11/02/2026\n---\nТекст.\n", encoding="utf-8"
    )
    config, _ = load_config(site)
    with pytest.raises(SourceError) as caught:
        ArticleReader(config).read(site / "content/a.md")
    assert str(caught.value) == (
        "content/a.md:5: date: expected a date like 2026-02-11, 2026-02-11 18:00 or "
        '2026-02-11T18:00:00+02:00, got "11/02/2026" — fix the date'
    )


def test_zola_page_with_assets_and_taxonomies(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "zola")
    result = build_now(site)
    assert warnings_of(result) == []
    (article,) = result.site.articles
    assert (article.title, article.url) == (
        "Перша зустріч мерів",
        "2026/11/22/persha-zustrich-meriv/",
    )
    assert [t.name for t in article.topics] == ["Дипломатія", "міста"]
    page = read(site, article.url + "index.html")
    assert '<img alt="Мери на площі Ринок" src="zustrich.jpg">' in page
    assert (site / "_site" / article.url / "zustrich.jpg").read_bytes() == (
        site / "content/blog/persha-zustrich/zustrich.jpg"
    ).read_bytes()
    assert 'Оновлено <time datetime="2026-11-22T15:30:00+02:00">' in page


def test_a_long_line_of_unclosed_braces_stays_quick(tmp_path: Path) -> None:
    site = imported_site(tmp_path)
    body = "Заява ʼпро мир’ {{< x {% y {{ z " * 3000  # one line, about 90,000 characters
    (site / "content/a.md").write_text(f"---\ntitle: Т\ndate: 2026-11-02\n---\n{body}\n", "utf-8")
    config, _ = load_config(site)
    started = time.perf_counter()
    entry, problems = ArticleReader(config).read(site / "content/a.md")
    assert time.perf_counter() - started < 3
    assert problems == [] and entry.body_html.startswith("<p>Заява ʼпро мир’ {{&lt; x {% y {{ z")


def test_redirect_pages_are_not_in_the_search_index(tmp_path: Path) -> None:
    site = imported_site(tmp_path, "hugo")
    (site / "site.yaml").write_text(CONFIG.replace("search: false", "search: true"), "utf-8")
    build_now(site)
    docs = site / "_site" / INDEX_DIR / "d"
    chunks = [p for p in docs.glob("*.json") if p.stem.isdigit()]
    urls = [doc[0] for p in chunks for doc in json.loads(p.read_bytes())]
    assert sorted(urls) == ["2026/11/02/zvit-za-zhovten/", HUGO_ARTICLE]


def test_a_full_url_is_a_source_not_an_old_address(tmp_path: Path) -> None:
    site = imported_site(tmp_path)
    (site / "content/a.md").write_text(
        "---\ntitle: Т\ndate: 2026-11-02\nurl: https://news.example.org/2026/11/02/t\n"
        "aliases: [https://old.example.org/t/, ../../etc/]\n---\nТекст.\n",
        encoding="utf-8",
    )
    result = build_now(site)
    assert warnings_of(result) == [
        'content/a.md:5: aliases: "https://old.example.org/t/" is not an address inside the '
        "site; no redirect made — write a path like /2019/01/old-post/",
        'content/a.md:5: aliases: "../../etc/" is not an address inside the site; no redirect '
        "made — write a path like /2019/01/old-post/",
    ]
    assert result.site.articles[0].redirects == ()


SHORTCODE_TEXT = st.text(alphabet='{}<>%/*` \n"=ab#-|.', max_size=300)


@settings(max_examples=300, deadline=None)
@given(SHORTCODE_TEXT)
def test_expanding_any_text_never_fails(text: str) -> None:
    where = Where(
        "content/a.md", Path("/nowhere/content/a.md"), Path("/nowhere"), Path("/nowhere/content"), 1
    )
    expansion = expand(text, where)
    if "{{" not in text and "{%" not in text:
        assert expansion.text == text and expansion.problems == []


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["---\n", "+++\n", "{\n", '{"', "Title: x\n", "\n\n"]), SHORTCODE_TEXT)
def test_front_matter_is_read_or_refused_with_a_problem(opening: str, rest: str) -> None:
    try:
        split_front_matter(opening + rest, "content/a.md")
    except SourceError as e:
        assert e.problem.path == "content/a.md" and e.problem.message


def test_deeply_nested_front_matter_is_refused() -> None:
    for text in ('{"a": ' + "[" * 100_000, "+++\na = " + "[" * 100_000 + "\n+++\n"):
        with pytest.raises(SourceError, match="front matter"):
            split_front_matter(text, "content/a.md")


def test_a_link_to_a_post_not_copied_over_keeps_its_anchor(tmp_path: Path) -> None:
    site = imported_site(tmp_path)
    (site / "content/a.md").write_text(
        "---\ntitle: Т\ndate: 2026-11-02\n---\nДив. [історію]({% link _docs/history.md %}#v4)"
        ' і [ще]({{< ref "nema.md" >}}).\n',
        encoding="utf-8",
    )
    config, _ = load_config(site)
    entry, problems = ArticleReader(config).read(site / "content/a.md")
    assert entry.body_html == '<p>Див. <a href="#v4">історію</a> і <a href="">ще</a>.</p>'
    assert [str(p) for p in problems] == [
        'content/a.md:5: link to "_docs/history.md": no such article under content/; the link '
        "goes nowhere — fix the path, or copy that article into the content folder",
        'content/a.md:5: link to "nema.md": no such article under content/; the link goes '
        "nowhere — fix the path, or copy that article into the content folder",
    ]
