"""Fixtures that build on each other: a site from a dict of dedented strings, then its build."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from digest.build import BuildOptions, BuildResult, build
from digest.cli import main

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Kyiv"))

BASIC_CONFIG = """\
title: Тестовий дайджест
base_url: https://example.github.io/news/
language: uk
timezone: Europe/Kyiv
search: false
topics:
  diplomacy:
    name: Дипломатія
    keywords: [діалог, переговор, НАТО]
  economy:
    name: Економіка
    keywords: [бюджет, гривн]
"""

MakeSite = Callable[..., Path]


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """make_site({"content/a.md": "..."}, config=...) writes a site folder and returns it."""

    def make(files: dict[str, str | bytes] | None = None, config: str = BASIC_CONFIG) -> Path:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / "content").mkdir(exist_ok=True)
        write_files(site, {"site.yaml": config, **(files or {})})
        return site

    return make


def build_at_now(site: Path, **options: object) -> BuildResult:
    return build(site, BuildOptions(now=NOW, **options))  # type: ignore[arg-type]


def read(site: Path, rel: str) -> str:
    return (site / "_site" / rel).read_text(encoding="utf-8")


def override_article_head(site: Path, head: str) -> Path:
    """Give the site's own theme an article.html that extends the built-in one, adding
    `head` to every article page's <head>. Returns the template's path."""
    template = site / "themes/default/templates/article.html"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(
        '{% extends "!default/article.html" %}{% block head %}' + head + "{% endblock %}",
        encoding="utf-8",
    )
    return template


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="session")
def corpus_2k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-article site from bench/corpus.py, built once per test session."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("corpus2k")
    script = Path(__file__).parents[1] / "bench" / "corpus.py"
    subprocess.run([sys.executable, str(script), str(root), "--articles", "2000"], check=True)
    build(root, BuildOptions(now=NOW))
    return root


@contextlib.contextmanager
def serve_folder(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `folder` at http://127.0.0.1:PORT{prefix} with a plain static server.

    Like GitHub Pages for a project site: only paths under the prefix exist. Yields the
    site's URL.
    """
    import functools
    import http.server
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            if not path.startswith(prefix):
                return str(folder / "__outside_the_site__")
            return super().translate_path("/" + path[len(prefix) :])

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; skipped only where Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
