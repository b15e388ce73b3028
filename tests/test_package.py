"""The built wheel carries the default theme, so `pip install .` gives a working digest."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_wheel_contains_the_default_theme(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    wheel = next(tmp_path.glob("digest_news-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "digest/themes/default/templates/base.html",
        "digest/themes/default/templates/day.html",
        "digest/themes/default/static/style.css",
        "digest/themes/default/i18n/uk.yaml",
        "digest/themes/default/i18n/en.yaml",
        "digest/py.typed",
        "digest/live/live.js",  # the preview's live reload and its overlay's style
        "digest/live/overlay.css",
    ):
        assert needed in names
    info = next(n for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(wheel).read(info).decode()
    assert "\nName: digest-news\n" in metadata  # `digest` on PyPI is another project
    assert "\nLicense-Expression: MIT\n" in metadata
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "digest = digest.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()
