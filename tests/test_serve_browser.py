"""digest serve in a real browser: edits show up in the open tab, problems show over it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from digest.build import BuildOptions
from digest.serve import Preview
from tests.conftest import NOW, MakeSite
from tests.test_serve import CONFIG, FILES, Recorder, article

pytestmark = pytest.mark.browser

TIMEOUT = 10_000  # ms to wait for what must happen; the tests never wait for nothing


@pytest.fixture
def live(make_site: MakeSite) -> Iterator[Preview]:
    site = make_site(FILES, config=CONFIG)
    with Preview(site, BuildOptions(now=NOW), reporter=Recorder(), port=0) as running:
        yield running


@pytest.fixture
def tab(browser: Any, live: Preview) -> Iterator[Any]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live.url + "2026/02/11/")
    expect(page.locator("main")).to_contain_text("Депутати проголосували.")
    page.evaluate("window.loadedByTheTest = true")
    yield page
    page.close()
    assert errors == []


def reloaded_by_itself(page: Any) -> bool:
    return bool(page.evaluate("window.loadedByTheTest === undefined"))


def test_editing_an_article_updates_the_open_day_page(live: Preview, tab: Any) -> None:
    (live.site_dir / "content/2026/budget.md").write_text(
        article("Бюджет ухвалили", "budget", "Бюджет на 2027 рік ухвалили в першому читанні."),
        encoding="utf-8",
    )
    expect(tab.locator("main")).to_contain_text("Бюджет на 2027 рік", timeout=TIMEOUT)
    assert reloaded_by_itself(tab)
    expect(tab.locator("#digest-overlay")).to_have_count(0)

    live.stop()  # a tab must not go on looking current once the preview is gone
    expect(tab.locator("#digest-overlay .title")).to_contain_text(
        "Lost the connection", timeout=TIMEOUT
    )


def test_broken_front_matter_shows_file_and_line_until_fixed(live: Preview, tab: Any) -> None:
    source = live.site_dir / "content/2026/budget.md"
    source.write_text("---\ntitle: [Бюджет\ndate: 2026-02-11\n---\n\nТекст.\n", encoding="utf-8")
    expect(tab.locator("#digest-overlay .where")).to_have_text(
        "content/2026/budget.md:2", timeout=TIMEOUT
    )
    expect(tab.locator("#digest-overlay .message")).to_contain_text("front matter")
    expect(tab.locator("#digest-overlay .hint")).to_contain_text("fix the YAML")

    source.write_text(article("Бюджет ухвалили", "budget", "Виправлено."), encoding="utf-8")
    expect(tab.locator("#digest-overlay")).to_have_count(0, timeout=TIMEOUT)
    expect(tab.locator("main")).to_contain_text("Виправлено.")


def test_broken_template_keeps_the_last_good_page_under_the_overlay(
    live: Preview, tab: Any
) -> None:
    template = live.site_dir / "themes/default/templates/day.html"
    template.parent.mkdir(parents=True)
    template.write_text('{% extends "!default/day.html" %}\n{% block main %}{{ oops(}}\n')
    expect(tab.locator("#digest-overlay .title")).to_contain_text("Build failed", timeout=TIMEOUT)
    expect(tab.locator("#digest-overlay .where")).to_contain_text("day.html:2")
    expect(tab.locator("main")).to_contain_text("Депутати проголосували.")
    assert not reloaded_by_itself(tab)  # nothing new was built: the page stays as it is

    template.unlink()
    expect(tab.locator("#digest-overlay")).to_have_count(0, timeout=TIMEOUT)


def test_deleted_article_404s_and_leaves_its_day_page(live: Preview, tab: Any) -> None:
    expect(tab.locator("main")).to_contain_text("Енергосистема стабільна")
    (live.site_dir / "content/2026/grid.md").unlink()
    expect(tab.locator("main")).not_to_contain_text("Енергосистема стабільна", timeout=TIMEOUT)
    expect(tab.locator("main")).to_contain_text("Бюджет ухвалили")
    response = tab.goto(live.url + "2026/02/11/grid/")
    assert response is not None and response.status == 404


def test_a_retitled_article_is_followed_to_its_new_address(
    browser: Any, make_site: MakeSite
) -> None:
    no_slug = "---\ntitle: {}\ndate: 2026-02-11 10:00\ntags: [economy]\n---\n\nТекст.\n"
    site = make_site(
        {**FILES, "content/2026/port.md": no_slug.format("Порт відкрили")}, config=CONFIG
    )
    with Preview(site, BuildOptions(now=NOW), reporter=Recorder(), port=0) as running:
        page = browser.new_page()
        page.goto(running.url + "2026/02/11/port-vidkryly/")
        expect(page.locator("h1")).to_contain_text("Порт відкрили")
        (site / "content/2026/port.md").write_text(no_slug.format("Порт закрили"), "utf-8")
        expect(page).to_have_url(running.url + "2026/02/11/port-zakryly/", timeout=TIMEOUT)
        expect(page.locator("h1")).to_contain_text("Порт закрили")
        page.close()
