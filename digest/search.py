"""Offline full-text search: the build step that writes digest's own index (search_index.py)
into the site, and reads back the live one when nothing changed."""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from digest.fingerprints import code_fingerprint, fingerprint
from digest.model import Site
from digest.search_index import INDEX_DIR, Bodies, TermStore, stream_search_files
from digest.words import lemmas_found

TERMS_FILE = "search.sqlite3"  # in the cache folder


def stream_index_files(
    site: Site,
    bodies: Bodies,
    cache_folder: Path,
    now: datetime,
    live: Path,
    cancelled: Callable[[], bool] = lambda: False,
    model: bytes = b"",
) -> Iterator[tuple[str, bytes | None]]:
    """The index files of the site's published articles (paths under search/index/), made
    from the previous build's index in the live site where that one can be brought up to
    date, one file at a time: a large index is never held whole. `model` is the site
    model's key, if known (see stream_search_files()). Raises search_index.Cancelled when
    `cancelled()` says so, having stored nothing."""
    store = TermStore(cache_folder / TERMS_FILE, _version())
    store.add_lemmas(lemmas_found())  # the next build's reading finds them there too
    try:
        yield from stream_search_files(site, bodies, store, now, live, cancelled, model)
    finally:
        store.close()


def _version() -> bytes:
    return fingerprint(code_fingerprint(), "search 2")


def stored_lemmas(cache_folder: Path) -> dict[str, tuple[str, ...]]:
    """The lemmas of every word form the term store has met (words.lemmas() of each, as
    this code made them), for words.remember_lemmas(); {} if there are none."""
    path = cache_folder / TERMS_FILE
    if not path.is_file():
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = dict(
                db.execute("SELECT name, value FROM meta WHERE name IN ('version', 'lemmas')")
            )
        finally:
            db.close()
        if rows.get("version") != _version() or "lemmas" not in rows:
            return {}
        found: dict[str, tuple[str, ...]] = marshal.loads(rows["lemmas"])
    except (sqlite3.Error, ValueError, EOFError, TypeError):
        return {}
    return found


def live_index(site_folder: Path) -> list[tuple[str, bytes | None]]:
    """The index files a built site holds now, as (path, None): kept as they are."""
    folder = site_folder / INDEX_DIR
    if not (folder / "meta.json").is_file():
        return []
    return [
        (f"{INDEX_DIR}/{p.relative_to(folder).as_posix()}", None)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]
