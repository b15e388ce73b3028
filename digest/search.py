"""Offline full-text search: the build step that writes digest's own index (search_index.py)
into the site, and reads back the live one when nothing changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from digest.fingerprints import code_fingerprint, fingerprint
from digest.model import Site
from digest.render import Bodies
from digest.search_index import INDEX_DIR, TermStore, stream_search_files

TERMS_FILE = "search.sqlite3"  # in the cache folder


def index_files(
    site: Site,
    bodies: Bodies,
    cache_folder: Path,
    now: datetime,
    live: Path,
    cancelled: Callable[[], bool] = lambda: False,
    model: bytes = b"",
) -> list[tuple[str, bytes | None]]:
    """The index files of the site's published articles (paths under search/index/), made
    from the previous build's index in the live site where that one can be brought up to
    date. Raises search_index.Cancelled when `cancelled()` says so, having stored nothing."""
    return list(stream_index_files(site, bodies, cache_folder, now, live, cancelled, model))


def stream_index_files(
    site: Site,
    bodies: Bodies,
    cache_folder: Path,
    now: datetime,
    live: Path,
    cancelled: Callable[[], bool] = lambda: False,
    model: bytes = b"",
) -> Iterator[tuple[str, bytes | None]]:
    """index_files() one file at a time: a large index is never held whole. `model` is the
    site model's key, if known (see stream_search_files())."""
    store = TermStore(cache_folder / TERMS_FILE, fingerprint(code_fingerprint(), "search 2"))
    try:
        yield from stream_search_files(site, bodies, store, now, live, cancelled, model)
    finally:
        store.close()


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
