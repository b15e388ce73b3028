"""Whole builds: what a reader of the built site sees on its day, topic and article pages."""

from __future__ import annotations

import re

from tests.conftest import BASIC_CONFIG, MakeSite, build_at_now, read

SEED_STORY = (
    "date 2026-02-11 Генеральний секретар НАТО прибув до Києва.\n\n"
    "Генеральний секретар НАТО прибув до Києва, щоб обговорити переговори про безпеку.\n\n"
    "Візит не анонсували заздалегідь.\n\n"
    "Що обговорили\n\n"
    "Сторони говорили про «енергетику» та про сім’ю загиблих — докладно.\n"
)


def md(title: str, date: str, tags: str = "", extra: str = "", body: str = "Текст.") -> str:
    tag_line = f"tags: {tags}\n" if tags else ""
    return f"---\ntitle: {title}\ndate: {date}\n{tag_line}{extra}---\n\n{body}\n"


def test_seed_like_site_day_page_topics_dates_slug_heading_lang(make_site: MakeSite) -> None:
    site = make_site({"content/2026/02/natos.txt": SEED_STORY})
    result = build_at_now(site)
    assert result.warnings == []
    day = read(site, "2026/02/11/index.html")
    assert '<html lang="uk">' in day
    assert "11 лютого 2026" in day
    assert '<h2 id="topic-diplomacy">Дипломатія</h2>' in day
    assert 'href="heneralnyi-sekretar-nato-prybuv-do-kyieva/"' in day
    article = read(site, "2026/02/11/heneralnyi-sekretar-nato-prybuv-do-kyieva/index.html")
    assert re.search(r"<h1[^>]*>Генеральний секретар НАТО прибув до Києва</h1>", article)
    assert "<h2>Що обговорили</h2>" in article
    assert "«енергетику» та про сім’ю загиблих — докладно." in article
    assert '<html lang="uk">' in article
    topic = read(site, "tags/diplomacy/index.html")
    assert "Генеральний секретар НАТО прибув до Києва" in topic


def test_day_is_the_date_in_the_site_timezone(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/late.md": md("Пізня новина", "2026-02-10T23:30:00Z", "[diplomacy]"),
            "content/local.md": md("Місцева новина", "2026-02-10 23:30", "[diplomacy]"),
            "content/dateonly.md": md("Без часу", "2026-02-10", "[diplomacy]"),
        }
    )
    result = build_at_now(site)
    assert [d.date.isoformat() for d in result.site.days] == ["2026-02-11", "2026-02-10"]
    assert "Пізня новина" in read(site, "2026/02/11/index.html")
    feb10 = read(site, "2026/02/10/index.html")
    assert "Місцева новина" in feb10 and "Без часу" in feb10
    assert "Пізня новина" not in feb10
    assert ">01:30<" in read(site, "2026/02/11/piznia-novyna/index.html").replace(", ", ">")


def test_keyword_rules_match_word_starts_case_insensitively(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/a.txt": "date 2026-02-11 Тривають ПЕРЕГОВОРИ щодо миру\n\nТекст.\n",
            "content/b.txt": "date 2026-02-11 Раунд переговорів завершився\n\nТекст.\n",
            "content/c.txt": "date 2026-02-11 Суперпереговорник виграв турнір\n\nТекст.\n",
            "content/d.txt": "date 2026-02-11 Новина\n\nЛід.\n\nУхвалили бюджет на рік.\n",
            "content/f.txt": "date 2026-02-11 Ніщо\n\nНіщо не відомо.\n",
            "content/e.md": md("Тегована", "2026-02-11", "[economy]", body="Переговори тривають."),
        }
    )
    result = build_at_now(site)
    topics_of = {a.title: [t.key for t in a.topics] for a in result.site.articles}
    # The preset's `world` has `переговор` too; site.yaml's topics come first on a tie.
    assert topics_of["Тривають ПЕРЕГОВОРИ щодо миру"] == ["diplomacy", "world"]
    assert topics_of["Раунд переговорів завершився"] == ["diplomacy", "world"]
    assert topics_of["Суперпереговорник виграв турнір"] == ["sport"]  # `турнір`, not `переговор`
    assert topics_of["Новина"] == ["economy"]  # keyword in the body
    assert topics_of["Тегована"] == ["economy"]  # front-matter tags win over keywords
    assert topics_of["Ніщо"] == []
    assert len(result.site.untagged) == 1
    assert "1 untagged" in result.summary()
    day = read(site, "2026/02/11/index.html")
    assert '<h2 id="topic-untagged">Інші новини</h2>' in day


def test_sections_follow_site_order_then_free_tags_then_untagged(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/a.md": md("Культура", "2026-02-11 10:00", "[culture]"),
            "content/b.md": md("Гроші", "2026-02-11 11:00", "[economy, diplomacy]"),
            "content/c.md": md("Дипло", "2026-02-11 12:00", "[diplomacy]"),
            "content/d.md": md("Ніяка", "2026-02-11 13:00"),
        }
    )
    build_at_now(site)
    day = read(site, "2026/02/11/index.html")
    digest = day[day.index('<div class="digest">') :]
    ids = re.findall(r'<h2 id="topic-([a-z-]+)"', digest)
    assert ids == ["diplomacy", "economy", "culture", "untagged"]
    # each story once, under its first topic, with its other topics linked
    assert digest.count(">Гроші<") == 1
    economy = digest[digest.index('id="topic-economy"') : digest.index('id="topic-culture"')]
    assert ">Гроші<" in economy
    assert 'Також у темах: <a href="../../../tags/diplomacy/">Дипломатія</a>' in economy
    assert read(site, "tags/culture/index.html").count(">Культура<") >= 1


