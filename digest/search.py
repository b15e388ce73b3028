"""Offline full-text search: index the built pages with Pagefind, served from /pagefind/."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from digest.config import Config
from digest.errors import Problem

SEARCH_DIR = "pagefind"


def find_pagefind() -> Path | None:
    """The Pagefind binary that the `pagefind[bin]` package ships, or one on PATH."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        path = Path(get_executable())
        if path.is_file():
            return path
    except Exception:  # not installed, or no binary for this platform
        pass
    found = shutil.which("pagefind")
    return Path(found) if found else None


def search_index(
    site_folder: Path, config: Config, pages_changed: bool
) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """Index the HTML in site_folder; return the index files (paths under pagefind/).

    Only article bodies are indexed (the theme marks them data-pagefind-body), all in the
    site's language so one search box finds Ukrainian and English articles alike. When no
    page changed, the existing index is kept as it is.
    """
    existing = site_folder / SEARCH_DIR
    if not pages_changed and (existing / "pagefind.js").is_file():
        return _files_under(existing), []
    binary = find_pagefind()
    if binary is None:
        return [], [
            Problem(
                "site.yaml",
                None,
                "search: the Pagefind binary is missing, so the site has no search index",
                "pip install 'pagefind[bin]', or set search: false",
            )
        ]
    language = config.language.replace("_", "-").split("-")[0].lower()
    with tempfile.TemporaryDirectory(prefix="digest-search-") as tmp:
        command = [
            str(binary),
            "--site",
            str(site_folder),
            "--output-path",
            str(Path(tmp) / SEARCH_DIR),
            "--force-language",
            language,
            "--silent",
        ]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            return [], [
                Problem(
                    "site.yaml",
                    None,
                    f"search: Pagefind failed: {e}",
                    "set search: false to skip it",
                )
            ]
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            return [], [
                Problem(
                    "site.yaml",
                    None,
                    f"search: Pagefind failed: {detail[0]}",
                    "set search: false to skip it",
                )
            ]
        return _files_under(Path(tmp) / SEARCH_DIR), []


def _files_under(folder: Path) -> list[tuple[str, bytes]]:
    return [
        (f"{SEARCH_DIR}/{p.relative_to(folder).as_posix()}", p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]
