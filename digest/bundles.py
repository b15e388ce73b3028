"""Page bundles (Hugo, Zola): the files beside an article's index.md, copied beside its page."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from digest.config import Config

_ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")  # as sources.py reads them
BUNDLE_INDEXES = ("index.md", "index.markdown")
BUNDLE_ENDINGS = tuple("/" + name for name in BUNDLE_INDEXES)


def bundle_folder(path: Path, config: Config) -> str:
    """The folder (relative to the site) whose index.md `path` is, for an article that is a
    bundle: an index.md in a folder of its own below the content folder. Else ""."""
    if path.name.lower() not in BUNDLE_INDEXES:
        return ""
    folder = path.parent
    if folder == config.content_dir or not folder.is_relative_to(config.content_dir):
        return ""
    try:
        return folder.relative_to(config.site_dir).as_posix()
    except ValueError:
        return str(folder)


def in_bundle(path: Path, content_dir: Path) -> bool:
    """Whether path is a file of a page bundle: a folder above it, below the content folder,
    holds an index.md."""
    folder = path.parent
    while folder != content_dir and folder.is_relative_to(content_dir):
        if any((folder / name).is_file() for name in BUNDLE_INDEXES):
            return True
        folder = folder.parent
    return False


def bundle_files(folder: Path) -> list[tuple[str, Path]]:
    """The files a bundle carries, as (path under the article's page, file), in name order:
    everything but articles, hidden files and index.html (the page itself goes there)."""
    found: list[tuple[str, Path]] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name.lower().endswith(_ARTICLE_SUFFIXES):
                continue
            path = Path(root, name)
            rel = path.relative_to(folder).as_posix()
            if rel.lower() in ("index.html", "index.htm") or not path.is_file():
                continue
            found.append((rel, path))
    return found


def bundles_state(site_dir: Path, folders: Iterable[str]) -> list[str]:
    """What the bundles' files are now, by name, size and modification time: part of what
    a build is made from, so a changed image is copied again."""
    state: list[str] = []
    for folder in sorted(set(folders)):
        for rel, path in bundle_files(site_dir / folder):
            try:
                st = path.stat()
            except OSError:
                continue
            state.append(f"{folder}/{rel} {st.st_size} {st.st_mtime_ns} {st.st_ino}")
    return state
