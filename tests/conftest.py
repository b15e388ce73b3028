"""Fixtures that build on each other: a site from a dict of dedented strings, then its build."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
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


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
