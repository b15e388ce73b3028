"""Themes: a site overrides the built-in theme file by file and extends it; errors name lines."""

from __future__ import annotations

import pytest

from digest.errors import ThemeError
from tests.conftest import BASIC_CONFIG, MakeSite, build_at_now, read

STORY = {"content/a.txt": "date 2026-02-11 Переговори тривають\n\nТекст.\n"}


def test_site_theme_overrides_one_template_and_extends_the_builtin(make_site: MakeSite) -> None:
    site = make_site(
        {
            **STORY,
            "themes/default/templates/base.html": """\
                {% extends "!default/base.html" %}
                {% block head %}<meta name="x-custom" content="yes">{% endblock %}
                """,
            "themes/default/static/extra.css": "body{}",
        }
    )
    build_at_now(site)
    day = read(site, "2026/02/11/index.html")
    assert '<meta name="x-custom" content="yes">' in day
    assert "Переговори тривають" in day  # day.html still the built-in one
    assert read(site, "static/extra.css") == "body{}"
    assert "--accent" in read(site, "static/style.css")  # built-in static still copied


def test_named_theme_and_its_words(make_site: MakeSite) -> None:
    site = make_site(
        {
            **STORY,
            "themes/paper/i18n/uk.yaml": "archive: Підшивка\n",
            "themes/paper/static/style.css": "/* paper */",
        },
        config=BASIC_CONFIG + "theme: paper\n",
    )
    build_at_now(site)
    assert ">Підшивка<" in read(site, "index.html")
    assert read(site, "static/style.css") == "/* paper */"


def test_undefined_variable_names_template_and_line_and_keeps_old_site(make_site: MakeSite) -> None:
    site = make_site(STORY)
    build_at_now(site)
    before = read(site, "2026/02/11/index.html")
    (site / "themes/default/templates").mkdir(parents=True)
    (site / "themes/default/templates/day.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ day.no_such_field }}\n{% endblock %}\n',
        encoding="utf-8",
    )
    with pytest.raises(ThemeError) as caught:
        build_at_now(site)
    message = str(caught.value)
    assert message.startswith(str(site / "themes/default/templates/day.html") + ":3: ")
    assert "no_such_field" in message
    assert read(site, "2026/02/11/index.html") == before


def test_template_syntax_error_names_file_and_line(make_site: MakeSite) -> None:
    site = make_site({**STORY, "themes/default/templates/topics.html": "ok\n{% if %}\n"})
    with pytest.raises(ThemeError) as caught:
        build_at_now(site)
    assert str(caught.value).startswith(str(site / "themes/default/templates/topics.html") + ":2: ")
