"""A save that changes what the model is made from (an article's title, summary, tags),
shown at once: the article's own page made again from its new text within the last
build's model (its story, day and neighbours as they were) and put in place. Its search
record follows (deferred_index.py), and the whole build after it (watch.py) brings the
day, home and topic pages and the feeds up to date, as Hugo's fast render mode does."""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from digest.build import (
    BuildOptions,
    BuildResult,
    FastEdits,
    LastBuild,
    PendingIndex,
    stale_key,
)
from digest.bundles import BUNDLE_ENDINGS, bundle_folder
from digest.cache import CACHE_DIR, BuildCache
from digest.deferred_index import replace_file
from digest.errors import display_path
from digest.fingerprints import fingerprint, parse_fingerprint
from digest.group import Selection, TopicIndex, is_published, make_article
from digest.model import Article, Day, Section, Site, Story, TopicGroup
from digest.quick_edit import from_last_build, put_live
from digest.reading import Parsed, parse_file
from digest.render import SiteRenderer
from digest.slugs import slugify
from digest.sources import ArticleReader, Entry
from digest.write import MANIFEST, output_matches


def fast_render(
    site_dir: Path, options: BuildOptions, changed: Collection[Path]
) -> BuildResult | None:
    """Put the new pages of the articles `changed` live, if each is an article the site
    shows now that stays on its day at its moment (a new title may give it a new address),
    or a new article on a day the site has, and reads without a warning; else None, and a
    whole build must be run. The session then owes a whole build (session.fast). Raises
    DigestError and OSError."""
    started = time.perf_counter()
    start = from_last_build(site_dir, options, changed)
    if start is None:
        return None
    session, last, selection = start
    config = last.config
    theme, theme_key = session.theme(config)
    if theme_key != last.theme_key:
        return None
    site = last.site
    if last.model is not site:  # loaded from the cache: keep it loaded for the next save
        session.last = last = replace(last, model=site)
    fast = session.fast or FastEdits({}, {}, b"", last.generation)
    shown = {article.path: article for article in site.articles} | fast.articles
    edits = _read_edits(last, changed, selection, shown, {day.date for day in site.days})
    if edits is None:
        return None
    articles = fast.articles | {article.path: article for _fresh, article in edits}
    keys = fast.keys | {fresh.shown: fresh.key or b"" for fresh, _article in edits}
    key = fingerprint(
        b"fast render", last.build_key, *sorted(f"{p} {k.hex()}" for p, k in keys.items())
    )
    patched = with_articles(site, articles)
    out = config.output_dir
    folder = options.cache_dir or config.site_dir / CACHE_DIR
    with BuildCache(folder) as cache:
        generation = fast.generation
        if generation is None or cache.generation_key(out) != generation.build_key:
            return None  # another process built since
        for fresh, _article in edits:
            cache.put_entry(fresh.key or b"", fresh.entry, fresh.body)
        bodies = cache.bodies(last.keys | keys, {})
        model_key = fingerprint(b"fast render", last.model_key, key)
        renderer = SiteRenderer(patched, theme, bodies, model_key, theme_key, cache.digests())
        days = {day.date: day for day in patched.days}
        pages = [renderer.article_page(article, days[article.day]) for _f, article in edits]
        # All made before any is put: a page that fails to render leaves the site as it was.
        made = [(page.path, page.make(), page) for page in pages]
        records = dict(generation.records)
        there = {path: records[path].stamp for path, _data, _page in made if path in records}
        if not output_matches(out, there):
            return None  # the output was changed or removed since: build it whole
        new = [path for path, _data, _page in made if path not in records]
        if new:  # listed as ours first, so a later build removes it when it is not made
            names = json.dumps(sorted([*records, *new]), ensure_ascii=False).encode("utf-8")
            replace_file(out, MANIFEST, names)
        written = 0
        for path, data, page in made:
            record, placed = put_live(out, path, data)
            written += placed
            records[path] = record._replace(page_key=None, fine=page.fingerprint())
        saved = stale_key(key) if config.search else key
        # Its pages follow no one model now: the next build makes every page's recipe.
        generation = replace(generation, build_key=saved, records=records, plan=b"")
        cache.save_generation(out, generation)
    if config.search:
        session.pending = PendingIndex(config, patched, bodies, folder, selection.now, key)
    session.fast = FastEdits(articles, keys, key, generation)
    moved = tuple(
        (shown[article.path].url, article.url)
        for _fresh, article in edits
        if article.path in shown and shown[article.path].url != article.url
    )
    return BuildResult(
        config=config,
        model=patched,
        warnings=list(last.warnings),
        pages=generation.pages,
        files=len(records),
        changed=written,
        parsed=len(edits),
        rendered=len(pages),
        counts=generation.counts,
        seconds=time.perf_counter() - started,
        moved=moved,
    )


