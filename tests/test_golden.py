"""Sample sites under tests/sites/ built and compared byte for byte with committed output.

Regenerate the expected output on purpose after a deliberate change:

    DIGEST_REGEN_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from digest.build import BuildOptions, build
from tests.conftest import NOW

SITES = Path(__file__).parent / "sites"
REGENERATE = os.environ.get("DIGEST_REGEN_GOLDEN") == "1"


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "name", sorted(p.name for p in SITES.iterdir() if (p / "site.yaml").is_file())
)
def test_site_matches_golden_output(name: str, tmp_path: Path) -> None:
    site = SITES / name
    out = tmp_path / "out"
    result = build(site, BuildOptions(now=NOW, output_dir=out))
    assert result.warnings == []
    expected_dir = site / "expected"
    if REGENERATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir)
    built, expected = files_under(out), files_under(expected_dir)
    assert sorted(built) == sorted(expected)
    for rel, data in built.items():
        assert data == expected[rel], f"{name}/{rel} differs from the golden copy"
