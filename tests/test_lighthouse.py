"""Lighthouse (npm, mobile settings) scores 100 in all four categories on every page type."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, serve_folder
from tests.theme_site import PAGE_TYPES, PREFIX, build_example, need, node_tool

pytestmark = pytest.mark.browser

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
WORKERS = 2  # Lighthouse processes at once: one Chromium each, on a 2-core machine


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every page type's Lighthouse report, run in WORKERS processes side by side."""
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (apt-get install chromium); .ci/run installs it")
    node = need("node")
    node_tool("lighthouse/package.json")
    output = build_example(tmp_path_factory.mktemp("example"))
    script = Path(__file__).parent / "node" / "lighthouse-pages.mjs"
    with serve_folder(output, PREFIX) as url:
        urls = [url + path for path in PAGE_TYPES.values()]
        env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
        runs = [
            subprocess.Popen(
                [node, str(script), *urls[n::WORKERS]],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for n in range(WORKERS)
        ]
        found: dict[str, Any] = {}
        for run in runs:
            out, err = run.communicate(timeout=600)
            assert run.returncode == 0, err
            found.update(json.loads(out))
        yield {kind: found[url + path] for kind, path in PAGE_TYPES.items()}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_scores_100_in_every_category(reports: dict[str, Any], kind: str) -> None:
    report = reports[kind]
    assert report["error"] is None
    # The audits that cost points, if any, are in the message.
    assert report["scores"] == dict.fromkeys(CATEGORIES, 1), report["failing"]
