"""Search in a real browser: the example site under its base path, queried in two languages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import build_at_now, serve_folder, write_files
from tests.search_site import SEARCH_CONFIG, SEARCH_SITE

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("example")
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    shutil.copytree(ROOT / "content", site / "content")
    result = build_at_now(site)
    assert result.warnings == []
    return site


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Житомир", "Енергетики завершили ремонт підстанції під Житомиром"),
        ("стартап", "Харківський стартап залучив 2 млн доларів на розробку медичних сенсорів"),
        ("rehabilitation", "Odesa children's hospital opens new rehabilitation wing"),
    ],
)
def test_typing_a_word_finds_the_article(
    example_site: Path, browser: Any, query: str, expected: str
) -> None:
    with serve_folder(example_site / "_site", "/digest/") as url:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.fill("#site-search", query)
        page.press("#site-search", "Enter")
        page.wait_for_url("**/digest/search/?q=*")
        page.fill("#search-query", "")
        page.type("#search-query", query, delay=20)
        link = page.locator("#search-results a", has_text=expected)
        link.first.wait_for(timeout=10_000)
        href = link.first.get_attribute("href")
        assert href is not None and href.startswith("/digest/2026/")
        # Read the article's heading only once its page has opened: right after the click the
        # search page (h1 "Пошук") is still the one shown.
        with page.expect_navigation(url=f"**{href}"):
            link.first.click()
        page.locator("h1", has_text=expected).wait_for(timeout=10_000)
        assert page.locator("h1").inner_text() == expected
        assert errors == []
        page.close()


# --- word forms, ranking, filters and the script API, on a site under /news/ ----------------


@pytest.fixture(scope="module")
def forms_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("forms")
    write_files(site, {"site.yaml": SEARCH_CONFIG, **SEARCH_SITE})
    build_at_now(site)
    return site


@pytest.fixture(scope="module")
def search_page(forms_site: Path, browser: Any) -> Iterator[Any]:
    with serve_folder(forms_site / "_site", "/news/") as url:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "search/")
        page.wait_for_function("typeof window.digestSearch === 'function'")
        yield page
        assert errors == []
        page.close()


def search(page: Any, query: str, options: dict[str, object] | None = None) -> list[Any]:
    return page.evaluate(  # type: ignore[no-any-return]
        "([q, o]) => window.digestSearch(q, o)", [query, options or {}]
    )


def found(page: Any, query: str, options: dict[str, object] | None = None) -> list[str]:
    return [hit["title"] for hit in search(page, query, options)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Title hits first, then body hits; newer first among equals.
        (
            "війна",
            [
                "Країна живе війною третій рік",
                "Війна змінила економіку регіону",
                "Звіт про наслідки",
            ],
        ),
        (
            "війни",
            [
                "Країна живе війною третій рік",
                "Війна змінила економіку регіону",
                "Звіт про наслідки",
            ],
        ),
        (
            "ВІЙНОЮ",
            [
                "Країна живе війною третій рік",
                "Війна змінила економіку регіону",
                "Звіт про наслідки",
            ],
        ),
        # A form no article holds is found through the word's dictionary form.
        (
            "війну",
            [
                "Країна живе війною третій рік",
                "Війна змінила економіку регіону",
                "Звіт про наслідки",
            ],
        ),
        (
            "Києві",
            [
                "Київ готується до зими",
                "Делегація прибула до Києва",
                "Пере\u200bговори у Києві тривають",
                "Звіт про наслідки",
            ],
        ),
        (
            "Київ",
            [
                "Київ готується до зими",
                "Делегація прибула до Києва",
                "Пере\u200bговори у Києві тривають",
                "Звіт про наслідки",
            ],
        ),
        ("переговорів", ["Пере\u200bговори у Києві тривають", "Делегація прибула до Києва"]),
        ("переговори Києва", ["Пере\u200bговори у Києві тривають", "Делегація прибула до Києва"]),
        ("прем’єр", ["Київ готується до зими", "Делегація прибула до Києва"]),
        ("negotiation", ["Negotiating a ceasefire", "Talks resume in Geneva"]),
        ("talk", ["Talks resume in Geneva"]),
        ("чернетка", []),
        ("майбутнє", []),
        ("", []),
    ],
)
def test_digest_search_finds_every_form_in_rank_order(
    search_page: Any, query: str, expected: list[str]
) -> None:
    assert found(search_page, query) == expected


def test_digest_search_result_shape_and_highlighted_excerpt(search_page: Any) -> None:
    hits = search(search_page, "війною")
    assert hits[2] == {
        "url": "/news/2026/02/02/zvit-pro-naslidky/",
        "title": "Звіт про наслідки",
        "excerpt": "Наслідки <mark>війни</mark> відчутні в Києві: ціни зросли.",
        "date": "2026-02-02T09:00",
        "topics": ["Економіка"],
    }
    # Title is plain text; the excerpt is escaped HTML with every matched form marked.
    assert search(search_page, "Київ")[3]["excerpt"] == (
        "Наслідки війни відчутні в <mark>Києві</mark>: ціни зросли."
    )


def test_digest_search_filters_by_topic_and_dates(search_page: Any) -> None:
    assert found(search_page, "negotiations", {"topics": ["diplomacy"]}) == [
        "Talks resume in Geneva"
    ]
    assert found(search_page, "Києві", {"from": "2026-02-04", "to": "2026-02-05"}) == [
        "Делегація прибула до Києва",
        "Пере\u200bговори у Києві тривають",
    ]


def test_digest_search_gives_a_slice_and_the_total(search_page: Any) -> None:
    sliced = search_page.evaluate(
        "window.digestSearch('Києві', {offset: 1, limit: 2})"
        ".then(h => [h.total, h.map(x => x.title)])"
    )
    assert sliced == [4, ["Делегація прибула до Києва", "Пере\u200bговори у Києві тривають"]]
    # Only the document files of the slice were fetched: one, for articles 0-7.
    fetched = search_page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/d/'))"
    )
    assert all("/d/0.json" in name or "/d/facets.json" in name for name in fetched)


def test_search_page_query_count_filters_and_keyboard(forms_site: Path, browser: Any) -> None:
    with serve_folder(forms_site / "_site", "/news/") as url:
        page = browser.new_page()
        page.goto(url + "search/?q=" + "війна")
        page.locator("#search-results li").nth(2).wait_for()
        assert page.locator("#search-status").inner_text() == "Знайдено: 3"
        assert page.locator("#search-results mark").first.inner_text() == "війни"
        page.select_option("#search-topic", "economy")
        page.wait_for_function("document.querySelectorAll('#search-results li').length === 1")
        assert "topic=economy" in page.url
        page.select_option("#search-topic", "")
        page.locator("#search-results li").nth(2).wait_for()
        page.focus("#search-query")
        page.keyboard.press("ArrowDown")
        assert (
            page.evaluate("document.activeElement.textContent") == "Країна живе війною третій рік"
        )
        page.keyboard.press("ArrowDown")
        assert (
            page.evaluate("document.activeElement.textContent") == "Війна змінила економіку регіону"
        )
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.id") == "search-query"
        page.fill("#search-query", "зебра")
        page.wait_for_function(
            "document.getElementById('search-status').textContent === 'Нічого не знайдено.'"
        )
        page.close()
