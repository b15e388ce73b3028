"""The example site built once per test module, its page types, and the npm tools that check it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import build_at_now

ROOT = Path(__file__).parents[1]
NODE = ROOT / "tests" / "node"
NODE_MODULES = NODE / "node_modules"
ARTIFACTS = ROOT / "tests" / "artifacts"
PREFIX = "/digest/"  # the example site's base_url path, as GitHub Pages would serve it

# One page of each type the theme has, by its path in the built site.
PAGE_TYPES = {
    "home": "",
    "day": "2026/11/18/",
    "article": "2026/11/18/uriad-skhvalyv-prohramu-vidnovlennia-shkil/",
    "topic": "tags/economy/",
    "topics": "tags/",
    "archive": "archive/",
    "year": "2026/",
    "month": "2026/11/",
    "search": "search/",
    "404": "404.html",
}


def build_example(folder: Path) -> Path:
    """Copy the repository's example site into `folder`, build it, return its output folder."""
    shutil.copy(ROOT / "site.yaml", folder / "site.yaml")
    shutil.copytree(ROOT / "content", folder / "content")
    result = build_at_now(folder)
    assert result.warnings == []
    return folder / "_site"


def page_file(output: Path, path: str) -> Path:
    return output / (path if path.endswith(".html") else path + "index.html")


def node_tool(relative: str) -> Path:
    """A file from tests/node/node_modules; skipped locally when absent, an error in CI."""
    path = NODE_MODULES / relative
    if not path.exists():
        reason = f"needs {relative}: run `npm ci --ignore-scripts --prefix tests/node`"
        if os.environ.get("CI"):
            pytest.fail(reason + " (.ci/run does this)")
        pytest.skip(reason)
    return path


def need(program: str) -> str:
    """A program on PATH (java, node); skipped locally when absent, an error in CI."""
    found = shutil.which(program)
    if found is None:
        reason = f"needs {program} on PATH (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found
