"""The default theme without a browser: its words, its colours, theme_options, the calendar."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel import Locale

from digest.calendar_view import Calendars, heat_level
from digest.colors import DARK, DEFAULT_ACCENT, LIGHT, contrast, palette, parse_hex
from digest.config import load_config
from digest.errors import ConfigError
from digest.model import Day
from digest.theme import BUILTIN_THEME
from digest.yamlload import load_yaml
from tests.conftest import BASIC_CONFIG, MakeSite, build_at_now, read, run_cli

TEMPLATES = BUILTIN_THEME / "templates"
STYLE = (BUILTIN_THEME / "static" / "style.css").read_text(encoding="utf-8")
STORY = {"content/a.md": "---\ntitle: Переговори тривають\ndate: 2026-02-11 10:00\n---\nТекст.\n"}


def words(language: str) -> dict[str, object]:
    data, _ = load_yaml((BUILTIN_THEME / "i18n" / f"{language}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# Words ---------------------------------------------------------------------------------------


def test_ukrainian_has_every_english_word_and_all_plural_forms() -> None:
    en, uk = words("en"), words("uk")
    assert set(uk) == set(en)
    for key, value in uk.items():
        if isinstance(en[key], dict):
            assert isinstance(value, dict) and {"one", "few", "many", "other"} <= set(value), key


def test_every_word_the_templates_use_is_in_the_english_file() -> None:
    en = words("en")
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z_]+)", text))
        used |= set(re.findall(r"plural\([\"']([a-z_]+)[\"']", text))
    assert used - set(en) == set()
    assert {"untagged", "also_in"} <= set(en)  # the day digest's own words (digest/compose.py)


# Colours -------------------------------------------------------------------------------------


def css_block(text: str) -> dict[str, str]:
    return dict(re.findall(r"(--[a-z0-9-]+):\s*([^;]+);", text))


def test_stylesheet_colours_match_the_palette_code() -> None:
    light = css_block(STYLE[: STYLE.index("@media (prefers-color-scheme: dark)")])
    dark = css_block(STYLE[STYLE.index("@media (prefers-color-scheme: dark)") :].split("}")[0])
    expected = palette(DEFAULT_ACCENT)
    assert {k: light[k] for k, _ in expected.light} == dict(expected.light)
    assert {k: dark[k] for k, _ in expected.dark} == dict(expected.dark)
    assert (light["--bg"], light["--fg"]) == (LIGHT.page, LIGHT.text)
    assert (dark["--bg"], dark["--surface"], dark["--fg"]) == (DARK.page, DARK.surface, DARK.text)


@pytest.mark.parametrize("accent", ["#b3261e", "#ffcc00", "#000080", "#fff", "#000", "#0a7d3b"])
def test_any_accent_gives_readable_text_and_heat_map(accent: str) -> None:
    shades = palette(accent)
    for scheme, props in ((LIGHT, dict(shades.light)), (DARK, dict(shades.dark))):
        accent_text = parse_hex(props["--accent"])
        assert contrast(accent_text, parse_hex(scheme.surface)) >= 4.5
        assert contrast(accent_text, parse_hex(scheme.page)) >= 4.5
        for n in range(1, 5):
            assert contrast(parse_hex(props[f"--heat-{n}"]), parse_hex(scheme.text)) >= 4.5


def test_a_readable_accent_is_kept_as_given() -> None:
    assert dict(palette("#0a7d3b").light)["--accent"] == "#0a7d3b"
    assert dict(palette("#b3261e", "#ff8a80").dark)["--accent"] == "#ff8a80"


# theme_options -------------------------------------------------------------------------------

OPTIONS = """\
theme_options:
  accent: "#0A7D3B"
  logo: static/logo.svg
  footer: © 2026 Редакція «Дайджест»
  links:
    - {name: Про нас, url: about/}
    - {name: Telegram, url: "https://t.me/example"}
"""


def test_theme_options_reach_every_page(make_site: MakeSite) -> None:
    logo = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="2"/></svg>'
    site = make_site(
        {**STORY, "themes/default/static/logo.svg": logo}, config=BASIC_CONFIG + OPTIONS
    )
    build_at_now(site)
    day = read(site, "2026/02/11/index.html")
    assert "<style>:root{--accent:#0a7d3b;--heat-1:" in day
    assert '<link rel="icon" href="../../../static/logo.svg">' in day
    assert '<img src="../../../static/logo.svg" width="36" height="36" alt="">' in day
    assert "<p>© 2026 Редакція «Дайджест»</p>" in day
    assert '<a href="../../../about/">Про нас</a>' in day
    assert '<a href="https://t.me/example">Telegram</a>' in day
    assert read(site, "static/logo.svg") == logo
    not_found = read(site, "404.html")  # absolute paths under base_url's path
    assert '<a href="/news/about/">Про нас</a>' in not_found


def test_default_options_add_no_style_and_an_inline_icon(make_site: MakeSite) -> None:
    site = make_site(STORY)
    build_at_now(site)
    day = read(site, "2026/02/11/index.html")
    assert "<style>" not in day
    assert '<link rel="icon" href="data:image/svg+xml,%3Csvg%20' in day
    assert "fill%3D%22%23b3261e%22" in day


def test_bad_theme_options_are_all_listed(make_site: MakeSite) -> None:
    site = make_site(
        STORY,
        config=BASIC_CONFIG
        + """\
