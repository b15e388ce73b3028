"""The Nu HTML Checker (npm vnu-jar on Java) finds no errors in any page of the example site."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BASIC_CONFIG, MakeSite, build_at_now
from tests.theme_site import PAGE_TYPES, build_example, need, node_tool, page_file

pytestmark = pytest.mark.browser


def vnu_errors(files: list[Path]) -> list[str]:
    """Every error and fatal message vnu reports for `files`, as `file:line: message`."""
    java = need("java")
    jar = node_tool("vnu-jar/build/dist/vnu.jar")
    run = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--also-check-css", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [
        f"{m.get('url', '').rsplit('/_site/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("example"))


def test_every_page_type_is_listed(output: Path) -> None:
    for path in PAGE_TYPES.values():
        assert page_file(output, path).is_file(), path


def test_every_page_and_the_stylesheet_validate(output: Path) -> None:
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 50  # the whole example site: every page type, many of each
    assert vnu_errors([*pages, output / "static" / "style.css"]) == []


def test_theme_options_output_validates(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: Переговори\ndate: 2026-02-11 10:00\n---\nТекст.\n",
            "themes/default/static/logo.svg": (
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">'
                '<circle cx="4" cy="4" r="4"/></svg>'
            ),
        },
        config=BASIC_CONFIG
        + """\
theme_options:
  accent: "#0a7d3b"
  logo: static/logo.svg
  footer: © 2026 Редакція
  links:
    - {name: Про нас, url: about/}
    - {name: Пошта, url: "mailto:news@example.org"}
""",
    )
    build_at_now(site)
    out = site / "_site"
    assert vnu_errors([out / "index.html", out / "2026/02/11/index.html", out / "404.html"]) == []
