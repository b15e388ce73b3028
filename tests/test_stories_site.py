"""Stories on a built site: several outlets' reports of one event shown once, with the others
under it; top stories first; digest.json and digest.md with the same grouping."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from digest import reading, stories
from digest.build import BuildOptions
from digest.verify import verify
from tests.conftest import NOW, MakeSite, build_at_now, read
from tests.large_day import CONFIG as LARGE_CONFIG
from tests.large_day import DAY as LARGE_DAY
from tests.large_day import large_day_files
from tests.story_fixtures import UK

LARGE_BASE = "https://example.github.io/digest/"

CONFIG = """\
title: Дайджест
base_url: https://example.org/news/
language: uk
timezone: Europe/Kyiv
search: false
sources:
  unian: {name: УНІАН, url: "https://www.unian.ua/rss"}
  ukrinform: {name: Укрінформ, url: "https://www.ukrinform.ua/rss", site: "https://www.ukrinform.ua/"}
"""

WIRE = ("unian", "ukrinform")  # these outlets' files are plain wire stories in their folders


def fixture_files(rows: list[tuple[str, str, str, str, str]] = UK) -> dict[str, str]:
    """The story fixtures as a site: UNIAN and Ukrinform as wire stories under their folders
    (no time of day), other outlets as Markdown with a time and a source URL."""
    files = {}
    for n, (_, outlet, when, title, lede) in enumerate(rows):
        if outlet in WIRE:
            files[f"content/{outlet}/{n:02}.txt"] = (
                f"date {when[:10]} {title}\n\n{lede}\n\nДругий абзац.\n"
            )
        else:
            files[f"content/other/{n:02}.md"] = (
                f'---\ntitle: "{title}"\ndate: {when}\n'
                f"source: https://www.{outlet}.com.ua/news/{n}\n---\n\n{lede}\n"
            )
    return files


def day_json(site: Path, day: str = "2026/11/13") -> dict[str, object]:
    result: dict[str, object] = json.loads(read(site, f"{day}/digest.json"))
    return result


def test_one_event_is_one_story_with_every_report_and_its_outlet(make_site: MakeSite) -> None:
    site = make_site(fixture_files(), config=CONFIG)
    build_at_now(site)
    stories = day_json(site)["stories"]
    assert isinstance(stories, list)
    grouped = {s["title"]: [(r["title"], r["source"]) for r in s["reports"]] for s in stories}
    # Reports with a time of day lead: the wire stories give only their date.
    assert grouped["Зеленський готує щорічне послання до Верховної Ради — ОП"] == [
        ("Зеленський готує щорічне послання до Верховної Ради — ОП", "pravda.com.ua"),
        ("Зеленський почав готувати щорічне послання до Ради", "Укрінформ"),
        ("Зеленський розпочав підготовку щорічного послання до Ради", "УНІАН"),
    ]
    assert grouped["НБУ залишив облікову ставку на рівні 15,5%"] == [
        ("НБУ залишив облікову ставку на рівні 15,5%", "interfax.com.ua"),
        ("Нацбанк не став змінювати ставку", "rbc.com.ua"),
        ("Нацбанк зберіг облікову ставку 15,5%: що це означає для гривні", "УНІАН"),
    ]
    # Near misses stay apart.
    assert grouped["Усик прогнозує нокаут Ф’юрі у реванші"] == [
        ("Усик прогнозує нокаут Ф’юрі у реванші", "sport.com.ua")
    ]
    assert ("Ф’юрі прогнозує перемогу над Усиком у реванші", "sport.com.ua") in [
        r for reports in grouped.values() for r in reports
    ]
    # Every report of the day is in exactly one story, in page order: the biggest first.
    reports = [r["url"] for s in stories for r in s["reports"]]
    articles = day_json(site)["articles"]
    assert isinstance(articles, list)
    assert sorted(reports) == sorted(a["url"] for a in articles)
    assert [len(s["reports"]) for s in stories[:2]] == [3, 3]
    first = stories[0]
    assert set(first) == {"title", "url", "topic", "reports"}
    assert first["topic"] == "economy"
    assert first["reports"][0]["url"] == first["url"]


def test_the_day_page_shows_a_story_once_with_its_other_reports(make_site: MakeSite) -> None:
    site = make_site(fixture_files(), config=CONFIG)
    build_at_now(site)
    page = read(site, "2026/11/13/index.html")
    assert '<h2 id="topic-top">Головне</h2>' in page
    assert '<a href="#topic-top">Головне <span class="count" aria-hidden="true">5</span>' in page
    assert page.count(">Нацбанк не став змінювати ставку</a>") == 1
    assert '<p class="more-reports">ще 2 повідомлення</p>' in page
    assert (
        '<li><a href="natsbank-zberih-oblikovu-stavku-15-5-shcho-tse-oznachaie-dlia-hryvni/">'
        "Нацбанк зберіг облікову ставку 15,5%: що це означає для гривні</a> — УНІАН</li>"
    ) in page
    top = page.split('<h2 id="topic-top">')[1].split("<h2 ")[0]
    assert "НБУ залишив облікову ставку" in top and "Усик прогнозує" not in top
    markdown = read(site, "2026/11/13/digest.md")
    assert "## Головне\n" in markdown
    assert (
        "ще 2 повідомлення\n\n- [Нацбанк не став змінювати ставку](https://example.org/news/"
        in (markdown)
    )


def test_an_article_page_links_the_other_reports_of_its_story(make_site: MakeSite) -> None:
    site = make_site(fixture_files(), config=CONFIG)
    build_at_now(site)
    page = read(site, "2026/11/13/natsbank-ne-stav-zminiuvaty-stavku/index.html")
    other = page.split('<nav class="other-reports"')[1].split("</nav>")[0]
    assert "Інші повідомлення про цю подію" in other
    assert ">НБУ залишив облікову ставку на рівні 15,5%</a> — interfax.com.ua</li>" in other
    assert "— УНІАН</li>" in other
    assert "Нацбанк не став змінювати ставку" not in other
    alone = read(site, "2026/11/13/u-kharkovi-vidkryly-shche-odnu-pidzemnu-shkolu/index.html")
    assert "other-reports" not in alone


def test_pinned_and_priority_rank_above_the_biggest(make_site: MakeSite) -> None:
    files = fixture_files()
    files["content/other/pinned.md"] = (
        "---\ntitle: 'Редакція рекомендує: як підготуватися до зими'\ndate: 2026-11-13 07:00\n"
        "pinned: true\n---\n\nПоради.\n"
    )
    files["content/other/bad.md"] = (
        "---\ntitle: Ще одна новина\ndate: 2026-11-13 07:05\npriority: high\n---\n\nТекст.\n"
    )
    site = make_site(files, config=CONFIG)
    result = build_at_now(site)
    stories = day_json(site)["stories"]
    assert isinstance(stories, list)
    assert stories[0]["title"] == "Редакція рекомендує: як підготуватися до зими"
    assert [(w.path, w.line, w.message) for w in result.warnings] == [
        ("content/other/bad.md", 4, "priority: expected a whole number, got 'high'")
    ]


def test_stories_false_keeps_every_report_apart(make_site: MakeSite) -> None:
    site = make_site(fixture_files(), config=CONFIG + "stories: false\n")
    build_at_now(site)
    stories = day_json(site)["stories"]
    assert isinstance(stories, list)
    assert all(len(s["reports"]) == 1 for s in stories)
    assert "topic-top" not in read(site, "2026/11/13/index.html")


def test_a_bad_stories_setting_is_named(make_site: MakeSite) -> None:
    from digest.config import load_config
    from digest.errors import ConfigError

    site = make_site({}, config=CONFIG + "stories: {window_hours: -1, strictness: tight}\n")
    try:
        load_config(site)
    except ConfigError as e:
        messages = [p.message for p in e.problems]
    else:
        raise AssertionError("expected a ConfigError")
    assert messages == [
        "stories.window_hours: expected hours above 0, got -1",
        "stories.strictness: expected one of strict, normal, loose, got 'tight'",
    ]


def test_previous_and_next_day_links_say_the_year_when_it_differs(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/a.txt": "date 2019-11-21 Стара новина\n\nТекст.\n",
            "content/b.txt": "date 2024-01-02 Нова новина\n\nТекст.\n",
            "content/c.txt": "date 2024-01-03 Ще новина\n\nТекст.\n",
        },
        config=CONFIG,
    )
    build_at_now(site)
    page = read(site, "2024/01/02/index.html")
    rail = page.split('<p class="rail-days">')[1].split("</p>")[0]
    assert '<span aria-hidden="true">←</span> 21 листопада 2019</a>' in rail
    assert '3 січ. <span aria-hidden="true">→</span>' in rail


@pytest.mark.slow
def test_a_new_report_changes_its_story_pages_and_the_day_and_verify_holds(
    make_site: MakeSite,
) -> None:
    rows = [r for r in UK if r[0] in ("poslannia", "nbu", "lone-school", "losses-12")]
    site = make_site(fixture_files(rows), config=CONFIG)
    build_at_now(site)
    out = site / "_site"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (site / "content/other/new.md").write_text(
        "---\ntitle: Нацбанк залишив облікову ставку 15,5% без змін\ndate: 2026-11-13 15:00\n"
        "source: https://www.epravda.com.ua/news/1\n---\n\nОблікова ставка лишилася 15,5%.\n",
        encoding="utf-8",
    )
    build_at_now(site)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    changed = {str(p.relative_to(out)) for p in after if before.get(p) != after[p]}
    nbu = day_json(site)["stories"]
    assert isinstance(nbu, list) and len(nbu[0]["reports"]) == 4
    # Exactly these change: the story's pages (the new one and the three it joins, which now
    # link it), its day's page and exports, and the lists that name every article (home,
    # archive counts, feeds, the topic it is filed under, the sitemap).
    story = "2026/11/13/{}/index.html".format
    assert changed == {
        story("natsbank-zalyshyv-oblikovu-stavku-15-5-bez-zmin"),
        story("nbu-zalyshyv-oblikovu-stavku-na-rivni-15-5"),
        story("natsbank-ne-stav-zminiuvaty-stavku"),
        story("natsbank-zberih-oblikovu-stavku-15-5-shcho-tse-oznachaie-dlia-hryvni"),
        "2026/11/13/index.html",
        "2026/11/13/digest.json",
        "2026/11/13/digest.md",
        "index.html",
        "2026/index.html",
        "2026/11/index.html",
        "archive/index.html",
        "tags/index.html",
        "tags/economy/index.html",
        "tags/economy/feed.xml",
        "feed.xml",
        "feed.json",
        "rss.xml",
        "sitemap.xml",
        ".digest-manifest.json",
    }
    # Every other article page, of the same day and of the day before, is byte for byte the
    # same: an article page does not list its day's other articles.
    untouched = [
        p
        for p in before
        if p.name == "index.html"
        and p.parent.parent.name in ("12", "13")
        and str(p.relative_to(out)) not in changed
    ]
    assert {p.parent.parent.name for p in untouched} == {"12", "13"}
    assert len(untouched) == 5  # three reports of the address, the school, the losses
    assert all(after[p] == before[p] for p in untouched)
    assert before.keys() <= after.keys()
    _result, differences = verify(site, BuildOptions(now=NOW))
    assert differences == []


def test_story_words_are_found_once_per_article_when_read_and_grouping_only_compares(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [r for r in UK if r[0] in ("poslannia", "nbu", "lone-school", "losses-12")]
    site = make_site(fixture_files(rows), config=CONFIG)
    build_at_now(site)
    found: list[str] = []

    def spy(title: str, lede: str) -> stories.StoryFeatures:
        found.append(title)
        return real(title, lede)

    real = stories.story_features
    monkeypatch.setattr(stories, "story_features", spy)
    monkeypatch.setattr(reading, "story_features", spy)
    title = "Нацбанк залишив облікову ставку 15,5% без змін"
    (site / "content/other/new.md").write_text(
        f"---\ntitle: {title}\ndate: 2026-11-13 15:00\n---\n\nОблікова ставка лишилася 15,5%.\n",
        encoding="utf-8",
    )
    build_at_now(site)
    # Regrouping all ten reports found the words of the new one only, when it was read.
    assert found == [title]
    assert len(day_json(site)["stories"][0]["reports"]) == 4  # type: ignore[index]


def test_a_large_day_on_the_home_page_is_its_top_stories_and_its_topics(
    make_site: MakeSite,
) -> None:
    # Two days of 360 stories: whole, each would weigh 85 KB on a home page of twenty days.
    files = {}
    for day in ("2026-11-12", "2026-11-13"):
        for rel, text in large_day_files().items():
            files[rel.replace("content/", f"content/{day}/")] = text.replace(LARGE_DAY, day)
    site = make_site(files, config=LARGE_CONFIG)
    build_at_now(site)
    home = read(site, "index.html")
    assert len(home.encode("utf-8")) < 40 * 1024
    for day in ("2026/11/13", "2026/11/12"):
        page = read(site, f"{day}/index.html")
        top = json.loads(read(site, f"{day}/digest.json"))["stories"][:5]
        assert all(f'href="{story["url"]}"'.replace(LARGE_BASE, "") in home for story in top)
        # Each topic with its count, as the day's own jump list has it, linking to its place.
        jumps = re.findall(
            r'<a href="#(topic-[a-z]+)">([^<]+) <span class="count"[^>]*>(\d+)<', page
        )
        assert len(jumps) >= 10
        for anchor, name, count in jumps[1:]:  # the first is the top stories themselves
            assert (
                f'<a href="{day}/#{anchor}">{unescape(name)} <span class="count" '
                f'aria-hidden="true">{count}<' in unescape(home)
            )
        assert f'href="{day}/#topic-top"' not in home
        assert home.count(f'<a href="{day}/">') == 2  # the day's heading, and its full digest
    assert home.count("Повний випуск за") == 2
    # The day pages themselves still hold every story.
    assert read(site, "2026/11/13/index.html").count("<li><a href=") >= 350
