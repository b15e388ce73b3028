"""The default theme in Chromium: axe-core, layout from 320 px, keyboard, print, screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASIC_CONFIG, build_at_now, serve_folder
from tests.theme_site import ARTIFACTS, PAGE_TYPES, PREFIX, build_example, node_tool

pytestmark = pytest.mark.browser

SCHEMES = ("light", "dark")
AXE_RULES = (
    "() => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values:"
    " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    output = build_example(tmp_path_factory.mktemp("example"))
    with serve_folder(output, PREFIX) as url:
        yield url


@pytest.fixture
def open_page(browser: Any, site_url: str) -> Iterator[Any]:
    """open_page(path, width=, scheme=) -> a loaded Playwright page; JS errors fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def open_(path: str, width: int = 1280, scheme: str = "light", height: int = 800) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme
        )
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        response = page.goto(site_url + path)
        assert response is not None and response.ok, path
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []


@pytest.fixture(scope="module")
def axe_source() -> str:
    return node_tool("axe-core/axe.min.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_no_violations(open_page: Any, axe_source: str, kind: str, scheme: str) -> None:
    if kind == "search":  # with results on the page, as a reader sees it
        page = open_page(PAGE_TYPES[kind] + "?q=Житомир", scheme=scheme)
        page.locator("#search-results a").first.wait_for(timeout=10_000)
    else:
        page = open_page(PAGE_TYPES[kind], scheme=scheme)
    page.add_script_tag(content=axe_source)
    result = page.evaluate(AXE_RULES)
    found = [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]
    assert found == []


@pytest.mark.parametrize("accent", ["#ffcc00", "#000080"])
def test_a_configured_accent_stays_accessible(
    browser: Any, axe_source: str, tmp_path: Path, accent: str
) -> None:
    """Any accent from site.yaml: its text and calendar shades keep their contrast."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text(
        BASIC_CONFIG + f'theme_options: {{accent: "{accent}"}}\n', encoding="utf-8"
    )
    for n in range(1, 5):  # days with 1..4 stories: every heat level
        for k in range(n):
            (site / "content" / f"{n}-{k}.txt").write_text(
                f"date 2026-02-1{n} Переговори {n}.{k}\n\nТекст про бюджет.\n", encoding="utf-8"
            )
    build_at_now(site)
    with serve_folder(site / "_site", "/news/") as url:
        for scheme in SCHEMES:
            context = browser.new_context(color_scheme=scheme)
            page = context.new_page()
            for path in ("2026/02/14/", "2026/02/"):
                page.goto(url + path)
                page.add_script_tag(content=axe_source)
                found = [v["id"] for v in page.evaluate(AXE_RULES)["violations"]]
                assert found == [], (scheme, path)
            context.close()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_nothing_overflows_at_320_px(open_page: Any, kind: str) -> None:
    page = open_page(PAGE_TYPES[kind], width=320)
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5
                && getComputedStyle(e).visibility !== 'hidden'
                && !e.closest('.visually-hidden, .skip'))
            .map((e) => e.tagName.toLowerCase() + '.' + e.className)"""
    )
    assert overflowing == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", [375, 1280])
def test_day_page_screenshots(open_page: Any, width: int, scheme: str) -> None:
    page = open_page(
        PAGE_TYPES["day"], width=width, scheme=scheme, height=812 if width < 800 else 800
    )
    ARTIFACTS.mkdir(exist_ok=True)
    full = ARTIFACTS / f"day-{width}-{scheme}-full.png"
    page.screenshot(path=str(full), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"day-{width}-{scheme}.png"))
    assert full.stat().st_size > 10_000
    # The briefing reads as one: headline, lede and topic label all on screen, in colour.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(251, 250, 248)" if scheme == "light" else "rgb(21, 20, 18)")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".digest h3").first.is_visible()


def test_skip_link_shows_on_focus_and_moves_to_main(open_page: Any) -> None:
    page = open_page(PAGE_TYPES["day"])
    skip = page.locator("a.skip")
    assert skip.bounding_box()["y"] < 0  # off screen until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 20
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")  # the next stop is inside main, not back in the masthead
    assert page.evaluate("!!document.activeElement.closest('main')")


@pytest.mark.parametrize("kind", ["day", "article", "archive"])
def test_every_link_and_field_shows_focus(open_page: Any, kind: str) -> None:
    page = open_page(PAGE_TYPES[kind])
    unseen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """(() => { const e = document.activeElement, s = getComputedStyle(e);
                return [e.tagName + ' ' + (e.textContent || e.id).trim().slice(0, 30),
                        s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; })()"""
        )
        name, outline, width, shadow = style
        if name.startswith("BODY"):
            break
        if (outline == "none" or width < 2) and shadow == "none":
            unseen.append(name)
    assert unseen == []


def test_landmarks_and_language(open_page: Any) -> None:
    for kind, path in PAGE_TYPES.items():
        page = open_page(path)
        assert page.get_attribute("html", "lang") == "uk", kind
        for role in ("banner", "main", "contentinfo", "search"):
            assert page.get_by_role(role).count() >= 1, (kind, role)
        assert page.get_by_role("navigation", name="Головне меню").count() == 1, kind
        assert page.get_by_role("heading", level=1).count() == 1, kind
        page.context.close()


def test_jump_links_reach_each_topic(open_page: Any) -> None:
    page = open_page(PAGE_TYPES["day"], width=375, height=700)
    links = page.locator("nav.jump a")
    assert links.count() == 3
    links.nth(2).click()
    page.wait_for_function("location.hash === '#topic-society'")
    page.wait_for_function(
        "Math.abs(document.getElementById('topic-society').getBoundingClientRect().top) < 40"
    )


def test_calendar_links_each_day_with_its_count(open_page: Any) -> None:
    page = open_page(PAGE_TYPES["month"])
    days = page.locator("table.calendar a")
    assert days.count() == 11  # the November days that have a digest
    link = page.get_by_role("link", name="18 листопада 2026: 4 новини")
    assert link.get_attribute("href") == "18/"
    assert "heat-4" in (link.locator("xpath=..").get_attribute("class") or "")


def test_day_page_prints_as_a_briefing(open_page: Any) -> None:
    page = open_page(PAGE_TYPES["day"])
    page.emulate_media(media="print")
    for hidden in ("nav.jump", ".masthead nav", ".search-box", ".daynav", ".site-footer"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator(".digest h3").count() == 4
    assert page.locator(".digest h3").first.is_visible()
    color = page.evaluate("getComputedStyle(document.querySelector('.digest h3 a')).color")
    assert color == "rgb(0, 0, 0)"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "day-print.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")


def test_dark_and_light_differ_and_keep_the_accent(open_page: Any) -> None:
    colours = {}
    for scheme in SCHEMES:
        page = open_page(PAGE_TYPES["day"], scheme=scheme)
        colours[scheme] = page.evaluate(
            "getComputedStyle(document.querySelector('.digest h2')).color"
        )
    assert colours == {"light": "rgb(179, 38, 30)", "dark": "rgb(226, 88, 80)"}