def test_drafts_and_future_articles_only_when_asked(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/draft.md": md("Чернетка", "2026-02-11", extra="draft: true\n"),
            "content/future.md": md("Майбутнє", "2026-11-25 18:00"),
            "content/today.md": md("Сьогодні", "2026-11-25"),
            "content/past.md": md("Минуле", "2026-02-11"),
        }
    )
    titles = {a.title for a in build_at_now(site).site.articles}
    assert titles == {"Сьогодні", "Минуле"}
    assert not (site / "_site/2026/02/11/chernetka").exists()
    titles = {a.title for a in build_at_now(site, drafts=True, future=True).site.articles}
    assert titles == {"Чернетка", "Майбутнє", "Сьогодні", "Минуле"}


def test_same_slug_on_one_day_gets_a_suffix_and_a_warning(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/a.md": md("Новини дня", "2026-02-11 09:00"),
            "content/b.md": md("Новини дня", "2026-02-11 10:00"),
            "content/c.md": md("Новини дня", "2026-02-12 10:00"),
        }
    )
    result = build_at_now(site)
    assert [str(w) for w in result.warnings] == [
        'content/b.md: slug "novyny-dnia" is already used on 2026-02-11 by content/a.md; '
        'published as "novyny-dnia-2" — set a different slug: in the front matter'
    ]
    assert (site / "_site/2026/02/11/novyny-dnia/index.html").is_file()
    assert (site / "_site/2026/02/11/novyny-dnia-2/index.html").is_file()
    assert (site / "_site/2026/02/12/novyny-dnia/index.html").is_file()


def test_english_site_dates_and_article_lang_override(make_site: MakeSite) -> None:
    config = BASIC_CONFIG.replace("language: uk", "language: en")
    site = make_site(
        {
            "content/a.md": md("Talks resume", "2026-02-11 09:00", "[diplomacy]"),
            "content/b.md": md("Переговори", "2026-02-11 10:00", extra="lang: uk\n"),
        },
        config=config,
    )
    build_at_now(site)
    day = read(site, "2026/02/11/index.html")
    assert '<html lang="en">' in day
    assert "11 February 2026" in day
    assert "Wednesday" in day
    assert "2 stories" in day
    assert '<html lang="uk">' in read(site, "2026/02/11/perehovory/index.html")


def test_ukrainian_plural_forms_and_month_names(make_site: MakeSite) -> None:
    files = {
        f"content/{i}.md": md(f"Новина {i}", f"2026-03-0{1 + i // 5} 10:0{i % 5}") for i in range(7)
    }
    site = make_site(files)
    build_at_now(site)
    assert "5 новин" in read(site, "2026/03/01/index.html")
    assert "2 новини" in read(site, "2026/03/02/index.html")
    month = read(site, "2026/03/index.html")
    assert "березень 2026" in month
    assert "неділя, 1 березня 2026" in month


def test_every_page_links_stay_under_the_base_path(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": SEED_STORY})
    build_at_now(site)
    out = site / "_site"
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            if link.startswith(("https://", "#", "data:")):
                continue
            if page.name == "404.html":
                assert link.startswith("/news/"), (page, link)
                continue
            assert not link.startswith("/"), (page, link)
            target = (page.parent / link).resolve()
            if link.endswith("/") or link == "./":
                target = target / "index.html"
            assert target.is_file(), (page, link)
            assert target.is_relative_to(out.resolve())


def test_home_and_topic_pagination(make_site: MakeSite) -> None:
    config = BASIC_CONFIG + "per_page: 2\n"
    files = {
        f"content/{d}.md": md(f"День {d}", f"2026-02-{d:02d}", "[economy]") for d in range(1, 6)
    }
    site = make_site(files, config=config)
    build_at_now(site)
    assert "День 5" in read(site, "index.html") and "День 3" not in read(site, "index.html")
    assert "День 3" in read(site, "page/2/index.html")
    assert "День 1" in read(site, "page/3/index.html")
    assert 'href="../../page/2/"' in read(site, "page/3/index.html")
    assert "День 1" in read(site, "tags/economy/page/3/index.html")
    assert "Сторінка 3 з 3" in read(site, "tags/economy/page/3/index.html")


def test_archives_and_404(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": SEED_STORY})
    build_at_now(site)
    assert "лютий 2026" in read(site, "archive/index.html")
    assert "11 лютого 2026" in read(site, "2026/index.html")
    assert "Генеральний секретар НАТО" in read(site, "2026/02/index.html")
    not_found = read(site, "404.html")
    assert 'href="/news/static/style.css"' in not_found
    assert "Сторінку не знайдено" in not_found
    assert (site / "_site/.nojekyll").is_file()


def test_titles_and_tags_are_escaped_everywhere(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/a.md": md(
                '"<b>Жирно</b> & [посилання](x) *зірки*"', "2026-02-11", '["<i>тег</i>"]'
            )
        }
    )
    build_at_now(site)
    day = read(site, "2026/02/11/index.html")
    assert "&lt;b&gt;Жирно&lt;/b&gt; &amp; [посилання](x) *зірки*" in day
    assert "<b>Жирно" not in day and "<i>тег" not in day
    assert "&lt;i&gt;тег&lt;/i&gt;" in read(site, "tags/index.html")
