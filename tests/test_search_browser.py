"""Search in a real browser: the example site under its base path, queried in two languages."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import build_at_now, serve_folder

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
        link.first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == expected
        assert errors == []
        page.close()