def _read_edits(
    last: LastBuild,
    changed: Collection[Path],
    selection: Selection,
    shown: Mapping[str, Article],
    days: Collection[date],
) -> list[tuple[Parsed, Article]] | None:
    """The changed files read and published as articles, if each is one the site shows
    now or a new one on one of its days, not a bundle, reads without a warning, and keeps
    its moment and the links and redirects the rest of the site knows it by."""
    config = last.config
    reader, rules = ArticleReader(config), TopicIndex(config.topics)
    parse_fp = parse_fingerprint(config)
    taken = {(a.day, a.slug): a.path for a in shown.values()}
    found = []
    for path in set(changed):
        name = display_path(path, config.site_dir)
        old = shown.get(name)
        if not path.is_file():
            return None  # deleted: the model's lists change
        if old is None and not _new(last, name):
            return None  # a draft, future-dated or broken file until now: the build knows
        if name.lower().endswith(BUNDLE_ENDINGS) and bundle_folder(path, config):
            return None
        fresh = parse_file(reader, parse_fp, path, rules)
        if fresh.key is None or not fresh.entry or fresh.problems:
            return None
        entry: Entry
        entry, problems, _links = pickle.loads(fresh.entry)
        if problems or not is_published(entry, selection):
            return None
        day = entry.date.date()
        if old is None:
            if entry.redirects or entry.refs or day not in days:
                return None  # its links and redirects are settled by the build; a new day
        elif (entry.date, entry.has_time) != (old.moment, old.has_time):
            return None  # its place among the articles (and in the search index) moves
        elif entry.redirects or old.redirects or entry.refs != tuple(p for p, _u in old.refs):
            return None
        slug = slugify(entry.slug or entry.title)
        if taken.get((day, slug), name) != name:
            return None  # another article has that address: the build says which one wins
        taken[(day, slug)] = name
        article = make_article(entry, slug, rules, config)
        found.append((fresh, article if old is None else replace(article, refs=old.refs)))
    return found


def _new(last: LastBuild, name: str) -> bool:
    """Whether the file at name is new since the last build (not a draft or future-dated
    article it left out, nor one it warned about)."""
    return all(stub.path != name for stub in last.stubs) and all(
        problem.path != name for problem in last.warnings
    )


def with_articles(site: Site, articles: Mapping[str, Article]) -> Site:
    """The site with the articles at these paths in place of the ones it has, wherever they
    are listed, and those it has not among its articles and their day's, in order: the
    other lists (stories, topics) as the last build made them."""
    if not articles:
        return site
    present = {a.path for a in site.articles}
    added = [a for path, a in articles.items() if path not in present]

    def newest_first(items: tuple[Article, ...], more: list[Article]) -> tuple[Article, ...]:
        if not more:
            return items
        return tuple(sorted((*items, *more), key=lambda a: (a.moment, a.path), reverse=True))

    def swap(items: tuple[Article, ...]) -> tuple[Article, ...]:
        for a in items:
            if a.path in articles:
                return tuple(articles.get(a.path, a) for a in items)
        return items

    def story(s: Story) -> Story:
        reports = swap(s.reports)
        return s if reports is s.reports else replace(s, reports=reports)

    def stories(items: tuple[Story, ...]) -> tuple[Story, ...]:
        return tuple(story(s) for s in items)

    def section(s: Section) -> Section:
        return replace(s, articles=swap(s.articles), stories=stories(s.stories))

    def day(d: Day) -> Day:
        more = [a for a in added if a.day == d.date]
        if swap(d.articles) is d.articles and not more:
            return d
        return replace(
            d,
            articles=newest_first(swap(d.articles), more),
            sections=tuple(section(s) for s in d.sections),
            top=stories(d.top),
            stories=stories(d.stories),
        )

    def group(g: TopicGroup) -> TopicGroup:
        listed = swap(g.articles)
        return g if listed is g.articles else replace(g, articles=listed)

    return replace(
        site,
        articles=newest_first(swap(site.articles), added),
        days=tuple(day(d) for d in site.days),
        topics=tuple(group(g) for g in site.topics),
        untagged=swap(site.untagged),
        stories=stories(site.stories),
    )