theme_options:
  accent: red
  accent_dark: #ff8a80
  logo: static/missing.png
  links:
    - {name: Bad, url: "javascript:alert(1)"}
  colour: "#fff"
""",
    )
    result = run_cli("build", "-s", str(site))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: site.yaml:14: theme_options.accent: expected a CSS hex colour like #b3261e, "
        "got 'red'",
        "error: site.yaml:15: theme_options.accent_dark: empty — quote the colour, accent_dark: "
        '"#b3261e" (an unquoted # starts a YAML comment)',
        "error: site.yaml:16: theme_options.logo: no file themes/default/static/missing.png "
        "— put the image in themes/default/static/",
        "error: site.yaml:17: theme_options.links[1]: expected a name and a URL like https://…, "
        "mailto:… or a path in the site like about/, got 'javascript:alert(1)'",
        "Build aborted: fix site.yaml and run again.",
    ]


def test_unknown_theme_option_is_a_warning_with_a_suggestion(make_site: MakeSite) -> None:
    site = make_site(STORY, config=BASIC_CONFIG + 'theme_options:\n  acent: "#0a7d3b"\n')
    config, warnings = load_config(site)
    assert [str(w) for w in warnings] == [
        "site.yaml:14: theme_options: unknown setting `acent` — did you mean `accent`?"
    ]
    assert config.theme_options.accent == DEFAULT_ACCENT


def test_logo_must_be_in_the_static_folder(make_site: MakeSite) -> None:
    site = make_site(STORY, config=BASIC_CONFIG + "theme_options: {logo: ../secret.png}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    assert "theme_options.logo: expected a path in the theme's static folder" in str(caught.value)


# Calendar ------------------------------------------------------------------------------------


def day(d: date, stories: int) -> Day:
    return Day(date=d, articles=(None,) * stories, sections=(), previous=None, next=None)  # type: ignore[arg-type]


def test_month_is_laid_out_in_weeks_from_the_locales_first_day() -> None:
    days = [day(date(2026, 11, 18), 4), day(date(2026, 11, 1), 1), day(date(2026, 9, 30), 2)]
    monday_first = Calendars(days, Locale.parse("uk"))(date(2026, 11, 18))
    assert [w.short for w in monday_first.weekdays] == ["пн", "вт", "ср", "чт", "пт", "сб", "нд"]
    assert monday_first.weekdays[0].name == "понеділок"
    first_week = monday_first.weeks[0]
    assert first_week[:6] == (None,) * 6 and first_week[6] is not None
    assert (first_week[6].date, first_week[6].count, first_week[6].level) == (
        date(2026, 11, 1),
        1,
        1,
    )
    cells = [c for week in monday_first.weeks for c in week if c is not None]
    assert len(cells) == 30 and cells[17].count == 4 and cells[17].level == 4
    assert cells[17].url == "2026/11/18/"
    assert (monday_first.previous, monday_first.next) == (date(2026, 9, 1), None)
    sunday_first = Calendars(days, Locale.parse("en_US"))(date(2026, 11, 1))
    assert sunday_first.weekdays[0].short == "Sun"
    assert sunday_first.weeks[0][0] is not None and sunday_first.weeks[0][0].date.day == 1


def test_heat_levels_scale_to_the_busiest_day() -> None:
    assert [heat_level(n, 40) for n in (0, 1, 10, 11, 20, 30, 31, 40)] == [0, 1, 1, 2, 2, 3, 4, 4]
    assert heat_level(3, 0) == 0


# Pages ---------------------------------------------------------------------------------------


def test_article_links_back_to_its_day_without_listing_the_day(make_site: MakeSite) -> None:
    site = make_site(
        {
            **STORY,
            "content/b.txt": "date 2026-02-11 Бюджет ухвалено\n\nТекст.\n",
            "content/c.txt": "date 2026-02-12 Наступного дня\n\nТекст.\n",
        }
    )
    build_at_now(site)
    article = read(site, "2026/02/11/perehovory-tryvaiut/index.html")
    kicker = '<p class="kicker"><a href="../../../../2026/02/11/">← Випуск за 11 лютого 2026'
    assert kicker in article
    # The day's other articles are on the day page only: a new one leaves this page as it is.
    assert "Бюджет ухвалено" not in article and "Наступного дня" not in article
    assert "pagefind" not in article
