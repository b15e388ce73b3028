"""An edit that changes no more than articles' bodies, built in a session from its last
build: the changed files read, their pages and the feeds made again and put into the live
site file by file; every other file is as the last build left it, which is what a build
from scratch would write, since the model is the same."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from digest.build import (
    BuildOptions,
    BuildResult,
    BuildSession,
    LastBuild,
    PendingIndex,
    output_key,
    stale_key,
)
from digest.bundles import BUNDLE_ENDINGS, bundle_folder
from digest.cache import CACHE_DIR, BuildCache, Record
from digest.deferred_index import make_deferred_index, replace_file
from digest.errors import display_path
from digest.fingerprints import parse_fingerprint
from digest.group import Selection, TopicIndex, is_published
from digest.model import Article, Day
from digest.reading import Parsed, parse_file
from digest.render import Page, SiteRenderer
from digest.sources import ArticleReader
from digest.write import output_matches


def quick_build(
    site_dir: Path, options: BuildOptions, changed: Collection[Path]
) -> BuildResult | None:
    """The build of the session's site after the files `changed` were saved, if each is an
    article of the last build whose new text changes nothing the model is made from (its
    title, date, tags, summary... are as they were) and reads without a warning; else None,
    and a whole build must be run. Raises DigestError and OSError."""
    started = time.perf_counter()
    start = from_last_build(site_dir, options, changed)
    if start is None:
        return None
    session, last, selection = start
    config = last.config
    read = _read_again(last, changed)
    if read is None:
        return None
    theme, theme_key = session.theme(config)
    if theme_key != last.theme_key:
        return None
    keys = {**last.keys, **{fresh.shown: fresh.key or b"" for fresh in read}}
    build_key = output_key(
        last.model_key, theme_key, (keys[path] for path in last.chosen), last.bundles
    )
    deferred = config.search and options.defer_search
    saved = stale_key(build_key) if config.search else build_key
    out = config.output_dir
    folder = options.cache_dir or config.site_dir / CACHE_DIR
    with BuildCache(folder) as cache:
        generation = last.generation
        if generation is None or cache.generation_key(out) != last.saved_key:
            return None  # another process built since
        for fresh in read:
            cache.put_entry(fresh.key or b"", fresh.entry, fresh.body)
        site = last.site
        bodies = cache.bodies(keys, {})
        renderer = SiteRenderer(site, theme, bodies, last.model_key, theme_key, cache.digests())
        where = _articles(site.days, {fresh.shown for fresh in read})
        if len(where) != len(read):
            return None
        pages = [renderer.article_page(article, day) for article, day in where]
        pages += _feeds_showing(renderer, {article.path for article, _day in where})
        # All made before any is put: a page that fails to render leaves the site as it was.
        made: list[tuple[str, bytes, Page | None]] = [(p.path, p.make(), p) for p in pages]
        records = dict(generation.records)
        if any(path not in records for path, _data, _page in made):
            return None  # a page the last build did not write: not the same site
        if not output_matches(out, {path: records[path].stamp for path, _d, _p in made}):
            return None  # the output was changed or removed since: build it whole
        written = 0
        for path, data, page in made:
            record, placed = put_live(out, path, data)
            written += placed
            if page is not None:
                record = record._replace(page_key=page.key, fine=page.fingerprint())
            records[path] = record
        generation = replace(generation, build_key=saved, records=records)
        cache.save_generation(out, generation)
    if config.search:
        session.pending = PendingIndex(config, site, bodies, folder, selection.now, build_key)
    session.last = replace(
        last, keys=keys, build_key=build_key, saved_key=saved, generation=generation
    )
    if config.search and not deferred:
        make_deferred_index(session)
    return BuildResult(
        config=config,
        model=site,
        warnings=list(last.warnings),
        pages=generation.pages,
        files=len(records),
        changed=written,
        parsed=len(read),
        rendered=len(where),
        counts=generation.counts,
        seconds=time.perf_counter() - started,
    )


def from_last_build(
    site_dir: Path, options: BuildOptions, changed: Collection[Path]
) -> tuple[BuildSession, LastBuild, Selection] | None:
    """The session, its last build and what is published now, if the saves `changed` can
    be built from that build: the same site, drafts and future settings, and the same
    articles published as then; else None."""
    session = options.session
    last = session.last if session is not None else None
    if session is None or last is None or not changed:
        return None
    config = last.config
    if site_dir.resolve() != config.site_dir or (options.drafts, options.future) != (
        last.drafts,
        last.future,
    ):
        return None
    selection = Selection(options.now or datetime.now(config.tz), options.drafts, options.future)
    if not same_articles(last, selection):
        return None  # time passed and an article came out or expired: the model changes
    return session, last, selection


def same_articles(last: LastBuild, selection: Selection) -> bool:
    """Whether the articles published at selection.now are those the last build published.
    As time goes on only two kinds can change: articles dated later than the last build's
    moment, which come out, and articles with an expiry date, which go."""
    chosen = set(last.chosen)
    return all(
        is_published(stub, selection) == (stub.path in chosen)
        for stub in last.stubs
        if stub.expires is not None or stub.path not in chosen
    )


def _read_again(last: LastBuild, changed: Collection[Path]) -> list[Parsed] | None:
    """The changed files read, if each is a published article, not a bundle, read as it was
    but for its body: the same model and no warnings, before or after."""
    config = last.config
    reader, rules = ArticleReader(config), TopicIndex(config.topics)
    parse_fp = parse_fingerprint(config)
    warned = {problem.path for problem in last.warnings}
    published = set(last.chosen)
    read = []
    for path in set(changed):
        shown = display_path(path, config.site_dir)
        if shown not in published or shown in warned or not path.is_file():
            return None
        if shown.lower().endswith(BUNDLE_ENDINGS) and bundle_folder(path, config):
            return None
        fresh = parse_file(reader, parse_fp, path, rules)
        if fresh.key is None or not fresh.entry or fresh.problems:
            return None
        _entry, problems, links = pickle.loads(fresh.entry)
        if problems or links != last.links.get(shown, ()):
            return None
        if fresh.grouping != last.lean[shown]:
            return None  # its title, date, tags... changed: so does the model
        read.append(fresh)
    return read


def _feeds_showing(renderer: SiteRenderer, paths: set[str]) -> list[Page]:
    """The feeds that carry the articles at paths in full: those they are among the newest
    of (the site's, their topics')."""
    shown = renderer.feed_inputs()
    wanted = {feed for feed, articles in shown.items() if any(a.path in paths for a in articles)}
    return [page for page in renderer.feed_pages() if page.path in wanted] if wanted else []


def _articles(days: tuple[Day, ...], paths: set[str]) -> list[tuple[Article, Day]]:
    return [(a, day) for day in days for a in day.articles if a.path in paths]


def put_live(out: Path, path: str, data: bytes) -> tuple[Record, bool]:
    """Put `data` at `path` in the live output in one step, unless the file there already
    holds it: its record, and whether it was written."""
    placed = replace_file(out, path, data)
    return placed or as_it_is(out / path), placed is not None


def as_it_is(path: Path) -> Record:
    st = os.stat(path)
    return Record(None, None, st.st_size, st.st_mtime_ns, st.st_ino)
